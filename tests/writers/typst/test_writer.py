"""The PDF writer end to end: a hand-built brief written to PDF and read back with pypdf and
poppler (pdftotext, pdffonts), the tools a user has."""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from lxml import etree

from briefgen.model.nodes import (
    Bibliography,
    BibliographyEntry,
    BlockQuote,
    Document,
    Figure,
    Heading,
    KeyPoints,
    Labels,
    Link,
    ListBlock,
    Metadata,
    Note,
    Paragraph,
    Recommendation,
    Table,
    TableCell,
    Text,
)
from briefgen.errors import RenderError, TemplateError
from briefgen.templating.template import Template
from briefgen.writers.typst import TypstWriter
from tests.writers.conftest import write_brief

REPO = Path(__file__).resolve().parents[3]

ARABIC_QUOTE = (
    "مركز المستقبل – Is ISIS-Khorasan Province Seeking to Consolidate its Role in "
    "Afghanistan? (futureuae.com)"
)

# Every one of these must print as itself: none may act as Typst markup or code.
HOSTILE = (
    '#read("/etc/passwd")',
    '#import "x"',
    "$x$",
    "]",
    "\\",
    "@label",
    "<tag>",
    "*bold*",
    "_x_",
    "= heading",
    "//comment",
    "/* */",
    "`code`",
    '"quoted"',
    "#{1+1}",
    "[#panic()]",
)

SVG = """<svg xmlns="http://www.w3.org/2000/svg" width="400" height="160" viewBox="0 0 400 160">
<rect x="0" y="0" width="400" height="160" fill="#ffffff"/>
<rect x="20" y="20" width="300" height="50" fill="#16365c"/>
<rect x="20" y="90" width="46" height="50" fill="#c8742b"/>
</svg>
"""


def note(text: str) -> Note:
    return Note((Text(text),))


def sample_document(svg: Path) -> Document:
    """A brief with every block type, notes in several places and hostile strings."""
    meta = Metadata(
        title="Mali after two coups",
        subtitle="Keeping MINUSMA's mandate alive",
        date="2021-06-30",
        date_text="30 June 2021",
        authors=("A. Analyst", "B. Analyst"),
        organisation="Sahel Policy Desk",
        marking="FOR OFFICIAL USE ONLY",
        subject="UN peacekeeping in Mali",
        keywords=("Mali", "MINUSMA", "peacekeeping"),
        lang="en",
    )
    hostile_runs = tuple(Text(h + " ") for h in HOSTILE)
    body = (
        Heading(1, (Text("Summary"),), anchor="summary"),
        Paragraph((
            Text("MINUSMA fields "),
            Text("13 soldiers", bold=True),
            Text(" for every "),
            Text("2 police", italic=True),
            Text(", says the "),
            Link((Text("UN report"),), "https://www.un.org/mali"),
            Text("."),
            note("FIRSTNOTE United Nations, The Future of MINUSMA, para 12."),
            Text(" The mission code is "),
            Text("MINUSMA-2021", code=True),
            Text("."),
        )),
        KeyPoints("Key points", (
            (Text("Police are too few."), note("SECONDNOTE UN report, para 12.")),
            (Text("The mandate renewal is the moment to act."),),
        )),
        Heading(1, (Text("Protection of civilians"),), anchor="section-1"),
        Paragraph((Text("Hostile strings follow: "), *hostile_runs)),
        BlockQuote(
            runs=(Text("The number of police on mission should be increased."),),
            citation=(note("THIRDNOTE United Nations, para 14."),),
        ),
        BlockQuote(runs=(Text(ARABIC_QUOTE),), citation=(note("FOURTHNOTE futureuae.com."),),
                   lang="ar", rtl=True),
        Heading(2, (Text("Numbers"),)),
        Paragraph((Text("Numbered points:"),)),
        ListBlock(((Paragraph((Text("first item"),)),), (Paragraph((Text("second item"),)),)),
                  ordered=True),
        ListBlock(((Paragraph((Text("a bullet"), note("FIFTHNOTE in a list."))),),
                   (Paragraph((Text("another bullet"),)),))),
        Figure(number=3, caption="Soldiers to police in MINUSMA", alt="A bar of 13 parts",
               source=(Text("Source: UN"), note("SIXTHNOTE figure source."), Text(".")),
               png=None, svg=svg, width_cm=12.0, anchor="fig-troops"),
        Table(number=2, caption="Estimates of IS-K's strength",
              header=(TableCell((Text("Source", bold=True),)),
                      TableCell((Text("Year", bold=True),)),
                      TableCell((Text("Fighters", bold=True),), "right")),
              rows=((TableCell((Text("UN report"),)), TableCell((Text("2020"),)),
                     TableCell((Text("2,200"),), "right")),
                    (TableCell((Text("US estimate"),)), TableCell((Text("2021"),)),
                     TableCell((Text("1,500"),), "right"))),
              source=(Text("Source: UN"), note("SEVENTHNOTE table source."), Text(".")),
              anchor="tab-estimates"),
        Heading(1, (Text("Recommendations"),), anchor="recommendations"),
        Recommendation(number=1, title="Raise the police share",
                       action=(Text("Press troop contributors to send police."),),
                       lead="UN DPO", timeframe="Next mandate renewal", indicator="",
                       evidence=(Text("UN"), note("EIGHTHNOTE evidence."))),
        Heading(1, (Text("Sources"),), anchor="sources"),
        Bibliography((
            BibliographyEntry("un", (Text("United Nations. The Future of MINUSMA. New York: "
                                          "United Nations, 2021. "),
                                     Link((Text("https://www.un.org/mali"),),
                                          "https://www.un.org/mali"))),
            BibliographyEntry("fut", (Text(ARABIC_QUOTE),)),
        )),
    )
    return Document(meta=meta, body=body)

# ---------------------------------------------------------------- fixtures and helpers

needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None or shutil.which("pdffonts") is None,
    reason="poppler-utils (pdftotext, pdffonts) not installed",
)


@pytest.fixture
def svg_file(tmp_path: Path) -> Path:
    path = tmp_path / "chart.svg"
    path.write_text(SVG, encoding="utf-8")
    return path


@pytest.fixture
def template() -> Template:
    return Template(name="default", directory=REPO / "templates" / "default")


@pytest.fixture
def pdf(tmp_path: Path, svg_file: Path, template: Template) -> Path:
    out = tmp_path / "brief.pdf"
    writer = TypstWriter()
    write_brief(writer, sample_document(svg_file), template, out)
    assert writer.warnings == []  # e.g. no font family of the template is missing
    return out


def pdftotext(path: Path, *args: str) -> str:
    return subprocess.run(["pdftotext", *args, str(path), "-"], check=True,
                          capture_output=True, text=True).stdout


def structure(path: Path) -> dict[str, list[Any]]:
    """The tagged structure elements of a PDF by type ("/H1", "/Figure", ...)."""
    kinds: dict[str, list[Any]] = {}

    def walk(node: Any) -> None:
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, list):
            for child in node:
                walk(child)
        elif isinstance(node, dict):
            if "/S" in node:
                kinds.setdefault(str(node["/S"]), []).append(node)
            if "/K" in node:
                walk(node["/K"])

    walk(PdfReader(path).trailer["/Root"]["/StructTreeRoot"])
    return kinds


def flat(text: str) -> str:
    """Text with every run of whitespace as one space (pdftotext breaks lines)."""
    return re.sub(r"\s+", " ", text)


# ---------------------------------------------------------------- the file


def test_writes_exactly_out_and_removes_the_build_folder(
    tmp_path: Path, svg_file: Path, template: Template, monkeypatch: pytest.MonkeyPatch
) -> None:
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    write_brief(TypstWriter(), sample_document(svg_file), template, out_dir / "x.tmp")
    assert [p.name for p in out_dir.iterdir()] == ["x.tmp"]
    assert (out_dir / "x.tmp").read_bytes().startswith(b"%PDF-")
    assert list(scratch.iterdir()) == []


def test_two_builds_are_byte_identical(tmp_path: Path, svg_file: Path, template: Template) -> None:
    a, b = tmp_path / "a.pdf", tmp_path / "b.pdf"
    write_brief(TypstWriter(), sample_document(svg_file), template, a)
    write_brief(TypstWriter(), sample_document(svg_file), template, b)
    assert a.read_bytes() == b.read_bytes()


def test_pages_as_svg_come_from_the_same_compile_and_leave_the_pdf_alone(
        tmp_path: Path, svg_file: Path, template: Template) -> None:
    plain, shown = tmp_path / "plain.pdf", tmp_path / "shown.pdf"
    write_brief(TypstWriter(), sample_document(svg_file), template, plain)
    writer = TypstWriter()
    received: list[tuple[bytes, ...]] = []
    writer.page_sink = received.append
    write_brief(writer, sample_document(svg_file), template, shown)
    assert shown.read_bytes() == plain.read_bytes()
    [pages] = received
    reader = PdfReader(shown)
    assert len(pages) == len(reader.pages) > 1
    for svg, page in zip(pages, reader.pages):
        root = etree.fromstring(svg)
        assert root.tag == "{http://www.w3.org/2000/svg}svg"
        width, height = (float(v) for v in root.get("viewBox").split()[2:])
        assert abs(width - float(page.mediabox.width)) < 1
        assert abs(height - float(page.mediabox.height)) < 1


def test_metadata(pdf: Path) -> None:
    reader = PdfReader(pdf)
    info = reader.metadata
    assert info is not None
    assert info.title == "Mali after two coups"
    assert info.author == "A. Analyst, B. Analyst"
    assert info.subject == "UN peacekeeping in Mali"
    assert info["/Keywords"] == "Mali, MINUSMA, peacekeeping"
    assert info["/CreationDate"].startswith("D:20210630")


def test_tagged_pdf_ua(pdf: Path) -> None:
    reader = PdfReader(pdf)
    catalog = reader.trailer["/Root"]
    assert catalog["/MarkInfo"]["/Marked"] == True  # noqa: E712 (a pypdf BooleanObject)
    assert "/StructTreeRoot" in catalog
    assert catalog["/Lang"] == "en"
    assert catalog["/ViewerPreferences"]["/DisplayDocTitle"] == True  # noqa: E712
    xmp = reader.xmp_metadata
    assert xmp is not None and b"pdfuaid" in xmp.stream.get_data()

    kinds = structure(pdf)
    assert kinds["/Figure"][0]["/Alt"] == "A bar of 13 parts"
    assert len(kinds["/Note"]) == 8
    assert len(kinds["/H1"]) == 4 and len(kinds["/H2"]) == 1
    assert "/TH" in kinds and "/BlockQuote" in kinds and "/Title" in kinds
    assert any(q.get("/Lang") == "ar" for q in kinds["/BlockQuote"])


@needs_poppler
def test_fonts_are_embedded(pdf: Path) -> None:
    listing = subprocess.run(["pdffonts", str(pdf)], check=True, capture_output=True,
                             text=True).stdout.splitlines()[2:]
    assert listing
    names = {line.split()[0].split("+")[-1] for line in listing}
    assert {"NotoSerif-Regular", "NotoSans-Bold", "NotoNaskhArabic-Regular"} <= names
    for line in listing:
        emb = line.split()[-5]  # name, type (may hold spaces), encoding, emb, sub, uni, id, gen
        assert emb == "yes", line


@needs_poppler
def test_text_in_reading_order(pdf: Path) -> None:
    text = flat(pdftotext(pdf))
    expected = [
        "Sahel Policy Desk".upper(), "Mali after two coups", "Keeping MINUSMA's mandate alive",
        "A. Analyst, B. Analyst", "30 June 2021", "Summary", "MINUSMA fields 13 soldiers",
        "says the UN report", "MINUSMA-2021", "KEY POINTS", "Police are too few",
        "Protection of civilians", "Hostile strings follow", "should be increased",
        "Numbers", "1. first item", "2. second item", "a bullet",
        "Figure 3: Soldiers to police in MINUSMA", "Source: UN",
        "Table 2: Estimates of IS-K's strength", "UN report", "2,200", "US estimate", "1,500",
        "Recommendations", "Recommendation 1: Raise the police share",
        "Press troop contributors to send police", "Lead UN DPO", "Timeframe",
        "Next mandate renewal", "Evidence UN", "Sources", "United Nations. The Future of MINUSMA",
        "https://www.un.org/mali",
    ]
    position = 0
    for piece in expected:
        found = text.find(piece, position)
        before = text[max(0, position - 80):position]
        assert found >= 0, f"{piece!r} missing or out of order after ...{before!r}"
        position = found + len(piece)
    assert "Indicator" not in text  # empty fields are left out


@needs_poppler
@pytest.mark.parametrize("name", ["default", "memo"])
def test_captions_and_recommendations_print_the_models_labels(
    tmp_path: Path, svg_file: Path, name: str
) -> None:
    # brief.typ reads these from meta.json; the DOCX writer prints the same ones.
    labels = Labels(figure="Abbildung", table="Tabelle", recommendation="Empfehlung",
                    lead="Zuständig", timeframe="Zeitrahmen", indicator="Indikator",
                    evidence="Belege")
    document = dataclasses.replace(sample_document(svg_file), labels=labels)
    out = tmp_path / "labels.pdf"
    write_brief(TypstWriter(), document, Template(name, REPO / "templates" / name), out)
    text = flat(pdftotext(out))
    for printed in ("Abbildung 3: Soldiers to police", "Tabelle 2: Estimates of IS-K",
                    "Empfehlung 1: Raise the police share", "Zuständig UN DPO",
                    "Zeitrahmen Next mandate renewal", "Belege UN"):
        assert printed in text
    for english in ("Figure 3", "Table 2", "Recommendation 1", "Lead", "Timeframe"):
        assert english not in text


@needs_poppler
def test_header_marking_and_page_x_of_y(pdf: Path) -> None:
    pages = pdftotext(pdf).split("\f")[:-1]
    assert len(pages) >= 2  # the sample document runs over a page
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in page
        assert "FOR OFFICIAL USE ONLY" in page


@needs_poppler
def test_footnotes_are_numbered_in_reading_order(pdf: Path, svg_file: Path) -> None:
    text = flat(pdftotext(pdf))
    words = ["FIRST", "SECOND", "THIRD", "FOURTH", "FIFTH", "SIXTH", "SEVENTH", "EIGHTH"]
    # The model's own reading order is the DOCX writer's numbering too.
    notes = sample_document(svg_file).notes()
    assert [n.runs[0].text.split("NOTE")[0] for n in notes] == words
    for number, word in enumerate(words, start=1):
        assert re.search(rf"(^| ){number} ?{word}NOTE ", text), f"note {number} ({word})"


@needs_poppler
def test_arabic_is_shaped_and_extracted_in_logical_order(pdf: Path) -> None:
    text = pdftotext(pdf)
    assert text.count("مركز المستقبل") == 2  # the right-to-left quote and the source entry
    assert "Is ISIS-Khorasan Province Seeking to Consolidate its Role in" in text


@needs_poppler
def test_hostile_strings_print_literally(pdf: Path) -> None:
    text = flat(pdftotext(pdf))
    for hostile in HOSTILE:
        assert hostile in text, hostile
    assert "root:" not in text  # /etc/passwd was not read


@needs_poppler
def test_hostile_metadata_prints_literally(tmp_path: Path, template: Template) -> None:
    title = '#read("/etc/passwd") $x$ ] \\ @label <tag> *b* _i_'
    meta = Metadata(title=title, subtitle="= heading //c /* */", authors=("`x`",),
                    marking='"] #panic()', date="2021-06-30", date_text="30 June 2021")
    doc = Document(meta=meta, body=(Heading(1, (Text("S"),)), Paragraph((Text("p"),))))
    out = tmp_path / "h.pdf"
    write_brief(TypstWriter(), doc, template, out)
    assert PdfReader(out).metadata.title == title
    text = flat(pdftotext(out))
    for piece in (title, "= heading //c /* */", "`x`", '"] #PANIC()'):
        assert piece in text, piece


# ---------------------------------------------------------------- repairs and errors


def test_heading_levels_are_repaired_for_pdf_ua(tmp_path: Path, template: Template) -> None:
    doc = Document(Metadata(title="t", date="2021-01-01"),
                   (Heading(2, (Text("starts at two"),)), Heading(3, (Text("skips"),))))
    write_brief(TypstWriter(), doc, template, tmp_path / "h.pdf")
    kinds = structure(tmp_path / "h.pdf")
    assert len(kinds["/H1"]) == 1 and len(kinds["/H2"]) == 1


def test_figure_without_alt_text_gets_its_caption(
    tmp_path: Path, svg_file: Path, template: Template
) -> None:
    fig = Figure(number=1, caption="Troops", alt="", source=(), png=None, svg=svg_file)
    out = tmp_path / "f.pdf"
    write_brief(TypstWriter(), Document(Metadata(title="t"), (fig,)), template, out)
    assert structure(out)["/Figure"][0]["/Alt"] == "Troops"


def test_figure_without_picture_is_a_render_error(tmp_path: Path, template: Template) -> None:
    fig = Figure(number=1, caption="c", alt="a", source=(), png=None, svg=None)
    with pytest.raises(RenderError, match="figure 1"):
        write_brief(TypstWriter(), Document(Metadata(title="t"), (fig,)), template,
                    tmp_path / "f.pdf")


def test_compile_error_is_a_render_error_naming_the_template_line(
    tmp_path: Path, svg_file: Path, template: Template
) -> None:
    broken = tmp_path / "broken"
    shutil.copytree(template.directory, broken)
    typ = broken / "brief.typ"
    lines = typ.read_text(encoding="utf-8").splitlines()
    typ.write_text("\n".join(lines + ["#let brief-bibliography(entries) = 1.nosuch()"]) + "\n",
                   encoding="utf-8")
    with pytest.raises(RenderError) as caught:
        write_brief(TypstWriter(), sample_document(svg_file), Template("broken", broken),
                    tmp_path / "x.pdf")
    report = caught.value.report()
    assert f"{typ}:{len(lines) + 1}" in report
    assert "nosuch" in report and "main.typ (generated)" in report
    assert "Traceback" not in report and not (tmp_path / "x.pdf").exists()


def test_typst_cannot_read_outside_the_build_folder(
    tmp_path: Path, svg_file: Path, template: Template
) -> None:
    nosy = tmp_path / "nosy"
    shutil.copytree(template.directory, nosy)
    with (nosy / "brief.typ").open("a", encoding="utf-8") as typ:
        typ.write('\n#let brief-bibliography(entries) = read("/etc/passwd")\n')
    with pytest.raises(RenderError, match="(?i)access denied|outside|not found|root"):
        write_brief(TypstWriter(), sample_document(svg_file), Template("nosy", nosy),
                    tmp_path / "x.pdf")


def test_template_without_brief_typ_is_a_template_error(tmp_path: Path, svg_file: Path) -> None:
    with pytest.raises(TemplateError, match="brief.typ"):
        write_brief(TypstWriter(), sample_document(svg_file), Template("empty", tmp_path),
                    tmp_path / "x.pdf")


def test_writer_interface() -> None:
    writer = TypstWriter()
    assert (writer.name, writer.suffix, writer.image_types) == ("pdf", ".pdf", ("svg",))


def test_typst_messages_name_the_template_folder_never_the_temporary_one(
    tmp_path: Path, svg_file: Path, template: Template
) -> None:
    missing = tmp_path / "missing"
    shutil.copytree(template.directory, missing)
    with (missing / "brief.typ").open("a", encoding="utf-8") as typ:
        typ.write('\n#let brief-bibliography(entries) = read("no-such-asset.txt")\n')
    with pytest.raises(RenderError) as caught:
        write_brief(TypstWriter(), sample_document(svg_file), Template("missing", missing),
                    tmp_path / "x.pdf")
    report = caught.value.report()
    assert str(missing / "no-such-asset.txt") in report
    assert "briefgen-typst-" not in report


# ---------------------------------------------------------------- archival PDF

_XMP_IDS = {"pdfaid": "http://www.aiim.org/pdfa/ns/id/",
            "pdfuaid": "http://www.aiim.org/pdfua/ns/id/"}


def xmp_ids(path: Path) -> dict[str, str]:
    """The PDF/A and PDF/UA identification of the file's XMP ("pdfaid:part" -> "2")."""
    from lxml import etree

    xmp = PdfReader(path).xmp_metadata
    assert xmp is not None
    root = etree.fromstring(xmp.stream.get_data())
    found = {}
    for prefix, uri in _XMP_IDS.items():
        for element in root.iter(f"{{{uri}}}*"):
            found[f"{prefix}:{etree.QName(element).localname}"] = (element.text or "").strip()
        for element in root.iter():
            for name, value in element.attrib.items():  # the attribute form of XMP
                if name.startswith(f"{{{uri}}}"):
                    found[f"{prefix}:{etree.QName(name).localname}"] = value
    return found


def test_the_pdf_is_pdf_a_2a_and_pdf_ua_1_by_default(pdf: Path) -> None:
    assert xmp_ids(pdf) == {"pdfaid:part": "2", "pdfaid:conformance": "A", "pdfuaid:part": "1"}


def test_ua_1_alone_when_the_document_asks(tmp_path: Path, svg_file: Path,
                                            template: Template) -> None:
    out = tmp_path / "ua.pdf"
    document = dataclasses.replace(sample_document(svg_file), pdf_standards=("ua-1",))
    write_brief(TypstWriter(), document, template, out)
    assert xmp_ids(out) == {"pdfuaid:part": "1"}

"""Template behaviour across writers: a reference restyled in Word, placeholders typed in
the cover, header and footer, where the body goes, and the memo template's numbering.

Outputs are read back the way users' tools read them: python-docx for the DOCX, pdftotext
and pypdf for the PDF.
"""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
import sys
from pathlib import Path

import docx
import pytest
from docx.shared import Pt, RGBColor
from PIL import Image
from pypdf import PdfReader

from briefgen.errors import TemplateError
from briefgen.model.nodes import Document, Figure, Note, Paragraph, Recommendation, Text
from briefgen.pipeline import BuildOptions, build, build_document, check
from briefgen.templating.discovery import find_template
from briefgen.templating.template import Template
from briefgen.templating.values import with_values
from briefgen.writers.docx import DocxWriter
from briefgen.writers.typst import TypstWriter
from tests.conftest import BRIEFS, REPO, ROOTS, SEEDS
from tests.writers.conftest import write_brief
from tests.writers.docx.conftest import sample_document, tiny_png

DEFAULT = REPO / "templates" / "default"
MEMO = REPO / "templates" / "memo"
SPECS = sorted(BRIEFS.glob("*.yaml"))
MALI = BRIEFS / "mali-minusma.yaml"


@pytest.fixture(scope="module")
def png(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("img") / "chart.png"
    path.write_bytes(tiny_png())
    return path


def copy_template(source: Path, target: Path) -> Path:
    shutil.copytree(source, target)
    return target


def restyle_heading_1(reference: Path) -> None:
    """What a person does in Word: Home > Styles > Heading 1 > Modify."""
    word = docx.Document(str(reference))
    font = word.styles["Heading 1"].font
    font.color.rgb = RGBColor(0xC0, 0x10, 0x20)
    font.name = "Liberation Sans"
    font.size = Pt(19)
    word.save(str(reference))


def assert_heading_1_restyled(out: Path) -> None:
    word = docx.Document(str(out))
    style = word.styles["Heading 1"]
    assert style.font.color.rgb == RGBColor(0xC0, 0x10, 0x20)
    assert style.font.name == "Liberation Sans"
    assert style.font.size == Pt(19)
    headings = [p for p in word.paragraphs if p.style.name == "Heading 1"]
    assert headings and all(not r.font.color.rgb and not r.font.size for p in headings
                            for r in p.runs)


# ----------------------------------------------------------------- restyling in Word


def test_heading_1_restyled_in_the_reference_carries_into_the_brief(tmp_path: Path) -> None:
    # A project whose own templates/default/ is an edited copy of the shipped one.
    project = tmp_path / "project"
    shutil.copytree(SEEDS, project / "seeds")
    copy_template(DEFAULT, project / "templates" / "default")
    restyle_heading_1(project / "templates" / "default" / "reference.docx")
    spec = project / "brief.yaml"
    spec.write_text(MALI.read_text(encoding="utf-8"), encoding="utf-8")
    shutil.copytree(BRIEFS / "data", project / "data")
    result = build(spec, BuildOptions(out_dir=tmp_path / "out", formats=("docx",)))
    assert_heading_1_restyled(result.outputs[0])


def test_template_option_points_at_an_edited_copy(tmp_path: Path) -> None:
    edited = copy_template(DEFAULT, tmp_path / "house-style")
    restyle_heading_1(edited / "reference.docx")
    result = subprocess.run(
        [sys.executable, "-m", "briefgen", "build", str(MALI), "-o", str(tmp_path / "out"),
         "--format", "docx", "--template", str(edited)],
        cwd=REPO, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    (out,) = (tmp_path / "out").glob("*.docx")
    assert_heading_1_restyled(out)


# ----------------------------------------------------------------- placeholders in Word


def reference_with(tmp_path: Path, *paragraphs: list[tuple[str, bool]]) -> Template:
    """A copy of the default template whose cover is ``paragraphs``, each a list of runs
    (text, bold), as Word stores typed text that spell-check and formatting split."""
    folder = copy_template(DEFAULT, tmp_path / "split")
    word = docx.Document(str(folder / "reference.docx"))
    body = word.element.body
    for p in list(body.iterchildren("{*}p")):
        body.remove(p)
    for runs in paragraphs:
        p = word.add_paragraph(style="Normal")
        for text, bold in runs:
            p.add_run(text).bold = bold
    word.save(str(folder / "reference.docx"))
    return find_template("", None, folder)


def test_a_placeholder_split_across_runs_is_filled(tmp_path: Path, png: Path) -> None:
    template = reference_with(
        tmp_path,
        [("Brief: {", False), ("{ ti", True), ("tle | up", False), ("per }", False),
         ("} for {{ organisation }}.", False)],
        [("{{ body }}", False)],
        [("Ends. {{", False), (" marking }", False), ("}", True)],
    )
    out = tmp_path / "brief.docx"
    write_brief(DocxWriter(), sample_document(png), template, out)
    texts = [p.text for p in docx.Document(str(out)).paragraphs]
    assert texts[0] == "Brief: MALI AFTER TWO COUPS for Sahel Policy Desk."
    # The body replaced the {{ body }} paragraph; what followed it comes after the body.
    assert texts[1] == "Summary" and "{{ body }}" not in texts  # after the key points box
    assert texts[-1] == "Ends. FOR OFFICIAL USE ONLY"
    # Text before the placeholder keeps its run; the value takes the run it starts in.
    runs = docx.Document(str(out)).paragraphs[0].runs
    assert runs[0].text.startswith("Brief: ") and not runs[0].bold


def test_an_unknown_placeholder_names_the_file_and_the_name(tmp_path: Path, png: Path) -> None:
    template = reference_with(tmp_path, [("{{ classif", False), ("ication }}", False)])
    with pytest.raises(TemplateError) as caught:
        write_brief(DocxWriter(), sample_document(png), template, tmp_path / "brief.docx")
    assert str(template.reference_docx) in str(caught.value)
    assert "'classification'" in str(caught.value)
    assert not (tmp_path / "brief.docx").exists()


def test_the_sandbox_refuses_python_internals_typed_in_word(tmp_path: Path, png: Path) -> None:
    template = reference_with(tmp_path, [("{{ ''.__class__.__mro__ }}", False)])
    with pytest.raises(TemplateError, match="sandbox"):
        write_brief(DocxWriter(), sample_document(png), template, tmp_path / "brief.docx")


def test_unknown_placeholder_fails_the_build_without_traceback_or_output(tmp_path: Path) -> None:
    folder = copy_template(DEFAULT, tmp_path / "bad")
    word = docx.Document(str(folder / "reference.docx"))
    footer = word.sections[0].footer
    footer.add_paragraph("{{ desk_phone }}")
    word.save(str(folder / "reference.docx"))
    out = tmp_path / "out"
    result = subprocess.run(
        [sys.executable, "-m", "briefgen", "build", str(MALI), "-o", str(out), "--template",
         str(folder)], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "reference.docx (footer)" in result.stderr and "'desk_phone'" in result.stderr
    assert not any(out.glob("*.docx")) and not any(out.glob("*.pdf"))


def test_header_placeholders_are_filled_and_fields_kept(tmp_path: Path, png: Path) -> None:
    out = tmp_path / "brief.docx"
    write_brief(DocxWriter(), sample_document(png), find_template("", REPO), out)
    section = docx.Document(str(out)).sections[0]
    first = section.first_page_header.paragraphs[0]
    assert "FOR OFFICIAL USE ONLY" in first.text and "Sahel Policy Desk" in first.text
    assert first._p.xpath(".//w:drawing")  # the logo stayed
    assert "{{" not in section.footer._element.xml
    assert section.footer._element.xpath(".//w:instrText")


def test_an_empty_value_removes_its_cover_paragraph(tmp_path: Path, png: Path) -> None:
    document = sample_document(png)
    document = dataclasses.replace(document, meta=dataclasses.replace(document.meta, subtitle=""))
    out = tmp_path / "brief.docx"
    write_brief(DocxWriter(), document, find_template("", REPO), out)
    word = docx.Document(str(out))
    assert [p.style.name for p in word.paragraphs[:2]] == ["Title", "Cover Details"]


def test_both_writers_print_the_values_the_template_carries(tmp_path: Path, png: Path) -> None:
    # The values are resolved once, before the writers; a writer deriving its own from the
    # metadata would print the document's marking here instead.
    document = sample_document(png)
    resolved = with_values(find_template("", REPO), document.meta)
    carried = "CARRIED MARKING"
    template = dataclasses.replace(resolved, values={**resolved.values, "marking": carried})
    DocxWriter().write(document, template, tmp_path / "brief.docx")
    TypstWriter().write(document, template, tmp_path / "brief.pdf")
    header = docx.Document(str(tmp_path / "brief.docx")).sections[0].first_page_header
    pdf = subprocess.run(["pdftotext", str(tmp_path / "brief.pdf"), "-"], capture_output=True,
                         text=True, check=True).stdout
    for printed in ("".join(p.text for p in header.paragraphs), pdf):
        assert carried in printed and document.meta.marking not in printed


@pytest.mark.parametrize("writer", [DocxWriter, TypstWriter])
def test_a_template_without_values_is_refused_before_anything_is_written(
    writer: type[DocxWriter] | type[TypstWriter], tmp_path: Path, png: Path
) -> None:
    # Only code that skipped with_values gets here, so it is a programming error that keeps
    # its traceback, not a message for the user.
    out = tmp_path / "brief.out"
    with pytest.raises(ValueError, match="with_values"):
        writer().write(sample_document(png), find_template("", REPO), out)
    assert not out.exists()


# ----------------------------------------------------------------- the memo, and both templates


@pytest.fixture(scope="module")
def memo_built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("memo")
    result = subprocess.run(
        [sys.executable, "-m", "briefgen", "build", *map(str, SPECS), "-o", str(out),
         "--template", str(MEMO)], cwd=REPO, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="module")
def models() -> dict[str, Document]:
    return {spec.stem: build_document(check(spec), BuildOptions()) for spec in SPECS}


def _output(out: Path, spec: Path, suffix: str) -> Path:
    (path,) = out.glob(f"*-{spec.stem}{suffix}")
    return path


@pytest.mark.parametrize("spec", SPECS, ids=lambda p: p.stem)
def test_memo_numbers_the_same_paragraphs_in_docx_and_pdf(
    memo_built: Path, models: dict[str, Document], spec: Path
) -> None:
    model = models[spec.stem]
    paragraphs = [b for b in model.body if isinstance(b, Paragraph)]
    word = docx.Document(str(_output(memo_built, spec, ".docx")))
    numbered = [p for p in word.paragraphs if p.style.name == "Numbered Paragraph"]
    assert len(numbered) == len(paragraphs) > 0
    # -layout: in reading order, the margin number sits on its paragraph's first line (the
    # raw order can put it among the cells of a table drawn just before).
    pdf = subprocess.run(["pdftotext", "-layout", str(_output(memo_built, spec, ".pdf")), "-"],
                         capture_output=True, text=True, check=True).stdout
    flat = re.sub(r"\s+", " ", pdf)
    for number, para in enumerate(numbered, start=1):
        first_words = " ".join(para.text.split()[:3])
        assert f"{number}. {first_words}" in flat, (number, first_words)


@pytest.mark.parametrize("spec", SPECS, ids=lambda p: p.stem)
def test_memo_has_the_marking_banner_top_and_bottom_and_no_cover(
    memo_built: Path, models: dict[str, Document], spec: Path
) -> None:
    model = models[spec.stem]
    word = docx.Document(str(_output(memo_built, spec, ".docx")))
    section = word.sections[0]
    assert not section.different_first_page_header_footer
    marking = model.meta.marking
    if marking:
        assert [p.text for p in section.header.paragraphs] == [marking]
        assert section.footer.paragraphs[-1].text == marking
    assert word.paragraphs[0].text == "Memorandum"
    reader = PdfReader(str(_output(memo_built, spec, ".pdf")))
    assert bool(reader.trailer["/Root"]["/MarkInfo"]["/Marked"])
    page = subprocess.run(["pdftotext", "-f", "1", "-l", "1", "-layout",
                           str(_output(memo_built, spec, ".pdf")), "-"],
                          capture_output=True, text=True, check=True).stdout.strip().splitlines()
    if marking:
        assert page[0].strip() == marking.upper() and page[-1].strip() == marking.upper()


def test_memo_keeps_footnotes_captions_and_fields(memo_built: Path) -> None:
    for spec in SPECS:
        path = _output(memo_built, spec, ".docx")
        word = docx.Document(str(path))
        xml = word.element.xml
        assert "w:footnoteReference" in xml
        assert "SEQ Figure" in xml or "SEQ Table" in xml
        assert any(p.style.name == "Caption" for p in word.paragraphs)


# ----------------------------------------------------------------- the template command


def run_cli(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "briefgen", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120)


def test_template_list_shows_both_templates() -> None:
    result = run_cli("template", "list")
    assert result.returncode == 0, result.stderr
    names = [line.split()[0] for line in result.stdout.splitlines() if line.strip()]
    assert {"default", "memo"} <= set(names)


def test_template_new_copies_a_template_to_start_from(tmp_path: Path) -> None:
    result = run_cli("template", "new", "desk", "--from", "memo", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    folder = tmp_path / "templates" / "desk"
    assert (folder / "reference.docx").read_bytes() == (MEMO / "reference.docx").read_bytes()
    template = find_template("desk", tmp_path)
    assert template.name == "desk" and template.settings["numbered_paragraphs"] is True
    again = run_cli("template", "new", "desk", cwd=tmp_path)
    assert again.returncode == 1 and "already exists" in again.stderr
    assert "Traceback" not in again.stderr


# ----------------------------------------------------------------- memo head, titles, typography

MEMO_HEAD = ROOTS / "memo-head" / "brief.yaml"
TEMPLATES = {"default": DEFAULT, "memo": MEMO}


@pytest.fixture(scope="module")
def head_built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The memo-head brief built with each shipped template: {template: out folder}."""
    out = {}
    for name, folder in TEMPLATES.items():
        out[name] = tmp_path_factory.mktemp(name)
        build(MEMO_HEAD, BuildOptions(out_dir=out[name], template=folder))
    return out


@pytest.fixture(scope="module")
def head_model() -> Document:
    return build_document(check(MEMO_HEAD), BuildOptions())


def _pdf_text(path: Path, *args: str) -> str:
    text = subprocess.run(["pdftotext", *args, str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    return re.sub(r"\s+", " ", text)


def _memo_lines(model: Document) -> list[tuple[str, str]]:
    meta = model.meta
    return [("To", meta.to), ("From", meta.sender), ("Subject", meta.subject),
            ("Reference", meta.reference), ("Date", meta.date_text)]


def test_memo_head_has_to_from_subject_reference_and_date_in_docx_and_pdf(
    head_built: dict[str, Path], head_model: Document
) -> None:
    lines = _memo_lines(head_model)
    assert all(value for _, value in lines)  # the fixture gives every line
    word = docx.Document(str(_output(head_built["memo"], MEMO_HEAD, ".docx")))
    head = [p.text for p in word.paragraphs if p.style.name == "Cover Details"]
    assert head == [f"{label}:\t{value}" for label, value in lines]
    pdf = _output(head_built["memo"], MEMO_HEAD, ".pdf")
    page_1 = _pdf_text(pdf, "-layout", "-f", "1", "-l", "1")
    position = 0
    for label, value in lines:
        found = page_1.find(f"{label}: {value}", position)
        assert found >= 0, (label, value)
        position = found


def test_memo_head_leaves_out_lines_the_spec_does_not_give(tmp_path: Path) -> None:
    spec = tmp_path / "brief.yaml"
    text = MEMO_HEAD.read_text(encoding="utf-8")
    spec.write_text(re.sub(r"(?m)^  (to|reference):.*\n", "", text), encoding="utf-8")
    shutil.copytree(SEEDS, tmp_path / "seeds")
    result = build(spec, BuildOptions(out_dir=tmp_path / "out", template=MEMO))
    (docx_out,) = [p for p in result.outputs if p.suffix == ".docx"]
    (pdf_out,) = [p for p in result.outputs if p.suffix == ".pdf"]
    word = docx.Document(str(docx_out))
    labels = [p.text.split(":")[0] for p in word.paragraphs if p.style.name == "Cover Details"]
    assert labels == ["From", "Subject", "Date"]
    page_1 = _pdf_text(pdf_out, "-layout", "-f", "1", "-l", "1")
    assert "From: " in page_1 and "To: " not in page_1 and "Reference: " not in page_1


@pytest.mark.parametrize("template", TEMPLATES)
def test_chart_title_is_printed_above_its_figure(
    head_built: dict[str, Path], head_model: Document, template: str
) -> None:
    (figure,) = [b for b in head_model.body if isinstance(b, Figure)]
    assert figure.title
    word = docx.Document(str(_output(head_built[template], MEMO_HEAD, ".docx")))
    styles = [(p.style.name, p.text) for p in word.paragraphs]
    at = styles.index(("Figure Title", figure.title))
    assert styles[at + 1][0] == "Figure" and styles[at + 2][0] == "Caption"
    assert word.paragraphs[at + 1]._p.xpath(".//pic:pic")
    text = _pdf_text(_output(head_built[template], MEMO_HEAD, ".pdf"))
    title_at = text.find(figure.title)
    assert 0 <= title_at < text.find(f"Figure {figure.number}: {figure.caption}")


@pytest.mark.parametrize("template", TEMPLATES)
def test_titles_and_headings_have_the_body_texts_apostrophes(
    head_built: dict[str, Path], template: str
) -> None:
    spec = check(MEMO_HEAD).spec
    typed = [spec.title, spec.sections[0].heading, spec.recommendations[0].title,
             spec.charts()[0].title]
    assert all("'" in t for t in typed)  # the fixture types straight ones
    word = docx.Document(str(_output(head_built[template], MEMO_HEAD, ".docx")))
    texts = [p.text for p in word.paragraphs]
    pdf = _pdf_text(_output(head_built[template], MEMO_HEAD, ".pdf")).casefold()
    for t in typed:
        curly = t.replace("'", "\u2019")
        assert any(curly in x for x in texts) and not any(t in x for x in texts), t
        assert curly.casefold() in pdf and t.casefold() not in pdf, t


@pytest.mark.parametrize("template", TEMPLATES)
def test_note_marks_are_drawn_one_way_for_every_number(
    head_built: dict[str, Path], head_model: Document, template: str
) -> None:
    """Each note number, in the text and at the foot, drawn alike: the same size and the
    same raise against the text it stands in, whether it is 1-3, 4-9 or has two digits."""
    reader = PdfReader(str(_output(head_built[template], MEMO_HEAD, ".pdf")))
    drawn: dict[float, dict[tuple[float, float], set[int]]] = {}
    for page in reader.pages:
        pieces: list[tuple[str, float, float]] = []

        def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
            if text.strip():
                pieces.append((text, size * tm[3] * cm[3], tm[5] * cm[3] + cm[5]))

        page.extract_text(visitor_text=visit)
        for (mark, size, y), (after, text_size, text_y) in zip(pieces, pieces[1:]):
            if mark.strip().isdigit() and re.match(r"\s+\D", after):
                look = (round(size / text_size, 2), round((y - text_y) / text_size, 2))
                drawn.setdefault(round(text_size, 1), {}).setdefault(look, set()).add(
                    int(mark))
    notes = len(head_model.notes())
    assert notes >= 12
    foot = drawn[min(drawn)]  # the notes' own text is the smallest
    assert set().union(*foot.values()) >= set(range(1, notes + 1))
    for where, looks in drawn.items():
        assert len(looks) == 1, (where, looks)


def test_recommendation_evidence_names_each_source_once_and_leaves_paragraphs_to_its_note(
    head_model: Document,
) -> None:
    (rec,) = [b for b in head_model.body if isinstance(b, Recommendation)]
    shown = "".join(r.text for r in rec.evidence if isinstance(r, Text))
    notes = [r for r in rec.evidence if isinstance(r, Note)]
    assert len(notes) == 1  # both excerpts are from one source: one name, one note
    assert "para" not in shown
    assert "para" in "".join(r.text for r in notes[0].runs if isinstance(r, Text))


@pytest.mark.parametrize("template", TEMPLATES)
def test_links_are_coloured_and_underlined_in_both_formats(
    head_built: dict[str, Path], template: str, tmp_path: Path
) -> None:
    word = docx.Document(str(_output(head_built[template], MEMO_HEAD, ".docx")))
    link_font = word.styles["Hyperlink"].font
    assert link_font.underline and link_font.color.rgb not in (None, RGBColor(0, 0, 0))
    # The PDF: the link's area, rendered as a reader sees it, has coloured words and a
    # coloured rule along its foot.
    pdf = _output(head_built[template], MEMO_HEAD, ".pdf")
    reader = PdfReader(str(pdf))
    page_number, rect = next(
        (n, [float(v) for v in a.get_object()["/Rect"]])
        for n, page in enumerate(reader.pages, start=1) for a in page.get("/Annots", [])
        if a.get_object().get("/A", {}).get("/URI"))
    height = float(reader.pages[page_number - 1].mediabox.height)
    scale = 144 / 72
    x0, y0, x1, y1 = rect
    crop = ["-x", str(int(x0 * scale)), "-y", str(int((height - y1) * scale)),
            "-W", str(int((x1 - x0) * scale) + 1), "-H", str(int((y1 - y0) * scale) + 4)]
    subprocess.run(["pdftoppm", "-png", "-r", "144", "-f", str(page_number), "-l",
                    str(page_number), "-singlefile", *crop, str(pdf), str(tmp_path / "link")],
                   check=True)
    image = Image.open(tmp_path / "link.png").convert("RGB")
    width, rows = image.size

    def coloured(pixel: tuple[int, int, int]) -> bool:
        return max(pixel) - min(pixel) > 60  # neither white, grey nor black

    per_row = [sum(coloured(image.getpixel((x, y))) for x in range(width)) for y in range(rows)]
    assert sum(per_row) > 0, "the link's words are not coloured"
    assert max(per_row[rows // 2:]) > 0.8 * width, "no rule under the link"

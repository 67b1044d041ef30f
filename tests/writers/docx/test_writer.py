"""The DOCX writer: build a brief by hand, write it, read it back as Word and as a zip."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from docx.document import Document as WordDocument
from docx.oxml.ns import qn
from docx.table import Table as WordTable
from docx.text.paragraph import Paragraph as WordParagraph
from lxml import etree

from briefgen.errors import RenderError
from briefgen.model.nodes import Figure, Labels, Paragraph
from briefgen.templating.template import Template
from briefgen.writers.docx import DocxWriter
from briefgen.writers.docx import styles as S
from tests.writers.conftest import write_brief

from .conftest import ARABIC, Built, sample_document, t

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {
    "w": W,
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
}


def part(path: Path, name: str) -> etree._Element:
    with zipfile.ZipFile(path) as z:
        return etree.fromstring(z.read(name))


def all_paragraphs(word: WordDocument) -> list[WordParagraph]:
    paragraphs = list(word.paragraphs)
    for table in word.tables:
        for row in table.rows:
            for cell in row.cells:
                paragraphs += cell.paragraphs
    return paragraphs


def style_of(item: WordParagraph | WordTable) -> str:
    """The name of the style of a paragraph or table ("" if it has none)."""
    return (item.style.name or "") if item.style is not None else ""


def styled(word: WordDocument, style: str) -> list[str]:
    """The text of every paragraph (body and tables) in ``style``."""
    return [p.text for p in all_paragraphs(word) if style_of(p).casefold() == style.casefold()]


# ----------------------------------------------------------------- the interface


def test_writer_declares_name_suffix_and_png() -> None:
    writer = DocxWriter()
    assert (writer.name, writer.suffix, writer.image_types) == ("docx", ".docx", ("png",))


# ----------------------------------------------------------------- styles


def test_cover_uses_title_subtitle_and_details(built: Built) -> None:
    word = docx.Document(str(built.path))
    assert styled(word, "Title") == ["Mali after two coups"]
    assert styled(word, "Subtitle") == ["Keeping MINUSMA's mandate alive"]
    assert styled(word, S.COVER_DETAILS) == [
        "30 June 2021 · A. Analyst, B. Analyst · Sahel Policy Desk"
    ]
    assert style_of(word.paragraphs[0]) == "Title"  # the reference's specimen body is gone


def test_blocks_use_word_and_briefgen_styles(built: Built) -> None:
    word = docx.Document(str(built.path))
    assert styled(word, "Heading 1") == ["Summary", "Recommendations", "Sources"]
    assert styled(word, "Heading 2") == ["Protection of civilians"]
    assert styled(word, "Quote") == ["The number of police on mission should be increased.", ARABIC]
    assert styled(word, "Caption") == [
        "Figure 1: MINUSMA's uniformed personnel",
        "Table 1: Estimates of IS-K's strength",
    ]
    assert styled(word, S.SOURCE_LINE) == ["Source: United Nations", "Source: UN, US DoD"]
    assert styled(word, "List Bullet") == ["First bullet", "Second bullet"]
    assert styled(word, "List Bullet 2") == ["Nested bullet"]
    assert styled(word, "List Number") == ["Step one", "Step two", "Again one", "Again two"]
    assert styled(word, S.KEY_POINTS_HEADING) == ["Key points"]
    assert len(styled(word, S.KEY_POINTS)) == 2
    assert styled(word, S.RECOMMENDATION_HEADING) == [
        "Recommendation 1: Raise the police share",
        "Recommendation 2: Protect the camps",
    ]
    assert (
        styled(word, "Bibliography")[0] == "United Nations. The Future of MINUSMA. New York, 2021."
    )
    assert styled(word, S.TABLE_HEADING) == ["Source", "Year", "Fighters"]
    assert [style_of(t) for t in word.tables] == [S.KEY_POINTS_BOX, S.TABLE]


def test_no_run_carries_fonts_or_colours(built: Built) -> None:
    body = part(built.path, "word/document.xml")
    assert (
        body.xpath("//w:r/w:rPr/w:rFonts | //w:r/w:rPr/w:color | //w:r/w:rPr/w:sz", namespaces=NS)
        == []
    )


def test_styles_missing_from_a_reference_are_added_bare(tmp_path: Path, png: Path) -> None:
    bare = tmp_path / "bare"
    bare.mkdir()
    docx.Document().save(str(bare / "reference.docx"))  # python-docx's default: no briefgen styles
    out = tmp_path / "brief.docx"
    write_brief(DocxWriter(), sample_document(png), Template("bare", bare), out)
    word = docx.Document(str(out))
    assert styled(word, S.RECOMMENDATION_HEADING)[0] == "Recommendation 1: Raise the police share"


# ----------------------------------------------------------------- footnotes


def test_one_footnote_per_note_in_reading_order(built: Built) -> None:
    notes = built.document.notes()
    footnotes = part(built.path, "word/footnotes.xml")
    real = footnotes.xpath("w:footnote[not(@w:type)]", namespaces=NS)
    assert [f.get(qn("w:id")) for f in real] == [str(i) for i in range(1, len(notes) + 1)]
    texts = ["".join(f.xpath(".//w:t/text()", namespaces=NS)).strip() for f in real]
    expected = [
        "".join(
            getattr(r, "text", "") or "".join(x.text for x in r.runs)  # type: ignore[union-attr]
            for r in n.runs
        )
        for n in notes
    ]
    assert texts == expected
    separators = footnotes.xpath("w:footnote/@w:type", namespaces=NS)
    assert separators == ["separator", "continuationSeparator"]


def test_each_footnote_has_exactly_one_reference(built: Built) -> None:
    body = part(built.path, "word/document.xml")
    refs = body.xpath("//w:footnoteReference/@w:id", namespaces=NS)
    assert refs == [str(i) for i in range(1, len(built.document.notes()) + 1)]


def test_footnotes_use_word_footnote_styles(built: Built) -> None:
    word = docx.Document(str(built.path))
    text_id = word.styles["footnote text"].style_id
    ref_id = word.styles["footnote reference"].style_id
    footnotes = part(built.path, "word/footnotes.xml")
    for footnote in footnotes.xpath("w:footnote[not(@w:type)]", namespaces=NS):
        assert footnote.xpath("w:p/w:pPr/w:pStyle/@w:val", namespaces=NS) == [text_id]
        assert footnote.xpath(".//w:r[w:footnoteRef]/w:rPr/w:rStyle/@w:val", namespaces=NS) == [
            ref_id
        ]
    body = part(built.path, "word/document.xml")
    assert set(body.xpath("//w:r[w:footnoteReference]/w:rPr/w:rStyle/@w:val", namespaces=NS)) == {
        ref_id
    }


def test_settings_name_the_separator_footnotes(built: Built) -> None:
    settings = part(built.path, "word/settings.xml")
    assert settings.xpath("w:footnotePr/w:footnote/@w:id", namespaces=NS) == ["-1", "0"]


# ----------------------------------------------------------------- links


def test_links_are_hyperlinks_with_relationships(built: Built) -> None:
    body = part(built.path, "word/document.xml")
    rels = part(built.path, "word/_rels/document.xml.rels")
    targets = {r.get("Id"): r.get("Target") for r in rels if r.get("TargetMode") == "External"}
    linked = [targets[i] for i in body.xpath("//w:hyperlink/@r:id", namespaces=NS)]
    assert linked == ["https://example.org/un-report", "https://example.org/dod"]
    assert body.xpath("//w:hyperlink/@w:anchor", namespaces=NS) == ["troop_split"]
    assert body.xpath("//w:bookmarkStart/@w:name", namespaces=NS) == ["summary", "troop_split"]
    word = docx.Document(str(built.path))
    link_style = word.styles["Hyperlink"].style_id
    assert set(body.xpath("//w:hyperlink/w:r/w:rPr/w:rStyle/@w:val", namespaces=NS)) == {link_style}


def test_a_link_inside_a_note_is_related_from_the_footnotes_part(built: Built) -> None:
    footnotes = part(built.path, "word/footnotes.xml")
    rels = part(built.path, "word/_rels/footnotes.xml.rels")
    (rid,) = footnotes.xpath("//w:hyperlink/@r:id", namespaces=NS)
    (target,) = [r.get("Target") for r in rels if r.get("Id") == rid]
    assert target == "https://example.org/future"


# ----------------------------------------------------------------- figures, tables, lists


def test_every_picture_has_alt_text(built: Built) -> None:
    body = part(built.path, "word/document.xml")
    doc_prs = body.xpath("//wp:docPr", namespaces=NS)
    assert len(doc_prs) == 1
    assert doc_prs[0].get("descr") == "A bar of 13 parts soldiers and 2 police"
    assert doc_prs[0].get("title") == "Figure 1: MINUSMA's uniformed personnel"
    assert [int(d.get("id")) for d in doc_prs] == [1]
    picture_paragraph = body.xpath("//w:p[.//wp:docPr]", namespaces=NS)[0]
    assert picture_paragraph.xpath("w:pPr/w:keepNext", namespaces=NS)


def test_picture_width_is_the_figure_width(built: Built) -> None:
    word = docx.Document(str(built.path))
    (shape,) = word.inline_shapes
    assert round(shape.width.cm, 2) == 12.0


def test_captions_number_with_seq_fields(built: Built) -> None:
    body = part(built.path, "word/document.xml")
    instructions = [i.strip() for i in body.xpath("//w:instrText/text()", namespaces=NS)]
    assert instructions == ["SEQ Figure \\* ARABIC", "SEQ Table \\* ARABIC"]
    results = body.xpath(
        "//w:r[w:fldChar/@w:fldCharType='separate']/following-sibling::w:r[1]/w:t/text()",
        namespaces=NS,
    )
    assert results == ["1", "1"]


def test_a_caption_number_out_of_sequence_is_pinned(
    tmp_path: Path, png: Path, default_template: Template
) -> None:
    document = sample_document(png)
    body = tuple(
        dataclasses.replace(b, number=3) if isinstance(b, Figure) else b for b in document.body
    )
    out = tmp_path / "brief.docx"
    write_brief(DocxWriter(), dataclasses.replace(document, body=body), default_template, out)
    word = docx.Document(str(out))
    assert styled(word, "Caption")[0] == "Figure 3: MINUSMA's uniformed personnel"
    fields = part(out, "word/document.xml").xpath("//w:instrText/text()", namespaces=NS)
    assert fields[0].strip() == "SEQ Figure \\* ARABIC \\r 3"


def test_table_header_repeats_and_cells_align(built: Built) -> None:
    word = docx.Document(str(built.path))
    table = word.tables[1]
    rows = table._tbl.xpath("w:tr")
    assert rows[0].xpath("w:trPr/w:tblHeader")
    assert not rows[1].xpath("w:trPr/w:tblHeader")
    assert [c.paragraphs[0].alignment for c in table.rows[1].cells][2] == 2  # RIGHT
    assert table._tbl.xpath("w:tblPr/w:tblCaption/@w:val") == [
        "Table 1: Estimates of IS-K's strength"
    ]
    # the caption sits above the table and keeps with it
    caption = table._tbl.getprevious()
    assert "".join(caption.xpath(".//w:t/text()")) == "Table 1: Estimates of IS-K's strength"
    assert caption.xpath("w:pPr/w:keepNext")


def test_numbered_lists_restart(built: Built) -> None:
    word = docx.Document(str(built.path))
    numbered = [p for p in word.paragraphs if style_of(p) == "List Number"]
    num_ids = [int(p._p.xpath("string(w:pPr/w:numPr/w:numId/@w:val)") or 0) for p in numbered]
    assert num_ids[0] and num_ids[2] and num_ids[0] != num_ids[2]
    assert num_ids[0] == num_ids[1] and num_ids[2] == num_ids[3]
    numbering = word.part.numbering_part.element
    starts = [
        numbering.num_having_numId(n).xpath("w:lvlOverride/w:startOverride/@w:val")
        for n in (num_ids[0], num_ids[2])
    ]
    assert starts == [["1"], ["3"]]


def test_recommendation_lists_only_the_fields_it_has(built: Built) -> None:
    word = docx.Document(str(built.path))
    details = styled(word, S.RECOMMENDATION_DETAIL)
    assert details == [
        "Lead\tUN DPO",
        "Timeframe\tNext mandate renewal",
        "Indicator\tPolice above 2 in 15",
        "Evidence\t",
    ]


def test_captions_and_recommendations_print_the_models_labels(
    tmp_path: Path, png: Path, default_template: Template
) -> None:
    labels = Labels(figure="Abbildung", table="Tabelle", recommendation="Empfehlung",
                    lead="Zuständig", timeframe="Zeitrahmen", indicator="Indikator",
                    evidence="Belege")
    document = dataclasses.replace(sample_document(png), labels=labels)
    out = tmp_path / "labels.docx"
    write_brief(DocxWriter(), document, default_template, out)
    word = docx.Document(str(out))
    assert styled(word, "Caption") == [
        "Abbildung 1: MINUSMA's uniformed personnel",
        "Tabelle 1: Estimates of IS-K's strength",
    ]
    headings = [p.split(":")[0] for p in styled(word, S.RECOMMENDATION_HEADING)]
    assert headings and all(h.startswith("Empfehlung ") for h in headings)
    assert [d.split("\t")[0] for d in styled(word, S.RECOMMENDATION_DETAIL)] == [
        "Zuständig", "Zeitrahmen", "Indikator", "Belege"]
    # Word's sequences keep their names, so Word still renumbers the captions.
    body = word.element.body.xml
    assert "SEQ Figure" in body and "SEQ Table" in body


# ----------------------------------------------------------------- right to left


def test_arabic_quote_is_right_to_left(built: Built) -> None:
    word = docx.Document(str(built.path))
    (arabic,) = [p for p in word.paragraphs if p.text == ARABIC]
    assert arabic._p.xpath("w:pPr/w:bidi")
    runs = arabic._p.xpath("w:r[w:t]")
    assert runs and all(r.xpath("w:rPr/w:rtl") for r in runs)
    assert all(r.xpath("w:rPr/w:lang/@w:bidi") == ["ar"] for r in runs)
    english = next(p for p in word.paragraphs if style_of(p) == "Quote" and p.text != ARABIC)
    assert not english._p.xpath("w:pPr/w:bidi") and not english._p.xpath(".//w:rtl")


def test_complex_script_font_is_named_in_the_styles(built: Built) -> None:
    styles = part(built.path, "word/styles.xml")
    assert styles.xpath("w:docDefaults//w:rFonts/@w:cs", namespaces=NS) == ["Noto Naskh Arabic"]


def test_arabic_word_in_english_text_gets_an_rtl_run_only(
    tmp_path: Path, png: Path, default_template: Template
) -> None:
    document = sample_document(png)
    mixed = Paragraph((t("The word حماية means protection."),))
    out = tmp_path / "mixed.docx"
    write_brief(DocxWriter(), dataclasses.replace(document, body=(mixed,)), default_template, out)
    (p,) = [p for p in docx.Document(str(out)).paragraphs if "protection" in p.text]
    assert not p._p.xpath("w:pPr/w:bidi")
    assert [
        ("".join(r.xpath("w:t/text()")), bool(r.xpath("w:rPr/w:rtl"))) for r in p._p.xpath("w:r")
    ] == [("The word ", False), ("حماية", True), (" means protection.", False)]


# ----------------------------------------------------------------- header, footer, properties


def test_header_carries_the_marking(built: Built) -> None:
    word = docx.Document(str(built.path))
    header = word.sections[0].header
    assert [p.text for p in header.paragraphs] == ["FOR OFFICIAL USE ONLY"]
    assert style_of(header.paragraphs[0]) == S.MARKING


def test_no_marking_leaves_the_header_empty(
    tmp_path: Path, png: Path, default_template: Template
) -> None:
    out = tmp_path / "brief.docx"
    write_brief(DocxWriter(), sample_document(png, marking=""), default_template, out)
    header = docx.Document(str(out)).sections[0].header
    assert "".join(p.text for p in header.paragraphs) == ""


def test_builtin_cover_and_header_take_template_defaults(
    tmp_path: Path, png: Path, default_template: Template
) -> None:
    """A reference with no designed cover or header still prints what template.yaml's
    ``defaults:`` give, as a designed one would through its placeholders."""
    document = sample_document(png, marking="")
    document = dataclasses.replace(document, meta=dataclasses.replace(document.meta,
                                                                      organisation=""))
    settings = {**default_template.settings,
                "defaults": {"organisation": "Desk of Invented Affairs", "marking": "OFFICIAL"}}
    template = dataclasses.replace(default_template, settings=settings)
    out = tmp_path / "brief.docx"
    write_brief(DocxWriter(), document, template, out)
    word = docx.Document(str(out))
    assert [p.text for p in word.sections[0].header.paragraphs] == ["OFFICIAL"]
    details = styled(word, S.COVER_DETAILS)
    assert len(details) == 1 and details[0].endswith("Desk of Invented Affairs")


def test_footer_says_page_x_of_y(built: Built) -> None:
    word = docx.Document(str(built.path))
    footer = word.sections[0].footer
    (p,) = footer.paragraphs
    instructions = [i.strip() for i in p._p.xpath(".//w:instrText/text()")]
    assert instructions == ["PAGE", "NUMPAGES"]
    assert p.text == "Page 1 of 1"


def test_core_properties_come_from_the_metadata(built: Built) -> None:
    props = docx.Document(str(built.path)).core_properties
    assert props.title == "Mali after two coups"
    assert props.author == "A. Analyst; B. Analyst"
    assert props.subject == "UN peacekeeping in Mali"
    assert props.keywords == "Mali; MINUSMA; peacekeeping"
    assert props.language == "en-GB"
    assert props.revision == 1
    when = dt.datetime(2021, 6, 30, tzinfo=dt.UTC)
    assert (props.created, props.modified, props.last_printed) == (when, when, when)


def test_zip_entries_are_dated_from_the_brief(built: Built) -> None:
    with zipfile.ZipFile(built.path) as z:
        infos = z.infolist()
    assert {i.date_time for i in infos} == {(2021, 6, 30, 0, 0, 0)}
    assert infos[0].filename == "[Content_Types].xml"
    assert not [i for i in infos if "thumbnail" in i.filename]
    # the body holds only the brief's own picture (the template's logo is in a header)
    with zipfile.ZipFile(built.path) as z:
        body_rels = z.read("word/_rels/document.xml.rels").decode()
    assert body_rels.count("media/") == 1


def test_same_document_same_bytes(built: Built, tmp_path: Path) -> None:
    again = tmp_path / "again.docx"
    write_brief(DocxWriter(), built.document, built.template, again)
    assert again.read_bytes() == built.path.read_bytes()


def test_no_revision_ids(built: Built) -> None:
    with zipfile.ZipFile(built.path) as z:
        xml = b"".join(z.read(n) for n in z.namelist() if n.endswith(".xml"))
    assert b"w:rsid" not in xml


# ----------------------------------------------------------------- bad input


def test_control_characters_are_dropped(
    tmp_path: Path, png: Path, default_template: Template
) -> None:
    document = sample_document(png)
    meta = dataclasses.replace(document.meta, title="Bad\x00 title\x0b")
    body = (Paragraph((t("bell\x07 and form feed\x0c"),)),)
    out = tmp_path / "brief.docx"
    write_brief(DocxWriter(), dataclasses.replace(document, meta=meta, body=body),
                default_template, out)
    word = docx.Document(str(out))
    assert word.core_properties.title == "Bad title"
    assert "bell and form feed" in [p.text for p in word.paragraphs]


def test_missing_reference_docx_names_the_path(tmp_path: Path, png: Path) -> None:
    template = Template("nowhere", tmp_path / "nowhere")
    with pytest.raises(RenderError, match=re.escape(str(template.reference_docx))):
        write_brief(DocxWriter(), sample_document(png), template, tmp_path / "out.docx")


def test_corrupt_reference_docx_names_the_path(tmp_path: Path, png: Path) -> None:
    (tmp_path / "reference.docx").write_bytes(b"not a zip at all")
    template = Template("broken", tmp_path)
    with pytest.raises(RenderError, match=re.escape(str(template.reference_docx))):
        write_brief(DocxWriter(), sample_document(png), template, tmp_path / "out.docx")


def test_missing_picture_is_a_render_error(tmp_path: Path, default_template: Template) -> None:
    with pytest.raises(RenderError, match="Figure 1"):
        write_brief(
            DocxWriter(), sample_document(tmp_path / "gone.png"), default_template,
            tmp_path / "out.docx",
        )


def test_unwritable_output_is_a_render_error(
    tmp_path: Path, png: Path, default_template: Template
) -> None:
    with pytest.raises(RenderError, match="cannot write"):
        write_brief(DocxWriter(), sample_document(png), default_template,
                    tmp_path / "no" / "out.docx")


# ----------------------------------------------------------------- LibreOffice


@pytest.mark.skipif(shutil.which("libreoffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_converts_it_to_pdf(built: Built, tmp_path: Path) -> None:
    # A private profile, so parallel runs (and a desktop LibreOffice) do not collide.
    profile = (tmp_path / "profile").as_uri()
    result = subprocess.run(
        [
            "libreoffice",
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(built.path),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    pdf = tmp_path / "brief.pdf"
    assert result.returncode == 0, result.stderr
    assert pdf.is_file() and pdf.read_bytes().startswith(b"%PDF")
    pypdf = pytest.importorskip("pypdf")
    text = "".join(page.extract_text() for page in pypdf.PdfReader(str(pdf)).pages)
    assert "Mali after two coups" in text
    assert "FOROFFICIALUSEONLY" in text.replace(" ", "")  # the marking is letter-spaced
    assert "Figure 1: MINUSMA" in text and "Page 1 of" in text


@pytest.mark.parametrize(("lang", "expected"), [("en", "en-GB"), ("en-GB", "en-GB"), ("fr", "fr")])
def test_document_language_keeps_the_reference_region(
    tmp_path: Path, png: Path, default_template: Template, lang: str, expected: str
) -> None:
    document = sample_document(png)
    document = dataclasses.replace(document, meta=dataclasses.replace(document.meta, lang=lang))
    out = tmp_path / "brief.docx"
    write_brief(DocxWriter(), document, default_template, out)
    styles = part(out, "word/styles.xml")
    assert styles.xpath("w:docDefaults//w:lang/@w:val", namespaces=NS) == [expected]

"""Attaching a DOCX brief to a Word report, read back with python-docx, the package XML and LibreOffice."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from docx import Document as open_docx
from lxml import etree
from pypdf import PdfReader

from briefgen.attach import AttachError, attach
from briefgen.attach.docx import heading_level
from briefgen.pipeline import BuildOptions, build_document, check
from tests.attach.conftest import REPORT_HEADER, REPORT_PARAGRAPHS, BuiltBrief, make_report_docx
from tests.conftest import BRIEFS

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W, "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
      "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships"}


def _part(path: Path, name: str) -> etree._Element:
    with zipfile.ZipFile(path) as package:
        return etree.fromstring(package.read(name))


def _note_texts_in_reading_order(path: Path) -> list[str]:
    """The text of the footnote each reference in the body points to, in reading order."""
    body = _part(path, "word/document.xml")
    notes = _part(path, "word/footnotes.xml")
    by_id: dict[str, list[etree._Element]] = {}
    for note in notes.iterfind("w:footnote", NS):
        by_id.setdefault(note.get(f"{{{W}}}id"), []).append(note)
    texts = []
    for ref in body.iterfind(".//w:footnoteReference", NS):
        found = by_id.get(ref.get(f"{{{W}}}id"), [])
        assert len(found) == 1, f"reference {ref.get(f'{{{W}}}id')} matches {len(found)} notes"
        texts.append("".join(found[0].itertext()).strip())
    return texts


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def merged(sample_brief: BuiltBrief, report_docx: Path) -> Path:
    return attach(sample_brief.docx, report_docx)


def test_default_output_is_beside_the_report_and_the_report_is_unchanged(
        sample_brief: BuiltBrief, report_docx: Path) -> None:
    before = _sha(report_docx)
    out = attach(sample_brief.docx, report_docx)
    assert out == report_docx.with_name(f"annual-report-with-{sample_brief.docx.stem}.docx")
    assert out.is_file()
    assert _sha(report_docx) == before


def test_report_keeps_its_header_text_and_styles(merged: Path) -> None:
    doc = open_docx(str(merged))
    assert [s.header.paragraphs[0].text for s in doc.sections] == [REPORT_HEADER]
    texts = [p.text for p in doc.paragraphs]
    assert texts[:3] == list(REPORT_PARAGRAPHS)
    assert {doc.paragraphs[i].style.name for i in range(3)} == {"Report Body"}
    assert doc.styles["Report Body"].font.name == "Liberation Mono"
    # A style both have looks as the report defines it: python-docx's Normal, not the brief's.
    assert doc.styles["Normal"].element.xml == open_docx().styles["Normal"].element.xml
    assert "Mali after two coups: re-tooling MINUSMA" in texts


def test_brief_starts_on_a_new_page_after_the_report(merged: Path) -> None:
    doc = open_docx(str(merged))
    first = doc.paragraphs[len(REPORT_PARAGRAPHS)]
    assert first.text == "Mali after two coups: re-tooling MINUSMA"
    assert first.paragraph_format.page_break_before is True


def test_every_footnote_reference_points_to_its_own_note_with_the_brief_text(
        sample_brief: BuiltBrief, merged: Path) -> None:
    expected = _note_texts_in_reading_order(sample_brief.docx)
    model = build_document(check(BRIEFS / "mali-minusma.yaml"), BuildOptions())
    assert len(expected) == len(model.notes()) > 0
    assert _note_texts_in_reading_order(merged) == expected
    notes = _part(merged, "word/footnotes.xml")
    ids = [n.get(f"{{{W}}}id") for n in notes.iterfind("w:footnote", NS)]
    assert len(ids) == len(set(ids))
    types = [n.get(f"{{{W}}}type") for n in notes.iterfind("w:footnote", NS)]
    assert "separator" in types  # the rule above the notes came along


def test_every_picture_is_carried_and_resolves_to_an_image(sample_brief: BuiltBrief,
                                                           merged: Path) -> None:
    def body_pictures(path: Path) -> list[bytes]:
        doc = open_docx(str(path))
        blips = doc.element.body.findall(".//a:blip", NS)
        return sorted(doc.part.related_parts[b.get(f"{{{NS['r']}}}embed")].blob for b in blips)

    brief = body_pictures(sample_brief.docx)
    assert len(brief) == 2
    assert body_pictures(merged) == brief


def test_lists_and_captions_keep_their_numbering(list_brief: BuiltBrief, report_docx: Path) -> None:
    out = attach(list_brief.docx, report_docx)
    doc = open_docx(str(out))
    names = [p.style.name for p in doc.paragraphs]
    assert names.count("List Number") == 3 and names.count("List Bullet") == 2
    assert [p.text for p in doc.paragraphs if p.style.name == "Caption"] == [
        "Figure 1: Soldiers and police in MINUSMA"]
    defined = {n.get(f"{{{W}}}numId")
               for n in _part(out, "word/numbering.xml").iterfind("w:num", NS)}
    used = {n.get(f"{{{W}}}val") for n in doc.element.body.iterfind(".//w:numId", NS)}
    assert used and used <= defined


def test_after_a_heading_goes_at_the_end_of_its_section(sample_brief: BuiltBrief,
                                                        tmp_path: Path) -> None:
    report = make_report_docx(tmp_path / "chapters.docx", ("Chapter One", "Chapter Two"))
    out = attach(sample_brief.docx, report, after="  chapter   one ")
    texts = [p.text for p in open_docx(str(out)).paragraphs]
    title = texts.index("Mali after two coups: re-tooling MINUSMA")
    # After Chapter One's sub-section and text, before the next heading of its level.
    assert texts[title - 1] == "The text of Chapter One."
    assert texts.index("Chapter Two") > title
    assert texts[-1] == "The text of Chapter Two."
    paragraphs = open_docx(str(out)).paragraphs
    assert paragraphs[texts.index("Chapter Two")].paragraph_format.page_break_before is True


def test_after_the_last_heading_goes_at_the_end(sample_brief: BuiltBrief, tmp_path: Path) -> None:
    report = make_report_docx(tmp_path / "chapters.docx", ("Chapter One", "Chapter Two"))
    out = attach(sample_brief.docx, report, after="Chapter Two")
    texts = [p.text for p in open_docx(str(out)).paragraphs]
    assert texts.index("Mali after two coups: re-tooling MINUSMA") > texts.index(
        "The text of Chapter Two.")


def test_unknown_heading_names_the_headings_there_are(sample_brief: BuiltBrief,
                                                      tmp_path: Path) -> None:
    report = make_report_docx(tmp_path / "chapters.docx", ("Chapter One",))
    with pytest.raises(AttachError, match=r"no heading 'Annex'.*'Chapter One'"):
        attach(sample_brief.docx, report, tmp_path / "out.docx", after="Annex")
    assert not (tmp_path / "out.docx").exists()


def test_repeated_heading_is_refused(sample_brief: BuiltBrief, tmp_path: Path) -> None:
    report = make_report_docx(tmp_path / "twice.docx", ("Annex", "Annex"))
    with pytest.raises(AttachError, match="appears 2 times"):
        attach(sample_brief.docx, report, after="Annex")


def test_heading_level_reads_styles_and_outline_levels(tmp_path: Path) -> None:
    doc = open_docx(str(make_report_docx(tmp_path / "r.docx", ("One",))))
    levels = [(p.text, heading_level(p)) for p in doc.paragraphs]
    assert levels[-3:] == [("One", 1), ("One, part one", 2), ("The text of One.", None)]


def test_a_non_docx_given_as_docx_is_a_clear_error(sample_brief: BuiltBrief,
                                                   tmp_path: Path) -> None:
    fake = tmp_path / "report.docx"
    fake.write_text("not a word document")
    with pytest.raises(AttachError, match="report.docx: expected the report to be a Word document"):
        attach(sample_brief.docx, fake)
    assert fake.read_text() == "not a word document"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.docx"]


def test_a_zip_that_is_not_a_word_document_is_a_clear_error(report_docx: Path,
                                                            tmp_path: Path) -> None:
    fake = tmp_path / "brief.docx"
    with zipfile.ZipFile(fake, "w") as z:
        z.writestr("hello.txt", "hi")
    with pytest.raises(AttachError, match="expected the brief to be a Word document"):
        attach(fake, report_docx)


def test_output_may_name_the_report(sample_brief: BuiltBrief, report_docx: Path) -> None:
    attach(sample_brief.docx, report_docx, report_docx)
    assert "Mali after two coups: re-tooling MINUSMA" in [
        p.text for p in open_docx(str(report_docx)).paragraphs]
    assert sorted(p.name for p in report_docx.parent.iterdir()) == [report_docx.name]


@pytest.mark.skipif(shutil.which("libreoffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_opens_the_result(sample_brief: BuiltBrief, merged: Path,
                                      tmp_path: Path) -> None:
    result = subprocess.run(
        ["libreoffice", f"-env:UserInstallation=file://{tmp_path}/profile", "--headless",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(merged)],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    pages = PdfReader(tmp_path / f"{merged.stem}.pdf").pages
    text = " ".join(" ".join(page.extract_text().split()) for page in pages)
    assert REPORT_HEADER in text and REPORT_PARAGRAPHS[0] in text
    assert "Mali after two coups" in text
    first_note = _note_texts_in_reading_order(sample_brief.docx)[0]
    assert " ".join(first_note.split()) in text  # the notes are laid out at the page foot
    first_page = " ".join(pages[0].extract_text().split())
    assert REPORT_PARAGRAPHS[-1] in first_page and "Mali after two coups" not in first_page


def test_loading_attach_leaves_python_docx_core_properties_intact(tmp_path: Path) -> None:
    # docxcompose rebinds python-docx's "cp" prefix on import; a brief built afterwards in the
    # same process must still get well-formed core properties.
    import zipfile

    import briefgen.attach.docx  # noqa: F401
    from briefgen.pipeline import BuildOptions, build
    from tests.conftest import BRIEFS

    result = build(BRIEFS / "mali-minusma.yaml", BuildOptions(out_dir=tmp_path, formats=("docx",)))
    core = zipfile.ZipFile(result.outputs[0]).read("docProps/core.xml").decode()
    assert 'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"' in core
    assert "<cp:keywords>Mali; MINUSMA" in core
    assert "custom-properties" not in core

"""read_docx on Word files saved by python-docx and by LibreOffice, with tracked changes, and
hostile ones: the paragraphs and core properties as set, or a SourceError naming the file."""

from __future__ import annotations

import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from briefgen.corpus.catalog import Person
from briefgen.corpus.extract import extract
from briefgen.corpus.extract.docx import read_docx
from briefgen.corpus.quotes import verify_quote
from briefgen.corpus.text import Paragraph, SourceText
from briefgen.errors import SourceError
from tests.corpus.extract import conftest as made
from tests.corpus.extract.conftest import rewrite_zip


def test_a_python_docx_file_reads_as_written(python_docx_file: Path) -> None:
    extracted = read_docx(python_docx_file)
    table_rows = [" | ".join(row) for row in made.TABLE]
    assert extracted.pages[0].paragraphs == (
        made.REPORT_TITLE, made.HEADING, made.FIRST,
        made.LINK_BEFORE + made.LINK_TEXT + made.LINK_AFTER,  # the hyperlink's words too
        made.BOLD_BEFORE + made.BOLD + made.BOLD_AFTER,  # runs joined
        *table_rows, made.SUBHEADING, made.LAST)
    assert extracted.pages[0].label == "" and extracted.paginated is False
    assert extracted.kind == "docx"


def test_core_properties_are_the_metadata(python_docx_file: Path) -> None:
    extracted = read_docx(python_docx_file)
    assert extracted.title == made.REPORT_TITLE
    assert extracted.authors == (Person("Halloran", "Ines"), Person("Aas", "Per"))
    assert extracted.date == "2023-05-17"
    assert extracted.language == "en-GB"
    assert extracted.csl_type == "report"  # its category is "Internal report"
    # Who saved it last is not an author.
    assert all("Someone" not in (p.family + p.given) for p in extracted.authors)
    assert (extracted.url, extracted.container_title, extracted.publisher) == ("", "", "")


def test_tracked_changes_read_as_accepted(tracked_docx_file: Path) -> None:
    extracted = read_docx(tracked_docx_file)
    paragraphs = extracted.pages[0].paragraphs
    assert paragraphs == (made.TRACKED_KEPT + made.TRACKED_INSERTED + made.TRACKED_REST,
                          "The pontoon is due to open in the autumn.",
                          " ".join(made.TRACKED_SPLIT))
    assert not any(made.TRACKED_DELETED.strip() in p for p in paragraphs)
    assert not any("struck out" in p for p in paragraphs)
    # An organisation as author is a family name only; no title stated, none invented;
    # python-docx's blank template's creation date is not the paper's.
    assert extracted.authors == (Person("Harbour Board Secretariat"),)
    assert extracted.title == ""
    assert extracted.date == ""
    assert extracted.csl_type == "document"


def test_a_libreoffice_file_reads_as_written(libreoffice_docx_file: Path) -> None:
    extracted = extract(libreoffice_docx_file)
    paragraphs = extracted.pages[0].paragraphs
    assert paragraphs == (
        made.LO_HEADING,
        made.LO_BEFORE_NOTE + made.LO_AFTER_NOTE,  # the footnote mark does not split it
        *(" | ".join(row) for row in made.LO_CELLS),
        made.LO_SECOND)
    assert not any(made.LO_NOTE in p for p in paragraphs)
    assert extracted.title == made.LO_TITLE
    assert extracted.authors == (Person("de la Fuente", "Tomás"),)
    assert extracted.date == "2022-08-30"
    assert extracted.language == "en-GB"
    assert extracted.csl_type == "document"


def test_the_same_file_gives_the_same_extraction(python_docx_file: Path) -> None:
    assert read_docx(python_docx_file) == read_docx(python_docx_file)


def test_a_one_column_table_is_layout_its_paragraphs_stay(tmp_path: Path) -> None:
    document = docx.Document()
    cell = document.add_table(rows=1, cols=1).cell(0, 0)
    cell.text = "A boxed first paragraph."
    cell.add_paragraph("A boxed second paragraph.")
    path = tmp_path / "boxed.docx"
    document.save(str(path))
    assert read_docx(path).pages[0].paragraphs == ("A boxed first paragraph.",
                                                   "A boxed second paragraph.")


def test_a_zip_bomb_is_refused_naming_the_file(python_docx_file: Path, tmp_path: Path) -> None:
    bomb = rewrite_zip(python_docx_file, tmp_path / "bomb.docx",
                       {"word/media/zeros.bin": bytes(8 * 1024 * 1024)})
    with zipfile.ZipFile(bomb) as archive:  # the bomb is one: small in the zip, huge unpacked
        info = archive.getinfo("word/media/zeros.bin")
        assert info.file_size > 200 * info.compress_size
    with pytest.raises(SourceError, match=r"bomb\.docx: refused .*compressed \d+:1"):
        read_docx(bomb)


def test_a_dtd_is_refused_naming_the_file(python_docx_file: Path, tmp_path: Path) -> None:
    with zipfile.ZipFile(python_docx_file) as archive:
        body = archive.read("word/document.xml").decode("utf-8")
    body = body.split("?>", 1)[1]
    hostile = ('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE w:document [<!ENTITY xxe '
               'SYSTEM "file:///etc/passwd">]>' + body.replace(made.LAST, "&xxe;"))
    path = rewrite_zip(python_docx_file, tmp_path / "dtd.docx",
                       {"word/document.xml": hostile.encode("utf-8")})
    with pytest.raises(SourceError, match=r"dtd\.docx: refused .*DOCTYPE"):
        read_docx(path)


@pytest.mark.parametrize("content", [b"", b"not a zip at all", b"PK\x03\x04broken"])
def test_a_file_that_is_not_a_word_file_is_a_source_error(tmp_path: Path,
                                                          content: bytes) -> None:
    path = tmp_path / "paper.docx"
    path.write_bytes(content)
    with pytest.raises(SourceError, match=r"paper\.docx: cannot read it as a Word file"):
        read_docx(path)


def test_a_zip_without_a_document_is_a_source_error(tmp_path: Path) -> None:
    path = tmp_path / "empty.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "hello")
    with pytest.raises(SourceError, match=r"empty\.docx"):
        read_docx(path)


def test_tracked_changes_read_as_pandoc_reads_them_accepted(tracked_docx_file: Path) -> None:
    import pypandoc

    accepted = pypandoc.convert_file(str(tracked_docx_file), "plain",
                                     extra_args=["--track-changes=accept", "--wrap=none"])
    assert tuple(p.strip() for p in accepted.split("\n\n") if p.strip()) == read_docx(
        tracked_docx_file).pages[0].paragraphs


def test_a_quote_across_a_footnote_mark_verifies(libreoffice_docx_file: Path) -> None:
    paragraphs = read_docx(libreoffice_docx_file).pages[0].paragraphs
    source = SourceText("sorrel", tuple(Paragraph(n, t) for n, t in
                                        enumerate(paragraphs, start=1)), sha256="")
    match = verify_quote("41 cubic metres a day in August, against a demand of 55", source)
    assert match is not None and match.paragraph == 2
    assert verify_quote("Metered at the pumping station", source) is None


def test_a_field_reads_as_its_shown_result(tmp_path: Path) -> None:
    """A complex field (as Word writes a cross-reference or a link) shows its result; its
    instruction is not text."""
    document = docx.Document()
    paragraph = document.add_paragraph("See the ")
    for kind, text in (("begin", ""), ("instr", ' HYPERLINK "https://ferries.example" '),
                       ("separate", ""), ("text", "operator's site"), ("end", "")):
        run = paragraph.add_run()
        if kind == "instr":
            instruction = OxmlElement("w:instrText")
            instruction.text = text
            run._r.append(instruction)
        elif kind == "text":
            run.text = text
        else:
            mark = OxmlElement("w:fldChar")
            mark.set(qn("w:fldCharType"), kind)
            run._r.append(mark)
    paragraph.add_run(" for the timetable.")
    path = tmp_path / "field.docx"
    document.save(str(path))
    assert read_docx(path).pages[0].paragraphs == ("See the operator's site for the timetable.",)

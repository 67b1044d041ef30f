"""Tests for writers/docx/_oxml.py's reference-paragraph functions, on documents python-docx
builds, read back through python-docx."""

from __future__ import annotations

import io

import docx
from docx.document import Document as WordDocument

from briefgen.writers.docx import _oxml


def _reopen(word: WordDocument) -> WordDocument:
    buffer = io.BytesIO()
    word.save(buffer)
    return docx.Document(io.BytesIO(buffer.getvalue()))


def test_text_pieces_are_per_run_and_set_back_with_their_spaces() -> None:
    word = docx.Document()
    paragraph = word.add_paragraph("{{ ti")
    paragraph.add_run("tle }} ")
    p = paragraph._p
    assert _oxml.text_pieces(p) == ["{{ ti", "tle }} "]
    assert _oxml.paragraph_text(p) == "{{ title }} "
    _oxml.set_text_pieces(p, [" A title ", ""])
    assert [r.text for r in _reopen(word).paragraphs[0].runs] == [" A title ", ""]


def test_the_last_paragraph_of_a_cell_is_kept_and_others_go() -> None:
    word = docx.Document()
    cell = word.add_table(rows=1, cols=1).cell(0, 0)
    cell.add_paragraph("second")
    first, second = (p._p for p in cell.paragraphs)
    _oxml.remove_paragraph(first)
    _oxml.remove_paragraph(second)  # the cell's only paragraph now
    assert [p.text for p in _reopen(word).tables[0].cell(0, 0).paragraphs] == ["second"]


def test_an_empty_paragraph_with_a_field_is_not_empty() -> None:
    word = docx.Document()
    plain, with_field = word.add_paragraph(""), word.add_paragraph("")
    _oxml.add_field(with_field, "PAGE", "")
    assert _oxml.is_empty_paragraph(plain._p)
    assert not _oxml.is_empty_paragraph(with_field._p)


def test_the_body_splits_at_the_marker_and_the_section_stays_last() -> None:
    word = docx.Document()
    for text in ("cover", "{{ body }}", "disclaimer", "contact"):
        word.add_paragraph(text)
    body = word.element.body
    marker = word.paragraphs[1]._p
    after = _oxml.split_body_at(marker)
    assert [p.text for p in word.paragraphs] == ["cover"]
    word.add_paragraph("the brief")
    _oxml.append_to_body(body, after)
    reopened = _reopen(word)
    assert [p.text for p in reopened.paragraphs] == ["cover", "the brief", "disclaimer",
                                                      "contact"]
    assert reopened.element.body[-1].tag == reopened.sections[-1]._sectPr.tag


def test_referenced_ids_are_those_the_xml_uses() -> None:
    word = docx.Document()
    before = _oxml.referenced_ids(word.part.element)
    link = _oxml.add_hyperlink(word.add_paragraph(), "https://example.org")
    link_id = link.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id")
    assert link_id and link_id not in before
    assert _oxml.referenced_ids(word.part.element) == before | {link_id}

"""Tests for writers/docx/_oxml.py's reference-paragraph functions, on documents python-docx
builds, read back through python-docx."""

from __future__ import annotations

import io

import docx
from docx.document import Document as WordDocument
from docx.oxml.ns import nsmap, qn

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


def test_reference_bookmarks_are_hidden_valid_and_one_per_target() -> None:
    names = {_oxml.reference_bookmark_name(kind, n, brief)
             for kind in ("figure", "table", "recommendation") for n in (1, 2, 10**20)
             for brief in ("", "3f289b89", "01114e16")}
    assert len(names) == 27
    assert _oxml.reference_bookmark_name("figure", 2) == "_RefFig2"
    assert _oxml.reference_bookmark_name("table", 1, "3f289b89") == "_RefTbl1_3f289b89"
    assert all(name.startswith("_Ref") and len(name) <= 40 and name.isascii()
               and name.replace("_", "").isalnum() for name in names)


def test_a_ref_field_and_the_bookmark_it_names_read_back() -> None:
    word = docx.Document()
    caption = word.add_paragraph()
    _oxml.start_bookmark(caption, 7, "_RefTbl1")
    caption.add_run("Table ")
    _oxml.add_field(caption, "SEQ Table \\* ARABIC", "1")
    _oxml.end_bookmark(caption, 7)
    caption.add_run(": Deaths by year")
    text = word.add_paragraph("As ")
    _oxml.add_reference_field(text, "_RefTbl1", "Table 1")
    text.add_run(" shows.")
    again = _reopen(word)
    assert again.paragraphs[1].text == "As Table 1 shows."  # the cached result is a run
    start, end = again.paragraphs[0]._p.xpath("./w:bookmarkStart | ./w:bookmarkEnd")
    assert start.get(qn("w:name")) == "_RefTbl1" and start.get(qn("w:id")) == end.get(qn("w:id"))
    inside = start.xpath("./following-sibling::w:r[following-sibling::w:bookmarkEnd]//w:t",
                         namespaces={"w": nsmap["w"]})
    assert "".join(t.text for t in inside) == "Table 1"
    [instruction] = again.paragraphs[1]._p.xpath(".//w:instrText")
    assert instruction.text.strip() == "REF _RefTbl1 \\h"


def test_a_paragraph_bookmark_starts_after_one_already_at_its_start() -> None:
    # Starts and ends in the same order: docxcompose renumbers each in its order.
    word = docx.Document()
    caption = word.add_paragraph()
    _oxml.start_bookmark(caption, 1, "_RefFig1")
    caption.add_run("Figure 1")
    _oxml.end_bookmark(caption, 1)
    caption.add_run(": a caption")
    _oxml.add_bookmark(caption, 2, "fig-a")
    p = _reopen(word).paragraphs[0]._p
    starts = [e.get(qn("w:id")) for e in p.iter(qn("w:bookmarkStart"))]
    ends = [e.get(qn("w:id")) for e in p.iter(qn("w:bookmarkEnd"))]
    assert starts == ends == ["1", "2"]
    assert [e.get(qn("w:name")) for e in p.iter(qn("w:bookmarkStart"))] == ["_RefFig1", "fig_a"]

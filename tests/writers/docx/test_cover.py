"""Filling placeholders that Word split across runs, keeping the author's formatting."""

from __future__ import annotations

import pytest
from lxml import etree

from briefgen.errors import TemplateError
from briefgen.writers.docx import _oxml
from briefgen.writers.docx.cover import fill_paragraph, fill_story, story_has_placeholders

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _story(*paragraphs: list[tuple[str, bool]]) -> etree._Element:
    """A w:body whose paragraphs are made of (text, bold) runs, as Word splits typed text."""
    body = etree.Element(f"{{{W}}}body", nsmap={"w": W})
    for runs in paragraphs:
        p = etree.SubElement(body, f"{{{W}}}p")
        for text, bold in runs:
            r = etree.SubElement(p, f"{{{W}}}r")
            if bold:
                etree.SubElement(etree.SubElement(r, f"{{{W}}}rPr"), f"{{{W}}}b")
            t = etree.SubElement(r, f"{{{W}}}t")
            t.text = text
    return body


def _runs(paragraph: etree._Element) -> list[tuple[str, bool]]:
    return [("".join(r.itertext()), r.find(f"{{{W}}}rPr/{{{W}}}b") is not None)
            for r in paragraph.iter(f"{{{W}}}r")]


def test_a_placeholder_split_over_runs_is_filled_in_the_run_where_it_starts() -> None:
    story = _story([("Prepared for ", False), ("{{ ti", True), ("tle }}", False), (".", False)])
    paragraph = story[0]
    fill_paragraph(paragraph, {"title": "The Delta Accord"}, "test")
    assert _oxml.paragraph_text(paragraph) == "Prepared for The Delta Accord."
    runs = _runs(paragraph)
    assert ("The Delta Accord", True) in runs  # the value takes the bold of the run it began in
    assert runs[0] == ("Prepared for ", False)


def test_two_placeholders_in_one_paragraph_are_both_filled() -> None:
    story = _story([("{{ organisation }} | {{ date }}", False)])
    fill_paragraph(story[0], {"organisation": "Desk A", "date": "3 May 2026"}, "test")
    assert _oxml.paragraph_text(story[0]) == "Desk A | 3 May 2026"


def test_an_emptied_paragraph_is_dropped_from_the_body_and_the_body_marker_kept() -> None:
    story = _story([("{{ subtitle }}", False)], [("{{ body }}", False)], [("End", False)])
    assert story_has_placeholders(story)
    found = fill_story(story, {"subtitle": ""}, "test", drop_emptied=True)
    texts = [_oxml.paragraph_text(p) for p in _oxml.paragraphs_in(story)]
    assert texts == ["{{ body }}", "End"]
    assert found.body_marker is not None
    assert _oxml.paragraph_text(found.body_marker) == "{{ body }}"


def test_headers_keep_an_emptied_paragraph() -> None:
    story = _story([("{{ marking }}", False)])
    fill_story(story, {"marking": ""}, "test", drop_emptied=False)
    assert len(_oxml.paragraphs_in(story)) == 1


def test_an_unknown_placeholder_names_where_it_was_typed() -> None:
    story = _story([("{{ colour }}", False)])
    with pytest.raises(TemplateError, match=r"reference\.docx, header: unknown placeholder 'colour'"):
        fill_story(story, {"title": "x"}, "reference.docx, header", drop_emptied=False)

"""Model text reaches Typst only as string literals that evaluate back to the same text."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from briefgen.writers.typst.escape import clean_text, typst_str

typst = pytest.importorskip("typst")

HOSTILE = [
    '#read("/etc/passwd")', '#import "x"', "$x$", "]", "[", "\\", "\\u{41}", "@label", "<tag>",
    "*bold*", "_x_", "= heading", "//comment", "/* */", "`code`", '"', '\\"', "#{1+1}",
    "#panic()", "- item", "+ item", "/ term: x", "~", "...", "---",
]


def evaluate(expression: str) -> object:
    """What Typst evaluates ``expression`` to, as Python data."""
    return json.loads(typst.eval(b"", expression, ignore_system_fonts=True))


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_strings_evaluate_to_themselves(text: str) -> None:
    assert evaluate(typst_str(text)) == text


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_strings_in_markup_stay_one_text_element(text: str) -> None:
    assert evaluate("[#" + typst_str(text) + "]") == {"func": "text", "text": text}


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_text_evaluates_to_its_cleaned_self(text: str) -> None:
    assert evaluate(typst_str(text)) == clean_text(text)


def test_control_characters_are_removed_and_breaks_become_spaces() -> None:
    assert clean_text("a\x00b\x07c\nd\te\u2028f\r") == "abc d e f "
    assert clean_text("\u200f\u202bمركز") == "\u200f\u202bمركز"  # bidi marks are kept

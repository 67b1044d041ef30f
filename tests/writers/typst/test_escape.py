"""Model text reaches Typst only as string literals that evaluate back to the same text."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from briefgen.writers.typst.escape import clean_text, has_arabic, split_arabic, typst_str

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


def test_arabic_is_detected() -> None:
    assert has_arabic("مركز المستقبل – futureuae.com")
    assert not has_arabic("Afghanistan (futureuae.com)")


def test_only_the_arabic_words_are_split_out() -> None:
    assert split_arabic("a link to مركز المستقبل, the paper") == [
        ("a link to ", False), ("مركز المستقبل", True), (", the paper", False)]
    assert split_arabic("مركز") == [("مركز", True)]
    assert split_arabic("none here") == [("none here", False)]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab ,.مركز\u0644")))
def test_split_arabic_keeps_every_character(text: str) -> None:
    assert "".join(piece for piece, _ in split_arabic(text)) == text

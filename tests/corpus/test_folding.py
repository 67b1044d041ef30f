"""Tests for briefgen.corpus.folding: the folded form and its map back to the original."""

from __future__ import annotations

import pytest

from hypothesis import given, settings
from hypothesis import strategies as st

from briefgen.corpus.folding import fold, fold_text


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("IS-K’s ‘nationalism’", "IS-K's 'nationalism'"),
        ("“inclusive, free”", '"inclusive, free"'),
        ("13–2 — 13‐2 − 1", "13-2 - 13-2 - 1"),
        ("means… [to]", "means... [to]"),
        ("  a\u00a0\u00a0b\n\tc  ", "a b c"),
        ("Goi\u0308ta", "Goïta"),  # NFD in, NFC out
        ("soft\u00adhyphen zero\u200bwidth", "softhyphen zerowidth"),
        ("", ""),
        ("\u00a0\u200b ", ""),
        ("Case Kept", "Case Kept"),
    ],
)
def test_fold(text: str, folded: str) -> None:
    assert fold(text).text == folded


def test_every_folded_character_maps_back() -> None:
    text = " Goi\u0308ta said…\u00a0 “no”"
    folded = fold(text)
    assert len(folded.starts) == len(folded.ends) == len(folded.text)
    assert folded.text == 'Goïta said... "no"'
    # ï came from two characters of the original
    assert text[folded.starts[2]:folded.ends[2]] == "i\u0308"
    # the three dots all came from the one ellipsis character
    dots = folded.text.index("...")
    assert {text[folded.starts[i]:folded.ends[i]] for i in range(dots, dots + 3)} == {"…"}
    # a run of whitespace is one space, mapped to the whole run
    space = folded.text.index(' "')
    assert text[folded.starts[space]:folded.ends[space]] == "\u00a0 "
    start, end = folded.original_span(0, len(folded.text))
    assert text[start:end] == text.strip()


def test_empty_slice_has_no_span() -> None:
    with pytest.raises(ValueError):
        fold("abc").original_span(1, 1)


_PIECES = st.sampled_from(["a", "É", "e\u0301", "\u200d", "\u00ad", " ", "\u00a0", "\n\t",
                           "’", "“", "—", "…", "\u0301", "x", "\ufeff", "ﬁ", "İ", "\u2028"])


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES | st.text(max_size=3), max_size=20).map("".join))
def test_fold_text_is_folds_text(text: str) -> None:
    assert fold_text(text) == fold(text).text


@settings(max_examples=500, deadline=None)
@given(st.lists(_PIECES | st.text(max_size=3), max_size=20).map("".join), st.data())
def test_a_lazy_fold_maps_back_as_the_full_fold_does(text: str, data: st.DataObject) -> None:
    # LazyFolded skips building the map where folding is one character for one; the spans
    # it gives must be fold()'s, for any text.
    from briefgen.corpus.folding import LazyFolded

    lazy, full = LazyFolded(text), fold(text)
    assert lazy.text == full.text
    if full.text:
        start = data.draw(st.integers(0, len(full.text) - 1))
        end = data.draw(st.integers(start + 1, len(full.text)))
        assert lazy.original_span(start, end) == full.original_span(start, end)


def test_plain_text_maps_back_to_itself_without_the_full_map() -> None:
    from briefgen.corpus.folding import LazyFolded

    lazy = LazyFolded("IS-K’s strength, in 2021: about 2,000 fighters")
    assert lazy.original_span(0, 6) == (0, 6) and lazy._full is None
    spaced = LazyFolded("two  spaces")  # a run of whitespace is one folded space
    assert spaced.original_span(4, 10) == (5, 11)

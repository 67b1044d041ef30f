"""Fold text to the form quotes are compared in, keeping a map back to the original characters."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

# Typography a writer may legitimately change when quoting: the kind of quotation mark or
# apostrophe, the kind of dash, one ellipsis character for three dots. Quotation marks keep
# their arity here (single vs double); quotes.py decides whether that difference matters.
_SINGLE_QUOTES = "\u2018\u2019\u201a\u201b\u2032\uff07"  # ‘ ’ ‚ ‛ ′ ＇
_DOUBLE_QUOTES = "\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb\uff02"  # “ ” „ ‟ ″ « » ＂
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"  # ‐ ‑ ‒ – — ― −

_FOLD: dict[str, str] = {
    **{c: "'" for c in _SINGLE_QUOTES},
    **{c: '"' for c in _DOUBLE_QUOTES},
    **{c: "-" for c in _DASHES},
    "\u2026": "...",  # …
}

# Invisible characters that web pages and word processors scatter through text (soft hyphens,
# zero-width joiners, byte-order marks). They never change what a reader sees, so they
# must not make a quote fail.
_INVISIBLE = frozenset("\u00ad\u200b\u200c\u200d\u2060\ufeff")


@dataclass(frozen=True)
class Folded:
    """Text in folded form and, for each folded character, the span it came from.

    ``starts[i]``/``ends[i]`` are offsets into the original text such that the folded
    character ``text[i]`` was made from ``original[starts[i]:ends[i]]`` (an ellipsis gives
    three folded characters with one span; a run of whitespace gives one space).
    """

    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The span of the original text that the folded slice ``text[start:end]`` came from."""
        if start >= end:
            raise ValueError("an empty slice has no span in the original")
        return self.starts[start], self.ends[end - 1]


def fold(text: str) -> Folded:
    """NFC; typographic quotes, dashes and ellipsis to ASCII; whitespace runs to one space.

    Case is kept. Leading and trailing whitespace is dropped and invisible characters are
    removed.
    """
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    pending_space: tuple[int, int] | None = None
    for start, end, composed in _units(text):
        if all(c in _INVISIBLE for c in composed):
            continue
        if composed.isspace():
            if out:  # leading whitespace is dropped, so only open a run after some text
                pending_space = (pending_space[0] if pending_space else start, end)
            continue
        if pending_space is not None:
            out.append(" ")
            starts.append(pending_space[0])
            ends.append(pending_space[1])
            pending_space = None
        for char in composed:
            if char in _INVISIBLE:
                continue
            for folded_char in _FOLD.get(char, char):
                out.append(folded_char)
                starts.append(start)
                ends.append(end)
    return Folded("".join(out), tuple(starts), tuple(ends))


class LazyFolded:
    """A paragraph's folded text at once, its map back to the original only when asked.

    Checking a quote searches the folded text of every paragraph of a source, but needs the
    character map only for the paragraph that matched; building every map up front was the
    largest cost of verifying a brief. ``text`` equals ``fold(original).text`` (a property
    test in tests/corpus/test_folding.py keeps fold_text and fold in step).
    """

    __slots__ = ("original", "text", "_full", "_one_to_one")

    def __init__(self, original: str) -> None:
        self.original = original
        self.text = fold_text(original)
        self._full: Folded | None = None
        self._one_to_one: bool | None = None

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        if self._one_to_one is None:
            self._one_to_one = _folds_one_to_one(self.original)
        if self._one_to_one:
            # Every character folded to one character in its place: the map is the
            # identity, and building it (fold(), a character at a time) is not needed.
            if start >= end:
                raise ValueError("an empty slice has no span in the original")
            return start, end
        if self._full is None:
            self._full = fold(self.original)
        return self._full.original_span(start, end)


# What makes folding other than one character for one: an ellipsis (three dots), an
# invisible character (dropped), a run of whitespace (one space).
_NOT_ONE_TO_ONE = re.compile("[\u2026" + "".join(sorted(_INVISIBLE)) + "]|\\s\\s")


def _folds_one_to_one(text: str) -> bool:
    """Whether fold(text) maps each character of ``text`` to one character, in order: NFC
    already, and no ellipsis, invisible character, run of whitespace, or whitespace at
    either end (which fold drops)."""
    return (unicodedata.is_normalized("NFC", text) and text == text.strip()
            and _NOT_ONE_TO_ONE.search(text) is None)


_FOLD_TABLE = {**{ord(c): None for c in _INVISIBLE}, **{ord(c): f for c, f in _FOLD.items()}}
_WHITESPACE = re.compile(r"\s+")
_SPACE_THEN_OTHER = re.compile(r"\s(?=([^\x00-\x7f]))")


def fold_text(text: str) -> str:
    """``fold(text).text`` without the map back to the original, at C speed.

    For callers that only compare folded text (furniture rules, the corpus index): fold()
    walks the text a character at a time to keep its map, which dominates reading a large
    corpus. NFC comes before dropping invisible characters, as in fold(), so an invisible
    character between a letter and its accent still keeps them apart.
    """
    normal = unicodedata.normalize("NFC", text).translate(_FOLD_TABLE)
    if any(unicodedata.combining(m.group(1)) for m in _SPACE_THEN_OTHER.finditer(normal)):
        # A combining mark on a space makes that space a letter for fold(); rare enough to
        # take the slow path.
        return fold(text).text
    return _WHITESPACE.sub(" ", normal).strip()


def _units(text: str) -> Iterator[tuple[int, int, str]]:
    """The text in NFC, as (start, end, composed) units with their span in the original."""
    if unicodedata.is_normalized("NFC", text):
        # The common case (ftfy already normalises sources): one unit per character.
        return ((index, index + 1, char) for index, char in enumerate(text))
    return (
        (start, end, unicodedata.normalize("NFC", cluster))
        for start, end, cluster in _clusters(text)
    )


def _clusters(text: str) -> Iterator[tuple[int, int, str]]:
    """Split text into a base character plus the combining marks that follow it.

    NFC only ever composes within such a cluster (Hangul jamo aside, which the sources do not
    use), so normalising cluster by cluster equals normalising the whole text, and each
    composed character keeps a precise span in the original.
    """
    start = 0
    for index in range(1, len(text) + 1):
        if index == len(text) or unicodedata.combining(text[index]) == 0:
            yield start, index, text[start:index]
            start = index

"""Turning model text into Typst string literals: text from a brief never becomes markup or code."""

from __future__ import annotations

import re
import unicodedata

# Line and paragraph separators would end a line inside a Typst string; a run is one line.
_BREAKS = {"\n", "\r", "\t", "\u2028", "\u2029", "\x0b", "\x0c", "\x85"}

# Arabic script blocks: Arabic, Supplement, Extended-A/B, Presentation Forms A and B.
_ARABIC_CLASS = "[\u0600-\u06ff\u0750-\u077f\u0870-\u08ff\ufb50-\ufdff\ufe70-\ufeff]"
_ARABIC = re.compile(_ARABIC_CLASS)
# A stretch of Arabic: Arabic words and the spaces between them (not the spaces around).
_ARABIC_STRETCH = re.compile(f"{_ARABIC_CLASS}+(?:\\s+{_ARABIC_CLASS}+)*")


def clean_text(text: str) -> str:
    """The text with line breaks and tabs as spaces and every other control character removed.

    Control characters (Unicode category Cc) have no business in a printed brief and some
    are not allowed in a PDF; format characters (Cf, e.g. the bidi marks) are kept.
    """
    out = []
    for ch in text:
        if ch in _BREAKS:
            out.append(" ")
        elif unicodedata.category(ch) != "Cc":
            out.append(ch)
    return "".join(out)


def typst_str(text: str) -> str:
    """A Typst string literal (with its quotes) that evaluates to ``text``, cleaned.

    Inside a Typst string only ``\\`` and ``"`` are special (``\\`` starts an escape such
    as ``\\u{..}``), so escaping those two makes the literal inert: ``#``, ``$``, ``[``,
    ``]``, ``*``, ``_``, ``@``, ``<``, ``=``, ``//`` and backticks are just characters.
    """
    body = clean_text(text).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{body}"'


def has_arabic(text: str) -> bool:
    """Whether ``text`` contains a letter of the Arabic script (and so needs RTL shaping)."""
    return _ARABIC.search(text) is not None


def split_arabic(text: str) -> list[tuple[str, bool]]:
    """``text`` cut into pieces, each flagged True if it is a stretch of Arabic words.

    "a link to مركز المستقبل, the" -> [("a link to ", False), ("مركز المستقبل", True),
    (", the", False)]: only the Arabic words are marked as Arabic, so the English around
    them keeps its language and its font's line height.
    """
    pieces: list[tuple[str, bool]] = []
    last = 0
    for match in _ARABIC_STRETCH.finditer(text):
        if match.start() > last:
            pieces.append((text[last:match.start()], False))
        pieces.append((match.group(), True))
        last = match.end()
    if last < len(text):
        pieces.append((text[last:], False))
    return pieces

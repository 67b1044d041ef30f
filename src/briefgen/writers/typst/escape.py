"""Turning model text into Typst string literals: text from a brief never becomes markup or code."""

from __future__ import annotations

import re
import unicodedata

# Line and paragraph separators would end a line inside a Typst string; a run is one line.
_BREAKS = {"\n", "\r", "\t", "\u2028", "\u2029", "\x0b", "\x0c", "\x85"}



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


"""Writing direction of text, decided one way for assembly and both writers.

A simplified Unicode bidirectional algorithm (UAX #9), enough for briefs that quote Arabic
or Hebrew: a paragraph is right-to-left when most of its strong characters are (not the first
one, as rule P2 says: a brief is an English document, and an English line that opens with an
Arabic name must stay left-to-right), and neutral characters (spaces, punctuation, digits)
between two strong characters of the same direction take that direction, otherwise the
paragraph's (rules N1, N2). Assembly decides a quotation's direction and language with it;
the DOCX writer spells the result out for Word (``w:bidi`` on right-to-left paragraphs,
``w:rtl`` on right-to-left runs, which also makes Word use the style's complex-script font);
the Typst writer marks the right-to-left stretches of a paragraph with their language, for
shaping and font. Standard library only, as the rest of model/.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable


def _strong_rtl(ch: str) -> bool | None:
    """True for a strong right-to-left character, False for strong left-to-right, else None."""
    kind = unicodedata.bidirectional(ch)
    if kind in ("R", "AL"):
        return True
    if kind == "L":
        return False
    return None


def has_rtl(text: str) -> bool:
    """Whether ``text`` holds any right-to-left letter (Arabic, Hebrew, Syriac, Thaana ...)."""
    # Each distinct character once: most text is English, and asking Unicode's tables about
    # every character of it was a tenth of writing a DOCX.
    return not text.isascii() and any(_strong_rtl(ch) is True for ch in set(text))


def mostly_rtl(texts: Iterable[str]) -> bool:
    """Whether most strong characters of ``texts`` are right-to-left."""
    texts = list(texts)
    if not any(has_rtl(text) for text in texts):
        return False
    rtl = ltr = 0
    for text in texts:
        for ch in text:
            strong = _strong_rtl(ch)
            if strong is True:
                rtl += 1
            elif strong is False:
                ltr += 1
    return rtl > ltr


def split_by_direction(text: str, base_rtl: bool) -> list[tuple[str, bool]]:
    """``text`` cut into (segment, is_rtl) pieces, in logical order, joined again it is ``text``.

    ``base_rtl`` is the paragraph's direction; neutrals at the edges and between strong
    characters of different directions take it.
    """
    if not text:
        return []
    if not base_rtl and not has_rtl(text):
        return [(text, False)]  # what the walk below gives such text, without it
    strong = [_strong_rtl(ch) for ch in text]
    following: list[bool | None] = [None] * len(text)
    nxt: bool | None = None
    for i in range(len(text) - 1, -1, -1):
        following[i] = nxt
        if strong[i] is not None:
            nxt = strong[i]
    pieces: list[tuple[str, bool]] = []
    previous: bool | None = None
    for i, ch in enumerate(text):
        rtl = strong[i]
        if rtl is None:
            before = base_rtl if previous is None else previous
            after = base_rtl if following[i] is None else following[i]
            rtl = before if before == after else base_rtl
        else:
            previous = rtl
        if pieces and pieces[-1][1] == rtl:
            pieces[-1] = (pieces[-1][0] + ch, rtl)
        else:
            pieces.append((ch, rtl))
    return pieces


def rtl_language(text: str) -> str:
    """The language a right-to-left stretch is set in, from its script: "ar" for the Arabic
    script (Arabic, and Persian or Urdu unless the spec says so), "he" for Hebrew, "" when
    ``text`` has no right-to-left letter."""
    for ch in text:
        if _strong_rtl(ch):
            return "he" if "\u0590" <= ch <= "\u05ff" or "\ufb1d" <= ch <= "\ufb4f" else "ar"
    return ""

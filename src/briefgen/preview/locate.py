"""Find where words are printed in a PDF: the page and the height on it (the only module that
imports pypdfium2).

Typst's SVG pages draw glyphs, not text, so the preview looks for an evidence item's words in
the PDF of the same compile, whose text layer has them with their positions. Words are
compared folded (quotes, dashes, case, spacing), so a line break, a hyphenated word at a line
end or a curly apostrophe in the print does not hide a quotation.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass

import pypdfium2

from briefgen.corpus.folding import fold_text

# How many words of the start of a quotation are looked for: enough to be unique on a page,
# few enough that a footnote mark or a page break in the middle of a long quote does not
# lose it. Later windows are tried when the first is not found.
WINDOW_WORDS = 6
_WORD = re.compile(r"\w+")
# PDFium is not thread-safe, and the server reads PDFs from several threads.
_PDFIUM = threading.Lock()
_WRITERS_WORDS = re.compile(r"\[[^\[\]]*\]")  # [t]he, [IS-K], [sic]: the writer's words
_ELLIPSIS = re.compile(r"\.\s*\.\s*\.|…")
# A word Typst hyphenated at a line end: pdfium gives U+FFFE (or a soft hyphen) there, or a
# hyphen then the line break.
_BROKEN = re.compile(r"(?<=\w)(?:[\ufffe\u00ad]\r?\n?|[-\u2010]\r?\n)(?=\w)")


@dataclass(frozen=True)
class _Word:
    text: str
    page: int  # from 1
    y: float  # 0 at the top of the page, 1 at the bottom


class PrintedText:
    """The words of a PDF in reading order, each with its page and height on the page."""

    def __init__(self, pdf: bytes) -> None:
        self._words: list[_Word] = []
        with _PDFIUM:
            self._read(pdf)

    def _read(self, pdf: bytes) -> None:
        document = pypdfium2.PdfDocument(pdf)
        try:
            for index in range(len(document)):
                page = document[index]
                height = page.get_size()[1] or 1.0
                textpage = page.get_textpage()
                text = textpage.get_text_range()
                joined, offsets = _join_broken_words(text)
                last = textpage.count_chars() - 1
                for found in _WORD.finditer(joined):
                    at = min(offsets[found.start()], last)
                    top = textpage.get_charbox(at)[3] if at >= 0 else height
                    self._words.append(_Word(fold_text(found.group()).lower(), index + 1,
                                             min(1.0, max(0.0, 1 - top / height))))
                textpage.close()
                page.close()
        finally:
            document.close()

    def find(self, quotation: str) -> tuple[int, float] | None:
        """The page (from 1) and height (0..1) where ``quotation``'s words are printed, or
        None. Bracketed words are the writer's and elisions split it: the longest run of the
        source's own words is looked for."""
        runs = [_words(part) for part in _ELLIPSIS.split(_WRITERS_WORDS.sub(" ", quotation))]
        words = max(runs, key=len, default=[])
        if not words:
            return None
        size = min(WINDOW_WORDS, len(words))
        printed = [w.text for w in self._words]
        for start in range(0, len(words) - size + 1):
            window = words[start:start + size]
            for at in range(len(printed) - size + 1):
                if printed[at:at + size] == window:
                    return self._words[at].page, self._words[at].y
        return None


def _words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(fold_text(text))]


def _join_broken_words(text: str) -> tuple[str, list[int]]:
    """``text`` with each word broken at a line end ("govern-\\r\\nment") made whole, and
    for each of its characters the offset it had in ``text`` (the PDF's character index)."""
    kept: list[str] = []
    offsets: list[int] = []
    at = 0
    for broken in _BROKEN.finditer(text):
        kept.append(text[at:broken.start()])
        offsets.extend(range(at, broken.start()))
        at = broken.end()
    kept.append(text[at:])
    offsets.extend(range(at, len(text)))
    return "".join(kept), offsets

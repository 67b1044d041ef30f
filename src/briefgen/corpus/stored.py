"""The stored text of a source: what `sources add` extracted, kept beside the original.

A build never re-extracts a PDF or a web page: it reads this file, which is UTF-8 text made
for review in git. The format:

* A header of ``#`` lines opened by the format line (``# briefgen stored text 1``), ended by
  the first blank line: where the text came from, for the reviewer; the catalog holds the
  metadata and the original's sha256.
* Then one paragraph per line, paragraphs separated by blank lines.
* In a paginated source, a line of a form feed and ``page LABEL`` starts the printed page
  LABEL ("page iv", "page 12"). Between paragraphs it stands between blank lines; directly
  under a paragraph's line (no blank line between) it is a page break inside that paragraph,
  whose text carries on in the next line: one paragraph for matching, joined by one space,
  with the position of the break kept (``Paragraph.breaks``).

Reading is lenient about hand edits (several lines of one paragraph are joined; a missing
header is no error) and strict about nothing else, because the text is only ever quoted.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from briefgen.corpus.text import Paragraph, SourceText

if TYPE_CHECKING:
    from briefgen.corpus.extract import Extracted

FORMAT_LINE = "# briefgen stored text 1"
PAGE_MARK = "\f"
_PAGE_WORD = "page "
#: The stored text of ``report.pdf`` is ``report.pdf`` + this.
STORED_SUFFIX = ".text.txt"


@dataclass(frozen=True)
class StoredTextError(Exception):
    """A stored text that cannot be read: ``line`` of the file, and what is wrong."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


def stored_name(original: str) -> str:
    """The file name of the stored text of the original named ``original``."""
    return original + STORED_SUFFIX


def render_stored(extracted: Extracted, original: str, sha256: str) -> str:
    """The stored text of ``extracted`` (read from the file named ``original``, whose bytes
    have ``sha256``), as the module docstring lays it out. Deterministic."""
    lines = [FORMAT_LINE + f": the text `briefgen sources add` extracted from {original}",
             f"# sha256 of the original: {sha256}",
             f"# title: {_one_line(extracted.title)}" if extracted.title else "# title: (none)",
             "# Quotes are checked against this text. One paragraph per line; a form-feed line",
             "# 'page N' starts printed page N (directly under a paragraph: a break inside it).",
             ""]
    open_paragraph = False  # the last line written is paragraph text that may carry on
    for index, page in enumerate(extracted.pages):
        paragraphs = [text for text in (_one_line(p) for p in page.paragraphs) if text]
        carried = bool(index and page.continues and open_paragraph and paragraphs)
        if extracted.paginated:
            if carried:
                lines.append(f"{PAGE_MARK}{_PAGE_WORD}{_one_line(page.label)}")
            else:
                if open_paragraph:
                    lines.append("")
                lines += [f"{PAGE_MARK}{_PAGE_WORD}{_one_line(page.label)}", ""]
                open_paragraph = False
        for number, text in enumerate(paragraphs):
            if open_paragraph and not (carried and number == 0):
                lines.append("")
            lines.append(text)
            open_paragraph = True
    return "\n".join(lines).rstrip("\n") + "\n"


def parse_stored(source_id: str, raw: bytes) -> SourceText:
    """The numbered paragraphs, with their pages, of a stored text; StoredTextError when it
    is not UTF-8. ``sha256`` of the result is that of ``raw``, the text quotes are checked
    against."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise StoredTextError(raw[: error.start].count(b"\n") + 1,
                              f"not UTF-8 (byte {error.start})") from None
    # Not str.splitlines: that also ends a line at a form feed, the page mark itself.
    lines = [line.rstrip("\r") for line in text.split("\n")]
    position = 0
    if lines and lines[0].startswith(FORMAT_LINE):
        while position < len(lines) and lines[position].strip():
            position += 1
    labels: list[str] = []
    page = ""  # the page the next paragraph starts on
    paragraphs: list[Paragraph] = []
    pieces: list[str] = []  # the open paragraph's text so far, a piece per page
    piece_pages: list[str] = []
    pending = ""  # a page mark under an open paragraph: a break, if text follows

    def close() -> None:
        if pieces:
            body = " ".join(pieces)
            breaks, offset = [], 0
            for piece in pieces[:-1]:
                offset += len(piece) + 1
                breaks.append(offset)
            # Pieces of one page (a hand-wrapped paragraph) are not page breaks.
            pages, kept = [piece_pages[0]], []
            for at, label in zip(breaks, piece_pages[1:], strict=True):
                if label != pages[-1]:
                    pages.append(label)
                    kept.append(at)
            paragraphs.append(Paragraph(len(paragraphs) + 1, body,
                                        tuple(pages) if labels else (), tuple(kept)))
        pieces.clear()
        piece_pages.clear()

    for line in lines[position:]:
        if line.startswith(PAGE_MARK):
            label = line[len(PAGE_MARK):].strip()
            label = label[len(_PAGE_WORD):].strip() if label.startswith(_PAGE_WORD) else label
            labels.append(label)
            if pieces:
                pending = label
            page = label
        elif not line.strip():
            close()
            pending = ""
        else:
            pieces.append(line.strip())
            piece_pages.append(pending or page)
            pending = ""
    close()
    return SourceText(source_id, tuple(paragraphs), hashlib.sha256(raw).hexdigest(),
                      tuple(labels))


def _one_line(text: str) -> str:
    # Readers collapse whitespace already; a stray line end or form feed would end the
    # paragraph or start a page here, so it is made a space.
    return " ".join(text.split())

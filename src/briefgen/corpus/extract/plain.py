"""Text and title out of plain files (.txt, .md): the reader that needs no library.

A .txt file is read exactly as the catalog has always read a seed: its first line that is
not furniture is the title, and every later line that is not furniture is a paragraph, so a
text added with `sources add` numbers its paragraphs as it would registered by hand (scraped
seeds put paragraphs on consecutive lines, so lines cannot be joined without renumbering).

A .md file is Markdown: its title is its first line when that is a ``# Title`` heading (else
it has none), paragraphs end at blank lines and the lines of one (hard-wrapped text) are
joined with a space; other headings are paragraphs without their ``#`` marks. Save a
hard-wrapped plain text as .md to have its paragraphs joined. Neither kind has pages.
"""

from __future__ import annotations

import re
from pathlib import Path

from briefgen.confine import SOURCE, read_confined, source_read
from briefgen.corpus.extract import Extracted, ExtractedPage
from briefgen.corpus.furniture import split_title_and_body
from briefgen.corpus.text import MAX_PARAGRAPH_BYTES, repair_encoding
from briefgen.errors import Problem, SourceError

_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")


def read_plain(path: Path) -> Extracted:
    """The paragraphs and title of a .txt or .md file; SourceError if it is not UTF-8 (with
    the line and byte), cannot be read, or holds a paragraph longer than the limit."""
    path = Path(path)
    shown = str(path)
    with source_read(shown):
        raw = read_confined(path, path.parent, SOURCE)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        at = raw[: error.start].count(b"\n") + 1
        raise SourceError(f"{shown}: not UTF-8, line {at}, byte {error.start}",
                          [Problem(shown, at, "", f"byte {error.start} is not UTF-8; save the "
                                                      "file as UTF-8 and add it again")]) from None
    markdown = path.suffix.lower() == ".md"
    blocks = _blocks(repair_encoding(text).splitlines(), markdown)
    for block, line in blocks:
        if len(block.encode("utf-8")) > MAX_PARAGRAPH_BYTES:
            message = (f"a paragraph of {len(block.encode('utf-8')):,} bytes; the limit is "
                       f"{MAX_PARAGRAPH_BYTES:,}: break it where its paragraphs end")
            raise SourceError(f"{shown}:{line}: refused: {message}",
                              [Problem(shown, line, "", f"refused: {message}")])
    texts = [block for block, _line in blocks]
    if markdown:
        title, body = _markdown_title(texts)
    else:
        title, body = split_title_and_body(texts)
    return Extracted(kind="text", title=title,
                     pages=(ExtractedPage("", tuple(body)),) if body else ())


def _blocks(lines: list[str], markdown: bool) -> list[tuple[str, int]]:
    """The paragraphs of ``lines``, each with the line it starts on: each non-blank line of a
    text file; in Markdown, runs of non-blank lines joined by a space, a heading a block of its
    own, blank lines or not."""
    if not markdown:
        return [(line.strip(), number) for number, line in enumerate(lines, start=1)
                if line.strip()]
    blocks: list[tuple[str, int]] = []
    run: list[str] = []
    start = 0
    for number, line in enumerate([*lines, ""], start=1):
        if markdown and _HEADING.match(line):
            if run:
                blocks.append((" ".join(run), start))
                run = []
            blocks.append((line.strip(), number))
        elif line.strip():
            if not run:
                start = number
            run.append(line.strip())
        elif run:
            blocks.append((" ".join(run), start))
            run = []
    return blocks


def _markdown_title(blocks: list[str]) -> tuple[str, list[str]]:
    """A Markdown file's ``# Title`` (first block only) and its other blocks, headings
    without their marks."""
    title = ""
    if blocks:
        first = _HEADING.match(blocks[0])
        if first and len(first.group(1)) == 1:
            title, blocks = first.group(2), blocks[1:]
    body = []
    for block in blocks:
        heading = _HEADING.match(block)
        body.append(heading.group(2) if heading else block)
    return title, [block for block in body if block]

"""Tell an article's own text from page furniture: widgets, bylines, repeats and pull quotes.

Two kinds of rule. Lines that are furniture on any web page (comment forms, "Scroll To Top",
"6 min read", copyright lines) are patterns here, in ``GLOBAL_FURNITURE``. Lines that are
furniture only on one site (a masthead, a section kicker, reaction buttons) are listed per
source in the catalog under ``drop_lines:``, so a new source never needs a code change.
Structural repeats (the title again as the first paragraph, a photo caption printed twice,
a pull quote) are recognised by shape, below.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from briefgen.corpus.folding import fold_text


@dataclass(frozen=True)
class FurnitureRule:
    """A line that is never article text: ``pattern`` must match the whole folded line."""

    pattern: re.Pattern[str]
    why: str


def _rule(pattern: str, why: str) -> FurnitureRule:
    return FurnitureRule(re.compile(pattern, re.IGNORECASE), why)


#: Furniture on any site. Matched, case-insensitively, against the whole line after folding
#: (so straight and curly apostrophes are alike), never against part of a paragraph.
GLOBAL_FURNITURE: tuple[FurnitureRule, ...] = (
    _rule(r"leave a reply", "comment form"),
    _rule(r"your email address will not be published\..*", "comment form"),
    _rule(r"view comments \(\d+\)", "comment counter"),
    _rule(r"what's your reaction\?", "reaction widget"),
    _rule(r"scroll to top", "navigation"),
    _rule(r"now reading", "navigation: the title follows"),
    _rule(r"source link", "aggregator's link back to the original"),
    _rule(r"link for photo", "photo credit placeholder"),
    _rule(r"\d+ min(ute)?s? read", "reading-time badge"),
    _rule(r"(©|\(c\) \d{4}).*", "copyright line"),
    _rule(r".*\ball rights reserved\.?", "copyright line"),
    _rule(r"follow (him|her|them|me|us) on \w+:?( \S+)?", "social-media prompt"),
)


def is_global_furniture(line: str) -> bool:
    """True when the line, on its own, is furniture on any page."""
    return _is_global_furniture(fold_text(line))


def _is_global_furniture(folded: str) -> bool:
    return any(rule.pattern.fullmatch(folded) for rule in GLOBAL_FURNITURE)


def split_title_and_body(
    lines: Sequence[str], drop_lines: Collection[str] = ()
) -> tuple[str, list[str]]:
    """The article's title and its text blocks, with all furniture left out.

    ``lines`` are the article's lines, already repaired. The title is the first line that is
    not furniture; every later non-empty line that is not furniture is a text block
    (a paragraph or a heading). Outer whitespace of each block is dropped, inner kept.
    Returns ("", []) for an article with no text.
    """
    dropped = {fold_text(line) for line in drop_lines}
    # Each block travels with its folded form, computed once: rules compare folded text.
    blocks = [
        (block, folded)
        for block, folded in ((line.strip(), fold_text(line)) for line in lines)
        if folded and not _is_global_furniture(folded) and folded not in dropped
    ]
    if not blocks:
        return "", []
    title, body = blocks[0], blocks[1:]
    # Many pages print the headline twice: once in the page header, once above the text.
    if body and body[0][1] == title[1]:
        body = body[1:]
    body = _drop_repeated_lines(body)
    body = _drop_pull_quotes(body)
    return title[0], [block for block, _folded in body]


_Block = tuple[str, str]  # (text as in the source, folded)

# A credit after a repeated caption: "A coalition airstrike ... in 2018 © US Army photo by ...".
_CREDIT = re.compile(r"\s*(©|\(c\)|photo:|credit:)", re.IGNORECASE)


def _drop_repeated_lines(blocks: list[_Block]) -> list[_Block]:
    """Keep the first of two consecutive identical lines (a photo caption printed twice).

    The repeat may carry a photo credit after the caption; the credit goes with it. Only an
    exact repeat or repeat-plus-credit counts, so a paragraph that merely begins with the
    words of a heading before it is kept.
    """
    kept: list[_Block] = []
    for block in blocks:
        if kept:
            previous, current = kept[-1][1], block[1]
            if current == previous or (
                current.startswith(previous) and _CREDIT.match(current[len(previous):])
            ):
                continue
        kept.append(block)
    return kept


_PULL_QUOTE = re.compile(r'"([^"]+)"')


def _drop_pull_quotes(blocks: list[_Block]) -> list[_Block]:
    """Leave out pull quotes: a block wholly in double quotes that repeats words of another.

    A real quotation that stands as its own paragraph is kept, because its words do not
    occur elsewhere in the article. Case is ignored: a pull quote may capitalise its first
    word.
    """
    lowered = [folded.casefold() for _block, folded in blocks]
    kept: list[_Block] = []
    for index, block in enumerate(blocks):
        match = _PULL_QUOTE.fullmatch(lowered[index])
        if match:
            inner = match.group(1).strip()
            if any(inner in other for i, other in enumerate(lowered) if i != index):
                continue
        kept.append(block)
    return kept

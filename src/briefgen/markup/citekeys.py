"""Pandoc citation syntax ([@id], [@id, para 4], [@a; @b]) and quotations in running text."""

from __future__ import annotations

import re
from dataclasses import dataclass

# A bracketed cluster of one or more @keys; keys are letters, digits and :._/- like pandoc's.
CLUSTER = re.compile(r"\[(-?@[\w:./-]+[^\[\]]*?)\]")
_KEY = re.compile(r"^\s*-?@([\w:./-]*[\w])\s*(?:,\s*(.*?))?\s*$")
# Quoted passages in running text: curly or straight double quotes, on one paragraph.
_QUOTED = re.compile(r"“([^”“]+)”|\"([^\"]+)\"")
MIN_QUOTE_WORDS = 3  # shorter quoted strings are usually terms ("filthy nationalists" aside)


@dataclass(frozen=True)
class CiteKey:
    """One reference inside a cluster: the source id and an optional locator ("para 4")."""

    source_id: str
    locator: str = ""


@dataclass(frozen=True)
class Cluster:
    """A citation cluster as written, with its span in the text."""

    keys: tuple[CiteKey, ...]
    start: int
    end: int


@dataclass(frozen=True)
class InlineQuotation:
    """A quoted passage in running text and the citation that follows it ("" if none).

    ``line_offset`` is the line of the quotation within the text (0-based), for messages;
    ``locator`` the locator of that citation ("p. 12", "" if none); ``start`` where the
    quotation stands in the text (an offset).
    """

    quote: str
    source_id: str
    line_offset: int
    locator: str = ""
    start: int = 0


def parse_clusters(text: str) -> list[Cluster]:
    """Every citation cluster in ``text``, in order; malformed keys are skipped."""
    out = []
    for match in CLUSTER.finditer(text):
        keys = []
        for part in match.group(1).split(";"):
            key = _KEY.match(part)
            if key:
                keys.append(CiteKey(key.group(1), (key.group(2) or "").strip()))
        if keys:
            out.append(Cluster(tuple(keys), match.start(), match.end()))
    return out


def inline_quotations(markdown: str) -> list[InlineQuotation]:
    """Quoted passages of three words or more, each paired with the first citation after it
    in the same paragraph (blank-line separated). Emphasis markers are ignored."""
    found: list[InlineQuotation] = []
    offset = 0
    at = 0  # where ``para`` starts in ``markdown``
    for para in re.split(r"(\n\s*\n)", markdown):
        at += len(para)
        if not para.strip() or para.isspace():
            offset += para.count("\n")
            continue
        clusters = parse_clusters(para)
        for match in _QUOTED.finditer(para):
            quote = match.group(1) or match.group(2) or ""
            quote = re.sub(r"(\*\*|__|\*|_)", "", quote).strip()
            if len(quote.split()) < MIN_QUOTE_WORDS:
                continue
            after = [c for c in clusters if c.start >= match.end()]
            source = after[0].keys[0].source_id if after else ""
            locator = after[0].keys[0].locator if after else ""
            found.append(InlineQuotation(quote, source, offset + para.count("\n", 0, match.start()),
                                         locator, at - len(para) + match.start()))
        offset += para.count("\n")
    return found

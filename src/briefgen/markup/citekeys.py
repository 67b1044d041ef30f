"""Pandoc citation syntax ([@id], [@id, para 4], [@a; @b]), cross-references ([@fig:id]) and
quotations in running text."""

from __future__ import annotations

import re
from dataclasses import dataclass

# A bracketed cluster of one or more @keys; keys are letters, digits and :._/- like pandoc's.
CLUSTER = re.compile(r"\[(-?@[\w:./-]+[^\[\]]*?)\]")
_KEY = re.compile(r"^\s*(-?)@([\w:./-]*[\w])\s*(?:,\s*(.*?))?\s*$")
# Quoted passages in running text: curly or straight double quotes, on one paragraph.
_QUOTED = re.compile(r"“([^”“]+)”|\"([^\"]+)\"")
MIN_QUOTE_WORDS = 3  # shorter quoted strings are usually terms ("filthy nationalists" aside)
# The prefixes of a cross-reference key (pandoc-crossref's) and the kind of block each names.
# Catalog ids never hold a colon (lowercase letters, digits, hyphens), so "fig:x" is never a
# source: the prefix alone tells a cross-reference from a citation.
CROSS_REFERENCE_KINDS = {"fig": "figure", "tbl": "table", "rec": "recommendation"}
_CROSS_REFERENCE = re.compile(r"^(fig|tbl|rec):(.*)$")


@dataclass(frozen=True)
class CiteKey:
    """One reference inside a cluster: the source id and an optional locator ("para 4")."""

    source_id: str
    locator: str = ""


@dataclass(frozen=True)
class CrossReferenceKey:
    """A reference to a block of the brief: ``[@fig:casualties]`` is kind "figure", id
    "casualties". ``locator`` and ``suppressed`` (``-@``) are kept only so check can refuse
    them: a figure has no paragraphs, and its number alone is not what a reader can follow."""

    kind: str
    id: str
    locator: str = ""
    suppressed: bool = False

    @property
    def written(self) -> str:
        """The key as the spec writes it after the @: "fig:casualties"."""
        prefix = next(p for p, kind in CROSS_REFERENCE_KINDS.items() if kind == self.kind)
        return f"{prefix}:{self.id}"


@dataclass(frozen=True)
class Cluster:
    """A bracketed cluster as written, with its span in the text: its source citations
    (``keys``) and its cross-references (``refs``), each in the order written."""

    keys: tuple[CiteKey, ...]
    start: int
    end: int
    refs: tuple[CrossReferenceKey, ...] = ()


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
    """Every citation cluster in ``text``, in order; malformed keys are skipped. A key with a
    cross-reference prefix (fig:, tbl:, rec:) goes to the cluster's ``refs``, every other to
    its ``keys``, so readers of citations never see a cross-reference as a source."""
    out = []
    for match in CLUSTER.finditer(text):
        keys: list[CiteKey] = []
        refs: list[CrossReferenceKey] = []
        for part in match.group(1).split(";"):
            key = _KEY.match(part)
            if not key:
                continue
            name, locator = key.group(2), (key.group(3) or "").strip()
            ref = _CROSS_REFERENCE.match(name)
            if ref:
                refs.append(CrossReferenceKey(CROSS_REFERENCE_KINDS[ref.group(1)], ref.group(2),
                                              locator, suppressed=bool(key.group(1))))
            else:
                keys.append(CiteKey(name, locator))
        if keys or refs:
            out.append(Cluster(tuple(keys), match.start(), match.end(), tuple(refs)))
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
        # A cross-reference names no source: the quotation's citation is the next that does.
        clusters = [c for c in parse_clusters(para) if c.keys]
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

"""Markdown in spec fields to model blocks, with pandoc citations turned into notes or text.

The only module that imports markdown-it-py. Raw HTML is off: spec text is data, and a
brief has no use for it. Citation clusters are found in text runs and handed to a callback
that returns the runs to put in their place (a Note for note styles, text for author-date);
cross-references ([@fig:ID]) to another, that returns the CrossRef to print.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.rules_core.replacements import replace as typographic_replacements
from markdown_it.rules_core.smartquotes import smartquotes
from markdown_it.token import Token

from briefgen.markup.citekeys import CiteKey, CrossReferenceKey, parse_clusters
from briefgen.markup.links import link_target
from briefgen.model.nodes import Block, Heading, Inline, Link, ListBlock, Note, Paragraph, Text

CiteFunction = Callable[[tuple[CiteKey, ...]], tuple[Inline, ...]]
# None where nothing is to be printed for a cross-reference (visible_text leaves it out).
ReferFunction = Callable[[CrossReferenceKey], Inline]
# Several cross-references in one pair of brackets ([@fig:a; @fig:b]) print apart by this.
_REFERENCE_SEPARATOR = ", "

# Pandoc moves a note mark after trailing punctuation ("text [@a]." -> "text.¹"); so do we.
_PUNCT = re.compile(r"^[.,;:!?]+")


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    # Typographer turns straight quotes and "--" into what a typeset brief prints (“ ” –).
    parser = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": True})
    # Every link target is judged by markup.links, the one allow-list, so that a refused link
    # is printed as text and reported; markdown-it's own check would drop some silently.
    parser.validateLink = lambda url: True
    return parser.enable(["replacements", "smartquotes"])


def link_urls(text: str) -> list[tuple[str, int]]:
    """Every link target written in Markdown ``text``, with the line (0-based, within
    ``text``) of the block that holds it: what link_target judges, for check to report."""
    found: list[tuple[str, int]] = []
    line = 0
    for tok in _parser().parse(text):
        if tok.map:
            line = tok.map[0]
        for child in tok.children or []:
            if child.type == "link_open":
                found.append((str(child.attrGet("href") or ""), line))
    return found


def typeset(text: str) -> str:
    """Plain ``text`` (a title, a heading, a caption) with the typography Markdown text gets:
    curly quotes and apostrophes, dashes for "--". Markdown syntax in it stays as typed."""
    if not text:
        return text
    # The typographer's own two rules over one text token, so a heading and the paragraph
    # under it cannot disagree about an apostrophe.
    run = Token("text", "", 0, content=text)
    state = StateCore(text, _parser(), {}, [Token("inline", "", 0, content=text, children=[run])])
    typographic_replacements(state)
    smartquotes(state)
    return run.content


def parse_blocks(text: str, cite: CiteFunction, heading_level: int = 2,
                 refer: ReferFunction | None = None) -> tuple[Block, ...]:
    """Markdown ``text`` as model blocks; ``#`` headings become ``heading_level`` and below.
    ``refer`` gives what a cross-reference prints; None leaves cross-references out."""
    tokens = _parser().parse(text)
    blocks, _ = _blocks(tokens, 0, len(tokens), _Resolvers(cite, refer), heading_level)
    return tuple(blocks)


def parse_inline(text: str, cite: CiteFunction,
                 refer: ReferFunction | None = None) -> tuple[Inline, ...]:
    """A one-paragraph Markdown string as runs (several paragraphs are joined with a space)."""
    runs: list[Inline] = []
    for block in parse_blocks(text, cite, refer=refer):
        if isinstance(block, (Paragraph, Heading)):
            if runs:
                runs.append(Text(" "))
            runs.extend(block.runs)
    return tuple(runs)


def with_references(text: str, refer: ReferFunction) -> tuple[Inline, ...]:
    """Plain ``text`` (a caption, typeset already) as runs, its cross-references replaced
    by what ``refer`` gives and everything else kept as written, citation syntax included
    (a caption is no Markdown field: it cites nothing)."""
    runs: list[Inline] = []
    pos = 0
    for cluster in parse_clusters(text):
        if not cluster.refs or cluster.keys:
            continue  # check refuses a cross-reference among citations
        if cluster.start > pos:
            runs.append(Text(text[pos:cluster.start]))
        runs += _references(cluster.refs, refer)
        pos = cluster.end
    if pos < len(text):
        runs.append(Text(text[pos:]))
    return tuple(runs)


def visible_text(text: str) -> str:
    """The words a reader sees of a one-paragraph Markdown string, as one plain string: no
    markup, no citation clusters (a note mark or an author-date citation is no figure of the
    text), no cross-references ("Figure 2" is no figure either) and no link targets. A bare
    link (<https://...>) shows its target; it is left out too, an address is not a figure
    either. Numbers in table cells are traced in this."""
    words: list[str] = []
    for run in parse_inline(text, lambda keys: ()):
        if isinstance(run, Link):
            words += [t.text for t in run.runs if t.text != run.url]
        elif isinstance(run, Text):
            words.append(run.text)
    return "".join(words)


@dataclass(frozen=True)
class _Resolvers:
    """What replaces citation clusters (``cite``) and cross-references (``refer``)."""

    cite: CiteFunction
    refer: ReferFunction | None


def _blocks(
    tokens: Sequence[Token], i: int, end: int, resolvers: _Resolvers, level: int
) -> tuple[list[Block], int]:
    out: list[Block] = []
    while i < end:
        tok = tokens[i]
        if tok.type in ("paragraph_open", "heading_open"):
            runs = _inlines(tokens[i + 1].children or [], resolvers)
            if tok.type == "heading_open":
                depth = int(tok.tag[1:])
                out.append(Heading(min(level + depth - 1, 3), runs))
            elif runs:
                out.append(Paragraph(runs))
            i += 3
        elif tok.type in ("bullet_list_open", "ordered_list_open"):
            close = _matching(tokens, i)
            items: list[tuple[Block, ...]] = []
            j = i + 1
            while j < close:
                item_close = _matching(tokens, j)
                inner, _ = _blocks(tokens, j + 1, item_close, resolvers, level)
                items.append(tuple(inner))
                j = item_close + 1
            start = int(tok.attrGet("start") or 1) if tok.type == "ordered_list_open" else 1
            out.append(ListBlock(tuple(items), ordered=tok.type == "ordered_list_open", start=start))
            i = close + 1
        elif tok.type == "blockquote_open":
            close = _matching(tokens, i)
            inner, _ = _blocks(tokens, i + 1, close, resolvers, level)
            out.extend(inner)  # an unverified quote is not set as a quotation: keep it as text
            i = close + 1
        elif tok.type in ("fence", "code_block"):
            out.append(Paragraph((Text(tok.content.rstrip("\n"), code=True),)))
            i += 1
        else:  # hr, html (disabled), and closing tokens
            i += 1
    return out, i


def _matching(tokens: Sequence[Token], i: int) -> int:
    """Index of the token closing the one opened at ``i``."""
    depth = 0
    for j in range(i, len(tokens)):
        depth += tokens[j].nesting
        if depth == 0:
            return j
    return len(tokens) - 1


def _inlines(children: Sequence[Token], resolvers: _Resolvers) -> tuple[Inline, ...]:
    runs: list[Inline] = []
    bold = italic = False
    link: tuple[str, list[Text]] | None = None
    for tok in children:
        kind = tok.type
        if kind == "strong_open":
            bold = True
        elif kind == "strong_close":
            bold = False
        elif kind == "em_open":
            italic = True
        elif kind == "em_close":
            italic = False
        elif kind == "link_open":
            link = (str(tok.attrGet("href") or ""), [])
        elif kind == "link_close" and link is not None:
            url, texts = link
            target = link_target(url)
            if target is not None:
                runs.append(Link(tuple(texts) or (Text(url),), target))
            else:  # refused (check warned): the words, then the address, as plain text
                runs.extend(texts)
                shown = "".join(t.text for t in texts).strip()
                if shown != url.strip():
                    runs.append(Text(f" ({url})" if shown else url))
            link = None
        elif kind in ("text", "code_inline", "softbreak", "hardbreak", "image"):
            content = {"softbreak": " ", "hardbreak": " ", "image": tok.content}.get(kind, tok.content)
            run = Text(content, bold=bold, italic=italic, code=kind == "code_inline")
            if link is not None:
                link[1].append(run)
            else:
                runs.append(run)
    return tuple(_with_citations(_merge(runs), resolvers))


def _merge(runs: list[Inline]) -> list[Inline]:
    """Join neighbouring text runs of the same format, so citation syntax is found whole."""
    out: list[Inline] = []
    for run in runs:
        prev = out[-1] if out else None
        if (
            isinstance(run, Text) and isinstance(prev, Text)
            and (prev.bold, prev.italic, prev.code) == (run.bold, run.italic, run.code)
        ):
            out[-1] = Text(prev.text + run.text, prev.bold, prev.italic, prev.code)
        else:
            out.append(run)
    return out


def _with_citations(runs: list[Inline], resolvers: _Resolvers) -> list[Inline]:
    out: list[Inline] = []
    for run in runs:
        if not isinstance(run, Text) or run.code or "@" not in run.text:
            out.append(run)
            continue
        pos = 0
        for cluster in parse_clusters(run.text):
            before = run.text[pos:cluster.start]
            # A cross-reference prints where it stands, like the words around it.
            refs = _references(cluster.refs, resolvers.refer) if cluster.refs else []
            if refs:
                out += [Text(before, run.bold, run.italic)] if before else []
                before = ""
                out += refs
            cited = resolvers.cite(cluster.keys) if cluster.keys else ()
            notes = any(isinstance(c, Note) for c in cited)
            if notes:
                before = before.rstrip()
            if before:
                out.append(Text(before, run.bold, run.italic))
            pos = cluster.end
            if notes:
                punct = _PUNCT.match(run.text[pos:])
                if punct:
                    out.append(Text(punct.group(0), run.bold, run.italic))
                    pos += punct.end()
            out.extend(cited)
        rest = run.text[pos:]
        if rest:
            out.append(Text(rest, run.bold, run.italic))
    return out


def _references(refs: Sequence[CrossReferenceKey], refer: ReferFunction | None) -> list[Inline]:
    if refer is None:
        return []
    out: list[Inline] = []
    for i, ref in enumerate(refs):
        if i:
            out.append(Text(_REFERENCE_SEPARATOR))
        out.append(refer(ref))
    return out

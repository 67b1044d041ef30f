"""Verify that a quotation occurs in its source, and find the closest passage when it does not.

The only module that imports rapidfuzz.

The conventions a quotation may use, and nothing more:

* Typography is free: curly or straight quotation marks and apostrophes (and single for
  double, as when a quotation inside a quotation is turned into single marks), any kind of
  dash, "…" or "...", and any whitespace (non-breaking spaces and line breaks included) all
  compare equal. Case is not free, except as brackets allow.
* A quote must occur within ONE paragraph, and must start and end at word edges: "200
  fighters" is not a quote of "2,200 fighters", nor "he said" of "she said", nor "ISIS" of
  "ISIS-K" (a hyphen joins words; a dash, spaced or not, separates them).
* Terminal punctuation of the whole quote (". , ; :") is the writer's, and is ignored.
* An ellipsis ("…", "...", ". . .") joins parts that must occur in that order within the
  paragraph; whatever lies between is left out.
* Square brackets are the writer's:
    - ``[sic]`` is ignored;
    - one letter in brackets at the start of a word (``[t]he``, ``[A]fghanistan``) is a change
      of case: it matches that letter in either case and nothing else;
    - any other bracket (``[IS-K]``, ``[to]``, ``[the group's]``) is the writer's words. At
      that spot it matches its own words (in any case), or up to WILDCARD_WORDS (4) words of
      one sentence of the source that it replaces, or nothing (the writer added words). The words it stands for
      may not contain a digit or a negation ("not", "never", "n't", ...), so brackets cannot
      change a number or a "not"; and a bracket whose own words hold a negation must match
      them, so "[not]" cannot add one. Brackets side by side ("[a] [b]") count as one.
* A quote that copies the source's own brackets or ellipsis literally (the Mali article's
  "all necessary means… [to] deter threats") matches as plain text: every quote is first
  tried literally, and only then with the conventions above.

Anything else (a changed digit or word, an added or dropped "not", words from two
paragraphs) is not a match.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

from briefgen.corpus.folding import LazyFolded, fold_text
from briefgen.corpus.text import SourceText

#: How many source words one bracketed insertion may stand for.
WILDCARD_WORDS = 4


def normalise(text: str) -> str:
    """NFC; curly and straight quotes, apostrophes, dashes (– — ‐ -) and ellipsis made ASCII;
    all whitespace (NBSP too) folded to one space and trimmed; case kept."""
    return fold_text(text)


@dataclass(frozen=True)
class QuoteMatch:
    """Where a quote was found. ``passage`` is the matched text as it stands in the source.

    For an elided quote the passage runs from the start of its first part to the end of its
    last, elided words included.
    """

    source_id: str
    paragraph: int
    passage: str


@dataclass(frozen=True)
class NearMiss:
    """The passage most like a quote that was not found; ``score`` is 0..100 (100 = identical)."""

    source_id: str
    paragraph: int
    passage: str
    score: float


def verify_quote(quote: str, source: SourceText) -> QuoteMatch | None:
    """The first paragraph in which ``quote`` occurs under the conventions above, or None.

    An empty quote (nothing but punctuation, brackets or space) never matches.
    """
    for parts in _patterns(quote):
        for paragraph, folded in zip(source.paragraphs, source.folded, strict=True):
            span = _find(parts, folded, paragraph.text)
            if span is not None:
                start, end = span
                return QuoteMatch(source.source_id, paragraph.number, paragraph.text[start:end])
    return None


def closest_passage(quote: str, source: SourceText) -> NearMiss | None:
    """The passage of ``source`` most like ``quote``, to show a writer what differs.

    Scores each paragraph by rapidfuzz's partial ratio, which slides a window the length of
    the quote over the paragraph (so a sentence-sized quote is compared with sentence-sized
    windows); the best window is widened to whole words. None when the quote is empty or the
    source has no text. Ties go to the earlier paragraph.
    """
    wanted = _fuzzy_form(quote)
    if not wanted:
        return None
    best: tuple[float, int, int, int] | None = None
    for index, folded in enumerate(source.folded):
        if not folded.text:
            continue
        alignment = fuzz.partial_ratio_alignment(wanted, _fuzzy_marks(folded.text))
        if alignment is None:  # only with a score_cutoff, which we do not set
            continue
        if best is None or alignment.score > best[0]:
            best = (alignment.score, index, alignment.dest_start, alignment.dest_end)
    if best is None:
        return None
    score, index, start, end = best
    folded = source.folded[index]
    start, end = _widen_to_words(folded, start, end, len(wanted))
    paragraph = source.paragraphs[index]
    orig_start, orig_end = folded.original_span(start, end)
    return NearMiss(source.source_id, paragraph.number, paragraph.text[orig_start:orig_end],
                    round(score, 1))


# --- matching --------------------------------------------------------------------------------

_HYPHENS = "-\u2010\u2011"


def _find(
    parts: tuple[re.Pattern[str], ...], folded: LazyFolded, original: str
) -> tuple[int, int] | None:
    """The span of ``original`` where ``parts`` first match, in order, in its folded form.

    Each part (the text between two ellipses) is searched from where the one before ended.
    One regex joining the parts with ".*?" would say the same, but its backtracking grows with
    the product of the gaps and the bracket wildcards; part by part it stays linear in the
    number of parts. Taking each part's first match loses nothing: a later match of a part
    only leaves less room for the parts after it.

    A match that would cut a hyphenated word is passed over: "ISIS" is not a quote of
    "ISIS-K". That is judged on the original, because folding makes every dash a hyphen
    and a dash (— –) separates words where a hyphen joins them.
    """
    text = folded.text
    position = 0
    while position <= len(text):
        first = parts[0].search(text, position)
        if first is None:
            return None
        end = first.end()
        for part in parts[1:]:
            found = part.search(text, end)
            if found is None:
                return None
            end = found.end()
        if end > first.start():
            start, stop = folded.original_span(first.start(), end)
            if not _cuts_compound(original, start, stop):
                return start, stop
        position = first.start() + 1
    return None


def _cuts_compound(text: str, start: int, end: int) -> bool:
    def joined(at: int) -> bool:
        return (0 < at < len(text) - 1 and text[at] in _HYPHENS
                and text[at - 1].isalnum() and text[at + 1].isalnum())

    return joined(end) or joined(start - 1)


# --- compiling a quote to patterns -----------------------------------------------------------

_QUOTE_MARK = "['\"]"
_TERMINAL = re.compile(r"[\s.,;:]+$")
_ELLIPSIS = re.compile(r"\s*\.(?:\s?\.){2,}\s*")
_BRACKET = re.compile(r"\[([^\[\]]*)\]")
_SIC = re.compile(r"\s*\[sic!?\]", re.IGNORECASE)
_ADJACENT_BRACKETS = re.compile(r"\]\s*\[")
_NEGATION = (
    r"[^\w\s]*(?:not|no|never|nor|neither|none|nobody|nothing|nowhere|cannot|without)(?!\w)"
    r"|\S*n't(?!\w)"
)
_HAS_NEGATION = re.compile(rf"(?i)(?<![\w'])(?:{_NEGATION})")
# One source word a bracket may stand for: no digits, no negation.
_WILD_WORD = rf"(?!(?i:{_NEGATION}))(?!\S*\d)\S+"
# The words a bracket stands for stay inside one sentence: only the last may end one. Without
# this a leading bracket would claim words of the sentence before ("[The mission's] mandate"
# matching "to conduct counterinsurgency. Its mandate"), since a search takes the leftmost
# match. Lazy, so that a bracket at the end of a quote claims no more words than it must.
_WILDCARD = rf"(?:{_WILD_WORD}(?<![.!?;:]) ){{0,{WILDCARD_WORDS - 1}}}?{_WILD_WORD}"


@lru_cache(maxsize=4096)
def _patterns(quote: str) -> tuple[tuple[re.Pattern[str], ...], ...]:
    """What to try, in order: the quote taken literally, then with its conventions.

    Each is a sequence of part patterns that must match in order (one part, unless the quote
    has an ellipsis).
    """
    normal = normalise(quote)
    text = _TERMINAL.sub("", normal)
    if not re.search(r"\w", text):
        return ()
    # The writer's terminal punctuation is ignored, but belongs in the passage when the source
    # has it too.
    tail = "".join(normal[len(text):].split())
    optional_tail = f"(?:{_escape(tail)})?" if tail else ""
    patterns: list[tuple[re.Pattern[str], ...]] = [
        (re.compile(_edges(text, _escape(text)) + optional_tail),)
    ]
    if "[" in text or _ELLIPSIS.search(text):
        parts = _interpreted(text)
        if parts:
            *init, last = parts
            patterns.append((*(re.compile(part) for part in init),
                             re.compile(last + optional_tail)))
    return tuple(patterns)


def _interpreted(text: str) -> list[str]:
    """The quote's parts as patterns, with [sic], brackets and ellipses read as conventions.

    A part that is nothing but brackets says nothing about the source and is left out.
    Brackets side by side ("[a] [b]") are one insertion at one spot, and are merged.
    """
    text = _SIC.sub("", text).strip()
    parts = [_ADJACENT_BRACKETS.sub(" ", part.strip()) for part in _ELLIPSIS.split(text)]
    parts = [part for part in parts if re.search(r"\w", _BRACKET.sub("", part))]
    # The elided stretch stays inside the paragraph: parts match one paragraph at a time.
    return [_edges(part, _part_pattern(part)) for part in parts]


def _part_pattern(part: str) -> str:
    """One part of a quote (between ellipses) with its brackets turned into patterns."""
    pieces: list[str] = []  # plain text, escaped at the end, so spaces beside brackets can move
    patterns: list[str | None] = []  # None where the piece is plain text
    position = 0
    for found in _BRACKET.finditer(part):
        pieces.append(part[position:found.start()])
        patterns.append(None)
        # Read the neighbours from the text still to be written, not from ``part``: a bracket
        # just before may already have taken the space between them.
        before = pieces[-1][-1:]
        after = part[found.end()] if found.end() < len(part) else ""
        content = found.group(1).strip()
        position = found.end()
        if len(content) == 1 and content.isalpha() and after.isalpha():
            # [t]he: a change of case, and nothing else.
            pieces.append("")
            patterns.append(f"(?i:{_escape(content)})")
        elif _HAS_NEGATION.search(content):
            # Words that carry a negation must be in the source: "[not]" cannot add one.
            pieces.append("")
            patterns.append(f"(?i:{_escape(content)})")
        else:
            alternatives = f"(?:(?i:{_escape(content)})|{_WILDCARD})" if content else _WILDCARD
            # The bracket may stand for nothing, so it takes one neighbouring space with it.
            pieces.append("")
            if before == " ":
                pieces[-2] = pieces[-2][:-1]
                patterns.append(f"(?: {alternatives})??")
            elif after == " ":
                patterns.append(f"(?:{alternatives} )??")
                position += 1
            else:
                patterns.append(f"(?:{alternatives})??")
    pieces.append(part[position:])
    patterns.append(None)
    return "".join(
        _escape(piece) if pattern is None else pattern
        for piece, pattern in zip(pieces, patterns, strict=True)
    )


def _escape(text: str) -> str:
    """A literal pattern for folded text in which any quotation mark matches any other."""
    return "".join(_QUOTE_MARK if char in "'\"" else re.escape(char) for char in text)


def _edges(text: str, pattern: str) -> str:
    """Anchor a pattern so that it starts and ends at word edges (numbers count as words:
    "200" does not match inside "2,200")."""
    first, last = text[0], text[-1]
    left = right = ""
    if first.isalnum() or first in "[_":
        left = r"(?<!\w)"
        if first.isdigit():
            left += r"(?<!\d[.,])"
    if last.isalnum() or last in "]_":
        right = r"(?!\w)"
        if last.isdigit():
            right += r"(?![.,]\d)"
    return f"{left}{pattern}{right}"


# --- fuzzy comparison ------------------------------------------------------------------------


def _fuzzy_marks(text: str) -> str:
    """Single and double quotation marks alike, as verify_quote treats them."""
    return text.replace('"', "'")


def _fuzzy_form(quote: str) -> str:
    """A quote stripped of its conventions, for a similarity score: [sic] dropped, brackets
    unwrapped, ellipses as spaces."""
    text = _SIC.sub("", normalise(quote))
    text = _BRACKET.sub(lambda found: found.group(1), text)
    text = _ELLIPSIS.sub(" ", text)
    return _fuzzy_marks(normalise(text))


def _widen_to_words(folded: LazyFolded, start: int, end: int, length: int) -> tuple[int, int]:
    """Widen a span of folded text to whole words; an empty span becomes the text's start."""
    text = folded.text
    if end <= start:
        start, end = 0, min(len(text), max(length, 1))
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    while end < len(text) and not text[end].isspace():
        end += 1
    return start, end

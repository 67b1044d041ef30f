"""Verify that a quotation occurs in its source, and find the closest passage when it does not.

The only module that imports rapidfuzz, and only when a quote is not found (a build whose
quotes all verify never loads it).

The conventions a quotation may use, and nothing more:

* Typography is free: curly or straight quotation marks and apostrophes (and single for
  double, as when a quotation inside a quotation is turned into single marks), any kind of
  dash, "…" or "...", and any whitespace (non-breaking spaces and line breaks included) all
  compare equal. Case is not free, except as brackets allow.
* A quote must occur within ONE paragraph, and must start and end at word edges: "200
  fighters" is not a quote of "2,200 fighters", nor "he said" of "she said", nor "Saint" of
  "Saint-Denis" (a hyphen joins words; a dash, spaced or not, separates them).
* Terminal punctuation of the whole quote (". , ; :") is the writer's, and is ignored.
* An ellipsis ("…", "...", ". . .") joins parts that must occur in that order within the
  paragraph; whatever lies between is left out.
* Square brackets are the writer's:
    - ``[sic]`` is ignored;
    - one letter in brackets at the start of a word (``[t]he``, ``[N]orthern``) is a change
      of case: it matches that letter in either case and nothing else;
    - any other bracket (``[the militia]``, ``[to]``, ``[the group's]``) is the writer's words. At
      that spot it matches its own words (in any case), or up to WILDCARD_WORDS (4) words of
      one sentence of the source that it replaces, or nothing (the writer added words). The words it stands for
      may not contain a digit or a negation ("not", "never", "n't", ...), so brackets cannot
      change a number or a "not"; and a bracket whose own words hold a negation must match
      them, so "[not]" cannot add one. Brackets side by side ("[a] [b]") count as one.
* A quote that copies the source's own brackets or ellipsis literally (a seed article's
  "all necessary means… [to] deter threats") matches as plain text: every quote is first
  tried literally, and only then with the conventions above.

Anything else (a changed digit or word, an added or dropped "not", words from two
paragraphs) is not a match.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from briefgen.corpus.folding import LazyFolded, fold_text
from briefgen.corpus.text import SourceText, page_locator

#: How many source words one bracketed insertion may stand for.
WILDCARD_WORDS = 4


def normalise(text: str) -> str:
    """NFC; curly and straight quotes, apostrophes, dashes (– — ‐ -) and ellipsis made ASCII;
    all whitespace (NBSP too) folded to one space and trimmed; case kept."""
    return fold_text(text)


@dataclass(frozen=True)
class QuoteMatch:
    """Where a quote was found. ``passage`` is the matched text as it stands in the source,
    ``paragraph.text[start:end]`` of paragraph number ``paragraph``.

    For an elided quote the passage runs from the start of its first part to the end of its
    last, elided words included. The offsets travel with the match so that later stages
    (numeric claims inside a quotation) never search the paragraph for the passage again,
    which would find its first occurrence rather than the one matched.
    """

    source_id: str
    paragraph: int
    passage: str
    start: int
    end: int
    #: The printed labels of the pages the passage stands on, first to last (two when it
    #: crosses a page break); () for a source without pages.
    pages: tuple[str, ...] = ()

    @property
    def locator(self) -> str:
        """Where the passage is, as a citation names it: "p. 12", "pp. 12\u201313" in a
        paginated source, else "para 4"."""
        return page_locator(self.pages) if self.pages else f"para {self.paragraph}"


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
                return QuoteMatch(source.source_id, paragraph.number, paragraph.text[start:end],
                                  start, end, paragraph.pages_between(start, end))
    return None


def closest_passage(quote: str, source: SourceText) -> NearMiss | None:
    """The passage of ``source`` most like ``quote``, to show a writer what differs.

    Scores each paragraph by rapidfuzz's partial ratio, which slides a window the length of
    the quote over the paragraph (so a sentence-sized quote is compared with sentence-sized
    windows); the best window is widened to whole words. None when the quote is empty or the
    source has no text. Ties go to the earlier paragraph.
    """
    # Imported here, not with the module: only a quote that did not verify needs it, and a
    # `briefgen find` that finds its quote is a fast start-up, which the import would slow.
    from rapidfuzz import fuzz

    wanted = _fuzzy_form(quote)
    if not wanted:
        return None
    from rapidfuzz import fuzz

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


def _find(parts: tuple[_Part, ...], folded: LazyFolded, original: str) -> tuple[int, int] | None:
    """The span of ``original`` where ``parts`` first match, in order, in its folded form.

    Each part (the text between two ellipses) is searched from where the one before ended.
    One regex joining the parts with ".*?" would say the same, but its backtracking grows with
    the product of the gaps and the bracket wildcards; part by part it stays linear in the
    number of parts. Taking each part's first match loses nothing: a later match of a part
    only leaves less room for the parts after it.

    A match that would cut a hyphenated word is passed over: "Saint" is not a quote of
    "Saint-Denis". That is judged on the original, because folding makes every dash a hyphen
    and a dash (— –) separates words where a hyphen joins them.
    """
    text = folded.text
    # What each part's brackets were found unable to do, kept across the starts tried, so no
    # start repeats the work of one before.
    memo = _TextMemo(len(parts))
    position = 0
    while position <= len(text):
        first = parts[0].search(text, position, memo, memo.failed[0])
        if first is None:
            return None
        begin, end = first
        for part, part_failed in zip(parts[1:], memo.failed[1:], strict=True):
            found = part.search(text, end, memo, part_failed)
            if found is None:
                return None
            end = found[1]
        if end > begin:
            start, stop = folded.original_span(begin, end)
            if not _cuts_compound(original, start, stop):
                return start, stop
        position = begin + 1
    return None


def _cuts_compound(text: str, start: int, end: int) -> bool:
    def joined(at: int) -> bool:
        return (0 < at < len(text) - 1 and text[at] in _HYPHENS
                and text[at - 1].isalnum() and text[at + 1].isalnum())

    return joined(end) or joined(start - 1)


class _TextMemo:
    """What matching the parts of one quote against one text has learnt, to do no work twice.

    ``failed[k]`` holds the (bracket, position) pairs of part k known to lead nowhere;
    ``words[at]`` the places where the source words a bracket may stand for, starting at
    ``at``, can end (see ``_Bracket.ends``), which is the same for every bracket;
    ``pieces[pattern]`` where a fixed piece of text occurs, each start with its end.
    """

    __slots__ = ("failed", "pieces", "words")

    def __init__(self, parts: int) -> None:
        self.failed: list[set[tuple[int, int]]] = [set() for _ in range(parts)]
        self.words: dict[int, tuple[int, ...]] = {}
        self.pieces: dict[str, dict[int, int]] = {}

    def occurrences(self, text: str, piece: re.Pattern[str]) -> dict[int, int]:
        """Every start of ``piece`` in ``text`` with its end (a fixed piece matches in one way
        only), found at C speed once rather than tried at each place a bracket may end."""
        found = self.pieces.get(piece.pattern)
        if found is None:
            anywhere = re.compile(f"(?=({piece.pattern}))")
            found = {m.start(): m.end(1) for m in anywhere.finditer(text)}
            self.pieces[piece.pattern] = found
        return found

    def word_ends(self, text: str, at: int) -> tuple[int, ...]:
        ends = self.words.get(at)
        if ends is None:
            ends = self.words[at] = tuple(_wildcard_ends(text, at))
        return ends


def _wildcard_ends(text: str, at: int) -> Iterator[int]:
    """Where up to WILDCARD_WORDS source words starting at ``at`` may end, in the order a
    lazy regex tries them: fewest words first, the last word longest first."""
    for count in range(WILDCARD_WORDS):
        if not _WILD_WORD.match(text, at):
            return
        found = _NON_SPACE.match(text, at)
        word_end = found.end() if found is not None else at
        # As the last word it may end anywhere in the run ("[the city]'s" claims "Saint-Denis" of
        # "Saint-Denis's"), longest first.
        yield from range(word_end, at, -1)
        # As one more word it is the whole run, does not end a sentence, and a space follows.
        if (count == WILDCARD_WORDS - 1 or text[word_end - 1] in _SENTENCE_END
                or not text.startswith(" ", word_end)):
            return
        at = word_end + 1


@dataclass(frozen=True)
class _Bracket:
    """A bracket that stands for the writer's words, and the places where it may end.

    ``own_words`` matches the bracket's own words (None for an empty bracket); ``space`` is
    the neighbouring space the bracket takes with it, since it may stand for nothing:
    "before", "after" or "" (none).
    """

    own_words: re.Pattern[str] | None
    space: str

    def ends(self, text: str, at: int, memo: _TextMemo) -> tuple[int, ...]:
        """Where the bracket may end when it starts at ``at``, in the order tried: nothing
        first, then its own words, then fewest words of the source (each word longest
        first). The order is that of the regex ``(?: (?:own|wildcard))??`` and its kin, so
        that the first match found is the one a regex would find."""
        if self.space == "before":
            words = self._words(text, at + 1, memo) if text.startswith(" ", at) else ()
            return (at, *words)
        if self.space == "after":
            return (at, *(end + 1 for end in self._words(text, at, memo)
                          if text.startswith(" ", end)))
        return (at, *self._words(text, at, memo))

    def _words(self, text: str, at: int, memo: _TextMemo) -> tuple[int, ...]:
        found = self.own_words.match(text, at) if self.own_words is not None else None
        if found is None:
            return memo.word_ends(text, at)
        return (found.end(), *memo.word_ends(text, at))


@dataclass(frozen=True)
class _Part:
    """A part of a quote (the text between ellipses): fixed text with brackets between.

    ``fixed[i]`` is the text before ``brackets[i]`` and ``fixed[-1]`` the text after the last,
    each a pattern that can match in one way only (no alternatives, no repeats), the quote's
    word edges included. ``tail`` is the writer's terminal punctuation, taken when the source
    has it too.

    Matching is a depth-first search over the brackets' ends in the order a backtracking
    regex tries them, so it finds what the one regex of the whole part would, but it records
    every (bracket, position) that led nowhere and never tries it again: the work is bounded
    by brackets x positions x the ends of one bracket, where the regex's grew with the
    product of its brackets' choices (minutes for a dozen brackets over repeated words).
    """

    fixed: tuple[re.Pattern[str], ...]
    brackets: tuple[_Bracket, ...]
    tail: re.Pattern[str] | None

    def search(
        self, text: str, position: int, memo: _TextMemo, failed: set[tuple[int, int]]
    ) -> tuple[int, int] | None:
        """The (start, end) of the leftmost match at or after ``position``, or None.

        ``failed`` holds the (bracket, position) pairs known to lead nowhere in ``text``,
        and grows; searches of one part in one text may share it.
        """
        if self.brackets and not self._could_occur(text, position):
            return None
        head = self.fixed[0]
        while position <= len(text):
            found = head.search(text, position)
            if found is None:
                return None
            end = self._complete(text, found.end(), memo, failed)
            if end is not None:
                if self.tail is not None:
                    taken = self.tail.match(text, end)
                    end = taken.end() if taken is not None else end
                return found.start(), end
            position = found.start() + 1
        return None

    def _could_occur(self, text: str, position: int) -> bool:
        """Whether the fixed pieces occur in order: every match needs them, and looking costs
        a regex search each, so a paragraph without them is passed over at C speed."""
        for piece in self.fixed:
            found = piece.search(text, position)
            if found is None:
                return False
            position = found.end()
        return True

    def _complete(
        self, text: str, at: int, memo: _TextMemo, failed: set[tuple[int, int]]
    ) -> int | None:
        """Where the part ends when its first fixed piece ended at ``at``, or None."""
        if not self.brackets:
            return at
        if (0, at) in failed:
            return None
        brackets, fixed = self.brackets, self.fixed
        last = len(brackets) - 1
        # A stack, not recursion: a quote may hold hundreds of brackets. Each frame is a
        # bracket, where it starts, and the places it may end still to try.
        stack = [(0, at, iter(brackets[0].ends(text, at, memo)))]
        while stack:
            index, start, ends = stack[-1]
            following = memo.occurrences(text, fixed[index + 1])
            for end in ends:
                reached = following.get(end)
                if reached is None:
                    continue
                if index == last:
                    return reached
                if (index + 1, reached) not in failed:
                    stack.append((index + 1, reached,
                                  iter(brackets[index + 1].ends(text, reached, memo))))
                    break
            else:
                failed.add((index, start))
                stack.pop()
        return None


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
# Where a source word a bracket may stand for can start: no negation, no digit in the word.
_WILD_WORD = re.compile(rf"(?!(?i:{_NEGATION}))(?!\S*\d)\S")
_NON_SPACE = re.compile(r"\S+")
# The words a bracket stands for stay inside one sentence: only the last may end one. Without
# this a leading bracket would claim words of the sentence before ("[The mission's] mandate"
# matching "to conduct counterinsurgency. Its mandate"), since a search takes the leftmost
# match. Fewest words first, so that a bracket at the end of a quote claims no more words
# than it must.
_SENTENCE_END = ".!?;:"


@lru_cache(maxsize=4096)
def _patterns(quote: str) -> tuple[tuple[_Part, ...], ...]:
    """What to try, in order: the quote taken literally, then with its conventions.

    Each is a sequence of parts that must match in order (one part, unless the quote has an
    ellipsis).
    """
    normal = normalise(quote)
    text = _TERMINAL.sub("", normal)
    if not re.search(r"\w", text):
        return ()
    # The writer's terminal punctuation is ignored, but belongs in the passage when the source
    # has it too.
    tail = "".join(normal[len(text):].split())
    tail_pattern = re.compile(_escape(tail)) if tail else None
    patterns: list[tuple[_Part, ...]] = [
        (_Part((re.compile(_edges(text, _escape(text))),), (), tail_pattern),)
    ]
    if "[" in text or _ELLIPSIS.search(text):
        parts = _interpreted(text)
        if parts:
            *init, last = parts
            patterns.append((*(_part(part, None) for part in init), _part(last, tail_pattern)))
    return tuple(patterns)


def _interpreted(text: str) -> list[str]:
    """The quote's parts, with [sic] dropped and the ellipses that separate them.

    A part that is nothing but brackets says nothing about the source and is left out.
    Brackets side by side ("[a] [b]") are one insertion at one spot, and are merged.
    """
    text = _SIC.sub("", text).strip()
    parts = [_ADJACENT_BRACKETS.sub(" ", part.strip()) for part in _ELLIPSIS.split(text)]
    # The elided stretch stays inside the paragraph: parts match one paragraph at a time.
    return [part for part in parts if re.search(r"\w", _BRACKET.sub("", part))]


def _part(part: str, tail: re.Pattern[str] | None) -> _Part:
    """One part of a quote (between ellipses) with its brackets read as conventions."""
    pieces: list[str] = []  # plain text, escaped at the end, so spaces beside brackets can move
    patterns: list[str | _Bracket | None] = []  # None where the piece is plain text
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
        own_words = f"(?i:{_escape(content)})"
        pieces.append("")
        if len(content) == 1 and content.isalpha() and after.isalpha():
            # [t]he: a change of case, and nothing else.
            patterns.append(own_words)
        elif _HAS_NEGATION.search(content):
            # Words that carry a negation must be in the source: "[not]" cannot add one.
            patterns.append(own_words)
        else:
            # The bracket may stand for nothing, so it takes one neighbouring space with it.
            space = ""
            if before == " ":
                pieces[-2] = pieces[-2][:-1]
                space = "before"
            elif after == " ":
                position += 1
                space = "after"
            patterns.append(_Bracket(re.compile(own_words) if content else None, space))
    pieces.append(part[position:])
    patterns.append(None)
    fixed: list[str] = [""]
    brackets: list[_Bracket] = []
    for piece, pattern in zip(pieces, patterns, strict=True):
        if isinstance(pattern, _Bracket):
            brackets.append(pattern)
            fixed.append("")
        else:
            fixed[-1] += _escape(piece) if pattern is None else pattern
    left, right = _edge_patterns(part)
    fixed[0] = left + fixed[0]
    fixed[-1] += right  # the same piece as fixed[0] when the part has no brackets
    return _Part(tuple(re.compile(piece) for piece in fixed), tuple(brackets), tail)


def _escape(text: str) -> str:
    """A literal pattern for folded text in which any quotation mark matches any other."""
    return "".join(_QUOTE_MARK if char in "'\"" else re.escape(char) for char in text)


def _edges(text: str, pattern: str) -> str:
    """Anchor a pattern so that it starts and ends at word edges (numbers count as words:
    "200" does not match inside "2,200")."""
    left, right = _edge_patterns(text)
    return f"{left}{pattern}{right}"


def _edge_patterns(text: str) -> tuple[str, str]:
    """The lookarounds that anchor a pattern for ``text`` at word edges, left and right."""
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
    return left, right


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

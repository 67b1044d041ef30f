"""Numeric claims: the forms a number is written in, and the numbers sources give for a topic.

Two jobs, one reading of numbers:

* ``occurs(value, text)`` says whether a datum (a chart value, a number in a table cell)
  occurs in an excerpt in one of its written forms: 2,200 / 2200 / 2.2 thousand; either side
  of a ratio or range (13-2, 13:2, 2,000 to 3,000); an ordinal (the 12th); a small number
  written as a word (four peacekeepers).
* ``claims_in(text)`` finds the figures a source gives, so that ``briefgen figures`` can
  show where sources disagree and a build can warn when a brief cites one figure of several.
  A figure counts for a topic a desk declared (corpus.topics: the words that must surround
  it), or else for what its sentence says it counts (corpus.counting: the counted noun, its
  verb, the names, places and dates around it). Either way every claim can be explained by
  pointing at the sentence it came from.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from briefgen.corpus.counting import COUNTED, Figure, Reading, TermCounts, group_figures, \
    group_label, read_number, sentence_terms
from briefgen.corpus.topics import Topic, phrase_pattern

# A number as printed: 15,209 / 2200 / 2.2 / 12th / -3.5. Not a piece of a longer number:
# "200" is not read out of "2,200", nor "20" out of "2.20".
_DIGITS = re.compile(
    r"(?<![\w.,])(?<![\d][.,])"
    r"(?P<sign>[-\u2212](?=\d))?"
    r"(?P<int>\d{1,3}(?:,\d{3})+(?!\d)|\d+)"
    r"(?P<frac>\.\d+)?"
    r"(?:st|nd|rd|th)?"
    r"(?!\w|[.,]\d)"
)
_SCALES = {"thousand": 1e3, "k": 1e3, "million": 1e6, "m": 1e6, "mn": 1e6, "billion": 1e9,
           "bn": 1e9}
_SCALE = re.compile(r"\s*(thousand|million|billion|bn|mn|k|m)\b", re.IGNORECASE)
_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90, "hundred": 100, "dozen": 12,
}
_TENS = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
_UNITS = "one|two|three|four|five|six|seven|eight|nine"
_NUMBER_WORD = re.compile(
    rf"(?<![\w-])(?:(?P<tens>{_TENS})[-\s](?P<unit>{_UNITS})|(?P<word>{'|'.join(_WORDS)}))"
    r"(?![\w-])",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class NumberMention:
    """A number written in a text. ``values`` are what it may stand for: the number as
    printed and, with a scale word, the scaled number too (2.2 million: 2.2 and 2,200,000).
    ``start``/``end`` are its span in the text, scale word included."""

    values: tuple[float, ...]
    start: int
    end: int
    text: str

    @property
    def value(self) -> float:
        """The number it means: scaled when a scale word follows it."""
        return self.values[-1]


def numbers_in(text: str) -> list[NumberMention]:
    """Every number written in ``text``, digits or words, in order."""
    found: list[NumberMention] = []
    for match in _DIGITS.finditer(text):
        raw = float(match.group("int").replace(",", "") + (match.group("frac") or ""))
        if match.group("sign"):
            raw = -raw
        found.append(_scaled(text, raw, match.start(), match.end()))
    for match in _NUMBER_WORD.finditer(text):
        if match.group("tens"):
            raw = float(_WORDS[match.group("tens").lower()] + _WORDS[match.group("unit").lower()])
        else:
            raw = float(_WORDS[match.group("word").lower()])
        found.append(_scaled(text, raw, match.start(), match.end()))
    return sorted(found, key=lambda mention: mention.start)


def _scaled(text: str, raw: float, start: int, end: int) -> NumberMention:
    scale = _SCALE.match(text, end)
    if scale is None:
        return NumberMention((raw,), start, end, text[start:end])
    factor = _SCALES[scale.group(1).lower()]
    return NumberMention((raw, raw * factor), start, scale.end(), text[start:scale.end()])


def same_number(a: float, b: float) -> bool:
    """Equal as printed figures are: 2200.0 and 2,200; 2.2 and 2.20."""
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def occurs(value: float, text: str) -> NumberMention | None:
    """The first place ``value`` is written in ``text`` in any of its forms, or None."""
    for mention in numbers_in(text):
        if any(same_number(value, candidate) for candidate in mention.values):
            return mention
    return None


# --- claims ----------------------------------------------------------------------------------

_QUALIFIER = (r"(?:at least|about|around|approximately|nearly|almost|roughly|some|over|"
              r"more than|up to|just|only|an estimated|estimated)")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)]*\s+(?=[A-Z“\"‘(])")
_ORDINAL = re.compile(r"(?:st|nd|rd|th)$")


@dataclass(frozen=True)
class Claim:
    """A figure a source gives: ``low``..``high`` (equal for one number).

    ``topic`` is the id of the declared topic it counts for, or "" when only its sentence
    says what it counts: then ``reading`` is what the sentence says (corpus.counting), and
    None for a declared topic's claim. ``qualifier`` is how the source hedges it ("at
    least", "nearly", "" for none); ``text`` the words as printed ("at least 79 people");
    ``start``/``end`` their span in the paragraph.
    """

    topic: str
    low: float
    high: float
    qualifier: str
    text: str
    source_id: str
    paragraph: int
    start: int
    end: int
    reading: Reading | None = None

    @property
    def figure(self) -> str:
        """The figure as a reader would say it: "at least 79", "2,000 to 3,000"."""
        number = _format(self.low) if self.low == self.high else \
            f"{_format(self.low)} to {_format(self.high)}"
        return f"{self.qualifier} {number}".strip()


def _format(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:,}"


def _sentences(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for end in _SENTENCE_END.finditer(text):
        spans.append((start, end.start()))
        start = end.end()
    spans.append((start, len(text)))
    return spans


@dataclass(frozen=True)
class _Matcher:
    """A topic's phrases, compiled once."""

    topic: Topic
    context: tuple[re.Pattern[str], ...]
    counted: re.Pattern[str] | None
    verbs: re.Pattern[str] | None
    exclude: re.Pattern[str] | None


@functools.lru_cache(maxsize=16)
def _matchers(topics: tuple[Topic, ...]) -> tuple[_Matcher, ...]:
    """The topics' phrases compiled, once per set of topics: claims_in is called for every
    paragraph of a corpus, and building the patterns again each time was a third of reading
    a corpus's claims."""
    def compiled(phrases: tuple[str, ...], prefix: str = "", suffix: str = ""
                 ) -> re.Pattern[str] | None:
        return re.compile(prefix + phrase_pattern(phrases) + suffix) if phrases else None

    return tuple(_Matcher(t, tuple(re.compile(phrase_pattern(group)) for group in t.context),
                          compiled(t.counted, r"\s+"), compiled(t.verbs, "", r"\s*$"),
                          compiled(t.exclude))
                 for t in topics)


def claims_in(text: str, source_id: str = "", paragraph: int = 0,
              topics: Iterable[Topic] = (), before: str = "", published: str = ""
              ) -> list[Claim]:
    """The claims one paragraph makes, in order of the text: for each number, the claims of
    the declared ``topics`` it counts for, or else the one its sentence makes (if any).
    ``before`` is the paragraph before: its last sentence is the context of the first.
    ``published`` is the source's date (the catalog's), which dates a month without a year."""
    matchers = _matchers(tuple(topics))
    mentions = [m for m in numbers_in(text) if not _is_year(m, text)]
    sentences = _sentences(text)
    claims: list[Claim] = []
    used: set[tuple[str, int]] = set()
    claimed: set[int] = set()
    skip = -1
    for index, mention in enumerate(mentions):
        if mention.start <= skip:
            continue  # the second number of a range already claimed
        # A range "2,000 to 3,000" is one claim, made by its second number's context.
        nxt = mentions[index + 1] if index + 1 < len(mentions) else None
        low_mention, high_mention = mention, mention
        if nxt is not None and re.fullmatch(r"\s*(?:to|-|–|—)\s*", text[mention.end:nxt.start]):
            high_mention = nxt
        which = next(i for i, (s, e) in enumerate(sentences) if s <= mention.start <= e)
        sentence_start, sentence_end = sentences[which]
        sentence = text[sentence_start:sentence_end]
        window = text[sentences[max(0, which - 1)][0]:sentence_end]
        before = text[sentence_start:mention.start]
        qualifier_match = re.search(rf"(?i)\b({_QUALIFIER})\s*$", before)
        qualifier = qualifier_match.group(1).lower() if qualifier_match else ""
        start = qualifier_match.start() + sentence_start if qualifier_match else mention.start
        before_claim = text[sentence_start:start]
        after = text[high_mention.end:sentence_end]
        for matcher in matchers:
            topic = matcher.topic
            if (topic.id, mention.start) in used:
                continue
            if not all(pattern.search(window) for pattern in matcher.context):
                continue
            if matcher.exclude and matcher.exclude.search(sentence):
                continue
            counted = matcher.counted.match(after) if matcher.counted else None
            verb = matcher.verbs.search(before_claim) if matcher.verbs else None
            if counted is None and verb is None:
                continue
            end = high_mention.end + (counted.end() if counted else 0)
            used.add((topic.id, high_mention.start))
            claimed.update((mention.start, high_mention.start))
            claims.append(Claim(topic.id, low_mention.value, high_mention.value, qualifier,
                                text[start:end], source_id, paragraph, start, end))
        if mention.start in claimed or _ORDINAL.search(mention.text) or _in_a_date(mention, text):
            continue
        others = [_format(m.value) for m in mentions
                  if sentence_start <= m.start <= sentence_end
                  and m.start not in (low_mention.start, high_mention.start)]
        previous = (text[sentences[which - 1][0]:sentences[which - 1][1]] if which else
                    before[_sentences(before)[-1][0]:] if before else "")
        reading = read_number(sentence, low_mention.start - sentence_start,
                              high_mention.end - sentence_start, previous, others, published)
        if reading is None:
            continue
        end = high_mention.end + _counted_length(after, reading.noun)
        skip = high_mention.start
        claims.append(Claim("", low_mention.value, high_mention.value, qualifier,
                            text[start:end], source_id, paragraph, start, end, reading))
    return claims


def paragraph_terms(text: str, published: str = "") -> set[str]:
    """The features (names, words, dates, figures) of a paragraph's sentences, for the
    TermCounts that weigh what claims share; ``published`` as for ``claims_in``."""
    mentions = [m for m in numbers_in(text) if not _is_year(m, text)]
    terms: set[str] = set()
    for start, end in _sentences(text):
        figures = [_format(m.value) for m in mentions if start <= m.start <= end]
        terms |= sentence_terms(text[start:end], figures, published)
    return terms


def _counted_length(after: str, noun: str) -> int:
    """How far after the number its counted words run ("13 X service members"), 0 if the
    noun is not written after it."""
    if not noun:
        return 0
    match = re.match(r"(?:\s+[\w'’-]+){0,4}?\s+" + r"\s+".join(map(re.escape, noun.split()))
                     + r"(?!\w)", after, re.IGNORECASE)
    return match.end() if match else 0


_MONTH_NAMES = (r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?")


def _in_a_date(mention: NumberMention, text: str) -> bool:
    """A day of a month: "August 26", "26 April", "May 9 2021", "9/11"."""
    return bool(re.search(rf"\b{_MONTH_NAMES}\s*$", text[:mention.start])
                or re.match(rf"\s*(?:of\s+)?{_MONTH_NAMES}(?!\w)", text[mention.end:]))


def _is_year(mention: NumberMention, text: str) -> bool:
    """A year is a date, not a figure: "in 2015", "May 2021", "Aug. 26, 2021"; but not
    "2000 fighters"."""
    value = mention.value
    if not (1900 <= value <= 2100 and value == int(value) and "," not in mention.text):
        return False
    words = re.findall(r"[\w'’-]+", text[mention.end:mention.end + 40].lower())
    # "2000 fighters" is a count; "in 2019 displaced" and "2019 dead" are still years.
    return not (text[mention.end:mention.end + 1].isspace()
                and any(COUNTED.get(" ".join(words[:n]), ("", "x"))[1] == ""
                        for n in (1, 2, 3)))


@dataclass(frozen=True)
class FigureGroup:
    """Claims that give a figure for the same thing: a declared topic's (``topic`` its id),
    or those the automatic pass found counting the same thing about the same event
    (``topic`` ""). ``label`` says what is counted; ``disagree`` whether sources differ."""

    topic: str
    label: str
    claims: tuple[Claim, ...]
    disagree: bool


def group_claims(claims: Iterable[Claim], topics: Iterable[Topic] = (),
                 terms: TermCounts | None = None) -> list[FigureGroup]:
    """Every declared topic with a claim, in the file's order, then every group the automatic
    pass finds with claims from more than one source, in the order of its first claim.
    Claims keep the order they came in; ``terms`` weigh what claims share (see
    counting.group_figures)."""
    claims = list(claims)
    by_topic: dict[str, list[Claim]] = {}
    for claim in claims:
        if claim.topic:
            by_topic.setdefault(claim.topic, []).append(claim)
    out = []
    for topic in topics:
        found = by_topic.get(topic.id, [])
        if found:
            out.append(FigureGroup(topic.id, topic.name, tuple(found), disagree(found)))
    out += automatic_groups(claims, terms)
    return out


def automatic_groups(claims: Sequence[Claim], terms: TermCounts | None = None
                     ) -> list[FigureGroup]:
    """The groups of claims no topic declared, each with claims from two sources or more."""
    unclaimed = [c for c in claims if not c.topic and c.reading is not None]
    figures = [Figure(c.reading, c.source_id, c.low, c.high) for c in unclaimed
               if c.reading is not None]
    groups = []
    for members in group_figures(figures, terms):
        found = [unclaimed[i] for i in members]
        if len({c.source_id for c in found}) < 2:
            continue
        label = group_label([c.reading for c in found if c.reading is not None])
        groups.append(FigureGroup("", label, tuple(found), disagree(found)))
    return groups


@dataclass(frozen=True)
class CorpusClaims:
    """Every claim of a corpus, in catalog order, and the counts of its terms."""

    claims: tuple[Claim, ...]
    terms: TermCounts


def disagree(claims: Iterable[Claim]) -> bool:
    """True when two claims from different sources give different figures."""
    claims = list(claims)
    return any(a.source_id != b.source_id and (a.low, a.high) != (b.low, b.high)
               for a in claims for b in claims)

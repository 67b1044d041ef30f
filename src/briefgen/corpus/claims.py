"""Numeric claims: the forms a number is written in, and the numbers sources give for a topic.

Two jobs, one reading of numbers:

* ``occurs(value, text)`` says whether a datum (a chart value, a number in a table cell)
  occurs in an excerpt in one of its written forms: 2,200 / 2200 / 2.2 thousand; either side
  of a ratio or range (13-2, 13:2, 2,000 to 3,000); an ordinal (the 12th); a small number
  written as a word (four peacekeepers).
* ``claims_in(text)`` finds the figures a source gives for a few things briefs keep citing,
  listed in TOPICS, so that ``briefgen figures`` can show where sources disagree and a build
  can warn when a brief cites one figure of several. The topics are a table, not a model:
  each says which words must surround a number for it to count, so every claim can be
  explained by pointing at the sentence it came from.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass

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


@dataclass(frozen=True)
class Topic:
    """Something sources give figures for, and how to recognise a figure for it.

    A number counts for the topic when every ``context`` pattern occurs in its sentence or the
    sentence before (a toll is often given one sentence after the attack is named), when it is
    followed by one of ``counted`` (the thing counted: "fighters") or preceded by one of
    ``verbs`` ("killed"), and when ``exclude`` does not occur in its own sentence.
    """

    key: str
    name: str
    context: tuple[str, ...]
    counted: str = ""
    verbs: str = ""
    exclude: str = ""


_KILLED = r"(?:killed|killing)"
_ISK = r"(?:IS-?K|ISIS-K|Isis-K|ISKP|ISIL-K)"

#: The things our briefs cite figures for. Add a row to follow another figure.
TOPICS: tuple[Topic, ...] = (
    Topic("airport-deaths", "Kabul airport attack, August 2021: Afghans killed",
          # The FT, writing the next day, calls it "Thursday's attacks".
          context=(r"airport|Thursday['’]s attacks?", _KILLED),
          counted=r"(?:Afghans|civilians|people)\b"),
    Topic("airport-us-deaths", "Kabul airport attack, August 2021: US service members killed",
          context=(r"airport|Thursday['’]s attacks?", _KILLED),
          counted=r"(?:US|American)\s+(?:service\s*(?:members|people)|soldiers|troops)\b"),
    Topic("isk-fighters", "IS-K's strength: fighters or members",
          context=(rf"{_ISK}|ISIS|Isis|Islamic State",),
          # Only IS-K's own: "28 Taliban members" in the same sentence is not its strength.
          counted=rf"(?:{_ISK}\s+)?(?:fighters|members)\b"),
    Topic("school-deaths", "Girls' school attack, Kabul, May 2021: killed",
          context=(r"school",), verbs=_KILLED,
          # A tally over many attacks, or the maternity-ward attack named beside the school,
          # is not this attack's toll.
          exclude=r"maternity|\d+\s+attacks\b"),
    Topic("hospital-deaths", "Military hospital attack, Kabul, November 2021: killed",
          context=(r"military hospital",), verbs=_KILLED),
    Topic("minusma-personnel", "MINUSMA: authorised personnel",
          context=(r"MINUSMA|UN|United Nations|in-country",),
          counted=r"(?:authori[sz]ed\s+)?(?:uniformed\s+)?personnel\b"),
    Topic("minusma-fatalities", "MINUSMA: fatalities since 2013",
          context=(r"MINUSMA|UN\b|peacekeep",),
          counted=r"(?:fatalities|UN peacekeepers)\b"),
)

_QUALIFIER = (r"(?:at least|about|around|approximately|nearly|almost|roughly|some|over|"
              r"more than|up to|just|only)")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)]*\s+(?=[A-Z“\"‘(])")


@dataclass(frozen=True)
class Claim:
    """A figure a source gives for a topic: ``low``..``high`` (equal for one number).

    ``qualifier`` is how the source hedges it ("at least", "nearly", "" for none); ``text`` the
    words as printed ("at least 79 Afghans"); ``start``/``end`` their span in the paragraph.
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


def claims_in(text: str, source_id: str = "", paragraph: int = 0,
              topics: Iterable[Topic] = TOPICS) -> list[Claim]:
    """The claims one paragraph makes about ``topics``, in order of the text."""
    topics = tuple(topics)
    mentions = [m for m in numbers_in(text) if not _is_year(m, text)]
    sentences = _sentences(text)
    claims: list[Claim] = []
    used: set[tuple[str, int]] = set()
    for index, mention in enumerate(mentions):
        # A range "2,000 to 3,000" is one claim, made by its second number's context.
        nxt = mentions[index + 1] if index + 1 < len(mentions) else None
        low_mention, high_mention = mention, mention
        if nxt is not None and re.fullmatch(r"\s*(?:to|-|–|—)\s*", text[mention.end:nxt.start]):
            high_mention = nxt
        which = next(i for i, (s, e) in enumerate(sentences) if s <= mention.start <= e)
        sentence = text[sentences[which][0]:sentences[which][1]]
        window = text[sentences[max(0, which - 1)][0]:sentences[which][1]]
        before = text[sentences[which][0]:mention.start]
        qualifier_match = re.search(rf"(?i)\b({_QUALIFIER})\s*$", before)
        qualifier = qualifier_match.group(1).lower() if qualifier_match else ""
        start = qualifier_match.start() + sentences[which][0] if qualifier_match else mention.start
        before_claim = text[sentences[which][0]:start]
        after = text[high_mention.end:sentences[which][1]]
        for topic in topics:
            if (topic.key, mention.start) in used:
                continue
            if not all(re.search(pattern, window) for pattern in topic.context):
                continue
            if topic.exclude and re.search(topic.exclude, sentence):
                continue
            counted = re.match(rf"\s+{topic.counted}", after) if topic.counted else None
            verb = re.search(rf"\b{topic.verbs}\s*$", before_claim) if topic.verbs else None
            if counted is None and verb is None:
                continue
            end = high_mention.end + (counted.end() if counted else 0)
            used.add((topic.key, high_mention.start))
            claims.append(Claim(topic.key, low_mention.value, high_mention.value, qualifier,
                                text[start:end], source_id, paragraph, start, end))
    return claims


def _is_year(mention: NumberMention, text: str) -> bool:
    """A year is a date, not a figure: "in 2015", "May 2021", "Aug. 26, 2021"."""
    value = mention.value
    if not (1900 <= value <= 2100 and value == int(value) and "," not in mention.text):
        return False
    return not re.match(r"\s+(?:fighters|members|people|personnel)", text[mention.end:])


def group_claims(claims: Iterable[Claim], topics: Iterable[Topic] = TOPICS
                 ) -> list[tuple[Topic, list[Claim], bool]]:
    """(topic, its claims, whether sources disagree) for every topic with a claim, in table
    order. Sources disagree when two of them give different figures."""
    by_topic: dict[str, list[Claim]] = {}
    for claim in claims:
        by_topic.setdefault(claim.topic, []).append(claim)
    out = []
    for topic in topics:
        found = by_topic.get(topic.key, [])
        if found:
            out.append((topic, found, disagree(found)))
    return out


def disagree(claims: Iterable[Claim]) -> bool:
    """True when two claims from different sources give different figures."""
    claims = list(claims)
    return any(a.source_id != b.source_id and (a.low, a.high) != (b.low, b.high)
               for a in claims for b in claims)


def topic(key: str) -> Topic:
    """The topic of ``key``; KeyError if there is none."""
    for candidate in TOPICS:
        if candidate.key == key:
            return candidate
    raise KeyError(key)

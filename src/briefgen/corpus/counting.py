"""What a number in a sentence counts, read from the sentence's structure, and which figures
count the same thing about the same event.

No topic is declared here. For a number, the words after it ("<number> <noun>": "2,000
fighters", "13 service members") or, failing that, before it in its clause ("the death toll
rose to 45") give the counted noun; the nearest counting verb before it ("killed 79 ...") or
just after its noun ("four peacekeepers were killed") gives the verb. Noun and verb are read
against a small general lexicon of counting words (COUNTED, VERBS): what a number counts is
their pair, its ``measure`` ("people killed", "fighters"). Capitalised words written between
the number and its noun ("2,000 X members") are the noun's ``qualifiers``.

Around the number the sentence and the one before give the event: names (capitalised
words), other content words, dates (month and year) and the other figures given with it.
``group_figures`` joins figures of one measure whose events share enough of these (each
shared feature weighs more the rarer it is in the corpus) and that nothing sets apart:
dates in different months or years, qualifiers with no name in common, or one source giving
two different figures (a source does not disagree with itself). Groups join by average
linkage, the closest first: a figure joins the group whose figures it shares most with on
average, not one it shares a single word with.
"""

from __future__ import annotations

import heapq
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property

# --- the lexicon: general English counting words, no corpus's topics -------------------------

#: Counted nouns -> (what they count, the verb they imply or "").
COUNTED: dict[str, tuple[str, str]] = {
    **{w: ("people", "") for w in (
        "people", "persons", "civilians", "residents", "villagers", "inhabitants",
        "passengers", "victims", "men", "women", "children", "individuals", "students",
        "pupils", "worshippers", "bystanders", "workers", "protesters", "demonstrators",
        "pilgrims", "migrants", "crew", "crew members", "people on board", "survivors")},
    **{w: ("troops", "") for w in (
        "troops", "soldiers", "personnel", "peacekeepers", "police", "policemen",
        "police officers", "officers", "service members", "servicemembers", "service people",
        "servicemen", "sailors", "marines", "guards", "blue helmets", "staff officers",
        "military observers", "uniformed personnel")},
    **{w: ("fighters", "") for w in (
        "fighters", "militants", "insurgents", "combatants", "militiamen", "members",
        "jihadists", "rebels", "recruits", "gunmen", "attackers", "operatives")},
    **{w: ("people", "killed") for w in (
        "deaths", "fatalities", "dead", "death toll", "toll", "bodies")},
    **{w: ("people", "wounded") for w in ("wounded", "injured", "injuries")},
    **{w: ("people", "displaced") for w in ("displaced", "displaced people", "homeless",
                                            "evacuees", "displaced persons")},
    **{w: ("refugees", "") for w in ("refugees", "asylum seekers")},
    **{w: ("people", "missing") for w in ("missing",)},
    **{w: ("homes", "") for w in ("homes", "houses", "households", "buildings")},
    **{w: ("families", "") for w in ("families",)},
}

#: Counting verbs -> the verb they are a form of.
VERBS: dict[str, str] = {
    **{w: "killed" for w in ("killed", "killing", "kills", "kill", "died", "die", "dying",
                             "slain", "lost their lives", "loss of", "lost", "drowned",
                             "claimed the lives of", "perished")},
    **{w: "wounded" for w in ("wounded", "wounding", "injured", "injuring", "hurt")},
    **{w: "displaced" for w in ("displaced", "displacing", "fled", "uprooted", "evacuated",
                                "forced from their homes", "left homeless")},
    **{w: "missing" for w in ("missing", "unaccounted for")},
    **{w: "rescued" for w in ("rescued", "saved")},
    **{w: "arrested" for w in ("arrested", "detained", "captured")},
    **{w: "deployed" for w in ("deployed", "deploys", "deploying", "stationed", "sent")},
    **{w: "destroyed" for w in ("destroyed", "damaged", "flooded", "burned")},
}

# Words that end a noun phrase or a clause: the counted noun is looked for before them.
_FUNCTION = frozenset("""
a about above after again against all also although am among an and any are as at be been
before being below between both but by can could did do does doing down during each else
even ever every few for from further had has have having he her here hers him his how i if
in into is it its itself just last least like many may me might more most much must my near
nearly no nor not now of off on once only onto or other our out over own per same she should
since so some such than that the their them then there these they this those though through
thus to too under until up upon very was we were what when where which while who whom whose
why will with within without would yet you your including included according said says
reported estimated estimates remained however
""".split())

_COUNTING_WORDS = frozenset(w for phrase in (*COUNTED, *VERBS) for word in phrase.split()
                            for w in (word, re.sub(r"(?<=\w\w\w)s$", "", word)))

# What may stand between a counted noun and its verb: "four X were reportedly killed".
_AUXILIARIES = frozenset("""
was were is are be been being has have had reportedly reported also later all confirmed
feared believed said thought known now still
""".split())

_MONTH_NAMES = ("January February March April May June July August September October "
                "November December").split()
_MONTHS = {m.lower(): i + 1 for i, m in enumerate(_MONTH_NAMES)}
_MONTHS.update({m[:3]: n for m, n in list(_MONTHS.items())})
_MONTHS["sept"] = 9
_WEEKDAYS = frozenset("monday tuesday wednesday thursday friday saturday sunday".split())
_MONTH_WORD = re.compile(r"\b(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) +
                         r")\b\.?", re.IGNORECASE)
_YEAR = re.compile(r"(?<![\d,.])(1[89]\d\d|20\d\d)(?!\d|,\d)")
_WORD = re.compile(r"[^\W\d_](?:[\w'’-]*\w)?")
_STOPS = re.compile(r"[;:()\[\]]|[.!?](?=\s|$)|\s[-–—]\s|,")


@dataclass(frozen=True)
class Reading:
    """What a number in a sentence counts and what the sentence says around it.

    ``measure`` is the counted thing and its verb ("people killed", "fighters"); ``noun`` the
    counted word ("" when the clause names none); ``qualifiers`` the names written between
    number and noun, as written; ``names``, ``words``, ``dates`` ("YYYY-MM",
    "YYYY", "-MM") and ``figures`` (the other numbers given with it) describe the event.
    ``nearby`` are the names and words ("t:...") of the sentence before, which count for
    less. ``place_written`` is the first name the sentence puts after "in", "at", "near",
    "on" or "across", with that word ("on Lake X"), and ``date_written`` its first date as
    printed ("March 2025"); both "" if none, and both only for labels.
    """

    measure: str
    noun: str
    qualifiers: tuple[str, ...]
    names: tuple[str, ...]
    words: tuple[str, ...]
    dates: tuple[str, ...]
    figures: tuple[str, ...]
    nearby: tuple[str, ...]
    place_written: str
    date_written: str


# Compiled once: these run for every word of a corpus.
_POSSESSIVE = re.compile(r"['’]s?$")
_NOT_WORD = re.compile(r"[\W_]")
_PLURAL_S = re.compile(r"(?<=\w\w\w)s$")


def normal_name(word: str) -> str:
    """A name as compared: case folded, possessive and punctuation dropped ("X-K's": "xk")."""
    return _NOT_WORD.sub("", _POSSESSIVE.sub("", word).casefold())


def _lexicon_match(words: list[str], at: int, table: dict[str, object]) -> int:
    """How many of ``words`` from ``at`` form the longest entry of ``table`` (0 if none)."""
    for length in (4, 3, 2, 1):
        phrase = " ".join(w.lower() for w in words[at:at + length])
        if len(words) - at >= length and phrase in table:
            return length
    return 0


def _clause_words(text: str) -> list[str]:
    """The words of ``text`` up to the first mark that ends a clause."""
    stop = _STOPS.search(text)
    return _WORD.findall(text[:stop.start()] if stop else text)


def read_number(sentence: str, start: int, end: int, context: str,
                other_figures: Sequence[str], published: str = "") -> Reading | None:
    """What the number at ``start``..``end`` of ``sentence`` counts, or None when its
    sentence does not say (no counted noun or counting verb: "one of the", "item 2", "two
    separate bombings": a number followed by a noun counts that noun).

    ``context`` is the sentence before, for the event's names and words; ``other_figures``
    the other numbers of the sentence, as written; ``published`` the source's date
    (YYYY-MM-DD, YYYY-MM, YYYY or ""), which dates a month written without its year.
    """
    after = sentence[end:]
    head = sentence[:start]
    if (re.match(r"\s*(?:%|per\s*cent|percent)", after) or re.search(r"[$£€]\s*$", head)
            or after[:1] in ("/", ":") or head[-1:] in ("/", ":")):
        return None
    run = _clause_words(after)[:5]
    noun, qualifiers, noun_end = "", [], 0
    for index in range(min(len(run), 3)):  # at most two words between number and noun
        if run[index].lower() in _FUNCTION:
            break
        length = _lexicon_match(run, index, COUNTED)
        if length:
            noun = " ".join(run[index:index + length]).lower()
            qualifiers = [w for w in run[:index] if w[0].isupper()]
            noun_end = index + length
            break
    if not noun and run and run[0][0].isupper() and re.search(r"[^s]s$", run[0]) \
            and (len(run) == 1 or run[1].lower() in _FUNCTION):
        # "180 Xians": a people named by where they are from.
        noun, qualifiers, noun_end = run[0].lower(), [run[0]], 1
    if not noun and run and run[0].lower() not in _FUNCTION and \
            not _lexicon_match(run, 0, VERBS):
        return None  # "two separate bombings", "100 attacks": it counts something else
    if not noun and not re.search(r"\d", sentence[start:end]):
        return None  # "one", "two" with no noun are rarely a count
    counted, verb = COUNTED.get(noun, ("people" if noun else "", ""))
    if not verb:
        # "<number> <noun> were killed": the verb just after the noun, or after its
        # auxiliaries; not a verb of the next clause ("30 people and wounding dozens").
        tail = _clause_words(after)[noun_end:noun_end + 5]
        for index in range(len(tail)):
            length = _lexicon_match(tail, index, VERBS)
            if length:
                verb = VERBS[" ".join(tail[index:index + length]).lower()]
                break
            if tail[index].lower() not in _AUXILIARIES:
                break
    if not verb:
        # "killed 13 X and 180 Y": the nearest counting verb before, in the sentence.
        before_words = _WORD.findall(head)[-14:]
        for index in range(len(before_words) - 1, -1, -1):
            length = _lexicon_match(before_words, index, VERBS)
            if length:
                verb = VERBS[" ".join(before_words[index:index + length]).lower()]
                break
    if not noun:
        # "<noun> ... <verb> ... <number>": the death toll rose to 45.
        stops = list(_STOPS.finditer(head))
        back = _WORD.findall(head[stops[-1].end():] if stops else head)[-12:]
        for index in range(len(back) - 1, -1, -1):
            length = _lexicon_match(back, index, COUNTED)
            if length:
                noun = " ".join(back[index:index + length]).lower()
                counted, implied = COUNTED[noun]
                verb = verb or implied
                break
    if not noun and verb in ("killed", "wounded", "missing", "rescued", "displaced"):
        counted = "people"  # "killed 85": people, unless the sentence says otherwise
    if not counted:
        return None
    measure = f"{counted} {verb}" if verb else counted
    names, words = _event_words(sentence, start, end)
    context_names, context_words = _event_words(context, 0, 0)
    dates, date_written = _dates(sentence, published)
    place_written = _place(sentence)
    return Reading(
        measure=measure, noun=noun,
        qualifiers=tuple(sorted({re.sub(r"['’]s$", "", q) for q in qualifiers})),
        names=tuple(sorted(set(names))),
        words=tuple(sorted(set(words) - _COUNTING_WORDS)),
        dates=dates, figures=tuple(sorted(set(other_figures))),
        nearby=tuple(sorted(f"t:{t}" for t in (set(context_names) | set(context_words))
                            - _COUNTING_WORDS)),
        place_written=place_written, date_written=date_written)


def _event_words(text: str, start: int, end: int) -> tuple[list[str], list[str]]:
    """The names (capitalised words) and other content words of ``text``, normalised alike
    (so "Lake" and "lake" are one word), leaving out the number at ``start``..``end``,
    function words, months and weekdays."""
    names, words = [], []
    for match in _WORD.finditer(text):
        if start <= match.start() < end:
            continue
        word = match.group()
        lower = _POSSESSIVE.sub("", word.lower().rstrip("."))
        if lower in _MONTHS or lower in _WEEKDAYS or lower in _FUNCTION:
            continue
        if word[0].isupper():
            name = normal_name(word)
            if name:
                names.append(name)
        elif len(word) >= 4:
            words.append(normal_name(_PLURAL_S.sub("", lower)))
    return names, words


def _dates(sentence: str, published: str = "") -> tuple[tuple[str, ...], str]:
    """The months and years ``sentence`` names ("2021-08", "2021", "-05"), and the first as
    written ("August 2021").

    A month written without a year is of the year the source was ``published`` in, or of the
    year before when it comes later in the year than the source ("in November" in a piece of
    March 2025 is November 2024); "-05" when the source is undated. News writes the year
    when it is not the current one; a month is compared, never printed, so a wrong guess can
    only keep two figures apart or together, not change what is shown.
    """
    source_year, _, rest = published.partition("-")
    source_month = int(rest[:2]) if rest[:2].isdigit() else 12
    found: list[str] = []
    written = ""
    years_used: set[int] = set()
    for month in _MONTH_WORD.finditer(sentence):
        word = month.group(1)
        if word[0].islower() or (word.lower() == "may" and not _looks_like_a_month(
                sentence, month.start(), month.end())):
            continue
        number = _MONTHS[word.lower()]
        year = _YEAR.search(sentence[month.end():month.end() + 12])
        if year:
            years_used.add(month.end() + year.start())
            found.append(f"{year.group(1)}-{number:02d}")
            written = written or f"{_month_name(number)} {year.group(1)}"
        else:
            if source_year.isdigit():
                year_of = int(source_year) - (1 if number > source_month else 0)
                found.append(f"{year_of}-{number:02d}")
            else:
                found.append(f"-{number:02d}")
            written = written or _month_name(number)
    for year in _YEAR.finditer(sentence):
        after = sentence[year.end():]
        if year.start() not in years_used and not re.match(r"\s*(?:%|[-–]\d)", after):
            found.append(year.group(1))
            written = written or year.group(1)
    return tuple(sorted(set(found))), written


def _looks_like_a_month(sentence: str, start: int, end: int) -> bool:
    """"May" as a month: next to a day or year, or after "in"/"of"/"since"/"early"..."""
    before = sentence[max(0, start - 12):start].lower()
    after = sentence[end:end + 8]
    return bool(re.search(r"\b(?:in|of|since|early|late|mid|until|by)\s+$", before)
                or re.match(r"\s*\d", after) or re.search(r"\d\s*$", before))


def _month_name(number: int) -> str:
    return _MONTH_NAMES[number - 1]


_PLACE = re.compile(r"\b(in|at|near|on|across)\s+(?:the\s+)?"
                    r"((?:[A-Z][\w'’-]*)(?:\s+(?:of\s+)?[A-Z][\w'’-]*)*)")


def _place(sentence: str) -> str:
    """The first name the sentence puts after a word of place, as written with its
    preposition ("on Lake Orune"); "" if none."""
    for match in _PLACE.finditer(sentence):
        written = re.sub(r"['’]s$", "", match.group(2))
        first = written.split()[0].lower()
        if first in _MONTHS or first in _WEEKDAYS or first in _FUNCTION:
            continue
        return f"{match.group(1)} {written}"
    return ""


# --- grouping --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """One figure to group: its reading, who gives it, and what it is (``low``..``high``).
    What its sentences say of its event is worked out once, when first asked for."""

    reading: Reading
    source_id: str
    low: float
    high: float

    @cached_property
    def features(self) -> frozenset[str]:
        """What its own sentence says of its event: "t:" words and names, "d:" years and
        months of years, "f:" the other (not round) figures given with it."""
        r = self.reading
        return frozenset({f"t:{t}" for t in (*r.names, *r.words)}
                         | {f"d:{d}" for d in r.dates if not d.startswith("-")}
                         | {f"f:{f}" for f in r.figures if _telling_figure(f)})

    @cached_property
    def anchors(self) -> frozenset[str]:
        """The features that can tie it to another figure's event: names, dates, figures."""
        names = {f"t:{n}" for n in self.reading.names}
        return frozenset(f for f in self.features if f in names or not f.startswith("t:"))

    @cached_property
    def around(self) -> frozenset[str]:
        """Its features and those of the sentence before."""
        return self.features | frozenset(self.reading.nearby)

    @cached_property
    def qualifier_names(self) -> frozenset[str]:
        return frozenset(normal_name(q) for q in self.reading.qualifiers) - {""}


@dataclass(frozen=True)
class TermCounts:
    """How many of a corpus's ``paragraphs`` hold each feature ("t:word", "d:2021-08",
    "f:13"): what makes a shared feature telling is that few paragraphs have it."""

    paragraphs: int
    counts: dict[str, int]


#: How much two figures' events must share, on average, to be joined: one name held by one
#: paragraph in twenty (log 21 = 3.0), or two commoner features (a place and a year).
LINK_THRESHOLD = 3.0


def group_figures(figures: Sequence[Figure], terms: TermCounts | None = None
                  ) -> list[list[int]]:
    """Groups of ``figures`` (as indexes, each group in input order, groups in the order of
    their first figure) that count the same thing about the same event. A figure nothing
    joins is a group of one.

    Average linkage: two groups join when their figures share, on average over every pair,
    at least LINK_THRESHOLD, and no pair of them is incompatible; the best pair joins first.
    A figure that shares much with one member of a group and nothing with the rest does not
    join it. ``terms`` weigh the features (see ``_weights``); without them, the figures'
    own sentences do.
    """
    weights = _weights(figures, terms)
    by_measure: dict[str, list[int]] = {}
    for index, figure in enumerate(figures):
        by_measure.setdefault(figure.reading.measure, []).append(index)
    groups: list[list[int]] = []
    for indexes in by_measure.values():
        groups += _average_linkage([figures[i] for i in indexes], weights, indexes)
    return sorted(groups)


#: A feature more figures than this share links none of them by itself: it is too common to
#: tell events apart, and pairing them all would cost the square of their number.
MAX_SHARING = 500


def _average_linkage(figures: Sequence[Figure], weights: dict[str, float],
                     indexes: Sequence[int]) -> list[list[int]]:
    members: dict[int, list[int]] = {i: [i] for i in range(len(figures))}
    # Only pairs whose sentences share something can link (see _shared): find them through
    # their features rather than by trying every pair.
    holders: dict[str, list[int]] = {}
    for index, figure in enumerate(figures):
        for feature in sorted(figure.features):
            holders.setdefault(feature, []).append(index)
    candidates: set[tuple[int, int]] = set()
    for held in holders.values():
        if len(held) <= MAX_SHARING:
            candidates.update((a, b) for n, a in enumerate(held) for b in held[n + 1:])
    sums: dict[tuple[int, int], float] = {}  # pairs sharing something; all others are 0
    for a, b in sorted(candidates):
        if _compatible(figures[a], figures[b]):
            score = _shared(figures[a], figures[b], weights)
            if score > 0:
                sums[(a, b)] = score
    # Best pair first, from a heap; an entry is stale once either group has changed.
    version = dict.fromkeys(members, 0)
    heap = [(-total, a, b, 0, 0) for (a, b), total in sums.items() if total >= LINK_THRESHOLD]
    heapq.heapify(heap)
    while heap:
        negative, keep, gone, version_keep, version_gone = heapq.heappop(heap)
        if (keep not in members or gone not in members or version[keep] != version_keep
                or version[gone] != version_gone):
            continue
        if not all(_compatible(figures[x], figures[y])
                   for x in members[keep] for y in members[gone]):
            continue  # asked again if either group changes
        members[keep] = sorted(members[keep] + members.pop(gone))
        version[keep] += 1
        sums.pop((keep, gone), None)
        for other in list(members):
            if other == keep:
                continue
            pair_keep, pair_gone = _pair(other, keep), _pair(other, gone)
            total = sums.pop(pair_keep, 0.0) + sums.pop(pair_gone, 0.0)
            if total > 0:
                sums[pair_keep] = total
                average = total / (len(members[keep]) * len(members[other]))
                if average >= LINK_THRESHOLD:
                    a, b = pair_keep
                    heapq.heappush(heap, (-average, a, b, version[a], version[b]))
    return [[indexes[i] for i in group] for group in members.values()]


def _pair(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def _telling_figure(written: str) -> bool:
    """A figure given beside another tells of the event unless it is round: two sentences
    that both mention 100 of something need not be about one event; both giving 13 are."""
    digits = written.replace(",", "")
    return not (digits.isdigit() and int(digits) % 10 == 0)


#: What a feature shared only through a sentence before counts for: the event it names is
#: often, not always, the one the figure is about.
NEARBY_WEIGHT = 0.5


def _weights(figures: Sequence[Figure], terms: TermCounts | None) -> dict[str, float]:
    """Each feature's weight, log(1 + N / df): N paragraphs of the corpus and df those that
    hold it, or (without ``terms``) N figures and df those whose sentences have it."""
    features: set[str] = set()
    for figure in figures:
        features |= figure.around
    if terms is not None:
        total = max(terms.paragraphs, 1)
        return {f: math.log(1 + total / max(terms.counts.get(f, 0), 1)) for f in features}
    counts: Counter[str] = Counter()
    for figure in figures:
        counts.update(figure.around)
    return {f: math.log(1 + len(figures) / df) for f, df in counts.items()}


def _shared(a: Figure, b: Figure, weights: dict[str, float]) -> float:
    """How much the two figures' events share: features both sentences have count fully,
    those one has only in the sentence before count NEARBY_WEIGHT. Nothing unless the two
    sentences themselves share a name, a date or another figure: common words alone ("the
    attack that killed") do not make one event."""
    both = a.features & b.features
    if not both & (a.anchors | b.anchors):
        return 0.0
    return (sum(weights[f] for f in both)
            + NEARBY_WEIGHT * sum(weights[f] for f in (a.around & b.around) - both))


def _compatible(a: Figure, b: Figure) -> bool:
    """Nothing says ``a`` and ``b`` are different things or events."""
    if a.reading.measure != b.reading.measure:
        return False
    if a.source_id == b.source_id and (a.low, a.high) != (b.low, b.high):
        return False
    qa, qb = a.qualifier_names, b.qualifier_names
    if qa and qb and not qa & qb:
        return False
    return _dates_agree(a.reading.dates, b.reading.dates)


def _dates_agree(a: Iterable[str], b: Iterable[str]) -> bool:
    """True when either names no date, or some date of each could be the same month."""
    a, b = list(a), list(b)
    if not a or not b:
        return True
    return any(_same_time(x, y) for x in a for y in b)


def _same_time(x: str, y: str) -> bool:
    year_x, _, month_x = x.partition("-")
    year_y, _, month_y = y.partition("-")
    return ((not year_x or not year_y or year_x == year_y)
            and (not month_x or not month_y or month_x == month_y))


def sentence_terms(sentence: str, figures: Iterable[str], published: str = "") -> set[str]:
    """The features a sentence holds, as Figure.features names them: for TermCounts."""
    names, words = _event_words(sentence, 0, 0)
    dates, _ = _dates(sentence, published)
    return ({f"t:{t}" for t in (*names, *words)} | {f"d:{d}" for d in dates
                                                    if not d.startswith("-")}
            | {f"f:{f}" for f in figures if _telling_figure(f)})


def group_label(readings: Sequence[Reading]) -> str:
    """A group's label: "people killed in Place, Month Year", from what its figures share."""
    measure = readings[0].measure
    qualifiers = Counter(q for r in readings for q in r.qualifiers)
    named = min(qualifiers, key=lambda q: (-qualifiers[q], q)) if qualifiers else ""
    places = Counter(r.place_written for r in readings if r.place_written)
    dates = Counter(r.date_written for r in readings if r.date_written)
    if named and measure.startswith("people") and any(r.noun == named.lower() for r in readings):
        measure = measure.removeprefix("people").strip()  # "180 Xians": "Xians killed"
    label = f"{named} {measure}".strip()
    if places:
        label += " " + min(places, key=lambda p: (-places[p], p))
    if dates:
        # The most specific date any figure gives ("March 2025" over "March"), then the commonest.
        label += ", " + min(dates, key=lambda d: (not re.search(r"\d", d) or " " not in d,
                                                  -dates[d], d))
    return label


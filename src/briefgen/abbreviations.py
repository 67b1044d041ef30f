"""Abbreviations in running text: where one is spelled out, and where it is used.

A definition is the pattern house styles ask for, "Islamic State Khorasan (IS-K)": an
expansion, then the abbreviation in brackets (or the other way round, "IS-K (Islamic State
Khorasan)"). It is found by matching the abbreviation's letters against the words before the
bracket (Schwartz and Hearst's algorithm, "A simple algorithm for identifying abbreviation
definitions in biomedical text", 2003), and, for an abbreviation of another language's words
("United Nations Multidimensional Integrated Stabilization Mission in Mali (MINUSMA)"), by
a run of capitalised words whose initials give most of its letters. Nothing here knows any
topic: it works on letters and capitals alone. No project imports.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

# A word that looks like an abbreviation: two or more capitals, mostly capitals, up to 12
# characters, hyphens and digits allowed inside ("IS-K", "ISKP", "G20", "UNSCR", "P5").
_TOKEN = r"[A-Z][A-Za-z0-9&]*(?:[-/][A-Za-z0-9&]+)*"
_WORD = re.compile(rf"(?<![\w@-]){_TOKEN}(?![\w-])")
_BRACKETED = re.compile(rf"\(\s*({_TOKEN})s?\s*[,;)]")
_LONG_IN_BRACKETS = re.compile(r"\(([^()]{3,200})\)")
# Words that join the capitalised words of a name ("Mission in Mali", "Ministry of the
# Interior"); lowercase, so a run of names can hold them.
_JOINING = {"a", "an", "and", "at", "de", "del", "des", "du", "for", "in", "la", "le", "of",
            "on", "pour", "the", "to", "y", "&"}
# What ends the clause an expansion may come from.
# Roman numerals ("Phase II") are not abbreviations.
_ROMAN = re.compile(r"^[IVXLCDM]+$")
_CLAUSE_BREAK = re.compile(r"[.;:!?()\[\]\"“”]|,\s")


def is_abbreviation(word: str) -> bool:
    """True when ``word`` looks like an abbreviation: mostly capital letters, two at least
    ("UN", "IS-K", "NGOs" as used for the plural), at most 12 characters."""
    core = word[:-1] if word.endswith("s") and len(word) > 2 and word[-2].isupper() else word
    letters = [c for c in core if c.isalpha()]
    capitals = sum(1 for c in letters if c.isupper())
    return (2 <= len(core) <= 12 and capitals >= 2 and capitals * 3 >= len(letters) * 2
            and not _ROMAN.match(core))


def base_form(word: str) -> str:
    """The abbreviation a used word stands for: "NGOs" -> "NGO" (a plural's s dropped)."""
    if word.endswith("s") and len(word) > 2 and word[-2].isupper():
        return word[:-1]
    return word


@dataclass(frozen=True)
class Definition:
    """An abbreviation spelled out in the text: ``term`` ("IS-K"), ``expansion`` ("Islamic
    State Khorasan"), and the offset of the term in the text."""

    term: str
    expansion: str
    start: int


@dataclass(frozen=True)
class Use:
    """An abbreviation as it stands in the text (plural folded), at offset ``start``."""

    term: str
    start: int


def _letters(term: str) -> str:
    return "".join(c for c in term if c.isalnum())


def schwartz_hearst(term: str, before: str) -> str | None:
    """The shortest end of ``before`` that spells ``term`` out: each of its letters found in
    order from the right, the first at the start of a word; None when there is none."""
    short = _letters(term).lower()
    if not short or not short[0].isalpha():
        return None
    s, i = len(short) - 1, len(before) - 1
    while s >= 0:
        wanted = short[s]
        while i >= 0 and (before[i].lower() != wanted
                          or (s == 0 and ((i > 0 and before[i - 1].isalnum())
                                          or _joining_word_at(before, i)))):
            i -= 1
        if i < 0:
            return None
        i -= 1
        s -= 1
    long_form = before[i + 1:].strip()
    words = long_form.split()
    # Not an expansion when its letters come from one word of itself ("Nations (NA)"), nor
    # when most of them stand inside words ("... heads MINUSMA good offices (SRSG)").
    if len(words) < 2 or len(words) > len(short) + 5 or _initials_share(term, long_form) < 0.75:
        return None
    return long_form


def _initials_share(term: str, long_form: str) -> float:
    """The share of ``term``'s letters that are initials of ``long_form``'s words (each
    initial counted once; words split at spaces and hyphens)."""
    initials = [w[0].lower() for w in re.split(r"[\s-]+", long_form) if w]
    letters = [c.lower() for c in _letters(term) if c.isalpha()]
    matched = 0
    for c in letters:
        if c in initials:
            initials.remove(c)
            matched += 1
    return matched / len(letters) if letters else 0.0


def _joining_word_at(text: str, i: int) -> bool:
    """True when a joining word ("of", "the") starts at ``text[i]``: an expansion does not
    start with one ("Organization of American States (OAS)", not "of American States")."""
    match = re.match(r"[\w&]+", text[i:])
    return match is not None and match.group(0) in _JOINING


def capitalised_run(term: str, before: str) -> str | None:
    """The capitalised words (with joining words such as "of", "in") just before a bracket,
    when their initials hold most of ``term``'s letters in order: an expansion in another
    language's word order or with words left out of the abbreviation."""
    words = before.split()
    run: list[str] = []
    for word in reversed(words):
        bare = word.strip("’'")
        if bare[:1].isupper() and not is_abbreviation(bare):
            run.insert(0, word)
        elif bare.lower() in _JOINING and run:
            run.insert(0, word)
        else:
            break
    while run and run[0].lower() in _JOINING:
        run.pop(0)
    letters = [c for c in _letters(term).upper() if c.isalpha()]
    # Leading words whose initial the abbreviation lacks (a sentence's first word) go.
    while run and run[0][0].upper() not in letters:
        run.pop(0)
    capitalised = [w for w in run if w.lower() not in _JOINING]
    if len(capitalised) < 2 or not letters:
        return None
    if _initials_share(term, " ".join(capitalised)) < 0.7:
        return None
    return " ".join(run)


def definitions(text: str) -> list[Definition]:
    """Every abbreviation ``text`` spells out, in order of where it stands."""
    found: list[Definition] = []
    for match in _BRACKETED.finditer(text):
        term = match.group(1)
        if not is_abbreviation(term):
            continue
        clause_start = 0
        for brk in _CLAUSE_BREAK.finditer(text, 0, match.start()):
            clause_start = brk.end()
        before = text[clause_start:match.start()]
        expansion = schwartz_hearst(term, before) or capitalised_run(term, before)
        if expansion:
            found.append(Definition(base_form(term), expansion.strip(" ,"), match.start(1)))
    # "IS-K (Islamic State Khorasan)": the abbreviation first, its expansion in brackets.
    for match in _LONG_IN_BRACKETS.finditer(text):
        inside = match.group(1).strip()
        word_match = re.search(rf"(?<![\w@-])({_TOKEN})\s*$", text[:match.start()])
        if word_match is None or not is_abbreviation(word_match.group(1)):
            continue
        term = base_form(word_match.group(1))
        if len(inside.split()) >= 2 and schwartz_hearst(term, inside) == inside:
            found.append(Definition(term, inside, word_match.start(1)))
    return sorted(found, key=lambda d: d.start)


def uses(text: str) -> list[Use]:
    """Every abbreviation-like word of ``text``, in order."""
    return [Use(base_form(m.group(0)), m.start()) for m in _WORD.finditer(text)
            if is_abbreviation(m.group(0))]


def masked(text: str) -> str:
    """``text`` with what is not prose blanked out, offsets kept: citations ([@id, para 4]),
    link targets (](https://...)) and inline code."""
    def blank(m: re.Match[str]) -> str:
        return " " * len(m.group(0))

    text = re.sub(r"\[[^\[\]]*@[^\[\]]*\]", blank, text)
    text = re.sub(r"\]\([^()\s]*\)", lambda m: "]" + " " * (len(m.group(0)) - 1), text)
    return re.sub(r"`[^`]*`", blank, text)


@dataclass(frozen=True)
class FirstUse:
    """What a reader meets first of one abbreviation: where it is first used and where (if
    anywhere) it is spelled out, each as (text index, offset), texts in reading order."""

    term: str
    used: tuple[int, int]
    defined: tuple[int, int] | None


def first_uses(texts: Iterable[str]) -> list[FirstUse]:
    """For each abbreviation used in ``texts`` (in reading order), where it is first used and
    where it is first spelled out; a definition's own bracketed term is not a use."""
    used: dict[str, tuple[int, int]] = {}
    defined: dict[str, tuple[int, int]] = {}
    for n, raw in enumerate(texts):
        text = masked(raw)
        own: set[int] = set()
        for d in definitions(text):
            defined.setdefault(d.term, (n, d.start))
            own.add(d.start)
        for use in uses(text):
            if use.start in own:
                continue
            used.setdefault(use.term, (n, use.start))
    return [FirstUse(term, where, defined.get(term)) for term, where in used.items()]

"""ICD 203's estimative language as data: the seven likelihood terms, their ranges, confidence.

Intelligence Community Directive 203 (Analytic Standards, 2015) fixes seven expressions of
likelihood, each with a paired synonym and a range of probability, and keeps confidence (how
good the information and reasoning behind a judgement are) apart from likelihood. The table
below is that directive's, and the rest of briefgen reads it: the spec accepts the terms
and their pairs, assembly prints them and explains them in the Estimative language note, and
the checks look for them in sentences. Nothing of the project is imported here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Likelihood:
    """One of ICD 203's likelihood expressions: its ``term`` ("likely"), the synonym the
    directive pairs with it (``pair``, "probable"), other spellings analysts write for the
    same expression (``variants``: adverbs, "probably"), and its range in percent."""

    term: str
    pair: str
    variants: tuple[str, ...]
    low: int
    high: int

    @property
    def names(self) -> tuple[str, ...]:
        """Every way a spec may name this expression, the term first."""
        return (self.term, self.pair, *self.variants)

    @property
    def range_text(self) -> str:
        """The range as ICD 203 prints it: "55–80%"."""
        return f"{self.low:02d}–{self.high:02d}%"


# ICD 203, section D.6.e(2)(a): the terms in order of likelihood, with their ranges.
LIKELIHOODS: tuple[Likelihood, ...] = (
    Likelihood("almost no chance", "remote", (), 1, 5),
    Likelihood("very unlikely", "highly improbable", (), 5, 20),
    Likelihood("unlikely", "improbable", ("improbably",), 20, 45),
    Likelihood("roughly even chance", "roughly even odds", (), 45, 55),
    Likelihood("likely", "probable", ("probably",), 55, 80),
    Likelihood("very likely", "highly probable", (), 80, 95),
    Likelihood("almost certain", "nearly certain", ("almost certainly", "nearly certainly"),
               95, 99),
)

# The confidence levels a judgement may state; what each means is in the model's labels,
# the words the brief prints.
CONFIDENCE_LEVELS: tuple[str, ...] = ("low", "moderate", "high")

# Words that hedge without saying how likely: ICD 203 asks for its terms instead.
VAGUE_WORDS: tuple[str, ...] = ("might", "possibly", "perhaps", "could", "may", "maybe",
                                "conceivably")

_BY_NAME = {name: entry for entry in LIKELIHOODS for name in entry.names}


def _normal(text: str) -> str:
    return " ".join(text.lower().replace("-", " ").split())


def likelihood_of(written: str) -> Likelihood | None:
    """The expression ``written`` names (any case, any spacing), or None."""
    return _BY_NAME.get(_normal(written))


def likelihood_problem(written: str) -> str | None:
    """What is wrong with ``written`` as a likelihood (a spec check), or None."""
    if likelihood_of(written) is not None:
        return None
    from difflib import get_close_matches

    names = list(_BY_NAME)
    close = get_close_matches(_normal(written), names, n=1, cutoff=0.6)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    return (f"expected one of ICD 203's likelihood terms: "
            f"{', '.join(f'{e.term} ({e.pair})' for e in LIKELIHOODS)} but received "
            f"{written!r}{hint}")


# ---------------------------------------------------------------- finding them in text

# Longest first, so "very likely" is found as itself and not as "likely".
_TERM_WORDS = sorted((n for n in _BY_NAME), key=len, reverse=True)
_LIKELIHOOD_RE = re.compile(
    r"\b(?:" + "|".join(re.escape(n).replace(r"\ ", r"[\s-]+") for n in _TERM_WORDS) + r")\b",
    re.IGNORECASE)
_LEVELS = "|".join(CONFIDENCE_LEVELS)
# "high confidence", "moderate-confidence", "with low confidence", "confidence is high",
# "our confidence in this is moderate": a level said of confidence, in either order.
_CONFIDENCE_RE = re.compile(
    rf"\b(?:(?:{_LEVELS})[\s-]+confidence|confidence\b[^.;:!?]{{0,30}}?\b(?:is|was|remains|"
    rf"as)\s+(?:{_LEVELS}))\b", re.IGNORECASE)
_VAGUE_RE = re.compile(r"\b(?:" + "|".join(VAGUE_WORDS) + r")\b", re.IGNORECASE)
# A sentence ends at . ! or ? followed by space, or at a blank line.
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’)\]]*\s+|\n\s*\n")
# "May" the month ("in May 2024", "May 12") is not a hedge.
_MONTH_MAY = re.compile(r"May(?=\s+\d)|(?<=\d\s)May\b")


@dataclass(frozen=True)
class Found:
    """A stretch of text a check is about: its offset in the text and what it says."""

    start: int
    text: str


def sentences(text: str) -> list[Found]:
    """The sentences of ``text`` with their offsets (a rough cut: ". " ends a sentence)."""
    out: list[Found] = []
    start = 0
    for end in _SENTENCE_END.finditer(text):
        if text[start:end.start()].strip():
            out.append(Found(start, text[start:end.start()]))
        start = end.end()
    if text[start:].strip():
        out.append(Found(start, text[start:]))
    return out


def likelihood_and_confidence(text: str) -> list[tuple[Found, str, str]]:
    """Each sentence of ``text`` that states both a likelihood term and a confidence level,
    with the two as written: ICD 203 keeps them apart."""
    out = []
    for sentence in sentences(text):
        term = _LIKELIHOOD_RE.search(sentence.text)
        level = _CONFIDENCE_RE.search(sentence.text)
        if term and level:
            out.append((sentence, term.group(0), level.group(0)))
    return out


def vague_words(text: str) -> list[Found]:
    """Each hedging word of ``text`` ("might", "possibly", ...) that says no likelihood."""
    months = {m.start() for m in _MONTH_MAY.finditer(text)}
    return [Found(m.start(), m.group(0)) for m in _VAGUE_RE.finditer(text)
            if m.start() not in months]

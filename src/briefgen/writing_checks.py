"""Warnings about how a brief is written: estimative language (ICD 203) and abbreviations.

Each is a Problem at the place in the spec a reader would change: the line of the sentence
in a block of Markdown, the key of a judgement. They are warnings (a brief may have reasons),
which `--fail-on-warning` makes errors, like every other warning.
"""

from __future__ import annotations

import re
from collections.abc import Collection

from briefgen.abbreviations import first_uses, masked
from briefgen.errors import Problem
from briefgen.estimative import likelihood_and_confidence, vague_words
from briefgen.glossaries import prose_fields
from briefgen.markup.citekeys import parse_clusters
from briefgen.spec.loader import line_in_text, markdown_fields
from briefgen.spec.schema import BriefSpec
from briefgen.spec.yamlsource import LocatedYaml


def _at(located: LocatedYaml, key: str, text: str, offset: int, message: str) -> Problem:
    return Problem(located.file, line_in_text(text, offset, located.line(key)), key, message)


def estimative_warnings(spec: BriefSpec, located: LocatedYaml) -> list[Problem]:
    """A sentence anywhere in the prose that states both a likelihood and a confidence; a
    hedging word in a key judgement; a key judgement that names no evidence and cites none."""
    problems: list[Problem] = []
    for key, text in markdown_fields(spec):
        for sentence, term, level in likelihood_and_confidence(masked(text)):
            problems.append(_at(
                located, key, text, sentence.start,
                f"the sentence \"{_short(sentence.text)}\" states both a likelihood "
                f"({term!r}) and a confidence ({level!r}); ICD 203 keeps them apart: give the "
                "likelihood in the sentence and the confidence in one of its own (or in a "
                "key judgement's likelihood: and confidence:)"))
    for judgement in spec.key_judgements:
        key = f"{judgement.key}.judgement"
        for word in vague_words(masked(judgement.judgement)):
            problems.append(_at(
                located, key, judgement.judgement, word.start,
                f"{word.text!r} hedges without saying how likely; the judgement's "
                f"likelihood: ({judgement.likelihood!r}) says that, so state the judgement "
                "plainly"))
        cites = any(c.keys for c in parse_clusters(judgement.judgement))
        if not judgement.evidence and not cites:
            problems.append(Problem(
                located.file, located.line(judgement.key), judgement.key,
                "this key judgement names no evidence; add evidence: [excerpt or source ids] "
                "or cite a source in it ([@source-id])"))
    return problems


def abbreviation_warnings(spec: BriefSpec, located: LocatedYaml,
                          known: Collection[str]) -> list[Problem]:
    """An abbreviation used before the text spells it out, or never spelled out (neither in
    the text nor in the spec's abbreviations: list); ``known`` (the template's
    common_abbreviations) are exempt."""
    fields = prose_fields(spec)
    listed = {a.term for a in spec.abbreviations}
    exempt = {k.casefold() for k in known}
    problems: list[Problem] = []
    for first in first_uses(text for _key, text in fields):
        if first.term.casefold() in exempt:
            continue
        key, text = fields[first.used[0]]
        if first.defined is None:
            if first.term in listed:
                continue  # explained in the Abbreviations section, as the spec asks
            problems.append(_at(
                located, key, text, first.used[1],
                f"the abbreviation {first.term!r} is never spelled out; write it out at its "
                f"first use, as 'Full Name ({first.term})', or add it to abbreviations:"))
        elif first.defined < first.used:
            continue
        else:
            def_key, def_text = fields[first.defined[0]]
            def_line = line_in_text(def_text, first.defined[1], located.line(def_key))
            problems.append(_at(
                located, key, text, first.used[1],
                f"the abbreviation {first.term!r} is used before it is spelled out (at "
                f"line {def_line}, {def_key}); spell it out here, at its first use"))
    return problems


def _short(text: str, limit: int = 70) -> str:
    # Masked citations leave spaces before the punctuation that followed them.
    text = re.sub(r"\s+([.,;:!?])", r"\1", " ".join(text.split()))
    return text if len(text) <= limit else text[: limit - 3] + "..."

"""Citation locators checked against their sources: a label briefgen knows, a place that exists.

``[@id, para 4]`` is printed as "para. 4" whatever the source holds, so a build would print a
paragraph past a source's end, or a page of a source that has none, without a word. `check`
refuses them here, at the line of the citation; the build runs the same check first, so
citation formatting never meets a locator it would refuse.
"""

from __future__ import annotations

import re

from briefgen.citations.csl import parse_locator
from briefgen.corpus.catalog import SourceCatalog
from briefgen.errors import Problem, SpecError
from briefgen.markup.citekeys import parse_clusters
from briefgen.spec.loader import line_in_text, markdown_fields
from briefgen.spec.schema import BriefSpec
from briefgen.spec.yamlsource import LocatedYaml

# What a place of each kind is called in messages: singular, plural.
_PLACE_NAMES = {"paragraph": ("paragraph", "paragraphs"), "page": ("page", "pages")}
# "4", "3-5", "3–5", "1, 3", "1 and 3", "1 & 3-5": numbers and ranges, as people list them.
_RANGE = re.compile(r"^(\d+)(?:\s*[-\u2013]\s*(\d+))?$")
_LIST_SEPARATOR = re.compile(r"\s*(?:,|&|\band\b)\s*")


def check_locators(spec: BriefSpec, located: LocatedYaml, catalog: SourceCatalog) -> list[Problem]:
    """A located Problem for every citation locator in the spec's Markdown that cannot be
    printed or names a place its source does not have. Citations of unknown sources are left
    to ``check_references``."""
    problems: list[Problem] = []
    for key, text in markdown_fields(spec):
        key_line = located.line(key)
        for cluster in parse_clusters(text):
            for cite in cluster.keys:
                if not cite.locator or cite.source_id not in catalog:
                    continue
                message = locator_problem(cite.source_id, cite.locator,
                                          catalog.places(cite.source_id))
                if message:
                    problems.append(Problem(
                        located.file, line_in_text(text, cluster.start, key_line), key,
                        f"citation [@{cite.source_id}, {cite.locator}]: {message}"))
    return problems


def locator_problem(source_id: str, locator: str, places: dict[str, int] | None) -> str:
    """What is wrong with citing ``locator`` in ``source_id``, or "" if nothing is.

    ``places`` is the source's kinds of place and how many of each
    (``SourceCatalog.places``); None takes any well-formed locator on trust.
    """
    try:
        label, value = parse_locator(locator)
    except SpecError as exc:
        return str(exc)
    if places is None or not label:
        return ""
    if label not in places:
        kinds = " and ".join(f"{_plural(k)} (1 to {n})" for k, n in places.items())
        message = f"source {source_id!r} has no {_plural(label)}, only {kinds or 'no places'}"
        if "paragraph" in places:
            message += f"; cite a paragraph as [@{source_id}, para N]"
        if label == "page" and re.match(r"\s*\d", locator):
            message += " (a number without a label is a page)"
        return message
    return _numbers_problem(source_id, label, value, places[label])


def _numbers_problem(source_id: str, label: str, value: str, count: int) -> str:
    singular, plural = _PLACE_NAMES.get(label, (label, label + "s"))
    if count == 0:
        return f"source {source_id!r} has no {plural}"
    for part in _LIST_SEPARATOR.split(value.strip()):
        match = _RANGE.match(part)
        if not match:
            return (f"expected {singular} numbers from 1 to {count} (4, 3-5 or 1, 3) "
                    f"but received {value!r}")
        first = int(match.group(1))
        last = int(match.group(2)) if match.group(2) else first
        if first < 1:
            return f"{plural} are numbered from 1; there is no {singular} 0"
        if last < first:
            return f"the range {part!r} runs backwards; write the lower number first"
        if last > count:
            return (f"source {source_id!r} has {count} {plural if count != 1 else singular}; "
                    f"{singular} {last} is past its end")
    return ""


def _plural(label: str) -> str:
    return _PLACE_NAMES.get(label, (label, label + "s"))[1]

"""Citation locators checked against their sources: a label briefgen knows, a place that exists.

``[@id, para 4]`` is printed as "para. 4" whatever the source holds, so a build would print a
paragraph past a source's end, or a page of a source that has none, without a word. `check`
refuses them here, at the line of the citation; the build runs the same check first, so
citation formatting never meets a locator it would refuse.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from briefgen.citations.csl import parse_locator
from briefgen.corpus.catalog import SourceCatalog
from briefgen.corpus.text import page_locator
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
                                          catalog.places(cite.source_id),
                                          catalog.page_labels(cite.source_id))
                if message:
                    problems.append(Problem(
                        located.file, line_in_text(text, cluster.start, key_line), key,
                        f"citation [@{cite.source_id}, {cite.locator}]: {message}"))
    return problems


def locator_problem(source_id: str, locator: str, places: dict[str, int] | None,
                    page_labels: Sequence[str] = ()) -> str:
    """What is wrong with citing ``locator`` in ``source_id``, or "" if nothing is.

    ``places`` is the source's kinds of place and how many of each
    (``SourceCatalog.places``); None takes any well-formed locator on trust. ``page_labels``
    are a paginated source's pages as printed ("i", "ii", "1"): a page locator names those.
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
    if label == "page" and page_labels:
        return _pages_problem(source_id, value, page_labels)[0]
    return _numbers_problem(source_id, label, value, places[label])


def quoted_pages_problem(locator: str, pages: Sequence[str], page_labels: Sequence[str]) -> str:
    """What is wrong with the page ``locator`` a writer typed after a quotation found on
    ``pages`` (first to last) of a source printed with ``page_labels``; "" when it names
    them all, or is not a page locator, or the source has no pages."""
    try:
        label, value = parse_locator(locator)
    except SpecError:
        return ""  # check_locators says what is wrong with it
    if label != "page" or not pages or not page_labels:
        return ""
    problem, cited = _pages_problem("", value, page_labels)
    if problem:
        return ""  # check_locators reports it
    if all(page in cited for page in pages):
        return ""
    return (f"the quotation is on {page_locator(pages)} of its source, not {locator}; cite it "
            f"as {page_locator(pages)}")


def _pages_problem(source_id: str, value: str, labels: Sequence[str]) -> tuple[str, set[str]]:
    """What is wrong with a page locator's value in a source whose pages are printed as
    ``labels`` ("" if nothing), and the labels it names."""
    index = {}
    for position, label in enumerate(labels):
        index.setdefault(label.lower(), position)
    shown = (", ".join(labels) if len(labels) <= 12 else
             f"{', '.join(labels[:6])}, ..., {', '.join(labels[-3:])}")
    cited: set[str] = set()
    for part in _LIST_SEPARATOR.split(value.strip()):
        ends = [part] if part.lower() in index else re.split(r"\s*[-\u2013]\s*", part, maxsplit=1)
        positions = [index.get(end.lower()) for end in ends]
        missing = [end for end, at in zip(ends, positions, strict=True) if at is None]
        if missing:
            return (f"source {source_id!r} has no page {missing[0]!r}; its pages are printed "
                    f"{shown}" if source_id else "no such page", cited)
        first, last = positions[0], positions[-1]
        assert first is not None and last is not None
        if last < first:
            return f"the range {part!r} runs backwards; write the earlier page first", cited
        cited.update(labels[first:last + 1])
    return "", cited


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

"""Cross-references to figures, tables, recommendations: the targets, and what check refuses.

``[@fig:ID]``, ``[@tbl:ID]`` and ``[@rec:ID]`` name a chart, table or recommendation by its
``id:``; the brief prints the target's label and number ("Figure 2"). The targets are listed
here once, in the order assembly numbers them, so the number a reference prints and the
number on the caption cannot differ. `check` refuses, at the line of the reference, an id no
target has, and the shapes a reference cannot take; the build runs the same check first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from briefgen.errors import Problem
from briefgen.markup.citekeys import CROSS_REFERENCE_KINDS, parse_clusters
from briefgen.spec.loader import line_in_text, markdown_fields
from briefgen.spec.options import suggest
from briefgen.spec.schema import BriefSpec
from briefgen.spec.yamlsource import LocatedYaml

# What a reference can name after its prefix: the key grammar of a citation without the
# colon, starting with a letter, so that no id makes the anchor a block without one has
# ("fig-3" is the third figure's).
_ID = re.compile(r"^[^\W\d_](?:[\w./-]*\w)?$")
# The anchor prefixes the model gives each kind of block (Figure.anchor "fig-...", ...).
_ANCHOR_PREFIX = {"figure": "fig", "table": "tab", "recommendation": "rec"}
# How many of a kind's ids a message lists before it says how many more there are.
_LISTED_IDS = 8
# How messages name the spec item behind each kind.
_ITEM = {"figure": "chart", "table": "table", "recommendation": "recommendation"}


@dataclass(frozen=True)
class Target:
    """A block a cross-reference can name: ``kind`` ("figure", "table", "recommendation"),
    the spec's ``id`` ("" for none), its ``number`` in the brief, the ``key`` path of the spec
    item, and the model's ``anchor`` for the block."""

    kind: str
    id: str
    number: int
    key: str

    @property
    def anchor(self) -> str:
        return block_anchor(self.kind, self.id, self.number)

    @property
    def written(self) -> str:
        """How a reference names it: "fig:casualties"."""
        prefix = next(p for p, kind in CROSS_REFERENCE_KINDS.items() if kind == self.kind)
        return f"{prefix}:{self.id}"


def block_anchor(kind: str, block_id: str, number: int) -> str:
    """The model's anchor for a figure, table or recommendation: from its id when it has one
    ("fig-casualties"), else from its number ("fig-2")."""
    return f"{_ANCHOR_PREFIX[kind]}-{block_id or number}"


def targets(spec: BriefSpec) -> list[Target]:
    """Every chart, table and recommendation of ``spec``, numbered as the brief numbers them:
    figures and tables in the order of the sections, recommendations in theirs."""
    found = [Target("figure", c.id, n, c.key) for n, c in enumerate(spec.charts(), start=1)]
    found += [Target("table", t.id, n, t.key) for n, t in enumerate(spec.tables(), start=1)]
    found += [Target("recommendation", r.id, n, r.key)
              for n, r in enumerate(spec.recommendations, start=1)]
    return found


def targets_by_reference(spec: BriefSpec) -> dict[tuple[str, str], Target]:
    """The targets that have an id, by (kind, id): what a CrossReferenceKey resolves to (the
    first, should an id be used twice in a kind: check refuses that)."""
    by_reference: dict[tuple[str, str], Target] = {}
    for target in targets(spec):
        if target.id:
            by_reference.setdefault((target.kind, target.id), target)
    return by_reference


def reference_fields(spec: BriefSpec) -> list[tuple[str, str]]:
    """(key path, text) of every field a cross-reference may stand in: the Markdown fields
    and the captions of charts and tables (plain text otherwise)."""
    fields = markdown_fields(spec)
    fields += [(f"{c.key}.caption", c.caption) for c in spec.charts()]
    fields += [(f"{t.key}.caption", t.caption) for t in spec.tables()]
    return fields


def check_cross_references(spec: BriefSpec, located: LocatedYaml) -> list[Problem]:
    """A located Problem for every id a target cannot have (a shape a reference cannot write,
    one used twice in its kind) and every reference that names no target or is written in a
    form that cannot be printed."""
    problems = _id_problems(spec, located)
    # An id refused above is no target: nothing could name it, so nothing is suggested.
    known = {t.written: t for t in targets_by_reference(spec).values() if _ID.match(t.id)}
    for key, text in reference_fields(spec):
        if "@" not in text:
            continue
        key_line = located.line(key)
        for cluster in parse_clusters(text):
            if not cluster.refs:
                continue
            line = line_in_text(text, cluster.start, key_line)
            written = text[cluster.start:cluster.end]
            if cluster.keys:
                problems.append(Problem(
                    located.file, line, key,
                    f"{written}: a cross-reference and a citation in one pair of brackets; "
                    "write them apart, e.g. [@fig:ID] [@source-id]"))
            for ref in cluster.refs:
                message = _reference_problem(ref.written, ref.locator, ref.suppressed, known)
                if message:
                    problems.append(Problem(located.file, line, key,
                                            f"cross-reference [@{ref.written}]: {message}"))
    return problems


def _reference_problem(written: str, locator: str, suppressed: bool,
                       known: dict[str, Target]) -> str:
    if written not in known:
        kind, _, wanted = written.partition(":")
        noun = CROSS_REFERENCE_KINDS[kind]
        ids = [repr(t.id) for t in known.values() if t.written.startswith(f"{kind}:")]
        if len(ids) > _LISTED_IDS:
            ids[_LISTED_IDS:] = [f"{len(ids) - _LISTED_IDS} more"]
        have = (f"the {noun} ids are {', '.join(ids)}" if ids else
                f"no {_ITEM[noun]} of this brief has an id: give the one you mean `id: {wanted}`")
        return f"no {noun} has the id {wanted!r} ({have}){suggest(written, list(known))}"
    if locator:
        return f"a {known[written].kind} has no places to cite; write [@{written}] alone"
    if suppressed:
        return f"the number alone is not supported; write [@{written}]"
    return ""


def _id_problems(spec: BriefSpec, located: LocatedYaml) -> list[Problem]:
    problems: list[Problem] = []
    first: dict[tuple[str, str], str] = {}
    for target in targets(spec):
        if not target.id:
            continue
        where = f"{target.key}.id"
        if not _ID.match(target.id):
            problems.append(Problem(
                located.file, located.line(where), where,
                f"expected a letter, then letters, digits and - _ . / (like 'casualties-2021'), so "
                f"that [@{target.written}] can name it, but received {target.id!r}"))
        elif (target.kind, target.id) in first:
            problems.append(Problem(
                located.file, located.line(where), where,
                f"{_ITEM[target.kind]} id {target.id!r} is used twice (first at "
                f"{first[(target.kind, target.id)]})"))
        else:
            first[(target.kind, target.id)] = target.key
    return problems

"""The brief spec: typed objects for the input, and the one declaration that validates it.

Every typed object records ``key``, its key path in the spec, so that later stages (quote
verification, chart drawing) can point at the place in the file that is wrong.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from briefgen.charts.data import CHART_KINDS
from briefgen.citations.styles import STYLES
from briefgen.estimative import CONFIDENCE_LEVELS, LIKELIHOODS, likelihood_problem
from briefgen.spec import options as o

# The kinds the chart stage draws and the styles the formatter knows, so whatever the spec may
# name is always one a build can use.
CITATION_STYLES = tuple(STYLES)
SCHEMA_URL = "https://briefgen.example/schema/brief.schema.json"
# What the PDF is held to, as `pdf_standard:` names it: archival PDF/A-2a together with
# accessible PDF/UA-1 by default, or PDF/UA-1 alone (a PDF/A file may not change later, which
# a desk that stamps or signs its PDFs after the build cannot live with).
PDF_STANDARDS = {"a-2a+ua-1": ("a-2a", "ua-1"), "ua-1": ("ua-1",)}
DEFAULT_PDF_STANDARD = "a-2a+ua-1"


@dataclass(frozen=True)
class ExcerptSpec:
    """A quotation from a source. ``shown`` is False for data-only evidence (not printed)."""

    id: str
    source: str
    quote: str
    key: str
    shown: bool = True
    lang: str = ""
    marking: str = ""


@dataclass(frozen=True)
class ValueSpec:
    """One number in a chart and the excerpt it comes from ("" if none was named)."""

    value: float
    excerpt: str
    key: str


@dataclass(frozen=True)
class SeriesSpec:
    """A named series of a chart, one value per category."""

    name: str
    values: tuple[ValueSpec, ...]
    key: str


@dataclass(frozen=True)
class ChartSpec:
    """A chart as written in the spec: inline series, or a CSV ``data`` file beside the spec."""

    id: str
    kind: str
    title: str
    caption: str
    alt: str
    unit: str
    categories: tuple[str, ...]
    series: tuple[SeriesSpec, ...]
    data: str
    key: str
    marking: str = ""


@dataclass(frozen=True)
class RowSpec:
    """A table row: the Markdown text of its cells, and the excerpts its figures come from
    (empty: the table's). ``cells_key`` is the key path of its list of cells, which is the
    row's own ``key`` when the row is written as a plain list."""

    cells: tuple[str, ...]
    excerpts: tuple[str, ...]
    key: str
    cells_key: str

    def cell_key(self, column: int) -> str:
        return f"{self.cells_key}[{column}]"


@dataclass(frozen=True)
class TableSpec:
    """A table: column names, rows, and the excerpts its figures come from (a row may name
    its own instead)."""

    id: str
    caption: str
    columns: tuple[str, ...]
    align: tuple[str, ...]
    rows: tuple[RowSpec, ...]
    excerpts: tuple[str, ...]
    key: str
    marking: str = ""

    def excerpts_of(self, row: RowSpec) -> tuple[str, ...]:
        """The excerpts ``row``'s figures come from: its own when it names any, else the table's."""
        return row.excerpts or self.excerpts

    def named_excerpts(self) -> list[str]:
        """Every excerpt id the table and its rows name, once each, in the order of the rows
        that use them (the table's last when no row falls back to them)."""
        used = [n for row in self.rows for n in self.excerpts_of(row)]
        return list(dict.fromkeys([*used, *self.excerpts]))


@dataclass(frozen=True)
class SectionSpec:
    """A section: a heading, a Markdown body, then its excerpts, charts and tables."""

    heading: str
    body: str
    excerpts: tuple[ExcerptSpec, ...]
    charts: tuple[ChartSpec, ...]
    tables: tuple[TableSpec, ...]
    key: str
    marking: str = ""


@dataclass(frozen=True)
class RecommendationSpec:
    """A recommendation; ``evidence`` holds excerpt ids or source ids; ``id`` ("" for none)
    is what a cross-reference [@rec:ID] names it by."""

    title: str
    action: str
    lead: str
    timeframe: str
    indicator: str
    evidence: tuple[str, ...]
    key: str
    id: str = ""
    marking: str = ""


@dataclass(frozen=True)
class KeyJudgementSpec:
    """A key judgement: Markdown text, its likelihood as written (an ICD 203 term or its
    pair, any case: estimative.py says which), its confidence, and the excerpt or source ids
    behind it. A record of its own, so a field (a portion mark) can be added to it alone."""

    judgement: str
    likelihood: str
    confidence: str
    evidence: tuple[str, ...]
    key: str
    marking: str = ""


@dataclass(frozen=True)
class AbbreviationSpec:
    """An abbreviation the spec spells out itself, for the Abbreviations section (one the
    text defines, "Islamic State Khorasan (IS-K)", needs no entry)."""

    term: str
    expansion: str
    key: str


def evidence_named(name: str, excerpts_by_id: Mapping[str, ExcerptSpec]) -> ExcerptSpec | str:
    """What a recommendation's ``evidence:`` entry names: the excerpt with that id, else (a
    str) the source with that id. An excerpt id is looked up first, so an excerpt may share
    its source's id; whether a source of that id exists is the loader's check."""
    return excerpts_by_id.get(name, name)


@dataclass(frozen=True)
class MemoSpec:
    """The memo head's lines the rest of the spec does not give ("" where not given).

    The Subject line is the spec's ``subject`` and the Date line its ``date``: a memo's
    subject is the brief's subject, so it is declared once, at the top level.
    """

    to: str = ""
    sender: str = ""
    reference: str = ""


@dataclass(frozen=True)
class ClassificationSpec:
    """The classification scheme portions are marked in (classification.py reads its file),
    and the markings of portions that name none: ``default`` for any ("" for none: then each
    portion names its own), ``summary`` for the summary and key points ("": the default)."""

    scheme: str
    default: str
    summary: str
    key: str


@dataclass(frozen=True)
class BriefSpec:
    """A whole validated spec. ``path`` is the spec file; ``corpus`` the catalog it uses
    (None: the seeds/sources.yaml nearest above the spec)."""

    path: Path
    title: str
    subtitle: str
    date: str
    authors: tuple[str, ...]
    organisation: str
    marking: str
    template: str
    citation_style: str
    keywords: tuple[str, ...]
    subject: str
    lang: str
    corpus: str
    summary: str
    key_points: tuple[str, ...]
    evidence: tuple[ExcerptSpec, ...]
    sections: tuple[SectionSpec, ...]
    recommendations: tuple[RecommendationSpec, ...]
    evidence_annex: bool = False
    memo: MemoSpec = MemoSpec()
    classification: ClassificationSpec | None = None
    key_judgements: tuple[KeyJudgementSpec, ...] = ()
    abbreviations: tuple[AbbreviationSpec, ...] = ()
    pdf_standard: str = DEFAULT_PDF_STANDARD

    def excerpts(self) -> list[ExcerptSpec]:
        """Every excerpt, evidence first, then by section, in document order."""
        return [*self.evidence, *(e for s in self.sections for e in s.excerpts)]

    def excerpts_by_id(self) -> dict[str, ExcerptSpec]:
        """The excerpts that have an id, by id (the first, should an id be used twice: the
        loader refuses that)."""
        by_id: dict[str, ExcerptSpec] = {}
        for excerpt in self.excerpts():
            if excerpt.id:
                by_id.setdefault(excerpt.id, excerpt)
        return by_id

    def charts(self) -> list[ChartSpec]:
        return [c for s in self.sections for c in s.charts]

    def tables(self) -> list[TableSpec]:
        return [t for s in self.sections for t in s.tables]


# ------------------------------------------------------------------ builders
# Only where a typed object is more than its keys: a bare number for a value, a series'
# excerpt handed to its values, a row written as a plain list.


def _bare_value(value: float, key: str) -> ValueSpec:
    return ValueSpec(value=value, excerpt="", key=key)


def _series(v: dict[str, Any], key: str) -> SeriesSpec:
    values = tuple(replace(x, excerpt=x.excerpt or v["excerpt"]) for x in v["values"])
    return SeriesSpec(name=v["name"], values=values, key=key)


def _row_of_cells(cells: list[str], key: str) -> RowSpec:
    return RowSpec(cells=tuple(cells), excerpts=(), key=key, cells_key=key)


# ------------------------------------------------------------------ declarations

_ID_HELP = "An identifier other parts of the spec use to name this item."
# Charts, tables and recommendations are named by cross-references too ([@fig:ID]).
_BLOCK_ID_HELP = ("An identifier other parts of the spec use to name this item; a "
                  "cross-reference [@{prefix}:ID] in any Markdown text or caption prints its "
                  "number.")
_CAPTION_HELP = "Plain text; may refer to others with [@fig:ID], [@tbl:ID] or [@rec:ID]."

# A portion's marking, one of its scheme's marks; which scheme is the spec's classification:
# and the check is classification.py's (the schemes are data files, not known here). Any
# block a spec writes may take `"marking": MARKING`.
MARKING = o.Text(max_length=20, strip=True,
                 help="The portion marking (U, CUI, OS, NR, ...) in the scheme of "
                      "classification:, where it differs from the section's or the default.")


def _excerpt_option(shown: bool) -> o.Record:
    return o.Record(
        ExcerptSpec,
        {
            "id": o.Text(max_length=100, help=_ID_HELP),
            "source": o.Text(required=True, max_length=200, help="A source id from the catalog."),
            "quote": o.Text(
                required=True, max_length=5000,
                help="The exact words of the source; ... joins parts of one paragraph, "
                "[brackets] mark your own words.",
            ),
            "lang": o.Text(max_length=20, help="Language of the quote (BCP 47), e.g. ar."),
            # Only a printed quotation is a portion; evidence for numbers prints nothing.
            **({"marking": MARKING} if shown else {}),
        },
        fixed={"shown": shown},
        help="A quotation checked against its source." if shown else
        "A quotation used as evidence for charts, tables and recommendations; not printed.",
    )


# The most a chart may hold, written in the spec or read from its CSV (spec/loader.py): more
# bars than this is a table, and tens of thousands take minutes to draw.
MAX_CATEGORIES = 100
MAX_SERIES = 20
MAX_CHART_LABEL = 200  # a category or a series name

_VALUE = o.AnyOf(
    (lambda v: isinstance(v, dict), o.Record(ValueSpec, {
        "value": o.Number(required=True),
        "excerpt": o.Text(max_length=100, help="The excerpt id this number comes from."),
    })),
    (lambda v: True, o.Building(o.Number(), _bare_value)),
)

_SERIES = o.Mapping(
    {
        "name": o.Text(required=True, max_length=MAX_CHART_LABEL),
        "values": o.ListOf(_VALUE, required=True, min_items=1),
        "excerpt": o.Text(max_length=100, help="The excerpt every value of this series comes from."),
    },
    build=_series,
)

_CHART = o.Record(
    ChartSpec,
    {
        "id": o.Text(max_length=100, help=_BLOCK_ID_HELP.format(prefix="fig")),
        "kind": o.Choice(CHART_KINDS, required=True),
        "title": o.Text(max_length=300),
        "caption": o.Text(required=True, max_length=1000,
                          help=_CAPTION_HELP),
        "alt": o.Text(required=True, max_length=2000, help="Alt text: what the chart shows."),
        "unit": o.Text(max_length=100, help="What the values count, for the axis."),
        "categories": o.ListOf(o.Text(max_length=MAX_CHART_LABEL), max_items=MAX_CATEGORIES),
        "series": o.ListOf(_SERIES, max_items=MAX_SERIES),
        "data": o.Text(max_length=500, help="A CSV beside the spec: category, series, value, excerpt."),
        "marking": MARKING,
    },
)

def _cells(**kw: Any) -> o.ListOf:
    return o.ListOf(o.Text(max_length=2000, non_empty=False), max_items=20, **kw)


# A row is a plain list of cells, or a mapping when it names its own excerpts.
_ROW = o.AnyOf(
    (lambda v: isinstance(v, dict), o.Record(RowSpec, {
        "cells": _cells(required=True, help="Markdown, one per column."),
        "excerpts": o.ListOf(o.Text(max_length=100),
                             help="Excerpt ids this row's figures come from, instead of the "
                                  "table's."),
    }, paths={"key": "", "cells_key": ".cells"})),
    (lambda v: True, o.Building(_cells(), _row_of_cells)),
    help="A list of cells (Markdown, one per column), or {cells: [...], excerpts: [...]}.",
)

_TABLE = o.Record(
    TableSpec,
    {
        "id": o.Text(max_length=100, help=_BLOCK_ID_HELP.format(prefix="tbl")),
        "caption": o.Text(required=True, max_length=1000,
                          help=_CAPTION_HELP),
        "columns": o.ListOf(o.Text(max_length=200), required=True, min_items=1, max_items=20),
        "align": o.ListOf(o.Choice(("left", "right", "center")), max_items=20),
        "rows": o.ListOf(_ROW, required=True, min_items=1),
        "excerpts": o.ListOf(o.Text(max_length=100),
                             help="Excerpt ids the figures come from, for rows that name none."),
        "marking": MARKING,
    },
)

_MEMO = o.Record(
    MemoSpec,
    {
        "to": o.Text(max_length=500, help='Who the memo is for: "To:" in the memo head.'),
        "from": o.Text(max_length=500, help='Who sends it: "From:"; default the authors and '
                                            "the organisation."),
        "reference": o.Text(max_length=200, help='The file or reference number: "Reference:".'),
    },
    rename={"from": "sender"},
    paths={},
    default=MemoSpec(),
    help="The memo head's To, From and Reference lines (the memo template prints them; "
    "Subject is `subject`, Date is `date`).",
)

_SECTION = o.Record(
    SectionSpec,
    {
        "heading": o.Text(required=True, max_length=300),
        "body": o.Text(help="Markdown, with citations as [@source-id] or [@source-id, para 4], "
                            "and cross-references as [@fig:ID], [@tbl:ID] or [@rec:ID]."),
        "excerpts": o.ListOf(_excerpt_option(True)),
        "charts": o.ListOf(_CHART, max_items=20),
        "tables": o.ListOf(_TABLE, max_items=20),
        "marking": o.Text(max_length=20, strip=True,
                          help="The portion marking of the section's text, and of its "
                               "excerpts, charts and tables that give none."),
    },
)

_RECOMMENDATION = o.Record(
    RecommendationSpec,
    {
        "id": o.Text(max_length=100, help=_BLOCK_ID_HELP.format(prefix="rec")),
        "title": o.Text(required=True, max_length=300),
        "action": o.Text(required=True, max_length=5000, help="Markdown."),
        "lead": o.Text(max_length=300, help="Who leads."),
        "timeframe": o.Text(max_length=300),
        "indicator": o.Text(max_length=1000, help="How progress is measured; a target."),
        "evidence": o.ListOf(o.Text(max_length=100), help="Excerpt ids or source ids."),
        "marking": MARKING,
    },
)

_CLASSIFICATION = o.Record(
    ClassificationSpec,
    {
        "scheme": o.Text(required=True, max_length=100,
                         help="The classification scheme: us-cui, uk-gsc, nato, or one a "
                              "template or the project adds (docs/spec-format.md)."),
        "default": o.Text(max_length=20, strip=True,
                          help="The marking of every portion that gives none; without it, "
                               "every section and recommendation must give its own."),
        "summary": o.Text(max_length=20, strip=True,
                          help="The marking of the summary and key points; default `default`."),
    },
    default=None,
    help="Portion marks before every paragraph and the banner at the top and bottom of every "
    "page, the highest marking in the brief, in the words of the scheme.",
)


class _LikelihoodOption(o.Checked):
    """ICD 203's likelihood terms and their pairs, in any case; editors are offered the
    lowercase names."""

    def json_schema(self) -> dict[str, Any]:
        return {"enum": [n for e in LIKELIHOODS for n in e.names],
                "description": "An ICD 203 likelihood term or its pair (any case)."}


_KEY_JUDGEMENT = o.Record(
    KeyJudgementSpec,
    {
        "judgement": o.Text(required=True, max_length=2000,
                            help="Markdown: what is judged, without its likelihood or "
                                 "confidence words (those are the next keys)."),
        "likelihood": _LikelihoodOption(o.Text(required=True, max_length=100),
                                        likelihood_problem),
        "confidence": o.Choice(tuple(CONFIDENCE_LEVELS), required=True),
        "evidence": o.ListOf(o.Text(max_length=100), help="Excerpt ids or source ids."),
        "marking": MARKING,
    },
    help="A key judgement in ICD 203 estimative language.",
)

_ABBREVIATION = o.Record(
    AbbreviationSpec,
    {
        "term": o.Text(required=True, max_length=50, strip=True),
        "expansion": o.Text(required=True, max_length=300, strip=True),
    },
)

BRIEF_FIELDS: dict[str, o.Option] = {
    "title": o.Text(required=True, max_length=300),
    "subtitle": o.Text(max_length=300),
    "date": o.Date(required=True, help="The brief's date, YYYY-MM-DD."),
    "authors": o.ListOf(o.Text(max_length=200), max_items=50),
    "organisation": o.Text(max_length=300),
    "marking": o.Text(max_length=200, non_empty=False,
                      help='Distribution marking, e.g. "FOR OFFICIAL USE ONLY"; a brief with '
                           "classification: prints its banner instead."),
    "template": o.Text(max_length=100, help="A template under templates/."),
    "citation_style": o.Choice(CITATION_STYLES),
    "keywords": o.ListOf(o.Text(max_length=100), max_items=50),
    "subject": o.Text(max_length=500, help='What the brief is about: the document\'s subject '
                                          'and the memo\'s "Subject:" line; default the subtitle.'),
    "lang": o.Text(max_length=20, default="en",
                   help="Language of the brief (BCP 47); default en."),
    "corpus": o.Text(max_length=500, help="The source catalog (sources.yaml) to check quotes against."),
    "summary": o.Text(required=True, help="Markdown."),
    "key_points": o.ListOf(o.Text(max_length=2000), max_items=20),
    "evidence": o.ListOf(_excerpt_option(False)),
    "sections": o.ListOf(_SECTION, required=True, min_items=1, max_items=100),
    "recommendations": o.ListOf(_RECOMMENDATION, required=True, min_items=1, max_items=50),
    "evidence_annex": o.Flag(help="Add an annex listing every quotation and traced number with "
                                  "its source, paragraph and the hash of the text checked."),
    "memo": _MEMO,
    "classification": _CLASSIFICATION,
    "key_judgements": o.ListOf(_KEY_JUDGEMENT, max_items=20,
                               help="Printed at the top, each with its likelihood term and "
                                    "confidence; an Estimative language note explains them."),
    "abbreviations": o.ListOf(_ABBREVIATION, max_items=200,
                              help="Abbreviations to list that the text does not spell out "
                                   "as 'Expansion (ABBR)'."),
    "pdf_standard": o.Choice(tuple(PDF_STANDARDS), default=DEFAULT_PDF_STANDARD,
                             help="a-2a+ua-1 (archival and accessible; the default) or ua-1."),
}

BRIEF = o.Mapping(BRIEF_FIELDS)


def build_brief(values: dict[str, Any], path: Path) -> BriefSpec:
    """The typed spec from a validated top-level mapping (only called when it had no problems).

    Not a Record like the rest: the file cannot give its own path.
    """
    return BriefSpec(path=path, **o.as_fields(values))


def json_schema() -> dict[str, Any]:
    """The JSON Schema of a brief spec, for editors (yaml-language-server) and `briefgen schema`."""
    schema = BRIEF.json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = SCHEMA_URL
    schema["title"] = "briefgen brief spec"
    return schema

"""Load a brief spec: read the YAML, validate it against the schema, check its references.

All problems are collected and raised together in one SpecError, each with file:line,
key path, what was expected and what arrived, so an analyst fixes a spec in one pass.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Container
from dataclasses import replace
from pathlib import Path

from briefgen.confine import CHART_DATA, RefusedFile, read_confined
from briefgen.csv_cells import unguarded
from briefgen.charts.data import ChartData, ChartSeries
from briefgen.errors import ChartError, Problem, SpecError
from briefgen.markup.citekeys import inline_quotations, parse_clusters
from briefgen.markup.links import link_target, refusal
from briefgen.spec import options as o
from briefgen.spec.schema import (
    BRIEF,
    MAX_CATEGORIES,
    MAX_CHART_LABEL,
    MAX_SERIES,
    BriefSpec,
    ChartSpec,
    SeriesSpec,
    ValueSpec,
    build_brief,
    evidence_named,
)
from briefgen.spec.yamlsource import LocatedYaml, read_yaml


def display_path(path: Path) -> str:
    """The path as the user would write it: relative to the working folder when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def load_spec(path: Path) -> tuple[BriefSpec, LocatedYaml]:
    """Read and validate ``path``; raise SpecError listing every problem found."""
    located = read_yaml(path, display_path(path))
    ctx = o.Context(located)
    if not isinstance(located.data, dict):
        raise SpecError(
            f"{located.file}:1: the top level of a spec must be a mapping "
            f"(title: ..., date: ..., sections: ...) but is {o.describe(located.data)}"
        )
    values = BRIEF.validate(located.data, "", ctx)
    if ctx.problems:
        raise _spec_error(located.file, ctx.problems)
    spec = build_brief(values, path.resolve())
    return spec, located


def project_root(spec_path: Path) -> Path:
    """The folder a spec's relative paths must stay inside: the nearest ancestor holding a
    seeds/ or templates/ folder, else the spec's own folder."""
    start = spec_path.resolve().parent
    for folder in (start, *start.parents):
        if (folder / "seeds").is_dir() or (folder / "templates").is_dir():
            return folder
    return start


def resolve_inside(spec: BriefSpec, relative: str) -> Path | None:
    """``relative`` resolved against the spec's folder, or None if it leaves the project."""
    root = project_root(spec.path)
    candidate = (spec.path.parent / relative).resolve()
    if candidate != root and root not in candidate.parents:
        return None
    return candidate


def find_corpus(spec: BriefSpec) -> Path | None:
    """The catalog a spec names, or the seeds/sources.yaml nearest above it."""
    if spec.corpus:
        return resolve_inside(spec, spec.corpus)
    for folder in (spec.path.parent, *spec.path.parent.parents):
        candidate = folder / "seeds" / "sources.yaml"
        if candidate.is_file():
            return candidate
    return None


def load_chart_data(spec: BriefSpec, located: LocatedYaml) -> BriefSpec:
    """Read the CSV files charts name (``data:``) into their series; raise SpecError if any fails."""
    ctx = o.Context(located)
    sections = []
    for section in spec.sections:
        charts = tuple(_chart_from_csv(spec, c, ctx) if c.data else c for c in section.charts)
        sections.append(replace(section, charts=charts))
    if ctx.problems:
        raise _spec_error(located.file, ctx.problems)
    return replace(spec, sections=tuple(sections))


def _chart_from_csv(spec: BriefSpec, chart: ChartSpec, ctx: o.Context) -> ChartSpec:
    where = f"{chart.key}.data"
    if chart.series or chart.categories:
        ctx.problem(where, "give either data: (a CSV file) or categories and series, not both")
        return chart
    path = resolve_inside(spec, chart.data)
    if path is None:
        ctx.problem(where, f"{chart.data!r} leaves the project folder; data files must be inside it")
        return chart
    try:
        text = read_confined(path, project_root(spec.path), CHART_DATA).decode("utf-8-sig")
    except RefusedFile as refused:
        ctx.problem(where, f"{chart.data!r}: {refused.reason}")
        return chart
    except FileNotFoundError:
        ctx.problem(where, f"no such file {chart.data!r} (looked for {display_path(path)})")
        return chart
    except (OSError, UnicodeDecodeError) as exc:
        ctx.problem(where, f"cannot read {chart.data!r}: {exc}")
        return chart
    reader = csv.DictReader(io.StringIO(text))
    rows = list(reader)
    # Named as from the working folder, like the rows evidence names, so an editor opens it.
    shown = display_path(path)
    header_problem = _csv_header_problem(shown, reader.fieldnames or [], rows)
    if header_problem:
        ctx.problem(where, header_problem)
        return chart
    categories: dict[str, None] = {}  # in order of first appearance; a set for lookups
    series: dict[str, dict[str, ValueSpec]] = {}
    for n, row in enumerate(rows, start=2):
        # A CSV from a bundle guards cells that look like formulas; the name is without it.
        cat, name = (unguarded((row[c] or "").strip()) for c in ("category", "series"))
        too_much = _past_chart_limits(cat, name, categories, series)
        if too_much:
            # The limits of a chart written in the spec; one message, not one per row.
            ctx.problem(where, f"{shown}:{n}: {too_much}")
            return chart
        try:
            value = float((row["value"] or "").replace(",", ""))
        except ValueError:
            ctx.problem(where, f"{shown}:{n}: value {row['value']!r} is not a number")
            continue
        categories.setdefault(cat)
        key = f"{chart.data}:{n}"
        excerpt = unguarded((row.get("excerpt") or "").strip())
        series.setdefault(name, {})[cat] = ValueSpec(value, excerpt, key)
    built = []
    for name, by_cat in series.items():
        missing = [c for c in categories if c not in by_cat]
        if missing:
            ctx.problem(where, f"{chart.data!r}: series {name!r} has no value for {', '.join(missing)}")
            continue
        built.append(SeriesSpec(name, tuple(by_cat[c] for c in categories), where))
    return replace(chart, categories=tuple(categories), series=tuple(built))


_CSV_NEEDED = ("category", "series", "value")


def _past_chart_limits(category: str, series: str, categories: dict[str, None],
                       named: dict[str, dict[str, ValueSpec]]) -> str:
    """What a CSV row would take past the limits of a chart in the spec, or ""."""
    for what, text in (("category", category), ("series name", series)):
        if len(text) > MAX_CHART_LABEL:
            return f"the {what} is {len(text):,} characters long; at most {MAX_CHART_LABEL}"
    if category not in categories and len(categories) >= MAX_CATEGORIES:
        return f"a chart shows at most {MAX_CATEGORIES} categories; make it a table instead"
    if series not in named and len(named) >= MAX_SERIES:
        return f"a chart shows at most {MAX_SERIES} series; make it a table instead"
    return ""


def _csv_header_problem(file: str, columns: list[str], rows: list[dict[str, str]]) -> str:
    """What a chart's CSV lacks to be read (which columns, or any row), or "" if nothing."""
    expected = ("a chart's CSV needs the columns category, series and value, and excerpt to "
                "name where each number comes from")
    if not columns:
        return f"{file} is empty; {expected}, one row per value"
    missing = [name for name in _CSV_NEEDED if name not in columns]
    if missing:
        found = ", ".join(repr(name) for name in columns)
        names = "column " if len(missing) == 1 else "columns "
        hint = ""
        if any(c.strip().lower() in missing for c in columns):
            hint = "; column names are lowercase, with no spaces around them"
        elif len(columns) == 1 and any(other in columns[0] for other in ";\t"):
            hint = "; separate the columns with commas"
        return (f"{file}:1: the header row has no {names}{', '.join(missing)} (it has "
                f"{found}); {expected}{hint}")
    if not rows:
        return f"{file} has a header row but no values; add one row per value"
    return ""


def check_references(
    spec: BriefSpec, located: LocatedYaml, source_ids: Container[str] | list[str]
) -> list[Problem]:
    """Problems with what the spec names: sources, excerpt ids, chart shapes, citation keys."""
    ctx = o.Context(located)
    known_sources = list(source_ids)  # type: ignore[arg-type]

    def check_source(source: str, key: str) -> None:
        if source not in known_sources:
            ctx.problem(key, f"unknown source {source!r}{o.suggest(source, known_sources)}")

    excerpt_ids: dict[str, str] = {}
    for excerpt in spec.excerpts():
        check_source(excerpt.source, f"{excerpt.key}.source")
        if excerpt.id:
            if excerpt.id in excerpt_ids:
                ctx.problem(f"{excerpt.key}.id", f"excerpt id {excerpt.id!r} is used twice "
                            f"(first at {excerpt_ids[excerpt.id]})")
            else:
                excerpt_ids[excerpt.id] = excerpt.key
    ids = list(excerpt_ids)

    def check_excerpt(name: str, key: str) -> None:
        if name not in excerpt_ids:
            ctx.problem(key, f"unknown excerpt {name!r}{o.suggest(name, ids)}")

    for chart in spec.charts():
        if not (chart.data or chart.categories or chart.series):
            ctx.problem(chart.key, "a chart needs categories and series, or data: a CSV file")
        else:
            # The rules are charts/data's, the one place that says what a chart can show.
            try:
                chart_data_of(chart, located)
            except ChartError as exc:
                ctx.problems.extend(exc.problems)
        for series in chart.series:
            for value in series.values:
                if value.excerpt:
                    check_excerpt(value.excerpt, value.key)
    for table in spec.tables():
        for row in table.rows:
            if len(row.cells) != len(table.columns):
                ctx.problem(row.cells_key, f"expected {len(table.columns)} cells "
                            f"(one per column) but received {len(row.cells)}")
            for i, name in enumerate(row.excerpts):
                check_excerpt(name, f"{row.key}.excerpts[{i}]")
        if table.align and len(table.align) != len(table.columns):
            ctx.problem(f"{table.key}.align", f"expected {len(table.columns)} alignments")
        for i, name in enumerate(table.excerpts):
            check_excerpt(name, f"{table.key}.excerpts[{i}]")
    by_id = spec.excerpts_by_id()
    for item in (*spec.key_judgements, *spec.recommendations):
        for i, name in enumerate(item.evidence):
            named = evidence_named(name, by_id)
            if isinstance(named, str) and named not in known_sources:
                ctx.problem(f"{item.key}.evidence[{i}]", f"{name!r} is neither an excerpt id "
                            f"nor a source id{o.suggest(name, ids + known_sources)}")
    for key, text in markdown_fields(spec):
        line = located.line(key)
        for cluster in parse_clusters(text):
            for cite in cluster.keys:
                if cite.source_id not in known_sources:
                    ctx.problems.append(Problem(
                        located.file, line_in_text(text, cluster.start, line), key,
                        f"citation [@{cite.source_id}]: unknown source"
                        f"{o.suggest(cite.source_id, known_sources)}"))
        for quotation in inline_quotations(text):
            if not quotation.source_id:
                ctx.problems.append(Problem(
                    located.file, _block_line(line, quotation.line_offset, text), key,
                    f"the quotation \"{_short(quotation.quote)}\" cites no source; add [@source-id] "
                    "after it in the same paragraph"))
    return ctx.problems


def chart_data_of(chart: ChartSpec, located: LocatedYaml) -> ChartData:
    """The drawable data of ``chart``; ChartError, with every rule of charts/data the chart
    breaks at its key path and line in the spec, when no chart could draw it."""
    series: list[ChartSeries] = []
    problems: list[Problem] = []
    for i, s in enumerate(chart.series):
        try:
            series.append(ChartSeries(s.name, tuple(float(v.value) for v in s.values)))
        except ChartError as exc:
            problems += located_chart_problems(f"{chart.key}.series[{i}]", exc, located)
    if not problems:
        try:
            return ChartData(kind=chart.kind, title=chart.title,
                             categories=tuple(chart.categories), series=tuple(series),
                             unit=chart.unit)
        except ChartError as exc:
            problems = located_chart_problems(chart.key, exc, located)
    count = len(problems)
    raise ChartError(f"{located.file}: {count} chart problem{'s' if count != 1 else ''}",
                     problems)


def located_chart_problems(key: str, error: ChartError, located: LocatedYaml) -> list[Problem]:
    """``error``'s problems (charts know no file) at their places in the spec: each problem's
    key is relative to ``key``, the key path of the chart or series it is about."""
    return [Problem(located.file, located.line(f"{key}.{p.key}" if p.key else key),
                    f"{key}.{p.key}" if p.key else key, p.message)
            for p in error.problems or [Problem(None, None, "", str(error))]]


def refused_links(spec: BriefSpec, located: LocatedYaml) -> list[Problem]:
    """A warning for each Markdown link the allow-list refuses (markup.links): the build
    prints it as text, and the analyst should know why it is not clickable."""
    from briefgen.markup.markdown import link_urls  # markdown-it: only when a field has a link

    problems = []
    for key, text in markdown_fields(spec):
        if "](" not in text and "<" not in text:
            continue
        for url, offset in link_urls(text):
            if link_target(url) is None:
                problems.append(Problem(located.file, _block_line(located.line(key), offset, text),
                                        key, refusal(url)))
    return problems


def markdown_fields(spec: BriefSpec) -> list[tuple[str, str]]:
    """(key path, Markdown text) for every field of the spec that holds Markdown."""
    fields = [("summary", spec.summary)]
    fields += [(f"key_points[{i}]", t) for i, t in enumerate(spec.key_points)]
    fields += [(f"{j.key}.judgement", j.judgement) for j in spec.key_judgements]
    fields += [(f"{s.key}.body", s.body) for s in spec.sections if s.body]
    fields += [(f"{r.key}.action", r.action) for r in spec.recommendations]
    # Table cells are inline Markdown too (assembly parses their citations).
    fields += [(row.cell_key(j), cell) for t in spec.tables() for row in t.rows
               for j, cell in enumerate(row.cells) if cell]
    return fields


def _block_line(key_line: int | None, offset: int, text: str) -> int | None:
    # A block scalar (body: |) ends with a newline and starts on the line after its key;
    # a plain or quoted scalar starts on the key's line.
    if key_line is None:
        return None
    return key_line + offset + (1 if text.endswith("\n") else 0)


def line_in_text(text: str, index: int, key_line: int | None) -> int | None:
    """The file line of ``text[index]``, ``text`` being the value of the key on ``key_line``."""
    return _block_line(key_line, text.count("\n", 0, index), text)


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _spec_error(file: str, problems: list[Problem]) -> SpecError:
    count = len(problems)
    noun = "problem" if count == 1 else "problems"
    return SpecError(f"{file}: {count} {noun} in the spec", problems)

"""The zip bundle of a brief: what a colleague needs to reuse it, in one file.

One folder ``<stem>/`` holding the DOCX, the PDF, the evidence manifest when the build wrote
one, each chart as PNG, SVG and the CSV of its data, and a README.txt naming the sources.
The bundle is deterministic: entries in a fixed order, every timestamp the brief's date, fixed
permissions, so the same files give a byte-identical zip (rebuilds do not churn archives).
bundle_contents gathers it from the document model, the spec's charts (for their data) and
the cited sources' catalog records; the rest of this module knows only BundleContents.
"""

from __future__ import annotations

import csv
import io
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from briefgen.corpus.catalog import SourceRecord
from briefgen.csv_cells import guarded
from briefgen.model.nodes import Document, Figure
from briefgen.outputs import write_reproducible_zip, zip_time
from briefgen.spec.schema import ChartSpec
from briefgen.writers import FORMAT_LIST
from briefgen.writers.timestamps import embedded_time

# The CSV columns a spec's `data:` reads (docs/spec-format.md), so a chart can be redrawn as is.
CSV_COLUMNS = ("category", "series", "value", "excerpt")


@dataclass(frozen=True)
class ChartValue:
    """One number of a chart: where it sits and the excerpt it comes from ("" if none)."""

    category: str
    series: str
    value: float
    excerpt: str = ""


@dataclass(frozen=True)
class BundleChart:
    """A chart as the bundle carries it: its figure number and caption, images, and data."""

    number: int
    caption: str
    unit: str
    png: Path | None
    svg: Path | None
    values: tuple[ChartValue, ...]


@dataclass(frozen=True)
class BundleSource:
    """A cited source as README.txt names it; strings are "" where the catalog says nothing."""

    id: str
    title: str
    authors: str = ""
    outlet: str = ""
    date: str = ""
    url: str = ""


@dataclass(frozen=True)
class BundleContents:
    """Everything that goes into one brief's bundle.

    ``files`` are the build's outputs as (name in the bundle, file on disk), in the order they
    are listed; ``date`` is the brief's ISO date, which dates every entry.
    """

    stem: str
    title: str
    date: str
    authors: tuple[str, ...]
    organisation: str
    files: tuple[tuple[str, Path], ...]
    charts: tuple[BundleChart, ...]
    sources: tuple[BundleSource, ...]


def bundle_contents(document: Document, stem: str, files: list[tuple[str, Path]],
                    charts: Mapping[str, ChartSpec], sources: Sequence[SourceRecord]
                    ) -> BundleContents:
    """What goes into the bundle: ``files`` the build wrote, as (name, file), each chart's
    images (from the model's figures) with its data (from ``charts``, the spec's charts by
    key path), and ``sources``, the cited sources' records in first-cited order."""
    meta = document.meta
    bundled = []
    for figure in (block for block in document.body if isinstance(block, Figure)):
        chart = charts[figure.chart]
        values = tuple(ChartValue(category, series.name, value.value, value.excerpt)
                       for series in chart.series
                       for category, value in zip(chart.categories, series.values))
        bundled.append(BundleChart(figure.number, figure.caption, chart.unit, figure.png,
                                   figure.svg, values))
    named = [BundleSource(record.id, record.title,
                          ", ".join(f"{p.given} {p.family}".strip() for p in record.authors),
                          record.container_title or record.publisher, record.date, record.url)
             for record in sources]
    return BundleContents(stem, meta.title, meta.date, meta.authors, meta.organisation,
                          tuple(files), tuple(bundled), tuple(named))


def chart_csv(chart: BundleChart) -> str:
    """The chart's data as CSV: one row per value, columns category, series, value, excerpt.

    Every text cell is quoted and guarded against being run as a formula (csv_cells.py); the
    value is a bare number, so spreadsheets still read it as one.
    """
    out = io.StringIO()
    table = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_NONNUMERIC)
    table.writerow(CSV_COLUMNS)
    for v in chart.values:
        table.writerow((guarded(v.category), guarded(v.series), _number(v.value),
                        guarded(v.excerpt)))
    return out.getvalue()


def _number(value: float) -> int | float:
    """The value as the csv module writes numbers: 13 rather than 13.0, else its repr."""
    return int(value) if float(value).is_integer() else float(value)


def _chart_name(chart: BundleChart) -> str:
    return f"figures/figure-{chart.number}"


def readme_text(contents: BundleContents) -> str:
    """README.txt: what the brief is, what each file is for, and the sources it cites."""
    lines = [contents.title, "=" * len(contents.title), ""]
    byline = "; ".join(a for a in (", ".join(contents.authors), contents.organisation) if a)
    lines += [b for b in (byline, contents.date) if b]
    lines += ["", "Files", "-----"]
    descriptions = {f.suffix: f.about for f in FORMAT_LIST}
    descriptions[".evidence.json"] = ("where each quotation was found in its source "
                                      "(paragraph, match)")
    for name, _ in contents.files:
        what = next((d for s, d in sorted(descriptions.items(), key=lambda i: -len(i[0]))
                     if name.endswith(s)), "")
        lines.append(f"{name}  {what}".rstrip())
    for chart in contents.charts:
        unit = f" ({chart.unit})" if chart.unit else ""
        lines.append(f"{_chart_name(chart)}.png, .svg, .csv  Figure {chart.number}: "
                     f"{chart.caption}{unit}")
    if contents.charts:
        lines += ["", *textwrap.wrap(
            "Each chart comes as PNG (for Word), SVG (for print and the web) and the CSV of its "
            "data, with the columns category, series, value, excerpt: the format a briefgen "
            "spec reads with `data:`, so a chart can be redrawn or restyled.", 88)]
    lines += ["", "Sources", "-------"]
    for source in contents.sources:
        parts = [p for p in (source.authors, source.title, source.outlet, source.date) if p]
        entry = f"[{source.id}] " + ". ".join(parts) + "."
        if source.url:
            entry += f" {source.url}"
        lines += textwrap.wrap(entry, 88, subsequent_indent="    ", break_long_words=False,
                               break_on_hyphens=False)
    if not contents.sources:
        lines.append("(none cited)")
    return "\n".join(lines) + "\n"


def entries(contents: BundleContents) -> list[tuple[str, bytes]]:
    """Every (name, bytes) of the bundle in its fixed order, names under ``<stem>/``."""
    items: list[tuple[str, bytes]] = [("README.txt", readme_text(contents).encode("utf-8"))]
    items += [(name, path.read_bytes()) for name, path in contents.files]
    for chart in contents.charts:
        base = _chart_name(chart)
        if chart.png is not None:
            items.append((f"{base}.png", chart.png.read_bytes()))
        if chart.svg is not None:
            items.append((f"{base}.svg", chart.svg.read_bytes()))
        items.append((f"{base}.csv", chart_csv(chart).encode("utf-8")))
    return [(f"{contents.stem}/{name}", data) for name, data in items]


def write_bundle(contents: BundleContents, path: Path) -> None:
    """Write the bundle of ``contents`` to ``path`` (the caller makes that atomic)."""
    write_reproducible_zip(path, entries(contents), zip_time(embedded_time(contents.date)),
                           compresslevel=9, unix=True)

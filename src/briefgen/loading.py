"""The first step of a check: the spec loaded with its chart data, and its charts ready to draw.

Apart from checking.py because a build starts drawing with what is here before it imports
the rest of the check (the corpus, evidence, citations) and the writers: drawing missing
charts is the longest part of a cold build, and needs none of those. Only light modules
are imported here (the spec loader, the chart data, the template's settings).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from briefgen.charts.data import ChartData, ChartStyle, template_chart_style
from briefgen.charts.draw import check_colours
from briefgen.errors import BriefgenError, ChartError, Problem
from briefgen.spec.loader import chart_data_of, load_chart_data, load_spec, \
    located_chart_problems, project_root
from briefgen.spec.schema import BriefSpec
from briefgen.spec.yamlsource import LocatedYaml
from briefgen.templating.discovery import find_template
from briefgen.templating.template import Template


def chart_data(spec: BriefSpec, located: LocatedYaml) -> dict[str, ChartData]:
    """The drawable data of every chart, by chart key path; ChartError listing, at its place
    in the spec, everything that no chart could draw (checked before anything is drawn)."""
    problems: list[Problem] = []
    datas = {}
    for chart in spec.charts():
        try:
            datas[chart.key] = chart_data_of(chart, located)
            check_colours(datas[chart.key])
        except ChartError as exc:
            problems += (exc.problems if chart.key not in datas
                         else located_chart_problems(chart.key, exc, located))
    if problems:
        raise ChartError(f"{located.file}: {len(problems)} chart problem"
                         f"{'s' if len(problems) != 1 else ''}", problems)
    return datas


def template_and_charts(spec: BriefSpec, located: LocatedYaml, template: Path | None
                        ) -> tuple[Template, dict[str, ChartData], ChartStyle]:
    """The spec's template (``template`` overriding it), its charts' data and their style;
    the template's or the charts' BriefgenError if either cannot be read."""
    found = find_template(spec.template, project_root(spec.path), template)
    style = template_chart_style(found.colours, str(found.file("template.yaml")))
    return found, chart_data(spec, located), style


def drawable_charts(spec: BriefSpec, located: LocatedYaml, template: Path | None
                    ) -> tuple[Template, dict[str, ChartData], ChartStyle] | None:
    """``template_and_charts`` for a spec with charts, when all of it can be read; None
    otherwise, for the check to report in its own order (spec problems first)."""
    if not spec.charts():
        return None
    try:
        return template_and_charts(spec, located, template)
    except BriefgenError:
        return None


@dataclass(frozen=True)
class Loaded:
    """A spec loaded with its chart data, and, when they can be read, its template and its
    charts ready to draw (chart_checks.drawable_charts): the first step of a check."""

    spec: BriefSpec
    located: LocatedYaml
    drawable: tuple[Template, dict[str, ChartData], ChartStyle] | None


def load(spec_path: Path, template: Path | None = None) -> Loaded:
    """The first step of ``check``: it needs only light modules (see chart_checks.py).
    Drawing charts is the longest part of a cold build and needs neither the catalog nor the
    sources, so a build starts it from here; anything wrong is reported by the check, later,
    in its usual order, and whatever stops the check stops the drawing."""
    spec, located = load_spec(spec_path)
    spec = load_chart_data(spec, located)
    return Loaded(spec, located, drawable_charts(spec, located, template))

"""What a chart shows and how it looks: checked value types and the cache key, no matplotlib.

Everything here is cheap to import. A ``ChartData`` that exists is drawable: its constructor
raises ``ChartError`` for data no chart of its kind can show (lengths that do not match,
NaN, negative parts of a whole, an unknown kind), so the pipeline learns of bad data when it
builds the chart, before anything is drawn.
"""

from __future__ import annotations

import difflib
import hashlib
import importlib.util
import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal, get_args

from briefgen.errors import ChartError, Problem, TemplateError

ChartKind = Literal["bar", "grouped-bar", "stacked-bar", "line", "part-of-whole"]
CHART_KINDS: tuple[str, ...] = get_args(ChartKind)

# Bump whenever a change to the drawing code changes the pictures: it is part of every cache
# key, so cached images drawn by older code are never served again.
DRAWING_VERSION = "1"
# The image types a chart is drawn as: PNG (raster, for DOCX) and SVG (vector, for PDF). A
# build draws those its writers name (Writer.image_types); the cache key does not depend on it.
IMAGE_TYPES: tuple[str, ...] = ("png", "svg")

# Kinds whose bars add up, where a negative part has no meaning.
_ADDITIVE_KINDS = frozenset({"stacked-bar", "part-of-whole"})

# Names people reach for when they mean a share of a whole; pie charts are not drawn because
# angles are read far less accurately than lengths.
_PIE_NAMES = frozenset({"pie", "donut", "doughnut", "ring"})

_HEX_COLOUR = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})")


@dataclass(frozen=True)
class ChartSeries:
    """One named row of values, one value per category of its chart, in category order.

    Values are stored as floats (ints are converted) so that equal data compares and hashes
    equal whatever number type the spec loader produced. NaN and infinities are refused.
    """

    name: str
    values: tuple[float, ...]

    def __post_init__(self) -> None:
        problems: list[Problem] = []
        floats: list[float] = []
        for i, value in enumerate(self.values):
            # bool is an int subclass; True as "1" is always a spec mistake
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                problems.append(
                    _problem(f"values[{i}]", f"expected a number but received {value!r}")
                )
                continue
            if not math.isfinite(value):
                problems.append(
                    _problem(f"values[{i}]", f"expected a finite number but received {value!r}")
                )
                continue
            floats.append(float(value))
        if problems:
            raise _chart_error(f'series "{self.name}"', problems)
        object.__setattr__(self, "values", tuple(floats))


@dataclass(frozen=True)
class ChartData:
    """The data of one chart: a kind, categories, and one or more series over them.

    ``kind`` is one of ``CHART_KINDS``. ``title`` names the chart in messages and image
    metadata but is not drawn: the document sets the caption. ``unit`` labels the value axis
    ("fighters", "people killed"); "" for none. For ``line`` the categories are the x values
    (years, say) and are spaced by value when they all read as numbers. For
    ``part-of-whole`` each series is one whole, drawn as a bar divided into its categories.
    """

    kind: str
    title: str
    categories: tuple[str, ...]
    series: tuple[ChartSeries, ...]
    unit: str = ""

    def __post_init__(self) -> None:
        # Lists are accepted for convenience but stored as tuples so the value stays hashable.
        object.__setattr__(self, "categories", tuple(self.categories))
        object.__setattr__(self, "series", tuple(self.series))
        problems = _check_chart(self)
        if problems:
            raise _chart_error(f'chart "{self.title}"', problems)


_DEFAULT_PALETTE = (
    # Okabe & Ito's colour-blind-safe set, ordered so neighbours differ most in lightness
    # after the dark accent; yellow last because it is weak on white paper.
    "#e69f00",
    "#56b4e9",
    "#009e73",
    "#d55e00",
    "#cc79a7",
    "#0072b2",
    "#f0e442",
)


@dataclass(frozen=True)
class ChartStyle:
    """How charts look: font, colours and size on the page.

    ``accent`` is the first colour (a single-series chart is all accent); ``palette`` the
    colours for further series, in order (an entry equal to the accent is skipped). Colours
    are ``#rgb`` or ``#rrggbb``. ``width_cm`` and ``height_cm`` are the size on the page,
    so font sizes in the image are true print sizes; part-of-whole charts need less height
    and use less (``ChartImages`` reports the size drawn).
    """

    font_family: str = "DejaVu Sans"
    accent: str = "#1f4e79"
    palette: tuple[str, ...] = _DEFAULT_PALETTE
    width_cm: float = 15.0
    height_cm: float = 8.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "palette", tuple(self.palette))
        problems: list[Problem] = []
        for key, colour in [("accent", self.accent)] + [
            (f"palette[{i}]", c) for i, c in enumerate(self.palette)
        ]:
            if not isinstance(colour, str) or not _HEX_COLOUR.fullmatch(colour):
                problems.append(
                    _problem(key, f"expected a colour like #1f4e79 but received {colour!r}")
                )
        if not self.font_family.strip():
            problems.append(_problem("font_family", "expected a font family name but it is empty"))
        # Below about 6 cm a 15 cm design's labels no longer fit; above 30 cm it is off the page.
        for key, size, low, high in (("width_cm", self.width_cm, 6.0, 30.0),
                                     ("height_cm", self.height_cm, 3.0, 30.0)):
            if not (isinstance(size, (int, float)) and low <= size <= high):
                problems.append(
                    _problem(key, f"expected a size from {low:g} to {high:g} cm "
                                  f"but received {size!r}")
                )
        if problems:
            raise _chart_error("chart style", problems)

    @property
    def colours(self) -> tuple[str, ...]:
        """The series colours in order: the accent, then the palette without repeats."""
        seen = {self.accent.lower()}
        ordered = [self.accent]
        for colour in self.palette:
            if colour.lower() not in seen:
                seen.add(colour.lower())
                ordered.append(colour)
        return tuple(ordered)


def template_chart_style(colours: Mapping[str, object], origin: str) -> ChartStyle:
    """The chart style a template's ``colours:`` (template.yaml) asks for.

    ``accent`` is the first series colour, ``highlight`` the second, ``series`` (a list) the
    next ones in order; the default palette follows, so a template that names few colours
    still has as many as the default, and one that names none draws the default style.
    Other keys (``link``, ``marking``) are not chart colours. TemplateError, naming
    ``origin`` (the template.yaml) and each key, for a value that is not a colour.
    """
    problems: list[Problem] = []

    def colour(key: str, value: object) -> str | None:
        if isinstance(value, str) and _HEX_COLOUR.fullmatch(value):
            return value
        problems.append(Problem(origin, None, f"colours.{key}",
                                f"expected a colour like #1f4e79 but received {value!r}"))
        return None

    accent = colour("accent", colours["accent"]) if "accent" in colours else None
    named: list[str | None] = []
    if "highlight" in colours:
        named.append(colour("highlight", colours["highlight"]))
    series = colours.get("series", [])
    if isinstance(series, (list, tuple)):
        named += [colour(f"series[{i}]", c) for i, c in enumerate(series)]
    else:
        problems.append(Problem(origin, None, "colours.series",
                                f"expected a list of colours but received {series!r}"))
    if problems:
        count = len(problems)
        raise TemplateError(f"{origin}: {count} colour problem{'s' if count != 1 else ''}",
                            problems)
    default = ChartStyle()
    return ChartStyle(accent=accent or default.accent,
                      palette=(*(c for c in named if c), *default.palette))


@dataclass(frozen=True)
class ChartImages:
    """A drawn chart: the same picture as PNG (for DOCX) and SVG (for PDF), and its page size."""

    png: Path
    svg: Path
    width_cm: float
    height_cm: float

    def file(self, image_type: str) -> Path:
        """The file of ``image_type`` (one of IMAGE_TYPES)."""
        return {"png": self.png, "svg": self.svg}[image_type]


def chart_key(chart: ChartData, style: ChartStyle) -> str:
    """The cache key of a chart: sha256 hex of everything that affects its picture.

    That is the data, the style, ``DRAWING_VERSION`` and the matplotlib version (a new
    matplotlib may move a pixel, and a cache must never serve a picture the current code
    would not draw). The JSON is canonical (sorted keys, floats by repr) so equal inputs give
    equal keys in every process.
    """
    canonical = {
        "drawing_version": DRAWING_VERSION,
        "matplotlib": _matplotlib_version(),
        "chart": {
            "kind": chart.kind,
            "title": chart.title,
            "unit": chart.unit,
            "categories": list(chart.categories),
            "series": [{"name": s.name, "values": list(s.values)} for s in chart.series],
        },
        "style": {
            "font_family": style.font_family,
            "accent": style.accent.lower(),
            "palette": [c.lower() for c in style.palette],
            "width_cm": float(style.width_cm),
            "height_cm": float(style.height_cm),
        },
    }
    text = json.dumps(canonical, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@cache
def _matplotlib_version() -> str:
    """The installed matplotlib's version, found without importing it.

    A cache hit must not pay for importing matplotlib (a third of a second), and
    importlib.metadata alone costs ~40 ms; matplotlib's generated ``_version.py`` is read
    as text instead, with importlib.metadata as the fallback for unusual installs.
    """
    spec = importlib.util.find_spec("matplotlib")
    if spec is None or not spec.submodule_search_locations:
        return "absent"
    version_file = Path(next(iter(spec.submodule_search_locations))) / "_version.py"
    try:
        found = re.search(r"""^(?:__)?version(?:__)?\s*=\s*['"]([^'"]+)['"]""",
                          version_file.read_text(encoding="utf-8"), re.MULTILINE)
    except OSError:
        found = None
    if found:
        return found.group(1)
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("matplotlib")
    except PackageNotFoundError:
        return "unknown"


def _check_chart(chart: ChartData) -> list[Problem]:
    """Every reason the chart cannot be drawn, so the user can fix them all in one go."""
    problems: list[Problem] = []
    if chart.kind not in CHART_KINDS:
        expected = ", ".join(CHART_KINDS)
        message = f'unknown chart kind "{chart.kind}"; expected one of: {expected}'
        if str(chart.kind).lower() in _PIE_NAMES:
            message += ' (pie charts are not drawn: use "part-of-whole" for shares of a whole)'
        else:
            close = difflib.get_close_matches(str(chart.kind), CHART_KINDS, n=1)
            if close:
                message += f' (did you mean "{close[0]}"?)'
        problems.append(_problem("kind", message))
    if not chart.categories:
        problems.append(_problem("categories", "a chart needs at least one category"))
    for i, category in enumerate(chart.categories):
        if not isinstance(category, str):
            problems.append(
                _problem(f"categories[{i}]", f"expected text but received {category!r}")
            )
    if not chart.series:
        problems.append(_problem("series", "a chart needs at least one series"))
    for i, series in enumerate(chart.series):
        if not isinstance(series, ChartSeries):
            problems.append(
                _problem(f"series[{i}]", f"expected a ChartSeries but received {series!r}")
            )
            continue
        if chart.categories and len(series.values) != len(chart.categories):
            problems.append(_problem(
                f"series[{i}].values",
                f'series "{series.name}" has {len(series.values)} values but the chart has '
                f"{len(chart.categories)} categories ({', '.join(map(str, chart.categories))})",
            ))
        if chart.kind in _ADDITIVE_KINDS:
            for j, value in enumerate(series.values):
                if value < 0:
                    category = chart.categories[j] if j < len(chart.categories) else f"#{j + 1}"
                    problems.append(_problem(
                        f"series[{i}].values[{j}]",
                        f'{chart.kind} adds values up, so they cannot be negative, but '
                        f'"{series.name}" has {value:g} for "{category}"',
                    ))
        if chart.kind == "part-of-whole" and series.values and not any(series.values):
            problems.append(_problem(
                f"series[{i}].values",
                f'series "{series.name}" adds up to 0, so it has no parts to show',
            ))
    if chart.kind == "bar" and len(chart.series) > 1:
        problems.append(_problem(
            "series",
            f'a bar chart has one series but this one has {len(chart.series)}; '
            'use "grouped-bar" or "stacked-bar" to compare several',
        ))
    series_list = [s for s in chart.series if isinstance(s, ChartSeries)]
    if len(series_list) > 1:
        # With several series the names are the legend; blank or repeated names make it lie.
        names = [s.name for s in series_list]
        for i, name in enumerate(names):
            if not name.strip():
                problems.append(_problem(f"series[{i}].name",
                                         "with several series each needs a name for the legend"))
            elif names.index(name) != i:
                problems.append(_problem(f"series[{i}].name",
                                         f'the series name "{name}" is used twice'))
    return problems


def _problem(key: str, message: str) -> Problem:
    # Charts do not know where in the spec they came from; the pipeline adds the file and line.
    return Problem(file=None, line=None, key=key, message=message)


def _chart_error(what: str, problems: list[Problem]) -> ChartError:
    """One error for all problems; a single problem is spelled out in the headline itself."""
    if len(problems) == 1:
        return ChartError(f"{what} cannot be drawn: {problems[0]}", problems)
    return ChartError(f"{what} cannot be drawn ({len(problems)} problems)", problems)

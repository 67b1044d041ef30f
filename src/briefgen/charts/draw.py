"""Draw a chart with matplotlib into a content-addressed cache of PNG and SVG files.

matplotlib is imported inside ``_render`` only: importing it costs about a third of a
second, which a build whose charts are all cached should never pay. No pyplot, no global
rcParams: a Figure on an Agg canvas, settings scoped by ``rc_context``, so drawing is safe
next to any other matplotlib user in the process.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from briefgen.charts.data import IMAGE_TYPES, ChartData, ChartImages, ChartStyle, chart_key
from briefgen.charts.layout import (
    FONT_PT,
    KEY_SWATCH_CM,
    MARGIN_CM,
    VALUE_LINE_CM,
    VALUE_PT,
    BarPlan,
    Frame,
    LinePlan,
    PartPlan,
    ValueAxis,
    figure_size,
    format_number,
    plan_bars,
    plan_line,
    plan_part_of_whole,
    text_height_cm,
    text_width_cm,
)
from briefgen.errors import ChartError
from briefgen.outputs import write_atomically

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.typing import RcKeyType

# 200 dpi is sharp in print at the 15 cm a chart is placed at; more only makes DOCX files
# heavier (the PDF uses the SVG).
PNG_DPI = 200

TEXT = "#262626"
MUTED = "#595959"
GRID = "#dcdcdc"
BASELINE = "#737373"

DEFAULT_STYLE = ChartStyle()

# A fixed salt makes SVG ids (clip paths, glyph defs) the same in every run.
_SVG_HASH_SALT = "briefgen-charts"


def chart_images(chart: ChartData, cache_dir: Path,
                 style: ChartStyle = DEFAULT_STYLE) -> ChartImages:
    """Where ``draw_chart`` puts the chart and at what size, without drawing anything.

    Size and key come from plain Python (layout.py), so a caller can place the picture in the
    document while the drawing happens elsewhere (another process), and see whether it must.
    """
    check_colours(chart, style)
    key = chart_key(chart, style)
    width_cm, height_cm = figure_size(chart, style)
    return ChartImages(png=cache_dir / f"{key}.png", svg=cache_dir / f"{key}.svg",
                       width_cm=width_cm, height_cm=height_cm)


def is_drawn(images: ChartImages, image_types: Collection[str] = IMAGE_TYPES) -> bool:
    """True when the chart's file of each of ``image_types`` is in the cache."""
    return all(images.file(kind).is_file() for kind in image_types)


def draw_charts_into(charts: list[ChartData], cache_dir: Path,
                     style: ChartStyle = DEFAULT_STYLE,
                     image_types: Collection[str] = IMAGE_TYPES) -> int:
    """Draw, as each of ``image_types``, every chart not yet so in ``cache_dir``; returns how
    many were drawn.

    A module-level function of plain arguments, so it can run in a child process: a build
    draws its charts there while it formats citations, and never loads matplotlib itself.
    """
    drawn = 0
    for chart in charts:
        if not is_drawn(chart_images(chart, cache_dir, style), image_types):
            draw_chart(chart, cache_dir, style, image_types)
            drawn += 1
    return drawn


def draw_chart(chart: ChartData, cache_dir: Path, style: ChartStyle = DEFAULT_STYLE,
               image_types: Collection[str] = IMAGE_TYPES) -> ChartImages:
    """The chart drawn as ``<key>.png`` and ``<key>.svg`` in ``cache_dir``, drawing only if needed
    and only the files of ``image_types`` (a DOCX-only build needs no SVG).

    The key (``chart_key``) covers everything that affects the picture, so existing files
    are returned as they are, without importing matplotlib. New files are written under a
    temporary name and renamed into place, so a killed build leaves no half image behind.
    Raises ChartError if the chart has more series (or parts) than the style has colours.
    """
    images = chart_images(chart, cache_dir, style)
    if not is_drawn(images, image_types):
        cache_dir.mkdir(parents=True, exist_ok=True)
        _render(chart, style, images.width_cm, images.height_cm,
                images.png if "png" in image_types else None,
                images.svg if "svg" in image_types else None)
    return images


def check_colours(chart: ChartData, style: ChartStyle = DEFAULT_STYLE) -> None:
    """Raise ChartError when ``chart`` needs more distinct colours than ``style`` has."""
    needed = len(chart.categories) if chart.kind == "part-of-whole" else len(chart.series)
    what = "parts" if chart.kind == "part-of-whole" else "series"
    available = len(style.colours)
    if needed > available:
        # Reusing a colour would make two series look like one; more than ~7 is unreadable anyway.
        raise ChartError(
            f'chart "{chart.title}" cannot be drawn: it has {needed} {what} but the style has '
            f"{available} distinct colours; combine small {what} or split the chart"
        )


def _font_family(family: str) -> str:
    """``family`` if matplotlib can find it, else DejaVu Sans, which ships with matplotlib.

    Checked once per chart so a missing font costs one lookup, not a warning per text. The
    layout's width estimates are DejaVu Sans's, the widest common sans, so a narrower
    family still fits where it was planned to.
    """
    from matplotlib.font_manager import FontProperties, findfont

    try:
        findfont(FontProperties(family=[family]), fallback_to_default=False)
    except ValueError:
        return "DejaVu Sans"
    return family


def _rc(font_family: str) -> dict[RcKeyType, Any]:
    return {
        "font.family": [font_family],
        "font.size": FONT_PT,
        "axes.titlesize": FONT_PT,
        "axes.labelsize": FONT_PT,
        "xtick.labelsize": FONT_PT,
        "ytick.labelsize": FONT_PT,
        "legend.fontsize": FONT_PT,
        "text.color": TEXT,
        "axes.labelcolor": MUTED,
        "xtick.color": TEXT,
        "ytick.color": TEXT,
        "figure.facecolor": "white",
        "savefig.facecolor": "white",
        # Text as paths: the SVG needs no fonts wherever it is rendered (Typst included).
        "svg.fonttype": "path",
        "svg.hashsalt": _SVG_HASH_SALT,
    }


def _render(chart: ChartData, style: ChartStyle, width_cm: float, height_cm: float,
            png: Path | None, svg: Path | None) -> None:
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    with matplotlib.rc_context(_rc(_font_family(style.font_family))):
        # No layout engine: the plan already placed everything in cm, and constrained
        # layout would cost an extra text-measuring pass per saved file.
        fig = Figure(figsize=(width_cm / 2.54, height_cm / 2.54), dpi=PNG_DPI)
        FigureCanvasAgg(fig)
        if chart.kind == "part-of-whole":
            _draw_part_of_whole(fig, chart, style, plan_part_of_whole(chart, style))
        elif chart.kind == "line":
            _draw_line(fig, chart, style, plan_line(chart, style))
        else:
            _draw_bars(fig, chart, style, plan_bars(chart, style))
        title = chart.title or "Chart"
        # No fsync: a power cut may lose a chart, and the next build simply draws it again.
        if png is not None:
            write_atomically(png, lambda temp: fig.savefig(
                temp, format="png", dpi=PNG_DPI, metadata={"Software": None, "Title": title}))
        if svg is not None:
            write_atomically(svg, lambda temp: fig.savefig(
                temp, format="svg", metadata={"Date": None, "Creator": None, "Title": title}))


# ---------------------------------------------------------------- shared pieces


def _text_colour_on(background: str) -> str:
    """White or near-black, whichever reads better on ``background`` (#rgb or #rrggbb)."""
    hex_digits = background.lstrip("#")
    if len(hex_digits) == 3:
        hex_digits = "".join(c * 2 for c in hex_digits)
    channels = [int(hex_digits[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    # WCAG contrast against white vs against TEXT (luminance ~0.02): pick the larger.
    return "white" if (1.05 / (luminance + 0.05)) >= ((luminance + 0.05) / 0.07) else TEXT


def _axes(fig: Figure, frame: Frame) -> Axes:
    """Axes placed exactly where the plan put the plot."""
    box = frame.plot
    w, h = frame.width_cm, frame.height_cm
    return fig.add_axes((box.left / w, box.bottom / h, box.width / w, box.height / h))


def _clean_axes(ax: Axes, value_axis: Literal["x", "y"], axis_plan: ValueAxis) -> None:
    """No frame; a light grid across the value axis only; the planned ticks and labels."""
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.grid(axis=value_axis, color=GRID, linewidth=0.6)
    ax.set_axisbelow(True)
    if value_axis == "y":
        ax.set_ylim(*axis_plan.limits)
        ax.set_yticks(axis_plan.ticks, axis_plan.labels)
    else:
        ax.set_xlim(*axis_plan.limits)
        ax.set_xticks(axis_plan.ticks, axis_plan.labels)
    ax.tick_params(axis="both", length=0, pad=4)


def _legend_and_unit(fig: Figure, ax: Axes, chart: ChartData, frame: Frame,
                     unit_on_top: bool) -> None:
    """The legend across the top (several series only) and the unit label.

    The unit sits above the value axis's top tick when that axis is vertical, and under
    the right end of the axis when it is horizontal, where the eye ends up reading it.
    """
    w, h = frame.width_cm, frame.height_cm
    if frame.legend_rows:
        handles, labels = ax.get_legend_handles_labels()
        fig.legend(handles, labels, loc="upper left",
                   bbox_to_anchor=(MARGIN_CM / w, 1 - frame.legend_top / h), frameon=False,
                   ncols=-(-len(handles) // frame.legend_rows), handlelength=1.2,
                   handleheight=0.9, handletextpad=0.5, columnspacing=1.4, borderaxespad=0,
                   borderpad=0)
    if chart.unit and unit_on_top:
        fig.text(MARGIN_CM / w, 1 - frame.unit_baseline / h, chart.unit, ha="left",
                 va="baseline", color=MUTED)
    elif chart.unit:
        box = frame.plot
        fig.text((box.left + box.width) / w, MARGIN_CM / h, chart.unit, ha="right",
                 va="bottom", color=MUTED)


# ---------------------------------------------------------------- bars


def _draw_bars(fig: Figure, chart: ChartData, style: ChartStyle, plan: BarPlan) -> None:
    """bar, grouped-bar and stacked-bar, vertical or (for long labels) horizontal."""
    frame = plan.frame
    ax = _axes(fig, frame)
    colours = style.colours
    n, k = len(chart.categories), len(chart.series)
    stacked = chart.kind == "stacked-bar"
    horizontal = plan.horizontal
    positions = [float(i) for i in range(n)]
    lo, hi = plan.value_axis.limits
    cm_per_value = (frame.plot.width if horizontal else frame.plot.height) / (hi - lo)
    bar_cm = plan.bar_cm
    # Several series get a white hairline between touching bars so each reads as one bar.
    edge = {"edgecolor": "white", "linewidth": 0.8} if k > 1 else {"linewidth": 0}

    base = [0.0] * n
    beside: list[list[tuple[float, str]]] = [[] for _ in range(n)]
    for i, series in enumerate(chart.series):
        colour = colours[i]
        where = [p + plan.offsets[i] for p in positions]
        if horizontal:
            ax.barh(where, series.values, height=plan.thickness, left=base if stacked else 0,
                    color=colour, label=series.name, zorder=2, **edge)
        else:
            ax.bar(where, series.values, width=plan.thickness, bottom=base if stacked else 0,
                   color=colour, label=series.name, zorder=2, **edge)
        for j, (pos, value) in enumerate(zip(where, series.values)):
            text = format_number(value)
            if not (stacked and k > 1):
                _end_label(ax, text, pos, value, horizontal, plan.upright_labels)
                continue
            if value <= 0:
                continue
            length_cm = value * cm_per_value
            text_w, text_h = text_width_cm(text, VALUE_PT), text_height_cm(text, VALUE_PT)
            middle = base[j] + value / 2
            if horizontal:
                inside = length_cm >= text_w + 0.2 and bar_cm >= text_h
            else:
                inside = length_cm >= text_h + 0.05 and bar_cm >= text_w + 0.15
            gap_cm = (1 - plan.thickness) * bar_cm / plan.thickness
            if inside:
                xy = (middle, pos) if horizontal else (pos, middle)
                ax.annotate(text, xy, ha="center", va="center", fontsize=VALUE_PT,
                            color=_text_colour_on(colour), zorder=3)
            elif not horizontal and gap_cm > text_w + 0.3:
                # Too thin a segment to hold its number: it goes beside the bar, in the gap.
                beside[j].append((middle, text))
        if stacked:
            base = [b + v for b, v in zip(base, series.values)]
    if stacked and k > 1:
        # Labels beside thin neighbouring segments are pushed up until they no longer overlap.
        step = text_height_cm("0", VALUE_PT) / cm_per_value
        for pos, labels in zip(positions, beside):
            floor = -math.inf
            for middle, text in labels:
                y = max(middle, floor + step)
                ax.annotate(text, (pos + plan.thickness / 2, y), xytext=(3, 0),
                            textcoords="offset points", ha="left", va="center",
                            fontsize=VALUE_PT, color=TEXT, zorder=3)
                floor = y
        for pos, total in zip(positions, base):
            _end_label(ax, format_number(total), pos, total, horizontal, plan.upright_labels,
                       bold=True)

    if horizontal:
        ax.set_yticks(positions, plan.category_labels)
        ax.set_ylim(n - 0.5, -0.5)  # first category on top, as it is read
        _clean_axes(ax, "x", plan.value_axis)
        ax.axvline(0, color=BASELINE, linewidth=0.9, zorder=2.5)
    else:
        ax.set_xticks(positions, plan.category_labels)
        ax.set_xlim(-0.5, n - 0.5)
        _clean_axes(ax, "y", plan.value_axis)
        ax.axhline(0, color=BASELINE, linewidth=0.9, zorder=2.5)
    _legend_and_unit(fig, ax, chart, frame, unit_on_top=not horizontal)


def _end_label(ax: Axes, text: str, pos: float, value: float, horizontal: bool,
               upright: bool, bold: bool = False) -> None:
    """A value label just beyond the end of a bar (below it, for a negative bar)."""
    sign = -1 if value < 0 else 1
    gap = 3 * sign  # points
    weight = "bold" if bold else "normal"
    if horizontal:
        ax.annotate(text, (value, pos), xytext=(gap, 0), textcoords="offset points",
                    ha="left" if sign > 0 else "right", va="center", fontsize=VALUE_PT,
                    color=TEXT, weight=weight, zorder=3)
    else:
        ax.annotate(text, (pos, value), xytext=(0, gap), textcoords="offset points",
                    ha="center", va="bottom" if sign > 0 else "top", fontsize=VALUE_PT,
                    color=TEXT, weight=weight, rotation=90 if upright else 0, zorder=3)


# ---------------------------------------------------------------- line


def _draw_line(fig: Figure, chart: ChartData, style: ChartStyle, plan: LinePlan) -> None:
    """One line per series over the categories, markers on the data points."""
    frame = plan.frame
    ax = _axes(fig, frame)
    colours = style.colours
    x = list(plan.x)
    k = len(chart.series)
    for i, series in enumerate(chart.series):
        ax.plot(x, series.values, color=colours[i], linewidth=2.0, marker="o", markersize=4.5,
                label=series.name, zorder=3, clip_on=False, solid_capstyle="round")
    lo, hi = plan.value_axis.limits
    room = (text_height_cm("0", VALUE_PT) + 0.2) * (hi - lo) / frame.plot.height
    if plan.point_labels:
        for j in range(len(x)):
            column = sorted((s.values[j], i) for i, s in enumerate(chart.series))
            for rank, (value, _) in enumerate(column):
                if k == 2 and rank == 0 and column[0][0] == column[1][0]:
                    continue  # equal values: one label says it for both
                # With two series the lower one's number goes under its point, away from
                # the other line, if there is room above the axis for it.
                below = k == 2 and rank == 0 and value - lo >= room
                ax.annotate(format_number(value), (x[j], value),
                            xytext=(0, -5 if below else 5), textcoords="offset points",
                            ha="center", va="top" if below else "bottom", fontsize=VALUE_PT,
                            color=TEXT, zorder=4)
    ax.set_xticks(x, plan.tick_labels)
    ax.set_xlim(*plan.x_limits)
    _clean_axes(ax, "y", plan.value_axis)
    if lo < 0 < hi:
        ax.axhline(0, color=BASELINE, linewidth=0.9, zorder=2.5)
    ax.spines["bottom"].set_visible(True)
    ax.spines["bottom"].set_color(BASELINE)
    ax.spines["bottom"].set_linewidth(0.9)
    _legend_and_unit(fig, ax, chart, frame, unit_on_top=True)


# ---------------------------------------------------------------- part of whole


def _draw_part_of_whole(fig: Figure, chart: ChartData, style: ChartStyle, plan: PartPlan) -> None:
    """Bars of the full width divided into labelled parts, drawn in cm as planned."""
    from matplotlib.patches import Rectangle

    colours = style.colours
    ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
    ax.set_xlim(0, plan.width_cm)
    ax.set_ylim(plan.height_cm, 0)  # y down, as the plan measures it
    ax.set_axis_off()
    for row in plan.rows:
        if row.name:
            ax.text(MARGIN_CM, row.name_y, row.name, ha="left", va="top", fontsize=FONT_PT,
                    weight="bold", color=TEXT)
        for seg in row.segments:
            colour = colours[seg.colour_index]
            # The white edge separates parts; on a sliver it would hide the part itself.
            edge = 1.2 if seg.x1 - seg.x0 > 0.25 else 0.3
            ax.add_patch(Rectangle((seg.x0, row.bar_top), seg.x1 - seg.x0, row.bar_height,
                                   facecolor=colour, edgecolor="white", linewidth=edge))
            centre = (seg.x0 + seg.x1) / 2
            if seg.placement == "inside":
                ax.text(centre, row.bar_top + row.bar_height / 2, seg.label, ha="center",
                        va="center", fontsize=VALUE_PT, color=_text_colour_on(colour),
                        linespacing=1.15)
            elif seg.placement == "above":
                label_bottom = row.bar_top - 0.12
                half = text_width_cm(seg.label, VALUE_PT) / 2
                # The leader runs up from the segment's middle to the nearest point under
                # its label, so a label pushed aside still points at its own part.
                end_x = min(max(centre, seg.label_x - half + 0.1), seg.label_x + half - 0.1)
                ax.plot([centre, end_x], [row.bar_top, label_bottom], color=BASELINE,
                        linewidth=0.7, solid_capstyle="butt")
                ax.text(seg.label_x, label_bottom, seg.label, ha="center", va="bottom",
                        fontsize=VALUE_PT, color=TEXT)
            else:
                top = row.key_top + seg.key_line * (VALUE_LINE_CM + 0.08)
                middle = top + VALUE_LINE_CM / 2
                ax.add_patch(Rectangle((seg.label_x, middle - KEY_SWATCH_CM / 2), KEY_SWATCH_CM,
                                       KEY_SWATCH_CM, facecolor=colour, linewidth=0))
                ax.text(seg.label_x + KEY_SWATCH_CM + 0.12, middle, seg.label, ha="left",
                        va="center", fontsize=VALUE_PT, color=TEXT)
        ax.text(MARGIN_CM, row.total_y, row.total, ha="left", va="top", fontsize=VALUE_PT,
                color=MUTED)

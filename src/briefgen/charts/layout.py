"""Chart geometry decided in plain Python: label wrapping, orientation, sizes, number formats.

These decisions must be known without matplotlib, because a cache hit returns the size of
the picture without importing it, and they must be the same in every process, so text is
measured with a fixed table of DejaVu Sans advance widths rather than by the renderer. The
estimates err on the wide side, so a label that is judged to fit does fit.
"""

from __future__ import annotations

import itertools
import math
import unicodedata
from dataclasses import dataclass

from briefgen.charts.data import ChartData, ChartStyle

FONT_PT = 9.0  # category, tick, axis and legend text; 15 cm wide is print size, so this is true
VALUE_PT = 8.5  # value labels on bars and points; never below 8 pt on paper
PT_CM = 2.54 / 72

LINE_CM = FONT_PT * PT_CM * 1.25  # one line of FONT_PT text with leading
MAX_LABEL_LINES = 3  # more than this under a bar reads as a paragraph: switch to horizontal bars

# Advance widths of DejaVu Sans (the font matplotlib ships) in thousandths of an em, for
# the printable ASCII characters from space to tilde, read from the font's metrics.
_ASCII_WIDTH_TABLE = """
318 401 460 838 637 951 780 275 391 391 500 838 318 361 318 337 637 637 637 637 637 637
637 637 637 637 337 337 838 838 838 531 1000 685 687 699 771 632 576 775 752 295 295 656
558 863 749 788 604 788 695 635 611 732 685 989 686 611 686 391 337 391 838 500 500 613
635 550 635 616 353 635 634 278 278 580 278 975 634 612 635 635 412 521 393 634 592 818
592 592 525 637 337 637 838"""
_ASCII_WIDTHS = tuple(int(w) / 1000 for w in _ASCII_WIDTH_TABLE.split())
_OTHER_WIDTHS = {"\u2212": 0.838, "\u2013": 0.5, "\u2014": 1.0, "\u2026": 1.0, "\u00a0": 0.318}
_SAFETY = 1.03  # kerning and hinting can add a little; estimates must not fall short


def _char_em(ch: str) -> float:
    code = ord(ch)
    if 32 <= code < 127:
        return _ASCII_WIDTHS[code - 32]
    if ch in _OTHER_WIDTHS:
        return _OTHER_WIDTHS[ch]
    base = unicodedata.normalize("NFD", ch)[0]  # é is as wide as e
    if 32 <= ord(base) < 127:
        return _ASCII_WIDTHS[ord(base) - 32]
    return 1.0 if unicodedata.east_asian_width(ch) in ("W", "F") else 0.8


def text_width_cm(text: str, size_pt: float = FONT_PT) -> float:
    """The printed width of the widest line of ``text`` at ``size_pt``, estimated."""
    lines = text.split("\n") or [""]
    return max(sum(_char_em(c) for c in line) for line in lines) * size_pt * PT_CM * _SAFETY


def text_height_cm(text: str, size_pt: float = FONT_PT) -> float:
    """The printed height of ``text`` (all its lines) at ``size_pt``."""
    return (text.count("\n") + 1) * size_pt * PT_CM * 1.25


def wrap_text(text: str, max_cm: float, size_pt: float = FONT_PT) -> str:
    """``text`` broken at spaces into lines no wider than ``max_cm`` where words allow.

    A single word wider than ``max_cm`` is left whole on its own line (breaking inside a word
    is worse than a long line); callers compare ``text_width_cm`` with ``max_cm`` to notice.
    """
    words = text.split()
    if not words:
        return text
    lines: list[str] = []
    current = words[0]
    for word in words[1:]:
        candidate = f"{current} {word}"
        if text_width_cm(candidate, size_pt) <= max_cm:
            current = candidate
        else:
            lines.append(current)
            current = word
    lines.append(current)
    return "\n".join(lines)


def format_number(value: float) -> str:
    """A value as a reader expects it: thousands separators, no needless decimals."""
    if value == 0:
        return "0"  # also turns -0.0 into "0"
    if float(value).is_integer():
        text = f"{value:,.0f}"
    else:
        # Two decimals, or two significant digits for smaller numbers; never 1e-05 notation.
        decimals = max(2, 1 - math.floor(math.log10(abs(value))))
        text = f"{value:,.{decimals}f}".rstrip("0").rstrip(".")
    # A true minus sign: a hyphen is too short to notice in front of a number.
    return text.replace("-", "\u2212")


def format_shares(values: tuple[float, ...]) -> tuple[str, ...]:
    """Each value's share of their sum as a percentage, one way of rounding for the whole set.

    Whole percentages unless a small part would lose too much to rounding (13:2 reads as
    87% and 13%, but 253 of 15,209 as 1.7% and 98.3%); parts too small for one decimal read
    "<0.1%" rather than a false 0%.
    """
    total = sum(values)
    shares = [v / total * 100 for v in values]
    decimals = 1 if any(0 < s < 9.5 and abs(s - round(s)) > 0.05 for s in shares) else 0
    out = []
    for share in shares:
        if 0 < share < 0.05:
            out.append("<0.1%")
        else:
            out.append(f"{share:.{decimals}f}%")
    return tuple(out)


@dataclass(frozen=True)
class Box:
    """A rectangle on the figure in cm, from its lower left corner (matplotlib's way)."""

    left: float
    bottom: float
    width: float
    height: float


@dataclass(frozen=True)
class ValueAxis:
    """The value axis: its limits, the ticks inside them and their labels."""

    limits: tuple[float, float]
    ticks: tuple[float, ...]
    labels: tuple[str, ...]


@dataclass(frozen=True)
class Frame:
    """Where the parts of an axes chart go, in cm: the plot, the legend and the unit label.

    ``legend_top`` and ``unit_baseline`` are measured down from the top edge; ``legend_rows``
    is 0 when there is no legend (a single series).
    """

    width_cm: float
    height_cm: float
    plot: Box
    legend_rows: int
    legend_top: float
    unit_baseline: float


def nice_ticks(lo: float, hi: float, integral: bool, most: int = 6) -> tuple[float, ...]:
    """Round-number ticks from ``lo`` to ``hi``: steps of 1, 2, 2.5 or 5 times a power of ten.

    ``integral`` data (counts of people) never gets fractional steps such as 2.5 or 0.5.
    """
    span = hi - lo
    if span <= 0:
        return (lo,)
    magnitude = 10 ** math.floor(math.log10(span / (most - 1)))
    step = 10 * magnitude
    for multiple in (1, 2, 2.5, 5, 10):
        candidate = multiple * magnitude
        if integral and (candidate < 1 or (multiple == 2.5 and magnitude < 10)):
            continue
        if span / candidate <= most - 1:
            step = candidate
            break
    if integral:
        step = max(step, 1.0)
    first = math.ceil(lo / step - 1e-9)
    ticks = []
    i = first
    while i * step <= hi + step * 1e-9:
        ticks.append(round(i * step, 10) + 0.0)  # + 0.0 turns -0.0 into 0.0
        i += 1
    return tuple(ticks)


def _value_axis(lo: float, hi: float, need_cm: float, axis_cm: float, integral: bool,
                from_zero: bool = True) -> ValueAxis:
    """Limits with ``need_cm`` of room beyond the data's ends for labels, and their ticks.

    With ``from_zero`` the axis includes 0 (a bar's length is its value, so bars must start
    at zero) and the zero end gets no room unless the data crosses it.
    """
    if from_zero:
        lo, hi = min(lo, 0.0), max(hi, 0.0)
    span = (hi - lo) or abs(hi) or 1.0
    ends = 2 if not from_zero else max((lo < 0) + (hi > 0), 1)
    pad = span * need_cm / max(axis_cm - ends * need_cm, axis_cm * 0.5)
    low = lo - pad if (lo < 0 or not from_zero) else 0.0
    high = hi + pad if (hi > 0 or not from_zero or lo == 0) else 0.0
    ticks = nice_ticks(low, high, integral)
    return ValueAxis((low, high), ticks, tuple(format_number(t) for t in ticks))


def _estimate_tick_width_cm(values: list[float]) -> float:
    """A generous guess at the widest value tick label, before the ticks are known.

    Generous because the plot is sized with it first: when the real ticks turn out
    narrower the plot only grows, and labels that were judged to fit still fit.
    """
    widest = max((abs(v) for v in values), default=0.0)
    samples = [format_number(10 ** math.ceil(math.log10(widest * 1.3)) if widest >= 1 else 1)]
    if not all(v.is_integer() for v in values):
        samples.append(format_number(math.floor(widest)) + ".25")  # fractional steps
    sign = "\u2212" if any(v < 0 for v in values) else ""
    return max(text_width_cm(sign + sample, FONT_PT) for sample in samples)


def legend_rows(chart: ChartData, width_cm: float) -> int:
    """Rows the legend takes above the plot (0 for a single series)."""
    if len(chart.series) < 2:
        return 0
    rows, used = 1, 0.0
    for series in chart.series:
        entry = text_width_cm(series.name) + LEGEND_ENTRY_EXTRA_CM
        if used and used + entry > width_cm - 2 * MARGIN_CM:
            rows, used = rows + 1, 0.0
        used += entry
    return rows


MARGIN_CM = 0.15  # white border round every chart
TICK_PAD_CM = 4 * PT_CM  # between a tick label and the plot
LEGEND_ENTRY_EXTRA_CM = 1.2  # the swatch, its gap and the space to the next entry


def _frame(chart: ChartData, width: float, height: float, left: float, right: float,
           bottom: float, unit_on_top: bool) -> Frame:
    """The plot box once the side margins are known, with the legend and unit label above it."""
    rows = legend_rows(chart, width)
    top = MARGIN_CM + rows * LINE_CM + (0.15 if rows else 0.0)
    legend_top = MARGIN_CM
    unit_baseline = top + LINE_CM * 0.8
    if unit_on_top and chart.unit:
        top += LINE_CM + 0.15
    else:
        top += 0.25  # half a label above the top tick
    plot = Box(left, bottom, width - left - right, height - top - bottom)
    return Frame(width, height, plot, rows, legend_top, unit_baseline)


def _integral(chart: ChartData) -> bool:
    return all(v.is_integer() for s in chart.series for v in s.values)


@dataclass(frozen=True)
class BarPlan:
    """A bar chart's layout: orientation, labels, bar geometry, value axis and frame.

    ``thickness`` is each bar's width in category units (a category's slot is 1) and
    ``offsets`` each series' shift from the slot's centre. ``upright_labels`` turns value
    labels that are wider than their bars on end.
    """

    horizontal: bool
    category_labels: tuple[str, ...]
    thickness: float
    offsets: tuple[float, ...]
    upright_labels: bool
    value_axis: ValueAxis
    frame: Frame

    @property
    def bar_cm(self) -> float:
        """Printed thickness of one bar."""
        plot = self.frame.plot
        slot = (plot.height if self.horizontal else plot.width) / len(self.category_labels)
        return self.thickness * slot


def _bar_geometry(
    chart: ChartData, slot_cm: float, widest_cm: float
) -> tuple[float, tuple[float, ...]]:
    """Bar thickness in category units and each series' offset, for a slot of ``slot_cm``.

    Bars fill most of their slot, but no bar grows wider than ``widest_cm``: with one or two
    categories a slot-filling bar turns into a block that no longer reads as a bar.
    """
    k = 1 if chart.kind == "stacked-bar" else len(chart.series)
    thickness = min(0.62 if k == 1 else 0.8 / k, widest_cm / slot_cm)
    if chart.kind == "stacked-bar":
        return thickness, (0.0,) * len(chart.series)
    return thickness, tuple(thickness * (i + 0.5 - k / 2) for i in range(k))


def _bar_end_labels(chart: ChartData) -> tuple[list[float], list[str]]:
    """The values at the bars' far ends and the labels printed there."""
    if chart.kind == "stacked-bar":
        totals = [sum(col) for col in zip(*(s.values for s in chart.series))]
        return totals, ([format_number(t) for t in totals] if len(chart.series) > 1 else
                        [format_number(v) for v in chart.series[0].values])
    values = [v for s in chart.series for v in s.values]
    return values, [format_number(v) for v in values]


def plan_bars(chart: ChartData, style: ChartStyle) -> BarPlan:
    """Vertical bars with wrapped labels when they fit in three lines, else horizontal bars."""
    width, height = style.width_cm, style.height_cm
    n = len(chart.categories)
    ends, end_labels = _bar_end_labels(chart)
    widest_label = max(text_width_cm(t, VALUE_PT) for t in end_labels)
    integral = _integral(chart)
    lo, hi = min(ends), max(ends)

    # Vertical, if the wrapped category labels fit under their slots.
    left = MARGIN_CM + _estimate_tick_width_cm(ends) + TICK_PAD_CM
    right = MARGIN_CM + 0.1
    plot_w = width - left - right
    max_label = plot_w / n * 0.92
    wrapped = tuple(wrap_text(c, max_label) for c in chart.categories)
    lines = max(w.count("\n") + 1 for w in wrapped)
    if all(text_width_cm(w) <= max_label for w in wrapped) and lines <= MAX_LABEL_LINES:
        bottom = MARGIN_CM + TICK_PAD_CM + lines * LINE_CM
        frame = _frame(chart, width, height, left, right, bottom, unit_on_top=True)
        widest_bar = 2.5 if chart.kind == "stacked-bar" or len(chart.series) == 1 else 1.8
        thickness, _ = _bar_geometry(chart, plot_w / n, widest_bar)
        upright = widest_label > thickness * plot_w / n + 0.1
        need = (widest_label if upright else text_height_cm("0", VALUE_PT)) + 0.15
        axis = _value_axis(lo, hi, need, frame.plot.height, integral)
        # Now the ticks are known, give the plot exactly the room they leave.
        left = MARGIN_CM + max(text_width_cm(t) for t in axis.labels) + TICK_PAD_CM
        frame = _frame(chart, width, height, left, right, bottom, unit_on_top=True)
        thickness, offsets = _bar_geometry(chart, frame.plot.width / n, widest_bar)
        return BarPlan(False, wrapped, thickness, offsets, upright, axis, frame)

    # Horizontal: labels in a column of up to 40% of the width, on as many lines as needed.
    column = min(0.4 * width, max(text_width_cm(c) for c in chart.categories) + 0.05)
    wrapped = tuple(wrap_text(c, column) for c in chart.categories)
    left = MARGIN_CM + max(text_width_cm(w) for w in wrapped) + TICK_PAD_CM
    bottom = MARGIN_CM + TICK_PAD_CM + LINE_CM + (LINE_CM + 0.1 if chart.unit else 0.0)
    rows = legend_rows(chart, width)
    top = MARGIN_CM + rows * LINE_CM + 0.4
    # Each category needs room for its label, and for its bars to be told apart.
    per_category = max(max(w.count("\n") + 1 for w in wrapped) * LINE_CM + 0.25,
                       (0.4 * len(chart.series) if chart.kind == "grouped-bar" else 0.45) / 0.8)
    height = max(height, top + bottom + per_category * n)
    right = MARGIN_CM + 0.1
    frame = _frame(chart, width, height, left, right, bottom, unit_on_top=False)
    axis = _value_axis(lo, hi, widest_label + 0.2, frame.plot.width, integral)
    thickness, offsets = _bar_geometry(chart, frame.plot.height / n, 1.2)
    return BarPlan(True, wrapped, thickness, offsets, False, axis, frame)


@dataclass(frozen=True)
class LinePlan:
    """A line chart's layout: x positions, x tick labels, value axis, frame, point labels.

    Numeric categories (years) are placed by value so uneven gaps show as gaps; otherwise
    the categories are evenly spaced. ``tick_labels`` has "" where a label is left out
    because it would collide with its neighbour. ``point_labels`` says whether each point
    carries its value.
    """

    x: tuple[float, ...]
    x_limits: tuple[float, float]
    tick_labels: tuple[str, ...]
    value_axis: ValueAxis
    frame: Frame
    point_labels: bool


def _as_number(text: str) -> float | None:
    try:
        value = float(text.replace(",", ""))
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def plan_line(chart: ChartData, style: ChartStyle) -> LinePlan:
    """Positions, thinned and wrapped tick labels, and a zero-based value axis when it can be."""
    width, height = style.width_cm, style.height_cm
    numbers = [_as_number(c) for c in chart.categories]
    if all(n is not None for n in numbers) and len(set(numbers)) == len(numbers):
        x = tuple(float(n) for n in numbers if n is not None)
    else:
        x = tuple(float(i) for i in range(len(numbers)))
    xs = sorted(x)
    span_x = (xs[-1] - xs[0]) or 1.0
    x_limits = (xs[0] - span_x * 0.04, xs[-1] + span_x * 0.04)
    values = [v for s in chart.series for v in s.values]

    left = MARGIN_CM + _estimate_tick_width_cm(values) + TICK_PAD_CM
    plot_w = width - left - MARGIN_CM - 0.3
    cm_per_x = plot_w / (x_limits[1] - x_limits[0])
    gaps = [b - a for a, b in itertools.pairwise(xs)]
    spacing_cm = min(gaps) * cm_per_x if gaps else plot_w
    labels = [wrap_text(c, max(spacing_cm * 0.92, 1.2)) for c in chart.categories]
    labels = [lab if lab.count("\n") < 2 else "\n".join(lab.split("\n")[:2]) + "…"
              for lab in labels]
    widest = max(text_width_cm(lab) for lab in labels)
    step = max(1, math.ceil((widest + 0.3) / spacing_cm)) if gaps else 1
    order = sorted(range(len(x)), key=lambda i: x[i])
    shown = {order[i] for i in range(0, len(order), step)}
    tick_labels = tuple(lab if i in shown else "" for i, lab in enumerate(labels))
    lines = max(lab.count("\n") + 1 for lab in tick_labels)

    # Point labels only while they stay legible: one or two series, not too many points,
    # and points far enough apart for their numbers.
    widest_value = max(text_width_cm(format_number(v), VALUE_PT) for v in values)
    point_labels = (len(chart.series) <= 2 and len(x) <= 12
                    and (not gaps or widest_value + 0.15 <= spacing_cm))
    need = text_height_cm("0", VALUE_PT) + 0.2 if point_labels else 0.15

    # The last tick label is centred on the last point and may reach past the plot.
    last = tick_labels[order[-1]]
    right = MARGIN_CM + max(0.1, text_width_cm(last) / 2 - span_x * 0.04 * cm_per_x)
    bottom = MARGIN_CM + TICK_PAD_CM + lines * LINE_CM
    frame = _frame(chart, width, height, left, right, bottom, unit_on_top=True)
    lo, hi = min(values), max(values)
    # A line that never goes below zero is drawn from zero, so its changes are not exaggerated.
    if lo >= 0:
        axis = _value_axis(lo, hi, need, frame.plot.height, _integral(chart))
    else:
        axis = _value_axis(lo, hi, need, frame.plot.height, _integral(chart), from_zero=False)
    left = MARGIN_CM + max(text_width_cm(t) for t in axis.labels) + TICK_PAD_CM
    frame = _frame(chart, width, height, left, right, bottom, unit_on_top=True)
    return LinePlan(x, x_limits, tick_labels, axis, frame, point_labels)


@dataclass(frozen=True)
class PartSegment:
    """One part of a whole: its span on the bar in cm and where its label goes.

    ``placement`` is "inside" (centred in the segment; ``label`` may have a line break),
    "above" (centred on ``label_x`` just above the bar, with a leader line down to the
    segment) or "key" (in the key under the bar: a colour swatch at ``label_x`` on line
    ``key_line`` of the key, then the label).
    """

    x0: float
    x1: float
    colour_index: int
    label: str
    placement: str
    label_x: float = 0.0
    key_line: int = 0


@dataclass(frozen=True)
class PartRow:
    """One whole: an optional name line, a line of labels above, the bar, a key, the total.

    All y values are the tops of those things, in cm down from the figure's top edge.
    """

    name: str
    name_y: float
    bar_top: float
    bar_height: float
    key_top: float
    segments: tuple[PartSegment, ...]
    total: str
    total_y: float


@dataclass(frozen=True)
class PartPlan:
    """The whole part-of-whole picture in cm, y measured down from the top edge."""

    width_cm: float
    height_cm: float
    rows: tuple[PartRow, ...]


PART_BAR_CM = 1.1
KEY_SWATCH_CM = 0.3
_KEY_TEXT_GAP_CM = 0.12
_KEY_ENTRY_GAP_CM = 0.45
_LABEL_GAP_CM = 0.25  # between neighbouring labels above the bar
VALUE_LINE_CM = VALUE_PT * PT_CM * 1.25


def plan_part_of_whole(chart: ChartData, style: ChartStyle) -> PartPlan:
    """Each series as one bar of the full width, divided into its categories.

    A label goes inside its segment on one line if it fits, else on two ("Soldiers" over
    "13 (87%)"). Labels that fit in neither go above the bar, each over its own segment
    with a short leader line, when they fit there side by side without straying; if not
    (several thin parts next to each other), they go to a key of colour swatches under the
    bar instead, since a tangle of leader lines reads worse than a key.
    """
    width = style.width_cm
    x_left, x_right = MARGIN_CM, width - MARGIN_CM
    bar_w = x_right - x_left
    several = len(chart.series) > 1
    rows: list[PartRow] = []
    y = MARGIN_CM
    for series in chart.series:
        total = sum(series.values)
        shares = format_shares(series.values)
        inside: list[PartSegment] = []
        outside: list[tuple[float, float, int, str]] = []
        x = x_left
        for i, (category, value, share) in enumerate(zip(chart.categories, series.values, shares)):
            if value == 0:
                continue  # a part of nothing has no segment; the total still counts it as 0
            seg_w = value / total * bar_w
            figure = f"{format_number(value)} ({share})"
            one_line = f"{category} {figure}".strip()
            two_lines = f"{category}\n{figure}" if category else figure
            room = seg_w - 0.25
            if text_width_cm(one_line, VALUE_PT) <= room:
                inside.append(PartSegment(x, x + seg_w, i, one_line, "inside"))
            elif (text_width_cm(two_lines, VALUE_PT) <= room
                  and text_height_cm(two_lines, VALUE_PT) <= PART_BAR_CM - 0.1):
                inside.append(PartSegment(x, x + seg_w, i, two_lines, "inside"))
            else:
                outside.append((x, x + seg_w, i, one_line))
            x += seg_w

        above = _labels_above(outside, x_left, x_right)
        if above is not None:
            placed = [PartSegment(x0, x1, i, label, "above", cx)
                      for (x0, x1, i, label), cx in zip(outside, above)]
            key_lines = 0
        else:
            placed, key_lines = _key_entries(outside, x_left, x_right)

        name_y = y
        if several:
            y += LINE_CM + 0.05
        if above:
            y += VALUE_LINE_CM + 0.2
        bar_top = y
        y += PART_BAR_CM + 0.12
        key_top = y
        y += key_lines * (VALUE_LINE_CM + 0.08)
        total_y = y
        unit = f" {chart.unit}" if chart.unit else ""
        segments = tuple(sorted(inside + placed, key=lambda s: s.x0))
        rows.append(PartRow(series.name if several else "", name_y, bar_top, PART_BAR_CM,
                            key_top, segments, f"Total {format_number(total)}{unit}", total_y))
        y += VALUE_LINE_CM + 0.35
    height = y - 0.35 + MARGIN_CM
    return PartPlan(width, round(height, 3), tuple(rows))


def _labels_above(
    labels: list[tuple[float, float, int, str]], x_left: float, x_right: float
) -> list[float] | None:
    """Centres for labels in one line above the bar, or None if they cannot all go there.

    Each label starts centred over its segment (kept on the page) and is pushed right just
    far enough to clear its left neighbour; a label pushed off its segment's reach, or
    off the page, means this line does not work.
    """
    centres: list[float] = []
    previous_end = -math.inf
    for x0, x1, _, text in labels:
        half = text_width_cm(text, VALUE_PT) / 2
        centre = min(max((x0 + x1) / 2, x_left + half), x_right - half)
        centre = max(centre, previous_end + _LABEL_GAP_CM + half)
        # The leader line must still reach from under the label to the segment.
        if centre + half > x_right or centre - half > x1 - 0.05:
            return None
        centres.append(centre)
        previous_end = centre + half
    return centres


def _key_entries(
    labels: list[tuple[float, float, int, str]], x_left: float, x_right: float
) -> tuple[list[PartSegment], int]:
    """Key entries flowing left to right in lines under the bar, and the number of lines."""
    entries: list[PartSegment] = []
    line, x = 0, x_left
    for x0, x1, index, text in labels:
        entry = KEY_SWATCH_CM + _KEY_TEXT_GAP_CM + text_width_cm(text, VALUE_PT)
        if x > x_left and x + entry > x_right:
            line, x = line + 1, x_left
        entries.append(PartSegment(x0, x1, index, text, "key", x, line))
        x += entry + _KEY_ENTRY_GAP_CM
    return entries, (line + 1 if labels else 0)


def figure_size(chart: ChartData, style: ChartStyle) -> tuple[float, float]:
    """The width and height in cm the chart is drawn at (part-of-whole needs less height)."""
    if chart.kind == "part-of-whole":
        plan = plan_part_of_whole(chart, style)
        return plan.width_cm, plan.height_cm
    if chart.kind == "line":
        return style.width_cm, style.height_cm
    frame = plan_bars(chart, style).frame
    return frame.width_cm, frame.height_cm


"""Tests for briefgen.charts.layout: number formats, label wrapping and chart geometry."""

from __future__ import annotations

import itertools
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from briefgen.charts import ChartData, ChartSeries, ChartStyle
from briefgen.charts.layout import (
    FONT_PT,
    MARGIN_CM,
    VALUE_PT,
    figure_size,
    format_number,
    format_shares,
    nice_ticks,
    plan_bars,
    plan_line,
    plan_part_of_whole,
    text_width_cm,
    wrap_text,
)

from .samples import FATALITIES, SAMPLES

MINUS = "\u2212"


@pytest.mark.parametrize("value, text", [
    (0, "0"), (-0.0, "0"), (13, "13"), (2200, "2,200"), (15209, "15,209"),
    (1234567, "1,234,567"), (120.5, "120.5"), (1234.75, "1,234.75"), (-300, f"{MINUS}300"),
    (0.004, "0.004"), (0.00004, "0.00004"), (0.30000000000000004, "0.3"),
])
def test_format_number(value: float, text: str) -> None:
    assert format_number(value) == text


def test_shares_of_the_minusma_split_are_whole_percentages() -> None:
    assert format_shares((13.0, 2.0)) == ("87%", "13%")


def test_shares_keep_a_decimal_when_a_small_part_would_lose_too_much() -> None:
    assert format_shares((253.0, 15209.0 - 253.0)) == ("1.7%", "98.3%")


def test_tiny_shares_never_read_as_zero() -> None:
    assert format_shares((1.0, 99999.0))[0] == "<0.1%"


def test_wrap_text_breaks_at_spaces_within_the_width() -> None:
    wrapped = wrap_text("Council on Foreign Relations", 2.6)
    assert wrapped == "Council on\nForeign\nRelations"
    assert all(text_width_cm(line) <= 2.6 for line in wrapped.split("\n"))


@given(st.lists(st.text(alphabet="abcdefghijklmnopqrstuvwxyzABC0123()", min_size=1,
                        max_size=12), min_size=1, max_size=8),
       st.floats(min_value=0.5, max_value=10))
def test_wrap_text_keeps_every_word_in_order(words: list[str], width: float) -> None:
    wrapped = wrap_text(" ".join(words), width)
    assert wrapped.split() == words
    for line in wrapped.split("\n"):
        # a line is too wide only when it is a single word that cannot be broken
        assert text_width_cm(line) <= width or " " not in line


@given(st.floats(min_value=-1e6, max_value=1e6), st.floats(min_value=1e-3, max_value=1e6),
       st.booleans())
def test_nice_ticks_are_evenly_spaced_round_numbers_in_range(lo: float, span: float,
                                                             integral: bool) -> None:
    hi = lo + span
    ticks = nice_ticks(lo, hi, integral)
    assert len(ticks) <= 7
    if not integral or math.floor(hi) >= math.ceil(lo):
        assert ticks
    assert all(lo - 1e-6 * span <= t <= hi + 1e-6 * span for t in ticks)
    steps = {round(b - a, 6) for a, b in itertools.pairwise(ticks)}
    assert len(steps) <= 1
    if integral and steps:
        assert min(steps) >= 1


def test_short_labels_give_vertical_bars_and_wrap() -> None:
    plan = plan_bars(SAMPLES["grouped-bar"], ChartStyle())
    assert not plan.horizontal
    assert plan.category_labels[0] == "UN (2020)"
    assert "\n" in plan.category_labels[3]  # "Council on Foreign Relations" wraps
    slot = plan.frame.plot.width / 4
    assert all(text_width_cm(label) <= slot for label in plan.category_labels)
    assert plan.value_axis.labels[-1] == "4,000"
    # the bars and the tick labels fit inside the page width
    assert plan.frame.plot.left + plan.frame.plot.width <= 15.0 - MARGIN_CM


def test_long_labels_turn_bars_horizontal() -> None:
    chart = ChartData("bar", "Long", (
        "United Nations Security Council Analytical Support and Sanctions Monitoring Team",
        "US Department of State Country Reports on Terrorism",
        "Ali, Afghanistan Analysts Network",
        "Council on Foreign Relations Global Conflict Tracker",
    ), (ChartSeries("Fighters", (2200, 3000, 4000, 2000)),), "fighters")
    plan = plan_bars(chart, ChartStyle())
    assert plan.horizontal
    widest = max(text_width_cm(label) for label in plan.category_labels)
    assert widest <= 0.4 * 15.0 + 0.05
    assert plan.frame.plot.left >= widest


def test_many_categories_make_a_taller_chart() -> None:
    chart = ChartData("bar", "Many", tuple(f"Region {i}" for i in range(30)),
                      (ChartSeries("x", tuple(float(i) for i in range(30))),))
    width, height = figure_size(chart, ChartStyle())
    assert width == 15.0 and height > 8.0


def test_value_labels_turn_upright_only_when_bars_are_too_thin() -> None:
    assert not plan_bars(SAMPLES["grouped-bar"], ChartStyle()).upright_labels
    crowded = ChartData("grouped-bar", "Crowded", tuple("ABCDEFGH"),
                        tuple(ChartSeries(f"s{i}", (1234567.0,) * 8) for i in range(3)))
    plan = plan_bars(crowded, ChartStyle())
    assert plan.horizontal or plan.upright_labels


def test_a_lone_bar_does_not_become_a_block() -> None:
    chart = ChartData("bar", "One", ("Only",), (ChartSeries("x", (5,)),))
    assert plan_bars(chart, ChartStyle()).bar_cm <= 2.5 + 1e-9


def test_line_places_years_by_value_and_starts_at_zero() -> None:
    plan = plan_line(SAMPLES["line"], ChartStyle())
    assert plan.x == (2016.0, 2018.0, 2020.0, 2021.0)
    assert plan.value_axis.limits[0] == 0.0
    assert plan.point_labels


def test_line_thins_tick_labels_that_would_collide() -> None:
    categories = tuple(f"{y}-{m:02d}" for y in range(2015, 2022) for m in range(1, 13))
    chart = ChartData("line", "Monthly", categories,
                      (ChartSeries("x", tuple(float(i % 7) for i in range(len(categories)))),))
    plan = plan_line(chart, ChartStyle())
    shown = [label for label in plan.tick_labels if label]
    assert 2 <= len(shown) < len(categories)
    assert not plan.point_labels


def test_minusma_split_is_labelled_inside_its_bar() -> None:
    plan = plan_part_of_whole(SAMPLES["part-of-whole"], ChartStyle())
    (row,) = plan.rows
    labels = [(s.label, s.placement) for s in row.segments]
    assert labels == [("Soldiers 13 (87%)", "inside"), ("Police\n2 (13%)", "inside")]
    assert row.total == "Total 15 parts"
    assert plan.height_cm < 3.0  # one bar needs far less than the default 8 cm


def test_a_sliver_is_labelled_above_the_bar() -> None:
    (row,) = plan_part_of_whole(FATALITIES, ChartStyle()).rows
    killed = row.segments[0]
    assert killed.placement == "above"
    assert killed.label == "Killed 253 (1.7%)"
    assert row.segments[1].placement == "inside"


def test_many_slivers_go_to_a_key() -> None:
    chart = ChartData("part-of-whole", "Contributors",
                      ("Chad", "Bangladesh", "Egypt", "Senegal", "Togo", "Others"),
                      (ChartSeries("2021", (1400, 1300, 1100, 900, 800, 9709)),), "personnel")
    (row,) = plan_part_of_whole(chart, ChartStyle()).rows
    placements = {s.label.split()[0]: s.placement for s in row.segments}
    assert placements["Others"] == "inside"
    assert {placements[c] for c in ("Chad", "Bangladesh", "Egypt", "Senegal", "Togo")} == {"key"}


@given(st.lists(st.integers(min_value=0, max_value=100_000), min_size=1, max_size=7)
       .filter(lambda vs: sum(vs) > 0),
       st.sampled_from([8.0, 15.0, 21.0]))
def test_part_of_whole_geometry_holds_for_any_split(values: list[int], width: float) -> None:
    categories = tuple(f"Part {chr(65 + i)}" for i in range(len(values)))
    chart = ChartData("part-of-whole", "Split", categories,
                      (ChartSeries("Whole", tuple(float(v) for v in values)),))
    (row,) = plan_part_of_whole(chart, ChartStyle(width_cm=width)).rows
    segments = row.segments
    # the segments tile the bar from margin to margin, in order, each as wide as its share
    assert math.isclose(segments[0].x0, MARGIN_CM)
    assert math.isclose(segments[-1].x1, width - MARGIN_CM)
    assert all(math.isclose(a.x1, b.x0) for a, b in itertools.pairwise(segments))
    total = sum(values)
    for seg in segments:
        assert math.isclose(seg.x1 - seg.x0, values[seg.colour_index] / total
                            * (width - 2 * MARGIN_CM))
    # labels never overlap: inside ones fit their segment, others do not collide
    for seg in segments:
        w = text_width_cm(seg.label, VALUE_PT)
        if seg.placement == "inside":
            assert w <= seg.x1 - seg.x0
    above = sorted((s.label_x - text_width_cm(s.label, VALUE_PT) / 2,
                    s.label_x + text_width_cm(s.label, VALUE_PT) / 2)
                   for s in segments if s.placement == "above")
    assert all(b[0] >= a[1] for a, b in itertools.pairwise(above))
    assert all(a >= MARGIN_CM - 1e-9 and b <= width - MARGIN_CM + 1e-9 for a, b in above)
    keys: dict[int, list[tuple[float, float]]] = {}
    for s in segments:
        if s.placement == "key":
            keys.setdefault(s.key_line, []).append(
                (s.label_x, s.label_x + 0.45 + text_width_cm(s.label, VALUE_PT)))
    for entries in keys.values():
        assert all(b[0] >= a[1] for a, b in itertools.pairwise(entries))


def test_text_width_estimate_errs_wide_of_dejavu_sans() -> None:
    # Measured with matplotlib: the estimate must never be narrower than the real text,
    # or a label judged to fit would overflow.
    from matplotlib.backends.backend_agg import RendererAgg
    from matplotlib.font_manager import FontProperties

    from briefgen.charts.draw import PNG_DPI

    # At the PNG's resolution; SVG text is unhinted and exactly the sum of advances.
    renderer = RendererAgg(100, 100, PNG_DPI)
    font = FontProperties(family="DejaVu Sans", size=FONT_PT)
    for text in ["Soldiers 13 (87%)", "Other authorised personnel 14,956 (98.3%)",
                 "Council on Foreign Relations", "MMMWWW %%%", "iiilll...", "2,200",
                 "US State Department (2021)", f"{MINUS}1,234.75"]:
        width_px = renderer.get_text_width_height_descent(text, font, ismath=False)[0]
        real_cm = width_px / PNG_DPI * 2.54
        estimate = text_width_cm(text, FONT_PT)
        assert real_cm <= estimate <= real_cm * 1.1, text


_words = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJ()0123456789,.", min_size=1,
                 max_size=14)


@given(st.lists(st.lists(_words, min_size=1, max_size=6).map(" ".join), min_size=1,
                max_size=12),
       st.lists(st.floats(min_value=-1e7, max_value=1e7), min_size=12, max_size=12),
       st.sampled_from(["bar", "grouped-bar", "stacked-bar"]))
def test_bar_labels_always_fit_their_slots(categories: list[str], values: list[float],
                                           kind: str) -> None:
    n = len(categories)
    if kind == "stacked-bar":
        values = [abs(v) for v in values]
    series = [ChartSeries("A", tuple(values[:n]))]
    if kind != "bar":
        series.append(ChartSeries("B", tuple(reversed(values[:n]))))
    chart = ChartData(kind, "t", tuple(categories), tuple(series), "unit")
    plan = plan_bars(chart, ChartStyle())
    plot = plan.frame.plot
    assert plot.width > 0 and plot.height > 0
    assert plot.left + plot.width <= 15.0
    if plan.horizontal:
        assert all(text_width_cm(label) <= plot.left for label in plan.category_labels)
    else:
        slot = plot.width / n
        assert all(text_width_cm(label) <= slot for label in plan.category_labels)
        assert all(label.count("\n") < 3 for label in plan.category_labels)
    # ticks sit inside the axis and the data fits between its limits
    low, high = plan.value_axis.limits
    assert all(low <= t <= high for t in plan.value_axis.ticks)

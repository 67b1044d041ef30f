"""Tests for briefgen.charts.data: checked chart values and the cache key."""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from briefgen.charts import (
    CHART_KINDS,
    ChartData,
    ChartSeries,
    ChartStyle,
    chart_key,
    template_chart_style,
)
from briefgen.charts import data as data_module
from briefgen.errors import BriefgenError, ChartError, TemplateError

from .samples import SAMPLES

SRC = Path(__file__).resolve().parents[2] / "src"


def _chart(kind: str = "bar", categories: tuple[str, ...] = ("Soldiers", "Police"),
           *series: ChartSeries) -> ChartData:
    return ChartData(kind, "Test chart", categories, series or (ChartSeries("s", (13, 2)),))


# ---------------------------------------------------------------- valid data


def test_values_are_stored_as_float_tuples() -> None:
    series = ChartSeries("MINUSMA", [13, 2])  # type: ignore[arg-type]
    assert series.values == (13.0, 2.0)
    assert all(type(v) is float for v in series.values)


def test_int_and_float_data_are_the_same_chart() -> None:
    as_ints = _chart("bar", ("a", "b"), ChartSeries("s", (13, 2)))
    as_floats = _chart("bar", ("a", "b"), ChartSeries("s", (13.0, 2.0)))
    assert as_ints == as_floats
    assert hash(as_ints) == hash(as_floats)
    assert chart_key(as_ints, ChartStyle()) == chart_key(as_floats, ChartStyle())


def test_lists_become_tuples_so_charts_stay_hashable() -> None:
    chart = ChartData("bar", "t", ["a", "b"], [ChartSeries("s", (1, 2))])  # type: ignore[arg-type]
    assert chart.categories == ("a", "b")
    assert isinstance(chart.series, tuple)
    hash(chart)


def test_every_kind_is_accepted() -> None:
    assert CHART_KINDS == ("bar", "grouped-bar", "stacked-bar", "line", "part-of-whole")
    for kind in CHART_KINDS:
        _chart(kind)


def test_negative_values_are_fine_where_nothing_adds_up() -> None:
    _chart("bar", ("a", "b"), ChartSeries("change", (-3, 4)))
    _chart("line", ("2020", "2021"), ChartSeries("change", (-3, 4)))
    _chart("grouped-bar", ("a", "b"), ChartSeries("x", (-3, 4)), ChartSeries("y", (1, -1)))


# ---------------------------------------------------------------- bad data


def _error(make: object) -> ChartError:
    with pytest.raises(ChartError) as caught:
        make()  # type: ignore[operator]
    assert isinstance(caught.value, BriefgenError)
    assert caught.value.category == "chart"
    return caught.value


def test_series_length_must_match_categories() -> None:
    error = _error(lambda: _chart("bar", ("Soldiers", "Police"),
                                  ChartSeries("MINUSMA", (13, 2, 1))))
    message = str(error)
    assert '"MINUSMA" has 3 values but the chart has 2 categories' in message
    assert "Soldiers, Police" in message
    assert error.problems[0].key == "series[0].values"


def test_no_categories() -> None:
    error = _error(lambda: ChartData("bar", "Empty", (), (ChartSeries("s", ()),)))
    assert "at least one category" in str(error)


def test_no_series() -> None:
    error = _error(lambda: ChartData("bar", "Empty", ("a",), ()))
    assert "at least one series" in str(error)


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_nan_and_infinity_are_refused(bad: float) -> None:
    error = _error(lambda: ChartSeries("Deaths", (180, bad, 175)))
    assert "finite number" in str(error)
    assert '"Deaths"' in str(error)
    assert error.problems[0].key == "values[1]"


@pytest.mark.parametrize("bad", ["180", None, True])
def test_values_must_be_numbers(bad: object) -> None:
    error = _error(lambda: ChartSeries("Deaths", (bad,)))  # type: ignore[arg-type]
    assert "expected a number" in str(error)


@pytest.mark.parametrize("kind", ["stacked-bar", "part-of-whole"])
def test_negative_values_are_refused_where_values_add_up(kind: str) -> None:
    error = _error(lambda: _chart(kind, ("Soldiers", "Police"), ChartSeries("MINUSMA", (13, -2))))
    message = str(error)
    assert "cannot be negative" in message
    assert '"Police"' in message and "-2" in message


def test_part_of_whole_needs_something_to_divide() -> None:
    error = _error(lambda: _chart("part-of-whole", ("a", "b"), ChartSeries("zero", (0, 0))))
    assert "adds up to 0" in str(error)


def test_unknown_kind_names_the_kinds_that_exist() -> None:
    message = str(_error(lambda: _chart("histogram")))
    assert 'unknown chart kind "histogram"' in message
    for kind in CHART_KINDS:
        assert kind in message


def test_unknown_kind_suggests_the_nearest() -> None:
    assert 'did you mean "grouped-bar"' in str(_error(lambda: _chart("grouped_bar")))


def test_pie_points_to_part_of_whole() -> None:
    message = str(_error(lambda: _chart("pie")))
    assert "part-of-whole" in message and "pie charts are not drawn" in message


def test_bar_has_one_series() -> None:
    message = str(_error(lambda: _chart("bar", ("a",), ChartSeries("x", (1,)),
                                        ChartSeries("y", (2,)))))
    assert "grouped-bar" in message and "stacked-bar" in message


def test_series_names_must_tell_series_apart() -> None:
    error = _error(lambda: _chart("line", ("2020",), ChartSeries("UN", (1,)),
                                  ChartSeries("UN", (2,)), ChartSeries(" ", (3,))))
    messages = [p.message for p in error.problems]
    assert any("used twice" in m for m in messages)
    assert any("needs a name" in m for m in messages)


def test_all_problems_are_reported_together() -> None:
    error = _error(lambda: ChartData("stacked-bar", "Bad", ("a", "b"),
                                     (ChartSeries("x", (1, -1)), ChartSeries("y", (1,)))))
    assert "2 problems" in str(error)
    assert len(error.problems) == 2
    assert "  " in error.report()  # one indented line per problem


# ---------------------------------------------------------------- style


def test_style_colours_start_with_the_accent_and_do_not_repeat() -> None:
    style = ChartStyle(accent="#E69F00")
    assert style.colours[0] == "#E69F00"
    assert len({c.lower() for c in style.colours}) == len(style.colours)
    assert ChartStyle().colours[0] == "#1f4e79"


@pytest.mark.parametrize("field, value", [("accent", "navy"), ("accent", "#12345"),
                                          ("palette", ("#fff", "red")),
                                          ("width_cm", 0.0), ("height_cm", -1.0),
                                          ("font_family", "  ")])
def test_bad_style_is_refused(field: str, value: object) -> None:
    with pytest.raises(ChartError) as caught:
        ChartStyle(**{field: value})  # type: ignore[arg-type]
    assert field in caught.value.report()


def test_template_colours_order_the_series_colours() -> None:
    style = template_chart_style({"accent": "#7a1f3d", "highlight": "#c8742b",
                                  "series": ["#335c67", "#7A1F3D"], "link": "#1f5c99"}, "t.yaml")
    assert style.colours[:3] == ("#7a1f3d", "#c8742b", "#335c67")  # the accent is not repeated
    assert "#1f5c99" not in style.colours  # link colours are not series colours
    default = ChartStyle()
    assert len(style.colours) >= len(default.colours)  # the default palette follows
    assert style.colours[3:] == tuple(c for c in default.colours if c != default.accent)


def test_a_template_without_chart_colours_draws_the_default_style() -> None:
    assert template_chart_style({}, "t.yaml") == ChartStyle()
    assert template_chart_style({"marking": "#b00000"}, "t.yaml") == ChartStyle()


def test_bad_template_colours_name_the_file_and_every_key() -> None:
    with pytest.raises(TemplateError) as caught:
        template_chart_style({"accent": "navy", "series": ["#fff", 3]}, "desk/template.yaml")
    assert [(p.file, p.key) for p in caught.value.problems] == [
        ("desk/template.yaml", "colours.accent"), ("desk/template.yaml", "colours.series[1]")]
    assert "expected a colour like" in caught.value.report()
    with pytest.raises(TemplateError, match="2 colour problems"):
        template_chart_style({"accent": "#000", "highlight": None, "series": "#fff"}, "t.yaml")


def test_the_cache_key_follows_the_template_colours() -> None:
    chart = _chart("bar", ("a", "b"), ChartSeries("x", (1, 2)))
    keys = {chart_key(chart, template_chart_style(colours, "t.yaml"))
            for colours in ({}, {"accent": "#000000"}, {"highlight": "#000000"},
                            {"series": ["#ffffff"]})}
    assert len(keys) == 4


# ---------------------------------------------------------------- cache key


def test_key_is_sha256_hex() -> None:
    key = chart_key(SAMPLES["bar"], ChartStyle())
    assert len(key) == 64 and int(key, 16) >= 0


def test_key_changes_with_everything_that_affects_the_picture() -> None:
    base = SAMPLES["grouped-bar"]
    style = ChartStyle()
    keys = {
        chart_key(base, style),
        chart_key(ChartData(base.kind, base.title, base.categories, base.series, "people"), style),
        chart_key(ChartData("stacked-bar", base.title, base.categories, base.series, base.unit),
                  style),
        chart_key(ChartData(base.kind, base.title, ("a", "b", "c", "d"), base.series, base.unit),
                  style),
        chart_key(ChartData(base.kind, base.title, base.categories,
                            (base.series[0], ChartSeries("High", (2200, 3000, 4000, 2001)))),
                  style),
        chart_key(base, ChartStyle(accent="#000000")),
        chart_key(base, ChartStyle(width_cm=12)),
        chart_key(base, ChartStyle(height_cm=6)),
        chart_key(base, ChartStyle(font_family="Liberation Sans")),
        chart_key(base, ChartStyle(palette=("#e69f00",))),
    }
    assert len(keys) == 10


def test_key_includes_the_drawing_version(monkeypatch: pytest.MonkeyPatch) -> None:
    before = chart_key(SAMPLES["bar"], ChartStyle())
    monkeypatch.setattr(data_module, "DRAWING_VERSION", "test")
    assert chart_key(SAMPLES["bar"], ChartStyle()) != before


def test_key_includes_the_matplotlib_version(monkeypatch: pytest.MonkeyPatch) -> None:
    before = chart_key(SAMPLES["bar"], ChartStyle())
    monkeypatch.setattr(data_module, "_matplotlib_version", lambda: "0.0")
    assert chart_key(SAMPLES["bar"], ChartStyle()) != before


def test_matplotlib_version_is_read_without_importing_it() -> None:
    import matplotlib

    assert data_module._matplotlib_version() == matplotlib.__version__


def test_key_is_the_same_in_another_process() -> None:
    # A different hash seed must not change the key: it names files on disk between runs.
    code = (
        "from briefgen.charts import ChartData, ChartSeries, ChartStyle, chart_key;"
        "print(chart_key(ChartData('part-of-whole', 'Soldiers to police in MINUSMA',"
        " ('Soldiers', 'Police'), (ChartSeries('MINUSMA', (13, 2)),), 'parts'), ChartStyle()))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={"PYTHONPATH": str(SRC), "PYTHONHASHSEED": "12345"})
    assert out.stdout.strip() == chart_key(SAMPLES["part-of-whole"], ChartStyle())


@given(st.lists(st.floats(allow_nan=False, allow_infinity=False, width=64), min_size=1,
                max_size=6))
def test_equal_data_gives_equal_keys(values: list[float]) -> None:
    categories = tuple(f"c{i}" for i in range(len(values)))
    one = ChartData("line", "t", categories, (ChartSeries("s", tuple(values)),))
    two = ChartData("line", "t", list(categories), [ChartSeries("s", list(values))])  # type: ignore[arg-type]
    assert chart_key(one, ChartStyle()) == chart_key(two, ChartStyle())

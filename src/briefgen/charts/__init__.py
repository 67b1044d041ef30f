"""Charts: chart data and style in, cached PNG and SVG images out (the only matplotlib user)."""

from briefgen.charts.data import (
    CHART_KINDS,
    DRAWING_VERSION,
    ChartData,
    ChartImages,
    ChartKind,
    ChartSeries,
    ChartStyle,
    chart_key,
)
from briefgen.charts.draw import draw_chart

__all__ = [
    "CHART_KINDS",
    "DRAWING_VERSION",
    "ChartData",
    "ChartImages",
    "ChartKind",
    "ChartSeries",
    "ChartStyle",
    "chart_key",
    "draw_chart",
]

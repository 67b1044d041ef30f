"""Charts: chart data and style in, cached PNG and SVG images out (the only matplotlib user)."""

from briefgen.charts.data import (
    CHART_KINDS,
    DRAWING_VERSION,
    IMAGE_TYPES,
    ChartData,
    ChartImages,
    ChartKind,
    ChartSeries,
    ChartStyle,
    chart_key,
    template_chart_style,
)
from briefgen.charts.draw import chart_images, check_colours, draw_chart, draw_charts_into, is_drawn
from briefgen.charts.jobs import ChartJob, draw_charts

__all__ = [
    "CHART_KINDS",
    "DRAWING_VERSION",
    "IMAGE_TYPES",
    "ChartJob",
    "ChartData",
    "ChartImages",
    "ChartKind",
    "ChartSeries",
    "ChartStyle",
    "chart_images",
    "check_colours",
    "chart_key",
    "draw_chart",
    "draw_charts",
    "draw_charts_into",
    "is_drawn",
    "template_chart_style",
]

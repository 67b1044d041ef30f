"""Tests for briefgen.charts.jobs: a build's charts drawn as the image types asked for."""

from __future__ import annotations

from pathlib import Path

from briefgen.charts import draw_charts

from .samples import SAMPLES


def test_only_the_image_types_asked_for_are_drawn(tmp_path: Path) -> None:
    job = draw_charts({"sections[0].charts[0]": SAMPLES["bar"]}, tmp_path, ("png",))
    images = job.wait()["sections[0].charts[0]"]
    assert images.png.is_file() and not images.svg.exists()


def test_charts_in_the_cache_are_not_drawn_again_and_a_new_type_is_added(tmp_path: Path) -> None:
    charts = {"sections[0].charts[0]": SAMPLES["line"]}
    first = draw_charts(charts, tmp_path, ("png",)).wait()["sections[0].charts[0]"]
    png = first.png.read_bytes()
    assert draw_charts(charts, tmp_path, ("png",)).drawing is None  # cached
    with_svg = draw_charts(charts, tmp_path, ("png", "svg"))
    assert with_svg.drawing is not None
    images = with_svg.wait()["sections[0].charts[0]"]
    # The same key names both files: a PNG-only build and a full one share the cache.
    assert images.svg.is_file() and images.png.read_bytes() == png

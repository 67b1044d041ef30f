"""Tests for briefgen.charts.draw: real PNG and SVG files, deterministic and cached."""

from __future__ import annotations

import struct
import subprocess
import sys
import warnings
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from briefgen.charts import ChartData, ChartSeries, ChartStyle, chart_key, draw_chart
from briefgen.charts import draw as draw_module
from briefgen.errors import ChartError

from .samples import FATALITIES, SAMPLES

SRC = Path(__file__).resolve().parents[2] / "src"
SVG_NS = "{http://www.w3.org/2000/svg}"


def png_chunks(path: Path) -> dict[bytes, bytes]:
    """The PNG's chunks by type (the first of each), after checking the signature."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    chunks: dict[bytes, bytes] = {}
    pos = 8
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind = data[pos + 4:pos + 8]
        chunks.setdefault(kind, data[pos + 8:pos + 8 + length])
        pos += 12 + length
    return chunks


def png_dpi_and_size(path: Path) -> tuple[float, float, int, int]:
    chunks = png_chunks(path)
    width, height = struct.unpack(">II", chunks[b"IHDR"][:8])
    x_ppm, y_ppm, unit = struct.unpack(">IIB", chunks[b"pHYs"])
    assert unit == 1, "pHYs unit must be metres"
    return x_ppm * 0.0254, y_ppm * 0.0254, width, height


def test_each_kind_draws_a_print_quality_png(sample: ChartData, tmp_path: Path) -> None:
    images = draw_chart(sample, tmp_path)
    x_dpi, y_dpi, width_px, height_px = png_dpi_and_size(images.png)
    assert x_dpi >= 199.9 and y_dpi >= 199.9
    # the pixels are the page size at that resolution
    assert width_px == pytest.approx(images.width_cm / 2.54 * x_dpi, abs=1.5)
    assert height_px == pytest.approx(images.height_cm / 2.54 * y_dpi, abs=1.5)
    assert images.width_cm == 15.0


def test_png_reads_back_with_matplotlib(sample: ChartData, tmp_path: Path) -> None:
    import matplotlib.image

    pixels = matplotlib.image.imread(draw_chart(sample, tmp_path).png)
    assert pixels.shape[2] in (3, 4)
    assert pixels.min() < 0.5 < pixels.max()  # not a blank image


def test_each_kind_draws_an_svg_that_needs_no_fonts(sample: ChartData, tmp_path: Path) -> None:
    images = draw_chart(sample, tmp_path)
    root = ET.parse(images.svg).getroot()
    assert root.tag == f"{SVG_NS}svg"
    width_pt = float(root.attrib["width"].removesuffix("pt"))
    assert width_pt == pytest.approx(images.width_cm / 2.54 * 72, rel=1e-4)
    assert root.find(f".//{SVG_NS}text") is None, "text must be drawn as paths"
    assert root.find(f"{SVG_NS}title").text == sample.title  # type: ignore[union-attr]
    assert len(root.findall(f".//{SVG_NS}path")) > 10


def test_files_are_named_by_the_cache_key(sample: ChartData, tmp_path: Path) -> None:
    images = draw_chart(sample, tmp_path)
    key = chart_key(sample, ChartStyle())
    assert images.png == tmp_path / f"{key}.png"
    assert images.svg == tmp_path / f"{key}.svg"


def test_drawing_is_deterministic(sample: ChartData, tmp_path: Path) -> None:
    one = draw_chart(sample, tmp_path / "one")
    two = draw_chart(sample, tmp_path / "two")
    assert one.png.read_bytes() == two.png.read_bytes()
    assert one.svg.read_bytes() == two.svg.read_bytes()


def test_drawing_is_deterministic_across_processes(tmp_path: Path) -> None:
    # Hash seeds and ids differ between processes; the bytes must not.
    code = (
        "import sys; from pathlib import Path;"
        "from briefgen.charts import ChartData, ChartSeries, draw_chart;"
        "draw_chart(ChartData('grouped-bar', 'IS-K fighter estimates, low and high',"
        " ('UN (2020)', 'US State Department (2021)', 'Ali (2021)',"
        "  'Council on Foreign Relations'),"
        " (ChartSeries('Low estimate', (2200, 2000, 2000, 2000)),"
        "  ChartSeries('High estimate', (2200, 3000, 4000, 2000))), 'fighters'), Path(sys.argv[1]))"
    )
    subprocess.run([sys.executable, "-c", code, str(tmp_path / "other")], check=True,
                   env={"PYTHONPATH": str(SRC), "PYTHONHASHSEED": "4242"})
    here = draw_chart(SAMPLES["grouped-bar"], tmp_path / "here")
    there = tmp_path / "other"
    assert (there / here.png.name).read_bytes() == here.png.read_bytes()
    assert (there / here.svg.name).read_bytes() == here.svg.read_bytes()


def test_no_timestamps_or_software_versions_in_the_files(tmp_path: Path) -> None:
    images = draw_chart(SAMPLES["bar"], tmp_path)
    assert b"tIME" not in png_chunks(images.png)
    assert b"Software" not in images.png.read_bytes()
    svg = images.svg.read_text(encoding="utf-8")
    assert "<dc:date>" not in svg and "Matplotlib" not in svg


def test_a_cached_chart_is_not_drawn_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = draw_chart(SAMPLES["bar"], tmp_path)
    mtimes = (first.png.stat().st_mtime_ns, first.svg.stat().st_mtime_ns)

    def must_not_draw(*_args: object) -> None:
        raise AssertionError("a cached chart was drawn again")

    monkeypatch.setattr(draw_module, "_render", must_not_draw)
    second = draw_chart(SAMPLES["bar"], tmp_path)
    assert second == first
    assert (second.png.stat().st_mtime_ns, second.svg.stat().st_mtime_ns) == mtimes


def test_a_half_cached_chart_is_drawn_again(tmp_path: Path) -> None:
    first = draw_chart(SAMPLES["bar"], tmp_path)
    png_bytes = first.png.read_bytes()
    first.png.unlink()
    again = draw_chart(SAMPLES["bar"], tmp_path)
    assert again.png.read_bytes() == png_bytes


def test_a_cache_hit_does_not_import_matplotlib(tmp_path: Path) -> None:
    draw_chart(SAMPLES["part-of-whole"], tmp_path)
    code = (
        "import sys; from pathlib import Path;"
        "from briefgen.charts import ChartData, ChartSeries, draw_chart;"
        "assert 'matplotlib' not in sys.modules, 'imported at module import';"
        "images = draw_chart(ChartData('part-of-whole', 'Soldiers to police in MINUSMA',"
        " ('Soldiers', 'Police'), (ChartSeries('MINUSMA', (13, 2)),), 'parts'), Path(sys.argv[1]));"
        "assert images.png.exists();"
        "assert 'matplotlib' not in sys.modules, 'imported on a cache hit'"
    )
    subprocess.run([sys.executable, "-c", code, str(tmp_path)], check=True,
                   env={"PYTHONPATH": str(SRC)})


def test_size_is_the_same_on_a_cache_hit(tmp_path: Path) -> None:
    drawn = draw_chart(FATALITIES, tmp_path)
    cached = draw_chart(FATALITIES, tmp_path)
    assert (drawn.width_cm, drawn.height_cm) == (cached.width_cm, cached.height_cm)
    assert drawn.height_cm < ChartStyle().height_cm


def test_the_cache_directory_is_created(tmp_path: Path) -> None:
    images = draw_chart(SAMPLES["line"], tmp_path / "a" / "b")
    assert images.png.parent == tmp_path / "a" / "b"


def test_no_temporary_files_are_left_behind(sample: ChartData, tmp_path: Path) -> None:
    images = draw_chart(sample, tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([images.png.name,
                                                                 images.svg.name])


def test_a_failed_write_leaves_no_half_image(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from matplotlib.figure import Figure

    real_savefig = Figure.savefig

    def svg_fails(self: Figure, fname: Any, *args: Any, **kwargs: Any) -> None:
        if kwargs.get("format") == "svg":
            Path(fname).write_bytes(b"<svg")
            raise KeyboardInterrupt  # as if the build were killed mid-write
        real_savefig(self, fname, *args, **kwargs)

    monkeypatch.setattr(Figure, "savefig", svg_fails)
    with pytest.raises(KeyboardInterrupt):
        draw_chart(SAMPLES["bar"], tmp_path)
    assert [p.suffix for p in tmp_path.iterdir()] == [".png"]  # the whole PNG, no SVG, no temp
    monkeypatch.setattr(Figure, "savefig", real_savefig)
    images = draw_chart(SAMPLES["bar"], tmp_path)
    ET.parse(images.svg)


def test_global_matplotlib_settings_are_untouched(tmp_path: Path) -> None:
    import matplotlib

    before = dict(matplotlib.rcParams)
    draw_chart(SAMPLES["stacked-bar"], tmp_path)
    assert dict(matplotlib.rcParams) == before


def test_a_missing_font_falls_back_quietly(tmp_path: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        images = draw_chart(SAMPLES["bar"], tmp_path, ChartStyle(font_family="No Such Font 42"))
    assert images.png.exists()


def test_style_changes_the_picture(tmp_path: Path) -> None:
    plain = draw_chart(SAMPLES["bar"], tmp_path)
    red = draw_chart(SAMPLES["bar"], tmp_path, ChartStyle(accent="#b22222"))
    assert plain.png != red.png
    assert plain.png.read_bytes() != red.png.read_bytes()


def test_more_series_than_colours_is_an_error(tmp_path: Path) -> None:
    chart = ChartData("line", "Crowded", ("2020", "2021"),
                      tuple(ChartSeries(f"Series {i}", (i, i + 1)) for i in range(9)))
    with pytest.raises(ChartError, match="9 series but the style has 8 distinct colours"):
        draw_chart(chart, tmp_path)
    assert not any(tmp_path.iterdir())


@pytest.mark.parametrize("chart", [
    ChartData("bar", "Negative", ("2019", "2020", "2021"),
              (ChartSeries("Change", (-45.25, 0, 1234.75)),), "change"),
    ChartData("bar", "Long labels", (
        "United Nations Security Council Analytical Support and Sanctions Monitoring Team",
        "US Department of State Country Reports on Terrorism"),
        (ChartSeries("Fighters", (2200, 3000)),), "fighters"),
    ChartData("line", "Negative line", ("a", "b", "c"), (ChartSeries("x", (-1, -2, -0.5)),)),
    ChartData("line", "One point", ("2021",), (ChartSeries("x", (3,)),)),
    ChartData("stacked-bar", "All zero", ("a", "b"), (ChartSeries("x", (0, 0)),
                                                       ChartSeries("y", (0, 0)))),
    ChartData("bar", "Tiny", ("Només una categoria — ünïcødé",), (ChartSeries("x", (0.004,)),)),
    ChartData("part-of-whole", "Several wholes", ("Soldiers", "Police", "Civilians"),
              (ChartSeries("2019", (13, 2, 1)), ChartSeries("2021", (12, 3, 0)))),
], ids=lambda c: c.title)
def test_awkward_data_still_draws(chart: ChartData, tmp_path: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        images = draw_chart(chart, tmp_path)
    png_dpi_and_size(images.png)
    ET.parse(images.svg)


def test_chart_images_says_where_without_drawing(tmp_path: Path) -> None:
    from briefgen.charts import chart_images, draw_charts_into, is_drawn

    chart = ChartData(kind="bar", title="t", categories=("a", "b"),
                      series=(ChartSeries("s", (1.0, 2.0)),))
    images = chart_images(chart, tmp_path)
    assert not is_drawn(images) and list(tmp_path.iterdir()) == []
    assert draw_charts_into([chart], tmp_path) == 1
    assert is_drawn(images)
    assert draw_charts_into([chart], tmp_path) == 0  # cached: nothing drawn again

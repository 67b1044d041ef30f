"""Template colours reach the charts: a copy of the default template with another accent.

Built through the command line; the DOCX's picture is read back from the package with Pillow
and the PDF rendered with pdftoppm, the way a reader sees them. The fixture's one chart has a
single series, so its bars are all accent.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from tests.conftest import REPO, ROOTS

BRIEF = ROOTS / "memo-head" / "brief.yaml"
ACCENT = (0x7A, 0x1F, 0x3D)
DEFAULT_ACCENT = (0x1F, 0x4E, 0x79)


def _pixels(image: Image.Image) -> set[tuple[int, int, int]]:
    return {colour for _count, colour in image.convert("RGB").getcolors(1 << 24) or []}


def _near(colour: tuple[int, int, int], pixels: set[tuple[int, int, int]], slack: int) -> bool:
    return any(all(abs(a - b) <= slack for a, b in zip(colour, p)) for p in pixels)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("colours")
    desk = tmp / "desk"
    shutil.copytree(REPO / "templates" / "default", desk)
    settings = (desk / "template.yaml").read_text(encoding="utf-8")
    (desk / "template.yaml").write_text(
        settings.replace('accent: "#1f4e79"', 'accent: "#%02x%02x%02x"' % ACCENT),
        encoding="utf-8")
    assert "#7a1f3d" in (desk / "template.yaml").read_text(encoding="utf-8")
    out = tmp / "out"
    result = subprocess.run(
        [sys.executable, "-m", "briefgen", "build", str(BRIEF), "-o", str(out),
         "--template", str(desk)],
        cwd=REPO, capture_output=True, text=True, timeout=600,
        env={**os.environ, "XDG_CACHE_HOME": str(tmp / "cache")})  # draws, not served cached
    assert result.returncode == 0, result.stderr
    return out


def test_the_docx_chart_is_drawn_in_the_template_accent(built: Path) -> None:
    (docx_path,) = built.glob("*.docx")
    with zipfile.ZipFile(docx_path) as package:
        charts = [n for n in package.namelist() if n.startswith("word/media/")]
        pixels = set().union(*(_pixels(Image.open(package.open(n))) for n in charts))
    assert ACCENT in pixels
    assert DEFAULT_ACCENT not in pixels


def test_the_pdf_chart_is_drawn_in_the_template_accent(built: Path, tmp_path: Path) -> None:
    (pdf,) = built.glob("*.pdf")
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(tmp_path / "page")],
                   check=True, timeout=120)
    pixels = set().union(*(_pixels(Image.open(p)) for p in tmp_path.glob("page*.png")))
    # Rendering blends edges; the bars' insides keep the colour within a step or two. The
    # template paints its band and headings in the accent too, so what shows the chart
    # followed is that no bar is left in the default accent, which nothing else uses.
    assert _near(ACCENT, pixels, 2)
    assert not _near(DEFAULT_ACCENT, pixels, 2)


def test_a_template_colour_that_is_no_colour_stops_check_and_build(tmp_path: Path) -> None:
    desk = tmp_path / "desk"
    shutil.copytree(REPO / "templates" / "default", desk)
    (desk / "template.yaml").write_text("name: desk\ncolours: {accent: navy}\n", encoding="utf-8")
    for command in (["check"], ["build", "-o", str(tmp_path / "out")]):
        result = subprocess.run(
            [sys.executable, "-m", "briefgen", *command, str(BRIEF), "--template", str(desk)],
            cwd=REPO, capture_output=True, text=True, timeout=600)
        assert result.returncode == 1, command
        assert f"{desk / 'template.yaml'} colours.accent: expected a colour" in result.stderr
        assert "'navy'" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()

"""Tests for briefgen.charts.jobs: a build's charts drawn as the image types asked for."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from briefgen.charts import draw_charts, jobs
from tests.conftest import REPO

from .samples import SAMPLES

SRC = REPO / "src"


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


# A fresh interpreter: the test process may have loaded matplotlib (other chart tests draw in
# it), and then a build's drawing is spawned, not forked.
_FORKED = """
import pickle, sys
from pathlib import Path
from briefgen.charts import draw_charts
from briefgen.charts.jobs import ForkedDrawing, can_fork
charts, cache = pickle.loads(bytes.fromhex(sys.argv[1])), Path(sys.argv[2])
assert can_fork()
job = draw_charts(charts, cache, ("png", "svg"))
assert isinstance(job.drawing, ForkedDrawing), job.drawing
job.wait()
assert "matplotlib" not in sys.modules  # drawn in the child only
try:
    draw_charts(charts, cache / "not-a-folder" / "x", ("png",)).wait()
except OSError as exc:
    print("raised", type(exc).__name__)
"""


def test_a_fresh_build_forks_its_drawing_and_draws_what_a_spawned_child_draws(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    charts = {"sections[0].charts[0]": SAMPLES["bar"], "sections[1].charts[0]": SAMPLES["line"]}
    (tmp_path / "forked" / "not-a-folder").parent.mkdir()
    (tmp_path / "forked" / "not-a-folder").write_text("a file where a folder should be")
    run = subprocess.run([sys.executable, "-c", _FORKED, pickle.dumps(charts).hex(),
                          str(tmp_path / "forked")], capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": str(SRC)}, check=False)
    assert run.returncode == 0, run.stderr
    # The child's error (here: no folder to write in) is raised by wait() in the parent.
    assert run.stdout.strip() == "raised NotADirectoryError"

    monkeypatch.setattr(jobs, "can_fork", lambda: False)
    spawned = draw_charts(charts, tmp_path / "spawned", ("png", "svg"))
    assert not isinstance(spawned.drawing, jobs.ForkedDrawing)
    spawned.wait()
    names = sorted(p.name for p in (tmp_path / "spawned").iterdir())
    assert len(names) == 4
    for name in names:
        forked, spawned_file = tmp_path / "forked" / name, tmp_path / "spawned" / name
        assert forked.read_bytes() == spawned_file.read_bytes()


def test_no_fork_while_another_thread_runs() -> None:
    release = threading.Event()
    thread = threading.Thread(target=release.wait)
    thread.start()
    try:
        assert not jobs.can_fork()
    finally:
        release.set()
        thread.join()

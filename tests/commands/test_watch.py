"""`briefgen watch`: a saved input triggers a rebuild; Ctrl-C stops with exit 0.

Behaviour only, never timing: each wait is bounded so a broken watch fails instead of hanging.
"""

from __future__ import annotations

import queue
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from briefgen.errors import BriefgenError
from briefgen.pipeline import BuildOptions
from briefgen.watch import Outcome, watch_and_rebuild, watched_inputs
from tests.conftest import BRIEFS, SEEDS

SAMPLE = BRIEFS / "mali-minusma.yaml"  # no CSV data; the quickest sample
WAIT = 60.0  # seconds before a wait counts as a failure


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    shutil.copytree(SEEDS, tmp_path / "seeds")
    (tmp_path / "briefs").mkdir()
    shutil.copy(SAMPLE, tmp_path / "briefs" / "brief.yaml")
    return tmp_path


def _retitle(spec: Path, title: str) -> None:
    text = spec.read_text(encoding="utf-8")
    first, rest = text.split('\ntitle: "', 1)
    spec.write_text(first + f'\ntitle: "{title}' + rest[rest.index('"'):], encoding="utf-8")


def test_inputs_are_the_spec_its_sources_and_its_template(project: Path) -> None:
    spec = project / "briefs" / "brief.yaml"
    inputs = watched_inputs(spec, BuildOptions())
    assert spec.resolve() in inputs.files
    assert (project / "seeds" / "sources.yaml").resolve() in inputs.files
    assert any(f.parent == (project / "seeds").resolve() and f.suffix == ".txt"
               for f in inputs.files)
    assert inputs.trees  # the template folder
    assert inputs.concerns(spec)
    assert not inputs.concerns(project / "briefs" / "notes.md")
    assert not inputs.concerns(project / "output" / "brief.pdf")


def test_a_spec_that_does_not_load_is_still_watched(tmp_path: Path) -> None:
    spec = tmp_path / "broken.yaml"
    spec.write_text("title: [unclosed\n", encoding="utf-8")
    assert watched_inputs(spec, BuildOptions()).files == frozenset({spec.resolve()})


def test_saving_the_spec_rebuilds_and_a_broken_save_is_reported(project: Path,
                                                                 tmp_path: Path) -> None:
    spec = project / "briefs" / "brief.yaml"
    out = tmp_path / "out"
    outcomes: queue.Queue[Outcome] = queue.Queue()
    stop = threading.Event()
    watcher = threading.Thread(
        target=watch_and_rebuild,
        args=(spec, BuildOptions(out_dir=out, formats=("docx",))),
        kwargs={"on_build": outcomes.put, "stop_event": stop},
        daemon=True,
    )
    watcher.start()
    try:
        first = outcomes.get(timeout=WAIT)
        assert not isinstance(first, BriefgenError), first
        docx = next(p for p in first.outputs if p.suffix == ".docx")
        before = docx.read_bytes()

        _retitle(spec, "Mali, retitled while watched")
        second = outcomes.get(timeout=WAIT)
        assert not isinstance(second, BriefgenError), second
        assert docx.read_bytes() != before

        spec.write_text(spec.read_text(encoding="utf-8").replace("title:", "titel:", 1),
                        encoding="utf-8")
        third = outcomes.get(timeout=WAIT)
        assert isinstance(third, BriefgenError)
        assert docx.is_file()  # a failed rebuild leaves the last good output alone
    finally:
        stop.set()
        watcher.join(timeout=WAIT)
    assert not watcher.is_alive()


def test_cli_rebuilds_on_save_and_exits_0_on_ctrl_c(project: Path, tmp_path: Path) -> None:
    spec = project / "briefs" / "brief.yaml"
    process = subprocess.Popen(
        [sys.executable, "-m", "briefgen", "watch", str(spec), "-o", str(tmp_path / "out"),
         "--format", "docx"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    reader = threading.Thread(target=lambda: [lines.put(line) for line in process.stdout or []],
                              daemon=True)
    reader.start()
    try:
        assert ": wrote " in lines.get(timeout=WAIT)
        _retitle(spec, "Mali, saved again")
        assert ": wrote " in lines.get(timeout=WAIT)
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=WAIT) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert "Traceback" not in (process.stderr.read() if process.stderr else "")

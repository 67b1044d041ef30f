"""`briefgen watch`: a saved input triggers a rebuild; Ctrl-C stops with exit 0.

Behaviour only, never timing: each wait is bounded so a broken watch fails instead of hanging.
"""

from __future__ import annotations

import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import IO

import pytest

from briefgen.errors import BriefgenError
from briefgen.pipeline import BuildOptions, check
from briefgen.watch import Outcome, watch_and_rebuild, watched_inputs
from tests.conftest import BRIEFS, ROOTS, SEEDS

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


STAMP = re.compile(r"^\d\d:\d\d:\d\d ")
WARNING_ROOT = ROOTS / "warnings"


def _lines_of(stream: IO[str] | None) -> queue.Queue[str]:
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line.rstrip("\n")) for line in stream or []],
                     daemon=True).start()
    return lines


def _take(lines: queue.Queue[str], count: int) -> list[str]:
    return [lines.get(timeout=WAIT) for _ in range(count)]


def test_cli_prints_each_rebuilds_warnings_and_stamps_every_line(tmp_path: Path) -> None:
    shutil.copytree(WARNING_ROOT, tmp_path / "project")
    spec = tmp_path / "project" / "briefs" / "disagree.yaml"
    warnings = [line for w in check(spec).warnings for line in w.splitlines()]
    assert warnings  # the fixture warns; each rebuild must say so again
    process = subprocess.Popen(
        [sys.executable, "-m", "briefgen", "watch", str(spec), "-o", str(tmp_path / "out"),
         "--format", "docx"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    out, err = _lines_of(process.stdout), _lines_of(process.stderr)
    try:
        printed = _take(err, 1 + len(warnings))  # "watching ...", then the warnings
        [wrote] = _take(out, 1)
        assert "watching" in printed[0] and ": wrote " in wrote
        assert all(STAMP.match(line) for line in [*printed, wrote])
        assert [STAMP.sub("", line) for line in printed[1:]] == warnings

        spec.write_text(spec.read_text(encoding="utf-8") + "# saved again\n", encoding="utf-8")
        again = _take(err, len(warnings))
        assert [STAMP.sub("", line) for line in again] == warnings
        assert STAMP.match(_take(out, 1)[0])

        spec.write_text("title: [unclosed\n", encoding="utf-8")
        report = _take(err, 2)  # a headline and at least one problem, each stamped
        assert all(STAMP.match(line) for line in report)
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=WAIT) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    rest = []
    while not err.empty():
        rest.append(err.get())
    assert not any("Traceback" in line for line in rest)

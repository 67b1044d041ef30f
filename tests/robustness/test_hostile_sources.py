"""`briefgen sources add` on files crafted to break its readers (hostile_sources.py): each
is refused with exit 1 and a message naming the file, no traceback, nothing written under
seeds/ (the catalog byte-identical), within its time and memory limits."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from briefgen.corpus.extract import EXTRACT_MEMORY_LIMIT
from tests.conftest import REPO
from tests.robustness.hostile_sources import ATTACKS, huge_html, seeds_state

# Each attack ends in seconds; a minute covers a loaded machine.
SECONDS = 60
CATALOG = "# the team's sources\nsources:\n"


def add(root: Path, *args: str) -> tuple[int, str, float, int]:
    """Exit status, stdout and stderr, seconds and peak resident MiB (of the process and
    of its extraction child) of `briefgen sources add ARGS` in ``root``."""
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    said = root / "said.txt"
    started = time.perf_counter()
    with said.open("wb") as stream:
        process = subprocess.Popen([sys.executable, "-m", "briefgen", "sources", "add", *args,
                                    "--catalog", "seeds/sources.yaml"], cwd=root, env=env,
                                   stdout=stream, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL)
        # wait4: the peak resident set of the process and of the children it waited for.
        _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - started
    text = said.read_text(encoding="utf-8", errors="replace")
    said.unlink()
    return process.returncode, text, seconds, usage.ru_maxrss // 1024


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "sources.yaml").write_text(CATALOG, encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("make", ATTACKS.values(), ids=ATTACKS.keys())
def test_a_hostile_file_is_refused_cleanly(project: Path, make: Callable[[Path], Path]) -> None:
    given = make(project)
    before = seeds_state(project / "seeds")
    code, said, seconds, peak = add(project, str(given))
    assert code == 1, said
    assert "Traceback" not in said
    shown = str(given).replace("\n", "\\n").replace("\x1b", "\\x1b").replace("\u202e",
                                                                              "\\u202e")
    assert said.startswith(shown + ":"), said
    assert "nothing was added" in said or "refused" in said
    assert not any(c in said for c in "\x1b\u202e")
    assert seeds_state(project / "seeds") == before
    assert (project / "seeds" / "sources.yaml").read_text(encoding="utf-8") == CATALOG
    assert seconds < SECONDS
    assert peak * 1024 * 1024 <= EXTRACT_MEMORY_LIMIT


def test_a_file_read_past_timeout_is_stopped_and_the_option_named(project: Path) -> None:
    # Under the size limit, and more than trafilatura reads in two seconds.
    given = huge_html(project, size=9 * 1024 * 1024)
    before = seeds_state(project / "seeds")
    code, said, seconds, _ = add(project, str(given), "--timeout", "2")
    assert code == 1, said
    assert said.startswith(f"{given}: cannot be added: {given}: reading it took longer than "
                           "2 s and was stopped"), said
    assert "--timeout" in said and "Traceback" not in said
    assert seeds_state(project / "seeds") == before
    assert seconds < SECONDS


def test_the_help_states_the_default_timeout_of_the_readers() -> None:
    from briefgen.corpus.extract import DEFAULT_EXTRACT_TIMEOUT_S

    done = subprocess.run([sys.executable, "-m", "briefgen", "sources", "add", "--help"],
                          capture_output=True, text=True, check=True,
                          env={**os.environ, "PYTHONPATH": str(REPO / "src")})
    assert f"(default: {DEFAULT_EXTRACT_TIMEOUT_S:g})" in " ".join(done.stdout.split())


def test_ctrl_c_while_a_file_is_read_exits_130_and_leaves_nothing(project: Path) -> None:
    import signal

    given = huge_html(project, size=9 * 1024 * 1024)
    before = seeds_state(project / "seeds")
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    # A session of its own: Ctrl-C in a terminal reaches its whole process group.
    process = subprocess.Popen([sys.executable, "-m", "briefgen", "sources", "add", str(given),
                                "--catalog", "seeds/sources.yaml"], cwd=project, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               start_new_session=True)
    # Until the extraction child is reading (the temporary copy is made just before).
    deadline = time.monotonic() + SECONDS
    while not list((project / "seeds").glob(".briefgen-add-*")):
        assert time.monotonic() < deadline and process.poll() is None
        time.sleep(0.05)
    time.sleep(1.0)
    os.killpg(process.pid, signal.SIGINT)
    _, err = process.communicate(timeout=SECONDS)
    assert process.returncode == 130, err
    assert "interrupted" in err.decode() and "Traceback" not in err.decode()
    assert seeds_state(project / "seeds") == before
    # No process of the group is left reading.
    time.sleep(0.5)
    with pytest.raises(ProcessLookupError):
        os.killpg(process.pid, 0)

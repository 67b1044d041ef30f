"""A build killed part-way (SIGKILL: no cleanup code runs) leaves the previous output intact.

Each output file is renamed into place whole, so after a kill every DOCX and PDF is either
the previous build's or the new one's, byte for byte, never a torn file. The killed build's
temporary files are removed by the next build. Kills happen at fixed points (inside the
PDF compile; between the two renames) and, as a user would do it, after a few delays.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import BRIEFS, REPO
from tests.robustness.specs import Project, replace_value

pytestmark = pytest.mark.skipif(os.name != "posix", reason="SIGKILL is POSIX")

# Python run in the child: optionally arm a kill at a fixed point, then build.
CHILD = """
import os, signal, sys
point, spec, out = sys.argv[1:4]

def die(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)

if point == "in-pdf-compile":
    import briefgen.writers.typst.writer as typst_writer
    typst_writer.compile_build = die
elif point == "between-renames":
    import briefgen.outputs as outputs
    real_replace = os.replace
    class KillingOs:
        def __getattr__(self, name):
            return getattr(os, name)
        def replace(self, src, dst):
            if str(dst).endswith(".pdf"):
                die()
            return real_replace(src, dst)
    outputs.os = KillingOs()

from briefgen.cli import main
sys.exit(main(["build", spec, "-o", out]))
"""


def outputs(out: Path) -> dict[str, bytes]:
    return {p.suffix: p.read_bytes() for p in out.iterdir() if p.suffix in (".docx", ".pdf")}


def temporaries(out: Path) -> list[Path]:
    return [p for p in out.iterdir() if p.name.endswith(".tmp")]


@pytest.fixture
def rebuild(project: Project, tmp_path: Path) -> tuple[Path, Path, dict[str, bytes],
                                                         dict[str, bytes]]:
    """A spec with a previous build in out/, then changed so that a new build differs.

    Returns (spec, out, the previous outputs, the outputs the changed spec builds to).
    """
    # Built in child processes, like the killed builds: a process that has imported
    # docxcompose (briefgen.attach, as the test suite does) writes a different core.xml.
    sample = (BRIEFS / "mali-minusma.yaml").read_text(encoding="utf-8")
    spec = project.spec("kill", sample)
    out = tmp_path / "out"
    assert start("none", spec, out, tmp_path / "cache").wait(timeout=120) == 0
    previous = outputs(out)
    spec.write_text(replace_value(sample, "title", '"Mali after two coups, revised"'),
                    encoding="utf-8")
    assert start("none", spec, tmp_path / "new", tmp_path / "cache").wait(timeout=120) == 0
    new = outputs(tmp_path / "new")
    assert new[".docx"] != previous[".docx"] and new[".pdf"] != previous[".pdf"]
    return spec, out, previous, new


def start(point: str, spec: Path, out: Path, cache: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}  # a cold cache: a longer build
    return subprocess.Popen([sys.executable, "-c", CHILD, point, str(spec), str(out)], cwd=REPO,
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def assert_each_file_whole(out: Path, previous: dict[str, bytes], new: dict[str, bytes]) -> None:
    now = outputs(out)
    assert set(now) == {".docx", ".pdf"}
    for suffix, content in now.items():
        assert content in (previous[suffix], new[suffix]), f"{suffix} is torn"


def assert_next_build_cleans_up(spec: Path, out: Path, new: dict[str, bytes]) -> None:
    assert start("none", spec, out, out.parent / "cache").wait(timeout=120) == 0
    assert outputs(out) == new
    assert temporaries(out) == []


@pytest.mark.parametrize("point, kept", [
    ("in-pdf-compile", {".docx": "previous", ".pdf": "previous"}),
    ("between-renames", {".docx": "new", ".pdf": "previous"}),
])
def test_killed_at_a_fixed_point(rebuild: tuple[Path, Path, dict[str, bytes], dict[str, bytes]],
                                 tmp_path: Path, point: str, kept: dict[str, str]) -> None:
    spec, out, previous, new = rebuild
    child = start(point, spec, out, tmp_path / "cache")
    assert child.wait(timeout=120) == -signal.SIGKILL
    now = outputs(out)
    for suffix, which in kept.items():
        assert now[suffix] == (previous if which == "previous" else new)[suffix], suffix
    if point == "in-pdf-compile":
        assert temporaries(out), "the kill should have left the DOCX's temporary file"
    assert_next_build_cleans_up(spec, out, new)


def test_killed_after_delays(rebuild: tuple[Path, Path, dict[str, bytes], dict[str, bytes]],
                             tmp_path: Path) -> None:
    spec, out, previous, new = rebuild
    for n, delay in enumerate((0.1, 0.3, 0.5, 0.8, 1.2)):
        child = start("none", spec, out, tmp_path / f"cache-{n}")
        time.sleep(delay)
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=120)
        assert_each_file_whole(out, previous, new)
    assert_next_build_cleans_up(spec, out, new)

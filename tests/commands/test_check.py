"""`briefgen check`: warnings go to stderr and leave the exit status 0, unless
``--fail-on-warning`` makes them errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO, ROOTS

WARNINGS = ROOTS / "warnings" / "briefs"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "briefgen", *args], cwd=REPO,
                          capture_output=True, text=True, timeout=120)


def test_warnings_are_printed_and_do_not_fail_a_check() -> None:
    result = run("check", str(WARNINGS / "unsourced.yaml"))
    assert result.returncode == 0, result.stderr
    assert "warning:" in result.stderr
    assert ": ok (" in result.stdout


def test_fail_on_warning_fails_the_specs_that_warn_and_passes_the_others() -> None:
    warned = run("check", str(WARNINGS / "disagree.yaml"))
    refused = run("check", "--fail-on-warning", str(WARNINGS / "disagree.yaml"),
                  str(WARNINGS / "clean.yaml"))
    assert refused.returncode == 1
    assert "Traceback" not in refused.stderr
    assert "--fail-on-warning" in refused.stderr
    for warning in warned.stderr.splitlines():
        assert warning in refused.stderr
    # The clean spec still checks; the one that warned is not reported ok.
    assert [line.split(":")[0] for line in refused.stdout.splitlines()] == [
        str(WARNINGS / "clean.yaml")]
    assert run("check", "--fail-on-warning", str(WARNINGS / "clean.yaml")).returncode == 0

"""The command line as users run it: exit codes, messages on stderr, never a traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO, ROOTS


def run(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "briefgen", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120)


def test_check_refuses_an_altered_quote_naming_quote_source_and_closest_passage() -> None:
    result = run("check", str(ROOTS / "bad-quote" / "brief.yaml"))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "'un-mali-future'" in result.stderr
    assert "12-2 split of soldiers and police" in result.stderr  # the quote
    assert "closest passage" in result.stderr
    assert "13-2 split of soldiers and police" in result.stderr  # what the source says
    assert "tests/roots/bad-quote/brief.yaml:12 sections[0].excerpts[0].quote" in result.stderr


def test_three_mistakes_are_reported_together() -> None:
    result = run("check", str(ROOTS / "three-mistakes" / "brief.yaml"))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "3 problems" in result.stderr
    for expected in ("brief.yaml:3 date: '2021-31-12' is not a real date: month 31 is not 1-12",
                     "brief.yaml:7 sections[0].bodyy: unknown key 'bodyy'; did you mean 'body'?",
                     "brief.yaml:9 sections[0].charts[0].kind: expected one of"):
        assert expected in result.stderr, result.stderr


def test_failed_build_writes_nothing(tmp_path: Path) -> None:
    result = run("build", str(ROOTS / "bad-quote" / "brief.yaml"), "-o", str(tmp_path))
    assert result.returncode == 1
    assert list(tmp_path.iterdir()) == []


def test_check_passes_on_the_samples() -> None:
    specs = sorted(str(p) for p in (REPO / "briefs").glob("*.yaml"))
    result = run("check", *specs)
    assert result.returncode == 0, result.stderr
    assert result.stdout.count(": ok (") == len(specs)


def test_schema_is_json() -> None:
    result = run("schema")
    assert result.returncode == 0
    assert json.loads(result.stdout)["title"] == "briefgen brief spec"


def test_sources_lists_every_source() -> None:
    result = run("sources")
    assert result.returncode == 0, result.stderr
    for sid in ("un-mali-future", "ft-isisk-2021", "newarab-taliban-isk-2023"):
        assert sid in result.stdout


def test_missing_spec_is_a_message() -> None:
    result = run("check", "no-such-brief.yaml")
    assert result.returncode == 1
    assert "no-such-brief.yaml: no such file" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_program_ends_at_once_yet_flushes_its_output_and_runs_exit_handlers() -> None:
    # cli.run() leaves with os._exit: what a command printed, and what an exit handler
    # saves (the ftfy repairs), must still be there; so must the exit status.
    code = ("import atexit, sys\n"
            "from briefgen import cli\n"
            "atexit.register(lambda: print('exit handler ran'))\n"
            "print('buffered', end='')\n"
            "sys.argv = ['briefgen', *sys.argv[1:]]\n"
            "cli.run()\n")
    done = subprocess.run([sys.executable, "-c", code, "--version"], cwd=REPO,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0
    assert done.stdout.startswith("bufferedbriefgen ") and "exit handler ran" in done.stdout
    unknown = subprocess.run([sys.executable, "-c", code, "bogus"], cwd=REPO,
                             capture_output=True, text=True, timeout=60)
    assert unknown.returncode == 2 and "invalid choice: 'bogus'" in unknown.stderr
    failed = subprocess.run([sys.executable, "-c", code, "check",
                             str(ROOTS / "bad-quote" / "brief.yaml")], cwd=REPO,
                            capture_output=True, text=True, timeout=120)
    assert failed.returncode == 1 and "closest passage" in failed.stderr
    assert "exit handler ran" in failed.stdout


def test_a_named_command_parses_as_with_every_command() -> None:
    from briefgen.cli import COMMANDS, make_parser

    argv = ["build", "briefs/a.yaml", "-o", "out", "--format", "docx", "-j", "2"]
    assert make_parser("build").parse_args(argv) == make_parser().parse_args(argv)
    # One parser per command run, only that command's; help lists them all.
    full = make_parser()
    assert all(name in full.format_help() for name in COMMANDS)
    assert "preview" not in make_parser("build").format_help()

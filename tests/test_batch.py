"""Batch builds: folders expand to their specs, builds run in worker processes, and one
failure is reported without stopping the others."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from briefgen.batch import biggest_first, build_many, collect_specs
from briefgen.errors import SpecError
from briefgen.pipeline import BuildOptions
from tests.conftest import BRIEFS, REPO, ROOTS, SEEDS

GOOD = BRIEFS / "mali-minusma.yaml"  # the quickest sample to build
BAD = ROOTS / "bad-quote" / "brief.yaml"


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    """A project whose briefs/ folder holds two good specs and one with an altered quote."""
    shutil.copytree(SEEDS, tmp_path / "seeds")
    briefs = tmp_path / "briefs"
    briefs.mkdir()
    text = GOOD.read_text(encoding="utf-8")
    (briefs / "first.yaml").write_text(text, encoding="utf-8")
    (briefs / "second.yaml").write_text(text.replace("Mali after two coups", "Mali again"),
                                        encoding="utf-8")
    (briefs / "wrong.yaml").write_text(BAD.read_text(encoding="utf-8"), encoding="utf-8")
    (briefs / "notes.txt").write_text("not a spec", encoding="utf-8")
    return tmp_path


def test_collect_specs_expands_folders_and_keeps_files(project: Path) -> None:
    folder = project / "briefs"
    specs = collect_specs([folder, folder / "first.yaml"])
    assert [p.name for p in specs] == ["first.yaml", "second.yaml", "wrong.yaml"]


def test_collect_specs_refuses_missing_paths_and_empty_folders(tmp_path: Path) -> None:
    with pytest.raises(SpecError, match="no such file"):
        collect_specs([tmp_path / "absent.yaml"])
    with pytest.raises(SpecError, match="no spec files"):
        collect_specs([tmp_path])


@pytest.mark.parametrize("jobs", [1, 2])
def test_one_failure_does_not_stop_the_others(project: Path, tmp_path: Path, jobs: int) -> None:
    out = tmp_path / "out"
    specs = collect_specs([project / "briefs"])
    finished: list[str] = []
    outcomes = build_many(specs, BuildOptions(out_dir=out), jobs,
                          on_done=lambda o: finished.append(o.spec.name))
    assert [o.spec.name for o in outcomes] == ["first.yaml", "second.yaml", "wrong.yaml"]
    assert sorted(finished) == ["first.yaml", "second.yaml", "wrong.yaml"]
    first, second, wrong = outcomes
    assert first.ok and second.ok and not wrong.ok
    assert "quote not found in source" in wrong.error
    assert "Traceback" not in wrong.error
    for outcome in (first, second):
        assert {".docx", ".pdf"} <= {p.suffix for p in outcome.outputs}
        assert all(p.is_file() for p in outcome.outputs)
    assert sorted(p.name for p in out.iterdir()) == sorted(
        p.name for o in (first, second) for p in o.outputs)


def test_cli_builds_a_folder_prints_lines_and_a_table_and_exits_1(project: Path,
                                                                   tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = subprocess.run(
        [sys.executable, "-m", "briefgen", "build", "briefs", "-j", "2", "-o", str(out)],
        cwd=project, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stdout.splitlines()
    assert sorted(line.split(":")[0] for line in lines) == ["briefs/first.yaml",
                                                             "briefs/second.yaml"]
    assert all(": wrote " in line and line.endswith(" s") for line in lines)
    assert "quote not found in source" in result.stderr
    assert "2 built, 1 failed" in result.stderr  # the closing table's title
    assert len(list(out.glob("*.docx"))) == 2


def test_cli_exits_0_when_every_spec_builds(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "briefgen", "build", str(GOOD),
         str(GOOD.with_name("mali-minusma.yaml")), "-o", str(tmp_path), "--format", "docx"],
        cwd=REPO, capture_output=True, text=True, timeout=300,
    )
    # the same spec twice is built once
    assert result.returncode == 0, result.stderr
    assert result.stdout.count(": wrote ") == 1


def test_cli_refuses_a_bad_job_count() -> None:
    result = subprocess.run([sys.executable, "-m", "briefgen", "build", str(GOOD), "-j", "0"],
                            cwd=REPO, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "expected a whole number of 1 or more" in result.stderr


def test_the_biggest_specs_start_first(tmp_path: Path) -> None:
    sizes = {"a.yaml": 10, "b.yaml": 300, "c.yaml": 10, "d.yaml": 50}
    for name, size in sizes.items():
        (tmp_path / name).write_text("x" * size)
    order = biggest_first([tmp_path / n for n in sizes] + [tmp_path / "gone.yaml"])
    assert [p.name for p in order] == ["b.yaml", "d.yaml", "a.yaml", "c.yaml", "gone.yaml"]

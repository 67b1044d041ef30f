"""`briefgen build` with a hostile reference.docx, as a user runs it: a warning and a clean
brief, or exit 1 with a message naming the file, in seconds, and nothing written."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.robustness import word_files as wf
from tests.robustness.fuzzing import run_cli
from tests.robustness.specs import MINIMAL, Project

REFERENCE = REPO / "templates" / "default" / "reference.docx"


def _build(project: Project, attack_name: str) -> tuple[int, str, list[str], float, str]:
    folder = project.folder(attack_name)
    template = folder / "template"
    template.mkdir()
    (template / "template.yaml").write_text("extends: default\n", encoding="utf-8")
    attack = {**wf.REMOVABLE, **wf.REFUSED}[attack_name]
    reference = wf.craft(REFERENCE, template / "reference.docx", attack)
    spec = folder / "brief.yaml"
    spec.write_text(MINIMAL, encoding="utf-8")
    out = folder / "out"
    started = time.perf_counter()
    code, err = run_cli(["build", str(spec), "-o", str(out), "--format", "docx",
                         "--template", str(template)])
    seconds = time.perf_counter() - started
    made = sorted(str(p) for p in out.iterdir()) if out.exists() else []
    return code, err, made, seconds, str(reference)


@pytest.mark.parametrize("name", sorted(wf.REMOVABLE))
def test_a_removable_attack_builds_with_a_warning(project: Project, name: str) -> None:
    code, err, made, seconds, reference = _build(project, name)
    assert code == 0 and "Traceback" not in err, err
    assert f"warning: docx: {reference}: removed " in err
    docx_out = next(p for p in made if p.endswith(".docx"))
    wf.assert_safe_or_refused(code, err, Path(docx_out))
    assert seconds < 30


@pytest.mark.parametrize("name", sorted(wf.REFUSED))
def test_a_refused_attack_exits_1_naming_the_file(project: Project, name: str) -> None:
    code, err, made, seconds, reference = _build(project, name)
    assert code == 1 and "Traceback" not in err, err
    assert f"{reference}: refused the reference document: " in err
    assert made == [] and seconds < 30

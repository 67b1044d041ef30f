"""Hypothesis-mutated Word files never produce a traceback: a reference.docx or a report
given to `attach` is used with what reaches out or runs removed, or refused with a message.

A short run here (about 30 s); benchmarks/fuzz_word_files.py runs the same properties with
hundreds of examples.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from tests.attach.conftest import make_report_docx
from tests.conftest import REPO
from tests.robustness import word_files as wf
from tests.robustness.specs import MINIMAL, Project

REFERENCE = REPO / "templates" / "default" / "reference.docx"
SHORT = settings(max_examples=40, deadline=None, database=None,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                        HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def report_base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_report_docx(tmp_path_factory.mktemp("report") / "report.docx", ("One",))


@pytest.fixture(scope="module")
def brief(project: Project) -> Path:
    """The minimal spec, built to DOCX once."""
    spec = project.spec("brief", MINIMAL)
    code, err = wf.run_cli(["build", str(spec), "-o", str(spec.parent), "--format", "docx"])
    assert code == 0, err
    return next(spec.parent.glob("*.docx"))


@SHORT
@given(reference=wf.mutated_word_files(REFERENCE))
def test_mutated_reference_documents(project: Project, reference: bytes) -> None:
    wf.check_reference(project, reference)


def test_mutated_reports(project: Project, brief: Path, report_base: Path) -> None:
    @SHORT
    @given(report=wf.mutated_word_files(report_base))
    def attach_it(report: bytes) -> None:
        wf.check_report(project, brief, report)

    attach_it()

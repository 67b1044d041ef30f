"""`briefgen attach` as a user runs it: messages, exit status, no traceback, nothing written on error."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.attach.conftest import BuiltBrief
from tests.conftest import REPO


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "briefgen", "attach", *args], cwd=REPO,
                          capture_output=True, text=True, timeout=120)


def test_attach_writes_and_says_where(sample_brief: BuiltBrief, report_docx: Path) -> None:
    out = report_docx.with_name("with-annex.docx")
    result = _run(str(sample_brief.docx), "--into", str(report_docx), "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert f"wrote {out}" in result.stdout
    assert out.is_file()


def test_bad_inputs_exit_1_with_a_message_and_no_traceback(sample_brief: BuiltBrief,
                                                           report_docx: Path) -> None:
    report_docx.chmod(0o444)
    fake = report_docx.with_name("notes.docx")
    fake.write_text("plain text")
    cases = [
        ((str(sample_brief.docx), "--into", str(report_docx.with_name("missing.docx"))),
         "missing.docx: no such report file"),
        ((str(fake), "--into", str(report_docx)), "expected the brief to be a Word document"),
        ((str(sample_brief.docx), "--into", str(report_docx), "-o", str(report_docx)),
         "read-only"),
    ]
    before = sorted(p.name for p in report_docx.parent.iterdir())
    for args, message in cases:
        result = _run(*args)
        assert result.returncode == 1, (args, result.stderr)
        assert message in result.stderr
        assert "Traceback" not in result.stderr
    assert sorted(p.name for p in report_docx.parent.iterdir()) == before

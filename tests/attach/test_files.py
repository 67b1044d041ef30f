"""The file side of attaching: unreadable inputs, locked outputs, atomic writes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from briefgen.attach import AttachError, attach
from briefgen.attach.files import check_output, readable_input, write_atomically
from tests.attach.conftest import BuiltBrief


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def test_a_missing_input_names_the_file(sample_brief: BuiltBrief, tmp_path: Path) -> None:
    with pytest.raises(AttachError, match=r"nope\.docx: no such report file"):
        attach(sample_brief.docx, tmp_path / "nope.docx")
    with pytest.raises(AttachError, match=r"gone\.pdf: no such brief file"):
        attach(tmp_path / "gone.pdf", tmp_path / "nope.pdf")


def test_a_folder_is_not_an_input(tmp_path: Path) -> None:
    (tmp_path / "x.docx").mkdir()
    with pytest.raises(AttachError, match="is a folder"):
        readable_input(tmp_path / "x.docx", "report")


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_an_unreadable_input_is_a_clear_error(tmp_path: Path) -> None:
    locked = tmp_path / "report.docx"
    locked.write_bytes(b"PK")
    locked.chmod(0)
    with pytest.raises(AttachError, match="cannot read the report"):
        readable_input(locked, "report")


def test_formats_must_match(sample_brief: BuiltBrief, report_docx: Path) -> None:
    with pytest.raises(AttachError, match=r"expected a \.pdf report"):
        attach(sample_brief.pdf, report_docx)
    with pytest.raises(AttachError, match=r"ending in \.docx or \.pdf"):
        attach(report_docx.with_suffix(".odt"), report_docx)


@pytest.mark.parametrize("kind", ["docx", "pdf"])
def test_a_read_only_report_named_as_output_is_refused_and_unchanged(
        sample_brief: BuiltBrief, report_docx: Path, report_pdf: Path, kind: str) -> None:
    brief = sample_brief.docx if kind == "docx" else sample_brief.pdf
    report = report_docx if kind == "docx" else report_pdf
    report.chmod(0o444)  # as a file server marks a report open elsewhere
    before = _snapshot(report.parent)
    with pytest.raises(AttachError, match="read-only"):
        attach(brief, report, report)
    assert _snapshot(report.parent) == before


def test_the_brief_is_never_the_output(sample_brief: BuiltBrief, report_docx: Path) -> None:
    before = sample_brief.docx.read_bytes()
    with pytest.raises(AttachError, match="would overwrite the brief"):
        attach(sample_brief.docx, report_docx, sample_brief.docx)
    assert sample_brief.docx.read_bytes() == before


def test_output_needs_the_right_suffix_and_an_existing_folder(tmp_path: Path) -> None:
    brief = tmp_path / "b.docx"
    with pytest.raises(AttachError, match=r"expected the output to end in \.docx"):
        check_output(tmp_path / "out.pdf", brief, ".docx")
    with pytest.raises(AttachError, match="no such folder"):
        check_output(tmp_path / "missing" / "out.docx", brief, ".docx")


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "out.docx"
    target.write_bytes(b"old")

    def fail(temp: Path) -> None:
        temp.write_bytes(b"half")
        raise RuntimeError("writer crashed")

    with pytest.raises(RuntimeError):
        write_atomically(target, fail)
    assert _snapshot(tmp_path) == {"out.docx": b"old"}


def test_a_replaced_output_keeps_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "out.docx"
    target.write_bytes(b"old")
    target.chmod(0o640)
    write_atomically(target, lambda temp: temp.write_bytes(b"new"))
    assert target.read_bytes() == b"new" and target.stat().st_mode & 0o777 == 0o640

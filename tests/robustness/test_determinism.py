"""The same inputs give byte-identical DOCX and PDF, with or without a warm chart cache;
embedded timestamps come from the brief's date, or from $SOURCE_DATE_EPOCH when it is set."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import docx
import pytest

from tests.conftest import BRIEFS
from tests.robustness.fuzzing import run_cli
from tests.robustness.specs import MINIMAL, Project


def build(spec: Path, out: Path) -> dict[str, bytes]:
    code, err = run_cli(["build", str(spec), "-o", str(out)])
    assert code == 0, err
    return {p.suffix: p.read_bytes() for p in out.iterdir() if p.suffix in (".docx", ".pdf")}


def test_the_sample_builds_byte_identical_twice_from_a_cold_and_a_warm_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = BRIEFS / "mali-minusma.yaml"
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache-1"))
    first = build(spec, tmp_path / "first")  # draws every chart
    second = build(spec, tmp_path / "second")  # takes them from the cache
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache-2"))
    third = build(spec, tmp_path / "third")  # draws them again, in another cache
    assert set(first) == {".docx", ".pdf"}
    assert first == second == third


def _pdf_dates(pdf: bytes) -> list[bytes]:
    return re.findall(rb"(?:CreationDate|ModDate)\s*\((D:[^)]*)\)", pdf)


def _docx_times(blob: bytes) -> tuple[set[tuple[int, ...]], str]:
    with zipfile.ZipFile(io.BytesIO(blob)) as z:
        entries = {info.date_time for info in z.infolist()}
        core = z.read("docProps/core.xml").decode("utf-8")
    return entries, core


def test_timestamps_are_the_briefs_date(project: Project, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    files = build(project.spec("dated", MINIMAL), tmp_path / "out")
    entries, core = _docx_times(files[".docx"])
    assert entries == {(2021, 7, 15, 0, 0, 0)}
    assert "2021-07-15T00:00:00Z" in core
    assert set(_pdf_dates(files[".pdf"])) == {b"D:20210715000000Z"}


def test_source_date_epoch_overrides_embedded_timestamps_not_the_printed_date(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14 22:13:20 UTC
    spec = project.spec("epoch", MINIMAL)
    files = build(spec, tmp_path / "out")
    entries, core = _docx_times(files[".docx"])
    assert entries == {(2023, 11, 14, 0, 0, 0)}
    assert "2023-11-14T22:13:20Z" in core
    assert set(_pdf_dates(files[".pdf"])) == {b"D:20231114221320Z"}
    cover = "\n".join(p.text for p in docx.Document(io.BytesIO(files[".docx"])).paragraphs[:4])
    assert "2021" in cover and "2023" not in cover
    assert build(spec, tmp_path / "again") == files


def test_an_invalid_source_date_epoch_is_ignored(project: Project, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    files = build(project.spec("bad-epoch", MINIMAL), tmp_path / "out")
    assert set(_pdf_dates(files[".pdf"])) == {b"D:20210715000000Z"}

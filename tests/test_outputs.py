"""Writing files: atomic replacement, kept modes, a build's pending outputs, killed builds'
leftovers, reproducible zips and the cache folder."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from briefgen.outputs import (
    PendingOutputs,
    default_cache_dir,
    remove_stale_temporaries,
    temp_prefix,
    write_atomically,
    write_reproducible_zip,
    zip_time,
)


def test_the_cache_folder_follows_xdg_cache_home(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert default_cache_dir() == tmp_path / "briefgen"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert default_cache_dir() == Path.home() / ".cache" / "briefgen"


def test_a_replaced_file_keeps_its_mode_and_a_failure_leaves_it_whole(tmp_path: Path) -> None:
    target = tmp_path / "notes.json"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o640)
    write_atomically(target, lambda temp: temp.write_text("new", encoding="utf-8"))
    assert target.read_text(encoding="utf-8") == "new"
    assert target.stat().st_mode & 0o777 == 0o640

    def fail(temp: Path) -> None:
        temp.write_text("half", encoding="utf-8")
        raise OSError("disk full")

    with pytest.raises(OSError):
        write_atomically(target, fail)
    assert target.read_text(encoding="utf-8") == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.json"]


def test_pending_outputs_appear_together_on_commit_and_never_on_discard(tmp_path: Path) -> None:
    pending = PendingOutputs(tmp_path, "brief")
    pending.reserve(".docx").write_bytes(b"d")
    pending.reserve(".pdf").write_bytes(b"p")
    assert [name for name, _ in pending.files()] == ["brief.docx", "brief.pdf"]
    assert not (tmp_path / "brief.docx").exists()  # only temporaries so far
    assert pending.commit() == (tmp_path / "brief.docx", tmp_path / "brief.pdf")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["brief.docx", "brief.pdf"]

    again = PendingOutputs(tmp_path, "other")
    again.reserve(".docx").write_bytes(b"x")
    again.discard()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["brief.docx", "brief.pdf"]


@pytest.mark.skipif(os.name != "posix", reason="a process is tested with os.kill on POSIX")
def test_only_a_dead_process_s_temporaries_are_stale(tmp_path: Path) -> None:
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()
    ours = temp_prefix("brief")
    killed = tmp_path / f"{ours.rsplit('-', 1)[0]}-{dead}.abc.docx.tmp"
    live = tmp_path / f"{ours}.def.docx.tmp"
    killed.write_bytes(b"")
    live.write_bytes(b"")
    assert remove_stale_temporaries(tmp_path, "brief") == [killed]
    assert live.exists()


def test_a_zip_of_the_same_entries_is_the_same_bytes(tmp_path: Path) -> None:
    entries = [("b.txt", b"bee"), ("a.txt", b"a" * 100)]
    when = zip_time(dt.datetime(2021, 7, 15, 13, 5, tzinfo=dt.timezone.utc))
    write_reproducible_zip(tmp_path / "1.zip", entries, when, compresslevel=9, unix=True)
    write_reproducible_zip(tmp_path / "2.zip", iter(entries), when, compresslevel=9, unix=True)
    assert (tmp_path / "1.zip").read_bytes() == (tmp_path / "2.zip").read_bytes()
    with zipfile.ZipFile(tmp_path / "1.zip") as archive:
        assert archive.namelist() == ["b.txt", "a.txt"]  # the order given
        assert {i.date_time for i in archive.infolist()} == {(2021, 7, 15, 0, 0, 0)}
        assert {i.external_attr >> 16 for i in archive.infolist()} == {0o100644}


def test_zip_time_cannot_go_before_1980() -> None:
    assert zip_time(None) == dt.datetime(1980, 1, 1)
    assert zip_time(dt.datetime(1975, 3, 1)) == dt.datetime(1980, 1, 1)

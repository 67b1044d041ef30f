"""The confinement rule: inside its folder after links, a regular file, under its limit."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from briefgen.confine import FileKind, RefusedFile, confined_path, read_confined

SMALL = FileKind("test file", 100)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    inside = tmp_path / "inside"
    inside.mkdir()
    (tmp_path / "outside.txt").write_text("outside", encoding="utf-8")
    return inside


def test_a_regular_file_inside_is_read(folder: Path) -> None:
    (folder / "a.txt").write_bytes(b"hello")
    assert read_confined(folder / "a.txt", folder, SMALL) == b"hello"


def test_a_link_that_stays_inside_is_followed(folder: Path) -> None:
    (folder / "a.txt").write_bytes(b"hello")
    (folder / "b.txt").symlink_to("a.txt")
    assert read_confined(folder / "b.txt", folder, SMALL) == b"hello"
    assert confined_path(folder / "b.txt", folder, SMALL) == (folder / "a.txt").resolve()


@pytest.mark.parametrize("name", ["../outside.txt", str(Path("..") / ".." / "etc" / "passwd")])
def test_a_path_out_of_the_folder_is_refused(folder: Path, name: str) -> None:
    with pytest.raises(RefusedFile, match="outside .*inside") as refused:
        read_confined(folder / name, folder, SMALL)
    assert refused.value.path == folder / name


def test_an_absolute_path_elsewhere_is_refused(folder: Path) -> None:
    with pytest.raises(RefusedFile, match="outside"):
        read_confined(folder.parent / "outside.txt", folder, SMALL)


def test_a_link_out_of_the_folder_is_refused_and_said_to_be_a_link(folder: Path) -> None:
    (folder / "leak.txt").symlink_to(folder.parent / "outside.txt")
    with pytest.raises(RefusedFile, match="a link that leads there"):
        read_confined(folder / "leak.txt", folder, SMALL)


def test_a_link_loop_is_refused(folder: Path) -> None:
    (folder / "loop").symlink_to("loop")
    with pytest.raises(RefusedFile, match="circle"):
        read_confined(folder / "loop", folder, SMALL)


def test_a_named_pipe_is_refused_without_blocking(folder: Path) -> None:
    os.mkfifo(folder / "pipe")
    with pytest.raises(RefusedFile, match="a named pipe, not a regular file"):
        read_confined(folder / "pipe", folder, SMALL)


def test_a_device_is_refused(tmp_path: Path) -> None:
    with pytest.raises(RefusedFile, match="a device, not a regular file"):
        read_confined(Path("/dev/zero"), Path("/dev"), SMALL)


def test_a_folder_is_refused(folder: Path) -> None:
    (folder / "sub").mkdir()
    with pytest.raises(RefusedFile, match="a folder, not a regular file"):
        read_confined(folder / "sub", folder, SMALL)


def test_a_file_over_the_limit_is_refused_with_sizes(folder: Path) -> None:
    (folder / "big.txt").write_bytes(b"x" * (SMALL.limit + 1))
    with pytest.raises(RefusedFile, match=f"holds {SMALL.limit + 1} bytes; the limit for a "
                                          f"test file is {SMALL.limit} bytes"):
        read_confined(folder / "big.txt", folder, SMALL)


def test_a_file_at_the_limit_is_read(folder: Path) -> None:
    (folder / "full.txt").write_bytes(b"x" * SMALL.limit)
    assert len(read_confined(folder / "full.txt", folder, SMALL)) == SMALL.limit


def test_the_limit_holds_while_reading_a_file_that_grows(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A file measured small that has grown by the time it is read: the reading stops at
    # the limit instead of trusting the size it was measured at.
    path = folder / "growing.txt"
    path.write_bytes(b"x" * 10)
    real_fstat = os.fstat

    def fstat_before_growth(fd: int) -> os.stat_result:
        measured = real_fstat(fd)
        path.write_bytes(b"x" * (SMALL.limit * 3))
        return measured

    monkeypatch.setattr(os, "fstat", fstat_before_growth)
    monkeypatch.setattr("briefgen.confine._CHUNK", 16)
    with pytest.raises(RefusedFile, match=f"more than {SMALL.limit} bytes"):
        read_confined(path, folder, SMALL)


def test_a_missing_file_is_file_not_found(folder: Path) -> None:
    with pytest.raises(FileNotFoundError):
        read_confined(folder / "nothing.txt", folder, SMALL)


def test_a_hard_link_is_refused_as_it_may_be_a_file_from_anywhere(folder: Path) -> None:
    # A hard link looks like any regular file inside; only its link count tells that the
    # same file has another name, which may be outside (/etc/passwd linked in on one disk).
    os.link(folder.parent / "outside.txt", folder / "leak.txt")
    for read in (read_confined, confined_path):
        with pytest.raises(RefusedFile, match="has 2 names on disk .a hard link.") as refused:
            read(folder / "leak.txt", folder, SMALL)
        assert refused.value.path == folder / "leak.txt"

"""Writing files safely: temporaries beside the final file, atomic renames, sharing modes,
the leftovers of killed builds, reproducible zips and the cache folder, once for every writer.

A file is written under a temporary name in its own folder and renamed over the final name
only when whole (the rename is atomic on one file system), so a reader, or a build killed
part-way, sees either the old file or the whole new one, never a torn one.
"""

from __future__ import annotations

import datetime as dt
import glob
import os
import re
import socket
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from briefgen.errors import BriefgenError

# The earliest time a zip entry can carry; also what a file with no valid date gets.
ZIP_EPOCH = dt.datetime(1980, 1, 1)


def default_cache_dir() -> Path:
    """$XDG_CACHE_HOME/briefgen, or ~/.cache/briefgen."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "briefgen"


def file_mode() -> int:
    """The permission bits of a new file under the current umask (0666 masked)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def kept_mode(target: Path) -> int:
    """The permission bits ``target`` has, so a replaced file keeps them; file_mode() if new."""
    try:
        return target.stat().st_mode & 0o777
    except FileNotFoundError:
        return file_mode()


@contextmanager
def temporary_beside(target: Path) -> Iterator[Path]:
    """An empty temporary file in ``target``'s folder, removed at the end unless moved into
    place (move_into_place) meanwhile. Raises OSError when the folder cannot be written."""
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(handle)
    temp = Path(name)
    try:
        yield temp
    finally:
        temp.unlink(missing_ok=True)


def move_into_place(temp: Path, target: Path, mode: int | None = None) -> None:
    """Rename ``temp`` over ``target`` with permission bits ``mode`` (None: kept_mode)."""
    # mkstemp makes files private (0600); what briefgen writes is for sharing.
    os.chmod(temp, kept_mode(target) if mode is None else mode)
    os.replace(temp, target)


def write_atomically(target: Path, write: Callable[[Path], object],
                     mode: int | None = None) -> None:
    """Call ``write(temp)`` on a temporary file beside ``target``, then rename it into place.

    On any failure the temporary file is removed and ``target`` is as it was; OSError comes
    out as it is, for the caller to word. ``mode`` None keeps a replaced file's permissions.
    """
    with temporary_beside(target) as temp:
        write(temp)
        move_into_place(temp, target, mode)


class PendingOutputs:
    """The files of one build of ``stem`` in ``out_dir``: each written as a temporary beside
    its final name, and all renamed into place together (commit) or removed (discard)."""

    def __init__(self, out_dir: Path, stem: str) -> None:
        self.out_dir = out_dir
        self.stem = stem
        self._files: list[tuple[Path, Path]] = []  # (temporary, final)

    def reserve(self, suffix: str) -> Path:
        """A temporary file for the final ``<stem><suffix>``, renamed into place by commit."""
        try:
            handle, name = tempfile.mkstemp(prefix=f"{temp_prefix(self.stem)}.",
                                            suffix=suffix + ".tmp", dir=self.out_dir)
        except OSError as exc:
            raise BriefgenError(f"cannot write into {self.out_dir}: {exc.strerror}") from None
        os.close(handle)
        self._files.append((Path(name), self.out_dir / f"{self.stem}{suffix}"))
        return Path(name)

    def files(self) -> list[tuple[str, Path]]:
        """Every file reserved so far as (final name, temporary file), in reserve order."""
        return [(final.name, temp) for temp, final in self._files]

    def commit(self) -> tuple[Path, ...]:
        """Rename every temporary into place; return the final paths."""
        mode = file_mode()
        try:
            for temp, final in self._files:
                move_into_place(temp, final, mode)
        except OSError as exc:
            raise BriefgenError(
                f"cannot move the output into {self.out_dir}: {exc.strerror}") from None
        return tuple(final for _, final in self._files)

    def discard(self) -> None:
        """Remove every temporary still there (a failed or interrupted build)."""
        for temp, _ in self._files:
            temp.unlink(missing_ok=True)


def temp_prefix(stem: str) -> str:
    """The name every temporary of a build of ``stem`` by this process starts with."""
    # Host and process id in the name let a later build tell a killed build's leftovers from
    # a live build's work in progress, even in a folder on a shared drive.
    host = re.sub(r"[^A-Za-z0-9-]+", "-", socket.gethostname())[:40] or "host"
    return f".{stem}.{host}-{os.getpid()}"


def remove_stale_temporaries(out_dir: Path, stem: str) -> list[Path]:
    """Remove temporary files a killed build of ``stem`` left in ``out_dir``; return them.

    Only files this host wrote whose process is gone: a build still running (here, or on
    another machine sharing the folder) keeps its files. A kill (SIGKILL, power cut) is the
    one way a build leaves them, as no cleanup code runs. The process id, not the file's age,
    decides: a long-lived process (a batch worker, a test run) starts many builds.
    """
    if os.name != "posix":  # os.kill(pid, 0) tests a process only on POSIX
        return []
    host = temp_prefix(stem).rsplit("-", 1)[0]
    removed = []
    for path in out_dir.glob(f"{glob.escape(host)}-*.tmp"):
        pid_text = path.name[len(host) + 1:].split(".", 1)[0]
        if not pid_text.isdigit() or int(pid_text) == os.getpid() or _running(int(pid_text)):
            continue
        try:
            path.unlink()
            removed.append(path)
        except OSError:
            continue  # gone already, or not ours to remove: leave it
    return removed


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    return True


def zip_time(when: dt.datetime | None) -> dt.datetime:
    """``when`` as a zip entry can carry it (naive); ZIP_EPOCH if None or earlier."""
    if when is None:
        return ZIP_EPOCH
    return max(when.replace(tzinfo=None), ZIP_EPOCH)


def write_reproducible_zip(out: Path, entries: Iterable[tuple[str, bytes]], when: dt.datetime,
                           *, compresslevel: int, unix: bool) -> None:
    """Write ``entries`` (name, bytes), in their order, as the zip ``out``, every entry dated
    midnight of ``when``, deflated at ``compresslevel``, readable by all: the same entries give
    the same bytes. ``unix``: entries say they were made on Unix with a regular file's mode
    (what unzip restores), else on MS-DOS with bare permission bits (as Word's files are).
    """
    stamp = (when.year, when.month, when.day, 0, 0, 0)
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3 if unix else 0
            info.external_attr = (0o100644 if unix else 0o644) << 16
            archive.writestr(info, data, compresslevel=compresslevel)

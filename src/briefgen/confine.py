"""The one rule for opening an untrusted file: inside its folder, a regular file, under a limit.

Specs, catalogs, sources, chart data and templates arrive from shared drives, so a file they
name may be a link to /etc/passwd (symbolic or hard), ``../../`` out of the project, a
named pipe that blocks forever, /dev/zero, or simply too big to process. Every reader of
such a file goes through ``read_confined`` (or ``confined_path`` when a library must open
the file itself), which refuses all of those with a reason the caller turns into its own
located message.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from briefgen.errors import Problem, SourceError

MiB = 1024 * 1024


@dataclass(frozen=True)
class FileKind:
    """What a file is to briefgen (``name``, for messages) and the most bytes it may hold."""

    name: str
    limit: int


# A long report as plain text is under a megabyte, War and Peace 3.2 MB. Measured on the
# development machine, a 9.7 MB source cost 54 s on its first build (repair, paragraphs and
# the search index) and 18 s on later ones; 4 MiB keeps that near 20 s and 7 s.
SOURCE = FileKind("source file", 4 * MiB)
# The original of a source `sources add` copied in (a PDF report, a saved web page, a Word
# file): read only to check its sha256, never parsed at build, so the bound is memory. Long
# reports with images run to tens of megabytes.
ORIGINAL = FileKind("original source file", 64 * MiB)
# A saved web page `sources add` reads: an article saved from a browser is 0.2-3 MB, most of
# it scripts and styles (images go to a folder beside it). trafilatura's time grows with the
# page (20,000 paragraphs take about 30 s), so the bound is time as much as memory.
WEB_PAGE = FileKind("web page", 10 * MiB)
# A brief spec is a few kilobytes; data goes in CSV files beside it.
SPEC = FileKind("spec", 2 * MiB)
# seeds/sources.yaml: 512 bytes an entry for the 100,000 sources a catalog may hold
# (corpus/catalog.py: ENTRY_BYTES * MAX_SOURCES, about 49 MiB); 1 MiB held only 5,000.
CATALOG = FileKind("source catalog", 512 * 100_000)
# A CSL-JSON or BibTeX file `sources import` reads: one export at a time, parsed whole by
# json and bibtexparser, so kept at the 1 MiB it had (thousands of entries).
EXPORT = FileKind("source export", 1 * MiB)
# A chart's table of numbers: a few kilobytes in practice.
CHART_DATA = FileKind("chart data file", 1 * MiB)
# brief.typ, template.yaml, a logo or a JSON file a template loads.
TEMPLATE_FILE = FileKind("template file", 10 * MiB)
# Compressed size; python-docx inflates it in memory, so this bounds the XML it parses.
REFERENCE_DOCX = FileKind("reference document", 10 * MiB)
# A classification scheme (classification.py): a few levels of a few words each.
CLASSIFICATION_SCHEME = FileKind("classification scheme", MiB // 4)

_CHUNK = 1 * MiB


class RefusedFile(Exception):
    """A file the confinement rule refuses; ``reason`` says why, in words for a message.

    ``path`` is the path as the caller gave it (not where a link leads), so messages name
    the file the user wrote.
    """

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


def confined_path(path: Path, folder: Path, kind: FileKind) -> Path:
    """``path`` with every link resolved, once it is known to be a regular file inside
    ``folder`` (itself resolved) and no larger than ``kind.limit``; RefusedFile otherwise.

    FileNotFoundError passes through unchanged, so callers keep their "no such file" message.
    """
    try:
        inside = Path(folder).resolve()
        resolved = Path(path).resolve()
    except (RuntimeError, OSError):  # Python 3.11 raises RuntimeError for a link loop
        raise RefusedFile(path, f"refused: the {kind.name} is a link that goes round in a "
                                "circle") from None
    if resolved != inside and inside not in resolved.parents:
        link = " (it is a link that leads there)" if _is_link(path) else ""
        raise RefusedFile(path, f"refused: the {kind.name} is outside {inside}{link}; "
                                f"a {kind.name} must be inside that folder")
    status = os.stat(resolved)  # before any open: opening a device or a pipe can block
    _check_status(path, status, kind)
    return resolved


def read_confined(path: Path, folder: Path, kind: FileKind) -> bytes:
    """The bytes of ``path`` under the rule of ``confined_path``, the limit enforced while
    reading too (a file that grows after it was measured is refused, not read on)."""
    resolved = confined_path(path, folder, kind)
    # O_NONBLOCK: should the file have been swapped for a pipe since the check, the open
    # does not wait for a writer; O_NOFOLLOW: nor for a link.
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)
    try:
        handle = os.open(resolved, flags)
    except OSError as error:
        if error.errno == getattr(os, "ELOOP", None):
            raise RefusedFile(path, f"refused: the {kind.name} changed into a link") from None
        raise
    with os.fdopen(handle, "rb", buffering=0) as stream:
        _check_status(path, os.fstat(stream.fileno()), kind)
        chunks: list[bytes] = []
        size = 0
        while chunk := stream.read(_CHUNK):
            size += len(chunk)
            if size > kind.limit:
                raise RefusedFile(path, _too_large(kind, size, while_reading=True))
            chunks.append(chunk)
    return b"".join(chunks)


@contextmanager
def source_read(shown: str, then: str = "") -> Iterator[None]:
    """Around reading a source file the user named under the rule: a file not found,
    refused or unreadable becomes a SourceError naming ``shown`` (each message ending with
    ``then``, such as "; nothing was added"), located at the file."""
    try:
        yield
    except FileNotFoundError:
        raise SourceError(f"{shown}: no such file{then}",
                          [Problem(shown, None, "", "no such file")]) from None
    except RefusedFile as refused:
        raise SourceError(f"{shown}: {refused.reason}{then}",
                          [Problem(shown, None, "", refused.reason)]) from None
    except OSError as error:
        reason = error.strerror or str(error)
        raise SourceError(f"{shown}: cannot be read: {reason}{then}",
                          [Problem(shown, None, "", reason)]) from None


def _check_status(path: Path, status: os.stat_result, kind: FileKind) -> None:
    if not stat.S_ISREG(status.st_mode):
        raise RefusedFile(path, f"refused: the {kind.name} is {kind_of_file(status.st_mode)}, "
                                "not a regular file")
    if status.st_nlink > 1:
        # Inside the folder by its path, but the same file may have a name anywhere on the
        # disk (/etc/passwd linked in): nothing tells where the other names are.
        raise RefusedFile(path, f"refused: the {kind.name} has {status.st_nlink} names on disk "
                                f"(a hard link), and another may be outside; copy the file in "
                                "instead")
    if status.st_size > kind.limit:
        raise RefusedFile(path, _too_large(kind, status.st_size))


def _too_large(kind: FileKind, size: int, while_reading: bool = False) -> str:
    amount = f"more than {kind.limit:,}" if while_reading else f"{size:,}"
    mib = f" ({kind.limit / MiB:g} MiB)" if kind.limit >= MiB else ""
    return (f"refused: the {kind.name} holds {amount} bytes; the limit for a {kind.name} "
            f"is {kind.limit:,} bytes{mib}")


def kind_of_file(mode: int) -> str:
    """What a file of ``mode`` (os.stat) is, in words: "a folder", "a named pipe", ..."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"


def _is_link(path: Path) -> bool:
    try:
        return Path(path).is_symlink()
    except OSError:
        return False

"""The file side of attaching: inputs that can be read, an output that may be written, atomically."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from briefgen import outputs
from briefgen.confine import kind_of_file
from briefgen.errors import BriefgenError


class AttachError(BriefgenError):
    """A brief cannot be attached: a missing or unreadable file, a wrong format, a locked output."""

    category = "attach"


def readable_input(path: Path, role: str) -> None:
    """Raise AttachError unless ``path`` is a file we can open for reading."""
    if not path.exists():
        raise AttachError(f"{path}: no such {role} file")
    if not path.is_file():
        what = kind_of_file(path.stat().st_mode)
        raise AttachError(f"{path}: expected the {role} to be a file, but it is {what}")
    try:
        with path.open("rb"):
            pass
    except OSError as exc:
        raise AttachError(f"{path}: cannot read the {role}: {exc.strerror}") from None


def default_output(brief: Path, report: Path) -> Path:
    """``<report>-with-<brief><suffix>`` beside the report: a new file, so the report stays as it was."""
    return report.with_name(f"{report.stem}-with-{brief.stem}{report.suffix}")


def check_output(target: Path, brief: Path, suffix: str) -> None:
    """Raise AttachError unless ``target`` can be written without touching the brief.

    A read-only target (the report opened elsewhere, or protected) is refused rather than
    replaced: renaming over it would succeed on most systems and silently defeat the protection.
    """
    if target.suffix.lower() != suffix:
        raise AttachError(f"{target}: expected the output to end in {suffix}")
    if target.exists() and brief.exists() and target.resolve() == brief.resolve():
        raise AttachError(f"{target}: the output would overwrite the brief; name another file")
    if target.is_dir():
        raise AttachError(f"{target}: expected an output file, but it is a folder")
    folder = target.parent
    if not folder.is_dir():
        raise AttachError(f"{target}: no such folder {folder}")
    if target.exists() and _read_only(target):
        raise AttachError(f"{target}: the file is read-only (open elsewhere or protected); "
                          "nothing was changed")
    if not os.access(folder, os.W_OK):
        raise AttachError(f"{target}: cannot write into the folder {folder}; nothing was changed")


def _read_only(path: Path) -> bool:
    # The mode bits as well as access(): root may write anything, but a file marked
    # read-only says someone wants it left alone.
    return not os.access(path, os.W_OK) or not path.stat().st_mode & 0o222


def write_atomically(target: Path, write: Callable[[Path], None]) -> None:
    """Call ``write(temp)`` on a temporary file beside ``target``, then rename it into place
    (outputs.write_atomically); AttachError when the folder or file cannot be written.

    The temporary file is removed on any failure, so ``target`` is either the old file or
    the whole new one. A replaced target keeps its permission bits.
    """
    try:
        outputs.write_atomically(target, write)
    except OSError as exc:
        raise AttachError(f"{target}: cannot write: {exc.strerror or exc}") from None

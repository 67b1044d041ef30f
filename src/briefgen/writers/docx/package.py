"""Writing the .docx zip so that the same document gives the same bytes."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

from briefgen.writers.timestamps import embedded_time

# The earliest time a zip entry can carry; also what we use when a brief has no date.
ZIP_EPOCH = dt.datetime(1980, 1, 1)

# Word looks for these two first; the rest follow in name order.
_FIRST = ("[Content_Types].xml", "_rels/.rels")


def brief_datetime(iso_date: str) -> dt.datetime:
    """Midnight of ``iso_date`` (YYYY-MM-DD), or $SOURCE_DATE_EPOCH when set (naive, UTC);
    ZIP_EPOCH if that is empty, invalid or earlier."""
    when = embedded_time(iso_date)
    if when is None:
        return ZIP_EPOCH
    return max(when.replace(tzinfo=None), ZIP_EPOCH)


def write_reproducible_zip(blob: bytes, out: Path, when: dt.datetime) -> None:
    """Rewrite the zip ``blob`` (as python-docx saved it) to ``out`` with fixed metadata.

    python-docx stamps each entry with the current time; here every entry gets ``when``,
    the same permissions and compression, in a fixed order.
    """
    with zipfile.ZipFile(io.BytesIO(blob)) as source:
        entries = {name: source.read(name) for name in source.namelist()}
    names = [n for n in _FIRST if n in entries] + sorted(n for n in entries if n not in _FIRST)
    stamp = (when.year, when.month, when.day, 0, 0, 0)
    with zipfile.ZipFile(out, "w") as target:
        for name in names:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0o644 << 16
            target.writestr(info, entries[name], compresslevel=6)

"""Writing the .docx zip so that the same document gives the same bytes."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

from briefgen import outputs
from briefgen.writers.timestamps import embedded_time

# Word looks for these two first; the rest follow in name order.
_FIRST = ("[Content_Types].xml", "_rels/.rels")


def brief_datetime(iso_date: str) -> dt.datetime:
    """Midnight of ``iso_date`` (YYYY-MM-DD), or $SOURCE_DATE_EPOCH when set (naive, UTC);
    outputs.ZIP_EPOCH if that is empty, invalid or earlier."""
    return outputs.zip_time(embedded_time(iso_date))


def write_reproducible_zip(blob: bytes, out: Path, when: dt.datetime) -> None:
    """Rewrite the zip ``blob`` (as python-docx saved it) to ``out`` with fixed metadata.

    python-docx stamps each entry with the current time; here every entry gets ``when``,
    the same permissions and compression, in a fixed order.
    """
    with zipfile.ZipFile(io.BytesIO(blob)) as source:
        entries = {name: source.read(name) for name in source.namelist()}
    names = [n for n in _FIRST if n in entries] + sorted(n for n in entries if n not in _FIRST)
    # Level 6 and MS-DOS entries, as the first reproducible DOCX was written: kept so that
    # a rebuild of an old brief gives the same bytes.
    outputs.write_reproducible_zip(out, ((n, entries[n]) for n in names), when,
                                   compresslevel=6, unix=False)

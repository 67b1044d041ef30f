"""The .docx zip is rewritten with fixed dates, order and permissions."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

from briefgen.outputs import ZIP_EPOCH
from briefgen.writers.docx.package import brief_datetime, write_reproducible_zip


def _zip(names: list[str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for name in names:
            z.writestr(name, f"content of {name}")
    return buffer.getvalue()


def test_brief_datetime_falls_back_to_the_zip_epoch() -> None:
    assert brief_datetime("2021-06-30") == dt.datetime(2021, 6, 30)
    assert brief_datetime("") == ZIP_EPOCH
    assert brief_datetime("30/06/2021") == ZIP_EPOCH
    assert brief_datetime("1975-01-01") == ZIP_EPOCH


def test_entries_are_ordered_and_dated(tmp_path: Path) -> None:
    blob = _zip(["word/document.xml", "docProps/core.xml", "_rels/.rels", "[Content_Types].xml"])
    out = tmp_path / "out.docx"
    write_reproducible_zip(blob, out, dt.datetime(2021, 6, 30))
    with zipfile.ZipFile(out) as z:
        infos = z.infolist()
        assert z.read("word/document.xml") == b"content of word/document.xml"
    assert [i.filename for i in infos] == [
        "[Content_Types].xml",
        "_rels/.rels",
        "docProps/core.xml",
        "word/document.xml",
    ]
    assert {i.date_time for i in infos} == {(2021, 6, 30, 0, 0, 0)}


def test_same_input_same_bytes(tmp_path: Path) -> None:
    a, b = tmp_path / "a.docx", tmp_path / "b.docx"
    blob = _zip(["[Content_Types].xml", "word/document.xml"])
    write_reproducible_zip(blob, a, ZIP_EPOCH)
    write_reproducible_zip(blob, b, ZIP_EPOCH)
    assert a.read_bytes() == b.read_bytes()

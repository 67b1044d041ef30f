"""Appending entries to the catalog's text: comments and hand-written entries kept."""

from __future__ import annotations

from pathlib import Path

from briefgen.corpus.catalog import Person, SourceCatalog, SourceRecord
from briefgen.corpus.catalog_edits import append_entries, entry_fields

CATALOG = """\
# A desk's catalog: this comment and the entry below are kept byte for byte.
sources:
  - id: hand-written   # by hand
    file: ""
    title: "A hand-written entry"
    type: report
"""


def test_appended_entries_load_and_leave_the_text_before_them_untouched(tmp_path: Path) -> None:
    record = SourceRecord(id="okafor-delta-2024", title="Water on the Delta: a review",
                          type="report", authors=(Person("Okafor", "Ada"), Person("Delta Trust")),
                          container_title="", publisher="Delta Trust", date="2024-03", url="",
                          file="")
    entry = {**entry_fields(record), "file": ""}
    text = append_entries(CATALOG, "appended by a test", [entry])
    assert text.startswith(CATALOG)
    assert "  # --- appended by a test ---" in text
    path = tmp_path / "sources.yaml"
    path.write_text(text, encoding="utf-8")
    catalog = SourceCatalog.load(path)
    assert catalog.ids() == ["hand-written", "okafor-delta-2024"]
    loaded = catalog.get("okafor-delta-2024")
    assert loaded.authors == (Person("Okafor", "Ada"), Person("Delta Trust"))
    assert (loaded.title, loaded.date, loaded.publisher) == (
        "Water on the Delta: a review", "2024-03", "Delta Trust")

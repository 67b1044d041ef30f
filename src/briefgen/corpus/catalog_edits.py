"""Adding entries to the catalog's text, as a person would: appended under a comment.

`sources import` and `sources add` both append; neither re-dumps the catalog, so its
comments, layout and hand-written entries stay byte for byte as they were.
"""

from __future__ import annotations

from typing import Any

from briefgen.corpus.catalog import SourceRecord
from briefgen.spec.yamlsource import dump_yaml


def entry_fields(record: SourceRecord) -> dict[str, Any]:
    """The bibliographic fields every appended entry writes, in the catalog's order."""
    return {
        "id": record.id,
        "title": record.title,
        "type": record.type,
        "authors": [{"family": p.family, "given": p.given} if p.given else {"family": p.family}
                    for p in record.authors],
        "container_title": record.container_title,
        "publisher": record.publisher,
        "date": record.date,
        "url": record.url,
    }


def append_entries(catalog_text: str, comment: str, entries: list[dict[str, Any]]) -> str:
    """``catalog_text`` with ``entries`` appended to its ``sources:`` list under ``# comment``,
    each entry a blank line apart, indented as the list's items are."""
    lines = [f"  # --- {comment} ---"]
    for entry in entries:
        lines.append("")
        lines += ["  " + line if line else line for line in dump_yaml([entry]).splitlines()]
    text = catalog_text if catalog_text.endswith("\n") else catalog_text + "\n"
    return text + "\n" + "\n".join(lines) + "\n"

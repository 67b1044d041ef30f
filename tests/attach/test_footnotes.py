"""Copying notes between footnotes parts: ids above every id in use, separators, missing notes."""

from __future__ import annotations

import pytest
from lxml import etree

from briefgen.attach._footnotes import FootnoteCopier, MissingFootnote

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _notes(*notes: tuple[str, str, str]) -> bytes:
    """A footnotes part from (id, type, text) triples."""
    body = "".join(
        f'<w:footnote w:id="{i}"{f" w:type={chr(34)}{t}{chr(34)}" if t else ""}>'
        f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:footnote>" for i, t, text in notes)
    return f'<w:footnotes xmlns:w="{W}">{body}</w:footnotes>'.encode()


BRIEF = _notes(("-1", "separator", ""), ("0", "continuationSeparator", ""),
               ("1", "", "Brief note one."), ("2", "", "Brief note two."))


def _by_id(xml: bytes) -> dict[str, str]:
    root = etree.fromstring(xml)
    return {n.get(f"{{{W}}}id"): "".join(n.itertext()) for n in root.iter(f"{{{W}}}footnote")}


def test_copies_get_ids_above_every_id_in_use_even_with_gaps() -> None:
    # Word leaves gaps when notes are deleted: ids 1 and 7 in a part of four notes.
    report = _notes(("-1", "separator", ""), ("0", "continuationSeparator", ""),
                    ("1", "", "Report note."), ("7", "", "Report note after deletions."))
    copier = FootnoteCopier(report, BRIEF)
    assert [copier.copy("2")[0], copier.copy("1")[0]] == ["8", "9"]
    notes = _by_id(copier.xml())
    assert notes["1"] == "Report note." and notes["7"] == "Report note after deletions."
    assert notes["8"] == "Brief note two." and notes["9"] == "Brief note one."
    assert len(etree.fromstring(copier.xml())) == 6


def test_a_report_without_notes_gets_the_brief_separators() -> None:
    copier = FootnoteCopier(None, BRIEF)
    new_id, note = copier.copy("1")
    assert new_id == "1" and "".join(note.itertext()) == "Brief note one."
    root = etree.fromstring(copier.xml())
    types = [n.get(f"{{{W}}}type") for n in root]
    assert types == ["separator", "continuationSeparator", None]


def test_a_missing_note_is_reported() -> None:
    with pytest.raises(MissingFootnote, match="5"):
        FootnoteCopier(None, BRIEF).copy("5")

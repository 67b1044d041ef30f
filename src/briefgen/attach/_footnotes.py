"""Raw XML for copying footnotes from one word/footnotes.xml into another, with fresh ids.

Why this exists: docxcompose 2.2 copies the notes an inserted document references, but it
numbers the copies from ``len(notes) + 1``, which collides with an id already in use when the
report's ids have gaps (Word leaves gaps when notes are deleted), and it re-points the
relationships of links inside the notes on a throwaway copy, so such links dangle. This
module does the XML half of the job right: each copy gets an id above every id in use, and
the copy is returned so the caller can re-point its ``r:id`` relationships.
"""

from __future__ import annotations

import copy

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_FOOTNOTE = f"{{{W}}}footnote"
_ID = f"{{{W}}}id"
_TYPE = f"{{{W}}}type"
# The notes Word draws itself (the rule above the notes, its continuation); not the author's.
_SPECIAL_TYPES = {"separator", "continuationSeparator", "continuationNotice"}


class MissingFootnote(LookupError):
    """The inserted document refers to a footnote id its footnotes part does not have."""


class FootnoteCopier:
    """The report's footnotes being extended with copies of the brief's.

    ``target_xml`` None means the report has no footnotes part yet: it is started with the
    brief's separator notes, so the copied notes sit under the usual rule.
    """

    def __init__(self, target_xml: bytes | None, source_xml: bytes) -> None:
        self.source = etree.fromstring(source_xml)
        self._source_notes = {n.get(_ID): n for n in self.source.iter(_FOOTNOTE)}
        if target_xml is None:
            self.target = etree.Element(f"{{{W}}}footnotes", nsmap=self.source.nsmap)
            for note in self.source.iter(_FOOTNOTE):
                if note.get(_TYPE) in _SPECIAL_TYPES:
                    self.target.append(copy.deepcopy(note))
        else:
            self.target = etree.fromstring(target_xml)
        used = [int(n.get(_ID)) for n in self.target.iter(_FOOTNOTE)
                if (n.get(_ID) or "").lstrip("-").isdigit()]
        self._next_id = max([0, *used]) + 1

    def copy(self, source_id: str) -> tuple[str, etree._Element]:
        """Copy the brief's note ``source_id`` into the report; return its new id and the copy.

        Raises MissingFootnote when the brief has no such note.
        """
        note = self._source_notes.get(source_id)
        if note is None:
            raise MissingFootnote(source_id)
        new = copy.deepcopy(note)
        new_id = str(self._next_id)
        self._next_id += 1
        new.set(_ID, new_id)
        self.target.append(new)
        return new_id, new

    def xml(self) -> bytes:
        """The report's footnotes part as it now stands."""
        return etree.tostring(self.target, xml_declaration=True, encoding="UTF-8",
                              standalone=True)

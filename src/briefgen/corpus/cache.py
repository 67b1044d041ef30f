"""The catalogs loaded in this process, kept while their files stay unchanged."""

from __future__ import annotations

from pathlib import Path

from briefgen.corpus.catalog import SourceCatalog

# Catalogs loaded in this process, by resolved path: the catalog, and the stamps of the files
# it was read from (see load_catalog).
_CATALOGS: dict[Path, tuple[SourceCatalog, tuple[tuple[Path, int, int], ...]]] = {}


def _stamps(paths: list[Path]) -> tuple[tuple[Path, int, int], ...]:
    stamps = []
    for path in paths:
        try:
            stat = path.stat()
            stamps.append((path, stat.st_mtime_ns, stat.st_size))
        except OSError:
            stamps.append((path, -1, -1))
    return tuple(stamps)


def load_catalog(path: Path) -> SourceCatalog:
    """The catalog at ``path``, loaded once per process while it and its source files stay
    unchanged, from the corpus index when the catalog is the one it holds.

    A batch worker or a watch builds many briefs from one corpus, and reading, repairing and
    folding the sources is a fifth of a build; the catalog keeps each source's text once
    read. Across processes the index keeps the validated records, so a catalog of 100,000
    sources is not parsed for every `check` (``CorpusIndex.open_catalog``). Any change to
    the catalog or a source file (size or modification time) loads it afresh, so a saved
    source is never served stale. When the index cannot be used (its folder is read-only),
    the catalog is loaded without it.
    """
    from briefgen.corpus.index import CorpusIndex, IndexUnavailable

    key = path.resolve()
    cached = _CATALOGS.get(key)
    if cached is not None and _stamps([p for p, _, _ in cached[1]]) == cached[1]:
        return cached[0]
    # Stamps are taken before reading: a save made while the catalog is read shows as a change.
    stamps = _stamps([key])
    try:
        index = CorpusIndex.open_catalog(path)
    except IndexUnavailable:
        catalog = SourceCatalog.load(path)
        # A stored text's original too: a changed original is a problem the load reports.
        sources = [key.parent / name for sid in catalog.ids()
                   for name in (catalog.get(sid).file, catalog.get(sid).text) if name]
    else:
        # The index stamps each text and original it checked (see CorpusIndex.source_files).
        catalog, sources = index.catalog, index.source_files()
        index.close()
    _CATALOGS[key] = (catalog, stamps + _stamps(sources))
    return catalog

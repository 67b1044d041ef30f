"""A search index of the whole corpus, cached on disk, with the catalog's validated records.

The only module that imports sqlite3. Each paragraph's words go into an SQLite FTS5 table;
a search asks it for the paragraphs holding every run of words of the quote, then checks
each candidate with ``verify_quote``. The index only narrows the search, it never decides:
what ``find`` reports is exactly what ``verify_quote`` accepts, so the index cannot let an
altered quote through, and a genuine quote is never missed because every paragraph a quote
verifies against holds the quote's runs of words (a property test checks this).

The index lives under $XDG_CACHE_HOME/briefgen/index/, one SQLite file per catalog. It also
holds the catalog itself as loading validated it (each record, and the lines messages
name), keyed by the catalog's sha256, so `find`, `check` and `build` on a catalog of 100,000
sources re-open the index instead of parsing and validating its YAML (seconds) each time.
Nothing stale is served: the catalog is parsed again when its bytes change, and a source is
checked and indexed again when its file changes, noticed by the file's stamp (device, inode,
size, modification and change times: an edit, a rename over it, a new hard link, a link
pointed elsewhere each change one) and then its sha256. The cache is the user's, so it is
trusted as ours but read with care: a file SQLite cannot read, or rows that are not what we
wrote, are removed and rebuilt, never a traceback.

Building uses every core: the sources' files are checked, repaired, split, tokenised and
searched for claims in worker processes (forked, so they share the parsed catalog), a
group of sources sharing a file at a time; only the writes to SQLite are the parent's.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
import sqlite3
import threading
import types
import typing
import unicodedata
import weakref
from array import array
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from types import ModuleType
from typing import TYPE_CHECKING

from briefgen.confine import CATALOG, RefusedFile, confined_path
from briefgen.corpus.quotes import NearMiss, QuoteMatch, closest_passage, normalise, verify_quote
from briefgen.corpus.text import Paragraph, SourceText
from briefgen.errors import Problem, SourceError

if TYPE_CHECKING:
    from briefgen.corpus.catalog import CatalogEntry, SourceCatalog, SourceRecord
    from briefgen.corpus.claims import Claim


def _catalogs() -> ModuleType:
    """briefgen.corpus.catalog, imported when a catalog is read or built: a warm `find`
    never needs it, and its schema, YAML and validation were a third of that process."""
    from briefgen.corpus import catalog

    return catalog

#: Bump when what is stored changes (tokens, paragraphs, claims); older indexes are rebuilt.
INDEX_VERSION = "2"

_INVISIBLE = {ord(c): None for c in "\u00ad\u200b\u200c\u200d\u2060\ufeff"}
_TOKEN = re.compile(r"[^\W_]+")
# The conventions of quotes.py, only as far as cutting a quote into literal runs needs them.
_SIC = re.compile(r"\s*\[sic!?\]", re.IGNORECASE)
_ELLIPSIS = re.compile(r"\s*\.(?:\s?\.){2,}\s*")
_BRACKET = re.compile(r"\[[^\[\]]*\]")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value NOT NULL);
CREATE TABLE IF NOT EXISTS sources (source_id TEXT PRIMARY KEY, fingerprint TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS paragraphs (
    id INTEGER PRIMARY KEY, source_id TEXT NOT NULL, number INTEGER NOT NULL, text TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS paragraphs_source ON paragraphs (source_id);
CREATE VIRTUAL TABLE IF NOT EXISTS words USING fts5(tokens, tokenize = 'unicode61 remove_diacritics 0');
CREATE TABLE IF NOT EXISTS claims (
    source_id TEXT NOT NULL, topic TEXT NOT NULL, low REAL NOT NULL, high REAL NOT NULL,
    qualifier TEXT NOT NULL, text TEXT NOT NULL, paragraph INTEGER NOT NULL,
    start INTEGER NOT NULL, "end" INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS claims_source ON claims (source_id);
CREATE TABLE IF NOT EXISTS entries (
    source_id TEXT PRIMARY KEY, position INTEGER NOT NULL, file TEXT NOT NULL,
    record TEXT NOT NULL, lines TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS entries_file ON entries (file);
"""


def tokens(text: str) -> list[str]:
    """The words of ``text`` as the index holds them: NFC, invisible characters dropped,
    lower case, runs of letters and digits (so "IS-K's 2,200" is is, k, s, 2, 200)."""
    return _TOKEN.findall(unicodedata.normalize("NFC", text).translate(_INVISIBLE).lower())


def quote_runs(quote: str) -> list[list[str]]:
    """The runs of words every paragraph that holds ``quote`` must hold, each run unbroken.

    Ellipses and brackets cut a quote into runs; a word touching a bracket ("[t]he",
    "[IS-K]'s") is left out, since the bracket may change it.
    """
    text = _SIC.sub(" ", normalise(quote))
    runs: list[list[str]] = []
    for part in _ELLIPSIS.split(text):
        pieces = _BRACKET.split(part)
        for index, piece in enumerate(pieces):
            words = tokens(piece)
            if index > 0 and piece[:1].isalnum() and words:
                words = words[1:]
            if index < len(pieces) - 1 and piece[-1:].isalnum() and words:
                words = words[:-1]
            if words:
                runs.append(words)
    return runs


@dataclass(frozen=True)
class IndexUpdate:
    """What opening the index did: sources re-read (added or changed), removed, kept."""

    indexed: tuple[str, ...]
    removed: tuple[str, ...]
    kept: int


def default_index_dir() -> Path:
    """$XDG_CACHE_HOME/briefgen/index, or ~/.cache/briefgen/index."""
    from briefgen.outputs import default_cache_dir

    return default_cache_dir() / "index"




def _record_format() -> str:
    """The stored records' format: a field added to SourceRecord parses the catalog again."""
    catalog = _catalogs()
    return hashlib.sha256(repr([
        (cls.__name__, [(f.name, str(f.type)) for f in dataclasses.fields(cls)])
        for cls in (catalog.SourceRecord, catalog.Person)]).encode()).hexdigest()[:16]

# Below this many sources to (re)index, forking workers costs more than it saves.
_PARALLEL_FROM = 200
_STAMP_FIELDS = 5
_STAMP_BYTES = _STAMP_FIELDS * array("q").itemsize
_FORK_STAT_FROM = 5_000
_BUSY_SECONDS = 60
_PARAGRAPH_ROW = (str, int, str)  # source_id, number, text
_CLAIM_ROW = (str, float, float, str, str, str, int, int, int)

# Catalogs that open_catalog found or made current, with the index file they match: opening
# the index again for one of them (check's claims) trusts that instead of checking again.
_CURRENT: weakref.WeakKeyDictionary[SourceCatalog, Path] = weakref.WeakKeyDictionary()


class IndexUnavailable(SourceError):
    """The index itself cannot be used (its folder cannot be made, SQLite refuses the file):
    nothing is wrong with the catalog, which can still be loaded without it."""


class _Damaged(Exception):
    """The index file holds something we did not write: it is removed and built again."""


def index_path(catalog_path: Path, index_dir: Path | None = None) -> Path:
    """The SQLite file that indexes the catalog at ``catalog_path``."""
    folder = index_dir or default_index_dir()
    name = hashlib.sha256(str(Path(catalog_path).resolve()).encode()).hexdigest()[:16]
    return folder / f"{name}.sqlite"


class CorpusIndex:
    """The searchable paragraphs of every quotable source of one catalog."""

    def __init__(self, connection: sqlite3.Connection, catalog: SourceCatalog | None,
                 update: IndexUpdate, ids: list[str] | None = None) -> None:
        """Use ``CorpusIndex.open_catalog``, ``open_search`` or ``open``. ``catalog`` is None
        for an index opened only to search (``ids`` then gives the catalog's order)."""
        self._db = connection
        self._catalog = catalog
        self._ids = ids
        self.update = update

    @property
    def catalog(self) -> SourceCatalog:
        """The catalog this index is of; an index opened by ``open_search`` has none."""
        if self._catalog is None:
            raise AttributeError("an index opened to search only has no catalog")
        return self._catalog

    @classmethod
    def open_search(cls, catalog_path: Path, index_dir: Path | None = None) -> CorpusIndex:
        """The index of the catalog at ``catalog_path``, for searching only.

        When the catalog and every source file are as indexed (their stamps), it is opened
        without loading the catalog at all: no record is read, nor the catalog's code
        imported. Otherwise, as ``open_catalog`` (which checks and indexes what changed).
        """
        catalog_path = Path(catalog_path)
        path = index_path(catalog_path, index_dir)
        if path.is_file():
            db = None
            try:
                db = _connect(path)
                meta = _meta(db)
                stamp = _catalog_stamp(catalog_path)
                if meta.get("catalog_stamp") == stamp:
                    ids, files, stored_stamps = _stored_lists(db, meta)
                    if _file_stamps(catalog_path.parent, files) == stored_stamps:
                        return cls(db, None, IndexUpdate((), (), len(files)), ids)
            except (sqlite3.DatabaseError, _Damaged, SourceError):
                pass  # open_catalog says what is wrong, or rebuilds
            if db is not None:
                db.close()
        return cls.open_catalog(catalog_path, index_dir)

    @classmethod
    def open_catalog(cls, catalog_path: Path, index_dir: Path | None = None) -> CorpusIndex:
        """The catalog at ``catalog_path`` and its index, both current.

        When the catalog's bytes are those the index holds, its records come from the index
        (read as asked for) and only source files whose stamp changed are checked and
        indexed again; otherwise the catalog is parsed and validated, every source file
        checked, and what changed indexed, in parallel, and stored. SourceError lists every
        problem of the catalog and its files, as ``SourceCatalog.load`` would.
        """
        catalog_path = Path(catalog_path)
        path = index_path(catalog_path, index_dir)
        _make_folder(path.parent)
        for attempt in (1, 2):
            db: sqlite3.Connection | None = None
            try:
                db = _connect(path)
                catalog, update = _current_catalog(db, path, catalog_path)
                _CURRENT[catalog] = path
                return cls(db, catalog, update)
            except (sqlite3.DatabaseError, _Damaged) as exc:
                if db is not None:
                    db.close()
                _refuse_if_busy(path, exc)
                if attempt == 2:
                    raise IndexUnavailable(f"the corpus index {path} cannot be used ({exc}); "
                                           "delete it and run again to rebuild it") from None
                _remove(path)  # not what we wrote: rebuilt from the catalog
            except BaseException:
                if db is not None:
                    db.close()
                raise
        raise AssertionError("unreachable")

    @classmethod
    def open(cls, catalog: SourceCatalog, index_dir: Path | None = None) -> CorpusIndex:
        """The index of ``catalog``, brought up to date: only changed sources are re-read."""
        path = index_path(catalog.path, index_dir)
        _make_folder(path.parent)
        if _CURRENT.get(catalog) == path:
            try:
                return cls(_connect(path), catalog, IndexUpdate((), (), 0))
            except sqlite3.DatabaseError:
                pass
        wanted = _fingerprints(catalog)
        for attempt in (1, 2):
            db = None
            try:
                db = _connect(path)
                return cls(db, catalog, _refresh(db, catalog, wanted))
            except sqlite3.DatabaseError as exc:
                if db is not None:
                    db.close()
                _refuse_if_busy(path, exc)
                if attempt == 2:
                    raise IndexUnavailable(f"the corpus index {path} cannot be used ({exc}); "
                                           "delete it and run again to rebuild it") from None
                _remove(path)
            except BaseException:
                if db is not None:
                    db.close()
                raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        self._db.close()

    def find(self, quote: str) -> list[QuoteMatch]:
        """Every paragraph of every source in which ``quote`` verifies, in catalog order."""
        matches = []
        for source_id, number, text in self._candidates(quote):
            match = verify_quote(quote, SourceText(source_id, (Paragraph(number, text),), ""))
            if match is not None:
                matches.append(match)
        order = self._order({m.source_id for m in matches})
        return sorted(matches, key=lambda m: (order.get(m.source_id, len(order)), m.paragraph))

    def closest(self, quote: str, limit: int = 3, candidates: int = 50) -> list[NearMiss]:
        """The ``limit`` passages most like ``quote``: the ``candidates`` paragraphs sharing
        most of its words (BM25), scored by rapidfuzz as ``closest_passage`` does."""
        words = sorted({w for run in quote_runs(quote) for w in run})
        if not words:
            return []
        query = " OR ".join(f'"{w}"' for w in words)
        rows = self._db.execute(
            "SELECT p.source_id, p.number, p.text FROM words JOIN paragraphs p ON p.id = "
            "words.rowid WHERE words MATCH ? ORDER BY bm25(words) LIMIT ?",
            (query, candidates)).fetchall()
        near = []
        for source_id, number, text in self._typed(iter(rows), _PARAGRAPH_ROW):
            miss = closest_passage(quote, SourceText(source_id, (Paragraph(number, text),), ""))
            if miss is not None:
                near.append(miss)
        near.sort(key=lambda n: (-n.score, n.source_id, n.paragraph))
        return near[:limit]

    def claims(self) -> list[Claim]:
        """Every numeric claim (see figures.TOPICS) of the corpus, in catalog order."""
        from briefgen.corpus.claims import Claim

        rows = self._db.execute('SELECT topic, low, high, qualifier, text, source_id, paragraph, '
                                'start, "end" FROM claims').fetchall()
        found = [Claim(*row) for row in self._typed(iter(rows), _CLAIM_ROW)]
        order = self._order({c.source_id for c in found})
        return sorted(found, key=lambda c: (order.get(c.source_id, 0), c.paragraph, c.start))

    def paragraph(self, source_id: str, number: int) -> str:
        """The text of paragraph ``number`` of ``source_id`` as indexed (current: the index
        was brought up to date when opened); KeyError if the index has no such paragraph."""
        row = self._db.execute("SELECT text FROM paragraphs WHERE source_id = ? AND number = ?",
                               (source_id, number)).fetchone()
        if row is None:
            raise KeyError((source_id, number))
        [(text,)] = self._typed(iter([row]), (str,))
        return str(text)

    def source_files(self) -> list[Path]:
        """The source files of the catalog, each once, when it was opened by
        ``open_catalog``; [] otherwise."""
        files = _meta(self._db).get("files", "")
        folder = self.catalog.path.parent
        return [folder / file for file in files.split("\n")] if isinstance(files, str) and \
            files else []

    def paragraph_count(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM paragraphs").fetchone()[0])

    def _order(self, source_ids: set[str]) -> dict[str, int]:
        """The catalog position of each of ``source_ids`` (those it has)."""
        if not source_ids:
            return {}
        ids = self._ids if self._ids is not None else self.catalog.ids()
        return {sid: i for i, sid in enumerate(ids) if sid in source_ids}

    def _candidates(self, quote: str) -> Iterator[tuple[str, int, str]]:
        runs = quote_runs(quote)
        if not runs:
            # Nothing to narrow by ("[t]he"): every paragraph is a candidate.
            yield from self._typed(self._db.execute(
                "SELECT source_id, number, text FROM paragraphs"), _PARAGRAPH_ROW)
            return
        query = " AND ".join('"' + " ".join(run) + '"' for run in runs)
        yield from self._typed(self._db.execute(
            "SELECT p.source_id, p.number, p.text FROM words JOIN paragraphs p "
            "ON p.id = words.rowid WHERE words MATCH ?", (query,)), _PARAGRAPH_ROW)

    def _typed(self, rows: Iterator[Any], types: tuple[type, ...]) -> Iterator[Any]:
        """``rows`` as written, or a SourceError (the index marked for rebuilding) at one that
        is not: the cache is the user's, and a tampered row must not become a traceback."""
        for row in rows:
            if len(row) != len(types) or not all(type(v) is t for v, t in zip(row, types)):
                file = next((Path(f) for _n, name, f in self._db.execute(
                    "PRAGMA database_list") if name == "main"), Path("index"))
                raise _damaged(file, "a row is not what the index writes")
            yield row


# --- the database file -----------------------------------------------------------------------


def _make_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise IndexUnavailable(f"cannot create the index folder {folder}: {exc.strerror}"
                               ) from None


def _connect(path: Path) -> sqlite3.Connection:
    """The index file, its tables made and its version checked (an older one is emptied)."""
    # Another process may be writing it (a batch's workers): wait for it rather than fail.
    db = sqlite3.connect(path, timeout=_BUSY_SECONDS)
    try:
        db.executescript(_SCHEMA)
        version = db.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()
        if version is None or version[0] != INDEX_VERSION:
            db.executescript("DELETE FROM meta; DELETE FROM sources; DELETE FROM paragraphs; "
                             "DELETE FROM words; DELETE FROM claims; DELETE FROM entries;")
            db.execute("INSERT INTO meta VALUES ('version', ?)", (INDEX_VERSION,))
            db.commit()
    except BaseException:
        db.close()
        raise
    return db


def _refuse_if_busy(path: Path, error: Exception) -> None:
    """IndexUnavailable when ``error`` is another process holding the index (a batch's
    workers, a second terminal): the file is sound and must not be removed as if damaged."""
    if isinstance(error, sqlite3.OperationalError) and any(
            word in str(error) for word in ("locked", "busy")):
        raise IndexUnavailable(f"the corpus index {path} is in use by another process "
                               f"({error})") from None


def _remove(path: Path) -> None:
    for leftover in (path, path.with_name(path.name + "-journal"),
                     path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        try:
            leftover.unlink()
        except FileNotFoundError:
            pass
        except OSError as exc:
            raise IndexUnavailable(f"the corpus index {path} is damaged and cannot be removed "
                                   f"({exc.strerror}); delete it by hand") from None


def _meta(db: sqlite3.Connection) -> dict[str, Any]:
    return dict(db.execute("SELECT key, value FROM meta").fetchall())


def _text_meta(meta: Mapping[str, Any], key: str) -> str:
    value = meta.get(key, "")
    if not isinstance(value, str):
        raise _Damaged(f"meta {key} is not text")
    return value


# --- the catalog, from the index or parsed ----------------------------------------------------


def _stamp(status: os.stat_result) -> tuple[int, ...]:
    return (status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns, status.st_ctime_ns)


def _catalog_stamp(catalog_path: Path) -> str:
    """The catalog file's stamp, once the confinement rule lets it be read."""
    try:
        resolved = confined_path(catalog_path, catalog_path.parent, CATALOG)
        return ",".join(map(str, _stamp(os.stat(resolved))))
    except (RefusedFile, OSError):
        _catalogs().read_catalog_bytes(catalog_path)  # raises the catalog's own message
        raise


def _file_stamps(folder: Path, files: list[str]) -> bytes:
    """The stamps of ``files`` (relative to ``folder``) packed; a file that cannot be stat'ed
    has -1s, which no real stamp equals, so it is checked (and reported) again.

    A stat is a few microseconds, but 100,000 of them were most of a warm `find`: past
    _FORK_STAT_FROM files a forked child stats the second half while this process stats the
    first (only in a process without other threads, where a fork is safe).
    """
    if len(files) < _FORK_STAT_FROM or not hasattr(os, "fork") or threading.active_count() > 1:
        return _stamps_of(folder, files)
    half = len(files) // 2
    read_end, write_end = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - the child's coverage is not collected
        status = 1
        try:
            os.close(read_end)
            data = memoryview(_stamps_of(folder, files[half:]))
            while data:
                data = data[os.write(write_end, data):]
            status = 0
        finally:
            os._exit(status)
    os.close(write_end)
    first = _stamps_of(folder, files[:half])
    chunks = []
    with os.fdopen(read_end, "rb") as stream:
        while chunk := stream.read(1 << 20):
            chunks.append(chunk)
    _pid, status = os.waitpid(child, 0)
    second = b"".join(chunks)
    if status != 0 or len(second) != (len(files) - half) * _STAMP_BYTES:
        second = _stamps_of(folder, files[half:])  # the child failed: do its half here
    return first + second


def _stamps_of(folder: Path, files: list[str]) -> bytes:
    values: list[int] = []
    missing = (-1,) * _STAMP_FIELDS
    stat = os.stat
    # Relative to the folder's descriptor: the kernel walks "texts/000/s1.txt", not the
    # folder's whole path again for every file.
    try:
        folder_fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        folder_fd = None
    relative = folder_fd is not None and stat in os.supports_dir_fd
    base = "" if relative else str(folder) + os.sep
    try:
        for file in files:
            try:
                status = (stat(file, dir_fd=folder_fd) if relative else stat(base + file))
                values += (status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns,
                           status.st_ctime_ns)
            except (OSError, ValueError):
                values += missing
    finally:
        if folder_fd is not None:
            os.close(folder_fd)
    return array("q", values).tobytes()


def _current_catalog(db: sqlite3.Connection, path: Path, catalog_path: Path
                     ) -> tuple[SourceCatalog, IndexUpdate]:
    meta = _meta(db)
    stamp = _catalog_stamp(catalog_path)
    if meta.get("catalog_stamp") != stamp or meta.get("record_format") != _record_format():
        raw = _catalogs().read_catalog_bytes(catalog_path)
        digest = hashlib.sha256(raw).hexdigest()
        if (meta.get("catalog_sha256") != digest
                or meta.get("record_format") != _record_format()):
            return _parse_and_index(db, catalog_path, raw, digest, stamp)
        with db:
            db.execute("INSERT OR REPLACE INTO meta VALUES ('catalog_stamp', ?)", (stamp,))
    return _stored_catalog(db, path, catalog_path, meta)


def _stored_lists(db: sqlite3.Connection, meta: Mapping[str, Any]
                  ) -> tuple[list[str], list[str], bytes]:
    """The catalog's ids, its source files and their stamps, as stored."""
    ids_text = _text_meta(meta, "ids")
    files_text = _text_meta(meta, "files")
    files = files_text.split("\n") if files_text else []
    stored_stamps = meta.get("file_stamps", b"")
    if not isinstance(stored_stamps, bytes) or len(stored_stamps) != len(files) * _STAMP_BYTES:
        raise _Damaged("file stamps do not match the files")
    return (ids_text.split("\n") if ids_text else []), files, stored_stamps


def _stored_catalog(db: sqlite3.Connection, path: Path, catalog_path: Path,
                    meta: Mapping[str, Any]) -> tuple[SourceCatalog, IndexUpdate]:
    """The catalog as the index holds it, with the sources whose files changed indexed again."""
    ids, files, stored_stamps = _stored_lists(db, meta)
    if db.execute("SELECT count(*) FROM entries").fetchone()[0] != len(ids):
        raise _Damaged("entries do not match the ids")
    records = _StoredRecords(path, ids)
    catalogs = _catalogs()
    catalog = catalogs.SourceCatalog(
        catalog_path, records, catalogs.ArticleFiles(catalog_path, records.entries_sharing_file),
        _StoredLines(records))
    now = _file_stamps(catalog_path.parent, files)
    if now == stored_stamps:
        return catalog, IndexUpdate((), (), len(files))
    # Some files changed: check those again (as loading would) and index what now differs.
    width = _STAMP_BYTES
    changed = [file for i, file in enumerate(files)
               if now[i * width:(i + 1) * width] != stored_stamps[i * width:(i + 1) * width]]
    affected = [records.entries_of_file(file) for file in changed]
    stored = dict(db.execute("SELECT source_id, fingerprint FROM sources").fetchall())
    results = _work(catalog_path, affected, stored)
    problems = [p for result in results for p in result.problems]
    if problems:  # the stamps stay as they were, so the next run checks these files again
        raise catalogs.catalog_error(catalog_path, problems)
    wanted = {**stored, **{sid: fingerprint for result in results
                           for sid, fingerprint, _rows in result.sources}}
    update = _store(db, results, wanted, [("file_stamps", now)])
    return catalog, update


def _parse_and_index(db: sqlite3.Connection, catalog_path: Path, raw: bytes, digest: str,
                     stamp: str) -> tuple[SourceCatalog, IndexUpdate]:
    """Parse and validate the catalog, check every source file and index what changed."""
    catalogs = _catalogs()
    parsed = catalogs.parse_catalog(catalog_path, raw)
    groups: dict[str, list[CatalogEntry]] = {}
    for entry in parsed.entries:
        if entry.record.file:
            groups.setdefault(entry.record.file, []).append(entry)
        elif entry.record.start:
            groups.setdefault("", []).append(entry)  # reported: a start without a file
    files = [file for file in groups if file]
    # Stamped before the workers read: a save made meanwhile shows as a change next time.
    stamps = _file_stamps(catalog_path.parent, files)
    stored = dict(db.execute("SELECT source_id, fingerprint FROM sources").fetchall())
    results = _work(catalog_path, list(groups.values()), stored)
    problems = [*parsed.problems, *(p for result in results for p in result.problems)]
    if problems:
        raise catalogs.catalog_error(catalog_path, problems)
    catalog = catalogs.SourceCatalog(catalog_path, parsed.records,
                                     catalogs.ArticleFiles.of(catalog_path, parsed.entries),
                                     parsed.lines)
    wanted = {sid: fingerprint for result in results for sid, fingerprint, _rows in
              result.sources}
    positions = {entry.record.id: position for position, entry in enumerate(parsed.entries)}
    entry_rows = [(entry.record.id, positions[entry.record.id], entry.record.file,
                   _record_json(entry.record), json.dumps(entry.lines))
                  for entry in parsed.entries]
    update = _store(db, results, wanted, [
        ("catalog_stamp", stamp), ("catalog_sha256", digest), ("record_format", _record_format()),
        ("ids", "\n".join(parsed.records)), ("files", "\n".join(files)),
        ("file_stamps", stamps)], entry_rows)
    return catalog, update


class _StoredRecords(Mapping[str, "SourceRecord"]):
    """The catalog's records as the index holds them, each read and checked when asked for.

    A connection of its own (read only), so the catalog outlives the index that made it.
    """

    def __init__(self, path: Path, ids: list[str]) -> None:
        self._path = path
        self._ids = ids
        self._known: frozenset[str] | None = None
        self._db: sqlite3.Connection | None = None
        self._records: dict[str, SourceRecord] = {}
        self.lines: dict[str, dict[str, int]] = {}

    def _rows(self, sql: str, args: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        try:
            if self._db is None:
                self._db = sqlite3.connect(f"file:{self._path}?mode=ro", uri=True)
            return self._db.execute(sql, args).fetchall()
        except sqlite3.DatabaseError as exc:
            raise _damaged(self._path, str(exc)) from None

    def _entry(self, row: tuple[Any, ...]) -> CatalogEntry:
        source_id, position, record_json, lines_json = row
        if source_id not in self._records:
            try:
                record = _record_from_json(record_json)
                lines = json.loads(lines_json)
                if record.id != source_id or not isinstance(position, int) or not (
                        isinstance(lines, dict) and all(isinstance(k, str) and type(v) is int
                                                        for k, v in lines.items())):
                    raise _Damaged("an entry does not match its id")
            except (_Damaged, ValueError, TypeError) as exc:
                raise _damaged(self._path, str(exc)) from None
            self._records[source_id] = record
            self.lines[source_id] = {**lines, "": position}
        lines = self.lines[source_id]
        return _catalogs().entry_at(self._path, self._records[source_id],
                                    f"sources[{lines['']}]",
                                    {k: v for k, v in lines.items() if k})

    def __getitem__(self, source_id: str) -> SourceRecord:
        if source_id not in self._records:
            rows = self._rows("SELECT source_id, position, record, lines FROM entries "
                              "WHERE source_id = ?", (source_id,))
            if not rows:
                raise KeyError(source_id)
            self._entry(rows[0])
        return self._records[source_id]

    def __contains__(self, source_id: object) -> bool:
        if self._known is None:
            self._known = frozenset(self._ids)
        return source_id in self._known

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)

    def entries_of_file(self, file: str) -> list[CatalogEntry]:
        """The entries whose text is in ``file``, in catalog order."""
        return [self._entry(row) for row in self._rows(
            "SELECT source_id, position, record, lines FROM entries WHERE file = ? "
            "ORDER BY position", (file,))]

    def entries_sharing_file(self, source_id: str) -> list[CatalogEntry]:
        if source_id not in self or not self[source_id].file:
            return []
        return self.entries_of_file(self[source_id].file)


class _StoredLines(Mapping[str, int]):
    """The line each stored entry starts at, by id."""

    def __init__(self, records: _StoredRecords) -> None:
        self._records = records

    def __getitem__(self, source_id: str) -> int:
        self._records[source_id]
        lines = self._records.lines[source_id]
        key = f"sources[{lines['']}]"
        return lines.get(key, 1)

    def __iter__(self) -> Iterator[str]:
        return iter(self._records)

    def __len__(self) -> int:
        return len(self._records)


def _damaged(path: Path, detail: str) -> SourceError:
    """A row of the index that is not what we wrote, found after it was opened: the index is
    marked so the next run rebuilds it, and this run stops with a message."""
    try:
        with sqlite3.connect(path) as db:
            db.execute("DELETE FROM meta WHERE key = 'version'")
    except sqlite3.DatabaseError:
        _remove(path)
    return SourceError(f"the corpus index {path} is damaged ({detail}); it is rebuilt on the "
                       "next run")


def _record_json(record: SourceRecord) -> str:
    return json.dumps(_plain(record), ensure_ascii=False, separators=(",", ":"))


def _plain(value: Any) -> Any:
    """``value`` as JSON holds it (dataclasses.asdict deep-copies: a third of indexing)."""
    if dataclasses.is_dataclass(value):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple):
        return [_plain(item) for item in value]
    return value


def _record_from_json(text: Any) -> SourceRecord:
    if not isinstance(text, str):
        raise _Damaged("a record is not text")
    record_type = _catalogs().SourceRecord
    value = _decoded(json.loads(text), record_type)
    assert isinstance(value, record_type)
    return value


def _decoded(value: Any, hint: Any) -> Any:
    """``value`` (from JSON) as the type ``hint`` names, checked all the way down."""
    if dataclasses.is_dataclass(hint) and isinstance(hint, type):
        hints = typing.get_type_hints(hint)
        names = [f.name for f in dataclasses.fields(hint)]
        if not isinstance(value, dict) or sorted(value) != sorted(names):
            raise _Damaged(f"not a stored {hint.__name__}")
        return hint(**{name: _decoded(value[name], hints[name]) for name in names})
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        if not isinstance(value, list):
            raise _Damaged("not a stored list")
        return tuple(_decoded(item, args[0]) for item in value)
    if origin in (typing.Union, types.UnionType):
        if value is None and type(None) in args:
            return None
        for arg in args:
            if arg is not type(None):
                try:
                    return _decoded(value, arg)
                except _Damaged:
                    continue
        raise _Damaged("no stored form matches")
    if hint in (str, int, float, bool) and type(value) is hint:
        return value
    if hint is float and type(value) is int:
        return float(value)
    raise _Damaged(f"not a stored {getattr(hint, '__name__', hint)}")


# --- checking and indexing sources, in parallel -----------------------------------------------


@dataclass(frozen=True)
class _GroupResult:
    """What a worker found for one group of sources sharing a file: the problems of the file,
    or each source's fingerprint and, when that changed, its rows to index."""

    problems: tuple[Problem, ...]
    sources: tuple[tuple[str, str, _Rows | None], ...]


_Rows = tuple[tuple[tuple[int, str, str], ...], tuple[tuple[Any, ...], ...]]
# Set in the parent just before the workers fork, read by them: (catalog path, groups, stored
# fingerprints). Passing them through fork costs nothing; pickling 100,000 records would.
_JOB: tuple[Path, list[list[CatalogEntry]], Mapping[str, str]] | None = None


def _fingerprint(article_sha256: str, record: SourceRecord) -> str:
    key = "\0".join([INDEX_VERSION, article_sha256, _record_json(record)])
    return hashlib.sha256(key.encode()).hexdigest()


def _check_group(index: int) -> _GroupResult:
    assert _JOB is not None
    catalog_path, groups, stored = _JOB
    entries = groups[index]
    records = {entry.record.id: entry.record for entry in entries}
    # A catalog of this group alone: its texts are made once and dropped with it.
    catalogs = _catalogs()
    catalog = catalogs.SourceCatalog(catalog_path, records,
                                     catalogs.ArticleFiles(catalog_path, lambda _: entries))
    sources = []
    try:
        for entry in entries:
            source_id = entry.record.id
            if not entry.record.file:
                catalog.article_sha256(source_id)  # the message for a start without a file
                continue
            fingerprint = _fingerprint(catalog.article_sha256(source_id), entry.record)
            rows = None if stored.get(source_id) == fingerprint else _rows_of(
                catalog.text(source_id))
            sources.append((source_id, fingerprint, rows))
    except SourceError as error:
        return _GroupResult(tuple(error.problems), ())
    return _GroupResult((), tuple(sources))


def _rows_of(text: SourceText) -> _Rows:
    from briefgen.corpus.claims import claims_in

    paragraphs = tuple((p.number, p.text, " ".join(tokens(p.text))) for p in text.paragraphs)
    claims = tuple((c.source_id, c.topic, c.low, c.high, c.qualifier, c.text, c.paragraph,
                    c.start, c.end) for p in text.paragraphs
                   for c in claims_in(p.text, text.source_id, p.number))
    return paragraphs, claims


def _work(catalog_path: Path, groups: list[list[CatalogEntry]], stored: Mapping[str, str]
          ) -> list[_GroupResult]:
    """Each group checked and, where its fingerprint changed, made into rows; on every core
    when there are enough sources to pay for the workers."""
    global _JOB
    _JOB = (catalog_path, groups, stored)
    try:
        count = sum(map(len, groups))
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (
            os.cpu_count() or 1)
        if count < _PARALLEL_FROM or cores < 2 or not _can_fork():
            return [_check_group(i) for i in range(len(groups))]
        import multiprocessing

        context = multiprocessing.get_context("fork")
        chunk = max(1, min(256, len(groups) // (cores * 8) or 1))
        with context.Pool(cores) as pool:
            return list(pool.imap(_check_group, range(len(groups)), chunksize=chunk))
    finally:
        _JOB = None


def _can_fork() -> bool:
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


def _store(db: sqlite3.Connection, results: list[_GroupResult], wanted: Mapping[str, str],
           meta: list[tuple[str, Any]], entry_rows: list[tuple[Any, ...]] | None = None
           ) -> IndexUpdate:
    """Write what the workers made, in one transaction: an interrupted update leaves the
    index as it was.

    Another process (a batch's other worker, on the same cold cache) may have written since
    the work began, so what to replace is decided once the write lock is held, and nothing is
    indexed twice.
    """
    made = {sid: rows for result in results for sid, _fp, rows in result.sources
            if rows is not None}
    with db:
        db.execute("BEGIN IMMEDIATE")  # the write lock, before reading what is there
        current = dict(db.execute("SELECT source_id, fingerprint FROM sources").fetchall())
        stale = [sid for sid in current if wanted.get(sid) != current[sid]]
        fresh = {sid: rows for sid, rows in made.items() if current.get(sid) != wanted[sid]}
        _delete_sources(db, stale)
        next_id = (db.execute("SELECT max(id) FROM paragraphs").fetchone()[0] or 0) + 1
        for source_id, (paragraphs, claims) in fresh.items():
            ids = range(next_id, next_id + len(paragraphs))
            next_id += len(paragraphs)
            db.executemany("INSERT INTO paragraphs VALUES (?, ?, ?, ?)",
                           [(i, source_id, number, text)
                            for i, (number, text, _t) in zip(ids, paragraphs)])
            db.executemany("INSERT INTO words (rowid, tokens) VALUES (?, ?)",
                           [(i, words) for i, (_n, _t, words) in zip(ids, paragraphs)])
            db.executemany("INSERT INTO claims VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", claims)
        db.executemany("INSERT OR REPLACE INTO sources VALUES (?, ?)",
                       [(sid, wanted[sid]) for sid in fresh])
        if entry_rows is not None:
            db.execute("DELETE FROM entries")
            db.executemany("INSERT INTO entries VALUES (?, ?, ?, ?, ?)", entry_rows)
        db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", meta)
    removed = tuple(sid for sid in stale if sid not in wanted)
    return IndexUpdate(tuple(fresh), removed, len(wanted) - len(fresh))


def _delete_sources(db: sqlite3.Connection, source_ids: list[str]) -> None:
    for source_id in source_ids:
        db.execute("DELETE FROM words WHERE rowid IN "
                   "(SELECT id FROM paragraphs WHERE source_id = ?)", (source_id,))
        db.execute("DELETE FROM paragraphs WHERE source_id = ?", (source_id,))
        db.execute("DELETE FROM claims WHERE source_id = ?", (source_id,))
        db.execute("DELETE FROM sources WHERE source_id = ?", (source_id,))


# --- a catalog loaded elsewhere ---------------------------------------------------------------


def _fingerprints(catalog: SourceCatalog) -> dict[str, str]:
    """Each quotable source's fingerprint: its article's sha256 and its record."""
    return {sid: _fingerprint(catalog.article_sha256(sid), catalog.get(sid))
            for sid in catalog.ids() if catalog.quotable(sid)}


def _refresh(db: sqlite3.Connection, catalog: SourceCatalog, wanted: dict[str, str]
             ) -> IndexUpdate:
    stored = dict(db.execute("SELECT source_id, fingerprint FROM sources").fetchall())
    fresh = [sid for sid in wanted if stored.get(sid) != wanted[sid]]
    if not fresh and stored.keys() <= wanted.keys():
        return IndexUpdate((), (), len(wanted))
    results = [_GroupResult((), tuple((sid, wanted[sid], _rows_of(catalog.text(sid)))
                                      for sid in fresh))]
    # The stored catalog now differs from this one: the next open_catalog parses again.
    return _store(db, results, wanted, [("catalog_stamp", ""),
                                                 ("catalog_sha256", "")])

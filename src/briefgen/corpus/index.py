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

The stamps cover every file a source is read from: its text file, or for a source added by
`sources add` its stored text (``text:``) and its original (checked against ``sha256:``), and
the figure topics beside the catalog (figures.yaml: they decide the claims). A source whose
files cannot be used is kept as broken, with the problems ``SourceCatalog.load`` gives it, and
is not searched; it fails only what needs its text.

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
from collections.abc import Callable, Iterator, Mapping
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
    from briefgen.corpus.claims import Claim, CorpusClaims
    from briefgen.corpus.counting import Reading
    from briefgen.corpus.topics import DeclaredTopics


def _catalogs() -> ModuleType:
    """briefgen.corpus.catalog, imported when a catalog is read or built: a warm `find`
    never needs it, and its schema, YAML and validation were a third of that process."""
    from briefgen.corpus import catalog

    return catalog

#: Bump when what is stored changes (tokens, paragraphs, claims, terms, records, or how a
#: sentence's figure is read: corpus.counting.read_number); older indexes are rebuilt. How
#: claims are grouped is decided when they are read out, so changing it needs no bump.
INDEX_VERSION = "3"
# corpus.topics.TOPICS_FILE, named here so that a warm open need not import that module.
_TOPICS_FILE = "figures.yaml"

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
    start INTEGER NOT NULL, "end" INTEGER NOT NULL, reading TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS claims_source ON claims (source_id);
CREATE TABLE IF NOT EXISTS terms (
    source_id TEXT NOT NULL, term TEXT NOT NULL, paragraphs INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS terms_source ON terms (source_id);
CREATE TABLE IF NOT EXISTS entries (
    source_id TEXT PRIMARY KEY, position INTEGER NOT NULL, file TEXT NOT NULL,
    original TEXT NOT NULL, record TEXT NOT NULL, lines TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS entries_file ON entries (file);
CREATE INDEX IF NOT EXISTS entries_original ON entries (original);
CREATE TABLE IF NOT EXISTS broken (source_id TEXT PRIMARY KEY, problems TEXT NOT NULL);
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
_CLAIM_ROW = (str, float, float, str, str, str, int, int, int, str)

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


def _open_or_rebuild(path: Path, opened: Callable[[sqlite3.Connection], CorpusIndex]
                     ) -> CorpusIndex:
    """``opened`` on a connection to the index at ``path``; an index SQLite cannot read, or
    whose rows are not what we wrote, is removed and built again once (not one another
    process is writing); IndexUnavailable if the second try fails too."""
    for attempt in (1, 2):
        db: sqlite3.Connection | None = None
        try:
            db = _connect(path)
            return opened(db)
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


class CorpusIndex:
    """The searchable paragraphs of every quotable source of one catalog."""

    def __init__(self, connection: sqlite3.Connection, catalog: SourceCatalog | None,
                 update: IndexUpdate, ids: list[str] | None = None,
                 catalog_path: Path | None = None) -> None:
        """Use ``CorpusIndex.open_catalog``, ``open_search`` or ``open``. ``catalog`` is None
        for an index opened only to search (``ids`` then gives the catalog's order, and
        ``catalog_path`` the catalog it holds)."""
        self._db = connection
        self._catalog = catalog
        self._ids = ids
        self._catalog_path = catalog.path if catalog is not None else catalog_path
        self._topics: DeclaredTopics | None = None
        self.update = update

    @property
    def catalog(self) -> SourceCatalog:
        """The catalog this index is of. An index opened by ``open_search`` makes it from the
        records it holds when first asked for (they were found current when it was opened),
        which imports the catalog's code but parses nothing."""
        if self._catalog is None:
            assert self._catalog_path is not None
            meta = _meta(self._db)
            try:
                ids = _stored_lists(self._db, meta)[0]
                self._catalog = _catalog_of(_index_file(self._db), self._catalog_path, ids,
                                            _stored_broken(self._db))
            except _Damaged as exc:
                raise _damaged(_index_file(self._db), str(exc)) from None
        return self._catalog

    @property
    def topics(self) -> DeclaredTopics:
        """The figure topics declared beside the catalog (current: they are stamped)."""
        if self._topics is None:
            from briefgen.corpus.topics import load_topics

            assert self._catalog_path is not None
            self._topics = load_topics(self._catalog_path.parent)
        return self._topics

    def broken_ids(self) -> list[str]:
        """The sources whose files cannot be used (not searched), in catalog order."""
        broken = {sid for (sid,) in self._db.execute("SELECT source_id FROM broken")}
        order = self._order(broken)
        return sorted(broken, key=lambda sid: order.get(sid, len(order)))

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
                if (meta.get("catalog_stamp") == stamp
                        and meta.get("topics_stamp") == _topics_stamp(catalog_path)):
                    ids, files, stored_stamps = _stored_lists(db, meta)
                    if _file_stamps(catalog_path.parent, files) == stored_stamps:
                        return cls(db, None, IndexUpdate((), (), len(files)), ids,
                                   catalog_path)
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
        def opened(db: sqlite3.Connection) -> CorpusIndex:
            catalog, update = _current_catalog(db, path, catalog_path)
            _CURRENT[catalog] = path
            return cls(db, catalog, update)

        return _open_or_rebuild(path, opened)

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
        from briefgen.corpus.topics import load_topics

        topics = load_topics(catalog.path.parent)
        wanted = _fingerprints(catalog, topics)
        return _open_or_rebuild(
            path, lambda db: cls(db, catalog, _refresh(db, catalog, wanted, topics)))

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
        """Every numeric claim of the corpus (see corpus.claims), in catalog order."""
        from briefgen.corpus.claims import Claim

        rows = self._db.execute('SELECT topic, low, high, qualifier, text, source_id, paragraph, '
                                'start, "end", reading FROM claims').fetchall()
        found = [Claim(*row[:-1], reading=_reading(row[-1]))
                 for row in self._typed(iter(rows), _CLAIM_ROW)]
        order = self._order({c.source_id for c in found})
        return sorted(found, key=lambda c: (order.get(c.source_id, 0), c.paragraph, c.start,
                                            c.topic))

    def corpus_claims(self) -> CorpusClaims:
        """Every claim, with how many paragraphs hold each term (to weigh what claims share)."""
        from briefgen.corpus.claims import CorpusClaims
        from briefgen.corpus.counting import TermCounts

        rows = self._db.execute(
            "SELECT term, sum(paragraphs) FROM terms GROUP BY term ORDER BY term").fetchall()
        counts = dict(self._typed(iter(rows), (str, int)))
        return CorpusClaims(tuple(self.claims()), TermCounts(self.paragraph_count(), counts))

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
                raise _damaged(_index_file(self._db), "a row is not what the index writes")
            yield row


# --- the database file -----------------------------------------------------------------------


def _index_file(db: sqlite3.Connection) -> Path:
    return next((Path(f) for _n, name, f in db.execute("PRAGMA database_list")
                 if name == "main"), Path("index"))


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
        db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value NOT NULL)")
        if _version(db) != INDEX_VERSION:
            with db:
                db.execute("BEGIN IMMEDIATE")  # another process may be making it too
                if _version(db) != INDEX_VERSION:
                    # Dropped, not emptied: an older index's tables may have other columns.
                    for table in _TABLES:
                        db.execute(f"DROP TABLE IF EXISTS {table}")
                    for statement in _SCHEMA.split(";"):
                        if statement.strip():
                            db.execute(statement)
                    db.execute("INSERT INTO meta VALUES ('version', ?)", (INDEX_VERSION,))
    except BaseException:
        db.close()
        raise
    return db


_TABLES = ("meta", "sources", "paragraphs", "words", "claims", "terms", "entries", "broken")


def _version(db: sqlite3.Connection) -> Any:
    row = db.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()
    return None if row is None else row[0]


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


def _topics_stamp(catalog_path: Path) -> bytes:
    """The stamp of the figure topics file beside the catalog (-1s when there is none)."""
    return _stamps_of(catalog_path.parent, [_TOPICS_FILE])


def _current_catalog(db: sqlite3.Connection, path: Path, catalog_path: Path
                     ) -> tuple[SourceCatalog, IndexUpdate]:
    meta = _meta(db)
    stamp = _catalog_stamp(catalog_path)
    topics_stamp = _topics_stamp(catalog_path)
    topics = None
    if meta.get("topics_stamp") != topics_stamp:
        from briefgen.corpus.topics import load_topics

        topics = load_topics(catalog_path.parent)  # SourceError, located, when they are wrong
    if (meta.get("catalog_stamp") != stamp or meta.get("record_format") != _record_format()
            or topics is not None):
        raw = _catalogs().read_catalog_bytes(catalog_path)
        digest = hashlib.sha256(raw).hexdigest()
        if (meta.get("catalog_sha256") != digest
                or meta.get("record_format") != _record_format()
                or (topics is not None and meta.get("topics_digest") != topics.digest)):
            # New topics change every source's claims: all are fingerprinted again.
            return _parse_and_index(db, catalog_path, raw, digest, stamp, topics)
        with db:
            db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)",
                           [("catalog_stamp", stamp), ("topics_stamp", topics_stamp)])
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


def _stored_broken(db: sqlite3.Connection) -> dict[str, tuple[Problem, ...]]:
    """The problems of each broken source, as stored; _Damaged when they are not ours."""
    broken: dict[str, tuple[Problem, ...]] = {}
    for source_id, problems_json in db.execute("SELECT source_id, problems FROM broken"):
        try:
            found = json.loads(problems_json) if isinstance(problems_json, str) else None
        except ValueError:
            found = None
        if not isinstance(source_id, str) or not isinstance(found, list) or not found or not all(
                isinstance(p, list) and len(p) == 4 and isinstance(p[0], (str, type(None)))
                and (p[1] is None or type(p[1]) is int) and isinstance(p[2], str)
                and isinstance(p[3], str) for p in found):
            raise _Damaged("a broken source's problems are not what the index writes")
        broken[source_id] = tuple(Problem(*p) for p in found)
    return broken


def _catalog_of(path: Path, catalog_path: Path, ids: list[str],
                broken: Mapping[str, tuple[Problem, ...]]) -> SourceCatalog:
    """The catalog as the index at ``path`` holds it, its records read as asked for."""
    records = _StoredRecords(path, ids)
    catalogs = _catalogs()
    return catalogs.SourceCatalog(
        catalog_path, records, catalogs.ArticleFiles(catalog_path, records.entries_sharing_file),
        _StoredLines(records), broken)


def _stored_catalog(db: sqlite3.Connection, path: Path, catalog_path: Path,
                    meta: Mapping[str, Any]) -> tuple[SourceCatalog, IndexUpdate]:
    """The catalog as the index holds it, with the sources whose files changed checked and
    indexed again (broken, or no longer broken, as they now are)."""
    ids, files, stored_stamps = _stored_lists(db, meta)
    if db.execute("SELECT count(*) FROM entries").fetchone()[0] != len(ids):
        raise _Damaged("entries do not match the ids")
    now = _file_stamps(catalog_path.parent, files)
    if now == stored_stamps:
        return (_catalog_of(path, catalog_path, ids, _stored_broken(db)),
                IndexUpdate((), (), len(files)))
    # Some files changed: check those again (as loading would) and index what now differs.
    width = _STAMP_BYTES
    changed = [file for i, file in enumerate(files)
               if now[i * width:(i + 1) * width] != stored_stamps[i * width:(i + 1) * width]]
    records = _StoredRecords(path, ids)
    groups: dict[str, list[CatalogEntry]] = {}
    for file in changed:
        # A stored text's original as well as the text: either is what the entry reads.
        for entry in records.entries_touching(file):
            groups.setdefault(_catalogs().text_file(entry.record), [])
    affected = [records.entries_of_file(file) for file in groups]
    stored = dict(db.execute("SELECT source_id, fingerprint FROM sources").fetchall())
    from briefgen.corpus.topics import load_topics

    results = _work(catalog_path, affected, stored, load_topics(catalog_path.parent))
    problems = [p for result in results for p in result.problems]
    if problems:  # the stamps stay as they were, so the next run checks these files again
        raise _catalogs().catalog_error(catalog_path, problems)
    rechecked = {entry.record.id for group in affected for entry in group}
    wanted = {**{sid: fp for sid, fp in stored.items() if sid not in rechecked},
              **{sid: fingerprint for result in results
                 for sid, fingerprint, _rows in result.sources}}
    update = _store(db, results, wanted, [("file_stamps", now)], rechecked=rechecked)
    return _catalog_of(path, catalog_path, ids, _stored_broken(db)), update


def _parse_and_index(db: sqlite3.Connection, catalog_path: Path, raw: bytes, digest: str,
                     stamp: str, topics: DeclaredTopics | None = None
                     ) -> tuple[SourceCatalog, IndexUpdate]:
    """Parse and validate the catalog, check every source file and index what changed."""
    from briefgen.corpus.topics import load_topics

    catalogs = _catalogs()
    topics_stamp = _topics_stamp(catalog_path)  # before reading, as the files' stamps
    if topics is None:
        topics = load_topics(catalog_path.parent)
    parsed = catalogs.parse_catalog(catalog_path, raw)
    groups: dict[str, list[CatalogEntry]] = {}
    originals: list[str] = []
    for entry in parsed.entries:
        if entry.record.file:
            groups.setdefault(catalogs.text_file(entry.record), []).append(entry)
            if entry.record.text:
                originals.append(entry.record.file)
        elif entry.record.start:
            groups.setdefault("", []).append(entry)  # reported: a start without a file
    # Every file a source is read from: a changed original breaks its source, so it is
    # stamped beside the stored text.
    files = list(dict.fromkeys([*(file for file in groups if file), *originals]))
    # Stamped before the workers read: a save made meanwhile shows as a change next time.
    stamps = _file_stamps(catalog_path.parent, files)
    stored = dict(db.execute("SELECT source_id, fingerprint FROM sources").fetchall())
    results = _work(catalog_path, list(groups.values()), stored, topics)
    problems = [*parsed.problems, *(p for result in results for p in result.problems)]
    if problems:
        raise catalogs.catalog_error(catalog_path, problems)
    broken = {sid: found for result in results for sid, found in result.broken}
    catalog = catalogs.SourceCatalog(catalog_path, parsed.records,
                                     catalogs.ArticleFiles.of(catalog_path, parsed.entries),
                                     parsed.lines, broken)
    wanted = {sid: fingerprint for result in results for sid, fingerprint, _rows in
              result.sources}
    positions = {entry.record.id: position for position, entry in enumerate(parsed.entries)}
    entry_rows = [(entry.record.id, positions[entry.record.id],
                   catalogs.text_file(entry.record),
                   entry.record.file if entry.record.text else "",
                   _record_json(entry.record), json.dumps(entry.lines))
                  for entry in parsed.entries]
    update = _store(db, results, wanted, [
        ("catalog_stamp", stamp), ("catalog_sha256", digest), ("record_format", _record_format()),
        ("topics_stamp", topics_stamp), ("topics_digest", topics.digest),
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
        """The entries whose text is read from ``file`` (see catalog.text_file), in catalog
        order."""
        return [self._entry(row) for row in self._rows(
            "SELECT source_id, position, record, lines FROM entries WHERE file = ? "
            "ORDER BY position", (file,))]

    def entries_touching(self, file: str) -> list[CatalogEntry]:
        """The entries that read ``file``: as their text, or as the original of their
        stored text."""
        return [self._entry(row) for row in self._rows(
            "SELECT source_id, position, record, lines FROM entries WHERE file = ? OR "
            "original = ? ORDER BY position", (file, file))]

    def entries_sharing_file(self, source_id: str) -> list[CatalogEntry]:
        if source_id not in self or not self[source_id].file:
            return []
        return self.entries_of_file(_catalogs().text_file(self[source_id]))


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
    """What a worker found for one group of sources sharing a file: the problems of the
    entries (which fail the catalog), each source's fingerprint and, when that changed, its
    rows to index, and the sources whose files cannot be used, with their problems."""

    problems: tuple[Problem, ...]
    sources: tuple[tuple[str, str, _Rows | None], ...]
    broken: tuple[tuple[str, tuple[Problem, ...]], ...] = ()


# paragraphs (number, text, tokens), claims (rows of the claims table), terms (term, count)
_Rows = tuple[tuple[tuple[int, str, str], ...], tuple[tuple[Any, ...], ...],
              tuple[tuple[str, int], ...]]
# Set in the parent just before the workers fork, read by them: (catalog path, groups, stored
# fingerprints, topics). Passing them through fork costs nothing; pickling 100,000 records
# would.
_JOB: tuple[Path, list[list[CatalogEntry]], Mapping[str, str], DeclaredTopics] | None = None


def _fingerprint(article_sha256: str, record: SourceRecord, topics: DeclaredTopics) -> str:
    # The record holds the date, which dates the months a source writes without a year, and
    # the topics decide which figures are claims.
    key = "\0".join([INDEX_VERSION, topics.digest, article_sha256, _record_json(record)])
    return hashlib.sha256(key.encode()).hexdigest()


def _check_group(index: int) -> _GroupResult:
    assert _JOB is not None
    catalog_path, groups, stored, topics = _JOB
    entries = groups[index]
    catalogs = _catalogs()
    problems: list[Problem] = []
    articles, broken = catalogs.read_articles(catalog_path, entries, problems)
    if problems:
        return _GroupResult(tuple(problems), ())
    records = {entry.record.id: entry.record for entry in entries}
    found = {sid: tuple(found) for sid, found in broken.items()}
    # A catalog of this group alone: its texts are made once and dropped with it.
    catalog = catalogs.SourceCatalog(catalog_path, records, articles, broken=found)
    sources = []
    try:
        for entry in entries:
            source_id = entry.record.id
            if not catalog.quotable(source_id):
                continue
            fingerprint = _fingerprint(catalog.article_sha256(source_id), entry.record, topics)
            rows = None if stored.get(source_id) == fingerprint else _rows_of(
                catalog.text(source_id), topics, entry.record.date)
            sources.append((source_id, fingerprint, rows))
    except SourceError as error:
        return _GroupResult(tuple(error.problems), ())
    return _GroupResult((), tuple(sources), tuple(found.items()))


def _rows_of(text: SourceText, topics: DeclaredTopics, published: str) -> _Rows:
    from briefgen.corpus.claims import claims_in, paragraph_terms

    paragraphs = tuple((p.number, p.text, " ".join(tokens(p.text))) for p in text.paragraphs)
    claims = []
    terms: dict[str, int] = {}
    before = ""
    for p in text.paragraphs:
        claims += [(c.source_id, c.topic, c.low, c.high, c.qualifier, c.text, c.paragraph,
                    c.start, c.end, _stored_reading(c.reading))
                   for c in claims_in(p.text, text.source_id, p.number, topics.topics, before,
                                      published)]
        for term in paragraph_terms(p.text, published):
            terms[term] = terms.get(term, 0) + 1
        before = p.text
    return paragraphs, tuple(claims), tuple(sorted(terms.items()))


def _stored_reading(reading: Reading | None) -> str:
    if reading is None:
        return ""
    return json.dumps({name: list(value) if isinstance(value, tuple) else value
                       for name, value in vars(reading).items()}, sort_keys=True)


def _reading(stored: str) -> Reading | None:
    if not stored:
        return None
    from briefgen.corpus.counting import Reading

    try:
        values = json.loads(stored)
        return Reading(**{name: tuple(value) if isinstance(value, list) else value
                          for name, value in values.items()})
    except (ValueError, TypeError, AttributeError) as exc:
        raise _Damaged(f"a claim's reading is not what the index writes ({exc})") from None


def _work(catalog_path: Path, groups: list[list[CatalogEntry]], stored: Mapping[str, str],
          topics: DeclaredTopics) -> list[_GroupResult]:
    """Each group checked and, where its fingerprint changed, made into rows; on every core
    when there are enough sources to pay for the workers."""
    global _JOB
    _JOB = (catalog_path, groups, stored, topics)
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
           meta: list[tuple[str, Any]], entry_rows: list[tuple[Any, ...]] | None = None,
           rechecked: set[str] | None = None) -> IndexUpdate:
    """Write what the workers made, in one transaction: an interrupted update leaves the
    index as it was.

    The broken sources of ``results`` replace those stored: all of them, or with
    ``rechecked`` only those of these sources (the others were not checked again).

    Another process (a batch's other worker, on the same cold cache) may have written since
    the work began, so what to replace is decided once the write lock is held, and nothing is
    indexed twice.
    """
    made = {sid: rows for result in results for sid, _fp, rows in result.sources
            if rows is not None}
    broken = [(sid, json.dumps([[p.file, p.line, p.key, p.message] for p in found],
                               ensure_ascii=False))
              for result in results for sid, found in result.broken]
    with db:
        db.execute("BEGIN IMMEDIATE")  # the write lock, before reading what is there
        current = dict(db.execute("SELECT source_id, fingerprint FROM sources").fetchall())
        stale = [sid for sid in current if wanted.get(sid) != current[sid]]
        fresh = {sid: rows for sid, rows in made.items() if current.get(sid) != wanted[sid]}
        _delete_sources(db, stale)
        next_id = (db.execute("SELECT max(id) FROM paragraphs").fetchone()[0] or 0) + 1
        for source_id, (paragraphs, claims, terms) in fresh.items():
            ids = range(next_id, next_id + len(paragraphs))
            next_id += len(paragraphs)
            db.executemany("INSERT INTO paragraphs VALUES (?, ?, ?, ?)",
                           [(i, source_id, number, text)
                            for i, (number, text, _t) in zip(ids, paragraphs)])
            db.executemany("INSERT INTO words (rowid, tokens) VALUES (?, ?)",
                           [(i, words) for i, (_n, _t, words) in zip(ids, paragraphs)])
            db.executemany("INSERT INTO claims VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", claims)
            db.executemany("INSERT INTO terms VALUES (?, ?, ?)",
                           [(source_id, term, count) for term, count in terms])
        db.executemany("INSERT OR REPLACE INTO sources VALUES (?, ?)",
                       [(sid, wanted[sid]) for sid in fresh])
        if rechecked is None:
            db.execute("DELETE FROM broken")
        else:
            db.executemany("DELETE FROM broken WHERE source_id = ?",
                           [(sid,) for sid in sorted(rechecked)])
        db.executemany("INSERT OR REPLACE INTO broken VALUES (?, ?)", broken)
        if entry_rows is not None:
            db.execute("DELETE FROM entries")
            db.executemany("INSERT INTO entries VALUES (?, ?, ?, ?, ?, ?)", entry_rows)
        db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", meta)
    removed = tuple(sid for sid in stale if sid not in wanted)
    return IndexUpdate(tuple(fresh), removed, len(wanted) - len(fresh))


def _delete_sources(db: sqlite3.Connection, source_ids: list[str]) -> None:
    for source_id in source_ids:
        db.execute("DELETE FROM words WHERE rowid IN "
                   "(SELECT id FROM paragraphs WHERE source_id = ?)", (source_id,))
        db.execute("DELETE FROM paragraphs WHERE source_id = ?", (source_id,))
        db.execute("DELETE FROM claims WHERE source_id = ?", (source_id,))
        db.execute("DELETE FROM terms WHERE source_id = ?", (source_id,))
        db.execute("DELETE FROM sources WHERE source_id = ?", (source_id,))


# --- a catalog loaded elsewhere ---------------------------------------------------------------


def _fingerprints(catalog: SourceCatalog, topics: DeclaredTopics) -> dict[str, str]:
    """Each quotable source's fingerprint (a broken one is not searched): its text's sha256,
    its record and the topics."""
    return {sid: _fingerprint(catalog.article_sha256(sid), catalog.get(sid), topics)
            for sid in catalog.ids() if catalog.quotable(sid)}


def _refresh(db: sqlite3.Connection, catalog: SourceCatalog, wanted: dict[str, str],
             topics: DeclaredTopics) -> IndexUpdate:
    stored = dict(db.execute("SELECT source_id, fingerprint FROM sources").fetchall())
    fresh = [sid for sid in wanted if stored.get(sid) != wanted[sid]]
    broken = tuple((sid, catalog.broken(sid)) for sid in catalog.broken_ids())
    stored_broken = {sid for (sid,) in db.execute("SELECT source_id FROM broken")}
    if (not fresh and stored.keys() <= wanted.keys()
            and stored_broken == {sid for sid, _found in broken}):
        return IndexUpdate((), (), len(wanted))
    results = [_GroupResult((), tuple((sid, wanted[sid], _rows_of(
        catalog.text(sid), topics, catalog.get(sid).date)) for sid in fresh), broken)]
    # The stored catalog now differs from this one: the next open_catalog parses again.
    return _store(db, results, wanted, [("catalog_stamp", ""), ("catalog_sha256", "")])

"""A search index of the whole corpus, cached on disk, for `briefgen find` and `figures`.

The only module that imports sqlite3. Each paragraph's words go into an SQLite FTS5 table;
a search asks it for the paragraphs holding every run of words of the quote, then checks
each candidate with ``verify_quote``. The index only narrows the search, it never decides:
what ``find`` reports is exactly what ``verify_quote`` accepts, so the index cannot let an
altered quote through, and a genuine quote is never missed because every paragraph a quote
verifies against holds the quote's runs of words (a property test checks this).

The index lives under $XDG_CACHE_HOME/briefgen/index/, one SQLite file per catalog. Each
source is keyed by a fingerprint of its file's bytes (sha256) and of the catalog fields that
decide its paragraphs (start, drop_lines), and of the figure topics declared beside the
catalog (figures.yaml: they decide its claims), so opening the index re-reads only the
sources that changed, were added, or were removed, and every source when the topics change.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from briefgen.confine import SOURCE, RefusedFile, read_confined
from briefgen.corpus.catalog import SourceCatalog
from briefgen.corpus.claims import Claim, CorpusClaims, claims_in, paragraph_terms
from briefgen.corpus.counting import Reading, TermCounts
from briefgen.corpus.quotes import NearMiss, QuoteMatch, closest_passage, normalise, verify_quote
from briefgen.corpus.text import Paragraph, SourceText
from briefgen.corpus.topics import DeclaredTopics, load_topics
from briefgen.errors import SourceError

#: Bump when what is stored changes (tokens, paragraphs, claims, terms, or how a sentence's
#: figure is read: corpus.counting.read_number); older indexes are rebuilt. How claims are
#: grouped is decided when they are read out, so changing it needs no bump.
INDEX_VERSION = "2"

_INVISIBLE = {ord(c): None for c in "\u00ad\u200b\u200c\u200d\u2060\ufeff"}
_TOKEN = re.compile(r"[^\W_]+")
# The conventions of quotes.py, only as far as cutting a quote into literal runs needs them.
_SIC = re.compile(r"\s*\[sic!?\]", re.IGNORECASE)
_ELLIPSIS = re.compile(r"\s*\.(?:\s?\.){2,}\s*")
_BRACKET = re.compile(r"\[[^\[\]]*\]")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
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
"""


def tokens(text: str) -> list[str]:
    """The words of ``text`` as the index holds them: NFC, invisible characters dropped,
    lower case, runs of letters and digits (so "X-Ray's 2,200" is x, ray, s, 2, 200)."""
    return _TOKEN.findall(unicodedata.normalize("NFC", text).translate(_INVISIBLE).lower())


def quote_runs(quote: str) -> list[list[str]]:
    """The runs of words every paragraph that holds ``quote`` must hold, each run unbroken.

    Ellipses and brackets cut a quote into runs; a word touching a bracket ("[t]he",
    "[the group]'s") is left out, since the bracket may change it.
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


class CorpusIndex:
    """The searchable paragraphs of every quotable source of one catalog."""

    def __init__(self, connection: sqlite3.Connection, catalog: SourceCatalog,
                 update: IndexUpdate, topics: DeclaredTopics) -> None:
        """Use ``CorpusIndex.open``."""
        self._db = connection
        self.catalog = catalog
        self.update = update
        self.topics = topics

    @classmethod
    def open(cls, catalog: SourceCatalog, index_dir: Path | None = None) -> CorpusIndex:
        """The index of ``catalog``, brought up to date: only changed sources are re-read.

        SourceError when the figure topics beside the catalog are wrong (each problem located).
        """
        topics = load_topics(catalog.path.parent)
        folder = index_dir or default_index_dir()
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise SourceError(f"cannot create the index folder {folder}: {exc.strerror}") from None
        name = hashlib.sha256(str(catalog.path.resolve()).encode()).hexdigest()[:16]
        path = folder / f"{name}.sqlite"
        try:
            db = sqlite3.connect(path)
            db.executescript(_SCHEMA)
            version = db.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()
            if version is None or version[0] != INDEX_VERSION:
                # Dropped, not emptied: an older index's claims table has other columns.
                db.executescript("DELETE FROM sources; DELETE FROM paragraphs; DELETE FROM words;"
                                 " DELETE FROM terms; DROP TABLE claims;")
                db.executescript(_SCHEMA)
                db.execute("INSERT OR REPLACE INTO meta VALUES ('version', ?)", (INDEX_VERSION,))
                db.commit()
            update = _refresh(db, catalog, topics)
        except sqlite3.DatabaseError as exc:
            raise SourceError(f"the corpus index {path} cannot be used ({exc}); delete it and "
                              "run again to rebuild it") from None
        return cls(db, catalog, update, topics)

    def close(self) -> None:
        self._db.close()

    def find(self, quote: str) -> list[QuoteMatch]:
        """Every paragraph of every source in which ``quote`` verifies, in catalog order."""
        order = {sid: i for i, sid in enumerate(self.catalog.ids())}
        matches = []
        for source_id, number, text in self._candidates(quote):
            match = verify_quote(quote, SourceText(source_id, (Paragraph(number, text),), ""))
            if match is not None:
                matches.append(match)
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
        for source_id, number, text in rows:
            miss = closest_passage(quote, SourceText(source_id, (Paragraph(number, text),), ""))
            if miss is not None:
                near.append(miss)
        near.sort(key=lambda n: (-n.score, n.source_id, n.paragraph))
        return near[:limit]

    def claims(self) -> list[Claim]:
        """Every numeric claim of the corpus (see corpus.claims), in catalog order."""
        order = {sid: i for i, sid in enumerate(self.catalog.ids())}
        rows = self._db.execute('SELECT topic, low, high, qualifier, text, source_id, paragraph, '
                                'start, "end", reading FROM claims').fetchall()
        found = [Claim(*row[:-1], reading=_reading(row[-1])) for row in rows]
        return sorted(found, key=lambda c: (order.get(c.source_id, 0), c.paragraph, c.start,
                                            c.topic))

    def corpus_claims(self) -> CorpusClaims:
        """Every claim, with how many paragraphs hold each term (to weigh what claims share)."""
        counts = dict(self._db.execute(
            "SELECT term, sum(paragraphs) FROM terms GROUP BY term ORDER BY term").fetchall())
        return CorpusClaims(tuple(self.claims()), TermCounts(self.paragraph_count(), counts))

    def paragraph_count(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM paragraphs").fetchone()[0])

    def _candidates(self, quote: str) -> Iterator[tuple[str, int, str]]:
        runs = quote_runs(quote)
        if not runs:
            # Nothing to narrow by ("[t]he"): every paragraph is a candidate.
            yield from self._db.execute("SELECT source_id, number, text FROM paragraphs")
            return
        query = " AND ".join('"' + " ".join(run) + '"' for run in runs)
        yield from self._db.execute(
            "SELECT p.source_id, p.number, p.text FROM words JOIN paragraphs p "
            "ON p.id = words.rowid WHERE words MATCH ?", (query,))


def _stored_reading(reading: Reading | None) -> str:
    if reading is None:
        return ""
    return json.dumps({name: list(value) if isinstance(value, tuple) else value
                       for name, value in vars(reading).items()}, sort_keys=True)


def _reading(stored: str) -> Reading | None:
    if not stored:
        return None
    values = json.loads(stored)
    return Reading(**{name: tuple(value) if isinstance(value, list) else value
                      for name, value in values.items()})


def _fingerprints(catalog: SourceCatalog, topics: DeclaredTopics) -> dict[str, str]:
    """Each quotable source's fingerprint: its file's sha256, what picks its article, its
    date, and the topics its claims were read with."""
    file_hashes: dict[str, str] = {}
    prints: dict[str, str] = {}
    for source_id in catalog.ids():
        record = catalog.get(source_id)
        if not catalog.quotable(source_id):
            continue  # citable, not quotable (or broken): nothing to search
        # A source added with `sources add` is searched in its stored text, not its original.
        file = record.text or record.file
        if file not in file_hashes:
            file_hashes[file] = hashlib.sha256(_source_bytes(catalog, file)).hexdigest()
        # The date too: it dates the months a source writes without a year (claims_in).
        key = "\0".join([INDEX_VERSION, topics.digest, file_hashes[file], record.start,
                         record.date, *record.drop_lines])
        prints[source_id] = hashlib.sha256(key.encode()).hexdigest()
    return prints


def _source_bytes(catalog: SourceCatalog, file: str) -> bytes:
    """The bytes of a source file the catalog names, read under the same confinement as when
    the catalog was loaded (the file may have changed since)."""
    folder = catalog.path.parent
    try:
        return read_confined(folder / file, folder, SOURCE)
    except (RefusedFile, OSError) as error:
        reason = error.reason if isinstance(error, RefusedFile) else error.strerror or error
        raise SourceError(f"{catalog.path}: source file {folder / file} cannot be read: {reason}"
                          ) from None


def _refresh(db: sqlite3.Connection, catalog: SourceCatalog, topics: DeclaredTopics
             ) -> IndexUpdate:
    wanted = _fingerprints(catalog, topics)
    stored = dict(db.execute("SELECT source_id, fingerprint FROM sources").fetchall())
    stale = [sid for sid in stored if wanted.get(sid) != stored[sid]]
    fresh = [sid for sid in wanted if stored.get(sid) != wanted[sid]]
    if not stale and not fresh:
        return IndexUpdate((), (), len(wanted))
    with db:  # one transaction: an interrupted update leaves the index as it was
        for source_id in stale:
            db.execute("DELETE FROM words WHERE rowid IN "
                       "(SELECT id FROM paragraphs WHERE source_id = ?)", (source_id,))
            db.execute("DELETE FROM paragraphs WHERE source_id = ?", (source_id,))
            db.execute("DELETE FROM claims WHERE source_id = ?", (source_id,))
            db.execute("DELETE FROM terms WHERE source_id = ?", (source_id,))
            db.execute("DELETE FROM sources WHERE source_id = ?", (source_id,))
        for source_id in fresh:
            _add_source(db, catalog.text(source_id), topics, catalog.get(source_id).date)
            db.execute("INSERT INTO sources VALUES (?, ?)", (source_id, wanted[source_id]))
    removed = tuple(sid for sid in stale if sid not in wanted)
    return IndexUpdate(tuple(fresh), removed, len(wanted) - len(fresh))


def _add_source(db: sqlite3.Connection, text: SourceText, topics: DeclaredTopics,
                published: str) -> None:
    terms: dict[str, int] = {}
    before = ""
    for paragraph in text.paragraphs:
        cursor = db.execute("INSERT INTO paragraphs (source_id, number, text) VALUES (?, ?, ?)",
                            (text.source_id, paragraph.number, paragraph.text))
        db.execute("INSERT INTO words (rowid, tokens) VALUES (?, ?)",
                   (cursor.lastrowid, " ".join(tokens(paragraph.text))))
        db.executemany(
            'INSERT INTO claims VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
            [(c.source_id, c.topic, c.low, c.high, c.qualifier, c.text, c.paragraph, c.start,
              c.end, _stored_reading(c.reading))
             for c in claims_in(paragraph.text, text.source_id, paragraph.number,
                                topics.topics, before, published)])
        for term in paragraph_terms(paragraph.text, published):
            terms[term] = terms.get(term, 0) + 1
        before = paragraph.text
    db.executemany("INSERT INTO terms VALUES (?, ?, ?)",
                   [(text.source_id, term, count) for term, count in sorted(terms.items())])

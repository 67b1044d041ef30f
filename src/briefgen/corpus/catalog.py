"""The source catalog (seeds/sources.yaml): what each source is, and where its text lies.

Loading validates the whole catalog and the files it names (that they exist, are UTF-8 and
hold each article's ``start`` line) and reports every problem at once, each as
``file:line key: message``. The text of a source is repaired and split into paragraphs only
when first asked for, and kept.

A problem of the catalog itself (YAML, a field, a duplicate id) fails the load. A problem of
one source's file (missing, unreadable, not UTF-8, an original whose sha256 changed) does
not: that source is loaded as broken, its problem kept (``broken``), so only what needs its
text (a brief that cites it) fails, with that problem, and everything else works.

A source added by `briefgen sources add` has ``file:`` (the original: a PDF, a web page, a
Word file, kept unchanged) and ``text:`` (what was extracted from it, in the format of
briefgen.corpus.stored); its paragraphs and pages come from the stored text, and the
original's ``sha256:`` is checked on loading, so a changed original is caught, never
re-extracted. A source with ``file:`` only is a text file read as it is (the seeds).

A source with no ``file`` (``file: ""``, as ``briefgen sources import`` writes them) is citable
but not quotable: its metadata formats notes and the bibliography, and quoting it is an error
that says which entry needs a text file.
"""

from __future__ import annotations

import dataclasses
import datetime
import difflib
import hashlib
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from briefgen.confine import CATALOG, ORIGINAL, SOURCE, FileKind, RefusedFile, read_confined
from briefgen.corpus.folding import fold_text
from briefgen.corpus.stored import parse_stored
from briefgen.corpus.text import MAX_PARAGRAPH_BYTES, SourceText, read_article, repair_encoding
from briefgen.dates import calendar_problem
from briefgen.errors import Problem, SourceError, SpecError
from briefgen.spec import options as o
from briefgen.spec.yamlsource import LocatedYaml, YamlSyntaxError, parse_yaml

#: Item types from the CSL 1.0.2 specification; citations know how to format each.
CSL_TYPES = (
    "article", "article-journal", "article-magazine", "article-newspaper", "bill", "book",
    "broadcast", "chapter", "classic", "collection", "dataset", "document", "entry",
    "entry-dictionary", "entry-encyclopedia", "event", "figure", "graphic", "hearing",
    "interview", "legal_case", "legislation", "manuscript", "map", "motion_picture",
    "musical_score", "pamphlet", "paper-conference", "patent", "performance", "periodical",
    "personal_communication", "post", "post-weblog", "regulation", "report", "review",
    "review-book", "software", "song", "speech", "standard", "thesis", "treaty", "webpage",
)

MAX_SOURCES = 100_000
# The file's limit is a budget per entry times the most entries: a catalog entry as the header
# documents it (title, authors, outlet, date, url, a note) is 200 to 600 bytes, so 100,000 of
# them fit with room to spare.
ENTRY_BYTES = 512
MAX_CATALOG_BYTES = CATALOG.limit
assert MAX_CATALOG_BYTES == ENTRY_BYTES * MAX_SOURCES, "confine.CATALOG is this budget"
# Values after alias expansion, for the smallest catalog; see max_nodes.
MAX_NODES = 2_000_000
BYTES_PER_NODE = 8
# Values built again through aliases: a catalog has little use for aliases (an author's entry
# repeated, say), and this stops a bomb in a file of any size within a fraction of a second.
MAX_REPEATED = 100_000


def max_nodes(size: int) -> int:
    """The most values a catalog of ``size`` bytes may expand to.

    Without aliases a value takes at least two bytes ("a," or "- "), and a catalog entry
    about twelve a value, so an honest catalog holds far fewer than one value per
    BYTES_PER_NODE bytes; a "billion laughs" (a few lines of aliases that would expand to
    billions) is stopped after that many, and never later than MAX_NODES for a small file.
    """
    return max(MAX_NODES, size // BYTES_PER_NODE)

# Ids are cited as [@id] in Markdown, so keep them to what reads well there.
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")



@dataclass(frozen=True)
class Person:
    """An author. ``given`` is "" for a mononym or an organisation."""

    family: str
    given: str = ""


@dataclass(frozen=True)
class SourceRecord:
    """One catalog entry: bibliographic metadata plus where the text is.

    Strings are "" when the source does not state them (the catalog never guesses); ``date``
    is "YYYY-MM-DD", "YYYY-MM", "YYYY" or "". ``file`` is relative to the catalog, "" for a
    source with no text (citable, not quotable); ``start`` is the title line that opens the
    article inside a file holding several, "" otherwise. ``drop_lines`` are lines that are
    furniture on this source's page only; ``note`` says what was inferred and how.

    The fields map onto CSL-JSON (``briefgen.citations.csl.to_csl``): ``title`` is as printed;
    ``sentence_case_title`` (CSL ``title``) is the same title in sentence case, given when the
    printed one is in headline case, because APA prints titles as CSL receives them;
    ``short_title`` (``title-short``) overrides the short title derived for later notes;
    ``accessed`` is the date the page was read, "" when not recorded; ``date`` is ``issued``.

    ``text`` is the stored text extracted from ``file`` (relative to the catalog), "" when
    ``file`` is itself the text; ``sha256`` the hex digest of ``file``'s bytes when ``text``
    is given (checked on loading), else "".
    """

    id: str
    title: str
    type: str
    authors: tuple[Person, ...]
    container_title: str
    publisher: str
    date: str
    url: str
    file: str
    start: str = ""
    language: str = "en"
    note: str = ""
    drop_lines: tuple[str, ...] = ()
    sentence_case_title: str = ""
    short_title: str = ""
    accessed: str = ""
    text: str = ""
    sha256: str = ""


class SourceCatalog:
    """The sources a brief may cite, by id, with their text loaded on first use."""

    def __init__(
        self,
        path: Path,
        records: Mapping[str, SourceRecord],
        article_lines: Mapping[str, tuple[bytes, ...]],
        lines: Mapping[str, int] | None = None,
        broken: Mapping[str, tuple[Problem, ...]] | None = None,
    ) -> None:
        """Use ``SourceCatalog.load``; this takes already validated parts.

        ``lines`` is the catalog line each source's entry starts at (for messages);
        ``article_lines`` the bytes of each source's text: its article's lines, or for a
        source with ``text:`` the stored text's bytes as one item; ``broken`` the problems
        of each source whose files cannot be used. Each mapping may be lazy
        (``ArticleFiles``, or the corpus index's stored records), so a catalog of 100,000
        sources need not be held, or its files read, to quote one.
        """
        self._path = path
        self._records = records
        self._article_lines = article_lines
        self._lines = lines if lines is not None else {}
        self._broken = broken if broken is not None else {}
        self._texts: dict[str, SourceText] = {}

    @classmethod
    def load(cls, path: Path) -> SourceCatalog:
        """Read and validate a catalog; SourceError listing every problem if it is wrong."""
        path = Path(path)
        parsed = parse_catalog(path, read_catalog_bytes(path))
        problems = list(parsed.problems)
        article_lines, broken = read_articles(path, parsed.entries, problems)
        if problems:
            raise catalog_error(path, problems)
        return cls(path, parsed.records, article_lines, parsed.lines,
                   {sid: tuple(found) for sid, found in broken.items()})

    @property
    def path(self) -> Path:
        """The catalog file; source files are relative to its folder."""
        return self._path

    def ids(self) -> list[str]:
        """Every source id, in catalog order."""
        return list(self._records)

    def get(self, source_id: str) -> SourceRecord:
        """The record of ``source_id``; KeyError if the catalog has no such source."""
        return self._records[source_id]

    def __contains__(self, source_id: object) -> bool:
        return source_id in self._records

    def quotable(self, source_id: str) -> bool:
        """True when ``source_id`` has a text to check quotations against, and it can be read
        (a broken source is not quotable: see ``broken``)."""
        return bool(self.get(source_id).file) and source_id not in self._broken

    def broken(self, source_id: str) -> tuple[Problem, ...]:
        """Why the files of ``source_id`` cannot be used, each located in the catalog; () when
        they can (or it has none)."""
        return self._broken.get(source_id, ())

    def broken_ids(self) -> list[str]:
        """The sources whose files cannot be used, in catalog order."""
        return [sid for sid in self._records if sid in self._broken]

    def line(self, source_id: str) -> int | None:
        """The catalog line the entry of ``source_id`` starts at; None if not known."""
        return self._lines.get(source_id)

    def places(self, source_id: str) -> dict[str, int] | None:
        """The kinds of place a citation can name in ``source_id``, each with how many there
        are: CSL locator terms ("paragraph") -> count. None when the source has no text, so
        nothing is known of its places and any locator is taken on trust.

        Every source has numbered paragraphs; a paginated one (a PDF added with `sources add`)
        has its pages too ("page": how many; ``page_labels`` says how each is printed).
        """
        if not self.quotable(source_id):
            return None
        text = self.text(source_id)
        if text.paginated:
            return {"page": len(text.page_labels), "paragraph": len(text.paragraphs)}
        return {"paragraph": len(text.paragraphs)}

    def page_labels(self, source_id: str) -> tuple[str, ...]:
        """The printed labels of the pages of ``source_id``, in order; () when it has no
        pages (or no readable text)."""
        return self.text(source_id).page_labels if self.quotable(source_id) else ()

    def text(self, source_id: str) -> SourceText:
        """The repaired, numbered paragraphs of ``source_id``; built once, then cached.

        KeyError if the catalog has no such source; SourceError if it has no text file, or
        it cannot be read (``broken``), with the located problems.
        """
        if source_id not in self._texts:
            record = self.get(source_id)
            if source_id in self._broken:
                raise SourceError(f"{self._path}: source {source_id!r} cannot be read",
                                  list(self._broken[source_id]))
            if not record.file:
                shown = str(self._path)
                index = self.ids().index(source_id)
                raise SourceError(
                    f"{shown}: source {source_id!r} has no text file, so it can be cited but "
                    "not quoted",
                    [Problem(shown, self.line(source_id), f"sources[{index}].file",
                             "empty: give the text file (relative to the catalog) the quotation "
                             "can be checked against")])
            if record.text:
                # Decoded on loading, so this cannot fail for want of UTF-8.
                self._texts[source_id] = parse_stored(
                    source_id, b"".join(self._article_lines[source_id]))
            else:
                self._texts[source_id] = read_article(
                    source_id, self._article_lines[source_id], record.drop_lines
                )
        return self._texts[source_id]

    def article_sha256(self, source_id: str) -> str:
        """The sha256 of the raw bytes of ``source_id``'s article (its slice of the file, or its
        stored text: what ``text`` reads), without repairing or splitting the text.

        KeyError if the source has no text file; SourceError if the file fails the checks
        loading makes (it may have changed since).
        """
        return hashlib.sha256(b"".join(self._article_lines[source_id])).hexdigest()


# --- reading the YAML ------------------------------------------------------------------------


def _check_id(text: str) -> str | None:
    return None if _ID.match(text) else (
        "expected lowercase letters, digits and single hyphens (like 'un-flood-report') but "
        f"received {text!r}")


def _check_date(text: str) -> str | None:
    if _valid_date(text):
        return None
    wrong = calendar_problem(text)
    return (f"{text!r} is not a real date: {wrong}" if wrong else
            f'expected YYYY-MM-DD, YYYY-MM, YYYY or "" (not stated) but received {text!r}')


def _check_day(text: str) -> str | None:
    if _valid_date(text) and len(text) == 10:
        return None
    wrong = calendar_problem(text) if len(text) == 10 else None
    return (f"{text!r} is not a real date: {wrong}" if wrong else
            f'expected the day it was read, YYYY-MM-DD, or "" but received {text!r}')


def _check_sha256(text: str) -> str | None:
    return None if not text or _SHA256.match(text) else (
        f"expected the 64 lowercase hex digits of a SHA-256 (as `briefgen sources add` writes "
        f"it) but received {text!r}")


def _check_language(text: str) -> str | None:
    return None if _LANGUAGE.match(text) else (
        f"expected a language tag such as 'en' or 'ar' but received {text!r}")


def _text(*, required: bool = False, non_empty: bool = False, max_length: int = 20_000,
          help: str = "") -> o.Text:
    # Every field is text, and a key written with nothing after it is "" (not stated). The
    # limits are generous: the file's own size limit already bounds what it can hold.
    return o.Text(required=required, non_empty=non_empty, max_length=max_length, strip=True,
                  null="", help=help)


_PERSON = o.Record(Person, {
    "family": _text(required=True, non_empty=True, max_length=2000),
    "given": _text(max_length=2000),
}, paths={})

_SOURCE = o.Record(
    SourceRecord,
    {
        "id": o.Checked(_text(required=True, non_empty=True, max_length=200), _check_id),
        "file": _text(required=True, max_length=4096,
                      help='The text file, relative to the catalog; "" for a source with no text.'),
        "text": _text(max_length=4096, help="The text extracted from file (a PDF, a web page, "
                      "a Word file) by `briefgen sources add`, relative to the catalog; \"\" "
                      "when file is itself the text."),
        "sha256": o.Checked(_text(max_length=200, help="The SHA-256 of file, checked when a "
                                  "source with text is loaded."), _check_sha256),
        "start": _text(),
        "title": _text(required=True, non_empty=True),
        "sentence_case_title": _text(),
        "short_title": _text(),
        "type": o.Choice(CSL_TYPES, required=True, expected="a CSL item type (article-newspaper, "
                         "article-magazine, post-weblog, report, webpage, ...)"),
        "container_title": _text(),
        "publisher": _text(),
        "date": o.Checked(_text(max_length=200), _check_date),
        "accessed": o.Checked(_text(max_length=200), _check_day),
        "url": _text(),
        "language": o.Checked(_text(max_length=200, help="Default en."), _check_language),
        "note": _text(),
        "authors": o.ListOf(_PERSON, max_items=1000),
        "drop_lines": o.ListOf(o.Text(max_length=MAX_PARAGRAPH_BYTES, non_empty=False),
                               max_items=10_000),
    },
    paths={},
)

# The catalog, declared once: loading checks and types it with the spec's own machinery.
# ``sources:`` with nothing under it is the empty catalog, which `sources add` and `sources
# import` append block-style entries to.
CATALOG_SCHEMA = o.Mapping({"sources": o.ListOf(_SOURCE, required=True, max_items=MAX_SOURCES,
                                                null=[])})


@dataclass(frozen=True)
class _Place:
    """Where a catalog entry, or one of its values, is written: for messages."""

    located: LocatedYaml
    key: str


def _line(place: _Place) -> int:
    return place.located.line(place.key) or 1


def _value(place: _Place, name: str) -> _Place | None:
    child = f"{place.key}.{name}"
    return _Place(place.located, child) if child in place.located.lines else None


class CatalogEntry(NamedTuple):
    """One unique entry of a catalog: its record, where it is written, and its key path."""

    record: SourceRecord
    place: _Place
    key: str

    @property
    def lines(self) -> dict[str, int]:
        """The lines of the entry and of its id, file and start (where the messages about
        its file point), by key path: what ``entry_at`` needs to place them again."""
        known = self.place.located.lines
        return {key: known[key] for key in (self.key, *(f"{self.key}.{name}" for name in
                                                        _FILE_KEYS)) if key in known}


# The values the checks of a source's file point at (see _locate_articles).
_FILE_KEYS = ("id", "file", "start", "text", "sha256")


def entry_at(path: Path, record: SourceRecord, key: str, lines: Mapping[str, int]
             ) -> CatalogEntry:
    """An entry restored from what ``CatalogEntry.lines`` kept, e.g. by the corpus index."""
    return CatalogEntry(record, _Place(LocatedYaml(str(path), None, dict(lines)), key), key)


@dataclass(frozen=True)
class ParsedCatalog:
    """A catalog's YAML read and checked against its schema, before any source file is read.

    ``records`` holds each id once, in catalog order; ``entries`` the same entries with their
    places; ``problems`` what is wrong so far (loading adds the files' own problems).
    """

    records: dict[str, SourceRecord]
    entries: list[CatalogEntry]
    problems: list[Problem]

    @property
    def lines(self) -> dict[str, int]:
        """The line each entry starts at, by id."""
        return {entry.record.id: _line(entry.place) for entry in self.entries}


def parse_catalog(path: Path, raw: bytes) -> ParsedCatalog:
    """Parse and validate the catalog ``raw`` read from ``path``; source files are not read.

    SourceError when the file is not a catalog at all (not UTF-8, not YAML, alias bombs);
    the problems of its entries are collected in ``problems``.
    """
    shown = str(path)
    located = _parse_yaml(path, raw)
    ctx = o.Context(located)
    checked = CATALOG_SCHEMA.validate(located.data, "", ctx)
    problems = ctx.problems
    by_id: dict[str, SourceRecord] = {}
    unique: list[CatalogEntry] = []
    for index, record in enumerate((checked or {}).get("sources") or []):
        if record is None:
            continue
        key = f"sources[{index}]"
        # "" is not stated, and a source that states no language is in English.
        if not record.language:
            record = dataclasses.replace(record, language="en")
        place = _Place(located, key)
        if record.id in by_id:
            problems.append(Problem(shown, _line(_value(place, "id") or place), f"{key}.id",
                                    f"duplicate id {record.id!r}; each id must be unique"))
        else:
            by_id[record.id] = record
            unique.append(CatalogEntry(record, place, key))
    return ParsedCatalog(by_id, unique, problems)


def catalog_error(path: Path, problems: list[Problem]) -> SourceError:
    """The error that lists every problem of the catalog at ``path``."""
    count = len(problems)
    return SourceError(f"{path}: the source catalog has {count} "
                       f"problem{'s' if count != 1 else ''}", problems)


def read_articles(path: Path, entries: list[CatalogEntry], problems: list[Problem]
                  ) -> tuple[dict[str, tuple[bytes, ...]], dict[str, list[Problem]]]:
    """The text bytes of each of ``entries`` (see ``SourceCatalog``: a stored text is one
    item), and the problems of each source whose files cannot be used (broken, not the
    catalog); what is wrong with the entries themselves is added to ``problems``."""
    broken: dict[str, list[Problem]] = {}
    articles = _locate_articles(path, [e for e in entries if not e.record.text], problems,
                                broken)
    stored = _read_stored(path, [e for e in entries if e.record.text], problems, broken)
    articles.update((sid, (raw,)) for sid, raw in stored.items())
    return articles, broken


def text_file(record: SourceRecord) -> str:
    """The file a source's text is read from (its stored text, else its file); "" for none.
    Sources sharing it are read together (articles of one file)."""
    return record.text or record.file


class ArticleFiles(Mapping[str, tuple[bytes, ...]]):
    """Each source's text bytes, read from its file when first asked for, with the checks
    loading makes (a SourceError naming each problem at its catalog line), then kept.

    ``group(source_id)`` gives the entries whose text is in the same file as that source's
    (its own among them, in catalog order; see ``text_file``), or [] for an unknown id or
    one without a file. A source found broken (its file changed since the catalog was
    loaded) is a SourceError with its problems. Iterating gives the sources read so far.
    """

    def __init__(self, path: Path, group: Callable[[str], list[CatalogEntry]]) -> None:
        self._path = path
        self._group = group
        self._read: dict[str, tuple[bytes, ...]] = {}

    @classmethod
    def of(cls, path: Path, entries: list[CatalogEntry]) -> ArticleFiles:
        """The articles of ``entries``, all known already (a catalog just parsed)."""
        by_file: dict[str, list[CatalogEntry]] = {}
        for entry in entries:
            if entry.record.file:
                by_file.setdefault(text_file(entry.record), []).append(entry)
        by_id = {entry.record.id: by_file[text_file(entry.record)]
                 for entry in entries if entry.record.file}
        return cls(path, lambda source_id: by_id.get(source_id, []))

    def __getitem__(self, source_id: str) -> tuple[bytes, ...]:
        if source_id not in self._read:
            entries = self._group(source_id)
            if not entries:
                raise KeyError(source_id)
            problems: list[Problem] = []
            articles, broken = read_articles(self._path, entries, problems)
            if problems:
                raise catalog_error(self._path, problems)
            if source_id in broken:
                raise SourceError(f"{self._path}: source {source_id!r} cannot be read",
                                  broken[source_id])
            self._read.update(articles)
        return self._read[source_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self._read)

    def __len__(self) -> int:
        return len(self._read)


def read_catalog_bytes(path: Path) -> bytes:
    """The bytes of the catalog file, confined to its own folder; SourceError if refused."""
    shown = str(path)
    try:
        # Inside its own folder: seeds/sources.yaml linked to /etc/passwd would otherwise be
        # parsed, and a message quoting what it received would print the file.
        raw = read_confined(path, path.parent, CATALOG)
    except FileNotFoundError:
        raise SourceError(f"source catalog not found: {shown}",
                          [Problem(shown, None, "", "no such file")]) from None
    except RefusedFile as refused:
        raise SourceError(f"source catalog refused: {shown}",
                          [Problem(shown, None, "", refused.reason)]) from None
    except OSError as error:
        raise SourceError(f"source catalog cannot be read: {shown}",
                          [Problem(shown, None, "", error.strerror or str(error))]) from None
    return raw


def _parse_yaml(path: Path, raw: bytes) -> LocatedYaml:
    shown = str(path)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        at = raw[: error.start].count(b"\n") + 1
        raise SourceError(f"source catalog is not UTF-8: {shown}",
                          [Problem(shown, at, "", f"byte {error.start} is not UTF-8")]) from None
    try:
        return parse_yaml(text, shown, "the source catalog", empty_ok=True, plain_scalars=True,
                          max_nodes=max_nodes(len(raw)), max_repeated=MAX_REPEATED)
    except YamlSyntaxError as error:
        raise SourceError(f"source catalog is not valid YAML: {shown}",
                          [Problem(shown, error.line, "", error.detail)]) from None
    except SpecError as error:
        raise SourceError(str(error), error.problems) from None


def valid_id(text: str) -> bool:
    """True when ``text`` is a catalog id: lowercase letters, digits and single hyphens."""
    return bool(_ID.match(text))


def valid_language(text: str) -> bool:
    """True when ``text`` looks like a language tag ("en", "ar", "en-GB")."""
    return bool(_LANGUAGE.match(text))


def valid_date(text: str) -> bool:
    """True when ``text`` is a real date written YYYY-MM-DD, YYYY-MM or YYYY."""
    return _valid_date(text)


def _valid_date(date: str) -> bool:
    match = _DATE.match(date.strip())
    if not match:
        return False
    year, month, day = (int(part) if part else 1 for part in match.groups())
    try:
        datetime.date(year, month, day)
    except ValueError:
        return False
    return True


# --- finding each article in its file --------------------------------------------------------


def _read_stored(
    path: Path,
    records: list[tuple[SourceRecord, _Place, str]],
    problems: list[Problem],
    broken: dict[str, list[Problem]],
) -> dict[str, bytes]:
    """The bytes of each source's stored text (sources with ``text:``), its original checked
    against ``sha256:``. A malformed entry is a problem; a file that cannot be used breaks
    its source only (``broken``)."""
    shown = str(path)
    folder = path.parent
    stored: dict[str, bytes] = {}
    for record, node, key in records:
        def where(name: str, place: _Place = node) -> int:
            return _line(_value(place, name) or place)

        malformed = []
        if not record.file:
            malformed.append(Problem(shown, where("file"), f"{key}.file", "a source with text: "
                                     "needs its original in file: (the text was extracted "
                                     "from it)"))
        if not record.sha256:
            malformed.append(Problem(shown, where("text"), f"{key}.sha256", "a source with text: "
                                     "needs the sha256: of its original, as `briefgen sources "
                                     "add` writes it"))
        if record.start:
            malformed.append(Problem(shown, where("start"), f"{key}.start", "start: picks an "
                                     "article in a text file holding several; a source with "
                                     "text: has a text of its own"))
        if malformed:
            problems.extend(malformed)
            continue
        original = _read_file(folder / record.file, folder, ORIGINAL, "original")
        if isinstance(original, str):
            broken.setdefault(record.id, []).append(
                Problem(shown, where("file"), f"{key}.file", original))
            continue
        digest = hashlib.sha256(original).hexdigest()
        if digest != record.sha256:
            broken.setdefault(record.id, []).append(Problem(
                shown, where("sha256"), f"{key}.sha256",
                f"the original {folder / record.file} changed since its text was extracted "
                f"(its sha256 is now {digest}): restore it, or remove this entry and run "
                "`briefgen sources add` on the new file"))
            continue
        raw = _read_file(folder / record.text, folder, SOURCE, "stored text")
        if isinstance(raw, str):
            broken.setdefault(record.id, []).append(
                Problem(shown, where("text"), f"{key}.text", raw))
            continue
        try:
            raw.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            at = raw[: error.start].count(b"\n") + 1
            broken.setdefault(record.id, []).append(Problem(
                shown, where("text"), f"{key}.text",
                f"stored text is not UTF-8: {folder / record.text}, line {at}, byte "
                f"{error.start}"))
            continue
        stored[record.id] = raw
    return stored


def _read_file(file: Path, folder: Path, kind: FileKind, what: str) -> bytes | str:
    """The bytes of ``file`` confined to ``folder``, or why they cannot be had."""
    try:
        return read_confined(file, folder, kind)
    except FileNotFoundError:
        return f"{what} not found: {file}"
    except RefusedFile as refused:
        return f"{file}: {refused.reason}"
    except OSError as error:
        return f"{what} cannot be read: {file}: {error.strerror or error}"


def _locate_articles(
    path: Path,
    records: list[CatalogEntry],
    problems: list[Problem],
    broken: dict[str, list[Problem]],
) -> dict[str, tuple[bytes, ...]]:
    """The raw lines of each source's article.

    A file that holds one article gives it all its lines. In a file that holds several, each
    source names its title line as ``start``, and its article runs from there to the next
    source's start line (or the end of the file). A file that cannot be read, or a start line
    it does not hold, breaks the sources concerned (``broken``), not the catalog.
    """
    shown = str(path)
    by_file: dict[str, list[CatalogEntry]] = {}
    for entry in records:
        if not entry[0].file:  # no text: citable, not quotable
            if entry[0].start:
                problems.append(Problem(shown, _line(_value(entry[1], "start") or entry[1]),
                                        f"{entry[2]}.start", "a source without a file has no "
                                        "article to start; give file: or remove start:"))
            continue
        by_file.setdefault(entry[0].file, []).append(entry)
    articles: dict[str, tuple[bytes, ...]] = {}
    for file, entries in by_file.items():
        first_record, first_node, first_key = entries[0]
        file_line = _line(_value(first_node, "file") or first_node)
        file_problems: list[Problem] = []
        lines = _read_lines(path.parent / file, path.parent, f"{first_key}.file", shown,
                            file_line, file_problems)
        if lines is None:
            for record, _node, _key in entries:
                broken.setdefault(record.id, []).extend(file_problems)
            continue
        if len(entries) == 1 and not first_record.start:
            articles[first_record.id] = lines
            continue
        starts: list[tuple[int, SourceRecord]] = []
        taken: set[int] = set()
        # Each line repaired and folded once for the file, not once per source that starts in
        # it: 1,000 sources in one file took 30 s to list.
        texts = [_line_text(raw_line) for raw_line in lines]
        first_index: dict[str, int] = {}
        for index, text in enumerate(texts):
            first_index.setdefault(text, index)
        for record, node, key in entries:
            where = _line(_value(node, "start") or node)
            if not record.start:
                problems.append(Problem(shown, where, f"{key}.start",
                                        f"{file} holds several sources, so each needs the title "
                                        "line its article starts at"))
                continue
            index = first_index.get(fold_text(record.start))
            if index is None:
                broken.setdefault(record.id, []).append(Problem(
                    shown, where, f"{key}.start", f"no line of {file} reads {record.start!r}"
                    + _suggest_line(texts, record.start)))
            elif index in taken:
                problems.append(Problem(shown, where, f"{key}.start",
                                        "another source starts at the same line"))
            else:
                taken.add(index)
                starts.append((index, record))
        starts.sort(key=lambda pair: pair[0])
        for position, (index, record) in enumerate(starts):
            end = starts[position + 1][0] if position + 1 < len(starts) else len(lines)
            articles[record.id] = lines[index:end]
    return articles


def _read_lines(
    file: Path, folder: Path, key: str, shown: str, line: int, problems: list[Problem]
) -> tuple[bytes, ...] | None:
    """The lines of ``file``, which must be confined to ``folder`` (the catalog's)."""
    try:
        raw = read_confined(file, folder, SOURCE)
    except FileNotFoundError:
        problems.append(Problem(shown, line, key, f"source file not found: {file}"))
        return None
    except RefusedFile as refused:
        problems.append(Problem(shown, line, key, f"{file}: {refused.reason}"))
        return None
    except OSError as error:
        problems.append(Problem(shown, line, key,
                                f"source file cannot be read: {file}: {error.strerror or error}"))
        return None
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as error:
        at = raw[: error.start].count(b"\n") + 1
        problems.append(Problem(shown, line, key,
                                f"source file is not UTF-8: {file}, line {at}, byte {error.start}"))
        return None
    # bytes.splitlines breaks only at \n, \r\n and \r, so the slices add up to the file.
    lines = tuple(raw.splitlines(keepends=True))
    for number, raw_line in enumerate(lines, start=1):
        if len(raw_line) > MAX_PARAGRAPH_BYTES:
            # Refused, not split: paragraph numbers are what a pinpoint ("para 12") cites,
            # and numbers for pieces we cut would point at nothing a reader can find.
            problems.append(Problem(shown, line, key, (
                f"{file}, line {number}: refused: a paragraph of {len(raw_line):,} bytes; the "
                f"limit is {MAX_PARAGRAPH_BYTES:,} (each line of a source is one paragraph: "
                "break this one where its paragraphs end)")))
            return None
    return lines


def _line_text(raw_line: bytes) -> str:
    return fold_text(repair_encoding(raw_line.decode("utf-8-sig")))


def _suggest_line(texts: list[str], start: str) -> str:
    """A "Did you mean" for a ``start`` that no line (repaired and folded: ``texts``) reads."""
    candidates = list(dict.fromkeys(text for text in texts if text))
    close = difflib.get_close_matches(fold_text(start), candidates, n=1, cutoff=0.6)
    return f". Did you mean {close[0]!r}?" if close else ""

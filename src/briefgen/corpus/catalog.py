"""The source catalog (seeds/sources.yaml): what each source is, and where its text lies.

Loading validates the whole catalog and the files it names (that they exist, are UTF-8 and
hold each article's ``start`` line) and reports every problem at once, each as
``file:line key: message``. The text of a source is repaired and split into paragraphs only
when first asked for, and kept.

A source with no ``file`` (``file: ""``, as ``briefgen sources import`` writes them) is citable
but not quotable: its metadata formats notes and the bibliography, and quoting it is an error
that says which entry needs a text file.
"""

from __future__ import annotations

import datetime
import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

from briefgen.confine import CATALOG, SOURCE, RefusedFile, read_confined
from briefgen.corpus.folding import fold_text
from briefgen.corpus.text import MAX_PARAGRAPH_BYTES, SourceText, read_article, repair_encoding
from briefgen.dates import calendar_problem
from briefgen.errors import Problem, SourceError

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

MAX_CATALOG_BYTES = CATALOG.limit
MAX_NODES = 100_000  # bounds YAML alias expansion long before memory suffers

# Ids are cited as [@id] in Markdown, so keep them to what reads well there.
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")

_REQUIRED = ("id", "file", "title", "type")
_MAY_BE_EMPTY = ("file",)  # "" is a source without text: citable, not quotable
_TEXT_FIELDS = ("id", "file", "start", "title", "sentence_case_title", "short_title", "type",
                "container_title", "publisher", "date", "accessed", "url", "language", "note")
_LIST_FIELDS = ("authors", "drop_lines")
_FIELDS = _TEXT_FIELDS + _LIST_FIELDS
_PERSON_FIELDS = ("family", "given")
_NULL_TAG = "tag:yaml.org,2002:null"


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


class SourceCatalog:
    """The sources a brief may cite, by id, with their text loaded on first use."""

    def __init__(
        self,
        path: Path,
        records: dict[str, SourceRecord],
        article_lines: dict[str, tuple[bytes, ...]],
        lines: dict[str, int] | None = None,
    ) -> None:
        """Use ``SourceCatalog.load``; this takes already validated parts.

        ``lines`` is the catalog line each source's entry starts at (for messages).
        """
        self._path = path
        self._records = records
        self._article_lines = article_lines
        self._lines = dict(lines or {})
        self._texts: dict[str, SourceText] = {}

    @classmethod
    def load(cls, path: Path) -> SourceCatalog:
        """Read and validate a catalog; SourceError listing every problem if it is wrong."""
        path = Path(path)
        shown = str(path)
        root = _compose(path)
        problems: list[Problem] = []
        records: list[tuple[SourceRecord, yaml.MappingNode, str]] = []
        for key, node in _source_nodes(root, shown, problems):
            record = _record(node, key, shown, problems)
            if record is not None:
                records.append((record, node, key))
        by_id: dict[str, SourceRecord] = {}
        unique: list[tuple[SourceRecord, yaml.MappingNode, str]] = []
        for record, node, key in records:
            if record.id in by_id:
                problems.append(Problem(shown, _line(_value(node, "id") or node), f"{key}.id",
                                        f"duplicate id {record.id!r}; each id must be unique"))
            else:
                by_id[record.id] = record
                unique.append((record, node, key))
        article_lines = _locate_articles(path, unique, problems)
        if problems:
            count = len(problems)
            raise SourceError(f"{shown}: the source catalog has {count} "
                              f"problem{'s' if count != 1 else ''}", problems)
        lines = {record.id: _line(node) for record, node, _key in unique}
        return cls(path, by_id, article_lines, lines)

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
        """True when ``source_id`` has a text file to check quotations against."""
        return bool(self.get(source_id).file)

    def line(self, source_id: str) -> int | None:
        """The catalog line the entry of ``source_id`` starts at; None if not known."""
        return self._lines.get(source_id)

    def places(self, source_id: str) -> dict[str, int] | None:
        """The kinds of place a citation can name in ``source_id``, each with how many there
        are: CSL locator terms ("paragraph") -> count. None when the source has no text, so
        nothing is known of its places and any locator is taken on trust.

        A text source has numbered paragraphs and nothing else (no pages: its text is not
        paginated); a source kind that has pages (a PDF) would add "page" here.
        """
        if not self.quotable(source_id):
            return None
        return {"paragraph": len(self.text(source_id).paragraphs)}

    def text(self, source_id: str) -> SourceText:
        """The repaired, numbered paragraphs of ``source_id``; built once, then cached.

        KeyError if the catalog has no such source; SourceError if it has no text file.
        """
        if source_id not in self._texts:
            record = self.get(source_id)
            if not record.file:
                shown = str(self._path)
                index = self.ids().index(source_id)
                raise SourceError(
                    f"{shown}: source {source_id!r} has no text file, so it can be cited but "
                    "not quoted",
                    [Problem(shown, self.line(source_id), f"sources[{index}].file",
                             "empty: give the text file (relative to the catalog) the quotation "
                             "can be checked against")])
            self._texts[source_id] = read_article(
                source_id, self._article_lines[source_id], record.drop_lines
            )
        return self._texts[source_id]


# --- reading the YAML ------------------------------------------------------------------------


def _compose(path: Path) -> yaml.Node | None:
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
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        at = raw[: error.start].count(b"\n") + 1
        raise SourceError(f"source catalog is not UTF-8: {shown}",
                          [Problem(shown, at, "", f"byte {error.start} is not UTF-8")]) from None
    try:
        # libyaml when available: a 10,000-source catalog took seconds in pure Python.
        return yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line: int | None = int(mark.line) + 1 if mark is not None else None
        raise SourceError(f"source catalog is not valid YAML: {shown}",
                          [Problem(shown, line, "", str(error.problem or error))]) from None
    except yaml.YAMLError as error:
        raise SourceError(f"source catalog is not valid YAML: {shown}",
                          [Problem(shown, None, "", str(error))]) from None


def _line(node: yaml.Node) -> int:
    return int(node.start_mark.line) + 1


def _pairs(node: yaml.MappingNode) -> Iterator[tuple[str, yaml.Node, yaml.Node]]:
    for key_node, value_node in node.value:
        yield str(key_node.value), key_node, value_node


def _value(node: yaml.MappingNode, name: str) -> yaml.Node | None:
    for key, _key_node, value_node in _pairs(node):
        if key == name:
            return value_node
    return None


def _kind(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    return f"{node.value!r}" if node.value != "" else "nothing"


def _source_nodes(
    root: yaml.Node | None, shown: str, problems: list[Problem]
) -> Iterator[tuple[str, yaml.MappingNode]]:
    """Each source entry with its key path; problems for a malformed top level."""
    if not isinstance(root, yaml.MappingNode):
        line = _line(root) if root is not None else None
        problems.append(Problem(shown, line, "", "expected a mapping with a 'sources:' list but "
                                f"received: {_kind(root) if root is not None else 'nothing'}"))
        return
    seen: set[str] = set()
    sources: yaml.Node | None = None
    for key, key_node, value_node in _pairs(root):
        if key in seen:
            problems.append(Problem(shown, _line(key_node), key, "key given twice"))
        seen.add(key)
        if key == "sources":
            sources = value_node
        else:
            problems.append(Problem(shown, _line(key_node), key,
                                    "unknown key. Expected one of: sources" + _suggest(key,
                                                                                      ["sources"])))
    if sources is None:
        problems.append(Problem(shown, _line(root), "sources", "missing: the list of sources"))
        return
    if not isinstance(sources, yaml.SequenceNode):
        problems.append(Problem(shown, _line(sources), "sources",
                                f"expected a list of sources but received: {_kind(sources)}"))
        return
    if len(sources.value) > MAX_NODES:
        problems.append(Problem(shown, _line(sources), "sources", "too many sources"))
        return
    for index, entry in enumerate(sources.value):
        key = f"sources[{index}]"
        if isinstance(entry, yaml.MappingNode):
            yield key, entry
        else:
            problems.append(Problem(shown, _line(entry), key,
                                    f"expected a mapping (id:, file:, title:, ...) but received: "
                                    f"{_kind(entry)}"))


def _suggest(word: str, choices: list[str] | tuple[str, ...]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f". Did you mean {close[0]!r}?" if close else ""


def _record(
    node: yaml.MappingNode, key: str, shown: str, problems: list[Problem]
) -> SourceRecord | None:
    """One source entry as a SourceRecord, or None (with problems) if it does not validate."""
    before = len(problems)
    text: dict[str, str] = {}
    lists: dict[str, yaml.SequenceNode] = {}
    lines: dict[str, int] = {}
    for name, key_node, value_node in _pairs(node):
        where = f"{key}.{name}"
        if name in lines:
            problems.append(Problem(shown, _line(key_node), where, "key given twice"))
            continue
        lines[name] = _line(value_node)
        if name not in _FIELDS:
            problems.append(Problem(shown, _line(key_node), where,
                                    f"unknown key. Expected one of: {', '.join(_FIELDS)}"
                                    + _suggest(name, _FIELDS)))
        elif name in _TEXT_FIELDS:
            if isinstance(value_node, yaml.ScalarNode):
                # Every field is text: read the scalar as written, so "2023-05-03" stays a
                # string and "no" (Norwegian) does not become False.
                text[name] = "" if value_node.tag == _NULL_TAG else str(value_node.value)
            else:
                problems.append(Problem(shown, _line(value_node), where,
                                        f"expected text but received: {_kind(value_node)}"))
        elif isinstance(value_node, yaml.SequenceNode):
            lists[name] = value_node
        elif isinstance(value_node, yaml.ScalarNode) and value_node.tag == _NULL_TAG:
            pass  # "authors:" with nothing after it: none stated
        else:
            problems.append(Problem(shown, _line(value_node), where,
                                    f"expected a list but received: {_kind(value_node)}"))
    for name in _REQUIRED:
        if name not in lines:
            problems.append(Problem(shown, _line(node), f"{key}.{name}", "missing (required)"))
        elif name in text and not text[name].strip() and name not in _MAY_BE_EMPTY:
            problems.append(Problem(shown, lines[name], f"{key}.{name}", "must not be empty"))

    def check(name: str, valid: bool, message: str) -> None:
        if name in text and text[name] and not valid:
            problems.append(Problem(shown, lines[name], f"{key}.{name}", message))

    source_id = text.get("id", "")
    check("id", bool(_ID.match(source_id)),
          f"expected lowercase letters, digits and single hyphens (like 'un-mali-future') "
          f"but received: {source_id!r}")
    source_type = text.get("type", "")
    check("type", source_type in CSL_TYPES,
          f"expected a CSL item type (article-newspaper, article-magazine, post-weblog, report, "
          f"webpage, ...) but received: {source_type!r}" + _suggest(source_type, CSL_TYPES))
    date = text.get("date", "")
    wrong = calendar_problem(date)
    check("date", _valid_date(date),
          f"{date.strip()!r} is not a real date: {wrong}" if wrong else
          f'expected YYYY-MM-DD, YYYY-MM, YYYY or "" (not stated) but received: {date!r}')
    accessed = text.get("accessed", "")
    wrong = calendar_problem(accessed) if len(accessed.strip()) == 10 else None
    check("accessed", _valid_date(accessed) and len(accessed.strip()) == 10,
          f"{accessed.strip()!r} is not a real date: {wrong}" if wrong else
          f'expected the day it was read, YYYY-MM-DD, or "" but received: {accessed!r}')
    language = text.get("language", "en")
    check("language", bool(_LANGUAGE.match(language)),
          f"expected a language tag such as 'en' or 'ar' but received: {language!r}")

    authors = _authors(lists.get("authors"), f"{key}.authors", shown, problems)
    drop_lines = _strings(lists.get("drop_lines"), f"{key}.drop_lines", shown, problems)
    if len(problems) > before:
        return None
    return SourceRecord(
        id=source_id,
        title=text["title"].strip(),
        type=source_type,
        authors=authors,
        container_title=text.get("container_title", "").strip(),
        publisher=text.get("publisher", "").strip(),
        date=date.strip(),
        url=text.get("url", "").strip(),
        file=text["file"].strip(),
        start=text.get("start", "").strip(),
        language=language.strip() or "en",
        note=text.get("note", "").strip(),
        drop_lines=drop_lines,
        sentence_case_title=text.get("sentence_case_title", "").strip(),
        short_title=text.get("short_title", "").strip(),
        accessed=accessed.strip(),
    )


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


def _authors(
    node: yaml.SequenceNode | None, key: str, shown: str, problems: list[Problem]
) -> tuple[Person, ...]:
    if node is None:
        return ()
    people: list[Person] = []
    for index, entry in enumerate(node.value):
        where = f"{key}[{index}]"
        if not isinstance(entry, yaml.MappingNode):
            problems.append(Problem(shown, _line(entry), where,
                                    f"expected {{family: ..., given: ...}} but received: "
                                    f"{_kind(entry)}"))
            continue
        names: dict[str, str] = {}
        for name, key_node, value_node in _pairs(entry):
            if name not in _PERSON_FIELDS:
                problems.append(Problem(shown, _line(key_node), f"{where}.{name}",
                                        "unknown key. Expected one of: family, given"
                                        + _suggest(name, _PERSON_FIELDS)))
            elif not isinstance(value_node, yaml.ScalarNode):
                problems.append(Problem(shown, _line(value_node), f"{where}.{name}",
                                        f"expected text but received: {_kind(value_node)}"))
            else:
                names[name] = "" if value_node.tag == _NULL_TAG else str(value_node.value).strip()
        if not names.get("family"):
            problems.append(Problem(shown, _line(entry), f"{where}.family",
                                    "missing: every author needs a family name"))
            continue
        people.append(Person(names["family"], names.get("given", "")))
    return tuple(people)


def _strings(
    node: yaml.SequenceNode | None, key: str, shown: str, problems: list[Problem]
) -> tuple[str, ...]:
    if node is None:
        return ()
    values: list[str] = []
    for index, entry in enumerate(node.value):
        if isinstance(entry, yaml.ScalarNode) and entry.tag != _NULL_TAG:
            values.append(str(entry.value))
        else:
            problems.append(Problem(shown, _line(entry), f"{key}[{index}]",
                                    f"expected a line of text but received: {_kind(entry)}"))
    return tuple(values)


# --- finding each article in its file --------------------------------------------------------


def _locate_articles(
    path: Path,
    records: list[tuple[SourceRecord, yaml.MappingNode, str]],
    problems: list[Problem],
) -> dict[str, tuple[bytes, ...]]:
    """The raw lines of each source's article.

    A file that holds one article gives it all its lines. In a file that holds several, each
    source names its title line as ``start``, and its article runs from there to the next
    source's start line (or the end of the file).
    """
    shown = str(path)
    by_file: dict[str, list[tuple[SourceRecord, yaml.MappingNode, str]]] = {}
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
        lines = _read_lines(path.parent / file, path.parent, f"{first_key}.file", shown,
                            file_line, problems)
        if lines is None:
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
                problems.append(Problem(shown, where, f"{key}.start",
                                        f"no line of {file} reads {record.start!r}"
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

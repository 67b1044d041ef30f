"""Import sources into the catalog from a reference manager's export (CSL-JSON or BibTeX).

The only module that imports bibtexparser. An import is all or nothing: every entry of the
file is read and checked (title, a usable id, a known type, dates, no id the catalog or the
file already has), every problem is reported with its line, and the catalog is written only
when there is none.

Imported sources have metadata and no text: their ``file`` is "", so they can be cited at once
but not quoted. To quote one, save its text under the catalog's folder and set ``file:`` (a
quotation can only be checked against text we hold, and an export carries none).

The catalog is written by appending the new entries as YAML text after the last line, so its
comments and layout stay as they are; the result is loaded and validated from a temporary file
beside the catalog, then renamed over it (the rename is atomic on one file system).
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from briefgen.corpus.catalog import (
    CSL_TYPES,
    Person,
    SourceCatalog,
    SourceRecord,
    valid_date,
    valid_id,
    valid_language,
)
from briefgen.confine import EXPORT, RefusedFile, read_confined
from briefgen.errors import Problem, SourceError
from briefgen.corpus.catalog_edits import append_entries, entry_fields
from briefgen.outputs import move_into_place, temporary_beside

FORMATS = ("csl-json", "bibtex")

# An export is a file from outside: bound what its parsers are asked to do. A real entry nests
# braces three deep ({{The {UN} mission}}); LaTeX accents nested in braces double the decoded
# text at each level (26 levels took 64 s and 1.6 GB), and 50,000 braces broke the parser.
MAX_BIBTEX_BRACE_DEPTH = 10
# Digits of one JSON integer: a year has four, Python refuses to convert more than 4,300.
MAX_JSON_INT_DIGITS = 30

#: BibTeX/BibLaTeX entry types -> CSL item types. @article is a journal article unless its
#: ``entrysubtype`` says newspaper or magazine (BibLaTeX's way of marking them).
BIBTEX_TYPES = {
    "article": "article-journal",
    "book": "book",
    "mvbook": "book",
    "booklet": "pamphlet",
    "collection": "book",
    "inbook": "chapter",
    "incollection": "chapter",
    "inproceedings": "paper-conference",
    "conference": "paper-conference",
    "manual": "report",
    "mastersthesis": "thesis",
    "phdthesis": "thesis",
    "thesis": "thesis",
    "techreport": "report",
    "report": "report",
    "online": "webpage",
    "electronic": "webpage",
    "www": "webpage",
    "misc": "document",
    "unpublished": "manuscript",
}
_ARTICLE_SUBTYPES = {"newspaper": "article-newspaper", "magazine": "article-magazine"}

# BibLaTeX's langid is a babel language name; the ones analysts meet, as language tags.
_BABEL_LANGUAGES = {
    "english": "en", "american": "en-US", "british": "en-GB", "french": "fr", "german": "de",
    "arabic": "ar", "persian": "fa", "farsi": "fa", "pashto": "ps", "urdu": "ur",
    "russian": "ru", "spanish": "es", "portuguese": "pt", "italian": "it", "dutch": "nl",
    "turkish": "tr", "chinese": "zh",
}


@dataclass(frozen=True)
class ImportedSource:
    """One entry of an export, as a catalog record; ``original_id`` is its id in the file."""

    record: SourceRecord
    original_id: str
    line: int


def detect_format(path: Path, text: str) -> str:
    """"csl-json" or "bibtex", from the file's suffix, else from its first character."""
    suffix = path.suffix.lower()
    if suffix in (".json", ".csljson"):
        return "csl-json"
    if suffix in (".bib", ".bibtex"):
        return "bibtex"
    first = text.lstrip()[:1]
    if first in ("[", "{"):
        return "csl-json"
    if first in ("@", "%"):
        return "bibtex"
    raise SourceError(f"{path}: cannot tell whether this is CSL-JSON or BibTeX",
                      [Problem(str(path), None, "", "expected a .json file (CSL-JSON, as Zotero "
                               "exports it) or a .bib file (BibTeX); give --format to say which")])


def read_export(path: Path, fmt: str | None = None) -> list[ImportedSource]:
    """Every entry of a CSL-JSON or BibTeX file as catalog records; SourceError listing every
    problem if any entry cannot be taken."""
    path = Path(path)
    shown = str(path)
    try:
        # The user names the export, so it may be anywhere (its own folder is the one it is
        # confined to); but a named pipe would block and /dev/zero fill the memory.
        resolved = path.resolve()
        raw = read_confined(resolved, resolved.parent, EXPORT)
    except RefusedFile as refused:
        raise SourceError(f"cannot import {shown}",
                          [Problem(shown, None, "", refused.reason)]) from None
    except FileNotFoundError:
        raise SourceError(f"nothing to import: {shown}",
                          [Problem(shown, None, "", "no such file")]) from None
    except (OSError, RuntimeError) as error:  # RuntimeError: a link loop on Python 3.11
        raise SourceError(f"cannot read {shown}",
                          [Problem(shown, None, "", getattr(error, "strerror", None)
                                   or str(error))]) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        at = raw[: error.start].count(b"\n") + 1
        raise SourceError(f"{shown}: not UTF-8",
                          [Problem(shown, at, "", f"byte {error.start} is not UTF-8")]) from None
    fmt = fmt or detect_format(path, text)
    if fmt not in FORMATS:
        raise SourceError(f"unknown import format {fmt!r}. Expected one of: {', '.join(FORMATS)}")
    problems: list[Problem] = []
    entries = _csl_json(text, shown, problems) if fmt == "csl-json" else _bibtex(text, shown,
                                                                                  problems)
    imported: list[ImportedSource] = []
    seen: dict[str, int] = {}
    for line, key, fields in entries:
        source = _source(fields, line, key, shown, path.name, fmt, problems)
        if source is None:
            continue
        if source.record.id in seen:
            problems.append(Problem(shown, line, f"{key}.id", f"id {source.record.id!r} is also "
                                    f"the id of the entry at line {seen[source.record.id]}"))
            continue
        seen[source.record.id] = line
        imported.append(source)
    if problems:
        count = len(problems)
        raise SourceError(f"{shown}: {count} problem{'s' if count != 1 else ''}; nothing was "
                          "imported", problems)
    if not imported:
        raise SourceError(f"{shown}: no entries to import",
                          [Problem(shown, None, "", "the file holds no references")])
    return imported


def import_sources(catalog_path: Path, export: Path, fmt: str | None = None,
                   *, dry_run: bool = False) -> list[ImportedSource]:
    """Append the entries of ``export`` to the catalog at ``catalog_path``, all or none.

    Ids already in the catalog are errors (nothing is overwritten). With ``dry_run`` the
    catalog is checked but not written. Returns what was (or would be) added.
    """
    catalog_path = Path(catalog_path)
    catalog = SourceCatalog.load(catalog_path)
    imported = read_export(export, fmt)
    clashes = [Problem(str(export), source.line, f"{source.original_id}.id",
                       f"id {source.record.id!r} is already in {catalog_path}"
                       + (f" (line {catalog.line(source.record.id)})"
                          if catalog.line(source.record.id) else "")
                       + "; change the id in the export or remove the catalog's entry")
               for source in imported if source.record.id in catalog]
    if clashes:
        raise SourceError(f"{export}: {len(clashes)} id{'s' if len(clashes) != 1 else ''} "
                          "already in the catalog; nothing was imported", clashes)
    current = catalog_path.read_text(encoding="utf-8-sig")
    updated = imported_entries(current, [s.record for s in imported], Path(export).name)
    _replace_checked(catalog_path, updated, write=not dry_run)
    return imported


def imported_entries(catalog_text: str, records: list[SourceRecord], origin: str) -> str:
    """``catalog_text`` with ``records`` appended as YAML entries of its ``sources:`` list."""
    entries = []
    for record in records:
        fields = entry_fields(record)
        entry: dict[str, Any] = {"id": fields.pop("id"), "file": "", **fields}
        optional = {"short_title": record.short_title, "accessed": record.accessed}
        entry.update({name: value for name, value in optional.items() if value})
        entry["language"] = record.language
        entry["note"] = record.note
        entries.append(entry)
    return append_entries(catalog_text, f"imported from {origin}: no text yet (file: \"\"), "
                          "so citable, not quotable", entries)


def _replace_checked(catalog_path: Path, text: str, *, write: bool) -> None:
    """Validate ``text`` as the catalog (beside it, so file: paths resolve), then put it in
    place atomically, or only validate when not ``write``."""
    with temporary_beside(catalog_path) as temp:
        temp.write_text(text, encoding="utf-8", newline="\n")
        try:
            SourceCatalog.load(temp)
        except SourceError as error:
            # The entries were checked one by one, so the catalog itself does not end in its
            # sources: list (another key after it, or a flow-style list).
            raise SourceError(
                f"{catalog_path}: cannot append to this catalog; nothing was imported. The new "
                "entries are added after its last line, which must end the block-style "
                "'sources:' list", [Problem(str(catalog_path), p.line, p.key, p.message)
                                    for p in error.problems]) from None
        if write:
            move_into_place(temp, catalog_path)


# --- reading the two formats into (line, key, fields) -----------------------------------------


def _csl_json(text: str, shown: str, problems: list[Problem]
              ) -> Iterator[tuple[int, str, dict[str, Any]]]:
    """Each item of a CSL-JSON array with the line it starts at.

    The array is decoded item by item (raw_decode), because json.loads keeps no positions and
    an error should point at the entry it is in.
    """
    decoder = json.JSONDecoder(parse_int=_bounded_int)
    position = _skip_space(text, 0)
    if text[position:position + 1] != "[":
        try:
            value = decoder.decode(text)
        except json.JSONDecodeError as error:
            problems.append(Problem(shown, error.lineno, "", f"not valid JSON: {error.msg} "
                                    f"(column {error.colno})"))
            return
        except (_NumberTooLong, RecursionError) as error:
            problems.append(Problem(shown, 1, "", _refusal(error)))
            return
        if isinstance(value, dict):  # one item exported on its own
            yield _line_at(text, _skip_space(text, 0)), "[0]", value
            return
        problems.append(Problem(shown, 1, "", "expected a CSL-JSON list of items ([{...}, ...]) "
                                f"but received: {type(value).__name__}"))
        return
    position += 1
    index = 0
    while True:
        position = _skip_space(text, position)
        if text[position:position + 1] == "]":
            if text[_skip_space(text, position + 1):].strip():
                problems.append(Problem(shown, _line_at(text, position + 1), "",
                                        "not valid JSON: text after the closing ]"))
            return
        if index and text[position:position + 1] == ",":
            position = _skip_space(text, position + 1)
        elif index:
            problems.append(Problem(shown, _line_at(text, position), f"[{index}]",
                                    "not valid JSON: expected ',' or ']' between items"))
            return
        if position >= len(text):
            problems.append(Problem(shown, _line_at(text, position), "",
                                    "not valid JSON: the list is not closed with ]"))
            return
        line = _line_at(text, position)
        try:
            item, position = decoder.raw_decode(text, position)
        except json.JSONDecodeError as error:
            problems.append(Problem(shown, error.lineno, f"[{index}]",
                                    f"not valid JSON: {error.msg} (column {error.colno})"))
            return
        except (_NumberTooLong, RecursionError) as error:
            problems.append(Problem(shown, line, f"[{index}]", _refusal(error)))
            return
        if isinstance(item, dict):
            yield line, f"[{index}]", item
        else:
            problems.append(Problem(shown, line, f"[{index}]", "expected a CSL-JSON item "
                                    f"({{\"id\": ..., \"title\": ...}}) but received: {item!r}"))
        index += 1


class _NumberTooLong(ValueError):
    def __init__(self, digits: int) -> None:
        super().__init__(digits)
        self.digits = digits


def _bounded_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_JSON_INT_DIGITS:
        raise _NumberTooLong(len(text.lstrip("-")))
    return int(text)


def _refusal(error: Exception) -> str:
    if isinstance(error, _NumberTooLong):
        return (f"a number of {error.digits:,} digits; expected at most {MAX_JSON_INT_DIGITS} "
                "(a CSL-JSON item holds years, pages and counts)")
    return ("arrays or objects nest too deeply to be a CSL-JSON item (an item nests about "
            "four levels); refused")


def _brace_problem(text: str, shown: str) -> Problem | None:
    """A problem at the first place braces nest deeper than MAX_BIBTEX_BRACE_DEPTH, if any."""
    depth = 0
    escaped = False
    for position, char in enumerate(text):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "{":
            depth += 1
            if depth > MAX_BIBTEX_BRACE_DEPTH:
                return Problem(shown, _line_at(text, position), "",
                               f"braces nest more than {MAX_BIBTEX_BRACE_DEPTH} deep (an entry "
                               "needs three or four); refused, as LaTeX nested that deep "
                               "decodes to runaway text")
        elif char == "}":
            depth = max(0, depth - 1)
    return None


def _skip_space(text: str, position: int) -> int:
    while position < len(text) and text[position] in " \t\r\n":
        position += 1
    return position


def _line_at(text: str, position: int) -> int:
    return text.count("\n", 0, position) + 1


def _bibtex(text: str, shown: str, problems: list[Problem]
            ) -> Iterator[tuple[int, str, dict[str, Any]]]:
    """Each BibTeX entry as CSL-JSON-like fields (names split, LaTeX decoded, dates joined)."""
    import bibtexparser
    from bibtexparser import middlewares

    too_deep = _brace_problem(text, shown)
    if too_deep is not None:
        problems.append(too_deep)
        return

    # bibtexparser also logs each failed block as a warning; we report them ourselves.
    logger = logging.getLogger("bibtexparser")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        library = bibtexparser.parse_string(text, append_middleware=[
            middlewares.MonthIntMiddleware(True),
            middlewares.SeparateCoAuthors(),
            middlewares.SplitNameParts(),
        ])
    except (IndexError, KeyError, ValueError, RecursionError) as error:
        # The parser's own failures on malformed input (not ours to fix): a message, not a
        # traceback.
        problems.append(Problem(shown, None, "", f"not valid BibTeX: the parser stopped "
                                f"({type(error).__name__}: {str(error)[:120]})"))
        return
    finally:
        logger.setLevel(level)
    for block in library.failed_blocks:
        error = getattr(block, "error", None)
        reason = getattr(error, "abort_reason", "") or str(error or "")
        first_line = block.raw.strip().splitlines()[0][:60] if block.raw.strip() else ""
        problems.append(Problem(shown, (block.start_line or 0) + 1, "",
                                f"not valid BibTeX: {reason or 'the entry cannot be read'} "
                                f"(in {first_line!r})"))
    decode = _latex_decoder()
    for entry in library.entries:
        raw = {field.key.lower(): field.value for field in entry.fields}
        line = entry.start_line + 1
        fields: dict[str, Any] = {"id": entry.key}
        kind = entry.entry_type.lower()
        csl_type = BIBTEX_TYPES.get(kind)
        if csl_type == "article-journal":
            subtype = str(raw.get("entrysubtype", "")).strip().lower()
            csl_type = _ARTICLE_SUBTYPES.get(subtype, csl_type)
            if subtype == "" and "journal" not in raw and "journaltitle" not in raw:
                csl_type = "article"
        fields["type"] = csl_type or f"@{kind}"
        for name, csl in (("title", "title"), ("shorttitle", "title-short"),
                          ("journaltitle", "container-title"), ("journal", "container-title"),
                          ("booktitle", "container-title"), ("publisher", "publisher"),
                          ("institution", "publisher"), ("organization", "publisher"),
                          ("school", "publisher")):
            if name in raw and csl not in fields:
                fields[csl] = decode(str(raw[name]))
        if "url" in raw:
            fields["URL"] = str(raw["url"]).strip()  # not LaTeX: "%" and "_" are literal here
        names = raw.get("author") or raw.get("editor") or []
        if isinstance(names, list):
            fields["author"] = [_person(decode, part) for part in names]
        date = str(raw.get("date", "")).strip()
        if not date and "year" in raw:
            date = str(raw["year"]).strip()
            if "month" in raw:
                month = raw["month"]
                date += f"-{month:02d}" if isinstance(month, int) else f"-{month}"
                if "day" in raw:
                    date += f"-{int(raw['day']):02d}" if str(raw["day"]).isdigit() \
                        else f"-{raw['day']}"
        if date:
            fields["issued"] = {"raw": date}
        if "urldate" in raw:
            fields["accessed"] = {"raw": str(raw["urldate"]).strip()}
        language = str(raw.get("langid") or raw.get("language") or "").strip()
        if language:
            fields["language"] = _BABEL_LANGUAGES.get(language.lower(), language)
        yield line, entry.key, fields


def _latex_decoder() -> Any:
    """A function that decodes LaTeX in one string ({\\"u} -> ü, {Braces} -> Braces)."""
    from bibtexparser import Library
    from bibtexparser.middlewares import LatexDecodingMiddleware
    from bibtexparser.model import Entry, Field

    middleware = LatexDecodingMiddleware()

    def decode(text: str) -> str:
        library = middleware.transform(Library([Entry("x", "x", [Field("v", text)])]))
        return " ".join(str(library.entries[0]["v"]).split())

    return decode


def _person(decode: Any, parts: Any) -> dict[str, str]:
    family = decode(" ".join([*parts.von, *parts.last]))
    given = decode(" ".join(parts.first))
    if parts.jr:
        given = f"{given}, {decode(' '.join(parts.jr))}" if given else given
    return {"family": family, "given": given} if given else {"family": family}


# --- one entry as a catalog record -------------------------------------------------------------


def _source(fields: dict[str, Any], line: int, key: str, shown: str, origin: str, fmt: str,
            problems: list[Problem]) -> ImportedSource | None:
    before = len(problems)

    def problem(name: str, message: str) -> None:
        problems.append(Problem(shown, line, f"{key}.{name}" if name else key, message))

    original_id = str(fields.get("id", "")).strip()
    source_id = catalog_id(original_id)
    if not original_id:
        problem("id", "missing: every entry needs an id (its citation key)")
    elif not source_id:
        problem("id", f"{original_id!r} has no letters or digits to make a catalog id of")
    title = _text(fields.get("title"))
    if not title:
        problem("title", "missing: every source needs a title")
    csl_type = _text(fields.get("type"))
    if csl_type.startswith("@"):
        problem("type", f"BibTeX type {csl_type} cannot be imported. Expected one of: "
                f"{', '.join('@' + t for t in sorted(BIBTEX_TYPES))}")
    elif csl_type not in CSL_TYPES:
        problem("type", f"expected a CSL item type (article-newspaper, report, webpage, ...) but "
                f"received: {csl_type or 'nothing'!r}")
    authors: list[Person] = []
    for index, person in enumerate(fields.get("author") or []):
        name = _name(person)
        if name is None:
            problem(f"author[{index}]", "expected {\"family\": ..., \"given\": ...} or "
                    f"{{\"literal\": ...}} but received: {person!r}")
        else:
            authors.append(name)
    date = _date(fields.get("issued"))
    if date is None:
        problem("issued", f"expected a date (date-parts or YYYY-MM-DD) but received: "
                f"{fields.get('issued')!r}")
    accessed = _date(fields.get("accessed"))
    if accessed is None or accessed and len(accessed) != 10:
        problem("accessed", f"expected the full date it was read (YYYY-MM-DD) but received: "
                f"{fields.get('accessed')!r}")
    language = _text(fields.get("language")) or "en"
    if not valid_language(language):
        problem("language", f"expected a language tag such as 'en' or 'ar' but received: "
                f"{language!r}")
    if len(problems) > before:
        return None
    record = SourceRecord(
        id=source_id,
        title=title,
        type=csl_type,
        authors=tuple(authors),
        container_title=_text(fields.get("container-title")),
        publisher=_text(fields.get("publisher")),
        date=date or "",
        url=_text(fields.get("URL")),
        file="",
        language=language,
        note=f"Imported from {origin} ({fmt}, line {line}"
             + (f", id {original_id!r}" if original_id != source_id else "") + "); no text file.",
        short_title=_text(fields.get("title-short") or fields.get("shortTitle")),
        accessed=accessed or "",
    )
    return ImportedSource(record, original_id, line)


def catalog_id(text: str) -> str:
    """A citation key as a catalog id: lowercase, other characters runs of one hyphen.

    "Fenton-Harvey_2023" -> "fenton-harvey-2023"; "" when nothing is left.
    """
    candidate = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return candidate if valid_id(candidate) else ""


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):  # some exporters give a list of strings for one field
        value = value[0] if value else ""
    return " ".join(str(value).split())


def _name(person: Any) -> Person | None:
    if not isinstance(person, dict):
        return None
    family = _text(person.get("family")) or _text(person.get("literal"))
    if not family:
        return None
    particle = _text(person.get("non-dropping-particle"))
    if particle:
        family = f"{particle} {family}"
    given = _text(person.get("given"))
    dropping = _text(person.get("dropping-particle"))
    if dropping:
        given = f"{given} {dropping}".strip()
    return Person(family, given)


def _date(value: Any) -> str | None:
    """A CSL date as YYYY[-MM[-DD]]; "" when absent; None when it cannot be read."""
    if value in (None, "", {}):
        return ""
    if isinstance(value, str):
        value = {"raw": value}
    if not isinstance(value, dict):
        return None
    parts = value.get("date-parts")
    if parts is not None:
        if not (isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]):
            return None
        try:
            numbers = [int(p) for p in parts[0][:3]]
        except (TypeError, ValueError):
            return None
        text = "-".join([f"{numbers[0]:04d}", *(f"{n:02d}" for n in numbers[1:])])
    else:
        text = _text(value.get("raw") or value.get("literal"))
        match = re.fullmatch(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?", text)
        if not match:
            return None
        text = "-".join(f"{int(p):02d}" if i else p
                        for i, p in enumerate(match.groups()) if p is not None)
    return text if valid_date(text) else None

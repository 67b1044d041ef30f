"""`briefgen sources add`: a real-world file into the corpus, as evidence and as quotable text.

For each file: the original is kept unchanged in the catalog's folder (copied in, byte for
byte, under a safe name, when it is outside), its text and metadata are extracted once
(briefgen.corpus.extract), the text is stored beside the original (briefgen.corpus.stored),
and a catalog entry is appended naming both, with the original's sha256. Several files are
all or nothing: everything is read, extracted and checked first, and only then are the files
put in place and the catalog replaced, atomically; on a failure nothing is left behind.

The catalog is appended to as text, never re-dumped, so its comments and layout stay. With
``source_id`` naming an entry that has no text yet (as `sources import` writes them), the file
is attached to it: that entry's ``file:`` line is rewritten and ``text:`` and ``sha256:`` are
added under it, the rest of the catalog as it was.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import re
import tempfile
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from briefgen.confine import ORIGINAL, confined_path, read_confined, source_read
from briefgen.corpus.catalog import (
    CSL_TYPES,
    SourceCatalog,
    SourceRecord,
    valid_date,
    valid_id,
    valid_language,
)
from briefgen.corpus.extract import (
    DEFAULT_EXTRACT_TIMEOUT_S,
    READERS,
    Extracted,
    Extraction,
)
from briefgen.corpus.stored import render_stored, stored_name
from briefgen.errors import Problem, SourceError
from briefgen.outputs import file_mode, move_into_place, temporary_beside
from briefgen.corpus.catalog_edits import append_entries, entry_fields
from briefgen.spec.yamlsource import dump_yaml, parse_yaml

#: The longest file name (before its suffix) an original is given in the catalog's folder.
MAX_NAME = 60
# Title words an id is not made of.
_ID_SKIP = frozenset(("a", "an", "and", "at", "by", "for", "from", "in", "into", "of", "on",
                      "or", "the", "to", "with"))


@dataclass(frozen=True)
class AddedSource:
    """A file added to the catalog: its entry, and whether it was attached to an existing one
    (``attached``) and copied into the catalog's folder (``copied``)."""

    record: SourceRecord
    given: Path
    copied: bool
    attached: bool


@dataclass
class _Staged:
    """One file read and extracted, waiting to be put in place: ``original`` its name in
    the catalog's folder, ``temp_original`` the copy to move there (None: it is there)."""

    given: Path
    original: str
    temp_original: Path | None
    digest: str
    extracted: Extracted
    stored: str
    copied: bool = field(init=False)

    def __post_init__(self) -> None:
        # temp_original is cleared once moved into place; whether it was a copy stays known.
        self.copied = self.temp_original is not None


def add_sources(catalog_path: Path, files: list[Path], source_id: str | None = None,
                timeout: float = DEFAULT_EXTRACT_TIMEOUT_S) -> list[AddedSource]:
    """Add ``files`` to the catalog at ``catalog_path``, all or none; SourceError naming the
    failing file otherwise (the catalog and its folder then as they were).

    Each file is read in a child process (corpus.extract.Extraction) within ``timeout``
    seconds and its memory limit.

    ``source_id``: the id of the one file's entry; an existing entry with no text gets the
    file attached, else a new entry has this id.
    """
    catalog_path = Path(catalog_path)
    catalog = SourceCatalog.load(catalog_path)  # a catalog that does not load is not added to
    folder = catalog_path.parent
    if source_id is not None:
        if len(files) != 1:
            raise SourceError(f"--id {source_id}: names one source, but {len(files)} files were "
                              "given; add them one by one to give each its id")
        if not valid_id(source_id):
            raise SourceError(f"--id {source_id!r}: expected lowercase letters, digits and "
                              "single hyphens (like 'un-mali-2023')")
    attach = source_id is not None and source_id in catalog
    if attach:
        assert source_id is not None
        record = catalog.get(source_id)
        if record.file:
            raise SourceError(f"--id {source_id}: the entry at {catalog_path}:"
                              f"{catalog.line(source_id)} already has file: {record.file!r}; "
                              "only an entry without text (file: \"\") can be given one")
    staged: list[_Staged] = []
    extraction = Extraction()
    try:
        taken_names: set[str] = set()
        for given in files:
            staged.append(_stage(Path(given), folder, catalog, staged, taken_names,
                                 extraction, timeout))
        extraction.close()
        text = catalog_path.read_text(encoding="utf-8-sig")
        if attach:
            assert source_id is not None
            records = [_attached(catalog, source_id, staged[0])]
            updated = _attach_lines(text, catalog_path, catalog, source_id, staged[0])
        else:
            ids = set(catalog.ids())
            records = []
            for item in staged:
                record = _record(item, source_id or _unique_id(item.extracted, item.original,
                                                               ids))
                if record.id in ids:
                    raise SourceError(f"--id {record.id}: already in {catalog_path} (line "
                                      f"{catalog.line(record.id)})")
                ids.add(record.id)
                records.append(record)
            updated = _append(text, records)
        _commit(catalog_path, updated, staged, [r.id for r in records])
    finally:
        extraction.close()
        for item in staged:
            if item.temp_original is not None:
                item.temp_original.unlink(missing_ok=True)
    # As the catalog reads them back: a source that states no language is in English.
    return [AddedSource(dataclasses.replace(record, language=record.language or "en"),
                        item.given, item.copied, attach)
            for record, item in zip(records, staged, strict=True)]


# --- reading and extracting, before anything is written --------------------------------------


def _stage(given: Path, folder: Path, catalog: SourceCatalog, staged: list[_Staged],
           taken: set[str], extraction: Extraction, timeout: float) -> _Staged:
    """Read, confine, hash and extract ``given``; inside the catalog's folder it stays where
    it is, outside it a copy is made beside the catalog (a hidden temporary until commit)."""
    shown = _shown(given)
    if shown != str(given):
        # A name with a newline, an escape sequence or a right-to-left override prints as
        # something else than it is: in messages, in the catalog's note, in a listing.
        raise SourceError(f"{shown}: refused: the file name holds control characters (shown "
                          "here escaped); rename the file and add it again",
                          [Problem(shown, None, "", "control characters in the file name")])
    if given.suffix.lower() not in READERS:
        raise SourceError(f"{shown}: cannot add a {given.suffix or 'suffix-less'} file; "
                          f"expected one of {', '.join(sorted(READERS))}")
    inside = _lexically_inside(given, folder)
    # Inside the folder, the rule is the catalog's (a link out of it is refused); a file from
    # elsewhere is confined to its own folder as the path names it ("a/link/../x" names a/x,
    # which the system reads elsewhere when "link" leads elsewhere), so a link is refused too.
    own_folder = folder if inside else Path(os.path.abspath(given)).parent
    with source_read(shown, "; nothing was added"):
        resolved = confined_path(given, own_folder, ORIGINAL)
        raw = read_confined(given, own_folder, ORIGINAL)
    digest = hashlib.sha256(raw).hexdigest()
    for sid in catalog.ids():
        if catalog.get(sid).sha256 == digest:
            raise SourceError(f"{shown}: already in the catalog as [@{sid}] ({catalog.path}:"
                              f"{catalog.line(sid)}); nothing was added")
    for item in staged:
        if item.digest == digest:
            raise SourceError(f"{shown}: the same file as {item.given}; nothing was added")
    temp: Path | None = None
    if inside:
        original = resolved.relative_to(folder.resolve()).as_posix()
        for sid in catalog.ids():
            record = catalog.get(sid)
            if original in (record.file, record.text):
                what = "the stored text of" if original == record.text else "already in the " \
                    "catalog as"
                raise SourceError(f"{shown}: {what} [@{sid}] ({catalog.path}:"
                                  f"{catalog.line(sid)}); nothing was added")
        read_from = resolved
    else:
        original = _free_name(folder, given, raw, taken)
        handle, name = tempfile.mkstemp(prefix=".briefgen-add-", suffix=given.suffix.lower(),
                                        dir=folder)
        temp = Path(name)
        with os.fdopen(handle, "wb") as stream:
            stream.write(raw)
        read_from = temp
    taken.add(original)
    try:
        # Extracted from the bytes that were hashed (the copy, or the file inside the folder).
        extracted = extraction.extract(read_from, timeout)
        if inside and hashlib.sha256(read_confined(resolved, folder, ORIGINAL)).hexdigest() \
                != digest:
            raise SourceError(f"{shown}: changed while it was read; nothing was added")
    except SourceError as error:
        if temp is not None:
            temp.unlink(missing_ok=True)
        # The reader names the file it read, which may be the temporary copy.
        message = str(error).replace(str(read_from), shown)
        raise SourceError(f"{shown}: cannot be added: {message}; nothing was added",
                          [Problem(shown, p.line, p.key, p.message.replace(str(read_from), shown))
                           for p in error.problems]) from None
    except BaseException:
        if temp is not None:
            temp.unlink(missing_ok=True)
        raise
    if not any(page.paragraphs for page in extracted.pages):
        if temp is not None:
            temp.unlink(missing_ok=True)
        raise SourceError(f"{shown}: no text found in it, so nothing could be quoted from it; "
                          "nothing was added")
    return _Staged(given, original, temp, digest, extracted,
                   render_stored(extracted, Path(original).name, digest))


def _shown(path: Path) -> str:
    """``path`` as it may be printed: control and formatting characters (Unicode Cc, Cf)
    escaped as Python writes them."""
    text = str(path)
    if not any(unicodedata.category(c) in ("Cc", "Cf") for c in text):
        return text
    return "".join(c.encode("unicode_escape").decode("ascii")
                   if unicodedata.category(c) in ("Cc", "Cf") else c for c in text)


def _lexically_inside(path: Path, folder: Path) -> bool:
    """True when ``path`` names a place under ``folder`` (links not followed: a link inside
    the folder is judged by confine, where it leads)."""
    absolute = Path(os.path.abspath(path))
    inside = Path(os.path.abspath(folder))
    return inside in absolute.parents


def _free_name(folder: Path, given: Path, raw: bytes, taken: set[str]) -> str:
    """A safe file name in ``folder`` for a copy of ``given``: lowercase letters, digits and
    hyphens, its suffix kept, "-2", "-3"... when the name is taken (by a file or another
    file of this add), and never the name of a stored text."""
    stem = re.sub(r"[^a-z0-9]+", "-", given.stem.lower()).strip("-")[:MAX_NAME].strip("-")
    stem = stem or "source"
    suffix = given.suffix.lower()
    number = 1
    while True:
        name = f"{stem}{suffix}" if number == 1 else f"{stem}-{number}{suffix}"
        if (name not in taken and not os.path.lexists(folder / name)
                and not os.path.lexists(folder / stored_name(name))):
            return name
        number += 1


# --- the catalog entry -----------------------------------------------------------------------


def _unique_id(extracted: Extracted, original: str, taken: set[str]) -> str:
    """An id from the first author's family name (else the publisher or site), the first
    words of the title and the year: "guterres-future-mali-2023"; "-2"... when taken."""
    words: list[str] = []
    if extracted.authors:
        # The whole family name, particles and all ("van der Berg" -> van-der-berg), as the
        # catalog's hand-written ids have it; an organisation's first words.
        words += _id_words(extracted.authors[0].family)[:4]
    else:
        words += _id_words(extracted.publisher or extracted.container_title)[:2]
    title_words = [w for w in _id_words(extracted.title or Path(original).stem)
                   if w not in _ID_SKIP]
    words += title_words[:3]
    if extracted.date[:4].isdigit():
        words.append(extracted.date[:4])
    base = "-".join(words)[:80].strip("-") or "source"
    candidate, number = base, 1
    while candidate in taken:
        number += 1
        candidate = f"{base}-{number}"
    return candidate


def _id_words(text: str) -> list[str]:
    return [w for w in re.sub(r"[^a-z0-9]+", " ", _ascii(text).lower()).split() if w]


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def _record(item: _Staged, source_id: str) -> SourceRecord:
    extracted = item.extracted
    notes = [*extracted.notes]
    title = extracted.title
    if not title:
        title = Path(item.original).stem
        notes.append(f"the file states no title: {title!r} is its file name")
    notes.append(f"added by `briefgen sources add` from {item.given.name}")
    return SourceRecord(
        id=source_id,
        title=" ".join(title.split()),
        type=extracted.csl_type if extracted.csl_type in CSL_TYPES else "document",
        authors=tuple(extracted.authors),
        container_title=extracted.container_title,
        publisher=extracted.publisher,
        date=extracted.date if valid_date(extracted.date) else "",
        url=extracted.url,
        file=item.original,
        language=extracted.language if valid_language(extracted.language) else "",
        note="; ".join(notes),
        text=stored_name(item.original),
        sha256=item.digest,
    )


def _attached(catalog: SourceCatalog, source_id: str, item: _Staged) -> SourceRecord:
    return dataclasses.replace(catalog.get(source_id), file=item.original,
                               text=stored_name(item.original), sha256=item.digest)


def _append(catalog_text: str, records: list[SourceRecord]) -> str:
    """``catalog_text`` with ``records`` appended as entries of its ``sources:`` list."""
    entries = []
    for record in records:
        entry = {**entry_fields(record), "file": record.file, "text": record.text,
                 "sha256": record.sha256}
        if record.language:
            entry["language"] = record.language
        entry["note"] = record.note
        entries.append(entry)
    return append_entries(catalog_text, "added by `briefgen sources add`: file is the "
                          "original, text what was extracted from it", entries)


def _attach_lines(catalog_text: str, catalog_path: Path, catalog: SourceCatalog, source_id: str,
                  item: _Staged) -> str:
    """``catalog_text`` with the entry of ``source_id`` given ``item``: its ``file:`` line
    rewritten, ``text:`` and ``sha256:`` lines added under it, nothing else changed."""
    index = catalog.ids().index(source_id)
    located = parse_yaml(catalog_text, str(catalog_path), "the source catalog", empty_ok=True,
                         plain_scalars=True)
    key = f"sources[{index}]"
    line_number = located.line(f"{key}.file")
    lines = catalog_text.splitlines(keepends=True)
    where = f"{catalog_path}:{line_number or catalog.line(source_id)}"
    line = lines[line_number - 1] if line_number else ""
    shape = re.match(r"^(\s*(?:-\s+)?)file:\s*(?:\"\"|''|)\s*(#.*)?$", line.rstrip("\r\n"))
    if not shape or any(f"{key}.{name}" in located.lines for name in ("text", "sha256")):
        raise SourceError(f"--id {source_id}: cannot attach the file to the entry at {where}: "
                          "its file: is not a line of its own (file: \"\"); write file:, text: "
                          "and sha256: there by hand, or add the file as a new entry")
    indent = " " * len(shape.group(1))
    end = "\r\n" if line.endswith("\r\n") else "\n"
    new = [f"{shape.group(1)}file: {_scalar(item.original)}{end}",
           f"{indent}text: {_scalar(stored_name(item.original))}{end}",
           f"{indent}sha256: {item.digest}{end}"]
    return "".join([*lines[:line_number - 1], *new, *lines[line_number:]])


def _scalar(text: str) -> str:
    return dump_yaml(text).splitlines()[0]


# --- putting everything in place -------------------------------------------------------------


def _commit(catalog_path: Path, updated: str, staged: list[_Staged], ids: list[str]) -> None:
    """Put the originals and stored texts in place, then the catalog; if the new catalog does
    not load with every new source readable, undo it all and say why."""
    folder = catalog_path.parent
    placed: list[Path] = []
    try:
        for item in staged:
            text_path = folder / stored_name(item.original)
            with temporary_beside(text_path) as temp:
                temp.write_text(item.stored, encoding="utf-8", newline="\n")
                if os.path.lexists(text_path):
                    raise SourceError(f"{item.given}: {text_path} is in the way; nothing was "
                                      "added")
                move_into_place(temp, text_path, file_mode())
                placed.append(text_path)
            if item.temp_original is not None:
                target = folder / item.original
                if os.path.lexists(target):
                    raise SourceError(f"{item.given}: {target} appeared meanwhile; nothing was "
                                      "added")
                move_into_place(item.temp_original, target, file_mode())
                item.temp_original = None
                placed.append(target)
        with temporary_beside(catalog_path) as temp:
            temp.write_text(updated, encoding="utf-8", newline="\n")
            try:
                checked = SourceCatalog.load(temp)
            except SourceError as error:
                raise SourceError(
                    f"{catalog_path}: cannot add to this catalog; nothing was added. New "
                    "entries go after its last line, which must end the block-style 'sources:' "
                    "list", [Problem(str(catalog_path), p.line, p.key, p.message)
                             for p in error.problems]) from None
            problems = [p for sid in ids for p in checked.broken(sid)]
            if problems:
                raise SourceError(f"{catalog_path}: the new entries cannot be read back; "
                                  "nothing was added",
                                  [Problem(str(catalog_path), p.line, p.key, p.message)
                                   for p in problems])
            move_into_place(temp, catalog_path)
    except BaseException:
        for path in placed:
            path.unlink(missing_ok=True)
        raise

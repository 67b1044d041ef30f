"""Turn catalog records and citation locators into CSL data (CSL-JSON items, locator labels).

Nothing here imports citeproc-py: this is plain data, written against the attribute names of
``briefgen.corpus.catalog.SourceRecord`` (a Protocol, so tests can use any object that has them).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from briefgen.errors import SourceError, SpecError

#: The CSL item types the corpus catalog uses; anything else is passed through to the style.
CATALOG_TYPES = ("article-newspaper", "article-magazine", "post-weblog", "report", "webpage")


class PersonLike(Protocol):
    """A person as the catalog records one: ``given`` is "" for a mononym or an institution."""

    @property
    def family(self) -> str: ...

    @property
    def given(self) -> str: ...


class SourceRecordLike(Protocol):
    """The attributes of ``briefgen.corpus.catalog.SourceRecord`` that citations read.

    ``date`` is "YYYY-MM-DD", "YYYY-MM", "YYYY" or "" when unknown; ``type`` a CSL item type.
    """

    @property
    def id(self) -> str: ...

    @property
    def title(self) -> str: ...

    @property
    def type(self) -> str: ...

    @property
    def authors(self) -> Sequence[PersonLike]: ...

    @property
    def container_title(self) -> str: ...

    @property
    def publisher(self) -> str: ...

    @property
    def date(self) -> str: ...

    @property
    def url(self) -> str: ...

    @property
    def language(self) -> str: ...


_AFTER_COLON = re.compile(r"(?<=: )[a-z]")
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def date_parts(record_id: str, date: str) -> list[int]:
    """The CSL ``date-parts`` of a catalog date: [year], [year, month] or [year, month, day].

    An empty date gives []; anything else that is not YYYY[-MM[-DD]] is a SourceError.
    """
    if not date:
        return []
    match = _DATE.match(date.strip())
    if not match:
        raise SourceError(
            f"source {record_id!r}: date {date!r} is not a date. "
            "Expected YYYY-MM-DD, YYYY-MM, YYYY or nothing."
        )
    parts = [int(p) for p in match.groups() if p is not None]
    if len(parts) > 1 and not 1 <= parts[1] <= 12 or len(parts) > 2 and not 1 <= parts[2] <= 31:
        raise SourceError(f"source {record_id!r}: date {date!r} has no such month or day.")
    return parts


# Words a short title should not end on (CMOS 17 §14.32 wants the key words of the title).
_FUNCTION_WORDS = frozenset((
    "a", "an", "and", "as", "at", "but", "by", "for", "from", "in", "into", "nor", "of", "on",
    "or", "so", "the", "to", "up", "via", "with", "yet",
))
_LEADING_ARTICLES = frozenset(("a", "an", "the"))


def short_title(title: str) -> str:
    """A short title for subsequent notes and author-less in-text citations (CMOS 17 §14.32).

    Chicago: a short title is the main title without its subtitle, and a main title of more than
    four words is cut to at most four key words. A person picks those words; we cannot, so the
    rule here is mechanical and predictable: drop the subtitle (after ": "); if more than four
    words remain, drop a leading article, then end at the first clause break (comma, semicolon,
    dash, question mark) within the first four words, or else after four words, never ending on
    an article, preposition or conjunction. "Floods: The Renewed Threat ..." -> "Floods";
    "In the Delta, Can the Army Hold the Line by Itself?" -> "In the Delta".
    """
    main = re.split(r":\s", title, maxsplit=1)[0].strip()
    words = main.split()
    if len(words) <= 4:
        return main
    if words[0].lower() in _LEADING_ARTICLES:
        words = words[1:]
    for end in range(2, 5):
        if words[end - 1][-1] in ",;?!\u2014\u2013":
            words = words[:end]
            break
    else:
        words = words[:4]
    while len(words) > 1 and words[-1].lower().strip(",;") in _FUNCTION_WORDS:
        words.pop()
    return " ".join(words).rstrip(",;\u2014\u2013 ")


def to_csl(record: SourceRecordLike, key: str | None = None) -> dict[str, Any]:
    """The CSL-JSON item of one catalog record, with ``key`` as its id (default: the record's id).

    Empty fields are left out, not set to "": CSL tests ``variable="..."`` for presence, so an
    empty string would print as nothing but still suppress the style's fallbacks ("n.d.", the
    title in the author's place). ``title-short`` is derived by :func:`short_title` unless the
    record carries its own ``short_title``.

    CSL wants titles in sentence case (the Chicago styles make headline case of them, APA prints
    them as they are), so a record's ``sentence_case_title`` is the CSL title when it has one,
    its ``title`` as printed otherwise. ``short_title``, ``sentence_case_title`` and
    ``accessed`` are optional attributes (read with getattr), so any record-like object works.
    """
    item: dict[str, Any] = {"id": key if key is not None else record.id, "type": record.type}
    authors = [
        {"family": p.family, "given": p.given} if p.given else {"family": p.family}
        for p in record.authors
    ]
    if authors:
        item["author"] = authors
    if record.title:
        title = getattr(record, "sentence_case_title", "") or record.title
        if not record.language or record.language.startswith("en"):
            # The first word after a colon is capitalised even in sentence case (APA 7 §6.17,
            # CMOS 17 §8.158); the Chicago styles' headline case does it anyway.
            title = _AFTER_COLON.sub(lambda m: m.group(0).upper(), title)
        item["title"] = title
        short = getattr(record, "short_title", "") or short_title(title)
        if short != title:
            item["title-short"] = short
    if record.container_title:
        item["container-title"] = record.container_title
    if record.publisher:
        item["publisher"] = record.publisher
    parts = date_parts(record.id, record.date)
    if parts:
        item["issued"] = {"date-parts": [parts]}
    if record.url:
        item["URL"] = record.url
    accessed = date_parts(record.id, getattr(record, "accessed", ""))
    if accessed:
        item["accessed"] = {"date-parts": [accessed]}
    if record.language:
        item["language"] = record.language
    return item


# Locator labels as people type them -> CSL locator terms (CSL 1.0.2, "Locators").
_LOCATOR_LABELS = {
    "paragraph": ("para", "paras", "para.", "paras.", "paragraph", "paragraphs", "¶", "¶¶"),
    "page": ("p", "p.", "pp", "pp.", "page", "pages"),
    "section": ("sec", "sec.", "secs", "secs.", "section", "sections", "§", "§§"),
    "chapter": ("ch", "ch.", "chap", "chap.", "chapter", "chapters"),
    "figure": ("fig", "fig.", "figs", "figs.", "figure", "figures"),
    "table": ("table", "tables", "tbl", "tbl."),
    "line": ("l", "l.", "ll", "ll.", "line", "lines"),
    "note": ("n", "n.", "nn", "nn.", "note", "notes"),
    "volume": ("vol", "vol.", "vols", "vols.", "volume", "volumes"),
    "appendix": ("app", "app.", "appendix", "appendices"),
    "part": ("pt", "pt.", "part", "parts"),
    "column": ("col", "col.", "cols", "cols.", "column", "columns"),
}
_LABEL_OF = {spelling: term for term, spellings in _LOCATOR_LABELS.items() for spelling in spellings}
_LOCATOR = re.compile(r"^\s*(?:(?P<label>[^\W\d]+\.?|¶¶?|§§?)(?=[\s\d])\s*)?(?P<value>\S.*?)\s*$")


@dataclass(frozen=True)
class Locator:
    """Where in a source a citation points: a CSL locator label ("paragraph", "page") and its
    value ("4", "3-5", "1, 2"). The empty Locator (both "") is the whole source.

    Locators travel in this form from evidence and the spec's citations to the CSL engine, so
    no stage parses a locator another stage printed.
    """

    label: str = ""
    value: str = ""

    @classmethod
    def parse(cls, written: str) -> Locator:
        """The locator a spec writes ("para 4", "pp. 3-5", "12"); SpecError as parse_locator."""
        return cls(*parse_locator(written))

    @classmethod
    def paragraph(cls, number: int) -> Locator:
        """Paragraph ``number`` of a source (where a verified quotation stands)."""
        return cls("paragraph", str(number))

    @classmethod
    def pages(cls, first: str, last: str) -> Locator:
        """The printed page ``first`` (to ``last``, when a quotation crosses a page break) of
        a paginated source: "12", or "12\u201313" with an en dash, as the styles print ranges."""
        return cls("page", first if first == last else f"{first}\u2013{last}")


def parse_locator(locator: str) -> tuple[str, str]:
    """Split a locator as written in a spec ("para 4", "pp. 3-5", "§ 2") into (CSL label, value).

    A bare value ("12") is a page, as in pandoc. "" gives ("", ""). An unknown label is a
    SpecError that lists the known ones.
    """
    if not locator.strip():
        return "", ""
    match = _LOCATOR.match(locator)
    if not match:
        raise SpecError(f"locator {locator!r} has no value. Expected e.g. 'para 4' or 'p. 12'.")
    label, value = match.group("label"), match.group("value")
    if label is None:
        if value[0].isalpha() and not re.fullmatch(r"[ivxlcdm]+", value, re.IGNORECASE):
            raise SpecError(
                f"locator {locator!r} has no value after its label. Expected e.g. 'para 4'."
            )
        return "page", value
    term = _LABEL_OF.get(label.lower())
    if term is None:
        known = ", ".join(sorted(_LOCATOR_LABELS))
        close = difflib.get_close_matches(label.lower(), list(_LABEL_OF), n=1, cutoff=0.6)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise SpecError(
            f"locator {locator!r}: unknown label {label!r}{hint}. Expected one of: {known} "
            "(or their abbreviations: para, p., sec., ch., fig., l., n., vol.)."
        )
    return term, value

"""A source's quotable text: encoding repaired, furniture left out, numbered paragraphs.

The only module that imports ftfy. Repair happens here, when a source is loaded; the seed
files themselves are evidence and are never rewritten. Repairs are remembered in the cache
folder by a hash of the text they were given, so a build whose sources have not changed
neither loads ftfy nor runs it.
"""

from __future__ import annotations

import atexit
import bisect
import hashlib
import json
import os
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from briefgen.corpus.folding import LazyFolded
from briefgen.corpus.furniture import split_title_and_body

if TYPE_CHECKING:
    import ftfy


# The longest paragraph (one line of a source file) accepted. The longest in real reports runs
# to a few thousand bytes; an article scraped onto one line to tens of kilobytes. Folding a
# paragraph and finding the closest passage to a quote grow with its length: one 50 MB line
# took 95 s and 5.3 GB; a 248 KB one adds 6 s to a build, a 120 KB one 2.5 s.
MAX_PARAGRAPH_BYTES = 128 * 1024


@dataclass(frozen=True)
class Paragraph:
    """One text block of an article: ``number`` counts from 1 after the title.

    ``text`` is repaired and has its outer whitespace trimmed; inner whitespace (double
    spaces, non-breaking spaces) is as in the source.
    """

    number: int
    text: str
    #: The printed labels of the pages this paragraph stands on, first to last ("i", "12");
    #: () for a source without pages. A paragraph carried over a page break spans two.
    pages: tuple[str, ...] = ()
    #: Where in ``text`` each page after the first begins: ``breaks[k]`` is the offset of the
    #: first character of ``pages[k + 1]``. One paragraph for matching, its breaks still known.
    breaks: tuple[int, ...] = ()

    @property
    def locator(self) -> str:
        """Where this paragraph is, as a citation names it: "para 4" in [@id, para 4]."""
        return f"para {self.number}"

    def pages_between(self, start: int, end: int) -> tuple[str, ...]:
        """The labels of the pages ``text[start:end]`` stands on, first to last; () when the
        source has no pages."""
        if not self.pages:
            return ()
        first = bisect.bisect_right(self.breaks, start)
        last = bisect.bisect_right(self.breaks, max(start, end - 1))
        return self.pages[first:last + 1]


@dataclass(frozen=True)
class SourceText:
    """The numbered paragraphs of one source, and the fingerprint of the bytes they came from.

    ``sha256`` is the hex digest of the raw bytes of this article's slice of the file (for a
    file holding several articles, from its title line up to the next article's title line),
    so a brief can record exactly which evidence it was checked against.
    """

    source_id: str
    paragraphs: tuple[Paragraph, ...]
    sha256: str
    #: Every printed page label of a paginated source, in page order (pages without text
    #: too); () for a source without pages, whose places are its paragraphs only.
    page_labels: tuple[str, ...] = ()

    @property
    def paginated(self) -> bool:
        """True when the source has printed pages, so its quotes are cited by page."""
        return bool(self.page_labels)

    def paragraph(self, number: int) -> Paragraph:
        """Paragraph ``number`` (1-based); IndexError if the source has no such paragraph."""
        if not 1 <= number <= len(self.paragraphs):
            raise IndexError(
                f"source {self.source_id!r} has paragraphs 1 to {len(self.paragraphs)}, "
                f"not {number}"
            )
        return self.paragraphs[number - 1]

    @cached_property
    def folded(self) -> tuple[LazyFolded, ...]:
        """Each paragraph in the folded form quotes are matched against, in paragraph order.

        Computed on first use and kept: the catalog loads a SourceText once, so every quote
        checked against a source reuses the same folding. (cached_property writes straight
        into the instance dict, which a frozen dataclass allows.)
        """
        return tuple(LazyFolded(p.text) for p in self.paragraphs)


def page_locator(pages: Sequence[str]) -> str:
    """The locator a citation gives for a passage on ``pages`` (first to last): "p. 12", or
    "pp. 12\u201313" across a page break; "" for none."""
    if not pages:
        return ""
    if pages[0] == pages[-1]:
        return f"p. {pages[0]}"
    return f"pp. {pages[0]}\u2013{pages[-1]}"


# --- encoding repair -------------------------------------------------------------------------
#
# Source 001 is UTF-8 that a scraper decoded as Windows-1257 (Baltic), falling back to
# Windows-1252 for the bytes cp1257 leaves undefined and dropping byte 0x9D, which neither
# defines. ftfy undoes most of that (ā€™ -> ’), but not what the fallback and the lost byte
# did to the three-byte punctuation marks E2 80 xx. Those few rules run first, then ftfy.


def _decode_single_byte(byte: int) -> str:
    for codec in ("cp1257", "cp1252"):
        try:
            return bytes([byte]).decode(codec)
        except UnicodeDecodeError:
            continue
    return ""


# What the scraper made of the UTF-8 continuation bytes 0x80-0xBF. After "ā€" (E2 80) one of
# these completes a character; anything else means the third byte was the lost 0x9D.
_CONTINUATIONS = "".join(sorted({_decode_single_byte(b) for b in range(0x80, 0xC0)} - {""}))

@dataclass(frozen=True)
class MojibakeRule:
    """Replace ``pattern`` with ``repair``; ``why`` records which bytes went wrong and how."""

    pattern: re.Pattern[str]
    repair: str
    why: str


#: Applied in order, before ftfy.
MOJIBAKE_RULES: tuple[MojibakeRule, ...] = (
    MojibakeRule(
        re.compile("ā€˜"), "\u2018",
        "‘ is E2 80 98; 0x98 is undefined in cp1257 and the cp1252 fallback gave ˜, "
        "a pairing ftfy does not look for",
    ),
    MojibakeRule(
        re.compile("ā€œ"), "\u201c",
        "“ is E2 80 9C; likewise 0x9C fell back to cp1252 œ",
    ),
    MojibakeRule(
        re.compile("ā€(?![" + re.escape(_CONTINUATIONS) + "])"), "\u201d",
        "” is E2 80 9D; 0x9D is undefined in both code pages and was dropped, leaving ā€ "
        "before a space, punctuation or line end. ftfy would read 'ā€ ' as E2 80 A0, a dagger",
    ),
    MojibakeRule(
        re.compile("Ģż"), "\u00a0",
        "stands for a non-breaking space (found after sentences and on otherwise empty lines)",
    ),
)

@cache
def _ftfy_config() -> ftfy.TextFixerConfig:
    import ftfy

    # Quotes stay curly: the text is quoted as the source prints it, and matching folds
    # typography anyway. Character width is left alone so that CJK text is not rewritten.
    return ftfy.TextFixerConfig(uncurl_quotes=False, fix_character_width=False, explain=False)


def repair_encoding(text: str) -> str:
    """Undo mojibake: the targeted rules in MOJIBAKE_RULES, then ftfy. Clean text is unchanged."""
    key = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    store = _repair_store()
    if key in store:
        known = store[key]
        return text if known is None else known
    repaired = _repair(text)
    store[key] = None if repaired == text else repaired  # most text is clean: a key alone
    _NEW_REPAIRS.add(_repair_store_path())
    return repaired


def _repair(text: str) -> str:
    import ftfy

    for rule in MOJIBAKE_RULES:
        text = rule.pattern.sub(rule.repair, text)
    return ftfy.fix_text(text, _ftfy_config())


# --- repairs remembered across builds ----------------------------------------------------------
# One JSON file under the cache folder, {hash of a text: its repair, or null for "unchanged"},
# named by a fingerprint of this file and ftfy's version, so a change to either starts a new
# one. Loaded once per process; what a process adds is written when it exits (atomically,
# merged with what other processes wrote meanwhile). Importing ftfy and running it over the
# sample corpus is about a sixth of a warm build; a lookup is a hash.

_REPAIR_STORE_LIMIT = 32 * 1024**2  # bytes of JSON; a store past this starts afresh
_REPAIR_STORES: dict[Path, dict[str, str | None]] = {}
_NEW_REPAIRS: set[Path] = set()


@cache
def _repair_fingerprint() -> str:
    from briefgen.installed import installed_version

    code = Path(__file__).read_bytes()
    return hashlib.sha256(code + installed_version("ftfy", "ftfy").encode()).hexdigest()[:32]


def _repair_store_path() -> Path:
    from briefgen.outputs import default_cache_dir

    return default_cache_dir() / "repairs" / f"{_repair_fingerprint()}.json"


def _repair_store() -> dict[str, str | None]:
    path = _repair_store_path()
    store = _REPAIR_STORES.get(path)
    if store is None:
        store = _REPAIR_STORES[path] = _read_repairs(path)
    return store


def _read_repairs(path: Path) -> dict[str, str | None]:
    """The store at ``path``; {} if it is missing or damaged (it is only a cache)."""
    try:
        data = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {key: value for key, value in data.items()
            if isinstance(key, str) and (value is None or isinstance(value, str))}


def _save_repairs() -> None:
    from briefgen.outputs import write_atomically

    if os.getpid() != _OWNER_PID:  # a forked child that returned here: the parent saves
        return
    for path in sorted(_NEW_REPAIRS):
        merged = {**_read_repairs(path), **_REPAIR_STORES.get(path, {})}
        data = json.dumps(merged, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        if len(data) > _REPAIR_STORE_LIMIT:
            continue  # a corpus this large keeps repairing; better than an ever-growing file
        if not path.parents[2].is_dir():
            continue  # the cache's base folder went away (a test's, a temporary one)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(path, lambda temp, data=data: temp.write_bytes(data))
        except OSError:
            pass  # a read-only or full cache folder costs the next build time, nothing else
    _NEW_REPAIRS.clear()


_OWNER_PID = os.getpid()
atexit.register(_save_repairs)


# --- reading an article ----------------------------------------------------------------------


def read_article(
    source_id: str, raw_lines: Sequence[bytes], drop_lines: Collection[str] = ()
) -> SourceText:
    """Build a SourceText from the raw lines (with their line ends) of one article.

    The first line that is not furniture is the title; each later non-empty line that is not
    furniture is a paragraph, numbered from 1. Raises UnicodeDecodeError if the bytes are not
    UTF-8 (the catalog turns that into a SourceError with the file name).
    """
    raw = b"".join(raw_lines)
    text = repair_encoding(raw.decode("utf-8-sig"))
    _title, body = split_title_and_body(text.splitlines(), drop_lines)
    paragraphs = tuple(Paragraph(number, block) for number, block in enumerate(body, start=1))
    return SourceText(source_id, paragraphs, hashlib.sha256(raw).hexdigest())

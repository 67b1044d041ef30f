"""A saved web page's article text and metadata; the only module importing trafilatura and htmldate.

The text: trafilatura finds the article among the page's furniture (navigation, cookie
banners, share widgets, related-story boxes, comments, footers) and gives it as structured
XML; its blocks become paragraphs (a heading, a list item, a table row is a paragraph of its
own). Two things trafilatura leaves are taken out after it: lines that are only an
advertising label ("Advertisement", "Skip advertisement"), and pull quotes, i.e. a block whose
whole text repeats part of a longer paragraph of the article.

The metadata is read from the page itself, in this order of trust: JSON-LD (schema.org
``NewsArticle``, ``Article``, ``BlogPosting``, ``Report``...), OpenGraph (``og:*``,
``article:*``), the other meta tags (``citation_*``, Dublin Core ``dc.*``, ``author``), and last
the visible byline ("By Jane Doe and John Roe"). The date, when none of those states it, is
htmldate's markup search (``<time>``, dated elements, the URL; the original date, not the
modified one). htmldate's "extensive" search of the visible text is left off: it takes any
date the text mentions (an event's, a copyright year as 1 January), which is a guess.
``notes`` say where each field came from.

Nothing is fetched: the page is parsed here, with a parser that loads nothing, and both
libraries get the parsed tree (given a string that looks like a URL, htmldate would download
it). Extraction is deterministic: trafilatura's cross-document deduplication (a process-wide
cache) is off, and htmldate's latest plausible date is a fixed bound instead of today.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import htmldate
import lxml.html
import trafilatura
from lxml import etree
from trafilatura.settings import Extractor

from briefgen.confine import WEB_PAGE, RefusedFile, read_confined
from briefgen.corpus.catalog import Person
from briefgen.corpus.extract import Extracted, ExtractedPage
from briefgen.corpus.extract.person_names import person_from_name, persons_from_byline
from briefgen.errors import Problem, SourceError

# libxml2 flattens deeper nesting at 255 levels; this bound keeps trafilatura's recursive
# walks far from Python's recursion limit whatever the parser lets through.
MAX_DEPTH = 400
# htmldate refuses dates after its latest plausible date; today's date would make the result
# depend on the day it runs, so a fixed bound stands in for it.
LATEST_DATE = "2099-12-31"

_TEXT_TYPES = {
    # schema.org type -> CSL type
    "NewsArticle": "article-newspaper", "ReportageNewsArticle": "article-newspaper",
    "AnalysisNewsArticle": "article-newspaper", "OpinionNewsArticle": "article-newspaper",
    "BackgroundNewsArticle": "article-newspaper", "ReviewNewsArticle": "article-newspaper",
    "AskPublicNewsArticle": "article-newspaper",
    "BlogPosting": "post-weblog", "LiveBlogPosting": "post-weblog",
    "Report": "report",
    "ScholarlyArticle": "article-journal",
    "Article": "", "TechArticle": "", "WebPage": "", "Thesis": "thesis",
}
_NEWS_PUBLISHER = "NewsMediaOrganization"
_BLOG_GENERATORS = re.compile(r"^\s*(wordpress|blogger|ghost|substack|medium|typepad|"
                              r"tumblr|jekyll|hugo)\b", re.IGNORECASE)
# Blocks that are only an advertising label, which trafilatura keeps when the page gives the
# label no class that names it.
_AD_LABEL = re.compile(r"^(?:(?:skip|story continues below|article continues below(?: this)?|"
                       r"continue reading (?:below|after)(?: the)?)\s+)?(?:advertisement|"
                       r"advertising|sponsored(?: content)?|anzeige|publicité)"
                       r"(?:\s*[-–—:]\s*(?:scroll|continue)[\w ]*)?$", re.IGNORECASE)
_PULL_QUOTE_MIN_WORDS = 6
_QUOTE_MARKS = str.maketrans({c: "" for c in "\"'“”‘’«»„‚‹›"})
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([A-Za-z0-9._:-]+)",
                           re.IGNORECASE)
_ISO_DATE = re.compile(r"^\s*(\d{4})(?:[-/.](\d{1,2})(?:[-/.](\d{1,2}))?)?(?=$|[T\s])")
_BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))
# Where a page's visible byline stands, by class, id, rel or itemprop.
_BYLINE_XPATH = etree.XPath(
    "//*[contains(translate(@class, 'BYLINE', 'byline'), 'byline') or "
    "contains(translate(@id, 'BYLINE', 'byline'), 'byline') or @itemprop='author' or "
    "@rel='author']")


def read_html(path: Path) -> Extracted:
    """The article text and metadata of the saved web page at ``path``.

    SourceError (naming the file) if it cannot be read, is not HTML, or has no article text
    trafilatura can find.
    """
    try:
        data = read_confined(path, path.parent, WEB_PAGE)
    except RefusedFile as refused:
        raise SourceError(f"{path}: {refused.reason}",
                          [Problem(str(path), None, "", refused.reason)]) from None
    except OSError as exc:
        raise SourceError(f"{path}: cannot read the web page ({exc.strerror or exc})") from None
    text, encoding_note = _decode(data)
    tree = _parse(text, path)
    page = _Page(tree)
    paragraphs = _article_paragraphs(tree, path)
    notes = [n for n in (encoding_note,) if n] + page.notes
    return Extracted(
        kind="html", title=page.title, pages=(ExtractedPage("", paragraphs),),
        authors=page.authors, date=page.date, container_title=page.site,
        publisher=page.publisher, url=page.url, csl_type=page.csl_type,
        language=page.language, paginated=False, notes=tuple(notes))


# ----------------------------------------------------------------------------- reading


def _decode(data: bytes) -> tuple[str, str]:
    """The page's text, by its byte-order mark, else its ``<meta charset>``, else UTF-8, else
    Windows-1252 (what browsers assume of an undeclared page); and a note when it was the
    last."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom):].decode(encoding, errors="replace"), ""
    declared = _META_CHARSET.search(data[:4096])
    if declared:
        name = declared.group(1).decode("ascii").lower()
        # Browsers read a page labelled Latin-1 as Windows-1252 (the WHATWG encoding rules).
        name = {"iso-8859-1": "cp1252", "latin1": "cp1252", "latin-1": "cp1252",
                "us-ascii": "cp1252", "ascii": "cp1252"}.get(name, name)
        try:
            return data.decode(name), ""
        except UnicodeDecodeError:
            return data.decode(name, errors="replace"), (
                f"the page is not valid {declared.group(1).decode('ascii')}, as it declares; "
                "the bytes that are not were replaced with U+FFFD")
        except LookupError:
            pass
    try:
        return data.decode("utf-8"), ""
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), (
            "the page declares no encoding and is not UTF-8; read as Windows-1252")


def _parse(text: str, path: Path) -> lxml.html.HtmlElement:
    parser = lxml.html.HTMLParser(no_network=True, remove_comments=True, remove_pis=True,
                                  huge_tree=False)
    try:
        tree = lxml.html.document_fromstring(_XML_DECLARATION.sub("", text), parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise SourceError(f"{path}: cannot read the web page as HTML ({exc})") from None
    depth = max((sum(1 for _ in e.iterancestors()) for e in tree.iter()), default=0)
    if depth > MAX_DEPTH:
        raise SourceError(f"{path}: the web page nests elements {depth} deep; the limit is "
                          f"{MAX_DEPTH}")
    return tree


# ----------------------------------------------------------------------------- the text


def _article_paragraphs(tree: lxml.html.HtmlElement, path: Path) -> tuple[str, ...]:
    options = Extractor(output_format="python", comments=False, tables=True, links=False,
                        images=False, formatting=False, dedup=False, with_metadata=False)
    try:
        # Each library gets a copy: both prune the tree they are given.
        document = trafilatura.bare_extraction(copy.deepcopy(tree), options=options)
    except Exception as exc:  # a third-party engine on untrusted input: any failure is the file's
        raise SourceError(f"{path}: trafilatura could not read the web page "
                          f"({type(exc).__name__}: {exc})") from None
    body = getattr(document, "body", None)
    blocks = list(_blocks(body)) if body is not None else []
    blocks = [(kind, text) for kind, text in blocks if not _AD_LABEL.match(text)]
    paragraphs = _without_pull_quotes(blocks)
    if not paragraphs:
        raise SourceError(f"{path}: found no article text in the web page (trafilatura finds "
                          "none; is the text loaded by a script?)")
    return tuple(paragraphs)


def _blocks(body: etree._Element) -> Iterator[tuple[str, str]]:
    """(kind, text) for each paragraph trafilatura's XML holds, in order: "quote" for a
    block quote's paragraphs, "text" for everything else."""
    for element in body:
        yield from _element_blocks(element, "text")


def _element_blocks(element: etree._Element, kind: str) -> Iterator[tuple[str, str]]:
    tag = element.tag
    if tag == "quote":
        kind = "quote"
    if tag in ("list", "quote", "table", "div") or (
            tag == "item" and element.find("list") is not None):
        lead = _collapse(element.text or "")
        if lead:
            yield kind, lead
        for child in element:
            yield from _element_blocks(child, kind)
            tail = _collapse(child.tail or "")
            if tail:
                yield kind, tail
        return
    if tag == "row":
        cells = [_text_of(cell) for cell in element.iter("cell")]
        text = " | ".join(c for c in cells if c)
    else:
        text = _text_of(element)
    if text:
        yield kind, text


def _text_of(element: etree._Element) -> str:
    """The element's text, a line break (lb) as a space, whitespace collapsed."""
    parts: list[str] = []

    def walk(node: etree._Element) -> None:
        if node.tag == "lb":
            parts.append(" ")
        elif node.text:
            parts.append(node.text)
        for child in node:
            walk(child)
            if child.tail:
                parts.append(child.tail)

    walk(element)
    return _collapse("".join(parts))


def _collapse(text: str) -> str:
    return " ".join(text.split())


def _without_pull_quotes(blocks: list[tuple[str, str]]) -> list[str]:
    """The blocks' texts less pull quotes: a block (of a few words at least) whose whole text
    stands inside a longer paragraph of the article, quotation marks and case aside."""
    keys = [_compare_key(text) for _, text in blocks]
    # Which paragraphs hold each run of words, so a block is compared only with the few
    # paragraphs that share its first words (comparing every pair is quadratic).
    holders: dict[tuple[str, ...], set[int]] = {}
    span = _PULL_QUOTE_MIN_WORDS
    for index, ((kind, _), key) in enumerate(zip(blocks, keys)):
        if kind == "text":
            words = key.split()
            for start in range(len(words) - span + 1):
                holders.setdefault(tuple(words[start:start + span]), set()).add(index)
    kept = []
    for index, ((_, text), key) in enumerate(zip(blocks, keys)):
        words = key.split()
        candidates = holders.get(tuple(words[:span]), set()) if len(words) >= span else set()
        if not any(other != index and len(keys[other]) > len(key) and key in keys[other]
                   for other in candidates):
            kept.append(text)
    return kept


def _compare_key(text: str) -> str:
    return " ".join(text.translate(_QUOTE_MARKS).casefold().split()).strip(" .,;:!?-–—")


# ----------------------------------------------------------------------------- the metadata


class _Page:
    """The metadata one page states, with a note saying where each field came from."""

    def __init__(self, tree: lxml.html.HtmlElement) -> None:
        self.tree = tree
        self.notes: list[str] = []
        self.meta = _meta_tags(tree)
        self.linked = _json_ld_items(tree)
        # A @graph (Yoast, Rank Math) names its author and publisher by @id only.
        self.by_id = {i["@id"]: i for i in self.linked if isinstance(i.get("@id"), str)}
        self.item = _main_item(self.linked)
        self.schema_type = _schema_type(self.item) if self.item else ""
        self.title = self._title()
        self.authors = self._authors()
        self.date = self._date()
        self.site = self._site()
        self.publisher = self._publisher()
        self.url = self._url()
        self.language = self._language()
        self.csl_type = self._csl_type()

    def resolve(self, value: Any) -> Any:
        """``value`` with each reference to another item ({"@id": ...} and no type) replaced
        by the item it names, when the page has it."""
        if isinstance(value, list):
            return [self.resolve(v) for v in value]
        reference = value.get("@id") if isinstance(value, dict) else None
        if isinstance(reference, str) and "@type" not in value and reference in self.by_id:
            return self.by_id[reference]
        return value

    def note(self, what: str, where: str) -> None:
        self.notes.append(f"{what} from {where}")

    def first_meta(self, *names: str) -> tuple[str, str]:
        """The first of the meta tags ``names`` the page has: (its value, its name)."""
        for name in names:
            values = self.meta.get(name.lower())
            if values:
                return values[0], name
        return "", ""

    def _title(self) -> str:
        if self.item:
            for key in ("headline", "name"):
                value = _collapse(_string(self.item.get(key)))
                if value:
                    self.note("title", f"JSON-LD {self.schema_type} {key}")
                    return value
        value, name = self.first_meta("og:title", "citation_title", "dc.title", "dcterms.title",
                                      "twitter:title")
        if value:
            self.note("title", name)
            return value
        element = self.tree.find(".//title")
        value = _collapse(element.text_content()) if element is not None else ""
        site = self.first_meta("og:site_name", "application-name")[0]
        if site and value.endswith(site):
            # "Headline | Site" (or " – Site", " - Site"): the site is not part of the title.
            value = re.sub(r"\s*[|–—:·-]\s*$", "", value[:-len(site)]) or value
        if value:
            self.note("title", "the <title> element")
        return value

    def _authors(self) -> tuple[Person, ...]:
        if self.item:
            people = tuple(_json_ld_people(self.resolve(self.item.get("author"))))
            if people:
                self.note("authors", f"JSON-LD {self.schema_type} author")
                return people
        for name in ("article:author", "citation_author", "dc.creator", "dcterms.creator",
                     "author"):
            # article:author is often a link to the author's page: a name only counts.
            values = [v for v in self.meta.get(name, []) if not re.match(r"^\w+://", v)]
            people = tuple(p for p in (person_from_name(v) for v in values) if p)
            if people:
                self.note("authors", f"meta {name}")
                return people
        for element in _BYLINE_XPATH(self.tree):
            text = _collapse(element.text_content())
            if len(text) > 200:
                continue
            people = persons_from_byline(text)
            if people:
                self.note("authors", f"the byline \"{text}\"")
                return people
        return ()

    def _date(self) -> str:
        if self.item:
            value = _iso_date(_string(self.item.get("datePublished")))
            if value:
                self.note("date", f"JSON-LD {self.schema_type} datePublished")
                return value
        for name in ("article:published_time", "citation_publication_date", "citation_date",
                     "dc.date.issued", "dcterms.issued", "dc.date", "dcterms.date", "date",
                     "pubdate", "publish-date"):
            for value in self.meta.get(name, []):
                date = _iso_date(value)
                if date:
                    self.note("date", f"meta {name}")
                    return date
        try:
            found = htmldate.find_date(copy.deepcopy(self.tree), extensive_search=False,
                                       original_date=True, url=self._url(quiet=True) or None,
                                       max_date=LATEST_DATE)
        except Exception as exc:  # untrusted markup; a date it cannot find is no date
            self.notes.append(f"htmldate failed on the page ({type(exc).__name__}); no date")
            return ""
        if found:
            self.note("date", "htmldate's search of the page's markup (original date)")
            return str(found)
        self.notes.append("no date in the page's metadata or markup; a date only in its "
                          "text is not taken for the page's")
        return ""

    def _site(self) -> str:
        value, name = self.first_meta("og:site_name", "citation_journal_title",
                                      "application-name")
        if value:
            self.note("site", name)
            return value
        for item in self.linked:
            if _schema_type(item) == "WebSite":
                value = _collapse(_string(item.get("name")))
                if value:
                    self.note("site", "JSON-LD WebSite name")
                    return value
        return ""

    def _publisher(self) -> str:
        if self.item:
            publisher = self.resolve(self.item.get("publisher"))
            if isinstance(publisher, list):
                publisher = publisher[0] if publisher else None
            value = _collapse(_string(publisher.get("name")) if isinstance(publisher, dict)
                              else _string(publisher))
            if value:
                self.note("publisher", f"JSON-LD {self.schema_type} publisher.name")
                return value
        value, name = self.first_meta("citation_publisher",
                                      "citation_technical_report_institution",
                                      "dc.publisher", "dcterms.publisher")
        if value:
            self.note("publisher", f"meta {name}")
        return value

    def _url(self, quiet: bool = False) -> str:
        candidates = [(e.get("href") or "", "link rel=canonical")
                      for e in self.tree.iterfind(".//link[@rel]")
                      if "canonical" in (e.get("rel") or "").lower().split()]
        candidates += [(v, "og:url") for v in self.meta.get("og:url", [])]
        if self.item:
            candidates.append((_string(self.item.get("url")), "JSON-LD url"))
        for value, where in candidates:
            value = value.strip()
            if re.match(r"^https?://[^\s/]+", value):
                if not quiet:
                    self.note("url", where)
                return value
        return ""

    def _language(self) -> str:
        value = (self.tree.get("lang") or "").strip()
        if value:
            self.note("language", "<html lang>")
            return value
        value, name = self.first_meta("content-language", "citation_language", "dc.language",
                                      "dcterms.language", "og:locale")
        if not value and self.item:
            value, name = _string(self.item.get("inLanguage")), "JSON-LD inLanguage"
        if value:
            self.note("language", name)
        return value.strip().replace("_", "-")

    def _csl_type(self) -> str:
        mapped = _TEXT_TYPES.get(self.schema_type, "")
        if mapped:
            self.notes.append(f"type {mapped}: JSON-LD {self.schema_type}")
            return mapped
        publisher = self.resolve(self.item.get("publisher")) if self.item else None
        if isinstance(publisher, list):
            publisher = publisher[0] if publisher else None
        if isinstance(publisher, dict) and _schema_type(publisher) == _NEWS_PUBLISHER:
            self.notes.append(f"type article-newspaper: JSON-LD {self.schema_type} published "
                              f"by a {_NEWS_PUBLISHER}")
            return "article-newspaper"
        if self.meta.get("citation_technical_report_institution") or self.meta.get(
                "citation_technical_report_number") or any(
                "report" in v.lower() for v in self.meta.get("dc.type", [])):
            self.notes.append("type report: citation_technical_report_* or dc.type meta")
            return "report"
        if self.meta.get("citation_journal_title"):
            self.notes.append("type article-journal: meta citation_journal_title")
            return "article-journal"
        generator = self.first_meta("generator")[0]
        if self.first_meta("og:type")[0].lower() == "article" and _BLOG_GENERATORS.match(
                generator):
            self.notes.append(f"type post-weblog: og:type article on a page made with "
                              f"{generator.split()[0]}")
            return "post-weblog"
        self.notes.append("type webpage: the page states no more specific kind")
        return "webpage"


def _meta_tags(tree: lxml.html.HtmlElement) -> dict[str, list[str]]:
    """Every meta tag's value by its name, property or http-equiv (lower case), in page
    order; empty values left out."""
    found: dict[str, list[str]] = {}
    for element in tree.iterfind(".//meta"):
        key = element.get("property") or element.get("name") or element.get("http-equiv")
        value = _collapse(element.get("content") or "")
        if key and value:
            found.setdefault(key.strip().lower(), []).append(value)
    return found


def _json_ld_items(tree: lxml.html.HtmlElement) -> list[dict[str, Any]]:
    """Every schema.org item in the page's JSON-LD blocks, @graph members included; a
    block that is not JSON is passed over (pages ship broken ones)."""
    items: list[dict[str, Any]] = []
    for script in tree.iterfind(".//script[@type]"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        try:
            data = json.loads(script.text or "")
        except (ValueError, RecursionError):
            continue
        stack = data if isinstance(data, list) else [data]
        for entry in stack:
            if isinstance(entry, dict):
                graph = entry.get("@graph")
                if isinstance(graph, list):
                    items += [g for g in graph if isinstance(g, dict)]
                else:
                    items.append(entry)
    return items


def _schema_type(item: dict[str, Any]) -> str:
    kind = item.get("@type")
    if isinstance(kind, list):
        known = [k for k in kind if isinstance(k, str) and k in _TEXT_TYPES]
        kind = known[0] if known else (kind[0] if kind else "")
    return kind.rsplit("/", 1)[-1] if isinstance(kind, str) else ""


def _main_item(items: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The item that describes the text: the first with a text type, preferring a specific
    one (NewsArticle, Report) over a WebPage."""
    typed = [i for i in items if _schema_type(i) in _TEXT_TYPES]
    typed.sort(key=lambda i: _schema_type(i) == "WebPage")
    return typed[0] if typed else None


def _json_ld_people(value: Any) -> Iterator[Person]:
    for entry in value if isinstance(value, list) else [value]:
        if isinstance(entry, str):
            person = person_from_name(entry)
        elif isinstance(entry, dict):
            organisation = _schema_type(entry) in ("Organization", "NewsMediaOrganization")
            family, given = _string(entry.get("familyName")), _string(entry.get("givenName"))
            if family and not organisation:
                person = Person(_collapse(family), _collapse(given))
            else:
                person = person_from_name(_string(entry.get("name")), organisation)
        else:
            person = None
        if person is not None:
            yield person


def _string(value: Any) -> str:
    if isinstance(value, list):
        value = value[0] if value else ""
    if isinstance(value, dict):
        value = value.get("@value", "")
    return value if isinstance(value, str) else ""


def _iso_date(value: str) -> str:
    """"YYYY-MM-DD", "YYYY-MM" or "YYYY" from a date written year first (ISO 8601, with or
    without a time, "2022/09/27"), as written (no time-zone shift); "" for anything else."""
    match = _ISO_DATE.match(value)
    if not match:
        return ""
    year, month, day = match.groups()
    if month and not 1 <= int(month) <= 12 or day and not 1 <= int(day) <= 31:
        return ""
    return "-".join([year] + [f"{int(p):02d}" for p in (month, day) if p])

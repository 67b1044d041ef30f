"""Read a Word file from a shared drive as data: zip limits, no DTDs, no links out, no macros.

A reference.docx (its styles, cover, header and footer go into every brief) and a report given
to ``briefgen attach`` (it is written back out with the brief inside) arrive from shared
drives. Neither is passed through as it is. The zip is checked against limits before
anything is decompressed; every XML part is parsed with a parser that fetches nothing and a
DOCTYPE is refused; a new package is built from the parts its relationships reach, and on the
way out go the things that make a document reach beyond itself: external relationships
(except hyperlinks to http, https and mailto), fields that fetch or run something
(INCLUDEPICTURE, DDEAUTO, ...), macros, ActiveX controls, embedded OLE objects and packages
(a double-click hands their content to another program; their preview picture stays, and a
chart keeps its cached values but not its workbook), linked templates and mail-merge data
sources. Each removal is reported in words, for a warning.

Two policies. ``rebuild_reference`` keeps only the parts briefgen uses from a reference
(document, styles, numbering, settings, theme, font table, headers, footers, notes and the
pictures and fonts they use), under standard names and content types; the rest (document
properties, custom XML, web settings, thumbnails) is left out silently, as briefgen writes
its own. ``scrub_report`` keeps every other part the report's relationships reach (charts,
comments, properties: they are the report's content) with their names and content types.

Nothing here imports python-docx: the result is zip bytes that python-docx then opens. It
stands apart from the DOCX writer because three stages read Word files from shared drives:
the writer (reference documents), ``briefgen attach`` (reports) and ``sources add`` (Word
papers, corpus/extract/docx.py); none of them should reach into another's package for it.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from briefgen.markup.links import link_target

# Zip limits, checked on the central directory before anything is decompressed. A reference
# document is a few hundred KB; a long report with photographs a few hundred MB at most.
MAX_ENTRIES = 10_000
MAX_PART_SIZE = 200 * 1024 * 1024  # bytes, uncompressed, of any one part
MAX_TOTAL_SIZE = 1024 * 1024 * 1024  # bytes, uncompressed, of all parts together
# XML of real documents deflates about 10:1, repetitive XML rarely beyond 100:1; a part of
# zeros crafted to fill memory reaches 1000:1. Small parts may compress as they like.
MAX_COMPRESSION_RATIO = 200
RATIO_APPLIES_ABOVE = 1024 * 1024  # bytes, uncompressed


_PKG_RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_O = "urn:schemas-microsoft-com:office:office"
_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
_MS_RT = "http://schemas.microsoft.com/office/2006/relationships/"
_WML = "application/vnd.openxmlformats-officedocument.wordprocessingml."

HYPERLINK = _RT + "hyperlink"
# LibreOffice names the core properties with an Office namespace python-docx does not know;
# left so, python-docx adds a second docProps/core.xml beside it.
_SAME_TYPES = {
    "http://schemas.openxmlformats.org/officedocument/2006/relationships/metadata/"
    "core-properties":
    "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties",
}
OFFICE_DOCUMENT = _RT + "officeDocument"
IMAGE = _RT + "image"

# Relationship types that carry code or pull content in from elsewhere, with what to call them.
_REFUSED_TYPES = {
    _MS_RT + "vbaProject": "a macro project (vbaProject)",
    _MS_RT + "wordVbaData": "macro data (vbaData)",
    _MS_RT + "keyMapCustomizations": "macro key bindings (keyMapCustomizations)",
    _MS_RT + "attachedToolbars": "macro toolbars (attachedToolbars)",
    _RT + "control": "an ActiveX control",
    _MS_RT + "activeXControlBinary": "an ActiveX control",
    _RT + "attachedTemplate": "a linked template (attachedTemplate)",
    _RT + "subDocument": "a linked sub-document",
    _RT + "frame": "a frame showing another file",
}
_OLE_TYPES = {_RT + "oleObject": "an embedded object (OLE)", _RT + "package": "an embedded package"}
# What to call a link out of the document, by its relationship type.
_EXTERNAL_KINDS = {HYPERLINK: "hyperlink", IMAGE: "picture link",
                   _RT + "oleObject": "object (OLE) link"}
_MACRO_CONTENT = re.compile(r"vbaProject|vbaData|keyMapCustomization|activeX|macroEnabled",
                            re.IGNORECASE)
_MACRO_PART_NAME = re.compile(r"(^|/)(vbaProject|vbaData|activeX)", re.IGNORECASE)

# What briefgen uses of a reference, by the relationship that reaches it: its standard part
# name (n for a number) and content type (None: an image or font, by its file extension).
_REFERENCE_PARTS: dict[str, tuple[str, str | None]] = {
    _RT + "styles": ("word/styles.xml", _WML + "styles+xml"),
    _RT + "numbering": ("word/numbering.xml", _WML + "numbering+xml"),
    _RT + "settings": ("word/settings.xml", _WML + "settings+xml"),
    _RT + "theme": ("word/theme/theme{n}.xml",
                    "application/vnd.openxmlformats-officedocument.theme+xml"),
    _RT + "fontTable": ("word/fontTable.xml", _WML + "fontTable+xml"),
    _RT + "header": ("word/header{n}.xml", _WML + "header+xml"),
    _RT + "footer": ("word/footer{n}.xml", _WML + "footer+xml"),
    _RT + "footnotes": ("word/footnotes.xml", _WML + "footnotes+xml"),
    _RT + "endnotes": ("word/endnotes.xml", _WML + "endnotes+xml"),
    IMAGE: ("word/media/image{n}.{ext}", None),
    _RT + "font": ("word/fonts/font{n}.{ext}", None),
}
_MAIN = ("word/document.xml", _WML + "document.main+xml")
# Which parts each part of a reference may reach; parts of these types appear once.
_REFERENCE_REACHES = {
    OFFICE_DOCUMENT: {_RT + t for t in ("styles", "numbering", "settings", "theme", "fontTable",
                                        "header", "footer", "footnotes", "endnotes", "image")},
    _RT + "header": {IMAGE}, _RT + "footer": {IMAGE}, _RT + "footnotes": {IMAGE},
    _RT + "endnotes": {IMAGE}, _RT + "numbering": {IMAGE}, _RT + "theme": {IMAGE},
    _RT + "fontTable": {_RT + "font"},
}
_SINGLETONS = {OFFICE_DOCUMENT, *(_RT + t for t in (
    "styles", "numbering", "settings", "theme", "fontTable", "footnotes", "endnotes"))}
# The root element each reference part must have, so python-docx gets what it expects.
_ROOTS = {OFFICE_DOCUMENT: "document", _RT + "styles": "styles", _RT + "numbering": "numbering",
          _RT + "settings": "settings", _RT + "fontTable": "fonts", _RT + "header": "hdr",
          _RT + "footer": "ftr", _RT + "footnotes": "footnotes", _RT + "endnotes": "endnotes"}
_MEDIA_TYPES = {
    "png": "image/png", "jpeg": "image/jpeg", "jpg": "image/jpeg", "gif": "image/gif",
    "bmp": "image/bmp", "tif": "image/tiff", "tiff": "image/tiff", "emf": "image/x-emf",
    "wmf": "image/x-wmf", "svg": "image/svg+xml",
    "odttf": "application/vnd.openxmlformats-officedocument.obfuscatedFont",
    "ttf": "application/x-font-ttf",
}

# Fields whose instruction makes Word fetch a file or URL, or talk to another program.
FETCHING_FIELDS = frozenset({"INCLUDEPICTURE", "INCLUDETEXT", "INCLUDE", "IMPORT", "DDE",
                             "DDEAUTO", "LINK", "DATABASE", "RD", "EMBED"})

# Elements that run or fetch something whatever they point at; removed with their content
# (said only when no removed relationship has said it already).
_REMOVED_ELEMENTS = {
    f"{{{_W}}}control": "an ActiveX control",
    f"{{{_W}}}attachedTemplate": "a linked template (attachedTemplate)",
    f"{{{_W}}}linkStyles": "",  # "update styles from the attached template": goes with it
    f"{{{_W}}}mailMerge": "a mail-merge data source",
}
# Elements that are nothing without the part they point at: removed when it is (python-docx
# needs a header's r:id; an OLE object or imported chunk whose part is gone is an error).
_REFERENCE_ELEMENTS = {f"{{{_W}}}headerReference", f"{{{_W}}}footerReference",
                       f"{{{_W}}}altChunk", f"{{{_W}}}subDoc", f"{{{_O}}}OLEObject",
                       "{http://schemas.openxmlformats.org/drawingml/2006/chart}externalData"}


class RefusedDocx(ValueError):
    """A Word file that is not read at all; the message says what is wrong with it."""


@dataclass(frozen=True)
class Cleaned:
    """A Word package rebuilt from an untrusted one: its zip bytes, and what was removed
    (one phrase each, e.g. "an external picture link to file:///etc/passwd")."""

    blob: bytes
    removed: tuple[str, ...]


def rebuild_reference(path: Path | bytes) -> Cleaned:
    """The parts of the reference document at ``path`` (or its bytes) that briefgen uses, as a
    new package.

    RefusedDocx if the file breaks a zip limit, holds a DOCTYPE or malformed XML, or has no
    Word document in it; zipfile.BadZipFile and OSError as they come.
    """
    return _Rebuild(read_parts(path)).run()


def scrub_report(path: Path | bytes) -> Cleaned:
    """The Word file at ``path`` (or its bytes) with its parts kept and whatever reaches out
    or runs removed.

    Raises as rebuild_reference does.
    """
    return _Scrub(read_parts(path)).run()


def read_parts(path: Path | bytes) -> dict[str, bytes]:
    """Every entry of the zip at ``path`` (or in its bytes) by name, after checking the limits
    above."""
    with zipfile.ZipFile(io.BytesIO(path) if isinstance(path, bytes) else path) as archive:
        infos = archive.infolist()
        if len(infos) > MAX_ENTRIES:
            raise RefusedDocx(f"it has {len(infos)} zip entries; the limit is {MAX_ENTRIES}")
        total = 0
        seen: set[str] = set()
        for info in infos:
            if info.file_size > MAX_PART_SIZE:
                raise RefusedDocx(f"{info.filename} would unpack to {info.file_size:,} bytes; "
                                  f"the limit for one part is {MAX_PART_SIZE:,}")
            if (info.file_size > RATIO_APPLIES_ABOVE
                    and info.file_size > MAX_COMPRESSION_RATIO * max(1, info.compress_size)):
                raise RefusedDocx(f"{info.filename} is compressed "
                                  f"{info.file_size // max(1, info.compress_size)}:1 (a zip "
                                  f"bomb?); the limit is {MAX_COMPRESSION_RATIO}:1")
            total += info.file_size
            key = info.filename.lower()
            if key in seen:
                raise RefusedDocx(f"it holds two entries named {info.filename}")
            seen.add(key)
        if total > MAX_TOTAL_SIZE:
            raise RefusedDocx(f"it would unpack to {total:,} bytes; the limit is "
                              f"{MAX_TOTAL_SIZE:,}")
        parts = {}
        for info in infos:
            if info.is_dir():
                continue
            try:
                with archive.open(info) as entry:
                    # The sizes were checked above, but an entry may lie about its size.
                    data = entry.read(MAX_PART_SIZE + 1)
            except (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError,
                    NotImplementedError) as exc:  # RuntimeError: encrypted; NotImplemented: method
                raise RefusedDocx(f"cannot unpack {info.filename} ({exc})") from None
            if len(data) > MAX_PART_SIZE:
                raise RefusedDocx(f"{info.filename} unpacks to more than {MAX_PART_SIZE:,} "
                                  "bytes")
            parts[info.filename.lstrip("/")] = data
        return parts


_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                          dtd_validation=False, huge_tree=False)


def parse_xml(data: bytes, name: str) -> etree._Element:
    """The root of the XML ``data`` of part ``name``; RefusedDocx for a DOCTYPE, an entity
    reference or malformed XML (Office never writes the first two)."""
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise RefusedDocx(f"{name} is not well-formed XML ({exc})") from None
    if root.getroottree().docinfo.doctype:
        raise RefusedDocx(f"{name} declares a DOCTYPE; a Word file has none, and it may "
                          "define entities that read files")
    for entity in root.iter(etree.Entity):
        raise RefusedDocx(f"{name} uses the entity {entity.text}; a Word file has none")
    return root


def serialise(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


# ----------------------------------------------------------------------------- relationships


@dataclass(frozen=True)
class _Rel:
    id: str
    type: str
    target: str
    external: bool


def rels_name(part: str) -> str:
    """The relationships part of ``part`` ("" for the package itself)."""
    folder, base = posixpath.split(part)
    return posixpath.join(folder, "_rels", f"{base}.rels")


def _read_rels(parts: dict[str, bytes], part: str) -> list[_Rel]:
    name = rels_name(part)
    if name not in parts:
        return []
    root = parse_xml(parts[name], name)
    rels, ids = [], set()
    for element in root.iter(f"{{{_PKG_RELS_NS}}}Relationship"):
        rel_id, kind, target = (element.get(k) or "" for k in ("Id", "Type", "Target"))
        if not rel_id or rel_id in ids:
            continue
        ids.add(rel_id)
        external = (element.get("TargetMode") or "").lower() == "external"
        kind = _SAME_TYPES.get(kind.strip(), kind.strip())
        rels.append(_Rel(rel_id, kind, target.strip(), external))
    return rels


def _resolve(source: str, target: str) -> str | None:
    """The part name ``target`` points to from ``source``, or None if it leaves the package."""
    if target.startswith("/"):
        joined = target.lstrip("/")
    else:
        joined = posixpath.join(posixpath.dirname(source), target)
    name = posixpath.normpath(joined) if joined else ""
    if not name or name == "." or name.startswith(".."):
        return None
    return name


def _link_allowed(target: str) -> bool:
    # The one allow-list every link briefgen writes passes (http, https, mailto), as is.
    return not target.startswith("#") and link_target(target) == target.strip()


def _rels_xml(rels: list[tuple[_Rel, str]]) -> bytes:
    root = etree.Element(f"{{{_PKG_RELS_NS}}}Relationships", nsmap={None: _PKG_RELS_NS})
    for rel, target in rels:
        element = etree.SubElement(root, f"{{{_PKG_RELS_NS}}}Relationship")
        element.set("Id", rel.id)
        element.set("Type", rel.type)
        element.set("Target", target)
        if rel.external:
            element.set("TargetMode", "External")
    return serialise(root)


def _short(kind: str) -> str:
    return kind.rsplit("/", 1)[-1] or kind


# ----------------------------------------------------------------------------- the two policies


@dataclass
class _Package:
    """A package being built: parts by name, their content types, and what was removed."""

    parts: dict[str, bytes] = field(default_factory=dict)
    content_types: dict[str, str] = field(default_factory=dict)
    removed: list[str] = field(default_factory=list)

    def note(self, what: str) -> None:
        if what and what not in self.removed:
            self.removed.append(what)

    def zip(self) -> bytes:
        types = etree.Element(f"{{{_CT_NS}}}Types", nsmap={None: _CT_NS})
        for ext, kind in (("rels", "application/vnd.openxmlformats-package.relationships+xml"),
                          ("xml", "application/xml")):
            etree.SubElement(types, f"{{{_CT_NS}}}Default", Extension=ext, ContentType=kind)
        for name, kind in sorted(self.content_types.items()):
            etree.SubElement(types, f"{{{_CT_NS}}}Override", PartName=f"/{name}",
                             ContentType=kind)
        buffer = io.BytesIO()
        # Stored, not deflated: python-docx reads it straight back from memory.
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as out:
            out.writestr("[Content_Types].xml", serialise(types))
            for name, data in self.parts.items():
                out.writestr(name, data)
        return buffer.getvalue()


class _Walk:
    """Follows the relationships from the package root, deciding for each what is kept."""

    def __init__(self, source: dict[str, bytes]) -> None:
        self.source = source
        self.out = _Package()
        self.names: dict[str, str] = {}  # source part name -> its name in the output

    def run(self) -> Cleaned:
        queue = self.start()
        while queue:
            name, kind = queue.pop(0)
            queue += self.visit(name, kind)
        return Cleaned(self.out.zip(), tuple(self.out.removed))

    def start(self) -> list[tuple[str, str]]:
        raise NotImplementedError

    def keep(self, source: str, kind: str, rel: _Rel) -> str | None:
        """The output name of what ``rel`` of part ``source`` (a ``kind`` part) reaches, or
        None to drop it; a new name is queued by the caller."""
        raise NotImplementedError

    def relate(self, source: str, kind: str,
               out_name: str) -> tuple[list[tuple[str, str]], set[str]]:
        """Write the relationships of ``source`` (as ``out_name``); return the parts to visit
        (name, relationship type) and the ids of the relationships kept."""
        kept: list[tuple[_Rel, str]] = []
        queue: list[tuple[str, str]] = []
        singletons: set[str] = set()
        for rel in _read_rels(self.source, source):
            why = self.refusal(rel)
            if why is not None:
                self.out.note(why)
                continue
            if rel.external:
                kept.append((rel, rel.target))
                continue
            if rel.type in _SINGLETONS and rel.type in singletons:
                continue
            target = _resolve(source, rel.target)
            if target is None or target not in self.source or target.endswith(".rels"):
                continue  # a dangling relationship; Word would repair it away too
            if _MACRO_PART_NAME.search(target):
                self.out.note(f"a macro part ({target})")
                continue
            new = target in self.names
            out_target = self.names.get(target) or self.keep(source, kind, rel)
            if out_target is None:
                continue
            singletons.add(rel.type)
            if not new:
                self.names[target] = out_target
                queue.append((target, rel.type))
            kept.append((rel, "/" + out_target))
        if kept:
            self.out.parts[rels_name(out_name) if out_name else "_rels/.rels"] = _rels_xml(kept)
        return queue, {rel.id for rel, _ in kept}

    def refusal(self, rel: _Rel) -> str | None:
        """What to warn about dropping ``rel``, or None if it may stay."""
        if rel.type in _REFUSED_TYPES:
            where = f" at {rel.target[:200]}" if rel.external else ""
            return _REFUSED_TYPES[rel.type] + where
        if rel.external:
            if rel.type == HYPERLINK and _link_allowed(rel.target):
                return None
            kind = _EXTERNAL_KINDS.get(rel.type, f"{_short(rel.type)} link")
            return f"an external {kind} to {rel.target[:200]}"
        if rel.type in _OLE_TYPES:
            return _OLE_TYPES[rel.type]
        return None

    def visit(self, name: str, kind: str) -> list[tuple[str, str]]:
        out_name = self.names[name]
        queue, kept_ids = self.relate(name, kind, out_name)
        data = self.source[name]
        if self.is_xml(out_name):
            root = parse_xml(data, name)
            self.check_root(root, name, kind)
            for what in scrub_xml(root, kept_ids):
                self.out.note(what)
            data = serialise(root)
        self.out.parts[out_name] = data
        return queue

    def is_xml(self, out_name: str) -> bool:
        kind = self.out.content_types.get(out_name, "")
        return out_name.endswith(".xml") or kind.endswith("xml")

    def check_root(self, root: etree._Element, name: str, kind: str) -> None:
        """RefusedDocx unless a part python-docx reads has the root element it expects."""
        expected = _ROOTS.get(kind)
        if expected is not None and root.tag != f"{{{_W}}}{expected}":
            raise RefusedDocx(f"{name}: expected a w:{expected} part, found {root.tag}")
        if kind == OFFICE_DOCUMENT and root.find(f"{{{_W}}}body") is None:
            raise RefusedDocx(f"{name}: the document has no w:body")


class _Rebuild(_Walk):
    """A reference document: only the parts briefgen uses, under standard names."""

    def start(self) -> list[tuple[str, str]]:
        for rel in _read_rels(self.source, ""):
            if rel.type != OFFICE_DOCUMENT or rel.external:
                continue
            target = _resolve("", rel.target)
            if target is not None and target in self.source:
                self.names[target] = _MAIN[0]
                self.out.content_types[_MAIN[0]] = _MAIN[1]
                self.out.parts["_rels/.rels"] = _rels_xml([(rel, _MAIN[0])])
                return [(target, OFFICE_DOCUMENT)]
        raise RefusedDocx("it holds no Word document (no officeDocument relationship to a "
                          "part that is there)")

    def keep(self, source: str, kind: str, rel: _Rel) -> str | None:
        if rel.type not in _REFERENCE_REACHES.get(kind, set()):
            return None
        pattern, content_type = _REFERENCE_PARTS[rel.type]
        ext = posixpath.splitext(rel.target)[1].lstrip(".").lower()
        if content_type is None:
            content_type = _MEDIA_TYPES.get(ext)
            if content_type is None:
                return None
        prefix = pattern.split("{")[0]
        number = 1 + sum(1 for n in self.out.content_types if n.startswith(prefix))
        out_name = pattern.format(n=number, ext=ext)
        self.out.content_types[out_name] = content_type
        return out_name


class _Scrub(_Walk):
    """A report: every part kept as it is named and typed, less what reaches out or runs."""

    def start(self) -> list[tuple[str, str]]:
        self.declared = _declared_types(self.source)
        self.names[""] = ""
        return self.relate("", "", "")[0]

    def keep(self, source: str, kind: str, rel: _Rel) -> str | None:
        target = _resolve(source, rel.target)
        assert target is not None
        content_type = self.declared.get(target)
        if content_type is None:
            return None
        if _MACRO_CONTENT.search(content_type) and rel.type != OFFICE_DOCUMENT:
            self.out.note(f"a macro part ({target})")
            return None
        # The parts python-docx reads get the content type their relationship says they have
        # (it picks its reader by content type): a macro-enabled document or a template is
        # kept as a plain document, without its macros.
        if rel.type == OFFICE_DOCUMENT:
            content_type = _MAIN[1]
        elif _REFERENCE_PARTS.get(rel.type, ("", None))[1] is not None:
            content_type = _REFERENCE_PARTS[rel.type][1] or content_type
        self.out.content_types[target] = content_type
        return target


def _declared_types(parts: dict[str, bytes]) -> dict[str, str]:
    """The content type [Content_Types].xml gives each part."""
    name = "[Content_Types].xml"
    if name not in parts:
        raise RefusedDocx("it has no [Content_Types].xml; it is not a Word file")
    root = parse_xml(parts[name], name)
    defaults = {(e.get("Extension") or "").lower(): e.get("ContentType") or ""
                for e in root.iter(f"{{{_CT_NS}}}Default")}
    overrides = {(e.get("PartName") or "").lstrip("/").lower(): e.get("ContentType") or ""
                 for e in root.iter(f"{{{_CT_NS}}}Override")}
    found = {}
    for part in parts:
        kind = overrides.get(part.lower()) or defaults.get(posixpath.splitext(part)[1][1:].lower())
        if kind:
            found[part] = kind
    return found


# ----------------------------------------------------------------------------- inside a part


def scrub_xml(root: etree._Element, kept_ids: set[str]) -> list[str]:
    """Remove from ``root`` what fetches or runs, and references to relationships not in
    ``kept_ids``; return what was removed, in words."""
    removed: list[str] = []
    for element in list(root.iter(*_REMOVED_ELEMENTS)):
        rel_id = element.get(f"{{{_R}}}id")
        if rel_id is None or rel_id in kept_ids:
            removed.append(_REMOVED_ELEMENTS[element.tag])
        _remove(element)
    removed += _unlink_fetching_fields(root)
    pointless = []
    # XPath finds the few relationship attributes (styles.xml has thousands of elements
    # and none of them) far faster than a walk in Python.
    for element in {a.getparent() for a in _R_ATTRIBUTES(root)}:
        for attribute in [a for a in element.attrib if a.startswith(f"{{{_R}}}")]:
            if element.attrib[attribute] not in kept_ids:
                if element.tag in _REFERENCE_ELEMENTS:
                    pointless.append(element)
                else:
                    del element.attrib[attribute]
    pointless += [e for e in root.iter(*_REFERENCE_ELEMENTS) if f"{{{_R}}}id" not in e.attrib]
    for element in pointless:
        _remove(element)
    return [r for r in removed if r]


_R_ATTRIBUTES = etree.XPath("//@r:*", namespaces={"r": _R})


def _remove(element: etree._Element) -> None:
    parent = element.getparent()
    if parent is not None:
        parent.remove(element)


def _instruction_name(instruction: str) -> str:
    words = instruction.split()
    return words[0].upper() if words else ""


def _field_phrase(instruction: str) -> str:
    shown = " ".join(instruction.split())
    return f"a fetching field ({shown[:160]})"


def _unwrap(element: etree._Element) -> None:
    """Put ``element``'s children in its place (a field's shown result stays as plain text)."""
    parent = element.getparent()
    if parent is None:
        return
    index = parent.index(element)
    for offset, child in enumerate(list(element)):
        parent.insert(index + offset, child)
    parent.remove(element)


@dataclass
class _Field:
    """A complex field being read: its instruction so far, and its machinery (the fldChar and
    instrText elements, and whatever sits inside its instruction, nested fields too)."""

    instruction: str = ""
    in_instruction: bool = True
    machinery: list[etree._Element] = field(default_factory=list)


def _unlink_fetching_fields(root: etree._Element) -> list[str]:
    """Turn every fetching field into its last shown result, as Word's "unlink field" does."""
    removed = []
    for simple in list(root.iter(f"{{{_W}}}fldSimple")):
        instruction = simple.get(f"{{{_W}}}instr") or ""
        if _instruction_name(instruction) in FETCHING_FIELDS:
            removed.append(_field_phrase(instruction))
            _unwrap(simple)
    stack: list[_Field] = []
    doomed: list[etree._Element] = []

    def finish(done: _Field) -> None:
        if _instruction_name(done.instruction) in FETCHING_FIELDS:
            removed.append(_field_phrase(done.instruction))
            doomed.extend(done.machinery)

    for item in _run_contents(root):
        outer = next((f for f in stack if f.in_instruction), None)
        tag = item.tag
        if tag == f"{{{_W}}}fldChar":
            kind = item.get(f"{{{_W}}}fldCharType")
            if kind == "begin":
                if outer is not None:
                    outer.machinery.append(item)
                stack.append(_Field(machinery=[item]))
            elif stack:
                stack[-1].machinery.append(item)
                if outer is not None and outer is not stack[-1]:
                    outer.machinery.append(item)
                if kind == "separate":
                    stack[-1].in_instruction = False
                elif kind == "end":
                    finish(stack.pop())
        elif tag in (f"{{{_W}}}instrText", f"{{{_W}}}delInstrText"):
            if stack and stack[-1].in_instruction:
                stack[-1].instruction += item.text or ""
                stack[-1].machinery.append(item)
                if outer is not stack[-1]:
                    outer.machinery.append(item)  # type: ignore[union-attr]
            else:
                doomed.append(item)  # instruction text outside any instruction: no field
        elif outer is not None:
            outer.machinery.append(item)  # text inside an instruction, e.g. a nested result
    while stack:
        finish(stack.pop())
    for element in doomed:
        _remove(element)
    return removed


def _run_contents(root: etree._Element) -> Iterator[etree._Element]:
    """The children of every w:r, in document order."""
    for run in root.iter(f"{{{_W}}}r"):
        yield from run

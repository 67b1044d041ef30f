"""Reading a Word file as data: the XML parser, the zip limits, fields, relationships."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import pytest
from lxml import etree

from briefgen import untrusted_docx as U
from tests.conftest import REPO
from tests.robustness import word_files as wf

REFERENCE = REPO / "templates" / "default" / "reference.docx"
W = wf.W


def _part(cleaned: U.Cleaned, name: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(cleaned.blob)) as archive:
        return archive.read(name)


def _names(cleaned: U.Cleaned) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(cleaned.blob)) as archive:
        return archive.namelist()


@pytest.mark.parametrize("xml, said", [
    (b"<a>&xxe;</a>", "not well-formed"),
    (b'<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>', "DOCTYPE"),
    (b'<!DOCTYPE a SYSTEM "http://attacker.example/a.dtd"><a/>', "DOCTYPE"),
    (b"<a><b></a>", "not well-formed"),
])
def test_the_parser_refuses_entities_doctypes_and_bad_xml(xml: bytes, said: str) -> None:
    with pytest.raises(U.RefusedDocx, match=f"word/x.xml.*{said}|{said}.*"):
        U.parse_xml(xml, "word/x.xml")


def test_character_references_are_text() -> None:
    assert U.parse_xml(b"<a>&amp;&#65;</a>", "x").text == "&A"


def test_two_entries_of_one_name_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "twice.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("word/document.xml", "<a/>")
        archive.writestr("word/Document.xml", "<b/>")
    with pytest.raises(U.RefusedDocx, match="two entries named word/Document.xml"):
        U.read_parts(path)


def test_a_small_part_may_compress_well(tmp_path: Path) -> None:
    path = tmp_path / "small.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("zeros", bytes(U.RATIO_APPLIES_ABOVE))
    assert len(U.read_parts(path)["zeros"]) == U.RATIO_APPLIES_ABOVE


def test_a_default_reference_loses_nothing_briefgen_uses() -> None:
    cleaned = U.rebuild_reference(REFERENCE)
    assert cleaned.removed == ()
    names = set(_names(cleaned))
    for name in ("word/document.xml", "word/styles.xml", "word/numbering.xml",
                 "word/settings.xml", "word/theme/theme1.xml", "word/fontTable.xml",
                 "word/header1.xml", "word/header2.xml", "word/footer1.xml",
                 "word/media/image1.png"):
        assert name in names
    # Properties, custom XML and web settings are the reference's, not the brief's.
    assert not any(n.startswith(("docProps/", "customXml/")) or "webSettings" in n for n in names)
    word = docx.Document(io.BytesIO(cleaned.blob))
    assert word.styles["Title"] is not None and word.sections[0].header.paragraphs


def test_a_fetching_field_keeps_its_result_and_other_fields_stay(tmp_path: Path) -> None:
    def fields(word: wf.WordZip) -> None:
        wf.fetching_fields(word)
        word.append(word.header(), '<w:p><w:fldSimple w:instr=" PAGE "><w:r><w:t>7</w:t>'
                                   '</w:r></w:fldSimple></w:p>')

    cleaned = U.rebuild_reference(wf.craft(REFERENCE, tmp_path / "f.docx", fields))
    headers = [etree.fromstring(_part(cleaned, n)) for n in _names(cleaned) if "header" in n
               and n.endswith(".xml")]
    texts = ["".join(h.itertext()) for h in headers]
    assert any("picture result" in t and "dde result" in t and "if result" in t for t in texts)
    instructions = " ".join(e.get(f"{{{W}}}instr") or "" for h in headers
                            for e in h.iter(f"{{{W}}}fldSimple"))
    assert instructions.split() == ["PAGE"]
    # The IF stays, less the INCLUDETEXT nested in its instruction.
    complex_instructions = "".join(e.text or "" for h in headers
                                   for e in h.iter(f"{{{W}}}instrText"))
    assert complex_instructions.split() == ["IF", "1", "=", "1", '""', '""']
    assert sorted(cleaned.removed) == [
        'a fetching field (DDEAUTO c:\\\\windows\\\\system32\\\\cmd.exe "/c calc")',
        'a fetching field (INCLUDEPICTURE "http://attacker.example/p.png" \\d)',
        'a fetching field (INCLUDETEXT "file:///etc/passwd")']


def test_a_header_whose_part_is_missing_is_dropped_from_the_section(tmp_path: Path) -> None:
    def lose_header(word: wf.WordZip) -> None:
        del word.parts[word.header()]

    cleaned = U.rebuild_reference(wf.craft(REFERENCE, tmp_path / "h.docx", lose_header))
    word = docx.Document(io.BytesIO(cleaned.blob))
    for section in word.sections:
        _ = section.header.paragraphs, section.first_page_header.paragraphs


def test_a_relationship_out_of_the_package_is_dropped(tmp_path: Path) -> None:
    def escape(word: wf.WordZip) -> None:
        word.relate(word.header(), wf.RT + "image", "../../../../etc/passwd")

    cleaned = U.rebuild_reference(wf.craft(REFERENCE, tmp_path / "e.docx", escape))
    rels = b"".join(_part(cleaned, n) for n in _names(cleaned) if n.endswith(".rels"))
    assert b"passwd" not in rels


def test_a_libreoffice_core_properties_relationship_is_understood(
    tmp_path: Path,
) -> None:
    report = tmp_path / "report.docx"
    docx.Document().save(str(report))
    wf.craft(report, report, wf.libreoffice_core_properties)
    word = docx.Document(io.BytesIO(U.scrub_report(report).blob))
    word.core_properties.title = "Annual report"
    out = io.BytesIO()
    word.save(out)
    with zipfile.ZipFile(out) as archive:
        assert archive.namelist().count("docProps/core.xml") == 1
        assert b"Annual report" in archive.read("docProps/core.xml")


def test_a_macro_enabled_report_is_kept_without_its_macros(tmp_path: Path) -> None:
    def macro_enabled(word: wf.WordZip) -> None:
        wf.macro_project(word)
        word.parts["[Content_Types].xml"] = word.parts["[Content_Types].xml"].replace(
            b"wordprocessingml.document.main+xml", b"ms-word.document.macroEnabled.main+xml")

    report = tmp_path / "report.docm"
    docx.Document().save(str(report))
    wf.craft(report, report, macro_enabled)
    assert b"macroEnabled" in zipfile.ZipFile(report).read("[Content_Types].xml")
    cleaned = U.scrub_report(report)
    assert b"macroEnabled" not in _part(cleaned, "[Content_Types].xml")
    assert not any("vbaProject" in n for n in _names(cleaned))
    assert "a macro project (vbaProject)" in cleaned.removed
    docx.Document(io.BytesIO(cleaned.blob))

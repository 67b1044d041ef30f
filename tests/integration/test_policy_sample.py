"""The sample brief that uses what government desks need (issue 15), read back as users do.

briefs/isk-regional-framework.yaml has key judgements, portion marks under UK Government
Security Classifications with one OFFICIAL-SENSITIVE section, cross-references to a figure, a
table and recommendations, abbreviations spelled out in the text, and the default archival
PDF. It is built once, through the CLI; the DOCX is read with python-docx, LibreOffice and
pandoc, the PDF with pypdf and pdftotext.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pypandoc
import pytest
from docx import Document as open_docx
from lxml import etree
from pypdf import PdfReader

from tests.conftest import BRIEFS, REPO
from tests.writers.typst.test_writer import xmp_ids

SPEC = BRIEFS / "isk-regional-framework.yaml"
STEM = "2023-07-03-isk-regional-framework"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}
MARK = re.compile(r"^\((O|OS)\) ")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("policy")
    result = subprocess.run(
        [sys.executable, "-m", "briefgen", "build", "--fail-on-warning", str(SPEC), "-o",
         str(out)], cwd=REPO, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    return out


def _pdf_text(path: Path) -> list[str]:
    """The text of each page, as pdftotext lays it out."""
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout
    return text.split("\f")[:-1]


def test_the_pdf_claims_pdf_a_2a_and_pdf_ua_1(built: Path) -> None:
    # Typst checks each standard as it exports, so a PDF that would break one is not written.
    assert xmp_ids(built / f"{STEM}.pdf") == {
        "pdfaid:part": "2", "pdfaid:conformance": "A", "pdfuaid:part": "1"}


def test_every_pdf_page_carries_the_highest_banner_top_and_bottom(built: Path) -> None:
    pages = _pdf_text(built / f"{STEM}.pdf")
    assert len(pages) >= 2
    for page in pages:
        lines = [line.strip() for line in page.splitlines() if line.strip()]
        assert lines[0] == "OFFICIAL-SENSITIVE"
        assert lines[-1] == "OFFICIAL-SENSITIVE"


def test_every_docx_body_portion_is_marked_and_the_banner_is_the_highest(built: Path) -> None:
    word = open_docx(str(built / f"{STEM}.docx"))
    prose = [p for p in word.paragraphs
             if p.style is not None and p.style.name in ("Body Text", "Normal", "Quote",
                                                         "List Bullet", "Key Judgement",
                                                         "Caption")
             and p.text.strip()]
    assert len(prose) >= 10
    unmarked = [p.text for p in prose if not MARK.match(p.text)]
    assert unmarked == []
    assert any(p.text.startswith("(OS) ") for p in prose)
    for section in word.sections:
        header = " ".join(p.text for p in section.header.paragraphs)
        footer = " ".join(p.text for p in section.footer.paragraphs)
        assert "OFFICIAL-SENSITIVE" in header and "OFFICIAL-SENSITIVE" in footer


def test_cross_references_are_ref_fields_to_bookmarks_that_exist(built: Path) -> None:
    with zipfile.ZipFile(built / f"{STEM}.docx") as z:
        body = etree.fromstring(z.read("word/document.xml"))
    bookmarks = {b.get(f"{{{W}}}name") for b in body.iter(f"{{{W}}}bookmarkStart")}
    instructions = ["".join(t.text or "" for t in body.iter(f"{{{W}}}instrText")
                            if t.getparent() is r) for r in body.iter(f"{{{W}}}r")]
    refs = [i.split()[1] for i in (s.strip() for s in instructions) if i.startswith("REF ")]
    assert len(refs) >= 8  # summary, body, caption and recommendations
    assert set(refs) <= bookmarks


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_shows_the_numbers_the_fields_point_at(built: Path, tmp_path: Path) -> None:
    subprocess.run(["soffice", "--headless", "--convert-to", "txt:Text (encoded):UTF8", "--outdir",
                    str(tmp_path), str(built / f"{STEM}.docx")], capture_output=True,
                   check=True, timeout=180, env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"})
    text = " ".join((tmp_path / f"{STEM}.txt").read_text(encoding="utf-8-sig").split())
    assert "fighters or more (Figure 1)" in text
    assert "the tolls of its attacks (Table 1)" in text
    assert "regional framework (Recommendation 1)" in text
    assert "so that Recommendation 1 starts from shared numbers" in text


def test_pandoc_reads_the_docx_with_its_numbers_judgements_and_abbreviations(
        built: Path) -> None:
    text = " ".join(pypandoc.convert_file(str(built / f"{STEM}.docx"), "plain").split())
    assert "(Figure 1)" in text and "(Table 1)" in text and "(Recommendation 2)" in text
    assert "Very likely (moderate confidence):" in text
    assert "Estimative language" in text
    # The abbreviations section lists what the text spells out ("... (CFR)") by its term.
    abbreviations = text[text.index("Abbreviations"):]
    assert "CFR" in abbreviations and "Council on Foreign Relations" in abbreviations
    assert "ICG" in abbreviations and "International Crisis Group" in abbreviations


def test_the_pdf_links_each_reference_inside_the_document(built: Path) -> None:
    reader = PdfReader(built / f"{STEM}.pdf")
    internal = 0
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            link = annotation.get_object()
            if link.get("/Subtype") == "/Link" and "/Dest" in link or (
                    "/A" in link and link["/A"].get("/S") == "/GoTo"):
                internal += 1
    assert internal >= 8

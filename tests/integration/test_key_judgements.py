"""A brief with key judgements and abbreviations, built through the CLI and read back the way
users' tools read it: python-docx and LibreOffice for the DOCX, pdftotext and pypdf for the
PDF. Both must print each judgement led by its term and confidence, the Abbreviations section
and the Estimative language note, the same in both formats."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from docx import Document as open_docx

from tests.conftest import REPO, ROOTS
from tests.writers.typst.test_writer import xmp_ids

BRIEF = ROOTS / "key-judgements" / "brief.yaml"
LEADS = ["Likely (moderate confidence):", "Remote (low confidence):",
         "Almost certainly (high confidence):"]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "briefgen", *args], cwd=REPO,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("kj")
    result = run("build", "--fail-on-warning", str(BRIEF), "-o", str(out))
    assert result.returncode == 0, result.stderr
    return out


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u00ad\n", "").replace("-\n", "-"))


def pdf_text(built: Path, *args: str) -> str:
    """The PDF's text, white space folded; with ``-layout`` a row of columns stays a line."""
    return flat(subprocess.run(["pdftotext", *args, str(built / "2021-07-15-brief.pdf"), "-"],
                               check=True, capture_output=True, text=True).stdout)


def test_the_docx_leads_each_judgement_with_its_term_and_confidence(built: Path) -> None:
    word = open_docx(str(built / "2021-07-15-brief.docx"))
    judgements = [p for p in word.paragraphs if p.style.name == "Key Judgement"]
    assert [p.runs[0].text for p in judgements] == LEADS
    assert all(p.runs[0].style.name == "Estimative Term" for p in judgements)
    assert judgements[0].text.startswith("Likely (moderate confidence): MINUSMA will ask")
    headings = [p.text for p in word.paragraphs if p.style.name == "Heading 1"]
    assert headings.index("Key judgements") == headings.index("Summary") + 1
    assert headings[-3:] == ["Abbreviations", "Estimative language", "Sources"]


def test_the_docx_lists_abbreviations_and_explains_the_terms(built: Path) -> None:
    word = open_docx(str(built / "2021-07-15-brief.docx"))
    glossary = [p.text.split("\t") for p in word.paragraphs if p.style.name == "Glossary"]
    assert glossary[:2] == [
        ["FPU", "formed police unit"],
        ["MINUSMA", "United Nations Multidimensional Integrated Stabilization Mission in Mali"]]
    assert [g[0] for g in glossary[2:]] == ["High confidence", "Moderate confidence",
                                             "Low confidence"]
    terms = word.tables[-1]
    rows = [[c.text for c in row.cells] for row in terms.rows]
    assert rows[0] == ["Likelihood", "Or", "Probability"]
    assert ["Roughly even chance", "roughly even odds", "45–55%"] in rows
    assert len(rows) == 8


def test_the_pdf_prints_the_same(built: Path) -> None:
    text = pdf_text(built)
    for lead in LEADS:
        assert lead in text
    assert "Likely (moderate confidence): MINUSMA will ask contributors" in text
    assert text.index("Key judgements") < text.index("The police share")
    rows = pdf_text(built, "-layout")
    assert "FPU formed police unit" in rows
    assert "Estimative language" in text and "Almost no chance remote 01–05%" in rows
    assert "Moderate confidence Credibly sourced" in rows
    assert text.index("Abbreviations") < text.index("Estimative language") < text.index(
        "Sources")


def test_the_pdf_is_archival_and_accessible(built: Path) -> None:
    assert xmp_ids(built / "2021-07-15-brief.pdf") == {
        "pdfaid:part": "2", "pdfaid:conformance": "A", "pdfuaid:part": "1"}


def test_pdf_standard_ua_1_alone(tmp_path: Path) -> None:
    spec = tmp_path / "ua.yaml"
    spec.write_text(BRIEF.read_text(encoding="utf-8") + "pdf_standard: ua-1\n", encoding="utf-8")
    # Beside the fixture, so the seeds and templates above it are found.
    local = BRIEF.parent / ".ua-only.yaml"
    local.write_text(spec.read_text(encoding="utf-8"), encoding="utf-8")
    try:
        result = run("build", str(local), "-o", str(tmp_path), "--format", "pdf")
    finally:
        local.unlink()
    assert result.returncode == 0, result.stderr
    assert xmp_ids(tmp_path / "2021-07-15-ua-only.pdf") == {"pdfuaid:part": "1"}


def test_libreoffice_reads_the_judgements(built: Path, tmp_path: Path) -> None:
    subprocess.run(["soffice", "--headless", "--convert-to", "txt:Text", "--outdir",
                    str(tmp_path), str(built / "2021-07-15-brief.docx")],
                   check=True, capture_output=True, timeout=180)
    text = (tmp_path / "2021-07-15-brief.txt").read_text(encoding="utf-8-sig")
    assert "Remote (low confidence): Contributors will withdraw" in text
    assert "MINUSMA\tUnited Nations Multidimensional" in text

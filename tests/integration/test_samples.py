"""Build every sample brief and read the results with the tools users have.

DOCX through python-docx, zipfile and LibreOffice; PDF through pypdf, pdftotext and pdffonts.
The builds run once per session (module fixture) as a user runs them: the CLI, in a process.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from docx import Document as open_docx
from pypdf import PdfReader

from briefgen.model.nodes import Document, Figure, Recommendation, Table
from briefgen.pipeline import BuildOptions, build_document, check, output_stem
from tests.conftest import BRIEFS, REPO

SPECS = sorted(BRIEFS.glob("*.yaml"))
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
ARABIC_LINE = "مركز المستقبل"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("output")
    result = subprocess.run(
        [sys.executable, "-m", "briefgen", "build", *map(str, SPECS), "-o", str(out)],
        cwd=REPO, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return out


@pytest.fixture(scope="module")
def models() -> dict[str, Document]:
    return {spec.stem: build_document(check(spec), BuildOptions()) for spec in SPECS}


def outputs(built: Path, spec: Path, suffix: str) -> Path:
    stem = output_stem(check(spec).spec)
    path = built / f"{stem}{suffix}"
    assert path.is_file(), f"missing {path.name}; have {sorted(p.name for p in built.iterdir())}"
    return path


def test_at_least_three_samples() -> None:
    assert len(SPECS) >= 3


@pytest.mark.parametrize("spec", SPECS, ids=lambda p: p.stem)
def test_docx_has_one_real_footnote_per_citation(built: Path, models: dict[str, Document],
                                                 spec: Path) -> None:
    path = outputs(built, spec, ".docx")
    expected = len(models[spec.stem].notes())
    assert expected > 0
    with zipfile.ZipFile(path) as z:
        document_xml = z.read("word/document.xml").decode()
        footnotes_xml = z.read("word/footnotes.xml").decode()
    references = re.findall(r"<w:footnoteReference [^>]*w:id=\"(\d+)\"", document_xml)
    bodies = re.findall(r"<w:footnote (?:(?!w:type)[^>])*w:id=\"(\d+)\"", footnotes_xml)
    real = [b for b in bodies if int(b) > 0]
    assert len(references) == expected
    assert sorted(set(references), key=int) == sorted(real, key=int)


@pytest.mark.parametrize("spec", SPECS, ids=lambda p: p.stem)
def test_docx_styles_pictures_header_footer_properties(built: Path, models: dict[str, Document],
                                                       spec: Path) -> None:
    path = outputs(built, spec, ".docx")
    doc = open_docx(str(path))
    model = models[spec.stem]
    styles = {p.style.name for p in doc.paragraphs}
    assert {"Title", "Heading 1", "Quote", "Caption"} <= styles, styles
    # Alt text on every picture.
    pictures = doc.element.body.findall(".//{*}docPr")
    figures = [b for b in model.body if isinstance(b, Figure)]
    assert len(pictures) == len(figures)
    assert all(p.get("descr") for p in pictures)
    # Header with the marking; footer with PAGE and NUMPAGES fields.
    section = doc.sections[0]
    header_xml = section.header._element.xml
    footer_xml = section.footer._element.xml
    if model.meta.marking:
        assert model.meta.marking in header_xml
    assert re.search(r"\bPAGE\b", footer_xml) and "NUMPAGES" in footer_xml
    # Core properties from the spec.
    props = doc.core_properties
    assert props.title == model.meta.title
    assert props.author
    assert props.created is not None and props.created.date().isoformat() == model.meta.date


@pytest.mark.parametrize("spec", SPECS, ids=lambda p: p.stem)
def test_pdf_tagged_fonts_embedded_title(built: Path, models: dict[str, Document],
                                         spec: Path) -> None:
    path = outputs(built, spec, ".pdf")
    reader = PdfReader(str(path))
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    assert reader.metadata is not None and reader.metadata.title == models[spec.stem].meta.title
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True)
    rows = fonts.stdout.splitlines()[2:]
    assert rows and all(" yes " in row for row in rows), fonts.stdout


@pytest.mark.parametrize("spec", SPECS, ids=lambda p: p.stem)
def test_same_numbering_in_docx_and_pdf(built: Path, models: dict[str, Document],
                                        spec: Path) -> None:
    model = models[spec.stem]
    pdf_text = subprocess.run(["pdftotext", "-layout", str(outputs(built, spec, ".pdf")), "-"],
                              capture_output=True, text=True, check=True).stdout
    docx_text = "\n".join(p.text for p in open_docx(str(outputs(built, spec, ".docx"))).paragraphs)
    for block in model.body:
        if isinstance(block, Figure):
            label = f"Figure {block.number}"
        elif isinstance(block, Table):
            label = f"Table {block.number}"
        elif isinstance(block, Recommendation):
            label = f"Recommendation {block.number}"
        else:
            continue
        assert label in pdf_text, label
        assert label in docx_text, label


def test_arabic_line_is_text_in_pdf(built: Path) -> None:
    carrying = [s for s in SPECS if "isk-peace-process" in s.read_text(encoding="utf-8")
                and ARABIC_LINE in s.read_text(encoding="utf-8")]
    assert carrying, "a sample brief must quote the Arabic line"
    for spec in carrying:
        text = subprocess.run(["pdftotext", str(outputs(built, spec, ".pdf")), "-"],
                              capture_output=True, text=True, check=True).stdout
        assert ARABIC_LINE in text


@pytest.mark.skipif(shutil.which("libreoffice") is None, reason="LibreOffice not installed")
def test_libreoffice_opens_every_docx(built: Path, tmp_path: Path) -> None:
    docs = [outputs(built, spec, ".docx") for spec in SPECS]
    result = subprocess.run(
        ["libreoffice", f"-env:UserInstallation=file://{tmp_path}/profile", "--headless",
         "--convert-to", "pdf", "--outdir", str(tmp_path),
         *map(str, docs)],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    for doc in docs:
        converted = tmp_path / (doc.stem + ".pdf")
        assert converted.is_file() and len(PdfReader(str(converted)).pages) >= 2


def test_same_inputs_give_identical_bytes(built: Path, tmp_path: Path) -> None:
    spec = SPECS[0]
    result = subprocess.run([sys.executable, "-m", "briefgen", "build", str(spec), "-o",
                             str(tmp_path)], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    for suffix in (".docx", ".pdf"):
        again = outputs(tmp_path, spec, suffix)
        assert again.read_bytes() == outputs(built, spec, suffix).read_bytes(), suffix

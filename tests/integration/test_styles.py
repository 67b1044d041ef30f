"""Citation styles end to end: build through the CLI, read the DOCX and PDF back as users do.

The default (Chicago notes-bibliography) must give one real footnote per citation in both
formats and a bibliography; ``--style apa`` (or ``citation_style: apa`` in the spec) and
``--style chicago-author-date`` must give no footnotes, (Author, year) citations in the text
and a reference list. Whatever the style, the DOCX and the PDF must say the same thing: every
note and every bibliography entry of the model is found in both.
"""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from docx import Document as open_docx
from pypdf import PdfReader

from briefgen.citations.html_runs import plain_text
from briefgen.model.nodes import Bibliography, Document, Heading, Note
from briefgen.pipeline import BuildOptions, build_document, check
from tests.conftest import BRIEFS, REPO, ROOTS

SAMPLE = BRIEFS / "isk-afghanistan.yaml"  # cites dated, undated, signed and unsigned sources
APA_ROOT = ROOTS / "apa-style" / "brief.yaml"  # says citation_style: apa
STYLES = ("chicago-note-bibliography", "apa", "chicago-author-date")
# "(Fenton-Harvey, 2023" (APA) or "(Fenton-Harvey 2023" (Chicago author-date); "n.d." undated.
AUTHOR_YEAR = {
    "apa": re.compile(r"\((?:[A-Z][\w’'‐-]*\s?)+, (?:\d{4}|n\.d\.)"),
    "chicago-author-date": re.compile(r"\((?:[A-Z][\w’'‐-]*\s?)+ (?:\d{4}|n\.d\.)"),
}


def run_build(spec: Path, out: Path, *style: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "briefgen", "build", str(spec), "-o", str(out), *style],
        cwd=REPO, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Style -> output folder of the sample built in that style (the default given no flag)."""
    folders = {}
    for style in STYLES:
        out = tmp_path_factory.mktemp(style)
        flag = () if style == "chicago-note-bibliography" else ("--style", style)
        run_build(SAMPLE, out, *flag)
        folders[style] = out
    return folders


@pytest.fixture(scope="module")
def models() -> dict[str, Document]:
    checked = check(SAMPLE)
    return {style: build_document(checked, BuildOptions(style=style)) for style in STYLES}


def output(folder: Path, suffix: str) -> Path:
    found = sorted(folder.glob(f"*{suffix}"))
    assert len(found) == 1, sorted(p.name for p in folder.iterdir())
    return found[0]


def docx_xml(path: Path, part: str) -> str:
    with zipfile.ZipFile(path) as z:
        return z.read(part).decode() if part in z.namelist() else ""


def footnote_references(path: Path) -> list[str]:
    return re.findall(r"<w:footnoteReference [^>]*w:id=\"(\d+)\"", docx_xml(path, "word/document.xml"))


def docx_text(path: Path) -> str:
    """Body paragraphs, table cells and footnotes, as python-docx reads them."""
    doc = open_docx(str(path))
    parts = [p.text for p in doc.paragraphs]
    parts += [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
    footnotes = docx_xml(path, "word/footnotes.xml")
    for body in re.findall(r"<w:footnote\b.*?</w:footnote>", footnotes, re.S):
        parts.append("".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", body)))
    return "\n".join(parts)


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def pdf_structure_count(path: Path, role: str) -> int:
    """How many elements of ``role`` (e.g. /Note) the tagged PDF's structure tree holds."""
    reader = PdfReader(str(path))
    count = 0
    stack: list[Any] = [reader.trailer["/Root"]["/StructTreeRoot"]]
    while stack:
        node = stack.pop()
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, dict):
            count += node.get("/S") == role
            if "/K" in node:
                stack.append(node["/K"])
        elif isinstance(node, list):
            stack.extend(node)
    return count


def numbered_note_lines(text: str) -> int:
    """How many notes 1, 2, 3, ... stand, in order, at the start of lines of the PDF text."""
    expected = 1
    for match in re.finditer(r"^(\d+) \S", text, re.M):
        if int(match.group(1)) == expected:
            expected += 1
    return expected - 1


def squeezed(text: str) -> str:
    """Text with what line breaking changes taken out: spaces, hyphens, soft hyphens."""
    return re.sub(r"[\s\u00ad\u2010\u2011-]+", "", text)


def bibliography_texts(model: Document) -> list[str]:
    entries = [e for b in model.body if isinstance(b, Bibliography) for e in b.entries]
    return [plain_text(e.runs) for e in entries]


def headings(model: Document) -> list[str]:
    return [plain_text(b.runs) for b in model.body if isinstance(b, Heading)]


# ------------------------------------------------------------------ default: notes-bibliography


def test_default_gives_one_real_footnote_per_citation(built: dict[str, Path],
                                                      models: dict[str, Document]) -> None:
    model = models["chicago-note-bibliography"]
    notes = model.notes()
    assert len(notes) > 10
    docx = output(built["chicago-note-bibliography"], ".docx")
    pdf = output(built["chicago-note-bibliography"], ".pdf")
    references = footnote_references(docx)
    assert len(references) == len(notes) == len(set(references))
    # The PDF: one tagged /Note per footnote, numbered 1..N at the feet of the pages.
    assert pdf_structure_count(pdf, "/Note") == len(notes)
    text = pdf_text(pdf)
    assert numbered_note_lines(text) == len(notes)
    # A full note first, "Ibid." where the style calls for it, the same words in both files.
    texts = [plain_text(n.runs) for n in notes]
    assert any(t.startswith("Ibid.") for t in texts)
    docx_all = squeezed(docx_text(docx))
    pdf_all = squeezed(text)
    for note in texts:
        assert squeezed(note) in docx_all, note
        assert squeezed(note) in pdf_all, note


def test_default_has_a_bibliography_titled_sources(built: dict[str, Path],
                                                   models: dict[str, Document]) -> None:
    model = models["chicago-note-bibliography"]
    assert "Sources" in headings(model) and "References" not in headings(model)
    doc = open_docx(str(output(built["chicago-note-bibliography"], ".docx")))
    assert any(p.text == "Sources" and p.style.name == "Heading 1" for p in doc.paragraphs)
    assert re.search(r"^Sources$", pdf_text(output(built["chicago-note-bibliography"], ".pdf")),
                     re.M)


# ------------------------------------------------------------------------- author-date styles


@pytest.mark.parametrize("style", ["apa", "chicago-author-date"])
def test_author_date_styles_cite_in_the_text(built: dict[str, Path], models: dict[str, Document],
                                             style: str) -> None:
    assert models[style].notes() == []
    docx = output(built[style], ".docx")
    pdf = output(built[style], ".pdf")
    assert footnote_references(docx) == []
    assert "<w:footnoteReference" not in docx_xml(docx, "word/document.xml")
    assert pdf_structure_count(pdf, "/Note") == 0
    for text in (docx_text(docx), pdf_text(pdf)):
        assert AUTHOR_YEAR[style].search(text), text[:500]
        # A dated source: its year; undated ones: "n.d." (APA 7 §9.17, CMOS 17 §15.44).
        assert "Fenton-Harvey, 2023" in text if style == "apa" else "Fenton-Harvey 2023" in text
        assert "n.d." in text


@pytest.mark.parametrize("style", ["apa", "chicago-author-date"])
def test_author_date_styles_end_in_a_reference_list(built: dict[str, Path],
                                                    models: dict[str, Document],
                                                    style: str) -> None:
    assert "References" in headings(models[style])
    doc = open_docx(str(output(built[style], ".docx")))
    assert any(p.text == "References" and p.style.name == "Heading 1" for p in doc.paragraphs)
    assert re.search(r"^References$", pdf_text(output(built[style], ".pdf")), re.M)


# ------------------------------------------------------------------- the same words in both


@pytest.mark.parametrize("style", STYLES)
def test_bibliography_entries_are_the_same_in_docx_and_pdf(built: dict[str, Path],
                                                           models: dict[str, Document],
                                                           style: str) -> None:
    entries = bibliography_texts(models[style])
    assert len(entries) >= 5
    docx = squeezed(docx_text(output(built[style], ".docx")))
    pdf = squeezed(pdf_text(output(built[style], ".pdf")))
    for entry in entries:
        assert squeezed(entry) in docx, entry
        assert squeezed(entry) in pdf, entry


# ----------------------------------------------------------------- the spec chooses the style


def test_citation_style_in_the_spec_gives_apa(tmp_path: Path) -> None:
    run_build(APA_ROOT, tmp_path)
    model = build_document(check(APA_ROOT), BuildOptions())
    assert model.notes() == []
    docx = output(tmp_path, ".docx")
    pdf = output(tmp_path, ".pdf")
    assert footnote_references(docx) == []
    assert pdf_structure_count(pdf, "/Note") == 0
    for text in (squeezed(docx_text(docx)), squeezed(pdf_text(pdf))):
        assert squeezed("(Fenton-Harvey, 2023, para. 1)") in text
        # An article without an author: its short title in quotation marks (APA 7 §8.14).
        assert squeezed("(“Isis-K,” n.d.)") in text
        assert squeezed("(Ali, n.d., para. 2)") in text
        # The table cites two paragraphs of one source: named once (APA 7 §8.12).
        assert squeezed("(“Isis-K,” n.d., paras. 1, 2)") in text
        assert "References" in text


def test_style_flag_overrides_the_spec(tmp_path: Path) -> None:
    run_build(APA_ROOT, tmp_path, "--style", "chicago-note-bibliography")
    model = build_document(check(APA_ROOT), BuildOptions(style="chicago-note-bibliography"))
    assert len(footnote_references(output(tmp_path, ".docx"))) == len(model.notes()) > 0
    assert pdf_structure_count(output(tmp_path, ".pdf"), "/Note") == len(model.notes())


def test_unknown_style_is_a_clear_error(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "briefgen", "build", str(SAMPLE), "-o", str(tmp_path),
         "--style", "harvard"],
        cwd=REPO, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "harvard" in result.stderr and "apa" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_notes_in_the_model_are_notes(models: dict[str, Document]) -> None:
    assert all(isinstance(n, Note) and n.runs for n in models["chicago-note-bibliography"].notes())

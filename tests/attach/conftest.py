"""Fixtures for attaching: a sample brief and a small brief with lists, built once; reports
made the way an analyst's colleague might, with python-docx and pypdf."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from docx import Document as new_docx
from docx.enum.style import WD_STYLE_TYPE
from docx.shared import Pt
from pypdf import PdfWriter

from briefgen.pipeline import BuildOptions, build
from tests.conftest import BRIEFS

HERE = Path(__file__).resolve().parent
REPORT_HEADER = "Annual Report 2021 - Institute for Peace Operations"
REPORT_PARAGRAPHS = (
    "This report reviews the year's work on peace operations.",
    "It draws on field visits to Bamako, Gao and Mopti.",
    "Annexes follow the last chapter.",
)


@dataclass(frozen=True)
class BuiltBrief:
    docx: Path
    pdf: Path


def _build(spec: Path, out: Path) -> BuiltBrief:
    result = build(spec, BuildOptions(out_dir=out))
    docx_path, pdf_path = (next(p for p in result.outputs if p.suffix == s) for s in (".docx", ".pdf"))
    return BuiltBrief(docx_path, pdf_path)


@pytest.fixture(scope="session")
def sample_brief(tmp_path_factory: pytest.TempPathFactory) -> BuiltBrief:
    """The Mali sample brief: footnotes and two charts."""
    return _build(BRIEFS / "mali-minusma.yaml", tmp_path_factory.mktemp("sample"))


@pytest.fixture(scope="session")
def list_brief(tmp_path_factory: pytest.TempPathFactory) -> BuiltBrief:
    """A short brief with a numbered and a bulleted list, a note and a captioned chart."""
    return _build(HERE / "roots" / "lists" / "brief.yaml", tmp_path_factory.mktemp("lists"))


def make_report_docx(path: Path, chapters: tuple[str, ...] = ()) -> Path:
    """A report as python-docx makes it: its own header, its own body style, three paragraphs,
    then a Heading 1 chapter with one paragraph for each name in ``chapters``."""
    report = new_docx()
    report.sections[0].header.paragraphs[0].text = REPORT_HEADER
    style = report.styles.add_style("Report Body", WD_STYLE_TYPE.PARAGRAPH)
    style.font.name = "Liberation Mono"
    style.font.size = Pt(10)
    for text in REPORT_PARAGRAPHS:
        report.add_paragraph(text, style="Report Body")
    for name in chapters:
        report.add_heading(name, level=1)
        report.add_heading(f"{name}, part one", level=2)
        report.add_paragraph(f"The text of {name}.", style="Report Body")
    report.save(str(path))
    return path


@pytest.fixture
def report_docx(tmp_path: Path) -> Path:
    return make_report_docx(tmp_path / "annual-report.docx")


@pytest.fixture
def report_pdf(tmp_path: Path) -> Path:
    """A three-page PDF report with a two-level outline."""
    writer = PdfWriter()
    for _ in range(3):
        writer.add_blank_page(595, 842)
    intro = writer.add_outline_item(title="Introduction", page_number=0)
    writer.add_outline_item(title="Scope", page_number=1, parent=intro)
    writer.add_outline_item(title="Findings", page_number=2)
    path = tmp_path / "annual-report.pdf"
    with path.open("wb") as stream:
        writer.write(stream)
    return path

"""Portion marks and banners end to end, in both formats and both shipped templates.

The fixture (tests/roots/portion-marks) is a classified brief with its own small corpus:
the default mark U, one section marked CUI with an excerpt inside it marked back down to U,
bulleted lists, excerpts, a chart and a table. It is built through the command line with
each template and read back as users' tools read it: python-docx for the DOCX (every body
paragraph, header and footer), pdftotext for the PDF, page by page.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from docx import Document as open_docx
from docx.document import Document as WordDocument
from docx.text.paragraph import Paragraph

from briefgen.model.nodes import Paragraph as ParagraphNode
from briefgen.model.nodes import Table as TableNode
from briefgen.model.nodes import Text
from briefgen.pipeline import BuildOptions, build_document, check
from briefgen.writers.docx import styles as S
from tests.conftest import REPO, ROOTS

FIXTURE = ROOTS / "portion-marks"
BANNER = "CUI"
OTHER_BANNERS = ("UNCLASSIFIED", "CONFIDENTIAL", "SECRET")
MARK = re.compile(r"^\((U|CUI)\) \S")
# Paragraphs that are not portions: headings and the furniture around portions (a
# picture's paragraph, a chart's title and source line above and below its marked caption,
# a recommendation's detail lines under its marked action, the list of sources).
NOT_PORTIONS = {S.TITLE, S.SUBTITLE, S.COVER_DETAILS, *S.HEADINGS, S.FIGURE, S.FIGURE_TITLE,
                S.SOURCE_LINE, S.KEY_POINTS_HEADING, S.RECOMMENDATION_HEADING,
                S.RECOMMENDATION_DETAIL, S.BIBLIOGRAPHY, "Disclaimer"}


@pytest.fixture(scope="module", params=["default", "memo"])
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
          ) -> tuple[Path, Path]:
    """(DOCX, PDF) of the fixture built with the template ``request.param``."""
    root = tmp_path_factory.mktemp(request.param) / "desk"
    shutil.copytree(FIXTURE, root)
    spec = root / "brief.yaml"
    text = spec.read_text(encoding="utf-8")
    spec.write_text(f"template: {request.param}\n{text}", encoding="utf-8")
    out = root / "out"
    result = subprocess.run([sys.executable, "-m", "briefgen", "build", str(spec), "-o",
                             str(out)], cwd=REPO, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    return out / "2024-05-06-brief.docx", out / "2024-05-06-brief.pdf"


def body_paragraphs(word: WordDocument) -> list[Paragraph]:
    """The paragraphs of the body in reading order, those in the key points box included
    (a one-cell table); the cells of data tables are a table's, marked by its caption."""
    found: list[Paragraph] = []
    for block in word.iter_inner_content():
        if isinstance(block, Paragraph):
            found.append(block)
        elif block.style is not None and block.style.name == S.KEY_POINTS_BOX:
            found += block.cell(0, 0).paragraphs
    return found


def portions(word: WordDocument) -> list[str]:
    """The text of every paragraph a portion prints, from the first heading on (the cover
    or memo head before it is the template's)."""
    paragraphs = body_paragraphs(word)
    start = next(i for i, p in enumerate(paragraphs) if p.style.name in S.HEADINGS)
    return [p.text for p in paragraphs[start:]
            if p.style is not None and p.style.name not in NOT_PORTIONS and p.text.strip()]


def test_every_body_paragraph_of_the_docx_starts_with_its_mark(built: tuple[Path, Path]
                                                               ) -> None:
    word = open_docx(str(built[0]))
    texts = portions(word)
    # The summary, its two bullets and the key point; two paragraphs, two bullets, an
    # excerpt and two captions; two paragraphs and two excerpts; two recommendations.
    assert len(texts) == 17
    unmarked = [t for t in texts if not MARK.match(t)]
    assert unmarked == []
    # Which mark: the section's, the excerpt's own, the default's.
    by_start = {t.split(" ", 1)[1][:30]: t.split(" ", 1)[0] for t in texts}
    assert by_start["The board has not yet publishe"] == "(CUI)"
    assert by_start["Engine faults caused 97 of the"] == "(CUI)"  # its section's
    assert by_start["The harbour recorded 1,148 com"] == "(U)"  # its own, below its section
    assert by_start["goods wait on the quay;"] == "(U)"  # a bullet
    assert by_start["A cancelled crossing costs a t"] == "(U)"  # a key point
    assert by_start["Fund two new vessels in the ne"] == "(CUI)"  # a recommendation
    captions = [p.text for p in body_paragraphs(word) if p.style.name == S.CAPTION]
    assert captions == ["(U) Figure 1: Crossings completed and cancelled in 2023",
                        "(U) Table 1: Why crossings were cancelled"]


def test_every_docx_header_and_footer_carries_the_highest_banner(built: tuple[Path, Path]
                                                                 ) -> None:
    word = open_docx(str(built[0]))
    for section in word.sections:
        stories = [section.header, section.footer]
        if section.different_first_page_header_footer:
            stories += [section.first_page_header, section.first_page_footer]
        for story in stories:
            texts = [p.text for p in story.paragraphs]
            fields = [f.strip() for t in texts for f in t.split("\t")]
            assert fields.count(BANNER) == 1, texts
            assert not any(other in t for other in OTHER_BANNERS for t in texts)
        # At the top of the header, at the bottom of the footer.
        assert BANNER in section.header.paragraphs[0].text.split("\t")
        assert section.footer.paragraphs[-1].text.split("\t")[-1].strip() == BANNER


def pdf_pages(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    return text.split("\f")[:-1]


def test_every_pdf_page_has_the_banner_at_top_and_bottom(built: tuple[Path, Path]) -> None:
    pages = pdf_pages(built[1])
    assert len(pages) >= 2
    for number, page in enumerate(pages, start=1):
        lines = [line.strip() for line in page.splitlines() if line.strip()]
        assert lines[0] == BANNER, f"page {number} starts with {lines[0]!r}"
        assert lines[-1] == BANNER, f"page {number} ends with {lines[-1]!r}"
        assert not any(other in page for other in OTHER_BANNERS)


def test_every_pdf_paragraph_starts_with_the_mark_the_docx_gives_it(built: tuple[Path, Path]
                                                                    ) -> None:
    pdf_text = " ".join(" ".join(pdf_pages(built[1])).split())
    texts = portions(open_docx(str(built[0])))
    for text in texts:
        opening = " ".join(text.split()[:4])  # the mark and the first words
        assert opening in pdf_text, opening
    for mark in ("(U) ", "(CUI) "):
        assert pdf_text.count(mark) == sum(t.startswith(mark) for t in texts), mark


def test_the_model_carries_the_banner_as_the_marking(tmp_path: Path) -> None:
    root = tmp_path / "desk"
    shutil.copytree(FIXTURE, root)
    spec = root / "brief.yaml"
    spec.write_text("evidence_annex: true\n" + spec.read_text(encoding="utf-8"),
                    encoding="utf-8")
    document = build_document(check(spec), BuildOptions(cache_dir=tmp_path / "cache"))
    assert document.meta.banner == document.meta.marking == BANNER
    # The annex repeats every quotation, so it takes the highest marking.
    annex = document.body[[getattr(b, "anchor", "") for b in document.body].index(
        "evidence-annex"):]
    paragraph = next(b for b in annex if isinstance(b, ParagraphNode))
    table = next(b for b in annex if isinstance(b, TableNode))
    assert paragraph.runs[0] == Text("(CUI) ") and table.mark == "(CUI)"


def test_a_brief_without_classification_has_no_marks(tmp_path: Path) -> None:
    document = build_document(check(ROOTS / "table-rows" / "brief.yaml"),
                              BuildOptions(cache_dir=tmp_path / "cache"))
    assert document.meta.banner == ""
    texts = [i.text for i in document.walk_inlines() if isinstance(i, Text)]
    assert not any(MARK.match(t + "x") for t in texts)

"""Cross-references end to end: the fixture built through the command line and read back with
the tools readers use (python-docx and lxml, LibreOffice, pandoc; pdftotext and pdfplumber).

The fixture (tests/roots/cross-references) refers to two charts, a table and three
recommendations from its summary, key points, bodies, a list, a table cell, a caption and
recommendations' actions. What each reference must print is worked out here from the spec's
YAML (the order of its charts, tables and recommendations), not taken from briefgen.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pdfplumber
import pypandoc
import pytest
import yaml
from docx import Document as open_docx
from docx.oxml.ns import qn
from lxml import etree

from tests.conftest import REPO, ROOTS

ROOT = ROOTS / "cross-references"
SPEC_TEXT = (ROOT / "brief.yaml").read_text(encoding="utf-8")
SPEC = yaml.safe_load(SPEC_TEXT)
# The spec without its comment lines: the text the references are written in.
WRITTEN_TEXT = "\n".join(ln for ln in SPEC_TEXT.splitlines() if not ln.lstrip().startswith("#"))
REFERENCE = re.compile(r"@(fig|tbl|rec):([\w./-]*\w)")
WORD = {"fig": "Figure", "tbl": "Table", "rec": "Recommendation"}
# A Word bookmark name: a letter first (or "_" for the hidden ones), at most 40 characters.
BOOKMARK_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,39}$")


def expected_numbers() -> dict[str, str]:
    """"fig:attendance" -> "Figure 2": figures and tables counted through the sections in
    order, recommendations in theirs."""
    printed: dict[str, str] = {}
    charts = [c for s in SPEC["sections"] for c in s.get("charts", [])]
    tables = [t for s in SPEC["sections"] for t in s.get("tables", [])]
    for prefix, items in (("fig", charts), ("tbl", tables), ("rec", SPEC["recommendations"])):
        for n, item in enumerate(items, start=1):
            if "id" in item:
                printed[f"{prefix}:{item['id']}"] = f"{WORD[prefix]} {n}"
    return printed


PRINTED = expected_numbers()
# Every reference in the spec, in order, as written after its @.
WRITTEN = [f"{m.group(1)}:{m.group(2)}" for m in REFERENCE.finditer(WRITTEN_TEXT)]


def phrases() -> list[str]:
    """The words a reader sees around single references in the spec's text, with the number
    in place of each reference: "as Figure 2 shows"."""
    found = []
    for match in re.finditer(r"\b(\w+)\s+\[@((?:fig|tbl|rec):[\w.-]*\w)\]\s+(\w+)\b",
                             WRITTEN_TEXT):
        found.append(f"{match.group(1)} {PRINTED[match.group(2)]} {match.group(3)}")
    return found


def readable(text: str) -> str:
    """Extracted text as one line: soft hyphens at line ends joined, spaces collapsed."""
    text = re.sub("\u00ad\\s*", "", text)
    return re.sub(r"\s+", " ", text)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("cross-references")
    result = subprocess.run(
        [sys.executable, "-m", "briefgen", "build", str(ROOT / "brief.yaml"), "-o", str(out),
         "--fail-on-warning"],
        cwd=REPO, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return out


def output(folder: Path, suffix: str) -> Path:
    [found] = folder.glob(f"*{suffix}")
    return found


def test_the_fixture_refers_to_every_kind_from_every_kind_of_field() -> None:
    assert {w.split(":")[0] for w in WRITTEN} == {"fig", "tbl", "rec"}
    assert set(WRITTEN) == set(PRINTED)  # every target with an id is referred to
    assert len(phrases()) >= 5


# ------------------------------------------------------------------ DOCX


def fields(paragraph: etree._Element) -> list[tuple[str, str]]:
    """(instruction, result text) of every complex field in ``paragraph``, in order."""
    out: list[tuple[str, str]] = []
    state, instruction, result = "", "", ""
    for el in paragraph.iter(qn("w:fldChar"), qn("w:instrText"), qn("w:t")):
        if el.tag == qn("w:fldChar"):
            kind = el.get(qn("w:fldCharType"))
            if kind == "begin":
                state, instruction, result = "instr", "", ""
            elif kind == "separate":
                state = "result"
            elif kind == "end":
                out.append((instruction.strip(), result))
                state = ""
        elif el.tag == qn("w:instrText") and state == "instr":
            instruction += el.text or ""
        elif el.tag == qn("w:t") and state == "result":
            result += el.text or ""
    return out


def bookmarks(body: etree._Element) -> dict[str, str]:
    """Every bookmark's name and the text it encloses (field results included, field
    instructions not: what a REF field to it shows)."""
    open_ids: dict[str, str] = {}
    texts: dict[str, str] = {}
    for el in body.iter(qn("w:bookmarkStart"), qn("w:bookmarkEnd"), qn("w:t")):
        if el.tag == qn("w:bookmarkStart"):
            open_ids[el.get(qn("w:id"))] = el.get(qn("w:name"))
            texts[el.get(qn("w:name"))] = ""
        elif el.tag == qn("w:bookmarkEnd"):
            open_ids.pop(el.get(qn("w:id")), None)
        else:
            for name in open_ids.values():
                texts[name] += el.text or ""
    return texts


def test_each_reference_is_a_ref_field_showing_the_text_of_its_bookmark(built: Path) -> None:
    body = open_docx(str(output(built, ".docx"))).element.body
    marks = bookmarks(body)
    assert all(BOOKMARK_NAME.match(name) for name in marks), sorted(marks)
    refs = [(instr, shown) for p in body.iter(qn("w:p")) for instr, shown in fields(p)
            if instr.startswith("REF ")]
    assert [shown for _, shown in refs] == [PRINTED[w] for w in WRITTEN]
    for instruction, shown in refs:
        _ref, target, switch = instruction.split()
        assert switch == "\\h"  # a link in Word
        assert target.startswith("_Ref")  # hidden from the Bookmark dialog, as Word's own
        assert marks[target] == shown  # Word's update would print the same words


def test_captions_number_with_seq_fields_inside_the_bookmark(built: Path) -> None:
    document = open_docx(str(output(built, ".docx")))
    captions = [p for p in document.paragraphs if p.style.name == "Caption"]
    numbers = {"Figure": 0, "Table": 0}
    for caption in captions:
        [(instruction, shown)] = [f for f in fields(caption._p) if f[0].startswith("SEQ ")]
        sequence = instruction.split()[1]
        numbers[sequence] += 1
        assert instruction.startswith(f"SEQ {sequence}") and shown == str(numbers[sequence])
        assert caption.text.startswith(f"{sequence} {shown}: ")
    assert numbers == {"Figure": 2, "Table": 1}
    # The chart caption that refers to the table prints its number in the caption too.
    assert any(c.text.endswith(f"(see also {PRINTED['tbl:deliveries']})") for c in captions)


def soffice_text(docx: Path, tmp: Path) -> str:
    """The DOCX as LibreOffice lays it out: converted to PDF, read with pdftotext."""
    profile = tmp / "profile"
    subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp), str(docx)],
                   check=True, capture_output=True, timeout=240)
    pdf = tmp / (docx.stem + ".pdf")
    return subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_follows_the_bookmarks_not_the_cached_text(built: Path,
                                                               tmp_path: Path) -> None:
    # Every REF field's cached result made wrong: the numbers LibreOffice prints are then
    # the ones it reads from the bookmarks, as Word's field update would.
    docx = output(built, ".docx")
    stale = tmp_path / "stale.docx"
    with zipfile.ZipFile(docx) as source, zipfile.ZipFile(stale, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "word/document.xml":
                root = etree.fromstring(data)
                for p in root.iter(qn("w:p")):
                    _make_ref_results_stale(p)
                data = etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                      standalone=True)
            target.writestr(item, data)
    assert b"Figure 99" in zipfile.ZipFile(stale).read("word/document.xml")
    text = readable(soffice_text(stale, tmp_path))
    assert "Figure 99" not in text
    for phrase in phrases():
        assert phrase in text


def _make_ref_results_stale(paragraph: etree._Element) -> None:
    in_ref = False
    state = ""
    for el in paragraph.iter(qn("w:fldChar"), qn("w:instrText"), qn("w:t")):
        if el.tag == qn("w:fldChar"):
            state = el.get(qn("w:fldCharType"))
        elif el.tag == qn("w:instrText"):
            in_ref = (el.text or "").strip().startswith("REF ")
        elif state == "separate" and in_ref:
            el.text = "Figure 99"


def test_pandoc_reads_the_docx_and_shows_the_numbers(built: Path) -> None:
    text = readable(pypandoc.convert_file(str(output(built, ".docx")), "plain"))
    for phrase in phrases():
        assert phrase in text


# ------------------------------------------------------------------ PDF


def test_the_pdf_prints_the_same_numbers(built: Path) -> None:
    text = readable(subprocess.run(["pdftotext", str(output(built, ".pdf")), "-"],
                                   check=True, capture_output=True, text=True).stdout)
    for phrase in phrases():
        assert phrase in text


def text_under(page: pdfplumber.page.Page, annot: dict) -> str:
    """The characters a link annotation covers (its QuadPoints: a link broken over two lines
    has one quadrilateral on each, else its Rect), joined as read, a line-end hyphen out."""
    numbers = [float(n) for n in annot["data"].get("QuadPoints") or []]
    if numbers:
        boxes = [(min(q[0::2]), page.height - max(q[1::2]), max(q[0::2]),
                  page.height - min(q[1::2])) for q in zip(*[iter(numbers)] * 8)]
    else:
        boxes = [(annot["x0"], annot["top"], annot["x1"], annot["bottom"])]
    covered = [c["text"] for c in page.chars
               if any(x0 <= (c["x0"] + c["x1"]) / 2 <= x1 and top <= (c["top"] + c["bottom"]) / 2
                      <= bottom for x0, top, x1, bottom in boxes)]
    return readable("".join(covered)).strip()


def test_each_reference_in_the_pdf_links_to_the_page_of_its_target(built: Path) -> None:
    linked: list[str] = []
    with pdfplumber.open(output(built, ".pdf")) as pdf:
        page_of = {page.page_obj.pageid: page for page in pdf.pages}
        for page in pdf.pages:
            for annot in page.annots:
                dest = annot["data"].get("Dest")
                if annot["data"].get("Subtype").name != "Link" or dest is None:
                    continue
                shown = text_under(page, annot)
                if not re.fullmatch(r"(Figure|Table|Recommendation) \d+", shown):
                    continue  # a footnote's mark, or a link the brief wrote
                # An internal destination: the page that shows the caption or heading.
                target = page_of[dest[0].objid]
                assert f"{shown}:" in readable(target.extract_text() or ""), shown
                linked.append(shown)
    assert sorted(linked) == sorted(PRINTED[w] for w in WRITTEN)


def test_a_reference_to_a_missing_id_builds_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "project"
    shutil.copytree(ROOT, folder)
    spec = folder / "brief.yaml"
    spec.write_text(SPEC_TEXT.replace("[@rec:stock]", "[@rec:stocks]", 1), encoding="utf-8")
    out = tmp_path / "out"
    result = subprocess.run([sys.executable, "-m", "briefgen", "build", str(spec), "-o",
                             str(out)], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.returncode == 1
    assert "did you mean 'rec:stock'?" in result.stderr and "Traceback" not in result.stderr
    assert not out.exists() or not any(out.iterdir())


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_attached_to_a_report_with_another_brief_the_references_follow_their_own(
        built: Path, tmp_path: Path) -> None:
    # The report is another brief of the same shape (another title): once the fixture is
    # attached, Word's SEQ fields number its figures and tables after the report's, and each
    # REF field must still find its own brief's bookmark, not the report's of the same number.
    folder = tmp_path / "project"
    shutil.copytree(ROOT, folder)
    report_spec = folder / "report.yaml"
    report_spec.write_text(SPEC_TEXT.replace(f"title: \"{SPEC['title']}\"",
                                             'title: "The report it goes into"', 1),
                           encoding="utf-8")
    run = [sys.executable, "-m", "briefgen"]
    subprocess.run([*run, "build", str(report_spec), "-o", str(tmp_path), "--format", "docx"],
                   cwd=REPO, check=True, capture_output=True, timeout=300)
    merged = tmp_path / "merged.docx"
    subprocess.run([*run, "attach", str(output(built, ".docx")), "--into",
                    str(output(tmp_path, "-report.docx")), "-o", str(merged)],
                   cwd=REPO, check=True, capture_output=True, timeout=300)
    body = open_docx(str(merged)).element.body
    marks = bookmarks(body)
    targets = [instr.split()[1] for p in body.iter(qn("w:p")) for instr, _ in fields(p)
               if instr.startswith("REF ")]
    assert len(targets) == 2 * len(WRITTEN) and all(t in marks for t in targets)
    assert len(set(targets)) == 2 * len(set(PRINTED.values()))  # each brief its own
    text = readable(soffice_text(merged, tmp_path))
    charts = sum(len(s.get("charts", [])) for s in SPEC["sections"])
    tables = sum(len(s.get("tables", [])) for s in SPEC["sections"])
    for phrase in phrases():
        assert phrase in text  # the report's own
        moved = re.sub(r"(Figure|Table) (\d+)", lambda m: f"{m.group(1)} "
                       f"{int(m.group(2)) + (charts if m.group(1) == 'Figure' else tables)}",
                       phrase)
        assert moved in text  # the attached brief's, renumbered after the report's

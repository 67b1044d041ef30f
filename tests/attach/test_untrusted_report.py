"""A report given to `briefgen attach` is read, not trusted: what reaches out or runs in it is
not written back out, a hostile package is refused with a message, a malformed PDF too."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfWriter
from pypdf.generic import NameObject

from briefgen.attach import AttachError, attach
from tests.attach.conftest import BuiltBrief
from tests.conftest import REPO
from tests.robustness import word_files as wf


def _cli(*args: str) -> tuple[subprocess.CompletedProcess[str], float]:
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "briefgen", "attach", *args], cwd=REPO,
                            capture_output=True, text=True, timeout=120)
    return result, time.perf_counter() - started


@pytest.mark.parametrize("name", sorted(wf.REMOVABLE))
def test_what_reaches_out_of_the_report_is_removed_with_a_warning(
    name: str, sample_brief: BuiltBrief, report_docx: Path, tmp_path: Path
) -> None:
    report = wf.craft(report_docx, tmp_path / "hostile.docx", wf.REMOVABLE[name])
    assert wf.unsafe_contents(report), "the attack was not made"
    out = tmp_path / "out.docx"
    warnings: list[str] = []
    attach(sample_brief.docx, report, out, warnings=warnings)
    assert wf.unsafe_contents(out) == []
    wf.opens_in_python_docx(out)
    assert warnings and all(str(report) in w and "from the report" in w for w in warnings)


def test_the_command_prints_what_it_removed(sample_brief: BuiltBrief, report_docx: Path,
                                           tmp_path: Path) -> None:
    report = wf.craft(report_docx, tmp_path / "hostile.docx", *wf.REMOVABLE.values())
    out = tmp_path / "out.docx"
    result, _ = _cli(str(sample_brief.docx), "--into", str(report), "-o", str(out))
    assert result.returncode == 0, result.stderr
    for what in ("attachedTemplate", "file:///etc/passwd", "DDEAUTO", "vbaProject"):
        assert what in result.stderr
    assert result.stderr.count("warning: ") >= 6


def test_the_report_keeps_its_own_content(sample_brief: BuiltBrief, report_docx: Path,
                                          tmp_path: Path) -> None:
    out = attach(sample_brief.docx, report_docx, tmp_path / "out.docx", warnings=[])
    with zipfile.ZipFile(report_docx) as before, zipfile.ZipFile(out) as after:
        kept = set(after.namelist())
        assert {n for n in before.namelist() if not n.startswith("customXml")} <= kept


@pytest.mark.parametrize("name", sorted(wf.REFUSED))
def test_a_hostile_report_is_refused_in_seconds_with_a_message(
    name: str, sample_brief: BuiltBrief, report_docx: Path, tmp_path: Path
) -> None:
    report = wf.craft(report_docx, tmp_path / "hostile.docx", wf.REFUSED[name])
    out = tmp_path / "out.docx"
    result, seconds = _cli(str(sample_brief.docx), "--into", str(report), "-o", str(out))
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert f"{report}: expected the report to be a Word document" in result.stderr
    assert not out.exists() and seconds < 30


def test_a_malformed_footnotes_part_is_a_message(sample_brief: BuiltBrief, report_docx: Path,
                                                  tmp_path: Path) -> None:
    def broken_notes(word: wf.WordZip) -> None:
        word.parts["word/footnotes.xml"] = b"<w:footnotes xmlns:w='x'><w:footnote>"
        word.relate("word/document.xml", wf.RT + "footnotes", "footnotes.xml")

    report = wf.craft(report_docx, tmp_path / "notes.docx", broken_notes)
    with pytest.raises(AttachError, match=r"word/footnotes.xml is not well-formed XML"):
        attach(sample_brief.docx, report, tmp_path / "out.docx")
    assert not (tmp_path / "out.docx").exists()


@pytest.mark.skipif(shutil.which("libreoffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_opens_what_was_made_of_a_hostile_report(
    sample_brief: BuiltBrief, report_docx: Path, tmp_path: Path
) -> None:
    report = wf.craft(report_docx, tmp_path / "hostile.docx", *wf.REMOVABLE.values())
    out = attach(sample_brief.docx, report, tmp_path / "out.docx", warnings=[])
    result = subprocess.run(
        ["libreoffice", f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
         "--headless", "--convert-to", "txt:Text", "--outdir", str(tmp_path / "txt"), str(out)],
        capture_output=True, text=True, timeout=180, check=False)
    assert result.returncode == 0, result.stderr
    text = (tmp_path / "txt" / "out.txt").read_text(encoding="utf-8-sig")
    assert "Mali after two coups" in text and "field visits to Bamako" in text


# ----------------------------------------------------------------- PDF


def looping_outline_pdf(path: Path) -> Path:
    """Three pages whose outline loops: the last item's next is the first, a child's child
    is its parent."""
    writer = PdfWriter()
    for _ in range(3):
        writer.add_blank_page(595, 842)
    first = writer.add_outline_item(title="One", page_number=0)
    second = writer.add_outline_item(title="Two", page_number=1)
    child = writer.add_outline_item(title="One.1", page_number=2, parent=first)
    second.get_object()[NameObject("/Next")] = first.indirect_reference
    child.get_object()[NameObject("/First")] = first.indirect_reference
    child.get_object()[NameObject("/Last")] = first.indirect_reference
    with path.open("wb") as stream:
        writer.write(stream)
    return path


def test_a_report_whose_outline_loops_is_a_message(sample_brief: BuiltBrief,
                                                    tmp_path: Path) -> None:
    report = looping_outline_pdf(tmp_path / "loop.pdf")
    out = tmp_path / "out.pdf"
    result, seconds = _cli(str(sample_brief.pdf), "--into", str(report), "-o", str(out))
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr and f"{report}: " in result.stderr
    assert not out.exists() and seconds < 30
    assert sorted(p.name for p in tmp_path.iterdir()) == ["loop.pdf"]


def test_a_brief_whose_outline_loops_is_attached_or_refused(report_pdf: Path,
                                                             tmp_path: Path) -> None:
    brief = looping_outline_pdf(tmp_path / "loop.pdf")
    out = tmp_path / "out.pdf"
    result, seconds = _cli(str(brief), "--into", str(report_pdf), "-o", str(out))
    assert result.returncode in (0, 1) and "Traceback" not in result.stderr
    assert out.exists() == (result.returncode == 0) and seconds < 30

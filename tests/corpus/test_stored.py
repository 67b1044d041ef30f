"""The stored text: written from an Extracted, read back as paragraphs that know their pages."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest

from briefgen.corpus.catalog import SourceCatalog
from briefgen.corpus.extract import Extracted, ExtractedPage
from briefgen.corpus.quotes import verify_quote
from briefgen.corpus.text import SourceText
from briefgen.corpus.stored import FORMAT_LINE, PAGE_MARK, parse_stored, render_stored
from briefgen.errors import SourceError
from tests.corpus.paged import ACROSS, ON_PAGE_2, ON_PAGE_3, ORIGINAL, PAGED, write_paged_project


def _round_trip(extracted: Extracted) -> SourceText:
    return parse_stored("x", render_stored(extracted, "f.pdf", "0" * 64).encode("utf-8"))


def test_pages_and_the_paragraph_across_a_break() -> None:
    text = _round_trip(PAGED)
    assert text.page_labels == ("i", "ii", "1", "2", "3")
    assert [(p.number, p.pages) for p in text.paragraphs] == [
        (1, ("ii",)), (2, ("1",)), (3, ("1", "2")), (4, ("2",)), (5, ("3",))]
    across = text.paragraphs[2]
    # One paragraph for matching, the break where page 2 begins.
    assert across.text == ("The council asked for a review of the mandate before the end of "
                           "the year, citing the situation.")
    [at] = across.breaks
    assert across.text[at:].startswith("the end of the year")
    assert across.pages_between(0, at - 1) == ("1",)
    assert across.pages_between(at, len(across.text)) == ("2",)


def test_a_match_knows_its_pages() -> None:
    text = _round_trip(PAGED)
    across = verify_quote(ACROSS, text)
    assert across is not None and across.pages == ("1", "2")
    assert across.locator == "pp. 1\u20132"
    alone = verify_quote(ON_PAGE_2, text)
    assert alone is not None and alone.pages == ("2",) and alone.locator == "p. 2"
    front = verify_quote("A foreword by the head", text)
    assert front is not None and front.locator == "p. ii"


def test_the_file_is_reviewable_text() -> None:
    written = render_stored(PAGED, "report.pdf", "ab" * 32)
    lines = written.split("\n")
    assert lines[0].startswith(FORMAT_LINE)
    assert f"{PAGE_MARK}page 2" in lines
    # The break inside a paragraph: the mark directly under its first piece, no blank line.
    mark = lines.index(f"{PAGE_MARK}page 2")
    assert lines[mark - 1].endswith("before") and lines[mark + 1].startswith("the end")
    # Between paragraphs: blank lines either side.
    mark3 = lines.index(f"{PAGE_MARK}page 3")
    assert lines[mark3 - 1] == "" and lines[mark3 + 1] == ""
    assert written == render_stored(PAGED, "report.pdf", "ab" * 32)  # deterministic


def test_unpaginated_text_has_no_pages() -> None:
    plain = Extracted(kind="text", title="T", pages=(ExtractedPage("", ("One.", "Two.")),))
    text = _round_trip(plain)
    assert text.page_labels == () and not text.paginated
    assert [(p.text, p.pages, p.breaks) for p in text.paragraphs] == [
        ("One.", (), ()), ("Two.", (), ())]
    match = verify_quote("Two.", text)
    assert match is not None and match.locator == "para 2"


def test_continues_on_a_page_with_nothing_before_starts_a_paragraph() -> None:
    odd = Extracted(kind="pdf", title="T", paginated=True, pages=(
        ExtractedPage("1", ()), ExtractedPage("2", ("Carried?",), continues=True)))
    assert [(p.text, p.pages) for p in _round_trip(odd).paragraphs] == [("Carried?", ("2",))]


def test_whitespace_that_would_break_the_format_is_a_space() -> None:
    odd = Extracted(kind="text", title="T", pages=(ExtractedPage("", ("a\nb\fc",)),))
    assert [p.text for p in _round_trip(odd).paragraphs] == ["a b c"]


def test_hand_edits_are_read_leniently() -> None:
    raw = "No header here.\nwrapped line\n\n\fpage 7\n\nOn seven.\n".encode()
    text = parse_stored("x", raw)
    assert [(p.text, p.pages) for p in text.paragraphs] == [
        ("No header here. wrapped line", ()), ("On seven.", ("7",))]
    assert text.sha256 == hashlib.sha256(raw).hexdigest()


# --- through the catalog ---------------------------------------------------------------------


def test_catalog_reads_the_stored_text_and_places_pages(tmp_path: Path) -> None:
    catalog = SourceCatalog.load(write_paged_project(tmp_path))
    text = catalog.text("mission-report")
    assert text.paginated and text.page_labels == ("i", "ii", "1", "2", "3")
    assert catalog.places("mission-report") == {"page": 5, "paragraph": 5}
    assert catalog.places("plain-source") == {"paragraph": 1}
    assert catalog.page_labels("plain-source") == ()
    record = catalog.get("mission-report")
    assert record.file == "report.pdf" and record.text == "report.pdf.text.txt"
    assert record.sha256 == hashlib.sha256(ORIGINAL).hexdigest()
    assert verify_quote(ON_PAGE_3, text) is not None


def test_a_changed_original_breaks_its_source_only(tmp_path: Path) -> None:
    path = write_paged_project(tmp_path)
    (tmp_path / "seeds" / "report.pdf").write_bytes(ORIGINAL + b"edited")
    catalog = SourceCatalog.load(path)
    [problem] = catalog.broken("mission-report")
    lines = path.read_text(encoding="utf-8").splitlines()
    assert (problem.line, problem.key) == (
        next(i for i, line in enumerate(lines, 1) if "sha256:" in line), "sources[1].sha256")
    assert "changed since its text was extracted" in problem.message
    assert catalog.quotable("plain-source") and not catalog.quotable("mission-report")
    with pytest.raises(SourceError):
        catalog.text("mission-report")


@pytest.mark.parametrize(("edit", "key", "says"), [
    (lambda seeds: (seeds / "report.pdf.text.txt").unlink(), "sources[1].text",
     "stored text not found"),
    (lambda seeds: (seeds / "report.pdf").unlink(), "sources[1].file", "original not found"),
    (lambda seeds: (seeds / "report.pdf.text.txt").write_bytes(b"\xff\xfe"), "sources[1].text",
     "not UTF-8"),
])
def test_missing_or_unreadable_files_break_the_source(
    tmp_path: Path, edit: Callable[[Path], object], key: str, says: str
) -> None:
    path = write_paged_project(tmp_path)
    edit(tmp_path / "seeds")
    [problem] = SourceCatalog.load(path).broken("mission-report")
    assert problem.key == key and says in problem.message and problem.file == str(path)


@pytest.mark.parametrize(("entry", "key", "says"), [
    ("{id: a, file: '', text: a.txt, sha256: " + "0" * 64 + ", title: T, type: report}",
     "sources[0].file", "needs its original"),
    ("{id: a, file: a.pdf, text: a.txt, title: T, type: report}", "sources[0].sha256",
     "needs the sha256"),
    ("{id: a, file: a.pdf, text: a.txt, sha256: abc, title: T, type: report}",
     "sources[0].sha256", "64 lowercase hex digits"),
])
def test_malformed_entries_fail_the_catalog(tmp_path: Path, entry: str, key: str,
                                            says: str) -> None:
    path = tmp_path / "sources.yaml"
    path.write_text(f"sources:\n  - {entry}\n", encoding="utf-8")
    with pytest.raises(SourceError) as raised:
        SourceCatalog.load(path)
    assert [(p.key, says in p.message) for p in raised.value.problems] == [(key, True)]


@pytest.mark.parametrize("name", ["text", "file"])
def test_a_stored_text_or_original_linked_from_outside_is_refused(tmp_path: Path,
                                                                  name: str) -> None:
    project = tmp_path / "project"
    path = write_paged_project(project)
    secret = tmp_path / "secret.txt"
    secret.write_bytes((project / "seeds" / "report.pdf").read_bytes())
    target = project / "seeds" / ("report.pdf.text.txt" if name == "text" else "report.pdf")
    if name == "text":
        secret.write_bytes(target.read_bytes())
    target.unlink()
    target.symlink_to(secret)
    [problem] = SourceCatalog.load(path).broken("mission-report")
    assert problem.key == f"sources[1].{name}" and "outside" in problem.message

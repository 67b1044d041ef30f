"""The PDF reader against PDFs compiled by Typst and LibreOffice, checked with pypdf/pdftotext."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from briefgen.corpus.catalog import Person
from briefgen.corpus.extract import Extracted, extract
from briefgen.corpus.extract import pdf as pdf_reader
from briefgen.corpus.extract.pdf import read_pdf
from briefgen.errors import SourceError
from tests.corpus.extract.pdf_fixtures import FOOTNOTED, WELL_KNOWN, PdfFixtures
from tests.corpus.extract.sentences import FOREWORD, GLASSWORKS, HARBOUR, RAILWAY

# The sentences each fixture prints (footnote marks aside), by fixture.
SENTENCES = {
    "report": FOREWORD + GLASSWORKS + RAILWAY,
    "columns": RAILWAY + GLASSWORKS[:8],
    "hyphenated": GLASSWORKS + (WELL_KNOWN,),
    "footnotes": HARBOUR + RAILWAY[:6],
    "libreoffice": HARBOUR + GLASSWORKS,
}


def _normal(text: str) -> str:
    return " ".join(text.replace("\u2019", "'").split())


@pytest.fixture(scope="session")
def extracted(pdfs: PdfFixtures) -> dict[str, Extracted]:
    return {name: read_pdf(getattr(pdfs, name)) for name in SENTENCES}


def _pages_holding(result: Extracted, sentence: str) -> list[str]:
    """The labels of the pages the sentence starts on, whole in one paragraph or run on."""
    wanted = _normal(sentence)
    found = []
    for i, page in enumerate(result.pages):
        texts = [_normal(p) for p in page.paragraphs]
        if any(wanted in t for t in texts):
            found.append(page.label)
        elif texts and i + 1 < len(result.pages) and result.pages[i + 1].continues:
            first = _normal(result.pages[i + 1].paragraphs[0])
            if wanted in texts[-1] + " " + first and wanted not in first:
                found.append(page.label)
    return found


def _pdftotext_pages(path: Path) -> list[str]:
    """Each page's text as pdftotext prints it, lines joined (soft hyphens and breaks undone)."""
    count = len(PdfReader(path).pages)
    pages = []
    for n in range(1, count + 1):
        text = subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), str(path), "-"],
                              check=True, capture_output=True, text=True).stdout
        text = text.replace("\u00ad\n", "").replace("-\n", "-")
        pages.append(_normal(text).replace("-", ""))
    return pages


@pytest.mark.parametrize("name", sorted(SENTENCES))
def test_genuine_sentences_are_found_whole_on_the_page_pdftotext_puts_them(
        name: str, pdfs: PdfFixtures, extracted: dict[str, Extracted]) -> None:
    path = getattr(pdfs, name)
    result = extracted[name]
    labels = PdfReader(path).page_labels
    assert [page.label for page in result.pages] == [
        label if label != "" else "" for label in labels]
    printed = _pdftotext_pages(path)
    for sentence in SENTENCES[name]:
        # pdftotext joins "well-" + "known" into "wellknown": compare without hyphens.
        opening = " ".join(_normal(sentence).split()[:4]).replace("-", "")
        starts = [labels[n] for n, text in enumerate(printed) if opening in text]
        if not starts:      # the opening words themselves run over a page break
            starts = [labels[n] for n in range(len(printed) - 1)
                      if -1 < (printed[n] + " " + printed[n + 1]).find(opening) < len(printed[n])]
        assert len(starts) == 1, (sentence, starts)
        assert _pages_holding(result, sentence) == starts, sentence


@pytest.mark.parametrize("name", sorted(SENTENCES))
def test_altered_sentences_are_not_found(name: str, extracted: dict[str, Extracted]) -> None:
    for sentence in SENTENCES[name][::3]:
        words = sentence.split()
        swapped = " ".join(words[:3] + [words[4], words[3]] + words[5:])
        reworded = sentence.replace(words[-2], words[-2] + "s", 1)
        for altered in (swapped, reworded):
            assert _pages_holding(extracted[name], altered) == [], altered


def test_page_furniture_is_left_out(extracted: dict[str, Extracted]) -> None:
    for name, furniture in (("report", ("Kessmark Heritage Review", "Page ")),
                            ("libreoffice", ("Page ",))):
        for page in extracted[name].pages:
            for paragraph in page.paragraphs:
                assert not any(f in paragraph for f in furniture), (name, paragraph)
    for result in extracted.values():
        for page in result.pages:
            assert not any(re.fullmatch(r"\W*\d+\W*", p) for p in page.paragraphs)
    # The LibreOffice header repeats the title: on the pages, it is not a paragraph.
    assert all("Veloria Maritime Papers" not in page.paragraphs
               for page in extracted["libreoffice"].pages)


def test_an_unnumbered_cover_then_a_body_numbered_from_one(
        pdfs: PdfFixtures, extracted: dict[str, Extracted]) -> None:
    result = extracted["report"]
    assert [page.label for page in result.pages][:4] == ["", "i", "1", "2"]
    # The foreword's heading and text; its footer number is furniture, not a paragraph.
    assert result.pages[1].paragraphs == ("Foreword", _normal(" ".join(FOREWORD)).replace(
        "'", "\u2019"))
    # The labels are the numbers printed in the running header.
    for label, text in zip(PdfReader(pdfs.report).page_labels[1:],
                           _pdftotext_pages(pdfs.report)[1:]):
        assert f"Kessmark Heritage Review Page {label} " in text
    assert result.pages[0].paragraphs[0] == "The Kessmark Glassworks Revival"
    assert result.paginated and result.csl_type == "report"
    # Without page labels, the physical page numbers.
    assert [page.label for page in extracted["columns"].pages] == ["1", "2"]


def test_a_sentence_across_a_page_break_runs_on(extracted: dict[str, Extracted]) -> None:
    crossing = 0
    for name, result in extracted.items():
        for i, page in enumerate(result.pages[1:], start=1):
            if not page.continues:
                continue
            before, after = result.pages[i - 1].paragraphs[-1], page.paragraphs[0]
            joined = _normal(before + " " + after)
            whole = [s for s in SENTENCES[name] if _normal(s) in joined
                     and _normal(s) not in _normal(before) and _normal(s) not in _normal(after)]
            assert whole, (name, page.label)
            crossing += 1
    assert crossing >= 3


def test_words_hyphenated_at_line_ends_are_joined_and_compounds_keep_their_hyphen(
        pdfs: PdfFixtures, extracted: dict[str, Extracted]) -> None:
    layout = subprocess.run(["pdftotext", "-layout", str(pdfs.hyphenated), "-"], check=True,
                            capture_output=True, text=True).stdout
    broken = re.findall(r"(\w+)[\u00ad-]\n\s*(\w+)", layout)
    assert len(broken) >= 8           # the fixture does break words at line ends
    assert ("well", "known") in broken
    text = " ".join(p for page in extracted["hyphenated"].pages for p in page.paragraphs)
    for head, tail in broken:
        if (head, tail) != ("well", "known"):
            assert f"{head}{tail}" in text, (head, tail)
    assert "well-known goblets" in text and "wellknown" not in text


def test_two_columns_are_read_one_after_the_other(
        pdfs: PdfFixtures, extracted: dict[str, Extracted]) -> None:
    layout = subprocess.run(["pdftotext", "-layout", "-f", "1", "-l", "1", str(pdfs.columns),
                             "-"], check=True, capture_output=True, text=True).stdout
    # Side by side on the page: a row of the left column and one of the right.
    assert any(re.search(r"\S\s{4,}\S", line) for line in layout.splitlines()[3:])
    text = _normal(" ".join(extracted["columns"].pages[0].paragraphs))
    positions = [text.find(_normal(s)) for s in RAILWAY]
    assert all(p >= 0 for p in positions) and positions == sorted(positions)


def test_footnote_marks_do_not_stand_between_words_and_notes_are_left_out(
        extracted: dict[str, Extracted]) -> None:
    for name in ("footnotes", "libreoffice"):
        text = " ".join(p for page in extracted[name].pages for p in page.paragraphs)
        assert not re.search(r"[a-z][0-9¹²³]\s", text), name
    text = " ".join(p for page in extracted["footnotes"].pages for p in page.paragraphs)
    for before, note, after in FOOTNOTED:
        assert _normal(before + after) in _normal(text)
        assert note not in text
    lo_text = " ".join(p for page in extracted["libreoffice"].pages for p in page.paragraphs)
    assert "Aurel Dunmore" not in lo_text and "According to the guild ledger" not in lo_text
    assert any("footnote" in note for note in extracted["footnotes"].notes)


def _creation_date(path: Path) -> str:
    info = subprocess.run(["pdfinfo", "-isodates", str(path)], check=True,
                          capture_output=True, text=True).stdout
    match = re.search(r"^CreationDate:\s+(\d{4}-\d{2}-\d{2})", info, re.MULTILINE)
    assert match
    return match.group(1)


def test_metadata_comes_out_as_set(pdfs: PdfFixtures, extracted: dict[str, Extracted]) -> None:
    expected = {
        "report": ("The Kessmark Glassworks Revival",
                   (Person("Tarvassen", "Imke"), Person("Brannick", "Odo")), "2025-03-14"),
        "columns": ("A Railway for the Valley", (Person("Tolvanen Heritage Society"),),
                    "2024-11-02"),
        "hyphenated": ("Engravers of Kessmark", (Person("Tarvassen", "Imke"),), "2023-06-30"),
        "footnotes": ("Minutes of the Veloria Harbour Commission",
                      (Person("Commission of Veloria"),), "2022-01-09"),
        # LibreOffice writes the export time as the PDF's creation date.
        "libreoffice": ("Veloria Maritime Papers", (Person("Olsgaard", "Marit"),),
                        _creation_date(pdfs.libreoffice)),
    }
    for name, (title, authors, date) in expected.items():
        result = extracted[name]
        assert (result.title, result.authors, result.date) == (title, authors, date), name
        assert result.kind == "pdf" and result.paginated
        assert result.language.startswith("en")
        assert any(n.startswith("title from") for n in result.notes)
        assert any(n.startswith("date from") for n in result.notes)


def test_reading_is_deterministic(pdfs: PdfFixtures, extracted: dict[str, Extracted]) -> None:
    assert extract(pdfs.columns) == extracted["columns"]


@pytest.mark.parametrize(("name", "words"), [
    ("encrypted", ("encrypted", "remove the password")),
    ("scan", ("no text layer", "OCR", "ocrmypdf")),
    ("truncated", ("truncated",)),
    ("not_a_pdf", ("not a PDF",)),
])
def test_unreadable_pdfs_are_refused_with_what_to_do(
        name: str, words: tuple[str, ...], pdfs: PdfFixtures) -> None:
    path = getattr(pdfs, name)
    with pytest.raises(SourceError) as caught:
        read_pdf(path)
    message = str(caught.value)
    assert message.startswith(str(path))
    for word in words:
        assert word in message


def test_limits_are_enforced_with_a_message(pdfs: PdfFixtures,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    pages = len(PdfReader(pdfs.report).pages)
    monkeypatch.setattr(pdf_reader, "MAX_PAGES", pages - 1)
    # Counted in the page tree, which stops counting at the limit.
    with pytest.raises(SourceError, match=f"has more than {pages - 1} pages, the most"):
        read_pdf(pdfs.report)
    monkeypatch.setattr(pdf_reader, "MAX_PAGES", 2000)
    monkeypatch.setattr(pdf_reader, "MAX_CHARACTERS", 1000)
    with pytest.raises(SourceError, match="more than 1000 characters"):
        read_pdf(pdfs.report)


@pytest.mark.parametrize(("stated", "people"), [
    ("Imke Tarvassen, Odo Brannick", [Person("Tarvassen", "Imke"), Person("Brannick", "Odo")]),
    ("Tarvassen, Imke", [Person("Tarvassen", "Imke")]),
    ("Ana de la Cruz; Jan van Dijk", [Person("de la Cruz", "Ana"), Person("van Dijk", "Jan")]),
    ("Veloria Port Authority", [Person("Veloria Port Authority")]),
    ("Marit Olsgaard and Odo Brannick", [Person("Olsgaard", "Marit"),
                                         Person("Brannick", "Odo")]),
])
def test_authors_are_split_into_people_and_organisations(stated: str,
                                                         people: list[Person]) -> None:
    assert [pdf_reader._person(n) for n in pdf_reader._split_names(stated)] == people


def test_damaged_pdfs_give_a_source_error_or_text_never_a_traceback(
        pdfs: PdfFixtures, tmp_path: Path) -> None:
    original = pdfs.report.read_bytes()
    damaged = tmp_path / "damaged.pdf"
    # Bytes overwritten through the file, as a bad disk or a broken download leaves them.
    for seed in range(12):
        data = bytearray(original)
        for k in range(1 + seed * 3):
            data[(seed * 7919 + k * 104729) % len(data)] ^= 0x5A
        damaged.write_bytes(bytes(data))
        try:
            result = read_pdf(damaged)
        except SourceError as exc:
            assert str(exc).startswith(str(damaged))
        else:
            assert result.kind == "pdf"


def test_without_metadata_the_title_is_the_largest_type_on_page_one(tmp_path: Path) -> None:
    import typst

    source = tmp_path / "bare.typ"
    source.write_text(
        '#set document(date: none)\n#set page(width: 120mm, height: 150mm)\n'
        '#text(size: 22pt)[Orlen Station Accounts]\n\n' + " ".join(RAILWAY[:4]) + "\n",
        encoding="utf-8")
    pdf = tmp_path / "bare.pdf"
    typst.compile(str(source), output=str(pdf))
    result = read_pdf(pdf)
    assert result.title == "Orlen Station Accounts"
    assert result.authors == () and result.date == ""
    assert "title from the largest type near the top of page 1" in result.notes
    assert result.csl_type == "document"


def test_three_columns_are_read_one_after_another(tmp_path: Path) -> None:
    from tests.corpus.extract.pdf_fixtures import NEWSLETTER, compile_typst, three_columns_source

    pdf = compile_typst(tmp_path, "newsletter", three_columns_source())
    assert len(PdfReader(pdf).pages) == 1
    # "second-" ends a line here and neither half occurs elsewhere in this short text, so the
    # reader takes it for a word the typesetter broke ("secondhand"): the order is the point.
    text = _normal(" ".join(read_pdf(pdf).pages[0].paragraphs)).replace("-", "")
    positions = [text.find(_normal(s).replace("-", "")) for s in NEWSLETTER]
    assert all(p >= 0 for p in positions) and positions == sorted(positions), positions
    layout = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True,
                            capture_output=True, text=True).stdout
    assert any(len(re.findall(r"\S\s{3,}(?=\S)", line)) >= 2 for line in layout.splitlines())


def test_a_pdf_locked_only_against_editing_is_read(pdfs: PdfFixtures, tmp_path: Path) -> None:
    from pypdf import PdfWriter

    writer = PdfWriter(clone_from=PdfReader(pdfs.columns))
    writer.encrypt(user_password="", owner_password="railway-owner")
    locked = tmp_path / "locked.pdf"
    with locked.open("wb") as f:
        writer.write(f)
    assert PdfReader(locked).is_encrypted
    result = read_pdf(locked)
    assert _pages_holding(result, RAILWAY[0]) == ["1"]
    assert any("owner password" in note for note in result.notes)

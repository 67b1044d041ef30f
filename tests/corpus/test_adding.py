"""add_sources with what a reader of PDFs would return, built by hand (tests/corpus/paged.py):
metadata into the entry, pages into the stored text, and failures that leave nothing behind."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from briefgen.corpus import adding
from briefgen.corpus.adding import add_sources
from briefgen.corpus.catalog import SourceCatalog
from briefgen.corpus.extract import Extracted
from briefgen.corpus.quotes import verify_quote
from briefgen.errors import SourceError
from tests.corpus.paged import ACROSS, ORIGINAL, PAGED


@pytest.fixture
def catalog(tmp_path: Path) -> Path:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    path = seeds / "sources.yaml"
    path.write_text("# empty, for now\nsources:\n", encoding="utf-8")
    return path


@pytest.fixture
def pdf_reader(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The PDF reader replaced by one returning PAGED; the paths it was asked to read."""
    read: list[Path] = []

    def fake(path: Path) -> Extracted:
        read.append(path)
        if b"broken" in path.read_bytes():
            raise SourceError(f"{path}: encrypted; ask for an unencrypted copy")
        return PAGED

    # The reader runs in the extraction child, out of a monkeypatch's reach: the child's
    # whole round trip is what is replaced (tests/corpus/extract/test_extraction.py tests it).
    monkeypatch.setattr(adding.Extraction, "extract",
                        lambda self, path, timeout=0, shown=None: fake(path))
    return read


def _pdf(tmp_path: Path, name: str, data: bytes = ORIGINAL) -> Path:
    path = tmp_path / "downloads" / name
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(data)
    return path


def test_a_paginated_file_becomes_an_entry_with_its_metadata_and_pages(
        catalog: Path, pdf_reader: list[Path], tmp_path: Path) -> None:
    given = _pdf(tmp_path, "Annual Report 2023.PDF")
    [added] = add_sources(catalog, [given])
    record = added.record
    assert (record.id, record.type, record.title) == (
        "keita-annual-report-mission-2023", "report", "Annual Report on the Mission")
    assert [(p.family, p.given) for p in record.authors] == [("Keita", "Awa")]
    assert (record.date, record.publisher) == ("2023-05-04", "Institute for Sahel Studies")
    assert (record.file, record.text) == ("annual-report-2023.pdf",
                                          "annual-report-2023.pdf.text.txt")
    assert added.copied and not added.attached
    # Read from the copy that was hashed, inside the catalog's folder, not from downloads/.
    assert pdf_reader[0].parent == catalog.parent
    loaded = SourceCatalog.load(catalog)
    assert loaded.get(record.id) == record
    text = loaded.text(record.id)
    assert text.page_labels == ("i", "ii", "1", "2", "3")
    match = verify_quote(ACROSS, text)
    assert match is not None and match.locator == "pp. 1\u20132"
    assert (catalog.parent / record.file).read_bytes() == given.read_bytes()
    assert record.sha256 == hashlib.sha256(ORIGINAL).hexdigest()


def test_ids_are_unique(catalog: Path, pdf_reader: list[Path], tmp_path: Path) -> None:
    added = add_sources(catalog, [_pdf(tmp_path, "a.pdf"), _pdf(tmp_path, "b.pdf", b"other")])
    assert [a.record.id for a in added] == ["keita-annual-report-mission-2023",
                                            "keita-annual-report-mission-2023-2"]


def test_a_failing_reader_leaves_nothing_and_names_the_file(
        catalog: Path, pdf_reader: list[Path], tmp_path: Path) -> None:
    before = {p.name: p.read_bytes() for p in catalog.parent.iterdir()}
    good, bad = _pdf(tmp_path, "good.pdf"), _pdf(tmp_path, "bad.pdf", b"%PDF broken")
    with pytest.raises(SourceError) as raised:
        add_sources(catalog, [good, bad])
    message = str(raised.value)
    assert message.startswith(f"{bad}: cannot be added: ") and "encrypted" in message
    assert ".briefgen-add-" not in message  # the temporary copy is not what the user gave
    assert {p.name: p.read_bytes() for p in catalog.parent.iterdir()} == before


def test_a_file_with_no_text_is_refused(catalog: Path, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(adding.Extraction, "extract",
                        lambda self, path, timeout=0, shown=None: Extracted("pdf", "T", ()))
    with pytest.raises(SourceError, match="no text found"):
        add_sources(catalog, [_pdf(tmp_path, "scan.pdf")])
    assert sorted(p.name for p in catalog.parent.iterdir()) == ["sources.yaml"]


def test_an_id_keeps_the_whole_family_name_and_an_organisation_its_first_words() -> None:
    from briefgen.corpus.adding import _unique_id
    from briefgen.corpus.catalog import Person
    from briefgen.corpus.extract import Extracted, ExtractedPage

    page = (ExtractedPage("", ("Text.",)),)
    person = Extracted(kind="html", title="Port Aldren desalination workers end strike",
                       pages=page, authors=(Person("van der Berg", "Marta"),), date="2024-03-14")
    assert _unique_id(person, "a.html", set()) == "van-der-berg-port-aldren-desalination-2024"
    unsigned = Extracted(kind="pdf", title="Grid resilience", pages=page,
                         publisher="Centre for Coastal Studies", date="2022")
    assert _unique_id(unsigned, "b.pdf", {"centre-for-grid-resilience-2022"}) == \
        "centre-for-grid-resilience-2022-2"

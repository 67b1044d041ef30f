"""read_plain: .txt and .md files into paragraphs and a title, as the catalog reads seeds."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefgen.corpus.extract import extract
from briefgen.corpus.extract.plain import read_plain
from briefgen.corpus.text import MAX_PARAGRAPH_BYTES, read_article
from briefgen.errors import SourceError
from tests.conftest import SEEDS


def _paragraphs(path: Path) -> list[str]:
    return [p for page in read_plain(path).pages for p in page.paragraphs]


def test_a_seed_reads_as_the_catalog_reads_it() -> None:
    # The same title and paragraphs, numbered alike, whether a .txt is added or registered.
    for seed in sorted(SEEDS.glob("*.txt")):
        extracted = read_plain(seed)
        legacy = read_article("x", seed.read_bytes().splitlines(keepends=True))
        assert _paragraphs(seed) == [p.text for p in legacy.paragraphs], seed
        assert extracted.title and not extracted.paginated
        assert [page.label for page in extracted.pages] == [""]


def test_txt_first_line_is_the_title_and_each_line_a_paragraph(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("Report title\n\nFirst paragraph.\nSecond, on the next line.\n\n\nThird.\n",
                    encoding="utf-8")
    extracted = read_plain(path)
    assert extracted.title == "Report title"
    assert _paragraphs(path) == ["First paragraph.", "Second, on the next line.", "Third."]
    assert extracted.kind == "text" and extracted.date == "" and extracted.authors == ()


def test_md_hash_title_and_headings(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_text("# The Title\nOpening words\nof the text.\n\n## A heading\n\nBody.\n",
                    encoding="utf-8")
    extracted = extract(path)  # dispatched on the suffix
    assert extracted.title == "The Title"
    assert _paragraphs(path) == ["Opening words of the text.", "A heading", "Body."]


def test_md_without_a_title_heading_has_none(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_text("Just a paragraph.\n\nAnother.\n", encoding="utf-8")
    assert read_plain(path).title == ""
    assert _paragraphs(path) == ["Just a paragraph.", "Another."]


def test_mojibake_is_repaired_as_the_catalog_repairs_it(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("T\n\nThe groupâ€™s funds.\n", encoding="utf-8")
    assert _paragraphs(path) == ["The group\u2019s funds."]


def test_not_utf8_is_refused_with_line_and_byte(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(b"Title\n\nCaf\xe9\n")
    with pytest.raises(SourceError) as raised:
        read_plain(path)
    [problem] = raised.value.problems
    assert problem.line == 3 and "byte 10" in problem.message
    assert "line 3, byte 10" in str(raised.value)


def test_a_paragraph_over_the_limit_is_refused_at_its_line(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("T\n\nshort\n\n" + "x" * (MAX_PARAGRAPH_BYTES + 1) + "\n", encoding="utf-8")
    with pytest.raises(SourceError) as raised:
        read_plain(path)
    assert raised.value.problems[0].line == 5


def test_a_link_out_of_its_folder_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "secret.txt"
    outside.write_text("secret\n", encoding="utf-8")
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").symlink_to(outside)
    with pytest.raises(SourceError, match="outside"):
        read_plain(tmp_path / "in" / "a.txt")


def test_same_bytes_same_result(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_text("# T\n\nA.\n\nB.\n", encoding="utf-8")
    assert read_plain(path) == read_plain(path)

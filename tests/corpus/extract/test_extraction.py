"""corpus.extract.Extraction: the readers in a child under limits give what they give in
this process, their refusals with their problems, and a clear refusal past the limits."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefgen.corpus.extract import Extraction, extract
from briefgen.errors import SourceError
from tests.corpus.extract.conftest import WEB
from tests.robustness.hostile_sources import deflate_bomb_pdf


@pytest.fixture
def extraction() -> Extraction:
    isolated = Extraction()
    yield isolated
    isolated.close()


def test_the_child_gives_what_the_reader_gives_here(extraction: Extraction,
                                                   tmp_path: Path) -> None:
    text = tmp_path / "note.md"
    text.write_text("# A Note on Ports\n\nThe harbour was\nwidened in 1931.\n", "utf-8")
    for path in (WEB / "news-article.html", text):
        assert extraction.extract(path, 60) == extract(path)


def test_a_refusal_comes_back_with_its_problems(extraction: Extraction,
                                               tmp_path: Path) -> None:
    text = tmp_path / "latin1.txt"
    text.write_bytes(b"Title\n\nCaf\xe9 society.\n")
    with pytest.raises(SourceError) as raised:
        extraction.extract(text, 60)
    assert "not UTF-8, line 3" in str(raised.value)
    assert [(p.file, p.line) for p in raised.value.problems] == [(str(text), 3)]


def test_a_reader_past_the_memory_cap_is_stopped_and_the_file_named(tmp_path: Path) -> None:
    small = Extraction(memory_limit=400 * 1024 * 1024)
    try:
        bomb = deflate_bomb_pdf(tmp_path, inflated=2 * 1024**3)
        with pytest.raises(SourceError) as raised:
            small.extract(bomb, 60, shown="Downloads/report.pdf")
        assert str(raised.value).startswith("Downloads/report.pdf: reading it needed more "
                                            "than 400 MiB of memory")
        # The child is started afresh for the next file.
        assert small.extract(WEB / "news-article.html", 60).kind == "html"
    finally:
        small.close()


def test_a_reader_past_its_time_is_stopped_and_the_file_named(extraction: Extraction) -> None:
    with pytest.raises(SourceError) as raised:
        extraction.extract(WEB / "news-article.html", 0.01)
    assert str(raised.value).startswith(f"{WEB / 'news-article.html'}: reading it took longer "
                                        "than 0.01 s")
    assert "--timeout" in str(raised.value)

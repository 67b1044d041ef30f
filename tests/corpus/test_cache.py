"""Tests for briefgen.corpus.cache: a catalog is loaded once while its files stay unchanged."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from briefgen.corpus.cache import load_catalog

from .conftest import SEEDS


def _copy_corpus(tmp_path: Path) -> Path:
    shutil.copytree(SEEDS, tmp_path / "seeds")
    return tmp_path / "seeds" / "sources.yaml"


def _touch(path: Path) -> None:
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))


def test_an_unchanged_catalog_is_loaded_once(tmp_path: Path) -> None:
    path = _copy_corpus(tmp_path)
    assert load_catalog(path) is load_catalog(path)


def test_a_changed_source_file_or_catalog_loads_afresh(tmp_path: Path) -> None:
    path = _copy_corpus(tmp_path)
    first = load_catalog(path)
    source = next(sid for sid in first.ids() if first.get(sid).file)
    _touch(path.parent / first.get(source).file)
    second = load_catalog(path)
    assert second is not first
    _touch(path)
    assert load_catalog(path) is not second


def test_a_catalog_loads_when_the_index_cannot_be_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _copy_corpus(tmp_path)
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("the cache folder cannot be made under a file\n", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    catalog = load_catalog(path)
    assert len(catalog.ids()) == 7 and catalog.text("ft-isisk-2021").paragraphs


def test_a_catalog_is_loaded_from_the_index_in_a_new_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import briefgen.corpus.cache as cache_module
    import briefgen.corpus.catalog as catalog_module

    path = _copy_corpus(tmp_path)
    first = load_catalog(path)
    cache_module._CATALOGS.clear()  # as a new process starts

    def refuse(*_args: object) -> None:
        raise AssertionError("parsed again")

    monkeypatch.setattr(catalog_module, "parse_catalog", refuse)
    again = load_catalog(path)
    assert again is not first
    assert [again.get(sid) for sid in again.ids()] == [first.get(sid) for sid in first.ids()]

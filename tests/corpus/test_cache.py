"""Tests for briefgen.corpus.cache: a catalog is loaded once while its files stay unchanged."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

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

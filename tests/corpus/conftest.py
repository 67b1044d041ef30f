"""Fixtures for the corpus tests: the real seed catalog, loaded once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefgen.corpus.catalog import SourceCatalog

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
CATALOG = SEEDS / "sources.yaml"


@pytest.fixture(scope="session")
def catalog() -> SourceCatalog:
    return SourceCatalog.load(CATALOG)

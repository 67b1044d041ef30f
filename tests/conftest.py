"""Shared fixtures: the repository's paths, and a fresh chart cache per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"
BRIEFS = REPO / "briefs"
ROOTS = Path(__file__).resolve().parent / "roots"


@pytest.fixture(autouse=True, scope="session")
def _isolated_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    # Builds in tests must not read or fill the user's ~/.cache/briefgen.
    import os

    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("cache"))

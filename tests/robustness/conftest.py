"""Fixtures for the robustness tests: a throw-away project holding the seeds, and the CLI.

The project is a temporary folder with a *copy* of seeds/ (68 KB), not a symlink: the loader
confines every path a spec names to the project (the nearest folder above the spec holding
seeds/ or templates/), and a copy keeps that rule whole instead of teaching it to trust a
link. Each case writes its spec into its own folder below the project, so the default
catalog (seeds/sources.yaml, found above the spec) and the bundled templates apply.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import count
from pathlib import Path

import pytest

from tests.conftest import BRIEFS, SEEDS
from tests.robustness.specs import MINIMAL


@dataclass
class Project:
    """A temporary project folder with seeds/, handing out a fresh folder per spec."""

    root: Path
    _numbers: Iterator[int]

    def folder(self, name: str) -> Path:
        folder = self.root / "cases" / f"{next(self._numbers):03d}-{name}"
        folder.mkdir(parents=True)
        return folder

    def spec(self, name: str, text: str | bytes, filename: str = "brief.yaml") -> Path:
        path = self.folder(name) / filename
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return path


@pytest.fixture(scope="session")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    root = tmp_path_factory.mktemp("project")
    shutil.copytree(SEEDS, root / "seeds")
    return Project(root, count())


@pytest.fixture(scope="session")
def sample_text() -> str:
    """The full MINUSMA sample brief: charts, tables, excerpts, every top-level key."""
    return (BRIEFS / "mali-minusma.yaml").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def minimal_text() -> str:
    return MINIMAL

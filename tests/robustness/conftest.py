"""Fixtures for the robustness tests: a throw-away project holding the seeds, and the CLI.

The project is a temporary folder with a *copy* of seeds/ (68 KB), not a symlink: the loader
confines every path a spec names to the project (the nearest folder above the spec holding
seeds/ or templates/), and a copy keeps that rule whole instead of teaching it to trust a
link. Each case writes its spec into its own folder below the project, so the default
catalog (seeds/sources.yaml, found above the spec) and the bundled templates apply.
"""

from __future__ import annotations

import pytest

from tests.robustness.specs import Project, make_project


@pytest.fixture(scope="session")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    return make_project(tmp_path_factory.mktemp("project"))


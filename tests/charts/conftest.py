"""Fixtures for the chart tests: every chart kind with realistic data."""

from __future__ import annotations

import pytest

from briefgen.charts import ChartData

from .samples import SAMPLES


@pytest.fixture(params=sorted(SAMPLES))
def sample(request: pytest.FixtureRequest) -> ChartData:
    """Each chart kind in turn, with realistic data."""
    return SAMPLES[request.param]

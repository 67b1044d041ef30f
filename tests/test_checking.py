"""Tests for briefgen.checking: what check hands a build before it verifies the quotations."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from briefgen.charts import ChartData, ChartStyle
from briefgen.checking import check
from briefgen.errors import BriefgenError
from tests.conftest import BRIEFS, SEEDS


def test_the_charts_are_handed_over_before_the_quotations_are_verified(tmp_path: Path) -> None:
    shutil.copytree(SEEDS, tmp_path / "seeds")
    shutil.copytree(BRIEFS / "data", tmp_path / "briefs" / "data")
    text = (BRIEFS / "mali-minusma.yaml").read_text(encoding="utf-8")
    spec = tmp_path / "briefs" / "mali-minusma.yaml"
    spec.write_text(text.replace('quote: "', 'quote: "No source says this, and ', 1),
                    encoding="utf-8")
    handed: list[tuple[dict[str, ChartData], ChartStyle]] = []
    with pytest.raises(BriefgenError, match="not found in its source"):
        check(spec, on_charts=lambda charts, style: handed.append((charts, style)))
    # A build starts drawing here: the failed quotation comes later.
    assert len(handed) == 1 and len(handed[0][0]) == 2

    spec.write_text(text, encoding="utf-8")
    handed.clear()
    checked = check(spec, on_charts=lambda charts, style: handed.append((charts, style)))
    assert handed == [(checked.charts, checked.chart_style)]

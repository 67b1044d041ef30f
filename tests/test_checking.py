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


def test_the_charts_are_handed_over_before_the_catalog_is_read(tmp_path: Path) -> None:
    # Drawing needs neither the catalog nor the sources, so it starts first: a spec whose
    # catalog is missing has its charts handed over, then fails on the catalog.
    shutil.copytree(BRIEFS / "data", tmp_path / "briefs" / "data")
    (tmp_path / "seeds").mkdir()
    spec = tmp_path / "briefs" / "mali-minusma.yaml"
    spec.write_text((BRIEFS / "mali-minusma.yaml").read_text(encoding="utf-8"),
                    encoding="utf-8")
    handed: list[dict[str, ChartData]] = []
    with pytest.raises(BriefgenError, match="no source catalog found"):
        check(spec, on_charts=lambda charts, style: handed.append(charts))
    assert len(handed) == 1 and len(handed[0]) == 2


def test_nothing_is_drawn_early_for_a_spec_whose_template_is_unknown(tmp_path: Path) -> None:
    shutil.copytree(SEEDS, tmp_path / "seeds")
    shutil.copytree(BRIEFS / "data", tmp_path / "briefs" / "data")
    text = (BRIEFS / "mali-minusma.yaml").read_text(encoding="utf-8")
    spec = tmp_path / "briefs" / "mali-minusma.yaml"
    spec.write_text(text.replace("template: default", "template: nosuch", 1), encoding="utf-8")
    handed: list[object] = []
    with pytest.raises(BriefgenError) as raised:
        check(spec, on_charts=lambda charts, style: handed.append(charts))
    assert handed == []
    assert "unknown template 'nosuch'" in raised.value.report()

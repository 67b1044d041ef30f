"""The spec's typed objects: what a recommendation's evidence entry names."""

from __future__ import annotations

from briefgen.spec.schema import ExcerptSpec, evidence_named

EXCERPT = ExcerptSpec(id="un-report", source="un-report", quote="q", key="evidence[0]")


def test_an_excerpt_id_is_looked_up_before_a_source_id() -> None:
    # The excerpt shares its source's id: the entry means the excerpt (and so its paragraph).
    assert evidence_named("un-report", {EXCERPT.id: EXCERPT}) is EXCERPT


def test_a_name_no_excerpt_has_is_a_source_id() -> None:
    assert evidence_named("ft-2021", {EXCERPT.id: EXCERPT}) == "ft-2021"

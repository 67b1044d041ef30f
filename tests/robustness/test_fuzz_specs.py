"""Hypothesis-made specs never produce a traceback: briefgen builds them or says what is wrong.

A short run here (each property a few seconds); benchmarks/fuzz_specs.py runs thousands of
examples of the same properties. A failure prints the spec text that caused it.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings

from tests.robustness.fuzzing import (
    assert_briefgen_answers,
    edited_texts,
    mutated_specs,
    random_specs,
    raw_files,
)
from tests.robustness.specs import Project

SHORT = settings(max_examples=40, deadline=None,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
# Mutated specs often validate and build both formats (~0.3 s each): fewer examples.
SHORTER = settings(SHORT, max_examples=20)


@SHORT
@given(content=raw_files)
def test_raw_files(project: Project, content: bytes) -> None:
    assert_briefgen_answers(project, content, formats="docx")


@SHORT
@given(text=random_specs)
def test_random_yaml_structures(project: Project, text: str) -> None:
    assert_briefgen_answers(project, text)


@SHORTER
@given(text=mutated_specs())
def test_valid_spec_with_values_replaced(project: Project, text: str) -> None:
    assert_briefgen_answers(project, text)


@SHORTER
@given(text=edited_texts())
def test_valid_spec_text_with_random_edits(project: Project, text: str) -> None:
    assert_briefgen_answers(project, text)

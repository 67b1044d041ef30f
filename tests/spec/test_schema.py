"""The spec's typed objects: what a recommendation's evidence entry names."""

from __future__ import annotations

from briefgen.spec.schema import ExcerptSpec, evidence_named

EXCERPT = ExcerptSpec(id="un-report", source="un-report", quote="q", key="evidence[0]")


def test_an_excerpt_id_is_looked_up_before_a_source_id() -> None:
    # The excerpt shares its source's id: the entry means the excerpt (and so its paragraph).
    assert evidence_named("un-report", {EXCERPT.id: EXCERPT}) is EXCERPT


def test_a_name_no_excerpt_has_is_a_source_id() -> None:
    assert evidence_named("ft-2021", {EXCERPT.id: EXCERPT}) == "ft-2021"


# ---------------------------------------------------------------- key judgements

KEY_JUDGEMENTS = """title: "Test"
date: 2024-03-01
summary: "All quiet."
key_judgements:
  - judgement: "The port will close."
    likelihood: probably not
    confidence: moderately
  - judgement: "The junta will stay."
    likelihood: Very Likely
    confidence: high
    evidence: [x]
pdf_standard: pdf-a
sections: [{heading: "One", body: "Text."}]
recommendations: [{title: "Act", action: "Act now."}]
"""


def test_a_likelihood_or_confidence_not_in_icd_203_is_refused_at_its_line(tmp_path) -> None:
    import pytest

    from briefgen.errors import SpecError
    from briefgen.spec.loader import load_spec

    path = tmp_path / "brief.yaml"
    path.write_text(KEY_JUDGEMENTS, encoding="utf-8")
    with pytest.raises(SpecError) as refused:
        load_spec(path)
    problems = {(p.line, p.key): p.message for p in refused.value.problems}
    assert set(problems) == {(6, "key_judgements[0].likelihood"),
                             (7, "key_judgements[0].confidence"), (12, "pdf_standard")}
    likelihood = problems[(6, "key_judgements[0].likelihood")]
    assert likelihood.startswith("expected one of ICD 203's likelihood terms: almost no "
                                 "chance (remote), very unlikely (highly improbable)")
    assert "likely (probable)" in likelihood and "'probably not'" in likelihood
    assert problems[(7, "key_judgements[0].confidence")].startswith(
        "expected one of: low, moderate, high but received the text 'moderately'")
    assert "a-2a+ua-1, ua-1" in problems[(12, "pdf_standard")]


def test_key_judgements_abbreviations_and_the_pdf_standard_typed(tmp_path) -> None:
    from briefgen.spec.loader import load_spec
    from briefgen.spec.schema import PDF_STANDARDS, KeyJudgementSpec

    text = (KEY_JUDGEMENTS.replace("probably not", "improbable")
            .replace("moderately", "moderate").replace("pdf-a", "ua-1")
            + "abbreviations: [{term: ' FPU ', expansion: formed police unit}]\n")
    path = tmp_path / "brief.yaml"
    path.write_text(text, encoding="utf-8")
    spec, _ = load_spec(path)
    assert spec.key_judgements[1] == KeyJudgementSpec(
        judgement="The junta will stay.", likelihood="Very Likely", confidence="high",
        evidence=("x",), key="key_judgements[1]")
    assert [(a.term, a.expansion) for a in spec.abbreviations] == [("FPU", "formed police unit")]
    assert PDF_STANDARDS[spec.pdf_standard] == ("ua-1",)

"""The generated main.typ: text stays text, numbers and levels come out as the model says."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from briefgen.model.nodes import (
    CrossRef,
    Document,
    Heading,
    Link,
    Metadata,
    Note,
    Paragraph,
    Recommendation,
    Table,
    TableCell,
    Text,
)
from briefgen.writers.typst.escape import clean_text
from briefgen.writers.typst.source import BodySource, _Context
from briefgen.writers.typst.writer import main_source

typst = pytest.importorskip("typst")

# A stand-in for the one template function a run can call.
PRELUDE = "let brief-lang(lang, body) = text(lang: lang, body); "
ALLOWED = {"text", "sequence", "styled", "strong", "emph", "raw", "footnote", "link", "space"}


def generated_runs(runs: tuple[Any, ...]) -> str:
    source = BodySource(Document(Metadata(title="t"), ()), {})
    return source.runs(runs, _Context())


def evaluate(expression: str) -> Any:
    code = "{ " + PRELUDE + expression + " }"
    return json.loads(typst.eval(b"", code, ignore_system_fonts=True))


def elements(node: Any) -> list[dict[str, Any]]:
    """Every element in an evaluated content tree, depth first."""
    if isinstance(node, list):
        return [e for child in node for e in elements(child)]
    if not isinstance(node, dict):
        return []
    found = [node]
    for key in ("children", "body", "child"):
        if key in node:
            found += elements(node[key])
    return found


def plain(node: Any) -> str:
    """The text of an evaluated content tree in order ("raw" keeps its text too)."""
    return "".join(e.get("text", "") for e in elements(node) if e["func"] in ("text", "raw"))


runs_strategy = st.lists(
    st.builds(Text, st.text(min_size=1), st.booleans(), st.booleans(), st.booleans()),
    min_size=1, max_size=4,
)


@settings(max_examples=200, deadline=None)
@given(runs_strategy)
def test_runs_become_only_text_elements_with_the_same_text(runs: list[Text]) -> None:
    tree = evaluate(generated_runs(tuple(runs)))
    assert {e["func"] for e in elements(tree)} <= ALLOWED
    assert plain(tree) == "".join(clean_text(r.text) for r in runs)


def test_notes_and_links_are_footnotes_and_links() -> None:
    runs = (Text("See "), Link((Text("the report"),), "https://un.org/x"),
            Note((Text("A note with "), Link((Text("https://un.org"),), "https://un.org"))))
    tree = evaluate(generated_runs(runs))
    funcs = [e["func"] for e in elements(tree)]
    assert funcs.count("footnote") == 1 and funcs.count("link") == 2
    assert plain(tree) == "See the reportA note with https://un.org"


def test_heading_levels_never_skip() -> None:
    doc = Document(Metadata(title="t"), (
        Heading(2, (Text("a"),)), Heading(2, (Text("b"),)), Heading(1, (Text("c"),)),
        Heading(3, (Text("d"),)),
    ))
    body = BodySource(doc, {}).render()
    levels = [line.split("level: ")[1][0] for line in body.splitlines() if "heading(" in line]
    assert levels == ["1", "2", "1", "2"]


def test_ragged_table_rows_are_padded_to_the_widest_row() -> None:
    table = Table(1, "c", (TableCell((Text("a"),)), TableCell((Text("b"),), "right")),
                  ((TableCell((Text("1"),)),), (TableCell((Text("1"),)), TableCell(()),
                                                 TableCell((Text("3"),)))))
    source = BodySource(Document(Metadata(title="t"), (table,)), {}).render()
    assert "(left, right, left)" in source
    assert "([#\"a\"], [#\"b\"], [])" in source
    assert "([#\"1\"], [], [])" in source


def test_arabic_runs_carry_their_language() -> None:
    source = generated_runs((Text("مركز المستقبل"),))
    assert source.startswith("[#brief-lang(\"ar\", ")
    mixed = generated_runs((Text("a link to مركز المستقبل, the", bold=True),))
    assert mixed == ('[#[#strong("a link to ")#brief-lang("ar", strong("مركز المستقبل"))'
                     '#strong(", the")]]')
    assert plain(evaluate(mixed)) == "a link to مركز المستقبل, the"


def test_hostile_metadata_goes_through_json_not_source() -> None:
    meta = Metadata(title='#read("/etc/passwd")', subject='"); #panic("', lang="en-GB")
    main = main_source(Document(meta, (Paragraph((Text("x"),)),)), {})
    assert "/etc/passwd" not in main
    assert "panic" not in main
    assert '#set text(lang: "en", region: "GB")' in main


def test_links_to_anchors_point_at_the_first_block_with_that_anchor() -> None:
    doc = Document(Metadata(title="t"), (
        Heading(1, (Text("a"),), anchor="sec"), Heading(1, (Text("b"),), anchor="sec"),
        Paragraph((Link((Text("see above"),), "#sec"), Link((Text("gone"),), "#nowhere"))),
    ))
    body = BodySource(doc, {}).render()
    assert body.count('#label("sec")') == 1
    assert 'link(label("sec"), [#"see above"])' in body
    assert "nowhere" not in body and '#[#"gone"]' in body


def test_a_caption_gets_its_portion_mark_only_when_it_has_one() -> None:
    table = Table(1, "Causes", (TableCell((Text("Cause"),)),), ())
    unmarked = BodySource(Document(Metadata(title="t"), (table,)), {}).render()
    assert "mark:" not in unmarked  # a template written before portion marks still builds
    marked = Table(1, "Causes", (TableCell((Text("Cause"),)),), (), mark="(OS)")
    source = BodySource(Document(Metadata(title="t"), (marked,)), {}).render()
    assert source.rstrip().endswith(', none, mark: "(OS)")')


def test_key_judgements_and_glossaries_reach_the_template_as_data() -> None:
    from briefgen.model.nodes import Glossary, GlossaryEntry, KeyJudgement, KeyJudgements

    judgements = KeyJudgements((KeyJudgement('Likely (moderate "confidence"):',
                                             (Text("#x] hostile"),), "likely", "moderate"),))
    glossary = Glossary((GlossaryEntry("IS-K", "Islamic State #Khorasan"),))
    source = BodySource(Document(Metadata(title="t"), (judgements, glossary)), {})
    judgement_expr = source.block(judgements, _Context())
    glossary_expr = source.block(glossary, _Context())
    # The template's functions, stubbed, give back what they were handed.
    prelude = ("let brief-judgements(items) = items.map(i => (i.lead, i.likelihood, "
               "i.confidence, i.body.text)); let brief-glossary(entries) = "
               "entries.map(((t, d)) => (t, d.text)); ")
    assert json.loads(typst.eval(b"", "{ " + prelude + judgement_expr + " }",
                                 ignore_system_fonts=True)) == [
        ['Likely (moderate "confidence"):', "likely", "moderate", "#x] hostile"]]
    assert json.loads(typst.eval(b"", "{ " + prelude + glossary_expr + " }",
                                 ignore_system_fonts=True)) == [
        ["IS-K", "Islamic State #Khorasan"]]


def test_a_cross_reference_links_to_its_target_with_the_models_words() -> None:
    to_rec = CrossRef("recommendation", "rec-stock", 2, "Recommendation 2")
    to_table = CrossRef("table", "tab-t", 1, "Table 1")
    doc = Document(Metadata(title="t"), (
        Paragraph((Text("See "), to_rec, Text(" and "), to_table)),
        Table(1, "Deaths", (TableCell((Text("a"),)),), (), anchor="tab-t",
              caption_runs=(Text("Deaths, as in "), to_rec)),
        Recommendation(1, "Unreferred", (Text("x"),), anchor="rec-1"),
        Recommendation(2, "Referred", (Text("y"),), anchor="rec-stock"),
    ))
    body = BodySource(doc, {}).render()
    # The model's words, the label and number held together by a no-break space.
    assert body.count('link(label("rec-stock"), "Recommendation\u00a02")') == 2  # text, caption
    assert 'link(label("tab-t"), "Table\u00a01")' in body
    # Only the recommendation a reference points at is labelled (so unreferred briefs keep
    # their source); a caption with a reference is content, not a string.
    assert '#label("rec-stock")' in body and '#label("rec-1")' not in body
    assert 'brief-table(1, [#"Deaths, as in "#link(' in body


def test_a_cross_reference_to_no_block_is_plain_text() -> None:
    lost = CrossRef("figure", "fig-gone", 3, "Figure 3")
    doc = Document(Metadata(title="t"), (Paragraph((lost,)),))
    body = BodySource(doc, {}).render()
    assert "fig-gone" not in body and '"Figure\u00a03"' in body

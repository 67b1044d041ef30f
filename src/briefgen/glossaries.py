"""The brief's explanatory end matter: the Abbreviations section and the Estimative language
note, as model blocks; and the spec's prose in reading order, which both the section and the
abbreviation checks read.

Decided here once for both writers: which abbreviations are listed (every one the text
spells out, and the spec's own list, which wins for the expansion), in what order (by term,
ignoring case), and how each likelihood term and its range are worded.
"""

from __future__ import annotations

from briefgen.abbreviations import definitions, masked
from briefgen.estimative import CONFIDENCE_LEVELS, LIKELIHOODS
from briefgen.markup.markdown import typeset
from briefgen.model.nodes import (
    Block,
    Glossary,
    GlossaryEntry,
    Heading,
    Labels,
    Paragraph,
    Table,
    TableCell,
    Text,
)
from briefgen.spec.schema import BriefSpec


def prose_fields(spec: BriefSpec) -> list[tuple[str, str]]:
    """(key path, text) of everything a reader reads as prose, in the order the brief prints
    it: summary, key points, key judgements, each section's body, quotations, captions and
    table cells, then the recommendations. Titles and headings are left out: house styles
    let them use an abbreviation the text spells out below."""
    fields = [("summary", spec.summary)]
    fields += [(f"key_points[{i}]", t) for i, t in enumerate(spec.key_points)]
    fields += [(f"{j.key}.judgement", j.judgement) for j in spec.key_judgements]
    for section in spec.sections:
        fields.append((f"{section.key}.body", section.body))
        fields += [(f"{e.key}.quote", e.quote) for e in section.excerpts]
        fields += [(f"{c.key}.caption", c.caption) for c in section.charts]
        for table in section.tables:
            fields.append((f"{table.key}.caption", table.caption))
            fields += [(row.cell_key(j), cell) for row in table.rows
                       for j, cell in enumerate(row.cells)]
    for rec in spec.recommendations:
        fields += [(f"{rec.key}.action", rec.action), (f"{rec.key}.indicator", rec.indicator)]
    return [(key, text) for key, text in fields if text]


def abbreviation_entries(spec: BriefSpec) -> list[GlossaryEntry]:
    """Every abbreviation the text spells out and every one the spec lists, by term
    (ignoring case); the spec's expansion where both give one, else the text's first."""
    found: dict[str, str] = {}
    for _key, text in prose_fields(spec):
        for definition in definitions(masked(text)):
            found.setdefault(definition.term, definition.expansion)
    for listed in spec.abbreviations:
        found[listed.term] = listed.expansion
    return [GlossaryEntry(term, typeset(expansion))
            for term, expansion in sorted(found.items(), key=lambda kv: (kv[0].casefold(), kv[0]))]


def abbreviations_section(spec: BriefSpec, labels: Labels) -> list[Block]:
    """The Abbreviations heading and list, or nothing when the brief has none."""
    entries = abbreviation_entries(spec)
    if not entries:
        return []
    return [Heading(1, (Text(labels.abbreviations),), anchor="abbreviations"),
            Glossary(tuple(entries))]


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def estimative_note(labels: Labels, table_number: int) -> list[Block]:
    """The Estimative language note: a table of the likelihood terms with their pairs and
    ranges (numbered ``table_number``), then what each confidence level means."""
    columns = ((labels.likelihood_column, "left"), (labels.pair_column, "left"),
               (labels.probability_column, "right"))
    rows = tuple((TableCell((Text(_capitalised(e.term)),)), TableCell((Text(e.pair),)),
                  TableCell((Text(e.range_text),), "right"))
                 for e in LIKELIHOODS)
    meaning = {"high": labels.confidence_high, "moderate": labels.confidence_moderate,
               "low": labels.confidence_low}
    levels = tuple(GlossaryEntry(_capitalised(labels.confidence_term.format(confidence=level)),
                                 meaning[level])
                   for level in reversed(CONFIDENCE_LEVELS))
    return [
        Heading(1, (Text(labels.estimative_language),), anchor="estimative-language"),
        Paragraph((Text(labels.estimative_intro),)),
        Table(number=table_number, caption=labels.estimative_caption,
              header=tuple(TableCell((Text(name, bold=True),), align) for name, align in columns),
              rows=rows, anchor="tab-estimative-language"),
        Paragraph((Text(labels.confidence_intro),)),
        Glossary(levels),
    ]

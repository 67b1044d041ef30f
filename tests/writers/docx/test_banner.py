"""The classification banner in headers and footers that have no {{ marking }} of their own."""

from __future__ import annotations

import docx

from briefgen.writers.docx import styles as S
from briefgen.writers.docx.banner import add_banner, prints_marking
from briefgen.writers.docx.styles import StyleSheet


def test_a_placeholder_that_uses_the_marking_is_found_before_filling() -> None:
    word = docx.Document()
    header = word.sections[0].header
    header.paragraphs[0].text = "{{ organisation }}"
    assert not prints_marking(header._element)
    header.add_paragraph("Distribution: {{ marking | upper }}")
    assert prints_marking(header._element)
    header.paragraphs[1].text = "{{ markings_note }}"  # another name that starts alike
    assert not prints_marking(header._element)


def test_the_banner_is_first_in_a_header_and_last_in_a_footer() -> None:
    word = docx.Document()
    styles = StyleSheet(word)
    styles.ensure_all()
    section = word.sections[0]
    section.header.paragraphs[0].text = "Lakes Policy Unit"
    section.footer.paragraphs[0].text = "Page 1 of 3"
    add_banner(section.header, "OFFICIAL-SENSITIVE", styles)
    add_banner(section.footer, "OFFICIAL-SENSITIVE", styles)
    assert [p.text for p in section.header.paragraphs] == ["OFFICIAL-SENSITIVE",
                                                            "Lakes Policy Unit"]
    assert [p.text for p in section.footer.paragraphs] == ["Page 1 of 3", "OFFICIAL-SENSITIVE"]
    assert section.header.paragraphs[0].style.name == S.MARKING
    assert section.footer.paragraphs[-1].style.name == S.MARKING

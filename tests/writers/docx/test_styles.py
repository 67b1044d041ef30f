"""The style contract: every shipped reference.docx defines every style the DOCX writer names.

The reference documents are edited in Word, not generated, so nothing else stops an edit from
renaming or deleting a style; the writer would then add a bare one and the brief would lose
its look without a word. Read with python-docx, the way the writer opens them.
"""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from docx.enum.style import WD_STYLE_TYPE

from briefgen.templating.discovery import BUNDLED_TEMPLATES, load_template
from briefgen.writers.docx import styles as S

SHIPPED = sorted(p.parent for p in BUNDLED_TEMPLATES.glob("*/reference.docx"))
NUMBERED = [f for f in SHIPPED if load_template(f, None).settings.get("numbered_paragraphs")]
CONTRACT = (
    [(name, WD_STYLE_TYPE.PARAGRAPH) for name in S.PARAGRAPH_STYLES]
    + [(name, WD_STYLE_TYPE.CHARACTER) for name in S.CHARACTER_STYLES]
    + [(name, WD_STYLE_TYPE.TABLE) for name in S.TABLE_STYLES]
)


def defined_styles(reference: Path) -> dict[tuple[str, WD_STYLE_TYPE], object]:
    word = docx.Document(str(reference))
    return {((s.name or "").casefold(), s.type): s for s in word.styles}


def test_every_shipped_template_is_checked() -> None:
    assert len(SHIPPED) >= 2 and NUMBERED  # default and memo, at least


@pytest.mark.parametrize("folder", SHIPPED, ids=lambda p: p.name)
def test_reference_defines_every_style_the_writer_names(folder: Path) -> None:
    defined = defined_styles(folder / "reference.docx")
    missing = [f"{name} ({kind.name.lower()})" for name, kind in CONTRACT
               if (name.casefold(), kind) not in defined]
    assert missing == [], f"{folder.name}/reference.docx lacks styles"


@pytest.mark.parametrize("folder", NUMBERED, ids=lambda p: p.name)
def test_numbered_templates_number_their_paragraph_style(folder: Path) -> None:
    word = docx.Document(str(folder / "reference.docx"))
    style = next(s for s in word.styles if (s.name or "") == S.NUMBERED_PARAGRAPH)
    assert style.element.xpath("./w:pPr/w:numPr/w:numId/@w:val"), "the style carries no list"

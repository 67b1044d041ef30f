"""The classification banner in every header and footer, where the reference gives it none.

A reference document prints the marking wherever its author typed ``{{ marking }}``, and for
a classified brief that placeholder is filled with the banner (the model's ``marking`` is
the banner then). A header or footer without that placeholder gets the banner as a
paragraph of its own, in the Marking style: first in a header, last in a footer, so it
stands at the very top and bottom of the page.
"""

from __future__ import annotations

import re

from docx.section import _Footer, _Header

from briefgen.templating.placeholders import placeholders
from briefgen.writers.docx import _oxml
from briefgen.writers.docx import styles as S
from briefgen.writers.docx.styles import StyleSheet

_MARKING = re.compile(r"\bmarking\b")


def prints_marking(story: _oxml.Element) -> bool:
    """Whether a placeholder in ``story`` (a header or footer, before it is filled) uses the
    marking: ``{{ marking }}``, ``{{ marking | upper }}``."""
    return any(_MARKING.search(match.group(0))
               for p in _oxml.paragraphs_in(story)
               for match in placeholders(_oxml.paragraph_text(p)))


def add_banner(story: _Header | _Footer, banner: str, styles: StyleSheet) -> None:
    """Put ``banner`` first in the header or last in the footer ``story``."""
    style = styles.paragraph(S.MARKING)
    if isinstance(story, _Header) and story.paragraphs:
        story.paragraphs[0].insert_paragraph_before(banner, style=style)
    else:
        story.add_paragraph(banner, style=style)

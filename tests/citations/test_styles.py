"""The style names, declared once in citations/styles.py, and what reads them."""

from __future__ import annotations

import subprocess
import sys

from briefgen.citations import CitationFormatter
from briefgen.citations.styles import DEFAULT_STYLE, STYLES, styles_help


def test_the_default_style_is_a_declared_style() -> None:
    assert DEFAULT_STYLE in STYLES


def test_help_names_every_style_and_marks_the_default_once() -> None:
    text = styles_help()
    assert all(name in text for name in STYLES)
    assert text.count("(default)") == 1
    assert text.startswith(f"{DEFAULT_STYLE} (default)")


def test_the_formatter_defaults_to_the_declared_default() -> None:
    assert CitationFormatter([]).style == DEFAULT_STYLE


def test_reading_the_styles_loads_neither_citeproc_nor_the_memo() -> None:
    code = ("import sys, briefgen.citations.styles; print(sorted(m for m in sys.modules "
            "if m.startswith(('citeproc', 'briefgen.citations.'))))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True).stdout
    assert "citeproc" not in loaded and "memo" not in loaded and "styles" in loaded

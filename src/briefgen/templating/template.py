"""A template folder found on disk: its files and its settings from template.yaml."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Template:
    """A template folder templates/<name>/ as the writers see it.

    ``reference_docx`` carries Word styles, page setup, header, footer and cover;
    ``brief_typ`` the Typst page setup, styles and cover; ``settings`` the parsed
    template.yaml (defaults such as organisation, colours, logo); ``values`` the strings
    to fill placeholders with ({{ title }}, {{ marking }}, ...), already resolved.
    """

    name: str
    directory: Path
    settings: dict[str, Any] = field(default_factory=dict)
    values: dict[str, str] = field(default_factory=dict)

    @property
    def reference_docx(self) -> Path:
        return self.directory / "reference.docx"

    @property
    def brief_typ(self) -> Path:
        return self.directory / "brief.typ"

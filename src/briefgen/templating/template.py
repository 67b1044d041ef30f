"""A template folder found on disk: its files and its settings from template.yaml."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from briefgen.spec import options as o

# template.yaml, declared once: loading checks it against this, and the writers read the keys
# it names (they receive the file's own values, unchanged).
SETTINGS = o.Mapping({
    "name": o.Text(max_length=100, help="The template's name; default its folder's."),
    "description": o.Text(max_length=1000, help="One line for `briefgen template list`."),
    "extends": o.Text(max_length=500, help="A template name, or a path, to take the rest from."),
    "defaults": o.MappingOf(o.Text(max_length=2000, non_empty=False),
                            help="Placeholder values used when the spec gives none."),
    "logo": o.Text(max_length=500, help="The logo file in the template's folder."),
    "colours": o.MappingOf(o.Text(max_length=100),
                           help="Colours by name (accent, highlight, link, marking), #rrggbb."),
    "numbered_paragraphs": o.Flag(help="Number the top-level body paragraphs 1., 2., ..."),
    "common_abbreviations": o.ListOf(
        o.Text(max_length=20, strip=True), max_items=500,
        help="Abbreviations every reader knows (UN, EU): never warned about as not spelled "
             "out."),
})


@dataclass(frozen=True)
class Template:
    """A template folder templates/<name>/ as the writers see it.

    ``reference_docx`` carries Word styles, page setup, header, footer and cover;
    ``brief_typ`` the Typst page setup, styles and cover; ``settings`` the parsed
    template.yaml (defaults such as organisation, colours, logo), merged over the parent's
    when the template ``extends`` another; ``values`` the strings to fill placeholders with
    ({{ title }}, {{ marking }}, ...), empty until ``templating.values.with_values`` resolves
    them for a brief (the pipeline does, once; a writer refuses a Template without them).
    ``parent`` is the template named by ``extends:``, or None.
    """

    name: str
    directory: Path
    settings: dict[str, Any] = field(default_factory=dict)
    values: dict[str, str] = field(default_factory=dict)
    parent: Template | None = None

    @property
    def directories(self) -> tuple[Path, ...]:
        """This template's folder, then its parent's, and so on up the ``extends`` chain."""
        chain = [self.directory]
        if self.parent is not None:
            chain += [d for d in self.parent.directories if d not in chain]
        return tuple(chain)

    def file(self, name: str) -> Path:
        """The first ``name`` along the extends chain; this folder's path if none has it."""
        for folder in self.directories:
            if (folder / name).is_file():
                return folder / name
        return self.directory / name

    @property
    def reference_docx(self) -> Path:
        return self.file("reference.docx")

    @property
    def brief_typ(self) -> Path:
        return self.file("brief.typ")

    @property
    def colours(self) -> dict[str, object]:
        """template.yaml's ``colours:`` (accent, highlight, ...); empty when it names none."""
        colours = self.settings.get("colours")
        return dict(colours) if isinstance(colours, dict) else {}

    @property
    def description(self) -> str:
        return str(self.settings.get("description") or "")

"""The interface every writer implements, in the manner of a Sphinx builder."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from briefgen.model.nodes import Document
from briefgen.templating.template import Template


class Writer(Protocol):
    """Renders a Document through a Template into one file.

    ``name`` is the format name used on the command line (``docx``, ``pdf``); ``suffix`` the
    file suffix; ``image_types`` the picture formats it embeds, preferred first.
    ``write`` writes exactly the file ``out`` (the pipeline gives a temporary path and renames
    it into place) and raises RenderError for anything the user can act on. ``cancel``,
    called from another thread, makes a ``write`` under way stop soon.
    """

    name: str
    suffix: str
    image_types: tuple[str, ...]

    def write(self, document: Document, template: Template, out: Path) -> None: ...

    def cancel(self) -> None:
        """Stop a ``write`` under way in another thread, at once (Ctrl-C, a failure)."""

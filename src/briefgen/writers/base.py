"""The interface every writer implements, in the manner of a Sphinx builder."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:  # the registry imports this module, and every command imports the registry
    from pathlib import Path

    from briefgen.model.nodes import Document
    from briefgen.templating.template import Template


class Writer(Protocol):
    """Renders a Document through a Template into one file.

    ``name`` is the format name used on the command line (``docx``, ``pdf``); ``suffix`` the
    file suffix; ``image_types`` the picture formats it embeds (charts.IMAGE_TYPES), preferred
    first: a build draws its charts only as the types its writers name. ``warnings`` holds
    what the analyst should read from the last ``write`` (messages without "warning: ").
    A writer is constructed as ``Writer(timeout=seconds)``, the time a compile may take.
    ``write`` writes exactly the file ``out`` (the pipeline gives a temporary path and renames
    it into place) and raises RenderError for anything the user can act on. ``cancel``,
    called from another thread, makes a ``write`` under way stop soon. A writer whose file
    has pages it can show as SVG images (the PDF writer) also has a ``page_sink`` attribute,
    None by default: a build asked for pages (BuildOptions.on_pages) sets it, and ``write``
    gives it the pages, from the same render as the file.
    """

    name: str
    suffix: str
    image_types: tuple[str, ...]
    warnings: list[str]

    def write(self, document: Document, template: Template, out: Path) -> None: ...

    def cancel(self) -> None:
        """Stop a ``write`` under way in another thread, at once (Ctrl-C, a failure)."""

"""Shared by the writer tests: a brief handed to a writer as the pipeline hands it."""

from __future__ import annotations

from pathlib import Path

from briefgen.model.nodes import Document
from briefgen.templating.template import Template
from briefgen.templating.values import with_values
from briefgen.writers.base import Writer


def write_brief(writer: Writer, document: Document, template: Template, out: Path) -> None:
    """``writer`` writes ``document`` to ``out`` through ``template`` carrying the brief's
    placeholder values, resolved once as a build resolves them (writers derive none)."""
    writer.write(document, with_values(template, document.meta), out)

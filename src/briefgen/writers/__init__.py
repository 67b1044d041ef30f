"""Writers: one package per output format behind the small interface in base.py, and the
registry of them. A new format is its package and one line in FORMAT_LIST."""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from briefgen.errors import BriefgenError
from briefgen.writers.base import Writer


@dataclass(frozen=True)
class Format:
    """An output format as the command line, the help text and the bundle name it.

    ``writer`` is the writer class as "module:Class", imported only when the format is built
    (a DOCX-only build never loads Typst), so ``name``, ``suffix`` and ``image_types`` (the
    chart images it embeds, which a build starts drawing before it imports any writer) are
    declared here as well as on the class; a test checks that they agree. ``about`` says
    what the file is for, as the bundle's README.txt lists it. ``made_early``: the writer
    starts work when it is made (the PDF writer starts its compiler child), so a build makes
    it first thing; any other writer is made, its modules imported, only once the document
    is ready, in the thread that writes it, where its imports overlap the others' work.
    """

    name: str
    suffix: str
    writer: str
    about: str
    image_types: tuple[str, ...]
    made_early: bool = False


FORMAT_LIST: tuple[Format, ...] = (
    Format("docx", ".docx", "briefgen.writers.docx:DocxWriter",
           "the brief, to edit in Word or attach to a report (briefgen attach)", ("png",)),
    Format("pdf", ".pdf", "briefgen.writers.typst:TypstWriter",
           "the brief as a PDF, to read and print", ("svg",), made_early=True),
)
FORMATS: tuple[str, ...] = tuple(f.name for f in FORMAT_LIST)
# A template is code and may loop; 120 s is ten times the longest sample compile on a
# loaded machine. Declared here, not in the Typst writer, so that `check` never loads it.
DEFAULT_COMPILE_TIMEOUT_S = 120.0


def writer_for(name: str, timeout: float = DEFAULT_COMPILE_TIMEOUT_S) -> Writer:
    """A new writer of format ``name``; ``timeout`` is the seconds a compile may take.

    Constructed at the start of a build: a writer may start work its ``write`` will need (the
    PDF writer starts its compile process)."""
    writer: Writer = writer_class(name)(timeout=timeout)
    return writer


def writer_class(name: str) -> type[Writer]:
    """The writer class of format ``name``, its module imported (nothing started)."""
    entry = next((f for f in FORMAT_LIST if f.name == name), None)
    if entry is None:
        raise BriefgenError(f"unknown format {name!r}; expected one of: {', '.join(FORMATS)}")
    module, _, cls = entry.writer.partition(":")
    found: type[Writer] = getattr(importlib.import_module(module), cls)
    return found

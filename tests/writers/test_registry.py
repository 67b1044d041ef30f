"""The writer registry (briefgen.writers): every format is one entry that agrees with its
writer, and everything that lists formats reads it."""

from __future__ import annotations

import importlib

import pytest

from briefgen.charts import IMAGE_TYPES
from briefgen.cli import main
from briefgen.errors import BriefgenError
from briefgen.writers import FORMAT_LIST, FORMATS, Format, writer_for


@pytest.mark.parametrize("entry", FORMAT_LIST, ids=lambda f: f.name)
def test_each_entry_agrees_with_its_writer_class(entry: Format) -> None:
    module, _, name = entry.writer.partition(":")
    cls = getattr(importlib.import_module(module), name)
    assert (cls.name, cls.suffix, cls.image_types) == (entry.name, entry.suffix,
                                                       entry.image_types)
    assert cls.image_types and set(cls.image_types) <= set(IMAGE_TYPES)
    assert entry.about


def test_writer_for_builds_the_named_writer_with_the_protocol_s_attributes() -> None:
    writer = writer_for("docx", timeout=5.0)
    assert writer.name == "docx" and writer.suffix == ".docx" and writer.warnings == []


def test_an_unknown_format_names_the_registered_ones() -> None:
    with pytest.raises(BriefgenError, match="unknown format 'odt'; expected one of: docx, pdf"):
        writer_for("odt")


@pytest.mark.parametrize("command", ["build", "watch"])
def test_the_format_help_lists_every_registered_format(
        command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main([command, "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert f"comma-separated formats: {','.join(FORMATS)}" in help_text

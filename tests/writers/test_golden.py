"""Golden outputs: one brief through each shipped template, compared with committed files.

What is compared is what the writers generate, as text a reviewer can read in a diff: the
DOCX's word/document.xml and word/footnotes.xml (pretty-printed, with the ids Word and
python-docx may renumber normalised, as pandoc's test/Tests/Writers/OOXML.hs does) and the
Typst source main.typ. A refactor that means to change nothing leaves these files alone; one
that changes output shows every change here. After a change made on purpose, regenerate and
review the diff before committing it:

    UPDATE_GOLDEN=1 PYTHONPATH=src python -m pytest -q tests/writers/test_golden.py
"""

from __future__ import annotations

import os
import re
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from briefgen.model.nodes import Document
from briefgen.pipeline import BuildOptions, build_document, check
from briefgen.spec.loader import project_root
from briefgen.templating.discovery import BUNDLED_TEMPLATES, find_template
from briefgen.templating.values import with_values
from briefgen.writers.docx import DocxWriter
from briefgen.writers.typst.writer import prepare_build

ROOTS = Path(__file__).resolve().parents[1] / "roots"
GOLDEN = ROOTS / "golden"
# memo-head has a memo head, a chart with a title, a link, a list, a recommendation and
# twelve notes: through both templates it reaches every generated block but tables.
BRIEF = ROOTS / "memo-head" / "brief.yaml"
TEMPLATES = ("default", "memo")
DOCX_PARTS = ("word/document.xml", "word/footnotes.xml")
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"

_W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
# Attributes whose values are bookkeeping (revision sessions, paragraph ids, edit dates):
# Word rewrites them on every save of the reference, and they say nothing about the brief.
_DROPPED = {f"{{{_W14}}}paraId", f"{{{_W14}}}textId", f"{{{_W}}}date"}
_RSID = re.compile(r"\{%s\}rsid" % re.escape(_W))
# Drawing object ids: unique numbers python-docx assigns in order of insertion.
_NUMBERED_IDS = ("docPr", "cNvPr")
# A chart picture is named for its cache key, which covers the matplotlib version.
_CHART_KEY = re.compile(r"\b[0-9a-f]{64}\b")


def normalise_ooxml(xml: bytes) -> str:
    """``xml`` pretty-printed, rsids, w14 ids and dates dropped, drawing ids replaced by "ID"
    and chart keys in picture names by "KEY".

    Whitespace-only text between elements is dropped before re-indenting; text of elements
    without children (w:t, w:instrText) is kept exactly, spaces included.
    """
    root = etree.fromstring(xml)
    for element in root.iter():
        if len(element) and element.text is not None and not element.text.strip():
            element.text = None
        if element.tail is not None and not element.tail.strip():
            element.tail = None
        for name in list(element.attrib):
            if name in _DROPPED or _RSID.match(name):
                del element.attrib[name]
        if etree.QName(element).localname in _NUMBERED_IDS and "id" in element.attrib:
            element.set("id", "ID")
            element.set("name", _CHART_KEY.sub("KEY", element.get("name", "")))
    return etree.tostring(root, pretty_print=True, encoding="unicode")


@pytest.fixture(scope="module")
def model() -> Document:
    return build_document(check(BRIEF), BuildOptions())


def outputs(model: Document, name: str, tmp: Path) -> dict[str, str]:
    """The generated text of ``BRIEF`` through template ``name``: golden file name -> text."""
    template = find_template(name, project_root(BRIEF), BUNDLED_TEMPLATES / name)
    template = with_values(template, model.meta)
    out = tmp / "brief.docx"
    DocxWriter().write(model, template, out)
    texts = {}
    with zipfile.ZipFile(out) as package:
        for part in DOCX_PARTS:
            texts[f"{name}.{Path(part).stem}.xml"] = normalise_ooxml(package.read(part))
    build = tmp / "typst"
    build.mkdir()
    prepare_build(model, template, build)
    texts[f"{name}.main.typ"] = (build / "main.typ").read_text(encoding="utf-8")
    return texts


@pytest.mark.parametrize("name", TEMPLATES)
def test_generated_output_matches_golden(model: Document, name: str, tmp_path: Path) -> None:
    generated = outputs(model, name, tmp_path)
    if UPDATE:
        GOLDEN.mkdir(exist_ok=True)
        for file_name, text in generated.items():
            (GOLDEN / file_name).write_text(text, encoding="utf-8")
    for file_name, text in generated.items():
        golden = GOLDEN / file_name
        assert golden.is_file(), f"no {golden}; run with UPDATE_GOLDEN=1 to create it"
        # Compared line by line, so pytest's diff points at the change.
        assert text.splitlines() == golden.read_text(encoding="utf-8").splitlines(), file_name


def test_normalising_keeps_text_and_drops_only_bookkeeping() -> None:
    xml = (f'<w:p xmlns:w="{_W}" xmlns:w14="{_W14}" w:rsidR="00AB12CD" w14:paraId="1A2B3C4D">'
           f'\n  <w:r><w:t xml:space="preserve"> two  spaces </w:t></w:r></w:p>').encode()
    normalised = normalise_ooxml(xml)
    assert "rsid" not in normalised and "paraId" not in normalised
    assert "> two  spaces <" in normalised

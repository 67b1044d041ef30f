"""A reference.docx is read, not trusted: what reaches out or runs stays out of the brief.

Each attack is made in the test from the default reference; the brief is written with it and
read back with zipfile, python-docx and LibreOffice.
"""

from __future__ import annotations

import shutil
import subprocess
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from lxml import etree

from briefgen import untrusted_docx as untrusted_docx
from briefgen.errors import TemplateError
from briefgen.templating.template import Template
from briefgen.writers.docx import DocxWriter
from tests.robustness import word_files as wf
from tests.writers.conftest import write_brief

from .conftest import sample_document


def template_with(tmp_path: Path, default_template: Template,
                  *attacks: Callable[[wf.WordZip], None]) -> Template:
    folder = tmp_path / "tmpl"
    folder.mkdir()
    wf.craft(default_template.reference_docx, folder / "reference.docx", *attacks)
    return Template(name="crafted", directory=folder)


def write(template: Template, png: Path, out: Path) -> DocxWriter:
    writer = DocxWriter()
    write_brief(writer, sample_document(png), template, out)
    return writer


@pytest.mark.parametrize("name", sorted(wf.REMOVABLE))
def test_a_hostile_part_is_removed_with_a_warning(
    name: str, tmp_path: Path, png: Path, default_template: Template
) -> None:
    template = template_with(tmp_path, default_template, wf.REMOVABLE[name])
    out = tmp_path / "brief.docx"
    writer = write(template, png, out)
    assert wf.unsafe_contents(template.reference_docx), "the attack was not made"
    assert wf.unsafe_contents(out) == []
    wf.opens_in_python_docx(out)
    assert writer.warnings, "nothing said what was removed"
    assert all(str(template.reference_docx) in w for w in writer.warnings)


def test_warnings_name_what_was_removed(
    tmp_path: Path, png: Path, default_template: Template
) -> None:
    template = template_with(tmp_path, default_template, *wf.REMOVABLE.values())
    said = " ".join(write(template, png, tmp_path / "brief.docx").warnings)
    for what in ("attachedTemplate", "file:///etc/passwd", "INCLUDEPICTURE", "DDEAUTO",
                 "INCLUDETEXT", "OLE", "frame", "vbaProject", "keyMapCustomizations"):
        assert what in said, (what, said)


def test_a_fetching_field_keeps_its_shown_result(
    tmp_path: Path, png: Path, default_template: Template
) -> None:
    template = template_with(tmp_path, default_template, wf.fetching_fields)
    out = tmp_path / "brief.docx"
    write(template, png, out)
    with zipfile.ZipFile(out) as archive:
        headers = b"".join(archive.read(n) for n in archive.namelist() if "header" in n)
    for shown in (b"picture result", b"dde result", b"if result"):
        assert shown in headers


def test_a_clean_reference_gives_no_warning(
    tmp_path: Path, png: Path, default_template: Template
) -> None:
    assert write(default_template, png, tmp_path / "brief.docx").warnings == []


def test_allowed_hyperlinks_stay(tmp_path: Path, png: Path, default_template: Template) -> None:
    def links(word: wf.WordZip) -> None:
        header = word.header()
        for target in ("https://example.org/", "mailto:desk@example.org", "javascript:alert(1)"):
            rel = word.relate(header, wf.RT + "hyperlink", target, external=True)
            word.append(header, f'<w:p><w:hyperlink r:id="{rel}"><w:r><w:t>{target}</w:t>'
                                '</w:r></w:hyperlink></w:p>')

    template = template_with(tmp_path, default_template, links)
    out = tmp_path / "brief.docx"
    writer = write(template, png, out)
    with zipfile.ZipFile(out) as archive:
        rels = b"".join(archive.read(n) for n in archive.namelist() if n.endswith(".rels"))
    assert b"https://example.org/" in rels and b"mailto:desk@example.org" in rels
    assert b"javascript" not in rels
    assert any("javascript:alert(1)" in w for w in writer.warnings)
    assert wf.unsafe_contents(out) == []


@pytest.mark.parametrize("name", sorted(wf.REFUSED))
def test_a_hostile_package_is_refused_naming_the_file(
    name: str, tmp_path: Path, png: Path, default_template: Template
) -> None:
    template = template_with(tmp_path, default_template, wf.REFUSED[name])
    out = tmp_path / "brief.docx"
    with pytest.raises(TemplateError, match=str(template.reference_docx)):
        write(template, png, out)
    assert not out.exists()


def test_each_zip_limit_refuses(
    tmp_path: Path, png: Path, default_template: Template, monkeypatch: pytest.MonkeyPatch
) -> None:
    template = template_with(tmp_path, default_template, lambda w: wf.zip_bomb(w, 2))
    size = 2 * 1024 * 1024
    for limit, value, said in (
        ("MAX_COMPRESSION_RATIO", 10, "compressed 1[0-9]{3}:1"),
        ("MAX_PART_SIZE", size - 1, "zeros.png would unpack to"),
        ("MAX_TOTAL_SIZE", size, "it would unpack to"),
        ("MAX_ENTRIES", 5, "zip entries"),
    ):
        with monkeypatch.context() as patch:
            if limit != "MAX_COMPRESSION_RATIO":  # 2 MB of zeros breaks the ratio first
                patch.setattr(untrusted_docx, "MAX_COMPRESSION_RATIO", 10**6)
            patch.setattr(untrusted_docx, limit, value)
            with pytest.raises(TemplateError, match=said):
                write(template, png, tmp_path / "brief.docx")


# ----------------------------------------------------------------- saved by LibreOffice


@pytest.fixture(scope="module")
def libreoffice_reference(tmp_path_factory: pytest.TempPathFactory,
                          default_template: Template) -> Path:
    """The default reference.docx opened and saved again by LibreOffice, as a communications
    team will have done."""
    if shutil.which("libreoffice") is None:
        pytest.skip("LibreOffice is not installed")
    tmp = tmp_path_factory.mktemp("lo-reference")
    source = tmp / "source" / "reference.docx"
    source.parent.mkdir()
    shutil.copy(default_template.reference_docx, source)
    result = subprocess.run(
        ["libreoffice", f"-env:UserInstallation={(tmp / 'profile').as_uri()}", "--headless",
         "--convert-to", "docx", "--outdir", str(tmp / "tmpl"), str(source)],
        capture_output=True, text=True, timeout=180, check=False)
    saved = tmp / "tmpl" / "reference.docx"
    assert result.returncode == 0 and saved.is_file(), result.stderr
    return saved


def test_a_reference_saved_by_libreoffice_builds_cleanly(
    libreoffice_reference: Path, tmp_path: Path, png: Path
) -> None:
    out = tmp_path / "brief.docx"
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # zipfile's "Duplicate name" would fail the test
        writer = write(Template("lo", libreoffice_reference.parent), png, out)
    assert writer.warnings == []
    with zipfile.ZipFile(out) as archive:
        names = archive.namelist()
        package_rels = etree.fromstring(archive.read("_rels/.rels"))
    assert len(names) == len(set(names))
    core = [r for r in package_rels if r.get("Type", "").endswith("/core-properties")]
    assert len(core) == 1 and names.count("docProps/core.xml") == 1
    wf.opens_in_python_docx(out)


@pytest.mark.skipif(shutil.which("libreoffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_opens_a_brief_made_from_a_hostile_reference(
    tmp_path: Path, png: Path, default_template: Template
) -> None:
    template = template_with(tmp_path, default_template, *wf.REMOVABLE.values())
    out = tmp_path / "brief.docx"
    write(template, png, out)
    result = subprocess.run(
        ["libreoffice", f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
         "--headless", "--convert-to", "txt:Text", "--outdir", str(tmp_path / "txt"), str(out)],
        capture_output=True, text=True, timeout=180, check=False)
    text = (tmp_path / "txt" / "brief.txt").read_text(encoding="utf-8-sig")
    assert result.returncode == 0, result.stderr
    assert "Mali after two coups" in text

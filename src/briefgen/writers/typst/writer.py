"""The PDF writer: builds a Typst project from the Document and has it compiled.

The build folder (a temporary directory, removed afterwards) holds a copy of the template's
brief.typ and assets, the figures' SVGs under figures/, meta.json with the metadata, and a
generated main.typ that imports the template and applies it to the generated body. Typst's
root is that folder, so nothing outside it can be read. The compile itself runs in a child
process under a time and memory limit (compiler.py, the only module that imports ``typst``).
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from briefgen.confine import TEMPLATE_FILE, RefusedFile, read_confined
from briefgen.errors import Problem, RenderError, TemplateError
from briefgen.model.nodes import Document, Figure, ListBlock, Metadata
from briefgen.templating.template import Template
from briefgen.writers.timestamps import embedded_time
from briefgen.templating.values import values_of
from briefgen.writers import DEFAULT_COMPILE_TIMEOUT_S
from briefgen.writers.typst.compiler import (
    FONT_DIRS,
    MEMORY_LIMIT_BYTES,
    CompileFailed,
    CompileRequest,
    compiler_process,
)
from briefgen.writers.typst.escape import clean_text, typst_str
from briefgen.writers.typst.source import BodySource


# Files of a template folder that a brief.typ may load; fonts/ is given to Typst as a font
# folder instead, and reference.docx and template.yaml are the DOCX writer's business.
_ASSET_SUFFIXES = {
    ".typ", ".svg", ".png", ".jpg", ".jpeg", ".gif", ".webp",
    ".json", ".yaml", ".yml", ".toml", ".csv", ".xml", ".txt", ".bib", ".csl",
}

_LANG = re.compile(r"^([A-Za-z]{2,3})(?:[-_]([A-Za-z]{2}))?\b")



class TypstWriter:
    """Writes a brief as a tagged PDF through the Typst template brief.typ: PDF/A-2a and
    PDF/UA-1, or UA-1 alone, as the document's ``pdf_standards`` say.

    ``warnings`` holds Typst's warnings from the last ``write`` (an unknown font family in
    a template, for instance), one line each, for the caller to show; empty when clean.
    ``timeout`` bounds the compile in seconds (a template is code and may loop).
    ``page_sink``, when set (by a build asked for pages: `briefgen preview`), receives the
    PDF's pages as SVG images, one bytes each, from the same compile, as soon as it is done
    and before ``write`` returns; None (the default) renders no pages, and the PDF is the
    same either way.
    """

    name = "pdf"
    suffix = ".pdf"
    image_types: tuple[str, ...] = ("svg",)

    def __init__(self, timeout: float = DEFAULT_COMPILE_TIMEOUT_S) -> None:
        self.warnings: list[str] = []
        self.timeout = timeout
        self.page_sink: Callable[[tuple[bytes, ...]], None] | None = None
        # Started now, so the child's start-up overlaps checking and assembling the brief.
        compiler_process().start()

    def write(self, document: Document, template: Template, out: Path) -> None:
        """Compile ``document`` through ``template`` into exactly the file ``out``."""
        with tempfile.TemporaryDirectory(prefix="briefgen-typst-") as tmp:
            build = Path(tmp)
            prepare_build(document, template, build)
            pages = build / ".pages" if self.page_sink is not None else None
            pdf, self.warnings = compile_build(build, template, timestamp(document.meta),
                                               self.timeout, document.pdf_standards,
                                               pages=pages)
            if pages is not None and self.page_sink is not None:
                self.page_sink(tuple(p.read_bytes() for p in sorted(
                    pages.glob("page-*.svg"), key=lambda p: int(p.stem.split("-")[1]))))
        try:
            Path(out).write_bytes(pdf)
        except OSError as exc:
            raise RenderError(f"cannot write the PDF {out}: {exc.strerror or exc}") from None

    def cancel(self) -> None:
        """Stop a compile under way (the build was interrupted or failed elsewhere)."""
        compiler_process().cancel()


def prepare_build(document: Document, template: Template, build: Path) -> None:
    """Fill the folder ``build`` with everything Typst needs: template, figures, data, main.typ.

    Generated files (main.typ, meta.json, figures/) are written after the template's, so a
    template file of the same name is overwritten. Kept public so a debugging run can keep
    the folder and compile it with the typst CLI (``typst compile --root . main.typ``).
    """
    if not template.brief_typ.is_file():
        raise TemplateError(
            f"template {template.name!r} has no brief.typ (expected {template.brief_typ})"
        )
    _copy_template(template, build)
    images = _copy_figures(document, build)
    (build / "meta.json").write_text(
        json.dumps(_data(document, template), ensure_ascii=False, indent=2, default=str),
        encoding="utf-8",
    )
    numbered = bool(template.settings.get("numbered_paragraphs"))
    (build / "main.typ").write_text(main_source(document, images, numbered), encoding="utf-8")


def main_source(
    document: Document, images: dict[Figure, str], numbered_paragraphs: bool = False
) -> str:
    """The text of main.typ: metadata, language, the template, then the body.

    With ``numbered_paragraphs`` (template.yaml) each paragraph the model numbers is written
    as ``brief-paragraph(number, body)``, with the model's number.
    """
    meta = document.meta
    lang, region = _lang(meta.lang)
    when = embedded_time(meta.date)  # Typst writes this as the PDF's creation date
    date_expr = (
        f"datetime(year: {when.year}, month: {when.month}, day: {when.day}, "
        f"hour: {when.hour}, minute: {when.minute}, second: {when.second})" if when
        # PDF/A needs a date: with none, Typst's is the compile's fixed timestamp (timestamp()).
        else "auto"
    )
    region_arg = f", region: {typst_str(region)}" if region else ""
    head = f"""// Generated by briefgen from the document model. Change the look in brief.typ.
#import "brief.typ": *
#let data = json("meta.json")
#set document(
  title: data.meta.title,
  author: data.meta.authors,
  keywords: data.meta.keywords,
  description: if data.meta.subject != "" {{ data.meta.subject }},
  date: {date_expr},
)
#set text(lang: {typst_str(lang)}{region_arg})
#show: brief.with(data)

"""
    return head + BodySource(document, images, numbered_paragraphs).render()


def compile_build(build: Path, template: Template, stamp: int,
                  timeout: float = DEFAULT_COMPILE_TIMEOUT_S,
                  standards: tuple[str, ...] = ("a-2a", "ua-1"),
                  pages: Path | None = None) -> tuple[bytes, list[str]]:
    """Compile build/main.typ to PDF bytes held to ``standards`` (Typst's names: PDF/A-2a
    and PDF/UA-1 by default) and Typst's warnings, in the compiler child
    (writers/typst/compiler.py), within ``timeout`` seconds and its memory limit; with
    ``pages``, also every page as page-N.svg in that folder.

    A Typst error becomes a RenderError naming the template file and line; a compile that
    runs out of time or memory, or is interrupted, a RenderError naming the template.
    """
    request = CompileRequest(build, build / "out.pdf", _font_dirs(template), stamp, standards,
                             pages=pages)
    try:
        answer = compiler_process().compile(request, timeout)
    except CompileFailed as failed:
        raise _stopped_error(failed, template, timeout) from None
    if not answer.ok:
        if answer.diagnostic:
            raise _render_error(answer, build, template)
        raise RenderError(f"Typst failed with template {template.brief_typ}: "
                          + _as_template_paths(answer.message, build, template))
    pdf = request.output.read_bytes()
    return pdf, [_as_template_paths(w, build, template) for w in answer.warnings]


def _as_template_paths(text: str, build: Path, template: Template) -> str:
    """``text`` with the temporary build folder named as the template folder it copies
    (read("x.txt") "searched at <template>/x.txt"): a temporary path means nothing to the
    reader, and is gone by the time they read it."""
    return text.replace(str(build), str(template.directory))


def _stopped_error(failed: CompileFailed, template: Template, timeout: float) -> BaseException:
    where = f"with template {template.name!r} ({template.brief_typ})"
    if failed.reason == "cancelled":
        return KeyboardInterrupt()
    if failed.reason == "timeout":
        return RenderError(f"the PDF compile {where} took longer than {timeout:g} s and was "
                           "stopped; a loop in the template? (raise the limit with --timeout)")
    if failed.reason == "memory":
        return RenderError(f"the PDF compile {where} ran out of memory (limit "
                           f"{MEMORY_LIMIT_BYTES // 1024**2:,} MiB) and was stopped; does the "
                           "template build very large content?")
    return RenderError(f"the PDF compile {where} stopped unexpectedly ({failed.detail})")


def timestamp(meta: Metadata) -> int:
    """The creation time written into the PDF: midnight UTC of the brief's date (or
    $SOURCE_DATE_EPOCH), else 0.

    Typst would otherwise use the clock, and two builds would differ.
    """
    when = embedded_time(meta.date)
    return int(when.timestamp()) if when else 0


# ---------------------------------------------------------------- build folder


def _copy_template(template: Template, build: Path) -> None:
    """Copy the assets of the template and of every template it extends, the parent's first
    so that the child's files of the same name win."""
    for directory in reversed(template.directories):
        for path in _template_files(directory):
            rel = path.relative_to(directory)
            if rel.parts[0] == "fonts" or path.suffix.lower() not in _ASSET_SUFFIXES:
                continue
            try:
                data = read_confined(path, directory, TEMPLATE_FILE)
            except RefusedFile as refused:
                # Typst's root is the build folder; a link copied in as a file would let
                # brief.typ read() whatever it leads to.
                raise TemplateError(
                    f"template {template.name!r}: {path}: {refused.reason}") from None
            except OSError as exc:
                raise TemplateError(f"template {template.name!r}: cannot read {path}: "
                                    f"{exc.strerror or exc}") from None
            target = build / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)


def _template_files(directory: Path) -> list[Path]:
    """Every file below ``directory``, links to files included (confinement judges them),
    never descending into a linked folder, which may lead anywhere or round in a circle."""
    found: list[Path] = []
    for top, _folders, files in os.walk(directory, followlinks=False):
        found += [Path(top) / name for name in files]
    return sorted(found)


def _copy_figures(document: Document, build: Path) -> dict[Figure, str]:
    """Copy every figure's picture to figures/figure-K.svg (K counts from 1 in reading order,
    whatever the figure numbers are); map each figure to its path in the build."""
    images: dict[Figure, str] = {}
    for figure in _figures(document.body):
        if figure in images:
            continue
        picture = figure.svg or figure.png
        if picture is None:
            raise RenderError(f"figure {figure.number} ({figure.caption!r}) has no SVG to print")
        picture = Path(picture)
        if not picture.is_file():
            raise RenderError(f"figure {figure.number}: picture {picture} does not exist")
        name = f"figures/figure-{len(images) + 1}{picture.suffix.lower()}"
        (build / "figures").mkdir(exist_ok=True)
        shutil.copyfile(picture, build / name)
        images[figure] = name
    return images


def _figures(blocks: tuple[Any, ...]) -> list[Figure]:
    found: list[Figure] = []
    for block in blocks:
        if isinstance(block, Figure):
            found.append(block)
        elif isinstance(block, ListBlock):
            for item in block.items:
                found.extend(_figures(item))
    return found


def _data(document: Document, template: Template) -> dict[str, Any]:
    """The content of meta.json: what the template reads with ``json("meta.json")``."""
    meta = document.meta
    return _clean({
        "meta": {
            "title": meta.title,
            "subtitle": meta.subtitle,
            "date": meta.date,
            "date_text": meta.date_text,
            "authors": list(meta.authors),
            "organisation": meta.organisation,
            "marking": meta.marking,
            "subject": meta.subject,
            "keywords": list(meta.keywords),
            "lang": meta.lang,
        },
        "notes_style": document.notes_style,
        # The words assembly chose for captions and recommendations, as the DOCX prints them.
        "labels": dataclasses.asdict(document.labels),
        "settings": template.settings,
        # The placeholder values the DOCX cover is filled with: the same for brief.typ.
        "values": values_of(template),
        # Only for a classified brief, so that brief.typ tests for it with data.at(...).
        **({"classification": {"banner": meta.banner}} if meta.banner else {}),
    })


def _clean(value: Any) -> Any:
    """The same data with control characters out of every string (keys included)."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {clean_text(str(k)): _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    if value is None or isinstance(value, (bool, int, float)):
        return value
    return clean_text(str(value))


def _lang(tag: str) -> tuple[str, str]:
    """A BCP 47 tag as Typst's (lang, region): "en-GB" -> ("en", "GB"); junk -> ("en", "")."""
    match = _LANG.match(tag.strip())
    if not match:
        return "en", ""
    return match.group(1).lower(), (match.group(2) or "").upper()


# ---------------------------------------------------------------- Typst


def _font_dirs(template: Template) -> tuple[str, ...]:
    """The font folders for a template: its fonts/ folder first, then FONT_DIRS."""
    dirs = [template.directory / "fonts", *FONT_DIRS]
    return tuple(str(d) for d in dirs if d.is_dir())


_LOCATION = re.compile(r"┌─ (?P<file>.+?):(?P<line>\d+):(?P<col>\d+)\s*$", re.MULTILINE)


def _render_error(exc: Any, build: Path, template: Template) -> RenderError:
    """A RenderError with one problem per Typst error, located in the template or main.typ.

    Typst's diagnostic is a series of blocks ("error: ...", "help: while calling ...",
    each with a location and an excerpt); build-folder paths become the template's files.
    """
    diagnostic = str(getattr(exc, "diagnostic", "") or "")
    problems: list[Problem] = []
    for chunk in re.split(r"\n\s*\n(?=(?:error|warning|help): )", diagnostic.strip()):
        lines = chunk.strip().splitlines()
        if not lines:
            continue
        kind, _, text = _as_template_paths(lines[0], build, template).partition(": ")
        where = _LOCATION.search(chunk)
        file, line = None, None
        if where:
            file = _source_name(where.group("file"), build, template)
            line = int(where.group("line"))
        hints = [_as_template_paths(ln.split("hint: ", 1)[1], build, template)
                 for ln in lines if "= hint: " in ln]
        if kind == "error":
            if hints:
                text += " (hint: " + "; ".join(hints) + ")"
            problems.append(Problem(file, line, "", text))
        elif kind == "help" and problems:
            # "while calling `brief-table`" and where: append to the error it explains.
            last = problems[-1]
            at = f" at {file}:{line}" if file else ""
            problems[-1] = Problem(last.file, last.line, last.key, f"{last.message}; {text}{at}")
    if not problems:
        message = str(getattr(exc, "message", "") or exc)
        problems.append(Problem(None, None, "", _as_template_paths(message, build, template)))
    return RenderError(
        f"Typst could not compile the brief with template {template.name!r} "
        f"({template.brief_typ})",
        problems,
    )


def _source_name(path: str, build: Path, template: Template) -> str:
    """A file named in a diagnostic as the user knows it: the template's own file, or
    "main.typ (generated)" for the body briefgen wrote."""
    rel = path.replace("\\", "/")
    for prefix in (str(build).replace("\\", "/") + "/", build.name + "/"):
        if prefix in rel:
            rel = rel.split(prefix, 1)[1]
            break
    rel = rel.lstrip("/")
    if rel == "main.typ":
        return "main.typ (generated)"
    if (template.directory / rel).is_file():
        return str(template.directory / rel)
    return rel

"""`briefgen sources`: the source catalog as a table (or, with --json, as CSL-JSON);
`briefgen sources ID` one source's text, paragraph by paragraph; `briefgen sources import
FILE` adds references, `briefgen sources add FILE...` real-world files, to the catalog.

`briefgen sources` exits 1 when a source cannot be read (it is listed, with its problem), so
a script or CI job can check the corpus; every other source stays usable meanwhile."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from briefgen.commands import DEFAULT_CATALOG
from briefgen.commands.build import positive_seconds
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from briefgen.corpus.catalog import SourceCatalog

SHOW = "show"


class _SubcommandOrSourceId(argparse._SubParsersAction):
    """The subcommands of `sources`, where a word that names none is a source id:
    `briefgen sources ID` is `briefgen sources show ID`.

    argparse refuses a word that is not one of an action's ``choices`` before the action
    runs, so ``choices`` is left empty and the word is looked up here instead. An id spelt
    like a subcommand ("import") is shown with `sources show import`.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.choices = None

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: str | Sequence[Any] | None, option_string: str | None = None) -> None:
        words = list(values or [])
        if words and words[0] not in self._name_parser_map:
            words = [SHOW, *words]
        super().__call__(parser, namespace, words, option_string)


def add_parser(sub: argparse._SubParsersAction) -> None:
    sources = sub.add_parser(
        "sources", help="list the source catalog, show one source's numbered paragraphs, or import sources",
        description="Without a subcommand, list the source catalog as a table; with a source "
                    "id (`briefgen sources ID`, the same as `briefgen sources show ID`), print "
                    "that source's paragraphs numbered as citations count them.")
    sources.add_argument("--catalog", type=Path, default=DEFAULT_CATALOG, metavar="FILE",
                         help=f"the catalog (default: {DEFAULT_CATALOG})")
    sources.add_argument("--json", action="store_true",
                         help="print the catalog as CSL-JSON (for Zotero and other reference "
                              "managers; `sources import` reads it back)")
    actions = sources.add_subparsers(dest="sources_command", metavar="SUBCOMMAND",
                                     action=_SubcommandOrSourceId)
    showing = actions.add_parser(
        SHOW, help="print one source: its catalog entry, then each paragraph as 'para N'",
        description="Print a source's catalog entry on one line, then its text as quotes are "
                    "checked against it (encoding repaired, page furniture left out), one "
                    "paragraph per 'para N', the number a locator [@id, para N] gives. "
                    "`briefgen sources ID` does the same.")
    showing.add_argument("source_id", metavar="ID", help="the source's id in the catalog")
    showing.add_argument("--catalog", type=Path, default=argparse.SUPPRESS, metavar="FILE",
                         help=f"the catalog (default: {DEFAULT_CATALOG})")
    importing = actions.add_parser(
        "import", help="add sources from a CSL-JSON or BibTeX export (Zotero, ...)",
        description="Append every entry of a CSL-JSON or BibTeX file to the catalog, or none "
                    "if any entry cannot be taken. Imported sources have no text file: they "
                    "can be cited at once, and quoted once their entry's file: names their text.")
    importing.add_argument("file", type=Path, metavar="FILE", help="a .json (CSL-JSON) or .bib file")
    importing.add_argument("--format", choices=("csl-json", "bibtex"), default=None,
                           help="the file's format (default: from its suffix)")
    importing.add_argument("--dry-run", action="store_true",
                           help="check the entries and show what would be added; write nothing")
    # Also accepted after "import"; SUPPRESS keeps a value given before it.
    importing.add_argument("--catalog", type=Path, default=argparse.SUPPRESS, metavar="FILE",
                           help=f"the catalog (default: {DEFAULT_CATALOG})")
    adding = actions.add_parser(
        "add", help="add web pages, PDFs, Word files and text files to the catalog, quotable",
        description="Copy each FILE into the catalog's folder unchanged (it is evidence; its "
                    "sha256 goes in the catalog), extract its text and metadata once, store "
                    "the text beside it, and append a catalog entry naming both; print the new "
                    "ids. Several files are added all together or not at all. Takes .html, "
                    ".htm, .pdf, .docx, .txt and .md.")
    adding.add_argument("files", type=Path, nargs="+", metavar="FILE", help="the files to add")
    adding.add_argument("--id", dest="source_id", default=None, metavar="ID",
                        help="the id of the (one) file's entry; an entry with no text yet (from "
                             "`sources import`) gets the file attached")
    # The default is corpus.extract's DEFAULT_EXTRACT_TIMEOUT_S, written out here because
    # importing the corpus package to print it would slow every command's start.
    adding.add_argument("--timeout", type=positive_seconds, default=None, metavar="SECONDS",
                        help="stop reading a file that takes longer (default: 120); each file "
                             "is read in a child process under a time and a memory limit")
    adding.add_argument("--catalog", type=Path, default=argparse.SUPPRESS, metavar="FILE",
                        help=f"the catalog (default: {DEFAULT_CATALOG})")


def run(args: argparse.Namespace) -> int:
    command = getattr(args, "sources_command", None)
    if command == "import":
        return _import(args)
    if command == "add":
        return _add(args)
    if getattr(args, "json", False):
        return _json(args.catalog)
    if command == SHOW:
        return _show(args.catalog, args.source_id)
    return _list(args.catalog)


def _import(args: argparse.Namespace) -> int:
    from briefgen.corpus.importing import import_sources

    added = import_sources(args.catalog, args.file, args.format, dry_run=args.dry_run)
    verb = "would add" if args.dry_run else "added"
    print(f"{args.catalog}: {verb} {len(added)} source{'s' if len(added) != 1 else ''} "
          f"from {args.file}")
    for source in added:
        renamed = f" (was {source.original_id!r})" if source.original_id != source.record.id \
            else ""
        print(f"  [@{source.record.id}]{renamed} {source.record.title}")
    if not args.dry_run:
        print("Imported sources can be cited now; to quote one, save its text beside the "
              "catalog and set its file:.")
    return 0


def _add(args: argparse.Namespace) -> int:
    from briefgen.corpus.adding import add_sources
    from briefgen.corpus.extract import DEFAULT_EXTRACT_TIMEOUT_S

    timeout = args.timeout if args.timeout is not None else DEFAULT_EXTRACT_TIMEOUT_S
    for added in add_sources(args.catalog, args.files, args.source_id, timeout):
        # The id alone on stdout, for scripts; what was done on stderr, for people.
        print(added.record.id)
        how = ("attached to its entry" if added.attached else "added") + (
            f", copied in as {added.record.file}" if added.copied else "")
        print(f"{added.given}: {how}; text in {added.record.text}", file=sys.stderr)
    return 0


def _json(catalog_path: Path) -> int:
    import json

    from briefgen.citations.csl import to_csl
    from briefgen.corpus.catalog import SourceCatalog

    catalog = SourceCatalog.load(catalog_path)
    items = [to_csl(catalog.get(sid)) for sid in catalog.ids()]
    # Sorted keys and fixed separators: the same catalog prints the same bytes.
    print(json.dumps(items, ensure_ascii=False, indent=2, sort_keys=True))
    return 0


def _list(catalog_path: Path) -> int:
    from rich.console import Console
    from rich.table import Table

    from briefgen.corpus.catalog import SourceCatalog

    catalog = SourceCatalog.load(catalog_path)
    table = Table(title=f"Sources in {catalog_path}", expand=True)
    # Ids are what analysts copy into specs: never wrap them; the title takes the slack.
    table.add_column("id", no_wrap=True)
    table.add_column("title", ratio=3)
    table.add_column("author(s)", ratio=1)
    table.add_column("outlet", ratio=1)
    table.add_column("date", no_wrap=True)
    table.add_column("paras", no_wrap=True, justify="right")
    for sid in catalog.ids():
        record = catalog.get(sid)
        authors = "; ".join(f"{p.given} {p.family}".strip() for p in record.authors)
        outlet = record.container_title or record.publisher
        # A source without text (imported metadata) can be cited but has no paragraphs.
        if catalog.broken(sid):
            paras = "BROKEN"
        elif catalog.quotable(sid):
            text = catalog.text(sid)
            paras = str(len(text.paragraphs)) + (f", {len(text.page_labels)} pp."
                                                  if text.paginated else "")
        else:
            paras = "no text"
        table.add_row(sid, record.title, authors or "—", outlet or "—", record.date or "n.d.", paras)
    Console().print(table)
    broken = catalog.broken_ids()
    for sid in broken:
        for problem in catalog.broken(sid):
            print(f"[@{sid}] cannot be read: {problem}", file=sys.stderr)
    if broken:
        count = len(broken)
        print(f"{count} source{'s' if count != 1 else ''} cannot be read; briefs that cite "
              f"{'them' if count != 1 else 'it'} fail until fixed, all others build",
              file=sys.stderr)
        return 1
    return 0


def _show(catalog_path: Path, source_id: str) -> int:
    from briefgen.corpus.cache import load_catalog
    from briefgen.errors import SourceError
    from briefgen.spec.options import suggest

    catalog = load_catalog(catalog_path)  # one entry: from the index, not the whole YAML
    if source_id not in catalog:
        # A mistyped subcommand lands here too ("imprt"), so suggest those as well.
        raise SourceError(f"{catalog_path}: no source {source_id!r}"
                          f"{suggest(source_id, [*catalog.ids(), 'import', SHOW])}")
    try:
        print(_entry_line(catalog, source_id))
        if catalog.broken(source_id):
            for problem in catalog.broken(source_id):
                print(problem, file=sys.stderr)
            return 1
        if not catalog.quotable(source_id):
            print(f"no text: it can be cited but not quoted until its file: in {catalog_path} "
                  "names its text", file=sys.stderr)
            return 0
        # The paragraphs quotes are matched against, so 'para N' here is the N of a locator;
        # in a paginated source a "p. N" line stands where each page begins.
        shown_page = ""
        for paragraph in catalog.text(source_id).paragraphs:
            if paragraph.pages and paragraph.pages[0] != shown_page:
                print()
                print(f"p. {paragraph.pages[0]}")
            shown_page = paragraph.pages[-1] if paragraph.pages else ""
            print()
            text = paragraph.text
            for at, label in reversed(list(zip(paragraph.breaks, paragraph.pages[1:],
                                               strict=True))):
                text = f"{text[:at]}[p. {label}] {text[at:]}"
            print(f"{paragraph.locator}  {text}")
        sys.stdout.flush()
    except BrokenPipeError:
        # Read through `head` or a pager that was quit: not an error. Point stdout at
        # /dev/null so the interpreter's own flush at exit does not fail again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    return 0


def _entry_line(catalog: SourceCatalog, source_id: str) -> str:
    """What the catalog says about a source, on one line: id, title, authors, outlet, date,
    type, URL, and its text file with its number of paragraphs (or "no text")."""
    record = catalog.get(source_id)
    authors = "; ".join(f"{p.given} {p.family}".strip() for p in record.authors)
    if catalog.broken(source_id):
        text = "cannot be read: " + "; ".join(p.message for p in catalog.broken(source_id))
    elif catalog.quotable(source_id):
        count = len(catalog.text(source_id).paragraphs)
        text = f"{catalog.path.parent / (record.text or record.file)}, {count} paragraph" \
               f"{'s' if count != 1 else ''}"
    else:
        text = "no text"
    fields = [record.title, authors or "no author", record.container_title or record.publisher
              or "no outlet", record.date or "n.d.", record.type, record.url, text]
    return f"[@{record.id}] " + " | ".join(field for field in fields if field)

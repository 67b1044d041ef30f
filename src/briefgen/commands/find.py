"""`briefgen find "TEXT"`: where a sentence stands in the corpus, with a ready citation."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from briefgen.commands import DEFAULT_CATALOG

if TYPE_CHECKING:
    from briefgen.corpus.catalog import SourceCatalog
    from briefgen.corpus.quotes import QuoteMatch

EXIT_FOUND, EXIT_NOT_FOUND = 0, 1
CONTEXT_CHARS = 120  # of the paragraph shown either side of the match


def add_parser(sub: argparse._SubParsersAction) -> None:
    find = sub.add_parser("find", help="find a quotation in the corpus and print its citation")
    find.add_argument("text", metavar="TEXT", help="the words to find (quotation conventions apply)")
    find.add_argument("--catalog", type=Path, default=DEFAULT_CATALOG, metavar="FILE",
                      help=f"the catalog (default: {DEFAULT_CATALOG})")
    find.add_argument("--closest", type=int, default=3, metavar="N",
                      help="when nothing matches, how many close passages to show (default 3)")


def run(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.text import Text

    from briefgen.corpus.index import CorpusIndex

    # While the catalog and its sources are as indexed, the index alone answers: nothing
    # here parses the catalog. The sources that cannot be read are the index's too.
    index = CorpusIndex.open_search(args.catalog)
    broken = index.broken_ids()
    if broken:
        # Once, not per source: the rest of the corpus is searched all the same.
        count = len(broken)
        print(f"warning: {count} source{'s' if count != 1 else ''} in {args.catalog} cannot be "
              f"read and {'were' if count != 1 else 'was'} not searched: {', '.join(broken)} "
              "(`briefgen sources` says why)", file=sys.stderr)
    console = Console(highlight=False, soft_wrap=True)
    try:
        matches = index.find(args.text)
        if matches:
            for match in matches:
                text = index.paragraph(match.source_id, match.paragraph)
                start, end = match.start, match.end
                # The pages of a paginated source are its text's: the catalog the index holds
                # reads them (only for a match, so a search that finds nothing reads none).
                where, citation = found_at(index.catalog, match)
                line = Text(f"{match.source_id}, {where}: ", style="bold")
                line.append(_excerpt(text, start, end))
                console.print(line)
                console.print(f"  {citation}", markup=False)
            return EXIT_FOUND
        console.print("not found in any source", markup=False, style="bold red")
        for near in index.closest(args.text, limit=args.closest):
            console.print(f"  {near.source_id}, para {near.paragraph} ({near.score:.0f}% similar): "
                          f"\u201c{near.passage}\u201d", markup=False)
        return EXIT_NOT_FOUND
    finally:
        index.close()


def found_at(catalog: SourceCatalog, match: QuoteMatch) -> tuple[str, str]:
    """Where a passage found stands, as find names it ("para 4"; "p. 12, para 30" in a
    paginated source), and the citation to paste for it (``[@id, para 4]``, ``[@id, p. 12]``). `preview`'s Find box shows these same two, so it follows
    whatever find prints."""
    from briefgen.corpus.text import page_locator

    paragraph = catalog.text(match.source_id).paragraph(match.paragraph)
    # The index holds paragraphs, not pages: the catalog's text knows those.
    locator = (page_locator(paragraph.pages_between(match.start, match.end))
               or paragraph.locator)
    where = f"{locator}, para {match.paragraph}" if paragraph.pages else locator
    return where, f"[@{match.source_id}, {locator}]"


def _excerpt(text: str, start: int, end: int) -> "Text":
    """The paragraph around the match, the match marked »like this« (and bold on a terminal:
    the marks survive a pipe, where styles do not)."""
    from rich.text import Text

    left = max(0, start - CONTEXT_CHARS)
    right = min(len(text), end + CONTEXT_CHARS)
    shown = Text("…" if left else "")
    shown.append(text[left:start])
    shown.append(f"»{text[start:end]}«", style="bold yellow")
    shown.append(text[end:right])
    shown.append("…" if right < len(text) else "")
    return shown

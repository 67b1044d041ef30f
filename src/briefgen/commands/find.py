"""`briefgen find "TEXT"`: where a sentence stands in the corpus, with a ready citation."""

from __future__ import annotations

import argparse
from pathlib import Path

from briefgen.commands import DEFAULT_CATALOG

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

    # While the catalog and its sources are as indexed, the index alone answers (the
    # paragraphs printed are its own): nothing here parses the catalog or reads a source.
    index = CorpusIndex.open_search(args.catalog)
    console = Console(highlight=False, soft_wrap=True)
    try:
        matches = index.find(args.text)
        if matches:
            for match in matches:
                text = index.paragraph(match.source_id, match.paragraph)
                start = text.index(match.passage)
                end = start + len(match.passage)
                line = Text(f"{match.source_id}, para {match.paragraph}: ", style="bold")
                line.append(_excerpt(text, start, end))
                console.print(line)
                console.print(f"  [@{match.source_id}, para {match.paragraph}]", markup=False)
            return EXIT_FOUND
        console.print("not found in any source", markup=False, style="bold red")
        for near in index.closest(args.text, limit=args.closest):
            console.print(f"  {near.source_id}, para {near.paragraph} ({near.score:.0f}% similar): "
                          f"\u201c{near.passage}\u201d", markup=False)
        return EXIT_NOT_FOUND
    finally:
        index.close()


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

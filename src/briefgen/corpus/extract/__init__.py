"""Text and metadata out of the files analysts quote: web pages, PDF reports, Word papers.

One module per kind of file, each the only importer of its library (html.py: trafilatura and
htmldate; pdf.py: pdfplumber; docx.py: python-docx's reader; plain.py: none). Every reader
returns an ``Extracted``: the article's paragraphs, page by page as printed, and the metadata
the file states. Extraction is deterministic (the same bytes give the same Extracted), never
guesses (a field the file does not state is ""), and runs once, at ``briefgen sources add``:
its result is stored beside the original and builds read that.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from briefgen.corpus.catalog import Person
from briefgen.errors import SourceError


@dataclass(frozen=True)
class ExtractedPage:
    """One printed page (or the whole text of an unpaginated source).

    ``label`` is the page number as printed on the page ("iv", "12"), from the PDF's page
    labels where it has them, else the physical page number; "" for a source with no pages
    (a web page, a Word file, a text file). ``paragraphs`` are whole paragraphs, whitespace
    collapsed, words broken at line ends joined. ``continues`` is True when the first
    paragraph carries on the last paragraph of the page before (a sentence across the break).
    """

    label: str
    paragraphs: tuple[str, ...]
    continues: bool = False


@dataclass(frozen=True)
class Extracted:
    """What a reader found in one file. Strings are "" when the file does not state them.

    ``kind`` is the reader ("html", "pdf", "docx", "text"); ``csl_type`` the CSL item type
    the file most plausibly is ("webpage", "article-newspaper", "report", "document"...);
    ``date`` is "YYYY-MM-DD", "YYYY-MM", "YYYY" or ""; ``paginated`` is True for a file with
    printed pages (a PDF), whose quotes are cited by page rather than by paragraph.
    ``notes`` say what was inferred and from what (they go into the catalog entry's note).
    """

    kind: str
    title: str
    pages: tuple[ExtractedPage, ...]
    authors: tuple[Person, ...] = ()
    date: str = ""
    container_title: str = ""
    publisher: str = ""
    url: str = ""
    csl_type: str = "document"
    language: str = ""
    paginated: bool = False
    notes: tuple[str, ...] = field(default=())


#: File suffixes `briefgen sources add` takes, each with the reader that reads it.
READERS = {
    ".html": "html", ".htm": "html",
    ".pdf": "pdf",
    ".docx": "docx",
    ".txt": "text", ".md": "text",
}


def extract(path: Path) -> Extracted:
    """Read ``path`` with the reader its suffix names; SourceError if it cannot be read.

    The caller has already confined ``path`` (briefgen.confine); readers still bound what
    they read (pages, characters) so a hostile file cannot run past its limits.
    """
    kind = READERS.get(path.suffix.lower())
    if kind is None:
        raise SourceError(f"{path}: cannot add a {path.suffix or 'suffix-less'} file; "
                          f"expected one of {', '.join(sorted(READERS))}")
    if kind == "html":
        from briefgen.corpus.extract.html import read_html as reader
    elif kind == "pdf":
        from briefgen.corpus.extract.pdf import read_pdf as reader
    elif kind == "docx":
        from briefgen.corpus.extract.docx import read_docx as reader
    else:
        from briefgen.corpus.extract.plain import read_plain as reader
    return reader(path)

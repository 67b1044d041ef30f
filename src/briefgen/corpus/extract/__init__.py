"""Text and metadata out of the files analysts quote: web pages, PDF reports, Word papers.

One module per kind of file, each the only importer of its library (html.py: trafilatura and
htmldate; pdf.py: pdfplumber; docx.py: python-docx's reader; plain.py: none). Every reader
returns an ``Extracted``: the article's paragraphs, page by page as printed, and the metadata
the file states. Extraction is deterministic (the same bytes give the same Extracted), never
guesses (a field the file does not state is ""), and runs once, at ``briefgen sources add``:
its result is stored beside the original and builds read that.

The files are untrusted, and the libraries cannot be bounded from inside: pdfminer inflates a
compressed stream whole (a deflate bomb in a page's content is unbounded), trafilatura's time
grows with the page. So ``Extraction`` runs each reader in a child process (briefgen.child)
under EXTRACT_MEMORY_LIMIT and a time limit, and the Extracted comes back as JSON.
"""

from __future__ import annotations

import traceback
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from briefgen.child import ChildFailed, ChildProcess, serve_requests
from briefgen.corpus.catalog import Person
from briefgen.errors import Problem, SourceError

# Address space of the extraction child: the readers and their libraries take about 90 MB
# of it, a 300-page report a few hundred more (pdfplumber holds one page's characters at a
# time); 1.5 GiB leaves room for the longest reports and stops a bomb at a second or two.
EXTRACT_MEMORY_LIMIT = 3 * 1024**3 // 2
#: Seconds one file's extraction may take: a 300-page report takes about 30 s on a slow
#: machine; `sources add --timeout` changes it.
DEFAULT_EXTRACT_TIMEOUT_S = 120.0


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
    """Read ``path`` with the reader its suffix names, in this process; SourceError if it
    cannot be read. For untrusted files, use ``Extraction`` (a child under limits).

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


class Extraction:
    """Readers run in a child process under a memory cap and a time limit, one file at a
    time; the child is started on first use and kept until ``close``."""

    def __init__(self, memory_limit: int = EXTRACT_MEMORY_LIMIT) -> None:
        self._memory_limit = memory_limit
        self._child = ChildProcess("from briefgen.corpus.extract import serve; serve()",
                                   memory_limit)

    def extract(self, path: Path, timeout: float = DEFAULT_EXTRACT_TIMEOUT_S,
                shown: str | None = None) -> Extracted:
        """``extract(path)`` done in the child; SourceError naming ``shown`` (the file as
        the user gave it; default ``path``) if the reader refuses the file, or it takes
        longer than ``timeout`` seconds, or more memory than the limit. Ctrl-C:
        KeyboardInterrupt."""
        name = shown if shown is not None else str(path)
        try:
            answer = self._child.request({"path": str(path)}, timeout)
        except ChildFailed as failed:
            raise self._stopped(failed, name, timeout) from None
        if "extracted" in answer:
            return _from_json(answer["extracted"])
        problems = [Problem(p["file"], p["line"], str(p["key"]), str(p["message"]))
                    for p in answer.get("problems", ())]
        raise SourceError(str(answer.get("message", "")), problems)

    def cancel(self) -> None:
        """Stop an extraction under way; safe from any thread."""
        self._child.cancel()

    def close(self) -> None:
        """End the child."""
        self._child.close()

    def _stopped(self, failed: ChildFailed, name: str, timeout: float) -> BaseException:
        if failed.reason == "cancelled":
            return KeyboardInterrupt()
        if failed.reason == "timeout":
            return SourceError(f"{name}: reading it took longer than {timeout:g} s and was "
                               "stopped (a damaged or hostile file?); if it is a genuine, very "
                               "long document, raise the limit with --timeout")
        if failed.reason == "memory":
            return SourceError(f"{name}: reading it needed more than "
                               f"{self._memory_limit // 1024**2:,} MiB of memory and was "
                               "stopped (a compressed stream that inflates without end?); "
                               "export or save the document again and add that")
        return SourceError(f"{name}: the reader stopped unexpectedly on this file "
                           f"({failed.detail}); export or save it again and add that")


def _from_json(data: dict[str, Any]) -> Extracted:
    """The Extracted that ``asdict`` turned into ``data`` (lists back into tuples)."""
    return Extracted(
        kind=str(data["kind"]), title=str(data["title"]),
        pages=tuple(ExtractedPage(str(p["label"]), tuple(str(t) for t in p["paragraphs"]),
                                  bool(p["continues"])) for p in data["pages"]),
        authors=tuple(Person(str(a["family"]), str(a["given"])) for a in data["authors"]),
        date=str(data["date"]), container_title=str(data["container_title"]),
        publisher=str(data["publisher"]), url=str(data["url"]),
        csl_type=str(data["csl_type"]), language=str(data["language"]),
        paginated=bool(data["paginated"]), notes=tuple(str(n) for n in data["notes"]))


# ---------------------------------------------------------------- in the child


def _import_readers() -> None:
    # Imported once the limits are set (their imports are part of what is bounded), at the
    # child's start: the first file's time limit counts that second or so, the others not.
    import briefgen.corpus.extract.docx  # noqa: F401
    import briefgen.corpus.extract.html  # noqa: F401
    import briefgen.corpus.extract.pdf  # noqa: F401
    import briefgen.corpus.extract.plain  # noqa: F401


def _extract_one(request: dict[str, Any]) -> dict[str, Any]:
    path = Path(request["path"])
    try:
        return {"extracted": asdict(extract(path))}
    except SourceError as error:
        return {"message": str(error),
                "problems": [{"file": p.file, "line": p.line, "key": p.key,
                              "message": p.message} for p in error.problems]}
    except RecursionError:
        return {"message": f"{path}: the file nests its structure too deeply to be read"}
    except MemoryError:
        raise
    except Exception as exc:  # a library tripping on a hostile file: refuse it, say how
        where = traceback.extract_tb(exc.__traceback__)[-1]
        return {"message": f"{path}: cannot be read ({type(exc).__name__}: "
                           f"{str(exc)[:200]}, in {Path(where.filename).name}:{where.lineno}); "
                           "export or save it again and add that"}


def serve() -> None:
    """The extraction child's loop (briefgen.child.serve_requests): one file per request."""
    serve_requests(_extract_one, prepare=_import_readers)

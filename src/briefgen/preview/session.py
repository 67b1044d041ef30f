"""The warm build state of `briefgen preview`: rebuild on every save, keep the last good pages.

One watcher thread runs briefgen.watch's loop (the same inputs and debounce as `watch`) with a
build that also hands over the PDF's pages, as SVG, from the compile that writes the PDF.
Everything the page shows is one ``snapshot()``: a plain dict, sent whole to the browser on
every change, so the browser never asks for a half-updated state. Builds run in this
process: after the first, nothing is imported again, the Typst child stays alive, the chart
and catalog caches stay filled.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from briefgen.errors import BriefgenError, Problem, SourceError
from briefgen.evidence import TracedDatum, VerifiedQuote
from briefgen.pipeline import BuildOptions, BuildResult, Checked
from briefgen.preview.locate import PrintedText
from briefgen.spec.loader import display_path
from briefgen.writers import DEFAULT_COMPILE_TIMEOUT_S

# Characters of the source paragraph shown either side of a match, as `briefgen find` shows.
CONTEXT_CHARS = 120
_VIEW_BOX = re.compile(rb'viewBox="0 0 ([0-9.]+) ([0-9.]+)"')
_CSV_ROW = re.compile(r"(.+\.csv):(\d+)")
# The key path of a chart value, a table cell or a CSV row: a number, not a quotation.
_NUMBER_KEY = re.compile(r"\.values\[\d+\]$|\.rows\[\d+\]|\.csv:\d+$")


@dataclass(frozen=True)
class Page:
    """One page of the PDF as Typst drew it: the SVG, a hash naming this version of it, and
    its size in points (so the browser lays the page out before the picture arrives)."""

    svg: bytes
    digest: str
    width: float
    height: float

    @classmethod
    def of(cls, svg: bytes) -> Page:
        size = _VIEW_BOX.search(svg[:400])
        width, height = (float(size.group(1)), float(size.group(2))) if size else (595.0, 842.0)
        return cls(svg, hashlib.sha256(svg).hexdigest()[:16], width, height)


@dataclass(frozen=True)
class Download:
    """One file of the last good build, read whole when it was committed: a download is
    never half-written, and the PDF, DOCX and evidence record come from one build."""

    name: str
    data: bytes
    media_type: str


@dataclass
class _State:
    version: int = 0
    status: str = "building"  # building | ok | failed
    pages: tuple[Page, ...] = ()
    pages_from: int = 0  # the build number the pages come from
    good_build: int = 0  # the last build number that succeeded
    build: int = 0  # the build number running or last run
    headline: str = ""
    problems: tuple[Problem, ...] = ()
    warnings: tuple[str, ...] = ()
    evidence: tuple[dict[str, Any], ...] = ()
    checked: Checked | None = None
    downloads: dict[str, Download] = field(default_factory=dict)
    pdf: bytes = b""
    seconds: float = 0.0  # the last build, start to end
    pages_seconds: float = 0.0  # the last build, start to its pages
    started: float = 0.0


_MEDIA = {".pdf": "application/pdf",
          ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
          ".json": "application/json"}


class PreviewSession:
    """Builds ``spec`` now and after every save of one of its inputs, keeping what to show.

    ``template``, ``style`` and ``timeout`` are the build's overrides, as `build` takes them.
    The outputs go to a temporary folder of the session, removed by ``close``.
    """

    def __init__(self, spec: Path, template: Path | None = None, style: str = "",
                 timeout: float = DEFAULT_COMPILE_TIMEOUT_S) -> None:
        self.spec = spec
        self._out = Path(tempfile.mkdtemp(prefix="briefgen-preview-"))
        self.options = BuildOptions(out_dir=self._out, template=template, style=style,
                                    timeout=timeout, on_pages=self._pages_ready)
        self._lock = threading.Lock()
        self._state = _State()
        self._listeners: list[Callable[[], None]] = []
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._printed: PrintedText | None = None  # the text of the last good PDF
        self._printed_of = -1  # the build it is of

    # ------------------------------------------------------------ lifecycle

    def start(self) -> None:
        """Start watching and building in a thread of its own."""
        from briefgen.watch import watch_and_rebuild

        def run() -> None:
            watch_and_rebuild(self.spec, self.options, self._built, self._stop,
                              before_build=self._building)

        self._thread = threading.Thread(target=run, name="briefgen-preview-build", daemon=True)
        self._thread.start()

    def close(self) -> None:
        """Stop watching (a build under way finishes first) and remove the outputs."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
        shutil.rmtree(self._out, ignore_errors=True)

    def listen(self, callback: Callable[[], None]) -> Callable[[], None]:
        """Call ``callback`` (from the build thread) after every change; returns the undo."""
        with self._lock:
            self._listeners.append(callback)

        def forget() -> None:
            with self._lock:
                if callback in self._listeners:
                    self._listeners.remove(callback)
        return forget

    # ------------------------------------------------------------ what the page shows

    @property
    def version(self) -> int:
        return self._state.version

    def snapshot(self) -> dict[str, Any]:
        """Everything the page shows, as JSON-ready data (pages by number and hash)."""
        with self._lock:
            s = self._state
            return {
                "version": s.version,
                "status": s.status,
                "spec": display_path(self.spec),
                # The last good pages while the spec does not build: the browser dims them.
                "stale": s.status == "failed",
                "pages": [{"number": n, "digest": p.digest, "width": p.width,
                           "height": p.height} for n, p in enumerate(s.pages, start=1)],
                "headline": s.headline,
                "problems": [{"text": str(p), "file": p.file, "line": p.line, "key": p.key,
                              "message": p.message} for p in s.problems],
                "warnings": list(s.warnings),
                "evidence": list(s.evidence),
                "downloads": {kind: d.name for kind, d in s.downloads.items()},
                "seconds": round(s.seconds, 3),
                "pages_seconds": round(s.pages_seconds, 3),
            }

    def page(self, number: int) -> Page | None:
        """Page ``number`` (from 1) of the pages shown now, or None."""
        pages = self._state.pages
        return pages[number - 1] if 1 <= number <= len(pages) else None

    def download(self, kind: str) -> Download | None:
        """The last good build's ``pdf``, ``docx`` or ``evidence`` file, or None."""
        return self._state.downloads.get(kind)

    def checked(self) -> Checked | None:
        """What the last good build's check found (its catalog serves Find)."""
        return self._state.checked

    def locate(self, item_id: str) -> dict[str, Any] | None:
        """Where evidence item ``item_id`` is printed in the last good PDF: page and height
        on it (0 top, 1 bottom), or None when its words cannot be found there."""
        with self._lock:
            s = self._state
            item = next((e for e in s.evidence if e["id"] == item_id), None)
            pdf, build = s.pdf, s.good_build
            printed = self._printed if self._printed_of == build else None
        if item is None or not pdf:
            return None
        if printed is None:
            # Read once per build, outside the lock: the build thread must not wait for it.
            printed = PrintedText(pdf)
            with self._lock:
                self._printed, self._printed_of = printed, build
        place = next((found for found in map(printed.find, item["printed"]) if found), None)
        return None if place is None else {"page": place[0], "y": place[1]}

    # ------------------------------------------------------------ the build thread

    def _building(self) -> None:
        with self._lock:
            self._state.build += 1
            self._state.status = "building"
            self._state.started = time.perf_counter()
        self._changed()

    def _pages_ready(self, svgs: tuple[bytes, ...]) -> None:
        """The PDF compiled: show its pages at once, before the other formats are written."""
        pages = tuple(Page.of(svg) for svg in svgs)
        with self._lock:
            self._state.pages = pages
            self._state.pages_from = self._state.build
            self._state.pages_seconds = time.perf_counter() - self._state.started
        self._changed()

    def _built(self, outcome: BuildResult | BriefgenError) -> None:
        with self._lock:
            s = self._state
            s.seconds = time.perf_counter() - s.started
            if isinstance(outcome, BriefgenError):
                s.status = "failed"
                s.headline = str(outcome)
                s.problems = tuple(outcome.problems)
                if not s.problems:
                    # A whole-file error (YAML that does not parse, a missing catalog): the
                    # message is the problem, as the CLI prints it, where and all.
                    s.headline, s.problems = "", (Problem(None, None, "", str(outcome)),)
                s.warnings = ()
                s.evidence = _with_failures(s.evidence, outcome, self._quotes_now())
            else:
                s.status = "ok"
                s.good_build = s.build
                s.headline, s.problems = "", ()
                s.warnings = outcome.warnings
                s.checked = outcome.checked
                s.evidence = evidence_items(outcome.checked, outcome.warnings)
                s.downloads = _downloads(outcome)
                s.pdf = s.downloads["pdf"].data if "pdf" in s.downloads else b""
        self._changed()

    def _quotes_now(self) -> dict[str, str]:
        """The quotation at each excerpt's key as the spec has it now (a failed item shows
        what the analyst wrote, not what last verified); empty if it does not load."""
        from briefgen.spec.loader import load_spec

        try:
            spec, _ = load_spec(self.spec)
        except BriefgenError:
            return {}
        return {f"{excerpt.key}.quote": excerpt.quote for excerpt in spec.excerpts()}

    def _changed(self) -> None:
        with self._lock:
            self._state.version += 1
            listeners = list(self._listeners)
        for listener in listeners:
            listener()


def _downloads(result: BuildResult) -> dict[str, Download]:
    found = {}
    for path in result.outputs:
        kind = "evidence" if path.name.endswith(".evidence.json") else path.suffix.lstrip(".")
        found[kind] = Download(path.name, path.read_bytes(), _MEDIA.get(path.suffix, ""))
    return found


# ---------------------------------------------------------------- evidence items


def evidence_items(checked: Checked | None,
                   warnings: tuple[str, ...]) -> tuple[dict[str, Any], ...]:
    """Every quotation and traced number of a build, as the evidence panel lists them:
    verified, with the source passage around the match and the spec line it stands at;
    a warning about an item (a figure other sources give differently) beside it."""
    if checked is None:
        return ()
    located = checked.located
    items: list[dict[str, Any]] = []
    quotes = [*checked.evidence.excerpts.values(), *checked.evidence.inline]
    printed = {datum.key: _printed_as(datum, checked) for datum in checked.evidence.data}
    for quote in quotes:
        line = located.line(quote.key)
        head = str(Problem(located.file, line, quote.key, ""))
        # An excerpt kept only as evidence is not printed: the charts and tables it backs are.
        backed = [text for datum in checked.evidence.data if datum.quote.key == quote.key
                  for text in printed[datum.key]]
        items.append({
            **_quote_fields(quote, checked),
            "kind": "quote", "state": "verified", "key": quote.key,
            "file": located.file, "line": line,
            "warnings": [w for w in warnings if w.startswith(head)],
            "printed": [quote.quote, *dict.fromkeys(backed)],
        })
    for datum in checked.evidence.data:
        file, line = _datum_place(datum, located.file, located.line(datum.key))
        items.append({
            **_quote_fields(datum.quote, checked),
            "kind": "number", "state": "verified", "key": datum.key,
            "file": file, "line": line, "written": datum.written, "excerpt": datum.excerpt,
            "warnings": [], "printed": printed[datum.key],
        })
    return _unique_ids(items)


def _unique_ids(items: list[dict[str, Any]]) -> tuple[dict[str, Any], ...]:
    """Each item's ``id``: its key path, with "#2", "#3" for a second and third quotation in
    one text, so an item keeps its id (and stays open in the page) across rebuilds."""
    seen: dict[str, int] = {}
    for item in items:
        count = seen[item["key"]] = seen.get(item["key"], 0) + 1
        item["id"] = item["key"] if count == 1 else f"{item['key']}#{count}"
    return tuple(items)


def _quote_fields(quote: VerifiedQuote, checked: Checked) -> dict[str, Any]:
    match = quote.match
    record = checked.catalog.get(match.source_id)
    text = checked.catalog.text(match.source_id).paragraph(match.paragraph).text
    left = max(0, match.start - CONTEXT_CHARS)
    right = min(len(text), match.end + CONTEXT_CHARS)
    return {
        "quote": quote.quote, "source": match.source_id, "title": record.title,
        "where": f"para {match.paragraph}",
        "before": ("…" if left else "") + text[left:match.start],
        "match": text[match.start:match.end],
        "after": text[match.end:right] + ("…" if right < len(text) else ""),
    }


def _printed_as(datum: TracedDatum, checked: Checked) -> list[str]:
    """What the pages print where a number stands: its table row's words, or its chart's
    caption (a chart's own lettering is a picture), else the quotation it comes from."""
    from briefgen.markup.markdown import visible_text

    for table in checked.spec.tables():
        for row in table.rows:
            if any(datum.key == row.cell_key(j) for j in range(len(row.cells))):
                return [" ".join(visible_text(cell) for cell in row.cells), table.caption]
    row = _CSV_ROW.fullmatch(datum.key)
    for chart in checked.spec.charts():
        if (row and chart.data == row.group(1)) or datum.key.startswith(chart.key + "."):
            return [visible_text(chart.caption)]
    return [datum.quote.quote]


def _datum_place(datum: TracedDatum, spec_file: str, line: int | None) -> tuple[str, int | None]:
    """A number's place: its spec line, or its row of the chart's CSV file."""
    row = _CSV_ROW.fullmatch(datum.key)
    if row:
        return row.group(1), int(row.group(2))
    return spec_file, line


def _with_failures(last: tuple[dict[str, Any], ...], error: BriefgenError,
                   quotes: dict[str, str]) -> tuple[dict[str, Any], ...]:
    """The evidence list after a failed build: a quotation that no longer verifies as a
    failed item at its place (with the closest passage, as the CLI says it), the last good
    build's other items as they were. Other failures (YAML, validation) leave the list be."""
    if not isinstance(error, SourceError):
        return last
    # Every problem of the evidence check (a SourceError) is a quotation or number at a key.
    failed = [p for p in error.problems if p.key]
    if not failed:
        return last
    keys = {p.key for p in failed}
    # Failed items of an earlier failed build are not kept: this build's are the failures.
    kept = [item for item in last if item["key"] not in keys and item["state"] == "verified"]
    return _unique_ids([{"kind": "number" if _NUMBER_KEY.search(p.key) else "quote",
                         "state": "failed", "key": p.key,
                         "file": p.file, "line": p.line, "message": p.message, "text": str(p),
                         "quote": quotes.get(p.key, ""), "source": "", "title": "",
                         "where": "", "before": "",
                         "match": "", "after": "", "printed": [], "warnings": []}
                        for p in failed] + [dict(item) for item in kept])

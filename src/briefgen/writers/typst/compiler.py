"""Compile a Typst build folder in a child process, under a time and a memory limit.

A template is code: a loop in brief.typ runs as long as it likes, and Typst running out of
memory aborts its process with a Rust backtrace. Neither can be stopped inside our own
process (Typst never returns to Python until it is done), so the compile runs in a child
that can be killed: on expiry of the time limit, on Ctrl-C, or when the build fails
elsewhere. The child is started once and kept for later compiles of the same process
(`watch`, batch workers, the test suite), so only the first compile pays for it, and the
pipeline starts it while the spec is still being checked.

The child and its limits are briefgen.child's, shared with the readers of `sources add`.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from briefgen.child import ChildFailed, ChildProcess, serve_requests

# Typst's downloader honours these; see _offline.
_PROXY_VARIABLES = ("http_proxy", "https_proxy", "all_proxy")
_NO_NETWORK = "http://127.0.0.1:9"
# Where the child looks for Typst packages: a folder of the build that never exists, so a
# template loads none from the user's data folder (@local) or download cache (@preview);
# a template is its own folder and nothing else.
_NO_PACKAGES = ".no-typst-packages"

# Address space of the child. A brief compiles in about 300 MB of it (fonts included);
# 2 GiB leaves room for long briefs and stops a runaway template long before the machine.
MEMORY_LIMIT_BYTES = 2 * 1024**3
# Resident memory past which the child asks to be replaced once it has answered. Typst keeps
# what it memoised from every compile: a child serving a batch worker grew from about 100
# to 240 MiB over 20 briefs, 7 MiB a brief. A new child is started at once, so its start-up
# overlaps the next spec's checks, but it compiles without that memo: at 160 MiB (a new
# child every 6 briefs) a batch took 1.3 times as long as without replacing; this limit
# keeps the child under 200 MiB with fewer replacements.
RESIDENT_LIMIT_BYTES = 176 * 1024**2

# Font folders from Debian packages: fonts-noto-core (Noto Serif, Noto Sans, Noto Naskh
# Arabic), fonts-hosny-amiri (Amiri, the Arabic fallback), fonts-liberation2 (Liberation
# Mono for code). System fonts are ignored on purpose: a build must not depend on what else
# happens to be installed (font fallback would change), or it would not be byte-identical
# across machines. Speed was not the reason: scanning these folders takes ~15 ms once per
# process and all system fonts ~20 ms on the development machine; the scanned set is cached
# for later builds, and the child scans these as it starts, before its first request.
# Typst's own embedded fonts (Libertinus, DejaVu Sans Mono) stay available.
FONT_DIRS: tuple[Path, ...] = (
    Path("/usr/share/fonts/truetype/noto"),
    Path("/usr/share/fonts/opentype/fonts-hosny-amiri"),
    Path("/usr/share/fonts/truetype/fonts-hosny-amiri"),
    Path("/usr/share/fonts/truetype/liberation2"),
)

#: The child did not answer: ``reason`` is "timeout", "memory", "crash" or "cancelled".
CompileFailed = ChildFailed


@dataclass(frozen=True)
class CompileRequest:
    """One compile: main.typ in ``build`` (Typst's root), a PDF of ``pdf_standards`` into
    ``output``.

    ``pages``: a folder to also write every page into as an SVG image (page-1.svg, ...), from
    the same compiled document as the PDF (`briefgen preview` shows them); None for none.
    """

    build: Path
    output: Path
    font_dirs: tuple[str, ...]
    timestamp: int
    # The PDF standards Typst holds the file to, as Typst names them ("a-2a", "ua-1").
    pdf_standards: tuple[str, ...] = ("a-2a", "ua-1")
    pages: Path | None = None


@dataclass(frozen=True)
class CompileAnswer:
    """What the child said: ``ok`` with Typst's warnings, or Typst's error."""

    ok: bool
    warnings: tuple[str, ...] = ()
    diagnostic: str = ""  # Typst's rendered error report, when it has one
    message: str = ""
    page_count: int = 0  # SVG pages written, when the request asked for them


def _offline(env: dict[str, str]) -> None:
    env["RUST_BACKTRACE"] = "0"  # a dying child's first line says why; the rest is noise
    # A template's `#import "@preview/..."` would download code from the network; every
    # proxy variable points at the discard port, where nothing listens, so it cannot.
    for name in _PROXY_VARIABLES:
        env[name] = env[name.upper()] = _NO_NETWORK
    env.pop("NO_PROXY", None)
    env.pop("no_proxy", None)


class CompilerProcess:
    """A child process (briefgen.child) that compiles Typst build folders, one at a time."""

    def __init__(self, memory_limit: int = MEMORY_LIMIT_BYTES,
                 resident_limit: int = RESIDENT_LIMIT_BYTES) -> None:
        self._resident_limit = resident_limit
        self._child = ChildProcess(
            "from briefgen.writers.typst.compiler import serve; serve()", memory_limit,
            _offline)

    def start(self) -> None:
        """Start the child now (idempotent), so its start-up overlaps other work."""
        self._child.start()

    def compile(self, request: CompileRequest, timeout: float) -> CompileAnswer:
        """Run ``request`` in the child; CompileFailed if it times out, dies or is cancelled."""
        answer = self._child.request(
            {"build": str(request.build), "output": str(request.output),
             "fonts": list(request.font_dirs), "timestamp": request.timestamp,
             "standards": list(request.pdf_standards),
             "pages": str(request.pages) if request.pages else None,
             "resident_limit": self._resident_limit}, timeout)
        if answer.get("replace"):
            # Past its resident limit once it answered: a fresh child, started now so its
            # start-up overlaps what the caller does next.
            self._child.close()
            self._child.start()
        return CompileAnswer(bool(answer.get("ok")), tuple(answer.get("warnings", ())),
                             str(answer.get("diagnostic", "")), str(answer.get("message", "")),
                             int(answer.get("pages", 0)))

    def cancel(self) -> None:
        """Stop a compile under way (Ctrl-C, another writer failed); safe from any thread."""
        self._child.cancel()

    def close(self) -> None:
        """End the child."""
        self._child.close()


# By process id: a forked process must not share its parent's child.
_PROCESSES: dict[int, CompilerProcess] = {}
_PROCESSES_LOCK = threading.Lock()


def compiler_process() -> CompilerProcess:
    """This process's compiler child (one per process, started on first use)."""
    with _PROCESSES_LOCK:
        return _PROCESSES.setdefault(os.getpid(), CompilerProcess())


# ---------------------------------------------------------------- the child


def serve() -> None:
    """The child's loop (briefgen.child.serve_requests): one compile per request line; an
    answer asks for a new child when this one has grown past the request's resident limit."""
    fonts_by_dirs: dict[tuple[str, ...], Any] = {}

    def compile_one(request: dict[str, Any]) -> dict[str, Any]:
        import typst  # imported by serve_requests, once the limits are set

        dirs = tuple(request["fonts"])
        try:
            if dirs not in fonts_by_dirs:
                fonts_by_dirs[dirs] = typst.Fonts(include_system_fonts=False,
                                                  include_embedded_fonts=True,
                                                  font_paths=list(dirs))
            build = Path(request["build"])
            compiler = typst.Compiler(input=str(build / "main.typ"), root=str(build),
                                      font_paths=fonts_by_dirs[dirs],
                                      package_path=str(build / _NO_PACKAGES),
                                      package_cache_path=str(build / _NO_PACKAGES))
            pdf, warned = compiler.compile_with_warnings(
                format="pdf", pdf_standards=list(request["standards"]),
                timestamp=request["timestamp"])
            if not isinstance(pdf, bytes):
                return {"ok": False, "message": "Typst returned pages, not one PDF"}
            Path(request["output"]).write_bytes(pdf)
            answer = {"ok": True, "warnings": [str(getattr(w, "message", w)) for w in warned]}
            if request.get("pages"):
                # The same Compiler again: Typst's memoised layout makes this an export of
                # the document just compiled, not a second compile.
                answer["pages"] = _write_pages(compiler.compile(format="svg"),
                                               Path(request["pages"]))
            return answer
        except typst.TypstError as exc:
            return {"ok": False, "diagnostic": str(getattr(exc, "diagnostic", "") or ""),
                    "message": str(getattr(exc, "message", "") or exc)}
        except (RuntimeError, OSError, ValueError) as exc:
            return {"ok": False, "message": str(exc)}

    def compile_and_measure(request: dict[str, Any]) -> dict[str, Any]:
        answer = compile_one(request)
        if _resident_bytes() > int(request.get("resident_limit") or RESIDENT_LIMIT_BYTES):
            answer["replace"] = True
        return answer

    def prepare() -> None:
        # The default template's folders, scanned while the build is still checking: the
        # first request finds them ready (30 ms off it).
        import typst

        dirs = tuple(str(d) for d in FONT_DIRS if d.is_dir())
        try:
            fonts_by_dirs[dirs] = typst.Fonts(include_system_fonts=False,
                                              include_embedded_fonts=True,
                                              font_paths=list(dirs))
        except (typst.TypstError, RuntimeError, OSError, ValueError):
            pass  # the first request scans them, and says what is wrong

    serve_requests(compile_and_measure, prepare=prepare)


def _resident_bytes() -> int:
    """This process's resident set now (0 where /proc is missing)."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, ValueError, IndexError):
        return 0
    return pages * os.sysconf("SC_PAGE_SIZE")


def _write_pages(svg: Any, folder: Path) -> int:
    """Write Typst's SVG export (one bytes per page, or one bytes for a single page) as
    page-1.svg, page-2.svg, ... in ``folder``; return the page count."""
    pages = [svg] if isinstance(svg, bytes) else list(svg or [])
    folder.mkdir(parents=True, exist_ok=True)
    for number, page in enumerate(pages, start=1):
        (folder / f"page-{number}.svg").write_bytes(page)
    return len(pages)

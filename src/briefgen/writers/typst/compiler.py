"""Compile a Typst build folder in a child process, under a time and a memory limit.

A template is code: a loop in brief.typ runs as long as it likes, and Typst running out of
memory aborts its process with a Rust backtrace. Neither can be stopped inside our own
process (Typst never returns to Python until it is done), so the compile runs in a child
that can be killed: on expiry of the time limit, on Ctrl-C, or when the build fails
elsewhere. The child is started once and kept for later compiles of the same process
(`watch`, batch workers, the test suite), so only the first compile pays for it, and the
pipeline starts it while the spec is still being checked.

The child speaks one JSON line per request and one per answer on its stdin/stdout.
"""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import briefgen

# Typst's downloader honours these; see CompilerProcess.start.
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


@dataclass(frozen=True)
class CompileRequest:
    """One compile: main.typ in ``build`` (Typst's root), a PDF of ``pdf_standards`` into
    ``output``."""

    build: Path
    output: Path
    font_dirs: tuple[str, ...]
    timestamp: int
    # The PDF standards Typst holds the file to, as Typst names them ("a-2a", "ua-1").
    pdf_standards: tuple[str, ...] = ("a-2a", "ua-1")


@dataclass(frozen=True)
class CompileAnswer:
    """What the child said: ``ok`` with Typst's warnings, or Typst's error."""

    ok: bool
    warnings: tuple[str, ...] = ()
    diagnostic: str = ""  # Typst's rendered error report, when it has one
    message: str = ""


class CompileFailed(Exception):
    """The child did not answer: ``reason`` is "timeout", "memory", "crash" or "cancelled"."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.detail = detail


class CompilerProcess:
    """A child process that compiles Typst build folders, one at a time."""

    def __init__(self, memory_limit: int = MEMORY_LIMIT_BYTES,
                 resident_limit: int = RESIDENT_LIMIT_BYTES) -> None:
        self._memory_limit = memory_limit
        self._resident_limit = resident_limit
        self._lock = threading.Lock()
        self._proc: subprocess.Popen[bytes] | None = None
        self._stderr: IO[bytes] | None = None
        self._cancelled = threading.Event()

    def start(self) -> None:
        """Start the child now (idempotent), so its start-up overlaps other work."""
        if self._proc is not None and self._proc.poll() is None:
            return
        self._stderr = tempfile.TemporaryFile()
        env = dict(os.environ)
        # The child must import this same briefgen, whatever put it on our path.
        package_root = str(Path(briefgen.__file__).resolve().parents[1])
        env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH"))
                                            if p)
        env["RUST_BACKTRACE"] = "0"  # a dying child's first line says why; the rest is noise
        # A template's `#import "@preview/..."` would download code from the network; every
        # proxy variable points at the discard port, where nothing listens, so it cannot.
        for name in _PROXY_VARIABLES:
            env[name] = env[name.upper()] = _NO_NETWORK
        env.pop("NO_PROXY", None)
        env.pop("no_proxy", None)
        self._proc = subprocess.Popen(
            [sys.executable, "-c", "from briefgen.writers.typst.compiler import serve; serve()",
             str(self._memory_limit), str(os.getpid()), str(self._resident_limit)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._stderr, env=env,
            close_fds=True,
        )

    def compile(self, request: CompileRequest, timeout: float) -> CompileAnswer:
        """Run ``request`` in the child; CompileFailed if it times out, dies or is cancelled."""
        with self._lock:
            self._cancelled.clear()
            self.start()
            proc = self._proc
            assert proc is not None and proc.stdin is not None and proc.stdout is not None
            line = json.dumps({"build": str(request.build), "output": str(request.output),
                               "fonts": list(request.font_dirs), "timestamp": request.timestamp,
                               "standards": list(request.pdf_standards)})
            try:
                proc.stdin.write(line.encode("utf-8") + b"\n")
                proc.stdin.flush()
            except OSError:
                return self._failed("crash")
            answer = self._read_answer(proc, time.monotonic() + timeout)
            if answer.get("replace"):
                self.close()
                self.start()
            return CompileAnswer(bool(answer.get("ok")), tuple(answer.get("warnings", ())),
                                 str(answer.get("diagnostic", "")), str(answer.get("message", "")))

    def cancel(self) -> None:
        """Stop a compile under way (Ctrl-C, another writer failed); safe from any thread."""
        self._cancelled.set()
        proc = self._proc
        if proc is not None and proc.poll() is None:
            proc.kill()

    def close(self) -> None:
        """End the child."""
        proc, self._proc = self._proc, None
        if proc is not None and proc.poll() is None:
            proc.kill()
            proc.wait()

    def _read_answer(self, proc: subprocess.Popen[bytes], deadline: float) -> dict[str, Any]:
        assert proc.stdout is not None
        fd = proc.stdout.fileno()
        chunks: list[bytes] = []
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self._stop()
                raise CompileFailed("timeout")
            # Short waits, so a cancel from another thread is seen at once.
            ready, _, _ = select.select([fd], [], [], min(remaining, 0.2))
            if self._cancelled.is_set():
                self._stop()
                raise CompileFailed("cancelled")
            if not ready:
                continue
            chunk = os.read(fd, 65536)
            if not chunk:
                return self._failed("crash")
            chunks.append(chunk)
            if chunk.endswith(b"\n"):
                return dict(json.loads(b"".join(chunks)))

    def _failed(self, reason: str) -> Any:
        """The child died: tell memory exhaustion from other deaths by what it printed."""
        proc = self._proc
        status = proc.wait() if proc is not None else None
        printed = b""
        if self._stderr is not None:
            self._stderr.seek(0)
            printed = self._stderr.read(1024 * 1024)
        self._proc = None
        text = printed.decode("utf-8", "replace")
        if "memory allocation" in text or "MemoryError" in text or "out of memory" in text:
            raise CompileFailed("memory")
        if self._cancelled.is_set():
            raise CompileFailed("cancelled")
        signal_name = ""
        if status is not None and status < 0:
            signal_name = signal.Signals(-status).name
        raise CompileFailed(reason, signal_name or f"exit status {status}")

    def _stop(self) -> None:
        self.close()


# By process id: a forked process must not share its parent's child.
_PROCESSES: dict[int, CompilerProcess] = {}
_PROCESSES_LOCK = threading.Lock()


def compiler_process() -> CompilerProcess:
    """This process's compiler child (one per process, started on first use)."""
    with _PROCESSES_LOCK:
        return _PROCESSES.setdefault(os.getpid(), CompilerProcess())


# ---------------------------------------------------------------- the child


def serve() -> None:
    """The child's loop: limits first, then one compile per request line until stdin ends."""
    import resource

    memory_limit, parent = int(sys.argv[1]), int(sys.argv[2])
    resident_limit = int(sys.argv[3]) if len(sys.argv) > 3 else RESIDENT_LIMIT_BYTES
    resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))
    # Ctrl-C in the terminal reaches the whole process group: the child ends at once (its
    # parent reports); and it never outlives its parent, even a killed one.
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    _die_with_parent(parent)
    import typst

    fonts_by_dirs: dict[tuple[str, ...], Any] = {}
    for line in sys.stdin.buffer:
        request = json.loads(line)
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
                answer = {"ok": False, "message": "Typst returned pages, not one PDF"}
            else:
                Path(request["output"]).write_bytes(pdf)
                answer = {"ok": True,
                          "warnings": [str(getattr(w, "message", w)) for w in warned]}
        except typst.TypstError as exc:
            answer = {"ok": False, "diagnostic": str(getattr(exc, "diagnostic", "") or ""),
                      "message": str(getattr(exc, "message", "") or exc)}
        except MemoryError:
            sys.stderr.write("MemoryError\n")
            sys.stderr.flush()
            os._exit(3)
        except (RuntimeError, OSError, ValueError) as exc:
            answer = {"ok": False, "message": str(exc)}
        if _resident_bytes() > resident_limit:
            answer["replace"] = True
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


def _resident_bytes() -> int:
    """This process's resident set now (0 where /proc is missing)."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, ValueError, IndexError):
        return 0
    return pages * os.sysconf("SC_PAGE_SIZE")


def _die_with_parent(parent: int) -> None:
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            pr_set_pdeathsig = 1
            ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)

"""Run work on untrusted input in a child process, under a memory cap and a time limit.

Some work cannot be bounded from inside our own process: Typst compiling a template never
returns to Python until it is done, and a PDF or web-page library given a hostile file can
inflate a stream without end or run for minutes. Such work runs in a child that can be
killed: on expiry of the time limit, on Ctrl-C, or when the caller gives up. The child's
address space is capped (RLIMIT_AS), so running out of memory ends the child, never the
machine; the child dies with its parent (PR_SET_PDEATHSIG), even a killed one.

The child speaks one JSON line per request and one per answer on its stdin/stdout, and is
kept for later requests of the same process: only the first request pays for its start.
JSON rather than pickle: the parent reads what a child that has parsed a hostile file sends,
and reading JSON runs no code.

Used by writers/typst/compiler.py (the PDF compile) and corpus/extract (`sources add`).
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
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

import briefgen

# What a dying child prints when it ran out of memory: Rust's allocator, Python's
# MemoryError (serve_requests prints it), glibc.
_OUT_OF_MEMORY = ("memory allocation", "MemoryError", "out of memory")
# The exit status serve_requests gives a child that ran out of memory.
EXIT_OUT_OF_MEMORY = 3


class ChildFailed(Exception):
    """The child did not answer: ``reason`` is "timeout", "memory", "crash" or "cancelled";
    ``detail`` says more of a crash (the signal or exit status)."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.detail = detail


class ChildProcess:
    """A child process running ``entry`` (Python code calling serve_requests), one request
    at a time, under ``memory_limit`` bytes of address space.

    ``environment`` adjusts the child's environment (which starts as ours, with this
    briefgen on its PYTHONPATH).
    """

    def __init__(self, entry: str, memory_limit: int,
                 environment: Callable[[dict[str, str]], None] | None = None) -> None:
        self._entry = entry
        self._memory_limit = memory_limit
        self._environment = environment
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
        if self._environment is not None:
            self._environment(env)
        self._proc = subprocess.Popen(
            [sys.executable, "-c", self._entry, str(self._memory_limit), str(os.getpid())],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._stderr, env=env,
            close_fds=True,
        )

    def request(self, message: dict[str, Any], timeout: float) -> dict[str, Any]:
        """Send ``message``, return the child's answer; ChildFailed if the child takes longer
        than ``timeout`` seconds, dies (out of memory or otherwise) or is cancelled."""
        with self._lock:
            self._cancelled.clear()
            self.start()
            proc = self._proc
            assert proc is not None and proc.stdin is not None and proc.stdout is not None
            try:
                proc.stdin.write(json.dumps(message).encode("utf-8") + b"\n")
                proc.stdin.flush()
            except OSError:
                return self._failed("crash")
            return self._read_answer(proc, time.monotonic() + timeout)

    def cancel(self) -> None:
        """Stop a request under way (Ctrl-C, another writer failed); safe from any thread."""
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
                self.close()
                raise ChildFailed("timeout")
            # Short waits, so a cancel from another thread is seen at once.
            ready, _, _ = select.select([fd], [], [], min(remaining, 0.2))
            if self._cancelled.is_set():
                self.close()
                raise ChildFailed("cancelled")
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
        if any(sign in text for sign in _OUT_OF_MEMORY):
            raise ChildFailed("memory")
        if self._cancelled.is_set():
            raise ChildFailed("cancelled")
        signal_name = ""
        if status is not None and status < 0:
            signal_name = signal.Signals(-status).name
        raise ChildFailed(reason, signal_name or f"exit status {status}")


# ---------------------------------------------------------------- in the child


def serve_requests(answer: Callable[[dict[str, Any]], dict[str, Any]],
                   prepare: Callable[[], None] | None = None) -> None:
    """The child's loop: limits first (from its command line), then ``prepare`` (imports),
    then one ``answer`` per request line until stdin ends. A MemoryError ends the child
    with a word the parent recognises."""
    import resource

    memory_limit, parent = int(sys.argv[1]), int(sys.argv[2])
    resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))
    # Ctrl-C in the terminal reaches the whole process group: the child ends at once (its
    # parent reports); and it never outlives its parent, even a killed one.
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    _die_with_parent(parent)
    try:
        if prepare is not None:
            prepare()
        for line in sys.stdin.buffer:
            reply = answer(json.loads(line))
            sys.stdout.write(json.dumps(reply) + "\n")
            sys.stdout.flush()
    except MemoryError:
        _out_of_memory()


def _out_of_memory() -> None:
    # Nothing may allocate now: write the word and go.
    try:
        os.write(2, b"MemoryError\n")
    finally:
        os._exit(EXIT_OUT_OF_MEMORY)


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

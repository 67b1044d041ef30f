"""A build's charts: their files known at once, the missing ones drawn in a child process."""

from __future__ import annotations

import os
import pickle
import sys
import threading
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from briefgen.charts.data import ChartData, ChartImages, ChartStyle
from briefgen.charts.draw import DEFAULT_STYLE, chart_images, draw_charts_into, is_drawn

if TYPE_CHECKING:
    from concurrent.futures import Future

# Libraries whose state does not survive a fork: typst's compiler waits forever on the rayon
# thread pool it started in the parent, matplotlib keeps font caches and locks.
FORK_UNSAFE = ("typst", "matplotlib")


def can_fork() -> bool:
    """Whether a child forked from this process now starts safely: Linux, one thread (a lock
    held by another thread at the fork stays held in the child forever), and none of the
    FORK_UNSAFE libraries loaded."""
    return (sys.platform.startswith("linux") and threading.active_count() == 1
            and not any(name in sys.modules for name in FORK_UNSAFE))


class ForkedDrawing:
    """``draw_charts_into`` running in a child forked from this process: it starts with every
    module the build has imported, so it pays only for matplotlib (a spawned child pays a new
    interpreter and briefgen's imports first, about 0.15 s of CPU on a cold build)."""

    def __init__(self, missing: list[ChartData], cache_dir: Path, style: ChartStyle,
                 image_types: tuple[str, ...]) -> None:
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: draw, send back the count or the error, never return
            status = 1
            try:
                os.close(read_end)
                try:
                    answer: tuple[bool, object] = (
                        True, draw_charts_into(missing, cache_dir, style, image_types=image_types))
                except Exception as exc:  # a ChartError, raised again in the parent
                    answer = (False, exc)
                with os.fdopen(write_end, "wb") as pipe:
                    pickle.dump(answer, pipe)
                status = 0
            finally:
                # No atexit handlers, no flushing of the parent's buffered output: the
                # parent owns those.
                os._exit(status)
        os.close(write_end)
        self._pid: int | None = pid
        self._pipe = os.fdopen(read_end, "rb")

    def result(self) -> int:
        """How many charts the child drew; its ChartError raised here."""
        data = self._pipe.read()
        self._pipe.close()
        self._reap()
        try:
            ok, value = pickle.loads(data)
        except Exception:  # killed, or an error that would not pickle: a bug to report
            raise RuntimeError("the chart drawing process ended without an answer") from None
        if not ok:
            assert isinstance(value, BaseException)
            raise value
        return int(value)  # type: ignore[call-overload]

    def abandon(self) -> None:
        """Stop waiting for the child (the build failed): it finishes its files and is reaped
        by the next drawing, or ends with this process."""
        self._pipe.close()
        _ABANDONED.append(self)
        self._reap(block=False)

    def _reap(self, block: bool = True) -> None:
        if self._pid is None:
            return
        pid, _status = os.waitpid(self._pid, 0 if block else os.WNOHANG)
        if pid:
            self._pid = None


# Children of failed builds not yet reaped (`watch` and batch workers live long).
_ABANDONED: list[ForkedDrawing] = []


@dataclass
class ChartJob:
    """A spec's chart images by chart key path: where they are, and the drawing still under
    way, if any."""

    images: dict[str, ChartImages]
    drawing: Future[int] | ForkedDrawing | None

    def wait(self) -> dict[str, ChartImages]:
        """The images, once every file exists; raises the drawing's ChartError, if any."""
        if self.drawing is not None:
            self.drawing.result()
            self.drawing = None
        return self.images

    def abandon(self) -> None:
        """The build will not use the images: stop waiting for them."""
        if isinstance(self.drawing, ForkedDrawing):
            self.drawing.abandon()
        self.drawing = None


def draw_charts(charts: dict[str, ChartData], cache_dir: Path,
                image_types: Collection[str], style: ChartStyle = DEFAULT_STYLE) -> ChartJob:
    """Every chart of ``charts`` (by chart key path) as ``image_types`` in ``style``: taken
    from the cache in ``cache_dir``, or being drawn."""
    images: dict[str, ChartImages] = {}
    missing: list[ChartData] = []
    for key, data in charts.items():
        images[key] = chart_images(data, cache_dir, style)
        if not is_drawn(images[key], image_types):
            missing.append(data)
    return ChartJob(images, _start_drawing(missing, cache_dir, tuple(image_types), style))


def _start_drawing(missing: list[ChartData], cache_dir: Path, image_types: tuple[str, ...],
                   style: ChartStyle) -> Future[int] | ForkedDrawing | None:
    """Draw ``missing`` charts in a child process, so this one goes on checking and
    formatting citations meanwhile and never loads matplotlib (about 50 MiB and 0.3 s).
    Forked where that is safe (see can_fork), else spawned."""
    for drawing in list(_ABANDONED):
        drawing._reap(block=False)
        if drawing._pid is None:
            _ABANDONED.remove(drawing)
    if not missing:
        return None
    if can_fork():
        return ForkedDrawing(missing, cache_dir, style, image_types)
    # Only where forking is unsafe: multiprocessing is 20 ms of imports a build otherwise skips.
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
    try:
        return pool.submit(draw_charts_into, missing, cache_dir, style, image_types=image_types)
    finally:
        pool.shutdown(wait=False)  # the one task still runs; the pool ends after it

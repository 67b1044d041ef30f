"""A build's charts: their files known at once, the missing ones drawn in a child process."""

from __future__ import annotations

import multiprocessing
from collections.abc import Collection
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from briefgen.charts.data import ChartData, ChartImages, ChartStyle
from briefgen.charts.draw import DEFAULT_STYLE, chart_images, draw_charts_into, is_drawn


@dataclass
class ChartJob:
    """A spec's chart images by chart key path: where they are, and the drawing still under
    way, if any."""

    images: dict[str, ChartImages]
    drawing: Future[int] | None

    def wait(self) -> dict[str, ChartImages]:
        """The images, once every file exists; raises the drawing's ChartError, if any."""
        if self.drawing is not None:
            self.drawing.result()
            self.drawing = None
        return self.images


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
                   style: ChartStyle) -> Future[int] | None:
    """Draw ``missing`` charts in a child process, so this one formats citations meanwhile
    and never loads matplotlib (about 50 MiB and 0.3 s). Spawned, not forked: a fork after
    Typst has compiled once in this process (a batch worker, `watch`) can deadlock."""
    if not missing:
        return None
    pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
    try:
        return pool.submit(draw_charts_into, missing, cache_dir, style, image_types=image_types)
    finally:
        pool.shutdown(wait=False)  # the one task still runs; the pool ends after it

"""Portion marks put into blocks: the mark before every paragraph, list item, quotation and
caption a block prints, so that writers print them as text and decide nothing.

Assembly decides which portion carries which mark and calls ``marked`` once per block;
a block type added later takes a mark by having a ``mark`` field its writers print, or
``runs`` that start with it.
"""

from __future__ import annotations

import dataclasses

from briefgen.model.nodes import (
    Block,
    BlockQuote,
    Figure,
    KeyPoints,
    ListBlock,
    Paragraph,
    Recommendation,
    Runs,
    Table,
    Text,
)


def mark_run(mark: str) -> Text:
    """The run that starts a marked paragraph: the mark and the space after it."""
    return Text(f"{mark} ")


def _prefixed(runs: Runs, mark: str) -> Runs:
    return (mark_run(mark), *runs)


def marked(block: Block, mark: str) -> Block:
    """``block`` with portion mark ``mark`` ("(U)") before each paragraph, list item,
    quotation and caption it holds; headings and bibliographies are returned as they are
    (they are not portions), and so is every block when ``mark`` is ""."""
    if not mark:
        return block
    if isinstance(block, Paragraph):
        return dataclasses.replace(block, runs=_prefixed(block.runs, mark))
    if isinstance(block, BlockQuote):
        return dataclasses.replace(block, runs=_prefixed(block.runs, mark))
    if isinstance(block, ListBlock):
        items = tuple(tuple(marked(child, mark) for child in item) for item in block.items)
        return dataclasses.replace(block, items=items)
    if isinstance(block, KeyPoints):
        return dataclasses.replace(block, items=tuple(_prefixed(i, mark) for i in block.items))
    if isinstance(block, Recommendation):
        # Its lead, timeframe, indicator and evidence lines belong to the marked action, as
        # a table's cells belong to its marked caption.
        return dataclasses.replace(block, action=_prefixed(block.action, mark))
    if isinstance(block, (Figure, Table)) or "mark" in {
            f.name for f in dataclasses.fields(block)}:
        return dataclasses.replace(block, mark=mark)  # type: ignore[call-arg]
    return block

"""Spec texts and text surgery shared by the robustness tests and benchmarks/fuzz_specs.py."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import count
from pathlib import Path

SEEDS = Path(__file__).resolve().parents[2] / "seeds"

# A small spec that builds: one verified excerpt, one inline citation, no chart (fast).
MINIMAL = """\
title: "Mali after two coups"
subtitle: "Keeping the mandate"
date: 2021-07-15
authors: ["Sahel Desk"]
summary: |
  MINUSMA has become the UN's most dangerous mission [@un-mali-future].
sections:
  - heading: "Policing"
    body: |
      The mission is short of police [@un-mali-future, para 12].
    excerpts:
      - id: police-split
        source: un-mali-future
        quote: "The number of police on mission should be increased, as MINUSMA has a 13-2 split of soldiers and police."
recommendations:
  - title: "Raise the police share"
    action: "Press contributors for formed police units."
    evidence: [police-split]
"""

_TOP_KEY = re.compile(r"^([A-Za-z_][\w-]*):", re.MULTILINE)


def top_level_keys(text: str) -> list[str]:
    """The top-level keys of a block-style spec, in order."""
    return _TOP_KEY.findall(text)


def without_top_level_key(text: str, key: str) -> str:
    """``text`` with the top-level ``key`` and its whole block value removed."""
    lines = text.splitlines(keepends=True)
    out: list[str] = []
    skipping = False
    for line in lines:
        at_top = bool(line[:1].strip()) and not line.startswith("#")
        if at_top:
            skipping = line.startswith(f"{key}:")
        if not skipping:
            out.append(line)
    return "".join(out)


def replace_value(text: str, key: str, value: str) -> str:
    """``text`` with the one-line top-level ``key: ...`` given ``value`` (YAML source text)."""
    new, n = re.subn(rf"^{re.escape(key)}:.*$", lambda _m: f"{key}: {value}", text, count=1,
                     flags=re.MULTILINE)
    if n != 1:
        raise ValueError(f"no one-line top-level key {key!r}")
    return new


@dataclass
class Project:
    """A temporary project folder with seeds/, handing out a fresh folder per spec."""

    root: Path
    _numbers: Iterator[int]

    def folder(self, name: str) -> Path:
        folder = self.root / "cases" / f"{next(self._numbers):03d}-{name}"
        folder.mkdir(parents=True)
        return folder

    def spec(self, name: str, text: str | bytes, filename: str = "brief.yaml") -> Path:
        path = self.folder(name) / filename
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return path


def make_project(root: Path) -> Project:
    """A project in ``root`` holding a copy of the repository's seeds/."""
    shutil.copytree(SEEDS, root / "seeds")
    return Project(root, count())

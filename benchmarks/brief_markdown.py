"""A brief spec as pandoc Markdown, so pandoc can be timed on the same content as briefgen.

Benchmark-only (not part of briefgen): it reads the spec as plain YAML and writes a title
block, the summary, key points, sections with their verified excerpts as block quotes, and
the recommendations. Citations become footnotes holding the source's title (and the locator),
which is what briefgen's note style prints. Charts are left out: pandoc cannot draw them, so
the pandoc side does strictly less work than briefgen.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

# [@id] or [@id, para 12] or [@a; @b]: the pandoc citation syntax specs use.
_CLUSTER = re.compile(r"\[(@[^\]]+)\]")


def load_titles(catalog: Path) -> dict[str, str]:
    """Source id -> title, from a seeds/sources.yaml catalog."""
    data = yaml.safe_load(catalog.read_text(encoding="utf-8"))
    sources = data.get("sources", data) if isinstance(data, dict) else data
    return {s["id"]: s.get("title", s["id"]) for s in sources}


def _notes(text: str, titles: dict[str, str]) -> str:
    def note(match: re.Match[str]) -> str:
        parts = []
        for cite in match.group(1).split(";"):
            key, _, locator = cite.strip().lstrip("@").partition(",")
            title = titles.get(key.strip(), key.strip())
            parts.append(f"*{title}*" + (f", {locator.strip()}" if locator.strip() else ""))
        return "^[" + "; ".join(parts) + ".]"

    return _CLUSTER.sub(note, text)


def _quote(text: str) -> str:
    return "\n".join("> " + line for line in text.strip().splitlines())


def _escape(text: str) -> str:
    return str(text).replace('"', '\\"')


def brief_to_markdown(spec: dict[str, Any], titles: dict[str, str]) -> str:
    """The Markdown of a brief spec (a dict read from YAML)."""
    out: list[str] = ["---"]
    out.append(f'title: "{_escape(spec["title"])}"')
    if spec.get("subtitle"):
        out.append(f'subtitle: "{_escape(spec["subtitle"])}"')
    out.append("author:")
    out += [f'  - "{_escape(a)}"' for a in spec.get("authors", [])]
    out.append(f'date: "{spec["date"]}"')
    out += ["---", ""]
    if spec.get("marking"):
        out += [f"**{spec['marking']}**", ""]
    out += ["# Summary", "", _notes(spec.get("summary", ""), titles), ""]
    if spec.get("key_points"):
        out += ["## Key points", ""]
        out += [f"- {_notes(point, titles)}" for point in spec["key_points"]]
        out.append("")
    for section in spec.get("sections", []):
        out += [f"# {section['heading']}", "", _notes(section.get("body", ""), titles), ""]
        for excerpt in section.get("excerpts", []):
            out += [_quote(excerpt["quote"] + f" ^[*{titles.get(excerpt['source'], '')}*.]"), ""]
    if spec.get("recommendations"):
        out += ["# Recommendations", ""]
        for number, rec in enumerate(spec["recommendations"], 1):
            out += [f"## Recommendation {number}: {rec['title']}", "",
                    _notes(rec["action"], titles), ""]
            for label in ("lead", "timeframe", "indicator"):
                if rec.get(label):
                    out += [f"**{label.capitalize()}:** {rec[label]}", ""]
    out += ["# Bibliography", ""]
    cited = sorted(set(re.findall(r"@([a-z0-9-]+)", yaml.safe_dump(spec))) & titles.keys())
    out += [f"- *{titles[sid]}*" for sid in cited]
    return "\n".join(out) + "\n"


def spec_file_to_markdown(spec_path: Path, catalog: Path) -> str:
    """The Markdown of the spec at ``spec_path``, citing sources of ``catalog``."""
    spec = yaml.safe_load(spec_path.read_text(encoding="utf-8"))
    return brief_to_markdown(spec, load_titles(catalog))

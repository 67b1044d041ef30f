"""Time the corpus index on a synthetic corpus of 10,000 articles (about 50 million characters).

The corpus is generated (not committed) under $XDG_CACHE_HOME/briefgen/bench-corpus, from the
seeds' own paragraphs shuffled and renumbered, so the text has the seeds' vocabulary, quote
marks and numbers. Each generated file holds one article; the catalog lists them all.

Measures:
  build    CorpusIndex.open on an empty index folder (every source read and indexed)
  reopen   CorpusIndex.open again, nothing changed (fingerprints compared only)
  one      CorpusIndex.open after one source file changed (that source re-read)
  find     median time of CorpusIndex.find for sample quotes, inside this warm process,
           after the index is open: the figure held to < 50 ms
  process  median wall time of a whole `briefgen find` process (start-up, catalog load,
           fingerprints of all files, query)

Usage: python benchmarks/corpus_index.py [--articles 10000] [--chars 5000] [--runs 20]
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

from briefgen.corpus.catalog import SourceCatalog
from briefgen.corpus.index import CorpusIndex

ROOT = Path(__file__).resolve().parents[1]
QUOTES = [  # genuine (they come from the seeds, so they occur in many articles), and altered
    "killed at least 79 Afghans and 13 American soldiers",
    "a resilient enemy with roughly 2,000 to 3,000 fighters",
    "[t]he group recruits both Afghan and Pakistani jihadists",
    "MINUSMA has a 13-2 split of soldiers and police",
    "MINUSMA has a 12-2 split of soldiers and police",
    "The number of police on mission should not be increased",
]


def cache_root() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "briefgen"


def generate(folder: Path, articles: int, chars: int) -> Path:
    """Write the corpus and its catalog; reuse them when already there."""
    catalog = folder / "sources.yaml"
    if catalog.is_file() and catalog.read_text(encoding="utf-8").count("\n") == articles + 1:
        return catalog
    folder.mkdir(parents=True, exist_ok=True)
    seeds = SourceCatalog.load(ROOT / "seeds" / "sources.yaml")
    paragraphs = [p.text for sid in seeds.ids() for p in seeds.text(sid).paragraphs
                  if len(p.text) > 40]
    rng = random.Random(20210826)

    def varied(text: str) -> str:
        # Most paragraphs get other numbers and two words swapped, so a quote occurs in a
        # few articles, as in a real corpus, not in every copy of a seed paragraph.
        if rng.random() < 0.01:
            return text
        text = re.sub(r"\d+", lambda _m: str(rng.randint(1, 5000)), text)
        words = text.split(" ")
        i, j = rng.randrange(len(words)), rng.randrange(len(words))
        words[i], words[j] = words[j], words[i]
        return " ".join(words)

    entries = []
    for n in range(articles):
        body, size = [], 0
        while size < chars:
            text = varied(rng.choice(paragraphs))
            body.append(text)
            size += len(text) + 1
        name = f"a{n:05d}.txt"
        (folder / name).write_text(f"Synthetic article {n}\n" + "\n".join(body) + "\n",
                                   encoding="utf-8")
        # Flow style keeps the catalog of 10,000 entries under the catalog's 1 MiB limit.
        entries.append(f"  - {{id: a{n:05d}, file: {name}, title: 'Synthetic article {n}', "
                       f"type: report}}")
    catalog.write_text("sources:\n" + "\n".join(entries) + "\n", encoding="utf-8")
    return catalog


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--chars", type=int, default=5_000)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()

    folder = cache_root() / "bench-corpus"
    catalog_path = generate(folder, args.articles, args.chars)
    total = sum(f.stat().st_size for f in folder.glob("a*.txt"))
    print(f"corpus: {args.articles} articles, {total / 1e6:.1f} MB in {folder}")

    index_dir = folder / "index"
    for old in index_dir.glob("*.sqlite*"):
        old.unlink()
    started = time.perf_counter()
    catalog = SourceCatalog.load(catalog_path)
    loaded = time.perf_counter() - started
    started = time.perf_counter()
    index = CorpusIndex.open(catalog, index_dir)
    build = time.perf_counter() - started
    print(f"catalog load: {loaded:.2f} s; index build: {build:.1f} s, "
          f"{index.paragraph_count()} paragraphs")
    index.close()

    started = time.perf_counter()
    index = CorpusIndex.open(SourceCatalog.load(catalog_path), index_dir)
    print(f"reopen, nothing changed (catalog load included): {time.perf_counter() - started:.2f} s")
    index.close()
    changed = folder / "a00042.txt"
    original = changed.read_bytes()
    changed.write_bytes(original + b"One more paragraph for the benchmark.\n")
    try:
        started = time.perf_counter()
        index = CorpusIndex.open(SourceCatalog.load(catalog_path), index_dir)
        print(f"reopen, one source changed: {time.perf_counter() - started:.2f} s "
              f"(re-read: {', '.join(index.update.indexed)})")
        index.close()
    finally:
        changed.write_bytes(original)

    index = CorpusIndex.open(SourceCatalog.load(catalog_path), index_dir)
    for quote in QUOTES:
        times, hits = [], 0
        for _ in range(args.runs):
            started = time.perf_counter()
            hits = len(index.find(quote))
            times.append(time.perf_counter() - started)
        print(f"find (warm, in-process) median {statistics.median(times) * 1000:7.1f} ms, "
              f"{hits:5d} matches: {quote}")
    index.close()

    env = dict(os.environ)
    walls = []
    for _ in range(5):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "briefgen", "find", QUOTES[0], "--catalog",
                        str(catalog_path)], env=env, capture_output=True, check=False)
        walls.append(time.perf_counter() - started)
    print(f"whole `briefgen find` process, median of 5: {statistics.median(walls):.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

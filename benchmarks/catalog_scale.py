"""Time the catalog and the corpus index at 10,000 and 100,000 sources; `make bench` runs it.

Each corpus is generated under a temporary folder (never committed): N invented sources,
seeded random text in an invented vocabulary (not the seeds' topics, so nothing here is tuned
to them), one text file each under texts/NNN/, and one seeds/sources.yaml in block style as
the catalog documents it (authors, date, outlet, url: about 190 bytes an entry, the 1.8 MB
for 10,000 of the issue).

Measured, each as whole `briefgen` processes where a user would run one:
  build    `briefgen find` on an empty cache: the catalog parsed and validated, every source
           read, folded and tokenised into the index (both cores), the records stored
  peak     the build's largest resident memory (the process or one of its workers)
  reopen   CorpusIndex.open_catalog, timed after the imports, in a process of its own with the
           index warm (nothing changed):
           the catalog's fingerprint and every source file's stamp compared, no YAML parsed
  find     a whole `briefgen find "<a quote>"` process, warm
  floor    a whole `briefgen --version` process: start-up, the least any command costs
Goal: find at most 3 x floor. Medians of --runs runs.

Usage: python benchmarks/catalog_scale.py [--sizes 10000 100000] [--runs 5] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = 20261201
PARAGRAPHS = (3, 7)  # paragraphs per source
WORDS = (25, 70)  # words per paragraph
PER_FOLDER = 1000  # text files per folder under texts/


def invented_vocabulary(rng: random.Random, size: int = 6000) -> list[str]:
    """Words made of syllables: a language no test or seed is written in."""
    onsets = ["b", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "br", "st",
              "kr", "tr", "pl", "sh"]
    vowels = ["a", "e", "i", "o", "u", "ai", "ou", "ei"]
    codas = ["", "", "n", "r", "s", "l", "k", "m"]
    words: set[str] = set()
    while len(words) < size:
        syllables = rng.randint(1, 4)
        words.add("".join(rng.choice(onsets) + rng.choice(vowels) + rng.choice(codas)
                          for _ in range(syllables)))
    return sorted(words)


def _paragraph(rng: random.Random, vocabulary: list[str]) -> str:
    words = [rng.choice(vocabulary) for _ in range(rng.randint(*WORDS))]
    for position in range(0, len(words), rng.randint(7, 15)):
        if rng.random() < 0.3:
            words[position] = f"{rng.randint(2, 9_999):,}"  # numbers, as reports have them
    words[0] = words[0].capitalize()
    text, cut = [], rng.randint(8, 20)
    for index, word in enumerate(words):
        text.append(word)
        if index and index % cut == 0 and index < len(words) - 1:
            text[-1] += "."
            words[index + 1] = words[index + 1].capitalize()
    return " ".join(text) + "."


def write_corpus(folder: Path, count: int, seed: int = SEED, texts: bool = True
                 ) -> tuple[Path, list[str]]:
    """A catalog of ``count`` sources with their text files under ``folder``/seeds.

    Returns the catalog's path and a few genuine quotes (each taken from one source's text).
    Same ``count`` and ``seed``, same bytes. ``texts=False`` writes the catalog alone, every
    entry with ``file: ""`` (citable, not quotable), for tests of the catalog itself.
    """
    seeds = folder / "seeds"
    made = folder / f"made-{count}-{seed}-{int(texts)}.json"  # written last: the corpus is whole
    if made.is_file():
        return seeds / "sources.yaml", json.loads(made.read_text(encoding="utf-8"))
    rng = random.Random(seed)
    vocabulary = invented_vocabulary(rng)
    entries: list[str] = []
    quotes: list[str] = []
    for n in range(count):
        sub = f"texts/{n // PER_FOLDER:03d}"
        if n % PER_FOLDER == 0 and texts:
            (seeds / sub).mkdir(parents=True, exist_ok=True)
        title = " ".join(rng.choice(vocabulary) for _ in range(rng.randint(3, 8))).capitalize()
        body = [_paragraph(rng, vocabulary) for _ in range(rng.randint(*PARAGRAPHS))]
        name = f"{sub}/s{n:06d}.txt" if texts else ""
        if texts:
            (seeds / name).write_text(title + "\n\n" + "\n\n".join(body) + "\n",
                                      encoding="utf-8")
        if n % max(1, count // 4) == 7:
            words = body[1].split()
            quotes.append(" ".join(words[3:12]))
        family, given = (rng.choice(vocabulary).capitalize() for _ in range(2))
        year, month, day = rng.randint(1995, 2026), rng.randint(1, 12), rng.randint(1, 28)
        entries.append(
            f"  - id: s{n:06d}\n"
            f"    file: \"{name}\"\n"
            f"    title: \"{title}\"\n"
            f"    type: report\n"
            f"    authors:\n"
            f"      - {{family: {family}, given: {given}}}\n"
            f"    container_title: \"{rng.choice(vocabulary).capitalize()} Review\"\n"
            f"    date: {year:04d}-{month:02d}-{day:02d}\n"
            f"    url: https://example.org/{n}\n")
    catalog = seeds / "sources.yaml"
    seeds.mkdir(parents=True, exist_ok=True)
    catalog.write_text(f"# {count:,} generated sources (benchmarks/catalog_scale.py)\n"
                       "sources:\n" + "".join(entries), encoding="utf-8")
    made.write_text(json.dumps(quotes), encoding="utf-8")
    return catalog, quotes


def _briefgen() -> list[str]:
    script = Path(sys.executable).parent / "briefgen"
    return [str(script)] if script.is_file() else [sys.executable, "-m", "briefgen"]


def _timed(argv: list[str], env: dict[str, str], cwd: Path, expect: int = 0) -> float:
    started = time.perf_counter()
    done = subprocess.run(argv, env=env, cwd=cwd, capture_output=True, check=False)
    seconds = time.perf_counter() - started
    if done.returncode != expect:
        raise RuntimeError(f"{' '.join(argv)} exited {done.returncode}:\n"
                           f"{done.stderr.decode()[-2000:]}")
    return seconds


def _timed_peak(argv: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float]:
    """Seconds and peak resident MiB (the process or its largest worker: wait4's maxrss)."""
    started = time.perf_counter()
    process = subprocess.Popen(argv, env=env, cwd=cwd, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        stderr = process.stderr.read().decode() if process.stderr else ""
        raise RuntimeError(f"{' '.join(argv)} failed:\n{stderr[-2000:]}")
    return seconds, usage.ru_maxrss / 1024


_REOPEN = """
import sys, time
from pathlib import Path
from briefgen.corpus.index import CorpusIndex
started = time.perf_counter()
index = CorpusIndex.open_catalog(Path(sys.argv[1]))
assert index.update.indexed == (), index.update
index.close()
print(time.perf_counter() - started)
"""


def bench_size(work: Path, count: int, runs: int) -> dict[str, float]:
    started = time.perf_counter()
    catalog, quotes = write_corpus(work, count)
    made = time.perf_counter() - started
    size = catalog.stat().st_size
    print(f"\n{count:,} sources: catalog {size / 1e6:.1f} MB, generated in {made:.0f} s",
          flush=True)
    cache = work / "cache"
    shutil.rmtree(cache, ignore_errors=True)  # the build is from an empty cache, every run
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    find = [*_briefgen(), "find", quotes[0], "--catalog", str(catalog)]
    results: dict[str, float] = {"catalog MB": size / 1e6}
    # Cold: parses, validates, indexes, stores.
    results["build"], results["build MiB"] = _timed_peak(find, env, work)
    reopens = []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", _REOPEN, str(catalog)], env=env,
                             capture_output=True, text=True, check=True)
        reopens.append(float(out.stdout.strip().splitlines()[-1]))
    results["reopen"] = statistics.median(reopens)
    results["find"] = statistics.median(_timed(find, env, work) for _ in range(runs))
    floor = [*_briefgen(), "--version"]
    results["floor"] = statistics.median(_timed(floor, env, work) for _ in range(runs))
    for quote in quotes[1:]:  # each genuine quote is found, warm
        _timed([*_briefgen(), "find", quote, "--catalog", str(catalog)], env, work)
    return results


def _row(count: int, r: dict[str, float]) -> str:
    ratio = r["find"] / r["floor"]
    verdict = "held" if ratio <= 3 else "MISSED"
    return (f"{count:>8,} {r['catalog MB']:>6.1f}MB {r['build']:>7.1f}s "
            f"{r['build MiB']:>6.0f}MiB {r['reopen']:>7.2f}s {r['find']:>6.2f}s "
            f"{r['floor']:>8.2f}s {ratio:>10.2f}  {verdict} (3 x floor = {3 * r['floor']:.2f} s)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", type=Path, default=None,
                        help="generate under DIR and keep it (default: a temporary folder)")
    args = parser.parse_args()
    print(f"catalog and index at scale; whole processes, medians of {args.runs} runs; "
          f"{os.cpu_count()} cores")
    table = []
    for count in args.sizes:
        if args.keep:
            work = args.keep / str(count)
            work.mkdir(parents=True, exist_ok=True)
            table.append((count, bench_size(work, count, args.runs)))
        else:
            with tempfile.TemporaryDirectory(prefix="briefgen-scale-") as temp:
                table.append((count, bench_size(Path(temp), count, args.runs)))
        print(_row(*table[-1]), flush=True)
    header = (f"{'sources':>8} {'catalog':>8} {'build':>8} {'peak':>9} {'re-open':>8} {'find':>7} "
              f"{'--version':>9} {'find/floor':>10}  goal: find <= 3 x floor")
    print("\n" + header + "\n" + "-" * len(header))
    for count, r in table:
        print(_row(count, r))
    print("build: first `briefgen find`, empty cache (parse, validate, index, store); re-open: "
          "index warm, nothing changed; find: a whole warm `briefgen find` process")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

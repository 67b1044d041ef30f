"""Time this checkout against an earlier revision, alternating, as whole processes.

A machine's speed drifts (on a shared VM, by 10-20 % over minutes), so a figure measured
today is not comparable with one from yesterday. This measures both codes in turns, run by
run, on the same sample and caches, and prints the medians and their ratio: the figure to
trust for "before and after" of a change.

Each round builds isk-afghanistan cold (an empty cache), warm with a new title, warm with a
paragraph edited, and checks it warm; `--batch N` also builds N copies of the samples with
`-j 2` once per revision per round. The earlier revision is checked out into a temporary
git worktree; both run with this virtualenv's Python (`python -m briefgen`), byte-compiled.

Usage: python benchmarks/compare.py REV [--rounds 7] [--batch 0]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run as bench  # noqa: E402

SAMPLE = bench.ROOT / "briefs" / "isk-afghanistan.yaml"
# A line of the sample's body, edited in the paragraph-edit runs.
BODY_LINE = "      IS-K was formed in Pakistan in 2014"
KINDS = ("cold", "warm, new title", "warm, paragraph edited", "check, warm")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rev", help="the earlier revision (a commit, tag or branch)")
    parser.add_argument("--rounds", type=int, default=7, help="alternating runs of each kind")
    parser.add_argument("--batch", type=int, default=0, help="also a batch of N briefs")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="briefgen-compare-") as temp:
        work = Path(temp)
        before = work / "before"
        subprocess.run(["git", "-C", str(bench.ROOT), "worktree", "add", "--detach", "-q",
                        str(before), args.rev], check=True)
        try:
            trees = {"before": before / "src", "after": bench.ROOT / "src"}
            for src in trees.values():
                subprocess.run([sys.executable, "-m", "compileall", "-q", str(src)], check=True)
            compare(trees, work, args.rounds, args.batch)
        finally:
            subprocess.run(["git", "-C", str(bench.ROOT), "worktree", "remove", "--force",
                            str(before)], check=False)
    return 0


def compare(trees: dict[str, Path], work: Path, rounds: int, batch: int) -> None:
    mpl = work / "matplotlib"
    bench.run_process([sys.executable, "-c", "import matplotlib.font_manager"],
                      env={**os.environ, "MPLCONFIGDIR": str(mpl)})
    original = SAMPLE.read_text(encoding="utf-8")
    if BODY_LINE not in original:
        raise SystemExit(f"{SAMPLE} no longer has the line the paragraph edit changes")

    def env(tree: str, cache: Path) -> dict[str, str]:
        return {**os.environ, "PYTHONPATH": str(trees[tree]), "XDG_CACHE_HOME": str(cache),
                "MPLCONFIGDIR": str(mpl)}

    def briefgen(*args: str) -> list[str]:
        return [sys.executable, "-m", "briefgen", *args]

    specs = {}
    for tree in trees:
        specs[tree] = bench.scratch_project(work / tree) / "briefs" / SAMPLE.name
        specs[tree].write_text(original, encoding="utf-8")
        bench.run_process(briefgen("build", str(specs[tree]), "-o", str(work / tree / "out")),
                          env=env(tree, work / tree / "warm"))  # fill the warm cache
    times: dict[tuple[str, str], list[float]] = {(t, k): [] for t in trees for k in KINDS}
    for i in range(rounds):
        for tree in trees:
            spec, out = specs[tree], str(work / tree / "out")
            build = briefgen("build", str(spec), "-o", out)
            warm = env(tree, work / tree / "warm")
            titled = bench.retitle(original, f" (round {i + 1})")
            spec.write_text(titled, encoding="utf-8")
            times[(tree, "cold")].append(
                bench.run_process(build, env=env(tree, work / tree / f"cold-{i}"))[0])
            spec.write_text(bench.retitle(original, f" (round {i + 1}, again)"),
                            encoding="utf-8")
            times[(tree, "warm, new title")].append(bench.run_process(build, env=warm)[0])
            spec.write_text(titled.replace(BODY_LINE, f"{BODY_LINE} (edit {i + 1})", 1),
                            encoding="utf-8")
            times[(tree, "warm, paragraph edited")].append(
                bench.run_process(build, env=warm)[0])
            times[(tree, "check, warm")].append(
                bench.run_process(briefgen("check", str(spec)), env=warm)[0])
    print(f"{bench.machine()}\nmedians of {rounds} alternating rounds, whole processes\n")
    for kind in KINDS:
        old = statistics.median(times[("before", kind)])
        new = statistics.median(times[("after", kind)])
        print(f"  {kind:<24} before {old:6.2f} s   after {new:6.2f} s   after/before "
              f"{new / old:.2f}")
    if batch:
        bench.briefgen_command = lambda: [sys.executable, "-m", "briefgen"]
        for tree in trees:
            os.environ["PYTHONPATH"] = str(trees[tree])
            with tempfile.TemporaryDirectory(dir=work) as folder:
                seconds, peak, code = bench.bench_batch(Path(folder), batch, 2)
            print(f"  batch of {batch}, -j 2: {tree} {seconds:.1f} s (largest process "
                  f"{peak:.0f} MiB, exit {code})")


if __name__ == "__main__":
    sys.exit(main())

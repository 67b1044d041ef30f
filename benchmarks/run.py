"""Time briefgen against pandoc on the sample briefs, as whole processes; `make bench` runs it.

Every figure is a whole process (start-up included), the median of several runs, with the
peak resident memory of that process (os.wait4's ru_maxrss, which covers the process and
the children it waited for). Each sample is copied into a scratch project (spec, its data,
the seeds) so the checkout is never written to:

  cold   empty $XDG_CACHE_HOME every run: no briefgen cache at all (charts drawn, catalog
         and index read afresh, matplotlib imported). matplotlib's own font list, which it
         builds once per installation, is kept in MPLCONFIGDIR, primed once: rebuilding it
         (0.4 s scanning every system font) is an installation cost, not a build's
  warm   the chart cache filled once beforehand, and the spec's title changed before every
         run, so each run is a true rebuild of a changed spec, with cached charts only
  check  `briefgen check` of the same spec on the warm caches, its title changed every run
  pandoc the same content as Markdown (benchmarks/brief_markdown.py, charts left out) to
         DOCX, and to PDF as pandoc -t typst followed by a typst compile in a separate
         Python process (the typst package ships no CLI, and pandoc's --pdf-engine=typst
         needs one); both PDF steps count as pandoc's PDF time
  batch  100 specs generated from the samples (varied names and titles) in a temp folder,
         `briefgen build FOLDER -j 2`, one run from an empty cache, against pandoc run once
         per spec (each copy at its sample's pandoc time); the peak memory of every process
         of the batch (workers, their Typst and chart children) is read from /proc as it runs
  watch  `briefgen watch` on a sample: time from saving the spec to the rebuild's line

The closing table gives each figure of issue 17 with its ratio and goal.

Usage: python benchmarks/run.py [--runs 5] [--batch 100] [--no-batch] [--no-watch]
                                [--samples isk-afghanistan,...]
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from brief_markdown import spec_file_to_markdown  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = sorted((ROOT / "briefs").glob("*.yaml"))
_TITLE = re.compile(r'^(title:\s*")(.*?)(")', re.MULTILINE)


@dataclass(frozen=True)
class Timing:
    """Medians over runs of one measured command (or chain of commands)."""

    seconds: float
    peak_mib: float
    runs: int


def run_process(argv: list[str], env: dict[str, str] | None = None,
                cwd: Path | None = None) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one process; raises if it fails."""
    with tempfile.TemporaryFile() as errors:  # a file: a full pipe would stop the process
        started = time.perf_counter()
        process = subprocess.Popen(argv, env=env, cwd=cwd, stdout=subprocess.DEVNULL,
                                   stderr=errors)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        errors.seek(0)
        stderr = errors.read().decode(errors="replace")
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed ({process.returncode}):\n{stderr}")
    return seconds, usage.ru_maxrss / 1024


def measure(steps: list[list[str]], runs: int, before=None, env_for=None) -> Timing:
    """Median time and memory of ``steps`` run one after the other, ``runs`` times.

    ``before(i)`` prepares run i (untimed); ``env_for(i)`` gives its environment.
    """
    totals, peaks = [], []
    for i in range(runs):
        if before:
            before(i)
        env = env_for(i) if env_for else None
        total, peak = 0.0, 0.0
        for argv in steps:
            seconds, mib = run_process(argv, env=env)
            total += seconds
            peak = max(peak, mib)
        totals.append(total)
        peaks.append(peak)
    return Timing(statistics.median(totals), max(peaks), runs)


def briefgen_command() -> list[str]:
    script = Path(sys.executable).parent / "briefgen"
    return [str(script)] if script.is_file() else [sys.executable, "-m", "briefgen"]


def scratch_project(parent: Path) -> Path:
    """A project folder with the seeds and the sample data, where specs can be copied."""
    project = parent / "project"
    shutil.copytree(ROOT / "seeds", project / "seeds")
    shutil.copytree(ROOT / "briefs" / "data", project / "briefs" / "data")
    return project


def retitle(spec_text: str, suffix: str) -> str:
    return _TITLE.sub(lambda m: m.group(1) + m.group(2) + suffix + m.group(3), spec_text, count=1)


def bench_sample(sample: Path, work: Path, runs: int) -> dict[str, Timing]:
    project = scratch_project(work)
    spec = project / "briefs" / sample.name
    original = sample.read_text(encoding="utf-8")
    spec.write_text(original, encoding="utf-8")
    out = work / "out"
    build = [*briefgen_command(), "build", str(spec), "-o", str(out)]

    mpl_config = work / "matplotlib"
    run_process([sys.executable, "-c", "import matplotlib.font_manager"],
                env={**os.environ, "MPLCONFIGDIR": str(mpl_config)})  # prime, untimed

    def cache_env(cache: Path) -> dict[str, str]:
        return {**os.environ, "XDG_CACHE_HOME": str(cache), "MPLCONFIGDIR": str(mpl_config)}

    results: dict[str, Timing] = {}
    cold_caches = [work / f"cold-cache-{i}" for i in range(runs)]
    results["cold"] = measure([build], runs, env_for=lambda i: cache_env(cold_caches[i]))

    warm_cache = work / "warm-cache"
    run_process(build, env=cache_env(warm_cache))  # fill the chart cache, untimed

    def change_spec(i: int) -> None:
        spec.write_text(retitle(original, f" (revision {i + 1})"), encoding="utf-8")

    results["warm"] = measure([build], runs, before=change_spec,
                              env_for=lambda i: cache_env(warm_cache))
    results["check"] = measure([[*briefgen_command(), "check", str(spec)]], runs,
                               before=change_spec, env_for=lambda i: cache_env(warm_cache))
    for name in ("docx", "pdf"):
        results[f"warm-{name}"] = measure(
            [[*build, "--format", name]], runs, before=change_spec,
            env_for=lambda i: cache_env(warm_cache))

    markdown = work / f"{sample.stem}.md"
    markdown.write_text(spec_file_to_markdown(sample, ROOT / "seeds" / "sources.yaml"),
                        encoding="utf-8")
    pandoc = pandoc_path()
    typ, pdf = work / f"{sample.stem}.typ", work / f"{sample.stem}.pdf"
    results["pandoc-docx"] = measure(
        [[pandoc, str(markdown), "-o", str(work / f"{sample.stem}.docx")]], runs)
    results["pandoc-pdf"] = measure([
        [pandoc, str(markdown), "-s", "-t", "typst", "-o", str(typ)],
        [sys.executable, "-c", f"import typst; typst.compile({str(typ)!r}, output={str(pdf)!r})"],
    ], runs)
    return results


def pandoc_path() -> str:
    import pypandoc

    return str(pypandoc.get_pandoc_path())


def bench_batch(work: Path, count: int, jobs: int) -> tuple[float, float, int]:
    """Seconds, largest peak MiB of any one process of the batch, and exit status of
    building ``count`` generated specs."""
    project = scratch_project(work)
    folder = project / "briefs" / "many"
    folder.mkdir()
    (folder / "data").symlink_to(project / "briefs" / "data", target_is_directory=True)
    texts = [s.read_text(encoding="utf-8") for s in SAMPLES]
    for i in range(count):
        text = retitle(texts[i % len(texts)], f" (copy {i + 1})")
        # Spec files name their data relative to themselves; the copies sit one level deeper.
        (folder / f"brief-{i + 1:03d}.yaml").write_text(text, encoding="utf-8")
    env = {**os.environ, "XDG_CACHE_HOME": str(work / "batch-cache")}
    argv = [*briefgen_command(), "build", str(folder), "-j", str(jobs), "-o", str(work / "out")]
    # stderr to a file, not a pipe: a hundred briefs' warnings fill a pipe nobody reads
    # while the batch runs, and the batch would stop on its next line.
    with tempfile.TemporaryFile() as stderr:
        started = time.perf_counter()
        process = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=stderr)
        peaks: dict[int, int] = {}
        roles: dict[int, str] = {}
        while process.poll() is None:
            for pid in process_tree(process.pid):
                peaks[pid] = max(peaks.get(pid, 0), peak_kib(pid))
                roles.setdefault(pid, process_role(pid, process.pid))
            time.sleep(0.05)
        seconds = time.perf_counter() - started
        code = process.returncode
        if code != 0:
            stderr.seek(0)
            print(stderr.read().decode(errors="replace")[-2000:], file=sys.stderr)
    by_role: dict[str, int] = {}
    for pid, kib in peaks.items():
        by_role[roles[pid]] = max(by_role.get(roles[pid], 0), kib)
    print("batch peak memory by process: " + ", ".join(
        f"{role} {kib / 1024:.0f} MiB" for role, kib in sorted(by_role.items())))
    return seconds, max(peaks.values(), default=0) / 1024, code


def process_role(pid: int, batch: int) -> str:
    """What process ``pid`` of the batch ``batch`` is, for the memory report."""
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        ppid = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return "gone"
    if pid == batch:
        return "batch parent"
    if "serve()" in command:
        return "Typst child"
    if "resource_tracker" in command or "spawn_main" in command or "forkserver" in command:
        return "multiprocessing helper"
    return "worker" if ppid == batch else "chart child"


def process_tree(root: int) -> list[int]:
    """``root`` and every process descended from it, now."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += children.get(pid, [])
    return found


def peak_kib(pid: int) -> int:
    """The peak resident set (VmHWM) of process ``pid`` so far, in KiB; 0 once it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def bench_watch(work: Path, runs: int) -> float:
    """Median seconds from saving a spec to `briefgen watch` reporting the rebuilt outputs."""
    import queue
    import threading

    project = scratch_project(work)
    sample = ROOT / "briefs" / "mali-minusma.yaml"
    spec = project / "briefs" / sample.name
    original = sample.read_text(encoding="utf-8")
    spec.write_text(original, encoding="utf-8")
    env = {**os.environ, "XDG_CACHE_HOME": str(work / "watch-cache")}
    process = subprocess.Popen([*briefgen_command(), "watch", str(spec), "-o", str(work / "out")],
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                               text=True)
    lines: queue.Queue[tuple[float, str]] = queue.Queue()

    def read() -> None:
        for line in process.stdout or []:
            lines.put((time.perf_counter(), line))

    threading.Thread(target=read, daemon=True).start()
    latencies = []
    try:
        lines.get(timeout=60)  # the first build
        for i in range(runs):
            time.sleep(0.3)  # let the watch settle, as between two saves by a person
            saved = time.perf_counter()
            spec.write_text(retitle(original, f" (save {i + 1})"), encoding="utf-8")
            done, line = lines.get(timeout=60)
            if ": wrote " not in line:
                raise RuntimeError(f"watch did not rebuild: {line}")
            latencies.append(done - saved)
    finally:
        process.terminate()
        process.wait()
    return statistics.median(latencies)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kib / 1024 / 1024:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return (f"{platform.system()} {platform.release()}, {cpu}, {os.cpu_count()} cores{memory}, "
            f"Python {platform.python_version()}")


# Issue 17's goals: (figure, goal, moonshot); ratios are briefgen / pandoc.
GOALS = {
    "warm": (1.0, 0.7),
    "cold": (2.5, 1.5),
    "batch": (0.3, 0.2),
}
PEAK_GOAL_MIB, WORKER_GOAL_MIB = 150, 200
CHART_SAMPLE = "isk-afghanistan"  # the sample with three charts: the warm and cold figures


def verdict(value: float, goal: float, moonshot: float | None = None) -> str:
    if moonshot is not None and value <= moonshot:
        return "moonshot"
    return "met" if value <= goal else "MISSED"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per figure (median)")
    parser.add_argument("--batch", type=int, default=100, help="specs in the batch run")
    parser.add_argument("--jobs", type=int, default=2, help="workers of the batch run")
    parser.add_argument("--no-batch", action="store_true", help="skip the batch run")
    parser.add_argument("--no-watch", action="store_true", help="skip the watch run")
    parser.add_argument("--samples", default="", help="comma-separated sample names "
                        "(default: all; the batch ratio needs all of them)")
    args = parser.parse_args()
    chosen = [s for s in SAMPLES if not args.samples or s.stem in args.samples.split(",")]

    print(f"briefgen benchmark, {date.today()}, {machine()}")
    print(f"pandoc {pandoc_version()}; medians of {args.runs} runs; whole processes\n")
    header = (f"{'sample':<24} {'cold':>6} {'warm':>6} {'w.docx':>7} {'w.pdf':>6} "
              f"{'pandoc':>7} {'p.docx':>7} {'p.pdf':>6} {'warm/pandoc':>12} {'peak MiB':>9}")
    print(header)
    print("-" * len(header))
    results: dict[str, dict[str, Timing]] = {}
    for sample in chosen:
        with tempfile.TemporaryDirectory(prefix="briefgen-bench-") as temp:
            r = results[sample.stem] = bench_sample(sample, Path(temp), args.runs)
        pandoc_total = r["pandoc-docx"].seconds + r["pandoc-pdf"].seconds
        peak = max(r["cold"].peak_mib, r["warm"].peak_mib)
        print(f"{sample.stem:<24} {r['cold'].seconds:>6.2f} {r['warm'].seconds:>6.2f} "
              f"{r['warm-docx'].seconds:>7.2f} {r['warm-pdf'].seconds:>6.2f} "
              f"{pandoc_total:>7.2f} {r['pandoc-docx'].seconds:>7.2f} "
              f"{r['pandoc-pdf'].seconds:>6.2f} {r['warm'].seconds / pandoc_total:>12.2f} "
              f"{peak:>9.0f}", flush=True)
    print("\ncold, warm: briefgen build, DOCX+PDF, seconds; w.docx/w.pdf: warm, one format; "
          "pandoc = p.docx + p.pdf; peak: the largest process of a build (wait4)")

    def pandoc_seconds(stem: str) -> float:
        return results[stem]["pandoc-docx"].seconds + results[stem]["pandoc-pdf"].seconds

    batch: tuple[float, float, int] | None = None
    if not args.no_batch:
        with tempfile.TemporaryDirectory(prefix="briefgen-batch-") as temp:
            batch = bench_batch(Path(temp), args.batch, args.jobs)
        status = "all built" if batch[2] == 0 else f"EXIT {batch[2]}"
        print(f"\nbatch: {args.batch} briefs, -j {args.jobs}: {batch[0]:.1f} s ({status}), "
              f"largest process {batch[1]:.0f} MiB")

    watch_seconds = None
    if not args.no_watch:
        with tempfile.TemporaryDirectory(prefix="briefgen-watch-") as temp:
            watch_seconds = bench_watch(Path(temp), args.runs)
        print(f"\nwatch: save of mali-minusma.yaml to rebuilt DOCX+PDF reported: "
              f"{watch_seconds:.2f} s (median of {args.runs})")

    print("\nissue 17's figures (ratio = briefgen / pandoc on the same content):")
    row = "  {:<44} {:>8} {:>8}  {:<22} {}"
    print(row.format("figure", "measured", "ratio", "goal (moonshot)", ""))
    if CHART_SAMPLE in results:
        r, pandoc = results[CHART_SAMPLE], pandoc_seconds(CHART_SAMPLE)
        for key, label in (("warm", f"warm rebuild, {CHART_SAMPLE}"),
                           ("cold", f"cold build, three charts, {CHART_SAMPLE}")):
            ratio = r[key].seconds / pandoc
            goal, moon = GOALS[key]
            print(row.format(label, f"{r[key].seconds:.2f} s", f"{ratio:.2f}x",
                             f"<= {goal}x ({moon}x)", verdict(ratio, goal, moon)))
    if batch is not None and len(results) == len(SAMPLES):
        # pandoc once per spec: each copy at the time of the sample it was made from
        pandoc_all = sum(pandoc_seconds(SAMPLES[i % len(SAMPLES)].stem)
                         for i in range(args.batch))
        ratio = batch[0] / pandoc_all
        goal, moon = GOALS["batch"]
        print(row.format(f"{args.batch} briefs, -j {args.jobs}, empty cache", f"{batch[0]:.1f} s",
                         f"{ratio:.2f}x", f"<= {goal}x ({moon}x)", verdict(ratio, goal, moon)))
    if CHART_SAMPLE in results:
        seconds = results[CHART_SAMPLE]["check"].seconds
        print(row.format(f"check, warm, {CHART_SAMPLE}", f"{seconds:.2f} s", "",
                         "not slower (README)", ""))
    if results:
        peak = max(max(r["cold"].peak_mib, r["warm"].peak_mib) for r in results.values())
        print(row.format("peak memory, one build (largest process)", f"{peak:.0f} MiB", "",
                         f"< {PEAK_GOAL_MIB} MiB", "met" if peak < PEAK_GOAL_MIB else "MISSED"))
    if batch is not None:
        print(row.format("peak memory, batch (largest worker or child)", f"{batch[1]:.0f} MiB",
                         "", f"< {WORKER_GOAL_MIB} MiB",
                         "met" if batch[1] < WORKER_GOAL_MIB else "MISSED"))
    if watch_seconds is not None:
        print(row.format("watch: save to rebuilt outputs", f"{watch_seconds:.2f} s", "",
                         "under 1 s", "met" if watch_seconds < 1 else "MISSED"))
    return 0


def pandoc_version() -> str:
    out = subprocess.run([pandoc_path(), "--version"], capture_output=True, text=True).stdout
    return out.split("\n", 1)[0].split()[-1] if out else "?"


if __name__ == "__main__":
    sys.exit(main())

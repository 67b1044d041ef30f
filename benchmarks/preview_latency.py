"""Time `briefgen preview` in a real browser: from saving the spec to the updated page on
screen, and the first view; `make bench` runs it.

The largest sample (by pages) is copied into a scratch project, `briefgen preview --no-open
--port 0` is started on it as an analyst starts it, and Debian's chromium (Playwright, headless)
opens the printed address. Then the spec is saved N times (a new file renamed over the old,
as editors save), each time changing one word of the summary, so that the first page
changes; each save waits for the build before it to finish, so every figure starts from an
idle preview. Clocks: the save is stamped with time.time() just after the rename; the page
stamps Date.now() when the new state arrives over the event stream and in the animation
frame after the new pictures are swapped in (both the machine's wall clock).

  first view (cold)  server started -> pages on screen (includes the first build: imports,
                     catalog, index, charts, Typst's child process and fonts)
  first view (warm)  address opened in a new tab of a running preview -> pages on screen
  save -> state      save -> the state with the new pages reaches the page (watch debounce,
                     check, assemble, Typst compile and SVG export)
  save -> on screen  save -> the changed pages decoded and drawn

Usage: python benchmarks/preview_latency.py [--runs 10] [--spec isk-afghanistan.yaml]
"""

from __future__ import annotations

import argparse
import os
import queue
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
SHOWN = ("document.body.dataset.status === 'ok' && window.briefgenPagesShownAt"
         " && document.querySelectorAll('[data-testid=page] img[src]').length > 0")


def largest_sample() -> str:
    """The sample brief with the longest spec (the most pages of the three)."""
    return max((REPO / "briefs").glob("*.yaml"), key=lambda p: p.stat().st_size).name


def edited(text: str, run: int) -> str:
    """The spec with its summary's first line ending in a different word each run."""
    lines = text.splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if line.startswith("summary:")) + 1
    lines[at] = lines[at].rstrip("\n") + f" (draft {run})\n"
    return "".join(lines)


def save(path: Path, text: str) -> float:
    temp = path.with_name(f".{path.name}.swp")
    temp.write_text(text, encoding="utf-8")
    os.replace(temp, path)
    return time.time() * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--spec", default=largest_sample(), help="a sample brief in briefs/")
    args = parser.parse_args()
    chromium = shutil.which("chromium")
    if chromium is None:
        print("preview latency: skipped, chromium is not installed", file=sys.stderr)
        return 0
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="briefgen-bench-preview-") as tmp:
        project = Path(tmp)
        for folder in ("briefs", "seeds", "templates"):
            shutil.copytree(REPO / folder, project / folder)
        spec = project / "briefs" / args.spec
        original = spec.read_text(encoding="utf-8")
        env = dict(os.environ, XDG_CACHE_HOME=str(project / ".cache"))
        env["PYTHONPATH"] = os.pathsep.join([str(REPO / "src"), env.get("PYTHONPATH", "")])
        started = time.time() * 1000
        server = subprocess.Popen(
            [sys.executable, "-m", "briefgen", "preview", f"briefs/{args.spec}", "--no-open",
             "--port", "0"], cwd=project, env=env, stdout=subprocess.PIPE, text=True)
        lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=lambda: [lines.put(x) for x in server.stdout or []],
                         daemon=True).start()
        try:
            found = re.search(r"http://\S+", lines.get(timeout=120))
            assert found
            url = found.group()
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=chromium, headless=True,
                                                     args=CHROMIUM_ARGS)
                context = browser.new_context(viewport={"width": 1400, "height": 900},
                                              bypass_csp=True)
                page = context.new_page()
                page.set_default_timeout(180_000)
                page.goto(url)
                page.wait_for_function(SHOWN)
                cold = page.evaluate("window.briefgenPagesShownAt") - started
                pages = page.locator("[data-testid=page]").count()

                second = context.new_page()
                opened = time.time() * 1000
                second.goto(url.split("?")[0])  # the cookie is set: the bare address
                second.wait_for_function(SHOWN)
                warm = second.evaluate("window.briefgenPagesShownAt") - opened
                second.close()

                to_state, to_screen, changed = [], [], []
                for run in range(1, args.runs + 1):
                    digests = page.locator("[data-testid=page]").evaluate_all(
                        "els => els.map(e => e.dataset.digest)")
                    digest = digests[0]
                    saved = save(spec, edited(original, run))
                    page.wait_for_function(
                        "document.querySelector('[data-testid=page]').dataset.digest"
                        f" !== '{digest}' && window.briefgenPagesShownAt > {saved}")
                    to_screen.append(page.evaluate("window.briefgenPagesShownAt") - saved)
                    to_state.append(page.evaluate("window.briefgenStateAt") - saved)
                    page.wait_for_function("document.body.dataset.status === 'ok'")
                    after = page.evaluate("window.briefgenLastSwap || []")
                    changed.append(len(after))
                    page.wait_for_timeout(300)  # the rest of the build (DOCX) done: idle
                browser.close()
        finally:
            server.send_signal(signal.SIGINT)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
            spec.write_text(original, encoding="utf-8")

    def ms(values: list[float]) -> str:
        return (f"median {statistics.median(values):6.0f} ms  (min {min(values):.0f}, "
                f"max {max(values):.0f})")

    print(f"briefgen preview, {args.spec} ({pages} pages), {os.cpu_count()} cores, "
          f"load average {os.getloadavg()[0]:.1f}")
    print(f"  first view (cold)   {cold:6.0f} ms")
    print(f"  first view (warm)   {warm:6.0f} ms")
    print(f"  save -> state       {ms(to_state)}  over {args.runs} saves")
    print(f"  save -> on screen   {ms(to_screen)}")
    print(f"  pages changed by a save: median {statistics.median(changed):.0f} of {pages}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

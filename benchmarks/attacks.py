"""What each class of hostile input costs now: exit status, seconds and peak memory.

One representative crafted input per attack class of issue 12 (the tests in
tests/robustness/ hold every variant), each run as a whole `briefgen` process under
GNU time, so the figures are what a user would see. Peak memory is the largest resident set
of the process or of any child it waited for (the PDF compiler child included, and the
extraction child of `sources add`: class 9, the files of tests/robustness/hostile_sources.py).

Usage: python benchmarks/attacks.py   (part of `make bench`; about a minute)
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.robustness import hostile_sources  # noqa: E402
from tests.robustness import word_files as wf  # noqa: E402
from tests.robustness.specs import MINIMAL  # noqa: E402

SECRET = "OUTSIDE-SECRET-5b1e"
TIME = "/usr/bin/time"


def project(root: Path) -> Path:
    """A project with the seeds, MINIMAL as brief.yaml, and an outside file with SECRET."""
    shutil.copytree(ROOT / "seeds", root / "seeds")
    (root / "brief.yaml").write_text(MINIMAL, encoding="utf-8")
    (root.parent / "outside.txt").write_text(f"Outside\n\nThe {SECRET} line.\n", encoding="utf-8")
    return root


def catalog_entry(root: Path, file: str) -> list[str]:
    catalog = root / "seeds" / "sources.yaml"
    catalog.write_text(catalog.read_text(encoding="utf-8").rstrip("\n") + "\n"
                       f"  - id: leak\n    file: {file!r}\n    title: Leak\n    type: report\n",
                       encoding="utf-8")
    spec = MINIMAL.replace("un-mali-future, para 12", "leak, para 1")
    (root / "brief.yaml").write_text(spec, encoding="utf-8")
    return ["build", "brief.yaml", "-o", "out"]


def template_copy(root: Path, extra_typ: str = "") -> Path:
    folder = root / "templates" / "crafted"
    shutil.copytree(ROOT / "templates" / "default", folder)
    if extra_typ:
        with (folder / "brief.typ").open("a", encoding="utf-8") as typ:
            typ.write(extra_typ)
    return folder


def linked_asset(root: Path) -> list[str]:
    folder = template_copy(root, '\n#let brief-pagebreak() = raw(read("leak.txt"))\n')
    (folder / "leak.txt").symlink_to(root.parent / "outside.txt")
    return ["build", "brief.yaml", "-o", "out", "--template", str(folder)]


def reference_with(*attacks: Callable[[wf.WordZip], None]) -> Callable[[Path], list[str]]:
    def make(root: Path) -> list[str]:
        folder = template_copy(root)
        wf.craft(ROOT / "templates" / "default" / "reference.docx",
                 folder / "reference.docx", *attacks)
        return ["build", "brief.yaml", "-o", "out", "--template", str(folder)]
    return make


def two_gib_part(word: wf.WordZip) -> None:
    wf.zip_bomb(word, megabytes=2048)


def bracket_quote(root: Path) -> list[str]:
    words = " ".join(["alpha"] * 400)
    (root / "seeds" / "rep.txt").write_text(f"Repeated\n\n{words} omega\n", encoding="utf-8")
    catalog_entry(root, "rep.txt")
    quote = " ".join(["alpha [x]"] * 50) + " zeta"
    spec = MINIMAL.replace("The number of police on mission should be increased, as MINUSMA "
                           "has a 13-2 split of soldiers and police.", quote)
    spec = spec.replace("source: un-mali-future", "source: leak")
    (root / "brief.yaml").write_text(spec, encoding="utf-8")
    return ["check", "brief.yaml"]


def hostile_links(root: Path) -> list[str]:
    spec = MINIMAL.replace("The mission is short of police",
                           "See [a](javascript:alert(1)), [b](smb://host/share), "
                           "[c](ms-msdt:/id%20x) and [d](search-ms:query=x). The mission is "
                           "short of police")
    (root / "brief.yaml").write_text(spec, encoding="utf-8")
    return ["build", "brief.yaml", "-o", "out", "--format", "docx"]


def formula_chart(root: Path) -> list[str]:
    chart = ('    charts:\n      - kind: bar\n        caption: c\n        alt: a\n'
             '        categories: ["=HYPERLINK(\\"http://x\\",\\"y\\")", "@SUM(A1)"]\n'
             '        series: [{name: "+cmd|x", values: [13, 2], excerpt: police-split}]\n')
    spec = MINIMAL.replace("recommendations:", chart + "recommendations:")
    (root / "brief.yaml").write_text(spec, encoding="utf-8")
    return ["build", "brief.yaml", "-o", "out", "--bundle", "--format", "docx"]


def looping_template(root: Path) -> list[str]:
    folder = template_copy(root, "\n#let spin() = { let n = 0; for i in range(1000000) "
                                 "{ for j in range(1000000) { n += 1 } }; n }\n#spin()\n")
    return ["build", "brief.yaml", "-o", "out", "--template", str(folder), "--timeout", "5"]


def memory_hog(root: Path) -> list[str]:
    folder = template_copy(root, "\n#let hog = range(400000000).map(x => (x, x))\n#hog.len()\n")
    return ["build", "brief.yaml", "-o", "out", "--template", str(folder)]


def huge_header(root: Path) -> list[str]:
    def centre(word: wf.WordZip) -> None:
        header = word.header()
        word.parts[header] = word.parts[header].replace(
            b"</w:hdr>", b"<w:p><w:r><w:t>{{ title|center(300000000) }}</w:t></w:r></w:p></w:hdr>")
    return reference_with(centre)(root)


def write_import(name: str, text: str) -> Callable[[Path], list[str]]:
    def make(root: Path) -> list[str]:
        (root / name).write_text(text, encoding="utf-8")
        return ["sources", "import", name, "--catalog", "seeds/sources.yaml"]
    return make


def shared_file_catalog(root: Path) -> list[str]:
    count = 1000
    (root / "seeds" / "bulletins.txt").write_text(
        "".join(f"Bulletin {n}\n\nWeek {n} text.\n\n" for n in range(count)), encoding="utf-8")
    (root / "seeds" / "sources.yaml").write_text("sources:\n" + "".join(
        f"  - id: b-{n}\n    type: report\n    title: B {n}\n    file: bulletins.txt\n"
        f"    start: Bulletin {n}\n" for n in range(count)), encoding="utf-8")
    return ["sources", "--catalog", "seeds/sources.yaml"]


def fifo_source(root: Path) -> list[str]:
    os.mkfifo(root / "seeds" / "pipe.txt")
    return catalog_entry(root, "pipe.txt")


def big_one_line(root: Path) -> list[str]:
    with open(root / "seeds" / "big.txt", "wb") as big:
        big.write(b"Title\n" + b"word " * (10 * 1024 * 1024) + b"\n")
    return catalog_entry(root, "big.txt")


def report_with(*attacks: Callable[[wf.WordZip], None]) -> Callable[[Path], list[str]]:
    def make(root: Path) -> list[str]:
        report = root / "report.docx"
        wf.craft(ROOT / "templates" / "default" / "reference.docx", report, *attacks)
        subprocess.run([sys.executable, "-m", "briefgen", "build", "brief.yaml", "-o", "brief",
                        "--format", "docx"], cwd=root, check=True, capture_output=True)
        brief = next((root / "brief").glob("*.docx"))
        (root / "out").mkdir()
        return ["attach", str(brief), "--into", str(report), "-o", "out/merged.docx"]
    return make


def source_added(make: Callable[[Path], Path]) -> Callable[[Path], list[str]]:
    """`sources add` of the file ``make`` writes into a folder of downloads."""
    def added(root: Path) -> list[str]:
        folder = root / "downloads"
        folder.mkdir()
        return ["sources", "add", str(make(folder)), "--catalog", "seeds/sources.yaml"]
    return added


ATTACKS: list[tuple[str, str, Callable[[Path], list[str]]]] = [
    ("1 template", "asset linked to a file outside, read() in brief.typ", linked_asset),
    ("2 catalog", "file: an absolute path outside", lambda r: catalog_entry(r, str(
        r.parent / "outside.txt"))),
    ("2 catalog", "file: /dev/zero", lambda r: catalog_entry(r, "/dev/zero")),
    ("2 catalog", "file: a named pipe", fifo_source),
    ("2 catalog", "a 50 MB one-line source", big_one_line),
    ("3 reference.docx", "attachedTemplate, external picture, fields, OLE, frame, macros",
     reference_with(*wf.REMOVABLE.values())),
    ("3 reference.docx", "a 2 GiB part of zeros", reference_with(two_gib_part)),
    ("3 reference.docx", "&xxe; in the header", reference_with(wf.entity_in_header)),
    ("4 matching", "50 [x] insertions against 400 repeated words", bracket_quote),
    ("5 links", "javascript:, smb:, ms-msdt:, search-ms: in Markdown", hostile_links),
    ("6 bundle CSV", "=HYPERLINK, @SUM, +cmd| chart names", formula_chart),
    ("7 compile", "a loop in brief.typ, --timeout 5", looping_template),
    ("7 compile", "Typst exhausting memory", memory_hog),
    ("7 compile", "{{ title|center(300000000) }} in a header", huge_header),
    ("8 imports", "CSL-JSON nested 100,000 deep", write_import(
        "deep.json", '[{"id": "a", "x": ' + "[" * 100_000 + "]" * 100_000 + "}]")),
    ("8 imports", "a 900,000-digit number", write_import(
        "n.json", '[{"id": "a", "title": "t", "type": "report", "x": ' + "9" * 900_000 + "}]")),
    ("8 imports", "BibTeX with 50,000 nested braces", write_import(
        "b.bib", "@report{x, title = {" + "{" * 50_000 + "}" * 50_000 + "}}\n")),
    ("8 imports", "26 nested accents in a title", write_import(
        "a.bib", "@report{x, title = {" + "\\'{" * 26 + "a" + "}" * 26 + "}, year = 2024}\n")),
    ("8 imports", "1,000 sources sharing one file (sources list)", shared_file_catalog),
    ("8 attach", "a report with external links, fields and macros",
     report_with(*wf.REMOVABLE.values())),
    *[("9 sources add", what, source_added(make))
      for what, make in hostile_sources.ATTACKS.items()],
]


def run(args: list[str], cwd: Path) -> tuple[int, float, int, str]:
    stats = cwd / "time.txt"
    done = subprocess.run([TIME, "-f", "%e %M", "-o", str(stats), sys.executable, "-m",
                           "briefgen", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300, stdin=subprocess.DEVNULL)
    seconds, kib = stats.read_text().split()[-2:]
    return done.returncode, float(seconds), int(kib) // 1024, done.stdout + done.stderr


def main() -> int:
    rows = []
    bad = 0
    for kind, what, make in ATTACKS:
        with tempfile.TemporaryDirectory(prefix="briefgen-attack-") as tmp:
            root = project(Path(tmp) / "project")
            args = make(root)
            code, seconds, mib, said = run(args, root)
            leaked = SECRET in said or any(
                SECRET.encode() in p.read_bytes() for p in (root / "out").rglob("*")
                if p.is_file()) if (root / "out").exists() else SECRET in said
            clean = code in (0, 1) and "Traceback" not in said and not leaked
            bad += not clean
            first = next((ln for ln in said.splitlines() if "warning" in ln or "refused" in ln
                          or "error" in ln.lower() or "took longer" in ln or "ran out" in ln),
                         said.strip().splitlines()[0] if said.strip() else "")
            rows.append({"class": kind, "attack": what, "exit": code, "seconds": seconds,
                         "peak_mib": mib, "clean": clean, "says": first[:160]})
            print(f"{kind:17} {what[:52]:52} exit {code}  {seconds:6.2f} s  {mib:5d} MiB  "
                  f"{'ok' if clean else 'FAIL'}", flush=True)
    (ROOT / "output").mkdir(exist_ok=True)
    (ROOT / "output" / "attacks.json").write_text(json.dumps(rows, indent=2) + "\n")
    print(f"{len(rows) - bad} of {len(rows)} attacks ended cleanly (exit 0 or 1, no traceback, "
          "nothing from outside); details in output/attacks.json")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())

"""The long fuzz run on Word files: hundreds of mutated reference.docx files and reports given
to `attach`; none may produce a traceback or an output that reaches out or runs.

The same properties as tests/robustness/test_fuzz_word_files.py, which runs a few examples
in the suite; here each runs ``--examples`` (default 300). A failure prints the traceback
briefgen gave and keeps the smallest failing file as $TMPDIR/briefgen-fuzz-word-failure.docx
(it is a zip of some hundred KB, too long to print); the exit status is 1.

Usage: python benchmarks/fuzz_word_files.py [--examples 300] [--only reference,report]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from hypothesis import HealthCheck, Verbosity, given, settings  # noqa: E402

from tests.attach.conftest import make_report_docx  # noqa: E402
from tests.robustness import word_files as wf  # noqa: E402
from tests.robustness.specs import MINIMAL, Project, make_project  # noqa: E402

REFERENCE = ROOT / "templates" / "default" / "reference.docx"
PROPERTIES = ("reference", "report")
KEPT = Path(tempfile.gettempdir()) / "briefgen-fuzz-word-failure.docx"


def fuzz(name: str, examples: int, base: Path,
         check: Callable[[bytes], int]) -> tuple[bool, dict[int, int], float]:
    """Run one property for ``examples`` examples: (passed, exit status counts, seconds)."""
    codes: dict[int, int] = {}

    @settings(max_examples=examples, deadline=None, database=None, print_blob=False,
              verbosity=Verbosity.quiet, suppress_health_check=list(HealthCheck))
    @given(content=wf.mutated_word_files(base))
    def prop(content: bytes) -> None:
        try:
            code = check(content)
        except BaseException:
            KEPT.write_bytes(content)  # the last failing example, shrunk, for a closer look
            raise
        codes[code] = codes.get(code, 0) + 1

    started = time.perf_counter()
    try:
        prop()
    except Exception:  # noqa: BLE001 - the report is the point
        lines = traceback.format_exc().splitlines()
        print("\n".join(line[:400] for line in lines), file=sys.stderr)
        print(f"the failing {name} file is kept as {KEPT}", file=sys.stderr)
        return False, codes, time.perf_counter() - started
    return True, codes, time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=300, help="examples per property")
    parser.add_argument("--only", default=",".join(PROPERTIES),
                        help=f"properties to run, of: {', '.join(PROPERTIES)}")
    args = parser.parse_args(argv)
    names = [n.strip() for n in args.only.split(",") if n.strip()]
    unknown = [n for n in names if n not in PROPERTIES]
    if unknown:
        parser.error(f"unknown properties: {', '.join(unknown)}")
    with tempfile.TemporaryDirectory(prefix="briefgen-fuzz-word-") as tmp:
        # Builds must not read or fill the user's chart cache.
        os.environ["XDG_CACHE_HOME"] = str(Path(tmp) / "cache")
        project: Project = make_project(Path(tmp) / "project")
        spec = project.spec("brief", MINIMAL)
        code, err = wf.run_cli(["build", str(spec), "-o", str(spec.parent), "--format", "docx"])
        if code != 0:
            print(err, file=sys.stderr)
            return 1
        brief = next(spec.parent.glob("*.docx"))
        report = make_report_docx(Path(tmp) / "report.docx", ("One",))
        runs = {
            "reference": (REFERENCE, lambda blob: wf.check_reference(project, blob)),
            "report": (report, lambda blob: wf.check_report(project, brief, blob)),
        }
        failed = False
        for name in names:
            base, check = runs[name]
            ok, codes, seconds = fuzz(name, args.examples, base, check)
            failed |= not ok
            counts = ", ".join(f"exit {c}: {n}" for c, n in sorted(codes.items()))
            print(f"{name:9} {'ok    ' if ok else 'FAILED'} {args.examples} examples in "
                  f"{seconds:6.1f} s ({counts})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

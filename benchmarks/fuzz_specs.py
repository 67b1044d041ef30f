"""The long fuzz run: thousands of Hypothesis-made specs, none may produce a traceback.

The same properties as tests/robustness/test_fuzz_specs.py, which runs a few dozen examples
in the suite; here each runs ``--examples`` (default 1000, so 4000 in all, about 5 minutes
on the development machine). A failure prints the smallest spec Hypothesis found that
causes it, and the exit status is 1.

Usage: python benchmarks/fuzz_specs.py [--examples 1000] [--only raw,random,mutated,edited]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from tests.robustness import fuzzing  # noqa: E402
from tests.robustness.specs import Project, make_project  # noqa: E402

PROPERTIES: dict[str, tuple[st.SearchStrategy[str] | st.SearchStrategy[bytes], str]] = {
    "raw": (fuzzing.raw_files, "docx"),
    "random": (fuzzing.random_specs, "docx,pdf"),
    "mutated": (fuzzing.mutated_specs(), "docx,pdf"),
    "edited": (fuzzing.edited_texts(), "docx,pdf"),
}


def fuzz(project: Project, name: str, examples: int) -> tuple[bool, dict[int, int], float]:
    """Run one property for ``examples`` examples: (passed, exit status counts, seconds)."""
    strategy, formats = PROPERTIES[name]
    codes: dict[int, int] = {}

    @settings(max_examples=examples, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(content=strategy)
    def prop(content: str | bytes) -> None:
        code = fuzzing.assert_briefgen_answers(project, content, formats)
        codes[code] = codes.get(code, 0) + 1

    started = time.perf_counter()
    try:
        prop()
    except Exception:  # noqa: BLE001 - the report is the point
        traceback.print_exc()
        return False, codes, time.perf_counter() - started
    return True, codes, time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=1000, help="examples per property")
    parser.add_argument("--only", default=",".join(PROPERTIES),
                        help=f"properties to run, of: {', '.join(PROPERTIES)}")
    args = parser.parse_args(argv)
    names = [n.strip() for n in args.only.split(",") if n.strip()]
    unknown = [n for n in names if n not in PROPERTIES]
    if unknown:
        parser.error(f"unknown properties: {', '.join(unknown)}")
    with tempfile.TemporaryDirectory(prefix="briefgen-fuzz-") as tmp:
        # Builds must not read or fill the user's chart cache.
        os.environ["XDG_CACHE_HOME"] = str(Path(tmp) / "cache")
        project = make_project(Path(tmp))
        failed = False
        for name in names:
            ok, codes, seconds = fuzz(project, name, args.examples)
            failed |= not ok
            counts = ", ".join(f"exit {c}: {n}" for c, n in sorted(codes.items()))
            print(f"{name:8} {'ok    ' if ok else 'FAILED'} {args.examples} examples in "
                   f"{seconds:6.1f} s ({counts})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

"""Fail unless every installed distribution that constraints.txt pins is at its pinned version.

`make test` runs this after installing, so a green run says the suite ran on exactly the
versions a fresh machine gets, not on whatever a warm venv happened to hold.
"""

from __future__ import annotations

import re
import sys
from importlib import metadata
from pathlib import Path

PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;#]+)")


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def main(path: str = "constraints.txt") -> int:
    pins = {}
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        match = PIN.match(line.strip())
        if match:
            pins[canonical(match[1])] = match[2]
    installed = {canonical(d.metadata["Name"]): d.version for d in metadata.distributions()}
    wrong = [f"{name} {installed[name]} (pinned {version})"
             for name, version in sorted(pins.items())
             if name in installed and installed[name] != version]
    if wrong:
        print(f"{path}: installed versions differ from the pins: " + "; ".join(wrong)
              + ". Reinstall with `pip install -c constraints.txt ...`, or run `make lock`.",
              file=sys.stderr)
        return 1
    count = sum(1 for name in pins if name in installed)
    print(f"{path}: {count} installed packages at their pinned versions")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))

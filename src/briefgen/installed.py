"""Versions of installed packages, read without importing them or importlib.metadata."""

from __future__ import annotations

import importlib.util
from pathlib import Path


def installed_version(package: str, module: str) -> str:
    """The installed version of ``package`` (which provides ``module``), read from the name of
    its .dist-info folder beside the module; "?" when it is not installed.

    Cache keys need these versions on every build, and importlib.metadata costs ~30 ms to
    import and scans every distribution on the path; it is the fallback when no single
    folder is found (an unusual install).
    """
    spec = importlib.util.find_spec(module)
    if spec is not None and spec.submodule_search_locations:
        site = Path(next(iter(spec.submodule_search_locations))).parent
        prefix = package.replace("-", "_") + "-"
        found = sorted(entry.name[len(prefix):-len(".dist-info")] for entry in site.iterdir()
                       if entry.name.startswith(prefix) and entry.name.endswith(".dist-info"))
        if len(found) == 1:
            return found[0]
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(package)
    except PackageNotFoundError:
        return "?"

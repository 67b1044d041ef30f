"""Find a template folder by name or path and read its template.yaml."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from briefgen.errors import TemplateError
from briefgen.templating.template import Template

DEFAULT_TEMPLATE = "default"
# Where templates live when briefgen runs from its own checkout (the Makefile installs it
# editable): <repo>/templates. A project's own templates/ folder comes first.
BUNDLED_TEMPLATES = Path(__file__).resolve().parents[3] / "templates"


def template_roots(project_root: Path | None) -> list[Path]:
    """The folders searched for templates/<name>/, first match wins."""
    roots = []
    if project_root is not None:
        roots.append(project_root / "templates")
    if BUNDLED_TEMPLATES not in roots:
        roots.append(BUNDLED_TEMPLATES)
    return [r for r in roots if r.is_dir()]


def available_templates(project_root: Path | None) -> dict[str, Path]:
    """Template name -> folder, for every folder holding a template.yaml or reference.docx."""
    found: dict[str, Path] = {}
    for root in reversed(template_roots(project_root)):
        for folder in sorted(root.iterdir()):
            if (folder / "template.yaml").is_file() or (folder / "reference.docx").is_file():
                found[folder.name] = folder
    return dict(sorted(found.items()))


def find_template(name: str, project_root: Path | None, override: Path | None = None) -> Template:
    """The template ``override`` (a folder) or ``name`` (default if empty), read from disk."""
    if override is not None:
        folder = override.resolve()
        if not folder.is_dir():
            raise TemplateError(f"--template {override}: no such folder")
        return load_template(folder)
    wanted = name or DEFAULT_TEMPLATE
    templates = available_templates(project_root)
    if wanted not in templates:
        known = ", ".join(templates) or "none found"
        raise TemplateError(f"unknown template {wanted!r}; available templates: {known}")
    return load_template(templates[wanted])


def load_template(folder: Path) -> Template:
    """Read template.yaml (optional) and check the files writers need are there."""
    settings: dict[str, Any] = {}
    config = folder / "template.yaml"
    if config.is_file():
        try:
            loaded = yaml.safe_load(config.read_text(encoding="utf-8-sig"))
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            raise TemplateError(f"{config}: cannot read template settings: {exc}") from None
        if loaded is not None and not isinstance(loaded, dict):
            raise TemplateError(f"{config}: expected a mapping of settings")
        settings = loaded or {}
    missing = [f for f in ("reference.docx", "brief.typ") if not (folder / f).is_file()]
    if missing:
        raise TemplateError(f"template {folder}: missing {', '.join(missing)}")
    return Template(name=str(settings.get("name") or folder.name), directory=folder,
                    settings=settings)

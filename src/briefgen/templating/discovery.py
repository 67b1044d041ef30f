"""Find a template folder by name or path and read its template.yaml."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from briefgen.confine import TEMPLATE_FILE, RefusedFile, read_confined
from briefgen.errors import SpecError, TemplateError
from briefgen.spec import options as o
from briefgen.spec.yamlsource import parse_yaml
from briefgen.templating.template import SETTINGS, Template

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
        return load_template(folder, project_root)
    wanted = name or DEFAULT_TEMPLATE
    templates = available_templates(project_root)
    if wanted not in templates:
        known = ", ".join(templates) or "none found"
        raise TemplateError(f"unknown template {wanted!r}; available templates: {known}")
    return load_template(confined_template(templates[wanted]), project_root)


def confined_template(folder: Path) -> Path:
    """A templates/<name> folder once it is known not to lead out of templates/ (a link to a
    folder elsewhere would let a shared drive's template read anything there)."""
    inside = folder.parent.resolve()
    try:
        resolved = folder.resolve()
    except (RuntimeError, OSError):  # a link loop (RuntimeError on Python 3.11)
        raise TemplateError(f"{folder}: refused: a link that goes round in a circle") from None
    if inside not in resolved.parents:
        raise TemplateError(f"{folder}: refused: the template folder is a link to {resolved}, "
                            f"outside {inside}; a template must be inside its templates folder")
    return resolved


def read_settings(folder: Path) -> dict[str, Any]:
    """The mapping in folder/template.yaml, checked against SETTINGS; {} when there is no such
    file. TemplateError naming file:line and key of every problem."""
    config = folder / "template.yaml"
    if not config.is_file():
        return {}
    try:
        text = read_confined(config, folder, TEMPLATE_FILE).decode("utf-8-sig")
        located = parse_yaml(text, str(config), "the template settings", empty_ok=True)
    except RefusedFile as refused:
        raise TemplateError(f"{config}: {refused.reason}") from None
    except OSError as exc:
        raise TemplateError(f"{config}: cannot read template settings: "
                            f"{exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise TemplateError(f"{config}: cannot read template settings: {exc}") from None
    except SpecError as exc:
        raise TemplateError(str(exc), exc.problems) from None
    if located.data is None:
        return {}
    if not isinstance(located.data, dict):
        raise TemplateError(f"{config}:1: expected a mapping of settings but received "
                            f"{o.describe(located.data)}")
    ctx = o.Context(located)
    SETTINGS.validate(located.data, "", ctx)
    if ctx.problems:
        count = len(ctx.problems)
        raise TemplateError(f"{config}: {count} problem{'s' if count != 1 else ''} in the "
                            "template settings", ctx.problems)
    # The file's own values, not the checked ones: a key not given stays absent, so a parent's
    # setting still shows through when the settings are merged.
    return dict(located.data)


def load_template(
    folder: Path, project_root: Path | None = None, _seen: tuple[Path, ...] = ()
) -> Template:
    """Read template.yaml (optional), its ``extends`` parent, and check the writers' files.

    A template that extends another takes from the parent every file it lacks (reference.docx,
    brief.typ, a logo) and every setting it does not give; mappings (colours, defaults) are
    merged key by key, the child winning.
    """
    folder = folder.resolve()
    if folder in _seen:
        chain = " -> ".join(str(f) for f in (*_seen, folder))
        raise TemplateError(f"{folder / 'template.yaml'}: extends: goes round in a circle: {chain}")
    settings = read_settings(folder)
    parent = None
    extends = settings.get("extends")
    if extends not in (None, ""):
        parent = load_template(_parent_folder(folder, str(extends), project_root), project_root,
                               (*_seen, folder))
        settings = merge_settings(parent.settings, settings)
    template = Template(name=str(settings.get("name") or folder.name), directory=folder,
                        settings=settings, parent=parent)
    missing = [f for f in ("reference.docx", "brief.typ") if not template.file(f).is_file()]
    if missing:
        raise TemplateError(f"template {folder}: missing {', '.join(missing)}")
    return template


def _parent_folder(folder: Path, extends: str, project_root: Path | None) -> Path:
    """The folder ``extends:`` names: a template name, or a path relative to the template."""
    by_path = (folder / extends).resolve()
    if ("/" in extends or extends.startswith(".")) and by_path.is_dir():
        # A parent named by path stays beside the child (in the folder holding it), inside
        # the project or inside a templates folder: never ../../etc.
        allowed = [folder.parent, *(r.resolve() for r in template_roots(project_root))]
        if project_root is not None:
            allowed.append(project_root.resolve())
        if not any(by_path == a or a in by_path.parents for a in allowed):
            raise TemplateError(
                f"{folder / 'template.yaml'}: extends: refused: {extends!r} leads to {by_path}, "
                f"outside {folder.parent} and the project; a parent template must be inside "
                "one of them")
        return by_path
    templates = available_templates(project_root)
    if extends in templates and templates[extends].resolve() != folder:
        return confined_template(templates[extends])
    known = ", ".join(t for t in templates if templates[t].resolve() != folder) or "none found"
    raise TemplateError(
        f"{folder / 'template.yaml'}: extends: unknown template {extends!r}; "
        f"expected one of: {known}"
    )


def merge_settings(parent: dict[str, Any], child: dict[str, Any]) -> dict[str, Any]:
    """``child`` over ``parent``: nested mappings merged key by key, the child winning.

    A parent's own ``extends``, ``name`` and ``description`` describe the parent only.
    """
    own = {k: v for k, v in parent.items() if k not in ("extends", "name", "description")}
    return _merge(own, child)


def _merge(parent: dict[str, Any], child: dict[str, Any]) -> dict[str, Any]:
    merged = dict(parent)
    for key, value in child.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged

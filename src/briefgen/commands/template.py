"""`briefgen template`: list the templates, or start a new one from a copy of another."""

from __future__ import annotations

import argparse
import re
import shutil
from pathlib import Path

from briefgen.errors import TemplateError

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")


def add_parser(sub: argparse._SubParsersAction) -> None:
    template = sub.add_parser("template", help="list templates or start a new one")
    actions = template.add_subparsers(dest="action", metavar="ACTION")
    actions.required = True
    actions.add_parser("list", help="the templates a spec can name with `template: NAME`")
    new = actions.add_parser("new", help="copy a template into templates/NAME to start from")
    new.add_argument("name", metavar="NAME", help="the new template's name (a folder name)")
    new.add_argument("--from", dest="source", default="default", metavar="TEMPLATE",
                     help="the template to copy (default: default)")
    new.add_argument("--dir", type=Path, default=Path("templates"), metavar="DIR",
                     help="where templates live (default: templates/)")


def run(args: argparse.Namespace) -> int:
    from briefgen.templating.discovery import available_templates, load_template

    root = Path.cwd()
    templates = available_templates(root)
    if args.action == "list":
        width = max((len(n) for n in templates), default=0)
        for name, folder in templates.items():
            description = load_template(folder, root).description
            print(f"{name:<{width}}  {description}  ({_shown(folder)})")
        return 0
    if not _NAME.match(args.name):
        raise TemplateError(
            f"template name {args.name!r}: expected letters, digits, '-' or '_' (a folder name)"
        )
    if args.source not in templates:
        known = ", ".join(templates) or "none found"
        raise TemplateError(f"--from {args.source!r}: unknown template; expected one of: {known}")
    target = args.dir / args.name
    if target.exists():
        raise TemplateError(f"{target}: already exists; choose another name or remove it")
    source = load_template(templates[args.source], root)
    target.mkdir(parents=True)
    # Copy the whole extends chain flat, so the new template stands on its own.
    for folder in reversed(source.directories):
        shutil.copytree(folder, target, dirs_exist_ok=True)
    _rename(target / "template.yaml", args.name, args.source)
    print(f"wrote {target}/ (a copy of {args.source!r}); use it with `template: {args.name}`")
    return 0


def _rename(config: Path, name: str, source: str) -> None:
    """Give the copy its own name and drop ``extends`` (its parent's files are copied in)."""
    lines = config.read_text(encoding="utf-8").splitlines() if config.is_file() else []
    kept = [ln for ln in lines if not re.match(r"^(name|extends|description)\s*:", ln)]
    head = [f"name: {name}", f"description: Started from the {source} template."]
    config.write_text("\n".join(head + kept) + "\n", encoding="utf-8")


def _shown(folder: Path) -> str:
    try:
        return str(folder.relative_to(Path.cwd()))
    except ValueError:
        return str(folder)

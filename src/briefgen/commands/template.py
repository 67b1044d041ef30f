"""`briefgen template`: list the templates, or start a new one from a copy of another."""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
from pathlib import Path

from briefgen.confine import REFERENCE_DOCX, TEMPLATE_FILE, RefusedFile, read_confined
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
        return _list(templates, root)
    if not _NAME.match(args.name):
        raise TemplateError(
            f"template name {args.name!r}: expected letters, digits, '-' or '_' (a folder name)"
        )
    if args.source not in templates:
        known = ", ".join(templates) or "none found"
        raise TemplateError(f"--from {args.source!r}: unknown template; expected one of: {known}")
    target = args.dir / args.name
    if target.exists() or target.is_symlink():
        raise TemplateError(f"{target}: already exists; choose another name or remove it")
    source = load_template(templates[args.source], root)
    try:
        args.dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise TemplateError(f"cannot create {args.dir}: {exc.strerror or exc}") from None
    # Built in a hidden folder beside the target and renamed into place only when whole, so
    # a failure leaves no half-copied template behind.
    staging = args.dir / f".{args.name}.partial-{os.getpid()}"
    try:
        staging.mkdir()
    except OSError as exc:
        raise TemplateError(f"cannot create {staging}: {exc.strerror or exc}") from None
    try:
        skipped: list[str] = []
        # Copy the whole extends chain flat, so the new template stands on its own.
        for folder in reversed(source.directories):
            skipped += _copy_regular_files(folder, staging)
        _rename(staging / "template.yaml", args.name, args.source)
        staging.rename(target)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise TemplateError(f"cannot write {target}: {exc.strerror or exc}") from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    print(f"wrote {target}/ (a copy of {args.source!r}); use it with `template: {args.name}`")
    for line in skipped:
        print(f"warning: not copied: {line}", file=sys.stderr)
    return 0


def _list(templates: dict[str, Path], root: Path) -> int:
    """Print one line per template; a template that cannot be read gets its own line saying
    why, and the others are still listed (exit 1 when any was broken)."""
    from briefgen.templating.discovery import confined_template, load_template

    width = max((len(n) for n in templates), default=0)
    broken = 0
    for name, folder in templates.items():
        try:
            description = load_template(confined_template(folder), root).description
        except TemplateError as exc:
            broken += 1
            print(f"{name:<{width}}  (cannot be used: {exc})  ({_shown(folder)})")
            continue
        print(f"{name:<{width}}  {description}  ({_shown(folder)})")
    if broken:
        print(f"{broken} template{'s' if broken != 1 else ''} cannot be used; see above",
              file=sys.stderr)
    return 1 if broken else 0


def _copy_regular_files(folder: Path, target: Path) -> list[str]:
    """Copy the regular files below ``folder`` into ``target``; what was left out, and why.

    Links are never followed (a link to /etc would copy /etc; ``loop -> .`` never ends) and
    pipes, devices and over-large files are left out: a template is a handful of small files.
    """
    skipped: list[str] = []
    for top, folders, files in os.walk(folder, followlinks=False):
        here = Path(top)
        for name in sorted(folders):
            if (here / name).is_symlink():
                skipped.append(f"{here / name}: a link to a folder (links are not copied)")
        for name in sorted(files):
            path = here / name
            kind = REFERENCE_DOCX if name == "reference.docx" else TEMPLATE_FILE
            if path.is_symlink():
                skipped.append(f"{path}: a link (links are not copied)")
                continue
            try:
                data = read_confined(path, folder, kind)
            except RefusedFile as refused:
                skipped.append(f"{path}: {refused.reason}")
                continue
            except OSError as exc:
                skipped.append(f"{path}: cannot be read: {exc.strerror or exc}")
                continue
            copy = target / path.relative_to(folder)
            copy.parent.mkdir(parents=True, exist_ok=True)
            copy.write_bytes(data)
    return skipped


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

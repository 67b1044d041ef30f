"""One module per CLI command: each defines ``add_parser(subparsers)`` and ``run(args) -> int``.

cli.py only assembles them; a new command is a new module here plus one name in cli.COMMANDS.
"""

from pathlib import Path

# Where the commands that read a catalog look when --catalog is not given (a project's seeds/).
DEFAULT_CATALOG = Path("seeds/sources.yaml")

"""`briefgen schema`: print the JSON Schema of a brief spec."""

from __future__ import annotations

import argparse
import json


def add_parser(sub: argparse._SubParsersAction) -> None:
    sub.add_parser("schema", help="print the JSON Schema of a brief spec")


def run(args: argparse.Namespace) -> int:
    from briefgen.spec.schema import json_schema

    print(json.dumps(json_schema(), indent=2, ensure_ascii=False))
    return 0

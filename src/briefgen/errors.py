"""The exception tree: user errors carry a category and a message, never a traceback."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, located as precisely as we can.

    ``file`` and ``line`` are None when the problem has no place in a file (a missing file);
    ``key`` is the key path (``sections[2].excerpts[0].source``) or "" for the whole document.
    """

    file: str | None
    line: int | None
    key: str
    message: str

    def __str__(self) -> str:
        where = ""
        if self.file:
            where = self.file if self.line is None else f"{self.file}:{self.line}"
        parts = [p for p in (where, self.key) if p]
        head = " ".join(parts)
        return f"{head}: {self.message}" if head else self.message


class BriefgenError(Exception):
    """An error the user can fix; the CLI prints it and exits 1 without a traceback."""

    category = "error"

    def __init__(self, message: str, problems: list[Problem] | None = None) -> None:
        super().__init__(message)
        self.problems: list[Problem] = list(problems or [])

    def report(self) -> str:
        """The full message: a headline, then one line per problem."""
        lines = [str(self)]
        lines += [f"  {p}" for p in self.problems]
        return "\n".join(lines)


class SpecError(BriefgenError):
    """The brief spec cannot be read or does not validate."""

    category = "spec"


class SourceError(BriefgenError):
    """The corpus: a source is missing, unreadable, or a quote does not verify."""

    category = "source"


class ChartError(BriefgenError):
    """A chart's data cannot be drawn."""

    category = "chart"


class TemplateError(BriefgenError):
    """A template is missing, malformed, or asks for a name the spec does not give."""

    category = "template"


class RenderError(BriefgenError):
    """A writer could not produce its output (Typst compile error, unwritable file)."""

    category = "render"


class WarningsRefused(BriefgenError):
    """A build or check that warned, run with --fail-on-warning; ``problems`` are the warnings."""

    category = "warning"

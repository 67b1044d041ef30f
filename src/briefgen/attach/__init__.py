"""Attach a built brief to a larger report: a DOCX into a DOCX, a PDF onto a PDF.

The report file is read, never written, unless the output names it; every output is written
to a temporary file beside it and renamed into place, so a failure leaves nothing half-written.
Format work lives in docx.py (docxcompose) and pdf.py (pypdf), kept apart from the writers:
the writers render the model, this package works on finished files.
"""

from __future__ import annotations

from pathlib import Path

from briefgen.attach.files import AttachError, check_output, default_output, readable_input

__all__ = ["AttachError", "attach", "default_output"]

SUFFIXES = (".docx", ".pdf")


def attach(brief: Path, report: Path, output: Path | None = None, after: str = "",
           warnings: list[str] | None = None) -> Path:
    """Attach ``brief`` to ``report`` and write the result to ``output``; return its path.

    ``output`` None means ``<report>-with-<brief>.<suffix>`` beside the report (the report
    itself is never changed unless ``output`` names it). ``after`` is the text of a heading
    in a DOCX report whose section the brief follows; "" appends it at the end.
    ``warnings``, when given, receives what was removed from a DOCX report or brief (an
    external link, a fetching field, a macro), one message each.
    """
    suffix = brief.suffix.lower()
    if suffix not in SUFFIXES:
        raise AttachError(f"{brief}: expected a brief ending in .docx or .pdf")
    if report.suffix.lower() != suffix:
        raise AttachError(f"{report}: expected a {suffix} report to attach the {suffix} brief "
                          f"{brief.name} to, but it ends in {report.suffix or '(nothing)'!r}")
    readable_input(brief, "brief")
    readable_input(report, "report")
    target = output if output is not None else default_output(brief, report)
    check_output(target, brief, suffix)
    if suffix == ".docx":
        from briefgen.attach.docx import attach_docx

        attach_docx(brief, report, target, after=after,
                    warn=warnings.append if warnings is not None else None)
    else:
        if after:
            raise AttachError("--after applies to DOCX reports only; a PDF brief is appended "
                              "at the end")
        from briefgen.attach.pdf import attach_pdf

        attach_pdf(brief, report, target)
    return target

"""Lint output: concise text (ruff's form), JSON (the contract in DESIGN.md), SARIF 2.1.0, GitHub annotations.

rich is imported only to colour text on a terminal.
"""

from __future__ import annotations

import json

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, TextIO

    from kerasdoctor.lint.base import Diagnostic
    from kerasdoctor.lint.engine import LintResult
    from kerasdoctor.types import Rule

FORMATS = ("text", "json", "sarif", "github")
SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
_SARIF_LEVEL = {"error": "error", "warning": "warning", "info": "note"}


def location(d: Diagnostic) -> str:
    if d.cell is not None:
        return f"{d.path}:cell {d.cell}:{d.line}:{d.column}"
    return f"{d.path}:{d.line}:{d.column}"


def text_line(d: Diagnostic) -> str:
    fixable = " [*]" if d.fix else ""
    return f"{location(d)}: {d.id}{fixable} {d.message}"


def target_note(result: LintResult) -> str:
    """``target keras3 (keras 3.15.0 is installed)``: which Keras the findings are about, and why."""
    return f"target {result.target}" + (f" ({result.target_reason})" if result.target_reason else "")


def summary(result: LintResult) -> str:
    n = len(result.diagnostics)
    failed = len({e.path for e in result.errors})
    # files that could not be linted are not "passed" (exit 1, as ruff does): said here, listed on stderr
    unlinted = f"{failed} file{'s' if failed != 1 else ''} could not be linted." if failed else ""
    if n == 0:
        if failed:
            return f"No problems found; {unlinted} ({target_note(result)})"
        return f"All checks passed ({result.files} file{'s' if result.files != 1 else ''}; {target_note(result)})."
    fixable = sum(1 for d in result.diagnostics if d.fix)
    files = len({d.path for d in result.diagnostics})
    tail = f" ({fixable} fixable with --fix)" if fixable else ""
    found = f"Found {n} problem{'s' if n != 1 else ''} in {files} file{'s' if files != 1 else ''}{tail}"
    return f"{found}; {target_note(result)}.{' ' + unlinted if unlinted else ''}"


def write_text(result: LintResult, out: TextIO, *, color: bool = False, show_summary: bool = True) -> None:
    if color:
        _write_rich(result, out, show_summary)
        return
    for d in result.diagnostics:
        out.write(text_line(d) + "\n")
    if show_summary:
        out.write(summary(result) + "\n")


def _write_rich(result: LintResult, out: TextIO, show_summary: bool) -> None:
    from rich.console import Console
    from rich.text import Text

    console = Console(file=out, highlight=False, soft_wrap=True)
    styles = {"error": "bold red", "warning": "bold yellow", "info": "bold blue"}
    for d in result.diagnostics:
        line = Text()
        line.append(location(d), style="bold")
        line.append(": ")
        line.append(d.id, style=styles.get(d.severity, "bold"))
        if d.fix:
            line.append(" [*]", style="cyan")
        line.append(f" {d.message}")
        console.print(line)
    if show_summary:
        console.print(Text(summary(result), style="bold green" if not result.diagnostics else "bold"))


def write_errors(result: LintResult, err: TextIO) -> None:
    for e in result.errors:
        err.write(f"kerasdoctor: {e.path}: {e.message}\n")


def to_json(result: LintResult) -> str:
    return json.dumps(result.to_dict(), indent=2) + "\n"


def _github_escape(text: str, *, property_value: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if property_value:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def to_github(result: LintResult) -> str:
    """GitHub Actions workflow commands: one annotation per finding."""
    lines = []
    level = {"error": "error", "warning": "warning", "info": "notice"}
    for d in result.diagnostics:
        props = f"file={_github_escape(d.path, property_value=True)},line={d.line},col={d.column},endLine={d.end_line},endColumn={d.end_column}"
        title = _github_escape(f"{d.id} {d.name}", property_value=True)
        lines.append(f"::{level.get(d.severity, 'warning')} {props},title={title}::{_github_escape(f'{d.id} {d.message}')}")
    for e in result.errors:
        lines.append(f"::error file={_github_escape(e.path, property_value=True)},title=kerasdoctor::{_github_escape(e.message)}")
    return "\n".join(lines) + ("\n" if lines else "")


def _uri(path: str) -> str:
    """Relative to the working directory when inside it (what code-scanning services expect), else a file: URI."""
    import os
    from urllib.parse import quote

    if os.path.isabs(path):
        try:
            relative = os.path.relpath(path)
        except ValueError:  # another drive on Windows
            relative = ".."
        if relative.startswith(".."):
            return "file://" + quote(path.replace("\\", "/"))
        path = relative
    return quote(path.replace("\\", "/"))


def _sarif_rule(rule: Rule) -> dict[str, Any]:
    docs = rule.docs or {}
    full = " ".join(str(docs.get(k, "")).strip() for k in ("what", "why") if docs.get(k))
    entry: dict[str, Any] = {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": full or rule.title},
        "help": {"text": str(docs.get("fix", "")).strip() or rule.title},
        "defaultConfiguration": {"level": _SARIF_LEVEL.get(rule.severity, "warning")},
        "properties": {"category": rule.category},
    }
    references = rule.references
    if references:
        entry["helpUri"] = references[0]
    return entry


def to_sarif(result: LintResult) -> str:
    from kerasdoctor import __version__

    rules = sorted(result.rules, key=lambda r: r.id)
    index = {r.id: i for i, r in enumerate(rules)}
    results = []
    for d in result.diagnostics:
        region: dict[str, Any] = {"startLine": d.line, "startColumn": d.column, "endLine": d.end_line, "endColumn": d.end_column}
        entry: dict[str, Any] = {
            "ruleId": d.id,
            "level": _SARIF_LEVEL.get(d.severity, "warning"),
            "message": {"text": d.message},
            "locations": [{"physicalLocation": {"artifactLocation": {"uri": _uri(d.path)}, "region": region}}],
        }
        if d.cell is not None:
            entry["properties"] = {"cell": d.cell}
        if d.id in index:
            entry["ruleIndex"] = index[d.id]
        if d.fix:
            replacements = [
                {
                    "deletedRegion": {"startLine": e["line"], "startColumn": e["column"], "endLine": e["end_line"], "endColumn": e["end_column"]},
                    "insertedContent": {"text": e["content"]},
                }
                for e in d.fix["edits"]
            ]
            entry["fixes"] = [
                {"description": {"text": "safe fix"}, "artifactChanges": [{"artifactLocation": {"uri": _uri(d.path)}, "replacements": replacements}]}
            ]
        results.append(entry)
    notifications = [
        {"level": "error", "message": {"text": e.message}, "locations": [{"physicalLocation": {"artifactLocation": {"uri": _uri(e.path)}}}]}
        for e in result.errors
    ]
    run: dict[str, Any] = {
        "tool": {"driver": {"name": "kerasdoctor", "version": __version__, "rules": [_sarif_rule(r) for r in rules]}},
        "results": results,
        "invocations": [{"executionSuccessful": True, "toolExecutionNotifications": notifications}],
        "properties": {"target": result.target},
    }
    return json.dumps({"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}, indent=2) + "\n"

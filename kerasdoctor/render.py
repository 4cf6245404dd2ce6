"""Turn explanations and rules into text, JSON or rich panels: the only module that knows rich.

rich is imported only when colour is on (a terminal): its import alone costs
about four times a bare interpreter start, and piped output has no use for it.
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, TextIO

    from kerasdoctor.types import ErrorRecord, Explanation, Match, Rule

WIDTH = 88
ADD_RULE_HINT = (
    "To teach kerasdoctor this error, write a rule file (see docs/writing-rules.md), "
    "put it in a directory, check it with `kerasdoctor rules check DIR` and pass `--rules DIR` "
    "(or list the directory under rules in [tool.kerasdoctor] of pyproject.toml)."
)


def use_color(stream: TextIO, choice: str = "auto") -> bool:
    """Colour on a terminal only, unless asked; NO_COLOR and FORCE_COLOR are honoured."""
    if choice == "always":
        return True
    if choice == "never" or os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def wrap(text: str, width: int) -> list[str]:
    """Greedy word wrap (importing textwrap compiles regexes: too slow for start-up)."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    if current:
        lines.append(current)
    return lines


def _wrap(label: str, text: str, indent: int = 10) -> list[str]:
    body = " ".join(str(text).split())
    if not body:
        return []
    lines = wrap(body, WIDTH - indent) or [""]
    pad = " " * indent
    return [f"  {label:<{indent - 2}}{lines[0]}", *(pad + line for line in lines[1:])]


def _code_block(code: str, indent: int = 6) -> list[str]:
    return [" " * indent + line for line in str(code).rstrip().splitlines()]


def _location_lines(record: ErrorRecord) -> list[str]:
    loc = record.location
    if loc is None:
        return []
    where = f"{loc.path}:{loc.line}" if loc.line else loc.path
    if loc.function:
        where += f" in {loc.function}"
    lines = [f"  {'at':<8}{where}"]
    if loc.code:
        lines.append(f"          {loc.code}")
    return lines


KIND_LABELS = {
    "wording": "matched on the message",
    "raise-site": "matched on the library code that raised it",
    "frames": "matched on the raising frames",
    "fuzzy": "near match of the message",
    "symptom": "matched on the described symptom",
}


def kind_label(match: Match) -> str:
    """How the match was made, in words: users weigh a symptom guess differently from an exact message."""
    if match.kind == "fuzzy":
        from kerasdoctor.explain.nearest import NOTE

        if NOTE in match.notes:
            return "a guess from similar words"  # the last resort: no message, site, frame or symptom fitted
    return KIND_LABELS.get(match.kind, match.kind)


def error_line(match: Match) -> str:
    """The line of the record that shows the error: its headline, or, for a pasted log whose matched wording sits on a
    later line (a warning between progress bars), that line: the log's first line says nothing of the error."""
    record = match.record
    headline = record.headline
    evidence = (match.evidence or "").strip().split("\n", 1)[0].strip()
    if match.kind != "wording" or not evidence or evidence in headline:
        return headline
    for line in (record.key_message or record.message).splitlines():
        if evidence in line:
            return f"{record.type}: {line.strip()}" if record.type else line.strip()
    return headline


def match_text(match: Match) -> str:
    """One diagnosis as plain text."""
    rule, docs = match.rule, match.rule.docs
    out = [f"{rule.id} {rule.name} · confidence {match.confidence:.2f} · {kind_label(match)}", rule.title, ""]
    out += _wrap("error", error_line(match))
    out += _location_lines(match.record)
    for note in match.notes:
        out += _wrap("note", note)
    out.append("")
    out += _wrap("what", docs.get("what", ""))
    out += _wrap("why", docs.get("why", ""))
    out += _wrap("fix", docs.get("fix", ""))
    example = docs.get("example") or {}
    if example.get("bad") and example.get("good"):
        out += ["", "  instead of:", *_code_block(example["bad"]), "  write:", *_code_block(example["good"])]
    refs = rule.references
    if refs:
        out.append("")
        out.append(f"  {'see':<8}{refs[0]}")
        out += [f"          {r}" for r in refs[1:]]
    return "\n".join(out)


def explanation_text(explanation: Explanation, top: int = 3) -> str:
    """The whole explain report as plain text."""
    if not explanation.matches:
        return no_match_text(explanation)
    best, others = explanation.matches[0], explanation.matches[1:top]
    parts = [match_text(best)]
    if others:
        parts.append("Also possible:\n" + "\n".join(f"  {m.rule.id} {m.rule.name} ({m.confidence:.2f}, {m.kind}): {m.rule.title}" for m in others))
    return "\n\n".join(parts) + "\n"


def no_match_text(explanation: Explanation) -> str:
    lines = ["kerasdoctor: no rule matched."]
    recognised = [r for r in explanation.errors if r.kind != "message"] or list(explanation.errors)
    for record in recognised[-3:]:
        headline = record.headline[:200] or "(empty message)"
        where = f" ({record.location.path}:{record.location.line})" if record.location and record.location.line else ""
        lines.append(f"  recognised {record.kind}: {headline}{where}")
    if not recognised:
        lines.append("  no error, warning or traceback was recognised in the input.")
    lines += ["  " + line for line in wrap(ADD_RULE_HINT, WIDTH - 2)]
    return "\n".join(lines) + "\n"


def explanation_json(explanation: Explanation) -> str:
    import json

    return json.dumps(explanation.to_dict(), indent=2, ensure_ascii=False) + "\n"


def print_explanation(explanation: Explanation, stream: TextIO, *, color: bool, top: int = 3) -> None:
    if not color or not explanation.matches:
        stream.write(explanation_text(explanation, top))
        return
    _print_rich(explanation, stream, top)


def _print_rich(explanation: Explanation, stream: TextIO, top: int) -> None:
    from rich.console import Console, Group
    from rich.panel import Panel
    from rich.syntax import Syntax
    from rich.text import Text

    console = Console(file=stream, force_terminal=True, width=min(100, _terminal_width()))
    best = explanation.matches[0]
    rule, docs = best.rule, best.rule.docs
    body: list[Any] = []
    body.append(Text.assemble(("error  ", "bold red"), error_line(best)))
    loc = best.record.location
    if loc is not None:
        where = f"{loc.path}:{loc.line}" if loc.line else loc.path
        body.append(Text.assemble(("at     ", "bold"), where + (f" in {loc.function}" if loc.function else "")))
        if loc.code:
            body.append(Text("       " + loc.code, style="dim"))
    for note in best.notes:
        body.append(Text.assemble(("note   ", "bold yellow"), note))
    for label, key in (("what", "what"), ("why", "why"), ("fix", "fix")):
        if docs.get(key):
            body.append(Text(""))
            body.append(Text.assemble((f"{label}  ", "bold cyan"), " ".join(str(docs[key]).split())))
    example = docs.get("example") or {}
    if example.get("bad") and example.get("good"):
        body.append(Text("\ninstead of:", style="bold red"))
        body.append(Syntax(example["bad"].rstrip(), "python", theme="ansi_dark", background_color="default"))
        body.append(Text("write:", style="bold green"))
        body.append(Syntax(example["good"].rstrip(), "python", theme="ansi_dark", background_color="default"))
    if rule.references:
        body.append(Text(""))
        for ref in rule.references:
            body.append(Text.assemble(("see  ", "bold"), (ref, f"link {ref}")))
    title = f"[bold]{rule.id}[/] {rule.name} · confidence {best.confidence:.2f} · {kind_label(best)}"
    console.print(Panel(Group(*body), title=title, subtitle=rule.title, title_align="left", border_style="red"))
    others = explanation.matches[1:top]
    if others:
        console.print("[bold]Also possible:[/]")
        for m in others:
            console.print(f"  [bold]{m.rule.id}[/] {m.rule.name} ({m.confidence:.2f}, {m.kind}): {m.rule.title}")


def _terminal_width() -> int:
    try:
        return os.get_terminal_size(sys.stdout.fileno()).columns
    except (OSError, ValueError, AttributeError):
        return 100


def rules_table_text(rules: list[Rule]) -> str:
    width_name = max((len(r.name) for r in rules), default=4)
    lines = [f"{'ID':<6} {'NAME':<{width_name}} {'SEVERITY':<8} {'CATEGORY':<9} {'LINT':<4} TITLE"]
    for r in rules:
        lint = "yes" if r.lint else "-"
        lines.append(f"{r.id:<6} {r.name:<{width_name}} {r.severity:<8} {r.category:<9} {lint:<4} {r.title}")
    lines.append(f"\n{len(rules)} rules")
    return "\n".join(lines) + "\n"


def rules_json(rules: list[Rule]) -> str:
    import json

    data = [
        {
            "id": r.id,
            "name": r.name,
            "title": r.title,
            "severity": r.severity,
            "category": r.category,
            "applies_to": dict(r.applies_to),
            "lint": bool(r.lint),
            "wordings": len(r.errors),
            "path": r.path,
        }
        for r in rules
    ]
    return json.dumps({"rules": data}, indent=2) + "\n"


def rule_text(rule: Rule) -> str:
    """The full documentation of one rule: what, why, fix, example, wordings, references."""
    docs = rule.docs
    out = [f"{rule.id} {rule.name}", rule.title, f"severity: {rule.severity}   category: {rule.category}"]
    if rule.applies_to:
        out.append("applies to: " + ", ".join(f"{k} {v}" for k, v in rule.applies_to.items()))
    out.append("")
    for label, key in (("What", "what"), ("Why", "why"), ("Fix", "fix")):
        out.append(f"{label}:")
        out += ["  " + line for line in wrap(str(docs.get(key, "")), WIDTH - 2)]
        out.append("")
    example = docs.get("example") or {}
    if example:
        out += ["Example (bad):", *_code_block(example.get("bad", ""), 2), "", "Example (good):", *_code_block(example.get("good", ""), 2), ""]
    if rule.errors:
        out.append("Error messages it explains:")
        for p in rule.errors:
            types = "/".join(p.types) or p.kind or "any"
            out.append(f"  [{types}] {p.pattern}    ({p.versions})")
        out.append("")
    if rule.frames:
        out.append("Raised through: " + ", ".join(rule.frames))
        out.append("")
    if rule.symptoms:
        out.append("Symptoms described as:")
        for language, phrases in rule.symptoms.items():
            out.append(f"  [{language}] " + "; ".join(phrases))
        out.append("")
    if rule.lint:
        out.append("Lint: " + ", ".join(f"{k}={v}" for k, v in rule.lint.items()))
        out.append("")
    if rule.references:
        out.append("References:")
        out += [f"  {r}" for r in rule.references]
    return "\n".join(out).rstrip() + "\n"


def rules_markdown(rules: list[Rule]) -> str:
    """The rule reference (docs/rules.md), generated from the YAML; a test fails when the file is stale."""
    out = [
        "<!-- generated by `kerasdoctor rules --format markdown`; do not edit by hand -->",
        "# Rule reference",
        "",
        f"{len(rules)} rules. Each is one file in `rules/`; see docs/writing-rules.md to add one.",
        "",
        "| ID | Name | Severity | Category | Lint | Title |",
        "|---|---|---|---|---|---|",
    ]
    out += [f"| [{r.id}](#{r.id.lower()}) | `{r.name}` | {r.severity} | {r.category} | {'yes' if r.lint else ''} | {r.title} |" for r in rules]
    for r in rules:
        docs = r.docs
        out += ["", f"## {r.id}", "", f"**`{r.name}`**: {r.title}", ""]
        if r.applies_to:
            out += ["Applies to: " + ", ".join(f"{k} `{v}`" for k, v in r.applies_to.items()), ""]
        for label, key in (("What", "what"), ("Why", "why"), ("Fix", "fix")):
            out += [f"**{label}.** " + " ".join(str(docs.get(key, "")).split()), ""]
        example = docs.get("example") or {}
        out += ["```python", "# bad", example.get("bad", "").rstrip(), "", "# good", example.get("good", "").rstrip(), "```", ""]
        if r.errors:
            out.append("Messages:")
            out.append("")
            for p in r.errors:
                kind = "/".join(p.types) or p.kind or "any"
                out.append(f"- `{p.pattern}` ({kind}; {p.versions})".replace("|", "\\|"))
            out.append("")
        out.append("References: " + ", ".join(f"<{ref}>" for ref in r.references))
    return "\n".join(out).rstrip() + "\n"

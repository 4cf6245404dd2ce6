"""The schema of a rule's ``lint:`` section (the core's rule validator delegates here)."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import Any

KINDS = ("check", "calls", "methods", "imports", "syntax_errors")
KEYS = (*KINDS, "keyword_present", "keyword_absent", "message", "messages", "fix", "targets")
FIX_KEYS = ("rename_keyword", "remove_keyword", "rename_method", "replace_module", "max_positional", "keywords", "names")


def _string_list(value: Any) -> bool:
    return isinstance(value, str) or (isinstance(value, list) and bool(value) and all(isinstance(v, str) and v for v in value))


def validate_lint_section(section: Any) -> Iterator[str]:
    """One line per problem; nothing when the section is valid."""
    if not isinstance(section, dict):
        yield "must be a mapping"
        return
    for key in section:
        if key not in KEYS:
            yield f"unknown key {key!r} (allowed: {', '.join(KEYS)})"
    kinds = [k for k in KINDS if k in section]
    if len(kinds) != 1:
        yield f"needs exactly one of {', '.join(KINDS)} (got {', '.join(kinds) or 'none'})"
    if "check" in section:
        check = section["check"]
        if not (isinstance(check, str) and check.isidentifier() and not check.startswith("_")):
            yield f"check: {check!r} must be the name of a module in kerasdoctor/lint/checks/"
        else:
            import importlib.util

            try:
                found = importlib.util.find_spec(f"kerasdoctor.lint.checks.{check}") is not None
            except (ImportError, ValueError):
                found = False
            if not found:
                yield f"check: no module kerasdoctor/lint/checks/{check}.py"
    for key in ("calls", "methods", "imports", "keyword_present", "keyword_absent", "syntax_errors"):
        if key in section and not _string_list(section[key]):
            yield f"{key}: must be a name or a non-empty list of names"
    if ("keyword_present" in section or "keyword_absent" in section) and not ("calls" in section or "methods" in section):
        yield "keyword_present/keyword_absent need calls or methods"
    if "targets" in section:
        from kerasdoctor.lint.target import TARGETS

        targets = section["targets"]
        targets = [targets] if isinstance(targets, str) else targets
        if not (isinstance(targets, list) and targets and all(t in TARGETS for t in targets)):
            yield f"targets: the Keras versions the rule concerns, a non-empty list of {', '.join(TARGETS)} (got {section['targets']!r})"
        elif len(set(targets)) != len(targets):
            yield "targets: each version once"
    if "message" in section and not isinstance(section["message"], str):
        yield "message: must be a string (a format template)"
    messages = section.get("messages")
    if messages is not None and not (isinstance(messages, dict) and all(isinstance(v, str) for v in messages.values())):
        yield "messages: must map keys to string templates"
    fix = section.get("fix")
    if fix is not None:
        if not isinstance(fix, dict):
            yield "fix: must be a mapping"
            return
        for key in fix:
            if key not in FIX_KEYS:
                yield f"fix: unknown key {key!r} (allowed: {', '.join(FIX_KEYS)})"
        actions = [k for k in ("rename_keyword", "remove_keyword", "rename_method", "replace_module") if k in fix]
        if len(actions) != 1:
            yield "fix: needs exactly one of rename_keyword, remove_keyword, rename_method, replace_module"
        if "remove_keyword" in fix and (fix["remove_keyword"] is not True or "keyword_present" not in section):
            yield "fix.remove_keyword: true, with keyword_present (the keywords to delete)"
        for key in ("rename_keyword", "rename_method"):
            value = fix.get(key)
            if value is not None and not (isinstance(value, str) or (isinstance(value, dict) and all(isinstance(v, str) for v in value.values()))):
                yield f"fix.{key}: a new name, or a mapping old name -> new name"
        if "names" in fix and not _string_list(fix["names"]):
            yield "fix.names: the imported names for which replace_module is safe"
        if "rename_keyword" in fix and "keyword_present" not in section:
            yield "fix.rename_keyword needs keyword_present"
        if "rename_method" in fix and "methods" not in section:
            yield "fix.rename_method needs methods"
        if "replace_module" in fix and "imports" not in section:
            yield "fix.replace_module needs imports"

"""Inline suppressions: ``# noqa``, ``# noqa: KD001, KD2``, ``# kerasdoctor: ignore[KD001]``, ``# kerasdoctor: ignore-file``."""

from __future__ import annotations

import re

_NOQA = re.compile(r"#\s*noqa(?::\s*(?P<codes>[A-Za-z0-9_,\s-]+))?", re.IGNORECASE)
_IGNORE = re.compile(r"#\s*kerasdoctor:\s*ignore(?:\[(?P<codes>[^\]]*)\])?(?P<file>-file)?")
ALL = frozenset({"*"})


def _codes(text: str | None) -> frozenset[str]:
    if not text:
        return ALL
    codes = frozenset(c.strip() for c in re.split(r"[,\s]+", text) if c.strip())
    return codes or ALL


def parse_suppressions(source: str) -> tuple[dict[int, frozenset[str]], frozenset[str]]:
    """(line -> codes suppressed on it, codes suppressed in the whole file); ``{"*"}`` means all."""
    lines: dict[int, frozenset[str]] = {}
    whole_file: set[str] = set()
    if "noqa" not in source and "kerasdoctor:" not in source:
        return lines, frozenset()
    for number, line in enumerate(source.splitlines(), 1):
        if "#" not in line:
            continue
        match = _IGNORE.search(line)
        if match is not None:
            codes = _codes(match.group("codes"))
            if match.group("file"):
                whole_file.update(codes)
            else:
                lines[number] = lines.get(number, frozenset()) | codes
            continue
        match = _NOQA.search(line)
        if match is not None:
            lines[number] = lines.get(number, frozenset()) | _codes(match.group("codes"))
    return lines, frozenset(whole_file)


def code_matches(code: str, rule_id: str, rule_name: str) -> bool:
    """``KD001``, a prefix such as ``KD0``/``KD``, or the rule name."""
    return code == "*" or code == rule_name or rule_id.startswith(code.upper())


def is_suppressed(codes: frozenset[str] | None, rule_id: str, rule_name: str) -> bool:
    return bool(codes) and any(code_matches(c, rule_id, rule_name) for c in codes)  # type: ignore[union-attr]

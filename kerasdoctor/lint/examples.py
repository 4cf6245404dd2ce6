"""A rule's lint examples are its tests: ``bad`` snippets flag exactly their ``# expect: KDnnn`` lines, ``good`` ones stay silent.

An example is linted for the target its ``# kerasdoctor: target=keras2`` comment
names (default: keras3, the newest). A ``bad`` example is also linted for every
target its rule's ``lint.targets`` leaves out, where it must stay silent: the
examples test the rule's targets too.
"""

from __future__ import annotations

import re

from kerasdoctor.lint.engine import CheckSet, lint_bytes
from kerasdoctor.lint.target import TARGETS, rule_targets

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator

    from kerasdoctor.types import Rule

_EXPECT = re.compile(r"#\s*expect:\s*(?P<ids>KD\d{3}(?:\s*,\s*KD\d{3})*)")
_TARGET = re.compile(r"#\s*kerasdoctor:\s*target\s*=\s*(?P<target>\w+)")
EXAMPLE_DEFAULT_TARGET = "keras3"


def example_target(code: str) -> str:
    """The target an example states with ``# kerasdoctor: target=...``, else keras3."""
    match = _TARGET.search(code)
    return match.group("target") if match else EXAMPLE_DEFAULT_TARGET


def expected_lines(code: str, rule_id: str) -> set[int]:
    lines = set()
    for number, line in enumerate(code.splitlines(), 1):
        match = _EXPECT.search(line)
        if match and rule_id in {i.strip() for i in match.group("ids").split(",")}:
            lines.add(number)
    return lines


def found_lines(code: str, rule: Rule, target: str | None = None) -> tuple[set[int], str | None]:
    diagnostics, error = lint_bytes(code.encode(), "example.py", CheckSet([rule], target or example_target(code)))
    return {d.line for d in diagnostics if d.id == rule.id}, error


def check_rule_lint_examples(rule: Rule) -> Iterator[str]:
    """One line per example that does not behave as it says."""
    if not rule.lint:
        if rule.examples.get("bad") or rule.examples.get("good"):
            yield f"{rule.path}: examples.bad/good given but the rule has no lint section"
        return
    for i, code in enumerate(rule.examples.get("bad") or []):
        expected = expected_lines(code, rule.id)
        if not expected:
            yield f"{rule.path}: examples.bad[{i}]: no `# expect: {rule.id}` marker"
            continue
        stated = example_target(code)
        if stated not in TARGETS:
            yield f"{rule.path}: examples.bad[{i}]: unknown target {stated!r} (one of {', '.join(TARGETS)})"
            continue
        if stated not in rule_targets(rule.lint):
            yield f"{rule.path}: examples.bad[{i}]: target {stated} is not one of the rule's targets {list(rule_targets(rule.lint))}"
            continue
        found, error = found_lines(code, rule)
        if error:
            yield f"{rule.path}: examples.bad[{i}]: {error}"
        elif found != expected:
            yield f"{rule.path}: examples.bad[{i}]: expected {rule.id} on line(s) {sorted(expected)}, found on {sorted(found) or 'none'}"
        for other in TARGETS:
            if other not in rule_targets(rule.lint):
                found, _ = found_lines(code, rule, other)
                if found:
                    yield f"{rule.path}: examples.bad[{i}]: the rule does not concern {other}, yet found on line(s) {sorted(found)} with that target"
    for i, code in enumerate(rule.examples.get("good") or []):
        found, error = found_lines(code, rule)
        if error:
            yield f"{rule.path}: examples.good[{i}]: {error}"
        elif found:
            yield f"{rule.path}: examples.good[{i}]: must stay silent, {rule.id} found on line(s) {sorted(found)}"

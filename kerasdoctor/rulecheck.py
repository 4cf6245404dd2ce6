"""``kerasdoctor rules check``: validate rule directories and run each rule's own examples.

A rule's examples are its tests: every real message under ``examples.errors``
must come out of ``explain`` with this rule on top, every ``examples.not_errors``
text must not, and (when the lint package is present) every ``examples.bad``
snippet must be flagged where it says ``# expect:`` and every ``examples.good``
snippet must stay silent.
"""

from __future__ import annotations

import os

from kerasdoctor.explain import explain_records
from kerasdoctor.explain.extract import extract_errors
from kerasdoctor.kb import SLOW_PATTERNS, RuleSet, builtin_rules_dir, load_rule_dir, load_rules, merge_vocabularies

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence
    from typing import TextIO

    from kerasdoctor.types import Rule


def error_example_failures(rule: Rule, ruleset: RuleSet) -> Iterator[str]:
    """One line per error example of ``rule`` that does not rank it as it should.

    Versions are left out (``versions={}``) so the verdict does not depend on
    what happens to be installed where the check runs; so is the last-resort guess
    from similar words: an example must be matched by the rule's own evidence.
    """
    for key, must_top in (("errors", True), ("not_errors", False)):
        for i, example in enumerate(rule.examples.get(key) or []):
            explanation = explain_records(extract_errors(example["text"]), rules=ruleset, versions={}, guess=False)
            top = explanation.matches[0] if explanation.matches else None
            on_top = top is not None and top.rule.id == rule.id
            if must_top and not on_top:
                got = f"{top.rule.id} {top.rule.name} ({top.confidence:.2f})" if top else "no match"
                yield f"{rule.path}: examples.{key}[{i}]: expected {rule.id} first, got {got}"
            elif not must_top and on_top:
                yield f"{rule.path}: examples.{key}[{i}]: {rule.id} must not come first for this text"


def wording_coverage_failures(rule: Rule) -> Iterator[str]:
    """Every wording a rule claims must be shown by at least one real message example."""
    texts = [e["text"] for e in rule.examples.get("errors") or []]
    # a message as extracted, too: an exception with an empty message shows its wording only there
    messages = [record.message for text in texts for record in extract_errors(text)]
    for i, pattern in enumerate(rule.errors):
        regex = pattern.compiled()
        if not any(regex.search(t) for t in texts) and not any(regex.search(m) for m in messages):
            yield f"{rule.path}: errors[{i}]: no example in examples.errors shows this wording ({pattern.pattern!r})"


def shared_family_failures(rule: Rule, ruleset: RuleSet) -> Iterator[str]:
    """A wording's ``shared_with`` names other families of the rules a user sees."""
    for i, pattern in enumerate(rule.errors):
        for name in pattern.shared_with:
            if name == rule.name or ruleset.get(name) is None:
                yield f"{rule.path}: errors[{i}].shared_with: {name!r} is not the name of another loaded rule"


def reference_failures(rule: Rule) -> Iterator[str]:
    """A reference is a public address a reader can open, not a local path or a note."""
    for i, reference in enumerate(rule.references):
        if not reference.startswith(("http://", "https://")):
            yield f"{rule.path}: docs.references[{i}]: {reference!r} is not an http(s) URL"


def lint_example_failures(rule: Rule) -> Iterator[str]:
    """Lint examples are checked by the lint package when it is installed."""
    if not (rule.examples.get("bad") or rule.examples.get("good")):
        return
    try:
        from kerasdoctor.lint.examples import check_rule_lint_examples
    except ImportError:
        return
    yield from check_rule_lint_examples(rule)


def _combined(directory: str, own: RuleSet) -> RuleSet:
    """The rules a user of ``directory`` would see: the built-in ones plus theirs."""
    if os.path.abspath(directory) == os.path.abspath(builtin_rules_dir()):
        return own
    builtin = load_rules()
    own_ids = {r.id for r in own.rules}
    vocabulary = merge_vocabularies((builtin.vocabulary, own.vocabulary))
    return RuleSet([*(r for r in builtin.rules if r.id not in own_ids), *own.rules], [], (*builtin.dirs, directory), vocabulary)


def check_rule_dirs(dirs: Sequence[str], out: TextIO) -> int:
    """Print every problem, one per line, then a summary; exit code 0 when clean, 1 otherwise."""
    problems: list[str] = []
    n_rules = n_examples = 0
    for directory in dirs or [builtin_rules_dir()]:
        own = load_rule_dir(directory)
        problems.extend(own.problems)
        ruleset = _combined(directory, own)
        for rule in own.rules:
            n_rules += 1
            n_examples += sum(len(rule.examples.get(k) or []) for k in ("errors", "not_errors", "bad", "good"))
            problems.extend(error_example_failures(rule, ruleset))
            problems.extend(wording_coverage_failures(rule))
            problems.extend(shared_family_failures(rule, ruleset))
            problems.extend(reference_failures(rule))
            problems.extend(lint_example_failures(rule))
    problems.extend(SLOW_PATTERNS.values())
    for problem in problems:
        out.write(problem + "\n")
    verdict = "ok" if not problems else f"{len(problems)} problem(s)"
    out.write(f"checked {n_rules} rules, {n_examples} examples: {verdict}\n")
    return 0 if not problems else 1

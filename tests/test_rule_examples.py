"""Every rule's own examples are its tests: generated here, no per-rule test code.

- each real message under ``examples.errors`` must come out of explain with its rule on top;
- each text under ``examples.not_errors`` must not;
- each wording (pattern) a rule declares must be shown by at least one of its real examples.
Lint examples (``examples.bad`` / ``examples.good``) are run by tests/test_lint_rule_examples.py.
"""

from __future__ import annotations

import pytest

from kerasdoctor.explain import explain_records
from kerasdoctor.explain.extract import extract_errors
from kerasdoctor.kb import load_rules
from kerasdoctor.rulecheck import wording_coverage_failures

RULESET = load_rules(use_cache=False)
ERROR_CASES = [
    pytest.param(rule, key, i, example["text"], id=f"{rule.id}-{key}-{i}")
    for rule in RULESET.rules
    for key in ("errors", "not_errors")
    for i, example in enumerate(rule.examples.get(key) or [])
]


@pytest.mark.parametrize(("rule", "key", "index", "text"), ERROR_CASES)
def test_error_example(rule, key, index, text):
    # versions={}: the verdict must not depend on what is installed where tests run;
    # guess=False: the rule's own evidence must do it, not the last-resort guess from similar words
    explanation = explain_records(extract_errors(text), rules=RULESET, versions={}, guess=False)
    top = explanation.matches[0] if explanation.matches else None
    ranking = [(m.rule.id, round(m.confidence, 3)) for m in explanation.matches[:4]]
    if key == "errors":
        assert top is not None and top.rule.id == rule.id, f"{rule.path} examples.errors[{index}]: ranking {ranking}"
    else:
        assert top is None or top.rule.id != rule.id, f"{rule.path} examples.not_errors[{index}]: ranking {ranking}"


@pytest.mark.parametrize("rule", RULESET.rules, ids=[r.id for r in RULESET.rules])
def test_every_wording_has_a_real_example(rule):
    assert list(wording_coverage_failures(rule)) == []

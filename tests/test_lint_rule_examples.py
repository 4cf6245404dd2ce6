"""Every rule's lint examples are its tests: adding a rule needs no new test code."""

from __future__ import annotations

import os

import pytest

from kerasdoctor.kb import load_rule_dir, load_rules
from kerasdoctor.lint.examples import check_rule_lint_examples, expected_lines
from kerasdoctor.lint.schema import validate_lint_section

RULES = load_rules(use_cache=False)
LINT_RULES = [r for r in RULES.rules if r.lint]
# the engine tests' declarative rules are checked the same way
TEST_RULES = load_rule_dir(os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "lint_rules"))
CHECKS_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "kerasdoctor", "lint", "checks")


def test_some_rules_lint() -> None:
    assert len(LINT_RULES) >= 2


def test_test_rules_load() -> None:
    assert TEST_RULES.problems == [] and len(TEST_RULES.rules) == 3


@pytest.mark.parametrize("rule", LINT_RULES + TEST_RULES.rules, ids=lambda r: f"{r.id}-{r.name}")
def test_rule_lint_examples(rule) -> None:
    assert list(validate_lint_section(rule.lint)) == []
    assert list(check_rule_lint_examples(rule)) == []


@pytest.mark.parametrize("rule", LINT_RULES, ids=lambda r: f"{r.id}-{r.name}")
def test_rule_has_three_bad_and_three_good_examples(rule) -> None:
    bad, good = rule.examples.get("bad") or [], rule.examples.get("good") or []
    assert len(bad) >= 3, f"{rule.path}: needs >= 3 bad examples"
    assert len(good) >= 3, f"{rule.path}: needs >= 3 good look-alikes"
    for code in bad:
        assert expected_lines(code, rule.id), f"{rule.path}: a bad example without `# expect: {rule.id}`"


def test_every_check_module_belongs_to_exactly_one_rule() -> None:
    modules = sorted(n[:-3] for n in os.listdir(CHECKS_DIR) if n.endswith(".py") and not n.startswith("_"))
    referenced = [r.lint.get("check") for r in LINT_RULES if r.lint.get("check")]
    for module in modules:
        assert referenced.count(module) == 1, f"check {module} is used by {referenced.count(module)} rules"
    assert sorted(set(referenced)) == sorted(set(referenced) & set(modules))


def test_a_wrong_expectation_is_reported(tmp_path) -> None:
    """The example runner itself can fail: a bad example flagged on another line, a good one that is not silent."""
    rule = RULES.get("activation-loss-mismatch")
    assert rule is not None
    from kerasdoctor.types import Rule

    fields = {name: getattr(rule, name) for name in Rule.__slots__}
    code = 'import keras\nm = keras.Sequential([keras.layers.Dense(1, activation="softmax")])\n'
    fields["examples"] = {"bad": [code.replace("\nm", "  # expect: KD501\nm")], "good": [code]}
    broken = Rule(**fields)
    problems = list(check_rule_lint_examples(broken))
    assert any("bad[0]: expected KD501 on line(s) [1], found on [2]" in p for p in problems)
    assert any("good[0]: must stay silent" in p for p in problems)


def test_examples_check_the_rule_targets() -> None:
    """A bad example runs for its stated target, and must be silent for the targets the rule leaves out."""
    rule = RULES.get("optimizer-lr-argument")
    assert rule is not None and rule.lint.get("targets") == ["keras3"]
    from kerasdoctor.types import Rule

    fields = {name: getattr(rule, name) for name in Rule.__slots__}
    bad = "import keras\nopt = keras.optimizers.Adam(lr=0.1)  # expect: KD223\n"
    fields["examples"] = {
        "bad": ["# kerasdoctor: target=keras2\n" + bad, bad.replace("import keras", "# kerasdoctor: target=keras4\nimport keras")],
        "good": [],
    }
    problems = list(check_rule_lint_examples(Rule(**fields)))
    assert any("bad[0]: target keras2 is not one of the rule's targets ['keras3']" in p for p in problems)
    assert any("bad[1]: unknown target 'keras4'" in p for p in problems)
    # a rule whose check ignored its targets would be caught: the same code linted for keras2 by hand
    fields["lint"] = {**rule.lint, "targets": ["keras2", "keras3"]}
    fields["examples"] = {"bad": [bad], "good": []}
    assert list(check_rule_lint_examples(Rule(**fields))) == []


@pytest.mark.parametrize(
    ("targets", "ok"),
    [(["keras3"], True), ("tf1", True), (["keras2", "keras3"], True), ([], False), (["keras4"], False), (["keras3", "keras3"], False), (3, False)],
)
def test_targets_key_is_validated(targets, ok) -> None:
    problems = list(validate_lint_section({"calls": ["keras.optimizers.*"], "targets": targets}))
    assert (problems == []) is ok, problems

"""A user's rule directory can hold anything: each bad rule costs only itself, in one line, in bounded time."""

from __future__ import annotations

import copy
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import SAMPLE_RULES, run_cli
from strategies import USER_RULE_ID

from kerasdoctor import kb
from kerasdoctor.explain import explain
from kerasdoctor.lint.base import format_message
from kerasdoctor.types import Rule

SAMPLE = yaml.safe_load((SAMPLE_RULES / "KD990-sample-marshal.yaml").read_text())
MESSAGE = "ValueError: bad marshal data (unknown type code)"


def user_rule(**changes: Any) -> dict[str, Any]:
    rule = copy.deepcopy(SAMPLE)
    rule.update(id=USER_RULE_ID, name="user-rule")
    for dotted, value in changes.items():
        target = rule
        *parents, last = dotted.split("__")
        for part in parents:
            target = target[int(part)] if isinstance(target, list) else target[part]
        target[last] = value
    return rule


def write_rule(directory: Path, rule: dict[str, Any] | str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{USER_RULE_ID}-user-rule.yaml"
    path.write_text(rule if isinstance(rule, str) else yaml.safe_dump(rule))
    return path


BAD_RULES = {
    "where-int": (user_rule(errors__0__where={"raised_in": 5}), "errors[0].where.raised_in: must be a name or a list of names"),
    "where-mapping": (user_rule(errors__0__where={"frame_function": {"a": 1}}), "errors[0].where.frame_function"),
    "confidence-bool": (user_rule(errors__0__confidence=True), "errors[0].confidence"),
    "involves-unhashable": (user_rule(errors__0__involves=[["keras"]]), "errors[0].involves"),
    "notes-int": (user_rule(docs__notes=7), "docs.notes"),
    "nested-groups": (user_rule(errors__0__pattern="(" * 2000 + "a" + ")" * 2000), "errors[0].pattern: groups nested deeper than"),
    "five-thousand-groups": (user_rule(errors__0__pattern="(" * 5000 + "a" + ")" * 5000), "errors[0].pattern: longer than"),
    "huge-repeat": (user_rule(errors__0__pattern="a{4294967296}"), "errors[0].pattern: bad regex"),
    "large-repeat": (user_rule(errors__0__pattern="ba{2,100000}d"), "errors[0].pattern: a repeat count of 100000"),
    "date-value": (f"id: {USER_RULE_ID}\nname: user-rule\nwhen: 2024-01-01\n", "a date value is not allowed"),
    "int-key": (f"id: {USER_RULE_ID}\nname: user-rule\n1: one\n", "key 1 must be text"),
}


@pytest.mark.parametrize("case", list(BAD_RULES))
def test_a_bad_user_rule_costs_only_itself_with_one_line_naming_file_and_field(tmp_path: Path, case: str) -> None:
    rule, expected = BAD_RULES[case]
    path = write_rule(tmp_path / "rules", rule)
    ruleset = kb.load_rules([str(tmp_path / "rules")], use_cache=False)
    (problem,) = [p for p in ruleset.problems if str(path) in p]
    assert problem.startswith(f"{path}: ") and expected in problem and "\n" not in problem
    assert ruleset.get("KD503") is not None and ruleset.get(USER_RULE_ID) is None
    explanation = explain(MESSAGE, rules=ruleset)
    assert explanation.best is not None and explanation.best.id == "KD503"


def test_bad_user_rule_through_the_cli_explain_rules_and_check(tmp_path: Path) -> None:
    write_rule(tmp_path / "rules", user_rule(errors__0__where={"raised_in": 5}))
    rules = ["--rules", str(tmp_path / "rules")]
    proc = run_cli("explain", *rules, MESSAGE)
    assert proc.returncode == 0 and "KD503" in proc.stdout and "Traceback" not in proc.stderr
    assert "errors[0].where.raised_in" in proc.stderr
    assert run_cli("rules", *rules).returncode == 0
    check = run_cli("rules", "check", str(tmp_path / "rules"))
    assert check.returncode == 1 and "errors[0].where.raised_in" in check.stdout and "Traceback" not in check.stderr


BACKTRACKING = "(a|aa)+$"


def test_a_backtracking_user_pattern_times_out_instead_of_hanging(tmp_path: Path) -> None:
    rule = user_rule(errors__0__pattern=BACKTRACKING)
    rule["errors"][0].pop("type")
    write_rule(tmp_path / "rules", rule)
    ruleset = kb.load_rules([str(tmp_path / "rules")], use_cache=False)
    assert not [p for p in ruleset.problems if USER_RULE_ID in p]
    start = time.process_time()  # CPU time: a hang spends it, a busy machine's other processes do not
    explanation = explain("a" * 40 + "!", rules=ruleset)
    assert time.process_time() - start < 5
    assert not explanation.matches
    assert any(problem.startswith(f"{tmp_path / 'rules'}") and "gave up after" in problem for problem in kb.SLOW_PATTERNS.values())
    # the same pattern still matches what it matches quickly
    kb.SLOW_PATTERNS.clear()
    assert explain("aaaa", rules=ruleset).best.id == USER_RULE_ID


def test_a_backtracking_user_pattern_stays_time_limited_when_read_as_a_retyped_title(tmp_path: Path) -> None:
    # the title form leaves out "the": only the wording with its small words made optional fits the text
    rule = user_rule(errors__0__pattern="cannot restore the optimizer slot variables " + BACKTRACKING)
    rule["errors"][0].pop("type")
    write_rule(tmp_path / "rules", rule)
    ruleset = kb.load_rules([str(tmp_path / "rules")], use_cache=False)
    kb.SLOW_PATTERNS.clear()
    start = time.process_time()  # CPU time: a hang spends it, a busy machine's other processes do not
    explain("cannot restore optimizer slot variables " + "a" * 40 + "!", rules=ruleset)
    assert time.process_time() - start < 5
    assert any(problem.startswith(f"{tmp_path / 'rules'}") and "gave up after" in problem for problem in kb.SLOW_PATTERNS.values())
    kb.SLOW_PATTERNS.clear()


def test_rules_check_on_a_backtracking_pattern_ends_with_a_problem(tmp_path: Path) -> None:
    rule = user_rule(errors__0__pattern=BACKTRACKING)
    rule["examples"]["errors"].append({"text": "a" * 40 + "!", "source": "made up for the test"})
    write_rule(tmp_path / "rules", rule)
    proc = run_cli("rules", "check", str(tmp_path / "rules"))
    assert proc.returncode == 1
    assert "errors[0].pattern: gave up after" in proc.stdout


def test_builtin_patterns_stay_on_the_standard_engine() -> None:
    ruleset = kb.load_rules()
    pattern = ruleset.get("KD503").errors[0]
    assert type(pattern.compiled()).__module__ == "re"


ALIAS_BOMB = f"""\
id: {USER_RULE_ID}
name: user-rule
lint:
  calls: [keras.layers.Dense]
  fix:
    keywords: &i [&h [&g [&f [&e [&d [&c [&b [&a [x,x,x,x,x,x,x,x,x],*a,*a,*a,*a,*a,*a,*a,*a],*b,*b,*b,*b,*b,*b,*b,*b],
      *c,*c,*c,*c,*c,*c,*c,*c],*d,*d,*d,*d,*d,*d,*d,*d],*e,*e,*e,*e,*e,*e,*e,*e],*f,*f,*f,*f,*f,*f,*f,*f],*g,*g,*g,*g,*g,*g,*g,*g],
      *h,*h,*h,*h,*h,*h,*h,*h]
"""


def test_yaml_alias_bomb_and_oversized_files_are_refused_quickly(tmp_path: Path) -> None:
    path = write_rule(tmp_path / "bomb", ALIAS_BOMB)
    start = time.process_time()  # CPU time: a hang spends it, a busy machine's other processes do not
    ruleset = kb.load_rules([str(tmp_path / "bomb")], use_cache=False)
    assert time.process_time() - start < 5
    assert f"{path}: more than {kb.MAX_RULE_VALUES} values once aliases are expanded" in ruleset.problems
    big = write_rule(tmp_path / "big", f"id: {USER_RULE_ID}\nnotes: |\n" + "  x\n" * 600_000)
    assert any(p.startswith(f"{big}: larger than") for p in kb.load_rules([str(tmp_path / "big")], use_cache=False).problems)
    check = run_cli("rules", "check", str(tmp_path / "bomb"))
    assert check.returncode == 1 and "aliases" in check.stdout


def lint_rule(message: str) -> Rule:
    return Rule(id=USER_RULE_ID, name="user-rule", title="the title", severity="warning", category="python", docs={}, errors=(), lint={"message": message})


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("call of {name} here", "call of Dense here"),
        ("{name:>200000000}", "{name:>200000000}"),
        ("{name.__class__.__mro__}", "{name.__class__.__mro__}"),
        ("{name!r} and {0}", "{name!r} and {0}"),
        ("braces {{kept}} for {name}", "braces {kept} for Dense"),
        ("{unknown} field", "the title"),
    ],
)
def test_lint_message_placeholders_are_substituted_never_formatted(template: str, expected: str) -> None:
    assert format_message(lint_rule(template), {"name": "Dense"}) == expected

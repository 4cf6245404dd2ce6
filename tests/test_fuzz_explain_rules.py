"""Property-based: every input gives an Explanation or a one-line problem, never an exception or a hang."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from strategies import USER_RULE_ID, deep_traceback, error_bytes, error_text, malformed_rules, odd_exceptions, odd_yaml

from kerasdoctor import kb, render
from kerasdoctor.explain import explain, explain_file
from kerasdoctor.explain.extract import MAX_FRAMES
from kerasdoctor.types import Explanation

BOUNDED = settings(max_examples=40, deadline=3000, suppress_health_check=[HealthCheck.too_slow], derandomize=True, database=None)
RULES = kb.load_rules()


def assert_well_formed(explanation: Explanation) -> None:
    assert isinstance(explanation, Explanation)
    json.dumps(explanation.to_dict(), ensure_ascii=False).encode("utf-8")  # strict: no lone surrogates
    render.explanation_text(explanation, 3)
    for record in explanation.errors:
        assert len(record.frames) <= MAX_FRAMES


@BOUNDED
@given(error_text)
def test_any_text_is_explained(text: str) -> None:
    explanation = explain(text, rules=RULES, versions={})
    assert isinstance(explanation, Explanation)
    json.dumps(explanation.to_dict())
    for record in explanation.errors:
        assert len(record.frames) <= MAX_FRAMES


@BOUNDED
@given(error_bytes)
def test_any_bytes_in_a_log_file_are_explained(data: bytes) -> None:
    with tempfile.NamedTemporaryFile(suffix=".log", delete=False) as handle:
        handle.write(data)
    try:
        assert_well_formed(explain_file(handle.name, rules=RULES, versions={}))
    finally:
        os.unlink(handle.name)


@settings(max_examples=15, deadline=5000, derandomize=True, database=None)
@given(deep_traceback)
def test_deep_tracebacks_keep_bounded_frames(text: str) -> None:
    explanation = explain(text, rules=RULES, versions={})
    assert explanation.best is not None and explanation.best.id == "KD503"
    assert len(explanation.errors[-1].frames) <= MAX_FRAMES


@BOUNDED
@given(odd_exceptions)
def test_any_exception_is_explained(exc: BaseException) -> None:
    explanation = explain(exc, rules=RULES, versions={})
    assert explanation.errors and explanation.errors[-1].type == type(exc).__name__
    json.dumps(explanation.to_dict())


def load_one(text: str) -> tuple[kb.RuleSet, Path]:
    directory = Path(tempfile.mkdtemp())
    path = directory / f"{USER_RULE_ID}-fuzzed-rule.yaml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    # the user's directory loaded as load_rules does, beside the built-in rules parsed once
    own = kb.load_rule_dir(str(directory))
    return kb.RuleSet([*RULES.rules, *own.rules], own.problems, (*RULES.dirs, str(directory))), path


def assert_costs_only_itself(ruleset: kb.RuleSet, path: Path) -> None:
    own = [p for p in ruleset.problems if str(path) in p]
    for problem in own:
        assert problem.startswith(f"{path}") and "\n" not in problem
    assert ruleset.get("KD503") is not None, "a bad user rule took the built-in rules down"
    if own:
        assert ruleset.get(USER_RULE_ID) is None
    explanation = explain("ValueError: bad marshal data (unknown type code)", rules=ruleset, versions={})
    assert explanation.matches
    render.rules_table_text(ruleset.rules)
    render.rules_json(ruleset.rules)
    for rule in ruleset.rules:
        render.rule_text(rule)


@BOUNDED
@given(malformed_rules)
def test_malformed_rule_costs_only_itself(rule: dict[str, Any]) -> None:
    text = yaml.safe_dump(rule, allow_unicode=True)
    ruleset, path = load_one(text)
    assert_costs_only_itself(ruleset, path)
    kb.SLOW_PATTERNS.clear()


@BOUNDED
@given(odd_yaml)
def test_odd_yaml_costs_only_itself(text: str) -> None:
    ruleset, path = load_one(text)
    assert_costs_only_itself(ruleset, path)

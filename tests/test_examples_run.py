"""Real backends: every rule's ``docs.example`` pair runs as a user would paste it.

A rule says how under ``docs.example.runs`` (schema in kerasdoctor/kb.py):
    stack: k3 | k2 | jax (or a list)  k3 = TF 2.21 + Keras 3; k2 = tf-keras (TF_USE_LEGACY_KERAS=1);
                                      jax = Keras 3 on JAX
    setup: code run first            imports, toy data, the files the snippet opens
    expect: error | output | symptom  the bad code raises / prints (warning, log, `loss: nan`) /
                                      shows a silent symptom that `symptom:` code asserts
    check: code run after `good`      asserts what the fix claims (e.g. predictions kept)
    fresh: true                       the example changes process-wide state: own interpreter
or ``skip: <why it cannot run here>`` (GPU, TF 1.x, shell command, ...).

The bad code must fail or print, and ``explain`` must rank the rule first for what it
printed; the good code must run without that diagnosis. All examples of one stack run in ONE
interpreter (tests/example_runner.py): each in its own namespace and directory, with a
per-example time limit.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT

from kerasdoctor import explain
from kerasdoctor.kb import load_rules

pytestmark = pytest.mark.realtf
RUNNER = ROOT / "tests" / "example_runner.py"
PER_EXAMPLE_TIMEOUT = 90
RULES = load_rules(use_cache=False).rules


def _runs(rule: Any) -> dict[str, Any]:
    return dict((rule.docs.get("example") or {}).get("runs") or {})


def _stacks(runs: dict[str, Any]) -> list[str]:
    stack = runs.get("stack") or []
    return [stack] if isinstance(stack, str) else list(stack)


RUNNABLE = [(rule, stack) for rule in RULES for stack in _stacks(_runs(rule)) if "skip" not in _runs(rule)]


def _case(rule: Any, part: str) -> dict[str, Any]:
    example, runs = rule.docs["example"], _runs(rule)
    extra = runs.get("check") if part == "good" else runs.get("symptom")
    code = example[part] + ("\n" + extra if extra else "")
    return {"id": rule.id, "part": part, "setup": runs.get("setup", ""), "code": code}


def _run_batch(stack: str, cases: list[dict[str, Any]], workdir: Path) -> dict[tuple[str, str], dict[str, Any]]:
    workdir.mkdir(parents=True, exist_ok=True)
    spec, results = workdir / "cases.json", workdir / "results.jsonl"
    spec.write_text(json.dumps({"stack": stack, "timeout": PER_EXAMPLE_TIMEOUT, "cases": cases}))
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", CUDA_VISIBLE_DEVICES="", PYTHONUNBUFFERED="1")
    env.pop("TF_USE_LEGACY_KERAS", None)
    env["KERAS_BACKEND"] = "jax" if stack == "jax" else "tensorflow"
    if stack == "k2":
        env["TF_USE_LEGACY_KERAS"] = "1"
    run = subprocess.run(
        [sys.executable, str(RUNNER), str(spec), str(results)],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        timeout=PER_EXAMPLE_TIMEOUT * len(cases) + 60,
    )
    outcomes = {}
    if results.exists():
        for line in results.read_text().splitlines():
            row = json.loads(line)
            outcomes[row["id"], row["part"]] = row
    if run.returncode != 0:
        for case in cases:
            outcomes.setdefault((case["id"], case["part"]), {"crashed": run.stderr[-3000:]})
    return outcomes


class Outcomes:
    """Each stack's examples run once, when a test of that stack first asks (its tests share one worker)."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.found: dict[tuple[str, str, str], dict[str, Any]] = {}
        self.done: set[str] = set()

    def __getitem__(self, key: tuple[str, str, str]) -> dict[str, Any]:
        stack = key[1]
        if stack not in self.done:
            self.done.add(stack)
            batches: dict[str, list[dict[str, Any]]] = {}
            for rule, rule_stack in RUNNABLE:
                if rule_stack == stack:
                    batch = f"{stack}-{rule.id}" if _runs(rule).get("fresh") else stack
                    batches.setdefault(batch, []).extend([_case(rule, "bad"), _case(rule, "good")])
            for batch, cases in batches.items():
                for (rule_id, part), row in _run_batch(stack, cases, self.workdir / batch).items():
                    self.found[rule_id, stack, part] = row
        return self.found[key]


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> Outcomes:
    pytest.importorskip("tensorflow")
    return Outcomes(tmp_path_factory.mktemp("examples"))


def _diagnosed(row: dict[str, Any]) -> list[str]:
    return [m.rule.id for m in explain(row["printed"] + "\n" + row["error"]).matches]


@pytest.mark.parametrize(("rule", "stack"), [pytest.param(r, s, id=f"{r.id}-{s}", marks=pytest.mark.xdist_group(f"examples-{s}")) for r, s in RUNNABLE])
def test_bad_example_shows_the_family_and_good_example_runs(rule: Any, stack: str, outcomes: Outcomes):
    bad, good = outcomes[rule.id, stack, "bad"], outcomes[rule.id, stack, "good"]
    assert "crashed" not in bad, bad.get("crashed")
    assert not bad["setup_error"], f"{rule.id} setup failed on {stack}:\n{bad['setup_error'][-2500:]}"
    expect = _runs(rule)["expect"]
    if expect == "symptom":
        # a silent family: nothing is printed to explain; the symptom's own assertion must hold
        assert not bad["error"], f"{rule.id} bad example on {stack} did not show its symptom:\n{bad['error'][-1500:]}"
    else:
        if expect == "error":
            assert bad["error"], f"{rule.id} bad example did not raise on {stack}:\n{bad['printed'][-1500:]}"
        ranking = _diagnosed(bad)
        shown = bad["error"][-1500:] or bad["printed"][-1500:]
        # a lint-only rule (no `errors:` wordings) cannot be named by explain; its code must still fail
        named = ranking[:1] == [rule.id] or (not rule.errors and expect == "error")
        assert named, f"{rule.id} bad example on {stack}: explain ranked {ranking[:3]}\n{shown}"
    assert "crashed" not in good, good.get("crashed")
    assert not good["error"], f"{rule.id} good example failed on {stack}:\n{good['error'][-2500:]}"
    assert rule.id not in _diagnosed(good), f"{rule.id} good example on {stack} still shows the symptom:\n{good['printed'][-1500:]}"

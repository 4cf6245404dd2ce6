"""Real backends: every rule's ``docs.example`` pair runs as a user would paste it.

A rule says how under ``docs.example.runs`` (schema in kerasdoctor/kb.py):
    stack: k3 | k2 | jax (or a list)  k3 = TF 2.21 + Keras 3; k2 = tf-keras (TF_USE_LEGACY_KERAS=1);
                                      jax = Keras 3 on JAX
    setup: code run first            imports, toy data, the files the snippet opens
    expect: error | output | symptom  the bad code raises / prints (warning, log, `loss: nan`) /
                                      shows a silent symptom that `symptom:` code asserts
    check: code run after `good`      asserts what the fix claims (e.g. predictions kept)
    long: why it takes tens of seconds   then it runs only with ``pytest --run-long``
or ``skip: <why it cannot run here>`` (GPU, TF 1.x, shell command, ...).

The bad code must fail or print, and ``explain`` must rank the rule first for what it
printed; the good code must run without that diagnosis. Each stack's examples run
from one interpreter that imported its libraries (tests/forkserver.py): each example forked
from it, in its own directory, with a per-example time limit (tests/example_runner.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from forkserver import ForkServers

from kerasdoctor import explain
from kerasdoctor.explain.nearest import NOTE as NEAREST_NOTE
from kerasdoctor.kb import load_rules

pytestmark = pytest.mark.realtf
PER_EXAMPLE_TIMEOUT = 90
RULES = load_rules(use_cache=False).rules


def _runs(rule: Any) -> dict[str, Any]:
    return dict((rule.docs.get("example") or {}).get("runs") or {})


def _stacks(runs: dict[str, Any]) -> list[str]:
    stack = runs.get("stack") or []
    return [stack] if isinstance(stack, str) else list(stack)


# stack-major: a test worker goes through one stack's examples with one fork server
RUNNABLE = [(rule, stack) for stack in ("k3", "k2", "jax") for rule in RULES if stack in _stacks(_runs(rule)) and "skip" not in _runs(rule)]


def _case(rule: Any, part: str) -> dict[str, Any]:
    example, runs = rule.docs["example"], _runs(rule)
    extra = runs.get("check") if part == "good" else runs.get("symptom")
    code = example[part] + ("\n" + extra if extra else "")
    return {"id": rule.id, "part": part, "setup": runs.get("setup", ""), "code": code}


@pytest.fixture(scope="module")
def fork_servers() -> Iterator[ForkServers]:
    pytest.importorskip("tensorflow")
    servers = ForkServers()
    yield servers
    servers.close()


def _outcome(servers: ForkServers, rule: Any, stack: str, part: str, workdir: Path) -> dict[str, Any]:
    return servers.ask(stack, {"example": _case(rule, part), "timeout": PER_EXAMPLE_TIMEOUT, "cwd": str(workdir)})


def _diagnosed(row: dict[str, Any]) -> list[str]:
    # the last resort's guess from similar words is no diagnosis: a good example's own log ("Using 8 files for
    # training") shares its family's words
    return [m.rule.id for m in explain(row["printed"] + "\n" + row["error"]).matches if NEAREST_NOTE not in m.notes]


@pytest.mark.parametrize(("rule", "stack"), [pytest.param(r, s, id=f"{r.id}-{s}", marks=[pytest.mark.long] if "long" in _runs(r) else []) for r, s in RUNNABLE])
def test_bad_example_shows_the_family_and_good_example_runs(rule: Any, stack: str, fork_servers: ForkServers, tmp_path: Path):
    bad = _outcome(fork_servers, rule, stack, "bad", tmp_path)
    good = _outcome(fork_servers, rule, stack, "good", tmp_path)
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

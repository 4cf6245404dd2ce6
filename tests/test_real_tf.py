"""Real TensorFlow: every fixtures/repro script raises its family's error for real, per stack.

Each script's header says which rule must explain it and on which stacks it raises:
    # expect: KD503
    # stacks: k3 k2 jax    (k3 = TF 2.21 + Keras 3; k2 = the same with TF_USE_LEGACY_KERAS=1, i.e. tf-keras;
                           jax = Keras 3 with KERAS_BACKEND=jax)
    # kind: log            (optional, or `warning`: the family prints a log line, a warning or
                           `loss: nan` and exits 0)
The script runs as a user would run it; what the terminal showed (stderr + stdout) goes
to `python -m kerasdoctor explain --format json` on stdin, and the expected rule must come first.
Adding a family needs only a script, no test code.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

pytestmark = pytest.mark.realtf
REPRO = ROOT / "fixtures" / "repro"


def header(path: Path) -> dict[str, str]:
    fields = {}
    for line in path.read_text().splitlines():
        if not line.startswith("# "):
            break
        key, _, value = line[2:].partition(":")
        fields[key.strip()] = value.strip()
    return fields


CASES = [pytest.param(path, stack, id=f"{path.stem}-{stack}") for path in sorted(REPRO.glob("KD*.py")) for stack in header(path).get("stacks", "").split()]


@pytest.mark.parametrize(("script", "stack"), CASES)
def test_real_error_is_explained_by_its_rule(script: Path, stack: str, tmp_path: Path):
    pytest.importorskip("jax" if stack == "jax" else "tensorflow")
    if stack == "k2":
        pytest.importorskip("tf_keras")
    fields = header(script)
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", PYTHONUNBUFFERED="1", CUDA_VISIBLE_DEVICES="")
    env.pop("TF_USE_LEGACY_KERAS", None)
    env.pop("KERAS_BACKEND", None)
    if stack == "k2":
        env["TF_USE_LEGACY_KERAS"] = "1"
    elif stack == "jax":
        env["KERAS_BACKEND"] = "jax"
    run = subprocess.run([sys.executable, str(script)], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=240)
    printed = run.stderr + run.stdout
    if fields.get("kind", "").split()[:1] not in (["log"], ["warning"]):
        assert run.returncode != 0, f"{script.name} on {stack} did not fail:\n{printed[-2000:]}"
        assert "Traceback (most recent call last)" in run.stderr
    explained = subprocess.run(
        [sys.executable, "-m", "kerasdoctor", "explain", "--format", "json"],
        input=printed,
        capture_output=True,
        text=True,
        timeout=60,
        env=dict(os.environ, KERASDOCTOR_CACHE_DIR=str(tmp_path / "cache")),
    )
    data = json.loads(explained.stdout)
    ranking = [(m["id"], m["confidence"]) for m in data["matches"][:3]]
    assert ranking and ranking[0][0] == fields["expect"], f"{script.name} on {stack}: ranking {ranking}\n{printed[-1500:]}"

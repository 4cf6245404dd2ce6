"""Real TensorFlow: every fixtures/repro script raises its family's error for real, per stack.

Each script's header says which rule must explain it and on which stacks it raises:
    # expect: KD503
    # stacks: k3 k2 jax    (k3 = TF 2.21 + Keras 3; k2 = the same with TF_USE_LEGACY_KERAS=1, i.e. tf-keras;
                           jax = Keras 3 with KERAS_BACKEND=jax)
    # kind: log            (optional, or `warning`: the family prints a log line, a warning or
                           `loss: nan` and exits 0)
    # process: fresh       (optional: the script changes the environment before TensorFlow is
                           imported, so it gets an interpreter of its own)
    # long: why            (optional: the run takes tens of seconds, e.g. a fresh interpreter; it
                           runs only with `pytest --run-long`)
    # attempts: 5          (optional, with fresh: what the family prints depends on a race at
                           interpreter shutdown that can also hang; each run is bounded to 60 s
                           and the first one that finishes counts)
The script runs as a user would run it (`python script.py`; forked from an interpreter that
has only imported the stack's libraries, see tests/forkserver.py, unless it asks for a fresh
one); what the terminal showed (stderr + stdout) goes to `kerasdoctor.explain`, and the
expected rule must come first. Adding a family needs only a script, no test code.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import ROOT
from forkserver import ForkServers, stack_env

from kerasdoctor import explain

pytestmark = pytest.mark.realtf
REPRO = ROOT / "fixtures" / "repro"
TIMEOUT = 240


def header(path: Path) -> dict[str, str]:
    fields = {}
    for line in path.read_text().splitlines():
        if not line.startswith("# "):
            break
        key, _, value = line[2:].partition(":")
        fields[key.strip()] = value.strip()
    return fields


STACKS = ("k3", "k2", "jax")
HEADERS = {path: header(path) for path in sorted(REPRO.glob("KD*.py"))}
# Stack-major order: a test worker goes through one stack's scripts with one fork server.
CASES = [
    pytest.param(path, stack, id=f"{path.stem}-{stack}", marks=[pytest.mark.long] if "long" in fields else [])
    for stack in STACKS
    for path, fields in HEADERS.items()
    if stack in fields.get("stacks", "").split()
]


def test_every_script_names_known_stacks():
    # a misspelt stack ("k3," for "k3") would silently drop the script from that stack
    unknown = {path.name: fields.get("stacks", "") for path, fields in HEADERS.items() if not set(fields.get("stacks", "").split()) <= set(STACKS)}
    assert not unknown, unknown


@pytest.fixture(scope="module")
def fork_servers() -> Iterator[ForkServers]:
    servers = ForkServers()
    yield servers
    servers.close()


@pytest.mark.parametrize(("script", "stack"), CASES)
def test_real_error_is_explained_by_its_rule(script: Path, stack: str, tmp_path: Path, fork_servers: ForkServers):
    pytest.importorskip("jax" if stack == "jax" else "tensorflow")
    if stack == "k2":
        pytest.importorskip("tf_keras")
    fields = HEADERS[script]
    if fields.get("process") == "fresh":
        attempts = int(fields.get("attempts", "1").split()[0])
        for attempt in range(attempts):
            try:
                run = subprocess.run(
                    [sys.executable, str(script)], cwd=tmp_path, env=stack_env(stack), capture_output=True, text=True, timeout=TIMEOUT if attempts == 1 else 60
                )
                break
            except subprocess.TimeoutExpired:
                if attempt == attempts - 1:
                    raise
        returncode, stdout, stderr = run.returncode, run.stdout, run.stderr
    else:
        answer = fork_servers.ask(stack, {"script": str(script), "cwd": str(tmp_path), "timeout": TIMEOUT})
        returncode, stdout, stderr = int(answer["returncode"]), str(answer["stdout"]), str(answer["stderr"])
    printed = stderr + stdout
    if fields.get("kind", "").split()[:1] not in (["log"], ["warning"]):
        assert returncode != 0, f"{script.name} on {stack} did not fail:\n{printed[-2000:]}"
        assert "Traceback (most recent call last)" in stderr
    ranking = [(m.id, m.confidence) for m in explain(printed).matches[:3]]
    assert ranking and ranking[0][0] == fields["expect"], f"{script.name} on {stack}: ranking {ranking}\n{printed[-1500:]}"

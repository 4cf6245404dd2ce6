"""TF 1.x scripts whose TF 2 renames are mechanical run on real TensorFlow 2 after one ``lint --fix``.

Each case is a TF 1 script, and the same computation written by hand for TF 2. On the
installed TensorFlow (2.x) the TF 1 script must fail with the AttributeError that explain
attributes to the rule lint reports, ``kerasdoctor lint --target keras3 --fix`` must rewrite
it, and the rewritten script must run and compute what the hand-written TF 2 one computes.
A script using graph APIs (``tf.placeholder``) is reported but never rewritten. Every
script runs in ONE TensorFlow subprocess.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
from conftest import ROOT

from kerasdoctor.explain import explain_records
from kerasdoctor.explain.extract import extract_errors
from kerasdoctor.kb import load_rules

pytestmark = pytest.mark.realtf

# name -> (TF 1 script, TF 2 script written by hand, the rule explain must rank first for the TF 1 failure)
CASES = {
    "math": (
        """
        import tensorflow as tf
        x = tf.constant([1.0, 2.0, 4.0])
        row = tf.reshape(x, [1, 3])
        result = tf.log(x) + tf.squared_difference(x, 1.0) + tf.to_float(tf.arg_max(row, dimension=1))
        result = tf.concat([result, tf.to_float(tf.mod(7, 3), name="m")[None], tf.to_float(tf.is_nan(x))], 0)
        """,
        """
        import tensorflow as tf
        x = tf.constant([1.0, 2.0, 4.0])
        row = tf.reshape(x, [1, 3])
        result = tf.math.log(x) + tf.math.squared_difference(x, 1.0) + tf.cast(tf.argmax(row, axis=1), tf.float32)
        result = tf.concat([result, tf.cast(tf.math.floormod(7, 3), tf.float32, name="m")[None], tf.cast(tf.math.is_nan(x), tf.float32)], 0)
        """,
        "KD280",
    ),
    "linalg": (
        """
        import tensorflow as tf
        m = tf.reshape(tf.range(9.0), [3, 3])
        result = tf.matrix_band_part(m, 0, -1) + tf.diag(tf.diag_part(m)) + tf.matrix_transpose(m)
        """,
        """
        import tensorflow as tf
        m = tf.reshape(tf.range(9.0), [3, 3])
        result = tf.linalg.band_part(m, 0, -1) + tf.linalg.tensor_diag(tf.linalg.tensor_diag_part(m)) + tf.linalg.matrix_transpose(m)
        """,
        "KD280",
    ),
    "losses": (
        """
        import tensorflow as tf
        labels = tf.constant([[0.0, 1.0], [1.0, 0.0]])
        logits = tf.constant([[2.0, 0.5], [0.1, 0.3]])
        result = tf.nn.softmax_cross_entropy_with_logits_v2(labels=labels, logits=logits, dim=-1)
        result = tf.reduce_mean(result) + tf.reduce_sum(tf.log_sigmoid(logits))
        """,
        """
        import tensorflow as tf
        labels = tf.constant([[0.0, 1.0], [1.0, 0.0]])
        logits = tf.constant([[2.0, 0.5], [0.1, 0.3]])
        result = tf.nn.softmax_cross_entropy_with_logits(labels=labels, logits=logits, axis=-1)
        result = tf.reduce_mean(result) + tf.reduce_sum(tf.math.log_sigmoid(logits))
        """,
        "KD280",
    ),
    "random": (
        """
        import tensorflow as tf
        shapes = [tf.random_normal([2, 3]).shape, tf.truncated_normal([4]).shape, tf.random_uniform([5], maxval=3).shape]
        result = [list(s) for s in shapes] + [tf.random_shuffle(tf.range(4)).shape.as_list()]
        """,
        """
        import tensorflow as tf
        shapes = [tf.random.normal([2, 3]).shape, tf.random.truncated_normal([4]).shape, tf.random.uniform([5], maxval=3).shape]
        result = [list(s) for s in shapes] + [tf.random.shuffle(tf.range(4)).shape.as_list()]
        """,
        "KD280",
    ),
    "files": (
        """
        import os
        import tempfile
        import tensorflow as tf
        folder = os.path.join(tempfile.mkdtemp(), "a")
        tf.gfile.MakeDirs(folder)
        with tf.gfile.GFile(os.path.join(folder, "x.txt"), "w") as f:
            f.write("hi")
        result = [tf.gfile.Exists(filename=os.path.join(folder, "x.txt")), sorted(tf.gfile.ListDirectory(folder)), tf.gfile.IsDirectory(folder)]
        """,
        """
        import os
        import tempfile
        import tensorflow as tf
        folder = os.path.join(tempfile.mkdtemp(), "a")
        tf.io.gfile.makedirs(folder)
        with tf.io.gfile.GFile(os.path.join(folder, "x.txt"), "w") as f:
            f.write("hi")
        result = [tf.io.gfile.exists(path=os.path.join(folder, "x.txt")), sorted(tf.io.gfile.listdir(folder)), tf.io.gfile.isdir(folder)]
        """,
        "KD238",  # `tf.gfile` itself is gone: the module holds renamed and removed names alike
    ),
    "graph": (
        """
        import tensorflow as tf
        x = tf.placeholder(tf.float32, [None, 3])
        result = None
        """,
        None,
        "KD238",
    ),
}

NUMERIC = ("math", "linalg", "losses")
DRIVER = """
import json, runpy, sys, traceback
out = {}
for name, path in json.loads(sys.argv[1]).items():
    try:
        result = runpy.run_path(path)["result"]
        value = result.numpy().tolist() if hasattr(result, "numpy") else result
        out[name] = {"ok": True, "value": value}
    except Exception as exc:
        out[name] = {"ok": False, "error": "".join(traceback.format_exception_only(type(exc), exc))}
print("RESULTS" + json.dumps(out, default=str))
"""


def _write(folder: Path, name: str, code: str) -> Path:
    path = folder / f"{name}.py"
    path.write_text(textwrap.dedent(code).lstrip(), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def outcome(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    pytest.importorskip("tensorflow")
    folder = tmp_path_factory.mktemp("tf1")
    originals, fixed, references = folder / "original", folder / "fixed", folder / "reference"
    for sub in (originals, fixed, references):
        sub.mkdir()
    scripts: dict[str, str] = {}
    for name, (tf1, tf2, _) in CASES.items():
        scripts[f"original/{name}"] = str(_write(originals, name, tf1))
        scripts[f"fixed/{name}"] = str(_write(fixed, name, tf1))
        if tf2 is not None:
            scripts[f"reference/{name}"] = str(_write(references, name, tf2))
    env = dict(os.environ, PYTHONPATH=str(ROOT), TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES="")
    env.pop("TF_USE_LEGACY_KERAS", None)
    lint = subprocess.run(
        [sys.executable, "-m", "kerasdoctor", "lint", "--isolated", "--target", "keras3", "--fix", str(fixed)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    run = subprocess.run([sys.executable, "-c", DRIVER, json.dumps(scripts)], env=env, capture_output=True, text=True, timeout=240)
    assert run.returncode == 0, run.stderr[-3000:]
    results = json.loads(run.stdout.split("RESULTS", 1)[1])
    return {"results": results, "lint": lint, "fixed": {name: (fixed / f"{name}.py").read_text(encoding="utf-8") for name in CASES}}


@pytest.mark.parametrize("name", [n for n, case in CASES.items() if case[1] is not None])
def test_tf1_script_fails_then_runs_after_one_fix(name: str, outcome: dict[str, object]) -> None:
    results = outcome["results"]
    before, after, reference = results[f"original/{name}"], results[f"fixed/{name}"], results[f"reference/{name}"]  # type: ignore[index]
    assert not before["ok"] and before["error"].startswith("AttributeError"), before
    assert reference["ok"], reference
    assert after["ok"], f"{after}\n--- fixed script:\n{outcome['fixed'][name]}"  # type: ignore[index]
    if name in NUMERIC:
        np.testing.assert_allclose(np.asarray(after["value"], dtype=float), np.asarray(reference["value"], dtype=float), rtol=1e-6)
    else:
        assert after["value"] == reference["value"]


@pytest.mark.parametrize("name", list(CASES))
def test_explain_names_the_rule_lint_reports(name: str, outcome: dict[str, object]) -> None:
    error = outcome["results"][f"original/{name}"]["error"]  # type: ignore[index]
    explanation = explain_records(extract_errors(error), rules=load_rules(), versions={})
    assert explanation.matches and explanation.matches[0].rule.id == CASES[name][2], (error, [m.rule.id for m in explanation.matches[:3]])


def test_graph_code_is_reported_not_rewritten(outcome: dict[str, object]) -> None:
    lint = outcome["lint"]
    assert "KD238" in lint.stdout and "tf.compat.v1.disable_eager_execution()" in lint.stdout  # type: ignore[attr-defined]
    assert outcome["fixed"]["graph"] == textwrap.dedent(CASES["graph"][0]).lstrip()  # type: ignore[index]
    assert not outcome["results"]["fixed/graph"]["ok"]  # type: ignore[index]

"""Keras 2 scripts that one `kerasdoctor lint --target keras3 --fix` turns into Keras 3 scripts.

fixtures/migrate/ holds Keras 2 scripts (and a notebook) that use only APIs whose Keras 3
change is mechanical; fixtures/migrate/fixed/ holds what the fix must write. The fast tests
check the rewrite; the real-TensorFlow test runs every original on Keras 2 (tf-keras, where
it must run), every migrated copy on Keras 3 (where it must run) and every original on
Keras 3 (where it must fail, with an error `explain` gives to a rule that fixed it): one
interpreter per stack, both at once.
"""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

from kerasdoctor.cli import main
from kerasdoctor.lint.engine import lint_paths

FIXTURES = ROOT / "fixtures" / "migrate"
EXPECTED = FIXTURES / "fixed"
RUNNER = ROOT / "tests" / "migrate_runner.py"
ORIGINALS = sorted(p for p in FIXTURES.iterdir() if p.suffix in (".py", ".ipynb"))
# the migration rules these scripts exercise, each with at least one safe fix
MIGRATION_RULES = {"KD221", "KD222", "KD225", "KD231", "KD232", "KD245", "KD246", "KD247", "KD248"}


def python_source(path: Path) -> str:
    if path.suffix == ".ipynb":
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    return path.read_text(encoding="utf-8")


def migrate(tmp_path: Path) -> Path:
    copy = tmp_path / "migrated"
    copy.mkdir()
    for original in ORIGINALS:
        shutil.copy(original, copy / original.name)
    main(["lint", "--isolated", "--no-cache", "--target", "keras3", "--fix", str(copy)])
    return copy


def test_one_fix_run_writes_the_keras3_scripts(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    copy = migrate(tmp_path)
    capsys.readouterr()
    for original in ORIGINALS:
        fixed = copy / original.name
        assert fixed.read_text(encoding="utf-8") == (EXPECTED / original.name).read_text(encoding="utf-8"), original.name
        ast.parse(python_source(fixed))
    left = lint_paths([str(copy)], cache=False, use_config=False, target="keras3")
    assert [d for d in left.diagnostics if d.id in MIGRATION_RULES] == []


def test_the_scripts_exercise_every_migration_fix() -> None:
    found = lint_paths([str(p) for p in ORIGINALS], cache=False, use_config=False, target="keras3")
    # every one is fixed in the run (a fix can wait for another: fit_generator loses workers= first)
    assert {d.id for d in found.diagnostics} == MIGRATION_RULES
    on_keras2 = lint_paths([str(p) for p in ORIGINALS], cache=False, use_config=False, target="keras2")
    assert {d.id for d in on_keras2.diagnostics} <= {"KD221"}  # np_utils is gone from Keras 2.13+ too


def _run(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, str(RUNNER), *args], env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _results(process: subprocess.Popen[str]) -> dict[str, dict[str, str | None]]:
    out, err = process.communicate(timeout=600)
    results = {}
    for line in out.splitlines():
        if line.startswith("RESULT "):
            result = json.loads(line[len("RESULT ") :])
            results[result["path"]] = result
    assert results, err[-3000:]
    return results


@pytest.mark.realtf
def test_migrated_scripts_run_on_keras3_and_the_originals_do_not(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import kerasdoctor

    copy = migrate(tmp_path)
    capsys.readouterr()
    originals = [str(p) for p in ORIGINALS]
    migrated = [str(copy / p.name) for p in ORIGINALS]
    base = {k: v for k, v in os.environ.items() if k not in ("TF_USE_LEGACY_KERAS", "KERAS_BACKEND")}
    base["TF_CPP_MIN_LOG_LEVEL"] = "3"
    keras2 = _run(["--keras2", *originals], {**base, "TF_USE_LEGACY_KERAS": "1"}, tmp_path)
    keras3 = _run([*migrated, *originals], {**base, "KERAS_BACKEND": "tensorflow"}, tmp_path)
    on_keras2, on_keras3 = _results(keras2), _results(keras3)
    for path in originals:
        assert on_keras2[path]["error"] is None, f"{path} does not run on Keras 2:\n{on_keras2[path]['error']}"
        assert "MIGRATE-OK" in (on_keras2[path]["printed"] or "")
    for path in migrated:
        assert on_keras3[path]["error"] is None, f"{path} (migrated) does not run on Keras 3:\n{on_keras3[path]['error']}"
        assert "MIGRATE-OK" in (on_keras3[path]["printed"] or "")
    for path in originals:
        error = on_keras3[path]["error"]
        assert error is not None, f"{path} runs unchanged on Keras 3: it shows no migration"
        matches = kerasdoctor.explain(error).matches
        assert matches and matches[0].id in MIGRATION_RULES, f"{path}: {error[-500:]} -> {[m.id for m in matches[:3]]}"


FIXES = {
    "decay-becomes-its-schedule": (
        "import tensorflow as tf\nopt = tf.keras.optimizers.Adam(1e-3, decay=1e-4)\n",
        "import tensorflow as tf\nopt = tf.keras.optimizers.Adam(tf.keras.optimizers.schedules.InverseTimeDecay(1e-3, decay_steps=1, decay_rate=1e-4))\n",
    ),
    "decay-and-lr-in-one-run": (
        "import keras\nopt = keras.optimizers.SGD(lr=0.01, decay=1e-6, momentum=0.9)\n",
        "import keras\nopt = keras.optimizers.SGD(learning_rate=keras.optimizers.schedules.InverseTimeDecay(0.01, decay_steps=1, decay_rate=1e-6), "
        "momentum=0.9)\n",
    ),
    "decay-with-only-optimizer-classes-imported": (
        "from keras.optimizers import Adam, SGD\na = Adam(lr=1e-3, decay=1e-4)\nb = SGD(0.1, decay=1e-2)\n",
        "from keras.optimizers import Adam, SGD, schedules\na = Adam(learning_rate=schedules.InverseTimeDecay(1e-3, decay_steps=1, decay_rate=1e-4))\n"
        "b = SGD(schedules.InverseTimeDecay(0.1, decay_steps=1, decay_rate=1e-2))\n",
    ),
    "decay-kept-where-schedules-names-something-else": (
        "from keras.optimizers import Adam\nschedules = {}\na = Adam(1e-3, decay=1e-4)\n",
        "from keras.optimizers import Adam\nschedules = {}\na = Adam(1e-3, decay=1e-4)\n",
    ),
    "int-shape-becomes-the-shape-tuple": (
        "from keras import backend as K\nn = K.int_shape(x)[-1] + len(K.int_shape(a + b)) + K.mean(x)\n",
        "from keras import backend as K, ops\nn = tuple(x.shape)[-1] + len(tuple((a + b).shape)) + ops.mean(x)\n",
    ),
    "decay-kept-where-the-rate-is-set-later": (
        "import keras\nopt = keras.optimizers.SGD(0.01, decay=1e-6)\ncb = keras.callbacks.ReduceLROnPlateau()\n",
        "import keras\nopt = keras.optimizers.SGD(0.01, decay=1e-6)\ncb = keras.callbacks.ReduceLROnPlateau()\n",
    ),
    "numpy-aliases": (
        "import numpy as np, keras\nx = np.zeros(3, dtype=np.float)\ny = x.astype(np.int)\n",
        "import numpy as np, keras\nx = np.zeros(3, dtype=float)\ny = x.astype(int)\n",
    ),
    "backend-with-ops-imported": (
        "import keras\nfrom keras import ops\nfrom keras import backend as K\ny = K.argmax(x) + K.sum(x, axis=1)\n",
        "import keras\nfrom keras import ops\nfrom keras import backend as K\ny = K.argmax(x) + ops.sum(x, axis=1)\n",
    ),
    "backend-where-ops-is-taken": (
        "from keras import backend as K\nops = []\ny = K.mean(x)\n",
        "from keras import backend as K\nops = []\ny = K.mean(x)\n",
    ),
    "last-worker-argument": (
        "import keras\nmodel.fit(x, workers=4)\nmodel.predict(x, use_multiprocessing=True,)\n",
        "import keras\nmodel.fit(x)\nmodel.predict(x)\n",
    ),
    "layer-shape-in-a-loop": (
        "import keras\nfor layer in model.layers:\n    print(layer.output_shape)\nprint(model.output_shape)\n",
        "import keras\nfor layer in model.layers:\n    print(layer.output.shape)\nprint(model.output_shape)\n",
    ),
    "np-utils-module": (
        "from keras.utils import np_utils\ny = np_utils.to_categorical(labels, 10)\nz = np_utils.normalize(x)\n",
        "from keras import utils as np_utils\ny = np_utils.to_categorical(labels, 10)\nz = np_utils.normalize(x)\n",
    ),
    "np-utils-module-renamed-by-tf-keras": (
        "from tensorflow.keras.utils import np_utils as nu\ny = nu.to_categorical(labels)\n",
        "from tensorflow.keras import utils as nu\ny = nu.to_categorical(labels)\n",
    ),
    "np-utils-module-used-for-more": (
        "from keras.utils import np_utils\ny = np_utils.to_categorical(labels)\nf = np_utils.probas_to_classes\nhelpers = [np_utils]\n",
        "from keras.utils import np_utils\ny = np_utils.to_categorical(labels)\nf = np_utils.probas_to_classes\nhelpers = [np_utils]\n",
    ),
    "np-utils-module-passed-on": (
        "from keras.utils import np_utils\ny = np_utils.to_categorical(labels)\nencode(np_utils)\n",
        "from keras.utils import np_utils\ny = np_utils.to_categorical(labels)\nencode(np_utils)\n",
    ),
}


@pytest.mark.parametrize("name", sorted(FIXES))
def test_fix_text(tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str) -> None:
    before, after = FIXES[name]
    script = tmp_path / "script.py"
    script.write_text(before, encoding="utf-8")
    main(["lint", "--isolated", "--no-cache", "--target", "keras3", "--fix", str(script)])
    capsys.readouterr()
    assert script.read_text(encoding="utf-8") == after

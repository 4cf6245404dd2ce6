"""Real files: every fix that moves a model between formats or Keras versions keeps its predictions.

Two interpreters in one directory (fixtures/routes/): tf-keras trains tiny models and saves
them the old ways (SavedModel dir, TF checkpoint, tf-keras .keras, JSON + HDF5, a Lambda .h5,
CuDNNLSTM weights); Keras 3 follows each rule's fix and also saves/exports with the Keras 3
extensions. Every route's predictions must equal the model's before the move.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import ROOT

# one worker trains and moves the models once; every route test reads its predictions
pytestmark = [pytest.mark.realtf, pytest.mark.xdist_group("migration-routes")]
ROUTES = ROOT / "fixtures" / "routes"
RTOL, ATOL = 1e-5, 1e-6


def _run(script: str, workdir: Path, legacy: bool) -> None:
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", CUDA_VISIBLE_DEVICES="", KERAS_BACKEND="tensorflow")
    env.pop("TF_USE_LEGACY_KERAS", None)
    if legacy:
        env["TF_USE_LEGACY_KERAS"] = "1"
    run = subprocess.run([sys.executable, str(ROUTES / script)], cwd=workdir, env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, f"{script} failed:\n{run.stderr[-4000:]}"


@pytest.fixture(scope="module")
def predictions(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, np.ndarray]]:
    pytest.importorskip("tensorflow")
    pytest.importorskip("tf_keras")
    workdir = tmp_path_factory.mktemp("routes")
    _run("k2_write.py", workdir, legacy=True)
    _run("k3_follow.py", workdir, legacy=False)
    return {name: dict(np.load(workdir / f"{name}.npz")) for name in ("k2_pred", "k3_pred")}


# route (as recorded by k3_follow.py) -> the Keras 2 predictions it must reproduce
FROM_KERAS2 = {
    "KD204_tfsmlayer": "savedmodel",
    "KD204_h5": "savedmodel",
    "KD204_weights": "savedmodel",
    "KD214_h5_to_keras": "savedmodel",
    "KD205_tf_keras": "checkpoint",
    "KD205_reader": "checkpoint",
    "KD212_keras_archive": "keras2_files",
    "KD212_json": "keras2_files",
    "KD503": "lambda_h5",
    "KD235": "cudnn_lstm",
}


@pytest.mark.parametrize("route", sorted(FROM_KERAS2))
def test_keras2_model_reaches_keras3_with_its_predictions(route: str, predictions: dict[str, dict[str, np.ndarray]]):
    np.testing.assert_allclose(predictions["k3_pred"][route], predictions["k2_pred"][FROM_KERAS2[route]], rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("route", ["KD206", "KD207_keras", "KD207_export", "KD208"])
def test_keras3_saving_route_keeps_predictions(route: str, predictions: dict[str, dict[str, np.ndarray]]):
    np.testing.assert_allclose(predictions["k3_pred"][route], predictions["k3_pred"]["reference"], rtol=RTOL, atol=ATOL)


def test_checkpoint_restore_into_keras3_model_loses_the_weights(predictions: dict[str, dict[str, np.ndarray]]):
    # the route KD205 warns against: it "succeeds" and leaves the random initial weights
    restored, trained = predictions["k3_pred"]["KD205_checkpoint_restore_wrong"], predictions["k2_pred"]["checkpoint"]
    assert not np.allclose(restored, trained, rtol=RTOL, atol=ATOL)

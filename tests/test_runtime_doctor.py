"""The training doctor's logic without TensorFlow: a stand-in model whose ``fit`` drives the hooks.

The real-Keras behaviour is covered by test_runtime_realtf.py; here each probe is
checked fast, including what must stay silent.
"""

from __future__ import annotations

import io
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

from kerasdoctor.runtime import doctor as doctor_module


class Callback:
    """The part of keras.callbacks.Callback the doctor relies on."""

    def __init__(self) -> None:
        self.model: Any = None


DoctorForTest = doctor_module.doctor_class_for(Callback)


class Model:
    """Just enough of a Keras model: fit() calls the hooks the way Keras does."""

    def __init__(self, loss: Any = "binary_crossentropy", classes: int = 1, learning_rate: float = 1e-3) -> None:
        self.loss = loss
        self.stop_training = False
        self.outputs = [SimpleNamespace(shape=(None, classes))]
        self.layers: list[Any] = []
        self.optimizer = type("Adam", (), {"learning_rate": learning_rate})()

    def fit(self, x: Any, y: Any, callbacks: list[Any], losses: list[float], validation_data: Any = None) -> int:
        for callback in callbacks:
            callback.model = self
            callback.on_train_begin()
            callback.on_epoch_begin(0)
        batches = 0
        for batch, loss in enumerate(losses):
            batches += 1
            for callback in callbacks:
                callback.on_train_batch_end(batch, {"loss": loss})
            if self.stop_training:
                break
        for callback in callbacks:
            callback.on_epoch_end(0, {"loss": losses[-1]})
            callback.on_train_end()
        return batches


def run(model: Model, x: Any, y: Any, losses: list[float], **options: Any) -> tuple[Any, int, str]:
    out = io.StringIO()
    doctor = DoctorForTest(file=out, **options)
    batches = model.fit(x, y, callbacks=[doctor], losses=losses)
    return doctor, batches, " ".join(out.getvalue().split())


@pytest.fixture(autouse=True)
def _enabled(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KERASDOCTOR", raising=False)


def features(rows: int = 32) -> np.ndarray:
    return np.random.default_rng(0).normal(size=(rows, 4)).astype("float32")


def test_clean_run_is_silent_and_keeps_training() -> None:
    doctor, batches, out = run(Model(), features(), np.ones((32, 1), "float32"), [0.7, 0.6, 0.5])
    assert (doctor.findings, batches, out) == ([], 3, "")


def test_nan_inputs_found_before_training_and_named_at_the_nan() -> None:
    x = features()
    x[9, 3] = np.nan
    doctor, batches, out = run(Model(), x, np.ones((32, 1), "float32"), [0.7, float("nan"), 0.5])
    assert batches == 2  # stopped at the NaN
    assert [f.rule_id for f in doctor.findings] == ["KD601", "KD601", "KD508"]
    assert "x from the arrays passed to fit holds 1 NaN/inf value(s) out of 128 (first in row 9; column 3)" in out
    assert "loss became nan at epoch 1, batch 2; training stopped" in out


def test_stop_on_nan_false_keeps_going_and_numpy_scalars_count() -> None:
    losses = [0.7, np.float32("inf"), 0.5]
    _, batches, out = run(Model(loss="mse"), features(), np.ones((32, 1), "float32"), losses, stop_on_nan=False)
    assert batches == 3
    assert "loss became inf" in out and "training continues (stop_on_nan=False)" in out


def test_crossentropy_targets_outside_zero_one_and_negative_loss() -> None:
    y = np.arange(32, dtype="float32").reshape(32, 1)  # 0..31 with binary_crossentropy
    doctor, batches, out = run(Model(), features(), y, [0.7, -3.5, -9.0])
    assert batches == 3  # a negative loss is reported, not stopped
    assert [f.rule_id for f in doctor.findings] == ["KD602", "KD602"]
    assert "binary_crossentropy expects targets in [0, 1], but y (shape (32, 1), float32, min 0, max 31)" in out
    assert "a crossentropy loss went negative (loss: -3.5)" in out


def test_negative_loss_of_a_loss_that_may_be_negative_is_not_reported() -> None:
    doctor, _, out = run(Model(loss="cosine_similarity"), features(), np.ones((32, 1), "float32"), [-0.2, -0.9])
    assert (doctor.findings, out) == ([], "")


def test_sparse_labels_beyond_the_classes() -> None:
    labels = np.array([0, 1, 2, 3] * 8)
    doctor, _, out = run(Model(loss="sparse_categorical_crossentropy", classes=3), features(), labels, [1.1])
    assert [f.rule_id for f in doctor.findings] == ["KD522"]
    assert "integer labels in [0, 3) for a 3-unit output, but y (shape (32,), int64, min 0, max 3)" in out


def test_learning_rate_absurd_before_training_extreme_at_the_nan() -> None:
    doctor, _, out = run(Model(loss="mse", learning_rate=1e6), features(), np.ones((32, 1)), [0.5])
    assert [f.rule_id for f in doctor.findings] == ["KD604"]
    doctor, _, out = run(Model(loss="mse", learning_rate=0.5), features(), np.ones((32, 1)), [0.5, float("nan")])
    assert [f.rule_id for f in doctor.findings] == ["KD604", "KD508"]  # 0.5 is only extreme for Adam once it blew up
    assert "Adam runs with learning_rate=0.5" in out


def test_unscaled_inputs_named_at_the_nan_only() -> None:
    pixels = np.random.default_rng(1).integers(0, 256, size=(32, 4)).astype("float32")
    doctor, _, _ = run(Model(loss="mse"), pixels, np.ones((32, 1)), [0.5])
    assert doctor.findings == []
    doctor, _, out = run(Model(loss="mse"), pixels, np.ones((32, 1)), [0.5, float("nan")])
    assert [f.rule_id for f in doctor.findings] == ["KD603", "KD508"]
    assert "the inputs are not scaled: x (shape (32, 4), float32, min" in out


def test_generator_is_not_read() -> None:
    served = []

    def batches() -> Any:
        for index in range(3):
            served.append(index)
            yield features(8), np.ones((8, 1))

    generator = batches()
    _, _, out = run(Model(loss="mse"), generator, None, [0.5, float("nan")])
    assert served == []  # the doctor never pulled from the user's generator
    assert "The inputs come from a generator, which kerasdoctor does not read" in out


def test_kerasdoctor_0_makes_the_doctor_inert(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KERASDOCTOR", "0")
    x = features()
    x[0, 0] = np.nan
    doctor, batches, out = run(Model(), x, np.ones((32, 1), "float32"), [float("nan"), 0.5])
    assert (doctor.findings, batches, out) == ([], 2, "")


def test_internal_error_is_one_line_and_training_goes_on(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(self: Any) -> None:
        raise RuntimeError("probe failed")

    monkeypatch.setattr(doctor_module.Doctor, "_inspect_run", broken)
    _, batches, out = run(Model(), features(), np.ones((32, 1), "float32"), [0.5, 0.4])
    assert batches == 2
    assert out == "kerasdoctor: internal error in the training doctor (RuntimeError: probe failed)"

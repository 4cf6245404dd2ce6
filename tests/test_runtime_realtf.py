"""The runtime hook and training doctor against real TensorFlow, Keras 3 and tf-keras.

Every script runs in a fresh interpreter (TensorFlow state is global), and the
count is kept small: one script carries several injected faults. Outputs under
kerasdoctor are compared with the same script run plainly.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [
    pytest.mark.realtf,
    pytest.mark.slow,
    pytest.mark.skipif(importlib.util.find_spec("tensorflow") is None, reason="TensorFlow is not installed"),
]

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures" / "runtime"
KERAS3: dict[str, str] = {}
TF_KERAS = {"TF_USE_LEGACY_KERAS": "1"}
FAULT_CASES = [
    "clean",
    "bce_negative_labels",
    "bce_labels_0_255",
    "nan_inputs",
    "nan_inputs_dataset",
    "nan_inputs_generator",
    "nan_targets_pydataset",
    "lr_1e6",
    "unscaled_pixels",
    "nan_validation_data",
    "custom_log_loss",
    "diverging_sgd",
    "sparse_labels_out_of_range",  # crashes: last
]
# Lines TensorFlow prints with timestamps, pids or addresses: they differ between any two runs.
_NOISE = re.compile(r"^(?:WARNING: All log messages|[IWE]0000 |To enable the following instructions)|at 0x[0-9a-f]+")
_TIMINGS = re.compile(r"\b\d+(?:\.\d+)?(?:ms|us|s)(?:/(?:step|epoch|sample))?\b")
# TF numbers every traced function: the doctor's probes trace some, shifting the count.
_FUNCTION_IDS = re.compile(r"(__inference_\w+?)_\d+\b")


def run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if k not in ("KERASDOCTOR", "KD_AUTO", "TF_USE_LEGACY_KERAS")}
    full_env.update({"TF_CPP_MIN_LOG_LEVEL": "2", **env})
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, env=full_env, cwd=ROOT, timeout=300, check=False)


def normalized(text: str) -> str:
    """Output with run-to-run noise removed: TF's timestamped log lines and step timings."""
    lines = [line for line in text.splitlines() if not _NOISE.search(line)]
    return _FUNCTION_IDS.sub(r"\1_N", _TIMINGS.sub("T", "\n".join(lines)))


def sections(stderr: str) -> dict[str, str]:
    """stderr split at the "=== CASE" markers train_faults.py prints."""
    parts = re.split(r"^=== (\w+)\n", normalized(stderr), flags=re.MULTILINE)
    return dict(zip(parts[1::2], parts[2::2]))


@pytest.mark.parametrize("flavour", [KERAS3, TF_KERAS], ids=["keras3", "tf_keras"])
def test_crash_under_auto_and_run_keeps_traceback_and_names_the_rule(flavour: dict[str, str]) -> None:
    script = str(FIXTURES / "crash_keras_tensor.py")
    plain = run(script, env=flavour)
    auto = run(script, env={**flavour, "KD_AUTO": "1"})
    ran = run("-m", "kerasdoctor", "run", script, env=flavour)
    assert plain.returncode == 1, plain.stderr
    expected = normalized(plain.stderr)
    expected_type = "TypeError: You are passing KerasTensor" if flavour else "ValueError: A KerasTensor cannot be used"
    assert expected_type in expected
    for hooked in (auto, ran):
        assert hooked.returncode == plain.returncode
        assert hooked.stdout == plain.stdout == "building the model\n"
        got = normalized(hooked.stderr)
        assert got.startswith(expected)
        diagnosis = got[len(expected) :]
        assert diagnosis.startswith("\n\nkerasdoctor: ")
        # tf-keras's script hands the tensor to np.asarray: KerasTensor.__array__'s message, read with that calling line,
        # is keras-tensor-to-numpy; Keras 3's tf.reshape on it is raw-op-on-keras-tensor
        family = "keras-tensor-to-numpy" if flavour else "raw-op-on-keras-tensor"
        assert family in diagnosis.splitlines()[2]
        assert "your code: " + script in diagnosis
        assert "hidden: KerasTensor shape=(None, 4) dtype=float32" in diagnosis
        # the lint's raw-op check flags the tf.reshape line: the report says so
        reshape_line = next(number for number, line in enumerate(Path(script).read_text().splitlines(), 1) if "tf.reshape(hidden" in line)
        lint_lines = [line for line in diagnosis.splitlines() if line.strip().startswith("lint:")]
        assert any(f"line {reshape_line}:" in line and "raw-op-on-keras-tensor" in line for line in lint_lines)


# On JAX: the custom loss written with tf.math cannot run (its keras.ops twin does), and
# out-of-range sparse labels do not raise: the check before training is all the user gets.
# Keras 3 on TensorFlow trains on an empty dataset (zero batches, a warning) where tf-keras
# and Keras 3 on JAX raise (fixtures/repro has those).
KERAS3_FAULT_CASES = [*FAULT_CASES[:-1], "empty_dataset", FAULT_CASES[-1]]
JAX_FAULT_CASES = [case for case in FAULT_CASES if case != "custom_log_loss"]
JAX_FAULT_CASES.insert(-1, "regression_log_loss")
JAX = {"KERAS_BACKEND": "jax"}


def check_fault_diagnoses(result: subprocess.CompletedProcess[str], cases: list[str] = FAULT_CASES, backend: str = "tensorflow") -> None:
    """What the doctor must say for each injected fault of train_faults.py."""
    by_case = sections(result.stderr)
    assert list(by_case) == cases, result.stderr[-3000:]
    # the diagnosis wraps long lines: compare phrases with whitespace collapsed
    found = {case: " ".join(text.split()) for case, text in by_case.items()}
    assert "kerasdoctor" not in found["clean"]
    assert "KD602 targets-outside-loss-range" in found["bce_negative_labels"]
    assert "min -1, max 1" in found["bce_negative_labels"]
    assert "a crossentropy loss went negative" in found["bce_labels_0_255"]
    nan_inputs = found["nan_inputs"]
    assert nan_inputs.count("KD601 nan-in-input-data") == 2  # before training, and at the NaN
    assert "holds 1 NaN/inf value(s) out of 256 (first in row 5; column 2)" in nan_inputs
    assert "KD508 nan-loss" in nan_inputs and "training stopped" in nan_inputs
    assert "first batch of the tf.data dataset" in found["nan_inputs_dataset"]
    generator = found["nan_inputs_generator"]
    assert "KD508 nan-loss" in generator and "generator, which kerasdoctor does not read" in generator
    assert "KD601" not in generator
    assert "y from the first 4 batches of the Batches holds 1 NaN/inf value(s)" in found["nan_targets_pydataset"]
    assert "KD604 learning-rate-extreme" in found["lr_1e6"] and "learning_rate=1e+06" in found["lr_1e6"]
    assert "KD603 input-not-scaled" in found["unscaled_pixels"] and "max 255" in found["unscaled_pixels"]
    # the training loss stays finite: the validation arrays were checked before training,
    # and the epoch's val_loss is diagnosed without stopping sound training
    validation = found["nan_validation_data"]
    assert "validation x from the arrays passed to fit holds 1 NaN/inf value(s) out of 256" in validation
    assert "training produced val_loss = nan (the end of epoch 1)" in validation
    assert "training continues" in validation
    if "custom_log_loss" in cases:
        log_line = next(number for number, line in enumerate((FIXTURES / "train_faults.py").read_text().splitlines(), 1) if "tf.math.log(y_pred)" in line)
        # the lint's nan-loss check, run on the custom loss's file, points at its log
        assert f"the custom loss case_custom_log_loss.<locals>.log_loss ({FIXTURES / 'train_faults.py'}, line {log_line})" in (found["custom_log_loss"])
        assert "KD508 nan-loss" in found["custom_log_loss"]
    # a loss that grows by orders of magnitude before it overflows: the learning rate, with the picture
    diverging = found["diverging_sgd"]
    assert "learning-rate-extreme" in diverging and "the updates diverge" in diverging
    assert "Lower the learning rate of SGD(learning_rate=0.3) (try 0.03)" in diverging
    assert re.search(r"loss history \(\d batches, [\d.e+]+ \.\. [\d.e+]+; log scale; × = NaN/inf\): [▁▂▃▄▅▆▇█]+×", diverging)
    assert "<- first non-finite" in diverging
    if "empty_dataset" in cases:
        # steps_per_epoch is not set: the dataset itself is empty, and the fix says so
        empty = found["empty_dataset"]
        assert "KD524 empty-training-data" in empty and "epoch 1 ran no batch" in empty
        assert "steps_per_epoch is not set, so the _BatchDataset itself yields no batch" in empty
        assert "leave it unset" not in empty
    if "regression_log_loss" in cases:
        regression = found["regression_log_loss"]
        # one block for the rule, with the lint finding and the NaN; the fix fits a regression head
        assert regression.count("KD508 nan-loss") == 1 and "log() of a value" in regression and "loss became nan" in regression
        assert "This is a regression head (linear output, targets from 2" in regression
        assert "do not clip predictions into [0, 1]" in regression
    sparse = by_case["sparse_labels_out_of_range"]
    if backend == "jax":
        assert "KD522 sparse-label-out-of-range" in sparse and "Traceback" not in sparse
        assert result.returncode == 0
        return
    before, _, after = sparse.partition("Traceback (most recent call last):")
    assert "KD522 sparse-label-out-of-range" in before and "labels in [0, 3)" in " ".join(before.split())
    assert "Received a label value of 4 which is outside the valid range of [0, 3)" in after
    diagnosis = after[after.index("\n\nkerasdoctor: ") :]
    assert "sparse-label-out-of-range" in diagnosis.splitlines()[2]
    assert "y: ndarray shape=(64,) dtype=int64" in diagnosis
    assert result.returncode == 1
    # stopped at the first NaN: one epoch only, where a plain run trains two
    assert re.search(r"=== nan_inputs\n(?:.*\n)*?losses: \[nan\]\n", result.stdout)


def test_training_doctor_keras3_under_auto_against_switched_off_run() -> None:
    script = str(FIXTURES / "train_faults.py")
    auto = run(script, "--auto", *KERAS3_FAULT_CASES, env=KERAS3)
    check_fault_diagnoses(auto, KERAS3_FAULT_CASES)
    off = run(script, "--auto", *KERAS3_FAULT_CASES, env={"KERASDOCTOR": "0"})
    assert off.returncode == 1
    assert "kerasdoctor" not in off.stderr
    assert "=== nan_inputs\nEpoch 1/2\n" in off.stdout and "losses: [nan, nan]" in off.stdout
    # Before any diagnosis the output is the same: the clean run's stdout, and the
    # crash's traceback, verbatim.
    assert normalized(auto.stdout).split("=== bce_negative_labels")[0] == normalized(off.stdout).split("=== bce_negative_labels")[0]
    off_traceback = normalized(off.stderr).split("Traceback (most recent call last):", 1)[1]
    assert off_traceback.strip() in normalized(auto.stderr)


@pytest.mark.skipif(importlib.util.find_spec("jax") is None, reason="JAX is not installed")
def test_training_doctor_jax_under_auto() -> None:
    result = run(str(FIXTURES / "train_faults.py"), "--auto", *JAX_FAULT_CASES, env=JAX)
    check_fault_diagnoses(result, JAX_FAULT_CASES, backend="jax")
    # stopping training from the callback thread pool must not race the next step's donated buffers
    assert "Buffer has been deleted or donated" not in result.stderr


def test_training_doctor_tf_keras_under_kerasdoctor_run() -> None:
    result = run("-m", "kerasdoctor", "run", str(FIXTURES / "train_faults.py"), *FAULT_CASES, env=TF_KERAS)
    check_fault_diagnoses(result)


def test_mirrored_strategy_explicit_doctor_and_thread() -> None:
    result = run(str(FIXTURES / "threads_mirrored.py"), env=KERAS3)
    err = normalized(result.stderr)
    assert result.returncode == 0, err[-3000:]
    assert "replicas: 2" in result.stdout
    assert "main thread done" in result.stdout
    # the explicit Doctor() is the only one: auto does not add a second
    mirrored = err.split("Exception in thread trainer:")[0]
    assert mirrored.count("KD601 nan-in-input-data") == 2
    assert mirrored.count("training produced loss = nan") == 1
    assert "doctor findings: ['KD601', 'KD601', 'KD508']" in result.stdout
    thread_report = err.split("Exception in thread trainer:")[1]
    assert "Received a label value of 4" in thread_report
    diagnosis = thread_report[thread_report.index("\n\nkerasdoctor: ") :]
    assert "sparse-label-out-of-range" in diagnosis.splitlines()[2]
    assert "in train_in_thread" in diagnosis


def free_ports(count: int) -> list[int]:
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def run_two_workers(*args: str, env: dict[str, str]) -> list[subprocess.CompletedProcess[str]]:
    """multi_worker.py as two local workers of one MultiWorkerMirroredStrategy cluster (loopback only)."""
    cluster = {"worker": [f"localhost:{port}" for port in free_ports(2)]}
    base = {k: v for k, v in os.environ.items() if k not in ("KERASDOCTOR", "KD_AUTO", "TF_USE_LEGACY_KERAS", "TF_CONFIG")}
    processes = []
    for index in range(2):
        worker_env = {**base, "TF_CPP_MIN_LOG_LEVEL": "2", "TF_USE_LEGACY_KERAS": "1", **env}
        worker_env["TF_CONFIG"] = json.dumps({"cluster": cluster, "task": {"type": "worker", "index": index}})
        command = [sys.executable, str(FIXTURES / "multi_worker.py"), *args]
        processes.append(subprocess.Popen(command, env=worker_env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    results = []
    for process in processes:
        try:
            out, err = process.communicate(timeout=300)
        except subprocess.TimeoutExpired:
            for other in processes:
                other.kill()
            raise AssertionError("a worker hung") from None
        results.append(subprocess.CompletedProcess(process.args, process.returncode, out, err))
    return results


@pytest.mark.skipif(importlib.util.find_spec("tf_keras") is None, reason="tf-keras is not installed")
def test_two_workers_nan_stops_both_and_the_chief_speaks() -> None:
    chief, other = run_two_workers("--auto", "nan", env={})
    assert (chief.returncode, other.returncode) == (0, 0), chief.stderr[-2000:] + other.stderr[-2000:]
    # the all-reduced loss is NaN on both: both stop after the first epoch, at the same step
    assert "worker 0 losses: [nan]" in chief.stdout and "worker 1 losses: [nan]" in other.stdout
    chief_err = " ".join(normalized(chief.stderr).split())
    assert chief_err.count("kerasdoctor: training produced loss = nan (epoch 1, batch 4)") == 1
    assert "KD601 nan-in-input-data" in chief_err and "row 100; column 1" in chief_err
    assert "kerasdoctor" not in other.stderr


@pytest.mark.skipif(importlib.util.find_spec("tf_keras") is None, reason="tf-keras is not installed")
def test_two_workers_error_on_one_is_diagnosed_where_it_happened() -> None:
    plain = run_two_workers("bad_label", env={"KERASDOCTOR": "0"})
    hooked = run_two_workers("--auto", "bad_label", env={})
    assert [r.returncode for r in hooked] == [r.returncode for r in plain] == [1, 1]
    failing, aborted = hooked
    assert "Received a label value of 7 which is outside the valid range of [0, 3)" in failing.stderr
    diagnosis = failing.stderr[failing.stderr.index("\nkerasdoctor: ") :]
    assert "sparse-label-out-of-range" in diagnosis.splitlines()[1]
    assert "Collective ops is aborted" in aborted.stderr
    # the surviving worker is told its error is a consequence: look for the first error elsewhere
    assert "collective-ops-aborted" in aborted.stderr[aborted.stderr.index("\nkerasdoctor: ") :].splitlines()[1]
    # each worker prints its own traceback first, as without kerasdoctor
    for ran, bare in zip(hooked, plain):
        assert ran.stdout == bare.stdout
        assert ran.stderr.index("Traceback (most recent call last):") < ran.stderr.index("\nkerasdoctor: ")

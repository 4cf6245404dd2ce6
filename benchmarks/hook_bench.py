"""Cost of kerasdoctor's runtime: import of kerasdoctor.auto, and fit with the Doctor.

Measured in one run, each against its peer in the same run:
1. ``python -c "import kerasdoctor.auto"`` vs a bare ``python -c pass``
   (target: < 30 ms more; TensorFlow must not be imported);
2. wall time of ``fit`` over ~200 batches of a small MLP with no callback, with
   ``kerasdoctor.Doctor()`` and with ``keras.callbacks.TerminateOnNaN()``
   (target: Doctor <= 1% over no callback), rounds interleaved so that machine
   load hits every variant alike;
3. the Doctor's per-batch hook alone (nanoseconds per call);
4. the same fit on each Keras 3 backend asked for (``--backends tensorflow,jax``), each in
   its own interpreter;
5. two local workers of a ``MultiWorkerMirroredStrategy`` (tf-keras, loopback) fitting
   with and without the Doctor, rounds interleaved (``--workers``).

Usage: python benchmarks/hook_bench.py [--rounds N] [--backends tensorflow,jax] [--workers] [--json]
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import subprocess
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def import_cost(runs: int) -> dict[str, float | bool]:
    """Median and minimum wall time of a bare interpreter and of one importing kerasdoctor.auto."""

    def timed(code: str) -> float:
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        return time.perf_counter() - start

    bare, auto = [], []
    for _ in range(runs):  # interleaved: both see the same machine load
        bare.append(timed("pass"))
        auto.append(timed("import kerasdoctor.auto"))
    probe = subprocess.run(
        [sys.executable, "-c", "import sys, kerasdoctor.auto; print('tensorflow' in sys.modules)"],
        capture_output=True,
        text=True,
        check=True,
    )
    return {
        "bare_median_ms": statistics.median(bare) * 1e3,
        "auto_median_ms": statistics.median(auto) * 1e3,
        "overhead_median_ms": (statistics.median(auto) - statistics.median(bare)) * 1e3,
        "overhead_min_ms": (min(auto) - min(bare)) * 1e3,
        "tensorflow_imported": probe.stdout.strip() == "True",
    }


def fit_cost(rounds: int) -> dict[str, float | str]:
    import keras
    import numpy as np

    import kerasdoctor

    rng = np.random.default_rng(0)
    batches, batch_size = 200, 32
    x = rng.normal(size=(batches * batch_size, 32)).astype("float32")
    y = rng.normal(size=(batches * batch_size, 1)).astype("float32")
    model = keras.Sequential([keras.Input((32,)), keras.layers.Dense(64, activation="relu"), keras.layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    variants = {
        "none": lambda: [],
        "doctor": lambda: [kerasdoctor.Doctor()],
        "terminate_on_nan": lambda: [keras.callbacks.TerminateOnNaN()],
    }

    def one_fit(name: str) -> float:
        callbacks = variants[name]()  # built outside the timed window, as a user builds them before fit
        gc.collect()  # no variant pays for garbage another one left
        start = time.perf_counter()
        model.fit(x, y, batch_size=batch_size, epochs=1, verbose=0, shuffle=False, callbacks=callbacks)
        return time.perf_counter() - start

    for name in variants:  # warm-up: tracing and first-call costs out of the way
        one_fit(name)
    times: dict[str, list[float]] = {name: [] for name in variants}
    names = list(variants)
    for round_index in range(rounds):
        # rotate the order each round so no variant always runs first
        for name in names[round_index % 3 :] + names[: round_index % 3]:
            times[name].append(one_fit(name))
    medians = {name: statistics.median(values) for name, values in times.items()}
    minima = {name: min(values) for name, values in times.items()}
    result: dict[str, float | str] = {f"{name}_median_ms": value * 1e3 for name, value in medians.items()}
    result.update({f"{name}_min_ms": value * 1e3 for name, value in minima.items()})
    result["doctor_overhead_pct"] = (medians["doctor"] / medians["none"] - 1) * 100
    result["terminate_on_nan_overhead_pct"] = (medians["terminate_on_nan"] / medians["none"] - 1) * 100
    result["doctor_overhead_min_pct"] = (minima["doctor"] / minima["none"] - 1) * 100
    result["terminate_on_nan_overhead_min_pct"] = (minima["terminate_on_nan"] / minima["none"] - 1) * 100
    # The Doctor's own time inside a fit, measured around each of its hooks: unlike
    # wall-time differences this is not drowned by other processes on a shared machine.
    result["doctor_self_ms"] = doctor_self_time(model, x, y, batch_size) * 1e3
    result["doctor_self_pct"] = result["doctor_self_ms"] / (medians["none"] * 1e3) * 100
    result["batches"] = batches
    result["rounds"] = rounds
    result["keras"] = keras.__version__ if hasattr(keras, "__version__") else "?"
    result["backend"] = keras.backend.backend()
    return result


def doctor_self_time(model: object, x: object, y: object, batch_size: int, fits: int = 5) -> float:
    """Median seconds spent inside the Doctor's hooks during one fit."""
    import kerasdoctor

    spent: list[float] = []
    for _ in range(fits):
        doctor = kerasdoctor.Doctor()
        total = [0.0]
        for hook_name in ("on_train_begin", "on_epoch_begin", "on_train_batch_end", "on_epoch_end", "on_train_end"):
            original = getattr(doctor, hook_name)

            def timed(*args: object, _original: object = original, _total: list[float] = total, **kwargs: object) -> None:
                start = time.perf_counter()
                _original(*args, **kwargs)  # type: ignore[operator]
                _total[0] += time.perf_counter() - start

            setattr(doctor, hook_name, timed)
        model.fit(x, y, batch_size=batch_size, epochs=1, verbose=0, shuffle=False, callbacks=[doctor])  # type: ignore[attr-defined]
        spent.append(total[0])
    return statistics.median(spent)


def batch_hook_cost(calls: int = 200_000) -> float:
    """Nanoseconds per ``on_train_batch_end`` with a finite loss: the per-batch price of the Doctor."""
    import kerasdoctor

    doctor = kerasdoctor.Doctor()
    doctor._active = True  # as after on_train_begin
    logs = {"loss": 0.25, "mae": 0.4}
    start = time.perf_counter()
    for index in range(calls):
        doctor.on_train_batch_end(index, logs)
    return (time.perf_counter() - start) / calls * 1e9


def fit_cost_on(backend: str, rounds: int) -> dict[str, float | str]:
    """``fit_cost`` in a fresh interpreter with ``KERAS_BACKEND=backend``."""
    env = dict(os.environ, KERAS_BACKEND=backend)
    run = subprocess.run([sys.executable, __file__, "--fit-only", "--rounds", str(rounds)], capture_output=True, text=True, env=env, check=True)
    return json.loads(run.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


_WORKER = """
import json, os, sys, time
import numpy as np
import tensorflow as tf
keras = tf.keras
strategy = tf.distribute.MultiWorkerMirroredStrategy()
import kerasdoctor
rng = np.random.default_rng(0)
x = rng.normal(size=(200 * 32, 32)).astype("float32")
y = rng.normal(size=(200 * 32, 1)).astype("float32")
data = tf.data.Dataset.from_tensor_slices((x, y)).batch(32)
with strategy.scope():
    model = keras.Sequential([keras.Input((32,)), keras.layers.Dense(64, activation="relu"), keras.layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
model.fit(data, epochs=1, verbose=0)  # warm-up: tracing out of the way
times = {}
for variant in sys.argv[1].split(","):
    callbacks = [kerasdoctor.Doctor()] if variant == "doctor" else []
    start = time.perf_counter()
    model.fit(data, epochs=1, verbose=0, callbacks=callbacks)
    times.setdefault(variant, []).append(time.perf_counter() - start)
print(json.dumps(times))
"""


def two_worker_cost(rounds: int) -> dict[str, float]:
    """Fit time of two MultiWorkerMirroredStrategy workers with and without the Doctor (chief's clock)."""
    import socket

    sockets = [socket.socket() for _ in range(2)]
    for sock in sockets:
        sock.bind(("127.0.0.1", 0))
    cluster = {"worker": [f"localhost:{sock.getsockname()[1]}" for sock in sockets]}
    for sock in sockets:
        sock.close()
    order = ",".join(["none", "doctor", "doctor", "none"] * max(1, rounds // 2))  # interleaved, balanced
    processes = []
    for index in range(2):
        env = dict(os.environ, TF_USE_LEGACY_KERAS="1", TF_CONFIG=json.dumps({"cluster": cluster, "task": {"type": "worker", "index": index}}))
        processes.append(subprocess.Popen([sys.executable, "-c", _WORKER, order], env=env, stdout=subprocess.PIPE, text=True))
    outputs = [process.communicate(timeout=900)[0] for process in processes]
    times = json.loads(outputs[0].strip().splitlines()[-1])
    none, doctor = statistics.median(times["none"]), statistics.median(times["doctor"])
    return {"none_median_ms": none * 1e3, "doctor_median_ms": doctor * 1e3, "doctor_overhead_pct": (doctor / none - 1) * 100, "fits_each": len(times["none"])}


def _print_fit(fit: dict[str, float | str]) -> None:
    print(f"fit, {fit['batches']} batches, {fit['rounds']} interleaved rounds (keras {fit['keras']}, {fit['backend']} backend):   median | min")
    print(f"  no callback        {fit['none_median_ms']:8.1f} ms          | {fit['none_min_ms']:8.1f} ms")
    print(
        f"  Doctor             {fit['doctor_median_ms']:8.1f} ms ({fit['doctor_overhead_pct']:+6.2f}%) "
        f"| {fit['doctor_min_ms']:8.1f} ms ({fit['doctor_overhead_min_pct']:+6.2f}%)"
    )
    print(
        f"  TerminateOnNaN     {fit['terminate_on_nan_median_ms']:8.1f} ms ({fit['terminate_on_nan_overhead_pct']:+6.2f}%) "
        f"| {fit['terminate_on_nan_min_ms']:8.1f} ms ({fit['terminate_on_nan_overhead_min_pct']:+6.2f}%)"
    )
    print(
        f"  Doctor's own time inside one fit: {fit['doctor_self_ms']:.2f} ms = {fit['doctor_self_pct']:.2f}% "
        "of the no-callback fit (all hooks, incl. the one-off data check)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=31, help="interleaved fit rounds per variant")
    parser.add_argument("--import-runs", type=int, default=20)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--backends", default="tensorflow", help="comma-separated Keras 3 backends to fit on (tensorflow,jax)")
    parser.add_argument("--workers", action="store_true", help="also measure two MultiWorkerMirroredStrategy workers")
    parser.add_argument("--fit-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.fit_only:
        print(json.dumps(fit_cost(args.rounds)))
        return 0
    results = {
        "import": import_cost(args.import_runs),
        "fit": {backend: fit_cost_on(backend, args.rounds) for backend in args.backends.split(",")},
        "batch_hook_ns": batch_hook_cost(),
    }
    if args.workers:
        results["two_workers"] = two_worker_cost(max(2, args.rounds // 4))
    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    imp = results["import"]
    print(
        f"import kerasdoctor.auto: +{imp['overhead_median_ms']:.1f} ms median (+{imp['overhead_min_ms']:.1f} ms min) "
        f"over a bare interpreter ({imp['bare_median_ms']:.1f} ms); TensorFlow imported: {imp['tensorflow_imported']}"
    )
    for fit in results["fit"].values():
        _print_fit(fit)
    print(f"Doctor.on_train_batch_end: {results['batch_hook_ns']:.0f} ns per batch")
    if args.workers:
        two = results["two_workers"]
        print(
            f"two workers (MultiWorkerMirroredStrategy, tf-keras, {two['fits_each']} fits each): no callback "
            f"{two['none_median_ms']:.1f} ms, Doctor {two['doctor_median_ms']:.1f} ms ({two['doctor_overhead_pct']:+.2f}%)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The training doctor: a Keras callback that diagnoses NaN / inf / negative losses live.

Per batch it only looks at the loss Keras already computed (one float test per
log entry). The probes that cost something run once before training (the data
the user passed to ``fit``: NaN / inf, targets outside the loss's range, labels
beyond the classes, the learning rate) and again only when the loss goes bad
(weights and activations layer by layer, input scaling, a custom loss's source).
It never consumes the user's generator: it reads NumPy arrays, ``take(1)`` of a
``tf.data.Dataset`` and item 0 of a ``PyDataset`` / ``Sequence``.
"""

from __future__ import annotations

import math
import os
import sys
import threading
from collections import deque

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator
    from types import FrameType
    from typing import Any, TextIO

# Arrays above this many elements are checked on their first rows only.
_MAX_CHECKED_ELEMENTS = 50_000_000
_SAMPLE_ROWS = 64
# How many batches of a dataset / PyDataset to read once the loss went bad.
_BATCHES_ON_FAILURE = 16
# A learning rate above this is extreme for plain SGD-style updates; adaptive
# optimizers (per-parameter step of about lr) diverge ten times earlier.
_LR_EXTREME = 1.0
_LR_EXTREME_ADAPTIVE = 0.1
_ADAPTIVE_OPTIMIZERS = {
    "adam",
    "adamw",
    "adamax",
    "nadam",
    "rmsprop",
    "adagrad",
    "adadelta",
    "lion",
    "adafactor",
    "ftrl",
    "lamb",
}
_LOSS_HISTORY = 4096  # batches of loss kept for the sparkline shown on failure
_SCALE_LIMIT = 100.0  # |x| beyond this with no Rescaling/Normalization layer: unscaled inputs
_NORMALIZING_LAYERS = {"Rescaling", "Normalization", "BatchNormalization", "LayerNormalization"}
# The rules the doctor's probes report, by name: ids are resolved through the knowledge base.
NAN_LOSS = "nan-loss"
SPARSE_LABEL_OUT_OF_RANGE = "sparse-label-out-of-range"
NAN_IN_INPUT_DATA = "nan-in-input-data"
TARGETS_OUTSIDE_LOSS_RANGE = "targets-outside-loss-range"
INPUT_NOT_SCALED = "input-not-scaled"
LEARNING_RATE_EXTREME = "learning-rate-extreme"
EMPTY_TRAINING_DATA = "empty-training-data"


class Finding:
    """One diagnosis: the rule it belongs to (by name, or by id for a lint finding) and what was seen."""

    __slots__ = ("detail", "fix", "rule")

    def __init__(self, rule: str, detail: str, fix: str = "") -> None:
        self.rule = rule
        self.detail = detail
        # the fix for this model, when the rule's general fix depends on what the doctor saw
        self.fix = fix

    @property
    def rule_id(self) -> str:
        """The rule's id in the knowledge base (the name itself when the knowledge base cannot say)."""
        found = _rule(self.rule)
        return found.id if found is not None else self.rule

    def __repr__(self) -> str:
        return f"Finding({self.rule!r}, {self.detail!r})"


class ArrayStats:
    """What a one-off look at an array showed: size, non-finite count, finite min / max."""

    __slots__ = (
        "bad_columns",
        "count",
        "dtype",
        "first_bad_row",
        "integer",
        "label",
        "maximum",
        "minimum",
        "nonfinite",
        "shape",
    )

    def __init__(self, label: str, array: Any) -> None:
        import numpy as np

        self.label = label
        self.shape = tuple(array.shape)
        self.dtype = str(array.dtype)
        self.integer = array.dtype.kind in "iub"
        if array.size > _MAX_CHECKED_ELEMENTS and array.ndim:
            rows = max(1, _MAX_CHECKED_ELEMENTS // max(1, array.size // array.shape[0]))
            array = array[:rows]
        self.count = int(array.size)
        self.nonfinite = 0
        self.first_bad_row: int | None = None
        self.bad_columns: list[int] = []  # for a table (2-D): the feature columns holding NaN/inf
        if array.dtype.kind in "fc" and array.size:
            finite = np.isfinite(array)
            self.nonfinite = int(array.size - np.count_nonzero(finite))
            if self.nonfinite:
                bad = np.argwhere(~finite)
                self.first_bad_row = int(bad[0][0]) if bad.size and array.ndim else 0
                if array.ndim == 2:
                    self.bad_columns = [int(c) for c in np.flatnonzero(~finite.all(axis=0))]
                array = array[finite]
        if array.size:
            self.minimum = float(array.min())
            self.maximum = float(array.max())
        else:
            self.minimum = self.maximum = 0.0

    def describe(self) -> str:
        return f"{self.label} (shape {self.shape}, {self.dtype}, min {self.minimum:g}, max {self.maximum:g})"


def _columns(columns: list[int]) -> str:
    if not columns:
        return ""
    shown = ", ".join(str(c) for c in columns[:8]) + (", ..." if len(columns) > 8 else "")
    return f"; {'column' if len(columns) == 1 else 'columns'} {shown}"


def _numeric_array(value: Any) -> Any:
    """A NumPy view/copy of an array-like of numbers, or None when it is something else."""
    import numpy as np

    if isinstance(value, np.ndarray):
        array = value
    elif hasattr(value, "numpy") and hasattr(value, "dtype"):  # eager tensor
        array = np.asarray(value.numpy())
    elif (hasattr(value, "__array__") and hasattr(value, "shape")) or (isinstance(value, list) and value and isinstance(value[0], (int, float, list))):
        array = np.asarray(value)
    else:
        return None
    return array if array.dtype.kind in "fciub" else None


def _flatten(value: Any, label: str) -> Iterator[tuple[str, Any]]:
    """(label, leaf) pairs of a nested structure of inputs or targets."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _flatten(item, f"{label}[{key!r}]")
    elif isinstance(value, (list, tuple)) and value and not isinstance(value[0], (int, float)):
        for index, item in enumerate(value):
            yield from _flatten(item, f"{label}[{index}]")
    elif value is not None:
        yield label, value


def _split_batch(batch: Any) -> tuple[Any, Any]:
    """(inputs, targets) of one element yielded by a dataset / PyDataset."""
    if isinstance(batch, (tuple, list)) and len(batch) in (2, 3):
        return batch[0], batch[1]
    if isinstance(batch, (tuple, list)) and len(batch) == 1:
        return batch[0], None
    return batch, None


def _peek_batches(data: Any, limit: int) -> tuple[Any, Any, str] | None:
    """Up to ``limit`` batches of a dataset / PyDataset, read without touching the user's iterator.

    Returns (inputs, targets, description) with the batches concatenated, or None
    for data that cannot be read that way (generators, plain iterators).
    """
    import numpy as np

    kind = type(data).__name__
    module = type(data).__module__ or ""
    batches: list[Any] = []
    if hasattr(data, "take") and "Dataset" in kind and module.startswith("tensorflow"):
        # A fresh iterator over take(n): the dataset object fit iterates is left alone.
        batches = [_split_batch(element) for element in data.take(limit)]
        what = "the tf.data dataset"
    elif hasattr(data, "__getitem__") and hasattr(data, "__len__"):
        # A PyDataset / Sequence is random access: reading items leaves fit's iteration alone.
        if not {cls.__name__ for cls in type(data).__mro__} & {"PyDataset", "Sequence"}:
            return None
        batches = [_split_batch(data[index]) for index in range(min(limit, len(data)))]
        what = f"the {kind}"
    else:
        return None
    if not batches:
        return None
    description = f"the first batch of {what}" if len(batches) == 1 else f"the first {len(batches)} batches of {what}"
    if len(batches) == 1:
        return batches[0][0], batches[0][1], description

    def joined(parts: list[Any]) -> Any:
        arrays = [_numeric_array(part) for part in parts]
        if any(a is None for a in arrays):
            return parts[0]  # nested structures: the first batch is enough to show
        return np.concatenate(arrays)

    inputs = joined([b[0] for b in batches])
    targets = None if batches[0][1] is None else joined([b[1] for b in batches])
    return inputs, targets, description


def _fit_arguments(model: Any) -> tuple[Any, Any, Any, Any] | None:
    """x, y, validation_data and steps_per_epoch of the ``fit`` call running ``model``, read from its frame; None if not found."""
    frame: FrameType | None = sys._getframe(1)
    while frame is not None:
        if frame.f_code.co_name == "fit":
            names = frame.f_locals
            found = (names.get("x"), names.get("y"), names.get("validation_data"), names.get("steps_per_epoch")) if names.get("self") is model else None
            _drop_snapshot(names)
            if found is not None:
                return found
        frame = frame.f_back
    return None


def _drop_snapshot(names: Any) -> None:
    """Empty the locals snapshot that reading ``f_locals`` left on a running frame.

    Before Python 3.13 ``frame.f_locals`` is a dict cached on the frame, holding a
    second reference to every local until the frame ends; measured on Keras 3,
    keeping it during fit made a 200-batch fit markedly slower. Anyone who reads
    ``f_locals`` later gets it refilled, and tracers refill it before they run, so
    emptying it loses nothing. From 3.13 on it is a live proxy: nothing to drop.
    """
    if type(names) is dict and sys.version_info < (3, 13):
        names.clear()


def _loss_kind(loss: Any) -> str | None:
    """'binary', 'categorical' or 'sparse' for the crossentropies, else None."""
    if isinstance(loss, (list, tuple, dict)):
        return None
    name = loss if isinstance(loss, str) else getattr(loss, "name", None) or getattr(loss, "__name__", "")
    name = str(name).lower()
    if "sparse_categorical" in name:
        return "sparse"
    if ("binary" in name and ("crossentropy" in name or "focal" in name)) or name == "bce":
        return "binary"
    if "categorical_crossentropy" in name or "categorical_focal" in name or name == "cce":
        return "categorical"
    return None


def _custom_loss(loss: Any) -> Any:
    """The user's own loss function (not a Keras / TF one), or None."""
    if isinstance(loss, str) or loss is None:
        return None
    function = loss if callable(loss) and hasattr(loss, "__code__") else getattr(loss, "fn", None)
    if function is None and hasattr(loss, "call") and hasattr(type(loss).call, "__code__"):
        function = type(loss).call
    module = getattr(function, "__module__", "") or ""
    if function is None or module.split(".", 1)[0] in {"keras", "tf_keras", "tensorflow"}:
        return None
    return function


def _learning_rate(optimizer: Any) -> float | None:
    import numpy as np

    rate = getattr(optimizer, "learning_rate", None)
    if rate is None:
        return None
    if callable(rate) and hasattr(rate, "get_config"):  # a LearningRateSchedule
        rate = rate(getattr(optimizer, "iterations", 0))
    try:
        return float(np.asarray(rate))
    except (TypeError, ValueError):
        return None


_rule_set: Any = None


def _rules() -> Any:
    """The knowledge base (loaded once), or None when it cannot be loaded (findings then show bare names)."""
    global _rule_set
    if _rule_set is None:
        try:
            from kerasdoctor import kb
            from kerasdoctor.runtime.report import extra_rule_dirs

            _rule_set = kb.load_rules(extra_rule_dirs())
        except Exception:  # noqa: BLE001 - the findings are still worth printing without docs
            return None
    return _rule_set


def _rule(key: str) -> Any:
    """The rule named or numbered ``key``, or None."""
    rules = _rules()
    if rules is None:
        return None
    try:
        return rules.by_id(key)
    except KeyError:
        return None


# Rules whose cause and fix were already printed in this process.
_explained_rules: set[str] = set()


class _BareRule:
    """A rule shown by name only: already explained above, or the knowledge base is unavailable."""

    def __init__(self, key: str, rule: Any = None) -> None:
        self.id = rule.id if rule is not None else ""
        self.name = rule.name if rule is not None else key
        self.title = rule.title if rule is not None else ""
        self.docs: dict[str, Any] = {}


class Doctor:
    """Keras callback: stops on the first NaN/inf loss and says why, naming the rule.

    Use it directly (``callbacks=[kerasdoctor.Doctor()]``) or let
    ``import kerasdoctor.auto`` add it to every ``fit``. ``Doctor()`` builds a
    subclass of the ``Callback`` of the Keras in use (Keras 3, or tf-keras when
    ``TF_USE_LEGACY_KERAS=1``).

    Args:
        stop_on_nan: set ``model.stop_training`` on the first non-finite loss.
        check_data: look at the training data once before the first batch.
        file: where to print (default ``sys.stderr``).
        auto: True when ``import kerasdoctor.auto`` attached it rather than the user.

    After fit, ``findings`` lists what it found (each with ``rule_id`` and
    ``detail``) and ``reports`` the texts it printed. ``KERASDOCTOR=0`` makes it inert.
    """

    # Set by the Keras Callback base this class is mixed into (see doctor_class_for).
    model: Any
    # Keras 3 on a thread-safe backend (not TensorFlow's) may then run the batch
    # hook in its callback thread pool instead of syncing the loop on every batch;
    # so the hook only records, and the diagnosis waits for the training thread.
    async_safe = True

    def __new__(cls, *args: Any, **kwargs: Any) -> Any:
        if cls is Doctor:
            cls = doctor_class_for(_default_callback_base())
        return object.__new__(cls)

    def __init__(self, stop_on_nan: bool = True, check_data: bool = True, file: TextIO | None = None, auto: bool = False) -> None:
        super().__init__()
        self.stop_on_nan = stop_on_nan
        self.check_data = check_data
        self.file = file
        self.auto = auto
        self.findings: list[Finding] = []
        self.reports: list[str] = []
        self._reset()

    def _reset(self) -> None:
        self._active = False
        self._epoch = 0
        self._inputs: Any = None
        self._targets: Any = None
        self._source = "the arrays passed to fit"
        self._unreadable_data = ""
        self._data_object: Any = None
        self._input_stats: list[ArrayStats] = []
        self._target_stats: list[ArrayStats] = []
        self._validation_stats: list[ArrayStats] = []
        self._loss_kind: str | None = None
        self._classes: int | None = None
        self._nonfinite_reported = False
        self._negative_reported = False
        # (epoch, batch, ...) of the first bad loss, recorded by the batch hook.
        self._nonfinite: tuple[int, int, str, float] | None = None
        self._negative: tuple[int, int, float] | None = None
        self._training_thread = threading.get_ident()
        self._steps_per_epoch: Any = None
        self._batches_in_epoch = 0
        self._empty_reported = False
        # the loss after each batch, for the picture of the run when it fails (bounded)
        # (epoch, batch, loss): Keras 3 may deliver batch hooks out of order from its thread pool
        self._losses: deque[tuple[int, int, float]] = deque(maxlen=_LOSS_HISTORY)

    # ---- Keras callback API -------------------------------------------------

    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        from kerasdoctor.runtime import disabled

        self._reset()
        if disabled():
            return
        self._active = True
        self._training_thread = threading.get_ident()
        try:
            self._inspect_run()
            if self.check_data:
                early = self._data_findings() + self._learning_rate_findings(before_training=True)
                if early:
                    self._report("before training, kerasdoctor found a problem in the data or setup:", early)
        except Exception as internal:  # noqa: BLE001 - the doctor must never break training
            self._internal_error(internal)

    def on_epoch_begin(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        self._epoch = epoch
        self._batches_in_epoch = 0

    def on_train_batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        # Keras 3 may run this in a worker thread (async_safe): only record here;
        # the diagnosis runs on the training thread (_diagnose_pending).
        if not self._active or not logs:
            return
        self._batches_in_epoch += 1
        for key, value in logs.items():
            if type(value) is not float:  # Keras hands floats; NumPy scalars from other loops
                try:
                    value = float(value)
                except (TypeError, ValueError):
                    continue
            # ``v - v`` is nan for nan and for +-inf: one float test per entry.
            if value - value != 0.0:
                if self._nonfinite is None:
                    if key == "loss":
                        self._losses.append((self._epoch, batch, value))
                    self._nonfinite = (self._epoch, batch, key, value)
                    if self.stop_on_nan:
                        self._stop_training()
                    self._diagnose_if_on_training_thread()
                return
        loss = logs.get("loss")
        if loss is not None:
            self._losses.append((self._epoch, batch, float(loss)))
        if self._loss_kind and self._negative is None and loss is not None and float(loss) < 0.0:
            self._negative = (self._epoch, batch, float(loss))
            self._diagnose_if_on_training_thread()

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        # Keras 3 waits for all async batch hooks before calling on_epoch_end.
        if self._active and self._batches_in_epoch == 0 and not self._empty_reported:
            self._empty_reported = True
            self._on_empty_epoch(epoch)
        if self._active and logs and self._nonfinite is None:
            # epoch logs add the validation metrics, which no batch hook sees
            for key, value in logs.items():
                if type(value) is float and value - value != 0.0:
                    # training itself is sound when only validation goes bad: no stop
                    self._nonfinite = (epoch, -1, key, value)
                    if self.stop_on_nan and not key.startswith("val_"):
                        self._stop_training()
                    break
        self._diagnose_pending()

    def on_train_end(self, logs: dict[str, Any] | None = None) -> None:
        self._diagnose_pending()

    def _stop_training(self) -> None:
        # Keras 3's ``Callback.model`` property syncs the JAX training state into the
        # variables. From the callback thread pool that races with the next train step,
        # which donates those buffers ("Buffer has been deleted or donated"); the flag
        # needs only the model object, which Keras 3 keeps in ``_model``.
        model = self.__dict__.get("_model")
        (model if model is not None else self.model).stop_training = True

    def _diagnose_if_on_training_thread(self) -> None:
        if threading.get_ident() == self._training_thread:
            self._diagnose_pending()

    def _diagnose_pending(self) -> None:
        if self._nonfinite is not None and not self._nonfinite_reported:
            self._nonfinite_reported = True
            self._on_nonfinite(*self._nonfinite)
        if self._negative is not None and not self._negative_reported:
            self._negative_reported = True
            if not self._nonfinite_reported:  # a NaN report already covers the targets
                self._on_negative_loss(*self._negative)

    # ---- what happens when the loss goes bad --------------------------------

    def _on_nonfinite(self, epoch: int, batch: int, key: str, value: float) -> None:
        try:
            self._look_further()
            findings = self._data_findings() + self._learning_rate_findings(before_training=False)
            findings += self._divergence_findings() + self._scaling_findings() + self._custom_loss_findings()
            location = self._nonfinite_layer()
            if key.startswith("val_"):
                action = "training continues: the training loss is finite, look at the validation data"
            else:
                action = "training stopped" if self.stop_on_nan else "training continues (stop_on_nan=False)"
            when = f"epoch {epoch + 1}, batch {batch + 1}" if batch >= 0 else f"the end of epoch {epoch + 1}"
            detail = f"{key} became {value} at {when}; {action}."
            if location:
                detail += " " + location
            if self._unreadable_data:
                detail += (
                    f" The inputs come from {self._unreadable_data}, which kerasdoctor does not read "
                    "(that would consume it): check its batches for NaN/inf and out-of-range targets."
                )
            findings.append(Finding(NAN_LOSS, detail))
            self._report(f"training produced {key} = {value} ({when}):", findings, picture=True)
        except Exception as internal:  # noqa: BLE001
            self._internal_error(internal)

    def _on_empty_epoch(self, epoch: int) -> None:
        try:
            source = f"the {type(self._data_object).__name__}" if self._data_object is not None else "the training data"
            if self._steps_per_epoch:
                fix = (
                    f"fit asks for steps_per_epoch={self._steps_per_epoch}, more than {source} yields: leave it unset for a "
                    "finite dataset (Keras counts its batches) or `.repeat()` the dataset; if the data should not be empty, "
                    "check it with `dataset.cardinality()` / `len(x)`."
                )
            else:
                fix = (
                    f"steps_per_epoch is not set, so {source} itself yields no batch: check it before fit "
                    "(`dataset.cardinality()`, `len(list(dataset.take(1)))`): a `.filter` that drops every element, a "
                    "file pattern that matches nothing, or `batch(..., drop_remainder=True)` with fewer samples than the "
                    "batch size."
                )
            detail = f"epoch {epoch + 1} ran no batch: {source} gave no data to train on."
            self._report("training ran no batch:", [Finding(EMPTY_TRAINING_DATA, detail, fix=fix)])
        except Exception as internal:  # noqa: BLE001
            self._internal_error(internal)

    def _on_negative_loss(self, epoch: int, batch: int, loss: float) -> None:
        try:
            findings = [f for f in self._data_findings() if f.rule in (TARGETS_OUTSIDE_LOSS_RANGE, SPARSE_LABEL_OUT_OF_RANGE)] or [
                Finding(
                    TARGETS_OUTSIDE_LOSS_RANGE,
                    f"a {self._loss_kind} crossentropy can never be negative, yet the loss is {loss:g} at "
                    f"epoch {epoch + 1}, batch {batch + 1}: some targets lie outside the range the loss "
                    "expects.",
                )
            ]
            self._report(f"a crossentropy loss went negative (loss: {loss:g}):", findings)
        except Exception as internal:  # noqa: BLE001
            self._internal_error(internal)

    # ---- probes -------------------------------------------------------------

    def _inspect_run(self) -> None:
        """Find the data and settings of this fit: once per fit, before the first batch."""
        model = self.model
        self._loss_kind = _loss_kind(getattr(model, "loss", None))
        try:
            outputs = getattr(model, "outputs", None) or []
            if len(outputs) == 1 and outputs[0].shape[-1] is not None:
                self._classes = int(outputs[0].shape[-1])
        except Exception:  # noqa: BLE001, S110 - subclassed models may have no symbolic outputs
            pass
        arguments = _fit_arguments(model) if self.check_data else None
        if arguments is None:
            return
        inputs, targets, validation, self._steps_per_epoch = arguments
        if isinstance(validation, (tuple, list)) and len(validation) >= 2:
            self._validation_stats = [
                ArrayStats(f"validation {label}", a) for part, name in zip(validation[:2], ("x", "y")) for label, a in self._arrays(part, name)
            ]
        self._data_object = inputs
        peeked = _peek_batches(inputs, 1) if inputs is not None else None
        if peeked is not None:
            inputs, targets, self._source = peeked
        elif inputs is not None and _numeric_array(next(iter(_flatten(inputs, "x")), ("", None))[1]) is None:
            # A generator or anything else that cannot be read without consuming it.
            self._unreadable_data = f"a {type(inputs).__name__}"
            return
        self._inputs, self._targets = inputs, targets
        self._input_stats = [ArrayStats(label, a) for label, a in self._arrays(inputs, "x")]
        self._target_stats = [ArrayStats(label, a) for label, a in self._arrays(targets, "y")]

    def _look_further(self) -> None:
        """After a failure, read more batches of a dataset / PyDataset than the one seen at start."""
        if self._data_object is None or not self.check_data:
            return
        peeked = _peek_batches(self._data_object, _BATCHES_ON_FAILURE)
        if peeked is None:
            return
        self._inputs, self._targets, self._source = peeked
        self._input_stats = [ArrayStats(label, a) for label, a in self._arrays(self._inputs, "x")]
        self._target_stats = [ArrayStats(label, a) for label, a in self._arrays(self._targets, "y")]

    @staticmethod
    def _arrays(value: Any, label: str) -> list[tuple[str, Any]]:
        out = []
        for leaf_label, leaf in _flatten(value, label):
            array = _numeric_array(leaf)
            if array is not None:
                out.append((leaf_label, array))
        return out

    def _data_findings(self) -> list[Finding]:
        findings = []
        for stats in self._input_stats + self._target_stats + self._validation_stats:
            if stats.nonfinite:
                findings.append(
                    Finding(
                        NAN_IN_INPUT_DATA,
                        f"{stats.label} from {self._source} holds {stats.nonfinite} NaN/inf value(s) out of "
                        f"{stats.count} (first in row {stats.first_bad_row}{_columns(stats.bad_columns)})."
                        + (
                            " On CPU a ReLU can turn a NaN input into 0, so the loss may stay finite while the model learns from garbage."
                            if stats in self._input_stats
                            else ""
                        ),
                    )
                )
        for stats in self._target_stats:
            if self._loss_kind in ("binary", "categorical") and (stats.minimum < 0 or stats.maximum > 1):
                findings.append(
                    Finding(
                        TARGETS_OUTSIDE_LOSS_RANGE,
                        f"{self._loss_kind}_crossentropy expects targets in [0, 1], but {stats.describe()}.",
                    )
                )
            elif self._loss_kind == "sparse" and stats.count:
                too_big = self._classes is not None and stats.maximum >= self._classes
                if stats.minimum < 0 or too_big:
                    bound = f"[0, {self._classes})" if self._classes is not None else "[0, classes)"
                    findings.append(
                        Finding(
                            SPARSE_LABEL_OUT_OF_RANGE,
                            f"sparse_categorical_crossentropy expects integer labels in {bound} for a {self._classes}-unit output, but {stats.describe()}.",
                        )
                    )
        return findings

    def _learning_rate_findings(self, before_training: bool) -> list[Finding]:
        optimizer = getattr(self.model, "optimizer", None)
        rate = _learning_rate(optimizer)
        if rate is None:
            return []
        kind = type(optimizer).__name__
        limit = _LR_EXTREME_ADAPTIVE if kind.lower() in _ADAPTIVE_OPTIMIZERS else _LR_EXTREME
        if before_training:
            limit *= 100  # before any NaN only an absurd rate is worth interrupting for
        if rate > limit:
            return [
                Finding(
                    LEARNING_RATE_EXTREME,
                    f"{kind} runs with learning_rate={rate:g}; updates that large make the weights "
                    "overflow within a few steps (usual values are 1e-4 to 1e-2).",
                )
            ]
        return []

    def _divergence_findings(self) -> list[Finding]:
        """The loss grew by orders of magnitude before it overflowed: the updates diverge."""
        finite = [v for v in self._loss_history() if math.isfinite(v)]
        if len(finite) < 3 or any(f.rule == LEARNING_RATE_EXTREME for f in self._learning_rate_findings(before_training=False)):
            return []
        start, peak = abs(finite[0]), max(abs(v) for v in finite)
        if start <= 0 or peak < 100 * start:
            return []
        optimizer = getattr(self.model, "optimizer", None)
        rate = _learning_rate(optimizer)
        named = f"{type(optimizer).__name__}(learning_rate={rate:g})" if rate is not None else "the optimizer"
        smaller = f"{rate / 10:g}" if rate is not None else "a tenth of it"
        return [
            Finding(
                LEARNING_RATE_EXTREME,
                f"the loss grew from {finite[0]:.4g} to {peak:.4g} over {len(finite)} batches before it overflowed: the updates diverge.",
                fix=f"Lower the learning rate of {named} (try {smaller}), clip gradients (clipnorm=1.0 in the optimizer), and scale the inputs.",
            )
        ]

    def _scaling_findings(self) -> list[Finding]:
        if self._first_layer_normalizes():
            return []
        findings = []
        for stats in self._input_stats:
            largest = max(abs(stats.minimum), abs(stats.maximum))
            if largest > _SCALE_LIMIT:
                findings.append(
                    Finding(
                        INPUT_NOT_SCALED,
                        f"the inputs are not scaled: {stats.describe()}, and the model has no Rescaling/Normalization layer in front.",
                    )
                )
        return findings

    def _first_layer_normalizes(self) -> bool:
        return any(type(layer).__name__ in _NORMALIZING_LAYERS for layer in getattr(self.model, "layers", [])[:3])

    def _custom_loss_findings(self) -> list[Finding]:
        function = _custom_loss(getattr(self.model, "loss", None))
        if function is None:
            return []
        import inspect

        from kerasdoctor.runtime.report import lint_diagnostics

        try:
            path = inspect.getsourcefile(function)
            lines, first_line = inspect.getsourcelines(function)
        except (OSError, TypeError):
            return []
        if not path:
            return []
        findings = []
        for diagnostic in lint_diagnostics(path, first_line, first_line + len(lines) - 1):
            detail = f"the custom loss {function.__qualname__} ({path}, line {diagnostic.line}): {diagnostic.message}"
            findings.append(Finding(diagnostic.id, detail, fix=self._log_advice() if "log(" in diagnostic.message else ""))
        return findings

    def _log_advice(self) -> str:
        """How to keep a loss's log finite for this model: it depends on its output and its targets."""
        layers = list(getattr(self.model, "layers", []))
        activation = getattr(getattr(layers[-1], "activation", None), "__name__", "linear") if layers else "linear"
        if activation in ("sigmoid", "softmax"):
            return f"The output is a probability ({activation}): clip y_pred to [1e-7, 1 - 1e-7] before the log."
        low = min((stats.minimum for stats in self._target_stats), default=0.0)
        high = max((stats.maximum for stats in self._target_stats), default=0.0)
        if self._target_stats and (low < 0.0 or high > 1.0):
            return (
                f"This is a regression head ({activation} output, targets from {low:g} to {high:g}): do not clip "
                "predictions into [0, 1], that would cap every target above 1; keep the log's argument positive "
                "instead (log(maximum(y_pred, 1e-7)), a softplus output, or keras.losses.MeanSquaredLogarithmicError)."
            )
        return (
            f"The output is unbounded ({activation} activation) and can go negative, where log is NaN: for "
            "probabilities end the model with a sigmoid/softmax (then clip to [1e-7, 1 - 1e-7]), or use a "
            "built-in crossentropy with from_logits=True on the raw output."
        )

    def _nonfinite_layer(self) -> str:
        """Where it went bad: the first layer whose weights, or else outputs on clean data, are non-finite."""
        import numpy as np

        model = self.model
        layers = list(getattr(model, "layers", []))
        for layer in layers:
            variables = list(getattr(layer, "weights", []))
            for variable, value in zip(variables, layer.get_weights()):
                if value.dtype.kind in "fc" and not np.isfinite(value).all():
                    name = getattr(variable, "path", None) or getattr(variable, "name", "?")
                    return f"The first layer whose weights became non-finite is '{layer.name}' ({name})."
        sample = self._clean_sample()
        if sample is None:
            return ""
        for layer, output in _layer_outputs(model, layers, sample):
            if output.dtype.kind in "fc" and not np.isfinite(output).all():
                return (
                    f"The weights are finite, but layer '{layer.name}' ({type(layer).__name__}) outputs "
                    "NaN/inf on clean inputs: an operation inside it overflows or divides by zero."
                )
        return ""

    def _clean_sample(self) -> Any:
        """The first rows of the (single) input array with NaN rows removed, or None."""
        import numpy as np

        arrays = self._arrays(self._inputs, "x")
        if len(arrays) != 1:
            return None
        array = arrays[0][1][: _SAMPLE_ROWS * 4]
        if array.dtype.kind in "fc" and array.ndim:
            keep = np.isfinite(array.reshape(len(array), -1)).all(axis=1)
            array = array[keep]
        return array[:_SAMPLE_ROWS] if len(array) else None

    # ---- output -------------------------------------------------------------

    def _report(self, headline: str, findings: list[Finding], picture: bool = False) -> None:
        from kerasdoctor.runtime.report import rule_lines

        self.findings.extend(findings)
        if not _is_chief():
            return  # every worker sees the same all-reduced loss: the chief speaks for them
        # One block per rule and event: a rule found twice (a lint finding in the custom
        # loss and the NaN itself) says everything it found under one heading.
        by_rule: dict[str, list[Finding]] = {}
        for finding in findings:
            rule = _rule(finding.rule)
            by_rule.setdefault(rule.id if rule is not None else finding.rule, []).append(finding)
        lines = ["", f"kerasdoctor: {headline}"]
        for key, found in by_rule.items():
            rule = _rule(key)
            fitted = " ".join(f.fix for f in found if f.fix)
            # Cause and fix once per process; a rule seen again only says what was found
            # (and the fix that fits this model, when there is one).
            shown = rule if rule is not None and key not in _explained_rules else None
            _explained_rules.add(key)
            block = rule_lines(shown or _BareRule(key, rule), detail=[f.detail for f in found], prefix="", fix=fitted or None)
            lines += ["  " + line for line in block]
        if picture:
            lines += self._picture_lines()
        text = "\n".join(lines) + "\n"
        self.reports.append(text)
        out = self.file if self.file is not None else sys.stderr
        out.write(text)
        out.flush()
        if picture and self.file is None:
            from kerasdoctor.runtime import visual

            if visual.in_notebook():
                visual.show_html(text, self._loss_history())

    def _loss_history(self) -> list[float]:
        return [loss for _, _, loss in sorted(self._losses)]

    def _picture_lines(self) -> list[str]:
        """The loss history and the layers' weight / gradient norms, to look at rather than read."""
        from kerasdoctor.runtime import visual

        lines = visual.loss_history_lines(self._loss_history(), "  ")
        try:
            weights = visual.layer_norms(self.model)
        except Exception:  # noqa: BLE001 - a model whose weights cannot be read just has no table
            return lines
        gradients = self._gradient_norms()
        rows = [(name, kind, norm, gradients.get(name)) for name, kind, norm in weights]
        first_bad = next((name for name, _, norm, _ in rows if norm is not None and not math.isfinite(norm)), None)
        if rows:
            note = "" if gradients else " (gradients: TensorFlow backend with array data only)"
            lines += [f"  layers now{note}:", *visual.layer_table_lines(rows, first_bad, "    ")]
        return lines

    def _gradient_norms(self) -> dict[str, float]:
        """L2 norm of each layer's gradient on a clean sample, with the TensorFlow backend; {} otherwise."""
        if "tensorflow" not in sys.modules or os.environ.get("KERAS_BACKEND", "tensorflow") != "tensorflow":
            return {}
        sample = self._clean_sample()
        targets = self._arrays(self._targets, "y")
        if sample is None or len(targets) != 1:
            return {}
        try:
            import numpy as np
            import tensorflow as tf

            model = self.model
            x = tf.convert_to_tensor(sample)
            y = tf.convert_to_tensor(targets[0][1][: len(sample)])  # tf-keras's compute_loss needs tensors
            with tf.GradientTape() as tape:
                predictions = model(x, training=True)
                loss = model.compute_loss(x=x, y=y, y_pred=predictions)
            variables = list(model.trainable_weights)
            gradients = tape.gradient(loss, variables)
            by_variable = {id(v): g for v, g in zip(variables, gradients)}
            norms = {}
            for layer in getattr(model, "layers", []):
                found = [by_variable.get(id(v)) for v in layer.trainable_weights]
                arrays = [np.asarray(g, dtype="float64") for g in found if g is not None]
                if arrays:
                    norms[layer.name] = float(np.sqrt(sum(float(np.sum(np.square(a))) for a in arrays)))
            return norms
        except Exception:  # noqa: BLE001 - the table without gradients is still worth showing
            return {}

    def _internal_error(self, internal: Exception) -> None:
        out = self.file if self.file is not None else sys.stderr
        if os.environ.get("KERASDOCTOR_DEBUG"):
            import traceback

            traceback.print_exception(internal, file=out)
        out.write(f"kerasdoctor: internal error in the training doctor ({type(internal).__name__}: {internal})\n")


def _layer_outputs(model: Any, layers: list[Any], sample: Any) -> Iterator[tuple[Any, Any]]:
    """(layer, output as NumPy) for each layer of a Sequential / functional model on ``sample``."""
    import numpy as np

    value = sample
    if type(model).__name__ == "Sequential":
        for layer in layers:
            if type(layer).__name__ == "InputLayer":
                continue
            value = layer(value, training=False)
            yield layer, np.asarray(value)
        return
    model_class = next((c for c in type(model).__mro__ if c.__name__ in ("Model", "Functional")), None)
    inputs = getattr(model, "inputs", None)
    if model_class is None or not inputs or len(inputs) != 1:
        return
    probed = [layer for layer in layers if type(layer).__name__ != "InputLayer"]
    probe = model_class(inputs=inputs, outputs=[layer.output for layer in probed])
    outputs = probe(sample, training=False)
    yield from zip(probed, (np.asarray(o) for o in outputs))


def _is_chief() -> bool:
    """Whether this process prints for a multi-worker run (TF_CONFIG): the chief, or worker 0 when there is none."""
    config = os.environ.get("TF_CONFIG")
    if not config:
        return True
    import json

    try:
        parsed = json.loads(config)
        task = parsed.get("task") or {}
        cluster = parsed.get("cluster") or {}
        kind, index = task.get("type"), int(task.get("index", 0))
    except (ValueError, TypeError, AttributeError):
        return True  # a TF_CONFIG TensorFlow would reject: not ours to judge, keep talking
    if "chief" in cluster:
        return kind == "chief"
    return kind in (None, "worker") and index == 0


_doctor_classes: dict[type, type] = {}


def doctor_class_for(callback_base: type) -> type:
    """``Doctor`` mixed into the ``Callback`` base of one Keras flavour (cached)."""
    cls = _doctor_classes.get(callback_base)
    if cls is None:
        cls = type("Doctor", (Doctor, callback_base), {"__module__": __name__, "__doc__": Doctor.__doc__})
        _doctor_classes[callback_base] = cls
    return cls


def _default_callback_base() -> type:
    """The ``Callback`` class of the Keras the script uses.

    tf-keras under ``TF_USE_LEGACY_KERAS=1``, or when the script imported tf_keras
    and not Keras 3's model code; Keras otherwise. (Under ``import kerasdoctor.auto``
    the base is taken from the very ``fit`` being run instead.)
    """
    legacy = os.environ.get("TF_USE_LEGACY_KERAS", "").strip().lower() in {"1", "true", "yes"}
    if legacy or ("tf_keras" in sys.modules and "keras.src.models.model" not in sys.modules):
        import tf_keras

        return tf_keras.callbacks.Callback  # type: ignore[no-any-return]
    import keras

    return keras.callbacks.Callback  # type: ignore[no-any-return]

"""A ``history.history`` key that fit never records: ``acc`` after ``metrics=["accuracy"]``, ``val_*`` without validation.

What it detects:
    ``h.history["acc"]`` / ``["val_acc"]``, where ``h`` is what ``fit`` returned (or
    ``model.history``), in a file whose every ``compile`` asks for ``metrics=["accuracy"]``
    and none for a metric named ``acc``; and ``h.history["val_..."]`` in a file whose
    every ``fit`` is given neither ``validation_data`` nor ``validation_split``.
    A file that tests ``"acc" in h.history`` picks its key itself and is left alone.

Why it breaks:
    The keys are the metric names as compiled: since Keras 2.3 (all of tf.keras 2 and
    Keras 3) ``metrics=["accuracy"]`` records ``accuracy`` / ``val_accuracy``; ``acc``
    was Keras <= 2.2's spelling. ``val_*`` entries exist only when fit validates.
    Either way: ``KeyError: 'val_acc'``, after the whole training has run.

Example:
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, epochs=5, validation_split=0.2)
    plt.plot(history.history["val_acc"])

Use instead:
    ``history.history["val_accuracy"]`` (print ``history.history.keys()``).
"""

from __future__ import annotations

import libcst as cst

from kerasdoctor.lint.base import Check
from kerasdoctor.lint.checks._training import TrainingFacts
from kerasdoctor.lint.checks._util import method_name, string_value


class HistoryMetricKey(Check):
    requires = ("history",)

    def __init__(self, *args: object) -> None:
        super().__init__(*args)  # type: ignore[arg-type]
        self.facts: TrainingFacts = self.ctx.shared("training", lambda: TrainingFacts(self.ctx))
        self.histories: set[str] = set()
        self.keys: list[tuple[cst.SubscriptElement, str]] = []
        self.tests_keys = False

    def visit_Call(self, node: cst.Call) -> None:
        self.facts.call(node)

    def visit_Assign(self, node: cst.Assign) -> None:
        value = node.value
        for target in node.targets:
            if isinstance(target.target, cst.Name):
                if isinstance(value, cst.Call) and method_name(value) in ("fit", "fit_generator"):
                    self.histories.add(target.target.value)
                else:
                    self.histories.discard(target.target.value)

    def visit_ComparisonTarget(self, node: cst.ComparisonTarget) -> None:
        if isinstance(node.operator, (cst.In, cst.NotIn)) and _history_dict(node.comparator, self.histories):
            self.tests_keys = True

    def visit_Subscript(self, node: cst.Subscript) -> None:
        if len(node.slice) != 1 or not _history_dict(node.value, self.histories):
            return
        element = node.slice[0]
        index = element.slice
        key = string_value(index.value) if isinstance(index, cst.Index) else None
        if key is not None:
            self.keys.append((element, key))

    def finish(self) -> None:
        if self.tests_keys:
            return
        for element, key in self.keys:
            # Keras <= 2.2 (and TF 1.x's tf.keras) logged metrics=["accuracy"] as "acc"
            renamed = self.facts.accuracy_renamed(key) if self.ctx.target != "tf1" else None
            names = self.facts.accuracy_names()
            if renamed is not None and names != ["accuracy"]:
                # compiled with more than one accuracy (metrics=[metrics.binary_accuracy] in another cell): the key depends on which ran
                prefix = "val_" if key.startswith("val_") else ""
                self.report(element, key="renamed_among", found=key, logged=" or ".join(f"'{prefix}{n}'" for n in names))
            elif renamed is not None:
                self.report(element, key="renamed", found=key, logged=renamed)
            elif key.startswith("val_") and self.facts.never_validates():
                self.report(element, key="no_validation", found=key)


def _history_dict(node: cst.BaseExpression, histories: set[str]) -> bool:
    """``h.history`` with ``h = model.fit(...)``, or ``model.history.history``."""
    if not (isinstance(node, cst.Attribute) and node.attr.value == "history"):
        return False
    owner = node.value
    if isinstance(owner, cst.Name):
        return owner.value in histories
    return isinstance(owner, cst.Attribute) and owner.attr.value == "history"


CHECK = HistoryMetricKey

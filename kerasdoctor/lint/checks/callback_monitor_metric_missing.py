"""A callback told to monitor a metric that the epoch logs never hold: ``val_acc`` after ``metrics=["accuracy"]``, ``val_*`` without validation.

What it detects:
    ``EarlyStopping`` / ``ReduceLROnPlateau`` / ``ModelCheckpoint(save_best_only=True)`` with a literal
    ``monitor="acc"`` / ``"val_acc"`` in a file whose every ``compile`` asks for
    ``metrics=["accuracy"]`` and none for a metric named ``acc``; and
    ``monitor="val_..."`` (including the default ``val_loss``) in a file whose every
    ``fit`` is given neither ``validation_data`` nor ``validation_split``, and some fit
    is given ``callbacks=`` (a callback driven by hand gets whatever logs it is given).

Why it breaks:
    Keras 2.3+, tf.keras 2 and Keras 3 log ``metrics=["accuracy"]`` as ``accuracy`` /
    ``val_accuracy``; ``val_*`` values exist only when fit validates. The callback
    only warns ("Early stopping conditioned on metric `val_acc` which is not
    available", "Can save best model only with val_acc available, skipping") and
    never stops, saves or lowers the learning rate (Keras 3 may raise instead).

Example:
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    model.fit(x, y, validation_split=0.2, callbacks=[EarlyStopping(monitor="val_acc")])

Use instead:
    ``EarlyStopping(monitor="val_accuracy", mode="max")``, and give fit validation data.
"""

from __future__ import annotations

import libcst as cst

from kerasdoctor.lint.base import Check
from kerasdoctor.lint.checks._training import TrainingFacts
from kerasdoctor.lint.checks._util import argument, has_star_args, is_true, string_value

_CALLBACKS = {"keras.callbacks.EarlyStopping": 0, "keras.callbacks.ModelCheckpoint": 1, "keras.callbacks.ReduceLROnPlateau": 0}


class CallbackMonitorMetricMissing(Check):
    requires = ("EarlyStopping", "ModelCheckpoint", "ReduceLROnPlateau")

    def __init__(self, *args: object) -> None:
        super().__init__(*args)  # type: ignore[arg-type]
        self.facts: TrainingFacts = self.ctx.shared("training", lambda: TrainingFacts(self.ctx))
        self.monitors: list[tuple[cst.CSTNode, str, str]] = []

    def visit_Call(self, node: cst.Call) -> None:
        self.facts.call(node)
        qualified = self.ctx.qualify(node.func)
        position = _CALLBACKS.get(qualified or "")
        if position is None or has_star_args(node):
            return
        if position == 1 and not is_true(argument(node, 2, "save_best_only")):
            return  # without save_best_only, ModelCheckpoint saves every epoch and never reads its monitor
        value = argument(node, position, "monitor")
        monitor = "val_loss" if value is None else string_value(value)
        if monitor is not None:
            self.monitors.append((node if value is None else value, monitor, qualified.rsplit(".", 1)[1]))  # type: ignore[union-attr]

    def finish(self) -> None:
        for node, monitor, callback in self.monitors:
            renamed = self.facts.accuracy_renamed(monitor) if self.ctx.target != "tf1" else None
            if renamed is not None:
                self.report(node, key="renamed", monitor=monitor, logged=renamed, callback=callback)
            elif monitor.startswith("val_") and self.facts.never_validates() and self.facts.fits_with_callbacks:
                self.report(node, key="no_validation", monitor=monitor, callback=callback)


CHECK = CallbackMonitorMetricMissing

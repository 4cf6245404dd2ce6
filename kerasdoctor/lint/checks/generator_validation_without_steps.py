"""A Python generator given to fit (or as its validation data) without the number of steps to take from it.

What it detects:
    ``fit(gen)`` / ``fit_generator(gen)`` without ``steps_per_epoch``, and
    ``validation_data=gen`` without ``validation_steps``, where ``gen`` is a call of a
    generator function of this file. On Keras 2.0-2.3 (target tf1) every such
    generator; on tf.keras 2 and Keras 3 those that loop ``while True``.

Why it breaks:
    A generator has no length, so Keras cannot tell how many batches make an epoch.
    Keras 2.0-2.3 raise "`steps_per_epoch=None` is only valid for a generator based on
    the `keras.utils.Sequence` class" ("... `validation_steps=None` ..."); tf.keras 2
    and Keras 3 read it until it ends, and a ``while True`` generator never does: the
    first epoch (or validation) never finishes.

Example:
    def batches(x, y):
        while True:
            yield next_batch(x, y)
    model.fit(batches(x, y), epochs=10)

Use instead:
    ``model.fit(batches(x, y), epochs=10, steps_per_epoch=len(x) // 32)``, or a
    ``keras.utils.PyDataset`` / ``Sequence``, which has a length.
"""

from __future__ import annotations

import libcst as cst

from kerasdoctor.lint.checks._data import GENERATOR, INFINITE_GENERATOR, DataCheck, data_argument, passes
from kerasdoctor.lint.checks._util import keyword, method_name, positional

_TRAINING = frozenset({"fit", "fit_generator"})


class GeneratorValidationWithoutSteps(DataCheck):
    requires = ("fit",)

    def _endless(self, node: cst.BaseExpression | None) -> bool:
        kind = self.data.kind(node)
        return kind == INFINITE_GENERATOR or (kind == GENERATOR and self.ctx.target == "tf1")

    def visit_Call(self, node: cst.Call) -> None:
        method = method_name(node)
        if method not in _TRAINING:
            return
        data = data_argument(node)
        # fit_generator(generator, steps_per_epoch, ...): the steps may come second
        steps_given = passes(node, "steps_per_epoch") or (method == "fit_generator" and positional(node, 1) is not None)
        if self._endless(data) and not steps_given and (method != "fit" or positional(node, 9) is None):
            self.report(data, key="training")  # type: ignore[arg-type]
        validation = keyword(node, "validation_data")
        if validation is not None and self._endless(validation.value) and not passes(node, "validation_steps"):
            self.report(validation.value, key="validation")


CHECK = GeneratorValidationWithoutSteps

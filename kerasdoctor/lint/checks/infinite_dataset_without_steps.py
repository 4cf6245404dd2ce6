"""A dataset repeated forever (``.repeat()``) given to fit/evaluate/predict without a number of steps.

What it detects:
    ``model.fit(ds)`` without ``steps_per_epoch``, ``validation_data=ds`` without
    ``validation_steps``, ``evaluate(ds)``/``predict(ds)`` without ``steps``, where
    ``ds`` was followed from ``tf.data`` through a ``.repeat()`` with no count (and
    no later ``.take(n)``).

Why it breaks:
    An epoch is one pass over the data, and the data never ends. tf.keras 1.x/2.x raise
    "When providing an infinite dataset, you must specify the number of steps to run"
    (or "... `steps_per_epoch` ..."); Keras 3 runs the first epoch forever.

Example:
    ds = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(1000).batch(32).repeat()
    model.fit(ds, epochs=10)

Use instead:
    ``model.fit(ds, epochs=10, steps_per_epoch=len(x) // 32)``, or drop ``.repeat()``.
"""

from __future__ import annotations

import libcst as cst

from kerasdoctor.lint.checks._data import INFINITE_DATASET, DataCheck, data_argument, passes
from kerasdoctor.lint.checks._util import keyword, method_name, positional

# method -> the argument that bounds the data's steps
_STEPS = {"fit": "steps_per_epoch", "evaluate": "steps", "predict": "steps"}


class InfiniteDatasetWithoutSteps(DataCheck):
    requires = ("fit", "evaluate", "predict")

    def visit_Call(self, node: cst.Call) -> None:
        method = method_name(node)
        steps = _STEPS.get(method or "")
        if steps is None:
            return
        data = data_argument(node)
        if self.data.kind(data) == INFINITE_DATASET and not passes(node, steps) and positional(node, 9) is None:
            self.report(data, argument=steps, method=method)  # type: ignore[arg-type]
        if method == "fit":
            validation = keyword(node, "validation_data")
            if validation is not None and self.data.kind(validation.value) == INFINITE_DATASET and not passes(node, "validation_steps"):
                self.report(validation.value, argument="validation_steps", method=method)


CHECK = InfiniteDatasetWithoutSteps

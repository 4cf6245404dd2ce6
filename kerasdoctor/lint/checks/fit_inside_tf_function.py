"""``model.fit`` / ``evaluate`` / ``predict`` called inside a ``@tf.function``.

What it detects:
    A ``.fit(`` / ``.evaluate(`` / ``.predict(`` (and their ``*_generator`` forms) call in
    the body of a function decorated with ``@tf.function``.

Why it breaks:
    These are Python loops that build and run their own ``tf.function``; they cannot be
    traced into another graph. tf.keras 2.2+: "RuntimeError: Detected a call to
    `Model.predict` inside a `tf.function`"; Keras 3 fails on the symbolic tensors
    ("'SymbolicTensor' object has no attribute 'numpy'", "Using a symbolic `tf.Tensor` as
    a Python `bool` is not allowed").

Example:
    @tf.function
    def serve(x):
        return model.predict(x)

Use instead:
    Call the model: ``model(x, training=False)``; run ``fit`` outside any ``tf.function``.
"""

from __future__ import annotations

import libcst as cst

from kerasdoctor.lint.base import Check
from kerasdoctor.lint.checks._graph import traced_function
from kerasdoctor.lint.checks._util import method_name

_LOOPS = frozenset({"fit", "evaluate", "predict", "fit_generator", "evaluate_generator", "predict_generator"})


class FitInsideTfFunction(Check):
    requires = ("fit", "evaluate", "predict")

    def visit_Call(self, node: cst.Call) -> None:
        method = method_name(node)
        if method not in _LOOPS:
            return
        function = traced_function(self.ctx)
        if function is not None:
            self.report(node, method=method, function=function.name.value)


CHECK = FitInsideTfFunction

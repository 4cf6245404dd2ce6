"""``compile`` given a loss/loss_weights/metrics list whose length differs from the model's outputs.

What it detects:
    ``model.compile(loss=[...])`` (or ``loss_weights=[...]``, or per-output
    ``metrics=[[...], [...]]``) where ``model`` was built in the file with a
    known number of outputs and the list has a different length.

Why it breaks:
    Keras 2 raises "When passing a list as loss, it should have one entry per
    model outputs. The model has 2 outputs, but you passed loss=[...]"; Keras 3
    may accept a mismatched structure and train an output with no loss.

Example:
    model = keras.Model(inputs, [age, gender])
    model.compile(optimizer="adam", loss=["mse"])

Use instead:
    One entry per output, in output order, or a dict keyed by output names.
"""

from __future__ import annotations

import libcst as cst

from kerasdoctor.lint.checks._models import ModelTableCheck
from kerasdoctor.lint.checks._util import keyword, method_name, sequence_elements


class LossOutputCount(ModelTableCheck):
    requires = ("compile",)

    def visit_Call(self, node: cst.Call) -> None:
        if method_name(node) != "compile":
            return
        info = self.table.of_method_call(node)
        if info is None or info.output_count is None:
            return
        for name in ("loss", "loss_weights", "metrics"):
            arg = keyword(node, name)
            items = sequence_elements(arg.value) if arg is not None else None
            if items is None:
                continue
            if name == "metrics" and not (items and all(isinstance(i, (cst.List, cst.Tuple)) for i in items)):
                continue  # a flat metrics list applies to every output
            if len(items) != info.output_count:
                self.report(arg.value, argument=name, given=len(items), outputs=info.output_count)  # type: ignore[union-attr]


CHECK = LossOutputCount

"""``class_weight=`` passed to ``fit`` of a model with several outputs.

What it detects:
    ``model.fit(..., class_weight=...)`` where ``model`` was built in this file with more
    than one output (a list or dict of outputs).

Why it breaks:
    A class_weight dict maps the classes of one output; Keras cannot tell which output it
    belongs to: "`class_weight` is only supported for Models with a single output"
    (tf.keras 2.2+, tf-keras, Keras 3).

Example:
    model = keras.Model(inputs, [age, gender])
    model.fit(x, [y_age, y_gender], class_weight={0: 1.0, 1: 3.0})

Use instead:
    ``sample_weight`` per output (a list or dict of per-sample weights computed from
    each output's labels), or weight the classes inside each output's loss.
"""

from __future__ import annotations

import libcst as cst

from kerasdoctor.lint.checks._models import ModelTableCheck
from kerasdoctor.lint.checks._util import keyword, method_name


class ClassWeightMultiOutput(ModelTableCheck):
    requires = ("class_weight",)

    def visit_Call(self, node: cst.Call) -> None:
        method = method_name(node)
        if method == "add":
            self.table.added(node)
            return
        if method != "fit":
            return
        given = keyword(node, "class_weight")
        if given is None or (isinstance(given.value, cst.Name) and given.value.value == "None"):
            return
        info = self.table.of_method_call(node)
        if info is not None and info.output_count is not None and info.output_count > 1:
            self.report(given, outputs=info.output_count)


CHECK = ClassWeightMultiOutput

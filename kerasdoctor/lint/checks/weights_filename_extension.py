"""``save_weights("w.h5")``: a weights file name that Keras 3 refuses.

What it detects:
    ``.save_weights(path)`` whose path visibly does not end in ``.weights.h5``
    (a literal, an f-string, ``os.path.join(..., "w.h5")``, ``d + "/w.h5"``). Target keras3.

Why it breaks:
    "The filename must end in `.weights.h5`. Received: filepath=w.h5". Keras 2 wrote HDF5
    for ``.h5`` and a TensorFlow checkpoint for any other name.

Example:
    model.save_weights("checkpoints/best.h5")

Use instead:
    model.save_weights("checkpoints/best.weights.h5")  # and load_weights the same name

Report only: renaming the file is not behaviour-preserving when another script, a
``load_weights`` elsewhere or a deployment reads the old name.
"""

from __future__ import annotations

import libcst as cst

from kerasdoctor.lint.base import Check
from kerasdoctor.lint.checks._paths import path_tail, weights_name
from kerasdoctor.lint.checks._util import argument, method_name


class WeightsFilenameExtension(Check):
    requires = ("save_weights",)

    def visit_Call(self, node: cst.Call) -> None:
        if method_name(node) != "save_weights" or self.ctx.qualify(node.func.value) is not None:  # type: ignore[attr-defined]
            return
        path = path_tail(self.ctx, argument(node, 0, "filepath"))
        if path is not None and not path.endswith(".weights.h5"):
            self.report(node, path=path, suggestion=weights_name(path))


CHECK = WeightsFilenameExtension

"""``ModelCheckpoint("weights.{epoch:02d}.hdf5")``: a checkpoint file name that Keras 3 refuses.

What it detects:
    ``keras.callbacks.ModelCheckpoint(path, ...)`` whose path visibly ends in something
    other than ``.weights.h5`` when ``save_weights_only=True``, or other than ``.keras`` /
    ``.h5`` otherwise. Target keras3.

Why it breaks:
    "When using `save_weights_only=True` in `ModelCheckpoint`, the filepath provided must
    end in `.weights.h5` (Keras weights format)"; "The filepath provided must end in
    `.keras` (Keras model format)".

Example:
    ModelCheckpoint("best.hdf5", save_best_only=True)

Use instead:
    ModelCheckpoint("best.keras", save_best_only=True)

Report only: what later loads the checkpoint reads the old name.
"""

from __future__ import annotations

import libcst as cst

from kerasdoctor.lint.base import Check
from kerasdoctor.lint.checks._paths import model_name, path_tail, weights_name
from kerasdoctor.lint.checks._util import argument, is_false, is_true, keyword


class CheckpointFilepathExtension(Check):
    requires = ("ModelCheckpoint",)

    def visit_Call(self, node: cst.Call) -> None:
        if self.ctx.qualify(node.func) != "keras.callbacks.ModelCheckpoint":
            return
        path = path_tail(self.ctx, argument(node, 0, "filepath"))
        if path is None:
            return
        flag = keyword(node, "save_weights_only")
        if flag is not None and is_true(flag.value):
            if not path.endswith(".weights.h5"):
                self.report(node, key="weights", path=path, suggestion=weights_name(path))
        elif (flag is None or is_false(flag.value)) and not path.endswith((".keras", ".h5")):
            base = path[: -len(".hdf5")] if path.endswith(".hdf5") else path
            self.report(node, key="model", path=path, suggestion=model_name(base))


CHECK = CheckpointFilepathExtension

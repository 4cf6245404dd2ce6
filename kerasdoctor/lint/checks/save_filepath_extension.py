"""``model.save("my_model")``: a SavedModel directory, which Keras 3's ``save`` no longer writes.

What it detects:
    ``model.save(path)`` on a model built or loaded in this file, and
    ``keras.models.save_model(model, path)``, whose path visibly ends in neither ``.keras``
    nor ``.h5`` / ``.hdf5``; and ``save_format=`` with a path that cannot be read
    (Keras 3 refuses it unless the path ends in ``.keras`` / ``.h5``). Target keras3.

Why it breaks:
    "Invalid filepath extension for saving. Please add either a `.keras` extension for the
    native Keras format (recommended) or a `.h5` extension. Use `model.export(filepath)` if
    you want to export a SavedModel for use with TFLite/TFServing/etc."

Example:
    model.save("saved_model/my_model")

Use instead:
    model.save("saved_model/my_model.keras")   # to reload with keras.models.load_model
    model.export("saved_model/my_model")       # a SavedModel for TF Serving / TFLite

Report only: which of the two the user needs (and what reads the old path) is not in the code.
"""

from __future__ import annotations

import libcst as cst

from kerasdoctor.lint.base import Check
from kerasdoctor.lint.checks._paths import model_name, note_string, path_tail
from kerasdoctor.lint.checks._util import ModelTracker, argument, keyword, method_name

_MODEL_SUFFIXES = (".keras", ".h5", ".hdf5")


class SaveFilepathExtension(Check):
    requires = ("save",)

    def __init__(self, *args: object) -> None:
        super().__init__(*args)  # type: ignore[arg-type]
        self.models = ModelTracker(self.ctx)
        self.strings: dict[str, str] = {}  # MODEL_PATH = "model.h5"

    def leave_Assign(self, node: cst.Assign) -> None:
        self.models.assigned(node)
        note_string(self.strings, node)

    def visit_Call(self, node: cst.Call) -> None:
        if self.ctx.qualify(node.func) == "keras.models.save_model":
            target = argument(node, 1, "filepath")
        elif method_name(node) == "save" and self.models.model_of(node) is not None:
            target = argument(node, 0, "filepath")
        else:
            return
        path = path_tail(self.ctx, target, self.strings)
        if path is not None:
            if not path.endswith(_MODEL_SUFFIXES):
                self.report(node, key="path", path=path, suggestion=model_name(path))
        elif keyword(node, "save_format") is not None:
            self.report(keyword(node, "save_format"), key="format")  # type: ignore[arg-type]


CHECK = SaveFilepathExtension

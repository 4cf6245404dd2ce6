"""A subclassed Keras model saved as a whole model to HDF5 (``.h5``), which only Functional and Sequential models support.

What it detects:
    ``m.save("model.h5")`` (or ``.hdf5``, or ``save_format="h5"``) and
    ``keras.models.save_model(m, "model.h5")``, where ``m`` is an instance of a class of
    this file deriving from ``keras.Model`` that does not pass ``inputs``/``outputs`` to
    its base (a functional model in disguise).

Why it breaks:
    HDF5 stores a model as its layer graph, and a subclassed model is Python code in
    ``call``: tf.keras 2 raises "NotImplementedError: Saving the model to HDF5 format
    requires the model to be a Functional model or a Sequential model".

Example:
    model = MyModel()
    model.fit(x, y)
    model.save("my_model.h5")

Use instead:
    ``model.save("my_model.keras")`` (or a SavedModel directory on tf.keras 2), or
    ``model.save_weights("my_model.weights.h5")`` and rebuild the class to load them.
"""

from __future__ import annotations

import libcst as cst

from kerasdoctor.lint.base import Check
from kerasdoctor.lint.checks._util import argument, calls_in, keyword, method_name, receiver_name, string_value, target_names

_H5 = (".h5", ".hdf5", ".keras.h5")


class SubclassedModelH5(Check):
    requires = ("save",)

    def __init__(self, *args: object) -> None:
        super().__init__(*args)  # type: ignore[arg-type]
        self.subclassed: set[str] = set()  # local classes deriving keras.Model with their own call
        self.instances: dict[int, set[str]] = {}

    def _names(self) -> set[str]:
        function = self.ctx.function
        return self.instances.setdefault(id(function.node) if function is not None else 0, set())

    def leave_ClassDef(self, node: cst.ClassDef) -> None:
        if self.ctx.local_classes.get(node.name.value) != "keras.Model":
            return
        for call in calls_in(node.body):
            if any(a.keyword is not None and a.keyword.value in ("inputs", "outputs") for a in call.args) and method_name(call) == "__init__":
                return  # super().__init__(inputs=..., outputs=...): a functional model
        self.subclassed.add(node.name.value)

    def leave_Assign(self, node: cst.Assign) -> None:
        value = node.value
        instance = isinstance(value, cst.Call) and isinstance(value.func, cst.Name) and value.func.value in self.subclassed
        names = self._names()
        for target in node.targets:
            for name in target_names(target.target):
                if instance and isinstance(target.target, cst.Name):
                    names.add(name.value)
                else:
                    names.discard(name.value)

    def visit_Call(self, node: cst.Call) -> None:
        if method_name(node) == "save":
            owner = receiver_name(node)
            path = argument(node, 0, "filepath")
        elif self.ctx.qualify(node.func) == "keras.models.save_model":
            model = argument(node, 0, "model")
            owner = model.value if isinstance(model, cst.Name) else None
            path = argument(node, 1, "filepath")
        else:
            return
        if owner is None or owner not in self._names() or self.ctx.binds_locally(owner, parameters=True):
            return
        text = string_value(path)
        fmt = keyword(node, "save_format")
        h5 = (text is not None and text.lower().endswith(_H5)) or (fmt is not None and string_value(fmt.value) in ("h5", "hdf5"))
        if h5:
            self.report(node)


CHECK = SubclassedModelH5

"""The History that ``fit()`` returns used as the model (``model = model.fit(...)``) or as its metrics dict.

What it detects:
    A name assigned ``model.fit(...)`` (``model`` a Keras model of this file) that is then
    used as a model (``.predict``, ``.evaluate``, ``.save``, ``.summary``, ``.layers`` ...)
    or indexed like a dict (``history["loss"]``).

Why it breaks:
    ``fit`` trains the model in place and returns a ``keras.callbacks.History``:
    "'History' object has no attribute 'predict'", "'History' object is not
    subscriptable". The per-epoch numbers are in ``history.history``.

Example:
    model = model.fit(x, y, epochs=5)
    model.predict(x_test)

Use instead:
    ``history = model.fit(x, y, epochs=5)``; ``model.predict(x_test)``;
    ``history.history["loss"]``.
"""

from __future__ import annotations

import libcst as cst

from kerasdoctor.lint.base import Check
from kerasdoctor.lint.checks._symbolic import shared_tracker
from kerasdoctor.lint.checks._util import method_name, receiver_name, target_names

_MODEL_ATTRIBUTES = frozenset(
    {"predict", "evaluate", "fit", "save", "save_weights", "load_weights", "summary", "layers", "compile", "get_weights", "set_weights", "to_json"}
    | {"predict_on_batch", "train_on_batch", "get_layer", "trainable_weights", "count_params"}
)


class HistoryUsedAsModel(Check):
    requires = ("fit",)

    def __init__(self, *args: object) -> None:
        super().__init__(*args)  # type: ignore[arg-type]
        self.tracker = shared_tracker(self.ctx)
        self.histories: dict[int, set[str]] = {}
        self.returns_history = False

    def _names(self) -> set[str]:
        function = self.ctx.function
        return self.histories.setdefault(id(function.node) if function is not None else 0, set())

    def visit_Assign(self, node: cst.Assign) -> None:
        value = node.value
        # judged before any check's leave_Assign rebinds `model` in the shared tracker
        self.returns_history = isinstance(value, cst.Call) and method_name(value) == "fit" and self._is_model(receiver_name(value))

    def leave_Assign(self, node: cst.Assign) -> None:
        returns_history = self.returns_history
        names = self._names()
        for target in node.targets:
            for name in target_names(target.target):
                if returns_history and isinstance(target.target, cst.Name):
                    names.add(name.value)
                else:
                    names.discard(name.value)
        self.tracker.assigned(node)

    def _is_model(self, name: str | None) -> bool:
        return name is not None and self.tracker.holds_model(name)

    def _history(self, node: cst.BaseExpression) -> str | None:
        if isinstance(node, cst.Name) and node.value in self._names() and not self.ctx.binds_locally(node.value, parameters=True):
            return node.value
        return None

    def visit_Attribute(self, node: cst.Attribute) -> None:
        name = self._history(node.value)
        if name is not None and node.attr.value in _MODEL_ATTRIBUTES:
            self.report(node, key="as_model", name=name, attribute=node.attr.value)

    def visit_Subscript(self, node: cst.Subscript) -> None:
        name = self._history(node.value)
        if name is not None:
            self.report(node, key="as_dict", name=name)


CHECK = HistoryUsedAsModel

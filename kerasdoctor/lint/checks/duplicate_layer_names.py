"""Two layers of one Sequential model given the same literal ``name=``.

What it detects:
    ``keras.Sequential([...])`` whose list holds two layers with the same literal
    ``name="..."``, and ``model.add(...)`` of a layer named like one already added to the
    same model (the model built in this scope with ``keras.Sequential()``).

Why it breaks:
    Layer names key a model's weights and graph, so they must be unique: "All layers added
    to a Sequential model should have unique names. Name 'hidden' is already the name of a
    layer in this model" (Keras 3, tf.keras 2); functional models: "The name "dense" is
    used 2 times in the model".

Example:
    model = keras.Sequential([keras.layers.Dense(64, name="hidden"), keras.layers.Dense(64, name="hidden")])

Use instead:
    Distinct names (``"hidden_1"``, ``"hidden_2"``), or no ``name=`` and let Keras number them.
"""

from __future__ import annotations

import libcst as cst

from kerasdoctor.lint.base import Check
from kerasdoctor.lint.checks._util import argument, keyword, layer_class, method_name, receiver_name, sequence_elements, string_value, target_names


class DuplicateLayerNames(Check):
    requires = ("name",)

    def __init__(self, *args: object) -> None:
        super().__init__(*args)  # type: ignore[arg-type]
        self.added: dict[int, dict[str, tuple[set[str], int]]] = {}  # per function: model -> (names added, branch depth)
        self.depth = 0  # if/try/loop blocks around the current statement: their adds may exclude each other

    def visit_If(self, node: cst.If) -> None:
        self.depth += 1

    def leave_If(self, node: cst.If) -> None:
        self.depth -= 1

    def visit_Try(self, node: cst.Try) -> None:
        self.depth += 1

    def leave_Try(self, node: cst.Try) -> None:
        self.depth -= 1

    def visit_For(self, node: cst.For) -> None:
        self.depth += 1

    def leave_For(self, node: cst.For) -> None:
        self.depth -= 1

    def visit_While(self, node: cst.While) -> None:
        self.depth += 1

    def leave_While(self, node: cst.While) -> None:
        self.depth -= 1

    def _models(self) -> dict[str, tuple[set[str], int]]:
        function = self.ctx.function
        return self.added.setdefault(id(function.node) if function is not None else 0, {})

    def _name(self, layer: cst.BaseExpression) -> tuple[cst.BaseExpression, str] | None:
        if layer_class(self.ctx, layer) is None:
            return None
        given = keyword(layer, "name")  # type: ignore[arg-type]
        text = string_value(given.value) if given is not None else None
        return (given.value, text) if given is not None and text is not None else None

    def leave_Assign(self, node: cst.Assign) -> None:
        value = node.value
        fresh = isinstance(value, cst.Call) and self.ctx.qualify(value.func) == "keras.Sequential" and argument(value, 0, "layers") is None
        models = self._models()
        for target in node.targets:
            for name in target_names(target.target):
                if fresh and isinstance(target.target, cst.Name):
                    models[name.value] = (set(), self.depth)
                else:
                    models.pop(name.value, None)

    def visit_Call(self, node: cst.Call) -> None:
        if self.ctx.qualify(node.func) == "keras.Sequential":
            seen: set[str] = set()
            for layer in sequence_elements(argument(node, 0, "layers")) or []:
                named = self._name(layer)
                if named is None:
                    continue
                if named[1] in seen:
                    self.report(named[0], name=named[1])
                seen.add(named[1])
            return
        if method_name(node) != "add" or not node.args:
            return
        owner = receiver_name(node)
        tracked = self._models().get(owner) if owner is not None and not self.ctx.binds_locally(owner, parameters=True) else None
        if tracked is None or tracked[1] != self.depth:
            return  # an add inside an if/loop may be one of several alternatives
        names = tracked[0]
        named = self._name(node.args[0].value)
        if named is None:
            return
        if named[1] in names:
            self.report(named[0], name=named[1])
        names.add(named[1])


CHECK = DuplicateLayerNames

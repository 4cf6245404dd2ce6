"""``model.reset_states()``: a Keras 2 Model method that Keras 3 does not have.

What it detects:
    ``.reset_states()`` called on a model built or loaded in this file
    (``keras.Sequential``, ``keras.Model``, ``load_model``, a subclass of ``keras.Model``),
    or on ``self.model`` inside a ``keras.callbacks.Callback``. Target keras3. A layer's
    ``reset_states()`` still exists in Keras 3: other receivers stay silent.

Why it breaks:
    "AttributeError: 'Sequential' object has no attribute 'reset_states'".

Example:
    model.reset_states()

Use instead:
    for layer in model.layers:
        if getattr(layer, "stateful", False):
            layer.reset_state()

The fix writes that loop in place of a ``model.reset_states()`` statement: it is what
Keras 2's ``Model.reset_states`` did (reset every stateful layer of ``model.layers``); for a
metric it renames the call to ``reset_state()``, which Keras 2 (TF 2.5+) and 3 both have.
"""

from __future__ import annotations

import re

import libcst as cst

from kerasdoctor.lint.base import Check, Edit
from kerasdoctor.lint.checks._util import ModelTracker, method_name


def code_of(node: cst.CSTNode) -> str:
    return cst.Module([]).code_for_node(node)


class ModelResetStatesRemoved(Check):
    requires = ("reset_states",)

    def __init__(self, *args: object) -> None:
        super().__init__(*args)  # type: ignore[arg-type]
        self.models = ModelTracker(self.ctx)
        self.indents: list[str] = []
        self.statements: dict[int, tuple[cst.SimpleStatementLine, str]] = {}  # call -> its statement, indentation
        self.found: list[tuple[cst.Call, cst.SimpleStatementLine | None, str]] = []
        self.default_indent = "    "
        self.metrics: set[str] = set()  # names / self attributes holding a keras.metrics.Metric

    def visit_Module(self, node: cst.Module) -> None:
        self.default_indent = node.default_indent

    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        self.indents.append(node.indent if node.indent is not None else self.default_indent)

    def leave_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        self.indents.pop()

    def leave_Assign(self, node: cst.Assign) -> None:
        self.models.assigned(node)
        if len(node.targets) == 1 and isinstance(node.targets[0].target, (cst.Name, cst.Attribute)):
            value = node.value
            name = self.ctx.qualify(value.func) if isinstance(value, cst.Call) else None
            if name is not None and name.startswith("keras.metrics.") and name.rsplit(".", 1)[1][:1].isupper():
                self.metrics.add(code_of(node.targets[0].target))
            elif self.metrics:
                self.metrics.discard(code_of(node.targets[0].target))

    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> None:
        first = node.body[0] if len(node.body) == 1 else None
        expression = first.value if isinstance(first, cst.Expr) else None
        if isinstance(expression, cst.Call) and method_name(expression) == "reset_states":
            self.statements[id(expression)] = (node, "".join(self.indents))

    def _is_model(self, receiver: cst.BaseExpression, call: cst.Call) -> bool:
        if self.models.model_of(call) is not None:
            return True
        if isinstance(receiver, cst.Attribute) and receiver.attr.value == "model" and isinstance(receiver.value, cst.Name) and receiver.value.value == "self":
            return any(s.kind == "class" and "keras.callbacks.Callback" in s.bases for s in self.ctx.scopes)
        return False

    def visit_Call(self, node: cst.Call) -> None:
        if method_name(node) != "reset_states" or node.args:
            return
        receiver = node.func.value  # type: ignore[attr-defined]
        if self.metrics and self.ctx.qualify(receiver) is None and code_of(receiver) in self.metrics:
            # Metric.reset_state() exists since TF 2.5 and does the same: the old name is only an alias
            self.report(node, key="metric", edits=[Edit(node.func.attr, "reset_state")], model=code_of(receiver))  # type: ignore[attr-defined]
        elif self.ctx.qualify(receiver) is None and self._is_model(receiver, node):
            statement, indent = self.statements.get(id(node), (None, ""))
            self.found.append((node, statement, indent))

    def finish(self) -> None:
        if not self.found:
            return
        variable = next((n for n in ("layer", "stateful_layer", "rnn_layer") if not re.search(rf"\b{n}\b", self.ctx.source)), None)
        for call, statement, indent in self.found:
            edits = None
            if variable is not None and statement is not None and not isinstance(statement.body[0].semicolon, cst.Semicolon):
                model = code_of(call.func.value)  # type: ignore[attr-defined]
                inner = indent + self.default_indent
                loop = (
                    f'for {variable} in {model}.layers:\n{inner}if getattr({variable}, "stateful", False):\n'
                    f"{inner}{self.default_indent}{variable}.reset_state()"
                )
                edits = [Edit(statement.body[0], loop)]
            self.report(call, key="model", edits=edits, model=code_of(call.func.value))  # type: ignore[attr-defined]


CHECK = ModelResetStatesRemoved

"""Names of Keras models followed through one scope, statement by statement, until they escape.

A model name "escapes" when it is used other than as ``name.attribute``: passed to a
call, put in a list/tuple/dict, assigned to another name, returned, yielded, or
captured by a nested function. After that, what other code does with the model is
unknown, and checks built on this table stay silent about it.
"""

from __future__ import annotations

import libcst as cst

from kerasdoctor.lint.checks._util import argument, keyword, sequence_elements, target_names

TYPE_CHECKING = False
if TYPE_CHECKING:
    from kerasdoctor.lint.base import Context

_BATCH_KEYWORDS = ("batch_input_shape", "batch_size", "batch_shape")
_SHAPE_KEYWORDS = ("input_shape", "input_dim", *_BATCH_KEYWORDS)


class TrackedModel:
    __slots__ = ("built", "compiled", "declared", "empty", "kind")

    def __init__(self, kind: str, declared: bool | None, empty: bool = False) -> None:
        self.kind = kind  # "Sequential" | "Model"
        self.declared = declared  # a Sequential's input is declared (None: unknown)
        self.empty = empty  # Sequential() with no layer added yet
        self.built = False  # fit/build/predict/... has run on it
        self.compiled = False


class ModelUsage:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.models: dict[int, dict[str, TrackedModel]] = {}
        self._seen: set[int] = set()
        # every method call on a plain name, file-wide and in walk order: (order, method) per name
        self.methods: dict[str, list[tuple[int, str]]] = {}
        self.other_receivers: set[str] = set()  # methods called on `self.model`, `models[0]`, ...
        self.order = 0

    def called(self, call: cst.Call) -> None:
        """Record ``name.method(...)`` (and ``name(...)`` as the method "__call__")."""
        if not self.once(call):
            return
        self.order += 1
        func = call.func
        if isinstance(func, cst.Name):
            self.methods.setdefault(func.value, []).append((self.order, "__call__"))
        elif isinstance(func, cst.Attribute):
            if isinstance(func.value, cst.Name):
                self.methods.setdefault(func.value.value, []).append((self.order, func.attr.value))
            else:
                self.other_receivers.add(func.attr.value)
            if func.attr.value == "add" and isinstance(func.value, cst.Name) and call.args:
                model = self.get(func.value.value)
                if model is not None and model.empty:
                    model.empty = False
                    model.declared = self.declares_input(call.args[0].value)

    def earlier(self, name: str, methods: frozenset[str], before: int) -> bool:
        """Some call ``name.m(...)`` with ``m`` in ``methods`` came before the order ``before``."""
        return any(order < before and method in methods for order, method in self.methods.get(name, ()))

    def anywhere(self, name: str, method: str) -> bool:
        return any(m == method for _, m in self.methods.get(name, ())) or method in self.other_receivers

    def _table(self) -> dict[str, TrackedModel]:
        function = self.ctx.function
        return self.models.setdefault(id(function.node) if function is not None else 0, {})

    def once(self, node: cst.CSTNode) -> bool:
        """True the first time a node is fed (several checks feed the same table)."""
        if id(node) in self._seen:
            return False
        self._seen.add(id(node))
        return True

    def get(self, name: str | None) -> TrackedModel | None:
        if name is None or (len(self.ctx.scopes) > 1 and self.ctx.binds_locally(name, parameters=True)):
            return None
        return self._table().get(name)

    def assigned(self, node: cst.Assign) -> None:
        if not self.once(node):
            return
        table = self._table()
        value = node.value
        if isinstance(value, cst.Name):
            table.pop(value.value, None)  # `other = model`: an alias escapes
        created = self._created(value) if isinstance(value, cst.Call) else None
        for target in node.targets:
            for name in target_names(target.target):
                if created is not None and isinstance(target.target, cst.Name):
                    table[name.value] = created
                else:
                    table.pop(name.value, None)

    def _created(self, call: cst.Call) -> TrackedModel | None:
        qualified = self.ctx.qualify(call.func)
        if qualified == "keras.Model":
            return TrackedModel("Model", True) if argument(call, 1, "outputs") is not None else None
        if qualified != "keras.Sequential":
            return None
        if any(a.star for a in call.args):
            return None
        layers = argument(call, 0, "layers")
        if layers is None:
            return TrackedModel("Sequential", None, empty=True)
        items = sequence_elements(layers)
        if items is None:
            return None
        if not items:
            return TrackedModel("Sequential", None, empty=True)
        return TrackedModel("Sequential", self.declares_input(items[0]))

    def declares_input(self, layer: cst.BaseExpression) -> bool | None:
        """Whether a Sequential's first item declares the input shape (None: cannot tell)."""
        if not isinstance(layer, cst.Call):
            return None
        if any(a.star == "**" for a in layer.args):
            return None
        qualified = self.ctx.qualify(layer.func)
        if qualified == "keras.Input" or qualified in ("keras.layers.InputLayer", "keras.layers.Input"):
            return True
        if qualified is None or not qualified.startswith("keras.layers."):
            return None
        if qualified == "keras.layers.Embedding" and self.ctx.target != "keras3":
            return True  # Keras 2's Embedding declares input_shape=(input_length,) itself
        return any(keyword(layer, k) is not None for k in _SHAPE_KEYWORDS)

    def escaped(self, node: cst.BaseExpression) -> None:
        if type(node) is cst.Name:  # every argument and element of the file comes here: exact type, not isinstance
            function = self.ctx.function
            table = self.models.get(id(function.node) if function is not None else 0)
            if table:
                table.pop(node.value, None)


class ModelUsageCheck:
    """Mixin feeding the shared table; the check's own ``visit_Call`` calls ``self.usage_call``."""

    ctx: Context
    usage: ModelUsage

    def init_usage(self) -> None:
        self.usage = self.ctx.shared("model-usage", lambda: ModelUsage(self.ctx))

    def leave_Assign(self, node: cst.Assign) -> None:
        self.usage.assigned(node)

    def visit_Arg(self, node: cst.Arg) -> None:
        self.usage.escaped(node.value)

    def visit_Element(self, node: cst.Element) -> None:
        self.usage.escaped(node.value)

    def visit_DictElement(self, node: cst.DictElement) -> None:
        self.usage.escaped(node.value)

    def visit_Return(self, node: cst.Return) -> None:
        if node.value is not None:
            self.usage.escaped(node.value)

    def visit_Call(self, node: cst.Call) -> None:
        self.usage.called(node)

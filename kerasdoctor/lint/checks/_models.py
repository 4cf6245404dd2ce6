"""Models built in this file: their outputs (count, layer names) and final layer, for compile/fit checks.

Followed through simple module/function dataflow: ``out = Dense(1, name="age")(h)``,
``outputs = [a, b]``, ``model = keras.Model(inputs, outputs)``,
``keras.Sequential([...])`` and ``model.add(...)``. Anything else makes the
model unknown, and checks built on it stay silent.
"""

from __future__ import annotations

import libcst as cst

from kerasdoctor.lint.base import Check
from kerasdoctor.lint.checks._util import argument, layer_class, receiver_name, sequence_elements, string_value, target_names

TYPE_CHECKING = False
if TYPE_CHECKING:
    from kerasdoctor.lint.base import Context


class ModelInfo:
    __slots__ = ("call", "final_layer", "output_count", "output_names")

    def __init__(self, call: cst.Call) -> None:
        self.call = call
        self.output_count: int | None = None
        self.output_names: list[str] | None = None  # None: some name unknown
        self.final_layer: cst.Call | None = None  # the layer constructor that produces the (single) output


class ModelTable:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.models: dict[str, ModelInfo] = {}
        self.layer_of: dict[str, cst.Call] = {}  # tensor name -> constructor of the layer that produced it
        self.lists: dict[str, list[cst.BaseExpression]] = {}
        self._last: int = 0

    def assigned(self, node: cst.Assign) -> None:
        """Record an assignment; idempotent, since several checks share one table and all report it."""
        if id(node) == self._last:
            return
        self._last = id(node)
        targets = [t.target for t in node.targets]
        value = node.value
        single = len(targets) == 1 and isinstance(targets[0], cst.Name)
        for target in targets:
            for name in target_names(target):
                self.models.pop(name.value, None)
                self.layer_of.pop(name.value, None)
                self.lists.pop(name.value, None)
        if not single:
            return
        name = targets[0].value  # type: ignore[attr-defined]
        if isinstance(value, cst.Call):
            producer = self.producing_layer(value)
            if producer is not None:
                self.layer_of[name] = producer
            info = self.model_info(value)
            if info is not None:
                self.models[name] = info
        elements = sequence_elements(value)
        if elements is not None:
            self.lists[name] = elements

    def producing_layer(self, call: cst.Call) -> cst.Call | None:
        """``Dense(1, name="x")`` for ``Dense(1, name="x")(h)``."""
        if isinstance(call.func, cst.Call) and layer_class(self.ctx, call.func) is not None:
            return call.func
        return None

    def model_info(self, call: cst.Call) -> ModelInfo | None:
        qualified = self.ctx.qualify(call.func)
        if qualified == "keras.Sequential":
            info = ModelInfo(call)
            info.output_count = 1
            layers = sequence_elements(argument(call, 0, "layers"))
            if layers:
                last = layers[-1]
                info.final_layer = last if isinstance(last, cst.Call) and layer_class(self.ctx, last) else None
            return info
        if qualified != "keras.Model":
            return None
        outputs = argument(call, 1, "outputs")
        if outputs is None:
            return None
        info = ModelInfo(call)
        if isinstance(outputs, cst.Name) and outputs.value in self.lists:
            items: list[cst.BaseExpression] | None = self.lists[outputs.value]
        else:
            items = sequence_elements(outputs)
        if isinstance(outputs, cst.Dict):
            keys = [string_value(e.key) for e in outputs.elements if isinstance(e, cst.DictElement)]
            if len(keys) == len(outputs.elements) and all(k is not None for k in keys):
                info.output_count = len(keys)
                info.output_names = keys  # type: ignore[assignment]
            return info
        if items is None:
            if isinstance(outputs, cst.Name) and outputs.value in self.layer_of:
                items = [outputs]
                info.final_layer = self.layer_of[outputs.value]
            elif isinstance(outputs, cst.Call) and self.producing_layer(outputs) is not None:
                items = [outputs]
                info.final_layer = self.producing_layer(outputs)
            else:
                return info
        info.output_count = len(items)
        names: list[str] = []
        for item in items:
            layer = self.layer_of.get(item.value) if isinstance(item, cst.Name) else (self.producing_layer(item) if isinstance(item, cst.Call) else None)
            layer_name = string_value(argument(layer, -1, "name")) if layer is not None else None
            if layer_name is None:
                info.output_names = None
                break
            names.append(layer_name)
        else:
            info.output_names = names
        return info

    def added(self, call: cst.Call) -> None:
        """``model.add(Dense(...))`` on a Sequential model: the new final layer (idempotent too)."""
        if id(call) == self._last:
            return
        self._last = id(call)
        name = receiver_name(call)
        info = self.models.get(name) if name else None
        if info is not None and call.args:
            layer = call.args[0].value
            info.final_layer = layer if isinstance(layer, cst.Call) and layer_class(self.ctx, layer) else None

    def of_method_call(self, call: cst.Call) -> ModelInfo | None:
        name = receiver_name(call)
        return self.models.get(name) if name else None


class ModelTableCheck(Check):
    """Base of the checks that read the file's model table; one table per file, fed by every such check."""

    def __init__(self, *args: object) -> None:
        super().__init__(*args)  # type: ignore[arg-type]
        self.table: ModelTable = self.ctx.shared("models", lambda: ModelTable(self.ctx))

    def leave_Assign(self, node: cst.Assign) -> None:
        self.table.assigned(node)

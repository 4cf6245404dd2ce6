"""Which names hold symbolic tensors: ``keras.Input`` results, layer outputs, ``model.output``, TF1 placeholders.

Tracked per function (and the module), in statement order; any other
assignment to a name forgets it, so a check built on this only fires on
tensors it has followed from their source.
"""

from __future__ import annotations

import libcst as cst

from kerasdoctor.lint.base import Check
from kerasdoctor.lint.checks._util import is_model_factory, layer_class, target_names

TYPE_CHECKING = False
if TYPE_CHECKING:
    from kerasdoctor.lint.base import Context

_MODEL_TENSOR_ATTRS = frozenset({"output", "outputs", "input", "inputs"})
_FUNCTIONAL_HELPERS = frozenset({"concatenate", "add", "subtract", "multiply", "average", "maximum", "minimum", "dot"})
_PLACEHOLDERS = frozenset({"tensorflow.placeholder", "tensorflow.placeholder_with_default", "tensorflow.sparse_placeholder"})


class SymbolicTracker:
    def __init__(self, ctx: Context, *, placeholders: bool = False) -> None:
        self.ctx = ctx
        self.placeholders = placeholders
        # keyed by the enclosing function node (None = module)
        self.symbolic: dict[int, set[str]] = {}
        self.layers: dict[int, set[str]] = {}
        self.models: dict[int, set[str]] = {}
        self._assigned: set[int] = set()

    def _key(self) -> int:
        function = self.ctx.function
        return id(function.node) if function is not None else 0

    def _names(self, table: dict[int, set[str]], key: int | None = None) -> set[str]:
        if key is None:
            key = self._key()
        found = table.get(key)
        if found is None:
            found = table[key] = set()
        return found

    def assigned(self, node: cst.Assign) -> None:
        if id(node) in self._assigned:
            return  # a shared tracker is fed by every check that uses it
        self._assigned.add(id(node))
        value = node.value
        symbolic = self.is_symbolic(value)
        is_layer = layer_class(self.ctx, value) is not None
        is_model = type(value) is cst.Call and is_model_factory(self.ctx.qualify(value.func))  # type: ignore[attr-defined]
        key = self._key()
        sym, layers, models = self._names(self.symbolic, key), self._names(self.layers, key), self._names(self.models, key)
        for target in node.targets:
            plain = type(target.target) is cst.Name
            for name in target_names(target.target):
                for table, flag in ((sym, symbolic), (layers, is_layer), (models, is_model)):
                    if flag and plain:
                        table.add(name.value)
                    else:
                        table.discard(name.value)

    def holds_layer(self, name: str) -> bool:
        """``name`` here holds a layer object (``dense = Dense(3)``), not yet known to be applied."""
        return name in self._names(self.layers) and not (len(self.ctx.scopes) > 1 and self.ctx.binds_locally(name, parameters=True))

    def holds_model(self, name: str) -> bool:
        return name in self._names(self.models) and not (len(self.ctx.scopes) > 1 and self.ctx.binds_locally(name, parameters=True))

    def rebound(self, name: str) -> None:
        for table in (self.symbolic, self.layers, self.models):
            self._names(table).discard(name)

    def is_symbolic(self, node: cst.BaseExpression) -> bool:
        # called on every assigned value: exact type tests (libcst's ABC isinstance is slow; its node classes are never subclassed)
        if type(node) is cst.Name:
            return node.value in self._names(self.symbolic) and not (len(self.ctx.scopes) > 1 and self.ctx.binds_locally(node.value))
        if type(node) is cst.Call:
            qualified = self.ctx.qualify(node.func)
            if qualified == "keras.Input":
                return True
            if self.placeholders and qualified in _PLACEHOLDERS:
                return True
            args = [a.value for a in node.args if not a.keyword or a.keyword.value in ("inputs", "x")]
            if qualified is not None and (
                qualified.startswith("keras.ops.") or (qualified[13:] in _FUNCTIONAL_HELPERS and qualified.startswith("keras.layers."))
            ):
                return any(self._symbolic_arg(a) for a in args)
            # Dense(3)(x) or dense(x) with dense = Dense(3)
            applies_layer = layer_class(self.ctx, node.func) is not None or (isinstance(node.func, cst.Name) and node.func.value in self._names(self.layers))
            if applies_layer:
                return any(self._symbolic_arg(a) for a in args)
            return False
        if type(node) is cst.Attribute and node.attr.value in _MODEL_TENSOR_ATTRS:
            root = node.value
            while isinstance(root, (cst.Attribute, cst.Subscript)):
                root = root.value
            return isinstance(root, cst.Name) and root.value in self._names(self.models)
        if type(node) is cst.Subscript:
            return self.is_symbolic(node.value)
        if type(node) is cst.BinaryOperation:
            return self.is_symbolic(node.left) or self.is_symbolic(node.right)
        return False

    def _symbolic_arg(self, node: cst.BaseExpression) -> bool:
        if isinstance(node, (cst.List, cst.Tuple)):
            return any(self.is_symbolic(e.value) for e in node.elements)
        return self.is_symbolic(node)


def shared_tracker(ctx: Context) -> SymbolicTracker:
    """The file's one tracker (without TF1 placeholders), shared by the checks that need it.

    Checks that must see a name's binding from before an assignment read it in
    ``visit_Assign``: another check's ``leave_Assign`` may already have fed the tracker.
    """
    tracker: SymbolicTracker = ctx.shared("symbolic", lambda: SymbolicTracker(ctx))
    return tracker


class SymbolicCheck(Check):
    """A check that asks the file's shared tracker which names hold symbolic tensors.

    It feeds the tracker every assignment (each assignment is tracked once, whichever check
    feeds it first); a subclass that also handles assignments calls this one's ``leave_Assign``.
    """

    def __init__(self, *args: object) -> None:
        super().__init__(*args)  # type: ignore[arg-type]
        self.tracker = shared_tracker(self.ctx)

    def leave_Assign(self, node: cst.Assign) -> None:
        self.tracker.assigned(node)

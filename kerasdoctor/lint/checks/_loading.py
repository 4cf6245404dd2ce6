"""What the two load-time checks share: custom classes/functions a file defines, and its load calls."""

from __future__ import annotations

import libcst as cst

from kerasdoctor.lint.base import Check
from kerasdoctor.lint.checks._util import is_false, keyword, sequence_elements

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence

LOADERS = frozenset({"keras.models.load_model", "keras.models.model_from_json", "keras.models.model_from_yaml", "keras.models.model_from_config"})
_REGISTRATION = frozenset({"keras.saving.register_keras_serializable"})
_GLOBAL_REGISTRATION = frozenset({"keras.saving.get_custom_objects", "keras.saving.custom_object_scope"})


class LoadingCheck(Check):
    """Collects class/function definitions, their uses, and loads without ``custom_objects``."""

    def __init__(self, *args: object) -> None:
        super().__init__(*args)  # type: ignore[arg-type]
        self.classes: dict[str, str] = {}  # unregistered local Keras class -> its Keras base
        self.functions: set[str] = set()  # module-level functions
        # per scope (id of the enclosing function node, 0 = module): names called (Class(...)) and passed to compile
        self.called: dict[int, set[str]] = {}
        self.compile_losses: dict[int, set[str]] = {}
        self.compile_metrics: dict[int, set[str]] = {}
        self.loads: list[tuple[cst.Call, bool, int]] = []  # (call, compile=False, scope)
        self.registered_globally = False
        self.scope_depth = 0

    def leave_ClassDef(self, node: cst.ClassDef) -> None:  # leave: the walk has resolved its bases by then
        base = self.ctx.local_classes.get(node.name.value)
        if base is not None and not self._registered(node.decorators):
            self.classes[node.name.value] = base

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        if self.ctx.at_module_level and not self._registered(node.decorators):
            self.functions.add(node.name.value)

    def _registered(self, decorators: Sequence[cst.Decorator]) -> bool:
        for decorator in decorators:
            expr = decorator.decorator.func if isinstance(decorator.decorator, cst.Call) else decorator.decorator
            if self.ctx.qualify(expr) in _REGISTRATION:
                return True
        return False

    def visit_With(self, node: cst.With) -> None:
        if any(isinstance(i.item, cst.Call) and self.ctx.qualify(i.item.func) in _GLOBAL_REGISTRATION for i in node.items):
            self.scope_depth += 1

    def leave_With(self, node: cst.With) -> None:
        if any(isinstance(i.item, cst.Call) and self.ctx.qualify(i.item.func) in _GLOBAL_REGISTRATION for i in node.items):
            self.scope_depth -= 1

    def _scope(self) -> int:
        function = self.ctx.function
        return id(function.node) if function is not None else 0

    def in_scope(self, table: dict[int, set[str]], scope: int) -> set[str]:
        """What a load in ``scope`` can see: its own function's names; at module level, the whole file's."""
        if scope != 0:
            return table.get(scope, set())
        return set().union(*table.values()) if table else set()

    def visit_Call(self, node: cst.Call) -> None:
        if isinstance(node.func, cst.Name):
            self.called.setdefault(self._scope(), set()).add(node.func.value)
        qualified = self.ctx.qualify(node.func)
        if qualified in _GLOBAL_REGISTRATION:
            self.registered_globally = True
        elif qualified in LOADERS:
            if keyword(node, "custom_objects") is None and self.scope_depth == 0:
                compile_arg = keyword(node, "compile")
                self.loads.append((node, compile_arg is not None and is_false(compile_arg.value), self._scope()))
        elif qualified is None and isinstance(node.func, cst.Attribute) and node.func.attr.value == "compile":
            for index, arg in enumerate(node.args):
                # compile(optimizer, loss, metrics, ...) positionally, or by keyword
                name = arg.keyword.value if arg.keyword is not None else ("optimizer", "loss", "metrics")[index] if index < 3 else ""
                table = {"loss": self.compile_losses, "metrics": self.compile_metrics, "weighted_metrics": self.compile_metrics}.get(name)
                if table is not None:
                    table.setdefault(self._scope(), set()).update(_referenced(arg.value))


def _referenced(node: cst.BaseExpression) -> set[str]:
    """Names passed as a loss/metric: ``f``, ``[f, "mae"]``, ``{"out": f}``, ``MyLoss()``."""
    if isinstance(node, cst.Name):
        return {node.value}
    if isinstance(node, cst.Call) and isinstance(node.func, cst.Name):
        return {node.func.value}
    items = sequence_elements(node)
    if items is not None:
        return set().union(*(_referenced(i) for i in items)) if items else set()
    if isinstance(node, cst.Dict):
        return set().union(*(_referenced(e.value) for e in node.elements if isinstance(e, cst.DictElement))) if node.elements else set()
    return set()

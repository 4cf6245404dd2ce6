"""What the two load-time checks share: custom classes/functions a file defines, and its load calls.

A load is judged by what the file shows was saved to that path: ``m.save(P)``,
``save_model(m, P)``, ``ModelCheckpoint(P)`` then ``m.fit(...)``, ``P = m.to_json()``.
Which of the file's classes a model uses is followed through assignments
(``x = Scale()(x)``, ``model = keras.Model(inputs, x)``, ``model.add(Scale())``,
``model = build()`` with ``build`` defined in the file). A downloaded model
(``get_file``, a URL) holds none of this file's classes. A path the file does
not save to (a parameter, another run's output) falls back to "the classes
this scope uses".
"""

from __future__ import annotations

import libcst as cst

from kerasdoctor.lint.base import Check
from kerasdoctor.lint.checks._util import argument, is_false, keyword, method_name, names_in, receiver_name, sequence_elements, string_value

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence

LOADERS = frozenset({"keras.models.load_model", "keras.models.model_from_json", "keras.models.model_from_yaml", "keras.models.model_from_config"})
_REGISTRATION = frozenset({"keras.saving.register_keras_serializable"})
_GLOBAL_REGISTRATION = frozenset({"keras.saving.get_custom_objects", "keras.saving.custom_object_scope"})
_SERIALIZED = ("keras.callbacks.",)  # bases whose subclasses are never part of a saved model
_TO_CONFIG = frozenset({"to_json", "to_yaml", "get_config"})


class LoadingCheck(Check):
    """Collects class/function definitions, their uses, and loads without ``custom_objects``."""

    requires = ("load_model", "model_from_")

    def __init__(self, *args: object) -> None:
        super().__init__(*args)  # type: ignore[arg-type]
        self.classes: dict[str, str] = {}  # unregistered local Keras class -> its Keras base
        self.functions: set[str] = set()  # module-level functions
        # per scope (id of the enclosing function node, 0 = module): names called (Class(...)) and passed to compile
        self.called: dict[int, set[str]] = {}
        self.compile_losses: dict[int, set[str]] = {}
        self.compile_metrics: dict[int, set[str]] = {}
        # (call, compile=False, scope, the custom names / losses of what was saved to its path: None when the file does not show it)
        self.loads: list[tuple[cst.Call, bool, int, set[str] | None, set[str] | None]] = []
        self.registered_globally = False
        self.scope_depth = 0
        # per scope: name -> the file's classes (and metric functions) the value bound to it was built from
        self.built_from: dict[int, dict[str, set[str]]] = {}
        self.function_scopes: dict[str, int] = {}  # module-level function -> its scope key
        self.saved: dict[str, set[str]] = {}  # path key -> custom names of the models saved there
        self.saved_losses: dict[str, set[str]] = {}  # path key -> the losses that model was compiled with
        self.model_losses: dict[int, dict[str, set[str]]] = {}  # per scope: model name -> its compile(loss=...) names
        self.checkpoints: dict[int, list[str]] = {}  # per scope: ModelCheckpoint paths not yet tied to a fit()
        self.downloaded: set[str] = set()  # names bound to keras.utils.get_file(...)
        # a file that never loads a model gets no finding from these checks: skip the dataflow
        self.loads_models = "load_model" in self.ctx.source or "model_from_" in self.ctx.source

    def leave_ClassDef(self, node: cst.ClassDef) -> None:  # leave: the walk has resolved its bases by then
        base = self.ctx.local_classes.get(node.name.value)
        if base is not None and not self._registered(node.decorators):
            self.classes[node.name.value] = base

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        if self.ctx.at_module_level:
            self.function_scopes[node.name.value] = id(node)
            if not self._registered(node.decorators):
                self.functions.add(node.name.value)

    def leave_Assign(self, node: cst.Assign) -> None:
        if not self.loads_models:
            return
        value = node.value
        names = [t.target.value for t in node.targets if isinstance(t.target, cst.Name)]
        if not names:
            return
        if isinstance(value, cst.Call):
            if self.ctx.qualify(value.func) == "keras.utils.get_file":
                self.downloaded.update(names)
            elif method_name(value) in _TO_CONFIG and receiver_name(value):
                for name in names:
                    self.saved[f"name:{name}"] = set(self.custom_of(value.func.value))  # type: ignore[attr-defined]
                    self.saved_losses[f"name:{name}"] = set()  # an architecture: no training config
        losses = self.model_losses.get(self._scope())
        if losses:
            for name in names:
                losses.pop(name, None)
        if not self.ctx.local_classes and not self.built_from:
            return  # nothing of this file's to follow yet: the common case costs nothing
        table = self.built_from.setdefault(self._scope(), {})
        found = self.custom_of(value)
        for name in names:
            if found:
                table[name] = found
            else:
                table.pop(name, None)

    def custom_of(self, node: cst.BaseExpression) -> set[str]:
        """The file's classes an expression's value is built from (following names bound earlier)."""
        if isinstance(node, cst.Name):
            return self._lookup(node.value)
        found: set[str] = set()
        for name in names_in(node):
            if isinstance(name, cst.Name):
                found |= self._lookup(name.value)
        return found

    def _lookup(self, name: str) -> set[str]:
        if name in self.ctx.local_classes:
            return {name}
        own = self.built_from.get(self._scope(), {}).get(name)
        if own is not None:
            return own
        module = self.built_from.get(0, {}).get(name)
        if module is not None:
            return module
        scope = self.function_scopes.get(name)
        if scope is not None:  # build() defined in this file: the classes its body uses
            return {n for n in self.called.get(scope, set()) if n in self.ctx.local_classes} | set().union(*self.built_from.get(scope, {}).values())
        return set()

    def _add_built_from(self, receiver: str | None, names: set[str]) -> None:
        if receiver and names:
            self.built_from.setdefault(self._scope(), {}).setdefault(receiver, set()).update(names)

    def _save(self, path: cst.BaseExpression | None, model: cst.BaseExpression | None) -> None:
        key = _path_key(path)
        if key is not None:  # the file at that path now holds this model (an earlier save there is overwritten)
            self.saved[key] = set(self.custom_of(model)) if model is not None else set()
            self.saved_losses[key] = self._losses_of(model)

    def _losses_of(self, model: cst.BaseExpression | None) -> set[str]:
        if not isinstance(model, cst.Name):
            return set()
        return set(self.model_losses.get(self._scope(), {}).get(model.value) or self.model_losses.get(0, {}).get(model.value) or ())

    def _saved_there(self, call: cst.Call) -> tuple[set[str] | None, set[str] | None]:
        """The custom names and losses of what the file saved to the loaded path (empty for a download; None when
        the file does not show what is there)."""
        path = argument(call, 0, "filepath")
        if path is None:
            path = argument(call, 0, "json_string") or argument(call, 0, "config")
        key = _path_key(path)
        if key is not None and key in self.saved:
            return self.saved[key], self.saved_losses.get(key, set())
        if key is not None and (key.startswith(("str:http://", "str:https://", "str:gs://")) or key[5:] in self.downloaded):
            return set(), set()  # a downloaded model: this file's classes are not in it
        return None, None

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
        if not self.loads_models:
            return
        if isinstance(node.func, cst.Name):
            self.called.setdefault(self._scope(), set()).add(node.func.value)
        qualified = self.ctx.qualify(node.func)
        if qualified in _GLOBAL_REGISTRATION:
            self.registered_globally = True
        elif qualified in LOADERS:
            if keyword(node, "custom_objects") is None and self.scope_depth == 0:
                compile_arg = keyword(node, "compile")
                self.loads.append((node, compile_arg is not None and is_false(compile_arg.value), self._scope(), *self._saved_there(node)))
        elif qualified == "keras.models.save_model":
            self._save(argument(node, 1, "filepath"), argument(node, 0, "model"))
        elif qualified == "keras.callbacks.ModelCheckpoint":
            key = _path_key(argument(node, 0, "filepath"))
            if key is not None:
                self.checkpoints.setdefault(self._scope(), []).append(key)
        elif qualified is None and isinstance(node.func, cst.Attribute):
            method, receiver = node.func.attr.value, receiver_name(node)
            if method == "compile":
                for index, arg in enumerate(node.args):
                    # compile(optimizer, loss, metrics, ...) positionally, or by keyword
                    name = arg.keyword.value if arg.keyword is not None else ("optimizer", "loss", "metrics")[index] if index < 3 else ""
                    table = {"loss": self.compile_losses, "metrics": self.compile_metrics, "weighted_metrics": self.compile_metrics}.get(name)
                    if table is not None:
                        referenced = _referenced(arg.value)
                        table.setdefault(self._scope(), set()).update(referenced)
                        if table is self.compile_metrics:
                            self._add_built_from(receiver, referenced)
                        elif receiver:
                            self.model_losses.setdefault(self._scope(), {})[receiver] = referenced
            elif method == "save" and receiver:
                self._save(argument(node, 0, "filepath"), node.func.value)
            elif method == "add" and receiver and node.args:
                self._add_built_from(receiver, self.custom_of(node.args[0].value))
            elif method == "fit" and receiver:
                for key in self.checkpoints.pop(self._scope(), []):
                    self.saved.setdefault(key, set()).update(self.custom_of(node.func.value))
                    self.saved_losses.setdefault(key, set()).update(self._losses_of(node.func.value))

    def not_a_keras_file(self, call: cst.Call) -> bool:
        """A literal path without .h5/.keras: tf.keras 2 saved a TF SavedModel there and revives its classes on
        load; Keras 3 refuses the path itself (another error than a missing custom object)."""
        path = string_value(argument(call, 0, "filepath"))
        return self.ctx.target in ("keras2", "keras3") and path is not None and not path.lower().endswith((".h5", ".hdf5", ".keras", ".json"))

    def saved_classes(self, names: set[str]) -> list[str]:
        """The unregistered classes and metric functions of this file among ``names`` (what custom_objects must name)."""
        return sorted(
            n
            for n in names
            if (n in self.classes and not self.classes[n].startswith(("keras.losses.", *_SERIALIZED))) or (n in self.functions and n not in self.classes)
        )


def _path_key(node: cst.BaseExpression | None) -> str | None:
    """``str:m.keras`` for a literal path, ``name:path`` for a variable, else None (not followed)."""
    text = string_value(node)
    if text is not None:
        return f"str:{text}"
    if isinstance(node, cst.Name):
        return f"name:{node.value}"
    return None


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

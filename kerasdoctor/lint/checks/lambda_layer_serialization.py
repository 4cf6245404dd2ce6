"""Lambda layers in a model that the same file saves or exports.

What it detects:
    A ``keras.layers.Lambda`` layer (any import spelling) that reaches a model which this
    file saves whole (``model.save``, ``save_model``, ``to_json``, ``fit`` with a
    ``ModelCheckpoint`` that saves whole models). Target keras3 only: Keras 2 loads the
    pickled function back on the same Python version. An inference export
    (``model.export``, ``tf.saved_model.save``) is traced, not deserialized: no finding.

    Which model a Lambda reaches is followed through names: ``layer = Lambda(...)``,
    ``x = Lambda(...)(x)``, ``model = Sequential([..., layer])`` / ``Model(inputs, x)``,
    ``model.add(...)``, ``return model`` from a builder function. A name bound again
    (``model = Sequential(...)`` in the next notebook cell) is a new model; what another
    library's object keeps (``tf_agents`` networks, a ``PolicySaver``) is not followed. A
    Lambda written where none of these reach it counts as saved when the file saves any model.

Why it breaks:
    A Lambda layer is stored as Python bytecode (Keras 2) or refused outright
    (Keras 3 ``safe_mode``): loading fails on another Python version, with
    "bad marshal data", or asks for ``safe_mode=False``.

Example:
    model.add(Lambda(lambda x: x * 2))
    model.save("model.keras")

Use instead:
    A small ``keras.layers.Layer`` subclass registered with
    ``@keras.saving.register_keras_serializable()``.
"""

from __future__ import annotations

import libcst as cst

from kerasdoctor.lint.base import Check
from kerasdoctor.lint.checks._util import calls_in, is_true, keyword, method_name, names_in
from kerasdoctor.lint.resolve import dotted
from kerasdoctor.lint.walk import subtree

_SAVE_FUNCTIONS = frozenset({"keras.models.save_model", "keras.models.model_to_json"})
_SAVE_METHODS = frozenset({"save", "to_json", "to_yaml"})
_FIT_METHODS = frozenset({"fit", "fit_generator"})
_GROW_METHODS = frozenset({"add", "append", "extend", "insert"})
_FOLLOWED = frozenset({"save_model", "model_to_json"}) | _SAVE_METHODS | _FIT_METHODS | _GROW_METHODS


class LambdaLayerSerialization(Check):
    requires = ("Lambda",)

    def __init__(self, *args: object) -> None:
        super().__init__(*args)  # type: ignore[arg-type]
        self.lambdas: list[cst.Call] = []
        self.lambda_ids: set[int] = set()
        self.held: set[int] = set()  # Lambdas some name holds
        self.holders: dict[str, frozenset[int]] = {}  # name (or `self.x`) -> the Lambdas its value holds
        self.checkpoints: set[int] = set()  # ModelCheckpoint calls that save whole models
        self.checkpoint_names: set[str] = set()  # names whose value holds one (the callback, a callbacks list)
        self.saved: set[int] = set()
        self.saves_any = False  # a model is saved somewhere (for the Lambdas no name holds)

    # --- what holds what ---------------------------------------------------------------
    def _lambdas_of(self, node: cst.CSTNode) -> frozenset[int]:
        """The Lambdas ``node``'s value holds: its own, and those of the names it reads, except through
        another library's object (``PolicySaver(policy)``, ``tf_agents.networks.Sequential([...])``)."""
        calls = list(calls_in(node))
        self.held.update(id(call) for call in calls if id(call) in self.lambda_ids)  # followed, or handed on
        foreign: set[int] = set()
        for call in calls:
            qualified = self.ctx.qualify(call.func)
            if qualified is not None and not qualified.startswith(("keras.", "tensorflow.")) and id(call) not in foreign:
                foreign.update(id(n) for arg in call.args for n in subtree(arg))
        found = {id(call) for call in calls if id(call) in self.lambda_ids and id(call) not in foreign}
        for name in names_in(node):
            text = dotted(name)  # type: ignore[arg-type]
            if text is not None and text in self.holders and id(name) not in foreign:
                found.update(self.holders[text])
        return frozenset(found)

    def _has_checkpoint(self, node: cst.CSTNode) -> bool:
        if self.checkpoints and any(id(call) in self.checkpoints for call in calls_in(node)):
            return True
        return bool(self.checkpoint_names) and any(dotted(n) in self.checkpoint_names for n in names_in(node))  # type: ignore[arg-type,operator]

    def _bind(self, key: str, lambdas: frozenset[int], checkpoint: bool) -> None:
        if lambdas:
            self.holders[key] = lambdas
        else:
            self.holders.pop(key, None)
        if checkpoint:
            self.checkpoint_names.add(key)
        else:
            self.checkpoint_names.discard(key)

    def leave_Assign(self, node: cst.Assign) -> None:
        if not self.lambdas and not self.checkpoints:
            return
        lambdas = self._lambdas_of(node.value)
        checkpoint = self._has_checkpoint(node.value)
        for target in node.targets:
            for element in _targets(target.target):
                key = dotted(element)
                if key is not None:
                    self._bind(key, lambdas, checkpoint)

    def leave_Return(self, node: cst.Return) -> None:
        # `def build(): ...; return model`: a call of build() holds what model held
        function = self.ctx.function
        if node.value is not None and function is not None and function.name and self.lambdas:
            lambdas = self._lambdas_of(node.value)
            if lambdas:
                self.holders[function.name] = self.holders.get(function.name, frozenset()) | lambdas

    # --- calls -----------------------------------------------------------------------
    def visit_Call(self, node: cst.Call) -> None:
        qualified = self.ctx.qualify(node.func)
        if qualified == "keras.layers.Lambda":
            self.lambdas.append(node)
            self.lambda_ids.add(id(node))
            return
        if qualified == "keras.callbacks.ModelCheckpoint" and not is_true(getattr(keyword(node, "save_weights_only"), "value", None)):
            self.checkpoints.add(id(node))

    def leave_Call(self, node: cst.Call) -> None:
        # after the arguments are visited: `model.add(Lambda(...))`, `fit(callbacks=[ModelCheckpoint(...)])`
        func = node.func
        spelt = func.attr.value if isinstance(func, cst.Attribute) else func.value if isinstance(func, cst.Name) else None
        if spelt not in _FOLLOWED:
            return
        qualified = self.ctx.qualify(func)
        if qualified in _SAVE_FUNCTIONS:
            self.saves_any = True
            first = node.args[0].value if node.args and node.args[0].keyword is None else getattr(keyword(node, "model"), "value", None)
            if first is not None:
                self.saved.update(self._lambdas_of(first))
            return
        if qualified is not None or not isinstance(node.func, cst.Attribute):
            return  # np.save / torch.save resolve to an import; a model is a local object
        method = method_name(node)
        receiver = dotted(node.func.value)
        if receiver is None:
            return  # frames[0].save(...), make_model().save(...): not followed
        if method in _SAVE_METHODS:
            self.saves_any = True
            self.saved.update(self.holders.get(receiver, ()))
        elif method in _FIT_METHODS:
            callbacks = keyword(node, "callbacks")
            if callbacks is not None and self._has_checkpoint(callbacks.value):
                self.saves_any = True
                self.saved.update(self.holders.get(receiver, ()))
        elif method in _GROW_METHODS and node.args and (self.lambdas or self.checkpoints):
            lambdas = frozenset().union(*(self._lambdas_of(arg.value) for arg in node.args))
            if lambdas:
                self._bind(receiver, self.holders.get(receiver, frozenset()) | lambdas, receiver in self.checkpoint_names)
            if any(self._has_checkpoint(arg.value) for arg in node.args):
                self.checkpoint_names.add(receiver)

    def finish(self) -> None:
        for call in self.lambdas:
            key = id(call)
            if key in self.saved or (key not in self.held and self.saves_any):
                self.report(call)


def _targets(target: cst.BaseExpression) -> list[cst.BaseExpression]:
    """The names and attributes an assignment target binds (``a, self.b = ...``)."""
    if isinstance(target, (cst.Tuple, cst.List)):
        return [t for element in target.elements for t in _targets(element.value)]
    if isinstance(target, cst.StarredElement):
        return _targets(target.value)
    return [target]


CHECK = LambdaLayerSerialization

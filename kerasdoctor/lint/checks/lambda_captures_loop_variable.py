"""A Lambda layer made in a loop whose function reads the loop variable.

What it detects:
    ``keras.layers.Lambda(lambda x: ... i ...)`` (any import spelling) written inside a ``for``
    loop or a comprehension that binds ``i``, where the lambda neither takes ``i`` as a parameter
    nor gets it through ``arguments=``. A ``for`` loop whose body also trains, evaluates,
    predicts with or saves a model (``fit``, ``predict``, ``evaluate``, ``train_on_batch``,
    ``save`` ...) uses each model within its own iteration and is not reported; a loop variable
    a nested ``def`` or ``class`` rebinds is not the loop's.

Why it breaks:
    A Python closure reads the variable when the function runs, not when it is made. Keras runs
    a Lambda's function again whenever the model is called (``predict``, ``fit``, a traced
    ``tf.function``, the functional model rebuilt at load time), after the loop has ended, so
    every Lambda made by the loop uses the loop's last value; a saved model stores the closure's
    value at save time, the last one, too. The model then computes something else than it seemed
    to while it was built, or differs once loaded.

Example:
    parts = [Lambda(lambda x: x[:, i])(inputs) for i in range(3)]

Use instead:
    parts = [Lambda(lambda x, i: x[:, i], arguments={"i": i})(inputs) for i in range(3)]

    (``lambda x, i=i: ...`` binds the value too, but Keras 3 cannot load a Lambda whose function
    has default values: "arg 4 (defaults) must be None or tuple". No automatic fix: the change
    alters what the model computes.)
"""

from __future__ import annotations

import libcst as cst

from kerasdoctor.lint.base import Check
from kerasdoctor.lint.checks._util import argument, keyword, target_names
from kerasdoctor.lint.walk import subtree

# a loop whose body uses a model does so with this iteration's value
_USES_MODEL = frozenset(
    {
        "fit",
        "fit_generator",
        "train_on_batch",
        "predict",
        "predict_generator",
        "predict_on_batch",
        "evaluate",
        "evaluate_generator",
        "test_on_batch",
        "save",
        "save_weights",
        "export",
    }
)


class LambdaCapturesLoopVariable(Check):
    requires = ("Lambda",)

    def __init__(self, *args: object) -> None:
        super().__init__(*args)  # type: ignore[arg-type]
        # one frame per function/class body; each frame is a stack of (names a loop binds, loop)
        self.frames: list[list[tuple[frozenset[str], cst.CSTNode]]] = [[]]

    # --- where the walk is ---------------------------------------------------------------
    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.frames.append([])

    def leave_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.frames.pop()

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.frames.append([])

    def leave_ClassDef(self, node: cst.ClassDef) -> None:
        self.frames.pop()

    def visit_For(self, node: cst.For) -> None:
        names = frozenset(name.value for name in target_names(node.target))
        if names and not _body_uses_model(node.body):
            self.frames[-1].append((names, node))
        else:
            self.frames[-1].append((frozenset(), node))

    def leave_For(self, node: cst.For) -> None:
        self.frames[-1].pop()

    def _comprehension(self, node: cst.CSTNode) -> None:
        names: set[str] = set()
        clause = getattr(node, "for_in", None)
        while clause is not None:
            names.update(name.value for name in target_names(clause.target))
            clause = clause.inner_for_in
        self.frames[-1].append((frozenset(names), node))

    def _leave_comprehension(self, node: cst.CSTNode) -> None:
        self.frames[-1].pop()

    visit_ListComp = visit_SetComp = visit_DictComp = visit_GeneratorExp = _comprehension
    leave_ListComp = leave_SetComp = leave_DictComp = leave_GeneratorExp = _leave_comprehension

    # --- the Lambda layers -----------------------------------------------------------------
    def visit_Call(self, node: cst.Call) -> None:
        loops = self.frames[-1]
        if not loops or self.ctx.qualify(node.func) != "keras.layers.Lambda":
            return
        function = argument(node, 0, "function")
        if not isinstance(function, cst.Lambda):
            return
        loop_names: set[str] = set()
        for names, _ in loops:
            loop_names |= names
        if not loop_names:
            return
        passed = _argument_names(keyword(node, "arguments"))
        if "*" in passed:
            return  # arguments= built elsewhere: which names it passes is not known here
        captured = sorted(name for name in _free_names(function) if name in loop_names and name not in passed)
        if captured:
            params = function.params.params
            first = params[0].name.value if params else "x"
            self.report(
                function,
                names=", ".join(f"`{name}`" for name in captured),
                params=", ".join([first, *captured]),
                arguments=", ".join(f"'{name}': {name}" for name in captured),
            )


def _body_uses_model(body: cst.CSTNode) -> bool:
    for current in subtree(body):
        if type(current) is cst.Call:
            func = current.func  # type: ignore[attr-defined]
            if type(func) is cst.Attribute and func.attr.value in _USES_MODEL:
                return True
    return False


def _parameters(params: cst.Parameters) -> set[str]:
    names = {p.name.value for group in (params.posonly_params, params.params, params.kwonly_params) for p in group}
    for star in (params.star_arg, params.star_kwarg):
        if isinstance(star, cst.Param):
            names.add(star.name.value)
    return names


def _free_names(function: cst.Lambda) -> list[str]:
    """The names the lambda's body reads that it does not bind itself, in order of appearance."""
    bound = _parameters(function.params)
    for current in subtree(function.body):
        if type(current) is cst.Lambda:
            bound |= _parameters(current.params)  # type: ignore[attr-defined]
        elif type(current) is cst.CompFor:
            bound.update(name.value for name in target_names(current.target))  # type: ignore[attr-defined]
    seen: list[str] = []
    for current in subtree(function.body):
        if type(current) is cst.Name:
            value = current.value  # type: ignore[attr-defined]
            if value not in bound and value not in seen:
                seen.append(value)
    return seen


def _argument_names(arg: cst.Arg | None) -> set[str]:
    """The keys of an ``arguments={...}`` dict literal; ``{"*"}`` when it is no literal (any name may be passed)."""
    if arg is None:
        return set()
    value = arg.value
    if not isinstance(value, cst.Dict):
        return {"*"}
    names = set()
    for element in value.elements:
        key = getattr(element, "key", None)
        if isinstance(key, cst.SimpleString):
            names.add(key.evaluated_value if isinstance(key.evaluated_value, str) else "")
    return names


CHECK = LambdaCapturesLoopVariable

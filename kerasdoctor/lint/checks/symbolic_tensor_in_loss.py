"""A loss function that reads a symbolic tensor of the model from outside (a VAE's ``z_mean``).

What it detects:
    ``model.compile(loss=f)`` where ``f`` is a module-level function whose body reads a
    module-level name holding a symbolic Keras tensor (``keras.Input``, a layer output,
    ``model.output``) that is not one of its parameters, or ``loss=make_loss(z_mean)`` given
    such a tensor as an argument.

Why it breaks:
    A loss only receives ``y_true`` and ``y_pred`` of each batch; the captured tensor is a
    placeholder of the model graph with no value inside the training function. TF 2.0-2.3:
    "Inputs to eager execution function cannot be Keras symbolic tensors"; TF 2.4+ and
    Keras 3: a KerasTensor passed to a TF/JAX function. It only worked in TF 1.x graph mode.

Example:
    z_mean = layers.Dense(2)(h)
    def vae_loss(x, x_decoded):
        return mse(x, x_decoded) - 0.5 * ops.mean(1 + z_log_var - ops.square(z_mean))
    vae.compile(optimizer="adam", loss=vae_loss)

Use instead:
    Add the term inside the model (``self.add_loss(...)`` in a layer that receives
    ``z_mean``/``z_log_var``), or compute the whole loss in a custom ``train_step``.
"""

from __future__ import annotations

import libcst as cst

from kerasdoctor.lint.base import Check
from kerasdoctor.lint.checks._symbolic import SymbolicTracker
from kerasdoctor.lint.checks._util import argument, method_name, names_in, target_names
from kerasdoctor.lint.walk import subtree

TYPE_CHECKING = False
if TYPE_CHECKING:
    from kerasdoctor.lint.base import Context
    from kerasdoctor.types import Rule


class SymbolicTensorInLoss(Check):
    requires = ("compile",)

    def __init__(self, ctx: Context, rule: Rule) -> None:
        super().__init__(ctx, rule)
        self.tracker = SymbolicTracker(ctx)
        self.functions: dict[str, cst.FunctionDef] = {}  # module-level functions by name

    def leave_Assign(self, node: cst.Assign) -> None:
        self.tracker.assigned(node)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        scopes = self.ctx.scopes
        if len(scopes) == 1 or (len(scopes) == 2 and scopes[1].node is node):  # the walk may enter its scope first
            self.functions[node.name.value] = node

    def visit_Call(self, node: cst.Call) -> None:
        if method_name(node) != "compile" or not self.ctx.at_module_level:
            return
        loss = argument(node, 1, "loss")
        if loss is None:
            return
        symbolic = self.tracker.symbolic.get(0, set())
        if not symbolic:
            return
        for candidate in _loss_functions(loss):
            tensor = self._captured(candidate, symbolic)
            if tensor is not None:
                self.report(candidate, loss=_text(candidate), tensor=tensor)

    def _captured(self, candidate: cst.BaseExpression, symbolic: set[str]) -> str | None:
        if isinstance(candidate, cst.Call):  # loss=make_loss(z_mean)
            for arg in candidate.args:
                if isinstance(arg.value, cst.Name) and arg.value.value in symbolic:
                    return arg.value.value
            return None
        if not isinstance(candidate, cst.Name) or candidate.value not in self.functions:
            return None
        function = self.functions[candidate.value]
        local = _bound_in(function)
        for name in names_in(function.body):
            if isinstance(name, cst.Name) and name.value in symbolic and name.value not in local:
                return name.value
        return None


def _loss_functions(loss: cst.BaseExpression) -> list[cst.BaseExpression]:
    if isinstance(loss, (cst.List, cst.Tuple)):
        return [element.value for element in loss.elements]
    if isinstance(loss, cst.Dict):
        return [element.value for element in loss.elements if isinstance(element, cst.DictElement)]
    return [loss]


def _bound_in(function: cst.FunctionDef) -> set[str]:
    """Parameters and names assigned anywhere in the function (they shadow the module's)."""
    params = function.params
    bound = {p.name.value for p in (*params.posonly_params, *params.params, *params.kwonly_params)}
    for star in (params.star_arg, params.star_kwarg):
        if isinstance(star, cst.Param):
            bound.add(star.name.value)
    for node in subtree(function.body):
        if isinstance(node, cst.Assign):
            for target in node.targets:
                bound.update(name.value for name in target_names(target.target))
        elif isinstance(node, (cst.AnnAssign, cst.AugAssign)) and isinstance(node.target, cst.Name):
            bound.add(node.target.value)
        elif isinstance(node, (cst.For, cst.CompFor)):
            bound.update(name.value for name in target_names(node.target))
        elif isinstance(node, (cst.FunctionDef, cst.ClassDef)):
            bound.add(node.name.value)
    return bound


def _text(node: cst.BaseExpression) -> str:
    return cst.Module(body=[]).code_for_node(node)


CHECK = SymbolicTensorInLoss

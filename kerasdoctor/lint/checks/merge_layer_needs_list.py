"""A merge layer called on separate tensors instead of one list: ``Concatenate()(a, b)``, ``add(a, b)``.

What it detects:
    ``Concatenate()`` / ``Add()`` / ``Multiply()`` / ... applied to two or more positional
    tensors, or to a single symbolic tensor that is not a list; the functional
    ``add(a, b)`` & co. with a second positional argument, and ``concatenate(a, b)`` whose
    second argument (the axis) is a symbolic tensor.

Why it breaks:
    Merge layers take their inputs as one list. The extra tensor lands in another
    parameter ("call() takes 2 positional arguments but 3 were given", or ``axis``), and
    one tensor alone is refused: "A merge layer should be called on a list of inputs"
    / "A `Concatenate` layer should be called on a list of at least 1 input".

Example:
    merged = keras.layers.Concatenate()(branch_a, branch_b)

Use instead:
    ``keras.layers.Concatenate()([branch_a, branch_b])`` / ``keras.layers.concatenate([a, b])``.
"""

from __future__ import annotations

import libcst as cst

from kerasdoctor.lint.checks._symbolic import SymbolicCheck
from kerasdoctor.lint.checks._util import has_star_args, layer_class, positional

_MERGE_LAYERS = frozenset({"Concatenate", "Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Dot"})
# functional forms whose only positional parameter is the list of inputs
_MERGE_FUNCTIONS = frozenset("keras.layers." + f for f in ("add", "subtract", "multiply", "average", "maximum", "minimum"))


class MergeLayerNeedsList(SymbolicCheck):
    requires = ("concatenate", "add", "subtract", "multiply", "average", "maximum", "minimum", "dot")

    def visit_Call(self, node: cst.Call) -> None:
        if has_star_args(node):
            return
        first, second = positional(node, 0), positional(node, 1)
        kind = layer_class(self.ctx, node.func)
        if kind in _MERGE_LAYERS:
            if second is not None or (first is not None and _one_tensor(first.value) and self.tracker.is_symbolic(first.value)):
                self.report(node, layer=f"{kind}()")
            return
        qualified = self.ctx.qualify(node.func)
        if qualified in _MERGE_FUNCTIONS and second is not None:
            self.report(node, layer=qualified[13:] + "()")  # type: ignore[index]
        elif qualified == "keras.layers.concatenate" and second is not None and self.tracker.is_symbolic(second.value):
            self.report(node, layer="concatenate()")


def _one_tensor(node: cst.BaseExpression) -> bool:
    """Not ``model.outputs`` / ``model.inputs``, which are lists."""
    return not (isinstance(node, cst.Attribute) and node.attr.value in ("outputs", "inputs"))


CHECK = MergeLayerNeedsList

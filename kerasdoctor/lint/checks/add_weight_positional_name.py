"""``add_weight("kernel", ...)``: Keras 2's positional name, which Keras 3 takes for the shape.

What it detects:
    A ``.add_weight(...)`` call whose first positional argument is a string (Keras 2's
    ``name``). Target keras3.

Why it breaks:
    Keras 2's signature is ``add_weight(name, shape, dtype, initializer, regularizer,
    trainable, constraint, ...)``; Keras 3's is ``add_weight(shape, initializer, dtype,
    ...)``: "`name` must be passed as a keyword argument. Received: add_weight('kernel', ...)"
    (older Keras 3: "got multiple values for argument 'shape'").

Example:
    self.kernel = self.add_weight("kernel", (input_dim, self.units))

Use instead:
    self.kernel = self.add_weight(name="kernel", shape=(input_dim, self.units))

The fix gives every positional argument its Keras 2 keyword, which Keras 2 and 3 both
accept with the same meaning.
"""

from __future__ import annotations

import libcst as cst

from kerasdoctor.lint.base import Check, Edit
from kerasdoctor.lint.checks._util import method_name

KERAS2_ORDER = ("name", "shape", "dtype", "initializer", "regularizer", "trainable", "constraint")


class AddWeightPositionalName(Check):
    requires = ("add_weight",)

    def visit_Call(self, node: cst.Call) -> None:
        if method_name(node) != "add_weight" or not node.args:
            return
        first = node.args[0]
        if first.keyword is not None or first.star or not isinstance(first.value, (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString)):
            return
        positional = [a for a in node.args if a.keyword is None]
        named = {a.keyword.value for a in node.args if a.keyword is not None}
        edits = None
        if not any(a.star for a in node.args) and len(positional) <= len(KERAS2_ORDER) and not named & set(KERAS2_ORDER[: len(positional)]):
            edits = [Edit(arg, f"{keyword}={code_of(arg.value)}") for keyword, arg in zip(KERAS2_ORDER, positional)]
        self.report(first, edits=edits, name=code_of(first.value))


def code_of(node: cst.CSTNode) -> str:
    return cst.Module([]).code_for_node(node)


CHECK = AddWeightPositionalName

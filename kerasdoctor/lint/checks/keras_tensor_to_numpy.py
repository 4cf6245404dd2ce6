"""A symbolic Keras tensor (``keras.Input``, a layer's output, ``model.output``) turned into NumPy values.

What it detects:
    ``t.numpy()``, ``np.array(t)`` / ``np.asarray(t)`` / ``np.<function>(t)`` where ``t`` holds
    a symbolic tensor followed from ``keras.Input`` through layers (``_symbolic.py``),
    outside a Layer's methods and traced functions.

Why it breaks:
    While a functional model is built, tensors are placeholders with a shape and dtype
    but no values: "'KerasTensor' object has no attribute 'numpy'", Keras 3 "A KerasTensor
    is symbolic: it's a placeholder for a shape an a dtype. It doesn't have any actual
    numerical value", tf.keras 2.4-2.6 "Cannot convert a symbolic Keras input/output to a
    numpy array".

Example:
    inputs = keras.Input((8,))
    scaled = np.log1p(inputs)

Use instead:
    ``keras.ops`` functions (``keras.ops.log1p(inputs)``), a Keras layer, or a Layer
    subclass whose ``call`` does the work on real tensors.
"""

from __future__ import annotations

import libcst as cst

from kerasdoctor.lint.checks._symbolic import SymbolicCheck
from kerasdoctor.lint.checks._util import method_name


class KerasTensorToNumpy(SymbolicCheck):
    requires = ("numpy",)

    def visit_Call(self, node: cst.Call) -> None:
        if self.ctx.in_autograph or self.ctx.in_layer_method():
            return
        if method_name(node) == "numpy" and not node.args and isinstance(node.func, cst.Attribute):
            if self.tracker.is_symbolic(node.func.value):
                self.report(node, how=".numpy()")
            return
        qualified = self.ctx.qualify(node.func)
        if qualified is None or not qualified.startswith("numpy.") or qualified.startswith("numpy.random."):
            return
        for arg in node.args:
            if arg.keyword is None and not arg.star and self.tracker.is_symbolic(arg.value):
                self.report(arg.value, how=qualified.replace("numpy.", "np.", 1) + "()")
                return


CHECK = KerasTensorToNumpy

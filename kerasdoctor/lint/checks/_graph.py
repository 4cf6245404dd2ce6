"""Where code runs traced by an explicit ``@tf.function`` (not Keras's own tracing of ``call``/``train_step``)."""

from __future__ import annotations

import libcst as cst

from kerasdoctor.lint.base import tf_function_flags

TYPE_CHECKING = False
if TYPE_CHECKING:
    from kerasdoctor.lint.base import Context


def traced_function(ctx: Context) -> cst.FunctionDef | None:
    """The innermost enclosing function when it is decorated with ``@tf.function`` (and not inside a lambda)."""
    for scope in reversed(ctx.scopes):
        if scope.kind == "lambda":
            return None
        if scope.kind == "function":
            node = scope.node
            if isinstance(node, cst.FunctionDef) and any(tf_function_flags(ctx, node)):
                return node
            return None
    return None

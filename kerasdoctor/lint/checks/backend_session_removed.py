"""``K.set_session`` / ``K.get_session``: TF 1 Keras sessions, gone from TF 2 Keras.

What it detects:
    A call of ``set_session`` / ``get_session`` from ``keras.backend``,
    ``tf.keras.backend`` or ``tf_keras.backend``; on Keras 3 also from
    ``tf.compat.v1.keras.backend`` (which Keras 3's compatibility namespace lacks; on
    tf.keras 2.x that spelling is the supported one and stays silent).

Why it breaks:
    ``AttributeError: module 'keras._tf_keras.keras.backend' has no attribute
    'set_session'`` (Keras 2.4+, tf.keras on TF 2, Keras 3); standalone Keras 2.3 on TF 2
    raises "`set_session` is not available when using TensorFlow 2.0.".

Example:
    K.set_session(tf.compat.v1.Session(config=config))

Use instead:
    for gpu in tf.config.list_physical_devices("GPU"):
        tf.config.experimental.set_memory_growth(gpu, True)
"""

from __future__ import annotations

import libcst as cst

from kerasdoctor.lint.base import Check

_FUNCTIONS = ("set_session", "get_session")
_REMOVED_EVERYWHERE = ("keras.backend", "tensorflow.keras.backend", "tf_keras.backend", "keras.api._v2.keras.backend")
_COMPAT_V1 = ("tensorflow.compat.v1.keras.backend",)


class BackendSessionRemoved(Check):
    requires = ("set_session", "get_session")

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if not (isinstance(func, cst.Attribute) and func.attr.value in _FUNCTIONS) and not isinstance(func, cst.Name):
            return
        raw = self.ctx.resolver.raw(func)
        if raw is None or self.ctx.qualify(func) is None:  # not an import, or shadowed by a parameter
            return
        module, _, name = raw.rpartition(".")
        if name not in _FUNCTIONS:
            return
        if module in _REMOVED_EVERYWHERE or (module in _COMPAT_V1 and self.ctx.target == "keras3"):
            self.report(node.func, name=name)


CHECK = BackendSessionRemoved

"""``tf.compat.v1.layers`` / ``tf.compat.v1.nn.rnn_cell`` with Keras 3.

What it detects:
    ``tf.compat.v1.layers.dense``, ``tf.compat.v1.nn.rnn_cell.LSTMCell`` and the like
    (``tf.layers.*`` after ``import tensorflow.compat.v1 as tf`` too) in code linted for
    Keras 3, unless the file sets ``TF_USE_LEGACY_KERAS``.

Why it breaks:
    TensorFlow >= 2.16 serves these modules from Keras's legacy TF 1 layers; with Keras 3
    installed they raise ``AttributeError: `dense` is not available with Keras 3.``
    (tensorflow/python/util/lazy_loader.py, ``KerasLazyLoader.__getattr__``).

Example:
    h = tf.compat.v1.layers.dense(x, 64)

Use instead:
    h = tf.keras.layers.Dense(64)(x), or ``pip install tf_keras`` and set
    ``TF_USE_LEGACY_KERAS=1`` before importing TensorFlow.
"""

from __future__ import annotations

import libcst as cst

from kerasdoctor.lint.base import Check

_LEGACY = ("tensorflow.compat.v1.layers.", "tensorflow.compat.v1.nn.rnn_cell.")


class Tf1LayersOnKeras3(Check):
    requires = ("layers",)

    def __init__(self, *args: object) -> None:
        super().__init__(*args)  # type: ignore[arg-type]
        self.inner: set[int] = set()
        # the legacy-Keras switch in the file itself (os.environ["TF_USE_LEGACY_KERAS"] = "1")
        self.legacy_keras = "TF_USE_LEGACY_KERAS" in self.ctx.source

    def visit_Attribute(self, node: cst.Attribute) -> None:
        if self.legacy_keras or id(node) in self.inner:
            return
        current: cst.BaseExpression = node
        while isinstance(current, cst.Attribute):
            self.inner.add(id(current))
            current = current.value
        raw = self.ctx.resolver.raw(node)
        if raw is None or self.ctx.qualify(node) is None:
            return
        for prefix in _LEGACY:
            if raw.startswith(prefix):
                name = raw[len(prefix) :].split(".", 1)[0]
                self.report(node, name=name, module="tf.compat.v1." + prefix[len("tensorflow.compat.v1.") : -1])
                return


CHECK = Tf1LayersOnKeras3

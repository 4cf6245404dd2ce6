"""``tf.contrib``, removed in TensorFlow 2.

What it detects:
    ``import tensorflow.contrib...``, ``from tensorflow.contrib import ...`` and
    ``tf.contrib.*`` used through the TF 2 ``tensorflow`` module (``tf.contrib`` symbols
    that TF 2 merely renamed, such as ``tf.contrib.data.AUTOTUNE``, are
    ``tf1-renamed-symbol``'s, with a fix).

Why it breaks:
    ``ModuleNotFoundError: No module named 'tensorflow.contrib'`` /
    ``AttributeError: module 'tensorflow' has no attribute 'contrib'``: contrib is gone
    from TF 2, ``tf.compat.v1`` included.

Example:
    init = tf.contrib.layers.xavier_initializer()

Use instead:
    init = tf.keras.initializers.GlorotUniform()
"""

from __future__ import annotations

import libcst as cst

from kerasdoctor.lint.checks._tf1 import Reference, Tf1Check
from kerasdoctor.lint.resolve import dotted

_ADVICE = {
    "slim": "pip install tf_slim and `import tf_slim as slim`",
    "layers.xavier_initializer": "use tf.keras.initializers.GlorotUniform() (GlorotNormal() for uniform=False)",
    "layers.variance_scaling_initializer": "use tf.keras.initializers.VarianceScaling(...)",
    "layers.l2_regularizer": "use tf.keras.regularizers.L2(scale / 2) (TF 1's took half the squared sum)",
    "layers.l1_regularizer": "use tf.keras.regularizers.L1(scale)",
    "layers": "use tf.keras.layers (or tf_slim for slim-style layers)",
    "rnn": "use tf.keras.layers cells (LSTMCell, GRUCell, SimpleRNNCell, StackedRNNCells) inside tf.keras.layers.RNN, or LSTM / GRU layers",
    "cudnn_rnn": "use tf.keras.layers.LSTM / GRU (they use cuDNN when their arguments allow)",
    "seq2seq": "use Keras layers (tensorflow_addons.seq2seq is end-of-life)",
    "crf": "use a maintained CRF layer (tensorflow_addons.text.crf_* is end-of-life)",
    "data": "use tf.data / tf.data.experimental",
    "learn": "use Keras models (model.fit) or tf.estimator on TF <= 2.15",
    "training": "use tf.data and Keras callbacks",
    "distribute": "use tf.distribute strategies",
    "tpu": "use tf.distribute.TPUStrategy",
    "opt": "use tf.keras.optimizers (AdamW is tf.keras.optimizers.AdamW)",
    "framework": "use the core TF 2 API (tf.nest, tf.train.load_variable ...)",
}
_DEFAULT = "replace it with core TF 2, Keras, or a separate package (tf_slim, tensorflow_probability), or run the code on TF 1.15"


def advice(name: str) -> str:
    """``name`` is the part after ``contrib.``."""
    parts = name.split(".") if name else []
    for length in range(len(parts), 0, -1):
        found = _ADVICE.get(".".join(parts[:length]))
        if found:
            return found
    return _DEFAULT


def _contrib_part(module: str) -> str | None:
    """``slim`` for ``tensorflow.contrib.slim``; None when not tf.contrib."""
    for prefix in ("tensorflow.contrib", "tensorflow.compat.v1.contrib"):
        if module == prefix:
            return ""
        if module.startswith(prefix + "."):
            return module[len(prefix) + 1 :]
    return None


class TfContribRemoved(Tf1Check):
    requires = ("contrib",)

    def found(self, ref: Reference, call: cst.Call | None) -> None:
        if not ref.name.startswith("contrib") or ref.kind in ("renamed", "arguments_changed"):
            return
        self.report(ref.node, name=f"tf.{ref.name}", advice=advice(ref.name[len("contrib.") :]))

    def visit_Import(self, node: cst.Import) -> None:
        super().visit_Import(node)
        if self.refs.declares_tf1:
            return
        for alias in node.names:
            module = dotted(alias.name) or ""
            part = _contrib_part(module)
            if part is not None and not self.guarded:
                self.report(alias, name=module, advice=advice(part))

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        super().visit_ImportFrom(node)
        if self.refs.declares_tf1 or node.relative or node.module is None:
            return
        module = dotted(node.module) or ""
        part = _contrib_part(module)
        names = () if isinstance(node.names, cst.ImportStar) else node.names
        if part is None and module in ("tensorflow", "tensorflow.compat.v1") and any(dotted(a.name) == "contrib" for a in names):
            part = ""
        if part is not None and not self.guarded:
            self.report(node.module, name=module if part or module != "tensorflow" else "tensorflow.contrib", advice=advice(part))


CHECK = TfContribRemoved

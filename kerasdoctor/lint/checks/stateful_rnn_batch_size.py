"""A stateful RNN in a model whose input gives the shape but not the batch size.

What it detects:
    ``LSTM/GRU/SimpleRNN/ConvLSTM*(..., stateful=True)`` (also inside ``Bidirectional``)
    given ``input_shape=``/``input_dim=`` without ``batch_input_shape``/``batch_size``; or
    in a ``Sequential([...])`` whose first item declares the input that way
    (``keras.Input(shape=...)`` without ``batch_size``, a layer with ``input_shape=``).
    A model with no declared input (built from the first batch) is left alone.

Why it breaks:
    A stateful RNN keeps one state per sample position across batches, so it creates its
    state variables for a fixed batch size: "If a RNN is stateful, it needs to know its
    batch size" (Keras 2 / tf.keras), "When using `stateful=True` in a RNN, the batch size
    must be static" (Keras 3).

Example:
    model = keras.Sequential([keras.Input((10, 4)), keras.layers.LSTM(32, stateful=True)])

Use instead:
    ``keras.Input(shape=(10, 4), batch_size=32)`` (Keras 2: ``batch_input_shape=(32, 10, 4)``
    on the first layer), and feed batches of exactly that size.
"""

from __future__ import annotations

import libcst as cst

from kerasdoctor.lint.base import Check
from kerasdoctor.lint.checks._util import argument, is_true, keyword, layer_class, sequence_elements

_RNNS = frozenset({"LSTM", "GRU", "SimpleRNN", "ConvLSTM1D", "ConvLSTM2D", "ConvLSTM3D", "RNN", "CuDNNLSTM", "CuDNNGRU"})
_BATCH_KEYWORDS = ("batch_input_shape", "batch_size", "batch_shape")
_SHAPE_KEYWORDS = ("input_shape", "input_dim")


class StatefulRnnBatchSize(Check):
    requires = ("stateful",)

    def _stateful(self, node: cst.BaseExpression) -> cst.Call | None:
        """The RNN call with stateful=True in ``node`` (itself or wrapped by Bidirectional/TimeDistributed)."""
        kind = layer_class(self.ctx, node)
        if kind in ("Bidirectional", "TimeDistributed"):
            inner = argument(node, 0, "layer")  # type: ignore[arg-type]
            return self._stateful(inner) if inner is not None else None
        if kind in _RNNS:
            flag = keyword(node, "stateful")  # type: ignore[arg-type]
            return node if flag is not None and is_true(flag.value) else None  # type: ignore[return-value]
        return None

    def visit_Call(self, node: cst.Call) -> None:
        if self.ctx.qualify(node.func) == "keras.Sequential":
            self._sequential(node)
            return
        rnn = self._stateful(node)
        if rnn is not None and _declares_shape_without_batch(node):
            self.report(keyword(rnn, "stateful") or rnn)  # type: ignore[arg-type]

    def _sequential(self, node: cst.Call) -> None:
        items = sequence_elements(argument(node, 0, "layers"))
        if not items or not isinstance(items[0], cst.Call):
            return
        first = items[0]
        if self.ctx.qualify(first.func) == "keras.Input" or layer_class(self.ctx, first) == "InputLayer":
            if any(keyword(first, k) is not None for k in _BATCH_KEYWORDS) or any(a.star for a in first.args):
                return
        elif not _declares_shape_without_batch(first):
            return
        for item in items[1:]:
            rnn = self._stateful(item)
            if rnn is not None:
                self.report(keyword(rnn, "stateful") or rnn)  # type: ignore[arg-type]


def _declares_shape_without_batch(call: cst.Call) -> bool:
    if any(a.star == "**" for a in call.args):
        return False
    has_shape = any(keyword(call, k) is not None for k in _SHAPE_KEYWORDS)
    return has_shape and not any(keyword(call, k) is not None for k in _BATCH_KEYWORDS)


CHECK = StatefulRnnBatchSize

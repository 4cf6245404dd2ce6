"""A recurrent layer that returns only its last step, followed by a layer that needs the whole sequence.

What it detects:
    ``LSTM``/``GRU``/``SimpleRNN`` (also inside ``Bidirectional``) without
    ``return_sequences=True``, directly followed by another recurrent layer, a ``Conv1D``,
    a 1-D pooling layer or a ``TimeDistributed`` layer: in a ``Sequential([...])`` list, in
    consecutive ``model.add(...)`` calls, or in a functional chain (``x = LSTM(64)(x)``,
    then ``LSTM(32)(x)``).

Why it breaks:
    Without ``return_sequences=True`` an RNN outputs (batch, units): one vector per
    sample. The next layer expects (batch, steps, features): "Input 0 of layer "lstm_1" is
    incompatible with the layer: expected ndim=3, found ndim=2".

Example:
    model = keras.Sequential([
        keras.Input((20, 8)),
        keras.layers.LSTM(64),
        keras.layers.LSTM(32),
    ])

Use instead:
    ``keras.layers.LSTM(64, return_sequences=True)`` for every recurrent layer but the last.
"""

from __future__ import annotations

import libcst as cst

from kerasdoctor.lint.base import Check
from kerasdoctor.lint.checks._util import (
    argument,
    is_false,
    keyword,
    layer_class,
    method_name,
    positional,
    receiver_name,
    sequence_elements,
    target_names,
)

_RNNS = frozenset({"LSTM", "GRU", "SimpleRNN", "CuDNNLSTM", "CuDNNGRU"})
# layers that keep their input's shape: an RNN's (batch, units) passes through them unchanged
_SAME_SHAPE = frozenset({"Dropout", "BatchNormalization", "LayerNormalization", "Activation", "GaussianNoise", "GaussianDropout", "ActivityRegularization"})
_NEEDS_SEQUENCE = _RNNS | {"Conv1D", "MaxPooling1D", "AveragePooling1D", "GlobalAveragePooling1D", "GlobalMaxPooling1D", "TimeDistributed", "Bidirectional"}


class InputRankMismatch(Check):
    requires = ("LSTM", "GRU", "SimpleRNN")

    def __init__(self, *args: object) -> None:
        super().__init__(*args)  # type: ignore[arg-type]
        self.last_added: dict[str, cst.Call | None] = {}  # model name -> its last added layer
        self.vectors: dict[int, dict[str, cst.Call]] = {}  # names holding an RNN's last-step output, per function

    def _rnn(self, layer: cst.BaseExpression) -> cst.Call | None:
        """The recurrent layer (inside a Bidirectional too) when it returns only the last step."""
        kind = layer_class(self.ctx, layer)
        if kind == "Bidirectional":
            inner = argument(layer, 0, "layer")  # type: ignore[arg-type]
            return self._rnn(inner) if inner is not None else None
        if kind not in _RNNS or any(a.star for a in layer.args):  # type: ignore[attr-defined]
            return None
        sequences = keyword(layer, "return_sequences")  # type: ignore[arg-type]
        if sequences is not None and not is_false(sequences.value):
            return None
        if keyword(layer, "return_state") is not None:  # type: ignore[arg-type]
            return None  # a list of tensors: what follows is unpacked by hand
        return layer  # type: ignore[return-value]

    def _needs_sequence(self, layer: cst.BaseExpression) -> bool:
        return layer_class(self.ctx, layer) in _NEEDS_SEQUENCE

    def _pair(self, previous: cst.BaseExpression | None, layer: cst.BaseExpression) -> None:
        if previous is not None and self._rnn(previous) is not None and self._needs_sequence(layer):
            rnn = self._rnn(previous)
            self.report(rnn, previous=layer_class(self.ctx, rnn), following=layer_class(self.ctx, layer))  # type: ignore[arg-type]

    def visit_Call(self, node: cst.Call) -> None:
        if self.ctx.qualify(node.func) == "keras.Sequential":
            previous: cst.BaseExpression | None = None
            for layer in sequence_elements(argument(node, 0, "layers")) or []:
                self._pair(previous, layer)
                if layer_class(self.ctx, layer) not in _SAME_SHAPE:
                    previous = layer
            return
        if method_name(node) == "add" and len(node.args) == 1 and positional(node, 0) is not None:
            name = receiver_name(node)
            if name is None:
                return
            layer = node.args[0].value
            if name in self.last_added:
                self._pair(self.last_added[name], layer)
            if layer_class(self.ctx, layer) not in _SAME_SHAPE:
                self.last_added[name] = layer if isinstance(layer, cst.Call) else None
            return
        # functional: LSTM(32)(x) where x holds an RNN's last-step output
        if isinstance(node.func, cst.Call) and self._needs_sequence(node.func):
            first = positional(node, 0)
            if first is not None and isinstance(first.value, cst.Name) and not self.ctx.binds_locally(first.value.value, parameters=True):
                producer = self._vectors().get(first.value.value)
                if producer is not None:
                    self._pair(producer, node.func)

    def _vectors(self) -> dict[str, cst.Call]:
        function = self.ctx.function
        return self.vectors.setdefault(id(function.node) if function is not None else 0, {})

    def leave_Assign(self, node: cst.Assign) -> None:
        value = node.value
        vectors = self._vectors()
        producer = None
        if isinstance(value, cst.Call) and isinstance(value.func, cst.Call):
            if self._rnn(value.func) is not None:
                producer = value.func
            elif layer_class(self.ctx, value.func) in _SAME_SHAPE:
                first = positional(value, 0)
                producer = vectors.get(first.value.value) if first is not None and isinstance(first.value, cst.Name) else None
        for target in node.targets:
            for name in target_names(target.target):
                if producer is not None and isinstance(target.target, cst.Name):
                    vectors[name.value] = producer
                else:
                    vectors.pop(name.value, None)
        for target in node.targets:
            if isinstance(target.target, cst.Name):
                self.last_added.pop(target.target.value, None)


CHECK = InputRankMismatch

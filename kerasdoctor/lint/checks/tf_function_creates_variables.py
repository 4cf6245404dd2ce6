"""Variables created inside a ``@tf.function`` body: ``tf.Variable(...)``, a Dense/Conv/RNN layer or a metric built there.

What it detects:
    In the body of a function decorated with ``@tf.function``, not under an ``if`` (the
    ``if self.v is None:`` guard creates them once) nor a ``try``: ``tf.Variable(...)``,
    ``keras.Variable(...)``, the constructor of a Keras layer that owns weights (Dense,
    Conv*, Embedding, LSTM/GRU, normalization, attention ...) or of a Keras metric.

Why it breaks:
    A ``tf.function`` traces its body again to check it, and variables may only be
    created on the first trace: "ValueError: tf.function only supports singleton
    tf.Variables created on the first call" (TF 2.4+; "... tried to create variables on
    non-first call" before). A layer or metric built in the step creates new ones each time.

Example:
    @tf.function
    def train_step(x, y):
        accuracy = keras.metrics.SparseCategoricalAccuracy()
        ...

Use instead:
    Create layers, metrics and variables once, outside the function (or in
    ``__init__``/``build``), and only use them inside.
"""

from __future__ import annotations

import libcst as cst

from kerasdoctor.lint.base import Check
from kerasdoctor.lint.checks._graph import traced_function
from kerasdoctor.lint.checks._util import layer_class

_VARIABLES = frozenset({"tensorflow.Variable", "keras.Variable", "keras.backend.Variable"})
_WEIGHTED_LAYERS = frozenset(
    {"Dense", "EinsumDense", "Conv1D", "Conv2D", "Conv3D", "Conv1DTranspose", "Conv2DTranspose", "Conv3DTranspose", "SeparableConv1D", "SeparableConv2D"}
    | {"DepthwiseConv1D", "DepthwiseConv2D", "Embedding", "LSTM", "GRU", "SimpleRNN", "ConvLSTM2D", "Bidirectional", "BatchNormalization"}
    | {"LayerNormalization", "GroupNormalization", "MultiHeadAttention", "PReLU"}
)


class TfFunctionCreatesVariables(Check):
    requires = ("function",)

    def __init__(self, *args: object) -> None:
        super().__init__(*args)  # type: ignore[arg-type]
        self.guards: list[int] = []  # the scope depth at each enclosing if/try

    def visit_If(self, node: cst.If) -> None:
        self.guards.append(len(self.ctx.scopes))

    def leave_If(self, node: cst.If) -> None:
        self.guards.pop()

    def visit_Try(self, node: cst.Try) -> None:
        self.guards.append(len(self.ctx.scopes))

    def leave_Try(self, node: cst.Try) -> None:
        self.guards.pop()

    def visit_Call(self, node: cst.Call) -> None:
        qualified = self.ctx.qualify(node.func)
        if qualified is None:
            return
        if qualified in _VARIABLES:
            what = "a tf.Variable"
        elif layer_class(self.ctx, node) in _WEIGHTED_LAYERS:
            what = f"a {qualified[13:]} layer (it creates its weights when first applied)"
        elif qualified.startswith("keras.metrics.") and qualified[14:15].isupper() and qualified.count(".") == 2:
            what = f"a {qualified[14:]} metric (it owns state variables)"
        else:
            return
        function = traced_function(self.ctx)
        if function is None:
            return
        # an if/try inside the function guards the creation; one around the whole def does not
        depth = next(i for i, scope in enumerate(self.ctx.scopes) if scope.node is function) + 1
        if any(guard >= depth for guard in self.guards):
            return
        self.report(node, what=what, function=function.name.value)


CHECK = TfFunctionCreatesVariables

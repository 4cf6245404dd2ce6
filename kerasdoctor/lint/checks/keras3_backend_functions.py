"""Keras 2 ``keras.backend`` tensor functions used with Keras 3.

What it detects:
    ``K.mean``, ``K.concatenate``, ``K.int_shape`` ... (and ``from keras.backend import
    mean``) where ``K`` is the standalone ``keras`` package's backend. Target keras3 only.
    ``tf.keras.backend`` is Keras 3's compatibility namespace on TensorFlow (it keeps the
    old functions), so there only the graph-era names it lacks (``placeholder``,
    ``function``, ``learning_phase`` ...) are reported; ``tf_keras.backend`` is Keras 2.

Why it breaks:
    Keras 3's ``keras.backend`` only holds configuration helpers; the tensor functions
    moved to ``keras.ops``: "module 'keras.backend' has no attribute 'mean'".

Example:
    from keras import backend as K
    loss = K.mean(K.square(y_pred - y_true), axis=-1)

Use instead:
    from keras import backend as K, ops
    loss = ops.mean(ops.square(y_pred - y_true), axis=-1)

The fix rewrites a call only where ``keras.ops`` has the same function with the same
meaning; where Keras 2's default differs it is written out (``K.concatenate([a, b])`` ->
``ops.concatenate([a, b], axis=-1)``); ``K.int_shape(x)`` becomes ``tuple(x.shape)``.
It uses a name already bound to ``keras.ops`` or
``keras``, else adds ``ops`` to the ``from keras import backend`` import (when no other
``ops`` exists in the file). Everything else is reported with its replacement.
"""

from __future__ import annotations

import re

import libcst as cst

from kerasdoctor.lint.base import Check, Edit

# Keras 2 backend functions that Keras 3's keras.backend no longer has
# (tf_keras 2.21 keras.backend minus keras 3.15 keras.backend, both as installed here).
REMOVED = frozenset(
    [
        "abs",
        "all",
        "any",
        "arange",
        "argmax",
        "argmin",
        "batch_dot",
        "batch_flatten",
        "batch_get_value",
        "batch_normalization",
        "batch_set_value",
        "bias_add",
        "binary_crossentropy",
        "binary_focal_crossentropy",
        "cast",
        "cast_to_floatx",
        "categorical_crossentropy",
        "categorical_focal_crossentropy",
        "clip",
        "concatenate",
        "constant",
        "conv1d",
        "conv2d",
        "conv2d_transpose",
        "conv3d",
        "cos",
        "count_params",
        "ctc_batch_cost",
        "ctc_decode",
        "ctc_label_dense_to_sparse",
        "cumprod",
        "cumsum",
        "depthwise_conv2d",
        "dot",
        "dropout",
        "dtype",
        "elu",
        "equal",
        "eval",
        "exp",
        "expand_dims",
        "eye",
        "flatten",
        "foldl",
        "foldr",
        "function",
        "gather",
        "get_value",
        "gradients",
        "greater",
        "greater_equal",
        "hard_sigmoid",
        "in_test_phase",
        "in_top_k",
        "in_train_phase",
        "int_shape",
        "is_sparse",
        "l2_normalize",
        "learning_phase",
        "learning_phase_scope",
        "less",
        "less_equal",
        "local_conv1d",
        "local_conv2d",
        "log",
        "manual_variable_initialization",
        "map_fn",
        "max",
        "maximum",
        "mean",
        "min",
        "minimum",
        "moving_average_update",
        "name_scope",
        "ndim",
        "normalize_batch_in_training",
        "not_equal",
        "one_hot",
        "ones",
        "ones_like",
        "permute_dimensions",
        "placeholder",
        "pool2d",
        "pool3d",
        "pow",
        "print_tensor",
        "prod",
        "random_bernoulli",
        "random_binomial",
        "random_normal",
        "random_normal_variable",
        "random_uniform",
        "random_uniform_variable",
        "relu",
        "repeat",
        "repeat_elements",
        "reset_uids",
        "reshape",
        "resize_images",
        "resize_volumes",
        "reverse",
        "rnn",
        "round",
        "separable_conv2d",
        "set_learning_phase",
        "set_value",
        "shape",
        "sigmoid",
        "sign",
        "sin",
        "softmax",
        "softplus",
        "softsign",
        "sparse_categorical_crossentropy",
        "sqrt",
        "square",
        "squeeze",
        "stack",
        "std",
        "stop_gradient",
        "sum",
        "switch",
        "tanh",
        "temporal_padding",
        "tile",
        "to_dense",
        "transpose",
        "truncated_normal",
        "update",
        "update_add",
        "update_sub",
        "var",
        "variable",
        "zeros",
        "zeros_like",
    ]
)
# ... and the ones tf.keras.backend (Keras 3's legacy namespace, TF 2.16+) lacks as well
REMOVED_FROM_TF_KERAS = frozenset(
    [
        "function",
        "in_test_phase",
        "in_train_phase",
        "learning_phase",
        "learning_phase_scope",
        "local_conv1d",
        "local_conv2d",
        "manual_variable_initialization",
        "normalize_batch_in_training",
        "placeholder",
        "print_tensor",
        "random_binomial",
        "reset_uids",
        "set_learning_phase",
    ]
)

# name -> (keras.ops name, most positional arguments, keywords of the same name and meaning,
#          (keyword, value) to write when Keras 2's default differs from keras.ops')
_SAME = ("abs", "cos", "exp", "log", "sign", "sin", "square", "tanh", "sigmoid", "softplus", "softsign", "round", "zeros_like", "ones_like", "stop_gradient")
FIXABLE: dict[str, tuple[str, int, frozenset[str], tuple[str, str] | None]] = {
    **{name: (name, 1, frozenset(), None) for name in _SAME},
    **{name: (name, 3, frozenset({"axis", "keepdims"}), None) for name in ("mean", "sum", "max", "min", "std", "var", "prod", "any", "all")},
    **{
        name: (name, 2, frozenset(), None)
        for name in ("equal", "not_equal", "greater", "greater_equal", "less", "less_equal", "maximum", "minimum", "cast", "one_hot", "reshape")
    },
    "pow": ("power", 2, frozenset(), None),
    "clip": ("clip", 3, frozenset(), None),
    "softmax": ("softmax", 2, frozenset({"axis"}), None),
    "elu": ("elu", 2, frozenset({"alpha"}), None),
    "relu": ("relu", 1, frozenset(), None),
    "transpose": ("transpose", 1, frozenset(), None),
    "permute_dimensions": ("transpose", 2, frozenset(), None),
    "repeat_elements": ("repeat", 3, frozenset(), None),
    "stack": ("stack", 2, frozenset({"axis"}), None),
    "squeeze": ("squeeze", 2, frozenset({"axis"}), None),
    "concatenate": ("concatenate", 2, frozenset({"axis"}), ("axis", "-1")),
    "expand_dims": ("expand_dims", 2, frozenset({"axis"}), ("axis", "-1")),
    "cumsum": ("cumsum", 2, frozenset({"axis"}), ("axis", "0")),
    "cumprod": ("cumprod", 2, frozenset({"axis"}), ("axis", "0")),
}
# what to write instead where there is no one-to-one keras.ops function (or the meaning differs)
ADVICE = {
    "int_shape": "`tuple(x.shape)` (a tuple of ints/None, as K.int_shape gave)",
    "shape": "`keras.ops.shape(x)` (a tuple in Keras 3; `tf.shape(x)` for a dynamic shape tensor)",
    "sqrt": "`keras.ops.sqrt(keras.ops.maximum(x, 0.0))` (K.sqrt clipped negative inputs to 0)",
    "argmax": "`keras.ops.argmax(x, axis=-1)` (axis defaults to None in keras.ops; the result is int32, not int64)",
    "argmin": "`keras.ops.argmin(x, axis=-1)` (axis defaults to None in keras.ops; the result is int32, not int64)",
    "set_value": "`variable.assign(value)`",
    "get_value": "`keras.ops.convert_to_numpy(variable)`",
    "batch_get_value": "`[keras.ops.convert_to_numpy(v) for v in variables]`",
    "batch_set_value": "`v.assign(value)` for each pair",
    "variable": "`keras.Variable(value)`",
    "constant": "`keras.ops.convert_to_tensor(value)`",
    "zeros": "`keras.ops.zeros(shape)` (a tensor; `keras.Variable` for a variable)",
    "ones": "`keras.ops.ones(shape)` (a tensor; `keras.Variable` for a variable)",
    "gather": "`keras.ops.take(x, indices, axis=0)`",
    "flatten": "`keras.ops.reshape(x, (-1,))`",
    "batch_flatten": "`keras.ops.reshape(x, (keras.ops.shape(x)[0], -1))`",
    "l2_normalize": "`keras.ops.normalize(x, axis=axis)`",
    "dot": "`keras.ops.dot` (or `keras.ops.matmul`)",
    "batch_dot": "`keras.ops.einsum` (no batch_dot in keras.ops)",
    "tile": "`keras.ops.tile(x, repeats)`",
    "switch": "`keras.ops.where(condition, x, y)`",
    "random_normal": "`keras.random.normal(shape)`",
    "random_uniform": "`keras.random.uniform(shape)`",
    "dropout": "`keras.random.dropout(x, rate)`",
    "count_params": "`layer.count_params()`",
    "ndim": "`keras.ops.ndim(x)` (or `len(x.shape)`)",
    "binary_crossentropy": "`keras.losses.binary_crossentropy` (or `keras.ops.binary_crossentropy`)",
    "categorical_crossentropy": "`keras.losses.categorical_crossentropy` (or `keras.ops.categorical_crossentropy`)",
    "sparse_categorical_crossentropy": "`keras.losses.sparse_categorical_crossentropy`",
    "placeholder": "`keras.Input(shape=...)`",
    "function": "`keras.Model(inputs, outputs)` and `model(x)` / `predict`",
    "learning_phase": "the `training` argument of `call()`",
    "gradients": "`tf.GradientTape` (TensorFlow backend) or a custom train_step",
    "eval": "`keras.ops.convert_to_numpy(x)` (the value of an eager tensor or variable)",
    "dtype": "`x.dtype` (`keras.backend.standardize_dtype(x.dtype)` for its name)",
    "cast_to_floatx": "`keras.ops.cast(x, keras.config.floatx())`",
    "bias_add": "`x + bias`",
    "batch_normalization": "`keras.ops.batch_normalization(x, mean, variance, axis, offset, scale, epsilon)` (its own argument order)",
    "conv1d": "`keras.ops.conv(x, kernel, strides, padding)` (or a `keras.layers.Conv1D`)",
    "conv2d": "`keras.ops.conv(x, kernel, strides, padding)` (or a `keras.layers.Conv2D`)",
    "conv3d": "`keras.ops.conv(x, kernel, strides, padding)` (or a `keras.layers.Conv3D`)",
    "conv2d_transpose": "`keras.ops.conv_transpose(x, kernel, strides, padding)`",
    "depthwise_conv2d": "`keras.ops.depthwise_conv(x, kernel, strides, padding)`",
    "separable_conv2d": "`keras.ops.separable_conv(x, depthwise_kernel, pointwise_kernel, strides, padding)`",
    "pool2d": "`keras.ops.max_pool` / `keras.ops.average_pool`",
    "pool3d": "`keras.ops.max_pool` / `keras.ops.average_pool`",
    "ctc_batch_cost": "`keras.losses.CTC()` (or `keras.ops.ctc_loss`)",
    "ctc_decode": "`keras.ops.ctc_decode`",
    "reverse": "`keras.ops.flip(x, axis)`",
    "resize_images": "`keras.ops.image.resize(x, size)` (or a `keras.layers.UpSampling2D`)",
    "temporal_padding": "`keras.ops.pad(x, [[0, 0], [left, right], [0, 0]])`",
    "map_fn": "`keras.ops.map(f, xs)` (or `keras.ops.vectorized_map`)",
    "foldl": "`keras.ops.scan` or `keras.ops.fori_loop`",
    "foldr": "`keras.ops.scan(..., reverse=True)` or `keras.ops.fori_loop`",
    "rnn": "a `keras.layers.RNN` with a cell (or `keras.ops.scan`)",
    "truncated_normal": "`keras.random.truncated_normal(shape)`",
    "random_normal_variable": "`keras.Variable(keras.random.normal(shape))`",
    "random_uniform_variable": "`keras.Variable(keras.random.uniform(shape))`",
    "update": "`variable.assign(value)`",
    "update_add": "`variable.assign_add(value)`",
    "update_sub": "`variable.assign_sub(value)`",
    "moving_average_update": "`variable.assign(variable * momentum + value * (1 - momentum))`",
    "name_scope": "`keras.name_scope(name)`",
    "in_train_phase": "the `training` argument of `call()`",
    "in_test_phase": "the `training` argument of `call()`",
    "set_learning_phase": "the `training` argument of `call()` (`model(x, training=True)`)",
    "learning_phase_scope": "the `training` argument of `call()`",
}
_OPS_NAMES = frozenset(
    [
        "abs",
        "all",
        "any",
        "arange",
        "argmax",
        "argmin",
        "binary_crossentropy",
        "cast",
        "categorical_crossentropy",
        "clip",
        "concatenate",
        "cos",
        "cumprod",
        "cumsum",
        "dot",
        "elu",
        "equal",
        "exp",
        "expand_dims",
        "eye",
        "greater",
        "greater_equal",
        "hard_sigmoid",
        "in_top_k",
        "less",
        "less_equal",
        "log",
        "max",
        "maximum",
        "mean",
        "min",
        "minimum",
        "ndim",
        "not_equal",
        "one_hot",
        "ones",
        "ones_like",
        "prod",
        "relu",
        "repeat",
        "reshape",
        "round",
        "shape",
        "sigmoid",
        "sign",
        "sin",
        "softmax",
        "softplus",
        "softsign",
        "sparse_categorical_crossentropy",
        "sqrt",
        "square",
        "squeeze",
        "stack",
        "std",
        "stop_gradient",
        "sum",
        "tanh",
        "tile",
        "transpose",
        "var",
        "zeros",
        "zeros_like",
    ]
)


def advice(name: str) -> str:
    if name in FIXABLE:
        ops_name, _, _, default = FIXABLE[name]
        extra = f" (with {default[0]}={default[1]}: Keras 2's default)" if default else ""
        return f"`keras.ops.{ops_name}`{extra}"
    if name in ADVICE:
        return ADVICE[name]
    if name in _OPS_NAMES:
        return f"`keras.ops.{name}`"
    return "your own keras.ops / keras.layers code (keras.ops has no equivalent), or keep Keras 2 with tf-keras"


def _int_shape_fix(call: cst.Call) -> list[Edit] | None:
    """``K.int_shape(x)`` -> ``tuple(x.shape)``: a tuple of ints and None as before, for tensors, variables and arrays."""
    if len(call.args) != 1 or call.args[0].keyword is not None or call.args[0].star:
        return None
    value = call.args[0].value
    code = cst.Module([]).code_for_node(value)
    if not isinstance(value, (cst.Name, cst.Attribute, cst.Call, cst.Subscript)):
        code = f"({code})"
    return [Edit(call, f"tuple({code}.shape)")]


def _alias_code(alias: cst.ImportAlias) -> str:
    return cst.Module([]).code_for_node(alias.with_changes(comma=cst.MaybeSentinel.DEFAULT))


class Keras3BackendFunctions(Check):
    requires = ("backend",)

    def __init__(self, *args: object) -> None:
        super().__init__(*args)  # type: ignore[arg-type]
        self.calls: set[int] = set()
        self.found: list[tuple[cst.CSTNode, str, str, cst.Call | None]] = []  # node, name, spelling, call
        self.backend_import: cst.ImportAlias | None = None  # `backend as K` in `from keras import backend as K`

    def _removed(self, node: cst.BaseExpression) -> tuple[str, str] | None:
        """(function name, spelling) when ``node`` names a backend function the target lacks."""
        if not isinstance(node, cst.Attribute) or node.attr.value not in REMOVED or self.ctx.qualify(node) is None:
            return None
        raw = self.ctx.resolver.raw(node) or ""
        module, _, name = raw.rpartition(".")
        if module == "keras.backend" and name in REMOVED:
            return name, "keras.backend"
        if module in ("tensorflow.keras.backend", "tensorflow.compat.v1.keras.backend", "tensorflow.compat.v2.keras.backend") and name in REMOVED_FROM_TF_KERAS:
            return name, "tf.keras.backend"
        return None

    def visit_Call(self, node: cst.Call) -> None:
        found = self._removed(node.func)
        if found is not None:
            self.calls.add(id(node.func))
            self.found.append((node.func, *found, node))

    def visit_Attribute(self, node: cst.Attribute) -> None:
        if id(node) not in self.calls:
            found = self._removed(node)
            if found is not None:
                self.found.append((node, *found, None))

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if node.relative or isinstance(node.names, cst.ImportStar):
            return
        from kerasdoctor.lint.resolve import module_name

        module = module_name(node.module)
        for alias in node.names:
            name = module_name(alias.name)  # type: ignore[arg-type]
            if module == "keras" and name == "backend" and self.backend_import is None:
                self.backend_import = alias
            elif module == "keras.backend" and name in REMOVED:
                self.found.append((alias, name, "keras.backend", None))

    def _ops_prefix(self) -> tuple[str | None, list[Edit]]:
        """How this file can spell keras.ops, and the import edit that makes it so (if one is needed)."""
        imports = self.ctx.resolver.imports
        for local, full in imports.items():
            if full == "keras.ops":
                return local, []
        if imports.get("keras") == "keras":
            return "keras.ops", []
        alias = self.backend_import
        if alias is not None and not re.search(r"\bops\b", self.ctx.source) and "ops" not in imports:
            return "ops", [Edit(alias, _alias_code(alias) + ", ops")]
        return None, []

    def _fix(self, call: cst.Call, name: str, prefix: str | None) -> list[Edit] | None:
        if name == "int_shape":
            return _int_shape_fix(call)
        spec = FIXABLE.get(name)
        if prefix is None:
            return None
        if spec is None or any(a.star for a in call.args):
            return None
        ops_name, most, keywords, default = spec
        positional = [a for a in call.args if a.keyword is None]
        named = {a.keyword.value for a in call.args if a.keyword is not None}
        if not positional or len(positional) > most or not named <= keywords:
            return None
        edits = [Edit(call.func, f"{prefix}.{ops_name}")]
        if default is not None and len(positional) < 2 and default[0] not in named:
            last = call.args[-1]
            edits.append(Edit(last.value, cst.Module([]).code_for_node(last.value) + f", {default[0]}={default[1]}"))
        return edits

    def finish(self) -> None:
        prefix, import_edits = self._ops_prefix()
        for node, name, spelling, call in self.found:
            edits = None
            if call is not None and spelling == "keras.backend":
                edits = self._fix(call, name, prefix)
                if edits and import_edits and name != "int_shape":  # int_shape's fix needs no keras.ops
                    edits, import_edits = edits + import_edits, []
                    prefix = None  # the others wait for the import to be in (the next round)
            key = "legacy" if spelling == "tf.keras.backend" else "removed"
            self.report(node, key=key, edits=edits, name=name, replacement=advice(name))


CHECK = Keras3BackendFunctions

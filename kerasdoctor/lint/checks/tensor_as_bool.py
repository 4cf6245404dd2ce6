"""A tensor used as a Python bool where nothing converts the condition.

What it detects:
    1. ``if g:`` / ``[g for g in grads if g]`` over gradients, meant as ``is not None``.
    2. ``if``/``while``/``assert``/``and``/``or``/``not`` on a tensor in graph code:
       TF1 graph mode (sessions, placeholders, ``disable_eager_execution``) or
       ``@tf.function(autograph=False)``. Conditions inside ``@tf.function`` are
       converted by AutoGraph and are not flagged.
    3. Target keras3: ``if``/``while``/... on a tensor (a TF or ``keras.ops`` result, or the
       inputs) in a Keras Layer's ``call``, when the file builds the layer symbolically
       (in a ``Sequential``, applied in a file with ``keras.Input``, or its model fitted /
       compiled). tf.keras 2 converts ``call`` with AutoGraph (no error on keras2/tf1);
       Keras 3 does not, and raises when the layer is built or traced by ``fit``
       (called eagerly on data, it runs).

Why it breaks:
    A symbolic tensor has no truth value: "Using a `tf.Tensor` as a Python
    `bool` is not allowed in Graph execution"; an eager gradient with more than
    one element raises "The truth value of an array with more than one element
    is ambiguous"; and a zero gradient would silently be skipped.
    Keras 3: "Exception encountered when calling Gate.call(). Could not automatically
    infer the output shape / dtype of 'gate' ... Using a symbolic `tf.Tensor` as a
    Python `bool` is not allowed" (keras 3.15.1 / TF 2.21; tf.keras 2.15: no error).

Example:
    grads = tape.gradient(loss, model.trainable_variables)
    pairs = [(g, v) for g, v in zip(grads, model.trainable_variables) if g]

Use instead:
    ``if g is not None``; ``tf.cond``/``tf.where`` in graph code, or let
    ``@tf.function`` convert the condition; in a Keras 3 layer, ``keras.ops.cond``
    / ``keras.ops.where``.
"""

from __future__ import annotations

import libcst as cst

from kerasdoctor.lint.base import Check
from kerasdoctor.lint.checks._util import method_name, target_names

_GRADIENT_METHODS = frozenset({"gradient", "compute_gradients", "get_gradients"})
_GRAPH_MODE_CALLS = frozenset(
    {
        "tensorflow.Session",
        "tensorflow.InteractiveSession",
        "tensorflow.placeholder",
        "tensorflow.disable_eager_execution",
        "tensorflow.disable_v2_behavior",
        "tensorflow.Graph",
        "keras.backend.get_session",
    }
)
# What returns a tensor: an allowlist, because tf.* also holds predicates (tf.executing_eagerly(),
# tf.nest.is_nested()) and utilities whose results are plain Python values.
_TENSOR_NAMESPACES = (
    "tensorflow.math.",
    "tensorflow.nn.",
    "tensorflow.linalg.",
    "tensorflow.random.",
    "tensorflow.layers.",
    "tensorflow.losses.",
    "tensorflow.reduce_",
    "keras.ops.",
)
_TRAINING = frozenset({"fit", "evaluate", "predict", "compile", "train_on_batch"})
_CONVERTERS = frozenset({"tensorflow.function", "tensorflow.autograph.to_graph", "tensorflow.contrib.autograph.to_graph"})
_EAGER = frozenset({"tensorflow.enable_eager_execution", "tensorflow.enable_v2_behavior"})
# Keras 3 runs these unconverted (AutoGraph stops at Layer.__call__); train_step is converted under fit()
_UNCONVERTED_IN_KERAS3 = frozenset({"call"})
_TENSOR_FUNCTIONS = frozenset(
    "tensorflow." + name
    for name in [
        "placeholder",
        "placeholder_with_default",
        "Variable",
        "get_variable",
        "constant",
        "convert_to_tensor",
        "identity",
        "cast",
        "reshape",
        "squeeze",
        "expand_dims",
        "concat",
        "stack",
        "gather",
        "where",
        "matmul",
        "add",
        "subtract",
        "multiply",
        "divide",
        "truediv",
        "square",
        "sqrt",
        "abs",
        "exp",
        "log",
        "sigmoid",
        "tanh",
        "maximum",
        "minimum",
        "equal",
        "not_equal",
        "greater",
        "greater_equal",
        "less",
        "less_equal",
        "logical_and",
        "logical_or",
        "logical_not",
        "argmax",
        "argmin",
        "size",
        "rank",
        "norm",
        "zeros",
        "ones",
        "zeros_like",
        "ones_like",
        "fill",
        "range",
        "count_nonzero",
        "tensordot",
        "einsum",
        "clip_by_value",
        "one_hot",
        "boolean_mask",
        "is_nan",
        "is_inf",
        "is_finite",
    ]
)
_SAFE_COMPARISONS = (cst.Is, cst.IsNot, cst.In, cst.NotIn)


class TensorAsBool(Check):
    def __init__(self, *args: object) -> None:
        super().__init__(*args)  # type: ignore[arg-type]
        self.gradient_lists: set[str] = set()
        self.gradient_items: set[str] = set()
        self.tensors: set[str] = set()
        self.graph_mode = False
        self.eager = False  # the file turns eager execution on, or reads tensors with .numpy() (TF 1.x eager guides)
        self.converted: set[str] = set()  # functions handed to tf.function / autograph.to_graph later in the file
        # Keras 3 layer-call conditions: (node, class, enclosing functions), reported if the file builds that class symbolically
        self.call_candidates: list[tuple[cst.CSTNode, str, tuple[str, ...]]] = []
        self.built: set[str] = set()  # classes put in a Sequential / add()ed
        self.applied: set[str] = set()  # classes applied: Cls(...)(x)
        self.instances: dict[str, str] = {}  # name -> the class it was made from
        self.trained: set[str] = set()  # names whose fit/evaluate/predict/compile is called
        self.has_input = False
        # (node, graph-only, enclosing function names): conditions on tensors, judged once the whole file is known
        self.candidates: list[tuple[cst.CSTNode, bool, tuple[str, ...]]] = []

    # --- where the values come from -------------------------------------------------
    def leave_Assign(self, node: cst.Assign) -> None:
        value = node.value
        is_gradients = isinstance(value, cst.Call) and (method_name(value) in _GRADIENT_METHODS or self.ctx.qualify(value.func) == "tensorflow.gradients")
        is_tensor = self._is_tensor(value)
        made = value.func.value if isinstance(value, cst.Call) and isinstance(value.func, cst.Name) else None
        for target in node.targets:
            if isinstance(target.target, cst.Name):
                if made:
                    self.instances[target.target.value] = made
                else:
                    self.instances.pop(target.target.value, None)
            for name in target_names(target.target):
                single = isinstance(target.target, cst.Name)
                _set(self.gradient_lists, name.value, is_gradients and single)
                _set(self.tensors, name.value, is_tensor and single)
                self.gradient_items.discard(name.value)

    def visit_For(self, node: cst.For) -> None:
        self._bind_loop(node.target, node.iter)

    def visit_CompFor(self, node: cst.CompFor) -> None:
        self._bind_loop(node.target, node.iter)

    def _bind_loop(self, target: cst.BaseExpression, iterable: cst.BaseExpression) -> None:
        if self._iterates_gradients(iterable):
            first = _first_target(target, iterable)
            if first is not None:
                self.gradient_items.add(first)

    def _iterates_gradients(self, node: cst.BaseExpression) -> bool:
        if isinstance(node, cst.Name):
            return node.value in self.gradient_lists
        if isinstance(node, cst.Call) and isinstance(node.func, cst.Name) and node.func.value in ("zip", "enumerate") and node.args:
            # zip(grads, variables) / enumerate(grads): the gradients come first
            return self._iterates_gradients(node.args[0].value)
        if isinstance(node, cst.Call):
            return method_name(node) in _GRADIENT_METHODS or self.ctx.qualify(node.func) == "tensorflow.gradients"
        return False

    def visit_Call(self, node: cst.Call) -> None:
        qualified = self.ctx.qualify(node.func)
        if qualified == "keras.Sequential" or (qualified is None and method_name(node) == "add"):
            self.built.update(_constructed(node))
        elif qualified in ("keras.Input", "keras.layers.Input"):
            self.has_input = True
        elif qualified is None and isinstance(node.func, cst.Call) and isinstance(node.func.func, cst.Name):
            self.applied.add(node.func.func.value)
        elif qualified is None and method_name(node) in _TRAINING and isinstance(node.func.value, cst.Name):  # type: ignore[attr-defined]
            self.trained.add(node.func.value.value)  # type: ignore[attr-defined]
        if qualified in _GRAPH_MODE_CALLS:
            self.graph_mode = True
        elif qualified in _EAGER or (qualified is None and method_name(node) == "numpy" and not node.args):
            self.eager = True  # enabled, or tensors with .numpy(): only eager tensors have it
        elif qualified in _CONVERTERS and node.args:
            # train = tf.autograph.to_graph(train), step = tf.function(step): that function's conditions are converted
            function = node.args[0].value
            while isinstance(function, cst.Attribute):
                self.converted.add(function.attr.value)
                function = function.value
            if isinstance(function, cst.Name):
                self.converted.add(function.value)

    # --- where truth values are taken -----------------------------------------------
    def visit_If(self, node: cst.If) -> None:
        self._condition(node.test)

    def visit_While(self, node: cst.While) -> None:
        self._condition(node.test)

    def visit_Assert(self, node: cst.Assert) -> None:
        self._condition(node.test)

    def visit_IfExp(self, node: cst.IfExp) -> None:
        self._condition(node.test)

    def visit_CompIf(self, node: cst.CompIf) -> None:
        self._condition(node.test)

    def visit_BooleanOperation(self, node: cst.BooleanOperation) -> None:
        self._condition(node.left)
        self._condition(node.right)

    def visit_UnaryOperation(self, node: cst.UnaryOperation) -> None:
        if isinstance(node.operator, cst.Not):
            self._condition(node.expression)

    def _condition(self, test: cst.BaseExpression) -> None:
        if isinstance(test, cst.Name) and test.value in self.gradient_items:
            self.report(test, key="gradient", name=test.value)
            return
        if self.ctx.in_autograph:
            layer = self._keras3_layer_call() if self.ctx.target == "keras3" else None
            if layer is not None and (self._is_tensor_condition(test) or self._is_call_input(test)):
                self.call_candidates.append((test, layer, tuple(s.name for s in self.ctx.scopes if s.kind in ("function", "class"))))
            return
        if self._is_tensor_condition(test):
            graph_scope = any(s.graph for s in self.ctx.scopes)
            self.candidates.append((test, not graph_scope, tuple(s.name for s in self.ctx.scopes if s.kind == "function")))

    def _keras3_layer_call(self) -> str | None:
        """The class, when directly in a Keras class's ``call`` that nothing converts (no decorator, no ``@tf.function`` around it)."""
        scopes = self.ctx.scopes
        for i in range(len(scopes) - 1, 0, -1):
            scope = scopes[i]
            if scope.kind != "function":
                continue
            parent = scopes[i - 1]
            is_layer_call = parent.kind == "class" and scope.name in _UNCONVERTED_IN_KERAS3 and any(b.startswith("keras.") for b in parent.bases)
            if not is_layer_call:
                return None  # a nested function: AutoGraph comes from elsewhere
            unconverted = not any(s.autograph for s in scopes[:i]) and not scope.node.decorators  # type: ignore[union-attr]
            return parent.name if unconverted else None
        return None

    def _is_call_input(self, node: cst.BaseExpression) -> bool:
        """The first argument of ``call`` (the input tensor), compared or used as is."""
        function = self.ctx.function
        params: list[cst.Param] = list(function.node.params.params) if function is not None else []  # type: ignore[union-attr]
        inputs = params[1].name.value if len(params) > 1 else None
        if inputs is None:
            return False
        if isinstance(node, cst.Comparison):
            if any(isinstance(c.operator, _SAFE_COMPARISONS) for c in node.comparisons):
                return False
            operands = [node.left, *(c.comparator for c in node.comparisons)]
        else:
            operands = [node]
        return any(isinstance(o, cst.Name) and o.value == inputs for o in operands)

    def _is_tensor_condition(self, node: cst.BaseExpression) -> bool:
        if isinstance(node, cst.Comparison):
            if any(isinstance(c.operator, _SAFE_COMPARISONS) for c in node.comparisons):
                return False
            return self._is_tensor(node.left) or any(self._is_tensor(c.comparator) for c in node.comparisons)
        return self._is_tensor(node)

    def _is_tensor(self, node: cst.BaseExpression) -> bool:
        if isinstance(node, cst.Name):
            return node.value in self.tensors
        if isinstance(node, cst.Call):
            qualified = self.ctx.qualify(node.func)
            return qualified is not None and (qualified in _TENSOR_FUNCTIONS or qualified.startswith(_TENSOR_NAMESPACES))
        if isinstance(node, cst.BinaryOperation):
            return self._is_tensor(node.left) or self._is_tensor(node.right)
        if isinstance(node, cst.UnaryOperation) and not isinstance(node.operator, cst.Not):
            return self._is_tensor(node.expression)
        return False

    def finish(self) -> None:
        trained_classes = {self.instances.get(name) for name in self.trained}
        for node, layer, scopes in self.call_candidates:
            symbolic = layer in self.built or layer in trained_classes or (layer in self.applied and self.has_input)
            if symbolic and not any(s in self.converted for s in scopes):
                self.report(node, key="keras3_call", code=_code(node))
        for node, needs_graph_mode, functions in self.candidates:
            if any(f in self.converted for f in functions):
                continue
            if (self.graph_mode and not self.eager) or not needs_graph_mode:
                self.report(node, key="graph", code=_code(node))


def _constructed(call: cst.Call) -> set[str]:
    """Classes of the file instantiated in a call's arguments: ``Sequential([Dense(3), Gate()])``, ``add(Gate())``."""
    found = set()
    for arg in call.args:
        items = arg.value.elements if isinstance(arg.value, (cst.List, cst.Tuple)) else [arg]
        for item in items:
            value = item.value
            if isinstance(value, cst.Call) and isinstance(value.func, cst.Name):
                found.add(value.func.value)
    return found


def _set(names: set[str], name: str, present: bool) -> None:
    if present:
        names.add(name)
    else:
        names.discard(name)


def _first_target(target: cst.BaseExpression, iterable: cst.BaseExpression) -> str | None:
    """The loop variable that holds the gradient: ``g`` in ``for g, v in zip(grads, vars)``."""
    names = list(target_names(target))
    if not names:
        return None
    is_enumerate = isinstance(iterable, cst.Call) and isinstance(iterable.func, cst.Name) and iterable.func.value == "enumerate"
    if is_enumerate:
        return names[1].value if len(names) >= 2 else None
    # compute_gradients() yields (gradient, variable) pairs; a gradient list yields gradients
    return names[0].value


def _code(node: cst.CSTNode) -> str:
    return cst.Module(body=[]).code_for_node(node)


CHECK = TensorAsBool

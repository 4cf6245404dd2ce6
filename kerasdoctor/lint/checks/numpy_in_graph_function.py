"""``.numpy()`` called inside code that TensorFlow traces into a graph: a ``@tf.function`` or a ``Dataset.map`` function.

What it detects:
    ``t.numpy()`` directly in the body of a function decorated with ``@tf.function``, or
    of a lambda / function of this file passed to ``.map(...)`` of a ``tf.data`` dataset.
    Code run through ``tf.py_function`` / ``tf.numpy_function`` runs eagerly and is left
    alone, as is a ``@tf.function`` in a file that calls
    ``tf.config.run_functions_eagerly(True)``.

Why it breaks:
    While tracing, tensors are symbolic: "AttributeError: 'Tensor' object has no
    attribute 'numpy'" (``SymbolicTensor`` in TF 2.13+). ``Dataset.map`` always traces,
    whatever ``run_functions_eagerly`` says.

Example:
    ds = ds.map(lambda path: load_image(path.numpy().decode()))

Use instead:
    TensorFlow ops on the tensor (``tf.io.read_file``, ``tf.strings``), or wrap the
    Python code: ``ds.map(lambda p: tf.py_function(load, [p], tf.float32))``.
"""

from __future__ import annotations

import libcst as cst

from kerasdoctor.lint.base import tf_function_flags
from kerasdoctor.lint.checks._data import DATASET, INFINITE_DATASET, DataCheck
from kerasdoctor.lint.checks._util import argument, method_name

_EAGER_SWITCHES = frozenset({"tensorflow.config.run_functions_eagerly", "tensorflow.config.experimental_run_functions_eagerly"})


class NumpyInGraphFunction(DataCheck):
    requires = ("numpy",)

    def __init__(self, *args: object) -> None:
        super().__init__(*args)  # type: ignore[arg-type]
        self.mapped_lambdas: set[int] = set()
        self.mapped_functions: set[str] = set()
        self.candidates: list[tuple[cst.Call, str, str]] = []  # (call, "function"/"lambda"/"map", function name)
        self.eager = False

    def visit_Call(self, node: cst.Call) -> None:
        qualified = self.ctx.qualify(node.func)
        if qualified in _EAGER_SWITCHES:
            self.eager = True
            return
        method = method_name(node)
        if method == "map" and isinstance(node.func, cst.Attribute) and self.data.kind(node.func.value) in (DATASET, INFINITE_DATASET):
            mapped = argument(node, 0, "map_func")
            if isinstance(mapped, cst.Lambda):
                self.mapped_lambdas.add(id(mapped))
            elif isinstance(mapped, cst.Name):
                self.mapped_functions.add(mapped.value)
            return
        if method != "numpy" or node.args:
            return
        scope = next((s for s in reversed(self.ctx.scopes) if s.kind in ("function", "lambda")), None)
        if scope is None:
            return
        if scope.kind == "lambda":
            if id(scope.node) in self.mapped_lambdas:
                self.candidates.append((node, "map", ""))
            return
        function = scope.node
        assert isinstance(function, cst.FunctionDef)
        autograph, graph = tf_function_flags(self.ctx, function)
        self.candidates.append((node, "function" if autograph or graph else "maybe_map", function.name.value))

    def finish(self) -> None:
        for node, kind, name in self.candidates:
            if kind == "function" and not self.eager:
                self.report(node, key="function", name=name)
            elif kind == "map" or (kind == "maybe_map" and name in self.mapped_functions):
                self.report(node, key="map")


CHECK = NumpyInGraphFunction

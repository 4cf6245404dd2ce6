"""A TF1 placeholder's name rebound to data, then used as a ``feed_dict`` key.

What it detects:
    ``x = tf.placeholder(...)`` (any spelling, ``tf.compat.v1`` included), then
    ``x`` assigned again (often the loop variable ``for x, y in batches``), then
    ``sess.run(..., feed_dict={x: ...})`` in the scope where ``x`` is the data.

Why it breaks:
    The key is now a NumPy array or a Python value, not the placeholder:
    "TypeError: unhashable type: 'numpy.ndarray'" or "Cannot interpret feed_dict
    key as Tensor: Can not convert a ndarray into a Tensor".

Example:
    x = tf.placeholder(tf.float32, [None, 784])
    for x, y in batches:
        sess.run(train_op, feed_dict={x: x, y_: y})

Use instead:
    Different names for the placeholder and the data (``x_ph`` / ``x_batch``).
"""

from __future__ import annotations

import libcst as cst

from kerasdoctor.lint.base import Check
from kerasdoctor.lint.checks._util import target_names

_PLACEHOLDERS = frozenset({"tensorflow.placeholder", "tensorflow.placeholder_with_default", "tensorflow.sparse_placeholder"})


class PlaceholderRebound(Check):
    requires = ("placeholder",)

    def __init__(self, *args: object) -> None:
        super().__init__(*args)  # type: ignore[arg-type]
        self.placeholders: set[str] = set()
        self.rebound: dict[int, set[str]] = {}  # scope (function node id, 0 = module) -> rebound names

    def _scope(self) -> set[str]:
        function = self.ctx.function
        return self.rebound.setdefault(id(function.node) if function is not None else 0, set())

    def _store(self, target: cst.BaseExpression, is_placeholder: bool) -> None:
        for name in target_names(target):
            if is_placeholder:
                self.placeholders.add(name.value)
                self._scope().discard(name.value)
            elif name.value in self.placeholders:
                self._scope().add(name.value)

    def _is_feedable(self, value: cst.BaseExpression) -> bool:
        """A placeholder, or a graph tensor looked up by name (``graph.get_tensor_by_name('x:0')``): both are feed keys."""
        if not isinstance(value, cst.Call):
            return False
        func = value.func
        return self.ctx.qualify(func) in _PLACEHOLDERS or (isinstance(func, cst.Attribute) and func.attr.value == "get_tensor_by_name")

    def leave_Assign(self, node: cst.Assign) -> None:
        is_placeholder = self._is_feedable(node.value)
        for target in node.targets:
            self._store(target.target, is_placeholder)

    def visit_For(self, node: cst.For) -> None:
        self._store(node.target, False)

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if node.asname is not None:
            self._store(node.asname.name, False)  # type: ignore[arg-type]

    def visit_Arg(self, node: cst.Arg) -> None:
        if node.keyword is None or node.keyword.value != "feed_dict" or not isinstance(node.value, cst.Dict):
            return
        rebound = self._scope()
        for element in node.value.elements:
            if isinstance(element, cst.DictElement) and isinstance(element.key, cst.Name) and element.key.value in rebound:
                self.report(element.key, name=element.key.value)


CHECK = PlaceholderRebound

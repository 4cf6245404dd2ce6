"""A ``keras.utils.PyDataset`` / ``Sequence`` subclass whose ``__init__`` never calls the base ``__init__`` (Keras 3).

What it detects:
    A class deriving directly from ``keras.utils.PyDataset`` or ``keras.utils.Sequence``
    (any spelling) that defines ``__init__`` without ``super().__init__(...)`` (or
    ``Base.__init__(self, ...)``) in it. Target keras3 only: Keras 2's ``Sequence`` has
    no state of its own.

Why it breaks:
    Keras 3 moved ``workers`` / ``use_multiprocessing`` / ``max_queue_size`` from
    ``fit()`` to ``PyDataset.__init__``; without the call Keras warns "Your `PyDataset`
    class should call `super().__init__(**kwargs)` in its constructor" and loads with one
    worker, whatever ``fit`` is told.

Example:
    class Batches(keras.utils.Sequence):
        def __init__(self, x, y, batch_size):
            self.x, self.y, self.batch_size = x, y, batch_size

Use instead:
    ``def __init__(self, x, y, batch_size, **kwargs): super().__init__(**kwargs); ...``
"""

from __future__ import annotations

import libcst as cst

from kerasdoctor.lint.base import Check
from kerasdoctor.lint.checks._util import calls_in

# tf-keras is Keras 2 whatever the target: its Sequence has no __init__ state
_KERAS2_ONLY = ("tf_keras", "tensorflow.python.keras")
_BASES = frozenset({"keras.utils.PyDataset", "keras.utils.Sequence", "keras.utils.data_utils.Sequence"})


class PyDatasetSuperInitMissing(Check):
    requires = ("PyDataset", "Sequence")

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        bases = [arg.value for arg in node.bases if arg.keyword is None]
        dataset_bases = [b for b in bases if self.ctx.qualify(b) in _BASES and not (self.ctx.resolver.raw(b) or "").startswith(_KERAS2_ONLY)]
        if not dataset_bases or not isinstance(node.body, cst.IndentedBlock):
            return
        init = next((s for s in node.body.body if isinstance(s, cst.FunctionDef) and s.name.value == "__init__"), None)
        if init is None:
            return
        base_texts = {_text(b) for b in bases}
        for call in calls_in(init.body):
            func = call.func
            if not (isinstance(func, cst.Attribute) and func.attr.value == "__init__"):
                continue
            owner = func.value
            if isinstance(owner, cst.Call) and isinstance(owner.func, cst.Name) and owner.func.value == "super":
                return
            if _text(owner) in base_texts:
                return
        self.report(init.name, cls=node.name.value)


def _text(node: cst.BaseExpression) -> str:
    return cst.Module(body=[]).code_for_node(node)


CHECK = PyDatasetSuperInitMissing

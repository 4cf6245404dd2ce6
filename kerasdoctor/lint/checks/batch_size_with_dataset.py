"""``batch_size=`` passed to fit/evaluate/predict together with a tf.data dataset, a generator or a Sequence.

What it detects:
    ``model.fit(ds, batch_size=32)`` where ``ds`` is followed from ``tf.data``,
    ``image_dataset_from_directory`` & co., a generator function of the file, a
    ``keras.utils.Sequence`` subclass or ``flow_from_directory``.

Why it breaks:
    Such data is already batched. tf.keras / Keras 2 raise "The `batch_size` argument
    must not be specified for the given input type" (or "... when using a generator or
    Sequence as an input"); Keras 3 ignores the argument.

Example:
    ds = tf.data.Dataset.from_tensor_slices((x, y)).batch(64)
    model.fit(ds, batch_size=64, epochs=5)

Use instead:
    ``model.fit(ds, epochs=5)``: batch the dataset itself.
"""

from __future__ import annotations

import libcst as cst

from kerasdoctor.lint.checks._data import DataCheck, data_argument, passes
from kerasdoctor.lint.checks._util import keyword, method_name

_METHODS = frozenset({"fit", "evaluate", "predict"})


class BatchSizeWithDataset(DataCheck):
    requires = ("batch_size",)

    def visit_Call(self, node: cst.Call) -> None:
        if method_name(node) not in _METHODS or not passes(node, "batch_size"):
            return
        given = keyword(node, "batch_size")
        kind = self.data.kind(data_argument(node))
        if given is not None and kind is not None:
            self.report(given, kind=kind.split()[-1])


CHECK = BatchSizeWithDataset

"""``validation_split=`` given to fit together with a tf.data dataset, a generator or a Sequence.

What it detects:
    ``model.fit(ds, validation_split=0.2)`` where ``ds`` is followed from ``tf.data``,
    ``image_dataset_from_directory`` & co., a generator function of the file, a
    ``keras.utils.Sequence`` subclass or ``flow_from_directory``.

Why it breaks:
    Keras can only split off the last fraction of in-memory arrays: "`validation_split`
    is only supported for Tensors or NumPy arrays" (tf.keras 2.2+, Keras 3).

Example:
    train_ds = keras.utils.image_dataset_from_directory("images/")
    model.fit(train_ds, validation_split=0.2)

Use instead:
    Split the data first (``image_dataset_from_directory(..., validation_split=0.2,
    subset="both", seed=1)``, ``ds.take``/``ds.skip``) and pass ``validation_data=``.
"""

from __future__ import annotations

import libcst as cst

from kerasdoctor.lint.checks._data import DataCheck, data_argument
from kerasdoctor.lint.checks._util import keyword, method_name, number_value


class ValidationSplitUnsupportedInput(DataCheck):
    requires = ("validation_split",)

    def visit_Call(self, node: cst.Call) -> None:
        if method_name(node) != "fit":
            return
        given = keyword(node, "validation_split")
        if given is None or number_value(given.value) == 0:
            return
        kind = self.data.kind(data_argument(node))
        if kind is not None:
            self.report(given, kind=kind.split()[-1])


CHECK = ValidationSplitUnsupportedInput

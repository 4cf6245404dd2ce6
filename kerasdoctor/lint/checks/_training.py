"""What a file compiles and fits with: the metric names its epoch logs can hold, and whether any fit validates.

Read across the whole file (checks built on it decide in ``finish()``). The
names are only known when every ``compile(metrics=...)`` of the file is a list
of literal names or ``keras.metrics`` objects; else they stay unknown and the
checks stay silent.
"""

from __future__ import annotations

import libcst as cst

from kerasdoctor.lint.checks._util import keyword, method_name, sequence_elements, string_value

TYPE_CHECKING = False
if TYPE_CHECKING:
    from kerasdoctor.lint.base import Context

_FITS = frozenset({"fit", "fit_generator"})
_VALIDATION = ("validation_data", "validation_split")


class TrainingFacts:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.metric_names: set[str] | None = set()  # None: some compile's metrics are unknown
        self.compiles = 0
        self.fits = 0
        self.fits_validating = 0  # fits with validation arguments or **kwargs (maybe validating)
        self.fits_with_callbacks = 0
        self._seen: set[int] = set()

    def call(self, node: cst.Call) -> None:
        """Feed every call of the file (idempotent: several checks share one table)."""
        if id(node) in self._seen:
            return
        method = method_name(node)
        if method == "compile":
            self._seen.add(id(node))
            self.compiles += 1
            self._compiled(node)
        elif method in _FITS:
            self._seen.add(id(node))
            self.fits += 1
            if keyword(node, "callbacks") is not None or any(a.star == "**" for a in node.args):
                self.fits_with_callbacks += 1
            if any(a.star == "**" for a in node.args) or any(keyword(node, k) is not None for k in _VALIDATION) or _positional_count(node) > 6:
                self.fits_validating += 1

    def _compiled(self, node: cst.Call) -> None:
        if self.metric_names is None:
            return
        if any(a.star for a in node.args) or _positional_count(node) > 2:
            self.metric_names = None
            return
        arg = keyword(node, "metrics")
        if arg is None:
            return
        items = sequence_elements(arg.value)
        if items is None:
            self.metric_names = None
            return
        for item in items:
            name = self._metric_name(item)
            if name is None:
                self.metric_names = None
                return
            self.metric_names.add(name)

    def _metric_name(self, item: cst.BaseExpression) -> str | None:
        text = string_value(item)
        if text is not None:
            return text
        if isinstance(item, cst.Call):
            qualified = self.ctx.qualify(item.func)
            if qualified is None or not qualified.startswith("keras.metrics."):
                return None
            named = keyword(item, "name")
            if named is not None:
                return string_value(named.value)
            return "" if not any(a.star for a in item.args) else None  # a class's own default name, never "acc"
        qualified = self.ctx.qualify(item)
        if qualified is not None and qualified.startswith("keras.metrics."):
            return qualified.rsplit(".", 1)[1]
        return None

    def accuracy_renamed(self, key: str) -> str | None:
        """``accuracy`` for the key ``acc`` (``val_accuracy`` for ``val_acc``) when the file compiles
        ``metrics=["accuracy"]`` and never a metric named ``acc``: Keras 2.3+ logs the name as given."""
        if self.compiles == 0 or self.metric_names is None or "accuracy" not in self.metric_names or "acc" in self.metric_names:
            return None
        if key == "acc":
            return "accuracy"
        if key == "val_acc":
            return "val_accuracy"
        return None

    def accuracy_names(self) -> list[str]:
        """The accuracy metrics the file's compiles name (``accuracy``, ``binary_accuracy`` ...), when all are known."""
        return sorted(n for n in self.metric_names or () if n.endswith("accuracy"))

    def never_validates(self) -> bool:
        """Every fit of the file is known and none gets validation data."""
        return self.fits > 0 and self.fits_validating == 0


def _positional_count(node: cst.Call) -> int:
    return sum(1 for a in node.args if a.keyword is None)

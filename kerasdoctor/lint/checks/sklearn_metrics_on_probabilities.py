"""scikit-learn classification metrics given a Keras model's ``predict`` output (probabilities) instead of labels.

What it detects:
    ``accuracy_score`` / ``f1_score`` / ``precision_score`` / ``recall_score`` /
    ``confusion_matrix`` / ``classification_report`` / ... called with ``model.predict(x)``,
    or with a name assigned exactly that, where ``model`` is a Keras model of this file.
    Thresholded or ``argmax``-ed predictions are labels and are left alone.

Why it breaks:
    ``predict`` returns a probability per class (or one sigmoid probability per row);
    scikit-learn compares labels: "Classification metrics can't handle a mix of binary
    and continuous targets" (or "... multiclass and continuous-multioutput targets").

Example:
    y_pred = model.predict(x_test)
    print(accuracy_score(y_test, y_pred))

Use instead:
    ``y_pred = model.predict(x_test).argmax(axis=1)`` (softmax), or
    ``(model.predict(x_test) > 0.5).astype("int32")`` (one sigmoid unit).
"""

from __future__ import annotations

import libcst as cst

from kerasdoctor.lint.base import Check
from kerasdoctor.lint.checks._symbolic import shared_tracker
from kerasdoctor.lint.checks._util import method_name, receiver_name, target_names

_LABEL_METRICS = frozenset(
    "sklearn.metrics." + name
    for name in (
        "accuracy_score",
        "balanced_accuracy_score",
        "f1_score",
        "fbeta_score",
        "precision_score",
        "recall_score",
        "precision_recall_fscore_support",
        "confusion_matrix",
        "multilabel_confusion_matrix",
        "classification_report",
        "cohen_kappa_score",
        "matthews_corrcoef",
        "jaccard_score",
        "hamming_loss",
        "zero_one_loss",
    )
)


class SklearnMetricsOnProbabilities(Check):
    requires = ("sklearn",)

    def __init__(self, *args: object) -> None:
        super().__init__(*args)  # type: ignore[arg-type]
        self.tracker = shared_tracker(self.ctx)
        self.predictions: dict[int, set[str]] = {}
        self.predicted = False

    def _names(self) -> set[str]:
        function = self.ctx.function
        return self.predictions.setdefault(id(function.node) if function is not None else 0, set())

    def _is_prediction(self, node: cst.BaseExpression) -> bool:
        if isinstance(node, cst.Call):
            name = receiver_name(node)
            return method_name(node) == "predict" and name is not None and self.tracker.holds_model(name)
        if isinstance(node, cst.Name):
            return node.value in self._names() and not self.ctx.binds_locally(node.value, parameters=True)
        return False

    def visit_Assign(self, node: cst.Assign) -> None:
        # judged before any check's leave_Assign rebinds a name in the shared tracker
        self.predicted = self._is_prediction(node.value) and isinstance(node.value, cst.Call)

    def leave_Assign(self, node: cst.Assign) -> None:
        predicted = self.predicted
        names = self._names()
        for target in node.targets:
            for name in target_names(target.target):
                if predicted and isinstance(target.target, cst.Name):
                    names.add(name.value)
                else:
                    names.discard(name.value)
        self.tracker.assigned(node)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        if isinstance(node.target, cst.Name):
            self._names().discard(node.target.value)

    def visit_Call(self, node: cst.Call) -> None:
        qualified = self.ctx.qualify(node.func)
        if qualified not in _LABEL_METRICS:
            return
        for arg in node.args[:2]:
            if (arg.keyword is None or arg.keyword.value in ("y_pred", "y_true")) and not arg.star and self._is_prediction(arg.value):
                self.report(arg.value, metric=qualified.rsplit(".", 1)[1])  # type: ignore[union-attr]
                return


CHECK = SklearnMetricsOnProbabilities

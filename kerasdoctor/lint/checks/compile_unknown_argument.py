"""Keyword arguments that ``compile`` / ``fit`` / ``evaluate`` / ``predict`` do not accept.

What it detects:
    A misspelt or invented keyword (``metric=``, ``epoch=``, ``batchsize=``,
    ``learning_rate=`` to compile) on ``compile``/``fit``/``evaluate``/``predict``
    of a model built in the file: ``keras.Model``/``Sequential``, a loader,
    ``keras.applications``, or a class of the file deriving from ``keras.Model``
    that does not define that method itself (a GAN's ``compile(d_optimizer=...)``
    is its own). Any other receiver (a KerasCV detector, a model returned by a
    function) may have its own signature: silent. Keywords accepted by either
    Keras 2 or Keras 3 are fine.

Why it breaks:
    "TypeError: Invalid keyword argument(s) in `compile()`: ({'metric'},)" (Keras 2),
    "compile() got an unexpected keyword argument 'metric'" (Keras 3).

Example:
    model.compile(optimizer="adam", loss="mse", metric=["mae"])

Use instead:
    The documented name: ``metrics=["mae"]``.
"""

from __future__ import annotations

import difflib

import libcst as cst

from kerasdoctor.lint.base import Check
from kerasdoctor.lint.checks._util import ModelTracker, has_star_args, method_name

# Keras 1 names: keras1-fit-arguments reports them with their Keras 2 names (and Keras 2.0-2.2
# still accepted them with a warning), so they are not "unknown" here
KERAS1_ARGUMENTS = {"nb_epoch", "samples_per_epoch", "nb_val_samples", "nb_worker"}
_COMMON_EVAL = {"x", "y", "batch_size", "verbose", "steps", "callbacks", "max_queue_size", "workers", "use_multiprocessing", "sample_weight", "return_dict"}
KNOWN = {
    "compile": {
        "optimizer",
        "loss",
        "metrics",
        "loss_weights",
        "weighted_metrics",
        "run_eagerly",
        "steps_per_execution",
        "jit_compile",
        "auto_scale_loss",
        "sample_weight_mode",
        "target_tensors",
        "distribute",
        "pss_evaluation_shards",
        "experimental_run_tf_function",
        "cloning",
        "options",
    },
    "fit": {
        "x",
        "y",
        "batch_size",
        "epochs",
        "verbose",
        "callbacks",
        "validation_split",
        "validation_data",
        "shuffle",
        "class_weight",
        "sample_weight",
        "initial_epoch",
        "steps_per_epoch",
        "validation_steps",
        "validation_batch_size",
        "validation_freq",
        "max_queue_size",
        "workers",
        "use_multiprocessing",
    },
    "evaluate": _COMMON_EVAL,
    "predict": _COMMON_EVAL - {"y", "sample_weight", "return_dict"},
}


class CompileUnknownArgument(Check):
    requires = ("compile", "fit", "evaluate", "predict")

    def __init__(self, *args: object) -> None:
        super().__init__(*args)  # type: ignore[arg-type]
        self.models = ModelTracker(self.ctx)

        # class of this file -> (methods it defines, the names of its bases)
        self.classes: dict[str, tuple[set[str], list[str]]] = {}

    def leave_Assign(self, node: cst.Assign) -> None:
        self.models.assigned(node)

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        methods = {s.name.value for s in node.body.body if isinstance(s, cst.FunctionDef)} if isinstance(node.body, cst.IndentedBlock) else set()
        self.classes[node.name.value] = (methods, [a.value.value for a in node.bases if isinstance(a.value, cst.Name)])

    def overrides(self, class_name: str, method: str) -> bool:
        """Whether a class of this file, or one of its bases from this file, defines ``method``."""
        seen: set[str] = set()
        pending = [class_name]
        while pending:
            name = pending.pop()
            if name in seen or name not in self.classes:
                continue
            seen.add(name)
            methods, bases = self.classes[name]
            if method in methods:
                return True
            pending += bases
        return False

    def visit_Call(self, node: cst.Call) -> None:
        method = method_name(node)
        if method not in KNOWN or has_star_args(node) or self.ctx.qualify(node.func) is not None:
            return
        constructor = self.models.model_of(node)
        if constructor is None:
            return
        if isinstance(constructor.func, cst.Name) and self.overrides(constructor.func.value, method):
            return
        known = KNOWN[method]
        for arg in node.args:
            if arg.keyword is not None and arg.keyword.value not in known and arg.keyword.value not in KERAS1_ARGUMENTS:
                close = difflib.get_close_matches(arg.keyword.value, sorted(known), n=1)
                hint = f"; did you mean `{close[0]}=`?" if close else ""
                self.report(arg.keyword, method=method, argument=arg.keyword.value, hint=hint)


CHECK = CompileUnknownArgument

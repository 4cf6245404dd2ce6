"""``decay=`` on an optimizer: Keras 2's time-based learning-rate decay, gone from the new optimizers.

What it detects:
    ``keras.optimizers.<Optimizer>(..., decay=...)`` in any import spelling (not the
    ``legacy`` optimizers, which keep it). Target keras3.

Why it breaks:
    Keras 3 warns "Argument `decay` is no longer supported and will be ignored" and trains
    at a constant rate; Keras 2.11+ and tf-keras raise "decay is deprecated in the new
    Keras optimizer".

Example:
    opt = keras.optimizers.SGD(learning_rate=0.01, decay=1e-6)

Use instead:
    opt = keras.optimizers.SGD(learning_rate=keras.optimizers.schedules.InverseTimeDecay(
        0.01, decay_steps=1, decay_rate=1e-6))

The fix writes that schedule: Keras 2 computed ``lr / (1 + decay * iterations)``, which is
``InverseTimeDecay(lr, decay_steps=1, decay_rate=decay)`` at the optimizer's step. It needs
the learning rate spelt out (Keras 2's defaults differ between optimizers and releases),
a way to spell ``keras.optimizers.schedules`` (a ``keras`` or ``keras.optimizers`` name in scope,
or ``schedules`` added to the file's ``from keras.optimizers import ...``), and a file that never sets or schedules the
learning rate itself (a schedule cannot be assigned to: ReduceLROnPlateau,
LearningRateScheduler, ``set_value``, ``optimizer.lr = ...`` would break).
"""

from __future__ import annotations

import re

import libcst as cst

from kerasdoctor.lint.base import Check, Edit, remove_argument
from kerasdoctor.lint.checks._util import keyword, number_value, positional

_SETS_LEARNING_RATE = re.compile(r"ReduceLROnPlateau|LearningRateScheduler|set_value|\.(?:lr|learning_rate)\b(?!\s*\()")


def code_of(node: cst.CSTNode) -> str:
    return cst.Module([]).code_for_node(node)


class OptimizerDecayArgument(Check):
    requires = ("decay",)

    def __init__(self, *args: object) -> None:
        super().__init__(*args)  # type: ignore[arg-type]
        self.fixable = not _SETS_LEARNING_RATE.search(self.ctx.source)
        self.optimizers_import: cst.ImportAlias | None = None  # the last name of `from keras.optimizers import Adam, SGD`
        self.import_edit_given = False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if node.relative or isinstance(node.names, cst.ImportStar) or self.optimizers_import is not None:
            return
        from kerasdoctor.lint.resolve import module_name

        if module_name(node.module) in ("keras.optimizers", "tensorflow.keras.optimizers") and node.names:
            self.optimizers_import = node.names[-1]

    def _schedules_spelling(self) -> tuple[str, list[Edit]] | None:
        """A name for ``keras.optimizers.schedules``: imported already, or added to ``from keras.optimizers import ...``
        when nothing else in the file is called ``schedules``."""
        for local, full in self.ctx.resolver.imports.items():
            if full in ("keras.optimizers.schedules", "tensorflow.keras.optimizers.schedules") and not self.ctx.binds_locally(local, parameters=True):
                return local, []
        alias = self.optimizers_import
        if alias is None or self.import_edit_given or re.search(r"\bschedules\b", self.ctx.source):
            return None
        self.import_edit_given = True  # one finding adds it; the others are fixed in the next round, with it in place
        code = cst.Module([]).code_for_node(alias.with_changes(comma=cst.MaybeSentinel.DEFAULT))
        return "schedules", [Edit(alias, code + ", schedules")]

    def _optimizers_spelling(self, func: cst.BaseExpression) -> str | None:
        """How this file spells the ``keras.optimizers`` package the call came from."""
        if isinstance(func, cst.Attribute) and self.ctx.qualify(func.value) == "keras.optimizers":
            return code_of(func.value)
        spellings = {
            "keras": ".optimizers",
            "tensorflow.keras": ".optimizers",
            "keras.optimizers": "",
            "tensorflow.keras.optimizers": "",
            "tensorflow": ".keras.optimizers",
        }
        found = [(list(spellings).index(full), f"{local}{spellings[full]}") for local, full in self.ctx.resolver.imports.items() if full in spellings]
        found = [f for f in found if not self.ctx.binds_locally(f[1].split(".")[0], parameters=True)]
        return min(found)[1] if found else None

    def visit_Call(self, node: cst.Call) -> None:
        name = self.ctx.qualify(node.func)
        if name is None or not name.startswith("keras.optimizers.") or name.count(".") != 2:
            return
        decay = keyword(node, "decay")
        if decay is None:
            return
        self.report(decay.keyword or decay, edits=self._fix(node, decay), name=name.rsplit(".", 1)[1])

    def _fix(self, node: cst.Call, decay: cst.Arg) -> list[Edit] | None:
        if not self.fixable or any(a.star for a in node.args):
            return None
        if number_value(decay.value) == 0:
            return [remove_argument(node, decay)]  # no decay at all: a constant rate either way
        rate = keyword(node, "learning_rate") or keyword(node, "lr") or positional(node, 0)
        if rate is None:
            return None
        package = self._optimizers_spelling(node.func)
        schedules, import_edits = (f"{package}.schedules", []) if package is not None else self._schedules_spelling() or (None, [])
        if schedules is None:
            return None
        schedule = f"{schedules}.InverseTimeDecay({code_of(rate.value)}, decay_steps=1, decay_rate={code_of(decay.value)})"
        return [Edit(rate.value, schedule), remove_argument(node, decay), *import_edits]


CHECK = OptimizerDecayArgument

"""What the data given to fit/evaluate/predict is: a tf.data pipeline (finite or repeated forever), a Python generator, a Sequence.

Names are followed per function (and the module) in statement order, like
``_symbolic.py``: ``ds = tf.data.Dataset.from_tensor_slices(...).batch(32)``,
``ds = ds.repeat()``, ``gen = batches(x)`` with ``def batches`` a generator
function of this file, ``seq = MySequence(...)`` with a local ``keras.utils.Sequence``
subclass, ``flow_from_directory(...)``. Anything else is unknown.
"""

from __future__ import annotations

import libcst as cst

from kerasdoctor.lint.base import Check
from kerasdoctor.lint.checks._util import argument, method_name, target_names
from kerasdoctor.lint.walk import subtree

TYPE_CHECKING = False
if TYPE_CHECKING:
    from kerasdoctor.lint.base import Context

DATASET = "dataset"
INFINITE_DATASET = "infinite dataset"
GENERATOR = "generator"
INFINITE_GENERATOR = "infinite generator"
SEQUENCE = "Sequence"

_FROM_FILES = ("image_dataset_from_directory", "text_dataset_from_directory", "timeseries_dataset_from_array", "audio_dataset_from_directory")
_DATASET_FACTORIES = frozenset("keras.utils." + name for name in _FROM_FILES) | frozenset("keras.preprocessing." + name for name in _FROM_FILES)
# Dataset methods that return a dataset as long as their input (take/shard: finite, handled apart)
_DATASET_METHODS = frozenset(
    {"map", "batch", "padded_batch", "shuffle", "prefetch", "cache", "filter", "unbatch", "rebatch", "with_options", "apply", "ragged_batch"}
    | {"interleave", "flat_map", "skip"}
)
_SEQUENCE_BASES = frozenset({"keras.utils.Sequence", "keras.utils.PyDataset", "keras.utils.data_utils.Sequence"})
_ITERATOR_METHODS = frozenset({"flow_from_directory", "flow_from_dataframe"})


class DataTable:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.kinds: dict[int, dict[str, str]] = {}
        # name -> its latest module/function-level def; whether it is a generator is read from the body
        # only when a call to that name is asked about (most files never call one by a bare name)
        self.functions: dict[str, cst.FunctionDef] = {}
        self._generators: dict[int, bool | None] = {}  # id(def) -> loops forever, or None: not a generator
        self._done: set[int] = set()

    def _names(self) -> dict[str, str]:
        function = self.ctx.function
        key = id(function.node) if function is not None else 0
        found = self.kinds.get(key)
        if found is None:
            found = self.kinds[key] = {}
        return found

    def defined(self, node: cst.FunctionDef) -> None:
        """Remember a function that a bare-name call may refer to."""
        if id(node) in self._done or self.ctx.scope.kind == "class":
            return  # methods are called on their object, never by their bare name
        self._done.add(id(node))
        self.functions[node.name.value] = node

    def generator(self, name: str) -> bool | None:
        """Whether the function ``name`` now refers to is a generator (its own body yields) that loops forever;
        None when it is not a generator or not a function of this file."""
        node = self.functions.get(name)
        if node is None:
            return None
        key = id(node)
        if key in self._generators:
            return self._generators[key]
        own: set[int] = set()
        nested: set[int] = set()
        forever = False
        for current in subtree(node.body):
            if isinstance(current, (cst.FunctionDef, cst.Lambda, cst.ClassDef)):
                nested.update(id(n) for n in subtree(current) if isinstance(n, cst.Yield))
            elif isinstance(current, cst.Yield):
                own.add(id(current))
            elif isinstance(current, cst.While) and _always_true(current.test):
                forever = True
        answer = self._generators[key] = forever if own - nested else None
        return answer

    def assigned(self, node: cst.Assign) -> None:
        if id(node) in self._done:
            return
        self._done.add(id(node))
        kind = self.kind(node.value)
        names = self._names()
        for target in node.targets:
            for name in target_names(target.target):
                if kind is not None and isinstance(target.target, cst.Name):
                    names[name.value] = kind
                else:
                    names.pop(name.value, None)

    def kind(self, node: cst.BaseExpression | None) -> str | None:
        """One of the kinds above, or None when unknown (or in-memory arrays)."""
        if node is None:
            return None
        if isinstance(node, cst.Name):
            if len(self.ctx.scopes) > 1 and self.ctx.binds_locally(node.value, parameters=True):
                return None
            return self._names().get(node.value)
        if not isinstance(node, cst.Call):
            return None
        qualified = self.ctx.qualify(node.func)
        if qualified is not None:
            if qualified.startswith("tensorflow.data.") or qualified in _DATASET_FACTORIES:
                return DATASET
            return None
        method = method_name(node)
        if method is not None and isinstance(node.func, cst.Attribute):
            if method in _ITERATOR_METHODS:
                return SEQUENCE
            inner = self.kind(node.func.value)
            if inner not in (DATASET, INFINITE_DATASET):
                return None
            if method == "repeat":
                count = argument(node, 0, "count")
                endless = count is None or (isinstance(count, cst.Name) and count.value == "None")
                return INFINITE_DATASET if endless else inner
            if method in ("take", "shard"):
                return DATASET
            if method in _DATASET_METHODS:
                return inner
            return None
        if isinstance(node.func, cst.Name):
            name = node.func.value
            forever = self.generator(name)
            if forever is not None:
                return INFINITE_GENERATOR if forever else GENERATOR
            if self.ctx.local_classes.get(name) in _SEQUENCE_BASES:
                return SEQUENCE
        return None


def _always_true(test: cst.BaseExpression) -> bool:
    if isinstance(test, cst.Name):
        return test.value == "True"
    return isinstance(test, cst.Integer) and test.value not in ("0", "0x0")


def data_argument(call: cst.Call) -> cst.BaseExpression | None:
    """The data of ``fit(x, ...)`` / ``evaluate`` / ``predict`` / ``*_generator(generator, ...)``."""
    arg = argument(call, 0, "x")
    if arg is None:
        named = next((a for a in call.args if a.keyword is not None and a.keyword.value == "generator"), None)
        return named.value if named is not None else None
    return arg


class DataCheck(Check):
    """Base of the checks that read the file's data table; one table per file, fed by every such check."""

    def __init__(self, *args: object) -> None:
        super().__init__(*args)  # type: ignore[arg-type]
        self.data: DataTable = self.ctx.shared("data", lambda: DataTable(self.ctx))

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.data.defined(node)

    # leave_, not visit_: `ds = ds.repeat()` is judged with the old `ds`
    def leave_Assign(self, node: cst.Assign) -> None:
        self.data.assigned(node)


def passes(call: cst.Call, name: str) -> bool:
    """The call passes ``name=`` (not None), or ``**kwargs`` that may hold it."""
    for arg in call.args:
        if arg.star == "**":
            return True
        if arg.keyword is not None and arg.keyword.value == name:
            return not (isinstance(arg.value, cst.Name) and arg.value.value == "None")
    return False

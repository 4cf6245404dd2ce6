"""Small helpers shared by checks: literals, arguments, targets, and what a Keras model looks like."""

from __future__ import annotations

import ast

import libcst as cst

from kerasdoctor.lint.walk import subtree

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator

    from kerasdoctor.lint.base import Context

MODEL_FACTORIES = frozenset({"keras.Model", "keras.Sequential", "keras.models.load_model", "keras.models.clone_model", "keras.models.model_from_json"})


def is_model_factory(qualified: str | None) -> bool:
    """A call that returns a Keras model: Model/Sequential, loaders, keras.applications.*."""
    return qualified is not None and (qualified in MODEL_FACTORIES or qualified.startswith("keras.applications."))


def keyword(call: cst.Call, name: str) -> cst.Arg | None:
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == name:
            return arg
    return None


def positional(call: cst.Call, index: int) -> cst.Arg | None:
    """The index-th positional argument (no star-args before it), else None."""
    i = 0
    for arg in call.args:
        if arg.keyword is not None:
            continue
        if arg.star:
            return None
        if i == index:
            return arg
        i += 1
    return None


def argument(call: cst.Call, index: int, name: str) -> cst.BaseExpression | None:
    """An argument given by keyword ``name`` or at position ``index``."""
    arg = keyword(call, name) or (positional(call, index) if index >= 0 else None)
    return arg.value if arg is not None else None


def has_star_args(call: cst.Call) -> bool:
    return any(arg.star for arg in call.args)


def string_value(node: cst.BaseExpression | None) -> str | None:
    if isinstance(node, cst.SimpleString):
        try:
            value = ast.literal_eval(node.value)
        except (ValueError, SyntaxError):
            return None
        return value if isinstance(value, str) else None
    if isinstance(node, cst.ConcatenatedString):
        left, right = string_value(node.left), string_value(node.right)
        return left + right if left is not None and right is not None else None
    return None


def number_value(node: cst.BaseExpression | None) -> float | None:
    if isinstance(node, (cst.Integer, cst.Float)):
        try:
            return float(node.evaluated_value)
        except (ValueError, OverflowError):
            return None
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Minus):
        inner = number_value(node.expression)
        return -inner if inner is not None else None
    return None


def is_true(node: cst.BaseExpression | None) -> bool:
    return isinstance(node, cst.Name) and node.value == "True"


def is_false(node: cst.BaseExpression | None) -> bool:
    return isinstance(node, cst.Name) and node.value == "False"


# These helpers run for every call and assignment of a file. libcst's node classes are ABCs, whose
# isinstance() is slow; no concrete node class is subclassed, so an exact type test answers the same.


def method_name(call: cst.Call) -> str | None:
    func = call.func
    return func.attr.value if type(func) is cst.Attribute else None


def receiver_name(call: cst.Call) -> str | None:
    """``model`` in ``model.fit(...)``."""
    func = call.func
    if type(func) is cst.Attribute and type(func.value) is cst.Name:
        return func.value.value
    return None


def target_names(target: cst.BaseExpression) -> Iterator[cst.Name]:
    """The names a (possibly unpacking) assignment target binds."""
    if type(target) is cst.Name:
        yield target
    elif type(target) is cst.Tuple or type(target) is cst.List:
        for element in target.elements:
            yield from target_names(element.value)
    elif type(target) is cst.StarredElement:
        yield from target_names(target.value)


def sequence_elements(node: cst.BaseExpression | None) -> list[cst.BaseExpression] | None:
    """The items of a list/tuple literal without starred items, else None."""
    if not isinstance(node, (cst.List, cst.Tuple)):
        return None
    items = []
    for element in node.elements:
        if isinstance(element, cst.StarredElement):
            return None
        items.append(element.value)
    return items


def layer_class(ctx: Context, node: cst.BaseExpression) -> str | None:
    """``Dense`` for ``keras.layers.Dense(...)`` in any spelling (the constructor call itself)."""
    if type(node) is cst.Call:
        name = ctx.qualify(node.func)
        if name and name.startswith("keras.layers.") and name.count(".") == 2 and name[13:14].isupper():
            return name[13:]
    return None


def names_in(node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    """Every Name and Attribute node under ``node`` (attribute and keyword names themselves excluded)."""
    for current in subtree(node):
        if type(current) is cst.Name or type(current) is cst.Attribute:
            yield current


def calls_in(node: cst.CSTNode) -> Iterator[cst.Call]:
    for current in subtree(node):
        if type(current) is cst.Call:
            yield current  # type: ignore[misc]


class ModelTracker:
    """Which local names hold Keras models, and how each was built (for compile/fit checks)."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.models: dict[str, cst.Call] = {}

    def assigned(self, node: cst.Assign) -> None:
        if len(node.targets) != 1 or not isinstance(node.targets[0].target, cst.Name):
            return
        name = node.targets[0].target.value
        value = node.value
        if isinstance(value, cst.Call) and self.is_model_call(value):
            self.models[name] = value
        else:
            self.models.pop(name, None)

    def is_model_call(self, call: cst.Call) -> bool:
        qualified = self.ctx.qualify(call.func)
        if qualified is None:
            return isinstance(call.func, cst.Name) and self.ctx.local_classes.get(call.func.value) in ("keras.Model", "keras.Sequential")
        return is_model_factory(qualified)

    def model_of(self, call: cst.Call) -> cst.Call | None:
        """The constructor call of the model whose method ``call`` is, when known."""
        name = receiver_name(call)
        return self.models.get(name) if name is not None else None


class FeatureTests:
    """``hasattr(tf.keras.optimizers, "experimental")`` tests around the code being visited: under ``if`` and
    on the right of ``and``, the attribute is only read where it exists, so a missing one is no error."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.active: list[str] = []  # the dotted names tested, innermost last
        self.pushed: list[int] = []  # how many each If / BooleanOperation pushed

    def _tested(self, test: cst.BaseExpression) -> list[str]:
        found = []
        for call in calls_in(test):
            if isinstance(call.func, cst.Name) and call.func.value == "hasattr" and len(call.args) == 2:
                owner = self.ctx.resolver.raw(call.args[0].value)
                name = string_value(call.args[1].value)
                if owner and name:
                    found.append(f"{owner}.{name}")
        return found

    def enter(self, node: cst.If | cst.BooleanOperation) -> None:
        test = node.test if isinstance(node, cst.If) else node.left if isinstance(node.operator, cst.And) else None
        tested = self._tested(test) if test is not None else []
        self.active.extend(tested)
        self.pushed.append(len(tested))

    def leave(self) -> None:
        count = self.pushed.pop()
        if count:
            del self.active[-count:]

    def covers(self, raw: str, missing: str) -> bool:
        """True when ``raw`` (a dotted name as the user spelt it) is read under a test that ``missing`` (the
        part of it that may not exist, ``tensorflow.keras.optimizers.experimental``) or more of it exists."""
        return any((raw == t or raw.startswith(t + ".")) and (t == missing or t.startswith(missing + ".")) for t in self.active)

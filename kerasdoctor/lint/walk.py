"""One traversal of a libcst tree that feeds every enabled check.

libcst's own ``Module.visit`` rebuilds every node it passes (it is a
transformer underneath) and visits all whitespace and punctuation nodes; this
walker reads the child fields of each node class once (cached), skips
formatting-only fields, and calls only the handlers some check asked for.
"""

from __future__ import annotations

import dataclasses

import libcst as cst

from kerasdoctor.lint.base import Check, Context, Scope, tf_function_flags

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence
    from typing import Any

_SKIP_FIELDS = frozenset(
    {
        "lpar",
        "rpar",
        "lbracket",
        "rbracket",
        "lbrace",
        "rbrace",
        "comma",
        "semicolon",
        "equal",
        "colon",
        "dot",
        "star",
        "operator",
        "leading_lines",
        "lines_after_decorators",
        "trailing_whitespace",
        "header",
        "footer",
        "asynchronous",
        "relative",
        "newline",
        "arrow",
        "encoding",
        "default_indent",
        "default_newline",
        "has_trailing_newline",
        "first_line",
        "indent",
        # names that are not variable reads: attribute names, keyword names, def/class names
        "attr",
        "keyword",
        # annotations say nothing about Keras dataflow
        "annotation",
        "returns",
    }
)
_NAME_FIELD_SKIPPED = (cst.FunctionDef, cst.ClassDef, cst.Param, cst.ImportAlias)
_NO_CHILDREN = (cst.Import, cst.ImportFrom)
_PLAIN_VALUES = (str, bool, int, float, "str", "bool")
_FIELDS: dict[type, tuple[str, ...]] = {}


def _child_fields(cls: type) -> tuple[str, ...]:
    if issubclass(cls, _NO_CHILDREN):
        names: tuple[str, ...] = ()
    else:
        names = tuple(
            f.name
            for f in dataclasses.fields(cls)  # type: ignore[arg-type]
            if f.name not in _SKIP_FIELDS
            and not f.name.startswith("whitespace")
            and not (f.name == "name" and issubclass(cls, _NAME_FIELD_SKIPPED))
            and f.type not in _PLAIN_VALUES  # Name.value, Integer.value: text, never a node
        )
    _FIELDS[cls] = names
    return names


Handler = "Callable[[cst.CSTNode], object]"


class Dispatch:
    """The bound visit/leave methods of one file's check instances, by node class name."""

    _methods: dict[type, tuple[str, ...]] = {}

    def __init__(self, checks: Sequence[Check]) -> None:
        self.enter: dict[str, list[Callable[[cst.CSTNode], object]]] = {}
        self.leave: dict[str, list[Callable[[cst.CSTNode], object]]] = {}
        for check in checks:
            cls = type(check)
            methods = self._methods.get(cls)
            if methods is None:
                methods = self._methods[cls] = tuple(a for a in dir(cls) if a.startswith(("visit_", "leave_")))
            for attr in methods:
                table = self.enter if attr.startswith("visit_") else self.leave
                table.setdefault(attr[6:], []).append(getattr(check, attr))


def _enter_scope(ctx: Context, node: cst.CSTNode) -> None:
    if isinstance(node, cst.FunctionDef):
        autograph, graph = tf_function_flags(ctx, node)
        parent = ctx.scopes[-1]
        if (
            parent.kind == "class"
            and node.name.value in ("call", "train_step", "test_step", "predict_step")
            and any(b.startswith("keras.") for b in parent.bases)
        ):
            autograph = True  # Keras traces these with tf.function + AutoGraph
        ctx.scopes.append(Scope("function", node, node.name.value, autograph=autograph, graph=graph))
    elif isinstance(node, cst.ClassDef):
        bases = []
        for arg in node.bases:
            name = ctx.qualify(arg.value)
            if name is None and isinstance(arg.value, cst.Name):
                name = ctx.local_classes.get(arg.value.value)
            if name is not None:
                bases.append(name)
        if any(b.startswith("keras.") for b in bases):
            ctx.local_classes[node.name.value] = next(b for b in bases if b.startswith("keras."))
        ctx.scopes.append(Scope("class", node, node.name.value, bases=tuple(bases)))
    elif isinstance(node, cst.Lambda):
        ctx.scopes.append(Scope("lambda", node))
    else:  # a comprehension: its `for` targets are its own names
        ctx.scopes.append(Scope("comprehension", node))


def _track_names(ctx: Context, node: cst.CSTNode) -> None:
    if isinstance(node, cst.Import):
        ctx.resolver.add_import(node)
    elif isinstance(node, cst.ImportFrom):
        ctx.resolver.add_import_from(node)
    elif isinstance(node, cst.Assign) and len(node.targets) == 1:
        target = node.targets[0].target
        if isinstance(target, cst.Name) and (ctx.at_module_level or target.value in ctx.resolver.imports):
            ctx.resolver.alias(target.value, node.value)


_SCOPE_NODES = (cst.FunctionDef, cst.ClassDef, cst.Lambda, cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp)
_NAME_NODES = (cst.Import, cst.ImportFrom, cst.Assign)
# isinstance() against libcst's ABC-based classes is slow; answers are cached per concrete class
_IS_NODE: dict[type, bool] = {}
_KIND: dict[type, tuple[tuple[str, ...], bool, bool]] = {}


def _kind(cls: type) -> tuple[tuple[str, ...], bool, bool]:
    """(child fields, tracks names, opens a scope) for a node class."""
    kind = (_child_fields(cls), issubclass(cls, _NAME_NODES), issubclass(cls, _SCOPE_NODES))
    _KIND[cls] = kind
    return kind


def _is_node(cls: type) -> bool:
    answer = _IS_NODE.get(cls)
    if answer is None:
        answer = _IS_NODE[cls] = issubclass(cls, cst.CSTNode)
    return answer


def subtree(node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    """``node`` and every node under it (the walk's fields: no whitespace, no attribute/keyword names)."""
    stack = [node]
    kinds = _KIND
    while stack:
        current = stack.pop()
        yield current
        kind = kinds.get(type(current)) or _kind(type(current))
        for field in kind[0]:
            value = getattr(current, field)
            cls = type(value)
            if cls is tuple or cls is list:
                stack.extend(child for child in value if _is_node(type(child)))
            elif _is_node(cls):
                stack.append(value)


def _visited(node: cst.CSTNode) -> None:
    """What ``walk``'s visitor becomes once the walk is over."""


def walk(module: cst.Module, ctx: Context, dispatch: Dispatch) -> None:
    """Visit ``module`` depth-first once, keeping scopes and the import table current."""
    enter, leave = dispatch.enter, dispatch.leave
    is_node = _IS_NODE
    # per node class: (child fields, tracks names, opens a scope, enter handlers, leave handlers)
    table: dict[type, tuple[tuple[str, ...], bool, bool, Any, Any]] = {}

    def plan(cls: type) -> tuple[tuple[str, ...], bool, bool, Any, Any]:
        fields, track, scoped = _KIND.get(cls) or _kind(cls)
        entry = table[cls] = (fields, track, scoped, enter.get(cls.__name__), leave.get(cls.__name__))
        return entry

    def visit(node: cst.CSTNode) -> None:
        cls = type(node)
        fields, track, scoped, enters, leaves = table.get(cls) or plan(cls)
        if track:
            _track_names(ctx, node)
        if enters:
            for handler in enters:
                handler(node)
        if scoped:
            function = ctx.function
            _enter_scope(ctx, node)
            if cls is cst.FunctionDef:
                ctx.function = ctx.scopes[-1]
        for field in fields:
            value = getattr(node, field)
            vcls = type(value)
            if vcls is tuple or vcls is list:
                for child in value:
                    ccls = type(child)
                    if is_node.get(ccls) or (ccls not in is_node and _is_node(ccls)):
                        visit(child)
            elif is_node.get(vcls) or (vcls not in is_node and _is_node(vcls)):
                visit(value)
        if scoped:
            ctx.scopes.pop()
            ctx.function = function
        if leaves:
            for handler in leaves:
                handler(node)

    try:
        visit(module)
    finally:
        # `visit` refers to itself through its closure cell: a cycle that would hold every check and
        # the whole tree until the cyclic collector ran. Rebinding the name frees them by refcount.
        visit = _visited

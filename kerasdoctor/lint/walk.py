"""One traversal of a libcst tree that feeds every enabled check.

libcst's own ``Module.visit`` rebuilds every node it passes (it is a
transformer underneath) and visits all whitespace and punctuation nodes; this
walker reads the child fields of each node class once (cached), skips
formatting-only fields, and calls only the handlers some check asked for.
"""

from __future__ import annotations

import dataclasses

import libcst as cst

from kerasdoctor.lint.base import Check, Context, Scope

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

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
    }
)
_NAME_FIELD_SKIPPED = (cst.FunctionDef, cst.ClassDef, cst.Param, cst.ImportAlias)
_NO_CHILDREN = (cst.Import, cst.ImportFrom)
_FIELDS: dict[type, tuple[str, ...]] = {}


def _child_fields(cls: type) -> tuple[str, ...]:
    if issubclass(cls, _NO_CHILDREN):
        names: tuple[str, ...] = ()
    else:
        names = tuple(
            f.name
            for f in dataclasses.fields(cls)
            if f.name not in _SKIP_FIELDS and not f.name.startswith("whitespace") and not (f.name == "name" and issubclass(cls, _NAME_FIELD_SKIPPED))
        )
    _FIELDS[cls] = names
    return names


Handler = "Callable[[cst.CSTNode], object]"


class Dispatch:
    """The bound visit/leave methods of one file's check instances, by node class name."""

    def __init__(self, checks: Sequence[Check]) -> None:
        self.enter: dict[str, list[Callable[[cst.CSTNode], object]]] = {}
        self.leave: dict[str, list[Callable[[cst.CSTNode], object]]] = {}
        for check in checks:
            for attr in dir(type(check)):
                if attr.startswith("visit_"):
                    self.enter.setdefault(attr[6:], []).append(getattr(check, attr))
                elif attr.startswith("leave_"):
                    self.leave.setdefault(attr[6:], []).append(getattr(check, attr))


def _decorator_flags(ctx: Context, node: cst.FunctionDef) -> tuple[bool, bool]:
    """(autograph, graph) from ``@tf.function`` / ``@tf.function(autograph=False)``."""
    autograph = graph = False
    for decorator in node.decorators:
        expr = decorator.decorator
        call_args: Sequence[cst.Arg] = ()
        if isinstance(expr, cst.Call):
            call_args = expr.args
            expr = expr.func
        if ctx.qualify(expr) == "tensorflow.function":
            no_autograph = any(
                a.keyword is not None and a.keyword.value == "autograph" and isinstance(a.value, cst.Name) and a.value.value == "False" for a in call_args
            )
            if no_autograph:
                graph = True
            else:
                autograph = True
    return autograph, graph


def _enter_scope(ctx: Context, node: cst.CSTNode) -> None:
    if isinstance(node, cst.FunctionDef):
        autograph, graph = _decorator_flags(ctx, node)
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


def _track_names(ctx: Context, node: cst.CSTNode) -> None:
    if isinstance(node, cst.Import):
        ctx.resolver.add_import(node)
    elif isinstance(node, cst.ImportFrom):
        ctx.resolver.add_import_from(node)
    elif isinstance(node, cst.Assign) and len(node.targets) == 1:
        target = node.targets[0].target
        if isinstance(target, cst.Name) and (ctx.at_module_level or target.value in ctx.resolver.imports):
            ctx.resolver.alias(target.value, node.value)


_SCOPE_NODES = (cst.FunctionDef, cst.ClassDef, cst.Lambda)
_NAME_NODES = (cst.Import, cst.ImportFrom, cst.Assign)


def walk(module: cst.Module, ctx: Context, dispatch: Dispatch) -> None:
    """Visit ``module`` depth-first once, keeping scopes and the import table current."""
    enter, leave = dispatch.enter, dispatch.leave
    fields_of = _FIELDS
    csnode = cst.CSTNode

    def visit(node: cst.CSTNode) -> None:
        cls = type(node)
        name = cls.__name__
        if isinstance(node, _NAME_NODES):
            _track_names(ctx, node)
        handlers = enter.get(name)
        if handlers:
            for handler in handlers:
                handler(node)
        scoped = isinstance(node, _SCOPE_NODES)
        if scoped:
            _enter_scope(ctx, node)
        fields = fields_of.get(cls)
        if fields is None:
            fields = _child_fields(cls)
        for field in fields:
            value = getattr(node, field)
            if isinstance(value, csnode):
                visit(value)
            elif type(value) is tuple or type(value) is list:
                for child in value:
                    if isinstance(child, csnode):
                        visit(child)
        if scoped:
            ctx.scopes.pop()
        handlers = leave.get(name)
        if handlers:
            for handler in handlers:
                handler(node)

    visit(module)

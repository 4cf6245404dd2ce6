"""What checks see and produce: the per-file context, the check base class, diagnostics.

A check is a class with ``visit_<Node>`` / ``leave_<Node>`` methods named after
libcst node classes and an optional ``finish()``; the engine walks each file
once and calls every enabled check's methods for the nodes they ask for.
Checks are pure: no I/O, state reset per file (one instance per file).
"""

from __future__ import annotations

import re

from kerasdoctor.lint.resolve import Resolver

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any

    import libcst as cst

    from kerasdoctor.types import Rule


class Edit:
    """Replace the source text of ``node`` with ``text``; with ``end``, the text from ``node``'s start to
    ``end``'s end (or, ``before_end``, to ``end``'s start: removing an argument up to the next one)."""

    __slots__ = ("before_end", "end", "node", "text")

    def __init__(self, node: cst.CSTNode, text: str, end: cst.CSTNode | None = None, *, before_end: bool = False) -> None:
        self.node = node
        self.text = text
        self.end = end
        self.before_end = before_end


class Finding:
    """A check's raw result: a node, before positions are known."""

    __slots__ = ("edits", "message", "node", "rule")

    def __init__(self, rule: Rule, node: cst.CSTNode, message: str, edits: list[Edit] | None) -> None:
        self.rule = rule
        self.node = node
        self.message = message
        self.edits = edits


class Diagnostic:
    """One lint finding with its position; what every output format renders.

    ``column``/``end_column`` are 1-based like ruff's; ``fix`` holds text edits
    (1-based positions too) when a safe fix exists.
    """

    __slots__ = ("cell", "column", "end_column", "end_line", "fix", "id", "line", "message", "name", "path", "severity")

    def __init__(
        self,
        *,
        path: str,
        line: int,
        column: int,
        end_line: int,
        end_column: int,
        id: str,
        name: str,
        severity: str,
        message: str,
        fix: dict[str, Any] | None = None,
        cell: int | None = None,
    ) -> None:
        self.cell = cell  # notebooks: the 1-based cell number; line/end_line are then lines of that cell
        self.path = path
        self.line = line
        self.column = column
        self.end_line = end_line
        self.end_column = end_column
        self.id = id
        self.name = name
        self.severity = severity
        self.message = message
        self.fix = fix

    def to_dict(self) -> dict[str, Any]:
        out = {s: getattr(self, s) for s in ("path", "line", "column", "end_line", "end_column", "id", "name", "severity", "message", "fix")}
        if self.cell is not None:
            out["cell"] = self.cell
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Diagnostic:
        return cls(**data)

    def sort_key(self) -> tuple[str, int, int, int, str]:
        return (self.path, self.cell or 0, self.line, self.column, self.id)

    def __repr__(self) -> str:
        return f"Diagnostic({self.path}:{self.line}:{self.column} {self.id} {self.message!r})"


class Scope:
    """A function, class, lambda or the module, as the walk enters it."""

    __slots__ = ("autograph", "bases", "graph", "kind", "name", "node")

    def __init__(self, kind: str, node: cst.CSTNode | None, name: str = "", bases: tuple[str, ...] = (), autograph: bool = False, graph: bool = False) -> None:
        self.kind = kind  # module | class | function | lambda | comprehension
        self.node = node
        self.name = name
        self.bases = bases  # canonical names of a class's bases
        self.autograph = autograph  # code that tf.function/AutoGraph converts (conditions on tensors are fine)
        self.graph = graph  # code traced into a graph without AutoGraph


def tf_function_flags(ctx: Context, node: cst.FunctionDef) -> tuple[bool, bool]:
    """(autograph, graph) from ``@tf.function`` / ``@tf.function(autograph=False)`` on ``node``: the
    function's body is converted by AutoGraph, or traced into a graph as written. (False, False) when
    it is not decorated with ``tf.function``."""
    import libcst as cst

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


_UNKNOWN = object()


class Context:
    """Per-file state shared by all checks: names, scopes, the source, the findings."""

    def __init__(self, source: str, path: str, target: str = "keras3") -> None:
        self.source = source
        self.path = path
        self.target = target  # keras2 | keras3 | tf1: checks whose verdict depends on the version read it
        self.resolver = Resolver()
        self.scopes: list[Scope] = [Scope("module", None)]
        # the innermost enclosing function, if any: kept by the walk as it enters and leaves scopes
        # (the fact tables of several checks are keyed by it, and ask at every assignment and call)
        self.function: Scope | None = None
        self.findings: list[Finding] = []
        # local class name -> the canonical Keras base it derives from
        self.local_classes: dict[str, str] = {}
        self._qualified: dict[int, str | None] = {}
        self._bound: dict[int, set[str]] = {}  # scope node -> the names it binds (parameters, comprehension variables)
        self._shared: dict[str, Any] = {}

    def shared(self, key: str, factory: Any) -> Any:
        """One instance per file of a fact table several checks use (models, symbolic tensors)."""
        found = self._shared.get(key)
        if found is None:
            found = self._shared[key] = factory()
        return found

    def release(self) -> None:
        """Drop the fact tables: each refers back to this context, a cycle that would keep the file's
        tree alive until the cyclic collector ran (on large projects, most of the run's GC time)."""
        self._shared.clear()

    def qualify(self, node: cst.BaseExpression) -> str | None:
        # every check asks about the same call's function: answer once per node
        # (safe because nodes are immutable and imports only grow while a statement is visited)
        key = id(node)
        answer = self._qualified.get(key, _UNKNOWN)
        if answer is not _UNKNOWN:
            return answer  # type: ignore[return-value]
        answer = self.resolver.qualify(node)
        if answer is not None and len(self.scopes) > 1:
            head = node
            while type(head).__name__ == "Attribute":
                head = head.value  # type: ignore[attr-defined]
            if type(head).__name__ == "Name" and self.binds_locally(head.value, parameters=True):  # type: ignore[attr-defined]
                answer = None  # `lambda tf: tf.x`, `def f(layers): layers.x`: not the import
        self._qualified[key] = answer
        return answer

    def binds_locally(self, name: str, *, parameters: bool = False) -> bool:
        """Whether ``name`` here is a parameter of an enclosing lambda, a comprehension's variable,
        or (``parameters``) a parameter of the enclosing function.

        Such a name is not the outer binding of the same spelling: in
        ``ds.map(lambda x: tf.reshape(x, ...))`` the lambda's ``x`` is not a Keras tensor
        ``x`` of the module. Checks that key their tables by function tell other
        function locals apart themselves.
        """
        memo = self._bound
        for scope in reversed(self.scopes):
            if scope.kind in ("module", "class"):
                continue
            if scope.kind == "function" and not parameters:
                return False
            key = id(scope.node)
            names = memo.get(key)
            if names is None:
                node: Any = scope.node
                names = memo[key] = _comprehension_names(node) if scope.kind == "comprehension" else _parameter_names(node.params)
            if name in names:
                return True
            if scope.kind == "function":
                return False
        return False

    @property
    def scope(self) -> Scope:
        return self.scopes[-1]

    @property
    def at_module_level(self) -> bool:
        return len(self.scopes) == 1

    @property
    def in_autograph(self) -> bool:
        return any(s.autograph for s in self.scopes)

    def in_layer_method(self) -> bool:
        """Inside a method of a class deriving from a Keras Layer/Model (their ``call`` is traced)."""
        for i, scope in enumerate(self.scopes):
            is_method = scope.kind == "class" and i + 1 < len(self.scopes) and self.scopes[i + 1].kind == "function"
            if is_method and any(b.startswith("keras.") for b in scope.bases):
                return True
        return False

    def report(self, rule: Rule, node: cst.CSTNode, message: str | None = None, edits: list[Edit] | None = None, **fields: Any) -> None:
        self.findings.append(Finding(rule, node, message if message is not None else format_message(rule, fields), edits))


def _parameter_names(params: Any) -> set[str]:
    names = {p.name.value for group in (params.posonly_params, params.params, params.kwonly_params) for p in group}
    for star in (params.star_arg, params.star_kwarg):
        if type(star).__name__ == "Param":  # else MaybeSentinel or ParamStar (a bare `*`)
            names.add(star.name.value)
    return names


def _comprehension_names(node: Any) -> set[str]:
    """The names the ``for`` clauses of a comprehension bind."""
    names: set[str] = set()
    clause = node.for_in
    while clause is not None:
        stack = [clause.target]
        while stack:
            target = stack.pop()
            kind = type(target).__name__
            if kind == "Name":
                names.add(target.value)
            elif kind in ("Tuple", "List"):
                stack += [e.value for e in target.elements]
            elif kind == "StarredElement":
                stack.append(target.value)
        clause = clause.inner_for_in
    return names


def format_message(rule: Rule, fields: dict[str, Any]) -> str:
    """The rule's ``lint.messages[key]`` or ``lint.message`` template filled in, or its title."""
    lint = rule.lint or {}
    key = fields.get("key")
    template = (lint.get("messages") or {}).get(key) if key else None
    template = template or lint.get("message") or rule.title
    # placeholders are substituted, never str.format-ted: a rule file may be a user's, and
    # format specs ({name:>200000000}) or attribute access ({name.__class__}) must stay inert
    missing = False

    def substitute(m: re.Match[str]) -> str:
        nonlocal missing
        if m.group(1) is None:
            return m.group(0)[0]
        if m.group(1) not in fields:
            missing = True
            return m.group(0)
        return str(fields[m.group(1)])

    message = _PLACEHOLDER.sub(substitute, str(template)).strip()
    return rule.title if missing else message


_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([A-Za-z_]\w*)\}")


class Check:
    """Base class of dataflow checks. Subclasses set ``rule`` via the engine and define visit_/leave_ methods."""

    #: Words (matched case-insensitively) of which at least one occurs in every file this check can
    #: report on: the names of the calls, methods, keywords or imports it looks for. Files without
    #: any of them are not walked for it. Empty: every file.
    requires: tuple[str, ...] = ()

    @classmethod
    def required_words(cls, rule: Rule) -> tuple[str, ...]:
        """``requires``; a check configured by its rule derives them from it."""
        return cls.requires

    def __init__(self, ctx: Context, rule: Rule) -> None:
        self.ctx = ctx
        self.rule = rule

    def report(self, node: cst.CSTNode, message: str | None = None, edits: list[Edit] | None = None, **fields: Any) -> None:
        self.ctx.report(self.rule, node, message, edits, **fields)

    def finish(self) -> None:
        """Called once after the walk, for checks that decide at the end of the file."""


def remove_argument(call: cst.Call, arg: cst.Arg) -> Edit:
    """The edit that deletes ``arg`` from ``call`` with its separating comma, leaving valid code."""
    import libcst

    args = list(call.args)
    index = next(i for i, a in enumerate(args) if a is arg)
    if index + 1 < len(args):
        return Edit(arg, "", args[index + 1], before_end=True)
    previous = args[index - 1].comma if index > 0 else None
    if isinstance(previous, libcst.Comma):
        return Edit(previous, "", arg.comma if isinstance(arg.comma, libcst.Comma) else arg)
    return Edit(arg, "", arg.comma if isinstance(arg.comma, libcst.Comma) else None)

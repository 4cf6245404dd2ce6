"""A function reads a module-level name that it also assigns, without ``global``.

What it detects:
    Inside a function, a name that is bound at module level is read (or
    updated with ``+=``) before the function assigns it, and the function has
    no ``global``/``nonlocal`` declaration for it.

Why it breaks:
    Any assignment makes the name local to the whole function, so the earlier
    read raises "UnboundLocalError: local variable 'lr' referenced before
    assignment" (Python 3.11+: "cannot access local variable 'lr' where it is
    not associated with a value"). Typical in schedules and callbacks.

Example:
    lr = 0.01
    def schedule(epoch):
        if epoch > 10:
            lr *= 0.1
        return lr

Use instead:
    Take the value as a parameter or return it, or declare ``global lr``.
"""

from __future__ import annotations

import libcst as cst

from kerasdoctor.lint.base import Check
from kerasdoctor.lint.checks._util import target_names

READ, STORE, UPDATE = "read", "store", "update"


class _Frame:
    __slots__ = ("comprehension", "declared", "events", "node", "params")

    def __init__(self, node: cst.FunctionDef | cst.Lambda) -> None:
        self.node = node
        self.events: list[tuple[str, str, cst.Name]] = []
        self.declared: set[str] = set()
        self.comprehension: set[str] = set()
        self.params = {p.name.value for p in _all_params(node.params)}


def _all_params(params: cst.Parameters) -> list[cst.Param]:
    out = [*params.posonly_params, *params.params, *params.kwonly_params]
    for extra in (params.star_arg, params.star_kwarg):
        if isinstance(extra, cst.Param):
            out.append(extra)
    return out


class UnboundLocal(Check):
    def __init__(self, *args: object) -> None:
        super().__init__(*args)  # type: ignore[arg-type]
        self.module_names: set[str] = set()
        self.frames: list[_Frame] = []
        self.done: list[tuple[_Frame, tuple[_Frame, ...]]] = []
        self.stores: dict[int, str] = {}  # id(Name) -> STORE/UPDATE/skip, for names seen as targets

    # --- bindings ------------------------------------------------------------------
    def _bind(self, name: str, node: cst.Name | None, kind: str = STORE) -> None:
        if not self.frames:
            self.module_names.add(name)
        elif node is not None:
            self.frames[-1].events.append((kind, name, node))

    def _mark(self, target: cst.BaseExpression, kind: str) -> None:
        for name in target_names(target):
            self.stores[id(name)] = kind

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self._mark(target.target, "defer")

    def leave_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            for name in target_names(target.target):
                self._bind(name.value, name)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None:
            self._mark(node.target, "defer")

    def leave_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None:
            for name in target_names(node.target):
                self._bind(name.value, name)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        if isinstance(node.target, cst.Name):
            self.stores[id(node.target)] = UPDATE
            self._bind(node.target.value, node.target, UPDATE)

    def visit_For(self, node: cst.For) -> None:
        self._mark(node.target, STORE)
        for name in target_names(node.target):
            self._bind(name.value, name)

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if node.asname is not None:
            self._mark(node.asname.name, STORE)  # type: ignore[arg-type]
            for name in target_names(node.asname.name):  # type: ignore[arg-type]
                self._bind(name.value, name)

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        if node.name is not None and isinstance(node.name.name, cst.Name):
            self._bind(node.name.name.value, node.name.name)

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        if isinstance(node.target, cst.Name):
            self.stores[id(node.target)] = STORE
            self._bind(node.target.value, node.target)

    def visit_Del(self, node: cst.Del) -> None:
        self._mark(node.target, STORE)
        for name in target_names(node.target):
            self._bind(name.value, name)

    def visit_CompFor(self, node: cst.CompFor) -> None:
        # comprehension variables live in their own scope: leave those names alone
        for name in target_names(node.target):
            self.stores[id(name)] = "skip"
            if self.frames:
                self.frames[-1].comprehension.add(name.value)

    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            local = alias.evaluated_alias or alias.evaluated_name.split(".", 1)[0]
            self._bind(local, alias.asname.name if alias.asname else None)  # type: ignore[arg-type]
            if self.frames and alias.asname is None:
                self.frames[-1].events.append((STORE, local, alias.name))  # type: ignore[arg-type]

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if isinstance(node.names, cst.ImportStar):
            return
        for alias in node.names:
            local = alias.evaluated_alias or alias.evaluated_name
            self._bind(local, alias.asname.name if alias.asname else alias.name)  # type: ignore[arg-type]

    def visit_Global(self, node: cst.Global) -> None:
        if self.frames:
            self.frames[-1].declared.update(n.name.value for n in node.names)

    def visit_Nonlocal(self, node: cst.Nonlocal) -> None:
        if self.frames:
            self.frames[-1].declared.update(n.name.value for n in node.names)

    # --- scopes ------------------------------------------------------------------------
    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._bind(node.name.value, node.name)
        self.frames.append(_Frame(node))

    def leave_FunctionDef(self, node: cst.FunctionDef) -> None:
        frame = self.frames.pop()
        self.done.append((frame, tuple(self.frames)))

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self._bind(node.name.value, node.name)

    def visit_Lambda(self, node: cst.Lambda) -> None:
        self.frames.append(_Frame(node))

    def leave_Lambda(self, node: cst.Lambda) -> None:
        self.frames.pop()

    # --- reads ---------------------------------------------------------------------------
    def visit_Name(self, node: cst.Name) -> None:
        kind = self.stores.get(id(node))
        if kind is not None or not self.frames:
            return
        self.frames[-1].events.append((READ, node.value, node))

    def finish(self) -> None:
        for frame, enclosing in self.done:
            first: dict[str, tuple[str, cst.Name]] = {}
            assigned: set[str] = set()
            for kind, name, node in frame.events:
                first.setdefault(name, (kind, node))
                if kind in (STORE, UPDATE):
                    assigned.add(name)
            for name in sorted(assigned):
                kind, node = first[name]
                if kind == STORE or name not in self.module_names:
                    continue
                if name in frame.declared or name in frame.params or name in frame.comprehension:
                    continue
                if any(name in outer.params or any(e[1] == name and e[0] != READ for e in outer.events) for outer in enclosing):
                    continue  # bound by an enclosing function: a nonlocal question, not this one
                self.report(node, name=name, function=getattr(getattr(frame.node, "name", None), "value", "<lambda>"))


CHECK = UnboundLocal

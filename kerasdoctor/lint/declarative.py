"""Checks written as data in a rule's ``lint:`` section: calls, method calls, imports, with safe fixes.

``calls: [keras.layers.Lambda]`` matches every spelling that resolves to that
canonical name (see ``kerasdoctor.names``); a trailing ``.*`` matches one more
component (``keras.optimizers.*``). ``keyword_present``/``keyword_absent``
narrow calls and method calls. ``fix`` describes a safe textual fix.
"""

from __future__ import annotations

import libcst as cst

from kerasdoctor.lint.base import Check, Edit, remove_argument
from kerasdoctor.lint.resolve import module_name
from kerasdoctor.lint.walk import subtree
from kerasdoctor.names import canonical, canonical_module

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from kerasdoctor.lint.base import Context
    from kerasdoctor.types import Rule


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


class _Pattern:
    """Canonical names, exact or one-level wildcard (``keras.optimizers.*``)."""

    def __init__(self, names: list[str]) -> None:
        self.exact = {canonical(n) for n in names if not n.endswith(".*")}
        self.prefixes = tuple(canonical(n[:-2]) + "." for n in names if n.endswith(".*"))

    def __bool__(self) -> bool:
        return bool(self.exact or self.prefixes)

    def matches(self, name: str | None) -> bool:
        if name is None:
            return False
        if name in self.exact:
            return True
        return any(name.startswith(p) and "." not in name[len(p) :] for p in self.prefixes)


def _renamed(spec: Any, old: str) -> str | None:
    """A fix's new name: one string for every match, or a mapping old -> new."""
    if isinstance(spec, dict):
        new = spec.get(old)
        return str(new) if new else None
    return str(spec) if spec else None


def _respell(raw: str, pattern: str, replacement: str) -> str | None:
    """Rewrite ``raw`` (as the user spelt it) the way ``pattern`` -> ``replacement`` rewrites the canonical name."""
    old, new = pattern.split("."), replacement.split(".")
    common = 0
    while common < min(len(old), len(new)) and old[common] == new[common]:
        common += 1
    old_tail, new_tail = old[common:], new[common:]
    parts = raw.split(".")
    if old_tail and parts[-len(old_tail) :] != old_tail:
        return None
    kept = parts[: len(parts) - len(old_tail)]
    return ".".join(kept + new_tail) or None


class DeclarativeCheck(Check):
    """One instance per file per declarative rule."""

    def __init__(self, ctx: Context, rule: Rule) -> None:
        super().__init__(ctx, rule)
        spec = rule.lint or {}
        self.calls = _Pattern(_as_list(spec.get("calls")))
        self.methods = set(_as_list(spec.get("methods")))
        self.imports = [canonical_module(n) for n in _as_list(spec.get("imports"))]
        self.present = _as_list(spec.get("keyword_present"))
        self.absent = set(_as_list(spec.get("keyword_absent")))
        self.fix: dict[str, Any] = dict(spec.get("fix") or {})
        self.has_calls = bool(spec.get("calls") or spec.get("methods"))
        # `from keras.utils import np_utils`: fixed at the end of the file, once every use of the name is known
        self.module_aliases: list[tuple[cst.ImportFrom, cst.ImportAlias, str, str]] = []
        self.module: cst.Module | None = None

    @classmethod
    def required_words(cls, rule: Rule) -> tuple[str, ...]:
        """A keyword the rule reports must be written out (``lr=``), as must a method's name; an imported
        module's last component is spelt the same in every distribution. Calls matched by canonical name
        may be spelt otherwise (an alias, another distribution): such a rule runs on every file."""
        spec = rule.lint or {}
        words = [name.rsplit(".", 1)[-1] for name in _as_list(spec.get("imports"))]
        if spec.get("calls") or spec.get("methods"):
            if spec.get("keyword_present"):
                words += _as_list(spec.get("keyword_present"))
            elif spec.get("calls"):
                return ()
            else:
                words += _as_list(spec.get("methods"))
        return tuple(words)

    def visit_Module(self, node: cst.Module) -> None:
        self.module = node

    def visit_Call(self, node: cst.Call) -> None:
        if not self.has_calls:
            return
        func = node.func
        if self.calls:
            qualified = self.ctx.qualify(func)
            if self.calls.matches(qualified):
                name = qualified
            elif qualified is None and type(func) is cst.Attribute and func.attr.value in self.methods:
                name = func.attr.value
            else:
                return
        elif type(func) is cst.Attribute and func.attr.value in self.methods and self.ctx.qualify(func) is None:
            name = func.attr.value  # a rule of method names only: most calls are told apart by their name alone
        else:
            return
        keywords = {a.keyword.value: a for a in node.args if a.keyword is not None}
        if self.absent and (self.absent & keywords.keys() or any(a.star == "**" for a in node.args)):
            return
        if self.present:
            for key in self.present:
                if key in keywords:
                    arg = keywords[key]
                    edits = [remove_argument(node, arg)] if self.fix.get("remove_keyword") else self._keyword_fix(arg, keywords)
                    self.report(arg.keyword or arg, edits=edits, name=name, keyword=key)  # type: ignore[arg-type]
            return
        self.report(node, edits=self._method_fix(node), name=name)

    def _keyword_fix(self, arg: cst.Arg, keywords: dict[str, cst.Arg]) -> list[Edit] | None:
        if arg.keyword is None:
            return None
        new = _renamed(self.fix.get("rename_keyword"), arg.keyword.value)
        if not new or new in keywords:
            return None  # a second `learning_rate=` would not even compile
        return [Edit(arg.keyword, new)]

    def _method_fix(self, node: cst.Call) -> list[Edit] | None:
        if not isinstance(node.func, cst.Attribute):
            return None
        new = _renamed(self.fix.get("rename_method"), node.func.attr.value)
        if not new:
            return None
        positional = [a for a in node.args if a.keyword is None]
        if any(a.star for a in node.args) or len(positional) > int(self.fix.get("max_positional", 99)):
            return None
        allowed = self.fix.get("keywords")
        if allowed is not None and any(a.keyword is not None and a.keyword.value not in allowed for a in node.args):
            return None
        return [Edit(node.func.attr, new)]

    # --- imports ---------------------------------------------------------------------------
    def _match_module(self, raw: str) -> str | None:
        name = canonical_module(raw)
        for pattern in self.imports:
            if name == pattern or name.startswith(pattern + "."):
                return pattern
        return None

    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            raw = module_name(alias.name)  # type: ignore[arg-type]
            if self._match_module(raw) is not None:
                # `import keras.layers.merge` binds `keras`: its uses would change too, so no automatic fix
                self.report(alias, name=raw)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if node.relative or node.module is None:
            return
        raw = module_name(node.module)
        pattern = self._match_module(raw)
        if pattern is not None:
            replacement = self.fix.get("replace_module")
            edits = None
            allowed = self.fix.get("names")
            imported = [] if isinstance(node.names, cst.ImportStar) else [module_name(a.name) for a in node.names]  # type: ignore[arg-type]
            if replacement and canonical_module(raw) == pattern and imported and (allowed is None or set(imported) <= set(allowed)):
                new = _respell(raw, pattern, str(replacement))
                edits = [Edit(node.module, new)] if new else None
            self.report(node.module, edits=edits, name=raw)
            return
        if isinstance(node.names, cst.ImportStar):
            return
        for alias in node.names:
            full = f"{raw}.{module_name(alias.name)}"  # type: ignore[arg-type]
            pattern = self._match_module(full)
            if pattern is None:
                continue
            replacement = self.fix.get("replace_module")
            new = _respell(full, pattern, str(replacement)) if replacement and canonical_module(full) == pattern else None
            local = alias.asname.name if alias.asname is not None else alias.name
            if new and "." in new and len(node.names) == 1 and isinstance(local, cst.Name) and self.fix.get("names"):
                self.module_aliases.append((node, alias, local.value, new))
            else:
                self.report(alias, name=full)

    def finish(self) -> None:
        for node, alias, local, new in self.module_aliases:
            self.report(alias, edits=self._module_alias_fix(node, alias, local, new), name=f"{module_name(node.module)}.{module_name(alias.name)}")  # type: ignore[arg-type]

    def _module_alias_fix(self, node: cst.ImportFrom, alias: cst.ImportAlias, local: str, new: str) -> list[Edit] | None:
        """``from keras.utils import np_utils`` -> ``from keras import utils as np_utils``, when the file only
        reads ``np_utils.<name>`` for the names the new module has (``fix.names``): every use keeps working."""
        if self.module is None:
            return None
        allowed = set(_as_list(self.fix.get("names")))
        names = 0
        reads = 0
        for current in subtree(self.module):
            if type(current) is cst.Name and current.value == local:  # type: ignore[attr-defined]
                names += 1
            elif type(current) is cst.Attribute and type(current.value) is cst.Name and current.value.value == local:  # type: ignore[attr-defined]
                if current.attr.value not in allowed:  # type: ignore[attr-defined]
                    return None
                reads += 1
        if names != reads:  # every Name is the object of a `local.<allowed>` read: nothing rebinds or passes it
            return None
        parent, _, last = new.rpartition(".")
        text = last if alias.asname is not None else f"{last} as {local}"
        return [Edit(node.module, parent), Edit(alias.name, text)]  # type: ignore[arg-type]

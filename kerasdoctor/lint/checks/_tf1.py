"""TF 1.x names used through the TF 2 ``tensorflow`` module: what TF 2 did with each.

The table is ``kerasdoctor/data/tf1_renames.json``, built by ``tools/build_tf1_renames.py``
from TensorFlow's own upgrade script (``tf_upgrade_v2``) and checked against a real
TensorFlow 2; it is read once, on the first file that imports ``tensorflow``.

Only references through a name bound to ``tensorflow`` (or ``tensorflow.compat.v2``)
count: ``import tensorflow.compat.v1 as tf`` is TF 1 code run on TF 2 on purpose, and
a name that some import in the file binds to ``tensorflow.compat.v1`` (the
``try: import tensorflow.compat.v1 as tf`` idiom) is left alone. So is code under a
version test (``if tf.__version__ ...``, ``hasattr(tf, ...)``), in a ``try`` that
catches the AttributeError, and notebooks that install TF 1 (``%tensorflow_version 1.x``).
"""

from __future__ import annotations

import json
import os
import re
from functools import lru_cache

import libcst as cst

from kerasdoctor.lint.base import Check
from kerasdoctor.lint.resolve import dotted

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from kerasdoctor.lint.base import Context

_DATA = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(__file__))), "data", "tf1_renames.json")
_TF2_MODULES = ("tensorflow", "tensorflow.compat.v2")
_GUARD_WORDS = ("version", "hasattr")
_DECLARES_TF1 = re.compile(r"^tensorflow_version 1\b|\bpip3? install\b.*\btensorflow(?:-gpu|-cpu)?==1\.")
_CATCHES = frozenset({"AttributeError", "Exception", "BaseException", "ImportError", "ModuleNotFoundError"})


@lru_cache(maxsize=1)
def table() -> dict[str, Any]:
    with open(_DATA, encoding="utf-8") as handle:
        data: dict[str, Any] = json.load(handle)
    return data


class Reference:
    """A TF 1 name at ``node`` (the attribute chain up to the TF 1 symbol), and what TF 2 did with it."""

    __slots__ = ("head", "imported", "kind", "name", "new", "node")

    def __init__(self, node: cst.CSTNode, name: str, kind: str, new: str | None, head: str | None, imported: bool = False) -> None:
        self.imported = imported  # `from tensorflow import log`: an ImportError at the import
        self.node = node
        self.name = name  # the TF 1 name without `tf.`: `train.AdamOptimizer`
        self.kind = kind  # renamed | arguments_changed | compat_v1 | gone | module
        self.new = new  # its TF 2 name without `tf.`, when it has one
        self.head = head  # the user's spelling of the module (`tf`), when the chain starts at it


def _lookup(name: str) -> tuple[str, str | None] | None:
    data = table()
    for kind in ("renamed", "arguments_changed", "compat_v1", "gone"):
        if name in data[kind]:
            new = data[kind][name]
            return kind, (new if isinstance(new, str) else None)
    if name in data["modules"]:
        return "module", None
    return None


def _imports_tf1_name(rest: str) -> bool:
    parts = rest.split(".")
    return any(_lookup(".".join(parts[:n])) is not None for n in range(1, len(parts) + 1))


class _References:
    """One per file, shared by the TF 1 checks: each attribute chain is resolved once."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.inner: set[int] = set()
        self.found: dict[int, Reference | None] = {}
        self.v1_names: set[str] = set()  # local names some import binds to tensorflow.compat.v1
        self.version_tests: dict[int, bool] = {}
        self.declares_tf1 = False

    def note_magic(self, node: cst.Call) -> None:
        """A notebook's ``%tensorflow_version 1.x`` (Colab) or ``!pip install tensorflow==1.15``: TF 1 code from there on."""
        texts = [a.value.evaluated_value for a in node.args if isinstance(a.value, cst.SimpleString)]
        words = " ".join(t for t in texts if isinstance(t, str))
        if _DECLARES_TF1.search(words):
            self.declares_tf1 = True

    def is_version_test(self, node: cst.If) -> bool:
        key = id(node)
        answer = self.version_tests.get(key)
        if answer is None:
            test = cst.Module([]).code_for_node(node.test).lower()
            answer = self.version_tests[key] = any(word in test for word in _GUARD_WORDS)
        return answer

    def note_binding(self, local: str, module: str) -> None:
        if module == "tensorflow.compat.v1" or module.startswith("tensorflow.compat.v1."):
            self.v1_names.add(local)

    def at(self, node: cst.Attribute) -> Reference | None:
        key = id(node)
        found = self.found
        if key in found:
            return found[key]
        answer = None
        if key not in self.inner:
            head: cst.BaseExpression = node
            while type(head) is cst.Attribute:
                head = head.value  # type: ignore[attr-defined]
            # most attribute chains (`self.x`, `np.x`, `layers.Dense`) are not TensorFlow's: one lookup decides
            module = self.ctx.resolver.imports.get(head.value) if type(head) is cst.Name else None  # type: ignore[attr-defined]
            if module is not None and module.startswith("tensorflow"):
                answer = self._resolve(node)
        found[key] = answer
        return answer

    def _resolve(self, node: cst.Attribute) -> Reference | None:
        text = dotted(node)
        if text is None:
            return None
        chain: list[cst.Attribute] = []
        current: cst.BaseExpression = node
        while isinstance(current, cst.Attribute):
            chain.append(current)
            self.inner.add(id(current))
            current = current.value
        head = current.value if isinstance(current, cst.Name) else None
        if head is None or head in self.v1_names or self.ctx.binds_locally(head, parameters=True):
            return None
        raw = self.ctx.resolver.raw(node)
        if raw is None:
            return None
        imported = self.ctx.resolver.imports.get(head, "")
        for module in _TF2_MODULES:
            if raw.startswith(module + "."):
                rest = raw[len(module) + 1 :]
                if imported.startswith(module + ".") and _imports_tf1_name(imported[len(module) + 1 :]):
                    return None  # `from tensorflow import logging`: reported at the import, which fails first
                break
        else:
            return None
        if rest.startswith("compat."):
            return None
        parts = rest.split(".")
        # chain[i] spells the first len(parts) - i components of `rest`
        for length in range(len(parts), 0, -1):
            found = _lookup(".".join(parts[:length]))
            if found is not None:
                index = len(parts) - length
                if index >= len(chain):
                    return None  # the TF 1 name is the imported name itself (`from tensorflow import logging`)
                kind, new = found
                module_spelling = self.ctx.resolver.imports.get(head)
                spelt_head = head if module_spelling in _TF2_MODULES and len(text.split(".")) == len(parts) + 1 else None
                return Reference(chain[index], ".".join(parts[:length]), kind, new, spelt_head)
        return None


def references(ctx: Context) -> _References:
    refs: _References = ctx.shared("tf1-references", lambda: _References(ctx))
    return refs


def _handler_names(handler: cst.ExceptHandler) -> set[str]:
    if handler.type is None:
        return {"BaseException"}
    items = handler.type.elements if isinstance(handler.type, cst.Tuple) else [handler.type]
    names = set()
    for item in items:
        value = item.value if isinstance(item, cst.Element) else item
        text = dotted(value)  # type: ignore[arg-type]
        if text:
            names.add(text.rsplit(".", 1)[-1])
    return names


class Tf1Check(Check):
    """Base of the TF 1 checks: finds TF 1 names, skips version-guarded code."""

    requires = ("tensorflow",)  # only names bound by an import of tensorflow count

    def __init__(self, ctx: Context, rule: Any) -> None:
        super().__init__(ctx, rule)
        self.refs = references(ctx)
        self.catching = 0  # enclosing `try` blocks that catch the AttributeError
        self.ifs: list[cst.If] = []  # enclosing `if` statements, read only once a TF 1 name is found in them
        self.reported: set[int] = set()

    @property
    def guarded(self) -> bool:
        """Inside a ``try`` that catches the AttributeError or an ``if`` that tests the TF version."""
        return bool(self.catching) or any(self.refs.is_version_test(node) for node in self.ifs)

    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                self.refs.note_binding(alias.asname.name.value, dotted(alias.name) or "")

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if node.relative or node.module is None or isinstance(node.names, cst.ImportStar):
            return
        base = dotted(node.module) or ""
        for alias in node.names:
            local = alias.asname.name if alias.asname is not None else alias.name
            if isinstance(local, cst.Name):
                self.refs.note_binding(local.value, f"{base}.{dotted(alias.name)}")
        if self.refs.declares_tf1:
            return
        for module in _TF2_MODULES:
            if base == module or base.startswith(module + "."):
                # `from tensorflow import logging`: ImportError on TF 2 (reported here: its uses resolve to no TF module)
                rest = base[len(module) + 1 :]
                if rest.startswith("compat") or rest.startswith("contrib") or base.startswith("tensorflow.python"):
                    return
                for alias in node.names:
                    name = ".".join(p for p in (rest, dotted(alias.name)) if p)
                    found = _lookup(name)
                    if found is not None and id(alias) not in self.reported and not self.guarded:
                        self.reported.add(id(alias))
                        self.found(Reference(alias, name, found[0], found[1], None, imported=True), None)
                return

    def visit_Assign(self, node: cst.Assign) -> None:
        # `tf = tf.compat.v1`
        if type(node.value) is not cst.Attribute:
            return
        raw = self.ctx.resolver.raw(node.value)
        if raw is not None:
            for target in node.targets:
                if isinstance(target.target, cst.Name):
                    self.refs.note_binding(target.target.value, raw)

    def visit_If(self, node: cst.If) -> None:
        self.ifs.append(node)

    def leave_If(self, node: cst.If) -> None:
        self.ifs.pop()

    def _catches(self, node: cst.Try) -> bool:
        return any(_handler_names(h) & _CATCHES for h in node.handlers)

    def visit_Try(self, node: cst.Try) -> None:
        if self._catches(node):
            self.catching += 1

    def leave_Try(self, node: cst.Try) -> None:
        if self._catches(node):
            self.catching -= 1

    def visit_Call(self, node: cst.Call) -> None:
        if isinstance(node.func, cst.Attribute) and node.func.attr.value in ("run_line_magic", "system"):
            self.refs.note_magic(node)
        if not self.refs.declares_tf1 and isinstance(node.func, cst.Attribute):
            ref = self.refs.at(node.func)
            if ref is not None and ref.node is node.func and id(ref.node) not in self.reported and not self.guarded:
                self.reported.add(id(ref.node))
                self.found(ref, node)

    def visit_Attribute(self, node: cst.Attribute) -> None:
        if self.refs.declares_tf1:
            return
        ref = self.refs.at(node)
        if ref is not None and id(ref.node) not in self.reported and not self.guarded:
            self.reported.add(id(ref.node))
            self.found(ref, None)

    def found(self, ref: Reference, call: cst.Call | None) -> None:
        """Report ``ref`` if it is this check's; ``call`` is the call whose function it is."""
        raise NotImplementedError

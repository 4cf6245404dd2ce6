"""A lightweight name resolver: the file's import table plus simple aliasing assignments.

libcst's ``QualifiedNameProvider`` + ``ScopeProvider`` cost ~10x the parse itself;
checks only need to know what ``tf.keras.layers.Lambda`` or ``L`` (from
``from keras.layers import Lambda as L``) refers to, which an import table
answers in one dictionary lookup per name.
"""

from __future__ import annotations

from kerasdoctor.names import canonical

TYPE_CHECKING = False
if TYPE_CHECKING:
    import libcst as cst


def dotted(node: cst.BaseExpression) -> str | None:
    """``a.b.c`` for a chain of attribute accesses on a name, else None."""
    parts: list[str] = []
    while True:
        kind = type(node).__name__
        if kind == "Attribute":
            parts.append(node.attr.value)  # type: ignore[attr-defined]
            node = node.value  # type: ignore[attr-defined]
        elif kind == "Name":
            parts.append(node.value)  # type: ignore[attr-defined]
            return ".".join(reversed(parts))
        else:
            return None


def module_name(node: cst.BaseExpression | None) -> str:
    """The dotted text of an import's module (``Attribute``/``Name`` chain)."""
    if node is None:
        return ""
    return dotted(node) or ""


class Resolver:
    """Maps local names to the qualified names they were imported or aliased as."""

    __slots__ = ("imports",)

    def __init__(self) -> None:
        self.imports: dict[str, str] = {}

    def add_import(self, node: cst.Import) -> None:
        for alias in node.names:
            full = module_name(alias.name)  # type: ignore[arg-type]
            if alias.asname is not None:
                target = alias.asname.name
                if type(target).__name__ == "Name":
                    self.imports[target.value] = full  # type: ignore[union-attr]
            else:
                # `import tensorflow.keras` binds `tensorflow`
                root = full.split(".", 1)[0]
                self.imports[root] = root

    def add_import_from(self, node: cst.ImportFrom) -> None:
        if node.relative:
            return  # the project's own modules: nothing Keras can be proven about them
        base = module_name(node.module)
        if type(node.names).__name__ == "ImportStar":
            return
        for alias in node.names:  # type: ignore[union-attr]
            name = module_name(alias.name)
            local = name
            if alias.asname is not None and type(alias.asname.name).__name__ == "Name":
                local = alias.asname.name.value  # type: ignore[union-attr]
            self.imports[local] = f"{base}.{name}" if base else name

    def alias(self, local: str, value: cst.BaseExpression) -> None:
        """``layers = tf.keras.layers``: follow it; any other rebinding forgets the import."""
        full = self.raw(value)
        if full is not None:
            self.imports[local] = full
        else:
            self.imports.pop(local, None)

    def raw(self, node: cst.BaseExpression) -> str | None:
        """The qualified name as imported (not canonicalised), or None when not from an import."""
        text = dotted(node)
        if text is None:
            return None
        head, _, rest = text.partition(".")
        base = self.imports.get(head)
        if base is None:
            return None
        return f"{base}.{rest}" if rest else base

    def qualify(self, node: cst.BaseExpression) -> str | None:
        """The canonical qualified name of an expression, or None when it is not an imported name."""
        full = self.raw(node)
        return canonical(full) if full is not None else None

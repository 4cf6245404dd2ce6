"""NumPy's removed aliases of Python builtins: ``np.object``, ``np.bool``, ``np.int``, ``np.float`` ...

What it detects:
    ``np.object``, ``np.bool``, ``np.int``, ``np.float``, ``np.complex``, ``np.str`` and
    ``np.unicode`` (any import spelling of numpy). Target keras3: TensorFlow 2.16+ and
    Keras 3 come with NumPy 1.26 or 2.x, where these names are gone. (``np.long`` is left
    alone: NumPy 2 brought it back as the C long type.)

Why it breaks:
    The aliases were deprecated in NumPy 1.20 and removed in 1.24:
    "module 'numpy' has no attribute 'float'".

Example:
    labels = np.array(labels, dtype=np.float)

Use instead:
    labels = np.array(labels, dtype=float)

The fix writes the builtin the alias stood for: NumPy's own message says so
("use `float` by itself. Doing this will not modify any behavior and is safe").
"""

from __future__ import annotations

import libcst as cst

from kerasdoctor.lint.base import Check, Edit

BUILTIN_OF = {"object": "object", "bool": "bool", "int": "int", "float": "float", "complex": "complex", "str": "str", "unicode": "str"}


class NumpyRemovedAliases(Check):
    requires = ("numpy",)

    def visit_Attribute(self, node: cst.Attribute) -> None:
        if node.attr.value not in BUILTIN_OF:
            return
        name = self.ctx.qualify(node)
        if name is None or not name.startswith("numpy.") or name[6:] not in BUILTIN_OF:
            return
        builtin = BUILTIN_OF[name[6:]]
        # a file that rebinds the builtin's name (an import of it) keeps the alias: the fix would change meaning
        edits = None if builtin in self.ctx.resolver.imports else [Edit(node, builtin)]
        self.report(node, edits=edits, name=cst.Module([]).code_for_node(node), builtin=builtin)


CHECK = NumpyRemovedAliases

"""A TensorFlow 1.x name that TensorFlow 2 renamed (``tf.log`` -> ``tf.math.log``).

What it detects:
    A TF 1 symbol, used through the TF 2 ``tensorflow`` module, that TF's own upgrade
    script ``tf_upgrade_v2`` renames: ``tf.log``, ``tf.random_normal``,
    ``tf.gfile.Exists``, ``tf.to_float``, ``tf.arg_max`` ... (the table is generated
    from tf_upgrade_v2 and checked against TensorFlow 2: ``tools/build_tf1_renames.py``).

Why it breaks:
    TF 2 removed the old names: ``AttributeError: module 'tensorflow' has no attribute
    'log'`` (``module 'tensorflow._api.v2.nn' has no attribute ...`` for submodules).

Example:
    y = tf.log(x) + tf.random_normal([3])

Use instead:
    y = tf.math.log(x) + tf.random.normal([3])

The fix renames only what tf_upgrade_v2 changes by name alone (same function), a
call whose only change is renamed keywords (``tf.arg_max(x, dimension=1)`` ->
``tf.argmax(x, axis=1)``), and the ``tf.to_float(x)`` family (``tf.cast(x,
tf.float32)``, tf_upgrade_v2's cast transformer). Calls whose arguments changed in
other ways are reported with the new name, without a fix.
"""

from __future__ import annotations

import libcst as cst

from kerasdoctor.lint.base import Edit
from kerasdoctor.lint.checks._tf1 import Reference, Tf1Check, table


def cast_dtype(name: str) -> str:
    """The dtype tf_upgrade_v2's ``_cast_transformer`` gives ``tf.to_<type>`` (``to_float`` -> float32)."""
    dtype = name[3:]
    return {"float": "float32", "double": "float64"}.get(dtype, dtype)


# kept by name in tf_upgrade_v2 yet not the same computation: TF 2's resize uses half-pixel
# centers where TF 1's resize_images (align_corners=False) did not
_NOT_FIXED = frozenset({"image.resize_images"})


def _code(node: cst.CSTNode) -> str:
    return cst.Module([]).code_for_node(node)


class Tf1RenamedSymbol(Tf1Check):
    def found(self, ref: Reference, call: cst.Call | None) -> None:
        if ref.name.startswith("contrib.") and ref.kind not in ("renamed", "arguments_changed"):
            return
        if ref.kind == "renamed":
            edits = [Edit(ref.node, f"{ref.head}.{ref.new}")] if ref.head else None
            self.report(ref.node, key="renamed", edits=edits, name=f"tf.{ref.name}", new=f"tf.{ref.new}")
        elif ref.kind == "arguments_changed":
            keywords = table()["keyword_renames"].get(ref.name, {})
            changes = ", ".join(f"{old}= -> {new}=" if new else f"{old}= dropped" for old, new in keywords.items())
            edits = self._keyword_fix(ref, call, keywords)
            self.report(
                ref.node,
                key="keywords" if ref.name in table()["keyword_only"] and ref.name not in _NOT_FIXED else "arguments",
                edits=edits,
                name=f"tf.{ref.name}",
                new=f"tf.{ref.new}",
                changes=changes or "see its TF 2 signature",
            )
        elif ref.name in table()["casts"]:
            dtype = cast_dtype(ref.name)
            self.report(ref.node, key="cast", edits=self._cast_fix(ref, call, dtype), name=f"tf.{ref.name}", dtype=dtype)

    def _keyword_fix(self, ref: Reference, call: cst.Call | None, keywords: dict[str, str | None]) -> list[Edit] | None:
        if ref.head is None or call is None or ref.name not in table()["keyword_only"] or ref.name in _NOT_FIXED:
            return None
        if any(arg.star for arg in call.args) or sum(arg.keyword is None for arg in call.args) > 1:
            return None  # positions past the first may differ between the TF 1 and TF 2 signatures
        edits = [Edit(ref.node, f"{ref.head}.{ref.new}")]
        for arg in call.args:
            if arg.keyword is not None and arg.keyword.value in keywords:
                new = keywords[arg.keyword.value]
                if not new:
                    return None
                edits.append(Edit(arg.keyword, new))
        return edits

    def _cast_fix(self, ref: Reference, call: cst.Call | None, dtype: str) -> list[Edit] | None:
        if ref.head is None or call is None or any(arg.star for arg in call.args):
            return None
        value = name = None
        for arg in call.args:
            key = arg.keyword.value if arg.keyword is not None else None
            if value is None and (key == "x" or (key is None and name is None)):
                value = arg.value
            elif name is None and (key == "name" or (key is None and value is not None)):
                name = arg.value
            else:
                return None
        if value is None:
            return None
        parts = [_code(value), f"{ref.head}.{dtype}"] + ([f"name={_code(name)}"] if name is not None else [])
        return [Edit(call, f"{ref.head}.cast({', '.join(parts)})")]


CHECK = Tf1RenamedSymbol

"""The file name a save call writes to, as far as the code spells it (for the Keras 3 file-name checks)."""

from __future__ import annotations

import libcst as cst

from kerasdoctor.lint.checks._util import string_value

TYPE_CHECKING = False
if TYPE_CHECKING:
    from kerasdoctor.lint.base import Context


def path_tail(ctx: Context, node: cst.BaseExpression | None, strings: dict[str, str] | None = None) -> str | None:
    """The literal end of a path expression: ``"w.h5"``, ``f"ckpt/{epoch}.h5"``, ``os.path.join(d, "w.h5")``,
    ``d + "/w.h5"``, ``Path(d) / "w.h5"``, a name in ``strings`` (last bound to a string literal);
    None when the end is not literal text."""
    if node is None:
        return None
    text = string_value(node)
    if text is not None:
        return text
    if strings and isinstance(node, cst.Name):
        return strings.get(node.value)
    if isinstance(node, cst.FormattedString):
        end = node.parts[-1] if node.parts else None
        return end.value if isinstance(end, cst.FormattedStringText) else None
    if isinstance(node, cst.ConcatenatedString):
        return path_tail(ctx, node.right)  # type: ignore[arg-type]
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, (cst.Add, cst.Divide)):
        return path_tail(ctx, node.right, strings)
    if isinstance(node, cst.Call) and ctx.qualify(node.func) in ("os.path.join", "posixpath.join", "pathlib.Path") and node.args:
        arg = node.args[-1]
        return None if arg.star or arg.keyword is not None else path_tail(ctx, arg.value, strings)
    return None


def weights_name(path: str) -> str:
    """The Keras 3 weights file name for a Keras 2 one: ``w.h5`` -> ``w.weights.h5``, ``ckpt/w`` -> ``ckpt/w.weights.h5``."""
    for suffix in (".weights.h5", ".h5", ".hdf5", ".keras", ".ckpt", ".tf"):
        if path.endswith(suffix):
            return path[: -len(suffix)] + ".weights.h5"
    return path + ".weights.h5"


def model_name(path: str) -> str:
    """The Keras 3 model file name for a Keras 2 SavedModel path: ``saved/model`` -> ``saved/model.keras``."""
    for suffix in (".tf", ".pb", ".ckpt", "/"):
        if path.endswith(suffix):
            return path[: -len(suffix)] + ".keras"
    return path + ".keras"


def note_string(strings: dict[str, str], node: cst.Assign) -> None:
    """Keep ``strings`` (name -> the string literal it was last bound to) up to date with an assignment."""
    for target in node.targets:
        if isinstance(target.target, cst.Name):
            text = string_value(node.value) if len(node.targets) == 1 else None
            if text is None:
                strings.pop(target.target.value, None)
            else:
                strings[target.target.value] = text

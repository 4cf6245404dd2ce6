"""Keras 2's ``keras.preprocessing`` utilities (Tokenizer, ImageDataGenerator, TimeseriesGenerator ...) with Keras 3.

What it detects:
    ``from keras.preprocessing.text import Tokenizer``,
    ``from keras.preprocessing.image import ImageDataGenerator``,
    ``from keras.preprocessing.sequence import TimeseriesGenerator`` and uses such as
    ``keras.preprocessing.text.Tokenizer(...)``, spelt with the standalone ``keras``
    package. Target keras3. Keras 3 still has ``keras.preprocessing.image.load_img`` /
    ``img_to_array`` / ``array_to_img`` / ``save_img`` / ``smart_resize`` and
    ``keras.preprocessing.sequence.pad_sequences``: those stay silent, as does the
    ``tensorflow.keras`` spelling, which Keras 3 (3.3.2+) keeps as a legacy namespace.

Why it breaks:
    Keras 3's own package dropped them: "No module named 'keras.preprocessing.text'",
    "cannot import name 'ImageDataGenerator' from 'keras.preprocessing.image'".

Example:
    from keras.preprocessing.text import Tokenizer

Use instead:
    keras.layers.TextVectorization (a new pipeline), or, to keep the same code,
    ``from tensorflow.keras.preprocessing.text import Tokenizer`` (Keras 3's legacy
    namespace on the TensorFlow backend: the same Keras 2 implementation).

The fix rewrites ``from keras.preprocessing.X import ...`` to the ``tensorflow.keras``
spelling: the classes there are Keras 2's, so the script behaves as before.
"""

from __future__ import annotations

import libcst as cst

from kerasdoctor.lint.base import Check, Edit
from kerasdoctor.lint.resolve import module_name

# what keras 3.15's keras.preprocessing.<module> still has (as installed here); None: the module is gone
KEPT: dict[str, frozenset[str] | None] = {
    "text": None,
    "image": frozenset({"array_to_img", "img_to_array", "load_img", "save_img", "smart_resize"}),
    "sequence": frozenset({"pad_sequences"}),
}


def _gone(module: str, names: list[str]) -> bool:
    kept = KEPT[module]
    return kept is None or any(n not in kept for n in names)


class Keras3LegacyPreprocessing(Check):
    requires = ("preprocessing",)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if node.relative or node.module is None:
            return
        raw = module_name(node.module)
        names = [] if isinstance(node.names, cst.ImportStar) else [module_name(a.name) for a in node.names]  # type: ignore[arg-type]
        if raw == "keras.preprocessing":
            gone = [n for n in names if n == "text"]
            if gone:
                edits = [Edit(node.module, "tensorflow.keras.preprocessing")] if names == gone else None
                self.report(node.module, edits=edits, name="keras.preprocessing.text", spelling="tensorflow.keras.preprocessing.text")
            return
        module = raw[len("keras.preprocessing.") :] if raw.startswith("keras.preprocessing.") else None
        if module in KEPT and (not names or _gone(module, names)):
            edits = [Edit(node.module, f"tensorflow.{raw}")] if names else None
            shown = ", ".join(n for n in names if KEPT[module] is None or n not in KEPT[module]) or "*"  # type: ignore[operator]
            self.report(node.module, edits=edits, name=f"{raw}.{shown}" if module != "text" else raw, spelling=f"tensorflow.{raw}")

    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            raw = module_name(alias.name)  # type: ignore[arg-type]
            if raw == "keras.preprocessing.text":
                self.report(alias, name=raw, spelling=f"tensorflow.{raw}")

    def visit_Attribute(self, node: cst.Attribute) -> None:
        inner = node.value.attr.value if isinstance(node.value, cst.Attribute) else node.value.value if isinstance(node.value, cst.Name) else None
        if inner not in KEPT or self.ctx.qualify(node) is None:
            return
        raw = self.ctx.resolver.raw(node) or ""
        parts = raw.split(".")
        if len(parts) == 4 and parts[:2] == ["keras", "preprocessing"] and parts[2] in KEPT and _gone(parts[2], [parts[3]]):
            self.report(node, name=raw, spelling=f"tensorflow.{raw}")


CHECK = Keras3LegacyPreprocessing

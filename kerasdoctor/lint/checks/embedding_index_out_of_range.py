"""An ``Embedding`` sized ``len(tokenizer.word_index)``: one row short for the Tokenizer's ids, which start at 1.

What it detects:
    ``Embedding(len(t.word_index), ...)``, or ``Embedding(n, ...)`` with
    ``n = len(t.word_index)`` (no ``+ 1``), in a file that builds no ``Tokenizer(num_words=...)``
    (which keeps only ids below ``num_words``).

Why it breaks:
    Keras's ``Tokenizer`` numbers words from 1 (0 is kept for padding), so the ids run
    1..len(word_index) and the table needs ``len(word_index) + 1`` rows. The last word's
    id is out of range: "indices[3,7] = 9821 is not in [0, 9821)"
    on CPU; on GPU the lookup silently returns zeros.

Example:
    vocab_size = len(tokenizer.word_index)
    model.add(Embedding(vocab_size, 64))

Use instead:
    ``Embedding(len(tokenizer.word_index) + 1, 64)`` (or ``num_words`` when the
    tokenizer was built with ``num_words=`` and every sequence comes from it).
"""

from __future__ import annotations

import libcst as cst

from kerasdoctor.lint.base import Check
from kerasdoctor.lint.checks._util import argument, layer_class, target_names


def _word_index_length(node: cst.BaseExpression | None) -> bool:
    """``len(x.word_index)``."""
    return (
        isinstance(node, cst.Call)
        and isinstance(node.func, cst.Name)
        and node.func.value == "len"
        and len(node.args) == 1
        and isinstance(node.args[0].value, cst.Attribute)
        and node.args[0].value.attr.value == "word_index"
    )


class EmbeddingIndexOutOfRange(Check):
    def __init__(self, *args: object) -> None:
        super().__init__(*args)  # type: ignore[arg-type]
        self.sizes: dict[str, bool] = {}  # name -> holds exactly len(word_index)
        self.candidates: list[cst.BaseExpression] = []
        self.capped = False  # a Tokenizer(num_words=n) keeps only ids < n, which may fit

    def visit_Assign(self, node: cst.Assign) -> None:
        exact = _word_index_length(node.value)
        for target in node.targets:
            for name in target_names(target.target):
                self.sizes[name.value] = exact and isinstance(target.target, cst.Name)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        if isinstance(node.target, cst.Name):
            self.sizes[node.target.value] = False  # vocab_size += 1

    def visit_Call(self, node: cst.Call) -> None:
        qualified = self.ctx.qualify(node.func)
        if qualified is not None and qualified.endswith(".Tokenizer"):
            words = argument(node, 0, "num_words")
            if words is not None and not (isinstance(words, cst.Name) and words.value == "None"):
                self.capped = True
            return
        if layer_class(self.ctx, node) != "Embedding":
            return
        size = argument(node, 0, "input_dim")
        if _word_index_length(size) or (isinstance(size, cst.Name) and self.sizes.get(size.value) and not self.ctx.binds_locally(size.value, parameters=True)):
            self.candidates.append(size)  # type: ignore[arg-type]

    def finish(self) -> None:
        if not self.capped:
            for size in self.candidates:
                self.report(size)


CHECK = EmbeddingIndexOutOfRange

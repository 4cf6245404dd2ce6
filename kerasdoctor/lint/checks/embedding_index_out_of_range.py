"""An ``Embedding`` sized ``len(tokenizer.word_index)``: one row short for the Tokenizer's ids, which start at 1.

What it detects:
    ``Embedding(len(t.word_index), ...)``, or ``Embedding(n, ...)`` with
    ``n = len(t.word_index)`` (no ``+ 1``), in a file that builds no ``Tokenizer(num_words=...)``
    (which keeps only ids below ``num_words``); and, in a file with one tokenizer and one
    ``Embedding``, both sized by literals, an ``Embedding(input_dim=m)`` smaller than the
    tokenizer's ``num_words=n`` / ``TextVectorization(max_tokens=n)``.

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
from kerasdoctor.lint.checks._util import argument, layer_class, number_value, target_names


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
    requires = ("Embedding",)

    def __init__(self, *args: object) -> None:
        super().__init__(*args)  # type: ignore[arg-type]
        self.sizes: dict[str, bool] = {}  # name -> holds exactly len(word_index)
        self.candidates: list[cst.BaseExpression] = []
        self.capped = False  # a Tokenizer(num_words=n) keeps only ids < n, which may fit
        self.vocabularies: list[float] = []  # literal num_words= / max_tokens= of the file's tokenizers
        self.tables: list[tuple[cst.BaseExpression, float]] = []  # Embedding input_dim literals
        self.embeddings = 0

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
            self.vocabularies.append(number_value(words) or 0)
            return
        if qualified == "keras.layers.TextVectorization":
            self.vocabularies.append(number_value(argument(node, 0, "max_tokens")) or 0)
            return
        if layer_class(self.ctx, node) != "Embedding":
            return
        self.embeddings += 1
        size = argument(node, 0, "input_dim")
        rows = number_value(size)
        if rows is not None and size is not None:
            self.tables.append((size, rows))
        if _word_index_length(size) or (isinstance(size, cst.Name) and self.sizes.get(size.value) and not self.ctx.binds_locally(size.value, parameters=True)):
            self.candidates.append(size)  # type: ignore[arg-type]

    def finish(self) -> None:
        if not self.capped:
            for size in self.candidates:
                self.report(size)
        # one tokenizer and one Embedding, both literal: ids reach the vocabulary size - 1
        if len(self.vocabularies) == 1 and self.vocabularies[0] > 0 and self.embeddings == 1 and len(self.tables) == 1:
            node, rows = self.tables[0]
            if rows < self.vocabularies[0]:
                self.report(node, key="smaller", rows=int(rows), vocabulary=int(self.vocabularies[0]))


CHECK = EmbeddingIndexOutOfRange

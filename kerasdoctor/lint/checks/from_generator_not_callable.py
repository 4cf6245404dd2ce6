"""``tf.data.Dataset.from_generator`` given a generator object (``gen()``) instead of the generator function.

What it detects:
    ``from_generator(gen(...), ...)`` or ``from_generator(g, ...)`` with ``g = gen(...)``,
    where ``gen`` is a generator function of this file.

Why it breaks:
    ``from_generator`` calls its first argument each time the dataset is iterated
    (every epoch): "TypeError: `generator` must be callable." A generator object is
    not callable, and could be consumed only once anyway.

Example:
    def samples():
        for x, y in zip(xs, ys):
            yield x, y
    ds = tf.data.Dataset.from_generator(samples(), output_signature=signature)

Use instead:
    ``from_generator(samples, ...)``, or ``lambda: samples(arg)`` / ``args=(arg,)`` when it takes arguments.
"""

from __future__ import annotations

import libcst as cst

from kerasdoctor.lint.checks._data import GENERATOR, INFINITE_GENERATOR, DataCheck
from kerasdoctor.lint.checks._util import argument


class FromGeneratorNotCallable(DataCheck):
    requires = ("from_generator",)

    def visit_Call(self, node: cst.Call) -> None:
        if self.ctx.qualify(node.func) != "tensorflow.data.Dataset.from_generator":
            return
        given = argument(node, 0, "generator")
        if given is not None and self.data.kind(given) in (GENERATOR, INFINITE_GENERATOR):
            self.report(given)


CHECK = FromGeneratorNotCallable

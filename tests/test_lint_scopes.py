"""Names bound by a lambda, a comprehension or a function parameter are not the module's names of the same spelling."""

from __future__ import annotations

import libcst as cst

from kerasdoctor.lint.base import Check, Context
from kerasdoctor.lint.walk import Dispatch, walk

SOURCE = """\
import tensorflow as tf
from keras import layers

a = tf.reshape(x, (4, 4))
b = dataset.map(lambda tf: tf.reshape(x, (4, 4)))
c = [layers.Dense(n) for n in sizes]
d = [layers.Dense(3) for layers in stacks]
e = {k: tf.square(k) for tf, k in pairs}
g = (tf.abs(v) for v in values)


def build(layers, *tf, **kw):
    return layers.Dense(3), tf.reshape(x, (2,))


def other():
    return layers.Dense(3)
"""


class Qualified(Check):
    """Records what each call's function resolves to, and whether `x` is bound locally there."""

    def __init__(self, ctx: Context, rule: object) -> None:
        super().__init__(ctx, rule)  # type: ignore[arg-type]
        self.seen: list[tuple[str, str | None]] = []

    def visit_Call(self, node: cst.Call) -> None:
        self.seen.append((cst.Module(body=[]).code_for_node(node.func), self.ctx.qualify(node.func)))


def qualified_calls() -> list[tuple[str, str | None]]:
    ctx = Context(SOURCE, "example.py")
    probe = Qualified(ctx, None)
    walk(cst.parse_module(SOURCE), ctx, Dispatch([probe]))
    return probe.seen


def test_local_bindings_shadow_imports() -> None:
    seen = qualified_calls()
    assert seen == [
        ("tf.reshape", "tensorflow.reshape"),
        ("dataset.map", None),
        ("tf.reshape", None),  # the lambda's parameter tf
        ("layers.Dense", "keras.layers.Dense"),  # n is the comprehension's, layers the import
        ("layers.Dense", None),  # layers is the comprehension's variable
        ("tf.square", None),  # tf is unpacked by the comprehension
        ("tf.abs", "tensorflow.abs"),
        ("layers.Dense", None),  # build's parameter
        ("tf.reshape", None),  # build's *tf
        ("layers.Dense", "keras.layers.Dense"),  # other() sees the import
    ]

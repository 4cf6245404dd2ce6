"""A tensor created eagerly at module level and then used by TF1-style graph code.

What it detects:
    A module-level name bound to a TensorFlow tensor (``tf.constant``, ``tf.ones``,
    ``tf.convert_to_tensor``, ``tf.random.normal`` ...) while eager execution is on, then
    given to an op (an argument of a ``tf.*`` call or an arithmetic operand) either after a module-level
    ``tf.compat.v1.disable_eager_execution()`` / ``disable_v2_behavior()`` or inside a
    ``with tf.Graph().as_default():`` block.

Why it breaks:
    In TF 2 the tensor is an EagerTensor; graph building outside a ``tf.function`` cannot
    capture it: "RuntimeError: Attempting to capture an EagerTensor without building a
    function." ``disable_eager_execution()`` does not convert tensors created before it.

Example:
    scale = tf.constant(2.0)
    tf.compat.v1.disable_eager_execution()
    x = tf.compat.v1.placeholder(tf.float32, (None,))
    y = x * scale

Use instead:
    Call ``disable_eager_execution()`` before any TensorFlow op, create the tensor inside the
    graph that uses it, or keep it a NumPy value.
"""

from __future__ import annotations

import libcst as cst

from kerasdoctor.lint.base import Check
from kerasdoctor.lint.checks._util import target_names

TYPE_CHECKING = False
if TYPE_CHECKING:
    from kerasdoctor.lint.base import Context
    from kerasdoctor.types import Rule

# What returns an EagerTensor when run eagerly: an allowlist (variables, datasets and layers are
# other objects, with other errors).
_TENSOR_MAKERS = frozenset(
    {
        "tensorflow.constant",
        "tensorflow.convert_to_tensor",
        "tensorflow.ones",
        "tensorflow.zeros",
        "tensorflow.ones_like",
        "tensorflow.zeros_like",
        "tensorflow.fill",
        "tensorflow.eye",
        "tensorflow.range",
        "tensorflow.linspace",
        "tensorflow.random.normal",
        "tensorflow.random.uniform",
        "tensorflow.random.truncated_normal",
        "tensorflow.one_hot",
        "tensorflow.cast",
        "tensorflow.reshape",
        "tensorflow.stack",
        "tensorflow.concat",
    }
)
_GRAPH_MODE_SWITCHES = frozenset({"tensorflow.disable_eager_execution", "tensorflow.disable_v2_behavior"})


class EagerTensorInGraphCode(Check):
    requires = ("disable_eager_execution", "disable_v2_behavior", "as_default")

    def __init__(self, ctx: Context, rule: Rule) -> None:
        super().__init__(ctx, rule)
        self.eager: set[str] = set()  # module-level names bound to an eager tensor
        self.graph_names: set[str] = set()  # module-level names bound to tf.Graph()
        self.graph_mode = False  # a module-level disable_eager_execution() was seen
        self.graph_blocks: list[cst.With] = []
        self.reported: set[int] = set()

    def _in_graph(self) -> bool:
        return self.graph_mode or bool(self.graph_blocks)

    def _is_graph_block(self, item: cst.BaseExpression) -> bool:
        if not (isinstance(item, cst.Call) and isinstance(item.func, cst.Attribute) and item.func.attr.value == "as_default"):
            return False
        owner = item.func.value
        if isinstance(owner, cst.Call):
            return self.ctx.qualify(owner.func) == "tensorflow.Graph"
        return isinstance(owner, cst.Name) and owner.value in self.graph_names

    def visit_With(self, node: cst.With) -> None:
        if any(self._is_graph_block(item.item) for item in node.items):
            self.graph_blocks.append(node)

    def leave_With(self, original_node: cst.With) -> None:
        if self.graph_blocks and self.graph_blocks[-1] is original_node:
            self.graph_blocks.pop()

    def visit_Assign(self, node: cst.Assign) -> None:
        if not self.ctx.at_module_level:
            return
        value = node.value
        qualified = self.ctx.qualify(value.func) if isinstance(value, cst.Call) else None
        for target in node.targets:
            for name in target_names(target.target):
                self.eager.discard(name.value)
                self.graph_names.discard(name.value)
                if qualified == "tensorflow.Graph":
                    self.graph_names.add(name.value)
                elif qualified in _TENSOR_MAKERS and not self._in_graph() and len(node.targets) == 1 and isinstance(target.target, cst.Name):
                    self.eager.add(name.value)

    def visit_Call(self, node: cst.Call) -> None:
        qualified = self.ctx.qualify(node.func) or ""
        if self.ctx.at_module_level and qualified in _GRAPH_MODE_SWITCHES:
            self.graph_mode = True
            return
        if qualified.startswith(("tensorflow.", "keras.")):  # an op; print(t) or a Python helper takes any value
            for arg in node.args:
                self._check_operand(arg.value)

    def visit_BinaryOperation(self, node: cst.BinaryOperation) -> None:
        self._check_operand(node.left)
        self._check_operand(node.right)

    def _check_operand(self, node: cst.BaseExpression) -> None:
        if not self._in_graph() or not isinstance(node, cst.Name) or node.value not in self.eager:
            return
        if self.ctx.binds_locally(node.value, parameters=True) or id(node) in self.reported:
            return
        self.reported.add(id(node))
        where = "inside a `with tf.Graph().as_default():` block" if self.graph_blocks else "after disable_eager_execution()"
        self.report(node, name=node.value, where=where)


CHECK = EagerTensorInGraphCode

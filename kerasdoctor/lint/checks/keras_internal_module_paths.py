"""Keras module paths that Keras 3 does not have: private submodules and ``experimental`` namespaces.

What it detects:
    Imports of Keras 2's implementation modules (``keras.engine``, ``keras.layers.core``,
    ``keras.layers.convolutional``, ``keras.utils.generic_utils`` ...) and uses of the
    ``experimental`` namespaces that Keras 3 folded into the public API
    (``keras.layers.experimental.preprocessing.Rescaling``,
    ``keras.optimizers.experimental.AdamW``), spelt ``keras`` or ``tensorflow.keras``,
    and Keras 2.0-2.3's lower-case optimizer aliases (``keras.optimizers.rmsprop``).
    Target keras3 (``tf_keras`` keeps them all).

Why it breaks:
    Keras 3 only ships its public API: "No module named 'keras.engine'",
    "module 'keras.layers' has no attribute 'experimental'".

Example:
    from keras.layers.core import Dense
    aug = tf.keras.layers.experimental.preprocessing.RandomFlip("horizontal")

Use instead:
    from keras.layers import Dense
    aug = tf.keras.layers.RandomFlip("horizontal")

The fix rewrites the module path (keeping the user's ``keras`` / ``tensorflow.keras``
prefix) when every imported name is the same public class in Keras 3's namespace.
"""

from __future__ import annotations

import libcst as cst

from kerasdoctor.lint.base import Check, Edit
from kerasdoctor.lint.checks._util import FeatureTests
from kerasdoctor.lint.resolve import module_name

# Keras 3.15 keras.layers / keras.utils / keras.optimizers (as installed here)
PUBLIC = {
    "layers": frozenset(
        [
            "Activation",
            "ActivityRegularization",
            "Add",
            "AdditiveAttention",
            "AlphaDropout",
            "Attention",
            "Average",
            "AveragePooling1D",
            "AveragePooling2D",
            "AveragePooling3D",
            "AvgPool1D",
            "AvgPool2D",
            "AvgPool3D",
            "BatchNormalization",
            "Bidirectional",
            "CategoryEncoding",
            "CenterCrop",
            "Concatenate",
            "Conv1D",
            "Conv1DTranspose",
            "Conv2D",
            "Conv2DTranspose",
            "Conv3D",
            "Conv3DTranspose",
            "ConvLSTM1D",
            "ConvLSTM2D",
            "ConvLSTM3D",
            "Convolution1D",
            "Convolution1DTranspose",
            "Convolution2D",
            "Convolution2DTranspose",
            "Convolution3D",
            "Convolution3DTranspose",
            "Cropping1D",
            "Cropping2D",
            "Cropping3D",
            "Dense",
            "DepthwiseConv1D",
            "DepthwiseConv2D",
            "Discretization",
            "Dot",
            "Dropout",
            "ELU",
            "EinsumDense",
            "Embedding",
            "Flatten",
            "GRU",
            "GRUCell",
            "GaussianDropout",
            "GaussianNoise",
            "GlobalAveragePooling1D",
            "GlobalAveragePooling2D",
            "GlobalAveragePooling3D",
            "GlobalAvgPool1D",
            "GlobalAvgPool2D",
            "GlobalAvgPool3D",
            "GlobalMaxPool1D",
            "GlobalMaxPool2D",
            "GlobalMaxPool3D",
            "GlobalMaxPooling1D",
            "GlobalMaxPooling2D",
            "GlobalMaxPooling3D",
            "GroupNormalization",
            "HashedCrossing",
            "Hashing",
            "Input",
            "InputLayer",
            "InputSpec",
            "IntegerLookup",
            "LSTM",
            "LSTMCell",
            "Lambda",
            "Layer",
            "LayerNormalization",
            "LeakyReLU",
            "Masking",
            "MaxPool1D",
            "MaxPool2D",
            "MaxPool3D",
            "MaxPooling1D",
            "MaxPooling2D",
            "MaxPooling3D",
            "Maximum",
            "Minimum",
            "MultiHeadAttention",
            "Multiply",
            "Normalization",
            "PReLU",
            "Permute",
            "RNN",
            "RandomBrightness",
            "RandomContrast",
            "RandomCrop",
            "RandomFlip",
            "RandomRotation",
            "RandomTranslation",
            "RandomZoom",
            "ReLU",
            "RepeatVector",
            "Rescaling",
            "Reshape",
            "Resizing",
            "SeparableConv1D",
            "SeparableConv2D",
            "SeparableConvolution1D",
            "SeparableConvolution2D",
            "SimpleRNN",
            "SimpleRNNCell",
            "Softmax",
            "SpatialDropout1D",
            "SpatialDropout2D",
            "SpatialDropout3D",
            "StackedRNNCells",
            "StringLookup",
            "Subtract",
            "TextVectorization",
            "TimeDistributed",
            "UnitNormalization",
            "UpSampling1D",
            "UpSampling2D",
            "UpSampling3D",
            "Wrapper",
            "ZeroPadding1D",
            "ZeroPadding2D",
            "ZeroPadding3D",
        ]
    ),
    "utils": frozenset(
        [
            "CustomObjectScope",
            "Progbar",
            "Sequence",
            "array_to_img",
            "custom_object_scope",
            "deserialize_keras_object",
            "get_custom_objects",
            "get_file",
            "get_registered_name",
            "get_registered_object",
            "get_source_inputs",
            "img_to_array",
            "load_img",
            "model_to_dot",
            "normalize",
            "pad_sequences",
            "plot_model",
            "register_keras_serializable",
            "save_img",
            "serialize_keras_object",
            "to_categorical",
        ]
    ),
    "optimizers": frozenset(["Adadelta", "Adafactor", "Adagrad", "Adam", "AdamW", "Adamax", "Ftrl", "Nadam", "Optimizer", "RMSprop", "SGD"]),
    "models": frozenset({"Model", "Sequential"}),
}
# Keras 2 implementation modules -> the public package their classes live in
PRIVATE_LAYER_MODULES = frozenset(
    [
        "core",
        "convolutional",
        "recurrent",
        "normalization",
        "embeddings",
        "advanced_activations",
        "wrappers",
        "pooling",
        "noise",
        "local",
        "cudnn_recurrent",
        "convolutional_recurrent",
    ]
)
PRIVATE_UTILS_MODULES = frozenset({"generic_utils", "vis_utils", "data_utils", "io_utils", "layer_utils", "conv_utils"})
# Keras 2.0-2.3's lower-case aliases of the optimizer classes (keras/optimizers.py: `sgd = SGD` ...)
LOWERCASE_OPTIMIZERS = {
    "sgd": "SGD",
    "rmsprop": "RMSprop",
    "adagrad": "Adagrad",
    "adadelta": "Adadelta",
    "adam": "Adam",
    "adamax": "Adamax",
    "nadam": "Nadam",
}
_ENGINE_NAMES = {"Layer": "layers", "InputSpec": "layers", "Input": "layers", "InputLayer": "layers", "Model": "models", "Sequential": "models"}


def _split(raw: str) -> tuple[str, list[str]] | None:
    """(the user's prefix up to and including ``keras``, the path after it) for a keras / tensorflow.keras spelling."""
    for prefix in ("tensorflow.keras", "keras"):
        if raw == prefix or raw.startswith(prefix + "."):
            rest = raw[len(prefix) + 1 :]
            return prefix, rest.split(".") if rest else []
    return None


def public_package(path: list[str]) -> str | None:
    """The public package that replaces a Keras 2 module path no longer in Keras 3, or None when it exists."""
    if not path:
        return None
    head = path[0]
    if head == "engine":
        return "engine"  # decided per imported name
    if head == "layers" and len(path) >= 2 and (path[1] in PRIVATE_LAYER_MODULES or path[1] == "experimental"):
        return "layers"
    if head == "utils" and len(path) >= 2 and path[1] in PRIVATE_UTILS_MODULES:
        return "utils"
    if head == "optimizers" and len(path) >= 2 and path[1] == "experimental":
        return "optimizers"
    return None


class KerasInternalModulePaths(Check):
    def __init__(self, *args: object) -> None:
        super().__init__(*args)  # type: ignore[arg-type]
        self.tests = FeatureTests(self.ctx)

    def visit_If(self, node: cst.If) -> None:
        self.tests.enter(node)

    def leave_If(self, node: cst.If) -> None:
        self.tests.leave()

    def visit_BooleanOperation(self, node: cst.BooleanOperation) -> None:
        self.tests.enter(node)

    def leave_BooleanOperation(self, node: cst.BooleanOperation) -> None:
        self.tests.leave()

    def _spelt(self, raw: str) -> tuple[str, list[str], str] | None:
        split = _split(raw)
        if split is None:
            return None
        prefix, path = split
        package = public_package(path)
        return (prefix, path, package) if package else None

    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            raw = module_name(alias.name)  # type: ignore[arg-type]
            found = self._spelt(raw)
            if found is not None:
                self.report(alias, name=raw, replacement=f"keras.{found[2] if found[2] != 'engine' else 'layers / keras.models'}")

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if node.relative or node.module is None:
            return
        raw = module_name(node.module)
        found = self._spelt(raw)
        if found is None:
            # `from tensorflow.keras.layers import experimental`
            split = _split(raw)
            if split is None or isinstance(node.names, cst.ImportStar):
                return
            for alias in node.names:
                name = module_name(alias.name)  # type: ignore[arg-type]
                if split[1] == ["optimizers"] and name in LOWERCASE_OPTIMIZERS:
                    self.report(alias, name=f"{raw}.{name}", replacement=f"{raw}.{LOWERCASE_OPTIMIZERS[name]}")
                    continue
                if public_package([*split[1], name]) not in (None, "engine") and len(split[1]) == 1:
                    self.report(alias, name=f"{raw}.{name}", replacement=f"{split[0]}.{split[1][0]}")
            return
        prefix, _, package = found
        names = [] if isinstance(node.names, cst.ImportStar) else [module_name(a.name) for a in node.names]  # type: ignore[arg-type]
        if package == "engine":
            targets = {_ENGINE_NAMES.get(n, "") for n in names}
            package = targets.pop() if len(targets) == 1 and "" not in targets else "layers / keras.models"
        public = PUBLIC.get(package)
        edits = None
        if names and public is not None and all(n in public for n in names):
            edits = [Edit(node.module, f"{prefix}.{package}")]
        self.report(node.module, edits=edits, name=raw, replacement=f"{prefix}.{package}")

    def visit_Attribute(self, node: cst.Attribute) -> None:
        """``tf.keras.layers.experimental.preprocessing.Rescaling`` -> ``tf.keras.layers.Rescaling``."""
        name = node.attr.value
        inner_name = node.value.attr.value if isinstance(node.value, cst.Attribute) else node.value.value if isinstance(node.value, cst.Name) else None
        if inner_name == "optimizers" and name in LOWERCASE_OPTIMIZERS:
            self._lowercase_optimizer(node, name)
            return
        if inner_name not in ("experimental", "preprocessing") or self.ctx.qualify(node) is None:
            return
        raw = self.ctx.resolver.raw(node) or ""
        split = _split(raw)
        if split is None or len(split[1]) < 3:
            return
        path = split[1]
        if self.tests.covers(raw, f"{split[0]}.{path[0]}.{path[1]}"):
            return  # `hasattr(tf.keras.optimizers, "experimental") and ...experimental.Optimizer`
        head = path[0]
        namespace = path[1:-1]
        if head not in ("layers", "optimizers") or namespace not in (["experimental"], ["experimental", "preprocessing"]):
            return
        if namespace == ["experimental"] and name == "preprocessing":
            return  # the inner part of a longer chain, reported there
        # the chain spelt before the experimental part, as written (`tf.keras.layers`, `layers`)
        inner: cst.BaseExpression = node.value
        for _ in namespace:
            inner = inner.value if isinstance(inner, cst.Attribute) else inner
        edits = None
        if name in PUBLIC[head] and cst.Module([]).code_for_node(node.value).count(".") >= len(namespace):
            edits = [Edit(node.value, cst.Module([]).code_for_node(inner))]
        self.report(node, edits=edits, name=raw, replacement=f"{split[0]}.{head}.{name}")

    def _lowercase_optimizer(self, node: cst.Attribute, name: str) -> None:
        """``keras.optimizers.rmsprop(lr=1e-4)``: Keras 2.0-2.3's alias of ``RMSprop``, gone since."""
        split = _split(self.ctx.resolver.raw(node) or "")
        if split is None or split[1] != ["optimizers", name]:
            return
        if self.tests.covers(f"{split[0]}.optimizers.{name}", f"{split[0]}.optimizers.{name}"):
            return
        cls = LOWERCASE_OPTIMIZERS[name]
        self.report(node, edits=[Edit(node.attr, cls)], name=f"{split[0]}.optimizers.{name}", replacement=f"{split[0]}.optimizers.{cls}")


CHECK = KerasInternalModulePaths

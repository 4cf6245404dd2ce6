"""One canonical spelling for every Keras / TensorFlow name, however it was imported.

``tf.keras.layers.Lambda``, ``tensorflow.keras.layers.Lambda``,
``tf_keras.layers.Lambda``, ``tensorflow.python.keras.layers.core.Lambda`` and
``keras.src.layers.core.lambda_layer.Lambda`` all become ``keras.layers.Lambda``;
``tf.compat.v1.log`` becomes ``tensorflow.log``. Rules and checks compare
canonical names only, so one pattern covers every spelling.
"""

from __future__ import annotations

from functools import lru_cache

# Longest prefix first: the first that matches wins.
_KERAS_PREFIXES = (
    ("tensorflow.compat.v1.keras.", "keras."),
    ("tensorflow.compat.v2.keras.", "keras."),
    ("tensorflow.python.keras.", "keras."),
    ("tensorflow._api.v2.keras.", "keras."),
    ("keras._tf_keras.keras.", "keras."),
    ("tensorflow.keras.", "keras."),
    ("tf_keras.src.", "keras."),
    ("tf_keras.", "keras."),
    ("keras.src.", "keras."),
    ("keras.api._v2.keras.", "keras."),
    ("keras.api.", "keras."),
)
_KERAS_ROOTS = {
    "tensorflow.keras": "keras",
    "tensorflow.compat.v1.keras": "keras",
    "tensorflow.compat.v2.keras": "keras",
    "tensorflow.python.keras": "keras",
    "tf_keras": "keras",
    "keras.src": "keras",
}
_TF_PREFIXES = (
    ("tensorflow.compat.v1.", "tensorflow."),
    ("tensorflow.compat.v2.", "tensorflow."),
    ("tensorflow._api.v2.", "tensorflow."),
)

# Packages whose public classes also live in private submodules
# (keras.layers.core.Dense, keras.src.optimizers.adam.Adam): collapse them to the package.
_COLLAPSIBLE = ("keras.layers.", "keras.losses.", "keras.metrics.", "keras.optimizers.", "keras.callbacks.", "keras.activations.")
# Sub-packages that are public API of their own and must keep their path.
_KEEP_SUBPACKAGES = frozenset({"legacy", "experimental", "schedules", "preprocessing", "merge", "rnn"})

_ALIASES = {
    "keras.models.Model": "keras.Model",
    "keras.engine.training.Model": "keras.Model",
    "keras.models.model.Model": "keras.Model",
    "keras.models.functional.Functional": "keras.Model",
    "keras.models.Sequential": "keras.Sequential",
    "keras.engine.sequential.Sequential": "keras.Sequential",
    "keras.models.sequential.Sequential": "keras.Sequential",
    "keras.layers.Input": "keras.Input",
    "keras.engine.input_layer.Input": "keras.Input",
    "keras.layers.core.input_layer.Input": "keras.Input",
    "keras.layers.InputLayer": "keras.layers.InputLayer",
    "keras.saving.load_model": "keras.models.load_model",
    "keras.saving.save.load_model": "keras.models.load_model",
    "keras.saving.saving_api.load_model": "keras.models.load_model",
    "keras.saving.save_model": "keras.models.save_model",
    "keras.saving.saving_api.save_model": "keras.models.save_model",
    "keras.utils.register_keras_serializable": "keras.saving.register_keras_serializable",
    "keras.utils.generic_utils.register_keras_serializable": "keras.saving.register_keras_serializable",
    "keras.saving.object_registration.register_keras_serializable": "keras.saving.register_keras_serializable",
    "keras.utils.custom_object_scope": "keras.saving.custom_object_scope",
    "keras.utils.CustomObjectScope": "keras.saving.custom_object_scope",
    "keras.saving.CustomObjectScope": "keras.saving.custom_object_scope",
    "keras.utils.get_custom_objects": "keras.saving.get_custom_objects",
    "keras.engine.base_layer.Layer": "keras.layers.Layer",
    "keras.layers.layer.Layer": "keras.layers.Layer",
    "keras.Layer": "keras.layers.Layer",
    "keras.Loss": "keras.losses.Loss",
    "keras.Metric": "keras.metrics.Metric",
    "keras.layers.Activation": "keras.layers.Activation",
    "tensorflow.math.log": "tensorflow.log",
    "tensorflow.math.sqrt": "tensorflow.sqrt",
    "tensorflow.math.divide": "tensorflow.divide",
    "tensorflow.math.reduce_sum": "tensorflow.reduce_sum",
    "tensorflow.math.reduce_mean": "tensorflow.reduce_mean",
    "tensorflow.Variable": "tensorflow.Variable",
}


def _collapse(name: str) -> str:
    for package in _COLLAPSIBLE:
        if name.startswith(package):
            rest = name[len(package) :].split(".")
            if len(rest) >= 2 and rest[-1][:1].isupper() and not (_KEEP_SUBPACKAGES & set(rest[:-1])):
                return package + rest[-1]
            return name
    return name


@lru_cache(maxsize=8192)
def canonical(name: str) -> str:
    """The one spelling of a dotted qualified name that rules and checks compare against."""
    if name in _KERAS_ROOTS:
        return _KERAS_ROOTS[name]
    for prefix, replacement in _KERAS_PREFIXES:
        if name.startswith(prefix):
            name = replacement + name[len(prefix) :]
            break
    else:
        for prefix, replacement in _TF_PREFIXES:
            if name.startswith(prefix):
                name = replacement + name[len(prefix) :]
                break
    name = _ALIASES.get(name, name)
    collapsed = _collapse(name)
    return _ALIASES.get(collapsed, collapsed)


_PUBLIC_KERAS_PREFIXES = tuple((p, r) for p, r in _KERAS_PREFIXES if ".src." not in p and not p.startswith(("keras.api", "keras._tf_keras")))


@lru_cache(maxsize=4096)
def canonical_module(name: str) -> str:
    """The public-API spelling of an imported module path, for import rules.

    Only the distribution prefix is unified (tensorflow.keras / tf_keras /
    tensorflow.python.keras -> keras); private ``keras.src`` / ``tf_keras.src``
    paths are kept as they are, since internal modules move freely between
    releases and are another rule's business.
    """
    if name.startswith(("keras.src", "tf_keras.src")):
        return name
    for prefix, replacement in _PUBLIC_KERAS_PREFIXES:
        if name.startswith(prefix):
            return replacement + name[len(prefix) :]
    return _KERAS_ROOTS.get(name, name)


def is_keras(name: str | None) -> bool:
    """A canonical name inside the Keras API (any distribution of it)."""
    return bool(name) and (name == "keras" or name.startswith("keras."))  # type: ignore[union-attr]


def is_tensorflow_op(name: str | None) -> bool:
    """A canonical ``tensorflow.*`` name outside Keras: a raw TF function."""
    return bool(name) and name.startswith("tensorflow.")  # type: ignore[union-attr]


# Distribution roots whose mention makes a file worth parsing.
KERAS_MARKERS = (b"keras", b"tensorflow")

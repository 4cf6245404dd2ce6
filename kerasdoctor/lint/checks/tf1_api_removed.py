"""A TensorFlow 1.x API with no TF 2 counterpart of the same name (``tf.placeholder``, ``tf.Session``).

What it detects:
    A TF 1 symbol or module, used through the TF 2 ``tensorflow`` module, that TF 2
    keeps only under ``tf.compat.v1`` or dropped: ``tf.placeholder``, ``tf.Session``,
    ``tf.get_variable``, ``tf.global_variables_initializer``, ``tf.train.AdamOptimizer``,
    ``tf.app.run``, ``tf.flags``, ``tf.logging``, ``tf.layers``, ``tf.ConfigProto``,
    ``tf.to_int32`` ... (table generated from TF's ``tf_upgrade_v2``:
    ``tools/build_tf1_renames.py``; ``tf.contrib`` is ``tf-contrib-removed``).

Why it breaks:
    ``AttributeError: module 'tensorflow' has no attribute 'placeholder'`` (or
    ``module 'tensorflow._api.v2.train' has no attribute 'AdamOptimizer'``). Renaming to
    ``tf.compat.v1.placeholder`` is not a fix: TF 2 runs eagerly, and graph APIs then
    raise "tf.placeholder() is not compatible with eager execution".

Example:
    x = tf.placeholder(tf.float32, [None, 784])
    with tf.Session() as sess: ...

Use instead:
    TF 2 code: a ``keras.Input`` model or a ``tf.function`` taking the data as an
    argument; or, as a stop-gap, ``tf.compat.v1.*`` after
    ``tf.compat.v1.disable_eager_execution()``. No automatic fix.
"""

from __future__ import annotations

from kerasdoctor.lint.checks._tf1 import Reference, Tf1Check, table

TYPE_CHECKING = False
if TYPE_CHECKING:
    import libcst as cst

_GRAPH_STOPGAP = "as a stop-gap, tf.compat.v1.{name} after tf.compat.v1.disable_eager_execution() at program start"
_KERAS_OPTIMIZERS = {
    "AdamOptimizer": "Adam",
    "GradientDescentOptimizer": "SGD",
    "MomentumOptimizer": "SGD(momentum=...)",
    "RMSPropOptimizer": "RMSprop",
    "AdagradOptimizer": "Adagrad",
    "AdadeltaOptimizer": "Adadelta",
    "FtrlOptimizer": "Ftrl",
}
# advice by TF 1 name or module (the longest matching prefix wins); {name} is the TF 1 name without `tf.`
_ADVICE = {
    "placeholder": "feed data to a keras.Input model or as an argument of a tf.function instead; " + _GRAPH_STOPGAP,
    "placeholder_with_default": "pass the value as a function argument with a default instead; " + _GRAPH_STOPGAP,
    "sparse_placeholder": "pass a tf.SparseTensor to a function instead; " + _GRAPH_STOPGAP,
    "Session": "TF 2 runs ops eagerly: call the model or a tf.function directly, without sess.run; " + _GRAPH_STOPGAP,
    "InteractiveSession": "TF 2 runs ops eagerly: delete the session; " + _GRAPH_STOPGAP,
    "global_variables_initializer": "TF 2 variables are initialised when created: delete the call; " + _GRAPH_STOPGAP,
    "local_variables_initializer": "TF 2 variables are initialised when created: delete the call; " + _GRAPH_STOPGAP,
    "initialize_all_variables": "TF 2 variables are initialised when created: delete the call; " + _GRAPH_STOPGAP,
    "get_default_graph": "TF 2 has no default graph to fetch tensors from: use the model's layers or a tf.function; " + _GRAPH_STOPGAP,
    "reset_default_graph": "use tf.keras.backend.clear_session() to reset Keras state",
    "get_variable": "create tf.Variable(...) or a layer weight with self.add_weight(...); " + _GRAPH_STOPGAP,
    "variable_scope": "use tf.name_scope or Keras layers, which own their variables; " + _GRAPH_STOPGAP,
    "set_random_seed": "use tf.random.set_seed (the random sequence differs from TF 1's)",
    "ConfigProto": "configure devices with tf.config, e.g. tf.config.experimental.set_memory_growth(gpu, True) for each tf.config.list_physical_devices('GPU')",
    "GPUOptions": "configure devices with tf.config, e.g. tf.config.experimental.set_memory_growth(gpu, True) for each tf.config.list_physical_devices('GPU')",
    "train.Saver": "save with tf.train.Checkpoint(...).save(path) or model.save_weights(path)",
    "train.Optimizer": "use a tf.keras.optimizers optimizer (model.compile(optimizer=...), or optimizer.apply_gradients with a tf.GradientTape)",
    "summary.FileWriter": "use writer = tf.summary.create_file_writer(logdir) and tf.summary.scalar(..., step=...) inside `with writer.as_default():`",
    "app": "use absl: `from absl import app, flags` (app.run(main), flags.DEFINE_string(...)), the package tf.app wrapped",
    "flags": "use absl: `from absl import flags` (flags.DEFINE_string(...), flags.FLAGS), the package tf.flags wrapped",
    "app.flags": "use absl: `from absl import flags` (flags.DEFINE_string(...), flags.FLAGS), the package tf.app.flags wrapped",
    "logging": "use tf.get_logger() or absl.logging (tf.compat.v1.{name} still works on TF 2)",
    "layers": "use tf.keras.layers (tf.layers.dense(x, units) -> tf.keras.layers.Dense(units)(x)); tf.compat.v1.layers fails with Keras 3",
    "nn.rnn_cell": "use tf.keras.layers cells (LSTMCell, GRUCell, SimpleRNNCell) inside tf.keras.layers.RNN, or LSTM / GRU layers",
    "distributions": "use tensorflow_probability's tfp.distributions",
    "gfile": "use tf.io.gfile",
    "python_io": "use tf.io (tf.io.TFRecordWriter, tf.io.tf_record_iterator -> tf.data.TFRecordDataset)",
    "saved_model.loader": "load with tf.saved_model.load(path)",
    "saved_model.builder": "save with tf.saved_model.save(obj, path) or model.export(path)",
    "losses": "use tf.keras.losses classes or functions (the TF 1 ones took labels, logits in other positions and reduced differently)",
    "metrics": "use tf.keras.metrics objects",
    "Print": "use tf.print (it returns no tensor: call it for its effect)",
    "py_func": "use tf.py_function (its function receives eager tensors, not NumPy arrays) or tf.numpy_function",
    "assign": "call variable.assign(value)",
    "trainable_variables": "use model.trainable_variables",
    "global_variables": "use model.variables",
}
_DEFAULT = "TF's upgrade script maps it to tf.compat.v1.{name} (TF 1 behaviour, graph mode for graph APIs): port it to the TF 2 API (https://www.tensorflow.org/guide/migrate)"


def advice(name: str) -> str:
    parts = name.split(".")
    if parts[0] == "train" and parts[-1] in _KERAS_OPTIMIZERS:
        return f"use tf.keras.optimizers.{_KERAS_OPTIMIZERS[parts[-1]]} (model.compile(optimizer=...), or optimizer.apply_gradients with a tf.GradientTape)"
    for length in range(len(parts), 0, -1):
        found = _ADVICE.get(".".join(parts[:length]))
        if found:
            return found.replace("{name}", name)
    return _DEFAULT.replace("{name}", name)


class Tf1ApiRemoved(Tf1Check):
    def found(self, ref: Reference, call: cst.Call | None) -> None:
        if ref.name.startswith("contrib") or ref.kind in ("renamed", "arguments_changed") or ref.name in table()["casts"]:
            return
        self.report(ref.node, name=f"tf.{ref.name}", advice=advice(ref.name))


CHECK = Tf1ApiRemoved

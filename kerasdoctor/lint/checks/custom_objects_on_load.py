"""Loading a model built from this file's custom layers or metrics without ``custom_objects``.

What it detects:
    ``load_model`` / ``model_from_json`` (any spelling) with no
    ``custom_objects=`` and outside ``custom_object_scope``, of a model that
    the file saved there built from an unregistered Layer/Model/Metric
    subclass of the file, or compiled with a metric function of the file.
    (Callbacks are never saved; a download is not the file's model; a path it
    does not save to falls back to the classes the scope uses.
    A literal path without .h5/.keras is a TF SavedModel, whose classes tf.keras 2
    revives without custom_objects, and one Keras 3 refuses for its name.)

Why it breaks:
    The saved file only stores the class name; on load Keras cannot find it:
    "Unknown layer: 'MyLayer'", "Could not locate class 'MyLayer'", "Unknown
    metric function: 'f1'".

Example:
    class Scale(keras.layers.Layer): ...
    model = keras.Sequential([Scale()])
    model.save("m.keras")
    model = keras.models.load_model("m.keras")

Use instead:
    ``load_model(path, custom_objects={"Scale": Scale})`` or decorate the class
    with ``@keras.saving.register_keras_serializable()``.
"""

from __future__ import annotations

from kerasdoctor.lint.checks._loading import LoadingCheck


class CustomObjectsOnLoad(LoadingCheck):
    def finish(self) -> None:
        if self.registered_globally:
            return
        for call, _, scope, saved, _ in self.loads:
            if self.not_a_keras_file(call):
                continue
            if saved is not None:
                missing = self.saved_classes(saved)
            else:
                missing = self.saved_classes(self.in_scope(self.called, scope) & set(self.classes))
                missing += [name for name in self.saved_classes(self.in_scope(self.compile_metrics, scope)) if name not in missing]
            if missing:
                self.report(call, names=", ".join(missing))


CHECK = CustomObjectsOnLoad

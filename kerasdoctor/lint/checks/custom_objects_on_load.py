"""Loading a model built from this file's custom layers or metrics without ``custom_objects``.

What it detects:
    ``load_model`` / ``model_from_json`` (any spelling) with no
    ``custom_objects=`` and outside ``custom_object_scope``, in a file that
    defines and uses an unregistered Layer/Model/Metric subclass, or passes
    its own function as a metric to ``compile``.

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
        for call, _, scope in self.loads:
            called, metrics = self.in_scope(self.called, scope), self.in_scope(self.compile_metrics, scope)
            missing = [name for name, base in sorted(self.classes.items()) if name in called and not base.startswith("keras.losses.")]
            missing += sorted(name for name in metrics if (name in self.functions or name in self.classes) and name not in missing)
            if missing:
                self.report(call, names=", ".join(missing))


CHECK = CustomObjectsOnLoad

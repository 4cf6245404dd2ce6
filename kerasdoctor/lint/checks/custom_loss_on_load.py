"""Loading (and compiling) a model trained with this file's own loss, without ``custom_objects``.

What it detects:
    ``load_model`` (any spelling) without ``custom_objects=``, not
    ``compile=False`` and outside ``custom_object_scope``, in a file whose
    ``compile(loss=...)`` uses a loss function or ``Loss`` subclass it defines:
    the model the file saved to that path was compiled with it (a download is
    not its model; a path it does not save to falls back to every compile of
    the scope).

Why it breaks:
    The saved training config names the loss; Keras cannot find it when it
    recompiles: "Unknown loss function: 'focal_loss'. Please ensure you are
    using a `keras.utils.custom_object_scope`...".

Example:
    def focal_loss(y_true, y_pred): ...
    model.compile(loss=focal_loss)
    model.save("m.h5")
    model = keras.models.load_model("m.h5")

Use instead:
    ``load_model(path, custom_objects={"focal_loss": focal_loss})``, register the
    loss, or ``load_model(path, compile=False)`` and compile again.
"""

from __future__ import annotations

from kerasdoctor.lint.checks._loading import LoadingCheck


class CustomLossOnLoad(LoadingCheck):
    def finish(self) -> None:
        if self.registered_globally:
            return
        for call, compile_false, scope, _, saved_losses in self.loads:
            if compile_false or self.ctx.qualify(call.func) != "keras.models.load_model":
                continue
            losses = saved_losses if saved_losses is not None else self.in_scope(self.compile_losses, scope)
            missing = sorted(name for name in losses if name in self.functions or self.classes.get(name, "").startswith("keras.losses."))
            if missing:
                self.report(call, names=", ".join(missing))


CHECK = CustomLossOnLoad

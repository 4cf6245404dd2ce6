"""Attach the training doctor to ``Model.fit`` once Keras is imported, without importing it.

A meta path finder watches for the one module of each Keras flavour that
defines ``CallbackList``; when the user's script imports it, the finder lets
the real loader run and then wraps ``CallbackList.__init__`` so that a
``CallbackList`` built by ``fit`` also holds a ``Doctor``. Wrapping the
constructor (rather than ``fit`` itself) keeps kerasdoctor out of every
traceback raised during training. Any other import costs one set lookup.
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from importlib.machinery import ModuleSpec
    from types import ModuleType
    from typing import Any

# Module that defines CallbackList -> module that defines the Callback base class.
_CALLBACK_MODULES = {
    "keras.src.callbacks.callback_list": "keras.src.callbacks.callback",  # Keras 3
    "tf_keras.src.callbacks": "tf_keras.src.callbacks",  # tf-keras 2.13+
    "keras.src.callbacks": "keras.src.callbacks",  # keras 2.13-2.15 (a package in Keras 3)
    "keras.callbacks": "keras.callbacks",  # keras 2.x before 2.13
    "tensorflow.python.keras.callbacks": "tensorflow.python.keras.callbacks",  # TF <= 2.5
}
_WRAPPED_MARK = "__kerasdoctor_wrapped__"

# CallbackList class -> its original __init__, to restore exactly on uninstall.
_patched: dict[type, Callable[..., Any]] = {}


class _PatchingLoader:
    """Runs the real loader, then patches the module it produced; delegates everything else."""

    def __init__(self, loader: Any) -> None:
        self._loader = loader

    def __getattr__(self, name: str) -> Any:
        return getattr(self._loader, name)

    def create_module(self, spec: ModuleSpec) -> ModuleType | None:
        return self._loader.create_module(spec)  # type: ignore[no-any-return]

    def exec_module(self, module: ModuleType) -> None:
        # Put the real loader back first, so the module looks untouched to everyone else.
        module.__loader__ = self._loader
        if module.__spec__ is not None:
            module.__spec__.loader = self._loader
        self._loader.exec_module(module)
        patch_loaded_module(module.__name__)


class KerasImportWatcher:
    """Meta path finder that only reacts to the Keras modules defining ``CallbackList``."""

    def find_spec(self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None) -> ModuleSpec | None:
        if fullname not in _CALLBACK_MODULES:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(fullname, path, target)
            if spec is not None:
                if spec.loader is not None and hasattr(spec.loader, "exec_module"):
                    spec.loader = _PatchingLoader(spec.loader)  # type: ignore[assignment]
                return spec
        return None

    def invalidate_caches(self) -> None:
        """Nothing cached: the finder keeps no state."""


_watcher = KerasImportWatcher()


def install_import_hook() -> None:
    """Watch future Keras imports and patch any Keras already imported (idempotent)."""
    if not any(finder is _watcher for finder in sys.meta_path):
        sys.meta_path.insert(0, _watcher)
    for name in _CALLBACK_MODULES:
        if name in sys.modules:
            patch_loaded_module(name)


def uninstall_import_hook() -> None:
    """Stop watching imports and give every patched ``CallbackList`` its own ``__init__`` back."""
    sys.meta_path[:] = [finder for finder in sys.meta_path if finder is not _watcher]
    for cls, original in list(_patched.items()):
        if cls.__dict__.get("__init__") is not original:
            cls.__init__ = original  # type: ignore[misc]
        del _patched[cls]


def patch_loaded_module(name: str) -> None:
    """Wrap ``CallbackList.__init__`` of the just-imported module ``name``; never raises."""
    try:
        module = sys.modules.get(name)
        callback_list = getattr(module, "CallbackList", None)
        if not isinstance(callback_list, type) or callback_list in _patched:
            return
        original = callback_list.__dict__.get("__init__")
        if original is None or getattr(original, _WRAPPED_MARK, False):
            return
        base_module = _CALLBACK_MODULES[name]
        callback_list.__init__ = _wrap_init(original, base_module)  # type: ignore[misc]
        _patched[callback_list] = original
    except Exception as internal:  # noqa: BLE001 - a failed patch must not break the user's import
        sys.stderr.write(f"kerasdoctor: could not attach the training doctor ({internal!r})\n")


def _wrap_init(original: Callable[..., Any], base_module: str) -> Callable[..., Any]:
    def __init__(self: Any, callbacks: Any = None, *args: Any, **kwargs: Any) -> None:
        try:
            callbacks = _with_doctor(callbacks, base_module)
        except Exception as internal:  # noqa: BLE001 - training goes on without the doctor
            sys.stderr.write(f"kerasdoctor: could not attach the training doctor ({internal!r})\n")
        original(self, callbacks, *args, **kwargs)

    __init__.__wrapped__ = original  # type: ignore[attr-defined]
    __init__.__doc__ = original.__doc__
    setattr(__init__, _WRAPPED_MARK, True)
    return __init__


def _with_doctor(callbacks: Any, base_module: str) -> Any:
    """``callbacks`` plus a Doctor, when the CallbackList is being built by ``fit``."""
    from kerasdoctor.runtime import disabled

    # Frame 0 is _with_doctor, 1 the wrapper, 2 whoever builds the CallbackList.
    caller = sys._getframe(2)
    if caller.f_code.co_name != "fit" or disabled():
        return callbacks
    from kerasdoctor.runtime.doctor import Doctor, doctor_class_for

    existing = list(callbacks) if isinstance(callbacks, (list, tuple)) else ([] if callbacks is None else [callbacks])
    if any(isinstance(cb, Doctor) for cb in existing):
        return callbacks
    base = sys.modules[base_module].Callback
    # The script has no call to pass stop_on_nan to: KERASDOCTOR_STOP_ON_NAN=0 keeps training going.
    keep_going = os.environ.get("KERASDOCTOR_STOP_ON_NAN", "").strip().lower() in {"0", "off", "false", "no"}
    doctor = doctor_class_for(base)(auto=True, stop_on_nan=not keep_going)
    return [*existing, doctor]

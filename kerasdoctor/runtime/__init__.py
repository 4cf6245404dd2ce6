"""Runtime diagnosis: the exception hook, the import hook and the training doctor.

``install()`` chains a diagnosing exception hook in front of whatever hook is there
and arranges for the training doctor to join every ``Model.fit`` once Keras is
imported; ``uninstall()`` puts everything back. Nothing here imports TensorFlow:
the heavy modules are only touched when the user's script has loaded them.

Environment:
    KERASDOCTOR=0               everything off (install(), the hooks, the Doctor)
    KERASDOCTOR_STOP_ON_NAN=0   the Doctor attached by auto/run diagnoses but lets training go on
    KERASDOCTOR_RULES=DIR[:DIR] extra rule directories for the runtime (as ``--rules`` for the CLI)
    KERASDOCTOR_DEBUG=1         an internal error of the Doctor prints its traceback
"""

from __future__ import annotations

import os

__all__ = ["disabled", "install", "is_installed", "uninstall"]

_installed = False


def disabled() -> bool:
    """True when the user switched kerasdoctor off with ``KERASDOCTOR=0`` (or off/false/no)."""
    return os.environ.get("KERASDOCTOR", "").strip().lower() in {"0", "off", "false", "no"}


def install(*, excepthook: bool = True, doctor: bool = True) -> bool:
    """Chain the diagnosing exception hook and attach the training doctor to ``Model.fit``.

    Idempotent. Returns False (and does nothing) when ``KERASDOCTOR=0``.
    """
    global _installed
    if disabled():
        return False
    if _installed:
        return True
    from kerasdoctor.runtime import hook

    if excepthook:
        hook.install_excepthooks()
    if doctor:
        from kerasdoctor.runtime import autoload

        autoload.install_import_hook()
    _installed = True
    return True


def uninstall() -> None:
    """Undo ``install()``: restore the previous hooks and the original ``CallbackList``."""
    global _installed
    import sys

    # Only modules that install() imported can hold state to undo.
    hook = sys.modules.get("kerasdoctor.runtime.hook")
    if hook is not None:
        hook.uninstall_excepthooks()
    autoload = sys.modules.get("kerasdoctor.runtime.autoload")
    if autoload is not None:
        autoload.uninstall_import_hook()
    _installed = False


def is_installed() -> bool:
    """Whether ``install()`` is in effect."""
    return _installed

"""IPython / Jupyter: ``%load_ext kerasdoctor``, and the shell hook used by ``import kerasdoctor.auto``.

Cell errors never reach ``sys.excepthook``: the shell prints them itself. The
diagnosis is chained through ``set_custom_exc``: the shell's own traceback (or a
custom handler that was there before) is shown first, then the diagnosis.
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from types import TracebackType
    from typing import Any

# (shell, its custom_exceptions, its CustomTB) from before we attached.
_saved: tuple[Any, tuple[type[BaseException], ...], Any] | None = None


def _running_shell() -> Any:
    ipython = sys.modules.get("IPython")
    get_ipython = getattr(ipython, "get_ipython", None)
    return get_ipython() if get_ipython is not None else None


def attach(shell: Any) -> bool:
    """Chain the diagnosis behind the shell's traceback display (idempotent)."""
    global _saved
    if shell is None or not hasattr(shell, "set_custom_exc"):
        return False
    if _saved is not None:
        return _saved[0] is shell
    previous_types = tuple(getattr(shell, "custom_exceptions", ()) or ())
    previous_handler = getattr(shell, "CustomTB", None)

    def kerasdoctor_custom_exc(self: Any, etype: type[BaseException], value: BaseException, tb: TracebackType | None, tb_offset: Any = None) -> Any:
        if previous_types and issubclass(etype, previous_types) and previous_handler is not None:
            result = previous_handler(etype, value, tb, tb_offset=tb_offset)
        else:
            self.showtraceback((etype, value, tb), tb_offset=tb_offset)
            result = None
        from kerasdoctor.runtime import disabled, hook

        if isinstance(value, Exception) and not disabled():
            hook.diagnose_safely(value, file=sys.stderr)
        return result

    shell.set_custom_exc((Exception, *previous_types), kerasdoctor_custom_exc)
    _saved = (shell, previous_types, previous_handler)
    return True


def detach() -> None:
    """Give the shell back the custom exception handling it had before ``attach``."""
    global _saved
    if _saved is None:
        return
    shell, previous_types, previous_handler = _saved
    shell.custom_exceptions = previous_types
    if previous_handler is not None:
        shell.CustomTB = previous_handler
    _saved = None


def attach_to_running_shell() -> bool:
    return attach(_running_shell())


def detach_from_running_shell() -> None:
    detach()


def load_ipython_extension(ipython: Any) -> None:
    """``%load_ext kerasdoctor``: diagnose cell errors and attach the training doctor to fit."""
    from kerasdoctor.runtime import autoload, disabled

    if disabled():
        return
    attach(ipython)
    autoload.install_import_hook()


def unload_ipython_extension(ipython: Any) -> None:
    """``%unload_ext kerasdoctor``."""
    from kerasdoctor.runtime import autoload

    detach()
    autoload.uninstall_import_hook()

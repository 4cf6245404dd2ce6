"""Diagnosing exception hooks chained in front of the existing ones.

The previous hook always runs first, so the user sees Python's own traceback
(with its "Did you mean" hints and notes) byte for byte; the diagnosis follows.
KeyboardInterrupt, SystemExit and other non-``Exception`` errors pass untouched.
This module is imported by ``import kerasdoctor.auto``: keep its imports light.
"""

from __future__ import annotations

import sys
import threading
from types import TracebackType

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

# The hooks that were in place before install(); None when not installed.
_previous_excepthook: Callable[[type[BaseException], BaseException, TracebackType | None], Any] | None = None
_previous_threading_hook: Callable[[Any], Any] | None = None
_ipython_attached = False
# False after uninstall(): a hook someone chained over ours then only forwards.
_active = False


def _should_diagnose(exc: BaseException | None) -> bool:
    # KeyboardInterrupt, SystemExit, GeneratorExit are control flow, not bugs.
    if not _active or not isinstance(exc, Exception):
        return False
    from kerasdoctor.runtime import disabled

    return not disabled()


def diagnose_safely(exc: BaseException, file: Any = None) -> None:
    """Print the diagnosis of ``exc``; an internal failure prints one line and nothing else."""
    out = file if file is not None else sys.stderr
    try:
        from kerasdoctor.runtime.report import exception_report

        text = exception_report(exc)
        if text:
            out.write(text)
            out.flush()
    except Exception as internal:  # noqa: BLE001 - the user's traceback must stay the story
        try:
            out.write(f"kerasdoctor: internal error while diagnosing ({type(internal).__name__}: {internal}); the traceback above is unchanged.\n")
            out.flush()
        except Exception:  # noqa: BLE001, S110 - a closed stderr leaves nothing to report to
            pass


def call_as_python_would(hook: Any, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    """Call an exception hook; when it fails, print what the interpreter prints then.

    That is (Python/pythonrun.c, _PyErr_PrintEx) "Error in sys.excepthook:", the hook's
    own error, "Original exception was:" and the original traceback. The hook's error
    is shown without this function's frame, as the interpreter calls hooks from C.
    SystemExit raised by a hook still ends the process, as it does under Python.
    """
    try:
        hook(exc_type, exc, tb)
    except SystemExit:
        raise
    except BaseException as hook_error:  # noqa: BLE001 - reported exactly as the interpreter would
        hook_tb = hook_error.__traceback__.tb_next if hook_error.__traceback__ is not None else None
        sys.stderr.write("Error in sys.excepthook:\n")
        sys.__excepthook__(type(hook_error), hook_error.with_traceback(hook_tb), hook_tb)
        sys.stderr.write("\nOriginal exception was:\n")
        sys.__excepthook__(exc_type, exc, tb)


def kerasdoctor_excepthook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    """sys.excepthook: the previous hook prints the traceback, then the diagnosis follows."""
    previous = _previous_excepthook or sys.__excepthook__
    call_as_python_would(previous, exc_type, exc, tb)
    if _should_diagnose(exc):
        diagnose_safely(exc)


def kerasdoctor_threading_excepthook(args: Any) -> None:
    """threading.excepthook: same as the sys hook, for exceptions that end a thread."""
    previous = _previous_threading_hook or threading.__excepthook__
    try:
        previous(args)
    except Exception as hook_error:  # noqa: BLE001 - reported as threading would, without this frame
        # what threading's invoke_excepthook prints when the hook fails
        hook_error.__suppress_context__ = True
        hook_tb = hook_error.__traceback__.tb_next if hook_error.__traceback__ is not None else None
        # threading's own frame heads the traceback it prints (it catches in Python code)
        caller = sys._getframe(1)
        hook_tb = TracebackType(hook_tb, caller, caller.f_lasti, caller.f_lineno)
        sys.stderr.write("Exception in threading.excepthook:\n")
        sys.stderr.flush()
        display = getattr(sys, "excepthook", None) or sys.__excepthook__
        display(type(hook_error), hook_error.with_traceback(hook_tb), hook_tb)
    if _should_diagnose(args.exc_value):
        diagnose_safely(args.exc_value)


def install_excepthooks() -> None:
    """Chain the diagnosing hooks in front of the current ones (idempotent)."""
    global _previous_excepthook, _previous_threading_hook, _ipython_attached, _active
    _active = True
    if sys.excepthook is not kerasdoctor_excepthook:
        _previous_excepthook = sys.excepthook
        sys.excepthook = kerasdoctor_excepthook
    if threading.excepthook is not kerasdoctor_threading_excepthook:
        _previous_threading_hook = threading.excepthook
        threading.excepthook = kerasdoctor_threading_excepthook
    # Inside IPython / Jupyter cell errors never reach sys.excepthook: the shell
    # prints them itself, so the diagnosis hooks into the shell instead.
    if "IPython" in sys.modules and not _ipython_attached:
        from kerasdoctor.runtime import ipython

        _ipython_attached = ipython.attach_to_running_shell()


def uninstall_excepthooks() -> None:
    """Restore the hooks found at install time.

    When someone chained their own hook over ours since, ours stays in their
    chain but only passes through (``_previous_*`` keeps forwarding).
    """
    global _previous_excepthook, _previous_threading_hook, _ipython_attached, _active
    _active = False
    if sys.excepthook is kerasdoctor_excepthook and _previous_excepthook is not None:
        sys.excepthook = _previous_excepthook
        _previous_excepthook = None
    if threading.excepthook is kerasdoctor_threading_excepthook and _previous_threading_hook is not None:
        threading.excepthook = _previous_threading_hook
        _previous_threading_hook = None
    if _ipython_attached:
        from kerasdoctor.runtime import ipython

        ipython.detach_from_running_shell()
        _ipython_attached = False

"""kerasdoctor: says what is wrong when Keras/TensorFlow training breaks, and the fix.

Public API (everything else is internal):
    explain(text_or_exception) -> Explanation
    lint_paths(paths, ...)      -> lint results
    install() / uninstall()     -> the runtime exception hook and training doctor
    Doctor                      -> the training-doctor Keras callback

Submodules are imported lazily so ``import kerasdoctor`` stays cheap.
"""

from __future__ import annotations

import sys

__version__ = "0.1.0"

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from kerasdoctor.types import Explanation

__all__ = ["Doctor", "__version__", "explain", "install", "lint_paths", "load_ipython_extension", "uninstall"]


def explain(source: str | BaseException, **options: Any) -> Explanation:
    """Diagnose error text (message, traceback, whole log) or a live exception."""
    from kerasdoctor.explain import explain as _explain

    return _explain(source, **options)


def lint_paths(paths: Any, **options: Any) -> Any:
    """Lint files or directories; see ``kerasdoctor.lint.engine.lint_paths``."""
    from kerasdoctor.lint.engine import lint_paths as _lint_paths

    return _lint_paths(paths, **options)


def install() -> None:
    """Install the exception hook and the training doctor (idempotent)."""
    from kerasdoctor.runtime import install as _install

    _install()


def uninstall() -> None:
    """Remove what ``install`` put in place, restoring the previous hooks."""
    from kerasdoctor.runtime import uninstall as _uninstall

    _uninstall()


def load_ipython_extension(ipython: Any) -> None:
    """``%load_ext kerasdoctor``."""
    from kerasdoctor.runtime.ipython import load_ipython_extension as _load

    _load(ipython)


def unload_ipython_extension(ipython: Any) -> None:
    from kerasdoctor.runtime.ipython import unload_ipython_extension as _unload

    _unload(ipython)


def __getattr__(name: str) -> Any:
    if name == "Doctor":
        from kerasdoctor.runtime.doctor import Doctor

        return Doctor
    raise AttributeError(f"module 'kerasdoctor' has no attribute {name!r}")


_PUBLIC_FUNCTIONS = {"explain": explain}


class _Package(type(sys)):  # type: ignore[misc]
    """The package module, keeping ``kerasdoctor.explain`` the public function.

    Importing the ``kerasdoctor.explain`` subpackage makes the import system bind it
    as the package attribute of the same name; the function stays bound instead, and
    the subpackage stays reachable as ``from kerasdoctor.explain import ...``.
    """

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _PUBLIC_FUNCTIONS and isinstance(value, type(sys)):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package

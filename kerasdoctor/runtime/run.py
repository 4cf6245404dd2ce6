"""``kerasdoctor run script.py args...``: run a script exactly as ``python script.py`` would.

Same ``sys.argv``, ``sys.path[0]`` and ``__main__`` semantics, same output and the
same exit code; an uncaught exception prints Python's own traceback, minus
kerasdoctor's frames, then the diagnosis. One difference: after Ctrl-C Python
kills itself with SIGINT, ``kerasdoctor run`` exits with 130 (what a shell shows
for that) after the same traceback.
"""

from __future__ import annotations

import argparse
import os
import runpy
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from types import TracebackType
    from typing import Any

# Frames of these files sit between the interpreter and the script: Python's own
# traceback of `python script.py` would not show them.
_LAUNCHER_FILES = {os.path.realpath(__file__), os.path.realpath(runpy.__file__), "<frozen runpy>"}


def add_run_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register ``run`` on the CLI's subparsers."""
    parser = subparsers.add_parser(
        "run",
        help="run a Python script with the exception hook and training doctor installed",
        description="Run SCRIPT like `python SCRIPT ARGS...` (same argv, __main__, output and exit "
        "code), diagnosing an uncaught exception and a NaN/negative loss during fit.",
    )
    parser.add_argument("-m", dest="module", action="store_true", help="run a module, like `python -m`")
    parser.add_argument("script", help="the script (or, with -m, the module) to run")
    parser.add_argument("args", nargs=argparse.REMAINDER, help="arguments passed to the script")
    parser.set_defaults(handler=run_command)
    return parser


def run_command(args: argparse.Namespace) -> int:
    """Install kerasdoctor (unless KERASDOCTOR=0) and run the script; return its exit code."""
    from kerasdoctor.runtime import install

    install()
    if getattr(args, "module", False):
        return run_module_as_main(args.script, list(args.args))
    return run_path_as_main(args.script, list(args.args))


def _strip_launcher(tb: TracebackType | None) -> TracebackType | None:
    """The traceback from the script's first frame on: the frames Python itself would show."""
    while tb is not None and (tb.tb_frame.f_code.co_filename in _LAUNCHER_FILES or os.path.realpath(tb.tb_frame.f_code.co_filename) in _LAUNCHER_FILES):
        tb = tb.tb_next
    return tb


def _report_uncaught(exc: BaseException) -> int:
    tb = _strip_launcher(exc.__traceback__)
    exc.__traceback__ = tb
    sys.excepthook(type(exc), exc, tb)
    # Python dies of SIGINT after an uncaught KeyboardInterrupt (a shell shows 130)
    return 130 if isinstance(exc, KeyboardInterrupt) else 1


def run_path_as_main(path: str, script_args: list[str]) -> int:
    """``python path args``: returns 1 after an uncaught exception; SystemExit propagates."""
    if not os.path.exists(path):
        sys.stderr.write(f"{sys.executable}: can't open file {os.path.abspath(path)!r}: No such file or directory\n")
        return 2
    import builtins
    import io
    import types
    from importlib.machinery import SourceFileLoader

    # What the interpreter does for `python path`: argv[0] as typed, code named by
    # its absolute path, a fresh __main__ that stays in sys.modules afterwards.
    # (runpy.run_path would rewrite argv[0] and restore the old __main__.)
    full_path = os.path.abspath(path)
    sys.argv = [path, *script_args]
    sys.path[0] = os.path.dirname(os.path.realpath(full_path))
    main_module = types.ModuleType("__main__")
    main_module.__dict__.update(
        __file__=full_path,
        __builtins__=builtins,
        __loader__=SourceFileLoader("__main__", full_path),
        __spec__=None,
        __cached__=None,
        __package__=None,
    )
    sys.modules["__main__"] = main_module
    try:
        with io.open_code(full_path) as source_file:
            source = source_file.read()
        code = compile(source, full_path, "exec", dont_inherit=True)
        exec(code, main_module.__dict__)  # noqa: S102 - running the user's script is the point
    except SystemExit:
        raise
    except BaseException as exc:  # noqa: BLE001 - reported exactly as the interpreter would
        return _report_uncaught(exc)
    return 0


def run_module_as_main(module: str, script_args: list[str]) -> int:
    """``python -m module args``."""
    sys.argv = [module, *script_args]
    sys.path[0] = os.getcwd()
    try:
        runpy.run_module(module, run_name="__main__", alter_sys=True)
    except SystemExit:
        raise
    except BaseException as exc:  # noqa: BLE001
        return _report_uncaught(exc)
    return 0


def main(argv: list[str] | None = None) -> int:
    """``python -m kerasdoctor.runtime.run script.py args`` (the CLI's ``run`` without the CLI)."""
    parser = argparse.ArgumentParser(prog="kerasdoctor run")
    parser.add_argument("-m", dest="module", action="store_true")
    parser.add_argument("script")
    parser.add_argument("args", nargs=argparse.REMAINDER)
    return run_command(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())

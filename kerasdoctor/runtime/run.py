"""``kerasdoctor run script.py args...``: run a script exactly as ``python script.py`` would.

It starts ``python script.py args`` itself, with a start-up module (``bootstrap/
sitecustomize.py``) that installs the exception hook and training doctor and then
steps aside. The script so gets the same ``sys.argv``, ``sys.path``, ``__main__``,
stack depth (a recursion that fits under python fits here), output, tracebacks
(no kerasdoctor frames), signals and exit code; the diagnosis follows Python's
own traceback.
"""

from __future__ import annotations

import argparse
import os
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


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
    """Run the script in a fresh interpreter that has kerasdoctor installed; return its exit code.

    On POSIX the interpreter replaces this process, so the exit status, signals and
    stack depth are the script's own.
    """
    from kerasdoctor.runtime import disabled

    command = [sys.executable, *_interpreter_flags()]
    command += ["-m", args.script] if getattr(args, "module", False) else [args.script]
    command += list(args.args)
    env = dict(os.environ)
    if not disabled():
        here = os.path.dirname(os.path.abspath(__file__))
        env["KERASDOCTOR_RUN_HOME"] = os.path.dirname(os.path.dirname(here))
        if "PYTHONPATH" in env:  # absent: the start-up module removes PYTHONPATH again
            env["KERASDOCTOR_RUN_PYTHONPATH"] = env["PYTHONPATH"]
        env["PYTHONPATH"] = os.pathsep.join(p for p in (os.path.join(here, "bootstrap"), os.environ.get("PYTHONPATH")) if p)
    sys.stdout.flush()
    sys.stderr.flush()
    if os.name == "posix":
        os.execve(sys.executable, command, env)  # noqa: S606 - the user asked to run this script
    import subprocess

    return subprocess.call(command, env=env)


def _interpreter_flags() -> list[str]:
    """The options this interpreter was started with (-X, -W, -O, ...), for the script's."""
    import subprocess

    return list(subprocess._args_from_interpreter_flags())  # type: ignore[attr-defined]


def main(argv: list[str] | None = None) -> int:
    """``python -m kerasdoctor.runtime.run script.py args`` (the CLI's ``run`` without the CLI)."""
    parser = argparse.ArgumentParser(prog="kerasdoctor run")
    parser.add_argument("-m", dest="module", action="store_true")
    parser.add_argument("script")
    parser.add_argument("args", nargs=argparse.REMAINDER)
    return run_command(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())

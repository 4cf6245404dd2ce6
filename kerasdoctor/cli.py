"""Command line: ``kerasdoctor explain | rules | lint | run``.

Exit codes follow the linters' convention: 0 = a diagnosis / no findings,
1 = nothing matched / findings, 2 = bad usage or an internal error.
"""

from __future__ import annotations

import io  # already loaded by the interpreter for its own standard streams
import os
import stat  # already loaded by os
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from collections.abc import Sequence
    from typing import Any, NoReturn

    from kerasdoctor.kb import RuleSet

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
BINARY_SNIFF_BYTES = 8192


class UsageError(Exception):
    """Bad input or arguments: reported in one line, exit code 2."""


def _build_parser(command: str | None = None) -> argparse.ArgumentParser:
    import argparse

    class OneLineErrors(argparse.ArgumentParser):
        """Bad usage is one line on stderr and exit 2, without the usage block."""

        def error(self, message: str) -> NoReturn:
            self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see {self.prog} --help)\n")

    parser = OneLineErrors(
        prog="kerasdoctor",
        description="Explain Keras/TensorFlow errors, lint training code, and watch training runs.",
    )
    from kerasdoctor import __version__

    parser.add_argument("--version", action="version", version=f"kerasdoctor {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    explain = sub.add_parser("explain", help="diagnose an error message, a traceback or a log file")
    explain.add_argument("text", nargs="*", help="error text; '-' or nothing (with piped input) reads standard input")
    explain.add_argument("--file", "-f", metavar="LOG", help="read the error from a log file (any size)")
    explain.add_argument("--format", choices=("text", "json"), default="text")
    explain.add_argument("--top", type=int, default=3, metavar="N", help="how many candidates to show (default 3)")
    explain.add_argument("--color", choices=("auto", "always", "never"), default="auto")
    _add_rules_option(explain)

    rules = sub.add_parser("rules", help="list, show or check knowledge-base rules")
    rules_sub = rules.add_subparsers(dest="rules_command", metavar="ACTION")
    rules.add_argument("--format", choices=("text", "json", "markdown"), default="text")
    _add_rules_option(rules)
    rules_list = rules_sub.add_parser("list", help="a table of all rules (the default)")
    rules_list.add_argument("--format", choices=("text", "json", "markdown"), default=argparse.SUPPRESS)
    show = rules_sub.add_parser("show", help="the full documentation of a rule")
    show.add_argument("rule", help="rule id (KD001) or name (lambda-layer-serialization)")
    check = rules_sub.add_parser("check", help="validate rule files and run their embedded examples")
    check.add_argument("dirs", nargs="*", metavar="DIR", help="rule directories (default: the built-in rules)")

    for name, (module, add, handler, summary) in OPTIONAL_COMMANDS.items():
        if command in (name, None):
            _add_optional_command(sub, name, module, add, handler)
        else:
            sub.add_parser(name, help=summary, add_help=False)
    return parser


# subcommands whose packages register their own arguments and handler; imported only when used
OPTIONAL_COMMANDS = {
    "lint": ("kerasdoctor.lint.cli", "add_lint_parser", "run_lint", "find the code that will raise these errors"),
    "run": ("kerasdoctor.runtime.run", "add_run_parser", "run_command", "run a script under the exception hook and training doctor"),
}


def _add_optional_command(sub: Any, name: str, module: str, add: str, handler: str) -> None:
    import importlib

    try:
        mod = importlib.import_module(module)
    except ImportError:
        return
    getattr(mod, add)(sub)
    if name in sub.choices and sub.choices[name].get_default("handler") is None:
        sub.choices[name].set_defaults(handler=getattr(mod, handler))


class _Args:
    """The namespace argparse would produce, for the fast path."""

    def __init__(self, **values: Any) -> None:
        self.__dict__.update(values)


_EXPLAIN_VALUED = {"--file": "file", "-f": "file", "--format": "format", "--top": "top", "--color": "color", "--rules": "rules"}
_EXPLAIN_CHOICES = {"format": ("text", "json"), "color": ("auto", "always", "never")}


def _parse_explain_fast(argv: list[str]) -> Any:
    """Parse the common ``explain`` command lines without argparse, or return None.

    Importing argparse costs ~5 ms, a sixth of a cold ``explain``. Anything this
    does not recognise (help, typos, bad values) goes to the argparse parser,
    which stays the one source of help text and error messages.
    """
    if not argv or argv[0] != "explain":
        return None
    values: dict[str, Any] = {"command": "explain", "text": [], "file": None, "format": "text", "top": 3, "color": "auto", "rules": []}
    rest = iter(argv[1:])
    positional_only = False
    for arg in rest:
        if positional_only or arg == "-" or not arg.startswith("-"):
            values["text"].append(arg)
            continue
        if arg == "--":
            positional_only = True
            continue
        name, eq, value = arg.partition("=")
        key = _EXPLAIN_VALUED.get(name)
        if key is None:
            return None
        if not eq:
            following = next(rest, None)
            if following is None:
                return None
            value = following
        if key in _EXPLAIN_CHOICES and value not in _EXPLAIN_CHOICES[key]:
            return None
        if key == "top":
            if not (value.isascii() and value.isdigit()):
                return None
            values["top"] = int(value)
        elif key == "rules":
            values["rules"].append(value)
        else:
            values[key] = value
    return _Args(**values)


def _add_rules_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--rules",
        action="append",
        default=[],
        metavar="DIR",
        help="an extra rule directory (repeatable); also [tool.kerasdoctor] rules = [...] in pyproject.toml",
    )


def _extra_rule_dirs(cli_dirs: Sequence[str]) -> list[str]:
    from kerasdoctor.config import extra_rule_dirs

    dirs, warnings = extra_rule_dirs(os.getcwd(), cli_dirs)
    for warning in warnings:
        print(f"kerasdoctor: warning: {warning}", file=sys.stderr)
    return dirs


def _load(cli_dirs: Sequence[str]) -> RuleSet:
    from kerasdoctor.kb import load_rules

    ruleset = load_rules(_extra_rule_dirs(cli_dirs))
    for problem in ruleset.problems:
        print(f"kerasdoctor: warning: {problem}", file=sys.stderr)
    return ruleset


def _stdin_records() -> tuple[str, list[Any]]:
    """The records of piped input, streamed as a log file is: a 1 GB pipe is never held whole; with the text
    itself when it is no longer than a paste, whose lines of the user's own words say which family a shared
    message stands for, as they do for the same text given as an argument."""
    from kerasdoctor.explain.extract import MAX_MESSAGE_CHARS, extract_errors

    raw = getattr(sys.stdin, "buffer", None)
    if raw is None:  # a replaced sys.stdin without bytes underneath
        text = sys.stdin.read(MAX_MESSAGE_CHARS)
        return text, extract_errors(text)
    return _stream_records(raw, "standard input")


def _stream_records(raw: Any, source: str) -> tuple[str, list[Any]]:
    """The records of a byte stream that can be read only once (a pipe, ``--file /dev/stdin``, a shell's
    ``<(command)``), as ``_stdin_records`` reads them: ``source`` names it in messages."""
    from kerasdoctor.explain.extract import extract_from_stream

    head = raw.read(BINARY_SNIFF_BYTES)
    if _looks_binary(head):
        raise UsageError(f"{source} looks like binary data, not error text or a log")
    stream = io.TextIOWrapper(io.BufferedReader(_Rejoined(head, raw)), encoding="utf-8", errors="replace", newline="")
    text, records = extract_from_stream(stream)
    if not records:
        raise UsageError("the error text is empty")
    return text, records


class _Rejoined(io.RawIOBase):
    """A byte stream that gives back the bytes already read (the sniffed head), then the rest."""

    def __init__(self, head: bytes, rest: Any) -> None:
        self._head = memoryview(head)
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self._head:
            n = min(len(buffer), len(self._head))
            buffer[:n] = self._head[:n]
            self._head = self._head[n:]
            return n
        data = self._rest.read1(len(buffer)) if hasattr(self._rest, "read1") else self._rest.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def _looks_binary(head: bytes) -> bool:
    if b"\x00" not in head:
        return False
    printable = sum(1 for b in head if 32 <= b < 127 or b in (9, 10, 13))
    return printable < 0.7 * len(head)


def _argv_text(text: str) -> str:
    """Argument text as valid Unicode: bytes that were not UTF-8 arrive as lone surrogates."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _run_explain(args: argparse.Namespace) -> int:
    import gc

    _skip_collection_at_exit()
    # text given as arguments is bounded (the system's argument limit): the little cyclic garbage
    # it makes can wait, and the collector's passes over the rules would cost a tenth of the run
    pausing = bool(args.text) and args.text != ["-"] and gc.isenabled()
    if pausing:
        gc.disable()
    try:
        return _explain_and_print(args)
    finally:
        if pausing:
            gc.enable()


_FREEZE_AT_EXIT: list[bool] = []


def _skip_collection_at_exit() -> None:
    """Let the interpreter's last garbage collection skip what exists at exit.

    That pass walks every rule and record once more only to find them reachable,
    a tenth of a cold explain; the operating system reclaims the memory anyway.
    """
    if not _FREEZE_AT_EXIT:
        import atexit
        import gc

        atexit.register(gc.freeze)
        _FREEZE_AT_EXIT.append(True)


def _explain_and_print(args: argparse.Namespace) -> int:
    from kerasdoctor.explain import explain_file, explain_records
    from kerasdoctor.explain.extract import extract_errors

    ruleset = _load(args.rules)
    if args.file:
        if args.text:
            raise UsageError("give the error either as text or with --file, not both")
        streamed = None
        try:
            with open(args.file, "rb") as handle:
                if stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                    head = handle.read(BINARY_SNIFF_BYTES)
                else:
                    # a pipe or a device (`--file <(cmd)`, /dev/stdin) gives its bytes once: they are read here
                    streamed = _stream_records(handle, args.file)
        except OSError as exc:
            raise UsageError(f"cannot read {args.file}: {exc.strerror or exc}") from None
        if streamed is not None:
            explanation = explain_records(streamed[1], rules=ruleset, prose=streamed[0])
        elif _looks_binary(head):
            raise UsageError(f"{args.file} looks like binary data, not error text or a log")
        else:
            explanation = explain_file(args.file, rules=ruleset)
    else:
        if args.text and args.text != ["-"]:
            text = _argv_text(" ".join(args.text))
            if not text.strip():
                raise UsageError("the error text is empty")
            records = extract_errors(text)
        elif args.text == ["-"] or not sys.stdin.isatty():
            text, records = _stdin_records()
        else:
            raise UsageError("no error text given: pass it as an argument, pipe it in, or use --file LOG")
        explanation = explain_records(records, rules=ruleset, prose=text)
    from kerasdoctor import render
    from kerasdoctor.kb import SLOW_PATTERNS

    for problem in SLOW_PATTERNS.values():
        print(f"kerasdoctor: warning: {problem}", file=sys.stderr)

    if args.format == "json":
        sys.stdout.write(render.explanation_json(explanation))
    else:
        render.print_explanation(explanation, sys.stdout, color=render.use_color(sys.stdout, args.color), top=max(args.top, 1))
    from kerasdoctor.lazyre import save_compiled

    save_compiled()  # the next run skips compiling (and importing ``re``) for these patterns
    return EXIT_OK if explanation.matches else EXIT_FINDINGS


def _run_rules(args: argparse.Namespace) -> int:
    from kerasdoctor import render

    action = args.rules_command or "list"
    if action == "check":
        from kerasdoctor.rulecheck import check_rule_dirs

        return check_rule_dirs(args.dirs, sys.stdout)
    ruleset = _load(args.rules)
    if action == "show":
        rule = ruleset.get(args.rule)
        if rule is None:
            raise UsageError(f"no rule {args.rule!r}; `kerasdoctor rules` lists them")
        sys.stdout.write(render.rule_text(rule))
        return EXIT_OK
    if args.format == "json":
        sys.stdout.write(render.rules_json(ruleset.rules))
    elif args.format == "markdown":
        sys.stdout.write(render.rules_markdown(ruleset.rules))
    else:
        sys.stdout.write(render.rules_table_text(ruleset.rules))
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = _parse_explain_fast(argv)
    if args is None:
        first = next((a for a in argv if not a.startswith("-")), None)
        args = _build_parser(first if first in OPTIONAL_COMMANDS else None).parse_args(argv)
    try:
        if args.command == "explain":
            return _run_explain(args)
        if args.command == "rules":
            return _run_rules(args)
        handler = getattr(args, "handler", None)
        if handler is not None:
            return int(handler(args))
        _build_parser().print_help(sys.stderr)
        return EXIT_USAGE
    except UsageError as exc:
        print(f"kerasdoctor: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # the reader went away (e.g. `| head`): nothing left to say to it
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except Exception as exc:
        print(f"kerasdoctor: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        if os.environ.get("KERASDOCTOR_DEBUG"):
            raise
        return EXIT_USAGE


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())

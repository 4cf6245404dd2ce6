"""``kerasdoctor lint``: argument parsing and the run (the lead's cli.py registers it).

Exit codes: 0 no findings, 1 findings (or files that could not be linted),
2 bad usage or an internal error. No traceback reaches the user.
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from typing import Any

    from kerasdoctor.lint.engine import LintResult

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


def _codes(values: list[str] | None) -> list[str] | None:
    if values is None:
        return None
    return [code.strip() for value in values for code in value.split(",") if code.strip()]


def add_lint_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "lint",
        help="find Keras/TensorFlow mistakes in source files and notebooks",
        description="Statically check Python files and notebooks for Keras/TensorFlow mistakes. Never imports TensorFlow.",
    )
    parser.add_argument("paths", nargs="*", metavar="PATH", help="files or directories (default: .); '-' reads standard input")
    parser.add_argument("--format", choices=("text", "json", "sarif", "github"), default="text", help="output format (default: text)")
    parser.add_argument("--select", action="append", metavar="CODES", help="only these rules: ids, prefixes (KD0) or names, comma-separated")
    parser.add_argument("--ignore", action="append", default=[], metavar="CODES", help="skip these rules")
    parser.add_argument("--extend-select", action="append", default=[], metavar="CODES", help="add rules to the selection")
    parser.add_argument("--per-file-ignores", action="append", default=[], metavar="GLOB:CODES", help="skip rules in matching files, e.g. 'tests/*:KD004'")
    parser.add_argument("--exclude", action="append", default=[], metavar="GLOB", help="skip matching files and directories")
    parser.add_argument("--rules", action="append", default=[], metavar="DIR", help="an extra rule directory (repeatable)")
    parser.add_argument(
        "--target",
        choices=("keras2", "keras3", "tf1"),
        help="the Keras the code is written for (default: [tool.kerasdoctor] target, else inferred from the declared or installed packages)",
    )
    parser.add_argument("--fix", action="store_true", help="apply safe fixes in place")
    parser.add_argument("--diff", action="store_true", help="print the safe fixes as a diff instead of applying them")
    parser.add_argument("--jobs", "-j", type=int, default=0, metavar="N", help="worker processes (default: number of cores)")
    parser.add_argument("--no-cache", action="store_true", help="do not read or write the result cache")
    parser.add_argument("--isolated", action="store_true", help="ignore [tool.kerasdoctor] in pyproject.toml")
    parser.add_argument("--stdin-filename", default="<stdin>", metavar="NAME", help="the path to report for '-'")
    parser.add_argument("--exit-zero", action="store_true", help="exit 0 even when there are findings")
    parser.add_argument("--quiet", "-q", action="store_true", help="no summary line")
    parser.add_argument("--color", choices=("auto", "always", "never"), default="auto")
    parser.set_defaults(handler=run_lint)
    return parser


def _per_file_ignores(values: list[str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for value in values:
        pattern, sep, codes = value.rpartition(":")
        if not sep or not pattern:
            raise ValueError(f"--per-file-ignores {value!r}: expected GLOB:CODES")
        out.setdefault(pattern, []).extend(c.strip() for c in codes.split(",") if c.strip())
    return out


def run_lint(args: argparse.Namespace) -> int:
    """The ``lint`` subcommand. Never raises: problems become messages and exit codes."""
    try:
        return _run(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except OSError:
            pass
        return EXIT_OK
    except Exception as exc:
        from kerasdoctor.lint.config import ConfigError

        if isinstance(exc, (ConfigError, ValueError)):
            print(f"kerasdoctor: error: {exc}", file=sys.stderr)
        else:
            print(f"kerasdoctor: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
            if os.environ.get("KERASDOCTOR_DEBUG"):
                raise
        return EXIT_USAGE


def _run(args: argparse.Namespace) -> int:
    from kerasdoctor.lint.engine import lint_paths

    paths = args.paths or ["."]
    missing = [p for p in paths if p != "-" and not os.path.exists(p)]
    if missing:
        print(f"kerasdoctor: error: no such file or directory: {', '.join(missing)}", file=sys.stderr)
        return EXIT_USAGE
    if args.fix and args.diff:
        print("kerasdoctor: error: use either --fix or --diff", file=sys.stderr)
        return EXIT_USAGE
    stdin_data = None
    if "-" in paths:
        stdin_data = sys.stdin.buffer.read() if hasattr(sys.stdin, "buffer") else sys.stdin.read().encode()
    result = lint_paths(
        paths,
        rule_dirs=args.rules,
        select=_codes(args.select),
        ignore=_codes(args.ignore) or [],
        extend_select=_codes(args.extend_select) or [],
        per_file_ignores=_per_file_ignores(args.per_file_ignores),
        exclude=args.exclude,
        jobs=args.jobs or None,
        cache=not args.no_cache,
        use_config=not args.isolated,
        stdin_filename=args.stdin_filename,
        stdin_data=stdin_data,
        target=args.target,
    )
    if args.fix or args.diff:
        _fix(result, diff_only=args.diff, stdin_name=args.stdin_filename, stdin_data=stdin_data)
        if args.diff:
            return EXIT_OK if args.exit_zero or not result.fixed else EXIT_FINDINGS
    _output(result, args)
    if args.exit_zero:
        return EXIT_OK
    return EXIT_FINDINGS if result.diagnostics or result.errors else EXIT_OK


def _output(result: LintResult, args: argparse.Namespace) -> None:
    from kerasdoctor.lint import report

    out = sys.stderr if args.fix and "-" in (args.paths or []) else sys.stdout
    if args.format == "json":
        out.write(report.to_json(result))
    elif args.format == "sarif":
        out.write(report.to_sarif(result))
    elif args.format == "github":
        out.write(report.to_github(result))
    else:
        from kerasdoctor.render import use_color

        report.write_text(result, out, color=use_color(out, args.color), show_summary=not args.quiet)
        if args.fix and result.fixed:
            out.write(f"Fixed {result.fixed} problem{'s' if result.fixed != 1 else ''}.\n")
    if args.format in ("text", "github") or args.format == "sarif":
        report.write_errors(result, sys.stderr)


def _fix(result: LintResult, *, diff_only: bool, stdin_name: str, stdin_data: bytes | None) -> None:
    """Apply (or show) every safe fix, file by file, until none is left; the diagnostics that remain
    replace the file's. Notebooks are fixed cell by cell. Nothing that does not parse is written."""
    from kerasdoctor.lint.engine import FileError, decode_source
    from kerasdoctor.lint.fix import NotFixable, fix_content, unified_diff, write_atomic

    by_path: dict[str, list[Any]] = {}
    for d in result.diagnostics:
        by_path.setdefault(d.path, []).append(d)
    fixable = [path for path, found in by_path.items() if any(d.fix for d in found)]
    if stdin_data is not None and not diff_only and stdin_name not in fixable:
        sys.stdout.write(decode_source(stdin_data))  # --fix on stdin prints the (unchanged) code
    relint = result.relint
    assert relint is not None
    for path in fixable:
        is_stdin = stdin_data is not None and path == stdin_name
        try:
            if is_stdin:
                assert stdin_data is not None
                data = stdin_data
            else:
                with open(path, "rb") as handle:
                    data = handle.read()
            after, applied, remaining = fix_content(data, path, by_path[path], relint)
            before_text, after_text = (decode_source(data), decode_source(after)) if is_stdin or diff_only else ("", "")
        except (OSError, UnicodeError, SyntaxError, LookupError) as exc:
            result.errors.append(FileError(path, f"cannot fix: {exc}"))
            continue
        except NotFixable as exc:
            result.errors.append(FileError(path, str(exc)))
            if is_stdin and not diff_only:
                sys.stdout.write(decode_source(data))
            continue
        result.fixed += applied
        if diff_only:
            if applied:
                sys.stdout.write(unified_diff(path, before_text, after_text))
            continue
        if is_stdin:
            sys.stdout.write(after_text)
        elif applied:
            write_atomic(path, after)
        by_path[path] = remaining
    if not diff_only:
        result.diagnostics = sorted((d for found in by_path.values() for d in found), key=lambda d: d.sort_key())

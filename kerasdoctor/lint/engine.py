"""The lint engine: find files, skip the ones that never mention Keras, parse once, run every check in one walk.

``lint_paths`` is the public entry point (``kerasdoctor.lint_paths``). Work per
file is pure (source in, diagnostics out), so it is cached by content hash and
spread over processes. libcst is imported only when some file must be parsed.
"""

from __future__ import annotations

import os
import sys

from kerasdoctor.lint.base import Diagnostic
from kerasdoctor.lint.suppress import is_suppressed, parse_suppressions

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
    from typing import Any

    from kerasdoctor.kb import RuleSet
    from kerasdoctor.lint.base import Check, Context, Finding
    from kerasdoctor.types import Rule

MAX_FILE_BYTES = 5_000_000
# messages of a worker crash or timeout: not cached, the next run tries again
WORKER_FAILED = ("not linted: the parser crashed", "not linted: took longer")
SOURCE_SUFFIXES = (".py", ".ipynb")
DEFAULT_EXCLUDES = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        "__pycache__",
        ".venv",
        "venv",
        ".tox",
        ".nox",
        ".mypy_cache",
        ".ruff_cache",
        ".pytest_cache",
        "node_modules",
        "build",
        "dist",
        ".eggs",
    }
)
MARKERS = (b"keras", b"tensorflow")


class FileError:
    """A file that could not be linted: unreadable, binary, undecodable, too large, or a check crashed on it."""

    __slots__ = ("message", "path")

    def __init__(self, path: str, message: str) -> None:
        self.path = path
        self.message = message

    def to_dict(self) -> dict[str, str]:
        return {"path": self.path, "message": self.message}

    def __repr__(self) -> str:
        return f"FileError({self.path!r}, {self.message!r})"


class LintResult:
    """What a run found: diagnostics (sorted), the number of files looked at, per-file errors, fixes applied."""

    def __init__(
        self,
        diagnostics: list[Diagnostic],
        files: int,
        errors: list[FileError],
        fixed: int = 0,
        rules: Sequence[Rule] = (),
        target: str = "keras3",
        target_reason: str = "",
        relint: Callable[[bytes, str], list[Diagnostic]] | None = None,
    ) -> None:
        self.target = target  # the Keras the code was checked against, and why (lint/target.py)
        self.target_reason = target_reason
        self.diagnostics = diagnostics
        self.files = files
        self.errors = errors
        self.fixed = fixed
        self.rules = list(rules)
        self.relint = relint  # the same checks and configuration on new content (--fix re-lints what it fixed)

    def to_dict(self) -> dict[str, Any]:
        return {
            "diagnostics": [d.to_dict() for d in self.diagnostics],
            "files": self.files,
            "errors": [e.to_dict() for e in self.errors],
            "target": self.target,
        }


# ---------------------------------------------------------------------------------------------
# rules -> checks


class CheckSet:
    """The enabled lint rules that concern ``target`` and the check class of each; ``fingerprint`` keys the cache."""

    def __init__(self, rules: Sequence[Rule], target: str = "keras3") -> None:
        from kerasdoctor.lint.target import rule_targets

        self.target = target
        self.rules = [r for r in rules if r.lint and target in rule_targets(r.lint)]
        self.by_name = {r.name: r for r in rules}
        self._fingerprint: str | None = None
        self._classes: list[tuple[Rule, type[Check]]] | None = None
        self._required: list[tuple[Rule, type[Check], tuple[str, ...]]] | None = None
        # every check on every file when false: the reference the pre-filter is tested against
        self.prefilter = True

    @property
    def fingerprint(self) -> str:
        """What the cache is keyed by: worked out only when the cache is used (hashing every rule and
        check file costs more than linting a small file)."""
        if self._fingerprint is None:
            import hashlib
            import json

            from kerasdoctor import __version__

            blob = json.dumps([[r.id, r.name, r.severity, r.title, r.lint] for r in self.rules], sort_keys=True, default=str)
            digest = hashlib.sha1(f"{__version__}\0{_engine_version()}\0{self.target}\0{blob}".encode(), usedforsecurity=False)
            self._fingerprint = digest.hexdigest()[:20]
        return self._fingerprint

    def syntax_rule(self, kind: str) -> Rule | None:
        """The enabled rule whose ``lint.syntax_errors`` names this exception type (else one naming SyntaxError)."""
        fallback = None
        for rule in self.rules:
            kinds = (rule.lint or {}).get("syntax_errors") or ()
            kinds = [kinds] if isinstance(kinds, str) else kinds
            if kind in kinds:
                return rule
            if "SyntaxError" in kinds:
                fallback = rule
        return fallback

    def for_source(self, source: str) -> list[tuple[Rule, type[Check]]]:
        """The checks that can report on ``source``: each whose ``requires`` words (any) occur in it.

        A plain substring search costs little next to walking a tree with a check that cannot fire,
        and most checks look for calls that most files of a project never make.
        """
        if not self.prefilter:
            return [(rule, check_class) for rule, check_class, _ in self._words()]
        lowered = source.lower()
        seen: dict[str, bool] = {}  # checks share words: each is searched for once

        def occurs(word: str) -> bool:
            hit = seen.get(word)
            if hit is None:
                hit = seen[word] = word in lowered
            return hit

        return [(rule, check_class) for rule, check_class, words in self._words() if not words or any(occurs(w) for w in words)]

    def _words(self) -> list[tuple[Rule, type[Check], tuple[str, ...]]]:
        if self._required is None:
            self._required = [(rule, cls, tuple(w.lower() for w in cls.required_words(rule))) for rule, cls in self.classes()]
        return self._required

    def classes(self) -> list[tuple[Rule, type[Check]]]:
        if self._classes is None:
            import importlib

            from kerasdoctor.lint.declarative import DeclarativeCheck

            classes: list[tuple[Rule, type[Check]]] = []
            for rule in self.rules:
                check = (rule.lint or {}).get("check")
                if (rule.lint or {}).get("syntax_errors"):
                    continue  # reported by the engine when a file does not parse
                if check:
                    module = importlib.import_module(f"kerasdoctor.lint.checks.{check}")
                    check_class = getattr(module, "CHECK", None)
                    if check_class is None:
                        raise ValueError(f"{rule.path}: kerasdoctor/lint/checks/{check}.py defines no CHECK class")
                    classes.append((rule, check_class))
                else:
                    classes.append((rule, DeclarativeCheck))
            self._classes = classes
        return self._classes


def _engine_version() -> str:
    """Changes whenever a check's code changes, so stale cache entries are never reused."""
    import hashlib

    here = os.path.dirname(os.path.abspath(__file__))
    digest = hashlib.sha1(usedforsecurity=False)
    for folder in (here, os.path.join(here, "checks")):
        try:
            names = sorted(os.listdir(folder))
        except OSError:
            continue
        for name in names:
            if name.endswith(".py"):
                try:
                    st = os.stat(os.path.join(folder, name))
                except OSError:
                    continue
                digest.update(f"{name}{st.st_size}{st.st_mtime_ns}".encode())
    return digest.hexdigest()[:12]


# ---------------------------------------------------------------------------------------------
# one source text -> diagnostics


PARSER_STACK_BYTES = 64 * 1024 * 1024

BIG_SOURCE_CHARS = 100_000


def _parse(source: str) -> Any:
    """libcst.parse_module; big files on a thread with a large stack (the native parser recurses on long
    expression chains, as generated code has, and overflows the main thread's stack)."""
    import threading

    import libcst as cst

    if len(source) <= BIG_SOURCE_CHARS:
        return cst.parse_module(source)  # a thread costs ~5-10% more: only where the risk is
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["module"] = cst.parse_module(source)
        except BaseException as exc:  # noqa: BLE001 - handed back to the calling thread
            outcome["error"] = exc

    previous = threading.stack_size(PARSER_STACK_BYTES)
    try:
        thread = threading.Thread(target=target, name="kerasdoctor-parse")
        thread.start()
    finally:
        threading.stack_size(previous)
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["module"]


def lint_source(source: str, path: str, checks: CheckSet) -> tuple[list[Diagnostic], str | None]:
    """Diagnostics for one Python source (already decoded); the second item is an error message, if any.

    CPython decides what is a syntax error; libcst only sees code CPython parses, shaped so that it
    cannot crash or stall libcst.
    """
    import libcst as cst

    from kerasdoctor.lint import screen

    verdict = screen.python_verdict(source, path)
    if isinstance(verdict, SyntaxError):
        return _syntax_diagnostics(path, checks, verdict), None
    if verdict is not None:
        return [], verdict
    problem = screen.pathological(source, path)
    if problem is not None:
        return [], f"not linted: {problem}"
    shifts: dict[int, tuple[int, int]] = {}
    try:
        try:
            module = _parse(source)
        except cst.ParserSyntaxError:
            source, shifts = screen.spaces_for_indentation(source)
            module = _parse(source)
    except cst.ParserSyntaxError as exc:
        return [], f"not linted: libcst cannot parse this valid Python ({str(exc).splitlines()[0]})"
    except (RecursionError, MemoryError) as exc:
        return [], f"too deeply nested to parse: {type(exc).__name__}"
    from kerasdoctor.lint.base import Context
    from kerasdoctor.lint.walk import Dispatch, walk

    ctx = Context(source, path, checks.target)
    try:
        instances: list[Check] = [cls(ctx, rule) for rule, cls in checks.for_source(source)]
        try:
            walk(module, ctx, Dispatch(instances))
            for check in instances:
                check.finish()
        except RecursionError:
            return [], "too deeply nested to analyse"
        if not ctx.findings:
            return [], None
        diagnostics = _positioned(module, ctx, path)
    finally:
        ctx.release()
    if shifts:
        screen.shift_back(diagnostics, shifts)
    return diagnostics, None


def _every_node(root: Any) -> Iterator[Any]:
    """``root`` and every node under it, whitespace and punctuation included (edits may end on a comma)."""
    import dataclasses

    import libcst as cst

    stack = [root]
    while stack:
        node = stack.pop()
        yield node
        for field in dataclasses.fields(node):
            value = getattr(node, field.name)
            if isinstance(value, (list, tuple)):
                stack.extend(child for child in value if isinstance(child, cst.CSTNode))
            elif isinstance(value, cst.CSTNode):
                stack.append(value)


def _node_positions(module: Any, source: str, nodes: Sequence[Any]) -> Any:
    """The position of each of ``nodes`` (a mapping with ``get``), as PositionProvider gives it.

    PositionProvider generates the code of the whole module, which costs twice the parse; a finding
    needs only its own top-level statement. That statement's code is generated alone, found in the
    source (it must occur there once, at the start of a line) and its positions shifted by the lines
    before it. Anything else (a node outside the statements, a statement whose code repeats, a
    source with lone carriage returns) falls back to the whole module.
    """
    from libcst.metadata import CodePosition, CodeRange, MetadataWrapper, PositionProvider

    def whole() -> Any:
        return MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)

    wanted = {id(node) for node in nodes}
    owner: dict[int, int] = {}
    for index, statement in enumerate(module.body):
        for node in _every_node(statement):
            if id(node) in wanted:
                owner[id(node)] = index
        if len(owner) == len(wanted):
            break
    if len(owner) < len(wanted) or "\r" in source.replace("\r\n", ""):
        return whole()
    found: dict[Any, Any] = {}
    for index in sorted(set(owner.values())):
        part = module.with_changes(body=[module.body[index]], header=[], footer=[])
        code = part.code
        offset = source.find(code)
        if not code or offset < 0 or (offset > 0 and source[offset - 1] != "\n") or source.find(code, offset + 1) >= 0:
            return whole()
        before = source.count("\n", 0, offset)
        positions = MetadataWrapper(part, unsafe_skip_copy=True).resolve(PositionProvider)
        for node in nodes:
            if owner[id(node)] == index:
                where = positions.get(node)
                if where is None:
                    continue
                found[node] = CodeRange(CodePosition(where.start.line + before, where.start.column), CodePosition(where.end.line + before, where.end.column))
    return found


def _positioned(module: Any, ctx: Context, path: str) -> list[Diagnostic]:
    """Positions are computed only for files with findings, and only for what the findings name."""
    nodes = []
    for finding in ctx.findings:
        nodes.append(finding.node)
        for edit in finding.edits or ():
            nodes.append(edit.node)
            if edit.end is not None:
                nodes.append(edit.end)
    positions = _node_positions(module, ctx.source, nodes)
    seen: set[tuple[str, int, int]] = set()
    out: list[Diagnostic] = []
    for finding in ctx.findings:
        where = positions.get(finding.node)
        if where is None:
            continue
        key = (finding.rule.id, where.start.line, where.start.column)
        if key in seen:
            continue
        seen.add(key)
        out.append(
            Diagnostic(
                path=path,
                line=where.start.line,
                column=where.start.column + 1,
                end_line=where.end.line,
                end_column=where.end.column + 1,
                id=finding.rule.id,
                name=finding.rule.name,
                severity=finding.rule.severity,
                message=finding.message,
                fix=_fix_of(finding, positions),
            )
        )
    return out


def _fix_of(finding: Finding, positions: Any) -> dict[str, Any] | None:
    if not finding.edits:
        return None
    edits = []
    for edit in finding.edits:
        where = positions.get(edit.node)
        until = where if edit.end is None else positions.get(edit.end)
        if where is None or until is None:
            return None
        stop = until.start if edit.before_end else until.end
        edits.append({"line": where.start.line, "column": where.start.column + 1, "end_line": stop.line, "end_column": stop.column + 1, "content": edit.text})
    return {"applicability": "safe", "edits": edits}


def _syntax_diagnostics(path: str, checks: CheckSet, err: SyntaxError) -> list[Diagnostic]:
    """A file CPython does not parse is a finding of the matching rule, with CPython's own wording."""
    kind = type(err).__name__
    line, column, message = err.lineno or 1, err.offset or 1, err.msg or str(err)
    if isinstance(err, IndentationError) and err.text:
        column = len(err.text) - len(err.text.lstrip()) + 1  # CPython points past the line; the indentation is the news
    rule = checks.syntax_rule(kind)
    if rule is None:
        return []
    return [
        Diagnostic(
            path=path,
            line=line,
            column=max(column, 1),
            end_line=line,
            end_column=max(column, 1),
            id=rule.id,
            name=rule.name,
            severity=rule.severity,
            message=f"{kind}: {message}",
        )
    ]


# ---------------------------------------------------------------------------------------------
# one file -> diagnostics (decoding, notebooks, suppressions)


def decode_source(data: bytes) -> str:
    """Decode like the interpreter does: a BOM or a ``coding:`` cookie, else UTF-8."""
    import io
    import tokenize

    encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    return data.decode(encoding)  # "utf-8-sig" when there is a BOM: exactly one is removed, as Python does


def lint_bytes(data: bytes, path: str, checks: CheckSet) -> tuple[list[Diagnostic], str | None]:
    """Diagnostics of one file's content, or an error message. Never raises for bad input."""
    if len(data) > MAX_FILE_BYTES:
        return [], f"file too large to lint ({len(data)} bytes > {MAX_FILE_BYTES})"
    if b"\x00" in data[:8192]:
        return [], "binary file, not Python source"
    is_notebook = path.endswith(".ipynb")
    if not is_notebook and not any(marker in data for marker in MARKERS):
        return [], None  # a notebook is read even so: one that cannot be read is an error, as for ruff
    try:
        text = data.decode("utf-8-sig") if is_notebook else decode_source(data)
    except (UnicodeDecodeError, SyntaxError, LookupError) as exc:
        return [], f"cannot decode: {exc}"
    notebook = None
    if is_notebook:
        from kerasdoctor.lint.notebook import NotebookError, read_notebook

        try:
            notebook = read_notebook(text)
        except NotebookError as exc:
            return [], str(exc)
        text = notebook.source
        if not any(marker.decode() in text for marker in MARKERS):
            return [], None
    try:
        diagnostics, error = lint_source(text, path, checks)
    except Exception as exc:  # noqa: BLE001 - a bug in a check must not stop the run: it becomes this file's error
        return [], f"internal error while linting: {type(exc).__name__}: {exc}"
    diagnostics = apply_suppressions(diagnostics, text)
    if notebook is not None:
        for diagnostic in diagnostics:
            cell, line = notebook.locate(diagnostic.line)
            end_cell, end_line = notebook.locate(diagnostic.end_line)
            diagnostic.line, diagnostic.cell = line, cell
            diagnostic.end_line = end_line if end_cell == cell else line
            diagnostic.fix = _fix_in_cell(diagnostic.fix, cell, notebook)
    return diagnostics, error


def _fix_in_cell(fix: dict[str, Any] | None, cell: int, notebook: Any) -> dict[str, Any] | None:
    """A fix's edits in the cell's own lines; none when an edit leaves the cell or falls on a line the
    notebook reader rewrote (an IPython magic)."""
    if not fix:
        return None
    edits = []
    for edit in fix["edits"]:
        start_cell, line = notebook.locate(edit["line"])
        end_cell, end_line = notebook.locate(edit["end_line"])
        if start_cell != cell or end_cell != cell or not (notebook.verbatim(edit["line"]) and notebook.verbatim(edit["end_line"])):
            return None
        edits.append({**edit, "line": line, "end_line": end_line})
    return {**fix, "edits": edits}


def apply_suppressions(diagnostics: list[Diagnostic], source: str) -> list[Diagnostic]:
    if not diagnostics:
        return diagnostics
    lines, whole_file = parse_suppressions(source)
    kept = []
    for d in diagnostics:
        if is_suppressed(whole_file, d.id, d.name):
            continue
        if is_suppressed(lines.get(d.line), d.id, d.name) or (d.end_line != d.line and is_suppressed(lines.get(d.end_line), d.id, d.name)):
            continue
        kept.append(d)
    return kept


# ---------------------------------------------------------------------------------------------
# files -> results (discovery, cache, processes)


def discover(paths: Iterable[str], excludes: Iterable[str] = ()) -> tuple[list[str], list[FileError]]:
    """Files named explicitly are linted whatever their suffix; directories are walked for .py/.ipynb."""
    import fnmatch

    patterns = list(excludes)
    files: list[str] = []
    errors: list[FileError] = []

    def excluded(path: str) -> bool:
        name = os.path.basename(path)
        return name in DEFAULT_EXCLUDES or any(fnmatch.fnmatch(path, p) or fnmatch.fnmatch(name, p) for p in patterns)

    for path in paths:
        if path == "-":
            files.append(path)
        elif os.path.isdir(path):
            for root, dirs, names in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith(".") and not excluded(os.path.join(root, d)))
                for name in sorted(names):
                    full = os.path.join(root, name)
                    if name.endswith(SOURCE_SUFFIXES) and not excluded(full):
                        files.append(full)
        elif os.path.exists(path):
            files.append(path)
        else:
            errors.append(FileError(path, "no such file or directory"))
    return files, errors


_WORKER_CHECKS: CheckSet | None = None


def _init_worker(rule_dirs: tuple[str, ...], enabled: tuple[str, ...], target: str) -> None:
    global _WORKER_CHECKS
    from kerasdoctor.kb import load_rules

    ruleset = load_rules(rule_dirs)
    _WORKER_CHECKS = CheckSet([r for r in ruleset.rules if r.id in enabled], target)


def _work(item: tuple[str, bytes]) -> tuple[str, list[dict[str, Any]], str | None]:
    path, data = item
    assert _WORKER_CHECKS is not None
    diagnostics, error = lint_bytes(data, path, _WORKER_CHECKS)
    return path, [d.to_dict() for d in diagnostics], error


def _read(path: str, stdin_name: str, stdin_data: bytes | None) -> tuple[str, bytes | None, str | None]:
    if path == "-":
        if stdin_data is None:
            stdin_data = sys.stdin.buffer.read() if hasattr(sys.stdin, "buffer") else sys.stdin.read().encode()
        return stdin_name, stdin_data, None
    try:
        with open(path, "rb") as handle:
            return path, handle.read(MAX_FILE_BYTES + 1), None
    except OSError as exc:
        return path, None, f"cannot read: {exc.strerror or exc}"


def lint_paths(
    paths: Iterable[str] | str,
    *,
    rules: RuleSet | None = None,
    rule_dirs: Sequence[str] = (),
    select: Sequence[str] | None = None,
    ignore: Sequence[str] = (),
    extend_select: Sequence[str] = (),
    per_file_ignores: Mapping[str, Sequence[str]] | None = None,
    exclude: Sequence[str] = (),
    jobs: int | None = None,
    cache: bool = True,
    use_config: bool = True,
    stdin_filename: str = "<stdin>",
    stdin_data: bytes | None = None,
    target: str | None = None,
) -> LintResult:
    """Lint files and directories; returns every finding, sorted by path and position.

    Options mirror the command line; ``[tool.kerasdoctor]`` in the nearest
    pyproject.toml adds to them when ``use_config`` is true. ``target``
    (keras2 | keras3 | tf1) is else configured or inferred: see lint/target.py.
    """
    from kerasdoctor.lint.config import LintConfig

    if isinstance(paths, str):
        paths = [paths]
    paths = list(paths)
    config = LintConfig.load(paths, use_config=use_config)
    config.merge_cli(select=select, ignore=ignore, extend_select=extend_select, per_file_ignores=per_file_ignores, exclude=exclude, rule_dirs=rule_dirs)
    if rules is None:
        from kerasdoctor.kb import load_rules

        rules = load_rules(config.rule_dirs)
    enabled = config.enabled_rules(rules.rules)
    from kerasdoctor.lint.target import resolve_target

    target, target_reason = resolve_target(target, config.target, next((p for p in paths if p != "-"), os.getcwd()))
    checks = CheckSet(enabled, target)
    files, errors = discover(paths, config.exclude)
    contents: list[tuple[str, bytes]] = []
    for path in files:
        shown, data, problem = _read(path, stdin_filename, stdin_data)
        if data is None:
            errors.append(FileError(shown, problem or "cannot read"))
        else:
            contents.append((shown, data))

    from kerasdoctor.lint.cache import LintCache

    store = LintCache.open(checks.fingerprint) if cache else None
    results: dict[str, tuple[list[dict[str, Any]], str | None]] = {}
    pending: list[tuple[str, bytes]] = []
    for path, data in contents:
        if not any(marker in data for marker in MARKERS) and len(data) <= MAX_FILE_BYTES and not path.endswith(".ipynb"):
            results[path] = ([], None)  # the cheapest path: no Keras, nothing to say
            continue
        hit = store.get(data, path) if store is not None else None
        if hit is not None:
            results[path] = hit
        else:
            pending.append((path, data))
    pending_data = dict(pending)
    for path, found, error in _run(pending, checks, rules.dirs, jobs):
        results[path] = (found, error)
        if store is not None and (error is None or not error.startswith(("internal error", *WORKER_FAILED))):
            store.put(pending_data[path], path, found, error)
    if store is not None:
        store.save()

    diagnostics: list[Diagnostic] = []
    for path, _ in contents:
        found, error = results[path]
        if error is not None:
            errors.append(FileError(path, error))
        for entry in found:
            diagnostic = Diagnostic.from_dict({**entry, "path": path})
            if config.is_ignored_for_file(path, diagnostic.id, diagnostic.name):
                continue
            diagnostics.append(diagnostic)
    diagnostics.sort(key=Diagnostic.sort_key)

    def relint(data: bytes, path: str) -> list[Diagnostic]:
        found, _ = lint_bytes(data, path, checks)
        return [d for d in found if not config.is_ignored_for_file(path, d.id, d.name)]

    return LintResult(diagnostics, len(contents), errors, rules=checks.rules, target=target, target_reason=target_reason, relint=relint)


def _run(
    pending: list[tuple[str, bytes]], checks: CheckSet, rule_dirs: tuple[str, ...], jobs: int | None
) -> Iterable[tuple[str, list[dict[str, Any]], str | None]]:
    jobs = jobs if jobs and jobs > 0 else (os.cpu_count() or 1)
    # a worker costs ~50-100 ms to start: only worth it for more than a handful of parses
    if jobs <= 1 or len(pending) < 8:
        for path, data in pending:
            diagnostics, error = lint_bytes(data, path, checks)
            yield path, [d.to_dict() for d in diagnostics], error
        return
    from kerasdoctor.lint.pool import default_budget, run_isolated

    enabled = tuple(r.id for r in checks.rules)
    # big files first so no worker is left with the longest one at the end
    order = sorted(pending, key=lambda item: -len(item[1]))
    # rule_dirs[0] is the built-in directory, which load_rules adds itself
    for (path, _), outcome, failure in run_isolated(
        order, _work, jobs=jobs, budget=default_budget(), initializer=_init_worker, initargs=(rule_dirs[1:], enabled, checks.target)
    ):
        if failure is not None:
            yield path, [], f"not linted: {failure}"
        else:
            yield outcome

"""Apply safe fixes: text edits from diagnostics, verified to parse, written atomically."""

from __future__ import annotations

import difflib
import os
import tempfile

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from kerasdoctor.lint.base import Diagnostic


def _offsets(source: str) -> list[int]:
    """Offset of the start of each line (1-based lines -> index line-1).

    Lines end at \n, \r\n or \r only, as Python's tokenizer (and libcst) count them;
    str.splitlines would also split at form feeds and other separators.
    """
    import re

    return [0, *(m.end() for m in re.finditer(r"\r\n|\r|\n", source))]


def compiles(source: str) -> bool:
    """Whether CPython parses ``source`` (the judge of what may be written)."""
    import ast
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            compile(source, "<fixed>", "exec", ast.PyCF_ONLY_AST, dont_inherit=True)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return False
    return True


def apply_fixes(source: str, diagnostics: Sequence[Diagnostic], *, check: Callable[[str], bool] = compiles) -> tuple[str, list[Diagnostic]]:
    """The fixed source and the diagnostics whose fixes went in; the original when the result would not parse."""
    starts = _offsets(source)

    def offset(line: int, column: int) -> int:
        return starts[min(line, len(starts)) - 1] + column - 1

    # a diagnostic's edits go in together or not at all (the rest wait for the next round):
    # half a fix (a renamed call without the argument it needs) would change what the code does
    candidates: list[list[tuple[int, int, str, Diagnostic]]] = []
    for d in diagnostics:
        if d.fix and d.fix["edits"]:
            candidates.append(
                sorted(((offset(e["line"], e["column"]), offset(e["end_line"], e["end_column"]), e["content"], d) for e in d.fix["edits"]), key=lambda i: i[:2])
            )
    candidates.sort(key=lambda edits: (edits[0][0], edits[0][1]))
    planned: list[tuple[int, int, str, Diagnostic]] = []
    taken: list[tuple[int, int]] = []

    def overlaps(start: int, end: int) -> bool:
        return any((start < t_end and t_start < end) or start == t_start for t_start, t_end in taken)

    for edits in candidates:
        spans = [(start, end) for start, end, _, _ in edits]
        if any(overlaps(start, end) for start, end in spans) or any(a[1] > b[0] for a, b in zip(spans, spans[1:])):
            continue
        taken.extend(spans)
        planned.extend(edits)
    planned.sort(key=lambda item: item[:2])
    applied: dict[int, Diagnostic] = {}
    pieces: list[str] = []
    cursor = 0
    for start, end, content, d in planned:
        pieces.append(source[cursor:start])
        pieces.append(content)
        cursor = end
        applied.setdefault(id(d), d)
    pieces.append(source[cursor:])
    fixed = "".join(pieces)
    if fixed == source:
        return source, []
    if not check(fixed):
        return source, []
    return fixed, list(applied.values())


def unified_diff(path: str, before: str, after: str) -> str:
    return "".join(difflib.unified_diff(before.splitlines(keepends=True), after.splitlines(keepends=True), f"a/{path}", f"b/{path}"))


MAX_ROUNDS = 10  # a fix can reveal another (a renamed method's old keyword): applied until nothing changes


class NotFixable(ValueError):
    """The file cannot be rewritten faithfully; the message says why."""


def fix_content(
    data: bytes, path: str, diagnostics: Sequence[Diagnostic], relint: Callable[[bytes, str], list[Diagnostic]]
) -> tuple[bytes, int, list[Diagnostic]]:
    """Apply every safe fix, re-linting after each round until none is left (at most ``MAX_ROUNDS``).

    Returns the new content (``data`` itself when nothing changed), the number of fixes applied and the
    diagnostics that remain. Raises NotFixable for a file that cannot be rewritten as it was written.
    """
    notebook = path.endswith(".ipynb")
    current, applied_total, remaining = data, 0, list(diagnostics)
    for _ in range(MAX_ROUNDS):
        if not any(d.fix for d in remaining):
            break
        fixed, applied = _fix_notebook(current, remaining) if notebook else _fix_python(current, remaining)
        if not applied:
            break
        applied_total += applied
        current = fixed
        remaining = relint(current, path)
    return current, applied_total, remaining


def _fix_python(data: bytes, diagnostics: Sequence[Diagnostic]) -> tuple[bytes, int]:
    encoding = source_encoding(data)
    try:
        text = data.decode(encoding)
        faithful = text.encode(encoding) == data
    except (UnicodeError, LookupError) as exc:
        raise NotFixable(f"not fixed: cannot decode as {encoding}: {exc}") from None
    if not faithful:  # e.g. unicode_escape: writing it back would turn the file into escapes
        raise NotFixable(f"not fixed: the file would not be written back as it is ({encoding} does not round-trip)")
    fixed, applied = apply_fixes(text, diagnostics)
    if not applied:
        return data, 0
    try:
        return fixed.encode(encoding), len(applied)
    except UnicodeError:
        return data, 0


def _fix_notebook(data: bytes, diagnostics: Sequence[Diagnostic]) -> tuple[bytes, int]:
    """Fix code cells in place; the rest of the notebook's JSON is written as it was."""
    import json

    from kerasdoctor.lint.notebook import NotebookError, cell_text, load_json, python_lines

    bom = data.startswith(b"\xef\xbb\xbf")
    try:
        original = data.decode("utf-8-sig")
        notebook = load_json(original)
    except (UnicodeDecodeError, NotebookError) as exc:
        raise NotFixable(f"not fixed: {exc}") from None
    cells = notebook.get("cells") if isinstance(notebook, dict) else None
    if not isinstance(cells, list):
        return data, 0
    edited = json.loads(json.dumps(notebook))
    by_cell: dict[int, list[Diagnostic]] = {}
    for d in diagnostics:
        if d.fix and d.cell is not None and 1 <= d.cell <= len(cells):
            by_cell.setdefault(d.cell, []).append(d)
    applied_total = 0
    for number, found in by_cell.items():
        cell = edited["cells"][number - 1]
        try:
            before = cell_text(cell, number)
        except NotebookError:
            continue
        after, applied = apply_fixes(before, found, check=lambda text: compiles("\n".join(python_lines(text))))
        if applied:
            cell["source"] = after.splitlines(keepends=True) if isinstance(cell.get("source"), list) else after
            applied_total += len(applied)
    if not applied_total:
        return data, 0
    text = _dump_like(original, notebook, edited)
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"), applied_total


def _dump_like(original: str, before: object, after: object) -> str:
    """``after`` serialised the way ``original`` was (nbformat writes indent=1, sorted keys, raw UTF-8),
    found by re-serialising ``before`` until it reproduces ``original`` byte for byte."""
    import json

    tail = original[len(original.rstrip("\r\n")) :]
    styles: list[dict[str, object]] = [
        {"indent": indent, "sort_keys": sort_keys, "ensure_ascii": ensure_ascii}
        for indent in (1, 2, 4, "\t")
        for sort_keys in (True, False)
        for ensure_ascii in (False, True)
    ]
    styles += [{"separators": separators, "ensure_ascii": ensure_ascii} for separators in ((",", ":"), (", ", ": ")) for ensure_ascii in (False, True)]
    body = original[: len(original) - len(tail)]
    for style in styles:
        if json.dumps(before, **style) == body:  # type: ignore[arg-type]
            return json.dumps(after, **style) + tail  # type: ignore[arg-type]
    return _replace_sources(original, before, after) or json.dumps(after, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def _replace_sources(original: str, before: object, after: object) -> str | None:
    """A hand-laid-out notebook: each changed source string (a cell's, or one line of a cell's list)
    replaced where it stands, when its JSON spelling occurs exactly once."""
    import json

    text = original
    for old_cell, new_cell in zip(before["cells"], after["cells"]):  # type: ignore[index]
        old_source, new_source = old_cell.get("source"), new_cell.get("source")
        if old_source == new_source:
            continue
        if isinstance(old_source, list) and isinstance(new_source, list) and len(old_source) == len(new_source):
            pairs = [(o, n) for o, n in zip(old_source, new_source) if o != n]
        elif isinstance(old_source, str) and isinstance(new_source, str):
            pairs = [(old_source, new_source)]
        else:
            return None
        for old, new in pairs:
            for ensure_ascii in (False, True):
                spelled = json.dumps(old, ensure_ascii=ensure_ascii)
                if text.count(spelled) == 1:
                    text = text.replace(spelled, json.dumps(new, ensure_ascii=ensure_ascii))
                    break
            else:
                return None
    return text


def write_atomic(path: str, text: str | bytes, encoding: str = "utf-8") -> None:
    """Write next to the file and rename over it, keeping its permissions: a crash never leaves half a file."""
    directory = os.path.dirname(os.path.abspath(path))
    mode = os.stat(path).st_mode
    fd, tmp = tempfile.mkstemp(prefix=".kerasdoctor-", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(text if isinstance(text, bytes) else text.encode(encoding))
        os.chmod(tmp, mode & 0o7777)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def source_encoding(data: bytes) -> str:
    import io
    import tokenize

    encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    return encoding

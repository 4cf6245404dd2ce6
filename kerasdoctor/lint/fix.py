"""Apply safe fixes: text edits from diagnostics, verified to parse, written atomically."""

from __future__ import annotations

import difflib
import os
import tempfile

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence

    from kerasdoctor.lint.base import Diagnostic


def _offsets(source: str) -> list[int]:
    """Offset of the start of each line (1-based lines -> index line-1).

    Lines end at \n, \r\n or \r only, as Python's tokenizer (and libcst) count them;
    str.splitlines would also split at form feeds and other separators.
    """
    import re

    return [0, *(m.end() for m in re.finditer(r"\r\n|\r|\n", source))]


def apply_fixes(source: str, diagnostics: Sequence[Diagnostic]) -> tuple[str, list[Diagnostic]]:
    """The fixed source and the diagnostics whose fixes went in; the original when the result would not parse."""
    starts = _offsets(source)

    def offset(line: int, column: int) -> int:
        return starts[min(line, len(starts)) - 1] + column - 1

    planned: list[tuple[int, int, str, Diagnostic]] = []
    for d in diagnostics:
        if not d.fix or d.cell is not None:
            continue
        for edit in d.fix["edits"]:
            planned.append((offset(edit["line"], edit["column"]), offset(edit["end_line"], edit["end_column"]), edit["content"], d))
    planned.sort(key=lambda item: (item[0], item[1]))
    applied: list[Diagnostic] = []
    pieces: list[str] = []
    cursor = 0
    for start, end, content, d in planned:
        if start < cursor:
            continue  # overlaps an earlier edit: left for the next run
        pieces.append(source[cursor:start])
        pieces.append(content)
        cursor = end
        if not applied or applied[-1] is not d:
            applied.append(d)
    pieces.append(source[cursor:])
    fixed = "".join(pieces)
    if fixed == source:
        return source, []
    try:
        compile(fixed, "<fixed>", "exec", 1024, dont_inherit=True)  # ast.PyCF_ONLY_AST
    except (SyntaxError, ValueError):
        return source, []
    return fixed, applied


def unified_diff(path: str, before: str, after: str) -> str:
    return "".join(difflib.unified_diff(before.splitlines(keepends=True), after.splitlines(keepends=True), f"a/{path}", f"b/{path}"))


def write_atomic(path: str, text: str, encoding: str) -> None:
    """Write next to the file and rename over it, keeping its permissions: a crash never leaves half a file."""
    directory = os.path.dirname(os.path.abspath(path))
    mode = os.stat(path).st_mode
    fd, tmp = tempfile.mkstemp(prefix=".kerasdoctor-", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding=encoding, newline="") as handle:
            handle.write(text)
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

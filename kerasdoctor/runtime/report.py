"""Plain-text diagnosis of a live exception: rule, cause, fix, and the user's own frame.

Only runs after an uncaught exception, so it may import the knowledge base; it
never calls user objects: values are described from ``f_locals`` through cheap
attributes (``shape``, ``dtype``, ``len``) of array and tensor types only.
"""

from __future__ import annotations

import keyword
import linecache
import os
import re
import sys
import sysconfig
import textwrap

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence
    from types import FrameType, TracebackType
    from typing import Any

_INDENT = "  "
_WIDTH = 100
_MAX_NAMES = 8
# Types from these packages expose ``shape``/``dtype`` as cheap metadata reads.
_ARRAY_PACKAGES = ("numpy", "tensorflow", "keras", "tf_keras", "jax", "jaxlib", "torch", "pandas")
_NAME_RE = re.compile(r"(?<![\w.])([A-Za-z_]\w*)(?:\.([A-Za-z_]\w*))?")
_STRING_RE = re.compile(r"(?s)('''.*?'''|\"\"\".*?\"\"\"|'(?:\\.|[^'\\])*'|\"(?:\\.|[^\"\\])*\")")


def _library_roots() -> tuple[str, ...]:
    """Directories whose files are not the user's code: stdlib, site-packages, kerasdoctor."""
    roots = set()
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        path = sysconfig.get_paths().get(key)
        if path:
            roots.add(os.path.realpath(path))
    for path in sys.path:
        if path.endswith(("site-packages", "dist-packages")):
            roots.add(os.path.realpath(path))
    roots.add(os.path.realpath(os.path.dirname(os.path.dirname(__file__))))
    return tuple(sorted(roots))


def is_user_file(filename: str, roots: tuple[str, ...] | None = None) -> bool:
    """True for the user's code (scripts, notebooks cells), False for libraries and frozen modules."""
    if filename.startswith("<") and not filename.startswith(("<ipython-input", "<stdin>", "<string>")):
        return False
    real = os.path.realpath(filename)
    search = roots if roots is not None else _library_roots()
    return not any(real == root or real.startswith(root + os.sep) for root in search)


def _chain(exc: BaseException) -> list[BaseException]:
    """The exception, then its causes and contexts, oldest last, without cycles."""
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and all(current is not s for s in seen):
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def user_frame(exc: BaseException) -> tuple[FrameType, int] | None:
    """The innermost frame of the user's own code in the exception's traceback (or its chain's)."""
    roots = _library_roots()
    for link in _chain(exc):
        found: tuple[FrameType, int] | None = None
        tb: TracebackType | None = link.__traceback__
        while tb is not None:
            if is_user_file(tb.tb_frame.f_code.co_filename, roots):
                found = (tb.tb_frame, tb.tb_lasti)
            tb = tb.tb_next
        if found is not None:
            return found
    return None


def statement_lines(frame: FrameType, lasti: int) -> tuple[int, list[str]]:
    """First line number and source lines of the statement running at ``lasti``."""
    code = frame.f_code
    first = last = frame.f_lineno
    try:
        positions = list(code.co_positions())
        start, end, _col, _end_col = positions[lasti // 2]
        if start is not None:
            first = start
            last = end if end is not None else start
    except (AttributeError, IndexError):  # Python < 3.11 has no co_positions
        pass
    if frame.f_lineno is not None and not first <= frame.f_lineno <= last:
        first = last = frame.f_lineno
    last = min(last, first + 4)
    lines = [linecache.getline(code.co_filename, n).rstrip() for n in range(first, last + 1)]
    return first, [line for line in lines if line.strip()]


def _is_array_like(value: object) -> bool:
    module = type(value).__module__ or ""
    return module.split(".", 1)[0] in _ARRAY_PACKAGES


def describe_value(value: object) -> str | None:
    """A short description of a value from metadata only; None when not worth showing."""
    kind = type(value).__name__
    if value is None or isinstance(value, (bool, int, float, complex)):
        return repr(value)
    if isinstance(value, (str, bytes)):
        text = repr(value)
        return text if len(text) <= 60 else text[:57] + "..."
    if isinstance(value, type) or (callable(value) and not _is_array_like(value)):
        return None
    if type(value).__name__ == "module":
        return None
    if _is_array_like(value):
        parts = [kind]
        shape = getattr(value, "shape", None)
        if shape is not None:
            try:
                dims = tuple(None if d is None else int(d) for d in shape)
                parts.append(f"shape={dims}")
            except (TypeError, ValueError):
                parts.append(f"shape={shape}")
        dtype = getattr(value, "dtype", None)
        if dtype is not None:
            parts.append(f"dtype={getattr(dtype, 'name', dtype)}")
        name = vars(value).get("name") if hasattr(value, "__dict__") else None
        if isinstance(name, str) and shape is None:
            parts.append(f"name={name!r}")
        return " ".join(parts)
    if isinstance(value, (list, tuple, set, frozenset, dict)):
        text = f"{kind} of length {len(value)}"
        if isinstance(value, dict) and value:
            keys = ", ".join(repr(k) for k in list(value)[:5])
            return text + f" (keys {keys}{', ...' if len(value) > 5 else ''})"
        if value and isinstance(value, (list, tuple)):
            inner = describe_value(value[0])
            if inner:
                return text + f" (first: {inner})"
        return text
    return kind


def frame_values(frame: FrameType, lines: list[str]) -> list[tuple[str, str]]:
    """(name, description) for the variables named on the offending lines, read from the frame."""
    from inspect import getattr_static

    text = _STRING_RE.sub("''", "\n".join(line.split("#", 1)[0] for line in lines))
    local_vars = frame.f_locals
    global_vars = frame.f_globals
    out: list[tuple[str, str]] = []
    seen: set[str] = set()
    for match in _NAME_RE.finditer(text):
        base, attr = match.group(1), match.group(2)
        if keyword.iskeyword(base) or base in seen:
            continue
        if base in local_vars:
            value = local_vars[base]
        elif base in global_vars:
            value = global_vars[base]
        else:
            continue
        name = base
        if attr and not (_is_array_like(value)):
            # getattr_static never runs a property: only plain stored attributes are read.
            try:
                attr_value = getattr_static(value, attr)
            except AttributeError:
                attr_value = None
            if attr_value is not None and not hasattr(attr_value, "__get__"):
                name, value = f"{base}.{attr}", attr_value
        if name in seen:
            continue
        description = describe_value(value)
        seen.add(base)
        seen.add(name)
        if description is not None:
            out.append((name, description))
        if len(out) >= _MAX_NAMES:
            break
    return out


def _wrap(label: str, text: str) -> list[str]:
    text = " ".join(str(text).split())
    head = f"{_INDENT}{label}"
    return textwrap.wrap(
        text,
        width=_WIDTH,
        initial_indent=head,
        subsequent_indent=" " * len(head),
        break_on_hyphens=False,
    ) or [head]


def rule_lines(
    rule: Any, confidence: float | None = None, detail: str | Sequence[str] | None = None, prefix: str = "kerasdoctor: ", fix: str | None = None
) -> list[str]:
    """The block that presents one rule: id, name, title, what was found (one line each), cause, fix, first reference.

    ``fix`` replaces the rule's general fix when the right one depends on what was seen.
    """
    docs = getattr(rule, "docs", None) or {}
    head = f"{prefix}{rule.id} {rule.name}".rstrip()
    if rule.title:
        head += f": {rule.title}"
    if confidence is not None:
        head += f" (confidence {confidence:.2f})"
    lines = [head]
    for found in [detail] if isinstance(detail, str) else detail or ():
        lines += _wrap("found: ", found)
    if docs.get("why"):
        lines += _wrap("cause: ", docs["why"])
    if fix or docs.get("fix"):
        lines += _wrap("fix:   ", fix or docs["fix"])
    references = docs.get("references") or []
    if references:
        lines.append(f"{_INDENT}see:   {references[0]}")
    return lines


def lint_diagnostics(path: str, first_line: int, last_line: int) -> list[Any]:
    """Lint findings of the file ``path`` on lines ``first_line..last_line``; [] when lint is unavailable.

    The whole file is linted (its imports say what ``tf.math.log`` is), then cut to the range.
    """
    try:
        from kerasdoctor.lint.engine import lint_paths

        result: Any = lint_paths([path], jobs=1, rule_dirs=extra_rule_dirs())
    except Exception:  # noqa: BLE001 - lint is optional context, never a reason to fail
        return []
    return [d for d in result.diagnostics if d.line is not None and first_line <= d.line <= last_line]


def lint_near(path: str, line: int, radius: int = 2) -> list[str]:
    """'lint:' lines for the findings within ``radius`` lines of the failing ``line``."""
    return [f"{_INDENT}lint:  line {d.line}: {d.id} {d.name}: {d.message}" for d in lint_diagnostics(path, line - radius, line + radius)]


def frame_lines(exc: BaseException) -> tuple[list[str], str | None, int | None]:
    """'your code' block: the user's innermost frame, its source and the values it names."""
    located = user_frame(exc)
    if located is None:
        return [], None, None
    frame, lasti = located
    first, source = statement_lines(frame, lasti)
    filename = frame.f_code.co_filename
    lines = [f"{_INDENT}your code: {filename}, line {first}, in {frame.f_code.co_name}"]
    lines += [f"{_INDENT}    {line.strip()}" for line in source]
    for name, description in frame_values(frame, source):
        lines.append(f"{_INDENT}      {name}: {description}")
    return lines, filename, first


def extra_rule_dirs() -> list[str]:
    """Rule directories beyond the built-in ones, as the CLI would use them (see kerasdoctor.config)."""
    try:
        from kerasdoctor.config import extra_rule_dirs as configured_dirs

        return configured_dirs(os.getcwd())[0]
    except Exception:  # noqa: BLE001 - a broken pyproject.toml must not hide the diagnosis
        return [d for d in os.environ.get("KERASDOCTOR_RULES", "").split(os.pathsep) if d]


def exception_report(exc: BaseException) -> str:
    """The diagnosis printed after the traceback: best rule, cause, fix, user frame, lint hints."""
    from kerasdoctor.explain import explain

    explanation = explain(exc, extra_rule_dirs=extra_rule_dirs())
    matches = list(getattr(explanation, "matches", []) or [])
    lines: list[str] = [""]
    if matches:
        best = matches[0]
        lines += rule_lines(best.rule, best.confidence)
    else:
        lines.append(f"kerasdoctor: no rule in the knowledge base matches this {type(exc).__name__}.")
    where, filename, line = frame_lines(exc)
    lines += where
    if filename is not None and line is not None and os.path.isfile(filename):
        lines += lint_near(filename, line)
    if len(matches) > 1:
        others = ", ".join(f"{m.rule.id} {m.rule.name} ({m.confidence:.2f})" for m in matches[1:3])
        lines.append(f"{_INDENT}also possible: {others}")
    return "\n".join(lines) + "\n"

"""Jupyter notebooks: code cells joined into one module, IPython syntax turned into Python, lines mapped back.

IPython's own input transformer (``IPython.core.inputtransformer2``) decides what is a magic
when IPython is installed: a ``%`` or ``!=`` that continues an expression is Python, not a
magic. Without IPython, the same rule (escapes count only at the start of a logical line)
is applied with the standard tokenizer. Every cell keeps its line count, so a finding's
line in the joined source maps back to its cell and line.
"""

from __future__ import annotations

import json
import re
import textwrap

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

# cell magics whose body is Python run in the notebook's namespace (IPython's execution magics)
PYTHON_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun", "debug"})
# a line that may hold IPython syntax: an escape at its start, `x = !cmd` / `x = %magic`, or `name?`
_MAYBE_IPYTHON = re.compile(r"^\s*(?:[%!?]|[\w.]+\s*=\s*[%!])|\?\s*$", re.M)
# IPython's automagic: a line that starts with one of these names (its default shell aliases
# and common line magics) runs as that magic unless the name is assigned in the cell or the
# line assigns to it (IPython's AssignmentChecker: what follows starts with = or ,).
_DEFAULT_ALIASES = ("cat", "cp", "ldir", "lf", "lk", "ll", "ls", "lx", "mkdir", "mv", "rm", "rmdir")  # IPython's, on POSIX
AUTOMAGIC_NAMES = frozenset(
    (
        *_DEFAULT_ALIASES,
        "cd",
        "pwd",
        "pip",
        "conda",
        "mamba",
        "env",
        "load_ext",
        "reload_ext",
        "matplotlib",
        "pushd",
        "popd",
        "dhist",
        "bookmark",
        "who",
        "whos",
    )
)
_BARE_AUTOMAGIC = frozenset(("pwd", "ls", "ll", "who", "whos", "env", "dhist", "popd"))  # useful without arguments
_AUTOMAGIC = re.compile(r"^(?P<name>[a-z_]+)(?:[ \t]+(?P<rest>[^=,\s][^\n]*))?[ \t]*$")


class NotebookError(ValueError):
    """The file is not a notebook we can read."""


class Notebook:
    """The joined source of a notebook's code cells and where each line came from."""

    def __init__(self, source: str, origins: list[tuple[int, int]], rewritten: set[int] | None = None) -> None:
        self.source = source
        self.origins = origins  # index = joined line - 1 -> (cell number, line in cell), both 1-based
        self.rewritten = rewritten or set()  # joined lines that differ from the cell's (magics)

    def verbatim(self, line: int) -> bool:
        return 1 <= line <= len(self.origins) and line not in self.rewritten

    def locate(self, line: int) -> tuple[int, int]:
        if 1 <= line <= len(self.origins):
            return self.origins[line - 1]
        return self.origins[-1] if self.origins else (1, line)


def load_json(text: str) -> object:
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as exc:  # RecursionError: nested deeper than the decoder recurses
        raise NotebookError(f"not a valid notebook (JSON): {type(exc).__name__}: {str(exc)[:200]}") from None


def cell_text(cell: dict[str, object], number: int) -> str:
    """A code cell's source as nbformat defines it (a string or a list of strings), else NotebookError."""
    source = cell.get("source", "")
    if isinstance(source, list) and all(isinstance(part, str) for part in source):
        source = "".join(source)
    if not isinstance(source, str):
        raise NotebookError(f"not a valid notebook: cell {number}'s source is {type(source).__name__}, not text")
    try:
        source.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise NotebookError(f"not a valid notebook: cell {number} holds {source[exc.start : exc.end]!r}, not text") from None
    return source


def read_notebook(text: str) -> Notebook:
    data = load_json(text)
    cells = data.get("cells") if isinstance(data, dict) else None
    if not isinstance(cells, list):
        raise NotebookError("not a valid notebook: no 'cells' list")
    lines: list[str] = []
    origins: list[tuple[int, int]] = []
    rewritten: set[int] = set()
    for number, cell in enumerate(cells, 1):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        text = cell_text(cell, number)
        cell_lines = python_lines(text)
        rewritten.update(len(lines) + index for index, (a, b) in enumerate(zip(split_lines(text), cell_lines), 1) if a != b)
        lines.extend(cell_lines)
        origins.extend((number, index) for index in range(1, len(cell_lines) + 1))
    return Notebook("\n".join(lines) + "\n", origins, rewritten)


def split_lines(text: str) -> list[str]:
    """Lines as Python and IPython count them: at \\n, \\r\\n and \\r (str.splitlines also splits at form feeds)."""
    return re.split(r"\r\n|\r|\n", text[:-1] if text.endswith(("\n", "\r")) else text) if text else []


def python_lines(cell: str) -> list[str]:
    """The cell as Python, one line per line of the cell: magics become the calls IPython makes of them
    (blank when they span lines), a ``%%time``-like cell magic's body stays, other cell magics are blank."""
    lines = split_lines(cell)
    if lines and lines[0].lstrip().startswith("%%"):
        name = lines[0].lstrip()[2:].split(maxsplit=1)
        if name and name[0] in PYTHON_CELL_MAGICS:
            return ["", *python_lines("\n".join(lines[1:]))]
        return [""] * len(lines)
    lines = _automagic_as_magics(lines)
    cell = "\n".join(lines)
    indented = bool(lines) and lines[0][:1] in (" ", "\t")
    if not indented and not _MAYBE_IPYTHON.search(cell):
        return lines
    transform = _ipython_transform()
    try:
        python = transform(cell) if transform is not None else _escapes_as_pass(_dedented(lines))
    except Exception:  # noqa: BLE001 - IPython's transformer on input it cannot read: use the plain rules
        python = _escapes_as_pass(_dedented(lines))
    return _same_line_count(lines, split_lines(python))


def _automagic_as_magics(lines: list[str]) -> list[str]:
    """``ls ./data`` / ``pip install x`` / ``cd dir`` written without ``%``: what automagic runs, spelt as a magic."""
    if not any(line[:1].isalpha() and line.split(maxsplit=1)[0] in AUTOMAGIC_NAMES for line in lines if line.strip()):
        return lines
    shadowed = set(re.findall(r"^\s*(?:def\s+|class\s+)?([a-z_]+)\s*(?:=[^=]|\()", "\n".join(lines), re.M))
    out = []
    for line in lines:
        match = _AUTOMAGIC.match(line)
        if match and match["name"] in AUTOMAGIC_NAMES and match["name"] not in shadowed and (match["rest"] or match["name"] in _BARE_AUTOMAGIC):
            line = "%" + line
        out.append(line)
    return out


def _dedented(lines: list[str]) -> list[str]:
    """IPython's ``leading_indent`` (8+): the indentation common to every line is removed."""
    if not lines or lines[0][:1] not in (" ", "\t"):
        return lines
    return textwrap.dedent("\n".join(lines)).split("\n")


_TRANSFORM: list[Callable[[str], str] | None] = []


def _ipython_transform() -> Callable[[str], str] | None:
    if not _TRANSFORM:
        try:
            from IPython.core.inputtransformer2 import TransformerManager
        except Exception:  # noqa: BLE001 - not installed, or broken: the plain rules apply
            _TRANSFORM.append(None)
        else:
            _TRANSFORM.append(TransformerManager().transform_cell)
    return _TRANSFORM[0]


def _same_line_count(before: list[str], after: list[str]) -> list[str]:
    """``after`` aligned to ``before``: lines IPython joined (a magic continued with ``\\``) leave blanks."""
    if len(before) == len(after):
        return after
    import difflib

    out: list[str] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, before, after, autojunk=False).get_opcodes():
        block = after[j1:j2]
        if tag != "equal" and len(block) != i2 - i1:
            block = (block + [""] * (i2 - i1))[: i2 - i1] if len(block) < i2 - i1 else [*block[: i2 - i1 - 1], "; ".join(block[i2 - i1 - 1 :])]
        out.extend(block)
    return out if len(out) == len(before) else [*after, *[""] * (len(before) - len(after))][: len(before)]


def _escapes_as_pass(lines: list[str]) -> str:
    """Without IPython: IPython's rule, with the standard tokenizer: an escape (``%``, ``!``, ``?``, or
    ``x = !cmd``) counts only at the start of a logical line, never inside brackets or after a ``\\``."""
    import io
    import tokenize

    starts: list[int] = []  # 0-based lines that begin a logical line
    at_start = True
    try:
        for token in tokenize.generate_tokens(io.StringIO("\n".join(lines) + "\n").readline):
            if token.type == tokenize.NEWLINE:
                at_start = True
            elif token.type in (tokenize.NL, tokenize.COMMENT, tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER):
                continue
            elif at_start:
                starts.append(token.start[0] - 1)
                at_start = False
    except (tokenize.TokenError, SyntaxError):
        starts = [i for i, line in enumerate(lines) if not (i and lines[i - 1].rstrip().endswith("\\"))]
    out = list(lines)
    escape = re.compile(r"^\s*(?:[%!?]|[\w.]+\s*=\s*[%!])|\?\s*$")
    for index in starts:
        if index < len(lines) and escape.search(lines[index]):
            indent = lines[index][: len(lines[index]) - len(lines[index].lstrip())]
            out[index] = f"{indent}pass"
            follow = index
            while lines[follow].rstrip().endswith("\\") and follow + 1 < len(lines):
                follow += 1
                out[follow] = ""
    return "\n".join(out)

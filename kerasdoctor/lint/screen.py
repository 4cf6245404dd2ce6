"""What CPython says of a source before libcst sees it, and the shapes that would crash or stall libcst.

CPython's own parser (in C) is the judge of what is a syntax error. libcst's parse time grows
with the square of an expression's nesting and its native parser overflows the stack on long
chains (generated code); CPython handles both. So libcst only sees code CPython parses and
whose nesting is bounded; code whose indentation CPython accepts but libcst does not (form
feeds, tabs mixed with spaces consistently) is re-indented as CPython counts it.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from kerasdoctor.lint.base import Diagnostic

MAX_LINE_CHARS = 20_000
MAX_BRACKET_DEPTH = 150  # CPython itself refuses more than 200 nested brackets
# a 3,000-deep chain of `-` takes libcst seconds, 6,000 a minute, then it segfaults; real code nests
# expressions a few dozen levels at most (29 at most in keras, keras_hub and tf_keras)
MAX_NESTING = 300
_NOT_BRACKETS = bytes(range(256)).translate(None, b"()[]{}")
_SAME_BRACKETS = bytes.maketrans(b"[]{}", b"()()")


def python_verdict(source: str, path: str) -> SyntaxError | str | None:
    """CPython's judgement of ``source``: None when it parses, its SyntaxError when not, a message when
    CPython itself gives up (too complex for its parser).

    The judge is ``compile(..., ast.PyCF_ONLY_AST)``. ``symtable`` parses in C without building Python
    objects (a fifth of the cost) and complains about a superset of what the parser does, so it answers
    first and the parser alone confirms its complaints.
    """
    import ast
    import symtable
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # invalid escapes etc. are the file's business; -W error would make them errors
        try:
            symtable.symtable(source, path, "exec")
            return None
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            pass
        try:
            compile(source, path, "exec", ast.PyCF_ONLY_AST, dont_inherit=True)
        except SyntaxError as exc:  # IndentationError and TabError are subclasses
            return exc
        except ValueError as exc:  # a NUL byte (a SyntaxError from Python 3.12 on)
            return SyntaxError(str(exc))
        except (RecursionError, MemoryError) as exc:
            return f"not linted: too complex for Python's own parser ({type(exc).__name__})"
    return None


_STRING_OR_COMMENT = (
    r"[rRbBuUfF]{0,2}(?:'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'(?:[^'\\\n]|\\.)*'"
    r'|"(?:[^"\\\n]|\\.)*")'
    r"|#[^\n]*"
)
_NESTING_SYNTAX = r"[-+~*/%@&|^<>.(\[]|\b(?:not|lambda|if|await|yield)\b"
_patterns: dict[str, Any] = {}


def _pattern(text: str) -> Any:
    import re

    compiled = _patterns.get(text)
    if compiled is None:
        compiled = _patterns[text] = re.compile(text, re.S)
    return compiled


def _nesting_bound(source: str) -> int:
    """An upper bound on how deep any expression nests: the most operators, calls, subscripts and attribute
    accesses in one logical line. Only code CPython parsed gets here, so string literals are found exactly."""
    code = _pattern(_STRING_OR_COMMENT).sub("S", source)
    tokens = _pattern(_NESTING_SYNTAX)
    worst = depth = start = offset = 0
    for line in code.split("\n"):
        offset += len(line) + 1
        depth += line.count("(") + line.count("[") + line.count("{") - line.count(")") - line.count("]") - line.count("}")
        if depth < 0:
            depth = 0
        if depth == 0 and not line.endswith("\\"):
            if offset - start > MAX_NESTING:  # fewer characters cannot hold more operators
                worst = max(worst, len(tokens.findall(code, start, offset)))
            start = offset
    if offset - start > MAX_NESTING:
        worst = max(worst, len(tokens.findall(code, start)))
    return worst


def _ast_depth(source: str, path: str) -> int:
    import ast

    tree = compile(source, path, "exec", ast.PyCF_ONLY_AST, dont_inherit=True)
    deepest = 0
    stack: list[tuple[ast.AST, int]] = [(tree, 1)]
    children = ast.iter_child_nodes
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in children(node))
    return deepest


def pathological(source: str, path: str = "<source>") -> str | None:
    """Valid Python that would crash or stall libcst's native parser (generated code, data dumps), found cheaply."""
    if max(map(len, source.splitlines()), default=0) > MAX_LINE_CHARS:
        return f"a line longer than {MAX_LINE_CHARS} characters (generated code?)"
    # peel innermost bracket pairs off, one level per pass, in C: typical code needs a handful of passes
    brackets = source.encode("utf-8", "surrogatepass").translate(_SAME_BRACKETS, _NOT_BRACKETS)
    for _ in range(MAX_BRACKET_DEPTH):
        peeled = brackets.replace(b"()", b"")
        if peeled == brackets:
            break
        brackets = peeled
    else:
        return f"brackets nested more than {MAX_BRACKET_DEPTH} deep"
    if _nesting_bound(source) > MAX_NESTING:  # rare (long generated expressions, data): measure exactly
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                depth = _ast_depth(source, path)
            except (RecursionError, MemoryError, SyntaxError, ValueError):
                depth = MAX_NESTING + 1
        if depth > MAX_NESTING:
            return f"an expression nested more than {MAX_NESTING} levels deep (generated code?)"
    return None


def _indent_column(prefix: str) -> int:
    """The indentation CPython's tokenizer sees: tabs to the next multiple of 8, a form feed starts again at 0."""
    column = 0
    for char in prefix:
        if char == "\t":
            column = (column // 8 + 1) * 8
        elif char == "\x0c":
            column = 0
        else:
            column += 1
    return column


def spaces_for_indentation(source: str) -> tuple[str, dict[int, tuple[int, int]]]:
    """``source`` with each logical line's indentation rewritten as the spaces CPython counts.

    libcst rejects some indentation CPython accepts (tabs and spaces mixed consistently, form feeds). The
    second item maps each changed line to (old prefix length, new prefix length), to map columns back.
    """
    import io
    import tokenize

    starts: set[int] = set()
    at_start = True
    # lines end at \n, \r\n or \r only, as for Python (str.splitlines also splits at form feeds)
    lines = io.StringIO(source, newline="").readlines()
    try:
        for token in tokenize.generate_tokens(iter(lines).__next__):
            if token.type == tokenize.NEWLINE:
                at_start = True
            elif token.type in (tokenize.NL, tokenize.COMMENT, tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER):
                continue
            elif at_start:
                starts.add(token.start[0])
                at_start = False
    except (tokenize.TokenError, SyntaxError):
        return source, {}
    shifts: dict[int, tuple[int, int]] = {}
    for number in starts:
        line = lines[number - 1]
        body = line.lstrip(" \t\x0c")
        old = len(line) - len(body)
        new = _indent_column(line[:old])
        if line[:old] != " " * new:
            lines[number - 1] = " " * new + body
            shifts[number] = (old, new)
    return "".join(lines), shifts


def shift_back(diagnostics: list[Diagnostic], shifts: dict[int, tuple[int, int]]) -> None:
    """Columns found in the re-indented source, moved back to the file's own."""

    def column(line: int, col: int) -> int:
        if line not in shifts:
            return col
        old, new = shifts[line]
        return col - new + old if col > new else min(col, old + 1)

    for d in diagnostics:
        d.column, d.end_column = column(d.line, d.column), column(d.end_line, d.end_column)
        for edit in (d.fix or {}).get("edits", ()):
            edit["column"], edit["end_column"] = column(edit["line"], edit["column"]), column(edit["end_line"], edit["end_column"])

"""Undo what pasting does to an error text before it is matched.

People paste errors through chat apps, forums, word processors and terminals:
quotes turn curly, colons turn fullwidth (``UnboundLocalError：``), lines get
hard-wrapped at 80 columns, tracebacks get quoted (``> ``) or fenced in
markdown, ``<`` becomes ``&lt;``, names are replaced by ``'*****'`` and the
first or last character of a message is cut off. Each step here is cheap and
only runs when the text shows the sign it looks for, so clean text costs one
``isascii`` and a few substring tests.
"""

from __future__ import annotations

from kerasdoctor.lazyre import IGNORECASE, lazy

TYPE_CHECKING = False
if TYPE_CHECKING:
    from re import Match

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from re import Match

# Quotes, dashes and spaces that word processors and chat apps substitute;
# NFKC already folds fullwidth forms (：，（）＇) and the ellipsis character.
_PUNCTUATION = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u00b4": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u300c": '"',
        "\u300d": '"',
        "\u300e": '"',
        "\u300f": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\u3001": ",",
        "\u3002": ". ",
        "\u200b": "",
        "\ufeff": "",
    }
)
_FULLWIDTH_COLON = lazy("\uff1a(\\*\\*)? ?")
_FULLWIDTH_COMMA_WORD = lazy("\uff0c(?=[A-Za-z])")
# a message retyped in Chinese joins two quoted names with 与 / 和 / 及 where Python printed " and "
# ("unsupported operand type(s) for *: 'int'与'dimension'"); only between a closing and an opening quote
_CJK_AND_BETWEEN_QUOTES = lazy("(?<=')[ \t]*[\u4e0e\u548c\u53ca][ \t]*(?=')")
_HTML_ENTITY = lazy(r"&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);")
# a traceback copied out of a web page's HTML keeps its line breaks as tags
_HTML_BREAK = lazy(r"(?i)<br\s*/?>\n?")
_FENCE = lazy(r"^\s*(?:```|~~~)[\w+-]*\s*$")
# mpirun --tag-output / horovodrun tag every line a rank prints with its job and rank: "[1,3]<stderr>:"
_RANK_TAG = lazy(r"(?m)^\[\d+(?:,\d+)?\]<std(?:err|out)>:")
_QUOTE_PREFIX = lazy(r"^(?:[ \t]*>(?!>)[ \t]?)+")
# **bold** but not Python's **kwargs: a closing ** is never followed by a name; a bold list item ("**- tensorflow ->
# python[version='3.6.*']**", a line of conda's solver report, whose own single stars stay) is bold too
_BOLD = lazy(r"(?<![^\s>(\[])\*\*(?=[A-Za-z`'\"]|- )((?:[^*\n]|\*(?!\*))+?)(?<=[\w`'\".:)\]])\*\*(?![\w*])")
_WHOLE_LINE_CODE = lazy(r"^(\s*)`([^`]+)`\s*$")
# a Markdown heading made of an exception line (`#### ImportError: cannot import name 'Network'`): Python never
# prints a hash before one, an issue editor turns the line into a heading
_HEADING_EXCEPTION = lazy(r"^[ \t]*#{1,6}[ \t]+(?=[A-Za-z_][\w.]*(?:Error|Exception|Warning|Exit|Interrupt)(?::|[ \t]*$))")
# a name replaced by a placeholder: '*****', '...', '???', '___', <name>
_PLACEHOLDER_QUOTED = lazy(r"(['\"])(?:\*+|\.{2,}|\?+|_{2,}|#+)\1")
_PLACEHOLDER_ANGLE = lazy(r"<(?:name|var|variable|xxx|\.\.\.)>")
# a message whose opening quote was cut off: NoneType' object ...
# an exception line starts a new line even after one that happens to be exactly as wide as a wrapped line
# a traceback frame's head cut by a narrow window: `File "x.py",` / `line 3, in f`
_CUT_FRAME_HEAD = lazy(r'(?m)^[ \t]*File "(?:[^"\n]*|[^"\n]+",?|[^"\n]+", line \d+,?)[ \t]*$')
_WHOLE_FRAME_HEAD = lazy(r'^\s*File "[^"]+", line \d+, in [\w<]')
# a frame line copied from the middle of its path on: the selection began after `File "` (or inside the path)
_HEADLESS_FRAME = lazy(r'(?m)^(?P<indent>[ \t]*)(?P<path>(?!File )[^"\s`*][^"\n]*?\.py[xw]?)", line \d+, in [\w<]')
# the head of the frame of a file that failed to compile names no function (`File "x.py", line 14`)
_COMPILE_FRAME_HEAD = lazy(r'^\s*File "[^"]+", line \d+[ \t]*$')
# TF 1.x repeats a graph error's type as "InvalidArgumentError (see above for traceback): ..." after its op frames; the
# lookahead finds "Error" in the class name once (see _BARE_EXC_LINE in extract.py)
_EXCEPTION_HEAD = lazy(r"^(?:[A-Za-z_]\w*\.)*(?=[A-Z]\w*?(?:Error|Exception|Warning))[A-Z]\w*(?: \(see above for traceback\))?:")
# an exception line retyped with a space before its colon ("ValueError : Cannot feed value ...", French typing,
# or a hand-copied message): Python never prints one there
_SPACED_EXCEPTION_COLON = lazy(r"^([ \t]*(?:[A-Za-z_]\w*\.)*(?=[A-Z]\w*?(?:Error|Exception|Warning))[A-Z]\w*)[ \t]+:(?=[ \t]|$)")
# an exception line glued to the user's Chinese words before it: "报错：ValueError: ...", "【问题】KeyError: ...",
# "tensorflow报错AttributeError: ...", 报错“KeyError: 'acc'”, "运行错误: OutOfRangeError (see above for traceback): ..."
# (the head, or the quote or bracket opening it, must follow a CJK character or bracket, so English is left alone)
_GLUED_EXCEPTION_HEAD = lazy(
    r"(?<=[\u3000-\u303f\u3400-\u9fff\uff00-\uffef])[ \t:,.]*(?P<open>[\"(\[])?"
    r"((?:[A-Za-z_][A-Za-z0-9_]*\.)*(?=[A-Z][A-Za-z0-9_]*?(?:Error|Exception|Warning))[A-Z][A-Za-z0-9_]*"
    r"(?: \(see above for traceback\))?: )"
)
# ... and the user's words after it on the same line: "KeyError: 'acc'，求助", "... is not a package 错误",
# "No module named 'tensorflow'（已经装了）" (Chinese straight after a letter, digit, quote or bracket of the
# message, or a bracket opening the user's aside: the library never writes that)
# (one run of spaces, a comma or semicolon, another: two runs side by side were tried at every split of a long one)
_TRAILING_WORDS = lazy(r"(?<=[A-Za-z0-9'\")\]}>.!?])[ \t]*(?:[,;][ \t]*)?[(\[\uff08\u3010]?(?=[\u3000-\u303f\u3400-\u9fff])")
_LOST_OPENING_QUOTE = lazy(r"^([A-Za-z_][\w.]*)'(?=\s)")
_LOST_CLOSING_QUOTE = lazy(r"( '[A-Za-z_][\w.]*)$")
# the opening quote of a name lost inside the line: "has no attribute _foo'", "cannot import name Bar'"
_LOST_INNER_QUOTE = lazy(r"\b(attribute|name) ([A-Za-z_][\w.]*)'")
# CPython quotes the names in these messages (Objects/moduleobject.c, Objects/object.c, Python/import.c,
# Python/ceval.c); a web page or a retyped paste that lost every quote shows them bare
_BARE_NAMES = (
    (lazy(r"\bmodule ([A-Za-z_][\w.]*) has no attribute ([A-Za-z_]\w*)"), r"module '\1' has no attribute '\2'"),
    (lazy(r"(?<![\w.])([A-Za-z_][\w.]*) object has no attribute ([A-Za-z_]\w*)"), r"'\1' object has no attribute '\2'"),
    (lazy(r"\bNo module named ([A-Za-z_][\w.]*)"), r"No module named '\1'"),
    (lazy(r"\bcannot import name ([A-Za-z_]\w*) from ([A-Za-z_][\w.]*)"), r"cannot import name '\1' from '\2'"),
    (lazy(r"\bname ([A-Za-z_]\w*) is not defined"), r"name '\1' is not defined"),
)
# the same messages as an asker writing Markdown marks them: each name in backticks (`contrib`), or Python's quoted
# name wrapped in backticks (`'contrib'`); read only when a backtick marks a name, so a quoted name may sit beside it
_BACKTICK_NAME = lazy(r"`'?([A-Za-z_][\w.]*)'?`")
_LOOSE_NAMES = (
    (lazy(r"\bmodule '?([A-Za-z_][\w.]*)'? has no attribute '?([A-Za-z_]\w*)'?"), "module '{}' has no attribute '{}'"),
    (lazy(r"(?<![\w.'])'?([A-Za-z_][\w.]*)'? object has no attribute '?([A-Za-z_]\w*)'?"), "'{}' object has no attribute '{}'"),
    (lazy(r"\bNo module named '?([A-Za-z_][\w.]*)'?"), "No module named '{}'"),
    (lazy(r"\bcannot import name '?([A-Za-z_]\w*)'? from '?([A-Za-z_][\w.]*)'?"), "cannot import name '{}' from '{}'"),
    (lazy(r"\bname '?([A-Za-z_]\w*)'? is not defined"), "name '{}' is not defined"),
)
_SPACED_COLON = lazy(r"(?<=\S)[ \t]+:(?!:)")
# the spaces before it from the start of their run only (see _OP_SUFFIX in extract.py)
_ELISION = lazy(r"(?:(?<![ \t])[ \t]+)?(?:\.{3,}|\u2026)[ \t]*")
# Python 2's import errors name the module bare (import.c: "No module named %.200s", "cannot import name
# %.230s"); Python 3 quotes it, and so do the wordings written from it. Askers retyping a title drop the quotes too,
# and so does an asker quoting it in a sentence of their own ("it shows No module named tensorflow.compat.v2. I think
# ..."): a module's name never holds ". " or ", ", so the name ends where the sentence does
_BARE_IMPORT_NAME = lazy(r"(?m)\b(No module named|cannot import name) ([A-Za-z_](?:[\w.]*\w)?)(?=[.,;]?[ \t]*$|[.,;][ \t]+\S)")
# Python 2 names only the last part of a dotted module it could not find (import.c: "No module named tensorflow_backend"
# for `import keras.backend.tensorflow_backend`); Python 3 names the whole path, and so do the wordings. A paste (an issue
# title) that quotes the statement beside the message says which path it was
_IMPORTED_PATH = lazy(r"\b(?:from|import)[ \t]+(?P<path>[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+)(?:[ \t]+import[ \t]+(?P<name>[A-Za-z_]\w*))?")
_PY2_MODULE_TAIL = lazy(r"\bNo module named (?P<q>[`'\"]?)(?P<tail>[A-Za-z_]\w*)(?P=q)(?![\w.])")
# Python 3 quotes both names of "cannot import name 'X' from 'Y'" (Python/ceval.c import_from) and Python 2 never
# writes the "from" part: a line that quotes one name and not the other was retyped, and lost a pair of quotes
_HALF_QUOTED_IMPORT = (
    (lazy(r"\bcannot import name '(\w+)' from ([A-Za-z_][\w.]*)(?![\w.'])"), r"cannot import name '\1' from '\2'"),
    (lazy(r"\bcannot import name ([A-Za-z_]\w*) from '([\w.]+)'"), r"cannot import name '\1' from '\2'"),
)
# Python 2 shows a built-in or extension type as <type 'NoneType'>, Python 3 as <class 'NoneType'>
_PY2_TYPE_REPR = lazy(r"<type '([\w.]+)'>")
# a message Python printed from an exception raised with several arguments: ('text:', <object at 0x...>)
_TUPLE_REPR = lazy(r"^\('[^'\n]*', ")
# a Windows console pads each line with spaces to its width; a copy that lost the line breaks glues the padded
# lines into one, each former line starting after a long run of spaces
_PADDED_JOIN = lazy(
    r'(?<=\S) {12,}(?=File "[^"]+", line \d|Traceback \(most recent call last\):'
    r"|(?:[A-Za-z_]\w*\.)*(?=[A-Z]\w*?(?:Error|Exception|Warning))[A-Z]\w*(?: \(see above for traceback\))?: )"
)
PAD_SIGN = " " * 12
# a short code span between straight single quotes: '.keras', 'keras.Layer', 'save_weights_only=True'
_QUOTED_CODE = lazy(r"(?<![\w`])'([^'\s][^'\n]{0,60}?)'(?![\w`])")
WRAP_WIDTHS = (80,)
# other widths a terminal, an issue form or a log viewer cut lines at are found from the text itself
MIN_OTHER_WRAP, MAX_OTHER_WRAP = 90, 250
# lines that begin a record of their own, never the rest of a cut line
# VS Code's notebooks show an error cell's output, when copied, as JSON: the class, the message, then the printed
# traceback as one escaped string (often with its colour codes, often cut where the issue form ended)
_NOTEBOOK_ERROR_JSON = lazy(
    r'\{\s*"name":\s*"(?P<name>[\w.]+)",\s*"message":\s*"(?P<message>(?:[^"\\\n]|\\.)*)",\s*"stack":\s*"(?P<stack>(?:[^"\\]|\\.)*)"?\s*\}?'
)
# a Jupyter notebook file's error output (nbformat 4, "output_type": "error"), copied from the .ipynb: the class,
# the message, then the printed traceback as a list of escaped strings (keys in the file's alphabetical order)
_IPYNB_ERROR_JSON = lazy(
    r'"ename":\s*"(?P<name>[\w.]+)",\s*"evalue":\s*"(?P<value>(?:[^"\\\n]|\\.)*)",'
    r'(?:\s*"output_type":\s*"error",)?\s*"traceback":\s*\[(?P<tb>(?:\s*"(?:[^"\\]|\\.)*"\s*,?)*)\s*\]?'
)
_JSON_STRING = lazy(r'"((?:[^"\\]|\\.)*)"')
_ESC_COLOUR = lazy(r"\x1b\[[0-9;]*m")
_JSON_ESCAPE = lazy(r'\\(u[0-9a-fA-F]{4}|["\\/bfnrt])')
_JSON_ESCAPES = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}
_RECORD_START = lazy(
    r"^(?:Epoch \d+/\d+|\s*\d+/\d+ (?:\[|\u2501)|\d{4}-\d\d-\d\d[ T]|[IWEF]\d{4} |(?:WARNING|ERROR|INFO|CRITICAL|DEBUG|FATAL):"
    r"|In \[\d*\]|>>> |\$ |-{10,}|={10,}|_{10,})"
)


def indented_as_a_whole(text: str) -> bool:
    """Whether every non-blank line of ``text`` starts with whitespace: a paste indented as one block."""
    lines = [line for line in text.splitlines() if line.strip()]
    return len(lines) > 1 and all(line[0] in " \t" for line in lines)


def needs_normalising(text: str) -> bool:
    """Whether ``text`` shows any sign of what :func:`normalize_text` undoes."""
    if not text.isascii():
        return True
    if text[:1] in (" ", "\t", "\n") and indented_as_a_whole(text):
        return True
    signs = ("&", "```", "~~~", "**", "`", ">", "*'", "...'", "?'", "#'", '"stack":', '"ename":')
    if any(sign in text for sign in signs):
        return True
    if "#" in text and any(_HEADING_EXCEPTION.match(line) for line in text.splitlines() if "#" in line[:8]):
        return True
    if PAD_SIGN in text and _PADDED_JOIN.search(text):
        return True
    if 'File "' in text and _CUT_FRAME_HEAD.search(text):
        return True
    if '", line ' in text and _HEADLESS_FRAME.search(text):
        return True
    return len(text) > WRAP_WIDTHS[0] and _wrap_width(text.splitlines()) is not None


def _json_unescape(text: str) -> str:
    return _JSON_ESCAPE.sub(lambda m: chr(int(m.group(1)[1:], 16)) if m.group(1)[0] == "u" else _JSON_ESCAPES[m.group(1)], text)


def unwrap_notebook_error_json(text: str) -> str:
    """A copied VS Code error output (``{"name": ..., "message": ..., "stack": ...}``) as the traceback it prints."""
    match = _NOTEBOOK_ERROR_JSON.search(text)
    if match is None:
        return text
    name, message = match.group("name"), _json_unescape(match.group("message"))
    stack = _json_unescape(match.group("stack")).rstrip()
    head = f"{name}: {message}"
    last = stack.splitlines()[-1].strip() if stack else ""
    printed = stack if last.startswith(f"{name}:") else f"{stack}\n{head}".lstrip("\n")
    return text[: match.start()] + printed + "\n" + text[match.end() :]


def unwrap_ipynb_error_json(text: str) -> str:
    """A notebook file's error output (``"ename": ..., "evalue": ..., "traceback": [...]``) as the traceback it prints."""
    match = _IPYNB_ERROR_JSON.search(text)
    if match is None:
        return text
    name, value = match.group("name"), _json_unescape(match.group("value"))
    stack = "\n".join(_json_unescape(m.group(1)) for m in _JSON_STRING.finditer(match.group("tb"))).rstrip()
    head = f"{name}: {value}"
    last = _ESC_COLOUR.sub("", stack.splitlines()[-1]).strip() if stack else ""
    printed = stack if last.startswith(f"{name}:") else f"{stack}\n{head}".lstrip("\n")
    start = text.rfind("{", 0, match.start())
    end = text.find("}", match.end())
    start = start if start >= 0 and not text[start + 1 : match.start()].strip() else match.start()
    end = end + 1 if end >= 0 and not text[match.end() : end].strip() else match.end()
    return text[:start] + printed + "\n" + text[end:]


def fold_characters(text: str) -> str:
    """Fullwidth and compatibility forms to ASCII, curly quotes and dashes to straight ones."""
    if "&" in text and _HTML_ENTITY.search(text):
        import html

        text = html.unescape(text)
    if not text.isascii():
        import unicodedata

        if "\uff1a" in text:
            text = _FULLWIDTH_COLON.sub(r":\1 ", text)  # it carries its own spacing: "Error：message"
        if "\uff0c" in text:  # so does a fullwidth comma before a word ("4 dimensions，but got"), not inside a shape
            text = _FULLWIDTH_COMMA_WORD.sub(", ", text)
        if "'" in text and any(c in text for c in "\u4e0e\u548c\u53ca"):
            text = _CJK_AND_BETWEEN_QUOTES.sub(" and ", text)
        text = unicodedata.normalize("NFKC", text).translate(_PUNCTUATION)
    return text


def strip_markdown(lines: list[str]) -> list[str]:
    """Drop code fences, ``>`` quote markers and headings' hashes before an exception line, unwrap bold and inline code."""
    out = []
    # an inline code span an issue editor opened at the start of a pasted traceback and closed at the end of its
    # last line ("`ModuleNotFoundError   Traceback ..." ... "No module named 'keras'`"): its backticks are no
    # part of what Python printed, and the closing one would end the message
    in_span = False
    for line in _split_one_line_fences(lines):
        if ("```" in line or "~~~" in line) and _FENCE.match(line):
            continue
        if "`" in line and "```" not in line and line.count("`") % 2:
            if not in_span and line.lstrip().startswith("`"):
                line = line.replace("`", "", 1)
            elif in_span and line.rstrip().endswith("`"):
                line = line.rstrip()[:-1]
            in_span = not in_span
        if ">" in line[:8] and not line.lstrip().startswith(">>>"):
            line = _QUOTE_PREFIX.sub("", line)
        if "**" in line:
            line = _BOLD.sub(r"\1", line)
        if line.count("`") == 2:
            line = _WHOLE_LINE_CODE.sub(r"\1\2", line)
        if "#" in line[:8]:
            line = _HEADING_EXCEPTION.sub("", line)
        out.append(line)
    return out


def _split_one_line_fences(lines: list[str]) -> list[str]:
    """Put what a line's ```...``` span holds on a line of its own.

    GitHub renders triple backticks opened and closed on one line as inline code, and users wrap a
    message in them mid-sentence ("I get ``` OSError: Unable to open file (...) ``` when calling
    `load_weights()`"): Python printed the span's text as a line of its own, which is where an exception
    line is read.
    """
    out: list[str] = []
    for line in lines:
        if line.count("```") < 2:
            out.append(line)
            continue
        pieces = line.split("```")
        if len(pieces) % 2 == 0:  # an unclosed span: leave the line as it is
            out.append(line)
            continue
        # the line's own margin stays on its first piece; what follows a span starts a line of its own
        out.extend(piece.rstrip() if i == 0 else piece.strip() for i, piece in enumerate(pieces) if piece.strip())
    return out


def _drop_lone_edge_backticks(lines: list[str]) -> list[str]:
    """Drop the lone backticks of an inline code span a paste was wrapped in across lines.

    An issue editor's `...` around a whole traceback leaves one backtick before its first line
    (`` `~/site-packages/keras/backend/tensorflow_backend.py in get_uid(prefix)``) and one after its last,
    or none after it when the user never closed the span; Python prints no backtick at either end of a
    line, and a frame line is only read without it. A backtick inside a line is left alone.
    """
    out = []
    for line in lines:
        if line.count("`") == 1:
            body = line.strip()
            if len(body) > 1 and body[0] == "`":
                line = line.replace("`", "", 1)
            elif len(body) > 1 and body[-1] == "`":
                line = line.rstrip()[:-1]
        out.append(line)
    return out


def split_padded_lines(lines: list[str]) -> list[str]:
    """Split lines a console padded to its width and a copy then glued together (frames, exception lines)."""
    out: list[str] = []
    for line in lines:
        if PAD_SIGN in line and _PADDED_JOIN.search(line):
            out.extend(part for part in _PADDED_JOIN.split(line) if part.strip())
        else:
            out.append(line)
    return out


def _wrap_width(lines: list[str]) -> int | None:
    """The column a hard-wrapped text was cut at: no line is longer and some are exactly that long."""
    for width in WRAP_WIDTHS:
        at_width = 0
        for line in lines:
            if len(line) > width:
                break
            at_width += len(line) == width
        else:
            if at_width:
                return width
    # another width: the longest length, reached by at least two lines that were cut inside a word
    longest = max((len(line) for line in lines), default=0)
    if not MIN_OTHER_WRAP <= longest <= MAX_OTHER_WRAP:
        return None
    cut = sum(
        len(line) == longest and _is_word_char(line[-1:]) and _is_word_char(following[:1]) and not _starts_new_line(following)
        for line, following in zip(lines, lines[1:])
    )
    return longest if cut >= 2 else None


def _is_word_char(char: str) -> bool:
    return char.isalnum() or char == "_"


def _starts_new_line(line: str) -> bool:
    stripped = line.lstrip()
    return (
        not stripped
        or stripped.startswith(('File "', "Traceback", "During handling", "The above exception"))
        or bool(_EXCEPTION_HEAD.match(stripped))
        or bool(_RECORD_START.match(line))
        or ("]<std" in line and bool(_RANK_TAG.match(line)))
    )


def rejoin_wrapped(lines: list[str]) -> list[str]:
    """Rejoin lines a terminal cut at exactly 80 columns (the cut may fall inside a word)."""
    width = _wrap_width(lines)
    if width is None:
        return lines
    out: list[str] = []
    for line in lines:
        if out and len(out[-1]) >= width and len(out[-1]) % width == 0 and not _starts_new_line(line):
            out[-1] += line
        else:
            out.append(line)
    return out


def rejoin_cut_frame_heads(lines: list[str]) -> list[str]:
    """``File "x.py",`` + ``line 3, in f`` on the next line -> one frame line, as Python printed it.

    A terminal or a chat window narrower than the frame line wraps it, inside the path
    or after it; the frame then reads as text, and the traceback loses its frames. The
    pieces are joined only when they make a whole frame head.
    """
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if '",line ' in line:
            # a cut right after the path, rejoined as a cut inside a word
            line = line.replace('",line ', '", line ', 1)
        elif 'File "' in line and _CUT_FRAME_HEAD.match(line):
            joined = line
            for taken, following in enumerate(lines[i : i + 2], start=1):
                # a cut inside the quoted path lost no space; one after it did
                joined = joined.rstrip() + ("" if joined.count('"') % 2 else " ") + following.strip()
                # a head that already showed its line number before the cut is whole only with its function
                if _WHOLE_FRAME_HEAD.match(joined) or ('", line' not in line and _COMPILE_FRAME_HEAD.match(joined)):
                    line = joined
                    i += taken
                    break
        out.append(line)
    return out


def restore_frame_head(line: str) -> str:
    """``keras/utils/generic_utils.py", line 254, in f`` -> ``File "keras/utils/generic_utils.py", line 254, in f``.

    A selection that starts inside a frame line loses ``File "``; without it the frame reads as text and the
    message under it as that text's continuation.
    """
    found = _HEADLESS_FRAME.match(line)
    if found is None:
        return line
    return f'{found.group("indent") or "  "}File "{line[found.start("path") :]}'


_CLOSING = {'"': '"', "(": ")", "[": "]"}


# Python's OSError on Windows: the error's number, then the system's own text for it in the system's language
# ("[WinError 1455] 页面文件太小，无法完成操作。")
_WINERROR_NUMBER = lazy(r"\[WinError -?\d+\]$")


def _told_in_chinese(message: str, glued: bool) -> bool:
    """Whether the start of a message before Chinese words is the start of a message told in Chinese: it begins in
    Chinese ("无法将NumPy" of "无法将NumPy数组转换为张量"), or it is one bare name the Chinese is glued to ("numpy" of
    "numpy数组转换张量失败"), or Windows' error number whose text a Chinese Windows writes in Chinese; the library's
    English message never goes on in Chinese."""
    if not message:
        return False
    if not message[0].isascii():
        return True
    if _WINERROR_NUMBER.search(message):
        return True
    return glued and message.isascii() and message.replace("_", "").isalnum() and message[0].isalpha()


def split_glued_exception_lines(lines: list[str]) -> list[str]:
    """Put an exception line between the user's Chinese words on a line of its own.

    Chinese posts write the error straight after their own words and go on after it
    ("运行时报错：KeyError: 'acc'，求助", "【问题】AttributeError: ..."); on its own line
    the exception's type is read as in a traceback and its message ends where the
    library's did.
    """
    out: list[str] = []
    for line in lines:
        if line.isascii() or not any(word in line for word in ("Error", "Exception", "Warning")):
            out.append(line)
            continue
        words: list[str] = []
        closing = ""
        glued = _GLUED_EXCEPTION_HEAD.search(line)
        if glued is not None:
            words.append(line[: glued.start()].rstrip())
            closing = _CLOSING.get(glued.group("open") or "", "")
            line = line[glued.start(2) :]
        head = _EXCEPTION_HEAD.match(line)
        after = _TRAILING_WORDS.search(line, head.end()) if head else None
        if after is not None and head is not None and _told_in_chinese(line[head.end() : after.start()].strip(), after.start() == after.end()):
            after = None  # a message a web page translated ("ValueError: 无法将NumPy数组转换为张量"): all of it is the message
        if after is not None:
            # the words after the message go above it: a message that goes on over more lines stays whole
            words.append(line[after.end() :])
            line = line[: after.start()]
        if closing and line.rstrip().endswith(closing):
            line = line.rstrip()[: -len(closing)]
        if words:
            # right above the exception line they would split a traceback from the line that ends it: they go
            # above the traceback instead
            out.insert(_traceback_start(out), " ".join(words))
        out.append(line)
    return out


def _traceback_start(lines: list[str]) -> int:
    """Where the traceback that the last of ``lines`` belongs to begins (``len(lines)`` when they end in no frame)."""
    start = len(lines)
    while start > 0 and (lines[start - 1][:1] in (" ", "\t") or lines[start - 1].startswith(('File "', "Traceback (most recent call last)"))):
        start -= 1
    return start


def restore_placeholders(text: str) -> str:
    """A name the user replaced by ``'*****'`` or ``<name>`` becomes a plain name again."""
    if "'" in text or '"' in text:
        text = _PLACEHOLDER_QUOTED.sub(lambda m: f"{m.group(1)}name{m.group(1)}", text)
    if "<" in text:
        text = _PLACEHOLDER_ANGLE.sub("name", text)
    return text


def ends_in_cut_name(message: str) -> bool:
    """Whether the first line of ``message`` ends inside a quoted name (``No module named 'keras``): cut there, the
    name may have gone on (``'keras.src.engine'``), so the quote ``restore_cut_quotes`` puts back is a guess."""
    first = message.partition("\n")[0].rstrip()
    return first.count("'") % 2 == 1 and _LOST_CLOSING_QUOTE.search(first) is not None


def restore_cut_quotes(message: str) -> str:
    """Put back a quote lost where a message was cut: ``NoneType' object`` -> ``'NoneType' object``."""
    first, sep, rest = message.partition("\n")
    if first.count("'") % 2 == 1:
        fixed = _LOST_OPENING_QUOTE.sub(r"'\1'", first, 1)
        if fixed == first:
            fixed = _LOST_INNER_QUOTE.sub(r"\1 '\2'", first, 1)
        if fixed == first:
            fixed = _LOST_CLOSING_QUOTE.sub(r"\1'", first, 1)
        first = fixed
    return first + sep + rest


def _whole_module_path(message: str) -> str:
    """``import keras.backend.tensorflow_backend ... No module named tensorflow_backend`` -> ``... No module named
    'keras.backend.tensorflow_backend'``: Python 2's last part of a dotted module, given the statement quoted beside it."""
    paths = []
    for m in _IMPORTED_PATH.finditer(message):
        paths.append(m.group("path"))
        if m.group("name"):
            paths.append(f"{m.group('path')}.{m.group('name')}")
    if not paths:
        return message

    def whole(m: Match[str]) -> str:
        ends = [path for path in paths if path.endswith("." + m.group("tail"))]
        return f"No module named '{ends[0]}'" if len(set(ends)) == 1 else m.group(0)

    return _PY2_MODULE_TAIL.sub(whole, message)


def as_python3_prints(message: str) -> str:
    """A message in Python 2's words as Python 3 prints it, which is how the wordings are written.

    ``No module named tensorflow`` (also retyped without quotes) -> ``No module named 'tensorflow'``;
    ``cannot import name 'adam' from keras.optimizers`` (one pair of quotes lost) -> ``... from 'keras.optimizers'``;
    ``unsupported type (<type 'NoneType'>)`` -> ``unsupported type (<class 'NoneType'>)``.
    """
    if "No module named " in message and "import " in message:
        message = _whole_module_path(message)
    if "No module named " in message or "cannot import name " in message:
        message = _BARE_IMPORT_NAME.sub(r"\1 '\2'", message)
    if "cannot import name " in message and " from " in message:
        for pattern, quoted in _HALF_QUOTED_IMPORT:
            message = pattern.sub(quoted, message)
    if "<type '" in message:
        message = _PY2_TYPE_REPR.sub(r"<class '\1'>", message)
    return message


# CPython's fixed messages as a web page's machine translation (or a localised tool) prints them in Chinese, read
# back in Python's own words (Objects/moduleobject.c, Objects/object.c, Python/ceval.c import_from,
# Python/import.c, Python/getargs.c): 'module "tensorflow" has no attribute "Session"' becomes
# 模块“tensorflow”没有属性“Session”. The quoted names survive the translation, so the wording that names them fits.
_Q = r"""['"`]"""
_CODEC = _Q + r"(?P<a>[\w\-]+)" + _Q + r"\s*编解码器无法\s*"
_POSITION = r"位置\s*(?P<p>\d+)\s*(?:中|处|上)?的?\s*"
_CODE_POINT = _Q + r"?(?P<c>[^\s'\"`:,]+?)" + _Q + r"?(?=[\s:,\u3400-\u9fff]|$)"
_ENCODE = "'{a}' codec can't encode character '{c}' in position {p}"
_DECODE = "'{a}' codec can't decode byte {c} in position {p}"
_TRANSLATED_TEMPLATES = (
    (lazy(r"模块\s*" + _Q + r"(?P<a>[\w.]+)" + _Q + r"\s*(?:没有|没|无)属性\s*" + _Q + r"(?P<b>\w+)" + _Q), "module '{a}' has no attribute '{b}'"),
    (lazy(_Q + r"(?P<a>[\w.]+)" + _Q + r"\s*对象\s*(?:没有|没|无)属性\s*" + _Q + r"(?P<b>\w+)" + _Q), "'{a}' object has no attribute '{b}'"),
    (lazy(r"无法从\s*" + _Q + r"(?P<a>[\w.]+)" + _Q + r"\s*导入(?:名称|名字)?\s*" + _Q + r"(?P<b>\w+)" + _Q), "cannot import name '{b}' from '{a}'"),
    (lazy(r"没有名为\s*" + _Q + r"(?P<a>[\w.]+)" + _Q + r"\s*的模块"), "No module named '{a}'"),
    # from where the name starts only: a long word was otherwise read again from each of its letters
    (
        lazy(r"(?<![\w.])(?P<a>[\w.]+\(\))\s*(?:得到|获得|收到)了?(?:一个)?意外的关键字参数\s*" + _Q + r"(?P<b>\w+)" + _Q),
        "{a} got an unexpected keyword argument '{b}'",
    ),
    (lazy(_Q + r"(?P<a>[\w.]+)" + _Q + r"\s*对象不可调用"), "'{a}' object is not callable"),
    (lazy(_Q + r"(?P<a>[\w.]+)" + _Q + r"\s*对象不可(?:下标|订阅|索引)"), "'{a}' object is not subscriptable"),
    # a codec's complaint (Objects/exceptions.c UnicodeEncodeError/UnicodeDecodeError __str__), the verb before or
    # after what it could not convert: "'gbk' 编解码器无法编码位置 5 中的字符 '\xa1'", "... 无法对位置 5 中的字符 '\xa1' 进行编码"
    (lazy(_CODEC + r"(?:对|在)?" + _POSITION + r"(?:字符|字节)\s*" + _CODE_POINT + r"\s*进行编码"), _ENCODE),
    (lazy(_CODEC + r"编码" + _POSITION + r"(?:字符|字节)\s*" + _CODE_POINT), _ENCODE),
    (lazy(_CODEC + r"(?:对|在)?" + _POSITION + r"(?:字符|字节)\s*" + _CODE_POINT + r"\s*进行解码"), _DECODE),
    (lazy(_CODEC + r"解码" + _POSITION + r"(?:字符|字节)\s*" + _CODE_POINT), _DECODE),
)
# Keras's check of what a layer was called on (keras/engine/input_spec.py assert_input_compatibility, tf.keras 2.x
# and Keras 3 keras/src/layers/input_spec.py) retold in Chinese: 'Input 0 of layer "conv1" is incompatible with the
# layer: expected ndim=4, found ndim=3. Full shape received: (None, 256, 3)' becomes
# 层conv1的输入0与层不兼容:需要的ndim=4,找到的ndim=3。收到的完整形状:[None,256,3]
_KERAS_INPUT_CHECK_HEAD = lazy(r"层\s*" + _Q + r"?(?P<a>[\w.\-/]+?)" + _Q + r"?\s*的输入\s*(?P<n>\d+)\s*与(?:该|这个|此)?层不兼容\s*:?\s*")
_SHAPE = r"(?P<{}>[(\[][^()\[\]]*[)\]])"
_EXPECTED = r"(?:需要|预期|期望|应为)的?\s*"
_FOUND = r"(?:找到|发现|得到|实际|收到)的?\s*"
_KERAS_INPUT_CHECK_TAILS = (
    (lazy(_EXPECTED + r"(?P<k>(?:min_|max_)?ndim)\s*=\s*(?P<e>\d+)\s*,\s*" + _FOUND + r"ndim\s*=\s*(?P<f>\d+)"), "expected {k}={e}, found ndim={f}"),
    (lazy(_EXPECTED + r"形状\s*=\s*" + _SHAPE.format("e") + r"\s*,\s*" + _FOUND + r"形状\s*=\s*" + _SHAPE.format("f")), "expected shape={e}, found shape={f}"),
    (
        lazy(
            r"(?:预期|期望)?输入形状的(?:预期|期望)?轴\s*(?P<x>-?\d+)\s*(?:的值)?\s*(?:为|是|具有值)\s*(?P<v>\d+)\s*,\s*但(?:是)?"
            r"(?:接收到|收到|得到)了?的?(?:输入)?(?:形状为|的形状为|形状)\s*" + _SHAPE.format("s") + r"(?:\s*的输入)?"
        ),
        "expected axis {x} of input shape to have value {v}, but received input with shape {s}",
    ),
    (lazy(r"收到的完整形状\s*:\s*" + _SHAPE.format("s")), "Full shape received: {s}"),
)
# TensorFlow's TensorShape.assert_is_compatible_with ("Shapes (None, 10) and (None, 5) are incompatible",
# tensorflow/python/framework/tensor_shape.py), which a loss's check of the target against the output raises
_SHAPES_INCOMPATIBLE = lazy(r"形状\s*" + _SHAPE.format("a") + r"\s*(?:和|与|以及)\s*" + _SHAPE.format("b") + r"\s*(?:是)?不兼容")
# ... and the class names before them ("属性错误：..." for AttributeError)
_TRANSLATED_CLASSES = {
    "属性错误": "AttributeError",
    "导入错误": "ImportError",
    "模块未找到错误": "ModuleNotFoundError",
    "类型错误": "TypeError",
    "值错误": "ValueError",
    "键错误": "KeyError",
    "名称错误": "NameError",
}
_TRANSLATED_CLASS = lazy(r"(?<![A-Za-z])(" + "|".join(_TRANSLATED_CLASSES) + r")\s*[:：]\s*")
_TRANSLATION_SIGNS = ("属性", "导入", "的模块", "关键字参数", "对象不可", "错误", "编解码器", "不兼容")


def _names_into(template: str) -> Callable[[Match[str]], str]:
    """A replacement writing a translated message's quoted names into Python's ``template``."""
    return lambda m: template.format(**m.groupdict())


def _as_printed_shape(shape: str) -> str:
    """A shape as Python prints it, its dimensions apart as a translation may have run them together: ``[None,256,3]`` ->
    ``[None, 256, 3]``, ``(5,)`` kept."""
    dims = [dim.strip() for dim in shape[1:-1].split(",")]
    if len(dims) > 1 and not dims[-1]:
        return shape[0] + ", ".join(dims[:-1]) + "," + shape[-1]
    return shape[0] + ", ".join(dims) + shape[-1]


def _shapes_into(template: str) -> Callable[[Match[str]], str]:
    """Like ``_names_into``, with each shape written as Python prints it."""
    return lambda m: template.format(**{k: _as_printed_shape(v) if v[:1] in "([" else v for k, v in m.groupdict().items() if v is not None})


def _keras_input_check_from_translation(line: str) -> str:
    """Keras's check of a layer's input (``Input 0 of layer "x" is incompatible with the layer: ...``) back in its words."""
    head = _KERAS_INPUT_CHECK_HEAD.search(line)
    if head is None:
        return line
    tail = line[head.end() :]
    for pattern, template in _KERAS_INPUT_CHECK_TAILS:
        tail = pattern.sub(_shapes_into(template), tail)
    return line[: head.start()] + 'Input {n} of layer "{a}" is incompatible with the layer: '.format(**head.groupdict()) + tail


def python_words_from_translation(line: str) -> str:
    """``line`` with CPython's messages and class names that a translation retold in Chinese put back in English.

    ``属性错误：模块“tensorflow”没有属性“Session”`` -> ``AttributeError: module 'tensorflow' has no attribute 'Session'``
    (the curly quotes already straightened). A line without those words is returned as it is.
    """
    if line.isascii() or not any(sign in line for sign in _TRANSLATION_SIGNS):
        return line
    for pattern, template in _TRANSLATED_TEMPLATES:
        line = pattern.sub(_names_into(template), line)
    if "不兼容" in line:
        line = _keras_input_check_from_translation(line)
        line = _SHAPES_INCOMPATIBLE.sub(_shapes_into("Shapes {a} and {b} are incompatible"), line)
    if "错误" in line:
        line = _TRANSLATED_CLASS.sub(lambda m: _TRANSLATED_CLASSES[m.group(1)] + ": ", line)
    return line


def normalize_text(text: str) -> str:
    """The pasted text as the library printed it, as far as that can be told."""
    text = fold_characters(text)
    if "<br" in text or "<BR" in text:
        text = _HTML_BREAK.sub("\n", text)
    if '"stack":' in text:
        text = unwrap_notebook_error_json(text)
    if '"ename":' in text:
        text = unwrap_ipynb_error_json(text)
    if "]<std" in text:
        # a terminal wraps the tagged line, tag included: rejoin at the width it cut before the tags go
        text = _RANK_TAG.sub("", "\n".join(rejoin_wrapped(text.splitlines())))
    lines = text.splitlines()
    lines = strip_markdown(lines)
    if " :" in text or "\t:" in text:
        lines = [_SPACED_EXCEPTION_COLON.sub(lambda found: found.group(1) + ":", line) if " :" in line or "\t:" in line else line for line in lines]
    if indented_as_a_whole("\n".join(lines)):
        # a Markdown code block (Stack Overflow's four spaces), a list item or a quoted log indents every line
        # alike; the traceback inside it is read at its own margin, where Python printed its header and message
        import textwrap  # it imports re: only an indented paste pays for it

        lines = textwrap.dedent("\n".join(lines)).splitlines()
    lines = split_padded_lines(lines)
    if not text.isascii():
        lines = split_glued_exception_lines([python_words_from_translation(line) for line in lines])
    lines = rejoin_wrapped(lines)
    if 'File "' in text:
        lines = rejoin_cut_frame_heads(lines)
    if '", line ' in text:
        lines = [restore_frame_head(line) if '", line ' in line else line for line in lines]
    if "`" in text:
        lines = _drop_lone_edge_backticks(lines)  # after rejoining: a wrap may cut a code span at a line's edge
    text = "\n".join(lines)
    return restore_placeholders(text)


def quoted_names(template: str) -> Callable[[Match[str]], str]:
    """A replacement writing the names a pattern found into ``template`` (``"module '{}' has no attribute '{}'"``)."""
    return lambda found: template.format(*found.groups())


def requote_names(message: str) -> str | None:
    """Python's quotes put back around the names of a message pasted without any, or None when nothing changes.

    ``module tensorflow has no attribute random_normal`` -> ``module 'tensorflow' has no attribute 'random_normal'``;
    a message that still holds a quote is left as it is, unless the asker marked its names with Markdown backticks
    (``has no attribute `contrib` ``, ``has no attribute `'contrib'` ``).
    """
    first, sep, rest = message.partition("\n")
    if "`" in first:
        # ``module 'tensorflow' has no attribute `contrib` `` -> ``module 'tensorflow' has no attribute 'contrib'``
        # functions, not "\\1" templates: reading a template makes the engine import ``re`` (Keras's own `rate` matches)
        unmarked = _BACKTICK_NAME.sub(lambda found: found.group(1), first)
        requoted = unmarked
        for pattern, quoted in _LOOSE_NAMES:
            requoted = pattern.sub(quoted_names(quoted), requoted)
        # only a message of these templates: Keras's own backticks (`keras.Layer`) stay where no template holds them
        return requoted + sep + rest if unmarked != first and requoted != unmarked else None
    if "'" in first or '"' in first:
        return None
    changed = first
    for pattern, quoted in _BARE_NAMES:
        changed = pattern.sub(quoted, changed)
    return changed + sep + rest if changed != first else None


# an issue title that dropped the word "module" (with or without the quotes) before a dotted module path:
# "tensorflow.python.keras.backend has no attribute 'get_graph'", "'tensorflow.keras.backend' has no attribute
# 'control_flow_ops'"; an object's message names a class and says "object", so a lower-case dotted path right
# before "has no attribute" is a module's, save NumPy's lower-case classes ("'numpy.ndarray' object has no
# attribute 'append'" with its "object" dropped)
_MODULE_WORD_DROPPED = lazy(
    r"^(?P<cls>(?:[A-Za-z_][\w.]*Error:\s*)?)(?P<q>'?)(?P<mod>[a-z_]\w*(?:\.[a-z_]\w*)+)(?P=q) has no attribute "
    r"'?(?P<name>[A-Za-z_]\w*)'?"
)
_NUMPY_CLASS = lazy(r"(?:numpy|np)\.(?:ndarray|matrix|generic|(?:u?int|float|complex)\d*|(?:bool|str|bytes|object)_)$")


def module_word_restored(message: str) -> str | None:
    """``module '<path>' has no attribute '<name>'`` for a message that names a dotted module path without the
    word ``module``, or None when it does not start so."""
    m = _MODULE_WORD_DROPPED.match(message.strip())
    if m is None or _NUMPY_CLASS.match(m.group("mod")):
        return None
    rest = message.strip()[m.end() :]
    return f"{m.group('cls')}module '{m.group('mod')}' has no attribute '{m.group('name')}'{rest}"


def backticks_for_quotes(message: str) -> str | None:
    """Single-quoted code spans as backtick ones, or None when the message has none to change.

    Keras 3 (and tf.keras) messages put code in backticks (`.keras`, `keras.Layer`);
    askers who retype a message, or whose editor turned code marks into quotes, paste
    '.keras'. The library's own single quotes stay in the message as given, so only a
    second reading of it uses this.
    """
    if "'" not in message or _TUPLE_REPR.match(message):
        # a printed tuple's quotes are Python's repr of the library's own string, never code retyped by the asker
        return None
    changed = _QUOTED_CODE.sub(r"`\1`", message)
    return changed if changed != message else None


def close_spaced_colons(message: str) -> str:
    """``not recognized : {'lr' : 0.001}`` -> ``not recognized: {'lr': 0.001}``: a space typed before a colon (French
    typography, a message retyped on a web page); Python puts none there in its messages and reprs."""
    if " :" not in message and "\t:" not in message:
        return message
    return _SPACED_COLON.sub(":", message)


# Python's missing-attribute message retyped without its small words (an issue title: "'Functional' object no attribute
# 'fit_generator'", "module 'tensorflow' no attribute 'app'"), or its first word cut ("import name 'log' from ..."):
# Objects/object.c and Objects/moduleobject.c always say "has no attribute", Python/ceval.c "cannot import name"
_HAS_LEFT_OUT = lazy(r"(\bobject|\bmodule '[\w.]+')[ \t]+no[ \t]+attribute\b")
_CANNOT_CUT = lazy(r"^((?:[\w.]*Error:[ \t]*)?)import name '")
# the word after "has no" retyped with a slip ("has no attirbute 'app'", "has no atribute"): Python's word is "attribute"
_HAS_NO_WORD = lazy(r"\bhas no ([A-Za-z]{6,12})(?=[ \t]+['`\"]?[A-Za-z_])")


def _slips_apart(word: str, target: str) -> int:
    """How many slips (a letter added, left out, changed, or two swapped) turn ``word`` into ``target``; 3 means more."""
    if abs(len(word) - len(target)) > 2:
        return 3
    previous2: list[int] = []
    previous = list(range(len(target) + 1))
    for i, a in enumerate(word, 1):
        current = [i]
        for j, b in enumerate(target, 1):
            cost = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a != b))
            if i > 1 and j > 1 and a == target[j - 2] and word[i - 2] == b:
                cost = min(cost, previous2[j - 2] + 1)
            current.append(cost)
        previous2, previous = previous, current
    return min(previous[-1], 3)


def small_words_restored(message: str) -> str:
    """``'Sequential' object no attribute 'x'`` -> ``'Sequential' object has no attribute 'x'``; ``import name 'x' from
    'y'`` at the start -> ``cannot import name 'x' from 'y'``; ``has no attirbute`` -> ``has no attribute``: the words of
    Python's own message a retyped title left out or mistyped."""
    if "has no " in message and "has no attribute" not in message:
        message = _HAS_NO_WORD.sub(lambda m: "has no attribute" if _slips_apart(m.group(1).lower(), "attribute") <= 2 else m.group(0), message)
    if " no attribute" in message:
        message = _HAS_LEFT_OUT.sub(r"\1 has no attribute", message)
    if "import name '" in message:
        message = _CANNOT_CUT.sub(r"\1cannot import name '", message)
    return message


def drop_elisions(message: str) -> str:
    """``a ... b`` -> ``a b``: the wording around a part the user left out can still match."""
    if "..." not in message and "\u2026" not in message:
        return message
    return _ELISION.sub(" ", message)


# the words an issue title puts after the message it quotes ("KeyError: 'val_acc' Errors", "No module named 'cv2'
# error"): read only after the message's own closing quote or bracket, which no wording is followed by these words
_TITLE_TAIL_WORDS = frozenset({"error", "errors", "exception", "issue", "issues", "problem", "bug"})
_CLOSING_MARKS = "'\"`)]}>"
MAX_TITLE_CHARS = 300  # a one-line paste longer than this is no issue title


def without_title_tail(message: str) -> str | None:
    """``'val_acc' Errors`` -> ``'val_acc'``: the message an issue title quotes, without the words it adds after it.

    None when the one-line ``message`` ends with no such word, or the words before them do not end with a
    closing quote or bracket (a wording may itself end in "error").
    """
    if "\n" in message or len(message) > MAX_TITLE_CHARS:
        return None
    words = message.rstrip(" .!?").split(" ")
    cut = 0
    while cut < 2 and len(words) - cut > 1 and words[-1 - cut].lower() in _TITLE_TAIL_WORDS:
        cut += 1
    if not cut:
        return None
    kept = " ".join(words[: len(words) - cut]).rstrip()
    return kept if kept and kept[-1] in _CLOSING_MARKS else None


def joined_messages(message: str, type_name: str) -> list[str] | None:
    """``'acc' and KeyError: 'val_acc'`` -> ``["'acc'", "'val_acc'"]``: the messages of one exception class that an
    issue title names together, joined by "and" (or a comma) before the class repeated; None when it names one."""
    if "\n" in message or len(message) > MAX_TITLE_CHARS or not type_name:
        return None
    name = type_name.rsplit(".", 1)[-1] + ": "
    if name not in message:
        return None
    parts = [message]
    for joint in (" and " + name, ", " + name, " & " + name):
        parts = [piece for part in parts for piece in part.split(joint)]
    parts = [part.strip() for part in parts if part.strip()]
    return parts if len(parts) > 1 else None


# an issue title that retells Python's missing-attribute or failed-import message in its own words instead of quoting
# it: "tensorflow 2.0 not having attribute python", "Sequential doesn't have attribute predict_classes", "Error in
# importing conv_utils from tf_keras.utils", "can't import tensorflow.keras.layers.Merge". Python's own wordings
# (Objects/moduleobject.c, Objects/object.c, Python/ceval.c import_from) say "has no attribute" and "cannot import name"
_TOLD_NO_ATTRIBUTE = lazy(
    r"^(?:[\w.]*(?:Error|Exception)(?![\w.]):?\s*)?(?P<subj>[A-Za-z_][\w.]*)(?:\s+v?\d+(?:\.\d+)*)?(?P<obj>\s+(?:object|class|instance))?"
    r"\s+(?:is\s+|was\s+)?(?:not\s+having|does\s*n[o']t\s+have|do\s*n[o']t\s+have|did\s*n[o']t\s+have|having\s+no|has\s+no|have\s+no"
    r"|lacks?|lacking)(?:\s+(?:the|an|any))?\s+attr(?:ibute)?s?\s+[`'\"]?(?P<name>[A-Za-z_]\w*)[`'\"]?",
    IGNORECASE,
)
_IMPORT_FAILED = (
    r"(?:can\s*not|can't|could\s*n(?:o|')t|unable\s+to|not\s+able\s+to|fail(?:s|ed)?\s+to"
    r"|(?:error|errors|problem|issue|failure|fail(?:s|ed)?)\s+(?:in|when|while|on|with)|unable)\s+import(?:ing)?"
)
_TOLD_IMPORT_FROM = lazy(
    _IMPORT_FAILED + r"\s+[`'\"]?(?P<name>[A-Za-z_]\w*)[`'\"]?\s+from\s+[`'\"]?(?P<mod>[A-Za-z_][\w.]*[A-Za-z_0-9])",
    IGNORECASE,
)
# "can't import keras.layers.Merge": a capitalised last part of the path is a class, imported from the module before it
_TOLD_IMPORT_DOTTED = lazy(
    _IMPORT_FAILED + r"\s+[`'\"]?(?P<mod>[a-z_]\w*(?:\.[a-z_]\w*)+)\.(?P<name>[A-Z]\w*)\b(?![.(])",
    IGNORECASE,
)
# the packages whose missing attributes a bare lower-case name in such a title can stand for (a class is capitalised;
# "model has no attribute fit" names the user's variable, not a module)
_MODULE_NAMES = frozenset({"tensorflow", "keras", "tf_keras", "numpy", "h5py", "jax", "torch", "scipy", "sklearn", "pandas", "cv2"})
_MODULE_ALIASES = {"tf": "tensorflow", "np": "numpy"}  # the names the packages are imported as; Python names the module


def told_in_python_words(message: str) -> str | None:
    """Python's message for what a one-line issue title tells in its own words, or None when it retells none.

    ``tensorflow 2.0 not having attribute python`` -> ``module 'tensorflow' has no attribute 'python'``;
    ``Error in importing conv_utils from tf_keras.utils`` -> ``cannot import name 'conv_utils' from 'tf_keras.utils'``.
    A message already in Python's words is left to the other readings.
    """
    line = message.strip()
    if "\n" in line or len(line) > MAX_TITLE_CHARS or "cannot import name" in line:
        return None
    m = _TOLD_IMPORT_FROM.search(line) or _TOLD_IMPORT_DOTTED.search(line)
    if m is not None:
        return f"cannot import name '{m.group('name')}' from '{m.group('mod')}'"
    m = _TOLD_NO_ATTRIBUTE.match(line)
    if m is None or line[m.start("subj") :].lower().startswith(("module ", "'module' ")):
        return None
    subj, name = m.group("subj"), m.group("name")
    module = _MODULE_ALIASES.get(subj.lower(), subj.lower())
    if module in _MODULE_NAMES and not m.group("obj"):
        return f"module '{module}' has no attribute '{name}'"
    if m.group("obj") or subj[0].isupper():
        return f"'{subj}' object has no attribute '{name}'" if "." not in subj and subj.lower() != "module" else None
    return f"module '{subj}' has no attribute '{name}'" if "." in subj else None


def flatten_message(message: str) -> str:
    """One line: a message wrapped at word boundaries reads as the library printed it."""
    return " ".join(line.strip() for line in message.splitlines() if line.strip())

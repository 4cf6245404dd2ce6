"""Find the errors in pasted text, a log file or a live exception.

Text input is read line by line by one state machine, so a 50 MB training log
costs one pass and bounded memory: tracebacks become exception records (chains
kept in order), warnings and ``WARNING:tensorflow:`` / absl lines become warning
and log records (deduplicated, counted), and progress-bar lines whose loss is
``nan``/``inf``/negative become progress records.
"""

from __future__ import annotations

import builtins
import io  # already loaded by the interpreter for its own standard streams

from kerasdoctor.lazyre import DOTALL, MULTILINE, lazy
from kerasdoctor.types import INFO_LOG, LAZY_IMPORT_WRAPPER, ErrorRecord, Frame

TYPE_CHECKING = False
if TYPE_CHECKING:
    import re
    from collections.abc import Callable, Iterable, Iterator, Sequence
    from typing import Any

MAX_MESSAGE_LINES = 400
MAX_MESSAGE_CHARS = 64_000
MAX_RECORDS = 400  # distinct warning/log/progress records kept from one input
MAX_EXCEPTIONS = 50  # the last ones win: the crash that ended a long log is at its end
MAX_LINE_CHARS = 20_000
# what a person pastes; a longer text is a machine's log, never retyped by a chat app or word processor
MAX_PASTE_CHARS = 256_000
MAX_FRAMES = 200  # frames kept per traceback: the first and last half, as Python elides a deep recursion
MAX_NOTES = 50
MAX_CONTEXT_LINES = 12  # IPython's source lines around a frame's arrow that are kept to read a raise statement
MAX_EPOCHS = 1000  # epoch-end loss pairs kept from one log: the trend that matters is at its end
MAX_LOG_LINES = 20  # a log message's own lines: TF's multi-line warnings, or one line wrapped by a terminal
# a Python warning's message lines after its first, read only when the source line Python prints under the message
# follows them (a library's "caused by: ... undefined symbol" under "unable to load ...so")
MAX_WARNING_LINES = 3
MAX_INFO_RECORDS = 50  # distinct INFO lines kept: an allocator's dump holds thousands, and they must not crowd out the rest

_ANSI = lazy(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[=>]")
# IPython's colour codes that lost their escape character on the way (an nbconvert error in a CI log, a page that
# dropped the control character: "[0;31mValueError[0m"), or were copied from a notebook's JSON as "\u001b[0;31m"
_BARE_ANSI = lazy(r"(?:\\u001[bB]|\\x1[bB]|\\033)?\[(?:\d{1,3}(?:;\d{1,3})*)?m")
_TB_START = lazy(r"^\s*Traceback \(most recent call last\):\s*$")
# IPython on Python 2 printed the class glued to the header: "AttributeErrorTraceback (most recent call last)"
_IPY_TB_HEADER = lazy(
    r"^([A-Za-z_][\w.]*?(?:(?<=Error)|(?<=Exception)|(?<=Warning)|(?<=Exit)|(?<=Interrupt)|(?<=Iteration))|[A-Za-z_][\w.]*(?=\s{2}))"
    r"\s*Traceback \(most recent call last\)"
)
_DASHES = lazy(r"^-{30,}\s*$")
# VS Code's debugger: "Exception has occurred: ValueError", the message, then the frames innermost first
_VSCODE_HEADER = lazy(r"^Exception has occurred: (?P<type>[A-Za-z_][\w.]*)\s*$")
# pytest's long traceback: "path/to/file.py:46: in func", the failing line marked ">", the error lines "E   ..."
_PYTEST_FRAME = lazy(r"^(?P<path>[^\s:>][^:]*\.pyx?):(?P<line>\d+): in (?P<func>\S+)\s*$")
_PYTEST_ERROR = lazy(r"^E(?:\s+(?P<text>.*))?$")
# ", in" may end the line when a page dropped "<module>" as an HTML tag, and the path may be empty when it
# dropped "<stdin>" or "<string>" the same way (a page that rendered the tag apart also leaves a space before the comma)
_PY_FRAME = lazy(r'^\s*File "(?P<path>[^"]*)" ?, line (?P<line>\d+)(?:,\s*in(?: (?P<func>.+?))?)?\s*(?:\*)?\s*$')
_IPY_FRAME = lazy(
    # Spyder (IPython 8) writes the function without the comma: "File ~\\pkg\\__init__.py:68 in set_framework"
    r"^\s*(?:File (?P<path>.+?):(?P<line>\d+)(?:,? in (?P<func>.+))?"
    r"|Cell (?P<cell>In\s*\[\d*\]), line (?P<cline>\d+)(?:, in (?P<cfunc>.+))?"
    # IPython 8.0-8.4 named a cell "Input In [3], in <cell line: 1>()", with no line number until the arrow
    r"|(?P<input>Input In\s*\[\d*\]), in (?P<ifunc>.+)"
    # VS Code's Jupyter extension (2023) names a cell by its notebook: "/path/nb.ipynb Cell 13 line 1"
    r"|(?P<nb>\S.*?\.ipynb) Cell \d+ line (?P<nbline>\d+))\s*$"
)
# Python 2 kernels show the compiled file (.pyc); Windows paths may hold spaces (C:\Program Files\...)
# a %%time cell runs as "<timed exec>"; Colab's Google Drive paths hold a space ("/content/gdrive/My Drive/...")
_IPY_OLD_FRAME = lazy(
    r"^(?P<path><ipython-input-[^>]+>|<timed (?:exec|eval)>|/\S.*?\.pyc?|[A-Za-z]:\\.+?\.pyc?|~\S.*?\.pyc?)"
    r" in (?P<func><cell line: \d+>|[\w<>.]+)(?:\(|\s*$)"
)
_RAISE_LITERAL = lazy(r"""^raise (?P<type>[A-Za-z_][\w.]*)\(\s*[fr]?(?P<q>["'])(?P<msg>.+?)(?P=q)""")
# a raising statement pasted at the margin under a traceback's frames: the source line of a frame whose 'File' line
# the paste lost (an assert with its message, a raise of a named exception)
_SOURCE_STATEMENT = lazy(r"""^(?:assert\s.*,\s*[fr]?["']|raise\s+[A-Za-z_][\w.]*\()""")
_MARKDOWN_LINK = lazy(r"^\[(?P<text>[^\]]+)\]\([^)]*\)")  # Colab writes frame paths as [path](url)
_GLUE_SIGNS = ("Traceback (most", "WARNING:", "ERROR:", "CRITICAL:", "FATAL:", ": W ", ": E ", ": F ", ": I ")
# a link's text holds no bracket: with one, a line of many "[" was read to its end from each of them
_INLINE_LINK = lazy(r"\[(?P<text>[^\[\]\n]+)\]\((?:https?|file|vscode)[^)\s]*\)")
# Colab's folded-frames widget ("1 frames") copied without the line break before the next frame
_FOLDED_FRAMES = lazy(r"^(\s*\d+ frames)(?=[\[/~<])")
# the same links copied from VS Code's notebook output as HTML: <a href='vscode-notebook-cell:...?line=23'>24</a>
_HTML_LINK = lazy(r"""<a href=(?P<q>['"])(?:https?|file|vscode)[^'"]*(?P=q)>(?P<text>[^<\n]*)</a>""")
# where one line holds two: before a log prefix or a traceback header that follows other output on
# the same line, and after a traceback header that is followed by its first frame
_GLUED = lazy(
    r"(?<=\S)(?=(?:WARNING|ERROR|CRITICAL|FATAL):(?:tensorflow|absl|root|keras|py\.warnings):)"
    r"|(?<=\S)(?=Traceback \(most recent call last\):)"
    r"|(?<=\S)(?=\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+: [IWEF] \S)"
    r"|(?<=Traceback \(most recent call last\):)[ \t]*(?=\S)"
)
# a whole traceback on one line (an issue title, a page that lost the line breaks): each frame and chain sentence begins a
# line of its own, and so does the exception line after the last frame
_INLINE_FRAME = lazy(
    r'(?<=\S)\s+(?=File "[^"\n]+", line \d+|Traceback \(most recent call last\):'
    r"|During handling of the above exception|The above exception was the direct cause)"
)
_INLINE_EXCEPTION = lazy(
    r"(?<=\S)\s+(?=(?:[A-Za-z_]\w*\.)*_?(?:(?=[A-Z]\w*?(?:Error|Exception|Exit|Interrupt|Failure))[A-Z]\w*|Exception)(?: \(see above for traceback\))?: )"
)
_IPY_ARROW = lazy(r"^-*> ?(?P<line>\d+)\s(?P<code>.*)$")
# a frame's function name in angle brackets (<module>, <listcomp>) with its source line glued on, no space between
# them: the code starts with a name right after the ">" (not "<cell line: 1>" nor "<module>()")
_GLUED_CODE_AFTER_NAME = lazy(r"<[a-z]+>[A-Za-z_]")
_DIGITS = lazy(r"\d+")
_SPACES = lazy(r"\s+")
_TIMINGS = lazy(r"(?<!\d)\d+(?:\.\d+)?m?s(?:/\w+)?\b")
_EXC_WORDS = lazy(r"Error|Exception|Exit|Interrupt|Failure")
_CARETS = lazy(r"^\s*[\^~]+\s*$")
_CHAIN_CAUSE = "The above exception was the direct cause of the following exception:"
# Python's report of an error it ignored while shutting down (a session's __del__, an atexit hook): noise after the real one
_SHUTDOWN_NOISE = ("Exception ignored in", "Error in atexit._run_exitfuncs")
_CHAIN_CONTEXT = "During handling of the above exception, another exception occurred:"
# the two chain sentences as a person retypes them (a phone photo copied by hand): "occured", the colon left off
_CHAIN_SENTENCE = lazy(
    r"^(?:During handling of the above exception, another exception occurr?ed|The above exception was the direct cause of the following exception):?$"
)
# TF 1.x repeats a graph error's type after its "Caused by op" frames as "InvalidArgumentError (see above for traceback): ..."
_SEE_ABOVE = r"(?: \(see above for traceback\))?"
_EXC_LINE = lazy(r"^(?P<type>[A-Za-z_][\w.]*)" + _SEE_ABOVE + r"(?::(?: (?P<msg>.*)|\s*)?)?$")
# the last word holds an exception class's ending: the lookahead reads the word once, where a bare ending read the
# rest of a long word again after each "Error" in it
_LOOKS_LIKE_EXC = lazy(r"(?<!\w)(?=\w*?(?:Error|Exception|Warning|Exit|Interrupt|Iteration|Failure|Fault))\w*$")
# a class name is a word that holds "Error", "Exception", "Exit", "Interrupt" or "Failure" after its first letter: the
# lookahead finds it once, where "[A-Z]\w*(?:Error|...)\w*" tried each "Error" of a long word with the rest of the line
_BARE_EXC_LINE = lazy(
    r"^(?:\w+[ \t]+)?(?P<type>(?:[A-Za-z_]\w*\.)*(?=[A-Z]\w*?(?:Error|Exception|Exit|Interrupt|Failure))[A-Z]\w*)" + _SEE_ABOVE + r": ?(?P<msg>.*)$"
)
# compiled extensions' sources (h5py, numpy): never the user's code, and Python prints no source line under their frames
_COMPILED_SUFFIXES = (".pyx", ".pxd", ".pxi")
# the other frames Python prints no source line under: frozen modules, code run from a string or typed at the prompt
_SOURCELESS_PREFIXES = ("<frozen ", "<string>", "<stdin>")
# a builtin's class retyped by hand with a lower-case initial ("keyError:'val_acc'", "valueError: ..."): an exception
# line only when the name is a builtin exception's but for case or one slip (see _builtin_exception_retyped)
_LOWER_BUILTIN_EXC_LINE = lazy(r"^(?P<type>[a-z]\w*(?:Error|Exception)): ?(?P<msg>\S.*)$")
# the user's words, then an exception line on the same line ("When I fit I get this error: ValueError: ..."):
# the exception's class starts after a space, a colon or an opening quote, and its message follows; a lead-in
# without a word (a list bullet, a quote sign) is no sentence, and the line stays as it was pasted
_LEAD_IN_EXC = lazy(
    r"^(?P<lead>[^A-Za-z\u4e00-\u9fff]*[A-Za-z\u4e00-\u9fff].*?[\s:\uff1a,\uff0c(\uff08\"'`])"
    r"(?P<type>(?:[A-Za-z_]\w*\.)*[A-Z]\w*(?:Error|Exception)):(?: |(?=['\"]))(?P<msg>\S.*)$"
)
# a sentence that quotes the error ('It says "ModuleNotFoundError: No module named 'keras'".'): the quote the
# lead-in opened closes after the message, and it and the sentence's punctuation are no part of the message
_CLOSING_QUOTES = {'"': '"', "\u201c": "\u201d", "`": "`", "\u300c": "\u300d", "\u300e": "\u300f"}
_SENTENCE_END = ".,;:!?)\u3002\uff0c\uff1b\uff01\uff1f\uff09 \t"


def _without_closing_quote(lead: str, message: str) -> str:
    if lead[-1:] in ("(", "\uff08"):
        # "an error (KeyError: 'val_loss'), is there ...": the message ends at the parenthesis that closes the
        # lead-in's, the first one the message itself did not open ("shape=(None, 3)" stays whole)
        depth = 0
        for i, ch in enumerate(message):
            if ch in "(\uff08":
                depth += 1
            elif ch in ")\uff09":
                if depth == 0:
                    return message[:i].rstrip()
                depth -= 1
        return message
    closing = _CLOSING_QUOTES.get(lead[-1:])
    if closing is None:
        return message
    body = message.rstrip(_SENTENCE_END)
    # a straight quote that also occurs inside the message closes the lead-in's only when it is the odd one out
    if body.endswith(closing) and (closing != lead[-1] or message.count(closing) % 2 == 1):
        return body[: -len(closing)].rstrip()
    return message


_PY_WARNING = lazy(r"^(?P<path>.+?):(?P<line>\d+): (?P<type>[A-Z]\w*Warning): (?P<msg>.*)$")
_BARE_WARNING = lazy(r"^(?P<type>[A-Z]\w*Warning): (?P<msg>.+)$")
# the line warnings.showwarning prints under the message: the warning's source line, indented by two spaces (not a
# Keras progress bar's "  1/100 [....", whose step counter is padded the same way)
_WARNING_SOURCE_LINE = lazy(r"^  [^\s\d]")
_LOG_LINE = lazy(r"^(?P<level>WARNING|ERROR|CRITICAL|FATAL):(?P<logger>[\w.]+):(?P<msg>.*)$")
_GLOG_LINE = lazy(
    r"^(?:(?P<lvl1>[WEF])\d{4} [\d:]+\.\d+\s+\d+\s+(?P<src1>[^\]\s]+)\]"
    # the date may be cut off a pasted line, leaving the time with its microseconds: "9:07:50.044545: W external/..."
    r"|(?:\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(?:\.\d+)?|\d{1,2}:\d\d:\d\d\.\d+):?\s+(?P<lvl2>[WEF])\s+(?P<src2>[^\]\s]+)\]"
    # TensorFlow before 1.0 logged without a timestamp: "W tensorflow/core/common_runtime/executor.cc:1076] ..."; a
    # Windows build names its source with the build machine's drive: "W T:\src\github\tensorflow\...\bfc_allocator.cc:219]"
    r"|(?P<lvl3>[WEF]) (?P<src3>(?:[A-Za-z]:)?[\w./\\-]+\.(?:cc|h|py):\d+)\]"
    # an issue title or a quote that kept the source location but lost the level and the time:
    # "tensorflow/core/common_runtime/bfc_allocator.cc:275] Ran out of memory trying to allocate 144.00MiB."
    r"|(?P<src4>(?:external/[\w.-]+/)?(?:tensorflow|tsl|xla)/[\w./-]+\.(?:cc|h):\d+)\]"
    # protobuf's own C++ logging, which TensorFlow's native library and the protobuf package both link:
    # "[libprotobuf ERROR google/protobuf/descriptor_database.cc:394] Invalid file descriptor data ..."
    r"|\[libprotobuf (?:WARNING|ERROR|FATAL) (?P<src5>[^\]\s]+)\])\s*(?P<msg>.*)$"
)
# how such a location without its level begins
_BARE_SOURCE_START = ("tensorflow/", "external/", "tsl/", "xla/")
# an absl/glog line of any level, INFO included (which is not kept as a record but starts a line of its own)
_ANY_GLOG = lazy(r"^(?:[IWEF]\d{4} \d\d:\d\d|[IWEF] (?:[A-Za-z]:)?[\w./\\-]+\.(?:cc|h|py):\d+\])")
# TensorFlow's INFO lines (absl/glog level I), in the same three layouts as _GLOG_LINE: kept as records of type INFO_LOG
# beside other records, since a few of them state the problem ("Ignoring visible gpu device ... The minimum required Cuda
# capability is 3.5", "kernel driver does not appear to be running on this host")
_INFO_GLOG_LINE = lazy(
    r"^(?:I\d{4} [\d:]+\.\d+\s+\d+\s+[^\]\s]+\]"
    r"|(?:\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(?:\.\d+)?|\d{1,2}:\d\d:\d\d\.\d+):?\s+I\s+[^\]\s]+\]"
    r"|I (?:[A-Za-z]:)?[\w./\\-]+\.(?:cc|h|py):\d+\])\s*(?P<msg>.*)$"
)


def words_beside_warnings(prose: str, records: Sequence[ErrorRecord]) -> ErrorRecord | None:
    """The user's own lines of ``prose`` when every record read from it is a Python warning or a library's log line (a
    FutureWarning, a TensorFlow ``W`` line pasted in a question): a message record holding them, or None when there are
    none or other records were read. Beside log lines, the user's lines are those of a few words that are no line of
    the log (a progress bar, an "Epoch 1/3" line): what the user wrote, or quoted of a message cut from its log prefix
    (a line copied from its middle), which no record holds."""
    if not prose or not records or any(r.kind not in ("warning", "log") for r in records):
        return None
    heads = [r.message.strip()[:60] for r in records if r.message.strip()]
    own = [line for line in strip_ansi(prose).splitlines() if line.strip() and not any(head in line for head in heads)]
    if any(r.kind == "log" for r in records):
        from kerasdoctor.explain.match import long_enough_to_describe

        own = [line for line in own if long_enough_to_describe(line) and _END_OF_MESSAGE.match(line) is None and not holds_log_lines(line)]
    text = "\n".join(own).strip()[:MAX_MESSAGE_CHARS]
    return ErrorRecord(kind="message", message=text, key_message=unwrap_message(text)) if text else None


def is_signal_report(record: ErrorRecord) -> bool:
    """Whether ``record`` is a shell's report of the signal that ended the process (``Aborted``, ``Illegal instruction
    (core dumped)``): what the library printed before it, bare on stderr without a log prefix (TensorFlow's "compiled to
    use AVX instructions" before it aborts), is then among the lines read as the user's own."""
    return record.kind == "log" and record.type is None and reports_process_death(record.message.strip())


def reports_process_death(stripped: str) -> bool:
    """Whether a stripped line is a shell's or a runner's report that the process died of a signal or an exit code."""
    return any(word in stripped for word in _DEATH_WORDS) and bool(_PROCESS_DEATH.match(stripped))


def holds_log_lines(text: str) -> bool:
    """Whether a line of ``text`` is a TensorFlow/absl log line of any level: a log was pasted, not a sentence quoting one."""
    for line in text.splitlines():
        line = line.strip()
        if line and (_ANY_GLOG.match(line) or _INFO_GLOG_LINE.match(line) or _GLOG_LINE.match(line)):
            return True
    return False


# what a shell prints when a signal ended the process (bash, with or without its job line "line 6: 3305 ...", and zsh):
# a line of its own, never the continuation of the log line above it
_PROCESS_DEATH = lazy(
    r"^(?:(?:\S+: line \d+:\s+\d+ |zsh: )?(?:Illegal instruction|Segmentation fault|Aborted|Bus error|Floating point exception"
    r"|illegal hardware instruction|segmentation fault|abort)(?:\s*\(core dumped\)|: \d+)?(?:\s{2,}\S.*)?"
    # an IDE's run console (PyCharm): a signal's name, or a Windows status code such as 0xC0000005
    r"|Process finished with exit code -?\d+ \((?:interrupted by signal \d+: ?\w+|0x[0-9A-Fa-f]+)\))$"
)
_OBJC_UNRECOGNIZED = lazy(r"[-+]\[\w+ [^\]\n]+\]: unrecognized selector sent to (?:instance|class) 0x[0-9a-fA-F]+")
_DEATH_WORDS = ("llegal", "egmentation", "bort", "Bus error", "Floating point", "exit code")
_TS_LOG_LINE = lazy(
    r"^\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(?:[.,]\d+)?\s*[-:|]?\s*(?:\w+\s*[-:|]\s*)?"
    r"(?P<level>WARNING|ERROR|CRITICAL)\s*[-:|]?\s*(?P<msg>.*)$"
)
_PROGRESS_BAD = lazy(r"(?i)\b(?:val_)?loss: (?:-?nan|-?inf|-\d)|Invalid loss, terminating training")
# an epoch's last progress line: the training and the validation loss (Keras prints val_* only when the epoch ends)
_EPOCH_LOSSES = lazy(r"(?:^|[\s-])loss: (?P<loss>\d+(?:\.\d+)?(?:e[-+]?\d+)?)\b.*?\bval_loss: (?P<val>\d+(?:\.\d+)?(?:e[-+]?\d+)?)\b")
# the shell's word for a process it saw killed by SIGKILL (the kernel's out-of-memory killer, as a rule), alone on
# its line or glued to the progress bar it cut off ("loss: 2.1371Killed", bash's "line 6:  3305 Killed  cmd")
_KILLED = lazy(r"(?:^|[\d\]]|\d\s{1,3})Killed(?:\s*$|\s{2,})")
# what a training log shows of overfitting, in the words users write it with (the record the symptom phrases read)
_OVERFITTING_WORDS = "val_loss increasing while loss decreasing"
MIN_RISE = 1.1  # the validation loss ends at least this much above its lowest value ...
MIN_EPOCHS_AFTER_BEST = 2  # ... at least this many epochs after it


def overfitting_trend(epochs: list[tuple[float, float]]) -> str | None:
    """Describe the validation loss rising while the training loss keeps falling, from (loss, val_loss) per epoch."""
    if len(epochs) <= MIN_EPOCHS_AFTER_BEST:
        return None
    val = [v for _, v in epochs]
    best = min(range(len(val)), key=val.__getitem__)
    after = val[best:]
    rises = sum(b > a for a, b in zip(after, after[1:]))
    if len(after) - 1 < MIN_EPOCHS_AFTER_BEST or val[-1] < val[best] * MIN_RISE or rises * 2 < len(after) - 1:
        return None
    if epochs[-1][0] >= epochs[best][0]:
        return None  # the training loss rose too: not overfitting (a learning rate too high, bad data)
    return f"{_OVERFITTING_WORDS}: val_loss {val[best]:g} -> {val[-1]:g}, loss {epochs[best][0]:g} -> {epochs[-1][0]:g} over the last {len(after)} epochs"


def _is_trend(record: ErrorRecord) -> bool:
    return record.kind == "progress" and record.message.startswith(_OVERFITTING_WORDS)


# TensorFlow's deprecation notices (python/util/deprecation.py "... (from M) is deprecated and will be removed in a future
# version", module_wrapper.py "The name tf.X is deprecated. Please use tf.compat.v1.X instead") and Python's own
# DeprecationWarning: a renamed API that still works, no problem of its own
_DEPRECATION_NOTICE = lazy(r"\bis deprecated(?: and will be removed\b|\. Please use \S+ instead)")


def _is_deprecation_notice(record: ErrorRecord) -> bool:
    if record.kind == "exception" or record.frames:
        return False
    return record.type == "DeprecationWarning" or (record.type is None and _DEPRECATION_NOTICE.search(record.message) is not None)


_END_OF_MESSAGE = lazy(
    r"^(?:Epoch \d+/\d+|\s*\d+/\d+ (?:\[|━|- )|(?:WARNING|INFO|ERROR|DEBUG|CRITICAL):[\w.]+:|[IWEF]\d{4} \d\d:\d\d:\d\d|"
    r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d|Process finished with exit code|In \[\d*\]:|>>> |\$ )"
)
_INNER_FRAME = lazy(r'^\s*File "(?P<path>[^"]+)", line (?P<line>\d+), in (?P<func>\S+)')
# TF 2.2-2.5 autograph prints the frames of its "in user code:" block as "path:line function  *" (a star marks the
# user's own frames, two the innermost one of them), the source line indented below: TF 2.6 and later as Python does
_OLD_USER_CODE_FRAME = lazy(r"^\s+(?P<path>(?:[A-Za-z]:)?[^:\s][^:\n]*?\.py):(?P<line>\d+) (?P<func>[A-Za-z_<][\w.<>]*)(?:\s+\*{1,2})?\s*$")
_USER_CODE_KEY = lazy(r"^\s+(?P<type>[A-Za-z_][\w.]*(?:Error|Exception)): (?P<msg>.*)$")
_ENVELOPE = lazy(
    r"Exception encountered when calling [^\n]*\n\n(?P<inner>.*?)(?:\n\n(?:Call arguments|Arguments) received by|\Z)",
    DOTALL,
)
_ERROR_ENCOUNTERED = lazy(r"(?:Error encountered|Exception encountered):\s*\n\n?(?P<inner>.*)", DOTALL)
_GRAPH_NODE = lazy(r"^Node: '[^']*'\s*$", MULTILINE)
# the stack TensorFlow prints under a graph error's failing op ("Detected at node 'x' defined at (most recent
# call last):", TF 2.9-2.15; "Caused by op 'x', defined at:", TF 1.x): where the op was built, not what raised
_DEFINITION_HEADER = lazy(r"^(?:Detected at node .* defined at \(most recent call last\)|Caused by op .*, defined at):$")
_FRAME_ANYWHERE = lazy(r'^\s*File "[^"]+", line \d+, in [^\n]*(?:\n(?!\s*File ")[ \t]+\S[^\n]*)?$', MULTILINE)
# characters that pasting leaves behind (markdown, HTML entities, placeholders); see normalize.py
_PASTE_SIGNS = ("&", "`", "*", ">", "~", "...'", "?'", "#'", "# ")
_STDLIB_PATH = lazy(r"/lib(?:64)?/python\d(?:\.\d+)?/|/Lib/|/lib/python\d\.\d+$")
_NUMBERED_LINE = lazy(r"^\d+\s")
# a sentence of the user's own (a question, a plea, what they tried), never a library's exception line
_PROSE = lazy(
    r"^(?:I|I'm|I've|I'd|My|Please|Anyone|Any|How|Can|Could|Does|Did|What|Why|Thanks|Thank|Hi|Hello|Also|However|Here is|Same)"
    r" [^:=()\[\]{}\w]*\w[^:=()\[\]{}]*$"
)
# the user's words after an exception line: first-person and social openings, a clause opening on the user's own "I"
# ("If I load it with hub.KerasLayer instead, I get another error."), or a question; a library's message goes on with
# lines that read like prose too ("Could not automatically infer the output shape / dtype", "If using Keras pass ...")
_USER_WORDS = lazy(
    r"^(?:(?:I|I'm|I've|I'd|My|Please|Anyone|Thanks|Thank|Hi|Hello|Same|Here is) [^:=()\[\]{}\w]*\w[^:=()\[\]{}]*"
    r"|(?:If|When|After|Then|But|And|So|Now|Since|Because|Once|Before|Instead,?|However,?) I(?:'m|'ve|'d)? [^:=()\[\]{}\w]*\w[^:=()\[\]{}]*"
    r"|(?:How|What|Why|Can|Could|Does|Any|Also|However) [^:=()\[\]{}\w]*\w[^:=()\[\]{}]*\?[^?]*)$"
)
# a line of the user's own Chinese (Japanese, Korean) words: CJK text with no path or quoted name in it, which a
# library's message line would hold; an exception line after such a line is a second error the user quotes
_CJK_PROSE = lazy(r"^(?=[^/\\'\"]*$)[^/\\'\"]*?[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]{2}")
# an exception's class named in a line (a Chinese line wrapped around the error line: "运行时报错：ValueError: ...")
_NAMES_EXCEPTION = lazy(r"(?:Error|Exception|Warning)\b")
# a line of the user's own English that introduces what they paste next ("TF 2.9 prints another error under the same
# circumstances:"): six words or more ending with a colon, with no path, assignment, call or quoted string in it, which
# a library's message line ending so would hold
_EN_LEAD_IN = lazy(r"^[A-Za-z`][^/\\=()\"\s]*(?:\s+[^\s/\\=()\"]+){5,}:$")
# the user's own "I" in a line ending with a colon ("Moreover, I can't do it even if I specify shape=[1, None], because
# I got:"), which may hold code the six-plain-words lead-in refuses; no library message speaks in the first person, and
# a line with a path is a log line ("2019-04-19 19:58:29: I tensorflow/core/...:") or a frame
_FIRST_PERSON = lazy(r"(?:^|[ ,])I(?:'m|'ve|'d)? [a-z]")
# a line that only marks text left out of a paste: "...", "…", "...followed by...", "[...]"
_ELISION_MARK = lazy(r"^\[?(?:\.{3}|\u2026)(?:[\w ]{0,30}(?:\.{3}|\u2026))?\]?$")
# a short line of the user's own words set apart by a blank line above it ("Without check_env", "Then I get"): one to
# six plain words, no quote, path, call, number or closing colon a library's message line would hold (TF's "Function
# call stack:"); an exception line right under it is a second error the user quotes, not part of the message above
_SHORT_LEAD_IN = lazy(r"^[A-Za-z][A-Za-z_-]*(?: [A-Za-z_-]+){0,5}$")
# what follows a pasted traceback in an issue: its template's headings, after a blank line; no library message has them
_ISSUE_HEADING = lazy(
    r"^(?:#{1,6} \S|\*\*[A-Z][^*]*\*\*\s*$|System information|Describe the (?:current|expected|problem|bug)|Standalone code"
    r"|Code to reproduce|Other info|Expected behaviou?r|Steps to reproduce|To [Rr]eproduce|Environment:?\s*$)"
)
# what a log collector writes before every line of a program's output: a CI or cloud log's timestamp, a worker's
# name (ray's "(pid=123) ", docker compose's "web_1  | "), the stream's name
_LINE_PREFIX = lazy(
    r"^(?:(?P<iso>\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?Z?\s)|(?P<bracket>\[[^\]\n]{1,60}\]\s?)"
    r"|(?P<paren>\([^)\n]{1,60}\)\s)|(?P<pipe>[\w.-]{1,40}\s*\|\s)|(?P<stream>(?:stderr|stdout|STDERR|STDOUT)\s*[:|]\s?))"
)
# the first line of a traceback's frame, as it follows a log collector's prefix
_PREFIXED_FRAME = lazy(r'File "[^"\n]+", line \d+')
# the spaces before it from the start of their run (or the line break after a suffix just removed): from inside a long
# run, each of its spaces was read to the run's end
_OP_SUFFIX = lazy(r"(?:(?<!\s)|(?=\n))\s*\[\[\{\{node [^\n]*|(?:(?<!\s)|(?=\n))\s*\[Op:[^\]]*\]\s*$")


def strip_ansi(text: str) -> str:
    """Remove terminal colour codes, backspaces and carriage-return redraws."""
    if "\x1b" in text:
        text = _ANSI.sub("", text)
    if "\b" in text:
        text = text.replace("\b", "")
    return text


# TensorFlow's Java binding (org.tensorflow, Android's TensorFlowInferenceInterface) throws a Java exception for a failed
# status: tensorflow/java/src/main/native/exception_jni.cc exceptionClassName maps TF_INVALID_ARGUMENT to
# IllegalArgumentException, TF_FAILED_PRECONDITION and TF_RESOURCE_EXHAUSTED to IllegalStateException, TF_OUT_OF_RANGE to
# IndexOutOfBoundsException, TF_UNIMPLEMENTED to UnsupportedOperationException, the permission codes to SecurityException
# and every other code to org.tensorflow.TensorFlowException. Its message is the one Python's OpError carries
_TF_JAVA_STATUS_CLASSES = {
    "IllegalArgumentException": ("InvalidArgumentError",),
    "IllegalStateException": ("FailedPreconditionError", "ResourceExhaustedError"),
    "IndexOutOfBoundsException": ("OutOfRangeError",),
    "UnsupportedOperationException": ("UnimplementedError",),
    "SecurityException": ("PermissionDeniedError", "UnauthenticatedError"),
    "TensorFlowException": (
        "UnknownError",
        "InternalError",
        "NotFoundError",
        "AlreadyExistsError",
        "AbortedError",
        "CancelledError",
        "DeadlineExceededError",
        "UnavailableError",
        "DataLossError",
    ),
}


def builtin_type_names(name: str) -> tuple[str, ...]:
    """The class name and its bases for Python's own exceptions; just the name otherwise.

    A name one keystroke away from a builtin exception's (`AtrributeError`, `ValueErorr`, `Attributeerror`) is a
    message retyped by hand: it is read as that builtin's, after the name as pasted. A Java exception TensorFlow's Java
    binding throws for a failed status is read as the OpError class Python raises for that status too.
    """
    short = name.rsplit(".", 1)[-1]
    if short in _TF_JAVA_STATUS_CLASSES:
        return (short, *_TF_JAVA_STATUS_CLASSES[short])
    cls = getattr(builtins, short, None)
    if isinstance(cls, type) and issubclass(cls, BaseException):
        return tuple(c.__name__ for c in cls.__mro__ if c is not object)
    near = _builtin_exception_retyped(short)
    if near is not None:
        return (short, *(c.__name__ for c in near.__mro__ if c is not object))
    return (short,)


def _lower_builtin_exception_line(line: str) -> re.Match[str] | None:
    """``line`` as an exception line whose builtin class was retyped with a lower-case initial, else None."""
    m = _LOWER_BUILTIN_EXC_LINE.match(line)
    return m if m and _builtin_exception_retyped(m.group("type")) is not None else None


def _builtin_exception_retyped(short: str) -> type | None:
    """The builtin exception whose name `short` misspells by one edit or by case, if exactly one is that close."""
    low = short.lower()
    if len(short) < 8 or not short[0].isalpha() or not any(w in low for w in ("err", "eror", "exc", "warn")):
        return None
    if low in _RETYPED:
        return _RETYPED[low]
    found: list[type] = []
    for attr, obj in vars(builtins).items():
        if (
            isinstance(obj, type)
            and issubclass(obj, BaseException)
            and abs(len(attr) - len(short)) <= 1
            and (attr.lower() == low or one_edit_apart(attr, short))
        ):
            found.append(obj)
    near = found[0] if len(found) == 1 else None
    _RETYPED[low] = near
    return near


_RETYPED: dict[str, type | None] = {}


def one_edit_apart(a: str, b: str) -> bool:
    """Whether a and b differ by one inserted, deleted or replaced letter, or two neighbours swapped.

    Decided here rather than with rapidfuzz (the near-miss scorer), whose import would cost every cold
    start: a class name is checked on the common path.
    """
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    if len(a) < len(b):
        return a[i:] == b[i + 1 :]
    if a[i + 1 :] == b[i + 1 :]:
        return True
    return i + 1 < len(a) and a[i] == b[i + 1] and a[i + 1] == b[i] and a[i + 2 :] == b[i + 2 :]


def _prints_no_source(path: str) -> bool:
    """Whether Python prints no source line under a frame of this file."""
    return path.endswith(_COMPILED_SUFFIXES) or path.startswith(_SOURCELESS_PREFIXES)


def is_library_path(path: str) -> bool:
    """Frames of installed packages and of the standard library, as opposed to the user's code."""
    p = path.replace("\\", "/")
    if "site-packages/" in p or "dist-packages/" in p or p.startswith(("<frozen", "<__array_function__")) or "__autograph_generated_file" in p:
        return True
    if p.endswith(_COMPILED_SUFFIXES):
        return True
    return bool(_STDLIB_PATH.search(p))


def user_location(frames: Iterable[Frame]) -> Frame | None:
    user = [f for f in frames if f.path and not is_library_path(f.path)]
    return user[-1] if user else None


def unwrap_message(message: str) -> str:
    """The message that matters inside Keras and TensorFlow wrappers."""
    text = message
    if LAZY_IMPORT_WRAPPER in text:
        # transformers' and diffusers' lazy modules re-raise the error an import hit as a RuntimeError quoting it,
        # "Failed to import transformers.X because of the following error (look up to see its traceback):\n<error>"
        # (transformers/utils/import_utils.py _LazyModule._get_module); nested lazy imports quote one in another
        text = text.rsplit(LAZY_IMPORT_WRAPPER, 1)[1].strip() or text
    for _ in range(3):  # envelopes nest: layer call -> shape inference -> the real error
        m = _ENVELOPE.search(text)
        if not m:
            break
        text = m.group("inner").strip()
        inner = _ERROR_ENCOUNTERED.search(text)
        if inner:
            text = inner.group("inner").strip()
    if "in user code:" in text:
        lines = text.split("\n")
        for i in range(len(lines) - 1, -1, -1):
            m = _USER_CODE_KEY.match(lines[i])
            if m:
                rest = "\n".join(line.strip() for line in lines[i + 1 :]).strip()
                text = m.group("msg") + (f"\n{rest}" if rest else "")
                break
    if "Detected at node" in text:
        # TF lists where the failing op was defined, then prints the op's own message
        nodes = list(_GRAPH_NODE.finditer(text))
        frames = list(_FRAME_ANYWHERE.finditer(text))
        cut = max([m.end() for m in nodes[-1:]] + [m.end() for m in frames[-1:]] + [0])
        text = text[cut:].strip() or text
    if "[[{{node " in text or "[Op:" in text:
        text = _OP_SUFFIX.sub("", text).strip()
    return text


def _inner_frames(message: str) -> tuple[Frame, ...]:
    old_user_code = _USER_CODE_HEADER in message
    if 'File "' not in message and not old_user_code:
        return ()

    def frame_line(line: str) -> re.Match[str] | None:
        return _INNER_FRAME.match(line) or (_OLD_USER_CODE_FRAME.match(line) if old_user_code else None)

    frames = []
    lines = message.split("\n")
    for i, line in enumerate(lines):
        m = frame_line(line)
        if m:
            code = lines[i + 1].strip() if i + 1 < len(lines) and not frame_line(lines[i + 1]) else ""
            frames.append(Frame(path=m.group("path"), line=int(m.group("line")), function=m.group("func"), code=code))
    return tuple(frames)


# Python 2 and 3.0-3.6 print an import failure without the module it came from ("cannot import name X",
# "cannot import name 'X'") and Python 2 without quotes ("No module named datasets", the last part of the
# dotted name); rules are worded as Python 3.7+ prints them, so the import statement on the failing line, which
# names the module, completes the message
_OLD_CANNOT_IMPORT = lazy(r"^cannot import name '?(?P<name>[A-Za-z_]\w*)'?\s*$")
_OLD_NO_MODULE = lazy(r"^No module named (?P<name>[A-Za-z_][\w.]*)\s*$")
_FROM_IMPORT = lazy(r"^\s*from\s+(?P<module>[A-Za-z_][\w.]*)\s+import\s+\(?(?P<names>[\w\s,]+?)\)?\s*(?:#.*)?$")
_PLAIN_IMPORT = lazy(r"^\s*import\s+(?P<modules>[A-Za-z_][\w.]*(?:\s+as\s+\w+)?(?:\s*,\s*[A-Za-z_][\w.]*(?:\s+as\s+\w+)?)*)\s*(?:#.*)?$")


def import_failures(code: str) -> list[tuple[str, str]]:
    """The (exception class, message) pairs Python prints when the import statement ``code`` fails, or [] for other code.

    ``from a.b import c, d`` fails with ``cannot import name 'c' from 'a.b'`` (or 'd') or ``No module named 'a.b'``;
    ``import a.b`` with ``No module named 'a.b'``.
    """
    found = _FROM_IMPORT.match(code)
    if found is not None:
        module = found.group("module")
        names = [n.split()[0] for n in found.group("names").split(",") if n.strip()]
        return [*(("ImportError", f"cannot import name '{n}' from '{module}'") for n in names), ("ModuleNotFoundError", f"No module named '{module}'")]
    plain = _PLAIN_IMPORT.match(code)
    if plain is None:
        return []
    return [("ModuleNotFoundError", f"No module named '{part.split()[0]}'") for part in plain.group("modules").split(",")]


def modern_import_message(message: str, frames: tuple[Frame, ...]) -> str | None:
    """An old Python's ImportError message as Python 3.7+ words it, when the failing line's import names the module."""
    code = frames[-1].code if frames else ""
    line = message.strip()
    if "import" not in code:
        # a bare Python 2 line ("No module named tensorflow", as pasted into a title) names a top-level module
        # whole; what the module of a dotted name was, only the import line would tell
        missing = _OLD_NO_MODULE.match(line) if not frames else None
        return f"No module named '{missing.group('name')}'" if missing is not None else None
    old = _OLD_CANNOT_IMPORT.match(line)
    if old is not None:
        found = _FROM_IMPORT.match(code)
        if found is None or old.group("name") not in [n.split()[0] for n in found.group("names").split(",") if n.strip()]:
            return None
        return f"cannot import name '{old.group('name')}' from '{found.group('module')}'"
    missing = _OLD_NO_MODULE.match(line)
    if missing is None:
        return None
    name = missing.group("name")
    found = _FROM_IMPORT.match(code)
    candidates = [found.group("module")] if found is not None else []
    plain = _PLAIN_IMPORT.match(code)
    if plain is not None:
        candidates += [part.split()[0] for part in plain.group("modules").split(",")]
    for module in candidates:
        parts = module.split(".")
        # Python 2 names the part that was missing and what follows it: "b.c" of "a.b.c"
        if any(".".join(parts[i:]) == name for i in range(len(parts))):
            return f"No module named '{module[: len(module) - len(name)] + name}'"
    return f"No module named '{name}'"


def make_exception_record(
    type_name: str | None,
    message: str,
    frames: tuple[Frame, ...] = (),
    *,
    type_names: tuple[str, ...] | None = None,
    chained: bool = False,
) -> ErrorRecord:
    short = type_name.rsplit(".", 1)[-1] if type_name else None
    message = message.strip("\n")
    inner = _inner_frames(message)
    outer_location = user_location(frames)
    location = user_location(inner) or outer_location
    if location is not None and outer_location is not None and (location.path, location.line) == (outer_location.path, outer_location.line):
        location = outer_location  # the outer frame carries the source line
    return ErrorRecord(
        kind="exception",
        type=short,
        type_names=type_names if type_names is not None else (builtin_type_names(short) if short else ()),
        message=message,
        key_message=(short in ("ImportError", "ModuleNotFoundError") and modern_import_message(message, frames)) or unwrap_message(message),
        frames=frames,
        inner_frames=inner,
        location=location,
        chained=chained,
    )


def with_chain_location(chain: list[ErrorRecord]) -> list[ErrorRecord]:
    """Give each exception of a chain without a user frame the user's frame of the nearest one that has it.

    A chained traceback often ends in a library (an OSError raised in h5py's
    Cython code) while the user's line is in the other exception's frames.
    """
    if len(chain) < 2 or all(r.location is not None for r in chain):
        return chain
    out = []
    for i, record in enumerate(chain):
        if record.location is None:
            # the final exception looks back at its causes; a cause looks forward first
            order = [*range(i - 1, -1, -1), *range(i + 1, len(chain))] if i == len(chain) - 1 else [*range(i + 1, len(chain)), *range(i - 1, -1, -1)]
            donor = next((chain[j].location for j in order if chain[j].location is not None), None)
            if donor is not None:
                record = ErrorRecord(**{n: getattr(record, n) for n in record.__slots__ if n != "location"}, location=donor)
        out.append(record)
    return out


class _Collector:
    """Keeps records in order, bounded: exceptions last-N, other kinds deduplicated and counted.

    Warning, log and progress lines are kept as plain tuples until the end: a long
    log repeats the same few lines hundreds of thousands of times.
    """

    def __init__(self) -> None:
        self.exceptions: list[ErrorRecord] = []
        self.others: dict[tuple[str, str | None, str], list[Any]] = {}

    def add_exception(self, record: ErrorRecord) -> None:
        self.exceptions.append(record)
        if len(self.exceptions) > MAX_EXCEPTIONS:
            del self.exceptions[0]

    def add_other(self, kind: str, type_name: str | None, message: str, location: Frame | None = None) -> None:
        # progress lines differ only in step counters and timings: count them as one
        text = _DIGITS.sub("N", message) if kind == "progress" else message
        key = (kind, type_name, text)
        seen = self.others.get(key)
        if seen is not None:
            seen[0] += 1
        elif len(self.others) < MAX_RECORDS:
            self.others[key] = [1, message, location]

    def records(self) -> list[ErrorRecord]:
        others = [
            ErrorRecord(
                kind=kind,
                type=type_name,
                type_names=builtin_type_names(type_name) if type_name else (),
                message=message,
                key_message=message,
                location=location,
                count=count,
            )
            for (kind, type_name, _), (count, message, location) in self.others.items()
        ]
        return [*self.exceptions, *others]


def _starts_old_frame(line: str) -> bool:
    if line.startswith("["):
        line = _MARKDOWN_LINK.sub(r"\g<text>", line)
    return bool(_IPY_OLD_FRAME.match(line))


def _starts_ipython_frame(line: str) -> bool:
    m = _IPY_FRAME.match(line)
    return bool(m and (m.group("cell") or m.group("input") or m.group("nb") or (m.group("func") and ("/" in m.group("path") or "\\" in m.group("path")))))


def _starts_record(line: str) -> bool:
    """Whether a line begins something of its own (a traceback, a log or warning line, an exception, a progress bar)."""
    stripped = line.strip()
    return bool(
        _END_OF_MESSAGE.match(line)
        or _TB_START.match(line)
        or _IPY_TB_HEADER.match(line)
        or _DASHES.match(line)
        or _PY_FRAME.match(line)
        or stripped.startswith(("Traceback (most recent call last)", "During handling of the above", "The above exception was"))
        or _LOG_LINE.match(line)
        or _GLOG_LINE.match(line)
        or _ANY_GLOG.match(line)
        or ("Killed" in line and _KILLED.search(line))
        or "OMP: Error #" in line
        or ("unrecognized selector sent to" in line and _OBJC_UNRECOGNIZED.search(line))
        or reports_process_death(stripped)
        or _PY_WARNING.match(line)
        or _BARE_WARNING.match(stripped)
        or _BARE_EXC_LINE.match(stripped)
        or (": in " in line and _PYTEST_FRAME.match(line))
        or _starts_ipython_frame(line)
    )


def _split_display_lines(raw: str) -> Iterator[str]:
    """The lines as the terminal showed them: carriage returns redraw a line, and what two
    writers glued together (a progress bar and a log line or traceback) is split apart."""
    if len(raw) > MAX_LINE_CHARS:
        raw = raw[:2000] + raw[-(MAX_LINE_CHARS - 2000) :]
    if "\r" in raw:
        segments = [s for s in raw.split("\r") if s.strip()]
        bad = [s for s in segments if _PROGRESS_BAD.search(strip_ansi(s))]
        raw = bad[0] if bad else (segments[-1] if segments else "")
    if "\x1b" in raw or "\b" in raw:
        raw = strip_ansi(raw)
    if "[0m" in raw:
        raw = _BARE_ANSI.sub("", raw)
    raw = raw.rstrip("\r\n")
    if " frames" in raw[:12] and (folded := _FOLDED_FRAMES.match(raw)):
        yield folded.group(1)
        raw = raw[folded.end(1) :]
    if "](" in raw and _INLINE_LINK.search(raw):
        # Colab and VS Code render frame paths and line numbers as markdown links: keep the text
        raw = _INLINE_LINK.sub(r"\g<text>", raw)
    if "<a href=" in raw:
        raw = _HTML_LINK.sub(r"\g<text>", raw)
    pieces = [raw]
    if 'File "' in raw:
        # a one-line paste: its frames, and the exception the last frame ran on into (a frame line alone, as an
        # issue's code span shows it, can carry the exception too)
        pieces = [piece for part in _INLINE_FRAME.split(raw) for piece in _split_exception_line(part) if piece.strip()]
    for piece in pieces:
        if any(sign in piece for sign in _GLUE_SIGNS) and _GLUED.search(piece):
            # Keras's progress bar ends without a newline, so the next log line or traceback continues
            # it; a traceback header can also carry its first frame (NumPy's import-error report)
            yield from (part for part in _GLUED.split(piece) if part.strip())
        else:
            yield piece


def _split_exception_line(part: str) -> list[str]:
    """A frame that a one-line paste ran on into the exception line: the frame, then the exception."""
    if not part.lstrip().lstrip("`").startswith('File "'):
        return [part]
    heads = list(_INLINE_EXCEPTION.finditer(part))
    if not heads:
        return [part]
    return [part[: heads[-1].start()], part[heads[-1].end() :]]


class _FrameList(list):  # type: ignore[type-arg]
    """The frames of one traceback, bounded: past MAX_FRAMES the middle ones are dropped."""

    def append(self, frame: Frame) -> None:
        super().append(frame)
        if len(self) > MAX_FRAMES:
            del self[MAX_FRAMES // 2]


class _Parser:
    """A line-driven state machine over text that may hold many tracebacks and log lines."""

    def __init__(self) -> None:
        self.out = _Collector()
        self.state = "scan"  # scan | frames | message
        self.frames: list[Frame] = _FrameList()
        self.type: str | None = None
        self.msg_lines: list[str] = []
        self.msg_chars = 0
        self.chain_pending = False
        self.chain_group: list[ErrorRecord] = []
        self.ipython_type: str | None = None
        # the last frame's source line was pasted without its indent (blogs and forums strip it): if no
        # exception line follows, that line was the message after all
        self.loose_code = False
        self.tb_indent = ""  # a traceback pasted indented (a markdown code block, a list item): its common indent
        self.context: list[tuple[int, str]] = []  # IPython's numbered source lines: (frame count then, code)
        self.pytest = False  # the traceback is pytest's (frames "file.py:N: in f", error lines "E   ...")
        self.log_lines: list[str] = []  # the log record being read: its first line and the lines that continue it
        self.log_kind = "log"  # or "message": the user's words after a traceback cut before its exception line; "info": an INFO line
        self.vscode = False  # the record began with VS Code's "Exception has occurred:" header: its frames come innermost first
        self.shutdown_pending = False  # the next traceback is one Python reports as ignored at shutdown
        self.shutdown = False
        self.shutdown_records: list[tuple[str | None, str]] = []
        self.epoch_losses: list[tuple[float, float]] = []  # (loss, val_loss) of each epoch's last line
        self.after_definition_header = False  # the line just read announced an op's definition stack
        self.follows_definition_header = False  # ... the line before the one being read did
        self.definition_stack = False  # the frames being read are that stack: they built an op, none of them raised
        self.bare_exception = False  # the exception line after the frames had no colon: Python printed an empty message
        self.lone_exception_line = False  # the message being read opened with an exception line pasted without frames
        self.info_messages: set[str] = set()  # the distinct INFO lines kept as records
        # a Python warning just read: (type, first message line, location), and the unindented lines after it, which
        # are its message's own lines if its indented source line follows them, else lines of their own
        self.warning: tuple[str, str, Frame | None] | None = None
        self.warning_lines: list[str] = []

    # -- traceback state -------------------------------------------------------------------
    def _start_traceback(self, indent: str = "") -> None:
        self._flush()
        self.chain_pending = False
        self.state = "frames"
        self.frames = _FrameList()
        self.type = None
        self.tb_indent = indent
        self.pytest = False
        self.vscode = False
        self.shutdown, self.shutdown_pending = self.shutdown_pending, False
        self.definition_stack = False

    def _flush(self) -> None:
        if self.state == "message":
            self._exception_line_under_stray_line()
            message = "\n".join(self.msg_lines)
            frames = tuple(reversed(self.frames)) if self.vscode else tuple(self.frames)
            record = make_exception_record(self.type, message, frames)
            if self.definition_stack and not record.message:
                # only an op's definition stack, cut before the error: its last frame built the op, it raised
                # nothing, so the frames stay evidence of where (inner frames) but name no raising function
                record = record.replaced(frames=(), inner_frames=(*record.frames, *record.inner_frames))
            if self.shutdown:
                self.shutdown_records.append((record.type, record.message))
            self.chain_group.append(record)
            if not self.chain_pending:
                self._close_chain()
        self.state = "scan"
        self.msg_lines = []
        self.msg_chars = 0
        self.frames = _FrameList()
        self.type = None
        self.tb_indent = ""
        self.loose_code = False
        self.pytest = False
        self.vscode = False
        self.definition_stack = False

    def _exception_line_under_stray_line(self) -> None:
        """An untyped message that opens with a raising statement or the user's CJK words and goes on with an exception line: read the latter.

        'File "dqn.py", line 53 ...' / blank / 'assert type(outputs) in {list, tuple}, 'Output to ...'' /
        'AssertionError: Output to ...': the statement is the raising frame's source line, whose 'File' line the
        paste lost; the exception's class and message are on the line after it. The words of a Chinese post
        written around the exception line ("运行时报错：ImportError: ...，求助") stand above it once it is put on
        a line of its own (normalize.split_glued_exception_lines).
        """
        if self.type is not None or len(self.msg_lines) < 2 or not self.frames:
            return
        first = self.msg_lines[0].strip()
        if not _SOURCE_STATEMENT.match(first) and not (_CJK_PROSE.match(first) and not _NAMES_EXCEPTION.search(first)):
            return
        exc = _EXC_LINE.match(self.msg_lines[1].strip())
        if exc is None or not _LOOKS_LIKE_EXC.search(exc.group("type")) or not exc.group("msg"):
            return
        self.type = exc.group("type")
        self.msg_lines = [exc.group("msg"), *self.msg_lines[2:]]

    def _close_chain(self) -> None:
        group = with_chain_location(self.chain_group)
        for i, record in enumerate(group):
            if i < len(group) - 1:
                record = ErrorRecord(**{n: getattr(record, n) for n in record.__slots__ if n != "chained"}, chained=True)
            self.out.add_exception(record)
        self.chain_group = []

    def _end_message_before(self, line: str) -> None:
        """The message ended above ``line``, which is read afresh."""
        self.chain_pending = False
        self._trim_message()
        self._flush()
        self._close_chain()
        self._scan(line)

    def _trim_message(self) -> None:
        """Drop the blank lines that end the message read so far."""
        while self.msg_lines and not self.msg_lines[-1].strip():
            self.msg_lines.pop()

    def _second_error_at(self, line: str) -> int | None:
        """Where the user's own words (Chinese, or an English lead-in) start above an exception line at the margin.

        The message above ended there, and ``line`` is a second error: None when it is not. The lines from there
        on are the user's, not the message's.
        """
        if line[:1].isspace() or not _BARE_EXC_LINE.match(line.rstrip().lstrip("`")):
            return None
        if (
            self.lone_exception_line
            and all(not text.strip() or _ELISION_MARK.match(text.strip()) for text in self.msg_lines[1:])
            and not self.msg_lines[0].rstrip().endswith(":")
        ):
            # exception lines pasted one under another without their tracebacks ("ValueError: ..." then, at the same
            # margin, "RuntimeError: ..."), at most blank lines or an elision mark ("...followed by...") between them:
            # each is an error of its own, as KerasTuner's stop after its trials' own errors or a chained cause is
            # when the user keeps only the last line of each traceback. Under a line that announces what follows
            # ("Call arguments received by layer ...:", "Function call stack:") or other words ("see below") the
            # exception line is the message's own
            return len(self.msg_lines)
        if len(self.msg_lines) > 2 and not self.msg_lines[-2].strip(" `") and _SHORT_LEAD_IN.match(self.msg_lines[-1].strip()):
            return len(self.msg_lines) - 1
        for at in range(1, len(self.msg_lines)):
            text = self.msg_lines[at].strip()
            if _CJK_PROSE.match(text) or _is_en_lead_in(text):
                return at
        return None

    def _next_traceback_frame(self, line: str) -> bool:
        """A frame of Python's own layout after a blank line below the message: a second traceback, pasted without its header.

        Python separates chained tracebacks with "During handling ..." lines; a paste of two code blocks (the inner
        error, then the one the library raised from it) keeps only a blank line between them. TensorFlow's "in user
        code:" envelope and its "defined at" listings hold frames of their own, indented deeper.
        """
        if not line.startswith('  File "') or line.startswith("   ") or not _PY_FRAME.match(line):
            return False
        if len(self.msg_lines) < 2 or self.msg_lines[-1].strip() or not self.msg_lines[0].strip():
            return False
        return not any(_USER_CODE_HEADER in text or "(most recent call last)" in text for text in self.msg_lines)

    def _begin_message(self, type_name: str | None, first: str) -> None:
        self.bare_exception = False
        self.lone_exception_line = False
        self.state = "message"
        self.type = type_name
        self.msg_lines = [first]
        self.msg_chars = len(first)

    @staticmethod
    def _starts_other(line: str) -> bool:
        """Whether a line at the margin under a warning is something else: a record of its own, or an epoch's header."""
        return line.startswith("Epoch ") or _starts_record(line)

    def _close_warning(self, whole: bool) -> list[str]:
        """Keep the warning read; its message's later lines too when ``whole``. Returns the lines held back otherwise."""
        if self.warning is None:
            return []
        type_name, first, location = self.warning
        held, self.warning, self.warning_lines = self.warning_lines, None, []
        # a message that starts with a line break (warnings.warn("\n\nTensorFlow Addons ...")) leaves the header's
        # own line empty: its first lines below are the message, whether or not its source line follows
        whole = whole or (not first.strip() and bool(held))
        self.out.add_other("warning", type_name, "\n".join([first, *held]).strip() if whole else first, location)
        return [] if whole else held

    def feed(self, line: str) -> None:
        if self.warning is not None:
            stripped = line.strip()
            if not stripped and not self.warning_lines and not self.warning[1].strip():
                return  # the blank lines a message starting with line breaks prints under the header
            if stripped and _WARNING_SOURCE_LINE.match(line):
                self._close_warning(whole=True)
            elif stripped and stripped == line.rstrip() and len(self.warning_lines) < MAX_WARNING_LINES and not self._starts_other(line):
                self.warning_lines.append(stripped)
                return
            else:
                for held in self._close_warning(whole=False):
                    self.feed(held)
        if self.tb_indent and self.state != "scan":
            if line.startswith(self.tb_indent):
                line = line[len(self.tb_indent) :]
            elif line.strip() and self.state == "message":
                # back at the paste's own margin: the indented traceback has ended
                self._flush()
                self._close_chain()
        stripped = line.strip()
        self.follows_definition_header = self.after_definition_header
        self.after_definition_header = "defined at" in stripped and bool(_DEFINITION_HEADER.match(stripped))
        if self.log_lines:
            if self.state == "scan" and stripped and len(self.log_lines) < MAX_LOG_LINES and not _starts_record(line):
                self.log_lines.append(stripped)
                return
            self._close_log()
        if self.state == "message" and self.pytest:
            m = _PYTEST_ERROR.match(line)
            if m:
                text = m.group("text") or ""
                if len(self.msg_lines) < MAX_MESSAGE_LINES and self.msg_chars < MAX_MESSAGE_CHARS:
                    self.msg_lines.append(text)
                    self.msg_chars += len(text)
                return
            self._flush()
            self._close_chain()
            self._scan(line)
            return
        if self.state == "message":
            if stripped in (_CHAIN_CAUSE, _CHAIN_CONTEXT) or _CHAIN_SENTENCE.match(stripped):
                self.chain_pending = True
                self._flush()
                return
            if line.startswith(_SHUTDOWN_NOISE):
                self.chain_pending = False
                self._flush()
                self._close_chain()
                self.shutdown_pending = True
                return
            if self.bare_exception and stripped:
                # "MemoryError" alone after the frames: str(exc) was empty (a message, even one that starts on
                # the next line, follows a colon), so the text below it is the user's, not the exception's
                self._end_message_before(line)
                return
            if self.vscode and 'File "' in line and _PY_FRAME.match(line):
                # the message ends where VS Code lists the frames
                self._trim_message()
                self.state = "frames"
                self._frames_line(line, stripped)
                return
            if (_USER_WORDS.match(stripped) and self.msg_lines and any(text.strip() for text in self.msg_lines)) or (
                self.msg_lines and not self.msg_lines[-1].strip() and _ISSUE_HEADING.match(stripped)
            ):
                # the user's own words or their issue's next section: the message ended above
                self._trim_message()
                self.chain_pending = False
                self._flush()
                self._close_chain()
                return
            if _TB_START.match(line) or _DASHES.match(line) or _END_OF_MESSAGE.match(line):
                self._end_message_before(line)
                return
            users_words_at = self._second_error_at(line)
            if users_words_at is not None:
                del self.msg_lines[users_words_at:]
                self._end_message_before(line)
                return
            if self._next_traceback_frame(line):
                self._end_message_before(line)
                return
            if len(self.msg_lines) < MAX_MESSAGE_LINES and self.msg_chars < MAX_MESSAGE_CHARS:
                self.msg_lines.append(line)
                self.msg_chars += len(line)
            return
        if self.state == "frames":
            self._frames_line(line, stripped)
            return
        self._scan(line)

    def _frames_line(self, line: str, stripped: str) -> None:
        if ": in " in line:
            m = _PYTEST_FRAME.match(line)
            if m:
                self.frames.append(Frame(path=m.group("path"), line=int(m.group("line")), function=m.group("func")))
                self.pytest = True
                return
        if self.pytest:
            self._pytest_line(line)
            return
        m = _PY_FRAME.match(line)
        if m:
            func = (m.group("func") or "").strip()
            code = ""
            if " " in func:
                # the source line joined onto its frame line (a page that lost the line break)
                if not func.startswith("<"):
                    func, code = func.split(" ", 1)
                elif 0 < func.find("> ") < len(func) - 2:
                    func, code = func[: func.find("> ") + 1], func[func.find("> ") + 2 :]
            if func.startswith("<") and _GLUED_CODE_AFTER_NAME.match(func):
                # ... and with no space left between them: "in <module>model.fit(x, y)"
                end = func.index(">") + 1
                func, code = func[:end], func[end:] + (" " + code if code else "")
            # an empty path is a "<stdin>" / "<string>" a page dropped as an HTML tag: code typed or exec'd, in no
            # package (unlike the unknown place of an IPython arrow line whose frame header was cut off)
            path = m.group("path") or "<stdin>"
            self.frames.append(Frame(path=path, line=int(m.group("line")), function=func, code=code.strip()))
            self.loose_code = False
            return
        m = _IPY_FRAME.match(line)
        if m and (m.group("path") or m.group("cell") or m.group("input") or m.group("nb")):
            if m.group("nb"):
                self.frames.append(Frame(path=m.group("nb").strip(), line=int(m.group("nbline")), function="<module>"))
                return
            if m.group("input"):
                function = m.group("ifunc").strip()
                function = "<module>" if function.startswith("<cell line") else function.split("(")[0].strip()
                self.frames.append(Frame(path=m.group("input"), line=None, function=function))
                return
            if m.group("cell"):
                path, num, func = m.group("cell"), m.group("cline"), m.group("cfunc") or "<module>"
            else:
                path, num, func = m.group("path"), m.group("line"), m.group("func") or ""
            name, code = func.split("(")[0].strip(), ""
            if " " in name and not name.startswith("<"):
                # the source line joined onto its frame line (a page that lost the line break): IPython 8 and
                # Spyder write the function's arguments in brackets after its name, never a space inside the name
                name, code = func.strip().split(" ", 1)
            self.frames.append(Frame(path=path.strip(), line=int(num), function=name, code=code.strip()))
            return
        if line.startswith("["):
            line = _MARKDOWN_LINK.sub(r"\g<text>", line)
        m = _IPY_OLD_FRAME.match(line)
        if m:
            self.frames.append(Frame(path=m.group("path"), line=None, function=m.group("func")))
            return
        m = _IPY_ARROW.match(stripped)
        if m and self.frames:
            last = self.frames[-1]
            code = m.group("code").strip()
            above = [text for count, text in self.context if count == len(self.frames)]
            starts = [i for i, text in enumerate(above) if text.startswith("raise ")]
            if starts:
                # the arrow points into a raise statement spread over several lines: the whole statement
                # is the raising code, and its string literals are the message's wording
                code = " ".join([*above[starts[-1] :], code])
            self.frames[-1] = Frame(path=last.path, line=last.line or int(m.group("line")), function=last.function, code=code)
            return
        if not stripped or _CARETS.match(line) or stripped.startswith("[Previous line repeated") or stripped == "...":
            return
        if stripped.endswith(" frames") and stripped[:-7].isdigit():
            # Colab's "9 frames": the frames it folded away were not copied, the ones below it were
            return
        last_frame = self.frames[-1] if self.frames else None
        if (
            line[:1].isspace()
            and last_frame
            and ((last_frame.code and not _NUMBERED_LINE.match(stripped)) or (not last_frame.code and _prints_no_source(last_frame.path)))
        ):
            # a traceback pasted indented as a whole (a markdown code block, a quoted log, an issue that put one
            # space before every line): after a frame that already has its source line, or a frame of compiled code
            # (Cython's .pyx, "<frozen ...>") that never prints one, "SomeError: text" can only be the exception line
            # (as source code it would be an annotation)
            m = _BARE_EXC_LINE.match(stripped)
            if m and m.group("msg").strip() and stripped.startswith(m.group("type")):
                self._begin_message(m.group("type"), m.group("msg"))
                self.ipython_type = None
                return
        if line[:1].isspace() or (self.ipython_type and _NUMBERED_LINE.match(stripped)):
            # the source line under a frame (indented), or IPython's numbered context lines
            if self.frames and _NUMBERED_LINE.match(stripped):
                self.context.append((len(self.frames), _NUMBERED_LINE.sub("", stripped, 1).strip()))
                del self.context[:-MAX_CONTEXT_LINES]
            if self.frames and not self.frames[-1].code and line[:1].isspace() and not self.ipython_type:
                last = self.frames[-1]
                self.frames[-1] = Frame(path=last.path, line=last.line, function=last.function, code=stripped)
            return
        if _PROSE.match(stripped) or (
            _CJK_PROSE.match(stripped)
            and not _NAMES_EXCEPTION.search(stripped)
            and not self.ipython_type
            and not self.context
            and self.frames
            and _RAISE_LITERAL.match(self.frames[-1].code)
        ):
            # the user's own words right after frames (English, or a line of Chinese, Japanese, Korean under a
            # plain Python traceback that ends on a raise statement, no IPython context lines): the paste was
            # cut before the exception line; they are kept apart, as the only wording there is besides the
            # frames (and the raise statement's literal)
            self._end_cut_traceback()
            self._flush()
            self._close_chain()
            self.ipython_type = None
            self._open_log(stripped, "message")
            return
        m = _EXC_LINE.match(stripped)
        looks_like_exception = bool(m and (_LOOKS_LIKE_EXC.search(m.group("type")) or "." in m.group("type") or m.group("msg") is not None))
        if (
            not looks_like_exception
            and not self.ipython_type
            and self.frames
            and not self.frames[-1].code
            and self.frames[-1].line is not None
            and not self.frames[-1].path.endswith(_COMPILED_SUFFIXES)
            and not self.frames[-1].path.startswith("<frozen ")
        ):
            # 'File "x.py", line 3, in f' followed by its source line at the margin: a paste that lost its indent
            # (a frame of compiled code, h5py's "h5f.pyx", prints no source line: what follows it is the message;
            # a "<stdin>" frame may be a blog's copy of a session, whose code it shows)
            last = self.frames[-1]
            self.frames[-1] = Frame(path=last.path, line=last.line, function=last.function, code=stripped)
            self.loose_code = True
            return
        if m and m.group("type") == "Node" and _GRAPH_NODE.match(stripped):
            # TF's "Node: 'name'" line of a graph error whose "...Error: Graph execution error:" header was not pasted
            self._begin_message(None, stripped)
        elif m and looks_like_exception:
            self._begin_message(m.group("type"), m.group("msg") or "")
            self.bare_exception = stripped == m.group("type")
        elif self.ipython_type:
            self._begin_message(self.ipython_type, stripped)
        else:
            self._begin_message(None, stripped)
        self.ipython_type = None

    def _pytest_line(self, line: str) -> None:
        """A line of a pytest traceback between its frames: the marked source line, an error line, or context."""
        if line.startswith(">") and self.frames:
            last = self.frames[-1]
            self.frames[-1] = Frame(path=last.path, line=last.line, function=last.function, code=line[1:].strip())
            return
        if line[:1].isspace() and line.strip() and self.frames and not self.frames[-1].code:
            # --tb=short shows each frame's one source line under it, indented
            last = self.frames[-1]
            self.frames[-1] = Frame(path=last.path, line=last.line, function=last.function, code=line.strip())
            return
        m = _PYTEST_ERROR.match(line)
        if m is None:
            # pytest frames copied without the "E" margin: the exception line stands at the paste's margin
            exc = None if line[:1].isspace() else _EXC_LINE.match(line.strip())
            if exc and _LOOKS_LIKE_EXC.search(exc.group("type")) and exc.group("msg"):
                self._begin_message(exc.group("type"), exc.group("msg"))
            return  # the function's source, its arguments' values ("x = ..."), "_ _ _" separators
        text = (m.group("text") or "").strip()
        exc = _EXC_LINE.match(text)
        if exc and (_LOOKS_LIKE_EXC.search(exc.group("type")) or "." in exc.group("type")):
            self._begin_message(exc.group("type"), exc.group("msg") or "")
        else:
            self._begin_message(None, text)

    def _open_log(self, message: str, kind: str = "log") -> None:
        self._close_log()
        self.log_lines = [message]
        self.log_kind = kind

    def _close_log(self) -> None:
        if self.log_lines:
            if self.log_kind == "info":
                message = "\n".join(self.log_lines)
                if message in self.info_messages or len(self.info_messages) < MAX_INFO_RECORDS:
                    self.info_messages.add(message)
                    self.out.add_other("log", INFO_LOG, message)
            else:
                self.out.add_other(self.log_kind, None, "\n".join(self.log_lines))
            self.log_lines = []

    # -- outside tracebacks ------------------------------------------------------------------
    def _scan(self, line: str) -> None:
        # cheap substring tests first: most lines of a training log are none of these
        if ('File "' in line and _PY_FRAME.match(line)) or (" in " in line and line.rstrip()[-1:] in (")", ">") and _starts_old_frame(line)):
            # frames pasted without their "Traceback (most recent call last):" header
            self._start_traceback()
            self.definition_stack = self.follows_definition_header
            self._frames_line(line, line.strip())
            return
        ipython_frame = line.startswith(("File ", "Cell In", "Input In")) or ".ipynb Cell " in line
        pytest_frame = ": in " in line and _PYTEST_FRAME.match(line.lstrip())
        if pytest_frame or (ipython_frame and _starts_ipython_frame(line)):
            # a pytest traceback, or IPython 8 frames pasted without the header line above them; a pytest traceback
            # pasted indented as a whole (a markdown code block) has that indent for its margin
            margin = line[: len(line) - len(line.lstrip())] if pytest_frame else ""
            self._start_traceback(margin)
            self._frames_line(line[len(margin) :], line.strip())
            return
        if line[:1] == "-" and (m := _IPY_ARROW.match(line.strip())):
            # IPython's arrow line ("-> 1185     if class_weight:") with its frame's header cut off above it:
            # the frame's place is unknown, its failing line is not
            self._start_traceback()
            self.frames.append(Frame(path="", line=int(m.group("line")), code=m.group("code").strip()))
            return
        if line.startswith(_SHUTDOWN_NOISE):
            self.shutdown_pending = True
            return
        if line.startswith("Exception has occurred:"):
            m = _VSCODE_HEADER.match(line)
            if m:
                self._flush()
                self._close_chain()
                self.frames = _FrameList()
                self._begin_message(m.group("type"), "")
                self.msg_lines = []
                self.vscode = True
                return
        if "Traceback" in line:
            if _TB_START.match(line):
                self._start_traceback(line[: len(line) - len(line.lstrip())])
                return
            # the header may open a markdown code span ("`ValueError   Traceback ...") the paste closes at its end
            m = _IPY_TB_HEADER.match(line[1:] if line[:1] == "`" else line)
            if m:
                self._start_traceback()
                self.ipython_type = m.group(1)
                return
        if "Killed" in line and _KILLED.search(line):
            self.out.add_other("log", None, "Killed")
            return
        if "unrecognized selector sent to" in line and (m := _OBJC_UNRECOGNIZED.search(line)):
            # the Objective-C runtime's report of a message the loaded framework does not implement, under NSLog's
            # prefix ("2023-10-08 20:10:19.999 Python[52193:9802415] -[MPSGraphExecutable ...]: unrecognized selector
            # sent to instance 0x..."): a native plugin built for another macOS, before the Python error it causes
            self.out.add_other("log", None, m.group(0))
            return
        if "OMP: Error #" in line:
            # the OpenMP runtime's fatal message before it aborts the process, bare on stderr or under the log prefix
            # of the program that relayed it (VS Code's "warn 17:50:15.519: StdErr from Kernel Process OMP: Error #15: ...")
            self.out.add_other("log", None, line[line.index("OMP: Error #") :].strip())
            return
        stripped = line.strip()
        if reports_process_death(stripped):
            self.out.add_other("log", None, stripped)
            return
        if "val_loss: " in line and (m := _EPOCH_LOSSES.search(line)):
            pair = (float(m.group("loss")), float(m.group("val")))
            if not self.epoch_losses or self.epoch_losses[-1] != pair:  # a bar redrawn in place repeats its line
                self.epoch_losses = [*self.epoch_losses[-(MAX_EPOCHS - 1) :], pair]
        if ("loss" in line or "Invalid" in line) and _PROGRESS_BAD.search(line):
            text = _TIMINGS.sub("Nms", _SPACES.sub(" ", line.strip()))
            self.out.add_other("progress", None, text)
            return
        head = line[:1]
        if head in "WECF" and line.startswith(("WARNING:", "ERROR:", "CRITICAL:", "FATAL:")):
            m = _LOG_LINE.match(line)
            if m:
                self._open_log(m.group("msg").strip())
                return
        if head in "WEF[" or head.isdigit() or line.startswith(_BARE_SOURCE_START):
            m = _GLOG_LINE.match(line) or _TS_LOG_LINE.match(line)
            if m:
                self._open_log(m.group("msg").strip())
                return
        if head == "I" or head.isdigit():
            m = _INFO_GLOG_LINE.match(line)
            if m:
                self._open_log(m.group("msg").strip(), "info")
                return
        if "Warning: " in line:
            m = _PY_WARNING.match(line)
            if m:
                path = m.group("path")
                location = None if is_library_path(path) else Frame(path=path, line=int(m.group("line")))
                self.warning = (m.group("type"), m.group("msg"), location)
                return
            m = _BARE_WARNING.match(line.strip())
            if m:
                self.out.add_other("warning", m.group("type"), m.group("msg"))
                return
        if line.startswith("in user code:") and not line[len("in user code:") :].strip():
            # TF's "in user code" envelope pasted without the exception line above it: its frames and,
            # indented at their end, the error that happened follow, as in the envelope's message
            self._flush()
            self._begin_message(None, line.strip())
            return
        # "KeyError:'val_loss'": a hand-typed exception line may drop the space before a quoted message
        if (": " in line or ":'" in line or ':"' in line) and _EXC_WORDS.search(line):
            m = _BARE_EXC_LINE.match(line.strip()) or _lower_builtin_exception_line(line.strip())
            if m:
                self._flush()
                self.frames = _FrameList()
                self._begin_message(m.group("type"), m.group("msg"))
                self.lone_exception_line = True
                return
            m = _LEAD_IN_EXC.match(line.strip())
            if m:
                # the lead-in stays a record of its own: the only words the user wrote about it
                self._flush()
                self._open_log(m.group("lead").strip(), "message")
                self._close_log()
                self.frames = _FrameList()
                self._begin_message(m.group("type"), _without_closing_quote(m.group("lead"), m.group("msg")))

    def finish(self) -> list[ErrorRecord]:
        for held in self._close_warning(whole=False):
            self.feed(held)
        self._close_log()
        self.chain_pending = False
        self._end_cut_traceback()
        self._flush()
        self._close_chain()
        trend = overfitting_trend(self.epoch_losses)
        if trend:
            self.out.add_other("progress", None, trend)
        records = self.out.records()
        if all(r.type == INFO_LOG for r in records):
            # INFO lines alone: routine notices, or a notice the text as a whole is searched for (extract_errors)
            records = []
        if self.shutdown_records:
            noise = set(self.shutdown_records)
            if any(r.kind == "exception" and (r.type, r.message) not in noise for r in records):
                # another exception is what the paste is about: the errors ignored at shutdown only followed it
                records = [r for r in records if r.kind != "exception" or (r.type, r.message) not in noise]
        return records

    def _end_cut_traceback(self) -> None:
        """A traceback cut off before its exception line: keep the frames, and what they show of the message."""
        if self.state == "frames" and self.frames:
            message = ""
            last = self.frames[-1]
            above = [text for count, text in self.context if count == len(self.frames)]
            if not last.code and above:
                # IPython's context lines end where the paste was cut, before the frame's arrow: the nearest
                # thing to the failing line is the raise statement they show, else their last line
                starts = [i for i, text in enumerate(above) if text.startswith("raise ")]
                if starts and _statement_ends_before(above[starts[-1] :]):
                    # the raise is complete and other lines follow it: it was stepped over (a branch not
                    # taken), and the failing line is further down, where the paste was cut
                    starts = []
                last = Frame(path=last.path, line=last.line, function=last.function, code=" ".join(above[starts[-1] :]) if starts else above[-1])
                self.frames[-1] = last
            raised = _RAISE_LITERAL.match(last.code)
            if raised:
                # cut off below the raising line: its literal is the message's wording, its class the type
                self.type = self.type or raised.group("type")
                message = raised.group("msg")
            elif self.loose_code:
                message = last.code
                self.frames[-1] = Frame(path=last.path, line=last.line, function=last.function)
            self.state = "message"
            self.type = self.type or self.ipython_type
            if not (self.vscode and any(line.strip() for line in self.msg_lines)):
                self.msg_lines = [message]


def _statement_ends_before(lines: list[str]) -> bool:
    """Whether the statement begun by the first line is closed before the last line (its brackets balance)."""
    depth = 0
    for text in lines[:-1]:
        depth += sum(text.count(c) for c in "([{") - sum(text.count(c) for c in ")]}")
        if depth <= 0 and not text.rstrip().endswith("\\"):
            return True
    return False


def extract_from_lines(lines: Iterable[str]) -> list[ErrorRecord]:
    """Records from a stream of lines (with or without line endings)."""
    parser = _Parser()
    for raw in lines:
        for line in _split_display_lines(raw):
            parser.feed(line)
    return parser.finish()


def extract_errors(text: str) -> list[ErrorRecord]:
    """Every error in ``text``: exceptions with their chains, warnings, log and progress lines.

    Text that holds none of those (a bare message such as ``bad marshal data``)
    becomes one untyped record, so it can still be matched.
    """
    pasted = len(text) <= MAX_PASTE_CHARS
    if pasted and (len(text) > 80 or not text.isascii() or any(sign in text for sign in _PASTE_SIGNS)):
        # a cheap first look keeps the normaliser out of a plain one-line message's start-up
        from kerasdoctor.explain.normalize import needs_normalising, normalize_text

        if needs_normalising(text):
            text = normalize_text(text)
    lines = text.splitlines()
    if "Traceback (most recent call last)" in text or 'File "' in text:
        lines = without_line_prefixes(lines)
    records = extract_from_lines(lines)
    if any(r.kind == "exception" for r in records) and all(
        (r.kind == "exception" and (not r.message.strip() or _cut_user_code_block(r.message))) or r.kind == "message" for r in records
    ):
        # a traceback cut off before its message line: what the user wrote above it (an issue
        # title, the message quoted in a sentence) is then the only wording there is
        prose = _text_above_traceback(lines)
        if prose:
            records = [ErrorRecord(kind="message", message=prose, key_message=unwrap_message(prose)), *records]
    records = _with_cut_traceback_frames(records)
    if all(_is_trend(r) or r.type == INFO_LOG for r in records) or (
        any(r.type == INFO_LOG for r in records) and all(r.type == INFO_LOG or _is_deprecation_notice(r) for r in records)
    ):
        # only numbers of a training log (or INFO lines, perhaps beside deprecation notices, which say no problem either)
        # were read: the text is still searched as a whole
        records = [r for r in records if r.type != INFO_LOG]
        bare = strip_ansi(text).strip()[:MAX_MESSAGE_CHARS]
        if bare:
            records = [ErrorRecord(kind="message", message=bare, key_message=unwrap_message(bare)), *records]
    return records


def _with_cut_traceback_frames(records: list[ErrorRecord]) -> list[ErrorRecord]:
    """The frames of a traceback cut off before its exception line, given to the one error the paste states elsewhere.

    "I get the error: ValueError: ..." above (or below) a traceback trimmed before its last line: the frames are
    that error's, and a wording's conditions on them can be read: a frame that ran shows a condition holds, while the
    frames the cut took away (the raising one among them) leave one it seems to deny unknown. With more than one
    stated error, or a traceback that kept its own message, nothing is moved.
    """
    cut = [r for r in records if r.kind == "exception" and r.frames and not r.message.strip() and not r.chained]
    stated = [r for r in records if r.kind == "exception" and not r.frames and r.message.strip() and not r.chained]
    if len(cut) != 1 or len(stated) != 1:
        return records
    frames = cut[0].frames
    given = stated[0].replaced(frames=frames, location=stated[0].location or user_location(frames), cut_frames=True)
    return [given if r is stated[0] else r for r in records if r is not cut[0]]


def without_line_prefixes(lines: list[str]) -> list[str]:
    """Lines without the prefix a log collector wrote before each of them, when the traceback's header carries it.

    A paste that left the header out ("Traceback (most recent call last):") shows the prefix on its first frame line.
    """
    kind = None
    for line in lines:
        if "Traceback (most recent call last)" in line or 'File "' in line:
            m = _LINE_PREFIX.match(line)
            rest = line[m.end() :].lstrip() if m else ""
            if m and (rest.startswith("Traceback (most recent call last)") or _PREFIXED_FRAME.match(rest)):
                kind = m.lastgroup
                break
    if kind is None:
        return lines
    out = []
    for line in lines:
        m = _LINE_PREFIX.match(line)
        out.append(line[m.end() :] if m and m.lastgroup == kind else line)
    return out


# TensorFlow's autograph error (tf.function, tf.data's map) prints the traced function's frames after "in user
# code:" and ends the block with the error line itself; a block without that line was cut before its message
_USER_CODE_HEADER = "in user code:"
_BLOCK_ERROR_LINE = lazy(r"^\s*(?:[A-Za-z_][\w.]*\.)?[A-Z]\w*(?:Error|Exception|Exit|Interrupt|Warning)\b", MULTILINE)


def _is_en_lead_in(text: str) -> bool:
    """A line of the user's own English introducing what they paste next."""
    if not text.endswith(":"):
        return False
    if _EN_LEAD_IN.match(text):
        return True
    return "/" not in text and "\\" not in text and _FIRST_PERSON.search(text) is not None


def _cut_user_code_block(message: str) -> bool:
    """Whether ``message`` is only an autograph "in user code:" block of frames, its error line cut off."""
    head, _, block = message.lstrip().partition(_USER_CODE_HEADER)
    return not head and bool(block.strip()) and _BLOCK_ERROR_LINE.search(block) is None


def _text_above_traceback(lines: list[str], max_lines: int = 6) -> str:
    """The last few non-blank lines before the first traceback or frame line, joined.

    The first line is kept even when more than ``max_lines`` follow it: an issue's title, which often restates the
    message the cut took away ("[Bug]: 'X' object has no attribute 'y'") above a description and the failing code."""
    above: list[str] = []
    for line in lines:
        stripped = line.strip().lstrip("> ").strip()
        if (
            _TB_START.match(stripped)
            or _IPY_TB_HEADER.match(stripped)
            or _PY_FRAME.match(stripped)
            or _IPY_FRAME.match(stripped)
            or stripped.startswith(("---->", "<ipython-input", "File ", "Traceback (most recent call last):"))
            or (": in " in stripped and _PYTEST_FRAME.match(stripped))
        ):
            break
        if stripped and not _DASHES.match(stripped):
            above.append(stripped)
    kept = above[-max_lines:]
    if len(above) > max_lines:
        kept = [above[0], *kept]
    return strip_ansi("\n".join(kept))[:MAX_MESSAGE_CHARS]


def bounded_lines(handle: Any) -> Iterator[str]:
    """The lines of a text stream, each cut to its head and tail: a 1 GB line is never held whole."""
    while True:
        line = handle.readline(MAX_LINE_CHARS)
        if not line:
            return
        if len(line) < MAX_LINE_CHARS or line.endswith(("\n", "\r")):
            yield line
            continue
        head, tail = line[:2000], line
        while not tail.endswith(("\n", "\r")):
            chunk = handle.readline(MAX_LINE_CHARS)
            if not chunk:
                break
            tail = (tail + chunk)[-(MAX_LINE_CHARS - 2000) :]
        yield head + tail


def extract_from_stream(stream: Any) -> tuple[str, list[ErrorRecord]]:
    """The records of a text stream read once (a file, a pipe, a device), never held whole, and the text read:
    input no longer than a paste is read as pasted text is (wrapped frames, markdown, the user's own words
    beside a shared message) and returned with them; longer input is streamed as a log and the text is ``""``.
    No records means the input held nothing but white space."""
    pasted = stream.read(MAX_PASTE_CHARS + 1)
    if len(pasted) <= MAX_PASTE_CHARS:
        return pasted, extract_errors(pasted)
    return "", _records_of_long_text(_TextThen(pasted, stream))


def _records_of_long_text(handle: Any) -> list[ErrorRecord]:
    """The records of a log's lines; when it holds no traceback or log line, those of its start as text."""
    first: list[str] = []
    first_chars = 0

    def lines() -> Iterator[str]:
        nonlocal first_chars
        for line in bounded_lines(handle):
            if first_chars < MAX_MESSAGE_CHARS:
                first.append(line)
                first_chars += len(line)
            yield line

    return extract_from_lines(lines()) or extract_errors("".join(first))


class _TextThen:
    """Text already read from a stream, then the rest of the stream: read line by line as one."""

    def __init__(self, first: str, rest: Any) -> None:
        self._first: io.StringIO | None = io.StringIO(first, newline="")
        self._rest = rest

    def readline(self, limit: int = -1) -> str:
        if self._first is None:
            return str(self._rest.readline(limit))
        line = self._first.readline(limit)
        if line.endswith(("\n", "\r")) or 0 < limit <= len(line):
            return line
        self._first = None  # the rest of this line, and every later one, is the stream's
        return line + str(self._rest.readline(limit - len(line) if limit > 0 else -1))


def _frames_of(exc: BaseException) -> tuple[Frame, ...]:
    import linecache
    from collections import deque

    # walk the chain without building a summary per frame: a deep recursion has millions
    head: list[Any] = []
    tail: deque[Any] = deque(maxlen=MAX_FRAMES // 2)
    tb = exc.__traceback__
    while tb is not None:
        (head if len(head) < MAX_FRAMES // 2 else tail).append(tb)
        tb = tb.tb_next
    frames = []
    for item in (*head, *tail):
        code = item.tb_frame.f_code
        line = item.tb_lineno
        linecache.lazycache(code.co_filename, item.tb_frame.f_globals)  # sources inside zips, as traceback does
        source = linecache.getline(code.co_filename, line).strip() if line else ""
        frames.append(Frame(path=code.co_filename, line=line, function=code.co_name, code=source))
    return tuple(frames)


def _safe_str(value: object, describe: Callable[[object], str] = str) -> str:
    try:
        return describe(value)[:MAX_MESSAGE_CHARS]
    except Exception:  # noqa: BLE001 - a broken __str__ must not hide the error
        return f"<unprintable {type(value).__name__} object>"


def _notes_text(exc: BaseException) -> str:
    """``__notes__`` as Python's traceback shows them, whatever type the attribute holds."""
    try:
        notes = getattr(exc, "__notes__", None)
        if notes is None:
            return ""
        if isinstance(notes, (list, tuple)):
            return "\n".join(_safe_str(note) for note in notes[:MAX_NOTES])
        return _safe_str(notes, repr)
    except Exception:  # noqa: BLE001 - odd notes must not hide the error
        return ""


def records_from_exception(exc: BaseException) -> list[ErrorRecord]:
    """Records for a live exception and the chain behind it, causes first, the final one last."""
    chain: list[BaseException] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen and len(chain) < 10:
        seen.add(id(current))
        chain.append(current)
        current = current.__cause__ or (None if current.__suppress_context__ else current.__context__)
    records: list[ErrorRecord] = []
    for position, item in enumerate(reversed(chain)):
        cls = type(item)
        names = tuple(c.__name__ for c in cls.__mro__ if c is not object)
        message = _safe_str(item)
        notes = _notes_text(item)
        if notes:
            message += "\n" + notes
        records.append(
            make_exception_record(
                cls.__name__,
                strip_ansi(message),
                _frames_of(item),
                type_names=names,
                chained=position < len(chain) - 1,
            )
        )
    return with_chain_location(records)

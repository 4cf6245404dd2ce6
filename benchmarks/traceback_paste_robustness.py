"""Does explain still name the right family when a real traceback is pasted the way people paste it?

Every error captured on a real install with its frames (fixtures/ground_truth/messages.jsonl, its family
from fixtures/ground_truth/expected.yaml, as tests/test_ground_truth.py reads them) is printed as a
Python traceback: a call from the user's script, then the recorded frames (the capture keeps the last
five), then the message. That traceback is then pasted in the shapes tracebacks reach an issue or a
forum in: as Python prints it, with Python 3.11's caret lines, as IPython 8 / Jupyter prints it
(``Cell In[3], line 17``, ``File ~/...``, arrows and context lines), the same with its ANSI colours, as
IPython 7 / old Colab printed it (``<ipython-input-5-...> in <module>``), with Windows paths, after
TensorFlow's start-up log and a progress bar, cut by a terminal 80 columns wide, word-wrapped at 72, HTML-escaped (copied from a
rendered page's source), in a markdown fence between sentences, with only its last frame, inside a
pytest report (``E   `` prefixes), and after a Chinese sentence. Each way reports how often the family
comes first and how often another family comes first at 0.8 or more.

No case here was written for a rule, and no rule may be written from this report: it measures how
tolerant the reading of a traceback is, on errors whose wording the rules already know.

Usage: python benchmarks/traceback_paste_robustness.py [--json] [--misses WAY]
"""

from __future__ import annotations

import argparse
import html
import json
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "benchmarks"))

import paste_robustness  # noqa: E402 - the same captured errors and families as the message benchmark

# (path, line, function, code) of a frame; the user's script calls the first recorded frame
Frame = tuple[str, str, str, str]
USER_CALL: Frame = ("train.py", "42", "<module>", "main()")
SITE_PACKAGES = "/home/user/venv/lib/python3.11/site-packages/"
WINDOWS_SITE_PACKAGES = "C:\\Users\\user\\AppData\\Local\\Programs\\Python\\Python311\\Lib\\site-packages\\"
TF_START_UP = (
    "2024-05-02 10:14:03.511249: I tensorflow/core/util/port.cc:113] oneDNN custom operations are on. You may see "
    "slightly different numerical results due to floating-point round-off errors from different computation orders.\n"
    "2024-05-02 10:14:04.120853: I tensorflow/core/platform/cpu_feature_guard.cc:210] This TensorFlow binary is "
    "optimized to use available CPU instructions in performance-critical operations.\n"
    "To enable the following instructions: AVX2 FMA, in other operations, rebuild TensorFlow with the appropriate "
    "compiler flags.\n"
    "Epoch 1/10\n"
    "  3/100 [..............................] - ETA: 12s - loss: 2.3012\n"
)
ANSI_RED, ANSI_GREEN, ANSI_RESET = "\x1b[0;31m", "\x1b[0;32m", "\x1b[0m"


def _frames(entry: dict) -> list[Frame]:
    frames: list[Frame] = []
    for frame in entry["frames"]:
        where, _, code = frame.partition(": ")
        path_line, _, function = where.rpartition(" in ")
        path, _, line = path_line.rpartition(":")
        if not line.isdigit():  # AutoGraph's generated code, recorded as "<tmp>"
            path, line = "/tmp/__autograph_generated_filep3k9x1d2.py", "15"
        frames.append((SITE_PACKAGES + path if "/" in path else path, line, function, code))
    return [USER_CALL, *frames]


def _message(entry: dict) -> str:
    return f"{entry['type']}: {entry['message']}" if entry["type"] else entry["message"]


def python_traceback(entry: dict, frames: list[Frame] | None = None, carets: bool = False) -> str:
    lines = ["Traceback (most recent call last):"]
    for path, line, function, code in frames if frames is not None else _frames(entry):
        lines.append(f'  File "{path}", line {line}, in {function}')
        lines.append(f"    {code}")
        if carets:
            lines.append("    " + "^" * max(1, len(code.rstrip("(").rstrip())))
    return "\n".join([*lines, _message(entry)])


def ipython8(entry: dict, colours: bool = False) -> str:
    red, green, reset = (ANSI_RED, ANSI_GREEN, ANSI_RESET) if colours else ("", "", "")
    exc_type = entry["type"] or "Exception"
    lines = ["-" * 75, f"{red}{exc_type}{reset}{' ' * max(1, 42 - len(exc_type))}Traceback (most recent call last)"]
    for number, (path, line, function, code) in enumerate(_frames(entry)):
        if number == 0:
            lines.append(f"Cell {green}In[12], line {line}{reset}")
        else:
            short = path.replace("/home/user", "~")
            lines.append(f"File {green}{short}:{line}{reset}, in {function}(*args, **kwargs)")
        width = len(line)
        previous = str(max(1, int(line) - 1)).rjust(width)
        lines.append(f"{previous}     x = 1")
        lines.append(f"{red}---> {line} {reset}{code}")
        lines.append("")
    return "\n".join([*lines, f"{red}{exc_type}{reset}: {entry['message']}" if entry["type"] else entry["message"]])


def ipython7(entry: dict) -> str:
    exc_type = entry["type"] or "Exception"
    lines = ["-" * 75, f"{exc_type}{' ' * max(1, 42 - len(exc_type))}Traceback (most recent call last)"]
    for number, (path, line, function, code) in enumerate(_frames(entry)):
        where = "<ipython-input-5-3f0c8a2b1d4e>" if number == 0 else path.replace(SITE_PACKAGES, "/usr/local/lib/python3.10/dist-packages/")
        lines.append(f"{where} in {'<module>' if number == 0 else function}{'()' if number == 0 else '(self, *args, **kwargs)'}")
        lines.append(f"{'---->' if number == 0 else '-->'} {line} {code}")
        lines.append("")
    return "\n".join([*lines, _message(entry)])


def windows(entry: dict) -> str:
    def path(posix: str) -> str:
        if posix.startswith(SITE_PACKAGES):
            return posix.replace(SITE_PACKAGES, WINDOWS_SITE_PACKAGES).replace("/", "\\")
        return "C:\\Users\\user\\project\\" + posix

    frames = [(path(p), n, f, c) for p, n, f, c in _frames(entry)]
    return python_traceback(entry, frames)


def cut_at_80(entry: dict) -> str:
    """As a terminal 80 columns wide shows it: every longer line cut at exactly 80 characters, inside words too."""
    return "\n".join(line[i : i + 80] for line in python_traceback(entry).splitlines() for i in range(0, max(1, len(line)), 80))


def word_wrapped(entry: dict) -> str:
    """As an editor that wraps at 72 columns saves it: longer lines broken at spaces."""
    return "\n".join(textwrap.fill(line, 72, drop_whitespace=False, replace_whitespace=False) or line for line in python_traceback(entry).splitlines())


def in_markdown(entry: dict) -> str:
    return f"When I run my training script I get this error:\n\n```python\n{python_traceback(entry)}\n```\n\nAny idea what I am doing wrong? Thanks!"


def last_frame_only(entry: dict) -> str:
    return python_traceback(entry, _frames(entry)[-1:])


def in_pytest(entry: dict) -> str:
    frames = _frames(entry)
    lines = ["    def test_train():", f">       {frames[0][3]}", ""]
    for path, line, function, code in frames[1:]:
        lines += [f"{path}:{line}: in {function}", f"    {code}"]
    message_lines = _message(entry).splitlines() or [""]
    lines += [f"E   {message_lines[0]}", *(f"E   {rest}" for rest in message_lines[1:])]
    return "\n".join(lines)


WAYS: dict[str, Callable[[dict], str]] = {
    "python": python_traceback,
    "carets (3.11)": lambda e: python_traceback(e, carets=True),
    "ipython 8": ipython8,
    "ipython 8 ansi": lambda e: ipython8(e, colours=True),
    "ipython 7": ipython7,
    "windows paths": windows,
    "after tf logs": lambda e: f"{TF_START_UP}{python_traceback(e)}\n\nProcess finished with exit code 1",
    "terminal 80 cols": cut_at_80,
    "word-wrapped 72": word_wrapped,
    "html-escaped": lambda e: html.escape(python_traceback(e)),
    "markdown": in_markdown,
    "last frame only": last_frame_only,
    "pytest": in_pytest,
    "after chinese": lambda e: f"运行的时候报错了，错误信息如下：\n{python_traceback(e)}\n请问怎么解决？",
}


def cases() -> list[tuple[dict, set[str]]]:
    """The captured errors with recorded frames and the family that must come first."""
    return [(entry, wanted) for entry, wanted in paste_robustness.cases() if entry["frames"] and entry["kind"] != "warning"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--misses", choices=list(WAYS), help="also list the misses of this way of pasting")
    parser.add_argument("--only", choices=list(WAYS), action="append", help="measure only this way (repeatable)")
    args = parser.parse_args()
    report = paste_robustness.measure(args.only or list(WAYS), WAYS, cases())
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
        return 0
    paste_robustness.print_report(report, args.misses)
    return 0


if __name__ == "__main__":
    sys.exit(main())

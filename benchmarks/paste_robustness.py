"""Does explain still name the right family when a real message is pasted the way people paste it?

Every message captured on a real install (fixtures/ground_truth/messages.jsonl, its family from
fixtures/ground_truth/expected.yaml, as tests/test_ground_truth.py reads them) is pasted in several
ways: as printed, its message line alone, hard-wrapped at 60 columns, with curly quotes, cut to its
first 60%, inside an English or a Chinese sentence, in markdown, in lower case, with fullwidth
punctuation, with its type line lost, and (for a missing name: ``cannot import name 'X' from 'M'`` /
``module 'M' has no attribute 'X'``) as the other statement prints it, ``M.X`` for ``from M import X``
and back; that way counts only the messages that hold such a name. Each way reports how often the family comes first and how often
another family comes first at 0.8 or more.

No case here was written for a rule, and no rule may be written from this report: it measures how
tolerant the reading is, on messages whose wording the rules already know as printed.

Usage: python benchmarks/paste_robustness.py [--json] [--misses WAY]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
# this checkout's kerasdoctor, also when another copy is installed (an editable install of another worktree)
sys.path.insert(0, str(ROOT))

import test_ground_truth as ground_truth  # noqa: E402 - the same reading of the captures as the test

from kerasdoctor.explain import explain  # noqa: E402
from kerasdoctor.types import CONFIDENT  # noqa: E402

_CURLY = str.maketrans({"'": "\u2019", '"': "\u201d"})
_FULLWIDTH = str.maketrans({":": "\uff1a", ",": "\uff0c", "(": "\uff08", ")": "\uff09"})


def _message_line(entry: dict) -> str:
    return f"{entry['type']}: {entry['message']}" if entry["type"] else entry["message"]


def _first_line(entry: dict) -> str:
    return _message_line(entry).strip().splitlines()[0] if _message_line(entry).strip() else ""


_IMPORTED = re.compile(r"(ImportError: )?cannot import name '(\w+)' from '([\w.]+)'(?: \([^)]*\))?")
_ATTRIBUTE = re.compile(r"(AttributeError: )?module '([\w.]+)' has no attribute '(\w+)'")


def _other_statement(entry: dict) -> str | None:
    """The message ``from M import X`` prints for what ``M.X`` printed, and back; None when it names no missing name."""
    line = _message_line(entry)
    if "partially initialized" in line:
        return None
    m = _IMPORTED.search(line)
    if m is not None:
        return f"{'AttributeError: ' if m.group(1) else ''}module '{m.group(3)}' has no attribute '{m.group(2)}'"
    m = _ATTRIBUTE.search(line)
    if m is not None:
        return f"{'ImportError: ' if m.group(1) else ''}cannot import name '{m.group(3)}' from '{m.group(2)}'"
    return None


def _cut(entry: dict) -> str:
    line = _message_line(entry)
    return line[: max(20, int(len(line) * 0.6))]


WAYS: dict[str, Callable[[dict], str | None]] = {
    "as printed": ground_truth.as_printed,
    "message line": _message_line,
    "wrapped at 60": lambda e: "\n".join(textwrap.fill(line, 60) for line in _message_line(e).splitlines()),
    "curly quotes": lambda e: _message_line(e).translate(_CURLY),
    "cut to 60%": _cut,
    "in a sentence": lambda e: f"When I call model.fit I get this error: {_message_line(e)} -- any idea what is wrong?",
    "in Chinese": lambda e: f"训练的时候报错了：{_message_line(e)}，请问怎么解决？",
    "markdown": lambda e: f"**Error:**\n```\n{_message_line(e)}\n```",
    "lower case": lambda e: _message_line(e).lower(),
    "fullwidth": lambda e: _message_line(e).translate(_FULLWIDTH),
    "type lost": lambda e: e["message"],
    "other statement": _other_statement,
}


def cases() -> list[tuple[dict, set[str]]]:
    """The captured messages with the family that must come first (those no family explains left out)."""
    out = []
    for entry in ground_truth.ENTRIES:
        wanted: set[str] | None = None
        for env, case in entry["seen"]:
            if ground_truth.without_family(env, case, entry["message"]):
                continue
            families = ground_truth.families_for(case, entry["message"])
            wanted = families if wanted is None else wanted & families
        if wanted and _first_line(entry):
            out.append((entry, wanted))
    return out


def measure(selected: list[str], ways: dict[str, Callable[[dict], str | None]] = WAYS, every: list[tuple[dict, set[str]]] | None = None) -> dict[str, dict]:
    """Per way of pasting: the cases it applies to, how often the family comes first, no answer, another family >= 0.8."""
    report: dict[str, dict] = {}
    every = cases() if every is None else every
    for way in selected:
        right = confident_wrong = unanswered = counted = 0
        misses = []
        for entry, wanted in every:
            text = ways[way](entry)
            if text is None:
                continue
            counted += 1
            matches = explain(text, versions={}).matches
            top = matches[0] if matches else None
            if top is None:
                unanswered += 1
            elif top.rule.name in wanted:
                right += 1
                continue
            elif top.confidence >= CONFIDENT:
                confident_wrong += 1
            misses.append({"text": text[-400:], "wanted": sorted(wanted), "got": top.rule.name if top else None, "confidence": top.confidence if top else 0.0})
        report[way] = {"cases": counted, "top1": right / max(1, counted), "unanswered": unanswered, "confident_wrong": confident_wrong, "misses": misses}
    return report


def print_report(report: dict[str, dict], misses_of: str | None) -> None:
    print(f"{'pasted':16s} {'cases':>6s} {'top-1':>7s} {'no answer':>10s} {'wrong >= 0.8':>13s}")
    for way, figures in report.items():
        print(f"{way:16s} {figures['cases']:6d} {figures['top1']:7.1%} {figures['unanswered']:10d} {figures['confident_wrong']:13d}")
    if misses_of and misses_of in report:
        for miss in report[misses_of]["misses"]:
            print(f"  wanted {'/'.join(miss['wanted'])}  got {miss['got']} {miss['confidence']:.2f}\n    {miss['text'][-300:]!r}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--misses", choices=list(WAYS), help="also list the misses of this way of pasting")
    args = parser.parse_args()
    report = measure(list(WAYS))
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
        return 0
    print_report(report, args.misses)
    return 0


if __name__ == "__main__":
    sys.exit(main())

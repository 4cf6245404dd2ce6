"""How well explain still names a family when its real example messages are pasted the way issue titles quote them.

Every one-line example message of every rule that explain ranks first as given is
changed the way a Stack Overflow or GitHub title changes a message, one way at a
time, and explain is asked again: does the rule still come first? No labelled case
is read, so the figures say how general the reading is, not how well it fits a corpus.

    python benchmarks/title_paste_robustness.py [--show KIND ...]

Kinds: the exception class left out; lower case; the first word or two cut off; cut
after 60% of its characters; small words left out (a, the, got, has ...); prose before
and after; "Error" in place of the class; the class without its colon; the longest word
mistyped (two letters swapped); Title Case. Prints, per kind, how many still rank first.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

import kerasdoctor  # noqa: E402

public_explain = kerasdoctor.explain  # bound once: importing the subpackage rebinds the attribute
SMALL_WORDS = {"a", "an", "the", "got", "to", "of", "is", "was", "be", "has", "have", "for", "with", "but"}
_CLASS = re.compile(r"^([\w.]*(?:Error|Exception|Warning)):\s*(.*)$")


def pasted_as_titles(message: str) -> dict[str, str]:
    """``message`` changed in each way a title changes it (only the ways that apply to it)."""
    out: dict[str, str] = {}
    found = _CLASS.match(message)
    body = found.group(2) if found else message
    if found:
        out["no class"] = body
        out["class without colon"] = f"{found.group(1)} {body}"
    out["lower case"] = message.lower()
    words = body.split(" ")
    if len(words) > 6:
        out["first word cut"] = " ".join(words[1:])
        out["two words cut"] = " ".join(words[2:])
        out["cut at 60%"] = body[: int(len(body) * 0.6)]
    out["small words left out"] = " ".join(w for w in message.split(" ") if w.lower() not in SMALL_WORDS)
    out["prose around"] = f"Keras: {message} when training my model"
    out["Error for the class"] = f"Error {body}"
    tokens = message.split(" ")
    longest = max(range(len(tokens)), key=lambda i: len(tokens[i]) if tokens[i].isalpha() else 0)
    word = tokens[longest]
    if len(word) >= 7 and word.isalpha():
        tokens[longest] = word[:3] + word[4] + word[3] + word[5:]
        out["typo"] = " ".join(tokens)
    out["Title Case"] = " ".join(w[:1].upper() + w[1:] for w in message.split(" "))
    return out


def example_messages() -> list[tuple[str, str]]:
    """(rule name, message) for each one-line example message of the rules (``rules/*.yaml``)."""
    out = []
    for path in sorted((ROOT / "rules").glob("KD*.yaml")):
        rule = yaml.safe_load(path.read_text(encoding="utf-8"))
        for example in (rule.get("examples") or {}).get("errors") or []:
            lines = [line for line in example["text"].strip().splitlines() if line.strip()]
            if len(lines) == 1 and len(lines[0]) >= 25:
                out.append((rule["name"], lines[0]))
    return out


def first(text: str) -> str | None:
    matches = public_explain(text, versions={}).matches
    return matches[0].rule.name if matches else None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", nargs="*", default=[], help="list the messages of these kinds that lose their family")
    args = parser.parse_args()
    started = time.perf_counter()
    kept: Counter[str] = Counter()
    tried: Counter[str] = Counter()
    lost: dict[str, list[str]] = defaultdict(list)
    checked = 0
    for name, message in example_messages():
        if first(message) != name:
            continue  # tests/test_rule_examples.py reports these
        checked += 1
        for kind, text in pasted_as_titles(message).items():
            tried[kind] += 1
            got = first(text)
            if got == name:
                kept[kind] += 1
            else:
                lost[kind].append(f"  {name}: {text[:140]!r} -> {got}")
    print(f"{checked} example messages ranked first as given; {time.perf_counter() - started:.1f} s")
    print(f"{'pasted as a title':24s} {'still first':>12s}")
    for kind in tried:
        print(f"{kind:24s} {kept[kind]:5d}/{tried[kind]:<5d} {100 * kept[kind] / tried[kind]:5.1f}%")
    for kind in args.show:
        print(f"\n{kind}:")
        print("\n".join(lost.get(kind, [])))
    return 0


if __name__ == "__main__":
    sys.exit(main())

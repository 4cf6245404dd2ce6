"""Every message captured on real installs is explained by its family.

fixtures/ground_truth/messages.jsonl holds each distinct error raised (and each warning that is a family's
point) when the capture scripts ran on TF 2.21 + Keras 3, tf-keras 2.21, TF 2.15 + Keras 2.15, TF 1.15
tf.keras, Keras 2.3.1 on TF 1.15 and plain Python 3.6-3.13 (benchmarks/extract_ground_truth.py copies it
from a capture). fixtures/ground_truth/expected.yaml says which family each case belongs to, from what the
case does; the family must rank first for every message the case printed. Messages that no family explains
are listed there with the reason, and are the only ones allowed to go unanswered.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from kerasdoctor.explain import explain_records
from kerasdoctor.explain.extract import extract_errors
from kerasdoctor.kb import load_rules

HERE = Path(__file__).resolve().parent.parent / "fixtures" / "ground_truth"
ENTRIES: list[dict[str, Any]] = [json.loads(line) for line in (HERE / "messages.jsonl").read_text(encoding="utf-8").splitlines()]
EXPECTED: dict[str, Any] = yaml.safe_load((HERE / "expected.yaml").read_text(encoding="utf-8"))
RULESET = load_rules(use_cache=False)


def as_printed(entry: dict[str, Any]) -> str:
    """The text a user would paste: the traceback when the recorded frames reach the user's script."""
    last_line = f"{entry['type']}: {entry['message']}" if entry["type"] else entry["message"]
    frames = entry["frames"]
    # The capture keeps the last five frames only; a tail that starts inside a library would make the
    # frame conditions of rules fail for a reason a real traceback does not have.
    if not frames or "/" in frames[0].partition(":")[0]:
        return last_line
    lines = ["Traceback (most recent call last):"]
    for frame in frames:
        where, _, code = frame.partition(": ")
        path_line, _, function = where.rpartition(" in ")
        path, _, line = path_line.rpartition(":")
        path = f"<site-packages>/{path}" if "/" in path else f"<scripts>/{path}"
        lines.append(f'  File "{path}", line {line}, in {function}\n    {code}')
    return "\n".join([*lines, last_line])


def without_family(env: str, case: str, message: str) -> str | None:
    """The reason no family explains this message, or None."""
    for gap in EXPECTED["no_family"]:
        if ("case" in gap and re.fullmatch(gap["case"], case)) or ("message" in gap and re.search(gap["message"], message)):
            return str(gap["reason"])
    return None


def families_for(case: str, message: str) -> set[str]:
    for rule in EXPECTED["messages"]:
        if re.search(rule["pattern"], message):
            return {rule["family"]}
    if case.startswith("import::"):
        found = next((r["family"] for r in EXPECTED["imports"] if re.search(r["pattern"], case)), None)
    else:
        found = EXPECTED["cases"].get(case)
        if found is None:
            found = next((r["family"] for r in EXPECTED["case_patterns"] if re.fullmatch(r["pattern"], case)), None)
    if found is None:
        return set()
    return set(found) if isinstance(found, list) else {found}


def checked_entries() -> Iterator[Any]:
    for entry in ENTRIES:
        env, case = entry["seen"][0]
        yield pytest.param(entry, id=f"{env}-{case}-{entry['kind']}")


@pytest.mark.parametrize("entry", list(checked_entries()))
def test_message_is_explained_by_its_family(entry: dict[str, Any]) -> None:
    message = entry["message"]
    wanted: set[str] | None = None
    for env, case in entry["seen"]:
        if without_family(env, case, message):
            continue
        families = families_for(case, message)
        assert families, f"{case} ({env}) is neither mapped to a family nor listed without one in expected.yaml"
        wanted = families if wanted is None else wanted & families
        assert wanted, f"the cases printing this message disagree on its family: {entry['seen']}"
    if wanted is None:
        pytest.skip("listed in expected.yaml as explained by no family")
    explanation = explain_records(extract_errors(as_printed(entry)), rules=RULESET, versions=entry["versions"])
    ranking = [(m.rule.name, round(m.confidence, 2)) for m in explanation.matches[:3]]
    assert ranking and ranking[0][0] in wanted, f"{entry['seen'][:3]}: want {sorted(wanted)}, got {ranking}\n{message[:300]}"


def test_mapping_names_real_families_and_reasons() -> None:
    names = {rule.name for rule in RULESET.rules}
    named: list[str] = []
    for value in [r["family"] for r in EXPECTED["messages"] + EXPECTED["imports"] + EXPECTED["case_patterns"]] + list(EXPECTED["cases"].values()):
        named.extend(value if isinstance(value, list) else [value])
    assert set(named) <= names, sorted(set(named) - names)
    assert all(str(gap.get("reason", "")).strip() for gap in EXPECTED["no_family"])


def test_unexplained_messages_are_few() -> None:
    # What the ground truth leaves to "no family" must stay a short, reasoned list, not a dumping ground.
    unexplained = [e for e in ENTRIES if all(without_family(env, case, e["message"]) for env, case in e["seen"])]
    assert len(unexplained) <= 0.06 * len(ENTRIES), [e["message"][:80] for e in unexplained]


def _cut_inside_a_word(line: str) -> str | None:
    """``line`` cut as an issue title or a clipped paste is: inside a word, past its first 60%."""
    for end in range(int(len(line) * 0.6), len(line) - 1):
        if line[end - 1].isalpha() and line[end].isalpha():
            return line[:end]
    return None


def test_a_message_cut_inside_a_word_names_its_family_or_no_family_confidently() -> None:
    from kerasdoctor.explain import explain
    from kerasdoctor.types import CONFIDENT

    right = confident_wrong = cut = 0
    for entry in ENTRIES[::2]:
        wanted: set[str] = set()
        for env, case in entry["seen"]:
            if not without_family(env, case, entry["message"]):
                wanted |= families_for(case, entry["message"])
        line = f"{entry['type']}: {entry['message']}".splitlines()[0] if entry["type"] else entry["message"].splitlines()[0]
        text = _cut_inside_a_word(line)
        if not wanted or text is None or len(text) < 40:
            continue
        cut += 1
        matches = explain(text, rules=RULESET, versions={}).matches
        if matches and matches[0].rule.name in wanted:
            right += 1
        elif matches and matches[0].confidence >= CONFIDENT:
            confident_wrong += 1
    assert cut > 100
    # many cuts remove what tells families apart ("No module named 'tens"); reading the wording up to
    # the cut (explain.fuzzy.cut_coverage) takes this from 56% to 63%
    assert right >= 0.6 * cut, (right, cut)
    assert confident_wrong <= 0.01 * cut, confident_wrong

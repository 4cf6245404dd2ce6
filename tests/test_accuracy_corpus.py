"""The explain-accuracy corpus (fixtures/real_errors) is well formed and names real rules.

Fast and TensorFlow-free: it only reads YAML. The benchmark itself is
benchmarks/explain_accuracy.py.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from kerasdoctor.kb import load_rules

CORPUS = Path(__file__).resolve().parent.parent / "fixtures" / "real_errors"
REQUIRED_KEYS = {"source", "text", "family", "expected"}
ALLOWED_KEYS = REQUIRED_KEYS | {"versions"}
CASE_FILE = re.compile(r"\d{4}\.yaml\Z")
MIN_CASES = 100

CASE_FILES = sorted(p for p in CORPUS.glob("*.yaml") if not p.name.startswith("_"))


def load_case(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), f"{path.name}: not a mapping"
    return data


@pytest.fixture(scope="module")
def catalog_names() -> set[str]:
    return {rule.name for rule in load_rules().rules}


def test_corpus_is_large_enough() -> None:
    assert len(CASE_FILES) >= MIN_CASES, f"{len(CASE_FILES)} cases, want >= {MIN_CASES}"


@pytest.mark.parametrize("path", CASE_FILES, ids=lambda p: p.name)
def test_case_is_well_formed(path: Path, catalog_names: set[str]) -> None:
    assert CASE_FILE.match(path.name), f"{path.name}: name the file NNNN.yaml"
    case = load_case(path)
    assert set(case) >= REQUIRED_KEYS, f"{path.name}: missing {sorted(REQUIRED_KEYS - set(case))}"
    assert set(case) <= ALLOWED_KEYS, f"{path.name}: unknown keys {sorted(set(case) - ALLOWED_KEYS)}"

    source = case["source"]
    assert isinstance(source, str) and re.match(r"https?://\S+\Z", source), f"{path.name}: source must be an http(s) URL"

    text = case["text"]
    assert isinstance(text, str) and text.strip(), f"{path.name}: text is empty"

    family = case["family"]
    assert isinstance(family, str) and family.strip() and "\n" not in family.strip(), f"{path.name}: family must be one line"

    expected = case["expected"]
    assert expected is None or expected in catalog_names, f"{path.name}: expected {expected!r} is not a rule name of the catalog"

    if "versions" in case:
        assert isinstance(case["versions"], str) and case["versions"].strip(), f"{path.name}: versions must be a non-empty string"


def test_cases_are_distinct() -> None:
    seen: dict[tuple[str, str], str] = {}
    for path in CASE_FILES:
        case = load_case(path)
        key = (case["source"], case["text"].strip())
        assert key not in seen, f"{path.name} repeats {seen[key]}"
        seen[key] = path.name


def test_corpus_does_not_copy_rule_examples() -> None:
    """The corpus measures the rules, so its texts must not be the rules' own examples."""
    example_texts = set()
    for rule in load_rules().rules:
        for example in (rule.examples or {}).get("errors") or []:
            if isinstance(example, dict) and isinstance(example.get("text"), str):
                example_texts.add(example["text"].strip())
    copied = [p.name for p in CASE_FILES if load_case(p)["text"].strip() in example_texts]
    assert not copied, f"corpus texts identical to a rule example: {copied}"

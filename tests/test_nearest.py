"""The last resort: a text about deep learning that no evidence matched gets a low-confidence guess.

The texts are public reports of the development corpus (fixtures/real_errors), the
rules' own examples and the captured formats of fixtures/formats. Fast, TensorFlow-free.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from conftest import FORMATS, run_cli

from kerasdoctor import kb
from kerasdoctor.explain import explain, explain_records
from kerasdoctor.explain.extract import extract_errors
from kerasdoctor.explain.nearest import MAX_CONFIDENCE, NOTE, build_index, scores
from kerasdoctor.kb import load_rules
from kerasdoctor.types import KIND_CAPS

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT / "fixtures" / "real_errors"
UNCACHED = load_rules(use_cache=False)  # keeps the rules' examples


def dev_text(case: str) -> str:
    return yaml.safe_load((DEV / f"{case}.yaml").read_text(encoding="utf-8"))["text"]


@pytest.mark.parametrize(
    ("case", "family"),
    [
        ("1163", "callback-monitor-metric-missing"),  # EarlyStopping monitoring 'value_loss' never stops early
        ("0401", "activation-loss-mismatch"),  # 准确性保持不变 after every epoch
    ],
)
def test_a_description_nothing_else_matched_gets_its_family_as_a_marked_guess(case: str, family: str) -> None:
    text = dev_text(case)
    assert explain_records(extract_errors(text), versions={}, guess=False).matches == []  # no other evidence
    matches = explain(text, versions={}).matches
    assert matches and matches[0].rule.name == family and len(matches) <= 3
    assert all(m.kind == "fuzzy" and NOTE in m.notes for m in matches)
    assert all(m.confidence <= MAX_CONFIDENCE <= 0.35 < KIND_CAPS["symptom"] for m in matches)
    assert [m.confidence for m in matches] == sorted((m.confidence for m in matches), reverse=True)


def test_the_cli_prints_the_guess_with_its_note_and_exits_0() -> None:
    proc = run_cli("explain", "--format", "json", dev_text("1163"))
    assert proc.returncode == 0, proc.stderr
    best = json.loads(proc.stdout)["matches"][0]
    assert best["name"] == "callback-monitor-metric-missing" and best["kind"] == "fuzzy" and best["confidence"] <= MAX_CONFIDENCE
    assert "a guess from similar words" in best["notes"][0] and "paste the full error" in best["notes"][0]
    text = run_cli("explain", dev_text("1163")).stdout
    # the headline says how the match was made: a guess, not a near match of a known message
    assert "callback-monitor-metric-missing · confidence" in text and "· a guess from similar words" in text.splitlines()[0]


@pytest.mark.parametrize(
    "text",
    [
        "hello world",
        "KeyError: 'foo'",
        "IndexError: list index out of range",
        "TypeError: unsupported operand type(s) for +: 'int' and 'str'",
        "json.decoder.JSONDecodeError: Expecting value: line 1 column 1 (char 0)",
        'Traceback (most recent call last):\n  File "/home/me/app.py", line 3, in <module>\n    row = table["price"]\nKeyError: \'price\'\n',
        "I like to train my dog every day with treats",
        "my model takes the train at 9",
        "How to save model in keras",
    ],
)
def test_text_about_something_else_stays_unanswered(text: str) -> None:
    assert explain(text, versions={}).matches == []


def test_a_live_exception_is_never_guessed() -> None:
    text = dev_text("0400")
    try:
        raise ValueError(text)
    except ValueError as exc:
        live = exc
    assert explain(live, versions={}).matches == []


def test_inputs_matched_without_the_guess_are_unchanged() -> None:
    """Every rule example and captured format: the guess may only answer what had no answer."""
    texts = [e["text"] for rule in UNCACHED.rules for key in ("errors", "not_errors") for e in rule.examples.get(key) or []]
    texts += [p.read_text(encoding="utf-8", errors="replace") for p in sorted(FORMATS.glob("*.txt"))]
    assert len(texts) > 500
    for text in texts:
        records = extract_errors(text)
        without = [m.to_dict() for m in explain_records(records, rules=UNCACHED, versions={}, guess=False).matches]
        with_guess = [m.to_dict() for m in explain_records(records, rules=UNCACHED, versions={}).matches]
        assert with_guess == without or (without == [] and all(NOTE in m["notes"] for m in with_guess)), text[:200]


def test_the_snapshot_carries_the_index_the_rules_give(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(kb, "_LOADED", {})  # read the snapshot, not a rule set this process loaded before
    load_rules()  # writes the snapshot when this test session has none yet
    monkeypatch.setattr(kb, "_LOADED", {})
    cached = load_rules()
    assert cached._nearest_bytes is not None
    assert cached.nearest_index() == build_index(UNCACHED.rules, UNCACHED.vocabulary)


def test_the_prior_counts_only_families_of_the_catalog_from_the_development_set() -> None:
    from kerasdoctor.explain.nearest import prevalence

    reports = prevalence()
    names = {rule.name for rule in UNCACHED.rules}
    assert len(reports) > 100 and set(reports) <= names
    dev_labels = [yaml.safe_load(p.read_text(encoding="utf-8")).get("expected") for p in DEV.glob("[0-9]*.yaml")]
    assert sum(reports.values()) <= sum(1 for label in dev_labels if label)


def test_a_missing_or_malformed_prior_only_leaves_the_words_to_rank(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from kerasdoctor.explain import nearest

    text = dev_text("0400")
    for content in (None, "{not json", '["a list"]', '{"activation-loss-mismatch": "many"}'):
        path = tmp_path / "prevalence.json"
        if content is not None:
            path.write_text(content, encoding="utf-8")
        monkeypatch.setattr(nearest, "PREVALENCE_PATH", str(path if content is not None else tmp_path / "missing.json"))
        assert nearest.prevalence() == {}
        index = build_index(UNCACHED.rules, UNCACHED.vocabulary)
        assert set(index[2]) == {0}
        matches = nearest.nearest_matches(extract_errors(text), UNCACHED.rules)
        assert matches and all(m.kind == "fuzzy" and NOTE in m.notes for m in matches)


def test_a_text_naming_no_deep_learning_word_gets_a_guess_only_when_it_fits_one_family_strongly() -> None:
    from kerasdoctor.explain.nearest import nearest_matches

    rules = kb.load_rules()
    # generator code that names no Keras word, but the words of one family's fix (super().__init__ in a data generator)
    code = "Update DataGenerator to handle worker & multiprocessing again\n\nsuper().__init__(**kwargs)\n\nin DataGenerator"
    guesses = nearest_matches(extract_errors(code), rules)
    assert guesses and guesses[0].rule.name == "py-dataset-super-init-missing" and guesses[0].confidence <= MAX_CONFIDENCE
    # a plain Python error shares a few words with a family's wording, not enough for a text about nothing of Keras
    assert nearest_matches(extract_errors("IndexError: list index out of range"), rules) == []


@pytest.mark.parametrize("trouble", ["error loading my model.h5", "loading my model.h5 fails"])
def test_a_weak_fit_is_guessed_only_for_a_text_that_tells_of_trouble(trouble: str) -> None:
    from kerasdoctor.explain.nearest import FIRM_SCORE, MIN_SCORE, nearest_matches

    rules = kb.load_rules()
    guesses = nearest_matches(extract_errors(trouble), rules)
    assert guesses and guesses[0].kind == "fuzzy" and guesses[0].confidence <= MAX_CONFIDENCE
    score = float(guesses[0].evidence.rsplit(" ", 1)[1])
    assert MIN_SCORE <= score < FIRM_SCORE  # the fit is a weak one: the words of trouble let it through
    # the same words of deep learning without a word of trouble: a statement, not a question about an error
    assert nearest_matches(extract_errors("loading my model.h5"), rules) == []


def test_scores_do_not_depend_on_the_order_of_the_terms() -> None:
    # two families whose shared terms weigh 0.1 + 0.2 + 0.3 in opposite orders: added as floats, one would come to
    # 0.6000000000000001 and the other to 0.6 depending on the order a set yields the terms in (the string hash seed)
    from array import array
    from itertools import permutations

    postings = {term: array("H", pairs).tobytes() for term, pairs in {"x": (0, 100, 1, 300), "y": (0, 200, 1, 200), "z": (0, 300, 1, 100)}.items()}
    index = (("KD001", "KD002"), postings, (0, 0))
    results = {tuple(sorted(scores(list(order), index).items())) for order in permutations("xyz")}
    assert len(results) == 1
    (only,) = results
    assert only[0][1] == only[1][1] == (0.6, 3)

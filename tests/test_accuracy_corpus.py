"""The explain-accuracy corpora are well formed and name real rules.

fixtures/real_errors is the development set; fixtures/real_errors_test is the held-out
test set, labelled from the public threads before explain ran on it. Fast and
TensorFlow-free: it only reads YAML. The benchmark itself is benchmarks/explain_accuracy.py.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from kerasdoctor.kb import builtin_rules_dir, load_rules

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
DEV_CORPUS = FIXTURES / "real_errors"
TEST_CORPUS = FIXTURES / "real_errors_test"
PLANNED_FAMILIES = TEST_CORPUS / "_planned_families.txt"
CITED_BY_RULES = TEST_CORPUS / "_cited_by_rules.txt"

REQUIRED_KEYS = {"source", "text", "family", "expected"}
DEV_ALLOWED_KEYS = REQUIRED_KEYS | {"versions", "form", "language"}  # newer dev cases state form and language
TEST_REQUIRED_KEYS = REQUIRED_KEYS | {"form", "language"}
TEST_ALLOWED_KEYS = TEST_REQUIRED_KEYS | {"versions"}
FORMS = {"traceback", "message", "log", "sentence"}
LANGUAGES = {"en", "zh", "ja", "ko", "ru", "de", "fr", "es", "pt", "it", "tr"}
CASE_FILE = re.compile(r"\d{4}\.yaml\Z")
MIN_DEV_CASES = 100
MIN_TEST_CASES = 200
MIN_TEST_ZH_CASES = 30

DEV_FILES = sorted(p for p in DEV_CORPUS.glob("*.yaml") if not p.name.startswith("_"))
TEST_FILES = sorted(p for p in TEST_CORPUS.glob("*.yaml") if not p.name.startswith("_"))


@cache
def load_case(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), f"{path.name}: not a mapping"
    return data


def planned_families() -> set[str]:
    """Family names of rules being written, which a test case may expect before they exist."""
    lines = PLANNED_FAMILIES.read_text(encoding="utf-8").splitlines()
    return {line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")}


def normalised(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def catalog_names() -> set[str]:
    return {rule.name for rule in load_rules().rules}


@pytest.fixture(scope="module")
def rule_example_texts() -> set[str]:
    """The rules' own example error texts, read from the YAML (the cached catalog drops examples)."""
    texts = set()
    for path in Path(builtin_rules_dir()).glob("*.yaml"):
        rule = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for example in (rule.get("examples") or {}).get("errors") or []:
            if isinstance(example, dict) and isinstance(example.get("text"), str):
                texts.add(normalised(example["text"]))
    return texts


def check_common_fields(path: Path, case: dict[str, Any]) -> None:
    assert CASE_FILE.match(path.name), f"{path.name}: name the file NNNN.yaml"
    source = case["source"]
    assert isinstance(source, str) and re.match(r"https?://\S+\Z", source), f"{path.name}: source must be an http(s) URL"
    text = case["text"]
    assert isinstance(text, str) and text.strip(), f"{path.name}: text is empty"
    family = case["family"]
    assert isinstance(family, str) and family.strip() and "\n" not in family.strip(), f"{path.name}: family must be one line"
    if "versions" in case:
        assert isinstance(case["versions"], str) and case["versions"].strip(), f"{path.name}: versions must be a non-empty string"


def test_corpora_are_large_enough() -> None:
    assert len(DEV_FILES) >= MIN_DEV_CASES, f"dev set: {len(DEV_FILES)} cases, want >= {MIN_DEV_CASES}"
    assert len(TEST_FILES) >= MIN_TEST_CASES, f"test set: {len(TEST_FILES)} cases, want >= {MIN_TEST_CASES}"


@pytest.mark.parametrize("path", DEV_FILES, ids=lambda p: p.name)
def test_dev_case_is_well_formed(path: Path, catalog_names: set[str]) -> None:
    case = load_case(path)
    assert set(case) >= REQUIRED_KEYS, f"{path.name}: missing {sorted(REQUIRED_KEYS - set(case))}"
    assert set(case) <= DEV_ALLOWED_KEYS, f"{path.name}: unknown keys {sorted(set(case) - DEV_ALLOWED_KEYS)}"
    check_common_fields(path, case)
    assert case.get("form", "sentence") in FORMS, f"{path.name}: form {case['form']!r} is not one of {sorted(FORMS)}"
    assert case.get("language", "en") in LANGUAGES, f"{path.name}: language {case['language']!r} is not one of {sorted(LANGUAGES)}"
    expected = case["expected"]
    assert expected is None or expected in catalog_names, f"{path.name}: expected {expected!r} is not a rule name of the catalog"


@pytest.mark.parametrize("path", TEST_FILES, ids=lambda p: p.name)
def test_test_case_is_well_formed(path: Path, catalog_names: set[str]) -> None:
    case = load_case(path)
    assert set(case) >= TEST_REQUIRED_KEYS, f"{path.name}: missing {sorted(TEST_REQUIRED_KEYS - set(case))}"
    assert set(case) <= TEST_ALLOWED_KEYS, f"{path.name}: unknown keys {sorted(set(case) - TEST_ALLOWED_KEYS)}"
    check_common_fields(path, case)
    assert case["form"] in FORMS, f"{path.name}: form {case['form']!r} is not one of {sorted(FORMS)}"
    assert case["language"] in LANGUAGES, f"{path.name}: language {case['language']!r} is not one of {sorted(LANGUAGES)}"
    expected = case["expected"]
    known = catalog_names | planned_families()
    assert expected is None or expected in known, f"{path.name}: expected {expected!r} is neither a catalog rule nor a planned family"


def test_planned_families_are_names() -> None:
    for name in planned_families():
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", name), f"_planned_families.txt: {name!r} is not a rule name"


@pytest.mark.parametrize("files", [DEV_FILES, TEST_FILES], ids=["dev", "test"])
def test_cases_are_distinct(files: list[Path]) -> None:
    seen: dict[tuple[str, str], str] = {}
    for path in files:
        case = load_case(path)
        key = (case["source"], normalised(case["text"]))
        assert key not in seen, f"{path.name} repeats {seen[key]}"
        seen[key] = path.name


def test_test_set_is_held_out_from_the_dev_set() -> None:
    """No thread and no text of the test set is also in the development set."""
    dev_sources = {load_case(p)["source"].rstrip("/") for p in DEV_FILES}
    dev_texts = {normalised(load_case(p)["text"]) for p in DEV_FILES}
    shared = [p.name for p in TEST_FILES if load_case(p)["source"].rstrip("/") in dev_sources or normalised(load_case(p)["text"]) in dev_texts]
    assert not shared, f"test cases also in the development set: {shared}"


def test_rules_cite_only_the_test_threads_listed() -> None:
    """A test report whose thread a rule cites leaves the figures; the list of them changes only on purpose."""
    import sys

    sys.path.insert(0, str(FIXTURES.parent / "benchmarks"))
    from explain_accuracy import cited_sources

    cited = {url.rstrip("/") for url in cited_sources()}
    assert cited, "no rule reference was read"
    cited_reports = {p.name for p in TEST_FILES if load_case(p)["source"].rstrip("/") in cited}
    listed = {line.split("#", 1)[0].strip() for line in CITED_BY_RULES.read_text(encoding="utf-8").splitlines()} - {""}
    assert cited_reports <= listed, (
        f"rules cite the threads of test reports {sorted(cited_reports - listed)}: cite another public report of the "
        f"message, or list them in {CITED_BY_RULES.name} (they then leave the held-out figures)"
    )
    assert listed <= cited_reports, f"{CITED_BY_RULES.name} lists reports no rule cites: {sorted(listed - cited_reports)}"


@pytest.mark.parametrize("files", [DEV_FILES, TEST_FILES], ids=["dev", "test"])
def test_corpus_does_not_copy_rule_examples(files: list[Path], rule_example_texts: set[str]) -> None:
    """The corpora measure the rules, so their texts must not be the rules' own examples."""
    assert rule_example_texts, "no rule example text was read"
    copied = [p.name for p in files if normalised(load_case(p)["text"]) in rule_example_texts]
    assert not copied, f"corpus texts identical to a rule example: {copied}"


def test_test_set_covers_what_users_paste() -> None:
    """Sentences, tracebacks, bare messages and logs, and Chinese posts, are all represented."""
    cases = [load_case(p) for p in TEST_FILES]
    forms = {case["form"] for case in cases}
    assert forms == FORMS, f"forms missing from the test set: {sorted(FORMS - forms)}"
    chinese = sum(case["language"] == "zh" for case in cases)
    assert chinese >= MIN_TEST_ZH_CASES, f"{chinese} Chinese cases, want >= {MIN_TEST_ZH_CASES}"


def test_first_pass_bands_count_each_confident_answer_once() -> None:
    """The blind calibration table puts every first answer at >= 0.8 in one band; a null label is always wrong."""
    import sys

    sys.path.insert(0, str(FIXTURES.parent / "benchmarks"))
    from first_pass import confident_bands

    cases = [
        {"first": [["a", 0.81, "wording"]], "expected": "a"},
        {"first": [["a", 0.84, "wording"]], "expected": "b"},
        {"first": [["a", 0.95, "wording"]], "expected": None},
        {"first": [["a", 1.0, "wording"]], "expected": "a"},
        {"first": [["a", 0.79, "wording"]], "expected": "b"},
        {"first": [], "expected": "a"},
    ]
    bands = {row["band"]: (row["right"], row["wrong"]) for row in confident_bands(cases)}
    assert bands == {"0.80-0.85": (1, 1), "0.85-0.90": (0, 0), "0.90-0.95": (0, 0), "0.95-1.00": (1, 1)}


def test_first_pass_engine_runs_with_the_parent_rules_and_prevalence(tmp_path: Path) -> None:
    """``--engine``: the given package's code, the batch parent's rules and family prevalence, nothing of the batch."""
    import subprocess
    import sys

    sys.path.insert(0, str(FIXTURES.parent / "benchmarks"))
    from first_pass import PREVALENCE, REPO, case_commits, first_pass

    commits = case_commits(None, 1)
    if not commits:
        pytest.skip("no development batch in this clone's history")
    commit = commits[-1][0]
    rankings = first_pass(commit, [{"text": "ValueError: Unknown layer: Functional\n"}], tmp_path, engine=REPO)
    code = tmp_path / commit[:12]
    parent_rules = subprocess.run(
        ["git", "-C", str(REPO), "ls-tree", "--name-only", f"{commit}^", "rules/"], capture_output=True, text=True, check=True
    ).stdout.split()
    assert sorted(p.name for p in (code / "rules").iterdir()) == sorted(Path(p).name for p in parent_rules)
    parent_prevalence = subprocess.run(["git", "-C", str(REPO), "show", f"{commit}^:{PREVALENCE}"], capture_output=True, text=True, check=False)
    if parent_prevalence.returncode == 0:
        assert (code / PREVALENCE).read_text(encoding="utf-8") == parent_prevalence.stdout
    assert (code / "kerasdoctor" / "explain" / "match.py").read_bytes() == (REPO / "kerasdoctor" / "explain" / "match.py").read_bytes()
    assert rankings[0] and rankings[0][0][0] == "model-from-newer-keras"

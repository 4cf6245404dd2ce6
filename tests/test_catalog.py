"""The knowledge base as a whole: clean schema, contract names, DIGEST coverage, generated docs."""

from __future__ import annotations

from conftest import ROOT

from kerasdoctor import render
from kerasdoctor.kb import load_rules
from kerasdoctor.versions import satisfies

RULESET = load_rules(use_cache=False)

CONTRACT_NAMES = (
    "lambda-layer-serialization",
    "raw-op-on-keras-tensor",
    "tensor-as-bool",
    "unbound-local",
    "symbolic-tensor-without-steps",
    "nan-loss",
)

# ../shared/seeds/DIGEST.md, entry by entry -> the rule that covers it
DIGEST_COVERAGE = {
    1: "lambda-layer-serialization",  # bad marshal data
    2: "raw-op-on-keras-tensor",  # '_inbound_nodes'
    3: "tensor-as-bool",
    4: "unbound-local",
    5: "symbolic-tensor-without-steps",
    6: "nan-loss",
    7: "indentation-error",
    8: "name-not-defined",
    9: "placeholder-rebound",  # Cannot interpret feed_dict key as Tensor
    10: "invalid-shape-argument",  # Error converting shape to a TensorShape
    11: "too-many-indices",
    12: "loadtxt-bad-data",
    13: "dataset-download-failed",
    14: "custom-objects-on-load",
    15: "loss-output-count",
    16: "no-training-configuration",
    17: "custom-loss-on-load",
}


def test_builtin_rules_load_without_problems():
    assert RULESET.problems == []
    assert len(RULESET.rules) >= len(DIGEST_COVERAGE)


def test_contract_names_exist():
    missing = [n for n in CONTRACT_NAMES if RULESET.get(n) is None]
    assert missing == []


def test_every_digest_entry_has_a_rule():
    missing = {n: name for n, name in DIGEST_COVERAGE.items() if RULESET.get(name) is None}
    assert missing == {}


def test_every_rule_has_docs_and_references():
    for rule in RULESET.rules:
        assert rule.docs["what"].strip() and rule.docs["why"].strip() and rule.docs["fix"].strip(), rule.id
        assert rule.references and all(r.startswith(("http://", "https://")) for r in rule.references), rule.id


def test_generated_rule_reference_is_current():
    path = ROOT / "docs" / "rules.md"
    expected = render.rules_markdown(RULESET.rules)
    assert path.exists(), "run: kerasdoctor rules --format markdown > docs/rules.md"
    assert path.read_text() == expected, "docs/rules.md is stale: run `kerasdoctor rules --format markdown > docs/rules.md`"


def test_every_example_says_how_it_runs_or_why_it_cannot():
    # docs.example.runs: a stack (k3 | k2 | jax) the real-backend test runs it on, or a reason to skip
    unsaid = [r.id for r in RULESET.rules if not (r.docs["example"].get("runs") or {})]
    assert unsaid == []


# the installed versions the real-backend stacks stand for
STACK_VERSIONS = {"k3": {"keras": "3.15", "tensorflow": "2.21"}, "k2": {"keras": "2.21", "tensorflow": "2.21"}, "jax": {"keras": "3.15"}}


def test_example_stacks_are_versions_the_rule_applies_to():
    wrong = []
    for rule in RULESET.rules:
        stack = rule.docs["example"]["runs"].get("stack") or []
        for name in [stack] if isinstance(stack, str) else stack:
            for package, version in STACK_VERSIONS[name].items():
                spec = rule.applies_to.get(package)
                if spec and satisfies(version, spec) is False:
                    wrong.append((rule.id, name, package, spec))
    assert wrong == []

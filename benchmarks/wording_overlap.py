"""Which messages several families' wordings fit: where a wording match alone cannot name the cause.

Every rule pattern is searched in every real message we hold:

  examples   each rule's `examples.errors` (labelled: the rule it belongs to);
  dev        fixtures/real_errors/*.yaml (labelled by `expected`);
  captured   fixtures/ground_truth/messages.jsonl, or a capture's results/*.jsonl with
             --captured DIR (unlabelled).

Two listings:

  co-matching   pairs of rules whose own wordings both hit the same error record, with how
                often, the score of each and one message;
  labelled      messages labelled as family B that another family A's wording fits while
                B's own wording does not rank first: A's wording is printed by B's cause too.

A pair where the best of the two would be reported at >= 0.8 is marked CONFIDENT: that is a
message on which `explain` claims certainty it does not have (unless something else in the
text, frames or code separates them).

    python benchmarks/wording_overlap.py [--captured DIR] [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from kerasdoctor.explain import explain
from kerasdoctor.explain.extract import extract_errors
from kerasdoctor.explain.match import lowered_texts, match_error
from kerasdoctor.kb import load_rules
from kerasdoctor.types import CONFIDENT

REPO = Path(__file__).resolve().parent.parent
DEV_CORPUS = REPO / "fixtures" / "real_errors"
CAPTURED = REPO / "fixtures" / "ground_truth" / "messages.jsonl"
NO_VERSIONS: dict[str, str] = {}


def labelled_texts(rules: Any) -> Iterator[tuple[str, str | None, str]]:
    """(source, label, text) for every rule example and every dev case."""
    for rule in rules:
        for i, example in enumerate(rule.examples.get("errors") or []):
            yield f"{rule.name} example {i}", rule.name, example["text"]
    for path in sorted(DEV_CORPUS.glob("[0-9]*.yaml")):
        case = yaml.safe_load(path.read_text(encoding="utf-8"))
        if case.get("form") == "sentence":
            continue
        yield f"dev {path.name}", case.get("expected"), case["text"]


def stored_texts(path: Path) -> Iterator[tuple[str, None, str]]:
    """The distinct captured messages kept in the repository (benchmarks/extract_ground_truth.py)."""
    for line in path.read_text(encoding="utf-8").splitlines():
        entry = json.loads(line)
        env, case = entry["seen"][0]
        yield f"captured {env}/{case}", None, f"{entry['type']}: {entry['message']}" if entry.get("type") else entry["message"]


def captured_texts(directory: Path) -> Iterator[tuple[str, None, str]]:
    seen: set[str] = set()
    for path in sorted(directory.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            run = json.loads(line)
            texts = list(run.get("warnings") or [])
            if run.get("raised") in (True, "True") and run.get("message"):
                texts.append(f"{run.get('exc_name') or run['exc_type'].rsplit('.', 1)[-1]}: {run['message']}")
            for text in texts:
                if text not in seen:
                    seen.add(text)
                    yield f"captured {run['env']}/{run['case']}", None, text


def overlaps(sources: list[tuple[str, str | None, str]], rules: Any) -> dict[str, Any]:
    pairs: dict[tuple[str, str], dict[str, Any]] = {}
    crossings: list[dict[str, Any]] = []
    for source, label, text in sources:
        records = extract_errors(text)
        if not records:
            continue
        hits = match_error(records, rules.wording_candidates(lowered_texts(records)), NO_VERSIONS)
        by_record: dict[int, list[Any]] = defaultdict(list)
        for m in hits:
            by_record[id(m.record)].append(m)
        # match_error keeps one match per rule; a rule may fit a record it did not score best on,
        # so look at every record for every matched rule
        for record in records:
            fitting = match_error([record], rules.wording_candidates(lowered_texts([record])), NO_VERSIONS)
            names = sorted({m.rule.name for m in fitting})
            for a_index, a in enumerate(names):
                for b in names[a_index + 1 :]:
                    entry = pairs.setdefault((a, b), {"pair": [a, b], "count": 0, "confident": 0, "example": "", "sources": []})
                    entry["count"] += 1
                    best = max(m.confidence for m in fitting if m.rule.name in (a, b))
                    if best >= CONFIDENT:
                        entry["confident"] += 1
                    if not entry["example"]:
                        entry["example"] = record.message.strip().splitlines()[0][:200]
                    if len(entry["sources"]) < 3:
                        entry["sources"].append(source)
        if label is None:
            continue
        ranked = explain(text, rules=rules, versions=NO_VERSIONS).matches
        wording = [m for m in ranked if m.kind == "wording"]
        if wording and wording[0].rule.name != label:
            crossings.append(
                {
                    "source": source,
                    "label": label,
                    "first": wording[0].rule.name,
                    "confidence": round(wording[0].confidence, 3),
                    "label_rank": next((i for i, m in enumerate(ranked) if m.rule.name == label), None),
                    "message": wording[0].record.message.strip().splitlines()[0][:200],
                }
            )
    return {"pairs": sorted(pairs.values(), key=lambda p: (-p["confident"], -p["count"], p["pair"])), "crossings": crossings}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--captured", type=Path, help="a ground-truth capture's results directory (*.jsonl runs)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    rules = load_rules(use_cache=False)
    sources: list[tuple[str, str | None, str]] = list(labelled_texts(rules))
    sources += list(captured_texts(args.captured) if args.captured else stored_texts(CAPTURED))
    report = overlaps(sources, rules)
    if args.json:
        print(json.dumps(report, indent=1))
        return 0
    print(f"{len(sources)} messages; {len(report['pairs'])} pairs of families whose wordings fit one record")
    for p in report["pairs"]:
        mark = f"  CONFIDENT x{p['confident']}" if p["confident"] else ""
        print(f"  {p['pair'][0]} + {p['pair'][1]}: {p['count']} record(s){mark}")
        print(f"      {p['example']}")
        print(f"      {', '.join(p['sources'])}")
    print(f"\n{len(report['crossings'])} labelled messages another family's wording ranks first")
    for c in report["crossings"]:
        mark = "  CONFIDENT" if c["confidence"] >= CONFIDENT else ""
        print(f"  {c['source']}: labelled {c['label']}, first {c['first']} {c['confidence']} (label at {c['label_rank']}){mark}")
        print(f"      {c['message']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

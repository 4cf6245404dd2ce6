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

Then the audit of certainty (--audit alone prints only it), each wording judged on its own
(one rule at a time, so the engine's capping of ties does not hide it):

  rivals        labelled messages where a family other than the label fits at >= 0.8 on its
                own, or within RIVAL_MARGIN of the label's own score;
  generic       wordings that reach >= 0.8 (without `shared_with` or a `where` condition) on a
                line that is one of Python's own message templates ("'X' object has no attribute
                'y'", "cannot import name", "list index out of range", KeyError 'k' ...): any code
                prints those, so the names in them must belong to the family alone;
  short         wordings that reach >= 0.8 on a match of fewer than SHORT_MATCH characters of the message;
  wrong         labelled messages explain answers with another family at >= 0.8.

    python benchmarks/wording_overlap.py [--captured DIR] [--json] [--audit]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

# this checkout's kerasdoctor, also when another copy is installed (an editable install of another worktree)
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kerasdoctor.explain import explain
from kerasdoctor.explain.extract import extract_errors
from kerasdoctor.explain.match import lowered_texts, match_error
from kerasdoctor.kb import load_rules
from kerasdoctor.types import CONFIDENT, ErrorRecord, Match

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


RIVAL_MARGIN = 0.05
SHORT_MATCH = 24
# Python's and NumPy's own message templates: printed by any code, so a wording that is one of them
# names a family only through the names it holds (CPython Objects/*.c and Python/*.c, numpy's
# array truth test)
PYTHON_GENERIC = re.compile(
    r"""(?x)^(?:\w+(?:Error|Exception):\s*)?(?:
        '[^']+'\ object\ has\ no\ attribute\ '[^']+'
      | (?:type\ object|module)\ '[^']+'\ has\ no\ attribute\ '[^']+'
      | cannot\ import\ name\ '?[\w.]+'?(?:\ from\ '[\w.]+')?
      | No\ module\ named\ '?[\w.]+'?
      | (?:global\ )?name\ '\w+'\ is\ not\ defined
      | (?:list|tuple|string)\ index\ out\ of\ range
      | index\ -?\d+\ is\ out\ of\ bounds\ for\ axis\ \d+\ with\ size\ \d+
      | '[^']+'\ object\ is\ not\ (?:callable|subscriptable|iterable)
      | unhashable\ type:\ '\w+'
      | local\ variable\ '\w+'\ referenced\ before\ assignment
      | cannot\ access\ local\ variable\ '\w+'.*
      | (?:too\ many|not\ enough)\ values\ to\ unpack.*
      | \w+\(\)\ (?:missing\ \d+\ required|got\ an\ unexpected\ keyword|takes\ \d+).*
      | could\ not\ convert\ string\ to\ float:.*
      | invalid\ literal\ for\ int\(\).*
      | \[Errno\ \d+\]\ .*
      | (?:float\ )?division\ by\ zero
      | The\ truth\ value\ of\ an\ array\ with\ more\ than\ one\ element\ is\ ambiguous.*
      | '[^']*'
    )\.?\s*(?:Did\ you\ mean:.*)?$"""
)


def each_family_alone(record: ErrorRecord, rules: Any) -> dict[str, Match]:
    """Every family whose wording fits ``record``, each scored as if it were the only rule."""
    out: dict[str, Match] = {}
    for rule in rules.wording_candidates(lowered_texts([record])):
        hits = match_error([record], [rule], NO_VERSIONS)
        if hits:
            out[rule.name] = hits[0]
    return out


def line_of(record: ErrorRecord, evidence: str) -> str:
    first = evidence.strip().splitlines()[0] if evidence.strip() else ""
    for line in record.message.splitlines():
        if first and first in line:
            return line.strip()
    return record.message.strip().splitlines()[0].strip() if record.message.strip() else ""


def matched_length(match: Match) -> int:
    """How much of the message the wording checked: a few words say which check failed, not whose mistake it was."""
    return len(match.evidence.strip())


def certainty_audit(sources: list[tuple[str, str | None, str]], rules: Any) -> dict[str, Any]:
    rivals: list[dict[str, Any]] = []
    generic: dict[tuple[str, str], dict[str, Any]] = {}
    short: dict[tuple[str, str], dict[str, Any]] = {}
    wrong: list[dict[str, Any]] = []
    labelled = {source for source, label, _ in sources if label is not None or source.startswith("dev ")}
    for source, label, text in sources:
        records = extract_errors(text)
        for record in records:
            alone = each_family_alone(record, rules)
            for name, m in alone.items():
                if m.confidence < CONFIDENT or m.pattern is None or m.pattern.where or m.pattern.shared_with:
                    continue
                key = (name, m.pattern.pattern)
                line = line_of(record, m.evidence)
                for table, hit in ((generic, PYTHON_GENERIC.match(line) is not None), (short, matched_length(m) < SHORT_MATCH)):
                    if hit:
                        blank = {"rule": name, "pattern": m.pattern.pattern, "confidence": m.pattern.confidence, "count": 0, "line": line[:200]}
                        blank["labels"] = set()
                        entry = table.setdefault(key, blank)
                        entry["count"] += 1
                        if source in labelled:
                            entry["labels"].add(label or "null")
            if source not in labelled or not alone:
                continue
            own = alone.get(label) if label else None
            for name, m in alone.items():
                if name == label:
                    continue
                if m.confidence >= CONFIDENT or (own is not None and own.confidence >= CONFIDENT and own.confidence - m.confidence < RIVAL_MARGIN):
                    rivals.append(
                        {
                            "source": source,
                            "label": label,
                            "label_score": round(own.confidence, 3) if own else None,
                            "rival": name,
                            "rival_score": round(m.confidence, 3),
                            "line": line_of(record, m.evidence)[:200],
                        }
                    )
        if source in labelled:
            ranked = explain(text, rules=rules, versions=NO_VERSIONS).matches
            if ranked and ranked[0].confidence >= CONFIDENT and ranked[0].rule.name != label:
                wrong.append({"source": source, "label": label, "first": ranked[0].rule.name, "confidence": round(ranked[0].confidence, 3)})

    def listed(table: dict[tuple[str, str], dict[str, Any]]) -> list[dict[str, Any]]:
        return sorted(({**e, "labels": sorted(e["labels"])} for e in table.values()), key=lambda e: (-e["count"], e["rule"]))

    return {"rivals": rivals, "generic": listed(generic), "short": listed(short), "wrong": wrong}


def print_audit(audit: dict[str, Any]) -> None:
    counts = f"{len(audit['rivals'])} rival fits, {len(audit['generic'])} generic and {len(audit['short'])} short wordings at >= {CONFIDENT}"
    print(f"\ncertainty audit: {counts}, {len(audit['wrong'])} labelled messages answered wrongly at >= {CONFIDENT}")
    print(f"\nrivals: another family fits a labelled message at >= {CONFIDENT} on its own, or within {RIVAL_MARGIN} of the label")
    for r in audit["rivals"]:
        print(f"  {r['source']}: labelled {r['label']} {r['label_score']}, {r['rival']} {r['rival_score']}")
        print(f"      {r['line']}")
    for key, heading in (
        ("generic", f"generic: wordings at >= {CONFIDENT} on a line that is one of Python's own message templates"),
        ("short", f"short: wordings at >= {CONFIDENT} on fewer than {SHORT_MATCH} characters of the message"),
    ):
        print(f"\n{heading}")
        for g in audit[key]:
            print(f"  {g['rule']} ({g['confidence']}) x{g['count']} labels {','.join(g['labels']) or '-'}: {g['pattern'][:120]}")
            print(f"      {g['line']}")
    print(f"\nwrong at >= {CONFIDENT}:")
    for w in audit["wrong"]:
        print(f"  {w['source']}: labelled {w['label']}, answered {w['first']} {w['confidence']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--captured", type=Path, help="a ground-truth capture's results directory (*.jsonl runs)")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--audit", action="store_true", help="print only the certainty audit")
    args = parser.parse_args(argv)
    rules = load_rules(use_cache=False)
    sources: list[tuple[str, str | None, str]] = list(labelled_texts(rules))
    sources += list(captured_texts(args.captured) if args.captured else stored_texts(CAPTURED))
    audit = certainty_audit(sources, rules)
    if args.audit:
        if args.json:
            print(json.dumps(audit, indent=1))
        else:
            print_audit(audit)
        return 0
    report = {**overlaps(sources, rules), "audit": audit}
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
    print_audit(audit)
    return 0


if __name__ == "__main__":
    sys.exit(main())

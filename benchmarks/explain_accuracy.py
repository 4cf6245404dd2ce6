"""How often `kerasdoctor.explain` names the right rule for real, publicly reported errors.

The corpus is fixtures/real_errors/NNNN.yaml: error texts users pasted into GitHub
issues and Q&A threads, each with the family the thread established and the rule
that family belongs to (`expected`, or null when no rule of the catalog fits).

Reported:
  top-1 / top-3 accuracy  over the cases whose `expected` is a rule name;
  confident wrong rate    over all cases: the best match has confidence >= 0.7 and
                          is not the expected rule (for a null case any confident
                          match is wrong);
  the misses              with the top three matches and their confidences.

It is a report: exit 0, unless --min-top1 is given and top-1 accuracy is below it.

    python benchmarks/explain_accuracy.py [--json] [--min-top1 0.6] [--corpus DIR]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

import yaml

import kerasdoctor

# The public function, bound once: importing the kerasdoctor.explain subpackage (which the
# first call does) rebinds the package attribute `kerasdoctor.explain` to that subpackage.
public_explain = kerasdoctor.explain

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPO / "fixtures" / "real_errors"
CONFIDENT = 0.7  # a match at least this sure is presented to the user as the answer
TOP_K = 3


def load_corpus(corpus: Path) -> list[dict[str, Any]]:
    """The corpus cases in file order, each with its file name under `file`."""
    cases = []
    for path in sorted(corpus.glob("*.yaml")):
        if path.name.startswith("_"):
            continue
        case = yaml.safe_load(path.read_text(encoding="utf-8"))
        case["file"] = path.name
        cases.append(case)
    return cases


def ranked_rules(text: str, text_versions_only: bool) -> list[tuple[str, float]]:
    """(rule name, confidence) for each matching rule, best first, one entry per rule."""
    if text_versions_only:
        # Judge the text on what it says itself, not on the packages installed here.
        from kerasdoctor.explain import explain_records
        from kerasdoctor.explain.extract import extract_errors
        from kerasdoctor.versions import versions_from_records

        records = extract_errors(text)
        explanation = explain_records(records, versions=versions_from_records(records))
    else:
        explanation = public_explain(text)
    ranking: list[tuple[str, float]] = []
    seen: set[str] = set()
    for match in explanation.matches:
        if match.rule.name not in seen:
            seen.add(match.rule.name)
            ranking.append((match.rule.name, round(float(match.confidence), 3)))
    return ranking


def evaluate(cases: list[dict[str, Any]], text_versions_only: bool = False) -> dict[str, Any]:
    """Run explain over every case and score it."""
    from kerasdoctor.kb import load_rules

    catalog = {rule.name for rule in load_rules().rules}
    results = []
    started = time.perf_counter()
    for case in cases:
        ranking = ranked_rules(case["text"], text_versions_only)
        expected = case.get("expected")
        names = [name for name, _ in ranking]
        top_confidence = ranking[0][1] if ranking else 0.0
        top1 = expected is not None and names[:1] == [expected]
        top3 = expected is not None and expected in names[:TOP_K]
        confident_wrong = bool(ranking) and top_confidence >= CONFIDENT and names[0] != expected
        results.append(
            {
                "file": case["file"],
                "source": case.get("source"),
                "expected": expected,
                "expected_in_catalog": expected is None or expected in catalog,
                "top": ranking[:TOP_K],
                "top1": top1,
                "top3": top3,
                "confident_wrong": confident_wrong,
            }
        )
    elapsed = time.perf_counter() - started

    named = [r for r in results if r["expected"] is not None]
    unnamed = [r for r in results if r["expected"] is None]

    def rate(hits: int, total: int) -> float:
        return round(hits / total, 4) if total else 0.0

    misses = [r for r in results if (r["expected"] is not None and not r["top1"]) or r["confident_wrong"]]
    per_rule: dict[str, dict[str, int]] = {}
    for r in named:
        tally = per_rule.setdefault(r["expected"], {"cases": 0, "top1": 0, "top3": 0})
        tally["cases"] += 1
        tally["top1"] += r["top1"]
        tally["top3"] += r["top3"]
    return {
        "cases": len(results),
        "cases_with_rule": len(named),
        "cases_without_rule": len(unnamed),
        "rules_in_catalog": len(catalog),
        "top1": rate(sum(r["top1"] for r in named), len(named)),
        "top3": rate(sum(r["top3"] for r in named), len(named)),
        "confident_wrong": rate(sum(r["confident_wrong"] for r in results), len(results)),
        "confident_wrong_count": sum(r["confident_wrong"] for r in results),
        "null_cases_confident": sum(r["confident_wrong"] for r in unnamed),
        "null_cases_silent": sum(not r["top"] for r in unnamed),
        "expected_missing_from_catalog": sorted({r["expected"] for r in named if not r["expected_in_catalog"]}),
        "per_rule": dict(sorted(per_rule.items())),
        "seconds": round(elapsed, 3),
        "confident_threshold": CONFIDENT,
        "misses": misses,
    }


def render_text(report: dict[str, Any]) -> str:
    """The report for a person: figures first, then one block per miss."""
    lines = [
        f"explain accuracy over {report['cases']} real error reports "
        f"({report['cases_with_rule']} with an expected rule, {report['cases_without_rule']} without); "
        f"{report['rules_in_catalog']} rules in the catalog; {report['seconds']} s",
        f"  top-1 accuracy   {report['top1']:.1%}",
        f"  top-3 accuracy   {report['top3']:.1%}",
        f"  confident wrong  {report['confident_wrong']:.1%}  ({report['confident_wrong_count']} cases with a top match "
        f">= {report['confident_threshold']} that is not the expected rule; "
        f"{report['null_cases_confident']} of them have no rule in the catalog)",
        f"  no-rule cases left unmatched: {report['null_cases_silent']} of {report['cases_without_rule']}",
    ]
    if report["expected_missing_from_catalog"]:
        lines.append("  expected names not in the catalog: " + ", ".join(report["expected_missing_from_catalog"]))
    if report["per_rule"]:
        lines.append("")
        lines.append("per expected rule (top-1 / top-3 / cases):")
        for name, tally in report["per_rule"].items():
            lines.append(f"  {name:40} {tally['top1']:3} {tally['top3']:3} {tally['cases']:3}")
    if report["misses"]:
        lines.append("")
        lines.append(f"misses ({len(report['misses'])}):")
    for miss in report["misses"]:
        got = ", ".join(f"{name} {confidence:.2f}" for name, confidence in miss["top"]) or "(no match)"
        flag = "  CONFIDENT WRONG" if miss["confident_wrong"] else ""
        lines.append(f"  {miss['file']}  expected {miss['expected'] or 'null'}  got {got}{flag}")
        lines.append(f"      {miss['source']}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="directory of NNNN.yaml cases")
    parser.add_argument("--json", action="store_true", help="print the report as one JSON object")
    parser.add_argument("--min-top1", type=float, default=None, help="exit 1 when top-1 accuracy (0..1) is below this")
    parser.add_argument(
        "--text-versions-only",
        action="store_true",
        help="judge each text on the versions its own traceback reveals, not on the packages installed here",
    )
    args = parser.parse_args(argv)

    cases = load_corpus(args.corpus)
    if not cases:
        print(f"no cases in {args.corpus}", file=sys.stderr)
        return 2
    report = evaluate(cases, text_versions_only=args.text_versions_only)
    print(json.dumps(report, indent=2) if args.json else render_text(report))
    if args.min_top1 is not None and report["top1"] < args.min_top1:
        print(f"top-1 accuracy {report['top1']:.1%} is below --min-top1 {args.min_top1:.1%}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Does a confidence mean what it says? How often explain's top answer is right, per confidence band.

`explain` presents an answer at confidence >= 0.8 as *the* answer (only a rule's own wording may
reach it), so of those answers at most about 1 in 100 should be wrong. Measured on two labelled sets:

  dev       fixtures/real_errors/*.yaml: errors users pasted, with the family the thread established
            (`expected`; null when no rule fits, where any answer is wrong);
  captured  fixtures/ground_truth/messages.jsonl: what real installs printed, each with the family
            of the case that printed it (fixtures/ground_truth/expected.yaml; messages listed there as
            explained by no family are left out).

Per band of the top answer's confidence: answers, right, wrong, and the share right. Then the
wordings (rule and pattern) behind wrong answers at >= 0.8, so whoever reads it can see which
wording claims more than it knows. The held-out test set is not read: report its aggregate with
`benchmarks/explain_accuracy.py --no-misses`.

With --sites, also the library raise sites (kerasdoctor/data/raise_sites.bin, one check across
versions) whose labelled messages (dev cases and rules' own examples) belong to more than one
family, and whether the wordings that answer them declare the other families in `shared_with`:
where they do not, either the wording's values tell the families apart or a declaration is missing.

    python benchmarks/confidence_calibration.py [--json] [--sites]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from kerasdoctor.explain import explain_records  # noqa: E402
from kerasdoctor.explain.extract import extract_errors  # noqa: E402
from kerasdoctor.kb import load_rules  # noqa: E402
from kerasdoctor.types import CONFIDENT, Match  # noqa: E402
from tests.test_ground_truth import ENTRIES, as_printed, families_for, without_family  # noqa: E402

DEV_CORPUS = REPO / "fixtures" / "real_errors"
# the raise sites of --sites: shorter templates are fitted by unrelated messages
MIN_SITE_LITERAL = 20
BANDS = ((0.0, 0.5), (0.5, 0.65), (0.65, CONFIDENT), (CONFIDENT, 0.9), (0.9, 1.01))


Case = tuple[str, str, set[str], "dict[str, str] | None"]


def dev_cases() -> list[Case]:
    """(source, text, the right families (empty: none is), versions) per dev case: the installed versions, as the accuracy report uses."""
    cases: list[Case] = []
    for path in sorted(DEV_CORPUS.glob("[0-9]*.yaml")):
        case = yaml.safe_load(path.read_text(encoding="utf-8"))
        expected = case.get("expected")
        cases.append((f"dev {path.name}", case["text"], {expected} if expected else set(), None))
    return cases


def captured_cases() -> list[Case]:
    """The ground-truth messages whose family is known, as a user would paste them."""
    cases: list[Case] = []
    for entry in ENTRIES:
        wanted: set[str] | None = None
        for env, case in entry["seen"]:
            if without_family(env, case, entry["message"]):
                continue
            families = families_for(case, entry["message"])
            wanted = families if wanted is None else wanted & families
        if wanted:
            env, case = entry["seen"][0]
            cases.append((f"captured {env}/{case}", as_printed(entry), wanted, entry["versions"]))
    return cases


def band_of(confidence: float) -> str:
    for low, high in BANDS:
        if low <= confidence < high:
            return f"{low:.2f}-{min(high, 1.0):.2f}"
    return "?"


def wording_of(match: Match) -> str:
    if match.pattern is None:
        return f"{match.rule.name} ({match.kind})"
    index = next((i for i, p in enumerate(match.rule.errors) if p.pattern == match.pattern.pattern), None)
    where = f"errors[{index}]" if index is not None else match.kind
    return f"{match.rule.name} {where}: {match.pattern.pattern[:90]}"


def calibrate(cases: list[Case], rules: Any) -> dict[str, Any]:
    bands: dict[str, Counter[str]] = {band_of(low): Counter() for low, _high in BANDS}
    confident_wrong: list[dict[str, Any]] = []
    unanswered = 0
    for source, text, right, versions in cases:
        matches = explain_records(extract_errors(text), rules=rules, versions=versions).matches
        if not matches:
            unanswered += 1
            continue
        top = matches[0]
        verdict = "right" if top.rule.name in right else "wrong"
        bands[band_of(top.confidence)][verdict] += 1
        if verdict == "wrong" and top.confidence >= CONFIDENT:
            confident_wrong.append(
                {"source": source, "right": sorted(right) or None, "answer": top.rule.name, "confidence": round(top.confidence, 3), "wording": wording_of(top)}
            )
    rows: list[dict[str, Any]] = []
    for band, tally in bands.items():
        answers = tally["right"] + tally["wrong"]
        precision = round(tally["right"] / answers, 3) if answers else None
        rows.append({"band": band, "answers": answers, "right": tally["right"], "wrong": tally["wrong"], "precision": precision})
    sure = [r for r in rows if str(r["band"]) >= band_of(CONFIDENT)]
    return {
        "cases": len(cases),
        "unanswered": unanswered,
        "bands": rows,
        "confident_right": sum(r["right"] for r in sure),
        "confident_wrong": sum(r["wrong"] for r in sure),
        "confident_wrong_cases": confident_wrong,
    }


def labelled_examples(rules: Any) -> list[Case]:
    """Each rule's own real error examples, labelled with that rule."""
    return [(f"example {rule.name}", example["text"], {rule.name}, {}) for rule in rules.rules for example in rule.examples.get("errors") or []]


def shared_sites(cases: list[Case], rules: Any) -> list[dict[str, Any]]:
    """Raise sites whose messages, answered by a wording, are labelled with more than one family."""
    from kerasdoctor.explain.raisesites import load_index

    index = load_index()
    families: dict[str, Counter[str]] = {}
    declared: dict[str, set[str]] = {}
    templates: dict[str, str] = {}
    for _source, text, right, versions in cases:
        if len(right) != 1:
            continue
        matches = explain_records(extract_errors(text), rules=rules, versions=versions).matches
        top = matches[0] if matches else None
        if top is None or top.kind != "wording" or top.pattern is None:
            continue
        record = top.record
        sites = index.lookup(record.type, record.key_message or record.message, type_names=record.type_names, record_kind=record.kind, limit=1)
        if not sites or sites[0].literal_length() < MIN_SITE_LITERAL:
            continue  # a template of a few words ("Unknown %: %") fits unrelated messages
        key = str(sites[0].group)
        templates.setdefault(key, sites[0].render("…")[:120])
        families.setdefault(key, Counter())[next(iter(right))] += 1
        declared.setdefault(key, set()).update({top.rule.name, *top.pattern.shared_with})
    out = []
    for key, counts in families.items():
        if len(counts) > 1:
            undeclared = sorted(set(counts) - declared[key])
            out.append({"message": templates[key], "families": dict(counts.most_common()), "not_declared": undeclared})
    return sorted(out, key=lambda site: (-len(site["not_declared"]), site["message"]))


def render_sites(sites: list[dict[str, Any]]) -> str:
    lines = [f"raise sites whose labelled messages belong to several families: {len(sites)}"]
    for site in sites:
        counts = ", ".join(f"{name} {n}" for name, n in site["families"].items())
        missing = f"  not in the answering wordings' shared_with: {', '.join(site['not_declared'])}" if site["not_declared"] else ""
        lines.append(f"  {site['message']}\n      {counts}{missing}")
    return "\n".join(lines)


def render(name: str, report: dict[str, Any]) -> str:
    sure = report["confident_right"] + report["confident_wrong"]
    lines = [
        f"{name}: {report['cases']} cases, {report['unanswered']} unanswered; at >= {CONFIDENT}: {sure} answers, "
        f"{report['confident_right']} right, {report['confident_wrong']} wrong" + (f" ({report['confident_wrong'] / sure:.1%} of them)" if sure else ""),
        f"  {'confidence':12} {'answers':>7} {'right':>6} {'wrong':>6} {'right %':>8}",
    ]
    for row in report["bands"]:
        share = "n/a" if row["precision"] is None else f"{row['precision']:.1%}"
        lines.append(f"  {row['band']:12} {row['answers']:7} {row['right']:6} {row['wrong']:6} {share:>8}")
    if report["confident_wrong_cases"]:
        lines.append(f"  wrong at >= {CONFIDENT}:")
        for case in report["confident_wrong_cases"]:
            lines.append(f"    {case['source']}: right {case['right']}, answered {case['answer']} {case['confidence']}")
            lines.append(f"        {case['wording']}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--sites", action="store_true", help="also list the raise sites whose labelled messages belong to several families")
    args = parser.parse_args(argv)
    rules = load_rules(use_cache=False)
    reports: dict[str, Any] = {"dev": calibrate(dev_cases(), rules), "captured": calibrate(captured_cases(), rules)}
    if args.sites:
        reports["sites"] = shared_sites(dev_cases() + labelled_examples(rules), rules)
    if args.json:
        print(json.dumps(reports, indent=1))
    else:
        print("\n\n".join(render(name, report) for name, report in reports.items() if name != "sites"))
        if args.sites:
            print("\n" + render_sites(reports["sites"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())

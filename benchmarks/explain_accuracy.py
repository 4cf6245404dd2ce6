"""How often `kerasdoctor.explain` names the right rule for real, publicly reported errors.

Two corpora of NNNN.yaml cases, each an error text a user pasted into a GitHub issue,
Q&A thread or blog post, with the family the thread established and the rule that
family belongs to (`expected`, or null when no rule of the catalog fits):

  dev   fixtures/real_errors       the rules were written and tuned against it;
  test  fixtures/real_errors_test  held out: labelled from the threads before explain
                                   ever ran on it, and never used to write a rule.

Reported for each corpus, overall, for the cases that contain an error message (every
form but a sentence), per form (traceback, message, log, sentence), per language and per kind
of the first answer (wording, raise-site, frames, fuzzy, symptom, a last-resort guess from shared words, none:
which evidence answers how well):

  top-1 / top-3   over the cases whose `expected` is a rule name (a planned rule name
                  that is not in the catalog yet counts as a miss);
  answered        over all cases: explain returned at least one match;
  confident wrong over all cases: the best match has confidence >= 0.8 and is not the
                  expected rule (for a null case any confident match is wrong; how many
                  of them are null cases is reported beside it).

A case without `form`/`language` (the dev set predates them) gets them from its text.
A test case whose thread a rule cites is left out of the figures and listed: a rule
written from a thread cannot be measured on it.

It is a report: exit 0, unless --min-top1 is given and a corpus's top-1 is below it.

    python benchmarks/explain_accuracy.py [--json] [--min-top1 0.6] [--corpus DIR] [--no-misses]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import yaml

# this checkout's kerasdoctor, also when another copy is installed (an editable install of another worktree)
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import kerasdoctor

# The public function, bound once: importing the kerasdoctor.explain subpackage (which the
# first call does) rebinds the package attribute `kerasdoctor.explain` to that subpackage.
public_explain = kerasdoctor.explain

REPO = Path(__file__).resolve().parent.parent
DEV_CORPUS = REPO / "fixtures" / "real_errors"
TEST_CORPUS = REPO / "fixtures" / "real_errors_test"
PLANNED_FAMILIES = TEST_CORPUS / "_planned_families.txt"
CONFIDENT = 0.8  # only an exact wording match may reach it (DESIGN.md), so it is presented as the answer
TOP_K = 3
FORMS = ("traceback", "message", "log", "sentence")

_TRACEBACK_LINE = re.compile(r'Traceback \(most recent call last\)|^\s*File "[^"]+", line \d+|^-+>\s*\d+|\bin user code:', re.MULTILINE)
_LOG_LINE = re.compile(
    r"^\s*(\d{4}-\d\d-\d\d[ T]\d\d:\d\d|[IWEF]\d{4} \d\d:\d\d|[IWEF] tensorflow/|WARNING:tensorflow:"
    r"|Epoch \d+/\d+|\d+/\d+ \[[=>.]+\])",
    re.MULTILINE,
)
_MESSAGE_LINE = re.compile(r"^\W*(?:[\w.]+(?:Error|Exception|Warning)|Exception|Error)\b\s*[:(]", re.MULTILINE)
_SCRIPTS = (
    ("zh", re.compile(r"[\u4e00-\u9fff]")),
    ("ko", re.compile(r"[\uac00-\ud7af]")),
    ("ja", re.compile(r"[\u3040-\u30ff]")),
    ("ru", re.compile(r"[\u0400-\u04ff]")),
)
_URL = re.compile(r"https?://[^\s'\"<>)\]]+")


def infer_form(text: str) -> str:
    """What kind of paste a text is, for cases that do not say: traceback, log, message or sentence."""
    if _TRACEBACK_LINE.search(text):
        return "traceback"
    if _LOG_LINE.search(text):
        return "log"
    if _MESSAGE_LINE.search(text):
        return "message"
    return "sentence"


def infer_language(text: str) -> str:
    """The language of a text's prose, from its script (Latin script counts as English)."""
    for language, script in _SCRIPTS:
        if script.search(text):
            return language
    return "en"


def load_corpus(corpus: Path) -> list[dict[str, Any]]:
    """The corpus cases in file order, each with its file name, form and language filled in."""
    cases = []
    for path in sorted(corpus.glob("*.yaml")):
        if path.name.startswith("_"):
            continue
        cases.append(with_form_and_language(yaml.safe_load(path.read_text(encoding="utf-8")), path.name))
    return cases


def with_form_and_language(case: dict[str, Any], name: str) -> dict[str, Any]:
    """A case read from file ``name``, with its file name, and its form and language worked out when it does not state them."""
    case["file"] = name
    case["form_inferred"] = "form" not in case
    case.setdefault("form", infer_form(case["text"]))
    case.setdefault("language", infer_language(case["text"]))
    return case


def cited_sources() -> set[str]:
    """Every URL the built-in rules cite: threads the rules were written from."""
    from kerasdoctor.kb import builtin_rules_dir

    urls: set[str] = set()
    for path in Path(builtin_rules_dir()).glob("*.yaml"):
        urls.update(url.rstrip("/.,") for url in _URL.findall(path.read_text(encoding="utf-8")))
    return urls


def _kind_of(match: Any) -> str:
    """The match's kind, a last-resort guess from shared words (kind fuzzy, with the guess note) told apart as "guess"."""
    from kerasdoctor.explain.nearest import NOTE

    return "guess" if match.kind == "fuzzy" and NOTE in match.notes else str(match.kind)


def ranked_rules(text: str, text_versions_only: bool) -> list[tuple[str, float, str]]:
    """(rule name, confidence, kind of match) for each matching rule, best first, one entry per rule."""
    if text_versions_only:
        # Judge the text on what it says itself, not on the packages installed here.
        from kerasdoctor.explain import explain_records
        from kerasdoctor.explain.extract import extract_errors
        from kerasdoctor.versions import versions_from_records

        records = extract_errors(text)
        explanation = explain_records(records, versions=versions_from_records(records))
    else:
        explanation = public_explain(text)
    ranking: list[tuple[str, float, str]] = []
    seen: set[str] = set()
    for match in explanation.matches:
        if match.rule.name not in seen:
            seen.add(match.rule.name)
            ranking.append((match.rule.name, round(float(match.confidence), 3), _kind_of(match)))
    return ranking


def score_case(case: dict[str, Any], ranking: list[tuple[str, float, str]], catalog: set[str]) -> dict[str, Any]:
    """One case's outcome: its top matches and whether they count as right."""
    expected = case.get("expected")
    names = [name for name, *_ in ranking]
    top_confidence = ranking[0][1] if ranking else 0.0
    return {
        "file": case["file"],
        "source": case.get("source"),
        "expected": expected,
        "form": case["form"],
        "language": case["language"],
        "expected_in_catalog": expected is None or expected in catalog,
        "top": [(name, confidence) for name, confidence, _ in ranking[:TOP_K]],
        "answered_by": ranking[0][2] if ranking else "none",
        "answered": bool(ranking),
        "top1": expected is not None and names[:1] == [expected],
        "top3": expected is not None and expected in names[:TOP_K],
        "confident_wrong": bool(ranking) and top_confidence >= CONFIDENT and names[0] != expected,
    }


def _rate(hits: int, total: int) -> float | None:
    return round(hits / total, 4) if total else None


def summarize(results: list[dict[str, Any]]) -> dict[str, Any]:
    """The figures for one group of scored cases."""
    named = [r for r in results if r["expected"] is not None]
    return {
        "cases": len(results),
        "cases_with_rule": len(named),
        "top1": _rate(sum(r["top1"] for r in named), len(named)),
        "top1_count": sum(r["top1"] for r in named),
        "top3": _rate(sum(r["top3"] for r in named), len(named)),
        "answered": _rate(sum(r["answered"] for r in results), len(results)),
        "confident_wrong": _rate(sum(r["confident_wrong"] for r in results), len(results)),
        "confident_wrong_count": sum(r["confident_wrong"] for r in results),
    }


def _grouped(results: list[dict[str, Any]], key: str, order: Iterable[str] = ()) -> dict[str, dict[str, Any]]:
    values = [*order, *sorted({r[key] for r in results} - set(order))]
    return {value: summarize([r for r in results if r[key] == value]) for value in values if any(r[key] == value for r in results)}


def figures(results: list[dict[str, Any]]) -> dict[str, Any]:
    """The figures of scored cases: overall, with an error message, per form, language and kind of first answer."""
    return {
        "overall": summarize(results),
        "with_error_message": summarize([r for r in results if r["form"] != "sentence"]),
        "by_form": _grouped(results, "form", FORMS),
        "by_language": _grouped(results, "language", ("en", "zh")),
        "by_answer_kind": _grouped(results, "answered_by", ("wording", "raise-site", "frames", "fuzzy", "symptom", "guess", "none")),
    }


def evaluate(
    cases: list[dict[str, Any]],
    text_versions_only: bool = False,
    excluded_sources: Iterable[str] = (),
    rank: Callable[[str, bool], list[tuple[str, float, str]]] = ranked_rules,
) -> dict[str, Any]:
    """Run explain over every case and score it, overall and per form and language."""
    from kerasdoctor.kb import load_rules

    catalog = {rule.name for rule in load_rules().rules}
    excluded_set = {source.rstrip("/") for source in excluded_sources}
    excluded = [c["file"] for c in cases if str(c.get("source", "")).rstrip("/") in excluded_set]
    started = time.perf_counter()
    results = [score_case(case, rank(case["text"], text_versions_only), catalog) for case in cases if case["file"] not in excluded]
    elapsed = time.perf_counter() - started

    per_rule: dict[str, dict[str, int]] = {}
    for r in results:
        if r["expected"] is not None:
            tally = per_rule.setdefault(r["expected"], {"cases": 0, "top1": 0, "top3": 0})
            tally["cases"] += 1
            tally["top1"] += r["top1"]
            tally["top3"] += r["top3"]
    unnamed = [r for r in results if r["expected"] is None]
    return {
        **figures(results),
        "forms_inferred": sum(c["form_inferred"] for c in cases if c["file"] not in excluded),
        "cases_without_rule": len(unnamed),
        "null_cases_silent": sum(not r["answered"] for r in unnamed),
        "null_cases_confident": sum(r["confident_wrong"] for r in unnamed),
        "rules_in_catalog": len(catalog),
        "expected_missing_from_catalog": sorted({r["expected"] for r in results if not r["expected_in_catalog"]}),
        "excluded_cited_by_rules": excluded,
        "per_rule": dict(sorted(per_rule.items())),
        "seconds": round(elapsed, 3),
        "confident_threshold": CONFIDENT,
        "misses": [r for r in results if (r["expected"] is not None and not r["top1"]) or r["confident_wrong"]],
    }


def _pct(value: float | None) -> str:
    return "   n/a" if value is None else f"{value:6.1%}"


def _row(label: str, figures: dict[str, Any]) -> str:
    return (
        f"  {label:24} {figures['cases']:5} {figures['cases_with_rule']:5}  {_pct(figures['top1'])}  "
        f"{_pct(figures['top3'])}  {_pct(figures['answered'])}  {_pct(figures['confident_wrong'])}"
        f" ({figures['confident_wrong_count']})"
    )


def render_text(name: str, corpus: Path, report: dict[str, Any], show_misses: bool = True) -> str:
    """One corpus's report for a person: figures first, then one block per miss."""
    lines = [
        f"{name}: {corpus} - {report['overall']['cases']} cases ({report['overall']['cases_with_rule']} with an "
        f"expected rule, {report['cases_without_rule']} without); {report['rules_in_catalog']} rules in the catalog; "
        f"{report['seconds']} s",
        f"  {'':24} {'cases':>5} {'rule':>5}  {'top-1':>6}  {'top-3':>6}  {'answer':>6}  conf-wrong (>= {CONFIDENT})",
        _row("overall", report["overall"]),
        _row("with an error message", report["with_error_message"]),
    ]
    lines += [_row(f"form {form}", figures) for form, figures in report["by_form"].items()]
    lines += [_row(f"language {language}", figures) for language, figures in report["by_language"].items()]
    lines += [_row(f"first answer {kind}", figures) for kind, figures in report["by_answer_kind"].items()]
    if report["forms_inferred"]:
        lines.append(f"  form inferred from the text for {report['forms_inferred']} cases that do not state it")
    lines.append(f"  no-rule cases left unmatched: {report['null_cases_silent']} of {report['cases_without_rule']}")
    # a case is labelled when it is committed: a family written later may name the cause its thread found, and the
    # label stays null, so these count as confident-wrong; each case's `family:` line says which it is
    lines.append(
        f"  confident-wrong on no-rule cases: {report['null_cases_confident']} of {report['overall']['confident_wrong_count']}"
        " (a case stays labelled as committed, also when a later family names its cause)"
    )
    if report["expected_missing_from_catalog"]:
        lines.append("  expected names not in the catalog yet (counted as misses): " + ", ".join(report["expected_missing_from_catalog"]))
    if report["excluded_cited_by_rules"]:
        lines.append("  left out, a rule cites their thread: " + ", ".join(report["excluded_cited_by_rules"]))
    if show_misses and report["misses"]:
        lines.append(f"  misses ({len(report['misses'])}):")
        for miss in report["misses"]:
            got = ", ".join(f"{rule} {confidence:.2f}" for rule, confidence in miss["top"]) or "(no match)"
            flag = "  CONFIDENT WRONG" if miss["confident_wrong"] else ""
            lines.append(f"    {miss['file']} [{miss['form']}/{miss['language']}] expected {miss['expected'] or 'null'}  got {got}{flag}")
            lines.append(f"        {miss['source']}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--corpus", type=Path, default=None, help="measure only this directory of NNNN.yaml cases")
    parser.add_argument("--json", action="store_true", help="print the reports as one JSON object")
    parser.add_argument("--min-top1", type=float, default=None, help="exit 1 when a corpus's top-1 (0..1) is below this")
    parser.add_argument("--no-misses", action="store_true", help="leave the list of misses out of the text report")
    parser.add_argument(
        "--text-versions-only",
        action="store_true",
        help="judge each text on the versions its own traceback reveals, not on the packages installed here",
    )
    args = parser.parse_args(argv)

    corpora = {args.corpus.name: args.corpus} if args.corpus else {"dev": DEV_CORPUS, "test": TEST_CORPUS}
    cited = cited_sources()
    reports: dict[str, dict[str, Any]] = {}
    for name, corpus in corpora.items():
        cases = load_corpus(corpus) if corpus.is_dir() else []
        if not cases:
            if args.corpus:
                print(f"no cases in {corpus}", file=sys.stderr)
                return 2
            continue
        held_out = corpus.resolve() != DEV_CORPUS.resolve()
        reports[name] = evaluate(cases, args.text_versions_only, cited if held_out else set())

    if args.json:
        print(json.dumps({"corpora": reports}, indent=2))
    else:
        print("\n\n".join(render_text(name, corpora[name], report, not args.no_misses) for name, report in reports.items()))
    if args.min_top1 is not None:
        low = [name for name, report in reports.items() if (report["overall"]["top1"] or 0.0) < args.min_top1]
        if low:
            print(f"top-1 accuracy is below --min-top1 {args.min_top1:.1%} for: {', '.join(low)}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

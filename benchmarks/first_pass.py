"""How `kerasdoctor explain` did on public reports before any rule or code had seen them.

Every batch of development cases enters fixtures/real_errors in a commit of its own, titled
"Development cases: ..." (or "Development reports NNNN-MMMM: ..."), labelled from the threads before explain ran on them. The code and
rules of that commit's parent had never seen those reports, so running them on the batch
measures what a user gets on a report nobody tuned for: the figure the development set
overstates once rules have been fitted to it, and a second estimate beside the held-out test set.

For each such commit (all, or the last N), the parent's `kerasdoctor/` and `rules/` are
exported with `git archive` into a temporary directory and run in a subprocess of their own
(their own snapshot cache) on the cases as that commit added them; the same cases are then run
with the code and rules of the checkout ("now": fitted to them, for contrast). Reported as
explain_accuracy.py reports a corpus: top-1 / top-3 over the cases with an expected rule,
answered and confident-wrong over all, overall and per form, language and kind of first answer,
first pass beside now; `--batches` adds one line per commit. Last, the first pass's answers at
confidence >= 0.8 per band of confidence, with how many were right: what "sure" meant on reports
nothing had been fitted to (a case labelled with no family counts as wrong whatever it is answered).

A label names the family the thread established at the time: a family added later counts as a
miss of the first pass (it was one). Cases edited after their commit are read as committed.

With ``--engine DIR`` each batch is run by the kerasdoctor package in DIR (``.``: this checkout, or a
worktree holding a change to the matching code) with the rules and the family prevalence of the batch's parent:
an engine change measured on reports none of its rules were written from, which the development set, fitted
rule by rule, cannot show. Compare it with ``--engine`` of the unchanged engine, not with the first pass.

    python benchmarks/first_pass.py [--last 10] [--since 2026-12-01] [--jobs 2] [--batches] [--json] [--engine DIR]

It is a report (exit 0); about 5 s per commit and per 100 cases on one core.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
import explain_accuracy as accuracy  # a sibling script, not a package

REPO = accuracy.REPO
CASES_DIR = "fixtures/real_errors"
TITLE = "Development (cases|reports)[: ]"  # an extended regular expression: the two titles batches carry
# Run inside the exported code: it may predate today's API, so it asks only for what every version had
# (kerasdoctor.explain, .matches, .rule.name, .confidence) and reads the kind and guess note when present.
RUNNER = r"""
import importlib, json, sys
import kerasdoctor
explain = kerasdoctor.explain
try:
    NOTE = importlib.import_module("kerasdoctor.explain.nearest").NOTE
except Exception:
    NOTE = None
out = []
for text in json.load(sys.stdin):
    try:
        matches = explain(text).matches
    except Exception as error:
        out.append({"error": f"{type(error).__name__}: {error}"[:200], "ranking": []})
        continue
    ranking, seen = [], set()
    for m in matches:
        if m.rule.name in seen:
            continue
        seen.add(m.rule.name)
        kind = str(getattr(m, "kind", None) or "wording")
        if kind == "fuzzy" and NOTE is not None and NOTE in (getattr(m, "notes", None) or ()):
            kind = "guess"
        ranking.append([m.rule.name, round(float(m.confidence), 3), kind])
    out.append({"ranking": ranking})
json.dump(out, sys.stdout)
"""


def _git(*args: str) -> str:
    return subprocess.run(["git", "-C", str(REPO), *args], check=True, capture_output=True, text=True).stdout


def case_commits(since: str | None, last: int | None) -> list[tuple[str, str]]:
    """(commit, subject) of every commit titled "Development cases: ..." or "Development reports ...", oldest first."""
    args = ["log", "--format=%H%x09%s", "--extended-regexp", f"--grep=^{TITLE}", "--reverse"]
    if since:
        args.append(f"--since={since}")
    commits = [tuple(line.split("\t", 1)) for line in _git(*args).splitlines() if "\t" in line]
    pairs = [(c, s) for c, s in commits]
    return pairs[-last:] if last else pairs


def added_cases(commit: str) -> list[dict[str, Any]]:
    """The cases ``commit`` added to the development set, as committed."""
    names = _git("diff-tree", "--no-commit-id", "--name-only", "--diff-filter=A", "-r", commit, "--", CASES_DIR).split()
    cases = []
    for name in sorted(names):
        base = os.path.basename(name)
        if not base.endswith(".yaml") or base.startswith("_"):
            continue
        try:
            case = yaml.safe_load(_git("show", f"{commit}:{name}"))
        except yaml.YAMLError as exc:
            # a batch whose file a later commit repaired: the label as committed is unreadable, so it is not counted
            print(f"  {base} as committed in {commit[:8]} is not valid YAML ({type(exc).__name__}): left out", file=sys.stderr)
            continue
        if not isinstance(case, dict) or not isinstance(case.get("text"), str):
            continue
        cases.append(accuracy.with_form_and_language(case, base))
    return cases


def rank_with(code_dir: Path, texts: list[str], cache: Path) -> list[list[tuple[str, float, str]]]:
    """Each text's ranking by the kerasdoctor in ``code_dir``, in a process of its own."""
    env = {**os.environ, "PYTHONPATH": str(code_dir), "KERASDOCTOR_CACHE_DIR": str(cache)}
    env.pop("KERASDOCTOR_NO_CACHE", None)
    done = subprocess.run([sys.executable, "-c", RUNNER], input=json.dumps(texts), env=env, cwd=code_dir, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        tail = done.stderr.strip().splitlines()[-1:] or ["no output"]
        print(f"  {code_dir.name}: the runner failed: {tail[0]}", file=sys.stderr)
        return [[] for _ in texts]
    return [[(name, confidence, kind) for name, confidence, kind in row["ranking"]] for row in json.loads(done.stdout)]


# the engine's data built from the development set: a batch's own labels must not reach it
PREVALENCE = "kerasdoctor/data/family_prevalence.json"


def first_pass(commit: str, cases: list[dict[str, Any]], work: Path, engine: Path | None = None) -> list[list[tuple[str, float, str]]]:
    """The rankings the code and rules of ``commit``'s parent give the cases; with ``engine``, that package's code
    with the parent's rules and family prevalence."""
    code = work / commit[:12]
    code.mkdir()
    parts = ["rules"] if engine else ["kerasdoctor", "rules"]
    archive = subprocess.run(["git", "-C", str(REPO), "archive", f"{commit}^", *parts], check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(code)], input=archive, check=True)
    if engine is not None:
        shutil.copytree(engine / "kerasdoctor", code / "kerasdoctor", ignore=shutil.ignore_patterns("__pycache__"))
        parent = subprocess.run(["git", "-C", str(REPO), "show", f"{commit}^:{PREVALENCE}"], capture_output=True, text=True, check=False)
        (code / PREVALENCE).write_text(parent.stdout if parent.returncode == 0 else "{}\n", encoding="utf-8")
    return rank_with(code, [c["text"] for c in cases], work / f"cache-{commit[:12]}")


# the first pass's answers at or above explain_accuracy's CONFIDENT, split at these lower bounds
BANDS = (accuracy.CONFIDENT, 0.85, 0.9, 0.95)


def confident_bands(cases: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per band of the first answer's confidence (>= CONFIDENT): answers, right, wrong and the share right."""
    rows = []
    for low, high in zip(BANDS, (*BANDS[1:], 1.01)):
        tops = [(case["first"][0], case["expected"]) for case in cases if case["first"] and low <= case["first"][0][1] < high]
        right = sum(top[0] == expected for top, expected in tops)
        share = round(right / len(tops), 4) if tops else None
        rows.append({"band": f"{low:.2f}-{min(high, 1.0):.2f}", "answers": len(tops), "right": right, "wrong": len(tops) - right, "share_right": share})
    return rows


def render(first: dict[str, Any], now: dict[str, Any], batches: list[dict[str, Any]], show_batches: bool, bands: list[dict[str, Any]] | None = None) -> str:
    def pair(label: str, a: dict[str, Any] | None, b: dict[str, Any] | None) -> str:
        left = accuracy._row(label, a)[2:] if a else f"{label:24}" + " " * 47
        right = accuracy._row("", b)[40:] if b else ""
        return f"  {left}   | {right}"

    header = f"  {'':24} {'cases':>5} {'rule':>5}  {'top-1':>6}  {'top-3':>6}  {'answer':>6}  conf-wrong"
    lines = [
        f"first pass (the code of each batch's parent) | now (this checkout, fitted to the batches): {len(batches)} batches",
        header + "   | " + header[39:],
        pair("overall", first["overall"], now["overall"]),
        pair("with an error message", first["with_error_message"], now["with_error_message"]),
    ]
    for group, prefix in (("by_form", "form"), ("by_language", "language"), ("by_answer_kind", "first answer")):
        for key, figures in first[group].items():
            lines.append(pair(f"{prefix} {key}", figures, now[group].get(key) if group != "by_answer_kind" else None))
    if bands:
        lines.append(f"  first answers at >= {accuracy.CONFIDENT} by confidence (right / answers, share right):")
        for row in bands:
            share = f"{100 * row['share_right']:.1f}%" if row["share_right"] is not None else "-"
            lines.append(f"    {row['band']}  {row['right']:4} / {row['answers']:<4} {share:>6}")
    if show_batches:
        lines.append("  per batch (first pass top-1 right / with a rule; now):")
        for batch in batches:
            lines.append(f"    {batch['commit'][:9]} {batch['first_top1']:3}/{batch['with_rule']:<3} now {batch['now_top1']:3}  {batch['subject'][:90]}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--last", type=int, default=None, help="only the last N batches")
    parser.add_argument("--since", default=None, help="only batches committed since this date (git's --since)")
    parser.add_argument("--jobs", type=int, default=2, help="batches run at once")
    parser.add_argument("--batches", action="store_true", help="one line per batch")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--engine", type=Path, default=None, help="run this directory's kerasdoctor package with each batch's parent rules")
    args = parser.parse_args(argv)
    engine = args.engine.resolve() if args.engine else None
    if engine is not None and not (engine / "kerasdoctor" / "__init__.py").is_file():
        print(f"{args.engine}: no kerasdoctor package there", file=sys.stderr)
        return 2

    commits = [(c, s, cases) for c, s in case_commits(args.since, args.last) for cases in [added_cases(c)] if cases]
    if not commits:
        print("no commits titled 'Development cases: ...' or 'Development reports NNNN-MMMM: ...' with cases", file=sys.stderr)
        return 2
    from kerasdoctor.kb import load_rules

    catalog = {rule.name for rule in load_rules().rules}
    with tempfile.TemporaryDirectory(prefix="kd-first-pass-") as tmp:
        work = Path(tmp)
        with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            firsts = list(pool.map(lambda item: first_pass(item[0], item[2], work, engine), commits))
        everything = [case for _, _, cases in commits for case in cases]
        nows = rank_with(REPO, [c["text"] for c in everything], work / "cache-now")
    first_results: list[dict[str, Any]] = []
    now_results: list[dict[str, Any]] = []
    batches: list[dict[str, Any]] = []
    per_case: list[dict[str, Any]] = []
    position = 0
    for (commit, subject, cases), rankings in zip(commits, firsts):
        scored_first = [accuracy.score_case(case, ranking, catalog) for case, ranking in zip(cases, rankings)]
        scored_now = [accuracy.score_case(case, ranking, catalog) for case, ranking in zip(cases, nows[position : position + len(cases)])]
        position += len(cases)
        per_case += [
            {
                "commit": commit[:12],
                "file": a["file"],
                "form": a["form"],
                "expected": a["expected"],
                "first": a["top"],
                "first_by": a["answered_by"],
                "now": b["top"],
            }
            for a, b in zip(scored_first, scored_now)
        ]
        first_results += scored_first
        now_results += scored_now
        batches.append(
            {
                "commit": commit,
                "subject": subject,
                "cases": len(cases),
                "with_rule": sum(r["expected"] is not None for r in scored_first),
                "first_top1": sum(r["top1"] for r in scored_first),
                "now_top1": sum(r["top1"] for r in scored_now),
            }
        )
    first, now = accuracy.figures(first_results), accuracy.figures(now_results)
    if args.json:
        print(json.dumps({"first_pass": first, "now": now, "confident_bands": confident_bands(per_case), "batches": batches, "cases": per_case}, indent=2))
    else:
        print(render(first, now, batches, args.batches, confident_bands(per_case)))
    return 0


if __name__ == "__main__":
    sys.exit(main())

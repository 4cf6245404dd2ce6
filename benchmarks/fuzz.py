"""Fuzz kerasdoctor for a given number of minutes: explain, lint (+ --fix), notebooks and rule loading.

Inputs come from hypothesis strategies: generated Python (hypothesmith) spliced with Keras lines,
generated notebooks, error text, malformed rules: the test suite's own strategies
(``tests/strategies.py``: ``KERAS_LINES``, ``error_text``, ``malformed_rules``, ``odd_yaml``), run
for longer than the suite runs them.

Each input runs in a worker process watched by the parent: a worker that dies is a crash, one
that overruns ``--budget`` seconds is a hang (killed and replaced), an exception escaping
kerasdoctor's API is a crash too, and so is a ``--fix`` result CPython does not parse.
Reports counts of inputs, crashes, hangs and the workers' peak memory.

Usage: nice -n 10 python benchmarks/fuzz.py --minutes 5 [--jobs 2] [--budget 20] [--seed N]
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import random
import sys
import tempfile
import time
import warnings
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path[:0] = [REPO, os.path.join(REPO, "tests")]
from strategies import KERAS_LINES as SHARED_KERAS_LINES  # noqa: E402 (tests/ is on the path from here on)

# the suite's lines, plus a deep expression the suite leaves to long runs
KERAS_LINES = [*SHARED_KERAS_LINES, "x = (\n" + "-\n" * 400 + "1)"]
HEADER = "import keras\nimport tensorflow as tf\nfrom keras import layers\n"
MAGICS = ["%matplotlib inline", "!pip install keras", "%%time", "%%bash", "x = !ls", "keras.layers.Dense?", "  % 3)", "  != 2)"]


def strategies() -> dict[str, object]:
    """kind -> strategy of inputs (plain data, sent to a worker)."""
    import hypothesmith
    import strategies as shared
    from hypothesis import strategies as st

    error_text = shared.error_text
    rules = st.one_of(shared.malformed_rules.map(lambda rule: ("dict", rule)), shared.odd_yaml.map(lambda text: ("yaml", text)))
    keras = st.sampled_from(KERAS_LINES)
    python = st.builds(lambda code, line, cut: HEADER + line + "\n" + code[: len(code) - cut], hypothesmith.from_grammar(), keras, st.integers(0, 3))
    cell = st.lists(st.one_of(keras, st.sampled_from(MAGICS), st.text(max_size=20)), max_size=8).map("\n".join)
    leaf = st.none() | st.booleans() | st.integers() | st.text(max_size=10)
    json_value = st.recursive(leaf, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3), max_leaves=10)
    source = st.one_of(cell, cell.map(lambda text: text.splitlines(keepends=True)), json_value)
    cells = st.lists(st.fixed_dictionaries({"cell_type": st.sampled_from(["code", "code", "markdown"]), "source": source}), max_size=5)
    notebook = st.builds(
        lambda cells, indent: json.dumps({"cells": [{"cell_type": "code", "source": "import keras\n"}, *cells], "nbformat": 4}, indent=indent),
        cells,
        st.sampled_from([None, 1]),
    )
    return {"explain": error_text, "lint": python, "notebook": notebook, "rules": rules}


_CHECKS = None


def _init() -> None:
    global _CHECKS
    warnings.simplefilter("ignore")
    from kerasdoctor.kb import load_rules
    from kerasdoctor.lint.engine import CheckSet

    _CHECKS = CheckSet(load_rules().rules)
    _explain()("ValueError: warm-up")


def _explain() -> Any:
    """The explain function (the package attribute may be shadowed by its subpackage once imported)."""
    try:
        from kerasdoctor.explain import explain
    except ImportError:
        from kerasdoctor import explain  # type: ignore[assignment]
    return explain


def _lint_and_fix(text: str, path: str) -> str | None:
    from kerasdoctor.lint.engine import lint_bytes
    from kerasdoctor.lint.fix import NotFixable, compiles, fix_content

    data = text.encode("utf-8", "surrogatepass")
    found, error = lint_bytes(data, path, _CHECKS)  # type: ignore[arg-type]
    if error and error.startswith("internal error"):
        return error
    try:
        after, _, _ = fix_content(data, path, found, lambda d, p: lint_bytes(d, p, _CHECKS)[0])  # type: ignore[arg-type]
    except NotFixable:
        return None
    if after != data and path.endswith(".py") and not compiles(after.decode("utf-8")):
        return "--fix wrote code that does not parse"
    return None


def _rules(payload: tuple[str, object]) -> str | None:
    import yaml

    from kerasdoctor.kb import load_rules
    from kerasdoctor.lint.engine import lint_paths

    kind, content = payload
    with tempfile.TemporaryDirectory(prefix="kd-fuzz-rules-") as folder:
        text = content if kind == "yaml" else yaml.safe_dump(content, allow_unicode=True)
        with open(os.path.join(folder, "KD999-fuzz-rule.yaml"), "w", encoding="utf-8", errors="surrogatepass") as handle:
            handle.write(str(text))
        rules = load_rules([folder], use_cache=False)
        _explain()("ValueError: bad marshal data (unknown type code)", rules=rules)
        with open(os.path.join(folder, "t.py"), "w") as handle:
            handle.write(HEADER + "model.fit(x, lr=1)\n")
        lint_paths([os.path.join(folder, "t.py")], rules=rules, cache=False, use_config=False, jobs=1)
    return None


def work(item: tuple[int, str, object]) -> tuple[str | None, int]:
    """(what went wrong or None, peak RSS in KiB) for one input."""
    import resource

    _, kind, payload = item
    try:
        if kind == "explain":
            _explain()(str(payload))
            problem = None
        elif kind == "lint":
            problem = _lint_and_fix(str(payload), "fuzz.py")
        elif kind == "notebook":
            problem = _lint_and_fix(str(payload), "fuzz.ipynb")
        else:
            problem = _rules(payload)  # type: ignore[arg-type]
    except Exception as exc:  # what the fuzzer is looking for
        problem = f"{type(exc).__name__}: {str(exc)[:200]}"
    return problem, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _draw(strategy: object, count: int, seed: int, given: Any, settings: Any, health_check: Any) -> list[object]:
    """``count`` values of ``strategy`` as hypothesis generates them for a test (shrinking never runs)."""
    from hypothesis import seed as with_seed

    drawn: list[object] = []

    @with_seed(seed)
    @settings(max_examples=count, deadline=None, database=None, suppress_health_check=list(health_check))
    @given(strategy)
    def draw(value: object) -> None:
        drawn.append(value)

    draw()
    return drawn


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=5.0)
    parser.add_argument("--jobs", type=int, default=max(1, (os.cpu_count() or 1)))
    parser.add_argument("--budget", type=float, default=20.0, help="seconds one input may take before it counts as a hang")
    parser.add_argument("--batch", type=int, default=40, help="inputs generated per kind between runs")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--save", default=None, help="folder to write crashing and hanging inputs to")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    from hypothesis import HealthCheck, given, settings

    from kerasdoctor.lint.pool import run_isolated

    rng = random.Random(args.seed)
    kinds = strategies()
    counts: collections.Counter[str] = collections.Counter()
    failures: list[tuple[str, str, object]] = []
    peak = 0
    deadline = time.monotonic() + args.minutes * 60
    serial = 0
    print(f"fuzzing {', '.join(kinds)} for {args.minutes:g} min on {args.jobs} worker(s), budget {args.budget:g} s per input", flush=True)
    while time.monotonic() < deadline:
        batch: list[tuple[int, str, object]] = []
        for kind, strategy in kinds.items():
            count = args.batch if kind != "rules" else max(1, args.batch // 4)  # each re-reads every rule file: ~1 s
            drawn = _draw(strategy, count, rng.getrandbits(32), given, settings, HealthCheck)
            for value in drawn:
                serial += 1
                batch.append((serial, kind, value))
        rng.shuffle(batch)
        for item, outcome, failure in run_isolated(batch, work, jobs=args.jobs, budget=args.budget, initializer=_init):
            if time.monotonic() > deadline + args.budget:
                break
            kind = item[1]
            counts[f"{kind} inputs"] += 1
            if failure is not None:
                label = "hangs" if failure.startswith("took longer") else "crashes"
                counts[label] += 1
                counts[f"{kind} {label}"] += 1
                failures.append((kind, failure, item[2]))
                continue
            problem, rss = outcome
            peak = max(peak, rss)
            if problem is not None:
                counts["crashes"] += 1
                counts[f"{kind} crashes"] += 1
                failures.append((kind, problem, item[2]))
        done = sum(v for k, v in counts.items() if k.endswith("inputs"))
        print(f"  {done} inputs, {counts['crashes']} crashes, {counts['hangs']} hangs, peak {peak // 1024} MiB", flush=True)
    total = sum(v for k, v in counts.items() if k.endswith("inputs"))
    print()
    print(f"inputs: {total} ({', '.join(f'{k.split()[0]} {v}' for k, v in sorted(counts.items()) if k.endswith('inputs'))})")
    print(f"crashes: {counts['crashes']}  hangs: {counts['hangs']}  peak worker memory: {peak / 1024:.0f} MiB")
    for kind, problem, _ in failures[:20]:
        print(f"  {kind}: {problem}")
    if args.save and failures:
        os.makedirs(args.save, exist_ok=True)
        for number, (kind, problem, payload) in enumerate(failures):
            with open(os.path.join(args.save, f"{number:04d}-{kind}.json"), "w", encoding="utf-8") as handle:
                json.dump({"kind": kind, "problem": problem, "input": payload}, handle, default=str, ensure_ascii=True)
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Speed of ``kerasdoctor lint`` against its floor and its peers, on real Keras code from PyPI, in one run.

Corpus: the installed ``keras`` (src/), ``keras_hub`` and ``tf_keras`` packages
(every .py file, sorted; ``--limit`` takes an evenly spread sample).
Measured on the same files:
  floor       libcst.parse_module alone, one process (what any libcst linter pays)
  screen      CPython's syntax verdict and the nesting screen kerasdoctor runs before libcst (part of kd-1)
  kd-1        kerasdoctor lint, one process, no cache
  kd-N        kerasdoctor lint, N processes, no cache
  kd-warm     kerasdoctor lint CLI, second run with a warm cache (includes interpreter start-up)
  ruff-warm   ruff check CLI, second run with its cache
  ruff        ruff check CLI, --no-cache
  pylint      pylint (errors only, -j 1) on the same files
  fixit       fixit lint (its default rules)
floor, kd-1 and screen are CPU times of this process (floor and kd-1 interleaved chunk by chunk);
the rest are wall times.
Targets (from the issue): kd-1 <= 1.5x floor; kd-warm <= 3x ruff-warm.

Usage: python benchmarks/lint_bench.py [--limit N] [--skip pylint,fixit] [--jobs N]
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
BIN = os.path.dirname(sys.executable)


def corpus(limit: int | None) -> list[str]:
    files: list[str] = []
    for package, sub in (("keras", "src"), ("keras_hub", "src"), ("tf_keras", "src")):
        spec = importlib.util.find_spec(package)
        if spec is None or not spec.submodule_search_locations:
            continue
        root = os.path.join(next(iter(spec.submodule_search_locations)), sub)
        for dirpath, dirnames, names in os.walk(root):
            dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
            files.extend(os.path.join(dirpath, n) for n in sorted(names) if n.endswith(".py"))
    if limit and len(files) > limit:
        step = len(files) / limit
        files = [files[int(i * step)] for i in range(limit)]
    return files


def timed(label: str, fn: object, results: dict[str, float], *, cpu: bool = False) -> None:
    """Wall time; or this process's CPU time (``cpu``), which other jobs on a shared machine do not inflate."""
    clock = time.process_time if cpu else time.perf_counter
    start = clock()
    try:
        fn()  # type: ignore[operator]
    except Exception as exc:
        print(f"{label:<10} failed: {type(exc).__name__}: {exc}")
        return
    results[label] = clock() - start
    print(f"{label:<10} {results[label]:8.2f} s{' (cpu)' if cpu else ''}", flush=True)


def run(cmd: list[str], env: dict[str, str] | None = None) -> None:
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=False)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--limit", type=int, default=600, help="number of files (0 = all); default 600")
    parser.add_argument("--skip", default="", help="comma-separated tools to skip: pylint,fixit,ruff")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    skip = set(filter(None, args.skip.split(",")))
    files = corpus(args.limit or None)
    if not files:
        print("no Keras packages installed to benchmark on")
        return 1
    sources = []
    for path in files:
        with open(path, "rb") as handle:
            sources.append(handle.read())
    lines = sum(s.count(b"\n") for s in sources)
    print(f"corpus: {len(files)} files, {lines} lines (keras, keras_hub, tf_keras from PyPI); {os.cpu_count()} cores")
    sys.path.insert(0, REPO)
    import libcst

    from kerasdoctor.lint.engine import lint_paths

    results: dict[str, float] = {}

    def floor_of(datas: list[bytes]) -> None:
        for data in datas:
            try:
                libcst.parse_module(data)
            except libcst.ParserSyntaxError:
                pass

    def screen() -> None:
        # what kerasdoctor adds before libcst sees a file: CPython's verdict and the nesting screen
        from kerasdoctor.lint.engine import decode_source
        from kerasdoctor.lint.screen import pathological, python_verdict

        for path, data in zip(files, sources):
            text = decode_source(data)
            if python_verdict(text, path) is None:
                pathological(text, path)

    counts: dict[str, int] = {}

    def kd(jobs: int) -> None:
        result = lint_paths(files, jobs=jobs, cache=False, use_config=False)
        counts[f"kd-{jobs}"] = len(result.diagnostics)

    # floor and kd-1 run in this process on CPU time, interleaved in chunks of files (which goes first
    # alternates), so that load on a shared machine, which drifts over minutes, falls on both alike
    chunk = 20
    totals = {"floor": 0.0, "kd-1": 0.0}
    found = 0
    for number, start in enumerate(range(0, len(files), chunk)):
        for label in ("floor", "kd-1") if number % 2 == 0 else ("kd-1", "floor"):
            began = time.process_time()
            if label == "floor":
                floor_of(sources[start : start + chunk])
            else:
                found += len(lint_paths(files[start : start + chunk], jobs=1, cache=False, use_config=False).diagnostics)
            totals[label] += time.process_time() - began
    counts["kd-1"] = found
    for label, seconds in totals.items():
        results[label] = seconds
        print(f"{label:<10} {seconds:8.2f} s (cpu, interleaved)", flush=True)
    timed("screen", screen, results, cpu=True)
    if args.jobs > 1:
        timed(f"kd-{args.jobs}", lambda: kd(args.jobs), results)

    cache = tempfile.mkdtemp(prefix="kd-bench-cache-")
    listing = os.path.join(cache, "files.txt")
    env = {**os.environ, "KERASDOCTOR_CACHE_DIR": cache}
    kd_cmd = [sys.executable, "-m", "kerasdoctor", "lint", "--isolated", "-q", *files]
    run(kd_cmd, env)  # fill the cache
    timed("kd-warm", lambda: run(kd_cmd, env), results)
    ruff = shutil.which("ruff", path=BIN) or shutil.which("ruff")
    if ruff and "ruff" not in skip:
        ruff_cache = os.path.join(cache, "ruff")
        ruff_cmd = [ruff, "check", "--isolated", "--exit-zero", "--cache-dir", ruff_cache, "--quiet", *files]
        run(ruff_cmd)
        timed("ruff-warm", lambda: run(ruff_cmd), results)
        timed("ruff", lambda: run([ruff, "check", "--isolated", "--exit-zero", "--no-cache", "--quiet", *files]), results)
    pylint = shutil.which("pylint", path=BIN)
    if pylint and "pylint" not in skip:
        timed("pylint", lambda: run([pylint, "--errors-only", "-j", "1", "--disable=import-error", *files]), results)
    fixit = shutil.which("fixit", path=BIN)
    if fixit and "fixit" not in skip:
        with open(listing, "w") as listing_file:
            listing_file.write("\n".join(files))
        timed("fixit", lambda: run([fixit, "lint", *files]), results)
    shutil.rmtree(cache, ignore_errors=True)

    print()
    base = results.get("floor")
    for label, seconds in results.items():
        of_floor = f"{seconds / base:6.2f}x floor" if base else ""
        print(f"{label:<10} {seconds:8.2f} s  {lines / seconds:9.0f} lines/s  {of_floor}")
    if "kd-1" in results and base:
        print(f"target kd-1 <= 1.5x floor: {results['kd-1'] / base:.2f}x -> {'met' if results['kd-1'] <= 1.5 * base else 'NOT met'}")
    if "kd-warm" in results and "ruff-warm" in results:
        ratio = results["kd-warm"] / results["ruff-warm"]
        print(f"target kd-warm <= 3x ruff-warm: {ratio:.2f}x -> {'met' if ratio <= 3 else 'NOT met'}")
    print(f"findings: {counts}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

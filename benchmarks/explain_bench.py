"""How fast is `kerasdoctor explain`? Every figure is measured against a peer in the same run.

1. cold start: `kerasdoctor explain "<message>"` wall time vs `python -c pass` (target ratio <= 2.0);
   the first run after a rule change also builds the rule snapshot, reported separately;
   and a message no rule words, answered from the raise-site index (target ratio <= 3.0);
   and a traceback cut before its message, answered from its raising frames (no target);
   and unmatched messages seen for the first time (their raise-site patterns not yet compiled);
2. matching: the rule set replicated to 1,000 rules, explain over every real example message
   of the knowledge base (target < 50 ms per explain);
3. a 50 MB training log (progress bars, warnings, a traceback at the end) via `--file`:
   wall time and peak RSS (targets < 3 s, < 300 MB), next to `grep -c` scanning the same file.

Usage: python benchmarks/explain_bench.py [--runs 20] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

ROOT = Path(__file__).resolve().parent.parent
MESSAGE = "ValueError: bad marshal data (unknown type code)"
# printed by TensorFlow's TensorShape.__iter__; no rule words it (its causes are many), so explain falls back to the
# raise-site index
FALLBACK_MESSAGE = "ValueError: Cannot iterate over a shape with unknown rank."
# a traceback pasted without its message line (frames as tf_keras 2.21 prints them when a custom layer is loaded
# without custom_objects): explain looks up the sites its innermost library function raises
CUT_TRACEBACK = """Traceback (most recent call last):
  File "predict.py", line 9, in <module>
    model = keras.models.load_model(p)
  File "/venv/lib/python3.11/site-packages/tf_keras/src/saving/saving_api.py", line 301, in load_model
    return legacy_sm_saving_lib.load_model(
  File "/venv/lib/python3.11/site-packages/tf_keras/src/saving/legacy/serialization.py", line 365, in class_and_config_for_serialized_keras_object
    raise ValueError(
"""


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds (user + system) of one child, the CPU from that child's own rusage."""
    start = time.perf_counter()
    child = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    _, _, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    child.returncode = 0  # reaped by wait4: keep Popen from waiting for it again
    return seconds, usage.ru_utime + usage.ru_stime


def console_script() -> list[str]:
    found = shutil.which("kerasdoctor", path=os.path.dirname(sys.executable)) or shutil.which("kerasdoctor")
    return [found] if found else [sys.executable, "-m", "kerasdoctor"]


def bench_env(cache: str) -> dict[str, str]:
    # an installed package has its bytecode compiled; a shell that forbids writing it
    # would measure source compilation instead of kerasdoctor
    env = dict(os.environ, KERASDOCTOR_CACHE_DIR=cache)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def measured_tree(env: dict[str, str]) -> str:
    """The kerasdoctor package the command imports (an editable install may point at another checkout)."""
    probe = [sys.executable, "-c", "import kerasdoctor, os; print(os.path.dirname(os.path.dirname(kerasdoctor.__file__)))"]
    return subprocess.run(probe, capture_output=True, text=True, env=env, check=False).stdout.strip()


def quartiles(values: list[float]) -> tuple[float, float, float]:
    if len(values) < 2:
        return values[0], values[0], values[0]
    low, mid, high = statistics.quantiles(values, n=4)
    return low, mid, high


def bench_cold_start(runs: int, cache: str) -> dict[str, Any]:
    """Each round runs the peer and every variant once, in a rotating order: load on a shared
    machine then weighs on all of them alike, and each round gives its own ratios."""
    env = bench_env(cache)
    shutil.rmtree(cache, ignore_errors=True)
    cli = console_script()
    first = timed([*cli, "explain", MESSAGE], env)[0]  # builds the snapshot (and the bytecode)
    timed([sys.executable, "-m", "kerasdoctor", "explain", MESSAGE], env)
    timed([*cli, "explain", FALLBACK_MESSAGE], env)
    cut_first = timed([*cli, "explain", CUT_TRACEBACK], env)[0]  # works out the raise-site index's table of functions
    variants = {
        "peer": [sys.executable, "-c", "pass"],
        "script": [*cli, "explain", MESSAGE],
        "module": [sys.executable, "-m", "kerasdoctor", "explain", MESSAGE],
        "fallback": [*cli, "explain", FALLBACK_MESSAGE],
        "cut": [*cli, "explain", CUT_TRACEBACK],
    }
    names = list(variants)
    wall_s: dict[str, list[float]] = {n: [] for n in names}
    cpu_s: dict[str, list[float]] = {n: [] for n in names}
    for round_no in range(runs):
        shift = round_no % len(names)
        for name in names[shift:] + names[:shift]:
            seconds, cpu_seconds = timed(variants[name], env)
            wall_s[name].append(seconds)
            cpu_s[name].append(cpu_seconds)

    def ratios(name: str, times: dict[str, list[float]]) -> tuple[float, float, float]:
        return quartiles([t / p for t, p in zip(times[name], times["peer"])])

    answer = json.loads(subprocess.run([*cli, "explain", "--format", "json", FALLBACK_MESSAGE], capture_output=True, text=True, env=env).stdout)
    median = statistics.median
    base = median(wall_s["peer"])
    return {
        "command": " ".join(cli),
        "package_tree": measured_tree(env),
        "rounds": runs,
        "python_c_pass_ms": base * 1000,
        "explain_console_script_ms": median(wall_s["script"]) * 1000,
        "explain_python_m_ms": median(wall_s["module"]) * 1000,
        "explain_fallback_ms": median(wall_s["fallback"]) * 1000,
        # per round: the variant's time over the peer's in the same round; median and quartiles
        "ratio_console_script": ratios("script", wall_s)[1],
        "ratio_console_script_quartiles": ratios("script", wall_s),
        "ratio_python_m": ratios("module", wall_s)[1],
        "ratio_fallback": ratios("fallback", wall_s)[1],
        "ratio_fallback_quartiles": ratios("fallback", wall_s),
        "explain_cut_traceback_ms": median(wall_s["cut"]) * 1000,
        "ratio_cut_traceback": ratios("cut", wall_s)[1],
        "first_cut_traceback_ms": cut_first * 1000,
        "first_run_with_snapshot_build_ms": first * 1000,
        "cpu_python_c_pass_ms": median(cpu_s["peer"]) * 1000,
        "cpu_ratio_matched": ratios("script", cpu_s)[1],
        "cpu_ratio_fallback": ratios("fallback", cpu_s)[1],
        "fallback_top_kind": (answer.get("matches") or [{}])[0].get("kind", "none"),
    }


def first_sight_messages(count: int) -> list[str]:
    """Unmatched messages answered by different raise sites: each one's site patterns are new to the cache."""
    from kerasdoctor.explain import explain
    from kerasdoctor.explain.raisesites import load_index

    index = load_index()
    total = len(index.header["entry_blocks"]) * int(index.header["block_size"])
    messages: list[str] = []
    for entry_id in range(7, total, 97):
        try:
            site = index.entry(entry_id)
        except (IndexError, KeyError):
            continue
        if site.kind != "exception" or site.literal_length() < 40 or site.mimics_python():
            continue
        message = f"{site.type}: {' '.join(site.render('1').split())}"
        if message == FALLBACK_MESSAGE:
            continue
        answer = explain(message, versions={})
        if answer.matches and answer.matches[0].kind == "raise-site":
            messages.append(message)
        if len(messages) == count:
            break
    return messages


def bench_first_sight(count: int, cache: str) -> dict[str, Any]:
    """Each message once, each right after a run of the peer: the raise sites it hits were never compiled here."""
    env = bench_env(cache)
    cli = console_script()
    wall_ratios, cpu_ratios = [], []
    for message in first_sight_messages(count):
        peer_wall, peer_cpu = timed([sys.executable, "-c", "pass"], env)
        kd_wall, kd_cpu = timed([*cli, "explain", message], env)
        wall_ratios.append(kd_wall / peer_wall)
        cpu_ratios.append(kd_cpu / peer_cpu)
    return {"messages": len(wall_ratios), "ratio_quartiles": quartiles(wall_ratios), "cpu_ratio": statistics.median(cpu_ratios)}


def bench_matching(target_rules: int) -> dict[str, float]:
    from kerasdoctor.explain import explain_records
    from kerasdoctor.explain.extract import extract_errors
    from kerasdoctor.kb import RuleSet, load_rules
    from kerasdoctor.types import Rule

    base = load_rules(use_cache=False)
    rules: list[Rule] = []
    copy = 0
    while len(rules) < target_rules:
        for rule in base.rules:
            if len(rules) >= target_rules:
                break
            fields = {n: getattr(rule, n) for n in rule.__slots__}
            fields["id"] = f"KD{copy:03d}{rule.id[2:]}" if copy else rule.id
            fields["name"] = f"{rule.name}-{copy}" if copy else rule.name
            rules.append(Rule(**fields))
        copy += 1
    big = RuleSet(rules, [], base.dirs)
    texts = [e["text"] for r in base.rules for e in r.examples.get("errors") or []] or [MESSAGE]
    extracted = [extract_errors(t) for t in texts]
    explain_records(extracted[0], rules=big, versions={})  # compile the regexes once, as a process would
    times = []
    for records in extracted:
        start = time.perf_counter()
        explain_records(records, rules=big, versions={})
        times.append(time.perf_counter() - start)
    times.sort()
    return {
        "rules": len(big.rules),
        "patterns": sum(len(r.errors) for r in big.rules),
        "messages": len(times),
        "mean_ms": statistics.mean(times) * 1000,
        "p95_ms": times[int(len(times) * 0.95) - 1 if len(times) > 1 else 0] * 1000,
        "max_ms": times[-1] * 1000,
    }


def make_log(path: Path, size: int) -> None:
    progress = (ROOT / "fixtures" / "formats" / "k3_progress_nan.txt").read_text()
    warnings = (ROOT / "fixtures" / "formats" / "k2_warnings_uncompiled_h5.txt").read_text()
    crash = (ROOT / "fixtures" / "formats" / "k3_graph_execution_label_range.txt").read_text()
    block = (progress + warnings) * 50
    with path.open("w") as handle:
        while handle.tell() < size:
            handle.write(block)
        handle.write(crash)


def child_run(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one child process, via a wrapper that reports its child's rusage."""
    probe = (
        "import resource,subprocess,sys,time,json;t=time.perf_counter();"
        "subprocess.run(sys.argv[1:],stdout=subprocess.DEVNULL,stderr=subprocess.DEVNULL);"
        "print(json.dumps([time.perf_counter()-t,resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss/1024]))"
    )
    out = subprocess.run([sys.executable, "-c", probe, *cmd], capture_output=True, text=True, env=env, check=True).stdout
    seconds, rss = json.loads(out)
    return seconds, rss


def bench_big_log(size_mb: int, cache: str) -> dict[str, float]:
    env = bench_env(cache)
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "train.log"
        make_log(log, size_mb * 1024 * 1024)
        kd_s, kd_rss = child_run([*console_script(), "explain", "--format", "json", "--file", str(log)], env)
        grep_s, grep_rss = child_run(["grep", "-c", "loss: nan", str(log)], env)
        top = json.loads(subprocess.run([*console_script(), "explain", "--format", "json", "--file", str(log)], capture_output=True, text=True, env=env).stdout)
    return {
        "log_mb": size_mb,
        "explain_s": kd_s,
        "explain_peak_rss_mb": kd_rss,
        "grep_c_s": grep_s,
        "grep_peak_rss_mb": grep_rss,
        "top_match": (top.get("matches") or [{}])[0].get("id"),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--rules", type=int, default=1000)
    parser.add_argument("--log-mb", type=int, default=50)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--cold-only", action="store_true", help="only the cold-start figures (matched and fallback)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as cache:
        results = {"cold_start": bench_cold_start(args.runs, cache)}
        results["first_sight_fallback"] = bench_first_sight(args.runs, cache)
        if not args.cold_only:
            results["matching"] = bench_matching(args.rules)
            results["big_log"] = bench_big_log(args.log_mb, cache)
    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    cold = results["cold_start"]
    quart = "quartiles {0[0]:.2f}-{0[2]:.2f}".format
    print(f"cold start: {cold['rounds']} interleaved rounds, medians; ratios are per round against the peer in that round")
    print(f"  command: {cold['command']} (package in {cold['package_tree']})")
    print(f"  python -c pass (peer)          {cold['python_c_pass_ms']:7.1f} ms")
    print(
        f"  kerasdoctor explain (script)   {cold['explain_console_script_ms']:7.1f} ms   ratio {cold['ratio_console_script']:.2f}"
        f" ({quart(cold['ratio_console_script_quartiles'])})  (target <= 2.0)"
    )
    print(f"  python -m kerasdoctor explain  {cold['explain_python_m_ms']:7.1f} ms   ratio {cold['ratio_python_m']:.2f}")
    print(f"  first run, builds rule snapshot {cold['first_run_with_snapshot_build_ms']:6.1f} ms")
    print(
        f"  unmatched, raise-site fallback {cold['explain_fallback_ms']:7.1f} ms   ratio {cold['ratio_fallback']:.2f}"
        f" ({quart(cold['ratio_fallback_quartiles'])})  (target <= 3.0) answered by: {cold['fallback_top_kind']}"
    )
    print(
        f"  traceback cut before its message {cold['explain_cut_traceback_ms']:5.1f} ms   ratio {cold['ratio_cut_traceback']:.2f}"
        f"  (the first one, which works out the table of raising functions: {cold['first_cut_traceback_ms']:.0f} ms)"
    )
    print(
        f"  CPU time (user+system) ratios: matched {cold['cpu_ratio_matched']:.2f}, fallback {cold['cpu_ratio_fallback']:.2f}"
        f"  (python -c pass {cold['cpu_python_c_pass_ms']:.1f} ms)"
    )
    sight = results["first_sight_fallback"]
    print(
        f"  unmatched, first sight ({sight['messages']} messages from different raise sites, each once: their patterns are compiled"
        f" and stored)\n                                            ratio {sight['ratio_quartiles'][1]:.2f}"
        f" ({quart(sight['ratio_quartiles'])}), CPU ratio {sight['cpu_ratio']:.2f}"
    )
    if args.cold_only:
        return 0
    match, log = results["matching"], results["big_log"]
    print(f"matching: {match['rules']} rules / {match['patterns']} patterns, {match['messages']} real messages")
    print(f"  per explain: mean {match['mean_ms']:.2f} ms, p95 {match['p95_ms']:.2f} ms, max {match['max_ms']:.2f} ms  (target < 50 ms)")
    print(f"{log['log_mb']} MB log via --file (top match {log['top_match']})")
    print(f"  kerasdoctor explain  {log['explain_s']:6.2f} s  peak RSS {log['explain_peak_rss_mb']:6.1f} MB  (targets < 3 s, < 300 MB)")
    print(f"  grep -c (peer)       {log['grep_c_s']:6.2f} s  peak RSS {log['grep_peak_rss_mb']:6.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())

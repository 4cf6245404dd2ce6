"""Peak memory and time of `kerasdoctor explain` on hostile logs, next to `grep -c` on the same file.

Three files, each ending in a real traceback that explain must still find:
1. a log with a sparse hole of NUL bytes (no newline for `--size-mb` MB);
2. a log with one line of `--size-mb` MB;
3. a traceback `--frames` frames deep (Python itself elides such recursion; a log may not).
Each via `--file` and piped on standard input. Target: explain's peak RSS <= 100 MB on any file.

Usage: python benchmarks/explain_memory.py [--size-mb 1024] [--frames 2000000] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

TRACEBACK = b"""
Traceback (most recent call last):
  File "/home/me/train.py", line 12, in <module>
    model = keras.models.load_model("model.h5")
ValueError: bad marshal data (unknown type code)
"""
PROBE = """
import json, resource, subprocess, sys, time
mode, path, *cmd = sys.argv[1:]
start = time.perf_counter()
if mode == "pipe":
    with open(path, "rb") as handle:
        out = subprocess.run(cmd, stdin=handle, capture_output=True)
else:
    out = subprocess.run(cmd, capture_output=True)
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps([time.perf_counter() - start, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, out.stdout.decode(errors="replace")]))
"""


def measure(mode: str, path: Path, cmd: list[str]) -> dict[str, object]:
    """Wall seconds, CPU seconds (user + system), peak RSS (MB) and stdout of one child process."""
    raw = subprocess.run([sys.executable, "-c", PROBE, mode, str(path), *cmd], capture_output=True, text=True, check=True).stdout
    wall, cpu, rss, stdout = json.loads(raw)
    return {"wall_s": round(wall, 2), "cpu_s": round(cpu, 2), "peak_rss_mb": round(rss, 1), "stdout": stdout}


def make_files(directory: Path, size_mb: int, frames: int) -> dict[str, Path]:
    head = b"Epoch 1/3\nloading data\n" * 400
    hole = directory / "hole.log"
    with hole.open("wb") as handle:
        handle.write(head)
        handle.seek(size_mb << 20, 1)
        handle.write(TRACEBACK)
    line = directory / "line.log"
    chunk = b"x" * (1 << 20)
    with line.open("wb") as handle:
        handle.write(head)
        for _ in range(size_mb):
            handle.write(chunk)
        handle.write(TRACEBACK)
    deep = directory / "deep.log"
    frame = b'  File "/home/me/deep.py", line 3, in recurse\n    recurse(n - 1)\n'
    with deep.open("wb") as handle:
        handle.write(b'Traceback (most recent call last):\n  File "/home/me/deep.py", line 9, in <module>\n    recurse(10)\n')
        for _ in range(frames // 1000):
            handle.write(frame * 1000)
        handle.write(TRACEBACK.split(b"\n", 2)[2])
    return {"nul_hole": hole, "one_line": line, "deep_traceback": deep}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size-mb", type=int, default=1024)
    parser.add_argument("--frames", type=int, default=2_000_000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    cli = [shutil.which("kerasdoctor") or sys.executable]
    if cli[0] == sys.executable:
        cli += ["-m", "kerasdoctor"]
    results: dict[str, dict[str, object]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        files = make_files(Path(tmp), args.size_mb, args.frames)
        for name, path in files.items():
            row: dict[str, object] = {"file_mb": round(os.path.getsize(path) / 2**20)}
            for mode in ("file", "pipe"):
                cmd = [*cli, "explain", "--format", "json"] + (["--file", str(path)] if mode == "file" else ["-"])
                run = measure(mode, path, cmd)
                matches = json.loads(str(run.pop("stdout")) or "{}").get("matches") or [{}]
                row[f"explain_{mode}"] = {**run, "top": matches[0].get("id")}
            grep = measure("file", path, ["grep", "-c", "bad marshal data", str(path)])
            grep.pop("stdout")
            row["grep_c"] = grep
            results[name] = row
    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    for name, row in results.items():
        print(f"{name} ({row['file_mb']} MB)")
        for key in ("explain_file", "explain_pipe", "grep_c"):
            r = row[key]
            assert isinstance(r, dict)
            top = f"  top {r['top']}" if "top" in r else ""
            print(f"  {key:13s} {r['wall_s']:7.2f} s wall {r['cpu_s']:7.2f} s CPU  peak RSS {r['peak_rss_mb']:7.1f} MB{top}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

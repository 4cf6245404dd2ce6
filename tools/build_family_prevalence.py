"""Build ``kerasdoctor/data/family_prevalence.json``: how many public reports of the development set each family explains.

The last-resort guess (``kerasdoctor/explain/nearest.py``) weighs families that share a
text's words by how often users hit them, as a prior: among equally worded candidates, the
common mistake is the likelier one. Only ``fixtures/real_errors`` (the development set) is
read; the held-out test set never is.

    python tools/build_family_prevalence.py           # rewrite the file
    python tools/build_family_prevalence.py --check   # exit 1 when the committed file is stale
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT / "fixtures" / "real_errors"
OUT = ROOT / "kerasdoctor" / "data" / "family_prevalence.json"


def prevalence() -> dict[str, int]:
    counts: Counter[str] = Counter()
    for path in sorted(DEV.glob("[0-9]*.yaml")):
        expected = yaml.safe_load(path.read_text(encoding="utf-8")).get("expected")
        if expected:
            counts[expected] += 1
    return dict(sorted(counts.items()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when the committed file differs")
    args = parser.parse_args(argv)
    text = json.dumps(prevalence(), indent=0, sort_keys=True) + "\n"
    if args.check:
        current = OUT.read_text(encoding="utf-8") if OUT.exists() else ""
        if current != text:
            print(f"{OUT.relative_to(ROOT)} is stale: run python tools/build_family_prevalence.py", file=sys.stderr)
            return 1
        return 0
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

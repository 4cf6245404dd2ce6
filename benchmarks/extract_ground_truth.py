"""Copy the distinct raised errors (and the warnings that are a family's point) of a ground-truth capture
into fixtures/ground_truth/messages.jsonl, so that tests/test_ground_truth.py runs without the capture.

    python benchmarks/extract_ground_truth.py /path/to/ground-truth/results

Each capture line is one case run on one stack (TF 2.21 + Keras 3, tf-keras 2.21, TF 2.15 + Keras 2.15,
TF 1.15 tf.keras, Keras 2.3.1 on TF 1.15, plain Python). A message printed by several cases or stacks is
stored once, with every (stack, case) that printed it.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parent.parent / "fixtures" / "ground_truth" / "messages.jsonl"
# Warnings that are the whole point of a family (the others in the capture are library noise such as
# numpy's `tostring() is deprecated`).
POINTED_WARNINGS = re.compile(
    r"You are saving your model as an HDF5 file|Do not pass an `input_shape`/`input_dim`|Gradients do not exist for variables"
    r"|Skipping variable loading for optimizer|`Model\.(?:fit|predict)_generator` is deprecated|Argument `decay` is no longer supported"
    r"|Update your `\w+` call to the Keras 2 API"
)


def package_versions(raw: Any) -> dict[str, str]:
    raw = raw if isinstance(raw, dict) else {}
    versions = {"python": raw.get("python", "")}
    if raw.get("tf"):
        versions["tensorflow"] = raw["tf"]
    keras = str(raw.get("keras", ""))
    number = re.search(r"\d+\.\d+\.\d+", keras)
    if number and keras.startswith("tf_keras"):
        versions["tf_keras"] = number.group()
    elif number and not keras.startswith("tf.keras"):
        versions["keras"] = number.group()
    return {k: v for k, v in versions.items() if v}


def main(results: Path) -> None:
    entries: dict[tuple[str, str, str], dict[str, Any]] = {}
    for path in sorted(results.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            run = json.loads(line)
            seen = [run["env"], run["case"]]
            if run.get("raised") in (True, "True"):
                exc = run.get("exc_name") or run["exc_type"]
                key = ("raised", exc, run["message"])
                entry = entries.setdefault(
                    key,
                    {
                        "kind": "raised",
                        "type": exc,
                        "message": run["message"],
                        "frames": run.get("frames") or [],
                        "versions": package_versions(run.get("versions")),
                        "seen": [],
                    },
                )
                entry["seen"].append(seen)
            for warning in run.get("warnings") or []:
                text = str(warning)
                if POINTED_WARNINGS.search(text):
                    entry = entries.setdefault(
                        ("warning", "", text),
                        {"kind": "warning", "type": "", "message": text, "frames": [], "versions": package_versions(run.get("versions")), "seen": []},
                    )
                    if seen not in entry["seen"]:
                        entry["seen"].append(seen)
    OUT.write_text("".join(json.dumps(e, ensure_ascii=False, sort_keys=True) + "\n" for e in entries.values()), encoding="utf-8")
    print(f"{len(entries)} distinct messages -> {OUT}")


if __name__ == "__main__":
    main(Path(sys.argv[1]))

"""The TF 1 -> TF 2 table lint reads, and the explain wordings generated from it, stay in step."""

from __future__ import annotations

import importlib.util
import re

from conftest import ROOT

from kerasdoctor.kb import load_rules
from kerasdoctor.lint.checks._tf1 import table


def _builder():
    spec = importlib.util.spec_from_file_location("build_tf1_renames", ROOT / "tools" / "build_tf1_renames.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# the shapes of the wordings the table generates; a rule may hold hand-written wordings of its family beside them
# (KD238: TF 1's Dataset properties on TF 2 datasets), never an edited copy of a generated one
GENERATED_SHAPES = (
    "(?:module 'tensorflow' has no attribute|cannot import name) '",
    "module '(?!(?:tensorflow|tensorflow_core)\\.python\\.(?!keras\\.)|[\\w.]*_api\\.v1\\.)[\\w.]*\\.(?:",
)


def test_rules_carry_the_wordings_generated_from_the_table() -> None:
    generated = _builder().error_patterns(table())
    rules = {r.id: [p.pattern for p in r.errors] for r in load_rules(use_cache=False).rules}
    assert [p for p in rules["KD280"] if p.startswith(GENERATED_SHAPES)] == generated["renamed"]
    assert [p for p in rules["KD238"] if p.startswith(GENERATED_SHAPES)] == generated["removed"]
    assert all(p.startswith(GENERATED_SHAPES) for p in generated["renamed"] + generated["removed"])


def test_each_tf1_name_has_one_fate_and_renames_point_inside_tensorflow() -> None:
    data = table()
    kinds = [set(data[k]) for k in ("renamed", "arguments_changed", "compat_v1", "gone")]
    assert sum(map(len, kinds)) == len(set().union(*kinds))
    assert {"log", "random_normal", "squared_difference"} <= kinds[0] and {"placeholder", "Session", "train.AdamOptimizer"} <= kinds[2]
    for new in [*data["renamed"].values(), *data["arguments_changed"].values()]:
        assert re.fullmatch(r"[A-Za-z_][\w.]*", new) and not new.startswith("compat.v1.")
    assert set(data["keyword_only"]) <= set(data["arguments_changed"])

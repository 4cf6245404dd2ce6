"""Property-based: lint and --fix on generated Python (hypothesmith) and generated notebooks never raise,
never hang, and every fix they apply leaves code CPython parses. Bounded for CI (a few seconds each);
``benchmarks/fuzz.py`` runs the same properties for minutes."""

from __future__ import annotations

import json

import hypothesmith
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import KERAS_LINES as KERAS_LINE_TEXTS

from kerasdoctor.kb import load_rules
from kerasdoctor.lint.engine import CheckSet, lint_bytes
from kerasdoctor.lint.fix import apply_fixes, compiles, fix_content
from kerasdoctor.lint.notebook import python_lines

BOUNDED = settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), database=None)
HEADER = "import keras\nimport tensorflow as tf\nfrom keras import layers\n"
KERAS_LINES = st.sampled_from(KERAS_LINE_TEXTS)


@pytest.fixture(scope="module")
def checks() -> CheckSet:
    return CheckSet(load_rules().rules)


def relinter(checks: CheckSet):
    return lambda data, path: lint_bytes(data, path, checks)[0]


def assert_lints_and_fixes(source: str, path: str, checks: CheckSet) -> None:
    data = source.encode("utf-8", "surrogatepass")
    diagnostics, error = lint_bytes(data, path, checks)
    assert error is None or "\n" not in error, error
    assert not (error or "").startswith("internal error"), error
    if path.endswith(".py") and compiles(source):
        fixed, applied = apply_fixes(source, diagnostics)
        assert not applied or compiles(fixed)
    after, _, _ = fix_content(data, path, diagnostics, relinter(checks))
    if path.endswith(".py") and after != data:
        assert compiles(after.decode("utf-8"))


@settings(BOUNDED, max_examples=20)
@given(code=hypothesmith.from_grammar(), keras_line=KERAS_LINES)
def test_generated_python_lints_and_fixes_cleanly(checks: CheckSet, code: str, keras_line: str) -> None:
    assert_lints_and_fixes(HEADER + keras_line + "\n" + code, "generated.py", checks)


@BOUNDED
@given(lines=st.lists(st.one_of(KERAS_LINES, st.text(max_size=40)), max_size=12))
def test_arbitrary_text_never_breaks_lint(checks: CheckSet, lines: list[str]) -> None:
    assert_lints_and_fixes(HEADER + "\n".join(lines), "text.py", checks)


MAGICS = st.sampled_from(["%matplotlib inline", "!pip install keras", "%%time", "%%bash", "x = !ls", "keras.layers.Dense?", "%time f()", "  % 3)", "  != 2)"])
CELL_LINES = st.lists(st.one_of(KERAS_LINES, MAGICS, st.text(max_size=20)), max_size=8).map("\n".join)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=12,
)
SOURCE = st.one_of(CELL_LINES, CELL_LINES.map(lambda text: text.splitlines(keepends=True)), JSON)
CELL = st.fixed_dictionaries({"cell_type": st.sampled_from(["code", "code", "markdown", 3]), "source": SOURCE}, optional={"metadata": JSON})


@BOUNDED
@given(cells=st.lists(CELL, max_size=5), indent=st.sampled_from([None, 1, 2]))
def test_generated_notebooks_lint_and_fix_cleanly(checks: CheckSet, cells: list[dict[str, object]], indent: int | None) -> None:
    text = json.dumps({"cells": [{"cell_type": "code", "source": "import keras\n"}, *cells], "nbformat": 4}, indent=indent)
    assert_lints_and_fixes(text, "generated.ipynb", checks)


@BOUNDED
@given(cell=CELL_LINES)
def test_notebook_cells_keep_their_line_count(cell: str) -> None:
    from kerasdoctor.lint.notebook import split_lines

    assert len(python_lines(cell)) == len(split_lines(cell))

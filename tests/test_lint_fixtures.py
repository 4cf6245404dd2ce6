"""The fixtures/lint corpus: realistic buggy scripts flag exactly their `# expect:` lines; clean scripts flag nothing."""

from __future__ import annotations

import os
import re

import pytest

from kerasdoctor.lint.engine import lint_paths
from kerasdoctor.lint.notebook import read_notebook

ROOT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "fixtures", "lint")
BAD = sorted(os.listdir(os.path.join(ROOT, "bad")))
CLEAN = sorted(os.listdir(os.path.join(ROOT, "clean")))
_EXPECT = re.compile(r"#\s*expect:\s*(KD\d{3}(?:\s*,\s*KD\d{3})*)")


def expectations(path: str) -> set[tuple[int | None, int, str]]:
    """(cell, line, id) for every marker; cell is None for scripts."""
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    if path.endswith(".ipynb"):
        notebook = read_notebook(text)
        lines = [(notebook.origins[i][0], notebook.origins[i][1], line) for i, line in enumerate(notebook.source.splitlines())]
    else:
        lines = [(None, i, line) for i, line in enumerate(text.splitlines(), 1)]
    out = set()
    for cell, number, line in lines:
        match = _EXPECT.search(line)
        if match:
            out.update((cell, number, code.strip()) for code in match.group(1).split(","))
    return out


def test_corpus_is_not_empty() -> None:
    assert len(BAD) >= 6 and len(CLEAN) >= 5


@pytest.mark.parametrize("name", BAD)
def test_buggy_script_flags_exactly_its_expectations(name: str) -> None:
    path = os.path.join(ROOT, "bad", name)
    expected = expectations(path)
    assert expected, f"{name} has no `# expect:` marker"
    result = lint_paths([path], cache=False, use_config=False, jobs=1)
    assert result.errors == []
    found = {(d.cell, d.line, d.id) for d in result.diagnostics}
    assert found == expected


@pytest.mark.parametrize("name", CLEAN)
def test_clean_script_is_silent(name: str) -> None:
    result = lint_paths([os.path.join(ROOT, "clean", name)], cache=False, use_config=False, jobs=1)
    assert result.errors == []
    assert [f"{d.line}: {d.id} {d.message}" for d in result.diagnostics] == []

"""Notebooks read as IPython reads them, each bad one costing only itself; ``--fix`` in one run, in
notebooks too, writing files back exactly as they were written apart from the fix."""

from __future__ import annotations

import json
import os

import pytest

from kerasdoctor.cli import main
from kerasdoctor.lint import notebook as nb
from kerasdoctor.lint.engine import lint_paths

HERE = os.path.dirname(os.path.abspath(__file__))
TEST_RULES = os.path.join(HERE, "data", "lint_rules")
SOFTMAX = 'keras.layers.Dense(1, activation="softmax")'


def notebook(*cells: object, cell_type: str = "code") -> str:
    return (
        json.dumps(
            {
                "cells": [{"cell_type": cell_type, "metadata": {}, "source": source, "outputs": [], "execution_count": None} for source in cells],
                "metadata": {},
                "nbformat": 4,
                "nbformat_minor": 5,
            },
            indent=1,
            sort_keys=True,
            ensure_ascii=False,
        )
        + "\n"
    )


def lint_folder(folder, **options):
    options.setdefault("cache", False)
    options.setdefault("use_config", False)
    return lint_paths([str(folder)], **options)


BAD_NOTEBOOKS = {
    "int_source.ipynb": notebook("import keras\n", 5),
    "none_source.ipynb": notebook("import keras\n", None),
    "list_of_ints.ipynb": notebook("import keras\n", ["x = 1\n", 2]),
    "deep.ipynb": '{"cells": [{"cell_type": "code", "source": "import keras"}], "x": ' + "[" * 2_000 + "]" * 2_000 + "}",
    "surrogate.ipynb": notebook("import keras\n").replace('"import keras\\n"', '"import keras\\n\\ud800"'),
    "not_json.ipynb": "{not json",
    "no_cells.ipynb": '{"keras": 1}',
}


@pytest.mark.parametrize("jobs", [1, 2])
def test_each_bad_notebook_costs_only_itself(tmp_path, jobs: int) -> None:
    for name, text in BAD_NOTEBOOKS.items():
        (tmp_path / name).write_text(text, encoding="utf-8", errors="surrogatepass")
    (tmp_path / "good.ipynb").write_text(notebook("import keras\n", SOFTMAX))
    (tmp_path / "good.py").write_text(f"import keras\n{SOFTMAX}\n")
    result = lint_folder(tmp_path, jobs=jobs)
    assert sorted((os.path.basename(d.path), d.cell, d.line) for d in result.diagnostics) == [("good.ipynb", 2, 1), ("good.py", None, 2)]
    errors = {os.path.basename(e.path): e.message for e in result.errors}
    assert set(errors) == set(BAD_NOTEBOOKS)
    assert all(message.startswith("not a valid notebook") and "\n" not in message for message in errors.values()), errors


def test_an_unreadable_notebook_is_an_error_like_ruffs(tmp_path, capsys) -> None:
    """ruff reports a notebook it cannot read as an error and exits 1; so does kerasdoctor (2 is for usage)."""
    (tmp_path / "broken.ipynb").write_text("{not json")
    code = main(["lint", "--no-cache", "--isolated", str(tmp_path / "broken.ipynb")])
    out, err = capsys.readouterr()
    assert code == 1
    assert "All checks passed" not in out and "1 file could not be linted" in out
    assert "broken.ipynb: not a valid notebook (JSON)" in err


CONTINUATIONS = f'import keras\nmessage = ("%d units"\n           % 3)\nsame = (1\n        != 2)\ntotal = 1 + \\\n    2\n{SOFTMAX}\n'


@pytest.mark.parametrize("ipython", [True, False])
def test_percent_and_not_equal_continuations_are_python_not_magics(tmp_path, monkeypatch, ipython: bool) -> None:
    if not ipython:
        monkeypatch.setattr(nb, "_TRANSFORM", [None])
    (tmp_path / "n.ipynb").write_text(notebook("%matplotlib inline\n!ls -la \\\n  /tmp\n", CONTINUATIONS))
    result = lint_folder(tmp_path)
    assert result.errors == []
    assert [(d.cell, d.line, d.id) for d in result.diagnostics] == [(2, 8, "KD501")]


@pytest.mark.parametrize("ipython", [True, False])
def test_magics_become_what_ipython_runs_and_keep_their_lines(monkeypatch, ipython: bool) -> None:
    if not ipython:
        monkeypatch.setattr(nb, "_TRANSFORM", [None])
    cell = "import keras\nfiles = !ls\n%time keras.utils\nfor i in range(2):\n    !echo hi\nkeras.layers.Dense?\nx = 1\n"
    lines = nb.python_lines(cell)
    assert len(lines) == 7 and lines[0] == "import keras" and lines[3] == "for i in range(2):" and lines[6] == "x = 1"
    compile("\n".join(lines), "<cell>", "exec")
    assert not any(line.lstrip().startswith(("!", "%")) or line.endswith("?") for line in lines)


@pytest.mark.parametrize("ipython", [True, False])
def test_an_indented_cell_runs_dedented_as_in_ipython(monkeypatch, ipython: bool) -> None:
    """IPython drops a cell's leading indent (its leading_indent cleanup): no false IndentationError."""
    if not ipython:
        monkeypatch.setattr(nb, "_TRANSFORM", [None])
    lines = nb.python_lines("    x = 1\n    if x:\n        y = 2\n")
    assert lines == ["x = 1", "if x:", "    y = 2"]
    compile("\n".join(lines), "<cell>", "exec")
    # only the indentation common to every line goes (IPython 8+): this cell fails in Jupyter too
    lines = nb.python_lines(" seq = f(1,\n        2)\nseq(0)\n")
    assert lines == [" seq = f(1,", "        2)", "seq(0)"]


@pytest.mark.parametrize("ipython", [True, False])
def test_automagic_lines_are_magics_unless_the_name_is_python(monkeypatch, ipython: bool) -> None:
    """Colab/Jupyter run `ls ./data`, `cd dir`, `pip install x` without `%` (automagic): no false syntax error."""
    if not ipython:
        monkeypatch.setattr(nb, "_TRANSFORM", [None])
    lines = nb.python_lines("ls ./data/train/\ncd /content\npip install -q keras\nimport keras\n")
    assert len(lines) == 4 and lines[3] == "import keras"
    compile("\n".join(lines), "<cell>", "exec")
    assert nb.python_lines("ls = [1]\nls.append(2)\ncat, dog = 1, 2\n") == ["ls = [1]", "ls.append(2)", "cat, dog = 1, 2"]
    with pytest.raises(SyntaxError):
        compile("\n".join(nb.python_lines("cat = 3\ncat file.txt\n")), "<cell>", "exec")  # a variable: Python's line


def test_a_time_cell_magic_body_is_linted_and_other_cell_magics_are_not(tmp_path) -> None:
    (tmp_path / "t.ipynb").write_text(notebook(f"%%time\nimport keras\n{SOFTMAX}\n", f"%%bash\necho {SOFTMAX}\n", f"%%timeit -n1\n{SOFTMAX}\n"))
    result = lint_folder(tmp_path)
    assert result.errors == []
    assert [(d.cell, d.line) for d in result.diagnostics] == [(1, 3), (3, 2)]


# ------------------------------------------------------------------------------------------------
# --fix


def run_fix(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["lint", "--no-cache", "--isolated", "--rules", TEST_RULES, *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_fixes_that_reveal_fixes_are_applied_in_one_run(tmp_path, capsys) -> None:
    """Renaming nb_epoch= is what lets .fit_generator( be rewritten: both land in one --fix."""
    path = tmp_path / "train.py"
    path.write_text("import keras\nmodel = keras.Sequential()\nmodel.fit_generator(gen, steps_per_epoch=3, nb_epoch=5)\n")
    code, out, _ = run_fix(capsys, str(path), "--fix", "--select", "KD225,KD228", "--target", "keras3")
    assert path.read_text().splitlines()[-1] == "model.fit(gen, steps_per_epoch=3, epochs=5)"
    assert (code, out) == (0, "All checks passed (1 file; target keras3 (--target)).\nFixed 2 problems.\n")


def test_a_notebook_is_fixed_in_place_and_otherwise_left_byte_for_byte(tmp_path, capsys) -> None:
    original = notebook("%matplotlib inline\nimport keras\n", ["layer = keras.layers.Dense(old_units=2)\n", "# caf\u00e9"])
    original = original.replace('"metadata": {}', '"metadata": {\n    "tags": ["\u00e9t\u00e9"]\n   }', 1)  # not json's own layout
    path = tmp_path / "n.ipynb"
    path.write_bytes(original.encode())
    code, out, _ = run_fix(capsys, str(path), "--fix")
    assert (code, out.splitlines()[-1]) == (0, "Fixed 1 problem.")
    assert path.read_bytes() == original.replace("old_units", "units").encode()
    tidy = notebook("import keras\n", ["layer = keras.layers.Dense(old_units=2)\n", "# caf\u00e9"])  # nbformat's layout
    path.write_bytes(tidy.encode())
    run_fix(capsys, str(path), "--fix")
    assert path.read_bytes() == tidy.replace("old_units", "units").encode()


def test_a_file_that_does_not_round_trip_is_not_rewritten(tmp_path, capsys) -> None:
    data = b"# coding: unicode_escape\nimport keras\nname = '\\u00e9'\nlayer = keras.layers.Dense(old_units=2)\n"
    path = tmp_path / "escaped.py"
    path.write_bytes(data)
    code, out, err = run_fix(capsys, str(path), "--fix")
    assert path.read_bytes() == data
    assert code == 1 and "KD995" in out and "unicode_escape does not round-trip" in err


def test_fixes_keep_the_declared_encoding_and_newlines(tmp_path, capsys) -> None:
    data = "# -*- coding: latin-1 -*-\r\nimport keras\r\nname = 'caf\xe9'\r\nlayer = keras.layers.Dense(old_units=2)\r\n".encode("latin-1")
    path = tmp_path / "latin.py"
    path.write_bytes(data)
    assert run_fix(capsys, str(path), "--fix")[0] == 0
    assert path.read_bytes() == data.replace(b"old_units", b"units")


def test_a_notebook_fix_that_would_not_parse_is_not_written(tmp_path) -> None:
    from kerasdoctor.lint.base import Diagnostic
    from kerasdoctor.lint.fix import fix_content

    data = notebook("import keras\nx = 1\n").encode()
    broken = Diagnostic(
        path="n.ipynb", line=2, column=1, end_line=2, end_column=2, id="KD995", name="n", severity="warning", message="m", cell=1,
        fix={"applicability": "safe", "edits": [{"line": 2, "column": 1, "end_line": 2, "end_column": 2, "content": "("}]},
    )  # fmt: skip
    assert fix_content(data, "n.ipynb", [broken], lambda data, path: []) == (data, 0, [broken])

"""lint on hostile Python: CPython decides what is a syntax error, and a file that would crash or stall the
parser costs only itself (an ``errors`` entry), in one process or many."""

from __future__ import annotations

import multiprocessing
import os
import time

import pytest

from kerasdoctor.lint import engine, screen
from kerasdoctor.lint.engine import lint_paths

GOOD = 'import keras\nlayer = keras.layers.Dense(1, activation="softmax")\n'

# multi-line chains CPython parses (or refuses itself) but libcst recurses on: generated code
CHAINS = {
    "not": "import keras\nx = (\n" + "not\n" * 20_000 + "1)\n",
    "unary-minus": "import keras\nx = (\n" + "-\n" * 2_000 + "1)\n",
    "binary-minus": "import keras\nx = (1\n" + "- 1\n" * 2_000 + ")\n",
    "plus-5000": "import keras\nx = (1\n" + "+1\n" * 5_000 + ")\n",
    "lambda": "import keras\nx = (\n" + "lambda:\n" * 1_000 + "1)\n",
    "power": "import keras\nx = (1\n" + "**1\n" * 1_000 + ")\n",
    "if-else": "import keras\nx = (1\n" + "if 1 else 1\n" * 1_000 + ")\n",
    "attributes": "import keras\nx = (keras\n" + ".layers\n" * 1_000 + ")\n",
    "one-line": "import keras\nx = " + "-" * 1_000 + "1\n",
    "backslashes": "import keras\nx = 1 \\\n" + "+ 1 \\\n" * 1_000 + "+ 1\n",
}


def write(folder, files: dict[str, str]) -> None:
    for name, text in files.items():
        (folder / name).write_text(text)


def by_name(result) -> tuple[dict[str, str], list[str]]:
    errors = {os.path.basename(e.path): e.message for e in result.errors}
    return errors, sorted(os.path.basename(d.path) for d in result.diagnostics)


@pytest.mark.parametrize("jobs", [1, 2])
def test_long_chains_cost_only_their_file(tmp_path, jobs: int) -> None:
    write(tmp_path, {f"chain_{name}.py": text for name, text in CHAINS.items()})
    write(tmp_path, {f"good_{i}.py": GOOD for i in range(10)})
    started = time.monotonic()
    result = lint_paths([str(tmp_path)], cache=False, use_config=False, jobs=jobs)
    elapsed = time.monotonic() - started
    errors, flagged = by_name(result)
    assert flagged == [f"good_{i}.py" for i in range(10)]
    assert set(errors) == {f"chain_{name}.py" for name in CHAINS}
    assert all(message.startswith("not linted: ") for message in errors.values()), errors
    assert elapsed < 30  # unscreened, these take minutes or crash the process


def test_normal_nesting_is_linted(tmp_path) -> None:
    """Long calls, data tables and a 200-term sum are real code: linted, not refused."""
    table = "import keras\nWEIGHTS = [\n" + "".join(f"    [{i}.5, -{i}.25, {i}e-3],\n" for i in range(400)) + "]\n"
    total = "import keras\nx = (" + " + ".join(f"w{i} * 0.5" for i in range(100)) + ")\n"
    write(tmp_path, {"table.py": table + GOOD, "sum.py": total + GOOD})
    result = lint_paths([str(tmp_path)], cache=False, use_config=False, jobs=1)
    assert by_name(result) == ({}, ["sum.py", "table.py"])


@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="workers must inherit the test's settings")
def test_a_crashing_or_stuck_parser_costs_only_its_file(tmp_path, monkeypatch) -> None:
    """With the screens off, libcst really segfaults on one file and stalls on another: the workers are
    replaced and the other files' findings still come back."""
    monkeypatch.setattr(screen, "MAX_NESTING", 10**9)
    monkeypatch.setattr(screen, "python_verdict", lambda source, path: None)
    monkeypatch.setenv("KERASDOCTOR_LINT_TIMEOUT", "2")
    write(tmp_path, {"segfault.py": CHAINS["not"], "stuck.py": "import keras\nx = (\n" + "-\n" * 6_000 + "1)\n"})
    write(tmp_path, {f"good_{i}.py": GOOD for i in range(10)})
    result = lint_paths([str(tmp_path)], cache=False, use_config=False, jobs=2)
    errors, flagged = by_name(result)
    assert flagged == [f"good_{i}.py" for i in range(10)]
    assert errors["segfault.py"] == "not linted: the parser crashed (signal SIGSEGV)"
    assert errors["stuck.py"] == "not linted: took longer than 2 s"


def test_worker_failures_are_not_cached(tmp_path, monkeypatch) -> None:
    from kerasdoctor.lint.cache import LintCache

    monkeypatch.setattr(LintCache, "put", lambda self, data, path, found, error: stored.append((os.path.basename(path), error)))
    stored: list[tuple[str, str | None]] = []
    monkeypatch.setattr(engine, "_run", lambda pending, *a: [(path, [], "not linted: took longer than 1 s") for path, _ in pending])
    (tmp_path / "slow.py").write_text(GOOD)
    lint_paths([str(tmp_path)], cache=True, use_config=False)
    assert stored == []


# ------------------------------------------------------------------------------------------------
# CPython is the judge of what is a syntax error


def judge(source: str) -> bool:
    import ast

    try:
        compile(source, "<judge>", "exec", ast.PyCF_ONLY_AST, dont_inherit=True)
    except SyntaxError:
        return False
    return True


VALID_BUT_ODD = {
    "form-feed": 'import keras\ndef f():\n\x0c\tif True:\n \t\t layer = keras.layers.Dense(1, activation="softmax")\n',
    "tab-and-spaces": 'import keras\nif True:\n\t  if True:\n\t \t layer = keras.layers.Dense(1, activation="softmax")\n',
    "form-feed-mid-indent": 'import keras\nif True:\n def f():\n\t \x0c    layer = keras.layers.Dense(1, activation="softmax")\n',
}


@pytest.mark.parametrize("name", sorted(VALID_BUT_ODD))
def test_code_cpython_compiles_is_no_syntax_error_and_is_linted(tmp_path, name: str) -> None:
    source = VALID_BUT_ODD[name]
    assert judge(source)
    path = tmp_path / "odd.py"
    path.write_text(source)
    result = lint_paths([str(path)], cache=False, use_config=False)
    assert result.errors == []
    [finding] = result.diagnostics
    line = source.splitlines()[-1] if "\x0c" not in source else source.split("\n")[-2]
    assert (finding.id, finding.line) == ("KD501", source.count("\n"))
    assert line[finding.column - 1 :].startswith("keras.layers.Dense(")  # columns are the file's own


def test_a_second_bom_is_a_syntax_error(tmp_path) -> None:
    data = b"\xef\xbb\xbf\xef\xbb\xbfimport keras\n"
    assert not judge(data.decode("utf-8-sig"))
    path = tmp_path / "bom.py"
    path.write_bytes(data)
    result = lint_paths([str(path)], cache=False, use_config=False)
    assert [(d.name, d.message) for d in result.diagnostics] == [("python-syntax-error", "SyntaxError: invalid non-printable character U+FEFF")]
    path.write_bytes(data[3:])  # one BOM is fine
    assert lint_paths([str(path)], cache=False, use_config=False).diagnostics == []


def test_warnings_while_judging_are_silent_even_when_they_are_errors(tmp_path) -> None:
    import warnings

    path = tmp_path / "escape.py"
    path.write_text('import keras\npattern = "\\d+"\nassert (keras, "message")\n')
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = lint_paths([str(path)], cache=False, use_config=False, jobs=1)
    assert (result.diagnostics, result.errors) == ([], [])

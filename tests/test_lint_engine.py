"""The lint engine: selection, suppressions, configuration, robustness, notebooks, cache, processes, fixes."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from kerasdoctor.lint import engine
from kerasdoctor.lint.config import ConfigError
from kerasdoctor.lint.engine import lint_paths
from kerasdoctor.lint.fix import apply_fixes

HERE = os.path.dirname(os.path.abspath(__file__))
TEST_RULES = os.path.join(HERE, "data", "lint_rules")
SOFTMAX_ONE = 'import keras\nlayer = keras.layers.Dense(1, activation="softmax")\n'


def lint(tmp_path, code: str | bytes, name: str = "train.py", **options):
    path = tmp_path / name
    path.write_bytes(code if isinstance(code, bytes) else code.encode())
    options.setdefault("cache", False)
    options.setdefault("use_config", False)
    options.setdefault("rule_dirs", [TEST_RULES])
    return lint_paths([str(path)], **options)


def ids(result) -> list[tuple[int, str]]:
    return [(d.line, d.id) for d in result.diagnostics]


def test_finding_has_the_contract_fields(tmp_path) -> None:
    result = lint(tmp_path, SOFTMAX_ONE)
    assert ids(result) == [(2, "KD501")]
    d = result.diagnostics[0].to_dict()
    assert set(d) == {"path", "line", "column", "end_line", "end_column", "id", "name", "severity", "message", "fix"}
    assert (d["column"], d["end_line"], d["name"], d["severity"]) == (9, 2, "activation-loss-mismatch", "warning")
    assert d["end_column"] > d["column"]


def test_files_without_keras_are_not_parsed(tmp_path, monkeypatch) -> None:
    calls = []
    monkeypatch.setattr(engine, "lint_source", lambda *a: calls.append(a) or ([], None))
    result = lint(tmp_path, "print 'python 2, no deep learning here'\n")
    assert (result.diagnostics, result.errors, result.files, calls) == ([], [], 1, [])


@pytest.mark.parametrize(
    ("comment", "suppressed"),
    [
        ("  # noqa: KD501", True),
        ("  # noqa", True),
        ("  # noqa: E501", False),
        ("  # kerasdoctor: ignore[KD501]", True),
        ("  # kerasdoctor: ignore[activation-loss-mismatch]", True),
        ("  # kerasdoctor: ignore[KD5]", True),
        ("  # kerasdoctor: ignore[KD001]", False),
    ],
)
def test_inline_suppressions(tmp_path, comment: str, suppressed: bool) -> None:
    result = lint(tmp_path, SOFTMAX_ONE.rstrip("\n") + comment + "\n")
    assert (result.diagnostics == []) is suppressed


def test_file_level_ignore(tmp_path) -> None:
    assert lint(tmp_path, "# kerasdoctor: ignore-file[KD501]\n" + SOFTMAX_ONE).diagnostics == []


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({}, ["KD501", "KD995"]),
        ({"select": ["KD501"]}, ["KD501"]),
        ({"select": ["KD9"]}, ["KD995"]),
        ({"select": ["test-old-keyword"]}, ["KD995"]),
        ({"ignore": ["KD5"]}, ["KD995"]),
        ({"select": ["KD501"], "extend_select": ["KD995"]}, ["KD501", "KD995"]),
        ({"per_file_ignores": {"train.py": ["KD995"]}}, ["KD501"]),
    ],
)
def test_selection(tmp_path, options, expected) -> None:
    code = SOFTMAX_ONE + "other = keras.layers.Dense(old_units=2)\n"
    assert sorted({i for _, i in ids(lint(tmp_path, code, **options))}) == expected


def test_unknown_selector_is_a_usage_error(tmp_path) -> None:
    with pytest.raises(ConfigError, match="KD9999"):
        lint(tmp_path, SOFTMAX_ONE, select=["KD9999"])


def test_pyproject_config_is_found_walking_up(tmp_path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.kerasdoctor]\nrules = ["rules"]\nignore = ["KD501"]\n[tool.kerasdoctor.per-file-ignores]\n"legacy/*" = ["test-old-keyword"]\n'
    )
    (tmp_path / "rules").mkdir()
    for name in os.listdir(TEST_RULES):
        with open(os.path.join(TEST_RULES, name), "rb") as handle:
            (tmp_path / "rules" / name).write_bytes(handle.read())
    for folder in ("src/pkg", "legacy"):
        (tmp_path / folder).mkdir(parents=True)
        (tmp_path / folder / "model.py").write_text(SOFTMAX_ONE + "keras.layers.Dense(old_units=2)\n")
    result = lint_paths([str(tmp_path / "src" / "pkg"), str(tmp_path / "legacy")], cache=False)
    assert [(os.path.basename(os.path.dirname(d.path)), d.id) for d in result.diagnostics] == [("pkg", "KD995")]
    assert lint_paths([str(tmp_path / "src")], cache=False, use_config=False).diagnostics[0].id == "KD501"


def test_bad_input_becomes_an_error_entry_and_the_run_goes_on(tmp_path) -> None:
    (tmp_path / "binary.py").write_bytes(b"\x00\x01keras\x00" * 100)
    (tmp_path / "latin1.py").write_bytes(b"import keras\ns = '\xe9t\xe9'\n")
    (tmp_path / "huge.py").write_bytes(b"import keras\n" + b"x = 1\n" * (engine.MAX_FILE_BYTES // 6 + 1))
    (tmp_path / "good.py").write_text(SOFTMAX_ONE)
    os.symlink(tmp_path / "missing.py", tmp_path / "dangling.py")
    result = lint_paths([str(tmp_path)], cache=False, use_config=False)
    errors = {os.path.basename(e.path): e.message for e in result.errors}
    assert set(errors) == {"binary.py", "latin1.py", "huge.py", "dangling.py"}
    assert "binary" in errors["binary.py"] and "decode" in errors["latin1.py"] and "too large" in errors["huge.py"]
    assert [(os.path.basename(d.path), d.id) for d in result.diagnostics] == [("good.py", "KD501")]


def test_coding_cookie_is_respected(tmp_path) -> None:
    code = "# -*- coding: latin-1 -*-\nimport keras\nname = 'caf\xe9'\n" + SOFTMAX_ONE.split("\n", 1)[1]
    result = lint(tmp_path, code.encode("latin-1"))
    assert (result.errors, ids(result)) == ([], [(4, "KD501")])


def test_a_crashing_check_is_reported_not_raised(tmp_path, monkeypatch) -> None:
    from kerasdoctor.lint.checks import activation_loss_mismatch as module

    def boom(self, node):
        raise RuntimeError("check bug")

    monkeypatch.setattr(module.ActivationLossMismatch, "visit_Call", boom)
    result = lint(tmp_path, SOFTMAX_ONE)
    assert [e.message for e in result.errors] == ["internal error while linting: RuntimeError: check bug"]


def test_syntax_errors_are_findings_with_cpythons_wording(tmp_path) -> None:
    result = lint(tmp_path, "import keras\nif True:\n        x = 1\n    y = 2\n")
    expected = [(4, "indentation-error", "IndentationError: unindent does not match any outer indentation level")]
    assert [(d.line, d.name, d.message) for d in result.diagnostics] == expected
    result = lint(tmp_path, "import keras\nprint 'x'\n")
    assert [(d.line, d.name) for d in result.diagnostics] == [(2, "python-syntax-error")]


def test_notebook_findings_map_to_cells_and_magics_are_skipped(tmp_path) -> None:
    notebook = {
        "cells": [
            {"cell_type": "markdown", "source": ["# title"]},
            {"cell_type": "code", "source": ["%matplotlib inline\n", "!ls\n", "import keras"]},
            {"cell_type": "code", "source": ["x = 1\n", 'keras.layers.Dense(1, activation="softmax")']},
        ],
        "nbformat": 4,
    }
    result = lint(tmp_path, json.dumps(notebook), name="nb.ipynb")
    assert result.errors == []
    assert [(d.cell, d.line, d.id) for d in result.diagnostics] == [(3, 2, "KD501")]
    assert result.diagnostics[0].to_dict()["cell"] == 3
    broken = lint(tmp_path, "{not json keras", name="nb.ipynb")
    assert "not a valid notebook" in broken.errors[0].message


def test_parallel_and_serial_runs_agree(tmp_path) -> None:
    for i in range(12):
        (tmp_path / f"m{i}.py").write_text(SOFTMAX_ONE * (i % 3 + 1) + f"# file {i}\n")
    serial = lint_paths([str(tmp_path)], cache=False, use_config=False, jobs=1)
    parallel = lint_paths([str(tmp_path)], cache=False, use_config=False, jobs=2)
    assert [d.to_dict() for d in serial.diagnostics] == [d.to_dict() for d in parallel.diagnostics]
    assert len(serial.diagnostics) == 24


def test_warm_cache_gives_the_same_results_without_parsing(tmp_path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "a.py").write_text(SOFTMAX_ONE)
    (project / "b.py").write_text("import keras\n")
    script = (
        "import json, sys\n"
        "from kerasdoctor.lint.engine import lint_paths\n"
        f"r = lint_paths([{str(project)!r}], use_config=False)\n"
        "print(json.dumps([r.to_dict(), 'libcst' in sys.modules]))\n"
    )
    env = {**os.environ, "KERASDOCTOR_CACHE_DIR": str(tmp_path / "cache")}
    env.pop("KERASDOCTOR_NO_CACHE", None)
    cold = json.loads(subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True).stdout)
    warm = json.loads(subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True).stdout)
    assert cold[0] == warm[0] and len(cold[0]["diagnostics"]) == 1
    assert (cold[1], warm[1]) == (True, False)
    (project / "b.py").write_text(SOFTMAX_ONE)  # a changed file is linted again
    changed = json.loads(subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True).stdout)
    assert len(changed[0]["diagnostics"]) == 2


def test_saving_the_lint_cache_removes_all_but_the_newest_of_other_rule_sets(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    from kerasdoctor.kb import KEEP_SNAPSHOTS
    from kerasdoctor.lint.cache import LintCache

    cache = tmp_path / "cache"
    cache.mkdir()
    monkeypatch.setenv("KERASDOCTOR_CACHE_DIR", str(cache))
    monkeypatch.delenv("KERASDOCTOR_NO_CACHE", raising=False)
    for age in range(6):
        old = cache / f"lint-old{age}.marshal"
        old.write_bytes(b"x")
        os.utime(old, (1_000_000 + age, 1_000_000 + age))
    (cache / "kb-other.marshal").write_bytes(b"kept")
    lint = LintCache.open("current")
    assert lint is not None
    lint.put(b"import keras\n", "a.py", [], None)
    lint.save()
    left = {p.name for p in cache.glob("lint-*")}
    assert len(left) == KEEP_SNAPSHOTS and "lint-current.marshal" in left and "lint-old5.marshal" in left
    assert "lint-old0.marshal" not in left and (cache / "kb-other.marshal").exists()
    assert LintCache.open("current").get(b"import keras\n", "a.py") == ([], None)


def test_declarative_fixes_and_their_safety(tmp_path) -> None:
    code = (
        "from tensorflow.keras.layers.oldmerge import add\n"
        "import keras\n"
        "keras.layers.Dense(old_units=3)\n"
        "model.train_old(x, epochs=2)\n"
        "model.train_old(x, y, 32)\n"
        "model.train_old(x, workers=4)\n"
    )
    result = lint(tmp_path, code)
    fixable = [(d.line, d.id) for d in result.diagnostics if d.fix]
    assert fixable == [(1, "KD997"), (3, "KD995"), (4, "KD996")]
    fixed, applied = apply_fixes(code, result.diagnostics)
    assert len(applied) == 3
    assert fixed.splitlines()[:4] == ["from tensorflow.keras.layers import add", "import keras", "keras.layers.Dense(units=3)", "model.fit(x, epochs=2)"]
    assert fixed.splitlines()[4:] == code.splitlines()[4:]


def test_a_fix_that_would_not_parse_is_not_applied() -> None:
    from kerasdoctor.lint.base import Diagnostic

    broken = Diagnostic(
        path="x.py", line=1, column=1, end_line=1, end_column=2, id="KD995", name="n", severity="warning", message="m",
        fix={"applicability": "safe", "edits": [{"line": 1, "column": 1, "end_line": 1, "end_column": 2, "content": "("}]},
    )  # fmt: skip
    assert apply_fixes("x = 1\n", [broken]) == ("x = 1\n", [])


def test_fix_positions_follow_pythons_line_breaks(tmp_path) -> None:
    """A form feed is not a line break for Python: the edit must still land on the keyword."""
    code = "import keras\r\n\x0c\r\nkeras.layers.Dense(old_units=3)  # \x0c\r\n"
    result = lint(tmp_path, code)
    fixed, applied = apply_fixes(code, result.diagnostics)
    assert len(applied) == 1 and fixed == code.replace("old_units", "units")


def test_rule_directories_from_the_environment(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("KERASDOCTOR_RULES", TEST_RULES)
    result = lint(tmp_path, "import keras\nkeras.layers.Dense(old_units=2)\n", rule_dirs=[])
    assert ids(result) == [(2, "KD995")]
    monkeypatch.delenv("KERASDOCTOR_RULES")
    assert ids(lint(tmp_path, "import keras\nkeras.layers.Dense(old_units=2)\n", rule_dirs=[])) == []


def _prefilter_corpus() -> list[tuple[str, str]]:
    """Every rule's lint examples (bad and good) and the lint fixtures: code each check is known to fire on."""
    from kerasdoctor.kb import load_rules

    sources = []
    for rule in load_rules(use_cache=False).rules:
        for kind in ("bad", "good"):
            for number, code in enumerate(rule.examples.get(kind) or []):
                if rule.lint:
                    sources.append((f"{rule.id}-{kind}-{number}.py", code))
    root = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "fixtures")
    for folder in ("lint/bad", "lint/clean", "migrate"):
        for name in sorted(os.listdir(os.path.join(root, folder))):
            if name.endswith(".py"):
                with open(os.path.join(root, folder, name), encoding="utf-8") as handle:
                    sources.append((name, handle.read()))
    return sources


@pytest.mark.parametrize("target", ["keras3", "tf1"])
def test_the_word_prefilter_and_statement_positions_change_no_finding(target: str, monkeypatch) -> None:
    """A check skipped because none of its ``requires`` words occur would have found nothing there; the
    positions worked out statement by statement are those of the whole module's PositionProvider."""
    from libcst.metadata import MetadataWrapper, PositionProvider

    from kerasdoctor.kb import load_rules

    rules = load_rules(use_cache=False).rules
    filtered, unfiltered = engine.CheckSet(rules, target), engine.CheckSet(rules, target)
    unfiltered.prefilter = False
    corpus = _prefilter_corpus()
    assert len(corpus) > 400
    found = [engine.lint_source(code, name, filtered) for name, code in corpus]
    monkeypatch.setattr(engine, "_node_positions", lambda module, source, nodes: MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider))
    reference = [engine.lint_source(code, name, unfiltered) for name, code in corpus]
    skipped = 0
    for (name, code), (diagnostics, error), (expected, expected_error) in zip(corpus, found, reference):
        assert [d.to_dict() for d in diagnostics] == [d.to_dict() for d in expected], name
        assert error == expected_error
        skipped += len(unfiltered.for_source(code)) - len(filtered.for_source(code))
    assert skipped > 0  # the filter does leave checks out on this corpus
    assert sum(len(d) for d, _ in found) > 150  # and the positions of hundreds of findings were compared


def test_statement_positions_fall_back_when_a_statement_repeats() -> None:
    import libcst as cst

    source = "import keras\nx = keras.Input((3,))\nx = keras.Input((3,))\ny = 1\n"
    module = cst.parse_module(source)
    last_call = module.body[2].body[0].value
    where = engine._node_positions(module, source, [last_call, module.body[3]])
    assert (where.get(last_call).start.line, where.get(last_call).start.column) == (3, 4)
    assert where.get(module.body[3]).start.line == 4

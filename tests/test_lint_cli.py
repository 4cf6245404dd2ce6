"""``kerasdoctor lint`` from the command line: formats, exit codes, stdin, --fix/--diff, no tracebacks."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import jsonschema
import pytest

from kerasdoctor.cli import main

HERE = os.path.dirname(os.path.abspath(__file__))
TEST_RULES = os.path.join(HERE, "data", "lint_rules")
SARIF_SCHEMA = os.path.join(HERE, "data", "sarif-schema-2.1.0.json")
BUGGY = 'import keras\nlayer = keras.layers.Dense(1, activation="softmax")\nother = keras.layers.Dense(old_units=2)\n'


@pytest.fixture
def project(tmp_path):
    (tmp_path / "train.py").write_text(BUGGY)
    (tmp_path / "clean.py").write_text("import keras\nlayer = keras.layers.Dense(3)\n")
    return tmp_path


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["lint", "--no-cache", "--isolated", "--rules", TEST_RULES, *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_text_output_and_exit_codes(project, capsys) -> None:
    code, out, _ = run(capsys, "--target", "keras3", str(project / "train.py"))
    lines = out.splitlines()
    assert code == 1
    assert lines[0].startswith(f"{project / 'train.py'}:2:9: KD501 softmax over a single unit")
    assert lines[1].startswith(f"{project / 'train.py'}:3:28: KD995 [*] old_units= was renamed")
    assert lines[-1] == "Found 2 problems in 1 file (1 fixable with --fix); target keras3 (--target)."
    code, out, _ = run(capsys, "--target", "keras2", str(project / "clean.py"))
    assert (code, out) == (0, "All checks passed (1 file; target keras2 (--target)).\n")
    assert run(capsys, str(project / "train.py"), "--exit-zero")[0] == 0


def test_usage_errors_exit_2(project, capsys) -> None:
    code, _, err = run(capsys, str(project / "nope.py"))
    assert code == 2 and "no such file" in err
    code, _, err = run(capsys, str(project), "--select", "KD9999")
    assert code == 2 and "unknown rule selector" in err and "Traceback" not in err


def test_json_output_is_the_contract(project, capsys) -> None:
    code, out, _ = run(capsys, str(project), "--format", "json")
    data = json.loads(out)
    assert code == 1 and set(data) == {"diagnostics", "files", "errors", "target"} and data["target"] in ("keras2", "keras3", "tf1")
    assert data["files"] == 2 and data["errors"] == []
    first = data["diagnostics"][0]
    assert list(first) == ["path", "line", "column", "end_line", "end_column", "id", "name", "severity", "message", "fix"]
    assert (first["id"], first["fix"]) == ("KD501", None)
    assert data["diagnostics"][1]["fix"] == {
        "applicability": "safe",
        "edits": [{"line": 3, "column": 28, "end_line": 3, "end_column": 37, "content": "units"}],
    }


def test_sarif_output_validates_against_the_official_schema(project, capsys) -> None:
    (project / "bin.py").write_bytes(b"\x00keras\x00" * 50)
    _, out, _ = run(capsys, str(project), "--format", "sarif")
    data = json.loads(out)
    with open(SARIF_SCHEMA, encoding="utf-8") as handle:
        jsonschema.validate(data, json.load(handle))
    run_ = data["runs"][0]
    assert [r["ruleId"] for r in run_["results"]] == ["KD501", "KD995"]
    rules = run_["tool"]["driver"]["rules"]
    assert rules[run_["results"][0]["ruleIndex"]]["id"] == "KD501"
    assert run_["results"][1]["fixes"][0]["artifactChanges"][0]["replacements"][0]["insertedContent"]["text"] == "units"
    assert "binary" in run_["invocations"][0]["toolExecutionNotifications"][0]["message"]["text"]


def test_sarif_schema_check_can_fail() -> None:
    with open(SARIF_SCHEMA, encoding="utf-8") as handle:
        schema = json.load(handle)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"version": "2.1.0", "runs": [{"results": []}]}, schema)


def test_github_annotations(project, capsys) -> None:
    _, out, _ = run(capsys, str(project / "train.py"), "--format", "github")
    first = out.splitlines()[0]
    assert first.startswith(f"::warning file={project / 'train.py'},line=2,col=9,endLine=2,endColumn=")
    assert ",title=KD501 activation-loss-mismatch::KD501 softmax over a single unit" in first


def test_stdin(capsys, monkeypatch) -> None:
    import io

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(BUGGY.encode())))
    code, out, _ = run(capsys, "-", "--stdin-filename", "pasted.py", "--select", "KD501")
    assert code == 1 and out.startswith("pasted.py:2:9: KD501")


def test_fix_rewrites_the_file_and_diff_only_shows_it(project, capsys) -> None:
    target = project / "train.py"
    code, out, _ = run(capsys, str(target), "--diff")
    assert code == 1 and "-other = keras.layers.Dense(old_units=2)\n+other = keras.layers.Dense(units=2)" in out
    assert target.read_text() == BUGGY
    code, out, _ = run(capsys, str(target), "--fix")
    assert target.read_text() == BUGGY.replace("old_units", "units")
    assert code == 1 and "KD995" not in out and "Fixed 1 problem." in out
    assert run(capsys, str(target), "--diff")[0] == 0


def test_no_traceback_on_hostile_input(tmp_path) -> None:
    (tmp_path / "deep.py").write_text("import keras\nx = " + "(" * 5000 + "1" + ")" * 5000 + "\n")
    (tmp_path / "bin.py").write_bytes(os.urandom(2000) + b"keras")
    (tmp_path / "bad.ipynb").write_text("{keras")
    proc = subprocess.run([sys.executable, "-m", "kerasdoctor", "lint", "--no-cache", "--isolated", str(tmp_path)], capture_output=True, text=True, timeout=120)
    assert "Traceback" not in proc.stderr + proc.stdout
    assert proc.returncode in (0, 1)
    assert "bad.ipynb" in proc.stderr


def test_lint_never_imports_tensorflow(tmp_path) -> None:
    (tmp_path / "t.py").write_text(BUGGY)
    script = (
        "import sys\nfrom kerasdoctor.cli import main\n"
        f"main(['lint', '--no-cache', '--isolated', {str(tmp_path)!r}])\n"
        "print('tensorflow' in sys.modules, 'keras' in sys.modules)\n"
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert proc.stdout.splitlines()[-1] == "False False"


def test_pre_commit_hook_definition() -> None:
    import yaml

    with open(os.path.join(os.path.dirname(HERE), ".pre-commit-hooks.yaml"), encoding="utf-8") as handle:
        hooks = yaml.safe_load(handle)
    assert {h["id"] for h in hooks} >= {"kerasdoctor-lint"}
    for hook in hooks:
        assert hook["entry"].startswith("kerasdoctor lint") and hook["language"] == "python"


def test_readme_names_the_real_pre_commit_hook_ids() -> None:
    import re

    import yaml

    root = os.path.dirname(HERE)
    with open(os.path.join(root, ".pre-commit-hooks.yaml"), encoding="utf-8") as handle:
        hook_ids = {h["id"] for h in yaml.safe_load(handle)}
    with open(os.path.join(root, "README.md"), encoding="utf-8") as handle:
        readme = handle.read()
    named = set(re.findall(r"id: `?([\w-]+)", readme))
    assert named and named <= hook_ids, named - hook_ids

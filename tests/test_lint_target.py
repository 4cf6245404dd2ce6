"""The target Keras version: chosen by --target, [tool.kerasdoctor], the declared dependencies or the installed packages; rules run only for their targets."""

from __future__ import annotations

import json

import pytest

from kerasdoctor.cli import main
from kerasdoctor.lint.engine import lint_paths
from kerasdoctor.lint.target import resolve_target, target_from_installed, target_from_project, target_from_requirements

OLD_KERAS = "import keras\nopt = keras.optimizers.Adam(lr=0.1)\nmodel.fit_generator(gen, epochs=2)\n"


@pytest.mark.parametrize(
    ("requirements", "target"),
    [
        (["tensorflow==2.15.0"], "keras2"),
        (["tensorflow<2.16"], "keras2"),
        (["tensorflow>=2.16"], "keras3"),
        (["tensorflow-gpu<2"], "tf1"),
        (["tensorflow==1.15", "keras==2.2.4"], "tf1"),
        (["Keras==2.2.0"], "tf1"),  # standalone Keras before 2.3 runs on TF 1.x only
        (["keras>=2.1,<2.3", "numpy"], "tf1"),
        (["keras==2.3.1"], "keras2"),
        (["keras==2.2.4", "tensorflow==2.0.0"], "keras2"),  # the TF pin says more than the old Keras
        (["keras>=3"], "keras3"),
        (["keras (>=3.0)"], "keras3"),
        (["keras<3", "tensorflow"], "keras2"),
        (["tensorflow>=2.16", "tf-keras"], "keras2"),
        (["tensorflow=2.15"], "keras2"),  # conda
        (["tensorflow~=2.12.0"], "keras2"),
        (["tensorflow[and-cuda]==2.21.*; sys_platform == 'linux'"], "keras3"),
        (["tensorflow>=2.10"], None),  # allows Keras 2 and 3: says nothing
        (["keras"], None),
        (["numpy"], None),
    ],
)
def test_target_from_requirements(requirements, target) -> None:
    found = target_from_requirements(requirements)
    assert (found[0] if found else None) == target


def test_target_from_each_kind_of_dependency_file(tmp_path) -> None:
    cases = {
        "pyproject.toml": '[project]\nname = "x"\ndependencies = ["keras>=3.0", "numpy"]\n',
        "requirements-dev.txt": "# pinned\n-r base.txt\ntensorflow==2.15.1\n",
        "setup.cfg": "[options]\ninstall_requires =\n    numpy\n    tensorflow<2\n",
        "setup.py": 'from setuptools import setup\nsetup(name="x", install_requires=["tf-keras>=2.16", "numpy"])\n',
        "environment.yml": "dependencies:\n  - python=3.10\n  - tensorflow=2.15\n  - pip:\n    - numpy\n",
    }
    expected = {"pyproject.toml": "keras3", "requirements-dev.txt": "keras2", "setup.cfg": "tf1", "setup.py": "keras2", "environment.yml": "keras2"}
    for name, text in cases.items():
        folder = tmp_path / name.replace(".", "_")
        (folder / "src").mkdir(parents=True)
        (folder / name).write_text(text)
        found = target_from_project(str(folder / "src"))
        assert found is not None and found[0] == expected[name], (name, found)
        assert name in found[1]


def test_target_from_installed_packages() -> None:
    assert target_from_installed({"keras": "3.15.1", "tensorflow": "2.21.0"})[0] == "keras3"  # type: ignore[index]
    assert target_from_installed({"keras": "2.15.0", "tensorflow": "2.15.1"})[0] == "keras2"  # type: ignore[index]
    assert target_from_installed({"tensorflow": "2.10.0"})[0] == "keras2"  # type: ignore[index]
    assert target_from_installed({"tensorflow": "1.15.5", "keras": "2.2.4"})[0] == "tf1"  # type: ignore[index]
    assert target_from_installed({"keras": "2.2.4"})[0] == "tf1"  # type: ignore[index]
    assert target_from_installed({"keras": "2.2.4", "tensorflow": "2.4.0"})[0] == "keras2"  # type: ignore[index]
    assert target_from_installed({}) is None


def test_explicit_and_configured_targets_win(tmp_path) -> None:
    (tmp_path / "requirements.txt").write_text("tensorflow==1.15\n")
    assert resolve_target(None, None, str(tmp_path))[0] == "tf1"
    assert resolve_target(None, "keras3", str(tmp_path)) == ("keras3", "[tool.kerasdoctor] target")
    assert resolve_target("keras2", "keras3", str(tmp_path)) == ("keras2", "--target")
    with pytest.raises(ValueError, match="target must be one of tf1, keras2, keras3"):
        resolve_target("keras4", None, str(tmp_path))


def test_rules_run_only_for_their_targets(tmp_path) -> None:
    script = tmp_path / "train.py"
    script.write_text(OLD_KERAS)
    ids = {t: [d.id for d in lint_paths([str(script)], cache=False, target=t).diagnostics] for t in ("keras2", "keras3", "tf1")}
    assert ids["keras3"] == ["KD223", "KD225"]
    assert ids["keras2"] == [] and ids["tf1"] == []
    # the same file, its project pinned to Keras 2 then to Keras 3
    (tmp_path / "requirements.txt").write_text("keras==2.15.0\n")
    assert lint_paths([str(script)], cache=False).target == "keras2"
    (tmp_path / "requirements.txt").write_text("keras>=3\n")
    result = lint_paths([str(script)], cache=False)
    assert (result.target, [d.id for d in result.diagnostics]) == ("keras3", ["KD223", "KD225"])


def test_the_cache_keeps_targets_apart(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("KERASDOCTOR_CACHE_DIR", str(tmp_path / "cache"))
    script = tmp_path / "train.py"
    script.write_text(OLD_KERAS)
    assert len(lint_paths([str(script)], target="keras3").diagnostics) == 2
    assert len(lint_paths([str(script)], target="keras2").diagnostics) == 0
    assert len(lint_paths([str(script)], target="keras3").diagnostics) == 2


def test_cli_target_option_config_and_outputs(tmp_path, capsys) -> None:
    (tmp_path / "train.py").write_text(OLD_KERAS)
    (tmp_path / "pyproject.toml").write_text('[tool.kerasdoctor]\ntarget = "keras2"\n')
    assert main(["lint", "--no-cache", "--format", "json", str(tmp_path)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["target"], data["diagnostics"]) == ("keras2", [])
    assert main(["lint", "--no-cache", "--format", "json", "--target", "keras3", str(tmp_path)]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["target"] == "keras3" and [d["id"] for d in data["diagnostics"]] == ["KD223", "KD225"]
    assert main(["lint", "--no-cache", "--format", "sarif", "--target", "tf1", str(tmp_path)]) == 0
    assert json.loads(capsys.readouterr().out)["runs"][0]["properties"] == {"target": "tf1"}
    assert main(["lint", "--no-cache", str(tmp_path)]) == 0
    assert capsys.readouterr().out == "All checks passed (1 file; target keras2 ([tool.kerasdoctor] target)).\n"


def test_bad_config_is_one_line_and_exit_2(tmp_path, capsys) -> None:
    (tmp_path / "train.py").write_text(OLD_KERAS)
    (tmp_path / "pyproject.toml").write_text('[tool.kerasdoctor]\nignor = ["KD223"]\n')
    assert main(["lint", "--no-cache", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err == f"kerasdoctor: error: {tmp_path / 'pyproject.toml'}: unknown key 'ignor' in [tool.kerasdoctor] (did you mean 'ignore'?)\n"
    (tmp_path / "pyproject.toml").write_text('[tool.kerasdoctor]\ntarget = "keras4"\n')
    assert main(["lint", "--no-cache", str(tmp_path)]) == 2
    assert "target must be one of tf1, keras2, keras3 (got 'keras4')" in capsys.readouterr().err
    assert main(["lint", "--no-cache", "--isolated", str(tmp_path)]) == 1  # --isolated skips the table
    capsys.readouterr()


def test_explain_warns_about_unknown_keys(tmp_path) -> None:
    from kerasdoctor.config import extra_rule_dirs

    (tmp_path / "pyproject.toml").write_text('[tool.kerasdoctor]\ntargte = "keras2"\n')
    _, warnings = extra_rule_dirs(str(tmp_path))
    assert warnings == [f"{tmp_path / 'pyproject.toml'}: unknown key 'targte' in [tool.kerasdoctor] (did you mean 'target'?)"]


def test_notebooks_use_the_same_target(tmp_path) -> None:
    cell = {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None, "source": ["import keras\n", "opt = keras.optimizers.Adam(lr=0.1)\n"]}
    notebook = {"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    path = tmp_path / "train.ipynb"
    path.write_text(json.dumps(notebook))
    found = lint_paths([str(path)], cache=False, target="keras3").diagnostics
    assert [(d.id, d.cell, d.line) for d in found] == [("KD223", 1, 2)]
    assert lint_paths([str(path)], cache=False, target="keras2").diagnostics == []

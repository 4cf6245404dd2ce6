"""Version awareness: installed distributions, traceback paths, PEP 440 checks, ranking notes."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import FORMATS, SAMPLE_RULES

from kerasdoctor import kb
from kerasdoctor.explain import explain
from kerasdoctor.explain.extract import extract_errors
from kerasdoctor.versions import installed_versions, satisfies, versions_from_records


@pytest.mark.parametrize(
    ("version", "spec", "expected"),
    [
        ("3.15.1", ">=3", True),
        ("2.15.0", ">=3", False),
        ("2.15.0", ">=2.0,<3", True),
        ("3", ">=3.0", True),  # a major version read off a traceback path
        ("3", ">=3.5", None),  # cannot tell
        ("2.13", "~=2.13", True),
        ("1.15.0", "==1.*", True),
        ("2.4.1", "!=2.4.*", False),
        ("x", ">=1", None),
    ],
)
def test_satisfies(version: str, spec: str, expected: bool | None):
    assert satisfies(version, spec) is expected


def test_installed_versions_reads_dist_info_names(tmp_path: Path):
    for name in ("tensorflow_cpu-2.21.0.dist-info", "keras-3.15.1.dist-info", "tf_keras-2.21.0.dist-info", "numpy-2.1.0.dist-info"):
        (tmp_path / name).mkdir()
    found = installed_versions([str(tmp_path)])
    assert found["tensorflow"] == "2.21.0" and found["keras"] == "3.15.1" and found["tf_keras"] == "2.21.0"
    assert "numpy" not in found and "python" in found


def test_installed_versions_lists_no_directory_that_holds_no_distribution(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    import os
    import sys

    listed: list[str] = []
    real_listdir = os.listdir
    monkeypatch.setattr(os, "listdir", lambda path: listed.append(path) or real_listdir(path))
    (tmp_path / "keras-3.15.1.dist-info").mkdir()
    stdlib = os.path.dirname(os.__file__)
    found = installed_versions([os.path.dirname(sys.executable), stdlib, os.path.join(stdlib, "lib-dynload"), str(tmp_path)])
    # the interpreter's bin directory (sys.path[0] of a console script) and the standard library are never read
    assert listed == [str(tmp_path)]
    assert found["keras"] == "3.15.1"


def test_versions_from_traceback_paths():
    k2 = versions_from_records(extract_errors((FORMATS / "k2_in_user_code_cce.txt").read_text()))
    assert k2 == {"python": "3.11", "tf_keras": "2"}
    k3 = versions_from_records(extract_errors((FORMATS / "k3_graph_execution_label_range.txt").read_text()))
    assert k3["keras"] == "3"


def test_rules_that_do_not_fit_the_versions_rank_lower_and_say_so(tmp_path: Path):
    text = (SAMPLE_RULES / "KD990-sample-marshal.yaml").read_text()
    (tmp_path / "KD990-sample-marshal.yaml").write_text(text.replace("category: saving", "category: saving\napplies_to: {keras: '>=3'}"))
    ruleset = kb.load_rule_dir(str(tmp_path))
    assert ruleset.problems == []
    fits = explain("ValueError: bad marshal data", rules=ruleset, versions={"keras": "3.15.1"}).matches[0]
    other = explain("ValueError: bad marshal data", rules=ruleset, versions={"keras": "2.15.0"}).matches[0]
    assert other.confidence < fits.confidence
    assert any("you run keras 3.15.1" in n for n in fits.notes)
    assert any("but you run keras 2.15.0" in n for n in other.notes)


def test_a_mismatch_wording_names_the_versions_involved(tmp_path: Path):
    text = (SAMPLE_RULES / "KD990-sample-marshal.yaml").read_text()
    text = text.replace("    type: [ValueError]\n", "    type: [ValueError]\n    involves: [python]\n")
    (tmp_path / "KD990-sample-marshal.yaml").write_text(text)
    ruleset = kb.load_rule_dir(str(tmp_path))
    assert ruleset.problems == []
    match = explain("ValueError: bad marshal data", rules=ruleset, versions={"python": "3.11.7"}).matches[0]
    assert any("two different python versions met: yours is python 3.11.7" in n for n in match.notes)

"""End-to-end CLI behaviour: inputs, formats, exit codes, bad input. Each test runs a real subprocess."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import FORMATS, SAMPLE_RULES, run_cli

RULES = ["--rules", str(SAMPLE_RULES)]
MARSHAL_TB = """Traceback (most recent call last):
  File "/home/me/project/train.py", line 12, in <module>
    model = keras.models.load_model("model.h5")
  File "/venv/lib/python3.11/site-packages/keras/src/utils/python_utils.py", line 95, in func_load
    code = marshal.loads(raw_code)
ValueError: bad marshal data (unknown type code)
"""


def test_explain_argument_text_output():
    proc = run_cli("explain", *RULES, "ValueError: bad marshal data (unknown type code)")
    assert proc.returncode == 0, proc.stderr
    assert "KD990 sample-marshal" in proc.stdout
    assert "fix" in proc.stdout and "Rebuild the model in code" in proc.stdout
    assert "\x1b[" not in proc.stdout  # not a terminal: no colour codes


def test_a_log_shows_the_line_its_wording_matched_not_its_first_line():
    log = "Epoch 1/10\n 12/250 [>.....] - ETA: 1:02 - loss: 0.69\nreading the cache: bad marshal data, skipped\n"
    for colour in ("never", "always"):
        proc = run_cli("explain", *RULES, "--color", colour, stdin=log)
        assert proc.returncode == 0, proc.stderr
        error_line = next(line for line in proc.stdout.splitlines() if "error" in line and ("bad marshal" in line or "Epoch" in line))
        assert "bad marshal data" in error_line and "Epoch 1/10" not in error_line


def test_explain_stdin_json_contract():
    proc = run_cli("explain", "--format", "json", *RULES, stdin=MARSHAL_TB)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert set(data) >= {"errors", "matches"}
    (error,) = data["errors"]
    assert error["type"] == "ValueError"
    assert error["message"] == "bad marshal data (unknown type code)"
    assert error["location"] == {"path": "/home/me/project/train.py", "line": 12, "function": "<module>", "code": 'model = keras.models.load_model("model.h5")'}
    top = data["matches"][0]
    assert {"id", "name", "title", "confidence", "cause", "fix", "references"} <= set(top)
    assert top["id"] == "KD990" and 0 < top["confidence"] <= 1
    assert top["references"] == ["https://github.com/keras-team/keras/issues/9595"]


def test_explain_dash_reads_stdin_and_file_option(tmp_path: Path):
    assert run_cli("explain", *RULES, "-", stdin=MARSHAL_TB).returncode == 0
    log = tmp_path / "train.log"
    log.write_text("Epoch 1/3\n" + MARSHAL_TB)
    proc = run_cli("explain", *RULES, "--file", str(log))
    assert proc.returncode == 0 and "KD990" in proc.stdout
    assert "/home/me/project/train.py:12" in proc.stdout


@pytest.mark.skipif(not Path("/dev/stdin").exists(), reason="no /dev/stdin on this platform")
def test_file_option_on_a_pipe_reads_its_bytes_once():
    # `--file /dev/stdin` and a shell's `--file <(command)` name a pipe: its bytes cannot be read a second time
    proc = run_cli("explain", *RULES, "--file", "/dev/stdin", stdin="Epoch 1/3\n" + MARSHAL_TB)
    assert proc.returncode == 0, proc.stderr
    assert "KD990" in proc.stdout and "/home/me/project/train.py:12" in proc.stdout
    binary = run_cli("explain", "--file", "/dev/stdin", stdin=bytes(range(256)) * 64)
    assert binary.returncode == 2 and "/dev/stdin looks like binary data" in binary.stderr


def test_a_piped_paste_is_read_with_the_users_words_as_an_argument_is():
    # the words beside a shared message say which of its causes it is: a pipe carries them as an argument does
    text = "I use sparse_categorical_crossentropy on the GPU and every epoch prints\n100/100 - 1s - loss: nan - accuracy: 0.0410\n"
    piped = json.loads(run_cli("explain", "--format", "json", "-", stdin=text).stdout)
    given = json.loads(run_cli("explain", "--format", "json", text).stdout)
    assert [m["name"] for m in piped["matches"]] == [m["name"] for m in given["matches"]]
    assert [m["name"] for m in piped["matches"]][:2] == ["nan-loss", "sparse-label-out-of-range"]


def test_no_match_says_what_was_recognised_and_exits_1():
    proc = run_cli("explain", *RULES, "KeyError: 'totally_unknown_column'")
    assert proc.returncode == 1
    assert "no rule matched" in proc.stdout
    assert "KeyError: 'totally_unknown_column'" in proc.stdout
    assert "rules check" in proc.stdout  # how to add a rule


@pytest.mark.parametrize(
    ("args", "stdin", "needle"),
    [
        (("explain",), "", "empty"),  # piped but empty
        (("explain", "-"), "   \n\n", "empty"),
        (("explain", "--file", "/nonexistent/train.log"), None, "cannot read /nonexistent/train.log"),
        (("explain", "-"), bytes(range(256)) * 64, "binary"),
        (("explain", "--bogus-option"), None, "unrecognized arguments"),
        (("rules", "show", "KD000"), None, "no rule 'KD000'"),
    ],
)
def test_bad_input_is_one_clear_line_and_exit_2(args: tuple[str, ...], stdin: str | bytes | None, needle: str):
    proc = run_cli(*args, stdin=stdin)
    assert proc.returncode == 2
    assert needle in proc.stderr
    assert "Traceback" not in proc.stderr


def test_binary_log_file(tmp_path: Path):
    path = tmp_path / "model.h5"
    path.write_bytes(b"\x89HDF\r\n\x1a\n" + bytes(4000))
    proc = run_cli("explain", "--file", str(path))
    assert proc.returncode == 2 and "binary" in proc.stderr and "Traceback" not in proc.stderr


def test_non_utf8_log_is_read_with_replacement(tmp_path: Path):
    path = tmp_path / "latin1.log"
    path.write_bytes("Época 1 - ñ\n".encode("latin-1") + MARSHAL_TB.encode())
    proc = run_cli("explain", *RULES, "--file", str(path))
    assert proc.returncode == 0 and "KD990" in proc.stdout


def test_fifty_megabyte_log_finds_the_crash_at_the_end(tmp_path: Path):
    path = tmp_path / "huge.log"
    block = (FORMATS / "k3_progress_nan.txt").read_text() + "WARNING:tensorflow:some repeated warning\n"
    with path.open("w") as handle:
        while handle.tell() < 50 * 1024 * 1024:
            handle.write(block * 200)
        handle.write(MARSHAL_TB)
    proc = run_cli("explain", "--format", "json", *RULES, "--file", str(path))
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["matches"][0]["id"] == "KD990"
    counts = {e["kind"]: e["count"] for e in data["errors"]}
    assert counts["progress"] > 1000  # every nan line seen once, counted, not kept
    assert len(data["errors"]) < 10


def test_rules_list_show_and_json():
    proc = run_cli("rules", *RULES)
    assert proc.returncode == 0 and "KD990" in proc.stdout and "sample-marshal" in proc.stdout
    proc = run_cli("rules", *RULES, "--format", "json")
    assert any(r["id"] == "KD990" for r in json.loads(proc.stdout)["rules"])
    proc = run_cli("rules", *RULES, "show", "sample-marshal")
    assert proc.returncode == 0
    for needle in ("What:", "Why:", "Fix:", "Example (bad):", "bad marshal data", "https://github.com/keras-team/keras/issues/9595"):
        assert needle in proc.stdout


def test_rules_check_reports_problems_with_exit_1(tmp_path: Path):
    shutil.copy(SAMPLE_RULES / "KD990-sample-marshal.yaml", tmp_path)
    assert run_cli("rules", "check", str(tmp_path)).returncode == 0
    broken = (SAMPLE_RULES / "KD990-sample-marshal.yaml").read_text().replace("pattern: 'bad marshal data'", "pattern: 'completely different'")
    (tmp_path / "KD990-sample-marshal.yaml").write_text(broken)
    proc = run_cli("rules", "check", str(tmp_path))
    assert proc.returncode == 1
    assert "examples.errors[0]: expected KD990 first, got" in proc.stdout
    assert "no example in examples.errors shows this wording ('completely different')" in proc.stdout


def test_rules_check_wants_references_a_reader_can_open(tmp_path: Path):
    local = (SAMPLE_RULES / "KD990-sample-marshal.yaml").read_text().replace("https://github.com/keras-team/keras/issues/9595", "notes/marshal.txt")
    (tmp_path / "KD990-sample-marshal.yaml").write_text(local)
    proc = run_cli("rules", "check", str(tmp_path))
    assert proc.returncode == 1
    assert "docs.references[0]: 'notes/marshal.txt' is not an http(s) URL" in proc.stdout


def test_color_always_uses_rich_panels():
    proc = run_cli("explain", *RULES, "--color", "always", "ValueError: bad marshal data")
    assert proc.returncode == 0 and "\x1b[" in proc.stdout and "╭" in proc.stdout


def test_pyproject_rule_dirs_are_picked_up(tmp_path: Path):
    shutil.copytree(SAMPLE_RULES, tmp_path / "myrules")
    (tmp_path / "pyproject.toml").write_text('[tool.kerasdoctor]\nrules = ["myrules"]\n')
    sub = tmp_path / "src"
    sub.mkdir()
    proc = run_cli("explain", "ValueError: bad marshal data", cwd=sub)
    assert proc.returncode == 0 and "KD990" in proc.stdout


def test_malformed_extra_rule_is_a_warning_not_a_crash(tmp_path: Path):
    shutil.copy(SAMPLE_RULES / "KD990-sample-marshal.yaml", tmp_path)
    (tmp_path / "KD991-bad.yaml").write_text("id: [\n")
    proc = run_cli("explain", "--rules", str(tmp_path), "ValueError: bad marshal data")
    assert proc.returncode == 0 and "KD990" in proc.stdout
    assert "KD991-bad.yaml: not valid YAML" in proc.stderr


def test_rule_dirs_from_environment_and_duplicates(tmp_path: Path):
    shutil.copytree(SAMPLE_RULES, tmp_path / "envrules")
    (tmp_path / "pyproject.toml").write_text('[tool.kerasdoctor]\nrules = ["envrules"]\n')
    # the same directory from KERASDOCTOR_RULES, pyproject.toml and --rules is loaded once
    proc = run_cli(
        "explain", "--rules", str(tmp_path / "envrules"), "ValueError: bad marshal data", cwd=tmp_path, env={"KERASDOCTOR_RULES": str(tmp_path / "envrules")}
    )
    assert proc.returncode == 0 and "KD990" in proc.stdout
    assert "already used" not in proc.stderr


WRAPPED_FRAME_TRACEBACK = """Traceback (most recent call last):
  File "/content/drive/MyDrive/train.py",
line 12, in <module>
    model.fit(x, y, class_weight=w)
  File "/usr/local/lib/python3.10/dist-packages/keras/src/utils/traceback_utils.py", line 122, in error_handler
    raise e.with_traceback(filtered_tb) from None
ValueError: Expected `class_weight` to be a dict with keys from 0 to one less than the number of classes, found [1. 3.]
"""


@pytest.mark.parametrize("how", ["file", "stdin"])
def test_a_pasted_size_file_or_pipe_is_read_as_pasted_text(tmp_path: Path, how: str):
    # a frame line wrapped by a narrow window is rejoined for a file or a pipe as for an argument
    path = tmp_path / "error.txt"
    path.write_text(WRAPPED_FRAME_TRACEBACK)
    args = ("--file", str(path)) if how == "file" else ()
    proc = run_cli("explain", "--format", "json", *args, stdin=WRAPPED_FRAME_TRACEBACK if how == "stdin" else None)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["matches"][0]["name"] == "class-weight-not-dict"
    assert data["errors"][0]["location"]["path"] == "/content/drive/MyDrive/train.py" and data["errors"][0]["location"]["line"] == 12

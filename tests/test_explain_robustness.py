"""explain never crashes and stays bounded: odd exceptions, odd arguments, huge inputs."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import ROOT, SAMPLE_RULES, run_cli

import kerasdoctor
from kerasdoctor.explain.extract import MAX_FRAMES

MARSHAL_TB = """Traceback (most recent call last):
  File "/home/me/project/train.py", line 12, in <module>
    model = keras.models.load_model("model.h5")
ValueError: bad marshal data (unknown type code)
"""


def python(code: str, *args: str | bytes, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
    full_env = dict(os.environ, PYTHONPATH=str(ROOT), **(env or {}))
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, env=full_env, timeout=120, check=False)


def test_explain_stays_the_function_after_the_subpackage_and_the_hook_load() -> None:
    code = textwrap.dedent(
        """
        import kerasdoctor
        first = kerasdoctor.explain("bad marshal data")
        import kerasdoctor.explain.extract
        from kerasdoctor.explain import explain_records
        second = kerasdoctor.explain("bad marshal data")
        from kerasdoctor.runtime.hook import diagnose_safely
        try:
            raise ValueError("bad marshal data (unknown type code)")
        except ValueError as exc:
            diagnose_safely(exc)
        third = kerasdoctor.explain("bad marshal data")
        from kerasdoctor import explain
        assert callable(explain) and explain is kerasdoctor.explain, explain
        print(first.best.id, second.best.id, third.best.id)
        """
    )
    proc = python(code)
    assert proc.returncode == 0, proc.stderr.decode()
    assert proc.stdout.decode().split() == ["KD503"] * 3
    assert b"internal error" not in proc.stderr


def test_match_carries_the_id_and_name_of_the_json() -> None:
    match = kerasdoctor.explain("ValueError: bad marshal data (unknown type code)").best
    assert match is not None
    assert (match.id, match.name) == (match.to_dict()["id"], match.to_dict()["name"]) == ("KD503", "lambda-layer-serialization")


class _Unprintable:
    def __str__(self) -> str:
        raise RuntimeError("no str for you")

    def __repr__(self) -> str:
        raise RuntimeError("no repr either")


@pytest.mark.parametrize(
    ("notes", "shown"),
    [
        (5, "5"),
        ("a note that is not in a list", "'a note that is not in a list'"),
        ([_Unprintable(), "second note"], "second note"),
        (_Unprintable(), "unprintable"),
        (("one", "two"), "one\ntwo"),
        (None, ""),
    ],
)
def test_exception_with_odd_notes_is_still_explained(notes: object, shown: str) -> None:
    exc = ValueError("bad marshal data (unknown type code)")
    exc.__notes__ = notes  # type: ignore[attr-defined]
    explanation = kerasdoctor.explain(exc)
    assert explanation.best is not None and explanation.best.id == "KD503"
    assert shown in explanation.errors[-1].message


def test_exception_whose_str_raises() -> None:
    class Broken(ValueError):
        def __str__(self) -> str:
            raise RuntimeError("broken")

    explanation = kerasdoctor.explain(Broken())
    assert explanation.errors[-1].type == "Broken"


def test_live_traceback_frames_are_capped_first_and_last() -> None:
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(20_000)
    try:

        def recurse(n: int) -> None:
            if n == 0:
                raise ValueError("bad marshal data (unknown type code)")
            recurse(n - 1)

        try:
            recurse(10_000)
        except ValueError as exc:
            caught = exc
    finally:
        sys.setrecursionlimit(limit)
    record = kerasdoctor.explain(caught).errors[-1]
    assert len(record.frames) == MAX_FRAMES
    assert record.frames[0].function == "test_live_traceback_frames_are_capped_first_and_last"
    assert record.frames[-1].code.startswith("raise ValueError")


def test_non_utf8_argument_bytes_give_valid_utf8_json() -> None:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.run(
        [sys.executable, "-m", "kerasdoctor", "explain", "--format", "json", b"ValueError: bad marshal data \xff\xfe (unknown type code)"],
        capture_output=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout.decode("utf-8"))  # strict: raises on invalid UTF-8
    assert "\ufffd" in data["errors"][0]["message"]


@pytest.mark.parametrize("args", [("--top", "²"), ("--top", "x"), ("--format", "jsn"), ("--color", "sometimes")])
def test_bad_option_value_is_a_usage_message_not_a_traceback(args: tuple[str, ...]) -> None:
    proc = run_cli("explain", *args, "bad marshal data")
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr
    (line,) = proc.stderr.strip().splitlines()
    assert line.startswith("kerasdoctor explain: error: argument") and line.endswith("(see kerasdoctor explain --help)")


def peak_rss_of_explain_file(path: Path, how: str = "file") -> tuple[dict[str, object], float]:
    probe = textwrap.dedent(
        """
        import json, resource, subprocess, sys
        cmd = [sys.executable, "-m", "kerasdoctor", "explain", "--format", "json", "--rules", sys.argv[2]]
        if sys.argv[3] == "file":
            proc = subprocess.run([*cmd, "--file", sys.argv[1]], capture_output=True)
        else:  # piped, as `cat train.log | kerasdoctor explain` does
            cat = subprocess.Popen(["cat", sys.argv[1]], stdout=subprocess.PIPE)
            proc = subprocess.run(cmd, stdin=cat.stdout, capture_output=True)
            cat.wait()
        print(json.dumps([proc.stdout.decode(), resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024]))
        """
    )
    out = python(probe, str(path), str(SAMPLE_RULES), how)
    stdout, rss = json.loads(out.stdout)
    return json.loads(stdout), rss


@pytest.mark.parametrize(("filler", "how"), [("hole", "file"), ("line", "file"), ("line", "pipe")])
def test_file_with_a_huge_hole_or_line_is_read_in_bounded_memory(tmp_path: Path, filler: str, how: str) -> None:
    path = tmp_path / "train.log"
    size = 160 * 1024 * 1024
    with path.open("wb") as handle:
        handle.write(b"Epoch 1/3\nloading data\n" * 400)
        if filler == "hole":
            handle.seek(size, 1)  # a sparse run of NUL bytes, no newline
        else:
            chunk = b"x" * (1 << 20)
            for _ in range(size >> 20):
                handle.write(chunk)
        handle.write(b"\n" + MARSHAL_TB.encode())
    data, rss = peak_rss_of_explain_file(path, how)
    assert data["matches"][0]["id"] == "KD990"
    assert rss < 100, f"peak RSS {rss:.0f} MB"


def test_traceback_text_with_many_frames_keeps_the_first_and_last(tmp_path: Path) -> None:
    from kerasdoctor.explain.extract import extract_from_stream

    path = tmp_path / "deep.log"
    frame = '  File "/home/me/deep.py", line 3, in recurse\n    recurse(n - 1)\n'
    with path.open("w") as handle:
        handle.write('Traceback (most recent call last):\n  File "/home/me/deep.py", line 9, in <module>\n    recurse(10)\n')
        handle.write(frame * 20_000)
        handle.write(MARSHAL_TB.split("\n", 1)[1])
    with path.open(encoding="utf-8", newline="") as handle:
        text, (record,) = extract_from_stream(handle)
    assert text == "", "a log longer than a paste is streamed, not held"
    assert len(record.frames) == MAX_FRAMES
    assert record.frames[0].line == 9 and record.frames[-1].path == "/home/me/project/train.py"
    assert record.location is not None and record.location.path == "/home/me/project/train.py"


def test_paste_sized_file_is_read_as_the_same_paste(tmp_path: Path) -> None:
    from kerasdoctor.explain import explain, explain_file

    # the user's line above a `loss: nan` progress bar orders the causes the shared wording lists
    paste = "I use sparse_categorical_crossentropy\nEpoch 1/10\n100/100 [==============================] - 1s 5ms/step - loss: nan - accuracy: 0.1000\n"
    path = tmp_path / "paste.txt"
    path.write_text(paste, encoding="utf-8")
    as_file = [(m.rule.name, round(m.confidence, 3), m.kind) for m in explain_file(str(path)).matches]
    as_text = [(m.rule.name, round(m.confidence, 3), m.kind) for m in explain(paste).matches]
    assert len(as_text) >= 2, "the paste gets the shared wording's other causes too"
    assert as_file == as_text


def test_explain_file_reads_a_long_pipe_once(tmp_path: Path) -> None:
    import os
    import threading

    from kerasdoctor.explain import explain_file
    from kerasdoctor.explain.extract import MAX_PASTE_CHARS

    # a log longer than a paste, given as a pipe (a shell's `<(command)`): its bytes can be read only once
    log = "Epoch 1/1\n" * (MAX_PASTE_CHARS // 10 + 10) + "ImportError: bad marshal data (unknown type code)\n"
    fifo = tmp_path / "log.pipe"
    os.mkfifo(fifo)

    def feed() -> None:
        with open(fifo, "w", encoding="utf-8") as writer:
            writer.write(log)

    from_pipe: list[str] = []
    writer = threading.Thread(target=feed, daemon=True)
    reader = threading.Thread(target=lambda: from_pipe.extend(m.rule.name for m in explain_file(str(fifo)).matches), daemon=True)
    writer.start()
    reader.start()
    reader.join(timeout=120)
    # opening the pipe a second time would wait for a writer that never comes
    assert not reader.is_alive(), "explain_file did not finish reading the pipe"
    path = tmp_path / "log.txt"
    path.write_text(log, encoding="utf-8")
    assert from_pipe and from_pipe == [m.rule.name for m in explain_file(str(path)).matches]


# lines (each under the reader's line cap) that made a pattern for the user's own words backtrack over every split of
# the line: a Chinese line closed by a quote took hours, the others seconds each, read once per following line
SLOW_TO_REFUTE_LINES = {
    "Chinese words closed by a quote": "中文" * 9_000 + "'",
    "an English sentence ending in a bracket": "I " + "a " * 9_000 + "(",
    "a clause on the user's I ending in a colon": "If I " + "a " * 9_000 + ":",
    "a lead-in cut before its colon": "word " * 3_900 + "x",
    "words before a near exception": "x " * 9_000 + "ValueErro: a",
}


@pytest.mark.parametrize("line", SLOW_TO_REFUTE_LINES.values(), ids=SLOW_TO_REFUTE_LINES.keys())
def test_lines_that_read_like_the_users_words_are_refuted_in_bounded_time(tmp_path: Path, line: str) -> None:
    # in a message, each line is tried as the user's words once per line that follows it
    report = _explained_in_bounded_time(tmp_path, "ValueError: x\n" + f"{line}\nKeyError: 'a'\n" * 10)
    assert report["errors"][0]["type"] == "ValueError"


def test_blank_looking_lines_of_an_autograph_user_code_block_are_refuted_in_bounded_time(tmp_path: Path) -> None:
    # TF 2.2-2.5's "in user code:" frames read "path.py:12 train_step  *": a line of spaces ending in a word made the
    # frame pattern try every split of the spaces between its indentation and its path (13 s a line)
    report = _explained_in_bounded_time(tmp_path, "in user code:\n" + (" " * 19_000 + "a\n") * 10 + "ValueError: x\n")
    assert any("ValueError: x" in error["message"] for error in report["errors"])


def _explained_in_bounded_time(tmp_path: Path, text: str) -> dict:
    """The JSON report of ``kerasdoctor explain`` on ``text``, which must come within a minute."""
    path = tmp_path / "paste.txt"
    path.write_text(text, encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "kerasdoctor", "explain", "--format", "json", "--file", str(path)],
        capture_output=True,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        timeout=60,
        check=False,
    )
    assert proc.returncode in (0, 1), proc.stderr
    return json.loads(proc.stdout)


# what a pattern meets in pastes, repeated to a long line: prose, CJK, quotes, code, frames; then an ending that may
# refute the line only at its end, and an opening that may take an optional prefix
_REPEATED_UNITS = ("a ", "中文", "I ", "x'", ": ", "a", " ", "ab1 ", "'", "`a", "0 ", "=", "a,", "(a", "[a", "a.", "Error")
_LINE_ENDINGS = ("", "'", ":", '"', "(", "\n", "=", "]")
_LINE_OPENINGS = ("", "I ", "If I ", "ValueError: ", "中文")


def _quickest_read(read: Callable[[str], object], text: str, tries: int) -> float:
    quickest = float("inf")
    for _ in range(tries):
        start = time.perf_counter()
        read(text)
        quickest = min(quickest, time.perf_counter() - start)
        if quickest > 0.1:  # slow enough to tell growth from noise at once; a cubic pattern would take minutes more
            break
    return quickest


def _long_line(opening: str, unit: str, ending: str, length: int) -> str:
    return opening + unit * (length // len(unit)) + ending


def _grows_faster_than_linearly(read: Callable[[str], object], opening: str, unit: str, ending: str) -> bool:
    # a linear pattern takes 3x as long on a line 3x as long; one that tries every split of the line takes 9x or more
    previous = _quickest_read(read, _long_line(opening, unit, ending, 1_000), 3)
    for length in (3_000, 9_000):
        if previous > 1:  # a second to read a line of a few thousand characters: an hour for a long log line
            return True
        took = _quickest_read(read, _long_line(opening, unit, ending, length), 3)
        if took < 6 * previous:
            return False
        previous = took
    return True


def test_every_extraction_pattern_reads_a_long_line_in_linear_time() -> None:
    # a pattern that backtracks over every split of a line made explain hang on one long pasted line (87 s for 4 KB of
    # Chinese closed by a quote). The reader applies its patterns to lines of up to MAX_LINE_CHARS characters, some
    # with ``match``, some with ``search`` (a pattern read only with ``match`` starts with "^", which ``search`` keeps
    # to the start as well)
    import importlib
    import pkgutil

    from kerasdoctor import lazyre

    for module in pkgutil.walk_packages(kerasdoctor.__path__, "kerasdoctor."):
        if module.name.rsplit(".", 1)[-1] not in ("auto", "__main__"):  # the hook's installer, the CLI's entry
            importlib.import_module(module.name)
    assert len(lazyre._EVERY_LAZY) > 100
    superlinear = [(lazy.pattern, line) for lazy in lazyre._EVERY_LAZY if (line := _line_read_superlinearly(lazy.pattern, lazy.flags))]
    assert not superlinear


def _line_read_superlinearly(source: str, flags: int) -> str | None:
    """The start of a long line the pattern takes more than linear time to match or search, or None."""
    pattern = re.compile(source, flags)
    for read in (pattern.match, pattern.search):
        for opening in _LINE_OPENINGS:
            for unit in _REPEATED_UNITS:
                for ending in _LINE_ENDINGS:
                    # the common case, refuted or matched at once, costs one try
                    if _quickest_read(read, _long_line(opening, unit, ending, 1_000), 1) < 0.0003:
                        continue
                    if _grows_faster_than_linearly(read, opening, unit, ending):
                        return f"{read.__name__}: {opening + unit * 3}...{ending}"
    return None

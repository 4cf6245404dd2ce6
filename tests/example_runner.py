"""How one rule example runs: ``run_case`` in a process forked by tests/forkserver.py.

Each case is a rule's ``setup`` followed by its ``bad`` or its ``good`` (+ ``check``) code,
executed in a child forked from an interpreter that has imported the stack's libraries once
(so no example sees what another one changed), in a directory of its own, under a
per-example time limit. What the example printed is captured at the file-descriptor level
(Python warnings, Keras progress bars, absl and TensorFlow's C++ logs alike).
"""

from __future__ import annotations

import contextlib
import linecache
import os
import signal
import sys
import tempfile
import time
import traceback
import warnings
from collections.abc import Iterator
from typing import IO, Any

PRELUDE = {
    "k3": "import os\nimport numpy as np\nimport tensorflow as tf\nimport keras\n",
    "k2": "import os\nimport numpy as np\nimport tensorflow as tf\nfrom tensorflow import keras\n",
    "jax": "import os\nimport numpy as np\nimport keras\n",
}


class ExampleTimeout(Exception):
    pass


@contextlib.contextmanager
def captured_fds() -> Iterator[IO[bytes]]:
    """Send fds 1 and 2 to a temporary file for the duration (C++ logs write there directly)."""
    with tempfile.TemporaryFile() as sink:
        sys.stdout.flush()
        sys.stderr.flush()
        saved = os.dup(1), os.dup(2)
        os.dup2(sink.fileno(), 1)
        os.dup2(sink.fileno(), 2)
        try:
            yield sink
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            os.close(saved[0])
            os.close(saved[1])


def _execute(source: str, name: str, namespace: dict[str, Any]) -> tuple[str, str, str]:
    """Run code, capturing what it printed; the exception's type name and traceback, if any."""
    error = exc_type = ""
    with captured_fds() as sink:
        try:
            with warnings.catch_warnings():
                # every Keras warning, each time: the registry would hide repeats across examples
                warnings.simplefilter("always", UserWarning)
                # its lines, as a script's traceback shows them: some wordings are told apart by the user's call
                linecache.cache[name] = (len(source), None, source.splitlines(True), name)
                exec(compile(source, name, "exec"), namespace)
        except BaseException as exc:  # the example's own failure is the datum
            if isinstance(exc, KeyboardInterrupt):
                raise
            exc_type = type(exc).__name__
            error = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        sink.seek(0)
        printed = sink.read().decode("utf-8", "replace")
    return exc_type, error, printed


def run_case(case: dict[str, Any], stack: str, timeout: int) -> dict[str, Any]:
    """The setup, then the example: only what the example itself printed or raised is its outcome."""
    namespace: dict[str, Any] = {"__name__": "__main__"}
    start = time.monotonic()
    here = os.getcwd()
    os.chdir(tempfile.mkdtemp(prefix=f"{case['id']}-{case['part']}-", dir=here))
    signal.alarm(timeout)
    try:
        _, setup_error, _ = _execute(PRELUDE[stack] + (case.get("setup") or ""), f"<{case['id']} setup>", namespace)
        exc_type, error, printed = ("", "", "") if setup_error else _execute(case["code"], f"<{case['id']} {case['part']}>", namespace)
    finally:
        signal.alarm(0)
        os.chdir(here)
    return {
        "id": case["id"],
        "part": case["part"],
        "setup_error": setup_error,
        "type": exc_type,
        "error": error,
        "printed": printed[-20000:],
        "seconds": round(time.monotonic() - start, 2),
    }

"""``%load_ext kerasdoctor`` and ``import kerasdoctor.auto`` inside a real IPython shell."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

pytest.importorskip("IPython")

CELLS = textwrap.dedent(
    """
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    shell.run_cell({first!r})
    shell.run_cell("import numpy as np\\nweights = np.ones((3, 4))\\nbatch = np.ones((2, 5))\\nnp.dot(batch, weights)")
    shell.run_cell("raise KeyboardInterrupt")
    print("=== unloaded", flush=True)
    print("=== unloaded", file=sys.stderr, flush=True)
    shell.run_cell({last!r})
    shell.run_cell("np.dot(batch, weights)")
    """
)


def run_shell(first: str, last: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "KERASDOCTOR"}
    code = "import sys\n" + CELLS.format(first=first, last=last)
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120, check=False)


@pytest.mark.parametrize(
    ("first", "last"),
    [("%load_ext kerasdoctor", "%unload_ext kerasdoctor"), ("import kerasdoctor.auto", "import kerasdoctor; kerasdoctor.uninstall()")],
    ids=["load_ext", "auto"],
)
def test_cell_errors_get_the_shell_traceback_then_the_diagnosis(first: str, last: str) -> None:
    result = run_shell(first, last)
    assert result.returncode == 0, result.stderr
    # the shell's own traceback, as always, on stdout
    assert result.stdout.count("ValueError") >= 4  # twice per traceback (header and message), two tracebacks
    assert "KeyboardInterrupt" in result.stdout
    loaded, _, unloaded = result.stderr.partition("=== unloaded\n")
    assert "kerasdoctor:" in loaded
    assert "your code: <ipython-input-" in loaded
    assert "np.dot(batch, weights)" in loaded
    assert "batch: ndarray shape=(2, 5) dtype=float64" in loaded
    assert "weights: ndarray shape=(3, 4) dtype=float64" in loaded
    assert loaded.count("your code:") == 1  # KeyboardInterrupt passed untouched
    assert "kerasdoctor" not in unloaded  # unloading gave the shell its handling back

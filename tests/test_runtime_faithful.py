"""Under every way of running kerasdoctor, Python's own output, stack depth and exit code stay as they are.

Each script runs as ``python script.py`` and again under kerasdoctor; the outputs and
exit codes are compared. kerasdoctor may only add its diagnosis at the end.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

HOOK_RAISES = """
import sys


def broken_hook(exc_type, exc, tb):
    raise RuntimeError("the script's own hook broke")


sys.excepthook = broken_hook


def train():
    raise ValueError("bad marshal data (unknown type code)")


train()
"""

DEEP_RECURSION = """
import sys


def depth(n):
    return 0 if n == 0 else 1 + depth(n - 1)


print(depth(sys.getrecursionlimit() - 4))


def fail(n):
    if n == 0:
        raise ValueError("bad marshal data (unknown type code)")
    fail(n - 1)


fail(3)
"""


def run(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if k != "KERASDOCTOR"}
    full_env["PYTHONPATH"] = str(ROOT)
    full_env.update(env or {})
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, cwd=cwd, env=full_env, timeout=120, check=False)


def script(tmp_path: Path, source: str, name: str = "train.py") -> str:
    (tmp_path / name).write_text(textwrap.dedent(source))
    return name


@pytest.mark.parametrize("switch", ["on", "off"])
def test_run_when_the_scripts_own_excepthook_raises_prints_what_python_prints(tmp_path: Path, switch: str) -> None:
    name = script(tmp_path, HOOK_RAISES)
    plain = run(name, cwd=tmp_path)
    ran = run("-m", "kerasdoctor", "run", name, cwd=tmp_path, env={"KERASDOCTOR": "0"} if switch == "off" else None)
    assert plain.returncode == ran.returncode == 1
    assert plain.stderr.startswith("Error in sys.excepthook:\n") and "Original exception was:" in plain.stderr
    assert ran.stderr == plain.stderr
    assert "internal error" not in ran.stderr


def test_auto_import_after_the_scripts_own_failing_hook_prints_what_python_prints(tmp_path: Path) -> None:
    source = HOOK_RAISES.replace("sys.excepthook = broken_hook\n", "sys.excepthook = broken_hook\nimport kerasdoctor.auto\n")
    name = script(tmp_path, source)
    plain = run(name, cwd=tmp_path, env={"KERASDOCTOR": "0"})
    hooked = run(name, cwd=tmp_path)
    assert plain.returncode == hooked.returncode == 1
    assert plain.stderr.startswith("Error in sys.excepthook:\n")
    assert hooked.stderr.startswith(plain.stderr)
    assert "kerasdoctor" not in hooked.stderr[: len(plain.stderr)]
    assert "KD503" in hooked.stderr[len(plain.stderr) :]


THREAD_HOOK_RAISES = """
import threading


def broken_hook(args):
    raise RuntimeError("the script's own thread hook broke")


threading.excepthook = broken_hook
import kerasdoctor.auto


def train():
    raise ValueError("bad marshal data (unknown type code)")


worker = threading.Thread(target=train)
worker.start()
worker.join()
print("main thread goes on")
"""


def test_auto_import_after_the_scripts_own_failing_thread_hook_prints_what_python_prints(tmp_path: Path) -> None:
    name = script(tmp_path, THREAD_HOOK_RAISES)
    plain = run(name, cwd=tmp_path, env={"KERASDOCTOR": "0"})
    hooked = run(name, cwd=tmp_path)
    assert plain.returncode == hooked.returncode == 0
    assert plain.stdout == hooked.stdout == "main thread goes on\n"
    assert plain.stderr.startswith("Exception in threading.excepthook:\n")
    assert hooked.stderr.startswith(plain.stderr)
    assert "kerasdoctor" not in hooked.stderr[: len(plain.stderr)]


@pytest.mark.parametrize("launcher", [["-m", "kerasdoctor", "run"], ["-m", "kerasdoctor.runtime.run"]])
def test_run_leaves_the_script_the_same_recursion_depth_and_traceback(tmp_path: Path, launcher: list[str]) -> None:
    name = script(tmp_path, DEEP_RECURSION)
    plain = run(name, cwd=tmp_path)
    ran = run(*launcher, name, cwd=tmp_path)
    assert plain.returncode == ran.returncode == 1
    assert plain.stdout == ran.stdout == f"{sys.getrecursionlimit() - 4}\n"
    assert ran.stderr.startswith(plain.stderr)
    assert "kerasdoctor" not in ran.stderr[: len(plain.stderr)]
    assert "RecursionError" not in ran.stderr
    assert "\nkerasdoctor: KD503" in ran.stderr[len(plain.stderr) :]


def test_auto_import_leaves_the_same_recursion_depth(tmp_path: Path) -> None:
    name = script(tmp_path, "import kerasdoctor.auto\n" + DEEP_RECURSION)
    plain = run(name, cwd=tmp_path, env={"KERASDOCTOR": "0"})
    hooked = run(name, cwd=tmp_path)
    assert plain.stdout == hooked.stdout and plain.returncode == hooked.returncode == 1
    assert hooked.stderr.startswith(plain.stderr) and "kerasdoctor" not in hooked.stderr[: len(plain.stderr)]


def test_run_script_sees_the_environment_and_path_python_gives_it(tmp_path: Path) -> None:
    probe = "import os, sys\nprint(os.environ.get('PYTHONPATH'), sorted(k for k in os.environ if k.startswith('KERASDOCTOR_RUN')), sys.path[0])\n"
    name = script(tmp_path, probe)
    plain = run(name, cwd=tmp_path)
    ran = run("-m", "kerasdoctor", "run", name, cwd=tmp_path)
    assert ran.stdout == plain.stdout == f"{ROOT} [] {tmp_path}\n"


def test_run_without_pythonpath_from_a_checkout(tmp_path: Path) -> None:
    name = script(tmp_path, "import os, sys\nprint(os.environ.get('PYTHONPATH'), sys.excepthook.__name__)\n")
    env = {k: v for k, v in os.environ.items() if k not in ("KERASDOCTOR", "PYTHONPATH")}
    command = [sys.executable, "-m", "kerasdoctor", "run", str(tmp_path / name)]
    ran = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=env, timeout=120, check=False)
    assert (ran.returncode, ran.stdout, ran.stderr) == (0, "None kerasdoctor_excepthook\n", "")


def test_run_keeps_the_users_own_sitecustomize(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text("import builtins\nbuiltins.USER_SITE = 'ran'\n")
    name = script(tmp_path, "print(USER_SITE)\n")
    env = {"PYTHONPATH": os.pathsep.join([str(ROOT), str(site)])}
    assert run("-m", "kerasdoctor", "run", name, cwd=tmp_path, env=env).stdout == run(name, cwd=tmp_path, env=env).stdout == "ran\n"


IPYTHON_SESSION = """
import sys
from IPython.core.interactiveshell import InteractiveShell

shell = InteractiveShell.instance()


def broken_handler(self, etype, value, tb, tb_offset=None):
    raise RuntimeError("the user's own handler broke")


if "handler" in sys.argv:
    shell.set_custom_exc((ValueError,), broken_handler)
if "kerasdoctor" in sys.argv:
    shell.run_cell("%load_ext kerasdoctor")
shell.run_cell("import sys\\ndef depth(n):\\n    return 0 if n == 0 else 1 + depth(n - 1)\\nprint(depth(sys.getrecursionlimit() - 40))")
shell.run_cell("def fail():\\n    raise ValueError('bad marshal data (unknown type code)')\\nfail()")
shell.run_cell("raise ValueError('bad marshal data (unknown type code)')")
"""


@pytest.mark.parametrize("handler", [[], ["handler"]], ids=["shell", "users-failing-handler"])
def test_ipython_cells_show_the_shells_own_output_with_and_without_kerasdoctor(tmp_path: Path, handler: list[str]) -> None:
    pytest.importorskip("IPython")
    name = script(tmp_path, IPYTHON_SESSION, "session.py")
    plain = run(name, *handler, cwd=tmp_path)
    loaded = run(name, *handler, "kerasdoctor", cwd=tmp_path)
    assert plain.returncode == loaded.returncode == 0, loaded.stderr
    assert loaded.stdout == plain.stdout  # the shell's tracebacks, the handler's failure report, the recursion
    assert "kerasdoctor" not in loaded.stdout
    assert without_diagnoses(loaded.stderr) == plain.stderr
    assert "KD503" in loaded.stderr


def without_diagnoses(stderr: str) -> str:
    """stderr less kerasdoctor's diagnosis blocks (a blank line, 'kerasdoctor: ...', indented lines)."""
    kept: list[str] = []
    in_block = False
    for line in stderr.splitlines(keepends=True):
        if line.startswith("kerasdoctor: "):
            in_block = True
            if kept and kept[-1] == "\n":
                kept.pop()
            continue
        if in_block and line.startswith("  "):
            continue
        in_block = False
        kept.append(line)
    return "".join(kept)

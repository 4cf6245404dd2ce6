"""The runtime exception hook, import hook and ``kerasdoctor run``, without TensorFlow.

Scripts run in fresh interpreters, once plainly and once under kerasdoctor, and
the outputs are compared: kerasdoctor may only add its diagnosis after Python's
own traceback, never change what came before, nor the exit code.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

import kerasdoctor
from kerasdoctor import runtime
from kerasdoctor.runtime import autoload, hook, report

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "fixtures" / "runtime" / "plain_errors.py"


def run_python(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if k not in ("KERASDOCTOR", "KD_AUTO")}
    full_env.update(env or {})
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, env=full_env, cwd=cwd or ROOT, timeout=120, check=False)


def plain_and_hooked(case: str, *extra: str) -> tuple[subprocess.CompletedProcess[str], subprocess.CompletedProcess[str]]:
    plain = run_python(str(SCRIPT), case, *extra)
    hooked = run_python(str(SCRIPT), case, *extra, env={"KD_AUTO": "1"})
    return plain, hooked


@pytest.fixture
def restore_hooks():
    before = (sys.excepthook, threading.excepthook, list(sys.meta_path))
    yield
    runtime.uninstall()
    sys.excepthook, threading.excepthook = before[0], before[1]
    sys.meta_path[:] = before[2]


def test_install_is_idempotent_and_uninstall_restores_exactly(restore_hooks: None) -> None:
    def previous_hook(*args: object) -> None:
        return None

    sys.excepthook = previous_hook
    meta_path = list(sys.meta_path)
    threading_hook = threading.excepthook
    assert runtime.install() is True
    assert runtime.install() is True
    assert sys.excepthook is hook.kerasdoctor_excepthook
    assert threading.excepthook is hook.kerasdoctor_threading_excepthook
    assert sum(finder is autoload._watcher for finder in sys.meta_path) == 1
    kerasdoctor.uninstall()
    kerasdoctor.uninstall()
    assert sys.excepthook is previous_hook
    assert threading.excepthook is threading_hook
    assert sys.meta_path == meta_path


def test_kerasdoctor_0_turns_install_off(restore_hooks: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KERASDOCTOR", "0")
    excepthook = sys.excepthook
    assert runtime.install() is False
    assert sys.excepthook is excepthook
    assert all(finder is not autoload._watcher for finder in sys.meta_path)


def test_hook_someone_chained_over_only_forwards_after_uninstall(restore_hooks: None) -> None:
    runtime.install()
    ours = sys.excepthook
    sys.excepthook = lambda *exc: ours(*exc)  # another tool chains in front of us
    runtime.uninstall()
    stderr = io.StringIO()
    real_stderr, sys.stderr = sys.stderr, stderr
    try:
        try:
            raise ValueError("after uninstall")
        except ValueError as exc:
            sys.excepthook(type(exc), exc, exc.__traceback__)
    finally:
        sys.stderr = real_stderr
    assert "ValueError: after uninstall" in stderr.getvalue()
    assert "kerasdoctor" not in stderr.getvalue()


def test_internal_failure_prints_one_line_after_the_intact_traceback(
    restore_hooks: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(exc: BaseException) -> str:
        raise RuntimeError("knowledge base unreadable")

    monkeypatch.setattr(report, "exception_report", broken)
    runtime.install()
    try:
        raise KeyError("epochs")
    except KeyError as exc:
        sys.excepthook(type(exc), exc, exc.__traceback__)
    err = capsys.readouterr().err
    traceback_part, _, tail = err.partition("KeyError: 'epochs'\n")
    assert traceback_part.startswith("Traceback (most recent call last):")
    assert tail == ("kerasdoctor: internal error while diagnosing (RuntimeError: knowledge base unreadable); the traceback above is unchanged.\n")


def test_original_traceback_and_did_you_mean_come_first() -> None:
    plain, hooked = plain_and_hooked("nameerror")
    assert plain.returncode == hooked.returncode == 1
    assert "Did you mean: 'number_of_epochs'?" in plain.stderr
    assert hooked.stdout == plain.stdout
    assert hooked.stderr.startswith(plain.stderr)
    diagnosis = hooked.stderr[len(plain.stderr) :]
    assert diagnosis.startswith("\nkerasdoctor: ")
    assert "your code:" in diagnosis and 'print("training for", number_of_epoch)' in diagnosis


def test_frame_values_show_shapes_dtypes_and_lengths() -> None:
    plain, hooked = plain_and_hooked("shapes")
    assert plain.returncode == hooked.returncode == 1
    assert hooked.stderr.startswith(plain.stderr)
    diagnosis = hooked.stderr[len(plain.stderr) :]
    assert "return np.dot(batch, weights), labels" in diagnosis
    assert "batch: ndarray shape=(2, 5) dtype=float32" in diagnosis
    assert "weights: ndarray shape=(3, 4) dtype=float32" in diagnosis
    assert "labels: list of length 2" in diagnosis
    assert "np:" not in diagnosis  # modules are not values worth showing


def test_keyboard_interrupt_and_system_exit_pass_untouched() -> None:
    for case in ("keyboard", "systemexit"):
        plain, hooked = plain_and_hooked(case)
        assert hooked.returncode == plain.returncode
        assert hooked.stdout == plain.stdout
        assert hooked.stderr == plain.stderr
        assert "kerasdoctor" not in hooked.stderr
    assert plain.returncode == 3


def test_exception_in_thread_is_diagnosed_after_pythons_report() -> None:
    plain, hooked = plain_and_hooked("thread")
    assert plain.returncode == hooked.returncode == 0
    assert hooked.stdout == plain.stdout == "main thread done\n"
    assert hooked.stderr.startswith(plain.stderr)
    assert "Exception in thread worker" in plain.stderr
    diagnosis = hooked.stderr[len(plain.stderr) :]
    assert "values.reshape(3, 2)" in diagnosis
    assert "values: ndarray shape=(4,) dtype=float64" in diagnosis


def test_kerasdoctor_0_prints_nothing_extra() -> None:
    plain = run_python(str(SCRIPT), "shapes")
    off = run_python(str(SCRIPT), "shapes", env={"KD_AUTO": "1", "KERASDOCTOR": "0"})
    assert (off.returncode, off.stdout, off.stderr) == (plain.returncode, plain.stdout, plain.stderr)


def test_auto_import_is_light() -> None:
    probe = run_python(
        "-c",
        "import sys, kerasdoctor.auto; heavy = {'tensorflow', 'keras', 'tf_keras', 'numpy', 'yaml', 'libcst'}; "
        "print(sorted(heavy & set(sys.modules)), sys.excepthook.__name__)",
    )
    assert probe.stdout.strip() == "[] kerasdoctor_excepthook", probe.stderr


@pytest.mark.parametrize("launcher", [["-m", "kerasdoctor", "run"], ["-m", "kerasdoctor.runtime.run"]])
def test_run_matches_python_script(launcher: list[str]) -> None:
    for case, extra in (("shapes", ()), ("systemexit", ()), ("argv", ("--epochs", "3")), ("chained", ())):
        plain = run_python(str(SCRIPT.relative_to(ROOT)), case, *extra)
        ran = run_python(*launcher, str(SCRIPT.relative_to(ROOT)), case, *extra)
        assert ran.returncode == plain.returncode, (case, ran.stderr)
        assert ran.stdout == plain.stdout, case
        assert ran.stderr.startswith(plain.stderr), (case, ran.stderr)
        if plain.returncode == 1:
            assert ran.stderr[len(plain.stderr) :].startswith("\nkerasdoctor: ")
        if case == "argv":
            # same argv, __main__, and sys.path[0] = the script's directory
            assert plain.stdout == "['fixtures/runtime/plain_errors.py', 'argv', '--epochs', '3'] __main__ plain_errors.py True\nTrue\n"


def test_run_module_mode(tmp_path: Path) -> None:
    package = tmp_path / "trainpkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "main.py").write_text("import sys\nprint(sys.argv[1:], __name__)\nraise SystemExit(4)\n")
    plain = run_python("-m", "trainpkg.main", "a", cwd=tmp_path)
    ran = run_python("-m", "kerasdoctor", "run", "-m", "trainpkg.main", "a", cwd=tmp_path)
    assert (ran.returncode, ran.stdout) == (plain.returncode, plain.stdout) == (4, "['a'] __main__\n")


FAKE_CALLBACKS = '''
class Callback:
    def __init__(self):
        self.model = None


class CallbackList:
    def __init__(self, callbacks=None, add_history=False, model=None):
        """the real one takes callbacks first"""
        self.callbacks = list(callbacks or [])
'''

FAKE_TRAINING = """
from tf_keras.src import callbacks as callbacks_module


class Model:
    def fit(self, callbacks=None):
        return callbacks_module.CallbackList(callbacks, add_history=True, model=self)

    def evaluate(self, callbacks=None):
        return callbacks_module.CallbackList(callbacks, model=self)
"""


def test_import_hook_attaches_doctor_to_fit_only(tmp_path: Path) -> None:
    """A stand-in tf_keras package: the hook wraps CallbackList only when fit builds it."""
    source = tmp_path / "tf_keras" / "src"
    source.mkdir(parents=True)
    (tmp_path / "tf_keras" / "__init__.py").write_text("")
    (source / "__init__.py").write_text("")
    (source / "callbacks.py").write_text(FAKE_CALLBACKS)
    (source / "training.py").write_text(FAKE_TRAINING)
    probe = textwrap.dedent(
        """
        import sys
        import kerasdoctor
        kerasdoctor.install()
        from tf_keras.src import callbacks, training
        from kerasdoctor.runtime.doctor import Doctor
        module = sys.modules["tf_keras.src.callbacks"]
        print("loader restored:", type(module.__loader__).__name__, type(module.__spec__.loader).__name__)
        model = training.Model()
        fitted = model.fit(callbacks=["user"])
        print("fit:", [type(c).__name__ for c in fitted.callbacks], isinstance(fitted.callbacks[1], callbacks.Callback))
        mine = Doctor.__new__(type(fitted.callbacks[1]))
        mine.__init__()
        print("user doctor kept alone:", len(model.fit(callbacks=[mine]).callbacks))
        print("evaluate:", model.evaluate(callbacks=["user"]).callbacks)
        print("docstring:", callbacks.CallbackList.__init__.__doc__)
        kerasdoctor.uninstall()
        print("after uninstall:", model.fit(callbacks=["user"]).callbacks)
        """
    )
    result = run_python("-c", probe, env={"PYTHONPATH": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "loader restored: SourceFileLoader SourceFileLoader",
        "fit: ['str', 'Doctor'] True",
        "user doctor kept alone: 1",
        "evaluate: ['user']",
        "docstring: the real one takes callbacks first",
        "after uninstall: ['user']",
    ]


def test_import_hook_patches_keras_imported_before_install(tmp_path: Path) -> None:
    source = tmp_path / "tf_keras" / "src"
    source.mkdir(parents=True)
    (tmp_path / "tf_keras" / "__init__.py").write_text("")
    (source / "__init__.py").write_text("")
    (source / "callbacks.py").write_text(FAKE_CALLBACKS)
    (source / "training.py").write_text(FAKE_TRAINING)
    probe = (
        "from tf_keras.src import training\n"
        "import kerasdoctor.auto\n"
        "doctors = training.Model().fit(callbacks=[]).callbacks\n"
        "print([type(c).__name__ for c in doctors], doctors[0].stop_on_nan, doctors[0].auto)\n"
    )
    result = run_python("-c", probe, env={"PYTHONPATH": str(tmp_path)})
    assert result.stdout == "['Doctor'] True True\n", result.stderr
    # the script has no call to configure: the environment keeps training going after a NaN
    keep_going = run_python("-c", probe, env={"PYTHONPATH": str(tmp_path), "KERASDOCTOR_STOP_ON_NAN": "0"})
    assert keep_going.stdout == "['Doctor'] False True\n", keep_going.stderr


def test_is_user_file() -> None:
    assert report.is_user_file(str(SCRIPT))
    assert not report.is_user_file(os.__file__)
    assert not report.is_user_file(report.__file__)
    assert not report.is_user_file("<frozen runpy>")
    assert report.is_user_file("<ipython-input-3-abc>")


def test_describe_value_never_calls_user_objects() -> None:
    class Tripwire:
        @property
        def shape(self) -> tuple[int, ...]:
            raise AssertionError("a property of a user object was run")

    assert report.describe_value(Tripwire()) == "Tripwire"
    assert report.describe_value([1, 2, 3]) == "list of length 3 (first: 1)"
    assert report.describe_value({"lr": 0.1}) == "dict of length 1 (keys 'lr')"
    assert report.describe_value(len) is None


def test_run_keyboard_interrupt_prints_pythons_traceback_and_dies_of_sigint_like_python() -> None:
    plain = run_python(str(SCRIPT.relative_to(ROOT)), "keyboard")
    ran = run_python("-m", "kerasdoctor", "run", str(SCRIPT.relative_to(ROOT)), "keyboard")
    assert plain.returncode == -2  # the interpreter re-raises SIGINT on itself
    assert ran.returncode == -2
    assert ran.stderr == plain.stderr
    assert plain.stderr.endswith("KeyboardInterrupt\n")

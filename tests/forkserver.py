"""Run scripts and rule examples forked from one interpreter per stack that imported TensorFlow once.

``python forkserver.py k3|k2|jax`` (with the stack's environment already set) imports what
that stack's code imports, then reads one JSON request per line on stdin and answers each
with one JSON line:
    {"script": path, "cwd": dir, "timeout": s} -> {"returncode": int, "stdout": str, "stderr": str}
        the script run as ``python script.py`` would run it;
    {"example": case, "timeout": s}            -> example_runner.run_case's outcome
        a rule's example snippet (tests/example_runner.py).
``ForkServers`` is the client the tests use: one server at a time per test worker.

For each request the server forks. The child starts from a process in which only imports
have run (no TensorFlow op, no eager context, no Keras state), so whatever the script
changes (eager or graph mode, floatx, dtype policies, warning registries, devices) is its
own and dies with it. The child runs the script as ``__main__`` with ``sys.argv`` and
``sys.path[0]`` set as Python sets them, fds 1 and 2 sent to files (C++ logs included), an
uncaught exception printed by ``sys.excepthook`` from the script's own first frame (the
traceback Python prints), and exits with Python's status. A script that must change the
environment before TensorFlow is imported cannot run here: its header says
``# process: fresh`` and the caller starts a new interpreter for it.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import tempfile
import time
import types
from typing import Any

PREIMPORTS = {
    "k3": ("numpy", "tensorflow", "keras"),
    "k2": ("numpy", "tensorflow", "tf_keras"),
    "jax": ("numpy", "jax", "keras"),
}


def _exit_status(code: object) -> int:
    """What Python's interpreter does with ``sys.exit(code)``."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    print(code, file=sys.stderr)
    return 1


def _run_script(path: str) -> int:
    with open(path, "rb") as handle:
        code = compile(handle.read(), path, "exec", dont_inherit=True)
    main = types.ModuleType("__main__")
    main.__dict__.update(__file__=path, __builtins__=__builtins__, __spec__=None, __loader__=None, __cached__=None)
    sys.modules["__main__"] = main
    sys.argv[:] = [path]
    sys.path[0] = os.path.dirname(os.path.abspath(path))
    try:
        exec(code, main.__dict__)
    except SystemExit as stop:
        return _exit_status(stop.code)
    except BaseException as error:  # printed exactly as Python prints an uncaught exception
        tb = error.__traceback__
        while tb is not None and tb.tb_frame.f_code.co_filename != path:
            tb = tb.tb_next
        sys.excepthook(type(error), error, tb or error.__traceback__)
        return 1
    return 0


def _child(request: dict[str, Any], out_path: str, err_path: str) -> None:
    os.setpgid(0, 0)
    status = 1
    try:
        os.chdir(request["cwd"])
        if "example" in request:
            from example_runner import run_case

            signal.signal(signal.SIGALRM, _on_alarm)
            outcome = run_case(request["example"], request["stack"], int(request["timeout"]))
            with open(out_path, "w", encoding="utf-8") as handle:
                json.dump(outcome, handle)
            status = 0
            return
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        for fd, target in ((1, out_path), (2, err_path)):
            sink = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            os.dup2(sink, fd)
            os.close(sink)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        status = _run_script(request["script"])
    finally:
        # Python's shutdown would join non-daemon threads (a tf.data generator thread can wait
        # for ever); what the user saw is printed and flushed by now.
        logging.shutdown()
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:
                pass
        os._exit(status)


def _on_alarm(signum: int, frame: Any) -> None:
    from example_runner import ExampleTimeout

    raise ExampleTimeout("example exceeded its time limit")


def _wait(pid: int, timeout: float) -> int:
    deadline = time.monotonic() + timeout
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        if time.monotonic() > deadline:
            try:
                os.killpg(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            os.waitpid(pid, 0)
            return -signal.SIGKILL
        time.sleep(0.02)


def serve(stack: str) -> None:
    for module in PREIMPORTS[stack]:
        __import__(module)
    protocol = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)  # nothing but answers goes down the protocol pipe
    scratch = tempfile.mkdtemp(prefix="forkserver-")
    for line in sys.stdin:
        request = json.loads(line)
        out_path, err_path = os.path.join(scratch, "out"), os.path.join(scratch, "err")
        sys.stdout.flush()
        sys.stderr.flush()
        open(out_path, "w").close()
        open(err_path, "w").close()
        pid = os.fork()
        if pid == 0:
            request["stack"] = stack
            _child(request, out_path, err_path)
        # the example's own limit (SIGALRM) comes first; this one catches a C++ call that ignores it
        returncode = _wait(pid, float(request.get("timeout", 240)) + (30 if "example" in request else 0))
        answer: dict[str, object]
        if "example" in request:
            with open(out_path, encoding="utf-8") as handle:
                text = handle.read()
            case = request["example"]
            answer = json.loads(text) if text else {"id": case["id"], "part": case["part"], "crashed": f"the example's process ended with status {returncode}"}
        else:
            answer = {"returncode": returncode}
            for key, path in (("stdout", out_path), ("stderr", err_path)):
                with open(path, encoding="utf-8", errors="replace") as handle:
                    answer[key] = handle.read()
        protocol.write(json.dumps(answer) + "\n")


def stack_env(stack: str) -> dict[str, str]:
    """The environment a stack runs with: k3 = TF + Keras 3, k2 = tf-keras, jax = Keras 3 on JAX."""
    # oneDNN is on by default only on CPUs with AVX-512 VNNI/BF16 or AMX, and it changes what some ops do (a rank-3
    # conv2d input aborts in a CHECK instead of raising; channels_first pooling runs on the CPU): the examples run on
    # TensorFlow's own CPU kernels, what every other CPU gets, so that one machine behaves like the next
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", PYTHONUNBUFFERED="1", CUDA_VISIBLE_DEVICES="", TF_ENABLE_ONEDNN_OPTS="0")
    env.pop("TF_USE_LEGACY_KERAS", None)
    env.pop("KERAS_BACKEND", None)
    if stack == "k2":
        env["TF_USE_LEGACY_KERAS"] = "1"
    elif stack == "jax":
        env["KERAS_BACKEND"] = "jax"
    return env


class ForkServers:
    """The client: one fork server at a time, the one of the stack being run (tests run stack by stack)."""

    def __init__(self) -> None:
        self.stack: str | None = None
        self.server: subprocess.Popen[str] | None = None

    def ask(self, stack: str, request: dict[str, Any]) -> dict[str, Any]:
        if stack != self.stack:
            self.close()
            self.server = subprocess.Popen(
                [sys.executable, __file__, stack],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                text=True,
                env=stack_env(stack),
            )
            self.stack = stack
        assert self.server is not None and self.server.stdin is not None and self.server.stdout is not None
        self.server.stdin.write(json.dumps(request) + "\n")
        self.server.stdin.flush()
        answer = self.server.stdout.readline()
        if not answer:
            self.close()
            raise RuntimeError(f"the {stack} fork server died on {request}")
        result: dict[str, Any] = json.loads(answer)
        return result

    def close(self) -> None:
        if self.server is not None:
            self.server.kill()
            self.server.wait()
        self.server, self.stack = None, None


if __name__ == "__main__":
    serve(sys.argv[1])

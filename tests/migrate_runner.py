"""Run Keras 2 scripts and notebooks in one interpreter, one JSON line per script (used by tests/test_migrate_keras3.py).

``python tests/migrate_runner.py [--keras2] PATH...``. With ``--keras2`` (and
TF_USE_LEGACY_KERAS=1 for ``tf.keras``) the standalone ``keras`` package is tf-keras, laid
out as Keras 2.12 and older had it (``keras.layers.core``, ``keras.engine``,
``keras.utils.np_utils`` at the top level, found under ``tf_keras.src`` today): the
environment such a script was written for. Without it, ``keras`` is Keras 3.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.abc
import importlib.util
import io
import json
import sys
import traceback
import types


class KerasIsTfKeras(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Import ``keras.X`` as ``tf_keras.X`` (or ``tf_keras.src.X``, where Keras 2.13 moved it)."""

    def find_spec(self, name: str, path: object = None, target: object = None) -> importlib.machinery.ModuleSpec | None:
        if name != "keras" and not name.startswith("keras."):
            return None
        for real in ("tf_keras" + name[5:], "tf_keras.src" + name[5:]):
            try:
                importlib.import_module(real)
            except ImportError:
                continue
            return importlib.util.spec_from_loader(name, self, origin=real)
        return None

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        return sys.modules[spec.origin]  # type: ignore[index]

    def exec_module(self, module: types.ModuleType) -> None:
        pass


def source_of(path: str) -> str:
    if path.endswith(".ipynb"):
        with open(path, encoding="utf-8") as handle:
            cells = json.load(handle)["cells"]
        return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    with open(path, encoding="utf-8") as handle:
        return handle.read()


def run(path: str) -> dict[str, object]:
    printed = io.StringIO()
    error = None
    try:
        code = compile(source_of(path), path, "exec")
        with contextlib.redirect_stdout(printed):
            exec(code, {"__name__": "__main__", "__file__": path})
    except Exception:  # the script's own failure is the result
        error = traceback.format_exc()
    return {"path": path, "error": error, "printed": printed.getvalue()}


if __name__ == "__main__":
    paths = sys.argv[1:]
    if paths and paths[0] == "--keras2":
        paths = paths[1:]
        sys.meta_path.insert(0, KerasIsTfKeras())
    for script in paths:
        print("RESULT " + json.dumps(run(script)), flush=True)

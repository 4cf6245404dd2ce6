"""Imported at start-up by the interpreter that ``kerasdoctor run`` starts, before the script.

It installs kerasdoctor, then takes itself back out of ``sys.path``, ``PYTHONPATH`` and
``sys.modules`` (running the user's own ``sitecustomize``, if any, in its place), so the
script runs exactly as under ``python script.py``: same stack depth, same traceback.
"""

import os
import sys


def _step_aside() -> None:
    here = os.path.dirname(os.path.abspath(__file__))
    home = os.environ.pop("KERASDOCTOR_RUN_HOME", "")
    original = os.environ.pop("KERASDOCTOR_RUN_PYTHONPATH", None)
    if original is None:
        os.environ.pop("PYTHONPATH", None)
    else:
        os.environ["PYTHONPATH"] = original
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != here]
    added_home = bool(home) and home not in sys.path
    if added_home:
        sys.path.append(home)
    try:
        from kerasdoctor.runtime import install

        install()
    except Exception as internal:  # noqa: BLE001 - the script runs even when kerasdoctor cannot
        sys.stderr.write(f"kerasdoctor: could not install the exception hook ({type(internal).__name__}: {internal})\n")
    finally:
        if added_home:
            sys.path.remove(home)
    # the user's own sitecustomize, which ours shadowed, runs in its place and keeps the name
    from importlib.machinery import PathFinder
    from importlib.util import module_from_spec

    spec = PathFinder.find_spec("sitecustomize", sys.path)
    if spec is not None and spec.loader is not None:
        module = module_from_spec(spec)
        sys.modules["sitecustomize"] = module
        spec.loader.exec_module(module)


_step_aside()

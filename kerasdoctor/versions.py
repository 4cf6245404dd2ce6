"""Which Python, TensorFlow and Keras versions are in play, without importing any of them.

Two sources: the distributions installed next to kerasdoctor (their ``*.dist-info``
directory names, read with one directory listing per ``sys.path`` entry, much
cheaper than ``importlib.metadata``), and the paths printed in the traceback
itself, which tell what the user's own run used.
"""

from __future__ import annotations

import os
import sys

from kerasdoctor.lazyre import lazy

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable

    from kerasdoctor.types import ErrorRecord

# distribution name (normalised) -> the package name rules use in ``applies_to``
_DISTRIBUTIONS = {
    "tensorflow": "tensorflow",
    "tensorflow_cpu": "tensorflow",
    "tensorflow_gpu": "tensorflow",
    "tensorflow_macos": "tensorflow",
    "tensorflow_intel": "tensorflow",
    "keras": "keras",
    "tf_keras": "tf_keras",
}
_FIRST_LETTERS = frozenset(c for n in _DISTRIBUTIONS for c in (n[0], n[0].upper()))
_DIST_INFO = lazy(r"^(?P<name>[A-Za-z0-9_.-]+?)-(?P<version>\d[^-]*?)\.(?:dist-info|egg-info)$")
_RELEASE_SEPARATOR = lazy(r"[.+-]")
_DIGITS = lazy(r"\d+")
_SPECIFIER_CLAUSE = lazy(r"^\s*(~=|==|!=|<=|>=|<|>)\s*([0-9][0-9a-z.*+!-]*)\s*$")
# what a traceback path reveals: (regex over a frame path, package, version)
_PATH_HINTS = (
    (lazy(r"python(\d\.\d+)/(?:site|dist)-packages/"), "python", None),
    (lazy(r"/keras/src/(?:trainers|backend|ops|saving/saving_lib)"), "keras", "3"),
    (lazy(r"/keras/src/engine/"), "keras", "2.13"),
    (lazy(r"/keras/engine/"), "keras", "2"),
    (lazy(r"/tf_keras/src/"), "tf_keras", "2"),
    (lazy(r"/tensorflow_core/"), "tensorflow", "1.15"),
    (lazy(r"/tensorflow/python/keras/"), "tensorflow", "2.5"),
)


def _never_distributions() -> frozenset[str]:
    """``sys.path`` entries that hold no ``*.dist-info``: the standard library, its extension modules and the
    interpreter's own bin directory (``sys.path[0]`` when a console script runs: ~1,000 names in /usr/bin)."""
    stdlib = os.path.dirname(getattr(os, "__file__", None) or "")
    skipped = {os.path.dirname(sys.executable)}
    if stdlib:
        skipped |= {stdlib, os.path.join(stdlib, "lib-dynload")}
    return frozenset(skipped - {""})


def installed_versions(paths: Iterable[str] | None = None) -> dict[str, str]:
    """Versions of Python, TensorFlow, Keras and tf-keras installed on ``sys.path``."""
    found: dict[str, str] = {"python": ".".join(str(n) for n in sys.version_info[:3])}
    skipped = _never_distributions()
    for entry in paths if paths is not None else sys.path:
        if not entry or entry in skipped or not os.path.isdir(entry):
            continue
        try:
            names = os.listdir(entry)
        except OSError:
            continue
        for name in names:
            # every distribution of _DISTRIBUTIONS starts with a t or a k: the others skip the regex (~80 in a TF venv)
            if name[:1] not in _FIRST_LETTERS or not name.endswith("-info"):
                continue
            m = _DIST_INFO.match(name)
            if not m:
                continue
            package = _DISTRIBUTIONS.get(m.group("name").lower().replace("-", "_").replace(".", "_"))
            if package and package not in found:
                found[package] = m.group("version")
    return found


def versions_from_records(records: Iterable[ErrorRecord]) -> dict[str, str]:
    """Versions that the traceback paths themselves reveal (major versions at least)."""
    found: dict[str, str] = {}
    for record in records:
        for frame in (*record.frames, *record.inner_frames):
            path = frame.path.replace("\\", "/")
            for regex, package, version in _PATH_HINTS:
                if package in found:
                    continue
                m = regex.search(path)
                if m:
                    found[package] = version or m.group(1)
    return found


def _release(version: str) -> tuple[int, ...]:
    parts = []
    for piece in _RELEASE_SEPARATOR.compiled().split(version):
        m = _DIGITS.match(piece)
        if not m:
            break
        parts.append(int(m.group(0)))
    return tuple(parts)


def _compare(a: tuple[int, ...], b: tuple[int, ...]) -> int:
    width = max(len(a), len(b))
    a, b = a + (0,) * (width - len(a)), b + (0,) * (width - len(b))
    return (a > b) - (a < b)


def satisfies(version: str, specifier: str) -> bool | None:
    """Whether ``version`` meets a PEP 440 specifier such as ``>=2.0,<3``; None if unparsable."""
    have = _release(version)
    if not have:
        return None
    for clause in specifier.split(","):
        m = _SPECIFIER_CLAUSE.match(clause)
        if not m:
            return None
        op, raw = m.groups()
        if raw.endswith(".*"):
            prefix = _release(raw[:-2])
            equal = have[: len(prefix)] == prefix
            ok = equal if op == "==" else (not equal if op == "!=" else None)
            if ok is None:
                return None
            if not ok:
                return False
            continue
        want = _release(raw)
        stem = max(len(want) - 1, 1)
        # a version read off a traceback may be major-only ("3" = any 3.x): decide on
        # both ends of what it can mean, and say "unknown" when they disagree
        width = max(len(have), len(want))
        verdicts = set()
        for pad in (0, 10**9):
            bound = have + (pad,) * (width - len(have))
            cmp = _compare(bound, want)
            verdicts.add(
                {
                    "==": cmp == 0,
                    "!=": cmp != 0,
                    "<=": cmp <= 0,
                    ">=": cmp >= 0,
                    "<": cmp < 0,
                    ">": cmp > 0,
                    "~=": cmp >= 0 and bound[:stem] == want[:stem],
                }[op]
            )
        if len(verdicts) > 1:
            return None
        ok = verdicts.pop()
        if not ok:
            return False
    return True

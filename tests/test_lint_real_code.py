"""Precision on real, correct Keras code shipped on PyPI: the installed keras applications and keras-hub."""

from __future__ import annotations

import importlib.util
import os

import pytest

from kerasdoctor.lint.engine import lint_paths


def package_dir(name: str, *parts: str) -> str | None:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        return None
    path = os.path.join(next(iter(spec.submodule_search_locations)), *parts)
    return path if os.path.isdir(path) else None


def findings(path: str) -> list[str]:
    result = lint_paths([path], cache=False, use_config=False)
    assert result.files > 10
    return [f"{d.path}:{d.line}: {d.id} {d.message}" for d in result.diagnostics] + [f"{e.path}: {e.message}" for e in result.errors]


def test_keras_applications_are_clean() -> None:
    path = package_dir("keras", "src", "applications")
    if path is None:
        pytest.skip("keras is not installed")
    assert findings(path) == []


@pytest.mark.slow
def test_keras_hub_is_clean() -> None:
    path = package_dir("keras_hub", "src")
    if path is None:
        pytest.skip("keras-hub is not installed")
    assert [f for f in findings(path) if "_test.py" not in f.split(":")[0]] == []

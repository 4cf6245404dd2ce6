"""``[tool.kerasdoctor]`` in ``pyproject.toml``, found by walking up from a path."""

from __future__ import annotations

import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def find_pyproject(start: str) -> str | None:
    """The nearest pyproject.toml at or above ``start`` that has a [tool.kerasdoctor] table."""
    current = os.path.abspath(start)
    if os.path.isfile(current):
        current = os.path.dirname(current)
    while True:
        candidate = os.path.join(current, "pyproject.toml")
        try:
            with open(candidate, "rb") as handle:
                if b"[tool.kerasdoctor" in handle.read():
                    return candidate
        except OSError:
            pass
        parent = os.path.dirname(current)
        if parent == current:
            return None
        current = parent


def find_project_config(start: str) -> tuple[dict[str, Any], str | None]:
    """The [tool.kerasdoctor] table and the directory it was found in (paths in it are relative to that)."""
    path = find_pyproject(start)
    if path is None:
        return {}, None
    try:
        import tomllib
    except ImportError:  # pragma: no cover - Python < 3.11
        import tomli as tomllib  # type: ignore[no-redef]
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ValueError(f"{path}: cannot read [tool.kerasdoctor]: {exc}") from None
    table = data.get("tool", {}).get("kerasdoctor", {})
    if not isinstance(table, dict):
        raise ValueError(f"{path}: [tool.kerasdoctor] must be a table")
    return table, os.path.dirname(path)

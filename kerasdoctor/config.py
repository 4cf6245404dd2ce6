"""``[tool.kerasdoctor]`` in ``pyproject.toml``, found by walking up from a path."""

from __future__ import annotations

import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any


# every key of [tool.kerasdoctor]; `kerasdoctor lint` refuses others (exit 2), explain and the hook warn
KNOWN_KEYS = ("select", "ignore", "extend-select", "extend_select", "per-file-ignores", "per_file_ignores", "exclude", "rules", "target")


def unknown_key_message(table: dict[str, Any], root: str) -> str | None:
    """One line naming the first unknown key, the file, and the closest known key; None when all are known."""
    unknown = [key for key in table if key not in KNOWN_KEYS]
    if not unknown:
        return None
    from difflib import get_close_matches

    key = unknown[0]
    close = get_close_matches(key, KNOWN_KEYS, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else f" (known: {', '.join(k for k in KNOWN_KEYS if '_' not in k)})"
    return f"{os.path.join(root, 'pyproject.toml')}: unknown key {key!r} in [tool.kerasdoctor]{hint}"


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


def extra_rule_dirs(start: str, cli_dirs: Sequence[str] = ()) -> tuple[list[str], list[str]]:
    """Rule directories beyond the built-in ones, and warnings about the configuration.

    From ``KERASDOCTOR_RULES`` (os.pathsep-separated: a running script has no command
    line of ours), ``rules = [...]`` in ``[tool.kerasdoctor]`` (relative to that
    pyproject.toml), then ``--rules`` on the command line.
    """
    dirs = [d for d in os.environ.get("KERASDOCTOR_RULES", "").split(os.pathsep) if d]
    warnings: list[str] = []
    try:
        table, root = find_project_config(start)
    except ValueError as exc:
        warnings.append(str(exc))
    else:
        unknown = unknown_key_message(table, root) if root else None
        if unknown:
            warnings.append(unknown)
        configured = table.get("rules", [])
        if isinstance(configured, str):
            configured = [configured]
        if root and isinstance(configured, list):
            dirs += [os.path.join(root, str(d)) for d in configured]
        elif configured:
            warnings.append(f"{os.path.join(root or '', 'pyproject.toml')}: [tool.kerasdoctor] rules must be a list of directories")
    dirs += list(cli_dirs)
    return list(dict.fromkeys(dirs)), warnings

"""Which rules run where: ``--select/--ignore/--extend-select``, ``[tool.kerasdoctor]``, per-file ignores.

A selector is a rule id (``KD001``), an id prefix (``KD0``, ``KD``), a rule
name (``lambda-layer-serialization``) or ``ALL``. pyproject.toml is found by
walking up from the first linted path; its keys: ``select``, ``ignore``,
``extend-select``, ``per-file-ignores`` (glob -> selectors), ``exclude``
(globs), ``rules`` (extra rule directories, relative to the file) and
``target`` (``keras2``, ``keras3`` or ``tf1``: see lint/target.py); the
``KERASDOCTOR_RULES`` environment variable adds rule directories too. Like
ruff, an unknown key is an error (exit 2) that names the key and the file:
a misspelt ``ignore`` would otherwise be silently without effect.
"""

from __future__ import annotations

import fnmatch
import os

from kerasdoctor.lint.suppress import code_matches

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from typing import Any

    from kerasdoctor.types import Rule


class ConfigError(ValueError):
    """A bad [tool.kerasdoctor] table or selector."""


def _list(table: dict[str, Any], *keys: str) -> list[str]:
    for key in keys:
        if key in table:
            value = table[key]
            if isinstance(value, str):
                return [value]
            if isinstance(value, list) and all(isinstance(v, str) for v in value):
                return list(value)
            raise ConfigError(f"[tool.kerasdoctor] {key} must be a list of strings")
    return []


def _matches(selector: str, rule: Rule) -> bool:
    return selector.upper() == "ALL" or code_matches(selector, rule.id, rule.name)


class LintConfig:
    def __init__(self) -> None:
        self.select: list[str] | None = None
        self.ignore: list[str] = []
        self.extend_select: list[str] = []
        self.per_file_ignores: dict[str, list[str]] = {}
        self.exclude: list[str] = []
        self.rule_dirs: list[str] = []
        self.root: str | None = None
        self.target: str | None = None  # from [tool.kerasdoctor]; --target and inference are lint/target.py's

    @classmethod
    def load(cls, paths: Sequence[str], *, use_config: bool = True) -> LintConfig:
        config = cls()
        # KERASDOCTOR_RULES (os.pathsep-separated) is honoured as by explain and the runtime hook
        config.rule_dirs = [os.path.abspath(d) for d in os.environ.get("KERASDOCTOR_RULES", "").split(os.pathsep) if d]
        if not use_config:
            return config
        from kerasdoctor.config import find_project_config, unknown_key_message

        start = next((p for p in paths if p != "-"), os.getcwd())
        try:
            table, root = find_project_config(start)
        except ValueError as exc:
            raise ConfigError(str(exc)) from None
        if root is None:
            return config
        config.root = root
        unknown = unknown_key_message(table, root)
        if unknown:
            raise ConfigError(unknown)
        if "target" in table:
            from kerasdoctor.lint.target import check_target

            config.target = check_target(table["target"], f"{os.path.join(root, 'pyproject.toml')}: [tool.kerasdoctor]")
        if "select" in table:
            config.select = _list(table, "select")
        config.ignore = _list(table, "ignore")
        config.extend_select = _list(table, "extend-select", "extend_select")
        config.exclude = _list(table, "exclude")
        config.rule_dirs += [os.path.join(root, d) for d in _list(table, "rules")]
        ignores = table.get("per-file-ignores", table.get("per_file_ignores", {}))
        if not isinstance(ignores, dict):
            raise ConfigError("[tool.kerasdoctor] per-file-ignores must be a table of glob = [codes]")
        for pattern, codes in ignores.items():
            config.per_file_ignores[pattern] = [codes] if isinstance(codes, str) else list(codes)
        return config

    def merge_cli(
        self,
        *,
        select: Sequence[str] | None,
        ignore: Sequence[str],
        extend_select: Sequence[str],
        per_file_ignores: Mapping[str, Sequence[str]] | None,
        exclude: Sequence[str],
        rule_dirs: Sequence[str],
    ) -> None:
        """Command-line options win over the file: --select replaces, the others add."""
        if select is not None:
            self.select = list(select)
        self.ignore += list(ignore)
        self.extend_select += list(extend_select)
        for pattern, codes in (per_file_ignores or {}).items():
            self.per_file_ignores.setdefault(pattern, []).extend(codes)
        self.exclude += list(exclude)
        self.rule_dirs += [os.path.abspath(d) for d in rule_dirs]

    def enabled_rules(self, rules: Sequence[Rule]) -> list[Rule]:
        """Lint rules left after select/extend-select/ignore; unknown selectors are an error."""
        lint_rules = [r for r in rules if r.lint]
        for selector in [*(self.select or []), *self.ignore, *self.extend_select]:
            if selector.upper() != "ALL" and not any(code_matches(selector, r.id, r.name) for r in rules):
                raise ConfigError(f"unknown rule selector {selector!r} (use an id like KD001, a prefix like KD0, or a rule name)")
        selected = lint_rules if self.select is None else [r for r in lint_rules if any(_matches(s, r) for s in self.select)]
        extra = [r for r in lint_rules if r not in selected and any(_matches(s, r) for s in self.extend_select)]
        return [r for r in [*selected, *extra] if not any(_matches(s, r) for s in self.ignore)]

    def is_ignored_for_file(self, path: str, rule_id: str, rule_name: str) -> bool:
        if not self.per_file_ignores:
            return False
        absolute = os.path.abspath(path)
        relative = os.path.relpath(absolute, self.root) if self.root else path
        for pattern, codes in self.per_file_ignores.items():
            matched = fnmatch.fnmatch(relative, pattern) or fnmatch.fnmatch(path, pattern) or fnmatch.fnmatch(os.path.basename(path), pattern)
            if matched and any(c.upper() == "ALL" or code_matches(c, rule_id, rule_name) for c in codes):
                return True
        return False

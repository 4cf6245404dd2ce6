"""Build ``kerasdoctor/data/tf1_renames.json``: what TF 2 did with each TF 1.x symbol.

The source of truth is TensorFlow's own upgrade script, ``tf_upgrade_v2``, shipped in
the TensorFlow wheel under ``tensorflow/tools/compatibility/``: ``renames_v2.py``
(generated from the deprecated v1 endpoints), ``all_renames_v2.py`` (its manual
renames) and ``tf_upgrade_v2.py`` (functions whose arguments it also rewrites,
reorders, converts or warns about). The tables are read as Python source (``ast``),
then every name is checked against the TensorFlow installed here: a TF 1 name that
still resolves is dropped (it does not fail on TF 2), and a TF 2 name that does not
resolve is never offered as a fix.

A symbol becomes a ``renamed`` entry (a fix may apply it) only when tf_upgrade_v2
changes nothing but its name: its TF 2 name is not under ``tf.compat.v1`` and the
script has no keyword rename, argument reorder, transformer or warning for it.

    python tools/build_tf1_renames.py            # uses the installed tensorflow
    python tools/build_tf1_renames.py --check    # exit 1 when the committed file is stale
"""

from __future__ import annotations

import argparse
import ast
import importlib.util
import json
import os
import re
import sys
from typing import Any

MAX_PATTERN = 4500  # a rule's pattern may hold 5,000 characters
OUT = os.path.join(os.path.dirname(__file__), "..", "kerasdoctor", "data", "tf1_renames.json")

# tf_upgrade_v2's per-function tables that change more than the name
_ARGUMENT_TABLES = (
    "function_keyword_renames",
    "function_reorders",
    "manual_function_reorders",
    "function_warnings",
    "function_arg_warnings",
    "function_transformers",
    "change_to_function",
)


def _compat_dir() -> str:
    spec = importlib.util.find_spec("tensorflow")
    if spec is None or not spec.submodule_search_locations:
        sys.exit("tensorflow is not installed")
    return os.path.join(next(iter(spec.submodule_search_locations)), "tools", "compatibility")


def _module(path: str) -> ast.Module:
    with open(path, encoding="utf-8") as handle:
        return ast.parse(handle.read(), path)


def _literal_dict(tree: ast.Module, name: str) -> dict[str, str]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
            return dict(ast.literal_eval(node.value))
    raise SystemExit(f"{name} not found: tf_upgrade_v2's layout changed")


def _string_keys(node: ast.AST) -> set[str]:
    if not isinstance(node, ast.Dict):
        return set()
    return {k.value for k in node.keys if isinstance(k, ast.Constant) and isinstance(k.value, str)}


def _argument_changes(tree: ast.Module, reorders: dict[str, str]) -> dict[str, set[str]]:
    """Symbols whose calls tf_upgrade_v2 rewrites beyond the name, by table (self.<table> = {...} in TFAPIChangeSpec)."""
    found: dict[str, set[str]] = {name: set() for name in _ARGUMENT_TABLES}
    found["function_reorders"] |= set(reorders)
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Attribute) and target.attr in _ARGUMENT_TABLES:
                    found[target.attr] |= _string_keys(node.value)
    return found


def _dict_value(tree: ast.Module, name: str) -> ast.AST:
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
            return node.value
    raise SystemExit(f"{name} not found: tf_upgrade_v2's layout changed")


def _keyword_renames(tree: ast.Module) -> dict[str, dict[str, str]]:
    """tf_upgrade_v2's ``function_keyword_renames``: old keyword -> new keyword, per TF 1 name."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Attribute) and t.attr == "function_keyword_renames" for t in node.targets):
            found: dict[str, dict[str, str]] = {}
            if isinstance(node.value, ast.Dict):
                for key, value in zip(node.value.keys, node.value.values):
                    if isinstance(key, ast.Constant) and isinstance(key.value, str) and isinstance(value, ast.Dict):
                        try:
                            found[key.value] = dict(ast.literal_eval(value))
                        except ValueError:
                            continue
            return found
    return {}


def _cast_functions(tree: ast.Module) -> list[str]:
    """TF 1 names tf_upgrade_v2 rewrites with its ``_cast_transformer`` (``tf.to_float(x)`` -> ``tf.cast(x, tf.float32)``)."""
    for node in ast.walk(tree):
        if not isinstance(node, ast.Assign) or not isinstance(node.value, ast.Dict):
            continue
        if any(isinstance(t, ast.Attribute) and t.attr == "function_transformers" for t in node.targets):
            return sorted(
                k.value[3:]
                for k, v in zip(node.value.keys, node.value.values)
                if isinstance(k, ast.Constant) and isinstance(k.value, str) and isinstance(v, ast.Name) and v.id == "_cast_transformer"
            )
    return []


def _resolves(tf: object, name: str) -> bool:
    obj = tf
    for part in name.split(".")[1:]:
        try:
            obj = getattr(obj, part)
        except Exception:  # noqa: BLE001 - Keras 3's compat.v1.layers raises AttributeError with its own text, others ImportError
            return False
    return True


def build() -> dict[str, object]:
    folder = _compat_dir()
    renames = _literal_dict(_module(os.path.join(folder, "renames_v2.py")), "renames")
    renames.update(_literal_dict(_module(os.path.join(folder, "all_renames_v2.py")), "manual_symbol_renames"))
    reorders = _literal_dict(_module(os.path.join(folder, "reorders_v2.py")), "reorders")
    upgrade = _module(os.path.join(folder, "tf_upgrade_v2.py"))
    tables = _argument_changes(upgrade, reorders)
    changed_arguments = set().union(*tables.values())
    # only keywords renamed: a call passing none of them, or only renamed (not dropped) ones, keeps its meaning
    only_keywords = tables["function_keyword_renames"] - set().union(*(v for k, v in tables.items() if k != "function_keyword_renames"))
    keyword_renames = _keyword_renames(upgrade)
    deprecated_modules = _string_keys(_dict_value(_module(os.path.join(folder, "module_deprecations_v2.py")), "MODULE_DEPRECATIONS"))

    import tensorflow as tf

    renamed: dict[str, str] = {}
    arguments_changed: dict[str, str] = {}
    compat_v1: dict[str, int] = {}
    gone: dict[str, str] = {}
    keywords: dict[str, dict[str, str]] = {}
    keyword_only: list[str] = []
    for old, new in sorted(renames.items()):
        if not old.startswith("tf.") or old.startswith("tf.keras.") or _resolves(tf, old):
            continue  # tf.keras.* belongs to Keras's own migration
        key = old[3:]
        if new.startswith("tf.compat.v1."):
            compat_v1[key] = int(_resolves(tf, new))  # 0: tf.compat.v1 has it no more either (tf.compat.v1.layers on Keras 3)
        elif not new.startswith("tf.") or not _resolves(tf, new):
            gone[key] = new
        elif old in changed_arguments:
            arguments_changed[key] = new[3:]
            if old in keyword_renames:
                keywords[key] = keyword_renames[old]
            if old in only_keywords:
                keyword_only.append(key)
        else:
            renamed[key] = new[3:]
    # modules gone from TF 2 whose every symbol moved (`tf.logging`, `tf.layers`, `tf.gfile`): a bare reference to the module
    modules: dict[str, str] = {}
    for key in [*renamed, *arguments_changed, *compat_v1, *gone]:
        parts = key.split(".")
        for depth in range(1, len(parts)):
            module = ".".join(parts[:depth])
            if module not in modules and not _resolves(tf, "tf." + module):
                modules[module] = "compat_v1" if key in compat_v1 else "moved"
            elif modules.get(module) == "compat_v1" and key not in compat_v1:
                modules[module] = "moved"
    for name in sorted(deprecated_modules):
        if name.startswith("tf.") and not _resolves(tf, name):
            modules.setdefault(name[3:], "moved")
    return {
        "source": f"tensorflow {tf.__version__}: tensorflow/tools/compatibility/ renames_v2.py, all_renames_v2.py, tf_upgrade_v2.py, reorders_v2.py",
        "renamed": renamed,
        "arguments_changed": arguments_changed,
        "compat_v1": compat_v1,
        "gone": gone,
        "keyword_renames": keywords,
        "keyword_only": keyword_only,
        "casts": [name for name in _cast_functions(upgrade) if name in compat_v1],
        "modules": dict(sorted(modules.items())),
    }


# TF 1.x names its submodules after their files ('tensorflow.python.ops.nn' before TF 1.13's generated API,
# 'tensorflow._api.v1.nn' after): an attribute missing there is older TF code meeting TF 1.x, not TF 1 code meeting
# TF 2 (TF 1.0-1.1 moved tf.nn.rnn_cell to tf.contrib.rnn). TF 2.0-2.5's tf.keras modules ('tensorflow.python.keras.
# api._v2.keras.losses', which tf.losses is) stay in.
TF2_MODULE = "(?!(?:tensorflow|tensorflow_core)\\.python\\.(?!keras\\.)|[\\w.]*_api\\.v1\\.)"


def error_patterns(data: dict[str, Any]) -> dict[str, list[str]]:
    """The AttributeError wordings TF 2 prints for each group's names, as regexes for the rules' ``errors``.

    ``tf.log`` -> "module 'tensorflow' has no attribute 'log'"; ``tf.nn.x`` -> "module
    'tensorflow._api.v2.nn' has no attribute 'x'"; ``tf.gfile.Exists`` fails at ``gfile``.
    """
    casts = set(data["casts"])
    groups = {
        "renamed": [*data["renamed"], *data["arguments_changed"], *casts],
        "removed": [*(n for n in data["compat_v1"] if n not in casts), *data["gone"], *data["modules"]],
    }
    missing_modules = set(data["modules"])
    failing: dict[str, dict[str, set[str]]] = {}
    for group, names in groups.items():
        by_module = failing[group] = {}
        for name in names:
            if name.startswith("contrib") or (group == "renamed" and name in data["compat_v1"] and name not in casts):
                continue
            parts = name.split(".")
            # the first missing component is the one the AttributeError names
            for depth in range(1, len(parts) + 1):
                if depth == len(parts) or ".".join(parts[:depth]) in missing_modules:
                    by_module.setdefault(".".join(parts[: depth - 1]), set()).add(parts[depth - 1])
                    break
    for module, attributes in failing["removed"].items():
        failing["renamed"].get(module, set()).difference_update(attributes)  # `tf.gfile` holds both kinds: the error is the removed rule's
    out: dict[str, list[str]] = {}
    for group, by_module in failing.items():
        top = sorted(by_module.pop("", set()))
        # `from tensorflow import log` fails with "cannot import name 'log' from 'tensorflow' (...)"
        patterns = [f"(?:module 'tensorflow' has no attribute|cannot import name) '(?:{'|'.join(top)})'(?! from '(?!tensorflow'))"]
        # tf.losses / tf.metrics are Keras's modules on TF 2 ('keras._tf_keras.keras.losses'); TF 2.0 printed 'tensorflow_core._api.v2.x'
        branches = [f"{re.escape(m)}' has no attribute '(?:{'|'.join(sorted(a))})" for m, a in sorted(by_module.items()) if a]
        chunk: list[str] = []
        for branch in [*branches, None]:
            if chunk and (branch is None or sum(map(len, chunk)) + len(branch) > MAX_PATTERN):
                patterns.append(f"module '{TF2_MODULE}[\\w.]*\\.(?:{'|'.join(chunk)})'")
                chunk = []
            if branch is not None:
                chunk.append(branch)
        out[group] = patterns
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when the committed file differs")
    parser.add_argument("-o", "--output", default=OUT)
    parser.add_argument("--patterns", action="store_true", help="print the rules' error patterns for the committed table")
    args = parser.parse_args()
    if args.patterns:
        with open(args.output, encoding="utf-8") as handle:
            print(json.dumps(error_patterns(json.load(handle)), indent=1))
        return 0
    text = json.dumps(build(), indent=0, sort_keys=False) + "\n"
    if args.check:
        with open(args.output, encoding="utf-8") as handle:
            return 0 if handle.read() == text else 1
    with open(args.output, "w", encoding="utf-8") as handle:
        handle.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Which Keras the linted code is written for: ``keras2``, ``keras3`` or ``tf1``.

A finding about code that breaks only on a newer Keras (``lr=``, ``fit_generator``)
is noise for a project pinned to the older one, and a construct can be fine on one
version and crash on another (``if tensor:`` in a layer's ``call``). The target is,
first found wins:

1. ``--target`` (``lint_paths(target=...)``);
2. ``target = "..."`` in ``[tool.kerasdoctor]``;
3. the project's declared dependencies, in the nearest folder at or above the
   first linted path that declares any: ``pyproject.toml`` (``[project]
   dependencies``, optional dependencies), ``requirements*.txt``, ``setup.cfg``
   (``install_requires``), ``setup.py`` (a literal ``install_requires``),
   ``environment.yml`` (conda and pip entries);
4. the installed packages (their dist-info, without importing them);
5. else ``keras3``, the Keras that ``pip install keras tensorflow`` gives today.

``keras2`` = Keras 2.x, tf.keras of TF 2.0-2.15, tf-keras; ``keras3`` = Keras 3 on
any backend; ``tf1`` = TF 1.x with tf.keras, or standalone Keras before 2.3 (which
ran on TF 1.x only).
"""

from __future__ import annotations

import os
import re

from kerasdoctor.versions import satisfies

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

TARGETS = ("tf1", "keras2", "keras3")
DEFAULT_TARGET = "keras3"

_TF_NAMES = ("tensorflow", "tensorflow-cpu", "tensorflow-gpu", "tensorflow-macos", "tensorflow-intel", "tf-nightly", "tf-nightly-cpu")
_REQUIREMENT = re.compile(r"^\s*(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*(?:\((?P<paren>[^)]*)\)|(?P<spec>[^;#@]*))")
_SETUP_PY_REQUIRES = re.compile(r"install_requires\s*=\s*\[(?P<body>[^\]]*)\]", re.S)
_STRING = re.compile(r"""(['"])(?P<text>[^'"\n]+)\1""")


class TargetError(ValueError):
    """A target name that is not one of TARGETS."""


def check_target(value: object, where: str) -> str:
    if value not in TARGETS:
        raise TargetError(f"{where}: target must be one of {', '.join(TARGETS)} (got {value!r})")
    return str(value)


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _tf_era(version: str) -> str:
    release = tuple(int(n) for n in re.findall(r"\d+", version)[:2]) or (0,)
    return "tf1" if release < (2,) else "keras2" if release < (2, 16) else "keras3"


def _keras_era(version: str) -> str:
    release = tuple(int(n) for n in re.findall(r"\d+", version)[:2]) or (0,)
    # standalone Keras before 2.3.0 runs on TF 1.x only: 2.3.0 was its first release for TF 2.0
    return "keras3" if release >= (3,) else "keras2" if release >= (2, 3) else "tf1"


def _era(specifier: str, kind: str) -> str | None:
    """The era the versions ``specifier`` allows fall in, else None (no pin, or it allows Keras 2 and 3).

    Tried on a version of each era plus the versions the specifier names; an upper bound
    such as ``tensorflow<2.16`` means Keras 2 (TF 1 only when every allowed version is 1.x).
    """
    specifier = specifier.strip().replace(" ", "")
    if not specifier:
        return None
    if re.fullmatch(r"=?[0-9][0-9a-z.+!]*", specifier):
        specifier = "==" + specifier.lstrip("=") + ".*"  # conda's `tensorflow=2.15` means 2.15.*
    classify = _tf_era if kind == "tf" else _keras_era
    probes = (
        ["1.2.2", "2.0.0", "2.2.4", "2.3.1", "2.4.0", "2.15.1", "2.16.1", "3.0.0", "3.15.0"]
        if kind == "keras"
        else ["1.15.5", "2.0.0", "2.15.1", "2.16.1", "2.21.0"]
    )
    probes += re.findall(r"\d+(?:\.\d+)*", specifier)
    eras = set()
    for version in probes:
        verdict = satisfies(version, specifier)
        if verdict is None:
            return None
        if verdict:
            eras.add(classify(version))
    if eras == {"tf1"} or eras == {"keras3"}:
        return eras.pop()
    if "keras2" in eras and "keras3" not in eras:
        return "keras2"
    return None


def target_from_requirements(requirements: Iterable[str]) -> tuple[str, str] | None:
    """The target the declared requirements pin, and the requirement that says so."""
    by_name: dict[str, tuple[str, str]] = {}
    for line in requirements:
        match = _REQUIREMENT.match(line)
        if not match:
            continue
        name = _normal(match.group("name"))
        spec = (match.group("paren") or match.group("spec") or "").strip()
        if name.startswith("tensorflow") or name.startswith("tf-") or name == "keras":
            by_name.setdefault(name, (spec, line.strip()))
    for name in _TF_NAMES:
        if name in by_name and _era(by_name[name][0], "tf") == "tf1":
            return "tf1", by_name[name][1]
    for name in ("tf-keras", "tf-keras-nightly"):
        if name in by_name:
            return "keras2", by_name[name][1]
    tf_pin = next(((era, by_name[name][1]) for name in _TF_NAMES if name in by_name and (era := _era(by_name[name][0], "tf"))), None)
    if "keras" in by_name:
        era = _era(by_name["keras"][0], "keras")
        if era is not None and not (era == "tf1" and tf_pin):  # an old Keras beside a TF 2 pin: TF says more
            return era, by_name["keras"][1]
    return tf_pin


def _pyproject_requirements(path: str) -> list[str]:
    try:
        import tomllib
    except ImportError:  # pragma: no cover - Python < 3.11
        import tomli as tomllib  # type: ignore[no-redef]
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except (OSError, ValueError):
        return []
    project = data.get("project")
    if not isinstance(project, dict):
        project = {}
    found: list[str] = [d for d in project.get("dependencies") or [] if isinstance(d, str)]
    optional = project.get("optional-dependencies")
    if isinstance(optional, dict):
        for extra in optional.values():
            found += [d for d in extra or [] if isinstance(d, str)]
    poetry = data.get("tool", {}).get("poetry", {}).get("dependencies") if isinstance(data.get("tool"), dict) else None
    if isinstance(poetry, dict):
        for name, spec in poetry.items():
            version = spec.get("version") if isinstance(spec, dict) else spec
            if isinstance(version, str):
                found.append(f"{name}{_poetry_spec(version)}")
    return found


def _poetry_spec(version: str) -> str:
    """Poetry's ``^2.15`` / ``~2.15`` / ``2.15.0`` as a PEP 440 specifier (major-bounded like Poetry)."""
    version = version.strip()
    if version.startswith(("^", "~")) and not version.startswith("~="):
        base = version[1:]
        parts = base.split(".")
        upper = (
            f"{int(parts[0]) + 1}"
            if version[0] == "^" and parts[0] != "0"
            else ".".join([parts[0], str(int(parts[1]) + 1)] if len(parts) > 1 else [str(int(parts[0]) + 1)])
        )
        return f">={base},<{upper}"
    if version and version[0].isdigit():
        return f"=={version}"
    return version


def _text_lines(path: str) -> list[str]:
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return handle.read().splitlines()
    except OSError:
        return []


def _setup_cfg_requirements(path: str) -> list[str]:
    import configparser

    parser = configparser.ConfigParser()
    try:
        parser.read(path, encoding="utf-8")
        value = parser.get("options", "install_requires", fallback="")
    except (configparser.Error, UnicodeDecodeError):
        return []
    return [line for line in value.splitlines() if line.strip()]


def _setup_py_requirements(path: str) -> list[str]:
    """Only a literal list: the file is never run."""
    text = "\n".join(_text_lines(path))
    match = _SETUP_PY_REQUIRES.search(text)
    return [m.group("text") for m in _STRING.finditer(match.group("body"))] if match else []


def _environment_requirements(path: str) -> list[str]:
    import yaml

    try:
        with open(path, encoding="utf-8") as handle:
            data = yaml.safe_load(handle)
    except (OSError, yaml.YAMLError, UnicodeDecodeError):
        return []
    found: list[str] = []
    for entry in (data or {}).get("dependencies") or [] if isinstance(data, dict) else []:
        if isinstance(entry, str):
            # conda: `tensorflow=2.15`, `conda-forge::keras>=3`
            found.append(entry.split("::")[-1].replace(" ", ""))
        elif isinstance(entry, dict):
            found += [p for p in entry.get("pip") or [] if isinstance(p, str)]
    return found


def declared_requirements(folder: str) -> list[tuple[str, list[str]]]:
    """(file, requirements) for each dependency file directly in ``folder``."""
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return []
    out: list[tuple[str, list[str]]] = []
    for name in names:
        path = os.path.join(folder, name)
        if name == "pyproject.toml":
            out.append((path, _pyproject_requirements(path)))
        elif name.startswith("requirements") and name.endswith((".txt", ".in")):
            out.append((path, [line for line in _text_lines(path) if not line.lstrip().startswith(("#", "-"))]))
        elif name == "setup.cfg":
            out.append((path, _setup_cfg_requirements(path)))
        elif name == "setup.py":
            out.append((path, _setup_py_requirements(path)))
        elif name in ("environment.yml", "environment.yaml"):
            out.append((path, _environment_requirements(path)))
    return [(path, reqs) for path, reqs in out if reqs]


def target_from_project(start: str) -> tuple[str, str] | None:
    """The target the nearest declared dependencies at or above ``start`` pin, and why."""
    current = os.path.abspath(start)
    if not os.path.isdir(current):
        current = os.path.dirname(current)
    while True:
        declared = declared_requirements(current)
        for path, requirements in declared:
            found = target_from_requirements(requirements)
            if found is not None:
                return found[0], f"{os.path.relpath(path)} declares {found[1]}"
        if declared:
            return None  # the project's own dependency files do not pin Keras: do not look past them
        parent = os.path.dirname(current)
        if parent == current:
            return None
        current = parent


def target_from_installed(installed: Mapping[str, str] | None = None) -> tuple[str, str] | None:
    """The target the installed TensorFlow / Keras imply (read from dist-info, nothing imported)."""
    if installed is None:
        from kerasdoctor.versions import installed_versions

        installed = installed_versions()
    tf, keras = installed.get("tensorflow"), installed.get("keras")
    if tf and _era(f"=={tf}", "tf") == "tf1":
        return "tf1", f"tensorflow {tf} is installed"
    if os.environ.get("TF_USE_LEGACY_KERAS") in ("1", "true", "True") and installed.get("tf_keras"):
        return "keras2", f"TF_USE_LEGACY_KERAS with tf-keras {installed['tf_keras']} installed"
    if keras:
        era = _era(f"=={keras}", "keras")
        if era and not (era == "tf1" and tf):
            return era, f"keras {keras} is installed"
    if tf:
        era = _era(f"=={tf}", "tf")
        if era:
            return era, f"tensorflow {tf} is installed"
    return None


def resolve_target(explicit: str | None, configured: object, start: str) -> tuple[str, str]:
    """The target and a short reason, for the report (``--target``, config, declared, installed, default)."""
    if explicit is not None:
        return check_target(explicit, "--target"), "--target"
    if configured is not None:
        return check_target(configured, "[tool.kerasdoctor]"), "[tool.kerasdoctor] target"
    found = target_from_project(start) or target_from_installed()
    if found is not None:
        return found
    return DEFAULT_TARGET, "the default (no Keras or TensorFlow declared or installed)"


def rule_targets(lint: Mapping[str, object] | None) -> tuple[str, ...]:
    """The targets a rule's ``lint.targets`` names (all of them when absent)."""
    value = (lint or {}).get("targets")
    if value is None:
        return TARGETS
    return tuple([value] if isinstance(value, str) else value)  # type: ignore[arg-type]

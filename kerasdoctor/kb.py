"""Load, validate and cache the knowledge base: one YAML rule per error family.

YAML parsing (~30 ms for the import alone) and regex compilation happen once per
change of the rule files; later runs read a marshalled snapshot from the cache
directory, so a cold ``kerasdoctor explain`` stays close to bare interpreter start-up.
"""

from __future__ import annotations

import marshal
import os
import re
import sys
from functools import cache

from kerasdoctor import __version__
from kerasdoctor.lazyre import lazy
from kerasdoctor.types import ErrorPattern, Rule

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator
    from typing import Any

SEVERITIES = ("error", "warning", "info")
CATEGORIES = (
    "saving",
    "graph",
    "python",
    "data",
    "shapes",
    "training",
    "versions",
    "hardware",
    "syntax",
    "io",
)
KINDS = ("exception", "warning", "log", "progress")
WHERE_KEYS = ("raised_in", "not_raised_in", "frame_function")
VERSIONED_PACKAGES = ("keras", "tensorflow", "tf_keras", "python")
TOP_KEYS = ("id", "name", "title", "severity", "category", "applies_to", "docs", "errors", "lint", "examples")
DOCS_KEYS = ("what", "why", "fix", "example", "references", "notes")
ERROR_KEYS = ("pattern", "type", "kind", "versions", "confidence", "where", "involves")
EXAMPLE_KEYS = ("errors", "not_errors", "bad", "good")
ERROR_EXAMPLE_KEYS = ("text", "versions", "source")
# docs.example.runs: how the real-backend tests run the bad/good pair, or why they cannot
RUN_STACKS = ("k3", "k2", "jax")
RUN_KEYS = ("stack", "setup", "expect", "symptom", "check", "fresh", "skip")
RUN_EXPECTS = ("error", "output", "symptom")
_ID = lazy(r"KD\d{3}\Z")
_NAME = lazy(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")
_SPECIFIER = lazy(r"\s*(?:(?:~=|==|!=|<=|>=|<|>)\s*[0-9][0-9a-z.*+!-]*\s*)(?:,\s*(?:~=|==|!=|<=|>=|<|>)\s*[0-9][0-9a-z.*+!-]*\s*)*\Z")
_CACHE_FORMAT = 2


class RuleSet:
    """The loaded rules, indexed by id and name, and what was wrong with the files."""

    def __init__(self, rules: list[Rule], problems: list[str], dirs: tuple[str, ...]) -> None:
        self.rules = sorted(rules, key=lambda r: r.id)
        self.problems = problems
        self.dirs = dirs
        self._by_key = {r.id: r for r in self.rules}
        self._by_key.update({r.name: r for r in self.rules})

    def __len__(self) -> int:
        return len(self.rules)

    def __iter__(self) -> Iterator[Rule]:
        return iter(self.rules)

    def get(self, key: str) -> Rule | None:
        """A rule by id (``KD001``, case-insensitive) or name."""
        return self._by_key.get(key) or self._by_key.get(key.upper())

    def by_id(self, rule_id: str) -> Rule:
        return self._by_key[rule_id]


def builtin_rules_dir() -> str:
    """The rules shipped with kerasdoctor: inside the package in a wheel, ../rules in a checkout."""
    here = os.path.dirname(os.path.abspath(__file__))
    packaged = os.path.join(here, "rules")
    if os.path.isdir(packaged):
        return packaged
    return os.path.join(os.path.dirname(here), "rules")


def cache_dir() -> str | None:
    """Where snapshots go; None disables caching."""
    if os.environ.get("KERASDOCTOR_NO_CACHE"):
        return None
    explicit = os.environ.get("KERASDOCTOR_CACHE_DIR")
    if explicit:
        return explicit
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "kerasdoctor")


@cache
def compile_pattern(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.MULTILINE)


def required_literal(pattern: str) -> str | None:
    """The longest substring (lower-cased) that every match of ``pattern`` contains.

    Checking ``literal in message`` first lets a search over a thousand rules skip
    almost every regex without compiling it.
    """
    if sys.version_info >= (3, 11):
        from re import _constants as sre_constants  # type: ignore[attr-defined]
        from re import _parser as sre_parse  # type: ignore[attr-defined]
    else:  # pragma: no cover - exercised on older interpreters only
        import sre_constants
        import sre_parse
    try:
        parsed = sre_parse.parse(pattern)
    except re.error:
        return None
    best = ""

    def walk(items: Any) -> None:
        nonlocal best
        run: list[str] = []
        for op, arg in items:
            if op is sre_constants.LITERAL:
                run.append(chr(arg))
                continue
            candidate = "".join(run)
            if len(candidate) > len(best):
                best = candidate
            run = []
            if op is sre_constants.SUBPATTERN:
                walk(arg[-1])
            elif op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT) and arg[0] >= 1:
                walk(arg[2])
        candidate = "".join(run)
        if len(candidate) > len(best):
            best = candidate

    walk(parsed)
    return best.lower() if len(best) >= 3 else None


def _as_tuple(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value)


def _check_keys(where: str, data: dict[str, Any], allowed: tuple[str, ...], problems: list[str]) -> None:
    for key in data:
        if key not in allowed:
            problems.append(f"{where}: unknown key {key!r} (allowed: {', '.join(allowed)})")


def _lint_section_problems(section: Any) -> list[str]:
    """Delegate the lint section's schema to the lint package, which owns it."""
    try:
        from kerasdoctor.lint.schema import validate_lint_section
    except ImportError:
        return [] if isinstance(section, dict) else ["must be a mapping"]
    return list(validate_lint_section(section))


def validate_rule(data: Any, path: str) -> list[str]:
    """Every problem of one parsed rule file, each naming the file and the field."""
    problems: list[str] = []
    if not isinstance(data, dict):
        return [f"{path}: a rule file must be a YAML mapping, got {type(data).__name__}"]
    _check_keys(path, data, TOP_KEYS, problems)
    for key in ("id", "name", "title", "severity", "category", "docs", "errors", "examples"):
        if key not in data:
            problems.append(f"{path}: {key}: missing")
    rule_id, name = data.get("id"), data.get("name")
    if "id" in data and not (isinstance(rule_id, str) and _ID.match(rule_id)):
        problems.append(f"{path}: id: {rule_id!r} is not of the form KD123")
    if "name" in data and not (isinstance(name, str) and _NAME.match(name)):
        problems.append(f"{path}: name: {name!r} is not kebab-case")
    if isinstance(rule_id, str) and isinstance(name, str):
        expected = f"{rule_id}-{name}.yaml"
        if os.path.basename(path) != expected:
            problems.append(f"{path}: file name must be {expected}")
    if "title" in data and not (isinstance(data["title"], str) and data["title"].strip()):
        problems.append(f"{path}: title: must be a non-empty string")
    if "severity" in data and data["severity"] not in SEVERITIES:
        problems.append(f"{path}: severity: {data['severity']!r} is not one of {', '.join(SEVERITIES)}")
    if "category" in data and data["category"] not in CATEGORIES:
        problems.append(f"{path}: category: {data['category']!r} is not one of {', '.join(CATEGORIES)}")
    applies_to = data.get("applies_to", {})
    if not isinstance(applies_to, dict):
        problems.append(f"{path}: applies_to: must be a mapping")
    else:
        for package, spec in applies_to.items():
            if package not in VERSIONED_PACKAGES:
                problems.append(f"{path}: applies_to.{package}: unknown package (allowed: {', '.join(VERSIONED_PACKAGES)})")
            elif not (isinstance(spec, str) and _SPECIFIER.match(spec)):
                problems.append(f"{path}: applies_to.{package}: {spec!r} is not a version specifier like '>=3.0'")
    _validate_docs(path, data.get("docs"), problems)
    errors = data.get("errors")
    if "errors" in data and not isinstance(errors, list):
        problems.append(f"{path}: errors: must be a list (may be empty)")
        errors = []
    for i, entry in enumerate(errors or []):
        _validate_error(f"{path}: errors[{i}]", entry, problems)
    if data.get("lint") is not None:
        problems.extend(f"{path}: lint: {p}" for p in _lint_section_problems(data["lint"]))
    _validate_examples(path, data.get("examples"), bool(errors), problems)
    return problems


def _validate_docs(path: str, docs: Any, problems: list[str]) -> None:
    if docs is None:
        return
    if not isinstance(docs, dict):
        problems.append(f"{path}: docs: must be a mapping")
        return
    _check_keys(f"{path}: docs", docs, DOCS_KEYS, problems)
    for key in ("what", "why", "fix"):
        if not (isinstance(docs.get(key), str) and docs[key].strip()):
            problems.append(f"{path}: docs.{key}: missing or empty")
    example = docs.get("example")
    if not isinstance(example, dict) or not all(isinstance(example.get(k), str) and example[k].strip() for k in ("bad", "good")):
        problems.append(f"{path}: docs.example: needs non-empty 'bad' and 'good' code")
    elif example.get("runs") is not None:
        _validate_runs(f"{path}: docs.example.runs", example["runs"], problems)
    refs = docs.get("references")
    if not (isinstance(refs, list) and refs and all(isinstance(r, str) and r.strip() for r in refs)):
        problems.append(f"{path}: docs.references: needs at least one reference (URL)")


def _validate_runs(where: str, runs: Any, problems: list[str]) -> None:
    if not isinstance(runs, dict):
        problems.append(f"{where}: must be a mapping with 'stack' or 'skip'")
        return
    _check_keys(where, runs, RUN_KEYS, problems)
    if "skip" in runs:
        if not (isinstance(runs["skip"], str) and runs["skip"].strip()):
            problems.append(f"{where}.skip: say why the example cannot run here")
        if set(runs) - {"skip"}:
            problems.append(f"{where}: 'skip' excludes the other keys")
        return
    stacks = _as_tuple(runs.get("stack"))
    if not stacks or any(s not in RUN_STACKS for s in stacks):
        problems.append(f"{where}.stack: one or a list of {', '.join(RUN_STACKS)}")
    if runs.get("expect") not in RUN_EXPECTS:
        problems.append(f"{where}.expect: what the bad example does: {' or '.join(RUN_EXPECTS)}")
    if (runs.get("expect") == "symptom") != isinstance(runs.get("symptom"), str):
        problems.append(f"{where}.symptom: code asserting the silent symptom, exactly when expect is 'symptom'")
    for key in ("setup", "check"):
        if key in runs and not isinstance(runs[key], str):
            problems.append(f"{where}.{key}: must be code (a string)")
    if not isinstance(runs.get("fresh", False), bool):
        problems.append(f"{where}.fresh: true or false")


def _validate_error(where: str, entry: Any, problems: list[str]) -> None:
    if not isinstance(entry, dict):
        problems.append(f"{where}: must be a mapping with a 'pattern'")
        return
    _check_keys(where, entry, ERROR_KEYS, problems)
    pattern = entry.get("pattern")
    if not (isinstance(pattern, str) and pattern):
        problems.append(f"{where}.pattern: missing")
    else:
        try:
            re.compile(pattern)
        except re.error as exc:
            problems.append(f"{where}.pattern: bad regex: {exc}")
    if not (isinstance(entry.get("versions"), str) and entry["versions"].strip()):
        problems.append(f"{where}.versions: say which versions print this wording")
    types = entry.get("type")
    if types is not None and not (isinstance(types, str) or (isinstance(types, list) and all(isinstance(t, str) for t in types))):
        problems.append(f"{where}.type: must be a class name or a list of them")
    if entry.get("kind") is not None and entry["kind"] not in KINDS:
        problems.append(f"{where}.kind: {entry['kind']!r} is not one of {', '.join(KINDS)}")
    confidence = entry.get("confidence", 0.9)
    if not (isinstance(confidence, (int, float)) and 0 < confidence <= 1):
        problems.append(f"{where}.confidence: must be a number in (0, 1]")
    involves = entry.get("involves", [])
    if not (isinstance(involves, list) and all(p in VERSIONED_PACKAGES for p in involves)):
        problems.append(f"{where}.involves: must be a list of {', '.join(VERSIONED_PACKAGES)}")
    conditions = entry.get("where", {})
    if not isinstance(conditions, dict):
        problems.append(f"{where}.where: must be a mapping")
    else:
        _check_keys(f"{where}.where", conditions, WHERE_KEYS, problems)


def _validate_examples(path: str, examples: Any, has_errors: bool, problems: list[str]) -> None:
    if examples is None:
        return
    if not isinstance(examples, dict):
        problems.append(f"{path}: examples: must be a mapping")
        return
    _check_keys(f"{path}: examples", examples, EXAMPLE_KEYS, problems)
    for key in ("errors", "not_errors"):
        entries = examples.get(key) or []
        if not isinstance(entries, list):
            problems.append(f"{path}: examples.{key}: must be a list")
            continue
        for i, entry in enumerate(entries):
            where = f"{path}: examples.{key}[{i}]"
            if not isinstance(entry, dict):
                problems.append(f"{where}: must be a mapping with 'text'")
                continue
            _check_keys(where, entry, ERROR_EXAMPLE_KEYS, problems)
            if not (isinstance(entry.get("text"), str) and entry["text"].strip()):
                problems.append(f"{where}.text: missing or empty")
            if key == "errors" and not (isinstance(entry.get("source"), str) and entry["source"].strip()):
                problems.append(f"{where}.source: say where this real message comes from")
    if has_errors and not examples.get("errors"):
        problems.append(f"{path}: examples.errors: a rule that matches errors needs at least one real message example")
    for key in ("bad", "good"):
        entries = examples.get(key) or []
        if not (isinstance(entries, list) and all(isinstance(e, str) for e in entries)):
            problems.append(f"{path}: examples.{key}: must be a list of code strings")


def _normalise(data: dict[str, Any], path: str) -> dict[str, Any]:
    """A validated rule as plain data (marshal-able), with each pattern's pre-filter literal."""
    errors = []
    for entry in data.get("errors") or []:
        pattern = entry["pattern"]
        errors.append(
            {
                "pattern": pattern,
                "types": _as_tuple(entry.get("type")),
                "kind": entry.get("kind"),
                "versions": entry.get("versions", ""),
                "confidence": float(entry.get("confidence", 0.9)),
                "where": {k: _as_tuple(v) for k, v in (entry.get("where") or {}).items()},
                "literal": required_literal(pattern),
                "ignore_case": pattern.startswith("(?i"),
                "involves": _as_tuple(entry.get("involves")),
            }
        )
    return {
        "id": data["id"],
        "name": data["name"],
        "title": data["title"].strip(),
        "severity": data["severity"],
        "category": data["category"],
        "applies_to": {k: str(v) for k, v in (data.get("applies_to") or {}).items()},
        "docs": data["docs"],
        "errors": errors,
        "lint": data.get("lint"),
        "examples": data.get("examples") or {},
        "path": path,
    }


def _rule_from_plain(plain: dict[str, Any]) -> Rule:
    fields = dict(plain)
    fields["errors"] = tuple(ErrorPattern(**e) for e in plain["errors"])
    return Rule(**fields)


def rule_files(dirs: Iterable[str]) -> list[str]:
    files: list[str] = []
    for directory in dirs:
        try:
            names = sorted(os.listdir(directory))
        except OSError:
            continue
        files.extend(os.path.join(directory, n) for n in names if n.endswith((".yaml", ".yml")) and not n.startswith(("_", ".")))
    return files


def parse_rule_files(files: Iterable[str]) -> tuple[list[dict[str, Any]], list[str]]:
    """Parse and validate rule files; broken ones are reported and skipped, the rest load."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    plains: list[dict[str, Any]] = []
    problems: list[str] = []
    seen: dict[str, str] = {}
    for path in files:
        try:
            with open(path, "rb") as handle:
                data = yaml.load(handle, Loader=loader)  # noqa: S506 - a safe loader
        except OSError as exc:
            problems.append(f"{path}: cannot read: {exc.strerror or exc}")
            continue
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            at = f" (line {mark.line + 1})" if mark is not None else ""
            problems.append(f"{path}: not valid YAML{at}: {getattr(exc, 'problem', None) or exc}")
            continue
        except UnicodeDecodeError:
            problems.append(f"{path}: not valid UTF-8")
            continue
        file_problems = validate_rule(data, path)
        if not file_problems:
            for key in ("id", "name"):
                if data[key] in seen:
                    file_problems.append(f"{path}: {key}: {data[key]} is already used by {seen[data[key]]}")
        if file_problems:
            problems.extend(file_problems)
            continue
        seen[data["id"]] = seen[data["name"]] = path
        plains.append(_normalise(data, path))
    return plains, problems


def _fingerprint(files: list[str]) -> str:
    parts = [__version__, str(_CACHE_FORMAT), sys.version.split()[0]]
    for path in files:
        try:
            st = os.stat(path)
        except OSError:
            continue
        parts.append(f"{path}\0{st.st_mtime_ns}\0{st.st_size}")
    # zlib is built in and cheap to import; hashlib loads OpenSSL (~4 ms) - too slow for start-up
    import zlib

    data = "\n".join(parts).encode("utf-8", "surrogateescape")
    return f"{zlib.crc32(data):08x}{zlib.adler32(data):08x}{len(data):x}"


def _read_snapshot(path: str) -> Any:
    try:
        with open(path, "rb") as handle:
            return marshal.load(handle)  # noqa: S302 - our own snapshot, written by _write_snapshot
    except (OSError, EOFError, ValueError, TypeError):
        return None


def _write_snapshot(path: str, payload: Any) -> None:
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        tmp = f"{path}.{os.getpid()}.tmp"
        with open(tmp, "wb") as handle:
            marshal.dump(payload, handle)
        os.replace(tmp, path)
    except (OSError, ValueError):
        pass  # a read-only home only costs speed, never correctness


_LOADED: dict[tuple[str, ...], RuleSet] = {}


def load_rules(extra_dirs: Iterable[str] = (), *, use_cache: bool = True) -> RuleSet:
    """The built-in rules plus any extra rule directories, validated.

    With the cache (the default) rules carry no ``examples``; ``use_cache=False``
    parses the YAML and keeps them (tests, ``rules check``).

    Broken rule files never stop the others from loading: each problem is kept in
    ``RuleSet.problems`` as one line naming the file and the field.
    """
    # the same directory named twice (config and --rules) must not look like duplicate ids
    dirs = tuple(dict.fromkeys((builtin_rules_dir(), *(os.path.abspath(d) for d in extra_dirs))))
    if dirs in _LOADED:
        return _LOADED[dirs]
    problems: list[str] = []
    for directory in dirs[1:]:
        if not os.path.isdir(directory):
            problems.append(f"{directory}: rule directory not found")
    files = rule_files(dirs)
    snapshot_path = None
    payload = None
    base = cache_dir() if use_cache else None
    if base:
        snapshot_path = os.path.join(base, f"kb-{_fingerprint(files)}.marshal")
        payload = _read_snapshot(snapshot_path)
    if not (isinstance(payload, dict) and payload.get("format") == _CACHE_FORMAT):
        plains, parse_problems = parse_rule_files(files)
        if use_cache:
            # examples (whole tracebacks) are two thirds of the rule text and only tests and
            # `rules check` read them: leaving them out halves the snapshot's load time
            plains = [{**plain, "examples": {}} for plain in plains]
        payload = {"format": _CACHE_FORMAT, "rules": plains, "problems": parse_problems}
        if snapshot_path:
            _write_snapshot(snapshot_path, payload)
    ruleset = RuleSet([_rule_from_plain(p) for p in payload["rules"]], problems + list(payload["problems"]), dirs)
    _LOADED[dirs] = ruleset
    return ruleset


def load_rule_dir(directory: str) -> RuleSet:
    """Only the rules of one directory, uncached: for ``kerasdoctor rules check DIR``."""
    problems = [] if os.path.isdir(directory) else [f"{directory}: rule directory not found"]
    plains, parse_problems = parse_rule_files(rule_files([directory]))
    return RuleSet([_rule_from_plain(p) for p in plains], problems + parse_problems, (directory,))

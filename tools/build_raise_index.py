"""Build kerasdoctor's raise-site index from Keras / tf-keras / TensorFlow sources.

Reads release tags of git directories (no work tree needed) and plain source trees
(e.g. an unpacked wheel), finds every ``raise X(<message>)``, ``warnings.warn(<message>)``
and ``logging.warning(<message>)`` whose message has literal text, turns the message
into a template (literal parts, interpolations as holes) and writes one entry per
distinct (type, template) with the versions that carry it and a few locations.

It never downloads anything: pass the directories.  Only extracted templates and
locations are written, never library code.

    python tools/build_raise_index.py \\
        --git keras=/path/to/keras.git --git tf-keras=/path/to/tf-keras.git \\
        --tree tensorflow=1.15.0=/tmp/tf-1.15.0 --tree tensorflow=2.21.0=$SITE_PACKAGES \\
        -o kerasdoctor/data/raise_sites.bin

See docs/writing-rules.md ("The raise-site index") for where the sources come from.
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import marshal
import os
import re
import string
import subprocess
import sys
import time
import zlib
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

SCHEMA = 2
MAGIC = b"KDRAISE2\n"
# marshal (lists, dicts, str, int only) rather than JSON: reading it needs no import, and importing
# json costs more than the whole lookup; version 4 is read by every Python 3 kerasdoctor supports
MARSHAL_VERSION = 4
BLOCK_ENTRIES = 48
MAX_LOCATIONS = 8
PER_DIST_LOCATIONS = 4
DIST_ORDER = ("keras", "tf-keras", "tensorflow")
MAX_CONDITION = 160
MIN_LITERAL_CHARS = 6
MIN_KEY_LENGTH = 3
HOLE = None

# which files of each distribution hold library code (tests, examples and benchmarks do not)
INCLUDE = {
    "keras": re.compile(r"^keras/.*\.py$"),
    "tf-keras": re.compile(r"^tf_keras/.*\.py$"),
    "tensorflow": re.compile(r"^tensorflow(_core)?/(python|lite/python)/.*\.py$"),
}
EXCLUDE = re.compile(
    r"(_test|_tests|test_util|testing_utils|_benchmark)\.py$"
    r"|/(tests?|testing|benchmarks?|examples|integration_tests|kernel_tests)/|/test_[^/]*\.py$"
)
RELEASE_TAG = re.compile(r"^v?(\d+)\.(\d+)\.(\d+)$")
WARNING_CALLS = {"warn", "warning", "log_first_n", "warn_once", "warning_once"}
LOGGER_OWNERS = {"logging", "tf_logging", "logger", "log", "absl_logging", "_logging", "LOG"}
WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
PERCENT = re.compile(r"%(?:\([^)]*\))?[#0\- +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?[diouxXeEfFgGcrsa%]")


def version_key(version: str) -> tuple[int, ...]:
    return tuple(int(x) for x in re.findall(r"\d+", version)[:3])


# ---------------------------------------------------------------- templates


def _merge(pieces: list[str | None]) -> list[str | None]:
    out: list[str | None] = []
    for piece in pieces:
        if piece is HOLE:
            if out and out[-1] is HOLE:
                continue
            out.append(HOLE)
        elif piece:
            if out and out[-1] is not HOLE:
                out[-1] = str(out[-1]) + piece
            else:
                out.append(piece)
    return out


def _percent_pieces(text: str) -> list[str | None]:
    pieces: list[str | None] = []
    last = 0
    for m in PERCENT.finditer(text):
        pieces.append(text[last : m.start()])
        pieces.append("%" if m.group(0) == "%%" else HOLE)
        last = m.end()
    pieces.append(text[last:])
    return pieces


def _format_pieces(text: str) -> list[str | None]:
    pieces: list[str | None] = []
    try:
        for literal, field, _spec, _conversion in string.Formatter().parse(text):
            pieces.append(literal)
            if field is not None:
                pieces.append(HOLE)
    except ValueError:
        return [text]
    return pieces


class Templater:
    """Turns a message expression into literal pieces and holes, following local names."""

    def __init__(self, names: dict[str, ast.expr]) -> None:
        self.names = names
        self.depth = 0

    def pieces(self, node: ast.expr | None) -> list[str | None]:
        if node is None:
            return [HOLE]
        self.depth += 1
        try:
            if self.depth > 12:
                return [HOLE]
            return self._pieces(node)
        finally:
            self.depth -= 1

    def _pieces(self, node: ast.expr) -> list[str | None]:
        if isinstance(node, ast.Constant):
            return [node.value] if isinstance(node.value, str) else [HOLE]
        if isinstance(node, ast.JoinedStr):
            out: list[str | None] = []
            for value in node.values:
                if isinstance(value, ast.Constant) and isinstance(value.value, str):
                    out.append(value.value)
                else:
                    out.append(HOLE)
            return out
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            return self.pieces(node.left) + self.pieces(node.right)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
            left = self.pieces(node.left)
            out = []
            for piece in left:
                out.extend(_percent_pieces(piece) if isinstance(piece, str) else [HOLE])
            return out
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr == "format":
                base = self.pieces(node.func.value)
                out = []
                for piece in base:
                    out.extend(_format_pieces(piece) if isinstance(piece, str) else [HOLE])
                return out
            if node.func.attr in ("dedent", "strip", "rstrip", "lstrip") and (node.args or node.func.attr != "dedent"):
                return self.pieces(node.args[0] if node.func.attr == "dedent" else node.func.value)
            if node.func.attr == "join" and node.args and isinstance(node.func.value, ast.Constant) and isinstance(node.args[0], (ast.List, ast.Tuple)):
                sep = node.func.value.value if isinstance(node.func.value.value, str) else ""
                out = []
                for i, element in enumerate(node.args[0].elts):
                    if i:
                        out.append(sep)
                    out.extend(self.pieces(element))
                return out
        if isinstance(node, ast.Name) and node.id in self.names:
            value = self.names[node.id]
            if value is not node:
                return self.pieces(value)
        return [HOLE]


def template_parts(pieces: list[str | None]) -> list[str] | None:
    """Literal parts between holes (holes at both ends kept as empty parts), or None if too little text."""
    merged = _merge(pieces)
    parts: list[str] = []
    current = ""
    for piece in merged:
        if piece is HOLE:
            parts.append(current)
            current = ""
        else:
            current += piece
    parts.append(current)
    parts = [re.sub(r"\s+", " ", p) for p in parts]
    parts[0] = parts[0].lstrip()
    parts[-1] = parts[-1].rstrip()
    literal = "".join(parts)
    if sum(c.isalpha() for c in literal) < MIN_LITERAL_CHARS:
        return None
    if not any(len(w) >= MIN_KEY_LENGTH for p in parts for w in WORD.findall(p)):
        return None
    return parts


# ---------------------------------------------------------------- extraction


def _dotted(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    if isinstance(node, ast.Call):
        return _dotted(node.func)
    return ""


def _shorten(text: str, limit: int = MAX_CONDITION) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


class SiteFinder(ast.NodeVisitor):
    """Collects (kind, type, parts, qualname, condition, line) for one module."""

    def __init__(self) -> None:
        self.scope: list[str] = []
        self.conditions: list[str] = []
        self.names: list[dict[str, ast.expr]] = [{}]
        self.depths: dict[str, int] = {}
        self.sites: list[tuple[str, str, list[str], str, str, int]] = []

    # scopes
    def _scoped(self, node: ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef, is_function: bool) -> None:
        self.scope.append(node.name)
        saved_conditions = self.conditions
        self.conditions = []
        if is_function:
            self.names.append({})
        for child in node.body:
            self.visit(child)
        if is_function:
            self.names.pop()
        self.conditions = saved_conditions
        self.scope.pop()

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self._scoped(node, False)

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self._scoped(node, True)

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> None:
        self._scoped(node, True)

    # guards
    def visit_If(self, node: ast.If) -> None:
        self.visit(node.test)
        test = ast.unparse(node.test)
        self.conditions.append(test)
        for child in node.body:
            self.visit(child)
        self.conditions.pop()
        if node.orelse:
            self.conditions.append(f"not ({test})")
            for child in node.orelse:
                self.visit(child)
            self.conditions.pop()

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> None:
        caught = ast.unparse(node.type) if node.type is not None else "an exception"
        self.conditions.append(f"{caught} was raised")
        for child in node.body:
            self.visit(child)
        self.conditions.pop()

    # message variables: the last assignment seen before the raise
    def visit_Assign(self, node: ast.Assign) -> None:
        self.generic_visit(node)
        if len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            self.names[-1][node.targets[0].id] = node.value
            self.depths[node.targets[0].id] = len(self.conditions)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        self.generic_visit(node)
        if isinstance(node.target, ast.Name) and isinstance(node.op, ast.Add) and node.target.id in self.names[-1]:
            previous = self.names[-1][node.target.id]
            # appended under a condition the assignment did not have: one branch of several, so unknown text
            conditional = len(self.conditions) > self.depths.get(node.target.id, 0)
            added = ast.Name(id="<branch>") if conditional else node.value
            self.names[-1][node.target.id] = ast.BinOp(left=previous, op=ast.Add(), right=added)

    def _add(self, kind: str, type_name: str, message: ast.expr | None, line: int, lazy_percent: bool = False) -> None:
        if message is None or not type_name:
            return
        pieces = Templater(self.names[-1]).pieces(message)
        if lazy_percent:  # logging.warning("... %s ...", value): logging formats it later
            pieces = [q for p in pieces for q in (_percent_pieces(p) if isinstance(p, str) else [HOLE])]
        parts = template_parts(pieces)
        if parts is None:
            return
        condition = " and ".join(f"({c})" if len(self.conditions) > 1 else c for c in self.conditions[-2:])
        self.sites.append((kind, type_name, parts, ".".join(self.scope) or "<module>", _shorten(condition), line))

    def visit_Raise(self, node: ast.Raise) -> None:
        self.generic_visit(node)
        exc = node.exc
        if not isinstance(exc, ast.Call):
            return
        type_name = _dotted(exc.func).rsplit(".", 1)[-1]
        if not type_name[:1].isupper():
            return
        message: ast.expr | None = None
        args = exc.args
        if len(args) >= 3 and isinstance(args[0], ast.Constant) and args[0].value is None:
            message = args[2]  # tf.errors.OpError(node_def, op, message)
        elif args and not isinstance(args[0], ast.Starred):
            message = args[0]
        for keyword in exc.keywords:
            if keyword.arg in ("message", "msg"):
                message = keyword.value
        self._add("exception", type_name, message, node.lineno)

    def visit_Call(self, node: ast.Call) -> None:
        self.generic_visit(node)
        func = node.func
        if not isinstance(func, ast.Attribute) or func.attr not in WARNING_CALLS or not node.args:
            return
        owner = _dotted(func.value).rsplit(".", 1)[-1]
        if owner == "warnings" and func.attr == "warn":
            category = "UserWarning"
            if len(node.args) > 1:
                category = _dotted(node.args[1]).rsplit(".", 1)[-1] or category
            for keyword in node.keywords:
                if keyword.arg == "category":
                    category = _dotted(keyword.value).rsplit(".", 1)[-1] or category
            self._add("warning", category, node.args[0], node.lineno)
        elif owner in LOGGER_OWNERS or owner.endswith("logger") or owner.endswith("logging"):
            first = 1 if func.attr == "log_first_n" else 0
            if len(node.args) > first:
                self._add("log", "WARNING", node.args[first], node.lineno, lazy_percent=len(node.args) > first + 1 + (func.attr == "log_first_n"))


def extract_sites(source: bytes) -> list[tuple[str, str, list[str], str, str, int]]:
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return []  # Python 2 era files (Keras 1/2.0 carry a few) and non-UTF-8 files
    finder = SiteFinder()
    finder.visit(tree)
    return finder.sites


# ---------------------------------------------------------------- sources


class GitSource:
    """Release tags of one git directory, read through ``git cat-file --batch``."""

    def __init__(self, dist: str, gitdir: str, tags: list[str] | None) -> None:
        self.dist = dist
        self.gitdir = gitdir
        all_tags = subprocess.run(["git", "-C", gitdir, "tag"], capture_output=True, text=True, check=True).stdout.split()
        wanted = [t for t in all_tags if RELEASE_TAG.match(t)] if tags is None else tags
        self.tags = sorted(wanted, key=version_key)
        self.commit = subprocess.run(["git", "-C", gitdir, "rev-parse", "HEAD"], capture_output=True, text=True, check=True).stdout.strip()
        self._batch = subprocess.Popen(["git", "-C", gitdir, "cat-file", "--batch"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)

    def versions(self) -> Iterator[tuple[str, list[tuple[str, str]]]]:
        include = INCLUDE[self.dist]
        for tag in self.tags:
            listing = subprocess.run(["git", "-C", self.gitdir, "ls-tree", "-r", tag], capture_output=True, text=True, check=True).stdout
            files = []
            for line in listing.splitlines():
                meta, path = line.split("\t", 1)
                _mode, kind, sha = meta.split()
                if kind == "blob" and include.match(path) and not EXCLUDE.search(path):
                    files.append((path, sha))
            yield tag.lstrip("v"), files

    def read(self, sha: str) -> bytes:
        assert self._batch.stdin is not None and self._batch.stdout is not None
        self._batch.stdin.write(sha.encode() + b"\n")
        self._batch.stdin.flush()
        header = self._batch.stdout.readline().split()
        size = int(header[2])
        data = self._batch.stdout.read(size)
        self._batch.stdout.read(1)
        return data

    def describe(self) -> dict[str, Any]:
        return {"dist": self.dist, "kind": "git", "commit": self.commit, "versions": [t.lstrip("v") for t in self.tags]}


class TreeSource:
    """One version of a distribution as plain files (an unpacked wheel or site-packages)."""

    def __init__(self, dist: str, version: str, root: str) -> None:
        self.dist = dist
        self.version = version
        self.root = Path(root)

    def versions(self) -> Iterator[tuple[str, list[tuple[str, str]]]]:
        include = INCLUDE[self.dist]
        files = []
        for path in sorted(self.root.rglob("*.py")):
            rel = path.relative_to(self.root).as_posix()
            if include.match(rel) and not EXCLUDE.search(rel):
                files.append((rel, str(path)))
        yield self.version, files

    def read(self, key: str) -> bytes:
        return Path(key).read_bytes()

    def describe(self) -> dict[str, Any]:
        return {"dist": self.dist, "kind": "tree", "versions": [self.version]}


# ---------------------------------------------------------------- index


def version_ranges(present: set[str], scanned: list[str]) -> str:
    """'3.0.0-3.15.1' style runs of consecutive scanned versions."""
    runs: list[list[str]] = []
    previous_in = False
    for version in scanned:
        if version in present:
            if previous_in:
                runs[-1].append(version)
            else:
                runs.append([version])
            previous_in = True
        else:
            previous_in = False
    return ", ".join(run[0] if len(run) == 1 else f"{run[0]}-{run[-1]}" for run in runs)


def key_word(parts: list[str], frequency: Counter[str]) -> str | None:
    """The rarest word that every rendering of the template contains whole (not touching a hole)."""
    candidates = []
    last = len(parts) - 1
    for i, part in enumerate(parts):
        for m in WORD.finditer(part):
            word = m.group(0)
            if len(word) < MIN_KEY_LENGTH:
                continue
            if (m.start() == 0 and i > 0) or (m.end() == len(part) and i < last):
                continue  # glued to an interpolation: the rendered word may be longer
            candidates.append(word.lower())
    if not candidates:
        return None
    return min(candidates, key=lambda w: (frequency[w], -len(w), w))


def pick_locations(found: dict[tuple[str, str, str, int], tuple[str, tuple[int, ...]]]) -> list[list[Any]]:
    """A few locations, newest first within each distribution, every distribution represented.

    The user's traceback names one of them; the reader puts that one first.
    """
    by_dist: dict[str, list[tuple[tuple[int, ...], tuple[str, str, str, int]]]] = defaultdict(list)
    for location, (dist, version) in found.items():
        by_dist[dist].append((version, location))
    picked: list[list[Any]] = []
    for dist in sorted(by_dist, key=lambda d: DIST_ORDER.index(d) if d in DIST_ORDER else len(DIST_ORDER)):
        functions: set[tuple[str, str]] = set()
        for _version, (path, qualname, condition, line) in sorted(by_dist[dist], reverse=True):
            if (path, qualname) in functions or len(functions) >= PER_DIST_LOCATIONS:
                continue
            functions.add((path, qualname))
            picked.append([path, qualname, condition, line])
    return picked[:MAX_LOCATIONS]


def group_key(type_name: str, location: list[Any]) -> str:
    """One check across versions: the same type raised under the same condition in the same function of a same-named file.

    The condition is part of it: one function often raises several unrelated errors.
    """
    path, qualname, condition = location[0], location[1], location[2]
    # a package's __init__.py is named by its package (losses/__init__.py is not regularizers/__init__.py)
    name = "/".join(path.split("/")[-2:]) if path.endswith("/__init__.py") else path.rsplit("/", 1)[-1]
    return f"{type_name}|{name}|{qualname}|{' '.join(condition.split())}"


def build(sources: list[GitSource | TreeSource], log: bool = True) -> dict[str, Any]:
    parsed: dict[str, list[tuple[str, str, list[str], str, str, int]]] = {}
    # (kind, type, parts tuple) -> dist -> set(versions); and -> locations -> newest version seen
    seen: dict[tuple[str, str, tuple[str, ...]], dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    where: dict[tuple[str, str, tuple[str, ...]], dict[tuple[str, str, str, int], tuple[str, tuple[int, ...]]]] = defaultdict(dict)
    scanned: dict[str, list[str]] = defaultdict(list)
    sites_total = 0
    for source in sources:
        for version, files in source.versions():
            start = time.time()
            scanned[source.dist].append(version)
            for path, key in files:
                cache_key = key if isinstance(source, GitSource) else hashlib.sha1(source.read(key)).hexdigest()  # noqa: S324 - a content key, not security
                if cache_key not in parsed:
                    parsed[cache_key] = extract_sites(source.read(key))
                for kind, type_name, parts, qualname, condition, line in parsed[cache_key]:
                    sites_total += 1
                    ident = (kind, type_name, tuple(parts))
                    seen[ident][source.dist].add(version)
                    location = (path, qualname, condition, line)
                    rank = (source.dist, version_key(version))
                    current = where[ident].get(location)
                    if current is None or rank > current:
                        where[ident][location] = rank
            if log:
                print(f"{source.dist} {version}: {len(files)} files, {len(seen)} templates so far ({time.time() - start:.1f} s)", file=sys.stderr)
    for dist in scanned:
        scanned[dist] = sorted(set(scanned[dist]), key=version_key)
    frequency: Counter[str] = Counter()
    for _kind, _type, template in seen:
        frequency.update({w.lower() for p in template for w in WORD.findall(p)})
    entries: list[dict[str, Any]] = []
    skipped = 0
    for ident, per_dist in seen.items():
        kind, type_name, template = ident
        word = key_word(list(template), frequency)
        if word is None:
            skipped += 1
            continue
        versions = {dist: version_ranges(per_dist[dist], scanned[dist]) for dist in sorted(per_dist)}
        locations = pick_locations(where[ident])
        group = group_key(type_name, locations[0])
        entries.append({"key": word, "kind": kind, "type": type_name, "parts": list(template), "versions": versions, "where": locations, "group": group})
    entries.sort(key=lambda e: (e["key"], e["type"], e["parts"]))
    groups: dict[str, list[int]] = defaultdict(list)
    for i, entry in enumerate(entries):
        groups[entry["group"]].append(i)
    sibling_groups = {g: ids for g, ids in groups.items() if len(ids) > 1}
    return {
        "entries": entries,
        "groups": sibling_groups,
        "scanned": dict(scanned),
        "sources": [s.describe() for s in sources],
        "stats": {"sites": sites_total, "templates": len(entries), "skipped_without_key": skipped, "files_parsed": len(parsed)},
    }


def _blocks(records: list[Any], key_of: Any, out: bytearray, base: int) -> list[list[Any]]:
    table = []
    for start in range(0, len(records), BLOCK_ENTRIES):
        chunk = records[start : start + BLOCK_ENTRIES]
        data = zlib.compress(marshal.dumps(chunk, MARSHAL_VERSION), 9)
        table.append([key_of(chunk[0]), base + len(out), len(data)])
        out += data
    return table


def write_index(index: dict[str, Any], path: str) -> int:
    """Header (uncompressed: versions, sources, block tables) then zlib blocks, all marshalled.

    Entries are sorted by their key word and cut into blocks, so a lookup reads the
    small header and decompresses only the blocks whose key range holds a word of
    the message: loading the whole index would cost more than a cold explain.
    """
    entries = index["entries"]
    for i, entry in enumerate(entries):
        entry["id"] = i
    rows = [[e["key"], e["id"], e["kind"], e["type"], e["parts"], e["versions"], e["where"], e["group"]] for e in entries]
    group_rows = sorted([g, ids] for g, ids in index["groups"].items())
    body = bytearray()
    entry_table = _blocks(rows, lambda row: row[0], body, 0)
    group_table = _blocks(group_rows, lambda row: row[0], body, 0)
    header = {
        "schema": SCHEMA,
        "generated_by": "tools/build_raise_index.py",
        "sources": index["sources"],
        "scanned": index["scanned"],
        "stats": index["stats"],
        "entry_blocks": entry_table,
        "group_blocks": group_table,
        "block_size": BLOCK_ENTRIES,
        # every key word, so a lookup opens only blocks that hold one of the message's words
        "keys": "\n".join(sorted({row[0] for row in rows})),
    }
    head = marshal.dumps(header, MARSHAL_VERSION)
    data = MAGIC + len(head).to_bytes(8, "little") + head + bytes(body)
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    Path(path).write_bytes(data)
    return len(data)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--git", action="append", default=[], metavar="DIST=GITDIR", help="a git directory; every release tag (vX.Y.Z) is read")
    parser.add_argument("--tags", action="append", default=[], metavar="DIST=T1,T2", help="read only these tags of DIST's git directory")
    parser.add_argument(
        "--tree", action="append", default=[], metavar="DIST=VERSION=DIR", help="a directory holding one version's package (e.g. an unpacked wheel)"
    )
    parser.add_argument("-o", "--output", default="kerasdoctor/data/raise_sites.bin")
    args = parser.parse_args(argv)
    tags = dict(spec.split("=", 1) for spec in args.tags)
    sources: list[GitSource | TreeSource] = []
    for spec in args.git:
        dist, gitdir = spec.split("=", 1)
        sources.append(GitSource(dist, gitdir, tags[dist].split(",") if dist in tags else None))
    for spec in args.tree:
        dist, version, root = spec.split("=", 2)
        sources.append(TreeSource(dist, version, root))
    if not sources:
        parser.error("name at least one --git or --tree source")
    for source in sources:
        if source.dist not in INCLUDE:
            parser.error(f"unknown distribution {source.dist!r}; known: {', '.join(INCLUDE)}")
    index = build(sources)
    size = write_index(index, args.output)
    stats = index["stats"]
    print(f"{stats['sites']} raise sites across versions, {stats['templates']} distinct templates, {size / 1e6:.2f} MB -> {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The raise-site index: which library check printed a message no rule describes.

``kerasdoctor/data/raise_sites.bin`` (built by ``tools/build_raise_index.py``) holds
every raised error and logged warning of Keras 2/3, tf-keras and TensorFlow's Python
code as a message template, with its type, function, guarding condition and the
versions that carry it. explain consults it only when no rule's wording matched,
and reads only the few compressed blocks whose key words occur in the message.
"""

from __future__ import annotations

import marshal
import os
import zlib

from kerasdoctor.lazyre import IGNORECASE, escape, lazy
from kerasdoctor.lazyre import compile as compile_regex
from kerasdoctor.sorted_search import bisect_left, bisect_right
from kerasdoctor.types import ErrorPattern, Match, Rule

TYPE_CHECKING = False
if TYPE_CHECKING:
    import re
    from collections.abc import Iterable, Iterator, Mapping, Sequence
    from typing import Any

    from kerasdoctor.kb import RuleSet
    from kerasdoctor.types import ErrorRecord

SCHEMA = 2
MAGIC = b"KDRAISE2\n"
DATA_PATH = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "data", "raise_sites.bin")
MAX_MESSAGE_CHARS = 4000
MIN_LITERAL_CHARS = 8
# the share of an untyped line a template's own words must make up (see lookup)
MIN_UNTYPED_COVERAGE = 0.5
# a raise site ranks below a rule's own wording (which alone may reach 0.8), above fuzzy and symptom matches
LINKED_CONFIDENCE = 0.65
SIBLING_CONFIDENCE = 0.55
UNLINKED_CONFIDENCE = 0.45
TYPE_MISMATCH_FACTOR = 0.6
UNKNOWN_TYPE_FACTOR = 0.9
FRAMES_ELSEWHERE_FACTOR = 0.7
# a traceback cut off before its message, whose innermost library frame is a function that raises this site: the
# place is known, the words are not (a function may raise several messages)
AT_RAISING_FRAME_FACTOR = 0.8
MIN_CODE_LITERAL_CHARS = 4
RELATIVE_CUTOFF = 0.6
# values substituted for a template's interpolations when asking which rule describes it
SAMPLE_VALUES = ("x", "1", "dense", "(None, 10)", "float32", "'x'", "<KerasTensor shape=(None, 10), dtype=float32>")
DIST_NAMES = {"keras": "Keras", "tf-keras": "tf-keras", "tensorflow": "TensorFlow"}

# the interpreter's own messages, which a few library classes imitate word for word
PYTHON_WORDINGS = (
    "object has no attribute",
    "object is not callable",
    "object is not subscriptable",
    "object is not iterable",
    "got an unexpected keyword argument",
    "missing required positional argument",
    "unsupported operand type(s) for",
)
LIBRARY_TOP_DIRS = ("keras", "tf_keras", "tensorflow", "tensorflow_core")
# frames that re-raise what happened deeper: Keras's traceback filtering and tf.function's wrappers
RERAISING_FUNCTIONS = ("error_handler", "autograph_handler", "wrapper", "_call_wrapper")

_WORD = lazy(r"[A-Za-z_][A-Za-z0-9_]*")
_SPACE = lazy(r"\s+")
_DIGITS = lazy(r"\d+")
_STRING_LITERAL = lazy(r"""(['"])((?:(?!\1)[^\\\n])+)\1""")
# a literal whose closing quote was cut off with the rest of the paste
_OPEN_LITERAL = lazy(r"""(['"])([^'"\\\n]+)$""")
# an assignment or return statement: the line a frame stopped on when a function it called raised.
# Written with spaces around "=" it is one however the line goes on (`handler = _FetchHandler(` and the call's
# arguments below); without them it may be a keyword argument of a call continued below, so it must be whole
_SPACED_ASSIGNMENT = lazy(r"""^(?:(?:[A-Za-z_][\w.]*(?:\[[^\]]*\])?\s*,\s*)*[A-Za-z_][\w.]*(?:\[[^\]]*\])?\s+[-+*/|&]?=\s|return\s)""")
_ASSIGNED_CALL = lazy(r"""^(?:[A-Za-z_][\w.]*(?:\[[^\]]*\])?\s*,\s*)*[A-Za-z_][\w.]*(?:\[[^\]]*\])?\s*[-+*/|&]?=(?!=)""")


class RaiseSite:
    """One distinct (type, message template) of the libraries and where it is raised."""

    __slots__ = ("coverage", "group", "id", "kind", "matched", "parts", "type", "versions", "where")

    def __init__(self, row: Sequence[Any]) -> None:
        _key, self.id, self.kind, self.type, parts, self.versions, where, self.group = row
        self.parts: tuple[str, ...] = tuple(parts)
        self.where: tuple[tuple[str, str, str, int], ...] = tuple(tuple(w) for w in where)  # type: ignore[misc]
        self.coverage = 0.0
        self.matched = ""

    @property
    def function(self) -> str:
        return self.where[0][1] if self.where else ""

    @property
    def path(self) -> str:
        return self.where[0][0] if self.where else ""

    @property
    def condition(self) -> str:
        return self.where[0][2] if self.where else ""

    @property
    def line(self) -> int:
        return self.where[0][3] if self.where else 0

    def prefer_frames(self, paths: Sequence[str]) -> bool:
        """Put first the location the user's traceback went through (the same text is raised in several files).

        False when the traceback has frames and none of them is one of this site's files.
        """
        normalised = [p.replace("\\", "/") for p in paths]
        for i, location in enumerate(self.where):
            suffix = "/" + location[0].split("/", 1)[-1]
            if any(p.endswith(suffix) for p in normalised):
                self.where = (location, *self.where[:i], *self.where[i + 1 :])
                return True
        self._most_located_function_first()
        return not normalised

    def _most_located_function_first(self) -> None:
        """With nothing to tell the locations apart, name first the function that raises it in most files.

        A template shared by a base class and one method (`Layer.__init__` in each source layout, one
        `Model.quantize`) is the base class's in most pastes; the order is otherwise kept.
        """
        counts: dict[str, int] = {}
        for location in self.where:
            counts[location[1]] = counts.get(location[1], 0) + 1
        if len(counts) > 1:
            self.where = tuple(sorted(self.where, key=lambda location: -counts[location[1]]))

    def mimics_python(self) -> bool:
        """A template that only repeats the interpreter's own wording ("'X' object has no attribute 'y'")."""
        literal = " ".join("".join(self.parts).split()).lower()
        return any(literal.replace(phrase, "").strip(" '\"`.:,()") == "" for phrase in PYTHON_WORDINGS)

    def literal_length(self) -> int:
        return sum(len(p.strip()) for p in self.parts)

    def literal_words(self) -> int:
        """How many words the template writes itself (values and punctuation aside)."""
        return sum(1 for part in self.parts for word in part.split() if any(c.isalpha() for c in word))

    def regex(self) -> re.Pattern[str]:
        return _compiled(self.parts)

    def render(self, value: str) -> str:
        return value.join(self.parts)

    def versions_text(self) -> str:
        return "; ".join(f"{DIST_NAMES.get(dist, dist)} {ranges}" for dist, ranges in self.versions.items())

    def sentence(self) -> str:
        """'raised by `F` in path when <condition>; Keras 3.0.0-3.15.1'."""
        verb = {"exception": "raised", "warning": "warned", "log": "logged"}.get(self.kind, "raised")
        text = f"{verb} by `{self.function}` in {self.path}"
        if self.condition:
            text += f" when `{self.condition}`"
        return f"{text}; {self.versions_text()}" if self.versions else text

    def to_dict(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "kind": self.kind,
            "function": self.function,
            "path": self.path,
            "line": self.line,
            "condition": self.condition,
            "versions": dict(self.versions),
            "also_in": [{"path": w[0], "function": w[1]} for w in self.where[1:]],
        }


_REGEX_CACHE: dict[tuple[str, ...], re.Pattern[str]] = {}


def _compiled(parts: tuple[str, ...]) -> re.Pattern[str]:
    regex = _REGEX_CACHE.get(parts)
    if regex is None:
        pieces = []
        for part in parts:
            words = part.split()
            lead = r"\s*" if part[:1].isspace() or not part else ""
            trail = r"\s*" if part[-1:].isspace() and words else ""
            pieces.append(lead + r"\s+".join(escape(w) for w in words) + trail)
        regex = compile_regex("(?:.*?)".join(pieces), IGNORECASE)
        _REGEX_CACHE[parts] = regex
    return regex


class RaiseSiteIndex:
    """Reads the header once and decompresses blocks on demand."""

    def __init__(self, path: str = DATA_PATH) -> None:
        # only the header is read now, each block when a message needs it: most of the file is never read
        self._path = path
        with open(path, "rb") as handle:
            if handle.read(len(MAGIC)) != MAGIC:
                raise ValueError(f"{path}: not a raise-site index")
            size = int.from_bytes(handle.read(8), "little")
            header = handle.read(size)
        if len(header) != size:
            raise ValueError(f"{path}: raise-site index cut short")
        self.header: dict[str, Any] = marshal.loads(header)  # noqa: S302 - our own data file
        if self.header.get("schema") != SCHEMA:
            raise ValueError(f"{path}: raise-site index schema {self.header.get('schema')}, expected {SCHEMA}")
        self._body = len(MAGIC) + 8 + size
        self._entry_keys = [b[0] for b in self.header["entry_blocks"]]
        self._group_keys = [b[0] for b in self.header["group_blocks"]]
        self._blocks: dict[tuple[str, int], list[Any]] = {}
        self.blocks_read = 0
        self._keys: str | None = None
        self._by_function: dict[tuple[str, str], list[int]] | None = None

    def _block(self, table: str, number: int) -> list[Any]:
        cached = self._blocks.get((table, number))
        if cached is None:
            _first, offset, length = self.header[table][number]
            with open(self._path, "rb") as handle:
                handle.seek(self._body + offset)
                cached = marshal.loads(zlib.decompress(handle.read(length)))  # noqa: S302 - our own data file
            self._blocks[(table, number)] = cached
            self.blocks_read += 1
        return cached

    def _rows(self, table: str, keys: list[str], key: str) -> Iterable[Any]:
        first = max(bisect_left(keys, key) - 1, 0)
        last = bisect_right(keys, key)
        for number in range(first, last):
            for row in self._block(table, number):
                if row[0] == key:
                    yield row

    def candidates(self, message: str) -> list[RaiseSite]:
        """Every site whose key word occurs in ``message`` (cheap: no regex yet)."""
        keys = self._all_keys()
        # a substring search of the one joined string: splitting it into a list costs more than a message's words do
        words = {w for w in (w.lower() for w in _WORD.findall(message) if len(w) >= 3) if f"\n{w}\n" in keys}
        return [RaiseSite(row) for word in sorted(words) for row in self._rows("entry_blocks", self._entry_keys, word)]

    def _all_keys(self) -> str:
        """Every key word, one per line, with a line break at both ends."""
        if self._keys is None:
            self._keys = "\n" + str(self.header["keys"]) + "\n"
        return self._keys

    def sites_in_function(self, file_name: str, function: str) -> list[RaiseSite]:
        """Every site raised inside ``function`` (short name) of a file called ``file_name``.

        Only a traceback without its message line asks, and then the place is all there is
        to go on. The table of functions is worked out from the whole index (half a second)
        once per index file, then kept in the cache directory.
        """
        if self._by_function is None:
            self._by_function = self._stored_function_table()
            if self._by_function is None:
                self._by_function = self._function_table()
                self._store_function_table(self._by_function)
        return [self.entry(i) for i in dict.fromkeys(self._by_function.get((file_name, function), ()))]

    def _function_table(self) -> dict[tuple[str, str], list[int]]:
        """(file name, short function name) -> the ids of the sites raised there, read from every block."""
        size = int(self.header["block_size"])
        table: dict[tuple[str, str], list[int]] = {}
        for number in range(len(self.header["entry_blocks"])):
            for offset, row in enumerate(self._block("entry_blocks", number)):
                for location in row[6]:
                    key = (location[0].rsplit("/", 1)[-1], location[1].rsplit(".", 1)[-1])
                    table.setdefault(key, []).append(number * size + offset)
        return table

    def _function_table_path(self) -> str | None:
        from kerasdoctor.kb import cache_dir

        base = cache_dir()
        try:
            stat = os.stat(self._path)
        except OSError:
            return None
        # the index file's size and time tell its versions apart: a new wheel brings a new table
        return os.path.join(base, f"raise-functions-{SCHEMA}-{stat.st_size:x}-{stat.st_mtime_ns:x}.marshal") if base else None

    def _stored_function_table(self) -> dict[tuple[str, str], list[int]] | None:
        path = self._function_table_path()
        if path is None:
            return None
        try:
            with open(path, "rb") as handle:
                data = handle.read()
            crc, table = int.from_bytes(data[:4], "little"), marshal.loads(memoryview(data)[4:])  # noqa: S302 - checked below
        except (OSError, EOFError, ValueError, TypeError):
            return None
        if crc != zlib.crc32(memoryview(data)[4:]) or type(table) is not dict:
            return None
        return table

    def _store_function_table(self, table: dict[tuple[str, str], list[int]]) -> None:
        path = self._function_table_path()
        if path is None:
            return
        from kerasdoctor.kb import KEEP_SNAPSHOTS, prune_cache, write_cache_file

        data = marshal.dumps(table)
        if write_cache_file(path, zlib.crc32(data).to_bytes(4, "little") + data):
            prune_cache(os.path.dirname(path), "raise-functions-", KEEP_SNAPSHOTS, keep=os.path.basename(path))

    def entry(self, entry_id: int) -> RaiseSite:
        row = self._block("entry_blocks", entry_id // int(self.header["block_size"]))[entry_id % int(self.header["block_size"])]
        return RaiseSite(row)

    def siblings(self, site: RaiseSite) -> list[RaiseSite]:
        """Other wordings of the same check (same type, function and file name) in other versions."""
        for _group, ids in self._rows("group_blocks", self._group_keys, site.group):
            return [self.entry(i) for i in ids if i != site.id]
        return []

    def lookup(self, exc_type: str | None, message: str, *, type_names: Sequence[str] = (), record_kind: str = "", limit: int = 3) -> list[RaiseSite]:
        """The raise sites whose template produces ``message``, best first."""
        text = _SPACE.sub(" ", message[:MAX_MESSAGE_CHARS]).strip()
        if not text:
            return []
        lowered = text.lower()
        # Keras and TensorFlow print names in backticks; a message retyped, or copied from a page that rendered them
        # as code, has none: its templates are read without theirs
        unmarked = "`" not in text
        names = set(type_names) | ({exc_type.rsplit(".", 1)[-1]} if exc_type else set())
        found: list[tuple[float, int, RaiseSite]] = []
        seen: set[int] = set()
        for site in self.candidates(text):
            if site.id in seen or site.literal_length() < MIN_LITERAL_CHARS or site.mimics_python():
                continue
            seen.add(site.id)
            parts = site.parts
            if unmarked and any("`" in p for p in parts):
                parts = tuple(p.replace("`", "") for p in parts)
            if not all(" ".join(p.split()).lower() in lowered for p in parts if p.strip()):
                continue
            m = (site.regex() if parts is site.parts else _compiled(parts)).search(text)
            if m is None:
                continue
            if m.start() > 0 and site.parts[0].strip() and site.literal_words() < 3:
                # one or two words of the library's own ("converting %s: %s", "Expected %s, got %s.") found inside
                # someone's sentence or another message ("..., expected a dimension of 1, got 19") are those words,
                # not the message: a message of so little text is only recognised where it begins
                continue
            if record_kind == "message" and _lowercased_inside_a_sentence(text, m, site.parts[0]):
                continue
            site.coverage = min(1.0, site.literal_length() / max(len(text), 1))
            if not names and record_kind == "message" and site.coverage < MIN_UNTYPED_COVERAGE:
                # no exception class was pasted: the words alone must be the library's, not someone's line around them
                continue
            site.matched = m.group(0)
            factor = _type_factor(site, names, record_kind)
            found.append((site.coverage * factor, site.literal_length(), site))
        found.sort(key=lambda item: (-item[0], -item[1], item[2].id))
        # a template explaining much less of the message than the best one is a coincidence of words
        best = found[0][0] if found else 0.0
        return [site for score, _length, site in found[:limit] if score >= RELATIVE_CUTOFF * best]


def _lowercased_inside_a_sentence(text: str, m: re.Match[str], first_part: str) -> bool:
    """The library prints these words as its message's capitalised start ("Fail to load %s from %s"); the text has
    them in lower case right after a word of its own ("the optimizer will fail to load variables from disk"): a
    sentence someone wrote that happens to contain them, not the message printed. Read in prose only: inside an
    exception's or a log's own message such words follow the name of what failed ("NewRandomAccessFile failed to
    Create/Open")."""
    lead = first_part.lstrip()[:1]
    if not lead.isalpha() or not lead.isupper():
        return False
    start = m.start() + (len(m.group(0)) - len(m.group(0).lstrip()))
    if start >= len(text) or not text[start].islower():
        return False
    before = text[:start].rstrip()
    return bool(before) and (before[-1].isalnum() or before[-1] == ",")


def _type_factor(site: RaiseSite, names: set[str], record_kind: str = "") -> float:
    if record_kind == "log" or site.kind == "log":
        return 1.0 if record_kind == site.kind else TYPE_MISMATCH_FACTOR if record_kind in ("exception", "warning") else UNKNOWN_TYPE_FACTOR
    if not names:
        return UNKNOWN_TYPE_FACTOR
    return 1.0 if site.type in names else TYPE_MISMATCH_FACTOR


_INDEX: RaiseSiteIndex | None = None


def load_index() -> RaiseSiteIndex:
    global _INDEX
    if _INDEX is None:
        _INDEX = RaiseSiteIndex(DATA_PATH)
    return _INDEX


def lookup(exc_type: str | None, message: str, limit: int = 3) -> list[RaiseSite]:
    """Ranked raise sites that could have produced ``message`` (an exception or warning text)."""
    return load_index().lookup(exc_type, message, limit=limit)


def _contextual_sample(site: RaiseSite) -> str:
    """The template filled per gap with a value of the kind its preceding words announce (a shape after "shape")."""
    out = [site.parts[0]]
    for before, after in zip(site.parts, site.parts[1:]):
        tail = before.rstrip().lower()
        if tail.endswith(("shape", "shape=", "shape:", "shapes", "shapes:")):
            value = "(None, 10)"
        elif tail.endswith(("dtype", "dtype=", "dtype:")):
            value = "float32"
        elif tail.endswith(("size", "size=", "length", "rank", "ndim", "index", "dimension", "dimensions")):
            value = "1"
        else:
            value = "x"
        out.extend((value, after))
    return "".join(out)


def linked_rule(site: RaiseSite, rules: RuleSet | Iterable[Rule], *, contextual: bool = False) -> Rule | None:
    """The rule whose wording matches this site's template, filled with sample values."""
    from kerasdoctor.kb import RuleSet, compile_pattern

    # a template filled with one value everywhere may fit no family ("shape x"); the kinds of value its words
    # announce are tried too when nothing else identifies the site (a traceback cut off before its message)
    samples = [site.render(v) for v in SAMPLE_VALUES] + ([_contextual_sample(site)] if contextual else [])
    lowered = [sample.lower() for sample in samples]
    if isinstance(rules, RuleSet):  # only the rules whose wording literals occur in a sample can match one
        rules = rules.wording_candidates(lowered)
    for rule in rules:
        for pattern in rule.errors:
            if pattern.types and site.kind == "exception" and site.type not in pattern.types:
                continue
            if any(key.startswith("shown_") for key in pattern.where):
                continue  # the wording is the family's only beside code or frames a site's template cannot show
            # the pattern's required text first: compiling every rule's regex would cost more than the lookup
            candidates = [s for s, low in zip(samples, lowered) if pattern.literal is None or pattern.literal in low]
            if candidates and any(compile_pattern(pattern.pattern).search(sample) for sample in candidates):
                return rule
    return None


def without_lookarounds(pattern: str) -> str:
    """``pattern`` with its negative lookaheads and lookbehinds (``(?!...)``, ``(?<!...)``) left out."""
    out: list[str] = []
    i, n = 0, len(pattern)
    while i < n:
        if pattern.startswith("(?!", i) or pattern.startswith("(?<!", i):
            depth, j, in_class = 0, i, False
            while j < n:
                c = pattern[j]
                if c == "\\":
                    j += 2
                    continue
                if in_class:
                    in_class = c != "]"
                elif c == "[":
                    in_class = True
                    if pattern.startswith("[]", j) or pattern.startswith("[^]", j):
                        j += 2 if pattern[j + 1] == "]" else 3
                        continue
                elif c == "(":
                    depth += 1
                elif c == ")":
                    depth -= 1
                    if depth == 0:
                        break
                j += 1
            i = j + 1
            continue
        if pattern[i] == "\\":
            out.append(pattern[i : i + 2])
            i += 2
            continue
        if pattern[i] == "[":  # a character class is copied whole: "(?!" inside it is three characters
            j = i + (3 if pattern.startswith("[^]", i) else 2 if pattern.startswith("[]", i) else 1)
            while j < n and pattern[j] != "]":
                j += 2 if pattern[j] == "\\" else 1
            out.append(pattern[i : j + 1])
            i = j + 1
            continue
        out.append(pattern[i])
        i += 1
    return "".join(out)


def _unless_excluded(rule: Rule | None, message: str) -> Rule | None:
    """``rule``, unless one of its wordings fits ``message`` only without its negative lookarounds.

    A rule narrows a wording with a lookaround to leave out the values that mean another cause (two shapes
    listed where one tensor is its family's mistake); the site's template, filled with sample values, still
    fits the wording, so without this check the raise site would name the family its wording turned down.
    """
    if rule is None:
        return None
    from kerasdoctor.kb import compile_pattern

    for pattern in rule.errors:
        if "(?!" not in pattern.pattern and "(?<!" not in pattern.pattern:
            continue
        stripped = compile_pattern(without_lookarounds(pattern.pattern), pattern.ignore_case)
        if stripped.search(message) and not compile_pattern(pattern.pattern, pattern.ignore_case).search(message):
            return None
    return rule


class RaiseSiteMatch(Match):
    """A diagnosis reached through a library raise site rather than a rule's own wording."""

    __slots__ = ("site",)
    site: RaiseSite

    def __init__(self, *, site: RaiseSite, **fields: Any) -> None:
        if "kind" in Match.__slots__:
            fields["kind"] = "raise-site"
        for name in Match.__slots__:
            value = fields.pop(name) if name in fields else Match._defaults[name]
            object.__setattr__(self, name, value)
        object.__setattr__(self, "site", site)

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        # _Value compares its class's own __slots__, here only ("site",): compare Match's fields too
        return self.site.id == other.site.id and all(getattr(self, n) == getattr(other, n) for n in Match.__slots__)  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash((self.site.id, self.rule.id, self.confidence, self.evidence))

    def __repr__(self) -> str:
        return f"RaiseSiteMatch(site={self.site.function!r}, rule={self.rule.id!r}, confidence={self.confidence!r})"

    @property
    def linked(self) -> bool:
        return bool(self.rule.errors)

    def to_dict(self) -> dict[str, Any]:
        out = super().to_dict()
        out["kind"] = "raise-site"
        out["raise_site"] = self.site.to_dict()
        if not self.linked:
            out["id"] = None
            out["name"] = None
        return out


def _site_rule(site: RaiseSite) -> Rule:
    """A stand-in rule for a raise site that no family describes yet: it says what the check is."""
    return Rule(
        id="raise-site",
        name=site.function,
        title=f"{site.type} from the library check `{site.function}` ({site.path.rsplit('/', 1)[-1]})",
        severity="warning" if site.kind != "exception" else "error",
        category="raise-site",
        docs={
            "what": "No rule describes this message yet; it comes from a check inside the library, named below.",
            "why": site.sentence()[:1].upper() + site.sentence()[1:] + ".",
            "fix": "Read that condition against your call: the values it tests come from the arguments or data you passed.",
        },
        errors=(),
    )


def _raised_inside_library(record: ErrorRecord) -> bool:
    """Whether the traceback's last frame is library code that raised it itself (not a re-raising wrapper)."""
    if not record.frames:
        return False
    last = record.frames[-1]
    parts = last.path.replace("\\", "/").split("/")
    return any(p in LIBRARY_TOP_DIRS for p in parts[:-1]) and last.function.rsplit(".", 1)[-1] not in RERAISING_FUNCTIONS


def _message_from_raise_line(record: ErrorRecord, message: str) -> bool:
    """Whether the message is only the first literal of the raise statement a cut-off traceback ended on."""
    code = record.frames[-1].code if record.frames else ""
    first = _STRING_LITERAL.search(code) if code.startswith("raise ") else None
    return first is not None and first.group(2).strip() == message.strip()


def _calls_deeper(code: str) -> bool:
    """Whether a frame's source line is an assignment or return of a call (``handler = _FetchHandler(graph, fetches)``).

    No raise statement reads so, nor any line of one spread over several: the frame stopped there
    because the function it called raised, and a traceback that ends on it was cut before the raise.
    """
    line = code.strip()
    if "(" not in line:
        return False
    if _SPACED_ASSIGNMENT.compiled().match(line):
        return True
    if line.count("(") != line.count(")") or line.count("[") != line.count("]") or line.endswith((",", "\\", "+", "%")):
        return False  # maybe a keyword argument or operand of a statement continued below (a raise's among them)
    return _ASSIGNED_CALL.compiled().match(line) is not None


def cut_on_a_call(record: ErrorRecord) -> bool:
    """Whether a traceback without its message stops on a line that called further (``_calls_deeper``).

    The checks of the function it stopped in are then only neighbours of what raised: the
    functions a rule names under ``frames``, where the traceback shows them, say more.
    """
    if record.kind != "exception" or not record.frames:
        return False
    message = record.key_message or record.message
    if message.strip() and not _message_from_raise_line(record, message):
        return False
    return _calls_deeper(record.frames[-1].code)


def _raising_frame_sites(index: RaiseSiteIndex, record: ErrorRecord) -> list[RaiseSite]:
    """For a traceback cut off before its message: the sites of the library function it stopped in.

    Only the innermost frame counts (the ones outside it called it, they did not raise), and
    not a wrapper that re-raises. String literals of that frame's source line (a multi-line
    raise shows a piece of its message) keep only the sites whose wording holds them.
    """
    if not record.frames:
        return []
    last = record.frames[-1]
    path = last.path.replace("\\", "/")
    parts = path.split("/")
    function = last.function.split("(")[0].strip().rsplit(".", 1)[-1]
    if not any(p in LIBRARY_TOP_DIRS for p in parts[:-1]) or function in RERAISING_FUNCTIONS:
        return []
    if path.endswith(".pyc"):  # Python 2 showed the compiled file
        path = path[:-1]
        parts[-1] = parts[-1][:-1]
    file_name = parts[-1]
    names = set(record.type_names) | ({record.type} if record.type else set())
    sites = [
        site
        for site in index.sites_in_function(file_name, function)
        if site.kind == "exception" and (not names or site.type in names) and site.prefer_frames([path]) and not site.mimics_python()
    ]
    pieces = [m.group(2) for m in _STRING_LITERAL.finditer(last.code)]
    cut = _OPEN_LITERAL.search(_STRING_LITERAL.sub("", last.code))
    if cut:
        pieces.append(cut.group(2))
    literals = [" ".join(piece.split()).lower() for piece in pieces]
    literals = [text for text in literals if len(text) >= MIN_CODE_LITERAL_CHARS]
    if literals:
        holding = [site for site in sites if all(text in " ".join("".join(site.parts).split()).lower() for text in literals)]
        sites = holding or sites
    return sites


def _dist_of(path: str) -> str:
    top = path.split("/", 1)[0]
    return {"tf_keras": "tf-keras", "tensorflow_core": "tensorflow"}.get(top, top)


def _in_ranges(version: str, ranges: str) -> bool:
    mine = _version_key(version)
    for run in ranges.split(", "):
        low, _, high = run.partition("-")
        if _version_key(low) <= mine <= _version_key(high or low):
            return True
    return False


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(x) for x in _DIGITS.findall(version)[:3])


def _version_note(site: RaiseSite, versions: Mapping[str, str]) -> str | None:
    """Whether the user's version of the library that raised it words the message this way."""
    dist = _dist_of(site.path)
    ranges = site.versions.get(dist)
    mine = versions.get(dist) or versions.get(dist.replace("-", "_"))
    if not ranges or not mine:
        return None
    name = DIST_NAMES.get(dist, dist)
    if _in_ranges(mine, ranges):
        return f"your {name} {mine} has this check"
    return f"this wording is from {name} {ranges}; you run {name} {mine}, so the message may come from another environment"


def raise_site_matches(
    records: Sequence[ErrorRecord],
    rules: RuleSet | Sequence[Rule],
    versions: Mapping[str, str] | None = None,
    limit: int = 3,
) -> list[Match]:
    """Diagnoses for records no rule's wording matched, from the library's own raise sites.

    Never raises: a missing or damaged index only means no fallback.
    """
    try:
        return _raise_site_matches(load_index(), records, rules, versions or {}, limit)
    except (OSError, ValueError, KeyError, IndexError, TypeError, EOFError, zlib.error):
        return []


def raise_site_evidence(records: Sequence[ErrorRecord], rules: RuleSet | Sequence[Rule], versions: Mapping[str, str] | None = None) -> Iterator[Match]:
    """``raise_site_matches`` as a generator: the index is opened only when a caller iterates it."""
    yield from raise_site_matches(records, rules, versions)


def _site_match(site: RaiseSite, rule: Rule, record: ErrorRecord, confidence: float, base: float, evidence: str, notes: tuple[str, ...]) -> Match:
    """A match through ``site``: its template stands as the pattern, at the ``base`` confidence of how it was linked."""
    pattern = ErrorPattern(pattern=site.regex().pattern, types=(site.type,), confidence=base)
    return RaiseSiteMatch(site=site, rule=rule, confidence=confidence, record=record, pattern=pattern, evidence=evidence, notes=notes)


def _matches_at_raising_frame(index: RaiseSiteIndex, record: ErrorRecord, rules: RuleSet | Sequence[Rule]) -> list[Match]:
    """The families of the sites a message-less traceback's innermost library function raises."""
    out: list[Match] = []
    for site in _raising_frame_sites(index, record):
        rule = linked_rule(site, rules, contextual=True)
        if rule is None:
            continue  # without words, a site no family describes tells the user nothing new
        out.append(
            _site_match(
                site,
                rule,
                record,
                round(LINKED_CONFIDENCE * AT_RAISING_FRAME_FACTOR, 3),
                LINKED_CONFIDENCE,
                f"{record.frames[-1].function} (line {record.frames[-1].line})",
                (f"the traceback stops, without its message, in `{site.function}`, which raises: {site.render('...')[:200]}",),
            )
        )
    return out


def _raise_site_matches(
    index: RaiseSiteIndex, records: Sequence[ErrorRecord], rules: RuleSet | Sequence[Rule], versions: Mapping[str, str], limit: int
) -> list[Match]:
    out: list[Match] = []
    for record in reversed(records):  # the final error first
        if record.kind not in ("exception", "warning", "log", "message"):
            continue
        message = record.key_message or record.message
        frames = [f.path for f in (*record.frames, *record.inner_frames)]
        if record.kind == "exception" and (not message.strip() or _message_from_raise_line(record, message)):
            out.extend(_matches_at_raising_frame(index, record, rules))
            if out:
                break
            if not message.strip():
                continue
        for site in index.lookup(record.type, message, type_names=record.type_names, record_kind=record.kind, limit=limit):
            seen_in_traceback = site.prefer_frames(frames)
            if not seen_in_traceback and _raised_inside_library(record):
                continue  # the traceback shows the library raising it elsewhere: same words, another check
            rule = _unless_excluded(linked_rule(site, rules), message)
            base = LINKED_CONFIDENCE
            via = site
            if rule is None:
                for sibling in index.siblings(site):
                    rule = _unless_excluded(linked_rule(sibling, rules), message)
                    if rule is not None:
                        base, via = SIBLING_CONFIDENCE, sibling
                        break
            if rule is None:
                rule, base = _site_rule(site), UNLINKED_CONFIDENCE
            factor = _type_factor(site, set(record.type_names) | ({record.type} if record.type else set()), record.kind)
            if not seen_in_traceback:  # Keras 3 hides its own frames, so only a doubt, not a contradiction
                factor *= FRAMES_ELSEWHERE_FACTOR
            confidence = round(base * factor * (0.75 + 0.25 * site.coverage), 3)
            # an unlinked site says it in its own "why"; a family's diagnosis needs the site beside it
            notes = [f"raise-site match: {site.sentence()}"] if rule.errors else []
            others = sorted({f"`{w[1]}`" for w in site.where[1:] if w[1] != site.function})
            if others:
                notes.append(f"the same message is also raised by {', '.join(others)}")
            if via is not site:
                notes.append(f"the same check words it differently in {via.versions_text()}, where this family matches it")
            note = _version_note(site, versions)
            if note:
                notes.append(note)
            out.append(_site_match(site, rule, record, confidence, base, site.matched[:300], tuple(notes)))
        if out:
            break
    best: dict[str, Match] = {}
    for match in out:
        key = match.rule.id if match.rule.errors else f"site:{match.site.id}"  # type: ignore[attr-defined]
        if key not in best or match.confidence > best[key].confidence:
            best[key] = match
    return sorted(best.values(), key=lambda m: -m.confidence)[:limit]

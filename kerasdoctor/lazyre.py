"""Regular expressions compiled on first use, and kept compiled between runs.

Compiling the ~40 patterns that parse tracebacks costs ~10 ms: more than the
rest of a cold ``kerasdoctor explain``. Most inputs need only a few of them.

Importing ``re`` itself (with ``enum``, ``functools`` and ``collections``) costs
about half an interpreter start-up. So a pattern compiled once is stored, as the
engine code ``re`` produced for it, in the cache directory; later processes hand
that code straight to the regex engine (``_sre``, which checks it before use) and
never import ``re`` unless a pattern is new. A stored entry is only written after
the pattern it rebuilds compared equal (same code, flags and text) to
``re.compile``'s, and the store is keyed by the interpreter build: anything
unreadable, mismatched or refused by the engine is ignored and compiled afresh.
"""

from __future__ import annotations

import marshal
import os
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    import re
    from collections.abc import Callable, Iterator
    from typing import Any, Literal

# re's flag values (sre_constants.SRE_FLAG_*): the same in every Python 3 release
IGNORECASE = 2
MULTILINE = 8
DOTALL = 16

_STORE_FORMAT = 2
# a store past this size starts over with what the current process compiled
MAX_STORE_BYTES = 2_000_000

_compiled_here: dict[tuple[str, int], Any] = {}
# the store's table (as _read_pack_table gives it), False when there is none or it is unreadable, None before the first read
_stored: tuple[Any, memoryview, memoryview] | Literal[False] | None = None
_new: dict[str, bytes] = {}  # entries compiled by this process, not stored yet
_EVERY_LAZY: list[LazyPattern] = []


def compile(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """``re.compile(pattern, flags)``: from the stored engine code when there is some."""
    key = (pattern, flags)
    compiled = _compiled_here.get(key)
    if compiled is None:
        compiled = _from_store(pattern, flags)
        if compiled is None:
            compiled = _compile_and_keep(pattern, flags)
        _compiled_here[key] = compiled
    return compiled


def entry_key(pattern: str, flags: int) -> str:
    return f"{flags}:{pattern}"


def build_tag() -> str:
    """The interpreter build the engine code belongs to (its format changes between releases and builds)."""
    import _sre
    import zlib

    build = f"{sys.implementation.cache_tag}\0{sys.version}\0{_sre.MAGIC}\0{_sre.CODESIZE}\0{_sre.MAXREPEAT}\0{_sre.MAXGROUPS}"
    return f"{zlib.crc32(build.encode('utf-8', 'replace')):08x}"


def _store_path() -> str | None:
    from kerasdoctor.kb import cache_dir

    base = cache_dir()
    if not base:
        return None
    return os.path.join(base, f"regex-{_STORE_FORMAT}-{build_tag()}.pack")


def _store_table() -> tuple[Any, memoryview, memoryview] | None:
    """The store's table, read once: a cold run reads the few entries it needs, not the whole store."""
    global _stored
    if _stored is None:
        path = _store_path()
        _stored = (_read_pack_table(path) if path else None) or False
    return _stored if _stored is not False else None


def _stored_entry(key: str, number: int) -> bytes | None:
    """The engine code the store holds under ``key`` (whose hash is ``number``), or None."""
    table = _store_table()
    return _entry_in(table, key, number) if table is not None else None


def _from_store(pattern: str, flags: int) -> Any:
    if type(pattern) is not str:
        return None
    key = entry_key(pattern, flags)
    number = _key_hash(key)
    blob = _stored_entry(key, number)
    if blob is None:
        blob = _from_packs(key, number)
    if type(blob) is not bytes:
        return None
    try:
        import _sre

        final_flags, code, groups, groupindex, indexgroup = marshal.loads(blob)  # noqa: S302 - plain data, checked below
        if not (type(final_flags) is int and type(code) is list and type(groups) is int and type(groupindex) is dict and type(indexgroup) is tuple):
            return None
        # _sre validates the code and raises on anything malformed
        return _sre.compile(pattern, final_flags, code, groups, groupindex, indexgroup)
    except Exception:  # noqa: BLE001 - a damaged entry only means compiling afresh
        return None


def _engine_arguments(pattern: str, flags: int) -> tuple[Any, ...]:
    """What ``re`` passes to ``_sre.compile`` for this pattern (re._compiler.compile's own steps)."""
    if sys.version_info >= (3, 11):
        from re import _compiler as sre_compile  # type: ignore[attr-defined]
        from re import _parser as sre_parse  # type: ignore[attr-defined]
    else:  # pragma: no cover - exercised on older interpreters only
        import sre_compile
        import sre_parse
    parsed = sre_parse.parse(pattern, flags)
    code = sre_compile._code(parsed, flags)
    groupindex = dict(parsed.state.groupdict)
    indexgroup: list[str | None] = [None] * parsed.state.groups
    for name, number in groupindex.items():
        indexgroup[number] = name
    # plain ints: the compiler emits named int constants, which marshal cannot store
    return (int(flags | parsed.state.flags), [int(c) for c in code], parsed.state.groups - 1, groupindex, tuple(indexgroup))


def engine_code(pattern: str, flags: int, compiled: Any = None) -> bytes | None:
    """The stored form of ``re.compile(pattern, flags)``'s engine code, or None if it cannot be rebuilt exactly."""
    import re

    if type(pattern) is not str or flags & re.DEBUG:
        return None
    try:
        import _sre

        arguments = _engine_arguments(pattern, flags)
        if _sre.compile(pattern, *arguments) == (compiled if compiled is not None else re.compile(pattern, flags)):
            return marshal.dumps(arguments)  # the same engine code: safe to reuse
    except Exception:  # noqa: BLE001, S110 - the interpreter's internals differ: this pattern is just not stored
        pass
    return None


def _compile_and_keep(pattern: str, flags: int) -> Any:
    import re

    compiled = re.compile(pattern, flags)
    blob = engine_code(pattern, flags, compiled)
    if blob is not None:
        _new[entry_key(pattern, flags)] = blob
    return compiled


_PACK_MAGIC = b"KDR2"
_packs: list[str] = []  # files of engine code written beside a rule snapshot, consulted on a miss
_pack_tables: list[tuple[Any, memoryview, memoryview]] = []  # (the entries, sorted key hashes, (offset, length, crc32) per hash)
_packs_read = 0


def _key_hash(key: str) -> int:
    """64 bits of ``key`` (a pack's table holds these, not the keys: reading a table of long pattern texts costs more)."""
    import zlib

    data = key.encode("utf-8", "surrogatepass")
    return (zlib.crc32(data) << 32) | zlib.adler32(data)


def write_engine_code(path: str, entries: dict[str, bytes]) -> int:
    """A file of engine code entries that a later process reads one by one; its size, or 0 when it was not written.

    After the magic and the entry count: the keys' hashes in order (8 bytes each), then each
    entry's offset, length and checksum (4 bytes each), then the entries, each holding its key
    (checked when read, so two keys of one hash only cost a compile).
    """
    import zlib

    by_hash: dict[int, bytes] = {}
    for key, blob in entries.items():
        by_hash.setdefault(_key_hash(key), marshal.dumps((key, blob)))
    order = sorted(by_hash)
    places: list[int] = []
    offset = 0
    for number in order:
        entry = by_hash[number]
        places += (offset, len(entry), zlib.crc32(entry))
        offset += len(entry)
    if offset >= 1 << 32:
        return 0
    table = b"".join(n.to_bytes(8, sys.byteorder) for n in order) + b"".join(n.to_bytes(4, sys.byteorder) for n in places)
    from kerasdoctor.kb import write_cache_file

    data = _PACK_MAGIC + len(order).to_bytes(4, "little") + table + b"".join(by_hash[n] for n in order)
    return len(data) if write_cache_file(path, data) else 0


def attach_engine_code(path: str) -> None:
    """Consult the engine code in ``path`` (from :func:`write_engine_code`) when a pattern is not stored; read only then."""
    if path not in _packs:
        _packs.append(path)


def _read_pack_table(path: str) -> tuple[Any, memoryview, memoryview] | None:
    """The file's entries (a ``kb.SnapshotBlobs``, read one by one from the open file), sorted key hashes, and places."""
    from kerasdoctor.kb import SnapshotBlobs

    handle = None
    try:
        handle = open(path, "rb", buffering=0)  # noqa: SIM115 - kept open for the entries, closed on every failure
        start = handle.read(8)
        count = int.from_bytes(start[4:8], "little")
        # the magic first, and a table no longer than the file: a damaged count must not ask for gigabytes
        if start[:4] != _PACK_MAGIC or len(start) != 8 or 8 + count * 20 > os.fstat(handle.fileno()).st_size:
            handle.close()
            return None
        table = handle.read(count * 20)
        if len(table) != count * 20:
            handle.close()
            return None
        return SnapshotBlobs(handle, 8 + count * 20, path), memoryview(table[: count * 8]).cast("Q"), memoryview(table[count * 8 :]).cast("I")
    except (OSError, ValueError, TypeError):
        if handle is not None:
            handle.close()
        return None


def _from_packs(key: str, number: int) -> bytes | None:
    global _packs_read
    while _packs_read < len(_packs):
        _packs_read += 1
        table = _read_pack_table(_packs[_packs_read - 1])
        if table is not None:
            _pack_tables.append(table)
    if not _pack_tables:
        return None
    for table in _pack_tables:
        blob = _entry_in(table, key, number)
        if blob is not None:
            return blob
    return None


def _entry_in(table: tuple[Any, memoryview, memoryview], key: str, number: int) -> bytes | None:
    """The engine code stored under ``key`` (whose hash is ``number``) in a pack's table, or None."""
    from kerasdoctor.sorted_search import bisect_left

    hashes = table[1]
    at = bisect_left(hashes, number)
    if at == len(hashes) or hashes[at] != number:
        return None
    entry = _entry_at(table, at)
    return entry[1] if entry is not None and entry[0] == key else None


def _entry_at(table: tuple[Any, memoryview, memoryview], at: int) -> tuple[str, bytes] | None:
    """The key and engine code of a pack's ``at``-th entry, or None when it is damaged."""
    entries, _hashes, places = table
    entry = entries.read((places[3 * at], places[3 * at + 1], places[3 * at + 2]))
    if entry is None:
        return None
    try:
        stored_key, blob = marshal.loads(entry)  # noqa: S302 - plain data, checked here and by the engine
    except (EOFError, ValueError, TypeError):
        return None
    return (stored_key, blob) if type(stored_key) is str and type(blob) is bytes else None


def store_every_pattern() -> None:
    """Compile every lazy pattern of the modules loaded so far, for :func:`save_compiled` to store.

    Run when the rule snapshot is rebuilt (``re`` is loaded then anyway), so that later
    runs find whichever of them their input needs.
    """
    for lazy_pattern in _EVERY_LAZY:
        key = entry_key(lazy_pattern.pattern, lazy_pattern.flags)
        if key not in _new and _stored_entry(key, _key_hash(key)) is None:
            lazy_pattern.compiled()


def save_compiled() -> None:
    """Store the engine code of the patterns this process compiled afresh, for the next process."""
    global _stored
    if not _new:
        return
    path = _store_path()
    if not path:
        return
    table = _store_table()
    entries: dict[str, bytes] = {}
    if table is not None:
        for at in range(len(table[1])):
            entry = _entry_at(table, at)
            if entry is not None:
                entries[entry[0]] = entry[1]
    added = sum(len(k) + len(v) for k, v in _new.items())
    if added > MAX_STORE_BYTES:
        return
    if added + sum(len(k) + len(v) for k, v in entries.items()) > MAX_STORE_BYTES:
        entries = {}
    entries.update(_new)
    if not write_engine_code(path, entries):
        return
    _stored = None  # read again when next asked: the file now holds the new entries
    _new.clear()
    from kerasdoctor.kb import KEEP_SNAPSHOTS, prune_cache

    # stores of an older format or interpreter build are never read again
    prune_cache(os.path.dirname(path), "regex-", KEEP_SNAPSHOTS, keep=os.path.basename(path))


class LazyPattern:
    """A stand-in for ``re.compile(pattern, flags)`` that compiles when first used."""

    __slots__ = ("_compiled", "flags", "pattern")

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self.pattern = pattern
        self.flags = flags
        self._compiled: re.Pattern[str] | None = None
        _EVERY_LAZY.append(self)

    def compiled(self) -> re.Pattern[str]:
        if self._compiled is None:
            self._compiled = compile(self.pattern, self.flags)
        return self._compiled

    def match(self, string: str, pos: int = 0) -> re.Match[str] | None:
        return self.compiled().match(string, pos)

    def search(self, string: str, pos: int = 0) -> re.Match[str] | None:
        return self.compiled().search(string, pos)

    def finditer(self, string: str) -> Iterator[re.Match[str]]:
        return self.compiled().finditer(string)

    def sub(self, repl: str | Callable[[re.Match[str]], str], string: str, count: int = 0) -> str:
        compiled = self.compiled()
        # a template with group references ("\\1") makes the engine import ``re`` to read it: not worth it without a match
        if isinstance(repl, str) and "\\" in repl and compiled.search(string) is None:
            return string
        return compiled.sub(repl, string, count)

    def findall(self, string: str) -> list[Any]:
        return self.compiled().findall(string)

    def split(self, string: str) -> list[str]:
        return self.compiled().split(string)


# the characters re.escape escapes (the same set since Python 3.7)
_SPECIAL_CHARS = {i: "\\" + chr(i) for i in b"()[]{}?*+-|^$\\.&~# \t\n\r\v\f"}


def escape(text: str) -> str:
    """``re.escape(text)``, without importing ``re``."""
    return text.translate(_SPECIAL_CHARS)


def lazy(pattern: str, flags: int = 0) -> LazyPattern:
    return LazyPattern(pattern, flags)

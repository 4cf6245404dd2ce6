"""Per-file results cached by content hash, one snapshot per rule-set fingerprint.

An unchanged tree re-lints without importing libcst: each file is read, hashed
and looked up. The snapshot lives in ``KERASDOCTOR_CACHE_DIR`` (or
``~/.cache/kerasdoctor``); ``KERASDOCTOR_NO_CACHE=1`` turns it off.
"""

from __future__ import annotations

import hashlib
import marshal
import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_FORMAT = 1
MAX_ENTRIES = 200_000


class LintCache:
    def __init__(self, path: str | None, entries: dict[bytes, Any]) -> None:
        self.path = path
        self.entries = entries
        self.dirty = False

    @classmethod
    def open(cls, fingerprint: str) -> LintCache | None:
        from kerasdoctor.kb import cache_dir

        base = cache_dir()
        if base is None:
            return None
        path = os.path.join(base, f"lint-{fingerprint}.marshal")
        entries: dict[bytes, Any] = {}
        try:
            with open(path, "rb") as handle:
                payload = marshal.load(handle)  # noqa: S302 - our own snapshot, written by save()
            if isinstance(payload, dict) and payload.get("format") == _FORMAT and isinstance(payload.get("entries"), dict):
                entries = payload["entries"]
        except (OSError, EOFError, ValueError, TypeError):
            pass
        return cls(path, entries)

    @staticmethod
    def key(data: bytes, path: str) -> bytes:
        # a notebook's bytes are read differently from a script's
        kind = b"ipynb" if path.endswith(".ipynb") else b"py"
        return hashlib.blake2b(data, digest_size=16, person=kind).digest()

    def get(self, data: bytes, path: str) -> tuple[list[dict[str, Any]], str | None] | None:
        hit = self.entries.get(self.key(data, path))
        if hit is None:
            return None
        return list(hit[0]), hit[1]

    def put(self, data: bytes, path: str, diagnostics: list[dict[str, Any]], error: str | None) -> None:
        # paths are not stored: the same content under another name gets its own path on output
        stored = [{k: v for k, v in d.items() if k != "path"} for d in diagnostics]
        self.entries[self.key(data, path)] = (stored, error)
        self.dirty = True

    def save(self) -> None:
        if not self.dirty or self.path is None:
            return
        if len(self.entries) > MAX_ENTRIES:
            self.entries = dict(list(self.entries.items())[-MAX_ENTRIES // 2 :])
        from kerasdoctor.kb import KEEP_SNAPSHOTS, prune_cache, write_cache_file

        try:
            data = marshal.dumps({"format": _FORMAT, "entries": self.entries})
        except ValueError:
            return  # an entry marshal cannot store: no cache this time
        if write_cache_file(self.path, data):
            # one file per rule set and configuration: those of old rule sets would stay for good
            prune_cache(os.path.dirname(self.path), "lint-", KEEP_SNAPSHOTS, keep=os.path.basename(self.path))

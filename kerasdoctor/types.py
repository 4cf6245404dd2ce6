"""Value objects that cross module boundaries: rules, error records, matches.

They are immutable slotted classes rather than dataclasses: ``import dataclasses``
alone costs ~15 ms of interpreter start-up (it pulls in ``inspect``), which is more
than the whole budget of a cold ``kerasdoctor explain``.
"""

from __future__ import annotations

# ``typing`` costs start-up time too; annotations are never evaluated at run time.
TYPE_CHECKING = False
if TYPE_CHECKING:
    import re
    from collections.abc import Mapping, Sequence
    from typing import Any, Self


# How a match was made, most trustworthy first; only a rule's own wording may reach
# CONFIDENT, every other kind stays below its cap however strong its evidence looks.
MATCH_KINDS = ("wording", "raise-site", "frames", "fuzzy", "symptom")
CONFIDENT = 0.8
# the most an answer may claim when its evidence does not allow CONFIDENT (a shared wording, a quote in prose)
BELOW_CONFIDENT = CONFIDENT - 0.01
# how transformers' and diffusers' lazy imports end the RuntimeError that quotes the error an import hit
LAZY_IMPORT_WRAPPER = "(look up to see its traceback):"
KIND_CAPS = {"wording": 0.99, "raise-site": 0.75, "frames": 0.7, "fuzzy": 0.65, "symptom": 0.5}
# a best wording match below this is a generic message ("name 'x' is not defined"): the frames get a say too
GENERIC_WORDING = 0.65
# the type of a record read from an INFO line of TensorFlow's log (absl/glog level I): most such lines are routine
# start-up notices, so only the wordings of families that are a problem (not of severity info) are looked for in them
INFO_LOG = "INFO"


def kind_rank(kind: str) -> int:
    """Position of ``kind`` in MATCH_KINDS: a lower rank outranks any confidence of a higher one."""
    try:
        return MATCH_KINDS.index(kind)
    except ValueError:
        return len(MATCH_KINDS)


class _Value:
    """Immutable record: keyword construction, equality and repr over ``__slots__``."""

    __slots__: tuple[str, ...] = ()
    _defaults: Mapping[str, Any] = {}

    def __init__(self, **fields: Any) -> None:
        for name in self.__slots__:
            if name in fields:
                value = fields.pop(name)
            elif name in self._defaults:
                value = self._defaults[name]
            else:
                raise TypeError(f"{type(self).__name__}: missing field {name!r}")
            object.__setattr__(self, name, value)
        if fields:
            raise TypeError(f"{type(self).__name__}: unknown fields {sorted(fields)}")

    @classmethod
    def trusted(cls, fields: Mapping[str, Any]) -> Any:
        """Build from fields already checked (a rule snapshot): no validation, for start-up speed."""
        obj = object.__new__(cls)
        setter = object.__setattr__
        defaults = cls._defaults
        for name in cls.__slots__:
            setter(obj, name, fields[name] if name in fields else defaults[name])
        return obj

    def replaced(self, **changes: Any) -> Self:
        """A copy with ``changes`` to some fields (the record itself is immutable)."""
        return type(self)(**{**{n: getattr(self, n) for n in self.__slots__}, **changes})

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return all(getattr(self, n) == getattr(other, n) for n in self.__slots__)

    def __hash__(self) -> int:
        return hash(tuple(repr(getattr(self, n)) for n in self.__slots__))

    def __repr__(self) -> str:
        inner = ", ".join(f"{n}={getattr(self, n)!r}" for n in self.__slots__)
        return f"{type(self).__name__}({inner})"


class Frame(_Value):
    """One traceback frame: where code ran."""

    __slots__ = ("code", "function", "line", "path")
    _defaults = {"line": None, "function": "", "code": ""}
    path: str
    line: int | None
    function: str
    code: str

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"path": self.path, "line": self.line}
        if self.function:
            out["function"] = self.function
        if self.code:
            out["code"] = self.code
        return out


class ErrorRecord(_Value):
    """One error found in the input: an exception, a warning, a log line or a progress line.

    ``message`` is the full text (ANSI removed) that rules are matched against;
    ``key_message`` is the line that matters once wrappers such as Keras's
    "Exception encountered when calling" envelope are peeled off.
    """

    __slots__ = (
        "chained",
        "count",
        "cut_frames",
        "frames",
        "inner_frames",
        "key_message",
        "kind",
        "location",
        "message",
        "type",
        "type_names",
    )
    _defaults = {
        "type": None,
        "type_names": (),
        "key_message": "",
        "frames": (),
        "inner_frames": (),
        "location": None,
        "chained": False,
        "count": 1,
        "cut_frames": False,
    }
    kind: str  # exception | warning | log | progress | message
    type: str | None
    type_names: tuple[str, ...]  # the type and its bases, short names
    message: str
    key_message: str
    frames: tuple[Frame, ...]
    inner_frames: tuple[Frame, ...]  # frames quoted inside the message (tf.function "in user code")
    location: Frame | None  # the user's own frame, not a library's
    chained: bool  # a cause/context of a later exception rather than the final one
    count: int  # how often an identical warning/log line was seen
    cut_frames: bool  # frames of a traceback cut off above its raising frame: they show what ran, not what did not

    @property
    def headline(self) -> str:
        key = self.key_message or self.message
        first = key.strip().split("\n", 1)[0] if key.strip() else ""
        return f"{self.type}: {first}" if self.type else first

    def to_dict(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "kind": self.kind,
            "message": (self.key_message or self.message).strip(),
            "full_message": self.message.strip(),
            "location": self.location.to_dict() if self.location else None,
            "count": self.count,
        }


class ErrorPattern(_Value):
    """One wording of an error family, as declared under a rule's ``errors``."""

    __slots__ = ("any_literals", "confidence", "ignore_case", "involves", "kind", "literal", "pattern", "shared_with", "skeleton", "types", "versions", "where")
    _defaults = {
        "types": (),
        "kind": None,
        "versions": "",
        "confidence": 0.9,
        "where": {},
        "literal": None,
        "any_literals": (),
        "ignore_case": False,
        "involves": (),
        "shared_with": (),
        "skeleton": None,
    }
    pattern: str
    types: tuple[str, ...]
    kind: str | None
    versions: str
    confidence: float
    where: Mapping[str, tuple[str, ...]]
    literal: str | None  # a substring every match must contain: a cheap pre-filter
    any_literals: tuple[str, ...]  # for a pattern of alternatives: every match contains one of these
    skeleton: tuple[str, ...] | None  # its literal text, lower-cased, for near-miss scoring (None: not computed)
    ignore_case: bool
    involves: tuple[str, ...]  # packages whose version mismatch this wording signals
    shared_with: tuple[str, ...]  # other families whose cause the library reports with this same message

    def compiled(self) -> re.Pattern[str]:
        from kerasdoctor.kb import compile_pattern

        return compile_pattern(self.pattern)


class Rule(_Value):
    """One error family of the knowledge base (one YAML file)."""

    __slots__ = (
        "applies_to",
        "category",
        "docs",
        "errors",
        "examples",
        "frames",
        "id",
        "lint",
        "name",
        "path",
        "severity",
        "symptoms",
        "title",
    )
    _defaults = {"applies_to": {}, "lint": None, "examples": {}, "path": "", "symptoms": {}, "frames": ()}
    id: str
    name: str
    title: str
    severity: str
    category: str
    applies_to: Mapping[str, str]
    docs: Mapping[str, Any]
    errors: tuple[ErrorPattern, ...]
    lint: Mapping[str, Any] | None
    examples: Mapping[str, Any]
    path: str
    symptoms: Mapping[str, tuple[str, ...]]  # phrases describing the symptom, per language (en, zh)
    frames: tuple[str, ...]  # functions whose presence among the raising frames points at this family

    @property
    def references(self) -> list[str]:
        return list(self.docs.get("references") or [])


class Match(_Value):
    """A rule that fits an error record, and how sure we are."""

    __slots__ = ("confidence", "evidence", "kind", "notes", "pattern", "record", "rule")
    _defaults = {"notes": (), "kind": "wording", "pattern": None}
    rule: Rule
    confidence: float
    record: ErrorRecord
    pattern: ErrorPattern | None  # the wording that matched; None for frames and symptom matches
    evidence: str  # the matched text, frames or phrase
    notes: tuple[str, ...]  # e.g. what the installed versions say about the rule
    kind: str  # one of MATCH_KINDS: how the match was made

    @property
    def id(self) -> str:
        return self.rule.id

    @property
    def name(self) -> str:
        return self.rule.name

    def to_dict(self) -> dict[str, Any]:
        docs = self.rule.docs
        example = docs.get("example") or {}
        return {
            "id": self.rule.id,
            "name": self.rule.name,
            "title": self.rule.title,
            "severity": self.rule.severity,
            "confidence": round(self.confidence, 3),
            "kind": self.kind,
            "what": docs.get("what", ""),
            "cause": docs.get("why", ""),
            "fix": docs.get("fix", ""),
            "example": {"bad": example.get("bad", ""), "good": example.get("good", "")},
            "references": self.rule.references,
            "evidence": self.evidence,
            "error": self.record.headline,
            "notes": list(self.notes),
        }


class BestPerRule:
    """The most confident match of each rule; then all of them, best first (ties by rule id)."""

    __slots__ = ("_best",)

    def __init__(self) -> None:
        self._best: dict[str, Match] = {}

    def add(self, match: Match) -> None:
        current = self._best.get(match.rule.id)
        if current is None or match.confidence > current.confidence:
            self._best[match.rule.id] = match

    def ranked(self) -> list[Match]:
        return sorted(self._best.values(), key=lambda m: (-m.confidence, m.rule.id))


class Explanation(_Value):
    """What ``explain`` found: the errors in the input and the ranked matching rules."""

    __slots__ = ("environment", "errors", "matches")
    _defaults = {"environment": {}}
    errors: Sequence[ErrorRecord]
    matches: Sequence[Match]
    environment: Mapping[str, str]  # versions known from the installed packages or the traceback

    @property
    def best(self) -> Match | None:
        return self.matches[0] if self.matches else None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "errors": [e.to_dict() for e in self.errors],
            "matches": [m.to_dict() for m in self.matches],
        }
        if self.environment:
            out["environment"] = dict(self.environment)
        return out

"""Load, validate and cache the knowledge base: one YAML rule per error family.

YAML parsing (~30 ms for the import alone) and regex compilation happen once per
change of the rule files; later runs read a marshalled snapshot from the cache
directory, so a cold ``kerasdoctor explain`` stays close to bare interpreter start-up.
"""

from __future__ import annotations

import marshal
import os
import sys

from kerasdoctor import __version__
from kerasdoctor.lazyre import IGNORECASE, MULTILINE, attach_engine_code, build_tag, lazy
from kerasdoctor.lazyre import compile as compile_regex
from kerasdoctor.types import ErrorPattern, Rule

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Sequence
    from typing import Any

    # a symptom phrase, its keywords as terms, and what a text needs for it (explain.symptoms.prepared_phrases)
    PreparedPhrase = tuple[str, tuple[tuple[str, ...], ...], frozenset[str], tuple[str, ...], tuple[tuple[frozenset[str], tuple[str, ...]] | None, ...], int]
    # marshalled bytes, or (offset, length, crc32) in a snapshot's blob area
    Blob = bytes | tuple[int, int, int]
    # what a fallback's evidence needs in a text, inverted (explain.fallback.evidence_index): wordings by word, (rule
    # position, words) per wording, rules by symptom word, rules' Chinese keywords, rules by frame, marshalled phrases,
    # the one-identifier wordings by the identifier's first characters; "by word" maps are packed
    # (explain.fallback.pack_postings)
    EvidenceIndex = tuple[
        dict[str, str],
        tuple[tuple[int, int], ...],
        dict[str, str],
        tuple[tuple[int, tuple[str, ...]], ...],
        dict[str, str],
        tuple[Blob, ...],
        dict[str, tuple[tuple[str, int], ...]],
    ]
    # per kind of evidence, what can fit: near-miss rules, the codes of symptom phrases (read without building
    # their rules, explain.fallback.phrase_code), frame rules
    EvidenceCandidates = tuple[list[Rule], set[int], list[Rule]]
    # (groups of terms meaning the same, generic terms); a term is the words of one entry
    Vocabulary = tuple[tuple[tuple[tuple[str, ...], ...], ...], tuple[tuple[str, ...], ...]]
    from kerasdoctor.explain.nearest import NearestIndex
    from kerasdoctor.explain.symptoms import WordGroups

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
WHERE_KEYS = (
    "raised_in",
    "not_raised_in",
    "frame_function",
    "shown_frame_function",
    "raising_code",
    "shown_raising_code",
    "calling_code",
    "not_calling_code",
    "shown_calling_code",
    "called_from",
    "user_file",
)
VERSIONED_PACKAGES = ("keras", "tensorflow", "tf_keras", "python")
TOP_KEYS = ("id", "name", "title", "severity", "category", "applies_to", "docs", "errors", "lint", "examples", "symptoms", "frames")
SYMPTOM_LANGUAGES = ("en", "zh", "ja", "ko")
DOCS_KEYS = ("what", "why", "fix", "example", "references", "notes")
ERROR_KEYS = ("pattern", "type", "kind", "versions", "confidence", "where", "involves", "shared_with")
EXAMPLE_KEYS = ("errors", "not_errors", "bad", "good")
ERROR_EXAMPLE_KEYS = ("text", "versions", "source")
# docs.example.runs: how the real-backend tests run the bad/good pair, or why they cannot
RUN_STACKS = ("k3", "k2", "jax")
RUN_KEYS = ("stack", "setup", "expect", "symptom", "check", "skip", "long")
RUN_EXPECTS = ("error", "output", "symptom")
_ID = lazy(r"KD\d{3}\Z")
_NAME = lazy(r"^[a-z0-9]+(?:-[a-z0-9]+)*\Z")
_SPECIFIER = lazy(r"^\s*(?:(?:~=|==|!=|<=|>=|<|>)\s*[0-9][0-9a-z.*+!-]*\s*)(?:,\s*(?:~=|==|!=|<=|>=|<|>)\s*[0-9][0-9a-z.*+!-]*\s*)*\Z")
_IDENTIFIER = lazy(r"^[A-Za-z_][\w.]*\Z")
_CACHE_FORMAT = 23
# the symptom vocabulary of a rule directory (words users write for the same thing): not a rule
VOCABULARY_FILE = "_vocabulary.yaml"
VOCABULARY_KEYS = ("groups", "generic")
MAX_VOCABULARY_GROUPS = 2_000
MAX_GROUP_ENTRIES = 50
# Bounds on what a rule file may ask of the loader and the matcher: any rule directory can be
# a user's, and one bad file must cost only itself, never time or memory for the others.
MAX_RULE_FILE_BYTES = 1_000_000
MAX_RULE_VALUES = 50_000  # values in a parsed file, counting each alias expansion
MAX_PATTERN_CHARS = 5_000
MAX_PATTERN_NESTING = 30
MAX_PATTERN_REPEAT = 1_000
# patterns of rules outside the built-in directory run with a time limit per search
USER_PATTERN_TIMEOUT = 0.2


class RuleSet:
    """The loaded rules, indexed by id and name, and what was wrong with the files.

    A ruleset read from the snapshot keeps each rule as its marshalled bytes until
    it is asked for: a cold ``explain`` whose message a wording matches builds only
    the few rules whose pre-filter literals occur in it.
    """

    def __init__(self, rules: list[Rule], problems: list[str], dirs: tuple[str, ...], vocabulary: Vocabulary = ((), ())) -> None:
        self._rules: list[Rule] | None = sorted(rules, key=lambda r: r.id)
        self.problems = problems
        self.dirs = dirs
        # from a snapshot, sorted by id: (id, name, ((literal, any_literals) per wording), the marshalled plain rule)
        self._entries: list[tuple[str, str, tuple[tuple[str | None, tuple[str, ...]], ...], bytes]] = []
        # the snapshot's marshalled EvidenceIndex: only a fallback reads it
        self._evidence_bytes: Blob | None = None
        # the snapshot's blob area: each blob's checksum is checked when it is first read
        self._blobs: SnapshotBlobs | None = None
        # the symptom vocabulary: (groups of words meaning the same thing, generic words)
        self.vocabulary = vocabulary
        self._evidence_index: EvidenceIndex | None = None
        self._built: dict[int, Rule] = {}
        # the snapshot's marshalled last-resort index (explain.nearest.build_index): read only when nothing else matched
        self._nearest_bytes: Blob | None = None
        self._nearest: NearestIndex | None = None
        self._positions: dict[str, int] | None = None
        # from a snapshot: (position, the pre-filters without their backticks) of each rule with a backticked literal
        self._marked: list[tuple[int, tuple[tuple[str | None, tuple[str, ...]], ...]]] | None = None
        # the snapshot's marshalled vocabulary index (explain.symptoms.WordGroups.state): only a fallback reads it
        self._word_groups_bytes: Blob | None = None

    @classmethod
    def from_snapshot(
        cls,
        entries: list[Any],
        problems: list[str],
        dirs: tuple[str, ...],
        vocabulary: Vocabulary = ((), ()),
        evidence: Blob | None = None,
        blobs: SnapshotBlobs | None = None,
    ) -> RuleSet:
        ruleset = cls([], problems, dirs, vocabulary)
        ruleset._rules = None
        ruleset._entries = entries
        ruleset._evidence_bytes = evidence
        ruleset._blobs = blobs
        return ruleset

    def _blob(self, blob: Blob | None) -> bytes | None:
        """A blob's bytes: as given, or from the snapshot's blob area once its checksum holds (else None)."""
        if blob is None or type(blob) is bytes:
            return blob
        return self._blobs.read(blob) if self._blobs is not None else None

    def _read_rules_afresh(self) -> None:
        """A damaged snapshot blob: read every rule from its YAML instead, and drop the snapshot so the next run rebuilds it."""
        plains, _problems = parse_rule_files(rule_files(self.dirs))
        self._rules = sorted((_rule_from_plain(p) for p in plains), key=lambda r: r.id)
        if len(self._rules) != len(self._entries):
            raise RuntimeError("the rule files changed while they were read; run again")
        self._entries, self._built, self._positions = [], {}, None
        if self._blobs is not None:
            self._blobs.discard()

    @property
    def rules(self) -> list[Rule]:
        if self._rules is None:
            collecting = _pause_collector()
            try:
                self._rules = [self._rule_at(i) for i in range(len(self._entries))]
            finally:
                _resume_collector(collecting)
        return self._rules

    def _rule_at(self, position: int) -> Rule:
        if not self._entries:
            return self.rules[position]
        rule = self._built.get(position)
        if rule is None:
            data = self._blob(self._entries[position][3])
            if data is None:
                self._read_rules_afresh()
                return self.rules[position]
            rule = self._built[position] = _rule_from_values(marshal.loads(data))  # noqa: S302 - checked snapshot
        return rule

    def __len__(self) -> int:
        return len(self._entries) if self._rules is None else len(self._rules)

    def __iter__(self) -> Iterator[Rule]:
        return iter(self.rules)

    def _position(self, key: str) -> int | None:
        if self._positions is None:
            names = [(e[0], e[1]) for e in self._entries] if self._entries else [(r.id, r.name) for r in self.rules]
            self._positions = {rule_id: i for i, (rule_id, _name) in enumerate(names)}
            self._positions.update({name: i for i, (_rule_id, name) in enumerate(names)})
        return self._positions.get(key)

    def get(self, key: str) -> Rule | None:
        """A rule by id (``KD001``, case-insensitive) or name."""
        position = self._position(key)
        if position is None:
            position = self._position(key.upper())
        return None if position is None else self._rule_at(position)

    def by_id(self, rule_id: str) -> Rule:
        position = self._position(rule_id)
        if position is None:
            raise KeyError(rule_id)
        return self._rule_at(position)

    def wording_candidates(self, lowered_texts: Sequence[str], *, unmarked: bool = False) -> list[Rule]:
        """The rules with a wording whose pre-filter literals occur in one of ``lowered_texts``.

        No other rule's wording can match those texts (``explain.match`` checks the
        same literals first), so matching only these gives the same answer. ``unmarked``:
        the rules with a literal that holds a backtick and occurs once its backticks are dropped, as
        ``explain.match`` then reads it.
        """
        if unmarked:
            # only the literals that hold a backtick read differently; a rule whose literals hold none passed or failed
            # the plain pre-filter already, and is the caller's to add (explain.fallback)
            marked = self._marked if self._marked is not None and self._entries else marked_prefilters(self._prefilters())
            positioned: Iterable[tuple[int, tuple[tuple[str | None, tuple[str, ...]], ...]]] = marked
        else:
            positioned = enumerate(self._prefilters())
        # one search per literal rather than one per text: a literal never holds a NUL, so it occurs in the joined
        # text when it occurs in one of the texts; a rule that then passes on two texts' literals is only a wider
        # pre-filter, matching checks each text on its own
        text = "\0".join(lowered_texts)
        found = []
        # plain loops: a generator per rule and wording costs more than the substring searches themselves
        for position, wordings in positioned:
            for literal, any_literals in wordings:
                if literal is not None and literal not in text:
                    continue
                if any_literals:
                    for alternative in any_literals:
                        if alternative in text:
                            break
                    else:
                        continue
                found.append(self._rule_at(position))
                break
        return found

    def _prefilters(self) -> list[tuple[tuple[str | None, tuple[str, ...]], ...]]:
        return [e[2] for e in self._entries] if self._entries else [tuple((p.literal, p.any_literals) for p in r.errors) for r in self.rules]

    def rules_at(self, positions: Iterable[int]) -> list[Rule]:
        """The rules at these positions (in id order), built from the snapshot only now."""
        return [self._rule_at(position) for position in sorted(positions)]

    def evidence_index(self) -> EvidenceIndex:
        """What the fallback's evidence needs in a text (``explain.fallback.evidence_index``): unpacked from the snapshot, else worked out."""
        data = self._blob(self._evidence_bytes) if self._evidence_index is None else None
        if data is not None:
            stored = marshal.loads(data)  # noqa: S302 - checked snapshot
            if _valid_evidence(stored, len(self)):
                self._evidence_index = stored
        if self._evidence_index is None:
            from kerasdoctor.explain.fallback import evidence_index

            self._evidence_index = evidence_index(self.rules, self.vocabulary)
        return self._evidence_index

    def nearest_index(self) -> NearestIndex:
        """The rules' BM25 postings for the last-resort guess: unpacked from the snapshot, else worked out from the rules."""
        data = self._blob(self._nearest_bytes) if self._nearest is None else None
        if data is not None:
            stored = marshal.loads(data)  # noqa: S302 - checked snapshot
            ids = tuple(e[0] for e in self._entries)
            shaped = type(stored) is tuple and len(stored) == 3 and type(stored[1]) is dict and type(stored[2]) is tuple
            if shaped and stored[0] == ids and len(stored[2]) == len(ids):
                self._nearest = stored
        if self._nearest is None:
            from kerasdoctor.explain.nearest import build_index

            self._nearest = build_index(self.rules, self.vocabulary)
        return self._nearest

    def word_groups(self) -> WordGroups:
        """The symptom vocabulary indexed (``explain.symptoms.word_groups``): unpacked from the snapshot, else worked out."""
        from kerasdoctor.explain.symptoms import word_groups

        return word_groups(self.vocabulary, self._blob(self._word_groups_bytes))

    def rule_at(self, position: int) -> Rule:
        """The rule at this position (id order), built from the snapshot when first asked for."""
        return self._rule_at(position)

    def phrases_at(self, codes: Iterable[int]) -> list[tuple[int, tuple[PreparedPhrase, ...]]]:
        """Per rule, in id order, its prepared symptom phrases of these codes (``explain.fallback.phrase_code``),
        without building the rules."""
        from kerasdoctor.explain.fallback import ALL_PHRASES, PHRASE_SLOTS

        codes = tuple(codes)
        phrases_of = self.evidence_index()[5]
        wanted: dict[int, set[int]] = {}
        for code in codes:
            wanted.setdefault(code // PHRASE_SLOTS, set()).add(code % PHRASE_SLOTS)
        out = []
        for position, numbers in sorted(wanted.items()):
            data = self._blob(phrases_of[position]) if position < len(phrases_of) else None
            if data is None and position < len(phrases_of):
                # a damaged blob: the phrases worked out from the rules instead, and the snapshot rebuilt next time
                from kerasdoctor.explain.fallback import evidence_index

                if self._blobs is not None:
                    self._blobs.discard()
                self._evidence_index = evidence_index(self.rules, self.vocabulary)
                return self.phrases_at(codes)
            if data is not None:
                each = marshal.loads(data)  # noqa: S302 - checked snapshot or made here
                if type(each) is tuple and each:
                    chosen = each if ALL_PHRASES in numbers else [each[n] for n in sorted(numbers) if n < len(each)]
                    phrases = tuple(marshal.loads(phrase) for phrase in chosen)  # noqa: S302 - as above
                    if phrases:
                        out.append((position, phrases))
        return out


def _pause_collector() -> bool:
    """Stop the cyclic garbage collector for a burst of long-lived objects (a rule set); whether it ran."""
    import gc

    collecting = gc.isenabled()
    gc.disable()  # its passes over thousands of new containers, none of them garbage, would cost a third
    return collecting


def _resume_collector(collecting: bool) -> None:
    if collecting:
        import gc

        gc.enable()


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


def write_cache_file(path: str, data: bytes) -> bool:
    """Write ``data`` to ``path`` through a temporary file renamed over it, so a reader never sees half a file.

    False when it cannot be written: a read-only cache only costs speed, never correctness.
    """
    tmp = f"{path}.{os.getpid()}.tmp"
    try:
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        with open(tmp, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except OSError:
        try:
            os.remove(tmp)
        except OSError:
            pass
        return False
    return True


# user pattern -> where it was declared ("path: errors[i].pattern"); filled when rules load
_USER_PATTERNS: dict[str, str] = {}
# where -> a one-line problem, for each user pattern that ran out of time
SLOW_PATTERNS: dict[str, str] = {}


_COMPILED_PATTERNS: dict[tuple[str, bool], Any] = {}


def _holds_backtick(literal: str | None, any_literals: Sequence[str]) -> bool:
    return (literal is not None and "`" in literal) or any("`" in a for a in any_literals)


def marked_prefilters(
    prefilters: Sequence[tuple[tuple[str | None, tuple[str, ...]], ...]],
) -> list[tuple[int, tuple[tuple[str | None, tuple[str, ...]], ...]]]:
    """For each rule with a pre-filter literal that holds a backtick: its position and those pre-filters without them."""
    marked = []
    for position, wordings in enumerate(prefilters):
        unmarked = tuple(unmarked_prefilter(literal, any_literals) for literal, any_literals in wordings if _holds_backtick(literal, any_literals))
        if unmarked:
            marked.append((position, unmarked))
    return marked


def _valid_marked(marked: Any, rules: int) -> bool:
    return isinstance(marked, list) and all(
        type(item) is tuple and len(item) == 2 and type(item[0]) is int and 0 <= item[0] < rules and type(item[1]) is tuple for item in marked
    )


def unmarked_prefilter(literal: str | None, any_literals: Sequence[str]) -> tuple[str | None, tuple[str, ...]]:
    """A wording's pre-filter literals without backticks, for text read without Markdown's code marks."""
    return (None if literal is None else literal.replace("`", "")), tuple(a.replace("`", "") for a in any_literals)


def unmarked_pattern(pattern: str) -> str | None:
    """``pattern`` with its backticks dropped (an escaped one with its backslash), or None when it holds none."""
    if "`" not in pattern:
        return None
    return pattern.replace("\\`", "").replace("`", "")


def compile_pattern(pattern: str, ignore_case: bool = False) -> Any:
    """The compiled pattern: ``re`` for the built-in rules, time-limited for users' rules."""
    compiled = _COMPILED_PATTERNS.get((pattern, ignore_case))
    if compiled is None:
        where = _USER_PATTERNS.get(pattern)
        if where is not None:
            compiled = TimedPattern(pattern, where, ignore_case=ignore_case)
        else:
            compiled = compile_regex(pattern, MULTILINE | (IGNORECASE if ignore_case else 0))
        _COMPILED_PATTERNS[(pattern, ignore_case)] = compiled
    return compiled


def compile_derived(origin: str, derived: str, ignore_case: bool = False) -> Any:
    """A pattern made from a rule's pattern ``origin`` (its words made optional, say), or None when it does not compile.

    Time-limited like its origin when that is a user's pattern; ``re`` for the built-in ones.
    """
    where = _USER_PATTERNS.get(origin)
    if where is None:
        import re

        try:
            return re.compile(derived, re.IGNORECASE if ignore_case else 0)
        except re.error:
            return None
    import regex

    try:
        return TimedPattern(derived, where, ignore_case=ignore_case)
    except regex.error:
        return None


class TimedPattern:
    """A user's pattern run by the ``regex`` module with a time limit, so backtracking cannot hang.

    A search that runs out of time counts as no match; the pattern is then skipped for
    the rest of the process and reported once in ``SLOW_PATTERNS``.
    """

    def __init__(self, pattern: str, where: str, ignore_case: bool = False) -> None:
        import regex

        self.pattern = pattern
        self.where = where
        self._compiled = regex.compile(pattern, regex.MULTILINE | (regex.IGNORECASE if ignore_case else 0))

    def _timed(self, method: str, *args: Any) -> Any:
        if self.where in SLOW_PATTERNS:
            return None
        try:
            return getattr(self._compiled, method)(*args, timeout=USER_PATTERN_TIMEOUT)
        except TimeoutError:
            SLOW_PATTERNS[self.where] = f"{self.where}: gave up after {USER_PATTERN_TIMEOUT} s on one input (the pattern backtracks too much); skipped"
            return None

    def search(self, string: str, *args: Any) -> Any:
        return self._timed("search", string, *args)

    def match(self, string: str, *args: Any) -> Any:
        return self._timed("match", string, *args)

    def fullmatch(self, string: str, *args: Any) -> Any:
        return self._timed("fullmatch", string, *args)

    def finditer(self, string: str, *args: Any) -> Any:
        found = self._timed("findall", string, *args)  # materialised under the time limit
        return iter(()) if found is None else self._timed("finditer", string, *args) or iter(())

    def __getattr__(self, name: str) -> Any:
        return getattr(self._compiled, name)


def pattern_problem(pattern: str, *, user: bool = False) -> str | None:
    """Why ``pattern`` cannot be a rule's pattern, or None: it must compile and stay small."""
    if len(pattern) > MAX_PATTERN_CHARS:
        return f"longer than {MAX_PATTERN_CHARS} characters"
    if _nesting_depth(pattern) > MAX_PATTERN_NESTING:
        return f"groups nested deeper than {MAX_PATTERN_NESTING}"
    import re

    try:
        parsed = _sre_parse().parse(pattern)
        re.compile(pattern)
    except re.error as exc:
        return f"bad regex: {exc}"
    except (OverflowError, RecursionError, ValueError, TypeError) as exc:
        return f"bad regex: {exc}"
    largest = _largest_repeat_bound(parsed)
    if largest > MAX_PATTERN_REPEAT:
        return f"a repeat count of {largest} is above the limit of {MAX_PATTERN_REPEAT}"
    if user:
        import regex

        try:
            regex.compile(pattern, regex.MULTILINE)
        except (regex.error, OverflowError, RecursionError, ValueError) as exc:
            return f"bad regex: {exc}"
    return None


def _nesting_depth(pattern: str) -> int:
    depth = deepest = 0
    escaped = in_class = False
    for i, ch in enumerate(pattern):
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif in_class:
            in_class = ch != "]" or pattern[i - 1] == "[" or pattern[i - 2 : i] == "[^"
        elif ch == "[":
            in_class = True
        elif ch == "(":
            depth += 1
            deepest = max(deepest, depth)
        elif ch == ")":
            depth -= 1
    return deepest


def _sre_parse() -> Any:
    if sys.version_info >= (3, 11):
        from re import _parser as sre_parse  # type: ignore[attr-defined]
    else:  # pragma: no cover - exercised on older interpreters only
        import sre_parse
    return sre_parse


def _largest_repeat_bound(parsed: Any) -> int:
    """The largest explicit bound of a ``{m,n}`` repeat anywhere in a parsed pattern."""
    sre_parse = _sre_parse()
    constants = sre_parse._constants if hasattr(sre_parse, "_constants") else sre_parse
    repeats = {constants.MAX_REPEAT, constants.MIN_REPEAT, getattr(constants, "POSSESSIVE_REPEAT", None)}
    largest = 0
    stack = [parsed]
    while stack:
        item = stack.pop()
        if isinstance(item, sre_parse.SubPattern):
            for op, arg in item:
                if op in repeats:
                    for bound in arg[:2]:
                        if bound != constants.MAXREPEAT:
                            largest = max(largest, bound)
                stack.append(arg)
        elif isinstance(item, (list, tuple)):
            stack.extend(item)
    return largest


def literal_runs(pattern: str) -> list[str]:
    """The runs of literal text that every match of ``pattern`` contains, in order (case kept)."""
    if sys.version_info >= (3, 11):
        from re import _constants as sre_constants  # type: ignore[attr-defined]
        from re import _parser as sre_parse  # type: ignore[attr-defined]
    else:  # pragma: no cover - exercised on older interpreters only
        import sre_constants
        import sre_parse
    try:
        parsed = sre_parse.parse(pattern)
    except sre_parse.error:
        return []
    runs: list[str] = []

    def walk(items: Any) -> None:
        run: list[str] = []
        for op, arg in items:
            if op is sre_constants.LITERAL:
                run.append(chr(arg))
                continue
            if run:
                runs.append("".join(run))
            run = []
            if op is sre_constants.SUBPATTERN:
                walk(arg[-1])
            elif op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT) and arg[0] >= 1:
                walk(arg[2])
        if run:
            runs.append("".join(run))

    walk(parsed)
    return runs


def alternative_literals(pattern: str) -> tuple[str, ...]:
    """For a pattern holding a required group of alternatives ``(?:a|b|c)``: each branch's longest literal, lower-cased.

    The group is the pattern itself, or one item of its top-level sequence (``(?:a|b): x``);
    of several such groups, the one whose shortest literal is longest. Empty unless every
    branch of the group has a literal of three characters or more, so that a message holding
    none of them can skip the pattern without compiling it.
    """
    if sys.version_info >= (3, 11):
        from re import _constants as sre_constants  # type: ignore[attr-defined]
        from re import _parser as sre_parse  # type: ignore[attr-defined]
    else:  # pragma: no cover - exercised on older interpreters only
        import sre_constants
        import sre_parse
    try:
        items = list(sre_parse.parse(pattern))
    except sre_parse.error:
        return ()
    while len(items) == 1 and items[0][0] is sre_constants.SUBPATTERN:
        items = list(items[0][1][-1])

    def branch_literals(item: Any) -> tuple[str, ...]:
        op, arg = item
        if op is sre_constants.SUBPATTERN:
            inner = list(arg[-1])
            if len(inner) != 1:
                return ()
            op, arg = inner[0]
        if op is not sre_constants.BRANCH:
            return ()
        literals = []
        for branch in arg[1]:
            best = ""
            run: list[str] = []
            for branch_op, branch_arg in [*branch, (None, None)]:
                if branch_op is sre_constants.LITERAL:
                    run.append(chr(branch_arg))
                    continue
                if len(run) > len(best):
                    best = "".join(run)
                run = []
            if len(best) < 3:
                return ()
            literals.append(best.lower())
        return tuple(literals)

    groups = [literals for literals in map(branch_literals, items) if literals]
    return max(groups, key=lambda literals: min(map(len, literals)), default=())


def pattern_skeleton(pattern: str) -> tuple[str, ...]:
    """The pattern's literal text worth comparing for near misses; computed with the snapshot, parsing costs."""
    from kerasdoctor.explain.fuzzy import skeleton

    return skeleton(pattern)


def required_literal(pattern: str) -> str | None:
    """The longest substring (lower-cased) that every match of ``pattern`` contains.

    Checking ``literal in message`` first lets a search over a thousand rules skip
    almost every regex without compiling it.
    """
    best = max(literal_runs(pattern), key=len, default="")
    return best.lower() if len(best) >= 3 else None


def _as_tuple(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, (list, tuple)):
        return tuple(str(v) for v in value)
    return (str(value),)


def _is_names(value: Any) -> bool:
    """A string or a list of strings: how rules name types, packages and functions."""
    return isinstance(value, str) or (isinstance(value, list) and all(isinstance(v, str) for v in value))


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


def validate_rule(data: Any, path: str, *, user: bool = False) -> list[str]:
    """Every problem of one parsed rule file, each naming the file and the field.

    ``user``: the file is not one of the built-in rules, so its patterns must also
    compile for the time-limited matcher.
    """
    problems: list[str] = []
    if not isinstance(data, dict):
        return [f"{path}: a rule file must be a YAML mapping, got {type(data).__name__}"]
    _check_keys(path, data, TOP_KEYS, problems)
    shape = _plain_data_problem(data)
    if shape:
        return [f"{path}: {shape}"]
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
        _validate_error(f"{path}: errors[{i}]", entry, problems, user=user)
    if data.get("lint") is not None:
        problems.extend(f"{path}: lint: {p}" for p in _lint_section_problems(data["lint"]))
    _validate_symptoms(path, data.get("symptoms"), problems)
    _validate_frames(path, data.get("frames"), problems)
    _validate_examples(path, data.get("examples"), bool(errors), problems)
    return problems


def _plain_data_problem(data: Any) -> str | None:
    """Why a parsed file is not plain rule data: too many values (alias bombs), or odd types.

    Safe loading still builds dates, sets, bytes and non-text keys, and shares aliased
    values; every value is counted once per place it appears, as later readers see it.
    """
    count = 0
    # each entry: (value, its place as a linked (parent, key) chain, spelled out only for a problem)
    stack: list[tuple[Any, Any]] = [(data, None)]
    while stack:
        value, place = stack.pop()
        count += 1
        if count > MAX_RULE_VALUES:
            return f"more than {MAX_RULE_VALUES} values once aliases are expanded"
        if isinstance(value, dict):
            for key, item in value.items():
                if not isinstance(key, str):
                    return f"{_spell(place)}: key {key!r} must be text (quote it)"
                stack.append((item, (place, key)))
        elif isinstance(value, list):
            stack.extend((item, (place, i)) for i, item in enumerate(value))
        elif not (value is None or isinstance(value, (str, int, float))):
            return f"{_spell(place)}: a {type(value).__name__} value is not allowed (quote it)"
    return None


def _spell(place: Any) -> str:
    parts: list[str] = []
    while place is not None:
        place, key = place
        parts.append(f"[{key}]" if isinstance(key, int) else f".{key}")
    return "".join(reversed(parts)).lstrip(".") or "top level"


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
    if docs.get("notes") is not None and not _is_names(docs["notes"]):
        problems.append(f"{path}: docs.notes: must be text or a list of texts")


def _validate_symptoms(path: str, symptoms: Any, problems: list[str]) -> None:
    if symptoms is None:
        return
    if not isinstance(symptoms, dict):
        problems.append(f"{path}: symptoms: must be a mapping of language ({', '.join(SYMPTOM_LANGUAGES)}) to phrases")
        return
    _check_keys(f"{path}: symptoms", symptoms, SYMPTOM_LANGUAGES, problems)
    for language, phrases in symptoms.items():
        if not (isinstance(phrases, list) and phrases and all(isinstance(p, str) and p.strip() for p in phrases)):
            problems.append(f"{path}: symptoms.{language}: must be a non-empty list of phrases")
            continue
        from kerasdoctor.explain.symptoms import phrase_keywords

        listed: set[str] = set()
        for phrase in phrases:
            if len(phrase_keywords(phrase)) < 2:
                problems.append(f"{path}: symptoms.{language}: {phrase!r} needs at least two keywords (a single word matches too much)")
            spelled = " ".join(phrase.casefold().split())
            if spelled in listed:
                problems.append(f"{path}: symptoms.{language}: {phrase!r} is listed twice")
            listed.add(spelled)


def _validate_frames(path: str, frames: Any, problems: list[str]) -> None:
    if frames is None:
        return
    if not (isinstance(frames, list) and frames and all(isinstance(f, str) and _IDENTIFIER.match(f) for f in frames)):
        problems.append(f"{path}: frames: must be a non-empty list of function names")


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
    if "long" in runs and not (isinstance(runs["long"], str) and runs["long"].strip()):
        problems.append(f"{where}.long: say why the example takes long (it then runs only with --run-long)")


def _validate_error(where: str, entry: Any, problems: list[str], *, user: bool = False) -> None:
    if not isinstance(entry, dict):
        problems.append(f"{where}: must be a mapping with a 'pattern'")
        return
    _check_keys(where, entry, ERROR_KEYS, problems)
    pattern = entry.get("pattern")
    if not (isinstance(pattern, str) and pattern):
        problems.append(f"{where}.pattern: missing")
    else:
        problem = pattern_problem(pattern, user=user)
        if problem:
            problems.append(f"{where}.pattern: {problem}")
    if not (isinstance(entry.get("versions"), str) and entry["versions"].strip()):
        problems.append(f"{where}.versions: say which versions print this wording")
    types = entry.get("type")
    if types is not None and not (isinstance(types, str) or (isinstance(types, list) and all(isinstance(t, str) for t in types))):
        problems.append(f"{where}.type: must be a class name or a list of them")
    if entry.get("kind") is not None and entry["kind"] not in KINDS:
        problems.append(f"{where}.kind: {entry['kind']!r} is not one of {', '.join(KINDS)}")
    confidence = entry.get("confidence", 0.9)
    if not (isinstance(confidence, (int, float)) and not isinstance(confidence, bool) and 0 < confidence <= 1):
        problems.append(f"{where}.confidence: must be a number in (0, 1]")
    involves = entry.get("involves", [])
    if not (isinstance(involves, list) and all(isinstance(p, str) and p in VERSIONED_PACKAGES for p in involves)):
        problems.append(f"{where}.involves: must be a list of {', '.join(VERSIONED_PACKAGES)}")
    shared = entry.get("shared_with", [])
    if not (isinstance(shared, list) and all(isinstance(n, str) and _NAME.match(n) for n in shared)):
        problems.append(f"{where}.shared_with: must be a list of rule names (the other families this message is printed for)")
    conditions = entry.get("where", {})
    if not isinstance(conditions, dict):
        problems.append(f"{where}.where: must be a mapping")
    else:
        _check_keys(f"{where}.where", conditions, WHERE_KEYS, problems)
        for key, value in conditions.items():
            if not _is_names(value):
                problems.append(f"{where}.where.{key}: must be a name or a list of names, got {type(value).__name__}")


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
            if entry.get("versions") is not None and not isinstance(entry["versions"], str):
                problems.append(f"{where}.versions: must be text")
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
                "any_literals": alternative_literals(pattern),
                "skeleton": pattern_skeleton(pattern),
                "ignore_case": pattern.startswith("(?i"),
                "involves": _as_tuple(entry.get("involves")),
                "shared_with": _as_tuple(entry.get("shared_with")),
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
        "symptoms": {lang: tuple(phrases) for lang, phrases in (data.get("symptoms") or {}).items()},
        "frames": _as_tuple(data.get("frames")),
    }


def _rule_from_plain(plain: dict[str, Any]) -> Rule:
    fields = dict(plain)
    fields["errors"] = tuple(ErrorPattern.trusted(e) for e in plain["errors"])
    rule: Rule = Rule.trusted(fields)
    return rule


def _values_of(plain: dict[str, Any]) -> tuple[Any, ...]:
    """A plain rule as values in ``Rule.__slots__`` order, its patterns' in ``ErrorPattern.__slots__`` order.

    Tuples load from the snapshot in half the time of dicts and build the objects faster.
    """

    def value(fields: dict[str, Any], cls: Any, name: str) -> Any:
        return fields[name] if name in fields else cls._defaults[name]

    return tuple(
        tuple(tuple(value(e, ErrorPattern, n) for n in ErrorPattern.__slots__) for e in plain["errors"]) if name == "errors" else value(plain, Rule, name)
        for name in Rule.__slots__
    )


_ERRORS_AT = Rule.__slots__.index("errors")


def _rule_from_values(values: tuple[Any, ...]) -> Rule:
    new, setter = object.__new__, object.__setattr__
    patterns = []
    for pattern_values in values[_ERRORS_AT]:
        pattern = new(ErrorPattern)
        for name, value in zip(ErrorPattern.__slots__, pattern_values):
            setter(pattern, name, value)
        patterns.append(pattern)
    rule = new(Rule)
    for name, value in zip(Rule.__slots__, values):
        setter(rule, name, value)
    setter(rule, "errors", tuple(patterns))
    return rule


def rule_files(dirs: Iterable[str]) -> list[str]:
    files: list[str] = []
    for directory in dirs:
        try:
            names = sorted(os.listdir(directory))
        except OSError:
            continue
        # one concatenation per file rather than os.path.join: a cold explain lists every rule file
        prefix = os.path.join(directory, "")
        files += [prefix + n for n in names if n.endswith((".yaml", ".yml")) and not n.startswith(("_", "."))]
    return files


def vocabulary_files(dirs: Iterable[str]) -> list[str]:
    return [path for path in (os.path.join(d, VOCABULARY_FILE) for d in dirs) if os.path.isfile(path)]


def validate_vocabulary(data: Any, path: str) -> list[str]:
    """Problems of one symptom vocabulary file, one line each."""
    from kerasdoctor.explain.symptoms import tokens

    if not isinstance(data, dict):
        return [f"{path}: must be a mapping with 'groups' (lists of words meaning the same) and 'generic' (words)"]
    problems: list[str] = []
    _check_keys(path, data, VOCABULARY_KEYS, problems)
    groups = data.get("groups") or []
    if not isinstance(groups, list) or len(groups) > MAX_VOCABULARY_GROUPS:
        return [*problems, f"{path}: groups: must be a list of at most {MAX_VOCABULARY_GROUPS} lists of words"]
    seen: dict[tuple[str, ...], int] = {}
    for i, group in enumerate(groups):
        where = f"{path}: groups[{i}]"
        if not (isinstance(group, list) and 2 <= len(group) <= MAX_GROUP_ENTRIES and all(isinstance(w, str) for w in group)):
            problems.append(f"{where}: must be a list of 2 to {MAX_GROUP_ENTRIES} words (quote words YAML would read otherwise)")
            continue
        for word in group:
            term = tuple(tokens(word))
            if not term:
                problems.append(f"{where}: {word!r} has no letters or Chinese characters")
            elif len(term) > 1 and not all(t.isascii() for t in term):
                problems.append(f"{where}: {word!r}: write a Chinese word alone, without spaces or latin letters")
            elif seen.get(term, i) != i:
                problems.append(f"{where}: {word!r} is already in groups[{seen[term]}]; a word belongs to one group")
            else:
                seen[term] = i
    generic = data.get("generic") or []
    if not (isinstance(generic, list) and all(isinstance(w, str) and len(tokens(w)) == 1 for w in generic)):
        problems.append(f"{path}: generic: must be a list of single words")
    return problems


def parse_vocabulary_files(files: Iterable[str]) -> tuple[Vocabulary, list[str]]:
    """The merged vocabulary of ``files`` (groups sharing a word become one) and the files' problems.

    Entries are stored as the words explain reads them with (lower case, folded), so
    a run that needs the vocabulary only looks them up.
    """
    from kerasdoctor.explain.symptoms import tokens

    groups: list[tuple[tuple[str, ...], ...]] = []
    generic: list[tuple[str, ...]] = []
    problems: list[str] = []
    for path in files:
        data, problem = _read_rule_file(path)
        file_problems = [problem] if problem else validate_vocabulary(data, path)
        if file_problems:
            problems.extend(file_problems)
            continue
        generic.extend(tuple(tokens(w)) for w in data.get("generic") or [])
        groups.extend(tuple(tuple(tokens(w)) for w in group) for group in data.get("groups") or [])
    return merge_vocabularies([(tuple(groups), tuple(generic))]), problems


def merge_vocabularies(vocabularies: Iterable[Vocabulary]) -> Vocabulary:
    """One vocabulary of several: groups that share a term become one group."""
    merged: list[list[tuple[str, ...]]] = []
    generic: list[tuple[str, ...]] = []
    for groups, terms in vocabularies:
        generic.extend(terms)
        for group in groups:
            joined = list(dict.fromkeys(group))
            for other in [g for g in merged if set(g) & set(joined)]:
                merged.remove(other)
                joined = [*other, *(t for t in joined if t not in other)]
            merged.append(joined)
    return tuple(tuple(g) for g in merged), tuple(dict.fromkeys(generic))


def _read_rule_file(path: str) -> tuple[Any, str | None]:
    """The parsed YAML of one rule file, or a one-line problem naming the file."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        with open(path, "rb") as handle:
            if os.fstat(handle.fileno()).st_size > MAX_RULE_FILE_BYTES:
                return None, f"{path}: larger than {MAX_RULE_FILE_BYTES // 1_000_000} MB; a rule file is a few KB"
            return yaml.load(handle, Loader=loader), None  # noqa: S506 - a safe loader
    except OSError as exc:
        return None, f"{path}: cannot read: {exc.strerror or exc}"
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" (line {mark.line + 1})" if mark is not None else ""
        return None, f"{path}: not valid YAML{at}: {' '.join(str(getattr(exc, 'problem', None) or exc).split())}"
    except UnicodeDecodeError:
        return None, f"{path}: not valid UTF-8"
    except RecursionError:
        return None, f"{path}: nested too deeply"
    except (ValueError, TypeError, OverflowError) as exc:  # e.g. a date or number YAML cannot build
        return None, f"{path}: not valid YAML: {exc}"


def is_builtin_rule(path: str) -> bool:
    return os.path.dirname(os.path.abspath(path)) == os.path.abspath(builtin_rules_dir())


def parse_rule_files(files: Iterable[str]) -> tuple[list[dict[str, Any]], list[str]]:
    """Parse and validate rule files; broken ones are reported and skipped, the rest load."""
    plains: list[dict[str, Any]] = []
    problems: list[str] = []
    seen: dict[str, str] = {}
    for path in files:
        data, problem = _read_rule_file(path)
        if problem:
            problems.append(problem)
            continue
        file_problems = validate_rule(data, path, user=not is_builtin_rule(path))
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


def _register_user_patterns(rules: Iterable[Rule], builtin_rules: Iterable[Rule]) -> None:
    """Mark the patterns of rules outside the built-in directory for the time-limited matcher.

    A user's pattern that is also a built-in rule's (the same text) stays on ``re``.
    """
    builtin_patterns = {p.pattern for r in builtin_rules if is_builtin_rule(r.path) for p in r.errors}
    for rule in rules:
        if is_builtin_rule(rule.path):
            continue
        for i, pattern in enumerate(rule.errors):
            if pattern.pattern not in _USER_PATTERNS and pattern.pattern not in builtin_patterns:
                _USER_PATTERNS[pattern.pattern] = f"{rule.path}: errors[{i}].pattern"
                _COMPILED_PATTERNS.clear()


def _fingerprint(files: list[str]) -> str:
    parts = [__version__, str(_CACHE_FORMAT), sys.version.split()[0], build_tag(), ",".join(Rule.__slots__), ",".join(ErrorPattern.__slots__)]
    # the code that shapes the snapshot: a snapshot written by other code is never read back as ours
    here = os.path.dirname(os.path.abspath(__file__))
    shaping = [os.path.join(here, "kb.py"), os.path.join(here, "types.py"), os.path.join(here, "lazyre.py")]  # lazyre: the engine code file
    shaping += [os.path.join(here, "explain", f"{name}.py") for name in ("fuzzy", "symptoms", "fallback", "frames", "nearest")]
    shaping.append(os.path.join(here, "data", "hant_fold.txt"))  # symptoms.tokens reads Chinese through it
    shaping.append(os.path.join(here, "data", "family_prevalence.json"))  # nearest.build_index weighs families by it
    stats = []
    for path in [*shaping, *files]:
        try:
            st = os.stat(path)
        except OSError:
            continue
        stats.append((path, st.st_mtime_ns, st.st_size))
    # zlib is built in and cheap to import; hashlib loads OpenSSL (~4 ms) - too slow for start-up
    import zlib

    # marshal, not text: writing ~500 times and sizes out in decimal cost more than the stat calls
    data = marshal.dumps((parts, stats))
    return f"{zlib.crc32(data):08x}{zlib.adler32(data):08x}{len(data):x}"


_SNAPSHOT_MAGIC = b"KDK2"
# a snapshot per set of rule files and code: one per upgrade or rule edit, a few kept for other installs sharing the cache
KEEP_SNAPSHOTS = 4
# the payload's marshalled indexes that only a fallback reads: kept in the blob area
_BLOB_KEYS = ("evidence", "nearest", "word_groups")


class SnapshotBlobs:
    """The blob area of a snapshot file (rules, fallback indexes): a blob is checked against its own checksum when read.

    Only the head (ids, pre-filters, where each blob lies) is checked as a whole when the
    snapshot is read: a cold ``explain`` then checksums the few rules it builds, not all of them.
    The area is read blob by blob from the open file (from ``base`` on): a cold run reads a few of
    its 3 MB, and reading them all costs more than the rest of a matched run.
    """

    __slots__ = ("_base", "_file", "_path")

    def __init__(self, file: Any, base: int, path: str) -> None:
        # the file stays open: a snapshot written again meanwhile replaces the name, not what this one reads
        self._file = file
        self._base = base
        self._path = path

    def read(self, blob: Any) -> bytes | None:
        """The blob's bytes, or None when the reference or the bytes are damaged."""
        import zlib

        if not (type(blob) is tuple and len(blob) == 3 and all(type(n) is int for n in blob)):
            return None
        offset, length, crc = blob
        if offset < 0 or length < 0 or self._file is None:
            return None
        try:
            if hasattr(os, "pread"):
                piece = os.pread(self._file.fileno(), length, self._base + offset)
            else:
                self._file.seek(self._base + offset)
                piece = self._file.read(length)
        except (OSError, ValueError):
            return None
        if len(piece) != length or zlib.crc32(piece) != crc:
            return None
        return piece  # type: ignore[no-any-return]

    def __del__(self) -> None:
        # the file closes with the ruleset that read it, without a ResourceWarning
        if self._file is not None:
            self._file.close()

    def discard(self) -> None:
        """Remove the damaged snapshot: the next run writes it again."""
        if self._file is not None:
            self._file.close()
            self._file = None
        try:
            os.remove(self._path)
        except OSError:
            pass


def _read_snapshot(path: str) -> Any:
    """The snapshot's payload, or None when it is missing or its head is damaged.

    The head's checksum covers every byte of it; each blob (``payload["blobs"]``) has its own, checked when read.
    """
    import zlib

    handle = None
    try:
        # the head now, each blob when it is asked for (SnapshotBlobs): unbuffered, one read each
        handle = open(path, "rb", buffering=0)  # noqa: SIM115 - kept open for the blobs, closed on every failure
        start = handle.read(12)
        size = int.from_bytes(start[8:12], "little")
        head = handle.read(size)
        if not start.startswith(_SNAPSHOT_MAGIC) or len(start) != 12 or len(head) != size or int.from_bytes(start[4:8], "little") != zlib.crc32(head):
            handle.close()
            return None
        collecting = _pause_collector()
        try:
            # one read, then loads: marshal.load on a file object reads it in small pieces, 20x slower
            payload = marshal.loads(head)  # noqa: S302 - our own snapshot, written by _write_snapshot
        finally:
            _resume_collector(collecting)
    except (OSError, EOFError, ValueError, TypeError):
        if handle is not None:
            handle.close()
        return None
    if isinstance(payload, dict):
        payload["blobs"] = SnapshotBlobs(handle, 12 + size, path)
    else:
        handle.close()
    return payload


def _split_blobs(payload: dict[str, Any]) -> tuple[dict[str, Any], bytes]:
    """The payload with each rule's bytes and each fallback index replaced by (offset, length, crc32) in the returned blob area."""
    import zlib

    area = bytearray()

    def place(data: bytes) -> tuple[int, int, int]:
        at = len(area)
        area.extend(data)
        return at, len(data), zlib.crc32(data)

    head = dict(payload)
    head["rules"] = [(*entry[:3], place(entry[3])) for entry in payload["rules"]]
    if type(head.get("evidence")) is bytes:
        # each rule's symptom phrases their own blob: a fallback checks and reads those of the few rules it weighs
        evidence = marshal.loads(head["evidence"])  # noqa: S302 - made by _snapshot_payload just now
        head["evidence"] = marshal.dumps((*evidence[:5], tuple(place(phrases) for phrases in evidence[5]), *evidence[6:]))
    for key in _BLOB_KEYS:
        if type(head.get(key)) is bytes:
            head[key] = place(head[key])
    return head, bytes(area)


def _shared_values(value: Any, seen: dict[Any, Any]) -> Any:
    """``value`` with equal strings and tuples made one object: marshal writes each once, a cold run reads the head faster."""
    kind = type(value)
    if kind is str:
        return seen.setdefault(value, value)
    if kind is tuple:
        shared = tuple(_shared_values(item, seen) for item in value)
        # by the items' identities, not equality: (1,) and (1.0,) and (True,) stay apart; a stored tuple keeps its items alive
        return seen.setdefault(("tuple", *map(id, shared)), shared)
    if kind is list:
        return [_shared_values(item, seen) for item in value]
    if kind is dict:
        return {_shared_values(key, seen): _shared_values(item, seen) for key, item in value.items()}
    return value


def _write_snapshot(path: str, payload: Any) -> None:
    import zlib

    try:
        head, area = _split_blobs(payload)
        data = marshal.dumps(_shared_values(head, {}))
    except ValueError:
        return  # not marshal data: no snapshot, the rules are read from their files
    if write_cache_file(path, _SNAPSHOT_MAGIC + zlib.crc32(data).to_bytes(4, "little") + len(data).to_bytes(4, "little") + data + area):
        prune_cache(os.path.dirname(path), "kb-", KEEP_SNAPSHOTS, keep=os.path.basename(path))


def prune_cache(base: str, prefix: str, newest: int, keep: str = "") -> None:
    """Remove the files in ``base`` whose names start with ``prefix``, except those of the ``newest`` few stems and ``keep``.

    Old snapshots (1-2 MB each) would pile up otherwise. A file of one stem (``kb-x.marshal``, ``kb-x.regex``)
    goes with its stem; any error leaves the file.
    """
    try:
        names = [name for name in os.listdir(base) if name.startswith(prefix) and not name.endswith(".tmp")]
        stems: dict[str, float] = {}
        for name in names:
            stem = name.split(".", 1)[0]
            stems[stem] = max(stems.get(stem, 0.0), os.stat(os.path.join(base, name)).st_mtime)
    except OSError:
        return
    kept = set(sorted(stems, key=stems.__getitem__, reverse=True)[:newest])
    kept.add(keep.split(".", 1)[0])
    for name in names:
        if name.split(".", 1)[0] not in kept:
            try:
                os.remove(os.path.join(base, name))
            except OSError:
                pass


# by (directories, use_cache): a set read from the snapshot has no examples, which use_cache=False promises
_LOADED: dict[tuple[tuple[str, ...], bool], RuleSet] = {}


def load_rules(extra_dirs: Iterable[str] = (), *, use_cache: bool = True) -> RuleSet:
    """The built-in rules plus any extra rule directories, validated.

    With the cache (the default) rules carry no ``examples``; ``use_cache=False``
    parses the YAML and keeps them (tests, ``rules check``).

    Broken rule files never stop the others from loading: each problem is kept in
    ``RuleSet.problems`` as one line naming the file and the field.
    """
    # the same directory named twice (config and --rules) must not look like duplicate ids
    dirs = tuple(dict.fromkeys((builtin_rules_dir(), *(os.path.abspath(d) for d in extra_dirs))))
    if (dirs, use_cache) in _LOADED:
        return _LOADED[dirs, use_cache]
    problems: list[str] = []
    for directory in dirs[1:]:
        if not os.path.isdir(directory):
            problems.append(f"{directory}: rule directory not found")
    files = rule_files(dirs)
    words_files = vocabulary_files(dirs)
    snapshot_path = None
    payload: Any = None
    base = cache_dir() if use_cache else None
    if base:
        snapshot_path = os.path.join(base, f"kb-{_fingerprint([*files, *words_files])}.marshal")
        payload = _read_snapshot(snapshot_path)
    if not _valid_snapshot(payload):
        plains, parse_problems = parse_rule_files(files)
        vocabulary, vocabulary_problems = parse_vocabulary_files(words_files)
        parse_problems += vocabulary_problems
        if use_cache:
            payload = _snapshot_payload(plains, parse_problems, vocabulary)
            if snapshot_path:
                _write_snapshot(snapshot_path, payload)
                _store_engine_code(plains, _engine_code_path(snapshot_path))
    if snapshot_path:
        attach_engine_code(_engine_code_path(snapshot_path))
    if use_cache:
        blobs = payload.get("blobs")
        ruleset = RuleSet.from_snapshot(
            payload["rules"],
            problems + list(payload["problems"]),
            dirs,
            payload["vocabulary"],
            payload["evidence"],
            blobs if isinstance(blobs, SnapshotBlobs) else None,
        )
        ruleset._nearest_bytes = payload.get("nearest") if _is_blob(payload.get("nearest")) else None
        ruleset._word_groups_bytes = payload.get("word_groups") if _is_blob(payload.get("word_groups")) else None
        marked = payload.get("marked")
        ruleset._marked = marked if _valid_marked(marked, len(ruleset)) else None
    else:  # parsed just now, examples kept
        ruleset = RuleSet([_rule_from_plain(p) for p in plains], problems + parse_problems, dirs, vocabulary)
    if len(dirs) > 1:
        _register_user_patterns(ruleset.rules, ruleset.rules)
    _LOADED[dirs, use_cache] = ruleset
    return ruleset


def _snapshot_payload(plains: list[dict[str, Any]], problems: list[str], vocabulary: Vocabulary = ((), ())) -> dict[str, Any]:
    """The snapshot: per rule, what the wording and evidence pre-filters need, and the rule itself as marshalled bytes."""
    from kerasdoctor.explain.fallback import evidence_index
    from kerasdoctor.explain.nearest import build_index
    from kerasdoctor.explain.symptoms import WordGroups

    entries = []
    built = []
    for plain in sorted(plains, key=lambda p: p["id"]):
        built.append(_rule_from_plain(plain))
        # examples (whole tracebacks) are two thirds of the rule text and only tests, `rules check` and the
        # last resort's index (built here) read them: a snapshot leaves them out
        plain = {**plain, "examples": {}}
        prefilter = tuple((e["literal"], tuple(e["any_literals"])) for e in plain["errors"])
        entries.append((plain["id"], plain["name"], prefilter, marshal.dumps(_values_of(plain))))
    # marshalled apart: a cold explain whose message a wording matches never unpacks them
    return {
        "format": _CACHE_FORMAT,
        "rules": entries,
        "marked": marked_prefilters([entry[2] for entry in entries]),
        "problems": problems,
        "vocabulary": vocabulary,
        "evidence": marshal.dumps(evidence_index(built, vocabulary)),
        "nearest": marshal.dumps(build_index(built, vocabulary)),
        "word_groups": marshal.dumps(WordGroups(vocabulary).state()),
    }


def _engine_code_path(snapshot_path: str) -> str:
    return snapshot_path[: -len(".marshal")] + ".regex"


def _store_engine_code(plains: list[dict[str, Any]], path: str) -> None:
    """Store the engine code of every built-in rule pattern, and of every pattern explain may read its input with.

    Done while the snapshot is rebuilt (``re`` is loaded then anyway): a later cold run
    finds whichever patterns its input needs compiled, without importing ``re``.
    """
    import kerasdoctor.explain.fallback
    import kerasdoctor.explain.frames
    import kerasdoctor.explain.fuzzy
    import kerasdoctor.explain.normalize
    import kerasdoctor.explain.raisesites
    import kerasdoctor.explain.symptoms
    import kerasdoctor.versions  # noqa: F401 - imported for the patterns they declare
    from kerasdoctor.lazyre import engine_code, entry_key, save_compiled, store_every_pattern, write_engine_code

    codes = {}
    for plain in plains:
        if is_builtin_rule(plain["path"]):  # users' patterns run on the time-limited engine instead
            for error in plain["errors"]:
                code = engine_code(error["pattern"], MULTILINE)
                if code is not None:
                    codes[entry_key(error["pattern"], MULTILINE)] = code
    write_engine_code(path, codes)
    store_every_pattern()
    save_compiled()


def _valid_snapshot(payload: Any) -> bool:
    """Whether a read snapshot has the shape this code writes (a damaged or foreign one is rebuilt)."""
    if not (isinstance(payload, dict) and payload.get("format") == _CACHE_FORMAT):
        return False
    entries, problems, vocabulary = payload.get("rules"), payload.get("problems"), payload.get("vocabulary")
    if not (isinstance(entries, list) and isinstance(problems, list) and _valid_vocabulary(vocabulary) and _is_blob(payload.get("evidence"))):
        return False
    if {type(entry) for entry in entries} - {tuple} or {len(entry) for entry in entries} - {4}:
        return False
    return not {(type(i), type(name), type(prefilter)) for i, name, prefilter, _rule in entries} - {(str, str, tuple)} and all(
        _is_blob(entry[3]) for entry in entries
    )


def _is_blob(value: Any) -> bool:
    """Bytes, or where they lie in a snapshot's blob area (checked when read)."""
    return type(value) is bytes or (type(value) is tuple and len(value) == 3)


def _valid_evidence(evidence: Any, rules: int) -> bool:
    """Whether an unpacked evidence index has the shape ``explain.fallback.evidence_index`` gives, for this many rules."""
    if not (type(evidence) is tuple and len(evidence) == 7):
        return False
    by_word, wordings, by_symptom_word, chinese, by_frame, phrases, identifiers = evidence
    return (
        type(by_word) is dict
        and type(wordings) is tuple
        and type(by_symptom_word) is dict
        and type(chinese) is tuple
        and type(by_frame) is dict
        and type(identifiers) is dict
        and type(phrases) is tuple
        and len(phrases) == rules
        and all(_is_blob(p) for p in phrases)
    )


def _valid_vocabulary(vocabulary: Any) -> bool:
    if not (type(vocabulary) is tuple and len(vocabulary) == 2 and all(type(part) is tuple for part in vocabulary)):
        return False
    groups, generic = vocabulary
    if {type(g) for g in groups} - {tuple}:
        return False
    # every cold run checks it: sets of types, not a call per term
    terms = [*(t for g in groups for t in g), *generic]
    return not {type(t) for t in terms} - {tuple} and all(terms) and not {type(w) for t in terms for w in t} - {str}


def load_rule_dir(directory: str) -> RuleSet:
    """Only the rules of one directory, uncached: for ``kerasdoctor rules check DIR``."""
    problems = [] if os.path.isdir(directory) else [f"{directory}: rule directory not found"]
    plains, parse_problems = parse_rule_files(rule_files([directory]))
    vocabulary, vocabulary_problems = parse_vocabulary_files(vocabulary_files([directory]))
    ruleset = RuleSet([_rule_from_plain(p) for p in plains], problems + parse_problems + vocabulary_problems, (directory,), vocabulary)
    if not all(is_builtin_rule(r.path) for r in ruleset.rules):
        _register_user_patterns(ruleset.rules, load_rules().rules)
    return ruleset

"""Rank families by the frames that raised the error, for tracebacks whose message is missing or generic.

A rule names the library functions that raise its family (``frames:``); unlike
a wording's ``where: {frame_function: [...]}`` filter (which may list generic
names such as ``fit``), these are chosen to be evidence on their own. A
traceback whose frames run through them points at the family even when the
message line was not pasted; the closer to the raise, the stronger.
"""

from __future__ import annotations

from kerasdoctor.lazyre import lazy

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from kerasdoctor.types import ErrorRecord, Frame, Match, Rule

_IDENTIFIER = lazy(r"[A-Za-z_]\w*")
# from where a name starts only: a long word without a dot was otherwise read again from each of its letters
_DOTTED_NAME = lazy(r"(?<![A-Za-z_])[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+")
_GRAPH_NODE = lazy(r"(?:Detected at node |\{\{node |\[\[Node: |\bnode )'?([\w/.-]+)")
# TorchDynamo (torch.compile) runs the rest of a function after a graph break in a function of its own making,
# named torch_dynamo_resume_in_<function>_at_<line> (PyTorch 2.2+) or "<resume in <function>>" (PyTorch 2.0-2.1)
_DYNAMO_RESUME = lazy(r"torch_dynamo_resume_in_\w+_at_\d+|<resume in [\w.<>]+>")
DYNAMO_RESUME_WORD = "torch_dynamo_resume_in"
NEAR_RAISE = 3  # the innermost frames: where the check that failed lives
BASE_NEAR = 0.55
BASE_FAR = 0.4
PER_EXTRA_HIT = 0.05
TYPE_CONTRADICTED_FACTOR = 0.6


def module_stem(path: str) -> str:
    """The module a frame's file defines ('tensorflow_backend' for .../keras/backend/tensorflow_backend.py); '' if none."""
    base = path.replace("\\", "/").rsplit("/", 1)[-1]
    stem, dot, extension = base.partition(".")
    return stem if dot and extension in ("py", "pyc") and stem.isidentifier() else ""


def package_of_init(path: str) -> str:
    """The package a package's ``__init__.py`` defines ('numpy' for .../numpy/__init__.py); '' for any other file."""
    parts = path.replace("\\", "/").rsplit("/", 2)
    if len(parts) < 2 or module_stem(parts[-1]) != "__init__":
        return ""
    return parts[-2] if parts[-2].isidentifier() else ""


def _frame_words(frames: Sequence[Frame]) -> list[set[str]]:
    """Per frame, innermost first: its function's short name, that name qualified by its module, and the identifiers of its source line.

    The qualified name ('tensorflow_backend.placeholder') lets a rule name a function whose
    bare name is common (a user's own placeholder()) but whose module is evidence; a package's
    ``__init__.py`` is qualified by its package too ('numpy.__getattr__'). A dotted name of the
    source line also gives each of its adjacent pairs ('keras.engine' from ``from keras.engine
    import training``), so a rule can name a module by its package: ``keras_tuner.engine`` is
    not ``keras.engine``. A function TorchDynamo made to resume a compiled frame also gives
    ``torch_dynamo_resume_in`` whatever function it resumes: the code ran under torch.compile.
    """
    out = []
    for frame in reversed(frames):
        function = frame.function.split(".")[-1].split("(")[0].strip()
        words = {function}
        if _DYNAMO_RESUME.compiled().fullmatch(frame.function.strip()):
            words.add(DYNAMO_RESUME_WORD)
        stem = module_stem(frame.path) if function else ""
        if stem:
            words.add(f"{stem}.{function}")
            # a package's __init__.py: the package is the module ('numpy.__getattr__', not '__init__.__getattr__')
            package = package_of_init(frame.path) if stem == "__init__" else ""
            if package:
                words.add(f"{package}.{function}")
        if frame.code:
            words.update(_IDENTIFIER.compiled().findall(frame.code))
            for dotted in _DOTTED_NAME.compiled().findall(frame.code):
                parts = dotted.split(".")
                words.update(f"{a}.{b}" for a, b in zip(parts, parts[1:]))
        out.append(words)
    return out


def _graph_node_words(message: str) -> set[str]:
    """The name parts of the graph ops a TensorFlow runtime error names, e.g. {'embedding', 'embedding_lookup'}."""
    words: set[str] = set()
    for m in _GRAPH_NODE.compiled().finditer(message[:20_000]):
        words.update(part for part in m.group(1).split("/") if part)
    return words


def _types_of(rule: Rule) -> set[str]:
    return {t for p in rule.errors for t in p.types}


def text_words(records: Sequence[ErrorRecord]) -> set[str]:
    """The names ``frame_matches`` looks for the rules' ``frames`` among."""
    words: set[str] = set()
    for r in records:
        for frame_words in _frame_words((*r.frames, *r.inner_frames)):
            words.update(frame_words)
        words.update(_graph_node_words(r.message))
    return words


def frame_matches(records: Sequence[ErrorRecord], rules: Iterable[Rule]) -> list[Match]:
    """Rules whose raising functions appear among the frames of ``records``, best first."""
    from kerasdoctor.types import KIND_CAPS, BestPerRule

    prepared = []
    for r in records:
        per_frame = _frame_words((*r.frames, *r.inner_frames))
        nodes = _graph_node_words(r.message)
        if nodes:
            # TensorFlow names the graph op that failed ("Detected at node 'a/b/Op'"): the innermost place of all
            per_frame.insert(0, nodes)
        if per_frame:
            prepared.append((r, per_frame))
    if not prepared:
        return []
    best = BestPerRule()
    for rule in rules:
        wanted = frozenset(rule.frames)
        if not wanted:
            continue
        for record, per_frame in prepared:
            hits: list[tuple[int, str]] = []
            for depth, words in enumerate(per_frame):
                for name in wanted.intersection(words):
                    hits.append((depth, name))
            if not hits:
                continue
            nearest = min(depth for depth, _ in hits)
            distinct = sorted({name for _, name in hits})
            confidence = (BASE_NEAR if nearest < NEAR_RAISE else BASE_FAR) + PER_EXTRA_HIT * min(2, len(distinct) - 1)
            rule_types = _types_of(rule)
            if record.type and rule_types and not rule_types.intersection(record.type_names or (record.type,)):
                confidence *= TYPE_CONTRADICTED_FACTOR
            confidence = min(KIND_CAPS["frames"], confidence)
            best.add(
                _frames_match(
                    rule, confidence, record, "raised through " + ", ".join(distinct), "matched on the functions that raised the error, not on its message"
                )
            )
    return best.ranked()


def _frames_match(rule: Rule, confidence: float, record: ErrorRecord, evidence: str, note: str) -> Match:
    """A match made on where the error was raised (its frames, its class), not on its message."""
    from kerasdoctor.types import Match

    return Match(rule=rule, confidence=confidence, record=record, pattern=None, evidence=evidence, notes=(note,), kind="frames")


TYPE_ONLY_ONE_FAMILY = 0.5
TYPE_ONLY_TWO_FAMILIES = 0.4


def untold_types(records: Sequence[ErrorRecord]) -> set[str]:
    """Exception classes of records pasted without their message (an IPython header, a bare class name), builtins aside.

    Such a record says only its class; a library's own class (JAX's
    ``UnexpectedTracerError``, TensorFlow's ``ResourceExhaustedError``) can still name the family.
    """
    import builtins

    return {
        r.type.rsplit(".", 1)[-1]
        for r in records
        if r.kind == "exception" and r.type and not r.message.strip() and not hasattr(builtins, r.type.rsplit(".", 1)[-1])
    }


def _declared_where_raised(rule: Rule, name: str, record: ErrorRecord) -> bool:
    """Whether one of the rule's wordings of class ``name`` may have been raised where the record's last frame is.

    A wording for a SyntaxError in an installed package's file (``raised_in: [site-packages]``) is no
    evidence for a user's own ``train.py`` that failed to compile, and the other way round; nor is one
    whose raising line must hold what the line shown does not (a backslash escape in a line without one).
    """
    from kerasdoctor.explain.match import where_verdicts

    return any(False not in where_verdicts(pattern, record) for pattern in rule.errors if name in pattern.types)


def _shows_compile_error(record: ErrorRecord) -> bool:
    """Whether a record without its class line ends in the frame Python prints for a SyntaxError.

    Python shows where a file failed to compile as ``File "train.py", line 126`` with the source line
    under it and no ``, in <function>``: no function ran. Every frame of a runtime traceback names
    its function, so a paste cut before ``SyntaxError: invalid syntax`` still says which class it was.
    """
    if record.kind != "exception" or record.type or not record.frames:
        return False
    last = record.frames[-1]
    return not last.function and last.line is not None and bool(last.code) and last.path.endswith(".py")


def type_matches(records: Sequence[ErrorRecord], rules: Iterable[Rule]) -> list[Match]:
    """Families whose wordings alone declare the exception class of a record that has no message.

    A class declared by one or two families is evidence for them; one declared by more
    (``InvalidArgumentError``) says nothing and is left out. A record cut before its class line
    whose last frame is Python's display of a file that did not compile counts as a SyntaxError.
    """
    from kerasdoctor.types import BestPerRule

    compile_errors = [r for r in records if _shows_compile_error(r)]
    wanted = untold_types(records) | ({"SyntaxError"} if compile_errors else set())
    if not wanted:
        return []
    declared: dict[str, list[Rule]] = {}
    for rule in rules:
        for name in wanted.intersection(_types_of(rule)):
            declared.setdefault(name, []).append(rule)
    best = BestPerRule()
    for record in records:
        if record in compile_errors:
            name, note = "SyntaxError", "the error line was not pasted: the last frame is where a file failed to compile"
            owners = declared.get(name, [])
        else:
            name, note = (record.type or "").rsplit(".", 1)[-1], "the message was not pasted: matched on the exception's class alone"
            owners = declared.get(name, []) if name in wanted and not record.message.strip() else []
        owners = [rule for rule in owners if _declared_where_raised(rule, name, record)]
        if not 0 < len(owners) <= 2:
            continue
        confidence = TYPE_ONLY_ONE_FAMILY if len(owners) == 1 else TYPE_ONLY_TWO_FAMILIES
        for rule in owners:
            best.add(_frames_match(rule, confidence, record, f"the exception class {name}, which only this family's wordings declare", note))
    return best.ranked()

"""Rank the rules whose error patterns fit the extracted error records.

Scoring, per (pattern, record) hit: start from the pattern's confidence; drop the
hit when the exception type or a checkable traceback condition contradicts it;
lower it when the type or the traceback is unknown (a bare pasted message), when
the record is only a cause in a chain, or when the rule does not apply to the
versions the user runs; add a little for longer, more specific matches. A rule's
confidence is its best hit.
"""

from __future__ import annotations

from kerasdoctor.kb import compile_derived, compile_pattern, unmarked_pattern, unmarked_prefilter
from kerasdoctor.lazyre import IGNORECASE, lazy
from kerasdoctor.types import (
    BELOW_CONFIDENT,
    CONFIDENT,
    GENERIC_WORDING,
    INFO_LOG,
    KIND_CAPS,
    LAZY_IMPORT_WRAPPER,
    BestPerRule,
    ErrorPattern,
    ErrorRecord,
    Frame,
    Match,
    Rule,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence

    from kerasdoctor.kb import RuleSet

UNKNOWN_TYPE_FACTOR = 0.92
# a bare Exception says nothing about the check: Keras 1.x raised it for every check that
# Keras 2 and 3 raise as ValueError, TypeError or RuntimeError with the same words
UNTYPED_RAISES = frozenset({"Exception"})
UNKNOWN_WHERE_FACTOR = 0.8
CHAINED_FACTOR = 0.97
# when the input holds an exception, a warning/log/progress line beside it is rarely what the user asks about: a
# start-up log TensorFlow prints on every machine (a CUDA library it could not dlopen, on a CPU-only install) must
# not outrank the exception that ended the run when that exception's wording is a broad family's
BESIDE_EXCEPTION_FACTOR = 0.75
# a notice its family calls harmless (severity info: start-up logs, "could not find TensorRT", the shutdown warning of a
# generator dataset) printed beside an exception never explains that exception
NOTICE_BESIDE_EXCEPTION_FACTOR = 0.5
VERSION_MISMATCH_FACTOR = 0.8
MIN_CONFIDENCE = 0.05
# two families whose wordings explain the same line about equally well: the line does not tell them apart
AMBIGUOUS_MARGIN = 0.03
# a family the matched wording is shared with: named below it, as the same check's other cause
SHARED_FAMILY_FACTOR = 0.85
# the user's own lines of a pasted text read for which shared family they describe (a long log is not a description)
MAX_PROSE_LINES = 60
# a paste's user lines are near its top; a whole log passed to explain() is not normalised for them
MAX_PROSE_CHARS = 20_000
# Keras 3's trainer re-raises what failed while it built the model as a RuntimeError that quotes it
# ("Unable to automatically build the model. ... Exception encountered:\n'<error>'", keras/src/trainers/trainer.py
# _symbolic_build, Keras 3.0-3.15): the quoted error's own class and raising frame are not shown
# transformers' / diffusers' lazy import does the same for the error an import hit ("Failed to import transformers.X
# because of the following error (look up to see its traceback):\n<error>", utils/import_utils.py _get_module)
_QUOTED_ERROR_WRAPPERS = ("Exception encountered:\n", LAZY_IMPORT_WRAPPER)
WRAPPER_TYPE = "RuntimeError"
# A few words of an error quoted inside the user's own sentence ("I get 'ran out of data' when ...") show
# neither the whole message (names, shapes, the rest of the check's wording) nor its class or traceback:
# they name the check, not which of its causes the user hit, so such a hit stays below CONFIDENT.
SHORT_QUOTE = 40
PROSE_QUOTE_CAP = BELOW_CONFIDENT
# words a user writes about their own problem and a library message does not (Keras messages do say
# "please" and "we expect", so those are left out)
_PROSE_MARKERS = lazy(r"(?<![\w'])(?:i|i'm|i've|my|me|why|how|anyone|someone)(?![\w'])|我|为什么|怎么|请问|求助|如何", IGNORECASE)
# Python's own words for an import that found the wrong module: a local file named like the package (keras.py,
# tensorflow.py: a top-level name that is "not a package") or a circular import (CPython Objects/moduleobject.c,
# Lib/importlib/_bootstrap.py; a dotted name such as 'keras.backend' is a real module of Keras 2.4+). The attribute or
# submodule it lacks may well exist in the real package, so a wording that reads the name as one a release
# removed, and does not account for these words, cannot be sure of its family.
_WRONG_MODULE = lazy(r"most likely due to a circular import|; '\w+' is not a package")


def _path_parts(path: str) -> list[str]:
    return path.replace("\\", "/").split("/")


def _raised_in(record: ErrorRecord, packages: tuple[str, ...]) -> bool | None:
    """Whether the raising frame lies inside one of ``packages``; None when there are no frames."""
    if not record.frames or not record.frames[-1].path:
        return None
    parts = _path_parts(record.frames[-1].path)
    return any(p in parts for p in packages)


# the packages whose own frames sit between the caller and the raise: the caller is the frame before them
_FRAMEWORK_PACKAGES = frozenset({"keras", "tf_keras", "tensorflow", "tensorflow_core", "keras_core", "jax", "torch", "numpy"})
_INSTALLED_DIRS = frozenset({"site-packages", "dist-packages"})


def _in_framework(parts: list[str]) -> bool:
    """Whether a frame's path lies in one of the framework packages.

    For an installed file only the top-level package (the folder right after site-packages) counts: a library's
    own ``integration/keras`` folder (wandb, optuna) is that library's code, not Keras's.
    """
    installed = [i for i, part in enumerate(parts) if part in _INSTALLED_DIRS]
    if installed:
        top = installed[-1] + 1
        if top < len(parts) and parts[top].endswith(".egg"):  # setuptools' eggs: Keras-1.0.3-py2.7.egg/keras/...
            top += 1
        return top < len(parts) and parts[top] in _FRAMEWORK_PACKAGES
    return bool(_FRAMEWORK_PACKAGES.intersection(parts))


def _called_from(record: ErrorRecord) -> str | None:
    """Who called into the framework that raised: "library" (an installed package) or "user".

    None when the traceback does not show the framework raising (no frames, or cut before them), unless the
    paste was cut inside an installed package's own code: the framework was then entered from that package
    (or one it calls), not from the user's lines above it.
    """
    if not record.frames:
        return None
    last = _path_parts(record.frames[-1].path)
    if not _in_framework(last):
        return "library" if record.cut_frames and _INSTALLED_DIRS.intersection(last) else None
    for frame in reversed(record.frames):
        parts = _path_parts(frame.path)
        if _in_framework(parts):
            continue
        return "library" if _INSTALLED_DIRS.intersection(parts) else "user"
    return None


def _user_files_named(frames: Iterable[Frame], names: Collection[str]) -> Iterator[tuple[Frame, str]]:
    """The user's own files among ``frames`` whose module is named like one of ``names`` (a ``keras.py``), with that name.

    keras/keras.py of a source checkout is the package's own module, not one of them.
    """
    from kerasdoctor.explain.extract import is_library_path
    from kerasdoctor.explain.frames import module_stem

    for frame in frames:
        if not frame.path or is_library_path(frame.path):
            continue
        stem = module_stem(frame.path)
        if stem in names and stem not in _path_parts(frame.path)[:-1]:
            yield frame, stem


# the top-level modules a message names: "module 'X' has no attribute", "cannot import name 'Y' from 'X'", "No module
# named 'X.y'" (CPython's own wordings)
_NAMED_MODULES = lazy(r"(?:module|from|No module named) '([A-Za-z_]\w*)")
# a ``user_file`` value standing for whichever module the message names: a script named after any package it imports
ANY_NAMED_MODULE = "*"


def _shadowing_user_file(record: ErrorRecord, names: tuple[str, ...]) -> bool:
    """Whether one of the user's own files among the frames is named like a package it stands in for.

    A script ``keras.py`` (``tensorflow.py``) is what ``import keras`` finds first: True when such a file
    of the user's imports its own name (``from keras.datasets import mnist`` in keras.py) or the message
    names that module (``module 'tensorflow' has no attribute 'Variable'`` raised in tensorflow.py).
    ``*`` among ``names`` stands for the modules the message names (a ``keras_ocr.py`` that runs
    ``import keras_ocr``). Only the frames can show it: without them it is False, not unknown, so a bare
    message is left to the wordings that read it.
    """
    if ANY_NAMED_MODULE in names:
        names = (*names, *_NAMED_MODULES.findall(record.message))
    for frame, stem in _user_files_named((*record.frames, *record.inner_frames), names):
        code = frame.code.strip()
        if code.startswith((f"import {stem}", f"from {stem}")) or f"'{stem}'" in record.message or f"'{stem}." in record.message:
            return True
    return False


def _calls_any(code: str, names: Collection[str]) -> bool:
    """Whether a source line calls one of ``names`` as a function or method (``model.fit(``, ``fit(x``), not a longer name."""
    for name in names:
        start = code.find(name + "(")
        while start != -1:
            if start == 0 or not (code[start - 1].isalnum() or code[start - 1] == "_"):
                return True
            start = code.find(name + "(", start + 1)
    return False


def where_verdicts(pattern: ErrorPattern, record: ErrorRecord) -> list[bool | None]:
    """Per ``where`` condition: True when the traceback shows it holds, False when it shows it does not, None when it cannot tell."""
    verdicts: list[bool | None] = []
    for key, values in pattern.where.items():
        if key in _LOCATION_KEYS:
            verdict = _location_verdict(key, values, record)
        elif key == "user_file":
            verdict = _shadowing_user_file(record, values)
        elif key in ("frame_function", "shown_frame_function"):
            # a frame running the function, or a line calling it: Keras 3 filters the frames between the user's
            # ``model.load_weights(...)`` and the raising one, so the call on the user's line is what shows it ran.
            # For shown_frame_function a paste without frames does not hold the condition (a message other misuses
            # print too belongs to this family only where the traceback shows the function ran)
            frames = [f for f in (*record.frames, *record.inner_frames) if f.function]
            if not frames:
                verdict = False if key.startswith("shown_") else None
            else:
                verdict = any(f.function.split(".")[-1] in values or _calls_any(f.code, values) for f in frames)
        elif key == "called_from":
            # a Keras 2-era library calling Keras 3 fails inside Keras, but the code to blame is the library's
            caller = _called_from(record)
            verdict = None if caller is None else caller in values
        elif key in ("raising_code", "shown_raising_code"):
            # the source line of the raising frame, when the traceback shows it: one message
            # built in two places (e.g. JAX formatting two different errors) tells them apart. A message any code
            # prints ("'NoneType' object is not subscriptable") names no family until that line is shown: for
            # shown_raising_code a paste without it does not hold the condition
            code = record.frames[-1].code if record.frames else ""
            verdict = (False if key.startswith("shown_") else None) if not code else any(value in code for value in values)
        elif key in ("calling_code", "not_calling_code", "shown_calling_code"):
            # the source line that called the raising function: one dunder method (KerasTensor.__len__)
            # is reached by len() and by bool(), and only the caller's line says which; a TF 1 call made by
            # a library's own line (multi-backend keras's tf.placeholder) is not the user's TF 1 code. For
            # shown_calling_code a paste without that line does not hold the condition (a library bug that
            # only one call reaches is no rival of the message's usual family until the call is shown)
            code = record.frames[-2].code if len(record.frames) > 1 else ""
            verdict = (False if key.startswith("shown_") else None) if not code else any(value in code for value in values)
            if verdict is not None and key == "not_calling_code":
                verdict = not verdict
        else:
            continue
        if verdict is False and record.cut_frames and key != "user_file" and not key.startswith("shown_"):
            # the frames end where the paste was cut, above the raising one: what they lack may still have run
            verdict = None
        verdicts.append(verdict)
    return verdicts


_LOCATION_KEYS = ("raised_in", "not_raised_in")


def _location_verdict(key: str, values: tuple[str, ...], record: ErrorRecord) -> bool | None:
    """Whether the error was raised where a ``raised_in`` / ``not_raised_in`` condition asks (None: cannot tell)."""
    inside = _raised_in(record, values)
    return inside if inside is None or key == "raised_in" else not inside


def _where_factor(pattern: ErrorPattern, record: ErrorRecord) -> float:
    verdicts = where_verdicts(pattern, record) if pattern.where else []
    if False in verdicts:
        return 0.0
    return UNKNOWN_WHERE_FACTOR ** verdicts.count(None)


def shown_conditions(match: Match) -> int:
    """How many of the hit's ``where`` conditions the traceback shows to hold: evidence beyond the wording."""
    if match.pattern is None or not match.pattern.where:
        return 0
    return where_verdicts(match.pattern, match.record).count(True)


def _quotes_another_error(record: ErrorRecord) -> bool:
    """A wrapper whose message quotes the error that happened: its type and frames are not that error's."""
    if record.type != WRAPPER_TYPE or record.key_message == record.message:
        return False
    return any(wrapper in record.message for wrapper in _QUOTED_ERROR_WRAPPERS)


def _quoted_in_prose(record: ErrorRecord, evidence: str) -> bool:
    """A short wording found inside a sentence the user wrote, not in a message the library printed."""
    if record.type is not None or record.frames or record.kind != "message" or len(evidence) >= SHORT_QUOTE:
        return False
    return _PROSE_MARKERS.search(record.message.replace(evidence, " ")) is not None


# packages users name their own script after: a keras.py or tensorflow.py is imported in place of the package
# by every `import keras` run next to it (Python 2 and 3.7 say nothing about it in the message)
_SHADOWED_PACKAGES = frozenset({"keras", "tensorflow", "tf_keras", "numpy", "jax", "torch", "h5py"})
_IMPORT_ERRORS = frozenset({"AttributeError", "ImportError", "ModuleNotFoundError"})


def _runs_a_file_named_like_a_package(record: ErrorRecord) -> bool:
    return any(_user_files_named(record.frames, _SHADOWED_PACKAGES))


def _imported_wrong_module(record: ErrorRecord, evidence: str, pattern: ErrorPattern | None = None) -> bool:
    """Python says the module was shadowed or imported circularly, or the traceback runs the user's own keras.py /
    tensorflow.py, and the wording that matched does not say so (nor asks for that file with ``user_file``)."""
    if _WRONG_MODULE.search(evidence) is not None:
        return False
    if pattern is not None and "user_file" in pattern.where:
        return False
    if _WRONG_MODULE.search(record.message) is not None:
        return True
    return record.type in _IMPORT_ERRORS and _runs_a_file_named_like_a_package(record)


# a class name retyped by hand ("IternalError: Blas xGEMMBatched launch failed", "InvalidArgumentErorr: logits and
# labels ...") is one letter away from the class the check raises: its class is unknown, not another one. Short names
# are left out: OSError and IOError are one letter apart and both real
MISSPELT_TYPE_MIN_CHARS = 9


def misspells_a_type(name: str, types: Iterable[str]) -> bool:
    """A pasted class name that is a one-letter misspelling of one of the check's classes, and no class of Python's."""
    short = name.rsplit(".", 1)[-1]
    if len(short) < MISSPELT_TYPE_MIN_CHARS or not short[:1].isupper():
        return False
    import builtins

    if isinstance(getattr(builtins, short, None), type):
        return False
    from kerasdoctor.explain.extract import one_edit_apart

    return any(len(t) >= MISSPELT_TYPE_MIN_CHARS and one_edit_apart(short, t) for t in types)


def score_hit(pattern: ErrorPattern, record: ErrorRecord, matched_length: int) -> float:
    """How sure one pattern hit on one record is, 0 when the record contradicts it."""
    score = pattern.confidence
    if pattern.kind and record.kind not in (pattern.kind, "message"):
        return 0.0
    if pattern.types and WRAPPER_TYPE not in pattern.types and _quotes_another_error(record):
        # a wording of the quoted error: its class and where it was raised are unknown, not contradicted
        score *= UNKNOWN_TYPE_FACTOR * UNKNOWN_WHERE_FACTOR ** len(pattern.where or ())
        if record.chained:
            score *= CHAINED_FACTOR
        return min(score + 0.04 * min(1.0, matched_length / 120), 0.99)
    if pattern.types:
        if record.type is None or (record.type in UNTYPED_RAISES and record.type not in pattern.types):
            score *= UNKNOWN_TYPE_FACTOR
        elif not set(pattern.types).intersection(record.type_names or (record.type,)):
            if not misspells_a_type(record.type, pattern.types):
                return 0.0
            score *= UNKNOWN_TYPE_FACTOR
    factor = _where_factor(pattern, record)
    if factor == 0.0:
        return 0.0
    score *= factor
    if record.chained:
        score *= CHAINED_FACTOR
    # specificity: a pattern that explains more of the message is the better explanation
    score += 0.04 * min(1.0, matched_length / 120)
    return min(score, 0.99)


# the stretches of a line between its Chinese (Japanese, Korean) words: a message the user quoted inside a sentence
# ("一运行就提示 No module named 'keras',但是我已经装了tensorflow") ends where their own words begin again, so a
# wording anchored at the message's start or end is looked for in each stretch too
_CJK_RUN = lazy(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]+")
_STRETCH_EDGES = ' \t\n,;:!?"\u201c\u201d\u300c\u300d\u300e\u300f()\uff08\uff09'
MIN_STRETCH_CHARS = 8
# a stretch that is one quoted name and nothing else ("参数应当为'lr'而不是'learning_rate'") names a parameter, key or
# file in the user's sentence: it is no message they quoted, though KeyError prints a missing key just so
_QUOTED_NAME = lazy(r"^(['`])[\w.\-/]+\1$")


def _stretches_between_cjk(message: str) -> list[str]:
    """The non-CJK stretches of a message that mixes the user's CJK words with a quoted message, longest first."""
    if _CJK_RUN.search(message) is None:
        return []
    parts = (part.strip(_STRETCH_EDGES) for part in _CJK_RUN.split(message))
    stretches = (part for part in parts if len(part) >= MIN_STRETCH_CHARS and part != message)
    return sorted((part for part in stretches if _QUOTED_NAME.match(part) is None), key=len, reverse=True)


def _search(pattern: ErrorPattern, record: ErrorRecord, lowered: str, ignore_case: bool = False, unmarked: bool = False) -> str | None:
    literal, any_literals = unmarked_prefilter(pattern.literal, pattern.any_literals) if unmarked else (pattern.literal, pattern.any_literals)
    if literal is not None and literal not in lowered:
        return None
    if any_literals and not any(a in lowered for a in any_literals):
        return None
    if unmarked:
        # the wording without its backticks, for a text that lost Markdown's code marks (explain.fallback)
        derived = unmarked_pattern(pattern.pattern)
        regex = compile_derived(pattern.pattern, derived, ignore_case) if derived is not None else None
        if regex is None:
            return None
    else:
        # through kb.compile_pattern always: users' patterns run there with a time limit
        regex = compile_pattern(pattern.pattern, ignore_case)
    m = regex.search(record.message)
    if m is None and record.key_message and record.key_message != record.message:
        m = regex.search(record.key_message)
    if m is None and record.kind == "message" and not record.frames:
        for stretch in _stretches_between_cjk(record.message):
            m = regex.search(stretch)
            if m is not None:
                break
    return m.group(0) if m is not None else None


MIN_LOWER_CASE_LETTERS = 12


def _written_in_lower_case(record: ErrorRecord) -> bool:
    """Whether the record's type and message hold letters, enough of them, and not one capital."""
    text = f"{record.type or ''} {record.message}"
    return text.islower() and sum(ch.isalpha() for ch in text[:200]) >= MIN_LOWER_CASE_LETTERS


def _lowered(record: ErrorRecord) -> str:
    return record.message.lower() + "\n" + record.key_message.lower()


def _readings(records: Sequence[ErrorRecord]) -> list[tuple[ErrorRecord, ErrorRecord, float, tuple[str, ...]]]:
    """Each record as printed, then as Python's other forms of its missing-name message (``explain.imports``):
    (the text read, the record it came from, the factor on its hits, notes for them)."""
    out: list[tuple[ErrorRecord, ErrorRecord, float, tuple[str, ...]]] = [(r, r, 1.0, ()) for r in records]
    # most records name no missing name and are no import error cut short: they never load the module reading those
    named = [
        r
        for r in records
        if r.type in ("ImportError", "ModuleNotFoundError")
        or any(words in text for text in (r.message, r.key_message) for words in ("import name", "has no attribute"))
    ]
    if not named:
        return out
    from kerasdoctor.explain.imports import ALIAS_FACTOR, CUT_IMPORT_FACTOR, CUT_NOTE, NOTE, cut_import_records, equivalent_records

    for record in named:
        out += [(alias, record, ALIAS_FACTOR, (NOTE.format(alias=text),)) for alias, text in equivalent_records(record)]
        out += [(alias, record, CUT_IMPORT_FACTOR, (CUT_NOTE.format(alias=text),)) for alias, text in cut_import_records(record)]
    return out


def lowered_texts(records: Sequence[ErrorRecord]) -> list[str]:
    """What the wording pre-filter literals are looked for in: each record, also as its equivalent forms."""
    return [_lowered(reading[0]) for reading in _readings(records)]


def match_error(
    records: Sequence[ErrorRecord],
    rules: Iterable[Rule],
    versions: Mapping[str, str] | None = None,
    *,
    ignore_case: bool = False,
    factor: float = 1.0,
    unmarked: bool = False,
) -> list[Match]:
    """Every rule whose own wording fits one of ``records``, best first.

    ``ignore_case`` and ``factor`` serve the second look at text that was
    normalised after nothing matched: a hit there is slightly less sure.
    ``unmarked``: only the wordings that hold backticks, read without them (for
    records whose Markdown code marks were lost, ``explain.fallback``).
    """
    readings = _readings(records)
    lowered = [_lowered(reading[0]) for reading in readings]
    # a line written all in lower case (typed, or a title lowered by its site) has lost what case-sensitive wordings
    # need: each is looked for with case ignored, below certainty, beside the wordings that ignore case anyway
    case_blind = [ignore_case or _written_in_lower_case(original) for _, original, _, _ in readings]
    # an exception whose message the paste cut off (a traceback that stops at its frames) says nothing a line beside
    # it could be mistaken for: those lines are then the only words of the error
    has_exception = any(r.kind == "exception" and r.message.strip() for r in records)
    best = BestPerRule()
    for rule in rules:
        notes_of_rule: tuple[bool, tuple[str, ...]] | None = None
        notice = rule.severity == "info"
        for pattern in rule.errors:
            if unmarked and "`" not in pattern.pattern:
                continue
            for (record, original, reading_factor, reading_notes), low, blind in zip(readings, lowered, case_blind):
                if notice and original.type == INFO_LOG:
                    # a routine INFO line beside other records: what its notice says is no answer to them
                    continue
                # another form is read for the wordings that name what is missing (a generic one fits the printed form)
                # and do not depend on where the statement ran (the printed form's statement is not the other's)
                if original is not record and (pattern.confidence < GENERIC_WORDING or pattern.where):
                    continue
                evidence = _search(pattern, record, low, blind, unmarked)
                if evidence is None:
                    continue
                if not evidence.strip() and not (record.type and set(pattern.types).intersection(record.type_names or (record.type,))):
                    # an empty wording ("MemoryError" printed bare) fits any empty message: only the exception's own class
                    # tells the family, so a record without it (frames cut before their exception line) says nothing
                    continue
                if notes_of_rule is None:
                    # only for rules that fit: comparing versions for all of them costs start-up time
                    notes_of_rule = _version_notes(rule, versions) if versions else (False, ())
                mismatch, version_notes = notes_of_rule
                score = score_hit(pattern, record, len(evidence)) * factor * reading_factor
                # a form the user did not paste is inferred, not printed: never sure
                if original is not record or _quoted_in_prose(original, evidence) or _imported_wrong_module(original, evidence, pattern):
                    score = min(score, PROSE_QUOTE_CAP)
                elif blind and _search(pattern, record, low, unmarked=unmarked) is None:
                    # found only with case ignored: the text is not as the library printed it, and case can be what
                    # tells the families apart (a lowercase identifier string vs a class name, 'adamm' vs 'RAdam')
                    score = min(score, PROSE_QUOTE_CAP)
                if has_exception and record.kind != "exception":
                    score *= BESIDE_EXCEPTION_FACTOR * (NOTICE_BESIDE_EXCEPTION_FACTOR if rule.severity == "info" else 1.0)
                if mismatch:
                    score *= VERSION_MISMATCH_FACTOR
                if score < MIN_CONFIDENCE:
                    continue
                best.add(
                    Match(
                        rule=rule,
                        confidence=score,
                        record=original,
                        pattern=pattern,
                        evidence=evidence[:300],
                        notes=version_notes + _involved_notes(pattern, versions) + reading_notes,
                        kind="wording",
                    )
                )
    return _without_false_certainty(_named_by_another_line(best.ranked()))


def _named_by_another_line(ranked: list[Match]) -> list[Match]:
    """First the family that another line names, when the best wording is one its rule shares with that family.

    A line the library prints for several causes (cuDNN's version log line, before the convolution fails or the
    DNN library goes missing) does not say which of them happened; a later line of the same text whose own
    wording is one of those families does: that one comes first, as sure as the shared line was.
    """
    first = ranked[0] if ranked else None
    shared = first.pattern.shared_with if first is not None and first.pattern is not None else ()
    if first is None or not shared:
        return ranked
    for index, match in enumerate(ranked[1:], 1):
        if match.rule.name in shared and match.kind == "wording" and (match.record is not first.record or _apart_in_one_record(first, match)):
            note = f"{first.rule.name}'s line is printed for this cause too, and this line names it"
            named = match.replaced(confidence=max(match.confidence, first.confidence), notes=(*match.notes, note))
            return [named, *ranked[:index], *ranked[index + 1 :]]
    return ranked


def _apart_in_one_record(first: Match, other: Match) -> bool:
    """Whether two wordings matched different parts of one record: a pasted message that quotes both the cause's
    line and the shared line after it ("Cause: Bad argument number for Name" above "iterating over `tf.Tensor`
    is not allowed") names the cause as surely as two records would."""
    message = first.record.message
    at, other_at = message.find(first.evidence), message.find(other.evidence)
    if not first.evidence or not other.evidence or at < 0 or other_at < 0:
        return False
    return at + len(first.evidence) <= other_at or other_at + len(other.evidence) <= at


def _claimed(match: Match) -> float:
    """A match's confidence before the discount for ``where`` conditions the text cannot check: what its wording alone claims."""
    if match.pattern is None or not match.pattern.where:
        claimed = match.confidence
    else:
        factor = _where_factor(match.pattern, match.record)
        claimed = match.confidence / factor if factor else match.confidence
    # a wording that misreads an import of the wrong module claims no certainty, whatever its conditions
    return min(claimed, PROSE_QUOTE_CAP) if _imported_wrong_module(match.record, match.evidence, match.pattern) else claimed


def _without_false_certainty(ranked: list[Match]) -> list[Match]:
    """Keep the ranking, but below CONFIDENT when the line does not say which family it is.

    Two families whose wordings both fit one line, each sure enough on its own to be the
    answer (or about equally sure), cannot both be right: the line does not say which,
    unless the traceback shows one's ``where`` conditions hold and not the other's. A
    condition the text cannot check counts for neither. Likewise a wording its rule
    declares ``shared_with`` other families (one library check reports their causes in the
    same words): only a ``where`` condition the traceback shows to hold makes it certain.
    A log in which two families are each sure of a different line is not certain of either.
    """
    if len(ranked) < 1 or ranked[0].confidence < CONFIDENT:
        return ranked
    first = ranked[0]
    rivals = [m for m in ranked[1:] if m.record is first.record and (_claimed(m) >= CONFIDENT or first.confidence - m.confidence < AMBIGUOUS_MARGIN)]
    shared = first.pattern.shared_with if first.pattern is not None else ()
    # a log or warnings (no exception ended the run) in which two families are each sure of a different line:
    # it shows two problems, and nothing says which one is asked about or which caused the other (a notice
    # of severity info, such as TensorFlow's start-up lines, is no second problem; nor is a line whose rule
    # declares its wording shared_with the first family: it is printed for the first one's cause too)
    beside = [
        m
        for m in ranked[1:]
        if first.record.kind != "exception"
        and m.record is not first.record
        and m.record.kind != "exception"
        and m.confidence >= CONFIDENT
        and "info" not in (m.rule.severity, first.rule.severity)
        and not (m.pattern is not None and first.rule.name in m.pattern.shared_with)
    ]
    if rivals and shown_conditions(first) <= max(shown_conditions(m) for m in rivals):
        note = f"the message alone does not tell this from {', '.join(m.rule.name for m in rivals)}: the same line fits both"
    elif beside:
        rivals = beside
        note = f"another line of this text is {', '.join(m.rule.name for m in beside)}: it shows more than one problem, and one may cause the other"
    elif shared and not shown_conditions(first):
        rivals = []
        note = f"the library prints this same message when the cause is {' or '.join(shared)}: its words alone do not say which"
    else:
        return ranked
    scale = BELOW_CONFIDENT / first.confidence
    tied = {id(m) for m in (first, *rivals)}
    return [m.replaced(confidence=m.confidence * scale, notes=(*m.notes, note) if m is first else m.notes) if id(m) in tied else m for m in ranked]


def add_shared_families(matches: Sequence[Match], rules: RuleSet, records: Sequence[ErrorRecord] = (), prose: str = "") -> list[Match]:
    """After the wording matches, the families the best wording is declared ``shared_with``: the same message, another cause.

    They come as ``raise-site`` matches (the same library check, linked to another family),
    below the wording that matched, so the user sees the other causes that print it; first,
    though, when the user's own words beside the message describe one of them and not the
    wording's family (``records``: the text the message came from; ``prose``: that whole
    text, whose other lines, a title or a question, are the user's words too).
    """
    matches = _described_among_tied(matches, rules, records, prose)
    first = matches[0] if matches else None
    if first is None or first.kind != "wording" or first.pattern is None or not first.pattern.shared_with:
        return list(matches)
    present = {m.rule.name for m in matches}
    confidence = min(KIND_CAPS["raise-site"], first.confidence * SHARED_FAMILY_FACTOR)
    extra = []
    for name in first.pattern.shared_with:
        rule = rules.get(name)
        if rule is None or name in present:
            continue
        note = f"{first.rule.name}'s wording matched; the library prints the same message when this is the cause"
        extra.append(Match(rule=rule, confidence=confidence, record=first.record, pattern=None, evidence=first.evidence, notes=(note,), kind="raise-site"))
    if len(extra) > 1:
        extra = _most_described_first(extra, first, rules, records, prose)
    ranked = [*matches, *extra]
    if first.confidence >= CONFIDENT or shown_conditions(first):
        return ranked
    described = _described_beside(first, [m for m in ranked[1:] if m.rule.name in first.pattern.shared_with], records, rules, prose)
    if described is None:
        return ranked
    note = f"the words beside the message describe this cause, one of those the library reports with {first.rule.name}'s message"
    promoted = described.replaced(confidence=first.confidence, notes=(*described.notes, note))
    return [promoted, *(m for m in ranked if m is not described)]


def _described_among_tied(matches: Sequence[Match], rules: RuleSet, records: Sequence[ErrorRecord], prose: str) -> list[Match]:
    """First the family the user's own words describe, when several families' wordings fit the same line equally.

    One message can be raised at several places that the families' ``where`` conditions tell apart (CPython's
    "'utf-8' codec can't decode byte" from TensorFlow's file ops or from Keras's config serializer): a paste without
    the frames shows none of them, and the wordings tie. The words the user wrote beside the message (a title, "saving
    a model with a TorchModuleWrapper") may describe one of the tied families and not the others: that one comes
    first, as sure as the tie was. A wording whose conditions the traceback shows to hold keeps its place.
    """
    first = matches[0] if matches else None
    if first is None or first.kind != "wording" or first.pattern is None or not first.pattern.where:
        return list(matches)
    if first.confidence >= CONFIDENT or shown_conditions(first):
        return list(matches)
    tied = [m for m in matches[1:] if _tied_by_unshown_conditions(first, m)]
    described = _described_beside(first, tied, records, rules, prose) if tied else None
    if described is None:
        return list(matches)
    note = f"{first.rule.name}'s wording fits this line as well; the words beside the message describe this family"
    promoted = described.replaced(confidence=first.confidence, notes=(*described.notes, note))
    return [promoted, *(m for m in matches if m is not described)]


def _tied_by_unshown_conditions(first: Match, other: Match) -> bool:
    """Whether ``other``'s wording fits ``first``'s line as surely, both told apart only by ``where`` conditions the text
    does not show; families declared ``shared_with`` each other are left to that declaration."""
    if other.kind != "wording" or other.pattern is None or not other.pattern.where or other.record is not first.record:
        return False
    if first.pattern is None or other.rule.name in first.pattern.shared_with or first.rule.name in other.pattern.shared_with:
        return False
    return first.confidence - other.confidence < AMBIGUOUS_MARGIN and not shown_conditions(other)


def _most_described_first(extra: list[Match], first: Match, rules: RuleSet, records: Sequence[ErrorRecord], prose: str) -> list[Match]:
    """The shared families in the order the whole text describes them: first those whose symptom phrases fit it best
    ("sparse_categorical_crossentropy ... loss: nan" for labels past the output units), then the rest as declared."""
    text = prose or "\n".join(record.message for record in records)
    if not text.strip():
        return extra
    from kerasdoctor.explain.symptoms import symptom_matches

    whole = first.record.replaced(kind="message", type=None, message=text, key_message=text)
    fit = {m.rule.name: m.confidence for m in symptom_matches([whole], [m.rule for m in extra], rules.vocabulary)}
    if not fit:
        return extra
    return sorted(extra, key=lambda m: -fit.get(m.rule.name, 0.0))


def _described_beside(first: Match, shared: Sequence[Match], records: Sequence[ErrorRecord], rules: RuleSet, prose: str = "") -> Match | None:
    """The one shared family whose symptoms the user's words describe, if the wording's own family's symptoms do not fit
    them too: the words before the message on its line, and the lines the user wrote (a library's exception, log or
    warning lines and the rest of the message are its own words, not a description; so are a traceback's frames)."""
    if not shared or not records:
        return None
    from kerasdoctor.explain.symptoms import symptom_matches

    candidates = {m.rule.name: m for m in shared}
    words = []
    for record in records:
        # the line the message was found in may be a normalised copy of the record: found by its words, not identity;
        # the words before a wording inside an exception's own message are the library's ('Layer "x" expects ...')
        if first.evidence in record.message:
            text = record.message.split(first.evidence, 1)[0] if not (record.kind == "exception" and record.type) else ""
        elif record is not first.record and record.kind == "message" and record.type is None:
            text = record.message
        else:
            continue
        if text.strip():
            # key_message too: symptoms read an exception through it, and the library's message is not the user's words
            words.append(record.replaced(message=text, key_message=text))
    own = _own_lines(prose, records, first.evidence) if first.evidence else ""
    if own:
        # a title that retells the message ("Setting array element with sequence") is the library's words again
        own = "\n".join(line for line in own.splitlines() if not _retells(line, first.evidence))
    if own:
        words.append(first.record.replaced(kind="message", type=None, message=own, key_message=own))
    if not words:
        return None
    fits = symptom_matches(words, [first.rule, *(m.rule for m in shared)], rules.vocabulary)
    named = {m.rule.name for m in fits}
    if first.rule.name in named or len(named) != 1:
        return None
    return candidates.get(named.pop())


_WORD = lazy(r"[a-z]{3,}")
MIN_RETOLD_WORDS = 3  # a wording of fewer long words is too short to be recognised retold
MAX_WORDS_AROUND_RETELLING = 4  # "Error in predict function." around it: a heading, not a description


def _retells(line: str, evidence: str) -> bool:
    """Whether a line the user wrote is the matched message again in other spacing or with its small words dropped
    (an issue's title), with at most a few words of their own around it."""
    told = set(_WORD.findall(evidence.lower()))
    if len(told) < MIN_RETOLD_WORDS:
        return False
    words = _WORD.findall(line.lower())
    if not told.issubset(words):
        return False
    return sum(word not in told for word in words) <= MAX_WORDS_AROUND_RETELLING


# the lines of a traceback that the library prints, not the user: its header and its frames
_LIBRARY_LINE_STARTS = (
    *("Traceback (most recent call last)", 'File "', "During handling of the above exception", "The above exception was"),
    *("---->", "<ipython-input", "Cell In["),
)
# a line of code a notebook's traceback shows with its number ("     12     model.fit(x, y)")
_NUMBERED_CODE = lazy(r"\d+\s")
# an exception's own line ("ValueError: ...", "tensorflow.python.framework.errors_impl.InvalidArgumentError: ...")
_EXCEPTION_LINE = lazy(r"^[\w.]*(?:Error|Exception|Warning|Exit|Interrupt)\s*:")


def _own_lines(prose: str, records: Sequence[ErrorRecord], evidence: str = "", max_lines: int = MAX_PROSE_LINES, indented: bool = True) -> str:
    """The lines of ``prose`` the user wrote: not the matched message ``evidence`` (of a sentence quoting it, the words
    before the quote), nor a line of another record's (an exception's, a log's, a warning's), nor a traceback's header
    or frames; nor, unless ``indented``, an indented line (a frame's, or code pasted across lines)."""
    if not prose:
        return ""
    from kerasdoctor.explain.normalize import needs_normalising, normalize_text

    # read as the records were: quotes, entities, full-width signs and a Markdown quote or fence folded
    prose = prose[:MAX_PROSE_CHARS]
    text = normalize_text(prose) if needs_normalising(prose) else prose
    printed = [r.message.strip() for r in records if r.kind != "message" and r.message.strip()]
    own = []
    after_frame = False  # the source line a frame shows is code, not words
    for line in text.splitlines()[:max_lines]:
        bare = line.strip().strip("`>").strip()
        if evidence and evidence in line and not after_frame and not any(bare in m or m in bare for m in printed):
            # a sentence that quotes the message ("calling the model in dataset.map results in <message>"): the words
            # before the quote are the user's, the quote and what follows it the library's
            bare = line.split(evidence, 1)[0].strip().strip("`>").strip()
        skip = (
            not bare
            or (not indented and line[:1].isspace())
            or after_frame
            or bare.startswith(_LIBRARY_LINE_STARTS)
            or _EXCEPTION_LINE.match(bare) is not None
            or _NUMBERED_CODE.match(bare) is not None
            or any(bare in m or m in bare for m in printed)
        )
        after_frame = bare.startswith('File "') or (after_frame and not bare)
        if not skip:
            own.append(bare)
    return "\n".join(own)


# the rest of a notebook's error display: a frame's file ("~/envs/x/lib/.../training.py in fit(...)"), its arrow on
# the failing line ("---> 66"), the rule above the exception's name and the header beside it
_NOTEBOOK_LINE = lazy(r"^(?:~/|-*>|-{5}|.*Traceback \(most recent call last\))")
MIN_OWN_WORDS = 3  # a line of fewer words is a heading or a fragment, not a description
MIN_OWN_HANZI = 4  # ... or, written in Chinese (no spaces between words), of fewer characters
MAX_OWN_LINES = 400  # a question's text around a traceback, not a whole log
_HANZI = lazy(r"[\u4e00-\u9fff]")


def long_enough_to_describe(line: str) -> bool:
    """Whether a line has the words (or, in Chinese, the characters) of a description rather than a heading or a
    fragment."""
    return len(line.split()) >= MIN_OWN_WORDS or len(_HANZI.findall(line)) >= MIN_OWN_HANZI


def words_beside_exceptions(prose: str, records: Sequence[ErrorRecord]) -> ErrorRecord | None:
    """The user's own sentences in ``prose`` beside the exceptions read from it (a question's title and text around a
    traceback): a message record holding them, or None when there are none or no exception was read. Of the lines
    the user wrote, those that describe: a few words, no log line, no statement of code."""
    if not prose or not any(r.kind == "exception" for r in records):
        return None
    from kerasdoctor.explain.extract import MAX_MESSAGE_CHARS, holds_log_lines, unwrap_message

    lines = [
        line
        for line in _own_lines(prose, records, max_lines=MAX_OWN_LINES, indented=False).splitlines()
        if _NOTEBOOK_LINE.match(line) is None and long_enough_to_describe(line) and not holds_log_lines(line) and not _reads_as_code(line)
    ]
    words = "\n".join(lines).strip()[:MAX_MESSAGE_CHARS]
    return ErrorRecord(kind="message", message=words, key_message=unwrap_message(words)) if words else None


# an assignment, or a statement left open for the next line ("history = model.fit(", "x_train, y_train,")
_CODE_LINE = lazy(r"^(?:[\w.]+(?:\[[^\]]*\])?\s*=[^=]|.*[(\[{,\\]$)")


def _reads_as_code(line: str) -> bool:
    """Whether a line is a Python statement (``model.fit(x, y)``, ``import keras``) rather than a sentence."""
    if _CODE_LINE.match(line) is not None:
        return True
    if not any(mark in line for mark in "=()[]") and not line.startswith(("import ", "from ")):
        return False
    import ast

    try:
        ast.parse(line)
    except (SyntaxError, ValueError):
        return False
    return True


def _involved_notes(pattern: ErrorPattern, versions: Mapping[str, str] | None) -> tuple[str, ...]:
    """Name the versions at stake when a wording signals a version mismatch (e.g. bad marshal data)."""
    if not pattern.involves:
        return ()
    wanted = ", ".join(pattern.involves)
    known = [f"{p} {versions[p]}" for p in pattern.involves if versions and versions.get(p)]
    if not known:
        return (f"this message means two different {wanted} versions met: the one that wrote the file and the one reading it",)
    return (f"this message means two different {wanted} versions met: yours is {', '.join(known)}; check which one wrote the file",)


def _version_notes(rule: Rule, versions: Mapping[str, str]) -> tuple[bool, tuple[str, ...]]:
    """Whether the user's versions rule this family out, and what to tell them either way."""
    if not rule.applies_to:
        return False, ()
    from kerasdoctor.versions import satisfies

    mismatch = False
    notes = []
    for package, spec in rule.applies_to.items():
        installed = versions.get(package)
        if not installed:
            continue
        verdict = satisfies(installed, spec)
        if verdict is False:
            mismatch = True
            notes.append(f"this family concerns {package} {spec}, but you run {package} {installed}: less likely")
        elif verdict is True:
            notes.append(f"you run {package} {installed}; this family concerns {package} {spec}")
    return mismatch, tuple(notes)

"""Near misses of a known wording: typos (``Graph disconected``), cut or elided messages.

Each pattern is reduced to the literal text every match must contain (its
"skeleton"); rapidfuzz's partial ratio then says how closely the message holds
that text, tolerant of a few wrong characters and of a message cut at either
end. A message cut well before the wording's end (an issue title, a clipped
paste) is read by ``regex``'s partial matching instead: the wording fits up to
where the text stops. Only runs when no wording matched exactly, so the common
path never pays for it.
"""

from __future__ import annotations

from kerasdoctor.explain.match import score_hit
from kerasdoctor.kb import literal_runs
from kerasdoctor.lazyre import lazy

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Mapping, Sequence

    from kerasdoctor.types import ErrorRecord, Match, Rule

MIN_RUN_CHARS = 4  # shorter literal pieces (": ", "(") say nothing about the wording
MIN_SKELETON_CHARS = 12  # a pattern with less literal text would fit too much
MIN_TEXT_CHARS = 12
CUT_RATIO = 90.0
MAX_MISTYPED_WORDS = 2
MIN_MISTYPED_WORD = 5  # shorter words that differ are different names, not typos
TYPO_RATIO = 80.0
MIN_SHARED_WORD = 4
# a near miss keeps at least this many of its wording's long words exactly, or holds each piece of its literal text
# nearly as written, in the wording's order and close together ("bad marchal data", "Loading a H5 file requirs"): a
# wording whose literal text is two common words ("Loading", "requires" around its alternatives) is not recognised
# from one of them in a sentence that has, before it, a word merely spelt alike ("request")
MIN_EXACT_WORDS = 2
MAX_RUN_GAP = 80  # characters between two pieces of a wording's literal text: what its variable parts print
# a wording that is one identifier (CUDA_ERROR_OUT_OF_MEMORY) shares no exact word with the same identifier mistyped
# (CUDA_ERROE_OUT_OF_MEMORY, retyped from a screenshot): such words are compared by spelling, among the words of this
# length or more that begin alike (a slip in the first characters is rare, and the prefix keeps the look-up cheap)
MIN_IDENTIFIER_CHARS = 10
IDENTIFIER_PREFIX = 4
MIN_SCORE = 88.0  # length-weighted partial ratio over the skeleton
REPAIRED_CLOSENESS = 97.0  # a near miss whose whole pattern fits once its mistyped words are put right
MIN_LONGEST_RUN_SCORE = 85.0
MAX_TEXT_CHARS = 2000
SCALE = 0.75
SPECIFICITY_SHARE = 0.03  # at most this share of a near miss's confidence depends on how much literal text its wording has
SPECIFIC_CHARS = 120
_WORD = lazy(r"[a-z0-9_]+")  # a near miss is never as sure as the wording itself
_ARTICLE = lazy(r" (?:an?|the)(?= )")
# a message cut before its end (an issue title, "... to have shape (None, 3) but got arr...")
MIN_CUT_SHARED_WORDS = 3
MIN_CUT_SPAN = 24  # characters of the message the wording's start fits
MIN_CUT_LITERAL = 16  # of the wording's own literal text among them
MIN_CUT_RUN_CHARS = 2  # a text that stops inside a word of the wording's literal text was cut there
CUT_SEARCH_SECONDS = 0.05
_CUT_MARKS = " .\u2026"
# a message retyped as an issue title: small words left out ("fit() unexpected keyword argument"), or its first
# words cut off ("unexpected keyword argument 'workers'" for "fit() got an unexpected keyword argument 'workers'")
DROPPABLE_WORDS = frozenset({"a", "an", "the", "got", "to", "of", "is", "be", "was", "are", "has", "have", "for", "with", "but", "it", "that"})
# what a title puts before the part of a message it quotes, besides the exception's class and the words cut off
TITLE_WORDS = frozenset(
    {
        *("error", "errors", "exception", "warning", "keras", "tensorflow", "tf", "python", "raise", "raised", "throws", "fails"),
        *("when", "while", "how", "fix", "solve", "get", "getting", "got", "and", "or", "in", "on", "my", "i", "with", "using", "the", "a", "an"),
    }
)
MIN_RETYPED_LITERAL = 16  # of the wording's own literal text the retyped or cut-off message still holds
MIN_RETYPED_WORDS = 3  # long words of that literal text
RETYPED_FACTOR = 0.9  # below a cut at the end: the words that were dropped may have said more
_APOSTROPHE = lazy(r"(?<=[A-Za-z])'(?=[A-Za-z])")  # can't, doesn't: not a quote that opens a name
_LEADING_FLAGS = lazy(r"^\(\?[aiLmsux]+\)")
_EXCEPTION_NAME = lazy(r"^[\w.]*(?:error|exception|warning)$")
# a user quotes the message inside a sentence of their own ('I get error "expected conv2d_input to have 4
# dimensions, but got ..."'): an opening double quote or backtick right before the retyped part, at the start of
# the line or after a space, colon or bracket, ends the user's words (a single quote is a name's, not a delimiter)
_OPENING_QUOTES = frozenset('"`\u201c\u201e\u300c')
_BEFORE_OPENING_QUOTE = frozenset(" \t:(\uff1a\uff08")
# the user's sentence that introduces the message it pastes ("When I load the weights I get the following error:")
# ends at its colon: the words before it are the user's, not a subject of the message (a colon inside a message,
# "Input 0 is incompatible with layer conv2d: expected ...", follows a word of the message's own, not one of these)
_INTRODUCING_COLON = lazy(r"\b(?:errors?|message|exception|following|traceback|output|says|said|shows|this|below)\s*[:\uff1a]")
_ELLIPSES = ("...", "\u2026")
_OPEN_ENDS = (":", ",", "(", "[", "{", "=")


_SKELETONS: dict[str, tuple[str, ...]] = {}  # functools.cache would cost its import at start-up


def skeleton(pattern: str) -> tuple[str, ...]:
    """The pattern's literal runs worth comparing, lower-cased; empty when too little is literal."""
    runs = _SKELETONS.get(pattern)
    if runs is None:
        runs = tuple(r.lower().strip() for r in literal_runs(pattern) if len(r.strip()) >= MIN_RUN_CHARS)
        runs = _SKELETONS[pattern] = runs if sum(len(r) for r in runs) >= MIN_SKELETON_CHARS else ()
    return runs


def skeleton_score(runs: Sequence[str], text: str) -> float:
    """How closely ``text`` holds every run (0-100), weighted by run length; 0 when the longest run is missing."""
    from rapidfuzz import fuzz

    longest = max(runs, key=len)
    if fuzz.partial_ratio(longest, text, score_cutoff=MIN_LONGEST_RUN_SCORE) == 0:
        return 0.0
    total = weight = 0.0
    for run in runs:
        total += len(run) * fuzz.partial_ratio(run, text)
        weight += len(run)
    return total / weight


def _long_words(runs: tuple[str, ...]) -> frozenset[str]:
    return frozenset(w for w in _WORD.compiled().findall(" ".join(runs)) if len(w) >= MIN_SHARED_WORD)


def wording_words(rule: Rule) -> tuple[frozenset[str], ...]:
    """Per wording of ``rule`` that has a skeleton, its long words: what ``_worth_scoring`` weighs a text against.

    The rule snapshot keeps them (``explain.fallback.evidence_index``), so a fallback builds only the rules
    with a wording worth scoring.
    """
    out = []
    for pattern in rule.errors:
        runs = pattern.skeleton if pattern.skeleton is not None else skeleton(pattern.pattern)
        words = _long_words(runs) if runs else frozenset()
        if words:
            out.append(words)
    return tuple(out)


def _worth_scoring(run_words: frozenset[str], words: frozenset[str], long_words: frozenset[str]) -> bool:
    """A cheap look before rapidfuzz (whose import alone costs twice an interpreter's start-up).

    A typo leaves most of a wording's words intact; a cut message keeps only
    words of the wording; a wording of one identifier is worth scoring when the
    text holds that identifier mistyped. ``long_words`` are the text's words of
    MIN_SHARED_WORD characters or more.
    """
    if not run_words:
        return False
    shared = len(run_words & words)
    if 2 * shared >= len(run_words):
        return True
    if 2 * (shared + _joined(run_words - words, long_words)) >= len(run_words):
        return True  # words run together where a space was lost ("objecthas no attribute")
    if len(long_words) >= 2 and long_words <= run_words:
        return True
    if len(run_words) == 1:
        (word,) = run_words
        return any(mistyped_identifier(word, other) for other in long_words)
    return False


def _keeps_enough_words(runs: Sequence[str], run_words: frozenset[str], text: str, words: frozenset[str], long_words: frozenset[str]) -> bool:
    """Whether the text holds MIN_EXACT_WORDS of a wording's long words as written (or run together with a neighbour),
    or every piece of the wording's literal text nearly as written, in order, each close after the one before.

    A wording of one identifier is compared by its spelling instead (``mistyped_identifier``).
    """
    if len(run_words) == 1:
        return True
    present = len(run_words & words)
    if present >= MIN_EXACT_WORDS or present + _joined(run_words - words, long_words) >= MIN_EXACT_WORDS:
        return True
    from rapidfuzz import fuzz

    position = 0
    for run in runs:
        found = fuzz.partial_ratio_alignment(run, text[position:], score_cutoff=MIN_LONGEST_RUN_SCORE)
        if found is None or (position and found.dest_start > MAX_RUN_GAP):
            return False
        position += found.dest_end
    return True


def _joined(absent: frozenset[str], long_words: frozenset[str]) -> int:
    """How many of the ``absent`` words begin or end a longer word of the text: run together with a neighbour."""
    return sum(1 for word in absent if any(len(other) > len(word) and (other.startswith(word) or other.endswith(word)) for other in long_words))


def mistyped_identifier(word: str, other: str) -> bool:
    """Whether ``other`` is the long identifier ``word`` with a slip of the keyboard (same first characters)."""
    return (
        len(word) >= MIN_IDENTIFIER_CHARS
        and len(other) >= MIN_IDENTIFIER_CHARS
        and word[:IDENTIFIER_PREFIX] == other[:IDENTIFIER_PREFIX]
        and word != other
        and _typo_of(word, other)
    )


def worth_cut_check(run_words: frozenset[str], words: frozenset[str]) -> bool:
    """Whether a text shares enough of a wording's words to be that wording cut short."""
    return len(run_words & words) >= MIN_CUT_SHARED_WORDS


_PREFIX_PATTERNS: dict[str, object] = {}


def cut_coverage(pattern: str, runs: Sequence[str], text: str) -> float:
    """The share of a wording's literal text that ``text`` shows, when ``text`` was cut inside that wording; else 0.

    A whole message may be a shorter wording, so only a sign of a cut counts: the
    text stops inside a word of the wording's literal text, ends in "..." or in
    punctuation that announces more ("Found:", "shape=("). ``regex``'s partial
    matching then says whether the wording fits up to where the text stops.
    """
    whole = text.rstrip()
    body = whole.rstrip(_CUT_MARKS) if whole.endswith(_ELLIPSES) else whole
    if not (body != whole or body.endswith(_OPEN_ENDS) or _unclosed(body) or _shown_of_the_cut_run(runs, body)):
        return 0.0  # before importing regex, which costs more than an interpreter's start-up
    import regex

    compiled = _PREFIX_PATTERNS.get(pattern)
    if compiled is None:
        try:
            compiled = regex.compile(pattern, regex.IGNORECASE | regex.MULTILINE)
        except regex.error:
            compiled = False
        _PREFIX_PATTERNS[pattern] = compiled
    if compiled is False:
        return 0.0
    try:
        found = compiled.search(body, partial=True, timeout=CUT_SEARCH_SECONDS)  # type: ignore[attr-defined]
    except TimeoutError:
        return 0.0
    if found is None or not found.partial or found.end() != len(body) or found.end() - found.start() < MIN_CUT_SPAN:
        return 0.0
    span = body[found.start() :]
    covered = sum(len(run) for run in runs if run in span) + _shown_of_the_cut_run(runs, span)
    if covered < MIN_CUT_LITERAL:
        return 0.0
    return min(1.0, covered / sum(len(run) for run in runs))


def _unclosed(text: str) -> bool:
    """Whether ``text`` stops inside brackets or quotes it opened (a title cut at its length limit, ``shape=(None, 2``)."""
    if any(text.count(opening) > text.count(closing) for opening, closing in ("()", "[]", "{}")):
        return True
    quotes = _APOSTROPHE.compiled().sub("", text)
    return quotes.count("'") % 2 == 1 or quotes.count('"') % 2 == 1


def _class_end(pattern: str, index: int) -> int:
    """The index just past the character class that opens at ``index`` (``[^]a-z\\]]``: a leading ``]`` is a member)."""
    index += 1
    if pattern[index : index + 1] == "^":
        index += 1
    if pattern[index : index + 1] == "]":
        index += 1
    while index < len(pattern) and pattern[index] != "]":
        index += 2 if pattern[index] == "\\" else 1
    return index + 1


def _outside_classes(pattern: str, index: int = 0) -> Iterator[tuple[int, str, int]]:
    """From ``index``: each character of the pattern outside escapes and character classes, with the group depth
    once that character is read (a ``(`` counts itself, a ``)`` has closed its group)."""
    depth = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            index += 2
            continue
        if char == "[":
            index = _class_end(pattern, index)
            continue
        depth += (char == "(") - (char == ")")
        yield index, char, depth
        index += 1


def _pattern_spaces(pattern: str) -> tuple[list[int], bool]:
    """Positions of the pattern's literal, unrepeated spaces outside groups and classes; and whether ``|`` splits it at the top."""
    spaces: list[int] = []
    top_alternation = False
    for index, char, depth in _outside_classes(pattern):
        if char == "|" and depth == 0:
            top_alternation = True
        elif char == " " and depth == 0 and pattern[index + 1 : index + 2] not in ("*", "+", "?", "{"):
            spaces.append(index)
    return spaces, top_alternation


def _droppable_words_optional(pattern: str) -> str:
    """``pattern`` with its literal small words (``got an``) made optional, each with the space after it."""
    spaces = _pattern_spaces(pattern)[0]
    starts = [-1, *spaces]
    out = pattern
    for before, after in reversed(list(zip(starts, spaces))):
        word = pattern[before + 1 : after]
        if before >= 0 and word.lower() in DROPPABLE_WORDS:
            out = out[: before + 1] + f"(?:{word} )?" + out[after + 1 :]
    return out


_DROPPABLE_MARKS = ",:;"  # a title retypes "checking input: expected ..., but got" without them
# ... and the quotes and brackets a printed value comes in: "passed to Dense: weights" for ": {'weights': ...}"
_DROPPABLE_QUOTES = "'\"`"
_DROPPABLE_ESCAPED = ("\\{", "\\}", "\\[", "\\]")


def _group_head_end(pattern: str, index: int) -> int:
    """The index just past the ``(?...`` head of the group opened at ``index`` (``(?:``, ``(?=``, ``(?P<n>``, ``(?i)``)."""
    head = index + 2
    if pattern[head : head + 1] in (":", "=", "!", ">"):
        return head + 1
    if pattern[head : head + 1] == "<" and pattern[head + 1 : head + 2] in ("=", "!"):
        return head + 2
    if pattern[head : head + 2] == "P<":
        close = pattern.find(">", head)
        return close + 1 if close >= 0 else head
    while head < len(pattern) and pattern[head].isalpha():
        head += 1  # inline flags, (?i) or (?i:...)
    return head + 1 if pattern[head : head + 1] in (":", ")") else head


def _group_end(pattern: str, index: int) -> int:
    """The index just past the group that opens at ``index``."""
    for at, char, depth in _outside_classes(pattern, index):
        if char == ")" and depth == 0:
            return at + 1
    return len(pattern)


def _punctuation_optional(pattern: str, quotes: bool = False) -> str:
    """``pattern`` with its literal commas, colons, semicolons, quotes and brackets made optional, as a retyped title drops them.

    Only a mark the pattern matches literally: not a group's ``(?:`` head, a quantifier's
    ``{1,3}``, a class's member or an escaped character. With ``quotes``, also the quotes and the
    braces or square brackets around a printed value.
    """
    out: list[str] = []
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            escaped = pattern[index : index + 2]
            optional = quotes and escaped in _DROPPABLE_ESCAPED and pattern[index + 2 : index + 3] not in ("?", "*", "+", "{")
            out.append(escaped + "?" if optional else escaped)
            index += 2
            continue
        if char == "[":
            end = _class_end(pattern, index)
            out.append(pattern[index:end])
            index = end
            continue
        if char == "(" and pattern[index + 1 : index + 2] == "?":
            end = _group_head_end(pattern, index)
            if pattern[index + 2 : end].rstrip(")") in ("=", "!", "<=", "<!"):
                end = _group_end(pattern, index)  # a lookaround guards the match: kept as written
            out.append(pattern[index:end])
            index = end
            continue
        elif char == "{":
            close = pattern.find("}", index)
            if close > index and all(c.isdigit() or c == "," for c in pattern[index + 1 : close]):
                out.append(pattern[index : close + 1])
                index = close + 1
                continue
        elif char in _DROPPABLE_MARKS and pattern[index + 1 : index + 2] not in ("?", "*", "+", "{"):
            out.append(char + "?")
            index += 1
            continue
        elif quotes and char in _DROPPABLE_QUOTES and pattern[index + 1 : index + 2] not in ("?", "*", "+", "{"):
            # left out only where a name begins or ends: the quotes that close 'tensorflow.keras.layers' still
            # tell it from 'tensorflow.keras.layers.experimental'
            out.append(f"(?:{char}|(?<![\\w.])|(?![\\w.]))")
            index += 1
            continue
        out.append(char)
        index += 1
    return "".join(out)


_RETYPED: dict[str, tuple[tuple[object, float, frozenset[str]], ...]] = {}


def _retyped_forms(pattern: str, runs: Sequence[str]) -> tuple[tuple[object, float, frozenset[str]], ...]:
    """The wording as a title retypes it: small words and punctuation optional, then cut after each of its top-level spaces.

    Each form: its compiled regex, the share of the wording's literal text it still
    holds, and the words of the part cut off (a title may keep some of them before
    the quoted part). Longest first; only forms that keep enough literal text.
    """
    forms = _RETYPED.get(pattern)
    if forms is not None:
        return forms
    from kerasdoctor.kb import compile_derived  # a user's pattern stays time-limited in every form made from it

    flags_match = _LEADING_FLAGS.compiled().match(pattern)
    flags = flags_match.group(0) if flags_match else ""
    words_optional = _droppable_words_optional(pattern[len(flags) :])
    relaxed = _punctuation_optional(words_optional)
    spaces, top_alternation = _pattern_spaces(relaxed)
    total = sum(len(run) for run in runs) or 1
    built: list[tuple[object, float, frozenset[str]]] = []
    # the whole wording typed without the quotes or brackets of the names and values it prints ("Could not locate
    # class Functional"); a form with its first words cut keeps them, or a line of code would fit it
    unquoted = _punctuation_optional(words_optional, quotes=True)
    if unquoted != relaxed:
        kept = tuple(r.lower().strip() for r in literal_runs(flags + relaxed) if len(r.strip()) >= MIN_RUN_CHARS)
        compiled = compile_derived(pattern, flags + unquoted, ignore_case=True)
        if compiled is not None and sum(len(run) for run in kept) >= MIN_RETYPED_LITERAL and len(_long_words(kept)) >= MIN_RETYPED_WORDS:
            built.append((compiled, min(1.0, sum(len(run) for run in kept) / total), frozenset()))
    for cut in [-1, *([] if top_alternation else spaces)]:
        rest = relaxed[cut + 1 :]
        kept = tuple(r.lower().strip() for r in literal_runs(flags + rest) if len(r.strip()) >= MIN_RUN_CHARS)
        kept_chars = sum(len(run) for run in kept)
        if kept_chars < MIN_RETYPED_LITERAL or len(_long_words(kept)) < MIN_RETYPED_WORDS:
            break  # later cuts keep even less
        compiled = compile_derived(pattern, flags + rest, ignore_case=True)
        if compiled is None:
            continue
        cut_words = frozenset(_WORD.compiled().findall(" ".join(literal_runs(relaxed[: cut + 1])).lower())) if cut >= 0 else frozenset()
        built.append((compiled, min(1.0, kept_chars / total), cut_words))
    forms = _RETYPED[pattern] = tuple(built)
    return forms


def retyped_coverage(pattern: str, runs: Sequence[str], text: str) -> float:
    """The share of a wording's literal text that ``text`` holds as a title retypes a message; else 0.

    The title may leave out small words (``fit() unexpected keyword argument``) or
    the message's first words; it may put the exception's class, a few words of its
    own or the words it cut off before the quoted part, and nothing else: other
    words there are another message's subject (``module 'keras' has no attribute``
    is not ``'Adam' object has no attribute``).
    """
    end_words = {w for w in _WORD.compiled().findall(runs[-1]) if len(w) >= MIN_SHARED_WORD} - DROPPABLE_WORDS if runs else set()
    if not end_words <= set(_WORD.compiled().findall(text)):
        return 0.0  # every form keeps the wording's end: without its words, no form is worth compiling
    for compiled, coverage, cut_words in _retyped_forms(pattern, runs):
        found = compiled.search(text)  # type: ignore[attr-defined]
        if found is None:
            continue
        line_start = text.rfind("\n", 0, found.start()) + 1
        if _opens_a_quote(text[line_start : found.start()]):
            return coverage
        introduced = [m.end() for m in _INTRODUCING_COLON.compiled().finditer(text, line_start, found.start())]
        before = _WORD.compiled().findall(text[(introduced[-1] if introduced else line_start) : found.start()])
        if all(w in TITLE_WORDS or w in cut_words or w.isdigit() or _EXCEPTION_NAME.compiled().match(w) for w in before):
            return coverage
    return 0.0


def _opens_a_quote(prefix: str) -> bool:
    """Whether ``prefix`` (the line before a retyped message) ends with the quote that opens the message.

    The words before such a quote are the user's own sentence, not a title's subject:
    ``I get error "expected conv2d_3_input to have 4 dimensions, but got ...`` quotes
    Keras's message with its first words cut off.
    """
    stripped = prefix.rstrip(" ")
    if not stripped or stripped[-1] not in _OPENING_QUOTES:
        return False
    return len(stripped) == 1 or stripped[-2] in _BEFORE_OPENING_QUOTE


def _shown_of_the_cut_run(runs: Sequence[str], span: str) -> int:
    """How many characters of the run the text stops inside it shows (the longest run start ending the text)."""
    shown = 0
    for run in runs:
        if run in span:
            continue
        for size in range(min(len(run) - 1, len(span)), max(shown, MIN_CUT_RUN_CHARS - 1), -1):
            if span.endswith(run[:size]):
                shown = size
                break
    return shown


def _near_miss(run: str, text: str, words: frozenset[str]) -> bool:
    """Whether ``run`` is absent from ``text`` only through a cut or a typo in a long word.

    All words present but the run absent means the punctuation or numbers differ
    (``(1, 1, 1024)`` where the wording has ``, 1)``) unless only an article was put
    in or left out (``but got an array``), and a short word that
    differs is a different identifier (``'lr'`` vs ``'_keras_history'``): both
    are the pattern ruling the text out, not a slip of the keyboard.
    """
    if len(text) < len(run):
        from rapidfuzz import fuzz

        if fuzz.partial_ratio(text, run) >= CUT_RATIO:
            return True  # the message was cut inside this run
    if _respaced(run, text):
        return True  # a space lost or put in when the message was retyped ("notunderstood", "disconn ected")
    absent = [w for w in _WORD.compiled().findall(run) if w not in words]
    if not absent:
        # every word is there: an article put in or left out when the message was retyped ("but got an array
        # with shape") is a slip of the writer; other differences (punctuation, numbers) rule the text out
        if _ARTICLE.compiled().sub("", run) in _ARTICLE.compiled().sub("", text):
            return True
        # a word of the run mistyped where the run stands, though spelt right elsewhere in the message ("Cannot feed
        # value of shape ... which has shap '(?, 1)'"): the words are compared where the run fits best
        return _typo_where_run_fits(run, text)
    return _all_mistyped(absent, words)


def _all_mistyped(absent: Sequence[str], words: frozenset[str]) -> bool:
    """Whether each of a few words of a wording the text lacks is a long word the text holds mistyped."""
    if len(absent) > MAX_MISTYPED_WORDS:
        return False
    return all(len(w) >= MIN_MISTYPED_WORD and any(_typo_of(w, other) for other in words) for w in absent)


def _typo_where_run_fits(run: str, text: str) -> bool:
    """Whether ``run`` is in ``text`` but for a typo in a long word of it, read at the stretch that fits it best."""
    words_of_run = _WORD.compiled().findall(run)
    if not any(len(w) >= MIN_MISTYPED_WORD for w in words_of_run):
        return False
    from rapidfuzz import fuzz

    found = fuzz.partial_ratio_alignment(run, text)
    if found is None or found.score < MIN_SCORE:
        return False
    # the stretch widened to whole words: the alignment may stop inside the mistyped one
    start, end = found.dest_start, found.dest_end
    while start > 0 and text[start - 1].isalnum():
        start -= 1
    while end < len(text) and text[end].isalnum():
        end += 1
    there = frozenset(_WORD.compiled().findall(text[start:end]))
    absent = [w for w in words_of_run if w not in there]
    return bool(absent) and _all_mistyped(absent, there)


def _squeezed(text: str) -> str:
    return "".join(text.split())


def _respaced(run: str, text: str) -> bool:
    """Whether ``run`` is in ``text`` once the spaces of both are ignored, and only then: a space lost or put in.

    A run of one word is left out: its letters inside a longer word are another word, not a lost space.
    """
    return " " in run.strip() and run not in text and _squeezed(run) in _squeezed(text)


def _with_spacing_of(run: str, text: str) -> str:
    """``text`` with the first stretch that spells ``run`` with other spacing written as ``run``."""
    import re

    letters = [re.escape(c) for c in _squeezed(run)]
    return re.sub(r"\s*".join(letters), lambda _m: run.strip(), text, count=1)


def _fits_once_repaired(pattern: str, runs: Sequence[str], text: str, words: frozenset[str]) -> bool | None:
    """Whether the whole pattern fits ``text`` once each slip in its literal text is put right (None: no slip).

    A slip is a mistyped long word, or a space lost or put in within the wording's literal text.
    """
    import re

    repaired = text
    for run in runs:
        if _respaced(run, repaired):
            repaired = _with_spacing_of(run, repaired)
    run_words = {w for run in runs for w in _WORD.compiled().findall(run)}
    for word in run_words - words:
        if len(word) < MIN_MISTYPED_WORD:
            continue
        slips = [other for other in words if _typo_of(word, other)]
        for other in slips:
            repaired = re.sub(rf"\b{re.escape(other)}\b", word, repaired)
    # a word of the wording mistyped in one place though spelt right in another ("value of shape ... has shap")
    for other in words - run_words:
        slipped = [word for word in run_words if len(word) >= MIN_MISTYPED_WORD and word in words and _typo_of(word, other)]
        if len(slipped) == 1:
            repaired = re.sub(rf"\b{re.escape(other)}\b", slipped[0], repaired)
    if repaired == text:
        return None
    from kerasdoctor.kb import compile_pattern  # a user's pattern runs there with a time limit

    try:
        compiled = compile_pattern(pattern, ignore_case=True)
    except re.error:
        return None
    return compiled.search(repaired) is not None


def _typo_of(word: str, other: str) -> bool:
    """Whether ``other`` is ``word`` mistyped: rapidfuzz's ratio, asked only when it can reach TYPO_RATIO.

    The ratio is 200 * LCS / (len(word) + len(other)), and the longest common
    subsequence holds at most the characters both share: words too unlike for
    that bound never cost rapidfuzz's import (twice an interpreter's start-up).
    """
    shared = sum(min(word.count(c), other.count(c)) for c in set(word))
    if 200 * shared < TYPO_RATIO * (len(word) + len(other)):
        return False
    from rapidfuzz import fuzz

    return fuzz.ratio(word, other) >= TYPO_RATIO


def _texts(record: ErrorRecord) -> str:
    from kerasdoctor.explain.normalize import flatten_message

    key = record.key_message or record.message
    return flatten_message(key[:MAX_TEXT_CHARS]).lower()


def _head_line(record: ErrorRecord, text: str) -> str:
    """The first line of a message of several lines, as ``_texts`` reads it; empty for a one-line message.

    An issue title quotes the message cut at its length limit and the user's own lines follow it: the
    cut is at the end of that first line, not of the whole text.
    """
    from kerasdoctor.explain.normalize import flatten_message

    first = next((line for line in record.message[:MAX_TEXT_CHARS].splitlines() if line.strip()), "")
    head = flatten_message(first).lower()
    # the key message may be the same text joined into one line: its first line is the start of ``text``
    return head if len(head) >= MIN_TEXT_CHARS and len(head) < len(text) and text.startswith(head) else ""


def _scored_records(records: Sequence[ErrorRecord]) -> list[ErrorRecord]:
    return [r for r in records if r.kind in ("exception", "message")][-5:] or list(records[-5:])


def text_words(records: Sequence[ErrorRecord]) -> list[tuple[frozenset[str], frozenset[str]]]:
    """Per text ``fuzzy_matches`` scores, its words and its long words: what a wording's words are compared with."""
    per_text = [frozenset(_WORD.compiled().findall(text)) for text in (_texts(r) for r in _scored_records(records)) if len(text) >= MIN_TEXT_CHARS]
    return [(words, frozenset(w for w in words if len(w) >= MIN_SHARED_WORD)) for words in per_text]


def fuzzy_matches(
    records: Sequence[ErrorRecord],
    rules: Iterable[Rule],
    versions: Mapping[str, str] | None = None,
) -> list[Match]:
    """Rules with a wording that ``records`` nearly hold, best first."""
    from kerasdoctor.types import KIND_CAPS, BestPerRule, Match

    texts = [(r, _texts(r)) for r in _scored_records(records)]
    prepared = [(r, t, frozenset(_WORD.compiled().findall(t))) for r, t in texts if len(t) >= MIN_TEXT_CHARS]
    heads = [_head_line(r, t) for r, t, _words in prepared]
    long_words = [frozenset(w for w in words if len(w) >= MIN_SHARED_WORD) for _r, _t, words in prepared]
    best = BestPerRule()
    for rule in rules:
        for pattern in rule.errors:
            runs = pattern.skeleton if pattern.skeleton is not None else skeleton(pattern.pattern)
            if not runs:
                continue
            run_words = _long_words(runs)
            for (record, text, words), own, head in zip(prepared, long_words, heads):
                closeness = 0.0
                if _worth_scoring(run_words, words, own) and _keeps_enough_words(runs, run_words, text, words, own):
                    missing = [run for run in runs if run not in text]
                    if not missing and _fits_once_repaired(pattern.pattern, runs, text, words):
                        # all its literal text there, and the wording fits once a word mistyped in its variable
                        # part is put right ("Cannot feed value of shape (1, 3) for Tensor 'x:0', which has shap ...")
                        closeness = REPAIRED_CLOSENESS
                    elif missing and all(_near_miss(run, text, words) for run in missing):
                        closeness = skeleton_score(runs, text)
                        fits = _fits_once_repaired(pattern.pattern, runs, text, words) if closeness >= MIN_SCORE else None
                        # once the slips are undone, whether the whole wording fits, its numbers and names included:
                        # a sibling wording that only shares the literal words is the less likely reading
                        if fits is not None:
                            closeness = max(closeness, REPAIRED_CLOSENESS) if fits else MIN_SCORE
                cut = retyped = head_cut = 0.0
                if closeness < MIN_SCORE:
                    if not worth_cut_check(run_words, words):
                        continue
                    cut = cut_coverage(pattern.pattern, runs, text)
                    if not cut and head:
                        head_cut = cut_coverage(pattern.pattern, runs, head)
                    if not cut and not head_cut:
                        retyped = retyped_coverage(pattern.pattern, runs, text)
                    if not cut and not head_cut and not retyped:
                        continue
                base = score_hit(pattern, record, 0)
                if base == 0.0:
                    continue
                if retyped:
                    confidence = min(KIND_CAPS["fuzzy"], base * SCALE * RETYPED_FACTOR * retyped**0.5)
                    note = f"the message is this family's wording with words left out ({retyped:.0%} of its text shown): paste the whole message to be sure"
                elif cut:
                    confidence = min(KIND_CAPS["fuzzy"], base * SCALE * cut**0.5)
                    note = f"the message stops inside this family's wording ({cut:.0%} of its text shown): paste the whole message to be sure"
                elif head_cut:
                    confidence = min(KIND_CAPS["fuzzy"], base * SCALE * RETYPED_FACTOR * head_cut**0.5)
                    note = (
                        f"the first line stops inside this family's wording ({head_cut:.0%} of its text shown), "
                        "the user's own words below it: paste the whole message to be sure"
                    )
                else:
                    confidence = min(KIND_CAPS["fuzzy"], base * SCALE * (closeness / 100) ** 4)
                    note = f"the message is close to, not the same as, this family's wording ({closeness:.0f}% alike): check for a typo or a cut"
                # near misses of equal closeness: the wording with more literal text explains more of the message
                # (`__init__() got an unexpected keyword argument 'ragged'` over `() got an unexpected keyword argument '`)
                confidence *= 1 - SPECIFICITY_SHARE * (1 - min(1.0, sum(len(run) for run in runs) / SPECIFIC_CHARS))
                best.add(
                    Match(
                        rule=rule,
                        confidence=confidence,
                        record=record,
                        pattern=pattern,
                        evidence=" … ".join(runs)[:300],
                        notes=(note,),
                        kind="fuzzy",
                    )
                )
    return best.ranked()

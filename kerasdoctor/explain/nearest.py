"""The last resort: when no evidence of any kind matched, the families whose own words the text shares most.

Each rule is a document of its own text: its wordings' literal runs, its symptom
phrases (en, zh), title, cause, the functions its frames name and, at half weight, the real
messages and tracebacks its examples quote (the words users' pastes carry around a message). The user's text
is scored against every document with Okapi BM25 (Robertson and Zaragoza, "The
Probabilistic Relevance Framework: BM25 and Beyond", 2009), read through the same
tokens, stems and vocabulary groups as the symptom matcher (so ``损失`` meets
``loss``); Chinese, which has no spaces, is read as overlapping character pairs.

The per-term weights are worked out once, when the rule snapshot is built, and
stored in it as marshalled postings (term -> rules, weights): a run that gets here
looks up only the text's terms and adds up the weights of the rules that share one.

Candidates are ranked by their score plus a prior: ``PRIOR_WEIGHT * log(1 + n)`` for a family
that explains n public reports of the development set (``kerasdoctor/data/family_prevalence.json``,
built by ``tools/build_family_prevalence.py``): among candidates the text fits about equally, the
mistake users make more often is the likelier one.

Only a text whose best score clears a threshold, on enough distinct terms, gets an
answer, and a text that names nothing of deep learning (no word of ``CONTEXT_WORDS``, no
frame in Keras, TensorFlow or JAX) only on a much higher score, so unrelated text ("hello
world", a ``KeyError`` from the user's own code) stays unanswered. A weak fit is answered
only for a text that names deep learning twice and tells of trouble ("error loading my
model.h5", not "thanks, the model trains fine now"). An answer is a guess: kind ``fuzzy``, confidence far below any
other evidence, and a note that says so.
"""

from __future__ import annotations

import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence

    from kerasdoctor.explain.symptoms import Vocabulary, WordGroups
    from kerasdoctor.kb import RuleSet
    from kerasdoctor.types import ErrorRecord, Match, Rule

    # (rule ids in snapshot order, {term: packed postings}, each rule's prior in thousandths); see build_index
    NearestIndex = tuple[tuple[str, ...], dict[str, bytes], tuple[int, ...]]

# Okapi BM25's usual constants: term-frequency saturation and length normalisation
K1, B = 1.2, 0.75
# a document's own wordings and symptom phrases say more than its prose: counted this many times
WORDING_WEIGHT, PHRASE_WEIGHT, TITLE_WEIGHT, PROSE_WEIGHT = 2, 2, 2, 1
# an example's words count half: they hold the message's context (paths, frames, values), not only the family's words
EXAMPLE_WEIGHT = 0.5
MAX_TEXT_CHARS = 4000
WEIGHT_SCALE = 1000  # a BM25 weight is stored in thousandths
_MAX_PACKED = 0xFFFF
MAX_ANSWERS = 3
# calibrated on the dev corpus (fixtures/real_errors) only; see benchmarks/explain_accuracy.py
MIN_SCORE = 6.0  # the best rule's summed weight below which the text is left unanswered
# a weaker fit than this is answered only for a text that says FIRM_CONTEXT_WORDS words of deep learning (one word,
# "train my dog", does not tell a vague question about a model from text about something else) and says something
# goes wrong (an exception's class, or a word of TROUBLE_WORDS: "thanks, the model trains fine now" asks nothing)
FIRM_SCORE, FIRM_CONTEXT_WORDS = 9.0, 2
TROUBLE_WORDS = "error exception fail problem issue wrong cannot unable crash stuck hang slow nan bug warning 报错 问题 无法 卡住 不行"
MIN_SHARED_TERMS = 3  # distinct terms of the text the best rule must hold
MIN_RELATIVE = 0.7  # a runner-up is shown only when it scores this share of the best
# a text with no word of deep learning (CONTEXT_WORDS) in it, e.g. a TensorFlow log line or a TFLite op list,
# gets a guess only when its words fit a family this much more strongly: unrelated text rarely does
NO_CONTEXT_MIN_SCORE = 18.0
NO_CONTEXT_MIN_SHARED = 6
BASE_CONFIDENCE, MAX_CONFIDENCE = 0.15, 0.3
# weight of the prior log(1 + reports of the family); chosen on the dev corpus, each case left out of its own count
PRIOR_WEIGHT = 1.0
PREVALENCE_PATH = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "data", "family_prevalence.json")
# a guess is made only for a text about deep learning: one of these words (or a word of its vocabulary
# group, e.g. 模型 for model), or a frame in Keras, TensorFlow or JAX; a plain Python error is left alone
CONTEXT_WORDS = (
    "keras tensorflow tf tensor jax layer model epoch loss accuracy optimizer gpu cuda cudnn tpu h5 hdf5 "
    "savedmodel checkpoint dataset train predict neural lstm cnn conv2d dense embedding batch"
)
LIBRARY_PATHS = ("keras", "tensorflow", "jax")
NOTE = (
    "a guess from similar words: nothing in the text matched a known error message, raise site, "
    "frame or symptom; paste the full error message or traceback for a sure diagnosis"
)


def _cjk_terms(run: str, chinese: Sequence[tuple[str, object]]) -> list[str]:
    """A run of Chinese characters as the vocabulary words it holds and its overlapping character pairs."""
    out = [f"g{key}" for word, key in chinese if word in run]
    out += [run[i : i + 2] for i in range(len(run) - 1)] if len(run) > 1 else [run]
    return out


def terms(text: str, groups: WordGroups, chinese: Sequence[tuple[str, object]]) -> list[str]:
    """The terms of ``text``: latin words as their vocabulary group or stem, Chinese as words and character pairs."""
    from kerasdoctor.explain.symptoms import STOPWORDS, _is_cjk, stem, tokens

    words = [t for t in tokens(text[:MAX_TEXT_CHARS]) if t not in STOPWORDS]
    out: list[str] = []
    latin: list[str] = []
    for word in [*words, ""]:
        if word and not _is_cjk(word):
            latin.append(word)
            continue
        for concept in groups.concepts(latin):
            key = groups.key(concept)
            if key != concept:
                out.append(f"g{key}")
            elif not concept[0].isdigit() and len(concept[0]) > 1:
                out.append(stem(concept[0].strip("_")))
        latin = []
        if word:
            out += _cjk_terms(word, chinese)
    return out


def _chinese_words(vocabulary: Vocabulary, groups: WordGroups) -> list[tuple[str, object]]:
    return [(term[0], groups.key(term)) for group in vocabulary[0] for term in group if len(term) == 1 and not term[0].isascii()]


def rule_terms(rule: Rule, groups: WordGroups, chinese: Sequence[tuple[str, object]]) -> list[str]:
    """The terms of a rule's own text, its wordings, symptom phrases and title counted more than once."""
    from kerasdoctor.explain.fuzzy import skeleton

    def read(text: str, weight: int) -> list[str]:
        return terms(text, groups, chinese) * weight

    out: list[str] = []
    for pattern in rule.errors:
        out += read(" ".join(skeleton(pattern.pattern)), WORDING_WEIGHT)
        out += read(" ".join(pattern.types), PROSE_WEIGHT)
    for phrases in (rule.symptoms or {}).values():
        for phrase in phrases:
            out += read(phrase, PHRASE_WEIGHT)
    out += read(rule.title, TITLE_WEIGHT)
    out += read(f"{rule.docs.get('what', '')} {rule.docs.get('why', '')}", PROSE_WEIGHT)
    for frame in rule.frames:
        out += read(frame.replace("_", " "), PROSE_WEIGHT)
    return out


def build_index(rules: Sequence[Rule], vocabulary: Vocabulary) -> NearestIndex:
    """Every term's BM25 weight in each rule that holds it: what ``nearest_matches`` adds up."""
    import math

    from kerasdoctor.explain.symptoms import word_groups

    groups = word_groups(vocabulary)
    chinese = _chinese_words(vocabulary, groups)
    counts: list[dict[str, float]] = []
    for rule in rules:
        tally: dict[str, float] = {}
        for term in rule_terms(rule, groups, chinese):
            tally[term] = tally.get(term, 0) + 1
        # a rule read from the snapshot has no examples: a guess then weighs its own words alone
        for example in (rule.examples or {}).get("errors") or ():
            text = example.get("text") if isinstance(example, dict) else None
            for term in terms(text, groups, chinese) if isinstance(text, str) else ():
                tally[term] = tally.get(term, 0) + EXAMPLE_WEIGHT
        counts.append(tally)
    lengths = [sum(c.values()) for c in counts]
    average = sum(lengths) / max(1, len(lengths))
    documents: dict[str, int] = {}
    for tally in counts:
        for term in tally:
            documents[term] = documents.get(term, 0) + 1
    postings: dict[str, list[int]] = {}
    for position, (tally, length) in enumerate(zip(counts, lengths)):
        norm = K1 * (1 - B + B * length / average) if average else K1
        for term, tf in tally.items():
            n = documents[term]
            idf = math.log(1 + (len(counts) - n + 0.5) / (n + 0.5))
            weight = idf * tf * (K1 + 1) / (tf + norm)
            postings.setdefault(term, []).extend((min(position, _MAX_PACKED), min(round(weight * WEIGHT_SCALE), _MAX_PACKED)))
    from array import array

    # packed as unsigned 16-bit (rule position, weight x WEIGHT_SCALE) pairs: a dict of bytes unmarshals
    # four times faster than one of tuples of floats, and a run decodes only the postings of its terms
    reports = prevalence()
    priors = tuple(round(PRIOR_WEIGHT * math.log1p(reports.get(r.name, 0)) * WEIGHT_SCALE) for r in rules)
    return tuple(r.id for r in rules), {term: array("H", values).tobytes() for term, values in postings.items()}, priors


def prevalence() -> dict[str, int]:
    """Reports of the development set per family name; empty when the file is missing or malformed."""
    import json

    try:
        with open(PREVALENCE_PATH, encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {name: count for name, count in data.items() if isinstance(name, str) and type(count) is int and count > 0}


def _text_of(record: ErrorRecord) -> str:
    return record.message if record.kind == "message" else f"{record.type or ''} {record.key_message}"


def scores(text_terms: Iterable[str], index: NearestIndex) -> dict[int, tuple[float, int]]:
    """Per rule position that shares a term: (BM25 score, distinct shared terms)."""
    postings = index[1]
    # summed as integers (thousandths): a float sum would depend on the order of the set's terms, which changes
    # with the interpreter's string hashing, and two families the text fits equally would swap places between runs
    summed: dict[int, tuple[int, int]] = {}
    for term in set(text_terms):
        entry = postings.get(term)
        if entry is None:
            continue
        values = memoryview(entry).cast("H")
        for position, weight in zip(values[0::2], values[1::2]):
            score, shared = summed.get(position, (0, 0))
            summed[position] = (score + weight, shared + 1)
    return {position: (score / WEIGHT_SCALE, shared) for position, (score, shared) in summed.items()}


def _deep_learning_words(records: Sequence[ErrorRecord], text_terms: Sequence[str], groups: WordGroups, chinese: Sequence[tuple[str, object]]) -> int:
    """How many distinct words of deep learning (``CONTEXT_WORDS``) the text, its frames' code lines say; a frame in a
    library's files counts as ``FIRM_CONTEXT_WORDS``."""
    context = frozenset(terms(CONTEXT_WORDS, groups, chinese))
    frames = [frame for record in records for frame in record.frames]
    if any(part in frame.path.lower() for frame in frames for part in LIBRARY_PATHS):
        return FIRM_CONTEXT_WORDS
    said = context.intersection(text_terms)
    if len(said) < FIRM_CONTEXT_WORDS and frames:
        said |= context.intersection(terms(" ".join(frame.code for frame in frames[-20:]), groups, chinese))
    return len(said)


def _says_trouble(records: Sequence[ErrorRecord], text_terms: Sequence[str], groups: WordGroups, chinese: Sequence[tuple[str, object]]) -> bool:
    """Whether the text tells of something going wrong: an exception's class, or a word of ``TROUBLE_WORDS``."""
    return any(record.type for record in records) or not frozenset(terms(TROUBLE_WORDS, groups, chinese)).isdisjoint(text_terms)


# the index of the last bare list of rules weighed: a caller passing one list for many texts builds it once
_LAST_LIST: list[tuple[tuple[Rule, ...], Vocabulary, NearestIndex]] = []


def _index_of_list(rules: tuple[Rule, ...], vocabulary: Vocabulary) -> NearestIndex:
    if _LAST_LIST:
        held, held_vocabulary, index = _LAST_LIST[0]
        if held_vocabulary is vocabulary and len(held) == len(rules) and all(a is b for a, b in zip(held, rules)):
            return index
    index = build_index(rules, vocabulary)
    _LAST_LIST[:] = [(rules, vocabulary, index)]
    return index


def _read(records: Sequence[ErrorRecord], vocabulary: Vocabulary) -> tuple[list[ErrorRecord], WordGroups, list[tuple[str, object]], list[str]]:
    """The records whose words are read (the last five with text), the vocabulary's groups and Chinese words, the terms."""
    from kerasdoctor.explain.symptoms import word_groups

    texts = [r for r in records[-5:] if _text_of(r).strip()]
    groups = word_groups(vocabulary)
    chinese = _chinese_words(vocabulary, groups)
    return texts, groups, chinese, [t for r in texts for t in terms(_text_of(r), groups, chinese)]


def _index_for(rules: RuleSet | Sequence[Rule], vocabulary: Vocabulary) -> NearestIndex:
    from kerasdoctor.kb import RuleSet

    return rules.nearest_index() if isinstance(rules, RuleSet) else _index_of_list(tuple(rules), vocabulary)


def word_scores(
    records: Sequence[ErrorRecord], rules: RuleSet | Sequence[Rule], rule_ids: Iterable[str], vocabulary: Vocabulary | None = None
) -> dict[str, float]:
    """How much of the text's words each of ``rule_ids`` shares (its BM25 score against the rule's document; 0 for none).

    A bare list of rules is weighed with ``vocabulary`` (or none).
    """
    from kerasdoctor.kb import RuleSet

    vocabulary = rules.vocabulary if isinstance(rules, RuleSet) else vocabulary or ((), ())
    index = _index_for(rules, vocabulary)
    scored = scores(_read(records, vocabulary)[3], index)
    position = {rule_id: i for i, rule_id in enumerate(index[0])}
    return {rule_id: scored.get(position.get(rule_id, -1), (0.0, 0))[0] for rule_id in rule_ids}


def nearest_matches(records: Sequence[ErrorRecord], rules: RuleSet | Sequence[Rule]) -> list[Match]:
    """Up to three families whose own words the text shares most, as low-confidence guesses; none for unrelated text."""
    from kerasdoctor.kb import RuleSet
    from kerasdoctor.types import Match

    # a bare list of rules brings no vocabulary: its words are then compared as written (and stemmed)
    vocabulary: Vocabulary = rules.vocabulary if isinstance(rules, RuleSet) else ((), ())
    texts, groups, chinese, text_terms = _read(records, vocabulary)
    if not texts:
        return []
    context_words = _deep_learning_words(records, text_terms, groups, chinese)
    index = _index_for(rules, vocabulary)
    rule_at: Callable[[str], Rule] = rules.by_id if isinstance(rules, RuleSet) else {r.id: r for r in rules}.__getitem__
    scored = scores(text_terms, index)
    if not scored:
        return []
    # whether to answer depends on the words alone; the prior only orders the candidates
    best_score, best_shared = max(scored.values())
    if best_score < MIN_SCORE or best_shared < MIN_SHARED_TERMS:
        return []
    if not context_words and (best_score < NO_CONTEXT_MIN_SCORE or best_shared < NO_CONTEXT_MIN_SHARED):
        return []
    if best_score < FIRM_SCORE and (context_words < FIRM_CONTEXT_WORDS or not _says_trouble(texts, text_terms, groups, chinese)):
        return []
    priors = index[2]
    ranked = sorted(
        ((position, score + priors[position] / WEIGHT_SCALE, score, shared) for position, (score, shared) in scored.items() if shared >= MIN_SHARED_TERMS),
        key=lambda item: (-item[1], index[0][item[0]]),
    )
    best = ranked[0][1]
    record = texts[-1]
    matches = []
    for position, combined, score, shared in ranked[:MAX_ANSWERS]:
        if combined < MIN_RELATIVE * best:
            break
        strength = min(1.0, (score - MIN_SCORE) / MIN_SCORE) if score >= MIN_SCORE else 0.0
        confidence = BASE_CONFIDENCE + (MAX_CONFIDENCE - BASE_CONFIDENCE) * strength * combined / best
        matches.append(
            Match(
                rule=rule_at(index[0][position]),
                confidence=round(confidence, 3),
                record=record,
                pattern=None,
                evidence=f"{shared} shared terms, score {score:.1f}",
                notes=(NOTE,),
                kind="fuzzy",
            )
        )
    return matches

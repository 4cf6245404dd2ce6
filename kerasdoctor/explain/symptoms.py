"""Match a sentence that describes a symptom ("my loss becomes nan", "网络获取mnist数据集失败").

A rule's ``symptoms`` phrases are keyword sets: a phrase fits when every one of
its keywords is in the text. Latin words are compared as whole tokens (with a
little tolerance for typos and endings: ``minist`` ~ ``mnist``, ``failed`` ~
``fail``); Chinese has no spaces, so a Chinese keyword is looked for as a
substring of the text's Chinese runs, with rapidfuzz's partial ratio for
near misses. Small function words are dropped from English phrases.
"""

from __future__ import annotations

from kerasdoctor.lazyre import lazy

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from kerasdoctor.types import ErrorRecord, Match, Rule

_TOKEN = lazy(r"[a-z0-9_]+|[\u3400-\u9fff\uf900-\ufaff]+")
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "my",
        "our",
        "your",
        "i",
        "we",
        "it",
        "its",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "am",
        "do",
        "does",
        "did",
        "to",
        "of",
        "in",
        "on",
        "at",
        "for",
        "with",
        "by",
        "from",
        "as",
        "and",
        "or",
        "after",
        "before",
        "when",
        "while",
        "then",
        "this",
        "that",
        "these",
        "those",
        "there",
        "here",
        "get",
        "gets",
        "got",
        "getting",
        "becomes",
        "become",
        "became",
    ]
)
LATIN_TYPO_RATIO = 85.0
CJK_TYPO_RATIO = 80.0
MIN_KEYWORDS_FOR_TYPO = 3  # in a two-keyword phrase one exact word and one near miss is too little
MAX_TEXT_CHARS = 2000
BASE_CONFIDENCE = 0.3
HINT = "matched from a description of the symptom; paste the full error message or traceback for a sure diagnosis"


def _is_cjk(token: str) -> bool:
    return not token.isascii()


def tokens(text: str) -> list[str]:
    """Lower-cased latin words and runs of Chinese characters, in order."""
    from kerasdoctor.explain.normalize import fold_characters

    return _TOKEN.compiled().findall(fold_characters(text).lower())


_KEYWORDS: dict[str, tuple[str, ...]] = {}  # functools.cache would cost its import at start-up


def phrase_keywords(phrase: str) -> tuple[str, ...]:
    """The keywords that must all appear for ``phrase`` to fit; a 3+ character Chinese word counts twice."""
    keywords = _KEYWORDS.get(phrase)
    if keywords is None:
        words = tuple(dict.fromkeys(t for t in tokens(phrase) if t not in STOPWORDS))
        if len(words) == 1 and _is_cjk(words[0]) and len(words[0]) >= 3:
            words = (words[0], words[0])
        keywords = _KEYWORDS[phrase] = words
    return keywords


class _Text:
    """A text prepared for keyword look-ups: its words as a set, their longer beginnings (for endings), its Chinese runs."""

    __slots__ = ("cjk", "set", "stems", "words")

    def __init__(self, text: str) -> None:
        self.words = tokens(text)
        self.set = frozenset(self.words)
        # every beginning of 4+ letters of a longer word: a keyword with an ending (fail -> failed) is one look-up
        self.stems = frozenset(w[:n] for w in self.set if w.isascii() for n in range(4, len(w)))
        self.cjk = " ".join(w for w in self.words if _is_cjk(w))


def _exact_score(keyword: str, text: _Text) -> float:
    """100 for the keyword itself, 95 for it with an ending (fail -> failed); 0 otherwise."""
    if _is_cjk(keyword):
        return 100.0 if keyword in text.cjk else 0.0
    if keyword in text.set:
        return 100.0
    return 95.0 if keyword in text.stems else 0.0


def _could_be_typo(keyword: str, words: Sequence[str], cjk_text: str) -> bool:
    """Whether some word of the text shares enough characters with ``keyword`` to be worth scoring."""
    if _is_cjk(keyword):
        return 2 * sum(ch in cjk_text for ch in keyword) >= len(keyword)
    letters = set(keyword)
    return any(w[:1] == keyword[:1] and abs(len(w) - len(keyword)) <= 2 and len(letters & set(w)) >= len(letters) - 2 for w in words)


def _typo_score(keyword: str, words: Sequence[str], cjk_text: str) -> float:
    """How close the text comes to a keyword it does not hold (``minist`` for ``mnist``)."""
    from rapidfuzz import fuzz

    if _is_cjk(keyword):
        return fuzz.partial_ratio(keyword, cjk_text) if len(keyword) >= 3 else 0.0
    if len(keyword) < 5:
        return 0.0
    return max((fuzz.ratio(keyword, w) for w in words if abs(len(w) - len(keyword)) <= 2), default=0.0)


def phrase_score(keywords: Sequence[str], text: _Text) -> float:
    """0 unless every keyword is found; else the mean closeness of the keywords found (0-100).

    At most one keyword may be a near miss; it is scored with rapidfuzz only once
    all the others are found, so a sentence that fits no phrase never loads it.
    """
    unique = list(dict.fromkeys(keywords))
    misses_allowed = 1 if len(unique) >= MIN_KEYWORDS_FOR_TYPO else 0
    scores: list[float] = []
    missing: list[int] = []
    for keyword in unique:
        score = _exact_score(keyword, text)
        if not score:
            if len(missing) == misses_allowed:
                return 0.0  # most phrases miss their first keywords: stop before scoring the rest
            missing.append(len(scores))
        scores.append(score)
    if missing:
        keyword = unique[missing[0]]
        if not _could_be_typo(keyword, text.words, text.cjk):
            return 0.0
        score = _typo_score(keyword, text.words, text.cjk)
        if score < (CJK_TYPO_RATIO if _is_cjk(keyword) else LATIN_TYPO_RATIO):
            return 0.0
        scores[missing[0]] = score
    return sum(scores) / len(scores)


def symptom_matches(records: Sequence[ErrorRecord], rules: Iterable[Rule]) -> list[Match]:
    """Rules whose symptom phrases fit the text of ``records``, best first."""
    from kerasdoctor.types import KIND_CAPS, BestPerRule, Match

    texts = []
    for record in records[-5:]:
        text = record.message if record.kind == "message" else f"{record.type or ''} {record.key_message}"
        texts.append((record, text[:MAX_TEXT_CHARS]))
    prepared = [(record, _Text(text)) for record, text in texts]
    matches = BestPerRule()
    for rule in rules:
        if not rule.symptoms:
            continue
        for phrases in rule.symptoms.values():
            for phrase in phrases:
                keywords = phrase_keywords(phrase)
                if len(keywords) < 2:
                    continue
                for record, prepared_text in prepared:
                    score = phrase_score(keywords, prepared_text)
                    if not score:
                        continue
                    # more keywords found = a more specific description; closeness lowers it a little
                    specificity = min(1.0, (len(set(keywords)) - 1) / 3)
                    confidence = min(KIND_CAPS["symptom"], BASE_CONFIDENCE + 0.15 * specificity + 0.05 * (score - 80) / 20)
                    matches.add(
                        Match(
                            rule=rule,
                            confidence=confidence,
                            record=record,
                            pattern=None,
                            evidence=phrase,
                            notes=(HINT,),
                            kind="symptom",
                        )
                    )
    return matches.ranked()

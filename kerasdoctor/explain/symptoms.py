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
MAX_TEXT_CHARS = 2000
BASE_CONFIDENCE = 0.3
HINT = "matched from a description of the symptom; paste the full error message or traceback for a sure diagnosis"


def _is_cjk(token: str) -> bool:
    return not token.isascii()


def tokens(text: str) -> list[str]:
    """Lower-cased latin words and runs of Chinese characters, in order."""
    from kerasdoctor.explain.normalize import fold_characters

    return _TOKEN.compiled().findall(fold_characters(text).lower())


def phrase_keywords(phrase: str) -> tuple[str, ...]:
    """The keywords that must all appear for ``phrase`` to fit; a 3+ character Chinese word counts twice."""
    words = tuple(dict.fromkeys(t for t in tokens(phrase) if t not in STOPWORDS))
    if len(words) == 1 and _is_cjk(words[0]) and len(words[0]) >= 3:
        return (words[0], words[0])
    return words


def _latin_score(keyword: str, words: Sequence[str]) -> float:
    from rapidfuzz import fuzz

    best = 0.0
    for word in words:
        if word == keyword:
            return 100.0
        if len(keyword) >= 4 and word.startswith(keyword):
            best = max(best, 95.0)  # an ending: fail -> failed, download -> downloading
        elif len(keyword) >= 5 and abs(len(word) - len(keyword)) <= 2:
            best = max(best, fuzz.ratio(keyword, word))
    return best


def _cjk_score(keyword: str, cjk_text: str) -> float:
    if keyword in cjk_text:
        return 100.0
    if len(keyword) < 3:
        return 0.0
    from rapidfuzz import fuzz

    return fuzz.partial_ratio(keyword, cjk_text)


def phrase_score(keywords: Sequence[str], words: Sequence[str], cjk_text: str) -> float:
    """0 unless every keyword is found; else the mean closeness of the keywords found (0-100)."""
    total = 0.0
    for keyword in dict.fromkeys(keywords):
        if _is_cjk(keyword):
            score = _cjk_score(keyword, cjk_text)
            if score < CJK_TYPO_RATIO:
                return 0.0
        else:
            score = _latin_score(keyword, words)
            if score < LATIN_TYPO_RATIO:
                return 0.0
        total += score
    return total / len(set(keywords))


def symptom_matches(records: Sequence[ErrorRecord], rules: Iterable[Rule]) -> list[Match]:
    """Rules whose symptom phrases fit the text of ``records``, best first."""
    from kerasdoctor.types import KIND_CAPS, Match

    texts = []
    for record in records[-5:]:
        text = record.message if record.kind == "message" else f"{record.type or ''} {record.key_message}"
        texts.append((record, text[:MAX_TEXT_CHARS]))
    prepared = []
    for record, text in texts:
        words = tokens(text)
        prepared.append((record, words, " ".join(w for w in words if _is_cjk(w))))
    matches: dict[str, Match] = {}
    for rule in rules:
        if not rule.symptoms:
            continue
        for phrases in rule.symptoms.values():
            for phrase in phrases:
                keywords = phrase_keywords(phrase)
                if len(keywords) < 2:
                    continue
                for record, words, cjk_text in prepared:
                    score = phrase_score(keywords, words, cjk_text)
                    if not score:
                        continue
                    # more keywords found = a more specific description; closeness lowers it a little
                    specificity = min(1.0, (len(set(keywords)) - 1) / 3)
                    confidence = min(KIND_CAPS["symptom"], BASE_CONFIDENCE + 0.15 * specificity + 0.05 * (score - 80) / 20)
                    current = matches.get(rule.id)
                    if current is None or confidence > current.confidence:
                        matches[rule.id] = Match(
                            rule=rule,
                            confidence=confidence,
                            record=record,
                            pattern=None,
                            evidence=phrase,
                            notes=(HINT,),
                            kind="symptom",
                        )
    return sorted(matches.values(), key=lambda m: (-m.confidence, m.rule.id))

"""What explain tries when no rule's wording matched the error as given.

In order of trust: the wordings again on the normalised text (quotes, case,
placeholders, cut quotes, wrapping undone), then the other kinds of evidence:
a raise site (supplied by the caller), the raising frames, a near miss of a
wording, a described symptom. Matches are ranked by kind first, so a weaker
kind never outranks a stronger one, then by confidence.
"""

from __future__ import annotations

from kerasdoctor.explain.match import lowered_texts, match_error
from kerasdoctor.types import ErrorRecord, kind_rank

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

    from kerasdoctor.explain.symptoms import Vocabulary
    from kerasdoctor.kb import EvidenceCandidates, EvidenceWords, RuleSet
    from kerasdoctor.types import Match, Rule

NORMALISED_FACTOR = 0.95  # the wording matched only once the text was normalised


def _with(record: ErrorRecord, **changes: object) -> ErrorRecord:
    fields = {n: getattr(record, n) for n in record.__slots__}
    fields.update(changes)
    return ErrorRecord(**fields)


def normalised_records(records: Sequence[ErrorRecord]) -> list[ErrorRecord]:
    """``records`` as the library printed them, as far as that can be told."""
    from kerasdoctor.explain.extract import extract_errors, unwrap_message
    from kerasdoctor.explain.normalize import drop_elisions, flatten_message, normalize_text, restore_cut_quotes, restore_placeholders

    out: list[ErrorRecord] = []
    for record in records:
        if record.kind == "message":
            text = normalize_text(record.message)
            again = extract_errors(text)
            if any(r.kind != "message" for r in again):
                out.extend(again)
                continue
            message = restore_cut_quotes(text.strip())
            key = unwrap_message(message)
        else:
            message = restore_placeholders(normalize_text(record.message))
            key = restore_cut_quotes(restore_placeholders(normalize_text(record.key_message)))
        out.append(_with(record, message=message, key_message=drop_elisions(flatten_message(key))))
    return out


def _trust(match: Match) -> float:
    """Where a kind of match ranks; a raise site that no family describes comes after any family's evidence but a symptom.

    It says which check raised the error, a fact, but diagnoses nothing: a family
    that its frames or a near miss of its wording point at is the answer to show first.
    """
    if match.kind == "raise-site" and not getattr(match, "linked", True):
        return kind_rank("symptom") - 0.5
    return kind_rank(match.kind)


def rank(matches: Iterable[Match]) -> list[Match]:
    """One match per rule, the most trusted kind first, then the most confident."""
    best: dict[str, Match] = {}
    for match in matches:
        current = best.get(match.rule.id)
        if current is None or (_trust(match), -match.confidence) < (_trust(current), -current.confidence):
            best[match.rule.id] = match
    return sorted(best.values(), key=lambda m: (_trust(m), -m.confidence, m.rule.id))


def evidence_words(rule: Rule, vocabulary: Vocabulary) -> EvidenceWords:
    """What a text must hold for a near miss, a symptom or a frame to point at ``rule``.

    (a near miss: per wording, its long words, ``explain.fuzzy.worth_scoring`` weighs a
    text against; a symptom: the phrases' words and word stems one of which it holds;
    the frame names one of which its frames hold; a symptom's Chinese keywords one of
    which it holds; the rule's symptom phrases, prepared and marshalled): the rule
    snapshot keeps them, so a fallback builds only the rules that can match and
    tokenises no phrase.
    """
    from kerasdoctor.explain import fuzzy, symptoms

    phrases = symptoms.prepared_phrases(rule, symptoms.word_groups(vocabulary))
    latin, cjk = symptoms.required_words(phrases)
    import marshal

    # marshalled apart: a fallback unpacks the phrases of only the rules it weighs
    # a tuple unpacks faster than a frozenset, and the text's set does the look-ups
    return fuzzy.wording_words(rule), tuple(sorted(latin)), tuple(sorted(rule.frames)), cjk, marshal.dumps(phrases)


def _evidence_candidates(rules: RuleSet | Sequence[Rule], records: Sequence[ErrorRecord], normalised: Sequence[ErrorRecord]) -> EvidenceCandidates:
    """Per kind (near miss, symptom, frames), the rules whose evidence of that kind can fit."""
    from kerasdoctor.kb import RuleSet

    if not isinstance(rules, RuleSet):
        return list(rules), list(rules), list(rules)
    from kerasdoctor.explain import frames, fuzzy, symptoms

    words, cjk = symptoms.text_words(records)
    texts = fuzzy.text_words(normalised)
    return rules.evidence_candidates(
        near_miss=lambda wordings: fuzzy.worth_scoring(wordings, texts), symptom_words=words, cjk=cjk, frame_words=frames.text_words(records)
    )


def _wording_candidates(rules: RuleSet | Sequence[Rule], records: Sequence[ErrorRecord]) -> Sequence[Rule]:
    from kerasdoctor.kb import RuleSet

    return rules.wording_candidates(lowered_texts(records)) if isinstance(rules, RuleSet) else rules


def fallback_matches(
    records: Sequence[ErrorRecord],
    rules: RuleSet | Sequence[Rule],
    versions: Mapping[str, str] | None = None,
    *,
    other_evidence: Iterable[Match] = (),
    vocabulary: Vocabulary | None = None,
) -> list[Match]:
    """Matches for records that no wording fitted as given; ``other_evidence`` are e.g. raise-site matches.

    Given a ``RuleSet``, only the rules that can match are built: those a
    wording's literals, or a word of the near-miss, symptom and frame evidence, point at.
    """
    normalised = normalised_records(records)
    found = match_error(normalised, _wording_candidates(rules, normalised), versions, ignore_case=True, factor=NORMALISED_FACTOR)
    if found:
        return found
    from kerasdoctor.explain.frames import frame_matches
    from kerasdoctor.explain.fuzzy import fuzzy_matches
    from kerasdoctor.explain.symptoms import symptom_matches
    from kerasdoctor.kb import RuleSet

    evidence = list(other_evidence)
    near_miss_rules, symptom_rules, frame_rules = _evidence_candidates(rules, records, normalised)
    candidates = [*evidence, *frame_matches(records, frame_rules)]
    if not any(getattr(m, "linked", False) for m in evidence):
        # a library raise site linked to a family outranks any near miss or symptom: look no further
        candidates += fuzzy_matches(normalised, near_miss_rules, versions)
        if isinstance(rules, RuleSet):
            candidates += symptom_matches(records, symptom_rules, vocabulary, rules.prepared_phrases(symptom_rules), rules.word_groups())
        else:
            candidates += symptom_matches(records, symptom_rules, vocabulary)
    return rank(candidates)


def add_frame_evidence(matches: Sequence[Match], records: Sequence[ErrorRecord], rules: RuleSet | Sequence[Rule]) -> list[Match]:
    """Below weak wording matches of a generic message, the families its raising frames point at."""
    from kerasdoctor.explain.frames import frame_matches, text_words
    from kerasdoctor.kb import RuleSet

    if isinstance(rules, RuleSet):
        rules = rules.evidence_candidates(frame_words=text_words(records))[2]
    extra = [m for m in frame_matches(records, rules) if m.rule.id not in {w.rule.id for w in matches}]
    return [*matches, *extra]

"""What explain tries when no rule's wording matched the error as given.

In order of trust: the wordings again on the normalised text (quotes, case,
placeholders, cut quotes, wrapping undone), then the other kinds of evidence:
a raise site (supplied by the caller), the raising frames, a near miss of a
wording, a described symptom. Matches are ranked by kind first, so a weaker
kind never outranks a stronger one, then by confidence.
"""

from __future__ import annotations

from kerasdoctor.explain.match import match_error
from kerasdoctor.types import ErrorRecord, kind_rank

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

    from kerasdoctor.explain.symptoms import Vocabulary
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


def rank(matches: Iterable[Match]) -> list[Match]:
    """One match per rule, the most trusted kind first, then the most confident."""
    best: dict[str, Match] = {}
    for match in matches:
        current = best.get(match.rule.id)
        if current is None or (kind_rank(match.kind), -match.confidence) < (kind_rank(current.kind), -current.confidence):
            best[match.rule.id] = match
    return sorted(best.values(), key=lambda m: (kind_rank(m.kind), -m.confidence, m.rule.id))


def fallback_matches(
    records: Sequence[ErrorRecord],
    rules: Sequence[Rule],
    versions: Mapping[str, str] | None = None,
    *,
    other_evidence: Iterable[Match] = (),
    vocabulary: Vocabulary | None = None,
) -> list[Match]:
    """Matches for records that no wording fitted as given; ``other_evidence`` are e.g. raise-site matches."""
    normalised = normalised_records(records)
    found = match_error(normalised, rules, versions, ignore_case=True, factor=NORMALISED_FACTOR)
    if found:
        return found
    from kerasdoctor.explain.frames import frame_matches
    from kerasdoctor.explain.fuzzy import fuzzy_matches
    from kerasdoctor.explain.symptoms import symptom_matches

    evidence = list(other_evidence)
    candidates = [*evidence, *frame_matches(records, rules)]
    if not any(getattr(m, "linked", False) for m in evidence):
        # a library raise site linked to a family outranks any near miss or symptom: look no further
        candidates += fuzzy_matches(normalised, rules, versions)
        candidates += symptom_matches(records, rules, vocabulary)
    return rank(candidates)


def add_frame_evidence(matches: Sequence[Match], records: Sequence[ErrorRecord], rules: Sequence[Rule]) -> list[Match]:
    """Below weak wording matches of a generic message, the families its raising frames point at."""
    from kerasdoctor.explain.frames import frame_matches

    extra = [m for m in frame_matches(records, rules) if m.rule.id not in {w.rule.id for w in matches}]
    return [*matches, *extra]

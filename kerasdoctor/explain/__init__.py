"""Explain an error: extract the error records, then rank the knowledge base's rules."""

from __future__ import annotations

from kerasdoctor.explain.extract import (
    extract_errors,
    extract_from_stream,
    holds_log_lines,
    is_signal_report,
    records_from_exception,
    words_beside_warnings,
)
from kerasdoctor.explain.match import add_shared_families, lowered_texts, match_error, words_beside_exceptions
from kerasdoctor.types import BELOW_CONFIDENT, GENERIC_WORDING, INFO_LOG, ErrorRecord, Explanation

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

    from kerasdoctor.kb import RuleSet
    from kerasdoctor.types import Match

__all__ = ["explain", "explain_file", "explain_records"]

# how far below a quoted notice's wording match the family the user's own words describe may be and still come first
DESCRIBED_MARGIN = 0.1


def explain_records(
    records: Sequence[ErrorRecord],
    *,
    rules: RuleSet | None = None,
    extra_rule_dirs: Iterable[str] = (),
    versions: Mapping[str, str] | None = None,
    guess: bool = True,
    prose: str = "",
) -> Explanation:
    """Rank the rules for already extracted records.

    ``versions`` are the user's package versions; by default those installed
    here, overridden by what the traceback's own paths reveal. ``guess``: when no
    evidence matched, name the families whose words the text shares most, as a
    low-confidence guess (``explain.nearest``). ``prose``: the whole text the records
    came from, whose lines of the user's own words (a title, a question) may say which
    of the families a shared message stands for.
    """
    from kerasdoctor.kb import load_rules
    from kerasdoctor.versions import installed_versions, versions_from_records

    ruleset = rules if rules is not None else load_rules(extra_rule_dirs)
    if versions is None:
        environment = installed_versions()
        environment.update(versions_from_records(records))
    else:
        environment = dict(versions)
    # only the rules whose pre-filter literals occur: a cold start builds just those from the snapshot
    matches = match_error(records, ruleset.wording_candidates(lowered_texts(records)), environment)
    worded = bool(matches)
    if not matches:
        # INFO lines are read for the wordings of problems only: the fallback's looser readings would find anything in them
        pool = [r for r in records if r.type != INFO_LOG]
        # only warnings or log lines no wording knows were read (a library's FutureWarning, a TensorFlow W line): the
        # user's own words beside them still tell what went wrong
        beside = words_beside_warnings(prose, pool)
        if beside is None:
            matches = _without_wording(pool, ruleset, environment, guess, prose=prose)
        elif any(is_signal_report(r) for r in pool) and (printed := match_error([beside], ruleset.wording_candidates(lowered_texts([beside])), environment)):
            # beside a shell's report of a signal, the lines no record holds include what the library printed bare
            # before the process died: a wording that fits them names the cause, not a symptom described in words
            matches = printed
        else:
            from kerasdoctor.explain.fallback import described_symptoms, rank

            found = _without_wording(pool, ruleset, environment, guess=False)
            seen = {m.rule.id for m in found}
            found = rank([*found, *(m for m in described_symptoms([beside], ruleset, ruleset.vocabulary) if m.rule.id not in seen)])
            matches = found or _without_wording([beside, *pool], ruleset, environment, guess)
    elif matches[0].confidence < GENERIC_WORDING and any(r.frames for r in records):
        from kerasdoctor.explain.fallback import add_frame_evidence

        matches = add_frame_evidence(matches, records, ruleset)
    elif prose and all(m.rule.severity == "info" for m in matches) and all(r.kind == "message" and not holds_log_lines(r.message) for r in records):
        # only notices their families call harmless fitted, quoted in the user's own words (no log pasted): what those
        # words describe beside them ("runs only on the CPU") is the failure to explain, the notice comes after it
        from kerasdoctor.explain.fallback import described_symptoms

        worded_ids = {m.rule.id for m in matches}
        described = described_symptoms([r for r in records if r.type != INFO_LOG], ruleset, ruleset.vocabulary)
        # about as sure as the notice: a notice that states the cause itself ("will not use cuDNN kernels") keeps its place
        told = [m for m in described if m.rule.severity != "info" and m.rule.id not in worded_ids and m.confidence >= matches[0].confidence - DESCRIBED_MARGIN]
        matches = [*told, *matches]
    unexplained = [r for r in records if r.kind == "exception" and (r.message.strip() or r.frames)]
    if worded and unexplained and all(m.record.kind != "exception" for m in matches):
        # every wording that fit belongs to a line beside the exception (a log, a warning): the exception, what
        # broke, still gets the fallback's reading; the more confident evidence comes first, and a notice its family
        # calls harmless (severity info) after anything said of the exception itself. When no wording fitted, the
        # fallback has read the exception already, beside the user's own words above it: its last-resort guess
        # must not replace what those words said of a family
        own = _without_wording(unexplained, ruleset, environment, guess)
        # a family both readings name keeps its surer evidence: a log line's wording is not lost to a guess from
        # the exception's words that happens to name the same family
        worded_best = {m.rule.id: m.confidence for m in matches}
        own = [m for m in own if m.confidence >= worded_best.get(m.rule.id, 0.0)]
        seen = {m.rule.id for m in own}
        merged = [*own, *(m for m in matches if m.rule.id not in seen)]
        matches = sorted(merged, key=lambda m: (m.record.kind != "exception" and m.rule.severity == "info", -m.confidence))
        if not any(r.message.strip() for r in unexplained):
            # the traceback's own error line was cut off: a Python warning printed before it (a deprecated argument
            # converted, a slow path taken) is what the paste still names, but it did not stop the run, so it is no
            # certain account of what failed
            matches = [m.replaced(confidence=min(m.confidence, BELOW_CONFIDENT)) if m.record.kind == "warning" else m for m in matches]
    # an INFO line is one of the errors only when a family's wording fitted it
    errors = [r for r in records if r.type != INFO_LOG or any(m.record is r for m in matches)]
    return Explanation(errors=errors, matches=add_shared_families(matches, ruleset, records, prose), environment=environment)


def _without_wording(records: Sequence[ErrorRecord], ruleset: RuleSet, environment: Mapping[str, str], guess: bool, prose: str = "") -> list[Match]:
    """What the fallback finds for records no wording fitted; then the symptoms the user's own sentences in ``prose``
    around an exception describe; then, if ``guess``, the last resort's low-confidence guess."""
    from kerasdoctor.explain.fallback import described_symptoms, fallback_matches
    from kerasdoctor.explain.raisesites import raise_site_evidence  # loaded only when no wording matched

    matches = fallback_matches(records, ruleset, environment, other_evidence=raise_site_evidence(records, ruleset, environment), vocabulary=ruleset.vocabulary)
    words = None if matches else words_beside_exceptions(prose, records)
    if words is not None:
        # nothing knows the exception; the user's own sentences around it may still describe a family
        matches = described_symptoms([words], ruleset, ruleset.vocabulary)
    if not matches and guess:
        from kerasdoctor.explain.nearest import nearest_matches  # the last resort: a low-confidence guess, or still nothing

        matches = nearest_matches(records, ruleset)
    return matches


def explain(
    source: str | BaseException,
    *,
    rules: RuleSet | None = None,
    extra_rule_dirs: Iterable[str] = (),
    versions: Mapping[str, str] | None = None,
) -> Explanation:
    """Diagnose error text (a message, a traceback, a whole log) or a live exception.

    A live exception is never answered with a guess from similar words: the runtime
    report shows a rule and its confidence only, so a guess would read as a diagnosis.
    """
    if isinstance(source, BaseException):
        return explain_records(records_from_exception(source), rules=rules, extra_rule_dirs=extra_rule_dirs, versions=versions, guess=False)
    return explain_records(extract_errors(source), rules=rules, extra_rule_dirs=extra_rule_dirs, versions=versions, prose=source)


def explain_file(path: str, **options: object) -> Explanation:
    """Diagnose a log file of any size, opened once: it is streamed, never read whole, so a pipe or a device
    (``/dev/stdin``, a shell's ``<(command)``) is read as a file is. A file no longer than a paste is read as
    ``explain`` reads a paste, the user's words beside the error included."""
    with open(path, encoding="utf-8", errors="replace", newline="") as handle:
        text, records = extract_from_stream(handle)
    return explain_records(records, prose=text, **options)  # type: ignore[arg-type]

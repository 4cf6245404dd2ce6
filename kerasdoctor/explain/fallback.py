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
    from kerasdoctor.kb import EvidenceCandidates, EvidenceIndex, RuleSet
    from kerasdoctor.types import Match, Rule

NORMALISED_FACTOR = 0.95  # the wording matched only once the text was normalised
# a traceback cut before its message that stops on an import statement: the statement raised (a failure inside the
# imported module would show that module's frames), so its message was one of Python's import failures for it; which
# one, and whether it was not another error of the import (a DLL the module loads), only the message would say
IMPORT_LINE_FACTOR = 0.7
IMPORT_LINE_NOTE = "the traceback stops, without its message, on an import statement: read as that import failing"
# a text that ends inside a quoted name was cut there: a wording read with its quote put back is not certain
# a wording found only once its backticks were dropped: the text was retyped or copied from a rendered page
UNMARKED_NOTE = "read without the backticks the library prints around names: paste the message as printed to be sure"
CUT_NAME_NOTE = "the text ends inside a quoted name, read as if the name ended there: paste the whole line to be sure"


def normalised_records(records: Sequence[ErrorRecord]) -> list[ErrorRecord]:
    """``records`` as the library printed them, as far as that can be told."""
    from kerasdoctor.explain.extract import extract_errors, unwrap_message
    from kerasdoctor.explain.normalize import (
        as_python3_prints,
        backticks_for_quotes,
        close_spaced_colons,
        drop_elisions,
        flatten_message,
        joined_messages,
        module_word_restored,
        normalize_text,
        requote_names,
        restore_cut_quotes,
        restore_placeholders,
        small_words_restored,
        without_title_tail,
    )

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
        key = small_words_restored(as_python3_prints(drop_elisions(close_spaced_colons(flatten_message(key)))))
        out.append(record.replaced(message=message, key_message=key))
        retyped = backticks_for_quotes(key)
        if retyped is not None:
            # the same message read with backticks where the asker wrote quotes: a wording may fit only so
            out.append(record.replaced(message=backticks_for_quotes(message) or message, key_message=retyped))
        requoted = requote_names(key) if record.type else None
        if requoted is not None:
            # the same message with the quotes Python prints around its names, lost on the way to the paste
            out.append(record.replaced(message=requote_names(message) or message, key_message=requoted))
        moduled = module_word_restored(key) if "has no attribute" in key and "module" not in key else None
        if moduled is not None:
            # an issue title that dropped "module" before the dotted path Python names
            out.append(record.replaced(message=module_word_restored(message) or moduled, key_message=moduled))
        if record.type and "\n" not in message.strip():
            # an issue title: the messages it names together, each without the words the title adds after it
            for part in joined_messages(key, record.type) or [key]:
                titled = without_title_tail(part)
                if part != key or titled is not None:
                    out.append(record.replaced(message=titled or part, key_message=titled or part))
    return out


def retold_records(records: Sequence[ErrorRecord]) -> list[ErrorRecord]:
    """The one-line messages of ``records`` that retell Python's missing-attribute or failed-import message in other
    words, each as Python prints it (``explain.normalize.told_in_python_words``)."""
    from kerasdoctor.explain.normalize import told_in_python_words

    out: list[ErrorRecord] = []
    for record in records:
        told = told_in_python_words(record.key_message or record.message) if record.kind == "message" else None
        if told is not None and all(told != r.key_message for r in out):
            out.append(record.replaced(message=told, key_message=told))
    return out


def _trust(match: Match) -> float:
    """Where a kind of match ranks; a raise site that no family describes comes after any family's evidence but a symptom.

    It says which check raised the error, a fact, but diagnoses nothing: a family
    that its frames or a near miss of its wording point at is the answer to show first.
    A site that only warns or logs (a pasted warning line, "this may consume a large
    amount of memory") is not even the failure: the symptom the user describes in
    their own words comes before it.
    """
    if match.kind == "raise-site" and not getattr(match, "linked", True):
        if match.rule.severity != "error":
            return kind_rank("symptom") + 0.5
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


def evidence_index(rules: Sequence[Rule], vocabulary: Vocabulary) -> EvidenceIndex:
    """What a text must hold for a near miss, a symptom or a frame to point at each of ``rules``, by position, inverted.

    (per long word of a wording, the wordings that hold it; per wording, its rule's
    position and its number of long words, which ``explain.fuzzy.worth_scoring`` weighs
    a text against; per word or word stem of a symptom phrase, the rules whose phrases
    need one; the rules with Chinese symptom keywords, with those keywords; per frame
    name, the rules naming it; per rule, its symptom phrases prepared and marshalled one by one; the
    wordings whose only long word is an identifier, by its first characters). The maps by
    word are packed (``pack_postings``).
    The rule snapshot keeps it, so a fallback looks up only the text's words, builds
    only the rules that can match and tokenises no phrase.
    """
    import marshal

    from kerasdoctor.explain import fuzzy, symptoms

    groups = symptoms.word_groups(vocabulary)
    by_word: dict[str, list[int]] = {}
    wordings: list[tuple[int, int]] = []
    by_symptom_word: dict[str, list[int]] = {}
    chinese: list[tuple[int, tuple[str, ...]]] = []
    by_frame: dict[str, list[int]] = {}
    phrases_of: list[bytes] = []
    holding = symptoms.keyword_rules(rules, groups)
    for position, rule in enumerate(rules):
        for words in fuzzy.wording_words(rule):
            for word in sorted(words):
                by_word.setdefault(word, []).append(len(wordings))
            wordings.append((position, len(words)))
        phrases = symptoms.prepared_phrases(rule, groups, holding)
        _latin, cjk = symptoms.required_words(phrases)
        for number, phrase in enumerate(phrases):
            # a phrase past the numbers a rule's phrases can take is weighed whenever its rule is
            code = phrase_code(position, min(number, ALL_PHRASES))
            for word in sorted(symptoms.required_words((phrase,))[0]):
                held = by_symptom_word.setdefault(word, [])
                if not held or held[-1] != code:
                    held.append(code)
        if cjk:
            chinese.append((position, cjk))
        for name in sorted(set(rule.frames)):
            by_frame.setdefault(name, []).append(position)
        # marshalled apart, each phrase too: a fallback unpacks only the phrases whose words the text holds
        phrases_of.append(marshal.dumps(tuple(marshal.dumps(phrase) for phrase in phrases)))

    identifiers: dict[str, list[tuple[str, int]]] = {}
    for word, held in by_word.items():
        if len(word) >= fuzzy.MIN_IDENTIFIER_CHARS:
            for wording in held:
                if wordings[wording][1] == 1:
                    identifiers.setdefault(word[: fuzzy.IDENTIFIER_PREFIX], []).append((word, wording))
    frozen_identifiers = {prefix: tuple(found) for prefix, found in identifiers.items()}
    packed = pack_postings(by_word), pack_postings(by_symptom_word), pack_postings(by_frame)
    return packed[0], tuple(wordings), packed[1], tuple(chinese), packed[2], tuple(phrases_of), frozen_identifiers


# a symptom phrase's code in the index: its rule's position and its number among the rule's phrases; the last
# number stands for all of them (a rule whose Chinese keywords the text holds: each phrase is checked as it is weighed)
PHRASE_SLOTS = 1 << 10
ALL_PHRASES = PHRASE_SLOTS - 1


def phrase_code(position: int, number: int) -> int:
    return position * PHRASE_SLOTS + number


def pack_postings(index: dict[str, list[int]]) -> dict[str, str]:
    """``index`` packed by the words' first two characters: per pair, one line per word, ``word<TAB>1,2,3``,
    with a line break at both ends (``postings`` reads it).

    A cold fallback looks up a text's few words: searching a short string costs it less than
    unpacking thousands of keys and tuples would.
    """
    buckets: dict[str, list[str]] = {}
    for word, positions in index.items():
        if word and _BREAKS.isdisjoint(word):
            buckets.setdefault(word[:2], []).append(f"{word}\t{','.join(map(str, positions))}\n")
    return {pair: "\n" + "".join(lines) for pair, lines in buckets.items()}


_BREAKS = frozenset("\t\n")


def postings(packed: dict[str, str], word: str) -> tuple[int, ...]:
    """The numbers stored for ``word`` in ``packed`` (``pack_postings``), or none."""
    lines = packed.get(word[:2])
    if lines is None or not _BREAKS.isdisjoint(word):
        return ()
    start = lines.find(f"\n{word}\t")
    if start < 0:
        return ()
    start += len(word) + 2
    return tuple(int(n) for n in lines[start : lines.index("\n", start)].split(","))


MAX_JOINED_CHARS = 40


def _known_pieces(by_word: dict[str, str], word: str) -> list[str]:
    """The long words of a wording that begin or end ``word``, shorter than it (two words run together)."""
    from kerasdoctor.explain import fuzzy

    least = fuzzy.MIN_SHARED_WORD
    if len(word) > MAX_JOINED_CHARS:
        return []  # a blob or a path, not two words of a message
    return [piece for cut in range(least, len(word)) for piece in (word[:cut], word[-cut:]) if postings(by_word, piece)]


def _near_miss_positions(index: EvidenceIndex, normalised: Sequence[ErrorRecord]) -> set[int]:
    """The rules with a wording worth scoring as a near miss or a cut of one of the texts (``explain.fuzzy``'s gates, by counting)."""
    from kerasdoctor.explain import fuzzy

    by_word, wordings, identifiers = index[0], index[1], index[6]
    positions: set[int] = set()
    for words, long_words in fuzzy.text_words(normalised):
        shared: dict[int, int] = {}
        held = {word: postings(by_word, word) for word in {*words, *long_words}}
        # a word run together with its neighbour where a space was lost ("notunderstood"): its known pieces count, as
        # ``explain.fuzzy._joined`` counts them, of any longer word (a known "objects" still holds the "object" of a wording)
        pieces = {piece for word in long_words for piece in _known_pieces(by_word, word)} - words
        held.update((piece, postings(by_word, piece)) for piece in pieces if piece not in held)
        for word in [*words, *pieces]:
            for wording in held[word]:
                shared[wording] = shared.get(wording, 0) + 1
        # a short text is worth scoring against a wording that holds all its (two or more) long words
        all_long: set[int] = set()
        if len(long_words) >= 2:
            shared_long: dict[int, int] = {}
            for word in long_words:
                for wording in held[word]:
                    shared_long[wording] = shared_long.get(wording, 0) + 1
            all_long = {wording for wording, count in shared_long.items() if count == len(long_words)}
        positions.update(wordings[n][0] for n, count in shared.items() if 2 * count >= wordings[n][1] or n in all_long or count >= fuzzy.MIN_CUT_SHARED_WORDS)
        # a wording of one identifier, mistyped in the text (``explain.fuzzy.mistyped_identifier``)
        for word in long_words:
            if held[word] or len(word) < fuzzy.MIN_IDENTIFIER_CHARS:
                continue
            for known, wording in identifiers.get(word[: fuzzy.IDENTIFIER_PREFIX], ()):
                if fuzzy.mistyped_identifier(known, word):
                    positions.add(wordings[wording][0])
    return positions


def _frame_rules(rules: RuleSet, records: Sequence[ErrorRecord]) -> list[Rule]:
    """The rules naming one of the functions in the records' frames (``evidence_index``)."""
    from kerasdoctor.explain.frames import text_words

    by_frame = rules.evidence_index()[4]
    return rules.rules_at({position for word in text_words(records) for position in postings(by_frame, word)})


def _evidence_candidates(
    rules: RuleSet | Sequence[Rule],
    records: Sequence[ErrorRecord],
    normalised: Sequence[ErrorRecord],
    printed: bool = False,
) -> EvidenceCandidates:
    """Per kind of evidence (near miss, symptom, frames), the rules whose evidence of that kind can fit (for symptoms, their positions).

    Any other rule's evidence of a kind cannot fit (``evidence_index``), so weighing only these
    gives the same answer; each kind weighs only its own rules. With ``printed`` (a library check printed the
    message as it stands, ``_printed_by_a_check``), no rule is a near miss and none a symptom.
    """
    from kerasdoctor.kb import RuleSet

    if not isinstance(rules, RuleSet):
        return [] if printed else list(rules), set() if printed else set(range(len(rules))), list(rules)
    index = rules.evidence_index()
    symptom: set[int] = set()
    if not printed:
        from kerasdoctor.explain import symptoms

        words, cjk = symptoms.text_words(records)
        symptom = {code for word in words for code in postings(index[2], word)}
        if cjk:
            symptom.update(
                phrase_code(position, ALL_PHRASES) for position, keywords in index[3] if any(all(ch in cjk for ch in keyword) for keyword in keywords)
            )
    return [] if printed else rules.rules_at(_near_miss_positions(index, normalised)), symptom, _frame_rules(rules, records)


def _wording_candidates(rules: RuleSet | Sequence[Rule], records: Sequence[ErrorRecord]) -> Sequence[Rule]:
    from kerasdoctor.kb import RuleSet

    return rules.wording_candidates(lowered_texts(records)) if isinstance(rules, RuleSet) else rules


def _unmarked_candidates(rules: RuleSet | Sequence[Rule], records: Sequence[ErrorRecord], plain_candidates: Sequence[Rule]) -> Sequence[Rule]:
    """The rules a wording read without its backticks can match in ``records`` (messages without backticks): those the
    plain pre-filter let through and those whose backticked literals occur once their backticks are dropped."""
    from kerasdoctor.kb import RuleSet

    if not isinstance(rules, RuleSet):
        return rules
    more = rules.wording_candidates(lowered_texts(records), unmarked=True)
    if not more:
        return plain_candidates
    seen = {rule.id for rule in plain_candidates}
    return sorted([*plain_candidates, *(rule for rule in more if rule.id not in seen)], key=lambda rule: rule.id)


def import_line_records(records: Sequence[ErrorRecord]) -> list[ErrorRecord]:
    """For a traceback pasted without its message that stops on an import statement, that import's possible failures,
    each as Python words it (``explain.extract.import_failures``)."""
    from kerasdoctor.explain.extract import import_failures

    out: list[ErrorRecord] = []
    for record in records:
        if record.kind != "exception" or not record.frames or (record.key_message or record.message).strip():
            continue
        for type_, message in import_failures(record.frames[-1].code):
            names = ("ModuleNotFoundError", "ImportError") if type_ == "ModuleNotFoundError" else (type_,)
            out.append(record.replaced(type=type_, type_names=names, message=message, key_message=message))
    return out


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
    plain_candidates = _wording_candidates(rules, normalised)
    found = match_error(normalised, plain_candidates, versions, ignore_case=True, factor=NORMALISED_FACTOR)
    if found:
        from kerasdoctor.explain.normalize import ends_in_cut_name

        return _below_certainty(found, CUT_NAME_NOTE) if any(ends_in_cut_name(r.message) for r in records) else found
    unmarked = [r for r in normalised if "`" not in r.message and "`" not in r.key_message]
    if unmarked:
        # a message copied from a rendered page, or typed back, without the backticks TensorFlow and Keras print around
        # names ("iterating over tf.Tensor is not allowed"): the wordings that hold backticks, read without them; a text
        # retyped so is no longer as printed, never sure (a message that still holds backticks was pasted as printed;
        # the user's own words beside it may hold some, inline code of the page, and say nothing of the message's)
        marked_rules = _unmarked_candidates(rules, unmarked, plain_candidates)
        found = match_error(unmarked, marked_rules, versions, ignore_case=True, factor=NORMALISED_FACTOR, unmarked=True) if marked_rules else []
        if found:
            return _below_certainty(found, UNMARKED_NOTE)
    retold = retold_records(normalised)
    if retold:
        # an issue title that told the message in its own words: the wordings of Python's message, never sure
        found = match_error(retold, _wording_candidates(rules, retold), versions, ignore_case=True, factor=NORMALISED_FACTOR)
        if found:
            return _below_certainty(found)
    from kerasdoctor.explain.frames import frame_matches, type_matches
    from kerasdoctor.kb import RuleSet

    evidence = list(other_evidence)
    imported = import_line_records(records)
    if imported:
        from kerasdoctor.types import KIND_CAPS

        found = match_error(imported, _wording_candidates(rules, imported), versions, factor=IMPORT_LINE_FACTOR)
        evidence += [m.replaced(kind="frames", confidence=min(KIND_CAPS["frames"], m.confidence), notes=(*m.notes, IMPORT_LINE_NOTE)) for m in found]
    printed = _printed_by_a_check(evidence)
    near_miss_rules, symptom_positions, frame_rules = _evidence_candidates(rules, records, normalised, printed=printed)
    by_frames = frame_matches(records, frame_rules)
    if by_frames and evidence:
        from kerasdoctor.explain.raisesites import cut_on_a_call

        # a paste cut on a line that called further: the function it stopped in did not raise, a named frame says more
        evidence = [m for m in evidence if not (m.kind == "raise-site" and m.record is not None and cut_on_a_call(m.record))]
    candidates = [*evidence, *by_frames]
    # rare (a record pasted without its message): then every rule is weighed, its declared classes being the evidence
    candidates += type_matches(records, rules)
    if not any(getattr(m, "linked", False) for m in evidence):
        # a library raise site linked to a family outranks any near miss or symptom: look no further
        if near_miss_rules:
            from kerasdoctor.explain.fuzzy import fuzzy_matches

            candidates += fuzzy_matches(normalised, near_miss_rules, versions)
        # a message a library check printed as it stands is no sentence telling a symptom
        if not printed:
            if isinstance(rules, RuleSet):
                from kerasdoctor.explain.symptoms import matches_of_fits, symptom_fits

                # phrases are kept apart from the rules: only the rules whose phrases fit are built
                fits = symptom_fits(records, rules.phrases_at(symptom_positions), rules.word_groups())
                candidates += by_whole_text(matches_of_fits(fits, rules.rule_at), records, rules)
            else:
                from kerasdoctor.explain.symptoms import symptom_matches

                candidates += by_whole_text(symptom_matches(records, rules, vocabulary), records, rules, vocabulary)
    return rank(candidates)


def described_symptoms(records: Sequence[ErrorRecord], rules: RuleSet | Sequence[Rule], vocabulary: Vocabulary | None = None) -> list[Match]:
    """The families whose symptom phrases the records' words fit, read as a description whatever wordings fitted them."""
    from kerasdoctor.kb import RuleSet

    if isinstance(rules, RuleSet):
        from kerasdoctor.explain.symptoms import matches_of_fits, symptom_fits

        _, positions, _ = _evidence_candidates(rules, records, normalised_records(records))
        fits = symptom_fits(records, rules.phrases_at(positions), rules.word_groups())
        return rank(by_whole_text(matches_of_fits(fits, rules.rule_at), records, rules))
    from kerasdoctor.explain.symptoms import symptom_matches

    return rank(by_whole_text(symptom_matches(records, rules, vocabulary), records, rules, vocabulary))


# the share of a message a raise site's own words must make up for the message to be that check's, as printed
MIN_CHECK_COVERAGE = 0.5


def _printed_by_a_check(evidence: Iterable[Match]) -> bool:
    """Whether a library check's template holds the message to its end: then it is that check's message as printed, no
    near miss (a typo, a cut) of another wording, and looking for near misses would only cost time.

    The template's words must make up most of the message and reach its end, a closing placeholder holding one word:
    a message cut short can fit a shorter template whose placeholder takes the rest, or leaves it empty.
    """
    for match in evidence:
        site = getattr(match, "site", None)
        if match.kind != "raise-site" or site is None or match.record is None or site.coverage < MIN_CHECK_COVERAGE:
            continue
        message = match.record.key_message or match.record.message
        last = next((part.strip() for part in reversed(site.parts) if part.strip()), "")
        at = message.rfind(last) if last else -1
        # a closing placeholder holds one value; one left empty is a message cut where the value began
        if at >= 0 and len(message[at + len(last) :].split()) == (1 if not site.parts[-1].strip() else 0):
            return True
    return False


def _below_certainty(matches: list[Match], note: str = "") -> list[Match]:
    """``matches`` at most just below certainty (``match.PROSE_QUOTE_CAP``); those lowered say why, given a ``note``."""
    from kerasdoctor.explain.match import PROSE_QUOTE_CAP

    notes = (note,) if note else ()
    return [m if m.confidence <= PROSE_QUOTE_CAP else m.replaced(confidence=PROSE_QUOTE_CAP, notes=(*m.notes, *notes)) for m in matches]


# how far a family whose phrase fits, but whose own words the rest of the text shares least, falls behind (chosen on the
# dev corpus: the fitting family that shares most of the description is more often the one its thread found)
WHOLE_TEXT_WEIGHT = 0.1


def by_whole_text(
    matches: Sequence[Match], records: Sequence[ErrorRecord], rules: RuleSet | Sequence[Rule], vocabulary: Vocabulary | None = None
) -> list[Match]:
    """Symptom matches of several families, each lowered by how much less of the whole text it shares than the best.

    A phrase is a few keywords; two families' phrases often fit one description
    ("the GPU is not used" fits a missing CUDA library and an install without GPU
    support). The rest of the text (library names, versions, what was run) is then
    weighed against each family's own words, as the last-resort guess weighs them
    (``explain.nearest``); no match gains confidence.
    """
    if len(matches) < 2:
        return list(matches)
    from kerasdoctor.explain.nearest import word_scores

    shared = word_scores(records, rules, [m.rule.id for m in matches], vocabulary)
    best = max(shared.values())
    if best <= 0:
        return list(matches)
    return [m.replaced(confidence=round(m.confidence - WHOLE_TEXT_WEIGHT * (1 - shared[m.rule.id] / best), 3)) for m in matches]


def add_frame_evidence(matches: Sequence[Match], records: Sequence[ErrorRecord], rules: RuleSet | Sequence[Rule]) -> list[Match]:
    """Below weak wording matches of a generic message, the families its raising frames point at."""
    from kerasdoctor.explain.frames import frame_matches
    from kerasdoctor.kb import RuleSet

    if isinstance(rules, RuleSet):
        rules = _frame_rules(rules, records)
    extra = [m for m in frame_matches(records, rules) if m.rule.id not in {w.rule.id for w in matches}]
    return [*matches, *extra]

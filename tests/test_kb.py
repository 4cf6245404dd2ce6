"""Rule loading: validation messages, isolation of broken files, the snapshot cache."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from conftest import SAMPLE_RULES
from hypothesis import given
from hypothesis import strategies as st

from kerasdoctor import kb
from kerasdoctor.explain import explain
from kerasdoctor.types import Rule


def write_rule(directory: Path, filename: str, body: str) -> Path:
    path = directory / filename
    path.write_text(textwrap.dedent(body))
    return path


GOOD = (SAMPLE_RULES / "KD990-sample-marshal.yaml").read_text()
_WEIGHTS_LINE = '      model.load_weights("old.weights.h5")\n'


@pytest.fixture(autouse=True)
def _fresh_memo():
    kb._LOADED.clear()
    yield
    kb._LOADED.clear()


def test_sample_rule_dir_is_clean():
    ruleset = kb.load_rule_dir(str(SAMPLE_RULES))
    assert ruleset.problems == []
    assert [r.id for r in ruleset.rules] == ["KD990"]
    rule = ruleset.get("sample-marshal")
    assert rule is ruleset.get("kd990")
    assert rule.errors[0].types == ("ValueError",)
    assert rule.errors[1].types == ("EOFError",)


@pytest.mark.parametrize(
    ("mutation", "expected"),
    [
        (("severity: error", "severity: fatal"), "severity: 'fatal' is not one of"),
        (("pattern: 'bad marshal data'", "pattern: 'bad (marshal'"), "errors[0].pattern: bad regex"),
        (("category: saving", "category: saving\ncolour: red"), "unknown key 'colour'"),
        (('    versions: "all"\n    confidence: 0.99\n  - pattern: \'marshal', "    confidence: 0.99\n  - pattern: 'marshal"), "errors[0].versions"),
        (("  references:\n    - https://github.com/keras-team/keras/issues/9595\n", ""), "docs.references"),
        (('      source: "/work', '      sauce: "/work'), "examples.errors[0]: unknown key 'sauce'"),
        (("severity: error", "severity: warning"), None),
        ((_WEIGHTS_LINE, _WEIGHTS_LINE + '    runs: {stack: k3, expect: error, long: ""}\n'), "runs.long: say why"),
        ((_WEIGHTS_LINE, _WEIGHTS_LINE + '    runs: {stack: k3, expect: error, long: "trains for a minute"}\n'), None),
    ],
)
def test_each_problem_names_file_and_field(tmp_path: Path, mutation: tuple[str, str], expected: str | None):
    old, new = mutation
    assert old in GOOD
    write_rule(tmp_path, "KD990-sample-marshal.yaml", GOOD.replace(old, new))
    problems = kb.load_rule_dir(str(tmp_path)).problems
    if expected is None:
        assert problems == []
    else:
        assert any(expected in p and "KD990-sample-marshal.yaml" in p for p in problems), problems


def test_broken_files_are_reported_and_the_rest_load(tmp_path: Path):
    shutil.copy(SAMPLE_RULES / "KD990-sample-marshal.yaml", tmp_path)
    write_rule(tmp_path, "KD991-broken.yaml", "id: KD991\nname: [unclosed\n")
    (tmp_path / "KD992-binary.yaml").write_bytes(b"\xff\xfe\x00garbage\x00")
    write_rule(tmp_path, "KD993-not-a-mapping.yaml", "- just\n- a list\n")
    write_rule(tmp_path, "KD994-wrong-name.yaml", GOOD.replace("id: KD990", "id: KD994"))
    ruleset = kb.load_rule_dir(str(tmp_path))
    assert [r.id for r in ruleset.rules] == ["KD990"]
    text = "\n".join(ruleset.problems)
    assert "KD991-broken.yaml: not valid YAML" in text
    assert "KD992-binary.yaml" in text
    assert "KD993-not-a-mapping.yaml: a rule file must be a YAML mapping" in text
    assert "KD994-wrong-name.yaml: file name must be KD994-sample-marshal.yaml" in text


def test_duplicate_ids_and_names(tmp_path: Path):
    shutil.copy(SAMPLE_RULES / "KD990-sample-marshal.yaml", tmp_path)
    sub = tmp_path / "b"
    sub.mkdir()
    write_rule(tmp_path, "KD991-sample-marshal.yaml", GOOD.replace("id: KD990", "id: KD991"))
    problems = kb.load_rule_dir(str(tmp_path)).problems
    assert any("name: sample-marshal is already used by" in p for p in problems)


def test_yaml_is_loaded_safely(tmp_path: Path):
    # a python/object tag must be refused, never constructed
    write_rule(tmp_path, "KD995-evil.yaml", "id: !!python/object/apply:os.system ['touch pwned']\n")
    problems = kb.load_rule_dir(str(tmp_path)).problems
    assert problems and "not valid YAML" in problems[0]
    assert not (Path.cwd() / "pwned").exists()


def test_snapshot_cache_roundtrip_and_invalidation(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    cache = tmp_path / "cache"
    monkeypatch.setenv("KERASDOCTOR_CACHE_DIR", str(cache))
    rules_dir = tmp_path / "rules"
    rules_dir.mkdir()
    shutil.copy(SAMPLE_RULES / "KD990-sample-marshal.yaml", rules_dir)
    first = kb.load_rules([str(rules_dir)])
    snapshots = list(cache.glob("kb-*.marshal"))
    assert len(snapshots) == 1
    kb._LOADED.clear()
    second = kb.load_rules([str(rules_dir)])
    assert [r.id for r in second.rules] == [r.id for r in first.rules]
    assert second.get("KD990") == first.get("KD990")
    # editing a rule file changes the fingerprint: a new snapshot, the new text
    path = rules_dir / "KD990-sample-marshal.yaml"
    time.sleep(0.01)
    path.write_text(GOOD.replace("Sample rule used by the engine tests", "Edited title"))
    os.utime(path, None)
    kb._LOADED.clear()
    third = kb.load_rules([str(rules_dir)])
    assert third.get("KD990").title == "Edited title"


def test_the_snapshot_keeps_the_backtick_free_prefilters_the_parsed_rules_work_out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("KERASDOCTOR_CACHE_DIR", str(tmp_path / "cache"))
    kb._LOADED.clear()
    stored = kb.load_rules()
    kb._LOADED.clear()
    stored = kb.load_rules()  # read back from the snapshot just written
    parsed = kb.load_rules(use_cache=False)
    assert stored._marked, "the built-in rules hold wordings with backticks"
    assert stored._marked == kb.marked_prefilters([tuple((p.literal, p.any_literals) for p in r.errors) for r in parsed.rules])
    # TensorFlow prints `tf.Tensor` in backticks; a message retyped without them finds that rule only this way
    text = ["iterating over tf.tensor is not allowed in graph execution"]
    names = {r.name for r in stored.wording_candidates(text, unmarked=True)}
    assert "tensor-not-iterable" in names
    assert names == {r.name for r in parsed.wording_candidates(text, unmarked=True)}
    for rule in stored.wording_candidates(text, unmarked=True):
        assert any("`" in (p.literal or "") + "".join(p.any_literals) for p in rule.errors)


def test_old_snapshots_are_removed_when_a_new_one_is_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    cache = tmp_path / "cache"
    cache.mkdir()
    monkeypatch.setenv("KERASDOCTOR_CACHE_DIR", str(cache))
    # snapshots of earlier rule edits or versions, each with its engine code beside it, oldest first
    for age in range(6):
        for suffix in (".marshal", ".regex"):
            old = cache / f"kb-old{age}{suffix}"
            old.write_bytes(b"x")
            os.utime(old, (1_000_000 + age, 1_000_000 + age))
    (cache / "unrelated.txt").write_text("kept")
    rules_dir = tmp_path / "rules"
    rules_dir.mkdir()
    shutil.copy(SAMPLE_RULES / "KD990-sample-marshal.yaml", rules_dir)
    kb.load_rules([str(rules_dir)])
    stems = {p.name.split(".")[0] for p in cache.glob("kb-*")}
    newest_old = {f"kb-old{age}" for age in (5, 4, 3)}
    assert len(stems) == kb.KEEP_SNAPSHOTS
    assert newest_old < stems
    assert all((cache / f"{stem}.regex").exists() for stem in newest_old)
    assert not (cache / "kb-old0.marshal").exists() and not (cache / "kb-old0.regex").exists()
    assert (cache / "unrelated.txt").read_text() == "kept"
    kb._LOADED.clear()
    assert kb.load_rules([str(rules_dir)]).get("KD990") is not None


def test_corrupt_snapshot_is_rebuilt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    cache = tmp_path / "cache"
    monkeypatch.setenv("KERASDOCTOR_CACHE_DIR", str(cache))
    kb.load_rules([str(SAMPLE_RULES)])
    for snap in cache.glob("kb-*.marshal"):
        snap.write_bytes(b"not marshal data")
    kb._LOADED.clear()
    assert kb.load_rules([str(SAMPLE_RULES)]).get("KD990") is not None


@pytest.mark.parametrize(
    ("pattern", "literal"),
    [
        ("bad marshal data", "bad marshal data"),
        (r"Unknown (?:layer|loss function): ?'?(\w+)", "unknown l"),  # the common prefix of both branches
        (r"(?i)Could not locate class", "could not locate class"),
        (r"a|b", None),
        (r"x+yzw", "yzw"),
        (r"x+yz", None),  # too short to be worth a pre-filter
    ],
)
def test_required_literal(pattern: str, literal: str | None):
    assert kb.required_literal(pattern) == literal


def test_type_where_and_chain_scoring(tmp_path: Path):
    write_rule(
        tmp_path,
        "KD996-inside-lib.yaml",
        GOOD.replace("KD990", "KD996")
        .replace("sample-marshal", "inside-lib")
        .replace('    type: [ValueError]\n    versions: "all"', '    type: [ValueError]\n    versions: "all"\n    where: {raised_in: [keras]}'),
    )
    ruleset = kb.load_rule_dir(str(tmp_path))
    assert ruleset.problems == []
    in_keras = 'Traceback (most recent call last):\n  File "/v/site-packages/keras/src/a.py", line 3, in f\nValueError: bad marshal data\n'
    in_user = 'Traceback (most recent call last):\n  File "/home/me/train.py", line 3, in f\nValueError: bad marshal data\n'
    hit = explain(in_keras, rules=ruleset, versions={})
    assert hit.matches and hit.matches[0].rule.id == "KD996"
    assert not explain(in_user, rules=ruleset, versions={}).matches  # the condition is checkable and false
    bare = explain("bad marshal data", rules=ruleset, versions={})
    assert bare.matches and bare.matches[0].confidence < hit.matches[0].confidence  # unknown type and frames cost confidence
    assert not explain("TypeError: bad marshal data", rules=ruleset, versions={}).matches  # contradicting type


def _fresh_regex_store(monkeypatch: pytest.MonkeyPatch) -> None:
    from kerasdoctor import lazyre

    monkeypatch.setattr(lazyre, "_stored", None)
    monkeypatch.setattr(lazyre, "_new", {})
    monkeypatch.setattr(lazyre, "_compiled_here", {})


def test_stored_regex_code_is_reused_and_equals_re_compile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    import re

    from kerasdoctor import lazyre

    monkeypatch.setenv("KERASDOCTOR_CACHE_DIR", str(tmp_path))
    pattern = r"(?P<type>[A-Z]\w*Error): (?P<msg>.*?)\s*$"
    _fresh_regex_store(monkeypatch)
    first = lazyre.compile(pattern, lazyre.MULTILINE)
    lazyre.save_compiled()
    assert len(list(tmp_path.glob("regex-*.pack"))) == 1
    _fresh_regex_store(monkeypatch)
    again = lazyre.compile(pattern, lazyre.MULTILINE)
    assert not lazyre._new  # served from the store, not compiled afresh
    assert again is not first and again == re.compile(pattern, re.MULTILINE)
    m = again.search("x\nValueError: bad marshal data  \n")
    assert m is not None and m.group("type", "msg") == ("ValueError", "bad marshal data")


@pytest.mark.parametrize("damage", ["garbage", "bad-code", "wrong-shape"])
def test_damaged_regex_store_is_ignored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: str):
    import marshal
    import re

    from kerasdoctor import lazyre

    monkeypatch.setenv("KERASDOCTOR_CACHE_DIR", str(tmp_path))
    pattern = r"Unknown layer: '?(\w+)"
    _fresh_regex_store(monkeypatch)
    lazyre.compile(pattern)
    lazyre.save_compiled()
    (store,) = tmp_path.glob("regex-*.pack")
    table = lazyre._read_pack_table(str(store))
    assert table is not None
    entry = lazyre._entry_at(table, 0)
    assert entry is not None
    key, blob = entry
    del table  # its file closes
    flags, code, groups, groupindex, indexgroup = marshal.loads(blob)
    if damage == "garbage":
        store.write_bytes(b"\x00not marshal")
    elif damage == "bad-code":  # engine code the regex engine's own check refuses
        assert lazyre.write_engine_code(str(store), {key: marshal.dumps((flags, [99999, *code[1:]], groups, groupindex, indexgroup))})
    else:
        assert lazyre.write_engine_code(str(store), {key: marshal.dumps((flags, "code", groups))})
    _fresh_regex_store(monkeypatch)
    compiled = lazyre.compile(pattern)
    assert compiled == re.compile(pattern)
    assert compiled.search("ValueError: Unknown layer: 'Attention'").group(1) == "Attention"
    assert lazyre._new  # compiled afresh, to be stored again


def test_cold_explain_from_stored_regexes_does_not_import_re(tmp_path: Path):
    import subprocess
    import sys

    from conftest import FORMATS

    env = dict(os.environ, KERASDOCTOR_CACHE_DIR=str(tmp_path))
    probe = (
        "import sys, io; from kerasdoctor.cli import main; out = io.StringIO(); real, sys.stdout = sys.stdout, out;"
        "code = main(sys.argv[1:]); sys.stdout = real;"
        "print(code, 're' in sys.modules, out.getvalue().split()[0])"
    )

    def run(*args: str) -> list[str]:
        return subprocess.run([sys.executable, "-c", probe, *args], capture_output=True, text=True, env=env, check=True).stdout.split()

    # the first run builds the snapshot: with it the engine code of every rule pattern and every parsing pattern
    assert run("explain", "ValueError: bad marshal data (unknown type code)") == ["0", "True", "KD503"]
    # so a later run needs no ``re``, whatever the format of its input and whichever rule it matches
    assert run("explain", "--file", str(FORMATS / "k3_envelope_dense_mismatch.txt")) == ["0", "False", "KD100"]
    assert run("explain", "--file", str(FORMATS / "k2_warnings_uncompiled_h5.txt")) == ["0", "False", "KD521"]
    # nor does a message no wording matches, read again normalised and answered from the raise-site index, once the
    # first sight of its raise site has stored that site's pattern
    unmatched = "ValueError: Cannot iterate over a shape with unknown rank."
    assert run("explain", unmatched)[::2] == ["0", "raise-site"]
    assert run("explain", unmatched) == ["0", "False", "raise-site"]


def test_snapshot_with_a_flipped_byte_is_rebuilt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("KERASDOCTOR_CACHE_DIR", str(tmp_path))
    kb.load_rules([str(SAMPLE_RULES)])
    (snapshot,) = tmp_path.glob("kb-*.marshal")
    data = bytearray(snapshot.read_bytes())
    head_size = int.from_bytes(data[8:12], "little")
    data[12 + head_size // 2] ^= 0x20  # in the head: still marshal data, most likely; only the checksum tells
    snapshot.write_bytes(bytes(data))
    kb._LOADED.clear()
    assert kb._read_snapshot(str(snapshot)) is None
    rebuilt = kb.load_rules([str(SAMPLE_RULES)]).get("KD990")
    parsed = kb.load_rules([str(SAMPLE_RULES)], use_cache=False).get("KD990")
    assert rebuilt is not parsed
    # a rule read from the snapshot carries no examples; every other field is the YAML's
    fields = [name for name in Rule.__slots__ if name != "examples"]
    assert [getattr(rebuilt, name) for name in fields] == [getattr(parsed, name) for name in fields]
    assert parsed.examples and not rebuilt.examples


def test_a_snapshot_replaced_on_disk_after_its_head_was_read_still_gives_its_own_rules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("KERASDOCTOR_CACHE_DIR", str(tmp_path))
    kb._LOADED.clear()
    kb.load_rules([str(SAMPLE_RULES)])
    (snapshot,) = tmp_path.glob("kb-*.marshal")
    kb._LOADED.clear()
    ruleset = kb.load_rules([str(SAMPLE_RULES)])  # the head read, no rule built yet
    # another process writes the snapshot again (a new file renamed over the name) before this one builds a rule
    replacement = tmp_path / "other.tmp"
    replacement.write_bytes(b"KDK2" + bytes(64))
    os.replace(replacement, snapshot)
    parsed = kb.load_rules([str(SAMPLE_RULES)], use_cache=False).get("KD990")
    assert ruleset.get("KD990").title == parsed.title


def test_a_damaged_rule_in_the_snapshot_is_read_from_its_yaml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("KERASDOCTOR_CACHE_DIR", str(tmp_path))
    kb.load_rules([str(SAMPLE_RULES)])
    (snapshot,) = tmp_path.glob("kb-*.marshal")
    payload = kb._read_snapshot(str(snapshot))
    position = [entry[0] for entry in payload["rules"]].index("KD990")
    offset, length, _crc = payload["rules"][position][3]
    data = bytearray(snapshot.read_bytes())
    data[12 + int.from_bytes(data[8:12], "little") + offset + length // 2] ^= 0x20  # inside KD990's own bytes
    snapshot.write_bytes(bytes(data))
    kb._LOADED.clear()
    ruleset = kb.load_rules([str(SAMPLE_RULES)])  # the head is intact: the snapshot is used
    damaged = ruleset.get("KD990")
    parsed = kb.load_rules([str(SAMPLE_RULES)], use_cache=False).get("KD990")
    fields = [name for name in Rule.__slots__ if name != "examples"]
    assert [getattr(damaged, name) for name in fields] == [getattr(parsed, name) for name in fields]
    assert not snapshot.exists()  # dropped: the next run writes it again
    assert [r.id for r in ruleset.rules] == [r.id for r in kb.load_rules([str(SAMPLE_RULES)], use_cache=False).rules]


def test_damaged_symptom_phrases_in_the_snapshot_are_worked_out_from_the_rules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    import marshal

    monkeypatch.setenv("KERASDOCTOR_CACHE_DIR", str(tmp_path))
    text = "my loss becomes nan after 3 epochs"
    expected = [(m.rule.id, m.kind, m.confidence) for m in explain(text, rules=kb.load_rules(), versions={}).matches]
    assert expected and expected[0][1] == "symptom"
    (snapshot,) = tmp_path.glob("kb-*.marshal")
    payload = kb._read_snapshot(str(snapshot))
    blobs = payload["blobs"]
    position = [entry[0] for entry in payload["rules"]].index(expected[0][0])
    evidence = marshal.loads(blobs.read(payload["evidence"]))
    offset, length, _crc = evidence[5][position]  # that rule's phrases, a blob of their own
    data = bytearray(snapshot.read_bytes())
    data[12 + int.from_bytes(data[8:12], "little") + offset + length // 2] ^= 0x20
    snapshot.write_bytes(bytes(data))
    kb._LOADED.clear()
    again = explain(text, rules=kb.load_rules(), versions={})
    assert [(m.rule.id, m.kind, m.confidence) for m in again.matches] == expected
    assert not snapshot.exists()  # dropped: the next run writes it again


def test_a_matched_message_builds_only_its_candidate_rules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("KERASDOCTOR_CACHE_DIR", str(tmp_path))
    kb.load_rules()
    kb._LOADED.clear()
    ruleset = kb.load_rules()  # from the snapshot
    result = explain("ValueError: bad marshal data (unknown type code)", rules=ruleset, versions={})
    assert result.matches and result.matches[0].rule.name == "lambda-layer-serialization"
    assert 0 < len(ruleset._built) < len(ruleset) // 10
    assert len(ruleset.rules) == len(ruleset) and ruleset.rules[0] is ruleset.get(ruleset.rules[0].id)


def test_wording_candidates_match_exactly_what_all_rules_match():
    from kerasdoctor.explain.extract import extract_errors
    from kerasdoctor.explain.match import lowered_texts, match_error

    plains, problems = kb.parse_rule_files(kb.rule_files([kb.builtin_rules_dir()]))
    assert not problems
    with_examples = kb.RuleSet([kb._rule_from_plain(p) for p in plains], [], ())
    snapshot = kb.RuleSet.from_snapshot(kb._snapshot_payload(plains, [])["rules"], [], ())
    texts = [e["text"] for r in with_examples.rules for e in r.examples.get("errors") or []]
    assert len(texts) > 200
    for text in texts:
        records = extract_errors(text)
        everything = match_error(records, with_examples.rules, {})
        fewer = match_error(records, snapshot.wording_candidates(lowered_texts(records)), {})
        assert [(m.rule.id, m.confidence, m.evidence) for m in fewer] == [(m.rule.id, m.confidence, m.evidence) for m in everything], text


def _misspelt(text: str) -> str:
    """``text`` with two letters of its longest word swapped, as a hurried user types it."""
    words = text.split()
    longest = max(words, key=len, default="")
    if len(longest) < 6:
        return text
    middle = len(longest) // 2
    return text.replace(longest, longest[:middle] + longest[middle + 1] + longest[middle] + longest[middle + 2 :], 1)


def test_fallback_from_the_snapshot_weighs_exactly_what_all_rules_give():
    import yaml

    from kerasdoctor.explain.extract import extract_errors
    from kerasdoctor.explain.fallback import fallback_matches
    from kerasdoctor.explain.raisesites import raise_site_matches

    plains, problems = kb.parse_rule_files(kb.rule_files([kb.builtin_rules_dir()]))
    assert not problems
    vocabulary = kb.load_rules().vocabulary
    assert vocabulary[0]
    every_rule = kb.RuleSet([kb._rule_from_plain(p) for p in plains], [], (), vocabulary)
    payload = kb._snapshot_payload(plains, [], vocabulary)
    snapshot = kb.RuleSet.from_snapshot(payload["rules"], [], (), vocabulary, payload["evidence"])
    # as load_rules attaches it: the last resort's index (read to weigh symptom phrases against the whole text)
    snapshot._nearest_bytes = payload["nearest"]
    dev = Path(__file__).resolve().parent.parent / "fixtures" / "real_errors"
    # one in thirty of the development cases and of the rule examples (about 360 texts): every kind of evidence is
    # still compared (asserted below); the fallback over every rule costs about a quarter of a second a text, and this
    # one test sits on one CI worker
    texts = [yaml.safe_load(path.read_text(encoding="utf-8"))["text"] for path in sorted(dev.glob("[0-9]*.yaml"))][::30]
    texts += [_misspelt(e["text"].strip().splitlines()[-1]) for r in every_rule.rules for e in r.examples.get("errors") or []][::30]
    assert len(texts) > 150

    def answer(matches: list) -> list:
        return [(m.rule.id, m.confidence, m.kind, m.evidence) for m in matches]

    kinds = set()
    for text in texts:
        records = extract_errors(text)
        everything = fallback_matches(records, every_rule.rules, {}, other_evidence=raise_site_matches(records, every_rule.rules, {}), vocabulary=vocabulary)
        fewer = fallback_matches(records, snapshot, {}, other_evidence=raise_site_matches(records, snapshot, {}), vocabulary=vocabulary)
        assert answer(fewer) == answer(everything), text
        kinds.update(m.kind for m in everything)
    assert {"wording", "raise-site", "fuzzy", "symptom", "frames"} <= kinds  # every kind of evidence was compared
    fresh = kb.RuleSet.from_snapshot(payload["rules"], [], (), vocabulary, payload["evidence"])
    records = extract_errors("my loss becomes nan after 3 epochs")
    assert fallback_matches(records, fresh, {}, vocabulary=vocabulary)[0].rule.name == "nan-loss"
    assert len(fresh._built) < len(fresh) // 3


def _without_engine_code_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A cache in tmp_path, and no regex store or engine code file read yet."""
    from kerasdoctor import lazyre

    monkeypatch.setenv("KERASDOCTOR_CACHE_DIR", str(tmp_path))
    _fresh_regex_store(monkeypatch)
    monkeypatch.setattr(lazyre, "_packs", [])
    monkeypatch.setattr(lazyre, "_pack_tables", [])
    monkeypatch.setattr(lazyre, "_packs_read", 0)


def test_damaged_engine_code_beside_the_snapshot_is_compiled_afresh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    import re

    from kerasdoctor import lazyre

    _without_engine_code_files(tmp_path, monkeypatch)
    pattern = r"bad marshal data \(unknown type code\)"
    path = str(tmp_path / "kb-test.regex")
    lazyre.write_engine_code(path, {lazyre.entry_key(pattern, lazyre.MULTILINE): lazyre.engine_code(pattern, lazyre.MULTILINE)})
    lazyre.attach_engine_code(path)
    assert lazyre.compile(pattern, lazyre.MULTILINE) == re.compile(pattern, re.MULTILINE)
    assert not lazyre._new  # read from the file
    data = bytearray(Path(path).read_bytes())
    data[-3] ^= 0x01  # inside the entry's engine code: its checksum no longer fits
    Path(path).write_bytes(bytes(data))
    _fresh_regex_store(monkeypatch)
    monkeypatch.setattr(lazyre, "_pack_tables", [])
    monkeypatch.setattr(lazyre, "_packs_read", 0)
    assert lazyre.compile(pattern, lazyre.MULTILINE) == re.compile(pattern, re.MULTILINE)
    assert lazyre._new  # compiled afresh


def test_engine_code_file_whose_count_overstates_its_size_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    import re

    from kerasdoctor import lazyre

    _without_engine_code_files(tmp_path, monkeypatch)
    pattern = r"Graph disconnected: (\w+)"
    path = tmp_path / "kb-test.regex"
    assert lazyre.write_engine_code(str(path), {lazyre.entry_key(pattern, 0): lazyre.engine_code(pattern, 0)})
    data = bytearray(path.read_bytes())
    data[4:8] = (2**32 - 1).to_bytes(4, "little")  # ~86 GB of table by its count
    path.write_bytes(bytes(data))
    assert lazyre._read_pack_table(str(path)) is None
    lazyre.attach_engine_code(str(path))
    assert lazyre.compile(pattern) == re.compile(pattern)
    assert lazyre._new  # compiled afresh


def test_engine_code_of_another_pattern_with_the_same_hash_is_not_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    import re

    from kerasdoctor import lazyre

    _without_engine_code_files(tmp_path, monkeypatch)
    monkeypatch.setattr(lazyre, "_key_hash", lambda key: 7)  # every key collides
    stored, asked = r"bad marshal data \(unknown type code\)", r"Graph disconnected: (\w+)"
    path = str(tmp_path / "kb-test.regex")
    lazyre.write_engine_code(path, {lazyre.entry_key(stored, lazyre.MULTILINE): lazyre.engine_code(stored, lazyre.MULTILINE)})
    lazyre.attach_engine_code(path)
    assert lazyre.compile(asked, lazyre.MULTILINE) == re.compile(asked, re.MULTILINE)
    assert lazyre._new  # compiled afresh, not built from the other pattern's code
    assert lazyre.compile(stored, lazyre.MULTILINE) == re.compile(stored, re.MULTILINE)


def test_snapshot_head_shares_equal_values_without_changing_them():
    import marshal

    def literal() -> str:
        return "".join(["same ", "literal"])  # a new string object each time, as parsing the rules gives

    head = {"rules": [("KD1", "a", ((literal(), ()),)), ("KD2", "b", ((literal(), ()),))], "mixed": [(1,), (1.0,), (True,)]}
    shared = kb._shared_values(head, {})
    assert shared == head and marshal.loads(marshal.dumps(shared)) == head
    assert [type(t[0]) for t in shared["mixed"]] == [int, float, bool]  # equal tuples of other types stay apart
    assert shared["rules"][0][2] is shared["rules"][1][2]
    assert len(marshal.dumps(shared)) < len(marshal.dumps(head))


def test_the_snapshot_keeps_the_vocabulary_index_as_indexing_builds_it():
    import marshal

    from kerasdoctor.explain.symptoms import WordGroups

    vocabulary = kb.load_rules().vocabulary
    payload = kb._snapshot_payload([], [], vocabulary)
    stored = WordGroups.from_state(marshal.loads(payload["word_groups"]))
    assert stored is not None
    assert stored.state() == WordGroups(vocabulary).state()
    assert stored.key(("nan",)) == stored.key(("NaN".lower(),))
    assert WordGroups.from_state(("groups", {}, {}, {}, frozenset())) is None  # another shape: indexed afresh


@given(st.lists(st.text(max_size=3)), st.text(max_size=3))
def test_sorted_search_finds_what_the_bisect_module_finds(items, value):
    import bisect

    from kerasdoctor.sorted_search import bisect_left, bisect_right

    items.sort()
    assert bisect_left(items, value) == bisect.bisect_left(items, value)
    assert bisect_right(items, value) == bisect.bisect_right(items, value)


def test_a_cold_fallback_loads_no_bisect_module():
    message = "ValueError: Invalid value received for argument `rate`. Expected a float value between 0 and 1. Received: rate=1.5"
    code = f"import sys; from kerasdoctor import explain; explain({message!r}); print('_bisect' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "False"

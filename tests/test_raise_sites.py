"""The raise-site index: lazily loaded, names the library check behind a message no rule describes."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from conftest import ROOT

from kerasdoctor.explain import explain, raisesites
from kerasdoctor.kb import RuleSet, load_rules
from kerasdoctor.types import Rule

sys.path.insert(0, str(ROOT / "tools"))
import build_raise_index

EMPTY_RULES = RuleSet([], [], ())


def test_matched_message_never_loads_the_index():
    code = (
        "import sys, kerasdoctor\n"
        "e = kerasdoctor.explain('ValueError: bad marshal data (unknown type code)')\n"
        "assert e.matches and e.matches[0].to_dict().get('kind', 'wording') == 'wording', e.matches\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith('kerasdoctor'))))\n"
    )
    # the first run may build the rule snapshot, which reads every module that shapes it; the next one is a user's
    for _ in range(2):
        out = subprocess.run([sys.executable, "-c", "import json\n" + code], capture_output=True, text=True, cwd=ROOT, check=True, timeout=60)
    loaded = json.loads(out.stdout)
    assert "kerasdoctor.explain.raisesites" not in loaded
    assert "kerasdoctor.explain.fuzzy" not in loaded
    assert "kerasdoctor.explain" in loaded


def test_index_schema_and_coverage():
    """The shipped file is the builder's format, and covers the libraries the tests run on."""
    assert raisesites.SCHEMA == build_raise_index.SCHEMA
    assert raisesites.MAGIC == build_raise_index.MAGIC
    index = raisesites.RaiseSiteIndex(raisesites.DATA_PATH)
    header = index.header
    assert header["generated_by"] == "tools/build_raise_index.py"
    scanned = header["scanned"]
    assert {"keras", "tf-keras", "tensorflow"} <= set(scanned)
    assert any(v.startswith("3.") for v in scanned["keras"]) and any(v.startswith("2.") for v in scanned["keras"])
    assert any(v.startswith("1.15") for v in scanned["tensorflow"])
    pinned = re.search(r'"tensorflow-cpu==(\d+\.\d+)', (ROOT / "pyproject.toml").read_text())
    assert pinned and any(v.startswith(pinned.group(1) + ".") for v in scanned["tensorflow"]), "index older than the tested TensorFlow: regenerate it"
    size = header["block_size"]
    total = 0
    for number, (first_key, _offset, _length) in enumerate(header["entry_blocks"]):
        rows = index._block("entry_blocks", number)
        assert rows[0][0] == first_key
        for position, row in enumerate(rows):
            site = raisesites.RaiseSite(row)
            assert site.id == number * size + position
            assert site.kind in ("exception", "warning", "log") and site.type and site.where
            assert row[0] in {w.lower() for p in site.parts for w in raisesites._WORD.findall(p)}
            assert site.versions and all(dist in scanned for dist in site.versions)
            total += 1
    assert total == header["stats"]["templates"]
    assert Path(raisesites.DATA_PATH).stat().st_size < 5_000_000


def test_templates_turn_every_message_form_into_a_pattern():
    source = b"""
class Model:
    def fit(self, x, steps=None):
        if steps is None and not hasattr(x, "__len__"):
            raise ValueError(f"When using {type(x).__name__} you must pass `steps`. Received: steps={steps}")
        elif x is None:
            raise TypeError("Expected %s data, got %r" % ("array", x))
        msg = "Layer {} has no weights ".format(self)
        msg += "and cannot " + "be trained."
        warnings.warn(msg, RuntimeWarning)
        logging.warning("Model %s was constructed with shape %s", self, x)
        raise ValueError(f"{x}")
"""
    sites = {(s[0], s[1]): s for s in build_raise_index.extract_sites(source)}
    fit = sites[("exception", "ValueError")]
    assert fit[2] == ["When using ", " you must pass `steps`. Received: steps=", ""]
    assert fit[3] == "Model.fit" and fit[4] == "steps is None and (not hasattr(x, '__len__'))"
    assert sites[("exception", "TypeError")][2] == ["Expected ", " data, got ", ""]
    assert sites[("exception", "TypeError")][4] == "(not (steps is None and (not hasattr(x, '__len__')))) and (x is None)"
    assert sites[("warning", "RuntimeWarning")][2] == ["Layer ", " has no weights and cannot be trained."]
    assert sites[("log", "WARNING")][2] == ["Model ", " was constructed with shape ", ""]
    assert len([s for s in build_raise_index.extract_sites(source) if s[1] == "ValueError"]) == 1  # f"{x}" alone is no pattern


def test_lookup_is_cheap_and_exact():
    index = raisesites.RaiseSiteIndex(raisesites.DATA_PATH)
    message = "Received an invalid value for `units`, expected a positive integer. Received: units=-1"
    sites = index.lookup("ValueError", message)
    assert sites[0].function == "Dense.__init__"
    assert sites[0].path.endswith("layers/core/dense.py")
    assert "keras" in sites[0].versions
    assert index.blocks_read <= 20  # a few blocks, never the whole file
    assert index.lookup("ValueError", "completely unrelated words nobody raises zzzz") == []


def test_a_message_retyped_without_its_backticks_finds_the_same_check():
    index = raisesites.RaiseSiteIndex(raisesites.DATA_PATH)
    printed = "Received an invalid value for `units`, expected a positive integer. Received: units=-1"
    retyped = printed.replace("`", "")
    assert [s.id for s in index.lookup("ValueError", retyped)] == [s.id for s in index.lookup("ValueError", printed)]
    assert index.lookup("ValueError", retyped)[0].function == "Dense.__init__"


def test_a_one_word_template_is_recognised_only_where_the_message_begins():
    """autograph's ``converting %s: %s: %s`` is one word of its own: inside a user's sentence it is that word."""
    index = raisesites.RaiseSiteIndex(raisesites.DATA_PATH)
    message = "converting <function f at 0x7f>: AttributeError: module 'gast' has no attribute 'Num'"
    assert [s.function for s in index.lookup("ConversionError", message)] == ["to_graph"]
    sentence = "Error When Converting Keras Model to TensorFlow Lite Format Environment: TensorFlow Version: 2.15, Keras Version: 3.0.4"
    assert "to_graph" not in [s.function for s in index.lookup(None, sentence)]


def test_a_two_word_template_is_recognised_only_where_the_message_begins():
    """``Expected %s, got %s.`` (lookup_ops) is two words of its own: inside a shape error they are those words."""
    index = raisesites.RaiseSiteIndex(raisesites.DATA_PATH)
    assert "index_table_from_tensor" in [s.function for s in index.lookup(None, "Expected int64, got float32.")]
    squeeze = "Can not squeeze dim[1], expected a dimension of 1, got 19 for 'cls_prob' (op: 'Squeeze') with input shapes: [384,19,19,2]."
    assert "index_table_from_tensor" not in [s.function for s in index.lookup("ValueError", squeeze)]


def test_an_untyped_line_must_be_mostly_the_templates_own_words():
    """``%s is not compatible with %s`` (hdf5_format's ``_convert_rnn_weights``) fits any sentence holding those words:
    with no exception class pasted, the words alone are no evidence of that check unless they make up most of the line."""
    index = raisesites.RaiseSiteIndex(raisesites.DATA_PATH)
    sentence = "My old checkpoint from last year is not compatible with the new model"
    assert "_convert_rnn_weights" not in [s.function for s in index.lookup(None, sentence, record_kind="message")]
    assert "_convert_rnn_weights" in [s.function for s in index.lookup("ValueError", sentence, record_kind="message")]


def test_fallback_names_the_check_when_no_rule_matches():
    text = "ValueError: Invalid value received for argument `rate`. Expected a float value between 0 and 1. Received: rate=1.5"
    result = explain(text, rules=EMPTY_RULES, versions={"keras": "3.15.1"})
    top = result.matches[0].to_dict()
    assert top["kind"] == "raise-site" and top["id"] is None
    site = top["raise_site"]
    # several layers word it the same way; a bare message cannot tell which, so all are named
    raisers = {(site["function"], site["path"].rsplit("/", 1)[-1])} | {(o["function"], o["path"].rsplit("/", 1)[-1]) for o in site["also_in"]}
    assert ("Dropout.__init__", "dropout.py") in raisers
    assert any("Dropout.__init__" in n for n in top["notes"])
    assert 0.2 < top["confidence"] <= 0.7
    assert any("your Keras 3.15.1 has this check" in n for n in top["notes"])


def test_a_bare_message_raised_in_several_places_is_titled_by_the_function_raising_it_in_most_files():
    # keras/src/layers/layer.py and keras/layers/layer.py (3.0) Layer.__init__, keras/src/models/model.py Model.quantize
    text = "ValueError: Unrecognized keyword arguments passed to Functional: {'foo': 1}"
    top = explain(text, rules=EMPTY_RULES, versions={"keras": "3.15.1"}).matches[0].to_dict()
    site = top["raise_site"]
    assert site["function"] == "Layer.__init__", site
    assert "Model.quantize" in {o["function"] for o in site["also_in"]}


# Older wordings of checks whose newer wording a rule matches, as the raising code words them:
# keras-team/keras 2.2.1 keras/engine/network.py Network.summary (2.2.3 words it "This model has not yet been built");
# TensorFlow 1.15 tensorflow/python/keras/engine/input_spec.py assert_input_compatibility (2.5 says "input(s)").
OLDER_WORDINGS = [
    (
        "KD118",
        "ValueError: This model has never been called, thus its weights have not yet been created, so no summary can be displayed. "
        "Build the model first (e.g. by calling it on some test data).",
        "Network.summary",
    ),
    (
        "KD113",
        "ValueError: Layer model expects 2 inputs, but it received 1 input tensors. Inputs received: [<tf.Tensor 'x:0' shape=(?, 3) dtype=float32>]",
        "assert_input_compatibility",
    ),
]


@pytest.mark.parametrize(("rule_id", "text", "function"), OLDER_WORDINGS, ids=[w[0] for w in OLDER_WORDINGS])
def test_a_family_answers_another_version_of_its_raise_site(rule_id: str, text: str, function: str):
    """A rule's pattern written from one version's wording answers the same check's other wordings."""
    rule = load_rules().by_id(rule_id)
    # only the patterns that miss this wording: the answer must come through the raise site
    missing = tuple(p for p in rule.errors if not re.search(p.pattern, text))
    assert missing, "a pattern that does not word this message is needed"
    narrowed = Rule(**{**{n: getattr(rule, n) for n in rule.__slots__}, "errors": missing})
    result = explain(text, rules=RuleSet([narrowed], [], ()), versions={})
    top = result.matches[0]
    assert top.rule.id == rule_id
    payload = top.to_dict()
    assert payload["kind"] == "raise-site" and payload["id"] == rule_id
    assert payload["raise_site"]["function"].endswith(function)
    assert any("words it differently" in n for n in payload["notes"])
    assert top.confidence <= 0.65


def test_a_raise_site_does_not_name_the_family_whose_lookahead_turned_the_message_down():
    """A wording narrowed by a lookahead leaves those values to no family; the site's template must not bring it back."""
    rule = load_rules().by_id("KD143")
    dot = next(p for p in rule.errors if "Dot" in p.pattern)
    assert "(?!" in dot.pattern
    # Keras 3.0-3.1 Dot.build rejected the JSON lists of a saved model's build config (reproduced with keras 3.1.1)
    bug = "ValueError: A `Dot` layer should be called on a list of 2 inputs. Received: input_shape=[[None, 3], [None, 3]]"
    one = "ValueError: A `Dot` layer should be called on a list of 2 inputs. Received: input_shape=(None, 3)"
    assert re.search(raisesites.without_lookarounds(dot.pattern), bug) and not re.search(dot.pattern, bug)
    narrowed = Rule(**{**{n: getattr(rule, n) for n in rule.__slots__}, "errors": (dot,), "symptoms": {}})
    only = RuleSet([narrowed], [], ())
    assert all(m.rule.id != "KD143" for m in explain(bug, rules=only, versions={}).matches)
    assert explain(one, rules=only, versions={}).matches[0].rule.id == "KD143"


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (r"a(?!b)c", "ac"),
        (r"a(?<!b)c(?!(?:d|e)f)g", "acg"),
        (r"a[(?!]b", "a[(?!]b"),  # inside a class the characters are literal
        (r"a[]x(]b(?!\)c)d", "a[]x(]bd"),
        (r"a\(?!b", "a\\(?!b"),  # an escaped bracket opens no group
    ],
)
def test_lookarounds_are_left_out_and_nothing_else(pattern: str, expected: str):
    assert raisesites.without_lookarounds(pattern) == expected


def test_a_family_near_miss_outranks_a_raise_site_no_family_describes():
    from kerasdoctor.explain.fallback import rank
    from kerasdoctor.types import Match

    message = "Invalid value received for argument `rate`. Expected a float value between 0 and 1. Received: rate=1.5"
    site = raisesites.load_index().lookup("ValueError", message)[0]
    unlinked = raisesites.RaiseSiteMatch(site=site, rule=raisesites._site_rule(site), confidence=0.45, record=None, pattern=None, evidence=message, notes=())
    rules = load_rules()
    family = Match(rule=rules.get("KD101"), confidence=0.3, record=None, pattern=None, evidence="", notes=(), kind="fuzzy")
    symptom = Match(rule=rules.get("KD508"), confidence=0.5, record=None, pattern=None, evidence="", notes=(), kind="symptom")
    assert not unlinked.linked
    # the check that raised it names no cause: a family's near miss comes first, a described symptom after it
    assert [m.kind for m in rank([symptom, unlinked, family])] == ["fuzzy", "raise-site", "symptom"]


def test_a_described_symptom_outranks_a_warning_site_no_family_describes():
    from kerasdoctor.explain.fallback import rank
    from kerasdoctor.types import Match

    # TensorFlow's gradients warn this on an embedding's sparse gradient: a side note of the log, not the failure
    message = "Converting sparse IndexedSlices to a dense Tensor of unknown shape. This may consume a large amount of memory."
    site = raisesites.load_index().lookup("UserWarning", message)[0]
    assert site.kind == "warning"
    warned = raisesites.RaiseSiteMatch(site=site, rule=raisesites._site_rule(site), confidence=0.45, record=None, pattern=None, evidence=message, notes=())
    symptom = Match(rule=load_rules().get("KD300"), confidence=0.4, record=None, pattern=None, evidence="", notes=(), kind="symptom")
    assert not warned.linked
    assert [m.kind for m in rank([warned, symptom])] == ["symptom", "raise-site"]
    # the user's words about the failure win over the pasted warning line
    text = "Converting sparse IndexedSlices to a dense Tensor of unknown shape. This may consume a large amount of memory.\n训练数据一多就OOM了"
    assert explain(text).matches[0].rule.id == "KD300"


def test_interpreter_wordings_are_not_pinned_on_a_library_check():
    """TensorFlow's ExtensionType.__getattr__ imitates Python's AttributeError word for word: that is no evidence."""
    text = "AttributeError: 'str' object has no attribute 'base_dtype'"  # Keras 3.15 legacy backend.mean, captured on TF 2.21
    assert explain(text, rules=EMPTY_RULES).matches == []
    traceback = (
        "Traceback (most recent call last):\n"
        '  File "/home/me/train.py", line 17, in <module>\n'
        "    m = tf.keras.backend.mean(x)\n"
        '  File "/venv/lib/python3.11/site-packages/keras/src/legacy/backend.py", line 1010, in mean\n'
        "    if x.dtype.base_dtype == tf.bool:\n"
        "ValueError: Invalid value received for argument `rate`. Expected a float value between 0 and 1. Received: rate=1.5\n"
    )
    # the traceback shows another library function raising it: the same words in Dropout are not the answer
    assert explain(traceback, rules=EMPTY_RULES).matches == []


def test_damaged_index_costs_only_the_fallback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    broken = tmp_path / "raise_sites.bin"
    broken.write_bytes(build_raise_index.MAGIC + (10).to_bytes(8, "little") + b"not json!!")
    monkeypatch.setattr(raisesites, "DATA_PATH", str(broken))
    monkeypatch.setattr(raisesites, "_INDEX", None)
    result = explain("ValueError: Invalid value received for argument `rate`. Received: rate=1.5", rules=EMPTY_RULES)
    assert result.matches == []
    assert zlib  # the loader catches zlib.error too


@pytest.mark.realtf
def test_real_keras3_errors_are_traced_to_their_raise_site(tmp_path: Path):
    script = """
import json, traceback
import keras
out = []
def record(fn):
    try:
        fn()
    except Exception as e:
        last = traceback.extract_tb(e.__traceback__)[-1]
        out.append({"text": "".join(traceback.format_exception(type(e), e, e.__traceback__)), "path": last.filename, "function": last.name})
record(lambda: keras.layers.Dense(-1))
record(lambda: keras.layers.Dropout(1.5))
record(lambda: keras.Model(keras.Input((3,)), [1]))
record(lambda: keras.layers.Conv2D(4, 3, padding="full"))
record(lambda: keras.layers.Embedding(0, 4))
record(lambda: keras.Sequential([keras.layers.Dense(2)]).save("model.foo"))
print(json.dumps(out))
"""
    env = dict(os.environ, KERAS_BACKEND="numpy")
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path, env=env, timeout=300, check=True)
    cases = json.loads(proc.stdout.splitlines()[-1])
    assert len(cases) == 6
    for case in cases:
        result = explain(case["text"], rules=EMPTY_RULES)
        assert result.matches, case["text"]
        top = result.matches[0].to_dict()
        assert top["kind"] == "raise-site"
        site = top["raise_site"]
        assert site["function"].rsplit(".", 1)[-1] == case["function"], (site, case)
        assert case["path"].replace("\\", "/").endswith(site["path"]), (site, case)
        assert re.search(r"\d+\.\d+", json.dumps(site["versions"]))


def test_the_table_of_raising_functions_is_kept_and_read_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("KERASDOCTOR_CACHE_DIR", str(tmp_path))
    where = ("serialization.py", "class_and_config_for_serialized_keras_object")
    first = raisesites.RaiseSiteIndex(raisesites.DATA_PATH)
    sites = [site.id for site in first.sites_in_function(*where)]
    assert sites and first.blocks_read == len(first.header["entry_blocks"])  # worked out from every block
    (stored,) = tmp_path.glob("raise-functions-*.marshal")
    second = raisesites.RaiseSiteIndex(raisesites.DATA_PATH)
    assert [site.id for site in second.sites_in_function(*where)] == sites
    assert second.blocks_read < 10  # read from the kept table: only the blocks of those sites
    stored.write_bytes(b"\0\0\0\0damaged")
    third = raisesites.RaiseSiteIndex(raisesites.DATA_PATH)
    assert [site.id for site in third.sites_in_function(*where)] == sites


@pytest.mark.parametrize(
    ("code", "calls_deeper"),
    [
        ("fetch_handler = _FetchHandler(self._graph, fetches, feed_dict_string)", True),
        ("fetch_handler = _FetchHandler(", True),  # the call's arguments go on below
        ("return self._stateless_fn(*args, **kwds)", True),
        ("a, b = f(x)", True),
        ("raise ValueError('Cannot feed value of shape %r' % (shape,))", False),
        ("'Found: ' + str(layer))", False),  # the last line of a raise spread over several
        ("shape=str(x.shape),", False),  # a keyword argument: maybe a raise's, continued below
        ("if x.ndim == 0:", False),
        ("x == f(y)", False),
        ("return x", False),
    ],
)
def test_a_line_that_calls_further_is_told_from_a_raise(code: str, calls_deeper: bool):
    assert raisesites._calls_deeper(code) is calls_deeper


# TF 1.x Session.run pasted down to the line that builds the fetch handler, without the error below it
CUT_ON_FETCH_HANDLER = """\
Traceback (most recent call last):
  File "train.py", line 52, in <module>
    loss_value, summary = sess.run([loss, merged], feed_dict={x: xs, y: ys})
  File "/usr/local/lib/python3.6/dist-packages/tensorflow/python/client/session.py", line 895, in run
    run_metadata_ptr)
  File "/usr/local/lib/python3.6/dist-packages/tensorflow/python/client/session.py", line 1113, in _run
    fetch_handler = _FetchHandler(self._graph, fetches, feed_dict_tensor)
"""


def test_a_paste_cut_on_a_call_is_read_by_the_frames_a_family_names():
    """The checks of the function the paste stopped in did not raise; a rule's frames among the lines say more."""
    rules = load_rules()
    top = explain(CUT_ON_FETCH_HANDLER, rules=rules, versions={}).matches[0]
    assert (top.rule.name, top.kind) == ("session-fetch-none", "frames")
    # without a family naming those frames, the checks of `_run` are still the best there is
    fetch_none = rules.get("KD265")
    unnamed = Rule(**{**{n: getattr(fetch_none, n) for n in fetch_none.__slots__}, "frames": ()})
    others = [r for r in rules.rules if r.id != "KD265"]
    result = explain(CUT_ON_FETCH_HANDLER, rules=RuleSet([*others, unnamed], [], ()), versions={})
    assert result.matches and result.matches[0].kind == "raise-site"


@pytest.mark.parametrize(
    ("message", "printed_whole"),
    [
        # Keras 3's check, printed as it is: its template holds the message to its end, the closing placeholder one value
        ("ValueError: Invalid value received for argument `rate`. Expected a float value between 0 and 1. Received: rate=1.5", True),
        # the same check's message cut where the value began: the placeholder is empty
        ("ValueError: Invalid value received for argument `rate`. Expected a float value between 0 and 1. Received: rate=", False),
        # a message cut after "Found: " fits Sequential.add's template, but no value follows it
        ("TypeError: The added layer must be an instance of class Layer. Found: ", False),
    ],
)
def test_near_misses_are_skipped_only_for_a_message_a_check_printed_whole(message: str, printed_whole: bool) -> None:
    from kerasdoctor.explain.extract import extract_errors
    from kerasdoctor.explain.fallback import _printed_by_a_check

    rules = load_rules()
    assert _printed_by_a_check(raisesites.raise_site_evidence(extract_errors(message), rules, {})) is printed_whole


def test_a_message_cut_inside_a_checks_placeholder_still_finds_its_family_as_a_near_miss() -> None:
    best = explain("TypeError: The added layer must be an instance of class Layer. Found: ").matches[0]
    assert best.rule.name == "sequential-add-tensor"


def test_a_wording_tied_to_shown_frames_does_not_claim_the_generic_check_that_raises_it():
    """TensorFlow's as_dtype rejects every bad dtype string; only the layer's _set_dtype_policy frame makes it a policy name."""
    rule = load_rules().by_id("KD856")
    assert any("shown_frame_function" in p.where for p in rule.errors)
    typo = "TypeError: Cannot convert the argument `type_value`: 'flaot32' to a TensorFlow DType."
    assert all(m.rule.id != "KD856" for m in explain(typo, versions={}).matches)
    traceback = (
        "Traceback (most recent call last):\n"
        '  File "/home/me/train.py", line 3, in <module>\n'
        '    layer = keras.layers.Dense(3, dtype="mixed_float32")\n'
        '  File "/venv/lib/python3.11/site-packages/tf_keras/src/engine/base_layer.py", line 2819, in _set_dtype_policy\n'
        "    self._dtype_policy = policy.get_policy(dtype)\n"
        '  File "/venv/lib/python3.11/site-packages/tensorflow/python/framework/dtypes.py", line 944, in as_dtype\n'
        '    raise TypeError(f"Cannot convert the argument `type_value`: {type_value!r} "\n'
        "TypeError: Cannot convert the argument `type_value`: 'mixed_float32' to a TensorFlow DType.\n"
    )
    assert explain(traceback, versions={}).matches[0].rule.id == "KD856"

"""explain on what people really paste: mangled text, near misses, bare frames, sentences.

The texts are the knowledge base's own real example messages, put through what
pasting does to them (curly quotes, fullwidth colons, markdown, HTML escaping,
80-column hard wrapping), plus the seed notes' quoted lines, real frames
captured from TF 1.15 / standalone Keras 2.3, and symptom sentences.
"""

from __future__ import annotations

import html
import json
import re

import pytest
from conftest import ROOT, run_cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kerasdoctor.explain import explain
from kerasdoctor.explain.extract import extract_errors
from kerasdoctor.explain.nearest import MAX_CONFIDENCE as NEAREST_MAX
from kerasdoctor.explain.normalize import normalize_text, restore_cut_quotes
from kerasdoctor.kb import builtin_rules_dir, load_rule_dir, load_rules, validate_rule
from kerasdoctor.types import CONFIDENT, KIND_CAPS, MATCH_KINDS

SEED_LINES = ROOT / "fixtures" / "seed_lines.tsv"


@pytest.fixture(scope="module")
def rules():
    return load_rule_dir(builtin_rules_dir())  # with examples, whatever was loaded before


def top(text: str, rules=None):
    result = explain(text, rules=rules, versions={})
    return result.matches[0] if result.matches else None


def _seed_cases() -> list[tuple[str, list[str]]]:
    cases = []
    for line in SEED_LINES.read_text(encoding="utf-8").splitlines():
        if line.strip():
            text, names = line.split("\t")
            cases.append((text, names.split(",")))
    return cases


@pytest.mark.parametrize(("text", "accepted"), _seed_cases())
def test_seed_line_gets_its_family_first(text, accepted):
    best = top(text)
    assert best is not None, f"{text!r}: no match"
    assert best.rule.name in accepted, f"{text!r}: got {best.rule.name} ({best.kind})"


def _curly(text: str) -> str:
    out, opening = [], True
    for ch in text:
        if ch in "'\"":
            out.append(("\u2018" if opening else "\u2019") if ch == "'" else ("\u201c" if opening else "\u201d"))
            opening = not opening
        else:
            out.append(ch)
    return "".join(out)


def _hard_wrapped(text: str) -> str:
    out = []
    for line in text.splitlines():
        while len(line) > 80:
            out.append(line[:80])
            line = line[80:]
        out.append(line)
    return "\n".join(out)


PASTINGS = {
    "curly quotes": _curly,
    "fullwidth colon": lambda t: re.sub(r"^(\w*(?:Error|Exception|Warning)):", "\\1\uff1a", t, flags=re.M),
    "markdown quote": lambda t: "\n".join("> " + line for line in t.splitlines()),
    "code fence": lambda t: "```python\n" + t.rstrip("\n") + "\n```",
    "html escaped": lambda t: html.escape(t, quote=True),
    "hard wrapped at 80": _hard_wrapped,
    # a Chinese post: the user's words run straight into the exception line and go on after it
    "chinese words around": lambda t: re.sub(r"^(\w*(?:Error|Exception|Warning)):(.*)$", "运行时报错：\\1:\\2，求助", t, count=1, flags=re.M),
    "fullwidth brackets and commas": lambda t: t.translate(str.maketrans({"(": "\uff08", ")": "\uff09", ",": "\uff0c"})),
    # a Chinese input method's comma carries its own spacing: the space after it is not typed
    "fullwidth commas without their space": lambda t: re.sub(r", (?=[A-Za-z])", "\uff0c", t),
}
# what pasting does to the layout of a text of several lines (a traceback, a log)
LAYOUT_PASTINGS = {
    "html line breaks": lambda t: "<br>".join(t.splitlines()),
    # a Stack Overflow / Markdown code block: every line indented by four spaces
    "indented code block": lambda t: "\n".join("    " + line if line.strip() else line for line in t.splitlines()),
}


def test_pasting_does_not_change_the_diagnosis_of_any_real_example(rules):
    checked = 0
    failures = []
    for rule in rules.rules:
        for example in rule.examples.get("errors") or []:
            text = example["text"]
            best = top(text, rules)
            if best is None or best.rule.id != rule.id:
                continue  # test_rule_examples reports these
            checked += 1
            pastings = {**PASTINGS, **LAYOUT_PASTINGS} if "\n" in text.strip() else PASTINGS
            for how, paste in pastings.items():
                pasted = top(paste(text), rules)
                if pasted is None or pasted.rule.id != rule.id:
                    failures.append(f"{rule.path} ({how}): {pasted.rule.name if pasted else 'no match'}")
    assert checked > 200
    assert failures == []


def test_rank_tagged_lines_a_terminal_wrapped_are_rejoined_before_the_tags_go():
    # mpirun --tag-output prefixes each printed line; the terminal then cut the tagged line at 80 columns, so the
    # message's tail sits on a line of its own without a tag
    tagged = (
        "[1,3]<stderr>:    from tensorflow_addons.activations.gelu import gelu\n"
        "[1,3]<stderr>:AttributeError: module 'tensorflow_core.keras.utils' has no attrib\n"
        "ute 'register_keras_serializable'\n"
        "[1,3]<stderr>:Another line"
    )
    assert normalize_text(tagged).splitlines() == [
        "    from tensorflow_addons.activations.gelu import gelu",
        "AttributeError: module 'tensorflow_core.keras.utils' has no attribute 'register_keras_serializable'",
        "Another line",
    ]


def test_normalising_undoes_what_pasting_did():
    pasted = "> **UnboundLocalError\uff1a** local variable \u2018x\u2019 referenced before assignment &amp; more"
    assert normalize_text(pasted) == "UnboundLocalError: local variable 'x' referenced before assignment & more"


def test_a_message_a_web_page_translated_into_chinese_stays_whole():
    # a translated question title keeps Python's type and tells the message in Chinese, a name or two left in English
    for translated in ("ValueError: 无法将NumPy数组转换为张量(不支持的对象类型float)", "ValueError: numpy数组转换张量失败"):
        assert normalize_text(translated) == translated
        assert top(translated).rule.name == "numpy-object-array"
    # the user's words after an English message still go above it
    assert normalize_text("ValueError: expected shape (10,)问题") == "问题\nValueError: expected shape (10,)"


def test_an_exception_line_inside_chinese_words_gets_a_line_of_its_own():
    assert normalize_text("运行时报错：KeyError: 'acc'，求助") == "运行时报错 求助\nKeyError: 'acc'"
    decode = "AttributeError: 'str' object has no attribute 'decode'"
    assert normalize_text("【问题】" + decode.replace(":", "：", 1) + "。") == "【问题】\n" + decode + ". "
    assert normalize_text("解决keras中ValueError: expected shape (10,)问题") == "解决keras中 问题\nValueError: expected shape (10,)"
    assert normalize_text("程序提示「KeyError: 'acc'」，为什么") == "程序提示 为什么\nKeyError: 'acc'"
    assert normalize_text("报错“ValueError: Unknown layer: Functional”") == "报错\nValueError: Unknown layer: Functional"
    # TF 1.x's repeat of a graph error after its op frames names the type with "(see above for traceback)"
    end = "OutOfRangeError (see above for traceback): End of sequence"
    assert normalize_text("运行错误: " + end) == "运行错误\n" + end
    # an aside in brackets after the message is the user's too
    missing = "ModuleNotFoundError: No module named 'tensorflow'"
    assert normalize_text(missing + "（已经pip install了）") == "已经pip install了)\n" + missing
    assert normalize_text("KeyError: 'acc' 【求助】") == "求助】\nKeyError: 'acc'"
    # the library's own Chinese (a path, a layer name) and English around an error stay as they are
    assert normalize_text("OSError: Unable to open file 'C:/用户/model.h5'") == "OSError: Unable to open file 'C:/用户/model.h5'"
    assert normalize_text("ValueError: Unknown layer: 注意力层") == "ValueError: Unknown layer: 注意力层"
    assert normalize_text("I got KeyError: 'acc' after fit") == "I got KeyError: 'acc' after fit"


def test_two_quoted_names_joined_by_a_chinese_and_are_read_as_python_printed_them():
    # a message retyped in Chinese puts 与 / 和 / 及 where Python printed " and " between two quoted names
    retyped = "TypeError: unsupported operand type(s) for *: 'int'与'Dimension'"
    assert normalize_text(retyped) == "TypeError: unsupported operand type(s) for *: 'int' and 'Dimension'"
    best = explain("TypeError: unsupported operand type(s) for /: 'Dimension' 和 'int', please use // instead").matches[0]
    assert (best.name, best.kind) == ("tf-dimension-arithmetic", "wording")
    # the same characters anywhere else are the user's words
    assert normalize_text("模型和数据都没问题") == "模型和数据都没问题"
    assert normalize_text("ValueError: Unknown layer: 注意力与位置层") == "ValueError: Unknown layer: 注意力与位置层"


def test_a_message_without_its_class_inside_chinese_words_matches_a_wording_anchored_at_its_end():
    # "No module named 'keras'$": the user's words go on after the message they quoted, on the same line
    for text in ("一运行就提示 No module named 'keras'，但是我已经装了tensorflow", "提示“No module named 'tensorflow'”怎么办"):
        best = explain(text).matches[0]
        assert (best.name, best.kind) == ("tensorflow-not-installed", "wording"), text
    # without Chinese words around it, an English sentence is still one message: nothing is cut out of it
    assert explain("it says No module named 'keras' but I installed tensorflow").matches[0].kind != "wording"


def test_a_quoted_name_alone_between_chinese_words_is_no_quoted_message():
    # KeyError prints a missing key as a bare quoted name; a name the user quotes in their own sentence is not one
    text = "优化器的参数应当为'lr'而不是'learning_rate'"
    assert not any(m.kind == "wording" for m in explain(text).matches)
    # the same name after its exception's class is still read as the KeyError it is
    best = explain("报错 KeyError: 'learning_rate' 怎么办").matches[0]
    assert (best.name, best.kind) == ("history-metric-key", "wording")


def test_a_paste_indented_as_a_whole_is_read_at_its_own_margin():
    frames = 'File "train.py", line 3, in <module>\n    model.fit(x)\nValueError: bad'
    indented = "\n".join("    " + line for line in ("Caused by op 'conv1/Conv2D', defined at:", *frames.splitlines()))
    assert normalize_text(indented) == "Caused by op 'conv1/Conv2D', defined at:\n" + frames
    (record,) = [r for r in extract_errors(indented) if r.kind == "exception"]
    assert (record.type, record.message) == ("ValueError", "bad")
    # a traceback whose frames alone are indented keeps its layout
    assert normalize_text("Traceback (most recent call last):\n  " + frames) == "Traceback (most recent call last):\n  " + frames


def test_a_traceback_tagged_by_mpirun_is_read_without_its_rank_tags():
    # mpirun --tag-output / horovodrun prefix every line of a rank with "[job,rank]<stderr>:"
    frames = ['  File "/v/site-packages/tensorflow_addons/activations/gelu.py", line 27, in <module>', "    x = 1"]
    tagged = "\n".join(f"[1,3]<stderr>:{line}" for line in (*frames, "ValueError: bad"))
    assert normalize_text(tagged) == "\n".join((*frames, "ValueError: bad"))
    (record,) = [r for r in extract_errors(tagged) if r.kind == "exception"]
    assert (record.type, record.message) == ("ValueError", "bad")
    assert normalize_text("[0]<stdout>:Epoch 1/2") == "Epoch 1/2"


def test_python_code_survives_normalising():
    text = 'File "a.py", line 3, in __init__\n    f(*args, **kwargs)\n>>> x = 1'
    assert normalize_text(text) == text


@pytest.mark.parametrize(
    ("text", "family"),
    [
        # typos, a lost leading quote, a placeholder, a message cut at its end
        ("ValueError: Graph disconected: cannot obtain value for tensor KerasTensor(shape=(None, 4)) at layer 'dense'", "graph-disconnected"),
        ("bad marchal data", "lambda-layer-serialization"),
        ("NoneType' object has no attribute '_inbound_nodes'", "raw-op-on-keras-tensor"),
        ("name '*****' is not defined", "name-not-defined"),
        ("When passing a list as loss, it should have one entry per model outputs. The model ha", "loss-output-count"),
        # an article put in when the message was retyped
        ("ValueError: Error when checking input: expected conv2d_1_input to have 4 dimensions, but got an array with shape (10, 28)", "input-rank-mismatch"),
        # a wording that is one identifier, retyped with a slip
        ("GPU版本tensorflow运行报错，错误内容为 CUDA_ERROE_OUT_OF_MEMORY", "out-of-memory"),
        # an issue title that keeps only the first word of TensorFlow's OOM message
        ("tensorflow.python.framework.errors_impl.ResourceExhaustedError: OOM", "out-of-memory"),
        # a wording whose literal text is two words around its alternatives, one of them mistyped
        ("ImportError: Loading a H5 file requirs `h5py` to be installed.", "optional-dependency-missing"),
    ],
)
def test_near_misses_and_cut_messages_find_their_family(text, family):
    best = top(text)
    assert best is not None and best.rule.name == family
    assert best.kind in ("wording", "fuzzy")


@pytest.mark.parametrize(
    ("text", "family"),
    [
        # Keras 3 prints these code spans in backticks; the askers wrote quotes
        ("ValueError: The filepath provided must end in '.keras' (Keras model format). Received: filepath=best.hdf5", "checkpoint-filepath-extension"),
        ("ValueError: Only instances of 'keras.Layer' can be added to a Sequential model. Received: <KerasLayer object>", "keras-implementations-mixed-layer"),
    ],
)
def test_code_retyped_in_quotes_still_matches_its_wording(text, family):
    best = top(text)
    assert best is not None and best.rule.name == family and best.kind == "wording"


def test_the_librarys_own_quotes_are_not_read_as_code_marks():
    # KeyError: 'acc' is what the library printed: the quoted-code reading must not change its family
    best = top("KeyError: 'acc'")
    assert best is not None and best.rule.name == "history-metric-key"


@pytest.mark.parametrize(
    ("text", "family"),
    [
        # Python 2.7's import.c names the module bare; Python 3 quotes it, as the wordings do
        ("ImportError: No module named tensorflow", "tensorflow-not-installed"),
        # Python 2 shows a type as <type 'NoneType'>, Python 3 as <class 'NoneType'> (TF 1.x tensor_util)
        ("ValueError: Attempt to convert a value (None) with an unsupported type (<type 'NoneType'>) to a Tensor.", "none-value-to-tensor"),
        (
            'Using TensorFlow backend.\nTraceback (most recent call last):\n  File "train.py", line 1, in <module>\n'
            "    import keras\nImportError: No module named tensorflow",
            "tensorflow-not-installed",
        ),
    ],
)
def test_a_message_in_python_2s_words_matches_the_wording_written_from_python_3(text, family):
    best = top(text)
    assert best is not None and best.rule.name == family and best.kind == "wording"


def test_a_space_typed_before_each_colon_is_read_as_python_printed_it():
    # a message retyped with French typography (a blog's copy): "recognized : {'lr' : 0.001}"
    from kerasdoctor.explain.normalize import close_spaced_colons

    assert close_spaced_colons("Argument(s) not recognized : {'lr' : 0.001}") == "Argument(s) not recognized: {'lr': 0.001}"
    assert close_spaced_colons("a::b and x: y") == "a::b and x: y"
    best = top("ValueError: Argument(s) not recognized : {'lr' : 0.001}")
    assert best is not None and best.rule.name == "optimizer-lr-argument" and best.kind == "wording"


def test_an_exception_line_with_a_space_before_its_colon_keeps_its_class():
    # TF 1.15 session.py's feed check, retyped as "ValueError : ..." in a post
    text = "ValueError : Cannot feed value of shape (1, 28, 28) for Tensor 'x:0', which has shape '(?, 784)'"
    assert [r.type for r in extract_errors(normalize_text(text))] == ["ValueError"]
    best = top(text)
    assert best is not None and best.rule.name == "input-rank-mismatch" and best.kind == "wording"
    assert normalize_text("Epoch 1 : loss 0.3") == "Epoch 1 : loss 0.3"


def test_a_word_mistyped_in_one_place_but_spelt_right_in_another_is_a_near_miss():
    # "shape" is right in "value of shape" and mistyped in "which has shap": the wording fits once that one is put right
    best = top("ValueError: Cannot feed value of shape (1, 28, 28) for Tensor 'x:0', which has shap '(?, 784)'")
    assert best is not None and best.rule.name == "input-rank-mismatch" and best.kind == "fuzzy"
    assert best.confidence < CONFIDENT


def test_quotes_of_a_message_printed_as_a_tuple_are_not_read_as_code_marks():
    # Keras 2.0 raised ValueError('Could not interpret optimizer identifier:', identifier): Python prints a tuple,
    # and its quotes say nothing of the identifier, which is an object, not an unknown name
    best = top("ValueError: ('Could not interpret optimizer identifier:', <somelib.optimizers.Adam object at 0x7f3b8c1d2e10>)")
    assert best is not None and best.rule.name != "unknown-identifier"


def test_among_equally_close_near_misses_the_more_specific_wording_ranks_first():
    # a typo ("expected" for "unexpected") fits three wordings as closely; only one names the argument
    best = top("TypeError: __init__() got an expected keyword argument 'ragged'")
    assert best is not None and best.kind == "fuzzy" and best.rule.name == "model-from-newer-keras"


def test_typo_is_a_fuzzy_match_below_confident():
    best = top("ValueError: Graph disconected: cannot obtain value for tensor")
    assert best is not None and best.kind == "fuzzy"
    assert best.confidence < CONFIDENT
    assert any("alike" in note for note in best.notes)


@pytest.mark.parametrize(
    ("text", "family", "sibling"),
    [
        # both families have this wording's words; only the same-rank shapes fit the first once the typos are undone
        # (one in the message's tail too: "expected shape=(...), found shape=(...)" alone is a wording of its own)
        (
            "ValueError: Input 0 is incmopatible with layer model: expceted shape=(None, 256, 256, 1), found shape=(None, 128, 128, 3)",
            "input-feature-mismatch",
            "input-rank-mismatch",
        ),
        # (3,) against (22,): a width, not the (N, 1) integer labels the other families' wordings ask for
        (
            "ValueError: Error when chekcing target: expected dense_20 to have shape (3,) but got array with shape (22,)",
            "target-shape-mismatch",
            "categorical-labels-not-one-hot",
        ),
    ],
)
def test_a_typo_is_put_right_before_the_whole_wording_decides_between_siblings(text, family, sibling):
    matches = explain(text, versions={}).matches
    names = [m.rule.name for m in matches]
    assert names[0] == family and matches[0].kind == "fuzzy"
    assert sibling not in names or matches[names.index(sibling)].confidence < matches[0].confidence - 0.1


@pytest.mark.parametrize(
    ("text", "family"),
    [
        # a space lost where the message was retyped: the words run together
        ("TypeError: ('Keyword argument notunderstood:', 'input_dim')", "removed-layer-arguments"),
        ("AttributeError: 'Sequential' objecthas no attribute 'predict_classes'", "predict-classes-removed"),
        # a space put in
        ('ValueError: Graph disconn ected: cannot obtain value for tensor Tensor("input_1:0", shape=(None, 10)) at layer "input_1"', "graph-disconnected"),
    ],
)
def test_a_space_lost_or_put_in_is_a_near_miss(text, family):
    best = top(text)
    assert best is not None and best.rule.name == family and best.kind == "fuzzy" and best.confidence < CONFIDENT


def test_letters_of_a_wording_inside_one_longer_word_are_no_lost_space():
    from kerasdoctor.explain.fuzzy import _respaced

    assert _respaced("not understood", "argument notunderstood:")
    assert not _respaced("understood", "misunderstood")  # one word: another word, not a lost space
    assert not _respaced("not understood", "argument not understood:")  # no slip at all


@pytest.mark.parametrize(
    ("text", "not_family"),
    [
        # every word of categorical-labels-not-one-hot's wording is there, but its (N, 1) shape is not
        ("ValueError: Shapes (1, 1, 1024, 75) and (255, 1024, 1, 1) are incompatible", "categorical-labels-not-one-hot"),
        # a different attribute is a different error, however alike the rest of the sentence
        ("AttributeError: 'Tensor' object has no attribute '_keras_history'", "optimizer-lr-argument"),
        # another CUDA status of the same prefix is another identifier, not a typo of CUDA_ERROR_OUT_OF_MEMORY
        ("failed call to cuInit: CUDA_ERROR_NO_DEVICE", "out-of-memory"),
    ],
)
def test_what_the_pattern_rules_out_is_not_overruled_by_fuzzy_matching(text, not_family):
    best = top(text)
    assert best is None or best.rule.name != not_family


def test_one_word_of_a_short_wording_and_a_word_spelt_alike_elsewhere_are_no_near_miss():
    # optional-dependency-missing's literal text is "Loading ... requires ...": "loading" is here, and "Request"
    # is spelt like "requires", but it comes first and the message is the user's sentence, not that wording
    text = "Request: a way to stop predict() from holding every batch while off-loading results to disk, it runs out of memory"
    assert all(not (m.kind == "fuzzy" and m.rule.name == "optional-dependency-missing") for m in explain(text, versions={}).matches)


def test_an_elided_message_matches_the_wording_around_the_gap():
    text = (
        "ValueError: Input 0 of layer dense is incompatible with the layer: ... "
        "expected axis -1 of input shape to have value 784 but received input with shape (None, 28)"
    )
    best = top(text)
    assert best is not None and best.rule.name == "input-feature-mismatch" and best.kind == "wording"


# frames captured from TF 1.15 + standalone Keras 2.3.1 (a tf.reshape output fed to Model), message line not pasted
RAW_OP_FRAMES = """Traceback (most recent call last):
  File "model.py", line 12, in <module>
    model = Model(inputs, outputs)
  File "/usr/lib/python3.7/site-packages/keras/engine/network.py", line 241, in _init_graph_network
    self.inputs, self.outputs)
  File "/usr/lib/python3.7/site-packages/keras/engine/network.py", line 1434, in _map_graph_network
    tensor_index=tensor_index)
  File "/usr/lib/python3.7/site-packages/keras/engine/network.py", line 1421, in build_map
    node_index, tensor_index)
  File "/usr/lib/python3.7/site-packages/keras/engine/network.py", line 1393, in build_map
    node = layer._inbound_nodes[node_index]
"""

# frames captured from tf_keras 2.21 loading a model with a custom layer and no custom_objects
CUSTOM_OBJECT_FRAMES = """Traceback (most recent call last):
  File "predict.py", line 9, in <module>
    model = keras.models.load_model(p)
  File "/venv/lib/python3.11/site-packages/tf_keras/src/saving/saving_api.py", line 301, in load_model
    return legacy_sm_saving_lib.load_model(
  File "/venv/lib/python3.11/site-packages/tf_keras/src/utils/traceback_utils.py", line 70, in error_handler
    raise e.with_traceback(filtered_tb) from None
  File "/venv/lib/python3.11/site-packages/tf_keras/src/saving/legacy/serialization.py", line 365, in class_and_config_for_serialized_keras_object
    raise ValueError(
"""


# frames captured from standalone keras 2.2.4 on TensorFlow 2.21 (Input() reaching tf.get_default_graph), the message
# line not pasted: only the module of the last frame (keras/backend/tensorflow_backend.py) says which get_uid it is
OLD_KERAS_BACKEND_FRAMES = """Traceback (most recent call last):
  File "/tmp/k224run.py", line 5, in <module>
    inputs = Input(shape=(10,))
  File "/tmp/k224/keras/engine/input_layer.py", line 175, in Input
    input_layer = InputLayer(batch_input_shape=batch_shape,
  File "/tmp/k224/keras/legacy/interfaces.py", line 91, in wrapper
    return func(*args, **kwargs)
  File "/tmp/k224/keras/engine/input_layer.py", line 39, in __init__
    name = prefix + '_' + str(K.get_uid(prefix))
  File "/tmp/k224/keras/backend/{module}.py", line 74, in get_uid
    graph = tf.get_default_graph()
"""


@pytest.mark.parametrize(("text", "family"), [(RAW_OP_FRAMES, "raw-op-on-keras-tensor"), (CUSTOM_OBJECT_FRAMES, "custom-objects-on-load")])
def test_frames_rank_the_family_when_the_message_is_missing(text, family):
    best = top(text)
    assert best is not None and best.rule.name == family
    assert best.kind == "frames"
    assert best.confidence <= KIND_CAPS["frames"] < CONFIDENT
    assert best.record.location is not None and best.record.location.path in ("model.py", "predict.py")


# a Keras 3 op resumed by TorchDynamo after a graph break (keras#19602, torch 2.3 with jit_compile=True), as pytest
# prints it; the frame's function is the resume function Dynamo made, named after the function it resumes
DYNAMO_RESUMED_PYTEST = """keras/src/ops/numpy.py:3582: in matmul
    if any_symbolic_tensors((x1, x2)):
keras/src/ops/numpy.py:3584: in {function}
    return backend.numpy.matmul(x1, x2)

>   def matmul(x1, x2):
E   AttributeError: 'Parameter' object has no attribute 'fget'
"""
# the name PyTorch 2.0-2.1 gave the resume function, in a plain traceback
DYNAMO_RESUMED_TRACEBACK = """Traceback (most recent call last):
  File "/venv/lib/python3.10/site-packages/keras/src/ops/numpy.py", line 3584, in {function}
    return backend.numpy.matmul(x1, x2)
AttributeError: 'Parameter' object has no attribute 'fget'
"""


@pytest.mark.parametrize(
    ("text", "function"), [(DYNAMO_RESUMED_PYTEST, "torch_dynamo_resume_in_matmul_at_3582"), (DYNAMO_RESUMED_TRACEBACK, "<resume in matmul>")]
)
def test_a_frame_torchdynamo_resumes_shows_the_code_ran_under_torch_compile(text, function):
    best = top(text.format(function=function))
    assert best is not None and best.rule.name == "torch-backend-jit-compile" and best.kind == "frames"
    assert best.confidence < CONFIDENT
    # the same message raised in the function itself, not in a resumed frame, says nothing of torch.compile
    plain = explain(text.format(function="matmul"), versions={}).matches
    assert all(m.rule.name != "torch-backend-jit-compile" for m in plain)


# Python 2.7 running a script named keras.py that imports keras: the message does not say the package was shadowed
SHADOWING_SCRIPT = """Traceback (most recent call last):
  File "{name}.py", line 1, in <module>
    from keras.datasets import mnist
  File "/home/me/mnist/{name}.py", line 1, in <module>
    from keras.datasets import mnist
ImportError: No module named datasets
"""


def test_a_script_named_like_the_package_it_imports_is_the_cause():
    best = top(SHADOWING_SCRIPT.format(name="keras"))
    assert best is not None and best.rule.name == "module-has-no-attribute" and best.confidence >= CONFIDENT
    # the same lines in a script of another name say nothing of shadowing
    other = top(SHADOWING_SCRIPT.format(name="mnist_cnn"))
    assert other is None or other.rule.name != "module-has-no-attribute" or other.confidence < CONFIDENT
    # nor does the message without its frames
    bare = top("AttributeError: module 'tensorflow' has no attribute 'Variable'")
    assert bare is None or bare.rule.name != "module-has-no-attribute" or bare.confidence < CONFIDENT


def test_a_module_qualified_frame_name_needs_that_module():
    best = top(OLD_KERAS_BACKEND_FRAMES.format(module="tensorflow_backend"))
    assert best is not None and best.rule.name == "keras-tensorflow-version-mismatch" and best.kind == "frames"
    # the same function name in another module is no evidence of multi-backend Keras's backend
    other = explain(OLD_KERAS_BACKEND_FRAMES.format(module="common"), versions={}).matches
    assert all(m.rule.name != "keras-tensorflow-version-mismatch" for m in other)


# an IPython traceback cut right after its header: the class names the family, the message is missing
# (the header and first frame as IPython 8 prints them for Keras 3 on JAX)
CLASS_ONLY = """---------------------------------------------------------------------------
{cls}                     Traceback (most recent call last)
Cell In[3], line 1
----> 1 model.fit(x, y, epochs=1)

File /venv/lib/python3.11/site-packages/keras/src/utils/traceback_utils.py:113, in filter_traceback.<locals>.error_handler(*args, **kwargs)
"""


@pytest.mark.parametrize(("cls", "family"), [("UnexpectedTracerError", "jax-tracer-leaked"), ("ResourceExhaustedError", "out-of-memory")])
def test_a_library_exception_class_without_its_message_names_its_family(cls, family):
    best = top(CLASS_ONLY.format(cls=cls))
    assert best is not None and best.rule.name == family
    assert best.kind == "frames" and best.confidence <= 0.5


# Python 2 compiling a Python 3 star-unpacking line, pasted without the "SyntaxError: invalid syntax" line
CUT_COMPILE_ERROR = """$ python train.py
  File "train.py", line 126{function}
    [*model_body.output, *y_true])
"""


def test_a_frame_without_a_function_is_where_a_file_failed_to_compile():
    best = top(CUT_COMPILE_ERROR.format(function=""))
    assert best is not None and best.rule.name == "python-syntax-error"
    assert best.kind == "frames" and best.confidence <= 0.5
    # a runtime frame (it names its function) cut the same way says nothing of compiling
    ran = explain(CUT_COMPILE_ERROR.format(function=", in create_model"), versions={}).matches
    assert all(m.rule.name != "python-syntax-error" for m in ran)


def test_a_file_that_failed_to_compile_names_the_family_of_where_it_lies():
    """The user's own file is a syntax error of theirs; a package's file, a package written for another Python."""
    users = explain(CUT_COMPILE_ERROR.format(function=""), versions={}).matches
    assert [m.rule.name for m in users] == ["python-syntax-error"]
    package = CUT_COMPILE_ERROR.replace("train.py", "/usr/lib/python3.5/site-packages/yolo3/model.py").format(function="")
    best = top(package)
    assert best is not None and best.rule.name == "package-needs-other-python"
    assert best.kind == "frames" and best.confidence <= 0.5


@pytest.mark.parametrize("cls", ["ValueError", "InvalidArgumentError"])
def test_a_builtin_or_widely_declared_class_alone_names_no_family(cls):
    assert all(m.kind != "frames" for m in explain(CLASS_ONLY.format(cls=cls), versions={}).matches)


# a Lambda layer's function run while loading (the frames of keras-team/keras#9431-style reports), generic NameError
GENERIC_WITH_FRAMES = """Traceback (most recent call last):
  File "predict.py", line 9, in <module>
    model = keras.models.load_model(p)
  File "/venv/lib/python3.11/site-packages/keras/src/saving/serialization_lib.py", line 751, in deserialize_keras_object
    cls = _retrieve_class_or_fn(
  File "/venv/lib/python3.11/site-packages/keras/src/layers/core/lambda_layer.py", line 10, in normalize
    return K.l2_normalize(x, axis)
NameError: name 'K' is not defined
"""


def test_a_generic_message_also_lists_what_its_frames_point_at():
    matches = explain(GENERIC_WITH_FRAMES, versions={}).matches
    assert matches[0].kind == "wording" and matches[0].rule.name == "name-not-defined"
    assert ("custom-objects-on-load", "frames") in [(m.rule.name, m.kind) for m in matches[1:]]


@pytest.mark.parametrize(
    ("text", "family"),
    [
        ("my loss becomes nan after 3 epochs", "nan-loss"),
        ("loss=nan", "nan-loss"),
        ("loss 变成 NaN", "nan-loss"),
        ("sparse_categorical_crossentropy训练时有nan结果", "nan-loss"),
        ("网络获取minist数据集失败", "dataset-download-failed"),
        ("keras.datasets.mnist.load_data() download fails behind our proxy", "dataset-download-failed"),
        ("tensorflow is not using my GPU", "gpu-not-visible"),
        ("训练的时候显存不足", "out-of-memory"),
        ("from keras.layers import Merge fails", "keras-layers-merge-removed"),
        ("keras 3 K.int_shape doesn't work anymore", "keras3-backend-functions-removed"),
        ("hub.KerasLayer 加到 Sequential 里报错", "keras-implementations-mixed-layer"),
        ("使用 MirroredStrategy 多卡训练 scope 报错", "variable-outside-strategy-scope"),
        ("转换tflite模型时报错，有些算子不支持", "tflite-unsupported-ops"),
        ("显卡驱动版本太低 tensorflow 用不了 GPU", "cuda-driver-too-old"),
        ("my RTX 5090 is not supported by tensorflow: compute capability 12.0", "gpu-compute-capability-unsupported"),
        ("image_dataset_from_directory 划分验证集时 subset 报错", "dataset-split-arguments"),
        ("calling model.predict in a for loop prints a tf.function retracing warning", "tf-function-retracing"),
        ("在 dataset.map 里 调用 .numpy() 报错", "numpy-in-graph-function"),
        ("my softmax output with one unit always gives accuracy 0.5", "activation-loss-mismatch"),
        ("多输出模型 compile 时 loss 字典 的 key 和 输出层 名字 不匹配", "loss-output-names"),
    ],
)
def test_a_described_symptom_gets_the_family_with_a_hint(text, family):
    best = top(text)
    assert best is not None and best.rule.name == family
    assert best.kind == "symptom"
    assert best.confidence <= KIND_CAPS["symptom"]
    assert any("paste the full error" in note for note in best.notes)


def test_unrelated_sentences_get_no_symptom_match():
    assert top("thanks, the model trains fine now") is None
    assert top("今天天气很好") is None


def test_only_wording_reaches_confident_and_kinds_are_ordered():
    assert list(MATCH_KINDS) == ["wording", "raise-site", "frames", "fuzzy", "symptom"]
    caps = [KIND_CAPS[k] for k in MATCH_KINDS]
    assert caps[0] >= CONFIDENT > caps[1]
    assert caps == sorted(caps, reverse=True)


def test_kind_is_in_json_and_text_output():
    proc = run_cli("explain", "--format", "json", "my loss becomes nan after 3 epochs")
    data = json.loads(proc.stdout)
    assert proc.returncode == 0
    assert data["matches"][0]["kind"] == "symptom" and data["matches"][0]["name"] == "nan-loss"
    proc = run_cli("explain", "ValueError: bad marshal data (unknown type code)")
    assert "matched on the message" in proc.stdout.splitlines()[0]


def _nan_loss_with_symptoms(symptoms: dict[str, list[str]]) -> tuple[dict, str]:
    """nan-loss's rule data with these symptom phrases, and its file name."""
    rule = load_rules().get("nan-loss")
    data = {
        "id": rule.id,
        "name": rule.name,
        "title": rule.title,
        "severity": rule.severity,
        "category": rule.category,
        "docs": dict(rule.docs),
        "errors": [],
        "examples": {},
        "symptoms": symptoms,
    }
    return data, f"{rule.id}-{rule.name}.yaml"


def test_a_symptom_phrase_needs_two_keywords():
    problems = validate_rule(*_nan_loss_with_symptoms({"en": ["nan"], "zh": ["损失 nan"]}))
    assert any("'nan' needs at least two keywords" in p for p in problems)
    assert not any("损失" in p for p in problems)


def test_a_symptom_phrase_listed_twice_in_one_language_is_a_problem():
    data, path = _nan_loss_with_symptoms({"en": ["loss becomes nan", "Loss  becomes NaN"], "zh": ["loss becomes nan"]})
    problems = validate_rule(data, path)
    assert [p for p in problems if "listed twice" in p] == [f"{path}: symptoms.en: 'Loss  becomes NaN' is listed twice"]


COLAB = """---------------------------------------------------------------------------
ValueError                                Traceback (most recent call last)
<ipython-input-7-9c5c5b1bbd8a> in <cell line: 1>()
----> 1 model.fit(x, y, epochs=3)

/usr/local/lib/python3.10/dist-packages/keras/src/utils/traceback_utils.py in error_handler(*args, **kwargs)
     68             # `tf.debugging.disable_traceback_filtering()`
---> 70             raise e.with_traceback(filtered_tb) from None
     71         finally:

ValueError: Unknown layer: 'AttentionBlock'. Please ensure you are using a `keras.utils.custom_object_scope`
"""


def test_colab_cell_frames_are_the_users_location():
    (record,) = extract_errors(COLAB)
    assert record.location is not None
    assert record.location.path.startswith("<ipython-input-7-")
    assert record.location.function == "<cell line: 1>"
    assert record.location.code == "model.fit(x, y, epochs=3)"


# h5py's frames as a Windows user pasted them (fixtures/real_errors/0183), after the user's own exception
CHAINED = """Traceback (most recent call last):
  File "train.py", line 40, in <module>
    model.load_weights(fname)
OSError: cannot read weights

During handling of the above exception, another exception occurred:

Traceback (most recent call last):
  File "C:\\Python36\\lib\\site-packages\\h5py\\_hl\\files.py", line 170, in make_fid
    fid = h5f.open(name, flags, fapl=fapl)
  File "h5py\\_objects.pyx", line 54, in h5py._objects.with_phil.wrapper
  File "h5py\\h5f.pyx", line 85, in h5py.h5f.open
OSError: Unable to open file (file signature not found)
"""


def test_chained_traceback_points_at_the_users_line_not_cython():
    records = extract_errors(CHAINED)
    assert [r.chained for r in records] == [True, False]
    final = records[-1]
    assert final.location is not None
    assert (final.location.path, final.location.line) == ("train.py", 40)


_PASTE_MARKS = ["\u2018", "\uff1a", "```", "> ", "**", "&lt;", "...", "'*****'", "\n", " " * 80, 'File "x.py", line 1, in f']
_FRAGMENTS = [text for text, _ in _seed_cases()] + _PASTE_MARKS


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.sampled_from(_FRAGMENTS), st.text(max_size=60)), max_size=8).map("".join))
def test_any_paste_is_read_without_failing_and_only_wording_is_confident(text):
    for match in explain(text, versions={}).matches:
        assert match.kind in MATCH_KINDS
        assert match.kind == "wording" or match.confidence < CONFIDENT


def test_literal_prefilters_never_skip_a_pattern_that_matches(rules):
    from kerasdoctor.kb import compile_pattern

    texts = [e["text"] for r in rules.rules for e in r.examples.get("errors") or []]
    lowered = [t.lower() for t in texts]
    checked = 0
    for rule in rules.rules:
        for pattern in rule.errors:
            if pattern.literal is None and not pattern.any_literals:
                continue
            regex = compile_pattern(pattern.pattern)
            for text, low in zip(texts, lowered):
                if regex.search(text):
                    checked += 1
                    assert pattern.literal is None or pattern.literal in low, (rule.path, pattern.pattern)
                    assert not pattern.any_literals or any(lit in low for lit in pattern.any_literals), (rule.path, pattern.pattern)
    assert checked > 300


def test_alternatives_are_prefiltered_by_each_branch():
    from kerasdoctor.kb import alternative_literals

    assert alternative_literals(r"CUDA_ERROR_NO_BINARY|no kernel image is available") == ("cuda_error_no_binary", "no kernel image is available")
    assert alternative_literals(r"(?:Unknown (?:layer|loss)|cannot locate class)") == ("unknown l", "cannot locate class")
    assert alternative_literals(r"ab|long enough") == ()  # a branch without a usable literal: no pre-filter
    assert alternative_literals(r"plain text") == ()
    # a required group inside the pattern; of two, the one whose shortest literal is longest
    assert alternative_literals(r"(?:has no attribute|cannot import name) '(?:legacy_\w+)'") == ("has no attribute", "cannot import name")
    assert alternative_literals(r"(?:^|\W)(?:dataset is infinite|length is unknown)\.?$") == ("dataset is infinite", "length is unknown")
    assert alternative_literals(r"\[(?:Errno 2|WinError 206)\] (?:abc|defgh)") == ("errno 2", "winerror 206")
    assert alternative_literals(r"(?:long enough|other words)?text") == ()  # an optional group holds nothing every match must


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="abcdeu_1", min_size=1, max_size=12), st.text(alphabet="abcdeu_1", min_size=1, max_size=12))
def test_typo_check_skips_rapidfuzz_only_when_its_ratio_cannot_reach_the_cutoff(word: str, other: str):
    from rapidfuzz import fuzz

    from kerasdoctor.explain.fuzzy import TYPO_RATIO, _typo_of

    assert _typo_of(word, other) == (fuzz.ratio(word, other) >= TYPO_RATIO)


def test_group_reference_template_without_a_match_leaves_the_text_alone():
    from kerasdoctor.lazyre import lazy

    bold = lazy(r"\*\*(\w+)\*\*")
    assert bold.sub(r"\1", "no bold here") == "no bold here"
    assert bold.sub(r"\1", "a **b** c **d**") == re.sub(r"\*\*(\w+)\*\*", r"\1", "a **b** c **d**") == "a b c d"


def test_a_line_two_families_explain_equally_well_is_not_answered_with_certainty():
    # Keras 2's target check (github.com/keras-team/keras/issues/8755): a 1-unit target shape with 7-wide
    # labels is one-hot labels under a sparse loss or a 1-unit output under a dense one; the line does not say
    matches = explain("Error when checking target: expected dense_2 to have shape (None, 1) but got array with shape (3230, 7)").matches
    assert {m.name for m in matches[:2]} == {"sparse-labels-logits-shape", "target-shape-mismatch"}
    assert matches[0].confidence < 0.8
    assert matches[0].confidence > matches[1].confidence


def test_the_failing_graph_op_ranks_the_family_when_the_message_after_it_was_cut():
    # TF 2.9+ "Graph execution error" pasted down to its "Detected at node" block only
    text = (
        "InvalidArgumentError: Graph execution error:\n\n"
        "Detected at node 'model/embedding/embedding_lookup' defined at (most recent call last):\n"
        '    File "/usr/lib/python3.9/runpy.py", line 197, in _run_module_as_main\n'
        "      return _run_code(code, main_globals, None,\n"
    )
    best = explain(text).matches[0]
    assert (best.name, best.kind) == ("embedding-index-out-of-range", "frames")
    assert best.confidence < CONFIDENT


@pytest.mark.parametrize(
    "init_frame",
    [
        '  File "/home/u/env/lib/python3.9/site-packages/numpy/__init__.py", line 305, in __getattr__\n',
        "/usr/local/lib/python3.10/dist-packages/numpy/__init__.py in __getattr__(attr)\n",
        '  File "C:\\Users\\u\\env\\Lib\\site-packages\\numpy\\__init__.py", line 324, in __getattr__\n',
    ],
)
def test_a_traceback_cut_in_a_packages_init_is_read_by_that_package(init_frame):
    # the message of numpy's __getattr__ (a removed alias) was not pasted: numpy/__init__.py is module numpy
    text = 'Traceback (most recent call last):\n  File "/home/u/project/features.py", line 12, in <module>\n    x = np.zeros(3, dtype=np.float)\n' + init_frame
    best = explain(text, versions={}).matches[0]
    assert (best.name, best.kind) == ("numpy-removed-aliases", "frames")
    assert best.confidence < CONFIDENT


def test_only_a_packages_own_init_is_named_by_its_package():
    from kerasdoctor.explain.frames import package_of_init

    assert package_of_init("/x/site-packages/numpy/__init__.py") == "numpy"
    assert package_of_init("numpy\\__init__.py") == "numpy"
    assert package_of_init("/x/site-packages/numpy/core/numeric.py") == ""
    assert package_of_init("__init__.py") == ""
    assert package_of_init("/x/my-pkg/__init__.py") == ""


def test_keras1_bare_exception_type_does_not_contradict_a_family_typed_for_later_versions():
    # Keras 1.0-1.1 raised plain Exception for checks that Keras 2 raises as RuntimeError / ValueError
    # (keras 1.1.2 keras/engine/training.py Model._make_train_function)
    keras1 = explain("Exception: You must compile your model before using it.").matches
    keras2 = explain("RuntimeError: You must compile your model before using it.").matches
    assert keras1[0].rule.name == keras2[0].rule.name == "model-not-compiled"
    assert keras1[0].confidence < keras2[0].confidence  # the bare type is no evidence
    # a specific type that is not the pattern's still rules the family's wording out (only a raise site's doubt is left)
    assert all(m.kind != "wording" for m in explain("KeyError: You must compile your model before using it.").matches)


def test_a_class_name_misspelt_by_one_letter_reads_as_an_unknown_class_not_another_one():
    # retyped issue titles: "IternalError: Blas xGEMMBatched launch failed.", "InvalidArgumentErorr: ..."
    typo = explain("IternalError:  Blas xGEMMBatched launch failed.").matches
    exact = explain("InternalError:  Blas xGEMMBatched launch failed.").matches
    assert typo and typo[0].rule.name == exact[0].rule.name == "cublas-handle-failed" and typo[0].kind == "wording"
    message = "Received a label value of 5 which is outside the valid range of [0, 5)."
    swapped = explain(f"InvalidArgumentErorr: {message}").matches
    spelt = explain(f"InvalidArgumentError: {message}").matches
    assert swapped and swapped[0].rule.name == spelt[0].rule.name == "sparse-label-out-of-range"
    assert swapped[0].kind == "wording" and swapped[0].confidence < spelt[0].confidence  # the class is unknown
    # a real class of another kind still rules the wording out, and short names are never read as misspelt
    assert all(m.kind != "wording" for m in explain("KeyError: Blas GEMM launch failed").matches)
    assert all(m.kind != "wording" for m in explain("IOError: Blas GEMM launch failed").matches)


def _wrapped_at(text: str, width: int) -> str:
    out = []
    for line in text.splitlines():
        while len(line) > width:
            out.append(line[:width])
            line = line[width:]
        out.append(line)
    return "\n".join(out)


@pytest.mark.parametrize("width", [100, 120, 132])
@pytest.mark.parametrize("case", ["0045", "0502"])
def test_tracebacks_wrapped_at_other_widths_are_rejoined(case, width):
    import yaml

    data = yaml.safe_load((ROOT / "fixtures" / "real_errors" / f"{case}.yaml").read_text())
    best = top(_wrapped_at(data["text"], width))
    assert best is not None and best.rule.name == data["expected"]


def _console_glued(text: str, width: int) -> str:
    """What a copy from a Windows console that lost the line breaks gives: each line padded to the width, all on one."""
    padded = []
    for line in text.splitlines():
        padded.append(line + " " * (-len(line) % width or width))
    return "".join(padded)


@pytest.mark.parametrize("width", [120, 250])
@pytest.mark.parametrize("case", ["0045", "0502"])
def test_console_padded_lines_glued_into_one_are_split_again(case, width):
    import yaml

    data = yaml.safe_load((ROOT / "fixtures" / "real_errors" / f"{case}.yaml").read_text())
    best = top(_console_glued(data["text"], width))
    assert best is not None and best.rule.name == data["expected"]


def test_a_harmless_notice_beside_an_exception_does_not_explain_it():
    notice = (
        "2024-03-01 10:00:00.000000: E external/local_xla/xla/stream_executor/cuda/cuda_dnn.cc:9261] Unable to register cuDNN "
        "factory: Attempting to register factory for plugin cuDNN when one has already been registered\n"
    )
    frames = 'Traceback (most recent call last):\n  File "train.py", line 9, in <module>\n    model.fit(x, y)\n'
    for exception in ("IndexError: index 9 is out of bounds for axis 1 with size 9", "KeyError: 'val_loss'"):
        alone = explain(frames + exception).matches
        matches = explain(notice + frames + exception).matches
        assert alone and matches[0].rule.name == alone[0].rule.name
        notices = [m for m in matches if m.rule.name == "gpu-plugin-already-registered"]
        assert notices and notices[0].confidence < 0.5


def test_a_message_quoted_without_its_log_prefix_beside_an_unknown_log_line_is_still_read():
    # a line copied from the middle of a TensorFlow log line (its "W ...cc:NNN]" head left behind) beside a W line no
    # family knows: the quoted line is the user's, and it is what the family's wording or symptoms are found in
    unknown = (
        "2021-11-21 11:59:20.861052: W tensorflow/python/util/util.cc:348] Sets are not currently considered sequences, "
        "but this may change in the future, so consider avoiding using them.\n"
    )
    assert not explain(unknown).matches
    quoted = (
        "Training prints this at every epoch:\n\n"
        "layout failed: INVALID_ARGUMENT: Size of values 0 does not match size of permutation 4 @ fanin shape "
        "insequential/dropout/stateless_dropout/SelectV2-2-TransposeNHWCToNCHW-LayoutOptimizer\n"
    )
    matches = explain(quoted + unknown).matches
    assert matches and matches[0].rule.name == "grappler-layout-failed-notice"


def test_long_space_runs_inside_a_message_are_not_split():
    text = "ValueError: shapes differ            (None, 3)"
    assert normalize_text(text) == text


def test_equally_long_progress_lines_are_not_taken_for_a_wrap():
    log = (
        "Epoch 1/2\n"
        "1875/1875 [==============================] - 3s 2ms/step - loss: 0.2969 - accuracy: 0.9138 - val_loss: 0.1\n"
        "Epoch 2/2\n"
        "1875/1875 [==============================] - 3s 2ms/step - loss: 0.1429 - accuracy: 0.9571 - val_loss: 0.1\n"
        "Epoch 3/2\n"
    )
    assert normalize_text(log) == log.rstrip("\n") or normalize_text(log) == log


def test_a_whole_message_is_not_read_as_a_longer_wording_cut_short():
    # Python 3.6 printed "cannot import name 'X'" without the module it looked in; a wording
    # that goes on ("... from 'keras.src...'") is no evidence for a message that ended there
    assert top("ImportError: cannot import name 'layer_utils'") is None
    cut = top("ValueError: Error when checking target: expected dense_2 to have shape (10,) but got arr...")
    assert cut is not None and cut.kind == "fuzzy" and any("stops inside" in note for note in cut.notes)


@pytest.mark.parametrize(
    ("text", "family"),
    [
        # an issue title: the function and "got an" left out (Keras 3's fit() no longer takes workers=)
        ("Error unexpected keyword argument 'workers'", "fit-multiprocessing-arguments"),
        # the first words cut off, the rest as Keras 2 prints it
        (
            "expects 2 inputs, but it received 1 input tensors. Input received: [<tf.Tensor 'input_3:0' shape=(?, 1) dtype=float32>]",
            "model-input-count-mismatch",
        ),
        # a small word left out when retyping
        ("ValueError: Layer model_1 expects 2 inputs, it received 1 input tensors.", "model-input-count-mismatch"),
        # a few words of the title's own before the part it quotes
        ("Keras: must contain all classes in the data. The classes {np.int64(2)} exist in the data but not in `class_weight`.", "class-weight-not-dict"),
    ],
)
def test_a_message_retyped_as_a_title_finds_its_family_as_a_near_miss(text, family):
    best = top(text)
    assert best is not None and best.rule.name == family
    assert best.kind == "fuzzy" and best.confidence < CONFIDENT
    assert any("words left out" in note for note in best.notes)


@pytest.mark.parametrize(
    "text",
    [
        # the words before the retyped part name another subject: not the family whose wording it ends like
        "TypeError: 'Sequential' object got an unexpected keyword argument 'workers'",
        # too little of a short wording is left to tell its family (with "object" still there, Python's "has" is put
        # back and the message read as printed: test_the_small_words_a_title_leaves_out_of_pythons_message_are_put_back)
        "AttributeError: 'Adam' no attribute 'lr'",
    ],
)
def test_words_of_another_subject_before_a_retyped_wording_rule_it_out(text):
    best = top(text)
    # not read as a near miss of the wording; at most the last resort's guess from shared words, which says so
    assert best is None or (best.kind == "fuzzy" and best.confidence <= NEAREST_MAX and any("a guess from similar words" in note for note in best.notes))
    assert best is None or not any("words left out" in note for note in best.notes)


def test_a_title_cut_inside_its_brackets_reads_as_cut_short():
    # Stack Overflow and GitHub cut long titles at a length limit, here inside the shape's parentheses
    best = top("Input 0 is incompatible with layer model: expected shape=(None, 2")
    assert best is not None and best.kind == "fuzzy" and best.rule.name in {"input-rank-mismatch", "input-feature-mismatch"}
    assert any("stops inside" in note for note in best.notes)


def test_a_title_cut_at_the_end_of_its_line_with_the_users_words_below_reads_as_cut_short():
    # an issue's title quotes the message up to the site's length limit; its body, the user's own lines, follows
    cut_title = "You are trying to load a weight file containing 23 layers into a"
    alone = top(cut_title)
    assert alone is not None and alone.rule.name == "weights-layer-count-mismatch"
    best = top(f"{cut_title}\nwhen I run predict.py with the pretrained file")
    assert best is not None and best.rule.name == "weights-layer-count-mismatch"
    assert best.kind == "fuzzy" and best.confidence < alone.confidence
    assert any("first line stops inside" in note for note in best.notes)


def test_a_copied_vscode_notebook_error_reads_as_the_traceback_it_shows():
    # VS Code copies an error cell's output as JSON: the class, the message, and the IPython traceback
    # as one escaped string with its colour codes (Keras 3.15's wording, reproduced here)
    stack = (
        "\x1b[1;31m---------------------------------------------------------------------------\x1b[0m\n"
        "\x1b[1;31mAttributeError\x1b[0m                            Traceback (most recent call last)\n"
        "Cell \x1b[1;32mIn[3], line 6\x1b[0m\n"
        "\x1b[1;32m----> 6\x1b[0m extractor = keras.Model(model.input, model.layers[-2].output)\n\n"
        "\x1b[1;31mAttributeError\x1b[0m: The layer sequential has never been called and thus has no defined input."
    )
    pasted = json.dumps(
        {"name": "AttributeError", "message": "The layer sequential has never been called and thus has no defined input.", "stack": stack},
        indent="\t",
    )
    normalised = normalize_text(pasted)
    assert '"stack"' not in normalised
    assert normalised.rstrip().endswith("AttributeError: The layer sequential has never been called and thus has no defined input.")
    match = top(pasted)
    assert match is not None and match.rule.name == "layer-never-called" and match.kind == "wording"
    assert match.confidence >= top("The layer sequential has never been called and thus has no defined input.").confidence


@pytest.mark.parametrize(
    ("pasted", "family"),
    [
        ("AttributeError: 'Sequential' object has no attribute predict_classes'", "predict-classes-removed"),
        ("AttributeError: module 'tensorflow' has no attribute placeholder'", "tf1-api-in-tf2"),
    ],
)
def test_a_name_whose_opening_quote_was_lost_inside_the_line_is_read_as_quoted(pasted, family):
    assert restore_cut_quotes(pasted).endswith(f" '{pasted.rsplit(' ', 1)[1]}")
    match = top(pasted)
    assert match is not None and match.rule.name == family and match.kind == "wording"


_MODERN_IMPORT_ERROR = re.compile(
    r"^(?P<type>ImportError|ModuleNotFoundError): "
    r"(?:cannot import name '(?P<name>\w+)' from '(?P<module>[\w.]+)'|No module named '(?P<missing>[\w.]+)')[ \t]*$",
    re.MULTILINE,
)


def _as_old_python_printed_it(match: re.Match[str]) -> tuple[str, str]:
    """The same import failure as Python 2 / 3.6 printed it, and the import line of its frame (bpo-29546 added the module in 3.7).

    Only a message that ends after the module is rewritten: the file path Python 3.8+ adds may be what tells the family.
    """
    if match.group("name"):
        return f"ImportError: cannot import name {match.group('name')}", f"from {match.group('module')} import {match.group('name')}"
    module = match.group("missing")
    return f"ImportError: No module named {module.rsplit('.', 1)[-1]}", f"import {module}"


def test_an_old_pythons_import_error_reads_like_the_modern_message_of_the_same_import(rules):
    checked = 0
    failures = []
    for rule in rules.rules:
        for example in rule.examples.get("errors") or []:
            text = example["text"]
            found = _MODERN_IMPORT_ERROR.search(text)
            best = top(text, rules)
            if found is None or best is None or best.rule.id != rule.id or "Traceback (most recent call last)" in text:
                continue  # a traceback's own frames may not show the import that failed
            message, code = _as_old_python_printed_it(found)
            frame = f'Traceback (most recent call last):\n  File "train.py", line 3, in <module>\n    {code}\n'
            rest = text[found.end() :].split("\n", 1)
            tail = "\n" + rest[1] if len(rest) > 1 else ""
            got = top(text[: found.start()] + frame + message + tail, rules)
            # the import line this test invents is evidence of its own (`import keras.src` is code reaching for a
            # private path, not an unpickled model): where it moves the modern message too, the old one must follow it
            modern = top(text[: found.start()] + frame + found.group(0) + tail, rules)
            expected = rule.id if modern is None or modern.rule.id == rule.id else modern.rule.id
            checked += 1
            if got is None or got.rule.id != expected:
                failures.append(f"{rule.path}: {message!r} -> {got.rule.name if got else 'no match'}")
    assert checked > 15
    assert failures == []


def _traceback_of(code: str, message: str) -> str:
    return f'Traceback (most recent call last):\n  File "a.py", line 1, in <module>\n    {code}\n{message}\n'


def test_an_old_import_error_is_completed_only_from_an_import_of_that_name():
    (record,) = extract_errors(_traceback_of("from keras.engine import saving", "ImportError: cannot import name saving"))
    assert record.key_message == "cannot import name 'saving' from 'keras.engine'"
    assert record.message == "cannot import name saving"
    (unrelated,) = extract_errors(_traceback_of("from keras.engine import topology", "ImportError: cannot import name saving"))
    assert "from '" not in unrelated.key_message
    (dotted,) = extract_errors(_traceback_of("from keras.datasets import mnist", "ImportError: No module named datasets"))
    assert dotted.key_message == "No module named 'keras.datasets'"


def test_a_notebook_traceback_cut_before_its_message_is_read_from_the_private_import_that_raised():
    # Colab, Keras 3 (https://github.com/ZFTurbo/classification_models_3D/issues/16): the paste stops at the raising import
    pasted = (
        "ModuleNotFoundError                       Traceback (most recent call last)\n"
        "[/usr/local/lib/python3.10/dist-packages/classification_models_3D/models/efficientnet.py](https://localhost:8080/#) in <module>\n"
        "     32 from keras.applications import imagenet_utils\n"
        "---> 33 from keras.engine import training\n"
        "     34 from keras.layers import VersionAwareLayers\n"
    )
    match = top(pasted)
    assert match is not None and match.rule.name == "keras-internal-module-paths" and match.kind == "frames"
    public_import = top(pasted.replace("keras.engine import training", "keras.layers import Dense"))
    assert public_import is None or public_import.rule.name != "keras-internal-module-paths"
    # another library's own engine package is not Keras's private module
    library_engine = top(pasted.replace("from keras.engine import training", "class AutoTuner(keras_tuner.engine.tuner.Tuner):"))
    assert library_engine is None or library_engine.rule.name != "keras-internal-module-paths"


def test_a_traceback_cut_on_keras_2s_decode_of_an_h5_attribute_is_read_from_that_line():
    # Colab, TF 1.15 / keras 2.3 with h5py 3 (https://github.com/HenriquesLab/ZeroCostDL4Mic/issues/103), pasted without its last line:
    # the traceback stops on the line that decodes the file's keras_version, before the AttributeError
    pasted = (
        "AttributeError                            Traceback (most recent call last)\n"
        "/tensorflow-1.15.2/python3.7/keras/engine/saving.py in load_weights_from_hdf5_group(f, layers, reshape)\n"
        "   1182     if 'keras_version' in f.attrs:\n"
        "-> 1183         original_keras_version = f.attrs['keras_version'].decode('utf8')\n"
        "   1184     else:\n"
    )
    match = top(pasted)
    assert match is not None and match.rule.name == "h5py3-str-decode" and match.kind == "frames"


@pytest.mark.parametrize(
    ("pasted", "family"),
    [
        # a page that dropped every quote from CPython's messages (the names stand bare)
        ("AttributeError: module tensorflow has no attribute random_normal", "tf1-renamed-symbol"),
        ("AttributeError: module tensorflow has no attribute placeholder", "tf1-api-in-tf2"),
        ("AttributeError: Sequential object has no attribute predict_classes", "predict-classes-removed"),
        ("ImportError: cannot import name Adam from keras.optimizers", "keras-optimizers-import"),
    ],
)
def test_names_pasted_without_their_quotes_are_read_as_python_quotes_them(pasted, family):
    match = top(pasted)
    assert match is not None and match.rule.name == family and match.kind == "wording", match


@pytest.mark.parametrize(
    ("pasted", "quoted"),
    [
        ("cannot import name 'adam' from keras.optimizers", "cannot import name 'adam' from 'keras.optimizers'"),
        (
            "cannot import name 'img_to_array' from keras.preprocessing.image (/x/keras/preprocessing/image.py)",
            "cannot import name 'img_to_array' from 'keras.preprocessing.image' (/x/keras/preprocessing/image.py)",
        ),
        ("cannot import name np_utils from 'keras.utils'", "cannot import name 'np_utils' from 'keras.utils'"),
        # as Python 3 prints it, and Python 2's form without "from": nothing to put back
        ("cannot import name 'Adam' from 'keras.optimizers'", "cannot import name 'Adam' from 'keras.optimizers'"),
        ("cannot import name 'merge'", "cannot import name 'merge'"),
    ],
)
def test_an_import_line_that_lost_one_pair_of_quotes_gets_it_back(pasted, quoted):
    from kerasdoctor.explain.normalize import as_python3_prints

    assert as_python3_prints(pasted) == quoted


def test_a_retyped_import_line_with_one_name_bare_is_read_as_its_wording():
    match = top("ImportError: cannot import name 'adam' from keras.optimizers")
    assert match is not None and match.rule.name == "keras-optimizers-import" and match.kind == "wording", match


def test_a_title_retyped_without_the_messages_colon_and_comma_is_still_that_wording():
    # Keras 2's "Error when checking input: expected ... dimensions, but got array with shape", typed as a title
    match = top("error when checking input expected conv2d_input to have 4 dimensions but got array with shape (60000, 28, 28)")
    assert match is not None and match.rule.name == "input-rank-mismatch" and match.kind == "fuzzy", match
    assert match.confidence < 0.8


def test_a_message_quoted_in_the_users_sentence_is_read_as_retyped_from_its_opening_quote():
    # the user's words before the quote are their own sentence, not a title's subject; the message
    # inside the quotes lost its first words ("Error when checking input:")
    quoted = top('When I predict one image I get error "expected conv2d_input to have 4 dimensions, but got array with shape (28, 28, 1)"')
    assert quoted is not None and quoted.rule.name == "input-rank-mismatch" and quoted.kind == "fuzzy", quoted
    assert quoted.confidence < CONFIDENT
    # without the quote nothing tells where the user's words end: they rule the near miss out
    bare = top("When I predict one image I get error expected conv2d_input to have 4 dimensions, but got array with shape (28, 28, 1)")
    assert bare is None or bare.kind != "fuzzy", bare


def test_only_the_literal_punctuation_of_a_wording_becomes_optional():
    from kerasdoctor.explain.fuzzy import _punctuation_optional

    assert _punctuation_optional(r"checking input: expected \S+, but got") == r"checking input:? expected \S+,? but got"
    # a group's head, a quantifier, a class, an escape and a lookaround stay as written
    assert _punctuation_optional(r"(?:a|b)\d{1,3}[,:]\: (?=x:)(?P<n>y)") == r"(?:a|b)\d{1,3}[,:]\: (?=x:)(?P<n>y)"
    # the quotes and brackets around a printed value, which a title drops, where a name begins or ends only
    relaxed = re.compile(_punctuation_optional(r"passed to \w+: \{'(?:weights|init)'", quotes=True))
    assert relaxed.search("passed to Dense: weights") and relaxed.search("passed to Dense: {'weights': [1]}")
    dotted = re.compile(_punctuation_optional(r"from '(?:tensorflow\.)?keras\.layers'", quotes=True))
    assert dotted.search("from tensorflow.keras.layers") and not dotted.search("from 'tensorflow.keras.layers.experimental'")
    # a quantified mark stays as written
    assert _punctuation_optional(r"\w+'? \[x\]+", quotes=True) == r"\w+'? \[?x\]+"
    # without quotes=True (a wording whose first words a title cut off) they stay as written
    assert _punctuation_optional(r"from 'x'") == r"from 'x'"


def test_a_title_that_drops_a_messages_quotes_is_read_as_retyped():
    # "Could not locate class 'Functional'" typed as an issue title without its quotes
    match = top("Could not locate class Functional")
    assert match is not None and match.rule.name == "keras2-model-in-keras3" and match.kind == "fuzzy", match
    assert match.confidence < CONFIDENT


def test_a_message_that_keeps_a_quote_is_not_requoted():
    from kerasdoctor.explain.normalize import requote_names

    assert requote_names("module tensorflow has no attribute log") == "module 'tensorflow' has no attribute 'log'"
    assert requote_names("module 'tensorflow' has no attribute log") is None
    assert requote_names("the model has no attribute here") is None


def test_names_an_asker_marked_with_markdown_backticks_are_read_with_pythons_quotes():
    from kerasdoctor.explain.normalize import requote_names

    assert requote_names("module 'tensorflow' has no attribute `'contrib'`") == "module 'tensorflow' has no attribute 'contrib'"
    assert requote_names("module `tensorflow` has no attribute `contrib`") == "module 'tensorflow' has no attribute 'contrib'"
    assert requote_names("cannot import name `Foo` from `keras.engine`") == "cannot import name 'Foo' from 'keras.engine'"
    # Keras's own code marks stay where no interpreter template holds them
    assert requote_names("Only instances of `keras.Layer` can be added to a Sequential model.") is None
    top = explain("AttributeError: module 'tensorflow' has no attribute `'contrib'`", versions={}).matches[0]
    assert (top.rule.name, top.kind) == ("tf-contrib-removed", "wording")


def test_a_second_error_quoted_after_the_users_chinese_words_is_a_record_of_its_own():
    pasted = (
        "模型使用keras的 model.save保存 使用 load_model加载\n"
        "ValueError: Unknown layer: PositionEmbedding\n"
        "如果加上 custom_objects 之后\n"
        "报错\n"
        "AttributeError: 'tuple' object has no attribute 'layer'\n"
    )
    records = [r for r in extract_errors(pasted) if r.kind == "exception"]
    assert [r.type for r in records] == ["ValueError", "AttributeError"]
    assert "tuple" not in records[0].message
    names = [m.rule.name for m in explain(pasted, versions={}).matches]
    assert "keras-implementations-mixed-layer" in names and "custom-objects-on-load" in names
    # an indented or English line after a message stays part of it
    english = "ValueError: bad thing\nsee below\nAttributeError: 'tuple' object has no attribute 'layer'\n"
    assert [r.type for r in extract_errors(english) if r.kind == "exception"] == ["ValueError"]


def test_a_bare_module_name_quoted_in_the_askers_sentence_ends_where_the_sentence_does():
    # "it shows No module named tensorflow.compat.v2. I think ...": the sentence's full stop is not part of the
    # name, and the asker's words after it do not hide the message (before, only a name at the line's end was read)
    text = "When I import keras, it shows No module named tensorflow.compat.v2. I think the keras requires tensorflow higher than 2.0."
    best = top(text)
    assert best is not None and best.rule.name == "keras-tensorflow-version-mismatch" and best.kind == "wording"
    assert "No module named 'tensorflow.compat.v2'" in best.evidence
    # a name followed by the user's other words, without a sentence break, stays unread
    from kerasdoctor.explain.normalize import _BARE_IMPORT_NAME

    assert _BARE_IMPORT_NAME.compiled().search("cannot import name Adam from keras.optimizers") is None


def test_a_bare_python2_no_module_line_names_its_module_whole():
    (bare,) = extract_errors("ImportError: No module named tensorflow")
    assert bare.key_message == "No module named 'tensorflow'"
    assert explain("ImportError: No module named tensorflow").matches[0].rule.name == "tensorflow-not-installed"
    # in a traceback only the failing import line says which module a dotted remainder belongs to
    (framed,) = extract_errors(_traceback_of("x = load()", "ImportError: No module named datasets"))
    assert "'" not in framed.key_message


@pytest.mark.parametrize(
    ("printed", "family"),
    [
        # as TF 2.15 / Keras 2 printed them (../shared/ground-truth), then typed or posted all in lower case
        ("ImportError: cannot import name 'CuDNNLSTM' from 'tensorflow.keras.layers' (/x/keras/api/_v2/keras/layers/__init__.py)", "cudnn-rnn-layers-removed"),
        ("AttributeError: module 'tensorflow' has no attribute 'Session'", "tf1-api-in-tf2"),
        ("AttributeError: 'NoneType' object has no attribute '_inbound_nodes'", "raw-op-on-keras-tensor"),
    ],
)
def test_a_message_written_all_in_lower_case_still_finds_its_case_sensitive_wording(printed, family, rules):
    assert top(printed, rules).rule.name == family
    lowered = top(printed.lower(), rules)
    assert lowered.rule.name == family
    assert lowered.kind == "wording" and lowered.confidence < CONFIDENT  # the text is not as the library printed it


@pytest.mark.parametrize(
    ("pasted", "message"),
    [
        ("It says \"ModuleNotFoundError: No module named 'keras'\".", "No module named 'keras'"),
        ("it fails with `ValueError: None values not supported.`", "None values not supported."),
        # the message's own quote is not the one the sentence opened
        ("my code gives 'AttributeError: 'Tensor' object has no attribute 'numpy''", "'Tensor' object has no attribute 'numpy''"),
    ],
)
def test_an_error_quoted_in_a_sentence_ends_where_the_sentences_quote_closes(pasted, message):
    records = [r for r in extract_errors(pasted) if r.kind == "exception"]
    assert [r.message for r in records] == [message]


def test_an_error_quoted_in_a_sentence_gets_the_family_of_its_wording():
    best = top('KERAS_BACKEND=tensorflow python -c "from keras import backend"\nIt says "ModuleNotFoundError: No module named \'keras\'".')
    assert best is not None and best.rule.name == "tensorflow-not-installed" and best.kind == "wording"


def test_an_ops_definition_stack_pasted_alone_names_no_raising_function():
    # TF 2.9-2.15's "Detected at node ... defined at" stack pasted without the error below it: its frames built
    # the op (the last is Keras's fit), none raised, so no check of `fit` may be claimed as the error
    text = (
        "Detected at node 'model/conv1/Conv2D' defined at (most recent call last):\n"
        '    File "/home/me/train.py", line 40, in <module>\n'
        "      model.fit(ds, epochs=3)\n"
        '    File "/usr/lib/python3.8/site-packages/keras/utils/traceback_utils.py", line 64, in error_handler\n'
        "      return fn(*args, **kwargs)\n"
        '    File "/usr/lib/python3.8/site-packages/keras/engine/training.py", line 1409, in fit\n'
        "      tmp_logs = self.train_function(iterator)\n"
    )
    (stack,) = [r for r in extract_errors(text) if r.kind == "exception"]
    assert stack.frames == ()
    assert [f.function for f in stack.inner_frames] == ["<module>", "error_handler", "fit"]
    assert stack.location is not None and stack.location.path == "/home/me/train.py"
    assert all(m.kind != "raise-site" for m in explain(text).matches)
    # the same frames under a real traceback header did raise: they keep their place
    (raised,) = [r for r in extract_errors("Traceback (most recent call last):\n" + text.split("\n", 1)[1]) if r.kind == "exception"]
    assert [f.function for f in raised.frames][-1] == "fit"


def test_an_issue_titles_words_after_the_message_it_quotes_are_read_off():
    from kerasdoctor.explain.normalize import without_title_tail

    assert without_title_tail("'val_acc' Errors") == "'val_acc'"
    assert without_title_tail("No module named 'tensorflow' error.") == "No module named 'tensorflow'"
    # only after the message's own closing quote or bracket: a wording may end in "error" itself
    assert without_title_tail("Failed to get convolution algorithm error") is None
    assert without_title_tail("'acc'") is None
    assert without_title_tail("error") is None
    # a bare title word is no message either, and a multi-line paste is no title
    assert without_title_tail("x = 'a'\nsomething error") is None
    # the same message without a title tail keeps its family, and reads exactly as it did
    with_tail = explain("ModuleNotFoundError: No module named 'tensorflow' error", versions={}).matches[0]
    assert (with_tail.rule.name, with_tail.kind) == ("tensorflow-not-installed", "wording")


def test_an_issue_title_naming_two_messages_of_one_class_reads_each():
    from kerasdoctor.explain.normalize import joined_messages

    assert joined_messages("'acc' and KeyError: 'val_acc' Errors", "KeyError") == ["'acc'", "'val_acc' Errors"]
    assert joined_messages("'a', KeyError: 'b'", "builtins.KeyError") == ["'a'", "'b'"]
    assert joined_messages("'acc' and then 'val_acc'", "KeyError") is None
    assert joined_messages("'acc'\nKeyError: 'b'", "KeyError") is None
    match = explain("KeyError: 'acc' and KeyError: 'val_acc' Errors", versions={}).matches[0]
    assert (match.rule.name, match.kind) == ("history-metric-key", "wording")
    assert match.confidence < CONFIDENT


# an issue editor's inline code span opened before a notebook traceback's first frame line (and maybe never closed)
_BACKTICKED_FRAME = (
    "`~/venv/lib/python3.7/site-packages/keras/backend/tensorflow_backend.py in get_uid(prefix)\n"
    "     72     global _GRAPH_UID_DICTS\n"
    "---> 73     graph = tf.get_default_graph()\n"
    "\n"
    "AttributeError: module 'tensorflow' has no attribute 'get_default_graph'{close}\n"
)


@pytest.mark.parametrize("close", ["", "`"])
def test_a_frame_line_after_an_inline_code_backtick_is_read_as_a_frame(close):
    text = _BACKTICKED_FRAME.format(close=close)
    (rec,) = [r for r in extract_errors(text) if r.kind == "exception"]
    assert rec.frames and rec.frames[-1].path.endswith("keras/backend/tensorflow_backend.py")
    top = explain(text).matches[0]
    assert top.name == "keras-tensorflow-version-mismatch" and top.confidence >= CONFIDENT  # raised in keras, shown


def test_a_code_span_a_wrapped_message_splits_inside_its_lines_keeps_its_backticks():
    text = "ValueError: Expected `model.fit(x,\ny)` to get arrays\n"
    assert "`model.fit(x," in normalize_text(text) and "y)`" in normalize_text(text)


def test_a_title_that_dropped_the_word_module_is_read_with_it():
    from kerasdoctor.explain.normalize import module_word_restored

    assert module_word_restored("tensorflow.python.keras.backend has no attribute 'get_graph'") == (
        "module 'tensorflow.python.keras.backend' has no attribute 'get_graph'"
    )
    assert module_word_restored("AttributeError: keras.backend has no attribute set_session") == (
        "AttributeError: module 'keras.backend' has no attribute 'set_session'"
    )
    # the path may keep the quotes Python put around it
    assert module_word_restored("'tensorflow.keras.backend' has no attribute 'control_flow_ops'") == (
        "module 'tensorflow.keras.backend' has no attribute 'control_flow_ops'"
    )
    # a class's message, a single word or the user's own words are not a module path
    assert module_word_restored("'Sequential' object has no attribute 'fit'") is None
    assert module_word_restored("'numpy.ndarray' has no attribute 'append'") is None
    assert module_word_restored("numpy.float64 has no attribute 'lower'") is None
    assert module_word_restored("'tensorflow.keras.backend has no attribute 'x'") is None
    assert module_word_restored("tensorflow has no attribute 'Session'") is None
    assert module_word_restored("my model has no attribute fit") is None
    top = explain("tensorflow.python.keras.backend has no attribute 'get_graph'\n\nwhen i run demo.py the above error occurred.").matches[0]
    assert top.name == "keras-tensorflow-version-mismatch" and top.kind == "wording"
    top = explain("'tensorflow.keras.backend' has no attribute 'control_flow_ops'").matches[0]
    assert top.name == "module-has-no-attribute" and top.kind == "wording"


def test_words_above_a_cut_traceback_keep_their_family_over_the_exceptions_guess(rules):
    # no wording fits the cut autograph block: the fallback reads it beside the user's words, whose symptom
    # phrase names the family; the block's own last-resort guess must not take that family's place
    text = (
        "Inside a tf.data pipeline I use keras.ops; it works with the TensorFlow backend, but with PyTorch or JAX\n"
        "the keras.ops tf.data pipeline fails.\n"
        "NotImplementedError: in user code:\n\n"
        '    File "/tmp/ipykernel_37/1.py", line 56, in train_transformation  *\n'
        "        result = pipeline(data, meta)\n"
        '    File "/tmp/ipykernel_37/2.py", line 133, in resample  *\n'
        "        resized = resize_volumes(image[None, ...], 96, 96, 96)\n"
    )
    best = top(text, rules)
    assert best is not None and best.rule.name == "keras-model-in-tf-data-on-other-backend"
    assert best.kind == "symptom"


def test_a_title_that_tells_the_message_in_its_own_words_is_read_in_pythons():
    from kerasdoctor.explain.normalize import told_in_python_words

    assert told_in_python_words("tensorflow 2.0 not having attribute python") == "module 'tensorflow' has no attribute 'python'"
    assert told_in_python_words("tf doesn't have attribute placeholder") == "module 'tensorflow' has no attribute 'placeholder'"
    assert told_in_python_words("Sequential does not have the attribute `predict_classes`") == ("'Sequential' object has no attribute 'predict_classes'")
    assert told_in_python_words("Error in importing conv_utils from tf_keras.utils") == "cannot import name 'conv_utils' from 'tf_keras.utils'"
    assert told_in_python_words("Unable to import Adam from keras.optimizers") == "cannot import name 'Adam' from 'keras.optimizers'"
    assert told_in_python_words("can't import tensorflow.keras.layers.Merge") == "cannot import name 'Merge' from 'tensorflow.keras.layers'"
    # Python's own words, the user's variables and multi-line pastes are left to the other readings
    assert told_in_python_words("AttributeError: 'str' object has no attribute 'decode'") is None
    assert told_in_python_words("ImportError: cannot import name 'Merge'") is None
    assert told_in_python_words("model has no attribute fit") is None
    assert told_in_python_words("can't import tensorflow.keras") is None
    assert told_in_python_words("x = 1\ntf has no attribute placeholder") is None
    told = top("tensorflow 2.0 not having attribute python")
    assert told is not None and (told.name, told.kind) == ("keras-internal-module-paths", "wording")
    # what the title told is inferred, not printed: never sure, whatever the wording's own confidence
    told = top("Sequential model does not have attribute predict_classes")
    assert told is None or told.confidence < CONFIDENT
    told = top("Sequential doesn't have attribute predict_classes")
    assert told is not None and told.name == "predict-classes-removed" and told.confidence < CONFIDENT


def test_python2s_last_part_of_a_module_path_is_read_whole_from_the_statement_beside_it():
    from kerasdoctor.explain.normalize import as_python3_prints

    # Python 2 names only the submodule it could not find; the import statement quoted beside it names the rest
    assert as_python3_prints('import keras.backend.tensorflow_backend as tb Error "No module named tensorflow_backend"') == (
        """import keras.backend.tensorflow_backend as tb Error "No module named 'keras.backend.tensorflow_backend'\""""
    )
    assert as_python3_prints("from keras.utils.np_utils import to_categorical: No module named 'np_utils'") == (
        "from keras.utils.np_utils import to_categorical: No module named 'keras.utils.np_utils'"
    )
    # without a statement, or with two paths ending alike, the name stays as printed
    assert as_python3_prints("No module named tensorflow_backend") == "No module named 'tensorflow_backend'"
    assert as_python3_prints("import a.x, then import b.x: No module named x") == "import a.x, then import b.x: No module named 'x'"
    found = top('import keras.backend.tensorflow_backend as tb Error "No module named tensorflow_backend"')
    assert found is not None and (found.name, found.kind) == ("keras-internal-module-paths", "wording")


def test_the_small_words_a_title_leaves_out_of_pythons_message_are_put_back():
    from kerasdoctor.explain.normalize import small_words_restored

    assert small_words_restored("AttributeError: 'Functional' object no attribute 'fit_generator'") == (
        "AttributeError: 'Functional' object has no attribute 'fit_generator'"
    )
    assert small_words_restored("module 'tensorflow' no attribute 'app'") == "module 'tensorflow' has no attribute 'app'"
    assert small_words_restored("ImportError: import name 'log' from 'tensorflow'") == "ImportError: cannot import name 'log' from 'tensorflow'"
    # the user's own words, and a message that already says it, stay as they are
    assert small_words_restored("there is no attribute x in my model") == "there is no attribute x in my model"
    assert small_words_restored("module 'a' has no attribute 'b'") == "module 'a' has no attribute 'b'"
    assert small_words_restored("from x import name 'y'") == "from x import name 'y'"
    found = top("AttributeError: module 'keras.layers' no attribute 'CuDNNLSTM'")
    assert found is not None and (found.name, found.kind) == ("cudnn-rnn-layers-removed", "wording")
    found = top("AttributeError: 'Adam' object no attribute 'lr'")
    assert found is not None and (found.name, found.kind) == ("optimizer-lr-argument", "wording") and found.confidence < CONFIDENT
    # Python's word after "has no" retyped with a slip or two; another word stays
    assert small_words_restored("module 'tensorflow' has no attirbute 'app'") == "module 'tensorflow' has no attribute 'app'"
    assert small_words_restored("'Adam' object has no atribute 'get_scaled_loss'") == "'Adam' object has no attribute 'get_scaled_loss'"
    assert small_words_restored("Layer dense_2 has no inbuond nodes.") == "Layer dense_2 has no inbuond nodes."
    found = top("AttributeError: module 'tensorflow' has no attirbute 'to_float'")
    assert found is not None and (found.name, found.kind) == ("tf1-renamed-symbol", "wording")


def test_a_private_keras_module_imported_from_tf_keras_is_no_tensorflow_mismatch():
    # keras and tf-keras import TensorFlow's python internals, never its tf.keras API: a name missing from
    # tensorflow.keras.utils is the user's import of a private module, whatever versions the title names
    found = top("tensorflow 2.4.1 keras 2.4.3 cannot import name 'tf_utils' from 'tensorflow.keras.utils")
    assert found is not None and found.name == "keras-internal-module-paths"


def test_a_text_cut_inside_a_quoted_name_is_read_below_certainty():
    # "No module named 'keras" may be the start of 'keras.src.engine': the quote put back is a guess
    cut = top("ModuleNotFoundError: No module named 'keras")
    assert cut is not None and cut.name == "tensorflow-not-installed" and cut.confidence < CONFIDENT
    assert any("ends inside a quoted name" in note for note in cut.notes)
    whole = top("ModuleNotFoundError: No module named 'keras'")
    assert whole is not None and whole.name == "tensorflow-not-installed" and whole.confidence >= CONFIDENT


@pytest.mark.parametrize(
    ("translated", "english"),
    [
        # Google Translate's zh-CN of CPython's fixed messages, as Chinese posts quote them (curly quotes kept)
        ("AttributeError：模块“numpy”没有属性“object”", "AttributeError: module 'numpy' has no attribute 'object'"),
        ("属性错误：“Sequential”对象没有属性“predict_classes”", "AttributeError: 'Sequential' object has no attribute 'predict_classes'"),
        ("ImportError: 无法从 'keras.optimizers' 导入名称 'Adam'", "ImportError: cannot import name 'Adam' from 'keras.optimizers'"),
        ("ModuleNotFoundError: 没有名为 'tensorflow.contrib' 的模块", "ModuleNotFoundError: No module named 'tensorflow.contrib'"),
        ("类型错误：__init__() 得到了一个意外的关键字参数“lr”", "TypeError: __init__() got an unexpected keyword argument 'lr'"),
        # Keras's check of a layer's input, its shapes run together by the translation
        (
            "层conv1的输入0与层不兼容:需要的ndim=4,找到的ndim=3。收到的完整形状:[None,256,3]",
            'Input 0 of layer "conv1" is incompatible with the layer: expected ndim=4, found ndim=3. Full shape received: [None, 256, 3]',
        ),
        (
            "值错误：层 “sequential” 的输入 0 与该层不兼容：预期形状=(None, 28, 28, 1)，找到形状=(None, 28, 28)",
            'ValueError: Input 0 of layer "sequential" is incompatible with the layer: expected shape=(None, 28, 28, 1), found shape=(None, 28, 28)',
        ),
        ("值错误：形状 (None, 10) 和 (None, 5) 不兼容", "ValueError: Shapes (None, 10) and (None, 5) are incompatible"),
        (
            "层“dense”的输入0与层不兼容：输入形状的预期轴-1的值为784，但接收到形状为(None,28,28)的输入",
            'Input 0 of layer "dense" is incompatible with the layer: '
            "expected axis -1 of input shape to have value 784, but received input with shape (None, 28, 28)",
        ),
    ],
)
def test_a_message_a_translation_retold_in_chinese_reads_as_python_printed_it(translated, english):
    (record,) = extract_errors(translated)
    (printed,) = extract_errors(english)
    assert (record.type, record.message) == (printed.type, printed.message)
    got, expected = explain(translated).matches[0], explain(english).matches[0]
    assert (got.rule.name, round(got.confidence, 3)) == (expected.rule.name, round(expected.confidence, 3))


@pytest.mark.parametrize(
    ("translated", "english"),
    [
        # the verb before what the codec could not convert, or after it ("对 ... 进行编码")
        ("'gbk' 编解码器无法编码位置 98690 中的字符 '\\xa1'：非法多字节序列", "'gbk' codec can't encode character '\\xa1' in position 98690: "),
        ("“gbk”编解码器无法对位置 5 中的字符“\\u2022”进行编码", "'gbk' codec can't encode character '\\u2022' in position 5"),
        ("'gbk' 编解码器无法解码位置 2 中的字节 0x80：非法多字节序列", "'gbk' codec can't decode byte 0x80 in position 2: "),
    ],
)
def test_a_codec_error_a_translation_retold_reads_as_python_printed_it(translated, english):
    (record,) = extract_errors("UnicodeError: " + translated)
    assert record.message.startswith(english)
    error = "UnicodeEncodeError: " if "encode" in english else "UnicodeDecodeError: "
    got = explain(error + translated).matches[0]
    assert (got.rule.name, round(got.confidence, 3)) == ("locale-encoding-text-io", round(explain(error + english).matches[0].confidence, 3))


def test_chinese_words_that_only_look_like_a_translation_are_left_alone():
    from kerasdoctor.explain.normalize import python_words_from_translation

    text = "报错：模块加载失败，没有属性文件，类型错误的原因不明"
    assert python_words_from_translation(text) == text
    # "incompatible" in the user's own words names no layer's input
    text = "报错：层不兼容的问题怎么办，tensorflow 和 keras 版本不兼容"
    assert python_words_from_translation(text) == text


def test_a_traceback_cut_before_its_message_on_an_import_statement_is_read_as_that_import_failing():
    from kerasdoctor.explain.extract import import_failures

    assert import_failures("from a.b import c, d as e") == [
        ("ImportError", "cannot import name 'c' from 'a.b'"),
        ("ImportError", "cannot import name 'd' from 'a.b'"),
        ("ModuleNotFoundError", "No module named 'a.b'"),
    ]
    assert import_failures("import a.b as ab, c") == [("ModuleNotFoundError", "No module named 'a.b'"), ("ModuleNotFoundError", "No module named 'c'")]
    # a star import may fail inside the module it loads (a DLL), and other code is no import
    assert import_failures("from tensorflow.python._pywrap_tensorflow_internal import *") == []
    assert import_failures("model = load_model(path)") == []
    head = (
        "Traceback (most recent call last):\n"
        '  File "demo.py", line 3, in <module>\n'
        "    import mrcnn.model as modellib\n"
        '  File "/content/Mask_RCNN/mrcnn/model.py", line 21, in <module>\n'
    )
    top = explain(head + "    from keras.engine.topology import Layer\n").matches[0]
    assert top.name == "keras-internal-module-paths" and top.kind == "frames" and top.confidence < CONFIDENT
    # the same traceback stopping on a line that is no import says nothing of that family
    assert all(m.name != "keras-internal-module-paths" for m in explain(head + "    layer = Layer()\n").matches)


def test_bold_list_items_of_a_pasted_report_are_read_without_the_stars():
    from kerasdoctor.explain.normalize import strip_markdown

    # conda's solver report pasted into an issue with its lines made bold (github.com/tensorflow/tensorflow/issues/43861)
    assert strip_markdown(["  **- tensorflow-base -> python[version='3.7.*']**", "**Specifications:** "]) == [
        "  - tensorflow-base -> python[version='3.7.*']",
        "Specifications: ",
    ]
    # Python's **kwargs and a bare "**- " stay as written
    assert strip_markdown(["f(**kwargs)", "a **- b"]) == ["f(**kwargs)", "a **- b"]
    text = (
        "UnsatisfiableError: The following specifications were found\n"
        "to be incompatible with the existing python installation in your environment:\n\n"
        "**Specifications:** \n\n"
        "  **- tensorflow-base -> python[version='>=3.5,<3.6.0a0|>=3.6,<3.7.0a0|>=3.7,<3.8.0a0']**\n\n"
        "**Your python: python=3.8**\n"
    )
    found = top(text)
    assert found is not None and (found.name, found.kind) == ("no-tensorflow-wheel-for-python", "wording")


def test_a_message_that_lost_its_markdown_code_marks_is_read_without_them():
    from kerasdoctor.kb import unmarked_pattern

    # an escaped backtick goes with its backslash; a wording without one is not read again
    assert unmarked_pattern(r"using a \`tf\.Tensor` as a Python `bool`") == r"using a tf\.Tensor as a Python bool"
    assert unmarked_pattern(r"No gradients provided for any variable") is None
    # TensorFlow prints `tf.Tensor` and `bool` in backticks; a page that rendered them as code, or a retyped title, has not
    found = top("OperatorNotAllowedInGraphError: iterating over tf.Tensor is not allowed in Graph execution")
    assert found is not None and (found.name, found.kind) == ("tensor-not-iterable", "wording")
    # a text no longer as printed is read below certainty, and says so
    assert found.confidence < CONFIDENT and any("backticks" in note for note in found.notes)
    found = top("OperatorNotAllowedInGraphError: using a tf.Tensor as a Python bool is not allowed in Graph execution")
    assert found is not None and (found.name, found.kind) == ("tensor-as-bool", "wording") and found.confidence < CONFIDENT
    # the printed form still reads at full strength
    marked = top("OperatorNotAllowedInGraphError: iterating over `tf.Tensor` is not allowed in Graph execution")
    assert marked is not None and marked.name == "tensor-not-iterable" and marked.confidence >= CONFIDENT


def test_a_message_without_its_code_marks_is_read_so_beside_words_that_kept_theirs():
    # an issue's words keep the inline code the page rendered (`RandomHeight`) while the message quoted in them lost
    # the backticks Keras printed around `Dense` and `None`: the message is still read without them, below certainty
    text = (
        "adding the preprocessing layer `tf.keras.layers.experimental.preprocessing.RandomHeight` causes an error:`"
        " ValueError: The last dimension of the inputs to Dense should be defined. Found None.\n`\n"
        "The classification model is a pretrained resnet50.\n"
    )
    found = top(text)
    assert found is not None and (found.name, found.kind) == ("undefined-last-dimension", "wording")
    assert found.confidence < CONFIDENT and any("backticks" in note for note in found.notes)


def test_a_framework_installed_as_an_egg_is_the_framework_not_a_library_calling_it():
    from kerasdoctor.explain.match import _called_from

    egg = "/usr/local/lib/python2.7/site-packages/Keras-1.0.3-py2.7.egg/keras"
    text = (
        "Traceback (most recent call last):\n"
        '  File "model.py", line 12, in <module>\n'
        '    r = Reshape((k, ), name="r")(r_)\n'
        f'  File "{egg}/engine/topology.py", line 485, in __call__\n'
        "    self.add_inbound_node(inbound_layers, node_indices, tensor_indices)\n"
        f'  File "{egg}/layers/core.py", line 201, in _fix_unknown_dimension\n'
        "    raise ValueError(msg)\n"
        "ValueError: total size of new array must be unchanged\n"
    )
    assert _called_from(extract_errors(text)[-1]) == "user"
    # the same call from inside another installed package is that package's
    wrapped = text.replace('"model.py", line 12, in <module>', '"/usr/local/lib/python2.7/site-packages/snli/model.py", line 12, in build')
    assert _called_from(extract_errors(wrapped)[-1]) == "library"


@pytest.mark.parametrize(
    ("text", "family"),
    [
        # the user's sentence ends at its colon, the message follows with its first words cut off
        (
            "When I call fit I get this error: expects 2 inputs, but it received 1 input tensors. "
            "Input received: [<tf.Tensor 'input_3:0' shape=(?, 1) dtype=float32>]",
            "model-input-count-mismatch",
        ),
        # the message's "#" lost before the layer's index (a page that took "#3" for a link), under the user's sentence
        (
            "Hello,\nloading the weights by name gives the following error:\n"
            '> Layer 3 (named "dense_1") expects 2 weight(s), but the saved weights have 0 element(s).\nAny idea?',
            "weights-layer-count-mismatch",
        ),
    ],
)
def test_a_message_introduced_by_the_users_sentence_and_its_colon_is_read_as_retyped(text, family):
    best = top(text)
    assert best is not None and best.rule.name == family and best.kind == "fuzzy", best
    assert best.confidence < CONFIDENT
    assert any("words left out" in note for note in best.notes)


def test_a_colon_after_a_word_of_the_message_does_not_end_the_users_words():
    # "object" is the message's own word: what stands before its colon is another subject, as without the colon
    best = top("TypeError: 'Sequential' object: unexpected keyword argument 'workers'")
    assert best is None or not any("words left out" in note for note in best.notes)


def test_a_message_in_one_line_triple_backticks_is_read_as_its_own_line():
    from kerasdoctor.explain.normalize import strip_markdown

    # GitHub shows ```...``` opened and closed on one line as inline code (keras-team/keras#11796)
    assert strip_markdown(["I get ``` OSError: Unable to open file ``` when calling `load_weights()`."]) == [
        "I get",
        "OSError: Unable to open file",
        "when calling `load_weights()`.",
    ]
    # a span that is not closed on its line stays as written
    assert strip_markdown(["see ```AttributeError: x", "```"]) == ["see ```AttributeError: x"]
    text = (
        "I got to the point where training runs, but for some reason it throws this error:\n"
        "``` OSError: Unable to open file (unable to lock file, errno = 35, error message = 'Resource temporarily "
        "unavailable') ``` when trying to call `model.load_weights()`.\n"
    )
    found = top(text)
    assert found is not None and found.name == "h5-file-locked" and found.confidence >= CONFIDENT

"""Confidence when several families' wordings fit one line: only evidence beyond the line may make one certain."""

from __future__ import annotations

import json
from pathlib import Path

from kerasdoctor.explain import explain
from kerasdoctor.kb import load_rules
from kerasdoctor.types import CONFIDENT
from tests.test_ground_truth import as_printed

RULES = load_rules()
CAPTURED = Path(__file__).resolve().parent.parent / "fixtures" / "ground_truth" / "messages.jsonl"
GROUND_TRUTH = [json.loads(line) for line in CAPTURED.read_text(encoding="utf-8").splitlines()]

# https://github.com/keras-team/keras/issues/3009 (Keras 1.0.4): the labels were right, the
# loss was sparse_categorical_crossentropy and Keras's check ignored it; the same line is
# printed for integer labels given to categorical_crossentropy and for a too-wide output layer
TARGET_LINE = "Exception: Error when checking model target: expected activation_6 to have shape (None, 10) but got array with shape (3, 1)\n"


def names(matches) -> list[str]:
    return [m.rule.name for m in matches]


def test_two_families_fitting_one_line_are_ranked_but_neither_is_certain() -> None:
    matches = explain(TARGET_LINE, rules=RULES, versions={}).matches
    assert names(matches)[:2] == ["categorical-labels-not-one-hot", "target-shape-mismatch"]
    assert all(m.confidence < CONFIDENT for m in matches)
    assert matches[0].confidence > matches[1].confidence
    assert any("target-shape-mismatch" in note for note in matches[0].notes)


def test_a_line_only_one_family_claims_keeps_its_full_confidence() -> None:
    # a Keras 3 family of its own: no other wording fits it
    text = "ValueError: Unknown layer: Functional\n"
    matches = explain(text, rules=RULES, versions={}).matches
    assert names(matches) == ["model-from-newer-keras"]
    assert matches[0].confidence >= CONFIDENT
    assert not any("does not tell" in note for note in matches[0].notes)


def test_a_generic_wording_beside_a_specific_one_leaves_the_specific_one_certain() -> None:
    # module-has-no-attribute fits every such line at a low confidence: not a rival of the family it generalises
    text = "AttributeError: module 'keras._tf_keras.keras.backend' has no attribute 'set_session'. Did you mean: 'set_epsilon'?\n"
    matches = explain(text, rules=RULES, versions={}).matches
    assert names(matches)[0] == "backend-session-removed"
    assert "module-has-no-attribute" in names(matches)
    assert matches[0].confidence >= CONFIDENT


def test_a_condition_the_traceback_shows_separates_families_the_line_does_not() -> None:
    # "Unknown loss function" is printed by load_model (a custom loss) and by compile (a misspelt
    # name); load_model among the frames of this real capture (tf-keras 2.15) says which
    entry = next(e for e in GROUND_TRUTH if e["message"].startswith("Unknown loss function: 'my_loss'") and e["frames"])
    traceback = as_printed(entry)
    assert "in load_model" in traceback
    shown = explain(traceback, rules=RULES, versions={}).matches
    assert names(shown)[0] == "custom-loss-on-load"
    assert shown[0].confidence >= CONFIDENT
    bare = explain(f"ValueError: {entry['message']}", rules=RULES, versions={}).matches
    assert names(bare)[:2] == ["custom-loss-on-load", "unknown-loss-or-metric-name"]
    assert bare[0].confidence < CONFIDENT


# Keras 2.2 (https://github.com/GussailRaat/EMNLP-19-IIM/issues/2): the target check compares the targets
# with the model's output, so a model output of the wrong rank prints the same line as wrong targets
RANK_LINE = "ValueError: Error when checking target: expected final_output to have 3 dimensions, but got array with shape (169, 3)\n"


def test_a_wording_shared_with_another_family_is_not_certain_and_names_it() -> None:
    matches = explain(RANK_LINE, rules=RULES, versions={}).matches
    assert names(matches)[0] == "target-shape-mismatch"
    assert matches[0].kind == "wording"
    assert matches[0].confidence < CONFIDENT
    assert any("output-rank-mismatch" in note for note in matches[0].notes)
    shared = next(m for m in matches if m.rule.name == "output-rank-mismatch")
    assert shared.kind == "raise-site"
    assert shared.confidence < matches[0].confidence


def test_a_condition_the_traceback_shows_keeps_a_shared_wording_certain() -> None:
    from kerasdoctor.explain.extract import extract_errors
    from kerasdoctor.explain.match import match_error
    from kerasdoctor.types import ErrorPattern, Rule

    def rule_with(where: dict[str, tuple[str, ...]]) -> Rule:
        pattern = ErrorPattern(
            pattern=r"when checking target: expected \S+ to have \d+ dimensions", types=("ValueError",), where=where, shared_with=("output-rank-mismatch",)
        )
        return Rule(id="KD999", name="target-rank", title="t", severity="error", category="shapes", docs={}, errors=(pattern,))

    traceback = (
        "Traceback (most recent call last):\n"
        '  File "train.py", line 9, in <module>\n    model.fit(x, y)\n'
        '  File "/usr/lib/python3.6/site-packages/keras/engine/training.py", line 952, in fit\n    batch_size=batch_size)\n'
        '  File "/usr/lib/python3.6/site-packages/keras/engine/training_utils.py", line 128, in standardize_input_data\n    str(data_shape))\n' + RANK_LINE
    )
    records = extract_errors(traceback)
    shown = match_error(records, [rule_with({"frame_function": ("fit",)})], {})
    unshown = match_error(records, [rule_with({})], {})
    assert shown[0].confidence >= CONFIDENT
    assert unshown[0].confidence < CONFIDENT


def test_rules_check_names_a_shared_family_that_does_not_exist(tmp_path: Path) -> None:
    import io

    from kerasdoctor.rulecheck import check_rule_dirs

    sample = Path(__file__).resolve().parent / "data" / "rules_sample" / "KD990-sample-marshal.yaml"
    text = sample.read_text(encoding="utf-8").replace("    confidence: 0.99\n", "    confidence: 0.99\n    shared_with: [no-such-family]\n", 1)
    (tmp_path / sample.name).write_text(text, encoding="utf-8")
    out = io.StringIO()
    assert check_rule_dirs([str(tmp_path)], out) == 1
    assert "errors[0].shared_with: 'no-such-family' is not the name of another loaded rule" in out.getvalue()


def test_a_log_where_two_families_are_each_sure_of_a_different_line_is_sure_of_neither() -> None:
    # https://github.com/tensorflow/tensorflow/issues/64035: the validation data ran out, so val_loss was
    # missing for the checkpoint callback; each warning alone is certain of its own family
    ran_out = (
        "WARNING:tensorflow:Your input ran out of data; interrupting training. Make sure that your dataset or generator can generate "
        "at least `steps_per_epoch * epochs` batches (in this case, 25 batches). You may need to use the repeat() function when "
        "building your dataset.\n"
    )
    monitor = "WARNING:tensorflow:Can save best model only with val_loss available, skipping.\n"
    for line in (ran_out, monitor):
        assert explain(line, rules=RULES, versions={}).matches[0].confidence >= CONFIDENT
    both = explain(ran_out + monitor + monitor, rules=RULES, versions={}).matches
    assert {"input-ran-out-of-data", "callback-monitor-metric-missing"} <= set(names(both)[:2])
    assert all(m.confidence < CONFIDENT for m in both)
    assert any("more than one problem" in note for note in both[0].notes)
    # a notice of severity info (Keras 3.15's legacy HDF5 warning, reproduced in rules/KD214) is no second problem
    notice = (
        "WARNING:absl:You are saving your model as an HDF5 file via `model.save()` or `keras.saving.save_model(model)`. "
        "This file format is considered legacy. We recommend using instead the native Keras format, e.g. "
        "`model.save('my_model.keras')` or `keras.saving.save_model(model, 'my_model.keras')`.\n"
    )
    with_notice = explain(ran_out + notice, rules=RULES, versions={}).matches
    assert names(with_notice)[0] == "input-ran-out-of-data"
    assert with_notice[0].confidence >= CONFIDENT


def test_a_shared_with_that_is_not_a_list_of_names_is_a_problem_of_that_file(tmp_path: Path) -> None:
    from kerasdoctor.kb import load_rule_dir

    sample = Path(__file__).resolve().parent / "data" / "rules_sample" / "KD990-sample-marshal.yaml"
    text = sample.read_text(encoding="utf-8").replace("    confidence: 0.99\n", "    confidence: 0.99\n    shared_with: Target Shape\n", 1)
    (tmp_path / sample.name).write_text(text, encoding="utf-8")
    loaded = load_rule_dir(str(tmp_path))
    assert not loaded.rules
    assert any("errors[0].shared_with: must be a list of rule names" in problem for problem in loaded.problems)


def test_a_few_words_of_an_error_quoted_in_a_sentence_name_the_family_below_certainty() -> None:
    # tf.keras 2.x DirectoryIterator's message, quoted in the user's own question: the check, not its cause
    best = explain("I get 'Found 0 images belonging to 0 classes' with flow_from_directory, why?").best
    assert best is not None and best.rule.name == "image-directory-empty"
    assert best.kind == "wording" and best.confidence < CONFIDENT
    # the same words pasted as the library printed them keep their certainty
    printed = explain("Found 0 images belonging to 0 classes.").best
    assert printed is not None and printed.rule.name == "image-directory-empty" and printed.confidence >= CONFIDENT


def test_a_whole_message_quoted_in_a_sentence_keeps_its_certainty() -> None:
    # Keras 2.x training_generator's warning, quoted whole inside a question
    text = (
        "why do I get 'Your input ran out of data; interrupting training. Make sure that your dataset or generator "
        "can generate at least `steps_per_epoch * epochs` batches (in this case, 500 batches).' after one epoch?"
    )
    best = explain(text).best
    assert best is not None and best.rule.name == "input-ran-out-of-data" and best.confidence >= CONFIDENT


def _never_called_traceback(caller_path: str) -> str:
    # Keras 3.15's wording (reproduced here), reached from a caller at caller_path
    return (
        "Traceback (most recent call last):\n"
        f'  File "{caller_path}", line 10, in build_descriptor\n'
        "    return keras.Model(inputs=model.input, outputs=model.layers[-2].output)\n"
        '  File "/venv/lib/python3.11/site-packages/keras/src/ops/operation.py", line 377, in input\n'
        '    return self._get_node_attribute_at_index(0, "input_tensors", "input")\n'
        '  File "/venv/lib/python3.11/site-packages/keras/src/ops/operation.py", line 408, in _get_node_attribute_at_index\n'
        "    raise AttributeError(\n"
        "AttributeError: The layer sequential has never been called and thus has no defined input.\n"
    )


def test_who_called_into_keras_tells_a_library_written_for_keras_2_from_the_users_own_model() -> None:
    from_library = explain(_never_called_traceback("/venv/lib/python3.11/site-packages/facelib/model.py"), rules=RULES, versions={}).matches
    assert names(from_library)[:2] == ["library-needs-tf-keras", "layer-never-called"]
    assert from_library[0].confidence >= CONFIDENT
    from_user = explain(_never_called_traceback("/home/me/project/train.py"), rules=RULES, versions={}).matches
    assert names(from_user)[0] == "layer-never-called"
    assert "library-needs-tf-keras" not in names(from_user)


def test_a_traceback_cut_before_keras_does_not_say_who_called_it() -> None:
    cut = (
        "Traceback (most recent call last):\n"
        '  File "/home/me/project/analyze.py", line 3, in <module>\n'
        "    objs = DeepFace.analyze(img_path)\n"
        "ValueError: The layer sequential_4 has never been called and thus has no defined input.\n"
    )
    matches = explain(cut, rules=RULES, versions={}).matches
    assert names(matches)[:2] == ["layer-never-called", "library-needs-tf-keras"]
    assert matches[0].confidence < CONFIDENT


def _stated_above_frames_cut_in(last_path: str) -> str:
    # an issue that states the error first, then pastes the traceback trimmed before Keras's frames
    return (
        "ValueError: The layer sequential_1 has never been called and thus has no defined input.\n"
        "Traceback (most recent call last):\n"
        '  File "/home/me/project/analyze.py", line 3, in <module>\n'
        "    objs = facelib.analyze(img_path)\n"
        f'  File "{last_path}", line 157, in analyze\n'
        '    age = build_model("Age").predict(img)\n'
    )


def test_a_traceback_cut_inside_an_installed_library_shows_the_library_called_keras() -> None:
    matches = explain(_stated_above_frames_cut_in("/venv/lib/python3.11/site-packages/facelib/demography.py"), rules=RULES, versions={}).matches
    assert names(matches)[:2] == ["library-needs-tf-keras", "layer-never-called"]
    assert matches[0].confidence >= CONFIDENT
    # cut inside the user's own code, the frames do not say who called into Keras
    own = explain(_stated_above_frames_cut_in("/home/me/project/demography.py"), rules=RULES, versions={}).matches
    assert names(own)[0] == "layer-never-called"
    assert own[0].confidence < CONFIDENT


# CPython 3.11, a script named tensorflow.py that imports tensorflow (reproduced): the attribute
# exists in the real package, so no family that reads it as removed in a release may be sure
SHADOWED = "AttributeError: partially initialized module 'tensorflow' has no attribute 'placeholder' (most likely due to a circular import)\n"


def test_an_import_python_calls_circular_is_not_read_as_a_removed_name() -> None:
    matches = explain(SHADOWED, rules=RULES, versions={}).matches
    assert names(matches)[0] == "module-has-no-attribute"
    assert matches[0].confidence >= CONFIDENT
    removed = [m for m in matches if m.rule.name == "tf1-api-in-tf2"]
    assert removed and removed[0].confidence < CONFIDENT
    # without Python's words the same name is the TF 1 API, as sure as before
    plain = explain(SHADOWED.split(" (most likely")[0].replace("partially initialized ", "") + "\n", rules=RULES, versions={}).matches
    assert names(plain)[0] == "tf1-api-in-tf2"


def test_a_module_that_is_not_a_package_is_a_local_file_not_a_removed_submodule() -> None:
    # keras-internal-module-paths would name keras.engine as removed; Python says keras is a plain module here
    text = "ModuleNotFoundError: No module named 'keras.engine'; 'keras' is not a package\n"
    matches = explain(text, rules=RULES, versions={}).matches
    assert names(matches)[:2] == ["module-has-no-attribute", "keras-internal-module-paths"]
    assert matches[0].confidence >= CONFIDENT > matches[1].confidence


def test_a_missing_keras_history_names_every_cause_keras_2_prints_it_for() -> None:
    # Keras 2 reads _keras_history from every tensor it builds a model from: a raw op's output, another
    # Keras implementation's tensor and a library of another Keras version all lack it
    matches = explain("AttributeError: 'Tensor' object has no attribute '_keras_history'\n", rules=RULES, versions={}).matches
    assert names(matches)[0] == "raw-op-on-keras-tensor"
    assert matches[0].confidence < CONFIDENT
    assert {"keras-implementations-mixed-layer", "keras-object-attribute-of-another-version"} <= set(names(matches))


def test_a_traceback_through_the_users_own_tensorflow_py_is_not_sure_of_a_removed_name() -> None:
    # Python 3.7 and 2.x do not say "partially initialized": the frame of a tensorflow.py outside
    # site-packages shows the script itself was imported as tensorflow
    raised = "    x = tf.placeholder(tf.float32, [None, 784])\nAttributeError: module 'tensorflow' has no attribute 'placeholder'\n"
    own_file = f'Traceback (most recent call last):\n  File "/home/u/proj/tensorflow.py", line 3, in <module>\n{raised}'
    shadowed = explain(own_file, rules=RULES, versions={}).matches
    # the script being the module the message names is the cause named first (module-has-no-attribute's user_file
    # wording); the removed name stays a candidate, below certainty
    assert names(shadowed)[0] == "module-has-no-attribute"
    removed = [m for m in shadowed if m.rule.name == "tf1-api-in-tf2"]
    assert removed and removed[0].confidence < CONFIDENT
    elsewhere = explain(own_file.replace("/home/u/proj/tensorflow.py", "/home/u/proj/train.py"), rules=RULES, versions={}).matches
    assert names(elsewhere)[0] == "tf1-api-in-tf2"
    assert elsewhere[0].confidence >= CONFIDENT


def test_a_script_named_after_any_package_it_imports_is_the_cause_when_the_frames_show_it() -> None:
    # a library built on Keras is shadowed like Keras itself: the user's keras_ocr.py running `import keras_ocr`
    # imports the script, whose module then lacks the package's attribute
    raised = "    pipeline = keras_ocr.pipeline.Pipeline()\nAttributeError: module 'keras_ocr' has no attribute 'pipeline'\n"
    own_file = (
        'Traceback (most recent call last):\n  File "keras_ocr.py", line 3, in <module>\n    import keras_ocr\n'
        f'  File "/home/u/proj/keras_ocr.py", line 7, in <module>\n{raised}'
    )
    shadowed = explain(own_file, rules=RULES, versions={}).matches
    assert names(shadowed)[0] == "module-has-no-attribute"
    assert shadowed[0].confidence >= CONFIDENT
    # a script of another name shows nothing of the kind: only the generic reading, below certainty
    elsewhere = explain(own_file.replace("keras_ocr.py", "ocr_demo.py"), rules=RULES, versions={}).matches
    assert names(elsewhere)[0] == "module-has-no-attribute"
    assert elsewhere[0].confidence < CONFIDENT


def test_a_tf_hub_cache_folder_without_its_model_is_not_a_wrong_working_directory() -> None:
    # the OS empties TF Hub's cache in the temp directory and leaves the folder: deleting it is the cure, so the
    # message's path is no sign of the user's own path resolved against the wrong directory
    missing = "OSError: SavedModel file does not exist at: {}/{{saved_model.pbtxt|saved_model.pb}}\n"
    cached = missing.format("/var/folders/9y/T/tfhub_modules/145bb06ec3b59b08fb564ab752bd5aa222bfb50a")
    assert all(m.rule.name != "model-file-not-found" or m.confidence < CONFIDENT for m in explain(cached, rules=RULES, versions={}).matches)
    own = explain(missing.format("saved/my_model"), rules=RULES, versions={}).matches
    assert names(own)[0] == "model-file-not-found" and own[0].confidence >= CONFIDENT


def test_a_wording_found_only_with_case_ignored_is_not_certain() -> None:
    # unknown-identifier's wording is written for a lowercase string ('adamm'); a class name such as
    # RAdam (keras-radam's optimizer, CyberZHG/keras-radam#16) fits it only once case is ignored
    typo = explain("ValueError: Unknown optimizer: adamm\n", rules=RULES, versions={}).matches
    assert names(typo)[0] == "unknown-identifier"
    assert typo[0].confidence >= CONFIDENT
    class_name = explain("ValueError: Unknown optimizer: RAdam\n", rules=RULES, versions={}).matches
    assert class_name and class_name[0].confidence < CONFIDENT


# tf-keras 2.21 (reproduced here): bool() and len() of a KerasTensor both end in KerasTensor.__len__
LEN_MESSAGE = (
    "TypeError: Keras symbolic inputs/outputs do not implement `__len__`. You may be trying to pass TF-Keras symbolic "
    "inputs/outputs to a TF API that does not register dispatching, preventing TF-Keras from automatically converting "
    "the API call to a lambda layer in the Functional Model. This error will also get raised if you try asserting a "
    "symbolic input/output directly.\n"
)


def _len_traceback(calling_line: str) -> str:
    return (
        "Traceback (most recent call last):\n"
        f'  File "/tmp/agent.py", line 5, in <module>\n    {calling_line}\n'
        '  File "/work/venv/lib/python3.11/site-packages/tf_keras/src/engine/keras_tensor.py", line 251, in __len__\n'
        "    raise TypeError(\n" + LEN_MESSAGE
    )


def test_the_line_that_called_a_shared_dunder_tells_len_from_bool() -> None:
    by_len = explain(_len_traceback("if hasattr(model.output, '__len__') and len(model.output) > 1:"), rules=RULES, versions={}).matches
    assert names(by_len)[0] == "tensor-not-iterable"
    assert by_len[0].confidence >= CONFIDENT
    by_bool = explain(_len_traceback("if inp:"), rules=RULES, versions={}).matches
    assert names(by_bool)[0] == "tensor-as-bool"
    assert "tensor-not-iterable" not in [m.rule.name for m in by_bool if m.kind == "wording"]
    # the message alone names `__len__`, and the public reports of it are len() calls (keras-rl's
    # len(model.output), keras-surgeon's utils): len() first, both below confident
    bare = explain(LEN_MESSAGE, rules=RULES, versions={}).matches
    assert names(bare)[:2] == ["tensor-not-iterable", "tensor-as-bool"]
    assert bare[0].confidence < CONFIDENT


# TF 2.21 running fixtures/repro/KD171_loss_name_rebound.py: the user's own line calls what its loss name now holds
REBOUND_LOSS = (
    "Traceback (most recent call last):\n"
    '  File "/tmp/KD171_loss_name_rebound.py", line 12, in <module>\n'
    "    loss = loss(y, model(x))\n"
    "           ^^^^^^^^^^^^^^^^^\n"
    "TypeError: 'tensorflow.python.framework.ops.EagerTensor' object is not callable\n"
)


def test_a_tensor_called_on_the_users_own_line_is_certain_and_the_bare_message_is_not() -> None:
    framed = explain(REBOUND_LOSS, rules=RULES, versions={}).matches
    assert names(framed)[0] == "tensor-called-as-function" and framed[0].confidence >= CONFIDENT
    # library code that calls what it was given prints the same words for a tensor passed where a callable belongs
    # (TF 2.0-2.10 Optimizer.minimize(loss_tensor): https://github.com/tensorflow/tensorflow/issues/28068)
    bare = explain("TypeError: 'Tensor' object is not callable\n", rules=RULES, versions={}).matches
    assert names(bare)[0] == "tensor-called-as-function" and bare[0].confidence < CONFIDENT
    optimizer_v2 = "/venv/lib/python3.8/site-packages/tensorflow/python/keras/optimizer_v2/optimizer_v2.py"
    inside_library = REBOUND_LOSS.replace("/tmp/KD171_loss_name_rebound.py", optimizer_v2)
    assert explain(inside_library, rules=RULES, versions={}).matches[0].confidence < CONFIDENT


# standalone Keras 2.1 on TF 1.x, https://github.com/keras-team/keras/issues/9142: the loss reaches no parameter,
# and get_updates computes with the None gradients
OLD_OPTIMIZER_UPDATE = (
    "Traceback (most recent call last):\n"
    '  File "model.py", line 255, in fit\n'
    "    updates = adam.get_updates(loss=K.constant(loss),constraints=[], params=self.model.trainable_weights)\n"
    '  File "/home/u/env/lib/python2.7/site-packages/keras/optimizers.py", line 398, in get_updates\n'
    "    m_t = (self.beta_1 * m) + (1. - self.beta_1) * g\n"
    '  File "/home/u/env/lib/python2.7/site-packages/tensorflow/python/ops/math_ops.py", line 829, in binary_op_wrapper\n'
    '    y = ops.convert_to_tensor(y, dtype=x.dtype.base_dtype, name="y")\n'
    "ValueError: None values not supported.\n"
)


def test_none_values_in_an_old_optimizers_update_are_missing_gradients_but_not_certainly() -> None:
    shown = explain(OLD_OPTIMIZER_UPDATE, rules=RULES, versions={}).matches
    assert names(shown)[:2] == ["no-gradients-provided", "none-value-to-tensor"]
    # a None hyperparameter (epsilon=None on Keras 2.1.0-2.1.3) fails on the same lines of get_updates
    assert shown[0].confidence < CONFIDENT
    bare = explain("ValueError: None values not supported.\n", rules=RULES, versions={}).matches
    assert names(bare)[0] == "none-value-to-tensor" and "no-gradients-provided" in names(bare)
    assert all(m.confidence < CONFIDENT for m in bare)
    # cut before its period, the message is the same check
    assert names(explain("ValueError: None values not supported", rules=RULES, versions={}).matches)[0] == "none-value-to-tensor"


def test_numpy_of_a_tensor_is_certain_only_where_the_paste_shows_traced_code() -> None:
    # TF 1.x graph mode without eager execution prints the same words as a traced function of TF 2.0-2.12
    bare = explain("AttributeError: 'Tensor' object has no attribute 'numpy'\n", rules=RULES, versions={}).matches
    assert names(bare)[0] == "numpy-in-graph-function" and bare[0].confidence < CONFIDENT
    # the class name of TF 2.13+ exists only in traced graphs
    symbolic = explain("AttributeError: 'SymbolicTensor' object has no attribute 'numpy'\n", rules=RULES, versions={}).matches
    assert names(symbolic)[0] == "numpy-in-graph-function" and symbolic[0].confidence >= CONFIDENT
    # Dataset.map's frames (TF 2.21, fixtures/repro/KD411_numpy_in_dataset_map.py; TF 2.0-2.12 named the class 'Tensor')
    traced = (
        "Traceback (most recent call last):\n"
        '  File "/venv/lib/python3.11/site-packages/tensorflow/python/data/ops/structured_function.py", line 161, in wrapper_helper\n'
        "    ret = autograph.tf_convert(self._func, ag_ctx)(*nested_args)\n"
        '  File "/venv/lib/python3.11/site-packages/tensorflow/python/autograph/impl/api.py", line 439, in converted_call\n'
        "    result = converted_f(*effective_args, **kwargs)\n"
        '  File "/venv/lib/python3.11/site-packages/tensorflow/python/framework/tensor.py", line 260, in __getattr__\n'
        "    self.__getattribute__(name)\n"
        "AttributeError: 'Tensor' object has no attribute 'numpy'\n"
    )
    shown = explain(traced, rules=RULES, versions={}).matches
    assert names(shown)[0] == "numpy-in-graph-function" and shown[0].confidence >= CONFIDENT


def test_concrete_shapes_that_differ_in_their_first_axis_are_a_weights_not_targets() -> None:
    # tensor_shape.assert_is_compatible_with words both checks alike: a loss's targets against the model's output
    # (which share the batch axis) and BaseResourceVariable.assign during load_weights (TF 1.15-2.4)
    targets = explain("ValueError: Shapes (None, 4) and (None, 10) are incompatible\n", rules=RULES, versions={}).matches
    assert names(targets)[0] == "target-shape-mismatch"
    # https://github.com/zzh8829/yolov3-tf2/issues/278: a 1-class head's bias against the 80-class checkpoint
    bias = explain("ValueError: Shapes (18,) and (255,) are incompatible\n", rules=RULES, versions={}).matches
    assert names(bias) == ["weights-shape-mismatch"] and bias[0].confidence < CONFIDENT
    kernel = explain("ValueError: Shapes (27, 27) and (8, 8) are incompatible\n", rules=RULES, versions={}).matches
    assert names(kernel)[0] == "weights-shape-mismatch"
    # the same axis, bare: nothing says which check printed it
    same_batch = explain("ValueError: Shapes (32, 4) and (32, 10) are incompatible\n", rules=RULES, versions={}).matches
    assert names(same_batch)[0] == "target-shape-mismatch" and same_batch[0].confidence < CONFIDENT
    # https://github.com/experiencor/keras-yolo3/issues/256: load_weights' assign among the frames says which
    loading = (
        "Traceback (most recent call last):\n"
        '  File "train.py", line 161, in create_model\n'
        "    template_model.load_weights(saved_weights_name)\n"
        '  File "/usr/local/lib/python3.7/site-packages/tensorflow_core/python/keras/backend.py", line 3323, in batch_set_value\n'
        "    x.assign(np.asarray(value, dtype=dtype(x)))\n"
        '  File "/usr/local/lib/python3.7/site-packages/tensorflow_core/python/ops/resource_variable_ops.py", line 819, in assign\n'
        "    self._shape.assert_is_compatible_with(value_tensor.shape)\n"
        "ValueError: Shapes (192, 320) and (192, 35) are incompatible\n"
    )
    shown = explain(loading, rules=RULES, versions={}).matches
    assert names(shown)[0] == "weights-shape-mismatch" and shown[0].confidence >= CONFIDENT


# cuDNN's version log line is printed before either failure; the line after it says which one happened
# (TF 1.x conv_ops.cc fatal check; TF 2.x conv_ops.cc OP_REQUIRES; both lines as public reports printed them)
CUDNN_VERSION_LINE = (
    "E tensorflow/stream_executor/cuda/cuda_dnn.cc:378] Loaded runtime CuDNN library: 7102 (compatibility version 7100)"
    " but source was compiled with 7004 (compatibility version 7000).  If using a binary install, upgrade your CuDNN library to match.\n"
)


def test_a_line_shared_by_families_yields_to_the_line_that_names_one_of_them() -> None:
    alone = explain(CUDNN_VERSION_LINE, rules=RULES, versions={}).matches
    assert names(alone)[:2] == ["dnn-library-not-found", "cudnn-failed-to-initialize"]
    failed = CUDNN_VERSION_LINE + "F tensorflow/core/kernels/conv_ops.cc:605] Check failed: stream->parent()->GetConvolveAlgorithms(&algorithms)\n"
    matches = explain(failed, rules=RULES, versions={}).matches
    assert names(matches)[:2] == ["cudnn-failed-to-initialize", "dnn-library-not-found"]
    assert matches[0].confidence >= matches[1].confidence
    assert any("names it" in note for note in matches[0].notes)
    missing = CUDNN_VERSION_LINE + "W op_kernel.cc:1830] OP_REQUIRES failed at conv_ops.cc:1068 : UNIMPLEMENTED: DNN library is not found."
    assert names(explain(missing, rules=RULES, versions={}).matches)[0] == "dnn-library-not-found"


def test_a_message_quoting_the_cause_above_a_shared_line_yields_to_the_cause() -> None:
    # https://github.com/tensorflow/tensorflow/issues/32383 (TF 2.0.0rc0): AutoGraph's warning cause and the
    # error that followed, quoted together in one sentence: the first line names why AutoGraph did not convert
    shared = (
        '"OperatorNotAllowedInGraphError: iterating over `tf.Tensor` is not allowed: AutoGraph did not convert this function.'
        ' Try decorating it directly with @tf.function."'
    )
    alone = explain("I get\n" + shared + "\n", rules=RULES, versions={}).matches
    assert names(alone)[0] == "tensor-not-iterable"
    cause = '"Cause: Bad argument number for Name: 3, expecting 4"\n'
    quoted = "I tried to run the exact same python code locally, giving same issue with\n" + cause + shared + "\n"
    matches = explain(quoted, rules=RULES, versions={}).matches
    assert names(matches)[:2] == ["gast-version-mismatch", "tensor-not-iterable"]
    assert any("names it" in note for note in matches[0].notes)


CONV_FAILED_LOG = (
    "W tensorflow/core/framework/op_kernel.cc:1745] OP_REQUIRES failed at conv_ops.cc:1120 : UNKNOWN: Failed to get convolution algorithm."
    " This is probably because cuDNN failed to initialize, so try looking to see if a warning log message was printed above.\n"
)


def test_a_log_line_beside_a_traceback_cut_before_its_message_is_not_discounted() -> None:
    cut = CONV_FAILED_LOG + 'Traceback (most recent call last):\n  File "train.py", line 115, in <module>\n    model.fit(x, y)\n'
    matches = explain(cut, rules=RULES, versions={}).matches
    assert names(matches)[0] == "cudnn-failed-to-initialize"
    assert matches[0].confidence >= CONFIDENT
    # beside an exception that says what broke, the same log line is only a hint
    whole = cut + "ValueError: could not convert string to float: 'abc'\n"
    beside = [m for m in explain(whole, rules=RULES, versions={}).matches if m.rule.name == "cudnn-failed-to-initialize"]
    assert beside and beside[0].confidence < CONFIDENT


DLL_INIT_FAILED = "ImportError: DLL load failed while importing _pywrap_tensorflow_internal: A dynamic link library (DLL) initialization routine failed."


def test_the_users_words_beside_a_shared_message_name_which_of_its_causes() -> None:
    # the Windows loader prints this for a wheel whose start-up code failed, a CPU without AVX among the causes
    bare = explain(DLL_INIT_FAILED, rules=RULES, versions={}).matches
    assert names(bare)[:2] == ["tensorflow-native-runtime-load-failed", "cpu-instructions-unsupported"]
    described = explain("My old Xeon CPU does not support AVX, and importing gives " + DLL_INIT_FAILED, rules=RULES, versions={}).matches
    assert names(described)[:2] == ["cpu-instructions-unsupported", "tensorflow-native-runtime-load-failed"]
    assert all(m.confidence < CONFIDENT for m in described)
    # words about something else leave the order as the message alone gives it
    other = explain("After installing tensorflow in a new conda env I get " + DLL_INIT_FAILED, rules=RULES, versions={}).matches
    assert names(other)[0] == "tensorflow-native-runtime-load-failed"


def test_the_users_title_on_another_line_names_which_cause_of_a_shared_message() -> None:
    # keras-team/keras#5521's shape: the question's title says what the code does, the message comes later on its own
    # line; "None values not supported" is printed for a None converted to a tensor and for the None gradients of a
    # non-differentiable op (Keras 2.1's optimizers)
    message = "ValueError: None values not supported."
    bare = explain(message, rules=RULES, versions={}).matches
    assert names(bare)[0] == "none-value-to-tensor"
    titled = explain("Error using tf.round() in my custom loss\n\nWhen I fit the model I get\n" + message, rules=RULES, versions={}).matches
    assert names(titled)[:2] == ["no-gradients-provided", "none-value-to-tensor"]
    assert all(m.confidence < CONFIDENT for m in titled)
    # the lines of a traceback are the library's, not a description: they name no cause
    frame = '  File "round_custom_loss.py", line 3, in <module>\n    model.add(Lambda(round_custom_layer))\n'
    traced = explain("Traceback (most recent call last):\n" + frame + message, rules=RULES, versions={}).matches
    assert names(traced)[0] == "none-value-to-tensor"


def test_the_library_message_itself_is_not_read_as_the_users_words_beside_it() -> None:
    # a paste that put words of its own on the exception's line (its class is then unknown): the words beside the
    # message are those words only, not the message, whose "cannot reshape array ... (size 30)" says reshape-size-mismatch
    pasted = (
        "Traceback (most recent call last):\n"
        '  File "train.py", line 5, in call\n'
        "    return keras.ops.reshape(t, (32, 5, 1))\n"
        "运行时报错：TypeError: Exception encountered when calling Seq.call().，求助\n\n"
        "cannot reshape array of shape (6, 5) (size 30) into shape (32, 5, 1) (size 160)\n"
    )
    matches = explain(pasted, rules=RULES, versions={}).matches
    assert names(matches)[:2] == ["batch-size-fixed-in-model", "reshape-size-mismatch"]


def test_a_message_found_only_in_its_normalised_copy_is_not_read_as_the_users_words() -> None:
    # retyped in Title Case, the wording is found case-blind in a normalised copy of the line: the line is still
    # the library's message, not a description naming cudnn-failed-to-initialize ("cudnn ... failure")
    matches = explain("CuDNN Launch Failure : Input Shape ([64,4,4,512]) [Op:FusedBatchNormV3]", rules=RULES, versions={}).matches
    assert names(matches)[0] == "dnn-library-not-found"


def test_the_users_words_choose_between_the_families_of_a_shared_shape_message() -> None:
    # a Dense built for flat features and a model built for images with a channel axis print the same check
    line = (
        "ValueError: Input 0 of layer dense is incompatible with the layer: "
        "expected axis -1 of input shape to have value 784 but received input with shape (None, 28, 28)"
    )
    assert names(explain(line, rules=RULES, versions={}).matches)[:2] == ["input-feature-mismatch", "input-rank-mismatch"]
    described = explain("My grayscale images are missing the channel dimension, fit gives " + line, rules=RULES, versions={}).matches
    assert names(described)[0] == "input-rank-mismatch"


def test_a_title_that_retells_the_message_does_not_describe_its_family() -> None:
    # NumPy's message is shared by ragged lists and by gym's (observation, info) reset tuple: the title only
    # retells it, so the user's own sentence decides
    line = "ValueError: setting an array element with a sequence."
    titled = "Setting array element with sequence\nMy DQN broke after updating gym: env.reset() now returns a tuple.\n" + line
    assert names(explain(titled, rules=RULES, versions={}).matches)[0] == "gym-new-step-reset-api"
    # a sentence of the user's own around the message still describes what they did
    told = "I get setting an array element with a sequence when I turn my list of sentences of different lengths into an array\n" + line
    assert names(explain(told, rules=RULES, versions={}).matches)[0] == "non-rectangular-sequence"


def _placeholder_traceback(calling_line: str, calling_path: str) -> str:
    return (
        "Traceback (most recent call last):\n"
        f'  File "{calling_path}", line 517, in placeholder\n'
        f"    {calling_line}\n"
        '  File "/usr/lib/python3.7/site-packages/tensorflow/python/ops/array_ops.py", line 2074, in placeholder\n'
        '    raise RuntimeError("tf.placeholder() is not compatible with "\n'
        "RuntimeError: tf.placeholder() is not compatible with eager execution.\n"
    )


def test_the_line_that_called_tf_placeholder_tells_the_users_tf1_code_from_multi_backend_keras() -> None:
    # the user's own TF 1 line: placeholder-eager-execution, sure of it
    own = explain(_placeholder_traceback("x = tf.placeholder(tf.float32, [None, 3])", "/home/u/train.py"), rules=RULES, versions={}).matches
    assert names(own)[0] == "placeholder-eager-execution" and own[0].confidence >= CONFIDENT
    assert "keras-tensorflow-version-mismatch" not in [m.rule.name for m in own if m.kind == "wording"]
    # keras 2.2.4's backend made the call (not_calling_code rules placeholder-eager-execution out)
    backend = explain(
        _placeholder_traceback("x = tf.placeholder(dtype, shape=shape, name=name)", "/usr/lib/python3.7/site-packages/keras/backend/tensorflow_backend.py"),
        rules=RULES,
        versions={},
    ).matches
    assert names(backend)[0] == "keras-tensorflow-version-mismatch" and backend[0].confidence >= CONFIDENT
    assert "placeholder-eager-execution" not in [m.rule.name for m in backend if m.kind == "wording"]
    # the bare line does not say who called it
    bare = explain("RuntimeError: tf.placeholder() is not compatible with eager execution.", rules=RULES, versions={}).matches
    assert names(bare)[0] == "placeholder-eager-execution" and bare[0].confidence < CONFIDENT


# start-up notices of TensorFlow 2.15+ (families of severity info) around the line that states the problem
_STARTUP_NOTICES = (
    "2023-10-01 12:00:00.100000: E external/local_xla/xla/stream_executor/cuda/cuda_dnn.cc:9261] Unable to register cuDNN "
    "factory: Attempting to register factory for plugin cuDNN when one has already been registered\n"
    "2023-10-01 12:00:00.200000: I tensorflow/core/platform/cpu_feature_guard.cc:182] This TensorFlow binary is optimized to "
    "use available CPU instructions in performance-critical operations.\n"
    "2023-10-01 12:00:01.000000: W tensorflow/compiler/tf2tensorrt/utils/py_utils.cc:38] TF-TRT Warning: Could not find TensorRT\n"
)


def test_a_problem_stated_on_an_info_line_outranks_the_start_up_notices_beside_it() -> None:
    line = (
        "2020-06-01 20:07:58.089327: I tensorflow/core/common_runtime/gpu/gpu_device.cc:1934] Ignoring visible gpu device "
        "(device: 0, name: GeForce GTX 760, pci bus id: 0000:01:00.0, compute capability: 3.0) with Cuda compute capability "
        "3.0. The minimum required Cuda capability is 3.5.\n"
    )
    for text in (_STARTUP_NOTICES + line, line + _STARTUP_NOTICES):
        explanation = explain(text, rules=RULES, versions={})
        assert names(explanation.matches)[0] == "gpu-compute-capability-unsupported"
        # the start-up line on INFO level is read for problems only: its notice is neither an answer nor an error shown
        assert "tensorflow-startup-info-logs" not in names(explanation.matches)
        assert not any("cpu_feature_guard" in r.message or r.message.startswith("This TensorFlow binary") for r in explanation.errors)


def test_a_crash_after_the_start_up_notices_is_answered_before_them() -> None:
    for text in (_STARTUP_NOTICES + "Illegal instruction (core dumped)\n", "Illegal instruction (core dumped)\n" + _STARTUP_NOTICES):
        assert names(explain(text, rules=RULES, versions={}).matches)[0] == "cpu-instructions-unsupported"


def test_a_message_printed_bare_before_the_shells_signal_report_is_read_for_its_wording() -> None:
    # TensorFlow's CPU feature guard prints its message without a log prefix and aborts; the commands the user typed
    # above it ("python -c \"import tensorflow\"") must not turn the paste into a described symptom
    text = (
        '> docker run -it tensorflow/tensorflow /bin/bash\n> python -c "import tensorflow"\n'
        "The TensorFlow library was compiled to use AVX instructions, but these aren't available on your machine.\n"
        "qemu: uncaught target signal 6 (Aborted) - core dumped\nAborted\n"
    )
    matches = explain(text, rules=RULES, versions={}).matches
    assert names(matches)[0] == "cpu-instructions-unsupported" and matches[0].kind == "wording"


def test_a_process_killed_after_the_start_up_notices_is_answered_before_them() -> None:
    # PyCharm's report of SIGKILL (the out-of-memory killer, as a rule) ends the run the notices began
    text = _STARTUP_NOTICES + "Epoch 1/10\n\nProcess finished with exit code 137 (interrupted by signal 9: SIGKILL)\n"
    assert names(explain(text, rules=RULES, versions={}).matches)[0] == "out-of-memory"


def test_info_lines_alone_are_still_read_for_their_notice() -> None:
    text = "I tensorflow/core/platform/cpu_feature_guard.cc:142] Your CPU supports instructions that this TensorFlow binary was not compiled to use: AVX2\n"
    assert names(explain(text, rules=RULES, versions={}).matches)[0] == "tensorflow-startup-info-logs"


def test_only_the_top_of_a_long_paste_is_read_for_the_users_own_lines():
    from kerasdoctor.explain.match import MAX_PROSE_CHARS, _own_lines

    title = "my custom loss uses K.round"
    log = "".join(f"step {i} loss 0.5\n" for i in range(MAX_PROSE_CHARS // 10))
    assert title in _own_lines(f"{title}\n{log}ValueError: None values not supported.\n", [], "None values not supported")
    assert title not in _own_lines(f"{log}{title}\nValueError: None values not supported.\n", [], "None values not supported")


def test_a_nan_progress_bar_is_not_certain_and_lists_first_the_cause_the_words_describe() -> None:
    # "loss: nan" is printed whatever made the loss nan: the umbrella family stays below CONFIDENT, and of the
    # causes it shares the line with, the one the user's words describe comes right after it
    bar = "100/100 - 1s - loss: nan - accuracy: 0.0410"
    sparse = explain(f"I use sparse_categorical_crossentropy on the GPU and every epoch prints\n{bar}", rules=RULES, versions={}).matches
    assert names(sparse)[:2] == ["nan-loss", "sparse-label-out-of-range"] and sparse[0].confidence < CONFIDENT
    rate = explain(f"I set the learning rate of SGD to 10 and then\n{bar}", rules=RULES, versions={}).matches
    assert names(rate)[:2] == ["nan-loss", "learning-rate-extreme"]
    bare = explain(bar, rules=RULES, versions={}).matches
    assert names(bare)[0] == "nan-loss" and {"sparse-label-out-of-range", "learning-rate-extreme"} <= set(names(bare))


def test_a_call_on_the_users_line_shows_the_function_ran_when_keras_filters_its_frames() -> None:
    """Keras 3 drops the frames between ``model.load_weights(...)`` and the raising one: the user's line shows the call."""
    from kerasdoctor.explain.extract import extract_errors
    from kerasdoctor.explain.match import match_error
    from kerasdoctor.types import ErrorPattern, Rule

    pattern = ErrorPattern(pattern=r"could not be loaded", types=("ValueError",), where={"frame_function": ("load_weights",)})
    rule = Rule(id="KD999", name="weights", title="t", severity="error", category="saving", docs={}, errors=(pattern,))

    def traceback(call: str) -> str:
        return (
            "Traceback (most recent call last):\n"
            f'  File "train.py", line 5, in <module>\n    {call}\n'
            '  File "/usr/lib/python3.11/site-packages/keras/src/utils/traceback_utils.py", line 122, in error_handler\n'
            "    raise e.with_traceback(filtered_tb) from None\n"
            '  File "/usr/lib/python3.11/site-packages/keras/src/saving/saving_lib.py", line 712, in _raise_loading_failure\n'
            "    raise ValueError(msg)\n"
            "ValueError: A total of 1 objects could not be loaded.\n"
        )

    assert match_error(extract_errors(traceback('model.load_weights("a.weights.h5")')), [rule], {})
    assert not match_error(extract_errors(traceback('keras.models.load_model("m.keras")')), [rule], {})
    assert not match_error(extract_errors(traceback('model.reload_weights("a.weights.h5")')), [rule], {})


def test_frames_of_a_cut_traceback_show_what_ran_not_what_did_not() -> None:
    """An error stated above a traceback trimmed before its raising frame: a frame it keeps confirms a condition,
    a frame it lacks denies none (it may have been cut away)."""
    from kerasdoctor.explain.extract import extract_errors
    from kerasdoctor.explain.match import match_error
    from kerasdoctor.types import ErrorPattern, Rule

    def rule(function: str) -> Rule:
        pattern = ErrorPattern(pattern=r"passed to LSTM: \{'time_major'", types=("ValueError",), where={"frame_function": (function,)}, confidence=0.9)
        return Rule(id="KD999", name="x", title="t", severity="error", category="saving", docs={}, errors=(pattern,))

    stated = "I get the error: ValueError: Unrecognized keyword arguments passed to LSTM: {'time_major': False}.\n\n"
    frames = (
        "Traceback (most recent call last):\n"
        '  File "run.py", line 3, in <module>\n'
        "    model = keras.models.load_model('old.h5')\n"
        '  File "/usr/lib/python3.11/site-packages/keras/src/saving/saving_api.py", line 196, in load_model\n'
        "    return legacy_h5_format.load_model_from_hdf5(\n"
    )
    shown = match_error(extract_errors(stated + frames), [rule("load_model")], {})
    cut_away = match_error(extract_errors(stated + frames), [rule("from_config")], {})
    bare = match_error(extract_errors(stated), [rule("from_config")], {})
    assert shown and cut_away and bare
    assert shown[0].confidence > cut_away[0].confidence == bare[0].confidence
    whole = frames + "ValueError: Unrecognized keyword arguments passed to LSTM: {'time_major': False}\n"
    assert not match_error(extract_errors(whole), [rule("from_config")], {})


def test_a_message_any_code_prints_names_the_callback_family_only_where_its_raising_line_is_shown() -> None:
    # callback-validation-data-unset: tf.keras / tf-keras leave Callback.validation_data None (reproduced, tf-keras 2.21)
    bare = explain("TypeError: 'NoneType' object is not subscriptable\n", rules=RULES, versions={}).matches
    assert "callback-validation-data-unset" not in names(bare)
    shown = (
        "Traceback (most recent call last):\n"
        '  File "/tmp/repro/cb.py", line 9, in <module>\n'
        "    model.fit(x, y, validation_data=(x, y), epochs=1, verbose=0, callbacks=[Sens()])\n"
        '  File "/tmp/repro/cb.py", line 5, in on_epoch_end\n'
        "    x_val = self.validation_data[0]\n"
        "TypeError: 'NoneType' object is not subscriptable\n"
    )
    matches = explain(shown, rules=RULES, versions={}).matches
    assert names(matches)[0] == "callback-validation-data-unset" and matches[0].confidence >= CONFIDENT
    other_line = shown.replace("x_val = self.validation_data[0]", "img = img[:, :, ::-1]")
    worded = [m for m in explain(other_line, rules=RULES, versions={}).matches if m.kind == "wording"]
    assert "callback-validation-data-unset" not in names(worded)


def test_a_library_bug_one_call_reaches_is_named_only_where_the_calling_line_is_shown() -> None:
    # mha-attention-scores-symbolic-keras30 (shown_calling_code): reproduced with keras 3.2.1; the bare message stays
    # with its usual family, tensor-not-iterable, and the bug's rule is no rival there
    bare = explain("NotImplementedError: Iterating over a symbolic KerasTensor is not supported.\n", rules=RULES, versions={}).matches
    assert "mha-attention-scores-symbolic-keras30" not in names(bare)
    assert names(bare)[0] == "tensor-not-iterable"
    shown = (
        "Traceback (most recent call last):\n"
        '  File "/tmp/repro/mha.py", line 6, in <module>\n'
        "    out, scores = mha(q, v, return_attention_scores=True)\n"
        '  File "/tmp/k321/keras/src/backend/common/keras_tensor.py", line 120, in __iter__\n'
        "    raise NotImplementedError(\n"
        "NotImplementedError: Iterating over a symbolic KerasTensor is not supported.\n"
    )
    matches = explain(shown, rules=RULES, versions={}).matches
    assert names(matches)[0] == "mha-attention-scores-symbolic-keras30" and matches[0].confidence >= CONFIDENT
    other_call = shown.replace("out, scores = mha(q, v, return_attention_scores=True)", "a, b = dense(q)")
    assert names(explain(other_call, rules=RULES, versions={}).matches)[0] == "tensor-not-iterable"


def test_a_message_other_misuses_print_names_the_restored_savedmodel_only_where_its_frame_is_shown() -> None:
    # savedmodel-loaded-as-generic-object (shown_frame_function): reproduced with tf-keras 2.21,
    # fixtures/repro/KD218_saved_model_load_on_keras_input.py; the bare message stays with raw-op-on-keras-tensor
    message = (
        "TypeError: You are passing KerasTensor(type_spec=TensorSpec(shape=(None, 4), dtype=tf.float32, name='input_2'), "
        "name='input_2', description=\"created by layer 'input_2'\"), an intermediate TF-Keras symbolic input/output, "
        "to a TF API that does not allow registering custom dispatchers, such as `tf.cond`, `tf.function`, gradient "
        "tapes, or `tf.map_fn`.\n"
    )
    bare = explain(message, rules=RULES, versions={}).matches
    assert "savedmodel-loaded-as-generic-object" not in names(bare)
    shown = (
        "Traceback (most recent call last):\n"
        '  File "/tmp/repro/load.py", line 12, in <module>\n'
        "    outputs = loaded(inputs, training=False)\n"
        '  File "/venv/lib/python3.11/site-packages/tensorflow/python/saved_model/load.py", line 817, in _call_attribute\n'
        "    return instance.__call__(*args, **kwargs)\n"
        '  File "/venv/lib/python3.11/site-packages/tf_keras/src/engine/keras_tensor.py", line 290, in __array__\n'
        "    raise TypeError(\n" + message
    )
    assert names(explain(shown, rules=RULES, versions={}).matches)[0] == "savedmodel-loaded-as-generic-object"


def test_the_users_words_choose_between_families_whose_wordings_tie_on_a_bare_message() -> None:
    # CPython prints this decode error for TensorFlow's file ops on a Windows code page and for Keras's serializer
    # decoding a config's bytes: the frames that tell the raise sites apart are not pasted, so the wordings tie
    message = "UnicodeDecodeError: 'utf-8' codec can't decode byte 0x80 in position 64: invalid start byte\n"
    bare = explain(message, rules=RULES, versions={}).matches
    assert names(bare)[:2] == ["windows-tf-message-not-utf8", "torch-module-wrapper-not-serializable"]
    described = explain("When I save a model that holds a TorchModuleWrapper layer, the error is:\n" + message, rules=RULES, versions={}).matches
    assert names(described)[:2] == ["torch-module-wrapper-not-serializable", "windows-tf-message-not-utf8"]
    assert described[0].confidence == bare[0].confidence < CONFIDENT
    # words about something else leave the order as the message alone gives it
    other = explain("Reading my dataset on Windows gives\n" + message, rules=RULES, versions={}).matches
    assert names(other)[0] == "windows-tf-message-not-utf8"
    # a traceback that shows the raising frame decides by itself
    traced = (
        "Traceback (most recent call last):\n"
        '  File "/usr/lib/python3.11/site-packages/keras/src/saving/serialization_lib.py", line 188, in serialize_keras_object\n'
        '    "config": {"value": obj.decode("utf-8")},\n' + message
    )
    assert names(explain(traced, rules=RULES, versions={}).matches)[0] == "torch-module-wrapper-not-serializable"


def test_a_warning_before_a_traceback_cut_off_above_its_error_line_is_not_certain() -> None:
    # the deprecation warning is the only line a wording knows, but the run failed on something the paste cut off
    text = (
        'model2.py:79: UserWarning: Update your `Model` call to the Keras 2 API: `Model(inputs=Tensor("in..., outputs=Tensor("co...)`\n'
        "  model = Model(input=inputs, output=conv10)\n"
        "Epoch 1/20\n"
        "Traceback (most recent call last):\n"
        '  File "main.py", line 21, in <module>\n'
        "    model.fit_generator(myGene, steps_per_epoch=100, epochs=20)\n"
        '  File "/usr/lib/python3.6/site-packages/keras/engine/training.py", line 1418, in fit_generator\n'
        "    initial_epoch=initial_epoch)\n"
    )
    first = explain(text).matches[0]
    assert first.rule.name == "removed-layer-arguments"
    assert first.confidence < CONFIDENT
    # the warning alone is what the user asks about, and keeps its confidence
    alone = explain(text.split("Epoch 1/20")[0]).matches[0]
    assert alone.rule.name == "removed-layer-arguments" and alone.confidence >= CONFIDENT

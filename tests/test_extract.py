"""Error extraction on real captured output (fixtures/formats, made by its capture.py)."""

from __future__ import annotations

import pytest
from conftest import FORMATS

from kerasdoctor.explain.extract import builtin_type_names, extract_errors, is_library_path, records_from_exception, strip_ansi, unwrap_message


def records(name: str):
    return extract_errors((FORMATS / f"{name}.txt").read_text())


def exceptions(name: str):
    return [r for r in records(name) if r.kind == "exception"]


def test_keras3_envelope_is_unwrapped_and_ansi_removed():
    (rec,) = exceptions("k3_envelope_dense_mismatch")
    assert rec.type == "ValueError"
    assert "\x1b" not in rec.message
    assert rec.key_message.startswith("Input 0 with name 'None' of layer 'dense' is incompatible")
    assert "Arguments received" not in rec.key_message
    assert rec.location.path.endswith("k3_envelope_dense_mismatch.py")
    assert rec.location.line == 5
    assert rec.location.code.startswith("model.fit(")


def test_keras2_in_user_code_takes_last_indented_error_and_user_frame():
    (rec,) = exceptions("k2_in_user_code_cce")
    assert rec.key_message == "Shapes (32, 1) and (32, 10) are incompatible"
    assert len(rec.inner_frames) >= 5
    # autograph's generated files are not the user's code; the script line is
    assert rec.location.path.endswith("k2_in_user_code_cce.py")


def test_tf22_to_25_user_code_frames_are_read():
    # TF 2.2-2.5 autograph prints "path:line function  *" (TF 2.6+ as Python does); a path may hold spaces and a drive
    text = (
        "AttributeError: in user code:\n\n"
        "    /usr/local/lib/python3.7/dist-packages/tensorflow/python/keras/engine/training.py:806 train_function  *\n"
        "        return step_function(self, iterator)\n"
        "    D:\\work\\my project\\losses.py:54 my_loss  *\n"
        "        crf, idx = y_pred._keras_history[:2]\n\n"
        "    AttributeError: 'Tensor' object has no attribute '_keras_history'\n"
    )
    (rec,) = extract_errors(text)
    assert rec.key_message == "'Tensor' object has no attribute '_keras_history'"
    assert [(f.function, f.line) for f in rec.inner_frames] == [("train_function", 806), ("my_loss", 54)]
    assert rec.inner_frames[1].path == "D:\\work\\my project\\losses.py"
    assert rec.inner_frames[1].code == "crf, idx = y_pred._keras_history[:2]"
    assert rec.location is not None and rec.location.function == "my_loss"
    # the same shape outside an "in user code:" block is no frame
    (plain,) = extract_errors("ValueError: bad value\n    notes.py:3 thing  *\n")
    assert plain.inner_frames == ()


def test_graph_execution_error_keeps_the_ops_message():
    (rec,) = exceptions("k3_graph_execution_label_range")
    assert rec.type == "InvalidArgumentError"
    assert rec.key_message.startswith("Received a label value of 12 which is outside the valid range of [0, 10)")
    assert "[[{{node" not in rec.key_message
    assert rec.location.line == 5 and rec.location.code.startswith("model.fit(")


def test_chained_exceptions_keep_order_and_mark_causes():
    recs = exceptions("chained_context")
    assert [r.type for r in recs] == ["FileNotFoundError", "ValueError"]
    assert recs[0].chained and not recs[1].chained
    assert "OSError" in recs[0].type_names  # builtin MRO known without importing anything


def test_ipython_traceback_with_colours_and_arrows():
    (rec,) = exceptions("ipython_tfop_on_keras_tensor")
    assert rec.type == "ValueError"
    assert rec.message.startswith("A KerasTensor cannot be used as input to a TensorFlow function")
    assert rec.location.code == "x = tf.reshape(inp, (-1, 2, 2))"
    assert rec.location.line == 4


def test_progress_bar_nan_is_one_counted_record():
    recs = records("k3_progress_nan")
    progress = [r for r in recs if r.kind == "progress"]
    assert len(progress) == 1
    assert progress[0].count >= 2
    assert "loss: nan" in progress[0].message
    assert "\x1b" not in progress[0].message and "\b" not in progress[0].message


def test_warning_and_log_lines():
    k2 = records("k2_warnings_uncompiled_h5")
    assert any(r.kind == "warning" and r.type == "UserWarning" and "HDF5" in r.message for r in k2)
    assert any(r.kind == "log" and r.message.startswith("No training configuration found") for r in k2)
    k3 = records("k3_warnings_uncompiled_h5")
    assert any(r.kind == "log" and r.message.startswith("No training configuration found") for r in k3)
    # TF's start-up chatter ("oneDNN custom operations are on") is informational, not an error: an INFO record at most
    assert not any("oneDNN" in r.message for r in k2 + k3 if r.type != "INFO")


def test_bare_message_with_and_without_type():
    (typed,) = extract_errors("ValueError: bad marshal data (unknown type code)")
    assert typed.kind == "exception" and typed.type == "ValueError" and typed.message == "bad marshal data (unknown type code)"
    (bare,) = extract_errors("bad marshal data (unknown type code)")
    assert bare.kind == "message" and bare.type is None


def test_qualified_tf_exception_type_is_shortened():
    (rec,) = extract_errors("tensorflow.python.framework.errors_impl.ResourceExhaustedError: OOM when allocating tensor")
    assert rec.type == "ResourceExhaustedError"


def test_multiple_tracebacks_in_one_log_are_all_found():
    text = "\n".join([(FORMATS / "chained_context.txt").read_text(), "Epoch 1/3", (FORMATS / "k3_envelope_dense_mismatch.txt").read_text()])
    types = [r.type for r in extract_errors(text) if r.kind == "exception"]
    assert types == ["FileNotFoundError", "ValueError", "ValueError"]


def test_live_exception_chain():
    try:
        try:
            {}["x"]
        except KeyError as exc:
            raise RuntimeError("wrapped") from exc
    except RuntimeError as exc:
        recs = records_from_exception(exc)
    assert [r.type for r in recs] == ["KeyError", "RuntimeError"]
    assert recs[0].chained and "LookupError" in recs[0].type_names
    assert recs[1].location is not None and recs[1].location.function == "test_live_exception_chain"


def test_helpers():
    assert strip_ansi("\x1b[1mbold\x1b[0m\b") == "bold"
    assert is_library_path("/usr/lib/python3.11/site-packages/keras/src/x.py")
    assert is_library_path("/usr/lib/python3.11/runpy.py")
    assert not is_library_path("/home/me/train.py")
    nested = (
        "Exception encountered when calling Gate.call().\n\nCould not infer. Error encountered:\n\n"
        "Using a symbolic bool\n\nArguments received by Gate.call():\n  x"
    )
    assert unwrap_message(nested) == "Using a symbolic bool"


def test_frames_pasted_without_traceback_header():
    # as pasted in https://github.com/keras-team/keras/issues/13512 (Windows paths, no header)
    text = (
        '  File "C:\\Users\\User\\Anaconda3\\lib\\site-packages\\keras\\backend\\tensorflow_backend.py", line 517, in placeholder\n'
        "    x = tf.placeholder(dtype, shape=shape, name=none)\n\n"
        "AttributeError: module 'tensorflow' has no attribute 'placeholder'\n"
    )
    (rec,) = extract_errors(text)
    assert rec.type == "AttributeError"
    assert rec.frames[-1].function == "placeholder" and rec.frames[-1].line == 517
    assert rec.location is None  # the only frame is inside site-packages


def test_frame_line_whose_space_before_in_was_lost_keeps_its_function():
    # a paste that lost the space after the comma ("line 12,in train"): the frame still names its function
    text = (
        "Traceback (most recent call last):\n"
        '  File "train.py", line 12,in train\n'
        "    model.fit_generator(gen, steps_per_epoch=10)\n"
        '  File "/usr/lib/python3.6/site-packages/keras/engine/training.py", line 2083,in fit_generator\n'
        "    generator_output = next(output_generator)\n"
        "StopIteration\n"
    )
    (rec,) = extract_errors(text)
    assert rec.type == "StopIteration"
    assert [(f.function, f.line) for f in rec.frames] == [("train", 12), ("fit_generator", 2083)]
    assert rec.location is not None and rec.location.path == "train.py"


def test_bare_exception_line_keeps_no_text_below_it():
    # Python prints a colon-less "MemoryError" for an empty message; the lines the user pasted under it are theirs
    text = (
        "Traceback (most recent call last):\n"
        '  File "train.py", line 115, in get_next_batch\n'
        "    batch_x = np.zeros([batch_size, 240 * 60])\n"
        "MemoryError\n"
        "```\n"
        "2\n"
        "then the GPU log said this:\n"
        "2018-11-04 01:54:01.061494: E tensorflow/stream_executor/cuda/cuda_driver.cc:806] failed to allocate 2.00G "
        "(2147483648 bytes) from device: CUDA_ERROR_OUT_OF_MEMORY: out of memory\n"
    )
    records = extract_errors(text)
    assert (records[0].type, records[0].message) == ("MemoryError", "")
    assert any("CUDA_ERROR_OUT_OF_MEMORY" in r.message for r in records[1:])
    # a chained traceback below a bare exception still links to it
    chained = (
        "Traceback (most recent call last):\n"
        '  File "train.py", line 3, in <module>\n'
        "    next(gen)\n"
        "StopIteration\n"
        "\n"
        "During handling of the above exception, another exception occurred:\n"
        "\n"
        "Traceback (most recent call last):\n"
        '  File "train.py", line 5, in <module>\n'
        "    raise RuntimeError('generator raised StopIteration')\n"
        "RuntimeError: generator raised StopIteration\n"
    )
    first, second = extract_errors(chained)
    assert (first.type, first.message, first.chained) == ("StopIteration", "", True)
    assert second.type == "RuntimeError"


def test_retyped_chain_sentence_still_separates_the_exceptions():
    # copied by hand from a screen: "occured", no colon, the frames left out as dots
    text = (
        "TypeError: int() argument must be a string, a bytes-like object or a number, not 'Tensor'\n"
        "......\n"
        "During handling of the above exception, another exception occured\n"
        ".....\n"
        "ValueError: Duplicate node name in graph: 'mask/ones/packed'\n"
    )
    first, second = extract_errors(text)
    assert first.type == "TypeError" and "Duplicate" not in first.message
    assert (second.type, second.message) == ("ValueError", "Duplicate node name in graph: 'mask/ones/packed'")


def test_colab_markdown_link_frames():
    text = (
        "AttributeError                            Traceback (most recent call last)\n"
        "[<ipython-input-3-abc>](https://localhost:8080/#) in <module>()\n"
        "----> 1 model = Sequential()\n\n"
        "[/usr/local/lib/python3.6/dist-packages/keras/backend/tensorflow_backend.py](https://localhost:8080/#) in placeholder(shape, ndim)\n"
        "--> 519         x = tf.placeholder(dtype, shape=shape, name=name)\n\n"
        "AttributeError: module 'tensorflow' has no attribute 'placeholder'\n"
    )
    (rec,) = extract_errors(text)
    assert [f.function for f in rec.frames] == ["<module>", "placeholder"]
    assert rec.location.path == "<ipython-input-3-abc>" and rec.location.code == "model = Sequential()"


def test_graph_error_pasted_from_its_node_line_is_not_a_node_exception():
    # a public report (fixtures/real_errors/0063.yaml) pasted from the middle of a TF graph error:
    # no "InvalidArgumentError: Graph execution error:" header, so "Node: '...'" is the first message-like line
    import yaml

    text = yaml.safe_load((FORMATS.parent / "real_errors" / "0063.yaml").read_text())["text"]
    records = [r for r in extract_errors(text) if r.kind == "exception"]
    assert records and records[-1].type is None
    assert "Received a label value of 66908" in records[-1].message


def test_pre_1_0_tensorflow_log_line_without_timestamp_is_a_log_record():
    # TensorFlow 0.x (github.com/tensorflow/tensorflow/issues/1355) logged "W <file>.cc:<line>] ..." with no date
    text = (
        "W tensorflow/core/common_runtime/executor.cc:1076] 0x18ef02bb0 Compute status: Resource exhausted: "
        "OOM when allocating tensor with shape\n"
        "I tensorflow/core/common_runtime/gpu/gpu_device.cc:755] Creating TensorFlow device (/gpu:0)\n"
    )
    logs = [r for r in extract_errors(text) if r.kind == "log" and r.type != "INFO"]
    assert [r.message for r in logs] == ["0x18ef02bb0 Compute status: Resource exhausted: OOM when allocating tensor with shape"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # protobuf's own C++ logging (github.com/tensorflow/tensorflow/issues/35573): "[libprotobuf LEVEL file:line]
        # message"; the FATAL line is a record too, beside the exception the C++ runtime prints when it terminates
        (
            "[libprotobuf ERROR google/protobuf/descriptor_database.cc:394] Invalid file descriptor data passed to EncodedDescriptorDatabase::Add().\n"
            "[libprotobuf FATAL external/com_google_protobuf/src/google/protobuf/descriptor.cc:1367] CHECK failed: "
            "GeneratedDatabase()->Add(encoded_file_descriptor, size): \n",
            [
                "Invalid file descriptor data passed to EncodedDescriptorDatabase::Add().",
                "CHECK failed: GeneratedDatabase()->Add(encoded_file_descriptor, size):",
            ],
        ),
        # issue titles keep a TensorFlow log line's source location and drop the level and the time
        # (github.com/udacity/CarND-Alexnet-Feature-Extraction/issues/7, github.com/NatLibFi/Annif/issues/427)
        (
            "tensorflow/python/keras/engine/training.py is a path in a sentence, not a log line\n"
            "tensorflow/core/common_runtime/bfc_allocator.cc:275] Ran out of memory trying to allocate 144.00MiB. See logs for memory state.\n"
            "external/local_tsl/tsl/framework/cpu_allocator_impl.cc:83] Allocation of 414988800 exceeds 10% of free system memory.\n"
            "2024-05-10 11:33:15.185131: W tensorflow/compiler/tf2tensorrt/utils/py_utils.cc:38] TF-TRT Warning: Could not find TensorRT\n",
            [
                "Ran out of memory trying to allocate 144.00MiB. See logs for memory state.",
                "Allocation of 414988800 exceeds 10% of free system memory.",
                "TF-TRT Warning: Could not find TensorRT",
            ],
        ),
    ],
    ids=["libprotobuf", "tensorflow-without-level"],
)
def test_c_plus_plus_log_lines_are_log_records(text: str, expected: list[str]):
    assert [r.message for r in extract_errors(text) if r.kind == "log"] == expected


# a training log with no error in it (github.com/keras-team/keras/issues/1563, Keras 0.3): the validation loss
# rises from the first epoch while the training loss falls
_RISING_VAL_LOSS = """Train on 61148 samples, validate on 15288 samples
Epoch 1/50
61148/61148 [==============================] - 1s - loss: 4.7502 - val_loss: 5.5295
Epoch 2/50
61148/61148 [==============================] - 1s - loss: 4.1619 - val_loss: 5.8611
Epoch 3/50
61148/61148 [==============================] - 1s - loss: 3.8825 - val_loss: 6.2142
Epoch 4/50
61148/61148 [==============================] - 1s - loss: 3.6600 - val_loss: 6.3189
Epoch 5/50
61148/61148 [==============================] - 1s - loss: 3.4832 - val_loss: 6.5152
"""


def test_validation_loss_rising_while_training_loss_falls_is_read_from_the_epoch_lines():
    from kerasdoctor import explain

    trends = [r.message for r in extract_errors(_RISING_VAL_LOSS) if r.kind == "progress"]
    assert trends == ["val_loss increasing while loss decreasing: val_loss 5.5295 -> 6.5152, loss 4.7502 -> 3.4832 over the last 5 epochs"]
    assert [m.name for m in explain(_RISING_VAL_LOSS).matches][:1] == ["overfitting"]


@pytest.mark.parametrize(
    "pairs",
    [
        [(4.75, 5.53), (4.16, 5.12), (3.88, 4.90), (3.66, 4.71)],  # both fall: training goes well
        [(4.75, 5.53), (4.16, 5.86), (4.20, 6.21), (4.90, 6.32)],  # both rise: not overfitting
        [(4.75, 5.53), (4.16, 5.60), (3.88, 5.50), (3.66, 5.58)],  # the validation loss only wavers
        [(4.75, 5.53), (4.16, 5.12), (3.88, 5.90)],  # one epoch past the best is no trend yet
    ],
)
def test_no_overfitting_trend_without_a_sustained_rise(pairs):
    from kerasdoctor.explain.extract import overfitting_trend

    assert overfitting_trend(pairs) is None


def test_a_log_of_epoch_lines_is_still_searched_as_a_whole():
    # INFO lines are read only beside other records; with the trend the only other record, the text is still matched as a message
    text = (
        "I tensorflow/core/common_runtime/bfc_allocator.cc:635] Bin (256):     Total Chunks: 0, Chunks in use: 0 0B allocated for chunks.\n" + _RISING_VAL_LOSS
    )
    kinds = [r.kind for r in extract_errors(text)]
    assert kinds == ["message", "progress"]


@pytest.mark.parametrize(
    "line",
    [
        "165376/296960 [===============>..............] - ETA: 365s - loss: 2.1371Killed",  # github.com/keras-team/keras/issues/3476
        "Killed",
        "/home/colors/Desktop/nscl/Jacinle/bin/jac-crun: line 6:  3305 Killed                  $JACROOT/bin/jac-run",
    ],
)
def test_the_shells_killed_report_is_a_log_record(line):
    text = f"Epoch 1/1\n{line}\n(venv) user@host:~$\n"
    assert [(r.kind, r.message) for r in extract_errors(text)] == [("log", "Killed")]


@pytest.mark.parametrize(
    "prefix",
    ["", "warn 17:50:15.519: StdErr from Kernel Process "],  # bare on stderr, or relayed by VS Code's Jupyter log
)
def test_the_openmp_runtimes_fatal_line_is_a_log_record_beside_a_warning(prefix):
    omp = "OMP: Error #15: Initializing libiomp5md.dll, but found libiomp5md.dll already initialized."
    text = (
        f"{prefix}{omp}\n"
        "OMP: Hint This means that multiple copies of the OpenMP runtime have been linked into the program.\n"
        "c:\\env\\lib\\site-packages\\traitlets\\traitlets.py:2544: FutureWarning: Supporting extra quotes around strings is deprecated\n"
        "  warn(\n"
    )
    assert ("log", omp) in [(r.kind, r.message) for r in extract_errors(text)]


def test_the_objective_c_runtimes_unrecognized_selector_line_is_a_log_record_beside_a_cut_traceback():
    report = "-[MPSGraphExecutable initWithMLIRBytecode:executableDescriptor:]: unrecognized selector sent to instance 0x125a7cb70"
    text = f'2023-10-08 20:10:19.999 Python[52193:9802415] {report}\nTraceback (most recent call last):\n  File "<string>", line 1, in <module>\n'
    assert ("log", report) in [(r.kind, r.message) for r in extract_errors(text)]


def test_the_objective_c_runtimes_unrecognized_selector_line_is_no_continuation_of_the_log_line_above():
    report = "-[MPSGraphExecutable initWithMLIRBytecode:executableDescriptor:]: unrecognized selector sent to instance 0x125a7cb70"
    device = "2023-10-08 20:10:18.123456: I metal_plugin/src/device/metal_device.cc:1154] Metal device set to: Apple M1"
    records = [(r.kind, r.message) for r in extract_errors(f"{device}\n{report}\n")]
    assert ("log", report) in records
    assert ("log", "Metal device set to: Apple M1") in records


@pytest.mark.parametrize("line", ["The process was Killed by my colleague", "from callbacks import Killed"])
def test_killed_in_prose_or_code_is_no_record(line):
    assert not [r for r in extract_errors(f"Epoch 1/1\n{line}\n") if r.message == "Killed"]


_NOTICE = (
    "2023-10-01 12:00:00.100000: E external/local_xla/xla/stream_executor/cuda/cuda_dnn.cc:9261] Unable to register cuDNN "
    "factory: Attempting to register factory for plugin cuDNN when one has already been registered\n"
    "2023-10-01 12:00:01.000000: W tensorflow/compiler/tf2tensorrt/utils/py_utils.cc:38] TF-TRT Warning: Could not find TensorRT\n"
)


@pytest.mark.parametrize(
    "line",
    [
        "Illegal instruction (core dumped)",
        "Segmentation fault (core dumped)",
        "Aborted (core dumped)",
        "zsh: illegal hardware instruction  python train.py",
        "run.sh: line 6:  3305 Segmentation fault      (core dumped) python train.py",
        "Killed",
        "Process finished with exit code 137 (interrupted by signal 9: SIGKILL)",
        "Process finished with exit code -1073741819 (0xC0000005)",
    ],
)
def test_a_process_killed_by_a_signal_is_a_record_of_its_own_after_a_log_line(line):
    # the shell's report ends the log line above it: it is not more of the TensorRT notice's text
    records = extract_errors(_NOTICE + line + "\n")
    assert records[-1].kind == "log" and records[-1].message == line.strip()
    assert all(line not in r.message for r in records[:-1])


def test_a_process_killed_by_a_signal_before_log_lines_is_kept():
    records = extract_errors("Illegal instruction (core dumped)\n" + _NOTICE)
    assert ("log", "Illegal instruction (core dumped)") in [(r.kind, r.message) for r in records]


@pytest.mark.parametrize("line", ["The run aborted (core dumped) after an hour", "Aborted by user request: see above"])
def test_signal_words_in_prose_are_no_record_of_their_own(line):
    assert not [r for r in extract_errors(_NOTICE + line + "\n") if r.message == line]


def test_info_lines_beside_other_records_are_kept_as_info_records():
    info = (
        "2020-06-01 20:07:58.089327: I tensorflow/core/common_runtime/gpu/gpu_device.cc:1934] Ignoring visible gpu device "
        "(device: 0, name: GeForce GTX 760, pci bus id: 0000:01:00.0, compute capability: 3.0) with Cuda compute "
        "capability 3.0. The minimum required Cuda capability is 3.5.\n"
        "I0000 00:00:1732000000.000000    1234 device_compiler.h:188] Compiled cluster using XLA!\n"
    )
    records = extract_errors(_NOTICE + info)
    infos = [r for r in records if r.type == "INFO"]
    assert [r.kind for r in infos] == ["log", "log"]
    assert infos[0].message.startswith("Ignoring visible gpu device") and infos[1].message == "Compiled cluster using XLA!"
    assert len(records) == 4


def test_an_allocator_dump_on_info_lines_does_not_crowd_out_the_lines_after_it():
    dump = "".join(
        f"2020-02-15 17:58:43.{i:06d}: I tensorflow/core/common_runtime/bfc_allocator.cc:905] InUse at 00000007F{i:07X} next {i} of size 1605632\n"
        for i in range(2000)
    )
    last = (
        "2020-02-15 17:58:44.000000: W tensorflow/core/framework/op_kernel.cc:1655] OP_REQUIRES failed at conv_ops.cc:539 : "
        "Resource exhausted: OOM when allocating tensor with shape[32,64,224,224]\n"
    )
    records = extract_errors(_NOTICE + dump + last)
    assert sum(r.type == "INFO" for r in records) == 50
    assert records[-1].message.startswith("OP_REQUIRES failed at conv_ops.cc:539 : Resource exhausted: OOM")


def test_info_lines_alone_are_read_as_the_whole_text():
    # nothing else to read: the text as a whole is the one record, as for any text without error lines
    text = "I tensorflow/core/platform/cpu_feature_guard.cc:142] Your CPU supports instructions that this TensorFlow binary was not compiled to use: AVX2\n"
    records = extract_errors(text)
    assert [(r.kind, r.type) for r in records] == [("message", None)]


def test_info_lines_beside_deprecation_notices_only_are_read_as_the_whole_text():
    # a renamed API's notice says no problem either: the start-up lines are what the text is about
    info = "2023-11-16 02:00:47.831031: I tensorflow/core/util/port.cc:113] oneDNN custom operations are on.\n"
    notices = [
        "WARNING:tensorflow:From /x/keras/src/losses.py:2976: The name tf.losses.sparse_softmax_cross_entropy is deprecated. "
        "Please use tf.compat.v1.losses.sparse_softmax_cross_entropy instead.\n",
        "WARNING:tensorflow:From /x/ops.py:263: colocate_with (from tensorflow.python.framework.ops) is deprecated and will be "
        "removed in a future version.\nInstructions for updating:\nColocations handled automatically by placer.\n",
    ]
    for notice in notices:
        records = extract_errors(info + notice)
        assert records[0].kind == "message" and "oneDNN custom operations are on" in records[0].message
        assert not any(r.type == "INFO" for r in records)
    # a warning that is not a deprecation notice keeps the INFO lines beside it as INFO records
    other = "WARNING:tensorflow:Gradients do not exist for variables ['dense/kernel:0'] when minimizing the loss.\n"
    records = extract_errors(info + other)
    assert [r.type for r in records] == ["INFO", None]
    # deprecation notices without INFO lines stay as they were read
    assert [r.kind for r in extract_errors(notices[1])] == ["log"]


def test_traceback_cut_before_its_message_keeps_the_words_written_above_it():
    # the message line was left out of the paste; the issue title above the frames still says it
    text = (
        "No gradients provided for any variable: ['cnn_model_2/conv2d_6/kernel:0', 'cnn_model_2/conv2d_6/bias:0',\n"
        "> <ipython-input-59-76cfb123c217> in train_step(logits, labels)\n"
        ">      13         gradient_of_cnn = cnn_tape.gradient(loss,model.trainable_variables)\n"
        "> ---> 14         cnn_optimizer.apply_gradients(zip(gradient_of_cnn,model.trainable_variables))\n"
    )
    recs = extract_errors(text)
    assert [r.kind for r in recs] == ["message", "exception"]
    assert recs[0].message.startswith("No gradients provided for any variable")
    assert recs[1].message == "" and recs[1].frames


def test_traceback_cut_before_its_message_keeps_the_title_above_a_long_description():
    # the title states the message; more than a few lines of description and code follow it before the frames
    text = (
        "[Bug]: 'SomeCallback' object has no attribute '_implements_train_batch_hooks'\n\n"
        "It happened after an upgrade.\n"
        "The same code was working before.\n"
        "Maybe the library changed something here.\n"
        "It fails as soon as fit starts.\n"
        "```python\n"
        "from somelib import SomeCallback\n"
        "callbacks = [SomeCallback()]\n"
        "model.fit(x, y, epochs=2, callbacks=callbacks)\n"
        "```\n"
        "File /opt/conda/lib/python3.10/site-packages/tf_keras/src/callbacks.py:245, in <genexpr>(.0)\n"
        "--> 245     if cb._implements_train_batch_hooks()\n"
    )
    recs = extract_errors(text)
    assert recs[0].kind == "message"
    lines = recs[0].message.splitlines()
    assert lines[0].startswith("[Bug]: 'SomeCallback' object has no attribute")
    # and the last lines above the frames, the failing code among them, as before
    assert lines[-1] == "model.fit(x, y, epochs=2, callbacks=callbacks)"
    assert "It happened after an upgrade." not in lines


def test_text_above_a_cut_traceback_of_a_few_lines_is_kept_whole():
    text = 'The fit fails:\nmodel.fit(x, y, callbacks=[cb])\nFile "t.py", line 3, in <module>\n    model.fit(x, y, callbacks=[cb])\n'
    recs = extract_errors(text)
    assert recs[0].kind == "message" and recs[0].message == "The fit fails:\nmodel.fit(x, y, callbacks=[cb])"


_CUT_USER_CODE = (
    "NotImplementedError: in user code:\n\n"
    '    File "/tmp/ipykernel_1/1.py", line 4, in preprocess  *\n'
    "        x = ops.cast(x, 'float32')\n"
    '    File "/usr/lib/python3.11/site-packages/keras/src/ops/core.py", line 882, in cast  **\n'
    "        return backend.core.cast(x, dtype)\n"
)


def test_autograph_block_cut_before_its_error_line_keeps_the_words_written_above_it():
    # TensorFlow's "in user code:" block ends with the error line; without it the user's own words say more
    text = "keras.ops in my tf.data map fails on the jax backend\n" + _CUT_USER_CODE
    recs = extract_errors(text)
    assert [r.kind for r in recs] == ["message", "exception"]
    assert recs[0].message.startswith("keras.ops in my tf.data map fails")


def test_autograph_block_with_its_error_line_does_not_take_the_text_above():
    error_line = "\n    NotImplementedError: Cannot convert a symbolic tf.Tensor (args_0:0) to a numpy array.\n"
    text = "keras.ops in my tf.data map fails\n" + _CUT_USER_CODE + error_line
    assert [r.kind for r in extract_errors(text)] == ["exception"]


def test_traceback_with_its_message_does_not_take_the_text_above():
    text = 'my training crashed\nTraceback (most recent call last):\n  File "t.py", line 3, in <module>\nValueError: boom\n'
    assert [r.kind for r in extract_errors(text)] == ["exception"]


def test_traceback_pasted_indented_keeps_its_message():
    # an issue's traceback indented as a markdown code block, prose before and after it
    text = (
        "I get this:\n\n"
        "    Traceback (most recent call last):\n"
        '      File "train.py", line 12, in <module>\n'
        "        model.fit(x, y)\n"
        "    ValueError: Input 0 of layer dense is incompatible with the layer: expected axis -1 of input shape\n"
        "    to have value 8 but received input with shape (None, 10)\n\n"
        "any idea?\n"
    )
    (rec,) = [r for r in extract_errors(text) if r.kind == "exception"]
    assert rec.type == "ValueError"
    assert rec.message.endswith("received input with shape (None, 10)")
    assert rec.location.path == "train.py"


def test_exception_line_indented_like_a_source_line_after_a_complete_frame_is_the_exception():
    # a TF 1.x session traceback pasted with every line indented by the same amount as the source
    # lines (fixtures/real_errors/1043): the qualified error line comes after a frame that has its code
    text = (
        '    File "/env/lib/python3.7/site-packages/tensorflow/python/client/session.py", line 1458, in __call__\n'
        "      run_metadata_ptr)\n"
        "      tensorflow.python.framework.errors_impl.InvalidArgumentError: 2 root error(s) found.\n"
        "    (0) Invalid argument: ConcatOp : Dimensions of inputs should match: shape[0] = [1,136,240,256] vs. shape[1] = [1,135,240,336]\n"
        "  \t [[{{node decoder_stage1_concat/concat}}]]\n"
    )
    (rec,) = extract_errors(text)
    assert rec.type == "InvalidArgumentError"
    assert "ConcatOp : Dimensions of inputs should match" in rec.message
    assert rec.frames[-1].code == "run_metadata_ptr)"


def test_traceback_with_one_space_before_every_line_keeps_its_exception_line(tmp_path):
    # an issue's paste that lost its layout: every line (frames, source lines, the exception line) behind one space
    import subprocess
    import sys

    script = tmp_path / "train.py"
    script.write_text("import json\n\n\ndef build():\n    return json.activations_swish\n\n\nbuild()\n")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, check=False)
    assert "AttributeError" in done.stderr
    flattened = "\n".join(" " + line.strip() for line in done.stderr.splitlines() if not line.startswith("Traceback"))
    (rec,) = extract_errors(flattened)
    assert (rec.type, rec.message) == ("AttributeError", "module 'json' has no attribute 'activations_swish'")
    assert rec.frames[-1].code == "return json.activations_swish"


def test_indented_line_under_a_frame_without_code_stays_its_source_line():
    text = '  File "train.py", line 3, in <module>\n    errors.InvalidArgumentError: int = 3\nValueError: boom\n'
    (rec,) = extract_errors(text)
    assert (rec.type, rec.message) == ("ValueError", "boom")
    assert rec.frames[-1].code == "errors.InvalidArgumentError: int = 3"


def test_exception_line_after_a_line_exactly_80_columns_wide_is_not_glued_to_it():
    frame = '  File "C:\\Python\\lib\\site-packages\\keras\\engine\\training.py", line 1000, in fit'
    assert len(frame) == 80
    text = f'File "train.py", line 12, in <module>\n    model.fit(x, y)\n{frame}\nValueError: Shapes (None, 1) and (None, 5) are incompatible'
    (rec,) = extract_errors(text)
    assert (rec.type, rec.message) == ("ValueError", "Shapes (None, 1) and (None, 5) are incompatible")


# Pasted from blogs and forums (fixtures/real_errors/0500, 0502, 0504): pages that strip indentation,
# drop "<module>" as an HTML tag, join lines, or cut the traceback off.
BLOG_TRACEBACK_WITHOUT_INDENT = """Traceback (most recent call last):
File "F:/visual/SSsearch/ineptionV4.py", line 215, in
model = create_model(5)
File "F:/visual/SSsearch/ineptionV4.py", line 28, in stem
x = merge([x1, x2], mode='concat', concat_axis=channel_axis)
File "C:\\Program Files\\Anaconda3\\lib\\site-packages\\keras\\legacy\\layers.py", line 190, in _arguments_validation
'Layer shapes: %s' % (input_shapes))
ValueError: "concat" mode can only merge layers with matching output shapes except for the concat axis. Layer shapes: [(None, 73, 73, 64), (None, 73, 73, 96)]
"""


def test_traceback_pasted_without_indentation_keeps_frames_and_message():
    (rec,) = extract_errors(BLOG_TRACEBACK_WITHOUT_INDENT)
    assert rec.type == "ValueError"
    assert rec.message.startswith('"concat" mode can only merge layers')
    assert [f.function for f in rec.frames] == ["", "stem", "_arguments_validation"]
    assert rec.frames[1].code.startswith("x = merge(")
    assert (rec.location.function, rec.location.line) == ("stem", 28)


def test_unindented_source_line_without_an_exception_line_after_it_is_the_message():
    text = 'File "train.py", line 12, in <module>\nError when checking target: expected dense_1 to have 3 dimensions, but got array with shape (118, 1)\n'
    (rec,) = extract_errors(text)
    assert rec.message.startswith("Error when checking target: expected dense_1")
    assert rec.frames[0].code == ""


def test_python2_notebook_frames_of_compiled_files_cut_before_the_message():
    text = (
        "ValueError                                Traceback (most recent call last)\n"
        "<ipython-input-20-1248a33f6518> in <module>()\n"
        "----> 5 model.add(LSTM(32))\n"
        "\n"
        "/usr/local/lib/python2.7/dist-packages/keras/models.pyc in add(self, layer)\n"
        "--> 332             output_tensor = layer(self.outputs[0])\n"
        "\n"
        "/usr/local/lib/python2.7/dist-packages/keras/engine/topology.pyc in assert_input_compatibility(self, input)\n"
        "    467                                          self.name + ': expected ndim=\n"
    )
    (rec,) = extract_errors(text)
    assert rec.type == "ValueError"  # from the notebook's header, as the exception line was not pasted
    assert [f.function for f in rec.frames] == ["<module>", "add", "assert_input_compatibility"]
    assert rec.message == ""
    assert rec.location.code == "model.add(LSTM(32))"


def test_traceback_cut_at_its_raise_statement_takes_type_and_wording_from_it():
    text = (
        '\tFile "/usr/local/lib/python3.5/dist-packages/tensorflow/python/framework/", line 2405, in as_graph_element '
        "return self._as_graph_element_locked(obj, allow_tensor, allow_operation)\n"
        '\tFile "/usr/local/lib/python3.5/dist-packages/tensorflow/python/framework/", line 2489, in _as_graph_element_locked '
        'raise ValueError("Operation %s is not an element of this graph." % obj)\n'
    )
    (rec,) = extract_errors(text)
    assert [f.function for f in rec.frames] == ["as_graph_element", "_as_graph_element_locked"]
    assert rec.type == "ValueError"
    assert rec.message == "Operation %s is not an element of this graph."


def test_tf1_graph_error_repeated_after_its_caused_by_op_frames_keeps_its_type():
    # what TF 1.x prints below "Caused by op ..., defined at:" (the part of a long log people paste)
    text = (
        "Caused by op 'embedding_1/Gather', defined at:\n"
        '  File "train.py", line 30, in <module>\n'
        "    model.add(Embedding(5000, 64))\n"
        "\n"
        "InvalidArgumentError (see above for traceback): indices[0,3] = 10000 is not in [0, 5000)\n"
        "\t [[Node: embedding_1/Gather = Gather[Tindices=DT_INT32]]]\n"
    )
    (rec,) = extract_errors(text)
    assert rec.type == "InvalidArgumentError"
    assert rec.message.startswith("indices[0,3] = 10000 is not in [0, 5000)")
    assert rec.location.code == "model.add(Embedding(5000, 64))"


def _case_text(number: str) -> str:
    import yaml

    return yaml.safe_load((FORMATS.parent / "real_errors" / f"{number}.yaml").read_text())["text"]


def test_log_line_glued_to_a_progress_bar_is_its_own_record():
    # github.com/tensorflow/tensorflow/issues/64035: Keras's progress bar ends without a newline
    logs = [r.message for r in extract_errors(_case_text("0615")) if r.kind == "log"]
    assert logs[0].startswith("Your input ran out of data; interrupting training.")
    assert "Can save best model only with val_loss available, skipping." in logs


def test_warning_wrapped_over_several_lines_is_one_log_record():
    # github.com/materialyzeai/megnet/issues/161: the terminal wrapped TF's retracing warning
    (log,) = [r for r in extract_errors(_case_text("0620")) if r.kind == "log"]
    assert "predict_function at\n0x7f273dab04c0> triggered tf.function retracing" in log.message
    assert log.message.rstrip().endswith("for more details.")


def test_ipython7_frames_without_argument_lists():
    # github.com/davidADSP/GDL_code/issues/95: "<ipython-input-24-...> in <module>" has no "()"
    (rec,) = [r for r in extract_errors(_case_text("0618")) if r.kind == "exception"]
    assert rec.type == "UnboundLocalError"
    assert [f.function for f in rec.frames] == ["<module>", "train_with_generator", "_method_wrapper"]


def test_traceback_header_carrying_its_first_frame():
    # NumPy 2's import report prints "Traceback (most recent call last):  File ..." on one line
    (rec,) = [r for r in extract_errors(_case_text("0625")) if r.kind == "exception"]
    assert rec.frames[0].path.endswith("run.py") and rec.frames[0].code == "from modules import core"


def test_vscode_markdown_links_in_ipython8_frames_without_header():
    # github.com/mlfpm/deepof/issues/41: VS Code renders paths and line numbers as [text](link)
    (rec,) = [r for r in extract_errors(_case_text("0631")) if r.kind == "exception"]
    assert rec.frames[-1].function == "KerasTensor.__tf_tensor__"
    assert rec.frames[-1].path.endswith("keras_tensor.py") and rec.frames[-1].line == 91


def test_pytest_short_traceback_frames_and_error_lines():
    (rec,) = [r for r in extract_errors(_case_text("0623")) if r.kind == "exception"]
    assert rec.frames[-1].function == "arange"
    assert "concrete_or_error" in rec.frames[-1].code
    # pytest --tb=short on a Keras 3.15 (JAX backend) input mismatch, captured here
    captured = (
        "test_k.py:8: in test_fit\n"
        "    model.fit(np.ones((8, 3)), np.ones((8, 1)), verbose=0)\n"
        "/work/venv/lib/python3.11/site-packages/keras/src/utils/traceback_utils.py:122: in error_handler\n"
        "    raise e.with_traceback(filtered_tb) from None\n"
        "/work/venv/lib/python3.11/site-packages/keras/src/layers/input_spec.py:239: in assert_input_compatibility\n"
        "    raise ValueError(\n"
        "E   ValueError: Exception encountered when calling Sequential.call().\n"
        "E   \n"
        "E   \x1b[1mInput 0 with name 'None' of layer 'dense' is incompatible with the layer: expected axis -1 of input shape "
        "to have value 4, but received input with shape (8, 3)\x1b[0m\n"
        "E   \n"
        "E   Arguments received by Sequential.call():\n"
        "E     \u2022 inputs=jnp.ndarray(shape=(8, 3), dtype=float32)\n"
        "E     \u2022 training=False\n"
        "E   --------------------\n"
        "E   For simplicity, JAX has removed its internal frames from the traceback of the following exception. "
        "Set JAX_TRACEBACK_FILTERING=off to include these.\n"
    )
    (rec,) = [r for r in extract_errors(captured) if r.kind == "exception"]
    assert rec.type == "ValueError"
    assert rec.key_message.startswith("Input 0 with name 'None' of layer 'dense' is incompatible with the layer")
    first = rec.frames[0]
    assert (first.path, first.line, first.function) == ("test_k.py", 8, "test_fit")
    assert rec.frames[-1].code == "raise ValueError("
    assert rec.location is not None and rec.location.path == "test_k.py"


def test_pytest_long_traceback_pasted_as_an_indented_code_block():
    # github.com/keras-team/keras/issues/19602: pytest's long format, pasted with every line indented by four spaces
    long_format = (
        "keras/src/layers/core/dense.py:150: in call\n"
        "    x = ops.matmul(inputs, self.kernel)\n"
        "keras/src/ops/numpy.py:3584: in torch_dynamo_resume_in_matmul_at_3582\n"
        "    return backend.numpy.matmul(x1, x2)\n"
        "_ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _\n"
        "\n"
        ">   def matmul(x1, x2):\n"
        "E   AttributeError: 'Parameter' object has no attribute 'fget'\n"
        "\n"
        "keras/src/backend/torch/numpy.py:60: AttributeError\n"
    )
    indented = "\n".join("    " + line if line else line for line in long_format.splitlines())
    for text in (long_format, indented):
        (rec,) = [r for r in extract_errors(text) if r.kind == "exception"]
        assert rec.type == "AttributeError" and rec.key_message == "'Parameter' object has no attribute 'fget'"
        assert [f.function for f in rec.frames] == ["call", "torch_dynamo_resume_in_matmul_at_3582"]


def test_traceback_cut_inside_a_multiline_raise_is_diagnosed_from_its_raise_site():
    # github.com/OlafenwaMoses/ImageAI/issues/705: Colab output cut inside the raise statement's context lines
    from kerasdoctor import explain

    text = _case_text("0613")
    (rec,) = [r for r in extract_errors(text) if r.kind == "exception"]
    assert rec.frames[-1].code.startswith("raise ValueError('A target array with shape ' + str(y.shape) +")
    top = explain(text).matches[0]
    assert (top.rule.name, top.kind) == ("target-shape-mismatch", "raise-site")


def test_traceback_cut_in_the_context_lines_before_the_arrow():
    # techfeed.net/pt/443267: Python 2 (.pyc) IPython traceback cut inside the raise's context lines
    from kerasdoctor import explain

    text = _case_text("0500")
    (rec,) = [r for r in extract_errors(text) if r.kind == "exception"]
    assert rec.frames[-1].function == "assert_input_compatibility"
    assert rec.frames[-1].code == "self.name + ': expected ndim="
    top = explain(text).matches[0]
    assert (top.rule.name, top.kind) == ("input-rank-mismatch", "raise-site")


def test_error_quoted_by_keras3_build_wrapper_is_matched_without_its_class():
    # Keras 3.15 + JAX 0.10, captured here: Layer.call does int() of a tensor and fit builds the model; the
    # trainer re-raises it as a RuntimeError quoting the error, whose own class and frames are lost
    from kerasdoctor import explain

    text = (
        "Traceback (most recent call last):\n"
        '  File "/tmp/repro/a.py", line 14, in <module>\n'
        "    model.fit(np.ones((4, 3)), np.ones((4, 1)), verbose=0)\n"
        '  File "/work/venv/lib/python3.11/site-packages/keras/src/utils/traceback_utils.py", line 122, in error_handler\n'
        "    raise e.with_traceback(filtered_tb) from None\n"
        '  File "/work/venv/lib/python3.11/site-packages/keras/src/trainers/trainer.py", line 1172, in _symbolic_build\n'
        "    raise RuntimeError(\n"
        "RuntimeError: Unable to automatically build the model. Please build it yourself before calling fit/evaluate/predict. "
        "A model is 'built' when its variables have been created and its `self.built` attribute is True. Usually, calling "
        "the model on a batch of data is the right way to build it.\n"
        "Exception encountered:\n"
        "'Exception encountered when calling Bad.call().\n\n"
        "\x1b[1m'str' object has no attribute '_error_repr'\x1b[0m\n\n"
        "Arguments received by Bad.call():\n"
        "  \u2022 args=('<KerasTensor shape=(4, 3), dtype=float32, sparse=False, ragged=False, name=keras_tensor_2>',)\n"
        "  \u2022 kwargs=<class 'inspect._empty'>'\n"
    )
    matches = explain(text, versions={}).matches
    names = {m.rule.name for m in matches[:3]}
    assert "jax-concrete-value-needed" in names and "non-backend-op-on-traced-tensor" in names
    assert matches[0].confidence < 0.8  # which JAX error failed to format is not shown


def test_users_words_after_a_cut_traceback_are_not_its_message():
    from kerasdoctor import explain

    text = _case_text("0613") + "\nI tried everything I found online, can anyone help?\n"
    (rec,) = [r for r in extract_errors(text) if r.kind == "exception"]
    assert "help" not in rec.message
    assert explain(text).matches[0].rule.name == "target-shape-mismatch"


def test_log_line_wording_is_not_lost_to_a_guess_from_the_exception_beside_it():
    # github.com/NVIDIA/NVFlare/issues/3232: the user's summary quotes the exception line cut to "...", the log line
    # below it says what XLA could not compile; a guess from the summary's words that names the same family must not
    # replace the log line's wording
    from kerasdoctor import explain

    text = _case_text("8313")
    kinds = [r.kind for r in extract_errors(text)]
    assert kinds[:2] == ["exception", "log"]
    top = explain(text).matches[0]
    assert (top.rule.name, top.kind) == ("xla-unsupported-op", "wording")
    assert top.confidence < 0.8  # a line beside an exception, not the exception's own message


def test_tensorflow_log_line_glued_to_a_tqdm_bar_is_its_own_record():
    # github.com/thanh-guong/master-thesis/issues/7: a notebook runner's tqdm bar, then TF's C++ log line
    logs = [r.message for r in extract_errors(_case_text("0640")) if r.kind == "log"]
    assert logs[0] == "Could not load dynamic library 'cudart64_110.dll'; dlerror: cudart64_110.dll not found"


def test_windows_build_log_lines_without_a_timestamp_are_records():
    # github.com/kerlomz/captcha_trainer/issues/16: TF 1.x built on Windows names its sources with the build machine's
    # drive, and the paste dropped the timestamps: each line is a log record of its own, not one message
    text = (
        " W T:\\src\\github\\tensorflow\\tensorflow\\core\\common_runtime\\bfc_allocator.cc:219] Allocator (GPU_0_bfc) ran out of "
        "memory trying to allocate 538.33MiB. The caller indicates that this is not a failure, but may mean that there could "
        "be performance gains if more memory were available.\n"
        "\n"
        " E T:\\src\\github\\tensorflow\\tensorflow\\stream_executor\\cuda\\cuda_driver.cc:936] failed to allocate 378.60M "
        "(396990720 bytes) from device: CUDA_ERROR_OUT_OF_MEMORY\n"
    )
    logs = [r.message for r in extract_errors(text) if r.kind == "log"]
    assert logs[0].startswith("Allocator (GPU_0_bfc) ran out of memory trying to allocate 538.33MiB.")
    assert logs[1] == "failed to allocate 378.60M (396990720 bytes) from device: CUDA_ERROR_OUT_OF_MEMORY"


def test_log_line_whose_date_was_cut_off_is_a_record():
    # github.com/knaw-huc/loghi/issues/55: the paste kept only the time (with its microseconds) before the level
    text = (
        "9:07:50.044545: W external/local_xla/xla/tsl/framework/bfc_allocator.cc:501] Allocator (GPU_0_bfc) ran out of "
        "memory trying to allocate 34.10MiB (rounded to 35758080)requested by op "
        "StatefulPartitionedCall/model_new14_1/batch_normalization_36_1/moments/SquaredDifference\n"
    )
    (rec,) = extract_errors(text)
    assert rec.kind == "log"
    assert rec.message.startswith("Allocator (GPU_0_bfc) ran out of memory trying to allocate 34.10MiB")
    # a line that starts with a clock time but names no source location is no log line
    assert all(r.kind != "log" for r in extract_errors("9:07:50.044545 W and then the training stopped\n"))


def test_ipython_8_0_to_8_4_cell_frames():
    # IPython 8.4.0 IPython/core/ultratb.py _format_filename names a cell "Input In [3]", and
    # interactiveshell.py names the cell's code "<cell line: 1>"
    text = (
        "ValueError                                Traceback (most recent call last)\n"
        "Input In [3], in <cell line: 1>()\n"
        "----> 1 model.fit(x, y, epochs=2)\n"
        "\n"
        "File ~/venv/lib/python3.9/site-packages/keras/utils/traceback_utils.py:67, in filter_traceback.<locals>.error_handler(*args, **kwargs)\n"
        "     66   filtered_tb = _process_traceback_frames(e.__traceback__)\n"
        "---> 67   raise e.with_traceback(filtered_tb) from None\n"
        "\n"
        "ValueError: Shapes (None, 1) and (None, 10) are incompatible\n"
    )
    (rec,) = extract_errors(text)
    assert rec.key_message == "Shapes (None, 1) and (None, 10) are incompatible"
    assert (rec.frames[0].path, rec.frames[0].line, rec.frames[0].function) == ("Input In [3]", 1, "<module>")
    assert rec.location is not None and rec.location.code == "model.fit(x, y, epochs=2)"


@pytest.mark.parametrize(
    "text",
    [
        "When I call model.fit I get this error: ModuleNotFoundError: No module named 'keras.src'",
        "训练的时候报错了：ModuleNotFoundError: No module named 'keras.src'，请问怎么解决？",
        "Loading the model fails with (ModuleNotFoundError: No module named 'keras.src')",
    ],
)
def test_an_exception_line_after_the_users_words_is_read_as_the_exception(text: str) -> None:
    records = extract_errors(text)
    exceptions = [r for r in records if r.kind == "exception"]
    assert [r.type for r in exceptions] == ["ModuleNotFoundError"]
    assert exceptions[0].message.startswith("No module named 'keras.src'")
    # English words before it stay a record of their own, for what they describe (Chinese ones are set apart when normalised)
    if text.isascii():
        assert any(r.kind == "message" and r.message.strip(" :(") for r in records)


def test_a_bullet_before_a_mistyped_class_is_no_lead_in() -> None:
    (record,) = extract_errors("- TyeError: Could not deserialize class 'Functional' because its parent module keras.src.models.functional cannot be imported.")
    assert record.type is None and record.message.startswith("- TyeError")


def test_an_exception_line_typed_without_the_space_before_its_quoted_message_is_read() -> None:
    (record,) = extract_errors("KeyError:'val_loss'")
    assert (record.type, record.message) == ("KeyError", "'val_loss'")


def test_an_error_in_parentheses_within_a_sentence_ends_at_the_closing_parenthesis() -> None:
    text = "the run stops with an error (KeyError:'val_acc'), is my callback wrong? Please help"
    typed = [r for r in extract_errors(text) if r.type]
    assert [(r.type, r.message) for r in typed] == [("KeyError", "'val_acc'")]
    # the message's own parentheses are kept: only the one that closes the sentence's ends it
    typed = [r for r in extract_errors("fit fails (ValueError: expected shape=(None, 3), found shape=(None, 4)) on my data") if r.type]
    assert [r.message for r in typed] == ["expected shape=(None, 3), found shape=(None, 4)"]


def test_the_in_user_code_envelope_pasted_without_its_exception_line_is_read() -> None:
    text = (
        "in user code:\n\n"
        '    File "/home/me/train.py", line 128, in step  *\n'
        "        if g:\n\n"
        '    ValueError: condition of if statement expected to be `tf.bool` scalar, got Tensor("AddN:0", shape=(2,), dtype=float32).\n'
    )
    (record,) = extract_errors(text)
    assert record.key_message.startswith("condition of if statement expected to be `tf.bool` scalar")
    assert record.location is not None and (record.location.path, record.location.line) == ("/home/me/train.py", 128)


VSCODE = (
    "Exception has occurred: ValueError\n"
    "Shapes (None, 1) and (None, 10) are incompatible\n"
    '  File "/home/me/proj/losses.py", line 12, in my_loss\n'
    "    return tf.reduce_mean(y_true - y_pred)\n"
    '  File "/home/me/proj/train.py", line 30, in <module>\n'
    "    model.fit(x, y)\n"
)


@pytest.mark.parametrize("tail", ["", "ValueError: Shapes (None, 1) and (None, 10) are incompatible\n"])
def test_vscode_exception_report_keeps_type_message_and_innermost_frame(tail):
    (rec,) = extract_errors(VSCODE + tail)
    assert rec.type == "ValueError"
    assert rec.message == "Shapes (None, 1) and (None, 10) are incompatible"
    # VS Code lists the frames innermost first: the raising one ends up last, as in a Python traceback
    assert [f.function for f in rec.frames] == ["<module>", "my_loss"]
    assert rec.location is not None and rec.location.line == 12


def test_vscode_header_without_frames_is_an_exception_record():
    (rec,) = extract_errors("Exception has occurred: KeyError\n'val_loss'\n")
    assert (rec.kind, rec.type, rec.message) == ("exception", "KeyError", "'val_loss'")


def test_a_traceback_pasted_on_one_line_is_read_frame_by_frame():
    text = (
        'Traceback (most recent call last): File "train.py", line 42, in <module> model.fit(x, y) '
        'File "/usr/lib/python3/site-packages/keras/engine/training.py", line 1100, in fit tmp_logs = self.train_function(iterator) '
        "ValueError: Shapes (None, 4) and (None, 10) are incompatible"
    )
    (rec,) = extract_errors(text)
    assert (rec.type, rec.message) == ("ValueError", "Shapes (None, 4) and (None, 10) are incompatible")
    assert [(f.function, f.code) for f in rec.frames] == [("<module>", "model.fit(x, y)"), ("fit", "tmp_logs = self.train_function(iterator)")]


@pytest.mark.parametrize("quote", ["", "`"])
def test_a_last_frame_pasted_on_one_line_with_its_exception_is_read_as_both(quote):
    # an issue quotes only the last frame, its source line and the exception, all on one line (in a code span)
    text = (
        f'{quote}File "/venv/lib/python3.10/site-packages/tensorflow/lite/python/optimize/calibrator.py", line 152, '
        "in _feed_tensors self._calibrator.FeedTensor(input_array) ValueError: Cannot set tensor: Got value of type "
        f"FLOAT64 but expected type FLOAT32 for input 0, name: serving_default_images:0 {quote}\n"
        "I tried to convert the images in the folder to float32 and I still get the same error\n"
    )
    (rec,) = extract_errors(text)
    assert rec.type == "ValueError"
    assert rec.message.startswith("Cannot set tensor: Got value of type FLOAT64 but expected type FLOAT32 for input 0")
    assert [(f.function, f.code) for f in rec.frames] == [("_feed_tensors", "self._calibrator.FeedTensor(input_array)")]


@pytest.mark.parametrize(
    ("frame", "function", "code"),
    [
        ('File "train.py", line 65, in <module>am.model.fit_generator(gen, epochs=10)', "<module>", "am.model.fit_generator(gen, epochs=10)"),
        ('File "t.py", line 2, in <listcomp>x.ndim == 1 for x in data', "<listcomp>", "x.ndim == 1 for x in data"),
        # a name in brackets with nothing glued to it stays whole
        ('File "<ipython-input-3-x>", line 1, in <cell line: 1>', "<cell line: 1>", ""),
        ('File "a.py", line 3, in <module>()', "<module>()", ""),
    ],
)
def test_a_source_line_glued_onto_a_bracketed_frame_name_is_its_code(frame, function, code):
    (rec,) = extract_errors(f"{frame}\nKeyError: 'val_acc'\n")
    assert [(f.function, f.code) for f in rec.frames] == [(function, code)]


def test_a_chained_traceback_on_one_line_keeps_its_chain():
    text = (
        'Traceback (most recent call last): File "a.py", line 3, in <module> import tensorflow ImportError: DLL load failed '
        "During handling of the above exception, another exception occurred: Traceback (most recent call last): "
        'File "b.py", line 1, in <module> import keras Exception: Keras requires TensorFlow 2.2 or higher.'
    )
    cause, final = extract_errors(text)
    assert (cause.message, cause.chained) == ("DLL load failed", True)
    assert (final.type, final.message, final.chained) == ("Exception", "Keras requires TensorFlow 2.2 or higher.", False)


@pytest.mark.parametrize(
    "after",
    [
        "How can I fix this? Thanks",
        "\n**System information**\n- TensorFlow version: 2.4.1\n- Python version: 3.8",
        "\n### Standalone code to reproduce the issue\nmodel.fit(x, y)",
    ],
)
def test_what_the_user_wrote_after_the_exception_is_not_its_message(after):
    text = "Traceback (most recent call last):\n  File \"t.py\", line 3, in <module>\n    f()\nKeyError: 'val_loss'\n" + after + "\n"
    (rec,) = [r for r in extract_errors(text) if r.kind == "exception"]
    assert rec.message == "'val_loss'"


def test_a_multi_paragraph_library_message_is_kept_whole():
    text = (
        "ValueError: Layer 'talking_head' looks like it has unbuilt state, but Keras is not able to trace the layer `call()` "
        "in order to build it automatically. Possible causes:\n"
        "1. The `call()` method of your layer may be crashing.\n"
        "\n"
        "Exception encountered: ''Dimensions must be equal''\n"
    )
    (rec,) = extract_errors(text)
    assert rec.message.endswith("Exception encountered: ''Dimensions must be equal''")


SHUTDOWN_NOISE = (
    "Exception ignored in: <bound method BaseSession.__del__ of <tensorflow.python.client.session.Session object at 0x7f3b>>\n"
    "Traceback (most recent call last):\n"
    '  File "/usr/local/lib/python3.6/dist-packages/tensorflow/python/client/session.py", line 738, in __del__\n'
    "TypeError: 'NoneType' object is not callable\n"
    "Error in atexit._run_exitfuncs:\n"
    "Traceback (most recent call last):\n"
    '  File "/usr/lib/python3.8/logging/__init__.py", line 2127, in shutdown\n'
    "    h.close()\n"
    "AttributeError: 'NoneType' object has no attribute 'close'\n"
)


def test_errors_python_ignored_at_shutdown_give_way_to_the_real_one():
    real = "Traceback (most recent call last):\n  File \"t.py\", line 3, in <module>\n    f()\nKeyError: 'val_loss'\n"
    assert [(r.type, r.message) for r in extract_errors(real + SHUTDOWN_NOISE)] == [("KeyError", "'val_loss'")]
    # alone, they are all there is to read
    assert [r.type for r in extract_errors(SHUTDOWN_NOISE)] == ["TypeError", "AttributeError"]


_WITH_HEADER = (
    "Traceback (most recent call last):\n"
    '  File "train.py", line 42, in <module>\n'
    "    model.fit(x, y)\n"
    "ValueError: Shapes (None, 4) and (None, 10) are incompatible\n"
)
# a container log pasted without the traceback's header line: the prefix stands before its first frame
_FROM_FIRST_FRAME = (
    '  File "/app/app.py", line 2, in <module>\n'
    "    from deepface import DeepFace\n"
    "ImportError: cannot import name 'LocallyConnected2D' from 'tensorflow.keras.layers'\n"
)
_READ_PAST = [
    *(
        (prefix, _WITH_HEADER, ("ValueError", "Shapes (None, 4) and (None, 10) are incompatible"), "model.fit(x, y)")
        for prefix in ("2023-05-01T10:00:03.1234567Z ", "[2023-05-01 10:00:03] ", "(RolloutWorker pid=29733) ", "web_1  | ", "stderr: ")
    ),
    *(
        (prefix, _FROM_FIRST_FRAME, ("ImportError", "cannot import name 'LocallyConnected2D' from 'tensorflow.keras.layers'"), "from deepface import DeepFace")
        for prefix in ("2024-03-10 15:13:34 ", "web_1  | ")
    ),
]


@pytest.mark.parametrize(("prefix", "traceback", "error", "code"), _READ_PAST)
def test_a_log_collectors_prefix_on_every_line_is_read_past(prefix, traceback, error, code):
    (rec,) = extract_errors("".join(prefix + line + "\n" for line in traceback.splitlines()))
    assert (rec.type, rec.message) == error
    assert [(f.function, f.code) for f in rec.frames] == [("<module>", code)]


def test_a_timestamp_on_log_lines_only_is_left_alone():
    text = (
        "2023-05-01 10:00:00.123456: W tensorflow/core/common_runtime/bfc_allocator.cc:290] Allocator ran out of memory\n"
        "Traceback (most recent call last):\n"
        '  File "train.py", line 42, in <module>\n'
        "    model.fit(x, y)\n"
        "KeyError: 'loss'\n"
    )
    kinds = [(r.kind, r.type) for r in extract_errors(text)]
    assert ("exception", "KeyError") in kinds and ("log", None) in kinds


def test_a_library_message_wrapped_into_prose_like_lines_stays_whole() -> None:
    # Keras 3's envelope as a terminal hard-wraps it: its own lines read like a sentence, and end no question
    text = (
        "OperatorNotAllowedInGraphError: Exception encountered when\n"
        "calling Gate.call().\n\n"
        "Could not automatically infer the output shape / dtype\n"
        "of 'gate' (of type Gate). Either the `Gate.call()` method\n"
        "is incorrect, or you need to implement the\n"
        "`Gate.compute_output_spec() / compute_output_shape()` method.\n"
    )
    (record,) = extract_errors(text)
    assert "compute_output_spec" in record.message


def _frame_heads_cut(text: str, where: str) -> str:
    """Each frame head wrapped as a narrow window does: after the path, or inside it."""
    out = []
    for line in text.splitlines():
        if line.lstrip().startswith('File "') and '", line ' in line:
            if where == "after the path":
                line = line.replace('", line ', '",\nline ', 1)
            else:
                quote = line.index('"') + 1
                cut = quote + max(1, (line.index('"', quote) - quote) // 2)
                line = f"{line[:cut]}\n{line[cut:]}"
        out.append(line)
    return "\n".join(out)


def _rule_example_tracebacks() -> list[str]:
    """The knowledge base's example texts that show two frames or more."""
    from kerasdoctor.kb import load_rules

    return [e["text"] for r in load_rules(use_cache=False).rules for e in r.examples.get("errors") or [] if e["text"].count('File "') >= 2]


@pytest.mark.parametrize("where", ["after the path", "inside the path"])
def test_frame_heads_wrapped_by_a_narrow_window_are_read_as_frames(where):
    texts = _rule_example_tracebacks()
    assert len(texts) > 100
    for text in texts:
        whole = [(f.path, f.function, f.line) for rec in extract_errors(text) for f in rec.frames]
        cut = [(f.path, f.function, f.line) for rec in extract_errors(_frame_heads_cut(text, where)) for f in rec.frames]
        assert cut == whole, text


def test_a_frame_line_copied_from_inside_its_path_is_still_a_frame():
    # a selection that starts after `File "` (or inside the path) of the paste's first frame line
    checked = 0
    for text in _rule_example_tracebacks():
        lines = text.splitlines()
        first = next((i for i, line in enumerate(lines) if line.lstrip().startswith('File "')), None)
        if first is None or '.py", line ' not in lines[first] or not lines[first - 1].startswith("Traceback"):
            continue
        head = lines[first]
        path_start = head.index('"') + 1
        path_end = head.index('"', path_start)
        cut = min(path_start + (path_end - path_start) // 2, path_end - len("x.py"))
        whole = [(f.function, f.line) for rec in extract_errors(text) for f in rec.frames]
        headless = "\n".join([head[cut:], *lines[first + 1 :]])
        assert [(f.function, f.line) for rec in extract_errors(headless) for f in rec.frames] == whole, text
        checked += 1
    assert checked > 100


def test_ipython_arrow_line_whose_frame_header_was_cut_off():
    # github.com/bnsreenu/python_for_microscopists/issues/14: the paste starts at the arrow of the raising frame
    (rec,) = [r for r in extract_errors(_case_text("0918")) if r.kind == "exception"]
    assert rec.type == "ValueError"
    assert rec.frames[-1].code == "if class_weight:" and rec.frames[-1].line == 1185
    # the frame's file and function are unknown: no location, and no where-condition is contradicted
    assert rec.location is None and rec.frames[-1].path == ""


def test_a_frame_whose_path_a_web_page_dropped_as_an_html_tag():
    # File "<stdin>", line 1, in <module> as a GitHub issue renders it: both tags gone
    (record,) = extract_errors('Traceback (most recent call last):\nFile "", line 1, in\nImportError: cannot import name merge\n')
    assert (record.type, record.message, len(record.frames)) == ("ImportError", "cannot import name merge", 1)


def test_a_dropped_stdin_frame_is_code_typed_in_no_package():
    # a blog's copy of an interactive session: "<stdin>" eaten as a tag, a space left before the comma, the
    # indentation gone (e-com-net.com/article/1726300888848478208.htm)
    pasted = (
        "Traceback (most recent call last):\n"
        'File "" , line 1, in <module>\n'
        "sess = tf.Session()\n"
        "AttributeError: module 'tensorflow' has no attribute 'Session'\n"
    )
    (record,) = extract_errors(pasted)
    assert (record.type, record.message) == ("AttributeError", "module 'tensorflow' has no attribute 'Session'")
    assert (record.frames[-1].path, record.frames[-1].code) == ("<stdin>", "sess = tf.Session()")
    # the line ran in the user's session, not in old Keras's tensorflow_backend.py: the TF 1 API is the user's
    from kerasdoctor import explain

    best = explain(pasted).matches[0]
    assert best.rule.name == "tf1-api-in-tf2" and best.confidence >= 0.8


def test_pytest_frames_copied_without_the_error_margin_keep_their_exception():
    # a pytest traceback copied into an issue without pytest's "E   " margin on the error line
    # (https://github.com/Samsung/CredSweeper/pull/5, TF 2.6 with keras 2.7)
    pasted = (
        "credsweeper/ml_model/ml_validator.py:9: in <module>\n"
        "    from tensorflow.keras.models import load_model\n"
        "...\n"
        "tensorflow.python.framework.errors_impl.AlreadyExistsError: Another metric with the same name already exists.\n"
    )
    (rec,) = [r for r in extract_errors(pasted) if r.kind == "exception"]
    assert rec.type == "AlreadyExistsError"
    assert rec.message == "Another metric with the same name already exists."
    assert rec.frames[-1].path == "credsweeper/ml_model/ml_validator.py"
    assert rec.frames[-1].code == "from tensorflow.keras.models import load_model"
    # module-level source shown by pytest --tb=long is not mistaken for an exception line
    source_only = "tests/test_m.py:3: in <module>\n    import keras\nx = compute(1)\nE   ImportError: boom\n"
    (rec,) = [r for r in extract_errors(source_only) if r.kind == "exception"]
    assert (rec.type, rec.message) == ("ImportError", "boom")


@pytest.mark.parametrize(
    ("pasted", "completed"),
    [
        # Python 2 (https://github.com/yanpanlau/DDPG-Keras-Torcs/issues/19, keras 2.0.3)
        (
            'Traceback (most recent call last):\n  File "ddpg.py", line 10, in <module>\n'
            "    from keras.engine.training import collect_trainable_weights\nImportError: cannot import name collect_trainable_weights\n",
            "cannot import name 'collect_trainable_weights' from 'keras.engine.training'",
        ),
        # Python 3.6, a notebook pasted from the raising line's arrow (https://github.com/akTwelve/tutorials/issues/9)
        ("-> 2097         from keras.engine import saving\n\nImportError: cannot import name 'saving'\n", "cannot import name 'saving' from 'keras.engine'"),
        # the user's own words around the exception line, below an IPython frame and a blank line
        (
            "---> 26 from keras.layers import Input, Softmax\n\n运行时报错：ImportError: cannot import name 'Softmax'，求助\n",
            "cannot import name 'Softmax' from 'keras.layers'",
        ),
        # the name is not among those the statement imports: nothing to complete
        (
            "Traceback (most recent call last):\n  File \"a.py\", line 1, in <module>\n    from keras import layers\nImportError: cannot import name 'merge'\n",
            "cannot import name 'merge'",
        ),
    ],
)
def test_an_old_pythons_import_error_is_completed_with_the_module_its_statement_imports_from(pasted: str, completed: str) -> None:
    (rec,) = [r for r in extract_errors(pasted) if r.kind == "exception"]
    assert rec.type == "ImportError"
    assert rec.key_message == completed
    assert rec.message.startswith("cannot import name")  # the message as printed is kept


@pytest.mark.parametrize("marks", ["#", "###", "####"])
def test_an_exception_line_an_issue_editor_turned_into_a_heading_is_read_as_the_exception(marks: str) -> None:
    # https://github.com/simontomaskarlsson/CycleGAN-Keras/issues/5 pasted its last line as "#### ImportError: ..."
    pasted = (
        "Traceback (most recent call last):\n"
        '  File "main.py", line 9, in <module>\n'
        "    from keras.engine.topology import Network\n"
        f"{marks} ImportError: cannot import name 'Network'\n"
    )
    (rec,) = [r for r in extract_errors(pasted) if r.kind == "exception"]
    assert rec.type == "ImportError"
    assert rec.key_message == "cannot import name 'Network' from 'keras.engine.topology'"
    (alone,) = extract_errors(f"{marks} ValueError: bad marshal data (unknown type code)")
    assert (alone.type, alone.message) == ("ValueError", "bad marshal data (unknown type code)")


def test_a_heading_or_comment_that_is_not_an_exception_line_keeps_its_hashes() -> None:
    (rec,) = extract_errors("# Hi, after I run the main.py : it fails")
    assert rec.type is None
    assert rec.message.startswith("# Hi")


@pytest.mark.parametrize(
    "pasted",
    [
        # transformers' lazy import (utils/import_utils.py _LazyModule._get_module), the quoted error on its own line
        "RuntimeError: Failed to import transformers.models.roberta.modeling_tf_roberta because of the following error "
        "(look up to see its traceback):\nNo module named 'keras.saving.hdf5_format'\n",
        # the same on one line, and nested (a lazy import inside a lazy import)
        "RuntimeError: Failed to import transformers.trainer because of the following error (look up to see its "
        "traceback): Failed to import transformers.modeling_tf_utils because of the following error (look up to see "
        "its traceback): No module named 'keras.saving.hdf5_format'",
    ],
)
def test_an_error_a_lazy_import_quotes_is_matched_as_that_error(pasted: str) -> None:
    from kerasdoctor import explain

    (rec,) = [r for r in extract_errors(pasted) if r.kind == "exception"]
    assert rec.type == "RuntimeError"
    assert rec.key_message == "No module named 'keras.saving.hdf5_format'"
    # the quoted ModuleNotFoundError's wording is not contradicted by the wrapper's class
    top = explain(pasted, versions={}).matches[0]
    assert (top.rule.name, top.kind) == ("keras-internal-module-paths", "wording")


def test_vscode_notebook_cell_frame_is_read_as_the_users_frame():
    # VS Code's Jupyter output (2023): the cell is named by its notebook and line, line numbers are links
    text = (
        "ValueError                                Traceback (most recent call last)\n"
        "/home/me/work/train.ipynb Cell 13 line 1\n"
        "----> [1](vscode-notebook-cell:/home/me/work/train.ipynb#X15sZmlsZQ%3D%3D?line=0) model.fit(x, y, validation_split=0.2)\n"
        "\n"
        "File /usr/local/lib/python3.11/dist-packages/keras/src/utils/traceback_utils.py:122, in filter_traceback.<locals>.error_handler(*args, **kwargs)\n"
        "    [119](https://file%2B.vscode-resource.vscode-cdn.net/usr/lib/keras/src/utils/traceback_utils.py:119)     filtered_tb = ...\n"
        "--> [122](https://file%2B.vscode-resource.vscode-cdn.net/usr/lib/keras/src/utils/traceback_utils.py:122)     raise e.with_traceback(filtered_tb)\n"
        "\n"
        "ValueError: Argument `validation_split` is only supported for tensors or NumPy arrays.\n"
    )
    (rec,) = [r for r in extract_errors(text) if r.kind == "exception"]
    assert rec.message.startswith("Argument `validation_split` is only supported")
    first = rec.frames[0]
    assert (first.path, first.line, first.code) == ("/home/me/work/train.ipynb", 1, "model.fit(x, y, validation_split=0.2)")
    assert rec.location is not None and rec.location.path == "/home/me/work/train.ipynb"


def test_vscode_notebook_html_links_keep_their_line_numbers():
    # the same output copied as HTML: <a href='vscode-notebook-cell:...'>28</a>
    text = (
        "TypeError                                 Traceback (most recent call last)\n"
        "c:\\Users\\me\\lab\\nb.ipynb Cell 22 line 3\n"
        "     <a href='vscode-notebook-cell:/c%3A/Users/me/lab/nb.ipynb#X30sZmlsZQ%3D%3D?line=1'>2</a> layer = Dense(3)\n"
        "---> <a href='vscode-notebook-cell:/c%3A/Users/me/lab/nb.ipynb#X30sZmlsZQ%3D%3D?line=2'>3</a> layer.build((1, 2))\n"
        "TypeError: Layer.add_weight() got multiple values for argument 'shape'\n"
    )
    (rec,) = [r for r in extract_errors(text) if r.kind == "exception"]
    assert rec.type == "TypeError"
    assert rec.message == "Layer.add_weight() got multiple values for argument 'shape'"
    assert [(f.path, f.code) for f in rec.frames] == [("c:\\Users\\me\\lab\\nb.ipynb", "layer.build((1, 2))")]


def test_cut_traceback_does_not_take_a_raise_that_later_context_lines_stepped_over():
    # an IPython frame cut before its arrow: its context shows a complete raise in a branch not taken, then
    # the code that ran on; the raise's literal is not the error
    text = (
        "TypeError                                 Traceback (most recent call last)\n"
        "<ipython-input-4-e29b2c6a0e65> in <module>()\n"
        "----> 1 model = load_model('m.h5')\n"
        "\n"
        "/usr/local/lib/python3.7/dist-packages/keras/models.py in load_model(filepath, custom_objects)\n"
        "    125     if model_config is None:\n"
        "    126         raise ValueError('No model found in config file.')\n"
        "    127     model_config = json.loads(model_config.decode('utf-8'))\n"
    )
    (rec,) = [r for r in extract_errors(text) if r.kind == "exception"]
    assert rec.type == "TypeError"
    assert "No model found" not in rec.message
    assert rec.frames[-1].code == "model_config = json.loads(model_config.decode('utf-8'))"


def test_colab_folded_frames_marker_glued_to_the_next_frame_is_split_from_it():
    # Colab's "1 frames" widget copied without its line break: the library frame after it is still a frame
    text = (
        "ValueError                                Traceback (most recent call last)\n"
        "[/tmp/ipython-input-12345.py](https://colab.research.google.com/drive/x#) in <cell line: 0>()\n"
        "----> 3 model.add(Dense(1, batch_input_shape=(None, 1)))\n"
        "\n"
        "1 frames[/usr/local/lib/python3.12/dist-packages/keras/src/layers/layer.py](https://colab.research.google.com/drive/x#)"
        " in __init__(self, activity_regularizer, trainable, dtype, autocast, name, **kwargs)\n"
        "--> 291             raise ValueError(\n"
        "\n"
        "ValueError: Unrecognized keyword arguments passed to Dense: {'batch_input_shape': (None, 1)}\n"
    )
    (rec,) = [r for r in extract_errors(text) if r.kind == "exception"]
    assert [f.function for f in rec.frames] == ["<cell line: 0>", "__init__"]
    assert rec.frames[-1].path.endswith("keras/src/layers/layer.py")
    assert rec.message.startswith("Unrecognized keyword arguments passed to Dense")


def test_python2_ipython_header_drive_paths_and_timed_cells_are_read_as_frames():
    # IPython on Python 2 glued the class to its header; a %%time cell runs as "<timed exec>"; Colab's Drive path has a space
    text = (
        "AttributeErrorTraceback (most recent call last)\n"
        "<timed exec> in <module>()\n"
        "\n"
        "/content/gdrive/My Drive/proj/mrcnn/model.py in compile(self, learning_rate, momentum)\n"
        "   2201                 * self.config.LOSS_WEIGHTS.get(name, 1.))\n"
        "-> 2202             self.keras_model.add_metric(loss, name)\n"
        "\n"
        "AttributeError: 'Model' object has no attribute 'add_metric'\n"
    )
    (rec,) = [r for r in extract_errors(text) if r.kind == "exception"]
    assert rec.type == "AttributeError"
    assert rec.message == "'Model' object has no attribute 'add_metric'"
    assert [(f.path, f.function) for f in rec.frames] == [
        ("<timed exec>", "<module>"),
        ("/content/gdrive/My Drive/proj/mrcnn/model.py", "compile"),
    ]
    assert rec.frames[-1].code == "self.keras_model.add_metric(loss, name)"


def test_colab_folded_frames_line_inside_a_traceback_without_header_keeps_the_frames_below():
    # a paste whose header opened a markdown code span: the "9 frames" line between two frames is not the error
    text = (
        "I'm doing this in google colab and after loading the model I got an error.\n"
        "`ValueError                                Traceback (most recent call last)\n"
        "<ipython-input-28-f67ed1cccb9b> in <module>()\n"
        "----> 2 model = load_model('./saved_model.h5')\n"
        "\n"
        "9 frames\n"
        "/usr/local/lib/python3.6/dist-packages/tensorflow/python/keras/utils/generic_utils.py in class_and_config(config)\n"
        "--> 321     raise ValueError('Unknown ' + printable_module_name + ': ' + class_name)\n"
        "\n"
        "ValueError: Unknown layer: KerasLayer`\n"
    )
    (rec,) = [r for r in extract_errors(text) if r.kind == "exception"]
    assert rec.type == "ValueError"
    assert rec.message.startswith("Unknown layer: KerasLayer")
    assert [f.function for f in rec.frames] == ["<module>", "class_and_config"]


def test_ipython_colour_codes_that_lost_their_escape_character_are_removed():
    # nbconvert's "An error occurred while executing the following cell" in a CI log: the ESC before each code is gone
    text = (
        "An error occurred while executing the following cell:\n"
        "------------------\n"
        "[1;31m---------------------------------------------------------------------------[0m\n"
        "[1;31mValueError[0m                                Traceback (most recent call last)\n"
        "[1;32m<ipython-input-1-abc123>[0m in [0;36m<module>[1;34m[0m\n"
        "[1;32m----> 1[1;33m [0mmodel[0m[1;33m.[0m[0mfit[0m[1;33m([0m[0mx[0m[1;33m)[0m\n"
        "[1;31mValueError[0m: Unknown loss function: mse2\n"
    )
    (rec,) = [r for r in extract_errors(text) if r.kind == "exception"]
    assert (rec.type, rec.message) == ("ValueError", "Unknown loss function: mse2")
    assert [(f.path, f.code) for f in rec.frames] == [("<ipython-input-1-abc123>", "model.fit(x)")]
    # and as copied from the notebook's JSON, the escape written out
    (again,) = [r for r in extract_errors(text.replace("[1;31m", "\\u001b[1;31m")) if r.kind == "exception"]
    assert again.message == "Unknown loss function: mse2"


def test_a_notebook_files_error_output_json_is_read_as_the_traceback_it_prints():
    # an error output copied from the .ipynb file itself (nbformat 4): ename, evalue, traceback as escaped strings
    text = (
        "the cell output in my notebook file:\n"
        "     {\n"
        '      "ename": "AttributeError",\n'
        "      \"evalue\": \"'Sequential' object has no attribute 'predict_classes'\",\n"
        '      "output_type": "error",\n'
        '      "traceback": [\n'
        '       "\\u001b[0;31m---------------------------------------------------------------------------\\u001b[0m",\n'
        '       "\\u001b[0;31mAttributeError\\u001b[0m                            Traceback (most recent call last)",\n'
        '       "\\u001b[0;32m<ipython-input-7-1a2b3c4d5e6f>\\u001b[0m in \\u001b[0;36m<module>\\u001b[0;34m\\u001b[0m\\n'
        "\\u001b[0;32m----> 1\\u001b[0;31m \\u001b[0my_pred\\u001b[0m \\u001b[0;34m=\\u001b[0m \\u001b[0mmodel\\u001b[0m"
        '\\u001b[0;34m.\\u001b[0m\\u001b[0mpredict_classes\\u001b[0m\\u001b[0;34m(\\u001b[0m\\u001b[0mX_test\\u001b[0m\\u001b[0;34m)\\u001b[0m\\n",\n'
        "       \"\\u001b[0;31mAttributeError\\u001b[0m: 'Sequential' object has no attribute 'predict_classes'\"\n"
        "      ]\n"
        "     }\n"
    )
    (rec,) = [r for r in extract_errors(text) if r.kind == "exception"]
    assert (rec.type, rec.message) == ("AttributeError", "'Sequential' object has no attribute 'predict_classes'")
    assert [(f.path, f.code) for f in rec.frames] == [("<ipython-input-7-1a2b3c4d5e6f>", "y_pred = model.predict_classes(X_test)")]


def test_spyder_frames_name_their_function_without_a_comma():
    # Spyder 5 (IPython 8): "File <path>:<line> in <function>", and no function on a module's own line
    text = (
        "Traceback (most recent call last):\n"
        "\n"
        "  File ~\\anaconda3\\Lib\\site-packages\\segmentation_models\\__init__.py:98\n"
        "    set_framework(_framework)\n"
        "\n"
        "  File ~\\anaconda3\\Lib\\site-packages\\efficientnet\\__init__.py:71 in init_keras_custom_objects\n"
        "    keras.utils.generic_utils.get_custom_objects().update(custom_objects)\n"
        "\n"
        "AttributeError: module 'keras.utils' has no attribute 'generic_utils'\n"
    )
    (rec,) = [r for r in extract_errors(text) if r.kind == "exception"]
    assert [(f.line, f.function) for f in rec.frames] == [(98, ""), (71, "init_keras_custom_objects")]
    assert rec.frames[-1].code.startswith("keras.utils.generic_utils.get_custom_objects()")


def test_a_source_line_joined_onto_a_spyder_frame_line_is_that_frames_code():
    # a page that lost the line break between Spyder's frame line and its source line
    text = (
        "File D:\\ProgramData\\miniconda3\\envs\\ak\\lib\\site-packages\\tensorflow\\python\\eager\\execute.py:54 in quick_execute"
        " tensors = pywrap_tfe.TFE_Py_Execute(ctx._handle, device_name, op_name,\n"
        "UnicodeDecodeError: 'utf-8' codec can't decode byte 0xd5 in position 205: invalid continuation byte\n"
    )
    (rec,) = [r for r in extract_errors(text) if r.kind == "exception"]
    assert [(f.line, f.function) for f in rec.frames] == [(54, "quick_execute")]
    assert rec.frames[0].code == "tensors = pywrap_tfe.TFE_Py_Execute(ctx._handle, device_name, op_name,"


def test_ipython_frames_keep_the_arguments_they_print_after_the_function():
    text = (
        "File ~/venv/lib/python3.11/site-packages/keras/src/utils/traceback_utils.py:122, in filter_traceback.<locals>.error_handler(*args, **kwargs)\n"
        "    120     filtered_tb = _process_traceback_frames(e.__traceback__)\n"
        "--> 122     raise e.with_traceback(filtered_tb) from None\n"
        "\n"
        'ValueError: Input 0 of layer "dense" is incompatible with the layer\n'
    )
    (rec,) = [r for r in extract_errors(text) if r.kind == "exception"]
    assert rec.frames[0].function == "filter_traceback.<locals>.error_handler"


@pytest.mark.parametrize(
    ("pasted", "builtin"),
    [("AtrributeError", "AttributeError"), ("ValueErorr", "ValueError"), ("Attributeerror", "AttributeError"), ("ImportEror", "ImportError")],
)
def test_a_builtin_exception_class_retyped_with_one_slip_is_read_as_that_class(pasted, builtin):
    names = builtin_type_names(pasted)
    assert names[0] == pasted and builtin in names and "Exception" in names


@pytest.mark.parametrize(("pasted", "builtin"), [("AtrributeError", "AttributeError"), ("AttribueError", "AttributeError")])
def test_a_record_of_a_retyped_builtin_class_shows_the_name_as_pasted(pasted, builtin):
    (rec,) = extract_errors(f"{pasted}: 'str' object has no attribute 'decode'\n")
    assert rec.type == pasted
    assert builtin in rec.type_names


@pytest.mark.parametrize(
    ("line", "builtin", "message"),
    [("keyError:'val_acc'", "KeyError", "'val_acc'"), ("valueError: No gradients provided", "ValueError", "No gradients provided")],
)
def test_a_builtin_exception_line_retyped_with_a_lower_case_initial_is_an_exception(line, builtin, message):
    (rec,) = extract_errors(line + "\n")
    assert rec.kind == "exception" and rec.type == line.split(":")[0]
    assert builtin in rec.type_names and rec.message == message


@pytest.mark.parametrize("line", ["myError: something went wrong", "shapeError: (None, 3)", "unknownError: x"])
def test_a_lower_case_name_that_is_no_builtin_exception_is_no_exception_line(line):
    assert all(rec.type is None for rec in extract_errors(line + "\n"))


@pytest.mark.parametrize("name", ["InvalidArgumentError", "ResourceExhaustedError", "NotFoundError", "KerasError"])
def test_library_exception_classes_are_not_read_as_builtins(name):
    assert builtin_type_names(name) == (name,)


def test_a_retyped_exception_class_keeps_the_family_its_wording_names():
    from kerasdoctor import explain

    text = "`original_keras_version = f.attrs['keras_version'].decode('utf8')`\n`AtrributeError: 'str' object has no attribute 'decode'`\n"
    assert explain(text).matches[0].name == "h5py3-str-decode"


def test_inline_code_span_around_a_notebook_traceback_is_no_part_of_its_message():
    # an issue editor's single backticks opened before the header and closed at the end of the message line
    text = (
        "When I run the first cell I get:\n"
        "`ModuleNotFoundError                       Traceback (most recent call last)\n"
        "<ipython-input-4-0a1b2c3d4e5f> in <module>\n"
        "----> 1 import tensorflow as tf\n"
        "\n"
        "ModuleNotFoundError: No module named 'tensorflow'`\n"
    )
    (rec,) = [r for r in extract_errors(text) if r.kind == "exception"]
    assert (rec.type, rec.message) == ("ModuleNotFoundError", "No module named 'tensorflow'")
    assert [f.function for f in rec.frames] == ["<module>"]


def test_a_backtick_inside_a_message_line_is_kept():
    # an odd backtick that neither opens a line nor closes one is the message's own
    text = 'Traceback (most recent call last):\n  File "a.py", line 1, in <module>\n    f()\nValueError: bad `x value\n'
    (rec,) = [r for r in extract_errors(text) if r.kind == "exception"]
    assert rec.message == "bad `x value"


_STATED_THEN_CUT = (
    "When loading the model I get the error: ValueError: Unrecognized keyword arguments passed to LSTM: {'time_major': False}.\n\n"
    "Traceback (most recent call last):\n"
    '  File "run.py", line 3, in <module>\n'
    "    model = keras.models.load_model('old.h5')\n"
    '  File "/usr/lib/python3.11/site-packages/keras/src/saving/saving_api.py", line 196, in load_model\n'
    "    return legacy_h5_format.load_model_from_hdf5(\n"
    '  File "/usr/lib/python3.11/site-packages/keras/src/legacy/saving/saving_utils.py", line 88, in model_from_config\n'
    "    return serialization.deserialize_keras_object(\n"
)


def test_error_stated_above_a_traceback_cut_before_its_last_line_gets_its_frames():
    recs = [r for r in extract_errors(_STATED_THEN_CUT) if r.kind == "exception"]
    assert len(recs) == 1
    assert recs[0].type == "ValueError" and "time_major" in recs[0].message
    assert [f.function for f in recs[0].frames] == ["<module>", "load_model", "model_from_config"]
    assert recs[0].cut_frames


def test_a_traceback_that_keeps_its_message_is_not_marked_cut():
    text = _STATED_THEN_CUT + "ValueError: Unrecognized keyword arguments passed to LSTM: {'time_major': False}\n"
    recs = [r for r in extract_errors(text) if r.kind == "exception"]
    assert recs and not any(r.cut_frames for r in recs)


@pytest.mark.parametrize(
    ("pasted", "op_error"),
    [
        ("java.lang.IllegalArgumentException", "InvalidArgumentError"),
        ("java.lang.IllegalStateException", "FailedPreconditionError"),
        ("IndexOutOfBoundsException", "OutOfRangeError"),
        ("org.tensorflow.TensorFlowException", "InternalError"),
    ],
)
def test_a_java_exception_of_tensorflows_java_binding_is_read_as_the_op_error_of_its_status(pasted, op_error):
    names = builtin_type_names(pasted)
    assert names[0] == pasted.rsplit(".", 1)[-1] and op_error in names


def test_an_android_paste_of_an_unfed_placeholder_keeps_its_family():
    from kerasdoctor import explain

    text = (
        "TensorFlowInferenceInterface: Failed to run TensorFlow session: java.lang.IllegalArgumentException: "
        "You must feed a value for placeholder tensor 'keep_prob' with dtype float\n"
    )
    best = explain(text).matches[0]
    assert best.name == "placeholder-not-fed" and best.confidence >= 0.8


def test_a_java_exception_of_another_status_does_not_confirm_an_invalid_argument_wording():
    from kerasdoctor import explain

    text = "java.lang.IllegalStateException: You must feed a value for placeholder tensor 'keep_prob' with dtype float\n"
    assert all(m.confidence < 0.8 for m in explain(text).matches if m.name == "placeholder-not-fed")


def test_an_exception_line_after_the_users_english_lead_in_is_a_second_error() -> None:
    # an issue quoting two versions' errors: the user's sentence introducing the second one ends the first message
    text = (
        "TypeError: Input 'filename' of 'ReadFile' Op has type float32 that does not match expected type of string.\n"
        "\n"
        "Tensorflow 2.9.1's `image_dataset_from_directory` will output a different `Exception` under the same circumstances:\n"
        "\n"
        "ValueError: No images found in directory base_dir. Allowed formats: ('.bmp', '.gif', '.jpeg')\n"
    )
    assert [r.type for r in extract_errors(text)] == ["TypeError", "ValueError"]


def test_an_exception_line_under_the_users_short_words_after_a_blank_line_is_a_second_error() -> None:
    # two errors quoted in an issue's prose (each in backticks), a few of the user's words between them
    text = (
        "The checker says\n"
        "\n"
        "`AssertionError: The action returned does not match the action space\n"
        "`\n"
        "\n"
        "And when I skip the checker\n"
        "`ValueError: Cannot feed value of shape (1, 3) for Tensor 'obs:0', which has shape '(?, 4)'\n"
        "`\n"
    )
    assert [r.type for r in extract_errors(text)] == ["AssertionError", "ValueError"]


@pytest.mark.parametrize(
    "words",
    [
        "Moreover, I can't do it even if I specify shape=[1, None, None, 3], because I got:",
        "With model.fit(x, y) I'm getting this instead:",
    ],
)
def test_an_exception_line_after_the_users_first_person_lead_in_with_code_is_a_second_error(words: str) -> None:
    # the user's sentence holds code (an assignment, a call), which the plain-words lead-in refuses; its "I" does not
    text = (
        "TypeError: unsupported operand type(s) for *: 'NoneType' and 'int'\n"
        f"{words}\n"
        "ValueError: Cannot convert a partially known TensorShape to a Tensor: (1, None, None, 3)\n"
    )
    assert [r.type for r in extract_errors(text)] == ["TypeError", "ValueError"]
    assert extract_errors(text)[0].message == "unsupported operand type(s) for *: 'NoneType' and 'int'"


@pytest.mark.parametrize(
    "words",
    [
        "If I try to load the model using `hub.KerasLayer` instead, I get a different error.",
        "When I'm running it on the GPU, it fails with",
        "Then I get this",
    ],
)
def test_a_clause_of_the_users_own_i_after_a_message_ends_it(words: str) -> None:
    # an issue quoting two errors, the user's sentence between them opening on a conjunction and "I"
    text = (
        "RuntimeError: Exporting/importing meta graphs is not supported when eager execution is enabled.\n"
        "\n"
        f"{words}\n"
        "\n"
        "ValueError: Importing a SavedModel with tf.saved_model.load requires a 'tags=' argument\n"
    )
    assert [r.type for r in extract_errors(text)] == ["RuntimeError", "ValueError"]
    assert extract_errors(text)[0].message == "Exporting/importing meta graphs is not supported when eager execution is enabled."


@pytest.mark.parametrize(
    "line",
    [
        "If using Keras pass *_constraint arguments to layers.",  # a library's own advice, no first person
        "When the input is a dataset, `y` should not be passed.",
    ],
)
def test_a_librarys_conditional_line_stays_in_its_message(line: str) -> None:
    text = f"ValueError: first line of the message\n{line}\n"
    (record,) = extract_errors(text)
    assert record.message == f"first line of the message\n{line}"


@pytest.mark.parametrize(
    "line",
    [
        'Call arguments received by layer "dense" (type Dense):',  # a library's own lead-in: quoted names, a call
        "Detected at node 'x' defined at (most recent call last):",
        "Function call stack:",  # too short to be the user's sentence
    ],
)
def test_a_library_lead_in_does_not_split_a_message(line) -> None:
    text = f"ValueError: first line of the message\n\n{line}\nKeyError: 'k'\n"
    assert [r.type for r in extract_errors(text)] == ["ValueError"]


@pytest.mark.parametrize("glued", ["运行时报错：", ""])
def test_chinese_words_after_the_exception_line_of_a_traceback_leave_it_its_type_and_frames(glued: str) -> None:
    # the words go above the traceback: above the exception line they would split it from its frames
    text = (
        "Traceback (most recent call last):\n"
        '  File "/adabound.py", line 40, in __init__\n'
        "    self.lr = K.variable(lr, name='lr')\n"
        f"{glued}AttributeError: can't set attribute，求助\n"
    )
    (record,) = [r for r in extract_errors(text) if r.kind == "exception"]
    assert (record.type, record.message) == ("AttributeError", "can't set attribute")
    assert [frame.code for frame in record.frames] == ["self.lr = K.variable(lr, name='lr')"]


def _warnings_printed(code: str, tmp_path) -> str:
    """What Python itself writes to stderr for the warnings ``code`` issues from a module file of its own."""
    import subprocess
    import sys

    module = tmp_path / "plugins.py"
    module.write_text(code, encoding="utf-8")
    done = subprocess.run([sys.executable, "-W", "always", str(module)], capture_output=True, text=True, check=True)
    return done.stderr


def test_a_warning_message_of_several_lines_is_read_whole(tmp_path):
    printed = _warnings_printed(
        "import warnings\nwarnings.warn(\"unable to load libplugins.so: unable to open file\\ncaused by: ['libplugins.so: undefined symbol: _ZN3tslE']\")\n",
        tmp_path,
    )
    assert printed.splitlines()[-1].startswith("  warnings.warn(")  # the source line Python prints under the message
    (record,) = extract_errors(printed + "Epoch 1/3\n")
    assert record.kind == "warning" and record.type == "UserWarning"
    assert record.message.splitlines() == ["unable to load libplugins.so: unable to open file", "caused by: ['libplugins.so: undefined symbol: _ZN3tslE']"]


def test_a_warning_message_starting_with_line_breaks_is_read_from_the_lines_below(tmp_path):
    # TensorFlow Addons' end-of-life notice: warnings.warn("\n\nTensorFlow Addons (TFA) has ended ...\n...")
    printed = _warnings_printed(
        'import warnings\nwarnings.warn("\\n\\nFirst line of the notice.\\nSecond line of it.\\n\\nMore at a link \\n")\n',
        tmp_path,
    )
    assert printed.splitlines()[0].endswith("UserWarning: ")
    (record,) = [r for r in extract_errors(printed) if r.kind == "warning"]
    assert record.message.splitlines()[:2] == ["First line of the notice.", "Second line of it."]
    # pasted without the blank lines and the source line, and longer than a warning's usual few lines
    header = printed.splitlines()[0]
    (record, *_) = [r for r in extract_errors(f"{header}\nOne.\nTwo.\nThree.\nFour.\nFive.\n") if r.kind == "warning"]
    assert record.message.splitlines() == ["One.", "Two.", "Three."]


def test_lines_after_a_warning_without_its_source_line_stay_lines_of_their_own(tmp_path):
    printed = _warnings_printed('import warnings\nwarnings.warn("the first notice")\n', tmp_path)
    first_line = printed.splitlines()[0]
    records = extract_errors(f"{first_line}\nValueError: Input 0 of layer dense is incompatible with the layer\n")
    assert [(r.kind, r.type, r.message) for r in records] == [
        ("exception", "ValueError", "Input 0 of layer dense is incompatible with the layer"),
        ("warning", "UserWarning", "the first notice"),
    ]
    # a progress bar under a warning is not its source line
    (warning, *_) = [r for r in extract_errors(f"{first_line}\nEpoch 1/3\n  1/100 [....] - ETA: 1s - loss: 0.5\n") if r.kind == "warning"]
    assert warning.message == "the first notice"
    (warning, *_) = [r for r in extract_errors(f"{first_line}\n  1/100 [....] - ETA: 1s - loss: 0.5\n") if r.kind == "warning"]
    assert warning.message == "the first notice"


def test_second_traceback_pasted_after_a_blank_line_is_its_own_record():
    # two code blocks of one report: the inner import error, then the frames and error the library raised from it,
    # with no "During handling of the above exception" line between them
    text = (
        "Traceback (most recent call last):\n"
        '  File "/usr/lib/python3.13/site-packages/transformers/activations_tf.py", line 22, in <module>\n'
        "    import tf_keras as keras\n"
        "ModuleNotFoundError: No module named 'tf_keras'\n"
        "\n"
        '  File "/usr/lib/python3.13/site-packages/transformers/activations_tf.py", line 27, in <module>\n'
        "    raise ValueError(\n"
        "ValueError: Your currently installed version of Keras is Keras 3, but this is not yet supported in Transformers.\n"
    )
    first, second = [r for r in extract_errors(text) if r.kind == "exception"]
    assert (first.type, first.message) == ("ModuleNotFoundError", "No module named 'tf_keras'")
    assert second.type == "ValueError"
    assert second.message.startswith("Your currently installed version of Keras is Keras 3")


def test_frames_inside_tensorflow_in_user_code_stay_in_the_message():
    text = (
        "Traceback (most recent call last):\n"
        '  File "train.py", line 9, in <module>\n'
        "    model.fit(x, y)\n"
        "ValueError: in user code:\n"
        "\n"
        '  File "/usr/lib/python3/site-packages/keras/engine/training.py", line 1160, in train_function  *\n'
        "    return step_function(self, iterator)\n"
        "\n"
        "    ValueError: Shapes (32, 1) and (32, 10) are incompatible\n"
    )
    records = [r for r in extract_errors(text) if r.kind == "exception"]
    assert len(records) == 1
    assert "Shapes (32, 1) and (32, 10) are incompatible" in records[0].message


def test_indented_exception_line_after_a_compiled_frame_is_the_exception():
    # a traceback pasted with its exception line indented like the frames: the last frame is Cython code (.pyx),
    # which never prints a source line, so the indented "OSError: ..." under it is the error, not its source
    text = (
        "Traceback (most recent call last):\n"
        '  File "predict.py", line 27, in <module>\n'
        "    model = load_model('weights/model.h5')\n"
        '  File "h5py/_objects.pyx", line 54, in h5py._objects.with_phil.wrapper\n'
        '  File "h5py/h5f.pyx", line 78, in h5py.h5f.open\n'
        "  OSError: Unable to open file (file signature not found)\n"
    )
    (rec,) = [r for r in extract_errors(text) if r.kind == "exception"]
    assert (rec.type, rec.message) == ("OSError", "Unable to open file (file signature not found)")
    assert rec.frames[-1].code == ""


def test_margin_line_under_a_compiled_frame_is_the_message_not_its_source_line():
    # a frame of Cython code (.pyx) prints no source line: the line at the margin below it is what is left of the
    # exception line (here h5py's message, whose start a carriage return in the file name hid), and the user's own
    # words after it do not become the message
    text = (
        "Traceback (most recent call last):\n"
        '  File "video_demo.py", line 22, in main\n'
        "    load_model('.\\results\\weights_c3d.h5')\n"
        '  File "h5py\\h5f.pyx", line 78, in h5py.h5f.open\n'
        "esults\\weights_c3d.h5', errno = 22, error message = 'Invalid argument', flags = 0, o_flags = 0)\n"
        "有人遇到过吗？\n"
    )
    (rec,) = [r for r in extract_errors(text) if r.kind == "exception"]
    assert rec.message.startswith("esults\\weights_c3d.h5', errno = 22")
    assert rec.frames[-1].code == ""


def test_indented_line_under_a_python_frame_stays_its_source_line():
    text = "Traceback (most recent call last):\n  File \"train.py\", line 3, in <module>\n    KeyError: int = 3\nNameError: name 'x' is not defined\n"
    (rec,) = [r for r in extract_errors(text) if r.kind == "exception"]
    assert rec.type == "NameError"
    assert rec.frames[-1].code == "KeyError: int = 3"


def test_raising_statement_at_the_margin_whose_frame_line_was_lost_is_not_the_message():
    # the paste kept the caller's frame and the raising frame's source line (an assert with its message), not the
    # raising frame's 'File' line: the exception line after that statement is the exception
    text = (
        'File "/Users/fox/PycharmProjects/dqn-master/dqn.py", line 53, in build_functions\n'
        "    self.build_model()\n"
        "\n"
        "assert type(outputs) in {list, tuple}, 'Output to a TensorFlow backend function should be a list or tuple.'\n"
        "AssertionError: Output to a TensorFlow backend function should be a list or tuple.\n"
    )
    (rec,) = [r for r in extract_errors(text) if r.kind == "exception"]
    assert rec.type == "AssertionError"
    assert rec.message == "Output to a TensorFlow backend function should be a list or tuple."
    assert rec.frames[-1].function == "build_functions"


def test_raising_statement_at_the_margin_without_an_exception_line_after_it_stays_the_message():
    text = 'File "/x/model.py", line 3, in build\n    self.check()\n\nassert ok, "the shapes differ"\n'
    (rec,) = [r for r in extract_errors(text) if r.kind == "exception"]
    assert rec.type is None
    assert rec.message == 'assert ok, "the shapes differ"'


def test_exception_lines_pasted_one_under_another_are_errors_of_their_own() -> None:
    # the last line of each traceback, kept without its frames: KerasTuner's stop under a trial's own error
    text = (
        "ValueError: Incompatible shapes for broadcasting: shapes=[(3,), (3, 5)]\n"
        "...followed by...\n"
        "RuntimeError: Number of consecutive failures exceeded the limit of 3.\n"
    )
    assert [(r.type, r.message.splitlines()[0]) for r in extract_errors(text)] == [
        ("ValueError", "Incompatible shapes for broadcasting: shapes=[(3,), (3, 5)]"),
        ("RuntimeError", "Number of consecutive failures exceeded the limit of 3."),
    ]

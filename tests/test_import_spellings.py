"""`from M import X` and `M.X` print different messages for one missing name; explain reads each as the other."""

from __future__ import annotations

from kerasdoctor.explain import explain
from kerasdoctor.explain.extract import extract_errors
from kerasdoctor.explain.imports import equivalent_records
from kerasdoctor.types import CONFIDENT


def _first(text: str):
    matches = explain(text, versions={}).matches
    assert matches, text
    return matches[0]


def test_the_attribute_form_finds_the_family_that_lists_the_import_form() -> None:
    # multi-gpu-model-removed lists "cannot import name 'multi_gpu_model'"; `keras.utils.multi_gpu_model(...)` prints this
    first = _first("AttributeError: module 'keras.utils' has no attribute 'multi_gpu_model'")
    assert first.rule.name == "multi-gpu-model-removed"
    assert first.kind == "wording"
    # inferred, not printed: below certainty, and it says which message it was read as
    assert first.confidence < CONFIDENT
    assert any("cannot import name 'multi_gpu_model' from 'keras.utils'" in note for note in first.notes)


def test_the_import_form_finds_the_family_that_lists_the_attribute_form() -> None:
    # backend-session-removed lists "module 'keras.backend' has no attribute 'get_session'"
    first = _first("ImportError: cannot import name 'get_session' from 'keras.backend' (/usr/lib/python3/site-packages/keras/backend/__init__.py)")
    assert first.rule.name == "backend-session-removed"
    assert first.confidence < CONFIDENT


def test_the_printed_form_stays_as_sure_as_before() -> None:
    first = _first("ImportError: cannot import name 'multi_gpu_model' from 'keras.utils' (/x/site-packages/keras/utils/__init__.py)")
    assert first.rule.name == "multi-gpu-model-removed"
    assert first.confidence >= CONFIDENT
    assert not any("equivalent message" in note for note in first.notes)


def test_each_form_is_read_with_the_exception_type_python_raises_for_the_other() -> None:
    (record,) = extract_errors("AttributeError: module 'keras.utils' has no attribute 'np_utils'")
    ((alias, text),) = equivalent_records(record)
    assert text == "cannot import name 'np_utils' from 'keras.utils'"
    assert alias.type == "ImportError"
    assert alias.message == text
    (record,) = extract_errors("ImportError: cannot import name 'np_utils' from 'keras.utils' (/x/keras/utils/__init__.py)")
    ((alias, text),) = equivalent_records(record)
    assert (alias.type, text) == ("AttributeError", "module 'keras.utils' has no attribute 'np_utils'")


def test_a_bare_message_keeps_its_unknown_type() -> None:
    (record,) = extract_errors("module 'keras.utils' has no attribute 'np_utils'")
    ((alias, _),) = equivalent_records(record)
    assert alias.type is None


def test_a_circular_import_or_an_unrelated_message_is_not_read_as_another_form() -> None:
    for text in (
        "AttributeError: partially initialized module 'tensorflow' has no attribute 'keras' (most likely due to a circular import)",
        "ImportError: cannot import name 'layers' from partially initialized module 'keras' (most likely due to a circular import)",
        "ModuleNotFoundError: No module named 'keras.utils.np_utils'",
        "AttributeError: 'Sequential' object has no attribute 'predict_classes'",
        "ValueError: Shapes (None, 1) and (None, 10) are incompatible",
    ):
        (record,) = extract_errors(text)
        assert equivalent_records(record) == [], text


def test_a_generic_wording_is_not_read_through_the_other_form() -> None:
    # module-has-no-attribute's "module 'M' has no attribute 'X'" (0.5) fits any module: read through the import
    # form it would outrank the last resort's reading of the module and the name; a plain typo stays unanswered
    matches = explain("ImportError: cannot import name 'loadz' from 'json' (/usr/lib/python3.11/json/__init__.py)", versions={}).matches
    assert not any(m.kind == "wording" for m in matches)


_CUT_IMPORT = (
    "ModuleNotFoundError                       Traceback (most recent call last)\n"
    "<ipython-input-3-0a1b2c3d4e5f> in <module>()\n"
    "      1 import numpy as np\n"
    "----> 2 from keras.preprocessing.text import Tokenizer\n"
    "      3 from keras.utils import to_categorical\n"
)


def test_a_notebook_paste_cut_at_an_import_is_read_as_the_message_that_statement_raises() -> None:
    from kerasdoctor.explain.imports import cut_import_records

    (record,) = [r for r in extract_errors(_CUT_IMPORT) if r.kind == "exception"]
    assert record.message == ""
    assert [text for _, text in cut_import_records(record)] == ["No module named 'keras.preprocessing.text'"]
    first = _first(_CUT_IMPORT)
    assert first.rule.name == "keras3-legacy-preprocessing-removed"
    # which module was missing is a guess (all of keras, or only the submodule): below certainty, and said
    assert first.confidence < CONFIDENT
    assert any("stops at the import statement" in note for note in first.notes)


def test_a_cut_import_error_reads_the_names_the_statement_imports() -> None:
    from kerasdoctor.explain.imports import cut_import_records

    text = _CUT_IMPORT.replace("ModuleNotFoundError    ", "ImportError            ").replace(
        "from keras.preprocessing.text import Tokenizer", "from keras.optimizers import adam"
    )
    (record,) = [r for r in extract_errors(text) if r.kind == "exception"]
    assert [text for _, text in cut_import_records(record)] == ["cannot import name 'adam' from 'keras.optimizers'"]
    # a record that kept its message, or whose last line is no import, is read only as printed
    printed = extract_errors("ImportError: cannot import name 'adam' from 'keras.optimizers'")[0]
    assert cut_import_records(printed) == []

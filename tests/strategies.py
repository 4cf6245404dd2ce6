"""Hypothesis strategies for hostile inputs to explain and to rule loading.

Shared by the property tests and by long fuzz runs (``benchmarks/``): import them with
``tests`` on ``sys.path``.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_RULE_PATH = ROOT / "tests" / "data" / "rules_sample" / "KD990-sample-marshal.yaml"
# the id a test's own rule takes: one no built-in rule has, or the built-in rule would be found in its place
USER_RULE_ID = next(f"KD{n}" for n in range(999, 99, -1) if not any((ROOT / "rules").glob(f"KD{n}-*.yaml")))

EXCEPTION_TYPES = ["ValueError", "TypeError", "AttributeError", "tensorflow.python.framework.errors_impl.InvalidArgumentError", "Exception", "KeyError"]
FRAGMENTS = [
    "Traceback (most recent call last):",
    '  File "/home/me/train.py", line 12, in <module>',
    '  File "/venv/lib/python3.11/site-packages/keras/src/models/functional.py", line 95, in __init__',
    "    model.fit(x, y)",
    "ValueError: bad marshal data (unknown type code)",
    "The above exception was the direct cause of the following exception:",
    "During handling of the above exception, another exception occurred:",
    "Exception encountered when calling layer 'dense' (type Dense).",
    "  [[{{node gradients/x}}]] [Op:MatMul]",
    "Epoch 1/3",
    "100/100 [==============================] - 1s 5ms/step - loss: nan",
    "WARNING:tensorflow:something happened",
    "W0101 12:00:00.000000 1234 file.cc:12] a glog warning",
    "In [3]:",
    "---------------------------------------------------------------------------",
    "ValueError                                Traceback (most recent call last)",
    "<ipython-input-7-abc> in <cell line: 1>()",
    "----> 1 model.fit(x)",
    "  [Previous line repeated 996 more times]",
    "    ^^^^^^^^^^^^",
    "\x1b[31mred\x1b[0m",
    "\r",
    "\x00",
    "",
]

line_strategy = st.one_of(
    st.sampled_from(FRAGMENTS),
    st.text(max_size=200),
    st.builds(lambda t, m: f"{t}: {m}", st.sampled_from(EXCEPTION_TYPES), st.text(max_size=120)),
)

# pasted error text: tracebacks, logs and noise mixed line by line
error_text = st.lists(line_strategy, max_size=60).map("\n".join)
# raw bytes, as a log file or a pipe may hold them (any encoding, NUL bytes, lone CR)
error_bytes = st.one_of(st.binary(max_size=4000), error_text.map(lambda t: t.encode("utf-8", "surrogatepass")))


# code that exercises the fixing lint rules, spliced into generated code
KERAS_LINES = [
    "model.fit_generator(gen, steps_per_epoch=3, nb_epoch=5)",
    "opt = keras.optimizers.Adam(lr=0.1, decay=1e-4)",
    'layer = layers.Dense(1, activation="softmax")',
    "model.predict_classes(x)",
    "y = tf.reshape(layers.Input((3,)), (1, 3))",
    "if layers.Input((2,)):\n    pass",
    "from keras.layers.merge import add",
]


def traceback_text(depth: int, *, message: str = "ValueError: bad marshal data (unknown type code)") -> str:
    """A syntactically real traceback ``depth`` frames deep."""
    frame = '  File "/home/me/deep.py", line 3, in recurse\n    recurse(n - 1)\n'
    return "Traceback (most recent call last):\n" + frame * depth + message + "\n"


deep_traceback = st.builds(traceback_text, st.integers(min_value=0, max_value=3000))


class _Raises:
    """An object whose str/repr raise: what a broken __str__ in user code looks like."""

    def __str__(self) -> str:
        raise RuntimeError("str raised")

    def __repr__(self) -> str:
        raise RuntimeError("repr raised")


odd_values = st.one_of(
    st.none(),
    st.integers(),
    st.text(max_size=100),
    st.binary(max_size=50),
    st.just(_Raises()),
    st.lists(st.one_of(st.text(max_size=30), st.integers(), st.just(_Raises())), max_size=5),
    st.tuples(st.text(max_size=20)),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
)


def _exception(kind: type[BaseException], args: tuple[Any, ...], notes: Any, broken_str: bool, cause: bool) -> BaseException:
    if broken_str:
        kind = type("Broken" + kind.__name__, (kind,), {"__str__": lambda self: (_ for _ in ()).throw(RuntimeError("broken"))})
    exc = kind(*args)
    if notes is not _NO_NOTES:
        exc.__notes__ = notes  # type: ignore[attr-defined]
    if cause:
        exc.__cause__ = ValueError("bad marshal data")
    return exc


_NO_NOTES = object()
odd_exceptions = st.builds(
    _exception,
    st.sampled_from([ValueError, TypeError, KeyError, RuntimeError, Exception, AttributeError, OSError]),
    st.lists(odd_values, max_size=3).map(tuple),
    st.one_of(st.just(_NO_NOTES), odd_values),
    st.booleans(),
    st.booleans(),
)


def sample_rule() -> dict[str, Any]:
    import yaml

    rule: dict[str, Any] = yaml.safe_load(SAMPLE_RULE_PATH.read_text())
    rule.update(id=USER_RULE_ID, name="fuzzed-rule")
    return rule


yaml_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=40)),
    lambda children: st.one_of(st.lists(children, max_size=4), st.dictionaries(st.text(max_size=12), children, max_size=4)),
    max_leaves=12,
)
pattern_values = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["(a+)+$", "(a|aa)+$", "a{4294967296}", "(" * 300 + "a" + ")" * 300, "[", "(?P<x>", "\\", "(?<=a+)b", "x" * 6000]),
)
FIELDS = [
    ("title",),
    ("severity",),
    ("category",),
    ("applies_to",),
    ("applies_to", "keras"),
    ("docs",),
    ("docs", "what"),
    ("docs", "example"),
    ("docs", "references"),
    ("docs", "notes"),
    ("errors",),
    ("errors", 0),
    ("errors", 0, "pattern"),
    ("errors", 0, "type"),
    ("errors", 0, "kind"),
    ("errors", 0, "where"),
    ("errors", 0, "where", "raised_in"),
    ("errors", 0, "where", "frame_function"),
    ("errors", 0, "confidence"),
    ("errors", 0, "involves"),
    ("errors", 0, "shared_with"),
    ("errors", 0, "versions"),
    ("examples",),
    ("examples", "errors"),
    ("examples", "errors", 0, "text"),
    ("examples", "bad"),
    ("lint",),
    ("lint", "message"),
    ("lint", "calls"),
]


def _mutate(changes: list[tuple[tuple[Any, ...], Any]]) -> dict[str, Any]:
    rule = copy.deepcopy(sample_rule())
    for path, value in changes:
        target: Any = rule
        for part in path[:-1]:
            if (isinstance(target, dict) and part in target) or (isinstance(target, list) and isinstance(part, int) and part < len(target)):
                target = target[part]
            else:
                break
        else:
            if isinstance(target, dict) or (isinstance(target, list) and isinstance(path[-1], int) and path[-1] < len(target)):
                target[path[-1]] = value
    return rule


# a valid rule with a few fields replaced by values of any shape
malformed_rules = st.lists(
    st.tuples(st.sampled_from(FIELDS), st.one_of(yaml_values, pattern_values)),
    min_size=1,
    max_size=4,
).map(_mutate)

# YAML text that is odd on its own: aliases, tags, deep nesting, broken syntax
odd_yaml = st.one_of(
    st.text(max_size=300),
    st.sampled_from(
        [
            "a: &a [x, x, x]\nb: [*a, *a, *a]\n",
            "x: !!python/object:os.system ls\n",
            "x: !!binary aGVsbG8=\n",
            "x: 2024-01-01\n",
            "? [a]\n: b\n",
            "[" * 5000 + "]" * 5000,
            "a: &a [*a]\n",
            f"\ufeffid: {USER_RULE_ID}\n",
            f"id: {USER_RULE_ID}\nid: KD992\n",
            "\x00\x01",
        ]
    ),
)

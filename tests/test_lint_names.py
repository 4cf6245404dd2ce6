from __future__ import annotations

import pytest

from kerasdoctor.names import canonical


@pytest.mark.parametrize(
    ("spelling", "expected"),
    [
        ("tensorflow.keras.layers.Lambda", "keras.layers.Lambda"),
        ("tf_keras.layers.Lambda", "keras.layers.Lambda"),
        ("tensorflow.python.keras.layers.core.Lambda", "keras.layers.Lambda"),
        ("keras.src.layers.core.lambda_layer.Lambda", "keras.layers.Lambda"),
        ("keras.layers.core.Lambda", "keras.layers.Lambda"),
        ("tensorflow.compat.v1.keras.layers.Dense", "keras.layers.Dense"),
        ("keras.src.optimizers.adam.Adam", "keras.optimizers.Adam"),
        ("tensorflow.keras.optimizers.legacy.Adam", "keras.optimizers.legacy.Adam"),
        ("tensorflow.keras.models.Model", "keras.Model"),
        ("keras.layers.Input", "keras.Input"),
        ("keras.saving.load_model", "keras.models.load_model"),
        ("tensorflow.keras.utils.register_keras_serializable", "keras.saving.register_keras_serializable"),
        ("tensorflow.compat.v1.placeholder", "tensorflow.placeholder"),
        ("tensorflow.math.log", "tensorflow.log"),
        ("tensorflow.keras", "keras"),
        ("keras.layers.merge.concatenate", "keras.layers.merge.concatenate"),
        ("numpy.log", "numpy.log"),
    ],
)
def test_canonical(spelling: str, expected: str) -> None:
    assert canonical(spelling) == expected

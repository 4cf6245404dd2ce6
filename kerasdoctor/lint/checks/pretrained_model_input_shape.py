"""A ``keras.applications`` model with ImageNet weights built with an input shape or class count those weights cannot take.

What it detects:
    With ``weights="imagenet"`` (the default), literal arguments that the constructor
    refuses: ``include_top=True`` (the default) with ``classes`` other than 1000, or with
    an ``input_shape`` other than the network's own (224x224x3, 299x299x3 for
    Inception/Xception, ...); with or without the top, an ``input_shape`` whose channels
    are not 3 or whose height/width is below the network's minimum (32, 71 or 75).
    Applications that accept several sizes (MobileNet, MobileNetV2/V3) are not checked.

Why it breaks:
    The ImageNet weights fix the classifier (1000 classes, trained at one input size)
    and the first convolution (3 channels): "When setting `include_top=True` and loading
    `imagenet` weights, `input_shape` should be (224, 224, 3)", "... `classes` should be
    1000", "The input must have 3 channels", "Input size must be at least 32x32".

Example:
    base = keras.applications.ResNet50(input_shape=(128, 128, 3), classes=10)

Use instead:
    ``keras.applications.ResNet50(include_top=False, input_shape=(128, 128, 3), pooling="avg")``
    followed by your own ``Dense(10, activation="softmax")``; repeat a grayscale channel 3 times.
"""

from __future__ import annotations

import libcst as cst

from kerasdoctor.lint.base import Check
from kerasdoctor.lint.checks._util import argument, has_star_args, is_true, keyword, number_value, sequence_elements, string_value

# application -> (ImageNet input size, minimum size), as in keras/src/applications/*.py (obtain_input_shape calls)
_SIZES: dict[str, tuple[int, int]] = {
    **{name: (224, 32) for name in ("VGG16", "VGG19", "ResNet50", "ResNet101", "ResNet152", "ResNet50V2", "ResNet101V2", "ResNet152V2")},
    **{name: (224, 32) for name in ("DenseNet121", "DenseNet169", "DenseNet201", "NASNetMobile")},
    **{f"ConvNeXt{size}": (224, 32) for size in ("Tiny", "Small", "Base", "Large", "XLarge")},
    **{f"EfficientNetB{i}": (size, 32) for i, size in enumerate((224, 240, 260, 300, 380, 456, 528, 600))},
    "InceptionV3": (299, 75),
    "InceptionResNetV2": (299, 75),
    "Xception": (299, 71),
    "NASNetLarge": (331, 32),
}


class PretrainedModelInputShape(Check):
    requires = ("applications",)

    def visit_Call(self, node: cst.Call) -> None:
        qualified = self.ctx.qualify(node.func)
        if qualified is None or not qualified.startswith("keras.applications.") or has_star_args(node):
            return
        sizes = _SIZES.get(qualified.rsplit(".", 1)[1])
        if sizes is None or any(a.keyword is None for a in node.args) or keyword(node, "input_tensor") is not None:
            return
        weights = keyword(node, "weights")
        if weights is not None and string_value(weights.value) != "imagenet":
            return
        model = qualified.rsplit(".", 1)[1]
        top = keyword(node, "include_top")
        include_top = top is None or is_true(top.value)
        if not include_top and not (top is not None and isinstance(top.value, cst.Name) and top.value.value == "False"):
            return  # include_top given as an expression
        classes = argument(node, -1, "classes")
        count = number_value(classes)
        if include_top and count is not None and count != 1000:
            self.report(classes, key="classes", model=model, classes=int(count))  # type: ignore[arg-type]
        given = keyword(node, "input_shape")
        shape = _literal_shape(given.value) if given is not None else None
        if shape is None:
            return
        size, minimum = sizes
        height, width, channels = shape
        if channels != 3 and height != 3:  # (3, h, w) would be channels_first
            self.report(given.value, key="channels", model=model, shape=_shape_text(shape))  # type: ignore[union-attr]
        elif channels != 3:
            return
        elif include_top and (height, width) != (size, size):
            self.report(given.value, key="top_size", model=model, shape=_shape_text(shape), size=size)  # type: ignore[union-attr]
        elif (height is not None and height < minimum) or (width is not None and width < minimum):
            self.report(given.value, key="too_small", model=model, shape=_shape_text(shape), minimum=minimum)  # type: ignore[union-attr]


def _literal_shape(node: cst.BaseExpression) -> tuple[int | None, int | None, int] | None:
    """``(h, w, c)`` of a literal 3-tuple with a literal channel count (h/w may be None), else None."""
    items = sequence_elements(node)
    if items is None or len(items) != 3:
        return None
    values: list[int | None] = []
    for item in items:
        if isinstance(item, cst.Name) and item.value == "None":
            values.append(None)
            continue
        number = number_value(item)
        if number is None or number != int(number):
            return None
        values.append(int(number))
    if values[2] is None:
        return None
    return values[0], values[1], values[2]


def _shape_text(shape: tuple[int | None, int | None, int]) -> str:
    return "(" + ", ".join(str(v) for v in shape) + ")"


CHECK = PretrainedModelInputShape

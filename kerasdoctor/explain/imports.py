"""Python's two words for one missing name, read as each other.

``from M import X`` and ``M.X`` fail for the same reason, that module ``M`` (imported, as
installed) holds no ``X``, yet CPython words them differently:

- ``ImportError: cannot import name 'X' from 'M' (...)`` (Python/import.c ``import_from``, 3.7+),
- ``AttributeError: module 'M' has no attribute 'X'`` (Objects/moduleobject.c ``module_getattro``, 3.5+).

A rule usually lists the form its reports used (``cannot import name 'multi_gpu_model'``), and a
user who wrote the other spelling of the same line gets the other form. A record holding one of
them is also read as the other, with the exception type Python raises for it, so a family's
wording covers both; a hit made that way is slightly less sure than one on the text as printed,
and only wordings that name what is missing are read so (a generic one fits the printed form).
``No module named 'M.X'`` is not one of them: it does not say that ``M`` itself was found, and
the statement that printed it may be a library's own import. The circular import's "partially
initialized module" has another cause and is never read so.
"""

from __future__ import annotations

from kerasdoctor.lazyre import lazy

TYPE_CHECKING = False
if TYPE_CHECKING:
    from kerasdoctor.types import ErrorRecord

# how much a hit on a form the user did not paste is worth, against the same hit on the printed form
ALIAS_FACTOR = 0.9
NOTE = "read as Python's equivalent message: {alias}"

_IMPORT_NAME = lazy(r"cannot import name '(\w+)' from '([\w.]+)'")
_NO_ATTRIBUTE = lazy(r"(?<!partially initialized )module '([\w.]+)' has no attribute '(\w+)'")

_TYPES = {
    "import": ("ImportError", ("ImportError",)),
    "attribute": ("AttributeError", ("AttributeError",)),
}


def _forms(module: str, name: str) -> dict[str, str]:
    return {
        "import": f"cannot import name '{name}' from '{module}'",
        "attribute": f"module '{module}' has no attribute '{name}'",
    }


def _missing_name(text: str) -> tuple[str, str, str] | None:
    """(form, module, name) of the first of Python's missing-name messages in ``text``."""
    if "partially initialized" in text:
        return None
    m = _IMPORT_NAME.search(text)
    if m is not None:
        return "import", m.group(2), m.group(1)
    m = _NO_ATTRIBUTE.search(text)
    if m is not None:
        return "attribute", m.group(1), m.group(2)
    return None


def equivalent_records(record: ErrorRecord) -> list[tuple[ErrorRecord, str]]:
    """``record`` written in Python's other forms of its missing-name message, each with that form; none if it holds none."""
    text = record.key_message or record.message
    if "import name" not in text and "has no attribute" not in text:
        return []
    found = _missing_name(text)
    if found is None:
        return []
    form, module, name = found
    out = []
    for other, alias in _forms(module, name).items():
        if other == form:
            continue
        type_name, type_names = _TYPES[other]
        typed = record.type is not None
        out.append(
            (
                record.replaced(
                    message=alias,
                    key_message=alias,
                    type=type_name if typed else None,
                    type_names=type_names if typed else (),
                ),
                alias,
            )
        )
    return out

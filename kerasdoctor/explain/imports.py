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

A notebook paste cut after its last frame, the user's own import statement, before the exception
line is read as the message that statement raises (``cut_import_records``), below certainty too.
"""

from __future__ import annotations

from kerasdoctor.lazyre import lazy

TYPE_CHECKING = False
if TYPE_CHECKING:
    from kerasdoctor.types import ErrorRecord

# how much a hit on a form the user did not paste is worth, against the same hit on the printed form
ALIAS_FACTOR = 0.9
NOTE = "read as Python's equivalent message: {alias}"
# a notebook paste cut below its last frame, an import statement, before the exception line: Python's message for
# that statement is known up to which part was missing, so a hit on it stays below certainty
CUT_IMPORT_FACTOR = 0.85
CUT_NOTE = "the paste stops at the import statement; read as the message it raises: {alias}"
_FROM_IMPORT = lazy(r"^from\s+([\w.]+)\s+import\s+\(?\s*(\w+)")
_PLAIN_IMPORT = lazy(r"^import\s+([\w.]+)")

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


def cut_import_records(record: ErrorRecord) -> list[tuple[ErrorRecord, str]]:
    """An import error whose message the paste cut off, read from the user's own import statement it stops at:
    ``from M import X`` raises ``cannot import name 'X' from 'M'`` (ImportError) or ``No module named 'M'``
    (ModuleNotFoundError), ``import M`` the latter; none for any other record."""
    if record.kind != "exception" or record.message.strip() or not record.frames:
        return []
    if record.type not in ("ImportError", "ModuleNotFoundError"):
        return []
    from kerasdoctor.explain.extract import is_library_path

    if is_library_path(record.frames[-1].path):
        # a library's own import: which of its dependencies is missing is read from its frames (explain.frames)
        return []
    code = record.frames[-1].code.strip()
    m = _FROM_IMPORT.match(code)
    if m is not None:
        module, name = m.group(1), m.group(2)
    else:
        m = _PLAIN_IMPORT.match(code)
        if m is None:
            return []
        module, name = m.group(1), ""
    missing_module = record.type == "ModuleNotFoundError" or not name
    alias = f"No module named '{module}'" if missing_module else f"cannot import name '{name}' from '{module}'"
    return [(record.replaced(message=alias, key_message=alias), alias)]

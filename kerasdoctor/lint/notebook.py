"""Jupyter notebooks: code cells joined into one module, IPython magics blanked, lines mapped back to cells."""

from __future__ import annotations

import json
import re

# %magic, %%cell_magic, !shell, ?help, help?, and `x = !cmd` / `x = %magic`
_MAGIC = re.compile(r"^\s*(?:[%!?]|[\w.]+\s*=\s*[%!])|\?\s*$")


class NotebookError(ValueError):
    """The file is not a notebook we can read."""


class Notebook:
    """The joined source of a notebook's code cells and where each line came from."""

    def __init__(self, source: str, origins: list[tuple[int, int]]) -> None:
        self.source = source
        self.origins = origins  # index = joined line - 1 -> (cell number, line in cell), both 1-based

    def locate(self, line: int) -> tuple[int, int]:
        if 1 <= line <= len(self.origins):
            return self.origins[line - 1]
        return self.origins[-1] if self.origins else (1, line)


def read_notebook(text: str) -> Notebook:
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise NotebookError(f"not a valid notebook (JSON): {exc}") from None
    cells = data.get("cells") if isinstance(data, dict) else None
    if not isinstance(cells, list):
        raise NotebookError("not a valid notebook: no 'cells' list")
    lines: list[str] = []
    origins: list[tuple[int, int]] = []
    for number, cell in enumerate(cells, 1):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        text_of_cell = "".join(source) if isinstance(source, list) else str(source)
        cell_lines = text_of_cell.splitlines()
        cell_magic = bool(cell_lines) and cell_lines[0].lstrip().startswith("%%")
        for index, line in enumerate(cell_lines, 1):
            if cell_magic or _MAGIC.search(line):
                indent = line[: len(line) - len(line.lstrip())]
                line = f"{indent}pass" if not cell_magic else ""
            lines.append(line)
            origins.append((number, index))
    return Notebook("\n".join(lines) + "\n", origins)

"""Binary search in a sorted list, as :mod:`bisect` does it, without its C module.

The explain fallback runs once per process: loading ``_bisect``'s shared library costs
a cold start more than the few searches it speeds up (``benchmarks/explain_bench.py``).
They are the pure-Python ``bisect_left`` / ``bisect_right`` of CPython's Lib/bisect.py, without its ``lo``, ``hi`` and ``key``.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any


def bisect_left(items: Sequence[Any], value: Any) -> int:
    """The first index at which ``value`` could be inserted keeping ``items`` sorted."""
    low, high = 0, len(items)
    while low < high:
        middle = (low + high) // 2
        if items[middle] < value:
            low = middle + 1
        else:
            high = middle
    return low


def bisect_right(items: Sequence[Any], value: Any) -> int:
    """The last index at which ``value`` could be inserted keeping ``items`` sorted."""
    low, high = 0, len(items)
    while low < high:
        middle = (low + high) // 2
        if value < items[middle]:
            high = middle
        else:
            low = middle + 1
    return low

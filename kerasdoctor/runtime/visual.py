"""Pictures of a failed run: a loss sparkline, a per-layer table, and an HTML panel for notebooks.

Plain text for terminals and logs; in a Jupyter kernel the same report is also shown as
an HTML panel with a small SVG plot of the loss (no plotting library needed).
"""

from __future__ import annotations

import html
import math
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any

_BARS = "▁▂▃▄▅▆▇█"


def _downsampled(values: Sequence[float], width: int) -> list[float]:
    """At most ``width`` values: the mean of each of ``width`` equal runs (non-finite values kept as NaN)."""
    if len(values) <= width:
        return list(values)
    out = []
    for index in range(width):
        chunk = values[index * len(values) // width : (index + 1) * len(values) // width]
        finite = [v for v in chunk if math.isfinite(v)]
        out.append(sum(finite) / len(finite) if len(finite) == len(chunk) else math.nan)
    return out


def sparkline(values: Sequence[float], width: int = 60) -> str:
    """One line of block characters for the finite values; ``×`` marks a NaN/inf point."""
    points = _downsampled(values, width)
    finite = [v for v in points if math.isfinite(v)]
    if not finite:
        return "×" * len(points)
    if min(finite) > 0 and max(finite) > 100 * min(finite):
        # a diverging loss spans orders of magnitude: draw its logarithm
        points = [math.log10(v) if math.isfinite(v) else v for v in points]
        finite = [math.log10(v) for v in finite]
    low, high = min(finite), max(finite)
    span = high - low or 1.0
    return "".join(_BARS[round((v - low) / span * (len(_BARS) - 1))] if math.isfinite(v) else "×" for v in points)


def loss_history_lines(values: Sequence[float], indent: str) -> list[str]:
    """The loss history as a labelled sparkline with its range, or nothing for fewer than two points."""
    if len(values) < 2:
        return []
    finite = [v for v in values if math.isfinite(v)]
    span = f"{min(finite):.4g} .. {max(finite):.4g}" if finite else "no finite value"
    scale = "log scale; " if finite and min(finite) > 0 and max(finite) > 100 * min(finite) else ""
    return [f"{indent}loss history ({len(values)} batches, {span}; {scale}× = NaN/inf):", f"{indent}  {sparkline(values)}"]


def layer_table_lines(rows: Sequence[tuple[str, str, float | None, float | None]], first_bad: str | None, indent: str) -> list[str]:
    """A table of (layer, class, weight norm, gradient norm) rows; ``first_bad`` is marked."""
    if not rows:
        return []

    def norm(value: float | None) -> str:
        return "-" if value is None else f"{value:.4g}"

    name_width = max(5, *(len(name) for name, *_ in rows))
    kind_width = max(5, *(len(kind) for _, kind, *_ in rows))
    lines = [f"{indent}{'layer':<{name_width}}  {'class':<{kind_width}}  {'|weights|':>10}  {'|gradient|':>10}"]
    for name, kind, weights, gradient in rows:
        mark = "  <- first non-finite" if name == first_bad else ""
        lines.append(f"{indent}{name:<{name_width}}  {kind:<{kind_width}}  {norm(weights):>10}  {norm(gradient):>10}{mark}")
    return lines


def in_notebook() -> bool:
    """Whether this process is a Jupyter kernel (an IPython ZMQ shell), without importing IPython."""
    ipython = sys.modules.get("IPython")
    if ipython is None:
        return False
    try:
        shell = ipython.get_ipython()
    except Exception:  # noqa: BLE001 - an odd IPython is no reason to fail a diagnosis
        return False
    return shell is not None and type(shell).__name__ == "ZMQInteractiveShell"


def _svg_plot(values: Sequence[float], width: int = 360, height: int = 80) -> str:
    points = _downsampled(values, width // 2)
    finite = [v for v in points if math.isfinite(v)]
    if len(points) < 2 or not finite:
        return ""
    low, high = min(finite), max(finite)
    span = high - low or 1.0
    step = width / (len(points) - 1)
    coords = [(i * step, height - 4 - (v - low) / span * (height - 8)) for i, v in enumerate(points) if math.isfinite(v)]
    line = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
    bad = [i * step for i, v in enumerate(points) if not math.isfinite(v)]
    marks = "".join(f'<line x1="{x:.1f}" y1="0" x2="{x:.1f}" y2="{height}" stroke="#c00" stroke-dasharray="3,2"/>' for x in bad[:1])
    return (
        f'<svg width="{width}" height="{height}" role="img" aria-label="loss history">'
        f'<polyline fill="none" stroke="#1f77b4" stroke-width="1.5" points="{line}"/>{marks}</svg>'
        f'<div style="font-size:smaller">loss {low:.4g} .. {high:.4g}; the red line is the first NaN/inf</div>'
    )


def html_panel(text: str, losses: Sequence[float]) -> str:
    """The report as an HTML panel: the plot of the loss history above the text."""
    return (
        '<div style="border-left:4px solid #c00;padding:4px 8px;margin:4px 0">'
        f"<b>kerasdoctor</b>{_svg_plot(losses)}"
        f'<pre style="white-space:pre-wrap;margin:4px 0">{html.escape(text.strip())}</pre></div>'
    )


def show_html(text: str, losses: Sequence[float]) -> bool:
    """Display the panel in the running notebook; False when it cannot be shown."""
    try:
        from IPython.display import HTML, display

        display(HTML(html_panel(text, losses)))
        return True
    except Exception:  # noqa: BLE001 - the text report was already printed
        return False


def layer_norms(model: Any) -> list[tuple[str, str, float | None]]:
    """(layer name, class, L2 norm of its weights or None when it has none) for each layer."""
    import numpy as np

    rows = []
    for layer in getattr(model, "layers", []):
        weights = [w for w in layer.get_weights() if getattr(w, "dtype", None) is not None and w.dtype.kind in "fc"]
        total = float(np.sqrt(sum(float(np.sum(np.square(w.astype("float64")))) for w in weights))) if weights else None
        rows.append((layer.name, type(layer).__name__, total))
    return rows

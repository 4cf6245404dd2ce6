"""The pictures of a failed run: sparkline, layer table, notebook panel (pure functions, no TensorFlow)."""

from __future__ import annotations

import math

from kerasdoctor.runtime import visual


def test_sparkline_scales_finite_values_and_marks_nan() -> None:
    assert visual.sparkline([1.0, 2.0, 3.0, math.nan]) == "▁▅█×"
    assert visual.sparkline([2.0, 2.0]) == "▁▁"
    assert visual.sparkline([math.nan, math.inf]) == "××"


def test_sparkline_of_a_diverging_loss_is_logarithmic() -> None:
    # 1 -> 1e6: linear would draw ▁▁▁█; the log scale shows the steady growth
    assert visual.sparkline([1.0, 1e2, 1e4, 1e6]) == "▁▃▆█"
    assert "log scale" in visual.loss_history_lines([1.0, 1e6, math.inf], "")[0]


def test_sparkline_downsamples_long_histories_to_the_width() -> None:
    line = visual.sparkline([float(i) for i in range(1000)] + [math.nan], width=50)
    assert len(line) == 50 and line[0] == "▁" and line[-1] == "×"


def test_layer_table_marks_the_first_non_finite_layer() -> None:
    rows = [("dense", "Dense", math.nan, None), ("out", "Dense", 2.5, 0.125)]
    lines = visual.layer_table_lines(rows, "dense", "  ")
    assert lines[0].split() == ["layer", "class", "|weights|", "|gradient|"]
    assert lines[1].split() == ["dense", "Dense", "nan", "-", "<-", "first", "non-finite"]
    assert lines[2].split() == ["out", "Dense", "2.5", "0.125"]


def test_html_panel_escapes_the_text_and_draws_the_loss() -> None:
    panel = visual.html_panel("loss <nan> & co", [3.0, 2.0, 1.0, math.nan])
    assert "loss &lt;nan&gt; &amp; co" in panel
    assert "<polyline" in panel and 'stroke="#c00"' in panel


def test_not_a_notebook_outside_a_kernel() -> None:
    assert visual.in_notebook() is False

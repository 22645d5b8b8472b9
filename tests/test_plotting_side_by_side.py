"""convkit.plotting.side_by_side: the bars drawn are the ratios of torch's own counts."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from torch.utils.flop_counter import FlopCounterMode

from convkit.comparison import layer_table
from convkit.plotting.side_by_side import (
    format_ratio, ratio_bars_description, ratio_bars_figure, ratios,
)
from test_comparison import torch_layer


def _torch_counts():
    """(names, parameters, multiply-adds) of the reference layers, from torch alone."""
    names, params, macs = [], [], []
    for row in layer_table(part_v=False):
        module = torch_layer(row.name, 64, 64, 3, 8, 2, 2)
        spatial = (4, 56, 56) if row.name == "3D" else (56, 56)
        with FlopCounterMode(display=False) as counter:
            module(torch.empty(1, 64, *spatial, device="meta", dtype=torch.float64))
        names.append(row.name)
        params.append(sum(p.numel() for p in module.parameters()))
        macs.append(counter.get_total_flops() // 2)
    return names, params, macs


def _bars(fig: Figure):
    ax = fig.axes[0]
    return [p for p in ax.patches if isinstance(p, Rectangle)]


def test_bar_lengths_are_log_ratios_of_torch_counts():
    names, params, macs = _torch_counts()
    rows = layer_table(part_v=False)
    fig = ratio_bars_figure(names, {"parameters": [r.params for r in rows],
                                    "multiply-adds": [r.macs for r in rows]})
    bars = _bars(fig)
    assert len(bars) == 2 * len(names)
    widths = np.array([b.get_width() for b in bars]).reshape(2, len(names))
    np.testing.assert_allclose(2.0 ** widths[0], np.array(params) / params[0])
    np.testing.assert_allclose(2.0 ** widths[1], np.array(macs) / macs[0])
    # bars are drawn top to bottom in the order of names
    centres = np.array([b.get_y() + b.get_height() / 2 for b in bars]).reshape(2, len(names))
    assert np.all(np.diff(centres[0]) > 0)
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels == names
    texts = {t.get_text() for t in fig.axes[0].texts}
    assert {"1/64", "1/72", "x12", "x3"} <= texts  # depthwise, pointwise grouped, 3D


def test_each_quantity_has_its_own_hatch_and_colour():
    fig = ratio_bars_figure(["a", "b"], {"p": [1, 2], "m": [1, 4], "t": [1, 3]}, reference="a")
    bars = _bars(fig)
    styles = {(b.get_hatch() or "", tuple(b.get_facecolor())) for b in bars}
    assert len(styles) == 3
    assert len({b.get_hatch() or "" for b in bars}) == 3
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert legend == ["p", "m", "t"]


def test_fixed_limits_and_the_reference_line():
    fig = ratio_bars_figure(["a", "b"], {"p": [8, 1]}, reference="a", limits=(1 / 256, 32))
    ax = fig.axes[0]
    assert ax.get_xlim() == (math.log2(1 / 256), math.log2(32))
    assert any(line.get_xdata()[0] == 0 for line in ax.get_lines())


def test_ratios_and_labels():
    r = ratios(["a", "b", "c"], {"x": [4, 1, 12]}, reference="a")
    np.testing.assert_allclose(r["x"], [1, 0.25, 3])
    assert [format_ratio(v) for v in r["x"]] == ["x1", "1/4", "x3"]
    assert format_ratio(1 / 7.888) == "1/7.89"
    assert format_ratio(4096.0) == "x4096" and format_ratio(1 / 288) == "1/288"


def test_description_names_every_row_but_the_reference():
    text = ratio_bars_description(["standard", "depthwise"], {"parameters": [36864, 576]})
    assert "depthwise: parameters 1/64" in text
    assert "standard:" not in text


@pytest.mark.parametrize("args, error", [
    ((["a"], {"x": [1]}, "b"), ValueError),           # unknown reference
    ((["a", "b"], {"x": [1]}, "a"), ValueError),      # wrong length
    ((["a", "b"], {"x": [1, 0]}, "a"), ValueError),   # not positive: no log
    ((["a"], {}, "a"), ValueError),
])
def test_bad_series_raise(args, error):
    with pytest.raises(error):
        ratio_bars_figure(*args)


def test_format_ratio_refuses_non_positive():
    with pytest.raises(ValueError):
        format_ratio(0.0)

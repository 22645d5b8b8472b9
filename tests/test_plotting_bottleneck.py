"""convkit.plotting.bottleneck: the curves are the parameter counts of real torch modules."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from convkit.plotting.bottleneck import break_even_width, bottleneck_sweep_figure
from convkit.plotting.render import figure_png


def torch_params(module):
    return sum(p.numel() for p in module.parameters())


def block(c_in, c_out, k, c_mid):
    with torch.device("meta"):
        return torch.nn.Sequential(torch.nn.Conv2d(c_in, c_mid, 1, bias=False), torch.nn.ReLU(),
                                   torch.nn.Conv2d(c_mid, c_out, k, padding=k // 2, bias=False))


def direct(c_in, c_out, k):
    with torch.device("meta"):
        return torch.nn.Conv2d(c_in, c_out, k, padding=k // 2, bias=False)


def lines(fig, gid):
    return [line for line in fig.axes[0].lines if line.get_gid() == gid]


def test_curves_are_torch_parameter_ratios():
    widths = [8, 64, 200, 256]
    fig = bottleneck_sweep_figure(256, 512, (3, 5), widths)
    for k in (3, 5):
        (curve,) = lines(fig, f"ratio-k{k}")
        np.testing.assert_array_equal(curve.get_xdata(), widths)
        expected = [torch_params(block(256, 512, k, c)) / torch_params(direct(256, 512, k)) for c in widths]
        np.testing.assert_allclose(curve.get_ydata(), expected, rtol=1e-12)


def test_break_even_marker_is_where_the_costs_are_equal():
    fig = bottleneck_sweep_figure(256, 512, (3, 5))
    for k, value in ((3, 242.5), (5, 251.0)):
        assert break_even_width(256, 512, k) == pytest.approx(value, abs=0.05)
        (marker,) = lines(fig, f"break-even-k{k}")
        x = marker.get_xdata()[0]
        assert x == pytest.approx(break_even_width(256, 512, k))
        below, above = int(np.floor(x)), int(np.ceil(x)) + (x == int(x))
        assert torch_params(block(256, 512, k, below)) <= torch_params(direct(256, 512, k))
        assert torch_params(block(256, 512, k, above)) > torch_params(direct(256, 512, k))


def test_figure_renders_and_rejects_bad_arguments():
    assert figure_png(bottleneck_sweep_figure(16, 32, (3,)), dpi=30)[:4] == b"\x89PNG"
    with pytest.raises(ValueError):
        bottleneck_sweep_figure(16, 32, (4,))
    with pytest.raises(ValueError):
        bottleneck_sweep_figure(16, 32, (3,), widths=[0, 1])
    with pytest.raises(ValueError):
        break_even_width(16, 0, 3)

"""Figures of chapter 9: what each helper draws, checked against torch and brute-force counts."""

import numpy as np
import pytest
import torch
from matplotlib.figure import Figure

from convkit.plotting.depthwise import (
    MIN_BAR_FRACTION, separable_connections_description,
    separable_connections_figure, separable_cost_description, separable_cost_figure,
)
from convkit.plotting.render import figure_png


def artists(fig: Figure, gid: str):
    return [a for ax in fig.axes for a in (*ax.patches, *ax.lines) if a.get_gid() == gid]


def torch_depthwise_source(c_in: int, k: int) -> np.ndarray:
    """Which input channel drives each output channel of nn.Conv2d(C, C*K, 1, groups=C), found by probing."""
    layer = torch.nn.Conv2d(c_in, c_in * k, 1, groups=c_in, bias=False)
    with torch.no_grad():
        layer.weight.fill_(1.0)
        sources = []
        for c in range(c_in):
            probe = torch.zeros(1, c_in, 1, 1)
            probe[0, c] = 1.0
            sources.append(layer(probe)[0, :, 0, 0].numpy())
    return np.argmax(np.stack(sources), axis=0)          # (C * K,)


@pytest.mark.parametrize("c_in, c_out, k, m", [(3, 4, 3, 1), (3, 4, 3, 2), (2, 5, 5, 3)])
def test_connections_draw_one_line_per_kernel(c_in, c_out, k, m):
    fig = separable_connections_figure(c_in, c_out, k, m)
    assert len(artists(fig, "standard-kernel")) == c_in * c_out
    assert len(artists(fig, "depthwise-kernel")) == c_in * m
    assert len(artists(fig, "pointwise-weight")) == c_in * m * c_out
    assert len(artists(fig, "hidden-channel")) == c_in * m
    # each depthwise line leaves the box of the input channel torch's grouping assigns
    right = fig.axes[1]
    inputs = [p for p in right.patches if p.get_gid() == "input-channel"]
    hidden = [p for p in right.patches if p.get_gid() == "hidden-channel"]
    centre = lambda p: p.get_y() + p.get_height() / 2   # noqa: E731
    source = torch_depthwise_source(c_in, m)
    for h, line in enumerate(artists(fig, "depthwise-kernel")):
        y0, y1 = line.get_ydata()
        assert y0 == pytest.approx(centre(inputs[source[h]]))
        assert y1 == pytest.approx(centre(hidden[h]))
    # the weight counts in the titles are those of torch's modules
    standard = torch.nn.Conv2d(c_in, c_out, k, bias=False, device="meta")
    separable = torch.nn.Sequential(torch.nn.Conv2d(c_in, c_in * m, k, groups=c_in, bias=False, device="meta"),
                                    torch.nn.Conv2d(c_in * m, c_out, 1, bias=False, device="meta"))
    count = lambda module: sum(p.numel() for p in module.parameters())   # noqa: E731
    assert fig.axes[0].get_title().endswith(f"= {count(standard):,} weights")
    assert fig.axes[1].get_title().endswith(f"= {count(separable):,} weights")
    text = separable_connections_description(c_in, c_out, k, m)
    assert f"{count(standard)} weights" in text and f"{count(separable)} weights in all" in text


@pytest.mark.parametrize("arguments, error, name", [
    ((0, 4), ValueError, "in_channels"), ((3, 2.5), TypeError, "out_channels"),
    ((3, 4, 0), ValueError, "kernel_size"), ((3, 4, 3, True), TypeError, "depth_multiplier"),
])
def test_connections_alt_text_refuses_what_the_figure_refuses(arguments, error, name):
    for draw in (separable_connections_figure, separable_connections_description):
        with pytest.raises(error, match=name):
            draw(*arguments)


@pytest.mark.parametrize("arguments, error, name", [
    ((0, 3), ValueError, "channels"), ((8, 2.5), TypeError, "kernel_size"),
    ((8, 3, 0), ValueError, "output_size"),
])
def test_cost_alt_text_refuses_what_the_figure_refuses(arguments, error, name):
    for draw in (separable_cost_figure, separable_cost_description):
        with pytest.raises(error, match=name):
            draw(*arguments)


@pytest.mark.parametrize("c, k, size", [(64, 3, 14), (8, 5, 7), (1024, 7, 1)])
def test_cost_bars_are_the_two_terms_of_the_ratio(c, k, size):
    fig = separable_cost_figure(c, k, size)
    bars = fig.axes[0]
    floor = MIN_BAR_FRACTION * bars.get_xlim()[1]
    (standard,) = artists(fig, "standard")
    (depthwise,) = artists(fig, "depthwise")
    (pointwise,) = artists(fig, "pointwise")
    assert standard.get_width() == 1.0
    # brute-force MAC counts: one multiply-add per weight per output position
    standard_macs = size * size * c * c * k * k
    depthwise_macs = size * size * c * k * k
    pointwise_macs = size * size * c * c
    assert depthwise.get_width() == pytest.approx(max(depthwise_macs / standard_macs, floor))
    assert depthwise.get_width() == pytest.approx(max(1 / c, floor))
    assert pointwise.get_x() == pytest.approx(depthwise.get_width())
    assert pointwise.get_width() == pytest.approx(max(1 / k**2, floor))
    saving = standard_macs / (depthwise_macs + pointwise_macs)
    assert any(f"{saving:.1f}x fewer" in t.get_text() for t in bars.texts)
    assert f"{standard_macs:,} → {depthwise_macs + pointwise_macs:,} MACs" in bars.get_title()
    (current,) = artists(fig, "current")
    assert current.get_ydata()[0] == pytest.approx(saving)
    (curve,) = artists(fig, "saving")
    for x, y in zip(curve.get_xdata(), curve.get_ydata()):
        assert y == pytest.approx(1 / (1 / x + 1 / k**2))
        assert y < k**2
    (limit,) = artists(fig, "limit")
    assert limit.get_ydata()[0] == k**2
    assert f"{saving:.1f} times fewer" in separable_cost_description(c, k, size)


def test_figures_render_and_bad_arguments_raise():
    for fig in (separable_connections_figure(2, 3), separable_cost_figure(16, 3)):
        assert figure_png(fig, dpi=40)[:8] == b"\x89PNG\r\n\x1a\n"
    with pytest.raises(ValueError, match="in_channels"):
        separable_connections_figure(0, 3)
    with pytest.raises(TypeError, match="depth_multiplier must be an int"):
        separable_connections_figure(3, 4, depth_multiplier=1.5)
    with pytest.raises(TypeError, match="channels must be an int"):
        separable_cost_figure(True, 3)
    assert separable_cost_figure(np.int64(16), np.int64(3)) is not None  # numpy ints accepted

"""Chapter 10's figures: what they draw agrees with convkit and torch."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from matplotlib.figure import Figure

from convkit import conv_params, flattened_cost, flattened_filter
from convkit.plotting.flattened import (
    cross_kernel,
    flattened_cost_figure,
    flattened_filter_description,
    flattened_filter_figure,
    outer_vs_cross_figure,
)


def texts_with_gid(fig, gid):
    return [t.get_text() for ax in fig.axes for t in ax.texts if t.get_gid() == gid]


def test_flattened_filter_figure_prints_the_outer_product():
    lat, ver, hor = np.array([1, -2, 3]), np.array([1, 2, 1]), np.array([1, 0, -1])
    fig = flattened_filter_figure(lat, ver, hor)
    assert isinstance(fig, Figure)
    full = flattened_filter(lat[None], ver[None], hor[None])[0]   # (C, kH, kW)
    assert texts_with_gid(fig, "full") == [str(v) for v in full.ravel()]
    assert texts_with_gid(fig, "lateral") == ["1", "-2", "3"]
    assert texts_with_gid(fig, "vertical") == ["1", "2", "1"]
    assert texts_with_gid(fig, "horizontal") == ["1", "0", "-1"]
    assert "27 weights" in fig._suptitle.get_text()


def test_flattened_filter_figure_non_square_and_floats():
    fig = flattened_filter_figure([0.5, 2.0], [1.0, -1.0], [2.0, 0.25, 1.0])
    full = flattened_filter([[0.5, 2.0]], [[1.0, -1.0]], [[2.0, 0.25, 1.0]])[0]
    shown = [float(t) for t in texts_with_gid(fig, "full")]
    np.testing.assert_allclose(shown, full.ravel(), atol=0.005)
    assert "2 by 2 by 3" in flattened_filter_description([0.5, 2.0], [1.0, -1.0], [2.0, 0.25, 1.0])


def test_flattened_filter_figure_refuses_banks():
    with pytest.raises(ValueError):
        flattened_filter_figure(np.ones((2, 3)), np.ones(3), np.ones(3))


def test_cross_kernel_is_what_the_parallel_branches_compute():
    rng = np.random.default_rng(0)
    x = torch.from_numpy(rng.standard_normal((1, 1, 7, 8)))
    for k in (3, 5):
        v, h = rng.standard_normal(k), rng.standard_normal(k)
        branches = (F.conv2d(x, torch.from_numpy(v).view(1, 1, k, 1), padding=(k // 2, 0))
                    + F.conv2d(x, torch.from_numpy(h).view(1, 1, 1, k), padding=(0, k // 2)))
        single = F.conv2d(x, torch.from_numpy(cross_kernel(v, h)).view(1, 1, k, k), padding=k // 2)
        torch.testing.assert_close(branches, single)
        assert np.linalg.matrix_rank(cross_kernel(v, h)) == 2
    with pytest.raises(ValueError):
        cross_kernel(np.ones(4), np.ones(4))


def test_outer_vs_cross_figure_values_and_ranks():
    fig = outer_vs_cross_figure(np.array([1, 2, 1]), np.array([2, 1, -1]))
    outer = np.outer([1, 2, 1], [2, 1, -1])
    assert texts_with_gid(fig, "outer") == [str(v) for v in outer.ravel()]
    cross = texts_with_gid(fig, "cross")
    assert cross == ["·", "1", "·", "2", "3", "-1", "·", "1", "·"]
    titles = [ax.get_title() for ax in fig.axes]
    assert titles[0].endswith("rank 1") and titles[1].endswith("rank 2")


def test_flattened_cost_figure_bars_are_the_counts():
    fig = flattened_cost_figure(64, 3, {"a": 0.25, "b": 0.9})
    params = [p for ax in fig.axes for p in ax.patches if p.get_gid() == "params"]
    heights = [p.get_height() for p in params]
    assert heights == [conv_params(64, 1, 3, bias=False), flattened_cost(64, 1, 3).params] == [576, 70]
    errors = [p.get_width() for ax in fig.axes for p in ax.patches if p.get_gid() == "error"]
    assert errors == [0.25, 0.9]
    labels = [t.get_text() for ax in fig.axes for t in ax.texts]
    assert "576" in labels and "70" in labels and "0.90" in labels
    # the course notation: C_in for input channels (plain C is the convolution matrix)
    ticks = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert all("C_\\mathrm{in}" in t for t in ticks)
    assert fig._suptitle.get_text().startswith("$C_\\mathrm{in}$ = 64")


def test_figures_leave_pyplot_alone():
    import matplotlib.pyplot as plt

    before = plt.get_fignums()
    flattened_cost_figure(3, 5, {"x": 0.5})
    outer_vs_cross_figure([1, 1, 1], [1, 0, 1])
    assert plt.get_fignums() == before

"""convkit.plotting.dilation: footprints against autograd, kernel diagrams against the arithmetic."""

import itertools

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

import convkit
from convkit.plotting.dilation import (
    dilated_kernel_description, dilated_kernel_figure, footprint_description, footprint_figure,
    stack_footprint,
)

SCHEDULES = [(1,), (2,), (1, 1, 1), (2, 2, 2), (1, 2, 4), (1, 2, 5), (3, 3), (1, 2, 4, 8), (2, 1, 5), (5, 2, 1)]


def autograd_footprint(dilations, k, ndim):
    """Input gradient of the central output of an all-ones stack on an input exactly one field wide."""
    r = convkit.receptive_field([(k, 1, d) for d in dilations])
    x = torch.ones((1, 1) + (r,) * ndim, dtype=torch.float64, requires_grad=True)
    conv = F.conv1d if ndim == 1 else F.conv2d
    y = x
    for d in dilations:
        y = conv(y, torch.ones((1, 1) + (k,) * ndim, dtype=torch.float64), dilation=d)
    assert y.shape[2:] == (1,) * ndim  # the field is exactly the input
    y.sum().backward()
    return x.grad[0, 0].numpy()


@pytest.mark.parametrize("dilations, k", itertools.product(SCHEDULES, [2, 3]))
def test_footprint_is_the_autograd_input_gradient(dilations, k):
    for ndim in (1, 2):
        counts = stack_footprint(dilations, k, ndim=ndim)
        assert counts.dtype == np.int64
        np.testing.assert_array_equal(counts, autograd_footprint(dilations, k, ndim))


@pytest.mark.parametrize("dilations, k", itertools.product(SCHEDULES, [2, 3]))
def test_footprint_size_is_the_receptive_field_and_2d_is_the_outer_product(dilations, k):
    line = stack_footprint(dilations, k)
    assert line.shape == (convkit.receptive_field([(k, 1, d) for d in dilations]),)
    np.testing.assert_array_equal(stack_footprint(dilations, k, ndim=2), np.outer(line, line))
    assert line.sum() == k ** len(dilations)  # every chain of taps is one path


def test_footprint_does_not_depend_on_the_order_and_grids_with_equal_dilations():
    np.testing.assert_array_equal(stack_footprint((1, 2, 5)), stack_footprint((5, 2, 1)))
    assert np.all(stack_footprint((1, 2, 5)) > 0)
    holes = np.flatnonzero(stack_footprint((2, 2, 2)) == 0)
    np.testing.assert_array_equal(holes, np.arange(1, 13, 2))
    assert stack_footprint((), 3).tolist() == [1]


@pytest.mark.parametrize("bad, error", [(((0, 1),), ValueError), (("12",), TypeError),
                                        (((1.5,),), TypeError), (((1,), 0), ValueError),
                                        (((1,), 3, 3), ValueError)])
def test_footprint_rejects_bad_arguments(bad, error):
    with pytest.raises(error):
        stack_footprint(*bad)


def _patches(fig, gid, axis=None):
    axes = fig.axes if axis is None else [fig.axes[axis]]
    return [p for ax in axes for p in ax.patches if p.get_gid() == gid]


@pytest.mark.parametrize("k, d", itertools.product([1, 2, 3, 4], [1, 2, 3, 4]))
def test_kernel_figure_taps_window_and_output(k, d):
    i = 11
    fig = dilated_kernel_figure(k, d, input_size=i)
    assert isinstance(fig, Figure)
    span = convkit.effective_kernel_size(k, d)
    taps = {(int(p.get_y()), int(p.get_x())) for p in _patches(fig, "tap")}
    expected = {(m * d, n * d) for m in range(k) for n in range(k) if m * d < i and n * d < i}
    assert taps == expected
    assert len(_patches(fig, "input")) + len(taps) == i * i
    (window,) = _patches(fig, "window")
    assert window.get_width() == min(span, i)
    outputs = _patches(fig, "output", axis=1)
    if span <= i:
        # The output size is PyTorch's.
        o = F.conv2d(torch.zeros(1, 1, i, i), torch.zeros(1, 1, k, k), dilation=d).shape[-1]
        assert len(outputs) == o * o
        assert f"output is {o} by {o}" in dilated_kernel_description(k, d, i)
    else:
        assert outputs == []
        assert "no output" in dilated_kernel_description(k, d, i)
    assert f"{span} by {span} window" in dilated_kernel_description(k, d, i)


def test_kernel_figure_size_depends_on_the_input_only():
    sizes = {tuple(dilated_kernel_figure(k, d).get_size_inches()) for k in (2, 3, 4) for d in (1, 2, 3)}
    assert len(sizes) == 1


def test_footprint_figure_marks_every_hole_and_only_holes():
    fig = footprint_figure([(2, 2, 2), (1, 2, 5)], 3)
    assert len(fig.axes) == 2
    holes = [line for line in fig.axes[0].lines if line.get_gid() == "hole"]
    assert len(holes) == 1 and len(holes[0].get_xdata()) == 120 == np.count_nonzero(
        stack_footprint((2, 2, 2), ndim=2) == 0)
    assert [line for line in fig.axes[1].lines if line.get_gid() == "hole"] == []
    assert "120 holes" in fig.axes[0].get_title() and "0 holes" in fig.axes[1].get_title()
    text = footprint_description([(2, 2, 2), (1, 2, 5)], 3)
    assert "120 of its 169 pixels" in text and "17 by 17" in text
    assert "at one of the 6 offsets" in text                        # 1D holes of 2, 2, 2: offsets 1, 3, ..., 11
    cross = footprint_description([(1, 2, 5)], 2)                   # k=2: one 1D hole (offset 4), a cross of 17
    assert "17 of its 81 pixels" in cross and "at the offset that" in cross
    assert np.count_nonzero(stack_footprint((1, 2, 5), 2, ndim=2) == 0) == 17


def test_footprint_figure_extent_fixes_the_canvas():
    fig = footprint_figure([(1, 1)], 3, extent=31)
    assert fig.axes[0].get_xlim() == (-0.5, 30.5)
    (field,) = _patches(fig, "field")
    assert isinstance(field, Rectangle) and field.get_width() == 5
    with pytest.raises(ValueError):
        footprint_figure([(1, 2, 4)], 3, extent=10)
    with pytest.raises(TypeError):
        footprint_figure((2, 2), 3)

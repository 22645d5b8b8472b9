"""convkit.plotting.deformable: the drawn taps are where grid_sample reads, the counts are right."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from matplotlib.figure import Figure

from convkit.plotting import colors
from convkit.plotting.deformable import deform_grid_description, deform_grid_figure, window_taps


def stretch(k, h_out, w_out, scale, shift=(0.0, 0.0)):
    """Offsets (2 k k, H_out, W_out) moving tap (m, n) by scale * (m - c, n - c) + shift."""
    off = np.zeros((2 * k * k, h_out, w_out))
    for t in range(k * k):
        m, n = divmod(t, k)
        off[2 * t] = scale * (m - (k - 1) / 2) + shift[0]
        off[2 * t + 1] = scale * (n - (k - 1) / 2) + shift[1]
    return off


def read_by_grid_sample(image, rows, cols):
    """Where grid_sample (align_corners=False) reads: a one-hot image tells which pixel is read."""
    h, w = image.shape
    grid = torch.tensor(np.stack([(2 * cols + 1) / w - 1, (2 * rows + 1) / h - 1], -1))[None, None]
    return F.grid_sample(torch.from_numpy(image)[None, None], grid, align_corners=False)[0, 0, 0].numpy()


def test_moved_taps_are_drawn_where_the_taps_read():
    image = np.zeros((9, 9))
    off = stretch(3, 9, 9, 1.0)                                   # padding 1: H_out = 9
    fig = deform_grid_figure(image, off, 3, padding=1, outputs=[(4, 4)], margin=4)
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    moved = [line for line in ax.lines if line.get_gid() == "moved"]
    regular = [line for line in ax.lines if line.get_gid() == "regular"]
    assert len(moved) == len(regular) == 1
    # the window of output (4, 4) with padding 1 starts at (3, 3); stretched by 1 it reads rows 2, 4, 6
    np.testing.assert_array_equal(np.sort(np.unique(moved[0].get_ydata())), [2, 4, 6])
    np.testing.assert_array_equal(np.sort(np.unique(regular[0].get_ydata())), [3, 4, 5])
    # and grid_sample reads exactly those pixels: a one-hot image at each drawn point returns 1
    for x, y in zip(moved[0].get_xdata(), moved[0].get_ydata()):
        one_hot = np.zeros((9, 9))
        one_hot[int(y), int(x)] = 1.0
        assert read_by_grid_sample(one_hot, np.array([y]), np.array([x]))[0] == 1.0
    assert len([t for t in ax.texts if t.get_gid() == "shift"]) == 8      # the centre tap stays
    assert not [line for line in ax.lines if line.get_gid() == "outside"]


def test_taps_outside_the_image_are_crossed_and_counted():
    image = np.ones((6, 6))
    off = stretch(3, 6, 6, 0.0, shift=(-2.0, 0.5))                # every tap two rows up
    outputs = [(0, 0), (0, 3), (5, 5)]
    fig = deform_grid_figure(image, off, 3, padding=1, outputs=outputs)
    outside = [line for line in fig.axes[0].lines if line.get_gid() == "outside"]
    crossed = sum(len(line.get_xdata()) for line in outside)
    # grid_sample on an image of ones reads exactly 0 where a tap sees only the zeros around it
    zero_reads = 0
    for _, _, moved in window_taps(off, 3, padding=1, outputs=outputs):
        zero_reads += int(np.sum(read_by_grid_sample(image, moved[..., 0].ravel(), moved[..., 1].ravel()) == 0))
    # output row 0 (padding 1): tap rows -1, 0, 1 move to -3, -2, -1, all outside: 2 x 9 taps;
    # output (5, 5): tap columns 4, 5, 6 move to 4.5, 5.5, 6.5, and 6.5 is past the last column: 3
    assert crossed == zero_reads == 2 * 9 + 3
    text = deform_grid_description(image.shape, off, 3, padding=1, outputs=outputs)
    assert "27 of 27 taps move" in text and "21 read only the zeros" in text
    assert "3 outputs" in text
    assert "21 of 27 moved taps read only zeros" in " ".join(t.get_text() for t in fig.texts).replace("\n", " ")


def test_zero_offsets_coincide_and_canvas_is_fixed():
    image = np.arange(25.0).reshape(5, 5)
    zeros = np.zeros((18, 5, 5))
    text = deform_grid_description(image.shape, zeros, 3, padding=1, outputs=[(2, 2)])
    assert "the two grids coincide" in text
    fig = deform_grid_figure(image, zeros, 3, padding=1, outputs=[(2, 2)])
    ax = fig.axes[0]
    moved = next(line for line in ax.lines if line.get_gid() == "moved")
    regular = next(line for line in ax.lines if line.get_gid() == "regular")
    np.testing.assert_array_equal(moved.get_xydata(), regular.get_xydata())
    big = deform_grid_figure(image, stretch(3, 5, 5, 2.0), 3, padding=1, outputs=[(0, 4)])
    assert tuple(big.get_size_inches()) == tuple(fig.get_size_inches())
    zeros_patch = [p for p in ax.patches if p.get_gid() == "zeros"]
    assert len(zeros_patch) == 1 and zeros_patch[0].get_hatch() == colors.cell_style("padding")["hatch"]
    assert moved.get_marker() != regular.get_marker()           # shape, not only colour
    assert moved.get_linestyle() != regular.get_linestyle() or moved.get_marker() == "D"


def test_all_outputs_by_default_and_stride():
    off = np.zeros((2 * 4, 3, 2))                                 # k = 2, H_out = 3, W_out = 2
    taps = window_taps(off, 2, stride=2)
    assert [t[0] for t in taps] == [(u, v) for u in range(3) for v in range(2)]
    assert taps[-1][1][0, 0].tolist() == [4, 2]                    # output (2, 1) starts at (4, 2)


@pytest.mark.parametrize("call, error", [
    (lambda: window_taps(np.zeros((17, 3, 3)), 3), ValueError),
    (lambda: window_taps(np.zeros((1, 18, 3, 3)), 3), ValueError),
    (lambda: window_taps(np.zeros((18, 3, 3)), 3, outputs=[(3, 0)]), ValueError),
    (lambda: deform_grid_figure(np.zeros((2, 2, 2)), np.zeros((18, 3, 3)), 3), ValueError),
    (lambda: deform_grid_figure(np.zeros((3, 3)), np.zeros((18, 3, 3)), 3, margin=-1), ValueError),
])
def test_bad_arguments(call, error):
    with pytest.raises(error):
        call()

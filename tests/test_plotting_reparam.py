"""convkit.plotting.reparam: the drawn values against the merge computed by torch, the cells against the shapes."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from matplotlib.figure import Figure

from convkit.plotting.reparam import kernel_sum, kernel_sum_description, kernel_sum_figure


def torch_sum(kernels, coefficients):
    """Each kernel zero-padded to the largest by F.pad, scaled and added."""
    rows = max(k.shape[0] for k in kernels)
    cols = max(k.shape[1] for k in kernels)
    total = torch.zeros(rows, cols, dtype=torch.float64)
    for k, c in zip(kernels, coefficients):
        dh, dw = (rows - k.shape[0]) // 2, (cols - k.shape[1]) // 2
        total += c * F.pad(torch.from_numpy(k), (dw, dw, dh, dh))
    return total.numpy()


def cell_texts(fig, gid):
    """The numbers printed in the cells of one gid, in drawing order."""
    ax = fig.axes[0]
    centres = {(p.get_x() + 0.5, p.get_y() + 0.5) for p in ax.patches if p.get_gid() == gid}
    return [t.get_text() for t in ax.texts if t.get_position() in centres]


@pytest.mark.parametrize("shapes, coefficients", [
    ([(3, 3), (1, 1), (1, 1)], None),
    ([(7, 7), (3, 3)], None),
    ([(3, 3), (3, 3), (3, 3)], [0.2, 0.5, 0.3]),
    ([(5, 3), (1, 1)], [2.0, -1.0]),
])
def test_figure_shows_the_torch_sum(shapes, coefficients):
    rng = np.random.default_rng(0)
    kernels = [np.round(rng.standard_normal(s), 2) for s in shapes]
    titles = [f"k{i}" for i in range(len(kernels))]
    weights = coefficients or [1.0] * len(kernels)
    expected = torch_sum(kernels, weights)
    np.testing.assert_allclose(kernel_sum(kernels, coefficients), expected, rtol=0, atol=1e-12)
    fig = kernel_sum_figure(kernels, titles, coefficients)
    assert isinstance(fig, Figure)
    gids = [p.get_gid() for p in fig.axes[0].patches]
    size = expected.size
    assert gids.count("kernel") == sum(k.size for k in kernels)
    assert gids.count("padded") == len(kernels) * size - sum(k.size for k in kernels)
    assert gids.count("merged") == size
    printed = [float(t) for t in cell_texts(fig, "merged")]
    np.testing.assert_allclose(printed, expected.ravel(), rtol=0, atol=0.006)
    text = kernel_sum_description(kernels, titles, coefficients)
    assert f"drawn as {expected.shape[0]}x{expected.shape[1]} grids" in text
    centre = expected[expected.shape[0] // 2, expected.shape[1] // 2]
    assert abs(float(text.rsplit("centre value is ", 1)[1].rstrip(".")) - centre) < 0.006


def test_canvas_size_depends_only_on_count_and_size():
    a = kernel_sum_figure([np.ones((3, 3)), np.ones((1, 1))], ["a", "b"], [0.5, 0.5])
    b = kernel_sum_figure([np.zeros((1, 1)), np.ones((3, 3))], ["c", "d"], [0.1, 0.9])
    assert tuple(a.get_size_inches()) == tuple(b.get_size_inches())


def test_description_names_the_padding():
    text = kernel_sum_description([np.ones((3, 3)), np.ones((1, 1))], ["3x3 branch", "1x1 branch"])
    assert "3x3 branch (3x3)" in text and "1x1 branch (1x1, padded with 8 zeros)" in text
    assert "centre value is 2" in text


@pytest.mark.parametrize("call", [
    lambda: kernel_sum_figure([np.ones((3, 3)), np.ones((2, 2))], ["a", "b"]),
    lambda: kernel_sum_figure([np.ones(3)], ["a"]),
    lambda: kernel_sum_figure([], []),
    lambda: kernel_sum_figure([np.ones((3, 3))], ["a", "b"]),
    lambda: kernel_sum_figure([np.ones((3, 3))], ["a"], coefficients=[1.0, 2.0]),
])
def test_bad_arguments(call):
    with pytest.raises(ValueError):
        call()

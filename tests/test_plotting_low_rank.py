"""Chapter 8's figures: the outer-product table and the rank-r panels, checked against torch."""

import subprocess
import sys

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from matplotlib.figure import Figure

from convkit import SOBEL_COLUMN, SOBEL_ROW, SOBEL_X
from convkit.plotting import colors
from convkit.plotting.low_rank import (
    low_rank_description,
    low_rank_figure,
    outer_product_description,
    outer_product_figure,
)
from convkit.plotting.render import figure_png

RNG = np.random.default_rng(8)
KERNEL = RNG.standard_normal((5, 5))
IMAGE = RNG.standard_normal((16, 20))


def cells(fig, gid):
    """{(row, col): printed value} of the cells with this gid, from their positions."""
    ax = fig.axes[0]
    boxes = [p for p in ax.patches if p.get_gid() == gid]
    values = [t for t in ax.texts if t.get_gid() == gid]
    assert len(boxes) == len(values)
    x0 = min(p.get_x() for p in boxes)
    y0 = min(p.get_y() for p in boxes)
    return {(round(t.get_position()[1] - 0.5 - y0), round(t.get_position()[0] - 0.5 - x0)): t.get_text()
            for t in values}


def torch_valid(image, kernel):
    return F.conv2d(torch.tensor(image)[None, None], torch.tensor(kernel)[None, None])[0, 0].numpy()


def best_rank(kernel, rank):
    """Truncated SVD computed by torch, as an independent reference."""
    u, s, vh = torch.linalg.svd(torch.tensor(kernel))
    return ((u[:, :rank] * s[:rank]) @ vh[:rank]).numpy()


# --- the outer product table ------------------------------------------------------------------

@pytest.mark.parametrize("column, row", [(SOBEL_COLUMN, SOBEL_ROW), ([1, -2], [3, 0, 1, 2]), ([2.5], [1, 2])])
def test_table_holds_the_outer_product(column, row):
    fig = outer_product_figure(column, row)
    assert isinstance(fig, Figure)
    expected = torch.outer(torch.tensor(column, dtype=torch.float64),
                           torch.tensor(row, dtype=torch.float64)).numpy()
    table = cells(fig, "kernel")
    assert len(table) == expected.size
    for (m, n), text in table.items():
        assert float(text) == expected[m, n]
    assert {k: float(v) for k, v in cells(fig, "column").items()} == {(m, 0): float(v) for m, v in enumerate(column)}
    assert {k: float(v) for k, v in cells(fig, "row").items()} == {(0, n): float(v) for n, v in enumerate(row)}


def test_sobel_table_is_sobel_x_and_uses_the_kernel_colour():
    fig = outer_product_figure(SOBEL_COLUMN, SOBEL_ROW)
    table = cells(fig, "kernel")
    assert all(int(table[m, n]) == SOBEL_X[m, n] for m in range(3) for n in range(3))
    patch = next(p for p in fig.axes[0].patches if p.get_gid() == "kernel")
    assert patch.get_facecolor()[:3] == pytest.approx(tuple(int(colors.KERNEL[i:i + 2], 16) / 255 for i in (1, 3, 5)))
    text = outer_product_description(SOBEL_COLUMN, SOBEL_ROW)
    assert "column 1, 2, 1" in text and "row 1, 0, -1" in text and "1, 0, -1; 2, 0, -2; 1, 0, -1" in text


@pytest.mark.parametrize("column, row, error", [([[1, 2]], [1], ValueError), ([], [1], ValueError),
                                                (["a"], [1], TypeError)])
def test_outer_product_bad_input(column, row, error):
    with pytest.raises(error, match="column"):
        outer_product_figure(column, row)


# --- the rank-r panels ------------------------------------------------------------------------

@pytest.mark.parametrize("rank", [1, 2, 5])
def test_panels_match_torch(rank):
    fig = low_rank_figure(KERNEL, IMAGE, rank, name="random")
    bars, kernel_ax, filtered_ax, missing_ax = fig.axes
    singular = torch.linalg.svdvals(torch.tensor(KERNEL)).numpy()
    kept = [p.get_height() for p in bars.patches if p.get_gid() == "kept"]
    dropped = [p.get_height() for p in bars.patches if p.get_gid() == "dropped"]
    np.testing.assert_allclose(kept + dropped, singular, rtol=1e-12)
    assert len(kept) == rank
    approx = best_rank(KERNEL, rank)
    np.testing.assert_allclose(kernel_ax.get_images()[0].get_array(), approx, atol=1e-12)
    np.testing.assert_allclose(filtered_ax.get_images()[0].get_array(), torch_valid(IMAGE, approx), atol=1e-10)
    missing = torch_valid(IMAGE, KERNEL) - torch_valid(IMAGE, approx)
    np.testing.assert_allclose(missing_ax.get_images()[0].get_array(), missing, atol=1e-10)
    assert f"missing: {100 * np.linalg.norm(missing) / np.linalg.norm(torch_valid(IMAGE, KERNEL)):.1f}%" \
        in missing_ax.get_title()
    # The missing panel is scaled to what rank 1 misses, the most any rank misses.
    rank_one_missing = torch_valid(IMAGE, KERNEL) - torch_valid(IMAGE, best_rank(KERNEL, 1))
    assert missing_ax.get_images()[0].get_clim()[1] == pytest.approx(np.abs(rank_one_missing).max())
    # Eckart-Young: the error is the root of the sum of the dropped singular values squared.
    error = np.sqrt(np.sum(singular[rank:] ** 2))
    shown = f"{error:.3g}" if rank < len(singular) else "0"   # rounding noise prints as 0
    assert f"error {shown} ({100 * error / np.linalg.norm(KERNEL):.1f}%)" in bars.get_title()


def test_colour_scales_do_not_depend_on_the_rank():
    limits = set()
    for rank in (1, 3, 5):
        fig = low_rank_figure(KERNEL, IMAGE, rank)
        limits.add(tuple(tuple(round(v, 12) for v in ax.get_images()[0].get_clim()) for ax in fig.axes[1:]))
    assert len(limits) == 1


def test_full_rank_leaves_nothing_missing_and_separable_kernels_need_rank_one():
    fig = low_rank_figure(KERNEL, IMAGE, 5)
    assert np.abs(fig.axes[3].get_images()[0].get_array()).max() < 1e-10
    # A separable kernel misses nothing at rank 1: its panel keeps the result's scale, not the noise's.
    sobel_fig = low_rank_figure(SOBEL_X, IMAGE, 1)
    assert sobel_fig.axes[3].get_images()[0].get_clim()[1] == pytest.approx(np.abs(torch_valid(IMAGE, SOBEL_X * 1.0)).max())
    assert [p for p in fig.axes[0].patches if p.get_gid() == "dropped"] == []
    text = low_rank_description(SOBEL_X, 1, "Sobel")
    assert "Sobel (3 by 3) approximated with rank 1" in text and "dropped: 0, 0. The approximation error is 0," in text


def test_description_lists_kept_and_dropped_values():
    singular = np.linalg.svd(KERNEL, compute_uv=False)
    text = low_rank_description(KERNEL, 2)
    assert f"kept: {singular[0]:.3g}, {singular[1]:.3g};" in text
    assert f"dropped: {', '.join(f'{s:.3g}' for s in singular[2:])}." in text
    assert "dropped: none." in low_rank_description(KERNEL, 5)


@pytest.mark.parametrize("kernel, image, rank, error, match", [
    (KERNEL, IMAGE, 0, ValueError, "rank"), (KERNEL, IMAGE, 6, ValueError, "rank"),
    (KERNEL[0], IMAGE, 1, ValueError, "kernel"), (KERNEL, IMAGE[0], 1, ValueError, "image"),
])
def test_low_rank_bad_input(kernel, image, rank, error, match):
    with pytest.raises(error, match=match):
        low_rank_figure(kernel, image, rank)


def test_frames_render_identically():
    first = figure_png(low_rank_figure(KERNEL, IMAGE, 2), dpi=40, colors=32)
    assert first == figure_png(low_rank_figure(KERNEL, IMAGE, 2), dpi=40, colors=32)


def test_import_leaves_matplotlib_state_alone():
    # dict.items reads the raw values: rcParams["backend"] would import pyplot itself.
    code = ("import matplotlib as mpl, sys, numpy as np; before = dict(dict.items(mpl.rcParams)); "
            "import convkit.plotting.low_rank as lr; lr.low_rank_figure(np.eye(3), np.ones((5, 5)), 1); "
            "lr.outer_product_figure([1, 2], [3]); after = dict(dict.items(mpl.rcParams)); "
            "print([k for k in before if before[k] != after[k]], 'matplotlib.pyplot' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[] False"

"""convkit.plotting.equivariant: the drawn values are np.rot90 / the layer's output, markers follow the tap."""

import numpy as np
import pytest
import torch
from matplotlib.figure import Figure

import convkit
from convkit.plotting.equivariant import (
    p4_filters_description, p4_filters_figure, p4_maps_description, p4_maps_figure,
)


def texts_in(ax):
    return [t.get_text() for t in ax.texts]


@pytest.mark.parametrize("k", [2, 3, 4])
def test_filters_figure_shows_the_four_turns(k):
    w = np.arange(k * k).reshape(k, k) + 10          # distinct values, the top-left one is 10
    fig = p4_filters_figure(w)
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    cells = [p for p in ax.patches if p.get_gid() == "filter"]
    assert len(cells) == 4 * k * k
    values = [t for t in texts_in(ax) if t.lstrip("-").isdigit()]
    expected = np.concatenate([torch.rot90(torch.from_numpy(w), r).numpy().ravel() for r in range(4)])
    assert values == [str(v) for v in expected]
    assert [t for t in texts_in(ax) if t.startswith("\u03c1")] == [
        "\u03c1 = 0 (0\u00b0)", "\u03c1 = 1 (90\u00b0)", "\u03c1 = 2 (180\u00b0)", "\u03c1 = 3 (270\u00b0)"]
    assert len([p for p in ax.patches if p.get_gid() == "turn"]) == 3
    # each triangle sits in the cell holding the original top-left value, 10
    markers = [p for p in ax.patches if p.get_gid() == "marker"]
    assert len(markers) == 4
    for r, marker in enumerate(markers):
        cx, cy = marker.xy
        col, row = int((cx - r * (k + 1.6)) // 1), int(cy // 1)
        assert np.rot90(w, r)[row, col] == 10
    alt = p4_filters_description(w)
    assert "counter-clockwise" in alt and alt.count("row") == 4


def test_maps_figure_values_and_shift_arrows():
    rng = np.random.default_rng(0)
    x = rng.integers(-3, 4, size=(1, 6, 6))
    w = rng.integers(-2, 3, size=(1, 1, 3, 3))
    y = convkit.lift_conv2d_p4(x, w)[0]
    y_rot = convkit.lift_conv2d_p4(np.rot90(x, 1, axes=(-2, -1)), w)[0]
    fig = p4_maps_figure(y, y_rot)
    ax = fig.axes[0]
    assert len([p for p in ax.patches if p.get_gid() == "map"]) == y.size
    assert len([p for p in ax.patches if p.get_gid() == "rotated_map"]) == y_rot.size
    numbers = [int(t) for t in texts_in(ax) if t.lstrip("-").isdigit()]
    assert numbers == list(np.concatenate([y.ravel(), y_rot.ravel()]))
    assert len([p for p in ax.patches if p.get_gid() == "shift"]) == 4
    assert len([p for p in ax.patches if p.get_gid() == "shift_in"]) == 1
    n_peaks = sum(int((maps[r] == maps[r].max()).sum()) for maps in (y, y_rot) for r in range(4))
    assert len([p for p in ax.patches if p.get_gid() == "peak"]) == n_peaks
    alt = p4_maps_description(y, y_rot)
    # the alt text reports where each peak is, and the bottom peaks are the top ones turned and shifted
    for r in range(4):
        spots = " and ".join(f"row {m}, column {n}" for m, n in np.argwhere(y[r] == y[r].max()))
        assert f"rho = {r}: {y[r].max()} at {spots}" in alt
    single = p4_maps_figure(y)
    assert not [p for p in single.axes[0].patches if p.get_gid() in ("shift", "rotated_map")]
    assert "Below" not in p4_maps_description(y)


def test_bad_input():
    with pytest.raises(ValueError, match="weight"):
        p4_filters_figure(np.ones((2, 3)))
    with pytest.raises(TypeError, match="weight"):
        p4_filters_figure(np.array([["a"]]))
    with pytest.raises(ValueError, match="maps"):
        p4_maps_figure(np.ones((3, 4, 4)))
    with pytest.raises(ValueError, match="rotated_maps"):
        p4_maps_figure(np.ones((4, 4, 4)), np.ones((4, 3, 3)))
    with pytest.raises(ValueError, match="maps"):
        p4_maps_description(np.ones((4, 4, 5)))

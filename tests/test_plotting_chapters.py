"""Figures of chapters 1, 2 and 5: what each helper draws and prints, checked against brute force."""

import matplotlib
import numpy as np
import pytest
from matplotlib.figure import Figure
from numpy.lib.stride_tricks import sliding_window_view

from convkit.plotting import (
    add_note, edges_figure, equivariance_figure, layer_shapes_figure,
    output_step_figure, pointwise_figure, sliding_step_figure,
)
from convkit.plotting.layers import (
    layer_shapes_description, pointwise_description,
)
from convkit.plotting.render import figure_png
from convkit.plotting.sliding import output_step_description, sliding_step_description


def patches(ax_or_fig, gid):
    axes = ax_or_fig.axes if isinstance(ax_or_fig, Figure) else [ax_or_fig]
    return [p for ax in axes for p in ax.patches if p.get_gid() == gid]


def texts(ax):
    return [t.get_text() for t in ax.texts]


X1 = np.array([1, 3, 0, -1, 2, 4, 2, 0, 1])
W1 = np.array([1, 2, -1])


def brute_correlate(x, w):
    return np.array([sum(x[i + m] * w[m] for m in range(len(w))) for i in range(len(x) - len(w) + 1)])


# --- 1D sliding window (chapter 1) -------------------------------------------------------------

@pytest.mark.parametrize("position", [0, 2, 6])
def test_sliding_window_covers_the_right_samples(position):
    fig = sliding_step_figure(X1, W1, position)
    assert isinstance(fig, Figure) and len(fig.axes) == 2
    for ax in fig.axes:
        covered = sorted(int(p.get_x()) for p in patches(ax, "input-covered"))
        assert covered == list(range(position, position + 3))
        assert len(patches(ax, "input")) == len(X1) - 3
        assert sorted(int(p.get_x()) for p in patches(ax, "kernel")) == covered
        assert len(patches(ax, "output-current")) == 1
        assert len(patches(ax, "output")) == position
        assert len(patches(ax, "output-pending")) == len(X1) - 3 - position


def test_sliding_values_are_correlation_on_top_and_convolution_below():
    position = 3
    fig = sliding_step_figure(X1, W1, position)
    top, bottom = fig.axes
    corr = brute_correlate(X1, W1)
    conv = brute_correlate(X1, W1[::-1])
    for ax, y, laid in [(top, corr, W1), (bottom, conv, W1[::-1])]:
        # Printed outputs, read from the text under each output cell (y row at height 0.4).
        # Row labels sit left of x = 0, cell values right of it.
        printed = [t.get_text() for t in ax.texts
                   if t.get_position()[1] == pytest.approx(0.4) and t.get_position()[0] > 0]
        assert printed == [str(v) for v in y[:position + 1]]
        kernel_texts = [t.get_text() for t in ax.texts
                        if t.get_position()[1] == pytest.approx(1.4) and t.get_position()[0] > 0]
        assert kernel_texts == [str(v) for v in laid]
        equation = next(t for t in texts(ax) if t.startswith(f"y[{position}] ="))
        assert equation.endswith(f"= {y[position]}")
        assert equation.count("·") == len(W1)
    assert corr[position] != conv[position]        # the example separates the two operations


def test_sliding_negative_factors_are_parenthesised():
    fig = sliding_step_figure(X1, W1, 2)
    equation = next(t for t in texts(fig.axes[0]) if t.startswith("y[2] ="))
    assert equation == "y[2] = 0·1 + (-1)·2 + 2·(-1) = -4"


def test_sliding_description_names_window_and_both_results():
    text = sliding_step_description(X1, W1, 5)
    assert str(X1[5:8].tolist()) in text
    assert f"gives {brute_correlate(X1, W1)[5]}" in text
    assert f"gives {brute_correlate(X1, W1[::-1])[5]}" in text


@pytest.mark.parametrize("args, error", [
    ((X1, W1, 7), ValueError), ((X1, W1, -1), ValueError), ((X1, W1, 1.0), TypeError),
    ((X1[None], W1, 0), ValueError), ((W1, X1, 0), ValueError),
])
def test_sliding_rejects_bad_input(args, error):
    with pytest.raises(error):
        sliding_step_figure(*args)


# --- one 2D output with its sum (chapter 2) ------------------------------------------------------

X2 = np.array([[3, 3, 2, 1, 0], [0, 0, 1, 3, 1], [3, 1, 2, 2, 3], [2, 0, 0, 2, 2], [2, 0, 0, 0, 1]])
K2 = np.array([[0, 1, 2], [2, 2, 0], [0, 1, 2]])


@pytest.mark.parametrize("step", [0, 5, 8])
def test_output_step_note_lists_the_products_and_their_sum(step):
    i, j = divmod(step, 3)
    products = [X2[i + m, j + n] * K2[m, n] for m in range(3) for n in range(3)]
    fig = output_step_figure(X2, K2, step)
    notes = [t.get_text() for t in fig.texts if t.get_gid() == "note"]
    assert notes == [f"y[{i},{j}] = " + " + ".join(map(str, products)) + f" = {sum(products)}"]
    text = output_step_description(X2, K2, step)
    assert f"rows {i} to {i + 2}" in text and f"columns {j} to {j + 2}" in text
    assert text.endswith(f"add up to {sum(products)}.")


def test_output_step_rejects_step_out_of_range():
    with pytest.raises(ValueError, match="step"):
        output_step_figure(X2, K2, 9)


# --- add_note ------------------------------------------------------------------------------------

def test_add_note_keeps_the_axes_size_in_inches():
    fig = Figure(figsize=(4, 3))
    ax = fig.add_axes((0.1, 0.1, 0.8, 0.8))
    before = ax.get_position().height * fig.get_size_inches()[1]
    assert add_note(fig, "a note", inches=0.5) is fig
    assert tuple(fig.get_size_inches()) == pytest.approx((4, 3.5))
    assert ax.get_position().height * 3.5 == pytest.approx(before)
    assert ax.get_position().y0 * 3.5 == pytest.approx(0.5 + 0.1 * 3)   # drawing moved up by the strip
    note = [t for t in fig.texts if t.get_gid() == "note"]
    assert len(note) == 1 and note[0].get_text() == "a note"
    assert note[0].get_position()[1] * 3.5 < 0.5                          # inside the new strip


def test_add_note_rejects_bad_input():
    with pytest.raises(TypeError, match="fig"):
        add_note("figure", "x")
    with pytest.raises(TypeError, match="text"):
        add_note(Figure(), 3)
    with pytest.raises(ValueError, match="inches"):
        add_note(Figure(), "x", inches=0)



def test_message_figure_holds_only_the_wrapped_text():
    from convkit.plotting.notes import message_figure

    text = "out_channels must be divisible by groups " * 3
    fig = message_figure(text, width=3, height=1.5)
    assert tuple(fig.get_size_inches()) == pytest.approx((3, 1.5)) and not fig.axes
    (message,) = fig.texts
    assert message.get_gid() == "message"
    assert message.get_text().split() == text.split()          # every word kept, in order
    assert "\n" in message.get_text()                          # a long message is wrapped


def test_message_figure_rejects_bad_input():
    from convkit.plotting.notes import message_figure

    with pytest.raises(TypeError, match="text"):
        message_figure(3)
    with pytest.raises(ValueError, match="empty"):
        message_figure("  ")
    with pytest.raises(ValueError, match="width"):
        message_figure("x", width=0)

# --- layer shapes (chapter 2) --------------------------------------------------------------------

@pytest.mark.parametrize("C_in, H, W, C_out, k", [(3, 5, 5, 4, 3), (2, 6, 7, 3, 2)])
def test_layer_shapes_counts_and_sizes(C_in, H, W, C_out, k):
    fig = layer_shapes_figure(C_in, H, W, C_out, k)
    assert len(patches(fig, "input")) == C_in
    assert len(patches(fig, "kernel")) == C_out * C_in
    outputs = patches(fig, "output")
    assert len(outputs) == C_out
    assert {(p.get_width(), p.get_height()) for p in outputs} == {(W - k + 1, H - k + 1)}
    assert {(p.get_width(), p.get_height()) for p in patches(fig, "kernel")} == {(k, k)}
    labels = "\n".join(texts(fig.axes[0]))
    assert f"input ({C_in}, {H}, {W})" in labels
    assert f"each ({C_in}, {k}, {k})" in labels
    assert f"output ({C_out}, {H - k + 1}, {W - k + 1})" in labels
    text = layer_shapes_description(C_in, H, W, C_out, k)
    assert f"{C_out} output channels of {H - k + 1} by {W - k + 1}" in text


def test_layer_shapes_rejects_kernel_larger_than_input():
    with pytest.raises(ValueError):
        layer_shapes_figure(3, 2, 2, 4, 3)
    with pytest.raises(TypeError, match="in_channels"):
        layer_shapes_figure(3.0, 5, 5, 4, 3)


# --- pointwise (chapter 5) -----------------------------------------------------------------------

def test_pointwise_columns_and_pixel():
    rng = np.random.default_rng(1)
    x = rng.integers(0, 5, size=(4, 5, 6))
    weight = rng.integers(-2, 3, size=(3, 4))
    fig = pointwise_figure(x, weight, (2, 3))
    column_in = x[:, 2, 3]
    column_out = [int(sum(weight[o, c] * column_in[c] for c in range(4))) for o in range(3)]
    titles = [ax.get_title() for ax in fig.axes]
    assert titles[0].endswith(f"pixel (2, 3): {column_in.tolist()}")
    assert titles[2].endswith(f"pixel (2, 3): {column_out}")
    pixels = patches(fig, "pixel")
    assert len(pixels) == 4 + 3
    # Row 2 of a 5-row image is drawn at height 5 - 1 - 2 above each slice's offset.
    np.testing.assert_allclose([p.get_x() - p.get_y() for p in pixels], 3 - (5 - 1 - 2))
    assert sorted(texts(fig.axes[1])) == sorted(str(v) for v in weight.ravel())
    text = pointwise_description(x, weight, (2, 3))
    assert str(column_in.tolist()) in text and str(column_out) in text and str(weight.tolist()) in text


def test_pointwise_rejects_mismatch_and_outside_pixel():
    x = np.zeros((4, 5, 6))
    with pytest.raises(ValueError, match="weight"):
        pointwise_figure(x, np.zeros((3, 5)), (0, 0))
    with pytest.raises(ValueError, match="pixel"):
        pointwise_figure(x, np.zeros((3, 4)), (5, 0))


# --- images (chapters 1, 2) ----------------------------------------------------------------------

def test_edges_figure_shows_correlation_and_convolution():
    rng = np.random.default_rng(2)
    image = rng.random((12, 10))
    kernel = np.array([[1.0, 0, -1], [2, 0, -2], [1, 0, -1]])
    fig = edges_figure(image, kernel)
    windows = sliding_window_view(image, (3, 3))                      # (10, 8, 3, 3)
    corr = (windows * kernel).sum(axis=(-2, -1))
    conv = (windows * kernel[::-1, ::-1]).sum(axis=(-2, -1))
    shown = [ax.images[0].get_array() for ax in fig.axes[:3]]
    np.testing.assert_allclose(shown[0], image)
    np.testing.assert_allclose(shown[1], corr, atol=1e-12)
    np.testing.assert_allclose(shown[2], conv, atol=1e-12)
    low, high = fig.axes[1].images[0].get_clim()
    assert low == -high == pytest.approx(-max(np.abs(corr).max(), np.abs(conv).max()))


def test_equivariance_figure_outlines_the_exact_region():
    rng = np.random.default_rng(3)
    a, b = rng.random((8, 9)), rng.random((8, 9))
    fig = equivariance_figure(rng.random((12, 13)), a, b, dy=2, dx=3, kernel_size=5)
    np.testing.assert_allclose(fig.axes[3].images[0].get_array(), a - b)
    (box,) = patches(fig.axes[3], "exact-region")
    assert (box.get_x(), box.get_y()) == (3 - 0.5, 2 - 0.5)
    assert (box.get_width(), box.get_height()) == (9 - 3, 8 - 2)
    with pytest.raises(ValueError, match="one shape"):
        equivariance_figure(np.zeros((12, 13)), a, b[:, :-1], 2, 3, 5)


def test_equivariance_region_is_where_shift_and_convolution_commute():
    """The dashed box covers exactly the outputs where conv(shift(x)) == shift(conv(x)) (checked with torch)."""
    import torch
    import torch.nn.functional as F

    rng = np.random.default_rng(4)
    image, kernel, dy, dx = rng.random((20, 22)), rng.standard_normal((5, 5)), 7, 6

    def conv(a):
        return F.conv2d(torch.from_numpy(a)[None, None], torch.from_numpy(kernel)[None, None])[0, 0].numpy()

    def shift(a):
        out = np.zeros_like(a)
        out[dy:, dx:] = a[:a.shape[0] - dy, :a.shape[1] - dx]
        return out

    out_of_shifted, shifted_out = conv(shift(image)), shift(conv(image))
    fig = equivariance_figure(shift(image), out_of_shifted, shifted_out, dy, dx, kernel_size=5)
    (box,) = patches(fig.axes[3], "exact-region")
    top, left = int(box.get_y() + 0.5), int(box.get_x() + 0.5)
    difference = np.abs(out_of_shifted - shifted_out)
    assert difference[top:, left:].max() < 1e-12
    assert difference[top - 1, left:].min() > 0 and difference[top:, left - 1].min() > 0
    assert difference[: top - 4].max() == 0   # above the strip, both are 0


# --- no global state -----------------------------------------------------------------------------

def test_helpers_leave_matplotlib_state_alone():
    import matplotlib.pyplot as plt

    before = dict(matplotlib.rcParams)
    open_before = plt.get_fignums()
    figures = [sliding_step_figure(X1, W1, 1), output_step_figure(X2, K2, 0),
               layer_shapes_figure(3, 5, 5, 4, 3), pointwise_figure(np.ones((2, 3, 3)), np.eye(2), (1, 1)),
               edges_figure(np.eye(5), np.ones((2, 2))),
               equivariance_figure(np.eye(6), np.ones((4, 4)), np.ones((4, 4)), 1, 1, 2)]
    for fig in figures:
        assert isinstance(fig, Figure)
        assert figure_png(fig, dpi=30)[:8] == b"\x89PNG\r\n\x1a\n"
    assert plt.get_fignums() == open_before
    assert dict(matplotlib.rcParams) == before

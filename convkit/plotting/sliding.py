"""A window sliding over a signal or an image, with the sum it computes (chapters 1, 2).

Every printed result is convkit's own (:func:`convkit.correlate1d`,
:func:`convkit.convolve1d`, :func:`convkit.conv2d`); each figure has a
``*_description`` companion that gives its alt text.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from convkit._validation import as_nd_array, check_int
from convkit.conv import conv2d
from convkit.correlation import convolve1d, correlate1d
from convkit.plotting import colors
from convkit.plotting._grid import plain_axes
from convkit.plotting.diagrams import conv_step_figure
from convkit.plotting.notes import add_note

__all__ = [
    "sliding_step_figure",
    "sliding_step_description",
    "output_step_figure",
    "output_step_description",
]


def _signed(value) -> str:
    """A number as written inside a product: negative numbers in parentheses."""
    return f"({value})" if value < 0 else str(value)


def _check_1d(x, w, position):
    x, w = as_nd_array(x, "x", "n"), as_nd_array(w, "w", "k")
    if not 1 <= len(w) <= len(x):
        raise ValueError(f"w must hold 1 to len(x) = {len(x)} taps, got {len(w)}")
    position = check_int(position, "position")
    if not 0 <= position <= len(x) - len(w):
        raise ValueError(f"position must be in [0, {len(x) - len(w)}], got {position}")
    return x, w, int(position)


def sliding_step_figure(x, w, position: int) -> Figure:
    """One window position of 1D cross-correlation (top) and convolution (bottom).

    Each panel has three rows of cells: the signal ``x`` with the window's
    cells outlined thickly, the kernel laid under the window (``w`` for
    cross-correlation, ``flip(w)`` for convolution, values in bold), and the
    'valid' output, filled up to ``position`` and dotted after it. The sum of
    products for ``y[position]`` is written under each panel.

    Parameters
    ----------
    x : array_like
        ``(n,)`` signal.
    w : array_like
        ``(k,)`` kernel, ``k <= n``.
    position : int
        Left end of the window, ``0 <= position <= n - k``.

    Returns
    -------
    matplotlib.figure.Figure
        Two axes. Patches carry gids: ``"input-covered"`` / ``"input"``,
        ``"kernel"``, ``"output-current"``, ``"output"`` (done) and
        ``"output-pending"``. Printed outputs are
        :func:`convkit.correlate1d` and :func:`convkit.convolve1d`.

    Raises
    ------
    ValueError
        If ``x`` or ``w`` is not 1D, ``w`` is longer than ``x``, or
        ``position`` is out of range.
    TypeError
        If ``position`` is not an int.
    """
    x, w, position = _check_1d(x, w, position)
    n, k = len(x), len(w)
    panels = [("cross-correlation  y = x ⋆ w", w, correlate1d(x, w), "w"),
              ("convolution  y = x ∗ w", w[::-1], convolve1d(x, w), "flip(w)")]
    fig = Figure(figsize=(6.4, 4.6), dpi=72, layout="constrained", facecolor=colors.FIGURE_FACE)
    axes = fig.subplots(2, 1)
    for ax, (title, laid_kernel, y, kernel_name) in zip(axes, panels):
        for j in range(n):                                 # input row
            inside = position <= j < position + k
            ax.add_patch(Rectangle((j, 2), 1, 0.8, facecolor=colors.INPUT, edgecolor=colors.EDGE,
                                   linewidth=2.5 if inside else 0.8,
                                   gid="input-covered" if inside else "input"))
            ax.text(j + 0.5, 2.4, str(x[j]), ha="center", va="center", fontsize=11)
        for m in range(k):                                 # kernel row, under the window
            ax.add_patch(Rectangle((position + m, 1), 1, 0.8, facecolor=colors.KERNEL,
                                   edgecolor=colors.EDGE, linewidth=2.5, gid="kernel"))
            ax.text(position + m + 0.5, 1.4, str(laid_kernel[m]), ha="center", va="center",
                    fontsize=11, fontweight="bold")
        for i in range(n - k + 1):                         # output row, centred under its window
            done = i <= position
            gid = "output-current" if i == position else ("output" if done else "output-pending")
            ax.add_patch(Rectangle((i + (k - 1) / 2, 0), 1, 0.8,
                                   facecolor=colors.OUTPUT if done else colors.FIGURE_FACE,
                                   edgecolor=colors.EDGE, linestyle="-" if done else ":",
                                   linewidth=2.5 if i == position else 0.8, gid=gid))
            if done:
                ax.text(i + (k - 1) / 2 + 0.5, 0.4, str(y[i]), ha="center", va="center", fontsize=11)
        for label, height in [("x", 2.0), (kernel_name, 1.0), ("y", 0.0)]:
            ax.text(-0.3, height + 0.4, label, ha="right", va="center", fontsize=11)
        terms = " + ".join(f"{_signed(x[position + m])}·{_signed(laid_kernel[m])}" for m in range(k))
        ax.text(n / 2, -0.45, f"y[{position}] = {terms} = {y[position]}", ha="center", va="center",
                fontsize=11)
        ax.set_title(title, fontsize=11)
        plain_axes(ax, (-1.6, n + 0.2), (-0.8, 2.9))
    return fig


def sliding_step_description(x, w, position: int) -> str:
    """Alt text for :func:`sliding_step_figure` with the same arguments.

    Parameters
    ----------
    x, w, position
        As in :func:`sliding_step_figure`.

    Returns
    -------
    str
        The covered samples, both laid kernels and both outputs at
        ``position`` (from :func:`convkit.correlate1d` and
        :func:`convkit.convolve1d`).
    """
    x, w, position = _check_1d(x, w, position)
    corr, conv = correlate1d(x, w)[position], convolve1d(x, w)[position]
    return (f"Signal {x.tolist()} drawn as a row of cells, with the kernel window at position {position} "
            f"covering {x[position:position + len(w)].tolist()}. Top: cross-correlation lays "
            f"w = {w.tolist()} on them and gives {corr}. Bottom: convolution lays "
            f"flip(w) = {w[::-1].tolist()} on them and gives {conv}. "
            f"Outputs of earlier positions are filled in.")


def _output_step(input, weight, step):
    input, weight = as_nd_array(input, "input", "H, W"), as_nd_array(weight, "weight", "kH, kW")
    y = conv2d(input[None], weight[None, None])[0]      # (1, H, W) * (1, 1, kH, kW) -> (H_out, W_out)
    step = check_int(step, "step")
    if not 0 <= step < y.size:
        raise ValueError(f"step must be in [0, {y.size - 1}], got {step}")
    i, j = divmod(int(step), y.shape[1])
    kH, kW = weight.shape
    products = (input[i:i + kH, j:j + kW] * weight).ravel()   # (kH * kW,) in reading order
    return y, i, j, products


def output_step_figure(input, weight, step: int) -> Figure:
    """One output position of a single-channel 2D cross-correlation, with its sum written out.

    The picture is :func:`convkit.plotting.conv_step_figure` (stride 1, no
    padding); under it, a note ``y[i,j] = p_0 + p_1 + ... = value`` lists the
    ``kH * kW`` products the output adds.

    Parameters
    ----------
    input : array_like
        ``(H, W)`` input channel.
    weight : array_like
        ``(kH, kW)`` kernel.
    step : int
        Output position in reading order, ``0 <= step < H_out * W_out``.

    Returns
    -------
    matplotlib.figure.Figure
        The step figure with the note (the value is :func:`convkit.conv2d`'s).

    Raises
    ------
    ValueError
        If ``input`` or ``weight`` is not 2D or ``step`` is out of range.
    TypeError
        If ``step`` is not an int.
    """
    y, i, j, products = _output_step(input, weight, step)
    fig = conv_step_figure(np.shape(input), np.shape(weight), step=int(step), input=input, weight=weight)
    terms = " + ".join(str(p) for p in products)
    return add_note(fig, f"y[{i},{j}] = {terms} = {y[i, j]}")


def output_step_description(input, weight, step: int) -> str:
    """Alt text for :func:`output_step_figure` with the same arguments.

    Parameters
    ----------
    input, weight, step
        As in :func:`output_step_figure`.

    Returns
    -------
    str
        The covered rows and columns, the products and their sum.
    """
    y, i, j, products = _output_step(input, weight, step)
    kH, kW = np.shape(weight)
    terms = " + ".join(str(p) for p in products)
    return (f"Output position ({i}, {j}): the kernel covers input rows {i} to {i + kH - 1} and columns "
            f"{j} to {j + kW - 1}; the {kH * kW} products {terms} add up to {y[i, j]}.")

"""Whole images through a kernel: filter responses side by side (chapters 1, 2).

The responses of :func:`edges_figure` are convkit's own
(:func:`convkit.correlate2d`, :func:`convkit.convolve2d`).
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from convkit._validation import as_nd_array, check_int
from convkit.correlation import convolve2d, correlate2d
from convkit.plotting import colors
from convkit.plotting._grid import no_ticks

__all__ = ["edges_figure", "equivariance_figure"]


def edges_figure(image, kernel) -> Figure:
    """An image, its cross-correlation with ``kernel`` and its convolution with it.

    Parameters
    ----------
    image : array_like
        ``(H, W)`` grey image.
    kernel : array_like
        ``(kH, kW)`` kernel.

    Returns
    -------
    matplotlib.figure.Figure
        Three panels: the image (grey), ``correlate2d(image, kernel)`` and
        ``convolve2d(image, kernel)`` (both ``(H - kH + 1, W - kW + 1)``, in
        the diverging map on one symmetric scale, with a colour bar).

    Raises
    ------
    ValueError
        If ``image`` or ``kernel`` is not 2D.
    """
    image, kernel = as_nd_array(image, "image", "H, W"), as_nd_array(kernel, "kernel", "kH, kW")
    responses = [(correlate2d(image, kernel), "cross-correlation  x ⋆ w"),
                 (convolve2d(image, kernel), "convolution  x ∗ w")]
    limit = max(float(np.abs(r).max()) for r, _ in responses) or 1.0
    fig = Figure(figsize=(7.8, 2.7), dpi=72, layout="constrained", facecolor=colors.FIGURE_FACE)
    axes = fig.subplots(1, 3)
    axes[0].imshow(image, cmap="gray", interpolation="nearest")
    axes[0].set_title("input image")
    for ax, (response, title) in zip(axes[1:], responses):
        shown = ax.imshow(response, cmap=colors.DIVERGING_CMAP, vmin=-limit, vmax=limit,
                          interpolation="nearest")
        ax.set_title(title)
    fig.colorbar(shown, ax=list(axes[1:]), shrink=0.8, label="response (red < 0 < blue)")
    no_ticks(*axes)
    return fig


def equivariance_figure(shifted_input, out_of_shifted, shifted_out, dy: int, dx: int,
                        kernel_size: int) -> Figure:
    """Translation equivariance: conv(shift(x)) against shift(conv(x)), and their difference.

    Parameters
    ----------
    shifted_input : array_like
        ``(H, W)`` input moved down by ``dy`` and right by ``dx``.
    out_of_shifted : array_like
        ``(H_out, W_out)`` valid convolution of ``shifted_input``.
    shifted_out : array_like
        ``(H_out, W_out)`` valid convolution of the input, then shifted.
    dy, dx : int
        The shift, in pixels (non-negative).
    kernel_size : int
        Side of the square kernel used.

    Returns
    -------
    matplotlib.figure.Figure
        Four panels: shifted input, the two outputs and their difference
        (one symmetric diverging scale for the last three). A dashed
        rectangle on the difference outlines the outputs whose window lies
        inside the shifted content, where the difference is 0: output row
        ``u`` reads input rows ``u .. u + kernel_size - 1``, so the region
        starts at row ``dy`` and column ``dx``. The outputs that differ form
        the strip ``kernel_size - 1`` wide just before it.

    Raises
    ------
    ValueError
        If an array is not 2D, the two outputs differ in shape, or the shift
        or kernel size is out of range.
    """
    shifted_input = as_nd_array(shifted_input, "shifted_input", "H, W")
    out_of_shifted = as_nd_array(out_of_shifted, "out_of_shifted", "H_out, W_out")
    shifted_out = as_nd_array(shifted_out, "shifted_out", "H_out, W_out")
    if out_of_shifted.shape != shifted_out.shape:
        raise ValueError(f"out_of_shifted and shifted_out must have one shape, got "
                         f"{out_of_shifted.shape} and {shifted_out.shape}")
    kernel_size = check_int(kernel_size, "kernel_size", minimum=1)
    dy, dx = check_int(dy, "dy"), check_int(dx, "dx")
    top, left = dy, dx   # first exact output row and column: their windows start on shifted content
    rows, cols = shifted_out.shape
    if dy < 0 or dx < 0 or top >= rows or left >= cols:
        raise ValueError(f"dy and dx must be >= 0 and leave outputs inside, got dy={dy}, dx={dx}")
    difference = out_of_shifted - shifted_out
    limit = float(np.abs(shifted_out).max()) or 1.0
    fig = Figure(figsize=(9.6, 2.8), dpi=72, layout="constrained", facecolor=colors.FIGURE_FACE)
    axes = fig.subplots(1, 4)
    panels = [(shifted_input, "gray", None, "shifted input"),
              (out_of_shifted, colors.DIVERGING_CMAP, limit, "conv(shifted input)"),
              (shifted_out, colors.DIVERGING_CMAP, limit, "shift(conv(input))"),
              (difference, colors.DIVERGING_CMAP, limit, "difference")]
    for ax, (image, cmap, lim, title) in zip(axes, panels):
        ax.imshow(image, cmap=cmap, vmin=-lim if lim else None, vmax=lim, interpolation="nearest")
        ax.set_title(title, fontsize=11)
    no_ticks(*axes)
    # Pixel centres are integers, so the region's outer edges are at -0.5 offsets.
    axes[3].add_patch(Rectangle((left - 0.5, top - 0.5), cols - left, rows - top, fill=False,
                                edgecolor="black", linestyle="--", linewidth=1.2, gid="exact-region"))
    return fig

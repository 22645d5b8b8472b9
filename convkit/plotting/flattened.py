"""Chapter 10's figures: a flattened filter, the outer product against the cross, the costs."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from convkit.costs import conv_params, flattened_cost
from convkit.flattened import flattened_filter
from convkit.plotting import colors
from convkit.plotting._grid import draw_grid, format_value, plain_axes

__all__ = [
    "cross_kernel",
    "flattened_cost_figure",
    "flattened_filter_description",
    "flattened_filter_figure",
    "outer_vs_cross_figure",
]


def flattened_filter_figure(lateral, vertical, horizontal) -> Figure:
    """One flattened filter: its three 1D filters and the full ``C x k x k`` filter they equal.

    Top row: the lateral filter (one weight per input channel), the vertical
    column and the horizontal row (orange, thick outline, values printed).
    Bottom row: the ``C`` slices of ``flattened_filter``, slice ``c`` being
    ``lateral[c]`` times the outer product of the column and the row.

    Parameters
    ----------
    lateral : array_like, shape (C,)
    vertical : array_like, shape (kH,)
    horizontal : array_like, shape (kW,)

    Returns
    -------
    matplotlib.figure.Figure
    """
    lat, ver, hor = (np.asarray(a) for a in (lateral, vertical, horizontal))
    if lat.ndim != 1 or ver.ndim != 1 or hor.ndim != 1:
        raise ValueError("lateral, vertical and horizontal must be 1D (one filter)")
    full = flattened_filter(lat[None], ver[None], hor[None])[0]  # (C, kH, kW)
    c, kh, kw = full.shape
    gap = 1.5
    width = max(c * (kw + gap) - gap, c + kh + kw + 2 * gap + 2)
    height = kh + 3.4 + kh
    fig = Figure(figsize=(0.42 * width + 0.4, 0.42 * height + 0.6), facecolor=colors.FIGURE_FACE)
    ax = fig.add_axes((0.01, 0.01, 0.98, 0.86))
    plain_axes(ax, (-0.3, width + 0.3), (height + 0.2, -0.9))
    # top row: the three 1D filters
    draw_grid(ax, lat[None, :], "kernel", (0, 0), gid="lateral")
    ax.text(c / 2, -0.2, "lateral (channels)", ha="center", va="bottom", fontsize=8)
    x_ver = c + gap
    draw_grid(ax, ver[:, None], "kernel", (x_ver, 0), gid="vertical")
    ax.text(x_ver + 0.5, -0.2, "vertical", ha="center", va="bottom", fontsize=8)
    x_hor = x_ver + 1 + gap
    draw_grid(ax, hor[None, :], "kernel", (x_hor, 0), gid="horizontal")
    ax.text(x_hor + kw / 2, -0.2, "horizontal", ha="center", va="bottom", fontsize=8)
    # bottom row: the C slices of the equivalent full filter
    y_full = kh + 2.4
    for channel in range(c):
        x0 = channel * (kw + gap)
        draw_grid(ax, full[channel], "kernel", (x0, y_full), gid="full")
        ax.text(x0 + kw / 2, y_full - 0.2, f"channel {channel}", ha="center", va="bottom", fontsize=8)
    fig.suptitle(f"{c} + {kh} + {kw} = {c + kh + kw} weights (top) make a {c}×{kh}×{kw} filter of "
                 f"{c * kh * kw} weights (bottom)", fontsize=9)
    return fig


def flattened_filter_description(lateral, vertical, horizontal) -> str:
    """Alt text for :func:`flattened_filter_figure`.

    Parameters
    ----------
    lateral, vertical, horizontal
        As in :func:`flattened_filter_figure`.

    Returns
    -------
    str
        The figure's content in words, for its alt text.
    """
    c, kh, kw = len(lateral), len(vertical), len(horizontal)
    return (f"A lateral filter of {c} weights, a vertical filter of {kh} and a horizontal filter of "
            f"{kw}, above the {c} slices of the {c} by {kh} by {kw} filter they make: slice c is "
            f"lateral weight c times the vertical column times the horizontal row.")


def cross_kernel(vertical, horizontal):
    """The kernel of ``k x 1`` conv + ``1 x k`` conv of the same input ('same' padding).

    ``vertical`` lies in the middle column and ``horizontal`` in the middle
    row; they add in the centre. Odd ``k`` only.

    Parameters
    ----------
    vertical, horizontal : array_like, shape (k,)

    Returns
    -------
    numpy.ndarray, shape (k, k)
    """
    ver, hor = np.asarray(vertical), np.asarray(horizontal)
    k = len(ver)
    if ver.ndim != 1 or hor.shape != (k,) or k % 2 == 0:
        raise ValueError("vertical and horizontal must be 1D, of the same odd length")
    kernel = np.zeros((k, k), dtype=np.result_type(ver, hor))
    kernel[:, k // 2] += ver
    kernel[k // 2, :] += hor
    return kernel


def outer_vs_cross_figure(vertical, horizontal) -> Figure:
    """The kernel of the sequence (outer product) beside the kernel of the parallel sum (cross).

    Both come from the same column and row; each panel prints its values and
    the matrix rank in its title.

    Parameters
    ----------
    vertical, horizontal : array_like, shape (k,)
        Odd ``k``.

    Returns
    -------
    matplotlib.figure.Figure
    """
    ver, hor = np.asarray(vertical), np.asarray(horizontal)
    panels = (("sequence: column then row", np.outer(ver, hor)),
              ("parallel sum: column + row", cross_kernel(ver, hor)))
    k = len(ver)
    fig = Figure(figsize=(0.5 * (2 * k + 2) + 0.6, 0.5 * k + 1.3), facecolor=colors.FIGURE_FACE)
    for index, (name, kernel) in enumerate(panels):
        ax = fig.add_axes((0.03 + 0.5 * index, 0.04, 0.44, 0.72))
        plain_axes(ax, (-0.1, k + 0.1), (k + 0.1, -0.1))
        for r in range(k):
            for c in range(k):
                role = "kernel" if kernel[r, c] != 0 else "empty"
                gid = "outer" if index == 0 else "cross"
                ax.add_patch(Rectangle((c, r), 1, 1, gid=gid, **colors.cell_style(role)))
                ax.text(c + 0.5, r + 0.5, format_value(kernel[r, c]) if kernel[r, c] != 0 else "·",
                        ha="center", va="center", fontsize=8, color=colors.EDGE, gid=gid)
        ax.set_title(f"{name}\nrank {np.linalg.matrix_rank(kernel)}", fontsize=9)
    return fig


def flattened_cost_figure(in_channels: int, kernel_size: int, errors: Mapping[str, float],
                          error_max: float = 1.0) -> Figure:
    """Weights per filter, full against flattened, beside the rank-1 approximation errors.

    Left: bars of ``C_in k^2`` (a full filter) and ``C_in + 2k`` (a flattened one),
    counted by :func:`convkit.costs.conv_params` and
    :func:`convkit.costs.flattened_cost` for one output channel, with
    the counts printed. Right: one bar per filter family, the relative error
    of its best rank-1 approximation, printed.

    Parameters
    ----------
    in_channels, kernel_size : int
        ``C_in`` and ``k``.
    errors : mapping of str to float
        Family name -> relative Frobenius error, in ``[0, error_max]``.
    error_max : float, default 1.0
        Upper limit of the error axis (the same in every frame).

    Returns
    -------
    matplotlib.figure.Figure
    """
    full = conv_params(in_channels, 1, kernel_size, bias=False)
    flat = flattened_cost(in_channels, 1, kernel_size).params
    fig = Figure(figsize=(6.4, 2.6), facecolor=colors.FIGURE_FACE)
    left = fig.add_axes((0.1, 0.2, 0.3, 0.62))
    bars = left.bar([0, 1], [full, flat], color=[colors.KERNEL, colors.OUTPUT], edgecolor=colors.EDGE,
                    hatch=["", "//"], gid="params")
    left.set_yscale("log")
    left.set_ylim(1, 10 ** 5)
    left.set_xticks([0, 1], ["full\n$C_\\mathrm{in}\\,k^2$", "flattened\n$C_\\mathrm{in} + 2k$"], fontsize=8)
    left.tick_params(axis="y", labelsize=7)
    for bar, value in zip(bars, (full, flat)):
        left.text(bar.get_x() + bar.get_width() / 2, value * 1.3, f"{value:,}", ha="center",
                  va="bottom", fontsize=8)
    left.set_title(f"weights per filter (×{full / flat:.1f} fewer)", fontsize=9)
    right = fig.add_axes((0.55, 0.2, 0.42, 0.62))
    names = list(errors)
    values = [float(errors[n]) for n in names]
    bars = right.barh(range(len(names)), values, color=colors.INPUT, edgecolor=colors.EDGE, gid="error")
    right.set_yticks(range(len(names)), names, fontsize=8)
    right.invert_yaxis()
    right.set_xlim(0, error_max)
    right.tick_params(axis="x", labelsize=7)
    for bar, value in zip(bars, values):
        right.text(min(value, error_max) + 0.01 * error_max, bar.get_y() + bar.get_height() / 2,
                   f"{value:.2f}", va="center", fontsize=8)
    right.set_title("relative error of the best rank-1 filter", fontsize=9)
    fig.suptitle(f"$C_\\mathrm{{in}}$ = {in_channels} input channels, {kernel_size}×{kernel_size} kernels", fontsize=10)
    return fig

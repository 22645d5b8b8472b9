"""The cost of a 1x1 bottleneck against its width, with the break-even width marked (chapter 5)."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from convkit._validation import check_int
from convkit.costs import conv_cost, inception_bottleneck_cost
from convkit.plotting import colors

__all__ = ["break_even_width", "bottleneck_sweep_figure"]

_STYLES = {3: dict(color=colors.INPUT, linestyle="-", marker="o"),
           5: dict(color=colors.KERNEL, linestyle="--", marker="s"),
           7: dict(color=colors.OUTPUT, linestyle=":", marker="^")}


def break_even_width(in_channels: int, out_channels: int, kernel_size: int) -> float:
    """The width ``C_mid`` at which 1x1 reduction + ``k x k`` costs as many weights as the direct ``k x k``.

    ``C_in C_mid + k^2 C_mid C_out = k^2 C_in C_out`` gives
    ``C_mid = k^2 C_in C_out / (C_in + k^2 C_out)``; narrower bottlenecks save.

    Parameters
    ----------
    in_channels, out_channels : int
        ``C_in`` and ``C_out`` of the block.
    kernel_size : int
        ``k`` of the square middle convolution.

    Returns
    -------
    float
        The break-even width (not rounded).
    """
    in_channels = check_int(in_channels, "in_channels", minimum=1)
    out_channels = check_int(out_channels, "out_channels", minimum=1)
    kernel_size = check_int(kernel_size, "kernel_size", minimum=1)
    k2 = kernel_size ** 2
    return k2 * in_channels * out_channels / (in_channels + k2 * out_channels)


def bottleneck_sweep_figure(in_channels: int, out_channels: int, kernel_sizes=(3, 5), widths=None) -> Figure:
    """Weights of the bottleneck block, relative to the direct convolution, against the width ``C_mid``.

    For each kernel size ``k`` the curve is
    ``convkit.inception_bottleneck_cost(C_in, C_out, k, C_mid).params /
    convkit.conv_cost(C_in, C_out, k).params`` (the multiply-add ratio is the
    same when every layer has the same output size). A horizontal line at 1
    marks the direct convolution's cost; a vertical line marks each kernel
    size's break-even width, labelled with its value.

    Parameters
    ----------
    in_channels, out_channels : int
        ``C_in`` and ``C_out`` of the block.
    kernel_sizes : sequence of int, default (3, 5)
        At most three of 3, 5 and 7, each with its own colour, line style and marker.
    widths : sequence of int, optional
        Bottleneck widths to plot; default ``1 .. C_in``.

    Returns
    -------
    matplotlib.figure.Figure
        One axes; line ``i`` (gid ``"ratio-k{k}"``) holds the ratios, line gid
        ``"break-even-k{k}"`` the vertical marker at :func:`break_even_width`.
    """
    kernel_sizes = tuple(kernel_sizes)
    if not kernel_sizes or any(k not in _STYLES for k in kernel_sizes):
        raise ValueError(f"kernel_sizes must be taken from {sorted(_STYLES)}, got {kernel_sizes}")
    widths = np.arange(1, in_channels + 1) if widths is None else np.asarray(widths)
    if widths.ndim != 1 or widths.size == 0 or (widths < 1).any():
        raise ValueError("widths must be a non-empty sequence of positive integers")
    fig = Figure(figsize=(6.4, 3.4), facecolor=colors.FIGURE_FACE, layout="constrained")
    ax = fig.add_subplot()
    top = 1.0
    for k in kernel_sizes:
        direct = conv_cost(in_channels, out_channels, k).params
        ratios = [inception_bottleneck_cost(in_channels, out_channels, k, int(c)).params / direct for c in widths]
        top = max(top, max(ratios))
        style = _STYLES[k]
        ax.plot(widths, ratios, color=style["color"], linestyle=style["linestyle"], marker=style["marker"],
                markevery=max(1, len(widths) // 8), markersize=4, label=f"{k}x{k}", gid=f"ratio-k{k}")
        even = break_even_width(in_channels, out_channels, k)
        ax.axvline(even, color=style["color"], linestyle=style["linestyle"], linewidth=1, gid=f"break-even-k{k}")
        ax.text(even - 0.01 * widths[-1], 0.08 + 0.1 * kernel_sizes.index(k), f"break-even {k}x{k}: {even:.1f}",
                ha="right", fontsize=8, color=colors.EDGE)
    ax.axhline(1.0, color=colors.EDGE, linewidth=1, gid="direct")
    ax.text(widths[0], 1.02, "direct convolution", fontsize=8, color=colors.EDGE, va="bottom")
    ax.set_xlim(0, widths[-1] + 1)
    ax.set_ylim(0, top * 1.1)
    ax.set_xlabel("bottleneck width $C_\\mathrm{mid}$ (channels)", fontsize=9)
    ax.set_ylabel("weights, relative to direct", fontsize=9)
    ax.set_title(f"1x1 bottleneck, {in_channels} to {out_channels} channels", fontsize=10)
    ax.tick_params(labelsize=8)
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(0.0, 0.8), title="kernel", title_fontsize=8)
    return fig

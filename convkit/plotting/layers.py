"""Whole layers: tensor shapes and a 1x1 convolution at one pixel (chapters 2, 5).

Sizes come from :func:`convkit.conv_output_size` and the output column from
:func:`convkit.pointwise_conv2d`; each figure has a ``*_description``
companion that writes its alt text from the same numbers.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from convkit._validation import as_array, as_nd_array, check_int
from convkit.plotting import colors
from convkit.plotting._grid import plain_axes
from convkit.separable import pointwise_conv2d
from convkit.sizes import conv_output_size

__all__ = [
    "layer_shapes_figure",
    "layer_shapes_description",
    "pointwise_figure",
    "pointwise_description",
]


def _layer(in_channels, height, width, out_channels, kernel_size):
    sizes = [check_int(v, n, minimum=1) for v, n in [(in_channels, "in_channels"), (height, "height"),
                                                (width, "width"), (out_channels, "out_channels"),
                                                (kernel_size, "kernel_size")]]
    C_in, H, W, C_out, k = sizes
    H_out, W_out = conv_output_size((H, W), k)
    return C_in, H, W, C_out, k, H_out, W_out


def layer_shapes_figure(in_channels: int, height: int, width: int, out_channels: int,
                        kernel_size: int) -> Figure:
    """A convolution layer's tensors: input channels, ``C_out`` filters, output channels.

    Parameters
    ----------
    in_channels, height, width : int
        The input's shape ``(C_in, H, W)``.
    out_channels : int
        Number of filters ``C_out``.
    kernel_size : int
        Square kernel side ``k`` (stride 1, no padding).

    Returns
    -------
    matplotlib.figure.Figure
        Left, ``C_in`` stacked input slices (gid ``"input"``); middle,
        ``C_out`` filters of ``C_in`` stacked ``k x k`` kernels (gid
        ``"kernel"``); right, one ``(H_out, W_out)`` output channel per
        filter (gid ``"output"``), with an arrow from its filter. Shapes are
        written under each part.

    Raises
    ------
    TypeError, ValueError
        If a size is not a positive int, or the kernel is larger than the input.
    """
    C_in, H, W, C_out, k, H_out, W_out = _layer(in_channels, height, width, out_channels, kernel_size)
    step = 0.45                                   # offset between stacked slices
    fig = Figure(figsize=(6.6, 4.2), dpi=72, facecolor=colors.FIGURE_FACE)
    ax = fig.add_axes((0, 0, 1, 1))
    filter_gap = k + 1.6
    height_all = max(C_out * filter_gap, H + C_in * step + 1)
    for c in reversed(range(C_in)):               # input channels, back to front
        ax.add_patch(Rectangle((c * step, (height_all - H) / 2 + c * step), W, H, facecolor=colors.INPUT,
                               edgecolor=colors.EDGE, linewidth=1.0, gid="input"))
    ax.text(W / 2, (height_all - H) / 2 - 0.7, f"input ({C_in}, {H}, {W})\n{C_in} channels of {H}×{W}",
            ha="center", va="top", fontsize=10)
    left = W + C_in * step + 3.0
    ax.text((W + C_in * step + left) / 2, height_all / 2, "⋆", ha="center", va="center", fontsize=22)
    kernels_right = left + k + C_in * step
    out_left = kernels_right + 4.5
    for o in range(C_out):                        # filters top to bottom, each with its output channel
        bottom = height_all - (o + 1) * filter_gap + 0.8
        for c in reversed(range(C_in)):
            ax.add_patch(Rectangle((left + c * step, bottom + c * step), k, k, facecolor=colors.KERNEL,
                                   edgecolor=colors.EDGE, linewidth=2.0, gid="kernel"))
        ax.text(kernels_right + 0.3, bottom + k / 2, f"filter {o}", va="center", fontsize=9)
        out_bottom = bottom + (k - H_out) / 2
        ax.add_patch(Rectangle((out_left, out_bottom), W_out, H_out, facecolor=colors.OUTPUT,
                               edgecolor=colors.EDGE, linewidth=1.0, gid="output"))
        ax.annotate("", xy=(out_left - 0.2, out_bottom + H_out / 2),
                    xytext=(kernels_right + 2.4, out_bottom + H_out / 2),
                    arrowprops=dict(arrowstyle="->", linewidth=1.0, color=colors.EDGE))
        ax.text(out_left + W_out + 0.3, out_bottom + H_out / 2, f"channel {o}", va="center", fontsize=9)
    ax.text(left + k / 2 + 1, -0.5, f"{C_out} filters, each ({C_in}, {k}, {k}):\n{C_in} kernels of {k}×{k}",
            ha="center", va="top", fontsize=10)
    ax.text(out_left + W_out / 2 + 1, -0.5,
            f"output ({C_out}, {H_out}, {W_out}):\n{C_out} channels of {H_out}×{W_out}",
            ha="center", va="top", fontsize=10)
    plain_axes(ax, (-0.5, out_left + W_out + 3.2), (-2.6, height_all + 0.5))
    return fig


def layer_shapes_description(in_channels: int, height: int, width: int, out_channels: int,
                             kernel_size: int) -> str:
    """Alt text for :func:`layer_shapes_figure` with the same arguments.

    Parameters
    ----------
    in_channels, height, width, out_channels, kernel_size : int
        As in :func:`layer_shapes_figure`.

    Returns
    -------
    str
        The three shapes, the output size from :func:`convkit.conv_output_size`.
    """
    C_in, H, W, C_out, k, H_out, W_out = _layer(in_channels, height, width, out_channels, kernel_size)
    return (f"Left: an input of {C_in} stacked {H} by {W} channels. Middle: {C_out} filters, each a stack of "
            f"{C_in} orange {k} by {k} kernels, one kernel per input channel. Right: {C_out} output channels "
            f"of {H_out} by {W_out}, one on the row of each filter, with an arrow from each filter to its "
            f"own output channel.")


def _pointwise(input, weight, pixel):
    input, weight = as_nd_array(input, "input", "C_in, H, W"), as_array(weight, "weight")
    if weight.ndim != 2 or weight.shape[1] != input.shape[0]:
        raise ValueError(f"weight must be (C_out, C_in) with C_in = {input.shape[0]}, "
                         f"got shape {weight.shape}")
    try:
        i, j = (int(p) for p in pixel)
    except (TypeError, ValueError):
        raise TypeError(f"pixel must be a pair of ints (row, column), got {pixel!r}") from None
    _, H, W = input.shape
    if not (0 <= i < H and 0 <= j < W):
        raise ValueError(f"pixel must lie inside the {H}x{W} image, got {tuple(pixel)}")
    output = pointwise_conv2d(input, weight)      # (C_out, H, W)
    return input, weight, i, j, output


def pointwise_figure(input, weight, pixel) -> Figure:
    """A 1x1 convolution at one pixel: the pixel's channel column, the weight matrix, the output column.

    Parameters
    ----------
    input : array_like
        ``(C_in, H, W)`` input.
    weight : array_like
        ``(C_out, C_in)`` weight of the 1x1 convolution.
    pixel : tuple of int
        ``(row, column)`` of the pixel shown.

    Returns
    -------
    matplotlib.figure.Figure
        Three axes: the input's channels as a stack with the pixel
        cross-hatched (gid ``"pixel"``), the weight as a heatmap with its
        values printed, and the output's channels with the same pixel. The
        titles list both columns; the output column is
        :func:`convkit.pointwise_conv2d`'s.

    Raises
    ------
    ValueError
        If the shapes do not match or the pixel is outside the image.
    TypeError
        If ``pixel`` is not a pair of ints.
    """
    input, weight, i, j, output = _pointwise(input, weight, pixel)
    C_in, H, W = input.shape
    C_out = weight.shape[0]
    fig = Figure(figsize=(8.4, 3.3), dpi=72, facecolor=colors.FIGURE_FACE)
    axes = fig.subplots(1, 3, gridspec_kw={"width_ratios": [W + 2, C_in + 1.5, W + 2]})
    fig.subplots_adjust(left=0.01, right=0.99, bottom=0.02, top=0.80, wspace=0.15)
    for ax, channels, role, name, column in [(axes[0], C_in, colors.INPUT, "input", input[:, i, j]),
                                             (axes[2], C_out, colors.OUTPUT, "output", output[:, i, j])]:
        for c in reversed(range(channels)):       # a stack of channels, seen at an angle
            d = 0.35 * c
            ax.add_patch(Rectangle((d, d), W, H, facecolor=role, edgecolor=colors.EDGE, linewidth=0.8,
                                   alpha=0.9, gid=name))
            ax.add_patch(Rectangle((d + j, d + H - 1 - i), 1, 1, facecolor="white", edgecolor=colors.EDGE,
                                   linewidth=2.2, hatch="xx", gid="pixel"))
        ax.set_title(f"{name}: {channels} channels of {H}×{W}\npixel ({i}, {j}): {column.tolist()}",
                     fontsize=10)
        plain_axes(ax, (-0.3, W + 0.35 * channels + 0.3), (-0.3, H + 0.35 * channels + 0.3))
    limit = float(np.abs(weight).max()) + 0.5
    axes[1].imshow(weight, cmap=colors.DIVERGING_CMAP, vmin=-limit, vmax=limit)
    for (o, c), value in np.ndenumerate(weight):
        axes[1].text(c, o, str(value), ha="center", va="center", fontsize=10)
    axes[1].set_title(f"weight ({C_out}×{C_in})", fontsize=10)
    axes[1].set_xlabel("input channel c")
    axes[1].set_ylabel("output channel o")
    axes[1].set_xticks(range(C_in))
    axes[1].set_yticks(range(C_out))
    fig.text(0.33, 0.45, "→", fontsize=22, ha="center")
    fig.text(0.66, 0.45, "→", fontsize=22, ha="center")
    return fig


def pointwise_description(input, weight, pixel) -> str:
    """Alt text for :func:`pointwise_figure` with the same arguments.

    Parameters
    ----------
    input, weight, pixel
        As in :func:`pointwise_figure`: ``(C_in, H, W)``, ``(C_out, C_in)``
        and ``(row, column)``.

    Returns
    -------
    str
        The sizes, the pixel, its input column, the weight matrix and the
        output column (from :func:`convkit.pointwise_conv2d`).
    """
    input, weight, i, j, output = _pointwise(input, weight, pixel)
    C_in, H, W = input.shape
    C_out = weight.shape[0]
    return (f"Left: a stack of {C_in} input channels of {H} by {W} pixels with the pixel at row {i}, "
            f"column {j} cross-hatched on every channel; its channel values are {input[:, i, j].tolist()}. "
            f"Middle: the {C_out} by {C_in} weight matrix {weight.tolist()}. Right: a stack of {C_out} "
            f"output channels with the same pixel cross-hatched; its values are the matrix times the input "
            f"column, {output[:, i, j].tolist()}.")

"""Depthwise separable convolution: who reads whom, and what it costs (chapter 9).

Every number drawn comes from :func:`convkit.conv_cost` and
:func:`convkit.depthwise_separable_cost`; each figure has a
``*_description`` companion that writes its alt text from the same numbers.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from convkit._validation import check_int
from convkit.costs import (
    conv_cost, depthwise_conv_cost, depthwise_separable_cost, pointwise_conv_cost,
)
from convkit.plotting import colors
from convkit.plotting._grid import plain_axes

__all__ = [
    "separable_connections_figure",
    "separable_connections_description",
    "separable_cost_figure",
    "separable_cost_description",
    "MIN_BAR_FRACTION",
]

#: Narrowest drawn bar of :func:`separable_cost_figure`, as a fraction of the axis.
MIN_BAR_FRACTION = 0.012

#: Fill of the depthwise step's output channels (Okabe-Ito blue), hatched ``..``.
HIDDEN = "#0072B2"


def _column(ax, x: float, count: int, rows: int, label, style: dict, gid: str) -> list[float]:
    """Boxes for ``count`` channels centred in ``rows`` rows; returns their centres."""
    centres = []
    for i in range(count):
        y = (rows - count) / 2 + i + 0.5
        centres.append(y)
        ax.add_patch(Rectangle((x - 1.0, y - 0.38), 2.0, 0.76, gid=gid, **style))
        ax.text(x, y, label(i), ha="center", va="center", fontsize=7,
                bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.4})
    return centres


def _connection_arguments(in_channels, out_channels, kernel_size,
                          depth_multiplier) -> tuple[int, int, int, int]:
    """The checked ``(C_in, C_out, k, K)`` of a connections figure and its alt text."""
    return (check_int(in_channels, "in_channels", minimum=1),
            check_int(out_channels, "out_channels", minimum=1),
            check_int(kernel_size, "kernel_size", minimum=1),
            check_int(depth_multiplier, "depth_multiplier", minimum=1))


def _cost_arguments(channels, kernel_size, output_size) -> tuple[int, int, int]:
    """The checked ``(C, k, size)`` of a cost figure and its alt text."""
    return (check_int(channels, "channels", minimum=1), check_int(kernel_size, "kernel_size", minimum=1),
            check_int(output_size, "output_size", minimum=1))


def separable_connections_figure(in_channels: int, out_channels: int, kernel_size: int = 3,
                                 depth_multiplier: int = 1) -> Figure:
    """A standard convolution beside a depthwise separable one, as channel graphs.

    Left: input channels and output channels, one line per ``k x k`` kernel
    (gid ``"standard-kernel"``): every output channel reads every input
    channel. Right: input channels, the depthwise step's ``C_in K`` channels
    (gid ``"hidden-channel"``), output channels; one thick solid line per
    depthwise ``k x k`` kernel (gid ``"depthwise-kernel"``, from input ``c``
    to hidden ``c K + j``) and one thin dashed line per pointwise weight (gid
    ``"pointwise-weight"``). The titles give the weight counts of
    :func:`convkit.conv_cost` and :func:`convkit.depthwise_separable_cost`.

    Parameters
    ----------
    in_channels, out_channels : int
        ``C_in`` and ``C_out`` (keep them small: one box per channel).
    kernel_size : int, default 3
        ``k``, written on the kernels and used in the weight counts.
    depth_multiplier : int, default 1
        ``K``.

    Returns
    -------
    matplotlib.figure.Figure
    """
    c_in, c_out, k, m = _connection_arguments(in_channels, out_channels, kernel_size, depth_multiplier)
    hidden = c_in * m
    rows = max(c_in, c_out, hidden)
    standard = conv_cost(c_in, c_out, k)
    separable = depthwise_separable_cost(c_in, c_out, k, depth_multiplier=m)
    fig = Figure(figsize=(8.4, 0.36 * rows + 1.5), facecolor=colors.FIGURE_FACE)
    left = fig.add_axes((0.01, 0.02, 0.36, 0.8))
    right = fig.add_axes((0.41, 0.02, 0.58, 0.8))
    input_style = colors.cell_style("input")
    output_style = colors.cell_style("output")
    hidden_style = {"facecolor": HIDDEN + "66", "edgecolor": colors.EDGE, "linewidth": 1.0, "hatch": ".."}

    for ax, width in ((left, 6.0), (right, 10.0)):
        plain_axes(ax, (-1.2, width + 1.2), (rows + 0.1, -0.1), equal=False)

    ins = _column(left, 0, c_in, rows, lambda i: f"in {i}", input_style, "input-channel")
    outs = _column(left, 6, c_out, rows, lambda o: f"out {o}", output_style, "output-channel")
    for o, yo in enumerate(outs):
        for c, yc in enumerate(ins):
            left.plot([1.0, 5.0], [yc, yo], color=colors.KERNEL, linewidth=1.4, solid_capstyle="butt",
                      gid="standard-kernel")
    left.set_title(f"standard {k}x{k}: {c_in}·{c_out} kernels of {k}x{k}\n"
                   f"= {standard.params:,} weights", fontsize=9)

    ins = _column(right, 0, c_in, rows, lambda i: f"in {i}", input_style, "input-channel")
    source = np.arange(hidden) // m  # groups=C_in: hidden channel c K + j reads input c
    mids = _column(right, 5, hidden, rows, lambda h: f"dw {h}", hidden_style,
                   "hidden-channel")
    outs = _column(right, 10, c_out, rows, lambda o: f"out {o}", output_style, "output-channel")
    for h, yh in enumerate(mids):
        right.plot([1.0, 4.0], [ins[source[h]], yh], color=colors.KERNEL, linewidth=3.0,
                   solid_capstyle="butt", gid="depthwise-kernel")
    for o, yo in enumerate(outs):
        for h, yh in enumerate(mids):
            right.plot([6.0, 9.0], [yh, yo], color="#555555", linewidth=0.7, linestyle="--",
                       gid="pointwise-weight")
    depthwise = depthwise_conv_cost(c_in, k, depth_multiplier=m)
    pointwise = pointwise_conv_cost(hidden, c_out)
    right.set_title(f"depthwise separable: {hidden} kernels of {k}x{k} (thick)\n"
                    f"+ {hidden}·{c_out} pointwise weights (dashed)"
                    f" = {depthwise.params:,} + {pointwise.params:,} = {separable.params:,} weights",
                    fontsize=9)
    return fig


def separable_connections_description(in_channels: int, out_channels: int, kernel_size: int = 3,
                                      depth_multiplier: int = 1) -> str:
    """Alt text for :func:`separable_connections_figure` with the same arguments.

    Parameters
    ----------
    in_channels, out_channels, kernel_size, depth_multiplier
        As in :func:`separable_connections_figure`.

    Returns
    -------
    str
        The kernels and weight counts of both layers, in words.
    """
    c_in, c_out, k, m = _connection_arguments(in_channels, out_channels, kernel_size, depth_multiplier)
    standard = conv_cost(c_in, c_out, k)
    depthwise = depthwise_conv_cost(c_in, k, depth_multiplier=m)
    pointwise = pointwise_conv_cost(c_in * m, c_out)
    per = "one kernel" if m == 1 else f"{m} kernels"
    return (f"Left: a standard {k} by {k} convolution from {c_in} to {c_out} channels, a line from every "
            f"input channel to every output channel, {c_in * c_out} kernels and {standard.params} weights. "
            f"Right: the depthwise separable version: {per} of {k} by {k} per input channel, each line "
            f"going from one input channel to its own intermediate channel ({depthwise.params} weights), "
            f"then dashed lines from every intermediate channel to every output channel, the 1 by 1 "
            f"pointwise step ({pointwise.params} weights), {depthwise.params + pointwise.params} weights "
            f"in all.")


def _relative(channels: int, kernel_size: int, output_size: int):
    standard = conv_cost(channels, channels, kernel_size, output_size)
    depthwise = depthwise_conv_cost(channels, kernel_size, output_size)
    pointwise = pointwise_conv_cost(channels, channels, output_size)
    return standard, depthwise, pointwise


def separable_cost_figure(channels: int, kernel_size: int, output_size: int = 1,
                          curve_channels=(8, 16, 32, 64, 128, 256, 512, 1024)) -> Figure:
    """Cost of a depthwise separable layer as a fraction of a standard one, and the saving.

    Both layers map ``channels`` to ``channels`` with a ``k x k`` kernel
    (``K = 1``, no bias), so weights and multiply-adds shrink by the same
    factor. Left axis: the standard layer is a bar of length 1 (gid
    ``"standard"``, hatched ``//``); the separable layer a stacked bar of
    its depthwise part, ``1 / C`` (gid ``"depthwise"``, hatched ``..``), and
    its pointwise part, ``1 / k^2`` (gid ``"pointwise"``). A part narrower
    than :data:`MIN_BAR_FRACTION` of the axis is drawn that wide; the true
    fractions are written beside the bars. Right axis: the saving factor
    ``1 / (1/C + 1/k^2)`` against the channel count (gid ``"saving"``, log
    scale), its limit ``k^2`` (gid ``"limit"``, dashed) and the current
    ``channels`` (gid ``"current"``, a diamond).

    Parameters
    ----------
    channels : int
        ``C_in = C_out = C``.
    kernel_size : int
        ``k``.
    output_size : int, default 1
        Side of the output, for the absolute counts written in the title.
    curve_channels : sequence of int
        Channel counts of the saving curve.

    Returns
    -------
    matplotlib.figure.Figure
    """
    c, k, size = _cost_arguments(channels, kernel_size, output_size)
    standard, depthwise, pointwise = _relative(c, k, size)
    separable = depthwise + pointwise
    fig = Figure(figsize=(8.0, 3.1), dpi=72, layout="constrained", facecolor=colors.FIGURE_FACE)
    bars, curve = fig.subplots(1, 2, width_ratios=(1.25, 1))

    d, p = depthwise.macs / standard.macs, pointwise.macs / standard.macs
    xmax = 1.25
    floor = MIN_BAR_FRACTION * xmax
    drawn_d, drawn_p = max(d, floor), max(p, floor)
    bars.barh([1], [1.0], color=colors.KERNEL, edgecolor=colors.EDGE, hatch="//", gid="standard")
    bars.barh([0], [drawn_d], color=HIDDEN + "66", edgecolor=colors.EDGE, hatch="..", gid="depthwise")
    bars.barh([0], [drawn_p], left=[drawn_d], color=colors.OUTPUT, edgecolor=colors.EDGE, gid="pointwise")
    bars.text(1.0, 1, " 1", va="center", fontsize=9)
    bars.text(drawn_d + drawn_p, 0, f" {d + p:.4f} = {standard.macs / separable.macs:.1f}x fewer",
              va="center", fontsize=9)
    bars.text(0, -0.6, f"depthwise 1/{c} = {d:.4f}   pointwise 1/{k * k} = {p:.4f}", va="center",
              fontsize=8)
    bars.set_xlim(0, xmax)
    bars.set_ylim(-0.9, 1.5)
    bars.set_yticks([0, 1], [f"depthwise\n+ pointwise", f"standard\n{k}x{k}"])
    bars.set_xlabel("weights and multiply-adds, relative to standard")
    bars.set_title(f"{c} → {c} channels, {k}x{k}, {size}x{size} output:\n"
                   f"{standard.params:,} → {separable.params:,} weights, "
                   f"{standard.macs:,} → {separable.macs:,} MACs", fontsize=8)

    xs = np.array(sorted(set(int(v) for v in curve_channels) | {c}))
    savings = [conv_cost(x, x, k).macs / depthwise_separable_cost(x, x, k).macs for x in xs]
    curve.plot(xs, savings, color=colors.EDGE, marker="o", markersize=3, gid="saving")
    curve.axhline(k * k, color="#555555", linestyle="--", linewidth=1.0, gid="limit")
    curve.text(xs[0], k * k, f"limit k² = {k * k}", va="bottom", fontsize=8)
    current = standard.macs / separable.macs
    curve.plot([c], [current], marker="D", markersize=8, color=colors.HIGHLIGHT,
               markeredgecolor=colors.EDGE, linestyle="none", gid="current")
    curve.set_xscale("log", base=2)
    curve.set_ylim(0, 52)
    curve.set_xlabel("channels C")
    curve.set_ylabel("saving factor (times fewer)")
    curve.set_title(f"saving for {k}x{k}: 1 / (1/C + 1/{k * k})", fontsize=9)
    handles = [Rectangle((0, 0), 1, 1, facecolor=colors.KERNEL, hatch="//", edgecolor=colors.EDGE),
               Rectangle((0, 0), 1, 1, facecolor=HIDDEN + "66", hatch="..", edgecolor=colors.EDGE),
               Rectangle((0, 0), 1, 1, facecolor=colors.OUTPUT, edgecolor=colors.EDGE)]
    fig.legend(handles=handles, labels=[f"standard {k}x{k}", f"depthwise {k}x{k}", "pointwise 1x1"],
               fontsize=8, loc="outside upper center", ncol=3, frameon=False)
    return fig


def separable_cost_description(channels: int, kernel_size: int, output_size: int = 1) -> str:
    """Alt text for :func:`separable_cost_figure` with the same arguments.

    Parameters
    ----------
    channels, kernel_size, output_size
        As in :func:`separable_cost_figure`.

    Returns
    -------
    str
        The two terms of the cost ratio, the saving and the weight counts.
    """
    c, k, size = _cost_arguments(channels, kernel_size, output_size)
    standard, depthwise, pointwise = _relative(c, k, size)
    separable = depthwise + pointwise
    return (f"{k} by {k} convolution from {c} to {c} channels: the depthwise separable layer costs "
            f"{depthwise.macs / standard.macs:.4f} (depthwise, 1/{c}) plus {pointwise.macs / standard.macs:.4f} "
            f"(pointwise, 1/{k * k}) of the standard layer, {standard.macs / separable.macs:.1f} times fewer "
            f"weights and multiply-adds ({standard.params:,} against {separable.params:,} weights). "
            f"The curve of the saving against the channel count rises towards {k * k}.")

"""Figures of chapters 12 and 13: which channels reach which, and multiply-adds against memory access.

Each figure has a ``*_description`` companion that writes its alt text;
every coloured mark has a second cue (a printed symbol or value).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from convkit._validation import check_int
from convkit.plotting import colors
from convkit.plotting._grid import bar_rows, plain_axes

__all__ = [
    "cost_access_description",
    "cost_access_figure",
    "reachability_description",
    "reachability_figure",
    "shufflenet_unit_description",
    "shufflenet_unit_figure",
]


def _check_reach(reach, groups) -> np.ndarray:
    """``reach`` as a square bool array whose size ``groups`` divides."""
    reach = np.asarray(reach, dtype=bool)
    if reach.ndim != 2 or reach.shape[0] != reach.shape[1]:
        raise ValueError(f"reach must be a square (C, C) array, got shape {reach.shape}")
    if check_int(groups, "groups", minimum=1) and reach.shape[0] % groups:
        raise ValueError(f"groups must be a divisor of {reach.shape[0]}, got {groups!r}")
    return reach


def reachability_figure(reach, groups: int, title: str = "", marked_input: int | None = None) -> Figure:
    """Draw a reachability pattern: a dot where output channel ``f`` depends on input ``c``.

    Parameters
    ----------
    reach : array_like of bool, shape (C, C)
        ``reach[f, c]``, e.g. from :func:`convkit.grouped.stack_reachability`.
    groups : int
        Groups of the layers; dashed lines separate them on both axes.
    title : str, optional
    marked_input : int, optional
        An input channel whose column is outlined (the one-hot input).

    Returns
    -------
    matplotlib.figure.Figure
    """
    reach = _check_reach(reach, groups)
    c = reach.shape[0]
    fig = Figure(figsize=(3.6, 3.9), facecolor=colors.FIGURE_FACE)
    ax = fig.add_axes((0.17, 0.05, 0.78, 0.72))
    # One mesh and one scatter for the whole grid: far faster to draw than a patch per cell.
    mesh = ax.pcolormesh(np.arange(c + 1), np.arange(c + 1), reach.astype(float),
                         cmap=ListedColormap([colors.FIGURE_FACE, colors.OUTPUT]), vmin=0, vmax=1,
                         edgecolors="#BBBBBB", linewidth=0.4)
    mesh.set_gid("reached")
    rows, cols = np.nonzero(reach)
    ax.scatter(cols + 0.5, rows + 0.5, s=5, color=colors.EDGE, marker="o", gid="dots")
    per = c // groups
    for k in range(1, groups):
        ax.axhline(k * per, color=colors.EDGE, linestyle="--", linewidth=1.0)
        ax.axvline(k * per, color=colors.EDGE, linestyle="--", linewidth=1.0)
    if marked_input is not None:
        ax.add_patch(Rectangle((marked_input, 0), 1, c, fill=False, edgecolor=colors.HIGHLIGHT,
                               linewidth=2.0, gid="marked-input"))
    ax.set_xlim(0, c)
    ax.set_ylim(c, 0)
    ax.set_aspect("equal")
    ticks = np.arange(c) + 0.5
    labels = [str(i) if c <= 16 or i % 4 == 0 else "" for i in range(c)]
    ax.set_xticks(ticks, labels, fontsize=6)
    ax.set_yticks(ticks, labels, fontsize=6)
    ax.xaxis.tick_top()
    ax.set_xlabel("input channel c", fontsize=7)
    ax.xaxis.set_label_position("top")
    ax.set_ylabel("output channel f", fontsize=7)
    ax.tick_params(length=0)
    count = int(reach.sum())
    heading = f"{title}\n" if title else ""
    fig.suptitle(f"{heading}{count} of {c * c} (output, input) pairs connected", fontsize=8, y=0.985)
    return fig


def reachability_description(reach, groups: int, layers: int, shuffle: bool) -> str:
    """Alt text for :func:`reachability_figure`: the counts a reader would read off it.

    Parameters
    ----------
    reach, groups
        As in :func:`reachability_figure`.
    layers : int
        Number of grouped layers the pattern is for.
    shuffle : bool
        Whether a channel shuffle sits between the layers.

    Returns
    -------
    str
        The figure's content in words, for its alt text.
    """
    reach = _check_reach(reach, groups)
    check_int(layers, "layers", minimum=1)
    if not isinstance(shuffle, (bool, np.bool_)):
        raise TypeError(f"shuffle must be a bool, got {type(shuffle).__name__}")
    c = reach.shape[0]
    per_input = reach.sum(axis=0)
    how = "with a channel shuffle between layers" if shuffle else "without a shuffle"
    if reach.all():
        what = "every output channel depends on every input channel"
    elif per_input.min() == per_input.max():
        what = f"each input channel reaches {int(per_input.min())} of the {c} output channels"
    else:
        what = (f"each input channel reaches between {int(per_input.min())} and "
                f"{int(per_input.max())} of the {c} output channels")
    return (f"Grid of {c} output channels by {c} input channels for {layers} grouped "
            f"convolution layer(s) with {groups} groups {how}: a dotted cell marks a connected pair. "
            f"{int(reach.sum())} of {c * c} pairs are connected; {what}.")


def cost_access_figure(labels: Sequence[str], macs: Sequence[float], accesses: Sequence[float],
                       title: str = "", macs_max: float | None = None,
                       access_max: float | None = None) -> Figure:
    """Horizontal bars: multiply-adds and memory access of each layer of a block (the model, no timing).

    Parameters
    ----------
    labels : sequence of str
        One name per layer, top to bottom.
    macs : sequence of float
        Multiply-adds of each layer (0 for a shuffle or an addition), e.g. from
        :func:`convkit.costs.conv_cost`.
    accesses : sequence of float
        Values each layer reads and writes, e.g. from
        :func:`convkit.costs.conv_memory_access`.
    title : str, optional
    macs_max, access_max : float, optional
        Axis limits (in multiply-adds and in values), to keep several frames on
        one scale; default: the largest value here.

    Returns
    -------
    matplotlib.figure.Figure
        Both panels in millions; each bar carries its value as text and the two
        panels differ in hatching, so no value is read from colour.
    """
    macs = np.asarray(macs, dtype=float)
    accesses = np.asarray(accesses, dtype=float)
    if not (len(labels) == macs.size == accesses.size) or macs.size == 0:
        raise ValueError("labels, macs and accesses must have the same non-zero length, got "
                         f"{len(labels)}, {macs.size} and {accesses.size}")
    if np.any(macs < 0) or np.any(accesses < 0):
        raise ValueError("macs and accesses must not be negative")
    fig = Figure(figsize=(6.4, 0.42 * len(labels) + 1.3), facecolor=colors.FIGURE_FACE)
    y = np.arange(len(labels))
    panels = (
        (fig.add_axes((0.30, 0.12, 0.30, 0.66)), macs, macs_max, "multiply-adds (millions)",
         colors.KERNEL, "//", "macs", "{:.1f}"),
        (fig.add_axes((0.66, 0.12, 0.30, 0.66)), accesses, access_max,
         "memory access (million values)", colors.OUTPUT, "..", "access", "{:.2f}"),
    )
    for index, (ax, values, limit, xlabel, color, hatch, gid, fmt) in enumerate(panels):
        values = values / 1e6
        top = limit / 1e6 if limit else float(values.max())
        top = top if top > 0 else 1.0
        ax.barh(y, values, color=color, hatch=hatch, edgecolor=colors.EDGE, linewidth=0.6, gid=gid)
        for yi, v in zip(y, values):
            ax.text(v + 0.02 * top, yi, fmt.format(v), va="center", fontsize=7)
        ax.set_xlim(0, top * 1.3)
        bar_rows(ax, labels, index == 0, xlabel)
    fig.suptitle(title, fontsize=8, y=0.98)
    return fig


def cost_access_description(labels: Sequence[str], macs: Sequence[float], accesses: Sequence[float],
                            title: str = "") -> str:
    """Alt text for :func:`cost_access_figure`, listing each layer's two numbers.

    Parameters
    ----------
    labels, macs, accesses, title
        As in :func:`cost_access_figure`.

    Returns
    -------
    str
        The figure's content in words, for its alt text.
    """
    parts = [f"{name}: {m / 1e6:.1f} million multiply-adds, {a / 1e6:.2f} million values moved"
             for name, m, a in zip(labels, macs, accesses)]
    lead = f"{title}. " if title else ""
    return f"{lead}Bars per layer, " + "; ".join(parts) + "."


def _unit_layers(in_channels: int, out_channels: int | None, groups: int, stride: int):
    """(main-branch boxes, shortcut box, merge word, output channels) of a ShuffleNet unit."""
    check_int(in_channels, "in_channels", minimum=1)
    check_int(groups, "groups", minimum=1)
    if stride not in (1, 2):
        raise ValueError(f"stride must be 1 or 2, got {stride!r}")
    c_out = (in_channels if stride == 1 else 2 * in_channels) if out_channels is None else out_channels
    if stride == 1 and c_out != in_channels:
        raise ValueError(f"a stride-1 unit keeps its channels: out_channels must be {in_channels}, got {c_out}")
    if stride == 2 and c_out <= in_channels:
        raise ValueError(f"a stride-2 unit adds channels: out_channels must exceed {in_channels}, got {c_out}")
    m = c_out // 4
    expand = c_out if stride == 1 else c_out - in_channels
    if in_channels % groups or m % groups or expand % groups:
        raise ValueError(f"groups ({groups}) must divide {in_channels}, the bottleneck {m} and {expand}")
    main = [
        ("conv", f"1x1 group conv, g = {groups}: {in_channels} → {m}, ReLU"),
        ("shuffle", f"channel shuffle, g = {groups}: {m} channels"),
        ("conv", f"3x3 depthwise conv, stride {stride}: {m} → {m}"),
        ("conv", f"1x1 group conv, g = {groups}: {m} → {expand}"),
    ]
    shortcut = "identity" if stride == 1 else "3x3 avg pool, stride 2"
    merge = f"add: {c_out}, ReLU" if stride == 1 else f"concat: {in_channels} + {expand} = {c_out}, ReLU"
    return main, shortcut, merge, c_out


def shufflenet_unit_figure(in_channels: int = 240, groups: int = 3, stride: int = 1,
                           out_channels: int | None = None) -> Figure:
    """The layers of a ShuffleNet unit (Zhang et al. 2018, figure 2b/2c) with channel counts.

    Parameters
    ----------
    in_channels : int, default 240
    groups : int, default 3
        Groups of both 1x1 convolutions and of the shuffle.
    stride : {1, 2}, default 1
    out_channels : int, optional
        Default ``in_channels`` at stride 1 and ``2 * in_channels`` at
        stride 2. The bottleneck has ``out_channels // 4`` channels.

    Returns
    -------
    matplotlib.figure.Figure
        Boxes for the main branch (convolutions in the kernel colour with a
        thick outline, the shuffle hatched), the shortcut on the left and
        the merge at the bottom; every box is labelled.
    """
    main, shortcut, merge, _ = _unit_layers(in_channels, out_channels, groups, stride)
    fig = Figure(figsize=(5.6, 3.3), facecolor=colors.FIGURE_FACE)
    ax = plain_axes(fig.add_axes((0.01, 0.01, 0.98, 0.89)), (0, 10), (6.1, -0.5), equal=False)

    def box(x, y, width, text, kind):
        style = {"conv": {"facecolor": colors.KERNEL, "linewidth": 2.0, "hatch": None},
                 "shuffle": {"facecolor": colors.FIGURE_FACE, "linewidth": 1.0, "hatch": "//"},
                 "io": {"facecolor": colors.INPUT, "linewidth": 1.0, "hatch": None},
                 "other": {"facecolor": colors.PADDING, "linewidth": 1.0, "hatch": None}}[kind]
        ax.add_patch(Rectangle((x - width / 2, y - 0.3), width, 0.6, edgecolor=colors.EDGE, gid=kind, **style))
        ax.text(x, y, text, ha="center", va="center", fontsize=7,
                bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.6})

    def arrow(x0, y0, x1, y1):
        ax.annotate("", xy=(x1, y1), xytext=(x0, y0),
                    arrowprops={"arrowstyle": "->", "color": "#444444", "linewidth": 0.9})

    box(5.0, 0.0, 3.0, f"input: {in_channels} channels", "io")
    for index, (kind, text) in enumerate(main):
        y = 1.2 + 1.1 * index
        box(6.2, y, 5.2, text, kind)
        arrow(6.2 if index else 5.4, y - 0.8 if index else 0.3, 6.2, y - 0.3)
    merge_y = 1.2 + 1.1 * len(main)
    box(2.0, 2.85, 2.9, shortcut, "other")
    arrow(4.2, 0.3, 2.4, 2.55)
    arrow(2.0, 3.15, 4.3, merge_y - 0.3)
    arrow(6.2, merge_y - 0.8, 5.6, merge_y - 0.3)
    box(5.0, merge_y, 4.6, merge, "other")
    kind = "stride 1: identity shortcut, added" if stride == 1 else "stride 2: pooled shortcut, concatenated"
    fig.suptitle(f"ShuffleNet unit, {kind}", fontsize=9)
    return fig


def shufflenet_unit_description(in_channels: int = 240, groups: int = 3, stride: int = 1,
                                out_channels: int | None = None) -> str:
    """Alt text for :func:`shufflenet_unit_figure`: the layers in order with their channels.

    Parameters
    ----------
    in_channels, groups, stride, out_channels
        As in :func:`shufflenet_unit_figure`.

    Returns
    -------
    str
        The figure's content in words, for its alt text.
    """
    main, shortcut, merge, _ = _unit_layers(in_channels, out_channels, groups, stride)
    steps = "; ".join(text for _, text in main)
    return (f"A ShuffleNet unit with stride {stride} on {in_channels} input channels. Main branch, top to "
            f"bottom: {steps}. Shortcut: {shortcut}. Merge of the two paths: {merge}.")

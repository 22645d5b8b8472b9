"""Figures of chapters 12 and 13: which channels reach which, and cost against time.

==============================  ==============================================
``stack_reachability``          output-from-input channel pattern of a stack
                                of grouped 1x1 convolutions (ch. 12)
``reachability_figure``         that pattern as a grid, groups marked
``reachability_description``    its alt text
``cost_time_figure``            multiply-adds and measured time per layer
                                (ch. 13)
``cost_time_description``       its alt text
==============================  ==============================================

Nothing here changes matplotlib's global state; colours come from
:mod:`convkit.plotting.colors`, and every coloured mark has a second cue (a
printed symbol or value).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from convkit import block_diagonal_weight, shuffle_permutation
from convkit.plotting import colors

__all__ = [
    "cost_time_description",
    "cost_time_figure",
    "reachability_description",
    "reachability_figure",
    "stack_reachability",
]


def _check_stack_args(channels, groups, layers) -> tuple[int, int, int]:
    for name, value in (("channels", channels), ("groups", groups), ("layers", layers)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise TypeError(f"{name} must be an int, got {value!r}")
        if value < 1:
            raise ValueError(f"{name} must be positive, got {value}")
    if channels % groups:
        raise ValueError(f"channels ({channels}) must be divisible by groups ({groups})")
    return int(channels), int(groups), int(layers)


def stack_reachability(channels: int, groups: int, layers: int, shuffle: bool = True) -> np.ndarray:
    """Which input channels each output channel of a stack of grouped convolutions depends on.

    The stack has ``layers`` grouped convolutions of ``channels -> channels``
    with ``groups`` groups; with ``shuffle`` a channel shuffle (same
    ``groups``) sits between consecutive layers, none after the last. Only
    the pattern of non-zero weights matters, so the answer holds for any
    kernel size and for weights with no zero inside the blocks.

    Parameters
    ----------
    channels, groups, layers : int
        ``C`` (divisible by ``g``), ``g`` and the number of layers ``L``.
    shuffle : bool, default True

    Returns
    -------
    numpy.ndarray of bool, shape (C, C)
        ``reach[f, c]`` is True when output channel ``f`` of the last layer
        depends on input channel ``c`` of the first (rows are outputs, as in
        a weight ``(C_out, C_in)``).

    Examples
    --------
    >>> stack_reachability(4, 2, 2, shuffle=False).astype(int)
    array([[1, 1, 0, 0],
           [1, 1, 0, 0],
           [0, 0, 1, 1],
           [0, 0, 1, 1]])
    """
    c, g, n_layers = _check_stack_args(channels, groups, layers)
    mask = block_diagonal_weight(np.ones((c, c // g), dtype=np.int64), g)  # (C, C) 0/1
    perm = shuffle_permutation(c, g)
    permute = np.zeros((c, c), dtype=np.int64)
    permute[np.arange(c), perm] = 1  # (P x)[k] = x[perm[k]]
    reach = mask
    for _ in range(n_layers - 1):
        step = mask @ permute if shuffle else mask
        reach = (step @ reach > 0).astype(np.int64)  # count paths, keep only "some path"
    return reach.astype(bool)


def reachability_figure(reach, groups: int, title: str = "", marked_input: int | None = None) -> Figure:
    """Draw a reachability pattern: a dot where output channel ``f`` depends on input ``c``.

    Parameters
    ----------
    reach : array_like of bool, shape (C, C)
        ``reach[f, c]``, e.g. from :func:`stack_reachability`.
    groups : int
        Groups of the layers; dashed lines separate them on both axes.
    title : str, optional
    marked_input : int, optional
        An input channel whose column is outlined (the one-hot input).

    Returns
    -------
    matplotlib.figure.Figure
    """
    reach = np.asarray(reach, dtype=bool)
    if reach.ndim != 2 or reach.shape[0] != reach.shape[1]:
        raise ValueError(f"reach must be a square (C, C) array, got shape {reach.shape}")
    c = reach.shape[0]
    if isinstance(groups, bool) or not isinstance(groups, (int, np.integer)) or groups < 1 or c % groups:
        raise ValueError(f"groups must be a positive divisor of {c}, got {groups!r}")
    fig = Figure(figsize=(3.6, 3.9), facecolor=colors.FIGURE_FACE)
    ax = fig.add_axes((0.17, 0.05, 0.78, 0.72))
    for f in range(c):
        for col in range(c):
            if reach[f, col]:
                ax.add_patch(Rectangle((col, f), 1, 1, gid="reached", facecolor=colors.OUTPUT,
                                       edgecolor=colors.EDGE, linewidth=0.4))
                ax.plot(col + 0.5, f + 0.5, marker="o", markersize=2.5, color=colors.EDGE)
            else:
                ax.add_patch(Rectangle((col, f), 1, 1, facecolor=colors.FIGURE_FACE,
                                       edgecolor="#BBBBBB", linewidth=0.4))
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
    """Alt text for :func:`reachability_figure`: the counts a reader would read off it."""
    reach = np.asarray(reach, dtype=bool)
    c = reach.shape[0]
    per_input = reach.sum(axis=0)
    how = "with a channel shuffle between layers" if shuffle else "without a shuffle"
    if reach.all():
        what = "every output channel depends on every input channel"
    else:
        what = (f"each input channel reaches between {int(per_input.min())} and "
                f"{int(per_input.max())} of the {c} output channels")
    return (f"Grid of {c} output channels by {c} input channels for {layers} grouped "
            f"convolution layer(s) with {groups} groups {how}: a dotted cell marks a connected pair. "
            f"{int(reach.sum())} of {c * c} pairs are connected; {what}.")


def cost_time_figure(labels: Sequence[str], macs: Sequence[float], times_ms: Sequence[float],
                     title: str = "", macs_max: float | None = None,
                     time_max: float | None = None) -> Figure:
    """Horizontal bars: multiply-adds and measured time of each layer of a block.

    Parameters
    ----------
    labels : sequence of str
        One name per layer, top to bottom.
    macs : sequence of float
        Multiply-adds of each layer (0 for a shuffle or an addition).
    times_ms : sequence of float
        Measured time of each layer, in milliseconds.
    title : str, optional
    macs_max, time_max : float, optional
        Axis limits, to keep several frames on one scale; default: the
        largest value here.

    Returns
    -------
    matplotlib.figure.Figure
        Each bar carries its value as text, so no value is read from colour.
    """
    macs = np.asarray(macs, dtype=float)
    times = np.asarray(times_ms, dtype=float)
    if not (len(labels) == macs.size == times.size) or macs.size == 0:
        raise ValueError("labels, macs and times_ms must have the same non-zero length, got "
                         f"{len(labels)}, {macs.size} and {times.size}")
    if np.any(macs < 0) or np.any(times < 0):
        raise ValueError("macs and times_ms must not be negative")
    fig = Figure(figsize=(6.4, 0.42 * len(labels) + 1.3), facecolor=colors.FIGURE_FACE)
    y = np.arange(len(labels))
    panels = (
        (fig.add_axes((0.30, 0.12, 0.30, 0.66)), macs / 1e6, macs_max, "multiply-adds (millions)",
         colors.KERNEL, "//", "macs", "{:.1f}"),
        (fig.add_axes((0.66, 0.12, 0.30, 0.66)), times, time_max, "measured time (ms)",
         colors.OUTPUT, "", "time", "{:.2f}"),
    )
    for index, (ax, values, limit, xlabel, color, hatch, gid, fmt) in enumerate(panels):
        top = (limit / 1e6 if gid == "macs" else limit) if limit else float(values.max())
        top = top if top > 0 else 1.0
        ax.barh(y, values, color=color, hatch=hatch, edgecolor=colors.EDGE, linewidth=0.6, gid=gid)
        for yi, v in zip(y, values):
            ax.text(v + 0.02 * top, yi, fmt.format(v), va="center", fontsize=7)
        ax.set_xlim(0, top * 1.3)
        ax.set_ylim(len(labels) - 0.5, -0.5)
        ax.set_yticks(y, list(labels) if index == 0 else [""] * len(labels), fontsize=7)
        ax.set_xlabel(xlabel, fontsize=7)
        ax.tick_params(labelsize=6)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
    fig.suptitle(title, fontsize=8, y=0.98)
    return fig


def cost_time_description(labels: Sequence[str], macs: Sequence[float], times_ms: Sequence[float],
                          title: str = "") -> str:
    """Alt text for :func:`cost_time_figure`, listing each layer's two numbers."""
    parts = [f"{name}: {m / 1e6:.1f} million multiply-adds, {t:.2f} ms"
             for name, m, t in zip(labels, macs, times_ms)]
    lead = f"{title}. " if title else ""
    return f"{lead}Bars per layer, " + "; ".join(parts) + "."

"""Figures of chapter 15 (how a convolution is computed): measured times and a roofline.

``method_times_figure`` draws the measured time of several methods (im2col,
FFT, ...) against the kernel size and marks where one overtakes another
(:func:`first_faster`); ``roofline_figure`` draws the roofline of a machine
(its measured peak arithmetic rate and memory bandwidth) with layers placed
at their arithmetic intensity. Each line and point has its own marker, so
colour is never the only cue.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.figure import Figure

from convkit.plotting import colors

__all__ = [
    "first_faster",
    "method_times_figure",
    "method_times_description",
    "roofline_figure",
    "roofline_description",
]

_MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")
_LINE_COLORS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")


def first_faster(kernel_sizes, slow, fast):
    """The first kernel size from which ``fast`` takes less time than ``slow`` and stays so.

    Parameters
    ----------
    kernel_sizes : sequence of int
        Increasing kernel sizes.
    slow, fast : sequence of float
        Times of the two methods, one per kernel size.

    Returns
    -------
    int or None
        The smallest size ``k`` such that ``fast < slow`` at ``k`` and at every
        larger size measured; None if ``fast`` is not faster at the largest.

    Examples
    --------
    >>> from convkit.plotting.computing import first_faster
    >>> first_faster([3, 5, 7, 9], [1, 2, 4, 8], [5, 5, 3, 3])
    7
    """
    sizes = list(kernel_sizes)
    slow, fast = np.asarray(slow, dtype=float), np.asarray(fast, dtype=float)
    if not (len(sizes) == slow.size == fast.size) or slow.ndim != 1 or fast.ndim != 1:
        raise ValueError("kernel_sizes, slow and fast must be 1D and of the same length")
    found = None
    for k, a, b in zip(reversed(sizes), slow[::-1], fast[::-1]):
        if b < a:
            found = k
        else:
            break
    return found


def method_times_figure(kernel_sizes: Sequence[int], times: Mapping[str, Sequence[float]],
                        title: str = "", crossover: int | None = None,
                        ylim: tuple[float, float] | None = None) -> Figure:
    """Measured time of each method against the kernel size, log scale, crossover marked.

    Parameters
    ----------
    kernel_sizes : sequence of int
        The kernel sizes ``k`` (for ``k x k`` kernels) on the horizontal axis.
    times : mapping of str to sequence of float
        Seconds per call of each method, one per kernel size.
    title : str, optional
        Axis title.
    crossover : int, optional
        A kernel size to mark with a dashed vertical line (where the second
        method overtakes the first, from :func:`first_faster`).
    ylim : pair of float, optional
        Fixed limits of the time axis in milliseconds (keeps explorer frames
        comparable).

    Returns
    -------
    matplotlib.figure.Figure
        One line per method (milliseconds), each with its own marker.
    """
    sizes = list(kernel_sizes)
    if not times:
        raise ValueError("times must hold at least one method")
    fig = Figure(figsize=(5.2, 3.2), facecolor=colors.FIGURE_FACE)
    ax = fig.add_subplot()
    for i, (label, values) in enumerate(times.items()):
        values = np.asarray(values, dtype=float)
        if values.shape != (len(sizes),):
            raise ValueError(f"times[{label!r}] must hold one time per kernel size")
        ax.plot(sizes, values * 1e3, marker=_MARKERS[i % len(_MARKERS)],
                color=_LINE_COLORS[i % len(_LINE_COLORS)], label=label, linewidth=1.5)
    if crossover is not None:
        ax.axvline(crossover, color=colors.EDGE, linestyle="--", linewidth=1.0,
                   label=f"crossover: k = {crossover}")
    ax.set_yscale("log")
    if ylim is not None:
        ax.set_ylim(*ylim)
    ax.set_xticks(sizes)
    ax.set_xlabel("kernel size k (k x k kernel)")
    ax.set_ylabel("time per call (ms, log scale)")
    if title:
        ax.set_title(title, fontsize=10)
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(fontsize=8, loc="upper left")
    fig.tight_layout()
    return fig


def method_times_description(kernel_sizes, times, crossover=None, setting: str = "") -> str:
    """Alt text for :func:`method_times_figure`: the times at the ends and the crossover.

    Parameters
    ----------
    kernel_sizes, times, crossover
        As in :func:`method_times_figure`.
    setting : str, optional
        Words naming the measurement (machine, sizes), appended to the lead sentence.

    Returns
    -------
    str
        The figure's content in words, for its alt text.
    """
    sizes = list(kernel_sizes)
    parts = [
        f"{label}: {values[0] * 1e3:.1f} ms at {sizes[0]}x{sizes[0]}, "
        f"{values[-1] * 1e3:.1f} ms at {sizes[-1]}x{sizes[-1]}"
        for label, values in times.items()
    ]
    where = (f"the second method is faster from k = {crossover} on" if crossover is not None
             else "the second method is never faster over these sizes")
    lead = f"Measured time per call against kernel size{', ' + setting if setting else ''}. "
    return lead + "; ".join(parts) + f"; {where}."


def roofline_figure(peak_gflops: float, bandwidth_gbs: float,
                    points: Sequence[tuple[str, float, float]],
                    intensity_range: tuple[float, float] = (0.1, 1000.0), title: str = "") -> Figure:
    """The roofline of a machine with layers placed at their arithmetic intensity.

    Parameters
    ----------
    peak_gflops : float
        The highest arithmetic rate (GFLOP/s), e.g. a large matrix multiply's.
    bandwidth_gbs : float
        The memory bandwidth (GB/s), e.g. a large array copy's.
    points : sequence of (str, float, float)
        ``(label, intensity in FLOP/byte, achieved GFLOP/s)`` of each layer.
    intensity_range : pair of float, default (0.1, 1000)
        Horizontal extent (FLOP/byte).
    title : str, optional
        Figure title, e.g. the machine the rates were measured on.

    Returns
    -------
    matplotlib.figure.Figure
        Log-log axes: the roof ``min(peak, bandwidth * intensity)`` as a solid
        line, the ridge point ``peak / bandwidth`` as a dotted vertical line,
        one marker per layer.
    """
    if peak_gflops <= 0 or bandwidth_gbs <= 0:
        raise ValueError("peak_gflops and bandwidth_gbs must be positive")
    low, high = intensity_range
    ridge = peak_gflops / bandwidth_gbs
    grid = np.geomspace(low, high, 200)
    fig = Figure(figsize=(5.6, 3.6), facecolor=colors.FIGURE_FACE)
    ax = fig.add_subplot()
    ax.plot(grid, np.minimum(peak_gflops, bandwidth_gbs * grid), color=colors.EDGE,
            linewidth=2.0, label="roof: min(peak, bandwidth x intensity)")
    ax.axvline(ridge, color=colors.EDGE, linestyle=":", linewidth=1.0,
               label=f"ridge: {ridge:.1f} FLOP/byte")
    for i, (label, intensity, gflops) in enumerate(points):
        ax.plot([intensity], [gflops], linestyle="none", marker=_MARKERS[i % len(_MARKERS)],
                markersize=8, color=_LINE_COLORS[i % len(_LINE_COLORS)], markeredgecolor=colors.EDGE,
                label=label)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlim(low, high)
    ax.set_xlabel("arithmetic intensity (FLOP per byte moved)")
    ax.set_ylabel("GFLOP/s")
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(fontsize=7, loc="lower right")
    if title:
        ax.set_title(title, fontsize=7)
    fig.tight_layout()
    return fig


def roofline_description(peak_gflops, bandwidth_gbs, points) -> str:
    """Alt text for :func:`roofline_figure`.

    Parameters
    ----------
    peak_gflops, bandwidth_gbs, points
        As in :func:`roofline_figure`.

    Returns
    -------
    str
        The figure's content in words, for its alt text.
    """
    ridge = peak_gflops / bandwidth_gbs
    placed = "; ".join(
        f"{label} at {intensity:.1f} FLOP/byte reaches {gflops:.1f} GFLOP/s "
        f"(roof there {min(peak_gflops, bandwidth_gbs * intensity):.1f})"
        for label, intensity, gflops in points
    )
    return (f"Roofline on log-log axes: a slope for memory bandwidth {bandwidth_gbs:.1f} GB/s "
            f"meeting the flat peak of {peak_gflops:.1f} GFLOP/s at {ridge:.1f} FLOP/byte. {placed}.")

"""Figures of chapter 15 (how a convolution is computed): counted costs and a roofline.

Each line and point has its own marker, so colour is never the only cue.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.figure import Figure

from convkit.plotting import colors
from convkit.plotting._grid import bar_rows

__all__ = [
    "METHOD_LABELS",
    "method_costs_figure",
    "method_costs_description",
    "first_faster",
    "roofline_figure",
    "roofline_description",
]

_MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")

#: Display names of the methods of :func:`convkit.conv2d_method_costs`.
METHOD_LABELS = {"direct": "direct (blocked)", "im2col": "im2col + GEMM", "fft": "FFT",
                 "winograd": "Winograd F(2x2,3x3)"}
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


def _cost_values(costs):
    if not costs:
        raise ValueError("costs must hold at least one method")
    unknown = set(costs) - set(METHOD_LABELS)
    if unknown:
        raise ValueError(f"costs names unknown methods: {sorted(unknown)}")
    for method, cost in costs.items():
        if cost is not None and (cost.operations < 0 or cost.extra_bytes < 0):
            raise ValueError(f"costs[{method!r}] must not be negative")
    return list(costs)


def _short(value: float) -> str:
    """A value as printed on a bar: 3 significant digits, thousands separated, no exponent."""
    return f"{value:,.0f}" if value >= 100 else f"{value:.3g}"


def _fewest(costs) -> set[str]:
    """The methods with the fewest operations (none when no method has a cost)."""
    counted = {m: c.operations for m, c in costs.items() if c is not None}
    least = min(counted.values(), default=None)
    return {m for m, ops in counted.items() if ops == least}


def method_costs_figure(costs, title: str = "", operations_range: tuple[float, float] | None = None,
                        bytes_range: tuple[float, float] | None = None,
                        operand_bytes: float | None = None) -> Figure:
    """Operations and extra memory of each method for one layer, on log axes (counted, not timed).

    Parameters
    ----------
    costs : mapping of str to MethodCost or None
        As returned by :func:`convkit.conv2d_method_costs`; a method mapped to
        None (Winograd for a kernel that is not 3x3) gets a note instead of bars.
    title : str, optional
    operations_range : pair of float, optional
        Limits of the operations axis in MFLOP; fix them to keep explorer
        frames on one scale. Default: from the values here.
    bytes_range : pair of float, optional
        Limits of the memory axis in MiB, likewise.
    operand_bytes : float, optional
        Bytes of the layer's input, weight and output, drawn as a dashed line
        on the memory axis for comparison.

    Returns
    -------
    matplotlib.figure.Figure
        Two panels of horizontal bars, one bar per method; each bar carries
        its value as text, the method with the fewest operations is marked
        "(fewest)" and a method with no extra memory says "none", so no value
        is read from colour or from bar length alone.
    """
    methods = _cost_values(costs)
    fewest = _fewest(costs)
    fig = Figure(figsize=(6.4, 0.42 * len(methods) + 1.4), facecolor=colors.FIGURE_FACE)
    y = np.arange(len(methods))
    panels = (
        (fig.add_axes((0.25, 0.16, 0.30, 0.62)), "operations", 1e6, operations_range,
         "operations (MFLOP, log scale)", colors.KERNEL, "//"),
        (fig.add_axes((0.68, 0.16, 0.28, 0.62)), "extra_bytes", 2.0**20, bytes_range,
         "extra memory (MiB, log scale)", colors.OUTPUT, ".."),
    )
    for index, (ax, field, unit, limits, xlabel, color, hatch) in enumerate(panels):
        values = [None if costs[m] is None else getattr(costs[m], field) / unit for m in methods]
        positive = [v for v in values if v]
        if limits is None:
            low = min(positive) / 3 if positive else 0.01
            high = max(positive) * 30 if positive else 1.0
            if operand_bytes and index == 1:
                low, high = min(low, operand_bytes / unit / 3), max(high, operand_bytes / unit * 30)
            limits = (low, high)
        low, high = limits
        for yi, method, value in zip(y, methods, values):
            if value is None:
                ax.text(low * 1.15, yi, "3x3 kernels only", va="center", fontsize=7, style="italic")
            elif value == 0:
                ax.text(low * 1.15, yi, "none", va="center", fontsize=7)
            else:
                ax.barh(yi, value - low, left=low, color=color, hatch=hatch, edgecolor=colors.EDGE,
                        linewidth=0.6, gid=f"{field}:{method}")
                note = " (fewest)" if index == 0 and method in fewest else ""
                ax.text(value * 1.1, yi, _short(value) + note, va="center", fontsize=7)
        if index == 1 and operand_bytes:
            ax.axvline(operand_bytes / unit, color=colors.EDGE, linestyle="--", linewidth=1.0,
                       label="input + weight + output")
            fig.legend(fontsize=6, loc="upper right", bbox_to_anchor=(0.97, 0.91), frameon=False)
        ax.set_xscale("log")
        ax.set_xlim(low, high)
        bar_rows(ax, [METHOD_LABELS[m] for m in methods], index == 0, xlabel)
    fig.suptitle(title, fontsize=8, y=0.97)
    return fig


def method_costs_description(costs, title: str = "", operand_bytes: float | None = None) -> str:
    """Alt text for :func:`method_costs_figure`: every method's operations and extra memory.

    Parameters
    ----------
    costs, title, operand_bytes
        As in :func:`method_costs_figure`.

    Returns
    -------
    str
        The figure's content in words, for its alt text.
    """
    methods = _cost_values(costs)
    parts = []
    for method in methods:
        cost = costs[method]
        if cost is None:
            parts.append(f"{METHOD_LABELS[method]}: for 3x3 kernels only")
            continue
        memory = ("no extra memory" if cost.extra_bytes == 0
                  else f"{_short(cost.extra_bytes / 2**20)} MiB extra memory")
        parts.append(f"{METHOD_LABELS[method]}: {_short(cost.operations / 1e6)} MFLOP, {memory}")
    fewest = sorted(METHOD_LABELS[m] for m in _fewest(costs))
    lead = f"{title}. " if title else ""
    text = lead + "Counted operations and extra memory per method. " + "; ".join(parts) + "."
    if fewest:
        text += f" Fewest operations: {' and '.join(fewest)}."
    if operand_bytes:
        text += f" Input, weight and output together take {_short(operand_bytes / 2**20)} MiB."
    return text

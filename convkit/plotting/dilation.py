"""Dilated kernels and the receptive-field footprint of dilated stacks (chapter 7).

:func:`stack_footprint` counts the paths from each input pixel to one output
with :func:`convkit.conv1d` / :func:`convkit.conv2d`; the tests check it
against PyTorch's autograd. Each figure has a ``*_description`` companion
that writes its alt text from the same numbers.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle

from convkit._validation import check_int, check_ints
from convkit.conv import conv1d, conv2d
from convkit.plotting import colors
from convkit.plotting._grid import no_ticks, plain_axes
from convkit.sizes import conv_output_size, effective_kernel_size

__all__ = [
    "stack_footprint",
    "dilated_kernel_figure",
    "dilated_kernel_description",
    "footprint_figure",
    "footprint_description",
]


def stack_footprint(dilations, kernel_size=3, ndim=1) -> np.ndarray:
    """Paths from every input pixel to one output pixel of a stride-1 dilated stack.

    Parameters
    ----------
    dilations : sequence of int
        Dilation of each layer, input side first (any order gives the same
        footprint: the counts are a convolution of the layers' tap patterns).
    kernel_size : int, default 3
        Taps per axis of every layer.
    ndim : {1, 2}, default 1
        1 for a 1D stack, 2 for square ``k x k`` kernels on an image.

    Returns
    -------
    numpy.ndarray of int64, shape (r,) or (r, r)
        ``r`` is the receptive field :func:`convkit.receptive_field`; entry
        ``n`` counts the chains of taps, one per layer, that connect input
        pixel ``n`` of the field (0 = its first pixel) to the output. A zero
        is a hole: that pixel never influences the output. With all weights
        equal to one, this is the input gradient of the output.
    """
    dilations = check_ints(dilations, "dilations", minimum=1)
    k = check_int(kernel_size, "kernel_size", minimum=1)
    if ndim not in (1, 2):
        raise ValueError(f"ndim must be 1 or 2, got {ndim!r}")
    conv = conv1d if ndim == 1 else conv2d
    counts = np.ones((1,) * ndim, dtype=np.int64)
    ones = np.ones((1, 1) + (k,) * ndim, dtype=np.int64)  # (C_out=1, C_in=1, k[, k])
    for d in dilations:
        # Padding d(k-1) on each side makes the correlation 'full': every tap
        # of the layer spreads every path one layer further out.
        counts = conv(counts[None], ones, padding=d * (k - 1), dilation=d)[0]  # (1, r[, r]) -> (r[, r])
    return counts


def _article(number: int) -> str:
    """'an' before 8, 11, 18, 80-89, ...; 'a' otherwise."""
    spoken = str(number)
    return "an" if spoken.startswith("8") or spoken in ("11", "18") else "a"


def _schedule(dilations) -> str:
    return ", ".join(str(d) for d in dilations)


# --------------------------------------------------------------------------- #
# one dilated kernel
# --------------------------------------------------------------------------- #
def dilated_kernel_figure(kernel_size, dilation, input_size=11) -> Figure:
    """A ``k x k`` kernel with dilation ``d`` at its first position, and the output size.

    Parameters
    ----------
    kernel_size : int
        Taps per axis ``k``.
    dilation : int
        Spacing ``d`` between taps (1 = contiguous).
    input_size : int, default 11
        Side ``i`` of the square input (stride 1, no padding).

    Returns
    -------
    matplotlib.figure.Figure
        Left: the input, the ``k^2`` taps (orange, thick outline, gid
        ``"tap"``) and the ``d(k-1)+1`` window they span (dashed, gid
        ``"window"``). Right: the ``o x o`` output (gid ``"output"``), or a
        note when the window does not fit. The figure size depends on
        ``input_size`` only.
    """
    k = check_int(kernel_size, "kernel_size", minimum=1)
    d = check_int(dilation, "dilation", minimum=1)
    i = check_int(input_size, "input_size", minimum=1)
    span = effective_kernel_size(k, d)
    fits = span <= i
    o = conv_output_size(i, k, 1, 0, d) if fits else 0

    cell = min(0.3, 3.0 / i)
    fig = Figure(figsize=(2 * i * cell + 1.2, i * cell + 1.5), facecolor=colors.FIGURE_FACE)
    ax_in, ax_out = fig.subplots(1, 2)
    for ax in (ax_in, ax_out):
        plain_axes(ax, (-0.2, i + 0.2), (i + 0.2, -0.2))
    taps = {(m * d, n * d) for m in range(k) for n in range(k)}
    for r in range(i):
        for c in range(i):
            if (r, c) in taps:
                continue
            ax_in.add_patch(Rectangle((c, r), 1, 1, gid="input", **colors.cell_style("input")))
    # Taps last, so that their thick outline is drawn over the neighbouring cells.
    for r, c in sorted(taps):
        if r < i and c < i:
            ax_in.add_patch(Rectangle((c, r), 1, 1, gid="tap", zorder=3, **colors.cell_style("kernel")))
    visible = min(span, i)
    ax_in.add_patch(Rectangle((0, 0), visible, visible, fill=False, edgecolor=colors.HIGHLIGHT,
                              linestyle="--", linewidth=2.0, zorder=4, gid="window"))
    ax_in.set_title(f"input {i}×{i}; kernel {k}×{k}, dilation {d}\n"
                    f"{k * k} weights span a {span}×{span} window", fontsize=9)
    if fits:
        offset = (i - o) / 2  # centre the output in the fixed canvas
        for r in range(o):
            for c in range(o):
                ax_out.add_patch(Rectangle((offset + c, offset + r), 1, 1, gid="output",
                                           **colors.cell_style("output")))
        ax_out.set_title(f"output {o}×{o}\n"
                         f"o = {i} - {d}·({k}-1) = {o}", fontsize=9)
    else:
        ax_out.text(i / 2, i / 2, f"no output:\nthe {span}×{span} window\nis larger than\nthe {i}×{i} input\n(taps outside it\nare not drawn)",
                    ha="center", va="center", fontsize=9)
        ax_out.set_title("output: none", fontsize=9)
    handles = [Patch(label="input", **colors.cell_style("input")),
               Patch(label="kernel tap (thick outline)", **colors.cell_style("kernel")),
               Patch(label="window (dashed)", fill=False, edgecolor=colors.HIGHLIGHT, linestyle="--",
                     linewidth=2.0),
               Patch(label="output", **colors.cell_style("output"))]
    fig.legend(handles=handles, loc="lower center", ncol=2, frameon=False, fontsize=7)
    fig.subplots_adjust(left=0.02, right=0.98, top=0.80, bottom=0.2, wspace=0.15)
    return fig


def dilated_kernel_description(kernel_size, dilation, input_size=11) -> str:
    """Alt text of :func:`dilated_kernel_figure` (the same numbers, in words).

    Parameters
    ----------
    kernel_size, dilation, input_size
        As in :func:`dilated_kernel_figure`.

    Returns
    -------
    str
        The figure's content in words, for its alt text.
    """
    k = check_int(kernel_size, "kernel_size", minimum=1)
    d = check_int(dilation, "dilation", minimum=1)
    i = check_int(input_size, "input_size", minimum=1)
    span = effective_kernel_size(k, d)
    gaps = f"with {d - 1} skipped pixel{'s' if d > 2 else ''} between neighbouring taps" if d > 1 \
        else "with no gaps between taps"
    text = (f"A {k} by {k} kernel with dilation {d} on {_article(i)} {i} by {i} input: its {k * k} taps, {gaps}, "
            f"span a {span} by {span} window. ")
    if span <= i:
        o = conv_output_size(i, k, 1, 0, d)
        return text + f"Without padding the output is {o} by {o}."
    return text + "The window is larger than the input, so there is no output."


# --------------------------------------------------------------------------- #
# the footprint of a stack
# --------------------------------------------------------------------------- #
def footprint_figure(schedules, kernel_size=3, extent=None) -> Figure:
    """Which input pixels reach one output of a stride-1 dilated stack, one panel per schedule.

    Parameters
    ----------
    schedules : sequence of sequence of int
        Dilations of each stack, input side first (e.g. ``[(2, 2, 2), (1, 2,
        5)]``).
    kernel_size : int, default 3
        Taps per axis of every layer.
    extent : int, optional
        Side of every panel in pixels (at least the largest receptive
        field); fixing it keeps explorer frames the same size. Default: the
        largest receptive field of the schedules.

    Returns
    -------
    matplotlib.figure.Figure
        Each panel is a ``cividis`` heatmap of :func:`stack_footprint` (the
        number of paths from each pixel to the output, centred), with every
        hole (zero paths) white and crossed out (markers with gid
        ``"hole"``); the title gives the schedule, the field and the number
        of holes.
    """
    if isinstance(schedules, (str, bytes)) or not isinstance(schedules, Sequence) or not schedules:
        raise TypeError(f"schedules must be a non-empty sequence of dilation sequences, got {schedules!r}")
    schedules = [check_ints(s, "dilations", minimum=1) for s in schedules]
    k = check_int(kernel_size, "kernel_size", minimum=1)
    counts = [stack_footprint(s, k, ndim=2) for s in schedules]
    largest = max(c.shape[0] for c in counts)
    if extent is None:
        extent = largest
    extent = check_int(extent, "extent", minimum=1)
    if extent < largest:
        raise ValueError(f"extent must be at least the largest receptive field {largest}, got {extent}")

    n = len(schedules)
    fig = Figure(figsize=(3.3 * n, 3.75), facecolor=colors.FIGURE_FACE)
    axes = fig.subplots(1, n, squeeze=False)[0]
    marker = max(1.5, 60.0 / extent)
    for ax, schedule, count in zip(axes, schedules, counts):
        r = count.shape[0]
        start = (extent - r) // 2
        canvas = np.full((extent, extent), np.nan)
        canvas[start:start + r, start:start + r] = np.where(count > 0, count, np.nan)
        cmap = colors.SEQUENTIAL_CMAP
        ax.imshow(canvas, cmap=cmap, vmin=0, interpolation="nearest")
        ax.add_patch(Rectangle((start - 0.5, start - 0.5), r, r, fill=False, edgecolor=colors.EDGE,
                               linewidth=1.0, gid="field"))
        rows, cols = np.nonzero(count == 0)
        if len(rows):
            ax.plot(cols + start, rows + start, linestyle="none", marker="x", markersize=marker,
                    markeredgewidth=0.8, color=colors.HIGHLIGHT, gid="hole")
        holes = int(np.count_nonzero(count == 0))
        ax.set_title(f"dilations {_schedule(schedule)} (k = {k})\nfield {r}×{r}, "
                     f"{holes} hole{'' if holes == 1 else 's'} (×)", fontsize=9)
        no_ticks(ax)
        ax.set_xlim(-0.5, extent - 0.5)
        ax.set_ylim(extent - 0.5, -0.5)
    fig.text(0.5, 0.02, "shade: number of paths to the output\n× = no path (a hole)",
             ha="center", va="bottom", fontsize=7)
    fig.subplots_adjust(left=0.03, right=0.97, top=0.84, bottom=0.11, wspace=0.1)
    return fig


def footprint_description(schedules, kernel_size=3) -> str:
    """Alt text of :func:`footprint_figure`.

    Parameters
    ----------
    schedules, kernel_size
        As in :func:`footprint_figure`.

    Returns
    -------
    str
        The figure's content in words, for its alt text.
    """
    if isinstance(schedules, (str, bytes)) or not isinstance(schedules, Sequence) or not schedules:
        raise TypeError(f"schedules must be a non-empty sequence of dilation sequences, got {schedules!r}")
    k = check_int(kernel_size, "kernel_size", minimum=1)
    parts = []
    for schedule in schedules:
        schedule = check_ints(schedule, "dilations", minimum=1)
        count = stack_footprint(schedule, k, ndim=2)
        r = count.shape[0]
        holes = int(np.count_nonzero(count == 0))
        if holes:
            missed = int(np.count_nonzero(stack_footprint(schedule, k) == 0))   # holes of the 1D stack
            what = (f"{holes} of its {r * r} pixels never reach the output: the holes fill every row and "
                    f"column at {'the offset' if missed == 1 else f'one of the {missed} offsets'} that the 1D "
                    f"stack misses")
        else:
            what = "every pixel reaches the output, with no holes"
        parts.append(f"Stack of {len(schedule)} layers of {k} by {k} kernels with dilations "
                     f"{_schedule(schedule)}: the receptive field is {r} by {r} pixels and {what}.")
    return " ".join(parts)


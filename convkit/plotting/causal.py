"""Causal stacks and their dependency patterns (chapter 16).

:func:`causal_stack_figure` draws the units of a stack that reach its last
output (:func:`causal_reach`) on a canvas whose size depends only on
``length`` and ``max_layers``, so explorer frames do not jump;
:func:`dependency_figure` draws which outputs depend on which inputs. Each
figure has a ``*_description`` giving its alt text.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Circle, Rectangle

from convkit._validation import check_int, check_ints
from convkit.causal import causal_receptive_field
from convkit.plotting import colors

__all__ = [
    "causal_reach",
    "causal_stack_figure",
    "causal_stack_description",
    "dependency_figure",
    "dependency_description",
]


def causal_reach(kernel_size, dilations, length) -> np.ndarray:
    """Which units of a causal stack lie on a path to the last output.

    Parameters
    ----------
    kernel_size : int
        Taps per layer ``k``.
    dilations : sequence of int
        Dilation of each layer, input side first.
    length : int
        Time steps ``0 .. length - 1`` shown; the last output is at time ``length - 1``.

    Returns
    -------
    numpy.ndarray of bool, shape (len(dilations) + 1, length)
        Row 0 is the input, row ``l`` the output of layer ``l``. Entry
        ``[l, t]`` is True when unit ``t`` of row ``l`` reaches the last
        output of the top row (taps that read negative times read the left
        padding, which is not drawn).
    """
    return _reach_and_taps(kernel_size, dilations, length)[0]


def _reach_and_taps(kernel_size, dilations, length):
    """:func:`causal_reach`, and the taps it follows as ``(layer, t, t - m d)`` triples."""
    k = check_int(kernel_size, "kernel_size", minimum=1)
    dilations = check_ints(dilations, "dilations", minimum=1)
    length = check_int(length, "length", minimum=1)
    reach = np.zeros((len(dilations) + 1, length), dtype=bool)
    reach[-1, -1] = True
    taps = []
    for layer in range(len(dilations), 0, -1):
        d = dilations[layer - 1]
        for t in np.flatnonzero(reach[layer]):
            for m in range(k):                       # tap m reads time t - m * d of the row below
                if t - m * d >= 0:
                    reach[layer - 1, t - m * d] = True
                    taps.append((layer, t, t - m * d))
    return reach, taps


def causal_stack_figure(kernel_size, dilations, length=16, max_layers=None) -> Figure:
    """A causal stack as rows of units over time, with the paths into the last output.

    Parameters
    ----------
    kernel_size : int
        Taps per layer ``k``.
    dilations : sequence of int
        Dilation of each layer, input side first.
    length : int, default 16
        Time steps drawn.
    max_layers : int, optional
        Rows reserved for layers (the canvas height); default ``len(dilations)``.

    Returns
    -------
    matplotlib.figure.Figure
        Units reached from the last output are filled (input row sky blue,
        hidden rows orange, the output vermillion; gid ``"reached"``), the
        others hollow (gid ``"unreached"``); each tap used is a line (gid
        ``"tap"``). A note under the figure gives the receptive field and
        says when it reaches past time 0 (into the left padding).
    """
    reach, taps = _reach_and_taps(kernel_size, dilations, length)   # checks the three arguments
    k, length = int(kernel_size), reach.shape[1]
    rows = len(dilations) if max_layers is None else check_int(max_layers, "max_layers", minimum=1)
    if rows < len(dilations):
        raise ValueError(f"max_layers ({rows}) must be at least the number of layers ({len(dilations)})")

    unit, left, bottom = 0.3, 1.2, 0.45                  # inches per time step, margins
    width, height = unit * (length + 0.6), unit * (rows + 1.5)
    fig = Figure(figsize=(left + width + 0.1, bottom + height + 0.05), facecolor=colors.FIGURE_FACE)
    fig_w, fig_h = fig.get_size_inches()
    ax = fig.add_axes((left / fig_w, bottom / fig_h, width / fig_w, height / fig_h))
    ax.set_xlim(-0.8, length - 0.2)
    ax.set_ylim(-0.9, rows + 0.6)   # one data unit is `unit` inches on both axes: round units
    ax.axis("off")
    for layer, t, s in taps:
        ax.plot([t, s], [layer, layer - 1], color=colors.EDGE, lw=1.0, gid="tap", zorder=1)
    top = len(dilations)
    for layer in range(top + 1):
        fill = colors.INPUT if layer == 0 else colors.OUTPUT if layer == top else colors.KERNEL
        name = "output" if layer == top else f"layer {layer}"
        label = "input" if layer == 0 else f"{name} (d={dilations[layer - 1]})"
        ax.text(-0.6, layer, label, ha="right", va="center", fontsize=8, color=colors.EDGE)
        for t in range(length):
            hit = reach[layer, t]
            colour = colors.HIGHLIGHT if (hit and layer == top) else fill
            ax.add_patch(Circle((t, layer), 0.28, facecolor=colour if hit else colors.FIGURE_FACE,
                                edgecolor=colors.EDGE, lw=1.4 if hit else 0.6,
                                gid="reached" if hit else "unreached", zorder=2))
    for t in range(0, length, 4):
        ax.text(t, -0.75, f"time {t}", ha="center", va="center", fontsize=7, color=colors.EDGE)
    field = causal_receptive_field(k, dilations)
    note = f"k = {k}, dilations {', '.join(map(str, dilations)) or 'none'}: receptive field {field}"
    if field > length:
        note += f" (the first {field - length} reach into the left padding)"
    fig.text(0.02, 0.04, note, ha="left", fontsize=9, color=colors.EDGE)
    return fig


def causal_stack_description(kernel_size, dilations, length=16) -> str:
    """Alt text for :func:`causal_stack_figure` with the same arguments.

    Parameters
    ----------
    kernel_size, dilations, length
        As in :func:`causal_stack_figure`.

    Returns
    -------
    str
        The figure's content in words, for its alt text.
    """
    reach = causal_reach(kernel_size, dilations, length)
    inputs = np.flatnonzero(reach[0])
    k, field = int(kernel_size), causal_receptive_field(kernel_size, dilations)
    schedule = ", ".join(map(str, dilations))
    text = (f"A causal stack of {len(dilations)} layer{'s' if len(dilations) != 1 else ''} with "
            f"{k} taps and dilations {schedule}, drawn over {length} time steps. Lines from the last "
            f"output fan down through the layers to {len(inputs)} input steps, from time {inputs.min()} "
            f"to time {inputs.max()}; no line goes to a later time. Receptive field {field}")
    if field > length:
        text += f", of which {field - length} steps lie before time 0, in the left padding"
    return text + "."


def dependency_figure(masks, titles) -> Figure:
    """Which outputs depend on which inputs, for maps side by side.

    Parameters
    ----------
    masks : sequence of array_like of bool, each (L_out, L_in)
        Entry ``[t, s]`` True when output ``t`` depends on input ``s``
        (a nonzero Jacobian entry).
    titles : sequence of str
        One title per mask.

    Returns
    -------
    matplotlib.figure.Figure
        Dependencies as filled squares (gid ``"depends"``); the ones above the
        diagonal (output reading a later input) in vermillion with a cross
        (gid ``"future"``); the diagonal outlined.
    """
    masks = [np.asarray(m, dtype=bool) for m in masks]
    if not masks or any(m.ndim != 2 for m in masks):
        raise ValueError("masks must be a non-empty sequence of 2D arrays")
    if isinstance(titles, str) or len(titles) != len(masks):
        raise ValueError(f"titles must hold one title per mask ({len(masks)})")
    size = max(max(m.shape) for m in masks)
    fig = Figure(figsize=(3.2 * len(masks), 3.6), facecolor=colors.FIGURE_FACE)
    axes = fig.subplots(1, len(masks), squeeze=False)[0]
    for ax, mask, title in zip(axes, masks, titles):
        ax.set_xlim(-0.5, size - 0.5)
        ax.set_ylim(size - 0.5, -0.5)
        ax.set_aspect("equal")
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_xlabel("input time step", fontsize=8)
        ax.set_ylabel("output time step", fontsize=8)
        ax.set_title(title, fontsize=9)
        for t, s in zip(*np.nonzero(mask)):
            future = s > t
            ax.add_patch(Rectangle((s - 0.5, t - 0.5), 1, 1, gid="future" if future else "depends",
                                   facecolor=colors.HIGHLIGHT if future else colors.INPUT,
                                   edgecolor=colors.EDGE, lw=0.4))
            if future:
                ax.plot([s - 0.35, s + 0.35], [t - 0.35, t + 0.35], color=colors.EDGE, lw=0.8)
                ax.plot([s - 0.35, s + 0.35], [t + 0.35, t - 0.35], color=colors.EDGE, lw=0.8)
        ax.plot([-0.5, size - 0.5], [-0.5, size - 0.5], color=colors.EDGE, lw=0.8, ls="--")
    fig.tight_layout()
    return fig


def dependency_description(masks, titles) -> str:
    """Alt text for :func:`dependency_figure` with the same arguments.

    Parameters
    ----------
    masks, titles
        As in :func:`dependency_figure`.

    Returns
    -------
    str
        The figure's content in words, for its alt text.
    """
    parts = []
    for mask, title in zip(masks, titles):
        mask = np.asarray(mask, dtype=bool)
        future = int(np.triu(mask, 1).sum())
        parts.append(f"{title}: {int(mask.sum())} dependencies, {future} of them on a later input"
                     + (" (crossed, above the diagonal)" if future else " (none above the diagonal)"))
    return (f"{len(parts)} grid{'s' if len(parts) != 1 else ''} of output time against input time, "
            "a filled square where the output depends on the input. " + "; ".join(parts) + ".")

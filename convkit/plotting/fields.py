"""Receptive fields of stacked layers (chapters 3, 7)."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from convkit._validation import check_layers
from convkit.sizes import receptive_field
from convkit.plotting import colors
from convkit.plotting._grid import plain_axes
from convkit.plotting.geometry import receptive_field_units

__all__ = ["receptive_field_figure"]


def receptive_field_figure(layers) -> Figure:
    """Which units of each layer feed one output unit of a stack of 1D layers.

    Parameters
    ----------
    layers : sequence of (kernel_size, stride) or (kernel_size, stride, dilation)
        Input side first, no padding (e.g. WaveNet-style ``[(2, 1, 1), (2, 1,
        2), (2, 1, 4)]`` or DeepLab-style ``[(3, 1, 1), (3, 1, 2), (3, 1, 4)]``).

    Returns
    -------
    matplotlib.figure.Figure
        One row of units per level (input at the bottom); units that reach
        the top unit are filled and outlined (others white), with the lines
        each layer's kernel taps draw; the title gives the receptive field.
    """
    parsed = check_layers(layers)
    masks = receptive_field_units(parsed)
    width = len(masks[0])
    levels = len(masks)
    # Wide fields shrink the units rather than the page: at most 9 inches wide.
    # Labels take 1.3 inches on the left.
    fig_width = min(9.0, max(5.0, 0.3 * width + 1.6))
    unit = (fig_width - 1.4) / (width + 0.6)
    fig_height = unit * 2 * levels + 1.0
    fig = Figure(figsize=(fig_width, fig_height), facecolor=colors.FIGURE_FACE)
    ax = fig.add_axes((1.3 / fig_width, 0.02, (fig_width - 1.4) / fig_width, 1 - 0.7 / fig_height))
    plain_axes(ax, (-0.3, width + 0.3), (-0.5, 2 * levels - 0.5))
    # Centre each level's units under the input so the cone is symmetric.
    offsets = [(width - len(mask)) / 2 for mask in masks]
    for level, mask in enumerate(masks):
        y = 2 * level
        role = "input" if level == 0 else "output"
        for unit, active in enumerate(mask):
            style = colors.cell_style(role if active else "empty")
            if active and level == levels - 1:
                style.update(edgecolor=colors.HIGHLIGHT, linewidth=2.5)
            ax.add_patch(Rectangle((offsets[level] + unit + 0.1, y), 0.8, 0.8,
                                   gid=f"{role}-unit" if active else "unit", **style))
        label = "input" if level == 0 else f"layer {level}: k={parsed[level - 1][0]}, d={parsed[level - 1][2]}"
        ax.text(-0.5, y + 0.4, label, ha="right", va="center", fontsize=7, clip_on=False)
        if level == 0:
            continue
        k, s, d = parsed[level - 1]
        for unit in np.flatnonzero(mask):
            for tap in range(k):
                source = unit * s + tap * d
                ax.plot([offsets[level] + unit + 0.5, offsets[level - 1] + source + 0.5], [y, y - 1.2],
                        color="#555555", linewidth=0.7, gid="tap")
    size = receptive_field(parsed)
    fig.suptitle(f"receptive field: {size} input unit{'' if size == 1 else 's'}\n{len(parsed)} layer(s), "
                 f"{sum(k for k, _, _ in parsed)} weights per channel", fontsize=9)
    return fig

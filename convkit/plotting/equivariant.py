"""The four rotations of a filter and the rotation axis of a p4 feature map (chapter 19).

:func:`p4_filters_figure` draws a filter and its three quarter turns;
:func:`p4_maps_figure` the four maps of one channel of a p4 feature map, and
optionally those computed from the rotated input. Each figure has a
``*_description`` giving its alt text.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, Rectangle, RegularPolygon

from convkit._validation import as_nd_array
from convkit.plotting import colors
from convkit.plotting._grid import draw_grid, format_value, plain_axes

__all__ = [
    "p4_filters_figure",
    "p4_filters_description",
    "p4_maps_figure",
    "p4_maps_description",
]

_GAP = 1.6   # cells between neighbouring panels


def _square(value, name: str, rotations: bool = False) -> np.ndarray:
    """A non-empty numeric ``(k, k)`` filter, or with ``rotations`` a p4 channel ``(4, H, H)``."""
    layout = "4, H, H" if rotations else "k, k"
    array = as_nd_array(value, name, layout, nonempty=True)
    if array.shape[-1] != array.shape[-2] or (rotations and array.shape[0] != 4):
        rule = ", one map per rotation" if rotations else ""
        raise ValueError(f"{name} must have shape ({layout}), square{rule}, "
                         f"got shape {array.shape}")
    return array


def _marker_cell(rho: int, k: int) -> tuple[int, int]:
    """Where tap (0, 0) of the filter lands after ``rho`` counter-clockwise quarter turns."""
    m, n = 0, 0
    for _ in range(rho % 4):
        m, n = k - 1 - n, m
    return m, n


def _label(rho: int) -> str:
    """The panel label of rotation ``rho``."""
    return f"\u03c1 = {rho} ({90 * rho}\u00b0)"


def p4_filters_figure(weight) -> Figure:
    """A filter and its rotations by 90, 180 and 270 degrees, side by side.

    Parameters
    ----------
    weight : array_like
        One ``(k, k)`` filter.

    Returns
    -------
    matplotlib.figure.Figure
        Four panels of ``k x k`` kernel cells (gid ``"filter"``) with their
        values, labelled ``rho = 0 (0 deg)`` to ``rho = 3 (270 deg)``; panel
        ``rho`` shows ``np.rot90(weight, rho)``. A triangle (gid ``"marker"``)
        marks where the unrotated filter's top-left tap sits in each copy, and
        a curved arrow labelled "rot90" (gid ``"turn"``) joins neighbouring panels.
    """
    w = _square(weight, "weight")
    k = w.shape[0]
    fig = Figure(figsize=(0.45 * (4 * k + 3 * _GAP) + 0.6, 0.45 * k + 1.3), facecolor=colors.FIGURE_FACE)
    ax = plain_axes(fig.add_axes((0.02, 0.02, 0.96, 0.8)), (-0.3, 4 * k + 3 * _GAP + 0.3),
                    (k + 0.3, -1.4))
    for rho in range(4):
        x0 = rho * (k + _GAP)
        draw_grid(ax, np.rot90(w, rho), "kernel", origin=(x0, 0), gid="filter", label=_label(rho))
        m, n = _marker_cell(rho, k)
        ax.add_patch(RegularPolygon((x0 + n + 0.2, m + 0.22), 3, radius=0.16, facecolor=colors.EDGE,
                                    edgecolor=colors.EDGE, gid="marker"))
        if rho < 3:
            ax.add_patch(FancyArrowPatch((x0 + k + 0.15, k / 2), (x0 + k + _GAP - 0.15, k / 2),
                                         connectionstyle="arc3,rad=-0.5", arrowstyle="-|>",
                                         mutation_scale=12, color=colors.EDGE, gid="turn"))
            ax.text(x0 + k + _GAP / 2, k / 2 + 0.55, "rot90", ha="center", va="top", fontsize=7)
    return fig


def p4_filters_description(weight) -> str:
    """Alt text for :func:`p4_filters_figure`: the filter and where its marked tap goes.

    Parameters
    ----------
    weight : array_like
        One ``(k, k)`` filter.

    Returns
    -------
    str
        The figure's content in words, for its alt text.
    """
    w = _square(weight, "weight")
    k = w.shape[0]
    places = "; ".join(f"row {m}, column {n}" for m, n in (_marker_cell(r, k) for r in range(4)))
    return (f"A {k} by {k} filter and its copies turned counter-clockwise by 90, 180 and 270 degrees, "
            f"values printed, labelled rho = 0 to 3. A triangle marks the original top-left tap; it "
            f"moves to {places} in the four copies.")


def p4_maps_figure(maps, rotated_maps=None, title="p4 feature map", rotated_title="input turned 90\u00b0: each map turned 90\u00b0 and moved from \u03c1 to \u03c1 + 1"):
    """The four maps of one channel of a p4 feature map, and optionally the maps after a rotation.

    Parameters
    ----------
    maps : array_like
        ``(4, H, H)``: the maps of one output channel for rotations 0..3.
    rotated_maps : array_like, optional
        ``(4, H, H)``: the same channel computed from the input turned once.
        Drawn as a second row under arrows from panel ``rho`` to panel
        ``(rho + 1) % 4`` (gid ``"shift"``; the wrap from 3 to 0 leaves on the
        right and comes back on the left, gid ``"shift_in"``).
    title, rotated_title : str
        Row titles.

    Returns
    -------
    matplotlib.figure.Figure
        Output cells (gid ``"map"`` for the first row, ``"rotated_map"`` for
        the second) with values printed; panels labelled ``rho = 0 (0 deg)`` ...;
        every cell holding the largest value of its panel outlined in a thick
        dashed frame (gid ``"peak"``).
    """
    top = _square(maps, "maps", rotations=True)
    rows = [(top, "map", title)]
    if rotated_maps is not None:
        bottom = _square(rotated_maps, "rotated_maps", rotations=True)
        if bottom.shape != top.shape:
            raise ValueError(f"rotated_maps must have the shape of maps {top.shape}, got {bottom.shape}")
        rows.append((bottom, "rotated_map", rotated_title))
    h = top.shape[1]
    row_step = h + 3.6
    width = 4 * h + 3 * _GAP
    height = row_step * (len(rows) - 1) + h
    fig = Figure(figsize=(0.42 * width + 0.6, 0.42 * (height + 2.0) + 0.2), facecolor=colors.FIGURE_FACE)
    ax = plain_axes(fig.add_axes((0.02, 0.02, 0.96, 0.92)), (-0.3, width + 0.3),
                    (height + 0.3, -2.2))
    for index, (values, gid, name) in enumerate(rows):
        y0 = index * row_step
        ax.text(-0.2, y0 - 1.3, name, ha="left", va="bottom", fontsize=9, fontweight="bold")
        for rho in range(4):
            x0 = rho * (h + _GAP)
            draw_grid(ax, values[rho], "output", origin=(x0, y0), gid=gid, label=_label(rho))
            for m, n in np.argwhere(values[rho] == values[rho].max()):    # every tied maximum
                ax.add_patch(_peak_frame(x0 + n, y0 + m))
    if len(rows) == 2:
        mid = (h + row_step - 2.2) / 2
        for rho in range(3):
            start = (rho * (h + _GAP) + h / 2, h + 0.1)
            target = ((rho + 1) * (h + _GAP) + h / 2, row_step - 2.2)
            ax.add_patch(FancyArrowPatch(start, target, arrowstyle="-|>", mutation_scale=11,
                                         color=colors.EDGE, linewidth=1.0, gid="shift"))
        # rho = 3 wraps to rho = 0: an arrow out on the right and one in on the left
        ax.add_patch(FancyArrowPatch((3 * (h + _GAP) + h / 2, h + 0.1), (width + 0.2, mid),
                                     arrowstyle="-|>", mutation_scale=11, color=colors.EDGE,
                                     linewidth=1.0, gid="shift"))
        ax.text(width + 0.2, mid + 0.2, "to \u03c1 = 0", ha="right", va="top", fontsize=7)
        ax.add_patch(FancyArrowPatch((-0.2, mid), (h / 2, row_step - 2.2), arrowstyle="-|>",
                                     mutation_scale=11, color=colors.EDGE, linewidth=1.0, gid="shift_in"))
        ax.text(-0.2, mid - 0.2, "from \u03c1 = 3", ha="left", va="bottom", fontsize=7)
    return fig


def _peak_frame(x, y):
    """The dashed frame around the cell at ``(x, y)`` that holds its panel's largest value."""
    return Rectangle((x + 0.06, y + 0.06), 0.88, 0.88, fill=False, edgecolor=colors.EDGE, linewidth=2.2,
                     linestyle="--", gid="peak")


def p4_maps_description(maps, rotated_maps=None) -> str:
    """Alt text for :func:`p4_maps_figure`: per panel, where its largest value is.

    Parameters
    ----------
    maps : array_like
        ``(4, H, H)``: the maps of one output channel for rotations 0..3.
    rotated_maps : array_like, optional
        ``(4, H, H)``: the same channel computed from the input turned once.

    Returns
    -------
    str
        The figure's content in words, for its alt text.
    """
    top = _square(maps, "maps", rotations=True)

    def peaks(values):
        spots = []
        for rho in range(4):
            where = " and ".join(f"row {m}, column {n}"
                                 for m, n in np.argwhere(values[rho] == values[rho].max()))
            spots.append(f"rho = {rho}: {format_value(values[rho].max())} at {where}")
        return "; ".join(spots)

    h = top.shape[1]
    text = (f"Four {h} by {h} maps of one channel, one per rotation rho = 0 to 3, values printed, the "
            f"largest of each framed ({peaks(top)}).")
    if rotated_maps is not None:
        bottom = _square(rotated_maps, "rotated_maps", rotations=True)
        text += (f" Below, the same channel computed from the input turned 90 degrees counter-clockwise "
                 f"({peaks(bottom)}); arrows join panel rho above to panel rho + 1 below, whose map is "
                 f"the one above turned by 90 degrees.")
    return text

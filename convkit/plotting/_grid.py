"""Small drawing primitives shared by the plotting modules (not public)."""

from __future__ import annotations

import numpy as np
from matplotlib.patches import Rectangle

from convkit.plotting import colors


def draw_grid(ax, values_or_shape, role: str, origin=(0.0, 0.0), show_values=True,
              fontsize=8, gid=None, label=None) -> int:
    """Draw a grid of cells for ``role`` with its values; return the number of cells.

    ``values_or_shape`` is a 2D array (values printed when ``show_values``,
    by :func:`format_value`) or a ``(rows, cols)`` shape. ``origin`` is the
    top-left corner in data coordinates (y grows downwards on the course's
    grid axes). Each cell and its printed value carry the gid ``gid`` (default
    ``role``).
    """
    if isinstance(values_or_shape, tuple):
        rows, cols = values_or_shape
        values = None
    else:
        values = np.asarray(values_or_shape)
        rows, cols = values.shape
    x0, y0 = origin
    style = colors.cell_style(role)
    for r in range(rows):
        for c in range(cols):
            ax.add_patch(Rectangle((x0 + c, y0 + r), 1, 1, gid=gid or role, **style))
            if show_values and values is not None:
                ax.text(x0 + c + 0.5, y0 + r + 0.5, format_value(values[r, c]),
                        ha="center", va="center", fontsize=fontsize, color=colors.EDGE, gid=gid or role)
    if label:
        ax.text(x0 + cols / 2, y0 - 0.25, label, ha="center", va="bottom", fontsize=fontsize + 1)
    return rows * cols


def format_value(value) -> str:
    """A value as a cell prints it: a float with at most two decimals (none from 100 up)."""
    if isinstance(value, (float, np.floating)):
        return f"{value:.2f}".rstrip("0").rstrip(".") if abs(value) < 100 else f"{value:.0f}"
    return str(value)


def grid_axes(fig, width: float, height: float):
    """One axes filling ``fig`` with equal aspect, y pointing down, no frame."""
    return plain_axes(fig.add_axes((0.02, 0.1, 0.96, 0.78)), (-0.3, width + 0.3), (height + 0.3, -1.0))


def plain_axes(ax, xlim, ylim, equal=True):
    """Give ``ax`` these limits, no frame and (if ``equal``) equal aspect; return it.

    ``ylim`` is ``(bottom, top)``, so ``(height, 0)`` makes y grow downwards,
    as on the course's grids.
    """
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    if equal:
        ax.set_aspect("equal")
    ax.axis("off")
    return ax


def bar_rows(ax, labels, show_labels: bool, xlabel: str) -> None:
    """Horizontal bar rows, the first on top, named if ``show_labels``; no top or right spine."""
    names = list(labels) if show_labels else [""] * len(labels)
    ax.set_ylim(len(labels) - 0.5, -0.5)
    ax.set_yticks(range(len(labels)), names, fontsize=7)
    ax.set_xlabel(xlabel, fontsize=7)
    ax.tick_params(labelsize=6)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def no_ticks(*axes) -> None:
    """Remove the ticks of every axes given (images, whose pixel coordinates say nothing)."""
    for ax in axes:
        ax.set_xticks([])
        ax.set_yticks([])

"""Kernels added into one: re-parameterised branches and dynamic mixtures (chapter 18).

* :func:`kernel_sum_figure`: a row of small kernels, each zero-padded to the
  largest size and optionally scaled, a ``+`` between them and ``=`` the
  summed kernel, every cell with its value. RepVGG's 3x3 + 1x1 + identity,
  RepLKNet's small kernel inside its large one and a dynamic convolution's
  mixture ``lambda_1 w^(1) + ... + lambda_E w^(E)`` are all this picture.
* :func:`kernel_sum_description`: its alt text.

Cells a kernel really has are orange with a thick outline (the kernel role);
the zeros added by padding are grey and hatched; the summed kernel is green
(the output role). Values are printed in every cell, so nothing depends on
colour alone.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from convkit.plotting import colors
from convkit.reparam import pad_kernel
from convkit.plotting._grid import format_value, plain_axes

__all__ = ["kernel_sum", "kernel_sum_description", "kernel_sum_figure"]


def _kernels(kernels, titles, coefficients):
    """Check the figure's arguments: ``(kernels as float arrays, largest size, coefficients)``."""
    if isinstance(kernels, np.ndarray) and kernels.ndim == 2:
        kernels = [kernels]
    arrays = [np.asarray(k, dtype=float) for k in kernels]
    if not arrays or any(a.ndim != 2 or 0 in a.shape for a in arrays):
        raise ValueError("kernels must be a non-empty sequence of non-empty 2D arrays (kH, kW)")
    size = (max(a.shape[0] for a in arrays), max(a.shape[1] for a in arrays))
    for i, a in enumerate(arrays):
        if (size[0] - a.shape[0]) % 2 or (size[1] - a.shape[1]) % 2:
            raise ValueError(f"kernels[{i}] of shape {a.shape} cannot be centred in {size}: "
                             "sizes must differ by an even number")
    if isinstance(titles, str) or len(titles) != len(arrays):
        raise ValueError(f"titles must hold one title per kernel ({len(arrays)})")
    if coefficients is None:
        coefficients = [None] * len(arrays)
    elif len(coefficients) != len(arrays):
        raise ValueError(f"coefficients must hold one number per kernel ({len(arrays)})")
    return arrays, size, list(coefficients)


def kernel_sum(kernels, coefficients=None) -> np.ndarray:
    """The kernel the figure shows on the right: ``sum_i c_i * pad(k_i)`` (``c_i = 1`` by default).

    Parameters
    ----------
    kernels : sequence of array_like, each (kH, kW)
        Odd differences in size to the largest are not allowed.
    coefficients : sequence of float, optional

    Returns
    -------
    numpy.ndarray
        The largest kernel's shape.
    """
    arrays, size, coefficients = _kernels(kernels, [""] * len(kernels), coefficients)
    total = np.zeros(size)
    for a, c in zip(arrays, coefficients):
        total += (1.0 if c is None else c) * pad_kernel(a[None, None], size)[0, 0]   # (kH, kW)
    return total


def kernel_sum_figure(kernels, titles, coefficients=None, result_title="merged kernel",
                      fontsize=8) -> Figure:
    """Kernels, zero-padded to the largest, summed (optionally weighted) into one.

    Parameters
    ----------
    kernels : sequence of array_like, each (kH, kW)
        One 2D slice per branch (for instance ``weight[f, c]``).
    titles : sequence of str
        One title per kernel, printed above it.
    coefficients : sequence of float, optional
        Weights ``lambda_i``, printed as ``0.25 x`` before each kernel. Default: plain sum.
    result_title : str, default "merged kernel"
    fontsize : float, default 8

    Returns
    -------
    matplotlib.figure.Figure
        One axes; kernel cells have gid ``"kernel"``, padded zeros gid
        ``"padded"``, result cells gid ``"merged"``. The canvas size depends
        only on the number of kernels and the largest size.
    """
    arrays, (rows, cols), coefficients = _kernels(kernels, titles, coefficients)
    result = kernel_sum(arrays, [1.0 if c is None else c for c in coefficients])
    slot = 1.8 if any(c is not None for c in coefficients) else 0.0   # room for "0.25 x"
    gap = 1.2 + slot
    width = len(arrays) * (cols + gap) + cols
    cell = 0.42 if max(rows, cols) <= 5 else 0.3
    fig = Figure(figsize=(cell * width + 0.3, cell * (rows + 1.6) + 0.2), facecolor=colors.FIGURE_FACE)
    ax = plain_axes(fig.add_axes((0.01, 0.02, 0.98, 0.96)), (-0.2, width + 0.2),
                    (rows + 0.3, -1.3))
    x = 0.0
    for i, (a, title, c) in enumerate(zip(arrays, titles, coefficients)):
        if c is not None:
            ax.text(x + slot - 0.15, rows / 2, f"{format_value(float(c))} x", ha="right", va="center",
                    fontsize=fontsize + 1, color=colors.EDGE)
            x += slot
        dh, dw = (rows - a.shape[0]) // 2, (cols - a.shape[1]) // 2
        for r in range(rows):
            for col in range(cols):
                inside = dh <= r < dh + a.shape[0] and dw <= col < dw + a.shape[1]
                role = "kernel" if inside else "padding"
                value = a[r - dh, col - dw] if inside else 0.0
                ax.add_patch(Rectangle((x + col, r), 1, 1, gid="kernel" if inside else "padded",
                                       **colors.cell_style(role)))
                ax.text(x + col + 0.5, r + 0.5, format_value(float(value)), ha="center", va="center",
                        fontsize=fontsize, color=colors.EDGE)
        ax.text(x + cols / 2, -0.3, title, ha="center", va="bottom", fontsize=fontsize + 1,
                color=colors.EDGE)
        x += cols
        ax.text(x + 0.6, rows / 2, "=" if i == len(arrays) - 1 else "+", ha="center", va="center",
                fontsize=fontsize + 6, color=colors.EDGE)
        x += 1.2
    style = colors.cell_style("output")
    for r in range(rows):
        for col in range(cols):
            ax.add_patch(Rectangle((x + col, r), 1, 1, gid="merged", **style))
            ax.text(x + col + 0.5, r + 0.5, format_value(float(result[r, col])), ha="center",
                    va="center", fontsize=fontsize, color=colors.EDGE)
    ax.text(x + cols / 2, -0.3, result_title, ha="center", va="bottom", fontsize=fontsize + 1,
            color=colors.EDGE)
    return fig


def kernel_sum_description(kernels, titles, coefficients=None, result_title="merged kernel") -> str:
    """Alt text for :func:`kernel_sum_figure` with the same arguments.

    Parameters
    ----------
    kernels, titles, coefficients, result_title
        As in :func:`kernel_sum_figure`.

    Returns
    -------
    str
        The figure's content in words, for its alt text.
    """
    arrays, (rows, cols), coefficients = _kernels(kernels, titles, coefficients)
    parts = []
    for a, title, c in zip(arrays, titles, coefficients):
        padded = rows * cols - a.size
        text = f"{title} ({a.shape[0]}x{a.shape[1]}"
        text += f", padded with {padded} zeros)" if padded else ")"
        if c is not None:
            text = f"{format_value(float(c))} times " + text
        parts.append(text)
    centre = kernel_sum(arrays, [1.0 if c is None else c for c in coefficients])[rows // 2, cols // 2]
    return (f"{len(arrays)} kernel{'s' if len(arrays) != 1 else ''} drawn as {rows}x{cols} grids of "
            f"numbers, added cell by cell: " + " plus ".join(parts)
            + f", equals the {result_title}, whose centre value is {format_value(float(centre))}.")

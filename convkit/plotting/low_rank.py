"""Spatially separable and low-rank kernels (chapter 8).

The kernels come from :func:`convkit.low_rank_kernel` and the filtered images
from :func:`convkit.conv2d`; each figure has a ``*_description`` companion
that writes its alt text from the same numbers.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from convkit import conv2d, low_rank_kernel
from convkit._validation import as_nd_array
from convkit.plotting import colors
from convkit.plotting._grid import draw_grid, format_value, no_ticks, plain_axes

__all__ = [
    "outer_product_figure",
    "outer_product_description",
    "low_rank_figure",
    "low_rank_description",
]


def outer_product_figure(column, row, fontsize: float = 11) -> Figure:
    """A kernel ``outer(column, row)`` drawn as the multiplication table of its two factors.

    Parameters
    ----------
    column : array_like, shape (kH,)
        Drawn as a ``kH x 1`` kernel left of the table (gid ``"column"``).
    row : array_like, shape (kW,)
        Drawn as a ``1 x kW`` kernel above the table (gid ``"row"``).
    fontsize : float, default 11

    Returns
    -------
    matplotlib.figure.Figure
        The ``kH x kW`` table (gid ``"kernel"``) holds ``column[m] * row[n]``
        in row ``m`` and column ``n``; each cell and its printed value carry
        the gid of its part.
    """
    a = as_nd_array(column, "column", "kH", nonempty=True)
    b = as_nd_array(row, "row", "kW", nonempty=True)
    kernel = np.outer(a, b)  # (kH, kW)
    kh, kw = kernel.shape
    width, height = kw + 2.2, kh + 2.9
    fig = Figure(figsize=(0.55 * width + 0.4, 0.55 * height + 0.2), facecolor=colors.FIGURE_FACE)
    ax = fig.add_axes((0.02, 0.02, 0.96, 0.96))
    plain_axes(ax, (-0.9, width + 0.1), (height + 0.1, -0.9))
    draw_grid(ax, a[:, np.newaxis], "kernel", (0, 2), fontsize=fontsize, gid="column")
    draw_grid(ax, b[np.newaxis, :], "kernel", (2, 0), fontsize=fontsize, gid="row")
    draw_grid(ax, kernel, "kernel", (2, 2), fontsize=fontsize)
    ax.text(0.5, 1.6, "column", ha="center", va="center", fontsize=fontsize - 2)
    ax.text(1.8, 0.5, "row", ha="right", va="center", fontsize=fontsize - 2)
    ax.text(2 + kw / 2, 2 + kh + 0.55, "kernel = column × row", ha="center", va="center",
            fontsize=fontsize - 2)
    return fig


def outer_product_description(column, row) -> str:
    """Alt text for :func:`outer_product_figure` with the same arguments.

    Parameters
    ----------
    column, row : array_like, 1D

    Returns
    -------
    str
        The factors and the kernel's rows, read out.
    """
    a = as_nd_array(column, "column", "kH", nonempty=True)
    b = as_nd_array(row, "row", "kW", nonempty=True)
    kernel = np.outer(a, b)
    rows = "; ".join(", ".join(format_value(v) for v in r) for r in kernel)
    return (f"A {kernel.shape[0]} by {kernel.shape[1]} kernel drawn as a multiplication table: the "
            f"column {', '.join(format_value(v) for v in a)} on the left, the row "
            f"{', '.join(format_value(v) for v in b)} on top, and in each cell the product of its row's and "
            f"its column's factor. The kernel's rows read {rows}.")


def _number(value: float, scale: float) -> str:
    """Three significant digits; rounding noise below 1e-12 of ``scale`` prints as 0."""
    return "0" if abs(value) <= 1e-12 * scale else f"{value:.3g}"


def _low_rank_error(k: np.ndarray, rank: int) -> tuple[float, float]:
    """Frobenius error of the best rank-``rank`` kernel: absolute, and relative to ``||k||_F``."""
    error = float(np.linalg.norm(k - low_rank_kernel(k, rank)))
    norm = float(np.linalg.norm(k))
    return error, (error / norm if norm else 0.0)


def _missing_limit(x: np.ndarray, k: np.ndarray, full: np.ndarray, image_limit: float) -> float:
    """Colour limit of the "missing" panel: what rank 1 misses, the most any rank misses."""
    rank_one = conv2d(x[np.newaxis, np.newaxis], low_rank_kernel(k, 1)[np.newaxis, np.newaxis])[0, 0]
    limit = float(np.abs(full - rank_one).max())
    # A rank-1 kernel misses only rounding noise: keep the result's own scale then.
    return limit if limit > 1e-9 * image_limit else image_limit


def low_rank_figure(kernel, image, rank: int, name: str = "kernel") -> Figure:
    """The best rank-``rank`` approximation of a kernel and what it does to an image.

    Parameters
    ----------
    kernel : array_like, shape (kH, kW)
    image : array_like, shape (H, W)
        Filtered with 'valid' cross-correlation (:func:`convkit.conv2d`).
    rank : int
        Between 1 and ``min(kH, kW)``.
    name : str, default "kernel"
        Names the kernel in the first panel's title.

    Returns
    -------
    matplotlib.figure.Figure
        Four axes. (1) The singular values of ``kernel``: bars ``1 .. rank``
        kept (orange, gid ``"kept"``), the others dropped (grey, hatched,
        gid ``"dropped"``), the Frobenius error (absolute and relative) in the
        title. (2) The rank-``rank`` kernel (gid ``"kernel"``), on the
        colour scale of the full kernel. (3) The image filtered with it
        (gid ``"filtered"``), on the colour scale of the full kernel's result.
        (4) The full kernel's result minus it (gid ``"missing"``), on the
        colour scale of what rank 1 misses (the most any rank misses), so
        that it fades as the rank grows and is blank when nothing is
        missing; its title gives its norm as a share of the full result's.
        Every panel uses the diverging map centred on 0; the frames of one
        kernel share their colour scales whatever the rank.
    """
    k = as_nd_array(kernel, "kernel", "kH, kW", nonempty=True).astype(np.float64)
    x = as_nd_array(image, "image", "H, W", nonempty=True).astype(np.float64)
    approx = low_rank_kernel(k, rank)  # validates rank
    singular = np.linalg.svd(k, compute_uv=False)
    full = conv2d(x[np.newaxis, np.newaxis], k[np.newaxis, np.newaxis])[0, 0]  # (H_out, W_out)
    filtered = conv2d(x[np.newaxis, np.newaxis], approx[np.newaxis, np.newaxis])[0, 0]
    error, relative = _low_rank_error(k, rank)

    fig = Figure(figsize=(9.0, 2.5), facecolor=colors.FIGURE_FACE, layout="constrained")
    bars, kernel_ax, filtered_ax, missing_ax = fig.subplots(1, 4, width_ratios=(1.3, 1, 1, 1))
    index = np.arange(1, singular.size + 1)
    kept = index <= rank
    bars.bar(index[kept], singular[kept], color=colors.KERNEL, edgecolor=colors.EDGE, gid="kept")
    bars.bar(index[~kept], singular[~kept], color=colors.PADDING, edgecolor="#555555", hatch="//",
             gid="dropped")
    bars.set_xticks(index)
    bars.set_xlabel("j (kept: solid, dropped: hatched)", fontsize=8)
    bars.set_ylabel(r"singular value $\sigma_j$", fontsize=8)
    bars.set_title(f"{name}, rank {rank}: error {_number(error, singular[0])} "
                   f"({100 * relative:.1f}%)", fontsize=9)
    bars.tick_params(labelsize=7)

    kernel_limit = float(np.abs(k).max()) or 1.0
    kernel_ax.imshow(approx, cmap=colors.DIVERGING_CMAP, vmin=-kernel_limit, vmax=kernel_limit,
                     gid="kernel")
    kernel_ax.set_title(f"rank-{rank} kernel", fontsize=9)
    image_limit = float(np.abs(full).max()) or 1.0
    filtered_ax.imshow(filtered, cmap=colors.DIVERGING_CMAP, vmin=-image_limit, vmax=image_limit,
                       gid="filtered")
    filtered_ax.set_title(f"image ⋆ rank-{rank} kernel", fontsize=9)
    missing = full - filtered
    limit = _missing_limit(x, k, full, image_limit)
    missing_ax.imshow(missing, cmap=colors.DIVERGING_CMAP, vmin=-limit, vmax=limit, gid="missing")
    share = float(np.linalg.norm(missing) / (np.linalg.norm(full) or 1.0))
    missing_ax.set_title(f"missing: {100 * share:.1f}% of full result", fontsize=9)
    no_ticks(kernel_ax, filtered_ax, missing_ax)
    return fig


def low_rank_description(kernel, rank: int, name: str = "kernel") -> str:
    """Alt text for :func:`low_rank_figure` with the same kernel, rank and name.

    Parameters
    ----------
    kernel, rank, name
        As in :func:`low_rank_figure`.

    Returns
    -------
    str
        The kept and dropped singular values and the error.
    """
    k = as_nd_array(kernel, "kernel", "kH, kW", nonempty=True).astype(np.float64)
    singular = np.linalg.svd(k, compute_uv=False)
    error, relative = _low_rank_error(k, rank)
    kept = ", ".join(_number(s, singular[0]) for s in singular[:rank])
    dropped = ", ".join(_number(s, singular[0]) for s in singular[rank:]) or "none"
    return (f"The {name} ({k.shape[0]} by {k.shape[1]}) approximated with rank {rank}. Singular "
            f"values kept: {kept}; dropped: {dropped}. The approximation error is {_number(error, singular[0])}, "
            f"{100 * relative:.1f}% of the kernel's norm. Beside the bar chart: the rank-{rank} "
            f"kernel, a photograph filtered with it, and the part of the full kernel's result "
            f"that is missing, which fades as the rank grows and is blank when nothing is dropped.")

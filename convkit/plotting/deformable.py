"""The sampling grid of a deformable convolution, bent by its offsets, over an image (chapter 17).

:func:`deform_grid_figure` draws the regular and the moved taps of chosen
outputs (:func:`window_taps`) on a canvas that depends only on the image size
and ``margin``, so explorer frames do not jump; :func:`deform_grid_description`
is its alt text.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from convkit._validation import as_nd_array, check_real, to_tuple
from convkit.deformable import deform_sampling_positions
from convkit.plotting import colors
from convkit.plotting._grid import plain_axes

__all__ = ["deform_grid_figure", "deform_grid_description", "window_taps"]


def window_taps(offset, kernel_size, stride=1, padding=0, dilation=1, outputs=None):
    """Regular and moved tap positions of the windows of chosen outputs (one offset group).

    Parameters
    ----------
    offset : array_like
        ``(2 kH kW, H_out, W_out)``: the offsets of one image with one offset
        group, laid out as in :func:`convkit.deform_conv2d`.
    kernel_size : int or tuple of 2 ints
        ``(kH, kW)``.
    stride, padding, dilation : int or tuple of 2 ints
        As in :func:`convkit.deform_conv2d`.
    outputs : sequence of (int, int), optional
        Output positions ``(u, v)``; default every output.

    Returns
    -------
    list of (tuple, numpy.ndarray, numpy.ndarray)
        For each output ``(u, v)``: ``((u, v), regular, moved)`` with
        ``regular`` and ``moved`` of shape ``(kH, kW, 2)`` holding the
        (row, column) each tap reads without and with its offset.

    Raises
    ------
    ValueError
        If ``offset`` is not 3D with ``2 kH kW`` channels, or an output lies
        outside ``(H_out, W_out)``.
    """
    off = np.asarray(offset, dtype=np.float64)
    k_h, k_w = to_tuple(kernel_size, 2, "kernel_size", minimum=1)
    if off.ndim != 3 or off.shape[0] != 2 * k_h * k_w:
        raise ValueError(f"offset must have shape (2 * kH * kW = {2 * k_h * k_w}, H_out, W_out), "
                         f"got {off.shape}")
    moved = deform_sampling_positions(off, (k_h, k_w), stride, padding, dilation)
    regular = deform_sampling_positions(np.zeros_like(off), (k_h, k_w), stride, padding, dilation)
    h_out, w_out = off.shape[1:]
    if outputs is None:
        outputs = [(u, v) for u in range(h_out) for v in range(w_out)]
    taps = []
    for u, v in outputs:
        if not (0 <= u < h_out and 0 <= v < w_out):
            raise ValueError(f"outputs must lie in the ({h_out}, {w_out}) output, got {(u, v)}")
        shape = (k_h, k_w, 2)  # channel 2t is the row of tap t = m kW + n, 2t + 1 its column
        taps.append(((int(u), int(v)), regular[:, u, v].reshape(shape), moved[:, u, v].reshape(shape)))
    return taps


def _outside(points: np.ndarray, height: int, width: int) -> np.ndarray:
    """Points that read only zeros: no pixel of the image is within one pixel of them."""
    rows, cols = points[..., 0], points[..., 1]
    return (rows <= -1) | (rows >= height) | (cols <= -1) | (cols >= width)


def deform_grid_figure(image, offset, kernel_size, stride=1, padding=0, dilation=1, outputs=None,
                       margin=3.0, size=3.4, title=None) -> Figure:
    """The windows of chosen outputs, regular and bent by their offsets, over the image.

    Parameters
    ----------
    image : array_like
        ``(H, W)``, drawn in light greys, darker for larger values (a picture, not values to
        read).
    offset : array_like
        ``(2 kH kW, H_out, W_out)``, one image and one offset group.
    kernel_size, stride, padding, dilation
        As in :func:`convkit.deform_conv2d`.
    outputs : sequence of (int, int), optional
        Output positions whose windows are drawn; default every output.
    margin : float, default 3.0
        Pixels of the zero border drawn around the image (hatched); taps
        further out are drawn at the edge of the canvas.
    size : float, default 3.4
        Width of the canvas in inches.
    title : str, optional
        Title above the image.

    Returns
    -------
    matplotlib.figure.Figure
        Per output: one line of open circles joined by dashed lines (gid
        ``"regular"``), one line of filled diamonds joined by solid lines
        (gid ``"moved"``; the tap positions in ``x`` = column, ``y`` = row),
        moved taps that read only zeros crossed out (gid ``"outside"``), and
        an arrow per tap that moved (gid ``"shift"``). The border of zeros is a
        hatched grey frame (gid ``"zeros"``). A note under the axes counts
        the taps outside.
    """
    img = as_nd_array(image, "image", "H, W", nonempty=True).astype(np.float64)
    margin = check_real(margin, "margin", minimum=0)
    height, width = img.shape
    taps = window_taps(offset, kernel_size, stride, padding, dilation, outputs)
    lo_r, hi_r = -0.5 - margin, height - 0.5 + margin
    lo_c, hi_c = -0.5 - margin, width - 0.5 + margin
    aspect = (hi_r - lo_r) / (hi_c - lo_c)
    fig = Figure(figsize=(size, size * aspect + 0.45), facecolor=colors.FIGURE_FACE)
    fig_h = size * aspect + 0.45
    ax = plain_axes(fig.add_axes((0.02, 0.4 / fig_h, 0.96, size * aspect * 0.96 / fig_h)),
                    (lo_c, hi_c), (hi_r, lo_r))
    style = colors.cell_style("padding")
    ax.add_patch(Rectangle((lo_c, lo_r), hi_c - lo_c, hi_r - lo_r, gid="zeros", zorder=0,
                           facecolor=style["facecolor"], edgecolor=style["edgecolor"],
                           hatch=style["hatch"], linestyle=style["linestyle"], lw=0.6))
    low, high = float(img.min()), float(img.max())
    ax.imshow(img, cmap="Greys", vmin=low, vmax=high + 0.8 * (high - low) + 1e-12, zorder=1,
              extent=(-0.5, width - 0.5, height - 0.5, -0.5), interpolation="nearest")  # greys stay light
    ax.add_patch(Rectangle((-0.5, -0.5), width, height, fill=False, edgecolor=colors.EDGE, lw=1.2,
                           zorder=2))
    clip = lambda p: (np.clip(p[..., 1], lo_c + 0.2, hi_c - 0.2),  # noqa: E731
                      np.clip(p[..., 0], lo_r + 0.2, hi_r - 0.2))
    outside_count = 0
    for _, regular, moved in taps:
        for grid, gid, ls, marker, face in ((regular, "regular", "--", "o", colors.FIGURE_FACE),
                                            (moved, "moved", "-", "D", colors.KERNEL)):
            xs, ys = clip(grid)
            for rows_x, rows_y in ((xs, ys), (xs.T, ys.T)):     # the mesh: rows, then columns
                for line_x, line_y in zip(rows_x, rows_y):
                    ax.plot(line_x, line_y, ls=ls, color=colors.EDGE, lw=0.8, zorder=3)
            ax.plot(xs.ravel(), ys.ravel(), ls="none", marker=marker, markersize=5, gid=gid,
                    markerfacecolor=face, markeredgecolor=colors.EDGE, markeredgewidth=0.9, zorder=4)
        out = _outside(moved, height, width)
        outside_count += int(out.sum())
        if out.any():
            xs, ys = clip(moved[out])
            ax.plot(xs, ys, ls="none", marker="x", markersize=8, color=colors.HIGHLIGHT,
                    markeredgewidth=1.6, gid="outside", zorder=5)
        for start, end in zip(regular.reshape(-1, 2), moved.reshape(-1, 2)):
            if np.any(start != end):
                (x0, x1), (y0, y1) = clip(np.stack([start, end]))
                ax.annotate("", xy=(x1, y1), xytext=(x0, y0), zorder=3, gid="shift",
                            arrowprops=dict(arrowstyle="->", color=colors.HIGHLIGHT, lw=0.9,
                                            shrinkA=0, shrinkB=3))
    if title:
        ax.set_title(title, fontsize=9)
    total = sum(m.shape[0] * m.shape[1] for _, _, m in taps)
    fig.text(0.5, 0.05 / fig_h, f"circles: regular taps; diamonds: moved taps\n"
             f"{outside_count} of {total} moved taps read only zeros (x)", ha="center", va="bottom",
             fontsize=7, color=colors.EDGE)
    return fig


def deform_grid_description(image_shape, offset, kernel_size, stride=1, padding=0, dilation=1,
                            outputs=None) -> str:
    """Alt text for :func:`deform_grid_figure` with the same arguments (the image's shape only).

    Parameters
    ----------
    image_shape : tuple of int
        ``(H, W)``, the shape of the figure's ``image``.
    offset, kernel_size, stride, padding, dilation, outputs
        As in :func:`deform_grid_figure`.

    Returns
    -------
    str
        The figure's content in words, for its alt text.
    """
    height, width = image_shape
    taps = window_taps(offset, kernel_size, stride, padding, dilation, outputs)
    k_h, k_w = taps[0][1].shape[:2]
    moves = np.concatenate([np.hypot(*(m - r).reshape(-1, 2).T) for _, r, m in taps])
    outside = sum(int(_outside(m, height, width).sum()) for _, _, m in taps)
    where = (f"output {taps[0][0]}" if len(taps) == 1 else f"{len(taps)} outputs")
    text = (f"A grey image of {height}x{width} pixels with the {k_h}x{k_w} window of {where}: the regular taps "
            f"as open circles on a dashed grid, the taps moved by their offsets as diamonds on a "
            f"solid grid, with arrows. ")
    if not moves.any():
        return text + "Every offset is zero: the two grids coincide."
    text += (f"{int((moves > 0).sum())} of {moves.size} taps move, the farthest by "
             f"{moves.max():.1f} pixels")
    if outside:
        text += f"; {outside} read only the zeros around the image (crossed)"
    return text + "."

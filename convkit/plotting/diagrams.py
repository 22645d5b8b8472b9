"""Convolution-arithmetic step diagrams, direct and transposed (chapters 3, 6, 7).

In the spirit of Dumoulin and Visin's animations, with the course's colour
convention and its second cues (hatching for padding, dotted white cells for
inserted zeros, a thick outline for the kernel, printed values where the grid
is small). Each patch carries a ``gid`` naming its role (``"input"``,
``"padding"``, ``"inserted"``, ``"kernel"``, ``"output"``,
``"output-current"``, ``"output-pending"``) so tests and readers of the SVG
can find them.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle

from convkit._validation import as_array, to_tuple
from convkit.conv import conv2d
from convkit.sizes import conv_output_size
from convkit.plotting import colors
from convkit.plotting._grid import plain_axes
from convkit.plotting.geometry import (
    INPUT_CELL,
    INSERTED_CELL,
    PADDING_CELL,
    kernel_taps,
    output_position,
    padding_mask,
    transposed_grid,
)
from convkit.conv_transpose import conv_transpose2d

__all__ = ["conv_step_figure", "conv_transpose_step_figure", "MAX_VALUE_GRID"]

#: Values are printed in the cells when the largest grid side is at most this.
MAX_VALUE_GRID = 9
_ROLE_GID = {INPUT_CELL: "input", INSERTED_CELL: "inserted", PADDING_CELL: "padding"}


def _new_figure(grid_widths: list[int], rows: int, cell_inches: float, title_lines: int = 1) -> tuple[Figure, list]:
    gap = 1.5
    width = (sum(grid_widths) + gap * (len(grid_widths) - 1) + 1) * cell_inches
    height = (rows + 1.6 + 0.35 * title_lines) * cell_inches + 0.6
    fig = Figure(figsize=(max(width, 4.2), max(height, 2.6)), facecolor=colors.FIGURE_FACE)
    axes = fig.subplots(1, len(grid_widths), gridspec_kw={"width_ratios": grid_widths})
    return fig, list(axes)


def _cell(ax, row: int, col: int, role: str, gid: str | None = None, **overrides) -> Rectangle:
    style = colors.cell_style(role)
    style.update(overrides)
    patch = Rectangle((col, row), 1, 1, gid=gid or role, **style)
    ax.add_patch(patch)
    return patch


def _value_text(ax, row: int, col: int, value, fontsize: float, **kwargs) -> None:
    text = f"{value:g}" if isinstance(value, (float, np.floating)) else str(value)
    ax.text(col + 0.5, row + 0.5, text, ha="center", va="center", fontsize=fontsize,
            color=colors.EDGE, **kwargs)


def _frame_axes(ax, rows: int, cols: int) -> None:
    plain_axes(ax, (-0.2, cols + 0.2), (rows + 0.2, -0.2))  # row 0 at the top, like an array


def _draw_kernel(ax, taps: np.ndarray, weight: np.ndarray | None, fontsize: float) -> None:
    """Kernel footprint: translucent orange over the covered cells, thick outline, its values."""
    for index, (row, col) in enumerate(taps):
        ax.add_patch(Rectangle(
            (col, row), 1, 1, gid="kernel", facecolor=colors.KERNEL, alpha=0.55,
            edgecolor=colors.EDGE, linewidth=2.5, zorder=3,
        ))
        if weight is not None:
            a, b = divmod(index, weight.shape[1])
            value = weight[a, b]
            ax.text(col + 0.93, row + 0.93, f"×{value:g}" if isinstance(value, (float, np.floating)) else f"×{value}",
                    ha="right", va="bottom", fontsize=fontsize * 0.7, color=colors.EDGE, zorder=4)


def _draw_output(ax, output_shape, step, values, show_values, fontsize) -> None:
    oh, ow = output_shape
    current = step // ow, step % ow
    for r in range(oh):
        for c in range(ow):
            done = r * ow + c <= step
            if (r, c) == current:
                _cell(ax, r, c, "output", gid="output-current", edgecolor=colors.HIGHLIGHT, linewidth=3.0, zorder=2)
            elif done:
                _cell(ax, r, c, "output", gid="output")
            else:
                _cell(ax, r, c, "empty", gid="output-pending")
            if show_values and values is not None and done:
                _value_text(ax, r, c, values[r, c], fontsize, zorder=5)
    _frame_axes(ax, oh, ow)
    ax.set_title(f"output {oh}×{ow}\nstep {step + 1} of {oh * ow}", fontsize=9)


def _finish(fig, roles: list[str]) -> None:
    """Finish a step figure: the legend of ``roles`` under the two grids, and their margins."""
    labels = {
        "input": "input",
        "padding": "padding (hatched)",
        "inserted": "inserted zeros (dotted)",
        "kernel": "kernel (thick outline)",
        "output": "output (current: bold outline)",
    }
    handles = []
    for role in roles:
        style = colors.cell_style(role)
        handles.append(Patch(label=labels[role], **style))
    columns = 3 if fig.get_figwidth() >= 5.5 else 2
    fig.legend(handles=handles, loc="lower center", ncol=min(len(handles), columns), frameon=False, fontsize=7)
    fig.subplots_adjust(left=0.02, right=0.98, top=0.80, bottom=0.2, wspace=0.25)


def _check_values(values, shape, name):
    if values is None:
        return None
    array = as_array(values, name)
    if array.shape != tuple(shape):
        raise ValueError(f"{name} must have shape {tuple(shape)}, got {array.shape}")
    return array


def conv_step_figure(input_size, kernel_size, stride=1, padding=0, dilation=1, step=0,
                     input=None, weight=None, show_values=None, cell_inches=0.42) -> Figure:
    """One step of a 2D convolution: the padded input under the kernel, and the output so far.

    Parameters
    ----------
    input_size, kernel_size, stride, padding, dilation : int or pair of int
        As in :func:`convkit.conv2d` (``padding`` zeros on each side).
    step : int, default 0
        Which output cell is being computed, in reading order.
    input : array_like, optional
        ``(H, W)`` values to print in the input cells.
    weight : array_like, optional
        ``(kH, kW)`` kernel values, printed in the covered cells; with
        ``input`` the output values are computed and printed too.
    show_values : bool, optional
        Print values; default: when given and the largest grid side is at
        most :data:`MAX_VALUE_GRID`.
    cell_inches : float, default 0.42
        Size of one cell on the figure.

    Returns
    -------
    matplotlib.figure.Figure
        Left: padded input (padding hatched) with the kernel footprint,
        dilation gaps visible; right: the output, computed cells filled, the
        current one outlined.
    """
    h, w = to_tuple(input_size, 2, "input_size", 1)
    kh, kw = to_tuple(kernel_size, 2, "kernel_size", 1)
    ph, pw = to_tuple(padding, 2, "padding", 0)
    output_shape = conv_output_size((h, w), (kh, kw), stride, (ph, pw), dilation)
    position = output_position(step, output_shape)
    input = _check_values(input, (h, w), "input")
    weight = _check_values(weight, (kh, kw), "weight")
    mask = padding_mask(input_size, padding)
    grid_rows, grid_cols = mask.shape
    if show_values is None:
        show_values = max(grid_rows, grid_cols) <= MAX_VALUE_GRID and (input is not None or weight is not None)
    output_values = None
    if input is not None and weight is not None:
        # The printed outputs are convkit's own conv2d, not a second copy of it.
        output_values = conv2d(input[None, None], weight[None, None], stride=stride, padding=padding,
                               dilation=dilation)[0, 0]  # (1, 1, H_out, W_out) -> (H_out, W_out)

    fig, (ax_in, ax_out) = _new_figure([grid_cols, output_shape[1]], max(grid_rows, output_shape[0]), cell_inches)
    fontsize = 9 if max(grid_rows, grid_cols) <= 7 else 7
    for r in range(grid_rows):
        for c in range(grid_cols):
            if mask[r, c]:
                _cell(ax_in, r, c, "padding")
            else:
                _cell(ax_in, r, c, "input")
                if show_values and input is not None:
                    _value_text(ax_in, r, c, input[r - ph, c - pw], fontsize, zorder=5)
    _draw_kernel(ax_in, kernel_taps(position, kernel_size, stride, dilation),
                 weight if show_values else None, fontsize)
    _frame_axes(ax_in, grid_rows, grid_cols)
    _draw_output(ax_out, output_shape, step, output_values, show_values, fontsize)

    sh, sw = to_tuple(stride, 2, "stride", 1)
    dh, dw = to_tuple(dilation, 2, "dilation", 1)
    ax_in.set_title(f"input {h}×{w}, padding {_fmt(ph, pw)}\nkernel {kh}×{kw}, stride {_fmt(sh, sw)}, dilation {_fmt(dh, dw)}",
                    fontsize=9)
    padded = ["padding"] if (ph or pw) else []
    _finish(fig, ["input", *padded, "kernel", "output"])
    return fig


def _fmt(a: int, b: int) -> str:
    return str(a) if a == b else f"({a}, {b})"


def conv_transpose_step_figure(input_size, kernel_size, stride=1, padding=0, output_padding=0,
                               dilation=1, step=0, input=None, weight=None, show_values=None,
                               cell_inches=0.42) -> Figure:
    """One step of a 2D transposed convolution drawn as a stride-1 convolution.

    The input cells are spread ``stride`` apart with inserted zeros between
    them (white, dotted, ``..`` hatching), surrounded by the implied padding
    ``d (k - 1) - p`` (grey, hatched; ``output_padding`` adds rows/columns at
    the bottom/right), and a stride-1 kernel slides over that grid.

    Parameters
    ----------
    input_size, kernel_size, stride, padding, output_padding, dilation : int or pair of int
        As in :func:`convkit.conv_transpose2d`.
    step : int, default 0
        Which output cell is being computed, in reading order.
    input : array_like, optional
        ``(H, W)`` input values to print.
    weight : array_like, optional
        ``(kH, kW)`` kernel of the transposed convolution; the diagram's
        sliding kernel is its 180-degree rotation, which is what is printed.
    show_values : bool, optional
        Default: when given and the grid is small.
    cell_inches : float, default 0.42

    Returns
    -------
    matplotlib.figure.Figure
    """
    h, w = to_tuple(input_size, 2, "input_size", 1)
    kh, kw = to_tuple(kernel_size, 2, "kernel_size", 1)
    grid = transposed_grid(input_size, kernel_size, stride, padding, output_padding, dilation)
    output_shape = grid.output_shape
    position = output_position(step, output_shape)
    input = _check_values(input, (h, w), "input")
    weight = _check_values(weight, (kh, kw), "weight")
    flipped = None if weight is None else weight[::-1, ::-1]
    grid_rows, grid_cols = grid.roles.shape
    if show_values is None:
        show_values = max(grid_rows, grid_cols) <= MAX_VALUE_GRID + 2 and (input is not None or weight is not None)
    grid_values = None
    output_values = None
    if input is not None:
        grid_values = np.zeros(grid.roles.shape, dtype=input.dtype)
        r0, c0 = grid.implied_padding  # where input cell (0, 0) sits
        grid_values[r0:r0 + (h - 1) * grid.stride[0] + 1:grid.stride[0],
                    c0:c0 + (w - 1) * grid.stride[1] + 1:grid.stride[1]] = input
        if weight is not None:
            # The printed outputs are convkit's conv_transpose2d; the grid drawn is its stride-1 view.
            output_values = conv_transpose2d(input[None, None], weight[None, None], stride=stride,
                                             padding=padding, output_padding=output_padding,
                                             dilation=dilation)[0, 0]  # (1, 1, H_out, W_out) -> (H_out, W_out)

    fig, (ax_in, ax_out) = _new_figure([grid_cols, output_shape[1]], max(grid_rows, output_shape[0]), cell_inches)
    fontsize = 9 if max(grid_rows, grid_cols) <= 8 else 7
    for r in range(grid_rows):
        for c in range(grid_cols):
            role = _ROLE_GID[int(grid.roles[r, c])]
            _cell(ax_in, r, c, role)
            if show_values and grid_values is not None and role == "input":
                _value_text(ax_in, r, c, grid_values[r, c], fontsize, zorder=5)
    _draw_kernel(ax_in, kernel_taps(position, kernel_size, 1, dilation),
                 flipped if show_values else None, fontsize)
    _frame_axes(ax_in, grid_rows, grid_cols)
    _draw_output(ax_out, output_shape, step, output_values, show_values, fontsize)
    sh, sw = grid.stride
    qh, qw = grid.implied_padding
    ax_in.set_title(
        f"input {h}×{w}, {_fmt(sh - 1, sw - 1)} zero(s) inserted\n"
        f"implied padding {_fmt(qh, qw)}, kernel {kh}×{kw} (flipped)",
        fontsize=8.5,
    )
    roles = ["input"]
    if (grid.roles == INSERTED_CELL).any():
        roles.append("inserted")
    if (grid.roles == PADDING_CELL).any():
        roles.append("padding")
    _finish(fig, roles + ["kernel", "output"])
    return fig

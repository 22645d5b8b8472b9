"""Where the kernel lands along one axis (chapter 3).

Every size drawn or described comes from :func:`convkit.conv_output_size`.
"""

from __future__ import annotations

from collections.abc import Iterable

from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from convkit._validation import check_int
from convkit.plotting import colors
from convkit.plotting._grid import plain_axes
from convkit.sizes import conv_output_size

__all__ = ["positions_figure", "positions_alt_text"]


def _check_axis(input_size, kernel_size, stride, padding, dilation) -> tuple[int, int, int, int, int]:
    """The five sizes of one axis, checked by the library's rules."""
    i = check_int(input_size, "input_size", 1)
    k = check_int(kernel_size, "kernel_size", 1)
    s = check_int(stride, "stride", 1)
    p = check_int(padding, "padding", 0)
    d = check_int(dilation, "dilation", 1)
    return i, k, s, p, d


def _kernel_starts(i: int, k: int, s: int, p: int, d: int) -> list[int]:
    """Padded cell under the kernel's first tap at each position (cell ``p`` is input cell 0)."""
    return [j * s for j in range(conv_output_size(i, k, s, p, d))]


def _cells_never_read(i: int, k: int, s: int, p: int, d: int) -> list[int]:
    """Sorted padded cells that no kernel position reads."""
    read = {start + d * tap for start in _kernel_starts(i, k, s, p, d) for tap in range(k)}
    return [cell for cell in range(i + 2 * p) if cell not in read]


def positions_alt_text(input_size: int, kernel_size: int, stride: int = 1, padding: int = 0,
                       dilation: int = 1) -> str:
    """A sentence describing :func:`positions_figure` for the same arguments.

    Parameters
    ----------
    input_size, kernel_size, stride, padding, dilation : int
        As in :func:`positions_figure`.

    Returns
    -------
    str
        Names the settings, the output size, the first cell of every kernel
        position (cells numbered along the padded input) and the input cells
        (0-based, without padding) never read.

    Raises
    ------
    TypeError, ValueError
        As :func:`positions_figure`.
    """
    i, k, s, p, d = _check_axis(input_size, kernel_size, stride, padding, dilation)
    starts = _kernel_starts(i, k, s, p, d)
    unread = _cells_never_read(i, k, s, p, d)
    unread_input = [cell - p for cell in unread if p <= cell < p + i]
    dilated = f", dilation {d}" if d != 1 else ""
    text = (f"One axis of a convolution: {i} input cells, padding {p} on each side, kernel {k}, "
            f"stride {s}{dilated}. The kernel takes {len(starts)} positions, starting at padded cells "
            f"{', '.join(map(str, starts))}, so the output has {len(starts)} cells. ")
    if unread_input:
        text += f"Input cells never read: {', '.join(map(str, unread_input))}."
    else:
        text += "Every input cell is read."
    return text


def positions_figure(input_size: int, kernel_size: int, stride: int = 1, padding: int = 0,
                     dilation: int = 1, *, max_rows: int | None = None,
                     other_sizes: Iterable[int] | None = range(4, 10), width: float = 4.9) -> Figure:
    """One axis of a convolution: padded input, every kernel position as a row, output.

    A cross marks each cell that no kernel position reads. The title
    writes the output-size formula out with the numbers; an optional line
    underneath gives the output size for other input sizes with the same
    kernel, stride, padding and dilation. All sizes come from
    :func:`convkit.conv_output_size`.

    Parameters
    ----------
    input_size : int
        Cells of the input (without padding), ``>= 1``.
    kernel_size : int
        Taps of the kernel, ``>= 1``.
    stride : int, default 1
    padding : int, default 0
        Zeros on each side.
    dilation : int, default 1
        Spacing of the taps (1: contiguous).
    max_rows : int, optional
        Rows reserved for kernel positions; the figure's height depends only
        on this, so explorer frames with the same ``max_rows`` do not jump.
        Positions beyond it are not drawn (a note says how many). Default:
        the number of positions.
    other_sizes : iterable of int or None, default range(4, 10)
        Input sizes for the "other input sizes" line (sizes where the kernel
        does not fit are left out); None leaves the line out.
    width : float, default 4.9
        Figure width in inches.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    TypeError
        If an argument is not an int (the message names it).
    ValueError
        If an argument is out of range, the kernel is larger than the padded
        input, or ``max_rows`` is below 1.
    """
    i, k, s, p, d = _check_axis(input_size, kernel_size, stride, padding, dilation)
    starts = _kernel_starts(i, k, s, p, d)
    o = len(starts)
    rows = o if max_rows is None else check_int(max_rows, "max_rows", 1)
    unread = set(_cells_never_read(i, k, s, p, d))
    length = i + 2 * p                                      # cells of the padded input

    height = 1.1 + 0.17 * (rows + 2.5)
    fig = Figure(figsize=(width, height), facecolor=colors.FIGURE_FACE)
    ax = fig.add_axes((0.15, 0.7 / height, 0.83, 1 - 1.1 / height))

    for x in range(length):
        role = "padding" if (x < p or x >= p + i) else "input"
        ax.add_patch(Rectangle((x, -1), 1, 1, **colors.cell_style(role)))
        if x in unread:
            ax.text(x + 0.5, -0.5, "×", ha="center", va="center", fontsize=12, color=colors.EDGE)
    ax.text(-0.3, -0.5, "input", ha="right", va="center", fontsize=9)
    for j, start in enumerate(starts[:rows]):
        top = -(j + 1.25) - 0.8
        for tap in range(k):
            ax.add_patch(Rectangle((start + d * tap, top), 1, 0.8, **colors.cell_style("kernel")))
        ax.text(-0.3, top + 0.4, f"output {j}", ha="right", va="center", fontsize=9)
    if o > rows:
        ax.text(length / 2, -(rows + 1.25), f"… {o - rows} more position(s) not drawn",
                ha="center", va="center", fontsize=8)
    out_top = -(rows + 1.6) - 1
    for x in range(o):
        ax.add_patch(Rectangle((x, out_top), 1, 1, **colors.cell_style("output")))
    ax.text(-0.3, out_top + 0.5, "output", ha="right", va="center", fontsize=9)
    plain_axes(ax, (-0.2, max(10, length) + 0.2), (out_top - 0.2, 0.2), equal=False)

    span = d * (k - 1) + 1
    kernel_term = f"{span}" if d == 1 else f"{d}·{k - 1} − 1"
    fig.suptitle(f"i={i}, k={k}, s={s}, p={p}" + (f", d={d}" if d != 1 else "")
                 + f":  o = ⌊({i} + {2 * p} − {kernel_term}) / {s}⌋ + 1 = ⌊{length - span}/{s}⌋ + 1 = {o}",
                 fontsize=9, x=0.02, ha="left")
    if other_sizes is not None:
        others = "   ".join(f"{n}→{conv_output_size(n, k, s, p, d)}" for n in other_sizes
                            if n + 2 * p >= span)
        fig.text(0.5, 0.36 / height, f"same k, s, p, other input sizes i→o:  {others}",
                 ha="center", fontsize=9)
    fig.text(0.5, 0.1 / height, "× = cell never read by any kernel position", ha="center", fontsize=8.5)
    return fig

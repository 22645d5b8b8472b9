"""Chapter 6's figures: checkerboard artifacts, resize-then-convolve, output_padding, stamps.

Every helper returns a matplotlib ``Figure`` (built without pyplot) and has a
``*_description`` companion that writes its alt text from the same numbers.
The values drawn come from ``convkit`` (``conv_transpose2d``,
``overlap_counts``, ``resize_conv2d``), so a test can compare them with
PyTorch.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from convkit._validation import check_int
from convkit.conv_transpose import conv_transpose2d
from convkit.plotting import colors
from convkit.plotting._grid import format_value, no_ticks, plain_axes
from convkit.plotting.diagrams import conv_transpose_step_figure
from convkit.plotting.notes import add_note
from convkit.sizes import conv_transpose_output_size
from convkit.transposed import overlap_counts
from convkit.upsampling import resize_conv2d

__all__ = [
    "checkerboard_figure",
    "checkerboard_description",
    "upsampling_comparison_figure",
    "upsampling_comparison_description",
    "direct_input_sizes",
    "output_padding_figure",
    "output_padding_description",
    "stamps_figure",
    "stamps_description",
]

#: Input size of the overlap map drawn by :func:`checkerboard_figure`.
OVERLAP_INPUT = 4
#: Input size whose interior decides "even" or "uneven" (large enough for a 5x5 kernel at stride 1).
VERDICT_INPUT = 8


def _image_args(image, kernel_size, stride) -> tuple[np.ndarray, int, int]:
    """``image`` as a float64 ``(H, W)`` array of at least 2x2, and the checked ``k`` and ``s``."""
    k = check_int(kernel_size, "kernel_size", minimum=1)
    s = check_int(stride, "stride", minimum=1)
    array = np.asarray(image, dtype=np.float64)
    if array.ndim != 2 or min(array.shape) < 2:
        raise ValueError(f"image must be a 2D (H, W) array of at least 2x2, got shape {array.shape}")
    return array, k, s


def _uniform_upsample(x: np.ndarray, k: int, s: int) -> np.ndarray:
    """Transposed convolution of ``x`` with a uniform ``k x k`` kernel, each weight ``(s/k)^2``."""
    # (k/s)^2 stamps fall on an output pixel on average: dividing by that keeps the input's
    # brightness where the overlap is even and shows the checkerboard where it is not.
    weight = np.full((1, 1, k, k), (s / k) ** 2)  # (C_in, C_out, kH, kW)
    return conv_transpose2d(x[None, None], weight, stride=s)[0, 0]  # (1, 1, H_out, W_out) -> (H_out, W_out)


def _interior(kernel_size: int, stride: int) -> np.ndarray:
    """Overlap counts away from the border (``k - 1`` cells), for a ``VERDICT_INPUT`` square input."""
    counts = overlap_counts((VERDICT_INPUT, VERDICT_INPUT), kernel_size, stride)
    margin = kernel_size - 1
    return counts[margin: counts.shape[0] - margin, margin: counts.shape[1] - margin]


def checkerboard_description(image, kernel_size: int, stride: int) -> str:
    """Alt text of :func:`checkerboard_figure`, from the same overlap counts.

    Parameters
    ----------
    image, kernel_size, stride
        As in :func:`checkerboard_figure`.

    Returns
    -------
    str
        The figure's content in words, for its alt text.
    """
    x, k, s = _image_args(image, kernel_size, stride)
    inner = _interior(k, s)
    low, high = int(inner.min()), int(inner.max())
    if low == high:
        verdict = f"every interior output pixel receives {low} stamps, so the upsampled image is smooth"
    elif low == 0:
        verdict = (f"interior output pixels receive between 0 and {high} stamps: "
                   f"some receive none, and the upsampled image shows a grid of dark holes")
    else:
        verdict = (f"interior output pixels receive between {low} and {high} stamps, "
                   f"and the upsampled image shows a checkerboard")
    out = _uniform_upsample(x, k, s).shape
    return (f"Transposed convolution with a uniform {k}x{k} kernel and stride {s}. Left: the number "
            f"of overlapping kernel stamps on each output pixel for a {OVERLAP_INPUT}x{OVERLAP_INPUT} "
            f"input; {verdict}. Right: a {x.shape[0]}x{x.shape[1]} photograph upsampled to "
            f"{out[0]}x{out[1]} this way.")


def checkerboard_figure(image, kernel_size: int, stride: int) -> Figure:
    """The overlap counts of a transposed convolution and their print on an image.

    Left: :func:`convkit.overlap_counts` for a 4x4 input (a ``cividis`` map
    with the counts printed). Right: a transposed convolution of ``image``
    with a uniform kernel scaled by ``(s/k)^2``, in grey levels 0 to 255.
    The figure has the same size for every kernel size and stride, so it can
    serve as explorer frames.

    Parameters
    ----------
    image : array_like
        ``(H, W)`` grey levels in ``[0, 255]``.
    kernel_size, stride : int

    Returns
    -------
    matplotlib.figure.Figure
    """
    x, k, s = _image_args(image, kernel_size, stride)
    counts = overlap_counts((OVERLAP_INPUT, OVERLAP_INPUT), k, s)  # (H_out, W_out)
    inner = _interior(k, s)
    fig = Figure(figsize=(6.6, 3.1), facecolor=colors.FIGURE_FACE)
    ax_map = fig.add_axes((0.03, 0.06, 0.44, 0.76))
    ax_img = fig.add_axes((0.53, 0.06, 0.44, 0.76))
    image_map = ax_map.imshow(counts, cmap=colors.SEQUENTIAL_CMAP, vmin=0, vmax=9)
    rows, cols = counts.shape
    fontsize = 8 if max(rows, cols) <= 10 else 7 if max(rows, cols) <= 14 else 5
    for r in range(rows):
        for c in range(cols):
            light = image_map.norm(counts[r, c]) > 0.55
            ax_map.text(c, r, str(counts[r, c]), ha="center", va="center", fontsize=fontsize,
                        color="black" if light else "white")
    ax_map.set_title(f"stamps per output pixel ({OVERLAP_INPUT}×{OVERLAP_INPUT} input)\n"
                     + (f"interior: all {inner.min()}" if inner.min() == inner.max()
                        else f"interior: {inner.min()} to {inner.max()}"), fontsize=8.5)
    ax_img.imshow(_uniform_upsample(x, k, s), cmap="gray", vmin=0, vmax=255,
                  interpolation="nearest")
    even = "even" if inner.min() == inner.max() else "uneven"
    ax_img.set_title(f"a {x.shape[0]}×{x.shape[1]} photo upsampled\n({even} overlap)", fontsize=8.5)
    no_ticks(ax_map, ax_img)
    fig.suptitle(f"uniform {k}×{k} kernel, stride {s}", fontsize=9.5, y=0.98)
    return fig


def upsampling_comparison_description(image, kernel_size: int, stride: int) -> str:
    """Alt text of :func:`upsampling_comparison_figure`.

    Parameters
    ----------
    image, kernel_size, stride
        As in :func:`upsampling_comparison_figure`.

    Returns
    -------
    str
        The figure's content in words, for its alt text.
    """
    x, k, s = _image_args(image, kernel_size, stride)
    a, b = _comparison_outputs(x, k, s)
    return (f"Three grey images: a {x.shape[0]}x{x.shape[1]} photograph; the same upsampled by a "
            f"transposed convolution with a uniform {k}x{k} kernel and stride {s} ({a.shape[0]}x"
            f"{a.shape[1]}), covered by a regular grid pattern; and upsampled by nearest-neighbour "
            f"resizing by {s} followed by a {k}x{k} uniform convolution ({b.shape[0]}x{b.shape[1]}), "
            f"smooth, with no grid pattern.")


def _comparison_outputs(x: np.ndarray, k: int, s: int) -> tuple[np.ndarray, np.ndarray]:
    transposed = _uniform_upsample(x, k, s)  # (H_out, W_out)
    box = np.full((1, 1, k, k), 1.0 / k**2)  # (C_out, C_in, kH, kW): a box blur
    resized = resize_conv2d(x[None, None], box, scale_factor=s, padding="same")[0, 0]  # (sH, sW)
    return transposed, resized


def upsampling_comparison_figure(image, kernel_size: int, stride: int) -> Figure:
    """An image upsampled by a transposed convolution and by resize-then-convolve.

    Three panels in grey levels 0 to 255: the input, a strided transposed
    convolution with a uniform kernel scaled by ``(s/k)^2``, and
    :func:`convkit.resize_conv2d` with the same kernel normalised to sum 1
    (nearest-neighbour resizing by ``stride``, then a stride-1 'same'
    convolution), the fix of Odena, Dumoulin and Olah (2016).

    Parameters
    ----------
    image : array_like
        ``(H, W)`` grey levels in ``[0, 255]``.
    kernel_size, stride : int

    Returns
    -------
    matplotlib.figure.Figure
    """
    x, k, s = _image_args(image, kernel_size, stride)
    transposed, resized = _comparison_outputs(x, k, s)
    fig = Figure(figsize=(7.2, 2.8), facecolor=colors.FIGURE_FACE)
    panels = [
        (x, f"input {x.shape[0]}×{x.shape[1]}"),
        (transposed, f"transposed conv, k={k}, s={s}\n{transposed.shape[0]}×{transposed.shape[1]}"),
        (resized, f"resize ×{s}, then conv k={k}\n{resized.shape[0]}×{resized.shape[1]}"),
    ]
    for index, (values, title) in enumerate(panels):
        ax = fig.add_axes((0.02 + index * 0.33, 0.04, 0.30, 0.76))
        ax.imshow(values, cmap="gray", vmin=0, vmax=255, interpolation="nearest")
        ax.set_title(title, fontsize=8.5)
        no_ticks(ax)
    return fig


def direct_input_sizes(output_size: int, kernel_size: int, stride: int = 1, padding: int = 0,
                       dilation: int = 1) -> list[int]:
    """Every input size that a convolution maps to ``output_size``.

    The floor in ``o = floor((i + 2p - d(k-1) - 1) / s) + 1`` maps the ``s``
    sizes ``i0, ..., i0 + s - 1`` with ``i0 = (o - 1) s - 2p + d(k-1) + 1``
    to the same ``o``; ``i0`` is what a transposed convolution returns with
    ``output_padding=0``, and ``output_padding=a`` returns ``i0 + a``.

    Parameters
    ----------
    output_size, kernel_size, stride : int
    padding : int, default 0
    dilation : int, default 1

    Returns
    -------
    list of int
        The sizes, increasing (only positive ones).
    """
    o = check_int(output_size, "output_size", minimum=1)
    k = check_int(kernel_size, "kernel_size", minimum=1)
    s = check_int(stride, "stride", minimum=1)
    d = check_int(dilation, "dilation", minimum=1)
    p = check_int(padding, "padding", minimum=0)
    first = (o - 1) * s - 2 * p + d * (k - 1) + 1
    return [i for i in range(first, first + s) if i >= 1]


def _output_padding_check(input_size, kernel_size, stride, padding, output_padding):
    i = check_int(input_size, "input_size", minimum=1)
    k = check_int(kernel_size, "kernel_size", minimum=1)
    s = check_int(stride, "stride", minimum=1)
    p = check_int(padding, "padding", minimum=0)
    return i, k, s, p, check_int(output_padding, "output_padding", minimum=0)


def output_padding_description(input_size: int, kernel_size: int, stride: int, padding: int,
                               output_padding: int) -> str:
    """Alt text of :func:`output_padding_figure`.

    Parameters
    ----------
    input_size, kernel_size, stride, padding, output_padding
        As in :func:`output_padding_figure`.

    Returns
    -------
    str
        The figure's content in words, for its alt text.
    """
    i, k, s, p, a = _output_padding_check(input_size, kernel_size, stride, padding, output_padding)
    if a >= s:
        return (f"No output: PyTorch refuses output_padding {a} with stride {s}; output_padding "
                f"must be smaller than the stride (or the dilation).")
    o = conv_transpose_output_size(i, k, s, p, a)
    sizes = direct_input_sizes(i, k, s, p)
    return (f"Transposed convolution of a {i}x{i} input with a {k}x{k} kernel, stride {s}, padding {p}, "
            f"output_padding {a}: {s - 1} zero(s) inserted between input cells, {k - 1 - p} cell(s) of "
            f"implied padding, output {o}x{o}. A convolution with the same kernel, stride and padding "
            f"maps input sizes {', '.join(map(str, sizes))} to {i}; this output_padding picks {o}.")


def output_padding_figure(input_size: int, kernel_size: int, stride: int, padding: int,
                          output_padding: int, cell_inches: float = 0.3, width: float = 5.6) -> Figure:
    """The zero-inserted grid and output of a transposed convolution, with the sizes it can restore.

    :func:`convkit.plotting.conv_transpose_step_figure` at its last step, and
    a note under it: which input sizes the direct convolution (same kernel,
    stride, padding) maps to ``input_size``, and which of them this
    ``output_padding`` gives back. An ``output_padding`` that PyTorch
    refuses (not smaller than the stride) draws a message instead.

    Parameters
    ----------
    input_size, kernel_size, stride : int
        Square input and kernel; ``padding <= kernel_size - 1``.
    padding, output_padding : int
    cell_inches : float, default 0.3
    width : float, default 5.6
        Width of the figure in inches (the drawing is centred in it), so
        that titles fit and explorer frames do not jump sideways.

    Returns
    -------
    matplotlib.figure.Figure
    """

    i, k, s, p, a = _output_padding_check(input_size, kernel_size, stride, padding, output_padding)
    if a >= s:
        fig = Figure(figsize=(4.6, 1.6), facecolor=colors.FIGURE_FACE)
        fig.text(0.5, 0.5, f"output_padding={a} with stride={s}:\nPyTorch refuses "
                 f"(output_padding must be < stride)", ha="center", va="center", fontsize=10)
        return fig
    o = conv_transpose_output_size(i, k, s, p, a)
    fig = conv_transpose_step_figure(i, k, s, p, a, step=o * o - 1, cell_inches=cell_inches)
    _widen(fig, width)
    sizes = direct_input_sizes(i, k, s, p)
    return add_note(fig, f"conv2d(k={k}, s={s}, p={p}) maps sizes {', '.join(map(str, sizes))} to {i};\n"
                         f"output_padding={a} gives back {o}", inches=0.5, fontsize=8.5)


def _widen(fig: Figure, width: float) -> None:
    """Make ``fig`` at least ``width`` inches wide, its axes unchanged in inches and centred."""
    old_width, height = fig.get_size_inches()
    if old_width >= width:
        return
    shift = (width - old_width) / 2
    boxes = [ax.get_position() for ax in fig.axes]
    fig.set_size_inches(width, height)
    for ax, box in zip(fig.axes, boxes):
        ax.set_position((
            (box.x0 * old_width + shift) / width, box.y0, box.width * old_width / width, box.height,
        ))


def _stamp_operands(input, weight, stride):
    x = np.asarray(input)
    w = np.asarray(weight)
    if x.ndim != 2 or w.ndim != 2:
        raise ValueError(f"input and weight must be 2D (H, W) and (kH, kW), got {x.shape} and {w.shape}")
    if x.size > 9:
        raise ValueError(f"input must have at most 9 pixels (one panel each), got {x.shape}")
    return x, w, check_int(stride, "stride", minimum=1)


def _stamps(x: np.ndarray, w: np.ndarray, s: int) -> list[np.ndarray]:
    """Each input pixel's stamp ``x[j, l] * w``, placed at ``(j s, l s)`` on the output canvas."""
    kh, kw = w.shape
    shape = ((x.shape[0] - 1) * s + kh, (x.shape[1] - 1) * s + kw)
    result = []
    for j in range(x.shape[0]):
        for l in range(x.shape[1]):
            canvas = np.zeros(shape, dtype=np.result_type(x, w))
            canvas[j * s: j * s + kh, l * s: l * s + kw] = x[j, l] * w
            result.append(canvas)
    return result


def stamps_figure(input, weight, stride: int) -> Figure:
    """A transposed convolution as a sum of stamps: one panel per input pixel, then the sum.

    Each panel shows the output canvas with the stamp ``input[j, l] *
    weight`` (green cells with values, thick outline) at ``(j s, l s)``;
    the last panel is their sum, :func:`convkit.conv_transpose2d`.

    Parameters
    ----------
    input : array_like
        ``(H, W)``, at most 9 pixels.
    weight : array_like
        ``(kH, kW)``.
    stride : int

    Returns
    -------
    matplotlib.figure.Figure
    """

    x, w, s = _stamp_operands(input, weight, stride)
    parts = _stamps(x, w, s)
    total = conv_transpose2d(x[None, None], w[None, None], stride=s)[0, 0]  # (H_out, W_out)
    rows, cols = total.shape
    panels = len(parts) + 1
    cell = 0.3
    fig = Figure(figsize=(panels * (cols + 1.2) * cell, (rows + 2.4) * cell), facecolor=colors.FIGURE_FACE)
    kh, kw = w.shape
    for index in range(panels):
        ax = fig.add_axes((index / panels, 0.0, 1 / panels, 1.0))
        plain_axes(ax, (-0.6, cols + 0.6), (rows + 0.3, -2.1))
        if index < len(parts):
            j, l = divmod(index, x.shape[1])
            values = parts[index]
            window = (slice(j * s, j * s + kh), slice(l * s, l * s + kw))
            title = f"x[{j},{l}] = {format_value(x[j, l])}\nstamps {format_value(x[j, l])}·w"
        else:
            values = total
            window = (slice(0, rows), slice(0, cols))
            title = "sum of the stamps\n= conv_transpose2d"
        inside = np.zeros(total.shape, dtype=bool)
        inside[window] = True
        for r in range(rows):
            for c in range(cols):
                role = "output" if inside[r, c] else "empty"
                ax.add_patch(Rectangle((c, r), 1, 1, **colors.cell_style(role)))
                if inside[r, c]:
                    ax.text(c + 0.5, r + 0.5, format_value(values[r, c]), ha="center", va="center",
                            fontsize=7, color=colors.EDGE)
        if index < len(parts):
            ax.add_patch(Rectangle((l * s, j * s), kw, kh, fill=False, **{
                k: v for k, v in colors.cell_style("kernel").items() if k in ("edgecolor", "linewidth")}))
        ax.text(cols / 2, -0.3, title, ha="center", va="bottom", fontsize=7.5)
        if index < panels - 1:
            ax.text(cols + 0.6, rows / 2, "+" if index < panels - 2 else "=", ha="center", va="center",
                    fontsize=11, color=colors.EDGE)
    return fig


def stamps_description(input, weight, stride: int) -> str:
    """Alt text of :func:`stamps_figure`.

    Parameters
    ----------
    input, weight, stride
        As in :func:`stamps_figure`.

    Returns
    -------
    str
        The figure's content in words, for its alt text.
    """
    x, w, s = _stamp_operands(input, weight, stride)
    total = conv_transpose2d(x[None, None], w[None, None], stride=s)[0, 0]
    return (f"A {x.shape[0]}x{x.shape[1]} input and a {w.shape[0]}x{w.shape[1]} kernel with stride {s}: "
            f"{x.size} panels, each an empty {total.shape[0]}x{total.shape[1]} output canvas holding one "
            f"input pixel's stamp, the kernel multiplied by that pixel's value, placed {s} cells further "
            f"for each step between input pixels; the last panel is their sum, in which the overlapping "
            f"cells of neighbouring stamps add up: rows of the sum are "
            + "; ".join(" ".join(str(v) for v in row) for row in total.tolist()) + ".")

"""Chapter 6's three views of the transposed convolution, in 2D.

:mod:`convkit.conv_transpose` holds the PyTorch mirrors
(``conv_transpose1d/2d/3d``). Chapter 6 shows
that three other descriptions compute the same thing, and this module
implements each one so that tests (and readers) can compare them:

* ``conv_transpose2d_zero_insertion``: insert ``s - 1`` zeros between input
  pixels (``zero_insert``), pad with ``d (k - 1) - p`` zeros, and run a
  stride-1 convolution with the spatially flipped, channel-swapped kernel;
* ``conv_transpose2d_scatter``: every input pixel stamps a copy of the kernel,
  scaled by its value, into the output;
* ``conv_transpose2d_matrix``: write the convolution as ``y = C x``
  (``conv_matrix``); the transposed convolution multiplies by ``C.T``.

``overlap_counts`` counts how many kernel taps land on each output pixel, the
uneven pattern behind checkerboard artifacts.
"""

from __future__ import annotations

import math

import numpy as np

from ._params import ConvArgs, conv_args, transpose_args
from ._validation import as_array, check_shape, finish, to_tuple, to_tuples
from .conv import conv2d
from .conv_transpose import conv_transpose2d
from .padding import pad
from .sizes import output_sizes

__all__ = [
    "conv_transpose2d_zero_insertion",
    "conv_transpose2d_scatter",
    "conv_transpose2d_matrix",
    "zero_insert",
    "conv_matrix",
    "overlap_counts",
]


def zero_insert(input, stride):
    """Insert ``stride - 1`` zeros between neighbouring elements (the dilated input).

    Parameters
    ----------
    input : array_like
        Any numeric array, e.g. ``(H, W)``, ``(C, H, W)`` or ``(N, C, H, W)``.
    stride : int or tuple of int
        An int acts on the last two axes (on the only axis of a 1D array);
        a tuple of ``m`` ints acts on the last ``m`` axes, one entry each.

    Returns
    -------
    numpy.ndarray
        Same dtype and leading axes as ``input``; an axis of size ``i`` with
        stride ``s`` becomes ``(i - 1) * s + 1`` long, with ``input[..., j]``
        at position ``j * s`` and zeros between.

    Raises
    ------
    TypeError
        If ``input`` is not numeric or ``stride`` is not an int or a tuple of ints.
    ValueError
        If ``stride`` is not positive or has more entries than ``input`` has axes.

    Notes
    -----
    This is the first step of the zero-insertion view of a transposed
    convolution (chapter 6); it is also why a transposed convolution is
    called *fractionally strided*: a stride of ``1/s`` over the input.

    Examples
    --------
    >>> import numpy as np
    >>> from convkit import zero_insert
    >>> zero_insert(np.array([[1, 2], [3, 4]]), 2)
    array([[1, 0, 2],
           [0, 0, 0],
           [3, 0, 4]])
    """
    x = as_array(input, "input")
    if x.ndim == 0:
        raise ValueError("input must have at least one axis, got a scalar")
    if isinstance(stride, (tuple, list)):
        m = len(stride)
        if m == 0 or m > x.ndim:
            raise ValueError(
                f"stride must have between 1 and {x.ndim} entries (input has {x.ndim} axes), "
                f"got {stride!r}"
            )
    else:
        m = min(2, x.ndim)
    steps = to_tuple(stride, m, "stride", minimum=1)
    lead = x.shape[: x.ndim - m]
    sizes = x.shape[x.ndim - m:]
    out_shape = lead + tuple((i - 1) * s + 1 if i > 0 else 0 for i, s in zip(sizes, steps))
    out = np.zeros(out_shape, dtype=x.dtype)
    out[(Ellipsis,) + tuple(slice(None, None, s) for s in steps)] = x
    return out


def _flipped_swapped(weight: np.ndarray, groups: int) -> np.ndarray:
    """Transposed weight ``(C_in, C_out/G, kH, kW)`` -> conv weight ``(C_out, C_in/G, kH, kW)``, flipped."""
    c_in, per_group_out, kh, kw = weight.shape
    w = weight.reshape(groups, c_in // groups, per_group_out, kh, kw)  # (G, C_in/G, C_out/G, kH, kW)
    w = w.transpose(0, 2, 1, 3, 4)  # (G, C_out/G, C_in/G, kH, kW)
    w = w.reshape(groups * per_group_out, c_in // groups, kh, kw)  # (C_out, C_in/G, kH, kW)
    return w[:, :, ::-1, ::-1]


def conv_transpose2d_zero_insertion(
    input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1
):
    """2D transposed convolution as zero insertion plus an ordinary convolution.

    Parameters
    ----------
    input, weight, bias, stride, padding, output_padding, groups, dilation
        As in :func:`conv_transpose2d`.

    Returns
    -------
    numpy.ndarray
        ``(N, C_out, H_out, W_out)`` (no batch axis for unbatched input),
        equal to ``conv_transpose2d`` up to rounding.

    Raises
    ------
    TypeError, ValueError
        As :func:`conv_transpose2d`.

    Notes
    -----
    The three steps, per spatial axis with stride ``s``, padding ``p``,
    dilation ``d`` and kernel size ``k``:

    1. insert ``s - 1`` zeros between neighbouring input pixels
       (:func:`zero_insert`), size ``(i - 1) s + 1``;
    2. pad ``d (k - 1) - p`` zeros on both sides, plus ``output_padding`` at
       the end (a negative amount crops instead);
    3. run a stride-1 :func:`~convkit.conv2d` with the same dilation and
       groups, using the kernel flipped in both spatial axes with its two
       channel axes swapped within each group.

    Most of the multiplications of step 3 hit inserted zeros, which is why
    :func:`conv_transpose2d` does not work this way. Chapter 6 explains the
    view.

    Examples
    --------
    >>> import numpy as np
    >>> from convkit import conv_transpose2d, conv_transpose2d_zero_insertion
    >>> rng = np.random.default_rng(0)
    >>> x, w = rng.normal(size=(2, 3, 3)), rng.normal(size=(2, 4, 3, 3))
    >>> np.allclose(conv_transpose2d_zero_insertion(x, w, stride=2, padding=1),
    ...             conv_transpose2d(x, w, stride=2, padding=1))
    True
    """
    args = transpose_args(
        input, weight, bias, stride, padding, output_padding, groups, dilation, 2,
        "conv_transpose2d_zero_insertion",
    )
    kernel = args.weight.shape[2:]
    x = zero_insert(args.input, args.stride)  # (N, C_in, (H-1)s+1, (W-1)s+1)
    before = [d * (k - 1) - p for d, k, p in zip(args.dilation, kernel, args.pad_before)]
    after = [b + op for b, op in zip(before, args.output_padding)]
    # pad (last axis first) crops where an amount is negative: a padding above d (k - 1).
    x = pad(x, (before[1], after[1], before[0], after[0]))  # (N, C_in, H_out + d(kH-1), ...)
    out = conv2d(
        x, _flipped_swapped(args.weight, args.groups), args.bias,
        stride=1, padding=0, dilation=args.dilation, groups=args.groups,
    )
    return out[0] if args.unbatched else out


def conv_transpose2d_scatter(
    input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1
):
    """2D transposed convolution as a sum of kernel stamps, one per input pixel.

    Parameters
    ----------
    input, weight, bias, stride, padding, output_padding, groups, dilation
        As in :func:`conv_transpose2d`.

    Returns
    -------
    numpy.ndarray
        ``(N, C_out, H_out, W_out)`` (no batch axis for unbatched input),
        equal to ``conv_transpose2d`` up to rounding.

    Raises
    ------
    TypeError, ValueError
        As :func:`conv_transpose2d`.

    Notes
    -----
    Input pixel ``(h, w)`` stamps the (dilated) kernel, multiplied by its
    value and summed over the input channels of its group, onto the output
    window whose top-left corner is ``(h s_H, w s_W)``; overlapping stamps
    add up. The stamps are laid on an uncropped canvas which is then cropped
    by ``padding`` on each side. One Python iteration per input pixel: fine
    for the small examples of chapter 6, slow for real images.

    Examples
    --------
    >>> import numpy as np
    >>> from convkit import conv_transpose2d_scatter
    >>> conv_transpose2d_scatter(np.array([[[1, 2]]]), np.ones((1, 1, 2, 2), dtype=int))
    array([[[1, 3, 2],
            [1, 3, 2]]])
    """
    args = transpose_args(
        input, weight, bias, stride, padding, output_padding, groups, dilation, 2,
        "conv_transpose2d_scatter",
    )
    x, w, g = args.input, args.weight, args.groups
    n_batch, c_in, height, width = x.shape
    per_group_in, per_group_out, kh, kw = c_in // g, w.shape[1], w.shape[2], w.shape[3]
    (sh, sw), (dh, dw) = args.stride, args.dilation
    (ph, pw), (oh, ow) = args.pad_before, args.out_size
    canvas = np.zeros((n_batch, g, per_group_out, oh + 2 * ph, ow + 2 * pw), dtype=w.dtype)
    xg = x.reshape(n_batch, g, per_group_in, height, width)  # (N, G, C_in/G, H, W)
    wg = w.reshape(g, per_group_in, per_group_out * kh * kw)  # (G, C_in/G, C_out/G * kH * kW)
    for h in range(height):
        for col in range(width):
            # (N, G, 1, C_in/G) @ (G, C_in/G, C_out/G * kH * kW): each image's stamp
            stamp = (xg[:, :, np.newaxis, :, h, col] @ wg)[:, :, 0]  # (N, G, C_out/G * kH * kW)
            stamp = stamp.reshape(n_batch, g, per_group_out, kh, kw)  # (N, G, C_out/G, kH, kW)
            canvas[
                ...,
                h * sh : h * sh + dh * (kh - 1) + 1 : dh,
                col * sw : col * sw + dw * (kw - 1) + 1 : dw,
            ] += stamp
    out = canvas[..., ph : ph + oh, pw : pw + ow]  # (N, G, C_out/G, H_out, W_out)
    out = np.ascontiguousarray(out).reshape(n_batch, g * per_group_out, oh, ow)  # (N, C_out, H_out, W_out)
    return finish(out, args.bias, args.unbatched)


def _conv_matrix(input_shape: tuple[int, ...], weight: np.ndarray, args: ConvArgs) -> np.ndarray:
    """Dense ``(C_out, H_out, W_out, C_in, H, W)`` matrix of a conv2d with ``args``' stride ..."""
    c_in, height, width = input_shape
    c_out, per_group_in, kh, kw = weight.shape
    stride, padding, dilation, groups = args.stride, args.pad_before, args.dilation, args.groups
    per_group_out = c_out // groups
    totals = [before + after for before, after in zip(padding, args.pad_after)]
    oh, ow = output_sizes((height, width), (kh, kw), stride, totals, dilation)
    matrix = np.zeros((c_out, oh, ow, c_in, height, width), dtype=weight.dtype)
    rows_out, cols_out = np.arange(oh), np.arange(ow)
    for g in range(groups):
        outs = np.arange(g * per_group_out, (g + 1) * per_group_out)
        ins = np.arange(g * per_group_in, (g + 1) * per_group_in)
        for a in range(kh):
            rows_in = rows_out * stride[0] - padding[0] + a * dilation[0]
            keep_r = (rows_in >= 0) & (rows_in < height)
            for b in range(kw):
                cols_in = cols_out * stride[1] - padding[1] + b * dilation[1]
                keep_c = (cols_in >= 0) & (cols_in < width)
                # Output (o, i, j) reads input (c, rows_in[i], cols_in[j]) through
                # weight[o, c, a, b]; positions that fall in the padding read zeros.
                matrix[
                    outs[:, None, None, None],
                    rows_out[keep_r][None, :, None, None],
                    cols_out[keep_c][None, None, :, None],
                    ins[None, None, None, :],
                    rows_in[keep_r][None, :, None, None],
                    cols_in[keep_c][None, None, :, None],
                ] = weight[g * per_group_out:(g + 1) * per_group_out, :, a, b][:, None, None, :]
    return matrix


def conv_matrix(input_shape, weight, stride=1, padding=0, dilation=1, groups=1):
    """The dense matrix ``C`` of a 2D convolution: ``y.ravel() == C @ x.ravel()``.

    Parameters
    ----------
    input_shape : tuple of 3 ints
        ``(C_in, H, W)`` of the unbatched input ``x``.
    weight : array_like
        ``(C_out, C_in/groups, kH, kW)``, a convolution (not transposed) weight.
    stride, padding, dilation, groups
        As in :func:`~convkit.conv2d`.

    Returns
    -------
    numpy.ndarray
        ``(C_out * H_out * W_out, C_in * H * W)`` in the dtype of ``weight``,
        rows and columns in C order of ``(C_out, H_out, W_out)`` and
        ``(C_in, H, W)``, so that ``conv2d(x, weight, ...).ravel()`` equals
        ``C @ x.ravel()``. Its transpose is the transposed convolution:
        ``C.T @ y.ravel()`` equals ``conv_transpose2d(y, weight, ...).ravel()``
        with the same stride, padding, dilation and groups, whenever
        ``conv_transpose2d`` maps ``(H_out, W_out)`` back to ``(H, W)``.

    Raises
    ------
    TypeError
        If ``input_shape`` is not a tuple of ints, ``weight`` is not numeric,
        or another argument has the wrong type.
    ValueError
        If ``input_shape`` does not hold three positive sizes, or as
        :func:`~convkit.conv2d` for an input of that shape.

    Notes
    -----
    Each row holds one output pixel's kernel weights at the columns of the
    input pixels under it and zeros elsewhere, so ``C`` is sparse (chapter 6):
    a 4x4 input and a 3x3 kernel give a 4x16 matrix with 9 non-zeros per row.
    Dense storage takes ``C_out H_out W_out C_in H W`` numbers: for teaching
    sizes only.

    Examples
    --------
    >>> import numpy as np
    >>> from convkit import conv_matrix
    >>> C = conv_matrix((1, 4, 4), np.arange(1, 10).reshape(1, 1, 3, 3))
    >>> C.shape
    (4, 16)
    >>> C[0]
    array([1, 2, 3, 0, 4, 5, 6, 0, 7, 8, 9, 0, 0, 0, 0, 0])
    """
    input_shape = check_shape(input_shape, "input_shape", "C_in, H, W")
    weight = as_array(weight, "weight")
    probe = np.broadcast_to(np.zeros((), weight.dtype), (1,) + input_shape)  # no data: the checks
    args = conv_args(probe, weight, None, stride, padding, dilation, groups, 2, "conv_matrix")
    matrix = _conv_matrix(input_shape, weight, args)
    rows = weight.shape[0] * math.prod(args.out_size)
    return matrix.reshape(rows, math.prod(input_shape))  # (C_out * H_out * W_out, C_in * H * W)


def conv_transpose2d_matrix(
    input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1
):
    """2D transposed convolution as multiplication by ``C.T``.

    Parameters
    ----------
    input, weight, bias, stride, padding, output_padding, groups, dilation
        As in :func:`conv_transpose2d`.

    Returns
    -------
    numpy.ndarray
        ``(N, C_out, H_out, W_out)`` (no batch axis for unbatched input),
        equal to ``conv_transpose2d`` up to rounding.

    Raises
    ------
    TypeError, ValueError
        As :func:`conv_transpose2d`.

    Notes
    -----
    Read as a convolution weight, ``weight`` maps ``C_out`` channels to
    ``C_in``; its convolution matrix ``C`` (:func:`conv_matrix`) on an input
    of the transposed output's shape ``(C_out, H_out, W_out)`` with the same
    stride, padding, dilation and groups maps back to ``(C_in, H, W)``, and
    the transposed convolution is ``x -> C.T x``. When ``output_padding`` is
    at least the stride (possible with a larger dilation), that convolution
    produces more than ``H`` rows (or ``W`` columns); only the rows of ``C``
    belonging to the first ``H x W`` positions are kept. Dense, so for
    teaching sizes only. Chapter 6 explains the view.

    Examples
    --------
    >>> import numpy as np
    >>> from convkit import conv_transpose2d, conv_transpose2d_matrix
    >>> rng = np.random.default_rng(0)
    >>> x, w = rng.normal(size=(2, 2, 2)), rng.normal(size=(2, 3, 3, 3))
    >>> np.allclose(conv_transpose2d_matrix(x, w, stride=2),
    ...             conv_transpose2d(x, w, stride=2))
    True
    """
    args = transpose_args(
        input, weight, bias, stride, padding, output_padding, groups, dilation, 2,
        "conv_transpose2d_matrix",
    )
    x, w = args.input, args.weight
    n_batch, c_in, height, width = x.shape
    c_out = w.shape[1] * args.groups
    out_size = args.out_size
    # The convolution of the same parameters maps (C_out, H_out, W_out) back to (C_in, H', W'),
    # H' >= H and W' >= W.
    matrix = _conv_matrix((c_out,) + out_size, w, args)  # (C_in, H', W', C_out, H_out, W_out)
    matrix = matrix[:, :height, :width].reshape(c_in * height * width, -1)  # (C_in*H*W, C_out*H_out*W_out)
    flat = x.reshape(n_batch, c_in * height * width)  # (N, C_in*H*W)
    out = (flat @ matrix).reshape((n_batch, c_out) + out_size)  # (N, C_out, H_out, W_out)
    return finish(out, args.bias, args.unbatched)


# ---------------------------------------------------------------------------
# overlap counts (checkerboard artifacts)
# ---------------------------------------------------------------------------


def overlap_counts(input_size, kernel_size, stride, dilation=1):
    """How many kernel taps land on each output pixel of a transposed convolution.

    Parameters
    ----------
    input_size : int or tuple of ints
        Input length (1D) or ``(H, W)`` (2D).
    kernel_size : int or tuple of ints
        ``k`` or ``(kH, kW)``.
    stride : int or tuple of ints
        ``s`` or ``(sH, sW)``.
    dilation : int or tuple of ints, default 1
        ``d`` or ``(dH, dW)``. The number of dimensions is the length of
        the tuples given (they must agree; a 1-tuple counts for every axis);
        with ints only, the result is 1D.

    Returns
    -------
    numpy.ndarray of int64
        ``(L_out,)`` or ``(H_out, W_out)`` with ``(i - 1) s + d (k - 1) + 1``
        along each axis (no padding): the count at each output position,
        equal to ``conv_transpose`` of an all-ones input with an all-ones
        kernel.

    Raises
    ------
    TypeError
        If an argument is not an int or a tuple of ints.
    ValueError
        If an entry is not positive or the tuples have different lengths.

    Notes
    -----
    When the kernel size is not divisible by the stride, neighbouring output
    pixels receive different numbers of contributions: the 1D pattern
    repeats with period ``s``, and the 2D count is the outer product of the
    two 1D counts, a checkerboard. This uneven overlap is the source of the
    checkerboard artifacts of Odena, Dumoulin and Olah (2016), chapter 6.

    Examples
    --------
    >>> from convkit import overlap_counts
    >>> overlap_counts(4, 3, 2)
    array([1, 1, 2, 1, 2, 1, 2, 1, 1])
    >>> overlap_counts((2, 2), 3, 2)
    array([[1, 1, 2, 1, 1],
           [1, 1, 2, 1, 1],
           [2, 2, 4, 2, 2],
           [1, 1, 2, 1, 1],
           [1, 1, 2, 1, 1]])
    """
    sizes, _ = to_tuples(input_size=input_size, kernel_size=kernel_size, stride=stride,
                         dilation=dilation)
    counts = []
    for i, k, s, d in zip(*sizes):
        axis = np.zeros((i - 1) * s + d * (k - 1) + 1, dtype=np.int64)
        for t in range(k):
            axis[t * d : t * d + (i - 1) * s + 1 : s] += 1  # where tap t of every input lands
        counts.append(axis)
    out = counts[0]
    for axis in counts[1:]:
        out = np.multiply.outer(out, axis)  # taps of a separable box kernel: the counts multiply
    return out

"""Transposed convolutions in 1, 2 and 3 D, and the three ways to see them.

``conv_transpose1d``, ``conv_transpose2d`` and ``conv_transpose3d`` mirror
``torch.nn.functional``: same argument names, order and defaults, weights of
shape ``(C_in, C_out/groups, *kernel)``, and the output size along each axis

.. math::

    o = (i - 1) s - 2 p + d (k - 1) + \\text{output\\_padding} + 1 .

The definition is a scatter: input position ``j`` of channel ``c`` adds
``x[c, j] * w[c, o, t]`` to output position ``j s + t d - p`` of every output
channel ``o`` of its group, for every kernel tap ``t``. The vectorised routine
turns that around and loops over the taps instead of the pixels (col2im): one
matrix multiply per group gives, for every tap, the slab of contributions of
all input pixels, and each slab is added into a strided slice of the output.
Nothing is spent on inserted zeros.

Chapter 6 shows that three other descriptions compute the same thing, and this
module implements each one for 2D so that tests (and readers) can compare them:

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

import itertools
import math
from typing import Any, NamedTuple

import numpy as np

from ._docstrings import fill_doc
from ._validation import as_array, cast_to_result, check_bias, check_groups, conv_operands, to_tuple

__all__ = [
    "conv_transpose1d",
    "conv_transpose2d",
    "conv_transpose3d",
    "conv_transpose1d_naive",
    "conv_transpose2d_naive",
    "conv_transpose3d_naive",
    "conv_transpose2d_zero_insertion",
    "conv_transpose2d_scatter",
    "conv_transpose2d_matrix",
    "zero_insert",
    "conv_matrix",
    "overlap_counts",
]


class _TransposeArgs(NamedTuple):
    """Checked, normalised arguments of a transposed convolution."""

    input: np.ndarray  # (N, C_in, *spatial), in the result dtype
    weight: np.ndarray  # (C_in, C_out / groups, *kernel), in the result dtype
    bias: np.ndarray | None  # (C_out,) in the result dtype, or None
    stride: tuple[int, ...]
    padding: tuple[int, ...]
    output_padding: tuple[int, ...]
    groups: int
    dilation: tuple[int, ...]
    out_size: tuple[int, ...]
    unbatched: bool


def _transpose_args(
    input: Any,
    weight: Any,
    bias: Any,
    stride: Any,
    padding: Any,
    output_padding: Any,
    groups: Any,
    dilation: Any,
    n: int,
    fname: str,
) -> _TransposeArgs:
    """Check the arguments of an ``n``-D transposed convolution as PyTorch does."""
    x, weight, bias, unbatched = conv_operands(
        input, weight, bias, n, fname, "C_in, C_out/groups"
    )

    c_in = x.shape[1]
    # Axis 1 of a transposed weight already holds C_out / groups, so only
    # axis 0 (C_in) can fail to divide: it is checked for both counts.
    groups = check_groups(groups, weight.shape[0], weight.shape[0])
    if c_in != weight.shape[0]:
        raise ValueError(
            f"input has {c_in} channels but weight of shape {weight.shape} expects "
            f"{weight.shape[0]} (weight.shape[0] is C_in for a transposed convolution)"
        )
    c_out = weight.shape[1] * groups
    check_bias(bias, c_out)

    stride = to_tuple(stride, n, "stride", minimum=1)
    padding = to_tuple(padding, n, "padding", minimum=0)
    output_padding = to_tuple(output_padding, n, "output_padding", minimum=0)
    dilation = to_tuple(dilation, n, "dilation", minimum=1)
    if any(op >= max(s, d) for op, s, d in zip(output_padding, stride, dilation)):
        raise ValueError(
            f"output_padding must be smaller than stride or dilation, got "
            f"output_padding={output_padding}, stride={stride}, dilation={dilation}"
        )
    kernel = weight.shape[2:]
    out_size = tuple(
        (i - 1) * s - 2 * p + d * (k - 1) + op + 1
        for i, s, p, d, k, op in zip(x.shape[2:], stride, padding, dilation, kernel, output_padding)
    )
    if any(o < 1 for o in out_size):
        raise ValueError(
            f"padding={padding} is too large for input size {tuple(x.shape[2:])} and "
            f"kernel size {tuple(kernel)}: the output size would be {out_size}, "
            f"it must be positive"
        )

    x, weight, bias = cast_to_result(x, weight, bias)
    return _TransposeArgs(
        x, weight, bias, stride, padding, output_padding, groups, dilation, out_size, unbatched
    )


def _finish(out: np.ndarray, args: _TransposeArgs) -> np.ndarray:
    """Add the bias and drop the batch axis of an unbatched call."""
    if args.bias is not None:
        out += args.bias.reshape((-1,) + (1,) * (out.ndim - 2))  # (C_out, 1, ..., 1)
    return out[0] if args.unbatched else out


def _tap_slices(
    size_in: int, size_out: int, s: int, d: int, p: int, t: int
) -> tuple[slice, slice] | None:
    """Where tap ``t`` of one axis sends the inputs that land inside the output.

    Input position ``j`` goes to output position ``j s + t d - p``; only the
    ``j`` with ``0 <= j s + t d - p < size_out`` survive the cropping by
    ``padding``. Returns ``(input slice, output slice)``, or ``None`` when the
    tap sends nothing inside.
    """
    shift = t * d - p
    first = max(0, -(shift // s))  # smallest j with j s + shift >= 0
    last = min(size_in - 1, (size_out - 1 - shift) // s)
    if first > last:
        return None
    start = first * s + shift
    return slice(first, last + 1), slice(start, start + (last - first) * s + 1, s)


def _conv_transpose_nd(args: _TransposeArgs) -> np.ndarray:
    """col2im: one matrix multiply per group, then one strided slab add per tap."""
    x, w, g = args.input, args.weight, args.groups
    n_batch, c_in = x.shape[:2]
    c_out = w.shape[1] * g
    kernel = w.shape[2:]
    in_size = x.shape[2:]
    taps = math.prod(kernel)
    positions = math.prod(in_size)

    plan = []
    for tap in itertools.product(*(range(k) for k in kernel)):
        pairs = [
            _tap_slices(i, o, s, d, p, t)
            for i, o, s, d, p, t in zip(
                in_size, args.out_size, args.stride, args.dilation, args.padding, tap
            )
        ]
        if all(pair is not None for pair in pairs):
            src = tuple(pair[0] for pair in pairs)
            dst = tuple(pair[1] for pair in pairs)
            plan.append(((slice(None),) + tap + src, (slice(None),) + dst))

    w_t = w.reshape(g, c_in // g, (c_out // g) * taps).transpose(0, 2, 1)  # (G, C_out/G * taps, C_in/G)
    x_flat = x.reshape(n_batch, g, c_in // g, positions)  # (N, G, C_in/G, P_in)
    cols = np.empty((g, (c_out // g) * taps, positions), dtype=w.dtype)
    cols_v = cols.reshape((c_out,) + tuple(kernel) + in_size)  # (C_out, *kernel, *in_size)
    out = np.zeros((n_batch, c_out) + args.out_size, dtype=w.dtype)
    for i in range(n_batch):
        np.matmul(w_t, x_flat[i], out=cols)
        out_i = out[i]  # (C_out, *out_size)
        for src, dst in plan:
            out_i[dst] += cols_v[src]
    return _finish(out, args)


def _conv_transpose_naive(args: _TransposeArgs) -> np.ndarray:
    """Loop reference: every input pixel, every tap, added where it lands."""
    x, w, g = args.input, args.weight, args.groups
    n_batch, c_in = x.shape[:2]
    per_group_in = c_in // g
    per_group_out = w.shape[1]
    kernel = w.shape[2:]
    out = np.zeros((n_batch, per_group_out * g) + args.out_size, dtype=w.dtype)
    for n in range(n_batch):
        for group in range(g):
            ins = slice(group * per_group_in, (group + 1) * per_group_in)
            outs = slice(group * per_group_out, (group + 1) * per_group_out)
            for pos in itertools.product(*(range(i) for i in x.shape[2:])):
                for tap in itertools.product(*(range(k) for k in kernel)):
                    target = tuple(
                        j * s + t * d - p
                        for j, t, s, d, p in zip(pos, tap, args.stride, args.dilation, args.padding)
                    )
                    if all(0 <= q < o for q, o in zip(target, args.out_size)):
                        # sum over the group's input channels of x[c, pos] * w[c, :, tap]
                        out[(n, outs) + target] += x[(n, ins) + pos] @ w[(ins, slice(None)) + tap]
    return _finish(out, args)


# ---------------------------------------------------------------------------
# public functions: the PyTorch mirrors
# ---------------------------------------------------------------------------

_DIMS = {
    1: dict(
        in_shape="``(N, C_in, L)``",
        in_shape_u="``(C_in, L)``",
        w_shape="``(C_in, C_out/groups, kL)``",
        out_shape="``(N, C_out, L_out)``",
    ),
    2: dict(
        in_shape="``(N, C_in, H, W)``",
        in_shape_u="``(C_in, H, W)``",
        w_shape="``(C_in, C_out/groups, kH, kW)``",
        out_shape="``(N, C_out, H_out, W_out)``",
    ),
    3: dict(
        in_shape="``(N, C_in, D, H, W)``",
        in_shape_u="``(C_in, D, H, W)``",
        w_shape="``(C_in, C_out/groups, kD, kH, kW)``",
        out_shape="``(N, C_out, D_out, H_out, W_out)``",
    ),
}

_PARAMS = """
    Parameters
    ----------
    input : array_like
        {in_shape} batched, or {in_shape_u} unbatched. Anything
        ``np.asarray`` accepts (numpy arrays, nested lists, CPU torch tensors).
    weight : array_like
        {w_shape}: note that the input channels come first, as in PyTorch.
    bias : array_like, optional
        ``(C_out,)``, added to every position of each output channel.
    stride : int or tuple of {n} ints, default 1
        Step between the places where neighbouring input pixels land.
    padding : int or tuple of {n} ints, default 0
        Positions cropped from both ends of every spatial axis of the
        output (the equivalent direct convolution of the zero-insertion view
        pads ``dilation * (k - 1) - padding`` zeros on each side).
    output_padding : int or tuple of {n} ints, default 0
        Extra size added at the end of every spatial axis. It chooses which of
        the input sizes that a strided convolution maps to the same output
        size is restored; it must be smaller than ``stride`` or ``dilation``.
    groups : int, default 1
        Split the channels into ``groups`` independent transposed convolutions;
        ``C_in`` must be divisible by it.
    dilation : int or tuple of {n} ints, default 1
        Spacing between kernel taps.

    Returns
    -------
    numpy.ndarray
        {out_shape} (or without the batch axis for unbatched input) with
        ``C_out = weight.shape[1] * groups`` and, along each axis,
        ``(i - 1) * stride - 2 * padding + dilation * (k - 1) + output_padding + 1``.
        The dtype is numpy's promotion of the dtypes of input, weight and
        bias: float32 stays float32, float64 stays float64, integers give exact
        integer results.

    Raises
    ------
    TypeError
        If an array is not numeric or an argument has the wrong type.
    ValueError
        If a shape, stride, padding, output_padding, dilation or groups breaks
        one of PyTorch's rules, or the output size would not be positive (the
        message names the argument).
"""

_FAST_NOTES = """
    Notes
    -----
    Vectorised (col2im): per image, one matrix multiply per group computes
    ``weight[c, o, tap] * input[c, pos]`` summed over the group's input
    channels for every tap and input position at once, an array of shape
    ``(C_out, *kernel, *input_size)``; then each tap's slab is added into the
    strided slice of the output where it lands. The cost is that of the
    matrix multiply plus ``prod(kernel)`` strided additions, with no work on
    inserted zeros. Extra memory: one buffer of ``C_out * prod(kernel) *
    prod(input_size)`` values, reused across the images of a batch.
    ``{name}_naive`` is the loop reference. Chapter 6 explains the operation.
"""

_NAIVE_NOTES = """
    Notes
    -----
    Loop reference that reads like the definition (a scatter): for every
    image, group, input position and kernel tap, the input pixel's values,
    summed over the group's input channels against the tap's weights, are
    added to the output position ``position * stride + tap * dilation -
    padding`` when it lies inside the output. Slow; use ``{name}``
    for real work. Chapter 6 explains the operation.
"""

_EXAMPLES = {
    1: """
    Examples
    --------
    >>> import numpy as np
    >>> from convkit import {name}
    >>> {name}(np.array([[1, 2]]), np.array([[[1, 10, 100]]]), stride=2)
    array([[  1,  10, 102,  20, 200]])
""",
    2: """
    Examples
    --------
    >>> import numpy as np
    >>> from convkit import {name}
    >>> x = np.ones((1, 2, 2), dtype=np.int64)       # (C_in, H, W)
    >>> w = np.ones((1, 1, 3, 3), dtype=np.int64)    # (C_in, C_out, kH, kW)
    >>> {name}(x, w, stride=2)[0]   # overlaps add up where the stamps meet
    array([[1, 1, 2, 1, 1],
           [1, 1, 2, 1, 1],
           [2, 2, 4, 2, 2],
           [1, 1, 2, 1, 1],
           [1, 1, 2, 1, 1]])
""",
    3: """
    Examples
    --------
    >>> import numpy as np
    >>> from convkit import {name}
    >>> x = np.zeros((2, 4, 4, 4), dtype=np.float32)     # (C_in, D, H, W)
    >>> w = np.zeros((2, 3, 3, 3, 3), dtype=np.float32)  # (C_in, C_out, kD, kH, kW)
    >>> {name}(x, w, stride=2, padding=1, output_padding=1).shape
    (3, 8, 8, 8)
""",
}


def _transpose_doc(name: str) -> dict[str, str]:
    """The shared sections of the docstring of ``name``, for :func:`fill_doc`.

    ``name`` is one of the six PyTorch mirrors (``conv_transpose2d``,
    ``conv_transpose2d_naive`` ...).
    """
    n = int(name[len("conv_transpose")])  # conv_transpose<n>d...
    notes = _NAIVE_NOTES if name.endswith("_naive") else _FAST_NOTES
    return dict(
        arguments=_PARAMS.format(n=n, **_DIMS[n]),
        notes=notes.format(name=name.removesuffix("_naive")),
        examples=_EXAMPLES[n].format(name=name),
    )


@fill_doc(**_transpose_doc("conv_transpose1d"))
def conv_transpose1d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    """1D transposed convolution, as ``torch.nn.functional.conv_transpose1d``.

    {arguments}

    {notes}

    {examples}
    """
    args = _transpose_args(
        input, weight, bias, stride, padding, output_padding, groups, dilation, 1, "conv_transpose1d"
    )
    return _conv_transpose_nd(args)


@fill_doc(**_transpose_doc("conv_transpose2d"))
def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    """2D transposed convolution, as ``torch.nn.functional.conv_transpose2d``.

    {arguments}

    {notes}

    {examples}
    """
    args = _transpose_args(
        input, weight, bias, stride, padding, output_padding, groups, dilation, 2, "conv_transpose2d"
    )
    return _conv_transpose_nd(args)


@fill_doc(**_transpose_doc("conv_transpose3d"))
def conv_transpose3d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    """3D transposed convolution, as ``torch.nn.functional.conv_transpose3d``.

    {arguments}

    {notes}

    {examples}
    """
    args = _transpose_args(
        input, weight, bias, stride, padding, output_padding, groups, dilation, 3, "conv_transpose3d"
    )
    return _conv_transpose_nd(args)


@fill_doc(**_transpose_doc("conv_transpose1d_naive"))
def conv_transpose1d_naive(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    """1D transposed convolution with plain loops (the scatter definition).

    {arguments}

    {notes}

    {examples}
    """
    args = _transpose_args(
        input, weight, bias, stride, padding, output_padding, groups, dilation, 1, "conv_transpose1d"
    )
    return _conv_transpose_naive(args)


@fill_doc(**_transpose_doc("conv_transpose2d_naive"))
def conv_transpose2d_naive(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    """2D transposed convolution with plain loops (the scatter definition).

    {arguments}

    {notes}

    {examples}
    """
    args = _transpose_args(
        input, weight, bias, stride, padding, output_padding, groups, dilation, 2, "conv_transpose2d"
    )
    return _conv_transpose_naive(args)


@fill_doc(**_transpose_doc("conv_transpose3d_naive"))
def conv_transpose3d_naive(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    """3D transposed convolution with plain loops (the scatter definition).

    {arguments}

    {notes}

    {examples}
    """
    args = _transpose_args(
        input, weight, bias, stride, padding, output_padding, groups, dilation, 3, "conv_transpose3d"
    )
    return _conv_transpose_naive(args)



# ---------------------------------------------------------------------------
# the three views of chapter 6 (2D)
# ---------------------------------------------------------------------------


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


# Parameters, Returns and Raises of the three views of chapter 6.
_VIEW_ARGUMENTS = """
    Parameters
    ----------
    input : array_like
        ``(N, C_in, H, W)`` or ``(C_in, H, W)``.
    weight : array_like
        ``(C_in, C_out/groups, kH, kW)``.
    bias : array_like, optional
        ``(C_out,)``.
    stride, padding, output_padding, groups, dilation
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
"""


def _flipped_swapped(weight: np.ndarray, groups: int) -> np.ndarray:
    """Transposed weight ``(C_in, C_out/G, kH, kW)`` -> conv weight ``(C_out, C_in/G, kH, kW)``, flipped."""
    c_in, per_group_out, kh, kw = weight.shape
    w = weight.reshape(groups, c_in // groups, per_group_out, kh, kw)  # (G, C_in/G, C_out/G, kH, kW)
    w = w.transpose(0, 2, 1, 3, 4)  # (G, C_out/G, C_in/G, kH, kW)
    w = w.reshape(groups * per_group_out, c_in // groups, kh, kw)  # (C_out, C_in/G, kH, kW)
    return w[:, :, ::-1, ::-1]


@fill_doc(arguments=_VIEW_ARGUMENTS)
def conv_transpose2d_zero_insertion(
    input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1
):
    """2D transposed convolution as zero insertion plus an ordinary convolution.

    Same parameters, returns and errors as :func:`conv_transpose2d`.

    {arguments}

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
    from .conv import conv2d

    args = _transpose_args(
        input, weight, bias, stride, padding, output_padding, groups, dilation, 2,
        "conv_transpose2d_zero_insertion",
    )
    kernel = args.weight.shape[2:]
    x = zero_insert(args.input, args.stride)  # (N, C_in, (H-1)s+1, (W-1)s+1)
    before = [d * (k - 1) - p for d, k, p in zip(args.dilation, kernel, args.padding)]
    after = [b + op for b, op in zip(before, args.output_padding)]
    # A padding larger than d (k - 1) turns into cropping the dilated input.
    crop = (slice(None), slice(None)) + tuple(
        slice(max(0, -b), x.shape[2 + a] - max(0, -e)) for a, (b, e) in enumerate(zip(before, after))
    )
    x = np.pad(
        x[crop], [(0, 0), (0, 0)] + [(max(0, b), max(0, e)) for b, e in zip(before, after)]
    )  # (N, C_in, H_out + d(kH-1), W_out + d(kW-1))
    out = conv2d(
        x, _flipped_swapped(args.weight, args.groups), args.bias,
        stride=1, padding=0, dilation=args.dilation, groups=args.groups,
    )
    return out[0] if args.unbatched else out


@fill_doc(arguments=_VIEW_ARGUMENTS)
def conv_transpose2d_scatter(
    input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1
):
    """2D transposed convolution as a sum of kernel stamps, one per input pixel.

    {arguments}

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
    args = _transpose_args(
        input, weight, bias, stride, padding, output_padding, groups, dilation, 2,
        "conv_transpose2d_scatter",
    )
    x, w, g = args.input, args.weight, args.groups
    n_batch, c_in, height, width = x.shape
    per_group_in, per_group_out, kh, kw = c_in // g, w.shape[1], w.shape[2], w.shape[3]
    (sh, sw), (dh, dw) = args.stride, args.dilation
    (ph, pw), (oh, ow) = args.padding, args.out_size
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
    return _finish(out, args)


def _conv_matrix(
    input_shape: tuple[int, int, int],
    weight: np.ndarray,
    stride: tuple[int, int],
    padding: tuple[int, int],
    dilation: tuple[int, int],
    groups: int,
    out_size: tuple[int, int],
) -> np.ndarray:
    """Dense ``(C_out, H_out, W_out, C_in, H, W)`` matrix of a checked conv2d."""
    c_in, height, width = input_shape
    c_out, per_group_in, kh, kw = weight.shape
    per_group_out = c_out // groups
    oh, ow = out_size
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


def _conv_output_size(i: int, k: int, s: int, p: int, d: int) -> int:
    return (i + 2 * p - d * (k - 1) - 1) // s + 1


def conv_matrix(input_shape, weight, stride=1, padding=0, dilation=1, groups=1):
    """The dense matrix ``C`` of a 2D convolution: ``y.ravel() == C @ x.ravel()``.

    Parameters
    ----------
    input_shape : tuple of 3 ints
        ``(C_in, H, W)`` of the unbatched input ``x``.
    weight : array_like
        ``(C_out, C_in/groups, kH, kW)``, a convolution (not transposed) weight.
    stride, padding, dilation : int or tuple of 2 ints
        As in :func:`~convkit.conv2d` (integer padding only).
    groups : int, default 1
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
        If ``input_shape`` is not three ints, ``weight`` is not numeric, or
        another argument has the wrong type.
    ValueError
        If ``input_shape`` has a non-positive entry, ``weight`` is not 4D, its
        channels do not match ``input_shape[0]`` and ``groups``, or the
        kernel does not fit the padded input.

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
    if not (
        isinstance(input_shape, (tuple, list))
        and len(input_shape) == 3
        and all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in input_shape)
    ):
        raise TypeError(f"input_shape must be a tuple of 3 ints (C_in, H, W), got {input_shape!r}")
    input_shape = tuple(int(v) for v in input_shape)
    if any(v < 1 for v in input_shape):
        raise ValueError(f"input_shape must hold positive sizes, got {input_shape}")
    weight = as_array(weight, "weight")
    if weight.ndim != 4:
        raise ValueError(
            f"weight must be 4D (C_out, C_in/groups, kH, kW), got shape {weight.shape}"
        )
    if 0 in weight.shape:
        raise ValueError(f"weight must not be empty, got shape {weight.shape}")
    groups = check_groups(groups, input_shape[0], weight.shape[0])
    if weight.shape[1] * groups != input_shape[0]:
        raise ValueError(
            f"input_shape has {input_shape[0]} channels but weight of shape {weight.shape} "
            f"with groups={groups} expects {weight.shape[1] * groups}"
        )
    stride = to_tuple(stride, 2, "stride", minimum=1)
    padding = to_tuple(padding, 2, "padding", minimum=0)
    dilation = to_tuple(dilation, 2, "dilation", minimum=1)
    out_size = tuple(
        _conv_output_size(i, k, s, p, d)
        for i, k, s, p, d in zip(input_shape[1:], weight.shape[2:], stride, padding, dilation)
    )
    if any(o < 1 for o in out_size):
        raise ValueError(
            f"weight's kernel {weight.shape[2:]} with dilation {dilation} does not fit the "
            f"padded input {tuple(i + 2 * p for i, p in zip(input_shape[1:], padding))}"
        )
    matrix = _conv_matrix(input_shape, weight, stride, padding, dilation, groups, out_size)
    rows = weight.shape[0] * math.prod(out_size)
    return matrix.reshape(rows, math.prod(input_shape))  # (C_out * H_out * W_out, C_in * H * W)


@fill_doc(arguments=_VIEW_ARGUMENTS)
def conv_transpose2d_matrix(
    input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1
):
    """2D transposed convolution as multiplication by ``C.T``.

    {arguments}

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
    args = _transpose_args(
        input, weight, bias, stride, padding, output_padding, groups, dilation, 2,
        "conv_transpose2d_matrix",
    )
    x, w = args.input, args.weight
    n_batch, c_in, height, width = x.shape
    c_out = w.shape[1] * args.groups
    out_size = args.out_size
    conv_out = tuple(
        _conv_output_size(o, k, s, p, d)
        for o, k, s, p, d in zip(out_size, w.shape[2:], args.stride, args.padding, args.dilation)
    )
    matrix = _conv_matrix(
        (c_out,) + out_size, w, args.stride, args.padding, args.dilation, args.groups, conv_out
    )  # (C_in, H', W', C_out, H_out, W_out) with H' >= H, W' >= W
    matrix = matrix[:, :height, :width].reshape(c_in * height * width, -1)  # (C_in*H*W, C_out*H_out*W_out)
    flat = x.reshape(n_batch, c_in * height * width)  # (N, C_in*H*W)
    out = (flat @ matrix).reshape((n_batch, c_out) + out_size)  # (N, C_out, H_out, W_out)
    return _finish(out, args)


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
        ``d`` or ``(dH, dW)``.

    The number of dimensions is the length of the tuples given (all tuples
    must agree); with ints only, the result is 1D.

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
    values = {
        "input_size": input_size,
        "kernel_size": kernel_size,
        "stride": stride,
        "dilation": dilation,
    }
    lengths = {len(v) for v in values.values() if isinstance(v, (tuple, list))}
    if len(lengths) > 1:
        raise ValueError(
            f"input_size, kernel_size, stride and dilation must have the same length "
            f"when given as tuples, got lengths {sorted(lengths)}"
        )
    n = lengths.pop() if lengths else 1
    if n == 0:
        raise ValueError("input_size, kernel_size, stride and dilation must not be empty tuples")
    sizes = {name: to_tuple(v, n, name, minimum=1) for name, v in values.items()}
    counts = []
    for i, k, s, d in zip(sizes["input_size"], sizes["kernel_size"], sizes["stride"], sizes["dilation"]):
        axis = np.zeros((i - 1) * s + d * (k - 1) + 1, dtype=np.int64)
        for t in range(k):
            axis[t * d : t * d + (i - 1) * s + 1 : s] += 1  # where tap t of every input lands
        counts.append(axis)
    out = counts[0]
    for axis in counts[1:]:
        out = np.multiply.outer(out, axis)  # taps of a separable box kernel: the counts multiply
    return out

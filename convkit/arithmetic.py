"""Convolution arithmetic: output sizes, padding amounts, receptive fields, costs.

Chapter 3 (*Convolution arithmetic*) derives the formulas; chapters 5 and 7-13
use the cost counts. Everything here works on plain integers, one spatial
axis at a time or on tuples of axes, and mirrors PyTorch's conventions:

* ``padding`` is the number of zeros added on *each* side (not the total);
* ``dilation=1`` means a contiguous kernel (not ``dilation=0``);
* integer arguments mean "the same on every axis", tuples give one value per
  axis, and a result is a tuple as soon as any argument is a tuple.

The cost functions return a :class:`Cost` holding the number of learnable
parameters and of multiply-accumulate operations (MACs): one multiplication
and one addition each. Papers that report "FLOPs" for these layers
(MobileNets, ShuffleNet) count mult-adds, i.e. MACs.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from typing import Any, Sequence

from ._docstrings import fill_doc

__all__ = [
    "Cost",
    "conv_macs",
    "conv_output_size",
    "conv_params",
    "conv_transpose_output_size",
    "conv_cost",
    "depthwise_conv_cost",
    "depthwise_separable_cost",
    "effective_kernel_size",
    "flattened_cost",
    "full_padding",
    "grouped_conv_cost",
    "inception_bottleneck_cost",
    "mobilenet_block_cost",
    "pointwise_conv_cost",
    "receptive_field",
    "receptive_field_table",
    "resnet_bottleneck_cost",
    "same_padding",
    "shufflenet_unit_cost",
    "spatially_separable_cost",
    "tf_same_padding",
]

_PADDING_STRINGS = ("valid", "same", "full")


# --------------------------------------------------------------------------- #
# argument handling
# --------------------------------------------------------------------------- #
def _is_int(value: Any) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _check_int(value: Any, name: str, minimum: int) -> int:
    """Return ``value`` as an int, or raise naming ``name``."""
    if not _is_int(value):
        raise TypeError(f"{name} must be an int, got {value!r}")
    if value < minimum:
        rule = "positive" if minimum == 1 else f"at least {minimum}"
        raise ValueError(f"{name} must be {rule}, got {value}")
    return int(value)


def _n_axes(default: int = 1, **named: Any) -> int:
    """Number of spatial axes implied by the tuple-valued arguments.

    A 1-tuple broadcasts against longer tuples (as in PyTorch); on its own it
    means one axis. Without tuples the count is ``default``.
    """
    tuples = {name: len(v) for name, v in named.items() if isinstance(v, (tuple, list))}
    longer = {name: n for name, n in tuples.items() if n != 1}
    if len(set(longer.values())) > 1:
        described = " and ".join(f"{name} ({n} values)" for name, n in longer.items())
        raise ValueError(f"tuple arguments must have the same length, got {described}")
    if longer:
        return next(iter(longer.values()))
    return 1 if tuples else default


def _any_tuple(*values: Any) -> bool:
    return any(isinstance(v, (tuple, list)) for v in values)


def _per_axis(value: Any, n: int, name: str, minimum: int) -> tuple[int, ...]:
    """Expand an int or a sequence of ints to ``n`` checked ints."""
    if _is_int(value):
        values = (value,) * n
    elif isinstance(value, (tuple, list)):
        if len(value) == 0:
            raise ValueError(f"{name} must hold at least one value, got {value!r}")
        if len(value) == 1:
            values = tuple(value) * n
        elif len(value) == n:
            values = tuple(value)
        else:
            raise ValueError(
                f"{name} must be an int or a tuple of {n} ints, got {len(value)} values"
            )
    else:
        raise TypeError(f"{name} must be an int or a tuple of ints, got {value!r}")
    return tuple(_check_int(v, name, minimum) for v in values)


def _unwrap(values: tuple, as_tuple: bool):
    return values if as_tuple else values[0]


# --------------------------------------------------------------------------- #
# sizes and padding
# --------------------------------------------------------------------------- #
def effective_kernel_size(kernel_size, dilation=1):
    """Extent of a dilated kernel: ``d (k - 1) + 1``.

    Parameters
    ----------
    kernel_size : int or tuple of int
        Number of taps ``k`` per axis (positive).
    dilation : int or tuple of int, default 1
        Spacing ``d`` between taps (positive; 1 is a contiguous kernel).

    Returns
    -------
    int or tuple of int
        The span of input covered by one placement of the kernel.

    Notes
    -----
    Chapter 7 (*Dilated convolution*): a 3x3 kernel with dilation 2 covers
    a 5x5 window with only 9 weights.

    Examples
    --------
    >>> effective_kernel_size(3, dilation=2)
    5
    """
    n = _n_axes(kernel_size=kernel_size, dilation=dilation)
    k = _per_axis(kernel_size, n, "kernel_size", 1)
    d = _per_axis(dilation, n, "dilation", 1)
    return _unwrap(tuple(di * (ki - 1) + 1 for ki, di in zip(k, d)),
                   _any_tuple(kernel_size, dilation))


def same_padding(kernel_size, dilation=1):
    """Padding of PyTorch's ``padding='same'``, as ``(before, after)`` per axis.

    The total ``d (k - 1)`` is split with ``floor(total / 2)`` before (left,
    top) and the rest after (right, bottom), so an even kernel pads one more
    zero at the end. PyTorch allows ``'same'`` only with stride 1.

    Parameters
    ----------
    kernel_size : int or tuple of int
        Kernel size per axis.
    dilation : int or tuple of int, default 1
        Dilation per axis.

    Returns
    -------
    tuple of int or tuple of tuple of int
        ``(before, after)`` for an int kernel; one such pair per axis if any
        argument is a tuple.

    Notes
    -----
    Chapter 3 (*Convolution arithmetic*).

    Examples
    --------
    >>> same_padding(3)
    (1, 1)
    >>> same_padding(4)
    (1, 2)
    >>> same_padding((3, 2), dilation=(2, 1))
    ((2, 2), (0, 1))
    """
    n = _n_axes(kernel_size=kernel_size, dilation=dilation)
    k = _per_axis(kernel_size, n, "kernel_size", 1)
    d = _per_axis(dilation, n, "dilation", 1)
    pairs = []
    for ki, di in zip(k, d):
        total = di * (ki - 1)
        pairs.append((total // 2, total - total // 2))
    return _unwrap(tuple(pairs), _any_tuple(kernel_size, dilation))


def tf_same_padding(input_size, kernel_size, stride=1, dilation=1):
    """Padding of TensorFlow's ``padding='SAME'``, as ``(before, after)`` per axis.

    TensorFlow allows strides with ``'SAME'``: the output size is
    ``ceil(i / s)`` and the total padding is whatever that needs,
    ``max((o - 1) s + d (k - 1) + 1 - i, 0)``, with the odd zero at the end
    (right, bottom), as in PyTorch's split.

    Parameters
    ----------
    input_size : int or tuple of int
        Input size ``i`` per axis.
    kernel_size : int or tuple of int
        Kernel size ``k`` per axis.
    stride : int or tuple of int, default 1
    dilation : int or tuple of int, default 1

    Returns
    -------
    tuple of int or tuple of tuple of int
        ``(before, after)``, or one pair per axis if any argument is a tuple.

    Notes
    -----
    Chapter 3. Unlike PyTorch's ``'same'``, the padding depends on the input
    size as soon as the stride exceeds 1.

    Examples
    --------
    >>> tf_same_padding(5, 3, stride=2)
    (1, 1)
    >>> tf_same_padding(6, 3, stride=2)
    (0, 1)
    """
    n = _n_axes(input_size=input_size, kernel_size=kernel_size, stride=stride,
                dilation=dilation)
    i = _per_axis(input_size, n, "input_size", 1)
    k = _per_axis(kernel_size, n, "kernel_size", 1)
    s = _per_axis(stride, n, "stride", 1)
    d = _per_axis(dilation, n, "dilation", 1)
    pairs = []
    for ii, ki, si, di in zip(i, k, s, d):
        out = -(-ii // si)  # ceil(i / s)
        total = max((out - 1) * si + di * (ki - 1) + 1 - ii, 0)
        pairs.append((total // 2, total - total // 2))
    return _unwrap(tuple(pairs), _any_tuple(input_size, kernel_size, stride, dilation))


def full_padding(kernel_size, dilation=1):
    """Padding per side of a 'full' convolution: ``d (k - 1)``.

    Every placement of the kernel that overlaps the input by at least one
    pixel is kept, so the output grows to ``i + d (k - 1)`` at stride 1.

    Parameters
    ----------
    kernel_size : int or tuple of int
    dilation : int or tuple of int, default 1

    Returns
    -------
    int or tuple of int
        Zeros to add on *each* side.

    Notes
    -----
    Chapter 3. This is the padding that turns a convolution into the
    transposed convolution of a 'valid' one (chapter 6).

    Examples
    --------
    >>> full_padding(3)
    2
    """
    n = _n_axes(kernel_size=kernel_size, dilation=dilation)
    k = _per_axis(kernel_size, n, "kernel_size", 1)
    d = _per_axis(dilation, n, "dilation", 1)
    return _unwrap(tuple(di * (ki - 1) for ki, di in zip(k, d)),
                   _any_tuple(kernel_size, dilation))


def conv_output_size(input_size, kernel_size, stride=1, padding=0, dilation=1):
    """Output size of a convolution: ``floor((i + 2p - d (k - 1) - 1) / s) + 1``.

    Parameters
    ----------
    input_size : int or tuple of int
        Input size ``i`` per spatial axis (e.g. ``(H, W)``).
    kernel_size : int or tuple of int
        Kernel size ``k`` per axis.
    stride : int or tuple of int, default 1
        Step ``s`` between kernel placements (positive).
    padding : int, tuple of int or {'valid', 'same', 'full'}, default 0
        Zeros ``p`` added on each side. ``'valid'`` is 0, ``'full'`` is
        ``d (k - 1)`` per side, ``'same'`` is PyTorch's split of the total
        ``d (k - 1)`` (stride must be 1, as in PyTorch).
    dilation : int or tuple of int, default 1
        Spacing ``d`` between kernel taps.

    Returns
    -------
    int or tuple of int
        ``o`` per axis; an int when every argument is an int (or a string).

    Raises
    ------
    TypeError
        If an argument is not an int, a tuple of ints, or a padding string.
    ValueError
        If a size, stride or dilation is not positive, a padding is negative,
        the padding string is unknown, ``'same'`` is combined with a stride
        above 1, or the output would be empty (kernel wider than the padded
        input).

    Notes
    -----
    Chapter 3 (*Convolution arithmetic*). The floor means that when
    ``(i + 2p - d (k - 1) - 1)`` is not a multiple of ``s`` the last rows
    and columns of the input are never visited.

    Examples
    --------
    >>> conv_output_size(5, 3)
    3
    >>> conv_output_size((224, 224), 7, stride=2, padding=3)
    (112, 112)
    >>> conv_output_size(6, 3, stride=2, padding='full')
    4
    """
    n = _n_axes(input_size=input_size, kernel_size=kernel_size, stride=stride,
                dilation=dilation, padding=padding if not isinstance(padding, str) else 0)
    i = _per_axis(input_size, n, "input_size", 1)
    k = _per_axis(kernel_size, n, "kernel_size", 1)
    s = _per_axis(stride, n, "stride", 1)
    d = _per_axis(dilation, n, "dilation", 1)
    if isinstance(padding, str):
        if padding not in _PADDING_STRINGS:
            raise ValueError(
                f"padding must be an int, a tuple of ints or one of "
                f"{', '.join(repr(p) for p in _PADDING_STRINGS)}, got {padding!r}"
            )
        if padding == "same" and any(si != 1 for si in s):
            raise ValueError("padding='same' is not supported for strided convolutions "
                             f"(stride must be 1, got {stride!r})")
        if padding == "valid":
            totals = (0,) * n
        else:  # 'same' and 'full' both have total d(k-1) or twice that
            per_side = tuple(di * (ki - 1) for ki, di in zip(k, d))
            totals = per_side if padding == "same" else tuple(2 * p for p in per_side)
    else:
        totals = tuple(2 * p for p in _per_axis(padding, n, "padding", 0))
    out = []
    for ii, ki, si, di, total in zip(i, k, s, d, totals):
        size = (ii + total - di * (ki - 1) - 1) // si + 1
        if size < 1:
            raise ValueError(
                f"kernel_size is larger than the padded input: kernel extent "
                f"{di * (ki - 1) + 1} > padded input size {ii + total}, so the "
                f"output size would be {size}"
            )
        out.append(size)
    as_tuple = _any_tuple(input_size, kernel_size, stride, dilation,
                          padding if not isinstance(padding, str) else 0)
    return _unwrap(tuple(out), as_tuple)


def conv_transpose_output_size(input_size, kernel_size, stride=1, padding=0,
                               output_padding=0, dilation=1):
    """Output size of a transposed convolution.

    ``o = (i - 1) s - 2p + d (k - 1) + output_padding + 1``, the formula of
    ``torch.nn.ConvTranspose2d``. Argument order follows
    ``conv_transpose2d`` (``output_padding`` before ``dilation``).

    Parameters
    ----------
    input_size : int or tuple of int
        Input size ``i`` per axis.
    kernel_size : int or tuple of int
    stride : int or tuple of int, default 1
    padding : int or tuple of int, default 0
        The ``padding`` of the convolution being transposed; it *removes*
        ``p`` rows and columns from each side of the output.
    output_padding : int or tuple of int, default 0
        Extra rows/columns added at the end (bottom, right) only, to pick
        one of the input sizes that a strided convolution maps to the same
        output size. Must be smaller than ``stride`` or ``dilation``.
    dilation : int or tuple of int, default 1

    Returns
    -------
    int or tuple of int

    Raises
    ------
    TypeError
        If an argument is not an int or tuple of ints.
    ValueError
        For non-positive sizes, stride or dilation, negative padding, an
        ``output_padding`` not smaller than ``max(stride, dilation)``, or a
        non-positive result.

    Notes
    -----
    Chapter 6 (*Transposed convolution*).

    Examples
    --------
    >>> conv_transpose_output_size(2, 3, stride=2)
    5
    >>> conv_transpose_output_size(2, 3, stride=2, padding=1, output_padding=1)
    4
    """
    n = _n_axes(input_size=input_size, kernel_size=kernel_size, stride=stride,
                padding=padding, output_padding=output_padding, dilation=dilation)
    i = _per_axis(input_size, n, "input_size", 1)
    k = _per_axis(kernel_size, n, "kernel_size", 1)
    s = _per_axis(stride, n, "stride", 1)
    p = _per_axis(padding, n, "padding", 0)
    op = _per_axis(output_padding, n, "output_padding", 0)
    d = _per_axis(dilation, n, "dilation", 1)
    out = []
    for ii, ki, si, pi, opi, di in zip(i, k, s, p, op, d):
        if opi >= max(si, di):
            raise ValueError(
                f"output_padding must be smaller than either stride or dilation, "
                f"got output_padding={opi}, stride={si}, dilation={di}"
            )
        size = (ii - 1) * si - 2 * pi + di * (ki - 1) + opi + 1
        if size < 1:
            raise ValueError(
                f"padding is too large: the output size would be {size}"
            )
        out.append(size)
    as_tuple = _any_tuple(input_size, kernel_size, stride, padding, output_padding, dilation)
    return _unwrap(tuple(out), as_tuple)


# --------------------------------------------------------------------------- #
# receptive field
# --------------------------------------------------------------------------- #
def _layers(layers: Any) -> list[tuple[int, int, int]]:
    if isinstance(layers, (str, bytes)) or not isinstance(layers, Sequence):
        raise TypeError(
            f"layers must be a sequence of (kernel_size, stride[, dilation]) tuples, got {layers!r}"
        )
    checked = []
    for index, layer in enumerate(layers):
        if not isinstance(layer, (tuple, list)) or len(layer) not in (2, 3):
            raise TypeError(
                f"layers[{index}] must be a (kernel_size, stride[, dilation]) tuple, got {layer!r}"
            )
        kernel, stride, dilation = (*layer, 1) if len(layer) == 2 else layer
        checked.append((
            _check_int(kernel, f"layers[{index}] kernel_size", 1),
            _check_int(stride, f"layers[{index}] stride", 1),
            _check_int(dilation, f"layers[{index}] dilation", 1),
        ))
    return checked


def receptive_field_table(layers):
    """Receptive field and jump after every layer of a stack.

    Parameters
    ----------
    layers : sequence of tuple
        One ``(kernel_size, stride)`` or ``(kernel_size, stride, dilation)``
        tuple of ints per layer, input side first, along one axis.

    Returns
    -------
    list of tuple of int
        ``(r_l, j_l)`` for ``l = 1 .. L``: ``r_l`` is how many input pixels
        one output pixel of layer ``l`` sees, ``j_l = s_1 s_2 ... s_l`` is the
        distance in input pixels between neighbouring outputs of layer ``l``.

    Notes
    -----
    Chapters 3 and 7. With ``r_0 = 1`` and ``j_0 = 1``:
    ``r_l = r_{l-1} + (k_l - 1) d_l j_{l-1}`` and ``j_l = j_{l-1} s_l``.
    Padding shifts where the field sits but not its size.

    Examples
    --------
    >>> receptive_field_table([(3, 1, 1), (3, 1, 2), (3, 1, 4)])
    [(3, 1), (7, 1), (15, 1)]
    """
    r, j = 1, 1
    table = []
    for kernel, stride, dilation in _layers(layers):
        r += (kernel - 1) * dilation * j
        j *= stride
        table.append((r, j))
    return table


def receptive_field(layers):
    """Receptive field of a stack of convolutions along one axis.

    Parameters
    ----------
    layers : sequence of tuple
        ``(kernel_size, stride)`` or ``(kernel_size, stride, dilation)`` per
        layer, input side first.

    Returns
    -------
    int
        Number of input pixels (along the axis) that one output pixel of the
        last layer depends on; 1 for an empty stack.

    Notes
    -----
    ``r_l = r_{l-1} + (k_l - 1) d_l prod(s_1 .. s_{l-1})``; see
    :func:`receptive_field_table` for every layer and the jumps. Chapters 3
    and 7 (dilations 1, 2, 4, ... grow it exponentially).

    Examples
    --------
    >>> receptive_field([(3, 1)] * 3)
    7
    >>> receptive_field([(7, 2), (3, 2), (3, 1)])
    19
    """
    table = receptive_field_table(layers)
    return table[-1][0] if table else 1


# --------------------------------------------------------------------------- #
# cost counts
# --------------------------------------------------------------------------- #
@dataclass(frozen=True)
class Cost:
    """Learnable parameters and multiply-accumulates (MACs) of a layer or block.

    Two costs add up, so a block's cost is the sum of its layers'. The MAC
    count is the one papers call "mult-adds" or (loosely) "FLOPs"; the
    floating-point operations are about twice as many. Chapters 5 and 9-13.

    Parameters
    ----------
    params : int
        Number of learnable weights (and biases, when counted).
    macs : int
        Multiply-accumulate operations for one input image.

    Examples
    --------
    >>> Cost(1, 2) + Cost(3, 4)
    Cost(params=4, macs=6)
    """

    params: int
    macs: int

    def __add__(self, other: "Cost") -> "Cost":
        if not isinstance(other, Cost):
            return NotImplemented
        return Cost(self.params + other.params, self.macs + other.macs)


def _spatial(n_default: int, kernel_size, output_size) -> tuple[tuple[int, ...], tuple[int, ...]]:
    n = _n_axes(n_default, kernel_size=kernel_size, output_size=output_size)
    return (_per_axis(kernel_size, n, "kernel_size", 1),
            _per_axis(output_size, n, "output_size", 1))


def _channels(in_channels, out_channels, groups) -> tuple[int, int, int]:
    c_in = _check_int(in_channels, "in_channels", 1)
    c_out = _check_int(out_channels, "out_channels", 1)
    g = _check_int(groups, "groups", 1)
    if c_in % g:
        raise ValueError(f"in_channels ({c_in}) must be divisible by groups ({g})")
    if c_out % g:
        raise ValueError(f"out_channels ({c_out}) must be divisible by groups ({g})")
    return c_in, c_out, g


def _check_bias(bias) -> bool:
    if not isinstance(bias, bool):
        raise TypeError(f"bias must be True or False, got {bias!r}")
    return bias


# Lines shared by the docstrings of the cost functions (see _cost_doc).
_COST_SECTIONS = {
    "output_size": """
    output_size : int or tuple of int, default 1
        Spatial size of the output; the default 1 gives the cost per output
        position.
""",
    "bias": """
    bias : bool, default False
        Count one bias per output channel of every layer.
""",
    "returns": """
    Returns
    -------
    Cost
""",
}


def _cost_doc(*names: str) -> dict[str, str]:
    """The shared docstring lines ``names`` of a cost function, for :func:`fill_doc`."""
    return {name: _COST_SECTIONS[name] for name in names}


def conv_params(in_channels, out_channels, kernel_size, groups=1, bias=True):
    """Learnable parameters of a convolution layer.

    ``C_out * (C_in / groups) * prod(kernel_size)`` weights, plus ``C_out``
    biases if ``bias`` (the default of ``torch.nn.Conv2d``).

    Parameters
    ----------
    in_channels, out_channels : int
        ``C_in`` and ``C_out`` (both divisible by ``groups``).
    kernel_size : int or tuple of int
        An int means a square 2D kernel; pass ``(k,)`` for 1D and
        ``(kD, kH, kW)`` for 3D.
    groups : int, default 1
    bias : bool, default True

    Returns
    -------
    int

    Notes
    -----
    Chapter 2 (``C_in * C_out * kH * kW + C_out``), chapter 11 (grouping
    divides the weights by ``groups``).

    Examples
    --------
    >>> conv_params(3, 16, 3)
    448
    >>> conv_params(256, 512, 3, bias=False)
    1179648
    """
    c_in, c_out, g = _channels(in_channels, out_channels, groups)
    n = _n_axes(2, kernel_size=kernel_size)
    k = _per_axis(kernel_size, n, "kernel_size", 1)
    return c_out * (c_in // g) * math.prod(k) + (c_out if _check_bias(bias) else 0)


def conv_macs(in_channels, out_channels, kernel_size, output_size, groups=1):
    """Multiply-accumulates of a convolution layer, for one input image.

    Each of the ``prod(output_size) * C_out`` outputs is a dot product of
    length ``(C_in / groups) * prod(kernel_size)``. Bias additions are not
    counted.

    Parameters
    ----------
    in_channels, out_channels : int
    kernel_size : int or tuple of int
    output_size : int or tuple of int
        Spatial size of the output (``(H_out, W_out)``; an int means square
        in 2D). Use :func:`conv_output_size` to get it.
    groups : int, default 1

    Returns
    -------
    int

    Notes
    -----
    Chapters 3, 5 and 9-13 compare these counts across layer types.

    Examples
    --------
    >>> conv_macs(16, 32, 3, output_size=1)
    4608
    """
    c_in, c_out, g = _channels(in_channels, out_channels, groups)
    k, o = _spatial(2, kernel_size, output_size)
    return math.prod(o) * c_out * (c_in // g) * math.prod(k)


def conv_cost(in_channels, out_channels, kernel_size, output_size=1, groups=1, bias=False):
    """:class:`Cost` of one (possibly grouped) convolution layer.

    Parameters
    ----------
    in_channels, out_channels : int
    kernel_size : int or tuple of int
    output_size : int or tuple of int, default 1
        Output spatial size; the default 1 gives MACs per output position.
    groups : int, default 1
    bias : bool, default False
        The layer-type cost functions count weights only by default, as the
        papers do (the layers are usually followed by batch normalisation).

    Returns
    -------
    Cost

    Notes
    -----
    Chapters 5 and 9-13.

    Examples
    --------
    >>> conv_cost(256, 512, 3)
    Cost(params=1179648, macs=1179648)
    """
    return Cost(conv_params(in_channels, out_channels, kernel_size, groups, bias),
                conv_macs(in_channels, out_channels, kernel_size, output_size, groups))


@fill_doc(**_cost_doc("output_size", "bias", "returns"))
def grouped_conv_cost(in_channels, out_channels, kernel_size, groups, output_size=1, bias=False):
    """:class:`Cost` of a grouped convolution: a standard one divided by ``groups``.

    Chapter 11. Same as ``conv_cost(..., groups=groups)``; with
    ``groups == in_channels`` it is a depthwise convolution.

    Parameters
    ----------
    in_channels, out_channels : int
        Both divisible by ``groups``.
    kernel_size : int or tuple of int
    groups : int
    {output_size}
    {bias}

    {returns}

    Examples
    --------
    >>> grouped_conv_cost(256, 256, 3, groups=8)
    Cost(params=73728, macs=73728)
    """
    return conv_cost(in_channels, out_channels, kernel_size, output_size, groups, bias)


@fill_doc(**_cost_doc("output_size", "returns"))
def pointwise_conv_cost(in_channels, out_channels, output_size=1, groups=1, bias=False):
    """:class:`Cost` of a (possibly grouped) 1x1 convolution.

    ``C_in * C_out / groups`` weights and as many MACs per position.
    Chapter 5 (pointwise) and chapter 13 (pointwise grouped).

    Parameters
    ----------
    in_channels, out_channels : int
    {output_size}
    groups : int, default 1
    bias : bool, default False

    {returns}

    Examples
    --------
    >>> pointwise_conv_cost(240, 60, groups=3)
    Cost(params=4800, macs=4800)
    """
    n = _n_axes(2, output_size=output_size)
    return conv_cost(in_channels, out_channels, (1,) * n, output_size, groups, bias)


@fill_doc(**_cost_doc("output_size", "returns"))
def depthwise_conv_cost(channels, kernel_size, output_size=1, depth_multiplier=1, bias=False):
    """:class:`Cost` of a depthwise convolution (``groups = channels``).

    ``C * K`` kernels of size ``k x k``, ``K`` the depth multiplier: each
    output channel sees one input channel. Chapter 9.

    Parameters
    ----------
    channels : int
        Input channels ``C``.
    kernel_size : int or tuple of int
    {output_size}
    depth_multiplier : int, default 1
        ``K``; the layer outputs ``C * K`` channels.
    bias : bool, default False

    {returns}

    Examples
    --------
    >>> depthwise_conv_cost(16, 3)
    Cost(params=144, macs=144)
    """
    c = _check_int(channels, "channels", 1)
    m = _check_int(depth_multiplier, "depth_multiplier", 1)
    return conv_cost(c, c * m, kernel_size, output_size, groups=c, bias=bias)


@fill_doc(**_cost_doc("output_size", "returns"))
def depthwise_separable_cost(in_channels, out_channels, kernel_size, output_size=1,
                             depth_multiplier=1, bias=False):
    """:class:`Cost` of a depthwise separable convolution.

    A depthwise ``k x k`` convolution ``C_in -> C_in * K`` followed by a
    pointwise ``C_in * K -> C_out``. Chapter 9.

    Parameters
    ----------
    in_channels, out_channels : int
    kernel_size : int or tuple of int
        Of the depthwise step.
    {output_size}
    depth_multiplier : int, default 1
    bias : bool, default False

    {returns}

    Notes
    -----
    Against a standard convolution (``K = 1``) the ratio of MACs is
    ``1 / C_out + 1 / (kH kW)``.

    Examples
    --------
    >>> depthwise_separable_cost(16, 32, 3)
    Cost(params=656, macs=656)
    """
    m = _check_int(depth_multiplier, "depth_multiplier", 1)
    c_in = _check_int(in_channels, "in_channels", 1)
    return (depthwise_conv_cost(c_in, kernel_size, output_size, m, bias)
            + pointwise_conv_cost(c_in * m, out_channels, output_size, bias=bias))


@fill_doc(**_cost_doc("output_size", "returns"))
def spatially_separable_cost(in_channels, out_channels, kernel_size, output_size=1,
                             intermediate_channels=None, bias=False):
    """:class:`Cost` of a ``kH x kW`` convolution factored into ``kH x 1`` then ``1 x kW``.

    The first layer maps ``C_in -> C_mid``, the second ``C_mid -> C_out``
    (``C_mid`` defaults to ``C_out``), as in Inception-v3's factorisation.
    Chapter 8; with one channel in and out this is a single rank-1 kernel:
    ``kH + kW`` weights and MACs per pixel instead of ``kH kW``.

    Parameters
    ----------
    in_channels, out_channels : int
    kernel_size : int or tuple of 2 int
        ``(kH, kW)`` of the kernel being factored.
    {output_size}
    intermediate_channels : int, optional
        ``C_mid``, output channels of the ``kH x 1`` layer (default ``C_out``).
    bias : bool, default False

    {returns}

    Notes
    -----
    Both layers are counted at ``output_size`` positions, i.e. with 'same'
    padding and stride 1; with 'valid' padding the intermediate map is a few
    rows taller than the output.

    Examples
    --------
    >>> spatially_separable_cost(1, 1, 3)
    Cost(params=6, macs=6)
    """
    k = _per_axis(kernel_size, 2, "kernel_size", 1)
    mid = out_channels if intermediate_channels is None else intermediate_channels
    _check_int(mid, "intermediate_channels", 1)
    return (conv_cost(in_channels, mid, (k[0], 1), output_size, bias=bias)
            + conv_cost(mid, out_channels, (1, k[1]), output_size, bias=bias))


@fill_doc(**_cost_doc("output_size", "bias", "returns"))
def flattened_cost(in_channels, out_channels, kernel_size, output_size=1, bias=False):
    """:class:`Cost` of a flattened convolution (Jin et al. 2014).

    A lateral 1x1 convolution ``C_in -> C_out``, then per channel a vertical
    ``kH x 1`` and a horizontal ``1 x kW`` filter: ``C_out (C_in + kH + kW)``
    weights instead of ``C_out C_in kH kW``. Chapter 10.

    Parameters
    ----------
    in_channels, out_channels : int
    kernel_size : int or tuple of 2 int
        ``(kH, kW)`` of the filters being flattened.
    {output_size}
    {bias}

    {returns}

    Notes
    -----
    MACs count all three stages at ``output_size`` positions ('same'
    padding, stride 1).

    Examples
    --------
    >>> flattened_cost(64, 64, 3)
    Cost(params=4480, macs=4480)
    """
    k = _per_axis(kernel_size, 2, "kernel_size", 1)
    c_out = _check_int(out_channels, "out_channels", 1)
    return (pointwise_conv_cost(in_channels, c_out, output_size, bias=bias)
            + conv_cost(c_out, c_out, (k[0], 1), output_size, groups=c_out, bias=bias)
            + conv_cost(c_out, c_out, (1, k[1]), output_size, groups=c_out, bias=bias))


@fill_doc(**_cost_doc("output_size", "bias", "returns"))
def inception_bottleneck_cost(in_channels, out_channels, kernel_size, bottleneck_channels,
                              output_size=1, bias=False):
    """:class:`Cost` of a 1x1 reduction to ``bottleneck_channels`` before a ``k x k`` conv.

    Chapter 5 (Inception's dimension reduction, Szegedy et al. 2015).

    Parameters
    ----------
    in_channels, out_channels : int
    kernel_size : int or tuple of int
        Of the convolution after the reduction.
    bottleneck_channels : int
        Output channels of the 1x1 reduction.
    {output_size}
    {bias}

    {returns}

    Examples
    --------
    >>> inception_bottleneck_cost(256, 512, 3, bottleneck_channels=64).params
    311296
    """
    b = _check_int(bottleneck_channels, "bottleneck_channels", 1)
    return (pointwise_conv_cost(in_channels, b, output_size, bias=bias)
            + conv_cost(b, out_channels, kernel_size, output_size, bias=bias))


def _block_sizes(input_size, stride, kernel_size=3):
    """Input size and the size after a ``k x k`` conv with 'same'-style padding."""
    n = _n_axes(2, input_size=input_size)
    size = _per_axis(input_size, n, "input_size", 1)
    s = _check_int(stride, "stride", 1)
    k = _per_axis(kernel_size, n, "kernel_size", 1)
    padding = tuple(ki // 2 for ki in k)
    out = conv_output_size(size, k, s, padding)
    return size, out


def resnet_bottleneck_cost(in_channels, bottleneck_channels, out_channels=None, stride=1,
                           input_size=1, bias=False):
    """:class:`Cost` of a ResNet bottleneck block (He et al. 2016).

    1x1 ``C_in -> m``, 3x3 ``m -> m`` (stride ``stride``, padding 1), 1x1
    ``m -> C_out`` (``C_out`` defaults to ``C_in``), plus a 1x1 projection
    shortcut ``C_in -> C_out`` with the same stride when the shape changes
    (``C_in != C_out`` or ``stride != 1``). The stride sits on the 3x3
    convolution, as in torchvision.

    Parameters
    ----------
    in_channels, bottleneck_channels : int
    out_channels : int, optional
    stride : int, default 1
    input_size : int or tuple of int, default 1
        Spatial size of the block's input; with stride 1 and the default 1,
        MACs are per position.
    bias : bool, default False

    Returns
    -------
    Cost

    Notes
    -----
    Chapter 13. For ``C_in = C_out = c`` and stride 1 the MACs are
    ``hw (2 c m + 9 m^2)``, the count of the ShuffleNet paper.

    Examples
    --------
    >>> resnet_bottleneck_cost(256, 64)
    Cost(params=69632, macs=69632)
    """
    c_in = _check_int(in_channels, "in_channels", 1)
    m = _check_int(bottleneck_channels, "bottleneck_channels", 1)
    c_out = c_in if out_channels is None else _check_int(out_channels, "out_channels", 1)
    size, out = _block_sizes(input_size, stride)
    cost = (pointwise_conv_cost(c_in, m, size, bias=bias)
            + conv_cost(m, m, 3, out, bias=bias)
            + pointwise_conv_cost(m, c_out, out, bias=bias))
    if c_in != c_out or stride != 1:
        cost = cost + pointwise_conv_cost(c_in, c_out, out, bias=bias)
    return cost


def mobilenet_block_cost(in_channels, out_channels, stride=1, input_size=1, kernel_size=3,
                         depth_multiplier=1, bias=False):
    """:class:`Cost` of a MobileNet (v1) block: depthwise ``k x k`` then pointwise.

    The depthwise convolution carries the stride (padding ``k // 2``); the
    pointwise one runs at the output resolution. Chapter 9 and 13 (Howard et
    al. 2017).

    Parameters
    ----------
    in_channels, out_channels : int
    stride : int, default 1
    input_size : int or tuple of int, default 1
        Spatial size of the block's input.
    kernel_size : int, default 3
    depth_multiplier : int, default 1
    bias : bool, default False

    Returns
    -------
    Cost

    Examples
    --------
    >>> mobilenet_block_cost(32, 64, input_size=112).params
    2336
    """
    c_in = _check_int(in_channels, "in_channels", 1)
    m = _check_int(depth_multiplier, "depth_multiplier", 1)
    _, out = _block_sizes(input_size, stride, kernel_size)
    return (depthwise_conv_cost(c_in, kernel_size, out, m, bias)
            + pointwise_conv_cost(c_in * m, out_channels, out, bias=bias))


def shufflenet_unit_cost(in_channels, out_channels, groups, bottleneck_channels=None,
                         stride=1, input_size=1, first_groups=None, bias=False):
    """:class:`Cost` of a ShuffleNet unit (Zhang et al. 2018).

    1x1 group conv ``C_in -> m`` (``first_groups`` groups, default
    ``groups``), channel shuffle (free), 3x3 depthwise conv on ``m`` channels
    (stride ``stride``, padding 1), 1x1 group conv back up. With stride 1 the
    shortcut is an identity added to the result (``C_out`` must equal
    ``C_in``); with stride 2 it is a 3x3 average pool concatenated to the
    result, so the last conv produces ``C_out - C_in`` channels.

    Parameters
    ----------
    in_channels, out_channels : int
        Channels entering and leaving the unit.
    groups : int
        Groups ``g`` of the pointwise group convolutions.
    bottleneck_channels : int, optional
        ``m``; the paper uses a quarter of ``out_channels`` (the default).
    stride : {1, 2}, default 1
    input_size : int or tuple of int, default 1
    first_groups : int, optional
        The paper does not group the first 1x1 conv of stage 2 (its input
        has only 24 channels): pass ``first_groups=1`` for that unit.
    bias : bool, default False

    Returns
    -------
    Cost

    Notes
    -----
    Chapter 13. The average pool and the additions are not counted as
    MACs. At stride 1 the MACs are ``hw (2 c m / g + 9 m)``, the paper's
    count.

    Examples
    --------
    >>> shufflenet_unit_cost(240, 240, groups=3)
    Cost(params=10140, macs=10140)
    """
    c_in = _check_int(in_channels, "in_channels", 1)
    c_out = _check_int(out_channels, "out_channels", 1)
    g = _check_int(groups, "groups", 1)
    g1 = g if first_groups is None else _check_int(first_groups, "first_groups", 1)
    m = c_out // 4 if bottleneck_channels is None else bottleneck_channels
    m = _check_int(m, "bottleneck_channels", 1)
    if _check_int(stride, "stride", 1) not in (1, 2):
        raise ValueError(f"stride must be 1 or 2 for a ShuffleNet unit, got {stride!r}")
    if stride == 1 and c_out != c_in:
        raise ValueError(
            f"out_channels must equal in_channels ({c_in}) for a stride-1 ShuffleNet unit, "
            f"got {c_out}"
        )
    if stride == 2 and c_out <= c_in:
        raise ValueError(
            f"out_channels must exceed in_channels ({c_in}) for a stride-2 ShuffleNet unit "
            f"(the shortcut is concatenated), got {c_out}"
        )
    expand = c_out if stride == 1 else c_out - c_in
    size, out = _block_sizes(input_size, stride)
    return (pointwise_conv_cost(c_in, m, size, groups=g1, bias=bias)
            + depthwise_conv_cost(m, 3, out, bias=bias)
            + pointwise_conv_cost(m, expand, out, groups=g, bias=bias))

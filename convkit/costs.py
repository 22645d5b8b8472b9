"""Costs of convolution layers and blocks: learnable parameters, multiply-adds and memory access.

The cost functions return a :class:`Cost`: learnable parameters and
multiply-accumulates (MACs). Chapter 5 (pointwise) and chapters 9-13 (the
efficient convolutions) compare layers with them. As in :mod:`convkit.sizes`,
integer arguments mean "the same on every axis" and tuples give one value per
axis. An ``output_size`` of 1 (the default) gives the cost per output
position; ``bias=False`` (the default of the layer-type functions) counts
weights only, as the papers do (the layers are usually followed by batch
normalisation), and ``bias=True`` adds one bias per output channel of every
layer. A chain of layers at one resolution (depthwise separable, spatially
separable, flattened, Inception's reduction) has every layer counted at
``output_size`` positions, i.e. with 'same' padding and stride 1.

:func:`conv_memory_access` and :func:`elementwise_memory_access` count the
values a layer reads and writes, ShuffleNet V2's memory access cost (chapter
13). :func:`conv2d_method_costs` counts, for one layer, the operations and the
extra memory of each way of computing it: direct, im2col, FFT and Winograd
(chapter 15).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple

from ._validation import axis_count, check_groups, check_int, to_tuple
from .fft_conv import fft_size
from .sizes import conv_output_size

__all__ = [
    "Cost",
    "conv_params",
    "conv_macs",
    "conv_cost",
    "grouped_conv_cost",
    "pointwise_conv_cost",
    "depthwise_conv_cost",
    "depthwise_separable_cost",
    "spatially_separable_cost",
    "flattened_cost",
    "inception_bottleneck_cost",
    "resnet_bottleneck_cost",
    "mobilenet_block_cost",
    "shufflenet_unit_cost",
    "conv_memory_access",
    "convnext_block_cost",
    "elementwise_memory_access",
    "MethodCost",
    "conv2d_method_costs",
]


# --------------------------------------------------------------------------- #
# cost counts
# --------------------------------------------------------------------------- #
@dataclass(frozen=True)
class Cost:
    """Learnable parameters and multiply-accumulates (MACs) of a layer or block.

    Two costs add up, so a block's cost is the sum of its layers'. A MAC is
    one multiplication and one addition: the count papers call "mult-adds"
    or (MobileNets, ShuffleNet) "FLOPs"; the floating-point operations are
    about twice as many.

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


def _channels(in_channels, out_channels, groups) -> tuple[int, int, int]:
    """``C_in``, ``C_out`` and ``groups``, checked."""
    c_in = check_int(in_channels, "in_channels", 1)
    c_out = check_int(out_channels, "out_channels", 1)
    return c_in, c_out, check_groups(groups, c_in, c_out)


def _check_bias(bias) -> bool:
    """``bias``, checked to be a bool."""
    if not isinstance(bias, bool):
        raise TypeError(f"bias must be True or False, got {bias!r}")
    return bias


def conv_params(in_channels, out_channels, kernel_size, groups=1, bias=True):
    """Learnable parameters of a convolution layer.

    ``C_out * (C_in / groups) * prod(kernel_size)`` weights, plus ``C_out``
    biases if ``bias`` (the default of ``torch.nn.Conv2d``). Chapters 2
    and 11.

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

    Examples
    --------
    >>> conv_params(3, 16, 3)
    448
    >>> conv_params(256, 512, 3, bias=False)
    1179648
    """
    c_in, c_out, g = _channels(in_channels, out_channels, groups)
    n = axis_count(2, kernel_size=kernel_size)
    k = to_tuple(kernel_size, n, "kernel_size", 1)
    return c_out * (c_in // g) * math.prod(k) + (c_out if _check_bias(bias) else 0)


def conv_macs(in_channels, out_channels, kernel_size, output_size, groups=1):
    """Multiply-accumulates of a convolution layer, for one input image.

    Each of the ``prod(output_size) * C_out`` outputs is a dot product of
    length ``(C_in / groups) * prod(kernel_size)``. Bias additions are not
    counted. Chapters 3, 5 and 9-13 compare these counts across layer types.

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

    Examples
    --------
    >>> conv_macs(16, 32, 3, output_size=1)
    4608
    """
    c_in, c_out, g = _channels(in_channels, out_channels, groups)
    n = axis_count(2, kernel_size=kernel_size, output_size=output_size)
    k = to_tuple(kernel_size, n, "kernel_size", 1)
    o = to_tuple(output_size, n, "output_size", 1)
    return math.prod(o) * c_out * (c_in // g) * math.prod(k)


def conv_cost(in_channels, out_channels, kernel_size, output_size=1, groups=1, bias=False):
    """:class:`Cost` of one (possibly grouped) convolution layer.

    Parameters
    ----------
    in_channels, out_channels : int
    kernel_size : int or tuple of int
    output_size : int or tuple of int, default 1
    groups : int, default 1
    bias : bool, default False

    Returns
    -------
    Cost

    Examples
    --------
    >>> conv_cost(256, 512, 3)
    Cost(params=1179648, macs=1179648)
    """
    return Cost(conv_params(in_channels, out_channels, kernel_size, groups, bias),
                conv_macs(in_channels, out_channels, kernel_size, output_size, groups))


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
    output_size : int or tuple of int, default 1
    bias : bool, default False

    Returns
    -------
    Cost

    Examples
    --------
    >>> grouped_conv_cost(256, 256, 3, groups=8)
    Cost(params=73728, macs=73728)
    """
    return conv_cost(in_channels, out_channels, kernel_size, output_size, groups, bias)


def pointwise_conv_cost(in_channels, out_channels, output_size=1, groups=1, bias=False):
    """:class:`Cost` of a (possibly grouped) 1x1 convolution.

    ``C_in * C_out / groups`` weights and as many MACs per position.
    Chapter 5 (pointwise) and chapter 13 (pointwise grouped).

    Parameters
    ----------
    in_channels, out_channels : int
    output_size : int or tuple of int, default 1
    groups : int, default 1
    bias : bool, default False

    Returns
    -------
    Cost

    Examples
    --------
    >>> pointwise_conv_cost(240, 60, groups=3)
    Cost(params=4800, macs=4800)
    """
    n = axis_count(2, output_size=output_size)
    return conv_cost(in_channels, out_channels, (1,) * n, output_size, groups, bias)


def depthwise_conv_cost(channels, kernel_size, output_size=1, depth_multiplier=1, bias=False):
    """:class:`Cost` of a depthwise convolution (``groups = channels``).

    ``C * K`` kernels of size ``k x k``, ``K`` the depth multiplier: each
    output channel sees one input channel. Chapter 9.

    Parameters
    ----------
    channels : int
        Input channels ``C``.
    kernel_size : int or tuple of int
    output_size : int or tuple of int, default 1
    depth_multiplier : int, default 1
        ``K``; the layer outputs ``C * K`` channels.
    bias : bool, default False

    Returns
    -------
    Cost

    Examples
    --------
    >>> depthwise_conv_cost(16, 3)
    Cost(params=144, macs=144)
    """
    c = check_int(channels, "channels", 1)
    m = check_int(depth_multiplier, "depth_multiplier", 1)
    return conv_cost(c, c * m, kernel_size, output_size, groups=c, bias=bias)


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
    output_size : int or tuple of int, default 1
    depth_multiplier : int, default 1
    bias : bool, default False

    Returns
    -------
    Cost

    Notes
    -----
    Against a standard convolution (``K = 1``) the ratio of MACs is
    ``1 / C_out + 1 / (kH kW)``.

    Examples
    --------
    >>> depthwise_separable_cost(16, 32, 3)
    Cost(params=656, macs=656)
    """
    m = check_int(depth_multiplier, "depth_multiplier", 1)
    c_in = check_int(in_channels, "in_channels", 1)
    return (depthwise_conv_cost(c_in, kernel_size, output_size, m, bias)
            + pointwise_conv_cost(c_in * m, out_channels, output_size, bias=bias))


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
    output_size : int or tuple of int, default 1
    intermediate_channels : int, optional
        ``C_mid``, output channels of the ``kH x 1`` layer (default ``C_out``).
    bias : bool, default False

    Returns
    -------
    Cost

    Examples
    --------
    >>> spatially_separable_cost(1, 1, 3)
    Cost(params=6, macs=6)
    """
    k = to_tuple(kernel_size, 2, "kernel_size", 1)
    mid = out_channels if intermediate_channels is None else intermediate_channels
    check_int(mid, "intermediate_channels", 1)
    return (conv_cost(in_channels, mid, (k[0], 1), output_size, bias=bias)
            + conv_cost(mid, out_channels, (1, k[1]), output_size, bias=bias))


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
    output_size : int or tuple of int, default 1
    bias : bool, default False

    Returns
    -------
    Cost

    Examples
    --------
    >>> flattened_cost(64, 64, 3)
    Cost(params=4480, macs=4480)
    """
    k = to_tuple(kernel_size, 2, "kernel_size", 1)
    c_out = check_int(out_channels, "out_channels", 1)
    return (pointwise_conv_cost(in_channels, c_out, output_size, bias=bias)
            + conv_cost(c_out, c_out, (k[0], 1), output_size, groups=c_out, bias=bias)
            + conv_cost(c_out, c_out, (1, k[1]), output_size, groups=c_out, bias=bias))


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
    output_size : int or tuple of int, default 1
    bias : bool, default False

    Returns
    -------
    Cost

    Examples
    --------
    >>> inception_bottleneck_cost(256, 512, 3, bottleneck_channels=64).params
    311296
    """
    b = check_int(bottleneck_channels, "bottleneck_channels", 1)
    return (pointwise_conv_cost(in_channels, b, output_size, bias=bias)
            + conv_cost(b, out_channels, kernel_size, output_size, bias=bias))


def _block_sizes(input_size, stride, kernel_size=3):
    """Input size and the size after a ``k x k`` conv with 'same'-style padding."""
    n = axis_count(2, input_size=input_size)
    size = to_tuple(input_size, n, "input_size", 1)
    s = check_int(stride, "stride", 1)
    k = to_tuple(kernel_size, n, "kernel_size", 1)
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
    c_in = check_int(in_channels, "in_channels", 1)
    m = check_int(bottleneck_channels, "bottleneck_channels", 1)
    c_out = c_in if out_channels is None else check_int(out_channels, "out_channels", 1)
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
    _, out = _block_sizes(input_size, stride, kernel_size)
    return depthwise_separable_cost(in_channels, out_channels, kernel_size, out,
                                    depth_multiplier, bias)


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
    c_in = check_int(in_channels, "in_channels", 1)
    c_out = check_int(out_channels, "out_channels", 1)
    g = check_int(groups, "groups", 1)
    g1 = g if first_groups is None else check_int(first_groups, "first_groups", 1)
    m = c_out // 4 if bottleneck_channels is None else bottleneck_channels
    m = check_int(m, "bottleneck_channels", 1)
    if check_int(stride, "stride", 1) not in (1, 2):
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


# --------------------------------------------------------------------------- #
# memory access (ShuffleNet V2's "MAC", in values)
# --------------------------------------------------------------------------- #
def conv_memory_access(in_channels, out_channels, kernel_size, input_size, output_size=None,
                       groups=1, bias=False):
    """Values a convolution layer reads and writes if each is moved once: input, weights, output.

    ShuffleNet V2's memory access cost (Ma et al. 2018, section 2): the input
    map, ``C_in * prod(input_size)`` values, the weights (and biases), and
    the output map, ``C_out * prod(output_size)``. For a 1x1 convolution on
    ``H x W`` that is ``HW (C_in + C_out) + C_in C_out / g``, the paper's
    equation 2. Multiply by the bytes per value (4 in float32) for bytes.

    Parameters
    ----------
    in_channels, out_channels : int
    kernel_size : int or tuple of int
    input_size : int or tuple of int
        Spatial size of the input (an int means square in 2D).
    output_size : int or tuple of int, optional
        Spatial size of the output; default ``input_size`` (stride 1,
        'same' padding).
    groups : int, default 1
    bias : bool, default False

    Returns
    -------
    int

    See Also
    --------
    elementwise_memory_access : The same count for a layer without weights.

    Notes
    -----
    Chapter 13. Caches can make the real traffic smaller (operands that stay
    in cache) or larger (data read more than once).

    Examples
    --------
    >>> conv_memory_access(128, 128, 1, input_size=56)            # 56*56*256 + 128*128
    819200
    >>> conv_memory_access(360, 360, 1, input_size=56, groups=8)  # 56*56*720 + 360*360/8
    2274120
    """
    weights = conv_params(in_channels, out_channels, kernel_size, groups, bias)  # checks them
    n = axis_count(2, kernel_size=kernel_size, input_size=input_size,
                   output_size=input_size if output_size is None else output_size)
    size = to_tuple(input_size, n, "input_size", 1)
    out = size if output_size is None else to_tuple(output_size, n, "output_size", 1)
    return int(in_channels) * math.prod(size) + weights + int(out_channels) * math.prod(out)


def elementwise_memory_access(channels, size, inputs=1):
    """Values an element-wise operation reads and writes: ``inputs`` maps read, one written.

    A ReLU or a channel shuffle reads one map and writes one (``inputs=1``);
    the addition of a shortcut reads two (``inputs=2``). Such layers have no
    multiply-adds, but they move as much data as a convolution's input and
    output; ShuffleNet V2's guideline G4 is about them.

    Parameters
    ----------
    channels : int
        Channels of each map.
    size : int or tuple of int
        Spatial size of each map (an int means square in 2D).
    inputs : int, default 1
        Maps read.

    Returns
    -------
    int

    Examples
    --------
    >>> elementwise_memory_access(240, 28, inputs=2)   # x + y: reads 2, writes 1 map of 240*28*28
    564480
    """
    c = check_int(channels, "channels", 1)
    k = check_int(inputs, "inputs", 1)
    n = axis_count(2, size=size)
    return (k + 1) * c * math.prod(to_tuple(size, n, "size", 1))


def convnext_block_cost(channels, input_size=1, kernel_size=7, expansion=4, bias=False):
    """:class:`Cost` of a ConvNeXt block's convolutions (Liu et al. 2022).

    Depthwise ``k x k`` on ``C`` channels (padding ``k // 2``), then the inverted
    bottleneck: pointwise ``C -> e C`` and pointwise ``e C -> C``, all at stride
    1. The layer norm, GELU and layer scale between them are not counted, as
    :func:`resnet_bottleneck_cost` leaves out the batch norms. Chapter 18.

    Parameters
    ----------
    channels : int
        ``C``, the block's input and output channels.
    input_size : int or tuple of int, default 1
        Spatial size; with the default 1, MACs are per position.
    kernel_size : int, default 7
    expansion : int, default 4
        ``e``, the width of the hidden layer in units of ``C``.
    bias : bool, default False

    Returns
    -------
    Cost

    Examples
    --------
    >>> convnext_block_cost(96)
    Cost(params=78432, macs=78432)
    """
    c = check_int(channels, "channels", 1)
    e = check_int(expansion, "expansion", 1)
    size, _ = _block_sizes(input_size, 1, kernel_size)
    return (depthwise_conv_cost(c, kernel_size, size, bias=bias)
            + pointwise_conv_cost(c, e * c, size, bias=bias)
            + pointwise_conv_cost(e * c, c, size, bias=bias))


# --------------------------------------------------------------------------- #
# the algorithms of chapter 15: operations and extra memory
# --------------------------------------------------------------------------- #
class MethodCost(NamedTuple):
    """Work and extra memory of one way of computing a convolution layer.

    Parameters
    ----------
    operations : int
        Real floating-point operations; a multiply-add counts 2.
    extra_bytes : int
        Memory the method allocates besides the input, the weight and the
        output.
    """

    operations: int
    extra_bytes: int


# Real operations of one real-input 2D FFT (or its inverse) on n points: the
# usual estimate, half of a complex FFT's 5 n log2 n.
def _real_fft_operations(points: int) -> float:
    return 2.5 * points * math.log2(points)


# F(2x2, 3x3): additions of one input tile's transform B^T d B (each row of
# B^T adds 2 entries: 4 rows x 4 columns, twice), of one output tile's
# A^T M A (each row of A^T adds 3 entries: 2 x 2 additions on 4 columns,
# then on 2 rows) and operations of one kernel's G w G^T (a row of G with
# 3 entries: 2 additions and a halving; 2 such rows on 3 columns, then on
# 4 rows).
_WINOGRAD_INPUT_TRANSFORM = 32
_WINOGRAD_OUTPUT_TRANSFORM = 24
_WINOGRAD_KERNEL_TRANSFORM = 2 * 3 * 3 + 4 * 2 * 3


def conv2d_method_costs(in_channels, out_channels, kernel_size, input_size, padding=0,
                        batch=1, itemsize=4):
    """Operations and extra memory of direct, im2col, FFT and Winograd for one 2D layer.

    A model, not a timing: the counts of chapter 15 for a convolution with
    stride 1, dilation 1 and one group (the case all four methods handle),
    each method computing the whole batch at once.

    Parameters
    ----------
    in_channels, out_channels : int
        ``C_in`` and ``C_out``.
    kernel_size : int or tuple of 2 int
        ``(kH, kW)``.
    input_size : int or tuple of 2 int
        ``(H, W)`` of the input before padding.
    padding : int or tuple of 2 int, default 0
        Zeros on each side, as in :func:`convkit.conv2d` (``k // 2`` for
        'same' with an odd kernel).
    batch : int, default 1
        ``N``, the images computed together (0 leaves the kernels' work).
    itemsize : int, default 4
        Bytes per real value (4 for float32); a complex value takes twice.

    Returns
    -------
    dict of str to MethodCost or None
        Keys ``"direct"``, ``"im2col"``, ``"fft"``, ``"winograd"``, in that
        order; ``"winograd"`` is None unless the kernel is 3x3.

    Raises
    ------
    TypeError, ValueError
        A count or size that is not a positive int (``padding`` and
        ``batch``: not a non-negative int), or a kernel larger than the
        padded input.

    See Also
    --------
    conv_macs : The multiply-adds of the definition.
    convkit.choose_conv_method : Picks a method with these counts.
    convkit.conv2d_fft, convkit.winograd_conv2d : Two of the methods.

    Notes
    -----
    With ``M = N C_out C_in kH kW H_out W_out`` multiply-adds:

    * ``"direct"`` (blocked direct convolution, or implicit GEMM): ``2 M``
      operations, no extra memory.
    * ``"im2col"``: ``2 M`` operations; the matrix of windows,
      ``N C_in kH kW x H_out W_out`` values (:func:`convkit.unfold`).
    * ``"fft"``, as :func:`convkit.conv2d_fft` computes it, on an
      ``F_H x F_W`` grid (the padded input rounded up by
      :func:`convkit.fft_size`) with ``P = F_H (F_W // 2 + 1)`` complex
      frequencies: ``N C_in + C_out C_in + N C_out`` real transforms of
      ``2.5 F_H F_W log2(F_H F_W)`` operations each, plus ``N C_out C_in P``
      complex multiply-adds of 8 real operations. Extra memory: the
      spectra of the inputs, of every kernel and of the outputs, ``P``
      complex values each. The kernels' transforms are charged on every
      call; a library applying one layer to many batches computes them once.
    * ``"winograd"``, F(2x2, 3x3) on ``T = ceil(H_out / 2) ceil(W_out / 2)``
      tiles per image: ``16 N T C_out C_in`` multiply-adds (the elementwise
      products, summed over input channels as 16 matrix products), 32
      additions per input tile and channel, 24 per output tile and channel,
      and 42 operations per kernel transform. Extra memory: the transformed
      kernels, input tiles and products, ``16`` values per kernel,
      per input tile and channel, and per output tile and channel.

    Examples
    --------
    >>> costs = conv2d_method_costs(64, 64, 3, 56, padding=1)
    >>> costs["direct"].operations == 2 * conv_macs(64, 64, 3, 56)
    True
    >>> costs["im2col"].extra_bytes            # 576 x 3136 float32 values
    7225344
    >>> conv2d_method_costs(16, 16, 31, 64, padding=15)["winograd"] is None
    True
    """
    c_in = check_int(in_channels, "in_channels", 1)
    c_out = check_int(out_channels, "out_channels", 1)
    k_h, k_w = to_tuple(kernel_size, 2, "kernel_size", 1)
    size = to_tuple(input_size, 2, "input_size", 1)
    pad = to_tuple(padding, 2, "padding", 0)
    n = check_int(batch, "batch", 0)
    item = check_int(itemsize, "itemsize", 1)
    padded = tuple(s + 2 * p for s, p in zip(size, pad))
    if k_h > padded[0] or k_w > padded[1]:
        raise ValueError(f"kernel_size {(k_h, k_w)} is larger than the padded input {padded}")
    h_out, w_out = padded[0] - k_h + 1, padded[1] - k_w + 1
    macs = n * c_out * c_in * k_h * k_w * h_out * w_out
    costs: dict[str, MethodCost | None] = {
        "direct": MethodCost(2 * macs, 0),
        "im2col": MethodCost(2 * macs, n * c_in * k_h * k_w * h_out * w_out * item),
    }

    grid_h, grid_w = fft_size(padded[0]), fft_size(padded[1])
    frequencies = grid_h * (grid_w // 2 + 1)
    spectra = n * c_in + c_out * c_in + n * c_out
    fft_operations = (spectra * _real_fft_operations(grid_h * grid_w)
                      + 8 * n * c_out * c_in * frequencies)
    costs["fft"] = MethodCost(round(fft_operations), spectra * frequencies * 2 * item)

    if (k_h, k_w) == (3, 3):
        tiles = n * -(-h_out // 2) * -(-w_out // 2)
        operations = (2 * 16 * tiles * c_out * c_in + _WINOGRAD_INPUT_TRANSFORM * tiles * c_in
                      + _WINOGRAD_OUTPUT_TRANSFORM * tiles * c_out
                      + _WINOGRAD_KERNEL_TRANSFORM * c_out * c_in)
        values = 16 * (c_out * c_in + tiles * c_in + tiles * c_out)
        costs["winograd"] = MethodCost(operations, values * item)
    else:
        costs["winograd"] = None
    return costs

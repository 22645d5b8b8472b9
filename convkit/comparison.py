"""Every convolution of the course for one reference layer, side by side (chapter 14).

:func:`layer_table` describes the twelve layer types of the course, all built
for the same input and the same channel counts: the shapes of their weights,
their parameters and multiply-adds (from :mod:`convkit.costs`), their
receptive field along each spatial axis, how many input channels one output
channel depends on, and the shape of their output. The counts are the ones a
``torch.nn`` module of that layer has (``bias=False``); the tests check them
against PyTorch's parameter counts, its FLOP counter and autograd.

Everything here works on plain integers: nothing is convolved.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from convkit._validation import check_int
from convkit.costs import (
    Cost, conv_cost, depthwise_conv_cost, depthwise_separable_cost, flattened_cost,
    grouped_conv_cost, pointwise_conv_cost, spatially_separable_cost,
)
from convkit.sizes import (
    conv_output_size, conv_transpose_output_size, effective_kernel_size, receptive_field,
)

__all__ = ["LAYER_TYPES", "LayerRow", "layer_table"]

LAYER_TYPES = (
    "standard", "1x1", "3D", "dilated", "transposed", "spatially separable", "depthwise",
    "depthwise separable", "flattened", "grouped", "shuffled grouped", "pointwise grouped",
)
"""The rows of :func:`layer_table`, in the order of the course."""


@dataclass(frozen=True)
class LayerRow:
    """One layer type of :func:`layer_table`.

    Parameters
    ----------
    name : str
        The layer type, one of :data:`LAYER_TYPES`.
    chapter : int
        The chapter of the course that explains it.
    weight_shapes : tuple of tuple of int
        The weight shape of each convolution of the layer, in order, in
        PyTorch's layout (``(C_out, C_in / g, kH, kW)``; ``(C_in, C_out / g,
        kH, kW)`` for the transposed one).
    params : int
        Learnable weights (no bias).
    macs : int
        Multiply-adds for one input image.
    receptive_field : tuple of int
        Input pixels along each spatial axis that one output pixel away from
        the border depends on (the largest such count over those pixels).
    channels_seen : int
        Input channels that one output channel depends on.
    output_shape : tuple of int
        ``(C_out, H_out, W_out)``, or ``(C_out, D_out, H_out, W_out)`` in 3D.
    """

    name: str
    chapter: int
    weight_shapes: tuple[tuple[int, ...], ...]
    params: int
    macs: int
    receptive_field: tuple[int, ...]
    channels_seen: int
    output_shape: tuple[int, ...]


def layer_table(in_channels=64, out_channels=64, kernel_size=3, input_size=56, groups=8,
                dilation=2, stride=2, depth=4):
    """The twelve layer types of the course for one reference layer.

    Every layer maps ``C_in`` channels of an ``i x i`` map to ``C_out``
    channels with ``k x k`` kernels (``k x k x k`` in 3D), at stride 1 with
    'same' padding, except the transposed layer, which upsamples by
    ``stride``. Biases are not counted.

    ==================== ===================================================
    row                  layers (PyTorch modules, ``bias=False``)
    ==================== ===================================================
    standard             ``Conv2d(C_in, C_out, k, padding=k//2)``
    1x1                  ``Conv2d(C_in, C_out, 1)``
    3D                   ``Conv3d(C_in, C_out, k, padding=k//2)`` on a
                         ``depth x i x i`` volume
    dilated              ``Conv2d(C_in, C_out, k, padding=d(k-1)//2,
                         dilation=d)``
    transposed           ``ConvTranspose2d(C_in, C_out, k, stride=s,
                         padding=k//2, output_padding=s-1)``: output ``s i``
    spatially separable  ``Conv2d(C_in, C_out, (k, 1))`` then
                         ``Conv2d(C_out, C_out, (1, k))``
    depthwise            ``Conv2d(C_in, C_out, k, groups=C_in)``
    depthwise separable  depthwise ``Conv2d(C_in, C_in, k, groups=C_in)``
                         then ``Conv2d(C_in, C_out, 1)``
    flattened            ``Conv2d(C_in, C_out, 1)``, then ``(k, 1)`` and
                         ``(1, k)`` with ``groups=C_out``
    grouped              ``Conv2d(C_in, C_out, k, groups=g)``
    shuffled grouped     grouped, then ``ChannelShuffle(g)``
    pointwise grouped    ``Conv2d(C_in, C_out, 1, groups=g)``
    ==================== ===================================================

    Parameters
    ----------
    in_channels, out_channels : int, default 64
        ``C_in`` and ``C_out``; both divisible by ``groups``, and
        ``out_channels`` a multiple of ``in_channels`` (the depthwise row's
        depth multiplier).
    kernel_size : int, default 3
        ``k``, odd, so that ``k // 2`` keeps the size.
    input_size : int, default 56
        ``i``: the input is ``i x i`` (``depth x i x i`` in 3D).
    groups : int, default 8
        ``g`` of the grouped rows.
    dilation : int, default 2
        ``d`` of the dilated row.
    stride : int, default 2
        ``s`` of the transposed row (its upsampling factor).
    depth : int, default 4
        Depth ``D`` of the 3D row's input volume.

    Returns
    -------
    list of LayerRow
        One row per entry of :data:`LAYER_TYPES`, in that order.

    Raises
    ------
    TypeError
        If an argument is not an int.
    ValueError
        If an argument is not positive, the kernel size is even, the channels
        are not divisible by ``groups``, ``out_channels`` is not a multiple of
        ``in_channels``, or the kernel is larger than the padded input.

    Notes
    -----
    Chapter 14. Counts come from :mod:`convkit.costs`; the one count it
    has no function for, the transposed layer's, is ``C_in (C_out / g) kH kW``
    multiply-adds per *input* pixel: each input pixel stamps a scaled copy of
    its kernel (chapter 6), and the stamps on the cropped border are
    computed too, which is what PyTorch's FLOP counter counts. The transposed
    layer's receptive field is ``ceil(k / s)`` input pixels per axis. A
    channel shuffle adds no parameter and no multiply-add, and it does not
    change how many input channels one output sees: it helps the *next*
    grouped layer (chapter 12).

    Examples
    --------
    >>> rows = layer_table()
    >>> [(r.name, r.params) for r in rows[:2]]
    [('standard', 36864), ('1x1', 4096)]
    >>> rows[4].output_shape
    (64, 112, 112)
    """
    c_in = check_int(in_channels, "in_channels", minimum=1)
    c_out = check_int(out_channels, "out_channels", minimum=1)
    k = check_int(kernel_size, "kernel_size", minimum=1)
    i = check_int(input_size, "input_size", minimum=1)
    g = check_int(groups, "groups", minimum=1)
    d = check_int(dilation, "dilation", minimum=1)
    s = check_int(stride, "stride", minimum=1)
    depth = check_int(depth, "depth", minimum=1)
    if k % 2 == 0:
        raise ValueError(f"kernel_size must be odd, got {k}")
    if c_in % g or c_out % g:
        raise ValueError(f"in_channels ({c_in}) and out_channels ({c_out}) must be divisible "
                         f"by groups ({g})")
    if c_out % c_in:
        raise ValueError(f"out_channels ({c_out}) must be a multiple of in_channels ({c_in}) "
                         "for the depthwise row")
    p = k // 2
    o = conv_output_size(i, k, 1, p)                           # 'same': o == i
    size = (o, o)
    dil = conv_output_size(i, k, 1, d * (k - 1) // 2, d)
    up = conv_transpose_output_size(i, k, s, p, s - 1)         # s * i
    o3 = conv_output_size((depth, i, i), k, 1, p)
    multiplier = c_out // c_in
    # Receptive fields per axis, as (kernel_size, stride[, dilation]) layer lists.
    field_k = receptive_field([(k, 1)])
    field_1 = receptive_field([(1, 1)])

    def row(name, chapter, shapes, cost, field, seen, out_size):
        params = sum(math.prod(shape) for shape in shapes)
        assert params == cost.params, name  # the shapes and convkit.costs agree
        return LayerRow(name, chapter, tuple(shapes), cost.params, cost.macs, tuple(field),
                        seen, (c_out, *out_size))

    transposed_weights = c_in * c_out * k * k
    return [
        row("standard", 2, [(c_out, c_in, k, k)], conv_cost(c_in, c_out, k, size),
            (field_k, field_k), c_in, size),
        row("1x1", 5, [(c_out, c_in, 1, 1)], pointwise_conv_cost(c_in, c_out, size),
            (field_1, field_1), c_in, size),
        row("3D", 4, [(c_out, c_in, k, k, k)], conv_cost(c_in, c_out, (k, k, k), o3),
            (field_k,) * 3, c_in, o3),
        row("dilated", 7, [(c_out, c_in, k, k)], conv_cost(c_in, c_out, k, (dil, dil)),
            (effective_kernel_size(k, d),) * 2, c_in, (dil, dil)),
        row("transposed", 6, [(c_in, c_out, k, k)],
            # MACs per input pixel (each stamps its kernel), not per output pixel.
            Cost(transposed_weights, transposed_weights * i * i),
            (-(-k // s),) * 2, c_in, (up, up)),
        row("spatially separable", 8, [(c_out, c_in, k, 1), (c_out, c_out, 1, k)],
            spatially_separable_cost(c_in, c_out, k, size),
            (receptive_field([(k, 1), (1, 1)]), receptive_field([(1, 1), (k, 1)])), c_in, size),
        row("depthwise", 9, [(c_out, 1, k, k)],
            depthwise_conv_cost(c_in, k, size, depth_multiplier=multiplier),
            (field_k, field_k), 1, size),
        row("depthwise separable", 9, [(c_in, 1, k, k), (c_out, c_in, 1, 1)],
            depthwise_separable_cost(c_in, c_out, k, size),
            (receptive_field([(k, 1), (1, 1)]),) * 2, c_in, size),
        row("flattened", 10, [(c_out, c_in, 1, 1), (c_out, 1, k, 1), (c_out, 1, 1, k)],
            flattened_cost(c_in, c_out, k, size),
            (receptive_field([(1, 1), (k, 1), (1, 1)]), receptive_field([(1, 1), (1, 1), (k, 1)])),
            c_in, size),
        row("grouped", 11, [(c_out, c_in // g, k, k)], grouped_conv_cost(c_in, c_out, k, g, size),
            (field_k, field_k), c_in // g, size),
        row("shuffled grouped", 12, [(c_out, c_in // g, k, k)],
            grouped_conv_cost(c_in, c_out, k, g, size), (field_k, field_k), c_in // g, size),
        row("pointwise grouped", 13, [(c_out, c_in // g, 1, 1)],
            pointwise_conv_cost(c_in, c_out, size, groups=g), (field_1, field_1), c_in // g, size),
    ]

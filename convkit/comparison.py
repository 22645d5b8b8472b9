"""Every convolution of the course for one reference layer, side by side (chapter 14).

:func:`layer_table` describes the twelve layer types of Parts I-III and the ten
of Part V (chapters 16-20), all built for the same input and the same channel
counts: the shapes of their weights, their parameters and multiply-adds (from
:mod:`convkit.costs` and the Part V modules' cost functions), their receptive
field along each spatial axis, how many input channels one output channel
depends on, and the shape of their output. The counts are the ones a
``torch.nn`` module of that layer has (``bias=False``); the tests check them
against PyTorch's parameter counts, its FLOP counter and autograd.

Everything here works on plain integers: nothing is convolved.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from convkit._validation import check_groups, check_int
from convkit.causal import causal_receptive_field
from convkit.costs import (
    Cost, conv_cost, depthwise_conv_cost, depthwise_separable_cost, flattened_cost,
    grouped_conv_cost, pointwise_conv_cost, spatially_separable_cost,
)
from convkit.dynamic import dynamic_conv_cost
from convkit.equivariant import P4_ORDER, p4_conv_cost
from convkit.graph import grid_graph
from convkit.sizes import (
    conv_output_size, conv_transpose_output_size, effective_kernel_size, receptive_field,
)

__all__ = ["LAYER_TYPES", "LayerRow", "PART_V_TYPES", "layer_table"]

LAYER_TYPES = (
    "standard", "1x1", "3D", "dilated", "transposed", "spatially separable", "depthwise",
    "depthwise separable", "flattened", "grouped", "shuffled grouped", "pointwise grouped",
)
"""The first twelve rows of :func:`layer_table` (Parts I-III), in the order of the course."""

PART_V_TYPES = (
    "causal", "dilated causal stack", "deformable v1", "deformable v2", "RepVGG, training",
    "RepVGG, merged", "dynamic", "p4 lifting", "p4 group", "graph (GCN)",
)
"""The last ten rows of :func:`layer_table`: the Part V preview (chapters 16-20)."""


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
    receptive_field : tuple of int or None
        Input pixels along each spatial axis that one output pixel away from
        the border depends on (the largest such count over those pixels);
        time steps for the causal rows. None where no fixed window exists
        (deformable, graph): ``notes`` says what holds instead.
    channels_seen : int
        Input channels that one output channel depends on (input maps for the
        p4 group layer: ``C_in / 4`` p4 channels of 4 rotations each).
    output_shape : tuple of int
        ``(C_out, H_out, W_out)``, ``(C_out, D_out, H_out, W_out)`` in 3D,
        ``(C_out / 4, 4, H_out, W_out)`` for p4 and ``(C_out, L)`` for a
        sequence of ``L`` steps or a graph of ``L`` nodes.
    notes : str, default ""
        What the columns do not show: a column that does not apply, a part of
        the cost left out.
    """

    name: str
    chapter: int
    weight_shapes: tuple[tuple[int, ...], ...]
    params: int
    macs: int
    receptive_field: tuple[int, ...] | None
    channels_seen: int
    output_shape: tuple[int, ...]
    notes: str = ""


def layer_table(in_channels=64, out_channels=64, kernel_size=3, input_size=56, groups=8,
                dilation=2, stride=2, depth=4, part_v=True):
    """Every layer type of the course for one reference layer.

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
                         ``Conv2d(C_out, C_out, (1, k))``: Inception-v3's
                         two full layers, not one rank-1 kernel per filter
    depthwise            ``Conv2d(C_in, C_out, k, groups=C_in)``
    depthwise separable  depthwise ``Conv2d(C_in, C_in, k, groups=C_in)``
                         then ``Conv2d(C_in, C_out, 1)``
    flattened            ``Conv2d(C_in, C_out, 1)``, then ``(k, 1)`` and
                         ``(1, k)`` with ``groups=C_out``
    grouped              ``Conv2d(C_in, C_out, k, groups=g)``
    shuffled grouped     grouped, then ``ChannelShuffle(g)``
    pointwise grouped    ``Conv2d(C_in, C_out, 1, groups=g)``
    ==================== ===================================================

    The Part V preview (``part_v=True``) adds ten rows. The causal rows and
    the graph row act on ``L = i^2`` steps or nodes, as many positions as the
    2D layers' outputs; the p4 rows read and write ``C_in`` and ``C_out``
    maps, as the standard layer does.

    ==================== ===================================================
    row                  layers
    ==================== ===================================================
    causal               ``Conv1d(C_in, C_out, k)`` padded ``k - 1`` on the
                         left, on a sequence of ``L`` steps
    dilated causal stack four causal layers of dilations ``d`` = 1, 2, 4, 8
                         (``C_out`` channels after the first), each padded
                         ``d (k - 1)`` on the left
    deformable v1        offsets ``Conv2d(C_in, 2 k^2, k, padding=k//2)``,
                         then the ``C_in -> C_out`` ``k x k`` layer on the
                         bilinearly sampled taps
    deformable v2        the same with ``3 k^2`` branch outputs (offsets and
                         modulation masks)
    RepVGG, training     ``k x k`` and ``1 x 1`` ``C_in -> C_out`` layers,
                         each followed by a batch norm, plus a batch-normed
                         identity if ``C_in == C_out``, summed
    RepVGG, merged       one ``Conv2d(C_in, C_out, k, padding=k//2)``
    dynamic              ``E = 4`` ``k x k`` kernels mixed by one
                         attention weight each, then one convolution
    p4 lifting           ``C_in`` image channels to ``C_out / 4`` p4
                         channels (4 rotations each), ``k x k`` filters
    p4 group             ``C_in / 4`` to ``C_out / 4`` p4 channels,
                         ``(4, k, k)`` filters
    graph (GCN)          ``GCNConv(C_in, C_out)`` on the ``i x i`` pixel grid,
                         each pixel joined to those of its ``k x k`` window
                         (:func:`convkit.graph.grid_graph`)
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
    part_v : bool, default True
        Add the ten rows of :data:`PART_V_TYPES` after the twelve.

    Returns
    -------
    list of LayerRow
        One row per entry of :data:`LAYER_TYPES`, then (``part_v``) one per
        entry of :data:`PART_V_TYPES`, in that order.

    Raises
    ------
    TypeError
        If an argument is not an int (``part_v``: not a bool).
    ValueError
        If an argument is not positive, the kernel size is even, the channels
        are not divisible by ``groups``, ``out_channels`` is not a multiple of
        ``in_channels``, the kernel is larger than the padded input, or (with
        ``part_v``) a channel count is not divisible by 4 (the p4 rows).

    Notes
    -----
    Chapter 14. Counts come from :mod:`convkit.costs`, except the transposed
    layer's: ``C_in (C_out / g) kH kW`` multiply-adds per *input* pixel (each
    stamps a scaled copy of its kernel, chapter 6, the cropped border too),
    as PyTorch's FLOP counter counts; its receptive field is ``ceil(k / s)``
    input pixels per axis. A channel shuffle adds no parameter, no
    multiply-add and no input channel seen (it helps the *next* grouped layer).

    The Part V rows (chapters 16-20) take their counts from
    :func:`convkit.costs.conv_cost`, :func:`convkit.dynamic.dynamic_conv_cost`
    and :func:`convkit.equivariant.p4_conv_cost`, their fields from
    :func:`convkit.causal.causal_receptive_field`; what the columns leave out
    (sampling, batch norms, attention) is in each row's ``notes``.

    Examples
    --------
    >>> rows = layer_table()
    >>> [(r.name, r.params) for r in rows[:2]]
    [('standard', 36864), ('1x1', 4096)]
    >>> rows[4].output_shape
    (64, 112, 112)
    >>> [(r.name, r.params, r.receptive_field) for r in rows[-3:]]
    [('p4 lifting', 9216, (3, 3)), ('p4 group', 9216, (3, 3)), ('graph (GCN)', 4096, None)]
    """
    c_in = check_int(in_channels, "in_channels", minimum=1)
    c_out = check_int(out_channels, "out_channels", minimum=1)
    k = check_int(kernel_size, "kernel_size", minimum=1)
    i = check_int(input_size, "input_size", minimum=1)
    d = check_int(dilation, "dilation", minimum=1)
    s = check_int(stride, "stride", minimum=1)
    depth = check_int(depth, "depth", minimum=1)
    if not isinstance(part_v, bool):
        raise TypeError(f"part_v must be True or False, got {part_v!r}")
    if part_v and (c_in % P4_ORDER or c_out % P4_ORDER):
        raise ValueError(f"in_channels ({c_in}) and out_channels ({c_out}) must be divisible "
                         "by 4 for the p4 rows (or pass part_v=False)")
    if k % 2 == 0:
        raise ValueError(f"kernel_size must be odd, got {k}")
    g = check_groups(groups, c_in, c_out)
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
        return _row(name, chapter, shapes, cost, field, seen, (c_out, *out_size))

    transposed_weights = c_in * c_out * k * k
    table = [
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
    if part_v:
        table += _part_v_rows(c_in, c_out, k, i)
    return table


def _row(name, chapter, shapes, cost, field, seen, output_shape, notes=""):
    """A :class:`LayerRow`, once the weight shapes hold as many weights as ``cost`` counts."""
    assert sum(math.prod(shape) for shape in shapes) == cost.params, name
    return LayerRow(name, chapter, tuple(shapes), cost.params, cost.macs,
                    None if field is None else tuple(field), seen, tuple(output_shape), notes)


def _part_v_rows(c_in, c_out, k, i):
    """The rows of :data:`PART_V_TYPES` for :func:`layer_table` (arguments checked there)."""
    e = 4                                            # E: the kernels the dynamic row mixes
    causal_dilations = (1, 2, 4, 8)                  # input side first
    size = (i, i)                                    # 'same' padding throughout
    steps = i * i                                    # L: as many positions as the 2D outputs
    c_out4, c_in4 = c_out // P4_ORDER, c_in // P4_ORDER   # p4 channels: 4 maps each
    edges = grid_graph(i, i, kernel_size=k)[0].shape[1]    # self-loops included
    field_k = (k, k)
    stack_field = causal_receptive_field(k, causal_dilations)
    stack = [conv_cost(c_in if n == 0 else c_out, c_out, (k,), (steps,))
             for n in range(len(causal_dilations))]
    offsets, masks = 2 * k * k, k * k
    one = conv_cost(c_in, c_out, k, size)
    mixed, _ = dynamic_conv_cost(c_in, c_out, k, e, output_size=size)
    gcn = conv_cost(c_in, c_out, (1,), (steps,))    # the node-wise C_in -> C_out product
    return [
        _row("causal", 16, [(c_out, c_in, k)], conv_cost(c_in, c_out, (k,), (steps,)),
             (causal_receptive_field(k, [1]),), c_in, (c_out, steps),
             f"a sequence of {steps} steps; the field counts past steps"),
        _row("dilated causal stack", 16,
             [(c_out, c_in if n == 0 else c_out, k) for n in range(len(causal_dilations))],
             sum(stack[1:], stack[0]), (stack_field,), c_in, (c_out, steps),
             f"{len(causal_dilations)} layers, dilations {', '.join(map(str, causal_dilations))}"),
        _row("deformable v1", 17, [(c_out, c_in, k, k), (offsets, c_in, k, k)],
             one + conv_cost(c_in, offsets, k, size), None, c_in, (c_out, *size),
             f"no fixed field: learned offsets move every tap ({k}x{k} at zero offsets); "
             "bilinear sampling not counted"),
        _row("deformable v2", 17, [(c_out, c_in, k, k), (offsets + masks, c_in, k, k)],
             one + conv_cost(c_in, offsets + masks, k, size), None, c_in, (c_out, *size),
             "as v1 (learned offsets), plus a mask per tap, its products not counted"),
        _row("RepVGG, training", 18, [(c_out, c_in, k, k), (c_out, c_in, 1, 1)],
             one + pointwise_conv_cost(c_in, c_out, size), field_k, c_in, (c_out, *size),
             "batch norms, identity branch and sums not counted"
             + ("" if c_in == c_out else "; no identity branch (C_in != C_out)")),
        _row("RepVGG, merged", 18, [(c_out, c_in, k, k)], one, field_k, c_in, (c_out, *size),
             f"the same function at inference; its bias ({c_out}) not counted"),
        _row("dynamic", 18, [(e, c_out, c_in, k, k)], mixed, size, c_in, (c_out, *size),
             f"E = {e} kernels mixed, then one convolution; its attention (not counted) "
             "pools the whole map, hence the field"),
        _row("p4 lifting", 19, [(c_out4, c_in, k, k)],
             p4_conv_cost(c_in, c_out4, k, i, lifting=True), field_k, c_in,
             (c_out4, P4_ORDER, *size), f"{c_out4} p4 channels x 4 rotations = {c_out} maps"),
        _row("p4 group", 19, [(c_out4, c_in4, P4_ORDER, k, k)], p4_conv_cost(c_in4, c_out4, k, i),
             field_k, c_in, (c_out4, P4_ORDER, *size),
             f"{c_in4} -> {c_out4} p4 channels; channels seen = {c_in4} x 4 input maps"),
        _row("graph (GCN)", 20, [(c_out, c_in)], Cost(gcn.params, gcn.macs + edges * c_out), None,
             c_in, (c_out, steps),
             f"no spatial kernel (field: 1 hop); {steps} nodes, {edges} edges with "
             "self-loops, C_out multiply-adds per edge"),
    ]

"""Grouped, shuffled grouped and pointwise grouped convolutions (chapters 11-13).

A grouped convolution splits the ``C_in`` input channels into ``g`` groups
and gives each group its own ``C_out / g`` filters, which see only that
group's ``C_in / g`` channels (AlexNet, ResNeXt). Parameters and multiply-adds
drop by ``g``; the price is that information never crosses groups.
ShuffleNet's channel shuffle lets the next grouped convolution mix groups:
every group of the next layer receives one channel from each group of this one.
"""

from __future__ import annotations

import numpy as np

from ._validation import (
    as_array, check_bias, check_groups, check_int, conv_operands, renamed, split_batch,
)
from .conv import conv2d
from .separable import depthwise_conv2d, pointwise_conv2d

__all__ = [
    "block_diagonal_weight",
    "channel_shuffle",
    "channel_shuffle_naive",
    "grouped_conv2d",
    "grouped_conv2d_naive",
    "pointwise_grouped_conv2d",
    "shuffle_permutation",
    "shuffled_grouped_conv2d",
    "shufflenet_unit",
    "stack_reachability",
]


# --------------------------------------------------------------------------- #
# grouped convolution
# --------------------------------------------------------------------------- #
def grouped_conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """Grouped 2D convolution, ``conv2d(..., groups=groups)``.

    Parameters
    ----------
    input : array_like, shape (N, C_in, H, W) or (C_in, H, W)
    weight : array_like, shape (C_out, C_in / groups, kH, kW)
    bias : array_like, shape (C_out,), optional
    stride, padding, dilation
        As in :func:`convkit.conv.conv2d`.
    groups : int, default 1
        Must divide ``C_in`` and ``C_out``. Output channels
        ``[k C_out/g, (k+1) C_out/g)`` see only input channels
        ``[k C_in/g, (k+1) C_in/g)``.

    Returns
    -------
    numpy.ndarray, shape (N, C_out, H_out, W_out) or (C_out, H_out, W_out)

    Raises
    ------
    TypeError, ValueError
        As :func:`convkit.conv.conv2d`.

    Notes
    -----
    Chapter 11. The same as :func:`convkit.conv.conv2d`; the name marks the
    chapter's operation, and :func:`grouped_conv2d_naive` spells it out.

    Examples
    --------
    >>> x = np.arange(4.0).reshape(4, 1, 1)   # (C_in=4, H, W): channels 0, 1, 2, 3
    >>> grouped_conv2d(x, np.ones((2, 2, 1, 1)), groups=2)[:, 0, 0]  # 0+1 and 2+3
    array([1., 5.])
    """
    return conv2d(input, weight, bias, stride, padding, dilation, groups)


def grouped_conv2d_naive(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """Reference for :func:`grouped_conv2d`: split the channels, convolve each group, concatenate.

    This is how AlexNet ran it on two GPUs: each group is an ordinary
    convolution (``groups=1``) on its slice of the channels with its slice of
    the filters.

    Parameters
    ----------
    input : array_like, shape (N, C_in, H, W) or (C_in, H, W)
    weight : array_like, shape (C_out, C_in / groups, kH, kW)
    bias : array_like, shape (C_out,), optional
    stride, padding, dilation, groups
        As in :func:`grouped_conv2d`.

    Returns
    -------
    numpy.ndarray, shape (N, C_out, H_out, W_out) or (C_out, H_out, W_out)
        Equal to ``grouped_conv2d(...)`` with the same arguments.
    """
    # The checks conv2d would make on the whole call; each group's conv2d then
    # checks the rest (stride, padding, dilation, the kernel against the input).
    x, w, b, unbatched = conv_operands(input, weight, bias, 2, "conv2d", "C_out, C_in/groups")
    c_in, c_out = x.shape[1], w.shape[0]
    g = check_groups(groups, c_in, c_out)
    check_bias(b, c_out)
    per_in, per_out = c_in // g, c_out // g
    outputs = []
    for k in range(g):
        channels = slice(k * per_in, (k + 1) * per_in)
        filters = slice(k * per_out, (k + 1) * per_out)
        outputs.append(conv2d(x[:, channels], w[filters], None if b is None else b[filters],
                              stride, padding, dilation))  # (N, C_out/g, H_out, W_out)
    out = np.concatenate(outputs, axis=1)  # (N, C_out, H_out, W_out)
    return out[0] if unbatched else out


def block_diagonal_weight(weight, groups):
    """The dense weight of a grouped convolution: its blocks on the diagonal, zeros elsewhere.

    Parameters
    ----------
    weight : array_like, shape (C_out, C_in / groups, *kernel)
        A grouped convolution's weight (any number of spatial axes).
    groups : int
        Must divide ``C_out``.

    Returns
    -------
    numpy.ndarray, shape (C_out, C_in, *kernel)
        ``dense[o, c] = weight[o, c - k C_in/g]`` when output channel ``o``
        and input channel ``c`` are both in group ``k``, 0 otherwise;
        ``conv2d(x, dense)`` equals ``conv2d(x, weight, groups=groups)``.

    Raises
    ------
    TypeError
        If ``weight`` is not numeric or ``groups`` not an int.
    ValueError
        If ``weight`` has fewer than 2 dimensions or ``groups`` is not a
        positive divisor of ``C_out``.

    Notes
    -----
    Chapter 11: the fraction of non-zero weights is ``1 / groups``.

    Examples
    --------
    >>> block_diagonal_weight(np.ones((4, 1)), groups=2)
    array([[1., 0.],
           [1., 0.],
           [0., 1.],
           [0., 1.]])
    """
    w = as_array(weight, "weight")
    if w.ndim < 2:
        raise ValueError(f"weight must have shape (C_out, C_in/groups, ...), got {w.shape}")
    g = check_int(groups, "groups", minimum=1)
    c_out, per_in = w.shape[:2]
    if c_out % g:
        raise ValueError(f"out_channels ({c_out}) must be divisible by groups ({g})")
    per_out = c_out // g
    dense = np.zeros((c_out, per_in * g) + w.shape[2:], dtype=w.dtype)
    for k in range(g):
        dense[k * per_out:(k + 1) * per_out, k * per_in:(k + 1) * per_in] = (
            w[k * per_out:(k + 1) * per_out])
    return dense


# --------------------------------------------------------------------------- #
# channel shuffle
# --------------------------------------------------------------------------- #
def shuffle_permutation(channels, groups):
    """Where channel shuffle takes each output channel from.

    Parameters
    ----------
    channels : int
        ``C = g * n``.
    groups : int
        ``g``, must divide ``channels``.

    Returns
    -------
    numpy.ndarray of int, shape (C,)
        ``perm`` with ``channel_shuffle(x, g)[:, k] == x[:, perm[k]]``:
        ``perm = arange(C).reshape(g, n).T.ravel()``. Its inverse (to undo a
        shuffle) is ``np.argsort(perm)``, which is the shuffle with ``n``
        groups.

    Raises
    ------
    TypeError, ValueError
        If ``channels`` or ``groups`` is not a positive int or ``groups`` does
        not divide ``channels``.

    Notes
    -----
    Chapter 12.

    Examples
    --------
    >>> shuffle_permutation(6, 2)
    array([0, 3, 1, 4, 2, 5])
    """
    c = check_int(channels, "channels", minimum=1)
    g = check_int(groups, "groups", minimum=1)
    if c % g:
        raise ValueError(f"channels ({c}) must be divisible by groups ({g})")
    return np.arange(c).reshape(g, c // g).T.ravel()  # (g, n) -> (n, g) -> (C,)


def stack_reachability(channels, groups, layers, shuffle=True):
    """Which input channels each output channel of a stack of grouped convolutions depends on.

    The stack has ``layers`` grouped convolutions of ``channels -> channels``
    with ``groups`` groups; with ``shuffle`` a channel shuffle (same
    ``groups``) sits between consecutive layers, none after the last. Only
    the pattern of non-zero weights matters, so the answer holds for any
    kernel size and for weights with no zero inside the blocks.

    Parameters
    ----------
    channels : int
        ``C``, divisible by ``groups``.
    groups : int
        ``g``, the groups of every layer (and of every shuffle).
    layers : int
        ``L``, the number of grouped convolutions in the stack.
    shuffle : bool, default True
        Whether a channel shuffle sits between consecutive layers.

    Returns
    -------
    numpy.ndarray of bool, shape (C, C)
        ``reach[f, c]`` is True when output channel ``f`` of the last layer
        depends on input channel ``c`` of the first (rows are outputs, as in
        a weight ``(C_out, C_in)``).

    Raises
    ------
    TypeError, ValueError
        If an argument is not a positive int or ``groups`` does not divide
        ``channels``.

    See Also
    --------
    convkit.plotting.shuffle.reachability_figure : Draws the pattern.

    Notes
    -----
    Chapter 12.

    Examples
    --------
    >>> stack_reachability(4, 2, 2, shuffle=False).astype(int)
    array([[1, 1, 0, 0],
           [1, 1, 0, 0],
           [0, 0, 1, 1],
           [0, 0, 1, 1]])
    """
    perm = shuffle_permutation(channels, groups)  # checks channels and groups
    n_layers = check_int(layers, "layers", minimum=1)
    c, g = len(perm), int(groups)
    mask = block_diagonal_weight(np.ones((c, c // g), dtype=np.int64), g)  # (C, C) 0/1
    permute = np.zeros((c, c), dtype=np.int64)
    permute[np.arange(c), perm] = 1  # (P x)[k] = x[perm[k]]
    reach = mask
    for _ in range(n_layers - 1):
        step = mask @ permute if shuffle else mask
        reach = (step @ reach > 0).astype(np.int64)  # count paths, keep only "some path"
    return reach.astype(bool)


def _shuffle_args(input, groups):
    x = as_array(input, "input")
    if x.ndim < 3:
        raise ValueError(
            f"input must have at least 3 dimensions (N, C, *), got shape {x.shape}; "
            f"like torch's channel_shuffle, axis 1 is always the channel axis"
        )
    g = check_int(groups, "groups", minimum=1)
    if x.shape[1] % g:
        raise ValueError(f"the number of channels ({x.shape[1]}) must be divisible by "
                         f"groups ({g})")
    return x, g


def channel_shuffle(input, groups):
    """Shuffle channels like ``torch.nn.functional.channel_shuffle``.

    Parameters
    ----------
    input : array_like, shape (N, C, *)
        At least 3 dimensions; axis 1 holds the ``C = g * n`` channels (as in
        PyTorch, an unbatched ``(C, H, W)`` needs a batch axis first).
    groups : int
        ``g``, the number of groups of the grouped convolution before it.

    Returns
    -------
    numpy.ndarray, same shape and dtype as ``input``
        Reshape the channels to ``(g, n)``, transpose to ``(n, g)``, flatten.

    Raises
    ------
    TypeError
        If ``input`` is not numeric or ``groups`` not an int.
    ValueError
        If ``input`` has fewer than 3 dimensions or ``groups`` is not a
        positive divisor of ``C``.

    Notes
    -----
    Chapter 12. A common bug reshapes to ``(n, g)`` instead: that is the
    inverse permutation, identical only when ``g == n``.

    Examples
    --------
    >>> x = np.arange(6).reshape(1, 6, 1)
    >>> channel_shuffle(x, 2)[0, :, 0]
    array([0, 3, 1, 4, 2, 5])
    """
    x, g = _shuffle_args(input, groups)
    n, c = x.shape[0], x.shape[1]
    rest = x.shape[2:]
    grid = x.reshape((n, g, c // g) + rest)  # (N, g, C/g, *)
    swapped = np.swapaxes(grid, 1, 2)  # (N, C/g, g, *)
    return np.ascontiguousarray(swapped).reshape(x.shape)  # (N, C, *)


def channel_shuffle_naive(input, groups):
    """Loop reference for :func:`channel_shuffle`.

    Channel ``j`` of group ``i`` (input channel ``i n + j``) goes to output
    channel ``j g + i``.

    Parameters
    ----------
    input : array_like, shape (N, C, *)
    groups : int

    Returns
    -------
    numpy.ndarray
        Equal to ``channel_shuffle(input, groups)``.
    """
    x, g = _shuffle_args(input, groups)
    n = x.shape[1] // g
    out = np.empty_like(x)
    for i in range(g):
        for j in range(n):
            out[:, j * g + i] = x[:, i * n + j]
    return out


def shuffled_grouped_conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """Grouped convolution followed by a channel shuffle with the same ``groups``.

    Stacking two of these lets every output group depend on every input
    group, which two plain grouped convolutions never do.

    Parameters
    ----------
    input : array_like, shape (N, C_in, H, W) or (C_in, H, W)
    weight : array_like, shape (C_out, C_in / groups, kH, kW)
    bias : array_like, shape (C_out,), optional
    stride, padding, dilation, groups
        As in :func:`grouped_conv2d`.

    Returns
    -------
    numpy.ndarray, shape (N, C_out, H_out, W_out) or (C_out, H_out, W_out)
        ``channel_shuffle(grouped_conv2d(...), groups)``.

    Notes
    -----
    Chapter 12.

    Examples
    --------
    >>> x = np.zeros((4, 1, 1))
    >>> x[0] = 1.0                            # a signal in group 0 only
    >>> shuffled_grouped_conv2d(x, np.ones((4, 2, 1, 1)), groups=2)[:, 0, 0]
    array([1., 0., 1., 0.])

    Both groups of the next grouped convolution now receive the signal.
    """
    out = grouped_conv2d(input, weight, bias, stride, padding, dilation, groups)
    if out.ndim == 3:  # unbatched: give it the batch axis channel_shuffle expects
        return channel_shuffle(out[np.newaxis], groups)[0]
    return channel_shuffle(out, groups)


def pointwise_grouped_conv2d(input, weight, bias=None, groups=1):
    """Grouped 1x1 convolution, computed as one matrix multiply per group.

    Parameters
    ----------
    input : array_like, shape (N, C_in, H, W) or (C_in, H, W)
    weight : array_like, shape (C_out, C_in / groups, 1, 1) or (C_out, C_in / groups)
    bias : array_like, shape (C_out,), optional
    groups : int, default 1

    Returns
    -------
    numpy.ndarray, shape (N, C_out, H, W) or (C_out, H, W)

    Raises
    ------
    TypeError, ValueError
        As :func:`convkit.separable.pointwise_conv2d`.

    Notes
    -----
    Chapter 13: in depthwise separable networks the 1x1 convolutions hold most
    of the multiply-adds; grouping them divides that by ``groups``.
    Equal to ``pointwise_conv2d(input, weight, bias, groups)``.

    Examples
    --------
    >>> x = np.arange(4.0).reshape(4, 1, 1)        # (C_in=4, H, W)
    >>> pointwise_grouped_conv2d(x, np.ones((2, 2)), groups=2)[:, 0, 0]
    array([1., 5.])
    """
    return pointwise_conv2d(input, weight, bias, groups)


# --------------------------------------------------------------------------- #
# ShuffleNet unit
# --------------------------------------------------------------------------- #
def _avg_pool_3x3_stride2(x: np.ndarray) -> np.ndarray:
    """``torch.nn.AvgPool2d(3, stride=2, padding=1)``: the zeros of the padding count."""
    channels = x.shape[1]
    dtype = np.result_type(x.dtype, np.float32)
    kernel = np.full((channels, 1, 3, 3), 1 / 9, dtype=dtype)
    return conv2d(x.astype(dtype, copy=False), kernel, stride=2, padding=1, groups=channels)


def shufflenet_unit(input, pointwise1_weight, depthwise_weight, pointwise2_weight, groups,
                    stride=1, first_groups=None, pointwise1_bias=None, depthwise_bias=None,
                    pointwise2_bias=None):
    """A ShuffleNet unit (Zhang et al. 2018, figure 2b and 2c), without batch normalisation.

    ``relu(1x1 group conv)`` -> channel shuffle -> 3x3 depthwise conv
    (stride ``stride``, padding 1, no ReLU) -> 1x1 group conv, then

    * stride 1: add the input (identity shortcut), then ReLU;
    * stride 2: concatenate a 3x3 stride-2 average pool of the input (padding
      1, zeros counted as in ``nn.AvgPool2d``) in front, then ReLU (the
      paper's figure 2c puts the ReLU after the concatenation).

    Parameters
    ----------
    input : array_like, shape (N, C_in, H, W) or (C_in, H, W)
    pointwise1_weight : array_like, shape (m, C_in / first_groups, 1, 1) or (m, C_in / first_groups)
        The bottleneck; the paper uses ``m = C_out / 4``.
    depthwise_weight : array_like, shape (m, 1, 3, 3)
    pointwise2_weight : array_like, shape (C_exp, m / groups, 1, 1) or (C_exp, m / groups)
        ``C_exp = C_in`` at stride 1, ``C_out - C_in`` at stride 2.
    groups : int
        Groups of the second 1x1 convolution, and of the first one unless
        ``first_groups`` is given.
    stride : {1, 2}, default 1
    first_groups : int, optional
        Groups of the first 1x1 convolution; the paper uses 1 in the first
        unit of stage 2, whose input has only 24 channels. The channel shuffle
        uses these groups (with 1 it changes nothing).
    pointwise1_bias, depthwise_bias, pointwise2_bias : array_like, optional
        Biases of the three convolutions; with batch normalisation folded in
        for inference they carry its shift.

    Returns
    -------
    numpy.ndarray
        ``(N, C_in, H, W)`` at stride 1; ``(N, C_out, H_out, W_out)`` at
        stride 2 with ``H_out = floor((H - 1) / 2) + 1``. Unbatched in,
        unbatched out. The dtype is numpy's promotion of the operands (at
        least float32 at stride 2, because of the average).

    Raises
    ------
    TypeError, ValueError
        For a stride that is not an int (``TypeError``) or is other than 1
        or 2, groups that do not divide the channels, and weight shapes that
        do not chain, naming the argument.

    See Also
    --------
    convkit.costs.shufflenet_unit_cost : Its parameters and multiply-adds.

    Notes
    -----
    Chapter 13.

    Examples
    --------
    >>> x = np.ones((1, 8, 4, 4))
    >>> w1, wd = np.ones((4, 4, 1, 1)), np.ones((4, 1, 3, 3))   # m = 4, groups = 2
    >>> shufflenet_unit(x, w1, wd, np.ones((8, 2)), groups=2).shape
    (1, 8, 4, 4)
    >>> shufflenet_unit(x, w1, wd, np.ones((8, 2)), groups=2, stride=2).shape
    (1, 16, 2, 2)
    """
    x = as_array(input, "input")
    batched, unbatched = split_batch(x, 2)  # (N, C_in, H, W)
    g = check_int(groups, "groups", minimum=1)
    g1 = g if first_groups is None else check_int(first_groups, "first_groups", minimum=1)
    if check_int(stride, "stride", minimum=1) not in (1, 2):
        raise ValueError(f"stride must be 1 or 2 for a ShuffleNet unit, got {stride!r}")
    dw = as_array(depthwise_weight, "depthwise_weight")
    if dw.shape[1:] != (1, 3, 3):
        raise ValueError(f"depthwise_weight must have shape (m, 1, 3, 3), one 3x3 kernel per "
                         f"channel of the bottleneck, got {dw.shape}")
    # The convolutions check their own arguments; the messages name ours.
    with renamed(weight="pointwise1_weight", bias="pointwise1_bias",
                 groups="groups" if first_groups is None else "first_groups"):
        hidden = pointwise_conv2d(batched, pointwise1_weight, pointwise1_bias, g1)  # (N, m, H, W)
    hidden = channel_shuffle(np.maximum(hidden, 0), g1)
    with renamed(weight="depthwise_weight", bias="depthwise_bias"):
        hidden = depthwise_conv2d(hidden, dw, depthwise_bias, stride=stride, padding=1)  # (N, m, H', W')
    with renamed(weight="pointwise2_weight", bias="pointwise2_bias"):
        branch = pointwise_conv2d(hidden, pointwise2_weight, pointwise2_bias, g)  # (N, C_exp, H', W')
    if stride == 1:
        if branch.shape[1] != batched.shape[1]:
            raise ValueError(
                f"pointwise2_weight must give as many channels as the input "
                f"({batched.shape[1]}) for the stride-1 shortcut, got {branch.shape[1]}"
            )
        out = np.maximum(branch + batched, 0)
    else:
        shortcut = _avg_pool_3x3_stride2(batched)  # (N, C_in, H', W')
        dtype = np.result_type(shortcut, branch)
        out = np.maximum(np.concatenate([shortcut.astype(dtype, copy=False),
                                         branch.astype(dtype, copy=False)], axis=1),
                         0)  # (N, C_out, H', W')
    return out[0] if unbatched else out

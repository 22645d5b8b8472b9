"""Structural re-parameterisation: batch norm folded into a convolution, branches merged into one (chapter 18).

A convolution followed by an inference-mode batch norm is one convolution with
a rescaled weight and a new bias (:func:`fold_batch_norm`). Convolutions that
read the same input with the same stride and groups, whose kernels share a
centre, add up to one convolution whose kernel is the sum of the kernels
zero-padded to the largest size (:func:`pad_kernel`, :func:`merge_branches`).
The identity is a convolution too (:func:`identity_kernel`), so RepVGG's
training block -- 3x3 + batch norm, 1x1 + batch norm and batch norm alone,
summed -- becomes one 3x3 convolution at inference (:func:`repvgg_merge`,
Ding et al. 2021), and RepLKNet's small kernel disappears into its large one
(Ding et al. 2022).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._validation import (
    as_array, check_bias, check_groups, check_int, check_real, result_dtype, to_tuple,
)

__all__ = [
    "BatchNorm",
    "fold_batch_norm",
    "identity_kernel",
    "merge_branches",
    "pad_kernel",
    "repvgg_merge",
]


class BatchNorm(NamedTuple):
    """The statistics and affine parameters of one inference-mode batch norm (``torch.nn.BatchNorm2d``).

    Parameters
    ----------
    running_mean, running_var : array_like
        ``(C,)``: the per-channel mean and variance collected in training.
    gamma, beta : array_like
        ``(C,)``: the learned scale and shift (``BatchNorm2d.weight`` and ``.bias``).
    eps : float, default 1e-5
        Added to the variance before the square root.
    """

    running_mean: object
    running_var: object
    gamma: object
    beta: object
    eps: float = 1e-5


def _bn_arrays(running_mean, running_var, gamma, beta, eps, channels):
    """Check and convert the batch-norm arguments: all ``(C,)``, ``running_var + eps > 0``."""
    arrays = []
    for name, value in (("running_mean", running_mean), ("running_var", running_var),
                        ("gamma", gamma), ("beta", beta)):
        array = as_array(value, name)
        if array.shape != (channels,):
            raise ValueError(f"{name} must have shape ({channels},), one value per channel, "
                             f"got shape {array.shape}")
        arrays.append(array)
    mean, var, gamma, beta = arrays
    eps = check_real(eps, "eps")
    if not np.all(var + eps > 0):
        raise ValueError("running_var + eps must be positive in every channel")
    return mean, var, gamma, beta


def fold_batch_norm(weight, bias, running_mean, running_var, gamma, beta, eps=1e-5):
    """Fold an inference-mode batch norm into the convolution before it.

    ``BN(conv(x, w, b)) = conv(x, w', b')`` with, per output channel ``f``,
    ``w'[f] = gamma[f] / sqrt(running_var[f] + eps) * w[f]`` and
    ``b'[f] = beta[f] + gamma[f] / sqrt(running_var[f] + eps) * (b[f] - running_mean[f])``.
    Exact for any stride, padding, dilation and groups: the batch norm scales
    and shifts each output channel, and a convolution's output channel ``f``
    is linear in ``w[f]``.

    Parameters
    ----------
    weight : array_like
        ``(C_out, C_in/groups, *kernel)``: the convolution's weight.
    bias : array_like or None
        ``(C_out,)``, or None for a convolution without bias.
    running_mean, running_var, gamma, beta : array_like
        ``(C_out,)`` each: the batch norm's statistics and its scale and shift
        (``BatchNorm2d.weight`` is ``gamma``, ``.bias`` is ``beta``).
    eps : float, default 1e-5

    Returns
    -------
    weight : numpy.ndarray
        ``(C_out, C_in/groups, *kernel)``, floating point.
    bias : numpy.ndarray
        ``(C_out,)``, floating point.

    Raises
    ------
    TypeError, ValueError
        Naming the argument: a weight below 2D, a batch-norm array that is not
        ``(C_out,)``, a bias of the wrong shape, ``running_var + eps <= 0``.

    Notes
    -----
    PyTorch's counterpart is ``torch.nn.utils.fusion.fuse_conv_bn_weights(conv_w,
    conv_b, bn_rm, bn_rv, bn_eps, bn_w, bn_b)``, with the same numbers in
    another order; the tests compare the two. Chapter 18 derives the formula.

    Examples
    --------
    >>> w, b = fold_batch_norm([[[[2.0]]]], None, [1.0], [4.0], [3.0], [0.5], eps=0.0)
    >>> w.ravel(), b
    (array([3.]), array([-1.]))
    """
    w = as_array(weight, "weight")
    if w.ndim < 2:
        raise ValueError(f"weight must be at least 2D (C_out, C_in/groups, ...), got shape {w.shape}")
    c_out = w.shape[0]
    mean, var, gamma, beta = _bn_arrays(running_mean, running_var, gamma, beta, eps, c_out)
    b = None if bias is None else as_array(bias, "bias")
    check_bias(b, c_out)
    dtype = np.promote_types(result_dtype(w, b, mean, var, gamma, beta), np.float32)
    if b is None:
        b = np.zeros(c_out, dtype=dtype)
    scale = (gamma / np.sqrt(var + eps)).astype(dtype)            # (C_out,)
    folded_weight = w.astype(dtype) * scale.reshape((-1,) + (1,) * (w.ndim - 1))
    folded_bias = (beta + scale * (b - mean)).astype(dtype)
    return folded_weight, folded_bias


def pad_kernel(weight, kernel_size):
    """Zero-pad a kernel centrally to a larger ``kernel_size`` (RepLKNet's merge of a small kernel).

    A ``k x k`` kernel with padding ``p`` and a ``K x K`` kernel with padding
    ``p + (K - k) / 2`` give outputs of the same size whose centres line up; the
    small one padded to ``K x K`` with ``(K - k) / 2`` zeros on each side gives
    the same output as the small one. ``K - k`` must therefore be even.

    Parameters
    ----------
    weight : array_like
        ``(C_out, C_in/groups, *kernel)``.
    kernel_size : int or tuple of int
        The target size, at least the kernel's along every axis, with an even
        difference.

    Returns
    -------
    numpy.ndarray
        ``(C_out, C_in/groups, *kernel_size)``, same dtype.

    Examples
    --------
    >>> pad_kernel([[[[5]]]], 3)[0, 0]
    array([[0, 0, 0],
           [0, 5, 0],
           [0, 0, 0]])
    """
    w = as_array(weight, "weight")
    if w.ndim < 3:
        raise ValueError(f"weight must be at least 3D (C_out, C_in/groups, *kernel), got shape {w.shape}")
    n = w.ndim - 2
    size = to_tuple(kernel_size, n, "kernel_size", minimum=1)
    pads = []
    for axis, (small, large) in enumerate(zip(w.shape[2:], size)):
        if large < small or (large - small) % 2:
            raise ValueError(
                f"kernel_size must be at least the kernel's size and differ from it by an even "
                f"number along every axis, got {size} for a kernel of size {w.shape[2:]}"
            )
        pads.append(((large - small) // 2,) * 2)
    return np.pad(w, [(0, 0), (0, 0)] + pads)


def identity_kernel(channels, kernel_size=3, groups=1, dtype=np.float64):
    """The identity as a convolution weight: ``conv(x, identity_kernel(C, k), padding=k // 2) == x``.

    Entry ``[f, f mod (C/groups), k//2, k//2]`` is 1, every other entry 0: output
    channel ``f`` copies input channel ``f``, which sits at position
    ``f mod (C/groups)`` of its group.

    Parameters
    ----------
    channels : int
        ``C``: input channels, equal to output channels.
    kernel_size : int or tuple of int, default 3
        Odd, so that the kernel has a centre.
    groups : int, default 1
        Must divide ``channels``.
    dtype : numpy dtype, default float64

    Returns
    -------
    numpy.ndarray
        ``(C, C/groups, *kernel_size)``.

    Examples
    --------
    >>> identity_kernel(2, 1)[:, :, 0, 0]
    array([[1., 0.],
           [0., 1.]])
    """
    c = check_int(channels, "channels", minimum=1)
    g = check_groups(groups, c, c)
    n = len(kernel_size) if isinstance(kernel_size, (tuple, list)) else 2
    k = to_tuple(kernel_size, n, "kernel_size", minimum=1)
    if any(ki % 2 == 0 for ki in k):
        raise ValueError(f"kernel_size must be odd so that the kernel has a centre, got {kernel_size!r}")
    per_group = c // g
    weight = np.zeros((c, per_group) + k, dtype=dtype)
    centre = tuple(ki // 2 for ki in k)
    for f in range(c):
        weight[(f, f % per_group) + centre] = 1
    return weight


def merge_branches(branches):
    """Sum parallel convolution branches into one: kernels zero-padded to the largest size, biases added.

    The branches read the same input with the same stride, dilation 1 and
    groups, and line up (a ``k x k`` branch padded ``p_K - (K - k) / 2`` when the
    largest, ``K x K``, is padded ``p_K``). Then the sum of their outputs is one
    convolution with the returned weight and bias and padding ``p_K``.

    Parameters
    ----------
    branches : sequence of (weight, bias)
        Each weight ``(C_out, C_in/groups, *kernel)`` with the same first two
        axes; each bias ``(C_out,)`` or None.

    Returns
    -------
    weight : numpy.ndarray
        ``(C_out, C_in/groups, *K)``.
    bias : numpy.ndarray
        ``(C_out,)``.

    Examples
    --------
    >>> w, b = merge_branches([(np.ones((1, 1, 3, 3)), [1.0]), (2 * np.ones((1, 1, 1, 1)), None)])
    >>> w[0, 0], b
    (array([[1., 1., 1.],
           [1., 3., 1.],
           [1., 1., 1.]]), array([1.]))
    """
    if isinstance(branches, (str, bytes, np.ndarray)) or not hasattr(branches, "__len__"):
        raise TypeError("branches must be a sequence of (weight, bias) pairs")
    if len(branches) == 0:
        raise ValueError("branches must hold at least one (weight, bias) pair")
    weights, biases = [], []
    for i, branch in enumerate(branches):
        if not isinstance(branch, (tuple, list)) or len(branch) != 2:
            raise TypeError(f"branches[{i}] must be a (weight, bias) pair")
        w = as_array(branch[0], f"branches[{i}] weight")
        if w.ndim < 3:
            raise ValueError(f"branches[{i}] weight must be at least 3D (C_out, C_in/groups, *kernel), "
                             f"got shape {w.shape}")
        if weights and (w.ndim != weights[0].ndim or w.shape[:2] != weights[0].shape[:2]):
            raise ValueError(f"branches[{i}] weight has shape {w.shape}; every branch needs the shape "
                             f"(C_out, C_in/groups) and the number of axes of branches[0]")
        weights.append(w)
        if branch[1] is not None:
            b = as_array(branch[1], f"branches[{i}] bias")
            if b.shape != (w.shape[0],):
                raise ValueError(f"branches[{i}] bias must have shape ({w.shape[0]},), got shape {b.shape}")
            biases.append(b)
    size = tuple(max(w.shape[axis] for w in weights) for axis in range(2, weights[0].ndim))
    dtype = result_dtype(*weights, *biases)
    merged = np.zeros(weights[0].shape[:2] + size, dtype=dtype)  # (C_out, C_in/groups, *K)
    for i, w in enumerate(weights):
        try:
            merged += pad_kernel(w, size)
        except ValueError:
            raise ValueError(f"branches[{i}] weight of size {w.shape[2:]} cannot be centred in the "
                             f"largest kernel {size}: the sizes must differ by an even number") from None
    bias = np.zeros(weights[0].shape[0], dtype=dtype)
    for b in biases:
        bias += b
    return merged, bias


def _bn(value, name):
    """``value`` as a :class:`BatchNorm`: one already, or the tuple of its fields."""
    if isinstance(value, BatchNorm):
        return value
    if isinstance(value, (tuple, list)) and len(value) in (4, 5):
        return BatchNorm(*value)
    raise TypeError(f"{name} must be a BatchNorm or a (running_mean, running_var, gamma, beta[, eps]) tuple")


def repvgg_merge(weight_3x3, bn_3x3, weight_1x1, bn_1x1, bn_identity=None, groups=1):
    """RepVGG's training block as the one 3x3 convolution it equals at inference (Ding et al. 2021).

    The block computes ``BN_3(conv(x, w_3, padding=1)) + BN_1(conv(x, w_1)) + BN_id(x)``
    (the identity branch only when ``bn_identity`` is given, which needs
    ``C_in == C_out`` and stride 1). Each branch is folded with
    :func:`fold_batch_norm`, the identity written as :func:`identity_kernel`, and
    the three summed by :func:`merge_branches`. The merged layer is
    ``conv(x, weight, bias, stride, padding=1, groups=groups)`` with the
    block's stride.

    Parameters
    ----------
    weight_3x3 : array_like
        ``(C_out, C_in/groups, 3, 3)``, the 3x3 branch (no bias).
    bn_3x3 : BatchNorm or tuple
        Its batch norm: ``(running_mean, running_var, gamma, beta[, eps])``.
    weight_1x1 : array_like
        ``(C_out, C_in/groups, 1, 1)``, the 1x1 branch (no bias).
    bn_1x1 : BatchNorm or tuple
    bn_identity : BatchNorm or tuple, optional
        The identity branch's batch norm; None for a block without one.
    groups : int, default 1

    Returns
    -------
    weight : numpy.ndarray
        ``(C_out, C_in/groups, 3, 3)``.
    bias : numpy.ndarray
        ``(C_out,)``.

    Examples
    --------
    >>> bn = BatchNorm(np.zeros(1), np.ones(1), np.ones(1), np.zeros(1), 0.0)
    >>> w, b = repvgg_merge(np.zeros((1, 1, 3, 3)), bn, np.ones((1, 1, 1, 1)), bn, bn)
    >>> float(w[0, 0, 1, 1]), b
    (2.0, array([0.]))
    """
    w3 = as_array(weight_3x3, "weight_3x3")
    w1 = as_array(weight_1x1, "weight_1x1")
    if w3.ndim != 4 or w3.shape[2:] != (3, 3):
        raise ValueError(f"weight_3x3 must be (C_out, C_in/groups, 3, 3), got shape {w3.shape}")
    if w1.shape != w3.shape[:2] + (1, 1):
        raise ValueError(f"weight_1x1 must be {w3.shape[:2] + (1, 1)} to match weight_3x3, "
                         f"got shape {w1.shape}")
    c_out, per_group = w3.shape[:2]
    groups = check_int(groups, "groups", minimum=1)
    check_groups(groups, per_group * groups, c_out)               # C_in = groups * (C_in/groups)
    branches = [fold_batch_norm(w3, None, *_bn(bn_3x3, "bn_3x3")),
                fold_batch_norm(w1, None, *_bn(bn_1x1, "bn_1x1"))]
    if bn_identity is not None:
        if per_group * groups != c_out:
            raise ValueError(f"bn_identity needs C_in == C_out, got C_in = {per_group * groups} and "
                             f"C_out = {c_out}")
        identity = identity_kernel(c_out, 3, groups, dtype=result_dtype(w3, w1))
        branches.append(fold_batch_norm(identity, None, *_bn(bn_identity, "bn_identity")))
    return merge_branches(branches)

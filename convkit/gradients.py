"""The backward pass of ``conv2d``, as ``torch.nn.grad.conv2d_input`` and ``conv2d_weight``.

For ``y = conv2d(x, w)`` and an upstream gradient ``g = dL/dy`` (the shape of
``y``):

* the gradient with respect to the input is the transposed convolution of
  ``g`` with the same weight (chapter 6): each output position sends its
  gradient back to the inputs its window read, weighted by the taps;
* the gradient with respect to the weight is a correlation of the input with
  ``g``: tap ``(m, n)`` of filter ``f`` over channel ``c`` collects
  ``x_pad[N, c, u s + m d, v s + n d] g[N, f, u, v]`` over every image and
  output position, which is one matrix product of ``g`` with the im2col
  matrix of ``x`` (:func:`~convkit.unfold`).

Chapter 15 (how a convolution is computed) checks both against autograd.
"""

from __future__ import annotations

import numpy as np

from ._params import conv_args
from .conv import unfold
from .conv_transpose import conv_transpose2d
from .padding import pad
from ._validation import as_array, check_shape

__all__ = ["conv2d_input_grad", "conv2d_weight_grad", "conv2d_weight_grad_naive"]


def conv2d_input_grad(input_size, weight, grad_output, stride=1, padding=0, dilation=1, groups=1):
    """Gradient of ``conv2d`` with respect to its input, as ``torch.nn.grad.conv2d_input``.

    Parameters
    ----------
    input_size : tuple of 4 ints
        Shape ``(N, C_in, H, W)`` of the input of the forward call.
    weight : array_like
        ``(C_out, C_in/groups, kH, kW)``, the weight of the forward call.
    grad_output : array_like
        ``(N, C_out, H_out, W_out)``: the gradient of the loss with respect to
        the forward call's output.
    stride, padding, dilation, groups
        As in the forward call (:func:`~convkit.conv2d`).

    Returns
    -------
    numpy.ndarray
        ``(N, C_in, H, W)``: the transposed convolution of ``grad_output``
        with ``weight``, padded back to the input size where the forward
        call's floor dropped rows or columns (they received no gradient).

    Raises
    ------
    TypeError, ValueError
        As :func:`~convkit.conv2d` for the forward call, and if
        ``grad_output`` does not have the forward output's shape.

    See Also
    --------
    conv2d_weight_grad : The gradient with respect to the weight.
    conv_transpose2d : The transposed convolution, which this gradient equals.

    Examples
    --------
    >>> import numpy as np
    >>> from convkit import conv2d_input_grad
    >>> conv2d_input_grad((1, 1, 3, 3), np.ones((1, 1, 2, 2)), np.ones((1, 1, 2, 2)))
    array([[[[1., 2., 1.],
             [2., 4., 2.],
             [1., 2., 1.]]]])
    """
    shape = check_shape(input_size, "input_size", "N, C_in, H, W")
    w = as_array(weight, "weight")
    probe = np.broadcast_to(np.zeros((), dtype=w.dtype), shape)  # no data: only the checks
    args = conv_args(probe, w, None, stride, padding, dilation, groups, 2, "conv2d")
    grad = _grad_output(grad_output, args)
    # The transposed convolution without padding covers the padded input from
    # its top-left corner: crop the padding there (pad crops by negative amounts)
    # and give the rows the floor dropped, at the end, zeros.
    spread = conv_transpose2d(grad, args.weight, stride=args.stride, groups=args.groups,
                              dilation=args.dilation)  # (N, C_in, <= H_p, <= W_p)
    (top, left), (height, width) = args.pad_before, shape[2:]
    bottom, right = top + height - spread.shape[2], left + width - spread.shape[3]
    return pad(spread, (-left, right, -top, bottom))  # (N, C_in, H, W)


def conv2d_weight_grad(input, weight_size, grad_output, stride=1, padding=0, dilation=1, groups=1):
    """Gradient of ``conv2d`` with respect to its weight, as ``torch.nn.grad.conv2d_weight``.

    Parameters
    ----------
    input : array_like
        ``(N, C_in, H, W)``, the input of the forward call.
    weight_size : tuple of 4 ints
        Shape ``(C_out, C_in/groups, kH, kW)`` of the forward call's weight.
    grad_output : array_like
        ``(N, C_out, H_out, W_out)``: the gradient of the loss with respect to
        the forward call's output.
    stride, padding, dilation, groups
        As in the forward call (:func:`~convkit.conv2d`).

    Returns
    -------
    numpy.ndarray
        ``(C_out, C_in/groups, kH, kW)``: for each group, ``grad_output``
        (``(C_out/G, N L)``) times the transposed im2col matrix of the input
        (``(N L, C_in/G kH kW)``), with ``L = H_out W_out``.

    Raises
    ------
    TypeError, ValueError
        As :func:`~convkit.conv2d` for the forward call, and if
        ``grad_output`` does not have the forward output's shape.

    See Also
    --------
    conv2d_weight_grad_naive : The same sum as plain loops.
    conv2d_input_grad : The gradient with respect to the input.
    unfold : The matrix of windows the upstream gradient multiplies.

    Notes
    -----
    The same numbers are a convolution of the input with the upstream
    gradient, the batch axis playing the part of the channels: for
    ``groups=1``, ``conv2d(x.swapaxes(0, 1), g.swapaxes(0, 1), padding=p,
    stride=d, dilation=s).swapaxes(0, 1)``, cropped to ``kH x kW``
    (chapter 15 checks it).

    Examples
    --------
    >>> import numpy as np
    >>> from convkit import conv2d_weight_grad
    >>> x = np.arange(9.0).reshape(1, 1, 3, 3)        # (N, C_in, H, W)
    >>> conv2d_weight_grad(x, (1, 1, 2, 2), np.ones((1, 1, 2, 2)))
    array([[[[ 8., 12.],
             [20., 24.]]]])
    """
    args, grad, shape, xp = _weight_grad_args(input, weight_size, grad_output, stride, padding,
                                              dilation, groups)
    c_out, per_group_in, k_h, k_w = shape
    g = args.groups
    columns = unfold(xp, (k_h, k_w), dilation=args.dilation,
                     stride=args.stride)  # (N, C_in kH kW, L)
    n_batch, _, positions = columns.shape
    # (N, G, C_in/G kH kW, L)
    columns = columns.reshape(n_batch, g, per_group_in * k_h * k_w, positions)
    grad = grad.reshape(n_batch, g, c_out // g, positions)  # (N, G, C_out/G, L)
    dw = np.einsum("ngol,ngkl->gok", grad, columns)  # (G, C_out/G, C_in/G kH kW)
    return dw.reshape(shape)  # (C_out, C_in/G, kH, kW)


def conv2d_weight_grad_naive(input, weight_size, grad_output, stride=1, padding=0, dilation=1,
                             groups=1):
    """Loop reference for :func:`conv2d_weight_grad`: the formula, one weight at a time.

    Parameters
    ----------
    input, weight_size, grad_output, stride, padding, dilation, groups
        As in :func:`conv2d_weight_grad`.

    Returns
    -------
    numpy.ndarray
        Equal to ``conv2d_weight_grad(...)``: ``(C_out, C_in/groups, kH, kW)``.

    See Also
    --------
    conv2d_weight_grad : The same sum, vectorised.

    Notes
    -----
    For every weight ``(f, c, m, n)``, the sum over images and output
    positions of ``grad_output[N, f, u, v] * x_pad[N, g C_g + c, u s_H + m
    d_H, v s_W + n d_W]``: loops over the four weight indices, the positions
    summed by one product of arrays. Chapter 15 explains it.

    Examples
    --------
    >>> import numpy as np
    >>> from convkit import conv2d_weight_grad_naive
    >>> x = np.arange(9.0).reshape(1, 1, 3, 3)        # (N, C_in, H, W)
    >>> conv2d_weight_grad_naive(x, (1, 1, 2, 2), np.ones((1, 1, 2, 2)))
    array([[[[ 8., 12.],
             [20., 24.]]]])
    """
    args, grad, shape, xp = _weight_grad_args(input, weight_size, grad_output, stride, padding,
                                              dilation, groups)
    c_out, per_group_in, k_h, k_w = shape
    per_group_out = c_out // args.groups
    (s_h, s_w), (d_h, d_w), (h_out, w_out) = args.stride, args.dilation, args.out_size
    out = np.zeros(shape, dtype=np.result_type(grad, xp))
    for f in range(c_out):
        g = f // per_group_out  # the group of filter f
        for c in range(per_group_in):
            channel = g * per_group_in + c
            for m in range(k_h):
                for n in range(k_w):
                    rows = slice(m * d_h, m * d_h + s_h * (h_out - 1) + 1, s_h)
                    cols = slice(n * d_w, n * d_w + s_w * (w_out - 1) + 1, s_w)
                    # every input value tap (m, n) met, one per image and output position
                    met = xp[:, channel, rows, cols]  # (N, H_out, W_out)
                    out[f, c, m, n] = np.sum(grad[:, f] * met)
    return out


def _weight_grad_args(input, weight_size, grad_output, stride, padding, dilation, groups):
    """Checked arguments of a weight gradient: (conv args, grad_output, weight shape, padded input)."""
    x = as_array(input, "input")
    shape = check_shape(weight_size, "weight_size", "C_out, C_in/groups, kH, kW")
    probe = np.broadcast_to(np.zeros((), dtype=x.dtype), shape)  # no data: only the checks
    args = conv_args(x, probe, None, stride, padding, dilation, groups, 2, "conv2d")
    grad = _grad_output(grad_output, args)
    pad = [(0, 0), (0, 0)] + list(zip(args.pad_before, args.pad_after))
    xp = np.pad(args.input, pad)  # (N, C_in, H_p, W_p)
    return args, grad, shape, xp


def _grad_output(grad_output, args) -> np.ndarray:
    """``grad_output`` as an array of the forward output's shape and the result dtype."""
    grad = as_array(grad_output, "grad_output")
    expected = (args.input.shape[0], args.weight.shape[0]) + args.out_size
    if grad.shape != expected:
        raise ValueError(
            f"grad_output must have the forward output's shape {expected}, got {grad.shape}"
        )
    dtype = np.result_type(grad, args.input)
    return grad.astype(dtype, copy=False)

"""Flattened convolution: each 3D filter as three 1D filters in sequence (chapter 10).

Jin, Dundar and Culurciello (2014) replace every ``C_in x kH x kW`` filter
of a layer by

1. a **lateral** filter across channels (a 1x1 convolution, ``C_in -> C_out``),
2. a **vertical** ``kH x 1`` filter on each of the ``C_out`` channels,
3. a **horizontal** ``1 x kW`` filter on each channel,

applied one after the other: ``C_in + kH + kW`` weights per filter instead of
``C_in kH kW``. Because every stage is linear and padding with zeros commutes
with the stages that do not pad, the sequence equals one ordinary
convolution whose filters are rank-1 tensors,
``W[o, c, u, v] = lateral[o, c] * vertical[o, u] * horizontal[o, v]``.

A widely copied snippet instead *adds* a ``k x 1`` and a ``1 x k``
convolution of the same input: that is a different operation (a sum of two
thin kernels, a cross shape), not a flattened one.
"""

from __future__ import annotations

import numpy as np

from ._validation import as_array, check_int, check_real, to_tuple
from .conv import conv2d
from .separable import pointwise_conv2d

__all__ = ["flatten_filter", "flattened_conv2d", "flattened_filter"]


def _factors(lateral, vertical, horizontal):
    """Check the three 1D filter banks and return them as 2D arrays."""
    lat = as_array(lateral, "lateral")
    ver = as_array(vertical, "vertical")
    hor = as_array(horizontal, "horizontal")
    if lat.ndim == 4 and lat.shape[2:] == (1, 1):
        lat = lat[:, :, 0, 0]  # (C_out, C_in)
    if ver.ndim == 4 and ver.shape[1] == 1 and ver.shape[3] == 1:
        ver = ver[:, 0, :, 0]  # (C_out, kH)
    if hor.ndim == 4 and hor.shape[1:3] == (1, 1):
        hor = hor[:, 0, 0, :]  # (C_out, kW)
    for name, array, layout in (("lateral", lat, "(C_out, C_in) or (C_out, C_in, 1, 1)"),
                                ("vertical", ver, "(C_out, kH) or (C_out, 1, kH, 1)"),
                                ("horizontal", hor, "(C_out, kW) or (C_out, 1, 1, kW)")):
        if array.ndim != 2 or 0 in array.shape:
            raise ValueError(f"{name} must have shape {layout}, got {array.shape}")
    c_out = lat.shape[0]
    for name, array in (("vertical", ver), ("horizontal", hor)):
        if array.shape[0] != c_out:
            raise ValueError(
                f"{name} has {array.shape[0]} filters but lateral has {c_out} (one per "
                f"output channel)"
            )
    return lat, ver, hor


def flattened_filter(lateral, vertical, horizontal):
    """The full convolution weight that a flattened convolution is equal to.

    Parameters
    ----------
    lateral : array_like, shape (C_out, C_in) or (C_out, C_in, 1, 1)
    vertical : array_like, shape (C_out, kH) or (C_out, 1, kH, 1)
    horizontal : array_like, shape (C_out, kW) or (C_out, 1, 1, kW)

    Returns
    -------
    numpy.ndarray, shape (C_out, C_in, kH, kW)
        ``W[o, c, u, v] = lateral[o, c] vertical[o, u] horizontal[o, v]``;
        every filter ``W[o]`` is a rank-1 tensor.

    Raises
    ------
    TypeError, ValueError
        If an argument is not numeric or the shapes do not match.

    Notes
    -----
    Chapter 10. ``conv2d(x, flattened_filter(l, v, h), bias, padding=p)``
    equals ``flattened_conv2d(x, l, v, h, bias, padding=p)``.

    Examples
    --------
    >>> flattened_filter([[1, 2]], [[1, -1]], [[3, 0, 1]])[0, 1]
    array([[ 6,  0,  2],
           [-6,  0, -2]])
    """
    lat, ver, hor = _factors(lateral, vertical, horizontal)
    # outer products, one per output channel
    return (lat[:, :, np.newaxis, np.newaxis] * ver[:, np.newaxis, :, np.newaxis]
            * hor[:, np.newaxis, np.newaxis, :])  # (C_out, C_in, kH, kW)


def flattened_conv2d(input, lateral, vertical, horizontal, bias=None, padding=0):
    """Flattened convolution: lateral 1x1, then vertical ``kH x 1``, then horizontal ``1 x kW``.

    Parameters
    ----------
    input : array_like, shape (N, C_in, H, W) or (C_in, H, W)
    lateral : array_like, shape (C_out, C_in) or (C_out, C_in, 1, 1)
        Mixes the channels.
    vertical : array_like, shape (C_out, kH) or (C_out, 1, kH, 1)
        One column filter per output channel (a depthwise ``kH x 1`` conv).
    horizontal : array_like, shape (C_out, kW) or (C_out, 1, 1, kW)
        One row filter per output channel (a depthwise ``1 x kW`` conv).
    bias : array_like, shape (C_out,), optional
        Added once, after the horizontal stage.
    padding : int, tuple of 2 ints, 'valid' or 'same', default 0
        The padding of the equivalent full convolution. The lateral stage is
        applied without padding, the vertical stage pads the rows and the
        horizontal stage the columns: zeros stay zeros through the 1x1 and
        column stages, so the result equals the full convolution exactly.

    Returns
    -------
    numpy.ndarray, shape (N, C_out, H_out, W_out) or (C_out, H_out, W_out)
        Same as ``conv2d(input, flattened_filter(...), bias, padding=padding)``.

    Raises
    ------
    TypeError, ValueError
        As :func:`convkit.conv.conv2d`, plus mismatched filter shapes.

    Notes
    -----
    Chapter 10 (Jin et al. 2014). Its cost: :func:`convkit.costs.flattened_cost`.

    Examples
    --------
    >>> x = np.ones((2, 4, 4))
    >>> flattened_conv2d(x, np.ones((3, 2)), np.ones((3, 3)), np.ones((3, 3))).shape
    (3, 2, 2)
    """
    lat, ver, hor = _factors(lateral, vertical, horizontal)
    c_out = lat.shape[0]
    if isinstance(padding, str):
        rows_padding = cols_padding = padding
    else:
        ph, pw = to_tuple(padding, 2, "padding", minimum=0)
        rows_padding, cols_padding = (ph, 0), (0, pw)
    out = pointwise_conv2d(input, lat)  # (N, C_out, H, W)
    out = conv2d(out, ver[:, np.newaxis, :, np.newaxis], None, 1, rows_padding, 1,
                 groups=c_out)  # weight (C_out, 1, kH, 1)
    return conv2d(out, hor[:, np.newaxis, np.newaxis, :], bias, 1, cols_padding, 1,
                  groups=c_out)  # weight (C_out, 1, 1, kW)


def flatten_filter(weight, max_iter=500, tol=1e-12):
    """Rank-1 approximation of each filter: the factors of a flattened convolution.

    Parameters
    ----------
    weight : array_like, shape (C_out, C_in, kH, kW)
        A standard convolution weight.
    max_iter : int, default 500
        Iterations of the power method at most.
    tol : float, default 1e-12
        Stop when no factor moves by more than this (relative).

    Returns
    -------
    lateral : numpy.ndarray, shape (C_out, C_in)
    vertical : numpy.ndarray, shape (C_out, kH)
    horizontal : numpy.ndarray, shape (C_out, kW)
        Float64. ``vertical`` and ``horizontal`` have unit norm and their
        largest entry positive; ``lateral`` carries the scale. The filter
        ``flattened_filter(lateral, vertical, horizontal)`` reproduces a
        rank-1 ``weight`` exactly (to rounding).

    Raises
    ------
    TypeError
        If ``weight`` is not numeric, ``max_iter`` not an int or ``tol`` not
        a real number.
    ValueError
        If ``weight`` is not 4D or is empty, ``max_iter`` is not positive or
        ``tol`` is negative or NaN.

    Notes
    -----
    Chapter 10. Unlike a matrix, a 3D tensor has no SVD that hands over its
    best rank-1 approximation; the higher-order power method (alternating
    least squares) is used, started from the leading singular vectors of
    each unfolding (HOSVD). Each step solves for one factor with the other
    two fixed, so the error never grows; the result is a stationary point,
    in practice the best rank-1 approximation. Deterministic.

    Examples
    --------
    >>> w = flattened_filter([[2.0, 1.0]], [[1.0, 2.0]], [[0.0, 3.0, 4.0]])
    >>> np.allclose(flattened_filter(*flatten_filter(w)), w)
    True
    """
    w = as_array(weight, "weight")
    if w.ndim != 4 or 0 in w.shape:
        raise ValueError(f"weight must be 4D (C_out, C_in, kH, kW) and non-empty, got {w.shape}")
    max_iter = check_int(max_iter, "max_iter", minimum=1)
    tol = check_real(tol, "tol", minimum=0)
    w = w.astype(np.float64)
    c_out, c_in, kh, kw = w.shape

    def leading(unfolded):  # leading left singular vector of each (C_out, m, rest) slice
        u, _, _ = np.linalg.svd(unfolded, full_matrices=False)
        return u[:, :, 0]  # (C_out, m)

    a = leading(w.reshape(c_out, c_in, kh * kw))  # (C_out, C_in)
    b = leading(np.swapaxes(w, 1, 2).reshape(c_out, kh, c_in * kw))  # (C_out, kH)
    c = leading(np.moveaxis(w, 3, 1).reshape(c_out, kw, c_in * kh))  # (C_out, kW)

    def unit(v):
        norm = np.linalg.norm(v, axis=1, keepdims=True)
        return np.divide(v, norm, out=np.zeros_like(v), where=norm > 0)

    for _ in range(max_iter):
        a_new = unit(np.einsum("ochw,oh,ow->oc", w, b, c, optimize=True))
        b_new = unit(np.einsum("ochw,oc,ow->oh", w, a_new, c, optimize=True))
        c_new = unit(np.einsum("ochw,oc,oh->ow", w, a_new, b_new, optimize=True))
        moved = max(np.abs(a_new - a).max(), np.abs(b_new - b).max(), np.abs(c_new - c).max())
        a, b, c = a_new, b_new, c_new
        if moved <= tol:
            break
    scale = np.einsum("ochw,oc,oh,ow->o", w, a, b, c, optimize=True)  # (C_out,)
    # a sign convention that makes the factors unique: the largest entry of the
    # vertical and horizontal filters is positive, the lateral filter takes the sign
    for v in (b, c):
        rows = np.arange(c_out)
        sign = np.sign(v[rows, np.argmax(np.abs(v), axis=1)])
        sign[sign == 0] = 1
        v *= sign[:, np.newaxis]
        scale = scale * sign
    return a * scale[:, np.newaxis], b, c

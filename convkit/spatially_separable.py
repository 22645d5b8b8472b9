"""Spatially separable kernels: a column times a row (chapter 8).

A ``kH x kW`` kernel of rank 1 is an outer product ``outer(column, row)``.
Correlating with it equals correlating with the ``kH x 1`` column and then
with the ``1 x kW`` row: ``kH + kW`` weights and multiplies per pixel instead
of ``kH kW``. The singular value decomposition tells whether a kernel has
rank 1 and gives the best rank-``r`` approximation of any kernel.

Not to be confused with depthwise separable convolution (chapter 9), which
separates channels, not rows from columns.
"""

from __future__ import annotations

import numpy as np

from ._validation import as_array, check_int, check_real, to_tuple
from .conv import conv2d

__all__ = [
    "SOBEL_COLUMN",
    "SOBEL_ROW",
    "SOBEL_X",
    "SOBEL_Y",
    "is_separable",
    "low_rank_kernel",
    "separate_kernel",
    "spatially_separable_conv2d",
]

#: Smoothing column of the Sobel operator, ``[1, 2, 1]``.
SOBEL_COLUMN = np.array([1, 2, 1])
#: Differencing row of the Sobel operator, ``[1, 0, -1]``.
SOBEL_ROW = np.array([1, 0, -1])
#: Sobel kernel for horizontal change (vertical edges): ``outer(SOBEL_COLUMN, SOBEL_ROW)``.
SOBEL_X = np.outer(SOBEL_COLUMN, SOBEL_ROW)
#: Sobel kernel for vertical change (horizontal edges): ``SOBEL_X.T``.
SOBEL_Y = SOBEL_X.T.copy()

for _constant in (SOBEL_COLUMN, SOBEL_ROW, SOBEL_X, SOBEL_Y):
    _constant.flags.writeable = False  # shared module constants


def _kernel(kernel) -> np.ndarray:
    k = as_array(kernel, "kernel")
    if k.ndim != 2:
        raise ValueError(f"kernel must be 2D (kH, kW), got shape {k.shape}")
    if k.size == 0:
        raise ValueError(f"kernel must not be empty, got shape {k.shape}")
    return k


def _tolerance(singular_values: np.ndarray, shape, dtype, rtol) -> float:
    if rtol is None:
        # numpy.linalg.matrix_rank's default: largest singular value * max(M, N) * eps
        eps = np.finfo(dtype if dtype.kind == "f" else np.float64).eps
        rtol = max(shape) * eps
    else:
        rtol = check_real(rtol, "rtol", minimum=0)
    return float(singular_values[0]) * float(rtol)


def is_separable(kernel, rtol=None):
    """Whether a 2D kernel is an outer product of a column and a row (rank at most 1).

    Parameters
    ----------
    kernel : array_like, shape (kH, kW)
    rtol : float, optional
        The kernel counts as rank 1 when its second singular value is at most
        ``rtol`` times the first. Default: ``max(kH, kW)`` times the machine
        epsilon of the kernel's dtype, as ``numpy.linalg.matrix_rank`` does.

    Returns
    -------
    bool
        True for rank 0 or 1.

    Raises
    ------
    TypeError
        If ``kernel`` is not numeric or ``rtol`` is not a real number.
    ValueError
        If ``kernel`` is not 2D or is empty, or ``rtol`` is negative or NaN.

    Notes
    -----
    Chapter 8. Every 1-row or 1-column kernel is separable.

    Examples
    --------
    >>> is_separable(SOBEL_X)
    True
    >>> is_separable([[0, 1, 0], [1, -4, 1], [0, 1, 0]])  # the Laplacian
    False
    """
    k = _kernel(kernel)
    s = np.linalg.svd(k.astype(np.float64), compute_uv=False)
    if s.size < 2:
        return True
    return bool(s[1] <= _tolerance(s, k.shape, k.dtype, rtol))


def separate_kernel(kernel, rtol=None):
    """Factor a rank-1 kernel into ``(column, row)`` with ``outer(column, row) == kernel``.

    Parameters
    ----------
    kernel : array_like, shape (kH, kW)
    rtol : float, optional
        Rank tolerance, as in :func:`is_separable`.

    Returns
    -------
    column : numpy.ndarray, shape (kH,)
    row : numpy.ndarray, shape (kW,)
        Float64. The column is the kernel's column through its largest entry
        (in absolute value) and the row is the matching kernel row divided by
        that entry, so integer kernels give exact factors (``SOBEL_X`` gives
        ``[1, 2, 1]`` and ``[1, 0, -1]``). A zero kernel gives zero factors.

    Raises
    ------
    TypeError
        If ``kernel`` is not numeric or ``rtol`` is not a real number.
    ValueError
        If ``rtol`` is negative or NaN, or ``kernel`` is not 2D, is empty
        or is not rank 1 (see :func:`low_rank_kernel` for an approximation).

    Notes
    -----
    Chapter 8. The factors are unique up to a scale moved between them
    (``outer(a c, r / a)`` is the same kernel).

    Examples
    --------
    >>> column, row = separate_kernel(SOBEL_X)
    >>> column, row
    (array([1., 2., 1.]), array([ 1.,  0., -1.]))
    """
    k = _kernel(kernel)
    if not is_separable(k, rtol):
        raise ValueError(
            "kernel is not separable (its rank is above 1); use low_rank_kernel(kernel, 1) "
            "for the best rank-1 approximation"
        )
    k = k.astype(np.float64)
    i, j = np.unravel_index(np.argmax(np.abs(k)), k.shape)
    if k[i, j] == 0:
        return np.zeros(k.shape[0]), np.zeros(k.shape[1])
    return k[:, j].copy(), k[i, :] / k[i, j]


def low_rank_kernel(kernel, rank):
    """Best rank-``rank`` approximation of a kernel (truncated SVD).

    Parameters
    ----------
    kernel : array_like, shape (kH, kW)
    rank : int
        Between 1 and ``min(kH, kW)``.

    Returns
    -------
    numpy.ndarray, shape (kH, kW), float64
        ``sum_{i < rank} s_i u_i v_i^T``: closest to ``kernel`` in the
        Frobenius norm among kernels of that rank (Eckart-Young). A rank-r
        kernel costs ``r`` column-then-row passes.

    Raises
    ------
    TypeError
        If ``kernel`` is not numeric or ``rank`` not an int.
    ValueError
        If ``kernel`` is not 2D or empty, or ``rank`` is out of range.

    Notes
    -----
    Chapter 8. The error is ``sqrt(sum_{i >= rank} s_i^2)``.

    Examples
    --------
    >>> laplacian = np.array([[0, 1, 0], [1, -4, 1], [0, 1, 0]])
    >>> np.allclose(low_rank_kernel(laplacian, 3), laplacian)
    True
    """
    k = _kernel(kernel)
    rank = check_int(rank, "rank")
    if not 1 <= rank <= min(k.shape):
        raise ValueError(f"rank must be between 1 and {min(k.shape)} for a kernel of shape "
                         f"{k.shape}, got {rank}")
    u, s, vt = np.linalg.svd(k.astype(np.float64), full_matrices=False)
    return (u[:, :rank] * s[:rank]) @ vt[:rank]  # (kH, r) @ (r, kW)


def spatially_separable_conv2d(input, column, row, bias=None, stride=1, padding=0):
    """Correlate every channel with ``outer(column, row)`` as a column pass then a row pass.

    Parameters
    ----------
    input : array_like, shape (H, W), (C, H, W) or (N, C, H, W)
        A single-channel image, or channels that are all filtered with the
        same kernel (as an image filter is applied to each colour channel).
    column : array_like, shape (kH,)
        Applied first, down the rows (a ``kH x 1`` kernel).
    row : array_like, shape (kW,)
        Applied second, along the columns (a ``1 x kW`` kernel).
    bias : float or array_like of shape (C,), optional
        Added at the end (one value per channel). A Python number does not
        change the result's dtype (float32 stays float32), as in numpy.
    stride : int or tuple of 2 ints, default 1
    padding : int, tuple of 2 ints, 'valid' or 'same', default 0
        Zeros around the input, as in :func:`convkit.conv.conv2d`; the column
        pass pads the rows and the row pass pads the columns, which gives the
        same result because padding with zeros commutes with the other pass.

    Returns
    -------
    numpy.ndarray, shape (H_out, W_out), (C, H_out, W_out) or (N, C, H_out, W_out)
        Equal to ``conv2d`` with weight ``outer(column, row)`` for every
        channel (``groups = C``).

    Raises
    ------
    TypeError, ValueError
        If ``column`` or ``row`` is not a non-empty 1D array, ``bias`` has the
        wrong shape, or as :func:`convkit.conv.conv2d`.

    Notes
    -----
    Chapter 8. ``kH + kW`` multiplies per output pixel instead of ``kH kW``.

    Examples
    --------
    >>> image = np.tile(np.arange(5), (5, 1))          # a horizontal ramp
    >>> spatially_separable_conv2d(image, SOBEL_COLUMN, SOBEL_ROW)
    array([[-8, -8, -8],
           [-8, -8, -8],
           [-8, -8, -8]])
    """
    x = as_array(input, "input")
    col = as_array(column, "column")
    rw = as_array(row, "row")
    for name, vector in (("column", col), ("row", rw)):
        if vector.ndim != 1 or vector.size == 0:
            raise ValueError(f"{name} must be a non-empty 1D array, got shape {vector.shape}")
    if x.ndim not in (2, 3, 4):
        raise ValueError(f"input must be (H, W), (C, H, W) or (N, C, H, W), got shape {x.shape}")
    single = x.ndim == 2
    if single:
        x = x[np.newaxis]  # (1, H, W)
    channels = x.shape[-3]
    if channels == 0:
        raise ValueError(f"input must have at least one channel, got shape {x.shape}")
    if isinstance(padding, str):
        rows_padding = cols_padding = padding
    else:
        ph, pw = to_tuple(padding, 2, "padding", minimum=0)
        rows_padding, cols_padding = (ph, 0), (0, pw)
    sh, sw = to_tuple(stride, 2, "stride", minimum=1)
    if bias is not None:
        given = bias
        bias = as_array(bias, "bias")
        if bias.ndim == 0:
            # A Python number takes the operands' dtype as in numpy's promotion
            # (float32 stays float32); a numpy or torch scalar keeps its own.
            weak = isinstance(given, (int, float)) and not isinstance(given, np.generic)
            value = given if weak else bias
            dtype = np.result_type(x, col, rw, value)
            try:  # a Python int out of range of an integer dtype is refused, not wrapped
                bias = np.full(channels, value, dtype=dtype)  # (C,)
            except OverflowError:
                raise ValueError(f"bias {given!r} does not fit the result dtype {dtype}") from None
        if bias.shape != (channels,):
            raise ValueError(f"bias must be a number or have shape ({channels},), "
                             f"got shape {bias.shape}")
    column_weight = np.broadcast_to(col[:, np.newaxis], (channels, 1, col.size, 1))  # (C, 1, kH, 1)
    row_weight = np.broadcast_to(rw[np.newaxis, :], (channels, 1, 1, rw.size))  # (C, 1, 1, kW)
    out = conv2d(x, column_weight, None, (sh, 1), rows_padding, 1, channels)
    out = conv2d(out, row_weight, bias, (1, sw), cols_padding, 1, channels)
    return out[0] if single else out

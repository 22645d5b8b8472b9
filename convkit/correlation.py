"""True convolution and cross-correlation of one signal or one image (chapter 1).

Signal processing *convolves*: it flips the kernel, then slides it.
Deep learning frameworks slide without flipping, a *cross-correlation*, and
call it convolution. Here both exist side by side, in 1D and 2D, for a single
channel:

* ``correlate1d(x, w)[n] = sum_m x[n + m] w[m]`` (what ``conv1d`` computes);
* ``convolve1d(x, w)[n] = sum_m x[n - m] w[m] = correlate1d(x, flip(w))``.

The three modes follow ``numpy.correlate`` and ``numpy.convolve`` in 1D and
``scipy.signal.correlate2d`` and ``scipy.signal.convolve2d`` (zero boundary)
in 2D, so that a result can be checked against either library:

* ``'full'``: every shift where kernel and input overlap by at least one
  sample, length ``M + K - 1``;
* ``'valid'``: only the shifts where one lies entirely inside the other,
  length ``max(M, K) - min(M, K) + 1`` (``M - K + 1`` for the usual short
  kernel; this is ``conv1d``'s default ``padding=0``);
* ``'same'``: a centred slice of ``'full'`` as long as the input (as long as
  the longer of the two in 1D, as numpy does).

For odd kernels ``'same'`` agrees with PyTorch's ``padding='same'``. For even
kernels the centre is ambiguous and the libraries disagree by one sample:
PyTorch pads ``(K-1)//2`` zeros before and the rest after, so its output
starts at ``full[K - 1 - (K-1)//2]``; ``numpy.correlate``, ``numpy.convolve``
and ``scipy.signal.convolve2d`` start at ``full[(K-1)//2]``, while
``scipy.signal.correlate2d`` starts where PyTorch does. The functions here
reproduce numpy (1D) and scipy (2D) exactly, including that difference.
"""

from __future__ import annotations

import numpy as np

from ._validation import as_array, as_nd_array, result_dtype

__all__ = [
    "convolve1d",
    "convolve1d_naive",
    "convolve2d",
    "convolve2d_naive",
    "correlate1d",
    "correlate1d_naive",
    "correlate2d",
    "correlate2d_naive",
    "flip",
]

_MODES = ("valid", "same", "full")


# --------------------------------------------------------------------------- #
# checks and the slicing rules of the modes
# --------------------------------------------------------------------------- #
def _check_mode(mode) -> str:
    if not isinstance(mode, str):
        raise TypeError(f"mode must be one of 'valid', 'same', 'full', got {mode!r}")
    if mode not in _MODES:
        raise ValueError(f"mode must be one of 'valid', 'same', 'full', got {mode!r}")
    return mode


def _check_valid_2d(image_shape, kernel_shape) -> None:
    image_bigger = all(m >= k for m, k in zip(image_shape, kernel_shape))
    kernel_bigger = all(k >= m for m, k in zip(image_shape, kernel_shape))
    if not (image_bigger or kernel_bigger):
        raise ValueError(
            f"mode='valid' needs image or kernel to be at least as large as the other "
            f"in every dimension, got image {image_shape} and kernel {kernel_shape}"
        )


def _kept(mode: str, image_shape, kernel_shape, correlate: bool) -> tuple[slice, ...]:
    """Which part of the 'full' output (``m + k - 1`` per axis) a mode keeps, axis by axis."""
    slices = []
    for m, k in zip(image_shape, kernel_shape):
        if mode == "full":
            slices.append(slice(0, m + k - 1))
        elif mode == "valid":
            slices.append(slice(min(m, k) - 1, max(m, k)))
        elif len(image_shape) == 1:
            # numpy keeps the longer length, and correlates a long kernel by swapping
            # the operands and reversing the result, which moves its centre.
            start = m - 1 - (m - 1) // 2 if correlate and k > m else (min(m, k) - 1) // 2
            slices.append(slice(start, start + max(m, k)))
        else:
            # scipy keeps the image's size; correlate2d is convolve2d with the
            # flipped kernel, so its centre sits one sample later for even k.
            start = (k - 1) // 2 if not correlate else k - 1 - (k - 1) // 2
            slices.append(slice(start, start + m))
    return tuple(slices)


def _full(x: np.ndarray, w: np.ndarray, dtype, correlate: bool) -> np.ndarray:
    """'full' cross-correlation, or convolution, in any number of dimensions (vectorised).

    A convolution is the correlation with the flipped kernel. Shift and add:
    one multiply-accumulate of a shifted view of the padded input per kernel
    tap. Memory stays at one output array whatever the kernel size (an
    im2col matrix would hold ``prod(kernel)`` copies).
    """
    if not correlate:
        w = np.flip(w)
    padded = np.pad(x.astype(dtype, copy=False), [(k - 1, k - 1) for k in w.shape])
    full_shape = tuple(m + k - 1 for m, k in zip(x.shape, w.shape))
    out = np.zeros(full_shape, dtype=dtype)
    weights = w.astype(dtype, copy=False)
    for tap in np.ndindex(w.shape):
        window = tuple(slice(t, t + size) for t, size in zip(tap, full_shape))
        out += weights[tap] * padded[window]
    return out


def _full_naive(x: np.ndarray, w: np.ndarray, dtype, correlate: bool) -> np.ndarray:
    """'full' result by the definition, one output at a time, the flip written out.

    ``y[n] = sum_m x[n + m - (K - 1)] w[m]`` (correlation) or ``y[n] =
    sum_m x[n - m] w[m]`` (convolution), with ``x`` zero outside its bounds
    (multi-indices in 2D).
    """
    full_shape = tuple(m + k - 1 for m, k in zip(x.shape, w.shape))
    out = np.zeros(full_shape, dtype=dtype)
    for n in np.ndindex(full_shape):
        total = dtype.type(0)
        for m in np.ndindex(w.shape):
            if correlate:
                index = tuple(ni + mi - (ki - 1) for ni, mi, ki in zip(n, m, w.shape))
            else:
                index = tuple(ni - mi for ni, mi in zip(n, m))
            if all(0 <= i < size for i, size in zip(index, x.shape)):
                total += x[index] * w[m]
        out[n] = total
    return out


def _run(data, kernel, mode, ndim: int, correlate: bool, naive: bool = False) -> np.ndarray:
    """Check the arguments, compute the 'full' result and keep the part ``mode`` names."""
    if ndim == 1:
        x = as_nd_array(data, "signal", "M", nonempty=True)
        w = as_nd_array(kernel, "kernel", "K", nonempty=True)
    else:
        x = as_nd_array(data, "image", "H, W", nonempty=True)
        w = as_nd_array(kernel, "kernel", "kH, kW", nonempty=True)
    mode = _check_mode(mode)
    if ndim == 2 and mode == "valid":
        _check_valid_2d(x.shape, w.shape)
    full = (_full_naive if naive else _full)(x, w, result_dtype(x, w), correlate)
    return np.ascontiguousarray(full[_kept(mode, x.shape, w.shape, correlate)])


# --------------------------------------------------------------------------- #
# public functions
# --------------------------------------------------------------------------- #
def flip(kernel):
    """Reverse a 1D kernel, or rotate a 2D kernel by 180 degrees.

    Parameters
    ----------
    kernel : array_like, shape (K,) or (kH, kW)
        A single-channel kernel.

    Returns
    -------
    numpy.ndarray
        A new array, same shape and dtype: ``kernel[::-1]`` or
        ``kernel[::-1, ::-1]``.

    Raises
    ------
    TypeError
        If ``kernel`` is not numeric.
    ValueError
        If ``kernel`` is not 1D or 2D. For a ``(C_out, C_in, kH, kW)``
        weight flip only the spatial axes, ``np.flip(weight, (-2, -1))``:
        flipping the channel axes too would reorder the filters.

    Notes
    -----
    Chapter 1: ``convolve(x, w) == correlate(x, flip(w))``.

    Examples
    --------
    >>> flip([[1, 2], [3, 4]])
    array([[4, 3],
           [2, 1]])
    """
    w = as_array(kernel, "kernel")
    if w.ndim not in (1, 2):
        raise ValueError(
            f"kernel must be 1D or 2D, got shape {w.shape}; for a (C_out, C_in, kH, kW) "
            f"weight use np.flip(weight, axis=(-2, -1))"
        )
    return np.flip(w).copy()


def correlate1d(signal, kernel, mode="valid"):
    """Cross-correlation of two 1D sequences: slide ``kernel`` along ``signal`` without flipping.

    ``y[n] = sum_m x[n + m] w[m]`` in ``'valid'`` mode: exactly
    ``numpy.correlate(signal, kernel, mode)`` for real inputs, and what
    ``torch.nn.functional.conv1d`` computes for one channel.

    Parameters
    ----------
    signal : array_like, shape (M,)
    kernel : array_like, shape (K,)
    mode : {'valid', 'same', 'full'}, default 'valid'
        See the module notes; 'valid' gives ``M - K + 1`` outputs when
        ``K <= M``.

    Returns
    -------
    numpy.ndarray, shape (L,)
        ``L`` is ``max(M, K) - min(M, K) + 1`` ('valid'), ``max(M, K)``
        ('same') or ``M + K - 1`` ('full'). The dtype is numpy's promotion
        of the inputs (integers stay exact).

    Raises
    ------
    TypeError
        If an input is not numeric or ``mode`` is not a string.
    ValueError
        If an input is not 1D or is empty, or ``mode`` is unknown.

    Notes
    -----
    Chapter 1. Cross-correlation is not commutative: in 'full' and 'valid'
    mode ``correlate1d(x, w)`` is ``correlate1d(w, x)`` reversed.

    Examples
    --------
    >>> correlate1d([1, 2, 3, 4], [1, 0, -1])
    array([-2, -2])
    """
    return _run(signal, kernel, mode, 1, correlate=True)


def convolve1d(signal, kernel, mode="valid"):
    """True convolution of two 1D sequences: flip ``kernel``, then slide it.

    ``y[n] = sum_m x[n - m] w[m]``; equal to
    ``correlate1d(signal, flip(kernel))`` and to
    ``numpy.convolve(signal, kernel, mode)``.

    Parameters
    ----------
    signal : array_like, shape (M,)
    kernel : array_like, shape (K,)
    mode : {'valid', 'same', 'full'}, default 'valid'

    Returns
    -------
    numpy.ndarray, shape (L,)
        As in :func:`correlate1d`.

    Raises
    ------
    TypeError, ValueError
        As :func:`correlate1d`.

    Notes
    -----
    Chapter 1. Convolution is commutative: ``convolve1d(x, w, mode)`` equals
    ``convolve1d(w, x, mode)`` in every mode.

    Examples
    --------
    >>> convolve1d([1, 2, 3, 4], [1, 0, -1])
    array([2, 2])
    """
    return _run(signal, kernel, mode, 1, correlate=False)


def correlate2d(image, kernel, mode="valid"):
    """Cross-correlation of a single-channel image with a 2D kernel.

    ``y[i, j] = sum_{u, v} x[i + u, j + v] w[u, v]`` in ``'valid'`` mode,
    which is ``torch.nn.functional.conv2d`` for one channel; all three modes
    equal ``scipy.signal.correlate2d(image, kernel, mode)``.

    Parameters
    ----------
    image : array_like, shape (H, W)
    kernel : array_like, shape (kH, kW)
    mode : {'valid', 'same', 'full'}, default 'valid'
        'same' keeps the image's shape ``(H, W)``.

    Returns
    -------
    numpy.ndarray
        ``(H - kH + 1, W - kW + 1)`` in 'valid' mode for a kernel no larger
        than the image, ``(H, W)`` in 'same', ``(H + kH - 1, W + kW - 1)`` in
        'full'.

    Raises
    ------
    TypeError
        If an input is not numeric or ``mode`` is not a string.
    ValueError
        If an input is not 2D or is empty, ``mode`` is unknown, or in 'valid'
        mode neither array is at least as large as the other in both
        dimensions.

    Notes
    -----
    Chapter 1 (and chapter 2's single-channel worked example).

    Examples
    --------
    >>> correlate2d([[1, 2, 3], [4, 5, 6], [7, 8, 9]], [[1, 0], [0, -1]])
    array([[-4, -4],
           [-4, -4]])
    """
    return _run(image, kernel, mode, 2, correlate=True)


def convolve2d(image, kernel, mode="valid"):
    """True 2D convolution: rotate ``kernel`` by 180 degrees, then slide it.

    ``y[i, j] = sum_{u, v} x[i - u, j - v] w[u, v]``; equal to
    ``correlate2d(image, flip(kernel))`` in 'valid' and 'full' modes and to
    ``scipy.signal.convolve2d(image, kernel, mode)`` in all three.

    Parameters
    ----------
    image : array_like, shape (H, W)
    kernel : array_like, shape (kH, kW)
    mode : {'valid', 'same', 'full'}, default 'valid'

    Returns
    -------
    numpy.ndarray
        Shapes as in :func:`correlate2d`.

    Raises
    ------
    TypeError, ValueError
        As :func:`correlate2d`.

    Notes
    -----
    Chapter 1. In 'same' mode with an even kernel, ``convolve2d(x, w)`` and
    ``correlate2d(x, flip(w))`` differ by a one-pixel shift (scipy's
    convention, see the module notes).

    Examples
    --------
    >>> convolve2d([[1, 2, 3], [4, 5, 6], [7, 8, 9]], [[1, 0], [0, -1]])
    array([[4, 4],
           [4, 4]])
    """
    return _run(image, kernel, mode, 2, correlate=False)


def correlate1d_naive(signal, kernel, mode="valid"):
    """Loop reference for :func:`correlate1d`: the definition, one output at a time.

    Parameters
    ----------
    signal, kernel, mode
        As in :func:`correlate1d`.

    Returns
    -------
    numpy.ndarray
        Equal to ``correlate1d(signal, kernel, mode)``.
    """
    return _run(signal, kernel, mode, 1, correlate=True, naive=True)


def convolve1d_naive(signal, kernel, mode="valid"):
    """Loop reference for :func:`convolve1d`.

    Written with the flip explicit, ``y[n] = sum_m x[n - m] w[m]``, rather
    than through the correlation.

    Parameters
    ----------
    signal, kernel, mode
        As in :func:`convolve1d`.

    Returns
    -------
    numpy.ndarray
        Equal to ``convolve1d(signal, kernel, mode)``.
    """
    return _run(signal, kernel, mode, 1, correlate=False, naive=True)


def correlate2d_naive(image, kernel, mode="valid"):
    """Loop reference for :func:`correlate2d`: the definition, one output at a time.

    Parameters
    ----------
    image, kernel, mode
        As in :func:`correlate2d`.

    Returns
    -------
    numpy.ndarray
        Equal to ``correlate2d(image, kernel, mode)``.
    """
    return _run(image, kernel, mode, 2, correlate=True, naive=True)


def convolve2d_naive(image, kernel, mode="valid"):
    """Loop reference for :func:`convolve2d`, with the flip written out.

    ``y[i, j] = sum_{u, v} x[i - u, j - v] w[u, v]`` on the 'full' grid,
    then the mode's slice.

    Parameters
    ----------
    image, kernel, mode
        As in :func:`convolve2d`.

    Returns
    -------
    numpy.ndarray
        Equal to ``convolve2d(image, kernel, mode)``.
    """
    return _run(image, kernel, mode, 2, correlate=False, naive=True)

"""Padding modes: what goes around the border before a convolution (chapter 3).

``pad`` mirrors ``torch.nn.functional.pad`` and ``padded_conv2d`` mirrors
``torch.nn.Conv2d``'s ``padding_mode``: ``F.conv2d`` itself only pads with
zeros, so ``nn.Conv2d`` with ``padding_mode='reflect'`` (or ``'replicate'``,
``'circular'``) first calls ``F.pad`` and then convolves with ``padding=0``.
That is what ``padded_conv2d`` does too.

On the row ``[a, b, c, d]`` padded by two on each side:

========== ==============================
constant   ``0 0 | a b c d | 0 0``
reflect    ``c b | a b c d | c b`` (the edge is not repeated)
replicate  ``a a | a b c d | d d``
circular   ``c d | a b c d | a b`` (wrap around, as on a torus)
========== ==============================
"""

from __future__ import annotations

import numbers

import numpy as np

from ._params import conv_args
from ._validation import as_array, is_int
from .conv import conv2d

__all__ = ["pad", "pad_naive", "padded_conv2d"]

_MODES = ("constant", "reflect", "replicate", "circular")
_NUMPY_MODE = {"reflect": "reflect", "replicate": "edge", "circular": "wrap"}
_PADDING_MODES = ("zeros", "reflect", "replicate", "circular")


def _check_pad(pad, ndim: int) -> list[tuple[int, int]]:
    """Turn PyTorch's flat, last-axis-first ``pad`` into numpy's per-axis pairs."""
    if not isinstance(pad, (tuple, list)) or not all(is_int(p) for p in pad):
        raise TypeError(f"pad must be a tuple of ints, got {pad!r}")
    if len(pad) % 2:
        raise ValueError(f"pad must have an even number of values (before, after pairs), "
                         f"got {len(pad)}")
    if len(pad) // 2 > ndim:
        raise ValueError(
            f"pad has {len(pad)} values, so pads {len(pad) // 2} dimensions, but input "
            f"has only {ndim}"
        )
    pairs = [(0, 0)] * ndim
    for i in range(len(pad) // 2):
        pairs[ndim - 1 - i] = (int(pad[2 * i]), int(pad[2 * i + 1]))  # last axis first
    return pairs


def _parse(input, pad_arg, mode, value):
    """Validate like ``F.pad``; return the array, per-axis pairs, mode and fill value."""
    x = as_array(input, "input")
    if not isinstance(mode, str):
        raise TypeError(f"mode must be a string, got {mode!r}")
    if mode not in _MODES:
        raise ValueError(
            f"mode must be one of {', '.join(repr(m) for m in _MODES)}, got {mode!r}"
            + (" (nn.Conv2d calls it padding_mode='zeros'; F.pad calls it 'constant')"
               if mode == "zeros" else "")
        )
    pairs = _check_pad(pad_arg, x.ndim)
    if mode == "constant":
        if value is None:
            value = 0
        elif not isinstance(value, numbers.Real) or isinstance(value, bool):
            raise TypeError(f"value must be a number, got {value!r}")
        for axis, (before, after) in enumerate(pairs):
            if x.shape[axis] + min(before, 0) + min(after, 0) < 0:
                raise ValueError(
                    f"pad ({before}, {after}) crops more than the {x.shape[axis]} entries "
                    f"of input dimension {axis}"
                )
        return x, pairs, mode, value

    if value is not None and not (isinstance(value, numbers.Real) and value == 0):
        # PyTorch lets value=0 (its old default) through with any mode
        raise ValueError(f"value is only used with mode='constant', not mode={mode!r}")
    n_padded = len(pad_arg) // 2
    if n_padded not in (1, 2, 3) or x.ndim not in (n_padded + 1, n_padded + 2):
        raise ValueError(
            f"mode={mode!r} pads the last 1, 2 or 3 dimensions of a (batched or unbatched) "
            f"input with channels: a pad of {2 * n_padded} values needs a "
            f"{n_padded + 1}D or {n_padded + 2}D input, got shape {x.shape}"
        )
    # As F.pad: the batch axis may be empty; so may the channel axis for
    # 'circular'; the padded axes may not.
    first_nonempty = x.ndim - n_padded if mode == "circular" else x.ndim - n_padded - 1
    if 0 in x.shape[first_nonempty:]:
        what = "spatial" if mode == "circular" else "channel and spatial"
        raise ValueError(f"input must have non-zero {what} sizes for mode={mode!r}, "
                         f"got shape {x.shape}")
    for axis in range(x.ndim - n_padded, x.ndim):
        before, after = pairs[axis]
        size = x.shape[axis]
        if size + before + after < 1:
            raise ValueError(f"pad ({before}, {after}) leaves nothing of the {size} entries "
                             f"of input dimension {axis}")
        widest = max(before, after)
        if mode == "reflect" and widest >= size:
            raise ValueError(
                f"pad ({before}, {after}) for mode='reflect' must be smaller than the "
                f"input size {size} along dimension {axis}"
            )
        if mode == "circular":
            if widest > size:
                raise ValueError(
                    f"pad ({before}, {after}) for mode='circular' must not exceed the input "
                    f"size {size} along dimension {axis} (it would wrap around more than once)"
                )
            # circular crops first, then wraps what is left
            kept = size + min(before, 0) + min(after, 0)
            if kept < 1:
                raise ValueError(f"pad ({before}, {after}) crops all {size} entries of input "
                                 f"dimension {axis}")
            if widest > kept:
                raise ValueError(
                    f"pad ({before}, {after}) for mode='circular' must not exceed the "
                    f"{kept} entries left after cropping dimension {axis} (it would wrap "
                    f"around more than once)"
                )
    return x, pairs, mode, None if mode != "constant" else value


def _crop(x: np.ndarray, pairs):
    """Apply the negative pads (crops) and return the rest as non-negative pairs."""
    index = tuple(slice(-min(b, 0), x.shape[axis] + min(a, 0))
                  for axis, (b, a) in enumerate(pairs))
    return x[index], [(max(b, 0), max(a, 0)) for b, a in pairs]


def _pad_then_crop(x: np.ndarray, pairs, numpy_mode: str) -> np.ndarray:
    """Pad with the positive amounts, then apply the negative ones (crops)."""
    padded = np.pad(x, [(max(b, 0), max(a, 0)) for b, a in pairs], mode=numpy_mode)
    return np.ascontiguousarray(_crop(padded, pairs)[0])


def pad(input, pad, mode="constant", value=None):
    """Pad an array like ``torch.nn.functional.pad``.

    Parameters
    ----------
    input : array_like
        Any shape for ``mode='constant'``. The other modes pad the last 1, 2
        or 3 dimensions of an input that also has a channel axis (and maybe a
        batch axis): ``(C, W)`` or ``(N, C, W)`` with a 2-value ``pad``,
        ``(C, H, W)`` or ``(N, C, H, W)`` with 4 values, ``(C, D, H, W)`` or
        ``(N, C, D, H, W)`` with 6.
    pad : tuple of int
        ``(left, right)`` for the last dimension, then ``(top, bottom)`` for
        the one before, then ``(front, back)``: **last dimension first**, the
        reverse of numpy's order. Negative values crop.
    mode : {'constant', 'reflect', 'replicate', 'circular'}, default 'constant'
    value : float, optional
        Fill value of ``'constant'`` (0 if None); cast to the input's dtype.
        The other modes accept only None or 0, as PyTorch does.

    Returns
    -------
    numpy.ndarray
        The padded array, same dtype as ``input``.

    Raises
    ------
    TypeError
        If ``pad`` is not a tuple of ints, ``mode`` not a string or ``value``
        not a number.
    ValueError
        An odd-length ``pad``, more padded dimensions than ``input`` has, an
        unknown ``mode``, a ``value`` with a mode other than 'constant', an
        input rank the mode does not support, a reflect pad not smaller than
        the input size, a circular pad larger than the input size, or a crop
        that removes everything.

    Notes
    -----
    Chapter 3 (*Convolution arithmetic*, padding modes). Negative pads crop,
    in PyTorch's order: 'constant' and 'circular' crop first and pad what is
    left, 'reflect' and 'replicate' pad first and then crop (the two orders
    differ only when a crop reaches into the other side's padding).
    Deliberate differences where PyTorch is unreliable: the non-constant
    modes refuse pads that leave a dimension empty (PyTorch refuses, returns
    an empty array or, for 'circular', uninitialised values), and 'circular'
    refuses a pad wider than what its crop leaves (PyTorch wraps, refuses
    or returns uninitialised values depending on the memory layout).

    Examples
    --------
    >>> row = np.array([[1, 2, 3, 4]])  # (C, W)
    >>> pad(row, (2, 2), mode="reflect")
    array([[3, 2, 1, 2, 3, 4, 3, 2]])
    >>> pad(row, (1, 0), value=9)
    array([[9, 1, 2, 3, 4]])
    """
    x, pairs, mode, value = _parse(input, pad, mode, value)
    if mode in ("reflect", "replicate"):
        return _pad_then_crop(x, pairs, _NUMPY_MODE[mode])
    x, pairs = _crop(x, pairs)
    if mode == "constant":
        # a fill value is cast to the input's dtype (2.5 becomes 2), as torch does
        return np.pad(x, pairs, mode="constant", constant_values=np.array(value).astype(x.dtype))
    return np.pad(x, pairs, mode=_NUMPY_MODE[mode])


def _source_index(i: int, before: int, size: int, mode: str) -> int | None:
    """Which input entry lands at padded position ``i`` along one axis (None: the fill)."""
    j = i - before  # position relative to the first input entry
    if 0 <= j < size:
        return j
    if mode == "constant":
        return None
    if mode == "replicate":
        return 0 if j < 0 else size - 1
    if mode == "circular":
        return j % size
    # reflect about the first and last entries without repeating them
    return -j if j < 0 else 2 * (size - 1) - j


def pad_naive(input, pad, mode="constant", value=None):
    """Loop reference for :func:`pad`: each output entry looks up its source entry.

    Parameters
    ----------
    input : array_like
    pad : tuple of int
        Last dimension first, as in :func:`pad`.
    mode : {'constant', 'reflect', 'replicate', 'circular'}, default 'constant'
    value : float, optional

    Returns
    -------
    numpy.ndarray
        Equal to ``pad(input, pad, mode, value)``.
    """
    x, pairs, mode, value = _parse(input, pad, mode, value)
    if mode in ("constant", "circular"):
        x, pairs = _crop(x, pairs)  # otherwise positions are measured on the whole input
    out_shape = tuple(s + b + a for s, (b, a) in zip(x.shape, pairs))
    out = np.empty(out_shape, dtype=x.dtype)
    for index in np.ndindex(out_shape):
        source = [_source_index(i, b, s, mode) for i, (b, _), s in zip(index, pairs, x.shape)]
        out[index] = value if None in source else x[tuple(source)]
    return out


def padded_conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1,
                  padding_mode="zeros"):
    """2D convolution with ``torch.nn.Conv2d``'s ``padding_mode``.

    ``'zeros'`` is ``conv2d(..., padding=padding)``; the other modes pad with
    :func:`pad` first (``padding`` rows above and below, columns left and
    right, or PyTorch's ``'same'`` split) and then convolve with
    ``padding=0``, exactly as ``nn.Conv2d.forward`` does.

    Parameters
    ----------
    input : array_like, shape (N, C_in, H, W) or (C_in, H, W)
    weight : array_like, shape (C_out, C_in / groups, kH, kW)
    bias : array_like, shape (C_out,), optional
    stride, padding, dilation, groups
        As in :func:`convkit.conv.conv2d`; ``padding`` may be an int, a pair
        ``(pH, pW)``, ``'valid'`` or ``'same'`` (stride 1 only).
    padding_mode : {'zeros', 'reflect', 'replicate', 'circular'}, default 'zeros'

    Returns
    -------
    numpy.ndarray, shape (N, C_out, H_out, W_out) or (C_out, H_out, W_out)
        ``H_out`` from :func:`convkit.sizes.conv_output_size`: the mode
        changes the values near the border, never the shape.

    Raises
    ------
    TypeError, ValueError
        As :func:`convkit.conv.conv2d`, plus a ``padding_mode`` that is not
        a string (``TypeError``) or not one of the four (``ValueError``) and
        the limits of :func:`pad` (a reflect padding must be smaller than
        the input).

    Notes
    -----
    Chapter 3. With ``'circular'`` padding the image behaves like a torus,
    which is what a convolution computed with the FFT does.

    Examples
    --------
    >>> x = np.arange(9.0).reshape(1, 3, 3)
    >>> w = np.ones((1, 1, 1, 3))
    >>> padded_conv2d(x, w, padding=(0, 1), padding_mode="circular")[0, 0]
    array([3., 3., 3.])
    """
    if not isinstance(padding_mode, str):
        raise TypeError(f"padding_mode must be a string, got {padding_mode!r}")
    if padding_mode not in _PADDING_MODES:
        raise ValueError(
            f"padding_mode must be one of {', '.join(repr(m) for m in _PADDING_MODES)}, "
            f"got {padding_mode!r}"
        )
    if padding_mode == "zeros":
        return conv2d(input, weight, bias, stride, padding, dilation, groups)

    # Every check of conv2d, and its padding per side, before pad sees the input.
    args = conv_args(input, weight, bias, stride, padding, dilation, groups, 2, "conv2d")
    (top, left), (bottom, right) = args.pad_before, args.pad_after
    padded = pad(args.input, (left, right, top, bottom), mode=padding_mode)  # (N, C_in, H_p, W_p)
    out = conv2d(padded, args.weight, args.bias, args.stride, 0, args.dilation, args.groups)
    return out[0] if args.unbatched else out

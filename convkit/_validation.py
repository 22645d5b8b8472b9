"""Argument checks shared by every public convkit function.

Each check raises ``TypeError`` (wrong kind of value) or ``ValueError`` (right
kind, wrong value) with a short sentence that names the argument and the rule,
in the spirit of PyTorch's own messages. Nothing here is public API.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

__all__ = [
    "as_array",
    "result_dtype",
    "to_tuple",
    "check_groups",
    "split_batch",
    "conv_operands",
    "check_bias",
    "cast_to_result",
]

_ALLOWED_KINDS = "iuf"  # signed int, unsigned int, float


def as_array(value: Any, name: str) -> np.ndarray:
    """Return ``value`` as a numeric ndarray, or raise a ``TypeError`` naming ``name``.

    Accepts anything ``np.asarray`` accepts (lists, numpy arrays, CPU torch
    tensors). Booleans, complex numbers, strings and objects are refused.
    """
    if value is None:
        raise TypeError(f"{name} must be an array, got None")
    try:
        array = np.asarray(value)
    except (TypeError, ValueError, RuntimeError) as exc:  # ragged lists, GPU tensors
        raise TypeError(f"{name} must be convertible to a numpy array ({exc})") from None
    if array.dtype.kind not in _ALLOWED_KINDS:
        raise TypeError(
            f"{name} must hold integers or floats, got dtype {array.dtype}"
        )
    return array


def result_dtype(*arrays: np.ndarray | None) -> np.dtype:
    """The dtype of an operation's result: numpy's promotion of the operands.

    float32 with float32 stays float32, float64 stays float64, integers stay
    integers (so the course's integer examples are computed exactly).
    """
    return np.result_type(*[a for a in arrays if a is not None])


def _is_int(value: Any) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_))


def to_tuple(value: Any, n: int, name: str, minimum: int | None = None) -> tuple[int, ...]:
    """Expand an int or a length-``n`` sequence of ints into an ``n``-tuple.

    Parameters
    ----------
    value : int or sequence of int
        What the caller passed, e.g. ``stride=2`` or ``stride=(2, 1)``.
    n : int
        Number of spatial dimensions.
    name : str
        Argument name used in error messages.
    minimum : int, optional
        Smallest allowed entry (1 for stride and dilation, 0 for padding).
    """
    if _is_int(value):
        values = (int(value),) * n
    elif isinstance(value, (tuple, list)) and all(_is_int(v) for v in value):
        if len(value) == 1:
            values = (int(value[0]),) * n
        elif len(value) == n:
            values = tuple(int(v) for v in value)
        else:
            raise ValueError(
                f"{name} must be an int or a tuple of {n} ints, got {len(value)} values"
            )
    else:
        raise TypeError(f"{name} must be an int or a tuple of {n} ints, got {value!r}")
    if minimum is not None and any(v < minimum for v in values):
        rule = "positive" if minimum == 1 else f"at least {minimum}"
        raise ValueError(f"{name} must be {rule}, got {value!r}")
    return values


def check_groups(groups: Any, in_channels: int, out_channels: int) -> int:
    """Check ``groups`` against the channel counts and return it as an int."""
    if not _is_int(groups):
        raise TypeError(f"groups must be an int, got {groups!r}")
    groups = int(groups)
    if groups < 1:
        raise ValueError(f"groups must be positive, got {groups}")
    if in_channels % groups:
        raise ValueError(
            f"in_channels ({in_channels}) must be divisible by groups ({groups})"
        )
    if out_channels % groups:
        raise ValueError(
            f"out_channels ({out_channels}) must be divisible by groups ({groups})"
        )
    return groups


def split_batch(input: np.ndarray, n_spatial: int, name: str = "input") -> tuple[np.ndarray, bool]:
    """Give ``input`` a batch axis if it has none.

    Returns ``(batched, was_unbatched)`` where ``batched`` has shape
    ``(N, C, *spatial)``. ``input`` must have ``n_spatial + 1`` (unbatched) or
    ``n_spatial + 2`` (batched) dimensions.
    """
    if input.ndim == n_spatial + 2:
        return input, False
    if input.ndim == n_spatial + 1:
        return input[np.newaxis], True  # (1, C, *spatial)
    raise ValueError(
        f"{name} must be {n_spatial + 1}D (unbatched) or {n_spatial + 2}D (batched) "
        f"for a {n_spatial}D convolution, got shape {input.shape}"
    )


def conv_operands(
    input: Any, weight: Any, bias: Any, n: int, fname: str, weight_channels: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, bool]:
    """Convert and check the arrays of an ``n``-D convolution or transposed convolution.

    The checks every convolution makes before it looks at channels, in this
    order: each array is numeric, ``weight`` has ``n + 2`` dimensions and no
    empty axis, ``input`` has ``n + 1`` or ``n + 2`` dimensions and non-zero
    channel and spatial sizes.

    Parameters
    ----------
    input, weight, bias : array_like
        What the caller passed; ``bias`` may be None.
    n : int
        Number of spatial dimensions.
    fname : str
        Name of the public function, used in the weight-rank message.
    weight_channels : str
        The weight's two channel axes as the message spells them:
        ``"C_out, C_in/groups"`` for a convolution, ``"C_in, C_out/groups"``
        for a transposed one.

    Returns
    -------
    tuple
        ``(x, weight, bias, unbatched)``: ``x`` of shape ``(N, C, *spatial)``
        (a batch axis added if the input had none), the weight and bias as
        ndarrays (bias None if not given), and whether the input was unbatched.
    """
    input = as_array(input, "input")
    weight = as_array(weight, "weight")
    if bias is not None:
        bias = as_array(bias, "bias")
    if weight.ndim != n + 2:
        raise ValueError(
            f"weight of {fname} must be {n + 2}D ({weight_channels}"
            f"{', k' * n}), got shape {weight.shape}"
        )
    if 0 in weight.shape:
        raise ValueError(f"weight must not be empty, got shape {weight.shape}")
    x, unbatched = split_batch(input, n, "input")
    if 0 in x.shape[1:]:
        raise ValueError(
            f"input must have non-zero channel and spatial sizes, got shape {input.shape}"
        )
    return x, weight, bias, unbatched


def check_bias(bias: np.ndarray | None, out_channels: int) -> None:
    """Check that ``bias`` (if given) holds one value per output channel."""
    if bias is not None and bias.shape != (out_channels,):
        raise ValueError(
            f"bias must have shape ({out_channels},), one value per output channel, "
            f"got shape {bias.shape}"
        )


def cast_to_result(*arrays: np.ndarray | None) -> tuple[np.ndarray | None, ...]:
    """The operands converted (without copying when possible) to :func:`result_dtype`.

    ``None`` entries (a missing bias) stay ``None``.
    """
    dtype = result_dtype(*arrays)
    return tuple(None if a is None else a.astype(dtype, copy=False) for a in arrays)

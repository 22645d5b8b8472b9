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

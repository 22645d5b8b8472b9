"""Argument checks shared by every public convkit function.

Each check raises ``TypeError`` (wrong kind of value) or ``ValueError`` (right
kind, wrong value) with a short sentence that names the argument and the rule,
in the spirit of PyTorch's own messages. Nothing here is public API.
"""

from __future__ import annotations

import contextlib
import numbers
import re
from collections import abc
from typing import Any

import numpy as np

__all__ = [
    "as_array",
    "as_nd_array",
    "result_dtype",
    "is_int",
    "check_int",
    "check_ints",
    "check_colors",
    "check_real",
    "to_tuple",
    "axis_count",
    "to_tuples",
    "check_shape",
    "check_groups",
    "split_batch",
    "conv_operands",
    "check_bias",
    "cast_to_result",
    "finish",
    "renamed",
    "check_layers",
]

_ALLOWED_KINDS = "iuf"  # signed int, unsigned int, float


def as_array(value: Any, name: str) -> np.ndarray:
    """Return ``value`` (a list, array, CPU tensor ...) as an int or float ndarray, or raise."""
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


def as_nd_array(value: Any, name: str, axes: str, nonempty: bool = False) -> np.ndarray:
    """:func:`as_array`, then a ``ValueError`` unless the array has one axis per name in ``axes``.

    ``axes`` names the axes as the message spells them, e.g. ``"H, W"``:
    "image must be 2D (H, W), got shape (3,)". With ``nonempty`` an array
    with no element is refused too.
    """
    array = as_array(value, name)
    names = [a.strip() for a in axes.split(",")]
    if array.ndim != len(names) or (nonempty and array.size == 0):
        layout = f"({names[0]},)" if len(names) == 1 else f"({', '.join(names)})"
        kind = "a non-empty " if nonempty else ""
        raise ValueError(f"{name} must be {kind}{len(names)}D {layout}, got shape {array.shape}")
    return array


def result_dtype(*arrays: np.ndarray | None) -> np.dtype:
    """numpy's promotion of the operands (not None): integers stay exact, float32 stays float32."""
    return np.result_type(*[a for a in arrays if a is not None])


def is_int(value: Any) -> bool:
    """True for Python and numpy integers; False for bools (which are ints to Python)."""
    if type(value) is int:  # the common case, without the slower abstract-class check
        return True
    return isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_))


def check_int(value: Any, name: str, minimum: int | None = None) -> int:
    """Return an integer (numpy's too, not a bool) as an int, or raise naming ``name``."""
    if not is_int(value):
        raise TypeError(f"{name} must be an int, got {value!r}")
    if minimum is not None and value < minimum:
        rule = "positive" if minimum == 1 else f"at least {minimum}"
        raise ValueError(f"{name} must be {rule}, got {value!r}")
    return int(value)


def check_ints(values: Any, name: str, minimum: int | None = None) -> tuple[int, ...]:
    """Return a sequence of integers as a tuple of ints, each checked as ``name[i]``."""
    if isinstance(values, (str, bytes)) or not isinstance(values, abc.Sequence):
        raise TypeError(f"{name} must be a sequence of ints, got {values!r}")
    return tuple(check_int(v, f"{name}[{i}]", minimum) for i, v in enumerate(values))


def check_real(value: Any, name: str, minimum: float | None = None, strict: bool = False) -> float:
    """Return a real number (not a bool) as a float, at least (``strict``: above) ``minimum``.

    NaN fails every minimum.
    """
    if not isinstance(value, numbers.Real) or isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be a real number, got {value!r}")
    if minimum is not None and not (value > minimum if strict else value >= minimum):
        if minimum == 0:
            rule = "positive" if strict else "non-negative"
        else:
            rule = f"greater than {minimum}" if strict else f"at least {minimum}"
        raise ValueError(f"{name} must be {rule}, got {value!r}")
    return float(value)


def check_colors(colors: Any) -> int | None:
    """Check a palette size for a GIF or PNG: None, or an int from 2 to 256."""
    if colors is not None and not 2 <= check_int(colors, "colors") <= 256:
        raise ValueError(f"colors must be None or an int from 2 to 256, got {colors!r}")
    return colors


def to_tuple(value: Any, n: int, name: str, minimum: int | None = None) -> tuple[int, ...]:
    """Expand an int or a length-``n`` sequence of ints into an ``n``-tuple, naming ``name``.

    A sequence of one value counts for every axis, as in PyTorch; each entry
    must be at least ``minimum`` (1 for stride and dilation, 0 for padding).
    """
    if is_int(value):
        values = (value,) * n
    elif isinstance(value, (tuple, list)) and all(is_int(v) for v in value):
        if len(value) == 0:
            raise ValueError(f"{name} must hold at least one value, got {value!r}")
        if len(value) == 1:
            values = tuple(value) * n
        elif len(value) == n:
            values = tuple(value)
        else:
            raise ValueError(
                f"{name} must be an int or a tuple of {n} ints, got {len(value)} values"
            )
    else:
        raise TypeError(f"{name} must be an int or a tuple of {n} ints, got {value!r}")
    if minimum is not None and any(v < minimum for v in values):
        rule = "positive" if minimum == 1 else f"at least {minimum}"
        raise ValueError(f"{name} must be {rule}, got {value!r}")
    return tuple(int(v) for v in values)


def axis_count(default: int = 1, **named: Any) -> int:
    """Number of spatial axes implied by the tuple-valued arguments ``named``.

    A 1-tuple broadcasts against longer tuples (as in PyTorch); on its own it
    means one axis. Without tuples the count is ``default``.
    """
    tuples = {name: len(v) for name, v in named.items() if isinstance(v, (tuple, list))}
    longer = {name: n for name, n in tuples.items() if n != 1}
    if len(set(longer.values())) > 1:
        described = " and ".join(f"{name} ({n} values)" for name, n in longer.items())
        raise ValueError(f"tuple arguments must have the same length, got {described}")
    if longer:
        return next(iter(longer.values()))
    return 1 if tuples else default


_MAY_BE_ZERO = ("padding", "output_padding")  # every other size argument must be positive


def to_tuples(**named: Any) -> tuple[list[tuple[int, ...]], bool]:
    """:func:`to_tuple` of each argument on :func:`axis_count` axes; and whether any was a tuple.

    Entries of ``padding`` and ``output_padding`` may be 0; all others must be positive.
    """
    n = axis_count(**named)
    tuples = [to_tuple(v, n, name, 0 if name in _MAY_BE_ZERO else 1) for name, v in named.items()]
    return tuples, any(isinstance(v, (tuple, list)) for v in named.values())


def check_shape(value: Any, name: str, axes: str) -> tuple[int, ...]:
    """Return a shape of positive ints, one per name in ``axes`` (e.g. ``"N, C_in, H, W"``)."""
    length = len(axes.split(","))
    if not isinstance(value, (tuple, list)):  # a torch.Size is a tuple
        raise TypeError(f"{name} must be a tuple of {length} ints ({axes}), got {value!r}")
    if len(value) != length:
        raise ValueError(f"{name} must hold {length} ints ({axes}), got {value!r}")
    return tuple(check_int(v, f"{name}[{i}]", minimum=1) for i, v in enumerate(value))


def check_groups(groups: Any, in_channels: int, out_channels: int) -> int:
    """Check ``groups`` against the channel counts and return it as an int."""
    groups = check_int(groups, "groups", minimum=1)
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
    """Return ``(input as (N, C, *spatial), whether it had no batch axis)``, or raise."""
    if input.ndim == n_spatial + 2:
        return input, False
    if input.ndim == n_spatial + 1:
        return input[np.newaxis], True  # (1, C, *spatial)
    raise ValueError(
        f"{name} must be {n_spatial + 1}D (unbatched) or {n_spatial + 2}D (batched), "
        f"with {n_spatial} spatial axes, got shape {input.shape}"
    )


def conv_operands(
    input: Any, weight: Any, bias: Any, n: int, fname: str, weight_channels: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, bool]:
    """Convert and check the arrays of an ``n``-D convolution or transposed convolution.

    The checks made before channels are compared: numeric arrays, a weight
    of ``n + 2`` dimensions without an empty axis (``fname`` and
    ``weight_channels``, e.g. ``"C_out, C_in/groups"``, spell the message),
    an input of ``n + 1`` or ``n + 2`` dimensions with non-zero channel and
    spatial sizes. Returns ``(x, weight, bias, unbatched)``, ``x`` batched.
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
    """The operands in :func:`result_dtype`, copied only if needed; a None (no bias) stays None."""
    dtype = result_dtype(*arrays)
    return tuple(None if a is None else a.astype(dtype, copy=False) for a in arrays)


def finish(out: np.ndarray, bias: np.ndarray | None, unbatched: bool) -> np.ndarray:
    """The last step of a convolution: add ``bias`` per channel, drop an unbatched call's axis."""
    if bias is not None:
        out += bias.reshape((-1,) + (1,) * (out.ndim - 2))  # (C_out, 1, ..., 1)
    return out[0] if unbatched else out


@contextlib.contextmanager
def renamed(**names: str):
    """Let a composite function's errors name its own arguments.

    A composite (``depthwise_separable_conv2d``) trusts the checks of the
    functions it calls, which name their arguments ``weight``, ``bias`` or
    ``input``. Inside ``with renamed(weight="pointwise_weight"):`` a
    ``TypeError`` or ``ValueError`` whose message names ``weight`` (as a
    whole word) is raised again with ``pointwise_weight`` in its place.
    """
    try:
        yield
    except (TypeError, ValueError) as exc:
        message = str(exc)
        for inner, outer in names.items():
            message = re.sub(rf"(?<![\w.]){re.escape(inner)}(?!\w)", outer, message)
        if message == str(exc):
            raise
        raise type(exc)(message) from None


def check_layers(layers: Any) -> list[tuple[int, int, int]]:
    """Check a layer stack as :func:`convkit.receptive_field_table` takes it.

    Returns ``(kernel_size, stride, dilation)`` per layer, dilation 1 if not given.
    """
    if isinstance(layers, (str, bytes)) or not isinstance(layers, abc.Sequence):
        raise TypeError(
            f"layers must be a sequence of (kernel_size, stride[, dilation]) tuples, got {layers!r}"
        )
    checked = []
    for index, layer in enumerate(layers):
        if not isinstance(layer, (tuple, list)) or len(layer) not in (2, 3):
            raise TypeError(
                f"layers[{index}] must be a (kernel_size, stride[, dilation]) tuple, got {layer!r}"
            )
        kernel, stride, dilation = (*layer, 1) if len(layer) == 2 else layer
        checked.append((
            check_int(kernel, f"layers[{index}] kernel_size", 1),
            check_int(stride, f"layers[{index}] stride", 1),
            check_int(dilation, f"layers[{index}] dilation", 1),
        ))
    return checked

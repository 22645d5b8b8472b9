"""Seeded random inputs for the hidden cases of the exercises."""

from __future__ import annotations

from typing import Any

import numpy as np


def ints(rng: np.random.Generator, shape: tuple[int, ...], low: int = -3, high: int = 4) -> np.ndarray:
    """Small integers in ``[low, high)``, as int64, so results are exact."""
    return rng.integers(low, high, size=shape).astype(np.int64)


def floats(rng: np.random.Generator, shape: tuple[int, ...], dtype: Any = np.float64) -> np.ndarray:
    """Standard normal values of the given dtype."""
    return rng.standard_normal(shape).astype(dtype)


def arrays(rng: np.random.Generator, *shapes: tuple[int, ...], dtype: Any = np.float64) -> tuple:
    """One array per shape, drawn in order: ``floats`` of ``dtype``, or ``ints`` for integers."""
    if np.issubdtype(dtype, np.integer):
        return tuple(ints(rng, shape) for shape in shapes)
    return tuple(floats(rng, shape, dtype) for shape in shapes)

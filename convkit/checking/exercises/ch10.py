"""Chapter 10's coding exercises: the full weight of a flattened convolution, and the
unfolding bound on how well any low-rank (CP) filter can do."""

from __future__ import annotations

import numpy as np

from convkit.checking.engine import Case, Diagnosis, Exercise, register_exercise
from convkit.checking.exercises._cases import arrays, floats
from convkit.flattened import flattened_filter


# --- ch10-flattened-weight ----------------------------------------------------------------

def _weight_rows_and_columns_swapped(lateral, vertical, horizontal):
    # the vertical filter laid along the columns, the horizontal along the rows
    return (lateral[:, :, None, None] * horizontal[:, None, :, None]
            * vertical[:, None, None, :])  # (C_out, C_in, kW, kH)


def _weight_cross_sum(lateral, vertical, horizontal):
    # the parallel-branch mistake: column plus row instead of their product
    return lateral[:, :, None, None] * (vertical[:, None, :, None] + horizontal[:, None, None, :])


def _weight_without_lateral(lateral, vertical, horizontal):
    spatial = vertical[:, None, :, None] * horizontal[:, None, None, :]  # (C_out, 1, kH, kW)
    return np.repeat(spatial, lateral.shape[1], axis=1)


def _cases_flattened_weight(rng: np.random.Generator) -> list[Case]:
    return [
        Case(arrays(rng, (2, 3), (2, 3), (2, 3), dtype=np.int64), "small integers, 3x3"),
        Case(arrays(rng, (4, 2), (4, 5), (4, 3)), "kH = 5, kW = 3"),
        Case(arrays(rng, (3, 5), (3, 1), (3, 4)), "kH = 1"),
        Case(arrays(rng, (1, 1), (1, 3), (1, 3)), "one filter, one channel"),
        Case(arrays(rng, (5, 6), (5, 3), (5, 3), dtype=np.float32), "float32"),
    ]


register_exercise(
    Exercise(
        exercise_id="ch10-flattened-weight",
        function_name="flattened_weight",
        arg_names=("lateral", "vertical", "horizontal"),
        reference=flattened_filter,  # (C_out, C_in, kH, kW)
        make_cases=_cases_flattened_weight,
        diagnoses=(
            Diagnosis(
                _weight_rows_and_columns_swapped,
                "the vertical filter must run down the rows (axis kH) and the horizontal one "
                "along the columns (axis kW): your kernel is transposed.",
            ),
            Diagnosis(
                _weight_cross_sum,
                "you added the column and the row: the filters apply one after the other, so "
                "their weights multiply (an outer product), they do not add.",
            ),
            Diagnosis(
                _weight_without_lateral,
                "every input channel got the same k x k kernel: multiply slice c by lateral[o, c].",
            ),
        ),
    )
)


# --- ch10-unfolding-bound -----------------------------------------------------------------

def _unfoldings(weight: np.ndarray) -> list[np.ndarray]:
    c, kh, kw = weight.shape
    return [weight.reshape(c, kh * kw),                     # (C, kH*kW)
            np.swapaxes(weight, 0, 1).reshape(kh, c * kw),  # (kH, C*kW)
            np.moveaxis(weight, 2, 0).reshape(kw, c * kh)]  # (kW, C*kH)


def _tail(matrix: np.ndarray, rank: int) -> float:
    s = np.linalg.svd(matrix, compute_uv=False)
    return float(np.sqrt(np.sum(s[rank:] ** 2)))


def _bound(weight: np.ndarray, rank: int, *, error=_tail, combine=max, unfoldings: int = 3,
           relative: bool = True) -> float:
    """The largest of the unfoldings' errors over the filter's norm; the keywords give mistakes."""
    w = np.asarray(weight, dtype=np.float64)
    bound = combine(error(m, rank) for m in _unfoldings(w)[:unfoldings])
    return bound / float(np.linalg.norm(w)) if relative else bound


def _cases_unfolding_bound(rng: np.random.Generator) -> list[Case]:
    rank1 = flattened_filter(*arrays(rng, (1, 4), (1, 3), (1, 3)))[0]
    smooth = np.outer(np.hanning(5), np.hanning(5)) + 0.5 * floats(rng, (5, 5))
    return [
        Case((floats(rng, (8, 3, 3)), 1), "random 8x3x3, rank 1"),
        Case((floats(rng, (16, 3, 3)), 4), "random 16x3x3, rank 4"),
        Case((floats(rng, (2, 5, 5)), 2), "2 channels of 5x5, rank 2 (a spatial unfolding binds)"),
        Case((rank1 + 0.01 * floats(rng, rank1.shape), 1), "nearly rank 1"),
        Case((smooth[None] * floats(rng, (6, 1, 1)), 1), "one 5x5 pattern scaled per channel"),
        Case((floats(rng, (3, 7, 7)), 3), "3 channels of 7x7, rank 3"),
    ]


register_exercise(
    Exercise(
        exercise_id="ch10-unfolding-bound",
        function_name="unfolding_bound",
        arg_names=("weight", "rank"),
        reference=_bound,
        make_cases=_cases_unfolding_bound,
        diagnoses=(
            Diagnosis(
                lambda w, r: _bound(w, r, relative=False),
                "the error must be relative: divide by the norm of the whole filter.",
            ),
            Diagnosis(
                lambda w, r: _bound(w, r,
                                    error=lambda m, k: np.linalg.svd(m, compute_uv=False)[k]),
                "the error of the best rank-r matrix is the root of the sum of the squares of "
                "all the singular values after the r-th, not just the next one.",
            ),
            Diagnosis(
                lambda w, r: _bound(w, r, combine=min),
                "each unfolding gives a lower bound, so the best bound is the largest of the "
                "three, not the smallest.",
            ),
            Diagnosis(
                lambda w, r: _bound(w, r, unfoldings=1),
                "a rank-r filter has rank at most r in all three unfoldings (channels, rows, "
                "columns): take the largest of the three bounds, not only the channel one.",
            ),
        ),
    )
)

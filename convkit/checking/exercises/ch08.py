"""Chapter 8's coding exercises: filtering with a kernel separated by the SVD."""

from __future__ import annotations

import numpy as np

from convkit import conv2d, low_rank_kernel, spatially_separable
from convkit.checking.engine import Case, Diagnosis, Exercise, register_exercise
from convkit.checking.exercises._cases import arrays, floats, ints


def _correlate(image: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """'valid' cross-correlation of one (H, W) image with one (kH, kW) kernel, in float64."""
    image, kernel = np.asarray(image, dtype=np.float64), np.asarray(kernel, dtype=np.float64)
    # (1, 1, H, W) with (1, 1, kH, kW) -> (1, 1, H_out, W_out)
    return conv2d(image[np.newaxis, np.newaxis], kernel[np.newaxis, np.newaxis])[0, 0]


def _svd(kernel: np.ndarray):
    return np.linalg.svd(np.asarray(kernel, dtype=np.float64))


# --- ch08-separable-filter ----------------------------------------------------------------------


def _rank_one(image, kernel, factors):
    """The image filtered with np.outer(column, row), the pair ``factors(u, s, vt)`` returns."""
    u, s, vt = _svd(kernel)
    return _correlate(image, np.outer(*factors(u, s, vt)))


def _outer(rng: np.random.Generator, kh: int, kw: int) -> np.ndarray:
    """An integer rank-1 kernel, neither factor zero."""
    column = rng.integers(1, 4, size=kh) * rng.choice([-1, 1], size=kh)
    row = rng.integers(1, 4, size=kw) * rng.choice([-1, 1], size=kw)
    return np.outer(column, row).astype(np.int64)


def _cases_separable_filter(rng: np.random.Generator) -> list[Case]:
    gaussian = np.exp(-0.5 * (np.arange(5) - 2.0) ** 2)
    return [
        Case((ints(rng, (6, 7)), np.array(spatially_separable.SOBEL_X)), "the Sobel kernel, integers"),
        Case((ints(rng, (7, 6)), np.array(spatially_separable.SOBEL_X).T), "the other Sobel kernel (its transpose)"),
        Case((ints(rng, (7, 9)), _outer(rng, 3, 5)), "a 3x5 kernel (not square)"),
        Case((floats(rng, (8, 6)), -np.outer([1.0, 2.0, 4.0], [0.5, 1.0, 3.0, -1.0])),
             "a mostly negative 3x4 kernel"),
        Case((floats(rng, (9, 9)), np.outer(gaussian, gaussian)), "a 5x5 Gaussian"),
        Case((floats(rng, (5, 8)), np.array([[1.0, -2.0, 0.5, 3.0]])), "a 1x4 kernel (one row)"),
        Case((floats(rng, (6, 6), np.float32), np.outer([1.0, 0.0, -1.0], [2.0, 1.0, 1.0]).astype(np.float32)),
             "float32"),
    ]


register_exercise(
    Exercise(
        exercise_id="ch08-separable-filter",
        function_name="separable_filter",
        arg_names=("image", "kernel"),
        reference=_correlate,
        make_cases=_cases_separable_filter,
        diagnoses=(
            Diagnosis(
                lambda x, k: _rank_one(x, k, lambda u, s, vt: (u[:, 0], vt[0])),
                "the result is the right picture at the wrong scale: u and v have length 1, so "
                "the kernel is s[0] times their outer product; put the first singular value into "
                "the column (or the row).",
            ),
            Diagnosis(
                lambda x, k: _rank_one(x, k, lambda u, s, vt: (s[0] * vt[0], u[:, 0])),
                "you filtered with the kernel's transpose: the column (applied down the rows) "
                "comes from u, the row (applied along the columns) from vt.",
            ),
            Diagnosis(
                lambda x, k: _rank_one(x, k, lambda u, s, vt: (s[0] * u[:, 0], vt[:, 0])),
                "your row is a column of vt: numpy returns V transposed, so the first right "
                "singular vector is vt[0], the first row of vt.",
            ),
            Diagnosis(
                lambda x, k: _rank_one(x, k, lambda u, s, vt: (s[0] * u[0], vt[0])),
                "your column is a row of u: the first left singular vector is u[:, 0], the first "
                "column of u.",
            ),
            Diagnosis(
                lambda x, k: _correlate(x, np.asarray(k)[::-1, ::-1]),
                "your passes flip the 1D kernels (np.convolve computes a true convolution): "
                "slide them without flipping, as a cross-correlation.",
            ),
        ),
    )
)


# --- ch08-low-rank-filter (stretch) -------------------------------------------------------------


def _ref_low_rank_filter(image: np.ndarray, kernel: np.ndarray, rank: int) -> np.ndarray:
    """``rank`` column-then-row passes add up to the image filtered with the best rank-r kernel."""
    return _correlate(image, low_rank_kernel(kernel, rank))


def _passes(image, kernel, indices, weight=lambda s: s):
    """The image filtered with the SVD terms ``indices``, term i weighted by ``weight(s[i])``."""
    u, s, vt = _svd(kernel)
    return _correlate(image, sum(weight(s[i]) * np.outer(u[:, i], vt[i]) for i in indices))


def _one_term_short(image, kernel, rank):
    if rank < 2:
        raise ValueError("no term left")
    return _passes(image, kernel, range(rank - 1))


def _skipped_first_term(image, kernel, rank):
    if rank >= min(np.shape(kernel)):
        raise ValueError("no such term")
    return _passes(image, kernel, range(1, rank + 1))


def _cases_low_rank_filter(rng: np.random.Generator) -> list[Case]:
    laplacian = np.array([[0, 1, 0], [1, -4, 1], [0, 1, 0]], dtype=np.int64)
    return [
        Case((*arrays(rng, (8, 9), (5, 5)), 2), "a random 5x5 kernel, rank 2"),
        Case((*arrays(rng, (8, 8), (5, 5)), 1), "a random 5x5 kernel, rank 1"),
        Case((*arrays(rng, (7, 7), (4, 4)), 4), "full rank: the kernel itself"),
        Case((ints(rng, (6, 7)), laplacian, 2), "the 3x3 Laplacian (rank 2), integers"),
        Case((*arrays(rng, (9, 10), (3, 5)), 2), "a 3x5 kernel (not square), rank 2"),
        Case((*arrays(rng, (10, 10), (7, 7)), 3), "a random 7x7 kernel, rank 3"),
        Case((*arrays(rng, (8, 8), (5, 5), dtype=np.float32), 3), "float32"),
    ]


register_exercise(
    Exercise(
        exercise_id="ch08-low-rank-filter",
        function_name="low_rank_filter",
        arg_names=("image", "kernel", "rank"),
        reference=_ref_low_rank_filter,
        make_cases=_cases_low_rank_filter,
        diagnoses=(
            Diagnosis(
                lambda x, k, r: _passes(x, k, range(r), weight=lambda s: 1.0),
                "each pass must be weighted by its singular value s[i]: the terms of the SVD are "
                "s[i] times the outer product of u[:, i] and vt[i].",
            ),
            Diagnosis(
                lambda x, k, r: _passes(x, k, range(r), weight=lambda s: s * s),
                "each term is weighted by s[i] squared: put s[i] into the column or the row, not "
                "into both.",
            ),
            Diagnosis(
                _one_term_short,
                "you summed one pass too few: rank r means the r terms i = 0, ..., r - 1.",
            ),
            Diagnosis(
                _skipped_first_term,
                "you skipped the first term: the largest singular value is s[0], so the sum starts "
                "at i = 0.",
            ),
        ),
    )
)

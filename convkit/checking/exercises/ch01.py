"""Chapter 1's coding exercise: true convolution in 1D."""

from __future__ import annotations

import numpy as np

from convkit.checking.engine import Case, Diagnosis, Exercise, register_exercise
from convkit.checking.exercises._cases import floats, ints
from convkit.conv import conv1d


def _ref_convolve1d(signal: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    flipped = np.ascontiguousarray(kernel[::-1])  # true convolution = correlation with the flipped kernel
    return conv1d(signal[np.newaxis], flipped[np.newaxis, np.newaxis])[0]  # (1, L) -> (1, L_out) -> (L_out,)


def _cases_convolve1d(rng: np.random.Generator) -> list[Case]:
    return [
        Case((np.array([1, 2, 3, 4, 5]), np.array([1, 0, -1])), "small integers"),
        Case((ints(rng, (8,)), np.array([2, -1, 0, 3])), "even-length kernel, integers"),
        Case((floats(rng, (11,)), floats(rng, (5,))), "odd lengths"),
        Case((floats(rng, (6,)), floats(rng, (1,))), "kernel of length 1"),
        Case((floats(rng, (4,)), floats(rng, (4,))), "kernel as long as the signal"),
        Case((floats(rng, (9,), np.float32), floats(rng, (2,), np.float32)), "float32"),
    ]


register_exercise(
    Exercise(
        exercise_id="ch01-convolve1d",
        function_name="convolve1d",
        arg_names=("signal", "kernel"),
        reference=_ref_convolve1d,
        make_cases=_cases_convolve1d,
        diagnoses=(
            Diagnosis(
                lambda s, k: np.correlate(s, k, mode="valid"),
                "your result is the cross-correlation: true convolution flips the kernel "
                "(kernel[::-1]) before sliding it along the signal.",
            ),
            Diagnosis(
                lambda s, k: np.convolve(s, k, mode="full"),
                "your result has the 'full' length len(signal) + len(kernel) - 1; "
                "'valid' keeps only the positions where the kernel fits inside the signal.",
            ),
            Diagnosis(
                lambda s, k: np.convolve(s, k, mode="same"),
                "your result has the 'same' length as the signal; 'valid' keeps only the "
                "positions where the kernel fits inside the signal.",
            ),
        ),
    )
)

"""Chapter 5's coding exercise: 1x1 convolution as one matrix multiply."""

from __future__ import annotations

import numpy as np

from convkit.checking.engine import Case, Diagnosis, Exercise, register_exercise
from convkit.checking.exercises._cases import floats, ints
from convkit.conv import conv2d


def _ref_pointwise(input: np.ndarray, weight: np.ndarray) -> np.ndarray:
    # (C_out, C_in) -> (C_out, C_in, 1, 1): a 1x1 convolution
    return conv2d(input, weight[:, :, np.newaxis, np.newaxis])


def _pointwise_transposed_weight(input: np.ndarray, weight: np.ndarray) -> np.ndarray:
    c_in, h, w = input.shape
    return (weight.T @ input.reshape(c_in, h * w)).reshape(-1, h, w)


def _pointwise_pixels_as_rows(input: np.ndarray, weight: np.ndarray) -> np.ndarray:
    c_in, h, w = input.shape
    # the mistake: (C_in, H, W) read as (H*W, C_in) mixes pixels and channels
    return (weight @ input.reshape(h * w, c_in).T).reshape(-1, h, w)


def _cases_pointwise(rng: np.random.Generator) -> list[Case]:
    return [
        Case((ints(rng, (3, 4, 4)), ints(rng, (2, 3))), "small integers"),
        Case((floats(rng, (4, 3, 5)), floats(rng, (4, 4))), "as many output as input channels"),
        Case((floats(rng, (2, 5, 3)), floats(rng, (5, 2))), "more output than input channels"),
        Case((floats(rng, (1, 2, 2)), floats(rng, (3, 1))), "one input channel"),
        Case((floats(rng, (5, 1, 1)), floats(rng, (2, 5))), "a single pixel"),
        Case((floats(rng, (6, 7, 3), np.float32), floats(rng, (4, 6), np.float32)), "float32"),
    ]


register_exercise(
    Exercise(
        exercise_id="ch05-pointwise",
        function_name="pointwise_as_matmul",
        arg_names=("input", "weight"),
        reference=_ref_pointwise,
        make_cases=_cases_pointwise,
        diagnoses=(
            Diagnosis(
                _pointwise_transposed_weight,
                "you used the transposed weight: weight[o, c] multiplies input channel c "
                "into output channel o, so the product is weight @ X with X of shape (C_in, H*W).",
            ),
            Diagnosis(
                _pointwise_pixels_as_rows,
                "the reshape mixes pixels and channels: reshape (C_in, H, W) to (C_in, H*W), "
                "not to (H*W, C_in).",
            ),
        ),
    )
)

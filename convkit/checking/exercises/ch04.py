"""Chapter 4's coding exercise: 3D cross-correlation."""

from __future__ import annotations

import numpy as np

from convkit.checking.engine import Case, Diagnosis, Exercise, register_exercise
from convkit.checking.exercises._cases import floats, ints
from convkit.conv import conv3d


def _ref_conv3d_single(volume: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    # (1, D, H, W) with (1, 1, kD, kH, kW) -> (1, D_out, H_out, W_out) -> (D_out, H_out, W_out)
    return conv3d(volume[np.newaxis], kernel[np.newaxis, np.newaxis])[0]


def _loops_conv3d(volume: np.ndarray, kernel: np.ndarray, flip: bool = False) -> np.ndarray:
    kd, kh, kw = kernel.shape
    if flip:
        kernel = kernel[::-1, ::-1, ::-1]
    out_shape = tuple(v - k + 1 for v, k in zip(volume.shape, kernel.shape))
    out = np.zeros(out_shape)
    for z in range(out_shape[0]):
        for y in range(out_shape[1]):
            for x in range(out_shape[2]):
                out[z, y, x] = np.sum(volume[z : z + kd, y : y + kh, x : x + kw] * kernel)
    return out


def _cases_conv3d(rng: np.random.Generator) -> list[Case]:
    return [
        Case((ints(rng, (4, 4, 4), 0, 4), ints(rng, (2, 2, 2), -2, 3)), "small integers"),
        Case((floats(rng, (5, 6, 7)), floats(rng, (3, 2, 3))), "odd sizes, non-cubic kernel"),
        Case((floats(rng, (3, 4, 2)), floats(rng, (1, 1, 1))), "1x1x1 kernel"),
        Case((floats(rng, (3, 3, 3)), floats(rng, (3, 3, 3))), "kernel as large as the volume"),
        Case((floats(rng, (6, 4, 5)), floats(rng, (1, 3, 3))), "kernel of depth 1"),
        Case((floats(rng, (2, 5, 4), np.float32), floats(rng, (2, 3, 1), np.float32)), "float32"),
    ]


register_exercise(
    Exercise(
        exercise_id="ch04-conv3d",
        function_name="conv3d_single",
        arg_names=("volume", "kernel"),
        reference=_ref_conv3d_single,
        make_cases=_cases_conv3d,
        diagnoses=(
            Diagnosis(
                lambda v, k: _loops_conv3d(v, k, flip=True),
                "you flipped the kernel: the deep-learning 3D convolution is a "
                "cross-correlation, with no flip.",
            ),
        ),
    )
)

"""Chapter 4's coding exercise: 3D cross-correlation."""

from __future__ import annotations

import numpy as np

from convkit.checking.engine import Case, Diagnosis, Exercise, register_exercise
from convkit.checking.exercises._cases import arrays, ints
from convkit.conv import conv3d


def _ref_conv3d_single(volume: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    # (1, D, H, W) with (1, 1, kD, kH, kW) -> (1, D_out, H_out, W_out) -> (D_out, H_out, W_out)
    return conv3d(volume[np.newaxis], kernel[np.newaxis, np.newaxis])[0]


def _every_tap_reads_the_first_block(volume: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """Slice bounds without the tap's offset: volume[:D_out, :H_out, :W_out] for every tap."""
    d_out, h_out, w_out = (v - k + 1 for v, k in zip(volume.shape, kernel.shape))
    return kernel.sum() * volume[:d_out, :h_out, :w_out]


def _cases_conv3d(rng: np.random.Generator) -> list[Case]:
    return [
        Case((ints(rng, (4, 4, 4), 0, 4), ints(rng, (2, 2, 2), -2, 3)), "small integers"),
        Case(arrays(rng, (5, 6, 7), (3, 2, 3)), "odd sizes, non-cubic kernel"),
        Case(arrays(rng, (3, 4, 2), (1, 1, 1)), "1x1x1 kernel"),
        Case(arrays(rng, (3, 3, 3), (3, 3, 3)), "kernel as large as the volume"),
        Case(arrays(rng, (6, 4, 5), (1, 3, 3)), "kernel of depth 1"),
        Case(arrays(rng, (2, 5, 4), (2, 3, 1), dtype=np.float32), "float32"),
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
                lambda v, k: _ref_conv3d_single(v, k[::-1, ::-1, ::-1]),
                "you flipped the kernel: the deep-learning 3D convolution is a "
                "cross-correlation, with no flip.",
            ),
            Diagnosis(
                lambda v, k: _ref_conv3d_single(v, k)[:-1, :-1, :-1],
                "your output is one voxel short along every axis: a kernel of size k fits in "
                "D - k + 1 positions along an axis of length D (off-by-one in the output size "
                "or in the slice bounds).",
            ),
            Diagnosis(
                _every_tap_reads_the_first_block,
                "every tap read the same block: tap (q, m, n) must read the block shifted by "
                "its own offsets, volume[q:q + D_out, m:m + H_out, n:n + W_out].",
            ),
        ),
    )
)


# ---------------------------------------------------------------------------
# Stretch exercise: a multi-channel 3D convolution from 2D convolutions
# ---------------------------------------------------------------------------


def _cases_via_conv2d(rng: np.random.Generator) -> list[Case]:
    return [
        Case(arrays(rng, (2, 4, 5, 5), (3, 2, 2, 3, 3), dtype=np.int64), "integers, 2 channels"),
        Case(arrays(rng, (3, 6, 5, 7), (2, 3, 3, 2, 3)), "odd sizes, non-cubic kernel"),
        Case(arrays(rng, (1, 5, 4, 4), (2, 1, 5, 3, 3)), "kernel as deep as the volume"),
        Case(arrays(rng, (4, 3, 6, 6), (1, 4, 1, 3, 3)), "kernel of depth 1"),
        Case(arrays(rng, (3, 7, 5, 6), (4, 3, 2, 1, 1)), "1x1 in the plane, depth 2"),
        Case(arrays(rng, (2, 5, 6, 5), (3, 2, 3, 3, 2), dtype=np.float32), "float32"),
    ]


def _depth_channel_order_swapped(input: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """Slices stacked (kD, C_in) while the weight is flattened (C_in, kD)."""
    c_out, c_in, kd, kh, kw = weight.shape
    swapped = weight.reshape(c_out, kd, c_in, kh, kw).transpose(0, 2, 1, 3, 4)
    return conv3d(input, np.ascontiguousarray(swapped))


register_exercise(
    Exercise(
        exercise_id="ch04-conv3d-via-conv2d",
        function_name="conv3d_via_conv2d",
        arg_names=("input", "weight"),
        reference=conv3d,  # unbatched: (C_in, D, H, W) -> (C_out, D_out, H_out, W_out)
        make_cases=_cases_via_conv2d,
        diagnoses=(
            Diagnosis(
                _depth_channel_order_swapped,
                "the stacked slices and the flattened weight pair the wrong taps: if the window "
                "input[:, t:t + kD] (C_in, kD, H, W) becomes C_in * kD channels with a reshape, "
                "flatten the weight the same way, weight.reshape(C_out, C_in * kD, kH, kW).",
            ),
            Diagnosis(
                lambda x, w: conv3d(x, w)[:, :-1],
                "your output is one slice short in depth: there are D - kD + 1 output slices, "
                "t = 0, ..., D - kD.",
            ),
            Diagnosis(
                lambda x, w: conv3d(x, np.ascontiguousarray(w[:, :, ::-1])),
                "the kernel's depth taps are reversed: output slice t reads input slice t + q "
                "with depth tap q (no flip, as in 2D).",
            ),
        ),
    )
)

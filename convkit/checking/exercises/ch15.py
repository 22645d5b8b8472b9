"""Chapter 15's checked exercises: the weight gradient of a convolution, and a
correlation computed through the FFT."""

from __future__ import annotations

import numpy as np

from convkit.checking.engine import Case, Diagnosis, Exercise, register_exercise
from convkit.checking.exercises._cases import arrays
from convkit.correlation import convolve2d, correlate2d
from convkit.gradients import conv2d_weight_grad


# --- ch15-weight-grad --------------------------------------------------------


def _ref_weight_grad(input: np.ndarray, grad_output: np.ndarray, kernel_size: int) -> np.ndarray:
    c_in, c_out = input.shape[0], grad_output.shape[0]
    return conv2d_weight_grad(input[np.newaxis], (c_out, c_in, kernel_size, kernel_size),
                              grad_output[np.newaxis])  # (C_out, C_in, k, k)


def _cases_weight_grad(rng: np.random.Generator) -> list[Case]:
    def case(c_in, c_out, size, k, label, dtype=np.float64):
        out = size - k + 1
        return Case((*arrays(rng, (c_in, size, size), (c_out, out, out), dtype=dtype), k), label)

    return [
        case(1, 1, 4, 2, "one channel in and out, small integers", dtype=np.int64),
        case(2, 3, 5, 3, "2 channels in, 3 out"),
        case(3, 3, 6, 3, "as many channels out as in"),
        case(2, 1, 5, 5, "the kernel as large as the image: a 1x1 output"),
        case(3, 2, 4, 1, "a 1x1 kernel"),
        case(2, 2, 7, 3, "float32", dtype=np.float32),
    ]


register_exercise(
    Exercise(
        exercise_id="ch15-weight-grad",
        function_name="weight_grad",
        arg_names=("input", "grad_output", "kernel_size"),
        reference=_ref_weight_grad,
        make_cases=_cases_weight_grad,
        diagnoses=(
            Diagnosis(
                lambda x, g, k: _ref_weight_grad(x, g, k)[:, :, ::-1, ::-1],
                "the taps come out reversed: tap (m, n) multiplies the input at (u + m, v + n) "
                "by the gradient at (u, v); correlate, do not convolve.",
            ),
            Diagnosis(
                lambda x, g, k: _ref_weight_grad(x, g, k).swapaxes(0, 1),
                "the channel axes are swapped: the result has the weight's layout "
                "(C_out, C_in, k, k), output channel first.",
            ),
        ),
    )
)


# --- ch15-fft-correlate ------------------------------------------------------


def _fft_correlate_wrong_offset(image, kernel):
    # the mistake: the valid block read from the top-left of the circular result
    h, w = image.shape
    kh, kw = kernel.shape
    flipped = kernel[::-1, ::-1]
    full = np.fft.irfft2(np.fft.rfft2(image) * np.fft.rfft2(flipped, s=image.shape), s=image.shape)
    return full[: h - kh + 1, : w - kw + 1]


def _cases_fft_correlate(rng: np.random.Generator) -> list[Case]:
    return [
        Case(arrays(rng, (5, 5), (3, 3), dtype=np.int64), "small integers, 3x3 kernel"),
        Case(arrays(rng, (8, 6), (3, 2)), "a rectangular image and kernel"),
        Case(arrays(rng, (9, 9), (5, 5)), "a 5x5 kernel"),
        Case(arrays(rng, (4, 7), (4, 7)), "kernel as large as the image"),
        Case(arrays(rng, (6, 5), (1, 1)), "a 1x1 kernel"),
        Case(arrays(rng, (12, 12), (7, 7)), "a 7x7 kernel"),
    ]


register_exercise(
    Exercise(
        exercise_id="ch15-fft-correlate",
        function_name="correlate2d_fft",
        arg_names=("image", "kernel"),
        reference=correlate2d,
        make_cases=_cases_fft_correlate,
        diagnoses=(
            Diagnosis(
                convolve2d,
                "this is the true convolution: the product of transforms convolves, so flip the "
                "kernel (both axes) before transforming it.",
            ),
            Diagnosis(
                _fft_correlate_wrong_offset,
                "the valid outputs start at row kH - 1 and column kW - 1 of the circular "
                "result; the first rows and columns are wrapped around.",
            ),
        ),
    )
)

"""Chapter 3's coding exercise: output size."""

from __future__ import annotations

import numpy as np

from convkit.arithmetic import conv_output_size
from convkit.checking.engine import Case, Diagnosis, Exercise, register_exercise


def _ref_output_size(i: int, k: int, s: int = 1, p: int = 0, d: int = 1) -> int:
    return conv_output_size(i, k, s, p, d)


def _cases_output_size(rng: np.random.Generator) -> list[Case]:
    del rng  # fixed cases: each one isolates a part of the formula
    return [
        Case((5, 3), "defaults: stride 1, no padding, no dilation"),
        Case((5, 4, 1, 2), "padding"),
        Case((5, 3, 2), "stride 2"),
        Case((6, 3, 2), "stride 2, the floor drops the last pixel"),
        Case((7, 3, 1, 0, 2), "dilation 2"),
        Case((10, 3, 3, 1, 2), "stride, padding and dilation together"),
        Case((224, 7, 2, 3), "a ResNet stem"),
        Case((1, 1), "a 1x1 kernel on a single pixel"),
        Case((9, 2, 1, 1, 3), "even kernel, dilation 3"),
        Case((11, 5, 3, 2), "stride 3"),
    ]


register_exercise(
    Exercise(
        exercise_id="ch03-output-size",
        function_name="conv_output_size",
        arg_names=("i", "k", "s", "p", "d"),
        reference=_ref_output_size,
        make_cases=_cases_output_size,
        diagnoses=(
            Diagnosis(
                lambda i, k, s=1, p=0, d=1: (i + 2 * p - d * (k - 1) - 1) // s,
                "off by one: the count of positions is floor(...) + 1 (the first "
                "position is there before any step).",
            ),
            Diagnosis(
                lambda i, k, s=1, p=0, d=1: (i + 2 * p - d * (k - 1) - 1) // s + 2,
                "off by one (one too many): a kernel that fits exactly gives floor(...) + 1.",
            ),
            Diagnosis(
                lambda i, k, s=1, p=0, d=1: (i + 2 * p - d * (k - 1) - 1) / s + 1,
                "the division is not rounded down: use floor division (//), because a "
                "partial step does not make an output pixel.",
            ),
            Diagnosis(
                lambda i, k, s=1, p=0, d=1: -((i + 2 * p - d * (k - 1) - 1) // -s) + 1,
                "you rounded up: the floor drops the positions where the kernel would run "
                "past the padded input.",
            ),
            Diagnosis(
                lambda i, k, s=1, p=0, d=1: (i + p - d * (k - 1) - 1) // s + 1,
                "padding counts once here; p is the padding on each side, so the padded "
                "input has i + 2p pixels.",
            ),
            Diagnosis(
                lambda i, k, s=1, p=0, d=1: (i + 2 * p - (k - 1) - 1) // s + 1,
                "dilation is ignored: a dilated kernel spans d(k - 1) + 1 pixels.",
            ),
            Diagnosis(
                lambda i, k, s=1, p=0, d=1: (i + 2 * p - d * k - 1) // s + 1,
                "the dilated kernel's span is d(k - 1) + 1, not d*k + 1 (dilation 1 means "
                "a contiguous kernel).",
            ),
        ),
    )
)

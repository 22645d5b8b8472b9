"""Chapter 3's coding exercise: output size."""

from __future__ import annotations

import numpy as np

from convkit.sizes import conv_output_size
from convkit.checking.engine import Case, Diagnosis, Exercise, register_exercise


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
        reference=conv_output_size,
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


# ---------------------------------------------------------------------------
# Stretch exercise: every input size that gives a given output size
# ---------------------------------------------------------------------------


def _ref_input_sizes(o: int, k: int, s: int = 1, p: int = 0, d: int = 1) -> np.ndarray:
    # o = floor((i + 2p - d(k-1) - 1) / s) + 1 holds for the s consecutive sizes starting at
    # (o - 1)s - 2p + d(k-1) + 1; sizes below 1 do not exist.
    smallest = (o - 1) * s - 2 * p + d * (k - 1) + 1
    return np.array([i for i in range(smallest, smallest + s) if i >= 1], dtype=np.int64)


def _cases_input_sizes(rng: np.random.Generator) -> list[Case]:
    return [
        Case((5, 3), "stride 1: one input size"),
        Case((4, 3, 2, 1), "stride 2, padding 1: two sizes"),
        Case((3, 3, 3, 0), "stride 3, no padding"),
        Case((6, 2, 2, 0), "even kernel, stride 2"),
        Case((4, 3, 2, 1, 2), "dilation 2"),
        Case((56, 7, 4, 3), "stride 4: four sizes"),
        Case((112, 7, 2, 3), "a ResNet stem"),
        Case((1, 1, 3, 1), "padding wider than the kernel: sizes below 1 drop out"),
    ]


def _no_clamp(o, k, s=1, p=0, d=1):
    smallest = (o - 1) * s - 2 * p + d * (k - 1) + 1
    if smallest >= 1:
        raise ValueError("the mistake cannot show when every size is at least 1")
    return np.arange(smallest, smallest + s)


def _padding_forgotten(o, k, s=1, p=0, d=1):
    if p == 0:
        raise ValueError("the mistake cannot show without padding")
    return _ref_input_sizes(o, k, s, 0, d)


register_exercise(
    Exercise(
        exercise_id="ch03-input-sizes",
        function_name="input_sizes",
        arg_names=("o", "k", "s", "p", "d"),
        reference=_ref_input_sizes,
        make_cases=_cases_input_sizes,
        diagnoses=(
            Diagnosis(
                lambda o, k, s=1, p=0, d=1: _ref_input_sizes(o, k, s, p, d)[:1],
                "you returned one size only: with stride s the floor maps s consecutive input "
                "sizes to the same output size, so there are s answers (for stride 1, one).",
            ),
            Diagnosis(
                lambda o, k, s=1, p=0, d=1: _ref_input_sizes(o, k, s, p, d) + 1,
                "every size is one too large: the smallest input is the one where the last "
                "kernel position ends exactly on the last padded pixel, (o - 1)s - 2p + d(k-1) + 1.",
            ),
            Diagnosis(
                _no_clamp,
                "your list contains sizes below 1: when the padding is wide, some of the s "
                "candidates are 0 or negative, and an input has at least one pixel.",
            ),
            Diagnosis(
                _padding_forgotten,
                "padding is missing: p zeros on each side lengthen the input, so the real input "
                "can be 2p pixels shorter.",
            ),
        ),
    )
)

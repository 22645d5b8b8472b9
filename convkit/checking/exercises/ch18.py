"""Chapter 18's coding exercises: RepVGG's merged kernel, and a dynamic convolution as one grouped convolution."""

from __future__ import annotations

import numpy as np

from convkit.checking.engine import Case, Diagnosis, Exercise, register_exercise
from convkit.dynamic import dynamic_conv2d
from convkit.reparam import identity_kernel, merge_branches


# --------------------------------------------------------------------------- #
# ch18-repvgg-kernel: repvgg_kernel(weight_3x3, weight_1x1, groups)
# --------------------------------------------------------------------------- #
def _ref_repvgg(weight_3x3, weight_1x1, groups):
    identity = identity_kernel(weight_3x3.shape[0], 3, groups, dtype=np.result_type(weight_3x3, weight_1x1))
    return merge_branches([(weight_3x3, None), (weight_1x1, None), (identity, None)])[0]


def _cases_repvgg(rng: np.random.Generator) -> list[Case]:
    def case(c, groups, label, integers=False):
        draw = (lambda shape: rng.integers(-3, 4, shape)) if integers else rng.standard_normal
        return Case((draw((c, c // groups, 3, 3)), draw((c, c // groups, 1, 1)), groups), label)

    return [
        case(1, 1, "one channel"),
        case(3, 1, "three channels, integers", integers=True),
        case(4, 1, "four channels"),
        case(4, 2, "two groups"),
        case(6, 3, "three groups, integers", integers=True),
        case(6, 6, "depthwise (groups = channels)"),
        case(8, 2, "eight channels, two groups"),
    ]


def _identity_everywhere(w3, w1, groups):
    merged = w3 + np.pad(w1, [(0, 0), (0, 0), (1, 1), (1, 1)])
    merged[:, :, 1, 1] += 1
    return merged


def _identity_ignores_groups(w3, w1, groups):
    if groups == 1:
        raise ValueError("the mistake cannot show without groups")
    merged = w3 + np.pad(w1, [(0, 0), (0, 0), (1, 1), (1, 1)])
    for f in range(min(merged.shape[0], merged.shape[1])):
        merged[f, f, 1, 1] += 1
    return merged


register_exercise(
    Exercise(
        exercise_id="ch18-repvgg-kernel",
        function_name="repvgg_kernel",
        arg_names=("weight_3x3", "weight_1x1", "groups"),
        reference=_ref_repvgg,
        make_cases=_cases_repvgg,
        diagnoses=(
            Diagnosis(
                lambda w3, w1, g: w3 + np.pad(w1, [(0, 0), (0, 0), (0, 2), (0, 2)]),
                "the 1x1 kernel sits in the corner: pad it with one zero on every side, so that it "
                "lands on the centre tap [1, 1], the tap that reads the same pixel as the 1x1 layer.",
            ),
            Diagnosis(
                lambda w3, w1, g: w3 + np.pad(w1, [(0, 0), (0, 0), (1, 1), (1, 1)]),
                "the identity branch is missing: x itself is a 3x3 convolution whose kernel has a 1 at "
                "the centre of entry [f, f mod (C/groups)] and 0 elsewhere.",
            ),
            Diagnosis(
                _identity_everywhere,
                "the identity adds 1 to the centre of every (output, input) pair: output channel f "
                "copies input channel f only, so only entry [f, f mod (C/groups), 1, 1] gets the 1.",
            ),
            Diagnosis(
                _identity_ignores_groups,
                "with groups, input channel f is at position f mod (C/groups) of its group's slice "
                "of the weight, not at position f.",
            ),
        ),
    )
)


# --------------------------------------------------------------------------- #
# ch18-dynamic-grouped: dynamic_output(input, weight, attention)
# --------------------------------------------------------------------------- #
def _ref_dynamic(input, weight, attention):
    return dynamic_conv2d(input, weight, attention, padding=weight.shape[-1] // 2)


def _cases_dynamic(rng: np.random.Generator) -> list[Case]:
    def case(n, c_in, c_out, e, k, size, label):
        x = rng.standard_normal((n, c_in, size, size))
        w = rng.standard_normal((e, c_out, c_in, k, k))
        a = rng.dirichlet(np.ones(e), size=n)
        return Case((x, w, a), label)

    return [
        case(1, 1, 1, 2, 3, 5, "one example, two kernels"),
        case(2, 3, 4, 3, 3, 6, "two examples, three kernels"),
        case(3, 2, 2, 4, 1, 4, "1x1 kernels"),
        case(4, 3, 5, 2, 5, 7, "5x5 kernels"),
        case(2, 4, 3, 2, 3, 5, "more inputs than outputs"),
        case(5, 2, 3, 3, 3, 4, "five examples"),
    ]


def _first_example_kernel(x, w, a):
    if len(x) == 1 or np.allclose(a, a[0]):
        raise ValueError("the mistake cannot show with one example")
    return dynamic_conv2d(x, w, np.repeat(a[:1], len(x), axis=0), padding=w.shape[-1] // 2)


def _average_kernel(x, w, a):
    return dynamic_conv2d(x, w, np.full(a.shape, 1 / a.shape[1]), padding=w.shape[-1] // 2)


def _no_padding(x, w, a):
    if w.shape[-1] == 1:
        raise ValueError("a 1x1 kernel needs no padding")
    return dynamic_conv2d(x, w, a)


register_exercise(
    Exercise(
        exercise_id="ch18-dynamic-grouped",
        function_name="dynamic_output",
        arg_names=("input", "weight", "attention"),
        reference=_ref_dynamic,
        make_cases=_cases_dynamic,
        diagnoses=(
            Diagnosis(
                _first_example_kernel,
                "every example got example 0's kernel: stack one mixed kernel per example, "
                "(N * C_out, C_in, k, k), and use groups = N so that example n meets kernel n only.",
            ),
            Diagnosis(
                _average_kernel,
                "the kernels were averaged with equal weights: example n's kernel is "
                "sum_xi attention[n, xi] * weight[xi].",
            ),
            Diagnosis(
                _no_padding,
                "the output is smaller than the input: pad by k // 2 so that the size is kept.",
            ),
        ),
    )
)

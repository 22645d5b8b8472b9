"""Chapter 6's coding exercises: a transposed convolution by scatter-add, and by zero insertion."""

from __future__ import annotations

import numpy as np

from convkit.checking.engine import Case, Diagnosis, Exercise, register_exercise
from convkit.checking.exercises._cases import arrays, ints
from convkit.conv_transpose import conv_transpose2d


def _ref_transposed(input: np.ndarray, weight: np.ndarray, stride: int, padding: int = 0) -> np.ndarray:
    return conv_transpose2d(input, weight, stride=stride, padding=padding)  # (C_in, H, W) -> (C_out, H_out, W_out)


def _stamps(input, weight, stride, padding=0, flip=False, swap=False, overwrite=False):
    """Plausible wrong versions of the scatter, written with loops.

    ``swap`` reads the weight as ``(C_out, C_in, kH, kW)`` (a convolution's
    layout); it only runs when ``C_in == C_out``.
    """
    if swap:
        if weight.shape[0] != weight.shape[1]:
            raise ValueError("a swapped layout needs C_in == C_out")
        weight = weight.transpose(1, 0, 2, 3)  # (C_out, C_in, kH, kW) read as (C_in, C_out, kH, kW)
    if flip:
        weight = weight[:, :, ::-1, ::-1]
    c_in, height, width = input.shape
    _, c_out, kh, kw = weight.shape
    canvas = np.zeros((c_out, (height - 1) * stride + kh, (width - 1) * stride + kw))
    for h in range(height):
        for w in range(width):
            stamp = np.tensordot(input[:, h, w], weight, axes=1)  # (C_out, kH, kW)
            window = (slice(None), slice(h * stride, h * stride + kh), slice(w * stride, w * stride + kw))
            if overwrite:
                canvas[window] = stamp
            else:
                canvas[window] += stamp
    return canvas[:, padding: canvas.shape[1] - padding, padding: canvas.shape[2] - padding]


def _times_stride(input, weight, stride):
    """Output of size H s (an upsampling 'by s', often assumed), cropped or padded at the end."""
    out = _stamps(input, weight, stride)
    height, width = input.shape[1] * stride, input.shape[2] * stride
    result = np.zeros(out.shape[:1] + (height, width))
    h, w = min(height, out.shape[1]), min(width, out.shape[2])
    result[:, :h, :w] = out[:, :h, :w]
    return result


def _cases_scatter(rng: np.random.Generator) -> list[Case]:
    return [
        Case((ints(rng, (1, 2, 2), 1, 4), ints(rng, (1, 1, 3, 3), -2, 3), 2), "one channel, 3x3 kernel, stride 2"),
        Case((ints(rng, (2, 3, 3), -2, 3), ints(rng, (2, 2, 3, 3), -2, 3), 2), "C_in = C_out = 2, stride 2"),
        Case((*arrays(rng, (3, 3, 4), (3, 2, 2, 3)), 2), "3 -> 2 channels, non-square"),
        Case((*arrays(rng, (2, 4, 3), (2, 3, 3, 3)), 1), "stride 1"),
        Case((*arrays(rng, (1, 3, 3), (1, 2, 2, 2)), 3), "stride larger than the kernel"),
        Case((*arrays(rng, (2, 2, 3), (2, 2, 4, 4), dtype=np.float32), 2), "float32, 4x4 kernel"),
    ]


def _cases_zero_insertion(rng: np.random.Generator) -> list[Case]:
    return [
        Case((ints(rng, (1, 2, 2), 1, 4), ints(rng, (1, 1, 3, 3), -2, 3), 2, 0), "one channel, stride 2, no padding"),
        Case((ints(rng, (2, 3, 3), -2, 3), ints(rng, (2, 2, 3, 3), -2, 3), 2, 1), "stride 2, padding 1"),
        Case((*arrays(rng, (3, 3, 4), (3, 2, 3, 3)), 1, 1), "stride 1, padding 1"),
        Case((*arrays(rng, (2, 3, 2), (2, 3, 4, 4)), 3, 2), "stride 3, padding 2, 4x4 kernel"),
        Case((*arrays(rng, (1, 2, 3), (1, 2, 2, 3)), 2, 0), "non-square kernel"),
        Case((*arrays(rng, (2, 3, 3), (2, 2, 3, 3), dtype=np.float32), 2, 1), "float32"),
    ]


register_exercise(
    Exercise(
        exercise_id="ch06-scatter",
        function_name="conv_transpose2d_scatter_add",
        arg_names=("input", "weight", "stride"),
        reference=_ref_transposed,
        make_cases=_cases_scatter,
        diagnoses=(
            Diagnosis(
                lambda x, w, s: _stamps(x, w, s, flip=True),
                "you flipped the kernel: in the scatter view each input pixel stamps the "
                "kernel as it is; the flip belongs to the zero-insertion view.",
            ),
            Diagnosis(
                lambda x, w, s: _stamps(x, w, s, swap=True),
                "you read the weight as (C_out, C_in, kH, kW); a transposed convolution's "
                "weight is (C_in, C_out, kH, kW): weight[c, f] is the kernel from input "
                "channel c to output channel f.",
            ),
            Diagnosis(
                lambda x, w, s: _stamps(x, w, s, overwrite=True),
                "where stamps overlap you kept only the last one: overlapping stamps add up (+=).",
            ),
            Diagnosis(
                _times_stride,
                "your output is H * stride by W * stride: the last stamp starts at (H - 1) * stride "
                "and is k long, so the output has (H - 1) * stride + k rows.",
            ),
            Diagnosis(
                lambda x, w, s: _stamps(x, w, s)[:, :-1, :-1],
                "your output is one row and one column short: it has (H - 1) * stride + k rows, "
                "not (H - 1) * stride + k - 1.",
            ),
        ),
    )
)


def _via_conv(input, weight, stride, padding, flip=True, swap=True, pad=None, inserted=None):
    """Zero insertion, padding and a stride-1 cross-correlation, with knobs for the usual slips."""
    kh, kw = weight.shape[2:]
    gap = stride if inserted is None else inserted
    c_in, height, width = input.shape
    spread = np.zeros((c_in, (height - 1) * gap + 1, (width - 1) * gap + 1))
    spread[:, ::gap, ::gap] = input
    ph = kh - 1 - padding if pad is None else pad(kh, padding)
    pw = kw - 1 - padding if pad is None else pad(kw, padding)
    if ph < 0 or pw < 0:
        raise ValueError("negative padding")
    grid = np.pad(spread, ((0, 0), (ph, ph), (pw, pw)))
    w = weight.transpose(1, 0, 2, 3) if swap else weight  # (C_out, C_in, kH, kW) when swapped
    if not swap and w.shape[1] != c_in:
        raise ValueError("unswapped weight needs C_in == C_out")
    if flip:
        w = w[:, :, ::-1, ::-1]
    windows = np.lib.stride_tricks.sliding_window_view(grid, (kh, kw), axis=(1, 2))  # (C_in, H_out, W_out, kH, kW)
    return np.einsum("chwmn,fcmn->fhw", windows, w)


register_exercise(
    Exercise(
        exercise_id="ch06-zero-insertion",
        function_name="conv_transpose2d_via_conv",
        arg_names=("input", "weight", "stride", "padding"),
        reference=_ref_transposed,
        make_cases=_cases_zero_insertion,
        diagnoses=(
            Diagnosis(
                lambda x, w, s, p: _via_conv(x, w, s, p, flip=False),
                "the kernel is not flipped: the stride-1 convolution over the zero-inserted "
                "grid uses the kernel rotated by 180 degrees (w[..., ::-1, ::-1]).",
            ),
            Diagnosis(
                lambda x, w, s, p: _via_conv(x, w, s, p, swap=False),
                "the channel axes are not swapped: the transposed weight is (C_in, C_out, kH, "
                "kW), and conv2d needs (C_out, C_in, kH, kW).",
            ),
            Diagnosis(
                lambda x, w, s, p: _via_conv(x, w, s, p, pad=lambda k, p_: k - 1),
                "you padded by k - 1 whatever the padding: a transposed convolution's padding "
                "removes p rows and columns on each side, so pad the grid by k - 1 - p.",
            ),
            Diagnosis(
                lambda x, w, s, p: _via_conv(x, w, s, p, pad=lambda k, p_: p_),
                "you padded the grid by p: the equivalent convolution pads by k - 1 - p.",
            ),
            Diagnosis(
                lambda x, w, s, p: _via_conv(x, w, s, p, inserted=s + 1),
                "you inserted stride zeros between input pixels: insert stride - 1, so that "
                "neighbouring input pixels end up stride apart.",
            ),
        ),
    )
)

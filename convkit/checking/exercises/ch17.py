"""Chapter 17's coding exercises: bilinear sampling with zeros outside, and a one-channel deformable convolution."""

from __future__ import annotations

import math

import numpy as np

from convkit.checking.engine import Case, Diagnosis, Exercise, register_exercise
from convkit.deformable import bilinear_sample, deform_conv2d


# --------------------------------------------------------------------------- #
# ch17-bilinear: bilinear(image, row, col)
# --------------------------------------------------------------------------- #
def _ref_bilinear(image, row, col):
    return float(bilinear_sample(image, row, col))


def _cases_bilinear(rng: np.random.Generator) -> list[Case]:
    image = rng.integers(1, 10, size=(4, 5)).astype(float)
    return [
        Case((image, 1.0, 2.0), "a whole pixel"),
        Case((image, 1.25, 2.0), "between two rows"),
        Case((image, 0.5, 3.75), "between four pixels"),
        Case((image, 2.3, 0.6), "between four pixels, nearer the top left"),
        Case((image, -0.5, 1.0), "half a pixel above the image: half of the zero border"),
        Case((image, 3.4, 4.7), "bottom right corner, partly outside"),
        Case((image, -1.0, 2.0), "a whole pixel above the image: only zeros"),
        Case((image, 1.5, 7.2), "far to the right: only zeros"),
        Case((rng.standard_normal((3, 3)), 0.9, 1.1), "negative values"),
    ]


def _bilinear_with(image, row, col, read, swap=False):
    """Bilinear interpolation whose corners are read by ``read(image, r, c)``.

    With ``swap`` each corner gets the weight of the opposite corner (a mistake).
    """
    top, left = math.floor(row), math.floor(col)
    fr, fc = row - top, col - left
    if swap:
        fr, fc = 1 - fr, 1 - fc
    return ((1 - fr) * (1 - fc) * read(image, top, left) + (1 - fr) * fc * read(image, top, left + 1)
            + fr * (1 - fc) * read(image, top + 1, left) + fr * fc * read(image, top + 1, left + 1))


def _clamped(image, r, c):
    return image[min(max(r, 0), image.shape[0] - 1), min(max(c, 0), image.shape[1] - 1)]


def _wrapped(image, r, c):
    return image[r, c] if (-image.shape[0] <= r < image.shape[0] and -image.shape[1] <= c < image.shape[1]) else 0.0


def _zero_outside(image, r, c):
    return image[r, c] if (0 <= r < image.shape[0] and 0 <= c < image.shape[1]) else 0.0


def _all_or_nothing(image, row, col):
    h, w = image.shape
    if not (0 <= row <= h - 1 and 0 <= col <= w - 1):
        return 0.0
    return _bilinear_with(image, row, col, _zero_outside)


register_exercise(
    Exercise(
        exercise_id="ch17-bilinear",
        function_name="bilinear",
        arg_names=("image", "row", "col"),
        reference=_ref_bilinear,
        make_cases=_cases_bilinear,
        diagnoses=(
            Diagnosis(
                lambda img, r, c: _bilinear_with(img, c, r, _zero_outside),
                "row and column are swapped: the first index of image is the row (the vertical "
                "position), the second the column.",
            ),
            Diagnosis(
                lambda img, r, c: _bilinear_with(img, r, c, _clamped),
                "pixels outside the image are copied from the border (replicate padding); a "
                "deformable convolution reads zeros there, as torchvision and "
                "grid_sample(padding_mode='zeros') do.",
            ),
            Diagnosis(
                lambda img, r, c: _bilinear_with(img, r, c, _wrapped),
                "negative indices wrap around to the other side of the image (Python's image[-1] is "
                "the last row): test 0 <= r < H and 0 <= c < W before reading.",
            ),
            Diagnosis(
                _all_or_nothing,
                "a point partly outside the image is set to 0 as a whole: only the corners outside "
                "read zero, the corners inside still count with their weights.",
            ),
            Diagnosis(
                lambda img, r, c: _bilinear_with(img, r, c, _zero_outside, swap=True),
                "the weights are swapped: the nearer corner must weigh more, (1 - fr)(1 - fc) for the "
                "top-left corner, where fr and fc are the fractional parts.",
            ),
            Diagnosis(
                lambda img, r, c: _zero_outside(img, int(round(r)), int(round(c))),
                "this is nearest-neighbour sampling: bilinear sampling mixes the four pixels around "
                "the point.",
            ),
        ),
    )
)


# --------------------------------------------------------------------------- #
# ch17-deform-conv: deform_conv_single(image, weight, offset, mask)
# --------------------------------------------------------------------------- #
def _ref_deform(image, weight, offset, mask):
    return deform_conv2d(image[None], offset, weight[None, None], mask=mask)[0]   # (H_out, W_out)


def _cases_deform(rng: np.random.Generator) -> list[Case]:
    cases = []
    for label, (h, w), (k_h, k_w), scale, masked in [
        ("zero offsets, no modulation: an ordinary convolution", (5, 5), (3, 3), 0.0, False),
        ("whole-pixel offsets", (6, 5), (3, 3), "int", False),
        ("fractional offsets", (6, 6), (3, 3), 0.8, False),
        ("fractional offsets and a mask", (6, 7), (3, 3), 1.2, True),
        ("a 2x3 kernel, large offsets reaching outside", (5, 6), (2, 3), 2.5, True),
        ("a 1x1 kernel", (4, 4), (1, 1), 1.0, True),
    ]:
        h_out, w_out = h - k_h + 1, w - k_w + 1
        image = rng.standard_normal((h, w))
        weight = rng.standard_normal((k_h, k_w))
        if scale == "int":
            offset = rng.integers(-2, 3, (2 * k_h * k_w, h_out, w_out)).astype(float)
        else:
            offset = scale * rng.standard_normal((2 * k_h * k_w, h_out, w_out))
        mask = rng.uniform(0, 1, (k_h * k_w, h_out, w_out)) if masked else np.ones((k_h * k_w, h_out, w_out))
        cases.append(Case((image, weight, offset, mask), label))
    return cases


def _split_layout(image, weight, offset, mask):
    k = weight.size
    paired = np.empty_like(offset)
    paired[0::2], paired[1::2] = offset[:k], offset[k:]   # read as [all rows, then all columns]
    return _ref_deform(image, weight, paired, mask)


def _columns_first(image, weight, offset, mask):
    swapped = np.empty_like(offset)
    swapped[0::2], swapped[1::2] = offset[1::2], offset[0::2]
    return _ref_deform(image, weight, swapped, mask)


def _nearest(image, weight, offset, mask):
    if np.all(offset == np.round(offset)):
        raise ValueError("whole-pixel offsets cannot show the mistake")
    return _ref_deform(image, weight, np.round(offset), mask)


register_exercise(
    Exercise(
        exercise_id="ch17-deform-conv",
        function_name="deform_conv_single",
        arg_names=("image", "weight", "offset", "mask"),
        reference=_ref_deform,
        make_cases=_cases_deform,
        diagnoses=(
            Diagnosis(
                lambda img, w, off, m: _ref_deform(img, w, off, np.ones_like(m)) if np.any(m != 1)
                else _raise(),
                "the mask is ignored: each tap's sampled value is multiplied by its mask value "
                "(v2's modulation) before the weight.",
            ),
            Diagnosis(
                _columns_first,
                "each pair is read as (column, row): channel 2t holds tap t's row offset and "
                "channel 2t + 1 its column offset, as in torchvision.",
            ),
            Diagnosis(
                _split_layout,
                "the offsets are read as all row offsets first, then all column offsets: torchvision's "
                "layout interleaves them, (row, column) of tap 0, then of tap 1, ...",
            ),
            Diagnosis(
                lambda img, w, off, m: _ref_deform(img, w, -off, m) if np.any(off) else _raise(),
                "the offsets are subtracted: a tap reads at its regular position plus its offset.",
            ),
            Diagnosis(
                _nearest,
                "the moved positions are rounded to whole pixels: read them by bilinear "
                "interpolation (your bilinear from the previous exercise).",
            ),
            Diagnosis(
                lambda img, w, off, m: _ref_deform(img, w[::-1, ::-1].copy(), off, m),
                "the kernel is flipped: like conv2d, a deformable convolution is a "
                "cross-correlation, tap (m, n) multiplies weight[m, n].",
            ),
        ),
    )
)


def _raise():
    raise ValueError("the mistake cannot show on this case")

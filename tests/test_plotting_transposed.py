"""Chapter 6's figures: what they draw against torch, alt-text numbers, bad input, no global state."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from matplotlib.figure import Figure

from convkit.plotting.transposed import (
    OVERLAP_INPUT,
    checkerboard_description,
    checkerboard_figure,
    direct_input_sizes,
    _stamps,
    stamps_description,
    stamps_figure,
    output_padding_description,
    output_padding_figure,
    _uniform_upsample,
    upsampling_comparison_description,
    upsampling_comparison_figure,
)

RNG = np.random.default_rng(6)
IMAGE = RNG.integers(0, 256, size=(9, 7)).astype(np.float64)


def texts(fig):
    return [t.get_text() for ax in fig.axes for t in ax.texts] + [t.get_text() for t in fig.texts]


def shown_images(fig):
    return [ax.images[0].get_array().data for ax in fig.axes if ax.images]


def torch_transposed_ones(x, k, s):
    """F.conv_transpose2d with an all-ones k x k kernel."""
    return F.conv_transpose2d(torch.tensor(x[None, None], dtype=torch.float64),
                              torch.ones(1, 1, k, k, dtype=torch.float64), stride=s)[0, 0].numpy()


@pytest.mark.parametrize("k, s", [(1, 1), (2, 2), (3, 2), (4, 2), (5, 3), (1, 3)])
def test_uniform_upsample_is_torch_scaled(k, s):
    np.testing.assert_allclose(_uniform_upsample(IMAGE, k, s),
                               torch_transposed_ones(IMAGE, k, s) * (s / k) ** 2,
                               rtol=1e-12, atol=1e-9)


def test_uniform_upsample_keeps_a_constant_image_where_the_overlap_is_even():
    up = _uniform_upsample(np.full((6, 6), 100.0), 4, 2)
    np.testing.assert_allclose(up[3:-3, 3:-3], 100.0)


@pytest.mark.parametrize("k, s", [(3, 2), (4, 2), (2, 3), (5, 3)])
def test_checkerboard_figure_draws_torch_counts_and_image(k, s):
    fig = checkerboard_figure(IMAGE, k, s)
    assert isinstance(fig, Figure)
    counts, image = shown_images(fig)
    expected = torch_transposed_ones(np.ones((OVERLAP_INPUT, OVERLAP_INPUT)), k, s)
    np.testing.assert_array_equal(counts, expected)
    np.testing.assert_allclose(image, torch_transposed_ones(IMAGE, k, s) * (s / k) ** 2, atol=1e-9)
    printed = sorted(int(t) for t in texts(fig) if t.isdigit())
    assert printed == sorted(expected.astype(int).ravel().tolist())


def test_checkerboard_frames_have_one_size():
    sizes = {tuple(checkerboard_figure(IMAGE, k, s).get_size_inches()) for k in (1, 3, 5) for s in (1, 3)}
    assert len(sizes) == 1


def test_checkerboard_description_numbers():
    uneven = checkerboard_description(IMAGE, 3, 2)
    assert "between 1 and 4 stamps" in uneven and "checkerboard" in uneven
    assert "9x7 photograph upsampled to 19x15" in uneven
    even = checkerboard_description(IMAGE, 4, 2)
    assert "receives 4 stamps" in even and "smooth" in even
    stride1 = checkerboard_description(IMAGE, 5, 1)      # the 4x4 map has no full interior; the verdict does
    assert "receives 25 stamps" in stride1
    assert any("interior: all 25" in ax.get_title() for ax in checkerboard_figure(IMAGE, 5, 1).axes)
    holes = checkerboard_description(IMAGE, 1, 2)
    assert "between 0 and 1" in holes and "holes" in holes


def test_upsampling_comparison_panels_against_torch():
    fig = upsampling_comparison_figure(IMAGE, 3, 2)
    original, transposed, resized = shown_images(fig)
    np.testing.assert_array_equal(original, IMAGE)
    np.testing.assert_allclose(transposed, torch_transposed_ones(IMAGE, 3, 2) * (2 / 3) ** 2, atol=1e-9)
    x = torch.tensor(IMAGE[None, None])
    up = F.interpolate(x, scale_factor=2, mode="nearest")
    expected = F.conv2d(up, torch.full((1, 1, 3, 3), 1 / 9, dtype=torch.float64), padding="same")[0, 0]
    np.testing.assert_allclose(resized, expected.numpy(), atol=1e-9)
    alt = upsampling_comparison_description(IMAGE, 3, 2)
    assert "19x15" in alt and "18x14" in alt


@pytest.mark.parametrize("o, k, s, p, d", [(3, 3, 2, 1, 1), (2, 3, 2, 0, 1), (4, 4, 3, 1, 1), (3, 3, 2, 0, 2),
                                           (5, 1, 1, 0, 1), (1, 3, 1, 1, 1)])
def test_direct_input_sizes_brute_force_with_torch(o, k, s, p, d):
    found = []
    for i in range(1, 40):
        if i + 2 * p < d * (k - 1) + 1:
            continue
        out = F.conv1d(torch.zeros(1, 1, i), torch.zeros(1, 1, k), stride=s, padding=p, dilation=d)
        if out.shape[-1] == o:
            found.append(i)
    assert direct_input_sizes(o, k, s, p, d) == found


@pytest.mark.parametrize("a", [0, 1])
def test_output_padding_picks_one_of_the_direct_sizes(a):
    sizes = direct_input_sizes(3, 3, 2, 1)
    out = F.conv_transpose2d(torch.zeros(1, 1, 3, 3), torch.zeros(1, 1, 3, 3), stride=2, padding=1,
                             output_padding=a)
    assert out.shape[-1] == sizes[a]
    fig = output_padding_figure(3, 3, 2, 1, a)
    note = texts(fig)[-1]
    assert "maps sizes 5, 6 to 3" in note and f"gives back {sizes[a]}" in note
    alt = output_padding_description(3, 3, 2, 1, a)
    assert f"output {sizes[a]}x{sizes[a]}" in alt and "5, 6 to 3" in alt


def test_output_padding_figure_width_and_refusal():
    assert output_padding_figure(3, 3, 1, 0, 0).get_size_inches()[0] == pytest.approx(5.6)
    refused = output_padding_figure(3, 3, 2, 0, 2)
    assert any("refuses" in t for t in texts(refused))
    assert "refuses" in output_padding_description(3, 3, 2, 0, 2)
    with pytest.raises(RuntimeError):  # PyTorch refuses the same call
        F.conv_transpose2d(torch.zeros(1, 1, 3, 3), torch.zeros(1, 1, 3, 3), stride=2, output_padding=2)


@pytest.mark.parametrize("shape, k, s", [((2, 2), 3, 2), ((3, 2), 2, 1), ((1, 3), 3, 3)])
def test_stamps_sum_to_torch(shape, k, s):
    x = RNG.integers(-3, 4, size=shape)
    w = RNG.integers(-2, 3, size=(k, k))
    expected = F.conv_transpose2d(torch.tensor(x[None, None]), torch.tensor(w[None, None]), stride=s)[0, 0].numpy()
    parts = _stamps(x, w, s)
    assert len(parts) == x.size
    np.testing.assert_array_equal(sum(parts), expected)
    # each stamp is the input pixel times the kernel, alone on the canvas
    np.testing.assert_array_equal(parts[-1][-k:, -k:], x[-1, -1] * w)
    assert np.count_nonzero(parts[0][k:, :]) == 0 and np.count_nonzero(parts[0][:, k:]) == 0


def test_stamps_figure_prints_the_stamps_and_the_sum():
    x, w = np.array([[1, 2], [3, -1]]), np.array([[1, 2, 1], [0, 1, 0], [2, 0, 1]])
    fig = stamps_figure(x, w, 2)
    total = F.conv_transpose2d(torch.tensor(x[None, None]), torch.tensor(w[None, None]), stride=2)[0, 0]
    numbers = [t.get_text() for t in fig.axes[-1].texts if t.get_text().lstrip("-").isdigit()]
    assert numbers == [str(v) for v in total.numpy().ravel()]
    first = [t.get_text() for t in fig.axes[0].texts if t.get_text().lstrip("-").isdigit()]
    assert first == [str(v) for v in (1 * w).ravel()]
    alt = stamps_description(x, w, 2)
    assert "4 panels" in alt and "5x5" in alt
    assert " ".join(str(v) for v in total.numpy()[0]) in alt


def test_bad_input():
    with pytest.raises(ValueError):
        checkerboard_figure(np.zeros(5), 3, 2)
    with pytest.raises(ValueError):
        checkerboard_figure(IMAGE, 0, 2)
    with pytest.raises(TypeError):
        upsampling_comparison_figure(IMAGE, 3.0, 2)
    with pytest.raises(ValueError):
        direct_input_sizes(3, 3, 2, -1)
    with pytest.raises(ValueError):
        output_padding_figure(3, 3, 2, 1, -1)
    with pytest.raises(ValueError):
        stamps_figure(np.ones((4, 4)), np.ones((3, 3)), 2)


def test_helpers_change_no_global_matplotlib_state():
    import matplotlib
    import matplotlib.pyplot as plt

    before = dict(matplotlib.rcParams)
    figures_before = plt.get_fignums()
    checkerboard_figure(IMAGE, 3, 2)
    upsampling_comparison_figure(IMAGE, 3, 2)
    output_padding_figure(3, 3, 2, 1, 1)
    stamps_figure([[1, 2]], [[1, 1]], 1)
    assert plt.get_fignums() == figures_before
    assert dict(matplotlib.rcParams) == before

"""upsample_nearest against F.interpolate(mode='nearest'), resize_conv2d against
F.interpolate then F.conv2d, and bad input."""

import warnings

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st

import convkit
from convkit import upsampling


def interpolate(x, scale_factor):
    """PyTorch's nearest-neighbour resize of a batched (N, C, H, W) array, in float64."""
    t = torch.from_numpy(np.asarray(x, dtype=np.float64))
    return F.interpolate(t, scale_factor=scale_factor, mode="nearest").numpy()


def resize_conv_reference(x, w, b, scale_factor, padding):
    up = torch.from_numpy(interpolate(x, scale_factor))
    as_t = lambda a: None if a is None else torch.from_numpy(np.asarray(a, dtype=np.float64))
    with warnings.catch_warnings():
        # PyTorch warns that an even 'same' kernel costs it a padded copy; irrelevant here.
        warnings.simplefilter("ignore", UserWarning)
        return F.conv2d(up, as_t(w), as_t(b), padding=padding).numpy()


class TestUpsampleNearest:
    @pytest.mark.parametrize("scale_factor", [1, 2, 3, (2, 3), (1, 4), [3, 1]])
    @pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int64, np.uint8])
    def test_against_torch(self, scale_factor, dtype):
        x = np.random.default_rng(0).integers(0, 50, (2, 3, 4, 5)).astype(dtype)
        out = convkit.upsample_nearest(x, scale_factor=scale_factor)
        assert out.dtype == dtype
        expected = interpolate(x, tuple(scale_factor) if isinstance(scale_factor, list) else scale_factor)
        assert out.shape == expected.shape
        np.testing.assert_array_equal(out, expected.astype(dtype))

    def test_unbatched_is_one_image(self):
        x = np.random.default_rng(1).standard_normal((3, 4, 2))  # (C, H, W)
        out = convkit.upsample_nearest(x, scale_factor=2)
        assert out.shape == (3, 8, 4)
        np.testing.assert_array_equal(out, interpolate(x[None], 2)[0])

    def test_by_hand(self):
        x = np.array([[[1, 2], [3, 4]]])  # (C, H, W)
        np.testing.assert_array_equal(
            convkit.upsample_nearest(x, scale_factor=(1, 3)), [[[1, 1, 1, 2, 2, 2], [3, 3, 3, 4, 4, 4]]]
        )

    def test_result_is_writable_and_independent_of_input(self):
        x = np.zeros((1, 1, 2, 2))
        out = convkit.upsample_nearest(x, scale_factor=2)
        out[0, 0, 0, 0] = 5.0  # a broadcast view would refuse this or write through
        assert x[0, 0, 0, 0] == 0.0 and out[0, 0, 0, 1] == 0.0

    def test_accepts_torch_tensors_and_lists(self):
        x = np.arange(8.0).reshape(1, 2, 2, 2)
        expected = interpolate(x, 2)
        np.testing.assert_array_equal(convkit.upsample_nearest(torch.from_numpy(x), scale_factor=2), expected)
        np.testing.assert_array_equal(convkit.upsample_nearest(x.tolist(), scale_factor=2), expected)

    @given(
        n=st.integers(1, 2),
        c=st.integers(1, 3),
        h=st.integers(1, 6),
        w=st.integers(1, 6),
        sh=st.integers(1, 4),
        sw=st.integers(1, 4),
    )
    def test_property_against_torch(self, n, c, h, w, sh, sw):
        x = np.random.default_rng(h * 7 + w).standard_normal((n, c, h, w))
        np.testing.assert_array_equal(convkit.upsample_nearest(x, scale_factor=(sh, sw)), interpolate(x, (sh, sw)))


class TestResizeConv2d:
    @pytest.mark.parametrize(
        "batch, c_in, c_out, size, kernel, scale_factor, padding, bias",
        [
            (2, 3, 4, (4, 5), (3, 3), 2, "same", True),
            (None, 2, 3, (3, 3), (3, 3), 2, "same", False),
            (1, 2, 2, (3, 4), (2, 4), (2, 3), "same", True),
            (2, 1, 2, (3, 3), (3, 3), 3, 1, True),
            (1, 2, 3, (4, 4), (3, 2), 2, "valid", False),
            (1, 2, 3, (4, 4), (3, 2), 2, (0, 1), True),
            (1, 2, 3, (5, 4), (3, 3), 1.5, "same", True),
            (2, 1, 2, (4, 6), (2, 3), (2.5, 0.5), 1, False),
        ],
    )
    @pytest.mark.parametrize("dtype", [np.float32, np.float64])
    def test_against_torch(self, batch, c_in, c_out, size, kernel, scale_factor, padding, bias, dtype):
        rng = np.random.default_rng(2)
        x = rng.standard_normal(((c_in,) if batch is None else (batch, c_in)) + size).astype(dtype)
        w = rng.standard_normal((c_out, c_in) + kernel).astype(dtype)
        b = rng.standard_normal(c_out).astype(dtype) if bias else None
        out = convkit.resize_conv2d(x, w, b, scale_factor=scale_factor, padding=padding)
        x4 = x if batch is not None else x[None]
        expected = resize_conv_reference(x4, w, b, scale_factor, padding)
        expected = expected if batch is not None else expected[0]
        assert out.dtype == dtype and out.shape == expected.shape
        tol = dict(rtol=1e-4, atol=1e-5) if dtype == np.float32 else dict(rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(out, expected, **tol)

    def test_same_padding_keeps_the_upsampled_size(self):
        x = np.ones((1, 2, 5, 3))
        w = np.ones((4, 2, 3, 3))
        assert convkit.resize_conv2d(x, w, scale_factor=(2, 3)).shape == (1, 4, 5 * 2, 3 * 3)

    def test_constant_image_stays_constant_inside_no_checkerboard(self):
        # The point of the method: a constant input gives a constant output away from the
        # border, while a stride-2, 3x3 transposed convolution gives a checkerboard.
        x = np.ones((1, 1, 6, 6))
        box = np.ones((1, 1, 3, 3))
        resized = convkit.resize_conv2d(x, box, scale_factor=2)[0, 0, 1:-1, 1:-1]
        assert np.unique(resized).tolist() == [9.0]
        transposed = convkit.conv_transpose2d(x, box, stride=2)[0, 0, 2:-2, 2:-2]
        assert len(np.unique(transposed)) > 1


class TestSizeOrScaleFactor:
    """F.upsample_nearest(input, size=None, scale_factor=None): the second argument is the size."""

    @staticmethod
    def torch_upsample(x, **kwargs):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # F.upsample_nearest is deprecated
            images = torch.from_numpy(np.asarray(x, dtype=np.float64))  # (N, C, H, W)
            return F.upsample_nearest(images, **kwargs).numpy()

    def test_second_positional_argument_is_the_output_size(self):
        # The reviewer's reproducer: torch gives (1, 1, 2, 2), the old code gave (1, 1, 6, 6).
        out = convkit.upsample_nearest(np.ones((1, 1, 3, 3)), 2)
        assert out.shape == (1, 1, 2, 2)
        assert out.shape == self.torch_upsample(np.ones((1, 1, 3, 3)), size=2).shape

    def test_signature_is_torchs(self):
        import inspect

        params = inspect.signature(convkit.upsample_nearest).parameters
        after_input = [(p.name, p.default) for p in params.values()][1:]
        assert after_input == [("size", None), ("scale_factor", None)]

    @pytest.mark.parametrize("size", [1, 2, 5, (3, 7), (8, 10), [4, 1], (1, 12)])
    def test_size_against_torch(self, size):
        # (4, 5) -> sizes that are and are not multiples: PyTorch indexes floor(i * in / out)
        x = np.random.default_rng(3).integers(0, 50, (2, 3, 4, 5)).astype(np.float32)
        expected = self.torch_upsample(x, size=tuple(size) if isinstance(size, list) else size)
        out = convkit.upsample_nearest(x, size)
        assert out.dtype == np.float32 and out.shape == expected.shape
        np.testing.assert_array_equal(out, expected)
        np.testing.assert_array_equal(convkit.upsample_nearest(x, size=size), expected)

    @pytest.mark.parametrize("scale_factor", [0.5, 1.5, 2.5, (1.3, 0.7), 1 / 3, 7 / 3, (3, 1.25)])
    def test_fractional_scale_factor_against_torch(self, scale_factor):
        x = np.random.default_rng(4).integers(0, 50, (1, 2, 7, 6)).astype(np.int64)
        expected = self.torch_upsample(x, scale_factor=scale_factor)
        out = convkit.upsample_nearest(x, scale_factor=scale_factor)
        assert out.dtype == np.int64 and out.shape == expected.shape
        np.testing.assert_array_equal(out, expected)

    def test_output_size_equal_to_input_is_the_identity_as_in_torch(self):
        # floor(3 * 1.2) = 3: PyTorch copies the input instead of indexing floor(i / 1.2)
        x = np.arange(9.0).reshape(1, 1, 3, 3)
        out = convkit.upsample_nearest(x, scale_factor=1.2)
        np.testing.assert_array_equal(out, x)
        np.testing.assert_array_equal(out, self.torch_upsample(x, scale_factor=1.2))

    def test_size_by_hand(self):
        # in 3, out 5: source rows floor(i * 3 / 5) = 0, 0, 1, 1, 2
        x = np.array([[[10], [20], [30]]])  # (C, H, W) = (1, 3, 1)
        np.testing.assert_array_equal(
            convkit.upsample_nearest(x, size=(5, 2))[0],
            [[10, 10], [10, 10], [20, 20], [20, 20], [30, 30]],
        )

    @given(
        h=st.integers(1, 9),
        w=st.integers(1, 9),
        h_out=st.integers(1, 30),
        w_out=st.integers(1, 30),
    )
    def test_property_size_against_torch(self, h, w, h_out, w_out):
        x = np.random.default_rng(h * 10 + w).standard_normal((1, 2, h, w))
        np.testing.assert_array_equal(
            convkit.upsample_nearest(x, size=(h_out, w_out)),
            self.torch_upsample(x, size=(h_out, w_out)),
        )

    @given(
        h=st.integers(1, 9),
        w=st.integers(1, 9),
        sh=st.floats(0.2, 4.0, allow_nan=False),
        sw=st.floats(0.2, 4.0, allow_nan=False),
    )
    def test_property_scale_factor_against_torch(self, h, w, sh, sw):
        if int(h * sh) < 1 or int(w * sw) < 1:
            return  # an empty output: both refuse (tested in TestBadInput)
        x = np.random.default_rng(h * 10 + w).standard_normal((1, 2, h, w))
        np.testing.assert_array_equal(
            convkit.upsample_nearest(x, scale_factor=(sh, sw)),
            self.torch_upsample(x, scale_factor=(sh, sw)),
        )


class TestBadInput:
    def test_input_rank(self):
        with pytest.raises(ValueError, match="input"):
            convkit.upsample_nearest(np.ones((2, 2)), scale_factor=2)
        with pytest.raises(ValueError, match="input"):
            convkit.upsample_nearest(np.ones((1, 1, 1, 2, 2)), scale_factor=2)

    def test_input_not_numeric(self):
        with pytest.raises(TypeError, match="input"):
            convkit.upsample_nearest(np.array([["a"]]), scale_factor=2)

    def test_exactly_one_of_size_and_scale_factor(self):
        x = np.ones((1, 2, 2))
        with pytest.raises(ValueError, match="size and scale_factor"):
            convkit.upsample_nearest(x)
        with pytest.raises(ValueError, match="size and scale_factor"):
            convkit.upsample_nearest(x, 4, 2)
        with pytest.raises(ValueError, match="size or scale_factor"), warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # torch refuses both too
            F.upsample_nearest(torch.ones(1, 1, 2, 2), 4, 2)

    def test_size_not_positive(self):
        with pytest.raises(ValueError, match="size"):
            convkit.upsample_nearest(np.ones((1, 2, 2)), 0)
        with pytest.raises(ValueError, match="size"):
            convkit.upsample_nearest(np.ones((1, 2, 2)), size=(2, -1))

    def test_size_not_integer(self):
        with pytest.raises(TypeError, match="size"):
            convkit.upsample_nearest(np.ones((1, 2, 2)), 2.0)
        with pytest.raises(TypeError, match="size"):
            convkit.upsample_nearest(np.ones((1, 2, 2)), size=(2, True))

    def test_size_wrong_length(self):
        with pytest.raises(ValueError, match="size"):
            convkit.upsample_nearest(np.ones((1, 2, 2)), size=(2, 2, 2))
        with pytest.raises(ValueError, match="size"):
            convkit.upsample_nearest(np.ones((1, 2, 2)), size=[3])

    def test_scale_factor_not_positive(self):
        with pytest.raises(ValueError, match="scale_factor"):
            convkit.upsample_nearest(np.ones((1, 2, 2)), scale_factor=0)
        with pytest.raises(ValueError, match="scale_factor"):
            convkit.upsample_nearest(np.ones((1, 2, 2)), scale_factor=(2, -1))
        with pytest.raises(ValueError, match="scale_factor"):
            convkit.upsample_nearest(np.ones((1, 2, 2)), scale_factor=float("nan"))

    def test_scale_factor_giving_an_empty_output(self):
        # floor(2 * 0.4) = 0 rows: torch refuses with a RuntimeError, convkit names the argument
        with pytest.raises(ValueError, match="scale_factor"):
            convkit.upsample_nearest(np.ones((1, 2, 2)), scale_factor=0.4)
        with pytest.raises(RuntimeError):
            F.interpolate(torch.ones(1, 1, 2, 2), scale_factor=0.4, mode="nearest")

    def test_scale_factor_not_a_number(self):
        with pytest.raises(TypeError, match="scale_factor"):
            convkit.upsample_nearest(np.ones((1, 2, 2)), scale_factor="2")
        with pytest.raises(TypeError, match="scale_factor"):
            convkit.upsample_nearest(np.ones((1, 2, 2)), scale_factor=(2, None))
        with pytest.raises(TypeError, match="scale_factor"):
            convkit.upsample_nearest(np.ones((1, 2, 2)), scale_factor=True)
        with pytest.raises(TypeError, match="scale_factor"):
            convkit.resize_conv2d(np.ones((1, 2, 2)), np.ones((1, 1, 3, 3)), scale_factor="2")

    def test_scale_factor_wrong_length(self):
        with pytest.raises(ValueError, match="scale_factor"):
            convkit.upsample_nearest(np.ones((1, 2, 2)), scale_factor=(2, 2, 2))

    def test_resize_conv2d_passes_conv2d_errors(self):
        x = np.ones((1, 2, 3, 3))
        with pytest.raises(ValueError, match="channels"):
            convkit.resize_conv2d(x, np.ones((1, 3, 3, 3)))
        with pytest.raises(ValueError, match="bias"):
            convkit.resize_conv2d(x, np.ones((1, 2, 3, 3)), np.ones(2))
        with pytest.raises(ValueError, match="padding"):
            convkit.resize_conv2d(x, np.ones((1, 2, 3, 3)), padding="full")


def test_module_lists_its_public_names():
    for name in upsampling.__all__:
        assert getattr(convkit, name) is getattr(upsampling, name)

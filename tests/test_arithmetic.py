"""convkit.sizes and convkit.costs against the shapes, values and parameter counts PyTorch produces."""

import math

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

import convkit as ar  # the sizes and costs, from the package's face


# --------------------------------------------------------------------------- #
# output sizes
# --------------------------------------------------------------------------- #
@given(
    i=st.integers(1, 20), k=st.integers(1, 6), s=st.integers(1, 4),
    p=st.integers(0, 4), d=st.integers(1, 3),
)
def test_conv_output_size_matches_torch_conv1d(i, k, s, p, d):
    x = torch.zeros(1, 1, i)
    w = torch.zeros(1, 1, k)
    if i + 2 * p < d * (k - 1) + 1:
        with pytest.raises(RuntimeError):
            F.conv1d(x, w, stride=s, padding=p, dilation=d)
        with pytest.raises(ValueError, match="kernel_size"):
            ar.conv_output_size(i, k, s, p, d)
    else:
        expected = F.conv1d(x, w, stride=s, padding=p, dilation=d).shape[-1]
        assert ar.conv_output_size(i, k, s, p, d) == expected


@pytest.mark.parametrize(
    "size, kernel, stride, padding, dilation",
    [
        ((5, 7), (3, 2), (1, 2), (0, 1), (1, 2)),
        ((224, 224), 7, 2, 3, 1),
        ((6, 9), 3, (2, 3), 1, 1),
        ((1, 1), 1, 1, 0, 1),
        ((8, 5), (2, 4), 3, (2, 0), (3, 1)),
    ],
)
def test_conv_output_size_tuples_match_torch_conv2d(size, kernel, stride, padding, dilation):
    kh, kw = (kernel, kernel) if isinstance(kernel, int) else kernel
    out = F.conv2d(torch.zeros(1, 1, *size), torch.zeros(1, 1, kh, kw),
                   stride=stride, padding=padding, dilation=dilation)
    got = ar.conv_output_size(size, kernel, stride, padding, dilation)
    assert got == tuple(out.shape[-2:])
    assert isinstance(got, tuple)


def test_conv_output_size_returns_int_for_int_arguments():
    assert isinstance(ar.conv_output_size(7, 3, 2, 1), int)


@pytest.mark.parametrize("padding", ["valid", "same"])
@pytest.mark.parametrize("size, kernel, dilation", [((7, 6), (3, 4), 1), ((5, 9), (2, 3), (2, 1)),
                                                     ((4, 4), 1, 1)])
def test_padding_strings_match_torch(padding, size, kernel, dilation):
    kh, kw = (kernel, kernel) if isinstance(kernel, int) else kernel
    out = F.conv2d(torch.zeros(1, 1, *size), torch.zeros(1, 1, kh, kw),
                   padding=padding, dilation=dilation)
    got = ar.conv_output_size(size, kernel, padding=padding, dilation=dilation)
    assert got == tuple(out.shape[-2:])


@pytest.mark.parametrize("i, k, s, d", [(5, 3, 1, 1), (6, 4, 2, 1), (3, 3, 1, 2), (1, 5, 3, 1)])
def test_full_padding_size_matches_torch(i, k, s, d):
    p = ar.full_padding(k, d)
    out = F.conv1d(torch.zeros(1, 1, i), torch.zeros(1, 1, k), stride=s, padding=p, dilation=d)
    assert ar.conv_output_size(i, k, s, "full", d) == out.shape[-1]
    if s == 1:  # every overlapping placement: i + d(k-1) outputs
        assert out.shape[-1] == i + d * (k - 1)


def test_full_convolution_matches_numpy_full_mode():
    import numpy as np
    x = np.arange(1.0, 6.0)
    w = np.array([2.0, -1.0, 3.0])
    p = ar.full_padding(3)
    out = F.conv1d(torch.tensor(x)[None, None], torch.tensor(w)[None, None], padding=p)
    np.testing.assert_allclose(out[0, 0].numpy(), np.correlate(x, w, mode="full"))


@given(
    i=st.integers(1, 12), k=st.integers(1, 5), s=st.integers(1, 4),
    p=st.integers(0, 3), d=st.integers(1, 3), op=st.integers(0, 3),
)
def test_conv_transpose_output_size_matches_torch(i, k, s, p, d, op):
    x = torch.zeros(1, 1, i)
    w = torch.zeros(1, 1, k)
    try:
        expected = F.conv_transpose1d(x, w, stride=s, padding=p, output_padding=op,
                                      dilation=d).shape[-1]
    except RuntimeError:
        expected = None
    if expected is None or expected < 1:
        with pytest.raises(ValueError):
            ar.conv_transpose_output_size(i, k, s, p, op, d)
    else:
        assert ar.conv_transpose_output_size(i, k, s, p, op, d) == expected


def test_conv_transpose_output_size_tuple_matches_torch():
    out = F.conv_transpose2d(torch.zeros(1, 1, 3, 4), torch.zeros(1, 1, 3, 2),
                             stride=(2, 3), padding=(1, 0), output_padding=(1, 2), dilation=(1, 2))
    assert ar.conv_transpose_output_size((3, 4), (3, 2), (2, 3), (1, 0), (1, 2), (1, 2)) == (
        tuple(out.shape[-2:]))


def test_transposed_size_inverts_convolution_size():
    # the worked example of chapter 6: 5x5, k=3, s=2 -> 2x2 and back to 5x5
    assert ar.conv_output_size(5, 3, stride=2) == 2
    assert ar.conv_transpose_output_size(2, 3, stride=2) == 5


# --------------------------------------------------------------------------- #
# padding amounts
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize("k, d", [(1, 1), (2, 1), (3, 1), (4, 1), (5, 2), (4, 3), (6, 1)])
def test_same_padding_split_reproduces_torch_same_values(k, d):
    torch.manual_seed(0)
    x = torch.randn(1, 1, 11, dtype=torch.float64)
    w = torch.randn(1, 1, k, dtype=torch.float64)
    before, after = ar.same_padding(k, d)
    padded = F.conv1d(F.pad(x, (before, after)), w, dilation=d)
    torch.testing.assert_close(padded, F.conv1d(x, w, padding="same", dilation=d),
                               rtol=0, atol=1e-12)


def test_same_padding_tuple_matches_torch_2d():
    torch.manual_seed(1)
    x = torch.randn(1, 1, 7, 8, dtype=torch.float64)
    w = torch.randn(1, 1, 4, 3, dtype=torch.float64)
    (top, bottom), (left, right) = ar.same_padding((4, 3), dilation=(1, 2))
    padded = F.conv2d(F.pad(x, (left, right, top, bottom)), w, dilation=(1, 2))
    torch.testing.assert_close(padded, F.conv2d(x, w, padding="same", dilation=(1, 2)),
                               rtol=0, atol=1e-12)


def test_tf_same_padding_documented_example():
    # TensorFlow's guide to convolution padding: width 13, filter 6, stride 5
    # pads 1 on the left and 2 on the right.
    assert ar.tf_same_padding(13, 6, stride=5) == (1, 2)


@given(i=st.integers(1, 30), k=st.integers(1, 7), s=st.integers(1, 5), d=st.integers(1, 3))
def test_tf_same_padding_is_the_smallest_total_giving_ceil_output(i, k, s, d):
    before, after = ar.tf_same_padding(i, k, s, d)
    total = before + after
    target = math.ceil(i / s)
    out = F.conv1d(F.pad(torch.zeros(1, 1, i), (before, after)), torch.zeros(1, 1, k),
                   stride=s, dilation=d).shape[-1] if i + total >= d * (k - 1) + 1 else 0
    assert out == target
    assert before == total // 2 and after - before in (0, 1)
    if total > 0:  # with one zero less the last output would fall off
        shorter = i + total - 1
        fits = shorter >= d * (k - 1) + 1
        assert not fits or ar.conv_output_size(shorter, k, s, 0, d) < target


def test_tf_same_padding_stride_one_equals_torch_same():
    for k in range(1, 7):
        assert ar.tf_same_padding(10, k) == ar.same_padding(k)


@pytest.mark.parametrize("k, d", [(3, 1), (3, 2), (5, 3), (1, 4)])
def test_effective_kernel_size_is_the_span_of_the_taps(k, d):
    # a dilated kernel of ones placed once over a delta image lights up its span
    w = torch.ones(1, 1, k)
    x = torch.zeros(1, 1, 40)
    x[0, 0, 20] = 1.0
    out = F.conv_transpose1d(x, w, dilation=d)[0, 0]
    nonzero = torch.nonzero(out).flatten()
    assert ar.effective_kernel_size(k, d) == int(nonzero[-1] - nonzero[0]) + 1


# --------------------------------------------------------------------------- #
# receptive field: brute force with autograd
# --------------------------------------------------------------------------- #
def _stack(x, layers):
    for layer in layers:
        k, s, d = (*layer, 1) if len(layer) == 2 else layer
        x = F.conv1d(x, torch.ones(1, 1, k), stride=s, dilation=d)
    return x


def _brute_receptive_field(layers):
    """Span of the input pixels the first and second outputs depend on."""
    length = 16
    while True:  # grow the input until the stack has two outputs to compare
        try:
            if _stack(torch.ones(1, 1, length), layers).shape[-1] >= 2:
                break
        except RuntimeError:  # input shorter than a kernel
            pass
        length *= 2
    x = torch.ones(1, 1, length, requires_grad=True)
    y = _stack(x, layers)
    spans = []
    for index in (0, 1):
        (grad,) = torch.autograd.grad(y[0, 0, index], x, retain_graph=True)
        nz = torch.nonzero(grad[0, 0]).flatten()
        spans.append((int(nz[0]), int(nz[-1])))
    size = spans[0][1] - spans[0][0] + 1
    jump = spans[1][0] - spans[0][0]
    return size, jump


@pytest.mark.parametrize(
    "layers",
    [
        [(3, 1)],
        [(3, 1)] * 3,
        [(7, 2), (3, 2), (3, 1)],
        [(3, 1, 1), (3, 1, 2), (3, 1, 4), (3, 1, 8)],
        [(2, 2), (2, 2), (2, 2)],
        [(5, 3, 2), (3, 2, 1), (1, 1), (4, 1, 3)],
    ],
)
def test_receptive_field_matches_autograd(layers):
    size, jump = _brute_receptive_field(layers)
    assert ar.receptive_field(layers) == size
    assert ar.receptive_field_table(layers)[-1] == (size, jump)


@settings(max_examples=30)  # each example runs up to four autograd passes
@given(st.lists(st.tuples(st.integers(1, 5), st.integers(1, 3), st.integers(1, 3)),
                min_size=1, max_size=4))
def test_receptive_field_table_every_prefix_matches_autograd(layers):
    table = ar.receptive_field_table(layers)
    for depth in range(1, len(layers) + 1):
        assert table[depth - 1] == _brute_receptive_field(layers[:depth])


def test_receptive_field_of_empty_stack_is_one_pixel():
    assert ar.receptive_field([]) == 1


# --------------------------------------------------------------------------- #
# costs against torch modules
# --------------------------------------------------------------------------- #
def _torch_cost(module, input_shape):
    """Parameters by numel, MACs by hooking every convolution of one forward pass."""
    macs = []

    def hook(conv, _inputs, output):
        per_output = (conv.in_channels // conv.groups) * math.prod(conv.kernel_size)
        macs.append(output[0].numel() * per_output)  # batch of one

    handles = [m.register_forward_hook(hook) for m in module.modules()
               if isinstance(m, nn.modules.conv._ConvNd)]
    with torch.no_grad():
        out = module(torch.zeros(1, *input_shape))
    for h in handles:
        h.remove()
    return ar.Cost(sum(p.numel() for p in module.parameters()), sum(macs)), out.shape


@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("c_in, c_out, k, groups", [(3, 16, 3, 1), (8, 12, (3, 5), 4),
                                                    (6, 6, 1, 6), (4, 10, (2, 1), 2)])
def test_conv_params_and_macs_match_torch(c_in, c_out, k, groups, bias):
    conv = nn.Conv2d(c_in, c_out, k, groups=groups, bias=bias, padding=1)
    cost, out = _torch_cost(conv, (c_in, 9, 7))
    assert ar.conv_params(c_in, c_out, k, groups, bias) == cost.params
    assert ar.conv_macs(c_in, c_out, k, tuple(out[-2:]), groups) == cost.macs
    assert ar.conv_cost(c_in, c_out, k, tuple(out[-2:]), groups, bias) == cost


@pytest.mark.parametrize("kernel, size", [((3,), (10,)), ((3, 3, 3), (5, 6, 4))])
def test_conv_params_in_1d_and_3d(kernel, size):
    conv = {1: nn.Conv1d, 3: nn.Conv3d}[len(kernel)](4, 6, kernel)
    cost, out = _torch_cost(conv, (4, *size))
    assert ar.conv_params(4, 6, kernel) == cost.params
    assert ar.conv_macs(4, 6, kernel, tuple(out[2:])) == cost.macs


def test_inception_bottleneck_example_from_the_brief():
    direct = nn.Conv2d(256, 512, 3, padding=1, bias=False)
    reduced = nn.Sequential(nn.Conv2d(256, 64, 1, bias=False),
                            nn.Conv2d(64, 512, 3, padding=1, bias=False))
    direct_cost, _ = _torch_cost(direct, (256, 4, 4))
    reduced_cost, _ = _torch_cost(reduced, (256, 4, 4))
    assert ar.conv_cost(256, 512, 3, output_size=4) == direct_cost
    assert ar.inception_bottleneck_cost(256, 512, 3, 64, output_size=4) == reduced_cost
    assert direct_cost.params == 1_179_648 and reduced_cost.params == 311_296


@pytest.mark.parametrize("c_in, c_out, k, mult", [(16, 32, 3, 1), (8, 20, 5, 3), (3, 7, (3, 1), 2)])
def test_depthwise_separable_cost_matches_torch(c_in, c_out, k, mult):
    block = nn.Sequential(nn.Conv2d(c_in, c_in * mult, k, groups=c_in, bias=False, padding="same"),
                          nn.Conv2d(c_in * mult, c_out, 1, bias=False))
    cost, _ = _torch_cost(block, (c_in, 6, 5))
    assert ar.depthwise_separable_cost(c_in, c_out, k, (6, 5), mult) == cost
    depthwise, _ = _torch_cost(block[0], (c_in, 6, 5))
    assert ar.depthwise_conv_cost(c_in, k, (6, 5), mult) == depthwise


def test_depthwise_separable_ratio_formula():
    # MobileNets: separable / standard = 1/N + 1/k^2
    std = ar.conv_cost(64, 128, 3, output_size=14)
    sep = ar.depthwise_separable_cost(64, 128, 3, output_size=14)
    assert sep.macs / std.macs == pytest.approx(1 / 128 + 1 / 9)


@pytest.mark.parametrize("c_in, c_out, k, mid",
                         [(1, 1, 3, None), (8, 16, 7, None), (8, 16, (3, 5), 4)])
def test_spatially_separable_cost_matches_torch(c_in, c_out, k, mid):
    kh, kw = (k, k) if isinstance(k, int) else k
    m = c_out if mid is None else mid
    block = nn.Sequential(nn.Conv2d(c_in, m, (kh, 1), padding="same", bias=False),
                          nn.Conv2d(m, c_out, (1, kw), padding="same", bias=False))
    cost, _ = _torch_cost(block, (c_in, 9, 8))
    assert ar.spatially_separable_cost(c_in, c_out, k, (9, 8), mid) == cost


@pytest.mark.parametrize("c_in, c_out, k, bias", [(3, 8, 3, False), (16, 4, (5, 3), True)])
def test_flattened_cost_matches_torch(c_in, c_out, k, bias):
    kh, kw = (k, k) if isinstance(k, int) else k
    block = nn.Sequential(nn.Conv2d(c_in, c_out, 1, bias=bias),
                          nn.Conv2d(c_out, c_out, (kh, 1), groups=c_out, padding="same", bias=bias),
                          nn.Conv2d(c_out, c_out, (1, kw), groups=c_out, padding="same", bias=bias))
    cost, _ = _torch_cost(block, (c_in, 7, 6))
    assert ar.flattened_cost(c_in, c_out, k, (7, 6), bias) == cost


@pytest.mark.parametrize("c_in, c_out, k, g", [(256, 256, 3, 8), (12, 6, (1, 3), 3), (4, 4, 3, 4)])
def test_grouped_and_pointwise_grouped_cost_match_torch(c_in, c_out, k, g):
    cost, out = _torch_cost(nn.Conv2d(c_in, c_out, k, groups=g, bias=False), (c_in, 5, 6))
    assert ar.grouped_conv_cost(c_in, c_out, k, g, tuple(out[-2:])) == cost
    cost, _ = _torch_cost(nn.Conv2d(c_in, c_out, 1, groups=g, bias=True), (c_in, 5, 6))
    assert ar.pointwise_conv_cost(c_in, c_out, (5, 6), g, bias=True) == cost


class _Bottleneck(nn.Module):
    def __init__(self, c_in, m, c_out, stride):
        super().__init__()
        self.body = nn.Sequential(nn.Conv2d(c_in, m, 1, bias=False),
                                  nn.Conv2d(m, m, 3, stride, 1, bias=False),
                                  nn.Conv2d(m, c_out, 1, bias=False))
        self.shortcut = (nn.Conv2d(c_in, c_out, 1, stride, bias=False)
                         if c_in != c_out or stride != 1 else nn.Identity())

    def forward(self, x):
        return self.body(x) + self.shortcut(x)


@pytest.mark.parametrize("c_in, m, c_out, stride, size", [(256, 64, None, 1, 7),
                                                         (64, 16, 128, 2, 9),
                                                         (32, 8, 32, 2, 8)])
def test_resnet_bottleneck_cost_matches_torch(c_in, m, c_out, stride, size):
    block = _Bottleneck(c_in, m, c_out or c_in, stride)
    cost, _ = _torch_cost(block, (c_in, size, size))
    assert ar.resnet_bottleneck_cost(c_in, m, c_out, stride, size) == cost


@pytest.mark.parametrize("c_in, c_out, stride, size, k, mult", [(32, 64, 1, 10, 3, 1),
                                                                 (16, 24, 2, 9, 3, 2),
                                                                 (8, 8, 2, (8, 7), 5, 1)])
def test_mobilenet_block_cost_matches_torch(c_in, c_out, stride, size, k, mult):
    block = nn.Sequential(nn.Conv2d(c_in, c_in * mult, k, stride, k // 2, groups=c_in, bias=False),
                          nn.Conv2d(c_in * mult, c_out, 1, bias=False))
    shape = (size, size) if isinstance(size, int) else size
    cost, _ = _torch_cost(block, (c_in, *shape))
    assert ar.mobilenet_block_cost(c_in, c_out, stride, size, k, mult) == cost


class _ShuffleUnit(nn.Module):
    def __init__(self, c_in, c_out, g, m, stride, g1):
        super().__init__()
        expand = c_out if stride == 1 else c_out - c_in
        self.stride = stride
        self.body = nn.Sequential(nn.Conv2d(c_in, m, 1, groups=g1, bias=False),
                                  nn.ChannelShuffle(g1),
                                  nn.Conv2d(m, m, 3, stride, 1, groups=m, bias=False),
                                  nn.Conv2d(m, expand, 1, groups=g, bias=False))

    def forward(self, x):
        if self.stride == 1:
            return x + self.body(x)
        return torch.cat([F.avg_pool2d(x, 3, 2, 1), self.body(x)], dim=1)


@pytest.mark.parametrize("c_in, c_out, g, m, stride, size, g1", [
    (240, 240, 3, None, 1, 7, None),
    (240, 480, 3, None, 2, 8, None),
    (24, 240, 3, 60, 2, 9, 1),
    (32, 32, 4, 16, 1, (5, 6), None),
])
def test_shufflenet_unit_cost_matches_torch(c_in, c_out, g, m, stride, size, g1):
    unit = _ShuffleUnit(c_in, c_out, g, m or c_out // 4, stride, g1 or g)
    shape = (size, size) if isinstance(size, int) else size
    cost, out = _torch_cost(unit, (c_in, *shape))
    assert out[1] == c_out
    assert ar.shufflenet_unit_cost(c_in, c_out, g, m, stride, size, g1) == cost


def test_shufflenet_unit_matches_paper_formula():
    # Zhang et al. 2018: h w (2 c m / g + 9 m) for a stride-1 unit
    h = w = 28
    c, m, g = 240, 60, 3
    paper = h * w * (2 * c * m // g + 9 * m)
    assert ar.shufflenet_unit_cost(c, c, g, m, input_size=h).macs == paper
    assert ar.resnet_bottleneck_cost(c, m, input_size=h).macs == h * w * (2 * c * m + 9 * m * m)


# --------------------------------------------------------------------------- #
# memory access against the tensors a torch layer reads and writes
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize("c_in, c_out, k, stride, padding, groups, bias, size", [
    (128, 128, 1, 1, 0, 1, False, 56),        # ShuffleNet V2, Table 2, g = 1
    (360, 360, 1, 1, 0, 8, False, 56),        # ... g = 8
    (60, 60, 3, 2, 1, 60, False, (7, 9)),     # depthwise, stride 2
    (6, 4, (3, 1), 1, 0, 2, True, (5, 6)),
])
def test_conv_memory_access_counts_the_tensors_torch_touches(c_in, c_out, k, stride, padding, groups, bias, size):
    conv = nn.Conv2d(c_in, c_out, k, stride=stride, padding=padding, groups=groups, bias=bias, device="meta")
    shape = (size, size) if isinstance(size, int) else size
    x = torch.empty(1, c_in, *shape, device="meta")
    y = conv(x)
    touched = x.numel() + y.numel() + sum(p.numel() for p in conv.parameters())
    assert ar.conv_memory_access(c_in, c_out, k, size, tuple(y.shape[2:]), groups, bias) == touched


def test_conv_memory_access_is_shufflenet_v2_equation_2():
    # Ma et al. 2018, eq. 2: MAC = hw (c1 + c2) + c1 c2 / g for a 1x1 group convolution
    for g, c in [(1, 128), (2, 180), (4, 256), (8, 360)]:
        assert ar.conv_memory_access(c, c, 1, 56, groups=g) == 56 * 56 * (c + c) + c * c // g


def test_elementwise_memory_access_counts_maps_read_and_written():
    x = torch.empty(1, 240, 28, 28, device="meta")
    assert ar.elementwise_memory_access(240, 28) == 2 * x.numel()             # relu(x): read, write
    assert ar.elementwise_memory_access(240, (28, 28), inputs=2) == 3 * x.numel()  # x + y
    assert ar.elementwise_memory_access(3, (4,)) == 2 * 3 * 4                   # 1D map


@pytest.mark.parametrize("call, error, name", [
    (lambda: ar.conv_memory_access(6, 4, 1, 8, groups=4), ValueError, "groups"),
    (lambda: ar.conv_memory_access(6, 4, 1, 0), ValueError, "input_size"),
    (lambda: ar.conv_memory_access(6, 4, 1, (8, 8), output_size=(4, 4, 4)), ValueError, "same length"),
    (lambda: ar.conv_memory_access(6, 4, 1, 8, bias=1), TypeError, "bias"),
    (lambda: ar.elementwise_memory_access(0, 8), ValueError, "channels"),
    (lambda: ar.elementwise_memory_access(4, 8, inputs=0), ValueError, "inputs"),
    (lambda: ar.elementwise_memory_access(4, 2.5), TypeError, "size"),
])
def test_memory_access_bad_input(call, error, name):
    with pytest.raises(error, match=name):
        call()


def test_cost_addition():
    assert ar.Cost(1, 2) + ar.Cost(3, 4) == ar.Cost(4, 6)
    with pytest.raises(TypeError):
        ar.Cost(1, 2) + 3


# --------------------------------------------------------------------------- #
# bad input: one test per rule
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize("name, kwargs", [
    ("stride", dict(stride=0)),
    ("dilation", dict(dilation=0)),
    ("padding", dict(padding=-1)),
    ("input_size", dict(input_size=0)),
    ("kernel_size", dict(kernel_size=0)),
])
def test_non_positive_arguments_raise_value_error(name, kwargs):
    args = dict(input_size=8, kernel_size=3) | kwargs
    with pytest.raises(ValueError, match=name):
        ar.conv_output_size(**args)


@pytest.mark.parametrize("name, kwargs", [
    ("stride", dict(stride=1.5)),
    ("kernel_size", dict(kernel_size="3")),
    ("padding", dict(padding=None)),
    ("dilation", dict(dilation=True)),
])
def test_non_integer_arguments_raise_type_error(name, kwargs):
    args = dict(input_size=8, kernel_size=3) | kwargs
    with pytest.raises(TypeError, match=name):
        ar.conv_output_size(**args)


def test_unknown_padding_string():
    with pytest.raises(ValueError, match="padding"):
        ar.conv_output_size(8, 3, padding="half")


def test_same_padding_with_stride_raises_like_torch():
    with pytest.raises(RuntimeError):
        F.conv1d(torch.zeros(1, 1, 8), torch.zeros(1, 1, 3), stride=2, padding="same")
    with pytest.raises(ValueError, match="stride"):
        ar.conv_output_size(8, 3, stride=2, padding="same")


def test_kernel_larger_than_padded_input():
    with pytest.raises(ValueError, match="kernel_size"):
        ar.conv_output_size(3, 5, padding=0)


def test_tuple_length_mismatch():
    with pytest.raises(ValueError, match="input_size.*kernel_size"):
        ar.conv_output_size((8, 8), (3, 3, 3))
    with pytest.raises(ValueError, match="stride"):
        ar.tf_same_padding((8, 8), 3, stride=(1, 2, 3))


def test_empty_tuple_is_refused():
    with pytest.raises(ValueError, match="kernel_size"):
        ar.conv_params(3, 4, ())


def test_output_padding_must_be_smaller_than_stride_or_dilation():
    with pytest.raises(RuntimeError):
        F.conv_transpose1d(torch.zeros(1, 1, 4), torch.zeros(1, 1, 3), stride=2, output_padding=2)
    with pytest.raises(ValueError, match="output_padding"):
        ar.conv_transpose_output_size(4, 3, stride=2, output_padding=2)


def test_transposed_output_size_non_positive():
    with pytest.raises(ValueError, match="padding"):
        ar.conv_transpose_output_size(1, 1, padding=1)


@pytest.mark.parametrize("layers, exc, name", [
    (3, TypeError, "layers"),
    ([(3,)], TypeError, r"layers\[0\]"),
    ([(3, 1), (3, 0)], ValueError, r"layers\[1\] stride"),
    ([(0, 1)], ValueError, r"layers\[0\] kernel_size"),
    ([(3, 1, 1.0)], TypeError, r"layers\[0\] dilation"),
])
def test_receptive_field_bad_layers(layers, exc, name):
    with pytest.raises(exc, match=name):
        ar.receptive_field(layers)


def test_groups_must_divide_channels():
    with pytest.raises(ValueError, match="in_channels"):
        ar.conv_params(6, 8, 3, groups=4)
    with pytest.raises(ValueError, match="out_channels"):
        ar.conv_params(8, 6, 3, groups=4)
    with pytest.raises(ValueError, match="groups"):
        ar.conv_params(8, 8, 3, groups=0)


def test_bias_must_be_bool():
    with pytest.raises(TypeError, match="bias"):
        ar.conv_params(3, 4, 3, bias=1)


def test_shufflenet_unit_rules():
    with pytest.raises(ValueError, match="stride"):
        ar.shufflenet_unit_cost(240, 240, 3, stride=3)
    with pytest.raises(ValueError, match="out_channels"):
        ar.shufflenet_unit_cost(240, 480, 3, stride=1)
    with pytest.raises(ValueError, match="out_channels"):
        ar.shufflenet_unit_cost(240, 240, 3, stride=2)
    with pytest.raises(ValueError, match="groups"):
        ar.shufflenet_unit_cost(240, 240, 7)


@pytest.mark.parametrize("stride", [1.0, 2.0, "1", None, True])
def test_shufflenet_unit_cost_stride_of_the_wrong_type_is_a_type_error(stride):
    with pytest.raises(TypeError, match=r"\bstride\b"):
        ar.shufflenet_unit_cost(240, 240, 3, stride=stride)

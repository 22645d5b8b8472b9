"""convkit.comparison.layer_table against the torch.nn modules of each row.

Parameter counts and weight shapes from the modules, multiply-adds from
PyTorch's FLOP counter (halved), output shapes from a forward pass on the
meta device, receptive fields and channels seen from autograd. The Part V
rows are refereed the same way by torch modules written here (a causal
``Conv1d`` after left padding, deformable sampling with ``grid_sample``,
RepVGG's branches, a mixed kernel, rotated filters, ``GCNConv``), and the
graph row's edges are counted from the grid's definition.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.flop_counter import FlopCounterMode

from convkit.comparison import LAYER_TYPES, PART_V_TYPES, LayerRow, layer_table


def torch_layer(name, c_in, c_out, k, g, d, s, device="meta"):
    """The torch.nn module of a row of layer_table (bias=False)."""
    p = k // 2
    kw = dict(bias=False, device=device, dtype=torch.float64)
    return {
        "standard": lambda: nn.Conv2d(c_in, c_out, k, padding=p, **kw),
        "1x1": lambda: nn.Conv2d(c_in, c_out, 1, **kw),
        "3D": lambda: nn.Conv3d(c_in, c_out, k, padding=p, **kw),
        "dilated": lambda: nn.Conv2d(c_in, c_out, k, padding=d * (k - 1) // 2, dilation=d, **kw),
        "transposed": lambda: nn.ConvTranspose2d(c_in, c_out, k, stride=s, padding=p,
                                                 output_padding=s - 1, **kw),
        "spatially separable": lambda: nn.Sequential(
            nn.Conv2d(c_in, c_out, (k, 1), padding=(p, 0), **kw),
            nn.Conv2d(c_out, c_out, (1, k), padding=(0, p), **kw)),
        "depthwise": lambda: nn.Conv2d(c_in, c_out, k, padding=p, groups=c_in, **kw),
        "depthwise separable": lambda: nn.Sequential(
            nn.Conv2d(c_in, c_in, k, padding=p, groups=c_in, **kw), nn.Conv2d(c_in, c_out, 1, **kw)),
        "flattened": lambda: nn.Sequential(
            nn.Conv2d(c_in, c_out, 1, **kw),
            nn.Conv2d(c_out, c_out, (k, 1), padding=(p, 0), groups=c_out, **kw),
            nn.Conv2d(c_out, c_out, (1, k), padding=(0, p), groups=c_out, **kw)),
        "grouped": lambda: nn.Conv2d(c_in, c_out, k, padding=p, groups=g, **kw),
        "shuffled grouped": lambda: nn.Sequential(
            nn.Conv2d(c_in, c_out, k, padding=p, groups=g, **kw), nn.ChannelShuffle(g)),
        "pointwise grouped": lambda: nn.Conv2d(c_in, c_out, 1, groups=g, **kw),
    }[name]()


CONFIGS = [
    dict(in_channels=64, out_channels=64, kernel_size=3, input_size=56, groups=8, dilation=2,
         stride=2, depth=4),
    dict(in_channels=12, out_channels=24, kernel_size=5, input_size=15, groups=3, dilation=3,
         stride=3, depth=5),
    dict(in_channels=4, out_channels=4, kernel_size=1, input_size=7, groups=2, dilation=2,
         stride=2, depth=1),
    dict(in_channels=6, out_channels=6, kernel_size=3, input_size=3, groups=6, dilation=1,
         stride=1, depth=3),
]


def _module_for(row: LayerRow, cfg: dict, device="meta") -> nn.Module:
    return torch_layer(row.name, cfg["in_channels"], cfg["out_channels"], cfg["kernel_size"],
                       cfg["groups"], cfg["dilation"], cfg["stride"], device=device)


def _input(row: LayerRow, cfg: dict, device="meta", requires_grad=False) -> torch.Tensor:
    i = cfg["input_size"]
    spatial = (cfg["depth"], i, i) if row.name == "3D" else (i, i)
    if device == "meta":
        return torch.empty(1, cfg["in_channels"], *spatial, device="meta", dtype=torch.float64)
    return torch.zeros(1, cfg["in_channels"], *spatial, dtype=torch.float64,
                       requires_grad=requires_grad)


def test_rows_are_the_layer_types_in_order():
    assert [r.name for r in layer_table()] == list(LAYER_TYPES) + list(PART_V_TYPES)
    assert [r.name for r in layer_table(part_v=False)] == list(LAYER_TYPES)
    assert len(LAYER_TYPES) == 12 and len(PART_V_TYPES) == 10
    assert [r.chapter for r in layer_table()[12:]] == [16, 16, 17, 17, 18, 18, 18, 19, 19, 20]


@pytest.mark.parametrize("cfg", CONFIGS, ids=range(len(CONFIGS)))
def test_counts_and_shapes_match_torch(cfg):
    for row in layer_table(**cfg, part_v=False):
        module = _module_for(row, cfg)
        weights = [p for p in module.parameters()]
        assert tuple(tuple(w.shape) for w in weights) == row.weight_shapes, row.name
        assert sum(w.numel() for w in weights) == row.params, row.name
        with FlopCounterMode(display=False) as counter:
            y = module(_input(row, cfg))
        assert counter.get_total_flops() == 2 * row.macs, row.name
        assert tuple(y.shape[1:]) == row.output_shape, row.name


@pytest.mark.parametrize("cfg", CONFIGS[1:], ids=range(1, len(CONFIGS)))
def test_receptive_field_and_channels_seen_by_autograd(cfg):
    torch.manual_seed(0)
    for row in layer_table(**cfg, part_v=False):
        module = _module_for(row, cfg, device="cpu")
        with torch.no_grad():
            for w in module.parameters():
                w.uniform_(0.5, 1.5)  # positive: no cancellation hides a dependency
        fields = np.zeros(len(row.receptive_field), dtype=int)
        channels = 0
        out_spatial = module(_input(row, cfg, device="cpu")).shape[2:]
        # the first and the last output channel, at the pixels around the centre (every
        # phase of a stride up to 3)
        centre = [n // 2 for n in out_spatial]
        near = [range(max(c - 1, 0), min(c + 2, n)) for c, n in zip(centre, out_spatial)]
        for f in (0, row.output_shape[0] - 1):
            for index in itertools.product(*near):
                x = _input(row, cfg, device="cpu", requires_grad=True)
                module(x)[(0, f, *index)].backward()
                touched = torch.nonzero(x.grad[0])      # (n, 1 + spatial): channel, position
                if len(touched) == 0:                   # a transposed layer with k < s
                    continue
                spans = touched[:, 1:].max(0).values - touched[:, 1:].min(0).values + 1
                fields = np.maximum(fields, spans.numpy())
                channels = max(channels, len(torch.unique(touched[:, 0])))
        assert tuple(int(v) for v in fields) == row.receptive_field, row.name
        assert channels == row.channels_seen, row.name


def test_the_reference_layer():
    rows = {r.name: r for r in layer_table()}
    assert rows["standard"].params == 64 * 64 * 9
    assert rows["standard"].macs == 64 * 64 * 9 * 56 * 56
    assert rows["depthwise separable"].params == 64 * 9 + 64 * 64
    assert rows["transposed"].output_shape == (64, 112, 112)
    assert rows["dilated"].receptive_field == (5, 5)
    assert rows["3D"].output_shape == (64, 4, 56, 56)


@pytest.mark.parametrize("kwargs, error", [
    (dict(kernel_size=4), ValueError),
    (dict(groups=5), ValueError),
    (dict(in_channels=64, out_channels=96, groups=32), ValueError),
    (dict(input_size=0), ValueError),
    (dict(kernel_size=3.0), TypeError),
    (dict(groups=True), TypeError),
    (dict(in_channels=6, out_channels=6, groups=2), ValueError),   # p4 rows need multiples of 4
    (dict(part_v=1), TypeError),
])
def test_bad_arguments_raise(kwargs, error):
    with pytest.raises(error):
        layer_table(**kwargs)


# --------------------------------------------------------------------------- #
# Part V preview rows (chapters 16-20), each against a torch module written here
# --------------------------------------------------------------------------- #
PART_V_CONFIGS = CONFIGS[:3]     # channel counts divisible by 4 (the p4 rows)
F64 = dict(dtype=torch.float64)


class Causal(nn.Module):
    """Causal conv1d layers: left padding d (k - 1), then nn.Conv1d (chapter 16)."""

    def __init__(self, c_in, c_out, k, dilations):
        super().__init__()
        self.pads = [d * (k - 1) for d in dilations]
        self.convs = nn.ModuleList(nn.Conv1d(c_in if n == 0 else c_out, c_out, k, dilation=d,
                                             bias=False, **F64) for n, d in enumerate(dilations))

    def forward(self, x):                                    # (N, C_in, L) -> (N, C_out, L)
        for pad, conv in zip(self.pads, self.convs):
            x = conv(F.pad(x, (pad, 0)))
        return x


class Deformable(nn.Module):
    """Offset (and mask) branch, bilinear sampling by grid_sample, then the k x k products."""

    def __init__(self, c_in, c_out, k, masks):
        super().__init__()
        self.k, self.masks = k, masks
        self.conv = nn.Conv2d(c_in, c_out, k, bias=False, **F64)   # applied to k x k sampled patches
        self.branch = nn.Conv2d(c_in, (3 if masks else 2) * k * k, k, padding=k // 2, bias=False, **F64)
        self.offset_scale = 0.0                                  # 0: the ordinary convolution

    def forward(self, x):                                    # (1, C_in, H, W) -> (1, C_out, H, W)
        k, (h, w) = self.k, x.shape[2:]
        out = self.branch(x)
        offsets = self.offset_scale * torch.tanh(out[:, :2 * k * k])     # (1, 2 k^2, H, W)
        u, v = torch.meshgrid(torch.arange(h, **F64), torch.arange(w, **F64), indexing="ij")
        taps = []
        for t, (m, n) in enumerate(itertools.product(range(k), repeat=2)):
            rows = u + m - k // 2 + offsets[0, 2 * t]
            cols = v + n - k // 2 + offsets[0, 2 * t + 1]
            grid = torch.stack([2 * cols / max(w - 1, 1) - 1, 2 * rows / max(h - 1, 1) - 1], -1)
            sample = F.grid_sample(x, grid[None], align_corners=True)    # (1, C_in, H, W)
            if self.masks:
                sample = sample * torch.sigmoid(out[:, 2 * k * k + t])[:, None]
            taps.append(sample)
        patches = torch.stack(taps, -1).reshape(1, x.shape[1], h, w, k, k)  # (1, C_in, H, W, k, k)
        patches = patches.permute(0, 2, 3, 1, 4, 5).reshape(h * w, x.shape[1], k, k)
        return self.conv(patches).reshape(h, w, -1).permute(2, 0, 1)[None]


class RepVGG(nn.Module):
    """RepVGG's training block: k x k + BN, 1 x 1 + BN, BN identity (if C_in == C_out), summed."""

    def __init__(self, c_in, c_out, k):
        super().__init__()
        self.dense = nn.Sequential(nn.Conv2d(c_in, c_out, k, padding=k // 2, bias=False, **F64),
                                   nn.BatchNorm2d(c_out, **F64))
        self.pointwise = nn.Sequential(nn.Conv2d(c_in, c_out, 1, bias=False, **F64),
                                       nn.BatchNorm2d(c_out, **F64))
        self.identity = nn.BatchNorm2d(c_out, **F64) if c_in == c_out else None

    def forward(self, x):
        y = self.dense(x) + self.pointwise(x)
        return y if self.identity is None else y + self.identity(x)


class Dynamic(nn.Module):
    """E kernels mixed by softmax(Linear(mean over pixels)), then one convolution (chapter 18)."""

    def __init__(self, c_in, c_out, k, e):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(e, c_out, c_in, k, k, **F64))
        self.route = nn.Linear(c_in, e, **F64)
        self.attention = None                     # None: from the input; else fixed (E,)

    def forward(self, x):
        a = self.attention if self.attention is not None else torch.softmax(
            self.route(x.mean((2, 3)))[0], 0)
        kernel = torch.einsum("e,eoikl->oikl", a, self.weight)
        return F.conv2d(x, kernel, padding=self.weight.shape[-1] // 2)


class P4(nn.Module):
    """Lifting or group p4 layer as one conv2d with the 4 rotated filters (Cohen & Welling)."""

    def __init__(self, c_in, c_out, k, lifting):
        super().__init__()
        shape = (c_out, c_in, k, k) if lifting else (c_out, c_in, 4, k, k)
        self.weight, self.lifting = nn.Parameter(torch.randn(shape, **F64)), lifting

    def forward(self, x):     # (N, C_in, H, H) or (N, C_in, 4, H, H) -> (N, C_out, 4, H, H)
        w, k = self.weight, self.weight.shape[-1]
        if self.lifting:
            filters = [torch.rot90(w, r, (-2, -1)) for r in range(4)]
        else:   # rotate spatially and shift the rotation axis cyclically
            filters = [torch.roll(torch.rot90(w, r, (-2, -1)), r, 2).reshape(w.shape[0], -1, k, k)
                       for r in range(4)]
            x = x.reshape(x.shape[0], -1, *x.shape[-2:])                   # (N, 4 C_in, H, H)
        y = F.conv2d(x, torch.stack(filters, 1).reshape(-1, x.shape[1], k, k), padding=k // 2)
        return y.reshape(y.shape[0], w.shape[0], 4, *y.shape[-2:])


def _part_v_case(name, cfg):
    """(module, input) of a Part V row, on the CPU in float64."""
    c_in, c_out, k, i = (cfg[key] for key in ("in_channels", "out_channels", "kernel_size",
                                              "input_size"))
    image = torch.randn(1, c_in, i, i, **F64)
    sequence = torch.randn(1, c_in, i * i, **F64)
    return {
        "causal": lambda: (Causal(c_in, c_out, k, [1]), sequence),
        "dilated causal stack": lambda: (Causal(c_in, c_out, k, [1, 2, 4, 8]), sequence),
        "deformable v1": lambda: (Deformable(c_in, c_out, k, masks=False), image),
        "deformable v2": lambda: (Deformable(c_in, c_out, k, masks=True), image),
        "RepVGG, training": lambda: (RepVGG(c_in, c_out, k).eval(), image),
        "RepVGG, merged": lambda: (nn.Conv2d(c_in, c_out, k, padding=k // 2, **F64), image),
        "dynamic": lambda: (Dynamic(c_in, c_out, k, 4), image),
        "p4 lifting": lambda: (P4(c_in, c_out // 4, k, lifting=True), image),
        "p4 group": lambda: (P4(c_in // 4, c_out // 4, k, lifting=False),
                             torch.randn(1, c_in // 4, 4, i, i, **F64)),
    }[name]()


def _weights(module):
    """The convolution weights of a module: no bias, no batch norm, no attention layer."""
    return [p for name, p in module.named_parameters()
            if name.endswith("weight") and p.dim() > 2 and "route" not in name]


@pytest.mark.parametrize("cfg", PART_V_CONFIGS, ids=range(len(PART_V_CONFIGS)))
@pytest.mark.parametrize("name", [n for n in PART_V_TYPES if n != "graph (GCN)"])
def test_part_v_counts_shapes_and_fields_match_torch(name, cfg):
    torch.manual_seed(0)
    row = {r.name: r for r in layer_table(**cfg)}[name]
    module, x = _part_v_case(name, cfg)
    if name == "dynamic":
        module.attention = torch.full((4,), 0.25, **F64)   # the attention is not counted
    weights = _weights(module)
    assert tuple(tuple(w.shape) for w in weights) == row.weight_shapes
    assert sum(w.numel() for w in weights) == row.params
    with FlopCounterMode(display=False) as counter, torch.no_grad():
        y = module(x)
    # the deformable module's k x k products run on patches: the same count as a conv's
    assert counter.get_total_flops() == 2 * row.macs
    assert tuple(y.shape[1:]) == row.output_shape
    # what one output (first channel, the middle position) depends on, by autograd
    module.attention = None                                 # the dynamic row: with its attention
    with torch.no_grad():
        for w in weights:
            w.uniform_(0.5, 1.5)                            # positive: no cancellation
    x = x.clone().requires_grad_(True)
    y = module(x)
    n_spatial = 1 if "causal" in name else 2
    middle = [n // 2 for n in y.shape[-n_spatial:]]
    if n_spatial == 1:
        middle = [y.shape[-1] - 1]                          # the last step sees a full field
    index = (0, 0, *([0] if name.startswith("p4") else []), *middle)   # rotation 0 for p4
    y[index].backward()
    touched = torch.nonzero(x.grad[0])                      # (n, channel [, rotation], spatial)
    spatial = touched[:, -n_spatial:]
    field = tuple(int(v) for v in spatial.max(0).values - spatial.min(0).values + 1)
    maps = len(torch.unique(touched[:, :-n_spatial], dim=0))     # (channel, rotation) pairs
    assert maps == row.channels_seen
    if row.receptive_field is None:                         # deformable: zero offsets give k x k
        assert field == (cfg["kernel_size"],) * 2 and "offsets" in row.notes
    else:
        assert field == row.receptive_field


def test_deformable_field_is_not_a_fixed_window():
    torch.manual_seed(0)
    module, x = _part_v_case("deformable v1", CONFIGS[1])
    module.offset_scale = 3.0                               # offsets up to 3 pixels
    x = x.clone().requires_grad_(True)
    module(x)[0, 0, 7, 7].backward()
    touched = torch.nonzero(x.grad[0])[:, 1:]
    span = touched.max(0).values - touched.min(0).values + 1
    assert int(span.max()) > CONFIGS[1]["kernel_size"]     # reaches outside the 5 x 5 window
    assert layer_table(**CONFIGS[1])[14].receptive_field is None


@pytest.mark.parametrize("cfg", PART_V_CONFIGS, ids=range(len(PART_V_CONFIGS)))
def test_graph_row_against_gcnconv_and_the_grid(cfg):
    gcn_conv = pytest.importorskip("torch_geometric.nn").GCNConv
    c_in, c_out, k, i = (cfg[key] for key in ("in_channels", "out_channels", "kernel_size",
                                              "input_size"))
    row = layer_table(**cfg)[-1]
    layer = gcn_conv(c_in, c_out, bias=False)
    assert tuple(tuple(p.shape) for p in layer.parameters()) == row.weight_shapes
    assert sum(p.numel() for p in layer.parameters()) == row.params
    # edges of the i x i grid whose pixels are joined within a k x k window, self included:
    # per axis, position u has min(u, p) + 1 + min(i - 1 - u, p) neighbours
    p = k // 2
    per_axis = sum(min(u, p) + 1 + min(i - 1 - u, p) for u in range(i))
    edges = per_axis ** 2
    # y = A_hat (x Theta^T): one product per node and weight, one per edge and output channel
    assert row.macs == i * i * c_in * c_out + edges * c_out
    assert row.output_shape == (c_out, i * i) and row.channels_seen == c_in
    assert row.receptive_field is None and "1 hop" in row.notes


def test_the_part_v_reference_rows():
    rows = {r.name: r for r in layer_table()}
    standard = rows["standard"]
    # weight sharing over rotations: a quarter of the weights for the same multiply-adds
    for name in ("p4 lifting", "p4 group"):
        assert rows[name].params * 4 == standard.params and rows[name].macs == standard.macs
    assert rows["RepVGG, merged"].macs == standard.macs
    assert rows["RepVGG, training"].macs == standard.macs + 64 * 64 * 56 * 56
    assert rows["dilated causal stack"].receptive_field == (1 + 2 * (1 + 2 + 4 + 8),)
    assert rows["dynamic"].params == 4 * standard.params
    assert rows["graph (GCN)"].macs == 56 * 56 * 64 * 64 + (3 * 56 - 2) ** 2 * 64

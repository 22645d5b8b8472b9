"""convkit.comparison.layer_table against the torch.nn modules of each row.

Parameter counts and weight shapes from the modules, multiply-adds from
PyTorch's FLOP counter (halved), output shapes from a forward pass on the
meta device, receptive fields and channels seen from autograd.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import torch
from torch import nn
from torch.utils.flop_counter import FlopCounterMode

from convkit.comparison import LAYER_TYPES, LayerRow, layer_table


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
    assert [r.name for r in layer_table()] == list(LAYER_TYPES)
    assert len(LAYER_TYPES) == 12


@pytest.mark.parametrize("cfg", CONFIGS, ids=range(len(CONFIGS)))
def test_counts_and_shapes_match_torch(cfg):
    for row in layer_table(**cfg):
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
    for row in layer_table(**cfg):
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
])
def test_bad_arguments_raise(kwargs, error):
    with pytest.raises(error):
        layer_table(**kwargs)

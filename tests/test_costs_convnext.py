"""convkit.costs.convnext_block_cost against a torch.nn ConvNeXt block: parameter count and FLOP counter."""

from __future__ import annotations

import pytest
import torch
from torch.utils.flop_counter import FlopCounterMode

from convkit.costs import convnext_block_cost


def convnext_convolutions(c, k, e, bias):
    """The block's three convolutions as torch.nn layers (norm, GELU and layer scale left out)."""
    return torch.nn.Sequential(
        torch.nn.Conv2d(c, c, k, padding=k // 2, groups=c, bias=bias),
        torch.nn.Conv2d(c, e * c, 1, bias=bias),
        torch.nn.Conv2d(e * c, c, 1, bias=bias),
    )


@pytest.mark.parametrize("c, size, k, e, bias", [(96, 56, 7, 4, False), (8, 9, 3, 2, True), (5, 7, 5, 1, False)])
def test_matches_torch(c, size, k, e, bias):
    block = convnext_convolutions(c, k, e, bias)
    cost = convnext_block_cost(c, size, k, e, bias)
    assert cost.params == sum(p.numel() for p in block.parameters())
    with FlopCounterMode(display=False) as counter, torch.no_grad():
        out = block(torch.zeros(1, c, size, size))
    assert out.shape == (1, c, size, size)
    assert 2 * cost.macs == counter.get_total_flops()


def test_bad_expansion():
    with pytest.raises(ValueError, match="expansion"):
        convnext_block_cost(8, expansion=0)

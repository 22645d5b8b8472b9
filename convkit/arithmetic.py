"""Convolution arithmetic, in one import: :mod:`convkit.sizes` and :mod:`convkit.costs`.

The chapters import from here (``from convkit.arithmetic import
conv_output_size``); the formulas live in two modules with one job each:
:mod:`convkit.sizes` (output sizes, padding, receptive fields; chapters 3, 6
and 7) and :mod:`convkit.costs` (parameters and multiply-adds; chapters 5
and 9-13).
"""

from .costs import (
    Cost, conv_cost, conv_macs, conv_params, depthwise_conv_cost, depthwise_separable_cost,
    flattened_cost, grouped_conv_cost, inception_bottleneck_cost, mobilenet_block_cost,
    pointwise_conv_cost, resnet_bottleneck_cost, shufflenet_unit_cost, spatially_separable_cost,
)
from .sizes import (
    conv_output_size, conv_transpose_output_size, effective_kernel_size, full_padding,
    receptive_field, receptive_field_table, same_padding, tf_same_padding,
)

__all__ = [
    "Cost", "conv_cost", "conv_macs", "conv_output_size", "conv_params",
    "conv_transpose_output_size", "depthwise_conv_cost", "depthwise_separable_cost",
    "effective_kernel_size", "flattened_cost", "full_padding", "grouped_conv_cost",
    "inception_bottleneck_cost", "mobilenet_block_cost", "pointwise_conv_cost", "receptive_field",
    "receptive_field_table", "resnet_bottleneck_cost", "same_padding", "shufflenet_unit_cost",
    "spatially_separable_cost", "tf_same_padding",
]

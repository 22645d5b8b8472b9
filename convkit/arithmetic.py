"""Deprecated: the arithmetic lives in :mod:`convkit.sizes` and :mod:`convkit.costs`.

``from convkit.arithmetic import conv_output_size`` still works and warns;
import from :mod:`convkit.sizes` (output sizes, padding, receptive fields) or
:mod:`convkit.costs` (parameters and multiply-adds) instead.
"""

from ._compat import moved

__all__: list[str] = []

__getattr__ = moved("convkit.arithmetic", {
    **dict.fromkeys([
        'Cost', 'conv_cost', 'conv_macs', 'conv_params', 'depthwise_conv_cost',
        'depthwise_separable_cost', 'flattened_cost', 'grouped_conv_cost',
        'inception_bottleneck_cost', 'mobilenet_block_cost', 'pointwise_conv_cost',
        'resnet_bottleneck_cost', 'shufflenet_unit_cost', 'spatially_separable_cost'
    ], "convkit.costs"),
    **dict.fromkeys([
        'conv_output_size', 'conv_transpose_output_size', 'effective_kernel_size',
        'full_padding', 'receptive_field', 'receptive_field_table', 'same_padding',
        'tf_same_padding'
    ], "convkit.sizes"),
})

"""convkit: the convolutions of the course *Types of Convolutions in Deep Learning*.

numpy in, numpy out, with the names, argument order, defaults and tensor
layouts of ``torch.nn.functional`` so that every result can be checked against
PyTorch in one line.
"""

__version__ = "0.1.0"

from types import ModuleType as _ModuleType

# Each module adds one import line below (keep them sorted by module name).
from .causal import (
    CausalConv1dStream, causal_conv1d, causal_conv1d_naive, causal_receptive_field,
)
from .channels import per_channel_maps, per_channel_maps_naive
from .conv import (
    ConvMethod, choose_conv_method, conv1d, conv1d_naive, conv2d, conv2d_im2col, conv2d_naive,
    conv3d, conv3d_naive, unfold,
)
from .conv_transpose import (
    conv_transpose1d, conv_transpose1d_naive, conv_transpose2d, conv_transpose2d_naive,
    conv_transpose3d, conv_transpose3d_naive,
)
from .correlation import (
    convolve1d, convolve1d_naive, convolve2d, convolve2d_naive, correlate1d, correlate1d_naive,
    correlate2d, correlate2d_naive, flip,
)
from .costs import (
    Cost, MethodCost, conv2d_method_costs, conv_cost, conv_macs, conv_memory_access, conv_params,
    convnext_block_cost, depthwise_conv_cost, depthwise_separable_cost, elementwise_memory_access,
    flattened_cost, grouped_conv_cost, inception_bottleneck_cost, mobilenet_block_cost,
    pointwise_conv_cost, resnet_bottleneck_cost, shufflenet_unit_cost, spatially_separable_cost,
)
from .deformable import (
    bilinear_sample, deform_conv2d, deform_conv2d_naive, deform_sampling_positions,
    deform_unfold,
)
from .dynamic import (
    dynamic_conv2d, dynamic_conv2d_naive, dynamic_conv_cost, kernel_attention,
)
from .equivariant import (
    group_conv2d_p4, group_conv2d_p4_naive, lift_conv2d_p4, lift_conv2d_p4_naive, p4_conv_cost,
    pool_rotations_p4, rotate_p4, rotated_filters_p4,
)
from .fft_conv import conv2d_fft, conv2d_fft_naive, fft_size
from .flattened import flatten_filter, flattened_conv2d, flattened_filter
from .gradients import conv2d_input_grad, conv2d_weight_grad, conv2d_weight_grad_naive
from .graph import (
    cheb_conv, chebyshev_coefficients, edge_index_to_adjacency, gcn_conv, gcn_conv_naive,
    gcn_norm, graph_fourier, grid_conv2d_message_passing, grid_graph, hop_distances, laplacian,
    polynomial_filter, ring_graph, spectral_filter,
)
from .grouped import (
    block_diagonal_weight, channel_shuffle, channel_shuffle_naive, grouped_conv2d,
    grouped_conv2d_naive, pointwise_grouped_conv2d, shuffle_permutation,
    shuffled_grouped_conv2d, shufflenet_unit, stack_reachability,
)
from .padding import pad, pad_naive, padded_conv2d
from .reparam import (
    BatchNorm, fold_batch_norm, identity_kernel, merge_branches, pad_kernel, repvgg_merge,
)
from .separable import (
    depthwise_conv2d, depthwise_conv2d_naive, depthwise_separable_conv2d, pointwise_conv2d,
)
from .sizes import (
    conv_output_size, conv_transpose_output_size, effective_kernel_size, full_padding,
    receptive_field, receptive_field_table, same_padding, tf_same_padding,
)
from .spatially_separable import (
    SOBEL_COLUMN, SOBEL_ROW, SOBEL_X, SOBEL_Y, is_separable, low_rank_kernel, separate_kernel,
    spatially_separable_conv2d,
)
from .transposed import (
    conv_matrix, conv_transpose2d_matrix, conv_transpose2d_scatter,
    conv_transpose2d_zero_insertion, overlap_counts, zero_insert,
)
from .upsampling import resize_conv2d, upsample_nearest
from .winograd import (
    WinogradCount, WinogradMatrices, winograd_conv2d, winograd_matrices,
    winograd_multiplies,
)

# The public names are the ones imported above (`from convkit import *`, the API
# pages and the tests read __all__); the submodules those imports bind are not.
__all__ = sorted(name for name, value in globals().items()
                 if not name.startswith("_") and not isinstance(value, _ModuleType))

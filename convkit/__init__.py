"""convkit: the convolutions of the course *Types of Convolutions in Deep Learning*.

numpy in, numpy out, with the names, argument order, defaults and tensor
layouts of ``torch.nn.functional`` so that every result can be checked against
PyTorch in one line.
"""

__version__ = "0.1.0"

# Each module adds one import line below (keep them sorted by module name).
from .conv import conv1d, conv1d_naive, conv2d, conv2d_naive, conv3d, conv3d_naive

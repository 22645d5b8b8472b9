"""Convolution on graphs: the grid as a graph, GCN, the graph Fourier basis, Chebyshev filters (chapter 20).

A graph with ``V`` nodes is given by its adjacency matrix, ``(V, V)``: a numpy array or a
``scipy.sparse`` matrix (scipy is needed for the sparse form only), with
``adjacency[i, j]`` the weight of the edge that carries a message from node ``j`` to
node ``i`` (row = receiver), so that ``adjacency @ x`` sums what every node receives. An undirected graph has a symmetric adjacency. An edge list
``(2, E)`` in torch_geometric's ``edge_index`` layout (row 0 the sources, row 1 the
targets) becomes a sparse adjacency with :func:`edge_index_to_adjacency`.

Node features are ``(V, C)`` for one graph signal with ``C`` channels, or ``(N, V, C)``
for a batch of ``N`` signals on the same graph (torch_geometric's layout, nodes on
axis -2). Weights are ``(C_out, C_in)``, as ``torch.nn.Linear`` stores them.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ._validation import (
    as_array, as_nd_array, check_bias, check_int, check_real, conv_operands, result_dtype,
)

try:  # scipy is optional: convkit needs it only for sparse adjacency matrices
    import scipy.sparse as sp
except ImportError:  # pragma: no cover - scipy is in requirements.txt
    sp = None

__all__ = [
    "cheb_conv",
    "chebyshev_coefficients",
    "edge_index_to_adjacency",
    "example_graph",
    "gcn_conv",
    "gcn_conv_naive",
    "gcn_norm",
    "graph_fourier",
    "grid_conv2d_message_passing",
    "grid_graph",
    "hop_distances",
    "laplacian",
    "polynomial_filter",
    "ring_graph",
    "spectral_filter",
]


# --------------------------------------------------------------------------- checks

def _issparse(value) -> bool:
    """True for a ``scipy.sparse`` matrix or array (False when scipy is not installed)."""
    return sp is not None and sp.issparse(value)


def _adjacency(adjacency, name="adjacency", nonnegative=False, symmetric=False):
    """Return ``(matrix, is_sparse)``: a square numeric adjacency, checked, as ndarray or CSR."""
    if _issparse(adjacency):
        if adjacency.dtype.kind not in "iuf":
            raise TypeError(f"{name} must hold integers or floats, got dtype {adjacency.dtype}")
        matrix, is_sparse = sp.csr_array(adjacency), True
    else:
        matrix, is_sparse = as_nd_array(adjacency, name, "V, V"), False
    rows, cols = matrix.shape
    if rows != cols:
        raise ValueError(f"{name} must be square (V, V), got shape {matrix.shape}")
    if rows == 0:
        raise ValueError(f"{name} must have at least one node, got shape {matrix.shape}")
    values = matrix.data if is_sparse else matrix
    if values.dtype.kind == "f" and not np.all(np.isfinite(values)):
        raise ValueError(f"{name} must hold finite values")
    if nonnegative and np.any(values < 0):
        raise ValueError(f"{name} must not hold negative edge weights here (degrees would be "
                         f"negative and have no square root)")
    if symmetric and abs(matrix - matrix.T).max() != 0:
        raise ValueError(f"{name} must be symmetric (an undirected graph)")
    return matrix, is_sparse


def _features(input, num_nodes):
    """Return ``(x, unbatched)`` with ``x`` of shape ``(N, V, C)``."""
    x = as_array(input, "input")
    if x.ndim not in (2, 3):
        raise ValueError(f"input must be 2D (V, C) or 3D (N, V, C), got shape {x.shape}")
    if x.shape[-2] != num_nodes:
        raise ValueError(f"input has {x.shape[-2]} nodes (axis -2) but the adjacency has "
                         f"{num_nodes}: they must match")
    if x.shape[-1] == 0:
        raise ValueError(f"input must have at least one channel, got shape {x.shape}")
    return (x[np.newaxis], True) if x.ndim == 2 else (x, False)   # (V, C) -> (1, V, C)


def _linear_weight(weight, in_channels):
    """A GCN weight checked to be ``(C_out, C_in)`` with ``C_in`` the input's channels."""
    w = as_nd_array(weight, "weight", "C_out, C_in", nonempty=True)
    if w.shape[1] != in_channels:
        raise ValueError(f"weight must have C_in = {in_channels} columns (the input's channels), "
                         f"got shape {w.shape}")
    return w


def _bias(bias, out_channels):
    """``bias`` as an array checked to be ``(C_out,)``, or None."""
    b = None if bias is None else as_array(bias, "bias")
    check_bias(b, out_channels)
    return b


def _propagate(matrix, x):
    """``matrix @ x`` for every signal of the batch: ``(V, V)`` times ``(N, V, C)``."""
    if _issparse(matrix):
        n, v, c = x.shape
        flat = x.transpose(1, 0, 2).reshape(v, n * c)             # (N, V, C) -> (V, N*C)
        out = np.asarray(matrix @ flat)                           # (V, N*C)
        return out.reshape(v, n, c).transpose(1, 0, 2)            # (V, N*C) -> (N, V, C)
    return np.einsum("ij,njc->nic", matrix, x)


def _diagonal(values, sparse):
    """A diagonal matrix holding ``values``, of their dtype: CSR if ``sparse``, else dense."""
    values = np.asarray(values)
    return sp.csr_array(sp.diags_array(values, dtype=values.dtype)) if sparse else np.diag(values)


def _degree(matrix):
    """The row sums of a dense or sparse matrix, ``(V,)``: what each node receives."""
    return np.asarray(matrix.sum(axis=1)).ravel()


def _with_self_loops(matrix):
    """``matrix`` plus a weight-1 self-loop at every node that has none (dense or sparse)."""
    missing = (matrix.diagonal() == 0).astype(matrix.dtype)
    return matrix + _diagonal(missing, _issparse(matrix))


def _scale_both_sides(matrix, degree):
    """``deg^-1/2 matrix deg^-1/2``, with ``deg^-1/2`` taken as 0 for a node of degree 0."""
    with np.errstate(divide="ignore"):
        scale = np.where(degree > 0, 1.0 / np.sqrt(degree), 0.0)
    if _issparse(matrix):
        scaling = _diagonal(scale, True)
        return sp.csr_array(scaling @ matrix @ scaling)
    return scale[:, None] * matrix * scale[None, :]


def _float_dtype(*arrays):
    """numpy's promotion of the operands, with integers promoted to float64."""
    dtype = result_dtype(*arrays)
    return np.dtype(np.float64) if dtype.kind in "iu" else dtype


# --------------------------------------------------------------------------- graphs

def grid_graph(height, width, kernel_size=3):
    """The ``height x width`` pixel grid as a graph whose edges are a ``k x k`` kernel's taps.

    Pixel ``(u, v)`` is node ``u * width + v`` (row-major, so ``x.reshape(C, H * W)`` puts
    node ``i`` in column ``i``). Node ``(u, v)`` receives one edge per tap ``(m, n)``
    whose source ``(u + m - p, v + n - p)``, ``p = (k - 1) // 2``, lies inside the grid;
    the centre tap is the self-loop. Taps that would read the zero padding have no edge.

    Parameters
    ----------
    height, width : int
        Grid size ``H x W``, at least 1.
    kernel_size : int, default 3
        Odd ``k``; ``k = 3`` gives the 9 neighbour offsets, self included.

    Returns
    -------
    edge_index : numpy.ndarray
        ``(2, E)`` int64: row 0 the source nodes, row 1 the targets.
    tap : numpy.ndarray
        ``(E,)`` int64: the tap ``m * k + n`` each edge stands for.

    Examples
    --------
    >>> edge_index, tap = grid_graph(2, 2)
    >>> edge_index.shape[1]   # every pixel of a 2 x 2 grid sees all four
    16
    """
    height = check_int(height, "height", minimum=1)
    width = check_int(width, "width", minimum=1)
    k = check_int(kernel_size, "kernel_size", minimum=1)
    if k % 2 == 0:
        raise ValueError(f"kernel_size must be odd (a centred kernel), got {k}")
    p = (k - 1) // 2
    u, v = np.meshgrid(np.arange(height), np.arange(width), indexing="ij")   # (H, W) each
    sources, targets, taps = [], [], []
    for m in range(k):
        for n in range(k):
            su, sv = u + m - p, v + n - p                   # the pixel tap (m, n) of (u, v) reads
            inside = (su >= 0) & (su < height) & (sv >= 0) & (sv < width)
            sources.append((su * width + sv)[inside])
            targets.append((u * width + v)[inside])
            taps.append(np.full(int(inside.sum()), m * k + n))
    edge_index = np.stack([np.concatenate(sources), np.concatenate(targets)]).astype(np.int64)
    return edge_index, np.concatenate(taps).astype(np.int64)


def ring_graph(num_nodes, directed=False):
    """Adjacency of the ring (cycle) graph on ``num_nodes`` nodes, as integers.

    Undirected: node ``i`` is joined to ``i - 1`` and ``i + 1`` (mod ``V``). Directed:
    one edge ``i - 1 -> i``, so ``(adjacency @ x)[i] = x[i - 1]``: the adjacency is the
    cyclic shift.

    Parameters
    ----------
    num_nodes : int
        ``V``, at least 3 (so that the two neighbours differ).
    directed : bool, default False
        The one-way ring (the shift) instead of the undirected one.

    Returns
    -------
    numpy.ndarray
        ``(V, V)`` int64.

    Examples
    --------
    >>> ring_graph(4)
    array([[0, 1, 0, 1],
           [1, 0, 1, 0],
           [0, 1, 0, 1],
           [1, 0, 1, 0]])
    """
    v = check_int(num_nodes, "num_nodes", minimum=3)
    shift = np.roll(np.eye(v, dtype=np.int64), 1, axis=0)   # shift[i, i - 1] = 1
    return shift if directed else shift + shift.T


def example_graph():
    """The small undirected graph of chapter 20's figures: 10 nodes, 13 edges.

    A cluster around a hub (node 2, degree 5) joined by a path to a triangle, so that
    degrees vary from 2 to 5 and hop distances from node 2 reach 4.

    Returns
    -------
    adjacency : numpy.ndarray
        ``(10, 10)`` int64, symmetric, zero diagonal.
    positions : numpy.ndarray
        ``(10, 2)`` float64: drawing coordinates of the nodes.
    """
    edges = [(0, 1), (0, 2), (0, 3), (1, 2), (1, 4), (2, 3), (2, 4), (2, 5), (5, 6), (6, 7),
             (7, 8), (7, 9), (8, 9)]
    adjacency = np.zeros((10, 10), dtype=np.int64)
    for i, j in edges:
        adjacency[i, j] = adjacency[j, i] = 1
    positions = np.array([[0.0, 2.1], [0.0, 0.8], [1.4, 1.5], [0.9, 2.9], [0.9, 0.1],
                          [2.7, 1.5], [3.9, 1.5], [5.1, 1.5], [6.0, 2.3], [6.0, 0.7]])
    return adjacency, positions


def edge_index_to_adjacency(edge_index, edge_weight=None, num_nodes=None):
    """A sparse adjacency from a ``(2, E)`` edge list (torch_geometric's ``edge_index``).

    Edge ``e`` carries a message from ``edge_index[0, e]`` to ``edge_index[1, e]``, so it
    lands in ``adjacency[edge_index[1, e], edge_index[0, e]]`` (row = receiver; note that
    torch_geometric's own ``to_scipy_sparse_matrix`` returns the transpose). Repeated
    edges add up, as torch_geometric's sum aggregation adds their messages.

    Parameters
    ----------
    edge_index : array_like
        ``(2, E)`` non-negative ints.
    edge_weight : array_like, optional
        ``(E,)``; ones if omitted.
    num_nodes : int, optional
        ``V``; one more than the largest node index if omitted.

    Returns
    -------
    scipy.sparse.csr_array
        ``(V, V)``.

    Examples
    --------
    >>> edge_index_to_adjacency([[0, 1], [1, 2]], num_nodes=3).toarray()
    array([[0, 0, 0],
           [1, 0, 0],
           [0, 1, 0]])
    """
    if sp is None:  # pragma: no cover - scipy is in requirements.txt
        raise ImportError("edge_index_to_adjacency needs scipy (pip install scipy)")
    index = as_array(edge_index, "edge_index")
    if index.dtype.kind not in "iu":
        raise TypeError(f"edge_index must hold integers, got dtype {index.dtype}")
    if index.ndim != 2 or index.shape[0] != 2:
        raise ValueError(f"edge_index must have shape (2, E), got {index.shape}")
    if index.size and index.min() < 0:
        raise ValueError("edge_index must not hold negative node indices")
    if num_nodes is None:
        num_nodes = int(index.max()) + 1 if index.size else 0
    num_nodes = check_int(num_nodes, "num_nodes", minimum=1)
    if index.size and index.max() >= num_nodes:
        raise ValueError(f"edge_index refers to node {int(index.max())} but num_nodes is {num_nodes}")
    if edge_weight is None:
        weight = np.ones(index.shape[1], dtype=np.int64)
    else:
        weight = as_array(edge_weight, "edge_weight")
        if weight.shape != (index.shape[1],):
            raise ValueError(f"edge_weight must have shape ({index.shape[1]},), one per edge, "
                             f"got {weight.shape}")
    coo = sp.coo_array((weight, (index[1], index[0])), shape=(num_nodes, num_nodes))
    return coo.tocsr()   # repeated entries are summed


def hop_distances(adjacency, source):
    """Hops from ``source`` to every node (breadth-first search); ``-1`` if unreachable.

    An edge ``j -> i`` (``adjacency[i, j] != 0``) is one hop from ``j`` to ``i``.

    Parameters
    ----------
    adjacency : array_like or scipy.sparse matrix
        ``(V, V)``.
    source : int
        The start node, ``0 <= source < V``.

    Returns
    -------
    numpy.ndarray
        ``(V,)`` int64.

    Examples
    --------
    >>> hop_distances(ring_graph(6), 0).tolist()
    [0, 1, 2, 3, 2, 1]
    """
    matrix, is_sparse = _adjacency(adjacency)
    v = matrix.shape[0]
    source = check_int(source, "source", minimum=0)
    if source >= v:
        raise ValueError(f"source must be a node index below {v}, got {source}")
    edges = (matrix.toarray() if is_sparse else matrix) != 0       # edges[i, j]: j -> i
    distance = np.full(v, -1, dtype=np.int64)
    distance[source] = 0
    frontier, hops = distance == 0, 0                              # the nodes reached last
    while frontier.any():
        hops += 1
        frontier = edges[:, frontier].any(axis=1) & (distance < 0)  # one hop on, not seen yet
        distance[frontier] = hops
    return distance


# --------------------------------------------------------------------------- a 3x3 convolution as message passing

def grid_conv2d_message_passing(input, weight, bias=None):
    """A ``k x k`` convolution with padding ``(k - 1) // 2`` computed as message passing on the grid graph.

    Every edge of :func:`grid_graph` carries the source pixel's channels through the
    weight matrix of its own tap, ``weight[:, :, m, n]`` ``(C_out, C_in)``; each pixel sums
    what it receives. The result equals ``torch.nn.functional.conv2d(input, weight, bias,
    padding=(k - 1) // 2)``.

    Parameters
    ----------
    input : array_like
        ``(N, C_in, H, W)`` or ``(C_in, H, W)``.
    weight : array_like
        ``(C_out, C_in, k, k)`` with ``k`` odd.
    bias : array_like, optional
        ``(C_out,)``.

    Returns
    -------
    numpy.ndarray
        ``(N, C_out, H, W)``, or ``(C_out, H, W)`` for unbatched input.

    Raises
    ------
    TypeError, ValueError
        Naming the argument: a non-numeric array, wrong ranks, an even or non-square
        kernel, channels that do not match.

    Examples
    --------
    >>> import numpy as np
    >>> grid_conv2d_message_passing(np.ones((1, 2, 2)), np.ones((1, 1, 3, 3)))
    array([[[4., 4.],
            [4., 4.]]])
    """
    x, w, b, unbatched = conv_operands(input, weight, bias, 2, "grid_conv2d_message_passing",
                                       "C_out, C_in")
    c_out, c_in, k, k2 = w.shape
    if k != k2 or k % 2 == 0:
        raise ValueError(f"weight must hold an odd square kernel (k x k), got shape {w.shape}")
    if c_in != x.shape[1]:
        raise ValueError(f"weight has C_in = {c_in} but input has {x.shape[1]} channels")
    check_bias(b, c_out)
    n_batch, _, height, width = x.shape
    edge_index, tap = grid_graph(height, width, k)
    dtype = result_dtype(x, w, b)
    nodes = x.reshape(n_batch, c_in, height * width).astype(dtype)   # (N, C_in, H*W): node i in column i
    out = np.zeros((n_batch, c_out, height * width), dtype=dtype)
    for t in range(k * k):
        m, n = divmod(t, k)
        source, target = edge_index[:, tap == t]     # each target appears once per tap
        messages = np.einsum("fc,bce->bfe", w[:, :, m, n].astype(dtype), nodes[:, :, source])
        out[:, :, target] += messages                # (N, C_out, E_t)
    if b is not None:
        out += b.astype(dtype)[:, None]
    out = out.reshape(n_batch, c_out, height, width)  # (N, C_out, H*W) -> (N, C_out, H, W)
    return out[0] if unbatched else out


# --------------------------------------------------------------------------- GCN

def gcn_norm(adjacency, add_self_loops=True):
    """Kipf and Welling's propagation matrix ``deg^-1/2 (A + I) deg^-1/2``.

    With ``add_self_loops`` every node that has no self-loop gets one of weight 1 (a node
    that has one keeps its weight, as torch_geometric's ``add_remaining_self_loops``);
    for a graph without self-loops this is ``A + I``. ``deg`` is the row sums of that
    matrix (what each node receives); a node of degree 0 gets a zero row.

    Parameters
    ----------
    adjacency : array_like or scipy.sparse matrix
        ``(V, V)`` non-negative weights, row = receiver.
    add_self_loops : bool, default True
        Add the identity (the "renormalisation trick") before normalising.

    Returns
    -------
    numpy.ndarray or scipy.sparse.csr_array
        ``(V, V)`` float64, of the same kind (dense or sparse) as ``adjacency``.

    Raises
    ------
    TypeError, ValueError
        If ``adjacency`` is not a square numeric matrix or holds a negative weight.

    Examples
    --------
    >>> gcn_norm([[0, 1], [1, 0]])
    array([[0.5, 0.5],
           [0.5, 0.5]])
    """
    matrix, _ = _adjacency(adjacency, nonnegative=True)
    matrix = matrix.astype(np.float64)
    if add_self_loops:
        matrix = _with_self_loops(matrix)
    return _scale_both_sides(matrix, _degree(matrix))


def _gcn_operands(input, adjacency, weight, bias, normalize):
    """Check a GCN layer's arguments: ``(adjacency, x (N, V, C_in), unbatched, weight, bias)``."""
    matrix, _ = _adjacency(adjacency, nonnegative=normalize)
    x, unbatched = _features(input, matrix.shape[0])
    w = _linear_weight(weight, x.shape[-1])
    return matrix, x, unbatched, w, _bias(bias, w.shape[0])


def gcn_conv(input, adjacency, weight, bias=None, add_self_loops=True, normalize=True):
    """Graph convolution of Kipf and Welling: ``y = A_hat x weight^T + bias``.

    ``A_hat`` is :func:`gcn_norm` of the adjacency (``normalize=True``), or the adjacency
    itself, with self-loops if asked. One weight matrix serves every neighbour: the layer
    of ``torch_geometric.nn.GCNConv`` (whose ``lin.weight`` is ``weight``).

    Parameters
    ----------
    input : array_like
        Node features ``(V, C_in)`` or ``(N, V, C_in)``.
    adjacency : array_like or scipy.sparse matrix
        ``(V, V)``, row = receiver; an edge list goes through
        :func:`edge_index_to_adjacency` first.
    weight : array_like
        ``(C_out, C_in)``.
    bias : array_like, optional
        ``(C_out,)``.
    add_self_loops : bool, default True
        Add weight-1 self-loops to nodes that have none.
    normalize : bool, default True
        Apply the symmetric normalisation (then the adjacency must be non-negative).

    Returns
    -------
    numpy.ndarray
        ``(V, C_out)`` or ``(N, V, C_out)``. Integer operands give integers when
        ``normalize`` is False; otherwise the result is floating point.

    Raises
    ------
    TypeError, ValueError
        Naming the argument: a non-square adjacency, an input whose node count differs
        from the adjacency's, a weight whose ``C_in`` differs from the input's, negative
        weights with ``normalize``.

    See Also
    --------
    gcn_conv_naive : The same computation as loops over nodes.
    gcn_norm : The propagation matrix ``A_hat`` used when ``normalize`` is True.
    cheb_conv : Order 1 with ``lambda_max = 2`` and tied weights: this layer before renormalisation.

    Examples
    --------
    >>> import numpy as np
    >>> gcn_conv(np.array([[1.0], [3.0]]), [[0, 1], [1, 0]], np.array([[1.0]]))
    array([[2.],
           [2.]])
    """
    matrix, x, unbatched, w, b = _gcn_operands(input, adjacency, weight, bias, normalize)
    if normalize:
        dtype = _float_dtype(x, w, b, matrix.dtype)
        propagation = gcn_norm(matrix, add_self_loops).astype(dtype)
    else:
        dtype = result_dtype(x, w, b, matrix.dtype)
        propagation = matrix.astype(dtype)
        if add_self_loops:
            propagation = _with_self_loops(propagation)
    transformed = np.einsum("nvc,fc->nvf", x.astype(dtype), w.astype(dtype))   # (N, V, C_out)
    out = _propagate(propagation, transformed).astype(dtype, copy=False)
    if b is not None:
        out = out + b.astype(dtype)
    return out[0] if unbatched else out


def gcn_conv_naive(input, adjacency, weight, bias=None, add_self_loops=True, normalize=True):
    """Loop reference for :func:`gcn_conv`: each node sums its neighbours' messages one by one.

    ``y[i] = bias + sum_j A[i, j] / sqrt(deg_i deg_j) * weight @ x[j]`` over the nodes ``j``
    with ``A[i, j] != 0`` (self-loop included), read off the dense adjacency; a term with a
    degree of 0 counts as 0 (a node that receives nothing on a directed graph).

    Parameters
    ----------
    input, adjacency, weight, bias, add_self_loops, normalize
        As :func:`gcn_conv`.

    Returns
    -------
    numpy.ndarray
        As :func:`gcn_conv`.

    Examples
    --------
    >>> import numpy as np
    >>> gcn_conv_naive(np.array([[1.0], [3.0]]), [[0, 1], [1, 0]], np.array([[1.0]]))
    array([[2.],
           [2.]])
    """
    matrix, x, unbatched, w, b = _gcn_operands(input, adjacency, weight, bias, normalize)
    a = matrix.toarray() if _issparse(matrix) else np.array(matrix)
    dtype = (_float_dtype if normalize else result_dtype)(x, w, b, a.dtype)
    a = a.astype(dtype)
    v = a.shape[0]
    if add_self_loops:
        for i in range(v):
            if a[i, i] == 0:
                a[i, i] = 1
    degree = [sum(a[i, j] for j in range(v)) for i in range(v)]
    out = np.zeros((x.shape[0], v, w.shape[0]), dtype=dtype)
    for n in range(x.shape[0]):
        for i in range(v):
            total = np.zeros(w.shape[0], dtype=dtype) if b is None else b.astype(dtype).copy()
            for j in range(v):
                if a[i, j] == 0:
                    continue
                coefficient = a[i, j]
                if normalize:   # deg^-1/2 counts as 0 for a node of degree 0, as in gcn_norm
                    if degree[i] == 0 or degree[j] == 0:
                        continue
                    coefficient = coefficient / np.sqrt(degree[i] * degree[j])
                total = total + coefficient * (w.astype(dtype) @ x[n, j].astype(dtype))
            out[n, i] = total
    return out[0] if unbatched else out


# --------------------------------------------------------------------------- the spectral view

def laplacian(adjacency, normalization=None):
    """The graph Laplacian of an undirected graph: ``deg - A``, or ``I - deg^-1/2 A deg^-1/2``.

    Self-loops are ignored (as ``scipy.sparse.csgraph.laplacian`` and torch_geometric's
    ``get_laplacian`` do). With ``normalization="sym"`` a node of degree 0 gets the row
    of the identity.

    Parameters
    ----------
    adjacency : array_like or scipy.sparse matrix
        ``(V, V)``, symmetric and non-negative.
    normalization : {None, "sym"}, default None
        None: the combinatorial Laplacian; ``"sym"``: the symmetrically normalised one,
        whose eigenvalues lie in ``[0, 2]``.

    Returns
    -------
    numpy.ndarray or scipy.sparse.csr_array
        ``(V, V)``, of the same kind as ``adjacency``; integers for an integer
        adjacency with ``normalization=None``.

    Examples
    --------
    >>> laplacian(ring_graph(3))
    array([[ 2, -1, -1],
           [-1,  2, -1],
           [-1, -1,  2]])
    """
    if normalization not in (None, "sym"):
        raise ValueError(f"normalization must be None or 'sym', got {normalization!r}")
    matrix, is_sparse = _adjacency(adjacency, nonnegative=True, symmetric=True)
    matrix = matrix - _diagonal(matrix.diagonal(), is_sparse)     # no self-loops
    degree = _degree(matrix)
    if normalization is None:
        return _diagonal(degree, is_sparse) - matrix
    identity = _diagonal(np.ones(matrix.shape[0]), is_sparse)
    return identity - _scale_both_sides(matrix.astype(np.float64), degree)


def graph_fourier(adjacency, normalization=None):
    """The graph Fourier basis: eigenvalues and orthonormal eigenvectors of the Laplacian.

    Column ``l`` of ``eigenvectors`` is the ``l``-th "frequency" of the graph, its
    eigenvalue how fast it varies across edges; ``eigenvectors.T @ x`` is the graph
    Fourier transform of a signal ``x``. Eigenvectors of a repeated eigenvalue are any
    orthonormal basis of its eigenspace (``numpy.linalg.eigh`` chooses one).

    Parameters
    ----------
    adjacency : array_like or scipy.sparse matrix
        ``(V, V)``, symmetric, non-negative.
    normalization : {None, "sym"}, default None
        Which Laplacian, as :func:`laplacian`.

    Returns
    -------
    eigenvalues : numpy.ndarray
        ``(V,)`` float64, ascending.
    eigenvectors : numpy.ndarray
        ``(V, V)`` float64, orthonormal columns.

    Examples
    --------
    >>> values, vectors = graph_fourier(ring_graph(4))
    >>> (values.round(12) + 0.0).tolist()   # + 0.0 turns a rounded -0.0 into 0.0
    [0.0, 2.0, 2.0, 4.0]
    """
    lap = laplacian(adjacency, normalization)
    lap = lap.toarray() if _issparse(lap) else lap
    return np.linalg.eigh(lap.astype(np.float64))


def spectral_filter(input, adjacency, response, normalization=None):
    """Filter graph signals in the graph Fourier basis: ``U diag(h(lambda)) U^T x``.

    Parameters
    ----------
    input : array_like
        ``(V, C)`` or ``(N, V, C)``; every channel is filtered alike.
    adjacency : array_like or scipy.sparse matrix
        ``(V, V)``, symmetric, non-negative.
    response : callable or array_like
        ``h``: a function of the eigenvalues (applied to the ``(V,)`` array of them), or
        the ``(V,)`` gains themselves in the order of :func:`graph_fourier`.
    normalization : {None, "sym"}, default None
        Which Laplacian.

    Returns
    -------
    numpy.ndarray
        Same shape as ``input``, float64.

    Examples
    --------
    >>> import numpy as np
    >>> delta = np.array([[1.0], [0.0], [0.0]])
    >>> np.allclose(spectral_filter(delta, ring_graph(3), np.ones(3)), delta)   # h = 1: identity
    True
    """
    values, vectors = graph_fourier(adjacency, normalization)
    x, unbatched = _features(input, values.shape[0])
    gains = response(values) if callable(response) else response
    gains = as_array(gains, "response").astype(np.float64)
    if gains.shape != values.shape:
        raise ValueError(f"response must give one gain per eigenvalue, shape {values.shape}, "
                         f"got {gains.shape}")
    spectrum = np.einsum("vl,nvc->nlc", vectors, x)                  # U^T x: (N, V, C)
    out = np.einsum("vl,nlc->nvc", vectors, gains[:, None] * spectrum)
    return out[0] if unbatched else out


def polynomial_filter(input, matrix, coefficients):
    """``sum_iota coefficients[iota] * matrix^iota @ x``: a polynomial in a graph matrix applied to signals.

    The term ``iota`` mixes nodes ``iota`` hops apart at most, so a polynomial of degree ``P``
    is ``P``-hop local. Computed by ``P`` matrix products (Horner's rule), exactly in
    integers for integer operands.

    Parameters
    ----------
    input : array_like
        ``(V, C)`` or ``(N, V, C)``.
    matrix : array_like or scipy.sparse matrix
        ``(V, V)``: an adjacency, a Laplacian or a normalised version of either.
    coefficients : array_like
        ``(P + 1,)``, the constant term first.

    Returns
    -------
    numpy.ndarray
        Same shape as ``input``.

    Examples
    --------
    >>> import numpy as np
    >>> polynomial_filter(np.array([[1], [0], [0], [0]]), ring_graph(4, directed=True), [5, 3, 1])
    array([[5],
           [3],
           [1],
           [0]])
    """
    m, _ = _adjacency(matrix, name="matrix")
    x, unbatched = _features(input, m.shape[0])
    theta = as_nd_array(coefficients, "coefficients", "P + 1", nonempty=True)
    dtype = result_dtype(x, theta, m.dtype)
    m = m.astype(dtype)
    out = theta[-1].astype(dtype) * x.astype(dtype)
    for term in range(theta.size - 2, -1, -1):       # Horner: theta_iota x + M (...)
        out = theta[term].astype(dtype) * x + _propagate(m, out).astype(dtype, copy=False)
    return out[0] if unbatched else out


def chebyshev_coefficients(response: Callable, order, lambda_max=2.0):
    """Coefficients of the Chebyshev interpolant of a spectral response ``h`` on ``[0, lambda_max]``.

    ``h(lambda) ~ sum_iota theta_iota T_iota(2 lambda / lambda_max - 1)`` with ``order + 1`` terms,
    interpolating ``h`` at the Chebyshev points (close to the truncated Chebyshev expansion of
    Hammond et al., 2011, which Defferrard et al., 2016, cite; their layers learn the
    coefficients instead).

    Parameters
    ----------
    response : callable
        ``h``, applied to an array of eigenvalues.
    order : int
        ``P``, at least 0.
    lambda_max : float, default 2.0
        The top of the spectrum (2 bounds the normalised Laplacian's).

    Returns
    -------
    numpy.ndarray
        ``(P + 1,)`` float64, for :func:`cheb_conv` with ``C_in = C_out = 1``.

    Examples
    --------
    >>> chebyshev_coefficients(lambda lam: 3 - lam, 1).round(12).tolist()
    [2.0, -1.0]
    """
    order = check_int(order, "order", minimum=0)
    if not callable(response):
        raise TypeError(f"response must be a function of the eigenvalues, got {response!r}")
    lambda_max = check_real(lambda_max, "lambda_max", minimum=0, strict=True)
    return np.polynomial.chebyshev.chebinterpolate(
        lambda t: np.asarray(response((t + 1) * lambda_max / 2), dtype=np.float64), order)


def cheb_conv(input, adjacency, weight, bias=None, normalization="sym", lambda_max=None):
    """Chebyshev spectral graph convolution (Defferrard et al., 2016): ``sum_iota T_iota(L~) x weight[iota]^T``.

    ``L~ = 2 L / lambda_max - I`` rescales the Laplacian's spectrum into ``[-1, 1]`` and
    ``T_0(L~) x = x``, ``T_1(L~) x = L~ x``, ``T_iota = 2 L~ T_{iota-1} - T_{iota-2}``; the layer of
    ``torch_geometric.nn.ChebConv`` with ``K = P + 1`` (its ``lins[iota].weight`` is
    ``weight[iota]``). Order ``P`` reaches ``P`` hops. With ``P = 1``, ``lambda_max = 2`` and
    ``weight[1] = -weight[0]`` it is ``(I + deg^-1/2 A deg^-1/2) x weight[0]^T``: GCN before
    Kipf and Welling's renormalisation.

    Parameters
    ----------
    input : array_like
        ``(V, C_in)`` or ``(N, V, C_in)``.
    adjacency : array_like or scipy.sparse matrix
        ``(V, V)``, symmetric and non-negative.
    weight : array_like
        ``(P + 1, C_out, C_in)``: one matrix per polynomial term.
    bias : array_like, optional
        ``(C_out,)``.
    normalization : {"sym", None}, default "sym"
        Which Laplacian (:func:`laplacian`).
    lambda_max : float, optional
        The largest eigenvalue used to rescale; 2.0 for ``"sym"`` if omitted (a bound,
        as torch_geometric assumes), the exact largest eigenvalue otherwise.

    Returns
    -------
    numpy.ndarray
        ``(V, C_out)`` or ``(N, V, C_out)``, floating point.

    Examples
    --------
    >>> import numpy as np
    >>> cheb_conv(np.eye(3)[:, :1], ring_graph(3), np.ones((1, 1, 1)))   # T_0 = I
    array([[1.],
           [0.],
           [0.]])
    """
    lap = laplacian(adjacency, normalization)
    v = lap.shape[0]
    x, unbatched = _features(input, v)
    w = as_nd_array(weight, "weight", "P + 1, C_out, C_in", nonempty=True)
    if w.shape[2] != x.shape[-1]:
        raise ValueError(f"weight must have C_in = {x.shape[-1]} (the input's channels) on its "
                         f"last axis, got shape {w.shape}")
    b = _bias(bias, w.shape[1])
    if lambda_max is None:
        if normalization == "sym":
            lambda_max = 2.0
        else:
            dense = lap.toarray() if _issparse(lap) else lap
            lambda_max = float(np.linalg.eigvalsh(dense.astype(np.float64))[-1])
    lambda_max = check_real(lambda_max, "lambda_max", minimum=0, strict=True)
    dtype = _float_dtype(x, w, b)
    identity = _diagonal(np.ones(v), _issparse(lap))
    scaled = (2.0 / lambda_max) * lap.astype(np.float64) - identity   # L~, spectrum in [-1, 1]
    scaled = scaled.astype(dtype)
    x = x.astype(dtype)
    previous, current = None, x                                      # T_0(L~) x = x
    out = np.einsum("nvc,fc->nvf", current, w[0].astype(dtype))
    for term in range(1, w.shape[0]):
        if term == 1:
            previous, current = current, _propagate(scaled, current)
        else:
            previous, current = current, 2 * _propagate(scaled, current) - previous
        out = out + np.einsum("nvc,fc->nvf", current, w[term].astype(dtype))
    if b is not None:
        out = out + b.astype(dtype)
    return out[0] if unbatched else out

"""convkit.graph against its referees: the dense GCN formula in torch, torch_geometric's GCNConv
and ChebConv (when installed), F.conv2d / F.conv1d with circular padding, torch.fft, scipy's
Laplacian and shortest paths, and exact integer identities."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.sparse.csgraph import laplacian as scipy_laplacian
from scipy.sparse.csgraph import shortest_path

from convkit.graph import (
    cheb_conv, chebyshev_coefficients, edge_index_to_adjacency, example_graph, gcn_conv,
    gcn_conv_naive, gcn_norm, graph_fourier, grid_conv2d_message_passing, grid_graph,
    hop_distances, laplacian, polynomial_filter, ring_graph, spectral_filter,
)

try:
    import torch_geometric.nn as pyg_nn
    from torch_geometric.utils import to_dense_adj
except ImportError:   # the referee is optional: the dense torch formula is always checked
    pyg_nn = None
needs_pyg = pytest.mark.skipif(pyg_nn is None, reason="torch_geometric is not installed "
                               "(pip install torch_geometric); the dense formula is still checked")


def random_graph(rng, v, density=0.4, weighted=False, symmetric=True, self_loops=False):
    mask = rng.random((v, v)) < density
    if symmetric:
        mask = np.triu(mask, 1)
        mask = mask | mask.T
    if not self_loops:
        np.fill_diagonal(mask, False)
    weights = rng.uniform(0.5, 2.0, (v, v)) if weighted else np.ones((v, v))
    if symmetric:
        weights = np.triu(weights) + np.triu(weights, 1).T
    return np.where(mask, weights, 0.0)


def torch_gcn(x, a, w, b=None, add_self_loops=True, normalize=True):
    """Kipf and Welling's formula written out in torch, float64."""
    at = torch.from_numpy(np.asarray(a, dtype=np.float64))
    if add_self_loops:
        at = at + torch.diag((torch.diagonal(at) == 0).double())
    if normalize:
        d = at.sum(dim=1)
        s = torch.where(d > 0, d.rsqrt(), torch.zeros_like(d))
        at = s[:, None] * at * s[None, :]
    out = at @ torch.from_numpy(np.asarray(x, dtype=np.float64)) @ torch.from_numpy(
        np.asarray(w, dtype=np.float64)).T
    if b is not None:
        out = out + torch.from_numpy(np.asarray(b, dtype=np.float64))
    return out.numpy()


@settings(max_examples=60, deadline=None)
@given(v=st.integers(1, 9), c_in=st.integers(1, 4), c_out=st.integers(1, 4), n=st.integers(1, 3),
       batched=st.booleans(), weighted=st.booleans(), symmetric=st.booleans(),
       self_loops=st.booleans(), sparse=st.booleans(), bias=st.booleans(),
       add_loops=st.booleans(), dtype=st.sampled_from([np.float32, np.float64]),
       seed=st.integers(0, 2**16))
def test_gcn_matches_dense_torch_formula(v, c_in, c_out, n, batched, weighted, symmetric, self_loops,
                                         sparse, bias, add_loops, dtype, seed):
    rng = np.random.default_rng(seed)
    a = random_graph(rng, v, weighted=weighted, symmetric=symmetric, self_loops=self_loops)
    x = rng.standard_normal((n, v, c_in) if batched else (v, c_in)).astype(dtype)
    w = rng.standard_normal((c_out, c_in)).astype(dtype)
    b = rng.standard_normal(c_out).astype(dtype) if bias else None
    adjacency = sp.csr_array(a) if sparse else a.astype(dtype)
    got = gcn_conv(x, adjacency, w, b, add_self_loops=add_loops)
    expected = np.stack([torch_gcn(xi, a, w, b, add_loops) for xi in (x if batched else x[None])])
    expected = expected if batched else expected[0]
    assert got.shape == expected.shape == x.shape[:-1] + (c_out,)
    tol = 1e-4 if dtype == np.float32 else 1e-10
    np.testing.assert_allclose(got, expected, rtol=tol, atol=tol)
    if not sparse:
        assert got.dtype == dtype
    naive = gcn_conv_naive(x, adjacency, w, b, add_self_loops=add_loops)
    np.testing.assert_allclose(naive, expected, rtol=tol, atol=tol)


def test_gcn_unnormalised_integers_are_exact():
    rng = np.random.default_rng(3)
    a = rng.integers(0, 3, (7, 7))
    x = rng.integers(-4, 5, (2, 7, 3))
    w = rng.integers(-3, 4, (5, 3))
    b = rng.integers(-3, 4, 5)
    for loops in (False, True):
        got = gcn_conv(x, a, w, b, add_self_loops=loops, normalize=False)
        assert got.dtype.kind == "i"
        at = torch.from_numpy(a)
        if loops:
            at = at + torch.diag((torch.diagonal(at) == 0).long())
        expected = (at @ torch.from_numpy(x) @ torch.from_numpy(w).T + torch.from_numpy(b)).numpy()
        np.testing.assert_array_equal(got, expected)
        np.testing.assert_array_equal(gcn_conv(x, sp.csr_array(a), w, b, loops, normalize=False),
                                      expected)
        np.testing.assert_array_equal(gcn_conv_naive(x, a, w, b, loops, normalize=False), expected)


@needs_pyg
@pytest.mark.parametrize("seed", range(6))
def test_gcn_matches_torch_geometric(seed):
    rng = np.random.default_rng(seed)
    v = int(rng.integers(2, 12))
    a = random_graph(rng, v, weighted=bool(seed % 2), symmetric=seed < 3, self_loops=seed == 4)
    target, source = np.nonzero(a)
    edge_index = np.stack([source, target])
    edge_weight = a[target, source]
    x = rng.standard_normal((v, 3))
    layer = pyg_nn.GCNConv(3, 4).double()
    with torch.no_grad():
        layer.bias.copy_(torch.from_numpy(rng.standard_normal(4)))
        expected = layer(torch.from_numpy(x), torch.from_numpy(edge_index),
                         torch.from_numpy(edge_weight)).numpy()
    w = layer.lin.weight.detach().numpy()
    b = layer.bias.detach().numpy()
    adjacency = edge_index_to_adjacency(edge_index, edge_weight, num_nodes=v)
    np.testing.assert_allclose(gcn_conv(x, adjacency, w, b), expected, rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(gcn_conv(x, a, w, b), expected, rtol=1e-10, atol=1e-10)


@needs_pyg
def test_edge_index_to_adjacency_is_torch_geometric_dense_adjacency_transposed():
    edge_index = np.array([[0, 1, 1, 3, 3], [1, 2, 2, 0, 3]])
    weight = np.array([1.0, 2.0, 0.5, 4.0, 3.0])
    ours = edge_index_to_adjacency(edge_index, weight, num_nodes=5).toarray()
    theirs = to_dense_adj(torch.from_numpy(edge_index), edge_attr=torch.from_numpy(weight),
                          max_num_nodes=5)[0].numpy()
    np.testing.assert_array_equal(ours, theirs.T)
    assert ours[2, 1] == 2.5   # the repeated edge 1 -> 2 adds up


def test_gcn_norm_sparse_equals_dense_and_rows_of_regular_graph():
    rng = np.random.default_rng(5)
    a = random_graph(rng, 8, weighted=True)
    np.testing.assert_allclose(gcn_norm(sp.csr_array(a)).toarray(), gcn_norm(a), atol=1e-14)
    # on a k-regular graph deg = k + 1 everywhere, so A_hat = (A + I) / (k + 1): rows sum to 1
    np.testing.assert_allclose(gcn_norm(ring_graph(7)).sum(axis=1), np.ones(7), atol=1e-14)
    # an isolated node without self-loops has degree 0 and a zero row
    assert np.all(gcn_norm(np.zeros((3, 3)), add_self_loops=False) == 0)


@pytest.mark.parametrize("k", [1, 3, 5])
@pytest.mark.parametrize("shape", [(1, 1), (1, 5), (4, 4), (3, 6), (7, 2)])
def test_grid_message_passing_equals_conv2d_exactly(k, shape):
    rng = np.random.default_rng(k * 100 + shape[0] * 10 + shape[1])
    x = rng.integers(-5, 6, (2, 3) + shape)
    w = rng.integers(-3, 4, (4, 3, k, k))
    b = rng.integers(-3, 4, 4)
    got = grid_conv2d_message_passing(x, w, b)
    assert got.dtype.kind == "i"
    expected = F.conv2d(torch.from_numpy(x).double(), torch.from_numpy(w).double(),
                        torch.from_numpy(b).double(), padding=k // 2).numpy()
    np.testing.assert_array_equal(got, expected.astype(np.int64))
    np.testing.assert_array_equal(grid_conv2d_message_passing(x[0], w, b), got[0])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_grid_message_passing_floats(dtype):
    rng = np.random.default_rng(9)
    x = rng.standard_normal((3, 2, 5, 6)).astype(dtype)
    w = rng.standard_normal((3, 2, 3, 3)).astype(dtype)
    got = grid_conv2d_message_passing(x, w)
    assert got.dtype == dtype
    expected = F.conv2d(torch.from_numpy(x), torch.from_numpy(w), padding=1).numpy()
    tol = 1e-5 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(got, expected, rtol=tol, atol=tol)


@pytest.mark.parametrize("height,width,k", [(1, 1, 3), (3, 4, 3), (5, 5, 5), (2, 7, 3)])
def test_grid_graph_edges(height, width, k):
    edge_index, tap = grid_graph(height, width, k)
    p = k // 2
    # tap (m, n) has an edge for every pixel whose neighbour at offset (m - p, n - p) exists
    counts = [max(height - abs(m - p), 0) * max(width - abs(n - p), 0)
              for m in range(k) for n in range(k)]
    assert np.bincount(tap, minlength=k * k).tolist() == counts
    centre = tap == p * k + p
    np.testing.assert_array_equal(edge_index[0, centre], edge_index[1, centre])   # the self-loops
    su, sv = np.divmod(edge_index[0], width)
    tu, tv = np.divmod(edge_index[1], width)
    m, n = np.divmod(tap, k)
    np.testing.assert_array_equal(su - tu, m - p)
    np.testing.assert_array_equal(sv - tv, n - p)


def test_laplacian_matches_scipy():
    rng = np.random.default_rng(11)
    for _ in range(5):
        a = random_graph(rng, 9, density=0.5, weighted=True)
        a[0, 1] = a[1, 0] = 1.0   # no isolated node 0
        np.testing.assert_allclose(laplacian(a), scipy_laplacian(a), atol=1e-14)
        np.testing.assert_allclose(laplacian(sp.csr_array(a)).toarray(), scipy_laplacian(a),
                                   atol=1e-14)
        if np.all(a.sum(axis=1) > 0):
            np.testing.assert_allclose(laplacian(a, "sym"), scipy_laplacian(a, normed=True),
                                       atol=1e-14)
            np.testing.assert_allclose(laplacian(sp.csr_array(a), "sym").toarray(),
                                       scipy_laplacian(a, normed=True), atol=1e-14)
    assert laplacian(ring_graph(5)).dtype.kind == "i"


def test_graph_fourier_is_an_orthonormal_eigenbasis():
    a, _ = example_graph()
    values, vectors = graph_fourier(a)
    np.testing.assert_allclose(vectors.T @ vectors, np.eye(10), atol=1e-12)
    np.testing.assert_allclose(laplacian(a) @ vectors, vectors * values, atol=1e-12)
    assert abs(values[0]) < 1e-12 and np.all(np.diff(values) >= 0)
    sym_values, _ = graph_fourier(a, "sym")
    assert sym_values[0] > -1e-12 and sym_values[-1] < 2 + 1e-12


@pytest.mark.parametrize("v", [3, 4, 8, 13])
def test_ring_fourier_basis_is_the_dft(v):
    values, _ = graph_fourier(ring_graph(v))
    frequencies = np.arange(v)
    expected = np.sort(2 - 2 * np.cos(2 * np.pi * frequencies / v))
    np.testing.assert_allclose(values, expected, atol=1e-12)
    dft = torch.fft.ifft(torch.eye(v, dtype=torch.complex128), dim=0).numpy() * np.sqrt(v)  # columns e^{2 pi i l u / V}
    lap = laplacian(ring_graph(v)).astype(np.complex128)
    np.testing.assert_allclose(lap @ dft, dft * (2 - 2 * np.cos(2 * np.pi * frequencies / v)),
                               atol=1e-12)


@pytest.mark.parametrize("v,order", [(5, 2), (9, 3), (12, 6)])
def test_directed_ring_polynomial_is_circular_convolution_exactly(v, order):
    rng = np.random.default_rng(v + order)
    theta = rng.integers(-4, 5, order + 1)
    x = rng.integers(-5, 6, (v, 2))
    got = polynomial_filter(x, ring_graph(v, directed=True), theta)
    assert got.dtype.kind == "i"
    # y[i] = sum_iota theta[iota] x[i - iota]: torch's cross-correlation with the flipped kernel, circular
    xt = torch.from_numpy(x.T[:, None, :]).double()                       # (C, 1, V)
    padded = F.pad(xt, (order, 0), mode="circular")
    kernel = torch.from_numpy(theta[::-1].copy()).double()[None, None]     # (1, 1, P + 1)
    expected = F.conv1d(padded, kernel)[:, 0, :].numpy().T
    np.testing.assert_array_equal(got, expected.astype(np.int64))


def test_undirected_ring_spectral_filter_is_circular_convolution_via_fft():
    v = 10
    rng = np.random.default_rng(2)
    x = rng.standard_normal((v, 1))
    theta = np.array([1.0, -0.5, 0.25])
    response = lambda lam: theta[0] + theta[1] * lam + theta[2] * lam**2   # noqa: E731
    spectral = spectral_filter(x, ring_graph(v), response)
    # the same polynomial applied in the node domain, to the Laplacian
    vertex = polynomial_filter(x, laplacian(ring_graph(v)), theta)
    np.testing.assert_allclose(spectral, vertex, atol=1e-12)
    # the FFT route: the kernel's DFT at frequency omega is h(2 - 2 cos(2 pi omega / V)), h the response
    gains = response(2 - 2 * np.cos(2 * np.pi * np.arange(v) / v))
    via_fft = torch.fft.ifft(torch.fft.fft(torch.from_numpy(x[:, 0])) * torch.from_numpy(gains))
    np.testing.assert_allclose(spectral[:, 0], via_fft.real.numpy(), atol=1e-12)
    assert np.abs(via_fft.imag.numpy()).max() < 1e-12


def torch_chebyshev_referee(x, a, weight, normalization="sym", lambda_max=2.0):
    """sum_iota U cos(iota arccos(lambda~)) U^T x weight[iota]^T, from torch's eigendecomposition."""
    lap = torch.from_numpy(np.asarray(scipy_laplacian(a, normed=normalization == "sym"), float))
    values, vectors = torch.linalg.eigh(lap)
    scaled = (2 * values / lambda_max - 1).clamp(-1, 1)
    xt = torch.from_numpy(np.asarray(x, float))
    out = 0
    for term in range(weight.shape[0]):
        t_h = vectors @ torch.diag(torch.cos(term * torch.arccos(scaled))) @ vectors.T
        out = out + t_h @ xt @ torch.from_numpy(weight[term]).T
    return out.numpy()


@pytest.mark.parametrize("order", [0, 1, 2, 4])
@pytest.mark.parametrize("normalization", ["sym", None])
def test_cheb_conv_matches_chebyshev_identity(order, normalization):
    rng = np.random.default_rng(order)
    a, _ = example_graph()
    x = rng.standard_normal((10, 3))
    weight = rng.standard_normal((order + 1, 2, 3))
    lam = 2.0 if normalization == "sym" else float(np.linalg.eigvalsh(scipy_laplacian(a * 1.0))[-1])
    expected = torch_chebyshev_referee(x, a, weight, normalization, lam)
    np.testing.assert_allclose(cheb_conv(x, a, weight, normalization=normalization), expected,
                               atol=1e-10)
    np.testing.assert_allclose(cheb_conv(x, sp.csr_array(a), weight, normalization=normalization),
                               expected, atol=1e-10)
    batched = cheb_conv(np.stack([x, 2 * x]).astype(np.float32), a, weight.astype(np.float32),
                        normalization=normalization)
    assert batched.dtype == np.float32
    np.testing.assert_allclose(batched[1], 2 * expected, atol=1e-4)


@needs_pyg
@pytest.mark.parametrize("order", [0, 1, 3])
def test_cheb_conv_matches_torch_geometric(order):
    rng = np.random.default_rng(40 + order)
    a, _ = example_graph()
    target, source = np.nonzero(a)
    x = rng.standard_normal((10, 3))
    layer = pyg_nn.ChebConv(3, 2, K=order + 1).double()
    with torch.no_grad():
        layer.bias.copy_(torch.from_numpy(rng.standard_normal(2)))
        expected = layer(torch.from_numpy(x), torch.from_numpy(np.stack([source, target]))).numpy()
    weight = np.stack([lin.weight.detach().numpy() for lin in layer.lins])
    got = cheb_conv(x, a, weight, layer.bias.detach().numpy())
    np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-10)


def test_first_order_chebyshev_is_gcn_before_renormalisation():
    rng = np.random.default_rng(8)
    a, _ = example_graph()
    x = rng.standard_normal((10, 3))
    theta = rng.standard_normal((2, 3))
    got = cheb_conv(x, a, np.stack([theta, -theta]))
    expected = torch_gcn(x, a, theta, add_self_loops=False) + x @ theta.T   # (I + deg^-1/2 A deg^-1/2) x theta^T
    np.testing.assert_allclose(got, expected, atol=1e-12)


def test_polynomial_filters_are_local():
    a, _ = example_graph()
    source = 0
    hops = hop_distances(a, source)
    np.testing.assert_array_equal(hops, shortest_path(a, unweighted=True)[source].astype(np.int64))
    delta = np.zeros((10, 1))
    delta[source] = 1
    rng = np.random.default_rng(1)
    for order in range(5):
        response = cheb_conv(delta, a, rng.uniform(0.5, 1.5, (order + 1, 1, 1)))[:, 0]
        assert np.all(response[hops > order] == 0)
        assert np.all(response[hops == order] != 0)


def test_chebyshev_coefficients_converge_to_spectral_filter():
    a, _ = example_graph()
    delta = np.eye(10)[:, :1]
    heat = lambda lam: np.exp(-2 * lam)    # noqa: E731
    exact = spectral_filter(delta, a, heat, normalization="sym")
    errors = []
    for order in range(1, 8):
        theta = chebyshev_coefficients(heat, order)
        approx = cheb_conv(delta, a, theta[:, None, None])
        errors.append(np.abs(approx - exact).max())
    assert all(later < earlier for earlier, later in zip(errors, errors[1:]))
    assert errors[-1] < 1e-4
    # a polynomial response of degree P is reproduced exactly by P + 1 terms
    theta = chebyshev_coefficients(lambda lam: 1 - lam + 0.5 * lam**2, 2)
    np.testing.assert_allclose(cheb_conv(delta, a, theta[:, None, None]),
                               spectral_filter(delta, a, lambda lam: 1 - lam + 0.5 * lam**2, "sym"),
                               atol=1e-12)


@pytest.mark.parametrize("call,name", [
    (lambda: gcn_conv(np.ones((3, 2)), np.ones((3, 4)), np.ones((1, 2))), "adjacency"),
    (lambda: gcn_conv(np.ones((3, 2)), sp.csr_array(np.ones((3, 4))), np.ones((1, 2))), "adjacency"),
    (lambda: gcn_conv(np.ones((3, 2)), np.ones(3), np.ones((1, 2))), "adjacency"),
    (lambda: gcn_conv(np.ones((4, 2)), np.ones((3, 3)), np.ones((1, 2))), "input"),
    (lambda: gcn_conv(np.ones((2, 4, 2)), np.ones((3, 3)), np.ones((1, 2))), "input"),
    (lambda: gcn_conv(np.ones(3), np.ones((3, 3)), np.ones((1, 1))), "input"),
    (lambda: gcn_conv(np.ones((3, 2)), np.ones((3, 3)), np.ones((1, 3))), "weight"),
    (lambda: gcn_conv(np.ones((3, 2)), np.ones((3, 3)), np.ones(2)), "weight"),
    (lambda: gcn_conv(np.ones((3, 2)), np.ones((3, 3)), np.ones((1, 2)), np.ones(2)), "bias"),
    (lambda: gcn_conv(np.ones((3, 2)), -np.ones((3, 3)), np.ones((1, 2))), "adjacency"),
    (lambda: gcn_norm(np.array([[0, -1], [-1, 0]])), "adjacency"),
    (lambda: gcn_conv_naive(np.ones((4, 2)), np.ones((3, 3)), np.ones((1, 2))), "input"),
    (lambda: laplacian(np.array([[0, 1], [0, 0]])), "adjacency"),
    (lambda: laplacian(np.ones((2, 2)), normalization="rw"), "normalization"),
    (lambda: graph_fourier(np.ones((2, 3))), "adjacency"),
    (lambda: cheb_conv(np.ones((3, 2)), ring_graph(3), np.ones((2, 1, 3))), "weight"),
    (lambda: cheb_conv(np.ones((3, 2)), ring_graph(3), np.ones((1, 2))), "weight"),
    (lambda: cheb_conv(np.ones((3, 1)), ring_graph(3), np.ones((1, 1, 1)), lambda_max=0), "lambda_max"),
    (lambda: spectral_filter(np.ones((3, 1)), ring_graph(3), np.ones(2)), "response"),
    (lambda: polynomial_filter(np.ones((3, 1)), np.ones((3, 2)), [1]), "matrix"),
    (lambda: polynomial_filter(np.ones((3, 1)), np.ones((3, 3)), []), "coefficients"),
    (lambda: edge_index_to_adjacency(np.ones((3, 2), dtype=int)), "edge_index"),
    (lambda: edge_index_to_adjacency([[0, -1], [1, 0]]), "edge_index"),
    (lambda: edge_index_to_adjacency([[0, 5], [1, 0]], num_nodes=3), "edge_index"),
    (lambda: edge_index_to_adjacency([[0, 1], [1, 0]], edge_weight=[1.0]), "edge_weight"),
    (lambda: grid_conv2d_message_passing(np.ones((1, 3, 3)), np.ones((1, 1, 2, 2))), "weight"),
    (lambda: grid_conv2d_message_passing(np.ones((2, 3, 3)), np.ones((1, 1, 3, 3))), "weight"),
    (lambda: grid_conv2d_message_passing(np.ones((3, 3)), np.ones((1, 1, 3, 3))), "input"),
    (lambda: grid_graph(0, 3), "height"),
    (lambda: grid_graph(3, 3, kernel_size=4), "kernel_size"),
    (lambda: ring_graph(2), "num_nodes"),
    (lambda: hop_distances(ring_graph(4), 4), "source"),
])
def test_bad_input_names_the_argument(call, name):
    with pytest.raises((TypeError, ValueError), match=rf"\b{name}\b"):
        call()


def test_non_numeric_adjacency_is_a_type_error():
    with pytest.raises(TypeError, match="adjacency"):
        gcn_conv(np.ones((2, 1)), np.array([["a", "b"], ["c", "d"]]), np.ones((1, 1)))
    with pytest.raises(TypeError, match="adjacency"):
        gcn_conv(np.ones((2, 1)), sp.csr_array(np.ones((2, 2), dtype=bool)), np.ones((1, 1)))

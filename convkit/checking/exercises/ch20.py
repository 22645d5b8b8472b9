"""Chapter 20's coding exercises: GCN's normalised adjacency, and the circular kernel of a ring filter."""

from __future__ import annotations

import numpy as np

from convkit.checking.engine import Case, Diagnosis, Exercise, register_exercise
from convkit.graph import gcn_norm, laplacian, polynomial_filter, ring_graph


# --------------------------------------------------------------------------- #
# ch20-gcn-norm: normalized_adjacency(adjacency)
# --------------------------------------------------------------------------- #
def _ref_gcn_norm(adjacency):
    return gcn_norm(adjacency)


def _undirected(edges, v, weights=None):
    a = np.zeros((v, v), dtype=np.float64 if weights is not None else np.int64)
    for e, (i, j) in enumerate(edges):
        a[i, j] = a[j, i] = 1 if weights is None else weights[e]
    return a


def _cases_gcn_norm(rng: np.random.Generator) -> list[Case]:
    path = _undirected([(0, 1), (1, 2), (2, 3)], 4)
    star = _undirected([(0, i) for i in range(1, 6)], 6)
    ring = _undirected([(i, (i + 1) % 5) for i in range(5)], 5)
    isolated = _undirected([(0, 1), (1, 2), (0, 2)], 4)
    weighted = _undirected([(0, 1), (1, 2), (2, 3), (3, 0), (0, 2)], 4,
                           weights=np.round(rng.uniform(0.5, 3.0, 5), 2))
    mask = np.triu(rng.random((8, 8)) < 0.4, 1)
    random_graph = (mask | mask.T).astype(np.int64)
    return [
        Case((path,), "a path of 4 nodes (degrees 1 and 2)"),
        Case((star,), "a star: one hub of degree 5 and five leaves"),
        Case((ring,), "a ring, where every node has degree 2"),
        Case((isolated,), "a triangle and an isolated node"),
        Case((weighted,), "weighted edges"),
        Case((random_graph,), "a random graph of 8 nodes"),
    ]


def _degree_scaled(matrix, degree, power):
    with np.errstate(divide="ignore"):
        scale = np.where(degree > 0, degree ** power, 0.0)
    return scale[:, None] * matrix * scale[None, :]


def _no_self_loops(a):
    a = np.asarray(a, dtype=np.float64)
    return _degree_scaled(a, a.sum(axis=1), -0.5)


def _degree_without_loops(a):
    a = np.asarray(a, dtype=np.float64)
    return _degree_scaled(a + np.eye(len(a)), a.sum(axis=1), -0.5)


def _row_normalised(a):
    a_tilde = np.asarray(a, dtype=np.float64) + np.eye(len(a))
    return a_tilde / a_tilde.sum(axis=1, keepdims=True)


def _one_side(a):
    a_tilde = np.asarray(a, dtype=np.float64) + np.eye(len(a))
    return a_tilde / np.sqrt(a_tilde.sum(axis=1, keepdims=True))


def _square_root_not_inverse(a):
    a_tilde = np.asarray(a, dtype=np.float64) + np.eye(len(a))
    return _degree_scaled(a_tilde, a_tilde.sum(axis=1), 0.5)


register_exercise(
    Exercise(
        exercise_id="ch20-gcn-norm",
        function_name="normalized_adjacency",
        arg_names=("adjacency",),
        reference=_ref_gcn_norm,
        make_cases=_cases_gcn_norm,
        diagnoses=(
            Diagnosis(
                _no_self_loops,
                "the self-loops are missing: add the identity first (A + I), so that every node "
                "also keeps its own features, then take the degrees of A + I.",
            ),
            Diagnosis(
                _degree_without_loops,
                "the degrees come from A, not from A + I: each node's self-loop adds 1 to its degree.",
            ),
            Diagnosis(
                _row_normalised,
                "this divides each row by its degree (deg^-1 (A + I), an average of the "
                "neighbours): the symmetric version scales entry (i, j) by 1 / sqrt(deg_i deg_j).",
            ),
            Diagnosis(
                _one_side,
                "only the rows are scaled by deg^-1/2: scale the columns too, "
                "deg^-1/2 (A + I) deg^-1/2.",
            ),
            Diagnosis(
                _square_root_not_inverse,
                "the degrees are multiplied by their square roots: the normalisation divides, "
                "deg^-1/2 is 1 / sqrt(deg).",
            ),
        ),
    )
)


# --------------------------------------------------------------------------- #
# ch20-ring-kernel: ring_filter_kernel(coefficients, num_nodes)
# --------------------------------------------------------------------------- #
def _response(matrix, coefficients, node=0):
    """``sum_h coefficients[h] * matrix^h`` applied to an impulse at ``node`` (that column)."""
    impulse = np.zeros((len(matrix), 1), dtype=np.int64)
    impulse[node] = 1
    theta = np.asarray(coefficients, dtype=np.int64)
    return polynomial_filter(impulse, matrix, theta)[:, 0]


def _ref_ring_kernel(coefficients, num_nodes):
    return _response(laplacian(ring_graph(num_nodes)), coefficients)


def _cases_ring_kernel(rng: np.random.Generator) -> list[Case]:
    del rng  # fixed filters, each a kind of polynomial
    return [
        Case(([0, 1], 8), "the Laplacian itself"),
        Case(([3], 6), "a constant: a multiple of the identity"),
        Case(([1, -2, 1], 9), "degree 2"),
        Case(([2, 0, 0, 1], 10), "degree 3, one term"),
        Case(([1, 1, 1], 4), "degree 2 on a ring of 4: the kernel wraps around"),
        Case(([0, 0, 1], 3), "the smallest ring"),
        Case(([5, -1, 2, -1], 12), "degree 3"),
    ]


def _no_wrap(coefficients, v):
    """The kernel on a long path, cut to the ring's length: what a linear convolution gives."""
    p = len(coefficients) - 1
    size = v + 4 * p + 4
    path = np.eye(size, k=1, dtype=np.int64) + np.eye(size, k=-1, dtype=np.int64)
    centre = size // 2
    out = _response(2 * np.eye(size, dtype=np.int64) - path, coefficients, centre)
    result = np.zeros(v, dtype=np.int64)
    for offset in range(-(v // 2), v - v // 2):
        result[offset % v] = out[centre + offset]
    if np.array_equal(result, _ref_ring_kernel(coefficients, v)):
        raise ValueError("the mistake cannot show when the kernel fits in the ring")
    return result


def _shifted_powers(coefficients, v):
    return _ref_ring_kernel([0] + list(coefficients), v)


register_exercise(
    Exercise(
        exercise_id="ch20-ring-kernel",
        function_name="ring_filter_kernel",
        arg_names=("coefficients", "num_nodes"),
        reference=_ref_ring_kernel,
        make_cases=_cases_ring_kernel,
        diagnoses=(
            Diagnosis(
                lambda coefficients, v: _response(ring_graph(v), coefficients),
                "this is a polynomial in the adjacency A: the filter is a polynomial in the "
                "Laplacian, 2I - A on the ring.",
            ),
            Diagnosis(
                lambda coefficients, v: _response(2 * np.eye(v, dtype=np.int64) + ring_graph(v),
                                                  coefficients),
                "the sign of the neighbours is flipped (2I + A): the Laplacian is the degree "
                "minus the adjacency, so each neighbour enters with -1.",
            ),
            Diagnosis(
                _shifted_powers,
                "the powers start at 1: coefficients[h] multiplies L^h, and coefficients[0] "
                "multiplies L^0 = I.",
            ),
            Diagnosis(
                _no_wrap,
                "the kernel does not wrap around: on a ring, offsets h and h - V are the same "
                "node, so their contributions add up.",
            ),
        ),
    )
)

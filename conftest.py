"""Settings for the whole test run (unit tests, nbval over chapters/, browser tests)."""

import os

# One BLAS/OpenMP thread for the test process and for every kernel or
# subprocess it starts. With the default two threads, chapter-sized
# convolutions on a busy 2-core machine were measured 2x to 80x slower
# (oversubscription); results do not depend on the thread count.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

try:  # numpy may already be loaded by a plugin: limit its pool too
    from threadpoolctl import threadpool_limits

    threadpool_limits(1)
except ImportError:  # pragma: no cover - threadpoolctl is in requirements.txt
    pass


def pytest_collection_modifyitems(config, items):
    """Mark nbval's notebook cells ``slow``: ``-m "not slow"`` then skips every chapter run."""
    import pytest

    for item in items:
        if item.nodeid.endswith(".ipynb") or ".ipynb::" in item.nodeid:
            item.add_marker(pytest.mark.slow)

"""Settings for the whole test run (unit tests, nbval over chapters/, browser tests)."""

import os

import pytest

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


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the xdist_group marks
def pytest_collection_modifyitems(config, items):
    """Mark nbval's notebook cells ``slow`` (``-m "not slow"`` then skips every chapter run)
    and group them per notebook for pytest-xdist: a notebook's cells share one kernel, so
    they must run in order in one worker (pyproject.toml runs -n auto --dist loadgroup).
    The browser tests are not grouped: about 9 minutes of them in one worker would be the
    run's longest part; each worker starts one Chromium for all its browser tests."""
    for item in items:
        path = item.nodeid.split("::")[0]
        if path.endswith(".ipynb"):
            item.add_marker(pytest.mark.slow)
            item.add_marker(pytest.mark.xdist_group(path))


def pytest_ignore_collect(collection_path, config):
    """Never collect a conftest.py as a module (``--doctest-modules`` would import both
    tests/conftest.py and tests/browser/conftest.py as ``conftest`` and fail)."""
    if collection_path.name == "conftest.py":
        return True
    return None

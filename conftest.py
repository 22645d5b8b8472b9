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


# The longest single tests (minutes of CPU; measured with --durations), started first.
# A node id starting with one of these (every parameter of the test).
LONGEST = ("tests/test_nbgrader.py::test_course_graded_end_to_end",)


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
    # Longest first (pytest-xdist hands out work in this order, after the
    # groups, largest first): a long test started last would run alone at the
    # end while the other worker idles.
    items.sort(key=lambda item: 0 if item.nodeid.startswith(LONGEST) else 1 if (
        item.get_closest_marker("slow") or item.get_closest_marker("browser")) else 2)
    _start_book_builds(config, items)


# The book editions each test file needs (tests/book_site.py builds each once per run),
# in the order they are built: the browser tests, which start while the builds run,
# need the offline and the published (default) editions; only test_book.py needs the
# student edition, and its tests came minutes later in the measured runs. Built in the
# other order, each worker's first browser test waited 15-35 s for the default edition.
BOOK_EDITIONS = {
    "tests/browser/test_site.py": [{"offline": True}, {}],
    "tests/test_book.py": [{"offline": True}, {"hide_solutions": True}],
}


def _start_book_builds(config, items):
    """Start building the book editions the collected tests need, in the background of
    one process (the first worker, or the only process), while tests run.

    Without this, the first test that needs an edition builds it (about a minute)
    and the other worker, wanting the same edition, waits idle on its lock. The
    build is the same (tests/book_site.py: one build per edition and run, under
    a file lock); a test that needs an edition still being built waits for it.
    """
    if os.environ.get("PYTEST_XDIST_WORKER", "gw0") != "gw0" or config.option.collectonly:
        return
    files = {item.nodeid.split("::")[0] for item in items}
    editions = []
    for path, options in BOOK_EDITIONS.items():
        if path in files:
            editions += [o for o in options if o not in editions]
    if not editions:
        return
    import threading

    from book_site import built_site, run_folder  # tests/ is on the pytest pythonpath

    base = run_folder(config._tmp_path_factory)

    def build_all():
        for options in editions:
            try:
                built_site(base, **options)
            except Exception:  # the test that needs the edition builds it again and reports
                pass

    threading.Thread(target=build_all, name="book-builds", daemon=True).start()


def pytest_ignore_collect(collection_path, config):
    """Never collect a conftest.py as a module (``--doctest-modules`` would import both
    tests/conftest.py and tests/browser/conftest.py as ``conftest`` and fail)."""
    if collection_path.name == "conftest.py":
        return True
    return None

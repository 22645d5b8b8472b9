"""The chapters' committed outputs hold in a second numerical environment.

nbval compares every chapter's outputs with the committed ones on this
machine. An output that depends on the CPU (rounding noise of a BLAS kernel,
a summation order that changes with the thread count) passes here and fails
on a reader's laptop. This module re-runs nbval on the chapters in a
subprocess whose numerical environment differs from this machine's native
one, the way another CPU's would:

- ``OPENBLAS_CORETYPE``: another OpenBLAS kernel than the one OpenBLAS picks
  here (Haswell on an AVX-512 machine, Sandybridge on an AVX2 one);
- ``ATEN_CPU_CAPABILITY``: PyTorch's kernels for a lower instruction set
  (``avx2`` on an AVX-512 machine, ``default`` on an AVX2 one);
- one thread for OpenMP, OpenBLAS and MKL.

``test_alternate_environment_takes_effect`` checks (with threadpoolctl and
``torch.backends.cpu.get_cpu_capability()``) that each variable really
changes what the libraries use, so the chapter runs cannot silently repeat
the native environment.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from functools import lru_cache
from pathlib import Path

import pytest

from output_reruns import OUTPUTS_ONLY  # tests/ is on the pytest pythonpath

REPO = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((REPO / "chapters").glob("*.ipynb"))

pytestmark = pytest.mark.slow

# What the libraries report they use: every OpenBLAS's kernel and thread
# count (numpy's and scipy's), and PyTorch's instruction set and threads.
PROBE = """
import json
import numpy, scipy.linalg, torch
from threadpoolctl import threadpool_info
torch.ones(8, 8) @ torch.ones(8, 8)
scipy.linalg.svd(numpy.ones((4, 4)))
print(json.dumps({
    "openblas": sorted({(i["architecture"], i["num_threads"]) for i in threadpool_info()
                        if i["internal_api"] == "openblas"}),
    "aten": torch.backends.cpu.get_cpu_capability(),
    "torch_threads": torch.get_num_threads(),
}))
"""

NUMERICAL_VARIABLES = ("OPENBLAS_CORETYPE", "ATEN_CPU_CAPABILITY", "OMP_NUM_THREADS",
                       "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")

# Another OpenBLAS kernel for each native one (OpenBLAS's names); x86-64 only.
OTHER_KERNEL = {"SkylakeX": "Haswell", "Cooperlake": "Haswell", "SapphireRapids": "Haswell",
                "Haswell": "Sandybridge", "Zen": "Sandybridge"}
# Another ATen capability (the variable's value) for each native one.
OTHER_CAPABILITY = {"AVX512": "avx2", "AVX2": "default"}


def probe(env: dict[str, str]) -> dict:
    """What numpy, scipy and torch use in a fresh process started with ``env``."""
    done = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def native_env() -> dict[str, str]:
    """This process's environment without the variables the alternate one sets."""
    return {k: v for k, v in os.environ.items() if k not in NUMERICAL_VARIABLES}


@lru_cache(maxsize=1)
def alternate() -> tuple[dict, dict[str, str], dict]:
    """(native probe, the alternate environment's variables, their expected effect)."""
    native = probe(native_env())
    kernels = {arch for arch, _ in native["openblas"]}
    assert len(kernels) == 1, f"OpenBLAS copies disagree on the kernel: {native['openblas']}"
    kernel = kernels.pop()
    if kernel not in OTHER_KERNEL or native["aten"] not in OTHER_CAPABILITY:
        pytest.skip(f"no alternate environment known for OpenBLAS {kernel} / ATen {native['aten']}")
    variables = {
        "OPENBLAS_CORETYPE": OTHER_KERNEL[kernel],
        "ATEN_CPU_CAPABILITY": OTHER_CAPABILITY[native["aten"]],
        "OMP_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
    }
    expected = {
        "openblas": [[OTHER_KERNEL[kernel], 1]],
        "aten": OTHER_CAPABILITY[native["aten"]].upper(),
        "torch_threads": 1,
    }
    return native, variables, expected


def describe(variables: dict[str, str]) -> str:
    return " ".join(f"{k}={v}" for k, v in variables.items())


def test_alternate_environment_takes_effect():
    native, variables, expected = alternate()
    seen = probe({**native_env(), **variables})
    assert seen == expected, (
        f"under {describe(variables)} the libraries report {seen}, expected {expected} "
        f"(native: {native})")
    assert seen["openblas"][0][0] != native["openblas"][0][0]
    assert seen["aten"] != native["aten"]


FAILED_CELL = re.compile(r"^FAILED (\S+\.ipynb)::Cell (\d+)", re.MULTILINE)

# The chapters run in a few batches, one subprocess (one pytest start, about
# 4 s of CPU) per batch instead of per chapter; interleaved, so that the
# batches take about as long as each other and spread over the workers.
BATCHES = 4
CHAPTER_BATCHES = [CHAPTERS[i::BATCHES] for i in range(BATCHES)]


@pytest.mark.parametrize("chapters", CHAPTER_BATCHES,
                         ids=["+".join(p.stem[:2] for p in batch) for batch in CHAPTER_BATCHES])
def test_chapter_outputs_hold_in_the_alternate_environment(chapters):
    """nbval passes on ``chapters`` under the alternate environment; a failure names the
    environment, and every chapter and cell whose output differed."""
    _, variables, _ = alternate()
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:xdist",
               "-q", "-rf", "--color=no", "--nbval", "--nbval-current-env",
               "--nbval-sanitize-with", str(REPO / "tests" / "nbval_sanitize.cfg"),
               "-o", "addopts=", *(str(c.relative_to(REPO)) for c in chapters)]
    # Not the outer run's PYTEST_ADDOPTS: its options (-n 3, say) are not this run's.
    env = {k: v for k, v in native_env().items() if k != "PYTEST_ADDOPTS"}
    done = subprocess.run(command, cwd=REPO, env={**env, **variables, **OUTPUTS_ONLY},
                          capture_output=True, text=True, timeout=1800)
    failed = [(REPO / path, int(c)) for path, c in FAILED_CELL.findall(done.stdout)]
    assert done.returncode == 0, (
        f"under {describe(variables)}: "
        + ("; ".join(f"{path.name}: {name_cell(path, c)} differs" for path, c in failed)
           or f"nbval failed on {', '.join(c.name for c in chapters)}")
        + "\n" + done.stdout[-6000:])


def name_cell(chapter: Path, code_index: int) -> str:
    """nbval's ``Cell M`` (M counts code cells) as the notebook's cell index and first line."""
    cells = json.loads(chapter.read_text(encoding="utf-8"))["cells"]
    index, cell = [(i, c) for i, c in enumerate(cells) if c["cell_type"] == "code"][code_index]
    source = "".join(cell["source"]).strip().splitlines()
    return (f"nbval Cell {code_index} (cell {index}, In [{cell.get('execution_count')}]: "
            f"{source[0][:60] if source else ''})")

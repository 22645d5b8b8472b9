"""Timings a reader can trust: one thread, rounds interleaved, the minimum CPU time, the machine named.

Every timing the book commits is taken with :func:`time_interleaved`:

- one BLAS / OpenMP / PyTorch thread, so that a busy second core does not
  change the figure and the comparison is per core;
- each function's CPU time of the calling thread (``time.thread_time``), not
  wall-clock time: another process taking the core does not count;
- rounds interleaved (A, B, C, A, B, C, ...), so that a slow period of the
  machine falls on every function alike;
- the minimum over rounds as the estimate (noise only ever adds time).

:func:`machine` returns the line a figure prints under its timings (CPU model,
BLAS and its kernel, PyTorch's CPU capability). :func:`check_claim` and
:func:`check_increasing` check the shape a text claims, raising only while
``tools/run_notebook.py`` records the outputs.
"""

from __future__ import annotations

import os
import platform
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator, Mapping, Sequence

import numpy as np
from threadpoolctl import threadpool_info, threadpool_limits

from ._validation import check_int

__all__ = ["RECORDING_VARIABLE", "ROUNDS_VARIABLE", "check_claim", "check_increasing", "last_level_cache",
           "machine", "one_thread", "recording", "time_interleaved"]


#: Environment variable: at most this many rounds per function. The test runs that re-execute a
#: chapter only for its printed outputs set it to 1; the times are not compared, and recording
#: (``tools/run_notebook.py``) and a reader's run measure with every round.
ROUNDS_VARIABLE = "CONVKIT_TIMING_ROUNDS"


def time_interleaved(functions: Mapping[str, Callable[[], object]], rounds: int = 15,
                     warmup: int = 1) -> dict[str, float]:
    """Minimum CPU seconds per call of each function, measured in interleaved rounds on one thread.

    Parameters
    ----------
    functions : mapping of str to callable
        Name to a function of no arguments; each is called ``warmup + rounds`` times.
    rounds : int, optional
        Timed calls per function (default 15), taken one round at a time across all
        functions.
    warmup : int, optional
        Untimed calls per function before the first round (default 1).

    Returns
    -------
    dict of str to float
        Name to the minimum, over the rounds, of the calling thread's CPU time for
        one call, in seconds.

    See Also
    --------
    one_thread : The thread limit applied during the measurement.
    machine : The line to print beside the figures.

    Notes
    -----
    If the environment variable ``CONVKIT_TIMING_ROUNDS`` holds a positive integer, ``rounds`` is
    capped at it (see :data:`ROUNDS_VARIABLE`). Why one thread, CPU time, interleaving and the
    minimum: see the module's docstring.

    Examples
    --------
    >>> times = time_interleaved({"sum": lambda: sum(range(1000))}, rounds=3)
    >>> sorted(times), times["sum"] > 0
    (['sum'], True)
    """
    if not isinstance(functions, Mapping) or not functions:
        raise TypeError("functions must be a non-empty mapping of names to callables")
    for name, function in functions.items():
        if not callable(function):
            raise TypeError(f"functions[{name!r}] must be callable")
    rounds = check_int(rounds, "rounds", minimum=1)
    warmup = check_int(warmup, "warmup", minimum=0)
    cap = os.environ.get(ROUNDS_VARIABLE, "")
    if cap.isdigit() and int(cap) >= 1:  # a test re-run that does not look at the times
        rounds = min(rounds, int(cap))
    best = {name: float("inf") for name in functions}
    with one_thread():
        for function in functions.values():
            for _ in range(warmup):
                function()
        for _ in range(rounds):
            for name, function in functions.items():
                start = time.thread_time()
                function()
                best[name] = min(best[name], time.thread_time() - start)
    return best


@contextmanager
def one_thread() -> Iterator[None]:
    """Limit numpy's BLAS, OpenMP and PyTorch to one thread inside the block, then restore them.

    Yields
    ------
    None
        The block runs with one thread; the previous limits return on exit.

    Examples
    --------
    >>> with one_thread():
    ...     pass
    """
    try:
        import torch  # heavy and optional: only the timing helpers use it
    except ImportError:  # pragma: no cover - torch is in requirements.txt
        torch = None
    previous = torch.get_num_threads() if torch is not None else None
    with threadpool_limits(1):
        if torch is not None:
            torch.set_num_threads(1)
        try:
            yield
        finally:
            if torch is not None:
                torch.set_num_threads(previous)


def machine() -> str:
    """One line naming the machine a timing was measured on: CPU model, BLAS and kernel, PyTorch.

    Returns
    -------
    str
        Parts joined by ``"; "``, e.g. ``CPU: <model>; numpy <version> with openblas <version>, SkylakeX kernel; torch <version> (AVX512); one thread``.

    Examples
    --------
    >>> "CPU" in machine()
    True
    """
    parts = [f"CPU: {_cpu_model()}"]
    blas = [info for info in threadpool_info() if info.get("user_api") == "blas"]
    if blas:
        info = _numpy_blas(blas)
        kernel = f", {info['architecture']} kernel" if info.get("architecture") else ""
        parts.append(f"numpy {np.__version__} with {info['internal_api']} "
                     f"{info.get('version', '?')}{kernel}")
    else:
        parts.append(f"numpy {np.__version__}")
    try:
        import torch  # heavy and optional: only the timing helpers use it

        parts.append(f"torch {torch.__version__} ({torch.backends.cpu.get_cpu_capability()})")
    except ImportError:  # pragma: no cover
        pass
    parts.append("one thread")
    return "; ".join(parts)


def _numpy_blas(blas: list[dict]) -> dict:
    """numpy's own BLAS among the loaded ones (threadpoolctl lists them in load order, and
    scipy and torch may bring their own copies): the one shipped in numpy's wheel (the
    ``numpy.libs`` folder, or inside the package), else the first (a shared system BLAS)."""
    package = Path(np.__file__).resolve().parent
    for info in blas:
        folder = Path(info.get("filepath", "")).resolve().parent
        if folder == package.parent / "numpy.libs" or package in (folder, *folder.parents):
            return info
    return blas[0]


RECORDING_VARIABLE = "CONVKIT_RECORDING"
"""The environment variable ``tools/run_notebook.py`` sets to ``1`` while it records a chapter's outputs."""


def recording() -> bool:
    """Whether the outputs of this run will be committed: ``tools/run_notebook.py`` is recording them.

    Returns
    -------
    bool
        True when the environment variable ``CONVKIT_RECORDING`` is ``"1"``.

    See Also
    --------
    check_claim : Raises only while recording.
    """
    return os.environ.get(RECORDING_VARIABLE, "") == "1"


def check_claim(claim: str, holds: bool, detail: str = "") -> None:
    """Check a claim the text makes about the times just measured; refuse to record a figure that contradicts it.

    A timing is a fact about one machine at one moment. While ``tools/run_notebook.py`` records a
    chapter (:func:`recording`), a claim that the measurement does not show raises, so that no committed
    output contradicts the prose beside it. In any other run (a reader's notebook, the test suite on a
    busy machine) it prints a verdict instead: the reader's machine is not the one the text was
    checked on.

    Parameters
    ----------
    claim : str
        The claim, as the text makes it (``"im2col's time grows with k"``).
    holds : bool
        Whether the measurement shows it.
    detail : str, optional
        What the measurement showed instead, named in the verdict.

    Raises
    ------
    ValueError
        If the claim does not hold while recording.

    See Also
    --------
    check_increasing : The claim "these values grow", with the first pair that does not.

    Examples
    --------
    >>> check_claim("the merged layer is faster", 1.2 < 3.4)
    checked on this run: the merged layer is faster
    """
    if not isinstance(claim, str):
        raise TypeError(f"claim must be a str, got {type(claim).__name__}")
    if bool(holds):
        print(f"checked on this run: {claim}")
        return
    message = f"this run's times do not show that {claim}" + (f" ({detail})" if detail else "")
    if recording():
        raise ValueError(message)
    print(f"{message}. Timings move with the machine and its load; the committed output was checked when "
          "it was recorded. Re-run this cell on an idle machine.")


def check_increasing(values: Sequence[float], name: str, labels: Sequence[object] | None = None) -> None:
    """Check the claim "``name`` increases" on measured values, naming the first pair that does not.

    Parameters
    ----------
    values : sequence of float
        The measured figures, in the order the text claims they grow.
    name : str
        What the values are (``"im2col's time"``).
    labels : sequence, optional
        One label per value (for example the kernel sizes), named in the verdict.

    Raises
    ------
    ValueError
        If ``labels`` and ``values`` differ in length, or (only while :func:`recording`) if the values do
        not increase.

    See Also
    --------
    check_claim : How the verdict is reported.

    Examples
    --------
    >>> check_increasing([1.0, 2.0, 4.0], "im2col's time", labels=[3, 5, 7])
    checked on this run: im2col's time increases over 3, 5, 7
    """
    values = [float(v) for v in values]
    labels = list(labels) if labels is not None else list(range(len(values)))
    if len(labels) != len(values):
        raise ValueError(f"labels has {len(labels)} entries, values has {len(values)}")
    detail = ""
    for (a, la), (b, lb) in zip(zip(values, labels), zip(values[1:], labels[1:])):
        if not b > a:
            detail = f"{a:.3g} at {la}, then {b:.3g} at {lb}"
            break
    check_claim(f"{name} increases over {', '.join(str(label) for label in labels)}", not detail, detail)


def last_level_cache() -> int | None:
    """Bytes of the largest data cache the operating system reports for the first CPU, or None.

    A bandwidth measurement must move arrays well beyond this size, or it
    measures the cache instead of main memory (chapter 15's roofline copies
    four times it).

    Returns
    -------
    int or None
        On Linux the largest data or unified cache of
        ``/sys/devices/system/cpu/cpu0/cache``; on macOS ``hw.l3cachesize`` or
        ``hw.l2cachesize``; None where neither answers. A virtual machine
        reports what its hypervisor passes on, which may differ from the
        host's hardware.

    Examples
    --------
    >>> size = last_level_cache()
    >>> size is None or size >= 2**10
    True
    """
    size = _sysfs_cache(Path("/sys/devices/system/cpu/cpu0/cache"))
    if size:
        return size
    if platform.system() == "Darwin":
        for name in ("hw.l3cachesize", "hw.l2cachesize"):
            value = _sysctl(name)
            if value.isdigit() and int(value) > 0:
                return int(value)
    return None


def _sysfs_cache(folder: Path) -> int | None:
    """The largest data or unified cache listed in a sysfs ``cache`` folder, or None."""
    sizes = []
    try:
        for index in folder.glob("index*"):
            if (index / "type").read_text().strip() in ("Data", "Unified"):
                sizes.append(_cache_bytes((index / "size").read_text()))
    except (OSError, ValueError):
        return None
    sizes = [size for size in sizes if size > 0]
    return max(sizes) if sizes else None


def _cache_bytes(text: str) -> int:
    """``"32768K"``, ``"2M"`` or ``"512"`` (sysfs cache sizes) in bytes."""
    text = text.strip().upper()
    scale = {"K": 2**10, "M": 2**20, "G": 2**30}.get(text[-1:], 1)
    return int(text[:-1] if scale > 1 else text) * scale


def _cpu_model() -> str:
    """The CPU's model name (Linux: /proc/cpuinfo; macOS: sysctl), else what platform knows."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.lower().startswith(("model name", "hardware", "cpu model")):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    model = _sysctl("machdep.cpu.brand_string") if platform.system() == "Darwin" else ""
    return model or platform.processor() or platform.machine() or "unknown"


def _sysctl(name: str) -> str:
    """macOS ``sysctl -n name``, stripped; ``""`` where it fails."""
    try:
        return subprocess.run(["sysctl", "-n", name], capture_output=True, text=True,
                              check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


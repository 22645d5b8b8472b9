"""Time convkit against torch.nn.functional on the course's benchmark cases.

Usage::

    python benchmarks/bench.py              # full run
    python benchmarks/bench.py --quick      # fewer repeats
    python benchmarks/bench.py --markdown   # print a markdown table
    python benchmarks/bench.py --only FFT   # only the cases whose name holds "FFT"

Both libraries run on one thread (PyTorch's intra-op threads and numpy's BLAS
threads are set to 1), in the same process, interleaved call by call, on the
same float32 data. For each case the script prints the median time of each,
the ratio convkit / torch, the GFLOP/s each reaches next to the GFLOP/s of a
plain numpy float32 matrix multiply measured in the same run (the ceiling for
a numpy implementation), and convkit's peak memory beyond its result
(tracemalloc around one call).
"""

from __future__ import annotations

import os

# One BLAS / OpenMP thread, set before numpy and torch load their libraries.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import tracemalloc  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import convkit  # noqa: E402

try:
    from threadpoolctl import threadpool_info, threadpool_limits
except ImportError:  # the environment variables above already ask for one thread
    threadpool_info = threadpool_limits = None

torch.set_num_threads(1)


def conv_case(name, n, batch, c_in, c_out, size, k, stride=1, padding=0, dilation=1, groups=1,
              ours=None):
    """A forward convolution case: its operands, the two calls and its FLOPs.

    ``ours`` replaces convkit's function of that rank (``convkit.conv2d_fft``
    for the FFT cases); the FLOPs stay those of the direct method, so that
    GFLOP/s compare the methods on the same work.
    """
    rng = np.random.default_rng(0)
    x = rng.standard_normal((batch, c_in) + (size,) * n).astype(np.float32)
    w = rng.standard_normal((c_out, c_in // groups) + (k,) * n).astype(np.float32)
    kw = dict(stride=stride, padding=padding, dilation=dilation, groups=groups)
    ours = ours or {1: convkit.conv1d, 2: convkit.conv2d, 3: convkit.conv3d}[n]
    theirs = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}[n]
    xt, wt = torch.from_numpy(x), torch.from_numpy(w)
    out_shape = tuple(theirs(xt, wt, **kw).shape)
    flops = 2 * np.prod(out_shape) * (c_in // groups) * k**n
    return dict(
        name=name,
        convkit=lambda: ours(x, w, **kw),
        torch=lambda: theirs(xt, wt, **kw),
        flops=float(flops),
        out_shape=out_shape,
    )


def transposed_case(name, batch, c_in, c_out, size, k, stride, padding, output_padding):
    """The transposed case, if convkit has conv_transpose2d yet."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((batch, c_in, size, size)).astype(np.float32)
    w = rng.standard_normal((c_in, c_out, k, k)).astype(np.float32)  # (C_in, C_out, kH, kW)
    kw = dict(stride=stride, padding=padding, output_padding=output_padding)
    xt, wt = torch.from_numpy(x), torch.from_numpy(w)
    out_shape = tuple(F.conv_transpose2d(xt, wt, **kw).shape)
    flops = 2 * x.size * c_out * k * k  # every input value meets every kernel tap
    ours = getattr(convkit, "conv_transpose2d", None)
    return dict(
        name=name,
        convkit=None if ours is None else (lambda: ours(x, w, **kw)),
        torch=lambda: F.conv_transpose2d(xt, wt, **kw),
        flops=float(flops),
        out_shape=out_shape,
    )


def cases():
    return [
        conv_case("3x3 64->64 56x56 pad 1, N=1", 2, 1, 64, 64, 56, 3, padding=1),
        conv_case("3x3 64->64 56x56 pad 1, N=8", 2, 8, 64, 64, 56, 3, padding=1),
        conv_case("3x3 stride 2 64->128 56x56 pad 1", 2, 1, 64, 128, 56, 3, stride=2, padding=1),
        conv_case("1x1 256->64 56x56", 2, 1, 256, 64, 56, 1),
        conv_case("depthwise 3x3 C=128 56x56 pad 1", 2, 1, 128, 128, 56, 3, padding=1, groups=128),
        conv_case("grouped 3x3 256->256 g=8 28x28 pad 1", 2, 1, 256, 256, 28, 3,
                  padding=1, groups=8),
        transposed_case("transposed 3x3 s2 64->32 28x28 op 1", 1, 64, 32, 28, 3, 2, 1, 1),
        conv_case("dilated 3x3 d=2 64->64 56x56 pad 2", 2, 1, 64, 64, 56, 3,
                  padding=2, dilation=2),
        conv_case("image 512x512 RGB->16 3x3 pad 1", 2, 1, 3, 16, 512, 3, padding=1),
        conv_case("3D 3x3x3 16->16 32^3 pad 1, N=1", 3, 1, 16, 16, 32, 3, padding=1),
        conv_case("3D 3x3x3 16->16 32^3 pad 1, N=8", 3, 8, 16, 16, 32, 3, padding=1),
        # The FFT route (chapter 15) against the im2col one on a small and a large kernel.
        conv_case("3x3 16->16 64x64 pad 1", 2, 1, 16, 16, 64, 3, padding=1),
        conv_case("FFT: 3x3 16->16 64x64 pad 1", 2, 1, 16, 16, 64, 3, padding=1,
                  ours=convkit.conv2d_fft),
        conv_case("31x31 16->16 64x64 pad 15", 2, 1, 16, 16, 64, 31, padding=15),
        conv_case("FFT: 31x31 16->16 64x64 pad 15", 2, 1, 16, 16, 64, 31, padding=15,
                  ours=convkit.conv2d_fft),
    ]


def interleaved_medians(funcs, samples, budget):
    """Median wall-clock and per-thread CPU seconds of each function, timed in turn.

    The CPU time of the calling thread is what a call costs when other
    processes compete for the cores (both libraries run on this one thread).
    """
    for f in funcs:  # warm up caches, allocator and lazy initialisation
        f()
    wall = [[] for _ in funcs]
    cpu = [[] for _ in funcs]
    start = time.perf_counter()
    while len(wall[0]) < samples:
        for f, w, c in zip(funcs, wall, cpu):
            c0, t0 = time.thread_time(), time.perf_counter()
            f()
            w.append(time.perf_counter() - t0)
            c.append(time.thread_time() - c0)
        if len(wall[0]) >= 3 and time.perf_counter() - start > budget:
            break
    return [statistics.median(t) for t in wall], [statistics.median(t) for t in cpu], len(wall[0])


def matmul_gflops(samples):
    """GFLOP/s of numpy's float32 matrix multiply (1024 x 1024 by 1024 x 1024).

    Returns the rate by wall-clock time and by the calling thread's CPU time.
    """
    rng = np.random.default_rng(0)
    a = rng.standard_normal((1024, 1024)).astype(np.float32)
    b = rng.standard_normal((1024, 1024)).astype(np.float32)
    out = np.empty((1024, 1024), dtype=np.float32)
    (wall,), (cpu,), _ = interleaved_medians([lambda: np.matmul(a, b, out=out)], samples, 3.0)
    return 2 * 1024**3 / wall / 1e9, 2 * 1024**3 / cpu / 1e9


def peak_extra_bytes(func, out_shape):
    """Peak memory traced during one call, beyond the float32 result itself."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    result = func()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del result
    return max(0, peak - 4 * int(np.prod(out_shape)))


def environment_lines():
    lines = [
        f"numpy {np.__version__}, torch {torch.__version__} "
        f"(CPU capability {torch.backends.cpu.get_cpu_capability()}), "
        f"torch threads {torch.get_num_threads()}",
    ]
    for var in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):
        lines.append(f"{var}={os.environ.get(var, '(unset)')}")
    if threadpool_info is not None:
        for pool in threadpool_info():
            if pool.get("internal_api") == "openblas":
                lines.append(
                    f"numpy BLAS: OpenBLAS {pool.get('version')}, "
                    f"kernel {pool.get('architecture')}, threads {pool.get('num_threads')}"
                )
    else:
        lines.append(
            "threadpoolctl not installed: BLAS threads limited by environment variables only"
        )
    return lines


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats (noisier)")
    parser.add_argument("--markdown", action="store_true", help="print a markdown table")
    parser.add_argument("--only", metavar="TEXT", default="",
                        help="run only the cases whose name contains TEXT")
    args = parser.parse_args(argv)
    samples, budget = (5, 1.5) if args.quick else (25, 8.0)

    limits = threadpool_limits(1) if threadpool_limits is not None else None
    for line in environment_lines():
        print(line)
    ceiling_wall, ceiling = matmul_gflops(max(samples, 15))
    print(
        f"numpy float32 matmul (1024^3, one thread): {ceiling_wall:.1f} GFLOP/s by wall clock, "
        f"{ceiling:.1f} GFLOP/s by CPU time\n"
    )

    header = ["case", "convkit ms", "torch ms", "ratio", "CPU-time ratio", "convkit GFLOP/s",
              "torch GFLOP/s", "convkit % of matmul (CPU)", "convkit extra MB", "runs"]
    rows = []
    with torch.no_grad():
        for case in cases():
            if args.only not in case["name"]:
                continue
            if case["convkit"] is None:
                name = case["name"]
                print(f"note: skipped '{name}': convkit.conv_transpose2d does not exist yet")
                continue
            (ours, theirs), (cpu_ours, cpu_theirs), runs = interleaved_medians(
                [case["convkit"], case["torch"]], samples, budget
            )
            extra = peak_extra_bytes(case["convkit"], case["out_shape"])
            g_ours, g_theirs = case["flops"] / ours / 1e9, case["flops"] / theirs / 1e9
            # Both sides of this share by CPU time, which contention distorts least.
            share = 100 * case["flops"] / cpu_ours / 1e9 / ceiling
            rows.append([
                case["name"], f"{ours * 1e3:.2f}", f"{theirs * 1e3:.2f}", f"{ours / theirs:.2f}",
                f"{cpu_ours / cpu_theirs:.2f}", f"{g_ours:.1f}", f"{g_theirs:.1f}", f"{share:.0f}",
                f"{extra / 2**20:.1f}", str(runs),
            ])
            if not args.markdown:
                print("  ".join(rows[-1]), flush=True)
    # A second measurement of the ceiling shows how much the machine's load moved.
    end_wall, end_cpu = matmul_gflops(max(samples, 15))
    print(
        f"numpy float32 matmul again at the end: {end_wall:.1f} GFLOP/s by wall clock, "
        f"{end_cpu:.1f} GFLOP/s by CPU time"
    )
    if limits is not None:
        limits.unregister()

    print()
    if args.markdown:
        print("| " + " | ".join(header) + " |")
        print("|" + "|".join([" --- "] + [" ---: "] * (len(header) - 1)) + "|")
        for row in rows:
            print("| " + " | ".join(row) + " |")
    else:
        widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
        for row in [header] + rows:
            cells = [row[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(row[1:], widths[1:])]
            print("  ".join(cells))


if __name__ == "__main__":
    main()

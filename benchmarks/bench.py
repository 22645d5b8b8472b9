"""Time convkit against its own bound and against torch.nn.functional on the course's cases.

Usage::

    python benchmarks/bench.py              # full run
    python benchmarks/bench.py --quick      # fewer rounds
    python benchmarks/bench.py --markdown   # print a markdown table
    python benchmarks/bench.py --only FFT   # only the cases whose name holds "FFT"

A numpy library cannot multiply matrices faster than numpy does, so each case
is measured against its own bound: numpy's float32 matmul on that case's im2col
product shape, ``(C_out/g, C_in/g * taps) @ (C_in/g * taps, positions)``, done
``N * g`` times (for the transposed case, the scatter form's product
``(C_out * taps, C_in) @ (C_in, H_in W_in)``). "of bound" is the bound's time
over convkit's: 1.0 means convkit does nothing but that multiply. The ratio to
PyTorch is printed beside it.

Every time is the minimum CPU time of the calling thread over interleaved rounds
on one thread (:func:`convkit.timing.time_interleaved`), so the figures hold on
a busy machine; the header names the machine (:func:`convkit.timing.machine`).
"""

from __future__ import annotations

import argparse
import math
import sys
import tracemalloc
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import convkit  # noqa: E402
from convkit.timing import machine, time_interleaved  # noqa: E402


def _bound(rng, batches, rows, inner, columns):
    """numpy's float32 matmul ``(rows, inner) @ (inner, columns)``, ``batches`` times."""
    a = rng.standard_normal((rows, inner)).astype(np.float32)
    b = rng.standard_normal((inner, columns)).astype(np.float32)
    out = np.empty((rows, columns), dtype=np.float32)

    def run():
        for _ in range(batches):
            np.matmul(a, b, out=out)

    return run


def conv_case(name, n, batch, c_in, c_out, size, k, stride=1, padding=0, dilation=1, groups=1,
              ours=None):
    """A forward convolution case: its two calls and its bound.

    ``ours`` replaces convkit's function of that rank (``convkit.conv2d_fft`` for
    the FFT cases); the bound stays that of the im2col product.
    """
    rng = np.random.default_rng(0)
    x = rng.standard_normal((batch, c_in) + (size,) * n).astype(np.float32)
    w = rng.standard_normal((c_out, c_in // groups) + (k,) * n).astype(np.float32)
    kw = dict(stride=stride, padding=padding, dilation=dilation, groups=groups)
    ours = ours or {1: convkit.conv1d, 2: convkit.conv2d, 3: convkit.conv3d}[n]
    theirs = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}[n]
    xt, wt = torch.from_numpy(x), torch.from_numpy(w)
    out_shape = tuple(theirs(xt, wt, **kw).shape)
    positions = math.prod(out_shape[2:])
    return dict(
        name=name,
        convkit=lambda: ours(x, w, **kw),
        torch=lambda: theirs(xt, wt, **kw),
        bound=_bound(rng, batch * groups, c_out // groups, c_in // groups * k**n, positions),
        out_shape=out_shape,
    )


def transposed_case(name, batch, c_in, c_out, size, k, stride, padding, output_padding):
    """The transposed case; its bound is the scatter form's product."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((batch, c_in, size, size)).astype(np.float32)
    w = rng.standard_normal((c_in, c_out, k, k)).astype(np.float32)  # (C_in, C_out, kH, kW)
    kw = dict(stride=stride, padding=padding, output_padding=output_padding)
    xt, wt = torch.from_numpy(x), torch.from_numpy(w)
    return dict(
        name=name,
        convkit=lambda: convkit.conv_transpose2d(x, w, **kw),
        torch=lambda: F.conv_transpose2d(xt, wt, **kw),
        bound=_bound(rng, batch, c_out * k * k, c_in, size * size),
        out_shape=tuple(F.conv_transpose2d(xt, wt, **kw).shape),
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


def peak_extra_bytes(func, out_shape):
    """Peak memory traced during one call, beyond the float32 result itself."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    result = func()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del result
    return max(0, peak - 4 * math.prod(out_shape))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds (noisier)")
    parser.add_argument("--markdown", action="store_true", help="print a markdown table")
    parser.add_argument("--only", metavar="TEXT", default="",
                        help="run only the cases whose name contains TEXT")
    args = parser.parse_args(argv)
    rounds = 5 if args.quick else 25

    print(machine())
    header = ["case", "convkit ms", "bound ms", "of bound", "torch ms", "ratio to torch",
              "extra MB"]
    rows = []
    with torch.no_grad():
        for case in cases():
            if args.only not in case["name"]:
                continue
            times = time_interleaved(
                {key: case[key] for key in ("convkit", "bound", "torch")}, rounds=rounds
            )
            extra = peak_extra_bytes(case["convkit"], case["out_shape"])
            rows.append([
                case["name"], f"{times['convkit'] * 1e3:.2f}", f"{times['bound'] * 1e3:.2f}",
                f"{times['bound'] / times['convkit']:.2f}", f"{times['torch'] * 1e3:.2f}",
                f"{times['convkit'] / times['torch']:.2f}", f"{extra / 2**20:.1f}",
            ])
            if not args.markdown:
                print("  ".join(rows[-1]), flush=True)

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

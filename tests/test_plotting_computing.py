"""Chapter 15's figures: the lines and points drawn are the numbers given, the roof is
min(peak, bandwidth x intensity), the crossover is where the faster method stays faster."""

import numpy as np
import pytest
from matplotlib.figure import Figure

from convkit import MethodCost
from convkit.plotting.computing import (
    first_faster, method_costs_description, method_costs_figure, roofline_description, roofline_figure,
)


class TestFirstFaster:
    def test_examples(self):
        assert first_faster([3, 5, 7, 9], [1, 2, 4, 8], [5, 5, 3, 3]) == 7
        assert first_faster([3, 5], [1, 2], [5, 5]) is None
        assert first_faster([3, 5], [9, 9], [1, 1]) == 3

    def test_a_win_that_does_not_last_does_not_count(self):
        assert first_faster([3, 5, 7, 9], [5, 1, 1, 9], [1, 5, 5, 1]) == 9

    def test_lengths_must_agree(self):
        with pytest.raises(ValueError, match="same length"):
            first_faster([3, 5], [1], [1, 2])


class TestRoofline:
    def test_roof_ridge_and_points(self):
        points = [("depthwise", 2.0, 5.0), ("dense", 100.0, 60.0)]
        fig = roofline_figure(80.0, 10.0, points)
        ax = fig.axes[0]
        lines = {line.get_label(): line for line in ax.get_lines()}
        roof = lines["roof: min(peak, bandwidth x intensity)"]
        x, y = roof.get_xdata(), roof.get_ydata()
        np.testing.assert_allclose(y, np.minimum(80.0, 10.0 * x))
        assert list(lines["ridge: 8.0 FLOP/byte"].get_xdata()) == [8.0, 8.0]
        assert list(lines["depthwise"].get_xdata()) == [2.0] and list(lines["depthwise"].get_ydata()) == [5.0]
        assert lines["depthwise"].get_marker() != lines["dense"].get_marker()
        assert ax.get_xscale() == ax.get_yscale() == "log"

    def test_title_names_the_machine(self):
        assert roofline_figure(80.0, 10.0, [], title="CPU X").axes[0].get_title() == "CPU X"
        assert roofline_figure(80.0, 10.0, []).axes[0].get_title() == ""

    def test_description_gives_the_roof_at_each_point(self):
        text = roofline_description(80.0, 10.0, [("depthwise", 2.0, 5.0)])
        assert "8.0 FLOP/byte" in text and "(roof there 20.0)" in text

    def test_bad_machine(self):
        with pytest.raises(ValueError, match="positive"):
            roofline_figure(0.0, 10.0, [])


class TestMethodCosts:
    COSTS = {"direct": MethodCost(200_000_000, 0), "im2col": MethodCost(200_000_000, 3 * 2**20),
             "fft": MethodCost(50_000_000, 40 * 2**20), "winograd": None}

    def _bars(self, fig, field):
        return {p.get_gid().split(":")[1]: p for ax in fig.axes for p in ax.patches
                if (p.get_gid() or "").startswith(field + ":")}

    def test_bars_end_at_the_counts_in_mflop_and_mib(self):
        fig = method_costs_figure(self.COSTS, operations_range=(1, 1e4), bytes_range=(0.1, 1e3))
        ops, memory = self._bars(fig, "operations"), self._bars(fig, "extra_bytes")
        assert sorted(ops) == ["direct", "fft", "im2col"]
        for method, mflop in {"direct": 200, "im2col": 200, "fft": 50}.items():
            bar = ops[method]
            assert bar.get_x() == 1 and bar.get_x() + bar.get_width() == pytest.approx(mflop)
        assert sorted(memory) == ["fft", "im2col"]          # direct has none: no bar
        assert memory["fft"].get_x() + memory["fft"].get_width() == pytest.approx(40)
        assert [ax.get_xscale() for ax in fig.axes] == ["log", "log"]
        assert fig.axes[0].get_xlim() == pytest.approx((1, 1e4))

    def test_values_and_notes_are_written_not_only_drawn(self):
        fig = method_costs_figure(self.COSTS, operand_bytes=2**20)
        texts = [t.get_text() for ax in fig.axes for t in ax.texts]
        assert "50 (fewest)" in texts and "200" in texts and "none" in texts
        assert texts.count("3x3 kernels only") == 2
        line = [ln for ln in fig.axes[1].get_lines() if ln.get_label() == "input + weight + output"]
        assert list(line[0].get_xdata()) == [1, 1]

    def test_description(self):
        text = method_costs_description(self.COSTS, "a layer", operand_bytes=2**20)
        assert text.startswith("a layer. ")
        assert "FFT: 50 MFLOP, 40 MiB extra memory" in text
        assert "direct (blocked): 200 MFLOP, no extra memory" in text
        assert "Winograd F(2x2,3x3): for 3x3 kernels only" in text
        assert "Fewest operations: FFT." in text and "take 1 MiB" in text

    def test_bad_costs(self):
        with pytest.raises(ValueError, match="at least one"):
            method_costs_figure({})
        with pytest.raises(ValueError, match="unknown methods"):
            method_costs_figure({"gemm": MethodCost(1, 1)})
        with pytest.raises(ValueError, match="negative"):
            method_costs_description({"fft": MethodCost(-1, 0)})

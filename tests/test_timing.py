"""convkit.timing: the measurement every committed timing uses."""

import time
from pathlib import Path

import numpy as np
import pytest
import torch

from convkit.timing import (
    RECORDING_VARIABLE, ROUNDS_VARIABLE, _cache_bytes, _numpy_blas, _sysfs_cache, check_claim, check_increasing,
    last_level_cache, machine, one_thread, recording, time_interleaved,
)


def test_minimum_cpu_time_orders_work_by_size():
    """Ten times the work measures as more time (CPU time, so a busy machine cannot swap them)."""
    a = np.random.default_rng(0).standard_normal((200, 200))
    times = time_interleaved({"one": lambda: a @ a, "ten": lambda: [a @ a for _ in range(10)]}, rounds=5)
    assert times["ten"] > 3 * times["one"] > 0


def test_sleeping_is_not_cpu_time():
    """A call that waits costs no CPU time: another process holding the core does not count."""
    times = time_interleaved({"sleep": lambda: time.sleep(0.02)}, rounds=2, warmup=0)
    assert times["sleep"] < 0.01


def test_rounds_are_interleaved():
    calls = []
    time_interleaved({"a": lambda: calls.append("a"), "b": lambda: calls.append("b")}, rounds=2, warmup=1)
    assert calls == ["a", "b", "a", "b", "a", "b"]


def test_rounds_capped_by_the_variable(monkeypatch):
    """The tests' output-only re-runs cap the rounds; a bad value caps nothing."""
    calls = []
    monkeypatch.setenv(ROUNDS_VARIABLE, "1")
    time_interleaved({"a": lambda: calls.append("a")}, rounds=5, warmup=1)
    assert calls == ["a", "a"]
    for value in ("0", "x", ""):
        calls.clear()
        monkeypatch.setenv(ROUNDS_VARIABLE, value)
        time_interleaved({"a": lambda: calls.append("a")}, rounds=3, warmup=0)
        assert calls == ["a"] * 3


def test_one_thread_limits_and_restores_torch():
    before = torch.get_num_threads()
    with one_thread():
        assert torch.get_num_threads() == 1
    assert torch.get_num_threads() == before


@pytest.mark.parametrize("functions, error", [({}, TypeError), ({"a": 3}, TypeError), ([lambda: 0], TypeError)])
def test_bad_functions_refused(functions, error):
    with pytest.raises(error, match="functions"):
        time_interleaved(functions)


def test_bad_rounds_refused():
    with pytest.raises(ValueError, match="rounds"):
        time_interleaved({"a": lambda: 0}, rounds=0)
    with pytest.raises(TypeError, match="rounds"):
        time_interleaved({"a": lambda: 0}, rounds=2.5)


def test_a_claim_that_fails_raises_only_while_recording(monkeypatch, capsys):
    """Recording (tools/run_notebook.py) refuses the figure; a reader's run prints a verdict and goes on."""
    monkeypatch.delenv(RECORDING_VARIABLE, raising=False)
    assert not recording()
    check_claim("A is faster", False, "3 ms against 2 ms")
    assert "do not show that A is faster (3 ms against 2 ms)" in capsys.readouterr().out
    monkeypatch.setenv(RECORDING_VARIABLE, "1")
    assert recording()
    with pytest.raises(ValueError, match="do not show that A is faster"):
        check_claim("A is faster", False)
    check_claim("A is faster", True)
    assert capsys.readouterr().out == "checked on this run: A is faster\n"


def test_check_increasing_names_the_offending_pair(monkeypatch, capsys):
    monkeypatch.setenv(RECORDING_VARIABLE, "1")
    check_increasing([1, 2, 3], "t")
    assert capsys.readouterr().out == "checked on this run: t increases over 0, 1, 2\n"
    with pytest.raises(ValueError, match="t increases over a, b, c \\(2 at b, then 2 at c\\)"):
        check_increasing([1, 2, 2], "t", labels=["a", "b", "c"])
    with pytest.raises(ValueError, match="labels"):
        check_increasing([1, 2], "t", labels=[1])
    monkeypatch.setenv(RECORDING_VARIABLE, "0")
    check_increasing([3, 2], "t")
    assert "do not show that t increases over 0, 1 (3 at 0, then 2 at 1)" in capsys.readouterr().out


def test_claim_must_be_text():
    with pytest.raises(TypeError, match="claim"):
        check_claim(3, True)


def test_run_notebook_records_with_the_variable_set():
    """The kernel of the one recording command gets the variable; importing the tool does not set it here."""
    import run_notebook  # tools/ is on the pytest pythonpath (pyproject.toml)
    assert run_notebook.RECORDING_ENVIRONMENT[RECORDING_VARIABLE] == "1"
    assert run_notebook.RECORDING_ENVIRONMENT[ROUNDS_VARIABLE] == "", "recording measures every round"
    assert run_notebook.RECORDING_ENVIRONMENT["CONVKIT_EXPLORER_FRAMES"] == "all"
    assert not recording()


def test_machine_names_cpu_blas_and_threads():
    line = machine()
    assert line.startswith("CPU: ") and "numpy" in line and "torch" in line and line.endswith("one thread")


def test_machine_names_numpy_s_own_blas_whatever_the_load_order():
    """scipy and torch may load their own OpenBLAS before numpy's; the line names numpy's."""
    site = Path(np.__file__).resolve().parent.parent
    numpy_copy = {"filepath": str(site / "numpy.libs" / "libopenblas-a.so"), "version": "N"}
    scipy_copy = {"filepath": str(site / "scipy.libs" / "libopenblas-b.so"), "version": "S"}
    inside = {"filepath": str(site / "numpy" / ".dylibs" / "libopenblas.dylib"), "version": "M"}
    system = {"filepath": "/usr/lib/libopenblas.so.0", "version": "Y"}
    assert _numpy_blas([scipy_copy, numpy_copy]) is numpy_copy
    assert _numpy_blas([numpy_copy, scipy_copy]) is numpy_copy
    assert _numpy_blas([scipy_copy, inside]) is inside
    assert _numpy_blas([system, scipy_copy]) is system  # no copy of numpy's own: the first


def test_sysfs_cache_is_the_largest_data_or_unified_cache(tmp_path):
    for name, level, kind, size in [("index0", 1, "Data", "32K"), ("index1", 1, "Instruction", "64M"),
                                    ("index2", 2, "Unified", "1024K"), ("index3", 3, "Unified", "32768K")]:
        (tmp_path / name).mkdir()
        (tmp_path / name / "level").write_text(f"{level}\n")
        (tmp_path / name / "type").write_text(f"{kind}\n")
        (tmp_path / name / "size").write_text(f"{size}\n")
    assert _sysfs_cache(tmp_path) == 32 * 2**20          # the 64M instruction cache does not count
    assert _sysfs_cache(tmp_path / "missing") is None
    assert [_cache_bytes(t) for t in ("512", "2M", "1G\n")] == [512, 2 * 2**20, 2**30]
    size = last_level_cache()
    assert size is None or (isinstance(size, int) and size >= 2**10)

"""The committed GIFs of chapter 3 match what tools/make_animations.py draws now."""

import importlib.util
from pathlib import Path

import pytest
from PIL import Image

from convkit.animation import case_steps, save_gif

REPO = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("make_animations", REPO / "tools" / "make_animations.py")
make_animations = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_animations)


def test_one_gif_per_direct_case_with_one_frame_per_output_cell():
    cases = make_animations.direct_cases()
    assert len(cases) == 8
    assert sorted(p.stem for p in make_animations.OUT_DIR.glob("*.gif")) == sorted(cases)
    for case in cases:
        with Image.open(make_animations.OUT_DIR / f"{case}.gif") as gif:
            assert gif.n_frames == case_steps(case), case
            assert gif.info["duration"] == make_animations.DURATION_MS
        assert (make_animations.OUT_DIR / f"{case}.gif").stat().st_size < 80_000, case


@pytest.mark.parametrize("case", ["no_padding_no_strides", "no_padding_strides", "dilation"])
def test_committed_gif_bytes_equal_a_fresh_drawing(case, tmp_path):
    # The three cheapest cases (4, 4 and 25 frames); `python tools/make_animations.py --check` does all.
    fresh = make_animations.write(case, tmp_path)
    assert fresh.read_bytes() == (make_animations.OUT_DIR / f"{case}.gif").read_bytes()


def test_save_gif_colors_must_be_a_palette_size(tmp_path):
    for bad in (1, 257, 2.5, True):
        with pytest.raises(ValueError, match="colors"):
            save_gif("no_padding_strides", tmp_path / "x.gif", dpi=20, colors=bad)

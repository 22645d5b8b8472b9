"""The committed GIFs of chapter 3 match what tools/make_animations.py draws now."""

from pathlib import Path

import pytest
from PIL import Image

import make_animations  # tools/ is on the pytest pythonpath (pyproject.toml)
from convkit.animation import save_gif
from convkit.cases import case_steps

REPO = Path(__file__).resolve().parent.parent


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
    for bad in (1, 257):
        with pytest.raises(ValueError, match="colors"):
            save_gif("no_padding_strides", tmp_path / "x.gif", dpi=20, colors=bad)
    for bad in (2.5, True, None):  # the wrong type: TypeError, as everywhere in convkit
        with pytest.raises(TypeError, match="colors must be an int"):
            save_gif("no_padding_strides", tmp_path / "x.gif", dpi=20, colors=bad)


def test_chapter_3_shows_every_gif_with_alt_text_and_caption():
    """Each GIF is a figure with a title caption and alt text whose numbers are the case's."""
    import json
    import re

    notebook = json.loads((REPO / "chapters" / "03_arithmetic.ipynb").read_text(encoding="utf-8"))
    markdown = "\n".join("".join(cell["source"]) for cell in notebook["cells"] if cell["cell_type"] == "markdown")
    for case in make_animations.direct_cases():
        match = re.search(
            rf":::{{figure}} images/animations/{case}\.gif\n\s*:alt: (?P<alt>[^\n]+)\n(?:\s*:[a-z]+:[^\n]*\n)*\s*\n"
            rf"\s*(?P<caption>\S[^\n]*)\n\s*:::", markdown)
        assert match, f"chapter 3 does not show {case}.gif as a figure"
        assert len(match["caption"]) > 5, case
        params = make_animations_case(case)
        alt = re.fullmatch(
            r"Convolution of an? (?P<i>\d+)x(?P=i) input with a (?P<k>\d+)x(?P=k) kernel, stride (?P<s>\d+), "
            r"padding (?P<p>\d+), dilation (?P<d>\d+): .*filling an? (?P<o>\d+)x(?P=o) output\.", match["alt"])
        assert alt, f"{case}: alt text does not state the case's numbers: {match['alt']}"
        assert {key: int(value) for key, value in alt.groupdict().items()} == params, case


def make_animations_case(case):
    """The caption's numbers: the case's settings and its output size from convkit.conv_output_size."""
    from convkit import conv_output_size
    from convkit.cases import CLASSIC_CASES

    c = CLASSIC_CASES[case]
    i, k, s, p, d = (c[key] for key in ("input_size", "kernel_size", "stride", "padding", "dilation"))
    return {"i": i, "k": k, "s": s, "p": p, "d": d, "o": conv_output_size(i, k, s, p, d)}

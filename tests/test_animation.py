"""Animations: the parameter table, the frame generator, GIF export and the kernel-free player."""

import io

import pytest
import torch
import torch.nn.functional as F
from PIL import Image

from convkit.animation import case_frames, save_gif
from convkit.cases import CLASSIC_CASES, case_steps
from convkit.sizes import conv_output_size


def test_table_covers_the_classic_cases_and_their_transposes():
    direct = [name for name, case in CLASSIC_CASES.items() if not case["transposed"]]
    assert set(direct) >= {
        "no_padding_no_strides", "arbitrary_padding_no_strides", "same_padding_no_strides",
        "full_padding_no_strides", "no_padding_strides", "padding_strides", "padding_strides_odd", "dilation",
    }
    for name in direct:
        assert f"{name}_transposed" in CLASSIC_CASES


@pytest.mark.parametrize("name", sorted(n for n in CLASSIC_CASES if not n.endswith("_transposed")))
def test_transposed_case_restores_the_direct_input_size(name):
    # The table's sizes come from convkit.sizes; PyTorch's shapes are the independent check.
    direct = CLASSIC_CASES[name]
    back = CLASSIC_CASES[f"{name}_transposed"]
    i = direct["input_size"]
    out = F.conv2d(torch.zeros(1, 1, i, i), torch.zeros(1, 1, direct["kernel_size"], direct["kernel_size"]),
                   stride=direct["stride"], padding=direct["padding"], dilation=direct["dilation"])
    o = out.shape[-1]
    assert back["input_size"] == o
    restored = F.conv_transpose2d(torch.zeros(1, 1, o, o), torch.zeros(1, 1, back["kernel_size"], back["kernel_size"]),
                                  stride=back["stride"], padding=back["padding"],
                                  output_padding=back["output_padding"], dilation=back["dilation"])
    assert restored.shape[-2:] == (i, i)
    assert case_steps(name) == o * o
    assert case_steps(f"{name}_transposed") == i * i


def test_named_cases_have_their_defining_property():
    same = CLASSIC_CASES["same_padding_no_strides"]
    assert conv_output_size(same["input_size"], same["kernel_size"], 1, same["padding"]) == same["input_size"]
    full = CLASSIC_CASES["full_padding_no_strides"]
    assert full["padding"] == full["kernel_size"] - 1
    odd = CLASSIC_CASES["padding_strides_odd"]
    assert (odd["input_size"] + 2 * odd["padding"] - odd["kernel_size"]) % odd["stride"] != 0
    assert CLASSIC_CASES["padding_strides_odd_transposed"]["output_padding"] == 1


def test_frames_step_through_every_output_cell():
    frames = list(case_frames("no_padding_strides"))
    assert len(frames) == 4
    for step, fig in enumerate(frames):
        current = [p for ax in fig.axes for p in ax.patches if p.get_gid() == "output-current"]
        assert len(current) == 1
        assert (current[0].get_y(), current[0].get_x()) == divmod(step, 2)


def test_gif_has_one_frame_per_step_and_is_reproducible(tmp_path):
    first = save_gif("no_padding_strides", tmp_path / "a.gif", dpi=40)
    second = save_gif("no_padding_strides", tmp_path / "b.gif", dpi=40)
    assert first.read_bytes() == second.read_bytes()
    image = Image.open(io.BytesIO(first.read_bytes()))
    assert image.format == "GIF" and image.n_frames == 4


def test_custom_cases_and_errors():
    assert case_steps({"input_size": 4, "kernel_size": 2, "stride": 2}) == 4
    with pytest.raises(ValueError, match="case must be one of"):
        case_steps("no_such_case")
    with pytest.raises(TypeError):
        case_steps(3)

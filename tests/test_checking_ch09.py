"""Chapter 9's exercise checks: references against torch.nn, right answers pass, mistakes get their hint."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from convkit.checking import EXERCISES, check

IDS = ("ch09-depthwise-separable", "ch09-inverted-residual")


def _t(array: np.ndarray) -> torch.Tensor:
    return torch.from_numpy(np.ascontiguousarray(array)).to(torch.float64)


def torch_separable(x, dw, pw):
    """nn.Conv2d(C, C*K, k, groups=C) then nn.Conv2d(C*K, C_out, 1), with the case's weights."""
    c_in, hidden, c_out = x.shape[0], dw.shape[0], pw.shape[0]
    depthwise = torch.nn.Conv2d(c_in, hidden, dw.shape[2:], groups=c_in, bias=False).double()
    pointwise = torch.nn.Conv2d(hidden, c_out, 1, bias=False).double()
    with torch.no_grad():
        depthwise.weight.copy_(_t(dw))
        pointwise.weight.copy_(_t(pw)[:, :, None, None])
        return pointwise(depthwise(_t(x)[None]))[0].numpy()


def torch_inverted_residual(x, e, d, p):
    """MobileNetV2's block written with torch.nn.functional (stride 1, no batch norm)."""
    with torch.no_grad():
        h = F.relu6(F.conv2d(_t(x)[None], _t(e)[:, :, None, None]))
        h = F.relu6(F.conv2d(h, _t(d), padding=d.shape[-1] // 2, groups=d.shape[0]))
        y = F.conv2d(h, _t(p)[:, :, None, None])[0]
        if y.shape == x.shape:
            y = y + _t(x)
        return y.numpy()


TORCH = {"ch09-depthwise-separable": torch_separable, "ch09-inverted-residual": torch_inverted_residual}


@pytest.mark.parametrize("exercise_id", IDS)
def test_reference_matches_torch_on_every_case(exercise_id):
    exercise = EXERCISES[exercise_id]
    cases = exercise.cases()
    assert len(cases) >= 5
    for case in cases:
        got = np.asarray(exercise.reference(*case.args), dtype=np.float64)
        expected = TORCH[exercise_id](*case.args)
        tol = 1e-4 if any(a.dtype == np.float32 for a in case.args) else 1e-10
        np.testing.assert_allclose(got, expected, rtol=tol, atol=tol, err_msg=case.label)


def test_cases_cover_the_multiplier_the_residual_and_clipping():
    separable = EXERCISES["ch09-depthwise-separable"].cases()
    assert {c.args[1].shape[0] // c.args[0].shape[0] for c in separable} >= {1, 2, 3}
    assert any(c.args[2].shape[0] == c.args[2].shape[1] for c in separable)  # transposed weight fits
    block = EXERCISES["ch09-inverted-residual"].cases()
    assert any(c.args[3].shape[0] != c.args[0].shape[0] for c in block)      # no shortcut
    assert any(c.args[3].shape[0] == c.args[0].shape[0] for c in block)      # shortcut
    clipped = [c for c in block if np.abs(c.args[1] @ c.args[0].reshape(c.args[0].shape[0], -1)).max() > 6]
    assert clipped                                                            # ReLU6 differs from ReLU


# --- right answers ----------------------------------------------------------------------------

def depthwise_separable(input, depthwise_weight, pointwise_weight):
    """Loops, written from the definition."""
    c_in, h, w = input.shape
    hidden_channels, _, kh, kw = depthwise_weight.shape
    k = hidden_channels // c_in
    hidden = np.zeros((hidden_channels, h - kh + 1, w - kw + 1))
    for ch in range(hidden_channels):
        for u in range(h - kh + 1):
            for v in range(w - kw + 1):
                hidden[ch, u, v] = np.sum(input[ch // k, u:u + kh, v:v + kw] * depthwise_weight[ch, 0])
    return np.einsum("fh,huv->fuv", pointwise_weight, hidden)


def depthwise_separable_torch(input, depthwise_weight, pointwise_weight):
    """Via torch's grouped convolution."""
    hidden = F.conv2d(_t(input)[None], _t(depthwise_weight), groups=input.shape[0])
    return F.conv2d(hidden, _t(pointwise_weight)[:, :, None, None])[0].numpy()


def inverted_residual(input, expand_weight, depthwise_weight, project_weight):
    c_in, h, w = input.shape
    k = depthwise_weight.shape[-1]
    expanded = np.clip(np.einsum("mc,chw->mhw", expand_weight, input), 0, 6)
    padded = np.pad(expanded, ((0, 0), (k // 2, k // 2), (k // 2, k // 2)))
    windows = np.lib.stride_tricks.sliding_window_view(padded, (k, k), axis=(1, 2))  # (C_mid, H, W, k, k)
    filtered = np.clip(np.einsum("mhwij,mij->mhw", windows, depthwise_weight[:, 0]), 0, 6)
    out = np.einsum("om,mhw->ohw", project_weight, filtered)
    return out + input if out.shape == input.shape else out


@pytest.mark.parametrize("fn", [depthwise_separable, depthwise_separable_torch])
def test_right_separable_passes(fn, capsys):
    result = check(fn, "ch09-depthwise-separable")
    assert result.passed and result.n_passed == result.n_cases
    assert capsys.readouterr().out.strip() == (
        f"ch09-depthwise-separable: all {result.n_cases} hidden cases pass.")


def test_right_inverted_residual_passes():
    result = check(inverted_residual, "ch09-inverted-residual", verbose=False)
    assert result.passed, result.report


def test_stubs_are_not_implemented():
    def depthwise_separable(input, depthwise_weight, pointwise_weight):
        raise NotImplementedError

    assert check(depthwise_separable, "ch09-depthwise-separable", verbose=False).status == "not implemented"


# --- wrong answers and their hints ------------------------------------------------------------

def _failed_text(fn, exercise_id):
    result = check(fn, exercise_id, verbose=False)
    assert not result.passed and result.status == "failed"
    return "\n".join(result.failures)


def test_depthwise_step_that_mixes_channels():
    def mixing(input, dw, pw):
        hidden = F.conv2d(_t(input)[None], _t(dw).expand(-1, input.shape[0], -1, -1))  # groups=1
        return F.conv2d(hidden, _t(pw)[:, :, None, None])[0].numpy()

    text = _failed_text(mixing, "ch09-depthwise-separable")
    assert "mixes channels" in text


def test_wrong_multiplier_layout():
    def interleaved(input, dw, pw):
        c_in = input.shape[0]
        order = np.arange(dw.shape[0]) % c_in        # hidden channel h reads input h % C_in
        hidden = F.conv2d(_t(input[order])[None], _t(dw), groups=dw.shape[0])
        return F.conv2d(hidden, _t(pw)[:, :, None, None])[0].numpy()

    result = check(interleaved, "ch09-depthwise-separable", verbose=False)
    assert 0 < result.n_passed < result.n_cases      # K = 1 cases cannot tell
    assert "h // K" in "\n".join(result.failures)


def test_flipped_depthwise_kernels():
    def flipped(input, dw, pw):
        return depthwise_separable(input, dw[:, :, ::-1, ::-1], pw)

    assert "flips the kernels" in _failed_text(flipped, "ch09-depthwise-separable")


def test_transposed_pointwise_weight():
    def transposed(input, dw, pw):
        return depthwise_separable(input, dw, pw.T)

    assert "transposed pointwise weight" in _failed_text(transposed, "ch09-depthwise-separable")


def test_nonlinear_projection():
    def relu6_at_the_end(input, e, d, p):
        out = inverted_residual(input, e, d, p)
        linear = out - input if out.shape == input.shape else out
        out = np.clip(linear, 0, 6)
        return out + input if out.shape == input.shape else out

    assert "linear bottleneck" in _failed_text(relu6_at_the_end, "ch09-inverted-residual")


def test_missing_shortcut():
    def no_shortcut(input, e, d, p):
        out = inverted_residual(input, e, d, p)
        return out - input if out.shape == input.shape else out

    result = check(no_shortcut, "ch09-inverted-residual", verbose=False)
    assert "shortcut is missing" in "\n".join(result.failures)
    assert result.n_passed == 1                        # the C_out != C_in case has no shortcut


def test_relu_instead_of_relu6():
    def relu(input, e, d, p):
        k = d.shape[-1]
        with torch.no_grad():
            h = F.relu(F.conv2d(_t(input)[None], _t(e)[:, :, None, None]))
            h = F.relu(F.conv2d(h, _t(d), padding=k // 2, groups=d.shape[0]))
            y = F.conv2d(h, _t(p)[:, :, None, None])[0].numpy()
        return y + input if y.shape == input.shape else y

    assert "does not clip at 6" in _failed_text(relu, "ch09-inverted-residual")

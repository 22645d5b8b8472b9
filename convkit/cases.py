"""The classic cases of convolution arithmetic, as one parameter table (chapters 3, 6, 7).

:data:`CLASSIC_CASES` lists the configurations of Dumoulin and Visin's guide
to convolution arithmetic and the transposed counterpart of each;
:func:`case_parameters` reads a case's figure arguments and
:func:`case_steps` counts its frames (one per output cell). The figures of
:mod:`convkit.plotting` and the animations of :mod:`convkit.animation` draw
them; this module needs neither.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .sizes import conv_output_size, conv_transpose_output_size

__all__ = ["CLASSIC_CASES", "case_parameters", "case_steps"]
_DIRECT = {
    # name: (input_size, kernel_size, stride, padding, dilation)
    "no_padding_no_strides": (4, 3, 1, 0, 1),
    "arbitrary_padding_no_strides": (5, 4, 1, 2, 1),
    "same_padding_no_strides": (5, 3, 1, 1, 1),
    "full_padding_no_strides": (5, 3, 1, 2, 1),
    "no_padding_strides": (5, 3, 2, 0, 1),
    "padding_strides": (5, 3, 2, 1, 1),
    "padding_strides_odd": (6, 3, 2, 1, 1),
    "dilation": (7, 3, 1, 0, 2),
}


def _classic_cases() -> dict[str, dict[str, Any]]:
    cases: dict[str, dict[str, Any]] = {}
    for name, (i, k, s, p, d) in _DIRECT.items():
        cases[name] = {"transposed": False, "input_size": i, "kernel_size": k, "stride": s,
                       "padding": p, "dilation": d}
    for name, (i, k, s, p, d) in _DIRECT.items():
        o = conv_output_size(i, k, s, p, d)
        # output_padding recovers the input size the floor dropped (the odd case):
        # what the transposed convolution falls short of i without it.
        dropped = i - conv_transpose_output_size(o, k, s, p, 0, d)
        cases[f"{name}_transposed"] = {"transposed": True, "input_size": o, "kernel_size": k, "stride": s,
                                       "padding": p, "dilation": d, "output_padding": dropped}
    return cases


#: Case name -> keyword arguments of the step figures plus ``transposed``. A
#: ``*_transposed`` case takes the output size of its direct case as input and
#: gives back the direct case's input size.
CLASSIC_CASES: dict[str, dict[str, Any]] = _classic_cases()


def case_parameters(case: str | Mapping[str, Any]) -> tuple[bool, dict[str, Any]]:
    """Whether a case is transposed, and the keyword arguments of its step figure.

    Parameters
    ----------
    case : str or mapping
        A name of :data:`CLASSIC_CASES` or a mapping with the same keys
        (``transposed`` defaults to False).

    Returns
    -------
    transposed : bool
        True for a transposed convolution.
    params : dict
        The case without ``transposed``: ``input_size``, ``kernel_size`` and
        those of ``stride``, ``padding``, ``dilation`` and ``output_padding``
        it gives.

    Raises
    ------
    ValueError
        If ``case`` is a name not in :data:`CLASSIC_CASES`.
    TypeError
        If ``case`` is neither a name nor a mapping.
    """
    if isinstance(case, str):
        try:
            params = dict(CLASSIC_CASES[case])
        except KeyError:
            raise ValueError(f"case must be one of {sorted(CLASSIC_CASES)}, got {case!r}") from None
    elif isinstance(case, Mapping):
        params = dict(case)
    else:
        raise TypeError(f"case must be a case name or a mapping of parameters, got {type(case).__name__}")
    transposed = bool(params.pop("transposed", False))
    return transposed, params


def case_steps(case: str | Mapping[str, Any]) -> int:
    """Number of frames of a case: one per output cell.

    Parameters
    ----------
    case : str or mapping
        As in :func:`case_parameters`.

    Returns
    -------
    int
    """
    transposed, params = case_parameters(case)
    size = conv_transpose_output_size if transposed else conv_output_size
    shape = size(**{key: value if isinstance(value, (tuple, list)) else (value, value)
                    for key, value in params.items()})  # (H_out, W_out)
    return shape[0] * shape[1]

"""The shared docstring sections (convkit/_docstrings.py) end up where they belong."""

import inspect
import re

import pytest

import convkit
from convkit._docstrings import fill_doc

PLACEHOLDER = re.compile(r"^\s*\{[A-Za-z_]\w*\}\s*$", re.M)


def _public_functions():
    for name in sorted(dir(convkit)):
        obj = getattr(convkit, name)
        if inspect.isfunction(obj):
            yield name, obj


@pytest.mark.parametrize("name, func", list(_public_functions()))
def test_no_placeholder_left_in_public_docstrings(name, func):
    doc = inspect.getdoc(func)
    assert doc, f"{name} has no docstring"
    assert not PLACEHOLDER.search(doc), f"{name} still has a {{section}} line"


@pytest.mark.parametrize(
    "func, shapes",
    [
        (convkit.conv1d, ["``(N, C_in, L)``", "``(C_out, C_in/groups, kL)``", "``(N, C_out, L_out)``"]),
        (convkit.conv2d_naive, ["``(N, C_in, H, W)``", "``(C_out, C_in/groups, kH, kW)``",
                                "``(N, C_out, H_out, W_out)``"]),
        (convkit.conv3d, ["``(N, C_in, D, H, W)``", "``(C_out, C_in/groups, kD, kH, kW)``",
                          "``(N, C_out, D_out, H_out, W_out)``"]),
    ],
)
def test_conv_docstrings_carry_their_own_shapes(func, shapes):
    doc = inspect.getdoc(func)
    for section in ("Parameters\n----------", "Returns\n-------", "Raises\n------",
                    "Notes\n-----", "Examples\n--------"):
        assert doc.count(section) == 1, (func.__name__, section)
    for shape in shapes:
        assert shape in doc, (func.__name__, shape)
    # the examples call the function they document
    assert f">>> from convkit import {func.__name__}\n" in doc


def test_fill_doc_replaces_only_whole_placeholder_lines():
    @fill_doc(part="Shared\n  text")
    def f():
        """Summary with x_{pad} kept.

        {part}
        """

    assert f.__doc__ == "Summary with x_{pad} kept.\n\nShared\n  text\n"


def test_fill_doc_refuses_a_missing_or_unused_section():
    with pytest.raises(ValueError, match="no text given for {other}"):
        @fill_doc(part="x")
        def f():
            """Summary.

            {part}
            {other}
            """

    with pytest.raises(ValueError, match="no line for"):
        @fill_doc(part="x", extra="y")
        def g():
            """Summary.

            {part}
            """

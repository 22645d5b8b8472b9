"""Every public docstring of convkit passes ``numpydoc.validate`` on a chosen set of checks.

"Public" is what an ``__all__`` exports: ``convkit.__all__`` and the ``__all__``
of every module whose dotted name has no part starting with an underscore
(``convkit.plotting`` and its modules, ``convkit.checking``, ``convkit.timing``,
...), found by walking the package, so a new module is checked without editing
this file. Each exported function and class is validated, and so is each
public method or property a public class defines itself.

The checks (numpydoc's codes, see ``numpydoc.validate.ERROR_MSGS``):

* the docstring exists: GL08; its sections are known and in order: GL06, GL07;
* the summary: present (SS01), capitalised (SS02), ends in a period (SS03),
  fits on one line (SS06);
* parameters: every signature parameter documented (PR01), no documented name
  the signature lacks (PR02, which is what prose sitting inside a Parameters
  section gives), documented in signature order (PR03), standard type names
  (PR06), descriptions that start with a capital and end with a period (PR08,
  PR09), a space around the colon (PR10);
* returns: a Returns section for a function that returns (RT01), a Yields
  section for a generator (YD01), only the type on the first line of a single
  return (RT02), descriptions capitalised and ending in a period (RT04, RT05);
* See Also: every entry has a description (SA04), capitalised and ending in a
  period (SA02, SA03);
* plus one check of ours, ``TYPE``: a parameter's or return's type field is a
  type, not a sentence (it does not end in a period).

Not checked, on purpose: SS05 (summary starts with a verb in the infinitive),
whose test is "the first word ends in s", so it flags the package's
noun-phrase summaries ("Multiplies of F(2, 3) ...", "Cells of the padded
grid ..."); ES01 (extended summary) and EX01 (examples), since a
one-line helper needs neither; SA01 (a See Also section everywhere); PR04 and
PR07, because a group of parameters documented together as
``stride, padding, dilation`` with "As in :func:`conv2d`" is the convention the
package uses and numpydoc reads the group as untyped; RT03, because a bare
``Cost`` or ``matplotlib.figure.Figure`` return is described by its type.

A class documenting its constructor's arguments under ``Attributes`` (a
dataclass or NamedTuple whose fields are the arguments) passes PR01 for those
names.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest
from numpydoc.docscrape import ClassDoc, FunctionDoc
from numpydoc.validate import validate

import convkit

CHECKED = {
    "GL06", "GL07", "GL08",
    "SS01", "SS02", "SS03", "SS06",
    "PR01", "PR02", "PR03", "PR06", "PR08", "PR09", "PR10",
    "RT01", "RT02", "RT04", "RT05", "YD01",
    "SA02", "SA03", "SA04",
}


def public_modules():
    """Dotted names of convkit's public modules: no name part starts with an underscore."""
    names = ["convkit"] + [
        info.name for info in pkgutil.walk_packages(convkit.__path__, "convkit.")
    ]
    return [n for n in names if not any(part.startswith("_") for part in n.split("."))]


def public_objects():
    """``{dotted name: object}`` of every exported function and class and their public methods."""
    found = {}
    for module_name in public_modules():
        module = importlib.import_module(module_name)
        for name in getattr(module, "__all__", []):
            assert hasattr(module, name), f"{module_name}.__all__ names {name!r}, which it does not define"
            obj = getattr(module, name)
            if not (inspect.isfunction(obj) or inspect.isclass(obj)):
                continue  # constants and data
            if not obj.__module__.startswith("convkit"):
                continue
            found[f"{obj.__module__}.{obj.__qualname__}"] = obj
    for dotted, obj in list(found.items()):
        if inspect.isclass(obj):
            for name, member in vars(obj).items():
                function = member.fget if isinstance(member, property) else getattr(member, "__func__", member)
                if not name.startswith("_") and inspect.isfunction(function):
                    found[f"{dotted}.{name}"] = member
    return found


PUBLIC = public_objects()


def type_fields(obj):
    """``[(section, name, type)]`` of the Parameters, Returns and Yields entries."""
    parsed = ClassDoc(obj) if inspect.isclass(obj) else FunctionDoc(obj)
    return [
        (section, entry.name, entry.type)
        for section in ("Parameters", "Other Parameters", "Returns", "Yields")
        for entry in parsed[section]
    ]


def docstring_errors(dotted, obj):
    """``[(code, message)]``: numpydoc's errors in CHECKED, and our TYPE check."""
    errors = [(code, message) for code, message in validate(dotted)["errors"] if code in CHECKED]
    if inspect.isclass(obj):
        attributes = {part.strip() for entry in ClassDoc(obj)["Attributes"] for part in entry.name.split(",")}
        if _undocumented(obj) <= attributes:
            errors = [(code, message) for code, message in errors if code != "PR01"]
    for section, name, type_ in type_fields(obj):
        # numpydoc puts a single unnamed return's type in .name
        text = type_ or (name if section in ("Returns", "Yields") else "")
        if text.rstrip().endswith("."):
            errors.append(("TYPE", f"{section} entry {name!r}: the type field {text!r} reads as a sentence"))
    return errors


def _undocumented(cls):
    """Constructor parameters of ``cls`` that its Parameters section does not list."""
    documented = {part.strip().lstrip("*") for entry in ClassDoc(cls)["Parameters"]
                  for part in entry.name.split(",")}
    try:
        parameters = inspect.signature(cls).parameters
    except (TypeError, ValueError):
        return set()
    return {p for p in parameters if p not in documented}


def failure_message(dotted, errors):
    return f"{dotted}:\n" + "\n".join(f"  {code}: {message}" for code, message in errors)


def test_the_walk_finds_the_package():
    """The walk reaches the face, plotting and the checker (a broken walk would check nothing)."""
    assert {"convkit.conv.conv2d", "convkit.plotting.render.show",
            "convkit.checking.engine.check"} <= set(PUBLIC)
    assert len(PUBLIC) > 200


@pytest.mark.parametrize("dotted", sorted(PUBLIC))
def test_numpydoc_docstring(dotted):
    errors = docstring_errors(dotted, PUBLIC[dotted])
    assert not errors, failure_message(dotted, errors)


# ---------------------------------------------------------------------------
# the check can fail: deliberately bad docstrings, each with the code it must raise
# ---------------------------------------------------------------------------


def bad_order(input, weight, stride=1):
    """Summary of a function whose parameters are out of order.

    Parameters
    ----------
    weight : array_like
        The weight.
    input : array_like
        The input.
    stride : int
        The stride.

    Returns
    -------
    numpy.ndarray
        The result.
    """
    return input


def bad_prose(input, dims):
    """Summary of a function with prose inside its Parameters.

    Parameters
    ----------
    input : array_like
        The input.
    dims : int
        The number of dimensions.
    The number of dimensions is the length of the tuples given (all tuples
        have the same length).

    Returns
    -------
    numpy.ndarray
        The result.
    """
    return input


def bad_summary(input):
    """Summary that runs
    over two lines and has no period

    Parameters
    ----------
    input : array_like
        The input.

    Returns
    -------
    numpy.ndarray
        The result.
    """
    return input


def bad_returns(input):
    """Summary of a function that returns but says not what.

    Parameters
    ----------
    input : array_like
        The input.
    """
    return input


def bad_see_also(input):
    """Summary of a function whose See Also gives no reason.

    Parameters
    ----------
    input : array_like
        The input.

    Returns
    -------
    numpy.ndarray
        The result.

    See Also
    --------
    bad_order, bad_prose
    """
    return input


def bad_type(input):
    """Summary of a function with a sentence for a type.

    Parameters
    ----------
    input : The array the function reads.
        The input.

    Returns
    -------
    numpy.ndarray
        The result.
    """
    return input


@pytest.mark.parametrize("function, code", [
    (bad_order, "PR03"), (bad_prose, "PR02"), (bad_summary, "SS06"), (bad_summary, "SS03"),
    (bad_returns, "RT01"), (bad_see_also, "SA04"), (bad_type, "TYPE"),
])
def test_a_bad_docstring_fails(function, code):
    dotted = f"{__name__}.{function.__qualname__}"
    errors = docstring_errors(dotted, function)
    assert code in {c for c, _ in errors}, failure_message(dotted, errors)
    assert dotted in failure_message(dotted, errors) and code in failure_message(dotted, errors)

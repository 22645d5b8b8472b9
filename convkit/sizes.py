"""Convolution arithmetic: output sizes, padding amounts, receptive fields.

Chapter 3 (*Convolution arithmetic*) derives these formulas, chapter 6 the
transposed one and chapter 7 the dilated receptive field; ``conv2d``,
``conv_transpose2d``, ``unfold`` and ``pad`` compute their output sizes and
their ``'same'`` padding with the functions of this module, so the formula a
student derives is the one the library runs. Everything here works on plain
integers, one spatial axis at a time or on tuples of axes, and mirrors
PyTorch's conventions:

* ``padding`` is the number of zeros added on *each* side (not the total);
* ``dilation=1`` means a contiguous kernel (not ``dilation=0``);
* integer arguments mean "the same on every axis", tuples give one value per
  axis, and a result is a tuple as soon as any argument is a tuple.
"""

from __future__ import annotations

from ._validation import check_layers, to_tuple, to_tuples

__all__ = [
    "conv_output_size",
    "conv_transpose_output_size",
    "effective_kernel_size",
    "full_padding",
    "receptive_field",
    "receptive_field_table",
    "same_padding",
    "tf_same_padding",
]

def _unwrap(values: tuple, as_tuple: bool):
    return values if as_tuple else values[0]


# --------------------------------------------------------------------------- #
# sizes and padding
# --------------------------------------------------------------------------- #
def effective_kernel_size(kernel_size, dilation=1):
    """Extent of a dilated kernel: ``d (k - 1) + 1``.

    Parameters
    ----------
    kernel_size : int or tuple of int
        Number of taps ``k`` per axis (positive).
    dilation : int or tuple of int, default 1
        Spacing ``d`` between taps (positive; 1 is a contiguous kernel).

    Returns
    -------
    int or tuple of int
        The span of input covered by one placement of the kernel.

    Notes
    -----
    Chapter 7 (*Dilated convolution*): a 3x3 kernel with dilation 2 covers
    a 5x5 window with only 9 weights.

    Examples
    --------
    >>> effective_kernel_size(3, dilation=2)
    5
    """
    (k, d), as_tuple = to_tuples(kernel_size=kernel_size, dilation=dilation)
    return _unwrap(tuple(di * (ki - 1) + 1 for ki, di in zip(k, d)), as_tuple)


def same_padding(kernel_size, dilation=1):
    """Padding of PyTorch's ``padding='same'``, as ``(before, after)`` per axis.

    The total ``d (k - 1)`` is split with ``floor(total / 2)`` before (left,
    top) and the rest after (right, bottom), so an even kernel pads one more
    zero at the end. PyTorch allows ``'same'`` only with stride 1.

    Parameters
    ----------
    kernel_size : int or tuple of int
        Kernel size per axis.
    dilation : int or tuple of int, default 1
        Dilation per axis.

    Returns
    -------
    tuple of int or tuple of tuple of int
        ``(before, after)`` for an int kernel; one such pair per axis if any
        argument is a tuple.

    Notes
    -----
    Chapter 3 (*Convolution arithmetic*).

    Examples
    --------
    >>> same_padding(3)
    (1, 1)
    >>> same_padding(4)
    (1, 2)
    >>> same_padding((3, 2), dilation=(2, 1))
    ((2, 2), (0, 1))
    """
    (k, d), as_tuple = to_tuples(kernel_size=kernel_size, dilation=dilation)
    return _unwrap(tuple(_split(di * (ki - 1)) for ki, di in zip(k, d)), as_tuple)


def tf_same_padding(input_size, kernel_size, stride=1, dilation=1):
    """Padding of TensorFlow's ``padding='SAME'``, as ``(before, after)`` per axis.

    TensorFlow allows strides with ``'SAME'``: the output size is
    ``ceil(i / s)`` and the total padding is whatever that needs,
    ``max((o - 1) s + d (k - 1) + 1 - i, 0)``, with the odd zero at the end
    (right, bottom), as in PyTorch's split.

    Parameters
    ----------
    input_size : int or tuple of int
        Input size ``i`` per axis.
    kernel_size : int or tuple of int
        Kernel size ``k`` per axis.
    stride : int or tuple of int, default 1
    dilation : int or tuple of int, default 1

    Returns
    -------
    tuple of int or tuple of tuple of int
        ``(before, after)``, or one pair per axis if any argument is a tuple.

    Notes
    -----
    Chapter 3. Unlike PyTorch's ``'same'``, the padding depends on the input
    size as soon as the stride exceeds 1.

    Examples
    --------
    >>> tf_same_padding(5, 3, stride=2)
    (1, 1)
    >>> tf_same_padding(6, 3, stride=2)
    (0, 1)
    """
    (i, k, s, d), as_tuple = to_tuples(input_size=input_size, kernel_size=kernel_size,
                                      stride=stride, dilation=dilation)
    pairs = []
    for ii, ki, si, di in zip(i, k, s, d):
        out = -(-ii // si)  # ceil(i / s)
        pairs.append(_split(max((out - 1) * si + di * (ki - 1) + 1 - ii, 0)))
    return _unwrap(tuple(pairs), as_tuple)


def full_padding(kernel_size, dilation=1):
    """Padding per side of a 'full' convolution: ``d (k - 1)``.

    Every placement of the kernel that overlaps the input by at least one
    pixel is kept, so the output grows to ``i + d (k - 1)`` at stride 1.

    Parameters
    ----------
    kernel_size : int or tuple of int
    dilation : int or tuple of int, default 1

    Returns
    -------
    int or tuple of int
        Zeros to add on *each* side.

    Notes
    -----
    Chapter 3. This is the padding that turns a convolution into the
    transposed convolution of a 'valid' one (chapter 6).

    Examples
    --------
    >>> full_padding(3)
    2
    """
    (k, d), as_tuple = to_tuples(kernel_size=kernel_size, dilation=dilation)
    return _unwrap(tuple(di * (ki - 1) for ki, di in zip(k, d)), as_tuple)


def conv_output_size(input_size, kernel_size, stride=1, padding=0, dilation=1):
    """Output size of a convolution: ``floor((i + 2p - d (k - 1) - 1) / s) + 1``.

    Parameters
    ----------
    input_size : int or tuple of int
        Input size ``i`` per spatial axis (e.g. ``(H, W)``).
    kernel_size : int or tuple of int
        Kernel size ``k`` per axis.
    stride : int or tuple of int, default 1
        Step ``s`` between kernel placements (positive).
    padding : int, tuple of int or {'valid', 'same', 'full'}, default 0
        Zeros ``p`` added on each side. ``'valid'`` is 0, ``'full'`` is
        ``d (k - 1)`` per side, ``'same'`` is PyTorch's split of the total
        ``d (k - 1)`` (stride must be 1, as in PyTorch).
    dilation : int or tuple of int, default 1
        Spacing ``d`` between kernel taps.

    Returns
    -------
    int or tuple of int
        ``o`` per axis; an int when every argument is an int (or a string).

    Raises
    ------
    TypeError
        If an argument is not an int, a tuple of ints, or a padding string.
    ValueError
        If a size, stride or dilation is not positive, a padding is negative,
        the padding string is unknown, ``'same'`` is combined with a stride
        above 1, or the output would be empty (kernel wider than the padded
        input).

    Notes
    -----
    Chapter 3 (*Convolution arithmetic*). The floor means that when
    ``(i + 2p - d (k - 1) - 1)`` is not a multiple of ``s`` the last rows
    and columns of the input are never visited.

    Examples
    --------
    >>> conv_output_size(5, 3)
    3
    >>> conv_output_size((224, 224), 7, stride=2, padding=3)
    (112, 112)
    >>> conv_output_size(6, 3, stride=2, padding='full')
    4
    """
    named = dict(input_size=input_size, kernel_size=kernel_size, stride=stride, dilation=dilation)
    if not isinstance(padding, str):
        named["padding"] = padding
    (i, k, s, d, *checked), as_tuple = to_tuples(**named)  # checked: the padding tuple, if any
    pairs = padding_pairs(checked[0] if checked else padding, k, s, d, ("valid", "same", "full"))
    return _unwrap(output_sizes(i, k, s, tuple(b + a for b, a in pairs), d), as_tuple)


def padding_pairs(padding, kernel_size, stride, dilation, strings=("valid", "same")):
    """``(before, after)`` zeros per axis of a ``padding`` argument, for checked size tuples.

    An int or tuple pads both sides alike; ``'valid'`` is none, ``'same'``
    PyTorch's split (stride 1 only), ``'full'`` ``d (k - 1)`` on each side;
    ``strings`` are the ones the caller accepts. Not in ``__all__``: shared by
    :func:`conv_output_size` and ``conv_args``.
    """
    n = len(kernel_size)
    if not isinstance(padding, str):
        return tuple((p, p) for p in to_tuple(padding, n, "padding", 0))
    if padding not in strings:
        raise ValueError(
            f"padding must be an int, a tuple of ints or one of "
            f"{', '.join(repr(p) for p in strings)}, got {padding!r}"
        )
    if padding == "same" and any(si != 1 for si in stride):
        raise ValueError("padding='same' is not supported for strided convolutions "
                         f"(stride must be 1, got {stride!r})")
    totals = [0 if padding == "valid" else di * (ki - 1) for ki, di in zip(kernel_size, dilation)]
    return tuple((t, t) if padding == "full" else _split(t) for t in totals)


def _split(total: int) -> tuple[int, int]:
    """PyTorch's split of a total padding: half before, the odd one after."""
    return total // 2, total - total // 2


def output_sizes(input_size, kernel_size, stride, totals, dilation, kernel_name="kernel_size"):
    """Output size per axis from checked tuples: ``(i + total - d (k - 1) - 1) // s + 1``.

    The formula of :func:`conv_output_size` without its argument checks, for
    a caller that has checked its tuples already (``conv_args`` in
    ``convkit/_params.py``); not in ``__all__``. ``totals`` is the padding
    of each axis, both sides summed. Raises ``ValueError`` naming
    ``kernel_name`` if an output would be empty.
    """
    out = []
    for ii, ki, si, di, total in zip(input_size, kernel_size, stride, dilation, totals):
        size = (ii + total - di * (ki - 1) - 1) // si + 1
        if size < 1:
            raise ValueError(
                f"{kernel_name} is larger than the padded input: kernel extent "
                f"{di * (ki - 1) + 1} > padded input size {ii + total}, so the "
                f"output size would be {size}"
            )
        out.append(size)
    return tuple(out)


def conv_transpose_output_size(input_size, kernel_size, stride=1, padding=0,
                               output_padding=0, dilation=1):
    """Output size of a transposed convolution.

    ``o = (i - 1) s - 2p + d (k - 1) + output_padding + 1``, the formula of
    ``torch.nn.ConvTranspose2d``. Argument order follows
    ``conv_transpose2d`` (``output_padding`` before ``dilation``).

    Parameters
    ----------
    input_size : int or tuple of int
        Input size ``i`` per axis.
    kernel_size : int or tuple of int
    stride : int or tuple of int, default 1
    padding : int or tuple of int, default 0
        The ``padding`` of the convolution being transposed; it *removes*
        ``p`` rows and columns from each side of the output.
    output_padding : int or tuple of int, default 0
        Extra rows/columns added at the end (bottom, right) only, to pick
        one of the input sizes that a strided convolution maps to the same
        output size. Must be smaller than ``stride`` or ``dilation``.
    dilation : int or tuple of int, default 1

    Returns
    -------
    int or tuple of int

    Raises
    ------
    TypeError
        If an argument is not an int or tuple of ints.
    ValueError
        For non-positive sizes, stride or dilation, negative padding, an
        ``output_padding`` not smaller than ``max(stride, dilation)``, or a
        non-positive result.

    Notes
    -----
    Chapter 6 (*Transposed convolution*).

    Examples
    --------
    >>> conv_transpose_output_size(2, 3, stride=2)
    5
    >>> conv_transpose_output_size(2, 3, stride=2, padding=1, output_padding=1)
    4
    """
    (i, k, s, p, op, d), as_tuple = to_tuples(
        input_size=input_size, kernel_size=kernel_size, stride=stride, padding=padding,
        output_padding=output_padding, dilation=dilation,
    )
    out = []
    for ii, ki, si, pi, opi, di in zip(i, k, s, p, op, d):
        if opi >= max(si, di):
            raise ValueError(
                f"output_padding must be smaller than either stride or dilation, "
                f"got output_padding={opi}, stride={si}, dilation={di}"
            )
        size = (ii - 1) * si - 2 * pi + di * (ki - 1) + opi + 1
        if size < 1:
            raise ValueError(
                f"padding is too large: the output size would be {size}"
            )
        out.append(size)
    return _unwrap(tuple(out), as_tuple)


# --------------------------------------------------------------------------- #
# receptive field
# --------------------------------------------------------------------------- #
def receptive_field_table(layers):
    """Receptive field and jump after every layer of a stack.

    Parameters
    ----------
    layers : sequence of tuple
        One ``(kernel_size, stride)`` or ``(kernel_size, stride, dilation)``
        tuple of ints per layer, input side first, along one axis.

    Returns
    -------
    list of tuple of int
        ``(r_l, j_l)`` for ``l = 1 .. L``: ``r_l`` is how many input pixels
        one output pixel of layer ``l`` sees, ``j_l = s_1 s_2 ... s_l`` is the
        distance in input pixels between neighbouring outputs of layer ``l``.

    Notes
    -----
    Chapters 3 and 7. With ``r_0 = 1`` and ``j_0 = 1``:
    ``r_l = r_{l-1} + (k_l - 1) d_l j_{l-1}`` and ``j_l = j_{l-1} s_l``.
    Padding shifts where the field sits but not its size.

    Examples
    --------
    >>> receptive_field_table([(3, 1, 1), (3, 1, 2), (3, 1, 4)])
    [(3, 1), (7, 1), (15, 1)]
    """
    r, j = 1, 1
    table = []
    for kernel, stride, dilation in check_layers(layers):
        r += (kernel - 1) * dilation * j
        j *= stride
        table.append((r, j))
    return table


def receptive_field(layers):
    """Receptive field of a stack of convolutions along one axis.

    Parameters
    ----------
    layers : sequence of tuple
        ``(kernel_size, stride)`` or ``(kernel_size, stride, dilation)`` per
        layer, input side first.

    Returns
    -------
    int
        Number of input pixels (along the axis) that one output pixel of the
        last layer depends on; 1 for an empty stack.

    Notes
    -----
    The last row of :func:`receptive_field_table`, whose Notes give the
    recurrence. Chapters 3 and 7 (dilations 1, 2, 4, ... grow it exponentially).

    Examples
    --------
    >>> receptive_field([(3, 1)] * 3)
    7
    >>> receptive_field([(7, 2), (3, 2), (3, 1)])
    19
    """
    table = receptive_field_table(layers)
    return table[-1][0] if table else 1




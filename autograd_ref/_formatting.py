"""How a tensor prints: PyTorch's layout, with ``autograd_ref.`` in front of dtypes.

    >>> tensor([1e-5, 1.])
    tensor([1.0000e-05, 1.0000e+00])

The steps: pick the numbers that will be shown (a long tensor is summarised with
``...``), choose one number style for all of them (``_Formatter``), lay them out
row by row, then add suffixes such as ``dtype=`` and ``grad_fn=``. Everything
works on Python numbers from ``tolist()``, so it does not matter which array
library holds the tensor.
"""
import math

from . import dtypes

# PyTorch's default print options.
PRECISION = 4      # digits after the decimal point
THRESHOLD = 1000   # more elements than this are summarised
EDGEITEMS = 3      # elements kept at each end of a summarised dimension
LINEWIDTH = 80     # characters per line before wrapping
SCI_MODE = None    # None: choose per tensor (see _Formatter); True or False: always or never scientific

_PROFILES = {"default": (4, 1000, 3, 80), "short": (2, 1000, 2, 80), "full": (4, math.inf, 3, 80)}


def set_printoptions(precision=None, threshold=None, edgeitems=None, linewidth=None, profile=None, sci_mode=None):
    """How tensors print, as ``torch.set_printoptions``: digits after the point, how many elements print in full
    before a summary, elements at each end of a summary, line width; ``profile`` 'default', 'short' or 'full'
    sets all four; ``sci_mode`` True or False forces scientific notation on or off (None: chosen per tensor).

        >>> set_printoptions(precision=2); tensor([1.23456])
        tensor([1.23])
    """
    global PRECISION, THRESHOLD, EDGEITEMS, LINEWIDTH, SCI_MODE
    if profile is not None:
        if profile not in _PROFILES:
            raise ValueError(f"Unknown profile {profile!r}: use 'default', 'short' or 'full'")
        PRECISION, THRESHOLD, EDGEITEMS, LINEWIDTH = _PROFILES[profile]
    PRECISION = PRECISION if precision is None else precision
    THRESHOLD = THRESHOLD if threshold is None else threshold
    EDGEITEMS = EDGEITEMS if edgeitems is None else edgeitems
    LINEWIDTH = LINEWIDTH if linewidth is None else linewidth
    SCI_MODE = sci_mode


def tensor_repr(t):
    """The text ``repr(t)`` shows, as PyTorch 2.x prints it.

        >>> tensor_repr(tensor([1., 2.], requires_grad=True))
        'tensor([1., 2.], requires_grad=True)'
    """
    prefix = "tensor("
    indent = len(prefix)
    suffixes = []
    if t.device.type != "cpu":
        suffixes.append(f"device='{t.device}'")
    default_float = dtypes.get_default_dtype()
    if t.numel() == 0:
        body = "[]"
        if t.ndim != 1:
            suffixes.append(f"size={tuple(t.shape)}")
        # No numbers show whether an empty tensor is integer, so name any non-default dtype.
        if t.dtype is not default_float:
            suffixes.append(f"dtype={t.dtype!r}")
    else:
        if t.dtype not in (default_float, dtypes.int64, dtypes.bool_):
            suffixes.append(f"dtype={t.dtype!r}")
        body = _tensor_str(t._data, indent)
    if t.grad_fn is not None:
        suffixes.append(f"grad_fn=<{type(t.grad_fn).__name__}>")
    elif t.requires_grad:
        suffixes.append("requires_grad=True")
    if t._fw_grad is not None:
        from .autograd.forward_ad import tangent_of
        tangent = tangent_of(t)
        if tangent is not None:
            suffixes.append(f"tangent={tensor_repr(tangent)}")
    return _add_suffixes(prefix + body, suffixes, indent)


def _tensor_str(data, indent):
    """The bracketed numbers of a non-empty array: ``[[1, 2],\\n        [3, 4]]``."""
    summarize = data.size > THRESHOLD
    shown = _visible(data, summarize)
    formatter = _Formatter(list(_flatten(shown, data.ndim)), data.dtype.kind == "f")
    if data.ndim == 0:
        return formatter.format(shown)
    return _nested_str(shown, data.ndim, formatter, indent)


def _visible(data, summarize):
    """The numbers that will be printed, as nested Python lists; ``...`` (Ellipsis)
    marks where a summarised dimension skips its middle.

        >>> _visible(numpy.arange(10), summarize=True)
        [0, 1, 2, Ellipsis, 7, 8, 9]
    """
    if data.ndim == 0:
        return data.item()
    n = data.shape[0]
    cut = summarize and n > 2 * EDGEITEMS
    if data.ndim == 1:
        if cut:
            return data[:EDGEITEMS].tolist() + [...] + data[n - EDGEITEMS:].tolist()
        return data.tolist()
    rows = list(range(EDGEITEMS)) + [None] + list(range(n - EDGEITEMS, n)) if cut else range(n)
    return [... if i is None else _visible(data[i], summarize) for i in rows]


def _flatten(shown, ndim):
    """Every number in ``shown`` (skipping the ``...`` markers)."""
    if ndim == 0:
        yield shown
        return
    for item in shown:
        if item is ...:
            continue
        if ndim == 1:
            yield item
        else:
            yield from _flatten(item, ndim - 1)


class _Formatter:
    """One style and width for all the numbers a tensor shows, so columns line up.

    Floats whose nonzero finite values are all whole print as ``1.``; they switch to
    scientific notation (``1.0000e+05``) when the largest is over 1e8 or over 1000
    times the smallest, and, for fractional values, when the smallest is under 1e-4.
    Other floats print with four decimals: ``1.1235``.

        >>> _Formatter([1.0, 100000.0], floating=True).format(1.0)
        '1.0000e+00'
    """

    def __init__(self, values, floating):
        self.floating = floating
        self.int_mode = True
        self.sci_mode = False
        if not floating:
            self.width = max(len(str(v)) for v in values)
            return
        # nan, inf and zeros take no part in choosing the style.
        finite = [v for v in values if math.isfinite(v) and v != 0]
        if not finite:
            self.width = 1
            return
        self.int_mode = all(v == math.ceil(v) for v in finite)
        largest = max(abs(v) for v in finite)
        smallest = min(abs(v) for v in finite)
        self.sci_mode = SCI_MODE if SCI_MODE is not None else (
            largest / smallest > 1000.0 or largest > 1.0e8 or (not self.int_mode and smallest < 1.0e-4))
        self.width = max(len(self._text(v)) for v in finite)

    def _text(self, value):
        if not self.floating:
            return str(value)
        if self.sci_mode:
            return f"{value:.{PRECISION}e}"
        if self.int_mode:
            # The trailing dot shows the tensor is floating (nan and inf need none).
            return f"{value:.0f}" + ("." if math.isfinite(value) else "")
        return f"{value:.{PRECISION}f}"

    def format(self, value):
        """``value`` in this style, padded on the left to the common width."""
        return self._text(value).rjust(self.width)


def _nested_str(shown, ndim, formatter, indent):
    """Brackets within brackets; rows of a matrix start on new lines, aligned
    under the first, and a blank line separates the matrices of a 3-d tensor."""
    if ndim == 1:
        return _vector_str(shown, formatter, indent)
    parts = ["..." if row is ... else _nested_str(row, ndim - 1, formatter, indent + 1)
             for row in shown]
    separator = "," + "\n" * (ndim - 1) + " " * (indent + 1)
    return "[" + separator.join(parts) + "]"


def _vector_str(shown, formatter, indent):
    """One dimension of numbers, wrapped to fit the line width."""
    per_line = max(1, (LINEWIDTH - indent) // (formatter.width + 2))
    items = [" ..." if v is ... else formatter.format(v) for v in shown]
    lines = [", ".join(items[i:i + per_line]) for i in range(0, len(items), per_line)]
    return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"


def _add_suffixes(text, suffixes, indent):
    """Append ``, dtype=...`` and the like, moving to a new line when the current
    one would pass the line width."""
    parts = [text]
    line_length = len(text) - text.rfind("\n") + 1
    for suffix in suffixes:
        if line_length + len(suffix) + 2 > LINEWIDTH:
            parts.append(",\n" + " " * indent + suffix)
            line_length = indent + len(suffix)
        else:
            parts.append(", " + suffix)
            line_length += len(suffix) + 2
    parts.append(")")
    return "".join(parts)

"""``einsum``: Einstein summation, built as PyTorch builds it, from other operations (permute, reshape,
sum, and one batched matmul per pair of operands), so its backward, ``create_graph`` and forward mode come
from theirs.

    >>> einsum("ij,jk->ik", a, b)          # a @ b
    >>> einsum("bi,bi->b", x, y)           # a dot product per row

An equation names each operand's dimensions with letters; ``...`` stands for the dimensions it does not
name (broadcast like elementwise operations). Letters missing from the output (after ``->``) are summed;
without ``->`` the output is every letter used once, in alphabetical order, after the ``...`` dimensions.
"""
from ..tensor import Tensor
from . import linalg, reduction, shape


def einsum(equation, *operands):
    """Sum of products over the letters the output leaves out; see the module's docstring."""
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    inputs, output = _parse(equation.replace(" ", ""), operands)
    terms = [_single(t, letters, output, inputs, k) for k, (t, letters) in enumerate(zip(operands, inputs))]
    sizes = _sizes(terms)
    result, letters = terms[0]
    for k in range(1, len(terms)):
        later = set(output).union(*(set(l) for _, l in terms[k + 1:]))
        result, letters = _contract(result, letters, *terms[k], later, sizes)
    return _finish(result, letters, output, sizes)


# ---- reading the equation -----------------------------------------------------------------------------

def _parse(equation, operands):
    """Each operand's letters (``...`` spelled out as one private letter per dimension) and the output's."""
    lhs, arrow, rhs = equation.partition("->")
    specs = lhs.split(",")
    if len(specs) > len(operands):
        raise RuntimeError("einsum(): fewer operands were provided than specified in the equation")
    if len(specs) < len(operands):
        raise RuntimeError("einsum(): more operands were provided than specified in the equation")
    ellipsis_dims = 0
    inputs = []
    for k, (spec, t) in enumerate(zip(specs, operands)):
        if not isinstance(t, Tensor):
            raise TypeError(f"einsum(): operand {k} must be a Tensor, not {type(t).__name__}")
        named = len(spec.replace("...", ""))
        if not all(c.isalpha() for c in spec.replace("...", "")):
            raise RuntimeError(f"einsum(): invalid subscript given in the equation string: {spec!r}")
        if "..." in spec:
            hidden = t.dim() - named
            ellipsis_dims = max(ellipsis_dims, hidden)
            spec = spec.replace("...", "".join(_hidden(hidden - 1 - i) for i in range(hidden)))
        if len(spec) != t.dim():
            raise RuntimeError(f"einsum(): the number of subscripts in the equation ({named}) does not match "
                               f"the number of dimensions ({t.dim()}) for operand {k}"
                               + ("" if "..." in lhs.split(",")[k] else " and no ellipsis was given"))
        inputs.append(spec)
    front = "".join(_hidden(i) for i in reversed(range(ellipsis_dims)))
    if arrow:
        output = rhs.replace("...", front) if "..." in rhs else rhs
        for c in output:
            if not any(c in spec for spec in inputs):
                raise RuntimeError(f"einsum(): output subscript {c} does not appear in the equation for any "
                                   "input operand")
    else:
        counts = {}
        for spec in inputs:
            for c in spec:
                counts[c] = counts.get(c, 0) + 1
        output = front + "".join(sorted(c for c, n in counts.items() if n == 1 and c.isascii()))
    return inputs, output


def _hidden(i):
    """The private letter for the i-th ``...`` dimension counted from the right (not an ASCII letter)."""
    return chr(0x3B1 + i)        # Greek: alpha, beta, ...


def _sizes(terms):
    """Each letter's size; 1 broadcasts to any size, other mismatches are refused."""
    sizes = {}
    for k, (t, letters) in enumerate(terms):
        for c, n in zip(letters, t.shape):
            seen = sizes.get(c, 1)
            if n != seen and n != 1 and seen != 1:
                raise RuntimeError(f"einsum(): subscript {c} has size {n} for operand {k} which does not "
                                   f"broadcast with previously seen size {seen}")
            sizes[c] = max(n, seen)
    return sizes


# ---- one operand ----------------------------------------------------------------------------------------

def _single(t, letters, output, inputs, k):
    """The operand with repeated letters reduced to their diagonal and the letters nobody else uses summed
    out: ``(tensor, letters)``."""
    t, letters = _diagonals(t, letters)
    elsewhere = set(output).union(*(set(l) for j, l in enumerate(inputs) if j != k))
    alone = [d for d, c in enumerate(letters) if c not in elsewhere]
    if alone:
        t = reduction.sum(t, tuple(alone))
        letters = "".join(c for c in letters if c in elsewhere)
    return t, letters


def _diagonals(t, letters):
    """``ii`` -> ``i``: keep the diagonal of each repeated letter (masked with the identity, then summed)."""
    from ..creation import eye
    while len(set(letters)) < len(letters):
        c = next(c for c in letters if letters.count(c) > 1)
        first, second = letters.index(c), letters.index(c, letters.index(c) + 1)
        n = t.shape[first]
        mask_shape = [1] * t.dim()
        mask_shape[first] = mask_shape[second] = n
        mask = eye(n, dtype=t.dtype, device=t.device).reshape(mask_shape)
        t = reduction.sum(t * mask, second)
        letters = letters[:second] + letters[second + 1:]
    return t, letters


# ---- two operands: one batched matmul -------------------------------------------------------------------

def _contract(a, la, b, lb, later, sizes):
    """``a`` and ``b`` multiplied and summed over the letters they share that ``later`` does not need."""
    batch = [c for c in la if c in lb and c in later]
    summed = [c for c in la if c in lb and c not in later]
    a_only = [c for c in la if c not in lb]
    b_only = [c for c in lb if c not in la]
    a = _arranged(a, la, batch + a_only + summed, sizes, expand=batch + summed)
    b = _arranged(b, lb, batch + summed + b_only, sizes, expand=batch + summed)
    n = [_product(sizes[c] for c in group) for group in (batch, a_only, summed, b_only)]
    product = linalg.matmul(shape.reshape(a, (n[0], n[1], n[2])), shape.reshape(b, (n[0], n[2], n[3])))
    letters = batch + a_only + b_only
    return shape.reshape(product, tuple(sizes[c] for c in letters)), "".join(letters)


def _arranged(t, letters, order, sizes, expand):
    """``t`` with its dimensions in ``order``, the letters in ``expand`` broadcast to their full size."""
    t = shape.permute(t, tuple(letters.index(c) for c in order))
    if any(t.shape[i] != sizes[c] for i, c in enumerate(order) if c in expand):
        t = shape.expand(t, tuple(sizes[c] if c in expand else -1 for c in order))
    return t


def _product(numbers):
    result = 1
    for n in numbers:
        result *= n
    return result


def _finish(t, letters, output, sizes):
    """Sum the letters the output leaves out, then put the rest in the output's order."""
    gone = tuple(d for d, c in enumerate(letters) if c not in output)
    if gone:
        t = reduction.sum(t, gone)
        letters = "".join(c for c in letters if c in output)
    if any(t.shape[i] != sizes[c] for i, c in enumerate(letters)):
        t = shape.expand(t, tuple(sizes[c] for c in letters))
    if letters != output:
        t = shape.permute(t, tuple(letters.index(c) for c in output))
    return t

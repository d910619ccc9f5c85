"""Sums over the leading dimensions (a bias's gradient) go through a BLAS product with a vector of ones: the same
numbers as numpy's sum, to float rounding, for every shape and layout, and exact types for the rest. Products of
two float matrices go through ``ndarray.dot``: matmul's numbers, to float rounding (for a one-column factor,
OpenBLAS picks another kernel for each on some processors)."""
import numpy
import pytest

import autograd_ref as torch
from autograd_ref._backend import CPU, matrix_product, sum_leading


@pytest.mark.parametrize("shape, n", [((100, 16), 1), ((1, 5), 1), ((7,), 1), ((4, 3, 2), 2), ((3, 4), 2),
                                      ((2, 3, 4, 5), 1)])
@pytest.mark.parametrize("dtype", [numpy.float32, numpy.float64])
def test_sum_leading_agrees_with_numpy(shape, n, dtype):
    array = numpy.random.default_rng(0).standard_normal(shape).astype(dtype)
    got = sum_leading(array, n, CPU)
    want = array.sum(axis=tuple(range(n)))
    assert got.dtype == dtype and got.shape == want.shape
    numpy.testing.assert_allclose(got, want, rtol=1e-5 if dtype == numpy.float32 else 1e-12, atol=1e-5)


@pytest.mark.parametrize("array", [numpy.arange(12).reshape(3, 4),                        # integers: numpy's sum
                                   numpy.ones((4, 3), numpy.float32).T,                   # not C-contiguous
                                   numpy.ones((0, 3), numpy.float32)])                    # empty
def test_what_blas_does_not_take_is_summed_by_numpy(array):
    numpy.testing.assert_array_equal(sum_leading(array, 1, CPU), array.sum(axis=0))


def test_infinities_and_nan_sum_as_in_numpy():
    array = numpy.array([[numpy.inf, 1.0, numpy.inf], [-numpy.inf, numpy.nan, 2.0]])
    with numpy.errstate(invalid="ignore"):
        numpy.testing.assert_array_equal(sum_leading(array, 1, CPU), array.sum(axis=0))


def test_a_bias_gradient_is_the_sum_over_the_batch():
    x = torch.randn(100, 16)
    bias = torch.zeros(16, requires_grad=True)
    (x + bias).sum().backward()
    assert bias.grad.tolist() == [100.0] * 16
    assert torch.allclose(x.sum(0), torch.from_numpy(x.numpy().sum(0)), rtol=1e-5, atol=1e-5)


# ---- matrix products: ndarray.dot for float matrices, the same numbers as matmul ----------------------------

def layouts(rows, inner, cols, dtype):
    """Pairs of factors in the layouts the engine multiplies: contiguous, transposed (a Linear's weight.t()),
    strided slices, a single row, and empty."""
    rng = numpy.random.default_rng(3)
    a = rng.standard_normal((rows, inner)).astype(dtype)
    b = rng.standard_normal((inner, cols)).astype(dtype)
    return [(a, b), (a, numpy.ascontiguousarray(b.T).T), (numpy.ascontiguousarray(a.T).T, b),
            (a[::2], b[:, ::3]), (a[:1], b), (a[:0], b)]


@pytest.mark.parametrize("dtype", [numpy.float32, numpy.float64])
@pytest.mark.parametrize("sizes", [(100, 2, 16), (64, 100, 10), (5, 7, 3)])
def test_matrix_product_gives_matmuls_numbers(dtype, sizes):
    for a, b in layouts(*sizes, dtype):
        got = matrix_product(a, b, CPU)
        assert got.dtype == dtype and got.shape == (a.shape[0], b.shape[1])
        numpy.testing.assert_allclose(got, numpy.matmul(a, b), rtol=1e-5 if dtype == numpy.float32 else 1e-13,
                                      atol=1e-6 if dtype == numpy.float32 else 1e-14)


@pytest.mark.parametrize("a, b", [(numpy.arange(6).reshape(2, 3), numpy.arange(6).reshape(3, 2)),   # integers
                                  (numpy.ones((2, 3), numpy.float32), numpy.ones((3, 2))),           # mixed dtypes
                                  (numpy.ones((4, 2, 3)), numpy.ones((4, 3, 2)))])                   # a batch
def test_matrix_product_leaves_the_rest_to_matmul(a, b):
    got = matrix_product(a, b, CPU)
    want = numpy.matmul(a, b)
    assert got.dtype == want.dtype
    numpy.testing.assert_array_equal(got, want)

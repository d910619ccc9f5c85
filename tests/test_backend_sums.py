"""Sums over the leading dimensions (a bias's gradient) go through a BLAS product with a vector of ones: the same
numbers as numpy's sum, to float rounding, for every shape and layout, and exact types for the rest."""
import numpy
import pytest

import autograd_ref as torch
from autograd_ref._backend import CPU, sum_leading


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

"""The toy assignment's hidden suite: 7 points over three autograded cells."""
import numpy as np
import pytest


@pytest.mark.points(1, cell="test_square")
def test_square_of_integers(student, rng):
    """square of integers"""
    for x in rng.integers(-50, 50, size=5).tolist():
        assert student.probe("square", x=x) == x * x, "square(x) should be x times x"


@pytest.mark.points(1, cell="test_square")
def test_square_of_arrays(student, rng):
    """square of an array, elementwise"""
    x = rng.normal(size=(2, 3))
    got = np.asarray(student.probe("square", x=x), dtype=float)
    assert got.shape == x.shape and np.allclose(got, x * x), "square should work elementwise on arrays"


@pytest.mark.points(3, cell="test_grad_square")
def test_grad_square_matches_finite_differences(student, rng):
    """derivative of x**2, checked against finite differences"""
    for x in rng.uniform(-3, 3, size=4).tolist():
        h = 1e-6
        numeric = ((x + h) ** 2 - (x - h) ** 2) / (2 * h)
        got = student.probe("grad_square", x=x)
        assert isinstance(got, (int, float)), "grad_square should return a number"
        assert abs(got - numeric) < 1e-4, "the derivative of x**2 does not match finite differences"


@pytest.mark.points(2, cell="test_mean_grad")
def test_mean_grad_spreads_evenly(student, rng):
    """gradient of the mean"""
    x = rng.normal(size=(3, 4))
    got = np.asarray(student.probe("mean_grad", x=x), dtype=float)
    assert got.shape == x.shape, "the gradient of the mean has the shape of its input"
    assert np.allclose(got, 1.0 / x.size), "each element gets 1/n of the mean's gradient"

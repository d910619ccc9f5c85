"""gradcheck and gradgradcheck: they pass for correct backwards (built-in
operations and custom Functions), and each kind of mistake in a hand-written
backward fails with PyTorch's GradcheckError and message.
"""
import re
import warnings

import pytest

import autograd_ref as ag
from autograd_ref.autograd import Function, gradcheck, gradgradcheck
from autograd_ref.autograd.gradcheck import GradcheckError


def double(*shape, positive=False, seed=0):
    """A float64 leaf that requires grad, with random values."""
    ag.manual_seed(seed)
    t = ag.randn(shape, dtype=ag.float64)
    if positive:
        t = t.abs() + 0.5
    return t.requires_grad_()


# ---- custom Functions used below ------------------------------------------------

class Cube(Function):
    """x**3 with a correct backward written with tensor operations."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x ** 3

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * 3 * x ** 2


class WrongSquare(Function):
    """x**2 whose backward forgets the factor 2."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * x


class MulAndSum(Function):
    """(a * b, a + b); the gradient for b of the first output is wrong."""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return a * b, a + b

    @staticmethod
    def backward(ctx, g_prod, g_sum):
        a, b = ctx.saved_tensors
        return g_prod * b + g_sum, g_prod * a * 2 + g_sum


class ConstantGrad(Function):
    """sum(x) whose backward ignores grad_output."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x.sum()

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return ag.ones_like(x)


class Jittery(Function):
    """2x whose backward answer drifts a little every time it runs."""
    calls = 0

    @staticmethod
    def forward(ctx, x):
        return x * 2

    @staticmethod
    def backward(ctx, grad):
        Jittery.calls += 1
        return grad * (2 + Jittery.calls * 1e-9)


class DetachedBackward(Function):
    """x**2 whose backward is right once but not differentiable in x."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * 2 * x.detach()


def _three_outputs(backward):
    """A Function (x, 2x, 3x) whose backward receives None for an output that
    takes no part, as ``set_materialize_grads(False)`` asks."""

    class ThreeOutputs(Function):
        @staticmethod
        def forward(ctx, x):
            ctx.set_materialize_grads(False)
            return x * 1, x * 2, x * 3

    ThreeOutputs.backward = staticmethod(backward)
    return ThreeOutputs


def _sum_defined(grads):
    """sum(k * g) over the gradients that are not None (the correct backward)."""
    total = None
    for k, g in enumerate(grads, start=1):
        if g is not None:
            total = g * k if total is None else total + g * k
    return total


# ---- passing checks -------------------------------------------------------------

@pytest.mark.parametrize("func, shapes", [
    (ag.sin, [(3,)]),
    (lambda x: x.exp() * x, [(2, 3)]),
    (lambda a, b: a @ b, [(2, 3), (3, 4)]),
    (lambda a, b: a * b, [(2, 3), (3,)]),
    (lambda x: x.softmax(1), [(2, 3)]),
    (lambda x: x.sum(0, keepdim=True), [(2, 3)]),
    (lambda x: x.t().reshape(-1), [(2, 3)]),
    (lambda x: x.split([1, 2], 1), [(2, 3)]),
    (lambda x: x * x, [()]),
])
def test_gradcheck_passes_for_correct_operations(func, shapes):
    inputs = tuple(double(*s, seed=i) for i, s in enumerate(shapes))
    assert gradcheck(func, inputs) is True
    assert gradcheck(func, inputs, fast_mode=True) is True


def test_gradcheck_passes_for_a_correct_custom_function():
    assert gradcheck(Cube.apply, (double(4),))


def test_gradcheck_accepts_a_tensor_a_list_and_non_tensor_arguments():
    x = double(3)
    assert gradcheck(ag.sin, x)
    assert gradcheck(lambda a, b: a * b, [x, double(3, seed=1)])
    assert gradcheck(lambda a, k: a * k, (x, 3.0))


def test_inputs_that_do_not_require_grad_are_not_checked():
    x, c = double(3), ag.randn(3, dtype=ag.float64)
    assert gradcheck(lambda a, b: a * b.exp(), (x, c))


def test_an_unused_input_has_a_zero_jacobian():
    assert gradcheck(lambda a, b: a * 2, (double(3), double(2, seed=1)))


def test_a_non_contiguous_input_is_perturbed_in_place():
    x = double(3, 2).detach().t().requires_grad_()
    assert not x.is_contiguous()
    assert gradcheck(lambda a: a.exp() @ a.t(), (x,))


def test_inputs_come_back_unchanged_and_graphs_built_before_still_work():
    x = double(3)
    before = x.detach().clone()
    y = (x * x).sum()               # MulBackward0 saved x
    version = x._version
    gradcheck(lambda a: a.sin() * a, (x,))
    assert x._version == version
    assert ag.equal(x.detach(), before)
    y.backward()                    # not "modified by an inplace operation"
    assert ag.allclose(x.grad, 2 * before)


def test_no_differentiable_output_passes_when_outputs_do_not_move():
    x = ag.tensor([1.0, 2.0, 3.0], dtype=ag.float64, requires_grad=True)
    assert gradcheck(lambda a: a.argmax(), (x,))


# ---- failing checks: GradcheckError and PyTorch's messages ------------------------

def test_gradcheck_error_is_a_runtime_error():
    assert issubclass(GradcheckError, RuntimeError)


def test_wrong_backward_shows_both_jacobians():
    x = ag.tensor([1.0, 2.0, 3.0], dtype=ag.float64, requires_grad=True)
    with pytest.raises(GradcheckError) as info:
        gradcheck(WrongSquare.apply, (x,))
    message = str(info.value)
    assert message.startswith("Jacobian mismatch for output 0 with respect to input 0,\nnumerical:")
    numerical, analytical = message.split("\nanalytical:")
    assert "[0.0000, 4.0000, 0.0000]" in numerical     # d(x^2)/dx = 2x on the diagonal
    assert "[0., 2., 0.]" in analytical                 # the backward's x
    assert message.endswith("\n")


def test_mismatch_names_the_output_and_input():
    a, b = double(3), double(3, seed=1)
    with pytest.raises(GradcheckError, match="^Jacobian mismatch for output 0 with respect to input 1,"):
        gradcheck(MulAndSum.apply, (a, b))


def test_raise_exception_false_returns_false():
    x = double(3)
    assert gradcheck(WrongSquare.apply, (x,), raise_exception=False) is False
    assert gradgradcheck(DetachedBackward.apply, (x,), raise_exception=False) is False


def test_fast_mode_reports_the_projections_then_the_full_jacobians():
    x = double(3)
    with pytest.raises(GradcheckError) as info:
        gradcheck(WrongSquare.apply, (x,), fast_mode=True)
    message = str(info.value)
    assert message.startswith("Jacobian mismatch for output 0 with respect to input 0,\nnumerical:")
    assert "The above quantities relating the numerical and analytical jacobians are computed \n" \
           "in fast mode." in message
    assert "\nNumerical:\n tensor(" in message and "\nAnalytical:\ntensor(" in message
    assert re.search(r"The max per-element difference \(slow mode\) is: [0-9.e-]+\.\n$", message)


def test_float32_inputs_warn_as_pytorch_does():
    x = ag.randn(3, requires_grad=True)
    with pytest.warns(UserWarning, match=re.escape(
            "Input #1 requires gradient and is not a double precision floating point or complex. "
            "This check will likely fail if all the inputs are not of double precision floating "
            "point or complex.")):
        assert gradcheck(lambda k, a: a * k, (2.0, x), eps=1e-3, atol=1e-2, rtol=1e-2)


def test_float32_is_too_coarse_for_the_default_eps():
    x = ag.tensor([1.0, 2.0, 3.0], requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(GradcheckError, match="Jacobian mismatch"):
            gradcheck(lambda a: a.sum(), (x,))


def test_no_input_requiring_grad_is_refused():
    with pytest.raises(ValueError, match=re.escape(
            "gradcheck expects at least one input tensor to require gradient, but none of them "
            "have requires_grad=True.")):
        gradcheck(ag.sin, (ag.ones(2, dtype=ag.float64),))


def test_output_cut_from_the_graph_must_not_depend_on_the_input():
    x = double(3)
    with pytest.raises(GradcheckError, match="^Numerical gradient for function expected to be zero$"):
        gradcheck(lambda a: a.detach() * 2, (x,))


def test_non_reentrant_backward_fails_unless_within_nondet_tol():
    x = double(3)
    with pytest.raises(GradcheckError, match=re.escape(
            "Backward is not reentrant, i.e., running backward with same input and grad_output "
            "multiple times gives different values, although analytical gradient matches "
            "numerical gradient.The tolerance for nondeterminism was 0.0.")):
        gradcheck(Jittery.apply, (x,))
    assert gradcheck(Jittery.apply, (x,), nondet_tol=1e-6)


def test_backward_must_multiply_by_grad_output():
    with pytest.raises(GradcheckError, match="^backward not multiplied by grad_output$"):
        gradcheck(ConstantGrad.apply, (double(3),))


# The Jacobian of one output already sends None for the other outputs. The
# undefined-gradient check also sends None for exactly one output at a time
# (zeros for the rest): these backwards go wrong only in that case.

def test_backward_must_handle_an_undefined_output_gradient():
    def breaks_on_one_missing(ctx, *grads):
        if sum(g is None for g in grads) == 1:
            raise RuntimeError("cannot handle a missing gradient here")
        return _sum_defined(grads)

    func = _three_outputs(breaks_on_one_missing).apply
    with pytest.raises(GradcheckError, match="^Expected backward function to handle undefined output grads"):
        gradcheck(func, (double(3),))
    assert gradcheck(func, (double(3),), check_undefined_grad=False)


def test_undefined_output_gradients_must_give_zero_input_gradients():
    def invents_a_gradient(ctx, *grads):
        if sum(g is None for g in grads) == 1:
            return ag.ones(3, dtype=ag.float64)
        return _sum_defined(grads)

    with pytest.raises(GradcheckError, match=re.escape(
            "Expected all input grads to be undefined or zero when all output grads are "
            "undefined or zero.")):
        gradcheck(_three_outputs(invents_a_gradient).apply, (double(3),))


def test_a_backward_that_handles_undefined_gradients_passes():
    assert gradcheck(_three_outputs(lambda ctx, *grads: _sum_defined(grads)).apply, (double(3),))


def test_a_backward_failing_on_a_missing_gradient_fails_in_the_jacobian_already():
    def careless(ctx, g1, g2, g3):
        return g1 + g2 * 2 + g3 * 3         # None + ... for an unused output

    with pytest.raises(TypeError):
        gradcheck(_three_outputs(careless).apply, (double(3),))


def test_options_needing_vmap_are_refused():
    with pytest.raises(NotImplementedError, match="check_batched_grad=True checks PyTorch's batching rules"):
        gradcheck(ag.sin, (double(3),), check_batched_grad=True)


class CubeWithJvp(Cube):
    """Cube with forward mode: jvp(t) = 3 x**2 t (or, with ``wrong``, 3 x t)."""
    wrong = False

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        ctx.save_for_forward(x)
        return x ** 3

    @classmethod
    def jvp(cls, ctx, t):
        (x,) = ctx.saved_tensors
        return 3 * (x if cls.wrong else x ** 2) * t


class CubeWithWrongJvp(CubeWithJvp):
    wrong = True


def test_check_forward_ad_passes_for_operations_and_a_correct_jvp():
    assert gradcheck(lambda a, b: (a * b.exp()).softmax(0), (double(3), double(3, seed=1)), check_forward_ad=True)
    assert gradcheck(CubeWithJvp.apply, (double(3),), check_forward_ad=True)
    assert gradgradcheck(lambda a: a.sigmoid() * a, (double(3),), check_fwd_over_rev=True)


def test_check_forward_ad_catches_a_wrong_jvp_and_a_missing_one():
    with pytest.raises(GradcheckError, match="^Jacobian computed with forward mode mismatch for output 0 "
                                             "with respect to input 0,"):
        gradcheck(CubeWithWrongJvp.apply, (double(3),), check_forward_ad=True)
    assert gradcheck(CubeWithWrongJvp.apply, (double(3),))      # its backward is right
    with pytest.raises(NotImplementedError, match="You must implement the jvp function"):
        gradcheck(Cube.apply, (double(3),), check_forward_ad=True)


# ---- gradgradcheck ----------------------------------------------------------------

@pytest.mark.parametrize("func, shapes", [
    (ag.sin, [(3,)]),
    (ag.exp, [(2, 2)]),
    (lambda a, b: a * b, [(2, 3), (3,)]),
    (lambda a: a ** 3, [(3,)]),
    (lambda a, b: a.abs() ** b, [(3,), (3,)]),
    (lambda a: 2.0 ** a, [(3,)]),
    (lambda a: a.softmax(1), [(2, 3)]),
    (lambda a: a.log_softmax(0), [(2, 3)]),
    (lambda a, b: a @ b, [(2, 3), (3, 2)]),
    (lambda a: a.norm(), [(2, 3)]),
    (lambda a: a.std(1), [(2, 3)]),
    (lambda a, b: a / b.exp(), [(3,), (3,)]),
    (Cube.apply, [(3,)]),
])
def test_gradgradcheck_passes_for_correct_operations(func, shapes):
    inputs = tuple(double(*s, seed=i) for i, s in enumerate(shapes))
    assert gradgradcheck(func, inputs) is True
    if func != Cube.apply:      # Cube has no jvp
        assert gradcheck(func, inputs, check_forward_ad=True) is True
        assert gradgradcheck(func, inputs, check_fwd_over_rev=True) is True


def test_gradgradcheck_with_given_grad_outputs():
    x = double(2, 3)
    g = ag.randn(2, 3, dtype=ag.float64)
    assert gradgradcheck(lambda a: a.sigmoid() * a, (x,), (g,))
    assert gradgradcheck(lambda a: a.tanh(), (x,), (g.requires_grad_(),))


def test_gradgradcheck_catches_a_backward_that_is_not_differentiable():
    with pytest.raises(GradcheckError, match="^Jacobian mismatch for output 0 with respect to input 0,"):
        gradgradcheck(DetachedBackward.apply, (double(3),))


# ---- the operations added for real PyTorch code, first and second derivatives, CPU and GPU stand-in -----

F = ag.nn.functional
NEW_OPERATIONS = {
    "prod": lambda x: x.prod(),
    "prod-dim": lambda x: x.prod(1, keepdim=True),
    "repeat": lambda x: (x.repeat(2, 1, 3) ** 2),
    "log1p": lambda x: (x * x).log1p(),
    "expm1": lambda x: x.expm1(),
    "silu": F.silu,
    "elu": lambda x: F.elu(x, 0.7),
    "leaky_relu": lambda x: F.leaky_relu(x, 0.2) ** 2,
    "softplus": lambda x: F.softplus(x, beta=1.5, threshold=3.0),
    "hardtanh": lambda x: F.hardtanh(x, -0.4, 0.6) ** 2,
    "amax": lambda x: x.amax(1) ** 2,
    "amin": lambda x: ag.amin(x) * x,
    "logsumexp": lambda x: x.logsumexp(1),
    "cumsum": lambda x: x.cumsum(1) ** 2,
    "outer": lambda x: ag.outer(x[0], x[1]) ** 2,
    "tril": lambda x: ag.tril(x.t() @ x, -1) ** 2,
    "triu": lambda x: (x @ x.t()).triu(1) ** 2,
    "layer_norm": lambda x: F.layer_norm(x, (3,), x[0] * 2, x[1]),
    "xlogy": lambda x: ag.xlogy(x, x * x + 1),
    "smooth_l1_loss": lambda x: F.smooth_l1_loss(x * 3, x * 0.5, beta=0.5),
    "huber_loss": lambda x: F.huber_loss(x * 3, x * 0.5, delta=0.5),
    "kl_div": lambda x: F.kl_div(x.log_softmax(1), x.softmax(0), reduction="batchmean"),
    "gather": lambda x: x.gather(1, ag.tensor([[2, 0], [1, 1]], device=x.device)) ** 2,
    "index_select": lambda x: x.index_select(1, ag.tensor([2, 2, 0], device=x.device)) ** 2,
    "scatter_add": lambda x: x.scatter_add(0, ag.tensor([[1, 0, 1]], device=x.device), x[:1] * x[1:]) ** 2,
    "scatter": lambda x: x.scatter(1, ag.tensor([[0], [2]], device=x.device), x[:, 1:2] ** 2) ** 2,
    "index_add": lambda x: x.index_add(0, ag.tensor([1, 1], device=x.device), x * x, alpha=0.5) ** 2,
    "erf": lambda x: ag.erf(x * 2),
    "atan2": lambda x: ag.atan2(x, x * x + 1),
    "gelu": F.gelu,
    "gelu_tanh": lambda x: F.gelu(x, approximate="tanh"),
    "einsum": lambda x: ag.einsum("ij,kj->ik", x, x * x) ** 2,
    "einsum-diagonal": lambda x: ag.einsum("ii->i", x[:, :2] @ x[:, 1:].t()),
    "einsum-ellipsis": lambda x: ag.einsum("...j,j->...", x, x[0]).exp(),
}


@pytest.mark.parametrize("name", list(NEW_OPERATIONS))
def test_new_operations_pass_gradcheck_and_gradgradcheck(name, gpu):
    import numpy

    values = numpy.random.default_rng(7).uniform(0.3, 1.2, size=(2, 3)) * numpy.array([1, -1, 1])
    for device in ("cpu", gpu):
        x = ag.tensor(values, dtype=ag.float64, device=device, requires_grad=True)
        assert gradcheck(NEW_OPERATIONS[name], (x,), check_forward_ad=True), name
        assert gradgradcheck(NEW_OPERATIONS[name], (x,), check_fwd_over_rev=True), name

"""Tensor creation: dtypes inferred as PyTorch infers them, sizes, random numbers
and their seeds, memory shared with numpy, legacy constructors, and every error.

Expected values and messages were recorded from PyTorch 2.13; this suite never
imports torch.
"""
import warnings

import numpy as np
import pytest

import autograd_ref as ar
from autograd_ref import creation
from autograd_ref.tensor import Size, Tensor

FLOAT_ONLY = "Only Tensors of floating point and complex dtype can require gradients"


def values(t):
    return t.detach().numpy().tolist()


# ---- tensor(): dtype inference and copying ----------------------------------------

@pytest.mark.parametrize("data, dtype", [
    (2.5, ar.float32),
    ([1., 2.], ar.float32),
    ([1, 2.5], ar.float32),            # one float makes the whole tensor float
    (3, ar.int64),
    ([[1, 2], [3, 4]], ar.int64),
    (True, ar.bool),
    ([True, False], ar.bool),
    ([True, 2], ar.int64),
    ([], ar.float32),
    ([[]], ar.float32),
    (np.array([1., 2.]), ar.float64),   # numpy arrays keep their dtype...
    (np.array([1., 2.], dtype=np.float32), ar.float32),
    (np.array([1, 2]), ar.int64),
    (np.array([True]), ar.bool),
    (np.array([1, 2], dtype=np.int32), ar.int64),        # ...or the nearest we hold
    (np.array([1, 2], dtype=np.uint8), ar.int64),
    (np.array([1, 2], dtype=np.float16), ar.float32),
    (np.float64(2.5), ar.float64),      # numpy scalars too
    ((1, 2), ar.int64),
])
def test_tensor_infers_dtype(data, dtype):
    assert ar.tensor(data).dtype is dtype


def test_tensor_values_and_shape():
    t = ar.tensor([[1, 2, 3], [4, 5, 6]])
    assert t.shape == (2, 3) and isinstance(t.shape, Size)
    assert t.tolist() == [[1, 2, 3], [4, 5, 6]]
    assert ar.tensor(2.5).shape == () and ar.tensor(2.5).item() == 2.5
    assert ar.tensor([[]]).shape == (1, 0)


def test_tensor_dtype_argument_converts():
    assert ar.tensor([1, 2], dtype=ar.float64).tolist() == [1., 2.]
    assert ar.tensor([1, 2], dtype=ar.float64).dtype is ar.float64
    assert ar.tensor([1.7, -2.7], dtype=ar.int64).tolist() == [1, -2]   # truncates
    assert ar.tensor([1, 2], dtype=float).dtype is ar.float64           # Python types work too
    assert ar.tensor([1., 0.], dtype=bool).tolist() == [True, False]


def test_tensor_follows_the_default_dtype():
    ar.set_default_dtype(ar.float64)
    try:
        assert ar.tensor([1.5]).dtype is ar.float64
        assert ar.zeros(2).dtype is ar.float64
    finally:
        ar.set_default_dtype(ar.float32)


def test_tensor_copies_numpy_data():
    a = np.array([1., 2.])
    t = ar.tensor(a)
    a[0] = 9.
    assert t.tolist() == [1., 2.]


def test_tensor_from_tensor_copies_and_warns():
    x = ar.tensor([1., 2.], requires_grad=True)
    with pytest.warns(UserWarning, match=r"sourceTensor.detach\(\).clone\(\)"):
        y = ar.tensor(x)
    assert y.tolist() == [1., 2.] and not y.requires_grad and y.is_leaf
    assert y._data is not x._data
    with pytest.warns(UserWarning):
        assert ar.tensor(ar.tensor([1, 2]), dtype=ar.float32).dtype is ar.float32


def test_tensor_accepts_one_element_tensors_in_lists():
    assert ar.tensor([ar.tensor(1.), ar.tensor(2.)]).tolist() == [1., 2.]


def test_tensor_requires_grad_makes_a_leaf():
    t = ar.tensor([1., 2.], requires_grad=True)
    assert t.requires_grad and t.is_leaf and t.grad_fn is None


@pytest.mark.parametrize("make", [
    lambda: ar.tensor([1, 2], requires_grad=True),
    lambda: ar.tensor([True], requires_grad=True),
    lambda: ar.zeros(2, dtype=ar.int64, requires_grad=True),
    lambda: ar.arange(3, requires_grad=True),
    lambda: ar.randint(3, (2,), requires_grad=True),
    lambda: ar.randperm(3, requires_grad=True),
    lambda: ar.full((2,), 1, requires_grad=True),
])
def test_only_floating_tensors_can_require_grad(make):
    with pytest.raises(RuntimeError, match=FLOAT_ONLY):
        make()


@pytest.mark.parametrize("data, error, message", [
    ([[1, 2], [3]], ValueError, r"expected sequence of length 2 at dim 1 \(got 1\)"),
    ([[1, 2], [3, 4, 5]], ValueError, r"expected sequence of length 2 at dim 1 \(got 3\)"),
    ([[[1], [2]], [[1], [2, 3]]], ValueError, r"expected sequence of length 1 at dim 2 \(got 2\)"),
    ([[1., 2.], 3.], TypeError, "not a sequence"),
    ([1., [2., 3.]], TypeError, "must be real number, not list"),
    ("abc", TypeError, "new\\(\\): invalid data type 'str'"),
    (None, RuntimeError, "Could not infer dtype of NoneType"),
    ([1, None], RuntimeError, "Could not infer dtype of NoneType"),
    (object(), RuntimeError, "Could not infer dtype of object"),
])
def test_tensor_refuses_bad_data(data, error, message):
    with pytest.raises(error, match=message):
        ar.tensor(data)


def test_dtype_argument_must_be_a_dtype():
    with pytest.raises(TypeError, match="zeros\\(\\): argument 'dtype' must be autograd_ref.dtype, not str"):
        ar.zeros(2, dtype="float32")


def test_device_argument():
    assert ar.zeros(2, device="cpu").device == "cpu"
    assert ar.tensor([1.], device=ar.device("cpu")).device == "cpu"
    with pytest.raises(RuntimeError, match="CUDA"):
        ar.zeros(2, device="cuda")


# ---- sizes, filled tensors ---------------------------------------------------------

@pytest.mark.parametrize("fn", [ar.zeros, ar.ones, ar.empty, ar.rand, ar.randn])
@pytest.mark.parametrize("size", [(2, 3), ((2, 3),), ([2, 3],), (Size([2, 3]),),
                                  (2, np.int64(3)), (2, ar.tensor(3))])
def test_size_forms(fn, size):
    t = fn(*size)
    assert t.shape == (2, 3) and t.dtype is ar.float32


@pytest.mark.parametrize("fn", [ar.zeros, ar.ones, ar.empty, ar.rand, ar.randn, ar.FloatTensor])
def test_negative_size(fn):
    with pytest.raises(RuntimeError, match=r"Trying to create tensor with negative dimension -1: \[-1, 2\]"):
        fn(-1, 2)
    if fn is not ar.FloatTensor:   # FloatTensor((-1, 2)) is data: tensor([-1., 2.])
        with pytest.raises(RuntimeError, match=r"negative dimension -1: \[-1, 2\]"):
            fn((-1, 2))


def test_negative_size_other_creators():
    with pytest.raises(RuntimeError, match=r"negative dimension -2: \[3, -2\]"):
        ar.full((3, -2), 1.)
    with pytest.raises(RuntimeError, match=r"negative dimension -1: \[-1, 2\]"):
        ar.randint(3, (-1, 2))
    with pytest.raises(RuntimeError, match=r"negative dimension -1: \[-1\]"):
        ar.randperm(-1)


def test_bad_sizes():
    with pytest.raises(TypeError, match="zeros\\(\\): argument 'size' must be tuple of ints, "
                                        "but found element of type float at pos 2"):
        ar.zeros(2, 3.0)
    with pytest.raises(TypeError, match="type str at pos 1"):
        ar.ones("a")
    with pytest.raises(TypeError, match='zeros\\(\\) missing 1 required positional arguments: "size"'):
        ar.zeros()


def test_zero_dim_and_empty_sizes():
    assert ar.zeros(()).shape == () and ar.zeros(()).item() == 0.
    assert ar.zeros([]).shape == ()
    assert ar.ones(0).shape == (0,)
    assert ar.ones(2, 0).numel() == 0


def test_zeros_ones_values_and_options():
    assert ar.zeros(2, 2).tolist() == [[0., 0.], [0., 0.]]
    assert ar.ones(3, dtype=ar.int64).tolist() == [1, 1, 1]
    assert ar.ones(2, dtype=ar.bool).tolist() == [True, True]
    assert ar.zeros(2, dtype=float).dtype is ar.float64
    w = ar.zeros(2, 3, requires_grad=True)
    assert w.requires_grad and w.is_leaf
    assert ar.empty(2, dtype=ar.int64).dtype is ar.int64


@pytest.mark.parametrize("fill, dtype, expected", [
    (7, ar.int64, [7, 7]),
    (7., ar.float32, [7., 7.]),
    (True, ar.bool, [True, True]),
    (ar.tensor(3), ar.int64, [3, 3]),
    (ar.tensor(3.), ar.float32, [3., 3.]),
])
def test_full_infers_dtype_from_fill_value(fill, dtype, expected):
    t = ar.full((2,), fill)
    assert t.dtype is dtype and t.tolist() == expected


def test_full_options_and_errors():
    assert ar.full((2,), 3, dtype=ar.float32).tolist() == [3., 3.]
    assert ar.full([2, 1], 0.5, requires_grad=True).requires_grad
    with pytest.raises(TypeError, match=r"full\(\): argument 'size' \(position 1\) must be tuple of ints, not int"):
        ar.full(3, 1.)
    with pytest.raises(TypeError, match=r"full\(\): argument 'fill_value' \(position 2\) must be Number, not str"):
        ar.full((2,), "a")


# ---- *_like --------------------------------------------------------------------------

def test_like_functions_keep_shape_dtype_and_device():
    x = ar.tensor([[1, 2], [3, 4]])
    for t in (ar.zeros_like(x), ar.ones_like(x), ar.empty_like(x), ar.full_like(x, 2)):
        assert t.shape == (2, 2) and t.dtype is ar.int64 and t.device == x.device
    assert ar.zeros_like(x).tolist() == [[0, 0], [0, 0]]
    assert ar.ones_like(x).tolist() == [[1, 1], [1, 1]]
    assert ar.full_like(ar.tensor([1, 2]), 2.7).tolist() == [2, 2]
    assert ar.full_like(ar.tensor([1., 2.]), 2).tolist() == [2., 2.]


def test_like_functions_take_options():
    x = ar.tensor([1, 2])
    assert ar.ones_like(x, dtype=ar.float64).dtype is ar.float64
    assert ar.zeros_like(x, dtype=ar.float32, requires_grad=True).requires_grad
    assert ar.rand_like(ar.zeros(3)).dtype is ar.float32
    assert ar.randn_like(x, dtype=ar.float64).shape == (2,)
    assert ar.randint_like(ar.zeros(2), 5).dtype is ar.float32
    assert not ar.zeros_like(ar.tensor([1.], requires_grad=True)).requires_grad


def test_like_functions_refuse_non_tensors_and_bad_dtypes():
    with pytest.raises(TypeError, match=r"zeros_like\(\): argument 'input' \(position 1\) must be Tensor, not list"):
        ar.zeros_like([1, 2])
    with pytest.raises(NotImplementedError, match="\"check_uniform_bounds\" not implemented for 'Long'"):
        ar.rand_like(ar.tensor([1, 2]))
    with pytest.raises(NotImplementedError, match="\"normal_kernel_cpu\" not implemented for 'Long'"):
        ar.randn_like(ar.tensor([1, 2]))


# ---- eye, arange, linspace ---------------------------------------------------------

def test_eye():
    assert ar.eye(2).tolist() == [[1., 0.], [0., 1.]]
    assert ar.eye(2, 3).tolist() == [[1., 0., 0.], [0., 1., 0.]]
    assert ar.eye(2, dtype=ar.int64).tolist() == [[1, 0], [0, 1]]
    assert ar.eye(3, dtype=ar.bool).tolist()[0] == [True, False, False]
    assert ar.eye(0).shape == (0, 0)
    with pytest.raises(RuntimeError, match="n must be greater or equal to 0, got -1"):
        ar.eye(-1)
    with pytest.raises(RuntimeError, match="m must be greater or equal to 0, got -1"):
        ar.eye(2, -1)
    with pytest.raises(TypeError, match=r"eye\(\): argument 'n' \(position 1\) must be int, not float"):
        ar.eye(2.5)
    with pytest.raises(TypeError, match=r"argument 'm' \(position 2\) must be int, not float"):
        ar.eye(2, 3.5)


@pytest.mark.parametrize("args, kwargs, expected, dtype", [
    ((5,), {}, [0, 1, 2, 3, 4], ar.int64),
    ((1, 4), {}, [1, 2, 3], ar.int64),
    ((5, 0, -1), {}, [5, 4, 3, 2, 1], ar.int64),
    ((1, 2.5, 0.5), {}, [1., 1.5, 2.], ar.float32),
    ((3.,), {}, [0., 1., 2.], ar.float32),
    ((0, 5, 2), {"dtype": ar.float64}, [0., 2., 4.], ar.float64),
    ((5, 5), {}, [], ar.int64),
    ((ar.tensor(3),), {}, [0, 1, 2], ar.int64),
])
def test_arange(args, kwargs, expected, dtype):
    t = ar.arange(*args, **kwargs)
    assert t.tolist() == expected and t.dtype is dtype


def test_arange_float_steps():
    t = ar.arange(0., 1, 0.1)
    assert t.shape == (10,)
    assert np.allclose(t.numpy(), np.arange(10) / 10)
    assert ar.arange(0., 3, requires_grad=True).requires_grad


@pytest.mark.parametrize("args, kwargs, message", [
    ((0, 5, 0), {}, "step must be nonzero"),
    ((0, 2.5, 0.5), {"dtype": ar.int64}, "step must be nonzero"),   # the step truncates to 0
    ((5, 0, 1), {}, "upper bound and lower bound inconsistent with step sign"),
    ((-1.5,), {}, "upper bound and lower bound inconsistent with step sign"),
    ((0, float("inf")), {}, "unsupported range: 0 -> inf"),
])
def test_arange_errors(args, kwargs, message):
    with pytest.raises(RuntimeError, match=message):
        ar.arange(*args, **kwargs)


def test_linspace():
    assert ar.linspace(0, 1, 5).tolist() == [0., 0.25, 0.5, 0.75, 1.]
    assert ar.linspace(0, 1, 5).dtype is ar.float32
    assert ar.linspace(0, 10, 1).tolist() == [0.]
    assert ar.linspace(0, 10, 0).shape == (0,)
    assert ar.linspace(0, 10, 5, dtype=ar.int64).tolist() == [0, 2, 5, 7, 10]
    assert ar.linspace(-10, 0, 5, dtype=ar.int64).tolist() == [-10, -7, -5, -2, 0]
    assert ar.linspace(ar.tensor(0.), 1., 3).tolist() == [0., 0.5, 1.]
    assert ar.linspace(0., 1., 3, dtype=ar.float64, requires_grad=True).requires_grad
    with pytest.raises(RuntimeError, match="number of steps must be non-negative"):
        ar.linspace(0, 10, -1)
    with pytest.raises(TypeError, match=r"linspace\(\): argument 'steps' must be int, not float"):
        ar.linspace(0, 1, 2.5)


# ---- random numbers and seeds ---------------------------------------------------------

RANDOM_MAKERS = [
    lambda **kw: ar.rand(4, 3, **kw),
    lambda **kw: ar.randn(4, 3, **kw),
    lambda **kw: ar.randint(0, 100, (5,), **kw),
    lambda **kw: ar.randperm(10, **kw),
    lambda **kw: ar.normal(2., 3., (5,), **kw),
    lambda **kw: ar.normal(ar.zeros(5), ar.ones(5), **kw),
    lambda **kw: ar.rand_like(ar.zeros(3), **kw),
    lambda **kw: ar.randn_like(ar.zeros(3), **kw),
    lambda **kw: ar.randint_like(ar.zeros(3), 10, **kw),
]


@pytest.mark.parametrize("make", RANDOM_MAKERS)
def test_same_seed_same_numbers(make):
    ar.manual_seed(123)
    first = make().tolist()
    ar.manual_seed(123)
    assert make().tolist() == first
    ar.manual_seed(124)
    assert make().tolist() != first


@pytest.mark.parametrize("make", RANDOM_MAKERS)
def test_generator_argument(make):
    a = make(generator=ar.Generator().manual_seed(7)).tolist()
    ar.manual_seed(0)
    default_before = ar.default_generator.get_state()
    b = make(generator=ar.Generator().manual_seed(7)).tolist()
    assert a == b
    assert ar.default_generator.get_state() == default_before   # left untouched


def test_dtypes_share_one_stream():
    # Draws are made in float64 and then rounded, so the dtype changes only the rounding.
    ar.manual_seed(5)
    double = ar.rand(6, dtype=ar.float64).numpy()
    ar.manual_seed(5)
    single = ar.rand(6).numpy()
    assert single.dtype == np.float32
    assert np.array_equal(single, double.astype(np.float32))


def test_manual_seed_returns_the_default_generator():
    g = ar.manual_seed(3)
    assert g is ar.default_generator
    assert ar.initial_seed() == 3 and g.initial_seed() == 3


def test_seed_values():
    assert ar.Generator().initial_seed() == 67280421310721
    assert ar.Generator().manual_seed(-1).initial_seed() == 2**64 - 1
    assert ar.manual_seed(-2**63).initial_seed() == 2**63
    assert ar.manual_seed(1.5).initial_seed() == 1
    with pytest.raises(ValueError, match="Overflow when unpacking long long"):
        ar.manual_seed(2**64)
    with pytest.raises(ValueError, match="invalid literal for int"):
        ar.manual_seed("a")


def test_seed_picks_a_new_seed():
    s = ar.seed()
    assert isinstance(s, int) and 0 <= s < 2**64
    assert ar.initial_seed() == s
    g = ar.Generator()
    assert g.seed() == g.initial_seed()


def test_get_and_set_state_replay():
    g = ar.Generator().manual_seed(11)
    state = g.get_state()
    first = ar.randn(5, generator=g).tolist()
    assert g.set_state(state) is g
    assert ar.randn(5, generator=g).tolist() == first
    state = ar.get_rng_state()
    a = ar.rand(3).tolist()
    ar.set_rng_state(state)
    assert ar.rand(3).tolist() == a
    with pytest.raises(TypeError, match="expected a state from Generator.get_state"):
        g.set_state([1, 2])


def test_generators_are_independent():
    g1, g2 = ar.Generator().manual_seed(1), ar.Generator().manual_seed(1)
    a = ar.rand(3, generator=g1).tolist()
    ar.rand(3, generator=g1)
    assert ar.rand(3, generator=g2).tolist() == a


def test_generator_must_be_a_generator():
    with pytest.raises(TypeError, match="argument 'generator' must be autograd_ref.Generator, not int"):
        ar.rand(2, generator=3)


def test_rand_is_in_unit_interval():
    ar.manual_seed(0)
    r = ar.rand(100000).numpy()
    assert r.dtype == np.float32 and r.min() >= 0 and r.max() < 1
    assert 0.45 < r.mean() < 0.55


def test_rand_never_rounds_up_to_one():
    class AlmostOne:        # a draw so close to 1 that float32 would round it up
        def random(self, shape):
            return np.full(shape, 1 - 1e-10)

    g = ar.Generator()
    g._numpy = AlmostOne()
    assert np.float32(1 - 1e-10) == 1
    assert ar.rand(3, generator=g).numpy().max() < 1
    assert ar.rand(3, generator=g, dtype=ar.float64).numpy().max() < 1


def test_randn_statistics_and_options():
    ar.manual_seed(0)
    x = ar.randn(100000, dtype=ar.float64).numpy()
    assert abs(x.mean()) < 0.02 and abs(x.std() - 1) < 0.02
    w = ar.randn(3, 2, requires_grad=True)
    assert w.requires_grad and w.is_leaf and w.dtype is ar.float32


@pytest.mark.parametrize("fn, kernel, dtype", [
    (ar.rand, "check_uniform_bounds", ar.int64),
    (ar.rand, "check_uniform_bounds", ar.bool),
    (ar.randn, "normal_kernel_cpu", ar.int64),
])
def test_random_floats_refuse_integer_dtypes(fn, kernel, dtype):
    name = {ar.int64: "Long", ar.bool: "Bool"}[dtype]
    with pytest.raises(NotImplementedError, match=f"\"{kernel}\" not implemented for '{name}'"):
        fn(2, dtype=dtype)


def test_randint_forms():
    ar.manual_seed(0)
    t = ar.randint(5, (1000,))
    assert t.dtype is ar.int64 and t.shape == (1000,)
    assert set(t.tolist()) == {0, 1, 2, 3, 4}
    assert set(ar.randint(3, 6, (1000,)).tolist()) == {3, 4, 5}
    assert set(ar.randint(5, size=(100,)).tolist()) <= set(range(5))
    assert set(ar.randint(low=2, high=4, size=(100,)).tolist()) == {2, 3}
    assert set(ar.randint(high=2, size=[2, 50]).numpy().ravel().tolist()) == {0, 1}
    assert ar.randint(0, 5, (3,), dtype=ar.float32).dtype is ar.float32


def test_randint_errors():
    with pytest.raises(RuntimeError, match="random_ expects 'from' to be less than 'to', but got from=2 >= to=1"):
        ar.randint(2, 1, (3,))
    with pytest.raises(TypeError, match=r"randint\(\): argument 'size' must be tuple of ints, not int"):
        ar.randint(5, 3)
    with pytest.raises(TypeError, match='randint\\(\\) missing 1 required positional arguments: "size"'):
        ar.randint(5)


def test_randperm():
    t = ar.randperm(10)
    assert t.dtype is ar.int64 and sorted(t.tolist()) == list(range(10))
    assert ar.randperm(0).shape == (0,)
    assert ar.randperm(4, dtype=ar.float32).dtype is ar.float32
    with pytest.raises(TypeError, match=r"randperm\(\): argument 'n' \(position 1\) must be int, not float"):
        ar.randperm(2.5)


def test_normal_overloads():
    assert ar.normal(0., 1., (2, 3)).shape == (2, 3)
    assert ar.normal(0., 1., size=(2,)).dtype is ar.float32
    assert ar.normal(0, 1, (2,), dtype=ar.float64).dtype is ar.float64
    assert ar.normal(ar.zeros(3), 1.).shape == (3,)
    assert ar.normal(ar.zeros(3)).shape == (3,)                     # std defaults to 1
    assert ar.normal(0., ar.ones(4)).shape == (4,)
    assert ar.normal(ar.zeros(3, 1), ar.ones(2)).shape == (3, 2)    # broadcast
    assert ar.normal(ar.zeros(3, dtype=ar.float64), 1.).dtype is ar.float64
    assert ar.normal(1., 2., (2,), requires_grad=True).requires_grad


def test_normal_uses_mean_and_std():
    ar.manual_seed(0)
    x = ar.normal(10., 0.5, (100000,), dtype=ar.float64).numpy()
    assert abs(x.mean() - 10) < 0.01 and abs(x.std() - 0.5) < 0.01
    y = ar.normal(ar.tensor([-100., 100.]), ar.tensor([0., 0.])).tolist()
    assert y == [-100., 100.]


def test_normal_errors():
    with pytest.raises(TypeError, match=r"normal\(\) received an invalid combination of arguments - got \(float, float\)"):
        ar.normal(0., 1.)
    with pytest.raises(TypeError, match=r"got \(float, float, int\)"):
        ar.normal(0., 1., 2)
    with pytest.raises(TypeError, match=r"got \(Tensor, float, tuple\)"):
        ar.normal(ar.zeros(2), 1., (2,))
    with pytest.raises(RuntimeError, match="normal expects std >= 0.0, but found std -1"):
        ar.normal(0., -1., size=(2,))
    with pytest.raises(RuntimeError, match="normal expects std >= 0.0, but found std -0.5"):
        ar.normal(ar.zeros(3), -0.5)
    with pytest.raises(RuntimeError, match="normal expects all elements of std >= 0.0"):
        ar.normal(ar.zeros(2), ar.tensor([1., -1.]))
    with pytest.raises(RuntimeError, match=r"The size of tensor a \(3\) must match the size of tensor b \(2\) at non-singleton dimension 0"):
        ar.normal(ar.zeros(3), ar.ones(2))
    with pytest.raises(NotImplementedError, match="\"normal_kernel_cpu\" not implemented for 'Long'"):
        ar.normal(ar.tensor([1, 2]), 1.)


def test_normal_gradient_is_zero_as_in_pytorch():
    mean = ar.zeros(2, requires_grad=True)
    std = ar.ones(2, requires_grad=True)
    assert type(ar.normal(mean, 1.).grad_fn).__name__ == "NormalBackward1"
    assert type(ar.normal(0., std).grad_fn).__name__ == "NormalBackward2"
    y = ar.normal(mean, std)
    assert type(y.grad_fn).__name__ == "NormalBackward3"
    y.sum().backward()
    assert mean.grad.tolist() == [0., 0.] and std.grad.tolist() == [0., 0.]
    assert ar.normal(ar.zeros(2), 1.).grad_fn is None


# ---- from_numpy and as_tensor: shared memory --------------------------------------------

@pytest.mark.parametrize("np_dtype, dtype", [
    (np.float64, ar.float64), (np.float32, ar.float32), (np.int64, ar.int64), (np.bool_, ar.bool)])
def test_from_numpy_keeps_dtype(np_dtype, dtype):
    assert ar.from_numpy(np.zeros(2, dtype=np_dtype)).dtype is dtype


def test_from_numpy_shares_memory_both_ways():
    a = np.arange(3.)
    t = ar.from_numpy(a)
    a[0] = 7.
    assert t.tolist() == [7., 1., 2.]
    t[1] = 5.
    assert a.tolist() == [7., 5., 2.]
    t.numpy()[2] = -1.
    assert a[2] == -1.


def test_from_numpy_views_and_shapes():
    a = np.arange(4.).reshape(2, 2)
    t = ar.from_numpy(a.T)                 # a transposed view still shares memory
    a[0, 1] = 10.
    assert t.tolist() == [[0., 2.], [10., 3.]]
    assert ar.from_numpy(np.array(2.5)).shape == ()


@pytest.mark.parametrize("np_dtype", [np.uint16, np.int32, np.float16, np.uint8])
def test_from_numpy_refuses_unsupported_dtypes(np_dtype):
    name = np.dtype(np_dtype).name
    with pytest.raises(TypeError, match=f"can't convert np.ndarray of type numpy.{name}. "
                                        "The only supported types are: float64, float32, int64, and bool."):
        ar.from_numpy(np.zeros(2, dtype=np_dtype))


def test_from_numpy_errors():
    with pytest.raises(TypeError, match=r"expected np.ndarray \(got list\)"):
        ar.from_numpy([1, 2])
    with pytest.raises(ValueError, match="At least one stride in the given numpy array is negative"):
        ar.from_numpy(np.arange(3.)[::-1])


def test_as_tensor_shares_numpy_memory_when_dtype_matches():
    a = np.zeros(3, dtype=np.float32)
    t = ar.as_tensor(a)
    a[0] = 4.
    assert t.tolist() == [4., 0., 0.]
    assert ar.as_tensor(a, dtype=ar.float32).tolist()[0] == 4.
    b = ar.as_tensor(a, dtype=ar.float64)    # another dtype: a copy
    a[1] = 9.
    assert b.dtype is ar.float64 and b.tolist() == [4., 0., 0.]


def test_as_tensor_converts_what_it_cannot_share():
    assert ar.as_tensor(np.array([1, 2], dtype=np.int32)).dtype is ar.int64
    assert ar.as_tensor([1., 2.]).tolist() == [1., 2.]
    assert ar.as_tensor([1, 2]).dtype is ar.int64
    assert ar.as_tensor(3.5, dtype=ar.float64).dtype is ar.float64


def test_as_tensor_returns_the_same_tensor():
    x = ar.tensor([1., 2.], requires_grad=True)
    assert ar.as_tensor(x) is x
    assert ar.as_tensor(x, dtype=ar.float32) is x
    assert ar.as_tensor(x, device="cpu") is x
    y = ar.as_tensor(x, dtype=ar.float64)
    assert y.dtype is ar.float64 and y.grad_fn is not None   # a differentiable conversion


def test_as_tensor_does_not_warn():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ar.as_tensor(ar.tensor([1.]))


# ---- legacy typed constructors ---------------------------------------------------------

@pytest.mark.parametrize("cls, dtype", [
    (ar.FloatTensor, ar.float32), (ar.DoubleTensor, ar.float64),
    (ar.LongTensor, ar.int64), (ar.BoolTensor, ar.bool)])
def test_legacy_constructors_make_plain_tensors(cls, dtype):
    sized = cls(2, 3)
    assert type(sized) is Tensor and sized.dtype is dtype and sized.shape == (2, 3)
    assert cls(Size([2, 3])).shape == (2, 3)
    assert cls().shape == (0,) and cls().dtype is dtype
    assert cls([1, 0]).dtype is dtype
    assert isinstance(cls([1]), cls)
    assert issubclass(cls, Tensor)


def test_legacy_constructors_convert_data():
    assert ar.FloatTensor([4]).tolist() == [4.]
    assert repr(ar.FloatTensor([4])) == "tensor([4.])"
    assert ar.FloatTensor((2, 3)).tolist() == [2., 3.]          # a tuple is data, a Size a shape
    assert ar.LongTensor([1.7, 2]).tolist() == [1, 2]
    assert ar.BoolTensor([1, 0]).tolist() == [True, False]
    assert ar.DoubleTensor([[1, 2]]).tolist() == [[1., 2.]]
    assert ar.FloatTensor(np.array([1, 2])).tolist() == [1., 2.]
    assert ar.FloatTensor([1, 2], device="cpu").dtype is ar.float32


def test_legacy_constructor_aliases_a_tensor_of_its_type():
    x = ar.tensor([1., 2.])
    y = ar.FloatTensor(x)
    y[0] = 5.
    assert x.tolist() == [5., 2.]


def test_legacy_isinstance_checks_dtype():
    assert isinstance(ar.tensor([1.]), ar.FloatTensor)
    assert not isinstance(ar.tensor([1.]), ar.LongTensor)
    assert isinstance(ar.tensor([1]), ar.LongTensor)
    assert not isinstance([1.], ar.FloatTensor)


def test_type_converts_with_a_legacy_class():
    x = ar.tensor([1.5, 2.])
    assert x.type(ar.LongTensor).tolist() == [1, 2]
    assert x.type(ar.DoubleTensor).dtype is ar.float64
    assert ar.tensor([1, 2]).type(ar.FloatTensor).dtype is ar.float32


def test_legacy_constructor_errors():
    with pytest.raises(TypeError, match=r"new\(\): data must be a sequence \(got float\)"):
        ar.FloatTensor(2.5)
    with pytest.raises(TypeError, match=r"new\(\): argument 'size' must be tuple of ints, but found element of type float at pos 2"):
        ar.LongTensor(2, 3.0)
    with pytest.raises(TypeError, match="expected autograd_ref.float32 \\(got autograd_ref.int64\\)"):
        ar.FloatTensor(ar.tensor([1, 2]))


def test_all_names_are_exported():
    for name in creation.__all__:
        assert getattr(ar, name) is getattr(creation, name)


def test_legacy_tensor_constructor_makes_float32_from_integers():
    t = ar.Tensor([4, 3])
    assert t.dtype is ar.float32 and t.tolist() == [4.0, 3.0]
    assert ar.Tensor(4, 3).shape == (4, 3)

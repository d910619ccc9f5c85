"""Grad modes: ``no_grad``, ``enable_grad``, ``set_grad_enabled``, ``inference_mode``.

Each is a context manager and a decorator, nests, restores the previous mode on exit
(also when an exception leaves the block), and is thread-local, as in PyTorch.
"""
import threading

import pytest

import autograd_ref as ag


@pytest.fixture
def x():
    return ag.ones(2, requires_grad=True)


def test_grad_is_enabled_by_default():
    assert ag.is_grad_enabled() is True
    assert ag.is_inference_mode_enabled() is False


def test_no_grad_context_records_nothing(x):
    with ag.no_grad():
        assert ag.is_grad_enabled() is False
        y = x * 2
    assert ag.is_grad_enabled() is True
    assert y.requires_grad is False
    assert y.grad_fn is None
    assert y.is_leaf
    assert y.tolist() == [2.0, 2.0]


def test_no_grad_still_lets_you_create_leaves_that_require_grad():
    with ag.no_grad():
        w = ag.ones(2, requires_grad=True)
        s = w.sum()
    assert w.requires_grad is True
    assert s.requires_grad is False


def test_operations_after_no_grad_record_again(x):
    with ag.no_grad():
        pass
    y = x * 2
    assert y.requires_grad
    assert y.grad_fn.name() == "MulBackward0"


def test_no_grad_restores_mode_after_an_exception():
    with pytest.raises(ValueError):
        with ag.no_grad():
            raise ValueError("boom")
    assert ag.is_grad_enabled() is True


def test_enable_grad_inside_no_grad(x):
    with ag.no_grad():
        with ag.enable_grad():
            assert ag.is_grad_enabled()
            y = x * 2
        assert not ag.is_grad_enabled()
        z = x * 2
    assert y.requires_grad and y.grad_fn is not None
    assert not z.requires_grad


def test_set_grad_enabled_as_context_manager(x):
    with ag.set_grad_enabled(False):
        assert not ag.is_grad_enabled()
        with ag.set_grad_enabled(True):
            assert ag.is_grad_enabled()
            assert (x * 2).requires_grad
        assert not ag.is_grad_enabled()
        assert not (x * 2).requires_grad
    assert ag.is_grad_enabled()


def test_set_grad_enabled_as_a_plain_call_takes_effect_at_once(x):
    try:
        ag.set_grad_enabled(False)
        assert not ag.is_grad_enabled()
        assert not (x * 2).requires_grad
    finally:
        ag.set_grad_enabled(True)
    assert ag.is_grad_enabled()
    assert (x * 2).requires_grad


def test_set_grad_enabled_with_a_flag_variable(x):
    for training in (True, False):
        with ag.set_grad_enabled(training):
            y = x * 2
        assert y.requires_grad is training


def test_nested_modes_unwind_in_order():
    seen = []
    with ag.no_grad():
        seen.append(ag.is_grad_enabled())
        with ag.enable_grad():
            seen.append(ag.is_grad_enabled())
            with ag.no_grad():
                seen.append(ag.is_grad_enabled())
            seen.append(ag.is_grad_enabled())
        seen.append(ag.is_grad_enabled())
    seen.append(ag.is_grad_enabled())
    assert seen == [False, True, False, True, False, True]


# ---- decorators --------------------------------------------------------------

def test_no_grad_decorator_with_parentheses(x):
    @ag.no_grad()
    def double(t):
        """Doubles."""
        return t * 2, ag.is_grad_enabled()

    y, enabled = double(x)
    assert enabled is False
    assert not y.requires_grad
    assert double.__name__ == "double"
    assert double.__doc__ == "Doubles."
    assert ag.is_grad_enabled()


def test_bare_no_grad_decorator(x):
    @ag.no_grad
    def double(t):
        return t * 2

    y = double(x)
    assert not y.requires_grad
    assert double.__name__ == "double"
    assert ag.is_grad_enabled()


def test_decorated_function_can_be_called_many_times(x):
    @ag.no_grad()
    def double(t):
        return t * 2

    assert [double(x).requires_grad for _ in range(3)] == [False, False, False]
    assert (x * 2).requires_grad


def test_enable_grad_decorators_inside_no_grad(x):
    @ag.enable_grad()
    def with_parentheses(t):
        return t * 2

    @ag.enable_grad
    def bare(t):
        return t * 2

    with ag.no_grad():
        assert with_parentheses(x).requires_grad
        assert bare(x).requires_grad
        assert not ag.is_grad_enabled()


def test_set_grad_enabled_decorator_applies_inside_the_function_only():
    @ag.set_grad_enabled(False)
    def inside():
        return ag.is_grad_enabled()

    assert ag.is_grad_enabled() is True     # decorating changed nothing
    assert inside() is False
    assert ag.is_grad_enabled() is True


def test_no_grad_decorator_on_a_generator_applies_while_it_runs():
    @ag.no_grad()
    def modes():
        yield ag.is_grad_enabled()
        yield ag.is_grad_enabled()

    assert list(modes()) == [False, False]
    gen = modes()
    assert next(gen) is False
    assert ag.is_grad_enabled() is True     # between the steps, the caller's mode
    assert next(gen) is False


# ---- inference_mode -----------------------------------------------------------

def test_inference_mode(x):
    with ag.inference_mode():
        assert ag.is_inference_mode_enabled()
        assert not ag.is_grad_enabled()
        y = x * 2
    assert not y.requires_grad
    assert not ag.is_inference_mode_enabled()
    assert ag.is_grad_enabled()


def test_inference_mode_false_records(x):
    with ag.inference_mode(False):
        assert not ag.is_inference_mode_enabled()
        assert (x * 2).requires_grad
    with ag.no_grad():
        with ag.inference_mode(False):     # as in PyTorch, this turns recording on
            assert ag.is_grad_enabled()
        assert not ag.is_grad_enabled()


def test_inference_mode_decorators(x):
    @ag.inference_mode()
    def with_parentheses():
        return ag.is_inference_mode_enabled(), (x * 2).requires_grad

    @ag.inference_mode
    def bare():
        return ag.is_inference_mode_enabled(), (x * 2).requires_grad

    assert with_parentheses() == (True, False)
    assert bare() == (True, False)
    assert not ag.is_inference_mode_enabled()


# ---- threads --------------------------------------------------------------------

def _in_thread(fn):
    out = []
    thread = threading.Thread(target=lambda: out.append(fn()))
    thread.start()
    thread.join()
    return out[0]


def test_a_thread_started_inside_no_grad_records_a_graph(x):
    with ag.no_grad():
        enabled, requires_grad = _in_thread(lambda: (ag.is_grad_enabled(), (x * 2).requires_grad))
        assert not ag.is_grad_enabled()
    assert enabled is True
    assert requires_grad is True


def test_no_grad_in_a_thread_leaves_the_main_thread_alone(x):
    started, release = threading.Event(), threading.Event()
    inner = []

    def worker():
        with ag.no_grad():
            inner.append(ag.is_grad_enabled())
            started.set()
            release.wait(5)

    thread = threading.Thread(target=worker)
    thread.start()
    started.wait(5)
    try:
        assert ag.is_grad_enabled()
        assert (x * 2).requires_grad
    finally:
        release.set()
        thread.join()
    assert inner == [False]


def _ops_record(x):
    """Whether the hottest ops record here: add and mul (with a number and with a tensor), sin, relu."""
    return [y.requires_grad for y in (x * 2.0, x + x, x.sin(), x.relu())]


@pytest.mark.parametrize("switch_in_main", ["no_grad nested", "set_grad_enabled(True) while on", "enable_grad"])
def test_grad_off_in_a_thread_holds_whatever_the_main_thread_switches(x, switch_in_main):
    # Operations skip the thread-local look-up while no thread has grad mode off: a thread that has it off
    # must stay off however other threads switch theirs.
    entered, switched = threading.Event(), threading.Event()
    inside = []

    def worker():
        with ag.no_grad():
            entered.set()
            switched.wait(5)
            inside.append(_ops_record(x))

    thread = threading.Thread(target=worker)
    thread.start()
    entered.wait(5)
    try:
        if switch_in_main == "no_grad nested":
            with ag.no_grad(), ag.no_grad():
                assert _ops_record(x) == [False] * 4
        elif switch_in_main == "set_grad_enabled(True) while on":
            ag.set_grad_enabled(True)
        else:
            with ag.enable_grad():
                pass
        assert _ops_record(x) == [True] * 4
    finally:
        switched.set()
        thread.join()
    assert inside == [[False] * 4]
    assert _ops_record(x) == [True] * 4


def test_backward_works_inside_no_grad(x):
    y = (x * x).sum()
    with ag.no_grad():
        y.backward()
    assert x.grad.tolist() == [2.0, 2.0]
    assert not x.grad.requires_grad


def test_inference_tensors_are_marked_and_refused_where_pytorch_refuses_them():
    """Checked with torch 2.13: made in inference_mode, a tensor has no version counter, is not changed in place
    outside inference mode, and cannot be saved for backward."""
    with ag.inference_mode():
        x = ag.ones(2)
        y = x * 2
        assert x.is_inference() and y.is_inference()
        x.add_(1)                                       # inside inference mode: allowed
    assert not ag.ones(2).is_inference() and not (x * 3).is_inference() and not x.clone().is_inference()
    with ag.no_grad():
        assert not ag.ones(2).is_inference()
    with pytest.raises(RuntimeError, match="^Inference tensors do not track version counter.$"):
        x._version
    for change in (lambda: x.add_(1), lambda: x[0].mul_(2)):
        with pytest.raises(RuntimeError, match="^Inplace update to inference tensor outside InferenceMode is not "
                                               "allowed"):
            change()
    w = ag.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="^Inference tensors cannot be saved for backward."):
        w * x
    assert (w + x).sum().requires_grad            # nothing saved: allowed, as in PyTorch

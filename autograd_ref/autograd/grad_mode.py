"""Switching gradient recording off and on, per thread.

    >>> with no_grad():
    ...     y = x * 2          # y.requires_grad is False
"""
import functools
import inspect
import threading


class _GradState(threading.local):
    """This thread's grad mode. Switching ``enabled`` also keeps, across threads, the set of those that have it
    off (``_threads_with_grad_off``): while it is empty, an operation knows that grad mode is on without
    reading this thread-local state, which costs five times a plain attribute's read. (Adding to a set and
    discarding from it are atomic; a thread that ends with grad off leaves its number there: operations are
    then only slower, and right.)"""
    enabled = True
    inference = False

    def __setattr__(self, name, value):
        if name == "enabled":
            if value:
                _threads_with_grad_off.discard(threading.get_ident())
            else:
                _threads_with_grad_off.add(threading.get_ident())
        _local_setattr(self, name, value)


_local_setattr = threading.local.__setattr__        # (what super().__setattr__ finds, without looking)
_threads_with_grad_off = set()
_state = _GradState()
# How many inference_mode blocks are open, in any thread: make_tensor looks at this plain number first, so
# that marking inference tensors costs nothing while none is open.
_inference_blocks = [0]
# Whether any inference tensor was ever made: until then nothing needs checking when tensors are saved.
_inference_made = [False]
# How many of the process-wide modes that change what an operation records are on: an open dual level
# (forward AD), anomaly detection, open saved_tensors_hooks and inference_mode blocks, and, once one was
# made, inference tensors (every later save checks for them). Each mode counts itself in and out where it
# is switched. While none is on ("plain recording"), the hottest operations make their tensor and node
# directly, with one look at this number (ops.common.new_node, elementwise_binary, unary.elementwise_unary).
_special_modes = [0]


class _ForwardState:
    """Forward-mode AD's mode (``forward_ad.py``): whether a dual level is open, its number, and the tensors
    given tangents in it. Like PyTorch's dual levels, it is one for the whole process."""

    def __init__(self):
        self.active = False         # read by every operation: a plain attribute
        self.level = None
        self.duals = []             # weak references, to drop the tangents when the level closes
        self.transposing = False    # inside forward_ad._transpose: saved outputs are constants


_forward_state = _ForwardState()


def is_grad_enabled():
    """True when operations on this thread record a graph.

        >>> is_grad_enabled()
        True
    """
    return _state.enabled


def is_inference_mode_enabled():
    """True inside ``inference_mode()`` on this thread."""
    return _state.inference


class _DecoratorContextManager:
    """A context manager that also works as a decorator (``@no_grad()``)."""

    def __call__(self, func):
        if inspect.isgeneratorfunction(func):
            return self._wrap_generator(func)

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with self.clone():
                return func(*args, **kwargs)
        return wrapper

    def _wrap_generator(self, func):
        """A decorated generator runs in the mode each time it resumes."""
        @functools.wraps(func)
        def generator(*args, **kwargs):
            gen = func(*args, **kwargs)
            try:
                sent = None
                while True:
                    with self.clone():
                        item = gen.send(sent)
                    sent = yield item
            except StopIteration as stop:
                return stop.value
            finally:
                gen.close()
        return generator

    def clone(self):
        return self.__class__()


class set_grad_enabled(_DecoratorContextManager):
    """Turn recording on or off; takes effect at once, and as a context manager
    restores the previous mode on exit.

        >>> with set_grad_enabled(False):
        ...     y = x * 2
    """

    def __init__(self, mode):
        self.prev = _state.enabled
        self.mode = bool(mode)
        _state.enabled = self.mode

    def __enter__(self):
        pass

    def __exit__(self, *exc):
        _state.enabled = self.prev

    def __call__(self, func):
        # As a decorator, the mode applies inside the function only.
        _state.enabled = self.prev
        return super().__call__(func)

    def clone(self):
        return self.__class__(self.mode)


class no_grad(_DecoratorContextManager):
    """Run operations without recording a graph: results have requires_grad=False.

        >>> with no_grad():
        ...     w -= lr * w.grad
    """

    def __init__(self, orig_func=None):
        # Allow the bare form @no_grad as well as @no_grad().
        self._wrapped = None
        if callable(orig_func):
            self._wrapped = _DecoratorContextManager.__call__(self, orig_func)
            functools.update_wrapper(self, orig_func)

    def __enter__(self):
        self.prev = _state.enabled
        _state.enabled = False

    def __exit__(self, *exc):
        _state.enabled = self.prev

    def __call__(self, *args, **kwargs):
        if self._wrapped is not None:
            return self._wrapped(*args, **kwargs)
        return _DecoratorContextManager.__call__(self, *args, **kwargs)


class enable_grad(no_grad):
    """Record a graph again, even inside ``no_grad``.

        >>> with no_grad(), enable_grad():
        ...     y = x * 2          # recorded
    """

    def __enter__(self):
        self.prev = _state.enabled
        _state.enabled = True


class inference_mode(_DecoratorContextManager):
    """Like ``no_grad``, for code that only evaluates a model.

        >>> with inference_mode():
        ...     y = model(x)
    """

    def __new__(cls, mode=True):
        if isinstance(mode, bool):
            return super().__new__(cls)
        return cls()(mode)     # the bare form: @inference_mode

    def __init__(self, mode=True):
        self.mode = bool(mode)

    def __enter__(self):
        # As in PyTorch, inference_mode(False) turns recording on.
        self.prev = (_state.enabled, _state.inference)
        _state.enabled = not self.mode
        _state.inference = self.mode
        _inference_blocks[0] += 1
        _special_modes[0] += 1

    def __exit__(self, *exc):
        _state.enabled, _state.inference = self.prev
        _inference_blocks[0] -= 1
        _special_modes[0] -= 1

    def clone(self):
        return self.__class__(self.mode)

"""The correct no_grad and enable_grad of exercise 6, for probes of the other parts (with the flag
reference; used as decorators only where the decorator reference is there too)."""


class _GradMode:
    mode = None

    def __enter__(self):
        self.prev = _is_grad_enabled()
        _set_grad_enabled(self.mode)

    def __exit__(self, *exc):
        _set_grad_enabled(self.prev)
        return False

    def __call__(self, fn):
        return _context_decorator(type(self), fn)


class _NoGrad(_GradMode):
    mode = False


class _EnableGrad(_GradMode):
    mode = True


REFERENCE["contexts"] = lambda ns: {"no_grad": _NoGrad, "enable_grad": _EnableGrad}

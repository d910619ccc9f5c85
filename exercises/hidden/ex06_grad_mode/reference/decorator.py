"""The correct context_decorator of exercise 6, for probes of the other parts."""
import functools


def _context_decorator(make_context, fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        with make_context():
            return fn(*args, **kwargs)
    return wrapper


REFERENCE["decorator"] = lambda ns: {"context_decorator": _context_decorator}

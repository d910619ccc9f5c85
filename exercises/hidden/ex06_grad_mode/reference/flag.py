"""The correct grad-mode flag of exercise 6 (one per thread), and the probes' own view of grad mode."""
import threading

_mode = threading.local()


def _is_grad_enabled():
    return getattr(_mode, "enabled", True)


def _set_grad_enabled(mode):
    _mode.enabled = bool(mode)


REFERENCE["flag"] = lambda ns: {"is_grad_enabled": _is_grad_enabled, "_set_grad_enabled": _set_grad_enabled}

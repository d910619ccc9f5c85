"""Anomaly detection: find the forward operation behind a backward that fails or returns NaN.

    >>> with detect_anomaly():
    ...     loss.backward()     # a NaN gradient raises, naming the node; a warning shows where it was made

While it is on, every recorded node keeps the Python stack of the forward call that made it
(``node.metadata["traceback_"]``, as in PyTorch), and the backward walk checks each node's gradients.
Like PyTorch's, the switch is global, not per thread, and it makes everything slower.
"""
import os
import traceback
import warnings

from .grad_mode import _special_modes

_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep


class _Anomaly:
    enabled = False
    check_nan = True


_state = _Anomaly()


def is_anomaly_enabled():
    return _state.enabled


def is_anomaly_check_nan_enabled():
    return _state.check_nan


class detect_anomaly:
    """Anomaly detection on within the block (``check_nan``: also refuse NaN gradients)."""

    def __init__(self, check_nan=True):
        self.check_nan = check_nan
        warnings.warn("Anomaly Detection has been enabled. This mode will increase the runtime and should only "
                      "be enabled for debugging.", stacklevel=2)

    def __enter__(self):
        self.prev = (_state.enabled, _state.check_nan)
        _switch(True, self.check_nan)

    def __exit__(self, *exc):
        _switch(*self.prev)
        return False


class set_detect_anomaly:
    """Switch anomaly detection on or off: at once when called, and back when used as a context manager."""

    def __init__(self, mode, check_nan=True):
        self.prev = (_state.enabled, _state.check_nan)
        _switch(bool(mode), check_nan)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        _switch(*self.prev)
        return False


def _switch(enabled, check_nan):
    """Anomaly detection on or off, counted among the modes that change what operations record."""
    _special_modes[0] += enabled - _state.enabled
    _state.enabled, _state.check_nan = enabled, check_nan


def record_forward_stack(node):
    """Called for each new node while anomaly detection is on: the user's frames of the forward call (the
    engine's own are left out, as PyTorch's C++ ones are)."""
    frames = [f for f in traceback.extract_stack() if not os.path.abspath(f.filename).startswith(_PACKAGE)]
    node.metadata["traceback_"] = traceback.format_list(frames)


def report(node):
    """Warn with the forward stack of ``node``, before its error propagates (PyTorch's wording)."""
    stack = node.metadata.get("traceback_")
    if stack is None:
        warnings.warn(f"Error detected in {node.name()}. No forward pass information available. Enable detect "
                      "anomaly during forward pass for more information.", stacklevel=2)
        return
    warnings.warn(f"Error detected in {node.name()}. Traceback of forward call that caused the error:\n"
                  + "".join(stack), stacklevel=2)


def check_outputs(node, outputs):
    """Refuse NaN in the gradients a node returned."""
    if not _state.check_nan:
        return
    for i, g in enumerate(outputs):
        if g is not None and g._data.dtype.kind == "f" and bool(g._device.xp.isnan(g._data).any()):
            report(node)
            raise RuntimeError(f"Function '{node.name()}' returned nan values in its {i}th output.")

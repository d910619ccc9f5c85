"""The one seam where an array library is chosen for a device.

Every tensor keeps a :class:`Device`; ``device.xp`` is the array module that
holds its numbers (numpy on the CPU; CuPy on an NVIDIA GPU, once available).
Nothing else in the engine imports an array library for math on tensor data.

    >>> device('cpu').xp.__name__
    'numpy'
"""
import numpy


class Device:
    """Where a tensor's numbers live: ``device('cpu')``, later ``device('cuda:0')``.

        >>> device('cpu')
        device(type='cpu')
    """

    __slots__ = ("type", "index", "xp", "_scalars")

    def __init__(self, type, index=None, xp=None):
        self.type = type
        self.index = index
        self.xp = xp
        self._scalars = {}

    def scalar(self, value, dtype):
        """A Python number as a read-only 0-d array of ``dtype`` on this device.

        numpy 2 takes a slow path when a Python number meets an array (about
        three times the cost of the arithmetic on a small array), so the
        engine turns numbers into cached 0-d arrays first.

            >>> CPU.scalar(2.5, numpy.float32)
            array(2.5, dtype=float32)
        """
        if value == 0:      # 0.0 and -0.0 compare equal but must stay apart
            return self.xp.asarray(value, dtype=dtype)
        key = (value, dtype)
        array = self._scalars.get(key)
        if array is None:
            if len(self._scalars) > 4096:
                self._scalars.clear()
            array = self.xp.asarray(value, dtype=dtype)
            array.flags.writeable = False
            self._scalars[key] = array
        return array

    def __repr__(self):
        if self.index is None:
            return f"device(type='{self.type}')"
        return f"device(type='{self.type}', index={self.index})"

    def __str__(self):
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other):
        if isinstance(other, str):
            other = device(other)
        return isinstance(other, Device) and (self.type, self.index) == (other.type, other.index)

    def __hash__(self):
        return hash((self.type, self.index))


CPU = Device("cpu", None, numpy)


def device(spec):
    """Parse ``'cpu'``, ``'cuda'``, ``'cuda:0'`` or a Device into a Device.

        >>> device('cpu') == 'cpu'
        True
    """
    if isinstance(spec, Device):
        return spec
    if not isinstance(spec, str):
        raise TypeError(f"device() expects a string such as 'cpu' or 'cuda:0', got {type(spec).__name__}")
    kind, _, index = spec.partition(":")
    if kind == "cpu":
        return CPU
    if kind == "cuda":
        raise RuntimeError(
            "CUDA devices are not available in this version of autograd_ref: "
            "the GPU back end (CuPy) is not installed. Use device='cpu'.")
    raise RuntimeError(
        f"Expected one of cpu, cuda device type at start of device string: {spec}")


"""The correct SavedTensor of exercise 12, for probes of the other parts."""


class _CorrectSavedTensor:
    def __init__(self, tensor):
        self.tensor, self.version = tensor, tensor._version

    def unpack(self):
        if self.tensor._version != self.version:
            raise RuntimeError("one of the variables needed for gradient computation has been modified by an "
                               f"inplace operation: [Tensor {list(self.tensor.shape)}] is at version "
                               f"{self.tensor._version}; expected version {self.version} instead")
        return self.tensor


REFERENCE["saved_tensor"] = lambda ns: {"SavedTensor": _CorrectSavedTensor}

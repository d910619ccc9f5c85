"""The correct PackedTensor of exercise 12, for probes of the other parts."""


class _CorrectPackedTensor:
    def __init__(self, tensor, pack_hook, unpack_hook):
        self.packed, self.unpack_hook = pack_hook(tensor), unpack_hook

    def unpack(self):
        return self.unpack_hook(self.packed)


REFERENCE["packed_tensor"] = lambda ns: {"PackedTensor": _CorrectPackedTensor}

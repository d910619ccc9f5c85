"""The correct detach of exercise 6, for probes of the other parts."""


def _make_detach(ns):
    def detach(t):
        return ns["Tensor"](t.data)

    return {"detach": detach}


REFERENCE["detach"] = _make_detach

"""The correct record of exercise 6, for probes of the other parts (with the flag reference)."""


def _make_record(ns):
    def record(data, name, inputs, backward):
        out = ns["Tensor"](data)
        if _is_grad_enabled() and any(t.requires_grad for t in inputs):
            out.requires_grad = True
            out.grad_fn = ns["Node"](name, inputs, backward)
        return out

    return {"record": record}


REFERENCE["record"] = _make_record

"""Comparing one case of a golden set laid out as golden_selection's (also golden_ops and golden_linalg) with
what autograd_ref gives: tuple types, each output's values, ``requires_grad`` and graph, a backward's error,
the inputs' gradients and second derivatives. Used by test_golden_selection.py, test_tensor_ops_more.py and
test_linalg.py.

    >>> problems = case_problems(autograd_ref, cases, name, VALUES["cases"][name])
    >>> problems = error_problems(autograd_ref, cases, name, VALUES["errors"][name])
"""
from golden_nn.check import close


def decoded(cases, items):
    """The arrays of a recorded list (None stays None)."""
    return None if items is None else [None if a is None else cases.decode_array(a) for a in items]


def error_problems(lib, cases, name, want):
    """How ``lib``'s error for the error case ``name`` differs from the recorded ``(kind, message)``: another
    exception type, or a message that does not start with PyTorch's."""
    fn, _ = cases.ERRORS[name]
    kind, message = cases.run_error(lib, fn)
    want_kind, want_message = want
    if kind != want_kind:
        return [f"{name}: autograd_ref raises {kind} ({message}), PyTorch {want_kind} ({want_message})"]
    if not message.startswith(want_message):
        return [f"{name}: {message!r}, PyTorch {want_message!r}"]
    return []


def case_problems(lib, cases, name, want, *, graph="full", compare_values=True, rtol=None):
    """Every disagreement between ``lib`` and the recording ``want`` of case ``name``. ``graph``: 'full' compares
    every node name, 'top' only the output's grad_fn, None neither; ``compare_values=False`` skips the outputs'
    values (random fills); ``rtol`` overrides golden_nn's tolerances."""
    case = next(c for c in cases.CASES if c.name == name)
    got = cases.encode(cases.run(lib, case, decoded(cases, want["inputs"]), decoded(cases, want.get("weights")),
                                 decoded(cases, want.get("second_weights"))))
    problems = []
    if got["types"] != want["types"]:
        problems.append(f"tuple types {got['types']}, PyTorch {want['types']}")
    assert [label for label, _ in got["outputs"]] == [label for label, _ in want["outputs"]]
    for (label, w), (_, g) in zip(want["outputs"], got["outputs"]):
        if "python" in w:
            if g != w:
                problems.append(f"output {label}: {g}, PyTorch {w}")
            continue
        if compare_values:
            close(f"output {label}", cases.decode_array(w["array"]), cases.decode_array(g["array"]), problems, rtol)
        if g["requires_grad"] != w["requires_grad"]:
            problems.append(f"output {label}: requires_grad {g['requires_grad']}, PyTorch {w['requires_grad']}")
        mine, theirs = g["graph"], w["graph"]
        if graph == "top":
            mine, theirs = mine and mine[0], theirs and theirs[0]
        if graph is not None and mine != theirs:
            problems.append(f"output {label}: graph {mine}, PyTorch {theirs}")
    for key in ("backward_error", "grads", "second"):
        if (key in want) != (key in got):
            problems.append(f"{key}: computed by {'autograd_ref' if key in got else 'PyTorch'} only")
        elif key == "backward_error" and key in want:
            if got[key] != want[key]:
                problems.append(f"backward raises {got[key]}, PyTorch {want[key]}")
        elif key in want:
            for i, (w, g) in enumerate(zip(decoded(cases, want[key]), decoded(cases, got[key]))):
                close(f"{key} of input {i}", w, g, problems, rtol)
    return problems

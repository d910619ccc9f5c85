"""Realistic submissions of ex06_grad_mode: what each gets wrong, the edits to the source's solution that make
it, and the points per autograded cell the hidden suite must give it (cells not named get full points)."""

FULL = {"test_grad_mode_flag": 3, "test_record": 2, "test_grad_mode_context": 4, "test_context_decorator": 4,
        "test_detach": 2, "test_grad_of": 2}

VARIANTS = {
    "global_flag": {
        "mistake": "the grad mode is a module-level object shared by every thread instead of a "
                   "threading.local(), so switching it off in one thread switches it off in all",
        "edits": [("grad_mode_flag", "_grad_mode = threading.local()      # each thread sees its own attributes",
                   "class _GradModeFlag:\n    enabled = True\n\n\n_grad_mode = _GradModeFlag()")],
        # setting and reading it in one thread still works
        "expected": {"test_grad_mode_flag": 1},
    },
    "thread_local_without_default": {
        "mistake": "the default is set once on the threading.local() at module level, which only the main "
                   "thread sees: is_grad_enabled() raises AttributeError in any other thread",
        "edits": [("grad_mode_flag", "_grad_mode = threading.local()      # each thread sees its own attributes",
                   "_grad_mode = threading.local()\n_grad_mode.enabled = True"),
                  ("grad_mode_flag", 'return getattr(_grad_mode, "enabled", True)', "return _grad_mode.enabled")],
        # a thread that sets the mode before reading it still works
        "expected": {"test_grad_mode_flag": 2},
    },
    "requires_grad_without_graph": {
        "mistake": "record sets requires_grad from the inputs whatever the grad mode, and only skips the "
                   "grad_fn under no_grad, so results inside no_grad still claim to require grad",
        "edits": [("record",
                   "    if is_grad_enabled() and any(t.requires_grad for t in inputs):\n"
                   "        out.requires_grad = True\n",
                   "    out.requires_grad = any(t.requires_grad for t in inputs)\n"
                   "    if is_grad_enabled() and out.requires_grad:\n")],
        "expected": {"test_record": 1},
    },
    "exit_sets_true": {
        "mistake": "__exit__ switches grad mode back on instead of restoring the mode that was there before, "
                   "which breaks nested blocks",
        "edits": [("grad_mode_context", "        _set_grad_enabled(self.prev)\n", "        _set_grad_enabled(True)\n")],
        # a single block entered with grad mode on still works, and exceptions still come out
        "expected": {"test_grad_mode_context": 2},
    },
    "mode_set_at_decoration_time": {
        "mistake": "context_decorator enters the context once, while decorating, and returns the function "
                   "itself: its calls run in whatever mode the caller has",
        "edits": [("context_decorator",
                   "    @functools.wraps(fn)\n    def wrapper(*args, **kwargs):\n        with make_context():\n"
                   "            return fn(*args, **kwargs)\n\n    return wrapper",
                   "    with make_context():\n        return fn")],
        # the name and docstring are fn's own; an exception still comes out with the caller's mode intact
        "expected": {"test_context_decorator": 2},
    },
    "one_context_for_all_calls": {
        "mistake": "context_decorator makes one context when decorating and reuses it for every call, so a "
                   "decorated function that calls itself overwrites the mode its outer call saved",
        "edits": [("context_decorator",
                   "    def wrapper(*args, **kwargs):\n        with make_context():\n",
                   "    def wrapper(*args, **kwargs):\n        with context:\n"),
                  ("context_decorator", "    @functools.wraps(fn)\n",
                   "    context = make_context()\n\n    @functools.wraps(fn)\n")],
        "expected": {"test_context_decorator": 3},
    },
    "no_functools_wraps": {
        "mistake": "context_decorator returns a plain inner function, so the decorated function is called "
                   "'wrapper' and loses its docstring",
        "edits": [("context_decorator", "    @functools.wraps(fn)\n", "")],
        "expected": {"test_context_decorator": 3},
    },
    "no_try_finally": {
        "mistake": "the wrapper calls __enter__ and __exit__ by hand around the call, without try/finally, so "
                   "an exception from the function leaves the grad mode changed",
        "edits": [("context_decorator",
                   "        with make_context():\n            return fn(*args, **kwargs)\n",
                   "        context = make_context()\n        context.__enter__()\n"
                   "        result = fn(*args, **kwargs)\n        context.__exit__(None, None, None)\n"
                   "        return result\n")],
        "expected": {"test_context_decorator": 3},
    },
    "detach_copies": {
        "mistake": "detach copies the data (that is clone), so the detached tensor no longer shares memory "
                   "with the original",
        "edits": [("detach", "    return Tensor(t.data)", "    return Tensor(t.data.copy())")],
        "expected": {"test_detach": 1},
    },
    "grad_of_without_enable_grad": {
        "mistake": "grad_of builds the graph in the caller's grad mode, so inside no_grad nothing is recorded "
                   "and backward fails",
        "edits": [("grad_of",
                   "    with enable_grad():\n        leaf = Tensor(np.array(x, dtype=float), requires_grad=True)\n"
                   "        f(leaf).backward()",
                   "    leaf = Tensor(np.array(x, dtype=float), requires_grad=True)\n    f(leaf).backward()")],
        "expected": {"test_grad_of": 1},
    },
}

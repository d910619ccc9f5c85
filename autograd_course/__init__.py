"""Course tooling: grade submissions with hidden suites, and write the student release.

The engine is ``autograd_ref``; this package only runs the course around it::

    $ autograd-course grade ex01_scalar_engine submitted/*/ex01_scalar_engine --out grades/ex01 -j 2
    $ autograd-course release build/student

Where each concept lives:

- ``notebooks``: reading nbgrader notebooks and assembling the code a submission runs.
- ``sandbox``: starting the untrusted child process and talking to it (JSON lines on a pipe).
- ``child``: the program that runs *inside* the sandbox (stdlib and numpy only).
- ``probe_prelude``: helpers for every hidden suite's probes (``_array``, ...), run inside the sandbox too.
- ``grading``: the trusted side, a pytest plugin that runs a hidden suite against one submission.
- ``results``: Gradescope JSON, ``grades.csv``, atomic writes, nbgrader's gradebook.
- ``suite``: helpers the hidden test suites import (``call``, ``as_array``, ``same``).
- ``cli``: the ``autograd-course`` command; ``release`` writes the student tree.

The contract between a hidden suite and the grader
==================================================

An assignment ``A`` is ``exercises/source/A/<notebook>.ipynb`` (one notebook, nbgrader metadata) and its
hidden suite ``exercises/hidden/A/``:

``probes.py``
    Functions ``probe_<name>(ns, **inputs)``. They run INSIDE the sandbox, after the notebook's cells,
    where ``ns`` is the namespace those cells defined. A probe calls the student's functions on the inputs
    and returns plain data: None, bool, int, float, str, lists and dicts of these; numpy arrays and numpy
    scalars are turned into lists and numbers. Inputs that were numpy arrays in the test arrive as numpy
    arrays (same dtype and shape). Only the stdlib and numpy can be imported there. The source of
    ``probes.py`` is sent to the child over the protocol; it is never a file the child could list.

    Every ``probes.py`` has the helpers of ``probe_prelude.py`` without defining or importing them (the
    grader sends that file's text ahead of it; the student's namespace never gets them):

    - ``_array(x)``: an array, list or number as ``{"shape": [...], "values": [...]}`` (what
      ``suite.as_array`` reads in the tests), None as None, anything else as a dict with an ``"error"``;
    - ``_tensor_array(x)``: the same for the numbers a Tensor holds (its ``.data``);
    - ``_error_name(fn)``: the class name of the exception ``fn()`` raised, or None;
    - ``_numbers(data, x)``: ``_array`` without setting None apart (numpy reads it as NaN);
    - ``_run_program(ns, leaves, flags, steps)``: a small program of Tensor operators, run with the
      student's ``Tensor``, for suites about the graphs those operators record (ex03, ex04).

    A ``probes.py`` may define one of these names again for itself (ex02_broadcasting keeps None as NaN that way).

``test_*.py``
    pytest tests that run in the TRUSTED grader process (``autograd_ref`` is importable there), with two
    fixtures from the grader's plugin:

    - ``student``: ``student.probe(name, **inputs)`` returns the probe's plain data, or raises
      ``autograd_course.grading.ProbeFailed`` (its message is short and says what went wrong in the
      student's code: an exception, a timeout, a dead process, data that is not plain).
    - ``rng``: a ``numpy.random.Generator`` seeded from the grading run's seed and the test's name, so
      that inputs are drawn afresh for each run and every run can be replayed (``--seed``).

    Points: ``@pytest.mark.points(2, cell="test_backward")``, where ``cell`` is the ``grade_id`` of the
    notebook's autograded test cell that the test counts toward in nbgrader's gradebook. A test passes
    (full points) or fails (zero). ``visibility="after_due_date"`` (Gradescope's values) is optional.

    Failure messages are what the student reads: ``assert ok, "gradient not reduced over the broadcast
    dimension of b"``. Name the concept; never put hidden inputs or expected values in a message. The
    grader shows only that message (for an exception other than an assertion, only its type), never
    pytest's traceback, which would print hidden code.

    A test earns points only for behaviour that was built: a check that something did *not* happen ("does
    not change grad_output") must also check that the right thing did, so that code which does nothing
    scores zero (``tests/test_exercises.py`` grades a corpus of such stubs for every assignment). A probe
    gives the student's code inputs and numbers, never a name that tells the answer: student code can read
    its callers' frames. Correct versions of parts, for grading one part with the others right, live in
    ``reference/<part>.py`` and reach only the children of the probes that ``REFERENCES`` in probes.py
    names (``grading.Student``).

What the child runs: the source notebook's code cells in order, except autograder test cells (nbgrader
``grade: true`` without ``solution``: they may hold hidden tests and never reach the child). Every solution
cell (``solution: true``) is taken from the submission by ``grade_id``; a missing or renamed one counts as
blank. IPython syntax (magics, ``!cmd``) becomes ``pass``, one line at a time. The probes are loaded before
the cells run. An error in a cell is recorded and the next cell runs. Cells that import anything but the stdlib and numpy (``autograd_ref``
included) fail in the child.
"""

__all__ = ["__version__"]

__version__ = "0.1.0"

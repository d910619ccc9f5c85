"""The trusted side: grade one submission by running the hidden pytest suite against its sandboxed child.

    assignment = Assignment.load("exercises", "ex01_scalar_engine")
    result = grade_submission(assignment, Submission.from_path("alice.ipynb"), seed=7)   # Gradescope dict

The hidden tests run here, in the grader's process, with the fixtures of ``GradingPlugin``: ``student``
(its ``probe`` asks the child to call the student's functions and returns plain data) and ``rng``. Every
assertion and every point is decided here; the child only ever answers probes. A batch of submissions is
graded by ``grade_batch`` in a pool of worker processes, each grading one submission at a time.
"""

from __future__ import annotations

import contextlib
import functools
import io
import os
import re
import secrets
import sys
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest

from . import notebooks
from .notebooks import CodeToRun, NotebookError
from .sandbox import DEFAULT_BUDGET_S, ChildGone, Sandbox

MAX_OUTPUT = 300  # characters of a message shown to the student


class ProbeFailed(Exception):
    """The student's code could not answer a probe; the message says why, shortly (never hidden code)."""


class GradingError(Exception):
    """The assignment or its hidden suite is not usable (a problem for the instructor, not a student)."""


# -- the assignment and its submissions --------------------------------------------------------------------


@dataclass
class Assignment:
    """An assignment of the course: its source notebook and its hidden suite."""

    name: str
    course_dir: Path
    notebook: Path
    hidden_dir: Path
    probes_source: str
    cells: list = field(repr=False, default_factory=list)
    # Correct versions of parts, ``reference/<part>.py`` (sandbox code), and which probes may have them:
    # probes.py's ``REFERENCES = {"probe name": ["part", ...]}``. A probe runs in a child holding only the
    # references it names, so the child that grades a part never holds that part's answer.
    references: dict = field(repr=False, default_factory=dict)
    probe_references: dict = field(repr=False, default_factory=dict)

    @classmethod
    def load(cls, course_dir: str | Path, name: str) -> "Assignment":
        course_dir = Path(course_dir).resolve()
        source_dir = course_dir / "source" / name
        hidden_dir = course_dir / "hidden" / name
        found = sorted(p for p in source_dir.glob("*.ipynb")) if source_dir.is_dir() else []
        if len(found) != 1:
            raise GradingError(f"expected one notebook in {source_dir}, found {len(found)}")
        if not (hidden_dir / "probes.py").is_file():
            raise GradingError(f"no hidden suite: {hidden_dir / 'probes.py'} is missing")
        if not list(hidden_dir.glob("test_*.py")):
            raise GradingError(f"no hidden tests (test_*.py) in {hidden_dir}")
        try:
            cells = notebooks.read_notebook(found[0])
        except NotebookError as e:
            raise GradingError(str(e)) from None
        probes_source = (hidden_dir / "probes.py").read_text()
        references = {p.stem: p.read_text() for p in sorted((hidden_dir / "reference").glob("*.py"))}
        return cls(name, course_dir, found[0], hidden_dir, probes_source, cells, references,
                   _probe_references(probes_source))

    @property
    def autograded_cells(self) -> dict:
        return notebooks.autograder_cells(self.cells)

    @functools.cached_property
    def secrets(self) -> "SecretText":
        """The probes, their helpers, the references and the hidden tests, to keep out of feedback."""
        tests = [p.read_text(encoding="utf-8", errors="replace") for p in sorted(self.hidden_dir.glob("*.py"))]
        return SecretText(self.probes_source, probe_prelude_source(), *self.references.values(), *tests)

    def probes_for(self, parts: tuple[str, ...]) -> str:
        """The probes' source for a child that may hold the references of ``parts`` (and no others)."""
        return "\n\n".join([self.probes_source] + [self.references[part] for part in parts])


def _probe_references(probes_source: str) -> dict[str, tuple[str, ...]]:
    """probes.py's ``REFERENCES`` literal, read without running probes.py (it is sandbox code)."""
    import ast

    try:
        tree = ast.parse(probes_source)
    except SyntaxError:
        return {}          # check_suite reports it
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "REFERENCES" for t in node.targets):
            try:
                value = ast.literal_eval(node.value)
            except ValueError:
                raise GradingError("probes.py's REFERENCES must be a literal dict of probe name: [parts]") from None
            return {str(k): tuple(sorted(map(str, v))) for k, v in value.items()}
    return {}


_SAFE_ID = re.compile(r"[^A-Za-z0-9._@+-]")


@dataclass(frozen=True)
class Submission:
    """One student's notebook (``notebook`` None when the submission holds none)."""

    student: str
    notebook: Path | None
    problem: str = ""  # why there is no notebook

    @classmethod
    def from_path(cls, path: str | Path, assignment: str = "", notebook_name: str = "") -> "Submission":
        """A notebook (student = its stem) or a folder ``<student>/<assignment>/`` or ``<student>/``.

        Only what is really inside the submission is read: a notebook or folder that is a link gets no
        notebook, and a note saying so (``read_notebook`` refuses links too, when it opens the file)."""
        path = Path(path)
        if path.is_file() or (path.is_symlink() and path.suffix == ".ipynb"):
            return cls(_safe_id(path.stem), path)     # read_notebook refuses it if it is a link
        student = path.parent.name if path.name == assignment else path.name
        if path.is_symlink():
            return cls(_safe_id(student), None, f"the submitted folder {path.name} is a link, not a folder")
        candidates = [path / notebook_name] if notebook_name else []
        candidates += sorted(path.glob("*.ipynb"))
        links = [c for c in candidates if c.is_symlink()]
        for candidate in candidates:
            if candidate.is_file() and not candidate.is_symlink():
                return cls(_safe_id(student), candidate)
        if links:
            return cls(_safe_id(student), None, f"{links[0].name} is a link, not a notebook: hand in the "
                                                "notebook file itself")
        return cls(_safe_id(student), None, f"no notebook in the submitted folder {path.name}")


def _safe_id(text: str) -> str:
    return _SAFE_ID.sub("_", text)[:100] or "_"


def find_submissions(paths: list[str | Path], assignment: Assignment) -> list[Submission]:
    """Submissions from the command line: notebooks, ``submitted/<student>/<assignment>/`` folders, a
    student's folder, or nbgrader's whole ``submitted/`` folder (every ``*/<assignment>/`` in it)."""
    notebook_name = assignment.notebook.name
    found = []
    for path in map(Path, paths):
        if path.is_dir() and not list(path.glob("*.ipynb")):
            nested = sorted(p for p in path.glob(f"*/{assignment.name}") if p.is_dir())
            if (path / assignment.name).is_dir():
                nested = [path / assignment.name]
            if nested:
                found += [Submission.from_path(p, assignment.name, notebook_name) for p in nested]
                continue
        if not path.exists():
            raise GradingError(f"no such submission: {path}")
        found.append(Submission.from_path(path, assignment.name, notebook_name))
    seen = {}
    for submission in found:
        if submission.student in seen:
            raise GradingError(f"two submissions for student {submission.student!r}: "
                               f"{seen[submission.student]} and {submission.notebook}")
        seen[submission.student] = submission.notebook
    return found


# -- the child for one submission --------------------------------------------------------------------------


PROBE_PRELUDE = Path(__file__).with_name("probe_prelude.py")


@functools.cache
def probe_prelude_source() -> str:
    """The helpers every suite's probes may use (``_array``, ...), sent to the child ahead of each probes.py.
    They are sandbox code: read here as text, never imported."""
    return PROBE_PRELUDE.read_text(encoding="utf-8")


def _to_wire(value):
    """Probe inputs as JSON: numpy arrays are tagged so that the child rebuilds them with their dtype."""
    if isinstance(value, np.ndarray):
        return {"__ndarray__": value.tolist(), "dtype": value.dtype.str, "shape": list(value.shape)}
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (list, tuple)):
        return [_to_wire(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _to_wire(v) for k, v in value.items()}
    return value


def _short(text, limit: int = MAX_OUTPUT) -> str:
    """Text from the child, made safe to show: printable, one line, short."""
    text = "".join(ch if ch.isprintable() else " " for ch in str(text))
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


WITHHELD = "(a message from your code was withheld: it repeats text of the grader's own code)"


class SubmissionClock:
    """One wall-clock budget for a submission, shared by all its children: it starts at the first request."""

    def __init__(self, budget: float):
        self.budget = budget
        self.end: float | None = None

    def seconds_left(self) -> float:
        now = time.monotonic()
        if self.end is None:
            self.end = now + self.budget
        return self.end - now

    def spent(self) -> bool:
        return self.end is not None and time.monotonic() >= self.end


class SecretText:
    """Text no feedback may repeat: the probes, their helpers and the hidden tests of an assignment.

    ``found_in(message)`` is True when the message holds any run of ``WINDOW`` characters of it (spaces
    ignored); the windows are hashed once, so a check costs one set lookup per character of the message."""

    WINDOW = 24

    def __init__(self, *texts: str):
        self._windows = set()
        for text in texts:
            squeezed = "".join(text.split())
            self._windows.update(hash(squeezed[i:i + self.WINDOW]) for i in range(len(squeezed) - self.WINDOW + 1))

    def found_in(self, message: str) -> bool:
        squeezed = "".join(str(message).split())
        return any(hash(squeezed[i:i + self.WINDOW]) in self._windows
                   for i in range(len(squeezed) - self.WINDOW + 1))


class StudentProcess:
    """The sandboxed child of one submission: runs its cells once, then answers probes.

    A probe that kills the child (timeout, crash) fails, and the next probe gets a new child (the cells are
    run again), so that one looping function costs only the tests that call it; if the cells themselves
    kill it, every probe fails. Every request has ``timeout`` seconds, and the whole submission ``budget``
    seconds of wall-clock time from its first start: once that is spent, the probes left fail at once.
    """

    def __init__(self, sandbox: Sandbox, program: list[CodeToRun], probes_source: str, timeout: float,
                 budget: float = DEFAULT_BUDGET_S, secrets: "SecretText | None" = None,
                 clock: SubmissionClock | None = None):
        self.secrets = secrets
        self.sandbox = sandbox
        self.program = program
        self.probes_source = probes_source
        self.timeout = timeout
        self.clock = clock or SubmissionClock(budget)
        self.budget = self.clock.budget
        self.cell_errors: list[dict] | None = None
        self._child = None
        self._cells_pending = False  # the probes and cells were sent and their replies not read yet
        self._nonces: tuple[str, str] | None = None
        self._cells_deadline = 0.0
        self._starts = 0
        self._fatal: str | None = None

    def _seconds_for_request(self) -> float:
        """The time the next request may take: its timeout, or what is left of the budget if less."""
        left = self.clock.seconds_left()
        if left <= 0:
            self._fatal = self._budget_spent()
            raise ProbeFailed(self._fatal)
        return min(self.timeout, left)

    def _budget_spent(self) -> str:
        return f"not run: your notebook used up the grader's time for one submission ({self.budget:g} s)"

    def start(self):
        """Start the child and send it the probes, then the cells, without waiting: it runs them while
        pytest collects. The probes are compiled before any of the student's code runs, so that no hook the
        student installs (on ``compile`` or ``exec``, say) ever sees their source text."""
        if self._child is not None:
            self._child.close()  # dead already; free its pipes and directories
        seconds = self._seconds_for_request()
        self._starts += 1
        self._child = self.sandbox.start()
        self._cells_deadline = time.monotonic() + seconds
        cells = [{"label": c.label, "code": c.code} for c in self.program]
        probes = {"op": "load_probes", "prelude": probe_prelude_source(), "source": self.probes_source}
        self._cells_pending = True
        try:
            self._nonces = (self._child.send(probes, self._cells_deadline),
                            self._child.send({"op": "run_cells", "cells": cells}, self._cells_deadline))
        except ChildGone:
            self._nonces = None  # _ready_child reports it

    def _ready_child(self):
        """The child, with the notebook's cells run and the probes loaded; ProbeFailed if that can't be."""
        if self._fatal:
            raise ProbeFailed(self._fatal)
        if not self._cells_pending:
            if self._child is not None and self._child.alive:
                return self._child
            self.start()  # the first time, or after a probe killed the child
        child, nonces = self._child, self._nonces
        self._cells_pending, self._nonces = False, None
        try:
            if nonces is None:
                raise ChildGone(child.exit_reason or "did not start")
            loaded = child.receive(nonces[0], self._cells_deadline)
            reply = child.receive(nonces[1], self._cells_deadline)
        except ChildGone as e:
            if self._over_budget():
                self._fatal = self._budget_spent()
            else:
                self._fatal = f"the notebook did not finish running: its process {e}" + self._limit_note(e)
            raise ProbeFailed(self._fatal) from None
        if not loaded["ok"]:
            # Loaded before any student code ran: a broken suite (check_suite catches most of that).
            raise GradingError("the hidden suite's probes do not load in the sandbox: " + _short(loaded.get("error")))
        errors = reply.get("errors") if isinstance(reply.get("errors"), list) else []
        if self.cell_errors is None:
            self.cell_errors = [
                {"cell": _short(e.get("cell", "?"), 80), "error": self.from_child(e.get("error", "?"))}
                for e in errors[:50] if isinstance(e, dict)
            ]
        return child

    def from_child(self, text) -> str:
        """Text the child sent, as the student may read it: short, and withheld if it repeats the grader's
        code (the probes, their helpers, the hidden tests), which student code could have captured."""
        text = _short(text)
        return WITHHELD if self.secrets is not None and self.secrets.found_in(text) else text

    def _limit_note(self, error: ChildGone) -> str:
        return f" (limit {self.timeout:g} s)" if "time" in str(error) else ""

    def _over_budget(self) -> bool:
        return self.clock.spent()

    def probe(self, name: str, inputs: dict):
        child = self._ready_child()
        try:
            reply = child.request({"op": "probe", "name": name, "inputs": _to_wire(inputs)},
                                  self._seconds_for_request())
        except ChildGone as e:
            if self._over_budget():
                raise ProbeFailed(self._budget_spent()) from None
            raise ProbeFailed(f"the notebook's process {e}" + self._limit_note(e)) from None
        if not reply["ok"]:
            raise ProbeFailed(self.from_child(reply.get("error", "your code failed")))
        if "value" not in reply:
            raise ProbeFailed("the notebook's process broke the grader's protocol")
        return reply["value"]

    def close(self):
        if self._child is not None:
            self._child.close()
            self._child = None


class Student:
    """What a hidden test sees of the submission: ``student.probe(name, **inputs)``.

    A probe runs in the child that holds the references it is allowed (``Assignment.probe_references``):
    one child per set of references, each started when first needed, all under one clock."""

    def __init__(self, assignment: "Assignment", sandbox: Sandbox, program: list[CodeToRun], timeout: float,
                 budget: float = DEFAULT_BUDGET_S):
        self.assignment, self.sandbox, self.program, self.timeout = assignment, sandbox, program, timeout
        self.clock = SubmissionClock(budget)
        self.processes: dict[tuple, StudentProcess] = {}

    def process(self, parts: tuple = ()) -> StudentProcess:
        if parts not in self.processes:
            self.processes[parts] = StudentProcess(self.sandbox, self.program, self.assignment.probes_for(parts),
                                                   self.timeout, secrets=self.assignment.secrets, clock=self.clock)
        return self.processes[parts]

    def probe(self, name: str, **inputs):
        """Run ``probe_<name>(ns, **inputs)`` in the child; return its plain data or raise ProbeFailed."""
        return self.process(self.assignment.probe_references.get(name, ())).probe(name, inputs)

    @property
    def cell_errors(self) -> list[dict]:
        for process in self.processes.values():
            if process.cell_errors is not None:
                return process.cell_errors
        return []

    def close(self):
        for process in self.processes.values():
            process.close()


# -- the pytest plugin -------------------------------------------------------------------------------------


@dataclass
class TestOutcome:
    name: str
    points: float
    cell: str | None
    visibility: str
    passed: bool = False
    output: str = ""


class GradingPlugin:
    """Fixtures ``student`` and ``rng`` for a hidden suite, and the record of each test's outcome."""

    def __init__(self, student: "Student", seed: int):
        self.student_ = student      # not .student: that name is the fixture below
        self.seed = seed
        self.outcomes: dict[str, TestOutcome] = {}
        self.collection_errors: list[str] = []

    def pytest_configure(self, config):
        config.addinivalue_line("markers", "points(n, cell=None, visibility='visible'): points for a hidden test")

    def pytest_collection_modifyitems(self, items):
        for item in items:
            marker = item.get_closest_marker("points")
            points = float(marker.args[0]) if marker and marker.args else 1.0
            cell = marker.kwargs.get("cell") if marker else None
            visibility = marker.kwargs.get("visibility", "visible") if marker else "visible"
            doc = getattr(getattr(item, "function", None), "__doc__", None)
            name = doc.strip().splitlines()[0] if doc and doc.strip() else item.name
            self.outcomes[item.nodeid] = TestOutcome(name, max(points, 0.0), cell, visibility)

    def pytest_collectreport(self, report):
        if report.failed:
            self.collection_errors.append(f"{report.nodeid}: {_short(report.longreprtext, 2000)}")

    def pytest_runtest_makereport(self, item, call):
        outcome = self.outcomes.get(item.nodeid)
        if outcome is None:
            return None
        if call.when == "call" and call.excinfo is None:
            outcome.passed = True
        elif call.excinfo is not None and not outcome.output:
            outcome.passed = False
            outcome.output = _failure_message(call.excinfo.value)
        return None

    # Fixtures: pytest finds them on a registered plugin object as on a conftest module.
    @pytest.fixture
    def student(self):
        return self.student_

    @pytest.fixture
    def rng(self, request):
        return rng_for(self.seed, request.node.nodeid)


def rng_for(seed: int, test_id: str) -> np.random.Generator:
    """A test's random inputs depend on the run's seed and on the test alone (not on the tests before it)."""
    return np.random.default_rng([seed, zlib.crc32(test_id.encode())])


def _failure_message(error: BaseException) -> str:
    """What the student reads for a failed test: the instructor's message, never hidden code or inputs."""
    import _pytest.outcomes

    if isinstance(error, ProbeFailed):
        return "Your code: " + _short(error)
    if isinstance(error, (AssertionError, _pytest.outcomes.Failed)):
        text = str(getattr(error, "msg", None) or error)
        # Were assertions rewritten after all (an outer pytest's import hook), drop pytest's explanation.
        text = text.split("\nassert ", 1)[0].split("\nAssertionError", 1)[0]
        return _short(text) if text.strip() else "This check failed."
    if isinstance(error, _pytest.outcomes.Skipped):
        return "Not run."
    return f"The grader could not check this ({type(error).__name__})."


# -- grading one submission --------------------------------------------------------------------------------


@contextlib.contextmanager
def _quiet_pytest_environment(hidden_dir: Path):
    """Run pytest on a hidden suite as if alone: no bytecode written into the suite, no plugins or options
    from the environment, a fresh import of the suite's modules, plain assertions (an enclosing pytest's
    assertion rewriting would put values into messages), and pytest's own report kept off the terminal."""
    saved_env = {k: os.environ.get(k) for k in ("PYTEST_ADDOPTS", "PYTEST_DISABLE_PLUGIN_AUTOLOAD")}
    saved_bytecode = sys.dont_write_bytecode
    saved_meta_path = list(sys.meta_path)
    os.environ.pop("PYTEST_ADDOPTS", None)
    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    sys.dont_write_bytecode = True
    sys.meta_path[:] = [f for f in sys.meta_path if type(f).__name__ != "AssertionRewritingHook"]
    _forget_modules_under(hidden_dir)
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            yield
    finally:
        _forget_modules_under(hidden_dir)
        sys.meta_path[:] = saved_meta_path
        sys.dont_write_bytecode = saved_bytecode
        for key, value in saved_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _forget_modules_under(directory: Path):
    prefix = str(directory.resolve()) + os.sep
    for name, module in list(sys.modules.items()):
        if (getattr(module, "__file__", None) or "").startswith(prefix):
            del sys.modules[name]


def run_hidden_suite(assignment: Assignment, plugin: GradingPlugin) -> int:
    """Run the hidden suite in this process with ``plugin``; returns pytest's exit code."""
    hidden = str(assignment.hidden_dir)
    # "-c os.devnull": an empty configuration, so no pytest.ini or pyproject.toml around the suite applies.
    args = [
        hidden, "-c", os.devnull, "--rootdir", hidden, "--confcutdir", hidden,
        "--import-mode=importlib", "--assert=plain", "-q", "-p", "no:cacheprovider",
        "-p", "no:stepwise", "-p", "no:pastebin", "-p", "no:junitxml", "-p", "no:doctest",
        "-p", "no:faulthandler", "-p", "no:debugging", "-p", "no:unraisableexception", "-p", "no:threadexception",
        "--capture=sys", "-W", "ignore",
    ]
    with _quiet_pytest_environment(assignment.hidden_dir):
        code = pytest.main(args, plugins=[plugin])
    if code in (pytest.ExitCode.INTERNAL_ERROR, pytest.ExitCode.USAGE_ERROR):
        raise GradingError(f"pytest could not run the hidden suite (exit code {int(code)})")
    return int(code)


def grade_submission(assignment: Assignment, submission: Submission, *, seed: int, timeout: float = 20.0,
                     sandbox: Sandbox | None = None, budget: float = DEFAULT_BUDGET_S) -> dict:
    """Grade one submission; return its results in Gradescope's format (see results.py)."""
    from . import results

    started = time.monotonic()
    sandbox = sandbox or Sandbox.detect()
    notes = []
    submitted = None
    status = "graded"
    if submission.notebook is None:
        notes.append(submission.problem)
        status = "no notebook"
    else:
        try:
            submitted = notebooks.read_notebook(submission.notebook)
        except NotebookError as e:
            notes.append(f"your notebook could not be read: {e}")
            status = "unreadable notebook"
    if submitted is not None:
        for grade_id in notebooks.missing_answers(assignment.cells, submitted):
            notes.append(f"the answer cell {grade_id!r} is missing from your notebook (deleted, or copied "
                         "from another notebook, which changes its id): it was graded as blank")
        outside = notebooks.code_outside_answers(assignment.cells, submitted)
        if outside:
            needed = notebooks.names_defined_outside_answers(submitted)
            uses = f" Your answers use {', '.join(map(repr, needed))} from them." if needed else ""
            notes.append(f"{outside} code cell(s) of your notebook are outside the answer cells, and the grader "
                         "does not run them (it runs only the answer cells, within the notebook's own cells): "
                         f"move that code into the answer cells.{uses}")
    program = notebooks.assemble(assignment.cells, submitted)
    student = Student(assignment, sandbox, program, timeout, budget)
    plugin = GradingPlugin(student, seed)
    try:
        student.process().start()      # the cells run while pytest collects
        run_hidden_suite(assignment, plugin)
    finally:
        student.close()
    if plugin.collection_errors:
        raise GradingError("the hidden suite does not load: " + "; ".join(plugin.collection_errors))
    return results.gradescope_result(
        assignment=assignment.name, student=submission.student, outcomes=list(plugin.outcomes.values()),
        seed=seed, sandbox=sandbox, cell_errors=student.cell_errors, notes=notes,
        execution_time=time.monotonic() - started, status=status,
    )


def new_seed() -> int:
    return secrets.randbits(31)


# -- a batch -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Job:
    """Everything a worker process needs to grade one submission (picklable)."""

    course_dir: str
    assignment: str
    submission: Submission
    seed: int
    timeout: float
    sandbox: Sandbox
    tests: tuple = ()  # (name, points, cell, visibility) of the suite's tests, for results of failures
    budget: float = DEFAULT_BUDGET_S


_assignments: dict[tuple[str, str], Assignment] = {}


def grade_job(job: Job) -> dict:
    """Grade one submission in a worker; any failure becomes a zero with a note, never an exception."""
    from . import results

    try:
        key = (job.course_dir, job.assignment)
        if key not in _assignments:
            _assignments[key] = Assignment.load(job.course_dir, job.assignment)
        return grade_submission(_assignments[key], job.submission, seed=job.seed, timeout=job.timeout,
                                sandbox=job.sandbox, budget=job.budget)
    except Exception as e:  # noqa: BLE001 - one broken submission must not stop the batch
        return results.error_result(job.assignment, job.submission.student, job.seed, job.sandbox,
                                    f"the grader failed on this submission ({type(e).__name__}: {_short(e)})",
                                    job.tests)


def collect_tests(assignment: Assignment) -> list[TestOutcome]:
    """The hidden suite's tests (name, points, cell), collected without running any; GradingError if the
    suite does not load."""
    collector = GradingPlugin(student=None, seed=0)
    hidden = str(assignment.hidden_dir)
    with _quiet_pytest_environment(assignment.hidden_dir):
        code = pytest.main([hidden, "-c", os.devnull, "--rootdir", hidden, "--confcutdir", hidden,
                            "--import-mode=importlib", "--collect-only", "-q", "-p", "no:cacheprovider",
                            "-W", "ignore"], plugins=[collector])
    if code in (pytest.ExitCode.INTERNAL_ERROR, pytest.ExitCode.USAGE_ERROR):
        raise GradingError(f"pytest could not collect the hidden suite (exit code {int(code)})")
    if collector.collection_errors:
        raise GradingError("the hidden suite does not load: " + "; ".join(collector.collection_errors))
    return list(collector.outcomes.values())


def check_suite(assignment: Assignment) -> list[str]:
    """Problems with a hidden suite, found before a batch starts: it does not load or has no tests, a test
    names a cell that is not an autograded test cell of the source notebook, probes.py does not compile."""
    try:
        tests = collect_tests(assignment)
    except GradingError as e:
        return [str(e)]
    problems = [] if tests else ["the hidden suite has no tests"]
    cells = assignment.autograded_cells
    for test in tests:
        if test.cell is not None and test.cell not in cells:
            problems.append(f"test {test.name!r} names cell {test.cell!r}, which is not an autograded "
                            f"test cell of {assignment.notebook.name}")
    try:
        compile(assignment.probes_source, "probes.py", "exec")
    except SyntaxError as e:
        problems.append(f"probes.py does not compile: {e}")
    for probe, parts in assignment.probe_references.items():
        missing = [part for part in parts if part not in assignment.references]
        if missing:
            problems.append(f"probes.py's REFERENCES gives probe {probe!r} the reference(s) {missing}, which "
                            f"have no file in {assignment.hidden_dir / 'reference'}")
    for part, source in assignment.references.items():
        try:
            compile(source, f"reference/{part}.py", "exec")
        except SyntaxError as e:
            problems.append(f"reference/{part}.py does not compile: {e}")
    return problems


def grade_batch(jobs: list[Job], workers: int = 1):
    """Grade jobs, ``workers`` at a time in worker processes; yield (job, result) as each one finishes.

    ``workers <= 1`` grades in this process. A worker that dies (the trusted side failing, which student
    code cannot cause) costs only the submissions it had: each is graded again in a worker of its own.
    """
    from . import results

    if workers <= 1:
        for job in jobs:
            yield job, grade_job(job)
        return

    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    context = multiprocessing.get_context("spawn")  # a fresh interpreter: no state shared with this one
    broken = []
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        futures = {pool.submit(grade_job, job): job for job in jobs}
        while futures:
            done, _ = wait(futures, return_when=FIRST_COMPLETED)
            for future in done:
                job = futures.pop(future)
                try:
                    result = future.result()
                except BrokenProcessPool:
                    broken.append(job)
                    continue
                except Exception as e:  # noqa: BLE001
                    result = results.error_result(job.assignment, job.submission.student, job.seed, job.sandbox,
                                                  f"the grader failed ({type(e).__name__})", job.tests)
                yield job, result
    # A worker died (which never happens to the student's code: that runs in the child). Which job it was
    # is unknown, so each of the unfinished ones gets a worker of its own.
    for job in broken:
        with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
            try:
                result = pool.submit(grade_job, job).result()
            except Exception:  # noqa: BLE001
                result = results.error_result(job.assignment, job.submission.student, job.seed, job.sandbox,
                                              "the grader's worker process died on this submission", job.tests)
        yield job, result

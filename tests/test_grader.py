"""The grader end to end on the toy course: reading notebooks, scores, results files, nbgrader's gradebook."""

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import system_programs

from autograd_course import grading, notebooks, programs, results
from autograd_course.cli import main
from autograd_course.grading import Assignment, Submission, check_suite, find_submissions, rng_for
from grading_fixtures.toy import (
    TOY_COURSE, TOY_MAX, TOY_NOTEBOOK, blank, copy_course, load_results, make_submission, release_version,
    snapshot,
)

WRONG_GRAD = {"grad_square": "def grad_square(x):\n    return 2 * x + 1"}  # loses 3 points
WRONG_MEAN = {"mean_grad": "import numpy as np\ndef mean_grad(x):\n    return np.ones(np.shape(x))"}  # loses 2


def grade(tmp_path, *submissions, course=TOY_COURSE, out=None, extra=()):
    out = out or tmp_path / "out"
    code = main(["grade", "toy", *map(str, submissions), "--course-dir", str(course), "--out", str(out),
                 "--timeout", "5", "--sandbox", system_programs.grading_sandbox(), *extra])
    return code, load_results(out)


# -- reading notebooks ------------------------------------------------------------------------------------


def test_cells_carry_nbgrader_metadata():
    cells = notebooks.read_notebook(TOY_NOTEBOOK)
    assert list(notebooks.solution_cells(cells)) == ["square", "grad_square", "mean_grad"]
    tests = notebooks.autograder_cells(cells)
    assert {k: c.points for k, c in tests.items()} == {"test_square": 2, "test_grad_square": 3, "test_mean_grad": 2}


def test_autograder_test_cells_never_reach_the_child():
    program = notebooks.assemble(notebooks.read_notebook(TOY_NOTEBOOK), None)
    text = "\n".join(c.code for c in program)
    assert "HIDDEN TESTS" not in text and "assert square(-2)" not in text
    assert [c.label for c in program] == ["setup", "square", "grad_square", "mean_grad"]
    assert all(c.code == "" for c in program if c.label != "setup")  # no submission: solutions blank


def test_solutions_come_from_the_submission_by_grade_id(tmp_path):
    nb = json.loads(TOY_NOTEBOOK.read_text())
    for cell in nb["cells"]:
        gid = cell["metadata"]["nbgrader"]["grade_id"]
        if gid == "square":
            cell["source"] = "def square(x):\n    return 'mine'"
        elif gid == "grad_square":
            cell["metadata"]["nbgrader"]["grade_id"] = "renamed"  # a renamed solution cell counts as blank
        elif gid == "setup":
            cell["source"] = "EDITED_SETUP = 1"  # edits outside solution cells are ignored
        elif gid == "test_square":
            cell["metadata"]["nbgrader"]["solution"] = True  # claiming a test cell is a solution: ignored
            cell["source"] = "FORGED_TEST = 1"
    nb["cells"].append({"cell_type": "code", "metadata": {}, "source": "EXTRA_CELL = 1", "outputs": []})
    program = notebooks.assemble(notebooks.read_notebook(TOY_NOTEBOOK), notebooks.cells_of(nb))
    by_label = {c.label: c.code for c in program}
    assert "'mine'" in by_label["square"]
    assert by_label["grad_square"] == ""
    assert "EDITED_SETUP" not in by_label["setup"]
    text = "\n".join(by_label.values())
    assert "FORGED_TEST" not in text and "EXTRA_CELL" not in text


def test_ipython_syntax_becomes_python():
    assert notebooks.to_python("%precision 3\n!ls\nx = 1\n") == "pass\npass\nx = 1\n"
    assert notebooks.to_python("if x:\n    %time f()\n    y?\nz = n.mean??\n") == "if x:\n    pass\n    pass\nz = n.mean??\n"
    assert notebooks.to_python("%%timeit\nx = 1\n") == ""
    python = "r = a % b != c\ns = 'why?'\nt = not_a_magic!=1\n"
    assert notebooks.to_python(python) == python


def test_a_cell_of_many_shell_lines_is_turned_into_python_line_by_line():
    """IPython's transformer spent minutes of the trusted process on such a cell; the grader's rule is one
    regular expression per line."""
    cell = "!x\n" * (notebooks.MAX_CELL_CHARS // 3)
    assert notebooks.to_python(cell) == "pass\n" * (notebooks.MAX_CELL_CHARS // 3)


def test_a_linked_notebook_is_refused(tmp_path):
    """A submission that is a link (to the source notebook, say) is not followed."""
    target = make_submission(tmp_path / "real.ipynb")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "alice.ipynb").symlink_to(target)
    with pytest.raises(notebooks.NotebookError, match="is a link"):
        notebooks.read_notebook(tmp_path / "sub" / "alice.ipynb")
    fifo = tmp_path / "pipe.ipynb"
    os.mkfifo(fifo)
    with pytest.raises(notebooks.NotebookError, match="not a regular file"):
        notebooks.read_notebook(fifo)


@pytest.mark.parametrize("content", [b"not json", b"[1, 2]", b"[" * 100000, b'{"cells": 3}'])
def test_unreadable_notebooks_are_reported(tmp_path, content):
    path = tmp_path / "bad.ipynb"
    path.write_bytes(content)
    with pytest.raises(notebooks.NotebookError):
        notebooks.read_notebook(path)


def test_blank_helper_matches_nbgrader_stub():
    assert blank("def f():\n    ### BEGIN SOLUTION\n    return 1\n    ### END SOLUTION") == \
        "def f():\n    # YOUR CODE HERE\n    raise NotImplementedError()"


# -- scores ---------------------------------------------------------------------------------------------


def test_solution_full_marks_release_zero_wrong_answers_partial(tmp_path):
    subs = [
        make_submission(tmp_path / "subs" / "solution.ipynb"),
        release_version(tmp_path / "subs" / "blank.ipynb"),
        make_submission(tmp_path / "subs" / "wrong_grad.ipynb", WRONG_GRAD),
        make_submission(tmp_path / "subs" / "wrong_mean.ipynb", WRONG_MEAN),
    ]
    code, found = grade(tmp_path, *subs, extra=["--seed", "3"])
    assert code == 0
    assert {k: r["score"] for k, r in found.items()} == {
        "solution": TOY_MAX, "blank": 0.0, "wrong_grad": TOY_MAX - 3, "wrong_mean": TOY_MAX - 2}
    failed = [t for t in found["wrong_grad"]["tests"] if t["status"] == "failed"]
    assert [t["output"] for t in failed] == ["the derivative of x**2 does not match finite differences"]
    blank_outputs = {t["output"] for t in found["blank"]["tests"]}
    assert all("NotImplementedError" in o for o in blank_outputs), blank_outputs


def test_results_are_gradescope_json(tmp_path):
    _, found = grade(tmp_path, make_submission(tmp_path / "alice.ipynb", WRONG_MEAN), extra=["--seed", "11"])
    result = found["alice"]
    assert set(result) >= {"score", "execution_time", "output", "tests", "extra_data"}
    for test in result["tests"]:
        assert set(test) >= {"name", "score", "max_score", "output", "visibility", "status"}
        assert 0 <= test["score"] <= test["max_score"]
    extra = result["extra_data"]
    assert extra["seed"] == 11 and extra["sandbox"] in ("bwrap", "fallback (not for grades)") and extra["max_score"] == TOY_MAX
    assert [t["extra_data"]["cell"] for t in result["tests"]] == \
        ["test_square", "test_square", "test_grad_square", "test_mean_grad"]


def test_messages_never_show_hidden_inputs(tmp_path):
    # A square that is wrong for every input: the message is the instructor's, not the inputs or the code.
    sub = make_submission(tmp_path / "bob.ipynb", {"square": "def square(x):\n    return x + 1"})
    _, found = grade(tmp_path, sub)
    outputs = [t["output"] for t in found["bob"]["tests"] if t["status"] == "failed"]
    assert outputs == ["square(x) should be x times x", "square should work elementwise on arrays"]


def test_cell_errors_are_reported_and_later_cells_still_run(tmp_path):
    sub = make_submission(tmp_path / "carol.ipynb",
                          {"square": "def square(x):\n    return x * x\n1 / 0\n"})
    _, found = grade(tmp_path, sub)
    assert found["carol"]["score"] == TOY_MAX
    errors = found["carol"]["extra_data"]["cell_errors"]
    assert errors == [{"cell": "square", "error": "line 3 of cell 'square': ZeroDivisionError: division by zero"}]
    assert "ZeroDivisionError" in found["carol"]["output"]


def test_the_same_seed_grades_the_same_and_reruns_are_idempotent(tmp_path):
    subs = [make_submission(tmp_path / "subs" / "a.ipynb", WRONG_GRAD), release_version(tmp_path / "subs" / "b.ipynb")]
    before = snapshot(tmp_path / "subs")
    grade(tmp_path, *subs, extra=["--seed", "5"])
    first = (tmp_path / "out" / "a.json").read_text()
    grade(tmp_path, *subs, extra=["--seed", "5"])
    second = (tmp_path / "out" / "a.json").read_text()
    strip = lambda text: {k: v for k, v in json.loads(text).items() if k != "execution_time"}  # noqa: E731
    assert strip(first) == strip(second)
    with open(tmp_path / "out" / "grades.csv") as f:
        rows = list(csv.DictReader(f))
    assert [(r["student"], r["score"], r["max_score"], r["seed"]) for r in rows] == \
        [("a", "4", "7", "5"), ("b", "0", "7", "5")]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["a.json", "b.json", "canvas.csv", "grades.csv",
                                                                  "scores.svg", "summary.csv"]
    assert snapshot(tmp_path / "subs") == before  # submissions are never modified


def test_inputs_are_drawn_afresh_for_each_seed():
    draw = lambda seed, test: rng_for(seed, test).normal(size=3).tolist()  # noqa: E731
    assert draw(1, "test_a.py::test_x") == draw(1, "test_a.py::test_x")
    assert draw(1, "test_a.py::test_x") != draw(2, "test_a.py::test_x")
    assert draw(1, "test_a.py::test_x") != draw(1, "test_a.py::test_y")


def test_nbgrader_layout_and_student_ids(tmp_path):
    submitted = tmp_path / "submitted"
    make_submission(submitted / "alice" / "toy" / "toy.ipynb")
    release_version(submitted / "bob" / "toy" / "toy.ipynb")
    (submitted / "carol" / "toy").mkdir(parents=True)  # submitted nothing
    assignment = Assignment.load(TOY_COURSE, "toy")
    found = find_submissions([submitted], assignment)
    assert [(s.student, s.notebook is not None) for s in found] == [("alice", True), ("bob", True), ("carol", False)]
    assert [s.student for s in find_submissions([submitted / "alice" / "toy"], assignment)] == ["alice"]
    code, graded = grade(tmp_path, submitted)
    assert code == 0
    assert {k: r["score"] for k, r in graded.items()} == {"alice": TOY_MAX, "bob": 0.0, "carol": 0.0}
    assert "no notebook" in graded["carol"]["output"]


def test_a_broken_submission_does_not_stop_the_batch(tmp_path):
    bad = tmp_path / "subs" / "broken.ipynb"
    bad.parent.mkdir()
    bad.write_text("{ this is not a notebook")
    good = make_submission(tmp_path / "subs" / "good.ipynb")
    code, found = grade(tmp_path, bad, good)
    assert code == 0
    assert found["good"]["score"] == TOY_MAX and found["broken"]["score"] == 0
    assert "could not be read" in found["broken"]["output"]


def test_duplicate_students_and_bad_suites_are_refused(tmp_path, capsys):
    a = make_submission(tmp_path / "x" / "same.ipynb")
    b = make_submission(tmp_path / "y" / "same.ipynb")
    code, _ = grade(tmp_path, a, b)
    assert code == 2 and "two submissions" in capsys.readouterr().err

    course = copy_course(tmp_path / "course")
    test_file = course / "hidden" / "toy" / "test_toy.py"
    test_file.write_text(test_file.read_text().replace('cell="test_mean_grad"', 'cell="no_such_cell"'))
    assert any("no_such_cell" in p for p in check_suite(Assignment.load(course, "toy")))
    code, _ = grade(tmp_path, a, course=course)
    assert code == 2


def test_parallel_batch_matches_serial(tmp_path):
    subs = [make_submission(tmp_path / "subs" / f"s{i}.ipynb", [None, WRONG_GRAD, WRONG_MEAN][i % 3])
            for i in range(5)]
    _, serial = grade(tmp_path, *subs, out=tmp_path / "serial", extra=["--seed", "2"])
    _, parallel = grade(tmp_path, *subs, out=tmp_path / "parallel", extra=["--seed", "2", "-j", "2"])
    assert {k: r["score"] for k, r in serial.items()} == {k: r["score"] for k, r in parallel.items()}
    assert [serial[f"s{i}"]["score"] for i in range(5)] == [7, 4, 5, 7, 4]


def test_scores_are_clamped():
    assert results.clamp(9, 0, 7) == 7 and results.clamp(-1, 0, 7) == 0 and results.clamp(float("nan"), 0, 7) == 0


def test_atomic_writes_leave_no_temporary_files(tmp_path):
    results.write_atomic(tmp_path / "x.json", "old")
    results.write_atomic(tmp_path / "x.json", "new")
    assert (tmp_path / "x.json").read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["x.json"]


def test_submission_from_a_notebook_path_uses_its_stem(tmp_path):
    assert Submission.from_path(make_submission(tmp_path / "Ann Lee.ipynb")).student == "Ann_Lee"


# -- nbgrader's gradebook -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def generated_course(tmp_path_factory):
    """The toy course after `nbgrader generate_assignment toy` (run once: nbgrader starts slowly)."""
    pytest.importorskip("nbgrader")
    course = copy_course(tmp_path_factory.mktemp("nbgrader") / "course")
    (course / "nbgrader_config.py").write_text(
        "c = get_config()\nc.CourseDirectory.root = %r\nc.CourseDirectory.ignore = ['hidden']\n" % str(course))
    # The toy config lacks the course config's PATH lines, so nbgrader is given its alembic here.
    done = subprocess.run([sys.executable, "-m", "nbgrader", "generate_assignment", "toy", "--force"],
                          cwd=course, capture_output=True, text=True, timeout=300, env=programs.environ_with_scripts())
    assert done.returncode == 0, done.stderr[-2000:]
    return course


@pytest.fixture
def nbgrader_course(tmp_path, generated_course):
    course = tmp_path / "course"
    shutil.copytree(generated_course, course)
    config = course / "nbgrader_config.py"
    config.write_text(config.read_text().replace(str(generated_course), str(course)))
    return course


@pytest.mark.slow
@pytest.mark.needs("bwrap")
def test_scores_go_into_nbgraders_gradebook(tmp_path, nbgrader_course):
    from nbgrader.api import Gradebook

    subs = [make_submission(tmp_path / "subs" / "alice.ipynb"),
            make_submission(tmp_path / "subs" / "bob.ipynb", WRONG_GRAD)]
    code, _ = grade(tmp_path, *subs, course=nbgrader_course, extra=["--nbgrader"])
    assert code == 0
    code, _ = grade(tmp_path, *subs, course=nbgrader_course, extra=["--nbgrader"])  # again: same scores
    with Gradebook(f"sqlite:///{nbgrader_course / 'gradebook.db'}") as gb:
        assert gb.find_submission("toy", "alice").score == TOY_MAX
        assert gb.find_submission("toy", "bob").score == TOY_MAX - 3
        grade_cell = gb.find_grade("test_grad_square", "toy", "toy", "bob")
        assert grade_cell.auto_score == 0 and grade_cell.max_score == 3 and not grade_cell.needs_manual_grade
        assert len(gb.find_assignment("toy").submissions) == 2
    export = subprocess.run([sys.executable, "-m", "nbgrader", "export", "--to", str(tmp_path / "grades.csv")],
                            cwd=nbgrader_course, capture_output=True, text=True, timeout=300)
    assert export.returncode == 0, export.stderr[-2000:]
    with open(tmp_path / "grades.csv") as f:
        rows = {r["student_id"]: float(r["score"]) for r in csv.DictReader(f)}
    assert rows == {"alice": TOY_MAX, "bob": TOY_MAX - 3}


def test_gradebook_scores_are_clamped_to_the_cell(tmp_path, nbgrader_course):
    from nbgrader.api import Gradebook

    forged = {"extra_data": {"student": "eve"}, "tests": [
        {"score": 100.0, "extra_data": {"cell": "test_square"}},
        {"score": -5.0, "extra_data": {"cell": "test_mean_grad"}},
    ]}
    db = f"sqlite:///{nbgrader_course / 'gradebook.db'}"
    results.import_into_gradebook(db, "toy", "toy", [forged])
    with Gradebook(db) as gb:
        assert gb.find_grade("test_square", "toy", "toy", "eve").auto_score == 2
        assert gb.find_grade("test_mean_grad", "toy", "toy", "eve").auto_score == 0
        assert gb.find_submission("toy", "eve").score == 2


def without_scripts_on_path(monkeypatch):
    """PATH as in a shell where the virtual environment was not activated."""
    folders = os.environ.get("PATH", os.defpath).split(os.pathsep)
    monkeypatch.setenv("PATH", os.pathsep.join(f for f in folders if f and f != programs.scripts_dir()))


@pytest.mark.needs("bwrap")
def test_gradebook_without_the_assignment_is_an_error(tmp_path, monkeypatch, capsys):
    """A new gradebook (nbgrader creates it with `alembic`, which is not on PATH here): a clear error."""
    pytest.importorskip("nbgrader")
    without_scripts_on_path(monkeypatch)
    course = copy_course(tmp_path / "course")
    code, _ = grade(tmp_path, make_submission(tmp_path / "a.ipynb"), course=course, extra=["--nbgrader"])
    assert code == 2
    assert "run `nbgrader generate_assignment toy` first" in capsys.readouterr().err
    assert os.environ["PATH"].split(os.pathsep)[0] != programs.scripts_dir()     # PATH restored
    shutil.rmtree(course)


def test_oversized_cells_are_refused_before_the_child(tmp_path):
    huge = "x = 1\n" * 50000
    program = notebooks.assemble(notebooks.read_notebook(TOY_NOTEBOOK),
                                 notebooks.read_notebook(make_submission(tmp_path / "big.ipynb", {"square": huge})))
    assert [c.code for c in program if c.label == "square"] == [notebooks.TOO_LARGE]


# -- which sandbox grades ---------------------------------------------------------------------------------


def test_without_bubblewrap_the_grader_refuses_to_grade(tmp_path, monkeypatch, capsys):
    from autograd_course import sandbox

    monkeypatch.setattr(sandbox, "_checked", {"result": "bwrap is not installed"})
    out = tmp_path / "out"
    code = main(["grade", "toy", str(make_submission(tmp_path / "alice.ipynb")), "--course-dir", str(TOY_COURSE),
                 "--out", str(out)])
    assert code == 2 and not out.exists()
    assert "apt-get install bubblewrap" in capsys.readouterr().err


def test_the_fallback_is_chosen_only_by_name_and_its_scores_say_they_are_not_grades(tmp_path, capsys):
    from autograd_course.sandbox import FALLBACK_NAME

    sub = make_submission(tmp_path / "alice.ipynb")
    code, results = grade(tmp_path, sub, extra=["--sandbox", FALLBACK_NAME])
    assert code == 0 and "not grades" in capsys.readouterr().err
    extra = results["alice"]["extra_data"]
    assert results["alice"]["score"] == TOY_MAX and extra["for_grades"] is False
    assert extra["sandbox"] == "fallback (not for grades)"
    assert "fallback (not for grades)" in (tmp_path / "out" / "grades.csv").read_text()
    code, _ = grade(tmp_path, sub, out=tmp_path / "out2", extra=["--sandbox", FALLBACK_NAME, "--nbgrader"])
    assert code == 2 and "gives none" in capsys.readouterr().err


SLOW_BUT_RIGHT = {
    "square": "import time\ndef square(x):\n    time.sleep(1.5)\n    return x * x",
    "grad_square": "import time\ndef grad_square(x):\n    time.sleep(1.5)\n    return 2 * x",
    "mean_grad": "import time, numpy as np\ndef mean_grad(x):\n    time.sleep(1.5)\n    return np.full(np.shape(x), 1.0 / np.size(x))",
}


def test_a_submission_gets_one_wall_clock_budget(tmp_path):
    """Right answers, each just under the per-probe timeout: the submission's time is cut at the budget,
    and the probes left fail saying why, while an honest neighbour under the same budget gets full marks."""
    slow = make_submission(tmp_path / "slow.ipynb", SLOW_BUT_RIGHT)
    honest = make_submission(tmp_path / "honest.ipynb")
    code, results = grade(tmp_path, slow, honest, extra=["--timeout", "2", "--budget", "4"])
    assert code == 0 and results["honest"]["score"] == TOY_MAX
    result = results["slow"]
    assert result["score"] < TOY_MAX and result["execution_time"] < 4 + 3
    assert any("used up the grader's time for one submission (4 s)" in t["output"] for t in result["tests"])


def test_a_probe_that_loops_costs_only_the_tests_that_call_it(tmp_path):
    """Each probe that times out gets a new child for the next one: a looping function does not take the
    points of the parts that never call it."""
    loops = make_submission(tmp_path / "loops.ipynb", {"square": "def square(x):\n    while True:\n        pass"})
    code, results = grade(tmp_path, loops, extra=["--timeout", "1"])
    by_cell = {}
    for test in results["loops"]["tests"]:
        by_cell.setdefault(test["extra_data"]["cell"], []).append(test["score"] == test["max_score"])
    assert code == 0 and not any(by_cell["test_square"])
    assert all(by_cell["test_mean_grad"]) and all(by_cell["test_grad_square"]), by_cell


# -- feedback that says what happened -------------------------------------------------------------------


def edit_notebook(path, change):
    nb = json.loads(path.read_text())
    change(nb["cells"])
    path.write_text(json.dumps(nb))
    return path


def test_a_deleted_answer_cell_is_named_in_the_feedback(tmp_path):
    def delete_square(cells):
        cells[:] = [c for c in cells if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") != "square"]

    sub = edit_notebook(make_submission(tmp_path / "alice.ipynb"), delete_square)
    code, results = grade(tmp_path, sub)
    assert code == 0 and results["alice"]["score"] == TOY_MAX - 2        # test_square's 2 points lost
    assert "the answer cell 'square' is missing from your notebook" in results["alice"]["output"]


def test_code_written_outside_the_answer_cells_is_reported_not_run(tmp_path):
    """A student who writes a solution in a new cell of their own learns that the grader does not run it."""
    def add_cell(cells):
        cells.append({"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
                      "source": "def square(x):\n    return x * x\n"})

    sub = edit_notebook(make_submission(tmp_path / "bob.ipynb", {"square": "def square(x):\n    raise NotImplementedError()"}),
                        add_cell)
    code, results = grade(tmp_path, sub)
    output = results["bob"]["output"]
    assert code == 0 and results["bob"]["score"] == TOY_MAX - 2
    assert "1 code cell(s) of your notebook are outside the answer cells" in output, output
    assert "Your answers use" not in output      # square's answer cell raises; it uses nothing from outside

    def add_helper(cells):
        cells.append({"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
                      "source": "def times(a, b):\n    return a * b\n"})
    sub = edit_notebook(make_submission(tmp_path / "dan.ipynb", {"square": "def square(x):\n    return times(x, x)"}),
                        add_helper)
    _, helped = grade(tmp_path, sub, out=tmp_path / "out3")
    assert "Your answers use 'times' from them." in helped["dan"]["output"]
    # an untouched notebook gets no such note
    _, clean = grade(tmp_path, make_submission(tmp_path / "carol.ipynb"), out=tmp_path / "out2")
    assert "outside the answer cells" not in clean["carol"]["output"]


def test_missing_and_unreadable_notebooks_are_not_graded_and_the_summary_says_why(tmp_path, capsys):
    (tmp_path / "subs" / "dan" / "toy").mkdir(parents=True)                 # a folder without a notebook
    broken = tmp_path / "subs" / "erin.ipynb"
    broken.write_text("{ not json")
    honest = make_submission(tmp_path / "subs" / "fay.ipynb")
    code, results = grade(tmp_path, tmp_path / "subs" / "dan" / "toy", broken, honest)
    assert code == 0
    assert results["dan"]["extra_data"]["status"] == "no notebook"
    assert results["erin"]["extra_data"]["status"] == "unreadable notebook"
    assert results["fay"]["extra_data"]["status"] == "graded"
    rows = {row["student"]: row["status"] for row in csv.DictReader(open(tmp_path / "out" / "grades.csv"))}
    assert rows == {"dan": "no notebook", "erin": "unreadable notebook", "fay": "graded"}
    summary = capsys.readouterr().out
    assert "2 could not be graded" in summary
    assert "dan: no notebook (no notebook in the submitted folder toy)" in summary
    assert "erin: unreadable notebook (your notebook could not be read: erin.ipynb is not a JSON notebook)" in summary


# -- the grader's code stays out of feedback -----------------------------------------------------------------

CAPTURE = """import builtins
_seen = []
_compile, _exec = builtins.compile, builtins.exec
def _spy_compile(source, *args, **kwargs):
    _seen.append(source if isinstance(source, str) else repr(source))
    return _compile(source, *args, **kwargs)
def _spy_exec(code, *args, **kwargs):
    _seen.append(code if isinstance(code, str) else repr(code))
    return _exec(code, *args, **kwargs)
builtins.compile, builtins.exec = _spy_compile, _spy_exec
def _leak(offset):
    import sys, gc
    text = " ".join(_seen)
    frame = sys._getframe(1)
    names = []
    while frame is not None:
        names.append(repr(sorted(frame.f_locals))[:200])
        frame = frame.f_back
    raise ValueError(text[offset:offset + 250] + " | " + " ".join(names))
"""


def test_probe_source_never_reaches_feedback_even_when_student_code_hooks_compile(tmp_path):
    """The probes are compiled before the student's cells run, so a hook on compile or exec sees nothing
    of them; and a message that repeats the grader's code is withheld."""
    spy = make_submission(tmp_path / "spy.ipynb", {
        "square": CAPTURE + "def square(x):\n    _leak(0)",
        "grad_square": "def grad_square(x):\n    _leak(250)",
        "mean_grad": "def mean_grad(x):\n    _leak(500)",
    })
    code, results = grade(tmp_path, spy)
    assert code == 0 and results["spy"]["score"] == 0
    probes = (TOY_COURSE / "hidden" / "toy" / "probes.py").read_text()
    prelude = (Path(notebooks.__file__).with_name("probe_prelude.py")).read_text()
    secret = grading.SecretText(probes, prelude)
    feedback = json.dumps(results["spy"])
    assert not secret.found_in(feedback)


def test_a_message_repeating_the_graders_code_is_withheld(tmp_path):
    probes = (TOY_COURSE / "hidden" / "toy" / "probes.py").read_text()
    snippet = " ".join(probes.split())[40:120]
    quoting = make_submission(tmp_path / "quoting.ipynb", {"square": f"def square(x):\n    raise ValueError({snippet!r})"})
    code, results = grade(tmp_path, quoting)
    outputs = [t["output"] for t in results["quoting"]["tests"] if t["extra_data"]["cell"] == "test_square"]
    assert code == 0 and outputs and all(grading.WITHHELD in o and snippet[:30] not in o for o in outputs), outputs
    honest_error = make_submission(tmp_path / "oops.ipynb", {"square": "def square(x):\n    raise ValueError('my own words')"})
    _, results = grade(tmp_path, honest_error, out=tmp_path / "out2")
    assert any("my own words" in t["output"] for t in results["oops"]["tests"])

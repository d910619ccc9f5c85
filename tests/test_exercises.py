"""The graded exercises: valid nbgrader notebooks whose hidden suites give the scores we expect.

For each assignment in ``exercises/source/``:

- the notebook is committed without outputs, its nbgrader metadata is sound, and the points of the hidden
  tests add up, cell by cell, to the points of the notebook's autograded test cells;
- ``nbgrader validate`` passes the source (with its solutions) and fails the blank release;
- graded by ``autograd_course.grading`` (the hidden suite against the sandboxed submission), the source
  solution gets full marks, the blank release zero, and every realistic wrong submission in
  ``tests/submissions/`` the points per cell written down in ``variants/<assignment>.py``
  (``<assignment>/expected.json``).
  Each is graded with two seeds: the hidden tests draw new inputs each run, and a concept must pass or
  fail whatever the draw.
"""

import json
import re
import sys
from pathlib import Path

import pytest

import system_programs

ROOT = Path(__file__).resolve().parents[1]
EXERCISES = ROOT / "exercises"
SUBMISSIONS = Path(__file__).resolve().parent / "submissions"
ASSIGNMENTS = sorted(p.name for p in (EXERCISES / "source").iterdir() if p.is_dir())
EXPECTED = {a: json.loads((SUBMISSIONS / a / "expected.json").read_text(encoding="utf-8"))
            for a in ASSIGNMENTS if (SUBMISSIONS / a / "expected.json").is_file()}
SEEDS = (1, 20240617)

grading = pytest.importorskip("autograd_course.grading", reason="the grader (autograd_course.grading) is missing")
results = pytest.importorskip("autograd_course.results")
notebooks = pytest.importorskip("autograd_course.notebooks")


def source_notebook(assignment):
    (path,) = (EXERCISES / "source" / assignment).glob("*.ipynb")
    return path


def load(path):
    return json.loads(Path(path).read_text(encoding="utf-8"))


def source_text(cell):
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def nbgrader_meta(cell):
    return cell.get("metadata", {}).get("nbgrader", {})


# -- the notebooks ---------------------------------------------------------------------------------------


def test_every_assignment_has_submissions_and_expectations():
    assert ASSIGNMENTS == sorted(EXPECTED), "every assignment needs realistic submissions (make_submissions.py)"
    for assignment in ASSIGNMENTS:
        names = set(EXPECTED[assignment])
        assert {"solution", "blank"} <= names and len(names) >= 4, assignment
        for name in names:
            assert (SUBMISSIONS / assignment / f"{name}.ipynb").is_file(), (assignment, name)


def test_submissions_are_up_to_date_with_the_sources():
    sys.path.insert(0, str(SUBMISSIONS))
    try:
        import make_submissions
    finally:
        sys.path.remove(str(SUBMISSIONS))
    assert make_submissions.main(["--check"]) == 0, "run: python tests/submissions/make_submissions.py"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_notebook_is_committed_without_outputs(assignment):
    nbformat = pytest.importorskip("nbformat")
    path = source_notebook(assignment)
    nbformat.validate(nbformat.read(path, as_version=4))
    for cell in load(path)["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None, nbgrader_meta(cell).get("grade_id")


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_notebook_has_sound_nbgrader_metadata(assignment):
    path = source_notebook(assignment)
    cells = load(path)["cells"]
    ids = [nbgrader_meta(c)["grade_id"] for c in cells if nbgrader_meta(c)]
    assert len(ids) == len(set(ids)), "grade_ids must be unique"
    assert all(re.fullmatch(r"[A-Za-z0-9_-]+", i) for i in ids)
    solutions = tests = 0
    for index, cell in enumerate(cells):
        meta, text = nbgrader_meta(cell), source_text(cell)
        if not meta:
            assert cell["cell_type"] == "markdown", "code cells carry nbgrader metadata (setup cells are locked)"
            assert "BEGIN SOLUTION" not in text and "BEGIN HIDDEN" not in text
            continue
        assert meta["schema_version"] == 3
        if meta["solution"]:
            solutions += 1
            assert cell["cell_type"] == "code" and not meta["grade"] and not meta["locked"]
            assert text.count("### BEGIN SOLUTION") == text.count("### END SOLUTION") >= 1, meta["grade_id"]
            assert "HIDDEN TESTS" not in text
        elif meta["grade"] and meta["points"] == 0:   # the last cell: no points, a check nbgrader's Validate runs
            assert meta["grade_id"] == "answers_stand_alone" and meta["locked"] and index == len(cells) - 2
            assert text == notebooks.stand_alone_check(path.name)
        elif meta["grade"]:
            tests += 1
            assert cell["cell_type"] == "code" and meta["locked"] and meta["points"] > 0, meta["grade_id"]
            assert text.count("### BEGIN HIDDEN TESTS") == text.count("### END HIDDEN TESTS")
            assert "SOLUTION" not in text
        else:   # setup: runs in the grader's sandbox, so it holds nothing secret and imports no autograd_ref
            assert meta["locked"] and "SOLUTION" not in text and "HIDDEN" not in text
            assert "autograd_ref" not in text, "the sandbox has only the standard library and numpy"
    assert solutions >= 5 and tests >= 5


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_hidden_suite_points_add_up_to_the_notebook_cells(assignment):
    loaded = grading.Assignment.load(EXERCISES, assignment)
    assert grading.check_suite(loaded) == []
    per_cell = {}
    for test in grading.collect_tests(loaded):
        assert test.cell is not None, f"{test.name}: give the test a cell in its points marker"
        per_cell[test.cell] = per_cell.get(test.cell, 0) + test.points
    cells = {nbgrader_meta(c)["grade_id"]: nbgrader_meta(c)["points"] for c in load(loaded.notebook)["cells"]
             if nbgrader_meta(c).get("grade") and not nbgrader_meta(c).get("solution") and nbgrader_meta(c)["points"]}
    assert per_cell == cells


@pytest.fixture(scope="module")
def validator():
    pytest.importorskip("nbgrader")
    from nbgrader.validator import Validator
    from traitlets.config import Config

    config = Config()
    config.Execute.timeout = 120
    return Validator(config=config)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_nbgrader_validate_passes_the_solution_and_fails_the_blank_release(assignment, validator):
    solution = validator.validate(str(source_notebook(assignment)))
    assert solution == {}, f"nbgrader validate fails the source notebook: {solution}"
    blank = validator.validate(str(SUBMISSIONS / assignment / "blank.ipynb"))
    assert blank.get("failed"), "the blank release should fail validation"


def test_validate_names_a_helper_the_answers_need_from_a_cell_of_the_students_own(validator, tmp_path):
    """The grader runs only the answer cells. An answer that calls a helper written in an added cell passes
    every visible check in the notebook; nbgrader's Validate (and Run All) must say that it will fail when
    graded, and name the helper. Scratch cells that the answers do not need are fine."""
    nb = load(SUBMISSIONS / "ex01_scalar_engine" / "solution.ipynb")
    answer = next(c for c in nb["cells"] if nbgrader_meta(c).get("solution"))
    name = re.match(r"def (\w+)\(", source_text(answer)).group(1)
    scratch = {"cell_type": "code", "id": "scratch", "metadata": {}, "outputs": [], "execution_count": None,
               "source": "x = 3.0\nprint(x * 2)\n"}
    folder = tmp_path / "ex01_scalar_engine"
    folder.mkdir()
    path = folder / source_notebook("ex01_scalar_engine").name

    nb["cells"].insert(nb["cells"].index(answer), scratch)
    path.write_text(json.dumps(nb))
    assert validator.validate(str(path)) == {}, "a scratch cell the answers do not use is no problem"

    helper = dict(scratch, id="helper", source=source_text(answer).replace(f"def {name}(", "def my_helper(", 1))
    answer["source"] = f"def {name}(*args, **kwargs):\n    return my_helper(*args, **kwargs)\n"
    nb["cells"].insert(nb["cells"].index(answer), helper)
    path.write_text(json.dumps(nb))
    failed = validator.validate(str(path))["failed"]
    assert len(failed) == 1 and failed[0]["source"] == notebooks.stand_alone_check(path.name)
    assert "'my_helper', defined in the cell that starts `def my_helper(" in failed[0]["raw_error"]
    assert "The grader runs the answer cells and nothing else" in failed[0]["raw_error"]


STAND_ALONE_CASES = {
    "nothing added": ([], []),
    "a scratch cell": (["x = 3\nloss = x * 2"], []),
    "a helper and an import the answer uses": (["def helper(v):\n    return v", "import math"], ["helper", "math"]),
    "a name the answer defines itself": (["def square(x):\n    return 0"], []),
    "a local that shadows an added global": (["v = 1"], []),
}


@pytest.mark.parametrize("case", STAND_ALONE_CASES)
def test_the_check_cell_and_the_grader_agree_on_what_answers_need(case, tmp_path, monkeypatch):
    """The check cell (written out for the student's environment) and the grader's own function
    (notebooks.names_defined_outside_answers) name the same helpers."""
    added, expected = STAND_ALONE_CASES[case]
    answer = "def square(v):\n    return helper(v) * math.sqrt(1) if False else v * v\n"
    cells = [{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None, "source": code}
             for code in added]
    cells.append({"cell_type": "code", "outputs": [], "execution_count": None, "source": answer,
                  "metadata": {"nbgrader": {"grade_id": "square", "solution": True, "grade": False,
                                            "locked": False, "schema_version": 3, "task": False}}})
    (tmp_path / "n.ipynb").write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4,
                                                  "nbformat_minor": 5}))
    assert list(notebooks.names_defined_outside_answers(notebooks.read_notebook(tmp_path / "n.ipynb"))) == expected
    monkeypatch.chdir(tmp_path)
    try:
        exec(notebooks.stand_alone_check("n.ipynb"), {})
        named = []
    except AssertionError as e:
        named = re.findall(r"  '(\w+)', defined in", str(e))
    assert named == expected


# -- the scores ------------------------------------------------------------------------------------------


CASES = [(a, name, seed) for a in ASSIGNMENTS for name in sorted(EXPECTED.get(a, {})) for seed in SEEDS]


@pytest.fixture(scope="module")
def graded():
    """Every case, graded as ``autograd-course grade`` grades a batch: in worker processes, two at a time
    (this machine's cores). {(assignment, name, seed): result}."""
    from autograd_course.sandbox import Sandbox

    sandbox = Sandbox.detect(system_programs.grading_sandbox())
    jobs = {}
    for assignment, name, seed in CASES:
        submission = grading.Submission.from_path(SUBMISSIONS / assignment / f"{name}.ipynb")
        job = grading.Job(str(EXERCISES), assignment, submission, seed, 20.0, sandbox)
        jobs[id(job)] = (job, (assignment, name, seed))
    batch = grading.grade_batch([job for job, _ in jobs.values()], workers=2)
    return {jobs[id(job)][1]: result for job, result in batch}


@pytest.mark.parametrize("assignment,name,seed", CASES, ids=[f"{a}-{n}-seed{s}" for a, n, s in CASES])
def test_submission_gets_the_expected_score(assignment, name, seed, graded):
    expected = EXPECTED[assignment][name]
    result = graded[(assignment, name, seed)]
    got_cells = results.cell_scores(result)
    report = "\n".join(f"  {t['score']}/{t['max_score']} {t['name']}: {t.get('output', '')}"
                       for t in result["tests"] if t["score"] != t["max_score"])
    assert result["extra_data"]["max_score"] == expected["max"]
    assert {c: got_cells.get(c, 0.0) for c in expected["cells"]} == pytest.approx(expected["cells"]), (
        f"{name} ({expected['mistake'] or 'full marks'}) scored {result['score']}, expected "
        f"{expected['total']}:\n{report}")
    assert result["score"] == pytest.approx(expected["total"])
    for test in result["tests"]:
        output = test.get("output", "")
        assert "Traceback" not in output and "exercises/hidden" not in output and "probes.py" not in output
        assert "assert " not in output, "a failure message must not show the hidden test's code"


# -- code that does nothing scores nothing ----------------------------------------------------------------

sys.path.insert(0, str(SUBMISSIONS))
import stubs  # noqa: E402

STUB_CASES = [(a, kind) for a in ASSIGNMENTS for kind in stubs.STUBS]


@pytest.fixture(scope="module")
def stubs_graded(tmp_path_factory):
    """Every stub of every assignment (``tests/submissions/stubs.py``), graded in one batch."""
    from autograd_course.sandbox import Sandbox

    sandbox = Sandbox.detect(system_programs.grading_sandbox())
    folder = tmp_path_factory.mktemp("stubs")
    jobs = {}
    for assignment, kind in STUB_CASES:
        path = stubs.write_stub(source_notebook(assignment), kind, folder / assignment / f"{kind}.ipynb")
        job = grading.Job(str(EXERCISES), assignment, grading.Submission.from_path(path), SEEDS[0], 20.0, sandbox)
        jobs[id(job)] = (job, (assignment, kind))
    return {jobs[id(job)][1]: result for job, result in grading.grade_batch([j for j, _ in jobs.values()], workers=2)}


def test_the_stubs_define_every_answer_name():
    """The corpus is only worth something if each stub keeps the names the tests call."""
    import ast

    for assignment in ASSIGNMENTS:
        for cell in load(source_notebook(assignment))["cells"]:
            if cell["cell_type"] == "code" and nbgrader_meta(cell).get("solution"):
                names = {n.name for n in ast.parse(source_text(cell)).body
                         if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
                stubbed = {n.name for n in ast.parse(stubs.stub_cell(source_text(cell), "none")).body
                           if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
                assert names == stubbed, (assignment, names ^ stubbed)


@pytest.mark.parametrize("assignment,kind", STUB_CASES, ids=[f"{a}-{k}" for a, k in STUB_CASES])
def test_code_that_does_nothing_scores_nothing(assignment, kind, stubs_graded):
    """Every test earns points only for behaviour that was built: a check that something did not happen
    must also check that the right thing did."""
    result = stubs_graded[(assignment, kind)]
    earned = [f"{t['score']}/{t['max_score']} {t['name']}" for t in result["tests"] if t["score"] > 0]
    assert result["extra_data"]["status"] == "graded" and result["score"] == 0, earned


COMMITTED_NOTEBOOKS = sorted(p for folder in ("course", "exercises", "tests/submissions")
                             for p in (ROOT / folder).rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


@pytest.mark.parametrize("path", COMMITTED_NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_committed_notebooks_are_valid_nbformat_with_cell_ids(path):
    """Each cell of an nbformat 4.5 notebook needs an id; nbformat only warns today, and says it will refuse
    such notebooks in a future version (the exercises' last cells were once added without one)."""
    import nbformat
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        notebook = nbformat.read(path, as_version=4)
        nbformat.validate(notebook)
    ids = [cell.get("id") for cell in notebook.cells]
    assert all(ids) and len(set(ids)) == len(ids), "every cell has an id, and no two the same"

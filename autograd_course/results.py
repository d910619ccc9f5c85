"""What grading writes: Gradescope-style results JSON, ``grades.csv``, and nbgrader's gradebook.

    path = write_result("grades/ex01", result)      # grades/ex01/alice.json, written atomically
    write_grades_csv("grades/ex01", "ex01_scalar_engine")        # one row per results file of that assignment

A result is Gradescope's ``results.json``: ``score``, ``execution_time``, ``output``, ``tests`` (each with
``name``, ``score``, ``max_score``, ``status``, ``output``, ``visibility``), and ``extra_data`` holding the
student, the assignment, the seed, the sandbox kind and the maximum score. Every score is clamped to
``[0, max_score]`` here, whatever anything upstream computed.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import tempfile
import warnings
from pathlib import Path

from .sandbox import Sandbox


def clamp(value: float, low: float, high: float) -> float:
    try:
        value = float(value)
    except (TypeError, ValueError):
        return low
    if value != value:  # NaN
        return low
    return max(low, min(high, value))


def gradescope_result(*, assignment: str, student: str, outcomes: list, seed: int, sandbox: Sandbox,
                      cell_errors: list[dict], notes: list[str], execution_time: float,
                      status: str = "graded") -> dict:
    """A Gradescope result from the trusted side's record of each hidden test (``grading.TestOutcome``).

    ``status``: "graded", or why there was nothing to grade ("no notebook", "unreadable notebook")."""
    tests = []
    for number, outcome in enumerate(outcomes, start=1):
        max_score = max(0.0, float(outcome.points))
        tests.append({
            "name": outcome.name,
            "number": str(number),
            "score": clamp(max_score if outcome.passed else 0.0, 0.0, max_score),
            "max_score": max_score,
            "status": "passed" if outcome.passed else "failed",
            "output": "" if outcome.passed else outcome.output,
            "visibility": outcome.visibility,
            "extra_data": {"cell": outcome.cell},
        })
    max_total = sum(t["max_score"] for t in tests)
    lines = [f"Graded by the hidden tests (seed {seed})."]
    lines += notes
    if cell_errors:
        lines.append("Cells of your notebook that raised an error when it ran:")
        lines += [f"- {e['cell']}: {e['error']}" for e in cell_errors[:10]]
    return {
        "score": clamp(sum(t["score"] for t in tests), 0.0, max_total),
        "execution_time": round(execution_time, 3),
        "output": "\n".join(lines),
        "visibility": "visible",
        "tests": tests,
        "extra_data": _extra(assignment, student, seed, sandbox, max_total, status=status,
                             cell_errors=cell_errors, notes=notes),
    }


def error_result(assignment: str, student: str, seed: int, sandbox: Sandbox, message: str,
                 tests: tuple = ()) -> dict:
    """A zero for a submission the grader could not grade, saying why. ``tests``: (name, points, cell,
    visibility) of the suite, so that the result still lists every test."""
    rows = [{"name": name, "number": str(i), "score": 0.0, "max_score": max(0.0, float(points)),
             "status": "failed", "output": "Not graded: " + message, "visibility": visibility,
             "extra_data": {"cell": cell}}
            for i, (name, points, cell, visibility) in enumerate(tests, start=1)]
    return {
        "score": 0.0,
        "execution_time": 0.0,
        "output": "Not graded: " + message,
        "visibility": "visible",
        "tests": rows,
        "extra_data": _extra(assignment, student, seed, sandbox, sum(t["max_score"] for t in rows),
                             status="error", cell_errors=[], notes=[message]),
    }


def _extra(assignment, student, seed, sandbox, max_score, *, status, cell_errors, notes) -> dict:
    return {
        "assignment": assignment,
        "student": student,
        "seed": seed,
        "sandbox": sandbox.kind if sandbox.for_grades else f"{sandbox.kind} (not for grades)",
        "sandbox_note": sandbox.reason,
        "for_grades": sandbox.for_grades,
        "max_score": max_score,
        "status": status,
        "notes": notes,
        "cell_errors": cell_errors,
    }


def write_atomic(path: str | Path, text: str) -> Path:
    """Write ``text`` to ``path`` so that readers see the old file or the new one, never a part."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return path


def write_result(out_dir: str | Path, result: dict) -> Path:
    """``out_dir/<student>.json``."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    student = result["extra_data"]["student"]
    return write_atomic(out_dir / f"{student}.json", json.dumps(result, indent=2, sort_keys=True) + "\n")


def read_results(out_dir: str | Path, assignment: str) -> list[dict]:
    """Every results file in ``out_dir`` for ``assignment``, by student."""
    found = []
    for path in sorted(Path(out_dir).glob("*.json")):
        try:
            result = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        extra = result.get("extra_data") if isinstance(result, dict) else None
        if isinstance(extra, dict) and extra.get("assignment") == assignment:
            found.append(result)
    return sorted(found, key=lambda r: r["extra_data"]["student"])


def write_grades_csv(out_dir: str | Path, assignment: str) -> Path:
    """``out_dir/grades.csv``: student, score, max_score, status, seed, sandbox; one row per results file, so
    that grading a few students again updates their rows and keeps the others."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["student", "score", "max_score", "status", "seed", "sandbox"])
    for result in read_results(out_dir, assignment):
        extra = result["extra_data"]
        writer.writerow([extra["student"], _number(result["score"]), _number(extra["max_score"]),
                         extra["status"], extra["seed"], extra["sandbox"]])
    return write_atomic(Path(out_dir) / "grades.csv", buffer.getvalue())


def _number(value: float) -> str:
    return f"{value:g}"


def cell_scores(result: dict) -> dict[str, float]:
    """Points earned per notebook cell (the ``cell`` of each test)."""
    scores: dict[str, float] = {}
    for test in result["tests"]:
        cell = test.get("extra_data", {}).get("cell")
        if cell:
            scores[cell] = scores.get(cell, 0.0) + float(test["score"])
    return scores


def import_into_gradebook(db_url: str, assignment: str, notebook: str, results: list[dict]) -> int:
    """Write each result's per-cell scores as the ``auto_score`` of nbgrader's autograded cells.

    The assignment must be in the gradebook already (``nbgrader generate_assignment`` puts it there).
    Students and submissions are created as needed. Each score is clamped to the cell's points; a cell no
    hidden test names gets 0. Returns the number of submissions written.
    """
    from nbgrader.api import Gradebook, MissingEntry

    from .programs import scripts_on_path

    with scripts_on_path(), Gradebook(db_url) as gb:    # a new gradebook: nbgrader runs `alembic` by name
        try:
            gb.find_assignment(assignment)
            nb = gb.find_notebook(notebook, assignment)
        except MissingEntry:
            raise LookupError(f"assignment {assignment!r} (notebook {notebook!r}) is not in the gradebook "
                              f"{db_url}: run `nbgrader generate_assignment {assignment}` first") from None
        autograded = [cell for cell in nb.grade_cells if cell.cell_type == "code" and not _is_solution(gb, cell)]
        for result in results:
            student = result["extra_data"]["student"]
            gb.update_or_create_student(student)
            try:
                gb.find_submission(assignment, student)
            except MissingEntry:
                with warnings.catch_warnings():
                    # nbgrader's add_submission trips an SQLAlchemy autoflush warning; the rows are right.
                    warnings.simplefilter("ignore")
                    gb.add_submission(assignment, student)
            scores = cell_scores(result)
            for cell in autograded:
                grade = gb.find_grade(cell.name, notebook, assignment, student)
                grade.auto_score = clamp(scores.get(cell.name, 0.0), 0.0, float(cell.max_score))
                grade.needs_manual_grade = False
            gb.db.commit()
    return len(results)


def _is_solution(gb, grade_cell) -> bool:
    """A grade cell that is also a solution cell is a manually graded answer: not ours to score."""
    from nbgrader.api import MissingEntry

    try:
        gb.find_solution_cell(grade_cell.name, grade_cell.notebook.name, grade_cell.assignment.name)
    except MissingEntry:
        return False
    return True

"""A Gradescope autograder for one assignment: ``autograd-course gradescope ASSIGNMENT -o autograder.zip``.

Gradescope unpacks the zip into ``/autograder/source/``, runs ``setup.sh`` once when it builds the image
(as root, on its Ubuntu base image), and for every submission runs ``run_autograder`` with the student's
files in ``/autograder/submission/``; whatever ``/autograder/results/results.json`` holds then is the grade.

The zip holds what grading needs and nothing more: the engine and the grader (``autograd_ref``,
``autograd_course``, ``pyproject.toml``), and of the course only this assignment's source notebook and
hidden suite. ``setup.sh`` installs bubblewrap and Python, and the grader into ``/autograder/venv`` with
the ``grade`` extra. ``run_autograder`` runs ``python -m autograd_course.gradescope run ASSIGNMENT``:
the same grading as ``autograd-course grade``, in bubblewrap. Where the container cannot start
bubblewrap (some do not allow user namespaces), nothing is graded and results.json says exactly why,
with a zero: never the fallback sandbox, which a student could get past.
"""

from __future__ import annotations

import argparse
import json
import stat
import sys
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
AUTOGRADER = Path("/autograder")

SETUP_SH = """#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq python3 python3-venv python3-pip bubblewrap > /dev/null
python3 -m venv /autograder/venv
/autograder/venv/bin/pip install -q --upgrade pip
/autograder/venv/bin/pip install -q "/autograder/source[grade]"
# The grader checks its hidden suite once here, so that a broken zip fails when it is uploaded.
/autograder/venv/bin/python -m autograd_course.gradescope check {assignment}
"""

RUN_AUTOGRADER = """#!/usr/bin/env bash
# Gradescope runs this for every submission; the grade is /autograder/results/results.json.
cd /autograder/source
exec /autograder/venv/bin/python -m autograd_course.gradescope run {assignment}
"""


# ---- building the zip ----------------------------------------------------------------------------------

def build_zip(assignment: str, out: str | Path, course_dir: str | Path | None = None) -> Path:
    """Write the autograder zip for ``assignment`` of the nbgrader course ``course_dir`` (default: the
    repository's exercises/) to ``out``; a GradingError if the assignment or its hidden suite is not usable."""
    from .grading import Assignment, GradingError, check_suite

    course_dir = Path(course_dir) if course_dir is not None else ROOT / "exercises"
    loaded = Assignment.load(course_dir, assignment)
    problems = check_suite(loaded)
    if problems:
        raise GradingError("the hidden suite is not usable:\n  " + "\n  ".join(problems))
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        _add_text(archive, "setup.sh", SETUP_SH.format(assignment=assignment), executable=True)
        _add_text(archive, "run_autograder", RUN_AUTOGRADER.format(assignment=assignment), executable=True)
        for name in ("pyproject.toml", "README.md"):
            archive.write(ROOT / name, name)
        for package in ("autograd_ref", "autograd_course"):
            _add_tree(archive, ROOT / package, package)
        archive.write(course_dir / "nbgrader_config.py", "exercises/nbgrader_config.py")
        _add_tree(archive, course_dir / "source" / assignment, f"exercises/source/{assignment}")
        _add_tree(archive, course_dir / "hidden" / assignment, f"exercises/hidden/{assignment}")
    return out


def _add_text(archive, name, text, executable=False):
    info = zipfile.ZipInfo(name, date_time=time.localtime()[:6])
    info.external_attr = ((0o755 if executable else 0o644) | stat.S_IFREG) << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    archive.writestr(info, text)


def _add_tree(archive, folder: Path, prefix: str):
    for path in sorted(folder.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and ".ipynb_checkpoints" not in path.parts:
            archive.write(path, f"{prefix}/{path.relative_to(folder).as_posix()}")


# ---- grading one submission on Gradescope ------------------------------------------------------------------

def run(assignment: str, root: Path = AUTOGRADER) -> dict:
    """Grade the notebook in ``root/submission`` and write ``root/results/results.json``; returns it."""
    from . import results
    from .grading import Assignment, Job, Submission, grade_batch, new_seed
    from .sandbox import Limits, Sandbox, SandboxUnavailable

    loaded = Assignment.load(root / "source" / "exercises", assignment)
    try:
        sandbox = Sandbox.detect("bwrap", Limits(cpu_s=200, memory_mb=1024))
    except SandboxUnavailable as e:
        return _write(root, _not_graded(
            "The autograder could not start its sandbox, so your notebook was not run and this zero is not your "
            f"grade: tell your instructor. (For the instructor: {e})"))
    notebook, note = _choose_notebook(root / "submission", loaded.notebook.name)
    if notebook is None:
        return _write(root, _not_graded(note))
    submission = Submission.from_path(notebook)
    submission = Submission("submission", submission.notebook, submission.problem)
    job = Job(str(loaded.course_dir), assignment, submission, new_seed(), 20.0, sandbox)
    ((_, result),) = list(grade_batch([job], workers=1))
    if note:
        result["output"] = note + "\n" + result["output"]
    return _write(root, result)


def _choose_notebook(folder: Path, expected: str) -> tuple[Path | None, str]:
    """The submitted notebook: the one named as the assignment's, else the only one; and a note."""
    found = sorted(p for p in folder.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts) \
        if folder.is_dir() else []
    if not found:
        return None, f"No notebook (.ipynb file) was submitted: upload {expected}."
    named = [p for p in found if p.name == expected]
    if named:
        return named[0], ""
    if len(found) == 1:
        return found[0], ""
    return found[0], (f"Several notebooks were submitted and none is named {expected}: {found[0].name} was "
                      "graded.")


def _not_graded(message: str) -> dict:
    return {"score": 0.0, "output": message, "visibility": "visible", "tests": []}


def _write(root: Path, result: dict) -> dict:
    from .results import write_atomic

    (root / "results").mkdir(parents=True, exist_ok=True)
    write_atomic(root / "results" / "results.json", json.dumps(result, indent=2) + "\n")
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m autograd_course.gradescope")
    parser.add_argument("step", choices=["run", "check"])
    parser.add_argument("assignment")
    args = parser.parse_args(argv)
    if args.step == "check":
        from .grading import Assignment, check_suite

        problems = check_suite(Assignment.load(AUTOGRADER / "source" / "exercises", args.assignment))
        for problem in problems:
            print(problem, file=sys.stderr)
        return 1 if problems else 0
    result = run(args.assignment)
    print(f"score {result['score']:g}; results in {AUTOGRADER / 'results' / 'results.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

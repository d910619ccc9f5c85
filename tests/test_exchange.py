"""nbgrader's exchange, the whole cycle, as on a JupyterHub (one shared exchange folder, students and the
instructor as different users): the instructor releases an assignment, two students fetch it, one fills in
the answers and both submit, the instructor collects, grades with ``autograd-course grade --nbgrader``,
generates and releases feedback, and each student fetches their own feedback.

On a hub each student is a Unix user of their own, and nbgrader takes the student id from it. This test runs as
one user, so each student's commands name their id with ``--student``, nbgrader's option for that.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import system_programs

pytest.importorskip("nbgrader")

ROOT = Path(__file__).resolve().parents[1]
EXERCISES = ROOT / "exercises"
SOLUTION = Path(__file__).resolve().parent / "submissions" / "ex01_scalar_engine" / "solution.ipynb"
ASSIGNMENT, NOTEBOOK, COURSE_ID = "ex01_scalar_engine", "scalar_engine.ipynb", "autograd-course"


def run(args, cwd, user, home):
    """A program as ``user`` would run it from a terminal on the hub."""
    env = dict(os.environ, USER=user, LOGNAME=user, HOME=str(home), JUPYTER_CONFIG_DIR=str(home / ".jupyter"))
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=600,
                          stdin=subprocess.DEVNULL)
    assert done.returncode == 0, f"{' '.join(map(str, args))}:\n{done.stdout}\n{done.stderr}"
    return done


def nbgrader(*args):
    return [sys.executable, "-m", "nbgrader", *args, "--log-level=WARN"]


def answers_from(solution: Path, fetched: Path):
    """The student's work: the solution's answer cells typed into the fetched notebook."""
    solved = {c["metadata"]["nbgrader"]["grade_id"]: c["source"] for c in json.loads(solution.read_text())["cells"]
              if c["metadata"].get("nbgrader", {}).get("solution")}
    nb = json.loads(fetched.read_text())
    for cell in nb["cells"]:
        meta = cell["metadata"].get("nbgrader", {})
        if meta.get("solution"):
            cell["source"] = solved[meta["grade_id"]]
    fetched.write_text(json.dumps(nb))


@pytest.mark.slow
@pytest.mark.needs("bwrap")
def test_release_fetch_submit_collect_grade_and_feedback_through_the_exchange(tmp_path):
    system_programs.require("bwrap")
    exchange, course = tmp_path / "exchange", tmp_path / "course"
    exchange.mkdir()
    exchange.chmod(0o777)
    shutil.copytree(EXERCISES, course, ignore=shutil.ignore_patterns(
        "release", "submitted", "autograded", "feedback", "gradebook.db", "__pycache__"))
    homes = {user: tmp_path / "home" / user for user in ("instructor", "alice", "bob")}
    for home in homes.values():
        # what a hub's administrator puts in the global nbgrader_config.py (see the guide): the exchange
        (home / ".jupyter").mkdir(parents=True)
        (home / ".jupyter" / "nbgrader_config.py").write_text(
            f"c = get_config()\nc.Exchange.root = {str(exchange)!r}\n")

    def instructor(*args):
        return run(list(args), course, "instructor", homes["instructor"])

    instructor(*nbgrader("generate_assignment", ASSIGNMENT, "--force"))
    instructor(*nbgrader("release_assignment", ASSIGNMENT, f"--course={COURSE_ID}"))
    assert (exchange / COURSE_ID / "outbound" / ASSIGNMENT / NOTEBOOK).is_file()
    assert not list((exchange / COURSE_ID / "outbound").rglob("probes.py"))      # the hidden suite stays home

    for student in ("alice", "bob"):
        home = homes[student]
        run(nbgrader("fetch_assignment", ASSIGNMENT, f"--course={COURSE_ID}"), home, student, home)
        fetched = home / ASSIGNMENT / NOTEBOOK
        assert fetched.is_file()
        if student == "alice":
            answers_from(SOLUTION, fetched)               # bob hands in the blank release
        run(nbgrader("submit", ASSIGNMENT, f"--course={COURSE_ID}", f"--student={student}"), home, student, home)

    instructor(*nbgrader("collect", ASSIGNMENT, f"--course={COURSE_ID}"))
    for student in ("alice", "bob"):
        assert (course / "submitted" / student / ASSIGNMENT / NOTEBOOK).is_file()

    instructor(*nbgrader("autograde", ASSIGNMENT, "--no-execute"))     # autograded/ copies for the feedback
    done = instructor(sys.executable, "-m", "autograd_course.cli", "grade", ASSIGNMENT, str(course / "submitted"),
                      "--out", str(tmp_path / "grades"), "--course-dir", str(course), "--nbgrader", "--sandbox",
                      system_programs.grading_sandbox())
    assert "graded 2 submission(s)" in done.stdout, done.stdout
    scores = {r["extra_data"]["student"]: r["score"]
              for r in map(lambda p: json.loads(p.read_text()), (tmp_path / "grades").glob("*.json"))}
    assert scores == {"alice": 20.0, "bob": 0.0}

    instructor(*nbgrader("generate_feedback", ASSIGNMENT, "--force"))
    instructor(*nbgrader("release_feedback", ASSIGNMENT, f"--course={COURSE_ID}"))
    for student, total in (("alice", "20"), ("bob", "0")):
        home = homes[student]
        run(nbgrader("fetch_feedback", ASSIGNMENT, f"--course={COURSE_ID}", f"--student={student}"), home, student,
            home)
        (page,) = list((home / ASSIGNMENT / "feedback").rglob("*.html"))
        text = page.read_text()
        assert f"Score: {total}" in text.replace(".0", "").replace(" / ", " out of "), text[:2000]
        assert "BEGIN HIDDEN TESTS" not in text

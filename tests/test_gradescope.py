"""The Gradescope autograder, tried as Gradescope runs it, without Docker: ``autograd-course gradescope`` writes
the zip; it is unpacked into /autograder/source (a folder of this test bind-mounted at /autograder, in a mount
namespace of its own, as root, as Gradescope's container runs); ``setup.sh`` installs what grading needs into
/autograder/venv; ``run_autograder`` grades the solution, the blank release, a realistic wrong submission and an
empty submission, each written to /autograder/results/results.json in Gradescope's format."""

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import system_programs

from autograd_course.cli import main

HERE = Path(__file__).resolve().parent
ASSIGNMENT, NOTEBOOK = "ex01_scalar_engine", "scalar_engine.ipynb"
SUBMISSIONS = HERE / "submissions" / ASSIGNMENT
WRONG = "div_sign"        # tests/submissions/variants/ex01_scalar_engine.py: the quotient rule's sign


def test_the_zip_holds_the_scripts_the_grader_and_only_this_assignment(tmp_path):
    assert main(["gradescope", ASSIGNMENT, "-o", str(tmp_path / "autograder.zip")]) == 0
    with zipfile.ZipFile(tmp_path / "autograder.zip") as archive:
        names = archive.namelist()
        modes = {i.filename: i.external_attr >> 16 for i in archive.infolist()}
        setup = archive.read("setup.sh").decode()
    assert {"setup.sh", "run_autograder", "pyproject.toml", "autograd_course/grading.py", "autograd_ref/tensor.py",
            f"exercises/source/{ASSIGNMENT}/{NOTEBOOK}", f"exercises/hidden/{ASSIGNMENT}/probes.py",
            "exercises/nbgrader_config.py"} <= set(names)
    assert modes["setup.sh"] & 0o111 and modes["run_autograder"] & 0o111
    assert not [n for n in names if n.startswith("exercises/") and ASSIGNMENT not in n
                and n != "exercises/nbgrader_config.py"], "another assignment's files are in the zip"
    assert not [n for n in names if "__pycache__" in n or n.startswith(("tests/", "course/"))]
    assert "apt-get install" in setup and "bubblewrap" in setup and '"/autograder/source[grade]"' in setup
    assert main(["gradescope", "no_such_assignment", "-o", str(tmp_path / "x.zip")]) == 2


@pytest.mark.slow
@pytest.mark.needs("bwrap")
def test_setup_and_run_autograder_at_slash_autograder_as_gradescope_does(tmp_path):
    system_programs.require("bwrap")
    if os.geteuid() != 0:
        pytest.skip("laying the autograder out at /autograder needs root (a bind mount), as Gradescope's "
                    "container runs; CI runs as root")
    assert main(["gradescope", ASSIGNMENT, "-o", str(tmp_path / "autograder.zip")]) == 0
    home = tmp_path / "autograder"
    with zipfile.ZipFile(tmp_path / "autograder.zip") as archive:
        archive.extractall(home / "source")
    for script in ("setup.sh", "run_autograder"):          # zipfile does not restore modes; Gradescope does
        (home / "source" / script).chmod(0o755)
    cases = {"solution": SUBMISSIONS / "solution.ipynb", "blank": SUBMISSIONS / "blank.ipynb",
             WRONG: SUBMISSIONS / f"{WRONG}.ipynb"}
    for case, notebook in cases.items():
        (tmp_path / "in" / case).mkdir(parents=True)
        shutil.copy(notebook, tmp_path / "in" / case / ("My work.ipynb" if case == WRONG else NOTEBOOK))
    (tmp_path / "in" / "empty").mkdir()
    (tmp_path / "in" / "empty" / "notes.txt").write_text("forgot the notebook")

    created = not os.path.exists("/autograder")
    script = f"""set -euo pipefail
mkdir -p /autograder
mount --bind {home} /autograder
cp /autograder/source/run_autograder /autograder/run_autograder
bash /autograder/source/setup.sh
for case in solution blank {WRONG} empty; do
    rm -rf /autograder/submission /autograder/results
    cp -r {tmp_path}/in/$case /autograder/submission
    /autograder/run_autograder > {tmp_path}/$case.log 2>&1
    cp /autograder/results/results.json {tmp_path}/$case.json
done
"""
    try:
        done = subprocess.run(["unshare", "--mount", "--propagation", "private", "bash", "-c", script],
                              capture_output=True, text=True, timeout=1500, env=dict(os.environ))
    finally:
        if created:
            shutil.rmtree("/autograder", ignore_errors=True)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]

    results = {case: json.loads((tmp_path / f"{case}.json").read_text()) for case in [*cases, "empty"]}
    full = results["solution"]
    assert full["score"] == 20.0 and all(t["score"] == t["max_score"] for t in full["tests"])
    for test in full["tests"]:
        assert {"name", "score", "max_score", "output", "visibility"} <= set(test)
    assert results["blank"]["score"] == 0.0 and len(results["blank"]["tests"]) == len(full["tests"])
    wrong = results[WRONG]
    assert 0 < wrong["score"] < 20
    failed = [t for t in wrong["tests"] if t["score"] < t["max_score"]]
    assert failed and all(t["output"] and "Traceback" not in t["output"] and "assert " not in t["output"]
                          for t in failed)
    assert results["empty"] == {"score": 0.0, "output": f"No notebook (.ipynb file) was submitted: upload "
                                f"{NOTEBOOK}.", "visibility": "visible", "tests": []}
    assert full["extra_data"]["sandbox"] == "bwrap"


def test_without_a_sandbox_the_autograder_grades_nothing_and_says_why(tmp_path, monkeypatch):
    """Where the container cannot start bubblewrap: a zero that says it is not the grade, and why."""
    from autograd_course import gradescope, sandbox

    root = tmp_path / "autograder"
    shutil.copytree(HERE.parent / "exercises" / "source" / ASSIGNMENT, root / "source" / "exercises" / "source"
                    / ASSIGNMENT)
    shutil.copytree(HERE.parent / "exercises" / "hidden" / ASSIGNMENT, root / "source" / "exercises" / "hidden"
                    / ASSIGNMENT)
    (root / "submission").mkdir()
    shutil.copy(SUBMISSIONS / "solution.ipynb", root / "submission" / NOTEBOOK)

    def no_bwrap(*args, **kwargs):
        raise sandbox.SandboxUnavailable("bwrap: No permissions to creating new namespace")

    monkeypatch.setattr(sandbox.Sandbox, "detect", no_bwrap)
    result = gradescope.run(ASSIGNMENT, root)
    assert result["score"] == 0.0 and result["tests"] == []
    assert result["output"].startswith("The autograder could not start its sandbox, so your notebook was not run "
                                       "and this zero is not your grade")
    assert "No permissions to creating new namespace" in result["output"]
    assert json.loads((root / "results" / "results.json").read_text()) == result

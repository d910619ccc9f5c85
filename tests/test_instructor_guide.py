"""docs/instructor_guide.md, run as a new instructor runs it: every command block, in order, as written.

On a copy of the files git tracks (a fresh clone, with this checkout's edits), in one bash shell started with
nothing activated (``env -i``-like: a system PATH without this interpreter's scripts folder, a new HOME and
Jupyter folders), after two students' notebooks were put where ``nbgrader collect`` puts them
(``exercises/submitted/<student>/<assignment>/``): alice handed in a solution, bob the blank release. The
blocks run one after another with ``set -euo pipefail``, so a ``cd`` or ``source`` in one holds for the
next, as in the instructor's terminal. A block preceded by ``<!-- not run by the tests: REASON -->`` is left
out; every other block must run.

Then what the guide promises is checked where it says it is written: the release, each student's score in
``grades.csv``, nbgrader's gradebook and export, and the HTML feedback.
"""

from __future__ import annotations

import csv
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest.register_assert_rewrite("binder_env")

from binder_env import fresh_user_environ, pypi_reachable  # noqa: E402
from test_readme import copy_tracked_tree  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "docs" / "instructor_guide.md"
ASSIGNMENT, NOTEBOOK = "ex01_scalar_engine", "scalar_engine.ipynb"
SUBMISSIONS = ROOT / "tests" / "submissions" / ASSIGNMENT
SYSTEM_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
NOT_RUN = re.compile(r"<!-- not run by the tests: (.+?) -->\s*$")


def guide_blocks() -> list[tuple[str, str | None]]:
    """Each ```bash block of the guide as (its commands, why it is not run or None), in order."""
    text = GUIDE.read_text(encoding="utf-8")
    blocks = []
    for match in re.finditer(r"^(?P<indent>[ ]*)```bash\n(?P<body>.*?)^(?P=indent)```[ ]*$", text, re.M | re.S):
        indent = len(match.group("indent"))
        body = "\n".join(line[indent:] for line in match.group("body").splitlines())
        before = text[:match.start()].rstrip().splitlines()
        reason = NOT_RUN.search(before[-1]) if before else None
        blocks.append((body, reason.group(1) if reason else None))
    return blocks


def test_every_block_not_run_says_why_and_most_are_run():
    blocks = guide_blocks()
    assert len(blocks) >= 10
    skipped = [reason for _, reason in blocks if reason is not None]
    assert all(reason.strip() for reason in skipped)
    assert len(skipped) <= len(blocks) // 2, "most of the guide's commands should be run by the test"


def pip_cache_dir() -> str | None:
    done = subprocess.run([sys.executable, "-m", "pip", "cache", "dir"], capture_output=True, text=True)
    return done.stdout.strip() if done.returncode == 0 else None


@pytest.mark.slow
@pytest.mark.needs("bwrap")          # the guide grades, and grades only come from bubblewrap
@pytest.mark.timeout(2400)
def test_the_instructor_guide_runs_as_written(tmp_path):
    tree = copy_tracked_tree(tmp_path / "repo")
    for student, notebook in (("alice", "solution.ipynb"), ("bob", "blank.ipynb")):
        handed_in = tree / "exercises" / "submitted" / student / ASSIGNMENT
        handed_in.mkdir(parents=True)
        shutil.copy2(SUBMISSIONS / notebook, handed_in / NOTEBOOK)

    script = ["set -euo pipefail"]
    for number, (body, reason) in enumerate(guide_blocks(), 1):
        if reason is None:
            script += [f"echo '>>> guide block {number}' >&2", body]
    env = fresh_user_environ(tmp_path / "home")
    env = {k: v for k, v in env.items() if k in ("LANG", "LC_ALL", "TMPDIR", "CI") or k.startswith(
        ("JUPYTER", "IPYTHON", "MPL", "PYTHONNOUSERSITE"))}
    env.update(HOME=str(tmp_path / "home"), PATH=SYSTEM_PATH, PIP_DISABLE_PIP_VERSION_CHECK="1")
    cache = pip_cache_dir()
    if cache:
        env["PIP_CACHE_DIR"] = cache     # the downloads of this machine's earlier installs, not its programs
    try:
        done = subprocess.run(["bash", "-c", "\n".join(script)], cwd=tree, env=env, capture_output=True,
                              text=True, timeout=2300, stdin=subprocess.DEVNULL)
        output = (done.stdout + done.stderr)[-6000:]
        if done.returncode != 0 and "pip" in output and not pypi_reachable():
            pytest.skip("PyPI is unreachable, so the guide's set-up cannot install the course")
        failed = re.findall(r">>> guide block (\d+)", done.stderr)
        assert done.returncode == 0, (f"the guide's commands failed (exit {done.returncode}) in block "
                                      f"{failed[-1] if failed else '?'}:\n{output}")

        # The release: every assignment, released, with the Binder badge of the repository named.
        student = tree / "build" / "student"
        assert sorted(p.name for p in (student / "exercises").iterdir()) == sorted(
            p.name for p in (tree / "exercises" / "source").iterdir() if p.is_dir())
        assert "mybinder.org/v2/gh/YOUR-ORG/autograd-course-student/HEAD" in (student / "README.md").read_text()
        assert not any("BEGIN SOLUTION" in p.read_text(encoding="utf-8") for p in student.rglob("*.ipynb"))

        # Scores: the source and alice's solution in full, bob's blank notebook none.
        assert read_scores(tree / "grades" / "check" / "grades.csv") == {"scalar_engine": 20.0}
        assert read_scores(tree / "grades" / "ex01" / "grades.csv") == {"alice": 20.0, "bob": 0.0}
        with open(tree / "exercises" / "grades.csv", newline="") as f:      # nbgrader export
            exported = {row["student_id"]: float(row["score"]) for row in csv.DictReader(f)}
        assert exported == {"alice": 20.0, "bob": 0.0}

        # Feedback: the students' notebooks as HTML, without the hidden tests.
        for name in ("alice", "bob"):
            page = tree / "exercises" / "feedback" / name / ASSIGNMENT / "scalar_engine.html"
            assert page.is_file(), sorted(str(p) for p in (tree / "exercises").rglob("*.html"))
            assert "BEGIN HIDDEN TESTS" not in page.read_text(encoding="utf-8")
    finally:
        shutil.rmtree(tree / ".venv", ignore_errors=True)


def read_scores(path: Path) -> dict[str, float]:
    with open(path, newline="") as f:
        return {row["student"]: float(row["score"]) for row in csv.DictReader(f)}

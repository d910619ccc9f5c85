"""Grading throughput (issue: graded exercises). Run by hand from the repository root:

    python bench/bench_grading.py                        # ex01_scalar_engine, 50 submissions, 2 workers
    python bench/bench_grading.py --assignment ex02_broadcasting --submissions 20

Builds a batch of submissions of one assignment in nbgrader's layout (a third each: the source solution,
the blank release, the solution with one solution cell blanked), in a temporary copy of the course, and
times on it:

- ``autograd-course grade ... -j 2``: the hidden suite, each submission in its own sandboxed child;
- ``nbgrader autograde``: nbgrader's own grading (one Jupyter kernel per notebook, one at a time), after an
  untimed ``nbgrader generate_assignment``.

Both are timed as whole commands, start-up included. The goal set in the issue: at least 3x nbgrader's
throughput on 2 cores.
"""

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SOLUTION = re.compile(r"^([ \t]*)### BEGIN SOLUTION.*?### END SOLUTION[^\n]*", re.S | re.M)


def blank(code):
    return SOLUTION.sub(lambda m: f"{m.group(1)}# YOUR CODE HERE\n{m.group(1)}raise NotImplementedError()", code)


def write_batch(course: Path, assignment: str, count: int) -> list[Path]:
    source = next((course / "source" / assignment).glob("*.ipynb"))
    nb = json.loads(source.read_text())
    solution_cells = [c for c in nb["cells"] if c.get("metadata", {}).get("nbgrader", {}).get("solution")]
    written = []
    for i in range(count):
        copy = json.loads(json.dumps(nb))
        cells = [c for c in copy["cells"] if c.get("metadata", {}).get("nbgrader", {}).get("solution")]
        kind = i % 3
        for j, cell in enumerate(cells):
            text = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            if kind == 1 or (kind == 2 and j == i % len(solution_cells)):
                cell["source"] = blank(text)
        path = course / "submitted" / f"student{i:03d}" / assignment / source.name
        path.parent.mkdir(parents=True)
        path.write_text(json.dumps(copy))
        written.append(path)
    return written


def timed(argv, cwd) -> tuple[float, subprocess.CompletedProcess]:
    start = time.perf_counter()
    done = subprocess.run(argv, cwd=cwd, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"{' '.join(map(str, argv[:4]))} failed:\n{done.stderr[-3000:]}")
    return elapsed, done


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--course-dir", type=Path, default=REPO / "exercises")
    parser.add_argument("--assignment", default=None, help="default: ex01_scalar_engine")
    parser.add_argument("--submissions", type=int, default=50)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--skip-nbgrader", action="store_true")
    args = parser.parse_args()
    assignment = args.assignment or sorted(p.parent.name for p in args.course_dir.glob("hidden/*/test_*.py"))[0]

    with tempfile.TemporaryDirectory(prefix="bench-grading-") as tmp:
        course = Path(tmp) / "course"
        shutil.copytree(args.course_dir, course, ignore=shutil.ignore_patterns(
            "__pycache__", "gradebook.db", "release", "submitted", "autograded", "feedback"))
        if not (course / "nbgrader_config.py").exists():
            (course / "nbgrader_config.py").write_text(
                f"c = get_config()\nc.CourseDirectory.root = {str(course)!r}\nc.CourseDirectory.ignore = ['hidden']\n")
        write_batch(course, assignment, args.submissions)
        env_note = f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
        print(f"grading {args.submissions} submissions of {assignment} ({env_note})")

        ours, done = timed([sys.executable, "-m", "autograd_course.cli", "grade", assignment, course / "submitted",
                            "--course-dir", course, "--out", Path(tmp) / "out", "-j", str(args.jobs), "--seed", "1"],
                           cwd=REPO)
        scores = sorted({json.loads(p.read_text())["score"] for p in (Path(tmp) / "out").glob("*.json")})
        print(f"autograd-course grade -j {args.jobs}: {ours:7.1f} s  {args.submissions / ours:6.2f} submissions/s"
              f"  (scores seen: {scores}; {done.stdout.strip().split(' in the ')[-1].split(':')[0]})")
        if args.skip_nbgrader:
            return
        timed([sys.executable, "-m", "nbgrader", "generate_assignment", assignment, "--force"], cwd=course)
        theirs, _ = timed([sys.executable, "-m", "nbgrader", "autograde", assignment, "--force"], cwd=course)
        print(f"nbgrader autograde:       {theirs:7.1f} s  {args.submissions / theirs:6.2f} submissions/s")
        print(f"throughput ratio: {theirs / ours:.1f}x nbgrader's")


if __name__ == "__main__":
    main()

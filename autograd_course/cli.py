"""The ``autograd-course`` command.

    $ autograd-course open                   # the learner's view of the course, in JupyterLab
    $ autograd-course grade ex01_scalar_engine submitted/ --out grades/ex01 -j 2
    $ autograd-course release build/student --github my-org/autograd-student
    $ autograd-course gradescope ex01_scalar_engine -o autograder.zip

``grade`` scores submissions with the assignment's hidden suite (see ``autograd_course`` for the contract)
and writes one Gradescope results file per student, ``grades.csv``, a report (``report.py``: a summary per
part on the terminal, ``summary.csv``, ``scores.svg``, ``canvas.csv``), and with ``--nbgrader`` the gradebook.
``release`` writes the tree a course publishes for students (``release.py``); ``open`` writes one into
``student/`` (never overwriting a learner's file) and serves it in JupyterLab (``student_view.py``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .sandbox import DEFAULT_BUDGET_S, FALLBACK_NAME


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="autograd-course", description="Course tools: open, grade, release.")
    commands = parser.add_subparsers(dest="command", required=True)

    grade = commands.add_parser("grade", help="grade submissions with an assignment's hidden suite")
    grade.add_argument("assignment", help="the assignment's name (a folder of COURSE_DIR/source)")
    grade.add_argument("submissions", nargs="+", metavar="SUBMISSION",
                       help="a notebook, a submitted/<student>/<assignment>/ folder, or nbgrader's submitted/")
    grade.add_argument("--out", required=True, type=Path, help="folder for the results (created if needed)")
    grade.add_argument("-j", "--jobs", type=int, default=1, help="submissions graded in parallel (default 1)")
    grade.add_argument("--timeout", type=float, default=20.0,
                       help="seconds for the notebook's cells to run, and for each probe (default 20)")
    grade.add_argument("--course-dir", type=Path, default=Path("exercises"),
                       help="the nbgrader course folder holding source/ and hidden/ (default ./exercises)")
    grade.add_argument("--seed", type=int, help="seed for the hidden tests' random inputs (default: a new one)")
    grade.add_argument("--nbgrader", action="store_true",
                       help="also write the scores into nbgrader's gradebook (COURSE_DIR/gradebook.db)")
    grade.add_argument("--db", help="the gradebook's database URL (default sqlite:///COURSE_DIR/gradebook.db)")
    grade.add_argument("--require-sandbox", action="store_true",
                       help="kept for old scripts: grading always requires bubblewrap now")
    grade.add_argument("--sandbox", choices=["bwrap", FALLBACK_NAME], default="bwrap",
                       help=f"bwrap (the default; grades), or {FALLBACK_NAME} to try a hidden suite on a machine "
                            "without bubblewrap (a weaker sandbox that students can get past: its scores are "
                            "marked as not grades and never go into a gradebook)")
    grade.add_argument("--budget", type=float, default=DEFAULT_BUDGET_S,
                       help=f"wall-clock seconds for one submission, all its probes together (default "
                            f"{DEFAULT_BUDGET_S:g})")
    grade.add_argument("--memory-mb", type=int, default=1024, help="address-space limit of a child (MB)")
    grade.add_argument("--canvas-roster", type=Path, metavar="CSV",
                       help="a gradebook exported from Canvas: canvas.csv then matches its students and columns")
    grade.set_defaults(run=_grade)

    release = commands.add_parser("release", help="write the student release (lessons, exercises, package)")
    release.add_argument("out", type=Path, help="folder to write the release into")
    release.add_argument("--course-dir", type=Path, default=None,
                         help="the nbgrader course (default: the repository's exercises/)")
    release.add_argument("--assignment", action="append", dest="assignments", metavar="NAME",
                         help="release only this assignment (repeat for more; default: all of source/)")
    release.add_argument("--force", action="store_true", help="replace the contents of a non-empty OUT")
    release.add_argument("--github", metavar="OWNER/REPO[@REF]",
                         help="the GitHub repository the release will be pushed to: the README's Binder badge "
                              "opens it in JupyterLab at lesson 00 (REF default HEAD, the default branch)")
    release.set_defaults(run=_release)

    gradescope = commands.add_parser(
        "gradescope", help="write a Gradescope autograder (setup.sh, run_autograder) for an assignment")
    gradescope.add_argument("assignment", help="the assignment's name (a folder of COURSE_DIR/source)")
    gradescope.add_argument("-o", "--out", type=Path, required=True, help="the zip to write (autograder.zip)")
    gradescope.add_argument("--course-dir", type=Path, default=Path("exercises"),
                            help="the nbgrader course folder holding source/ and hidden/ (default ./exercises)")
    gradescope.set_defaults(run=_gradescope)

    opening = commands.add_parser(
        "open", help="open the course as a learner sees it (lessons and released exercises) in JupyterLab",
        description="Write the student view into DIR (only files it does not have yet: your work is kept) "
                    "and serve it in JupyterLab at lesson 00. Other options go to JupyterLab, e.g. "
                    "--no-browser or --port 8899.")
    opening.add_argument("--dir", type=Path, default=None,
                         help="the student view's folder (default: student/ in the repository)")
    opening.set_defaults(run=_open)

    args, rest = parser.parse_known_args(argv)
    if rest and args.command != "open":
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    args.jupyter_args = rest
    return args.run(args)


def _grade(args) -> int:
    from . import report, results
    from .grading import Assignment, GradingError, Job, check_suite, find_submissions, grade_batch, new_seed
    from .sandbox import Limits, Sandbox, SandboxUnavailable

    try:
        assignment = Assignment.load(args.course_dir, args.assignment)
        problems = check_suite(assignment)
        if problems:
            raise GradingError("the hidden suite is not usable:\n  " + "\n  ".join(problems))
        submissions = find_submissions(args.submissions, assignment)
        limits = Limits(cpu_s=max(60, int(10 * args.timeout)), memory_mb=args.memory_mb)
        if args.budget <= 0 or args.timeout <= 0:
            raise GradingError("--timeout and --budget must be positive numbers of seconds")
        sandbox = Sandbox.detect(args.sandbox, limits)
        if args.nbgrader and not sandbox.for_grades:
            raise GradingError(f"--nbgrader writes grades, and --sandbox {FALLBACK_NAME} gives none: "
                               "grade in bubblewrap to fill the gradebook")
    except (GradingError, SandboxUnavailable) as e:
        print(f"autograd-course grade: {e}", file=sys.stderr)
        return 2
    if not sandbox.for_grades:
        print(f"autograd-course grade: WARNING: {FALLBACK_NAME}: students can get past this sandbox, so these "
              "scores are not grades (their results and grades.csv say so)", file=sys.stderr)
    seed = args.seed if args.seed is not None else new_seed()
    suite = _suite_tests(assignment)
    jobs = [Job(str(assignment.course_dir), assignment.name, s, seed, args.timeout, sandbox, suite, args.budget)
            for s in submissions]

    graded = []
    with _progress(len(jobs)) as bar:
        for job, result in grade_batch(jobs, workers=args.jobs):
            results.write_result(args.out, result)
            graded.append(result)
            bar.update(1)
    csv_path = results.write_grades_csv(args.out, assignment.name)
    if args.nbgrader:
        db = args.db or f"sqlite:///{assignment.course_dir / 'gradebook.db'}"
        try:
            results.import_into_gradebook(db, assignment.name, assignment.notebook.stem, graded)
        except (LookupError, ImportError) as e:
            print(f"autograd-course grade: could not write the gradebook: {e}", file=sys.stderr)
            return 2
    ungraded = [r for r in graded if r["extra_data"]["status"] != "graded"]
    print(f"graded {len(graded)} submission(s) of {assignment.name} with seed {seed} in the {sandbox.kind} "
          f"sandbox: results in {args.out}, grades in {csv_path}"
          + (f"; {len(ungraded)} could not be graded" if ungraded else ""))
    # The report covers every results file in --out: students graded earlier included.
    summary = report.summarize(results.read_results(args.out, assignment.name))
    print(summary.text())
    try:
        written = report.write_report(summary, args.out, roster=args.canvas_roster)
    except LookupError as e:
        print(f"autograd-course grade: the Canvas file was not written: {e}", file=sys.stderr)
        return 2
    print("report: " + ", ".join(str(p) for p in written))
    return 0


def _gradescope(args) -> int:
    from .gradescope import build_zip
    from .grading import GradingError

    try:
        path = build_zip(args.assignment, args.out, args.course_dir)
    except GradingError as e:
        print(f"autograd-course gradescope: {e}", file=sys.stderr)
        return 2
    print(f"wrote {path}: upload it as the autograder of a Gradescope programming assignment (its base image: "
          "Ubuntu); students upload their notebook")
    return 0


def _suite_tests(assignment) -> tuple:
    """(name, points, cell, visibility) of each hidden test, for results of submissions that fail early."""
    from .grading import collect_tests

    return tuple((t.name, t.points, t.cell, t.visibility) for t in collect_tests(assignment))


class _progress:
    """A progress bar on stderr: tqdm's when installed, else a line per submission."""

    def __init__(self, total: int):
        self.total, self.done, self.bar = total, 0, None
        try:
            from tqdm import tqdm
        except ImportError:
            return
        self.bar = tqdm(total=total, unit="submission", file=sys.stderr, dynamic_ncols=True)

    def __enter__(self):
        return self

    def update(self, n: int):
        self.done += n
        if self.bar is not None:
            self.bar.update(n)
        else:
            print(f"graded {self.done}/{self.total}", file=sys.stderr)

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.close()


def _open(args) -> int:
    from .release import ReleaseError
    from .student_view import STUDENT_DIR, open_course

    try:
        return open_course(args.dir or STUDENT_DIR, args.jupyter_args)
    except ReleaseError as error:
        print(f"autograd-course open: {error}", file=sys.stderr)
        return 2


def _release(args) -> int:
    from .release import ReleaseError, release  # imported only when asked for

    try:
        path = release(args.out, args.course_dir, force=args.force, assignments=args.assignments,
                       github=args.github)
    except ReleaseError as error:
        print(f"autograd-course release: {error}", file=sys.stderr)
        return 2
    print(f"student release written to {path}")
    if args.github is None:
        print("autograd-course release: no --github OWNER/REPO given, so README.md has a placeholder where "
              "the Binder badge goes; release again with --github once you know the repository you push "
              "the release to", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

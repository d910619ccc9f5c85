"""nbgrader configuration for the course's exercises.

Run nbgrader from this folder (or pass --CourseDirectory.root). This folder is the
instructor's: source/ holds the solutions and hidden/ the hidden test suites that
`autograd-course grade` runs. Neither may reach a student, so both are kept out of
every folder nbgrader copies files into (release/, submitted/, autograded/,
feedback/ and the exchange) by CourseDirectory.ignore below.

`autograd-course release OUT` runs `nbgrader generate_assignment` with this file on
a temporary copy of this folder, so it never writes release/ or gradebook.db here.
"""
import os
import sysconfig

c = get_config()  # noqa: F821 - provided by nbgrader when it loads this file

# nbgrader starts `alembic` by name when it creates gradebook.db, which fails with
# "No such file or directory: 'alembic'" unless the virtual environment is on PATH.
# Put the scripts folder of the Python running nbgrader first, so `.venv/bin/nbgrader`
# and `python -m nbgrader` work in a shell where nothing was activated.
_scripts = sysconfig.get_path("scripts")
if _scripts not in os.environ.get("PATH", "").split(os.pathsep):
    os.environ["PATH"] = os.pathsep.join([_scripts, os.environ.get("PATH", os.defpath)])

# --- The course and where its files live -------------------------------------------
c.CourseDirectory.course_id = "autograd-course"
# The course root is this folder, wherever it is run from (also on a temporary copy).
c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))
c.CourseDirectory.source_directory = "source"          # assignments with solutions
c.CourseDirectory.release_directory = "release"        # what students get
c.CourseDirectory.submitted_directory = "submitted"    # submitted/<student>/<assignment>/
c.CourseDirectory.autograded_directory = "autograded"
c.CourseDirectory.feedback_directory = "feedback"
# The gradebook sits in the course root (sqlite:///<root>/gradebook.db, nbgrader's default).

# --- What never leaves the instructor's tree ------------------------------------------
# CourseDirectory.ignore is the one list every nbgrader command that copies files
# consults: generate_assignment (source -> release), autograde (source and
# submitted -> autograded), generate_feedback, release_assignment, collect, fetch,
# submit and zip_collect. Matching files and folders are skipped wherever they are.
c.CourseDirectory.ignore = [
    # nbgrader's defaults
    ".ipynb_checkpoints",
    "*.pyc",
    "__pycache__",
    "feedback",
    # hidden suites and anything that looks like one, should it be put under source/
    "hidden",
    "probes.py",
    "test_*.py",
    "*_test.py",
    "conftest.py",
    ".pytest_cache",
    # instructor-only notes, solutions and gradebooks
    "solutions",
    "*.solution.*",
    "INSTRUCTOR*",
    "gradebook.db",
    "*.db",
    "*.db-journal",
    "*.sqlite",
]

# --- Clearing solutions and hidden tests ------------------------------------------
# In a solution cell, the lines from "### BEGIN SOLUTION" to "### END SOLUTION" are
# replaced by the stub below, indented like the marker.
c.ClearSolutions.begin_solution_delimeter = "### BEGIN SOLUTION"
c.ClearSolutions.end_solution_delimeter = "### END SOLUTION"
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"
c.ClearSolutions.enforce_metadata = True

# In an autograded test cell, the lines from "### BEGIN HIDDEN TESTS" to
# "### END HIDDEN TESTS" are removed from the release.
c.ClearHiddenTests.begin_test_delimeter = "### BEGIN HIDDEN TESTS"
c.ClearHiddenTests.end_test_delimeter = "### END HIDDEN TESTS"
c.ClearHiddenTests.enforce_metadata = True

# nbgrader's autograde puts the hidden test regions back into the notebooks it runs,
# and its feedback would show them. Feedback is made with them removed again.
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "nbgrader.preprocessors.ClearHiddenTests",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]

# --- Running notebooks (nbgrader validate / autograde) ----------------------------
c.Execute.timeout = 120

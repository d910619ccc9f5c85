"""The student release holds no solution code and no hidden test text, and nbgrader keeps them out too.

``release()`` is built once into a temporary folder, then every file in it is scanned for every line of
secret text in the instructor's tree:

- solution code: the lines between ``### BEGIN SOLUTION`` and ``### END SOLUTION`` in the source notebooks;
- hidden test text: the lines between ``### BEGIN HIDDEN TESTS`` and ``### END HIDDEN TESTS``, and every
  line of every file under ``exercises/hidden/``.

A secret line is skipped as trivial when it is short (under 12 characters), has no letters, or is also a
line of something the release is meant to hold: the public parts of the source notebooks (setup cells,
instructions, visible tests), the lessons, the engine's package and binder/. Such a line (``while
stack:``, ``import numpy as np``) says nothing about a leak. Every other secret line must not occur as a
line of any released file; lines of 40 characters or more must not occur anywhere in a file at all.
"""

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("nbgrader")

from autograd_course import programs  # noqa: E402
from autograd_course.release import RELEASE_MARK, ReleaseError, release  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
EXERCISES = ROOT / "exercises"
SOURCE = EXERCISES / "source"
HIDDEN = EXERCISES / "hidden"
PUBLIC_TREES = [ROOT / "course", ROOT / "autograd_ref", ROOT / "binder"]

BEGIN_SOLUTION, END_SOLUTION = "### BEGIN SOLUTION", "### END SOLUTION"
BEGIN_HIDDEN, END_HIDDEN = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
SHORT = 12
LONG = 40


# -- what is secret and what is public ----------------------------------------------------------------------


def source_notebooks():
    return sorted(SOURCE.glob("*/*.ipynb"))


def cell_texts(path):
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        src = cell.get("source", "")
        yield cell, "".join(src) if isinstance(src, list) else src


def split_regions(text, begin, end):
    """(lines inside begin..end regions, the other lines), markers dropped."""
    inside, secret, rest = False, [], []
    for line in text.split("\n"):
        if begin in line:
            inside = True
        elif end in line:
            inside = False
        else:
            (secret if inside else rest).append(line)
    return secret, rest


def secret_and_public_lines():
    solution, hidden, public = set(), set(), set()
    for path in source_notebooks():
        for _, text in cell_texts(path):
            sol, rest = split_regions(text, BEGIN_SOLUTION, END_SOLUTION)
            hid, rest = split_regions("\n".join(rest), BEGIN_HIDDEN, END_HIDDEN)
            solution.update(line.strip() for line in sol)
            hidden.update(line.strip() for line in hid)
            public.update(line.strip() for line in rest)
    for path in sorted(HIDDEN.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            hidden.update(line.strip() for line in path.read_text(encoding="utf-8").splitlines())
    for tree in PUBLIC_TREES:
        for path in tree.rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts:
                public.update(line.strip() for line in text_lines(path))
    return solution, hidden, public


def public_text():
    """All the text the release is meant to hold, as in the instructor's tree (see secret_and_public_lines)."""
    parts = []
    for tree in PUBLIC_TREES:
        for path in sorted(tree.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                parts.append("\n".join(text_lines(path)))
    return "\n".join(parts)


def trivial(line, public_lines, public):
    """Too short to mean anything, or a line (or, if long, a piece) of what the release is meant to hold.
    The same rule as leaks() uses to find a line, so that the two agree."""
    return (len(line) < SHORT or not re.search(r"[A-Za-z]", line) or line in public_lines
            or (len(line) >= LONG and line in public))


def needles():
    solution, hidden, public_lines = secret_and_public_lines()
    public = public_text()
    return (sorted(line for line in solution if not trivial(line, public_lines, public)),
            sorted(line for line in hidden if not trivial(line, public_lines, public)))


# -- reading every file of the release -------------------------------------------------------------------


def text_of(path):
    """A file's text; for a notebook, also its cells' sources and outputs as plain lines (the JSON escapes
    quotes and newlines)."""
    raw = Path(path).read_bytes()
    text = raw.decode("utf-8", errors="replace")
    if path.suffix == ".ipynb":
        nb = json.loads(text)
        parts = [text]
        for cell in nb.get("cells", []):
            src = cell.get("source", "")
            parts.append("".join(src) if isinstance(src, list) else src)
            for output in cell.get("outputs", []):
                for value in [output.get("text", "")] + list(output.get("data", {}).values()):
                    parts.append("".join(value) if isinstance(value, list) else str(value))
        parts.append(json.dumps(nb.get("metadata", {}), ensure_ascii=False))
        text = "\n".join(parts)
    return text


def text_lines(path):
    try:
        return text_of(path).splitlines()
    except ValueError:
        return Path(path).read_bytes().decode("utf-8", errors="replace").splitlines()


def leaks(tree, needle_lines):
    """[(needle, file)] for every secret line found in a file under tree."""
    found = []
    for path in sorted(Path(tree).rglob("*")):
        if not path.is_file():
            continue
        text = text_of(path)
        lines = {line.strip() for line in text.splitlines()}
        for needle in needle_lines:
            if needle in lines or (len(needle) >= LONG and needle in text):
                found.append((needle, str(path.relative_to(tree))))
    return found


def snapshot(folder):
    """Every file under folder with a hash of its contents (and every folder)."""
    state = {}
    for path in sorted(Path(folder).rglob("*")):
        rel = str(path.relative_to(folder))
        state[rel] = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "dir"
    return state


# -- the release, built once ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    before = {tree: snapshot(tree) for tree in (EXERCISES, ROOT / "course", ROOT / "autograd_ref")}
    out = tmp_path_factory.mktemp("student") / "release"
    release(out)
    after = {tree: snapshot(tree) for tree in before}
    return out, before, after


def test_the_secret_lines_are_found_where_they_are():
    """The scan works: the needles are many, and the source notebooks and hidden suites contain them."""
    solution, hidden = needles()
    assert len(solution) >= 30 and len(hidden) >= 100
    for assignment in sorted(p.name for p in SOURCE.iterdir() if p.is_dir()):
        found = {needle for needle, _ in leaks(SOURCE / assignment, solution)}
        assert found, f"no solution line found in {assignment}'s source: the scan is broken"
        found = {needle for needle, _ in leaks(HIDDEN / assignment, hidden)}
        assert found, f"no hidden line found in {assignment}'s hidden suite: the scan is broken"


def test_no_solution_code_in_the_release(built):
    out, _, _ = built
    solution, _ = needles()
    found = leaks(out, solution)
    assert not found, "solution code in the release:\n" + "\n".join(f"  {f}: {n}" for n, f in found[:20])


def test_no_hidden_test_text_in_the_release(built):
    out, _, _ = built
    _, hidden = needles()
    found = leaks(out, hidden)
    assert not found, "hidden test text in the release:\n" + "\n".join(f"  {f}: {n}" for n, f in found[:20])


def test_a_leak_would_be_caught(built, tmp_path):
    """A copy of the release with one solution line and one hidden line slipped into a lesson fails."""
    out, _, _ = built
    copy = tmp_path / "copy"
    shutil.copytree(out, copy)
    solution, hidden = needles()
    lesson = next((copy / "course").glob("*.ipynb"))
    nb = json.loads(lesson.read_text(encoding="utf-8"))
    nb["cells"].append({"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
                        "id": "leak", "source": [f"    {solution[0]}\n", f"{hidden[-1]}"]})
    lesson.write_text(json.dumps(nb), encoding="utf-8")
    found = {needle for needle, _ in leaks(copy, solution + hidden)}
    assert found == {solution[0], hidden[-1]}


def test_the_release_has_what_a_student_needs_and_nothing_of_the_instructors(built):
    out, _, _ = built
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted([".autograd-course-release", "README.md", "autograd_ref", "binder", "course",
                            "exercises", "pyproject.toml"])
    files = [p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()]
    forbidden = re.compile(r"(^|/)(hidden|source|submitted|autograded|feedback|autograd_course|tests|"
                           r"__pycache__|\.ipynb_checkpoints)(/|$)|probes\.py$|(^|/)test_[^/]*\.py$|"
                           r"gradebook|\.db$|nbgrader_config\.py$|\.pyc$")
    assert not [f for f in files if forbidden.search(f)]
    for assignment in sorted(p.name for p in SOURCE.iterdir() if p.is_dir()):
        (notebook,) = (SOURCE / assignment).glob("*.ipynb")
        assert (out / "exercises" / assignment / notebook.name).is_file()
    for lesson in (ROOT / "course").glob("*.ipynb"):
        assert (out / "course" / lesson.name).is_file()
    assert (out / "autograd_ref" / "__init__.py").is_file()
    pyproject = (out / "pyproject.toml").read_text()
    assert 'include = ["autograd_ref*"]' in pyproject and "autograd_course" not in pyproject
    readme = (out / "README.md").read_text()
    for words in ("Binder", "YOUR CODE HERE", "Restart Kernel and Run All Cells", "nbgrader validate",
                  "hand it in", "exercises/ex01_scalar_engine/scalar_engine.ipynb"):
        assert words.lower() in readme.lower(), words


def test_released_notebooks_keep_the_stubs_and_lose_outputs(built):
    out, _, _ = built
    for source in source_notebooks():
        released = out / "exercises" / source.parent.name / source.name
        src_cells = {c["metadata"]["nbgrader"]["grade_id"]: text for c, text in cell_texts(source)
                     if c["metadata"].get("nbgrader", {}).get("solution")}
        rel_cells = {c["metadata"]["nbgrader"]["grade_id"]: text for c, text in cell_texts(released)
                     if c["metadata"].get("nbgrader", {}).get("solution")}
        assert src_cells.keys() == rel_cells.keys(), f"{released.name}: solution cells lost or renamed"
        for grade_id, text in rel_cells.items():
            assert "raise NotImplementedError" in text and "# YOUR CODE HERE" in text, (released.name, grade_id)
            assert BEGIN_SOLUTION not in text
            # the signature and docstring stay: the student needs them
            for line in src_cells[grade_id].splitlines():
                if line.startswith("def "):
                    assert line in text, (released.name, grade_id, line)
        for cell, text in cell_texts(released):
            assert BEGIN_HIDDEN not in text
            if cell["cell_type"] == "code":
                assert cell.get("outputs") == [] and cell.get("execution_count") is None
    for lesson in (out / "course").glob("*.ipynb"):
        for cell, _ in cell_texts(lesson):
            if cell["cell_type"] == "code":
                assert cell.get("outputs") == [] and cell.get("execution_count") is None


def test_release_never_writes_to_the_instructors_tree(built):
    _, before, after = built
    for tree in before:
        changed = sorted(set(before[tree].items()) ^ set(after[tree].items()))
        assert not changed, f"release() changed {tree}: {changed[:5]}"
    assert not (EXERCISES / "release").exists() and not (EXERCISES / "gradebook.db").exists()


def test_release_refuses_a_non_empty_folder_unless_forced(built, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    with pytest.raises(ReleaseError, match="not empty.*--force"):
        release(out)
    assert (out / "notes.txt").read_text() == "mine"     # untouched
    release(out, force=True, assignments=["ex01_scalar_engine"])
    assert not (out / "notes.txt").exists() and (out / RELEASE_MARK).is_file()
    assert sorted(p.name for p in (out / "exercises").iterdir()) == ["ex01_scalar_engine"]


def test_release_refuses_the_instructors_folders(tmp_path):
    for bad in (EXERCISES / "release", ROOT / "course" / "x", ROOT):
        with pytest.raises(ReleaseError, match="refusing"):
            release(bad, force=True)
    with pytest.raises(ReleaseError, match="not an earlier release"):
        release(ROOT / "tests", force=True)
    with pytest.raises(ReleaseError, match="no such assignment"):
        release(tmp_path / "x", assignments=["nope"])
    assert not (tmp_path / "x").exists()


# -- nbgrader's own commands keep hidden suites and hidden tests out -------------------------------------


def nbgrader(args, cwd):
    """nbgrader run as an instructor runs it from a shell where the virtual environment is not activated:
    the course's nbgrader_config.py must give nbgrader its `alembic` (it creates gradebook.db with it)."""
    folders = os.environ.get("PATH", os.defpath).split(os.pathsep)
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(Path(cwd) / ".jupyter-empty"),
               PATH=os.pathsep.join(f for f in folders if f and f != programs.scripts_dir()))
    done = subprocess.run([sys.executable, "-m", "nbgrader", *args, "--log-level=WARN"], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stdout + done.stderr
    return done


@pytest.mark.slow
def test_nbgrader_commands_keep_hidden_files_and_hidden_tests_out(tmp_path):
    """On a copy of the course with hidden-suite files planted next to a source notebook:
    generate_assignment, release_assignment (to an exchange), autograde and generate_feedback copy none of
    them, and the feedback shows no hidden test region."""
    assignment, notebook = "ex01_scalar_engine", "scalar_engine.ipynb"
    course = tmp_path / "course"
    course.mkdir()
    shutil.copy2(EXERCISES / "nbgrader_config.py", course)
    shutil.copytree(SOURCE / assignment, course / "source" / assignment)
    planted = ["probes.py", "test_secret.py", "conftest.py", "hidden/probes.py", "solutions/answers.py",
               "gradebook.db"]
    for rel in planted:
        path = course / "source" / assignment / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("SECRET = 'planted'\n")
    (course / "source" / assignment / "data.txt").write_text("a data file students need\n")
    (tmp_path / ".jupyter-empty").mkdir()
    exchange = tmp_path / "exchange"
    exchange.mkdir()

    nbgrader(["generate_assignment", assignment, "--force"], course)
    nbgrader(["release_assignment", assignment, "--force", f"--Exchange.root={exchange}"], course)
    submitted = course / "submitted" / "alice" / assignment
    submitted.mkdir(parents=True)
    shutil.copy2(ROOT / "tests" / "submissions" / assignment / "solution.ipynb", submitted / notebook)
    nbgrader(["autograde", assignment, "--force"], course)
    nbgrader(["generate_feedback", assignment, "--force"], course)

    for step in ("release", "autograded", "feedback"):
        folder = course / step
        assert folder.is_dir(), step
        files = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
        assert not [f for f in files if "SECRET" in (folder / f).read_text(errors="replace")], (step, files)
        assert not [f for f in files for name in planted if f.endswith(name)], (step, files)
    assert (course / "release" / assignment / "data.txt").is_file()   # ordinary files still go out
    exchanged = [p for p in exchange.rglob("*") if p.is_file()]
    assert exchanged and not [p for p in exchanged if "SECRET" in p.read_text(errors="replace")]

    (feedback,) = (course / "feedback" / "alice" / assignment).glob("*.html")
    html = feedback.read_text(encoding="utf-8")
    hidden_lines = []
    for _, text in cell_texts(SOURCE / assignment / notebook):
        hid, _ = split_regions(text, BEGIN_HIDDEN, END_HIDDEN)
        hidden_lines += [line.strip() for line in hid if len(line.strip()) >= SHORT]
    assert hidden_lines
    import html as html_module

    plain = html_module.unescape(re.sub(r"<[^>]+>", "", html))
    plain_lines = {line.strip() for line in plain.splitlines()}
    assert not [line for line in hidden_lines if line in plain_lines or line in plain], "hidden tests in feedback"
    assert "Part 1 passes its visible checks." in plain   # the feedback does show the visible tests


def test_release_command_refuses_a_non_empty_folder_with_a_message(tmp_path, capsys):
    from autograd_course.cli import main
    (tmp_path / "keep.txt").write_text("mine")
    assert main(["release", str(tmp_path)]) == 2
    assert "is not empty" in capsys.readouterr().err
    assert (tmp_path / "keep.txt").read_text() == "mine"


# -- Binder: the same binder/, and a badge that opens lesson 00 ------------------------------------------


def test_the_release_carries_binder_as_it_is(built):
    """Every file of binder/ is in the release byte for byte, postBuild still executable, nothing added."""
    out, _, _ = built
    ours = {p.relative_to(ROOT / "binder").as_posix(): p for p in (ROOT / "binder").rglob("*")
            if p.is_file() and "__pycache__" not in p.parts}
    theirs = {p.relative_to(out / "binder").as_posix(): p for p in (out / "binder").rglob("*") if p.is_file()}
    assert {"requirements.txt", "runtime.txt", "apt.txt", "postBuild"} <= set(ours)
    assert sorted(theirs) == sorted(ours)
    for name, path in ours.items():
        assert theirs[name].read_bytes() == path.read_bytes(), name
        assert os.access(theirs[name], os.X_OK) == os.access(path, os.X_OK), name
    assert os.access(out / "binder" / "postBuild", os.X_OK)


def test_without_github_the_readme_has_a_placeholder_and_says_how_to_set_it(tmp_path, capsys):
    from autograd_course.cli import main

    out = tmp_path / "student"
    assert main(["release", str(out), "--assignment", "ex01_scalar_engine"]) == 0
    err = capsys.readouterr().err
    assert "no --github" in err and "placeholder" in err
    readme = (out / "README.md").read_text(encoding="utf-8")
    assert "No Binder link yet" in readme
    assert "autograd-course release OUT --github OWNER/REPO[@REF]" in readme
    assert "mybinder.org/v2/" not in readme      # no link to a repository that does not exist


def test_with_github_the_readme_badge_opens_lesson_00_in_jupyterlab(tmp_path, capsys):
    from autograd_course.cli import main

    out = tmp_path / "student"
    assert main(["release", str(out), "--assignment", "ex01_scalar_engine",
                 "--github", "my-org/autograd-student@spring-2027"]) == 0
    assert "placeholder" not in capsys.readouterr().err
    readme = (out / "README.md").read_text(encoding="utf-8")
    url = ("https://mybinder.org/v2/gh/my-org/autograd-student/spring-2027"
           "?urlpath=lab/tree/course/00_start_here.ipynb")
    assert f"[![Binder](https://mybinder.org/badge_logo.svg)]({url})" in readme
    assert "No Binder link yet" not in readme
    assert (out / "course" / "00_start_here.ipynb").is_file()     # where the badge opens
    assert (out / "binder" / "requirements.txt").is_file()        # what Binder builds from


@pytest.mark.parametrize("spec, url", [
    ("my-org/autograd-student", "https://mybinder.org/v2/gh/my-org/autograd-student/HEAD"
                                "?urlpath=lab/tree/course/00_start_here.ipynb"),
    ("a/b.c@term/2027", "https://mybinder.org/v2/gh/a/b.c/term%2F2027?urlpath=lab/tree/course/00_start_here.ipynb"),
    ("a/b@0123abcd", "https://mybinder.org/v2/gh/a/b/0123abcd?urlpath=lab/tree/course/00_start_here.ipynb"),
])
def test_binder_links(spec, url):
    from autograd_course.release import binder_url, parse_github

    assert binder_url(*parse_github(spec), "course/00_start_here.ipynb") == url


@pytest.mark.parametrize("spec, says", [
    ("autograd-student", "OWNER/REPO"),
    ("https://github.com/my-org/autograd-student", "not a URL"),
    ("git@github.com:my-org/autograd-student.git", "not a URL"),
    ("my-org/autograd-student@", "no ref after it"),
    ("my-org/autograd-student@a..b", "not a git branch"),
    ("my-org/autograd student", "OWNER/REPO"),
    ("my-org/a/b", "OWNER/REPO"),
    ("-org/repo", "OWNER/REPO"),
])
def test_release_command_refuses_a_bad_github_with_a_message(tmp_path, capsys, spec, says):
    from autograd_course.cli import main

    out = tmp_path / "student"
    assert main(["release", str(out), f"--github={spec}"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("autograd-course release: --github wants OWNER/REPO or OWNER/REPO@REF") and says in err
    assert not out.exists()      # refused before anything was written

"""The student release: the tree a course publishes for students, the one Binder opens.

    release("build/student")                 # what `autograd-course release build/student` does
    release("build/student", force=True)     # replace an earlier release there
    release("build/student", github="my-org/autograd-student@main")   # README's Binder badge points there

The release holds::

    README.md        for students: open, work, check, hand in
    course/          the lesson notebooks, without outputs
    exercises/       every assignment as nbgrader releases it: no solutions, no hidden tests
    autograd_ref/    the reference engine, and a pyproject.toml that installs it
    binder/          what Binder builds the environment from (copied as it is)

and nothing else from the instructor's tree: not ``exercises/source`` (solutions), not
``exercises/hidden`` (the hidden suites), not the grader (``autograd_course``), not a gradebook.
The released notebooks come from ``nbgrader generate_assignment`` run with the course's own
``nbgrader_config.py`` on a temporary copy of the course, so the instructor's tree is never written to
(nbgrader would otherwise create ``release/`` and ``gradebook.db`` in it).

The release is built in a temporary folder next to ``out_dir`` and moved into place at the end: a failed
release leaves ``out_dir`` as it was.
"""

from __future__ import annotations

import fnmatch
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.parse
from pathlib import Path

try:
    import tomllib
except ImportError:  # Python 3.10
    try:
        import tomli as tomllib
    except ImportError:
        tomllib = None

ROOT = Path(__file__).resolve().parents[1]

# Never copied from any folder that goes into the release.
ALWAYS_IGNORED = [".ipynb_checkpoints", "__pycache__", "*.pyc", "*.pyo", ".pytest_cache", ".DS_Store",
                  "*.egg-info", ".hypothesis", ".benchmarks", ".ruff_cache"]

# Text that only the instructor's notebooks contain; the release is checked for it before it is moved
# into place (the real proof, line by line, is tests/test_release.py).
INSTRUCTOR_MARKERS = ["BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"]

# Written into every release, so that --force knows a folder it may replace inside the repository.
RELEASE_MARK = ".autograd-course-release"


class ReleaseError(Exception):
    """The release cannot be written; the message says why and what to do."""


def release(out_dir, course_dir=None, lessons_dir=None, *, force=False, assignments=None,
            package_dir=None, binder_dir=None, github=None) -> Path:
    """Write the student release into ``out_dir`` and return its path.

    course_dir    the nbgrader course (default: the repository's ``exercises/``)
    lessons_dir   the lesson notebooks (default: ``course/``)
    force         replace the contents of a non-empty ``out_dir`` (refused otherwise)
    assignments   names of the assignments to release (default: every folder in ``source/``); release an
                  assignment only once students may see it (exercise 2's setup shows a working backward
                  walk, which exercise 1 asks for)
    package_dir   the engine's package (default: ``autograd_ref/``)
    binder_dir    Binder's files (default: ``binder/``; skipped if missing)
    github        ``"owner/repo"`` or ``"owner/repo@ref"``: the GitHub repository the release will be pushed
                  to; the README's Binder badge opens it in JupyterLab at the first lesson (ref default
                  ``HEAD``, the default branch). Without it the README holds a placeholder saying how to set it.
    """
    course_dir = Path(course_dir or ROOT / "exercises").resolve()
    lessons_dir = Path(lessons_dir or ROOT / "course").resolve()
    package_dir = Path(package_dir or ROOT / "autograd_ref").resolve()
    binder_dir = Path(binder_dir or ROOT / "binder").resolve()
    out = Path(out_dir).expanduser().resolve()
    repository = parse_github(github) if github is not None else None

    _check_inputs(course_dir, lessons_dir, package_dir)
    _check_out_dir(out, force, protected=[course_dir, lessons_dir, package_dir, binder_dir, ROOT])
    names = _assignments(course_dir, assignments)

    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.release-", dir=out.parent))
    try:
        released = _released_exercises(course_dir, names, staging / "exercises")
        _copy_lessons(lessons_dir, staging / "course")
        _copy_tree(package_dir, staging / package_dir.name)
        (staging / "pyproject.toml").write_text(_student_pyproject(ROOT / "pyproject.toml", package_dir.name),
                                                encoding="utf-8")
        if binder_dir.is_dir():
            _copy_tree(binder_dir, staging / "binder")
        for extra in ("LICENSE", "LICENSE.txt", "LICENSE.md"):
            if (ROOT / extra).is_file():
                shutil.copy2(ROOT / extra, staging / extra)
        lessons = sorted(p.relative_to(staging).as_posix() for p in (staging / "course").glob("*.ipynb"))
        (staging / "README.md").write_text(_student_readme(lessons, released, repository),
                                           encoding="utf-8")
        (staging / RELEASE_MARK).write_text("Written by `autograd-course release`; `--force` may replace "
                                            "this folder.\n", encoding="utf-8")
        _check_no_markers(staging)
        _move_into_place(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return out


# -- the Binder link -------------------------------------------------------------------------------------

BINDER_BADGE = "https://mybinder.org/badge_logo.svg"
_OWNER = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,37}[A-Za-z0-9])?")
_REPO = re.compile(r"[A-Za-z0-9._-]{1,100}")
_REF = re.compile(r"[A-Za-z0-9._/-]{1,200}")


def parse_github(spec: str) -> tuple[str, str, str]:
    """``"owner/repo"`` or ``"owner/repo@ref"`` -> ``(owner, repo, ref)``; ref defaults to ``HEAD`` (Binder
    then opens the default branch). Raises ReleaseError saying what is expected."""
    expected = ("--github wants OWNER/REPO or OWNER/REPO@REF, the GitHub repository the release is pushed "
                "to (for example my-org/autograd-student or my-org/autograd-student@main)")
    text = str(spec).strip()
    if "://" in text or text.startswith(("github.com", "git@")):
        raise ReleaseError(f"{expected}, not a URL: {spec!r}")
    path, at, ref = text.partition("@")
    if at and not ref:
        raise ReleaseError(f"{expected}: {spec!r} has an '@' but no ref after it")
    ref = ref or "HEAD"
    owner, slash, repo = path.partition("/")
    if not slash or not _OWNER.fullmatch(owner) or not _REPO.fullmatch(repo) or repo in (".", ".."):
        raise ReleaseError(f"{expected}, not {spec!r}")
    if (not _REF.fullmatch(ref) or ".." in ref or "//" in ref or ref.startswith(("/", "-", "."))
            or ref.endswith(("/", ".", ".lock"))):
        raise ReleaseError(f"{expected}: {ref!r} is not a git branch, tag or commit name")
    return owner, repo, ref


def binder_url(owner: str, repo: str, ref: str, notebook: str | None) -> str:
    """The mybinder.org link that builds ``owner/repo`` at ``ref`` and opens ``notebook`` in JupyterLab."""
    url = (f"https://mybinder.org/v2/gh/{urllib.parse.quote(owner)}/{urllib.parse.quote(repo)}/"
           f"{urllib.parse.quote(ref, safe='')}")
    lab = f"lab/tree/{notebook}" if notebook else "lab"
    return f"{url}?urlpath={urllib.parse.quote(lab, safe='/')}"


def _binder_section(lessons: list[str], repository) -> str:
    first = lessons[0] if lessons else None
    if repository is None:
        return (
            "> **No Binder link yet.** Course staff: write this release again with\n"
            "> `autograd-course release OUT --github OWNER/REPO[@REF]`, naming the GitHub repository you push it\n"
            "> to, and a Binder badge that opens JupyterLab at the first lesson replaces this note.\n\n"
            "**On Binder:** open the link your course gives you. Binder starts JupyterLab with everything "
            "installed.")
    url = binder_url(*repository, first)
    where = f" at `{first}`" if first else ""
    return (f"[![Binder]({BINDER_BADGE})]({url})\n\n"
            f"**On Binder:** click the badge above (or open {url}). Binder starts JupyterLab{where} with\n"
            "everything installed; the first start after a change to the course can take several minutes.")


# -- checks ----------------------------------------------------------------------------------------------


def _check_inputs(course_dir: Path, lessons_dir: Path, package_dir: Path):
    if not (course_dir / "nbgrader_config.py").is_file() or not (course_dir / "source").is_dir():
        raise ReleaseError(f"{course_dir} is not an nbgrader course (it needs nbgrader_config.py and source/)")
    if not lessons_dir.is_dir():
        raise ReleaseError(f"no lessons folder at {lessons_dir}")
    if not (package_dir / "__init__.py").is_file():
        raise ReleaseError(f"no package at {package_dir}")


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _check_out_dir(out: Path, force: bool, protected: list[Path]):
    for folder in protected:
        if _inside(out, folder) and folder != ROOT:
            raise ReleaseError(f"refusing to write the release inside {folder}: choose a folder outside it")
        if _inside(folder, out):
            raise ReleaseError(f"refusing to write the release into {out}, which contains {folder}: "
                               "choose an empty folder of its own")
    if out == Path(out.anchor) or out == Path.home():
        raise ReleaseError(f"refusing to write the release into {out}: choose an empty folder of its own")
    if out.exists() and not out.is_dir():
        raise ReleaseError(f"{out} exists and is not a folder")
    if out.is_dir() and any(out.iterdir()):
        if not force:
            raise ReleaseError(f"{out} is not empty. Choose an empty or new folder, or pass --force "
                               "(force=True) to replace everything in it with the new release.")
        if _inside(out, ROOT) and not (out / RELEASE_MARK).is_file():
            raise ReleaseError(f"{out} is a folder of the instructor's repository, not an earlier release: "
                               "--force replaces only an earlier release there. Choose another folder.")


def _assignments(course_dir: Path, wanted) -> list[str]:
    available = sorted(p.name for p in (course_dir / "source").iterdir()
                       if p.is_dir() and not _ignored(p.name) and any(p.glob("*.ipynb")))
    if wanted is None:
        if not available:
            raise ReleaseError(f"no assignments in {course_dir / 'source'}")
        return available
    wanted = list(wanted)
    unknown = [name for name in wanted if name not in available]
    if unknown:
        raise ReleaseError(f"no such assignment: {', '.join(unknown)} (there are: {', '.join(available)})")
    return wanted


def _check_no_markers(tree: Path):
    for path in tree.rglob("*"):
        if path.is_file() and path.suffix in (".ipynb", ".py", ".md", ".txt", ".toml", ".cfg", ".yml", ".yaml"):
            text = path.read_text(encoding="utf-8", errors="replace")
            for marker in INSTRUCTOR_MARKERS:
                if marker in text:
                    raise ReleaseError(f"{path.relative_to(tree)} still holds '{marker}': the release was "
                                       "stopped (check the solution and hidden-test markers in the source)")


# -- the parts of the release ----------------------------------------------------------------------------


def _ignored(name: str, patterns=ALWAYS_IGNORED) -> bool:
    return any(fnmatch.fnmatch(name, pattern) for pattern in patterns)


def _copy_tree(src: Path, dst: Path, extra_ignored=()):
    patterns = ALWAYS_IGNORED + list(extra_ignored)
    shutil.copytree(src, dst, ignore=lambda _dir, names: [n for n in names if _ignored(n, patterns)],
                    symlinks=False)


def _released_exercises(course_dir: Path, names: list[str], dest: Path) -> dict[str, list[str]]:
    """Run nbgrader generate_assignment on a temporary copy of the course; copy release/<name>/ to dest.
    Returns {assignment: [released notebooks, relative to the release root]}."""
    try:
        import nbgrader  # noqa: F401 - only to say clearly that it is missing
    except ImportError:
        raise ReleaseError("nbgrader is needed to release the exercises: pip install nbgrader "
                           "(it is in the dev extra)") from None
    released = {}
    with tempfile.TemporaryDirectory(prefix="autograd-course-release-") as tmp:
        work = Path(tmp) / "course"
        work.mkdir()
        shutil.copy2(course_dir / "nbgrader_config.py", work / "nbgrader_config.py")
        # Only the assignments' sources travel: not hidden/, release/, submitted/ or a gradebook.
        for name in names:
            _copy_tree(course_dir / "source" / name, work / "source" / name)
        config_home = Path(tmp) / "jupyter-config"   # no user-level nbgrader config applies
        config_home.mkdir()
        env = dict(os.environ, JUPYTER_CONFIG_DIR=str(config_home), PYTHONDONTWRITEBYTECODE="1")
        # One run for all of them ("*": every assignment in the copy, which holds only these): nbgrader
        # takes seconds to start.
        command = [sys.executable, "-m", "nbgrader", "generate_assignment", "*", "--force", "--no-db",
                   f"--CourseDirectory.root={work}", "--log-level=WARN"]
        done = subprocess.run(command, cwd=work, env=env, capture_output=True, text=True,
                              stdin=subprocess.DEVNULL, timeout=900)
        for name in names:
            out_dir = work / "release" / name
            if done.returncode != 0 or not out_dir.is_dir() or not any(out_dir.glob("*.ipynb")):
                raise ReleaseError(f"nbgrader generate_assignment {name} failed:\n"
                                   f"{(done.stdout + done.stderr).strip()[-3000:]}")
            _copy_tree(out_dir, dest / name)
            released[name] = sorted(p.relative_to(dest.parent).as_posix() for p in (dest / name).glob("*.ipynb"))
    return released


def _copy_lessons(src: Path, dst: Path):
    _copy_tree(src, dst)
    for path in dst.rglob("*.ipynb"):
        nb = json.loads(path.read_text(encoding="utf-8"))
        for cell in nb.get("cells", []):
            if cell.get("cell_type") == "code":
                cell["outputs"] = []
                cell["execution_count"] = None
            cell.get("metadata", {}).pop("execution", None)
        nb.get("metadata", {}).pop("widgets", None)
        path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def _toml_list(values) -> str:
    return "[" + ", ".join(json.dumps(v) for v in values) + "]"


def _student_pyproject(instructor_pyproject: Path, package: str) -> str:
    """A pyproject.toml that installs only the engine, with the extras a student may want."""
    project = {}
    if instructor_pyproject.is_file() and tomllib is not None:
        project = tomllib.loads(instructor_pyproject.read_text(encoding="utf-8")).get("project", {})
    extras = {k: v for k, v in project.get("optional-dependencies", {}).items() if k != "dev"}
    lines = [
        "# The student release: the reference engine, and the tools to run the lessons (extra: course).",
        "#   pip install -e \".[course]\"",
        "[build-system]",
        'requires = ["setuptools>=68", "wheel"]',
        'build-backend = "setuptools.build_meta"',
        "",
        "[project]",
        f"name = {json.dumps(project.get('name', 'autograd-course'))}",
        f"version = {json.dumps(project.get('version', '0.1.0'))}",
        f"description = {json.dumps(project.get('description', 'Learn autograd by running it and building it.'))}",
        'readme = "README.md"',
        f"requires-python = {json.dumps(project.get('requires-python', '>=3.10'))}",
        f"dependencies = {_toml_list(project.get('dependencies', ['numpy']))}",
        "",
    ]
    if extras:
        lines.append("[project.optional-dependencies]")
        lines += [f"{name} = {_toml_list(values)}" for name, values in extras.items()]
        lines.append("")
    lines += ["[tool.setuptools.packages.find]", f'include = ["{package}*"]', ""]
    return "\n".join(lines)


def _title(notebook: Path) -> str:
    try:
        nb = json.loads(notebook.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return notebook.stem
    if nb.get("metadata", {}).get("title"):
        return nb["metadata"]["title"]
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "markdown":
            text = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            for line in text.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return notebook.stem


def _student_readme(lessons: list[str], released: dict[str, list[str]], repository=None) -> str:
    lesson_lines = "\n".join(f"- `{path}`" for path in lessons) or "- (none yet)"
    exercise_lines = []
    for name, notebooks in released.items():
        for nb in notebooks:
            exercise_lines.append(f"- `{nb}`")
    exercise_lines = "\n".join(exercise_lines) or "- (none yet)"
    binder = _binder_section(lessons, repository)
    return f"""# autograd-course: lessons and exercises

Learn how PyTorch's autograd works, first by running it and then by building it.

- `course/`: the lessons, in reading order.
- `exercises/`: the graded exercises, one folder per exercise.
- `autograd_ref/`: a small reference engine with PyTorch's API (`import autograd_ref as torch`), which
  the lessons use. You can read its code too.

## Open the course

{binder}
A Binder session is temporary: it ends after some minutes without activity and your changes are gone,
so download your notebooks (*File → Download*) before you stop.

**On your own computer** (Python 3.10 or newer), from this folder:

```bash
python3 -m venv .venv
.venv/bin/pip install -e ".[course]"
.venv/bin/jupyter lab
```

(On Windows, use `.venv\\Scripts\\pip` and `.venv\\Scripts\\jupyter`.)

## The lessons

{lesson_lines}

## The exercises

{exercise_lines}

Each notebook says at the top what to write, how many points each part is worth and about how long it
takes. Then:

1. **Write your code** in the cells that say `# YOUR CODE HERE`, in place of
   `raise NotImplementedError()`. Keep the names of the functions and their arguments. Do not delete or
   copy the answer cells, and do not rename the notebook: the grader finds your answers by the cells'
   hidden ids.
2. **Check your work** as you go: run the test cell after each part. It prints a short message when its
   checks pass, and shows an error that says what is wrong when they do not.
3. **Check the whole notebook** before you hand it in: *Kernel → Restart Kernel and Run All Cells*, and
   see that every cell runs. If nbgrader is installed (`pip install nbgrader`), this does the same from a
   terminal: `nbgrader validate exercises/<exercise>/<notebook>.ipynb`.
4. **Hand it in** the way your course says: upload the `.ipynb` file to your course's site (on Binder,
   download it first), or, on a JupyterHub with nbgrader, use the *Assignments* tab to fetch the exercise
   and submit it.

### How it is graded

The test cells in the notebook are there to help you; they are not your grade. After you hand in, the
grader runs only your answer cells, together with the notebook's own setup cells, and calls your
functions with hidden tests: other numbers, other shapes and other graphs, drawn at random, compared with
a reference engine and with finite differences. Every part gets points of its own, so a partly working
notebook gets partial credit, and each failed check says which idea it tests (for example "gradients
overwrite instead of accumulating"). Code that special-cases the visible checks scores nothing.
The grader runs your code with Python's standard library and numpy only, so import nothing else.
"""


def _move_into_place(staging: Path, out: Path):
    if out.is_dir():
        # Checked empty before, or force: replace what is there.
        for child in out.iterdir():
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child)
            else:
                child.unlink()
        for child in staging.iterdir():
            os.replace(child, out / child.name)
        staging.rmdir()
    else:
        os.replace(staging, out)
    os.chmod(out, 0o755)

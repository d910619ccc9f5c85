"""The student view: the course as a learner sees it, opened in JupyterLab at lesson 00.

    $ autograd-course open                    # writes student/ once, then opens it
    $ autograd-course open --no-browser --port 8899

This repository is the instructor's: it holds the exercises' solutions and hidden suites. A learner who
clones it opens ``student/`` instead, a student release of it (``release.py``): the lessons and the released
exercises, nothing else from ``exercises/``. JupyterLab serves only that folder, with nbgrader's *Validate*
button and without its instructor tools (formgrader, creating assignments, the course list), as on Binder.

``student/`` is the learner's working copy. Opening again never overwrites a file in it: files that a newer
version of the course adds (a new lesson, a newly released exercise) are copied in, and every file the
learner already has is kept as it is.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

from .programs import environ_with_scripts
from .release import RELEASE_MARK, ROOT, ReleaseError, release

STUDENT_DIR = ROOT / "student"
FIRST_LESSON = "course/00_start_here.ipynb"

# nbgrader's parts that only an instructor uses; binder/postBuild switches off the same ones.
INSTRUCTOR_LAB_PLUGINS = ["@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment",
                          "@jupyter/nbgrader:course-list"]
INSTRUCTOR_SERVER_EXTENSIONS = ["nbgrader.server_extensions.formgrader", "nbgrader.server_extensions.course_list"]


def prepare(dest: Path = STUDENT_DIR) -> tuple[list[str], int]:
    """Bring ``dest`` up to date with a fresh release without changing any file already in it.

    Returns (the files added, relative to ``dest``; how many files were kept as they were)."""
    dest = Path(dest).resolve()
    if dest.exists() and not dest.is_dir():
        raise ReleaseError(f"{dest} exists and is not a folder: move it away, or pass --dir another folder")
    if dest.is_dir() and any(dest.iterdir()) and not (dest / RELEASE_MARK).is_file():
        raise ReleaseError(f"{dest} holds files that `autograd-course open` did not write: pass --dir a new "
                           "or empty folder for the student view")
    dest.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".student-view-", dir=dest.parent) as tmp:
        fresh = release(Path(tmp) / "release")
        added, kept = [], 0
        for path in sorted(fresh.rglob("*")):
            if path.is_dir():
                continue
            target = dest / path.relative_to(fresh)
            if target.exists() or target.is_symlink():
                kept += 1
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
            added.append(path.relative_to(fresh).as_posix())
    return added, kept


def write_jupyter_config(folder: Path) -> Path:
    """A Jupyter configuration folder that switches off nbgrader's instructor tools; returns ``folder``.

    It goes on ``JUPYTER_CONFIG_PATH``, which Jupyter reads before the environment's own configuration
    (where nbgrader switches everything on), so it applies to this server only."""
    (folder / "labconfig").mkdir(parents=True, exist_ok=True)
    (folder / "labconfig" / "page_config.json").write_text(json.dumps(
        {"disabledExtensions": {plugin: True for plugin in INSTRUCTOR_LAB_PLUGINS}}, indent=1))
    (folder / "jupyter_server_config.json").write_text(json.dumps(
        {"ServerApp": {"jpserver_extensions": {name: False for name in INSTRUCTOR_SERVER_EXTENSIONS}}}, indent=1))
    return folder


def jupyter_lab_command(dest: Path, extra_args: list[str]) -> tuple[list[str], dict[str, str]]:
    """The command line and environment that serve ``dest`` in JupyterLab and open its first lesson.

    The server's own URL (printed in the terminal, and ``/`` in a browser) leads to the first lesson too."""
    config = write_jupyter_config(Path(dest) / ".jupyter-student")
    env = environ_with_scripts()
    env["JUPYTER_CONFIG_PATH"] = os.pathsep.join(
        [str(config)] + [p for p in env.get("JUPYTER_CONFIG_PATH", "").split(os.pathsep) if p])
    argv = [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={dest}",
            f"--LabApp.default_url=/lab/tree/{FIRST_LESSON}"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        argv.append("--allow-root")   # Jupyter refuses root unless told; as in a container or on CI
    return argv + [str(Path(dest) / FIRST_LESSON)] + list(extra_args), env


def open_course(dest: Path = STUDENT_DIR, extra_args: list[str] = ()) -> int:
    """Prepare the student view and replace this process with JupyterLab serving it."""
    dest = Path(dest).resolve()
    added, kept = prepare(dest)
    if kept and added:
        print(f"student view in {dest}: {len(added)} new file(s) added; your {kept} file(s) kept as they were")
    elif kept:
        print(f"student view in {dest}: your files are kept as they were")
    else:
        print(f"student view written to {dest}: the lessons and the exercises, without solutions")
    argv, env = jupyter_lab_command(dest, list(extra_args))
    sys.stdout.flush()
    os.chdir(dest)
    os.execve(argv[0], argv, env)

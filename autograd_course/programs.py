"""Finding the programs the course starts, on a machine where nobody activated the virtual environment.

Programs installed with the course (nbgrader, alembic, jupyter, pytest, ``autograd-course``) live in the
scripts folder of the interpreter that runs this code (``.venv/bin``), which is on ``PATH`` only when the
environment is activated. The course starts them as ``python -m ...`` where it can. nbgrader itself runs
``alembic`` by name when it creates a gradebook; ``environ_with_scripts`` and ``scripts_on_path`` put the
scripts folder first on ``PATH`` for it.

    >>> env = environ_with_scripts()          # for subprocess.run(..., env=env)
    >>> with scripts_on_path(): Gradebook(url)  # nbgrader's own subprocesses find alembic

System programs (bubblewrap's ``bwrap``, graphviz's ``dot``, Chromium) are found on ``PATH`` as usual.
"""

from __future__ import annotations

import contextlib
import os
import sysconfig


def scripts_dir() -> str:
    """The folder holding the console scripts of the packages installed beside this interpreter."""
    return sysconfig.get_path("scripts")


def path_with_scripts(path: str | None) -> str:
    """``path`` (a PATH value; the system default when None) with the scripts folder first, once."""
    folders = (os.defpath if path is None else path).split(os.pathsep)
    here = scripts_dir()
    return os.pathsep.join([here] + [folder for folder in folders if folder and folder != here])


def environ_with_scripts(env: dict[str, str] | None = None) -> dict[str, str]:
    """A copy of ``env`` (default: this process's environment) whose PATH starts with the scripts folder."""
    env = dict(os.environ if env is None else env)
    env["PATH"] = path_with_scripts(env.get("PATH"))
    return env


@contextlib.contextmanager
def scripts_on_path():
    """Within the block, this process's PATH starts with the scripts folder (for libraries, such as
    nbgrader's gradebook, that start programs by name); restored afterwards."""
    before = os.environ.get("PATH")
    os.environ["PATH"] = path_with_scripts(before)
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("PATH", None)
        else:
            os.environ["PATH"] = before

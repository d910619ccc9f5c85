"""The system programs some tests need, which pip cannot install: graphviz's ``dot``, bubblewrap's ``bwrap``
and Debian's Chromium. ``.ci/run`` installs them with apt-get when run as root.

A test says what it needs with a mark, and ``conftest.py`` checks before it runs::

    @pytest.mark.needs("dot")
    def test_a_picture(): ...

Where a program is missing the test skips, saying what to install; under ``CI=true`` it fails instead, so
that CI cannot pass while a whole kind of test silently did not run.
"""

from __future__ import annotations

import functools
import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"


def _dot() -> str | None:
    if shutil.which("dot") is None:
        return "graphviz's dot program is not on the PATH (Debian: apt-get install graphviz)"
    return None


def _bwrap() -> str | None:
    from autograd_course import sandbox

    problem = sandbox._bwrap_problem()      # installed, and able to start the grader's child here
    return f"bubblewrap cannot run the grader's sandbox: {problem}" if problem else None


def _chromium() -> str | None:
    if not Path(CHROMIUM).is_file():
        return f"no Chromium at {CHROMIUM} (Debian: apt-get install chromium)"
    return None


CHECKS = {"dot": _dot, "bwrap": _bwrap, "chromium": _chromium}


@functools.cache
def problem(program: str) -> str | None:
    """Why ``program`` cannot be used here, or None when it can."""
    if program not in CHECKS:
        raise ValueError(f"unknown system program {program!r}: one of {', '.join(CHECKS)}")
    return CHECKS[program]()


def require(program: str):
    """Skip the calling test (fail it under CI=true) unless ``program`` can be used here."""
    reason = problem(program)
    if reason is None:
        return
    message = f"needs {program}: {reason}; .ci/run installs it when run as root"
    if os.environ.get("CI"):
        pytest.fail(f"{message} (a failure, not a skip, because CI is set)", pytrace=False)
    pytest.skip(message)


def grading_sandbox() -> str:
    """The ``--sandbox`` for tests of grading logic (scores, results), not of the sandbox itself: bubblewrap
    where it runs; elsewhere the fallback, so that a machine without bubblewrap still checks the scores
    (under CI=true, bubblewrap is required)."""
    if problem("bwrap") is None:
        return "bwrap"
    if os.environ.get("CI"):
        require("bwrap")
    from autograd_course.sandbox import FALLBACK_NAME

    return FALLBACK_NAME

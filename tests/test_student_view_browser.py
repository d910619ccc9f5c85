"""README's first command in a real browser: ``autograd-course open`` serves the student view, and in
JupyterLab (headless Debian Chromium, as tests/test_browser.py) an exercise opens with nbgrader's Validate
button, which works, while the instructor's tools (formgrader) are nowhere in the menus.

The server is started as README's command starts it (``autograd-course open``, from this virtual
environment, with Jupyter's user folders empty), with ``--no-browser`` and a known port and token so that
Playwright can open it."""

from __future__ import annotations

import secrets
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytest_plugins = ["binder_env"]
pytest.register_assert_rewrite("binder_env")

from binder_env import (PILOT, artifacts_dir, fresh_user_environ, free_port, open_notebook,  # noqa: E402
                        stop_process_group, validate)

pytest.importorskip("nbgrader")


class OpenedCourse:
    """The JupyterLab that ``autograd-course open`` started (what open_notebook needs of a server)."""

    def __init__(self, root: Path, home: Path, log: Path):
        self.root, self.token, self.port = root, secrets.token_hex(16), free_port()
        self.log_path = log
        command = [sys.executable, "-m", "autograd_course.cli", "open", "--dir", str(root), "--no-browser",
                   "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={self.port}", "--ServerApp.port_retries=0",
                   f"--IdentityProvider.token={self.token}",
                   "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
        self.log = open(log, "wb")
        self.process = subprocess.Popen(command, env=fresh_user_environ(home), stdout=self.log,
                                        stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str = "") -> str:
        return f"{self.base}/lab/tree/{path}?reset&token={self.token}"

    def wait_ready(self, deadline_s: float = 300):
        end = time.monotonic() + deadline_s
        while time.monotonic() < end and self.process.poll() is None:
            try:
                with urllib.request.urlopen(f"{self.base}/api/status?token={self.token}", timeout=5) as reply:
                    if reply.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.5)
        self.log.flush()
        raise AssertionError(f"autograd-course open did not serve the course:\n{self.log_path.read_text()[-3000:]}")


@pytest.fixture(scope="module")
def opened(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("open")
    course = OpenedCourse(tmp / "student", tmp / "home", tmp / "jupyterlab.log")
    try:
        course.wait_ready()
        yield course
    finally:
        stop_process_group(course.process)
        course.log.close()


def test_the_student_view_validates_an_exercise_and_shows_no_instructor_tools(opened, page):
    notebook = next((opened.root / "exercises" / PILOT).glob("*.ipynb")).name
    open_notebook(page, opened, f"exercises/{PILOT}/{notebook}")
    # nbgrader's menu keeps what students use (the assignment list), not the instructor's tools
    page.locator(".lm-MenuBar-itemLabel", has_text="Nbgrader").first.click()
    items = page.locator(".lm-Menu-itemLabel").all_text_contents()
    page.keyboard.press("Escape")
    assert items and not any(word in " ".join(items) for word in ("Formgrader", "Course List", "Create")), items
    dialog = validate(page)
    dialog.screenshot(path=str(artifacts_dir() / "browser-student-view-validate.png"))
    text = dialog.inner_text()
    assert "The following cell failed:" in text and "NotImplementedError" in text, text
    # The file browser lists the student view only: lessons and released exercises.
    page.keyboard.press("Escape")
    page.locator(".jp-BreadCrumbs-home").first.click()
    page.locator(".jp-DirListing-content", has_text="exercises").first.wait_for(state="visible")
    listing = page.locator(".jp-DirListing-content").first.inner_text()
    assert "course" in listing and "exercises" in listing and "autograd_course" not in listing, listing

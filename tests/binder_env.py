"""Session fixtures shared by test_binder.py, test_browser.py and test_journey.py (loaded with
``pytest_plugins = ["binder_env"]``, so each is built once per test session, however many modules use it).

- ``student_release``: ``autograd-course release`` of the course with the first assignment (ex01_scalar_engine), the tree a
  course publishes and Binder opens (read-only for tests: copy it before changing anything).
- ``binder_env``: what Binder builds from that tree's ``binder/``, without Docker: a fresh virtual
  environment with the runtime's Python, ``pip install -r binder/requirements.txt``, then ``binder/postBuild``
  run from the tree's root with the environment first on PATH, as repo2docker runs it. Its Jupyter sees no
  user-level configuration, data or kernels (they live in temporary folders of its own).
- ``jupyterlab``: JupyterLab from ``binder_env`` serving a folder on 127.0.0.1, on a free port, with a token;
  stopped (its whole process group, kernels included) at the end of the session.

Helpers that tests/test_readme.py reuses: ``pypi_reachable``, ``fresh_user_environ``, ``free_port`` and
``stop_process_group``.

Building the environment needs PyPI. When pip fails and PyPI cannot be reached, the tests that need it
skip, saying so; any other failure fails them with pip's output.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

import system_programs

ROOT = Path(__file__).resolve().parents[1]
PILOT = "ex01_scalar_engine"
GITHUB = "my-org/autograd-student@main"


def runtime_version() -> str:
    """'3.11' from binder/runtime.txt's 'python-3.11'."""
    text = (ROOT / "binder" / "runtime.txt").read_text(encoding="utf-8").strip()
    match = re.fullmatch(r"python-(\d+\.\d+)(\.\d+)?", text)
    assert match, f"binder/runtime.txt should read python-X.Y, not {text!r}"
    return match.group(1)


def pypi_reachable(timeout: float = 10.0) -> bool:
    index = os.environ.get("PIP_INDEX_URL", "https://pypi.org/simple/").rstrip("/")
    try:
        with urllib.request.urlopen(f"{index}/pip/", timeout=timeout) as reply:
            return reply.status == 200
    except (OSError, urllib.error.URLError):
        return False


def _run(command, *, env=None, cwd=None, timeout=900, what=""):
    done = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL)
    if done.returncode != 0:
        output = (done.stdout + done.stderr).strip()
        output = "\n".join(line for line in output.splitlines() if not line.startswith("WARNING: Location"))
        if not pypi_reachable():
            pytest.skip(f"PyPI is unreachable, so the Binder environment cannot be built ({what} failed)")
        pytest.fail(f"{what} failed (exit {done.returncode}):\n{output[-4000:]}", pytrace=False)
    return done


def fresh_user_environ(home: Path) -> dict[str, str]:
    """This process's environment as a fresh machine's user would have it: without Jupyter's, IPython's,
    Python's, conda's or an active virtual environment's variables, and with Jupyter's user-level folders
    (config, data, runtime), IPython's and matplotlib's in new folders under ``home``, so that no user-level
    configuration, data or kernels of this machine are seen."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("JUPYTER", "PYTHON", "IPYTHON", "VIRTUAL_ENV", "CONDA"))}
    env.update(
        PYTHONNOUSERSITE="1",
        JUPYTER_CONFIG_DIR=str(home / "config"),
        JUPYTER_DATA_DIR=str(home / "data"),
        JUPYTER_RUNTIME_DIR=str(home / "runtime"),
        IPYTHONDIR=str(home / "ipython"),
        JUPYTER_PLATFORM_DIRS="1",
        MPLCONFIGDIR=str(home / "matplotlib"),
        NO_COLOR="1",
    )
    for key in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR", "IPYTHONDIR", "MPLCONFIGDIR"):
        Path(env[key]).mkdir(parents=True, exist_ok=True)
    return env


class BinderEnv:
    """A virtual environment built as Binder builds the student's, and the environment to run it with."""

    def __init__(self, prefix: Path, home: Path, tree: Path):
        self.prefix, self.tree = prefix, tree
        self.bin = prefix / "bin"
        self.python = self.bin / "python"
        env = fresh_user_environ(home)
        env.update(PATH=f"{self.bin}{os.pathsep}{os.environ.get('PATH', '')}", VIRTUAL_ENV=str(prefix))
        self.env = env

    def run(self, *args, cwd=None, timeout=600, check=True):
        done = subprocess.run([str(a) for a in args], env=self.env, cwd=cwd or self.tree, capture_output=True,
                              text=True, timeout=timeout, stdin=subprocess.DEVNULL)
        if check and done.returncode != 0:
            raise AssertionError(f"{' '.join(map(str, args))} exited {done.returncode}:\n"
                                 f"{(done.stdout + done.stderr)[-4000:]}")
        return done


@pytest.fixture(scope="session")
def student_release(tmp_path_factory) -> Path:
    pytest.importorskip("nbgrader")
    from autograd_course.release import release

    return release(tmp_path_factory.mktemp("binder") / "student", assignments=[PILOT], github=GITHUB)


@pytest.fixture(scope="session")
def binder_env(tmp_path_factory, student_release) -> BinderEnv:
    version = runtime_version()
    if f"{sys.version_info.major}.{sys.version_info.minor}" == version:
        base = sys.executable
    else:
        base = shutil.which(f"python{version}")
    if base is None:
        pytest.fail(f"binder/runtime.txt asks for Python {version}, which is not on PATH here: the Binder "
                    f"environment cannot be built as Binder builds it", pytrace=False)
    work = tmp_path_factory.mktemp("binder-env")
    prefix = work / "venv"
    # The tree is copied: postBuild installs the package from it and may leave build files behind.
    tree = work / "repo"
    shutil.copytree(student_release, tree, symlinks=True)
    subprocess.run([base, "-m", "venv", str(prefix)], check=True, capture_output=True, timeout=300)
    env = BinderEnv(prefix, work / "home", tree)
    # --no-compile: the same packages, without compiling thousands of .pyc files no test imports
    _run([env.python, "-m", "pip", "install", "-q", "--no-compile", "-r",
          str(tree / "binder" / "requirements.txt")],
         env=env.env, cwd=tree, what="pip install -r binder/requirements.txt")
    _run([str(tree / "binder" / "postBuild")], env=env.env, cwd=tree, what="binder/postBuild")
    return env


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class JupyterLab:
    """A running ``jupyter lab``; ``url(path)`` opens a file under its root in JupyterLab."""

    def __init__(self, env: BinderEnv, root: Path, log: Path):
        self.root, self.token, self.log_path = root, secrets.token_hex(16), log
        self.port = free_port()
        command = [str(env.bin / "jupyter"), "lab", "--no-browser", "--ServerApp.ip=127.0.0.1",
                   f"--ServerApp.port={self.port}", "--ServerApp.port_retries=0",
                   f"--IdentityProvider.token={self.token}", f"--ServerApp.root_dir={root}",
                   "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
        if os.geteuid() == 0:
            command.append("--allow-root")
        self.log = open(log, "wb")
        # A session of its own: stop() signals the whole group, the kernels it started included.
        self.process = subprocess.Popen(command, env=env.env, cwd=root, stdout=self.log, stderr=subprocess.STDOUT,
                                        stdin=subprocess.DEVNULL, start_new_session=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str = "") -> str:
        return f"{self.base}/lab/tree/{path}?reset&token={self.token}"

    def wait_ready(self, deadline_s: float = 180):
        end = time.monotonic() + deadline_s
        while time.monotonic() < end:
            if self.process.poll() is not None:
                break
            try:
                with urllib.request.urlopen(f"{self.base}/api/status?token={self.token}", timeout=5) as reply:
                    if reply.status == 200:
                        return
            except (OSError, urllib.error.URLError):
                pass
            time.sleep(0.5)
        self.stop()
        raise AssertionError(f"JupyterLab did not start (exit code {self.process.returncode}):\n{self.output()}")

    def output(self) -> str:
        self.log.flush()
        return self.log_path.read_text(errors="replace")[-4000:]

    def stop(self):
        stop_process_group(self.process)
        self.log.close()


def stop_process_group(process: subprocess.Popen):
    """Stop ``process``, started with ``start_new_session=True``, and everything in its process group:
    SIGTERM (a Jupyter server shuts its kernels down), SIGKILL if it is still there after 15 s, then SIGKILL
    to the group again for anything a clean shutdown left behind."""
    if process.poll() is None:
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=15)
        except ProcessLookupError:
            pass
    try:
        os.killpg(process.pid, signal.SIGKILL)   # kernels left behind by a clean shutdown
    except (ProcessLookupError, PermissionError):
        pass


@pytest.fixture(scope="session")
def jupyterlab(tmp_path_factory, binder_env):
    """JupyterLab serving an empty folder; tests copy what they open into ``jupyterlab.root``."""
    root = tmp_path_factory.mktemp("served")
    lab = JupyterLab(binder_env, root, tmp_path_factory.mktemp("logs") / "jupyterlab.log")
    try:
        lab.wait_ready()
        yield lab
    finally:
        lab.stop()


def artifacts_dir() -> Path:
    """Where the browser tests save their screenshots: $AUTOGRAD_COURSE_ARTIFACTS, or
    <temp dir>/autograd-course-artifacts."""
    import tempfile

    folder = Path(os.environ.get("AUTOGRAD_COURSE_ARTIFACTS")
                  or Path(tempfile.gettempdir()) / "autograd-course-artifacts")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


# -- the browser -----------------------------------------------------------------------------------------

CHROMIUM = system_programs.CHROMIUM
# As root Chromium needs --no-sandbox; the network flags stop it calling home from a machine without a network.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--disable-quic",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless, driven by Playwright (never a browser Playwright downloads)."""
    system_programs.require("chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail('Playwright is not installed; install the dev extra: pip install -e ".[dev]"', pytrace=False)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    context.set_default_timeout(60_000)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


def open_notebook(page, lab: JupyterLab, path: str):
    """Open ``path`` (relative to the server's root) in JupyterLab and wait until its kernel is idle."""
    page.goto(lab.url(path))
    page.locator(".jp-NotebookPanel .jp-Notebook .jp-Cell").first.wait_for(state="visible", timeout=120_000)
    page.wait_for_function("""() => Array.from(document.querySelectorAll('.jp-StatusBar-TextItem'))
                                     .some(e => /\\|\\s*Idle/.test(e.textContent))""", timeout=120_000)


def run_all_cells(page, timeout_ms: int = 300_000):
    """Run > Run All Cells, and wait until every code cell has run or one shows an error."""
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    page.locator('.lm-Menu-item[data-command="runmenu:run-all"]').click()
    page.wait_for_function("""() => {
        // a cell whose code is collapsed (a lesson's Prediction) shows no run number: leave it out
        const cells = Array.from(document.querySelectorAll('.jp-Notebook .jp-CodeCell'))
            .filter(c => !c.querySelector('.jp-InputPlaceholder, .jp-Placeholder'));
        const prompts = cells.map(c => c.querySelector('.jp-InputPrompt')).filter(p => p);
        const errors = document.querySelectorAll('.jp-Notebook [data-mime-type="application/vnd.jupyter.stderr"]');
        const traceback = Array.from(errors).some(e => e.textContent.includes('Traceback'));
        const done = prompts.length > 0 && prompts.every(p => /\\[\\d+\\]/.test(p.textContent));
        return traceback || done;
    }""", timeout=timeout_ms)


def error_outputs(page) -> list[str]:
    texts = page.locator('.jp-Notebook [data-mime-type="application/vnd.jupyter.stderr"]').all_text_contents()
    return [t for t in texts if "Traceback" in t or "Error" in t]


def validate(page):
    """Click nbgrader's Validate button and return the text of the dialog that shows the result."""
    page.locator(".jp-NotebookPanel-toolbar .validate-button").locator("visible=true").first.click()
    dialog = page.locator(".jp-Dialog", has_text="Validation Results")
    dialog.wait_for(state="visible", timeout=300_000)
    return dialog


def scroll_until(page, find, what: str, rounds: int = 300):
    """Scroll the open notebook down, step by step, until ``find()`` returns something (JupyterLab renders
    cells and outputs only as they come into view, so something far down may not be in the page yet).
    Starts from the top; fails saying ``what`` was not found."""
    scroller = page.locator(".jp-NotebookPanel .jp-WindowedPanel-outer").first
    scroller.evaluate("e => { e.scrollTop = 0; }")
    at_end = 0
    for _ in range(rounds):
        found = find()
        if found is not None:
            return found
        end = scroller.evaluate("""e => { const end = e.scrollTop + e.clientHeight >= e.scrollHeight - 2;
                                          e.scrollTop += Math.round(e.clientHeight * 0.7); return end; }""")
        at_end = at_end + 1 if end else 0
        if at_end > 20:          # at the bottom for a while, everything rendered, still not there
            break
        page.wait_for_timeout(150)
    raise AssertionError(f"{what} not found in the notebook")

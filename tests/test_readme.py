"""README.md's two commands, checked as a user runs them.

- The first sets up and opens the course. It is taken verbatim from README.md and run with bash, as a user
  runs it on a fresh copy of the repository: in a temporary folder holding the working-tree files git tracks
  (so an uncommitted README counts), with Jupyter's user folders empty (``fresh_user_environ``), a PATH
  without this interpreter's scripts folder (nothing activated), a browser that only records what it is
  asked to open (``BROWSER``), and a free port (``JUPYTER_PORT``, which jupyter_server reads). JupyterLab
  must come up and send the browser to lesson 00, which the server must serve with a kernel to run it in,
  and the link it prints must lead there too. What it serves is the student view: the lessons and the
  released exercises, no solution or hidden test anywhere, nbgrader's Validate button and not its
  instructor tools. Run as root, as CI runs, this also checks that Jupyter agrees to start.
- The second runs the tests: ``.ci/run`` must run the same steps (it may install more packages between them).

The first command installs the course extra from PyPI, with pip's own cache (in HOME, shared with the Binder
environment's build and .ci/run); when it fails and PyPI cannot be reached, the test skips, saying so.
"""

from __future__ import annotations

import html
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import parse_qs, quote, unquote, urlsplit
from urllib.request import url2pathname

import pytest

pytest.register_assert_rewrite("binder_env")

from binder_env import fresh_user_environ, free_port, pypi_reachable, stop_process_group  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
LESSON_00 = Path("course") / "00_start_here.ipynb"
SETUP_DEADLINE_S = 1200      # a fresh venv and the course extra from PyPI on a slow CI machine, then the server


def readme_commands() -> list[str]:
    """The command line of each fenced bash block of README.md, in order (each block must be one line)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = []
    for block in re.findall(r"^```bash\n(.*?)^```", text, re.M | re.S):
        lines = [line for line in block.splitlines() if line.strip()]
        assert len(lines) == 1, f"a README bash block should hold one command line, not:\n{block}"
        commands.append(lines[0])
    assert len(commands) >= 2, "README.md should start with two bash blocks: open the course, run the tests"
    return commands


def copy_tracked_tree(dest: Path) -> Path:
    """The files git tracks, as they are in the working tree (uncommitted edits included), copied to dest:
    the repository as a fresh clone of it would be, with this checkout's changes."""
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    for name in filter(None, listed.split(b"\0")):
        source = ROOT / os.fsdecode(name)
        if source.is_file() or source.is_symlink():     # tracked but deleted here: not in the copy
            target = dest / os.fsdecode(name)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target, follow_symlinks=False)
    return dest


def get(url: str, timeout: float = 30) -> tuple[int, bytes]:
    """The HTTP status and body of a GET; status 0 and the error when nothing answers."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as reply:
            return reply.status, reply.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
    except OSError as error:            # URLError included: connection refused, timed out
        return 0, str(error).encode()


def browser_target(opened: str) -> str:
    """The URL the browser was sent to: Jupyter hands it a local redirect page (whose meta refresh holds the
    URL and its token) unless told to pass the URL itself."""
    if not opened.startswith("file:"):
        return opened
    page = Path(url2pathname(urlsplit(opened).path)).read_text(encoding="utf-8")
    match = re.search(r'http-equiv="refresh" content="\d+;url=([^"]+)"', page)
    assert match, f"no redirect in the page Jupyter asked the browser to open:\n{page}"
    return html.unescape(match.group(1))


def walk_contents(server: str, token: str, path: str = "") -> set[str]:
    """Every file path the Jupyter server lists (what its file browser can show), relative to its root."""
    status, body = get(f"{server}/api/contents/{quote(path)}?token={token}")
    assert status == 200, (path, status, body[:300])
    found = set()
    for item in json.loads(body)["content"]:
        if item["type"] == "directory":
            found |= walk_contents(server, token, item["path"])
        else:
            found.add(item["path"])
    return found


def page_config(page: bytes) -> dict:
    """The configuration JupyterLab's page carries (its ``jupyter-config-data`` script)."""
    match = re.search(rb'<script id="jupyter-config-data" type="application/json">(.*?)</script>', page, re.S)
    assert match, page[:500]
    return json.loads(match.group(1))


def cell_sources(cells: list[dict]) -> list[str]:
    return [c["source"] if isinstance(c["source"], str) else "".join(c["source"]) for c in cells]


@pytest.mark.slow
def test_readme_first_command_opens_lesson_00_and_second_is_what_ci_runs(tmp_path):
    open_course, run_tests = readme_commands()[:2]

    # The second command: .ci/run runs the same steps, and in between may only install more packages
    # (checked first: it takes no time).
    readme_steps, ci_steps = command_steps(run_tests), ci_run_steps()
    assert [step for step in ci_steps if step in readme_steps or not is_pip_install(step)] == readme_steps, (
        f"README's test command and .ci/run differ:\n  README: {readme_steps}\n  .ci/run: {ci_steps}")

    # The first command, verbatim, on a fresh copy of the repository.
    tree = copy_tracked_tree(tmp_path / "repo")
    opened = tmp_path / "browser-opened.txt"
    browser = tmp_path / "browser"
    browser.write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" >> {shlex.quote(str(opened))}\n', encoding="utf-8")
    browser.chmod(0o755)
    env = fresh_user_environ(tmp_path / "home")
    env.update(BROWSER=str(browser), JUPYTER_PORT=str(free_port()),
               PATH=os.pathsep.join(p for p in env.get("PATH", os.defpath).split(os.pathsep)
                                    if p and p != str(Path(sys.executable).parent)),
               PIP_COMPILE="0")   # pip: no .pyc files at install time (Python writes those it needs on import)
    log_path = tmp_path / "command.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(["bash", "-c", open_course], cwd=tree, env=env, stdout=log,
                                   stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)

    def output() -> str:
        return log_path.read_text(errors="replace")[-6000:]

    try:
        # Wait until JupyterLab sends the browser somewhere, or the command ends, or time runs out.
        end = time.monotonic() + SETUP_DEADLINE_S
        while not (opened.exists() and opened.read_text().strip()):
            if process.poll() is not None:
                if not pypi_reachable():
                    pytest.skip("PyPI is unreachable, so README's first command cannot install the course")
                pytest.fail(f"README's first command ended (exit {process.returncode}) without opening the "
                            f"course:\n{open_course}\n{output()}", pytrace=False)
            if time.monotonic() > end:
                pytest.fail(f"README's first command did not open a browser in {SETUP_DEADLINE_S} s:\n"
                            f"{output()}", pytrace=False)
            time.sleep(1)

        target = browser_target(opened.read_text().split()[0])
        url = urlsplit(target)
        assert "/lab/tree/" in url.path, f"the browser was sent to {target}, not to a file in JupyterLab"
        base_url, path = url.path.split("/lab/tree/", 1)
        server = f"{url.scheme}://{url.netloc}{base_url}"
        token = parse_qs(url.query).get("token", [""])[0]
        for _ in range(120):
            if get(f"{server}/api/status?token={token}", timeout=5)[0] == 200:
                break
            time.sleep(0.5)

        # the page the browser opens is JupyterLab's
        status, page = get(target)
        assert status == 200 and b"JupyterLab" in page, (status, page[:500])
        # and the file it opens is lesson 00, as it is in the repository
        assert unquote(path) == LESSON_00.as_posix(), target
        status, body = get(f"{server}/api/contents/{quote(unquote(path))}?token={token}")
        assert status == 200, (status, body[:500], output())
        model = json.loads(body)
        assert model["type"] == "notebook" and model["name"] == LESSON_00.name, {k: model[k] for k in ("type", "path")}
        lesson = json.loads((tree / LESSON_00).read_text(encoding="utf-8"))
        assert cell_sources(model["content"]["cells"]) == cell_sources(lesson["cells"])
        # the link printed in the terminal leads to lesson 00 as well
        printed = re.findall(r"https?://(?:localhost|127\.0\.0\.1):\d+/\S*token=\w+", output())
        assert printed and all(f"/lab/tree/{LESSON_00.as_posix()}?" in link for link in printed), output()
        # with a Python kernel to run it in
        status, body = get(f"{server}/api/kernelspecs?token={token}")
        assert status == 200 and "python3" in json.loads(body)["kernelspecs"], body[:500]

        # The file browser is the student view: lessons and released exercises, nothing of the instructor's.
        served = walk_contents(server, token)
        released = {p for p in served if p.startswith("exercises/") and p.endswith(".ipynb")}
        expected = {f"exercises/{nb.parent.name}/{nb.name}" for nb in (tree / "exercises" / "source").glob("*/*.ipynb")}
        assert released == expected, (sorted(released), sorted(expected))
        assert {f"course/{nb.name}" for nb in (tree / "course").glob("*.ipynb")} <= served
        instructor = [p for p in served if p.split("/")[0] in ("autograd_course", "tests", "docs", "bench")
                      or "/source/" in p or "/hidden/" in p or p.endswith(("probes.py", "gradebook.db"))]
        assert not instructor, instructor
        for notebook in released:
            status, body = get(f"{server}/api/contents/{quote(notebook)}?token={token}")
            text = body.decode("utf-8")
            assert status == 200 and "BEGIN SOLUTION" not in text and "BEGIN HIDDEN TESTS" not in text, notebook
            assert "NotImplementedError" in text, f"{notebook} is not the released (blank) version"
        # nbgrader's Validate button is there, its instructor tools are not
        config = page_config(page)
        disabled = config.get("disabledExtensions", [])
        disabled = set(disabled) if isinstance(disabled, list) else {k for k, v in disabled.items() if v}
        assert "@jupyter/nbgrader:formgrader" in disabled and "@jupyter/nbgrader:create-assignment" in disabled
        assert not any(name.startswith("@jupyter/nbgrader:validate") for name in disabled), disabled
        assert "@jupyter/nbgrader" in json.dumps(config.get("federated_extensions", [])), "nbgrader's labextension"
        assert get(f"{server}/formgrader?token={token}")[0] == 404
    finally:
        stop_process_group(process)
        shutil.rmtree(tree / ".venv", ignore_errors=True)


# -- .ci/run ----------------------------------------------------------------------------------------------

SEPARATORS = {"&&", "||", ";", "|", "&"}


def split_commands(line: str) -> list[list[str]]:
    """A shell line's simple commands, each as its words, redirections dropped."""
    lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    commands, words, redirect = [], [], False
    for word in lexer:
        if word in SEPARATORS:
            commands.append(words)
            words = []
        elif word in {"<", ">", ">>", "2>", "&>"}:
            redirect = True
        elif redirect:
            redirect = False
        else:
            words.append(word)
    return [c for c in commands + [words] if c]


def normalized(words: list[str]) -> list[str] | None:
    """A Python step of a command, compared up to what changes only output, caches or the environment it
    runs in: ``.venv/bin/pip`` is ``.venv/bin/python -m pip``; pip's and pytest's ``-q`` and pytest's ``-p
    no:cacheprovider`` are left out, and so is an ``env -i NAME=VALUE ...`` in front (.ci/run's scrubbed
    environment). None for a command that runs no Python (``rm``, ``echo``, ...)."""
    if words[:2] == ["env", "-i"]:
        words = words[2:]
        while words and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*=.*", words[0]):
            words = words[1:]
    if not words or not (words[0] == "python3" or words[0].startswith(".venv/bin/")):
        return None
    if words[0] == ".venv/bin/pip":
        words = [".venv/bin/python", "-m", "pip"] + words[1:]
    kept, skip = [], False
    for i, word in enumerate(words):
        if skip:
            skip = False
        elif word == "-q":
            continue
        elif word == "-p" and words[i + 1:i + 2] == ["no:cacheprovider"]:
            skip = True
        else:
            kept.append(word)
    return kept


def is_pip_install(step: list[str]) -> bool:
    return step[:4] == [".venv/bin/python", "-m", "pip", "install"]


def command_steps(command: str) -> list[list[str]]:
    return [step for step in map(normalized, split_commands(command)) if step is not None]


def ci_run_steps() -> list[list[str]]:
    """The Python steps .ci/run runs, in order (read from the lines that run python3 or something in .venv/bin;
    the others install system packages and report)."""
    steps = []
    for line in (ROOT / ".ci" / "run").read_text(encoding="utf-8").replace("\\\n", " ").splitlines():
        if re.match(r"\s*(python3|\.venv/bin/|env -i )", line):
            steps += command_steps(line)
    return steps

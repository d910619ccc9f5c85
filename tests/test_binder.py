"""The student environment Binder builds from binder/, checked without Docker.

- binder/ holds what the issue asks: pinned third-party packages, the runtime, graphviz from apt, and a
  postBuild that installs the package and switches off nbgrader's instructor-only parts.
- ``binder_env`` (tests/binder_env.py) builds it as repo2docker does, from the student release: a fresh
  virtual environment, ``pip install -r binder/requirements.txt``, then ``binder/postBuild``. In it, JupyterLab
  lists the widget manager and nbgrader (with its Validate plugin) as enabled and formgrader, create-assignment
  and the course list as disabled; the pins hold; every lesson of the release runs in its kernel.
- ``jupyter-repo2docker --no-build --debug`` (the dev extra) accepts the release and prints a Dockerfile
  that installs the runtime's Python, graphviz with apt, binder/requirements.txt, and runs postBuild.

The environment is built once per session (about a minute or two, with pip's cache); it needs PyPI and
skips, saying so, only when PyPI cannot be reached.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest_plugins = ["binder_env"]
pytest.register_assert_rewrite("binder_env")

from binder_env import runtime_version  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
BINDER = ROOT / "binder"
LESSONS = sorted(p.name for p in (ROOT / "course").glob("*.ipynb"))
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def pins() -> dict[str, str]:
    found = {}
    for line in (BINDER / "requirements.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            match = re.fullmatch(r"([A-Za-z0-9_.-]+)==([A-Za-z0-9_.+-]+)", line)
            assert match, f"binder/requirements.txt: {line!r} is not pinned as name==version"
            found[match.group(1).lower()] = match.group(2)
    return found


# -- binder/ itself ------------------------------------------------------------------------------------


def test_binder_folder_holds_what_binder_needs():
    assert set(pins()) >= {"jupyterlab", "ipywidgets", "numpy", "matplotlib", "graphviz", "tqdm", "nbgrader"}
    assert not [name for name in pins() if name.startswith("autograd")], "the course package comes from postBuild"
    assert re.fullmatch(r"python-\d+\.\d+", (BINDER / "runtime.txt").read_text().strip())
    assert "graphviz" in (BINDER / "apt.txt").read_text().split()
    post_build = BINDER / "postBuild"
    text = post_build.read_text()
    assert text.startswith("#!") and "set -euo pipefail" in text
    assert re.search(r"pip install --no-deps \.$", text, re.M)
    assert post_build.stat().st_mode & 0o111, "postBuild must be executable"


# -- the environment, built as Binder builds it ---------------------------------------------------------


def test_jupyterlab_lists_widgets_and_validate_enabled_and_instructor_parts_disabled(binder_env):
    done = binder_env.run("jupyter", "labextension", "list")
    listing = ANSI.sub("", done.stdout + done.stderr)
    enabled, _, disabled_part = listing.partition("Disabled extensions:")
    for extension in ("@jupyter-widgets/jupyterlab-manager", "@jupyter/nbgrader"):
        assert re.search(rf"^\s*{re.escape(extension)} v\S+ enabled\s+OK", enabled, re.M), listing
    disabled = set(re.findall(r"^\s+(@\S+)", disabled_part, re.M))
    assert disabled == {"@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment",
                        "@jupyter/nbgrader:course-list"}, listing
    assert "@jupyter/nbgrader:validate-assignment" not in disabled

    done = binder_env.run("jupyter", "server", "extension", "list")
    servers = ANSI.sub("", done.stdout + done.stderr)
    state = dict(re.findall(r"^\s+(nbgrader\.server_extensions\.\w+) (enabled|disabled)\s*$", servers, re.M))
    assert state == {"nbgrader.server_extensions.validate_assignment": "enabled",
                     "nbgrader.server_extensions.assignment_list": "enabled",
                     "nbgrader.server_extensions.formgrader": "disabled",
                     "nbgrader.server_extensions.course_list": "disabled"}, servers


def test_the_pins_hold_and_the_course_package_comes_from_the_release(binder_env):
    script = ("import importlib.metadata as m, json, sys, autograd_ref; "
              "print(json.dumps({'python': '%d.%d' % sys.version_info[:2], 'autograd_ref': autograd_ref.__file__, "
              "'versions': {d.metadata['Name'].lower(): d.version for d in m.distributions()}}))")
    # run from outside the tree, so that the import finds what is installed, not the tree's own folder
    seen = json.loads(binder_env.run("python", "-c", script, cwd=binder_env.prefix).stdout)
    assert seen["python"] == runtime_version()
    for name, version in pins().items():
        assert seen["versions"].get(name) == version, (name, seen["versions"].get(name), version)
    # installed (not linked) into the environment, from the release's own pyproject.toml
    assert Path(seen["autograd_ref"]).is_relative_to(binder_env.prefix)
    assert "autograd-course" in seen["versions"]
    binder_env.run("python", "-m", "pip", "check")


def test_the_kernel_is_the_environments_own(binder_env):
    specs = json.loads(binder_env.run("jupyter", "kernelspec", "list", "--json").stdout)["kernelspecs"]
    assert set(specs) == {"python3"}
    assert Path(specs["python3"]["resource_dir"]).is_relative_to(binder_env.prefix)


# Runs inside the Binder environment: every lesson given, each in a fresh python3 kernel found in that
# environment's kernel folders, from the lesson's folder; writes {lesson: null or the error} as JSON.
RUN_LESSONS = r"""
import json, sys, traceback
from pathlib import Path
import nbformat
from nbclient import NotebookClient
results = {}
for path in map(Path, sys.argv[2:]):
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=CELL_TIMEOUT_S, kernel_name="python3", allow_errors=False,
                            resources={"metadata": {"path": str(path.parent)}})
    try:
        client.execute()
        ran = [c for c in nb.cells if c.cell_type == "code"]
        assert ran and all(c.execution_count for c in ran), "not every code cell ran"
        results[path.name] = None
    except Exception:
        results[path.name] = traceback.format_exc()[-4000:]
Path(sys.argv[1]).write_text(json.dumps(results))
""".replace("CELL_TIMEOUT_S", "60")


@pytest.fixture(scope="module")
def lessons_in_binder_env(binder_env, tmp_path_factory):
    """Every released lesson run once, in one process of the Binder environment (starting a process per
    lesson costs seconds each)."""
    results = tmp_path_factory.mktemp("lessons") / "results.json"
    notebooks = [binder_env.tree / "course" / name for name in LESSONS]
    binder_env.run("python", "-c", RUN_LESSONS, results, *notebooks, cwd=binder_env.tree / "course", timeout=1800)
    return json.loads(results.read_text(encoding="utf-8"))


@pytest.mark.parametrize("lesson", LESSONS)
def test_lesson_runs_in_the_binder_environment(lessons_in_binder_env, lesson):
    """The released lesson, top to bottom, in the environment's own python3 kernel, from course/."""
    assert lesson in lessons_in_binder_env
    error = lessons_in_binder_env[lesson]
    assert error is None, f"{lesson} failed in the Binder environment:\n{error}"


# -- repo2docker ----------------------------------------------------------------------------------------


def copied_as(dockerfile: str, target: str) -> list[str]:
    """The build-script files the Dockerfile copies to ``target``, their names unescaped (``-2e`` is ``.``)."""
    names = re.findall(rf"^COPY \S+ build_script_files/(\S+) {re.escape(target)}$", dockerfile, re.M)
    return [re.sub(r"-([0-9a-f]{2})", lambda m: chr(int(m.group(1), 16)), name) for name in names]


APT_INSTALL = re.compile(r"apt-get install --yes --no-install-recommends((?:\s+\\?\s*[a-z0-9.+-]+)+)\s*&&")


def repo2docker_dockerfile(tree: Path, cwd: Path) -> tuple[str, str]:
    if shutil.which("jupyter-repo2docker", path=str(Path(sys.executable).parent)) is None:
        try:
            import repo2docker  # noqa: F401
        except ImportError:
            pytest.fail('jupyter-repo2docker is not installed; install the dev extra: pip install -e ".[dev]"',
                        pytrace=False)
    done = subprocess.run([sys.executable, "-m", "repo2docker", "--no-build", "--debug", str(tree)], cwd=cwd,
                          capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout, done.stderr


def test_repo2docker_accepts_the_release_and_installs_what_we_expect(student_release, tmp_path):
    dockerfile, log = repo2docker_dockerfile(student_release, tmp_path)
    version = runtime_version()
    # the runtime's Python, from runtime.txt
    assert f"python={version}" in log
    (lock,) = copied_as(dockerfile, "/tmp/env/environment.lock")
    assert f"/environment.py-{version}-linux-64.lock" in lock
    # graphviz (apt.txt) with apt-get
    apt = APT_INSTALL.search(dockerfile)
    assert apt, dockerfile
    assert set((BINDER / "apt.txt").read_text().split()) <= set(apt.group(1).replace("\\", " ").split())
    # the pinned requirements, into the kernel's environment
    assert re.search(r'\$\{KERNEL_PYTHON_PREFIX\}/bin/pip install --no-cache-dir -r "?binder/requirements\.txt"?',
                     dockerfile)
    # the tree copied in, then postBuild run from its root
    copy = dockerfile.index("COPY --chown=0:0 src/ ${REPO_DIR}/")
    post_build = dockerfile.index("RUN ./binder/postBuild")
    assert copy < post_build
    # the root pyproject.toml is not installed by repo2docker itself (postBuild does it, --no-deps)
    assert not re.search(r"pip install[^\n]*\s\.(\s|$)", dockerfile)


def test_without_binder_folder_repo2docker_builds_something_else(student_release, tmp_path):
    """The checks above see binder/'s effect: the same tree without binder/ gets another Python, no apt
    packages, no requirements, no postBuild, and repo2docker pip-installs the root pyproject.toml itself."""
    tree = tmp_path / "tree"
    shutil.copytree(student_release, tree, ignore=shutil.ignore_patterns("binder"))
    dockerfile, log = repo2docker_dockerfile(tree, tmp_path)
    assert not APT_INSTALL.search(dockerfile)
    assert "binder/requirements.txt" not in dockerfile and "RUN ./binder/postBuild" not in dockerfile
    assert re.search(r"pip install[^\n]*\s\.(\s|$)", dockerfile)

"""Hostile submissions: each gets zero (or only what it honestly earns) and harms nothing.

One batch grades every hostile submission together with honest ones, in parallel, in bubblewrap (the only
sandbox that gives grades; the fallback is for trying suites and students can get past it). Then: the grader
finished, the honest submissions got their scores, every hostile one got zero, nothing in the course (a
copy, with a gradebook) or in the repository's exercises changed, nothing secret reached a result, and no
process of the sandbox is left. The same is done with every assignment of exercises/.
"""

import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from autograd_course import sandbox as sandbox_module
from autograd_course.cli import main
from grading_fixtures.toy import (
    TOY_MAX, copy_course, load_results, make_submission, release_version, snapshot, solution_ids,
)

REPO = Path(__file__).resolve().parents[1]
EXERCISES = REPO / "exercises"
TIMEOUT = "2"


def hostile_code(course: Path, notebook: Path) -> dict[str, str]:
    """Code prepended to the first solution cell of the blank release, by name."""
    hidden = course / "hidden" / notebook.parent.name
    readable = [str(p) for p in sorted(hidden.glob("*.py"))] + [
        str(notebook), str(course / "gradebook.db"), str(REPO / "exercises" / "nbgrader_config.py"),
        str(REPO / "README.md"), "../../../../../../../../" + str(notebook).lstrip("/"),
    ] + [str(p) for p in sorted(EXERCISES.glob("hidden/*/*.py"))]
    writable = [str(p) for p in sorted(hidden.glob("*.py"))] + [str(notebook), str(course / "gradebook.db")]
    secret_names = ["exercises", "hidden", "source", "grading_fixtures", "gradebook.db", "nbgrader_config.py"]
    return {
        "infinite_loop": "while True:\n    pass",
        "memory_bomb": "hog = []\nwhile True:\n    hog.append(bytearray(64 * 1024 * 1024))",
        "fork_bomb": "import os\nwhile True:\n    try:\n        os.fork()\n    except BaseException:\n        pass",
        "os_exit_at_import": "import os\nos._exit(0)",
        "sys_exit_at_import": "import sys\nsys.exit(0)",
        "monkeypatch": (
            "import builtins, sys, types\nimport numpy as np\n"
            "np.allclose = lambda *a, **k: True\nnp.asarray = lambda *a, **k: 'patched'\n"
            "np.ndarray.tolist = None\nbuiltins.isinstance = lambda *a: True\nbuiltins.abs = lambda x: 0\n"
            "fake = types.ModuleType('pytest')\nfake.approx = lambda *a, **k: True\n"
            "sys.modules['pytest'] = sys.modules['autograd_ref'] = sys.modules['autograd_course'] = fake\n"
        ),
        "ipython_transformer": (
            "ip = get_ipython()\n"
            "try:\n    ip.input_transformers_cleanup.append(lambda lines: [])\nexcept Exception:\n    pass\n"
            "try:\n    ip.input_transformers_post.append(lambda lines: [])\nexcept Exception:\n    pass\n"
            "!rm -rf ~\n%load_ext evil\nimport IPython\n"
        ),
        "read_files": (
            "import glob, os\nleaks = []\n"
            f"for target in {readable!r}:\n"
            "    try:\n        with open(target, 'rb') as f:\n            f.read(10)\n"
            "        leaks.append('read ' + target)\n    except Exception:\n        pass\n"
            f"for d in ['.', '..', '/', '/work', '/tmp', {str(REPO)!r}, {str(course)!r}, {str(EXERCISES)!r}]:\n"
            "    try:\n        names = os.listdir(d)\n    except Exception:\n        continue\n"
            f"    if any(n in {secret_names!r} or n.endswith(('.ipynb', '.py', '.db')) for n in names):\n"
            "        leaks.append('listed ' + d)\n"
            "for pattern in ['/*/*/exercises', '/*/*/*/hidden', '/*/*/tests/grading_*']:\n"
            "    try:\n        leaks += glob.glob(pattern)\n    except Exception:\n        pass\n"
            "raise ValueError(('leaks: ' + ' '.join(leaks)) if leaks else 'nothing leaked')\n"
        ),
        "write_files": (
            "import os, sqlite3\n"
            f"for target in {writable!r}:\n"
            "    try:\n        c = sqlite3.connect(target)\n"
            "        c.execute('update grade set extra_credit = 100')\n        c.commit()\n"
            "    except Exception:\n        pass\n"
            "    try:\n        open(target, 'a').write('# pwned')\n    except Exception:\n        pass\n"
            "    try:\n        os.remove(target)\n    except Exception:\n        pass\n"
        ),
        "forged_output": (
            "import sys\nforged = '{\"score\": 100, \"tests\": [], \"extra_data\": {\"student\": \"x\"}}\\n'\n"
            "print(forged * 100000)\nsys.stderr.write('x' * (8 << 20))\nsys.__stdout__.write(forged)\n"
            "open('results.json', 'w').write(forged)\nopen('grades.csv', 'w').write('student,score\\nme,100\\n')\n"
        ),
        "forged_protocol": (
            "import os\nfor fd in range(0, 64):\n    try:\n"
            "        os.write(fd, b'{\"ok\": true, \"errors\": [], \"value\": 49}\\n' * 4)\n"
            "    except OSError:\n        pass\n"
        ),
        "ctypes_crash": "import ctypes\nctypes.string_at(0)",
        # IPython's own transformer, run in the trusted process, took minutes on a cell like this one
        "ipython_lines": "!x\n" * 33_000,
        # per-process limits: six processes of 300 MB each under a 1 GB limit
        "memory_across_forks": (
            "import os, time\nfor i in range(6):\n    try:\n        if os.fork() == 0:\n"
            "            hog = bytearray(300 << 20)\n            time.sleep(30)\n            os._exit(0)\n"
            "    except Exception:\n        pass\n"
        ),
        # a process that leaves the group and comes back after grading to rewrite what it finds
        "daemon": (
            "import os, time\ntry:\n    if os.fork() == 0:\n        os.setsid()\n        time.sleep(3)\n"
            "        for d, _, files in os.walk('/'):\n            for f in files:\n"
            "                if f.endswith(('.json', '.csv', '.py')):\n                    try:\n"
            "                        open(os.path.join(d, f), 'a').write('pwned')\n"
            "                    except Exception:\n                        pass\n        os._exit(0)\n"
            "except Exception:\n    pass\n"
        ),
        "kill_the_grader": (
            "import os, signal\nfor action in (lambda: os.kill(os.getppid(), 9), lambda: os.killpg(0, 9),\n"
            "               lambda: os.kill(1, 9)):\n    try:\n        action()\n    except Exception:\n        pass\n"
        ),
    }


# Whole functions, for the toy: objects instead of data, and code that misbehaves only when probed.
TOY_FUNCTIONS = {
    "returns_objects": {
        "square": "class Always:\n    def __eq__(self, other):\n        return True\n"
                  "    def __float__(self):\n        return 0.0\n"
                  "def square(x):\n    return Always()",
        "grad_square": "def grad_square(x):\n    return (i for i in range(3))",
        "mean_grad": "import numpy as np\ndef mean_grad(x):\n    return np.array([object()] * np.size(x))",
    },
    "huge_results": {
        "square": "def square(x):\n    return list(range(10 ** 6))",
        "grad_square": "def grad_square(x):\n    return 'x' * (4 << 20)",
        "mean_grad": "import numpy as np\ndef mean_grad(x):\n    return np.zeros((1000, 1000))",
    },
    # hooks compile and exec to catch the probes' source, then sends what it caught back in its errors
    "compile_spy": {
        "square": ("import builtins, sys\n_seen = []\n_compile, _exec = builtins.compile, builtins.exec\n"
                   "def _spy(real):\n    def spy(source, *args, **kwargs):\n        _seen.append(str(source))\n"
                   "        return real(source, *args, **kwargs)\n    return spy\n"
                   "builtins.compile, builtins.exec = _spy(_compile), _spy(_exec)\n"
                   "def _leak(at):\n    frames, frame = [], sys._getframe(1)\n"
                   "    while frame is not None:\n        frames.append(repr(frame.f_locals)[:100])\n"
                   "        frame = frame.f_back\n"
                   "    raise ValueError(' '.join(_seen)[at:at + 250] + ' '.join(frames))\n"
                   "def square(x):\n    _leak(0)"),
        "grad_square": "def grad_square(x):\n    _leak(250)",
        "mean_grad": "def mean_grad(x):\n    _leak(500)",
    },
    "sleeps_when_probed": {sid: f"def {sid}(x):\n    import time\n    time.sleep(100)"
                           for sid in ("square", "grad_square", "mean_grad")},
    "exits_when_probed": {sid: f"def {sid}(x):\n    import os\n    os._exit(0)" for sid in ("square", "grad_square", "mean_grad")},
}

TOY_HONEST = {"solution": TOY_MAX, "wrong_grad": TOY_MAX - 3, "exit_then_honest": TOY_MAX - 2}


def plant_canaries(course: Path):
    """Secret text in the places a submission must never see: hidden tests, the source's solutions and
    hidden test regions. (probes.py is sent to the child by design, so it holds no secret.)"""
    test_file = course / "hidden" / "toy" / "test_toy.py"
    test_file.write_text(test_file.read_text() + "\n# CANARY-hidden-tests\n")
    notebook = course / "source" / "toy" / "toy.ipynb"
    text = notebook.read_text()
    text = text.replace("### BEGIN SOLUTION\\n", "### BEGIN SOLUTION\\n    # CANARY-solution\\n")
    text = text.replace("### BEGIN HIDDEN TESTS\\n", "### BEGIN HIDDEN TESTS\\n# CANARY-hidden-cell\\n")
    assert text.count("CANARY") == 4
    notebook.write_text(text)


def make_gradebook(path: Path):
    with sqlite3.connect(path) as db:
        db.execute("create table grade (id integer, extra_credit real)")
        db.execute("insert into grade values (1, 0)")


def orphaned_sandbox_processes() -> list[int]:
    """Processes with a sandbox uid whose parent is gone (adopted by pid 1): what a sandbox that failed to
    kill everything would leave. (Sandbox processes of graders running at the same time have parents.)"""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                uid = os.stat(f"/proc/{entry}").st_uid
                ppid = int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            if uid >= sandbox_module.UID_BASE and ppid == 1:
                found.append(int(entry))
    return found


def grader_temp_files() -> set:
    """What the grader makes in the temporary directory (the fallback sandbox's child directories, say),
    which it must remove when it is done: a batch leaves nothing behind."""
    import tempfile

    return set(Path(tempfile.gettempdir()).glob("autograd-course-*"))


UNPRIVILEGED = 65534      # nobody
SYSTEM_PYTHON = "/usr/bin/python3"


def as_user_command(uid: int, *command) -> list[str]:
    if os.geteuid() != 0:
        return list(command)
    return ["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups", "--inh-caps=-all", *command]


@pytest.fixture(scope="session")
def unprivileged_python(tmp_path_factory):
    """An interpreter the unprivileged user can run the grader with: this one when the tests already run as
    such a user; as root, a virtual environment of the system's Python with what grading needs (numpy,
    pytest; the repository on PYTHONPATH), since root's own interpreter may sit in a folder only root can
    read (bubblewrap binds the interpreter's folder, so the user must be able to read it)."""
    if os.geteuid() != 0:
        yield sys.executable
        return
    if not os.path.exists(SYSTEM_PYTHON):
        pytest.skip(f"no {SYSTEM_PYTHON} to build the unprivileged grader's environment from")
    venv = Path(tempfile.mkdtemp(prefix="autograd-course-unprivileged-venv-"))
    subprocess.run([SYSTEM_PYTHON, "-m", "venv", str(venv)], check=True, capture_output=True, timeout=300)
    import numpy
    installed = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", f"numpy=={numpy.__version__}",
                                f"pytest=={pytest.__version__}"], capture_output=True, text=True, timeout=900)
    assert installed.returncode == 0, installed.stderr[-2000:]
    subprocess.run(["chmod", "-R", "a+rX", str(venv)], check=True)
    yield str(venv / "bin" / "python")
    shutil.rmtree(venv, ignore_errors=True)


def run_batch(tmp, kind, course, assignment, submissions, extra=(), as_user=None, python=None):
    """``autograd-course grade`` in this process, or, with ``as_user``, in a process of that uid (the
    guide's set-up: an ordinary user grades), started with setpriv when this one is root."""
    out = tmp / "out"
    args = ["grade", assignment, *map(str, submissions), "--course-dir", str(course), "--out", str(out),
            "--timeout", TIMEOUT, "-j", "2", "--seed", "1", *extra]
    args += ["--sandbox", kind]
    if as_user is None:
        return main(args), out
    out.mkdir()
    if os.geteuid() == 0:
        os.chown(out, as_user, as_user)
    command = as_user_command(as_user, python or sys.executable, "-m", "autograd_course.cli", *args)
    done = subprocess.run(command, cwd=tmp, capture_output=True, text=True, timeout=900, stdin=subprocess.DEVNULL,
                          env={"PATH": "/usr/bin:/bin", "HOME": str(tmp), "LANG": "C.UTF-8", "PYTHONPATH": str(REPO),
                               "PYTHONDONTWRITEBYTECODE": "1"})
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    return done.returncode, out


def uid_processes(uid: int) -> list[int]:
    return [int(e) for e in os.listdir("/proc") if e.isdigit() and _owner(e) == uid]


def _owner(pid: str):
    try:
        return os.stat(f"/proc/{pid}").st_uid
    except OSError:
        return None


@pytest.fixture(scope="module", params=[pytest.param("grader", marks=pytest.mark.needs("bwrap")),
                                        pytest.param("unprivileged", marks=pytest.mark.needs("bwrap"))])
def toy_batch(request, tmp_path_factory):
    python = request.getfixturevalue("unprivileged_python") if request.param == "unprivileged" else None
    """The toy batch graded by the grader's own uid, and by an ordinary user (nobody, when the tests run as
    root: setpriv; otherwise this user already is one)."""
    kind, who = "bwrap", request.param
    as_user = None if who == "grader" else (UNPRIVILEGED if os.geteuid() == 0 else os.geteuid())
    if as_user is None:
        tmp = tmp_path_factory.mktemp(f"hostile-{who}")
    else:       # a folder the other user can read (pytest's own are private to this one)
        tmp = Path(tempfile.mkdtemp(prefix="hostile-unprivileged-"))
        os.chmod(tmp, 0o755)
        request.addfinalizer(lambda: shutil.rmtree(tmp, ignore_errors=True))
    course = copy_course(tmp / "course")
    plant_canaries(course)
    make_gradebook(course / "gradebook.db")
    notebook = course / "source" / "toy" / "toy.ipynb"
    subs = tmp / "submissions"
    paths = [make_submission(subs / "solution.ipynb", source=notebook),
             make_submission(subs / "wrong_grad.ipynb", {"grad_square": "def grad_square(x):\n    return 2 * x + 1"},
                             source=notebook),
             make_submission(subs / "exit_then_honest.ipynb", source=notebook, prepend="import sys\nsys.exit(0)")]
    for name, code in hostile_code(course, notebook).items():
        paths.append(make_submission(subs / f"{name}.ipynb", source=notebook, blank_others=True, prepend=code))
    for name, answers in TOY_FUNCTIONS.items():
        paths.append(make_submission(subs / f"{name}.ipynb", answers, source=notebook))
    # A notebook that is a link to the source notebook (with its solutions), and a folder holding one.
    (subs / "linked_source.ipynb").symlink_to(notebook)
    (subs / "linked_folder" / "toy").mkdir(parents=True)
    (subs / "linked_folder" / "toy" / "toy.ipynb").symlink_to(notebook)
    paths += [subs / "linked_source.ipynb", subs / "linked_folder"]
    watched = (course, subs, EXERCISES, REPO / "tests" / "grading_fixtures")
    before = snapshot(*watched)
    temp_before = grader_temp_files()
    code, out = run_batch(tmp, kind, course, "toy", paths, as_user=as_user, python=python)
    graded = snapshot(out)
    time.sleep(4)   # what the submissions started would act now (the daemon case waits 3 s)
    return {"kind": kind, "code": code, "out": out, "results": load_results(out), "before": before,
            "after": snapshot(*watched), "hostile": [p.stem for p in paths if p.stem not in TOY_HONEST],
            "new_temp_files": grader_temp_files() - temp_before, "graded": graded,
            "out_later": snapshot(out), "user": as_user,
            "left": uid_processes(as_user) if as_user not in (None, os.geteuid()) else []}


def test_the_grader_survives_and_grades_everyone(toy_batch):
    assert toy_batch["code"] == 0
    results = toy_batch["results"]
    assert len(results) == 3 + len(toy_batch["hostile"])
    assert {r["extra_data"]["sandbox"] for r in results.values()} == {toy_batch["kind"]}


def test_honest_submissions_get_their_scores(toy_batch):
    for name, expected in TOY_HONEST.items():
        assert toy_batch["results"][name]["score"] == expected, name


LINKED = ["linked_source", "linked_folder"]


@pytest.mark.parametrize("name", list(hostile_code(Path("/c"), Path("/c/source/toy/toy.ipynb"))) + list(TOY_FUNCTIONS)
                         + LINKED)
def test_hostile_submission_gets_zero(toy_batch, name):
    result = toy_batch["results"][name]
    assert result["score"] == 0, (name, [t["output"] for t in result["tests"]])
    assert all(t["score"] == 0 for t in result["tests"])


def test_nothing_outside_the_output_folder_changed(toy_batch):
    before, after = toy_batch["before"], toy_batch["after"]
    assert after == before, sorted(set(after.items()) ^ set(before.items()))[:5]


# What `grade` writes besides one results file per student.
REPORT_FILES = ["grades.csv", "summary.csv", "canvas.csv", "scores.svg"]


def text_files(folder):
    return list(folder.iterdir())


def test_the_output_folder_holds_only_results(toy_batch):
    names = sorted(p.name for p in toy_batch["out"].iterdir())
    assert names == sorted([f"{n}.json" for n in toy_batch["results"]] + REPORT_FILES)
    lines = (toy_batch["out"] / "grades.csv").read_text().splitlines()
    assert len(lines) == 1 + len(toy_batch["results"]) and not any("100" in line.split(",")[1] for line in lines[1:])


def test_no_secret_reaches_a_result(toy_batch):
    from autograd_course.grading import SecretText, probe_prelude_source

    probes = SecretText((REPO / "tests" / "grading_fixtures" / "course" / "hidden" / "toy" / "probes.py").read_text(),
                        probe_prelude_source())
    for path in text_files(toy_batch["out"]):
        text = path.read_text()
        assert "CANARY" not in text and "leaks:" not in text, path.name
        assert not probes.found_in(text), f"{path.name} repeats the probes' code"
    output = toy_batch["results"]["read_files"]["output"]
    assert "ValueError: nothing leaked" in output, output  # the code ran, and found nothing


def test_no_sandbox_process_or_temporary_file_is_left(toy_batch):
    assert orphaned_sandbox_processes() == [] and toy_batch["left"] == []
    assert toy_batch["new_temp_files"] == set()


def test_nothing_changes_the_results_after_grading(toy_batch):
    assert toy_batch["out_later"] == toy_batch["graded"]


def test_failures_say_what_happened(toy_batch):
    def outputs(name):
        return " ".join(t["output"] for t in toy_batch["results"][name]["tests"])

    assert "ran out of time" in outputs("infinite_loop")
    assert "not plain data" in outputs("returns_objects")
    assert "too large" in outputs("huge_results")
    assert "ran out of time" in outputs("sleeps_when_probed")
    for name in LINKED:
        assert "is a link" in toy_batch["results"][name]["output"], name


# -- the assignments of exercises/ -----------------------------------------------------------------------


def exercise_assignments():
    return sorted({p.parent.name for p in EXERCISES.glob("hidden/*/test_*.py")})


def exercise_cases():
    """Every assignment, in bubblewrap."""
    cases = [("bwrap", a) for a in exercise_assignments()]
    return [pytest.param(kind, a, id=f"{kind}-{a}", marks=[pytest.mark.needs("bwrap")] if kind == "bwrap" else [])
            for kind, a in cases]


@pytest.mark.slow
@pytest.mark.skipif(not exercise_assignments(), reason="exercises/ has no assignment with a hidden suite yet")
@pytest.mark.parametrize("kind,assignment", exercise_cases())
def test_hostile_submissions_of_each_assignment(tmp_path, kind, assignment):
    course = tmp_path / "course"
    copy_course(course, EXERCISES)
    notebook = next((course / "source" / assignment).glob("*.ipynb"))
    subs = tmp_path / "submissions"
    paths = [make_submission(subs / "solution.ipynb", source=notebook),
             release_version(subs / "release.ipynb", source=notebook)]
    for name, code in hostile_code(course, notebook).items():
        paths.append(make_submission(subs / f"{name}.ipynb", source=notebook, blank_others=True, prepend=code))
    assert solution_ids(notebook)
    watched = (course, subs, EXERCISES)
    before = snapshot(*watched)
    code, out = run_batch(tmp_path, kind, course, assignment, paths)
    assert code == 0
    results = load_results(out)
    assert results["solution"]["score"] == results["solution"]["extra_data"]["max_score"] > 0
    for name, result in results.items():
        if name != "solution":
            assert result["score"] == 0, (name, [t["output"] for t in result["tests"]])
    assert snapshot(*watched) == before
    assert orphaned_sandbox_processes() == []
    assert not any("leaks:" in p.read_text() for p in text_files(out))


# -- reading the probes' frames ---------------------------------------------------------------------------

FRAME_READER = '''import sys
def gradcheck(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-3):
    """Computes nothing: looks through the callers' frames (and the closures of fn) for a word that gives the
    answer away, and answers from that."""
    seen = []
    frame = sys._getframe(1)
    while frame is not None:
        seen += [repr(v) for v in frame.f_locals.values()]
        frame = frame.f_back
    for cell in (getattr(fn, "__closure__", None) or ()):
        try:
            seen.append(repr(cell.cell_contents))
            seen.append(getattr(cell.cell_contents, "__name__", ""))
        except ValueError:
            pass
    text = " ".join(seen)
    if any(word in text for word in ("wrong", "forgets", "mistake", "scaled")):   # not hex: addresses hold a-f
        raise GradcheckError(1, (0,), 0.0, 1.0)
    return True'''


@pytest.fixture(params=[pytest.param("grader", marks=pytest.mark.needs("bwrap")),
                        pytest.param("unprivileged", marks=pytest.mark.needs("bwrap"))])
def grade_as(request):
    """grade(assignment, answers, name): a submission of exercises/ (the source with ``answers`` in place
    of its answer cells, the others blank) graded as the grader's uid or as an unprivileged one."""
    python = request.getfixturevalue("unprivileged_python") if request.param == "unprivileged" else None
    as_user = None if request.param == "grader" else (UNPRIVILEGED if os.geteuid() == 0 else os.geteuid())
    tmp = Path(tempfile.mkdtemp(prefix="hostile-one-"))
    os.chmod(tmp, 0o755)
    request.addfinalizer(lambda: shutil.rmtree(tmp, ignore_errors=True))

    def grade(assignment, answers, name):
        source = next((EXERCISES / "source" / assignment).glob("*.ipynb"))
        sub = make_submission(tmp / f"{name}.ipynb", answers, source=source, blank_others=True)
        code, out = run_batch(tmp, "bwrap", EXERCISES, assignment, [sub], as_user=as_user, python=python)
        assert code == 0
        return load_results(out)[name]

    return grade


def test_reading_the_probes_frames_gives_nothing_away(grade_as):
    """ex07's gradcheck probes hold numbers, not labels: a gradcheck that reads every frame and closure
    it can reach, instead of computing, earns none of Part 7's points."""
    result = grade_as("ex07_custom_functions", {"gradcheck": FRAME_READER}, "frames")
    part7 = [t for t in result["tests"] if t["extra_data"]["cell"] == "test_gradcheck"]
    assert part7 and all(t["score"] == 0 for t in part7), [(t["name"], t["score"]) for t in part7]


# Parts of ex05 and ex06, each handing its work to a correct version of itself found in the probes' globals,
# through its callers' frames (ex05 keeps them in REFERENCE, ex06 builds them with _reference(ns)).
THIEF = (
    "import sys\n"
    "def _borrowed(name, args, kwargs):\n"
    "    frame = sys._getframe(2)\n"
    "    while frame is not None:\n"
    "        found = frame.f_globals.get('REFERENCE')\n"
    "        if isinstance(found, dict) and name in found:\n"
    "            return found[name](*args, **kwargs)\n"
    "        for build in (found.values() if isinstance(found, dict) else ()):\n"
    "            try:\n"
    "                built = build(frame.f_locals.get('ns', {}))\n"
    "            except Exception:\n"
    "                continue\n"
    "            if isinstance(built, dict) and name in built:\n"
    "                return built[name](*args, **kwargs)\n"
    "        make = frame.f_globals.get('_reference')\n"
    "        if callable(make) and 'ns' in frame.f_locals:\n"
    "            return make(frame.f_locals['ns'])[name](*args, **kwargs)\n"
    "        frame = frame.f_back\n"
    "    raise NotImplementedError()\n"
)


def thief(name):
    return THIEF + f"def {name}(*args, **kwargs):\n    return _borrowed({name!r}, args, kwargs)"


@pytest.mark.parametrize("assignment,parts", [
    ("ex05_hooks", ("run_hooks", "retain_grad", "accumulate_grad", "before_backward")),
    ("ex06_grad_mode", ("record", "detach", "context_decorator")),
])
def test_the_probes_hold_no_correct_answers_to_borrow(grade_as, assignment, parts):
    """A child that grades a part never holds a correct version of that part."""
    result = grade_as(assignment, {part: thief(part) for part in parts}, "thief")
    assert result["score"] == 0, [(t["name"], t["score"]) for t in result["tests"] if t["score"]]

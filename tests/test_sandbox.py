"""The child's sandbox: what code inside it can see and do, its limits, and the protocol's checks.

Each property is checked for bubblewrap (where it works on this machine) and for the fallback.
"""

import os
import time
from pathlib import Path

import pytest

from autograd_course import sandbox as sandbox_module
from autograd_course.child import to_plain, NotPlainData
from autograd_course.sandbox import ChildGone, Limits, Sandbox

REPO = Path(__file__).resolve().parents[1]
BWRAP_PROBLEM = sandbox_module._bwrap_problem()

KINDS = [
    pytest.param("bwrap", marks=pytest.mark.needs("bwrap")),
    "fallback",
]


@pytest.fixture(params=KINDS)
def box(request):
    return Sandbox.detect(request.param, Limits(cpu_s=20, memory_mb=768, processes=16, file_mb=4, work_mb=16))


def evaluate(box, code, timeout=5.0):
    """Run ``code`` in a child; return (cell error or None, the value of ``result`` it left)."""
    with box.start() as child:
        reply = child.request({"op": "run_cells", "cells": [{"label": "t", "code": code}]}, timeout)
        error = reply["errors"][0]["error"] if reply["errors"] else None
        child.request({"op": "load_probes", "source": "def probe_get(ns):\n    return ns.get('result')"}, timeout)
        value = child.request({"op": "probe", "name": "get", "inputs": {}}, timeout)
    return error, value.get("value")


def test_bubblewrap_is_used_where_it_works_and_nothing_else_is_chosen_in_its_place():
    if BWRAP_PROBLEM is None:
        assert Sandbox.detect().kind == "bwrap" and Sandbox.detect().for_grades
    else:
        with pytest.raises(sandbox_module.SandboxUnavailable):
            Sandbox.detect()


def test_numpy_and_the_stdlib_work(box):
    error, value = evaluate(box, "import numpy as np, math, random, collections\n"
                                 "result = float(np.linalg.norm(np.ones(4))) + math.sqrt(4)")
    assert error is None and value == 4.0


def test_nothing_but_numpy_can_be_imported(box):
    for module in ("autograd_ref", "autograd_course", "pytest", "nbgrader", "IPython"):
        error, _ = evaluate(box, f"import {module}")
        assert error is not None and ("ModuleNotFoundError" in error or "PermissionError" in error), (module, error)


def test_the_environment_is_empty_and_the_working_directory_too(box):
    error, value = evaluate(box, "import os, sys\nresult = [sorted(os.environ), os.listdir('.'), sys.flags.isolated]")
    assert error is None
    env, listing, isolated = value
    assert set(env) <= set(sandbox_module.CHILD_ENV) | {"PWD"} and listing == [] and isolated == 1


def test_the_course_and_the_system_cannot_be_read(box):
    targets = [REPO / "README.md", REPO / "tests" / "grading_fixtures" / "course" / "hidden" / "toy" / "probes.py",
               "/etc/passwd", os.path.expanduser("~/.bashrc"), "/proc/1/environ"]
    for target in targets:
        error, _ = evaluate(box, f"open({str(target)!r}).read()")
        assert error and ("FileNotFoundError" in error or "PermissionError" in error), (target, error)
    error, _ = evaluate(box, f"import os\nos.listdir({str(REPO)!r})")
    assert error is not None


def test_no_network(box):
    error, _ = evaluate(box, "import socket\nsocket.create_connection(('127.0.0.1', 22), timeout=1)")
    assert error is not None and ("PermissionError" in error or "OSError" in error or "ConnectionRefused" in error
                                  or "unreachable" in error.lower())
    if box.kind == "bwrap" or os.geteuid() == 0:
        code = ("import socket\ns = socket.socket()\n"
                "try:\n    s.connect(('10.255.255.1', 9))\nexcept OSError as e:\n    result = e.errno\n")
        error, value = evaluate(box, code)
        # Either sockets are refused outright (fallback) or there is no route (an empty network namespace).
        assert (error and "PermissionError" in error) or value == 101


@pytest.mark.skipif(os.geteuid() != 0, reason="the grader gives the child a uid of its own only when root")
def test_the_child_is_not_root(box):
    error, value = evaluate(box, "import os\nresult = [os.getuid(), os.geteuid(), os.getgid(), os.getgroups()]")
    assert error is None
    uid, euid, gid, groups = value
    assert uid == euid == gid >= sandbox_module.UID_BASE and groups == []


def test_memory_is_limited(box):
    error, _ = evaluate(box, "x = bytearray(2 * 1024**3)")
    assert error is not None and "MemoryError" in error
    error, _ = evaluate(box, "import numpy as np\nx = np.ones((1024, 1024, 256))")
    assert error is not None and "MemoryError" in error


def test_files_are_limited_in_size_and_number(box):
    error, _ = evaluate(box, "open('big', 'wb').write(b'x' * (8 << 20))")
    assert error is not None and ("File too large" in error or "No space" in error)
    error, _ = evaluate(box, "files = [open(f'f{i}', 'w') for i in range(200)]")
    assert error is not None and "Too many open files" in error


def test_processes_are_limited(box):
    code = ("import os\nn = 0\ntry:\n    for i in range(100):\n        if os.fork() == 0:\n"
            "            import time; time.sleep(60); os._exit(0)\n        n += 1\nexcept Exception as e:\n"
            "    result = [n, type(e).__name__]\n")
    error, value = evaluate(box, code)
    if box.kind == "fallback" and os.geteuid() != 0:
        assert error and "PermissionError" in error
    else:
        assert value is not None and value[0] < 16, value


def test_a_timeout_kills_every_process_of_the_child(box):
    code = ("import os, time\nfor i in range(5):\n    try:\n        if os.fork() == 0:\n"
            "            os.setsid()\n            time.sleep(60)\n    except Exception:\n        pass\n"
            "while True:\n    pass\n")
    with box.start() as child:
        uid = child._uid
        with pytest.raises(ChildGone, match="ran out of time"):
            child.request({"op": "run_cells", "cells": [{"label": "t", "code": code}]}, 1.5)
        assert not child.alive
    if uid is not None:
        time.sleep(0.2)
        assert sandbox_module._count_processes_of(uid) == 0


def test_exits_and_crashes_are_described(box):
    for code, words in [("import os\nos._exit(3)", "exit code 3"), ("import os, signal\nos.kill(os.getpid(), 11)", "")]:
        with box.start() as child:
            try:
                child.request({"op": "run_cells", "cells": [{"label": "t", "code": code}]}, 5)
            except ChildGone as e:
                assert words in str(e)
            else:  # the fallback refuses os.kill
                assert box.kind == "fallback"


def test_forged_and_oversized_replies_end_the_child(box):
    # The protocol's pipes keep the grader's descriptor numbers, which depend on what else the test
    # run has open: try every plausible one, as an attacker would.
    forge = ("import os\nfor fd in range(3, 1024):\n    try:\n"
             "        os.write(fd, b'{\"ok\": true, \"errors\": [], \"value\": 7}\\n')\n    except OSError:\n        pass\n")
    with box.start() as child:
        with pytest.raises(ChildGone, match="protocol"):
            child.request({"op": "run_cells", "cells": [{"label": "t", "code": forge}]}, 5)
    flood = "import os\nfor fd in range(3, 1024):\n    try:\n        os.write(fd, b'[' * (3 << 20))\n    except OSError:\n        pass\n"
    with box.start() as child:
        with pytest.raises(ChildGone, match="larger than the protocol allows|protocol|time"):
            child.request({"op": "run_cells", "cells": [{"label": "t", "code": flood}]}, 5)


def test_results_must_be_plain_data(box):
    with box.start() as child:
        child.request({"op": "run_cells", "cells": [{"label": "t", "code": "import numpy as np"}]}, 5)
        probes = ("import numpy as np\n"
                  "def probe_obj(ns):\n    return object()\n"
                  "def probe_big(ns):\n    return list(range(500000))\n"
                  "def probe_arr(ns):\n    return {'a': np.arange(3), 'b': np.float32(0.5), 'c': (1, 'x', None)}\n")
        child.request({"op": "load_probes", "source": probes}, 5)
        obj = child.request({"op": "probe", "name": "obj", "inputs": {}}, 5)
        assert obj["ok"] is False and "not plain data" in obj["error"]
        big = child.request({"op": "probe", "name": "big", "inputs": {}}, 5)
        assert big["ok"] is False and "too large" in big["error"]
        arr = child.request({"op": "probe", "name": "arr", "inputs": {}}, 5)
        assert arr["value"] == {"a": [0, 1, 2], "b": 0.5, "c": [1, "x", None]}


def test_the_probe_prelude_reaches_the_probes_but_not_the_students_code(box):
    """The grader sends probe_prelude.py with every probes.py: its helpers are the probes' alone, and a
    probes.py may define one of their names again for itself without changing the prelude's own functions."""
    from autograd_course.grading import probe_prelude_source
    with box.start() as child:
        child.request({"op": "run_cells", "cells": [{"label": "t", "code": "def answer():\n    return [[1, 2]]"}]}, 5)
        probes = ("def probe_shared(ns):\n    return _array(ns['answer']()), _error_name(lambda: 1 / 0)\n"
                  "def probe_student_sees(ns):\n    return sorted(k for k in ('_array', '_error_name') if k in ns)\n"
                  "def _numbers(data, x):\n    return 'redefined'\n"
                  "def probe_redefined(ns):\n    return _numbers(None, 1), _array(None)\n")
        child.request({"op": "load_probes", "prelude": probe_prelude_source(), "source": probes}, 5)
        shared = child.request({"op": "probe", "name": "shared", "inputs": {}}, 5)
        assert shared["value"] == [{"shape": [1, 2], "values": [1.0, 2.0]}, "ZeroDivisionError"]
        assert child.request({"op": "probe", "name": "student_sees", "inputs": {}}, 5)["value"] == []
        assert child.request({"op": "probe", "name": "redefined", "inputs": {}}, 5)["value"] == ["redefined", None]


def test_to_plain_refuses_objects():
    class Sneaky(float):
        pass

    for bad in [Sneaky(1.0), {1: 2}, [object()], complex(1, 2), (x for x in [])]:
        with pytest.raises(NotPlainData):
            to_plain(bad)


def test_fallback_guard_refuses_escapes():
    box = Sandbox.detect("fallback")
    for code, words in [
        ("import ctypes\nctypes.string_at(0)", "ctypes"),
        ("import subprocess\nsubprocess.run(['true'])", ""),
        ("import os\nos.system('true')", "os.system"),
        ("import os\nos.listdir('/')", "not allowed"),
        ("def f(a=1):\n    return a\nf.__defaults__ = (2,)", "__defaults__"),
        ("import os\nos.symlink('/etc', 'etc')", "not allowed"),
        ("open('../../../../../../etc/passwd')", "not allowed"),
    ]:
        error, _ = evaluate(box, code)
        assert error is not None and words in error, (code, error)


def test_without_bwrap_grading_is_refused_with_what_to_do(monkeypatch):
    monkeypatch.setattr(sandbox_module, "_checked", {"result": "bwrap is not installed"})
    for prefer in ("bwrap", "auto"):
        with pytest.raises(sandbox_module.SandboxUnavailable) as refused:
            Sandbox.detect(prefer)
        message = str(refused.value)
        assert "bwrap is not installed" in message and "apt-get install bubblewrap" in message
        assert "unprivileged_userns_clone" in message and sandbox_module.FALLBACK_NAME in message
    fallback = Sandbox.detect(sandbox_module.FALLBACK_NAME)      # only by its name, which says what it is
    assert fallback.kind == "fallback" and not fallback.for_grades


@pytest.mark.needs("bwrap")
def test_bwrap_sandbox_sees_only_what_it_needs():
    box = Sandbox.detect("bwrap")
    error, value = evaluate(box, "import os, sys\nresult = [sorted(os.listdir('/')), sys.path[-1], "
                                 "sorted(os.listdir(sys.path[-1])), os.getcwd()]")
    assert error is None
    root, site, site_listing, cwd = value
    assert set(root) <= {"usr", "lib", "lib64", "lib32", "bin", "sbin", "root", "home", "opt", "sandbox", "work",
                         "tmp", "proc", "dev"}, root
    assert "etc" not in root and "work" in root
    assert site == "/sandbox/site" and set(site_listing) <= {"numpy", "numpy.libs"} and cwd == "/work"


@pytest.mark.needs("bwrap")
def test_bwrap_hides_the_systems_python_packages_and_bounds_every_writable_place():
    """The child may put any folder on sys.path: the system's dist-packages are empty in the sandbox, and
    /work, /tmp and /dev/shm each hold at most the working directory's size (16 MB here)."""
    box = Sandbox.detect("bwrap", Limits(cpu_s=20, memory_mb=768, processes=16, file_mb=4, work_mb=16))
    hidden = sandbox_module._system_package_dirs()
    code = (
        "import os\nresult = {}\n"
        f"for d in {hidden!r}:\n"
        "    result[d] = os.listdir(d) if os.path.isdir(d) else []\n"
        "for d in ('/work', '/tmp', '/dev/shm'):\n"
        "    written = 0\n"
        "    try:\n"
        "        for i in range(40):\n"
        "            with open(f'{d}/fill{i}', 'wb') as f:\n"
        "                f.write(b'x' * (1 << 20))\n"
        "            written += 1\n"
        "    except OSError:\n"
        "        pass\n"
        "    result[d] = written\n"
    )
    error, value = evaluate(box, code)
    assert error is None, error
    for d in hidden:
        assert value[d] == [], (d, value[d][:5])
    for d in ("/work", "/tmp", "/dev/shm"):
        assert value[d] <= 16, (d, value[d])


@pytest.mark.needs("bwrap")
def test_bwrap_child_is_one_process_so_its_limits_are_the_submissions():
    """Per-process limits add up over forks (six forks of 300 MB under a 1 GB limit held 1.8 GB): the child
    cannot start processes, so what it holds is under its one address-space limit. Threads (which share
    that address space) still work: exercise 6 needs them."""
    box = Sandbox.detect("bwrap", Limits(cpu_s=20, memory_mb=768, processes=16, file_mb=4, work_mb=16))
    code = ("import os, threading, subprocess\nresult = []\n"
            "for attempt in (os.fork, lambda: threading.Thread(target=print).start(),\n"
            "                lambda: subprocess.run(['/usr/bin/true']), lambda: os.posix_spawn('/usr/bin/true', ['true'], {})):\n"
            "    try:\n        attempt()\n        result.append('started')\n"
            "    except Exception as e:\n        result.append(type(e).__name__)\n")
    error, value = evaluate(box, code)
    assert error is None and value[1] == "started", value
    assert value[0] == value[2] == value[3] == "BlockingIOError", value


def test_the_seccomp_program_is_well_formed():
    from autograd_course import seccomp

    for machine in ("x86_64", "aarch64"):
        program = seccomp.no_new_processes(machine)
        assert program and len(program) % 8 == 0 and len(program) // 8 < 32
    assert seccomp.no_new_processes("sparc") is None


@pytest.mark.needs("bwrap")
def test_bwrap_shows_no_host_paths():
    """/proc/self/mountinfo would list the host path behind every bind (the course's virtual environment,
    say): the sandbox has no /proc, and nothing else it can read names a host folder."""
    box = Sandbox.detect("bwrap")
    error, value = evaluate(box, "import os\nresult = [os.path.exists('/proc/self/mountinfo'), "
                                 "os.path.exists('/proc/self/environ'), sorted(os.listdir('/'))]")
    assert error is None and value[0] is False and value[1] is False and "proc" not in value[2], value

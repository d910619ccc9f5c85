"""Starting the untrusted child process, and talking to it in JSON lines over a pair of pipes.

    sandbox = Sandbox.detect()                      # bubblewrap, or SandboxUnavailable saying what to do
    with sandbox.start() as child:
        reply = child.request({"op": "run_cells", "cells": [...]}, timeout=5)

The child is ``child.py`` run by a fresh interpreter (``python -I -S``) whose ``sys.path`` is the stdlib and a
directory holding only numpy. Two ways to fence it in:

``bwrap`` (bubblewrap)
    New PID, network, IPC and UTS namespaces (so: no network, and killing the sandbox kills every process
    in it), a root filesystem made of read-only binds of the interpreter's prefix, /usr, /lib and /lib64,
    numpy mounted at a private site directory, a small tmpfs as the working directory, an empty
    environment. Started as root, bwrap keeps only CAP_SETUID/CAP_SETGID and the child gives up root for a
    uid of its own before any student code runs, so that the process limit applies to it.

``fallback`` (only when asked for by name: ``--sandbox fallback-not-for-grades``; never for grades)
    The same resource limits and a new session, ``unshare --net`` and the uid of its own when the grader is
    root, a private temporary working directory, and an audit hook in the child refusing file access
    outside the stdlib, numpy and its working directory, ctypes, sockets and starting processes. An audit
    hook runs inside the interpreter it guards, so student code can get past it: this is for trying a
    hidden suite on a machine without bubblewrap, and its scores are marked as not grades.

In both, ``setrlimit`` caps CPU time, address space, processes, file size and open files, and the caller
kills the whole process group when a request runs past its time.
"""

from __future__ import annotations

import json
import os
import resource
import secrets
import select
import shutil
import signal
import subprocess
import sys
import sysconfig
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

# Every message either way is one JSON line of at most this many bytes.
MAX_MESSAGE = 1 << 20

# The child's own copy of this limit lives in child.py; keep them equal.
CHILD_SOURCE = Path(__file__).with_name("child.py")

# Inside the bwrap sandbox: where numpy is mounted, and the working directory.
SANDBOX_SITE = "/sandbox/site"
SANDBOX_WORK = "/work"

# A uid (and gid) of its own for each grading process's children: no other process has it, so the process
# limit counts only the child's processes and "kill every process of this uid" is safe. Far above real users.
UID_BASE = 2_000_000_000

# What the fallback preloads before giving up root (afterwards a private home directory may be unreadable).
FALLBACK_PRELOAD = (
    "numpy", "numpy.linalg", "numpy.random", "numpy.fft", "math", "cmath", "random", "itertools",
    "functools", "collections", "collections.abc", "dataclasses", "typing", "copy", "time", "operator",
    "statistics", "fractions", "decimal", "heapq", "bisect", "re", "string", "textwrap", "traceback",
    "numbers", "enum", "abc", "warnings", "contextlib", "weakref", "types", "inspect", "pprint", "glob",
    "json", "pathlib", "io", "csv", "datetime", "struct", "array", "queue", "hashlib", "zlib", "unittest",
)

# One thread for the BLAS under numpy: the process limit counts threads, and grading runs in parallel anyway.
CHILD_ENV = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "LC_ALL": "C.UTF-8"}


class SandboxUnavailable(RuntimeError):
    """No sandbox of the kind asked for can be started on this machine; the message says what to do."""


# The name under which the fallback can be chosen on the command line: it says what its scores are.
FALLBACK_NAME = "fallback-not-for-grades"


def bwrap_unavailable_message(problem: str) -> str:
    return (f"bubblewrap cannot run the grader's sandbox here ({problem}), and grades are only given inside it. "
            "Install it (Debian/Ubuntu: sudo apt-get install bubblewrap). If it is installed but cannot start, "
            "this machine does not allow unprivileged user namespaces: grade as root, or allow them "
            "(sysctl -w kernel.unprivileged_userns_clone=1; on Ubuntu 24.04 and later also "
            "kernel.apparmor_restrict_unprivileged_userns=0). To try a hidden suite without it: "
            f"--sandbox {FALLBACK_NAME} (its scores are not grades).")


class ChildGone(Exception):
    """The child ended, or broke the protocol, or ran out of time; ``str()`` says which, in a few words."""


# Wall-clock seconds for one submission: all its children, cells and probes together (``--budget``).
DEFAULT_BUDGET_S = 120.0


@dataclass(frozen=True)
class Limits:
    """Resource limits for one child. ``cpu_s`` is CPU time over its whole life (many probes)."""

    cpu_s: int = 120
    memory_mb: int = 1024
    processes: int = 32
    file_mb: int = 16
    open_files: int = 64
    work_mb: int = 64  # the size of the bwrap sandbox's working directory (a tmpfs)


def _numpy_dirs() -> list[Path]:
    import numpy

    package = Path(numpy.__file__).resolve().parent
    dirs = [package]
    libs = package.parent / "numpy.libs"  # shared libraries of a manylinux wheel live beside the package
    if libs.is_dir():
        dirs.append(libs)
    return dirs


def _interpreter() -> tuple[Path, Path]:
    """The real interpreter binary (not a venv's link to it) and the prefix its stdlib lives under."""
    exe = Path(os.path.realpath(sys.executable))
    prefix = Path(os.path.realpath(sys.base_prefix))
    return exe, prefix


def _site_packages_under(prefix: Path) -> list[str]:
    """Site-packages directories inside the bound prefix: hidden by an empty tmpfs in the sandbox."""
    found = set()
    for scheme_key in ("purelib", "platlib"):
        path = sysconfig.get_paths(vars={"base": str(prefix), "platbase": str(prefix)}).get(scheme_key)
        if path:
            found.add(os.path.realpath(path))
    found.update(str(p) for p in prefix.glob("lib*/python3*/dist-packages"))
    return sorted(p for p in found if os.path.isdir(p))


# Python packages the system keeps under the read-only binds (Debian's python3-* packages, pip installs as
# root): each is hidden by an empty tmpfs, so that the child imports the stdlib and numpy only.
SYSTEM_PACKAGE_DIRS = ("/usr/lib/python3/dist-packages", "/usr/lib/python3*/dist-packages",
                       "/usr/lib/python3*/site-packages", "/usr/local/lib/python3*/dist-packages",
                       "/usr/local/lib/python3*/site-packages", "/lib/python3/dist-packages")


def _system_package_dirs() -> list[str]:
    import glob

    return sorted({os.path.realpath(p) for pattern in SYSTEM_PACKAGE_DIRS for p in glob.glob(pattern)
                   if os.path.isdir(p)})


def _seccomp_pipe() -> int | None:
    """The read end of a pipe holding the filter that stops the child from starting processes (bwrap reads
    it), or None on an architecture the filter does not know (the process limit still applies there)."""
    from .seccomp import no_new_processes

    program = no_new_processes()
    if program is None:
        return None
    read_end, write_end = os.pipe()
    os.write(write_end, program)     # a few hundred bytes: well within a pipe's buffer
    os.close(write_end)
    return read_end


def _uid_for_this_process() -> int:
    return UID_BASE + os.getpid()


@dataclass
class Sandbox:
    """How children are started on this machine: ``kind`` is "bwrap" or "fallback"."""

    kind: str
    limits: Limits = field(default_factory=Limits)
    reason: str = ""  # for the fallback: that it was asked for, and is not for grades

    @classmethod
    def detect(cls, prefer: str = "bwrap", limits: Limits | None = None) -> "Sandbox":
        """The sandbox to grade in: bubblewrap, or SandboxUnavailable saying how to get it. The fallback
        only when asked for by name (``prefer="fallback"``), never chosen in bubblewrap's place."""
        limits = limits or Limits()
        if prefer in ("fallback", FALLBACK_NAME):
            return cls("fallback", limits, "asked for; not for grades")
        if prefer not in ("bwrap", "auto"):
            raise ValueError(f"unknown sandbox {prefer!r}: bwrap or {FALLBACK_NAME}")
        problem = _bwrap_problem()
        if problem is not None:
            raise SandboxUnavailable(bwrap_unavailable_message(problem))
        return cls("bwrap", limits)

    @property
    def for_grades(self) -> bool:
        """Whether scores from this sandbox may be grades (only bubblewrap's)."""
        return self.kind == "bwrap"

    def start(self) -> "Child":
        """Start a child; it waits for requests."""
        return Child(self)


# What was found out about this machine, once per process: "result" (bwrap's problem), "unshare".
_checked: dict[str, str | None] = {}


def _bwrap_problem() -> str | None:
    """None if bubblewrap can run the child here, else what went wrong (checked once per process)."""
    if "result" in _checked:
        return _checked["result"]
    problem = None
    if shutil.which("bwrap") is None:
        problem = "bwrap is not installed (Debian: apt-get install bubblewrap)"
    else:
        try:
            child = Child(Sandbox("bwrap"))
            try:
                reply = child.request({"op": "run_cells", "cells": [{"label": "check", "code": "import numpy"}]}, 20)
                if reply.get("errors"):
                    problem = "numpy does not import inside bwrap: " + reply["errors"][0]["error"]
            finally:
                child.close()
        except ChildGone as e:
            problem = f"bwrap did not start the child ({e})"
        except OSError as e:
            problem = f"bwrap could not be started: {e}"
    _checked["result"] = problem
    return problem


def _unshare_net_works() -> bool:
    if "unshare" not in _checked:
        ok = False
        if os.geteuid() == 0 and shutil.which("unshare"):
            try:
                ok = subprocess.run(["unshare", "--net", "true"], capture_output=True, timeout=10).returncode == 0
            except (OSError, subprocess.SubprocessError):
                ok = False
        _checked["unshare"] = "yes" if ok else None
    return _checked["unshare"] == "yes"


def _count_processes_of(uid: int) -> int:
    count = 0
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                count += os.stat(f"/proc/{entry}").st_uid == uid
            except OSError:
                pass
    return count


class Child:
    """One running child: send it requests, read its replies, kill it. Use as a context manager."""

    def __init__(self, sandbox: Sandbox):
        self.kind = sandbox.kind
        self.limits = sandbox.limits
        self._tmp = None
        self._uid = _uid_for_this_process() if os.geteuid() == 0 else None
        self._buffer = b""
        self.exit_reason: str | None = None
        self._processes = self.limits.processes
        if self._uid is None and self.kind == "bwrap":
            # Not root: the limit counts all of this user's processes, so leave room for those running.
            self._processes += _count_processes_of(os.getuid())

        requests_r, self._requests_w = os.pipe()
        self._replies_r, replies_w = os.pipe()
        inherited = [requests_r, replies_w]
        config = {"requests_fd": requests_r, "replies_fd": replies_w, "uid": self._uid, "gid": self._uid}
        if self.kind == "bwrap":
            seccomp_fd = _seccomp_pipe()
            if seccomp_fd is not None:
                inherited.append(seccomp_fd)
            argv, cwd = self._bwrap_argv(config, seccomp_fd), None
        else:
            argv, cwd = self._fallback_argv(config)
        try:
            self._process = subprocess.Popen(
                argv, cwd=cwd, env=dict(CHILD_ENV), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL, pass_fds=tuple(inherited), start_new_session=True,
                preexec_fn=self._set_limits, close_fds=True,
            )
        except BaseException:
            for fd in inherited + [self._requests_w, self._replies_r]:
                os.close(fd)
            self._cleanup_dirs()
            raise
        for fd in inherited:
            os.close(fd)
        os.set_blocking(self._replies_r, False)

    # -- starting ---------------------------------------------------------------------------------------

    def _bwrap_argv(self, config: dict, seccomp_fd: int | None) -> list[str]:
        exe, prefix = _interpreter()
        binds = []
        for path in ("/usr", "/lib", "/lib64", "/lib32"):
            if os.path.isdir(path) and not prefix.is_relative_to(path):
                binds += ["--ro-bind", path, path]
        extra = [prefix]
        if not exe.is_relative_to(prefix) and not any(exe.is_relative_to(p) for p in ("/usr", "/lib")):
            extra.append(exe.parent)
        for path in extra:
            # The directories above a bind are made by bwrap; make them traversable by the child's own uid
            # (a private home such as /root would otherwise hide a prefix like /root/.pyenv/versions/3.11).
            for parent in reversed(path.parents[:-1]):
                if not any(parent.is_relative_to(p) for p in ("/usr", "/lib", "/lib64", "/lib32")):
                    binds += ["--perms", "0755", "--dir", str(parent)]
            binds += ["--ro-bind", str(path), str(path)]
        for site in _site_packages_under(prefix) + _system_package_dirs():
            binds += ["--tmpfs", site]
        binds += ["--perms", "0755", "--dir", str(Path(SANDBOX_SITE).parent), "--perms", "0755", "--dir", SANDBOX_SITE]
        for directory in _numpy_dirs():
            binds += ["--ro-bind", str(directory), f"{SANDBOX_SITE}/{directory.name}"]
        if self._uid is not None:  # root: no user namespace; the child drops to its own uid (see child.py)
            isolation = ["--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup-try",
                         "--cap-drop", "ALL", "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
        else:
            isolation = ["--unshare-all", "--cap-drop", "ALL"]
        env = []
        for key, value in CHILD_ENV.items():
            env += ["--setenv", key, value]
        config = dict(config, site=SANDBOX_SITE, preload=[])
        # One process, no threads: the memory and file limits then hold for the whole submission.
        seccomp = ["--seccomp", str(seccomp_fd)] if seccomp_fd is not None else []
        return [
            "bwrap", *isolation, *seccomp, "--die-with-parent", "--new-session", *binds,
            # Every writable place is a tmpfs of bounded size (they live in memory): the working directory,
            # /tmp and /dev/shm. No /proc: its mountinfo would show the host's paths behind every bind.
            "--perms", "1777", "--size", str(self.limits.work_mb << 20), "--tmpfs", SANDBOX_WORK,
            "--perms", "1777", "--size", str(self.limits.work_mb << 20), "--tmpfs", "/tmp",
            "--dev", "/dev",
            "--perms", "1777", "--size", str(self.limits.work_mb << 20), "--tmpfs", "/dev/shm",
            "--chdir", SANDBOX_WORK,
            "--clearenv", *env,
            str(exe), "-I", "-S", "-c", CHILD_SOURCE.read_text(), json.dumps(config),
        ]

    def _fallback_argv(self, config: dict) -> tuple[list[str], str]:
        exe, _ = _interpreter()
        self._tmp = tempfile.mkdtemp(prefix="autograd-course-child-")
        os.chmod(self._tmp, 0o711)
        work = os.path.join(self._tmp, "work")
        site = os.path.join(self._tmp, "site")
        os.mkdir(work, 0o700)
        os.mkdir(site, 0o755)
        numpy_dirs = _numpy_dirs()
        for directory in numpy_dirs:
            os.symlink(directory, os.path.join(site, directory.name))
        if self._uid is not None:
            os.chown(work, self._uid, self._uid)
        stdlib = {os.path.realpath(sysconfig.get_paths()[k]) for k in ("stdlib", "platstdlib")}
        readable = sorted(stdlib | {site} | {str(d) for d in numpy_dirs})
        config = dict(config, site=site, preload=list(FALLBACK_PRELOAD),
                      guard={"read": readable, "write": [os.path.realpath(work)]})
        argv = [str(exe), "-I", "-S", "-c", CHILD_SOURCE.read_text(), json.dumps(config)]
        if _unshare_net_works():
            argv = ["unshare", "--net", "--", *argv]
        return argv, work

    def _set_limits(self):
        """Runs in the forked process just before exec (so: only async-signal-safe-ish work)."""
        limits = self.limits
        for which, value in (
            (resource.RLIMIT_CPU, limits.cpu_s),
            (resource.RLIMIT_AS, limits.memory_mb << 20),
            (resource.RLIMIT_NPROC, self._processes),
            (resource.RLIMIT_FSIZE, limits.file_mb << 20),
            (resource.RLIMIT_NOFILE, limits.open_files),
            (resource.RLIMIT_CORE, 0),
        ):
            if self._uid is None and self.kind == "fallback" and which == resource.RLIMIT_NPROC:
                continue  # no uid of its own: the audit hook refuses fork and exec instead
            resource.setrlimit(which, (value, value))

    # -- talking --------------------------------------------------------------------------------------

    def request(self, message: dict, timeout: float) -> dict:
        """Send one request and return the child's reply (a dict whose nonce matches).

        Raises ChildGone (the child is then dead) if it exits, breaks the protocol or runs past ``timeout``.
        """
        deadline = time.monotonic() + timeout
        return self.receive(self.send(message, deadline), deadline)

    def send(self, message: dict, deadline: float) -> str:
        """Send a request without waiting for its reply; returns the nonce that ``receive`` expects."""
        if self.exit_reason is not None:
            raise ChildGone(self.exit_reason)
        nonce = secrets.token_hex(8)
        data = json.dumps(dict(message, nonce=nonce)).encode() + b"\n"
        if len(data) > MAX_MESSAGE:
            raise ValueError("request larger than the protocol allows")
        try:
            self._write(data, deadline)
        except ChildGone as e:
            self._kill(str(e))
            raise ChildGone(self.exit_reason) from None
        return nonce

    def receive(self, nonce: str, deadline: float) -> dict:
        """The reply to the request sent with ``nonce``, by ``deadline`` (a time.monotonic() value)."""
        if self.exit_reason is not None:
            raise ChildGone(self.exit_reason)
        try:
            reply = self._read_reply(deadline)
        except ChildGone as e:
            self._kill(str(e))
            raise ChildGone(self.exit_reason) from None
        if not isinstance(reply, dict) or reply.get("nonce") != nonce or not isinstance(reply.get("ok"), bool):
            self._kill("broke the grader's protocol")
            raise ChildGone(self.exit_reason)
        return reply

    def _write(self, data: bytes, deadline: float):
        view = memoryview(data)
        while view:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise ChildGone("ran out of time")
            _, writable, _ = select.select([], [self._requests_w], [], remaining)
            if writable:
                try:
                    written = os.write(self._requests_w, view[: 1 << 16])
                except (BrokenPipeError, BlockingIOError) as e:
                    if isinstance(e, BlockingIOError):
                        continue
                    raise ChildGone(self._describe_exit()) from None
                view = view[written:]

    def _read_reply(self, deadline: float):
        while b"\n" not in self._buffer:
            if len(self._buffer) > MAX_MESSAGE:
                raise ChildGone("sent a message larger than the protocol allows")
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise ChildGone("ran out of time")
            readable, _, _ = select.select([self._replies_r], [], [], remaining)
            if not readable:
                continue
            try:
                chunk = os.read(self._replies_r, 1 << 16)
            except BlockingIOError:
                continue
            if not chunk:
                raise ChildGone(self._describe_exit())
            self._buffer += chunk
        line, _, self._buffer = self._buffer.partition(b"\n")
        if len(line) > MAX_MESSAGE:
            raise ChildGone("sent a message larger than the protocol allows")
        try:
            return json.loads(line)
        except (ValueError, RecursionError):
            raise ChildGone("broke the grader's protocol") from None

    # -- ending ---------------------------------------------------------------------------------------

    def _describe_exit(self) -> str:
        try:
            code = self._process.wait(timeout=2)
        except subprocess.TimeoutExpired:
            return "stopped answering"
        if self.kind == "bwrap" and code > 128:
            code = 128 - code  # bwrap exits with 128 + the signal that ended the child
        if code < 0:
            sig = -code
            return {
                signal.SIGXCPU: "used up its CPU time",
                signal.SIGXFSZ: "wrote a file larger than allowed",
                signal.SIGSEGV: "crashed (segmentation fault)",
                signal.SIGBUS: "crashed (bus error)",
                signal.SIGABRT: "crashed (aborted)",
                signal.SIGKILL: "was killed (out of memory or time?)",
            }.get(sig, f"was ended by signal {sig}")
        return f"ended (exit code {code})"

    def _kill(self, reason: str):
        if self.exit_reason is None:
            self.exit_reason = reason
        try:
            os.killpg(self._process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            self._process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        if self.kind == "fallback" and self._uid is not None:
            _kill_all_of(self._uid)  # processes that left the group (setsid) still have the uid

    @property
    def alive(self) -> bool:
        return self.exit_reason is None and self._process.poll() is None

    def close(self):
        """Kill the child (if still running) and release its pipes and directories."""
        self._kill("was stopped by the grader")
        for fd in (self._requests_w, self._replies_r):
            try:
                os.close(fd)
            except OSError:
                pass
        self._requests_w = self._replies_r = -1
        self._cleanup_dirs()

    def _cleanup_dirs(self):
        if self._tmp:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None

    def __enter__(self) -> "Child":
        return self

    def __exit__(self, *exc):
        self.close()


def _kill_all_of(uid: int):
    """Send SIGKILL to every process of ``uid``, from a helper that takes on that uid (kill(-1) semantics)."""
    try:
        subprocess.run(["kill", "-9", "-1"], user=uid, group=uid, extra_groups=[], stdin=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=5, env={"PATH": "/usr/bin:/bin"})
    except (OSError, subprocess.SubprocessError):
        pass

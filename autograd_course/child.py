"""The program that runs INSIDE the sandbox, next to the student's code. Nothing here is trusted.

The grader starts it as ``python -I -S -c <this file's source> <config JSON>`` (see ``sandbox.py``) and then
speaks JSON lines with it over two pipes: requests in on ``config["requests_fd"]``, replies out on
``config["replies_fd"]``. One request, one reply::

    -> {"op": "run_cells", "nonce": "a1..", "cells": [{"label": "square", "code": "def square(x): ..."}]}
    <- {"nonce": "a1..", "ok": true, "errors": [{"cell": "square", "error": "NameError: ..."}]}

Then ``load_probes`` (the source of ``probe_prelude.py``, helpers that every suite's probes may use, and the
hidden suite's probes.py source) and one ``probe`` request per call of ``student.probe``. The grader checks
every reply, and every score is computed there: this process can only hand back plain data, and the
student's code, which runs in this very process, could forge any of it.

Only the stdlib and numpy are importable here. Keep this file free of imports from the course package.
"""

import builtins
import json
import os
import sys

# Replies larger than this are refused by the grader; the child says so itself to fail cleanly.
MAX_MESSAGE = 1 << 20
MAX_ERROR = 400


def main(argv):
    config = json.loads(argv[1])
    if config.get("site"):
        sys.path.append(config["site"])
    # Import what the cells are likely to use while the interpreter's files are still reachable: after the
    # privilege drop of the fallback sandbox, files under a private home directory are not.
    for name in config.get("preload", ()):
        try:
            __import__(name)
        except Exception:
            pass
    if config.get("uid") is not None:
        drop_privileges(config["uid"], config["gid"])
    if config.get("guard"):
        install_guard(config["guard"]["read"], config["guard"]["write"])
    serve(config["requests_fd"], config["replies_fd"])


def drop_privileges(uid, gid):
    """Become an unprivileged user with no capabilities (the sandbox started us as root)."""
    os.setgroups([])
    os.setresgid(gid, gid, gid)
    os.setresuid(uid, uid, uid)


def serve(requests_fd, replies_fd):
    requests = open(requests_fd, "rb")
    write = os.write
    ns = notebook_namespace()
    probes = {}
    while True:
        line = requests.readline()
        if not line:
            return
        request = json.loads(line)
        reply = {"nonce": request.get("nonce")}
        try:
            reply.update(handle(request, ns, probes))
        except BaseException as e:  # noqa: BLE001 - anything the student's code raised, even SystemExit
            reply.update(ok=False, error=describe(e))
        data = encode(reply)
        while data:
            data = data[write(replies_fd, data):]


def handle(request, ns, probes):
    op = request.get("op")
    if op == "run_cells":
        errors = []
        for cell in request["cells"]:
            error = run_cell(cell["label"], cell["code"], ns)
            if error:
                errors.append({"cell": cell["label"], "error": error})
        return {"ok": True, "errors": errors}
    if op == "load_probes":
        probes.clear()
        probes.update({"__name__": "probes", "__builtins__": builtins})
        if request.get("prelude"):
            # The helpers every probes.py may use (probe_prelude.py): run apart, so that they keep their own
            # names whatever probes.py defines again, then handed to the probes (never to the student's ns).
            prelude = {"__name__": "probe_prelude", "__builtins__": builtins}
            exec(compile(request["prelude"], "<probe prelude>", "exec"), prelude)
            probes.update((k, v) for k, v in prelude.items() if not k.startswith("__"))
        exec(compile(request["source"], "<hidden probes>", "exec"), probes)
        return {"ok": True}
    if op == "probe":
        probe = probes.get("probe_" + request["name"])
        if not callable(probe):
            return {"ok": False, "error": "the grader has no probe named " + repr(request["name"])}
        inputs = {k: from_wire(v) for k, v in request["inputs"].items()}
        return {"ok": True, "value": to_plain(probe(ns, **inputs))}
    return {"ok": False, "error": "unknown request"}


def run_cell(label, code, ns):
    """Run one cell in the notebook's namespace; return a short error text, or None if it ran."""
    try:
        exec(compile(code, "<cell %s>" % label, "exec"), ns)
    except BaseException as e:  # noqa: BLE001 - SystemExit and KeyboardInterrupt are recorded too
        return describe(e)
    return None


def describe(error):
    """``"line 3 of cell 'square': ZeroDivisionError: division by zero"``, short, and only ever naming
    lines of the notebook's cells (never of the hidden probes)."""
    try:
        message = str(error)
    except BaseException:  # a student's __str__ may raise
        message = ""
    text = "%s: %s" % (type(error).__name__, message) if message else type(error).__name__
    where = ""
    if isinstance(error, SyntaxError) and str(error.filename).startswith("<cell "):
        where = "line %s of cell '%s': " % (error.lineno, error.filename[6:-1])
    tb = getattr(error, "__traceback__", None)
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.startswith("<cell "):
            where = "line %d of cell '%s': " % (tb.tb_lineno, filename[6:-1])
        tb = tb.tb_next
    text = where + text
    return text if len(text) <= MAX_ERROR else text[: MAX_ERROR - 3] + "..."


def encode(reply):
    try:
        data = json.dumps(reply, allow_nan=True).encode() + b"\n"
    except (TypeError, ValueError, RecursionError) as e:
        data = b""
        reply = {"nonce": reply.get("nonce"), "ok": False, "error": "could not encode the result: %s" % e}
    if not data or len(data) > MAX_MESSAGE:
        reply = {"nonce": reply.get("nonce"), "ok": False, "error": reply.get("error") or "the result is too large"}
        data = json.dumps(reply).encode() + b"\n"
    return data


class NotPlainData(TypeError):
    pass


def to_plain(value, depth=0):
    """Numbers, strings, None, lists and dicts; numpy arrays become (nested) lists."""
    if depth > 64:
        raise NotPlainData("the result is nested too deeply")
    t = type(value)
    if value is None or t in (bool, int, float, str):
        return value
    if t in (list, tuple):
        return [to_plain(v, depth + 1) for v in value]
    if t is dict:
        out = {}
        for k, v in value.items():
            if type(k) is not str:
                raise NotPlainData("a dict in the result has a key that is not a string")
            out[k] = to_plain(v, depth + 1)
        return out
    np = sys.modules.get("numpy")
    if np is not None:
        if t is np.ndarray:
            if value.dtype.kind not in "biuf":
                raise NotPlainData("the result is an array of %s, not of numbers" % value.dtype)
            return to_plain(value.tolist(), depth + 1)
        if isinstance(value, np.generic) and value.dtype.kind in "biuf":
            return value.item()
    raise NotPlainData("the result is a %s, not plain data (numbers, arrays, strings)" % t.__name__)


def from_wire(value):
    """Inputs from the grader: ``{"__ndarray__": [...], "dtype": "float64"}`` becomes a numpy array."""
    if type(value) is dict:
        if "__ndarray__" in value:
            import numpy as np

            return np.array(value["__ndarray__"], dtype=value["dtype"]).reshape(value["shape"])
        return {k: from_wire(v) for k, v in value.items()}
    if type(value) is list:
        return [from_wire(v) for v in value]
    return value


class _NoIPython:
    """What ``get_ipython()`` returns in the child: magics and shell commands do nothing, except that a
    timing or capturing cell magic still runs its cell."""

    _RUN_BODY = {"time", "timeit", "capture", "prun"}

    def __init__(self, ns):
        self._ns = ns

    def run_line_magic(self, name, line, *args, **kwargs):
        return None

    def run_cell_magic(self, name, line, body, *args, **kwargs):
        if name in self._RUN_BODY:
            exec(compile(body, "<cell magic>", "exec"), self._ns)
        return None

    def system(self, cmd, *args, **kwargs):
        return None

    def getoutput(self, cmd, *args, **kwargs):
        return []


def notebook_namespace():
    ns = {"__name__": "__main__", "__builtins__": builtins}
    shell = _NoIPython(ns)
    ns["get_ipython"] = lambda: shell
    ns["display"] = lambda *args, **kwargs: None
    return ns


def install_guard(read_dirs, write_dirs):
    """The fallback sandbox's last line: an audit hook refusing what the student's code must not do.

    Audit hooks are no sandbox by themselves (bubblewrap is the real one); this hook is written so that the
    obvious ways around it fail: everything it uses is bound when it is installed, its defaults and code
    cannot be replaced, and ctypes (which could patch memory) is refused outright.
    """
    read_dirs = tuple(d.rstrip("/") + "/" for d in read_dirs) + tuple(d.rstrip("/") + "/" for d in write_dirs)
    write_dirs = tuple(d.rstrip("/") + "/" for d in write_dirs)
    readable_files = frozenset(["/dev/null", "/dev/urandom", "/dev/random", "/dev/zero"])
    denied = frozenset([
        "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork", "os.forkpty", "os.kill", "os.killpg",
        "subprocess.Popen", "signal.pthread_kill", "resource.setrlimit", "resource.prlimit", "os.startfile",
        "sys.remote_exec",
    ])
    path_write_events = frozenset([
        "os.remove", "os.rename", "os.mkdir", "os.rmdir", "os.chmod", "os.chown", "os.link", "os.symlink",
        "os.truncate", "os.utime", "os.chflags", "os.lchflags", "os.setxattr", "os.removexattr", "shutil.rmtree",
        "shutil.move", "shutil.copyfile", "shutil.copymode", "shutil.copystat", "shutil.chown",
        "sqlite3.connect", "dbm.open",  # these open files in C, unseen by the "open" event
    ])
    path_read_events = frozenset(["os.listdir", "os.scandir", "os.chdir", "os.listxattr", "os.getxattr", "glob.glob"])
    denied_imports = frozenset(["_posixsubprocess", "_socket", "socket", "_ctypes", "ctypes", "_testcapi",
                                "_testinternalcapi", "_xxsubinterpreters", "_multiprocessing"])
    write_flags = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND

    def check(path, allowed, _getcwd=os.getcwd, _fspath=os.fspath, _bytes=bytes, _int=int,
              _isinstance=isinstance, _Refused=PermissionError, _files=readable_files):
        if path is None or _isinstance(path, _int):
            return  # an already open file descriptor
        try:
            path = _fspath(path)
            if _isinstance(path, _bytes):
                path = path.decode("utf-8", "surrogateescape")
        except Exception:
            raise _Refused("not allowed while grading: an unusual path") from None
        if not path.startswith("/"):
            path = _getcwd() + "/" + path
        parts = []
        for part in path.split("/"):  # resolve "." and ".." by hand: os.path is the student's to patch
            if part == "..":
                if parts:
                    parts.pop()
            elif part and part != ".":
                parts.append(part)
        path = "/" + "/".join(parts)
        if path in _files or (path + "/").startswith(allowed):
            return
        raise _Refused("not allowed while grading: " + path)

    # Everything the hook uses is a default argument: globals and closure cells can be swapped by the
    # student's code, defaults only through an audited attribute write, which the hook refuses.
    def guard(event, args, _check=check, _str=str, _int=int, _isinstance=isinstance, _len=len,
              _Refused=PermissionError, _modules=sys.modules, _read=read_dirs, _write=write_dirs,
              _denied=denied, _path_write=path_write_events, _path_read=path_read_events,
              _imports=denied_imports, _write_flags=write_flags,
              _fn_attrs=frozenset(["__code__", "__defaults__", "__kwdefaults__", "__closure__", "__globals__"])):
        if event == "open":
            path, mode, flags = args
            writing = (_isinstance(mode, _str) and ("w" in mode or "a" in mode or "x" in mode or "+" in mode)) \
                or (_isinstance(flags, _int) and flags & _write_flags)
            _check(path, _write if writing else _read)
        elif event in _path_read:
            _check(args[0], _read)
        elif event in _path_write:
            _check(args[0], _write)
            if event in ("os.rename", "os.link", "os.symlink", "shutil.move", "shutil.copyfile") and _len(args) > 1:
                _check(args[1], _write)
        elif event in _denied or event.startswith(("ctypes.", "socket.", "os.exec", "os.spawn")):
            raise _Refused("not allowed while grading: " + event)
        elif event == "import":
            if args[0] in _imports and args[0] not in _modules:
                raise _Refused("not allowed while grading: import " + args[0])
            if _len(args) > 1 and args[1] is not None:
                _check(args[1], _read)  # a module loaded from an explicit file
        elif event == "object.__setattr__" and args[1] in _fn_attrs:
            raise _Refused("not allowed while grading: changing a function's " + args[1])

    sys.addaudithook(guard)
    return guard


if __name__ == "__main__":
    main(sys.argv)

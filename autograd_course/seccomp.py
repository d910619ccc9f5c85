"""A seccomp filter that stops the sandboxed child from creating processes (threads are allowed).

Resource limits (``setrlimit``) count per process: six forks of 300 MB each stay under a 1 GB address-space
limit and still hold 1.8 GB together. A child that cannot fork, vfork or clone a new process is one process
(its threads share its address space), so its limits are the submission's limits. bubblewrap loads the
filter (``bwrap --seccomp FD``) just before it starts the child, after its own processes exist; the child's
``os.fork``, ``subprocess`` and ``os.posix_spawn`` then fail with ``BlockingIOError``, while ``threading``
works (exercise 6 is about grad mode per thread).

    >>> program = no_new_processes()     # bytes for bwrap, or None on an architecture not listed here

The program is classic BPF, as the kernel's ``struct sock_filter`` array: check the architecture, then the
system call number.
"""

from __future__ import annotations

import errno
import platform
import struct

# <linux/filter.h> and <linux/seccomp.h>
_LD_W_ABS = 0x20          # BPF_LD | BPF_W | BPF_ABS: load a 32-bit word of struct seccomp_data
_JEQ_K = 0x15             # BPF_JMP | BPF_JEQ | BPF_K
_JGE_K = 0x35             # BPF_JMP | BPF_JGE | BPF_K
_JSET_K = 0x45            # BPF_JMP | BPF_JSET | BPF_K
_RET_K = 0x06             # BPF_RET | BPF_K
_ALLOW = 0x7FFF0000       # SECCOMP_RET_ALLOW
_ERRNO = 0x00050000       # SECCOMP_RET_ERRNO | errno
_KILL = 0x80000000        # SECCOMP_RET_KILL_PROCESS
_NR, _ARCH, _ARG0_LOW = 0, 4, 16     # offsets in struct seccomp_data (little-endian: arg 0's low word)
_CLONE_THREAD = 0x00010000

# The system calls that make a process or a thread, by architecture (AUDIT_ARCH_*, numbers from the
# kernel's syscall tables). x32 calls on x86_64 (numbers with bit 30 set) are refused altogether.
_ARCHES = {
    "x86_64": (0xC000003E, {"clone": 56, "fork": 57, "vfork": 58, "clone3": 435}, 0x40000000),
    "aarch64": (0xC00000B7, {"clone": 220, "clone3": 435}, None),
}


def _op(code: int, k: int, jt: int = 0, jf: int = 0) -> bytes:
    return struct.pack("=HBBI", code, jt, jf, k)


def no_new_processes(machine: str | None = None) -> bytes | None:
    """The filter for this machine (``platform.machine()``), or None where it is not known."""
    arch = _ARCHES.get(machine or platform.machine())
    if arch is None:
        return None
    audit_arch, calls, x32_bit = arch
    refuse = _ERRNO | errno.EAGAIN     # what fork() says when a process limit is reached
    program = [_op(_LD_W_ABS, _ARCH),
               _op(_JEQ_K, audit_arch, jt=1), _op(_RET_K, _KILL),     # another ABI: stop the process
               _op(_LD_W_ABS, _NR)]
    if x32_bit is not None:
        program += [_op(_JGE_K, x32_bit, jf=1), _op(_RET_K, refuse)]
    # clone3 passes its flags in memory, which a filter cannot read: "not implemented" makes the C library
    # fall back to clone, whose flags it can.
    program += [_op(_JEQ_K, calls["clone3"], jf=1), _op(_RET_K, _ERRNO | errno.ENOSYS)]
    for name in ("fork", "vfork"):
        if name in calls:
            program += [_op(_JEQ_K, calls[name], jf=1), _op(_RET_K, refuse)]
    # clone: a thread (CLONE_THREAD) may start, a process may not
    program += [_op(_JEQ_K, calls["clone"], jf=4),
                _op(_LD_W_ABS, _ARG0_LOW),
                _op(_JSET_K, _CLONE_THREAD, jf=1), _op(_RET_K, _ALLOW),
                _op(_RET_K, refuse)]
    program.append(_op(_RET_K, _ALLOW))
    return b"".join(program)

#!/usr/bin/python3
"""Runs a command as a child subreaper: `subreaper.py -- COMMAND [ARGS...]`.

The processes the command orphans (libvirtd double-forks its QEMU) become this process's
children instead of init's, and are reaped as soon as they exit, as a host's init does. The
init of these machines reaps orphans more than a second late; a daemon that waits for its
QEMU by polling kill(pid, 0) would wait for that reaping, and the benchmark would measure the
machine's init instead of the daemon.

SIGTERM, SIGINT and SIGHUP are passed on to the command. When the command exits, the
processes it left behind are killed and reaped, and this process exits with its status.
"""

import ctypes
import os
import signal
import sys

PR_SET_CHILD_SUBREAPER = 36


def adopted():
    out = []
    for tid in os.listdir("/proc/self/task"):
        try:
            with open("/proc/self/task/%s/children" % tid) as f:
                out.extend(int(x) for x in f.read().split())
        except OSError:
            pass
    return out


def main():
    argv = sys.argv[1:]
    if argv and argv[0] == "--":
        argv = argv[1:]
    if not argv:
        sys.stderr.write("usage: subreaper.py -- COMMAND [ARGS...]\n")
        return 2
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        err = ctypes.get_errno()
        sys.stderr.write("subreaper: prctl(PR_SET_CHILD_SUBREAPER): %s\n" % os.strerror(err))
        return 1
    child = os.fork()
    if child == 0:
        try:
            os.execvp(argv[0], argv)
        finally:
            os._exit(127)

    def forward(signum, _frame):
        try:
            os.kill(child, signum)
        except ProcessLookupError:
            pass

    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(signum, forward)

    status = None
    while True:
        try:
            pid, wstatus = os.wait()
        except ChildProcessError:
            break
        if pid == child:
            status = os.waitstatus_to_exitcode(wstatus)
            # What the command left behind goes with it.
            for orphan in adopted():
                try:
                    os.kill(orphan, signal.SIGKILL)
                except ProcessLookupError:
                    pass
    if status is None:
        return 1
    return status if status >= 0 else 128 - status


if __name__ == "__main__":
    sys.exit(main())

"""What the benchmarks that drive daemons share (rpc_bench.py, domain_bench.py, lock_bench.py):
deadlines on blocking libvirt calls, a private libvirtd (session mode), a private virtusd
(--root on a temp tree) and the lock daemons (virtlockd, virtus-lockd) run as one unprivileged
user, their memory and CPU time from /proc, statistics.

Run with /usr/bin/python3: the libvirt binding is Debian's python3-libvirt.
"""

import json
import math
import os
import pwd
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

LIBVIRTD = "/usr/sbin/libvirtd"
VIRTLOCKD = "/usr/sbin/virtlockd"
PYTHON = "/usr/bin/python3"
SUBREAPER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "subreaper.py")


# ---------------------------------------------------------------------------------------------
# Deadlines. The binding's calls block in C and cannot be interrupted from Python, but they
# fail at once when the daemon dies: overrunning a deadline kills the daemon.

class Watchdog:
    def __init__(self):
        self._lock = threading.Lock()
        self._deadline = None
        self._what = None
        self._kill = None
        threading.Thread(target=self._run, daemon=True).start()

    def arm(self, what, seconds, kill):
        with self._lock:
            self._what, self._kill = what, kill
            self._deadline = time.monotonic() + seconds

    def disarm(self):
        with self._lock:
            self._deadline = None

    def _run(self):
        while True:
            time.sleep(0.1)
            with self._lock:
                late = self._deadline is not None and time.monotonic() > self._deadline
                what, kill = self._what, self._kill
                if late:
                    self._deadline = None
            if not late:
                continue
            sys.stderr.write("bench: '%s' overran its deadline; killing the daemon\n" % what)
            try:
                kill()
            except Exception:  # noqa: BLE001 - best effort on the way out
                pass
            # If even that does not release the caller, leave (run.sh removes the directories).
            time.sleep(15)
            sys.stderr.write("bench: still blocked after killing the daemon; exiting\n")
            os._exit(3)


class Bounded:
    """`with Bounded(watchdog, "what", seconds, daemon): call()`"""

    def __init__(self, watchdog, what, seconds, daemon):
        self._args = ("%s: %s" % (daemon.name, what), seconds, daemon.kill)
        self._watchdog = watchdog

    def __enter__(self):
        self._watchdog.arm(*self._args)

    def __exit__(self, *exc):
        self._watchdog.disarm()
        return False


# ---------------------------------------------------------------------------------------------
# The daemons, as one unprivileged user.

def daemon_identity(user):
    if os.getuid() == 0:
        entry = pwd.getpwnam(user)
        return entry.pw_uid, entry.pw_gid
    return os.getuid(), os.getgid()


def socket_accepts(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(2)
    try:
        s.connect(path)
        return True
    except OSError:
        return False
    finally:
        s.close()


def read_status(pid):
    """VmRSS, VmHWM and RssAnon (the process's own pages, not shared libraries' text) from
    /proc/PID/status, and Pss (shared pages divided among their users) from smaps_rollup,
    in bytes."""
    out = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM", "RssAnon", "RssFile"):
                out[key] = int(value.split()[0]) * 1024
    try:
        with open("/proc/%d/smaps_rollup" % pid) as f:
            for line in f:
                key, _, value = line.partition(":")
                if key == "Pss":
                    out["Pss"] = int(value.split()[0]) * 1024
    except OSError:
        pass
    return out


def children(pid):
    """The direct children of a process (of all its threads), from /proc; [] once it is gone."""
    out = []
    try:
        tasks = os.listdir("/proc/%d/task" % pid)
    except OSError:
        return out
    for tid in tasks:
        try:
            with open("/proc/%d/task/%s/children" % (pid, tid)) as f:
                out.extend(int(x) for x in f.read().split())
        except OSError:
            pass
    return out


def descendants(pid):
    """Every process below `pid`, parents before their children."""
    out, todo = [], children(pid)
    while todo:
        child = todo.pop(0)
        out.append(child)
        todo.extend(children(child))
    return out


def cpu_seconds(pid):
    """User + system CPU time of a process (its own threads), from /proc."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    # After the command name: state is field 3; utime and stime are fields 14 and 15.
    return (int(fields[14 - 3]) + int(fields[15 - 3])) / os.sysconf("SC_CLK_TCK")


class Daemon:
    """A daemon in its own session (stopping it stops its children too), its output in a
    file, its directories in one temp tree owned by the daemon user.

    With reap=True the daemon runs under subreaper.py, which reaps the processes the daemon
    orphans (libvirtd daemonizes QEMU) at once, as a host's init does: the init of these
    machines reaps orphans more than a second late, which a daemon that polls for its QEMU's
    exit would wait for."""

    name = "daemon"

    def __init__(self, user, reap=False, label=None):
        if label:
            self.name = label
        self.uid, self.gid = daemon_identity(user)
        self.reap = reap
        # A short name: libvirtd puts a guest's monitor socket about 55 characters deep in
        # its tree, and a unix socket's path has at most 107.
        self.tree = tempfile.mkdtemp(prefix="vb-%s." % self.name)
        os.chmod(self.tree, 0o755)
        os.chown(self.tree, self.uid, self.gid)
        self.log_path = os.path.join(self.tree, "daemon.log")
        self.proc = None
        self.socket = None

    def _spawn(self, argv, env, timeout):
        if self.reap:
            # A copy the daemon user can read, like the virtusd binary below.
            copy = os.path.join(self.tree, "subreaper.py")
            shutil.copy2(SUBREAPER, copy)
            os.chmod(copy, 0o644)
            argv = [PYTHON, "-I", copy, "--"] + argv
        if os.getuid() == 0 and self.uid != 0:
            argv = ["setpriv", "--reuid=%d" % self.uid, "--regid=%d" % self.gid,
                    "--clear-groups"] + argv
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen(argv, env=env, stdout=log, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL, start_new_session=True,
                                         cwd=self.tree)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("%s exited with status %d before listening on '%s':\n%s"
                                   % (self.name, self.proc.returncode, self.socket,
                                      self.log_tail()))
            if os.path.exists(self.socket) and socket_accepts(self.socket):
                return
            time.sleep(0.05)
        raise RuntimeError("%s did not accept connections on '%s' within %d s:\n%s"
                           % (self.name, self.socket, timeout, self.log_tail()))

    def write_config(self, directory, files):
        """Writes {file name: text} into `directory` (made if missing), all owned by the
        daemon user, before the daemon starts."""
        os.makedirs(directory, exist_ok=True)
        os.chown(directory, self.uid, self.gid)
        for name, text in files.items():
            path = os.path.join(directory, name)
            with open(path, "w") as f:
                f.write(text)
            os.chown(path, self.uid, self.gid)

    def copy_binary(self, binary):
        """A copy of `binary` in the tree: a build directory may be out of the daemon user's
        reach (project libraries are linked statically)."""
        copy = os.path.join(self.tree, os.path.basename(binary))
        shutil.copy2(binary, copy)
        os.chmod(copy, 0o755)
        return copy

    def log_tail(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read()[-2000:].decode(errors="replace")
        except OSError:
            return ""

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    @property
    def pid(self):
        """The daemon's own pid (under subreaper.py: the wrapper's child)."""
        if not self.reap:
            return self.proc.pid
        kids = children(self.proc.pid)
        if not kids:
            raise RuntimeError("%s is not running under its subreaper" % self.name)
        return kids[0]

    def kill(self):
        if self.alive():
            # Processes that left the daemon's session (daemonized QEMU) are killed by pid.
            below = descendants(self.proc.pid)
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            for pid in below:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass

    def stop(self):
        self.stop_detached()
        if self.alive():
            try:
                os.kill(self.proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
        self.kill()
        if self.proc is not None:
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
        shutil.rmtree(self.tree, ignore_errors=True)

    def stop_detached(self):
        """Kills the helper daemons this daemon started detached (its lock daemon), which
        leave its session; their pid files say where they are. Overridden where needed."""

    def memory(self):
        return read_status(self.pid)

    def cpu(self):
        return cpu_seconds(self.pid)


class Libvirtd(Daemon):
    """libvirtd in session mode; socket XDG_RUNTIME_DIR/libvirt/libvirt-sock."""

    name = "libvirtd"

    def __init__(self, user, start_timeout, reap=False, config=None, label=None):
        """`config`: {file name: text} for its config directory, XDG_CONFIG_HOME/libvirt
        (qemu.conf, qemu-lockd.conf)."""
        super().__init__(user, reap, label)
        runtime = os.path.join(self.tree, "run")
        os.makedirs(runtime, mode=0o700)
        os.chown(runtime, self.uid, self.gid)
        self.runtime = runtime
        self.socket = os.path.join(runtime, "libvirt", "libvirt-sock")
        if config:
            self.write_config(os.path.join(self.tree, "config"), {})
            self.write_config(os.path.join(self.tree, "config", "libvirt"), config)
        env = {
            "PATH": "/usr/sbin:/usr/bin:/sbin:/bin",
            "HOME": self.tree,
            "XDG_CONFIG_HOME": os.path.join(self.tree, "config"),
            "XDG_CACHE_HOME": os.path.join(self.tree, "cache"),
            "XDG_DATA_HOME": os.path.join(self.tree, "data"),
            "XDG_RUNTIME_DIR": runtime,
            "LIBVIRT_AUTOSTART": "0",
            "LANG": "C",
        }
        self._spawn([LIBVIRTD, "--timeout", "0"], env, start_timeout)
        self.version = None

    def stop_detached(self):
        # The virtlockd a session libvirtd with lock_manager = "lockd" autostarts.
        kill_by_pid_file(os.path.join(self.runtime, "libvirt", "virtlockd.pid"), "virtlockd")

    def uri(self):
        return "qemu+unix:///session?socket=" + self.socket


class Virtusd(Daemon):
    """`virtusd --root TREE/root` in the foreground; socket TREE/root/run/virtus-sock."""

    name = "virtus"

    def __init__(self, binary, user, start_timeout, reap=False, config=None, label=None,
                 helpers=()):
        """`config`: {file name: text} for DIR/etc (qemu.conf, qemu-lockd.conf); `helpers`:
        binaries virtusd runs from its own directory (virtus-lockd), copied beside it."""
        super().__init__(user, reap, label)
        root = os.path.join(self.tree, "root")
        os.makedirs(root)
        os.chown(root, self.uid, self.gid)
        self.root = root
        self.socket = os.path.join(root, "run", "virtus-sock")
        if config:
            self.write_config(os.path.join(root, "etc"), config)
        # A copy of the binary beside the tree: a build directory may be out of the daemon
        # user's reach (project libraries are linked statically).
        copy = os.path.join(self.tree, "virtusd")
        shutil.copy2(binary, copy)
        os.chmod(copy, 0o755)
        for helper in helpers:
            self.copy_binary(helper)
        env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "HOME": self.tree, "LANG": "C"}
        self._spawn([copy, "--root", root], env, start_timeout)

    def stop_detached(self):
        # virtus-lockd, which virtusd starts on first need and which outlives it by design.
        kill_by_pid_file(os.path.join(self.root, "run", "virtus-lockd.pid"), "virtus-lockd")

    def uri(self):
        return "qemu+unix:///system?socket=" + self.socket


class VirtusLockd(Daemon):
    """`virtus-lockd --root TREE/root` in the foreground; socket TREE/root/run/virtus-lockd.sock."""

    name = "virtus-lockd"

    def __init__(self, binary, user, start_timeout, label=None):
        super().__init__(user, False, label)
        root = os.path.join(self.tree, "root")
        os.makedirs(root)
        os.chown(root, self.uid, self.gid)
        self.socket = os.path.join(root, "run", "virtus-lockd.sock")
        copy = self.copy_binary(binary)
        env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "HOME": self.tree, "LANG": "C"}
        self._spawn([copy, "--root", root], env, start_timeout)


class Virtlockd(Daemon):
    """libvirt's virtlockd in the foreground, unprivileged, with XDG_RUNTIME_DIR and
    XDG_CONFIG_HOME in its tree; socket XDG_RUNTIME_DIR/libvirt/virtlockd-sock. Unprivileged,
    it accepts only clients of its own uid."""

    name = "virtlockd"

    def __init__(self, user, start_timeout, label=None):
        super().__init__(user, False, label)
        runtime = os.path.join(self.tree, "run")
        os.makedirs(runtime, mode=0o700)
        os.chown(runtime, self.uid, self.gid)
        self.socket = os.path.join(runtime, "libvirt", "virtlockd-sock")
        env = {
            "PATH": "/usr/sbin:/usr/bin:/sbin:/bin",
            "HOME": self.tree,
            "XDG_CONFIG_HOME": os.path.join(self.tree, "config"),
            "XDG_CACHE_HOME": os.path.join(self.tree, "cache"),
            "XDG_RUNTIME_DIR": runtime,
            "LANG": "C",
        }
        self._spawn([VIRTLOCKD], env, start_timeout)


def kill_by_pid_file(path, command):
    """SIGKILLs the process a pid file names, if it is still `command` (its /proc comm)."""
    try:
        with open(path) as f:
            pid = int(f.read().split()[0])
        with open("/proc/%d/comm" % pid) as f:
            comm = f.read().strip()
    except (OSError, ValueError, IndexError):
        return
    # comm is cut at 15 characters.
    if comm == command[:15]:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


# ---------------------------------------------------------------------------------------------
# Statistics.

def summary(samples):
    ordered = sorted(samples)
    if not ordered:
        return {"count": 0, "median": None, "min": None, "max": None}
    return {"count": len(ordered), "median": statistics.median(ordered), "min": ordered[0],
            "max": ordered[-1]}


def stats(samples):
    """Median, 90th percentile (nearest rank), min and max of the samples that are not None,
    with the samples as given; None when there are none."""
    ordered = sorted(x for x in samples if x is not None)
    if not ordered:
        return None
    return {"count": len(ordered), "median": statistics.median(ordered),
            "p90": nearest_rank(ordered, 0.9), "min": ordered[0], "max": ordered[-1],
            "samples": samples}


def percentile(ordered, fraction):
    """rpc_bench's percentile: the value at index int(n * fraction) of the sorted samples."""
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def nearest_rank(ordered, fraction):
    """The nearest-rank percentile: the smallest sample with at least `fraction` of the
    samples at or below it (p90 of 20 samples: the 18th)."""
    if not ordered:
        return None
    return ordered[max(0, math.ceil(len(ordered) * fraction) - 1)]


# ---------------------------------------------------------------------------------------------
# A benchmark's main


def run_and_print(run, args, print_text):
    """Runs `run(args, Watchdog())` with SIGTERM (run.sh's trap, timeout(1)) unwinding
    through the cleanup like Ctrl-C, then prints the result: as text, or with --json as
    JSON on stdout and the text on stderr."""
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    result = run(args, Watchdog())
    if args.json:
        print(json.dumps(result, indent=2))
        print_text(result, sys.stderr)
    else:
        print_text(result, sys.stdout)
    return 0


def exit_with(name, main):
    """sys.exit(main()), with one line instead of a traceback when it fails: 130 when
    interrupted, 1 on an error."""
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.stderr.write("%s: interrupted\n" % name)
        sys.exit(130)
    except Exception as e:  # noqa: BLE001 - one line, not a traceback, for a benchmark run
        sys.stderr.write("%s: %s\n" % (name, e))
        sys.exit(1)

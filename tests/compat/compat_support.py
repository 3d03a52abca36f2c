"""What the compatibility tests share: a private real libvirtd (the reference), the virtusd
under test (env VIRTUSD_BIN), virsh run against either of them with a deadline, and the
normalisation that makes two daemons' outputs comparable.

Both daemons run as the same unprivileged user (`nobody` when the tests run as root), so that
file owners, modes and the paths they report can be compared as they are. Every wait is
bounded and every process started here is killed on teardown.

Run with /usr/bin/python3: the libvirt binding is Debian's python3-libvirt.
"""
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time

import pytest

VIRTUSD_BIN = os.environ.get("VIRTUSD_BIN", "")
VIRTUS_BIN = os.environ.get("VIRTUS_BIN", "")
FIXTURES = os.environ.get("VIRTUS_FIXTURES_DIR", "")

UNPRIVILEGED_USER = "nobody"
START_TIMEOUT = 30  # seconds for a daemon to accept connections
STOP_TIMEOUT = 10  # seconds for a daemon to exit after SIGTERM
VIRSH_TIMEOUT = 60  # seconds for one virsh command

VIRSH = shutil.which("virsh") or "/usr/bin/virsh"
LIBVIRTD = "/usr/sbin/libvirtd"


def require_virtusd():
    """Skips (with the reason) when virtusd has not been built; besides this only a missing
    service (service_env, outside make check) skips."""
    if not VIRTUSD_BIN or not os.path.exists(VIRTUSD_BIN):
        pytest.skip("virtusd is not built: VIRTUSD_BIN='%s' does not exist" % VIRTUSD_BIN)


def service_env(name):
    """The KEY=VALUE file that tests/services/NAME.sh wrote for the real service ctest
    started for this run, as a dict. Without it the test skips, or fails when
    VIRTUS_REQUIRE_SERVICES is set (make check)."""
    root = os.environ.get("VIRTUS_SERVICES_DIR", "")
    path = os.path.join(root, name, "env")
    try:
        with open(path) as f:
            lines = f.read().splitlines()
    except OSError:
        message = "the %s service is not running (tests/services/%s.sh start)" % (name, name)
        if os.environ.get("VIRTUS_REQUIRE_SERVICES", "") not in ("", "0"):
            pytest.fail(message)
        pytest.skip(message)
    env = {"DIR": os.path.join(root, name)}
    for line in lines:
        if "=" in line and not line.startswith("#"):
            key, value = line.split("=", 1)
            env[key] = value
    return env


def daemon_identity():
    """(uid, gid) the daemons run as: `nobody` when we are root, else ourselves."""
    if os.getuid() == 0:
        entry = pwd.getpwnam(UNPRIVILEGED_USER)
        return entry.pw_uid, entry.pw_gid
    return os.getuid(), os.getgid()


def as_daemon_user(argv):
    """`argv` run as the daemon user (through setpriv when we are root)."""
    uid, gid = daemon_identity()
    if os.getuid() == 0 and uid != 0:
        return ["setpriv", "--reuid=%d" % uid, "--regid=%d" % gid, "--clear-groups"] + argv
    return argv


def make_daemon_dir(prefix):
    """A new temp directory the daemon user owns (its parents are world-searchable /tmp)."""
    path = os.path.realpath(tempfile.mkdtemp(prefix=prefix))
    os.chmod(path, 0o755)
    uid, gid = daemon_identity()
    os.chown(path, uid, gid)
    return path


def daemon_user_can_execute(path):
    """Whether the daemon user can run `path` (a build tree under a private home cannot be)."""
    p = subprocess.run(as_daemon_user(["/bin/test", "-x", path]), timeout=30,
                       stdin=subprocess.DEVNULL, capture_output=True)
    return p.returncode == 0


def socket_accepts(path):
    """True when a unix stream connection to `path` succeeds now."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(2)
    try:
        s.connect(path)
        return True
    except OSError:
        return False
    finally:
        s.close()


def read_tail(path, limit=4000):
    try:
        with open(path, "rb") as f:
            return f.read()[-limit:].decode(errors="replace")
    except OSError:
        return ""


class Daemon:
    """A daemon process in its own session (so that stopping it stops its children too),
    with its output in a file for failure messages."""

    name = "daemon"

    def __init__(self):
        self.proc = None
        self.log_path = None
        self.tree = None  # the directory this daemon owns; removed by stop()
        self.data = None  # a directory for pool targets, owned by the daemon user
        self.stopped_status = None
        # Root only where the test needs the host's devices (loop devices, mounts).
        self.as_root = False

    def _spawn(self, argv, env, cwd):
        log = open(self.log_path, "wb")
        try:
            self.proc = subprocess.Popen(argv if self.as_root else as_daemon_user(argv),
                                         env=env, stdout=log,
                                         stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                         start_new_session=True, cwd=cwd)
        finally:
            log.close()

    def _wait_for_socket(self, path, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("%s exited with status %d before listening on '%s':\n%s"
                                   % (self.name, self.proc.returncode, path, self.output()))
            if os.path.exists(path) and socket_accepts(path):
                return
            time.sleep(0.05)
        self.kill()
        raise RuntimeError("%s did not accept connections on '%s' within %d s:\n%s"
                           % (self.name, path, timeout, self.output()))

    def output(self):
        """The end of what the daemon printed (stdout and stderr), for failure messages."""
        return read_tail(self.log_path) if self.log_path else ""

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def kill(self):
        if self.alive():
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.proc.wait(timeout=STOP_TIMEOUT)

    def terminate(self):
        """SIGTERM, bounded wait; returns the exit status, or None when it had to be killed."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            try:
                os.kill(self.proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.kill()
                return None
        # Children it left behind in its session go too.
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        return self.proc.returncode

    def stop(self):
        """Stops the daemon (always) and removes its directories."""
        try:
            self.stopped_status = self.terminate()
        finally:
            self.kill()
            for d in (self.tree, self.data):
                if d:
                    shutil.rmtree(d, ignore_errors=True)

    def placeholders(self):
        """(path, placeholder) pairs naming this daemon's private directories in outputs."""
        return [(self.data, "<DATA>"), (self.tree, "<ROOT>")]


class Libvirtd(Daemon):
    """A private libvirtd 9.0 in session mode, in a temporary home. Its socket is
    HOME/run/libvirt/libvirt-sock (XDG_RUNTIME_DIR is HOME/run)."""

    name = "libvirtd"

    def __init__(self, start_timeout=START_TIMEOUT):
        super().__init__()
        self.tree = make_daemon_dir("virtus-compat-libvirtd.")
        self.data = make_daemon_dir("virtus-compat-data.")
        self.runtime = os.path.join(self.tree, "run")
        os.makedirs(self.runtime, mode=0o700)
        uid, gid = daemon_identity()
        os.chown(self.runtime, uid, gid)
        self.socket = os.path.join(self.runtime, "libvirt", "libvirt-sock")
        self.log_path = os.path.join(tempfile.mkdtemp(prefix="virtus-compat-log."), "libvirtd.log")
        self._log_dir = os.path.dirname(self.log_path)
        env = {
            "PATH": "/usr/sbin:/usr/bin:/sbin:/bin",
            "HOME": self.tree,
            "XDG_CONFIG_HOME": os.path.join(self.tree, "config"),
            "XDG_CACHE_HOME": os.path.join(self.tree, "cache"),
            "XDG_DATA_HOME": os.path.join(self.tree, "data"),
            "XDG_RUNTIME_DIR": self.runtime,
            "LIBVIRT_AUTOSTART": "0",
            "LANG": "C",
        }
        try:
            self._spawn([LIBVIRTD, "--timeout", "0"], env, self.tree)
            self._wait_for_socket(self.socket, start_timeout)
        except BaseException:
            self.stop()
            raise

    def uri(self, kind="session"):
        return "qemu+unix:///%s?socket=%s" % (kind, self.socket)

    def stop(self):
        try:
            super().stop()
        finally:
            shutil.rmtree(self._log_dir, ignore_errors=True)


class Virtusd(Daemon):
    """`VIRTUSD_BIN --root TREE` in the foreground; sockets TREE/run/virtus-sock(-ro)."""

    name = "virtusd"

    # Virtus's helpers that virtusd runs from its own directory.
    HELPERS = ("virtus-lockd", "virtus-sanlock-register", "virtus-sanlock-cleanup")

    def __init__(self, start_timeout=START_TIMEOUT, extra_args=(), config=None, env=None,
                 as_root=False):
        """CONFIG: {file name: text} written to TREE/etc first (qemu.conf, ...); ENV: more
        environment variables for the daemon; AS_ROOT: run as root even when the tests run as
        root (the pools on loop devices mount, partition and format them)."""
        super().__init__()
        self.as_root = as_root
        self.tree = make_daemon_dir("virtus-compat-virtusd.")
        self.data = make_daemon_dir("virtus-compat-data.")
        self.extra_args = list(extra_args)
        self.start_timeout = start_timeout
        if config:
            etc = os.path.join(self.tree, "etc")
            os.makedirs(etc, exist_ok=True)
            for name, text in config.items():
                with open(os.path.join(etc, name), "w") as f:
                    f.write(text)
            uid, gid = daemon_identity()
            os.chown(etc, uid, gid)
        self.socket = os.path.join(self.tree, "run", "virtus-sock")
        self.socket_ro = os.path.join(self.tree, "run", "virtus-sock-ro")
        self._log_dir = tempfile.mkdtemp(prefix="virtus-compat-log.")
        self.log_path = os.path.join(self._log_dir, "virtusd.log")
        self.env = {
            "PATH": "/usr/sbin:/usr/bin:/sbin:/bin",
            "HOME": self.tree,
            "LANG": "C",
        }
        self.env.update(env or {})
        self.binary = VIRTUSD_BIN
        if not daemon_user_can_execute(self.binary):
            # The build tree is out of the daemon user's reach: run a copy of the binary and
            # of its helpers (project libraries are linked statically; system ones are found
            # as usual).
            self.binary = os.path.join(self._log_dir, "virtusd")
            os.chmod(self._log_dir, 0o755)
            for name in ("virtusd",) + self.HELPERS:
                source = os.path.join(os.path.dirname(VIRTUSD_BIN), name)
                if os.path.exists(source):
                    copy = os.path.join(self._log_dir, name)
                    shutil.copy2(source, copy)
                    os.chmod(copy, 0o755)
        try:
            self._start()
        except BaseException:
            self.stop()
            raise

    def _start(self):
        self._spawn([self.binary, "--root", self.tree] + self.extra_args, self.env, self.tree)
        self._wait_for_socket(self.socket, self.start_timeout)

    def restart(self):
        """SIGTERM to virtusd alone (the guests and virtus-lockd live in sessions of their
        own), then the same daemon on the same tree again."""
        self.proc.send_signal(signal.SIGTERM)
        assert self.proc.wait(timeout=STOP_TIMEOUT) == 0, self.output()
        self._start()

    def lockd_pid(self):
        """The pid of the virtus-lockd this daemon started, or None."""
        try:
            with open(os.path.join(self.tree, "run", "virtus-lockd.pid")) as f:
                return int(f.read().split()[0])
        except (OSError, ValueError, IndexError):
            return None

    def uri(self, kind="system"):
        return "qemu+unix:///%s?socket=%s" % (kind, self.socket)

    def uri_ro(self, kind="system"):
        return "qemu+unix:///%s?socket=%s" % (kind, self.socket_ro)

    def placeholders(self):
        return [(self.socket_ro, "<SOCKET-RO>"), (self.socket, "<SOCKET>")] + \
            super().placeholders()

    def stop(self):
        try:
            # virtus-lockd outlives virtusd by design: it goes with the test's daemon, once
            # virtusd has stopped (it may start one to release a guest's locks).
            self.stopped_status = self.terminate()
            pid = self.lockd_pid() if self.tree else None
            if pid:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            status = self.stopped_status
            super().stop()
            self.stopped_status = status
        finally:
            shutil.rmtree(self._log_dir, ignore_errors=True)


# ---------------------------------------------------------------------------------------------
# virsh

def virsh_env(home):
    """A clean client environment: C locale, no default URI, a private HOME for its cache."""
    return {
        "PATH": "/usr/sbin:/usr/bin:/sbin:/bin",
        "HOME": home,
        "XDG_CONFIG_HOME": os.path.join(home, "config"),
        "XDG_CACHE_HOME": os.path.join(home, "cache"),
        "LANG": "C",
        "LC_ALL": "C",
    }


def run_virsh(uri, args, timeout=VIRSH_TIMEOUT, home=None, cwd=None):
    """Runs `virsh -c URI ARGS`; returns (rc, stdout, stderr). A command overrunning its
    deadline is killed and reported as rc -9 with a note on stderr (a divergence, not a hang)."""
    cleanup = None
    if home is None:
        home = cleanup = tempfile.mkdtemp(prefix="virtus-compat-virsh.")
    try:
        try:
            p = subprocess.run([VIRSH, "-c", uri] + [str(a) for a in args], capture_output=True,
                               env=virsh_env(home), cwd=cwd or home, timeout=timeout,
                               stdin=subprocess.DEVNULL)
            # Secret values may be any bytes: keep them visible and comparable.
            return (p.returncode, p.stdout.decode(errors="backslashreplace"),
                    p.stderr.decode(errors="backslashreplace"))
        except subprocess.TimeoutExpired as e:
            out = (e.stdout or b"").decode(errors="backslashreplace")
            return -9, out, "virsh did not finish within %d s\n" % timeout
    finally:
        if cleanup:
            shutil.rmtree(cleanup, ignore_errors=True)


# ---------------------------------------------------------------------------------------------
# Normalisation

UUID_RE = re.compile(r"\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-"
                     r"[0-9a-fA-F]{12}\b")
# Volume XML timestamps: <atime>1700000000.123456789</atime> and the like.
TIMESTAMP_RE = re.compile(r"<(atime|mtime|ctime|btime)>[0-9.]+</\1>")
# The pool-level numbers that follow the host filesystem's free space, which other processes
# change between (and during) the two runs. A pool's capacity (the filesystem size) is kept.
POOL_XML_SPACE_RE = re.compile(r"<(allocation|available) unit='bytes'>[0-9]+</\1>")
POOL_INFO_SPACE_RE = re.compile(r"^(Allocation|Available):( +)\S+ \S+$", re.M)


class Normaliser:
    """Replaces what legitimately differs between two daemons' runs of the same script.

    UUIDs become <UUID-1>, <UUID-2>... in order of first appearance over the whole transcript
    (so a UUID that reappears keeps its name); the daemons' private directories and sockets
    become fixed placeholders; volume timestamps become <TIME>."""

    def __init__(self, replacements):
        # Longest paths first, so that a directory inside another keeps its own name.
        self._replacements = sorted([(p, r) for p, r in replacements if p],
                                    key=lambda pr: -len(pr[0]))
        self._uuids = {}

    def _uuid(self, match):
        key = match.group(0).lower()
        if key not in self._uuids:
            self._uuids[key] = "<UUID-%d>" % (len(self._uuids) + 1)
        return self._uuids[key]

    def __call__(self, text, pool_space=False):
        for path, placeholder in self._replacements:
            text = text.replace(path, placeholder)
        text = UUID_RE.sub(self._uuid, text)
        text = TIMESTAMP_RE.sub(lambda m: "<%s><TIME></%s>" % (m.group(1), m.group(1)), text)
        if pool_space:
            text = POOL_XML_SPACE_RE.sub(lambda m: "<%s unit='bytes'><SPACE></%s>"
                                         % (m.group(1), m.group(1)), text)
            text = POOL_INFO_SPACE_RE.sub(lambda m: "%s:%s<SPACE>" % (m.group(1), m.group(2)),
                                          text)
        return text


def mask_pool_details(text):
    """pool-list --details: the Allocation and Available cells follow the free space, so they
    are masked, and the column padding (which virsh computes from the cell widths) is reduced
    to one separator."""
    lines = text.splitlines()
    out = []
    for n, line in enumerate(lines):
        cells = re.split(r"\s{2,}", line.strip())
        if n >= 2 and len(cells) == 7:
            cells = cells[:5] + [c if c == "-" else "<SPACE>" for c in cells[5:]]
        if set(line.strip()) == {"-"}:
            cells = ["---"]
        out.append(" | ".join(cells) if line.strip() else "")
    return "\n".join(out) + ("\n" if text.endswith("\n") else "")


class Deadline:
    """`with Deadline(daemon, 120):` kills the daemon if the block overruns, so that a binding
    call blocked in C fails instead of hanging (the test then fails with the reason)."""

    def __init__(self, daemon, seconds):
        import threading
        self._daemon = daemon
        self._seconds = seconds
        self.expired = False
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def _expire(self):
        self.expired = True
        self._daemon.kill()

    def __enter__(self):
        self._timer.start()
        return self

    def __exit__(self, *exc):
        self._timer.cancel()
        if self.expired and exc[0] is None:
            raise AssertionError("%s: the test overran its %d s deadline"
                                 % (self._daemon.name, self._seconds))
        return False


def qemu_version_number():
    """QEMU's version as libvirt reports it (major * 1e6 + minor * 1e3 + micro), or None when
    no qemu-system-x86_64 is installed."""
    binary = shutil.which("qemu-system-x86_64")
    if binary is None:
        return None
    out = subprocess.run([binary, "--version"], capture_output=True, text=True,
                         timeout=30).stdout
    m = re.search(r"version (\d+)\.(\d+)\.(\d+)", out)
    return int(m.group(1)) * 1000000 + int(m.group(2)) * 1000 + int(m.group(3))

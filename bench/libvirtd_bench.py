#!/usr/bin/python3
"""The libvirtd side of the storage benchmark (the Virtus side is storage_bench.cpp).

Starts a private libvirtd in session mode (as an unprivileged user when run as root), defines
a dir pool on a directory of N volumes, and times: the pool's first start, K warm refreshes,
M qcow2 volume creations and their deletions. Every call has a deadline: a watchdog kills the
daemon when one is overrun, which makes the pending call fail instead of hanging.

Also the shared data generator (--populate-only DIR) and the page-cache eviction used before
a first start (--evict-only DIR), so that both sides see the same data in the same state.

Run it with /usr/bin/python3: the libvirt binding is Debian's python3-libvirt.
"""

import argparse
import json
import os
import pwd
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time

GIB = 1024 * 1024 * 1024
QCOW2_MAGIC = b"QFI\xfb"
POOL_NAME = "virtus-bench"


# ---------------------------------------------------------------------------------------------
# Data: the same generator for both sides.

def volume_names(count):
    """Half raw, half qcow2, interleaved so that directory order mixes them."""
    names = []
    for i in range(count):
        if i % 2 == 0:
            names.append("vol-%05d.raw" % i)
        else:
            names.append("vol-%05d.qcow2" % i)
    return names


def qcow2_template(capacity):
    """The bytes of an empty qcow2 image made by qemu-img (the reference creator)."""
    with tempfile.TemporaryDirectory(prefix="virtus-bench-tpl.") as tmp:
        path = os.path.join(tmp, "t.qcow2")
        subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", path, str(capacity)],
                       check=True, timeout=60)
        with open(path, "rb") as f:
            return f.read()


def populate(directory, count, capacity=GIB):
    """Writes `count` volumes: raw ones sparse, qcow2 ones copies of one qemu-img image."""
    os.makedirs(directory, exist_ok=True)
    template = qcow2_template(capacity)
    for name in volume_names(count):
        path = os.path.join(directory, name)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            if name.endswith(".qcow2"):
                os.write(fd, template)
            else:
                os.ftruncate(fd, capacity)
        finally:
            os.close(fd)


def evict(directory):
    """Drops the clean page-cache pages of every file in `directory` (POSIX_FADV_DONTNEED).

    Dropping all caches needs privileges the benchmark machines do not give; this makes a
    first start read headers from disk again on both sides alike (inodes stay cached)."""
    count = 0
    with os.scandir(directory) as entries:
        for entry in entries:
            if not entry.is_file(follow_symlinks=False):
                continue
            try:
                fd = os.open(entry.path, os.O_RDONLY)
            except OSError:
                continue
            try:
                os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
                count += 1
            finally:
                os.close(fd)
    return count


# ---------------------------------------------------------------------------------------------
# Statistics, shared JSON shape with storage_bench.cpp.

def summary(samples):
    ordered = sorted(samples)
    return {
        "count": len(ordered),
        "median": statistics.median(ordered) if ordered else None,
        "min": ordered[0] if ordered else None,
        "max": ordered[-1] if ordered else None,
        "p90": ordered[min(len(ordered) - 1, int(len(ordered) * 0.9))] if ordered else None,
    }


def daemon_cpu_seconds(pid):
    """CPU time of the daemon and of the children it waited for (qemu-img), from /proc.

    Less sensitive than wall time to other load on the machine; 10 ms resolution, so only
    totals over many operations are meaningful."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    # After the command name: state is field 3, utime..cstime are fields 14..17.
    ticks = sum(int(fields[i - 3]) for i in (14, 15, 16, 17))
    return ticks / os.sysconf("SC_CLK_TCK")


# ---------------------------------------------------------------------------------------------
# Deadlines: a watchdog thread. The binding's calls block in C and cannot be interrupted from
# Python, but they fail at once when the daemon dies, so overrunning a deadline kills it.

class Watchdog:
    def __init__(self):
        self._lock = threading.Lock()
        self._deadline = None
        self._what = None
        self._on_expiry = []
        self.expired = None
        thread = threading.Thread(target=self._run, daemon=True)
        thread.start()

    def on_expiry(self, action):
        self._on_expiry.append(action)

    def arm(self, what, seconds):
        with self._lock:
            self._what = what
            self._deadline = time.monotonic() + seconds

    def disarm(self):
        with self._lock:
            self._deadline = None

    def _run(self):
        while True:
            time.sleep(0.1)
            with self._lock:
                late = self._deadline is not None and time.monotonic() > self._deadline
                what = self._what
                if late:
                    self._deadline = None
            if not late:
                continue
            self.expired = what
            sys.stderr.write("libvirtd_bench: '%s' overran its deadline; stopping libvirtd\n"
                             % what)
            for action in self._on_expiry:
                try:
                    action()
                except Exception:  # noqa: BLE001 - best effort on the way out
                    pass
            # If even that does not release the caller, leave (the caller's cleanup is lost,
            # but the run.sh trap removes the directories).
            time.sleep(15)
            sys.stderr.write("libvirtd_bench: still blocked after stopping libvirtd; exiting\n")
            os._exit(3)


class Bounded:
    """`with Bounded(watchdog, "pool.create", 60): call()`"""

    def __init__(self, watchdog, what, seconds):
        self._watchdog, self._what, self._seconds = watchdog, what, seconds

    def __enter__(self):
        self._watchdog.arm(self._what, self._seconds)

    def __exit__(self, *exc):
        self._watchdog.disarm()
        return False


# ---------------------------------------------------------------------------------------------
# The private libvirtd.

class Libvirtd:
    """A session-mode libvirtd in a temp home, as `user` when we are root."""

    def __init__(self, user, start_timeout):
        self.home = tempfile.mkdtemp(prefix="virtus-bench-libvirtd.")
        self.uid = os.getuid()
        self.gid = os.getgid()
        if os.getuid() == 0:
            entry = pwd.getpwnam(user)
            self.uid, self.gid = entry.pw_uid, entry.pw_gid
        os.chmod(self.home, 0o755)
        self.runtime = os.path.join(self.home, "run")
        os.makedirs(self.runtime, mode=0o700)
        for d in (self.home, self.runtime):
            os.chown(d, self.uid, self.gid)
        self.socket = os.path.join(self.runtime, "libvirt", "libvirt-sock")
        self.log_path = os.path.join(self.home, "libvirtd.log")
        self.proc = None
        self._start(start_timeout)

    def _start(self, timeout):
        env = {
            "PATH": "/usr/sbin:/usr/bin:/sbin:/bin",
            "HOME": self.home,
            "XDG_CONFIG_HOME": os.path.join(self.home, "config"),
            "XDG_CACHE_HOME": os.path.join(self.home, "cache"),
            "XDG_DATA_HOME": os.path.join(self.home, "data"),
            "XDG_RUNTIME_DIR": self.runtime,
            "LIBVIRT_AUTOSTART": "0",
            "LANG": "C",
        }
        argv = ["/usr/sbin/libvirtd", "--timeout", "0"]
        if os.getuid() == 0:
            argv = ["setpriv", "--reuid=%d" % self.uid, "--regid=%d" % self.gid,
                    "--clear-groups"] + argv
        log = open(self.log_path, "wb")
        # Its own session, so that stopping it also stops the qemu-img it spawned.
        self.proc = subprocess.Popen(argv, env=env, stdout=log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, start_new_session=True,
                                     cwd=self.home)
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("libvirtd exited with status %d:\n%s"
                                   % (self.proc.returncode, self.log_tail()))
            if os.path.exists(self.socket):
                return
            time.sleep(0.05)
        raise RuntimeError("libvirtd did not create '%s' within %d s:\n%s"
                           % (self.socket, timeout, self.log_tail()))

    def uri(self):
        return "qemu+unix:///session?socket=" + self.socket

    def log_tail(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read()[-2000:].decode(errors="replace")
        except OSError:
            return ""

    def kill(self):
        if self.proc is not None and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()
                self.proc.wait(timeout=10)
        shutil.rmtree(self.home, ignore_errors=True)


# ---------------------------------------------------------------------------------------------
# The measured steps.

def pool_xml(directory):
    return ("<pool type='dir'><name>%s</name><target><path>%s</path></target></pool>"
            % (POOL_NAME, directory))


def volume_xml(name, capacity):
    return ("<volume><name>%s</name><capacity unit='bytes'>%d</capacity>"
            "<target><format type='qcow2'/></target></volume>" % (name, capacity))


def check_qcow2(path):
    with open(path, "rb") as f:
        if f.read(4) != QCOW2_MAGIC:
            raise RuntimeError("'%s' is not a qcow2 image" % path)


def run(args, watchdog):
    import libvirt  # Debian's python3-libvirt; only /usr/bin/python3 has it

    # Errors come back as exceptions; keep libvirt's default handler from printing them too.
    libvirt.registerErrorHandler(lambda _ctx, _err: None, None)

    directory = os.path.realpath(args.dir)
    daemon = Libvirtd(args.user, args.start_timeout)
    watchdog.on_expiry(daemon.kill)
    conn = pool = None
    created = []
    try:
        with Bounded(watchdog, "connect", args.call_timeout):
            conn = libvirt.open(daemon.uri())
        with Bounded(watchdog, "storagePoolDefineXML", args.call_timeout):
            pool = conn.storagePoolDefineXML(pool_xml(directory), 0)

        if args.evict:
            evict(directory)
        with Bounded(watchdog, "pool.create (first start)", args.start_call_timeout):
            t0 = time.perf_counter()
            pool.create(0)
            first_start = time.perf_counter() - t0
        with Bounded(watchdog, "numOfVolumes", args.call_timeout):
            seen = pool.numOfVolumes()
        if seen != args.volumes:
            raise RuntimeError("the pool holds %d volumes, expected %d" % (seen, args.volumes))

        cpu = {}
        cpu0 = daemon_cpu_seconds(daemon.proc.pid)
        refreshes = []
        for _ in range(args.repeat):
            with Bounded(watchdog, "pool.refresh", args.start_call_timeout):
                t0 = time.perf_counter()
                pool.refresh(0)
                refreshes.append(time.perf_counter() - t0)
        cpu1 = daemon_cpu_seconds(daemon.proc.pid)
        cpu["refresh_s"] = (cpu1 - cpu0) / max(1, args.repeat)

        creates = []
        for i in range(args.creates):
            name = "bench-new-%04d.qcow2" % i
            with Bounded(watchdog, "pool.createXML", args.call_timeout):
                t0 = time.perf_counter()
                vol = pool.createXML(volume_xml(name, GIB), 0)
                creates.append(time.perf_counter() - t0)
            created.append(vol)
        cpu2 = daemon_cpu_seconds(daemon.proc.pid)
        cpu["create_qcow2_s"] = (cpu2 - cpu1) / max(1, args.creates)
        if created:
            check_qcow2(os.path.join(directory, "bench-new-0000.qcow2"))

        deletes = []
        while created:
            vol = created[0]
            with Bounded(watchdog, "vol.delete", args.call_timeout):
                t0 = time.perf_counter()
                vol.delete(0)
                deletes.append(time.perf_counter() - t0)
            created.pop(0)
        cpu["delete_s"] = (daemon_cpu_seconds(daemon.proc.pid) - cpu2) / max(1, args.creates)

        return {
            "side": "libvirtd",
            "version": libvirt.getVersion(),
            "volumes": args.volumes,
            "volumes_seen": seen,
            "evicted_before_start": bool(args.evict),
            "pool_start_s": first_start,
            "refresh_s": summary(refreshes),
            "create_qcow2_s": summary(creates),
            "delete_s": summary(deletes),
            # Mean CPU seconds per operation of the daemon and its qemu-img children.
            "cpu_per_op_s": cpu,
        }
    finally:
        # Bounded best-effort teardown: leftover volumes, the pool, the daemon.
        try:
            for vol in created:
                with Bounded(watchdog, "cleanup vol.delete", args.call_timeout):
                    vol.delete(0)
            if pool is not None:
                with Bounded(watchdog, "cleanup pool", args.call_timeout):
                    if pool.isActive():
                        pool.destroy()
                    pool.undefine()
            if conn is not None:
                with Bounded(watchdog, "close", args.call_timeout):
                    conn.close()
        except Exception as e:  # noqa: BLE001 - report, then still stop the daemon
            sys.stderr.write("libvirtd_bench: cleanup: %s\n" % e)
        for i in range(args.creates):
            try:
                os.unlink(os.path.join(directory, "bench-new-%04d.qcow2" % i))
            except OSError:
                pass
        daemon.stop()


def print_text(result):
    def ms(v):
        return "%.3f ms" % (v * 1e3)

    print("libvirtd %s, %d volumes" % (result["version"], result["volumes"]))
    print("  pool first start     %s" % ms(result["pool_start_s"]))
    r = result["refresh_s"]
    print("  refresh (warm)       median %s  min %s  (%d runs, %.1f us/volume)"
          % (ms(r["median"]), ms(r["min"]), r["count"], r["median"] / result["volumes"] * 1e6))
    for key, label in (("create_qcow2_s", "create qcow2"), ("delete_s", "delete")):
        s = result[key]
        if s["count"]:
            print("  %-20s median %s  min %s  (%d ops)" % (label, ms(s["median"]), ms(s["min"]),
                                                         s["count"]))
    cpu = result["cpu_per_op_s"]
    print("  CPU per operation    refresh %s  create %s  delete %s"
          % (ms(cpu["refresh_s"]), ms(cpu["create_qcow2_s"]), ms(cpu["delete_s"])))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dir", help="a directory populated with --populate-only (default: a "
                        "temp directory populated now); as root, it is given to --user")
    parser.add_argument("--volumes", type=int, default=10000)
    parser.add_argument("--creates", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--user", default="nobody",
                        help="the unprivileged user libvirtd runs as when started as root")
    parser.add_argument("--no-evict", dest="evict", action="store_false",
                        help="keep the files' page cache before the first start")
    parser.add_argument("--start-timeout", type=int, default=30, help="libvirtd start, s")
    parser.add_argument("--call-timeout", type=int, default=60, help="each small call, s")
    parser.add_argument("--start-call-timeout", type=int, default=600,
                        help="each pool start or refresh, s")
    parser.add_argument("--populate-only", metavar="DIR",
                        help="write the volumes into DIR and exit")
    parser.add_argument("--evict-only", metavar="DIR",
                        help="drop DIR's files from the page cache and exit")
    args = parser.parse_args()

    if args.populate_only:
        populate(args.populate_only, args.volumes)
        return 0
    if args.evict_only:
        evict(args.evict_only)
        return 0

    # SIGTERM (run.sh's trap, timeout(1)) unwinds through the cleanup like Ctrl-C.
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    watchdog = Watchdog()
    own_dir = None
    if not args.dir:
        own_dir = tempfile.mkdtemp(prefix="virtus-bench-data.")
        args.dir = os.path.join(own_dir, "pool")
        populate(args.dir, args.volumes)
    try:
        if os.getuid() == 0:
            # libvirtd runs unprivileged: it must read the volumes and write new ones.
            entry = pwd.getpwnam(args.user)
            os.chown(args.dir, entry.pw_uid, entry.pw_gid)
            if own_dir:
                os.chmod(own_dir, 0o755)
        result = run(args, watchdog)
    finally:
        if own_dir:
            shutil.rmtree(own_dir, ignore_errors=True)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print_text(result)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.stderr.write("libvirtd_bench: interrupted\n")
        sys.exit(130)
    except Exception as e:  # noqa: BLE001 - one line, not a traceback, for a benchmark run
        sys.stderr.write("libvirtd_bench: %s\n" % e)
        sys.exit(1)

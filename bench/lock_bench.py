#!/usr/bin/python3
"""The lock benchmark: disk locks for a guest of 4 disks under Virtus (virtus-lockd, virtusd
with lock_manager = "lockd") and under libvirt (virtlockd, libvirtd with the same), side by
side in one run.

1. Latency. A private virtus-lockd (--root on a temp tree) and a private virtlockd (session
   paths in a temp tree), both as the same unprivileged user when run as root. A client
   process, as that user too (an unprivileged virtlockd accepts only its own uid), times N
   cycles on each daemon of: connect, take the 4 disks' locks for one owner (the guest: a
   UUID, a name and the pid of a sleeping child process standing for its QEMU), release them,
   disconnect. virtus-lockd: its JSON lines, one `acquire` of the 4 and one `release`.
   virtlockd: libvirt's lock-space RPC protocol (XDR), REGISTER then one ACQUIRE_RESOURCE and
   one RELEASE_RESOURCE per disk, as libvirt's lockd plugin sends them. Two layouts: direct
   (the disk files themselves are locked) and indirect (a lock file per disk in a lockspace
   directory, named by the SHA-256 of the disk path, created on demand). Every tenth cycle is
   checked while the locks are held (not timed): byte 0 of each locked file carries an fcntl
   lock, a second owner is refused each disk by the same daemon and, direct, by the other
   daemon too; after the release byte 0 is free again.
2. Added start time. Four daemons at once: libvirtd (session mode) and virtusd, each with
   locking off (qemu.conf's default lock manager) and on (lock_manager = "lockd"; libvirtd
   autostarts its own virtlockd, virtusd its virtus-lockd). The same small TCG guest with 4
   raw disks on each; dom.create() and dom.destroy() timed as in domain_bench.py, the four in
   a rotating order. While each guest runs (not timed), byte 0 of each disk is checked to be
   locked with locking on and free with it off.

Medians and p90 (nearest rank). Every wait is bounded: socket reads, each libvirt call (a
watchdog kills the daemon that overruns it), the client process. The daemons, their lock
daemons, QEMU, the sleeping children and the temp directories are removed on exit, also on
SIGTERM and Ctrl-C.

Run it with /usr/bin/python3: the libvirt binding is Debian's python3-libvirt.
"""

import argparse
import fcntl
import hashlib
import json
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
import uuid

from bench_support import (PYTHON, VIRTLOCKD, Bounded, Libvirtd, Virtlockd, VirtusLockd, Virtusd,
                           cpu_seconds, daemon_identity, exit_with, run_and_print, stats)

HERE = os.path.dirname(os.path.abspath(__file__))
DISKS = 4
DOMAIN = "lbench"  # short: libvirtd's monitor socket path holds it
LOCKD_CONF = 'lock_manager = "lockd"\n'


def byte0_locked(path):
    """Whether some open file description holds an fcntl lock on byte 0 of `path` (both lock
    daemons lock that byte; QEMU's own image locks use bytes 100 and up)."""
    try:
        fd = os.open(path, os.O_RDWR)
    except FileNotFoundError:
        return False
    try:
        # struct flock on x86_64: l_type, l_whence, (pad), l_start, l_len, l_pid, (pad).
        query = struct.pack("hhqqi4x", fcntl.F_WRLCK, os.SEEK_SET, 0, 1, 0)
        answer = fcntl.fcntl(fd, fcntl.F_OFD_GETLK, query)
        return struct.unpack("hhqqi4x", answer)[0] != fcntl.F_UNLCK
    finally:
        os.close(fd)


# ---------------------------------------------------------------------------------------------
# The two lock daemons' protocols (the client process's side).

class Refused(Exception):
    """The daemon answered a request with an error (a lock refused, among others)."""


def recv_exactly(sock, n, deadline):
    data = b""
    while len(data) < n:
        left = deadline - time.monotonic()
        if left <= 0:
            raise RuntimeError("no reply within the deadline")
        sock.settimeout(left)
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise RuntimeError("the daemon closed the connection")
        data += chunk
    return data


def connect_unix(path, timeout):
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(timeout)
    try:
        sock.connect(path)
    except OSError:
        sock.close()
        raise
    return sock


class VirtusLockdClient:
    """virtus-lockd's protocol: one JSON object per line each way (src/lockd/lockd_client.h)."""

    def __init__(self, path, timeout):
        self.timeout = timeout
        self.sock = connect_unix(path, timeout)
        self.buffer = b""

    def request(self, obj):
        deadline = time.monotonic() + self.timeout
        self.sock.settimeout(self.timeout)
        self.sock.sendall(json.dumps(obj).encode() + b"\n")
        while b"\n" not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise RuntimeError("virtus-lockd did not answer '%s' in time" % obj["op"])
            self.sock.settimeout(left)
            chunk = self.sock.recv(65536)
            if not chunk:
                raise RuntimeError("virtus-lockd closed the connection")
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\n", 1)
        reply = json.loads(line)
        if not reply.get("ok"):
            raise Refused(reply.get("message", line.decode(errors="replace")))
        return reply

    def close(self):
        self.sock.close()


def xdr_uint(value):
    return struct.pack(">I", value)


def xdr_string(text):
    data = text.encode()
    return struct.pack(">I", len(data)) + data + b"\0" * (-len(data) % 4)


class XdrReader:
    def __init__(self, data):
        self.data, self.pos = data, 0

    def int(self):
        (value,) = struct.unpack_from(">i", self.data, self.pos)
        self.pos += 4
        return value

    def string(self):
        n = self.int()
        text = self.data[self.pos:self.pos + n].decode(errors="replace")
        self.pos += n + (-n % 4)
        return text

    def optional_string(self):
        return self.string() if self.int() else None


class VirtlockdClient:
    """libvirt's lock-space protocol (src/locking/lock_protocol.x) over libvirt's RPC framing:
    a 4-byte length that counts itself, then the header program, version, procedure, type,
    serial, status (6 XDR ints), then the XDR body. An error reply's body starts with the
    error's code, domain and optional message."""

    PROGRAM = 0x0EA7BEEF
    VERSION = 1
    REGISTER = 1
    ACQUIRE_RESOURCE = 6
    RELEASE_RESOURCE = 7
    CREATE_LOCKSPACE = 8
    ACQUIRE_SHARED = 1
    ACQUIRE_AUTOCREATE = 2
    CALL, REPLY = 0, 1
    OK, ERROR = 0, 1
    VIR_ERR_OPERATION_INVALID = 55

    def __init__(self, path, timeout):
        self.timeout = timeout
        self.sock = connect_unix(path, timeout)
        self.serial = 0

    def call(self, procedure, body):
        self.serial += 1
        header = struct.pack(">IIiiIi", self.PROGRAM, self.VERSION, procedure, self.CALL,
                             self.serial, self.OK)
        message = header + body
        self.sock.settimeout(self.timeout)
        self.sock.sendall(struct.pack(">I", len(message) + 4) + message)
        deadline = time.monotonic() + self.timeout
        (length,) = struct.unpack(">I", recv_exactly(self.sock, 4, deadline))
        if not 28 <= length <= 4 * 1024 * 1024:
            raise RuntimeError("virtlockd sent a message of %d bytes" % length)
        data = recv_exactly(self.sock, length - 4, deadline)
        program, version, proc, kind, serial, status = struct.unpack_from(">IIiiIi", data)
        if (program, version, proc, kind, serial) != (self.PROGRAM, self.VERSION, procedure,
                                                       self.REPLY, self.serial):
            raise RuntimeError("unexpected reply header from virtlockd: %s"
                               % ((program, version, proc, kind, serial),))
        if status == self.ERROR:
            body = XdrReader(data[24:])
            code, _domain, text = body.int(), body.int(), body.optional_string()
            raise Refused("%s (error %d)" % (text, code))
        if status != self.OK:
            raise RuntimeError("virtlockd answered with status %d" % status)
        return data[24:]

    def register(self, owner_uuid, name, owner_id, pid):
        self.call(self.REGISTER, uuid.UUID(owner_uuid).bytes + xdr_string(name) +
                  xdr_uint(owner_id) + xdr_uint(pid) + xdr_uint(0))

    def acquire(self, lockspace, name, flags):
        self.call(self.ACQUIRE_RESOURCE, xdr_string(lockspace) + xdr_string(name) + xdr_uint(flags))

    def release(self, lockspace, name):
        self.call(self.RELEASE_RESOURCE, xdr_string(lockspace) + xdr_string(name) + xdr_uint(0))

    def create_lockspace(self, path):
        """As libvirt's plugin does once per lockspace directory; 'already exists' is fine."""
        try:
            self.call(self.CREATE_LOCKSPACE, xdr_string(path))
        except Refused as e:
            if "(error %d)" % self.VIR_ERR_OPERATION_INVALID not in str(e):
                raise

    def close(self):
        self.sock.close()


def resources(disks, lockspace):
    """The locks of a guest with these disks: direct (lockspace None: the disks themselves) or
    indirect (a lock file per disk named by the SHA-256 of its path, created on demand)."""
    out = []
    for disk in disks:
        if lockspace is None:
            out.append({"disk": disk, "lockspace": "", "name": disk, "file": disk,
                        "autocreate": False})
        else:
            name = hashlib.sha256(disk.encode()).hexdigest()
            out.append({"disk": disk, "lockspace": lockspace, "name": name,
                        "file": os.path.join(lockspace, name), "autocreate": True})
    return out


class VirtusSide:
    name = "virtus-lockd"

    def __init__(self, socket_path, timeout):
        self.socket_path, self.timeout = socket_path, timeout

    def hold(self, owner, res):
        client = VirtusLockdClient(self.socket_path, self.timeout)
        try:
            client.request({"op": "acquire", "owner": owner, "resources": [
                {"lockspace": r["lockspace"], "name": r["name"], "shared": False,
                 "autocreate": r["autocreate"], "display": r["disk"]} for r in res]})
        except BaseException:
            client.close()
            raise
        return client

    def let_go(self, client, owner, res):
        try:
            client.request({"op": "release", "uuid": owner["uuid"], "resources": [
                {"lockspace": r["lockspace"], "name": r["name"]} for r in res]})
        finally:
            client.close()

    def refusals(self, owner, res):
        """Tries each resource for `owner` on a connection of its own; the refusals."""
        out = []
        for r in res:
            client = self.hold_one(owner, r)
            if isinstance(client, str):
                out.append(client)
            else:
                self.let_go(client, owner, [r])
        return out

    def hold_one(self, owner, r):
        try:
            return self.hold(owner, [r])
        except Refused as e:
            return str(e)

    def prepare(self, lockspace):
        pass


class VirtlockdSide:
    name = "virtlockd"

    def __init__(self, socket_path, timeout):
        self.socket_path, self.timeout = socket_path, timeout

    def hold(self, owner, res):
        client = VirtlockdClient(self.socket_path, self.timeout)
        try:
            client.register(owner["uuid"], owner["name"], owner["id"], owner["pid"])
            for r in res:
                client.acquire(r["lockspace"], r["name"],
                               client.ACQUIRE_AUTOCREATE if r["autocreate"] else 0)
        except BaseException:
            client.close()
            raise
        return client

    def let_go(self, client, owner, res):
        try:
            for r in res:
                client.release(r["lockspace"], r["name"])
        finally:
            client.close()

    def refusals(self, owner, res):
        out = []
        client = VirtlockdClient(self.socket_path, self.timeout)
        try:
            client.register(owner["uuid"], owner["name"], owner["id"], owner["pid"])
            for r in res:
                try:
                    client.acquire(r["lockspace"], r["name"],
                                   client.ACQUIRE_AUTOCREATE if r["autocreate"] else 0)
                except Refused as e:
                    out.append(str(e))
                else:
                    client.release(r["lockspace"], r["name"])
        finally:
            client.close()
        return out

    def prepare(self, lockspace):
        if lockspace:
            client = VirtlockdClient(self.socket_path, self.timeout)
            try:
                client.create_lockspace(lockspace)
            finally:
                client.close()


def worker(spec):
    """The client process: the timed cycles and the checks; the figures as JSON on stdout."""
    timeout = spec["call_timeout"]
    sides = [VirtusSide(spec["sockets"]["virtus-lockd"], timeout),
             VirtlockdSide(spec["sockets"]["virtlockd"], timeout)]
    by_name = {s.name: s for s in sides}
    pids = spec["pids"]
    sleepers = []
    try:
        # The guest's "QEMU" and a rival guest's: processes that outlive every cycle.
        for _ in range(2):
            sleepers.append(subprocess.Popen(["sleep", str(spec["sleep_seconds"])],
                                             stdin=subprocess.DEVNULL))
        guest = {"uuid": str(uuid.uuid4()), "name": DOMAIN, "id": 1, "pid": sleepers[0].pid}
        rival = {"uuid": str(uuid.uuid4()), "name": DOMAIN + "-rival", "id": 2,
                 "pid": sleepers[1].pid}
        variants = []
        for side in sides:
            for mode in ("direct", "indirect"):
                space = None if mode == "direct" else spec["lockspaces"][side.name]
                side.prepare(space)
                variants.append((side, mode, resources(spec["disks"], space)))
        figures = {"%s/%s" % (s.name, m): {"cycle_s": [], "acquire_s": [], "release_s": [],
                                           "cpu_s": 0.0} for s, m, _ in variants}
        checks = {"cycles_checked": 0, "held_byte0_locked": 0, "rival_refused_same_daemon": 0,
                  "rival_refused_other_daemon": 0, "released_byte0_free": 0}
        refusal_text = {}

        def check_held(side, mode, res):
            for r in res:
                if not byte0_locked(r["file"]):
                    raise RuntimeError("%s/%s: byte 0 of '%s' is not locked while held"
                                       % (side.name, mode, r["file"]))
                checks["held_byte0_locked"] += 1
            refused = side.refusals(rival, res)
            if len(refused) != len(res):
                raise RuntimeError("%s/%s: a second owner got %d of the %d held disks"
                                   % (side.name, mode, len(res) - len(refused), len(res)))
            checks["rival_refused_same_daemon"] += len(refused)
            refusal_text.setdefault(side.name, refused[0])
            if mode == "direct":
                other = [s for s in sides if s is not side][0]
                refused = other.refusals(rival, res)
                if len(refused) != len(res):
                    raise RuntimeError("%s: %s let a second owner lock %d disks %s holds"
                                       % (mode, other.name, len(res) - len(refused), side.name))
                checks["rival_refused_other_daemon"] += len(refused)

        def run_cycle(side, mode, res, check, record):
            pid = pids[side.name]
            c0 = cpu_seconds(pid)
            t0 = time.perf_counter()
            client = side.hold(guest, res)
            t1 = time.perf_counter()
            c1 = cpu_seconds(pid)
            try:
                if check:
                    check_held(side, mode, res)
            except BaseException:
                side.let_go(client, guest, res)
                raise
            c2 = cpu_seconds(pid)
            t2 = time.perf_counter()
            side.let_go(client, guest, res)
            t3 = time.perf_counter()
            c3 = cpu_seconds(pid)
            if check:
                for r in res:
                    if byte0_locked(r["file"]):
                        raise RuntimeError("%s/%s: byte 0 of '%s' is still locked after the "
                                           "release" % (side.name, mode, r["file"]))
                    checks["released_byte0_free"] += 1
                checks["cycles_checked"] += 1
            if record:
                f = figures["%s/%s" % (side.name, mode)]
                f["acquire_s"].append(t1 - t0)
                f["release_s"].append(t3 - t2)
                f["cycle_s"].append((t1 - t0) + (t3 - t2))
                f["cpu_s"] += (c1 - c0) + (c3 - c2)

        for i in range(spec["warmups"]):
            for side, mode, res in variants:
                run_cycle(side, mode, res, check=(i == 0), record=False)
        for i in range(spec["cycles"]):
            k = i % len(variants)
            for side, mode, res in variants[k:] + variants[:k]:
                run_cycle(side, mode, res, check=(i % spec["check_every"] == 0), record=True)
        return {"figures": figures, "checks": checks, "refusals": refusal_text}
    finally:
        for p in sleepers:
            p.kill()
            p.wait()


# ---------------------------------------------------------------------------------------------
# The parent: the lock daemons, the client process, the guests.

def make_disks(directory, uid, gid, size=16 << 20):
    os.makedirs(directory, exist_ok=True)
    os.chown(directory, uid, gid)
    out = []
    for n in range(DISKS):
        path = os.path.join(directory, "disk%d.img" % n)
        with open(path, "wb") as f:
            f.truncate(size)
        os.chown(path, uid, gid)
        out.append(path)
    return out


def virtlockd_version():
    try:
        out = subprocess.run([VIRTLOCKD, "--version"], capture_output=True, text=True,
                             timeout=10).stdout
        return out.split()[-1] if out.split() else None
    except (OSError, subprocess.TimeoutExpired):
        return None


def latency(args):
    uid, gid = daemon_identity(args.user)
    tree = tempfile.mkdtemp(prefix="vb-locks.")
    os.chmod(tree, 0o755)
    os.chown(tree, uid, gid)
    daemons, proc = [], None
    try:
        disks = make_disks(os.path.join(tree, "disks"), uid, gid)
        spaces = {}
        for name in ("virtus-lockd", "virtlockd"):
            spaces[name] = os.path.join(tree, "lockspace-" + name)
            os.mkdir(spaces[name])
            os.chown(spaces[name], uid, gid)
        # The client runs as the daemon user: copies of the scripts that user can read.
        for script in ("lock_bench.py", "bench_support.py", "domain_bench.py"):
            shutil.copy2(os.path.join(HERE, script), os.path.join(tree, script))
            os.chmod(os.path.join(tree, script), 0o644)
        daemons.append(VirtusLockd(args.lockd, args.user, args.start_timeout))
        daemons.append(Virtlockd(args.user, args.start_timeout))
        spec = {
            "sockets": {d.name: d.socket for d in daemons},
            "pids": {d.name: d.pid for d in daemons},
            "disks": disks,
            "lockspaces": spaces,
            "cycles": args.cycles,
            "warmups": args.warmups,
            "check_every": args.check_every,
            "call_timeout": args.call_timeout,
            "sleep_seconds": args.latency_timeout + 60,
        }
        argv = [PYTHON, "-E", "-s", os.path.join(tree, "lock_bench.py"), "--worker",
                json.dumps(spec)]
        if os.getuid() == 0 and uid != 0:
            argv = ["setpriv", "--reuid=%d" % uid, "--regid=%d" % gid, "--clear-groups"] + argv
        env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "HOME": tree, "LANG": "C"}
        # Its own session: on any failure the whole group (its sleeping children) is killed.
        proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stdin=subprocess.DEVNULL,
                                cwd=tree, env=env, start_new_session=True)
        try:
            out, _ = proc.communicate(timeout=args.latency_timeout)
        except subprocess.TimeoutExpired:
            raise RuntimeError("the latency client did not finish within %d s"
                               % args.latency_timeout)
        if proc.returncode != 0:
            raise RuntimeError("the latency client failed (status %d):\n%s\n%s"
                               % (proc.returncode, daemons[0].log_tail(), daemons[1].log_tail()))
        raw = json.loads(out)
        result = {"disks": DISKS, "cycles": args.cycles, "warmups": args.warmups,
                  "check_every": args.check_every, "checks": raw["checks"],
                  "refusals": raw["refusals"],
                  "versions": {"virtlockd": virtlockd_version()}}
        total = args.cycles
        for name in ("virtus-lockd", "virtlockd"):
            side = {}
            for mode in ("direct", "indirect"):
                f = raw["figures"]["%s/%s" % (name, mode)]
                side[mode] = {key: stats(f[key]) for key in ("cycle_s", "acquire_s", "release_s")}
                side[mode]["cpu_per_cycle_s"] = f["cpu_s"] / total
            result[name] = side
        return result
    finally:
        if proc is not None and proc.poll() is None:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait(timeout=10)
        for d in daemons:
            d.stop()
        shutil.rmtree(tree, ignore_errors=True)


def domain_xml(memory_mib, disks):
    """domain_bench.py's guest with 4 raw virtio disks."""
    devices = "".join(
        "    <disk type='file' device='disk'><driver name='qemu' type='raw'/>"
        "<source file='%s'/><target dev='vd%s' bus='virtio'/></disk>\n" % (path, "abcd"[n])
        for n, path in enumerate(disks))
    return """<domain type='qemu'>
  <name>%s</name>
  <memory unit='MiB'>%d</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
  </os>
  <devices>
%s    <controller type='usb' model='none'/>
    <serial type='pty'/>
    <console type='pty'/>
    <memballoon model='none'/>
  </devices>
</domain>
""" % (DOMAIN, memory_mib, devices)


def starts(args, watchdog):
    import libvirt
    import domain_bench
    libvirt.registerErrorHandler(lambda _ctx, _err: None, None)
    uid, gid = daemon_identity(args.user)
    sides = [("libvirtd", "off"), ("libvirtd", "on"), ("virtus", "off"), ("virtus", "on")]
    daemons, conns = {}, []
    try:
        for kind, lock in sides:
            label = "%s-%s" % ("lv" if kind == "libvirtd" else "vt", lock)
            config = {"qemu.conf": LOCKD_CONF} if lock == "on" else None
            if kind == "libvirtd":
                daemons[(kind, lock)] = Libvirtd(args.user, args.start_timeout, reap=True,
                                                 config=config, label=label)
            else:
                daemons[(kind, lock)] = Virtusd(args.virtusd, args.user, args.start_timeout,
                                                reap=True, config=config, label=label,
                                                helpers=[args.lockd])
        res, doms, disks = {}, {}, {}
        for key, d in daemons.items():
            disks[key] = make_disks(os.path.join(d.tree, "disks"), uid, gid)
            with Bounded(watchdog, "connect and define", args.call_timeout, d):
                conn = libvirt.open(d.uri())
                conns.append(conn)
                doms[key] = conn.defineXML(domain_xml(args.memory, disks[key]))
                res[key] = {"version": conn.getLibVersion(), "runs": [], "lock_checks": 0}

        def checker(key):
            def check(_qemu_pid):
                for path in disks[key]:
                    locked = byte0_locked(path)
                    if locked != (key[1] == "on"):
                        raise RuntimeError("%s with locking %s: byte 0 of '%s' is %s while the "
                                           "guest runs" % (key[0], key[1], path,
                                                           "locked" if locked else "free"))
                    res[key]["lock_checks"] += 1
            return check

        # Warm-ups: the first start with locking on also starts the lock daemon.
        for _ in range(args.start_warmups):
            for key in daemons:
                domain_bench.cycle(libvirt, daemons[key], doms[key], watchdog, args,
                                   checker(key))
        cpu0 = {key: cpu_seconds(d.pid) for key, d in daemons.items()}
        keys = list(daemons)
        for i in range(args.start_runs):
            k = i % len(keys)
            for key in keys[k:] + keys[:k]:
                figures, _ = domain_bench.cycle(libvirt, daemons[key], doms[key], watchdog,
                                                args, checker(key))
                res[key]["runs"].append(figures)
        out = {"runs": args.start_runs, "warmups": args.start_warmups,
               "memory_mib": args.memory, "disks": DISKS,
               "domain_xml": domain_xml(args.memory, ["DISK%d" % n for n in range(DISKS)])}
        for kind in ("libvirtd", "virtus"):
            side = {}
            for lock in ("off", "on"):
                r = res[(kind, lock)]
                side[lock] = {
                    "version": r["version"],
                    "start_s": stats([x["start_s"] for x in r["runs"]]),
                    "destroy_s": stats([x["destroy_s"] for x in r["runs"]]),
                    "qemu_left_after_destroy": sum(x["qemu_left"] for x in r["runs"]),
                    "cpu_per_cycle_s": (cpu_seconds(daemons[(kind, lock)].pid) -
                                        cpu0[(kind, lock)]) / args.start_runs,
                    "lock_checks": r["lock_checks"],
                }
            for key in ("start_s", "destroy_s"):
                for stat in ("median", "p90"):
                    side["added_%s_%s" % (key[:-2], stat)] = \
                        side["on"][key][stat] - side["off"][key][stat]
            out[kind] = side
        return out
    finally:
        for conn in conns:
            try:
                conn.close()
            except Exception:  # noqa: BLE001 - the daemon may be gone already
                pass
        for d in daemons.values():
            d.stop()


def run(args, watchdog):
    result = {"bench": "locks", "cpus": os.cpu_count(), "loadavg_start": os.getloadavg()}
    if args.cycles:
        result["latency"] = latency(args)
    if args.start_runs:
        result["start"] = starts(args, watchdog)
    result["loadavg"] = os.getloadavg()
    return result


def print_text(result, out):
    def ms(s, key="median"):
        return "n/a" if not s or s.get(key) is None else "%.2f ms" % (s[key] * 1e3)

    out.write("Lock benchmark: guest of %d disks, load average %.1f at the start, %.1f at the "
              "end\n" % (DISKS, result["loadavg_start"][0], result["loadavg"][0]))
    lat = result.get("latency")
    if lat:
        out.write("latency: %d cycles after %d warm-ups per daemon and layout (connect, lock %d "
                  "disks, release, disconnect)\n" % (lat["cycles"], lat["warmups"], DISKS))
        for mode in ("direct", "indirect"):
            for name in ("virtus-lockd", "virtlockd"):
                f = lat[name][mode]
                out.write("  %-9s %-12s cycle median %s p90 %s (acquire %s, release %s); "
                          "daemon CPU %.3f ms a cycle\n"
                          % (mode, name, ms(f["cycle_s"]), ms(f["cycle_s"], "p90"),
                             ms(f["acquire_s"]), ms(f["release_s"]),
                             f["cpu_per_cycle_s"] * 1e3))
            v, l = lat["virtus-lockd"][mode]["cycle_s"], lat["virtlockd"][mode]["cycle_s"]
            out.write("  %-9s virtus-lockd / virtlockd: median %.2fx, p90 %.2fx\n"
                      % (mode, v["median"] / l["median"], v["p90"] / l["p90"]))
        c = lat["checks"]
        out.write("  checked %d cycles: %d held files locked, %d refusals by the same daemon, "
                  "%d by the other, %d files free after release\n"
                  % (c["cycles_checked"], c["held_byte0_locked"], c["rival_refused_same_daemon"],
                     c["rival_refused_other_daemon"], c["released_byte0_free"]))
        for name, text in sorted(lat["refusals"].items()):
            out.write("  %s refuses a second owner with: %s\n" % (name, text))
    st = result.get("start")
    if st:
        out.write("guest start: %d runs after %d warm-ups per daemon and setting, %d MiB TCG "
                  "guest with %d raw disks\n"
                  % (st["runs"], st["warmups"], st["memory_mib"], st["disks"]))
        for kind in ("libvirtd", "virtus"):
            s = st[kind]
            out.write("  %-8s start off %s, on %s: added %+.1f ms (p90 %+.1f ms); destroy off %s, "
                      "on %s: added %+.1f ms\n"
                      % (kind, ms(s["off"]["start_s"]), ms(s["on"]["start_s"]),
                         s["added_start_median"] * 1e3, s["added_start_p90"] * 1e3,
                         ms(s["off"]["destroy_s"]), ms(s["on"]["destroy_s"]),
                         s["added_destroy_median"] * 1e3))


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--worker":
        print(json.dumps(worker(json.loads(sys.argv[2]))))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--virtusd", required=True, help="the virtusd binary")
    parser.add_argument("--lockd", help="the virtus-lockd binary (default: beside --virtusd)")
    parser.add_argument("--cycles", type=int, default=200,
                        help="measured latency cycles per daemon and layout (0: skip)")
    parser.add_argument("--warmups", type=int, default=5, help="unmeasured latency cycles")
    parser.add_argument("--check-every", type=int, default=10,
                        help="check the locks while held every K-th cycle")
    parser.add_argument("--start-runs", type=int, default=10,
                        help="measured guest starts per daemon and setting (0: skip)")
    parser.add_argument("--start-warmups", type=int, default=2, help="unmeasured starts")
    parser.add_argument("--memory", type=int, default=128, help="the guest's memory, MiB")
    parser.add_argument("--user", default="nobody",
                        help="the unprivileged user the daemons run as when run as root")
    parser.add_argument("--start-timeout", type=int, default=30, help="daemon start, s")
    parser.add_argument("--call-timeout", type=int, default=60,
                        help="each call, request and wait, s")
    parser.add_argument("--latency-timeout", type=int, default=900,
                        help="the whole latency client, s")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args()
    args.lockd = args.lockd or os.path.join(os.path.dirname(args.virtusd), "virtus-lockd")
    for binary in (args.virtusd, args.lockd, VIRTLOCKD):
        if not os.access(binary, os.X_OK):
            parser.error("'%s' is not an executable" % binary)
    if args.cycles < 0 or args.start_runs < 0 or args.warmups < 1 or args.start_warmups < 1 \
            or args.check_every < 1 or not args.cycles + args.start_runs:
        parser.error("--cycles/--start-runs must be >= 0 (not both 0), the warm-ups and "
                     "--check-every >= 1")

    return run_and_print(run, args, print_text)


if __name__ == "__main__":
    exit_with("lock_bench", main)

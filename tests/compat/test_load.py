"""Load: 50 python-libvirt clients on one virtusd at the same time, each on its own connection,
mixing reads and writes on objects of its own for a bounded time (about 20 s), with a few
deliberately bad requests whose error codes are checked. Afterwards every write is visible
(nothing lost), the daemon still answers, and its descriptors and threads are back to what
they were when idle.

The binding releases the GIL during calls, so threads give real concurrency. Every wait is
bounded; a Deadline kills the daemon if the whole test overruns, so that a call blocked in C
fails instead of hanging.
"""
import os
import threading
import time

from compat_support import Deadline, Virtusd, require_virtusd, run_virsh

import libvirt

CLIENTS = 50
DURATION = 20  # seconds each client keeps going
JOIN_TIMEOUT = 180  # seconds for all clients to finish after DURATION
VOLUME_BYTES = 1024 * 1024

VIR_ERR_NO_STORAGE_POOL = 49
VIR_ERR_STORAGE_VOL_EXIST = 90
VIR_STORAGE_POOL_RUNNING = 2


def pool_xml(name, target):
    return ("<pool type='dir'><name>%s</name><target><path>%s</path></target></pool>"
            % (name, target))


def volume_xml(name):
    return ("<volume><name>%s</name><capacity unit='bytes'>%d</capacity></volume>"
            % (name, VOLUME_BYTES))


def secret_xml(usage):
    return ("<secret ephemeral='no' private='no'><usage type='ceph'><name>%s</name></usage>"
            "</secret>" % usage)


class Client(threading.Thread):
    """One client. It keeps a persistent pool `keepN` (one new volume per cycle) and a
    persistent secret `keepN` (a new value per cycle), and in every cycle also defines,
    builds, starts, fills, empties, stops and undefines a pool `tmpN` and defines, sets,
    reads and undefines a secret `tmpN-K`."""

    def __init__(self, index, uri, data_dir, stop_at):
        super().__init__(daemon=True)
        self.index = index
        self.uri = uri
        self.data_dir = data_dir
        self.stop_at = stop_at
        self.errors = []  # unexpected outcomes, as text
        self.cycles = 0  # completed cycles
        self.expected_errors = 0
        self.last_secret_value = None

    def fail(self, what):
        self.errors.append("client %d cycle %d: %s" % (self.index, self.cycles, what))

    def expect_error(self, code, what, call, *args):
        try:
            call(*args)
        except libvirt.libvirtError as e:
            if e.get_error_code() != code:
                self.fail("%s: error %d (%s), expected %d"
                          % (what, e.get_error_code(), e.get_error_message(), code))
            else:
                self.expected_errors += 1
            return
        self.fail("%s succeeded; expected error %d" % (what, code))

    def run(self):
        try:
            conn = libvirt.open(self.uri)
        except libvirt.libvirtError as e:
            self.fail("open: %s" % e)
            return
        try:
            self._run(conn)
        except libvirt.libvirtError as e:
            self.fail("unexpected error %d: %s" % (e.get_error_code(), e.get_error_message()))
        except Exception as e:  # noqa: BLE001 - anything else is reported by the test too
            self.fail("exception: %r" % e)
        finally:
            try:
                conn.close()
            except libvirt.libvirtError as e:
                self.fail("close: %s" % e)

    def _run(self, conn):
        i = self.index
        keep_name = "keep%d" % i
        keep = conn.storagePoolDefineXML(pool_xml(keep_name, os.path.join(self.data_dir,
                                                                          keep_name)), 0)
        keep.build(0)
        keep.create(0)
        keep_secret = conn.secretDefineXML(secret_xml("keep%d" % i), 0)
        tmp_name = "tmp%d" % i
        tmp_target = os.path.join(self.data_dir, tmp_name)

        while time.monotonic() < self.stop_at:
            k = self.cycles
            # Writes on its own objects.
            tmp = conn.storagePoolDefineXML(pool_xml(tmp_name, tmp_target), 0)
            tmp.build(0)
            tmp.create(0)
            a = tmp.createXML(volume_xml("a.img"), 0)
            b = tmp.createXML(volume_xml("b.img"), 0)
            kept = keep.createXML(volume_xml("v%d.img" % k), 0)
            value = ("value %d/%d" % (i, k)).encode()
            keep_secret.setValue(value, 0)
            self.last_secret_value = value
            sec = conn.secretDefineXML(secret_xml("tmp%d-%d" % (i, k)), 0)
            sec.setValue(b"tmp" + value, 0)

            # Reads.
            names = {p.name() for p in conn.listAllStoragePools(0)}
            if not {keep_name, tmp_name} <= names:
                self.fail("listAllStoragePools lacks its own pools: %r" % sorted(names))
            info = conn.storagePoolLookupByName(tmp_name).info()
            if info[0] != VIR_STORAGE_POOL_RUNNING:
                self.fail("pool '%s' state %d" % (tmp_name, info[0]))
            if "<name>%s</name>" % keep_name not in keep.XMLDesc(0):
                self.fail("pool XML lacks its name")
            if conn.storagePoolLookupByUUID(keep.UUID()).name() != keep_name:
                self.fail("pool lookup by UUID")
            vols = sorted(v.name() for v in tmp.listAllVolumes(0))
            if vols != ["a.img", "b.img"]:
                self.fail("volumes of '%s': %r" % (tmp_name, vols))
            if len(keep.listAllVolumes(0)) != k + 1:
                self.fail("'%s' has %d volumes, expected %d"
                          % (keep_name, len(keep.listAllVolumes(0)), k + 1))
            vinfo = tmp.storageVolLookupByName("b.img").info()
            if vinfo[1] != VOLUME_BYTES:
                self.fail("volume capacity %r" % (vinfo,))
            if conn.storageVolLookupByPath(kept.path()).name() != "v%d.img" % k:
                self.fail("volume lookup by path")
            if sec.value(0) != b"tmp" + value or keep_secret.value(0) != value:
                self.fail("secret values read back differ")
            if conn.secretLookupByUsage(libvirt.VIR_SECRET_USAGE_TYPE_CEPH,
                                        "keep%d" % i).UUIDString() != keep_secret.UUIDString():
                self.fail("secret lookup by usage")

            # Deliberate bad requests.
            self.expect_error(VIR_ERR_NO_STORAGE_POOL, "lookup of a missing pool",
                              conn.storagePoolLookupByName, "missing%d-%d" % (i, k))
            self.expect_error(VIR_ERR_STORAGE_VOL_EXIST, "duplicate volume", tmp.createXML,
                              volume_xml("a.img"), 0)

            # Undo the cycle's temporary objects.
            a.delete(0)
            b.delete(0)
            if tmp.numOfVolumes() != 0:
                self.fail("'%s' still has volumes %r" % (tmp_name, tmp.listVolumes()))
            tmp.destroy()
            tmp.undefine()
            sec.undefine()
            self.cycles += 1


def fd_count(pid):
    return len(os.listdir("/proc/%d/fd" % pid))


def fd_targets(pid):
    """What each open descriptor is, for failure messages."""
    out = {}
    for fd in os.listdir("/proc/%d/fd" % pid):
        try:
            out[int(fd)] = os.readlink("/proc/%d/fd/%s" % (pid, fd))
        except OSError:
            pass
    return out


def thread_count(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("Threads:"):
                return int(line.split()[1])
    raise AssertionError("no Threads in /proc/%d/status" % pid)


def wait_until(predicate, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return predicate()


def check_nothing_lost(conn, clients):
    """The clients' persistent pools, volumes and secrets, exactly, with their content. (The
    handles made here are freed on return, so that closing `conn` really closes it.)"""
    pools = {p.name(): p for p in conn.listAllStoragePools(0)}
    assert sorted(pools) == sorted("keep%d" % i for i in range(CLIENTS))
    for c in clients:
        pool = pools["keep%d" % c.index]
        assert pool.isActive() == 1
        vols = sorted(v.name() for v in pool.listAllVolumes(0))
        assert vols == sorted("v%d.img" % k for k in range(c.cycles)), (c.index, c.cycles, vols)
    secrets = {s.usageID(): s for s in conn.listAllSecrets(0)}
    assert sorted(secrets) == sorted("keep%d" % i for i in range(CLIENTS))
    for c in clients:
        assert secrets["keep%d" % c.index].value(0) == c.last_secret_value
    assert conn.numOfSecrets() == CLIENTS
    assert conn.numOfStoragePools() == CLIENTS


def test_fifty_clients_mixing_reads_and_writes():
    require_virtusd()
    libvirt.registerErrorHandler(lambda ctx, err: None, None)  # errors are checked, not printed
    d = Virtusd()
    try:
        with Deadline(d, DURATION + JOIN_TIMEOUT + 120):
            pid = d.proc.pid
            # Idle, after one connection has come and gone (lazy initialisation is not a leak).
            rc, out, err = run_virsh(d.uri(), ["pool-list", "--all"])
            assert rc == 0, err
            time.sleep(0.5)
            idle_fds = fd_count(pid)
            idle_targets = fd_targets(pid)
            idle_threads = thread_count(pid)

            stop_at = time.monotonic() + DURATION
            clients = [Client(i, d.uri(), d.data, stop_at) for i in range(CLIENTS)]
            for c in clients:
                c.start()
            join_deadline = stop_at + JOIN_TIMEOUT
            for c in clients:
                c.join(timeout=max(0.0, join_deadline - time.monotonic()))
            stuck = [c.index for c in clients if c.is_alive()]
            assert not stuck, "clients still running after %d s: %r" % (JOIN_TIMEOUT, stuck)
            assert d.alive(), d.output()

            errors = [e for c in clients for e in c.errors]
            assert not errors, "%d unexpected outcomes, first ones:\n%s" % (
                len(errors), "\n".join(errors[:20]))
            assert all(c.cycles >= 1 for c in clients), [c.cycles for c in clients]
            # Every client made its bad requests and got the expected errors for all of them.
            assert all(c.expected_errors == 2 * c.cycles for c in clients)

            # Nothing lost: exactly the persistent objects the clients left, with their content.
            conn = libvirt.open(d.uri())
            try:
                check_nothing_lost(conn, clients)
            finally:
                # Only now: object handles hold the connection open until they are freed.
                conn.close()

            # Alive and answering, and the clients left nothing behind.
            rc, out, err = run_virsh(d.uri(), ["pool-info", "keep0"])
            assert rc == 0 and "State:          running" in out, (rc, out, err)
            assert wait_until(lambda: fd_count(pid) <= idle_fds, 30), \
                "virtusd holds %d descriptors after the load, %d when idle:\n%r\nidle: %r" % (
                    fd_count(pid), idle_fds, fd_targets(pid), idle_targets)
            assert wait_until(lambda: thread_count(pid) <= idle_threads, 30), \
                "virtusd runs %d threads after the load, %d when idle" % (
                    thread_count(pid), idle_threads)
    finally:
        d.stop()

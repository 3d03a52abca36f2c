"""Disk locks under virtusd with real QEMU and real virsh: two guests sharing one writable
disk, with the lock managers of qemu.conf.

- nop: only QEMU's own image locking refuses the second guest;
- lockd, direct (the disk itself) and indirect (a lock file named by the SHA-256 of the disk
  path): the second start is refused before QEMU runs, naming the disk and its holder; shared
  and read-only disks go to both; the locks survive a restart of virtusd and a re-exec of
  virtus-lockd, and go when the holder's QEMU dies;
- two "hosts" (two virtusd with their own roots and host names) sharing one lockspace
  directory refuse each other the disk;
- hotplug takes the disk's lock, and `virtus lock-list` shows who holds what.

The guests have no OS: they run paused, which is all a lock needs (QEMU has opened its disks
and the lock is held before the CPUs would run)."""
import hashlib
import json
import os
import signal
import subprocess

import pytest

from compat_support import VIRTUS_BIN, Virtusd, daemon_identity, make_daemon_dir, \
    require_virtusd, run_virsh
from qemu_guest_support import STATE_TIMEOUT, domstate, pid_alive, qemu_pid, reaches_state, \
    virsh_ok, wait_until

LOCKD = 'lock_manager = "lockd"\n'


def disk_xml(path, target, shareable=False, readonly=False):
    flags = ("<shareable/>" if shareable else "") + ("<readonly/>" if readonly else "")
    return ("<disk type='file' device='disk'><driver name='qemu' type='raw'/>"
            "<source file='%s'/><target dev='%s' bus='virtio'/>%s</disk>"
            % (path, target, flags))


def guest_xml(name, disks, on_lockfailure=""):
    return ("<domain type='qemu'><name>%s</name><memory unit='MiB'>64</memory>"
            "<os><type arch='x86_64' machine='pc'>hvm</type></os><features><acpi/></features>"
            "%s<devices>%s</devices></domain>"
            % (name, "<on_lockfailure>%s</on_lockfailure>" % on_lockfailure
               if on_lockfailure else "", "".join(disks)))


def image(daemon, name, size=1 << 20):
    """A raw image in the daemon's data directory, owned by the daemon user."""
    path = os.path.join(daemon.data, name)
    with open(path, "wb") as f:
        f.truncate(size)
    uid, gid = daemon_identity()
    os.chown(path, uid, gid)
    return path


def define(daemon, name, disks, on_lockfailure=""):
    path = os.path.join(daemon.data, name + ".xml")
    with open(path, "w") as f:
        f.write(guest_xml(name, disks, on_lockfailure))
    virsh_ok(daemon.uri(), "define", path)


def start_paused(daemon, name):
    return run_virsh(daemon.uri(), ["start", name, "--paused"])


def lock_list(daemon):
    p = subprocess.run([VIRTUS_BIN, "-c", daemon.uri(), "lock-list", "--json"],
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stdout + p.stderr
    return json.loads(p.stdout)


def kill_guests(daemon, *names):
    for name in names:
        pid = qemu_pid(daemon.tree, name)
        if pid and pid_alive(pid):
            os.kill(pid, signal.SIGKILL)


@pytest.fixture
def daemons():
    """Starts virtusd instances on demand; stops them and their guests at the end."""
    require_virtusd()
    started = []

    def start(**kwargs):
        daemon = Virtusd(**kwargs)
        started.append(daemon)
        return daemon

    yield start
    for daemon in started:
        try:
            kill_guests(daemon, "g1", "g2", "g3")
        finally:
            daemon.stop()


def test_nop_leaves_it_to_qemus_image_locking(daemons):
    daemon = daemons()
    disk = image(daemon, "shared.img")
    define(daemon, "g1", [disk_xml(disk, "vda")])
    define(daemon, "g2", [disk_xml(disk, "vda")])
    rc, out, err = start_paused(daemon, "g1")
    assert rc == 0, err
    rc, out, err = start_paused(daemon, "g2")
    assert rc != 0
    assert 'Failed to get "write" lock' in err, err
    assert lock_list(daemon) == {"driver": "nop", "locks": [], "lockspaces": []}


def test_lockd_direct_refuses_a_second_writer_until_the_first_lets_go(daemons):
    daemon = daemons(config={"qemu.conf": LOCKD})
    uri = daemon.uri()
    disk = image(daemon, "shared.img")
    define(daemon, "g1", [disk_xml(disk, "vda")])
    define(daemon, "g2", [disk_xml(disk, "vda")])
    rc, _, err = start_paused(daemon, "g1")
    assert rc == 0, err
    pid = qemu_pid(daemon.tree, "g1")

    def refused():
        rc, _, err = start_paused(daemon, "g2")
        assert rc != 0, "g2 started on a disk g1 holds"
        # Before QEMU runs: virtus-lockd's refusal, not QEMU's image locking.
        assert "Lockspace resource '%s' is locked by domain 'g1' (pid %d)" % (disk, pid) in err, \
            err
        assert domstate(uri, "g2").startswith("shut off")

    refused()
    report = lock_list(daemon)
    assert report["driver"] == "lockd"
    assert [(l["resource"], l["domain"], l["pid"], l["shared"]) for l in report["locks"]] == \
        [(disk, "g1", pid, False)]
    assert report["locks"][0]["file"] == disk  # direct: the disk itself carries the lock

    # virtusd restarts: the locks stay with virtus-lockd.
    daemon.restart()
    refused()
    # virtus-lockd re-executes itself (an upgrade): the locks stay.
    lockd = daemon.lockd_pid()
    assert lockd and pid_alive(lockd)
    os.kill(lockd, signal.SIGUSR1)
    wait_until(lambda: len(lock_list(daemon)["locks"]) == 1, STATE_TIMEOUT,
               "virtus-lockd back after its re-exec")
    assert daemon.lockd_pid() == lockd
    refused()

    # The holder's QEMU dies: its lock goes with it.
    os.kill(pid, signal.SIGKILL)
    assert reaches_state(uri, "g1", "shut off (crashed)", STATE_TIMEOUT)
    rc, _, err = start_paused(daemon, "g2")
    assert rc == 0, err
    assert [l["domain"] for l in lock_list(daemon)["locks"]] == ["g2"]
    virsh_ok(uri, "destroy", "g2")
    assert lock_list(daemon)["locks"] == []


def test_lockd_shares_shareable_disks_and_skips_read_only_ones(daemons):
    daemon = daemons(config={"qemu.conf": LOCKD})
    shared = image(daemon, "cluster.img")
    readonly = image(daemon, "base.iso")
    for name in ("g1", "g2"):
        define(daemon, name, [disk_xml(shared, "vda", shareable=True),
                              disk_xml(readonly, "vdb", readonly=True)])
    for name in ("g1", "g2"):
        rc, _, err = start_paused(daemon, name)
        assert rc == 0, err
    locks = lock_list(daemon)["locks"]
    assert sorted((l["resource"], l["domain"], l["shared"]) for l in locks) == \
        [(shared, "g1", True), (shared, "g2", True)]
    # A writer is refused while readers share it.
    define(daemon, "g3", [disk_xml(shared, "vda")])
    rc, _, err = start_paused(daemon, "g3")
    assert rc != 0 and "Lockspace resource '%s' is locked" % shared in err, err


def test_lockd_indirect_locks_a_file_named_by_the_sha256_of_the_disk(daemons):
    require_virtusd()
    lockspace = make_daemon_dir("virtus-compat-lockspace.")
    try:
        daemon = daemons(config={
            "qemu.conf": LOCKD,
            "qemu-lockd.conf": 'file_lockspace_dir = "%s"\n' % lockspace})
        disk = image(daemon, "shared.img")
        define(daemon, "g1", [disk_xml(disk, "vda")])
        define(daemon, "g2", [disk_xml(disk, "vda")])
        rc, _, err = start_paused(daemon, "g1")
        assert rc == 0, err
        lock_file = os.path.join(lockspace, hashlib.sha256(disk.encode()).hexdigest())
        assert os.path.exists(lock_file)
        [held] = lock_list(daemon)["locks"]
        assert (held["resource"], held["file"], held["lockspace"]) == (disk, lock_file, lockspace)
        rc, _, err = start_paused(daemon, "g2")
        assert rc != 0 and "Lockspace resource '%s' is locked by domain 'g1'" % disk in err, err
        virsh_ok(daemon.uri(), "destroy", "g1")
        rc, _, err = start_paused(daemon, "g2")
        assert rc == 0, err
    finally:
        subprocess.run(["rm", "-rf", lockspace], check=False)


def test_two_hosts_sharing_a_lockspace_refuse_each_other_the_disk(daemons):
    require_virtusd()
    lockspace = make_daemon_dir("virtus-compat-lockspace.")
    try:
        hosts = [daemons(config={
            "qemu.conf": LOCKD,
            "qemu-lockd.conf": 'file_lockspace_dir = "%s"\nhost_name = "%s"\n'
                               % (lockspace, host)}) for host in ("hostA", "hostB")]
        disk = image(hosts[0], "san-lun.img")
        for host in hosts:
            define(host, "g1", [disk_xml(disk, "vda")])
        rc, _, err = start_paused(hosts[0], "g1")
        assert rc == 0, err
        rc, _, err = start_paused(hosts[1], "g1")
        assert rc != 0
        assert "Lockspace resource '%s' is locked by domain 'g1'" % disk in err, err
        assert "on host 'hostA'" in err, err
        [held] = lock_list(hosts[0])["locks"]
        assert held["host"] == "hostA"
        assert lock_list(hosts[1])["locks"] == []
        virsh_ok(hosts[0].uri(), "destroy", "g1")
        rc, _, err = start_paused(hosts[1], "g1")
        assert rc == 0, err
        assert lock_list(hosts[1])["locks"][0]["host"] == "hostB"
    finally:
        subprocess.run(["rm", "-rf", lockspace], check=False)


def test_hotplug_takes_the_disks_lock(daemons):
    daemon = daemons(config={"qemu.conf": LOCKD})
    uri = daemon.uri()
    own = image(daemon, "own.img")
    held = image(daemon, "held.img")
    free = image(daemon, "free.img")
    define(daemon, "g1", [disk_xml(held, "vda")])
    define(daemon, "g2", [disk_xml(own, "vda")])
    for name in ("g1", "g2"):
        rc, _, err = start_paused(daemon, name)
        assert rc == 0, err
    rc, _, err = run_virsh(uri, ["attach-disk", "g2", held, "vdb", "--driver", "qemu",
                                 "--subdriver", "raw", "--live"])
    assert rc != 0 and "Lockspace resource '%s' is locked by domain 'g1'" % held in err, err
    assert held not in virsh_ok(uri, "domblklist", "g2")
    virsh_ok(uri, "attach-disk", "g2", free, "vdc", "--driver", "qemu", "--subdriver", "raw",
             "--live")
    assert sorted((l["resource"], l["domain"]) for l in lock_list(daemon)["locks"]) == \
        sorted([(held, "g1"), (own, "g2"), (free, "g2")])
    virsh_ok(uri, "destroy", "g2")
    assert [(l["resource"], l["domain"]) for l in lock_list(daemon)["locks"]] == [(held, "g1")]


def test_a_lost_lock_applies_the_guests_on_lockfailure(daemons):
    """virtus-lockd checks its indirect lock files (every 10 s by default): a removed one is a
    lost lock, and virtusd applies the guest's <on_lockfailure>."""
    require_virtusd()
    lockspace = make_daemon_dir("virtus-compat-lockspace.")
    try:
        daemon = daemons(config={
            "qemu.conf": LOCKD,
            "qemu-lockd.conf": 'file_lockspace_dir = "%s"\n' % lockspace})
        uri = daemon.uri()
        paused, stopped = image(daemon, "a.img"), image(daemon, "b.img")
        define(daemon, "g1", [disk_xml(paused, "vda")], on_lockfailure="pause")
        define(daemon, "g2", [disk_xml(stopped, "vda")])  # the default: poweroff
        for name in ("g1", "g2"):
            virsh_ok(uri, "start", name)
            assert domstate(uri, name) == "running (booted)"
        for disk in (paused, stopped):
            os.unlink(os.path.join(lockspace, hashlib.sha256(disk.encode()).hexdigest()))
        assert reaches_state(uri, "g1", "paused (user)", 60), domstate(uri, "g1")
        assert reaches_state(uri, "g2", "shut off (destroyed)", 60), domstate(uri, "g2")
        assert "lock on '%s' was lost" % paused in daemon.output(), daemon.output()
    finally:
        subprocess.run(["rm", "-rf", lockspace], check=False)

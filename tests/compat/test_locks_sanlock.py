"""The sanlock lock manager under virtusd, against real sanlock daemons (started here without
a watchdog, io_timeout 1) and real QEMU: automatic disk leases in __LIBVIRT__DISKS__, named
by the MD5 of the disk path as libvirt names them; a second guest refused with the holder
named; leases kept across a restart of virtusd and dropped when the holder's QEMU dies; and
two hosts (two sanlock daemons with host ids 1 and 2, two virtusd) sharing one lease
directory refusing each other the disk.

The guests run paused (no OS): the lease is held before their CPUs would run."""
import grp
import hashlib
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time

import pytest

from compat_support import daemon_identity, make_daemon_dir, require_virtusd
from qemu_guest_support import STATE_TIMEOUT, domstate, pid_alive, qemu_pid, reaches_state, \
    virsh_ok, wait_until
from test_locks import daemons, define, disk_xml, image, lock_list, start_paused  # noqa: F401

SANLOCK = shutil.which("sanlock") or "/usr/sbin/sanlock"
JOIN_TIMEOUT = 90  # seconds; a join takes about 3 s with io_timeout 1


class Sanlock:
    """A sanlock daemon of its own (SANLOCK_RUN_DIR), running as the daemon user."""

    def __init__(self, host):
        uid, gid = daemon_identity()
        self.run_dir = make_daemon_dir("virtus-compat-sanlock.")
        self.env = dict(os.environ, SANLOCK_RUN_DIR=self.run_dir, SANLOCK_PRIVILEGED="0")
        self._log = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(
            [SANLOCK, "daemon", "-D", "-w", "0", "-h", "0", "-l", "0",
             "-U", pwd.getpwuid(uid).pw_name, "-G", grp.getgrgid(gid).gr_name,
             "-L", "-1", "-S", "-1", "-e", host],
            env=self.env, stdout=self._log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + 10
        while subprocess.run([SANLOCK, "client", "status"], env=self.env,
                             capture_output=True, timeout=10).returncode != 0:
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("sanlock did not start:\n" + self.output())
            time.sleep(0.05)

    def output(self):
        self._log.seek(0)
        return self._log.read().decode(errors="replace")[-4000:]

    def stop(self):
        if self.proc.poll() is None:
            subprocess.run([SANLOCK, "client", "shutdown", "-f", "1", "-w", "1"], env=self.env,
                           capture_output=True, timeout=30)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        shutil.rmtree(self.run_dir, ignore_errors=True)


@pytest.fixture
def sanlocks():
    if not os.path.exists(SANLOCK):
        pytest.skip("sanlock is not installed")
    require_virtusd()
    started = []

    def start(host):
        daemon = Sanlock(host)
        started.append(daemon)
        return daemon

    yield start
    for daemon in started:
        daemon.stop()


def sanlock_host(daemons, sanlock, lease_dir, host_id):
    """A virtusd using SANLOCK, with automatic disk leases in LEASE_DIR as HOST_ID, once it
    has joined the lockspace."""
    conf = ("auto_disk_leases = 1\nhost_id = %d\ndisk_lease_dir = \"%s\"\nio_timeout = 1\n"
            % (host_id, lease_dir))
    daemon = daemons(config={"qemu.conf": 'lock_manager = "sanlock"\n',
                             "qemu-sanlock.conf": conf},
                     env={"SANLOCK_RUN_DIR": sanlock.run_dir})

    def joined():
        spaces = lock_list(daemon)["lockspaces"]
        assert [s["state"] for s in spaces] != ["failed"], spaces
        return spaces and spaces[0]["state"] == "joined"

    wait_until(joined, JOIN_TIMEOUT, "host id %d to join __LIBVIRT__DISKS__" % host_id)
    return daemon


def test_sanlock_leases_refuse_a_second_writer_on_one_host_and_across_hosts(daemons, sanlocks):
    lease_dir = make_daemon_dir("virtus-compat-leases.")
    try:
        host_a = sanlock_host(daemons, sanlocks("hostA"), lease_dir, 1)
        uri = host_a.uri()
        [space] = lock_list(host_a)["lockspaces"]
        assert space["name"] == "__LIBVIRT__DISKS__"
        assert space["path"] == os.path.join(lease_dir, "__LIBVIRT__DISKS__")

        disk = image(host_a, "shared.img")
        define(host_a, "g1", [disk_xml(disk, "vda")])
        define(host_a, "g2", [disk_xml(disk, "vda")])
        rc, _, err = start_paused(host_a, "g1")
        assert rc == 0, err
        pid = qemu_pid(host_a.tree, "g1")
        # libvirt's lease file: the MD5 of the disk path, in the lease directory.
        lease = os.path.join(lease_dir, hashlib.md5(disk.encode()).hexdigest())
        assert os.path.getsize(lease) == 1 << 20
        [held] = lock_list(host_a)["locks"]
        assert (held["resource"], held["domain"], held["pid"], held["file"]) == \
            (disk, "g1", pid, lease)

        def refused(daemon, name, holder):
            rc, _, err = start_paused(daemon, name)
            assert rc != 0, "%s started on a disk %s holds" % (name, holder)
            assert "the disk '%s' is locked by %s" % (disk, holder) in err, err

        refused(host_a, "g2", "guest 'g1' (pid %d) on host id 1" % pid)
        # virtusd restarts: sanlock keeps the lease of the running QEMU.
        host_a.restart()
        refused(host_a, "g2", "guest 'g1' (pid %d) on host id 1" % pid)
        assert [l["domain"] for l in lock_list(host_a)["locks"]] == ["g1"]

        # Another host sharing the lease directory is refused the disk too.
        host_b = sanlock_host(daemons, sanlocks("hostB"), lease_dir, 2)
        define(host_b, "g1", [disk_xml(disk, "vda")])
        refused(host_b, "g1", "host id 1")
        assert lock_list(host_b)["locks"] == []

        # The holder's QEMU dies: sanlock drops its lease, and the other host may start.
        os.kill(pid, signal.SIGKILL)
        assert reaches_state(uri, "g1", "shut off (crashed)", STATE_TIMEOUT)
        wait_until(lambda: start_paused(host_b, "g1")[0] == 0, STATE_TIMEOUT,
                   "host B to take the lease")
        held_b = lock_list(host_b)["locks"]
        assert [(l["resource"], l["host"]) for l in held_b] == [(disk, "host id 2")]
        refused(host_a, "g2", "host id 2")
        virsh_ok(host_b.uri(), "destroy", "g1")
        assert lock_list(host_b)["locks"] == []
        wait_until(lambda: start_paused(host_a, "g2")[0] == 0, STATE_TIMEOUT,
                   "g2 to take the lease back on host A")
        pid2 = qemu_pid(host_a.tree, "g2")
        assert pid2 and pid_alive(pid2)
    finally:
        shutil.rmtree(lease_dir, ignore_errors=True)


def test_revoked_leases_apply_the_guests_on_lockfailure(daemons, sanlocks):
    """This host's delta lease in __LIBVIRT__DISKS__ is overwritten: sanlock's renewal fails
    and it revokes the leases of every guest in the lockspace, running virtusd's kill path
    instead of killing them; virtusd applies each guest's <on_lockfailure>."""
    lease_dir = make_daemon_dir("virtus-compat-leases.")
    try:
        host = sanlock_host(daemons, sanlocks("hostA"), lease_dir, 1)
        uri = host.uri()
        paused, ignored, stopped = (image(host, n) for n in ("a.img", "b.img", "c.img"))
        define(host, "g1", [disk_xml(paused, "vda")], on_lockfailure="pause")
        define(host, "g2", [disk_xml(ignored, "vda")], on_lockfailure="ignore")
        define(host, "g3", [disk_xml(stopped, "vda")])  # the default: poweroff
        for name in ("g1", "g2", "g3"):
            virsh_ok(uri, "start", name)
        assert len(lock_list(host)["locks"]) == 3
        # Host id 1's delta lease is the lockspace's first sector.
        with open(os.path.join(lease_dir, "__LIBVIRT__DISKS__"), "r+b") as f:
            f.write(b"\0" * 512)
        assert reaches_state(uri, "g1", "paused (user)", 60), domstate(uri, "g1")
        assert reaches_state(uri, "g3", "shut off (destroyed)", 60), domstate(uri, "g3")
        # The paused and the ignoring guests gave their leases up: sanlock leaves them be.
        wait_until(lambda: lock_list(host)["locks"] == [], STATE_TIMEOUT, "the leases to go")
        time.sleep(2)  # not synchronisation: sanlock must not kill them in the meantime
        assert domstate(uri, "g1") == "paused (user)"
        assert domstate(uri, "g2") == "running (booted)"
        assert "its sanlock leases were revoked" in host.output(), host.output()
    finally:
        shutil.rmtree(lease_dir, ignore_errors=True)

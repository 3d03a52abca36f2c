"""A real guest under virtusd, driven by the real virsh: the tests' tiny guest (tests/guest)
boots under TCG from two volumes of a dir pool (qcow2 and raw), reports them with the right
contents, is suspended, resumed and shut down through the ACPI button; started again, it
survives a restart of virtusd, is destroyed by the new daemon, and nothing is left."""
import os
import re
import shutil
import signal
import subprocess
import sys
import time

import pytest

from compat_support import Virtusd, as_daemon_user, require_virtusd, run_virsh, socket_accepts

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "guest"))
import guest as tg  # noqa: E402

BOOT_TIMEOUT = 120  # seconds; a boot takes 3 to 15 s under TCG here, depending on the load
STATE_TIMEOUT = 60

RAW_PATTERN = bytes(range(16)) * 4096  # 64 KiB, then zeros


def wait_until(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        assert time.monotonic() < deadline, "timed out after %s s waiting for %s" % (timeout, what)
        time.sleep(0.1)


def reaches_state(uri, name, want, timeout):
    """Whether `virsh domstate --reason` says WANT within TIMEOUT seconds."""
    deadline = time.monotonic() + timeout
    while True:
        if domstate(uri, name) == want:
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.1)


def virsh_ok(uri, *args):
    rc, out, err = run_virsh(uri, list(args))
    assert rc == 0, "virsh %s failed (%d): %s%s" % (" ".join(args), rc, out, err)
    return out


def domstate(uri, name):
    return virsh_ok(uri, "domstate", name, "--reason").strip()


def qemu_pid(tree, name):
    """The pid in virtusd's runtime state for NAME, or None."""
    path = os.path.join(tree, "run", "qemu", name + ".xml")
    try:
        with open(path) as f:
            text = f.read()
    except OSError:
        return None
    m = re.search(r"<domstatus[^>]*\bpid=['\"](\d+)['\"]", text)
    return int(m.group(1)) if m else None


def pid_alive(pid):
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False


def domain_xml(kernel, initrd):
    return """<domain type='qemu'>
  <name>g1</name>
  <memory unit='MiB'>256</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <kernel>%s</kernel>
    <initrd>%s</initrd>
    <cmdline>%s virtus.wait=300</cmdline>
  </os>
  <features><acpi/></features>
  <devices>
    <disk type='volume' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source pool='images' volume='boot.qcow2'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <disk type='volume' device='disk'>
      <driver name='qemu' type='raw'/>
      <source pool='images' volume='data.img'/>
      <target dev='vdb' bus='virtio'/>
    </disk>
  </devices>
</domain>
""" % (kernel, initrd, tg.BASE_CMDLINE)


@pytest.fixture
def setup(tmp_path):
    require_virtusd()
    tg.require_tools()
    built = tg.build()
    daemon = Virtusd()
    pids = []
    try:
        # The daemon runs as an unprivileged user: give it its own copies of the guest.
        kernel = os.path.join(daemon.data, "vmlinuz")
        initrd = os.path.join(daemon.data, "initrd.img")
        shutil.copy(built.kernel, kernel)
        shutil.copy(built.initrd, initrd)
        uid, gid = os.stat(daemon.data).st_uid, os.stat(daemon.data).st_gid
        pool_dir = os.path.join(daemon.data, "images")
        uri = daemon.uri()
        virsh_ok(uri, "pool-define-as", "images", "dir", "--target", pool_dir)
        virsh_ok(uri, "pool-build", "images")
        virsh_ok(uri, "pool-start", "images")
        # A qcow2 image whose first guest-visible bytes are 0xab, made with QEMU's tools and
        # handed to the pool; a raw volume filled through virsh vol-upload.
        qcow2 = os.path.join(pool_dir, "boot.qcow2")
        subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", qcow2, "32M"], check=True)
        subprocess.run(["qemu-io", "-f", "qcow2", "-c", "write -P 0xab 0 4096", qcow2],
                       check=True, capture_output=True)
        os.chown(qcow2, uid, gid)
        virsh_ok(uri, "pool-refresh", "images")
        virsh_ok(uri, "vol-create-as", "images", "data.img", "4M", "--format", "raw")
        upload = tmp_path / "pattern.bin"
        upload.write_bytes(RAW_PATTERN)
        virsh_ok(uri, "vol-upload", "--pool", "images", "data.img", str(upload))
        xml = os.path.join(daemon.data, "g1.xml")
        with open(xml, "w") as f:
            f.write(domain_xml(kernel, initrd))
        yield daemon, xml, pids
    finally:
        for pid in pids + [qemu_pid(daemon.tree, "g1")]:
            if pid and pid_alive(pid):
                os.kill(pid, signal.SIGKILL)
        daemon.stop()


def console(daemon):
    return os.path.join(daemon.tree, "log", "qemu", "g1.console.log")


def check_disks(report):
    vda, vdb = report.disk("vda"), report.disk("vdb")
    assert vda is not None and vdb is not None, report
    assert vda.size == 32 * 1024 * 1024 and vda.head == b"\xab" * 16, vda
    assert vdb.size == 4 * 1024 * 1024 and vdb.head == RAW_PATTERN[:16], vdb
    assert not vda.readonly and not vdb.readonly
    assert not report.errors and not report.panic, report


def test_guest_lifecycle_through_virsh(setup):
    daemon, xml, pids = setup
    uri = daemon.uri()
    virsh_ok(uri, "define", xml)
    assert domstate(uri, "g1") == "shut off (unknown)"
    assert "g1" in virsh_ok(uri, "list", "--inactive", "--name")

    virsh_ok(uri, "start", "g1")
    report = tg.wait_for(console(daemon), lambda r: r.done, BOOT_TIMEOUT)
    check_disks(report)
    assert domstate(uri, "g1") == "running (booted)"
    pid = qemu_pid(daemon.tree, "g1")
    assert pid and pid_alive(pid)
    pids.append(pid)
    assert virsh_ok(uri, "domid", "g1").strip().isdigit()
    info = virsh_ok(uri, "dominfo", "g1")
    assert "State:          running" in info and "Max memory:     262144 KiB" in info, info

    virsh_ok(uri, "suspend", "g1")
    assert domstate(uri, "g1") == "paused (user)"
    virsh_ok(uri, "resume", "g1")
    assert domstate(uri, "g1") == "running (unpaused)"

    # The guest's init powers off on the ACPI power button; a press may be lost while the
    # machine is loaded, so it is pressed again until the guest goes (bounded).
    deadline = time.monotonic() + STATE_TIMEOUT
    while not reaches_state(uri, "g1", "shut off (shutdown)", 3):
        assert time.monotonic() < deadline, domstate(uri, "g1")
        run_virsh(uri, ["shutdown", "g1"])
    wait_until(lambda: not pid_alive(pid), STATE_TIMEOUT, "QEMU to exit")
    assert tg.read_report(console(daemon)).poweroff == "button"
    assert not os.path.exists(os.path.join(daemon.tree, "run", "qemu", "g1.xml"))

    # Errors as libvirt words them.
    rc, _, err = run_virsh(uri, ["suspend", "g1"])
    assert rc != 0 and "domain is not running" in err, err
    rc, _, err = run_virsh(uri, ["dominfo", "nope"])
    assert rc != 0 and "failed to get domain 'nope'" in err, err

    virsh_ok(uri, "undefine", "g1")
    assert "g1" not in virsh_ok(uri, "list", "--all", "--name")


def test_guest_survives_a_daemon_restart(setup):
    daemon, xml, pids = setup
    uri = daemon.uri()
    virsh_ok(uri, "define", xml)
    virsh_ok(uri, "start", "g1")
    tg.wait_for(console(daemon), lambda r: r.done, BOOT_TIMEOUT)
    pid = qemu_pid(daemon.tree, "g1")
    assert pid and pid_alive(pid)
    pids.append(pid)

    # SIGTERM to virtusd alone (not its process group): QEMU runs in a session of its own.
    binary = [a for a in daemon.proc.args if os.path.basename(a) == "virtusd"][0]
    daemon.proc.send_signal(signal.SIGTERM)
    assert daemon.proc.wait(timeout=30) == 0
    assert pid_alive(pid), "the guest died with the daemon"

    restarted = subprocess.Popen(as_daemon_user([binary, "--root", daemon.tree]),
                                 stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        wait_until(lambda: socket_accepts(daemon.socket), 30, "the restarted daemon")
        assert domstate(uri, "g1") == "running (booted)"
        virsh_ok(uri, "destroy", "g1")
        assert domstate(uri, "g1") == "shut off (destroyed)"
        wait_until(lambda: not pid_alive(pid), STATE_TIMEOUT, "QEMU to exit")
        assert not os.path.exists(os.path.join(daemon.tree, "run", "qemu", "g1.xml"))
        assert not os.path.exists(os.path.join(daemon.tree, "run", "qemu", "g1.monitor"))
        virsh_ok(uri, "undefine", "g1")
    finally:
        restarted.send_signal(signal.SIGTERM)
        try:
            restarted.wait(timeout=30)
        except subprocess.TimeoutExpired:
            restarted.kill()

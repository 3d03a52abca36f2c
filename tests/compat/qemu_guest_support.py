"""What the tests with a real guest under virtusd share: the guest booted from two volumes
of a dir pool (a qcow2 and a raw one, made with QEMU's tools and virsh), virsh with checks,
the domain's state and QEMU's pid as virtusd records them, and bounded waits."""
import os
import re
import shutil
import signal
import subprocess
import sys
import time

import pytest

from compat_support import Virtusd, require_virtusd, run_virsh

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


def domain_xml(kernel, initrd, extra_devices=""):
    """g1: the guest booting from the pool's two volumes (vda qcow2, vdb raw), plus
    EXTRA_DEVICES (XML) in <devices>."""
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
%s  </devices>
</domain>
""" % (kernel, initrd, tg.BASE_CMDLINE, extra_devices)


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

"""What the tests of the network pools (rbd, gluster, iscsi-direct) share: secrets defined
through virsh, pools defined from XML, and the tests' tiny guest booted with one disk given as
XML, so that QEMU itself proves it reads the storage."""
import base64
import os
import shutil
import signal
import tempfile

import pytest

from compat_support import Virtusd, require_virtusd, run_virsh
from qemu_guest_support import BOOT_TIMEOUT, pid_alive, qemu_pid, tg, virsh_ok  # noqa: F401

PATTERN = bytes(range(256)) * 256  # 64 KiB the guest sees at the start of its disk


@pytest.fixture
def virtusd():
    """A virtusd of the test's own, stopped at the end."""
    require_virtusd()
    daemon = Virtusd()
    yield daemon
    daemon.stop()


def virsh_fails(uri, *args):
    """The error virsh prints for a command that must fail."""
    rc, out, err = run_virsh(uri, list(args))
    assert rc != 0, "virsh %s should have failed: %s" % (" ".join(map(str, args)), out)
    return err


def define_from_text(uri, command, text):
    """`virsh COMMAND FILE` with TEXT in FILE (pool-define, secret-define, define …)."""
    with tempfile.NamedTemporaryFile("w", suffix=".xml", delete=False) as f:
        f.write(text)
    try:
        os.chmod(f.name, 0o644)
        return virsh_ok(uri, command, f.name)
    finally:
        os.unlink(f.name)


def define_secret(uri, usage_xml, value):
    """A private-less secret with USAGE_XML (<usage type=…>…</usage>) holding VALUE (bytes);
    returns its UUID."""
    out = define_from_text(uri, "secret-define",
                           "<secret ephemeral='no' private='no'>%s</secret>" % usage_xml)
    uuid = out.split()[1]
    virsh_ok(uri, "secret-set-value", "--secret", uuid, "--base64",
             base64.b64encode(value).decode())
    return uuid


def vol_info(uri, pool, vol):
    """`virsh vol-info` as a dict (Name, Type, Capacity, Allocation)."""
    out = virsh_ok(uri, "vol-info", "--pool", pool, vol)
    return {k.strip(): v.strip() for k, v in
            (line.split(":", 1) for line in out.splitlines() if ":" in line)}


def domain_xml(kernel, initrd, disk_xml, name="netguest"):
    return """<domain type='qemu'>
  <name>%s</name>
  <memory unit='MiB'>256</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <kernel>%s</kernel>
    <initrd>%s</initrd>
    <cmdline>%s</cmdline>
  </os>
  <devices>
%s
  </devices>
</domain>
""" % (name, kernel, initrd, tg.BASE_CMDLINE, disk_xml)


def boot_guest_with_disk(daemon, disk_xml, name="netguest"):
    """Starts a guest whose only disk is DISK_XML (target vda), waits for its report of the
    disks it sees, destroys and undefines it; returns the report."""
    tg.require_tools()
    built = tg.build()
    uri = daemon.uri()
    kernel = os.path.join(daemon.data, "vmlinuz")
    initrd = os.path.join(daemon.data, "initrd.img")
    if not os.path.exists(kernel):
        shutil.copy(built.kernel, kernel)
        shutil.copy(built.initrd, initrd)
    console = os.path.join(daemon.tree, "log", "qemu", name + ".console.log")
    define_from_text(uri, "define", domain_xml(kernel, initrd, disk_xml, name))
    pid = None
    try:
        virsh_ok(uri, "start", name)
        pid = qemu_pid(daemon.tree, name)
        return tg.wait_for(console, lambda r: r.done, BOOT_TIMEOUT)
    finally:
        run_virsh(uri, ["destroy", name])
        run_virsh(uri, ["undefine", name])
        if pid and pid_alive(pid):
            os.kill(pid, signal.SIGKILL)

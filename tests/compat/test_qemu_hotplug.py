"""Disk hotplug on a real guest under virtusd, driven by the real virsh: a virtio disk and a
SCSI disk plugged into the running guest appear in it with their contents and go again on
detach; a cdrom gets a medium and loses it; --config changes only the next boot's
definition; a loop device and a cdrom's medium present at boot are seen with their
contents; domblklist, domblkinfo and domblkstat report the disks; a reboot boots the
guest again in the same QEMU; and the errors are libvirt's."""
import os
import re
import subprocess
import time

import pytest

from compat_support import run_virsh
from qemu_guest_support import (BOOT_TIMEOUT, STATE_TIMEOUT, check_disks, console, domain_xml,  # noqa: F401
                                pid_alive, qemu_pid, setup, tg, virsh_ok, wait_until)

HOT_PATTERN = bytes(range(0x40, 0x50)) * 4096  # 64 KiB
SCSI_PATTERN = b"\x5a" * 16 * 4096
ISO_PATTERN = b"CDROM-MEDIUM-01!" * 4096

BOOT_ISO_PATTERN = b"CDROM-AT-BOOT-0!" * 4096
LOOP_PATTERN = b"\xc3\x3c" * 8 * 4096

EXTRA_DEVICES = """    <controller type='scsi' index='0' model='virtio-scsi'/>
    <disk type='file' device='cdrom'>
      <driver name='qemu' type='raw'/>
      <source file='%s'/>
      <target dev='sdb' bus='scsi'/>
      <readonly/>
    </disk>
    <disk type='block' device='disk'>
      <driver name='qemu' type='raw'/>
      <source dev='%s'/>
      <target dev='vdd' bus='virtio'/>
    </disk>
"""


@pytest.fixture
def loop_device(setup):
    """A loop device over a file holding LOOP_PATTERN, owned by the daemon user; given back to
    its owner and detached at the end whatever happens."""
    daemon = setup[0]
    image = make_file(daemon, "loop.img", LOOP_PATTERN, 1024 * 1024)
    dev = subprocess.run(["losetup", "--find", "--show", image], check=True,
                         capture_output=True, text=True, timeout=30).stdout.strip()
    before = os.stat(dev)
    try:
        st = os.stat(daemon.data)
        os.chown(dev, st.st_uid, st.st_gid)
        yield dev
    finally:
        # The node outlives the device (no udev here): give it back as it was.
        os.chown(dev, before.st_uid, before.st_gid)
        subprocess.run(["losetup", "-d", dev], timeout=30)


def make_file(daemon, name, pattern, size):
    """A raw image in the daemon's data dir owned by the daemon user: PATTERN then zeros."""
    path = os.path.join(daemon.data, name)
    with open(path, "wb") as f:
        f.write(pattern)
        f.truncate(size)
    st = os.stat(daemon.data)
    os.chown(path, st.st_uid, st.st_gid)
    return path


def blklist(uri):
    """domblklist as {target: source}."""
    out = virsh_ok(uri, "domblklist", "g1")
    rows = {}
    for line in out.splitlines()[2:]:
        parts = line.split()
        if len(parts) == 2:
            rows[parts[0]] = parts[1]
    return rows


def virsh_fails(uri, args, expect):
    rc, out, err = run_virsh(uri, args)
    assert rc != 0, "virsh %s succeeded: %s" % (" ".join(args), out)
    assert expect in err, err


def test_disk_hotplug_through_virsh(setup, loop_device):
    daemon, _, pids = setup
    uri = daemon.uri()
    kernel = os.path.join(daemon.data, "vmlinuz")
    initrd = os.path.join(daemon.data, "initrd.img")
    xml = os.path.join(daemon.data, "g1-hotplug.xml")
    boot_iso = make_file(daemon, "boot.iso", BOOT_ISO_PATTERN, 1024 * 1024)
    with open(xml, "w") as f:
        f.write(domain_xml(kernel, initrd, EXTRA_DEVICES % (boot_iso, loop_device)))
    hot = make_file(daemon, "hot.img", HOT_PATTERN, 2 * 1024 * 1024)
    scsi = make_file(daemon, "scsi.img", SCSI_PATTERN, 3 * 1024 * 1024)
    iso = make_file(daemon, "medium.iso", ISO_PATTERN, 1024 * 1024)

    virsh_ok(uri, "define", xml)
    virsh_ok(uri, "start", "g1")
    pid = qemu_pid(daemon.tree, "g1")
    assert pid and pid_alive(pid)
    pids.append(pid)
    report = tg.wait_for(console(daemon), lambda r: r.done, BOOT_TIMEOUT)
    check_disks(report)
    # At boot besides the pool's volumes: the loop device and the read-only cdrom.
    vdc = report.disk("vdc")
    assert vdc is not None and vdc.size == 1024 * 1024 and vdc.head == LOOP_PATTERN[:16], report
    sr0 = report.disk("sr0")
    assert sr0 is not None and sr0.readonly and sr0.head == BOOT_ISO_PATTERN[:16], report
    assert blklist(uri) == {"vda": "boot.qcow2", "vdb": "data.img", "sdb": boot_iso,
                            "vdd": loop_device}
    virsh_ok(uri, "change-media", "g1", "sdb", "--eject", "--live")

    # A virtio disk plugged in (vdc, the guest's fourth virtio disk: vdd there) with its
    # contents.
    virsh_ok(uri, "attach-disk", "g1", hot, "vdc", "--driver", "qemu", "--subdriver", "raw",
             "--live")
    report = tg.wait_for(console(daemon), lambda r: r.disk("vdd") is not None, BOOT_TIMEOUT)
    vdd = report.disk("vdd")
    assert vdd.size == 2 * 1024 * 1024 and vdd.head == HOT_PATTERN[:16], vdd
    assert blklist(uri)["vdc"] == hot
    live = virsh_ok(uri, "dumpxml", "g1")
    inactive = virsh_ok(uri, "dumpxml", "g1", "--inactive")
    assert "<target dev='vdc' bus='virtio'/>" in live, live
    assert "vdc" not in inactive, inactive

    # domblkinfo from the image, domblkstat from QEMU (the guest read vdc's first bytes).
    info = virsh_ok(uri, "domblkinfo", "g1", "vdc")
    assert re.search(r"Capacity:\s+2097152\b", info) and re.search(r"Physical:\s+2097152\b", info), info
    info = virsh_ok(uri, "domblkinfo", "g1", "vda")
    assert re.search(r"Capacity:\s+33554432\b", info), info
    stats = virsh_ok(uri, "domblkstat", "g1", "vdc")
    m = re.search(r"vdc rd_req (\d+)", stats)
    assert m and int(m.group(1)) > 0, stats

    # The same target again, and a bus that cannot be hotplugged: libvirt's errors.
    virsh_fails(uri, ["attach-disk", "g1", hot, "vdc", "--subdriver", "raw", "--live"],
                "target vdc already exists")
    virsh_fails(uri, ["attach-disk", "g1", hot, "hdc", "--subdriver", "raw", "--live"],
                "disk bus 'ide' cannot be hotplugged")

    # A SCSI disk on the domain's virtio-scsi controller (sdc: target 0, LUN 2; the guest's
    # kernel skips the target scan that a LUN 0 hotplug asks for, tests/guest/README.md):
    # the guest's first sd disk.
    virsh_ok(uri, "attach-disk", "g1", scsi, "sdc", "--targetbus", "scsi", "--subdriver", "raw",
             "--live")
    report = tg.wait_for(console(daemon), lambda r: r.disk("sda") is not None, BOOT_TIMEOUT)
    sda = report.disk("sda")
    assert sda.size == 3 * 1024 * 1024 and sda.head == SCSI_PATTERN[:16], sda

    # A medium in the empty cdrom, then out again.
    assert blklist(uri)["sdb"] == "-"
    virsh_ok(uri, "change-media", "g1", "sdb", iso, "--insert", "--live")
    assert blklist(uri)["sdb"] == iso
    info = virsh_ok(uri, "domblkinfo", "g1", "sdb")
    assert re.search(r"Capacity:\s+1048576\b", info), info
    virsh_ok(uri, "change-media", "g1", "sdb", "--eject", "--live")
    assert blklist(uri)["sdb"] == "-"

    # Unplugged: the guest loses vdd and sda, virtusd forgets vdc and sdc.
    virsh_ok(uri, "detach-disk", "g1", "vdc", "--live")
    virsh_ok(uri, "detach-disk", "g1", "sdc", "--live")
    tg.wait_for(console(daemon), lambda r: "vdd" in r.gone and "sda" in r.gone, BOOT_TIMEOUT)
    wait_until(lambda: "vdc" not in blklist(uri) and "sdc" not in blklist(uri), STATE_TIMEOUT,
               "the disks to leave the live definition")
    virsh_fails(uri, ["detach-disk", "g1", "vdc", "--live"], "vdc")

    # --config: the next boot's definition only.
    virsh_ok(uri, "attach-disk", "g1", hot, "vde", "--subdriver", "raw", "--config")
    assert "vde" in virsh_ok(uri, "dumpxml", "g1", "--inactive")
    assert "vde" not in virsh_ok(uri, "dumpxml", "g1")
    virsh_ok(uri, "detach-disk", "g1", "vde", "--config")
    assert "vde" not in virsh_ok(uri, "dumpxml", "g1", "--inactive")

    # The runtime state follows the live definition: what a restarted daemon would read.
    with open(os.path.join(daemon.tree, "run", "qemu", "g1.xml")) as f:
        state = f.read()
    assert "hot.img" not in state and "scsi.img" not in state, state

    # A reboot: the ACPI button, and the guest's poweroff becomes a reset of the same QEMU;
    # the guest boots again (a press may be lost while the machine is loaded: pressed again).
    def boots():
        with open(console(daemon), "rb") as f:
            return f.read().count(b"VIRTUS-DONE")
    deadline = time.monotonic() + BOOT_TIMEOUT
    while boots() < 2:
        assert time.monotonic() < deadline, "the guest did not boot again"
        virsh_ok(uri, "reboot", "g1")
        pressed = time.monotonic()
        while boots() < 2 and time.monotonic() - pressed < 5:
            time.sleep(0.1)
    assert qemu_pid(daemon.tree, "g1") == pid
    assert virsh_ok(uri, "domstate", "g1").strip() == "running"

    virsh_ok(uri, "destroy", "g1")
    wait_until(lambda: not pid_alive(pid), STATE_TIMEOUT, "QEMU to exit")
    virsh_fails(uri, ["attach-disk", "g1", hot, "vdc", "--subdriver", "raw", "--live"],
                "domain is not running")
    # virsh removes the pool volumes of the definition's disks itself (through the storage
    # API); the cdrom has no source and is left alone.
    out = virsh_ok(uri, "undefine", "g1", "--remove-all-storage")
    assert "Volume 'vda'(boot.qcow2) removed." in out, out
    assert "Volume 'vdb'(data.img) removed." in out, out
    volumes = virsh_ok(uri, "vol-list", "images")
    assert "boot.qcow2" not in volumes and "data.img" not in volumes, volumes

"""The tests' real guest (tests/guest): built from Debian's cloud kernel and busybox, it boots
under QEMU with TCG (no KVM needed), reports the disks it sees with their sizes and first
bytes on its serial console, and powers off by itself; kept running, it reports hotplugged
disks and powers off on the ACPI power button."""
import os
import subprocess
import sys
import time

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "guest"))
import guest as tg  # noqa: E402

BOOT_TIMEOUT = 60  # seconds; a boot takes about 4-6 s under TCG here


@pytest.fixture(scope="session")
def built_guest():
    tg.require_tools()
    return tg.build()


def pattern_file(path, size, pattern):
    """A raw file of SIZE bytes filled with PATTERN repeated."""
    with open(path, "wb") as f:
        f.write((pattern * (size // len(pattern) + 1))[:size])


def qcow2_with_header_bytes(path, size_mb, byte):
    subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", str(path), f"{size_mb}M"],
                   check=True)
    subprocess.run(["qemu-io", "-f", "qcow2", "-c", f"write -P {byte:#x} 0 512", str(path)],
                   check=True, capture_output=True)
    info = subprocess.run(["qemu-img", "info", "--output=json", str(path)], check=True,
                          capture_output=True, text=True).stdout
    assert '"format": "qcow2"' in info


def file_drive(node, path, fmt, read_only=False):
    # Explicit format drivers: QEMU never probes a format here.
    return [
        {"driver": "file", "filename": str(path), "node-name": f"{node}-file",
         "read-only": read_only},
        {"driver": fmt, "file": f"{node}-file", "node-name": node, "read-only": read_only},
    ]


def test_guest_boots_under_tcg_and_reports_its_disks(built_guest, tmp_path):
    raw_pattern = bytes(range(16))
    pattern_file(tmp_path / "disk.raw", 1024 * 1024, raw_pattern)
    qcow2_with_header_bytes(tmp_path / "disk.qcow2", 64, 0xAB)
    iso_pattern = b"CD001-virtus-iso"
    pattern_file(tmp_path / "cd.iso", 2048 * 64, iso_pattern)
    ide_pattern = b"ide-cdrom-bytes!"
    pattern_file(tmp_path / "ide.iso", 2048 * 32, ide_pattern)
    scsi_pattern = b"scsi-disk-bytes!"
    pattern_file(tmp_path / "scsi.raw", 2 * 1024 * 1024, scsi_pattern)

    drives = (file_drive("raw", tmp_path / "disk.raw", "raw")
              + file_drive("q", tmp_path / "disk.qcow2", "qcow2", read_only=True)
              + file_drive("cd", tmp_path / "cd.iso", "raw", read_only=True)
              + file_drive("ide", tmp_path / "ide.iso", "raw", read_only=True)
              + file_drive("sd", tmp_path / "scsi.raw", "raw"))
    devices = ["virtio-blk-pci,drive=raw,serial=virtus-raw",
               "virtio-blk-pci,drive=q",
               "virtio-scsi-pci,id=scsi0",
               "scsi-cd,drive=cd,bus=scsi0.0",
               "scsi-hd,drive=sd,bus=scsi0.0,scsi-id=1",
               "ide-cd,drive=ide,bus=ide.1"]
    log = tmp_path / "serial.log"
    argv = tg.qemu_argv(built_guest, log, drives, devices, cmdline="virtus.disks=5",
                        machine="pc")

    start = time.monotonic()
    p = subprocess.run(argv, capture_output=True, text=True, timeout=BOOT_TIMEOUT)
    elapsed = time.monotonic() - start
    console = log.read_text(errors="replace")
    print(f"boot to power-off: {elapsed:.2f} s")
    assert p.returncode == 0, (p.stderr, console)
    r = tg.parse(console)

    # It powered off by itself, after reporting everything, without a panic.
    assert r.done and r.poweroff == "done" and not r.panic, console
    assert r.errors == [], console

    names = sorted(d.name for d in r.disks)
    assert names == ["sda", "sr0", "sr1", "vda", "vdb"], console

    vda = r.disk("vda")
    assert (vda.size, vda.readonly, vda.head, vda.serial) == (
        1024 * 1024, False, raw_pattern, "virtus-raw")

    vdb = r.disk("vdb")  # the qcow2's virtual size and guest-visible bytes, not its file's
    assert (vdb.size, vdb.readonly, vdb.head) == (64 * 1024 * 1024, True, b"\xab" * 16)

    sda = r.disk("sda")  # a SCSI disk on virtio-scsi
    assert (sda.size, sda.readonly, sda.head) == (2 * 1024 * 1024, False, scsi_pattern)

    cds = {d.head: d for d in r.disks if d.name.startswith("sr")}
    assert set(cds) == {iso_pattern, ide_pattern}, console
    assert cds[iso_pattern].size == 2048 * 64 and cds[iso_pattern].readonly
    assert cds[ide_pattern].size == 2048 * 32 and cds[ide_pattern].readonly


def test_guest_without_disks_powers_off(built_guest, tmp_path):
    log = tmp_path / "serial.log"
    p = subprocess.run(tg.qemu_argv(built_guest, log), capture_output=True, text=True,
                       timeout=BOOT_TIMEOUT)
    assert p.returncode == 0, p.stderr
    r = tg.parse(log.read_bytes())
    assert r.done and r.poweroff == "done" and r.disks == [] and not r.panic, r


def test_waiting_guest_sees_hotplug_and_unplug_and_obeys_the_power_button(
        built_guest, tmp_path):
    pattern_file(tmp_path / "hot.raw", 512 * 1024, b"hotplugged-disk!")
    pattern_file(tmp_path / "hot-scsi.raw", 1024 * 1024, b"hotplugged-scsi!")
    log = tmp_path / "serial.log"
    qmp_path = tmp_path / "qmp.sock"
    argv = tg.qemu_argv(built_guest, log, cmdline="virtus.wait=120", qmp=qmp_path,
                        devices=["virtio-scsi-pci,id=scsi0"], machine="pc")
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    qmp = None
    try:
        qmp = tg.Qmp(str(qmp_path))
        tg.wait_for(log, lambda r: r.done, BOOT_TIMEOUT, proc)

        for node in file_drive("hot", tmp_path / "hot.raw", "raw"):
            qmp.command("blockdev-add", **node)
        qmp.command("device_add", driver="virtio-blk-pci", drive="hot", id="hotdisk")
        r = tg.wait_for(log, lambda r: r.disk("vda") is not None, 30, proc)
        assert (r.disk("vda").size, r.disk("vda").head) == (512 * 1024, b"hotplugged-disk!")

        for node in file_drive("hotsd", tmp_path / "hot-scsi.raw", "raw"):
            qmp.command("blockdev-add", **node)
        qmp.command("device_add", driver="scsi-hd", drive="hotsd", id="hotscsi",
                    bus="scsi0.0", lun=2)
        r = tg.wait_for(log, lambda r: r.disk("sda") is not None, 30, proc)
        assert (r.disk("sda").size, r.disk("sda").head) == (1024 * 1024, b"hotplugged-scsi!")

        qmp.command("device_del", id="hotdisk")
        tg.wait_for(log, lambda r: "vda" in r.gone, 30, proc)

        qmp.command("system_powerdown")
        proc.wait(timeout=30)
        assert proc.returncode == 0, proc.stderr.read()
        r = tg.read_report(log)
        assert r.poweroff == "button" and not r.panic, r
    finally:
        if qmp:
            qmp.close()
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)

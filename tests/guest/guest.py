"""The tests' real guest: building it (scripts/build-test-guest.sh into a cache directory),
reading what it reports on its serial console, and booting it under QEMU directly.

The cache directory is $VIRTUS_GUEST_DIR, else `test-guest` in the build tree (the parent
of the directory of $VIRTUS_BIN, which CMake sets for the integration tests), else
`test-guest` in the current directory. tests/guest/README.md describes the lines parsed here.
"""
import json
import os
import re
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass, field

SOURCE_DIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD_SCRIPT = os.path.join(SOURCE_DIR, "scripts", "build-test-guest.sh")
QEMU = "qemu-system-x86_64"
# The kernel command line the guest needs: its console on the first serial port, no kernel
# chatter between our lines, and a panic that ends QEMU at once (with -no-reboot).
BASE_CMDLINE = "console=ttyS0 quiet panic=-1"


def guest_dir():
    if os.environ.get("VIRTUS_GUEST_DIR"):
        return os.environ["VIRTUS_GUEST_DIR"]
    bin_path = os.environ.get("VIRTUS_BIN", "")
    if bin_path:
        return os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(bin_path))),
                            "test-guest")
    return os.path.join(os.getcwd(), "test-guest")


@dataclass
class Guest:
    kernel: str
    initrd: str


def build(outdir=None, timeout=600):
    """Builds (or reuses) the guest; fails with the script's own message when it cannot."""
    outdir = outdir or guest_dir()
    p = subprocess.run(["bash", BUILD_SCRIPT, outdir], capture_output=True, text=True,
                       timeout=timeout)
    assert p.returncode == 0, f"building the test guest failed:\n{p.stdout}{p.stderr}"
    g = Guest(os.path.join(outdir, "vmlinuz"), os.path.join(outdir, "initrd.img"))
    assert os.path.isfile(g.kernel) and os.path.isfile(g.initrd), g
    return g


@dataclass
class Disk:
    name: str
    size: int
    readonly: bool
    head: bytes  # the first 16 bytes (fewer or none when the device could not be read)
    serial: str  # "" when the device has none


@dataclass
class Report:
    disks: list = field(default_factory=list)  # Disk, in the order reported
    gone: list = field(default_factory=list)  # names of disks that disappeared
    errors: list = field(default_factory=list)  # the VIRTUS-ERROR lines' fields (dicts)
    done: bool = False  # VIRTUS-DONE seen: the disks present at boot are all reported
    poweroff: str = ""  # the reason of VIRTUS-POWEROFF: done, timeout, button
    panic: bool = False  # the kernel panicked

    def disk(self, name):
        """The last report of disk NAME, or None."""
        found = [d for d in self.disks if d.name == name]
        return found[-1] if found else None


_RECORD = re.compile(r"VIRTUS-([A-Z]+)((?: [a-z]+=\S*)*)\s*$")


def _fields(text):
    return dict(item.split("=", 1) for item in text.split())


def parse(text):
    """Reads the guest's console output (any bytes/str; kernel lines are ignored)."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    report = Report()
    for line in text.splitlines():
        if "Kernel panic" in line:
            report.panic = True
        m = _RECORD.search(line.rstrip("\r"))
        if not m:
            continue
        kind, f = m.group(1), _fields(m.group(2))
        if kind == "DISK":
            head = f.get("head", "-")
            report.disks.append(Disk(
                name=f["name"], size=int(f["size"]), readonly=f.get("ro") == "1",
                head=b"" if head == "-" else bytes.fromhex(head),
                serial="" if f.get("serial", "-") == "-" else f["serial"]))
        elif kind == "GONE":
            report.gone.append(f["name"])
        elif kind == "ERROR":
            report.errors.append(f)
        elif kind == "DONE":
            report.done = True
        elif kind == "POWEROFF":
            report.poweroff = f.get("reason", "")
    return report


def read_report(path):
    with open(path, "rb") as f:
        return parse(f.read())


def wait_for(path, predicate, timeout, proc=None):
    """Polls the console log PATH until predicate(Report) holds; returns that report.
    Fails after TIMEOUT seconds, or as soon as PROC (the QEMU process) has exited."""
    deadline = time.monotonic() + timeout
    while True:
        report = read_report(path) if os.path.exists(path) else Report()
        if predicate(report):
            return report
        if proc is not None and proc.poll() is not None:
            report = read_report(path) if os.path.exists(path) else Report()
            assert predicate(report), f"QEMU exited ({proc.returncode}) first: {report}"
            return report
        assert time.monotonic() < deadline, f"timed out after {timeout} s: {report}"
        time.sleep(0.05)


def qemu_argv(guest, serial_log, drives=(), devices=(), cmdline="", qmp=None,
              machine=None, memory_mb=256):
    """A QEMU command line booting GUEST under TCG. DRIVES are -blockdev specs (strings or
    dicts given as JSON), DEVICES -device specs; CMDLINE is appended to the kernel's."""
    argv = [QEMU, "-accel", "tcg", "-m", str(memory_mb), "-nodefaults", "-display", "none",
            "-no-reboot", "-serial", f"file:{serial_log}", "-kernel", guest.kernel,
            "-initrd", guest.initrd, "-append", f"{BASE_CMDLINE} {cmdline}".strip()]
    if machine:
        argv += ["-machine", machine]
    if qmp:
        argv += ["-qmp", f"unix:{qmp},server=on,wait=off"]
    for d in drives:
        argv += ["-blockdev", d if isinstance(d, str) else json.dumps(d)]
    for d in devices:
        argv += ["-device", d]
    return argv


def require_tools():
    """Fails (not skips) when QEMU is missing: `make check` installs it."""
    for tool in (QEMU, "qemu-img", "qemu-io"):
        assert shutil.which(tool), f"'{tool}' is missing (scripts/install-deps.sh installs it)"


class Qmp:
    """A minimal QMP client: enough to send commands to a guest under test."""

    def __init__(self, path, timeout=30):
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                self.sock.settimeout(timeout)
                self.sock.connect(path)
                break
            except (FileNotFoundError, ConnectionRefusedError):
                self.sock.close()
                assert time.monotonic() < deadline, f"no QMP socket at '{path}'"
                time.sleep(0.05)
        self.buf = b""
        self.events = []
        assert "QMP" in self._read()
        self.command("qmp_capabilities")

    def _read(self):
        while b"\n" not in self.buf:
            chunk = self.sock.recv(65536)
            assert chunk, "QMP connection closed"
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return json.loads(line)

    def command(self, name, **args):
        msg = {"execute": name}
        if args:
            msg["arguments"] = args
        self.sock.sendall(json.dumps(msg).encode() + b"\n")
        while True:
            reply = self._read()
            if "event" in reply:
                self.events.append(reply)
                continue
            assert "error" not in reply, (name, args, reply)
            return reply["return"]

    def close(self):
        self.sock.close()

"""Real block devices for the compat tests of the local pools (fs, disk): loop devices over
sparse image files, and the mounts a test leaves, all undone when the test ends, even when it
fails."""
import contextlib
import itertools
import os
import subprocess

import pytest

from compat_support import Virtusd, require_virtusd

MIB = 1024 * 1024
TOOL_TIMEOUT = 60
_images = itertools.count()


def tool(*argv):
    """Runs a host tool (losetup, blkid...) and returns its stdout; fails the test on error."""
    p = subprocess.run(list(argv), capture_output=True, text=True, timeout=TOOL_TIMEOUT)
    assert p.returncode == 0, "%s: %s%s" % (" ".join(argv), p.stdout, p.stderr)
    return p.stdout


def require_root():
    """Loop devices, mounts and partition tables need root: skipped otherwise, failed under
    VIRTUS_REQUIRE_SERVICES (make check)."""
    if os.getuid() == 0 and os.path.exists("/dev/loop-control"):
        return
    message = "loop devices need root and /dev/loop-control"
    if os.environ.get("VIRTUS_REQUIRE_SERVICES", "0") not in ("", "0"):
        pytest.fail(message)
    pytest.skip(message)


@contextlib.contextmanager
def loop_device(directory, size, partscan=False):
    """A loop device over a new sparse image of SIZE bytes in DIRECTORY; its partitions are
    dropped (partx -d) and it is detached at the end."""
    image = os.path.join(directory, "loop-%d-%d.img" % (os.getpid(), next(_images)))
    with open(image, "wb") as f:
        f.truncate(size)
    argv = ["losetup", "-f", "--show"] + (["-P"] if partscan else []) + [image]
    device = tool(*argv).strip()
    try:
        yield device
    finally:
        subprocess.run(["partx", "-d", device], capture_output=True, timeout=TOOL_TIMEOUT)
        subprocess.run(["losetup", "-d", device], capture_output=True, timeout=TOOL_TIMEOUT)
        os.unlink(image)


def mounts_under(directory):
    """(source, mount point) of what is mounted at or under DIRECTORY, deepest first."""
    found = []
    with open("/proc/self/mounts") as f:
        for line in f:
            source, target = line.split()[:2]
            if target == directory or target.startswith(directory.rstrip("/") + "/"):
                found.insert(0, (source, target))
    return found


def unmount_under(directory):
    for _, target in mounts_under(directory):
        subprocess.run(["umount", "-l", target], capture_output=True, timeout=TOOL_TIMEOUT)


@pytest.fixture
def root_virtusd(tmp_path):
    """(virtusd running as root, a work directory for images); at the end whatever the pools
    mounted is unmounted before the daemon's directories go."""
    require_root()
    require_virtusd()
    daemon = Virtusd(as_root=True)
    try:
        yield daemon, str(tmp_path)
    finally:
        unmount_under(daemon.data)
        daemon.stop()


def blkid_value(device, key):
    """blkid's low-level probe of DEVICE: the value of KEY (TYPE, PTTYPE), or ''."""
    p = subprocess.run(["blkid", "-p", "-o", "export", device], capture_output=True, text=True,
                       timeout=TOOL_TIMEOUT)
    for line in p.stdout.splitlines():
        if line.startswith(key + "="):
            return line.split("=", 1)[1]
    return ""

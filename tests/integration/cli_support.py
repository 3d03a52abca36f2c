"""What the end-to-end tests share: the `virtus` binary under test (env VIRTUS_BIN), a way
to run it on a root directory, and qemu-img's view of an image."""
import json
import os
import subprocess

BIN = os.environ.get("VIRTUS_BIN", "")
FIXTURES = os.environ.get("VIRTUS_FIXTURES_DIR", "")


def require_bin():
    # Fail (not skip) when the binary is missing: these tests are the product's acceptance.
    assert BIN and os.access(BIN, os.X_OK), "VIRTUS_BIN must name the built virtus binary"


def virtus(root, *args, env=None, check=False, timeout=300):
    """Runs `virtus [--root ROOT] ARGS`; with check=True, requires exit status 0."""
    cmd = [BIN] + (["--root", str(root)] if root else []) + [str(a) for a in args]
    p = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=timeout)
    if check:
        assert p.returncode == 0, (cmd, p.stdout, p.stderr)
    return p


def qemu_img_info(path):
    out = subprocess.run(["qemu-img", "info", "--output=json", str(path)],
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out)

"""A file a refresh cannot read is reported with its error, not dropped silently and not
fatal to the pool (libvirt 9.0 fails the whole refresh and stops the pool instead)."""
import json
import subprocess

import pytest

from cli_support import require_bin, virtus


@pytest.fixture
def pool(tmp_path):
    require_bin()
    root = tmp_path / "root"
    target = tmp_path / "images"
    target.mkdir()
    subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", str(target / "good.qcow2"), "1G"],
                   check=True)
    bad = target / "bad.qcow2"
    subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", str(bad), "1G"], check=True)
    with open(bad, "r+b") as f:  # cluster_bits (offset 20) out of range
        f.seek(20)
        f.write((99).to_bytes(4, "big"))
    p = virtus(root, "pool-define-as", "p", "dir", "--target", target)
    assert p.returncode == 0, p.stderr
    return root, bad


def test_start_and_refresh_warn_and_keep_the_pool(pool):
    root, bad = pool
    p = virtus(root, "pool-start", "p")
    assert p.returncode == 0, p.stderr
    assert p.stdout == "Pool p started\n\n"
    assert f"warning: cannot read volume file '{bad}'" in p.stderr
    p = virtus(root, "pool-refresh", "p")
    assert p.returncode == 0
    assert p.stderr.count("warning: cannot read volume file") == 1
    names = [v["name"] for v in json.loads(virtus(root, "vol-list", "p", "--json").stdout)]
    assert names == ["good.qcow2"]
    info = json.loads(virtus(root, "pool-info", "p", "--json").stdout)
    assert info["state"] == "running"
    assert [u["path"] for u in info["unreadable"]] == [str(bad)]
    assert info["unreadable"][0]["error"]
    text = virtus(root, "pool-info", "p").stdout
    assert f"Unreadable:     {bad}: " in text


def test_a_repaired_file_is_listed_again(pool):
    root, bad = pool
    assert virtus(root, "pool-start", "p").returncode == 0
    subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", str(bad), "2G"], check=True)
    p = virtus(root, "pool-refresh", "p")
    assert p.returncode == 0 and "warning" not in p.stderr
    names = sorted(v["name"] for v in json.loads(virtus(root, "vol-list", "p", "--json").stdout))
    assert names == ["bad.qcow2", "good.qcow2"]
    assert json.loads(virtus(root, "pool-info", "p", "--json").stdout)["unreadable"] == []

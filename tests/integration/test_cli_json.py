"""`--json` views of volumes: what virsh's tables cannot show (format, backing store) comes
from the volume's XML; the facts are checked against qemu-img, not against virtus itself."""
import json

import pytest

from cli_support import qemu_img_info, require_bin, virtus as run


def virtus(root, *args):
    return run(root, *args, check=True).stdout


@pytest.fixture
def pool(tmp_path):
    require_bin()
    root = tmp_path / "root"
    target = tmp_path / "images"
    virtus(root, "pool-create-as", "p", "dir", "--target", target, "--build")
    return root, target


def test_vol_list_json_has_formats_sizes_and_backing(pool):
    root, target = pool
    virtus(root, "vol-create-as", "p", "base.qcow2", "1G", "--format", "qcow2")
    virtus(root, "vol-create-as", "p", "disk.raw", "64M", "--allocation", "0")
    virtus(root, "vol-create-as", "p", "top.qcow2", "2G", "--format", "qcow2",
           "--backing-vol", "base.qcow2", "--backing-vol-format", "qcow2")
    vols = {v["name"]: v for v in json.loads(virtus(root, "vol-list", "p", "--json"))}
    assert sorted(vols) == ["base.qcow2", "disk.raw", "top.qcow2"]
    for name, vol in vols.items():
        info = qemu_img_info(target / name)
        assert vol["format"] == info["format"], name
        assert vol["capacity"] == info["virtual-size"], name
        assert vol["path"] == str(target / name)
        assert vol["pool"] == "p"
        assert vol["type"] == "file"
    assert vols["top.qcow2"]["backingStore"] == str(target / "base.qcow2")
    assert qemu_img_info(target / "top.qcow2")["backing-filename"] == str(target / "base.qcow2")
    assert vols["base.qcow2"]["backingStore"] is None
    assert vols["disk.raw"]["allocation"] < 64 << 20  # sparse


def test_vol_info_json_matches_the_table(pool):
    root, target = pool
    virtus(root, "vol-create-as", "p", "v.qcow2", "3G", "--format", "qcow2")
    info = json.loads(virtus(root, "vol-info", "v.qcow2", "--pool", "p", "--json"))
    assert info["format"] == "qcow2"
    assert info["capacity"] == 3 << 30
    table = virtus(root, "vol-info", "v.qcow2", "--pool", "p", "--bytes")
    assert f"Capacity:       {3 << 30} bytes" in table
    assert f"Allocation:     {info['allocation']} bytes" in table

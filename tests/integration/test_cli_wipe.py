"""vol-wipe for real: zero keeps holes, the pattern algorithms run the real scrub(1) as
libvirt does, and the data is gone afterwards."""
import os

import pytest

from cli_support import require_bin, virtus


@pytest.fixture
def pool(tmp_path):
    require_bin()
    root = tmp_path / "root"
    target = tmp_path / "images"
    p = virtus(root, "pool-create-as", "p", "dir", "--target", target, "--build")
    assert p.returncode == 0, p.stderr
    return root, target


def fill(path, byte, size):
    with open(path, "r+b") as f:
        f.write(bytes([byte]) * size)


@pytest.mark.parametrize("algorithm", ["zero", "nnsa", "random"])
def test_wipe_destroys_the_data(pool, algorithm):
    root, target = pool
    size = 1 << 20
    assert virtus(root, "vol-create-as", "p", "v.raw", str(size)).returncode == 0
    path = target / "v.raw"
    fill(path, 0xA5, size)
    p = virtus(root, "vol-wipe", "v.raw", "--pool", "p", "--algorithm", algorithm)
    assert p.returncode == 0, p.stderr
    assert p.stdout == "Vol v.raw wiped\n\n"
    data = path.read_bytes()
    assert len(data) == size
    assert data.count(0xA5) < size // 100, "the old pattern survived the wipe"
    if algorithm == "zero":
        assert data == bytes(size)


def test_wipe_zero_keeps_a_sparse_volume_sparse(pool):
    root, target = pool
    assert virtus(root, "vol-create-as", "p", "s.raw", "64M", "--allocation", "0").returncode == 0
    path = target / "s.raw"
    with open(path, "r+b") as f:
        f.seek(32 << 20)
        f.write(b"\x5a" * 4096)
    assert virtus(root, "vol-wipe", "s.raw", "--pool", "p").returncode == 0
    assert os.stat(path).st_blocks * 512 < 1 << 20
    with open(path, "rb") as f:
        f.seek(32 << 20)
        assert f.read(4096) == bytes(4096)


def test_unknown_algorithm_is_refused(pool):
    root, _ = pool
    assert virtus(root, "vol-create-as", "p", "v.raw", "1M").returncode == 0
    p = virtus(root, "vol-wipe", "v.raw", "--pool", "p", "--algorithm", "bogus")
    assert p.returncode == 1
    assert "bogus" in p.stderr

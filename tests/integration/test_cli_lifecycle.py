"""End-to-end tests of the `virtus` CLI: the real binary (env VIRTUS_BIN) on temporary roots,
images checked with qemu-img. Layout expectations come from virsh 9.0's output
(`virsh -c test:///default`), not from virtus' own output."""
import json
import os
import subprocess
import tempfile

import pytest

from cli_support import BIN, FIXTURES, qemu_img_info, virtus


@pytest.fixture
def root(tmp_path):
    # The manager is required: fail (not skip) when the binary cannot open a root.
    assert BIN and os.access(BIN, os.X_OK), "VIRTUS_BIN must name the built virtus binary"
    r = tmp_path / "root"
    r.mkdir()
    p = virtus(r, "pool-list", "--all")
    assert p.returncode == 0, "storage manager unavailable: " + p.stderr
    return r


def make_pool(root, name="p", target=None):
    target = target or (root / ("pool-" + name))
    virtus(root, "pool-define-as", name, "dir", "--target", target, check=True)
    virtus(root, "pool-build", name, check=True)
    virtus(root, "pool-start", name, check=True)
    return target


def test_full_lifecycle(root):
    target = root / "images"
    p = virtus(root, "pool-define-as", "demo", "dir", "--target", target)
    assert (p.returncode, p.stdout) == (0, "Pool demo defined\n\n")
    assert virtus(root, "pool-build", "demo").stdout == "Pool demo built\n\n"
    assert target.is_dir()
    assert virtus(root, "pool-start", "demo").stdout == "Pool demo started\n\n"
    assert virtus(root, "vol-create-as", "demo", "a.raw", "1G").stdout == "Vol a.raw created\n\n"
    virtus(root, "vol-create-as", "demo", "b.qcow2", "2G", "--format", "qcow2", check=True)
    p = virtus(root, "vol-clone", "b.qcow2", "c.qcow2", "--pool", "demo", check=True)
    assert p.stdout == "Vol c.qcow2 cloned from b.qcow2\n\n"

    assert qemu_img_info(target / "a.raw")["format"] == "raw"
    assert qemu_img_info(target / "a.raw")["virtual-size"] == 1 << 30
    for name in ("b.qcow2", "c.qcow2"):
        info = qemu_img_info(target / name)
        assert info["format"] == "qcow2" and info["virtual-size"] == 2 << 30
        subprocess.run(["qemu-img", "check", str(target / name)], check=True,
                       capture_output=True)

    # virsh's vol-list layout: header, rule two longer than the header line, rows.
    lines = virtus(root, "vol-list", "demo", check=True).stdout.split("\n")
    w = max(len(str(target / n)) for n in ("a.raw", "b.qcow2", "c.qcow2"))
    assert lines[0] == " Name      Path"
    assert lines[1] == "-" * (1 + 7 + 3 + w + 2)
    assert lines[2] == " a.raw     " + str(target / "a.raw")
    assert lines[5:] == ["", ""]

    info = virtus(root, "vol-info", "a.raw", "--pool", "demo", "--bytes", check=True).stdout
    assert info.startswith("Name:           a.raw\nType:           file\n"
                           "Capacity:       1073741824 bytes\nAllocation:     ")
    pinfo = virtus(root, "pool-info", "demo", check=True).stdout.split("\n")
    assert pinfo[0] == "Name:           demo"
    assert pinfo[2:5] == ["State:          running", "Persistent:     yes",
                          "Autostart:      no"]
    assert pinfo[5].startswith("Capacity:       ")

    path = str(target / "a.raw")
    assert virtus(root, "vol-path", "a.raw", "--pool", "demo").stdout == path + "\n\n"
    assert virtus(root, "vol-name", path).stdout == "a.raw\n\n"
    assert virtus(root, "vol-pool", path).stdout == "demo\n\n"

    for name in ("c.qcow2", "b.qcow2", "a.raw"):
        assert virtus(root, "vol-delete", name, "--pool", "demo").stdout == \
            "Vol %s deleted\n\n" % name
        assert not (target / name).exists()
    assert virtus(root, "pool-destroy", "demo").stdout == "Pool demo destroyed\n\n"
    assert virtus(root, "pool-delete", "demo").stdout == "Pool demo deleted\n\n"
    assert not target.exists()
    assert virtus(root, "pool-undefine", "demo").stdout == "Pool demo has been undefined\n\n"
    assert virtus(root, "pool-list", "--all", "--name").stdout == "\n"


def test_persistence_across_processes(root):
    virtus(root, "pool-define-as", "p", "dir", "--target", root / "t", check=True)
    out = virtus(root, "pool-list", "--all").stdout
    assert out == (" Name   State      Autostart\n"
                   "------------------------------\n"
                   " p      inactive   no\n\n")
    virtus(root, "pool-build", "p", check=True)
    virtus(root, "pool-start", "p", check=True)
    virtus(root, "pool-autostart", "p", check=True)
    data = json.loads(virtus(root, "pool-info", "p", "--json", check=True).stdout)
    assert data["state"] == "running" and data["active"] and data["autostart"]
    assert data["type"] == "dir" and data["capacity"] > 0
    listed = json.loads(virtus(root, "pool-list", "--json").stdout)
    assert [x["name"] for x in listed] == ["p"]


def test_lookup_errors_match_virsh(root):
    p = virtus(root, "pool-info", "nosuch")
    assert p.returncode == 1
    assert p.stderr == ("error: failed to get pool 'nosuch'\n"
                        "error: Storage pool not found: no storage pool with matching name "
                        "'nosuch'\n")
    p = virtus(root, "vol-info", "nosuch")
    assert p.returncode == 1
    assert p.stderr.startswith("error: failed to get vol 'nosuch', specifying --pool might help\n")


def test_name_collision_and_bad_size_leave_nothing(root):
    target = make_pool(root)
    virtus(root, "vol-create-as", "p", "v", "1M", check=True)
    p = virtus(root, "vol-create-as", "p", "v", "2M")
    assert p.returncode == 1 and p.stderr.startswith("error: Failed to create vol v\n")
    assert os.path.getsize(target / "v") == 1 << 20
    p = virtus(root, "vol-create-as", "p", "w", "10X")
    assert p.returncode == 1
    assert p.stderr == "error: Malformed size 10X\nerror: invalid argument: unknown suffix 'X'\n"
    assert not (target / "w").exists()
    p = virtus(root, "pool-define-as", "p", "dir", "--target", root / "other")
    assert p.returncode == 1 and p.stderr.startswith("error: Failed to define pool p\n")


def test_malformed_xml_and_unknown_type(root, tmp_path):
    bad = tmp_path / "bad.xml"
    bad.write_text("<pool type='dir'><name>x</name>")
    p = virtus(root, "pool-define", bad)
    assert p.returncode == 1
    assert p.stderr.startswith("error: Failed to define pool from %s\n" % bad)
    p = virtus(root, "pool-define-as", "q", "nosuchtype", "--target", tmp_path / "q")
    assert p.returncode == 1
    assert virtus(root, "pool-list", "--all", "--name").stdout == "\n"


def test_upload_download_sparse(root, tmp_path):
    make_pool(root)
    virtus(root, "vol-create-as", "p", "v", "8M", "--allocation", "0", check=True)
    src = tmp_path / "src"
    with open(src, "wb") as f:
        f.write(b"A" * 65536)
        f.seek(4 << 20)
        f.write(b"B" * 65536)
        f.truncate(8 << 20)
    virtus(root, "vol-upload", "v", src, "--pool", "p", "--sparse", check=True)
    dst = tmp_path / "dst"
    virtus(root, "vol-download", "v", dst, "--pool", "p", "--sparse", check=True)
    assert dst.read_bytes() == src.read_bytes()
    assert os.stat(dst).st_blocks * 512 < 4 << 20


def test_disk_full_leaves_no_file(root):
    if os.geteuid() != 0:
        pytest.skip("needs root to mount tmpfs")
    mnt = tempfile.mkdtemp()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2M", "tmpfs", mnt]).returncode:
        pytest.skip("cannot mount tmpfs")
    try:
        virtus(root, "pool-define-as", "small", "dir", "--target", mnt, check=True)
        virtus(root, "pool-start", "small", check=True)
        p = virtus(root, "vol-create-as", "small", "big", "8M", "--allocation", "8M")
        assert p.returncode == 1
        assert not os.path.exists(os.path.join(mnt, "big"))
        assert virtus(root, "vol-list", "small", check=True).stdout == \
            " Name   Path\n--------------\n\n"
    finally:
        subprocess.run(["umount", mnt])
        os.rmdir(mnt)


def test_readonly_directory_fails_cleanly(root):
    if os.geteuid() != 0:
        pytest.skip("needs root to mount tmpfs")
    mnt = tempfile.mkdtemp()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=1M", "tmpfs", mnt]).returncode:
        pytest.skip("cannot mount tmpfs")
    try:
        virtus(root, "pool-define-as", "ro", "dir", "--target", mnt, check=True)
        virtus(root, "pool-start", "ro", check=True)
        p = virtus(root, "vol-create-as", "ro", "v", "1M")
        assert p.returncode == 1 and p.stderr.startswith("error: Failed to create vol v\n")
        assert os.listdir(mnt) == []
    finally:
        subprocess.run(["umount", mnt])
        os.rmdir(mnt)


def fixture_rows(name):
    with open(os.path.join(FIXTURES, name)) as f:
        return [l.rstrip("\n").split("\t") for l in f if l.strip() and not l.startswith("#")]


@pytest.mark.parametrize("case", [r[0] for r in fixture_rows("pool-xml2xml.tsv")]
                         if FIXTURES else [])
def test_xml_pool_fixtures(case):
    p = virtus(None, "xml", "pool", os.path.join(FIXTURES, "storagepool/in", case + ".xml"))
    assert p.returncode == 0, p.stderr
    with open(os.path.join(FIXTURES, "storagepool/out", case + ".xml")) as f:
        assert p.stdout == f.read()


@pytest.mark.parametrize("row", fixture_rows("vol-xml2xml.tsv") if FIXTURES else [])
def test_xml_vol_fixtures(row):
    args = ["xml", "vol", os.path.join(FIXTURES, "storagepool/in", row[0] + ".xml"),
            os.path.join(FIXTURES, "storagevol/in", row[1] + ".xml")]
    if row[2] == "no-capacity":
        args.append("--no-capacity")
    p = virtus(None, *args)
    assert p.returncode == 0, p.stderr
    with open(os.path.join(FIXTURES, "storagevol/out", row[1] + ".xml")) as f:
        assert p.stdout == f.read()


@pytest.mark.parametrize("row", fixture_rows("pool-xml2argv.tsv") if FIXTURES else [])
def test_xml_pool_argv_fixtures(row):
    p = virtus(None, "xml", "pool-argv", os.path.join(FIXTURES, "storagepool/in", row[0] + ".xml"))
    assert p.returncode == 0, p.stderr
    with open(os.path.join(FIXTURES, "poolargv", row[1])) as f:
        assert p.stdout.rstrip("\n") == f.read().rstrip("\n")


def test_xml_invalid_file(tmp_path):
    bad = tmp_path / "bad.xml"
    bad.write_text("<pool")
    p = virtus(None, "xml", "pool", bad)
    assert p.returncode == 1 and p.stdout == ""
    # libvirt's XML syntax error: the parser's message, then the line and a caret under the
    # place (as virsh prints it).
    assert p.stderr == ("error: (storage_pool_definition):1: Couldn't find end of Start Tag "
                        "pool line 1\n<pool\n-----^\n")
    p = virtus(None, "xml", "pool-argv", os.path.join(FIXTURES, "storagepool/in/pool-dir.xml"))
    assert p.returncode == 1
    assert p.stderr.startswith("error: ") and p.stderr.count("\n") == 1
    assert p.stderr.endswith("storage pool type 'dir' has no start command\n")

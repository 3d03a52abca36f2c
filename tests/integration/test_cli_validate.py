"""`--validate` through the real `virtus` binary (env VIRTUS_BIN) on a temporary root:
definitions that libvirt's parser accepts but its RelaxNG schemas refuse are refused only
with the option. Expected messages are virsh 9.0's (`virsh -c test:///default
"pool-define --validate F"`), with libvirt's schema directory."""

import pytest

from cli_support import require_bin, virtus

SCHEMAS = "/usr/share/libvirt/schemas"

POOL_EXTRA = """<pool type='dir'>
  <name>{name}</name>
  <target><path>{path}</path></target>
  <bogus/>
</pool>
"""
VOL_EXTRA = """<volume>
  <name>{name}</name>
  <capacity>1048576</capacity>
  <target><format type='raw'/></target>
  <bogus/>
</volume>
"""


@pytest.fixture
def root(tmp_path):
    require_bin()
    r = tmp_path / "root"
    r.mkdir()
    return r


def schema_error(command, file, schema, element):
    return ("error: Failed to {} from {}\n"
            "error: XML document failed to validate against schema: Unable to validate doc "
            "against {}/{}\nElement {} has extra content: bogus\n\n").format(
                command, file, SCHEMAS, schema, element)


def test_validate_refuses_what_the_parser_accepts(root, tmp_path):
    pool_file = tmp_path / "pool.xml"
    pool_file.write_text(POOL_EXTRA.format(name="v", path=root / "images"))

    p = virtus(root, "pool-define", "--validate", pool_file)
    assert (p.returncode, p.stdout) == (1, "\n")  # virsh too prints its blank line
    assert p.stderr == schema_error("define pool", pool_file, "storagepool.rng", "pool")
    assert virtus(root, "pool-list", "--all", "--name").stdout.split() == []

    p = virtus(root, "pool-define", pool_file)
    assert (p.returncode, p.stdout) == (0, "Pool v defined from {}\n\n".format(pool_file))
    assert "bogus" not in virtus(root, "pool-dumpxml", "v").stdout
    for step in ("pool-build", "pool-start"):
        assert virtus(root, step, "v").returncode == 0

    vol_file = tmp_path / "vol.xml"
    vol_file.write_text(VOL_EXTRA.format(name="a.raw"))
    p = virtus(root, "vol-create", "v", vol_file, "--validate")
    assert (p.returncode, p.stdout) == (1, "\n")  # virsh too prints its blank line
    assert p.stderr == schema_error("create vol", vol_file, "storagevol.rng", "volume")
    assert not (root / "images" / "a.raw").exists()

    p = virtus(root, "vol-create", "v", vol_file)
    assert (p.returncode, p.stdout) == (0, "Vol a.raw created from {}\n\n".format(vol_file))
    assert (root / "images" / "a.raw").stat().st_size == 1048576

    clone_file = tmp_path / "clone.xml"
    clone_file.write_text("<volume><name>b.raw</name><target/><bogus/></volume>\n")
    p = virtus(root, "vol-create-from", "v", clone_file, "a.raw", "--inputpool", "v",
               "--validate")
    assert p.returncode == 1
    assert p.stderr == schema_error("create vol", clone_file, "storagevol.rng", "volume")
    assert not (root / "images" / "b.raw").exists()


def test_validate_accepts_valid_definitions(root, tmp_path):
    pool_file = tmp_path / "pool.xml"
    pool_file.write_text("<pool type='dir'><name>ok</name><target><path>{}</path></target>"
                         "</pool>\n".format(root / "images"))
    p = virtus(root, "pool-define", "--validate", pool_file)
    assert (p.returncode, p.stderr) == (0, "")
    for step in ("pool-build", "pool-start"):
        assert virtus(root, step, "ok").returncode == 0

    vol_file = tmp_path / "vol.xml"
    vol_file.write_text("<volume><name>a.raw</name><capacity>4096</capacity><target/></volume>\n")
    p = virtus(root, "vol-create", "--validate", "ok", vol_file)
    assert (p.returncode, p.stderr) == (0, "")
    clone_file = tmp_path / "clone.xml"
    clone_file.write_text("<volume><name>b.raw</name><target/></volume>\n")
    p = virtus(root, "vol-create-from", "--validate", "ok", clone_file, "a.raw",
               "--inputpool", "ok")
    assert (p.returncode, p.stderr) == (0, "")
    assert (root / "images" / "b.raw").stat().st_size == 4096

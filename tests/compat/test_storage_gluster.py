"""gluster pools over a real one-brick Gluster volume (tests/services/gluster.sh, started once
for the run; libgfapi on the client side), driven by the real virsh against virtusd, with
libvirtd 9.0 as the reference where both can do the same, and guests whose disk QEMU reads
over gluster:// and gluster+unix://. This module works in a directory of its own on the
volume (other tests use it at the same time)."""
import os
import re

import pytest

from compat_support import Libvirtd, Virtusd, service_env
from local_storage_support import mounts_under, require_root, unmount_under
from network_storage_support import (PATTERN, boot_guest_with_disk, define_from_text,  # noqa: F401
                                     virsh_fails, virsh_ok, virtusd, vol_info)

MIB = 1024 * 1024


def pool_xml(env, name, directory):
    return """<pool type='gluster'>
  <name>%s</name>
  <source>
    <host name='%s'/>
    <dir path='%s'/>
    <name>%s</name>
  </source>
</pool>""" % (name, env["GLUSTER_HOST"], directory, env["GLUSTER_VOLUME"])


@pytest.fixture
def gluster(virtusd):
    """(service env, a directory of the volume for this test, made through virtusd)."""
    env = service_env("gluster")
    uri = virtusd.uri()
    directory = "compat-%d-%d" % (os.getpid(), id(virtusd) % 100000)
    define_from_text(uri, "pool-create", pool_xml(env, "glroot", "/"))
    with open(os.path.join(virtusd.data, "dir.xml"), "w") as f:
        f.write("<volume><name>%s</name><capacity>0</capacity>"
                "<target><format type='dir'/></target></volume>" % directory)
    virsh_ok(uri, "vol-create", "glroot", os.path.join(virtusd.data, "dir.xml"))
    yield env, "/" + directory
    virsh_ok(uri, "vol-delete", "--pool", "glroot", directory)
    virsh_ok(uri, "pool-destroy", "glroot")


def brick_file(env, directory, name):
    return os.path.join(env["GLUSTER_BRICK_DIR"], directory.lstrip("/"), name)


def test_volume_lifecycle(gluster, virtusd):
    env, directory = gluster
    uri = virtusd.uri()
    define_from_text(uri, "pool-define", pool_xml(env, "gl", directory))
    virsh_ok(uri, "pool-start", "gl")
    # libvirt cannot create volumes in gluster pools; Virtus can, raw and qcow2.
    virsh_ok(uri, "vol-create-as", "gl", "a.raw", "16M", "--format", "raw")
    virsh_ok(uri, "vol-create-as", "gl", "b.qcow2", "32M", "--format", "qcow2")
    path = virsh_ok(uri, "vol-path", "--pool", "gl", "a.raw").strip()
    assert path == "gluster://%s/%s%s/a.raw" % (env["GLUSTER_HOST"], env["GLUSTER_VOLUME"],
                                                directory), path
    assert vol_info(uri, "gl", "a.raw")["Capacity"] == "16.00 MiB"
    qcow2 = vol_info(uri, "gl", "b.qcow2")
    assert qcow2["Type"] == "network" and qcow2["Capacity"] == "32.00 MiB", qcow2
    assert "<format type='qcow2'/>" in virsh_ok(uri, "vol-dumpxml", "--pool", "gl", "b.qcow2")
    with open(brick_file(env, directory, "b.qcow2"), "rb") as f:
        assert f.read(4) == b"QFI\xfb"

    virsh_ok(uri, "vol-resize", "--pool", "gl", "a.raw", "24M")
    assert os.path.getsize(brick_file(env, directory, "a.raw")) == 24 * MIB
    # The clone holds the same bytes (written here straight into the one brick's file).
    with open(brick_file(env, directory, "a.raw"), "r+b") as f:
        f.write(PATTERN)
    virsh_ok(uri, "vol-clone", "--pool", "gl", "a.raw", "c.raw")
    with open(brick_file(env, directory, "c.raw"), "rb") as f:
        assert f.read(len(PATTERN)) == PATTERN
    assert vol_info(uri, "gl", "c.raw")["Capacity"] == "24.00 MiB"

    err = virsh_fails(uri, "vol-create-as", "gl", "a.raw", "1M")
    assert "a.raw" in err, err
    for name in ("a.raw", "b.qcow2", "c.raw"):
        virsh_ok(uri, "vol-delete", "--pool", "gl", name)
    assert virsh_ok(uri, "vol-list", "gl").count("gluster://") == 0
    virsh_ok(uri, "pool-destroy", "gl")


def test_refresh_matches_libvirtd(gluster, virtusd):
    """A raw and a qcow2 volume made by virtusd, listed by both daemons: the same volume XML
    once timestamps are masked."""
    env, directory = gluster
    uri = virtusd.uri()
    define_from_text(uri, "pool-define", pool_xml(env, "gl", directory))
    virsh_ok(uri, "pool-start", "gl")
    virsh_ok(uri, "vol-create-as", "gl", "r.img", "8M", "--format", "raw")
    virsh_ok(uri, "vol-create-as", "gl", "q.qcow2", "8M", "--format", "qcow2")
    stamps = re.compile(r"<timestamps>.*?</timestamps>", re.S)
    outputs = []
    libvirtd = Libvirtd()
    try:
        for daemon in (libvirtd, virtusd):
            duri = daemon.uri()
            if daemon is libvirtd:
                define_from_text(duri, "pool-define", pool_xml(env, "gl", directory))
                virsh_ok(duri, "pool-start", "gl")
            virsh_ok(duri, "pool-refresh", "gl")
            outputs.append([stamps.sub("", virsh_ok(duri, "vol-dumpxml", "--pool", "gl", n))
                            for n in ("r.img", "q.qcow2")] +
                           [virsh_ok(duri, "vol-list", "gl", "--details")])
            if daemon is libvirtd:
                virsh_ok(duri, "pool-destroy", "gl")
    finally:
        libvirtd.stop()
    for ref, ours in zip(*outputs):
        assert ref == ours, "libvirtd:\n%s\nvirtusd:\n%s" % (ref, ours)
    for name in ("r.img", "q.qcow2"):
        virsh_ok(uri, "vol-delete", "--pool", "gl", name)
    virsh_ok(uri, "pool-destroy", "gl")


@pytest.mark.parametrize("transport", ["tcp", "unix"])
def test_guest_reads_its_disk_over_gluster(gluster, virtusd, transport):
    env, directory = gluster
    uri = virtusd.uri()
    define_from_text(uri, "pool-define", pool_xml(env, "gl", directory))
    virsh_ok(uri, "pool-start", "gl")
    virsh_ok(uri, "vol-create-as", "gl", "disk.raw", "16M", "--format", "raw")
    with open(brick_file(env, directory, "disk.raw"), "r+b") as f:
        f.write(PATTERN)
    if transport == "tcp":
        host = "<host name='%s' port='%s'/>" % (env["GLUSTER_HOST"], env["GLUSTER_PORT"])
    else:
        host = "<host transport='unix' socket='%s'/>" % env["GLUSTERD_SOCKET"]
    disk = """<disk type='network' device='disk'>
      <driver name='qemu' type='raw'/>
      <source protocol='gluster' name='%s%s/disk.raw'>
        %s
      </source>
      <target dev='vda' bus='virtio'/>
    </disk>""" % (env["GLUSTER_VOLUME"], directory, host)
    report = boot_guest_with_disk(virtusd, disk)
    vda = report.disk("vda")
    assert vda is not None and vda.size == 16 * MIB and vda.head == PATTERN[:16], report
    virsh_ok(uri, "vol-delete", "--pool", "gl", "disk.raw")
    virsh_ok(uri, "pool-destroy", "gl")


def test_netfs_pool_over_glusterfs_fuse(tmp_path):
    """A netfs pool of format glusterfs: start mounts the volume through FUSE (mount.glusterfs,
    libvirt's options), its volumes are files on the mount that the brick holds, a guest reads
    one, find-storage-pool-sources lists the volume, and destroy unmounts."""
    env = service_env("gluster")
    require_root()
    daemon = Virtusd(as_root=True)
    name = "glfuse%d" % os.getpid()
    vol = "fuse-%d.raw" % os.getpid()
    try:
        uri = daemon.uri()
        target = os.path.join(daemon.data, name)
        define_from_text(uri, "pool-define", """<pool type='netfs'>
  <name>%s</name>
  <source>
    <host name='%s'/>
    <dir path='/%s'/>
    <format type='glusterfs'/>
  </source>
  <target>
    <path>%s</path>
  </target>
</pool>""" % (name, env["GLUSTER_HOST"], env["GLUSTER_VOLUME"], target))
        virsh_ok(uri, "pool-build", name)
        virsh_ok(uri, "pool-start", name)
        mounted = [m for m in mounts_under(target) if m[1] == target]
        assert mounted == [("%s:/%s" % (env["GLUSTER_HOST"], env["GLUSTER_VOLUME"]), target)], \
            mounts_under(target)

        virsh_ok(uri, "vol-create-as", name, vol, "8M", "--format", "raw")
        up = tmp_path / "pattern.bin"
        up.write_bytes(PATTERN)
        virsh_ok(uri, "vol-upload", "--pool", name, vol, str(up))
        with open(os.path.join(env["GLUSTER_BRICK_DIR"], vol), "rb") as f:
            assert f.read(len(PATTERN)) == PATTERN
        disk = """    <disk type='volume' device='disk'>
      <driver name='qemu' type='raw'/>
      <source pool='%s' volume='%s'/>
      <target dev='vda' bus='virtio'/>
    </disk>""" % (name, vol)
        report = boot_guest_with_disk(daemon, disk, name="fuseguest")
        vda = report.disk("vda")
        assert vda is not None and vda.size == 8 * MIB and vda.head == PATTERN[:16], report

        spec = tmp_path / "spec.xml"
        spec.write_text("<source><host name='%s'/></source>" % env["GLUSTER_HOST"])
        sources = virsh_ok(uri, "find-storage-pool-sources", "netfs", str(spec))
        assert "<dir path='%s'/>" % env["GLUSTER_VOLUME"] in sources, sources
        assert "<format type='glusterfs'/>" in sources, sources

        virsh_ok(uri, "vol-delete", "--pool", name, vol)
        assert not os.path.exists(os.path.join(env["GLUSTER_BRICK_DIR"], vol))
        virsh_ok(uri, "pool-destroy", name)
        assert mounts_under(target) == []
        virsh_ok(uri, "pool-undefine", name)
    finally:
        unmount_under(daemon.data)
        daemon.stop()

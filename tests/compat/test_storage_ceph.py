"""rbd pools over a real one-node Ceph (tests/services/ceph.sh, started once for the run),
driven by the real virsh against virtusd, with libvirtd 9.0 as the reference where the two
should agree. Each test module works in a Ceph pool of its own: other tests use the same
cluster at the same time."""
import base64
import json
import os
import re
import socket
import subprocess
import time

import pytest

from compat_support import VIRTUS_BIN, Libvirtd, Virtusd, require_virtusd, service_env
from network_storage_support import (PATTERN, boot_guest_with_disk, define_from_text,  # noqa: F401
                                     define_secret, virsh_fails, virsh_ok, virtusd, vol_info)

MIB = 1024 * 1024


def ceph_cli(env, *args, tool="ceph"):
    p = subprocess.run([tool, "-c", env["CEPH_CONF"]] + list(args), capture_output=True,
                       text=True, timeout=120)
    assert p.returncode == 0, "%s %s: %s%s" % (tool, " ".join(args), p.stdout, p.stderr)
    return p.stdout


def rbd_cli(env, *args):
    return ceph_cli(env, *args, tool="rbd")


@pytest.fixture(scope="module")
def ceph():
    """(service env, a Ceph pool of this module's own)."""
    env = service_env("ceph")
    pool = "compat-%d" % os.getpid()
    ceph_cli(env, "osd", "pool", "create", pool, "8", "8")
    rbd_cli(env, "pool", "init", pool)
    yield env, pool
    ceph_cli(env, "osd", "pool", "rm", pool, pool, "--yes-i-really-really-mean-it")


def pool_xml(env, name, ceph_pool, user, usage):
    return """<pool type='rbd'>
  <name>%s</name>
  <source>
    <name>%s</name>
    <host name='%s' port='%s'/>
    <auth username='%s' type='ceph'>
      <secret usage='%s'/>
    </auth>
  </source>
</pool>""" % (name, ceph_pool, env["CEPH_MON_HOST"], env["CEPH_MON_PORT"], user, usage)


def start_pool(uri, env, name, ceph_pool, user="admin", key_name="CEPH_ADMIN_KEY"):
    usage = "%s %s" % (name, user)
    define_secret(uri, "<usage type='ceph'><name>%s</name></usage>" % usage,
                  base64.b64decode(env[key_name]))
    define_from_text(uri, "pool-define", pool_xml(env, name, ceph_pool, user, usage))
    virsh_ok(uri, "pool-start", name)


def image_info(env, spec):
    return rbd_cli(env, "info", spec)


def test_volume_lifecycle(ceph, virtusd, tmp_path):
    env, cpool = ceph
    uri = virtusd.uri()
    start_pool(uri, env, "ceph", cpool)
    virsh_ok(uri, "vol-create-as", "ceph", "v1", "64M", "--format", "raw")
    info = vol_info(uri, "ceph", "v1")
    assert info["Type"] == "network" and info["Capacity"] == "64.00 MiB", info
    assert virsh_ok(uri, "vol-path", "--pool", "ceph", "v1").strip() == cpool + "/v1"
    assert "size 64 MiB" in image_info(env, cpool + "/v1")

    virsh_ok(uri, "vol-resize", "--pool", "ceph", "v1", "128M")
    assert "size 128 MiB" in image_info(env, cpool + "/v1")
    assert vol_info(uri, "ceph", "v1")["Capacity"] == "128.00 MiB"

    # Upload and download (libvirt 9.0 has neither for rbd).
    up, down = tmp_path / "up.bin", tmp_path / "down.bin"
    up.write_bytes(PATTERN)
    virsh_ok(uri, "vol-upload", "--pool", "ceph", "v1", str(up))
    virsh_ok(uri, "vol-download", "--pool", "ceph", "v1", str(down), "--length", len(PATTERN))
    assert down.read_bytes() == PATTERN
    virsh_ok(uri, "vol-wipe", "--pool", "ceph", "v1")
    virsh_ok(uri, "vol-download", "--pool", "ceph", "v1", str(down), "--length", len(PATTERN))
    assert down.read_bytes() == bytes(len(PATTERN))

    # A clone shares the source's data through a protected snapshot: its parent is v1.
    virsh_ok(uri, "vol-upload", "--pool", "ceph", "v1", str(up))
    virsh_ok(uri, "vol-clone", "--pool", "ceph", "v1", "v2")
    child = image_info(env, cpool + "/v2")
    assert "parent: %s/v1@" % cpool in child, child
    virsh_ok(uri, "vol-download", "--pool", "ceph", "v2", str(down), "--length", len(PATTERN))
    assert down.read_bytes() == PATTERN

    # v1 now has a snapshot: deleting it needs --delete-snapshots, as in libvirt.
    virsh_ok(uri, "vol-delete", "--pool", "ceph", "v2")
    err = virsh_fails(uri, "vol-delete", "--pool", "ceph", "v1")
    assert "snapshot" in err, err
    virsh_ok(uri, "vol-delete", "--pool", "ceph", "v1", "--delete-snapshots")
    assert "v1" not in rbd_cli(env, "ls", cpool)
    virsh_ok(uri, "pool-destroy", "ceph")
    virsh_ok(uri, "pool-undefine", "ceph")


def test_read_only_user_refreshes_and_is_refused_writes(ceph, virtusd):
    env, cpool = ceph
    rbd_cli(env, "create", "--size", "16M", cpool + "/ro-seen")
    uri = virtusd.uri()
    start_pool(uri, env, "ro", cpool, user=env["CEPH_RO_USER"], key_name="CEPH_RO_KEY")
    virsh_ok(uri, "pool-refresh", "ro")
    assert "ro-seen" in virsh_ok(uri, "vol-list", "ro")
    assert vol_info(uri, "ro", "ro-seen")["Capacity"] == "16.00 MiB"
    err = virsh_fails(uri, "vol-create-as", "ro", "nope", "16M")
    # Not libvirt 9.0's "No such file or directory": the permission, the user and the pool.
    assert "ermission" in err and env["CEPH_RO_USER"] in err and cpool in err, err
    assert "nope" not in rbd_cli(env, "ls", cpool)
    virsh_ok(uri, "pool-destroy", "ro")
    rbd_cli(env, "rm", cpool + "/ro-seen")


def test_image_made_elsewhere_is_found_by_name_without_a_refresh(ceph, virtusd):
    env, cpool = ceph
    uri = virtusd.uri()
    start_pool(uri, env, "look", cpool)
    rbd_cli(env, "create", "--size", "8M", cpool + "/late")
    try:
        assert vol_info(uri, "look", "late")["Capacity"] == "8.00 MiB"
    finally:
        rbd_cli(env, "rm", cpool + "/late")
    virsh_ok(uri, "pool-destroy", "look")


def normalised(text, cpool, pool):
    return text.replace(cpool, "<CEPH-POOL>").replace(pool, "<POOL>")


def test_pool_and_volume_xml_match_libvirtd(ceph, virtusd):
    """The same definitions on both daemons, each with an image of its own: the pool's and
    the volume's XML and vol-info agree once names, UUIDs and space figures are masked. The
    one difference is on purpose: a new image's allocation, which virtusd reads from
    fast-diff (nothing written yet: 0) where libvirtd 9.0 reports the whole capacity."""
    env, cpool = ceph
    outputs = []
    libvirtd = Libvirtd()
    try:
        for daemon, pool in ((libvirtd, "ref"), (virtusd, "vir")):
            uri = daemon.uri()
            start_pool(uri, env, pool, cpool)
            virsh_ok(uri, "vol-create-as", pool, pool + "-img", "32M", "--format", "raw")
            virsh_ok(uri, "pool-refresh", pool)
            vol = virsh_ok(uri, "vol-dumpxml", "--pool", pool, pool + "-img")
            info = virsh_ok(uri, "vol-info", "--pool", pool, pool + "-img")
            pxml = virsh_ok(uri, "pool-dumpxml", pool)
            virsh_ok(uri, "vol-delete", "--pool", pool, pool + "-img")
            virsh_ok(uri, "pool-destroy", pool)
            outputs.append([normalised(t, cpool, pool) for t in (vol, info, pxml)])
    finally:
        libvirtd.stop()
    allocation = re.compile(r"<allocation unit='bytes'>([0-9]+)</allocation>")
    assert allocation.search(outputs[0][0]).group(1) == str(32 * MIB), outputs[0][0]
    assert allocation.search(outputs[1][0]).group(1) == "0", outputs[1][0]
    space = re.compile(r"<(allocation|available|capacity) unit='bytes'>[0-9]+</\1>")
    info_allocation = re.compile(r"^Allocation:.*$", re.M)
    uuid = re.compile(r"<uuid>[^<]*</uuid>|<secret usage='[^']*'/>")
    for ref, ours in zip(*outputs):
        clean = [uuid.sub("", info_allocation.sub("", allocation.sub("", t)))
                 for t in (ref, ours)]
        if "<pool" in ref:
            clean = [space.sub("", t) for t in clean]
        assert clean[0] == clean[1], "libvirtd:\n%s\nvirtusd:\n%s" % tuple(clean)


def test_guest_boots_from_an_rbd_volume(ceph, virtusd, tmp_path):
    env, cpool = ceph
    uri = virtusd.uri()
    start_pool(uri, env, "boot", cpool)
    virsh_ok(uri, "vol-create-as", "boot", "disk", "32M", "--format", "raw")
    up = tmp_path / "up.bin"
    up.write_bytes(PATTERN)
    virsh_ok(uri, "vol-upload", "--pool", "boot", "disk", str(up))
    # A volume disk: QEMU reaches the image itself, with the pool's monitors and cephx user
    # (libvirt 9.0 refuses rbd volumes as disks).
    disk = """<disk type='volume' device='disk'>
      <driver name='qemu' type='raw'/>
      <source pool='boot' volume='disk'/>
      <target dev='vda' bus='virtio'/>
    </disk>"""
    report = boot_guest_with_disk(virtusd, disk)
    vda = report.disk("vda")
    assert vda is not None and vda.size == 32 * MIB and vda.head == PATTERN[:16], report
    virsh_ok(uri, "vol-delete", "--pool", "boot", "disk")
    virsh_ok(uri, "pool-destroy", "boot")


def virtus_json(daemon, *args):
    p = subprocess.run([VIRTUS_BIN, "-c", daemon.uri()] + list(args) + ["--json"],
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stdout + p.stderr
    return json.loads(p.stdout)


def test_a_silent_cluster_times_out_and_the_pool_says_so(ceph):
    """A monitor that accepts connections and never answers: with storage_timeout = 2 the
    start fails within the deadline (not libvirt's minutes), the daemon keeps answering, and
    `virtus pool-info` over the connection shows the pool unhealthy with the reason; once the
    pool points at the real cluster, a start makes it healthy again."""
    env, cpool = ceph
    require_virtusd()
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(16)
    daemon = Virtusd(config={"virtusd.conf": "storage_timeout = 2\n"})
    try:
        uri = daemon.uri()
        usage = "silent admin"
        define_secret(uri, "<usage type='ceph'><name>%s</name></usage>" % usage,
                      base64.b64decode(env["CEPH_ADMIN_KEY"]))
        dead = dict(env, CEPH_MON_PORT=str(silent.getsockname()[1]))
        define_from_text(uri, "pool-define", pool_xml(dead, "silent", cpool, "admin", usage))
        started = time.monotonic()
        err = virsh_fails(uri, "pool-start", "silent")
        assert time.monotonic() - started < 15, err
        assert "timed out" in err, err
        info = virtus_json(daemon, "pool-info", "silent")
        assert info["state"] == "inactive"
        health = info["health"]
        assert not health["healthy"] and "timed out" in health["reason"], health
        assert abs(health["since"] - time.time()) < 120, health
        # The daemon still answers, and the pool recovers once it can reach the cluster.
        uuid = virsh_ok(uri, "pool-uuid", "silent").strip()
        live = pool_xml(env, "silent", cpool, "admin", usage).replace(
            "<name>silent</name>", "<name>silent</name><uuid>%s</uuid>" % uuid)
        define_from_text(uri, "pool-define", live)
        virsh_ok(uri, "pool-start", "silent")
        assert virtus_json(daemon, "pool-info", "silent")["health"] == {
            "healthy": True, "reason": None, "since": None}
        virsh_ok(uri, "pool-destroy", "silent")
    finally:
        daemon.stop()
        silent.close()

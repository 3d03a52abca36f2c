"""The python binding of libvirt (Debian's python3-libvirt) against virtusd.

Every test that states behaviour both daemons must share runs against a private real
libvirtd too (the `daemon` parameter): the expectations are libvirt's, checked on libvirt.
What only virtusd has (the system URI name, the read-only socket, SIGTERM) runs on virtusd.
"""
import os
import socket

import libvirt
import pytest

from compat_support import Deadline, Libvirtd, Virtusd, qemu_version_number, require_virtusd

TEST_DEADLINE = 120  # seconds for one test's binding calls

PRIVATE_UUID = "4b6f0e7e-2c1d-4a8b-9f3e-5d2c1b0a9e81"
PUBLIC_UUID = "8a1d3c5e-7f90-4b2a-8c6d-e4f3a2b1c0d9"
UNKNOWN_UUID = "0f0f0f0f-1e1e-4d2d-8c3c-4b4b4b4b4b4b"

# Errors come back as exceptions; keep libvirt's default handler from printing them as well.
libvirt.registerErrorHandler(lambda _ctx, _err: None, None)


def start(kind):
    if kind == "virtusd":
        require_virtusd()
        return Virtusd()
    return Libvirtd()


@pytest.fixture(params=["libvirtd", "virtusd"])
def daemon(request):
    d = start(request.param)
    try:
        with Deadline(d, TEST_DEADLINE):
            yield d
    finally:
        d.stop()


@pytest.fixture
def virtusd():
    require_virtusd()
    d = Virtusd()
    try:
        with Deadline(d, TEST_DEADLINE):
            yield d
    finally:
        d.stop()


@pytest.fixture
def conn(daemon):
    c = libvirt.open(daemon.uri())
    try:
        yield c
    finally:
        c.close()


def error_of(call):
    """(code, domain, message) of the libvirtError `call` raises; fails when it does not."""
    try:
        call()
    except libvirt.libvirtError as e:
        return e.get_error_code(), e.get_error_domain(), e.get_error_message()
    raise AssertionError("the call succeeded; an error was expected")


def pool_xml(name, path):
    return ("<pool type='dir'><name>%s</name><target><path>%s</path></target></pool>"
            % (name, path))


def volume_xml(name, capacity, fmt, allocation=0):
    return ("<volume><name>%s</name><capacity unit='bytes'>%d</capacity>"
            "<allocation unit='bytes'>%d</allocation>"
            "<target><format type='%s'/></target></volume>" % (name, capacity, allocation, fmt))


def secret_xml(uuid, private, usage_name):
    return ("<secret ephemeral='no' private='%s'><uuid>%s</uuid>"
            "<usage type='ceph'><name>%s</name></usage></secret>"
            % ("yes" if private else "no", uuid, usage_name))


def names(objects):
    return sorted(o.name() for o in objects)


# ---------------------------------------------------------------------------------------------
# Connection

def test_connection_identity(daemon, conn):
    assert conn.getType() == "QEMU"
    # Both daemons speak for libvirt 9.0.0.
    assert conn.getLibVersion() == 9000000
    assert conn.getHostname() == socket.gethostname()
    assert conn.getURI() == daemon.uri()
    assert conn.isAlive() == 1
    # The hypervisor version is QEMU's; without QEMU libvirt reports an internal error.
    expected = qemu_version_number()
    if expected is None:
        code, domain, message = error_of(conn.getVersion)
        assert (code, domain) == (libvirt.VIR_ERR_INTERNAL_ERROR, libvirt.VIR_FROM_QEMU)
        assert message == "internal error: Cannot find suitable emulator for x86_64"
    else:
        assert conn.getVersion() == expected


@pytest.mark.parametrize("kind", ["system", "session"])
def test_virtusd_accepts_both_uri_names(virtusd, kind):
    uri = virtusd.uri(kind)
    c = libvirt.open(uri)
    try:
        assert c.getURI() == uri
        assert c.getType() == "QEMU"
        assert c.listAllStoragePools(0) == []
    finally:
        c.close()


# ---------------------------------------------------------------------------------------------
# Pools

def test_pool_lifecycle_and_listing(daemon, conn):
    path = os.path.join(daemon.data, "p1")
    pool = conn.storagePoolDefineXML(pool_xml("p1", path), 0)
    assert pool.name() == "p1"
    assert len(pool.UUIDString()) == 36
    assert pool.isActive() == 0 and pool.isPersistent() == 1
    assert conn.listDefinedStoragePools() == ["p1"]
    assert conn.numOfDefinedStoragePools() == 1
    assert conn.listStoragePools() == [] and conn.numOfStoragePools() == 0
    assert pool.info()[0] == libvirt.VIR_STORAGE_POOL_INACTIVE

    pool.build(0)
    assert os.path.isdir(path)
    pool.create(0)
    assert pool.isActive() == 1
    state, capacity, allocation, available = pool.info()
    assert state == libvirt.VIR_STORAGE_POOL_RUNNING
    st = os.statvfs(path)
    assert capacity == st.f_frsize * st.f_blocks
    assert allocation + available <= capacity and capacity > 0

    transient = conn.storagePoolCreateXML(pool_xml("t1", os.path.join(daemon.data, "t1")),
                                          libvirt.VIR_STORAGE_POOL_CREATE_WITH_BUILD)
    assert transient.isPersistent() == 0 and transient.isActive() == 1
    pool.setAutostart(1)
    assert pool.autostart() == 1

    assert sorted(conn.listStoragePools()) == ["p1", "t1"]
    assert conn.numOfStoragePools() == 2
    assert conn.listDefinedStoragePools() == []
    assert names(conn.listAllStoragePools(0)) == ["p1", "t1"]
    flags = {
        libvirt.VIR_CONNECT_LIST_STORAGE_POOLS_ACTIVE: ["p1", "t1"],
        libvirt.VIR_CONNECT_LIST_STORAGE_POOLS_INACTIVE: [],
        libvirt.VIR_CONNECT_LIST_STORAGE_POOLS_PERSISTENT: ["p1"],
        libvirt.VIR_CONNECT_LIST_STORAGE_POOLS_TRANSIENT: ["t1"],
        libvirt.VIR_CONNECT_LIST_STORAGE_POOLS_AUTOSTART: ["p1"],
        libvirt.VIR_CONNECT_LIST_STORAGE_POOLS_NO_AUTOSTART: ["t1"],
        libvirt.VIR_CONNECT_LIST_STORAGE_POOLS_DIR: ["p1", "t1"],
        libvirt.VIR_CONNECT_LIST_STORAGE_POOLS_LOGICAL: [],
        libvirt.VIR_CONNECT_LIST_STORAGE_POOLS_ACTIVE |
        libvirt.VIR_CONNECT_LIST_STORAGE_POOLS_PERSISTENT: ["p1"],
    }
    for flag, expected in flags.items():
        assert names(conn.listAllStoragePools(flag)) == expected, flag

    xml = pool.XMLDesc(0)
    assert "<name>p1</name>" in xml and "<path>%s</path>" % path in xml
    assert "<uuid>%s</uuid>" % pool.UUIDString() in xml
    assert conn.storagePoolLookupByUUIDString(pool.UUIDString()).name() == "p1"

    transient.destroy()
    assert names(conn.listAllStoragePools(0)) == ["p1"]
    pool.setAutostart(0)
    pool.destroy()
    assert pool.isActive() == 0
    assert conn.listDefinedStoragePools() == ["p1"]
    pool.delete(0)
    assert not os.path.exists(path)
    pool.undefine()
    assert conn.listAllStoragePools(0) == []


# ---------------------------------------------------------------------------------------------
# Volumes

def test_volume_lifecycle(daemon, conn):
    path = os.path.join(daemon.data, "p1")
    pool = conn.storagePoolCreateXML(pool_xml("p1", path),
                                     libvirt.VIR_STORAGE_POOL_CREATE_WITH_BUILD)
    mib = 1024 * 1024
    raw = pool.createXML(volume_xml("a.img", 8 * mib, "raw"), 0)
    qcow = pool.createXML(volume_xml("b.qcow2", 16 * mib, "qcow2"), 0)
    assert raw.name() == "a.img" and qcow.name() == "b.qcow2"
    assert sorted(pool.listVolumes()) == ["a.img", "b.qcow2"]
    assert pool.numOfVolumes() == 2
    assert names(pool.listAllVolumes(0)) == ["a.img", "b.qcow2"]

    assert raw.path() == os.path.join(path, "a.img")
    assert raw.key() == raw.path()
    kind, capacity, allocation = raw.info()
    assert (kind, capacity, allocation) == (libvirt.VIR_STORAGE_VOL_FILE, 8 * mib, 0)
    kind, capacity, allocation = qcow.info()
    assert (kind, capacity) == (libvirt.VIR_STORAGE_VOL_FILE, 16 * mib)
    assert 0 < allocation < mib
    with open(qcow.path(), "rb") as f:
        assert f.read(4) == b"QFI\xfb"

    xml = qcow.XMLDesc(0)
    assert "<format type='qcow2'/>" in xml
    assert "<capacity unit='bytes'>%d</capacity>" % (16 * mib) in xml
    assert conn.storageVolLookupByPath(qcow.path()).name() == "b.qcow2"
    assert conn.storageVolLookupByKey(raw.key()).name() == "a.img"
    assert pool.storageVolLookupByName("a.img").path() == raw.path()
    assert raw.storagePoolLookupByVolume().name() == "p1"

    raw.delete(0)
    assert not os.path.exists(os.path.join(path, "a.img"))
    assert pool.listVolumes() == ["b.qcow2"]
    code, domain, message = error_of(lambda: pool.storageVolLookupByName("a.img"))
    assert (code, domain) == (libvirt.VIR_ERR_NO_STORAGE_VOL, libvirt.VIR_FROM_STORAGE)
    assert message == "Storage volume not found: no storage vol with matching name 'a.img'"
    qcow.delete(0)
    pool.destroy()


# ---------------------------------------------------------------------------------------------
# Secrets

def test_secret_lifecycle(conn):
    public = conn.secretDefineXML(secret_xml(PUBLIC_UUID, False, "client.public"), 0)
    private = conn.secretDefineXML(secret_xml(PRIVATE_UUID, True, "client.private"), 0)
    assert public.UUIDString() == PUBLIC_UUID
    assert public.usageType() == libvirt.VIR_SECRET_USAGE_TYPE_CEPH
    assert public.usageID() == "client.public"
    assert sorted(conn.listSecrets()) == sorted([PUBLIC_UUID, PRIVATE_UUID])
    assert conn.numOfSecrets() == 2
    assert sorted(s.UUIDString() for s in conn.listAllSecrets(0)) == \
        sorted([PUBLIC_UUID, PRIVATE_UUID])
    assert [s.UUIDString() for s in
            conn.listAllSecrets(libvirt.VIR_CONNECT_LIST_SECRETS_PRIVATE)] == [PRIVATE_UUID]
    assert [s.UUIDString() for s in
            conn.listAllSecrets(libvirt.VIR_CONNECT_LIST_SECRETS_NO_PRIVATE)] == [PUBLIC_UUID]
    assert conn.listAllSecrets(libvirt.VIR_CONNECT_LIST_SECRETS_EPHEMERAL) == []

    found = conn.secretLookupByUsage(libvirt.VIR_SECRET_USAGE_TYPE_CEPH, "client.public")
    assert found.UUIDString() == PUBLIC_UUID
    assert conn.secretLookupByUUIDString(PRIVATE_UUID).usageID() == "client.private"

    code, domain, message = error_of(public.value)
    assert (code, domain) == (libvirt.VIR_ERR_NO_SECRET, libvirt.VIR_FROM_SECRET)
    assert message == "Secret not found: secret '%s' does not have a value" % PUBLIC_UUID

    value = bytes(range(256))
    public.setValue(value, 0)
    assert public.value(0) == value
    private.setValue(b"hidden", 0)
    code, domain, message = error_of(private.value)
    assert (code, domain) == (libvirt.VIR_ERR_INVALID_SECRET, libvirt.VIR_FROM_SECRET) == (65, 30)
    assert message == "Invalid secret: secret is private"

    assert "<description>" not in public.XMLDesc(0)
    public.undefine()
    private.undefine()
    assert conn.listSecrets() == [] and conn.listAllSecrets(0) == []


# ---------------------------------------------------------------------------------------------
# Errors

def test_unknown_objects(conn):
    code, domain, message = error_of(lambda: conn.storagePoolLookupByName("nope"))
    assert (code, domain) == (libvirt.VIR_ERR_NO_STORAGE_POOL, libvirt.VIR_FROM_STORAGE) == \
        (49, 18)
    assert message == "Storage pool not found: no storage pool with matching name 'nope'"

    code, domain, message = error_of(lambda: conn.secretLookupByUUIDString(UNKNOWN_UUID))
    assert (code, domain) == (libvirt.VIR_ERR_NO_SECRET, libvirt.VIR_FROM_SECRET) == (66, 30)
    assert message == "Secret not found: no secret with matching uuid '%s'" % UNKNOWN_UUID

    code, domain, message = error_of(
        lambda: conn.secretLookupByUsage(libvirt.VIR_SECRET_USAGE_TYPE_CEPH, "nope"))
    assert (code, domain) == (66, 30)
    assert message == "Secret not found: no secret with matching usage 'nope'"

    code, domain, message = error_of(lambda: conn.storageVolLookupByPath("/nonexistent/v.img"))
    assert (code, domain) == (libvirt.VIR_ERR_NO_STORAGE_VOL, libvirt.VIR_FROM_STORAGE)
    assert message == ("Storage volume not found: no storage vol with matching path "
                       "'/nonexistent/v.img'")


def test_invalid_requests(daemon, conn):
    path = os.path.join(daemon.data, "p1")
    pool = conn.storagePoolDefineXML(pool_xml("p1", path), 0)
    uuid = pool.UUIDString()
    code, domain, message = error_of(
        lambda: conn.storagePoolDefineXML(pool_xml("p1", path + "-other"), 0))
    assert (code, domain) == (libvirt.VIR_ERR_OPERATION_FAILED, libvirt.VIR_FROM_STORAGE)
    assert message == "operation failed: pool 'p1' already exists with uuid %s" % uuid

    code, domain, message = error_of(lambda: conn.storagePoolDefineXML("<pool type='dir'>", 0))
    # libvirt reports XML syntax errors in the domain of the API that parsed the document.
    assert (code, domain) == (libvirt.VIR_ERR_XML_DETAIL, libvirt.VIR_FROM_STORAGE)
    assert message.startswith("(storage_pool_definition):1: "), message

    # Starting before building: a system error, reported in no particular domain.
    code, domain, message = error_of(lambda: pool.create(0))
    assert (code, domain) == (libvirt.VIR_ERR_SYSTEM_ERROR, libvirt.VIR_FROM_NONE)
    assert message == "cannot open directory '%s': No such file or directory" % path

    pool.create(libvirt.VIR_STORAGE_POOL_CREATE_WITH_BUILD)
    code, domain, message = error_of(lambda: pool.create(0))
    assert (code, domain) == (libvirt.VIR_ERR_OPERATION_INVALID, libvirt.VIR_FROM_STORAGE)
    assert message == "Requested operation is not valid: storage pool 'p1' is already active"
    code, domain, message = error_of(lambda: pool.delete(0))
    assert (code, domain) == (libvirt.VIR_ERR_OPERATION_INVALID, libvirt.VIR_FROM_STORAGE)
    assert message == "Requested operation is not valid: storage pool 'p1' is still active"
    code, domain, message = error_of(pool.undefine)
    assert (code, domain) == (libvirt.VIR_ERR_OPERATION_INVALID, libvirt.VIR_FROM_STORAGE)
    pool.destroy()
    pool.delete(0)
    pool.undefine()


# ---------------------------------------------------------------------------------------------
# Read-only access

def read_only_uri(daemon):
    """The read-only socket where the daemon has one (libvirtd's session mode has none: its
    read-only connections are refused by the client library alone)."""
    return daemon.uri_ro() if isinstance(daemon, Virtusd) else daemon.uri()


def test_read_only_connection_refuses_writes(daemon, conn):
    pool = conn.storagePoolDefineXML(pool_xml("p1", os.path.join(daemon.data, "p1")), 0)
    secret = conn.secretDefineXML(secret_xml(PUBLIC_UUID, False, "client.public"), 0)
    secret.setValue(b"v", 0)
    ro = libvirt.openReadOnly(read_only_uri(daemon))
    try:
        assert names(ro.listAllStoragePools(0)) == ["p1"]
        assert ro.storagePoolLookupByName("p1").UUIDString() == pool.UUIDString()
        assert [s.UUIDString() for s in ro.listAllSecrets(0)] == [PUBLIC_UUID]
        writes = [
            (lambda: ro.storagePoolDefineXML(pool_xml("p2", daemon.data), 0),
             libvirt.VIR_FROM_STORAGE, "virStoragePoolDefineXML"),
            (lambda: ro.storagePoolLookupByName("p1").create(0),
             libvirt.VIR_FROM_STORAGE, "virStoragePoolCreate"),
            (lambda: ro.storagePoolLookupByName("p1").undefine(),
             libvirt.VIR_FROM_STORAGE, "virStoragePoolUndefine"),
            (lambda: ro.secretDefineXML(secret_xml(PRIVATE_UUID, True, "x"), 0),
             libvirt.VIR_FROM_SECRET, "virSecretDefineXML"),
            (lambda: ro.secretLookupByUUIDString(PUBLIC_UUID).value(0),
             libvirt.VIR_FROM_SECRET, "virSecretGetValue"),
        ]
        for call, domain, function in writes:
            assert error_of(call) == (libvirt.VIR_ERR_OPERATION_DENIED, domain,
                                      "operation forbidden: read only access prevents %s"
                                      % function)
    finally:
        ro.close()
    assert names(conn.listAllStoragePools(0)) == ["p1"]
    assert pool.isActive() == 0
    pool.undefine()
    secret.undefine()


def test_read_only_socket_forces_read_only(virtusd):
    """A client asking for read-write access on the -ro socket gets a read-only connection:
    the daemon refuses its writes (libvirt's daemon does the same on its -ro socket)."""
    c = libvirt.open(virtusd.uri_ro())
    try:
        assert c.listAllStoragePools(0) == []
        code, domain, message = error_of(
            lambda: c.storagePoolDefineXML(pool_xml("p1", virtusd.data), 0))
        assert (code, domain) == (libvirt.VIR_ERR_OPERATION_DENIED, libvirt.VIR_FROM_STORAGE)
        assert code == 29
        assert message == ("operation forbidden: read only access prevents "
                           "virStoragePoolDefineXML")
        code, domain, _ = error_of(
            lambda: c.secretDefineXML(secret_xml(PUBLIC_UUID, False, "client.public"), 0))
        assert (code, domain) == (29, libvirt.VIR_FROM_SECRET)
    finally:
        c.close()
    rw = libvirt.open(virtusd.uri())
    try:
        assert rw.listAllStoragePools(0) == [] and rw.listAllSecrets(0) == []
    finally:
        rw.close()


# ---------------------------------------------------------------------------------------------
# The process

def test_virtusd_exits_cleanly_on_sigterm():
    require_virtusd()
    d = Virtusd()
    try:
        c = libvirt.open(d.uri())
        c.close()
        status = d.terminate()
        assert status == 0, "virtusd exit status %r on SIGTERM:\n%s" % (status, d.output())
    finally:
        d.stop()

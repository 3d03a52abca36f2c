"""Hostile and broken clients on raw sockets against one virtusd: garbage, bad length words,
truncated and oversized frames, unknown programs and procedures, payloads that do not decode,
protocol limits one past their maximum, hundreds of connections dropped mid-frame and a client
that sends one byte a second. A well-behaved python-libvirt client keeps calling throughout and
must never see an error; afterwards the daemon still answers, its descriptors are back to the
idle count and its memory did not keep growing.

Where libvirtd can be asked the same thing (a private one, compat_support.Libvirtd), the
expected reply is what libvirtd answers. Frames are built with struct (wire.md: big-endian,
the length word counts itself, a 24-byte header). Every wait is bounded.
"""
import os
import socket
import struct
import threading
import time

import pytest

from compat_support import Libvirtd, Virtusd, require_virtusd, run_virsh

import libvirt

REMOTE_PROGRAM = 0x20008086
CALL, REPLY = 0, 1
OK, ERROR = 0, 1
MESSAGE_MAX = 33554432  # VIR_NET_MESSAGE_MAX: bounds the length word minus 4
STRING_MAX = 4194304  # REMOTE_STRING_MAX
LIST_MAX = 16384  # REMOTE_STORAGE_POOL_LIST_MAX and the other *_LIST_MAX

VIR_ERR_RPC = 39
VIR_FROM_RPC = 7

PROC_OPEN = 1
PROC_SUPPORTS_FEATURE = 60
PROC_AUTH_LIST = 66
PROC_LIST_STORAGE_POOLS = 72
PROC_POOL_LOOKUP_BY_NAME = 84

REPLY_TIMEOUT = 60  # seconds for any one reply (a 32 MiB frame over a unix socket included)


# ---------------------------------------------------------------------------------------------
# Frames

def frame(proc, payload=b"", prog=REMOTE_PROGRAM, vers=1, mtype=CALL, serial=1, status=OK,
          length=None):
    if length is None:
        length = 28 + len(payload)
    return struct.pack(">IIIiiIi", length, prog, vers, proc, mtype, serial, status) + payload


def xdr_string(text):
    data = text.encode()
    return struct.pack(">I", len(data)) + data + b"\0" * ((4 - len(data) % 4) % 4)


def open_args(uri_name):
    # remote_connect_open_args: remote_string name (present), unsigned flags.
    return struct.pack(">I", 1) + xdr_string(uri_name) + struct.pack(">I", 0)


class Closed(Exception):
    """The daemon closed the connection."""


class Raw:
    """A raw client connection speaking frames."""

    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        # A blocking connect, as libvirt's client makes it: when the listen backlog is full it
        # waits for the daemon to accept (bounded by the send timeout) instead of failing
        # with EAGAIN as a socket with a Python timeout would.
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDTIMEO,
                             struct.pack("ll", REPLY_TIMEOUT, 0))
        self.sock.connect(path)
        self.sock.settimeout(REPLY_TIMEOUT)
        self.serial = 100

    def close(self):
        self.sock.close()

    def send(self, data):
        try:
            self.sock.sendall(data)
        except (BrokenPipeError, ConnectionResetError) as e:
            raise Closed(str(e))

    def _exact(self, n):
        chunks = []
        while n:
            try:
                chunk = self.sock.recv(min(n, 1 << 20))
            except ConnectionResetError as e:
                raise Closed(str(e))
            if not chunk:
                raise Closed("end of stream")
            chunks.append(chunk)
            n -= len(chunk)
        return b"".join(chunks)

    def recv(self):
        """(header tuple (prog, vers, proc, type, serial, status), payload)."""
        (length,) = struct.unpack(">I", self._exact(4))
        assert 28 <= length <= MESSAGE_MAX + 4, length
        body = self._exact(length - 4)
        return struct.unpack(">IIiiIi", body[:24]), body[24:]

    def call(self, proc, payload=b""):
        self.serial += 1
        self.send(frame(proc, payload, serial=self.serial))
        header, body = self.recv()
        assert header[:5] == (REMOTE_PROGRAM, 1, proc, REPLY, self.serial), header
        return header[5], body

    def handshake(self, uri_name):
        status, _ = self.call(PROC_AUTH_LIST)
        assert status == OK
        status, body = self.call(PROC_OPEN, open_args(uri_name))
        assert status == OK, parse_error(body)

    def usable(self):
        """A call that every daemon answers at any time works on this connection."""
        status, body = self.call(PROC_SUPPORTS_FEATURE, struct.pack(">i", 10))
        return status == OK and len(body) == 4


def parse_error(payload):
    """(code, domain, message or None) of a remote_error payload."""
    code, domain, present = struct.unpack(">iiI", payload[:12])
    message = None
    if present:
        (n,) = struct.unpack(">I", payload[12:16])
        message = payload[16:16 + n].decode(errors="replace")
    return code, domain, message


def closed_after(conn, data):
    """True when the daemon closes the connection after `data` (bounded wait), False when it
    answers with a frame instead."""
    try:
        conn.send(data)
        conn.recv()
        return False
    except Closed:
        return True


# ---------------------------------------------------------------------------------------------
# The cases that both daemons can be asked; each returns a comparable verdict.

def error_verdict(conn, data, message=True):
    """('error', code, domain[, message], usable afterwards) for a call that must fail."""
    conn.send(data)
    header, body = conn.recv()
    assert header[3] == REPLY and header[5] == ERROR, header
    code, domain, text = parse_error(body)
    verdict = ("error", code, domain) + ((text,) if message else ())
    return verdict + (conn.usable(),)


def case_unknown_procedure(d, name):
    c = Raw(d.socket)
    try:
        c.send(frame(9999, serial=7))
        header, body = c.recv()
        code, domain, text = parse_error(body)
        # The client turns exactly this into VIR_ERR_NO_SUPPORT: the prefix matters, and the
        # header must echo the call.
        return (header, code, domain, text.split(":")[0], c.usable())
    finally:
        c.close()


def case_unknown_program(d, name):
    c = Raw(d.socket)
    try:
        return error_verdict(c, frame(PROC_OPEN, prog=0x12345678))
    finally:
        c.close()


def case_unknown_version(d, name):
    c = Raw(d.socket)
    try:
        return error_verdict(c, frame(PROC_OPEN, vers=7))
    finally:
        c.close()


def case_truncated_payload(d, name):
    # SUPPORTS_FEATURE takes an int: two bytes of it are missing.
    c = Raw(d.socket)
    try:
        return error_verdict(c, frame(PROC_SUPPORTS_FEATURE, b"\0\0"), message=False)
    finally:
        c.close()


def case_string_one_past_the_limit(d, name):
    c = Raw(d.socket)
    try:
        c.handshake(name)
        payload = struct.pack(">I", STRING_MAX + 1) + b"a" * 64
        return error_verdict(c, frame(PROC_POOL_LOOKUP_BY_NAME, payload), message=False)
    finally:
        c.close()


def case_string_one_past_the_limit_in_full(d, name):
    # The same, with every byte of the string sent (the frame is 4 MiB + 36 bytes).
    c = Raw(d.socket)
    try:
        c.handshake(name)
        payload = struct.pack(">I", STRING_MAX + 1) + b"a" * (STRING_MAX + 4)
        return error_verdict(c, frame(PROC_POOL_LOOKUP_BY_NAME, payload), message=False)
    finally:
        c.close()


def case_list_one_past_the_limit(d, name):
    # CONNECT_LIST_STORAGE_POOLS asks for at most `maxnames` names; the limit is the list's.
    c = Raw(d.socket)
    try:
        c.handshake(name)
        return error_verdict(c, frame(PROC_LIST_STORAGE_POOLS, struct.pack(">i", LIST_MAX + 1)),
                             message=False)
    finally:
        c.close()


def case_list_at_the_limit(d, name):
    c = Raw(d.socket)
    try:
        c.handshake(name)
        status, body = c.call(PROC_LIST_STORAGE_POOLS, struct.pack(">i", LIST_MAX))
        return status
    finally:
        c.close()


def case_length_below_header(d, name):
    verdicts = []
    for length in (0, 4, 27):
        c = Raw(d.socket)
        try:
            verdicts.append(closed_after(c, struct.pack(">I", length) + b"\0" * 24))
        finally:
            c.close()
    return verdicts


def case_length_above_limit(d, name):
    c = Raw(d.socket)
    try:
        return closed_after(c, struct.pack(">I", MESSAGE_MAX + 5) + b"\0" * 24)
    finally:
        c.close()


def case_largest_frame(d, name):
    # Exactly VIR_NET_MESSAGE_MAX + 4 bytes: a legal frame whose payload is junk.
    c = Raw(d.socket)
    try:
        c.handshake(name)
        junk = (b"\xff\x00\x13\x37" * (MESSAGE_MAX // 4))[:MESSAGE_MAX - 24]
        return error_verdict(c, frame(PROC_POOL_LOOKUP_BY_NAME, junk), message=False)
    finally:
        c.close()


COMPARED_CASES = [
    case_unknown_procedure,
    case_unknown_program,
    case_unknown_version,
    case_truncated_payload,
    case_string_one_past_the_limit,
    case_string_one_past_the_limit_in_full,
    case_list_one_past_the_limit,
    case_list_at_the_limit,
    case_length_below_header,
    case_length_above_limit,
    case_largest_frame,
]


@pytest.fixture(scope="module")
def libvirtd_verdicts():
    """What libvirtd answers to every compared case (it serves test:///default here)."""
    d = Libvirtd()
    try:
        return {case.__name__: case(d, "test:///default") for case in COMPARED_CASES}
    finally:
        d.stop()


@pytest.mark.parametrize("case", COMPARED_CASES, ids=lambda c: c.__name__[5:])
def test_reply_matches_libvirtd(case, libvirtd_verdicts):
    require_virtusd()
    d = Virtusd()
    try:
        got = case(d, "qemu:///system")
        assert d.alive(), d.output()
    finally:
        d.stop()
    assert got == libvirtd_verdicts[case.__name__]


def test_unknown_procedure_reply_is_exactly_libvirts():
    """The whole reply spelled out (wire.md, libvirtd's "unknown procedure: N"): libvirt's client
    turns exactly this form into VIR_ERR_NO_SUPPORT, which virsh's fallbacks test for."""
    require_virtusd()
    d = Virtusd()
    try:
        c = Raw(d.socket)
        c.send(frame(9999, serial=42))
        header, body = c.recv()
        assert header == (REMOTE_PROGRAM, 1, 9999, REPLY, 42, ERROR)
        code, domain, text = parse_error(body)
        assert (code, domain) == (VIR_ERR_RPC, VIR_FROM_RPC)
        assert text.startswith("unknown procedure: 9999"), text
        n = len(text.encode())
        (level,) = struct.unpack(">i", body[16 + n + (-n) % 4:][:4])
        assert level == 2  # VIR_ERR_ERROR
        assert c.usable()
        c.close()
    finally:
        d.stop()


# ---------------------------------------------------------------------------------------------
# One daemon under a barrage, with a well-behaved client alongside.

def fd_count(pid):
    return len(os.listdir("/proc/%d/fd" % pid))


def status_field(pid, field):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise AssertionError("no %s in /proc/%d/status" % (field, pid))


def wait_until(predicate, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return predicate()


class GoodClient(threading.Thread):
    """python-libvirt calls in a loop: reads and a write of its own, each checked."""

    def __init__(self, uri, data_dir):
        super().__init__(daemon=True)
        self.uri = uri
        self.data_dir = data_dir
        self.stop_event = threading.Event()
        self.errors = []
        self.calls = 0

    def run(self):
        try:
            conn = libvirt.open(self.uri)
        except libvirt.libvirtError as e:
            self.errors.append("open: %s" % e)
            return
        try:
            target = os.path.join(self.data_dir, "good")
            pool = conn.storagePoolDefineXML(
                "<pool type='dir'><name>good</name><target><path>%s</path></target></pool>"
                % target, 0)
            pool.build(0)
            pool.create(0)
            n = 0
            while not self.stop_event.is_set():
                n += 1
                names = sorted(p.name() for p in conn.listAllStoragePools(0))
                if names != ["good"]:
                    self.errors.append("pools: %r" % names)
                state = conn.storagePoolLookupByName("good").info()[0]
                if state != libvirt.VIR_STORAGE_POOL_RUNNING:
                    self.errors.append("pool 'good' is in state %d" % state)
                vol = pool.createXML("<volume><name>v%d.img</name><capacity>1024</capacity>"
                                     "</volume>" % n, 0)
                if vol.info()[1] != 1024:
                    self.errors.append("volume capacity: %r" % (vol.info(),))
                vol.delete(0)
                if pool.numOfVolumes() != 0:
                    self.errors.append("volumes left: %r" % pool.listVolumes())
                self.calls += 1
                time.sleep(0.02)
            pool.destroy()
            pool.undefine()
        except libvirt.libvirtError as e:
            self.errors.append("call failed: %s" % e)
        finally:
            try:
                conn.close()
            except libvirt.libvirtError:
                pass


class Slowloris(threading.Thread):
    """Sends one valid call one byte a second, then waits for its reply."""

    def __init__(self, path):
        super().__init__(daemon=True)
        self.path = path
        self.reply = None
        self.error = None

    def run(self):
        try:
            c = Raw(self.path)
            data = frame(PROC_SUPPORTS_FEATURE, struct.pack(">i", 10), serial=5)
            for i in range(len(data)):
                c.send(data[i:i + 1])
                time.sleep(1)
            self.reply = c.recv()
            c.close()
        except Exception as e:  # noqa: BLE001 - reported by the test
            self.error = repr(e)


def hostile_round(d):
    """Every kind of abuse once; returns nothing, asserts on what must be answered."""
    path = d.socket

    # Garbage: a length word far above the limit, then more junk. Closed.
    c = Raw(path)
    assert closed_after(c, b"\xde\xad\xbe\xef" * 1024)
    c.close()
    # Random bytes, then the client goes away (whatever the daemon makes of them).
    c = Raw(path)
    try:
        c.send(os.urandom(8192))
    except Closed:
        pass
    c.close()

    # Length words below the header and above the limit: closed.
    for length in (0, 27, MESSAGE_MAX + 5, 0xFFFFFFFF):
        c = Raw(path)
        assert closed_after(c, struct.pack(">I", length) + b"\0" * 24), length
        c.close()

    # A truncated frame, then close.
    c = Raw(path)
    c.send(frame(PROC_SUPPORTS_FEATURE, b"\0" * 1000)[:100])
    c.close()

    c = Raw(path)
    c.handshake("qemu:///system")
    # Unknown program: an error reply, the connection stays.
    verdict = error_verdict(c, frame(PROC_OPEN, prog=0x12345678), message=False)
    assert verdict == ("error", VIR_ERR_RPC, VIR_FROM_RPC, True)
    # Unknown procedure.
    c.send(frame(9999, serial=9))
    header, body = c.recv()
    assert header == (REMOTE_PROGRAM, 1, 9999, REPLY, 9, ERROR)
    code, domain, text = parse_error(body)
    assert (code, domain) == (VIR_ERR_RPC, VIR_FROM_RPC) and text.startswith("unknown procedure")
    assert c.usable()
    # Truncated payload and trailing bytes. libvirtd ignores trailing bytes; virtusd refuses
    # them (issue 3: every payload must decode exactly).
    for payload in (b"\0\0", struct.pack(">iI", 10, 0)):
        assert error_verdict(c, frame(PROC_SUPPORTS_FEATURE, payload), message=False) == \
            ("error", VIR_ERR_RPC, VIR_FROM_RPC, True), payload
    # A string one past REMOTE_STRING_MAX, a list one past its maximum.
    assert error_verdict(c, frame(PROC_POOL_LOOKUP_BY_NAME,
                                  struct.pack(">I", STRING_MAX + 1) + b"a" * 64),
                         message=False)[-1]
    status, _ = c.call(PROC_LIST_STORAGE_POOLS, struct.pack(">i", LIST_MAX + 1))
    assert status == ERROR
    # A 30 MiB frame of junk with a valid header: an error reply, the connection stays.
    junk = os.urandom(30 * 1024 * 1024)
    status, body = c.call(PROC_POOL_LOOKUP_BY_NAME, junk)
    assert status == ERROR and parse_error(body)[:2] == (VIR_ERR_RPC, VIR_FROM_RPC)
    assert c.usable()
    c.close()

    # Hundreds of connections, opened in batches and dropped mid-frame.
    for batch in range(6):
        conns = [Raw(path) for _ in range(50)]
        for i, c in enumerate(conns):
            data = frame(PROC_POOL_LOOKUP_BY_NAME, xdr_string("x" * 200), serial=i)
            try:
                c.send(data[:(i * 7) % len(data)])
            except Closed:
                pass
        for c in conns:
            c.close()


def test_hostile_clients_never_disturb_a_good_one():
    require_virtusd()
    d = Virtusd()
    good = None
    slow = None
    try:
        pid = d.proc.pid
        # Idle: one well-behaved client connected and calling.
        good = GoodClient(d.uri(), d.data)
        good.start()
        assert wait_until(lambda: good.calls >= 3 or good.errors or not good.is_alive(), 60), \
            "the good client made no progress"
        assert not good.errors, good.errors
        time.sleep(1)
        idle_fds = fd_count(pid)
        idle_threads = status_field(pid, "Threads")
        idle_rss = status_field(pid, "VmRSS")

        slow = Slowloris(d.socket)
        slow.start()

        calls_before = good.calls
        rss_after_round = []
        for _ in range(3):
            hostile_round(d)
            assert d.alive(), d.output()
            rss_after_round.append(status_field(pid, "VmRSS"))
        calls_during = good.calls - calls_before

        slow.join(timeout=120)
        assert not slow.is_alive(), "the slow client never got its reply"
        assert slow.error is None, slow.error
        header, body = slow.reply
        assert header == (REMOTE_PROGRAM, 1, PROC_SUPPORTS_FEATURE, REPLY, 5, OK)

        # The good client kept working the whole time, and still does.
        assert calls_during > 0, "the good client made no call while the hostile ones ran"
        calls_after = good.calls
        assert wait_until(lambda: good.calls >= calls_after + 3 or good.errors, 60)
        good.stop_event.set()
        good.join(timeout=60)
        assert not good.is_alive(), "the good client did not finish"
        assert not good.errors, good.errors
        rc, out, err = run_virsh(d.uri(), ["pool-list", "--all", "--name"])
        assert rc == 0 and out.strip() == "", (rc, out, err)

        # Nothing leaked: descriptors and threads back to idle, memory did not keep growing.
        assert d.alive(), d.output()
        assert wait_until(lambda: fd_count(pid) <= idle_fds, 30), \
            "virtusd holds %d descriptors, %d when idle: %s" % (
                fd_count(pid), idle_fds, sorted(os.listdir("/proc/%d/fd" % pid)))
        assert wait_until(lambda: status_field(pid, "Threads") <= idle_threads, 30), \
            "virtusd runs %d threads, %d when idle" % (status_field(pid, "Threads"), idle_threads)
        # Each round handles a 30 MiB frame; the rounds after the first must not add to it.
        assert rss_after_round[-1] - rss_after_round[0] < 64 * 1024, rss_after_round
        assert rss_after_round[-1] - idle_rss < 256 * 1024, (idle_rss, rss_after_round)
    finally:
        if good is not None:
            good.stop_event.set()
        d.stop()

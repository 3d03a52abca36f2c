"""Domain lifecycle events from virtusd's test:///default to unmodified libvirt clients: the
python binding's domainEventRegisterAny (with libvirt's default event loop running in a
thread) and `virsh event --all --loop`.

The sequence each client sees is compared with what libvirt's own test driver sends for the
same operations (`test:///default` in the client process: its events come from the client
library itself, through the same event loop).

Every wait is bounded: events are awaited on a condition with a deadline, virsh runs with
--timeout and under a subprocess deadline.
"""
import select
import shutil
import subprocess
import tempfile
import time

import libvirt
import pytest

from compat_support import VIRSH, Virtusd, require_virtusd, virsh_env
from domain_events import Recorder, start_event_loop

EVENT_WAIT = 15  # seconds for an expected event to arrive
VIRSH_EVENT_TIMEOUT = 40  # seconds `virsh event` listens

GUEST_XML = """<domain type='test'>
  <name>{name}</name>
  <uuid>{uuid}</uuid>
  <memory unit='KiB'>1048576</memory>
  <vcpu>1</vcpu>
  <os>
    <type>hvm</type>
  </os>
</domain>
"""

UUIDS = {
    "ev": "0d2c3e44-6a1b-4f0e-9d55-3c7e2a8b9f01",
    "other": "5b9e1a72-2c4d-4e8f-a1b3-7d6c5e4f3a21",
}


def guest_xml(name):
    return GUEST_XML.format(name=name, uuid=UUIDS[name])


E = libvirt
LIFECYCLE = [
    ("ev", E.VIR_DOMAIN_EVENT_DEFINED, E.VIR_DOMAIN_EVENT_DEFINED_ADDED),
    ("ev", E.VIR_DOMAIN_EVENT_STARTED, E.VIR_DOMAIN_EVENT_STARTED_BOOTED),
    ("ev", E.VIR_DOMAIN_EVENT_SUSPENDED, E.VIR_DOMAIN_EVENT_SUSPENDED_PAUSED),
    ("ev", E.VIR_DOMAIN_EVENT_RESUMED, E.VIR_DOMAIN_EVENT_RESUMED_UNPAUSED),
    ("ev", E.VIR_DOMAIN_EVENT_STOPPED, E.VIR_DOMAIN_EVENT_STOPPED_DESTROYED),
    ("ev", E.VIR_DOMAIN_EVENT_DEFINED, E.VIR_DOMAIN_EVENT_DEFINED_UPDATED),
    ("ev", E.VIR_DOMAIN_EVENT_STARTED, E.VIR_DOMAIN_EVENT_STARTED_BOOTED),
    ("ev", E.VIR_DOMAIN_EVENT_STOPPED, E.VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN),
    ("ev", E.VIR_DOMAIN_EVENT_UNDEFINED, E.VIR_DOMAIN_EVENT_UNDEFINED_REMOVED),
]


def run_lifecycle(conn):
    """The operations whose events LIFECYCLE lists, in order."""
    dom = conn.defineXML(guest_xml("ev"))
    dom.create()
    dom.suspend()
    dom.resume()
    dom.destroy()
    conn.defineXML(guest_xml("ev"))
    dom.create()
    dom.shutdown()
    dom.undefine()


@pytest.fixture
def virtusd():
    require_virtusd()
    d = Virtusd()
    yield d
    d.stop()


def virtus_test_uri(daemon):
    return "test+unix:///default?socket=%s" % daemon.socket


def lifecycle_seen_by_python(uri):
    """Registers for every domain's lifecycle events on `uri`, runs the lifecycle, and returns
    the events received."""
    start_event_loop()
    conn = libvirt.open(uri)
    try:
        rec = Recorder()
        cb = conn.domainEventRegisterAny(None, libvirt.VIR_DOMAIN_EVENT_ID_LIFECYCLE, rec, None)
        try:
            run_lifecycle(conn)
            return rec.wait_for(len(LIFECYCLE))
        finally:
            conn.domainEventDeregisterAny(cb)
    finally:
        conn.close()


def test_libvirt_test_driver_sends_the_reference_sequence():
    # The reference: libvirt's own test driver, in this process.
    assert lifecycle_seen_by_python("test:///default") == LIFECYCLE


def test_python_binding_receives_the_lifecycle(virtusd):
    assert lifecycle_seen_by_python(virtus_test_uri(virtusd)) == LIFECYCLE


def test_domain_filter_and_deregister(virtusd):
    start_event_loop()
    conn = libvirt.open(virtus_test_uri(virtusd))
    try:
        test = conn.lookupByName("test")
        other = conn.defineXML(guest_xml("other"))
        everything, only_test, dropped = Recorder(), Recorder(), Recorder()
        cb_all = conn.domainEventRegisterAny(None, libvirt.VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                             everything, None)
        cb_test = conn.domainEventRegisterAny(test, libvirt.VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                              only_test, None)
        # (The binding refuses two registrations for the same domain filter on one
        # connection: this one filters on 'other'.)
        cb_dropped = conn.domainEventRegisterAny(other, libvirt.VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                                 dropped, None)
        # Known event ids other than lifecycle register as on libvirtd (none are sent).
        cb_reboot = conn.domainEventRegisterAny(None, libvirt.VIR_DOMAIN_EVENT_ID_REBOOT,
                                                lambda *a: None, None)
        conn.domainEventDeregisterAny(cb_dropped)

        test.suspend()
        test.resume()
        other.undefine()
        got = everything.wait_for(3)
        assert got == [
            ("test", E.VIR_DOMAIN_EVENT_SUSPENDED, E.VIR_DOMAIN_EVENT_SUSPENDED_PAUSED),
            ("test", E.VIR_DOMAIN_EVENT_RESUMED, E.VIR_DOMAIN_EVENT_RESUMED_UNPAUSED),
            ("other", E.VIR_DOMAIN_EVENT_UNDEFINED, E.VIR_DOMAIN_EVENT_UNDEFINED_REMOVED),
        ]
        # Events reach the callbacks of one connection in order: by now the others have
        # received everything they were going to.
        assert only_test.wait_for(2) == got[0:2]
        assert dropped.events == []
        conn.domainEventDeregisterAny(cb_reboot)
        conn.domainEventDeregisterAny(cb_test)
        conn.domainEventDeregisterAny(cb_all)
    finally:
        conn.close()


def read_line(proc, deadline):
    """The next line virsh prints, or None once the deadline has passed."""
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        return None
    ready, _, _ = select.select([proc.stdout], [], [], remaining)
    if not ready:
        return None
    line = proc.stdout.readline()
    return line.decode(errors="backslashreplace").rstrip("\n") if line else None


def test_virsh_event_all_loop_sees_the_lifecycle(virtusd):
    uri = virtus_test_uri(virtusd)
    home = tempfile.mkdtemp(prefix="virtus-compat-events.")
    # --all registers every event id libvirt knows: each registration must succeed.
    proc = subprocess.Popen(["stdbuf", "-o0", VIRSH, "-c", uri, "event", "--all", "--loop",
                             "--timeout", str(VIRSH_EVENT_TIMEOUT)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            stdin=subprocess.DEVNULL, env=virsh_env(home), cwd=home,
                            bufsize=0)  # unbuffered: select() sees every line virsh prints
    try:
        start_event_loop()
        conn = libvirt.open(uri)
        try:
            deadline = time.monotonic() + VIRSH_EVENT_TIMEOUT - 5
            test = conn.lookupByName("test")
            # virsh prints nothing once registered: probe with a suspend and resume of 'test'
            # until it reports one (each probe waits for output, bounded by the deadline).
            first = None
            while first is None and time.monotonic() < deadline and proc.poll() is None:
                test.suspend()
                test.resume()
                first = read_line(proc, min(deadline, time.monotonic() + 1))
            assert first is not None, "virsh event printed nothing: %s" % (
                proc.stderr.read().decode(errors="backslashreplace") if proc.poll() is not None
                else "")
            assert first.startswith("event 'lifecycle' for domain 'test': "), first

            run_lifecycle(conn)
            lines = []
            while len(lines) < len(LIFECYCLE):
                line = read_line(proc, deadline)
                if line is None:
                    break
                if "'ev'" in line:
                    lines.append(line)
        finally:
            conn.close()
    finally:
        proc.kill()
        proc.communicate(timeout=10)
        shutil.rmtree(home, ignore_errors=True)
    assert lines == [
        "event 'lifecycle' for domain 'ev': Defined Added",
        "event 'lifecycle' for domain 'ev': Started Booted",
        "event 'lifecycle' for domain 'ev': Suspended Paused",
        "event 'lifecycle' for domain 'ev': Resumed Unpaused",
        "event 'lifecycle' for domain 'ev': Stopped Destroyed",
        "event 'lifecycle' for domain 'ev': Defined Updated",
        "event 'lifecycle' for domain 'ev': Started Booted",
        "event 'lifecycle' for domain 'ev': Stopped Shutdown",
        "event 'lifecycle' for domain 'ev': Undefined Removed",
    ]

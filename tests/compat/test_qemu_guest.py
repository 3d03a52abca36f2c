"""A real guest under virtusd, driven by the real virsh: the tests' tiny guest (tests/guest)
boots under TCG from two volumes of a dir pool (qcow2 and raw), reports them with the right
contents, is suspended, resumed and shut down through the ACPI button; started again, it
survives a restart of virtusd, is destroyed by the new daemon, and nothing is left."""
import os
import signal
import subprocess
import time

import libvirt

from compat_support import as_daemon_user, run_virsh, socket_accepts
from domain_events import Recorder, start_event_loop
from qemu_guest_support import (BOOT_TIMEOUT, STATE_TIMEOUT, check_disks, console, domstate,  # noqa: F401
                                pid_alive, qemu_pid, reaches_state, setup, tg, virsh_ok,
                                wait_until)


def test_guest_lifecycle_through_virsh(setup):
    daemon, xml, pids = setup
    uri = daemon.uri()
    # The lifecycle events, as a python client registered for them receives them.
    start_event_loop()
    conn = libvirt.open(uri)
    events = Recorder()
    callback = conn.domainEventRegisterAny(None, libvirt.VIR_DOMAIN_EVENT_ID_LIFECYCLE, events,
                                           None)
    try:
        run_lifecycle(daemon, xml, pids)
        E = libvirt
        want = [("g1", E.VIR_DOMAIN_EVENT_DEFINED, E.VIR_DOMAIN_EVENT_DEFINED_ADDED),
                ("g1", E.VIR_DOMAIN_EVENT_STARTED, E.VIR_DOMAIN_EVENT_STARTED_BOOTED),
                ("g1", E.VIR_DOMAIN_EVENT_SUSPENDED, E.VIR_DOMAIN_EVENT_SUSPENDED_PAUSED),
                ("g1", E.VIR_DOMAIN_EVENT_RESUMED, E.VIR_DOMAIN_EVENT_RESUMED_UNPAUSED),
                ("g1", E.VIR_DOMAIN_EVENT_SHUTDOWN, E.VIR_DOMAIN_EVENT_SHUTDOWN_GUEST),
                ("g1", E.VIR_DOMAIN_EVENT_STOPPED, E.VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN),
                ("g1", E.VIR_DOMAIN_EVENT_UNDEFINED, E.VIR_DOMAIN_EVENT_UNDEFINED_REMOVED)]
        assert events.wait_for(len(want)) == want
    finally:
        conn.domainEventDeregisterAny(callback)
        conn.close()


def run_lifecycle(daemon, xml, pids):
    uri = daemon.uri()
    virsh_ok(uri, "define", xml)
    assert domstate(uri, "g1") == "shut off (unknown)"
    assert "g1" in virsh_ok(uri, "list", "--inactive", "--name")

    virsh_ok(uri, "start", "g1")
    report = tg.wait_for(console(daemon), lambda r: r.done, BOOT_TIMEOUT)
    check_disks(report)
    assert domstate(uri, "g1") == "running (booted)"
    pid = qemu_pid(daemon.tree, "g1")
    assert pid and pid_alive(pid)
    pids.append(pid)
    assert virsh_ok(uri, "domid", "g1").strip().isdigit()
    info = virsh_ok(uri, "dominfo", "g1")
    assert "State:          running" in info and "Max memory:     262144 KiB" in info, info

    virsh_ok(uri, "suspend", "g1")
    assert domstate(uri, "g1") == "paused (user)"
    virsh_ok(uri, "resume", "g1")
    assert domstate(uri, "g1") == "running (unpaused)"

    # The guest's init powers off on the ACPI power button; a press may be lost while the
    # machine is loaded, so it is pressed again until the guest goes (bounded).
    deadline = time.monotonic() + STATE_TIMEOUT
    while not reaches_state(uri, "g1", "shut off (shutdown)", 3):
        assert time.monotonic() < deadline, domstate(uri, "g1")
        run_virsh(uri, ["shutdown", "g1"])
    wait_until(lambda: not pid_alive(pid), STATE_TIMEOUT, "QEMU to exit")
    assert tg.read_report(console(daemon)).poweroff == "button"
    assert not os.path.exists(os.path.join(daemon.tree, "run", "qemu", "g1.xml"))

    # Errors as libvirt words them.
    rc, _, err = run_virsh(uri, ["suspend", "g1"])
    assert rc != 0 and "domain is not running" in err, err
    rc, _, err = run_virsh(uri, ["dominfo", "nope"])
    assert rc != 0 and "failed to get domain 'nope'" in err, err

    virsh_ok(uri, "undefine", "g1")
    assert "g1" not in virsh_ok(uri, "list", "--all", "--name")


def test_guest_survives_a_daemon_restart(setup):
    daemon, xml, pids = setup
    uri = daemon.uri()
    virsh_ok(uri, "define", xml)
    virsh_ok(uri, "start", "g1")
    tg.wait_for(console(daemon), lambda r: r.done, BOOT_TIMEOUT)
    pid = qemu_pid(daemon.tree, "g1")
    assert pid and pid_alive(pid)
    pids.append(pid)

    # SIGTERM to virtusd alone (not its process group): QEMU runs in a session of its own.
    binary = [a for a in daemon.proc.args if os.path.basename(a) == "virtusd"][0]
    daemon.proc.send_signal(signal.SIGTERM)
    assert daemon.proc.wait(timeout=30) == 0
    assert pid_alive(pid), "the guest died with the daemon"

    restarted = subprocess.Popen(as_daemon_user([binary, "--root", daemon.tree]),
                                 stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        wait_until(lambda: socket_accepts(daemon.socket), 30, "the restarted daemon")
        assert domstate(uri, "g1") == "running (booted)"
        virsh_ok(uri, "destroy", "g1")
        assert domstate(uri, "g1") == "shut off (destroyed)"
        wait_until(lambda: not pid_alive(pid), STATE_TIMEOUT, "QEMU to exit")
        assert not os.path.exists(os.path.join(daemon.tree, "run", "qemu", "g1.xml"))
        assert not os.path.exists(os.path.join(daemon.tree, "run", "qemu", "g1.monitor"))
        virsh_ok(uri, "undefine", "g1")
    finally:
        restarted.send_signal(signal.SIGTERM)
        try:
            restarted.wait(timeout=30)
        except subprocess.TimeoutExpired:
            restarted.kill()

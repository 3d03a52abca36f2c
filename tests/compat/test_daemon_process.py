"""virtusd as a process: one daemon per root, clean stop on SIGTERM, state kept across a
restart, --daemon with its pid file, SIGHUP with a broken config file."""
import os
import signal
import subprocess
import time

import pytest

from compat_support import (VIRTUSD_BIN, Virtusd, as_daemon_user, require_virtusd, run_virsh,
                            socket_accepts)


@pytest.fixture
def daemon():
    require_virtusd()
    d = Virtusd()
    yield d
    d.stop()


def wait_for(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError("timed out after %ss waiting for %s" % (timeout, what))


def virtusd_argv(daemon):
    # The fixture may run a copy of the binary the daemon user can reach, behind setpriv.
    return [a for a in daemon.proc.args if os.path.basename(a) == "virtusd"][:1]


def test_second_daemon_on_the_same_root_refuses(daemon):
    p = subprocess.run(as_daemon_user(virtusd_argv(daemon) + ["--root", daemon.tree]),
                       capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL)
    assert p.returncode == 1
    assert "virtusd is already running for root '%s' (pid %d)" % (daemon.tree, daemon.proc.pid) \
        in p.stderr, p.stderr
    # The first one still serves.
    rc, out, err = run_virsh(daemon.uri(), ["pool-list", "--all"])
    assert rc == 0, err


def test_sigterm_stops_cleanly_and_state_survives_a_restart(daemon):
    target = os.path.join(daemon.data, "keep")
    for args in (["pool-define-as", "keep", "dir", "--target", target],
                 ["pool-build", "keep"], ["pool-start", "keep"], ["pool-autostart", "keep"],
                 ["vol-create-as", "keep", "v.img", "1M"]):
        rc, out, err = run_virsh(daemon.uri(), args)
        assert rc == 0, (args, err)

    assert daemon.terminate() == 0
    pid_file = os.path.join(daemon.tree, "run", "virtusd.pid")
    assert not os.path.exists(daemon.socket)
    assert not os.path.exists(daemon.socket_ro)
    assert not os.path.exists(pid_file)

    restarted = subprocess.Popen(as_daemon_user(virtusd_argv(daemon) + ["--root", daemon.tree]),
                                 stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                 stderr=subprocess.STDOUT)
    try:
        wait_for(lambda: socket_accepts(daemon.socket), 30, "the restarted daemon's socket")
        rc, out, err = run_virsh(daemon.uri(), ["pool-list", "--all"])
        assert rc == 0, err
        assert " keep   active   yes" in out, out
        rc, out, err = run_virsh(daemon.uri(), ["vol-list", "keep"])
        assert "v.img" in out, out
    finally:
        restarted.send_signal(signal.SIGTERM)
        assert restarted.wait(timeout=30) == 0


def test_daemon_mode_writes_its_pid_file_and_stops_on_sigterm(daemon):
    # A second tree for a daemonised instance.
    tree = os.path.join(daemon.data, "tree2")
    os.makedirs(tree)
    os.chown(tree, *(os.stat(daemon.data).st_uid, os.stat(daemon.data).st_gid))
    p = subprocess.run(as_daemon_user(virtusd_argv(daemon) + ["--root", tree, "--daemon"]),
                       capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert p.returncode == 0, p.stderr
    sock = os.path.join(tree, "run", "virtus-sock")
    assert socket_accepts(sock), "the parent returned before the daemon listened"
    pid_file = os.path.join(tree, "run", "virtusd.pid")
    with open(pid_file) as f:
        pid = int(f.read().strip())
    os.kill(pid, 0)
    os.kill(pid, signal.SIGTERM)
    wait_for(lambda: not os.path.exists(pid_file), 30, "the daemon to remove its pid file")
    wait_for(lambda: not os.path.exists("/proc/%d" % pid) or
             open("/proc/%d/stat" % pid).read().split()[2] == "Z", 30, "the daemon to exit")


def test_sighup_with_a_broken_config_keeps_serving(daemon):
    conf = os.path.join(daemon.tree, "etc", "virtusd.conf")
    os.makedirs(os.path.dirname(conf), exist_ok=True)
    with open(conf, "w") as f:
        f.write("max_workers = \"not a number\n")
    daemon.proc.send_signal(signal.SIGHUP)
    time.sleep(0.5)
    assert daemon.proc.poll() is None
    rc, out, err = run_virsh(daemon.uri(), ["pool-list", "--all"])
    assert rc == 0, err
    wait_for(lambda: "cannot reload the configuration" in daemon.output(), 10,
             "the reload error in the daemon's output")

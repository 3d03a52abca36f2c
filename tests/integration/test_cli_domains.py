"""The domain commands of the real `virtus` binary against a real virtusd serving libvirt's
test driver (`-c test+unix:///default?socket=…`, no QEMU needed), compared with real `virsh`
on the same URI: the read-only commands must print exactly what virsh prints (stdout, stderr
and exit status), and each lifecycle step virtus takes must print what virsh prints for the
same step on a twin guest, with the guest's state then checked through virsh."""
import json
import os
import shutil
import sys
import tempfile

import pytest

from cli_support import BIN, require_bin, virtus

# virtusd is built beside virtus; compat_support (tests/compat) knows how to run it.
os.environ.setdefault("VIRTUSD_BIN", os.path.join(os.path.dirname(BIN), "virtusd") if BIN else "")
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "compat"))
import compat_support  # noqa: E402

DOMAIN_XML = """<domain type='test'>
  <name>{name}</name>
  <memory unit='KiB'>1048576</memory>
  <vcpu>1</vcpu>
  <os>
    <type>hvm</type>
  </os>
</domain>
"""

TEST_UUID = "6695eb01-f6a4-8304-79aa-97f2502e193f"  # libvirt's default guest 'test'


@pytest.fixture(scope="module")
def daemon():
    require_bin()
    assert os.access(compat_support.VIRTUSD_BIN, os.X_OK), \
        "virtusd must be built beside virtus: '%s'" % compat_support.VIRTUSD_BIN
    d = compat_support.Virtusd()
    client = tempfile.mkdtemp(prefix="virtus-cli-domains.")
    try:
        yield {"uri": "test+unix:///default?socket=%s" % d.socket, "dir": client}
    finally:
        d.stop()
        shutil.rmtree(client, ignore_errors=True)


def run_virtus(d, *args):
    p = virtus(None, "-c", d["uri"], *args, timeout=120)
    return p.returncode, p.stdout, p.stderr


def run_virsh(d, *args):
    return compat_support.run_virsh(d["uri"], list(args), cwd=d["dir"])


def write_domain(d, name):
    path = os.path.join(d["dir"], name + ".xml")
    with open(path, "w") as f:
        f.write(DOMAIN_XML.format(name=name))
    return path


def assert_same(d, *args):
    """virtus and virsh print the same lines, on both streams, with the same status."""
    ours, theirs = run_virtus(d, *args), run_virsh(d, *args)
    assert ours[1].splitlines() == theirs[1].splitlines(), (args, "stdout", ours, theirs)
    assert ours[2].splitlines() == theirs[2].splitlines(), (args, "stderr", ours, theirs)
    assert ours[0] == theirs[0], (args, "status", ours, theirs)
    return ours


READ_ONLY = [
    ("list",),
    ("list", "--all"),
    ("list", "--state-running"),
    ("list", "--state-shutoff"),
    ("list", "--all", "--name"),
    ("list", "--all", "--uuid", "--name"),
    ("dominfo", "test"),
    ("dominfo", "1"),
    ("dominfo", TEST_UUID),
    ("domstate", "test"),
    ("domstate", "--reason", "test"),
    ("dumpxml", "test"),
    ("dumpxml", "--inactive", "test"),
    ("domid", "test"),
    ("domid", TEST_UUID),
    ("domuuid", "test"),
    ("domuuid", "1"),
    ("domname", "1"),
    ("domname", TEST_UUID),
    # failures: the same messages
    ("dominfo", "nosuch"),
    ("domstate", "nosuch"),
    ("domname", "99"),
    ("start", "test"),
    ("domblkinfo", "test", "vda"),
]


@pytest.mark.parametrize("args", READ_ONLY, ids=[" ".join(a) for a in READ_ONLY])
def test_read_only_commands_print_what_virsh_prints(daemon, args):
    status, out, _ = assert_same(daemon, *args)
    if args[0] in ("list", "dominfo", "dumpxml") and args[-1] != "nosuch":
        assert status == 0 and out.strip(), out  # a real answer, not two empty outputs


def test_json_views_agree_with_the_text(daemon):
    status, out, err = run_virtus(daemon, "list", "--all", "--json")
    assert status == 0, err
    listed = {g["name"]: g for g in json.loads(out)}
    assert listed["test"]["id"] == 1
    assert listed["test"]["uuid"] == TEST_UUID
    assert listed["test"]["state"] == "running"
    assert listed["test"]["persistent"] is True
    status, out, err = run_virtus(daemon, "dominfo", "test", "--json")
    assert status == 0, err
    info = json.loads(out)
    text = run_virsh(daemon, "dominfo", "test")[1]
    assert "Max memory:     %d KiB" % info["maxMemoryKiB"] in text
    assert "CPU(s):         %d" % info["vcpus"] in text
    assert info["name"] == "test" and info["state"] == "running"


def virsh_state(d, name):
    status, out, err = run_virsh(d, "domstate", name)
    return out.strip() if status == 0 else err.strip()


# (step, the state virsh must then report for the guest)
LIFECYCLE = [
    (("define", "{file}"), "shut off"),
    (("start", "{name}"), "running"),
    (("suspend", "{name}"), "paused"),
    (("suspend", "{name}"), "paused"),  # fails the same way in both
    (("resume", "{name}"), "running"),
    (("autostart", "{name}"), "running"),
    (("autostart", "--disable", "{name}"), "running"),
    (("reboot", "{name}"), "running"),
    (("reset", "{name}"), "running"),
    (("shutdown", "{name}"), "shut off"),
    (("shutdown", "{name}"), "shut off"),  # not running: the same error
    (("start", "{name}"), "running"),
    (("destroy", "{name}"), "shut off"),
    (("destroy", "{name}"), "shut off"),  # not running: the same error
    (("start", "--paused", "{name}"), None),  # what the daemon does with --paused: compared
    (("destroy", "{name}"), "shut off"),
    (("undefine", "{name}"), None),
]


def test_lifecycle_steps_match_virsh_and_reach_the_daemon(daemon):
    d = daemon
    ours, twin = "cli1", "cli2"
    files = {ours: write_domain(d, ours), twin: write_domain(d, twin)}
    for step, state in LIFECYCLE:
        mine = [a.format(name=ours, file=files[ours]) for a in step]
        theirs = [a.format(name=twin, file=files[twin]) for a in step]
        got = run_virtus(d, *mine)
        want = run_virsh(d, *theirs)
        want_out, want_err = (t.replace(twin, ours) for t in want[1:])
        assert got[0] == want[0], (step, got, want)
        assert got[1].splitlines() == want_out.splitlines(), (step, got, want)
        assert got[2].splitlines() == want_err.splitlines(), (step, got, want)
        if state is not None:
            assert virsh_state(d, ours) == state, step
            assert virsh_state(d, twin) == state, step
    # undefined: virsh no longer finds it
    assert virsh_state(d, ours).startswith("error: failed to get domain 'cli1'")
    assert ours not in run_virsh(d, "list", "--all", "--name")[1].split()


def test_define_shows_up_in_virshs_list_with_autostart(daemon):
    d = daemon
    path = write_domain(d, "cli3")
    status, out, err = run_virtus(d, "define", path)
    assert status == 0, err
    assert out == "Domain 'cli3' defined from %s\n\n" % path
    assert "cli3" in run_virsh(d, "list", "--inactive", "--name")[1].split()
    assert run_virtus(d, "autostart", "cli3")[0] == 0
    assert "cli3" in run_virsh(d, "list", "--all", "--autostart", "--name")[1].split()
    assert "Autostart:      enable" in run_virsh(d, "dominfo", "cli3")[1]
    assert run_virtus(d, "undefine", "cli3")[0] == 0
    assert "cli3" not in run_virsh(d, "list", "--all", "--name")[1].split()


def test_embedded_connection_refuses_domain_commands(tmp_path):
    require_bin()
    p = virtus(tmp_path, "list")
    assert p.returncode == 1
    assert "domains need a daemon connection" in p.stderr
    assert "-c URI" in p.stderr

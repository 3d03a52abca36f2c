"""One virsh script over the domain commands, run against libvirt's own test driver
(`virsh -c test:///default`, in-process) and against virtusd's test:///default: the
normalised output of every step must be identical, except for the differences listed in
EXPECTED_DIFFERENCES with their reasons.

libvirt's test driver lives in the virsh process, so each run is ONE virsh process: the steps
are joined into one command string with an `echo` marker between them, and stdout and stderr
are read unbuffered from one pipe so that every error stays with its step. Each step also says
whether it must succeed or fail (a step fails when virsh printed an error), which is checked
on libvirt too, so the script is proven against the reference first.
"""
import os
import re
import shutil
import subprocess
import tempfile

import pytest

from compat_support import VIRSH, VIRSH_TIMEOUT, Normaliser, Virtusd, require_virtusd, virsh_env

OK, FAIL = "ok", "fail"
MARKER = "@@STEP@@"

DOMAIN_XML = """<domain type='test'>
  <name>{name}</name>
  <memory unit='KiB'>1048576</memory>
  <vcpu>1</vcpu>
  <os>
    <type>hvm</type>
  </os>
</domain>
"""

# (expectation, virsh command). File names are relative to the client's directory.
SCRIPT = """
ok   list --all
ok   list --all --name
ok   dominfo test
ok   domstate --reason test
ok   dumpxml test
ok   domuuid test
ok   domid test
ok   domname 1
ok   domname 6695eb01-f6a4-8304-79aa-97f2502e193f
ok   domid 6695eb01-f6a4-8304-79aa-97f2502e193f
ok   define t2.xml
ok   dominfo t2
ok   domstate --reason t2
ok   domid t2
ok   dumpxml t2
ok   list --all
ok   list --inactive
ok   start t2
ok   domstate --reason t2
ok   domid t2
ok   domname 2
ok   list --state-running
fail start t2
fail create t2.xml
ok   suspend t2
ok   domstate --reason t2
ok   list --state-paused
fail suspend t2
ok   resume t2
ok   domstate --reason t2
fail resume t2
ok   shutdown t2
ok   domstate --reason t2
fail shutdown t2
fail destroy t2
ok   start t2
ok   destroy t2
ok   domstate --reason t2
ok   create tr.xml
ok   dominfo tr
ok   list --transient
ok   list --persistent
ok   list --all --transient
fail undefine tr
ok   destroy tr
fail domstate tr
ok   list --all
ok   autostart t2
ok   list --all --autostart
ok   list --all --no-autostart
ok   dominfo t2
ok   autostart --disable t2
ok   list --all --autostart
ok   undefine t2
fail domstate t2
fail define bad.xml
fail dominfo nosuch
fail domstate nosuch
fail domuuid nosuch
fail domname 99
ok   list --all
ok   list --inactive
ok   list --persistent
ok   list --state-running
"""

# Steps whose outputs differ for a reason that is not Virtus's to remove. Each entry: the
# step's command, the reason, and the (pattern, replacement) substitutions (re.M | re.S) that
# turn libvirt's normalised output into Virtus's. Every substitution must match: a difference
# that went away fails the test, so the list stays true.
_TEST_DRIVER_DOMINFO = [
    # libvirt's test driver answers virDomainGetOSType with "linux" whatever the definition
    # says; Virtus answers the definition's <os><type> ("hvm"), as the QEMU driver does.
    (r"^OS Type:        linux$", "OS Type:        hvm"),
    # libvirt's test driver reports the host's clock as CPU time; nothing runs in Virtus's,
    # so its CPU time is 0, which virsh does not print.
    (r"^CPU time:       [0-9.]+s\n", ""),
    # libvirt's test driver has its own security driver ('testSecurity', label
    # 'libvirt-test'); Virtus has none: an empty model, which virsh does not print.
    (r"^Security model: testSecurity\nSecurity DOI:   \n(Security label: [^\n]*\n)?", ""),
]
EXPECTED_DIFFERENCES = {
    "dominfo test": ("test driver's OS type, CPU time and security driver",
                     _TEST_DRIVER_DOMINFO),
    "dominfo t2": ("test driver's OS type, CPU time and security driver", _TEST_DRIVER_DOMINFO),
    "dominfo tr": ("test driver's OS type, CPU time and security driver", _TEST_DRIVER_DOMINFO),
    "domstate --reason test": (
        "libvirt's default guest runs with reason 'unknown'; Virtus's test driver starts it "
        "like any guest, 'booted'",
        [(r"^running \(unknown\)$", "running (booted)")]),
    "dumpxml test": (
        "Virtus's default guest is built in code without libvirt's arch, boot device and the "
        "disk, interface and balloon devices of libvirt's default configuration",
        [(r"<type arch='i686'>hvm</type>", "<type>hvm</type>"),
         (r"^ *<boot dev='hd'/>\n", ""),
         (r"^ *<disk .*?</disk>\n", ""),
         (r"^ *<interface .*?</interface>\n", ""),
         (r"^ *<memballoon .*?</memballoon>\n", "")]),
    "dumpxml t2": (
        "libvirt's test driver fills in the architecture of its fake host (i686); Virtus's "
        "leaves an unset one unset",
        [(r"<type arch='i686'>hvm</type>", "<type>hvm</type>")]),
    "undefine tr": (
        "libvirt 9.0's test driver undefines a transient guest without complaint (nothing "
        "happens); Virtus refuses as libvirt's QEMU driver does",
        [(r"^Domain 'tr' has been undefined\n",
          "error: Failed to undefine domain 'tr'\n"
          "error: Requested operation is not valid: cannot undefine transient domain\n")]),
}
# Whether a step is expected to succeed on libvirt (when that differs from Virtus).
LIBVIRT_EXPECTATION = {"undefine tr": OK}


def parse_script(text):
    steps = []
    for line in text.strip().splitlines():
        expect, command = line.split(None, 1)
        assert expect in (OK, FAIL), line
        steps.append((expect, command.strip()))
    return steps


STEPS = parse_script(SCRIPT)


def run_script(uri, client_dir, steps, readonly=False):
    """Runs the steps in one virsh process; returns the output of each step."""
    joined = ("; echo %s; " % MARKER).join(command for _, command in steps)
    # stdbuf: virsh's stdout unbuffered, so that its output and its errors keep their order.
    argv = ["stdbuf", "-o0", "-e0", VIRSH] + (["-r"] if readonly else []) + ["-c", uri, joined]
    timeout = VIRSH_TIMEOUT * 2
    try:
        p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           env=virsh_env(client_dir), cwd=client_dir, timeout=timeout,
                           stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        pytest.fail("virsh -c %s did not finish the script within %d s" % (uri, timeout))
    outputs = p.stdout.decode(errors="backslashreplace").split(MARKER + "\n")
    assert len(outputs) == len(steps), "virsh -c %s stopped early:\n%s" % (
        uri, p.stdout.decode(errors="backslashreplace"))
    return outputs


def failed(output):
    return re.search(r"^error: ", output, re.M) is not None


def check_expectations(name, steps, outputs, overrides=None):
    wrong = []
    for (expect, command), out in zip(steps, outputs):
        expect = (overrides or {}).get(command, expect)
        if failed(out) != (expect == FAIL):
            wrong.append("%s: `%s` should %s:\n%s" % (
                name, command, "fail" if expect == FAIL else "succeed", out))
    assert not wrong, "\n".join(wrong)


def apply_expected_differences(command, libvirt_output):
    """libvirt's output of the step as Virtus must print it."""
    if command not in EXPECTED_DIFFERENCES:
        return libvirt_output
    reason, subs = EXPECTED_DIFFERENCES[command]
    out = libvirt_output
    for pattern, replacement in subs:
        out, n = re.subn(pattern, replacement, out, flags=re.M | re.S)
        assert n > 0, ("expected difference of `%s` (%s) no longer seen in libvirt's output: "
                       "%r\n%s" % (command, reason, pattern, libvirt_output))
    return out


def compare(libvirt_outputs, virtus_outputs, steps):
    """The steps whose outputs differ beyond the expected differences, as readable text."""
    # One normaliser per run: UUIDs are numbered in order of appearance in each transcript.
    norm_libvirt, norm_virtus = Normaliser([]), Normaliser([])
    differences = []
    for (_, command), a, b in zip(steps, libvirt_outputs, virtus_outputs):
        want = apply_expected_differences(command, norm_libvirt(a))
        got = norm_virtus(b)
        if want != got:
            differences.append("`%s`\n--- libvirt (with expected differences)\n%s"
                               "--- virtusd\n%s" % (command, want, got))
    return differences


@pytest.fixture
def client_dir():
    d = tempfile.mkdtemp(prefix="virtus-compat-domains.")
    for name in ("t2", "tr"):
        with open(os.path.join(d, name + ".xml"), "w") as f:
            f.write(DOMAIN_XML.format(name=name))
    with open(os.path.join(d, "bad.xml"), "w") as f:
        f.write("<domain type='test'>\n  <name>broken\n")
    yield d
    shutil.rmtree(d, ignore_errors=True)


@pytest.fixture
def virtusd():
    require_virtusd()
    d = Virtusd()
    yield d
    d.stop()


def test_domain_script_matches_libvirt_test_driver(virtusd, client_dir):
    libvirt = run_script("test:///default", client_dir, STEPS)
    check_expectations("libvirt", STEPS, libvirt, LIBVIRT_EXPECTATION)
    virtus = run_script("test+unix:///default?socket=%s" % virtusd.socket, client_dir, STEPS)
    check_expectations("virtusd", STEPS, virtus)
    differences = compare(libvirt, virtus, STEPS)
    assert not differences, "\n\n".join(differences)


READ_ONLY_STEPS = parse_script("""
ok   list --all
ok   dominfo test
ok   dumpxml test
ok   domstate --reason test
fail define t2.xml
fail create tr.xml
fail destroy test
fail suspend test
fail shutdown test
fail autostart test
ok   list --all
""")


def test_read_only_connection_matches_libvirt(virtusd, client_dir):
    """A read-only connection may look but not touch, with libvirt's refusals."""
    libvirt = run_script("test:///default", client_dir, READ_ONLY_STEPS, readonly=True)
    check_expectations("libvirt", READ_ONLY_STEPS, libvirt)
    virtus = run_script("test+unix:///default?socket=%s" % virtusd.socket_ro, client_dir,
                        READ_ONLY_STEPS, readonly=True)
    check_expectations("virtusd", READ_ONLY_STEPS, virtus)
    differences = compare(libvirt, virtus, READ_ONLY_STEPS)
    assert not differences, "\n\n".join(differences)


def test_domains_are_shared_by_the_daemons_test_connections(virtusd, client_dir):
    """test:///default is one in-memory driver per daemon: what one client defines, the next
    one sees (libvirt's is one per process, which is the same thing for one virsh)."""
    uri = "test+unix:///default?socket=%s" % virtusd.socket
    first = run_script(uri, client_dir, [(OK, "define t2.xml")])
    assert "Domain 't2' defined" in first[0]
    second = run_script(uri, client_dir, [(OK, "list --all --name"), (OK, "undefine t2")])
    assert second[0].split() == ["test", "t2"]
    assert "Domain 't2' has been undefined" in second[1]


def test_comparison_catches_a_difference():
    """The comparison is not vacuous: a changed word, a missing line or a stale expected
    difference are all reported."""
    steps = [(OK, "domstate --reason t2")]
    assert compare(["running (booted)\n\n"], ["running (booted)\n\n"], steps) == []
    assert len(compare(["running (booted)\n\n"], ["paused (user)\n\n"], steps)) == 1
    assert len(compare(["a\nb\n"], ["a\n"], steps)) == 1
    with pytest.raises(AssertionError, match="no longer seen"):
        compare(["Domain 'tr' destroyed\n"], ["Domain 'tr' destroyed\n"], [(FAIL, "undefine tr")])

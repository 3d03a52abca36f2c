"""`virsh capabilities`, `virsh domcapabilities` and `virsh version` against virtusd, compared
with a private real libvirtd on the same machine (the same QEMU binaries, probed by each).

What Virtus formats differently is listed below (DOMCAPS_DIFFERENCES, HOST_ELEMENTS_LEFT_OUT,
after src/hypervisor/qemu/testdata/README.md) and checked both ways: each difference must be
found in libvirtd's answer (a listed difference libvirt does not have fails), and once applied
to libvirtd's answer the result must be virtusd's answer exactly (so virtusd has it too, and
nothing else differs).

The capabilities cache: a daemon start probes nothing; the first need probes each binary once
and writes its cache file; a second virtusd on the same root reads those files (they are not
rewritten, and its log has no probe).
"""
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time

import pytest

from compat_support import (Libvirtd, Virtusd, as_daemon_user, read_tail, require_virtusd,
                            run_virsh, socket_accepts)

OK, FAIL, EITHER = "ok", "fail", "either"

QEMU_X86 = shutil.which("qemu-system-x86_64", path="/usr/sbin:/usr/bin:/sbin:/bin")
QEMU_I386 = shutil.which("qemu-system-i386", path="/usr/sbin:/usr/bin:/sbin:/bin")
HAVE_AARCH64 = shutil.which("qemu-system-aarch64", path="/usr/sbin:/usr/bin:/sbin:/bin")

# (name, expectation, virsh arguments). `virsh version` first: it is what probes.
STEPS = [
    ("version", OK, ["version"]),
    ("capabilities", OK, ["capabilities"]),
    ("default", OK, ["domcapabilities"]),
    ("virttype-qemu", OK, ["domcapabilities", "--virttype", "qemu"]),
    ("virttype-none", OK, ["domcapabilities", "--virttype", "none"]),
    ("machine-pc", OK, ["domcapabilities", "--machine", "pc"]),
    ("machine-q35", OK, ["domcapabilities", "--machine", "q35", "--virttype", "qemu"]),
    ("emulatorbin", OK, ["domcapabilities", "--emulatorbin", QEMU_X86]),
    ("arch-x86_64", OK, ["domcapabilities", "--arch", "x86_64"]),
    ("bad-machine", FAIL, ["domcapabilities", "--machine", "nosuch"]),
    ("bad-virttype", FAIL, ["domcapabilities", "--virttype", "nosuch"]),
    ("virttype-xen", FAIL, ["domcapabilities", "--virttype", "xen"]),
    # KVM depends on the machine (nested virtualisation); both daemons must agree.
    ("virttype-kvm", EITHER, ["domcapabilities", "--virttype", "kvm"]),
    ("bad-arch", FAIL, ["domcapabilities", "--arch", "nosuch"]),
    ("no-emulator-for-arch", OK if HAVE_AARCH64 else FAIL,
     ["domcapabilities", "--arch", "aarch64"]),
    ("missing-emulatorbin", FAIL,
     ["domcapabilities", "--emulatorbin", "/nonexistent/qemu-system-x86_64"]),
    ("arch-mismatch", FAIL,
     ["domcapabilities", "--emulatorbin", QEMU_X86, "--arch", "aarch64"]),
    ("i386-for-x86_64", FAIL, ["domcapabilities", "--emulatorbin", QEMU_I386]),
]
# Compared only in test_i686_domain_capabilities (see there).
I686_STEPS = [
    ("arch-i686", OK, ["domcapabilities", "--arch", "i686"]),
    ("x86_64-for-i686", OK, ["domcapabilities", "--arch", "i686", "--emulatorbin", QEMU_X86]),
]

# --- what Virtus formats differently ------------------------------------------------------

# <domainCapabilities>: (what, element, replacement). The element (by name, at any depth; with
# `match` its opening line must contain it) is replaced in libvirtd's answer by the
# replacement lines ("" removes it); within `inside`, only those <value>s are removed.
DOMCAPS_DIFFERENCES = [
    # libvirt models the host CPU from CPUID and its CPU map; Virtus does not.
    ("cpu host-model", "mode", "<mode name='host-model' supported='no'/>",
     "name='host-model'"),
    # Virtus does not assign host devices.
    ("hostdev", "hostdev", "<hostdev supported='no'/>", None),
    # Devices and features Virtus does not offer (yet).
    ("filesystem devices", "filesystem", "", None),
    ("tpm devices", "tpm", "", None),
    ("redirdev devices", "redirdev", "", None),
    ("channel devices", "channel", "", None),
    ("backingStoreInput feature", "backingStoreInput", "", None),
    ("backup feature", "backup", "", None),
    ("hyperv feature", "hyperv", "", None),
]
# Graphics types libvirt lists that Virtus does not.
GRAPHICS_LEFT_OUT = ("sdl", "egl-headless", "dbus")

# <capabilities>/<host>: Virtus writes only <uuid> (from /etc/machine-id; libvirt's comes from
# SMBIOS or is random, so its value is not compared) and <cpu><arch>. Libvirt's other host
# elements, each checked to be there in libvirtd's answer and not in virtusd's.
HOST_ELEMENTS_LEFT_OUT = ("cpu/model", "cpu/vendor", "cpu/signature", "cpu/topology",
                          "cpu/maxphysaddr", "cpu/pages", "power_management", "iommu",
                          "migration_features", "topology", "secmodel")


def find_element(lines, name, match=None):
    """(start, end) line indexes of the first element `name` (end exclusive)."""
    opening = re.compile(r"^(\s*)<%s[\s/>]" % re.escape(name))
    for i, line in enumerate(lines):
        m = opening.match(line)
        if not m or (match and match not in line):
            continue
        if line.rstrip().endswith("/>"):
            return i, i + 1
        closing = m.group(1) + "</%s>" % name
        for j in range(i + 1, len(lines)):
            if lines[j].rstrip() == closing:
                return i, j + 1
    return None


def as_virtus_formats_domcaps(text):
    """libvirtd's <domainCapabilities> with the known differences applied."""
    lines = text.split("\n")
    for what, name, replacement, match in DOMCAPS_DIFFERENCES:
        found = find_element(lines, name, match)
        assert found, "known difference '%s' is not in libvirtd's answer:\n%s" % (what, text)
        start, end = found
        indent = re.match(r"^\s*", lines[start]).group(0)
        lines[start:end] = [indent + replacement] if replacement else []
    graphics = find_element(lines, "graphics")
    assert graphics, "libvirtd lists no graphics:\n" + text
    for value in GRAPHICS_LEFT_OUT:
        wanted = "<value>%s</value>" % value
        inside = [i for i in range(*graphics) if lines[i].strip() == wanted]
        assert inside, "libvirtd does not list graphics type '%s'" % value
        del lines[inside[0]]
        graphics = (graphics[0], graphics[1] - 1)
    return "\n".join(lines)


def split_capabilities(text):
    """(host element, the rest) of a <capabilities> document."""
    lines = text.split("\n")
    found = find_element(lines, "host")
    assert found, "no <host> in:\n" + text
    start, end = found
    return "\n".join(lines[start:end]), "\n".join(lines[:start] + ["<HOST>"] + lines[end:])


def host_elements(host_xml):
    """The 'cpu/model'-style paths of the elements under <host> (two levels)."""
    names = set()
    parent = None
    for line in host_xml.split("\n")[1:-1]:
        m = re.match(r"^(\s*)<([A-Za-z_]+)", line)
        if not m:
            continue
        depth = len(m.group(1)) // 2
        if depth == 2:
            parent = m.group(2)
            names.add(parent)
        elif depth == 3 and parent:
            names.add(parent + "/" + m.group(2))
    return names


def host_arch(host_xml):
    m = re.search(r"<cpu>\s*<arch>([^<]+)</arch>", host_xml)
    return m.group(1) if m else None


# --- running the steps --------------------------------------------------------------------

def run_steps(daemon, steps):
    home = tempfile.mkdtemp(prefix="virtus-compat-caps-virsh.")
    try:
        out = {}
        for name, expect, args in steps:
            rc, stdout, stderr = run_virsh(daemon.uri(), args, home=home)
            out[name] = {"expect": expect, "rc": rc, "stdout": stdout, "stderr": stderr,
                         "args": args}
        return out
    finally:
        shutil.rmtree(home, ignore_errors=True)


def render(name, step):
    return "$ virsh %s   [%s]\n[exit %d]\n--- stdout\n%s--- stderr\n%s" % (
        " ".join(step["args"]), name, step["rc"], step["stdout"], step["stderr"])


@pytest.fixture(scope="module")
def libvirtd_answers():
    daemon = Libvirtd()
    try:
        return run_steps(daemon, STEPS + I686_STEPS)
    finally:
        daemon.stop()


@pytest.fixture(scope="module")
def virtusd_answers():
    require_virtusd()
    daemon = Virtusd()
    try:
        answers = run_steps(daemon, STEPS + I686_STEPS)
        answers["__log__"] = daemon.output()
        return answers
    finally:
        daemon.stop()


def expectation_failures(answers, steps):
    bad = []
    for name, expect, _ in steps:
        step = answers[name]
        if step["rc"] < 0 or (expect != EITHER and (step["rc"] == 0) != (expect == OK)):
            bad.append("expected to %s:\n%s" % (expect, render(name, step)))
    return bad


def test_steps_behave_as_written_on_libvirtd(libvirtd_answers):
    assert QEMU_X86 and QEMU_I386, "qemu-system-x86 is not installed"
    bad = expectation_failures(libvirtd_answers, STEPS + I686_STEPS)
    assert not bad, "\n".join(bad)


def test_steps_behave_as_written_on_virtusd(virtusd_answers):
    bad = expectation_failures(virtusd_answers, STEPS + I686_STEPS)
    assert not bad, "\n".join(bad) + "\nvirtusd output:\n" + virtusd_answers["__log__"]


def test_version_is_the_probed_qemu(libvirtd_answers, virtusd_answers):
    ref = libvirtd_answers["version"]
    got = virtusd_answers["version"]
    assert got["rc"] == 0, render("version", got)
    running = [l for l in ref["stdout"].splitlines() if l.startswith("Running hypervisor:")]
    assert running and running[0] in got["stdout"].splitlines(), (
        render("version", ref) + "\n" + render("version", got))


def test_errors_match_libvirtd(libvirtd_answers, virtusd_answers):
    report = []
    for name, _, _ in STEPS:
        ref, got = libvirtd_answers[name], virtusd_answers[name]
        if ref["rc"] != 0 or got["rc"] != 0:
            if (ref["rc"], ref["stderr"]) != (got["rc"], got["stderr"]):
                report.append("libvirtd:\n%s\nvirtusd:\n%s" % (render(name, ref),
                                                               render(name, got)))
    assert not report, "\n".join(report)


def test_domain_capabilities_match_up_to_known_differences(libvirtd_answers, virtusd_answers):
    report = []
    compared = 0
    for name, _, args in STEPS:
        ref, got = libvirtd_answers[name], virtusd_answers[name]
        if args[0] != "domcapabilities" or ref["rc"] != 0:
            continue
        compared += 1
        expected = as_virtus_formats_domcaps(ref["stdout"])
        if got["stdout"] != expected:
            import difflib
            report.append("%s:\n%s" % (name, "".join(difflib.unified_diff(
                expected.splitlines(True), got["stdout"].splitlines(True),
                "libvirtd (known differences applied)", "virtusd"))))
    assert compared >= 6
    assert not report, "\n".join(report)


def test_capabilities_match_up_to_known_differences(libvirtd_answers, virtusd_answers):
    ref, got = libvirtd_answers["capabilities"], virtusd_answers["capabilities"]
    assert ref["rc"] == 0 and got["rc"] == 0, render("ref", ref) + render("got", got)
    ref_host, ref_rest = split_capabilities(ref["stdout"])
    got_host, got_rest = split_capabilities(got["stdout"])
    # The guests, where they are in the document, byte for byte.
    assert got_rest == ref_rest
    assert "<guest>" in got_rest and "<arch name='x86_64'>" in got_rest
    # The host: what Virtus writes agrees; what it leaves out is libvirt's and not Virtus'.
    assert host_arch(got_host) == host_arch(ref_host) is not None
    ref_names, got_names = host_elements(ref_host), host_elements(got_host)
    for element in HOST_ELEMENTS_LEFT_OUT:
        assert element in ref_names, "libvirtd's host has no %s:\n%s" % (element, ref_host)
        assert element not in got_names, "virtusd now writes %s: update the list" % element
    assert got_names - {"uuid", "cpu", "cpu/arch"} == set(), got_host


def test_i686_domain_capabilities(libvirtd_answers, virtusd_answers):
    for name, _, _ in I686_STEPS:
        ref, got = libvirtd_answers[name], virtusd_answers[name]
        assert ref["rc"] == 0 and got["rc"] == 0
        assert got["stdout"] == as_virtus_formats_domcaps(ref["stdout"]), name


# --- the cache ----------------------------------------------------------------------------

PROBE_LINE = "probing the capabilities of QEMU"


def cache_files(tree):
    directory = os.path.join(tree, "cache", "qemu", "capabilities")
    if not os.path.isdir(directory):
        return {}
    return {n: os.stat(os.path.join(directory, n)).st_mtime_ns
            for n in sorted(os.listdir(directory))}


def test_second_start_reads_the_cache():
    require_virtusd()
    daemon = Virtusd()
    restarted = None
    log_dir = tempfile.mkdtemp(prefix="virtus-compat-caps-log.")
    try:
        # A start probes nothing.
        assert cache_files(daemon.tree) == {}
        assert PROBE_LINE not in daemon.output()
        rc, out, err = run_virsh(daemon.uri(), ["capabilities"])
        assert rc == 0, out + err
        first = cache_files(daemon.tree)
        assert len(first) == 2, first  # qemu-system-i386 and qemu-system-x86_64
        probes = daemon.output().count(PROBE_LINE)
        assert probes == 2, daemon.output()
        rc, out2, err = run_virsh(daemon.uri(), ["capabilities"])
        assert rc == 0 and out2 == out
        assert daemon.output().count(PROBE_LINE) == 2  # the second answer came from memory

        binary = daemon.proc.args[-3]  # [..., binary, "--root", tree]
        daemon.proc.send_signal(signal.SIGTERM)
        assert daemon.proc.wait(timeout=30) == 0
        log_path = os.path.join(log_dir, "virtusd.log")
        with open(log_path, "wb") as log:
            restarted = subprocess.Popen(as_daemon_user([binary, "--root", daemon.tree]),
                                         stdin=subprocess.DEVNULL, stdout=log,
                                         stderr=subprocess.STDOUT, start_new_session=True,
                                         cwd=daemon.tree)
        deadline = time.monotonic() + 30
        while not socket_accepts(daemon.socket):
            assert restarted.poll() is None, read_tail(log_path)
            assert time.monotonic() < deadline, "the restarted virtusd does not listen"
            time.sleep(0.05)
        rc, out3, err = run_virsh(daemon.uri(), ["capabilities"])
        assert rc == 0, out3 + err
        assert out3 == out
        rc, _, err = run_virsh(daemon.uri(), ["domcapabilities"])
        assert rc == 0, err
        assert PROBE_LINE not in read_tail(log_path, 100000), read_tail(log_path)
        assert cache_files(daemon.tree) == first  # read, not rewritten
    finally:
        if restarted is not None and restarted.poll() is None:
            restarted.send_signal(signal.SIGTERM)
            try:
                restarted.wait(timeout=30)
            except subprocess.TimeoutExpired:
                restarted.kill()
                restarted.wait(timeout=10)
        daemon.stop()
        shutil.rmtree(log_dir, ignore_errors=True)

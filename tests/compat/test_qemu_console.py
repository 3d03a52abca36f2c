"""The guest's serial console through virtusd, as libvirt's clients open it
(virDomainOpenConsole): the pty of a <serial type='pty'> carries the guest's output to a
python-libvirt stream; one session at a time (a second open fails with libvirt's error,
VIR_DOMAIN_CONSOLE_FORCE takes the console over and the first session ends); the guest's
end ends the session; errors as libvirt words them."""
import os
import pty
import re
import select
import shutil
import subprocess
import tempfile
import threading
import time

import libvirt
import pytest

from compat_support import VIRSH, virsh_env
from qemu_guest_support import (BOOT_TIMEOUT, STATE_TIMEOUT, check_disks, domain_xml,  # noqa: F401
                                domstate, setup, tg, virsh_ok, wait_until)

PTY_CONSOLE = ("    <serial type='pty'><target port='0'/></serial>\n"
               "    <console type='pty'><target type='serial' port='0'/></console>\n")


def define_with_pty(daemon, xml):
    """Redefines the fixture's g1 with a pty serial port and its console."""
    with open(xml) as f:
        text = f.read()
    kernel = re.search(r"<kernel>(.*)</kernel>", text).group(1)
    initrd = re.search(r"<initrd>(.*)</initrd>", text).group(1)
    with open(xml, "w") as f:
        f.write(domain_xml(kernel, initrd, PTY_CONSOLE))
    virsh_ok(daemon.uri(), "define", xml)


class ConsoleReader:
    """A console session: its own connection and stream, read on a thread until the end of
    the data (or an error)."""

    def __init__(self, uri, flags=0):
        self.conn = libvirt.open(uri)
        self.stream = self.conn.newStream(0)
        self.conn.lookupByName("g1").openConsole(None, self.stream, flags)
        self.data = b""
        self.error = None
        self.ended = threading.Event()
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        try:
            while True:
                chunk = self.stream.recv(65536)
                if not chunk:  # the end of the data
                    try:
                        self.stream.finish()
                    except libvirt.libvirtError as e:
                        self.error = e
                    break
                with self.lock:
                    self.data += chunk
        except libvirt.libvirtError as e:
            self.error = e
        finally:
            self.ended.set()

    def report(self):
        with self.lock:
            return tg.parse(self.data)

    def close(self):
        if not self.ended.is_set():
            try:
                self.stream.abort()
            except libvirt.libvirtError:
                pass
        self.ended.wait(STATE_TIMEOUT)
        self.thread.join(STATE_TIMEOUT)
        self.conn.close()


class VirshConsole:
    """`virsh console g1 --force` with a pty as its terminal."""

    def __init__(self, uri):
        self.home = tempfile.mkdtemp(prefix="virtus-compat-console.")
        self.master, slave = pty.openpty()
        self.proc = subprocess.Popen([VIRSH, "-c", uri, "console", "g1", "--force"],
                                     stdin=slave, stdout=slave, stderr=slave,
                                     env=virsh_env(self.home), cwd=self.home,
                                     start_new_session=True)
        os.close(slave)
        self.output = b""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(STATE_TIMEOUT)
        os.close(self.master)
        shutil.rmtree(self.home, ignore_errors=True)

    def expect(self, what, timeout=STATE_TIMEOUT):
        deadline = time.monotonic() + timeout
        while what not in self.output:
            left = deadline - time.monotonic()
            assert left > 0, "no %r from virsh console: %r" % (what, self.output)
            ready, _, _ = select.select([self.master], [], [], left)
            if ready:
                try:
                    chunk = os.read(self.master, 4096)
                except OSError:  # EIO: virsh closed the terminal
                    chunk = b""
                assert chunk, "virsh console ended: %r" % self.output
                self.output += chunk

    def send(self, data):
        os.write(self.master, data)

    def wait(self):
        return self.proc.wait(STATE_TIMEOUT)


def open_error(uri, name=None, flags=0):
    conn = libvirt.open(uri)
    try:
        with pytest.raises(libvirt.libvirtError) as e:
            conn.lookupByName("g1").openConsole(name, conn.newStream(0), flags)
        return e.value
    finally:
        conn.close()


def test_console_carries_the_guest_output_one_session_at_a_time(setup):
    daemon, xml, pids = setup
    uri = daemon.uri()
    define_with_pty(daemon, xml)

    err = open_error(uri)
    assert err.get_error_code() == libvirt.VIR_ERR_OPERATION_INVALID, err
    assert "domain is not running" in str(err)

    # Paused, so that the session is open before the guest writes anything.
    virsh_ok(uri, "start", "g1", "--paused")
    first = ConsoleReader(uri)
    readers = [first]
    try:
        err = open_error(uri)
        assert err.get_error_code() == libvirt.VIR_ERR_OPERATION_FAILED, err
        assert "Active console session exists for this domain" in str(err)
        err = open_error(uri, "serial7")
        assert err.get_error_code() == libvirt.VIR_ERR_INTERNAL_ERROR, err
        assert "cannot find character device serial7" in str(err)

        virsh_ok(uri, "resume", "g1")
        report = wait_until(lambda: first.report().done and first.report(), BOOT_TIMEOUT,
                            "the guest's report on the console")
        check_disks(report)
        assert not first.ended.is_set(), first.error

        # FORCE takes the console over; the first session sees the end of its data.
        second = ConsoleReader(uri, libvirt.VIR_DOMAIN_CONSOLE_FORCE)
        readers.append(second)
        assert first.ended.wait(STATE_TIMEOUT), "the first session did not end"
        assert first.error is None, first.error
        err = open_error(uri)
        assert "Active console session exists for this domain" in str(err)

        # virsh console on a terminal: --force takes the console from the second session.
        with VirshConsole(uri) as term:
            term.expect(b"Escape character is ^]")
            assert second.ended.wait(STATE_TIMEOUT), "the second session did not end"
            # Keystrokes go to the guest's ttyS0, whose line discipline echoes them back.
            term.send(b"virtus-typed")
            term.expect(b"virtus-typed")
            term.send(b"\x1d")  # Ctrl-]
            assert term.wait() == 0, term.output
        third = ConsoleReader(uri)  # the console is free again
        readers.append(third)

        # The guest's end ends the session that has the console.
        virsh_ok(uri, "destroy", "g1")
        assert third.ended.wait(STATE_TIMEOUT), "the session outlived the guest"
        assert third.error is None, third.error
        assert domstate(uri, "g1") == "shut off (destroyed)"
    finally:
        for r in readers:
            r.close()


def test_live_xml_shows_the_pty(setup):
    daemon, xml, pids = setup
    uri = daemon.uri()
    define_with_pty(daemon, xml)
    virsh_ok(uri, "start", "g1", "--paused")
    try:
        live = virsh_ok(uri, "dumpxml", "g1")
        m = re.search(r"<serial type='pty'>\s*<source path='(/dev/pts/\d+)'/>", live)
        assert m, live
        assert "<console type='pty' tty='%s'>" % m.group(1) in live, live
        assert "/dev/pts/" not in virsh_ok(uri, "dumpxml", "g1", "--inactive")
    finally:
        virsh_ok(uri, "destroy", "g1")
